#!/bin/sh
# Colour and Unicode only on a terminal: runs the text renderer under a
# pseudo-terminal (script(1)) and through a pipe, with and without NO_COLOR,
# --no-color and a non-UTF-8 locale.
#   render_tty.sh RENDER_TOOL FIXTURE
set -u
tool=$1
fixture=$2
command -v script >/dev/null 2>&1 || { echo "script(1) not installed: skipped"; exit 77; }
fail=0
esc=$(printf '\033')
check() { # check NAME CONDITION-RESULT(0/1)
  if [ "$2" -eq 0 ]; then echo "ok - $1"; else echo "not ok - $1"; fail=1; fi
}
has() { case "$1" in *"$2"*) return 0 ;; *) return 1 ;; esac; }

tty_out=$(env -u NO_COLOR TERM=xterm-256color LANG=C.UTF-8 LC_ALL= script -qec "$tool text $fixture" /dev/null)
has "$tty_out" "$esc[" ; check "terminal: colour escapes" $?
has "$tty_out" "✖" ; check "terminal: unicode glyphs" $?
has "$tty_out" "UNHEALTHY — 0 of 4" ; check "terminal: verdict with em dash" $?

nc_out=$(env NO_COLOR=1 LANG=C.UTF-8 LC_ALL= script -qec "$tool text $fixture" /dev/null)
! has "$nc_out" "$esc" ; check "NO_COLOR: no escapes" $?
has "$nc_out" "✖" ; check "NO_COLOR: unicode kept" $?

flag_out=$(env -u NO_COLOR TERM=xterm-256color LANG=C.UTF-8 LC_ALL= script -qec "$tool text $fixture --no-color" /dev/null)
! has "$flag_out" "$esc" ; check "--no-color: no escapes" $?

dumb_out=$(env -u NO_COLOR TERM=dumb LANG=C.UTF-8 LC_ALL= script -qec "$tool text $fixture" /dev/null)
! has "$dumb_out" "$esc" ; check "TERM=dumb: no escapes" $?

c_out=$(env -u NO_COLOR TERM=xterm-256color LANG=C LC_ALL= script -qec "$tool text $fixture" /dev/null)
has "$c_out" "$esc[" ; check "C locale terminal: colour" $?
! has "$c_out" "✖" ; check "C locale terminal: ASCII glyphs" $?
has "$c_out" "UNHEALTHY - 0 of 4" ; check "C locale terminal: ASCII dash" $?

pipe_out=$(env -u NO_COLOR LANG=C.UTF-8 "$tool" text "$fixture" | cat)
! has "$pipe_out" "$esc" ; check "pipe: no escapes" $?
! has "$pipe_out" "✖" ; check "pipe: ASCII glyphs" $?
has "$pipe_out" "X 1. CRITICAL" ; check "pipe: ASCII root marker" $?
exit $fail
