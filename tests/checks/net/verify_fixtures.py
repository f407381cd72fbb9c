#!/usr/bin/python3
"""End-to-end assertions on the rendered report for every fixture bundle of
the network/registry/secrets/iam/logs/storage checks, beyond what
`ecs-doctor checks test` compares: for each checks/<area>/tests/NAME.json with
x_* keys in NAME.expect.json, runs `ecs-doctor analyze NAME.json --check-dir
checks --output json` and asserts that
  - the rank-1 finding has category x_top_category,
  - its remediation (descriptions and commands) names every x_remediation_mentions,
  - one of its evidence values quotes x_evidence_quotes (the real message),
  - every finding of these checks carries at least one `aws`/`docker` command and a docs URL.
usage: verify_fixtures.py ECS_DOCTOR SOURCE_DIR
"""
import glob
import json
import os
import subprocess
import sys

AREAS = ["network", "registry", "secrets", "iam", "logs", "storage"]
MINE = ("net.", "registry.", "secrets.", "iam.", "logs.", "storage.")


def main():
    exe, src = sys.argv[1], sys.argv[2]
    failures, n = [], 0
    for area in AREAS:
        for expect_path in sorted(glob.glob(os.path.join(src, "checks", area, "tests", "*.expect.json"))):
            bundle = expect_path[: -len(".expect.json")] + ".json"
            name = os.path.relpath(bundle, src)
            with open(expect_path) as f:
                exp = json.load(f)
            if "x_top_category" not in exp:
                continue
            n += 1
            p = subprocess.run([exe, "analyze", bundle, "--check-dir", os.path.join(src, "checks"), "--output", "json"],
                               capture_output=True, text=True)
            try:
                rep = json.loads(p.stdout)
            except ValueError:
                failures.append(f"{name}: analyze exited {p.returncode} without a JSON report: {p.stderr.strip()[:300]}")
                continue
            findings = sorted(rep.get("findings", []), key=lambda f: f.get("rank", 1e9))
            if not findings:
                failures.append(f"{name}: no findings")
                continue
            top = findings[0]
            if top.get("category") != exp["x_top_category"]:
                failures.append(f"{name}: top finding is {top.get('category')} ({top.get('title')}), want {exp['x_top_category']}")
                continue
            text = " ".join((r.get("description") or "") + " " + (r.get("command") or "") for r in top.get("remediation") or [])
            for want in exp.get("x_remediation_mentions", []):
                if want not in text:
                    failures.append(f"{name}: remediation does not mention {want!r}")
            quote = exp.get("x_evidence_quotes")
            if quote and not any(quote in json.dumps(e.get("value"), ensure_ascii=False).replace('\\"', '"')
                                 for e in top.get("evidence") or []):
                failures.append(f"{name}: evidence does not quote {quote!r}")
            for f in findings:
                if not f.get("check", "").startswith(MINE):
                    continue
                rem = f.get("remediation") or []
                if not any((r.get("command") or "").lstrip().startswith(("aws ", "docker ", "for ", "NAT=", "EP_SG=")) for r in rem):
                    failures.append(f"{name}: finding {f.get('id')} has no copy-pasteable command")
                if not any((r.get("docs") or "").startswith("https://") for r in rem):
                    failures.append(f"{name}: finding {f.get('id')} has no docs link")
    for msg in failures:
        print("FAIL " + msg)
    print(f"{n} bundles checked, {len(failures)} failures")
    return 1 if failures or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
