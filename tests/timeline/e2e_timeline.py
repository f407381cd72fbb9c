#!/usr/bin/python3
"""End-to-end tests of the time dimension (issue 12): the real ecs-doctor
binary against the fake AWS server on the change_* and memory_rising
scenarios.

usage: e2e_timeline.py ECS_DOCTOR_BINARY SOURCE_DIR

For each change scenario: the top diagnosis is the catalog's, and it is
linked to the CloudTrail change that caused it (event, actor, via, time,
minutes before the first failure) in every output format (json, text,
markdown, junit) and in the timeline; a caller without
cloudtrail:LookupEvents gets the same top diagnosis without the link and an
evidence gap naming the action. memory_rising: the OOM finding cites the
memory series; without cloudwatch:GetMetricData it stays the top finding and
the gap names the action. Exits 77 (skipped) when the fake server is absent.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

BIN, SRC = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(SRC, "tests", "fakeaws"))
import harness  # noqa: E402
SCEN = os.path.join(SRC, "tests", "fakeaws", "scenarios")
TMP = tempfile.mkdtemp(prefix="edoc-timeline-e2e-")
FAILED = []

ENV = harness.env(TMP)

# scenario -> (top category, event, actor, via, minutes before the first failure, changed resource)
CHANGES = {
    "change_deleted_nat_route": ("network_no_route", "DeleteRoute", "arn:aws:iam::123456789012:user/alice",
                                 "console", 12, "rtb-0c0ffee0000000003"),
    "change_detached_exec_policy": ("registry_auth_failed", "DetachRolePolicy",
                                    "arn:aws:sts::123456789012:assumed-role/Admin/bob", "cli", 20,
                                    "ecsTaskExecutionRole"),
    "change_tightened_sg": ("security_group_egress_blocked", "RevokeSecurityGroupEgress",
                            "arn:aws:iam::123456789012:user/carol", "sdk", 15, "sg-0a1b2c3d4e5f00002"),
}


def check(cond, what):
    print(f"{'ok' if cond else 'not ok'} - {what}")
    if not cond:
        FAILED.append(what)
    return cond


def Fake(scenario, *flags):
    return harness.Fake(os.path.join(SCEN, scenario + ".json"), TMP, *flags)

def run(fake, *args):
    return subprocess.run([BIN, *args, "--endpoint-url", fake.url, "--no-color"], env=ENV, capture_output=True,
                          text=True, timeout=120)


def diagnose(fake, fmt):
    r = run(fake, "service", "web-service", "--cluster", "prod", "--output", fmt)
    check(r.returncode == 1, f"{fake.name} {fmt}: exit 1 (unhealthy), got {r.returncode} {r.stderr.strip()[:300]}")
    return r.stdout


def flat(text):
    """The text renderer wraps lines: compare with whitespace collapsed."""
    return re.sub(r"\s+", " ", text)


def change_scenario(name):
    category, event, actor, via, minutes, resource = CHANGES[name]
    with Fake(name) as fake:
        fake.name = name
        ev_path = os.path.join(TMP, name + ".evidence.json")
        r = run(fake, "collect", "service", "web-service", "--cluster", "prod", "-o", ev_path)
        check(r.returncode == 0, f"{name}: collect")
        with open(ev_path) as f:
            ev = json.load(f)
        check(ev["sources"]["cloudtrail"]["status"] == "ok", f"{name}: cloudtrail source ok")
        # AWS's 2 TPS: the account's write events in one call, not one per resource.
        lookups = fake.calls("LookupEvents")
        check(1 <= len(lookups) <= 4, f"{name}: {len(lookups)} LookupEvents call(s)")
        check(all(not c.get("mutating") for c in fake.calls()), f"{name}: no mutating call")

        report = json.loads(diagnose(fake, "json"))
        top = report["findings"][0]
        check(top["category"] == category, f"{name}: top finding is {category} (got {top['category']})")
        ch = top.get("change") or {}
        check(ch.get("event") == event, f"{name}: linked change is {event} (got {ch.get('event')})")
        check(ch.get("actor") == actor and ch.get("via") == via, f"{name}: by {actor} ({via}): {ch}")
        check(ch.get("resource") == resource, f"{name}: on {resource}")
        check(ch.get("minutes_before_failure") == minutes, f"{name}: {minutes} min before the first failure")
        idx = int(ch.get("pointer", "/changes/-1").rsplit("/", 1)[1])
        src = ev["changes"][idx] if 0 <= idx < len(ev["changes"]) else {}
        check(src.get("EventName") == event and abs(src.get("EventTime", 0) - ch.get("time", -1)) < 1,
              f"{name}: the link points at the change in the evidence, with its time")
        check(top["confidence"] >= 0.95, f"{name}: confidence raised ({top['confidence']})")
        check(any(e["pointer"] == f"/changes/{idx}/summary" and actor in (e.get("note") or "")
                  for e in top["evidence"]), f"{name}: the change is cited as evidence")
        check(all("change" not in f for f in report["findings"][1:]), f"{name}: only the root is linked")
        check(not any(g["source"] == "cloudtrail" for g in report["evidence_gaps"]), f"{name}: no cloudtrail gap")
        tl = [t for t in report.get("timeline", []) if t["kind"] == "change" and t["text"].startswith(event)]
        check(len(tl) == 1 and f"({via})" in tl[0]["text"] and actor.rsplit(":", 1)[1] in tl[0]["text"],
              f"{name}: the timeline shows the change with actor and via: {tl}")
        check(tl and any(t["kind"] == "task_stopped" and t["time"] > tl[0]["time"] for t in report["timeline"]),
              f"{name}: the change comes before the stops in the timeline")
        hhmmss = time.strftime("%H:%M:%S", time.gmtime(ch.get("time", 0)))
        sentence = f"at {hhmmss} UTC by {actor} ({via}), {minutes} min before the first failure"

        text = flat(diagnose(fake, "text"))
        check(f"Changed before it: {event}" in text and sentence in text, f"{name}: text shows the change link")
        md = diagnose(fake, "markdown")
        check(f"**Changed before it:** {event}" in md and sentence in md, f"{name}: markdown shows the change link")
        ju = diagnose(fake, "junit")
        check(f"changed before it: {event}" in ju and sentence in ju, f"{name}: junit shows the change link")

    # The same account, seen by a caller without cloudtrail:LookupEvents.
    with Fake(name, "--deny", "cloudtrail:LookupEvents") as fake:
        fake.name = name + " (denied)"
        denied = json.loads(diagnose(fake, "json"))
        check(denied["findings"][0]["id"] == top["id"] and denied["findings"][0]["category"] == category,
              f"{name} denied: same top diagnosis ({denied['findings'][0]['id']})")
        check(all("change" not in f for f in denied["findings"]), f"{name} denied: no change link")
        gaps = [g for g in denied["evidence_gaps"] if g["source"] == "cloudtrail"]
        check(len(gaps) == 1 and gaps[0]["action"] == "cloudtrail:LookupEvents" and gaps[0]["status"] == "denied",
              f"{name} denied: evidence gap names cloudtrail:LookupEvents ({gaps})")
        check(denied["verdict"] == "unhealthy", f"{name} denied: verdict unchanged")
        text = diagnose(fake, "text")
        check("cloudtrail:LookupEvents" in text, f"{name} denied: text names the missing action")


def memory_scenario():
    name = "memory_rising"
    with Fake(name) as fake:
        fake.name = name
        report = json.loads(diagnose(fake, "json"))
        top = report["findings"][0]
        check(top["category"] == "container_oom", f"{name}: top finding is container_oom ({top['category']})")
        cites = [e for e in top["evidence"] if e["pointer"].startswith("/metrics/series/")]
        check(len(cites) == 1 and "MemoryUtilization" in (cites[0].get("note") or "") and cites[0]["value"] == 100,
              f"{name}: the OOM finding cites the memory series ({cites})")
        check("change" not in top, f"{name}: no change to link")
        check(any(t["kind"] == "metric" and "MemoryUtilization of web-service reached 90" in t["text"]
                  for t in report["timeline"]), f"{name}: the timeline shows the threshold crossing")
        check(not any(f.get("rule") == "reliability.memory_trend" for f in report["findings"]),
              f"{name}: no early warning once tasks are OOM-killed")
        text = flat(diagnose(fake, "text"))
        check("/metrics/series/" in text and "MemoryUtilization (Maximum) peaked at 100" in text,
              f"{name}: text shows the metric evidence")
        md = diagnose(fake, "markdown")
        check("MemoryUtilization (Maximum) peaked at 100" in md, f"{name}: markdown shows the metric evidence")
    with Fake(name, "--deny", "cloudwatch:GetMetricData") as fake:
        fake.name = name + " (denied)"
        denied = json.loads(diagnose(fake, "json"))
        check(denied["findings"][0]["category"] == "container_oom", f"{name} denied: same top diagnosis")
        check(not any(e["pointer"].startswith("/metrics/") for e in denied["findings"][0]["evidence"]),
              f"{name} denied: no metric evidence")
        gaps = [g for g in denied["evidence_gaps"] if g["source"] == "metrics"]
        check(len(gaps) == 1 and gaps[0]["action"] == "cloudwatch:GetMetricData",
              f"{name} denied: evidence gap names cloudwatch:GetMetricData ({gaps})")


def main():
    if not os.path.exists(harness.FAKE):
        print("# fake AWS server not in the tree: skipped")
        return 77
    try:
        for name in CHANGES:
            change_scenario(name)
        memory_scenario()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    print(f"{len(FAILED)} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
