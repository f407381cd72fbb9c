#!/usr/bin/env python3
"""The Containerfile's recipe, read the way an engine reads it (without one):
a build stage on debian:bookworm that installs exactly scripts/bootstrap's
build packages and builds the .deb with scripts/package; a runtime stage on
debian:bookworm-slim that installs only that .deb (its Depends are the runtime
libraries, dpkg-shlibdeps-computed and checked by scripts/package --check) plus
ca-certificates, without recommends; a numeric non-root USER; ENTRYPOINT
["ecs-doctor"]; a .dockerignore that keeps build trees and .git out of the
context. scripts/container-check builds and runs the image where an engine
works. usage: containerfile.py SOURCE_DIR"""
import json, os, re, shlex, sys

src = sys.argv[1]
n = fails = 0


def check(cond, what):
    global n, fails
    if cond:
        n += 1
    else:
        fails += 1
        print("FAIL:", what)


text = open(os.path.join(src, "Containerfile")).read()
# Instructions, with line continuations joined and comments dropped.
lines = [l for l in re.sub(r"\\\n", " ", text).splitlines() if l.strip() and not l.lstrip().startswith("#")]
stages, cur = [], None
for l in lines:
    word, _, rest = l.strip().partition(" ")
    word = word.upper()
    if word == "FROM":
        cur = {"from": rest.split()[0], "name": rest.split()[-1] if " AS " in rest.upper() else None, "ins": []}
        stages.append(cur)
    elif cur is not None:
        cur["ins"].append((word, rest.strip()))
check(len(stages) == 2, "two stages (build, runtime), got %d" % len(stages))
if len(stages) != 2:
    print("%d passed, %d failed" % (n, fails))
    sys.exit(1)
build, runtime = stages
check(build["from"] == "debian:bookworm", "build stage FROM debian:bookworm, got " + build["from"])
check(runtime["from"] == "debian:bookworm-slim", "runtime stage FROM debian:bookworm-slim, got " + runtime["from"])

brun = " && ".join(r for w, r in build["ins"] if w == "RUN")
check(re.search(r"(^|\s)scripts/bootstrap --build(\s|$)", brun), "build stage runs scripts/bootstrap --build")
check("scripts/package" in brun, "build stage builds the .deb with scripts/package")
check(any(w == "ARG" and r.startswith("EDOC_REVISION") for w, r in build["ins"]),
      "build stage takes EDOC_REVISION (no .git in the context)")
# bootstrap --build is the build list, and that list holds no test tool.
boot = open(os.path.join(src, "scripts", "bootstrap")).read()
m = re.search(r'BUILD_PKGS="([^"]*)"', boot)
check(m is not None, "scripts/bootstrap has a BUILD_PKGS list")
if m:
    bpk = m.group(1).replace("\\\n", " ").split()
    check({"build-essential", "cmake", "pkg-config", "libcurl4-openssl-dev", "libssl-dev", "libcjson-dev",
           "liblua5.4-dev", "libexpat1-dev"} <= set(bpk), "BUILD_PKGS lacks a build dependency: %s" % bpk)
    check(not {"valgrind", "clang", "lintian", "python3-botocore"} & set(bpk), "BUILD_PKGS holds test tools")
    # Every pkg_check_modules dependency in CMakeLists.txt names a package of the list.
    cm = open(os.path.join(src, "CMakeLists.txt")).read()
    for mod, deb in re.findall(r"edoc_require_pkg\(\w+ (\S+) (\S+)\)", cm):
        check(deb in bpk, "CMake needs %s (%s), not in BUILD_PKGS" % (mod, deb))

rrun = [r for w, r in runtime["ins"] if w == "RUN"]
installs = [shlex.split(c.strip()) for r in rrun for c in r.split("&&") if "apt-get install" in c]
check(len(installs) == 1, "runtime stage has one apt-get install")
if installs:
    args = installs[0]
    pk = [a for a in args[args.index("install") + 1:] if not a.startswith("-")]
    check("--no-install-recommends" in args, "runtime install without recommends")
    check(sorted(pk) == sorted(["ca-certificates", "/tmp/pkg/ecs-doctor_*.deb"]),
          "runtime installs only the .deb and ca-certificates, got %s" % pk)
check(any(w == "COPY" and "--from=build" in r for w, r in runtime["ins"]), "runtime copies the .deb from the build stage")
check(any("rm -rf /var/lib/apt/lists/*" in r for r in rrun), "runtime drops apt's lists")
users = [r for w, r in runtime["ins"] if w == "USER"]
check(len(users) == 1 and re.fullmatch(r"[1-9][0-9]*(:[1-9][0-9]*)?", users[0] if users else ""),
      "runtime USER is a numeric non-root uid, got %s" % users)
ep = [r for w, r in runtime["ins"] if w == "ENTRYPOINT"]
check(len(ep) == 1 and json.loads(ep[0]) == ["ecs-doctor"], "ENTRYPOINT [\"ecs-doctor\"], got %s" % ep)

ign = open(os.path.join(src, ".dockerignore")).read().split()
for p in (".git", "build", "build-*"):
    check(p in ign, ".dockerignore lacks %s" % p)

print("%d passed, %d failed" % (n, fails))
sys.exit(1 if fails else 0)
