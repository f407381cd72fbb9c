#!/bin/sh
# End-to-end tests of analyze and checks through the real binary.
#   e2e.sh ECS_DOCTOR SOURCE_DIR WORK_DIR
set -u
bin=$1; src=$2; work=$3
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

# --- bad input: one line on stderr, exit 2
expect_rc 2 "$bin" analyze "$work/missing.json" && one_line_error "missing.json: No such file or directory"
printf '{"schema": "ecs-doctor/evidence/v1",\n  "target": {' >"$work/broken.json"
expect_rc 2 "$bin" analyze "$work/broken.json" && one_line_error "broken.json:2:"
printf '{"schema": "ecs-doctor/evidence/v2", "target": {}, "sources": {}}' >"$work/v2.json"
expect_rc 2 "$bin" analyze "$work/v2.json" && one_line_error "v2.json: unsupported schema 'ecs-doctor/evidence/v2' (this ecs-doctor reads ecs-doctor/evidence/v1)"
printf '{"target": {}, "sources": {}}' >"$work/noschema.json"
expect_rc 2 "$bin" analyze "$work/noschema.json" && one_line_error 'noschema.json: not an ecs-doctor evidence bundle (no "schema" field)'
expect_rc 2 "$bin" analyze "$fix/healthy.json" --bogus && one_line_error "unknown option '--bogus'"
expect_rc 2 "$bin" analyze && one_line_error "expected one evidence FILE"
expect_rc 2 "$bin" analyze "$fix/healthy.json" --only 'nothing.*' && one_line_error "--only nothing.*: no check matches"

# --- broken plugins and hostile Lua: refused/contained, the rest still reported
expect_rc 1 "$bin" analyze "$fix/pull_and_oom.json" --plugin-dir "$(dirname "$bin")/tests/engine/plugins" \
  --check-dir "$src/tests/engine/lua" --output json
json_assert "{'image.not_found','container.exit','test.plugin_good','test.lua_good'} <= {f['check'] for f in r['findings']}"
json_assert "[c['status'] for c in r['checks'] if c['id']=='test.lua_loop']==['error']"
grep -q "abi_mismatch.so: refused: built for plugin ABI version 99" "$err" && ok || fail "ABI refusal message"
grep -q "test.lua_modify failed: .*modify.lua:2: attempt to modify read-only evidence" "$err" && ok || fail "read-only message"

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

echo "$n passed, $fails failed"
[ "$fails" -eq 0 ]
