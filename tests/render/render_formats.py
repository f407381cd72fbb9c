#!/usr/bin/python3
"""End-to-end checks of the report formats, through render_tool:
JSON validated against docs/report.schema.json (a JSON-Schema subset checker,
below), JUnit parsed with xml.etree, Markdown structure, exit codes and mutes.
usage: render_formats.py RENDER_TOOL SOURCE_DIR"""
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

TOOL, SRC = sys.argv[1], sys.argv[2]
FIX = os.path.join(SRC, "tests", "render", "fixtures")
SCHEMA = os.path.join(SRC, "docs", "report.schema.json")
failures = 0


def check(cond, what):
    global failures
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        failures += 1


def run(*args, env=None):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e.update(env or {})
    p = subprocess.run([TOOL, *args], capture_output=True, env=e)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from render_formats_schema import valid, valid_subset  # noqa: E402

# The checker itself must reject what it should, or a pass means nothing.
mini = {"type": "object", "required": ["a"], "properties": {"a": {"enum": ["x"]}, "n": {"type": "integer"}},
        "additionalProperties": False}
for name, fn in (("validator", valid), ("subset validator", valid_subset)):
    check(fn({"a": "x", "n": 2}, mini)[0], f"{name} accepts a valid document")
    check(not fn({"a": "y"}, mini)[0], f"{name} rejects an enum violation")
    check(not fn({"a": "x", "b": 1}, mini)[0], f"{name} rejects an unknown property")
    check(not fn({"n": 1}, mini)[0], f"{name} rejects a missing required member")

fixtures = ["report-unhealthy.json", "report-healthy.json", "report-inconclusive.json"]
expected_rc = {"report-unhealthy.json": 1, "report-healthy.json": 0, "report-inconclusive.json": 4}

# ---- JSON: the report as is, schema-valid
# The engine's docs/report.schema.json when it exists; always this branch's
# proposal (which also covers what_changed, timeline and mutes).
schemas = []
for label, path in (("docs/report.schema.json", SCHEMA),
                    ("report.schema.proposal.json", os.path.join(SRC, "tests", "render", "report.schema.proposal.json"))):
    if os.path.exists(path):
        with open(path) as f:
            schemas.append((label, json.load(f)))
    else:
        print(f"# {label} not present: not validated against it")
check(len(schemas) >= 1, "a report schema to validate against")
for name in fixtures:
    path = os.path.join(FIX, name)
    rc, out, _ = run("json", path)
    doc = json.loads(out)
    with open(path) as f:
        check(doc == json.load(f), f"json {name}: the report as is")
    check(out.startswith("{\n\t\"schema\""), f"json {name}: pretty-printed")
    check(rc == expected_rc[name], f"json {name}: exit code {expected_rc[name]} (got {rc})")
    for label, schema in schemas:
        ok, why = valid(doc, schema)
        check(ok, f"json {name}: valid against {label} {why}")
        ok, why = valid_subset(doc, schema)
        check(ok, f"json {name}: valid against {label} (subset checker) {why}")

# The schema must reject what it should, or a pass means nothing.
with open(os.path.join(FIX, "report-unhealthy.json")) as f:
    rep = json.load(f)
for label, schema in schemas:
    broken = json.loads(json.dumps(rep))
    broken["verdict"] = "sick"
    check(not valid(broken, schema)[0], f"{label} rejects an unknown verdict")
    broken = json.loads(json.dumps(rep))
    broken["findings"][0]["severity"] = "urgent"
    check(not valid(broken, schema)[0], f"{label} rejects an unknown severity")

# The report as the CLI completes it: what_changed and timeline from evidence.
rc, out, err = run("json", os.path.join(FIX, "report-unhealthy.json"), "--evidence",
                   os.path.join(FIX, "evidence-deploy.json"), "--now", "1795749165")
doc = json.loads(out)
check(rc == 1 and len(doc["what_changed"]["services"]) == 2 and len(doc["timeline"]) == 14,
      "publish: what_changed and timeline from the evidence")
times = [t["time"] for t in doc["timeline"]]
check(times == sorted(times), "publish: timeline newest last")
for label, schema in schemas:
    ok, why = valid(doc, schema)
    check(ok, f"publish: completed report valid against {label} {why}")

# ---- JUnit: parses, one testcase per check, failures at the threshold
for name in fixtures:
    with open(os.path.join(FIX, name)) as f:
        rep = json.load(f)
    rc, out, _ = run("junit", os.path.join(FIX, name))
    root = ET.fromstring(out.encode("utf-8"))
    cases = root.findall("./testsuite/testcase")
    check(root.tag == "testsuites" and len(cases) == len(rep["checks"]), f"junit {name}: one testcase per check")
    check([c.get("name") for c in cases] == [c["id"] for c in rep["checks"]], f"junit {name}: testcases named by check id")
    suite = root.find("testsuite")
    check(int(suite.get("tests")) == len(cases), f"junit {name}: tests count")
    check(int(suite.get("failures")) == len(root.findall(".//failure")), f"junit {name}: failures count")

rc, out, _ = run("junit", os.path.join(FIX, "report-unhealthy.json"))
root = ET.fromstring(out.encode("utf-8"))
by = {c.get("name"): c for c in root.iter("testcase")}
fail = by["net.no_route_to_registry"].find("failure")
check(fail is not None and fail.get("message", "").startswith("Tasks cannot reach ECR"), "junit: failure message is the title")
check(fail is not None and "aws ec2 create-route --route-table-id rtb-0b2" in fail.text, "junit: remediation in the body")
check(fail is not None and "/tasks/3/stoppedReason = CannotPullContainerError" in fail.text, "junit: evidence in the body")
check(by["ecs.pull_error"].find("failure") is not None, "junit: high symptom fails at --fail-on high")
check(by["logs.retention"].find("failure") is None and "(recommendation)" in (by["logs.retention"].findtext("system-out") or ""),
      "junit: a recommendation never fails")
err = by["lb.health_check_path"].find("error")
check(err is not None and err.get("message").endswith("<&\"'>"), "junit: check error, XML-escaped message round-trips")
check(by["iam.execution_role_policy"].find("skipped") is not None, "junit: incomplete check skipped")
rc, out, _ = run("junit", os.path.join(FIX, "report-unhealthy.json"), "--fail-on", "critical")
root = ET.fromstring(out.encode("utf-8"))
check(len(root.findall(".//failure")) == 1, "junit --fail-on critical: one failure")
check(rc == 1, "exit code 1 at --fail-on critical")
rc, _, _ = run("text", os.path.join(FIX, "report-unhealthy.json"), "--fail-on", "none")
check(rc == 0, "exit code 0 at --fail-on none")

# Hostile strings: control characters and markup from AWS still give valid XML.
with open(os.path.join(FIX, "report-unhealthy.json")) as f:
    rep = json.load(f)
rep["findings"][0]["title"] = "bad \u001b[31m <tag attr=\"x\"> & \u0007 ]]> end"
rep["checks"][5]["message"] = "\u0001\u001f <![CDATA[ x ]]>"
with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as tf:
    json.dump(rep, tf)
    hostile = tf.name
rc, out, _ = run("junit", hostile)
try:
    root = ET.fromstring(out.encode("utf-8"))
    msg = next(c for c in root.iter("testcase") if c.get("name") == "net.no_route_to_registry").find("failure").get("message")
    check(msg == "bad [31m <tag attr=\"x\"> &  ]]> end", f"junit: hostile title escaped ({msg!r})")
except ET.ParseError as ex:
    check(False, f"junit: hostile report parses ({ex})")

# ---- Markdown structure
for name in fixtures:
    rc, out, _ = run("markdown", os.path.join(FIX, name))
    lines = out.split("\n")
    check(re.match(r"## \S+ \S+: (UNHEALTHY|HEALTHY|INCONCLUSIVE|DEGRADED)", lines[0]) is not None,
          f"markdown {name}: heading names the verdict")
    check(out.count("<details>") == out.count("</details>"), f"markdown {name}: <details> balanced")
    fences = [l for l in lines if l.startswith("```")]
    check(len(fences) % 2 == 0, f"markdown {name}: code fences balanced")
    check("\x1b" not in out, f"markdown {name}: no ANSI")
rc, out, _ = run("markdown", os.path.join(FIX, "report-unhealthy.json"))
check("\n```sh\n" in out, "markdown: fenced sh remediation block")
check(re.search(r"^\| 1 \| \*\*critical\*\* \|", out, re.M) is not None, "markdown: findings table row")

# ---- Mutes through the tool: active, expired, malformed
now = "1795749165"  # 2026-11-27T03:12:45Z
with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as tf:
    json.dump({"mutes": [
        {"check": "deploy.circuit_breaker", "service": "web-service", "reason": "known", "expires": "2026-11-26"},
        {"category": "network_no_route", "service": "*", "reason": "NAT migration", "expires": "2026-12-31"},
        {"check": "ecs.pull_error", "service": "web-service", "reason": "same", "expires": "2026-12-31"},
    ]}, tf)
    mutes = tf.name
rc, out, _ = run("json", os.path.join(FIX, "report-unhealthy.json"), "--mutes", mutes, "--now", now)
doc = json.loads(out)
muted = {f["id"]: f.get("muted") for f in doc["findings"]}
check(muted["net.no_route_to_registry#1"] is True and muted["deploy.circuit_breaker#1"] is False,
      "mutes: the active mute marks, the expired one does not")
check(len(doc.get("expired_mutes", [])) == 1 and doc["expired_mutes"][0]["check"] == "deploy.circuit_breaker",
      "mutes: the expired mute is reported")
check(rc == 1, "mutes: unmuted high symptom keeps exit 1")
for label, schema in schemas:
    ok, why = valid(doc, schema)
    check(ok, f"mutes: muted report valid against {label} {why}")
rc, out, _ = run("text", os.path.join(FIX, "report-unhealthy.json"), "--mutes", mutes, "--now", now)
check("Expired mute: check deploy.circuit_breaker for web-service expired 2026-11-26" in out, "mutes: expired line in text")
check("\nMuted\n" in out and "muted until 2026-12-31: NAT migration" in out, "mutes: muted section in text")
rc, out, _ = run("junit", os.path.join(FIX, "report-unhealthy.json"), "--mutes", mutes, "--now", now)
root = ET.fromstring(out.encode("utf-8"))
by = {c.get("name"): c for c in root.iter("testcase")}
check(by["net.no_route_to_registry"].find("failure") is None and
      "(muted)" in (by["net.no_route_to_registry"].findtext("system-out") or ""),
      "mutes: junit reports a muted finding in system-out, not as a failure")
check(by["deploy.circuit_breaker"].find("failure") is not None, "mutes: junit still fails the unmuted check")
rc, out, _ = run("markdown", os.path.join(FIX, "report-unhealthy.json"), "--mutes", mutes, "--now", now)
check("\n## Muted\n" in out and "Expired mute" in out, "mutes: markdown muted section and expired note")
check(re.search(r"^\| 1 \|", out, re.M) is None, "mutes: markdown table leaves the muted root out")
with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as tf:
    json.dump({"mutes": [{"check": "a", "service": "*", "reason": "r", "expires": "2030-01-01"},
                         {"check": "b", "service": "*", "reason": "r", "expires": "2030-01-01"},
                         {"check": "c", "service": "*", "reason": "r"}]}, tf)
    bad = tf.name
rc, out, err = run("text", os.path.join(FIX, "report-unhealthy.json"), "--mutes", bad, "--now", now)
check(rc == 2 and err == f"ecs-doctor: {bad}: mutes[2]: missing 'expires'\n" and out == "",
      f"mutes: malformed file is one line and exit 2 ({err.strip()})")
for p in (hostile, mutes, bad):
    os.unlink(p)
sys.exit(1 if failures else 0)
