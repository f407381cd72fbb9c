#!/usr/bin/python3
"""End to end: the real binary on the example incident bundle, every output
format, --fail-on, --no-recommendations, mutes (active, expired, malformed,
the default file in the working directory) and per-format exit codes.
usage: e2e_report.py ECS_DOCTOR SOURCE_DIR"""
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

BIN, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
BUNDLE = os.path.join(SRC, "examples", "incident.json")
sys.path.insert(0, os.path.join(SRC, "tests", "render"))
failures = 0


def check(cond, what):
    global failures
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        failures += 1


def run(*args, cwd=None):
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    p = subprocess.run([BIN, *args], capture_output=True, cwd=cwd, env=env)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


SEV_AT_LEAST = {"critical": {"critical"}, "high": {"critical", "high"},
                "medium": {"critical", "high", "medium"}, "low": {"critical", "high", "medium", "low"},
                "info": {"critical", "high", "medium", "low", "info"}, "none": set()}


def expected_exit(doc, fail_on="high"):
    """docs/report.md "Exit codes", from the report itself: 1 with an
    unmuted diagnosis at or above --fail-on, else 4 when inconclusive, else 0."""
    if any(f["kind"] == "diagnosis" and not f.get("muted") and f["severity"] in SEV_AT_LEAST[fail_on]
           for f in doc["findings"]):
        return 1
    return 4 if doc["verdict"] == "inconclusive" else 0


work = tempfile.mkdtemp()  # no .ecs-doctor-mutes.json here unless a test writes one
TMPW = tempfile.mkdtemp()

rc, out, err = run("analyze", BUNDLE, cwd=work)
check(rc == 1, f"text: exit 1 on a critical finding (got {rc}: {err.strip()})")
first = out.split("\n")[0]
check(first.startswith("web-service: UNHEALTHY - 0 of 4 tasks running; root cause: Image not found"),
      "text: the verdict first")
check("\x1b" not in out, "text: no colour through a pipe")
check("\nWhat changed\n" in out and "app image:" in out, "text: what changed (image v42 -> v43)")
check("\nTimeline (UTC, newest last)\n" in out, "text: timeline")
check("Evidence I could not see" in out and "iam:GetRole" in out, "text: the denied IAM action")

rc, out, _ = run("analyze", BUNDLE, "--output", "json", cwd=work)
doc = json.loads(out)
check(rc == 1 and doc["verdict"] == "unhealthy" and expected_exit(doc) == 1, "json: unhealthy, exit 1")
wc = doc.get("what_changed", {}).get("services", [])
check(len(wc) == 1 and any(c["field"] == "image" for c in wc[0].get("changes", [])), "json: what_changed image")
times = [t["time"] for t in doc.get("timeline", [])]
check(len(times) > 0 and times == sorted(times), "json: timeline newest last")
schemas = [p for p in (os.path.join(SRC, "docs", "report.schema.json"),
                       os.path.join(SRC, "tests", "render", "report.schema.proposal.json")) if os.path.exists(p)]
import render_formats_schema as rfs  # noqa: E402  (the validator, shared with render_formats.py)
for p in schemas:
    with open(p) as f:
        ok, why = rfs.valid(doc, json.load(f))
    check(ok, f"json: valid against {os.path.basename(p)} {why}")

rc, out, _ = run("analyze", BUNDLE, "--output", "junit", cwd=work)
root = ET.fromstring(out.encode("utf-8"))
cases = root.findall("./testsuite/testcase")
check(rc == 1 and len(cases) == len(doc["checks"]), "junit: one testcase per check")
check(len(root.findall(".//failure")) >= 1, "junit: failures")

rc, out, _ = run("analyze", BUNDLE, "--output", "markdown", cwd=work)
check(rc == 1 and out.startswith("## ") and "```sh\n" in out and "\x1b" not in out, "markdown: heading, sh block")

rc, _, _ = run("analyze", BUNDLE, "--fail-on", "none", cwd=work)
check(rc == 0, "--fail-on none: exit 0")
rc, out, _ = run("analyze", BUNDLE, "--no-recommendations", cwd=work)
check("Recommendations" not in out, "--no-recommendations")

# Mutes: the default file in the working directory, one active, one expired.
with open(os.path.join(work, ".ecs-doctor-mutes.json"), "w") as f:
    json.dump({"mutes": [
        {"check": "image.not_found", "service": "web-service", "reason": "v43 being pushed, INC-7", "expires": "2099-01-01"},
        {"check": "container.exit", "service": "*", "reason": "old", "expires": "2020-01-01"},
    ]}, f)
rc, out, err = run("analyze", BUNDLE, "--output", "json", cwd=work)
doc = json.loads(out)
muted = [f for f in doc["findings"] if f.get("muted")]
check(len(muted) >= 1 and all(f["check"] == "image.not_found" for f in muted), "mutes: default file applied")
check([m["check"] for m in doc.get("expired_mutes", [])] == ["container.exit"], "mutes: expired one reported")
check(rc == expected_exit(doc) == 1, f"mutes: the OOM is still unmuted and high: exit 1 ({rc})")
check(doc["verdict"] == "unhealthy" and "root cause: Image not found" not in doc["summary"] and
      "root cause: Container app ran out of memory" in doc["summary"],
      f"mutes: the summary names the first unmuted root ({doc['summary']})")
rc_text, out, _ = run("analyze", BUNDLE, cwd=work)
check("Expired mute: check container.exit" in out and "\nMuted\n" in out, "mutes: text shows muted and expired")
# Mute the OOM finding too: no finding is left, but 0 of 4 tasks run. The
# service state's floor is not a finding and no mute reaches it: the verdict
# stays unhealthy, the summary says what the state saw, and the exit code
# follows the state's severity (critical); --fail-on none still exits 0.
with open(os.path.join(work, ".ecs-doctor-mutes.json"), "w") as f:
    json.dump({"mutes": [
        {"check": "image.not_found", "service": "*", "reason": "r", "expires": "2099-01-01"},
        {"check": "container.exit", "service": "*", "reason": "r", "expires": "2099-01-01"},
    ]}, f)
rc, out, _ = run("analyze", BUNDLE, "--output", "json", cwd=work)
doc = json.loads(out)
check(rc == 1 and doc["verdict"] == "unhealthy" and doc["state"]["severity"] == "critical" and
      "0 of 4 running" in doc["summary"] and "HEALTHY" not in doc["summary"].replace("UNHEALTHY", ""),
      f"mutes: all findings muted on a 0-of-4 outage -> the state's floor stays (exit {rc}, "
      f"verdict {doc['verdict']}, summary {doc['summary']!r})")
rc, out, _ = run("analyze", BUNDLE, "--output", "json", "--fail-on", "none", cwd=work)
check(rc == 0, f"mutes: --fail-on none still exits 0 with the floor ({rc})")
# Malformed, named with --mute-file: one line, exit 2, no report.
bad = os.path.join(work, "bad.json")
with open(bad, "w") as f:
    json.dump({"mutes": [{"check": "a", "service": "*", "reason": "r", "expires": "2099-01-01"},
                         {"check": "b", "service": "*", "reason": "r", "expires": "2099-01-01"},
                         {"check": "c", "service": "*", "reason": "r"}]}, f)
rc, out, err = run("analyze", BUNDLE, "--mute-file", bad, cwd=work)
check(rc == 2 and out == "" and err == f"ecs-doctor: {bad}: mutes[2]: missing 'expires'\n",
      f"mutes: malformed file -> one line, exit 2 ({err.strip()})")
rc, out, err = run("analyze", BUNDLE, "--mute-file", os.path.join(work, "nope.json"), cwd=work)
check(rc == 2 and err.count("\n") == 1 and "nope.json" in err, "mutes: a named missing file is an error")
# Output that cannot be written is an error, not a silent success.
if os.path.exists("/dev/full"):
    with open("/dev/full", "w") as full:
        p = subprocess.run([BIN, "analyze", BUNDLE, "--output", "json"], stdout=full, stderr=subprocess.PIPE, cwd=TMPW)
    check(p.returncode == 2 and b"writing the report failed" in p.stderr, "stdout on a full disk: exit 2 and a message")
sys.exit(1 if failures else 0)
