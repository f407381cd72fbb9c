# Packaging: the documentation every install carries, and the Debian packages
# CPack builds (scripts/package wraps it: configure, build, cpack, lintian).
#
# Components: runtime -> package ecs-doctor (binary, checks, bundled plugins,
# man page, completions, docs and examples); dev -> package ecs-doctor-dev (the
# plugin header and the pkg-config file, for building plugins out of tree).
# EDOC_PACKAGE_DEB lays the install out the way Debian wants it (compressed man
# page and changelogs, the copyright file, zsh's vendor folder); it is meant for
# a build with CMAKE_INSTALL_PREFIX=/usr, which scripts/package configures.

# Users read these from the installed tree: the IAM policy to attach, the example
# bundle the quick start analyses, and the team-checks example to copy.
install(FILES docs/iam-policy.json README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY examples DESTINATION ${CMAKE_INSTALL_DOCDIR}
        PATTERN "*.so" EXCLUDE PATTERN "*.o" EXCLUDE)

set(EDOC_DEB_MAINTAINER "ecs-doctor maintainers <ecs-doctor@users.noreply.github.com>"
    CACHE STRING "Maintainer field of the Debian packages (Name <address>)")
set(EDOC_DEB_RELEASE 1 CACHE STRING "Debian revision of the packages (the -N of 0.2.0-N)")
set(EDOC_DEB_VERSION "${PROJECT_VERSION}-${EDOC_DEB_RELEASE}")
if(EDOC_PACKAGE_DEB)
  # Honours SOURCE_DATE_EPOCH, so a reproducible build gets a stable date.
  string(TIMESTAMP EDOC_DEB_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
  set(pkgdir ${PROJECT_BINARY_DIR}/deb)
  configure_file(packaging/deb/changelog.Debian.in ${pkgdir}/changelog.Debian @ONLY)
  # gzip -n: no name or time stamp inside, so the same input gives the same bytes.
  set(gz_outputs "")
  foreach(pair "${pkgdir}/changelog.Debian|${pkgdir}/changelog.Debian.gz"
               "${PROJECT_SOURCE_DIR}/CHANGELOG.md|${pkgdir}/changelog.gz"
               "${PROJECT_SOURCE_DIR}/docs/man/ecs-doctor.1|${pkgdir}/ecs-doctor.1.gz")
    string(REPLACE "|" ";" pair "${pair}")
    list(GET pair 0 in)
    list(GET pair 1 out)
    add_custom_command(OUTPUT ${out}
      COMMAND gzip -9n -c ${in} > ${out}
      DEPENDS ${in} VERBATIM)
    list(APPEND gz_outputs ${out})
  endforeach()
  add_custom_target(edoc_deb_files ALL DEPENDS ${gz_outputs})
  install(FILES ${pkgdir}/ecs-doctor.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  install(FILES ${pkgdir}/changelog.Debian.gz ${pkgdir}/changelog.gz packaging/deb/copyright
          DESTINATION ${CMAKE_INSTALL_DOCDIR})
  # The -dev package's own doc folder (Debian wants a copyright file in each).
  install(FILES ${pkgdir}/changelog.Debian.gz packaging/deb/copyright
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/ecs-doctor-dev COMPONENT dev)
  install(FILES packaging/deb/ecs-doctor-dev.lintian-overrides RENAME ecs-doctor-dev
          DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides COMPONENT dev)
else()
  install(FILES docs/man/ecs-doctor.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  install(FILES CHANGELOG.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
endif()

# ---- CPack: cpack -G DEB in the build folder (scripts/package does it all).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ecs-doctor)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${EDOC_DEB_MAINTAINER}")
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${EDOC_DEB_RELEASE})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${EDOC_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Runtime dependencies from the binary's and the plugins' NEEDED libraries
# (dpkg-shlibdeps), never a hand-kept list.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME ecs-doctor)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION admin)
# libcurl verifies the AWS endpoints' certificates against this bundle; the
# offline commands (analyze, checks) run without it.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_RECOMMENDS "ca-certificates")
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "diagnose unhealthy Amazon ECS services from the command line
ecs-doctor gathers the evidence an on-call engineer would collect by hand:
stopped-task reasons and exit codes, service events and deployments, target
health, execution-role policies, subnets, route tables, security groups and
log tails, read-only from the AWS APIs. It matches the evidence against known
failure patterns and prints a ranked diagnosis: the root cause first, its
symptoms under it, the evidence quoted, and the aws commands that fix it.
Checks are sandboxed Lua scripts and C plugins; teams can add their own.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME ecs-doctor-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION devel)
# A plugin is only of use to the ecs-doctor of the same version.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "ecs-doctor (= ${EDOC_DEB_VERSION})")
set(CPACK_DEBIAN_DEV_DESCRIPTION "build check plugins for ecs-doctor
The C header of the ecs-doctor plugin API (ecs_doctor/plugin.h) and the
pkg-config file ecs-doctor-plugin, for building check plugins out of tree:
cc -shared $(pkg-config --cflags ecs-doctor-plugin) -o my.so my.c")
include(CPack)
