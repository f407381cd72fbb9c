#!/usr/bin/python3
"""Live end-to-end test of the runtime categories: for each scenario in
tests/checks/runtime/scenarios.expect.json, starts the fake AWS endpoint
(tests/fakeaws/fakeaws-ctl) on tests/fakeaws/scenarios/<category>.json, runs
`ecs-doctor service <service> --cluster prod --output json` against it and
asserts that the rank-1 finding has the scenario's category, that its
remediation names the real resource ids and that its evidence quotes the real
message. The collectors produce the evidence here (not the fixture bundles),
so this also proves the evidence shapes the runtime checks read.
usage: e2e_scenarios.py ECS_DOCTOR SOURCE_DIR [CATEGORY...]
"""
import json
import os
import subprocess
import sys
import tempfile

RUNTIME_PREFIXES = ("container.health", "elb.", "placement.", "deployment.", "host.", "general.")


def run_one(exe, src, cat, exp):
    ctl = os.path.join(src, "tests", "fakeaws", "fakeaws-ctl")
    scenario = os.path.join(src, "tests", "fakeaws", "scenarios", exp.get("scenario", cat) + ".json")
    with tempfile.TemporaryDirectory(prefix="edoc-rt-e2e-") as d:
        start = subprocess.run([ctl, "start", "-d", d, "-s", scenario], capture_output=True, text=True)
        if start.returncode != 0:
            return [f"fake AWS did not start: {start.stderr.strip()[:300]}"]
        try:
            port = start.stdout.strip().splitlines()[-1]
            env = dict(os.environ, AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}",
                       AWS_ACCESS_KEY_ID="AKIDEXAMPLEFAKE00001",
                       AWS_SECRET_ACCESS_KEY="fake/secret/KEY/EXAMPLE+0000000000000",
                       AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1", HOME=d)
            env.pop("AWS_SESSION_TOKEN", None)
            env.pop("AWS_PROFILE", None)
            p = subprocess.run([exe, "service", exp["service"], "--cluster", "prod", "--region", "us-east-1",
                                "--endpoint-url", f"http://127.0.0.1:{port}", "--output", "json"],
                               capture_output=True, text=True, env=env, timeout=120)
        finally:
            subprocess.run([ctl, "stop", "-d", d], capture_output=True)
    try:
        rep = json.loads(p.stdout)
    except ValueError:
        return [f"exit {p.returncode}, no JSON report: {p.stderr.strip()[:400]}"]
    findings = sorted(rep.get("findings", []), key=lambda f: f.get("rank", 1e9))
    if "max_runtime_severity" in exp:
        level = {"info": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}
        bad = [f for f in findings if f.get("check", "").startswith(RUNTIME_PREFIXES)
               and f.get("kind", "diagnosis") == "diagnosis"
               and level.get(f.get("severity"), 0) > level[exp["max_runtime_severity"]]]
        return [f"{f['check']} {f['severity']}: {f['title']}" for f in bad]
    if not findings:
        return [f"no findings (verdict {rep.get('verdict')})"]
    top = findings[0]
    if top.get("category") != exp["top_category"]:
        return [f"top finding is {top.get('category')}: {top.get('title')}"]
    errs = []
    text = " ".join((r.get("description") or "") + " " + (r.get("command") or "") for r in top.get("remediation") or [])
    for want in exp["remediation_mentions"]:
        if want not in text:
            errs.append(f"remediation does not mention {want!r}")
    quote = exp["evidence_quotes"]
    if not any(quote in json.dumps(e.get("value"), ensure_ascii=False).replace('\\"', '"')
               for e in top.get("evidence") or []):
        errs.append(f"evidence does not quote {quote!r}")
    for c in rep.get("checks", []):
        if c.get("status") == "error":
            errs.append(f"check {c.get('id')} errored: {c.get('message')}")
    return errs


def main():
    exe, src = sys.argv[1], sys.argv[2]
    only = set(sys.argv[3:])
    with open(os.path.join(src, "tests", "checks", "runtime", "scenarios.expect.json")) as f:
        expect = json.load(f)
    failures, n = [], 0
    for cat, exp in sorted(expect.items()):
        if only and cat not in only:
            continue
        n += 1
        errs = run_one(exe, src, cat, exp)
        print(("FAIL " if errs else "ok   ") + cat)
        failures += [f"{cat}: {e}" for e in errs]
    for m in failures:
        print("  " + m)
    print(f"{n} scenarios, {len(failures)} failures")
    return 1 if failures or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
