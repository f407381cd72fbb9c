# Run at build time (cmake -P) by the edoc_revision target: writes
# edoc_revision.h with the source revision --version prints. Run at build
# time, not configure time, so a rebuild after a commit never shows the
# previous commit; the file is rewritten only when the text changes, so an
# unchanged revision recompiles nothing.
#
# In:  SRC (source tree), OUT (header to write), OVERRIDE (EDOC_REVISION,
#      for builds without .git such as a container build: wins when set).
# The revision is empty outside a git checkout (release tarball), and when the
# source tree is only a folder inside some other repository's checkout (its
# revision would describe that repository, not this source).
set(rev "${OVERRIDE}")
if(rev STREQUAL "")
  find_program(GIT_EXECUTABLE git)
  if(GIT_EXECUTABLE)
    execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SRC}" rev-parse --show-toplevel
                    OUTPUT_VARIABLE top RESULT_VARIABLE rc ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
    file(REAL_PATH "${SRC}" src_real)
    if(rc EQUAL 0 AND NOT top STREQUAL "")
      file(REAL_PATH "${top}" top_real)
    else()
      set(top_real "")
    endif()
    if(top_real STREQUAL src_real)
      execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SRC}" describe --always --dirty --abbrev=12 --match "v[0-9]*"
                      OUTPUT_VARIABLE rev RESULT_VARIABLE rc ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
      if(NOT rc EQUAL 0)
        set(rev "")
      endif()
    endif()
  endif()
endif()
# The text lands in a C string literal: keep it to the characters a revision
# has, and short, whatever a builder passed in.
string(REGEX REPLACE "[^A-Za-z0-9._+~-]" "" rev "${rev}")
string(SUBSTRING "${rev}" 0 64 rev)
set(text "/* Generated at build time by cmake/revision.cmake. */\n#define EDOC_REVISION \"${rev}\"\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
else()
  set(old "")
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
