#!/usr/bin/python3
"""End to end: never a false HEALTHY (issue 16). The real binary against the
fake AWS server, one case per bullet of the issue this test owns:

* stopped tasks expired (only events, a deployment IN_PROGRESS for 2 h 10 min,
  0 of 4 running): not healthy, an unexplained finding that says what is wrong,
  quotes the events and gives commands; exit 1;
* a deleted service (INACTIVE): reported deleted (when, by whom from
  CloudTrail), unhealthy, exit 1;
* a task or service AWS does not return: one line naming it (did-you-mean,
  the stopped-task reminder), exit 2, no report;
* a STOPPED task without timestamps: kept (flagged untimed) and it reaches the
  checks;
* tasks stuck PENDING: not healthy;
* the headline never says HEALTHY above a MEDIUM diagnosis; a Lua check reads
  edoc.service_state();
* across the suite: no fixture bundle and no fake-AWS scenario yields
  `healthy` without the state's positive evidence.

usage: e2e_state.py ECS_DOCTOR SOURCE_DIR"""
import concurrent.futures
import glob
import json
import os
import subprocess
import sys
import tempfile

BIN, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
SCN = os.path.join(SRC, "tests", "fakeaws", "scenarios")
sys.path.insert(0, os.path.join(SRC, "tests", "fakeaws"))
if not os.path.exists(os.path.join(SRC, "tests", "fakeaws", "harness.py")):
    print("skip: no fake AWS server")
    sys.exit(77)
import harness  # noqa: E402

failures = 0
WORK = tempfile.mkdtemp(prefix="e2e_state.")


def check(cond, what):
    global failures
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        failures += 1
    return cond


def live(scenario, *args):
    """Runs ecs-doctor against a fresh fake serving the scenario."""
    with harness.Fake(os.path.join(SCN, scenario + ".json"), WORK, timeout=120) as fake:
        p = subprocess.run([BIN, *args, "--cluster", "prod", "--endpoint-url", fake.url],
                           capture_output=True, text=True, env=harness.env(WORK), timeout=120)
    return p


def report(scenario, *args):
    p = live(scenario, "service", "web-service", "--output", "json", *args)
    try:
        return p.returncode, json.loads(p.stdout), p
    except ValueError:
        return p.returncode, None, p


def not_healthy_headline(summary):
    return "HEALTHY" not in summary.replace("UNHEALTHY", "")


# --- stopped tasks expired -------------------------------------------------
rc, rep, p = report("state_tasks_expired")
if check(rep is not None, f"expired: a report ({p.stderr.strip()[:300]})"):
    st = rep["state"]["services"]["web-service"]
    check(rc == 1, f"expired: exit 1 ({rc})")
    check(rep["verdict"] == "unhealthy" and not_healthy_headline(rep["summary"]),
          f"expired: unhealthy, headline {rep['summary']!r}")
    check(st["severity"] == "critical" and st["running"] == 0 and st["desired"] == 4 and
          st["rollout"]["state"] == "IN_PROGRESS" and st["deployments"][0]["stuck"],
          "expired: state critical, 0 of 4, rollout IN_PROGRESS and stuck")
    check(7700 <= (st["short_for_s"] or 0) <= 7900, f"expired: short for about 2 h 10 min ({st['short_for_s']})")
    un = [f for f in rep["findings"] if f["check"] == "state.unexplained"]
    if check(len(un) == 1, f"expired: one unexplained finding ({[f['check'] for f in rep['findings']]})"):
        f = un[0]
        check(f["category"] == "unknown_failure" and f["severity"] == "critical" and f["rank"] == 1,
              f"expired: unknown_failure, critical, rank 1 ({f['category']}, {f['severity']}, {f['rank']})")
        check("0 of 4 running for 2 h 10 min" in f["title"], f"expired: title says what ({f['title']!r})")
        check("IN_PROGRESS since" in f["explanation"] and "no longer retained" in f["explanation"] and
              "unable to consistently start tasks" in f["explanation"],
              "expired: explanation names the rollout, the expired tasks and the newest events")
        ptrs = {e["pointer"] for e in f["evidence"]}
        check({"/services/0/runningCount", "/services/0/desiredCount", "/services/0/events/0/message",
               "/services/0/deployments/0/rolloutState"} <= ptrs, f"expired: evidence cited ({sorted(ptrs)})")
        cmds = [r.get("command") or "" for r in f["remediation"]]
        check(any(c.startswith("aws ecs describe-services --cluster prod --services web-service") for c in cmds) and
              any("list-tasks" in c and "--desired-status STOPPED" in c for c in cmds),
              f"expired: next commands ({cmds})")
        check(any(s["check"] == "deployment.stuck" and s.get("caused_by") == f["id"] for s in rep["findings"]),
              "expired: the stuck-deployment finding ranks as its symptom")
p = live("state_tasks_expired", "service", "web-service", "--fail-on", "none")
check(p.returncode == 0, f"expired: --fail-on none -> exit 0 ({p.returncode})")

# --- deleted service -------------------------------------------------------
rc, rep, p = report("state_service_inactive")
if check(rep is not None, f"inactive: a report ({p.stderr.strip()[:300]})"):
    st = rep["state"]["services"]["web-service"]
    check(rc == 1 and rep["verdict"] == "unhealthy", f"inactive: unhealthy, exit 1 ({rc}, {rep['verdict']})")
    check(st["status"] == "INACTIVE" and st["deleted"]["by"] == "arn:aws:iam::123456789012:user/alice" and
          st["deleted"]["at"] > 0, f"inactive: deleted, when and by whom ({st.get('deleted')})")
    un = [f for f in rep["findings"] if f["check"] == "state.unexplained"]
    check(un and un[0]["title"] == "Service web-service was deleted" and "alice" in un[0]["explanation"] and
          un[0]["severity"] == "high", f"inactive: the finding says deleted, by alice ({[f['title'] for f in un]})")
    check(not_healthy_headline(rep["summary"]) and "deleted" in rep["summary"],
          f"inactive: headline ({rep['summary']!r})")

# --- targets AWS does not return ------------------------------------------
with harness.Fake(os.path.join(SCN, "healthy.json"), WORK, timeout=120) as fake:
    env = harness.env(WORK)

    def run(*args):
        return subprocess.run([BIN, *args, "--cluster", "prod", "--endpoint-url", fake.url],
                              capture_output=True, text=True, env=env, timeout=120)

    bundle = os.path.join(WORK, "healthy.json")
    p = run("collect", "service", "web-service", "-o", bundle)
    check(p.returncode == 0, f"missing: collect the healthy scenario ({p.stderr.strip()[:200]})")
    task_id = json.load(open(bundle))["tasks"][0]["taskArn"].rsplit("/", 1)[-1]
    near = task_id[:-1] + ("0" if task_id[-1] != "0" else "1")
    for args, want in (
        (("task", "0123456789abcdef0123456789abcdef"), ["task '0123456789abcdef0123456789abcdef' not found",
                                                        "about an hour"]),
        (("task", near), [f"task '{near}' not found", f"did you mean: {task_id}?", "about an hour"]),
        (("service", "web-servce"), ["service 'web-servce' not found", "did you mean: web-service?"]),
        (("task", near, "--output", "json"), [f"task '{near}' not found"]),
    ):
        p = run(*args)
        check(p.returncode == 2 and p.stdout == "" and p.stderr.count("\n") == 1 and
              all(w in p.stderr for w in want),
              f"missing: {' '.join(args)} -> exit 2, one line, no report ({p.returncode}: {p.stderr.strip()!r})")

# --- untimed stopped task --------------------------------------------------
with harness.Fake(os.path.join(SCN, "state_task_untimed.json"), WORK, timeout=120) as fake:
    env = harness.env(WORK)
    bundle = os.path.join(WORK, "untimed.json")
    p = subprocess.run([BIN, "collect", "service", "web-service", "--cluster", "prod", "--endpoint-url", fake.url,
                        "-o", bundle], capture_output=True, text=True, env=env, timeout=120)
    ev = json.load(open(bundle)) if p.returncode == 0 else {}
    untimed = [i for i, t in enumerate(ev.get("tasks", [])) if t.get("untimed") is True]
    check(len(untimed) == 1 and "stoppedAt" not in ev["tasks"][untimed[0]] and
          "createdAt" not in ev["tasks"][untimed[0]], f"untimed: the task is kept and flagged ({untimed})")
rc, rep, p = report("state_task_untimed")
if check(rep is not None and untimed, f"untimed: a report ({p.stderr.strip()[:300]})"):
    ptr = f"/tasks/{untimed[0]}/stoppedReason"
    cited = [f for f in rep["findings"] if any(e["pointer"] == ptr for e in f["evidence"])]
    check(cited and cited[0]["kind"] == "diagnosis" and "CannotPullContainerError" in cited[0]["evidence"][0]["value"],
          f"untimed: its stopped reason reaches the checks ({[f['check'] for f in cited]})")
    check(rep["verdict"] != "healthy" and rep["state"]["services"]["web-service"]["tasks"]["stopped_untimed"] == 1,
          "untimed: not healthy, counted in the state")

# --- tasks stuck PENDING ----------------------------------------------------
rc, rep, p = report("state_tasks_pending")
if check(rep is not None, f"pending: a report ({p.stderr.strip()[:300]})"):
    st = rep["state"]["services"]["web-service"]
    check(rep["verdict"] == "unhealthy" and rc == 1 and st["tasks"]["pending_too_long"] == 2 and
          st["pending"] == 2, f"pending: unhealthy, 2 pending too long ({rep['verdict']}, {st['tasks']})")

# --- headline vs a MEDIUM diagnosis; edoc.service_state from Lua ------------
chk = os.path.join(WORK, "checks")
os.makedirs(chk, exist_ok=True)
with open(os.path.join(chk, "medium.lua"), "w") as f:
    f.write('''return { id = "test.medium_state", category = "container_crash", severity = "medium",
  summary = "a medium diagnosis that reads the service state", needs = { "ecs.services" },
  run = function(ev)
    local st = edoc.service_state("web-service")
    local all = edoc.service_state()
    local ok = pcall(function() st.floor = "healthy" end)
    edoc.finding { title = "state " .. tostring(st and st.floor) .. " " .. tostring(all and all.floor) ..
                   " desired " .. tostring(st and st.desired) .. " readonly " .. tostring(not ok) ..
                   " missing " .. tostring(edoc.service_state("nope")),
                   severity = "medium", confidence = 0.5 }
  end }
''')
fixture = os.path.join(SRC, "tests", "engine", "fixtures", "healthy.json")
p = subprocess.run([BIN, "analyze", fixture, "--check-dir", chk, "--no-recommendations", "--output", "json"],
                   capture_output=True, text=True, timeout=120)
rep = json.loads(p.stdout) if p.stdout.startswith("{") else None
if check(rep is not None, f"headline: a report ({p.stderr.strip()[:300]})"):
    f = [x for x in rep["findings"] if x["check"] == "test.medium_state"]
    check(f and f[0]["title"] == "state healthy healthy desired 4 readonly true missing nil",
          f"lua: edoc.service_state reads the model, read-only ({[x['title'] for x in f]})")
    check(rep["verdict"] == "degraded" and rep["summary"].startswith("web-service: DEGRADED"),
          f"headline: DEGRADED above a MEDIUM diagnosis ({rep['summary']!r})")
p = subprocess.run([BIN, "analyze", fixture, "--check-dir", chk, "--no-recommendations"],
                   capture_output=True, text=True, timeout=120)
check(not_healthy_headline(p.stdout.split("\n")[0]) and "MEDIUM" in p.stdout,
      f"headline: the text verdict line is not HEALTHY ({p.stdout.splitlines()[:1]})")


# --- across the suite: healthy only with positive evidence -----------------
def floor_ok(rep):
    """A healthy verdict needs the state's positive evidence."""
    if rep.get("verdict") != "healthy":
        return True
    st = rep.get("state") or {}
    return st.get("floor") == "healthy" and all(s.get("positive") for s in (st.get("services") or {}).values())


bundles = sorted(set(glob.glob(os.path.join(SRC, "checks", "*", "tests", "*.json")) +
                     glob.glob(os.path.join(SRC, "tests", "engine", "fixtures", "*.json")) +
                     glob.glob(os.path.join(SRC, "examples", "*.json"))))
bundles = [b for b in bundles if not b.endswith(".expect.json")]
bad, n = [], 0
for b in bundles:
    p = subprocess.run([BIN, "analyze", b, "--output", "json"], capture_output=True, text=True, timeout=120)
    if not p.stdout.startswith("{"):
        continue  # malformed fixtures on purpose: an error, never a verdict
    n += 1
    if not floor_ok(json.loads(p.stdout)):
        bad.append(os.path.relpath(b, SRC))
check(n > 50 and not bad, f"suite: {n} fixture bundles, none healthy without positive evidence ({bad})")

def scenario_ok(scn):
    """None when the scenario has no web-service or gave no report, else
    whether its verdict respects the floor. One fake and one folder each,
    so they can run side by side."""
    doc = json.load(open(scn))
    svcs = [s for s in doc.get("ecs", {}).get("services", []) if s.get("serviceName") == "web-service"]
    if not svcs:
        return None
    work = tempfile.mkdtemp(dir=WORK)
    with harness.Fake(scn, work, timeout=120) as fake:
        p = subprocess.run([BIN, "service", "web-service", "--cluster", svcs[0].get("cluster", "default"),
                            "--endpoint-url", fake.url, "--output", "json"],
                           capture_output=True, text=True, env=harness.env(work), timeout=300)
    if not p.stdout.startswith("{"):
        return None
    return floor_ok(json.loads(p.stdout))


scns = sorted(glob.glob(os.path.join(SCN, "*.json")))
with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
    results = list(pool.map(scenario_ok, scns))
n = sum(r is not None for r in results)
bad = [os.path.basename(s) for s, r in zip(scns, results) if r is False]
check(n > 30 and not bad, f"suite: {n} fake-AWS scenarios, none healthy without positive evidence ({bad})")

sys.exit(1 if failures else 0)
