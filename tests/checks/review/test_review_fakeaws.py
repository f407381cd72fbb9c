#!/usr/bin/python3
"""The review rules end to end on the fake AWS endpoint (tests/fakeaws): the real collectors gather
the evidence of a scenario, the real engine runs every check.

usage: test_review_fakeaws.py ECS_DOCTOR SOURCE_DIR       (exit 77: skipped, no fake AWS server)

* scenarios/healthy.json: `service` is HEALTHY, exits 0, and its recommendations are the short,
  sensible list this service deserves (no health check on its container, the 300 s deregistration
  delay with tasks that start in seconds, no `user`), each with its real identifiers;
* scenarios/demo.json (an incident): `service` ranks every diagnosis above every recommendation;
  `review service` prints only recommendations and exits 0.
"""
import json
import os
import subprocess
import sys
import tempfile

BIN, SRC = sys.argv[1], sys.argv[2]
CTL = os.path.join(SRC, "tests", "fakeaws", "fakeaws-ctl")
SCN = os.path.join(SRC, "tests", "fakeaws", "scenarios")
if not os.access(CTL, os.X_OK) or not os.path.exists(os.path.join(SCN, "healthy.json")):
    print("skip: no fake AWS server")
    sys.exit(77)
FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what)


def run(scenario, *args):
    """Runs ecs-doctor against the fake endpoint; returns (exit code, parsed JSON report or None, stderr)."""
    with tempfile.TemporaryDirectory() as d:
        p = subprocess.run([CTL, "run", "-d", d, "-s", os.path.join(SCN, scenario + ".json"), "--",
                            BIN, *args, "--output", "json"], capture_output=True, text=True, timeout=240, cwd=SRC)
    try:
        return p.returncode, json.loads(p.stdout), p.stderr
    except ValueError:
        check(False, f"{scenario} {args}: no JSON report (rc {p.returncode}): {p.stdout[:200]} {p.stderr[:300]}")
        return p.returncode, None, p.stderr


# Healthy service, full diagnosis.
rc, rep, _ = run("healthy", "service", "web-service", "--cluster", "prod")
if rep:
    check(rc == 0, f"healthy: exit code {rc}")
    check(rep["verdict"] == "healthy", f"healthy: verdict {rep['verdict']}")
    kinds = {f["kind"] for f in rep["findings"]}
    check(kinds == {"recommendation"}, f"healthy: finding kinds {kinds}")
    rules = sorted(f.get("rule") for f in rep["findings"])
    check(rules == ["reliability.container_health_check", "reliability.deregistration_delay", "security.root_user"],
          f"healthy: recommendations {rules}")
    for f in rep["findings"]:
        check(f["category"] == "best_practice" and f["severity"] in ("info", "low"), f"healthy: {f['check']} {f['severity']}")
        check(all(r["docs"].startswith("https://docs.aws.amazon.com/") for r in f["remediation"]), f"healthy: {f['check']} docs")
        cmds = " ".join(r["command"] for r in f["remediation"])
        if f["rule"] == "reliability.deregistration_delay":
            tg = f["resources"][0]
            check(tg.startswith("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/") and tg in cmds,
                  f"healthy: the drain command does not name the target group: {cmds}")
        else:
            check("--cluster prod --service web-service" in cmds and "web-service:" in cmds,
                  f"healthy: {f['check']} command lacks the real cluster/service/revision: {cmds}")

# Incident: diagnoses first, recommendations after.
rc, rep, _ = run("demo", "service", "web-service", "--cluster", "prod")
if rep:
    kinds = [f["kind"] for f in rep["findings"]]
    check("diagnosis" in kinds and "recommendation" in kinds, f"demo: kinds {kinds}")
    if "diagnosis" in kinds and "recommendation" in kinds:
        check(max(i for i, k in enumerate(kinds) if k == "diagnosis") < kinds.index("recommendation"),
              f"demo: a recommendation outranks a diagnosis: {kinds}")
    check(rep["verdict"] in ("unhealthy", "degraded"), f"demo: verdict {rep['verdict']}")

# Incident, review only: recommendations, exit 0, a report that says it is a review.
rc, rep, err = run("demo", "review", "service", "web-service", "--cluster", "prod")
if rep:
    check(rc == 0, f"demo review: exit code {rc}")
    kinds = {f["kind"] for f in rep["findings"]}
    check(kinds == {"recommendation"}, f"demo review: kinds {kinds}")
    check("cost.fargate_spot" in {f.get("rule") for f in rep["findings"]}, "demo review: 4 Fargate tasks, no Spot advice")
    check(rep.get("mode") == "review", f"demo review: mode {rep.get('mode')}")
    check("no diagnosis ran" in rep.get("summary", ""), f"demo review: summary {rep.get('summary')}")

print(f"{len(FAILS)} failure(s)")
sys.exit(1 if FAILS else 0)
