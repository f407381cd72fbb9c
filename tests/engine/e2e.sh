#!/bin/sh
# End-to-end tests of analyze and checks through the real binary.
#   e2e.sh ECS_DOCTOR SOURCE_DIR WORK_DIR [CMAKE BUILD_DIR]
set -u
bin=$1; src=$2; work=$3; cmake=${4:-}; build=${5:-}
py=/usr/bin/python3
fix=$src/tests/engine/fixtures
fails=0; n=0
rm -rf "$work"; mkdir -p "$work"; chmod 755 "$work"
out=$work/out; err=$work/err

fail() { echo "not ok - $*"; fails=$((fails + 1)); }
ok() { n=$((n + 1)); }

# expect_rc WANT CMD...: runs CMD, stdout->$out, stderr->$err.
expect_rc() {
  want=$1; shift
  "$@" >"$out" 2>"$err"; rc=$?
  if [ "$rc" -ne "$want" ]; then fail "exit $rc (want $want): $*"; sed 's/^/    /' "$err" | head -5; return 1; fi
  ok; return 0
}
# one_line_error SUBSTRING: stderr is exactly one line containing it.
one_line_error() {
  lines=$(wc -l <"$err")
  if [ "$lines" -ne 1 ] || ! grep -qF -- "$1" "$err"; then fail "stderr not one line with '$1':"; sed 's/^/    /' "$err"; else ok; fi
}
json_assert() { # PYTHON-EXPR over r (the parsed stdout)
  if ! $py -c "import json,sys; r=json.load(open('$out')); sys.exit(0 if ($1) else 1)"; then fail "json: $1"; else ok; fi
}

# --- analyze: ranked findings from the Lua check and the dlopen'ed C plugin
expect_rc 1 "$bin" analyze "$fix/pull_and_oom.json" --output json
json_assert "r['schema']=='ecs-doctor/report/v1' and r['verdict']=='unhealthy'"
json_assert "[f['rank'] for f in r['findings']]==list(range(1,len(r['findings'])+1))"
json_assert "any(f['check']=='image.not_found' and f['source'].startswith('lua:') for f in r['findings'])"
json_assert "any(f['check']=='container.exit' and f['source'].startswith('plugin:') and f['category']=='container_oom' for f in r['findings'])"
json_assert "r['findings'][0]['check']=='image.not_found' and r['findings'][0]['count']==3"
json_assert "any(g['source']=='iam.roles' and g['action']=='iam:GetRole' for g in r['evidence_gaps'])"
cp "$out" "$work/run1.json"
expect_rc 1 "$bin" analyze "$fix/pull_and_oom.json" --output json
if $py -c "import json; a=json.load(open('$work/run1.json')); b=json.load(open('$out')); exit(0 if [f['id'] for f in a['findings']]==[f['id'] for f in b['findings']] else 1)"; then ok; else fail "order differs across runs"; fi

expect_rc 1 "$bin" analyze "$src/examples/incident.json"
grep -q "root cause: Image not found" "$out" && ok || fail "incident.json text summary"
expect_rc 0 "$bin" analyze "$src/examples/incident.json" --fail-on none
expect_rc 1 "$bin" analyze "$src/examples/incident.json" --fail-on critical
expect_rc 1 "$bin" analyze "$fix/pull_and_oom.json" --only 'image.*' --output json
json_assert "{f['check'] for f in r['findings']}=={'image.not_found'}"
expect_rc 1 "$bin" analyze "$fix/pull_and_oom.json" --skip image.not_found --no-recommendations --output json
json_assert "{f['check'] for f in r['findings']}=={'container.exit'}"

# --- verdicts: healthy (0) and inconclusive (4)
expect_rc 0 "$bin" analyze "$fix/healthy.json" --no-recommendations --output json
json_assert "r['verdict']=='healthy' and r['findings']==[]"
expect_rc 4 "$bin" analyze "$fix/denied.json" --output json
json_assert "r['verdict']=='inconclusive' and any(c['status']=='incomplete' and 'ecs.tasks' in c['missing'] for c in r['checks'])"
json_assert "[g for g in r['evidence_gaps'] if g['source']=='ecs.tasks' and g['action']=='ecs:DescribeTasks' and {'image.not_found','container.exit'} <= set(g['affects'])]"

# --- bad input: one line on stderr, exit 2
expect_rc 2 "$bin" analyze "$work/missing.json" && one_line_error "missing.json: No such file or directory"
printf '{"schema": "ecs-doctor/evidence/v1",\n  "target": {' >"$work/broken.json"
expect_rc 2 "$bin" analyze "$work/broken.json" && one_line_error "broken.json:2:"
printf '{"schema": "ecs-doctor/evidence/v2", "target": {}, "sources": {}}' >"$work/v2.json"
expect_rc 2 "$bin" analyze "$work/v2.json" && one_line_error "v2.json: unsupported schema 'ecs-doctor/evidence/v2' (this ecs-doctor reads ecs-doctor/evidence/v1)"
printf '{"target": {}, "sources": {}}' >"$work/noschema.json"
expect_rc 2 "$bin" analyze "$work/noschema.json" && one_line_error 'noschema.json: not an ecs-doctor evidence bundle (no "schema" field)'
# The error is the first line; the command's help follows (issue #21).
expect_rc 2 "$bin" analyze "$fix/healthy.json" --bogus && head -1 "$err" | grep -qx "ecs-doctor: analyze: unknown option '--bogus'" &&
  grep -q "^usage: ecs-doctor analyze FILE" "$err" && ok || fail "unknown option: error line, then analyze's help"
expect_rc 2 "$bin" analyze && one_line_error "expected one evidence FILE"
expect_rc 2 "$bin" analyze "$fix/healthy.json" --only 'nothing.*' && one_line_error "--only nothing.*: no check matches"

# --- broken plugins and hostile Lua: refused/contained, the rest still reported
expect_rc 1 "$bin" analyze "$fix/pull_and_oom.json" --plugin-dir "$(dirname "$bin")/tests/engine/plugins" \
  --check-dir "$src/tests/engine/lua" --output json
json_assert "{'image.not_found','container.exit','test.plugin_good','test.lua_good'} <= {f['check'] for f in r['findings']}"
json_assert "[c['status'] for c in r['checks'] if c['id']=='test.lua_loop']==['error']"
grep -q "abi_mismatch.so: refused: built for plugin ABI version 99" "$err" && ok || fail "ABI refusal message"
grep -q "test.lua_modify failed: .*modify.lua:2: attempt to modify read-only evidence" "$err" && ok || fail "read-only message"
grep -q "stack traceback" "$err" && fail "traceback without --debug" || ok
expect_rc 1 "$bin" analyze "$fix/pull_and_oom.json" --check-dir "$src/tests/engine/lua" --only test.lua_errors --only image.not_found --debug --output json
grep -q "stack traceback" "$err" && grep -q "errors.lua:4: in function" "$err" && ok || fail "--debug traceback"
json_assert "[f['check'] for f in r['findings']]==['image.not_found']"

# --- search path: environment and ~/.config; unsafe Lua files refused
mkdir -p "$work/envchecks" "$work/home/.config/ecs-doctor/checks"
cp "$src/tests/engine/lua/good.lua" "$work/envchecks/"
sed 's/test.lua_good/test.home_good/' "$src/tests/engine/lua/good.lua" >"$work/home/.config/ecs-doctor/checks/home.lua"
expect_rc 0 env ECS_DOCTOR_CHECK_PATH="/nonexistent:$work/envchecks" HOME="$work/home" "$bin" checks list --output json
json_assert "{'test.lua_good','test.home_good','image.not_found'} <= {c['id'] for c in r}"
chmod 666 "$work/envchecks/good.lua"
expect_rc 0 env ECS_DOCTOR_CHECK_PATH="$work/envchecks" HOME="$work/home" "$bin" checks list --output json
json_assert "'test.lua_good' not in {c['id'] for c in r}"
grep -q "good.lua: refused: the file is writable by group or others" "$err" && ok || fail "unsafe Lua refusal"

# --- the same plugin folder reached twice (a symlink) loads once, without a duplicate-id refusal
ln -s "$(dirname "$bin")/plugins" "$work/plugins-link"
expect_rc 0 "$bin" checks list --plugin-dir "$work/plugins-link" --check-dir "$src/checks"
if grep -q "duplicate" "$err"; then fail "same plugin loaded twice"; else ok; fi

# --- checks list
expect_rc 0 "$bin" checks list
grep -q "^image.not_found .*lua" "$out" && grep -q "^container.exit .* c " "$out" && ok || fail "checks list text"
expect_rc 0 "$bin" checks list --output json
json_assert "{'image.not_found':'lua','container.exit':'c'}.items() <= {c['id']:c['language'] for c in r}.items()"

# --- checks new + checks test (scaffold passes immediately)
expect_rc 0 "$bin" checks new team.scaffolded "$work/new"
expect_rc 0 "$bin" checks test "$work/new"
tail -1 "$out" | grep -qx "1 passed, 0 failed" && ok || fail "scaffold summary line"
expect_rc 2 "$bin" checks new team.scaffolded "$work/new" && one_line_error "already exists"

# --- the team example: built out of tree with one cc line, passes; a wrong expectation fails
cp -r "$src/examples/team-checks" "$work/team"
rm -f "$work/team/latest_tag.so"
expect_rc 0 ${CC:-cc} -shared -fPIC -fvisibility=hidden -Wall -Wextra -Werror -I"$src/include" \
  -o "$work/team/latest_tag.so" "$work/team/latest_tag.c"
chmod 755 "$work/team" "$work/team/latest_tag.so"
expect_rc 0 "$bin" checks test "$work/team"
tail -1 "$out" | grep -qx "1 passed, 0 failed" && ok || fail "team checks pass"
cp -r "$work/team" "$work/team-wrong"
sed -i 's/"min_count": 1/"min_count": 5/' "$work/team-wrong/tests/db_refused.expect.json"
expect_rc 1 "$bin" checks test "$work/team-wrong"
grep -q "^FAIL" "$out" && tail -1 "$out" | grep -qx "0 passed, 1 failed" && ok || fail "wrong expectation reported"

# --- a relocated install finds its plugins and checks; pkg-config builds a plugin
if [ -n "$cmake" ]; then
  expect_rc 0 "$cmake" --install "$build" --prefix "$work/inst"
  mv "$work/inst" "$work/moved"
  expect_rc 0 env HOME="$work" "$work/moved/bin/ecs-doctor" checks list --output json
  json_assert "{'image.not_found','container.exit'} <= {c['id'] for c in r}"
  json_assert "all(c['path'].startswith('$work/moved/') for c in r)"
  cflags=$(PKG_CONFIG_PATH="$work/moved/lib/pkgconfig" pkg-config --cflags ecs-doctor-plugin) && ok || fail "pkg-config"
  cp -r "$src/examples/team-checks" "$work/team-pc"; rm -f "$work/team-pc/latest_tag.so"
  # shellcheck disable=SC2086
  expect_rc 0 ${CC:-cc} -shared $cflags -Werror -o "$work/team-pc/latest_tag.so" "$work/team-pc/latest_tag.c"
  expect_rc 0 env HOME="$work" "$work/moved/bin/ecs-doctor" checks test "$work/team-pc"
  expect_rc 1 env HOME="$work" "$work/moved/bin/ecs-doctor" analyze "$src/examples/incident.json"
  grep -q "Image not found" "$out" && ok || fail "installed binary diagnoses the incident"
fi

# --- the documents match their published schemas
if $py -c 'import jsonschema' 2>/dev/null; then
  for f in "$fix"/*.json "$src/examples/incident.json" "$src/examples/team-checks/tests/db_refused.json"; do
    $py -c "import json,jsonschema,sys; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))" \
      "$f" "$src/docs/evidence.schema.json" && ok || fail "evidence schema: $f"
  done
  for f in pull_and_oom healthy denied; do
    "$bin" analyze "$fix/$f.json" --output json --check-dir "$src/tests/engine/lua" >"$out" 2>/dev/null
    $py -c "import json,jsonschema,sys; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))" \
      "$out" "$src/docs/report.schema.json" && ok || fail "report schema: $f"
  done
else
  fail "python3-jsonschema missing (scripts/bootstrap installs it)"
fi

# --- performance sanity: 10,000 stopped tasks
$py - "$src/examples/incident.json" "$work/big.json" <<'PY'
import json, copy, sys
base = json.load(open(sys.argv[1]))
tasks = []
for i in range(10000):
    t = copy.deepcopy(base["tasks"][i % len(base["tasks"])])
    t["taskArn"] = t["taskArn"][:-6] + "%06d" % i
    tasks.append(t)
base["tasks"] = tasks
json.dump(base, open(sys.argv[2], "w"))
PY
start=$($py -c 'import time; print(time.time())')
expect_rc 1 "$bin" analyze "$work/big.json" --no-recommendations --output json
elapsed=$($py -c "import time; print(round(time.time() - $start, 2))")
echo "# 10,000 stopped tasks analyzed in ${elapsed}s"
json_assert "sum(f['count'] for f in r['findings'] if f['check'] in ('image.not_found','container.exit'))==10000"
# No time bound here: speed targets live in bench/ (docs/BENCHMARKS.md), not
# in timed tests that a loaded CI machine or a sanitizer build would flake.

echo "$n passed, $fails failed"
[ "$fails" -eq 0 ]
