#!/usr/bin/python3
"""Read-only assertion over every call the test suite made to the fake AWS
server. Each ctest runs with FAKEAWS_CALL_LOG_DIR=DIR (tests/security/
tests.cmake), which makes every fake server append its call log to
DIR/fakeaws-<pid>.jsonl; this script runs last and fails when any logged call
is flagged mutating or is not an allowlisted read operation.

usage: readonly.py DIR SOURCE_DIR
       readonly.py --self-test SOURCE_DIR   (the check fails on a mutating call,
                                             an unlisted read, and passes on reads)

Allowed operations: the actions of docs/iam-policy.json plus the credential
exchanges core/aws/allowlist.c lists outside the policy (sts:AssumeRole*,
which the fake flags mutating because they mint credentials, and serves).
No logs means nothing was checked: the test is then reported skipped (exit
77, ctest's SKIP_RETURN_CODE: run alone, or without the fake), and fails under
CI=true, where the whole suite runs. A line that is not JSON is tolerated only
as the last of its file (a server killed mid-write); anywhere else it fails.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

DIR, SRC = sys.argv[1], sys.argv[2]
# Credential-scope names the fake logs -> IAM action prefixes of the policy.
SCOPE = {"monitoring": "cloudwatch", "elbv2": "elasticloadbalancing"}


def allowed_ops():
    with open(os.path.join(SRC, "docs", "iam-policy.json")) as f:
        pol = json.load(f)
    ops = set()
    for st in pol["Statement"]:
        a = st["Action"]
        ops.update([a] if isinstance(a, str) else a)
    # allowlist.c: {"sts", "AssumeRole", 0} entries (flag 0: not in the policy).
    with open(os.path.join(SRC, "core", "aws", "allowlist.c")) as f:
        extra = re.findall(r'\{"([a-z0-9-]+)",\s*"([A-Za-z]+)",\s*0\}', f.read())
    cred = {f"{s}:{o}" for s, o in extra}
    return ops, cred


def main():
    ops, cred = allowed_ops()
    files = sorted(glob.glob(os.path.join(DIR, "*.jsonl")))
    n = 0
    bad = []
    for path in files:
        with open(path, errors="replace") as f:
            lines = f.read().split("\n")
        for lineno, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                c = json.loads(line)
            except ValueError:
                # A server killed mid-write leaves its last line torn; a torn
                # line anywhere else would hide calls.
                if any(x.strip() for x in lines[lineno:]):
                    bad.append(f"{os.path.basename(path)}:{lineno}: not a JSON call record ({line[:80]!r})")
                continue
            if not isinstance(c, dict):
                bad.append(f"{os.path.basename(path)}:{lineno}: not a JSON object")
                continue
            n += 1
            action = f"{SCOPE.get(c.get('service'), c.get('service'))}:{c.get('operation')}"
            if action in cred:
                continue
            if c.get("mutating") or action not in ops:
                bad.append(f"{os.path.basename(path)}:{lineno}: {action} mutating={c.get('mutating')} "
                           f"status={c.get('status')}")
    print(f"readonly: checked {n} calls in {len(files)} call logs under {DIR} against {len(ops)} allowed "
          f"read operations (+ {sorted(cred)})")
    for b in bad[:50]:
        print(f"not ok - {b}")
    if bad:
        print(f"readonly: {len(bad)} calls were not allowlisted reads")
        return 1
    if n == 0:
        if os.environ.get("CI") == "true":
            print(f"not ok - no fake AWS call was logged under {DIR}: nothing was checked (required under CI=true)")
            return 1
        print(f"skip - no fake AWS call was logged under {DIR}: nothing was checked")
        return 77
    print("ok - every call was an allowlisted read")
    return 0


def self_test():
    def run_on(lines, ci=False):
        d = tempfile.mkdtemp(prefix="edoc-readonly-")
        env = {k: v for k, v in os.environ.items() if k != "CI"}
        if ci:
            env["CI"] = "true"
        try:
            with open(os.path.join(d, "fakeaws-1.jsonl"), "w") as f:
                f.writelines((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines)
            return subprocess.run([sys.executable, __file__, d, SRC], capture_output=True, text=True,
                                  env=env).returncode
        finally:
            shutil.rmtree(d, ignore_errors=True)
    read = {"service": "ecs", "operation": "DescribeServices", "mutating": False}
    elb = {"service": "elasticloadbalancing", "operation": "DescribeTargetHealth", "mutating": False}
    sts = {"service": "sts", "operation": "AssumeRole", "mutating": True}
    cases = [("reads pass", [read, elb, sts], 0),
             ("a mutating call fails", [read, {"service": "ecs", "operation": "UpdateService", "mutating": True}], 1),
             ("a read outside the policy fails", [{"service": "ecs", "operation": "DescribeTaskSets",
                                                   "mutating": False}], 1),
             ("no logs: skipped", [], 77),
             ("a torn last line (server killed mid-write) passes", [read, '{"service": "ecs", "oper'], 0),
             ("a torn line before others fails", ['{"service": "ecs", "oper', read], 1)]
    bad = 0
    rc = run_on([], ci=True)
    print(f"{'ok' if rc == 1 else 'not ok'} - no logs under CI=true fails (rc {rc})")
    bad += rc != 1
    for what, lines, want in cases:
        rc = run_on(lines)
        print(f"{'ok' if rc == want else 'not ok'} - {what} (rc {rc})")
        bad += rc != want
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(self_test() if DIR == "--self-test" else main())
