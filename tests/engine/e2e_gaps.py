#!/usr/bin/python3
"""End-to-end: "inconclusive is a verdict". The real binary against the fake AWS
server with actions denied (--deny), on the healthy and the demo scenario.

usage: e2e_gaps.py ECS_DOCTOR_BINARY SOURCE_DIR

(a) healthy + deny ecs:DescribeTasks: the tasks cannot be seen, so nothing
    can be said about them: verdict inconclusive, exit 4, a gap naming
    ecs:DescribeTasks that affects the task checks, each of them incomplete.
(b) demo + deny ec2:DescribeRouteTables: the tasks fail with a pull timeout
    (the service is unhealthy, that is seen) but the network hop cannot be
    proven: no network_no_route finding with high confidence, the network
    check incomplete naming ec2.route_tables, a gap naming
    ec2:DescribeRouteTables that affects net.dependency_unreachable.
(c) healthy + deny ec2:DescribeRouteTables: nothing failing needed that
    evidence: still healthy, exit 0, the gap listed.
(d) offline: the container_exit plugin reports through host->incomplete the
    task definitions it lacked to tell a sidecar from an essential container.
Exits 77 (skipped) when the fake server is not in the tree.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

BIN, SRC = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(SRC, "tests", "fakeaws"))
import harness  # noqa: E402
SCEN = os.path.join(SRC, "tests", "fakeaws", "scenarios")
TMP = tempfile.mkdtemp(prefix="edoc-gaps-e2e-")
FAILED = []

ENV = harness.env(TMP)


def check(cond, what):
    print(f"{'ok' if cond else 'not ok'} - {what}")
    if not cond:
        FAILED.append(what)
    return cond


def Fake(scenario, *flags):
    return harness.Fake(os.path.join(SCEN, scenario + ".json"), TMP, *flags)

def diagnose(scenario, deny, output="json"):
    with Fake(scenario, "--deny", deny) as fake:
        r = subprocess.run([BIN, "service", "web-service", "--cluster", "prod", "--endpoint-url", fake.url,
                            "--output", output, "--no-color"],
                           env=ENV, capture_output=True, text=True, timeout=120)
    report = None
    if output == "json":
        try:
            report = json.loads(r.stdout)
        except ValueError:
            check(False, f"{scenario} --deny {deny}: JSON report on stdout ({r.stderr.strip()[:200]})")
    return r, report


def gap(report, source):
    return next((g for g in (report or {}).get("evidence_gaps", []) if g.get("source") == source), None)


def check_of(report, cid):
    return next((c for c in (report or {}).get("checks", []) if c.get("id") == cid), None)


def main():
    if not os.path.exists(harness.FAKE):
        print("skip: no fake AWS server")
        return 77

    # (a) The tasks are unseen: inconclusive, never healthy.
    r, rep = diagnose("healthy", "ecs:DescribeTasks")
    check(r.returncode == 4, f"(a) exit 4 (got {r.returncode}: {r.stderr.strip()[:200]})")
    check(rep and rep["verdict"] == "inconclusive", f"(a) verdict inconclusive (got {rep and rep['verdict']})")
    g = gap(rep, "ecs.tasks")
    check(g is not None and g.get("action") == "ecs:DescribeTasks", f"(a) gap names ecs:DescribeTasks ({g})")
    check(g is not None and "container.exit" in g["affects"] and "image.not_found" in g["affects"],
          "(a) the gap lists the task checks it affects")
    c = check_of(rep, "image.not_found")
    check(c is not None and c["status"] == "incomplete" and "ecs.tasks" in c["missing"]
          and "ecs.tasks" in (c.get("message") or ""), f"(a) image.not_found incomplete, says ecs.tasks ({c})")
    check(rep and all(isinstance(c.get("category"), str) and c["category"] for c in rep["checks"]),
          "(a) every checks[] entry carries its category")
    check(rep and all(c["status"] != "incomplete" or c["missing"] for c in rep["checks"]),
          "(a) every incomplete check lists what it lacked")
    r, _ = diagnose("healthy", "ecs:DescribeTasks", output="text")
    check(r.returncode == 4 and "ecs:DescribeTasks" in r.stdout and "INCONCLUSIVE" in r.stdout,
          "(a) text report: INCONCLUSIVE and the IAM action to allow")

    # (b) The failure is seen, its network cause cannot be proven.
    r, rep = diagnose("demo", "ec2:DescribeRouteTables")
    check(r.returncode == 1, f"(b) exit 1: the tasks do fail (got {r.returncode})")
    check(rep and rep["verdict"] == "unhealthy", f"(b) verdict unhealthy (got {rep and rep['verdict']})")
    strong = [f for f in rep["findings"] if f["category"] == "network_no_route" and f["confidence"] >= 0.7] if rep else []
    check(not strong, f"(b) no network_no_route finding with high confidence ({[f['title'] for f in strong]})")
    weak = [f for f in rep["findings"] if f["check"] == "net.dependency_unreachable"] if rep else []
    check(weak and all(f["confidence"] < 0.7 and "could not be verified" in f["title"] for f in weak),
          f"(b) the network finding says the path could not be verified ({[(f['title'], f['confidence']) for f in weak]})")
    c = check_of(rep, "net.dependency_unreachable")
    check(c is not None and c["status"] == "incomplete" and "ec2.route_tables" in c["missing"]
          and "ec2.route_tables" in (c.get("message") or ""),
          f"(b) net.dependency_unreachable incomplete for ec2.route_tables ({c})")
    g = gap(rep, "ec2.route_tables")
    check(g is not None and g.get("action") == "ec2:DescribeRouteTables" and g["status"] == "denied",
          f"(b) gap names ec2:DescribeRouteTables ({g})")
    check(g is not None and "net.dependency_unreachable" in g["affects"], "(b) the gap names the check that needed it")
    check(rep and "0.0.0.0/0" not in rep["summary"] and "no network route" not in rep["summary"],
          f"(b) the summary does not claim the missing route ({rep and rep['summary']})")

    # (c) Nothing failing needed the route tables: healthy, the gap listed.
    r, rep = diagnose("healthy", "ec2:DescribeRouteTables")
    check(r.returncode == 0, f"(c) exit 0 (got {r.returncode}: {r.stderr.strip()[:200]})")
    check(rep and rep["verdict"] == "healthy", f"(c) verdict healthy (got {rep and rep['verdict']})")
    g = gap(rep, "ec2.route_tables")
    check(g is not None and g.get("action") == "ec2:DescribeRouteTables"
          and "net.dependency_unreachable" in g["affects"], f"(c) gap listed with the checks it affects ({g})")
    c = check_of(rep, "net.dependency_unreachable")
    check(c is not None and c["status"] == "ok", f"(c) net.dependency_unreachable decided: ok ({c and c['status']})")

    # (d) The C plugin reports its own gap: a crash seen, the task definition
    # (essential or sidecar?) denied -> container.exit incomplete, naming it.
    with open(os.path.join(SRC, "plugins", "container_exit", "tests", "exit_1_crash.json")) as f:
        ev = json.load(f)
    ev["sources"]["ecs.task_definitions"] = {"status": "denied", "errors": [{
        "operation": "ecs:DescribeTaskDefinition", "action": "ecs:DescribeTaskDefinition",
        "code": "AccessDeniedException", "message": "not authorized"}]}
    ev.pop("task_definitions", None)
    bundle = os.path.join(TMP, "td_denied.json")
    with open(bundle, "w") as f:
        json.dump(ev, f)
    r = subprocess.run([BIN, "analyze", bundle, "--output", "json"], env=ENV, capture_output=True, text=True,
                       timeout=60)
    rep = json.loads(r.stdout) if r.stdout.startswith("{") else None
    c = check_of(rep, "container.exit")
    check(c is not None and c["status"] == "incomplete" and c["missing"] == ["ecs.task_definitions"]
          and "sidecars" in (c.get("message") or ""), f"(d) container.exit reports the missing task definitions ({c})")
    g = gap(rep, "ecs.task_definitions")
    check(g is not None and "container.exit" in g["affects"], "(d) the gap lists container.exit")

    shutil.rmtree(TMP, ignore_errors=True)
    print(f"{len(FAILED)} failed" if FAILED else "all passed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
