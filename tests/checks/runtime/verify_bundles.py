#!/usr/bin/env python3
"""End-to-end checks of the runtime-category fixture bundles through the real
binary: `ecs-doctor analyze BUNDLE --output json`, then the expectations that
`ecs-doctor checks test` does not cover (see gen_fixtures.py):

  top                  {"category": C}  the rank-1 finding has category C
  max_severity         no finding above this severity (healthy / benign bundles)
  max_severity_scope   "runtime": apply max_severity only to this catalog's checks
  remediation_contains each string appears in some remediation command or description
  evidence_contains    each string appears in some quoted evidence value

Usage: verify_bundles.py ECS_DOCTOR AREA_DIR... (each AREA_DIR holds tests/*.json)
Exit 0 when every bundle meets its expectations, 1 otherwise.
"""
import glob
import json
import os
import subprocess
import sys

LEVEL = {"info": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}
RUNTIME_PREFIXES = ("container.health", "elb.", "placement.", "deployment.", "host.", "general.")


def run(binary, bundle):
    p = subprocess.run([binary, "analyze", bundle, "--output", "json"], capture_output=True, text=True, timeout=60)
    if p.returncode not in (0, 1, 4):
        raise RuntimeError(f"exit {p.returncode}: {p.stderr.strip()[:300]}")
    return json.loads(p.stdout)


def check(report, exp):
    errs = []
    fs = report.get("findings", [])
    diag = [f for f in fs if f.get("kind", "diagnosis") == "diagnosis"]
    top = exp.get("top")
    if top:
        first = min(diag, key=lambda f: f["rank"]) if diag else None
        if not first or first["category"] != top["category"]:
            errs.append(f"top finding is {first and first['category']} ({first and first['title']}), want {top['category']}")
        elif first.get("caused_by"):
            errs.append("top finding is linked as a symptom")
    ms = exp.get("max_severity")
    if ms:
        scope = diag
        if exp.get("max_severity_scope") == "runtime":
            scope = [f for f in diag if f["check"].startswith(RUNTIME_PREFIXES)]
        for f in scope:
            if LEVEL.get(f["severity"], 0) > LEVEL[ms]:
                errs.append(f"{f['check']} has severity {f['severity']} > {ms}: {f['title']}")
    rem = " ".join((r.get("command") or "") + " " + (r.get("description") or "") for f in fs for r in f.get("remediation", []))
    for s in exp.get("remediation_contains", []):
        if s not in rem:
            errs.append(f"no remediation mentions {s!r}")
    for f in fs:
        for r in f.get("remediation", []):
            if not (r.get("docs") or "").startswith("https://"):
                errs.append(f"{f['check']}: remediation without a docs link: {r.get('description')}")
    vals = " ".join(str(e.get("value")) for f in fs for e in f.get("evidence", []))
    for s in exp.get("evidence_contains", []):
        if s not in vals:
            errs.append(f"no evidence quotes {s!r}")
    for f in diag:
        if f["check"].startswith(RUNTIME_PREFIXES) and not any((r.get("command") or "").startswith("aws ")
                                                               for r in f.get("remediation", [])):
            errs.append(f"{f['check']}: no copy-pasteable aws command")
    # Only this catalog's checks: other catalogs' robustness is their own tests' business.
    for c in report.get("checks", []):
        if c.get("status") == "error" and c.get("id", "").startswith(RUNTIME_PREFIXES):
            errs.append(f"check {c.get('id')} errored: {c.get('message')}")
    return errs


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    binary, dirs = sys.argv[1], sys.argv[2:]
    failed = total = 0
    bundles = sorted(b for d in dirs for b in glob.glob(os.path.join(d, "tests", "*.json")))
    for bundle in bundles:
        if bundle.endswith(".expect.json"):
            continue
        expf = bundle[:-5] + ".expect.json"
        if not os.path.exists(expf):
            continue
        exp = json.load(open(expf))
        total += 1
        try:
            errs = check(run(binary, bundle), exp)
        except Exception as e:  # one bad bundle must not hide the others
            errs = [str(e)]
        rel = os.path.relpath(bundle, os.path.dirname(os.path.abspath(dirs[0])))
        print(("FAIL " if errs else "ok   ") + rel)
        for e in errs:
            print("     " + e)
        failed += bool(errs)
    print(f"{total - failed} passed, {failed} failed")
    return 1 if failed or total == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
