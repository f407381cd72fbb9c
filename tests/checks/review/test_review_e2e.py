#!/usr/bin/python3
"""End-to-end tests of the ECS best-practice rules (checks/review) through the real binary.

usage: test_review_e2e.py ECS_DOCTOR SOURCE_DIR
Runs `analyze` on the review fixture bundles and on bundles derived from them, and checks what a
user sees: recommendations are findings of kind "recommendation" and category "best_practice" with
a rule id, evidence, a why, and a copy-pasteable command naming the bundle's real resources with an
AWS documentation link; they never change a healthy verdict or exit code and never outrank a
diagnosis.
"""
import copy
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

BIN, SRC = sys.argv[1], sys.argv[2]
FIX = os.path.join(SRC, "checks", "review", "tests")
FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what)


def analyze(bundle, *extra):
    """Runs analyze on a bundle (path or dict); returns (exit code, stdout)."""
    path = bundle
    tmp = None
    if isinstance(bundle, dict):
        tmp = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump(bundle, tmp)
        tmp.close()
        path = tmp.name
    try:
        p = subprocess.run([BIN, "analyze", path, *extra], capture_output=True, text=True, timeout=60, cwd=SRC)
    finally:
        if tmp:
            os.unlink(tmp.name)
    return p.returncode, p.stdout


def report(bundle, *extra):
    rc, out = analyze(bundle, "--output", "json", *extra)
    try:
        return rc, json.loads(out)
    except ValueError:
        check(False, f"analyze --output json did not print JSON (rc {rc}): {out[:200]}")
        return rc, {"findings": [], "verdict": None}


def load(name):
    with open(os.path.join(FIX, name + ".json")) as f:
        return json.load(f)


def review_findings(rep):
    return [f for f in rep["findings"] if f.get("category") == "best_practice"]


# 1. The healthy bundle: verdict healthy, exit 0, a short and sensible recommendations section.
rc, rep = report(os.path.join(FIX, "healthy.json"))
check(rc == 0, f"healthy: exit code {rc}, want 0")
check(rep.get("verdict") == "healthy", f"healthy: verdict {rep.get('verdict')}")
recs = [f for f in rep["findings"] if f.get("kind") == "recommendation"]
check(1 <= len(recs) <= 3, f"healthy: {len(recs)} recommendations, want a short list")
check(all(f.get("kind") == "recommendation" for f in rep["findings"]), "healthy: a diagnosis on a healthy service")
dd = [f for f in recs if f.get("rule") == "reliability.deregistration_delay"]
check(len(dd) == 1, "healthy: the deregistration delay recommendation is missing")
if dd:
    f = dd[0]
    check(f["severity"] == "info" and f["category"] == "best_practice", f"healthy: {f['severity']}/{f['category']}")
    cmd = f["remediation"][0]["command"]
    check("modify-target-group-attributes" in cmd and "targetgroup/web-tg/0123456789abcdef" in cmd,
          f"healthy: command does not name the target group: {cmd}")
    check(f["remediation"][0]["docs"].startswith("https://docs.aws.amazon.com/"), "healthy: docs link")
    check(any(e.get("value") == "300" for e in f["evidence"]), f"healthy: the 300 s value is not quoted: {f['evidence']}")

rc, text = analyze(os.path.join(FIX, "healthy.json"))
check(rc == 0, f"healthy text: exit code {rc}")
check("HEALTHY" in text.upper(), "healthy text: no HEALTHY verdict line")
check("drains for 300 s" in text, "healthy text: the recommendation is not shown")

# 2. Every rule through analyze: the recommendation contract, real identifiers, healthy verdict.
IDS = ["prod", "web-service", "ecsTaskExecutionRole", "/ecs/web-service", "web-tg", "123456789012"]


def names_resource(cmd, bundle_text):
    """The identifiers (of IDS, present in the bundle) that the command names
    as whole words: `--cluster prod`, `service/prod/web-service`, `'web-tg'`
    count; `production` or `prod-db` do not name the cluster prod."""
    found = []
    for i in IDS:
        if i not in bundle_text:
            continue
        if re.search(r"(?:^|[\s'\"/:=,])" + re.escape(i) + r"(?=$|[\s'\"/:,])", cmd):
            found.append(i)
    return found


rules_seen = set()
for path in sorted(glob.glob(os.path.join(FIX, "*_fire.json"))):
    name = os.path.basename(path)[:-5]
    rc, rep = report(path)
    # A bundle whose evidence also shows a real failure (tasks failing ELB
    # checks, for the grace-period rule) gets that diagnosis from the catalog;
    # the recommendation contract is then checked on a run with only the
    # review rules, where nothing but recommendations can decide.
    if any(f.get("kind") == "diagnosis" for f in rep["findings"]):
        rc, rep = report(path, "--only", "security.*", "--only", "reliability.*", "--only", "cost.*")
    check(rc == 0, f"{name}: exit code {rc} (recommendations must not fail the run)")
    check(rep.get("verdict") == "healthy", f"{name}: verdict {rep.get('verdict')}")
    fs = review_findings(rep)
    check(len(fs) > 0, f"{name}: no recommendation")
    for f in fs:
        rules_seen.add(f.get("rule"))
        where = f"{name}/{f.get('check')}"
        check(f.get("kind") == "recommendation", f"{where}: kind {f.get('kind')}")
        check(f.get("rule") == f.get("check"), f"{where}: rule {f.get('rule')} != check id")
        check(f.get("severity") in ("high", "medium", "low", "info"), f"{where}: severity {f.get('severity')}")
        check(bool(f.get("explanation")), f"{where}: no explanation")
        check(len(f.get("evidence", [])) > 0, f"{where}: no evidence")
        check(all(e.get("value") is not None or e.get("note") for e in f.get("evidence", [])),
              f"{where}: an evidence pointer quotes nothing: {f.get('evidence')}")
        rem = f.get("remediation", [])
        check(len(rem) > 0, f"{where}: no remediation")
        check(all(r.get("docs", "").startswith("https://docs.aws.amazon.com/") for r in rem), f"{where}: docs link")
        with open(path) as bf:
            bundle_text = bf.read()
        named = [names_resource(r.get("command", ""), bundle_text) for r in rem if r.get("command")]
        check(any(named), f"{where}: no command names the real resources: {[r.get('command') for r in rem]}")
check(len(rules_seen) == 18, f"rules seen through analyze: {sorted(r for r in rules_seen if r)}")

# 3. Recommendations never outrank a diagnosis, even a high one against a medium diagnosis.
b = load("secrets_env_aws_fire")
stopped = copy.deepcopy(b["tasks"][0])
stopped.update({"lastStatus": "STOPPED", "desiredStatus": "STOPPED", "stopCode": "TaskFailedToStart",
                "stoppedAt": 1795747000, "taskArn": stopped["taskArn"][:-2] + "99",
                "stoppedReason": "CannotPullContainerError: pull image manifest has been retried 5 time(s): "
                                 "failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/web-service:v43: "
                                 "123456789012.dkr.ecr.us-east-1.amazonaws.com/web-service:v43: not found"})
stopped["containers"][0]["image"] = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web-service:v43"
b["tasks"].append(stopped)
rc, rep = report(b)
kinds = [f.get("kind") for f in rep["findings"]]
check("diagnosis" in kinds, f"mixed: no diagnosis found (kinds {kinds})")
if "diagnosis" in kinds:
    last_diag = max(i for i, k in enumerate(kinds) if k == "diagnosis")
    first_rec = min((i for i, k in enumerate(kinds) if k == "recommendation"), default=len(kinds))
    check(last_diag < first_rec, f"mixed: a recommendation outranks a diagnosis: {kinds}")
    check(rep.get("verdict") != "healthy", "mixed: the diagnosis did not change the verdict")

# 3b. `review FILE` shows only the recommendations of that same bundle, and exits 0.
mixed = b
tmp = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
json.dump(mixed, tmp)
tmp.close()
try:
    p = subprocess.run([BIN, "review", tmp.name, "--output", "json"], capture_output=True, text=True, timeout=60, cwd=SRC)
finally:
    os.unlink(tmp.name)
check(p.returncode == 0, f"review FILE: exit code {p.returncode}: {p.stderr[:200]}")
try:
    rrep = json.loads(p.stdout)
except ValueError:
    rrep = {"findings": []}
    check(False, f"review FILE: no JSON report: {p.stdout[:200]}")
rk = [f.get("kind") for f in rrep["findings"]]
check(rk and all(k == "recommendation" for k in rk), f"review FILE: kinds {rk}")
check(any(f.get("rule") == "security.secrets_in_environment" for f in rrep["findings"]), "review FILE: the AWS keys rule is missing")
check(rrep.get("verdict") == "healthy", f"review FILE: verdict {rrep.get('verdict')}")
p = subprocess.run([BIN, "review"], capture_output=True, text=True, timeout=60, cwd=SRC)
check(p.returncode == 2 and "review service NAME" in p.stderr, f"review without a target: rc {p.returncode}")
p = subprocess.run([BIN, "review", "--no-recommendations", os.path.join(FIX, "healthy.json")], capture_output=True, text=True, timeout=60, cwd=SRC)
check(p.returncode == 2, f"review --no-recommendations: rc {p.returncode}")

# 4. --no-recommendations hides them (the verdict and exit code stay the same).
rc, rep = report(os.path.join(FIX, "secrets_env_aws_fire.json"), "--no-recommendations")
check(rc == 0 and rep.get("verdict") == "healthy", f"--no-recommendations: rc {rc} verdict {rep.get('verdict')}")
rc, text = analyze(os.path.join(FIX, "secrets_env_aws_fire.json"), "--no-recommendations")
check("AWS credentials" not in text, "--no-recommendations: text output still shows the recommendation")

print(f"{len(FAILS)} failure(s)")
sys.exit(1 if FAILS else 0)
