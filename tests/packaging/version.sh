#!/bin/sh
# The one version number (CMakeLists.txt) reaches everything that prints it,
# and the git revision behaves: --version / version, the report's and the
# bundle's tool.version, the man page, the pkg-config file, CHANGELOG.md;
# cmake/revision.cmake outside a checkout, inside someone else's checkout, and
# with a hostile EDOC_REVISION.
# usage: version.sh ECS_DOCTOR SOURCE_DIR VERSION CMAKE BUILD_DIR
set -u
bin=$1 src=$2 version=$3 cmake=$4 build=$5
n=0 fails=0
ok() { n=$((n + 1)); }
fail() { fails=$((fails + 1)); echo "FAIL: $*"; }
work=$(mktemp -d "${TMPDIR:-/tmp}/edoc-version.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- --version and `version`: the number, then the revision of a git build
out=$("$bin" --version) && ok || fail "--version exits non-zero"
[ "$("$bin" version)" = "$out" ] && ok || fail "'version' and '--version' differ"
case "$out" in
  "ecs-doctor $version"|"ecs-doctor $version (git "?*")") ok ;;
  *) fail "--version printed '$out', want 'ecs-doctor $version' [(git REV)]" ;;
esac
if git -C "$src" rev-parse --show-toplevel >/dev/null 2>&1 &&
   [ "$(cd "$(git -C "$src" rev-parse --show-toplevel)" && pwd -P)" = "$(cd "$src" && pwd -P)" ] &&
   ! grep -q 'EDOC_REVISION:STRING=.' "$build/CMakeCache.txt"; then
  head=$(git -C "$src" rev-parse --short=12 HEAD)
  case "$out" in *"(git "*"$head"*")") ok ;; *) fail "--version '$out' lacks HEAD $head" ;; esac
fi

# --- tool.version of a report and of a collected bundle's skeleton
"$bin" analyze "$src/examples/incident.json" --output json >"$work/r.json" 2>/dev/null
python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["tool"] != {"name": "ecs-doctor", "version": sys.argv[2]})' \
  "$work/r.json" "$version" && ok || fail "report tool is not ecs-doctor $version"

# --- the documents that carry the version by hand
grep -q "^\.TH .*\"ecs-doctor $version\"" "$src/docs/man/ecs-doctor.1" && ok ||
  fail "man page .TH does not say ecs-doctor $version"
grep -q "^## $version " "$src/CHANGELOG.md" && ok || fail "CHANGELOG.md has no '## $version' section"
grep -qx "Version: $version" "$build/ecs-doctor-plugin.pc" && ok || fail "pkg-config Version is not $version"

# --- cmake/revision.cmake on its own
rev() { # SRC [OVERRIDE] -> the EDOC_REVISION text of the header it writes
  rm -f "$work/rev.h"
  "$cmake" -DSRC="$1" -DOUT="$work/rev.h" -DOVERRIDE="${2:-}" -P "$src/cmake/revision.cmake" >/dev/null 2>&1 &&
    sed -n 's/^#define EDOC_REVISION "\(.*\)"$/\1/p' "$work/rev.h"
}
# A source tree without .git (a release tarball): no revision, no error.
mkdir -p "$work/tarball"
[ -z "$(rev "$work/tarball")" ] && [ -s "$work/rev.h" ] && ok || fail "a tree without git got a revision"
# A tarball unpacked inside another project's checkout: not that project's revision.
if command -v git >/dev/null; then
  mkdir -p "$work/other/ecs-doctor"
  git -C "$work/other" init -q && git -C "$work/other" -c user.name=t -c user.email=t@t \
    commit -q --allow-empty -m x && ok || fail "git init"
  [ -z "$(rev "$work/other/ecs-doctor")" ] && ok || fail "a tree inside another checkout took its revision"
  [ -n "$(rev "$work/other")" ] && ok || fail "a checkout's own top got no revision"
fi
# A builder's EDOC_REVISION wins, reduced to revision characters and 64 of them.
[ "$(rev "$work/tarball" 'v1.2-3-gabc')" = "v1.2-3-gabc" ] && ok || fail "override not used"
[ "$(rev "$work/tarball" 'a"b\\c;$(rm -rf x)`id` \n*/ #x')" = "abcrm-rfxidnx" ] && ok ||
  fail "hostile override not reduced: '$(rev "$work/tarball" 'a"b\\c;$(rm -rf x)`id` \n*/ #x')'"
long=$(printf '%0100d' 0)
[ "$(rev "$work/tarball" "$long" | wc -c)" -eq 65 ] && ok || fail "override not cut to 64 characters"
# Unchanged text: the header is not rewritten (no rebuild of main.c).
rev "$work/tarball" same >/dev/null; touch -d '2000-01-01' "$work/rev.h"
"$cmake" -DSRC="$work/tarball" -DOUT="$work/rev.h" -DOVERRIDE=same -P "$src/cmake/revision.cmake"
[ "$(date -r "$work/rev.h" +%Y)" = 2000 ] && ok || fail "an unchanged revision rewrote the header"

echo "$n passed, $fails failed"
[ "$fails" -eq 0 ]
