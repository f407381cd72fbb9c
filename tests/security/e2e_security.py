#!/usr/bin/python3
"""Reliability and security end-to-end tests: the real ecs-doctor binary against
the fake AWS server (tests/fakeaws) with faults injected, with permissions
missing, and with secrets planted in the account.

usage: e2e_security.py MODE ECS_DOCTOR_BINARY SOURCE_DIR
  MODE faults       throttling, 5xx bursts, dropped connections, truncated
                    bodies, a stalled service (with and without --deadline), a
                    service unreachable (closed port), the target's own
                    service unreachable
  MODE throttling   30 % throttling over many seeds of the fake's fault
                    injection, in parallel: no run aborts, at most one run in
                    ten loses an evidence source (issue 17, item 11)
  MODE terminal     hostile text (ESC/OSC 52/C1/bidi controls, invalid UTF-8)
                    through an AWS error message, a bundle field and a Lua
                    check's edoc.log/print/finding: stderr shows it escaped,
                    the JSON report stays strict UTF-8 (issue 17, item 7)
  MODE permissions  one run per action of docs/iam-policy.json, the caller
                    lacking only that action (--deny), on a scenario and
                    target whose fault-free run calls it: `web-service`, each
                    scenario's EC2-backed service (`worker`), the same on a
                    capacity provider strategy, and `cluster prod`
  MODE secrets      scenario secrets_everywhere.json: no output format, saved
                    bundle or --debug/--verbose stream holds any planted secret
                    or the caller's secret key / session token

Exit-code mapping asserted (cli.h, docs/report.md):
  1  the run found the diagnosis (critical/high) - faults that retries absorb,
     or that cost evidence the top finding does not rest on
  4  inconclusive - evidence missing and nothing at or above --fail-on found
  3  the target itself could not be read (ECS unreachable or
     ecs:DescribeServices denied): one line on stderr naming why, no report
  never 2 (usage), never a signal, never the time bound (`timeout` -> 124).
Exits 77 (skipped) when the fake server is not in the tree.
"""
import glob
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

MODE, BIN, SRC = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, os.path.join(SRC, "tests", "fakeaws"))
import harness  # noqa: E402
SCEN = os.path.join(SRC, "tests", "fakeaws", "scenarios")
TMP = tempfile.mkdtemp(prefix=f"edoc-security-{MODE}-")
FAILED = []

ENV = harness.env(TMP)


def check(cond, what):
    print(f"{'ok' if cond else 'not ok'} - {what}", flush=True)
    if not cond:
        FAILED.append(what)
    return cond


def skip(what, why):
    print(f"skip - {what}: {why}", flush=True)


def Fake(scenario, *flags):
    # Killed, not terminated: stalled handler threads would delay a SIGTERM.
    return harness.Fake(os.path.join(SCEN, scenario), TMP, *flags, kill=True)

def closed_port():
    """A loopback port nobody listens on (bound, then closed)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Run:
    def __init__(self, rc, out, err, took):
        self.rc, self.out, self.err, self.took = rc, out, err, took
        self.report = None
        try:
            self.report = json.loads(out)
        except ValueError:
            pass


def run(fake, args, env=None, bound=120, via_env=False):
    """Runs ecs-doctor under `timeout`, pointing it at the fake either with
    --endpoint-url or (via_env) AWS_ENDPOINT_URL, which per-service
    AWS_ENDPOINT_URL_<SVC> variables override."""
    e = dict(ENV)
    argv = ["timeout", "-s", "KILL", str(bound), BIN, *args]
    if via_env:
        e["AWS_ENDPOINT_URL"] = fake.url
    else:
        argv += ["--endpoint-url", fake.url]
    e.update(env or {})
    t0 = time.time()
    p = subprocess.run(argv, env=e, capture_output=True)
    return Run(p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"),
               time.time() - t0)


def service_json(fake, *extra, **kw):
    return run(fake, ["service", "web-service", "--cluster", "prod", "--output", "json", *extra], **kw)


def top(report):
    fs = [f for f in (report or {}).get("findings", []) if f.get("kind") == "diagnosis"]
    return fs[0] if fs else None


def sane_exit(label, r, bound):
    check(r.rc not in (124, 137, -9) and r.took < bound, f"{label}: finished within {bound}s ({r.took:.1f}s, rc {r.rc})")
    check(r.rc in (0, 1, 3, 4), f"{label}: documented exit code ({r.rc}; stderr {r.err.strip()[:300]!r})")
    check("Sanitizer" not in r.err and "Segmentation" not in r.err, f"{label}: no crash report on stderr")


def baseline():
    with Fake("demo.json") as fake:
        r = service_json(fake)
    t = top(r.report)
    if not check(r.rc == 1 and t is not None, f"baseline: demo diagnosed (rc {r.rc})"):
        sys.exit(1)
    check(r.report["evidence_gaps"] == [], "baseline: no evidence gaps")
    print(f"# baseline top finding: {t['id']} ({t['severity']})")
    return r.report


# ---------------------------------------------------------------------------------------------- faults

def gap_sources(rep):
    return {g["source"]: g for g in rep.get("evidence_gaps", [])}


def expect_outcome(label, r, base, gap_words, allow_exit3=False):
    """One of the documented outcomes of a run that lost some calls:
    A. the baseline's top finding, exit 1;
    B. another top finding because evidence the baseline's top finding quotes
       is missing: the report lists that source in evidence_gaps, the verdict
       is not healthy and the exit code matches it;
    C. (allow_exit3) the target itself could not be read: exit 3, one line
       on stderr naming the ECS call and why.
    In A and B every evidence gap names its source and says why (a message
    with one of gap_words)."""
    if r.rc == 3 and allow_exit3:
        check(r.err.count("\n") == 1 and "ecs:" in r.err and any(w in r.err.lower() for w in gap_words),
              f"{label}: exit 3, one line naming the unreadable target call and why ({r.err.strip()!r})")
        return
    if not check(r.report is not None, f"{label}: report produced (rc {r.rc}: {r.err.strip()[:200]})"):
        return
    for g in r.report["evidence_gaps"]:
        msg = g.get("message") or ""
        check(g.get("source") and any(w.lower() in msg.lower() for w in gap_words),
              f"{label}: gap {g.get('source')} says why ({msg!r})")
        check(":" in (g.get("operation") or "") and g.get("code"),
              f"{label}: gap {g.get('source')} names the failed call ({g.get('operation')}: {g.get('code')})")
    t, bt = top(r.report), top(base)
    if t is not None and t["id"] == bt["id"] and t["title"] == bt["title"]:
        check(r.rc == 1, f"{label}: top finding unchanged, exit 1 ({r.rc})")
        return
    sections = source_sections()
    lost = [g["source"] for g in r.report["evidence_gaps"] if rests_on(bt, sections.get(g["source"], [g["source"]]))]
    print(f"# {label}: top finding {t and t['id']} instead of {bt['id']}; gaps {[g['source'] for g in r.report['evidence_gaps']]}")
    check(lost, f"{label}: top finding changed only because evidence it quotes is missing ({lost})")
    v = r.report["verdict"]
    check(v != "healthy", f"{label}: verdict not healthy ({v})")
    check(r.rc == {"unhealthy": 1, "inconclusive": 4}.get(v, r.rc), f"{label}: exit {r.rc} matches verdict {v}")


def test_faults():
    base = baseline()
    bound = 60
    # (label, fake flags, words a gap's message must contain)
    cases = [
        ("throttle 30%", ["--throttle-rate", "0.3", "--seed", "7"],
         ["rate exceeded", "request limit exceeded", "throttl"], False),
        ("5xx bursts", ["--error-first", "6@ec2", "--error-first", "4@ecs", "--error-rate", "0.15", "--seed", "3"],
         ["internal", "server", "service", "error", "unavailable"], True),
        ("dropped connections", ["--drop-rate", "0.15", "--seed", "5"],
         ["empty reply", "connection", "recv", "closed", "reset"], True),
        ("truncated bodies", ["--truncate-rate", "0.15", "--seed", "9"],
         ["transfer closed", "partial", "truncat", "malformed", "parse", "connection"], True),
    ]
    # Throttling never ends the run (it is retried while time remains); the
    # other faults may, after max_attempts, on the target's own call.
    for label, flags, words, exit3 in cases:
        with Fake("demo.json", *flags) as fake:
            r = service_json(fake, bound=bound)
            faults = [c for c in fake.calls() if c.get("fault")]
        check(len(faults) > 0, f"{label}: the fake injected {len(faults)} faults")
        sane_exit(label, r, bound)
        expect_outcome(label, r, base, words, allow_exit3=exit3)

    # A stalled service: every IAM request hangs for 60 s. The client's 10 s
    # per-attempt timeout and its retries bound the run; --deadline bounds it harder.
    with Fake("demo.json", "--stall-rate", "1.0@iam", "--stall-seconds", "60") as fake:
        r = service_json(fake, bound=bound)
        sane_exit("stalled iam", r, bound)
        expect_outcome("stalled iam", r, base, ["timed out", "timeout"])
        gaps = gap_sources(r.report or {})
        check("iam.roles" in gaps and gaps["iam.roles"]["status"] in ("error", "partial"),
              f"stalled iam: evidence_gaps names iam.roles ({list(gaps)})")
        # The stall is 60 s; the deadline must cut collection at 4 s. The margin
        # covers analysis and rendering on a loaded machine or a sanitizer build.
        r = service_json(fake, "--deadline", "4s", bound=30)
        sane_exit("stalled iam, --deadline 4s", r, 30)
        check(r.took < 15, f"stalled iam, --deadline 4s: ends near the deadline ({r.took:.1f}s)")
        expect_outcome("stalled iam, --deadline 4s", r, base, ["deadline", "timed out", "timeout"])
        g = gap_sources(r.report or {}).get("iam.roles", {})
        check(g.get("status") == "skipped",
              f"stalled iam, --deadline 4s: iam.roles skipped for the deadline ({g})")

    # One service unreachable: IAM's endpoint is a closed port.
    with Fake("demo.json") as fake:
        port = closed_port()
        r = service_json(fake, env={"AWS_ENDPOINT_URL_IAM": f"http://127.0.0.1:{port}"}, via_env=True, bound=bound)
        sane_exit("iam unreachable", r, bound)
        expect_outcome("iam unreachable", r, base, ["connect"])
        g = gap_sources(r.report or {}).get("iam.roles", {})
        check(g.get("status") == "error", f"iam unreachable: iam.roles is an evidence gap ({g})")
        check(not any(c["service"] == "iam" for c in fake.calls()), "iam unreachable: no IAM call reached the fake")

        # EC2 unreachable: the evidence the top finding rests on (subnets,
        # routes, endpoints) is gone. The diagnosis degrades but stays unhealthy
        # and the report names the missing sources.
        r = service_json(fake, env={"AWS_ENDPOINT_URL_EC2": f"http://127.0.0.1:{port}"}, via_env=True, bound=bound)
        sane_exit("ec2 unreachable", r, bound)
        rep = r.report or {}
        gaps = gap_sources(rep)
        check("ec2.subnets" in gaps and "connect" in (gaps["ec2.subnets"].get("message") or "").lower(),
              f"ec2 unreachable: evidence_gaps names ec2.subnets and why ({list(gaps)})")
        check(rep.get("verdict") in ("unhealthy", "inconclusive"), f"ec2 unreachable: verdict {rep.get('verdict')}")
        check(r.rc == (1 if rep.get("verdict") == "unhealthy" else 4), f"ec2 unreachable: exit matches verdict ({r.rc})")
        # The claim, not only the title: no finding of the check quotes the
        # network evidence it could not read or repeats the fault-free claim;
        # it says the path could not be verified, or the check reports itself
        # incomplete.
        bt = top(base)
        same_check = [f for f in rep.get("findings", []) if f["check"] == bt["check"]]
        own = [c for c in rep.get("checks", []) if c.get("id") == bt["check"]]
        netptr = [e["pointer"] for f in same_check for e in f.get("evidence", [])
                  if (e.get("pointer") or "").startswith("/network/")]
        check((same_check or (own and own[0].get("status") == "incomplete"))
              and all(f["title"] != bt["title"] and "could not be verified" in f["title"] for f in same_check)
              and not netptr,
              f"ec2 unreachable: {bt['check']} no longer claims the route it could not see "
              f"({[(f['severity'], f['title']) for f in same_check]}; network pointers {netptr}; "
              f"check {own and own[0].get('status')})")

        # The target's own service unreachable: nothing to diagnose -> exit 3, one line.
        r = service_json(fake, env={"AWS_ENDPOINT_URL_ECS": f"http://127.0.0.1:{port}"}, via_env=True, bound=bound)
        sane_exit("ecs unreachable", r, bound)
        check(r.rc == 3 and r.err.count("\n") == 1 and "ecs:" in r.err,
              f"ecs unreachable: exit 3 with one line naming the call ({r.rc}: {r.err.strip()!r})")

    # Everything at once, on a healthy account: never a false diagnosis.
    with Fake("healthy.json", "--throttle-rate", "0.2", "--error-rate", "0.1", "--drop-rate", "0.05",
              "--truncate-rate", "0.05", "--seed", "11") as fake:
        r = service_json(fake, bound=bound)
        sane_exit("healthy, mixed faults", r, bound)
        if r.rc == 3:  # retries ran out on the target's own DescribeServices
            check(r.err.count("\n") == 1 and "ecs:" in r.err,
                  f"healthy, mixed faults: exit 3, one line naming the call ({r.err.strip()!r})")
            return
        rep = r.report or {}
        bad = [f["check"] for f in rep.get("findings", []) if f["kind"] == "diagnosis"
               and f["severity"] in ("critical", "high")]
        check(not bad, f"healthy, mixed faults: no critical/high diagnosis invented ({bad})")
        check(r.rc in (0, 4), f"healthy, mixed faults: exit 0 or 4 ({r.rc})")


# ---------------------------------------------------------------------------------------------- throttling

THROTTLE_SEEDS = range(1, 25)     # 24 fault patterns, one fake server each
THROTTLE_WORKERS = 4              # runs in parallel (each mostly waits)


def test_throttling():
    """Throttling costs time, not evidence. With 30 % of all requests
    throttled, over 24 seeds of the fake's fault injection: no run aborts
    (exit 3) and at most one run in ten loses an evidence source; every run
    keeps the fault-free top finding or explains the change by a gap. The
    runs use the documented test-only EDOC_AWS_RETRY_BASE_MS=10 so the suite
    stays fast; one more run (seed 100) uses the production backoff."""
    from concurrent.futures import ThreadPoolExecutor
    base = baseline()
    bound = 60
    words = ["rate exceeded", "request limit exceeded", "throttl"]

    def one(seed, fast=True):
        with Fake("demo.json", "--throttle-rate", "0.3", "--seed", str(seed)) as fake:
            r = service_json(fake, env={"EDOC_AWS_RETRY_BASE_MS": "10"} if fast else None, bound=bound)
            calls = fake.calls()
        return seed, r, len(calls), sum(1 for c in calls if c.get("fault") == "throttle")

    t0 = time.time()
    with ThreadPoolExecutor(THROTTLE_WORKERS) as pool:
        results = list(pool.map(one, THROTTLE_SEEDS))
        slow = pool.submit(one, 100, False)
        results.append(slow.result())
    lost = []
    for seed, r, ncalls, nthrottled in results:
        label = f"throttle 30% seed {seed}"
        print(f"# {label}: rc {r.rc}, {ncalls} calls, {nthrottled} throttled, {r.took:.1f}s, "
              f"gaps {[g['source'] for g in (r.report or {}).get('evidence_gaps', [])]}")
        check(nthrottled > 0, f"{label}: the fake throttled {nthrottled} of {ncalls} calls")
        sane_exit(label, r, bound)
        check(r.rc != 3, f"{label}: not aborted ({r.err.strip()[:200]!r})")
        expect_outcome(label, r, base, words, allow_exit3=False)
        if r.report and r.report.get("evidence_gaps"):
            lost.append(seed)
    n = len(results)
    print(f"# {n} runs in {time.time() - t0:.1f}s; runs that lost a source: {lost}")
    check(len(lost) * 10 <= n, f"throttle 30%: at most one run in ten lost a source ({len(lost)} of {n})")


# ---------------------------------------------------------------------------------------------- terminal

# ESC sequences (colour, OSC 52 clipboard write, window title), a C1 CSI, a
# right-to-left override. Invalid UTF-8 cannot travel in the fake's JSON
# errors (test_aws_client sends raw bytes); the bundle and the check carry it.
HOSTILE = " \x1b[31mRED\x1b[0m \x1b]52;c;ZWNobyBwd25lZA==\x07 \x1b]0;title\x07 \u009bC1 \u202eRLO"
RAW_BAD = b"\xff\xfebad"


def term_clean(label, data):
    """No control byte but newline/tab, no C1 or bidi control, valid UTF-8."""
    bad = [b for b in set(data) if (b < 0x20 and b not in (0x0a, 0x09)) or b == 0x7f]
    check(not bad, f"{label}: no control bytes ({sorted(bad)})")
    try:
        text = data.decode("utf-8")
        check(True, f"{label}: valid UTF-8")
    except UnicodeDecodeError as ex:
        check(False, f"{label}: valid UTF-8 ({ex})")
        text = data.decode("utf-8", "replace")
    check("\u009b" not in text and "\u202e" not in text, f"{label}: no C1 or direction control")
    return text


def strict_json(label, data):
    try:
        json.loads(data.decode("utf-8"))
        return check(True, f"{label}: strict JSON in valid UTF-8")
    except (UnicodeDecodeError, ValueError) as ex:
        return check(False, f"{label}: strict JSON in valid UTF-8 ({ex})")


def raw_run(argv, env=None):
    e = dict(ENV)
    e.update(env or {})
    p = subprocess.run(["timeout", "-s", "KILL", "120", BIN, *argv], env=e, capture_output=True)
    return p.returncode, p.stdout, p.stderr


def test_terminal():
    # 1. An AWS error message: the target's own call denied (exit 3, one
    #    line), and another call denied (a gap in the report; --debug).
    with Fake("demo.json", "--deny", "ecs:DescribeServices", "--fault-message", HOSTILE) as fake:
        rc, out, err = raw_run(["service", "web-service", "--cluster", "prod", "--endpoint-url", fake.url])
        text = term_clean("denied target, stderr", err)
        check(rc == 3 and text.count("\n") == 1 and "ecs:DescribeServices" in text,
              f"denied target: exit 3, one line naming the call ({rc}: {text.strip()[:300]!r})")
        check("\\x1b]52;c;" in text, f"denied target: the OSC 52 sequence is shown escaped ({text.strip()[:300]!r})")
    # JSON services: XML 1.0 cannot carry an ESC at all (expat refuses such an
    # answer as unparsable, which is right but hides the text).
    with Fake("demo.json", "--deny", "ecs:DescribeTasks,logs:FilterLogEvents", "--fault-message", HOSTILE) as fake:
        for fmt in ("json", "text", "markdown", "junit"):
            rc, out, err = raw_run(["service", "web-service", "--cluster", "prod", "--output", fmt, "--debug",
                                    "--endpoint-url", fake.url])
            term_clean(f"denied ecs/logs, {fmt}, --debug stderr", err)
            if fmt == "json":
                if strict_json("denied ecs/logs, json report", out):
                    rep = json.loads(out)
                    msgs = " ".join(g.get("message") or "" for g in rep["evidence_gaps"])
                    check("\x1b]52;c;" in msgs, f"denied ecs/logs: the report keeps the AWS message, JSON-escaped ({msgs[:300]!r})")
            else:
                term_clean(f"denied ecs/logs, {fmt} report", out)
    # 2. A bundle field: a stop reason and a container name with escapes
    #    and raw invalid UTF-8, and a schema value that ends up in an
    #    error line.
    with Fake("demo.json") as fake:
        bundle = os.path.join(TMP, "hostile.json")
        rc, out, err = raw_run(["collect", "service", "web-service", "--cluster", "prod", "-o", bundle,
                                "--endpoint-url", fake.url])
        check(rc == 0, f"collect for the hostile bundle ({rc}: {err[:200]!r})")
    with open(bundle) as f:
        doc = json.load(f)
    task = doc["tasks"][0]
    task["stoppedReason"] = "@@HOSTILE@@"
    for c in task.get("containers", [])[:1]:
        c["reason"] = "@@HOSTILE@@"
    raw = json.dumps(doc).encode()
    raw = raw.replace(b"@@HOSTILE@@", json.dumps(HOSTILE).strip('"').encode() + RAW_BAD)
    with open(bundle, "wb") as f:
        f.write(raw)
    for fmt in ("json", "text", "markdown", "junit"):
        rc, out, err = raw_run(["analyze", bundle, "--output", fmt, "--debug", "--verbose"])
        check(rc in (0, 1, 4), f"hostile bundle, {fmt}: analysed ({rc}: {err[:200]!r})")
        term_clean(f"hostile bundle, {fmt}, stderr", err)
        if fmt == "json":
            strict_json("hostile bundle, json report", out)
        else:
            term_clean(f"hostile bundle, {fmt} report", out)
    doc["schema"] = "@@HOSTILE@@"
    raw = json.dumps(doc).encode().replace(b"@@HOSTILE@@", json.dumps(HOSTILE).strip('"').encode() + RAW_BAD)
    with open(bundle, "wb") as f:
        f.write(raw)
    rc, out, err = raw_run(["analyze", bundle])
    text = term_clean("hostile schema, stderr", err)
    check(rc == 2 and text.count("\n") == 1 and "unsupported schema" in text and "\\x1b[31m" in text,
          f"hostile schema: one escaped line naming the field ({rc}: {text.strip()[:300]!r})")

    # 3. A Lua check's edoc.log, print and finding.
    checks = os.path.join(SRC, "tests", "security", "hostile_text")
    for fmt in ("json", "text", "markdown", "junit"):
        rc, out, err = raw_run(["analyze", os.path.join(SRC, "tests", "fuzz", "corpus", "evidence", "incident.json"),
                                "--check-dir", checks, "--output", fmt, "--debug"])
        text = term_clean(f"hostile check, {fmt}, stderr", err)
        if fmt == "json":
            check("edoc.log: \\x1b[31mRED" in text and "print: \\x1b[31mRED" in text and "\\x00nul" in text,
                  f"hostile check: edoc.log and print shown escaped on --debug ({text[:400]!r})")
            if strict_json("hostile check, json report", out):
                titles = [f["title"] for f in json.loads(out)["findings"] if f.get("check") == "sec.hostile_log"]
                check(titles and "\ufffd" in titles[0], f"hostile check: its finding kept, invalid UTF-8 replaced ({titles})")
        else:
            term_clean(f"hostile check, {fmt} report", out)


# ---------------------------------------------------------------------------------------------- permissions

def policy_actions():
    with open(os.path.join(SRC, "docs", "iam-policy.json")) as f:
        pol = json.load(f)
    acts = []
    for st in pol["Statement"]:
        a = st["Action"]
        acts += [a] if isinstance(a, str) else a
    return acts


def source_sections():
    """source name -> evidence sections, from docs/evidence.md's table."""
    m = {}
    with open(os.path.join(SRC, "docs", "evidence.md")) as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 3 and cells[0].startswith("`") and cells[2].startswith("`"):
                m[cells[0].strip("`")] = re.findall(r"`([^`]+)`", cells[2])
    return m


# The fake logs credential-scope names; the policy uses IAM action prefixes.
SCOPE_TO_PREFIX = {"monitoring": "cloudwatch"}


def called_actions(calls):
    return {f"{SCOPE_TO_PREFIX.get(c['service'], c['service'])}:{c['operation']}" for c in calls}


def rests_on(finding, sections):
    """True when the finding quotes evidence from the same top-level section
    (tasks, network, elb, iam, ...) as one of these source sections: the
    network path analysis, say, reads all of `network`, not only the objects
    it quotes."""
    tops = {p.strip("/").split("/")[0] for p in (e.get("pointer", "") for e in finding.get("evidence", [])) if p}
    return any(s.split(".")[0] in tops for s in sections)


# Actions a fault-free run calls on no shipped scenario and target, and why.
NEVER_CALLED = {
    "ec2:DescribeManagedPrefixLists": "only when a security-group rule references a prefix list; none does",
}

# The EC2-launch-type actions: no `web-service` (Fargate) run calls them, so
# each is denied on every profile whose target needs it (the diagnoses lean
# on container instances differently), and must be exercised at least once.
EC2_CLUSTER_ACTIONS = ("ecs:ListContainerInstances", "ecs:DescribeContainerInstances",
                       "ecs:DescribeCapacityProviders")


def never_called_reason(action):
    """Why no profile calls this action: the table above, or (found in the
    source) no collector names the operation at all."""
    if action in NEVER_CALLED:
        return NEVER_CALLED[action]
    op = action.split(":", 1)[1]
    srcs = glob.glob(os.path.join(SRC, "core", "collect", "*.c"))
    if not any(f'"{op}"' in open(p, errors="replace").read() for p in srcs):
        return "no collector calls it (core/collect never names the operation); the policy grants it ahead of use"
    return "no profiled scenario and target makes ecs-doctor call it"


# AWS never denies these; denying them in the fake tests nothing real.
UNDENIABLE = {
    "sts:GetCallerIdentity": "AWS answers GetCallerIdentity whatever the policy says (no permission is "
                             "needed, explicit denies do not apply); the account falls back to the cluster ARN",
}


SEVERITY = ["critical", "high", "medium", "low", "info"]


def same_top(a, b):
    return a is not None and b is not None and a["check"] == b["check"] and a["category"] == b["category"] \
        and a["severity"] == b["severity"]


def needs_instances(svc, cluster):
    """The service runs on EC2 container instances: EC2/EXTERNAL launch type
    or a capacity provider strategy naming a non-Fargate provider (the
    cluster's default strategy when it has neither)."""
    if svc.get("launchType") in ("EC2", "EXTERNAL"):
        return True
    strat = svc.get("capacityProviderStrategy")
    if strat is None and not svc.get("launchType"):
        strat = cluster.get("defaultCapacityProviderStrategy", [])
    return any(s.get("capacityProvider") not in ("FARGATE", "FARGATE_SPOT") for s in strat or [])


def ec2_services(scen):
    """Names of the scenario's services on cluster prod that need container instances."""
    clusters = {c.get("clusterName"): c for c in scen.get("ecs", {}).get("clusters", [])}
    return [s["serviceName"] for s in scen.get("ecs", {}).get("services", [])
            if s.get("cluster", "prod") == "prod" and needs_instances(s, clusters.get("prod", {}))]


def strategy_variant(name, scen, service):
    """The scenario with `service` placed by a capacity provider strategy (the
    cluster's first EC2 provider the scenario describes) instead of launchType
    EC2, written to TMP; None when there is no such provider. As AWS shows it:
    the service and its deployments carry the strategy and no launch type, its
    tasks launchType EC2 and the provider's name."""
    described = {c["name"] for c in scen.get("ecs", {}).get("capacityProviders", [])}
    clusters = [c for c in scen.get("ecs", {}).get("clusters", []) if c.get("clusterName") == "prod"]
    cps = [cp for cp in (clusters[0].get("capacityProviders", []) if clusters else [])
           if cp in described and cp not in ("FARGATE", "FARGATE_SPOT")]
    if not cps:
        return None
    v = json.loads(json.dumps(scen))
    strategy = [{"capacityProvider": cps[0], "weight": 1, "base": 0}]
    for svc in v["ecs"]["services"]:
        if svc["serviceName"] == service:
            svc.pop("launchType", None)
            svc["capacityProviderStrategy"] = strategy
            for d in svc.get("deployments", []):
                d.pop("launchType", None)
                d["capacityProviderStrategy"] = strategy
    for t in v["ecs"].get("tasks", []):
        if t.get("service") == service:
            t.setdefault("launchType", "EC2")
            t.setdefault("capacityProviderName", cps[0])
    path = os.path.join(TMP, name.replace(".json", f"+{service}-cp-strategy.json"))
    with open(path, "w") as f:
        json.dump(v, f)
    return path


class Profile:
    """One scenario and target, run fault-free: its report and the actions it calls."""
    def __init__(self, label, scenario, args):
        self.label, self.scenario, self.args = label, scenario, args
        self.shipped = label.split()[0]  # the shipped scenario it is (or derives from)
        with harness.Fake(scenario, TMP, kill=True) as fake:
            self.run = run(fake, self.args)
            self.called = called_actions(fake.calls())


def target_args(kind, name):
    return [kind, name, "--cluster", "prod", "--output", "json"] if kind == "service" else \
        ["cluster", name, "--output", "json"]


def profiles():
    """`service web-service` on every shipped scenario (the demo first: its
    diagnosis has the richest evidence); then `service <svc>` for every
    service that runs on container instances, as shipped and placed by a
    capacity provider strategy; then `cluster prod` on the demo."""
    names = ["demo.json"] + sorted(n for n in os.listdir(SCEN) if n.endswith(".json") and n != "demo.json")
    out = [Profile(f"{n}", os.path.join(SCEN, n), target_args("service", "web-service")) for n in names]
    for n in names:
        with open(os.path.join(SCEN, n)) as f:
            scen = json.load(f)
        for svc in ec2_services(scen):
            out.append(Profile(f"{n} service {svc}", os.path.join(SCEN, n), target_args("service", svc)))
            variant = strategy_variant(n, scen, svc)
            if variant:
                out.append(Profile(f"{n} service {svc} on a capacity provider strategy", variant,
                                   target_args("service", svc)))
    out.append(Profile("demo.json cluster prod", os.path.join(SCEN, "demo.json"), target_args("cluster", "prod")))
    for p in out[len(names):]:
        print(f"# profile {p.label}: rc {p.run.rc}, top {(top(p.run.report) or {}).get('id')}, calls "
              f"{sorted(a for a in p.called if a in EC2_CLUSTER_ACTIONS or a == 'ecs:ListServices')}")
    return out


def deny_case(prof, action, sections):
    label = f"deny {action} ({prof.label})"
    base = prof.run.report
    bt = top(base)
    with harness.Fake(prof.scenario, TMP, "--deny", action, kill=True) as fake:
        r = run(fake, prof.args, bound=60)
        denied = [c for c in fake.calls() if c.get("fault") == "deny"]
    check(len(denied) > 0, f"{label}: the fake refused {len(denied)} call(s)")
    sane_exit(label, r, 60)
    if r.rc == 3:
        # Only reading the target itself may stop the run: its services
        # (DescribeServices, and ListServices for a cluster target).
        target_calls = ("ecs:DescribeServices",) + (("ecs:ListServices",) if prof.args[0] == "cluster" else ())
        check(action in target_calls and action in r.err and r.err.count("\n") == 1,
              f"{label}: exit 3 only when the target is unreadable, naming the action ({r.err.strip()!r})")
        return
    rep = r.report
    if not check(rep is not None, f"{label}: report produced"):
        return
    gaps = rep["evidence_gaps"]
    if action in UNDENIABLE:
        print(f"# {label}: no gap required: {UNDENIABLE[action]}")
    else:
        named = [g for g in gaps if g.get("action") == action]
        check(len(named) == 1 and named[0]["status"] in ("denied", "partial"),
              f"{label}: evidence_gaps names the action ({[(g['source'], g['action']) for g in gaps]})")
    t = top(rep)
    if bt is None:
        check(rep["verdict"] in (base["verdict"], "inconclusive"),
              f"{label}: verdict {rep['verdict']} (fault-free: {base['verdict']})")
        return
    if same_top(t, bt):
        print(f"# {label}: diagnosis still produced ({t['id']})")
        check(r.rc == prof.run.rc, f"{label}: same top finding, same exit ({r.rc})")
        return
    # The top finding changed: only acceptable when the denied source is
    # evidence the fault-free top finding quotes, or the check that made it
    # reports itself incomplete for lack of it, or the same check now makes a
    # weaker claim (lower severity: "could not be verified").
    gap_sources_ = {g["source"] for g in gaps}
    lost = [g["source"] for g in gaps if rests_on(bt, sections.get(g["source"], [g["source"]]))]
    own = [c["id"] for c in rep.get("checks", []) if c.get("id") == bt["check"]
           and c.get("status") in ("incomplete", "error") and gap_sources_ & set(c.get("missing") or [])]
    weaker = t is not None and t["check"] == bt["check"] and t["category"] == bt["category"] \
        and SEVERITY.index(t["severity"]) > SEVERITY.index(bt["severity"])
    print(f"# {label}: top finding {t and (t['id'], t['severity'])} instead of {(bt['id'], bt['severity'])}, "
          f"verdict {rep['verdict']}")
    check(lost or own or weaker,
          f"{label}: top finding changed ({t and t['id']}) only because evidence it rests on is missing "
          f"(quoted: {lost}; its check incomplete for it: {own}; same check, weaker claim: {weaker}; "
          f"gaps {sorted(gap_sources_)})")
    check(rep["verdict"] != "healthy", f"{label}: degraded diagnosis, verdict {rep['verdict']}")
    check(r.rc == {"unhealthy": 1, "inconclusive": 4}.get(rep["verdict"], r.rc),
          f"{label}: exit {r.rc} matches verdict {rep['verdict']}")


def test_permissions():
    profs = profiles()
    sections = source_sections()
    actions = policy_actions()
    check(len(actions) > 10, f"policy lists {len(actions)} actions")
    tested, runs = set(), 0
    for action in actions:
        calling = [p for p in profs if action in p.called and p.run.report]
        if not calling:
            skip(f"deny {action}", never_called_reason(action))
            continue
        # The first profile that calls it; the EC2-launch-type actions on
        # every shipped scenario whose target needs them (the first of its
        # profiles that calls the action).
        if action in EC2_CLUSTER_ACTIONS:
            calling = [p for i, p in enumerate(calling) if p.shipped not in {q.shipped for q in calling[:i]}]
        else:
            calling = calling[:1]
        for prof in calling:
            deny_case(prof, action, sections)
            runs += 1
        tested.add(action)
    for action in EC2_CLUSTER_ACTIONS:
        check(action in tested, f"{action} exercised on a target that needs container instances")
    print(f"# {len(tested)} of {len(actions)} policy actions exercised in {runs} runs")
    check(len(tested) >= 40, f"at least 40 actions exercised ({len(tested)})")


# ---------------------------------------------------------------------------------------------- secrets

SECRETS = [
    "hunter2-CANARY-envvalue-7731",
    "wJalrXUtnFEMIK7MDENGbPxRfiCYCANARY0000001",
    "sk_live_CANARY51Hdf8sLkjwe",
    "CANARYcmdpass99",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJDQU5BUlkifQ.Q0FOQVJZc2lnbmF0dXJlX0xFQUs",
    "ghp_CANARYgithubToken0123456789abcdefghij",
    "AKIACANARYLEAK000001",
    "CANARYlogpass42",
    "CANARYssmSecureValue77",  # an SSM SecureString the task references (never fetched decrypted)
    # issue 17 item 9: a flag's value after a space, "password = x", HTTP basic
    # (base64 of CANARYbasic:pass03), mysql -p, curl -u, URL userinfo, JSON escaped in a log line
    "CANARYapitokenSpace01", "CANARYspacedPass02", "Q0FOQVJZYmFzaWM6cGFzczAz", "CANARYmysqlPass04",
    "CANARYcurlPass05", "CANARYurlPass06", "CANARYjsonEscPass07",
    # the caller's temporary credentials
    "tmpSECRETkey/LEAK+CANARY0000000000000001",
    "FQoGZXIvYXdzEBcaDLEAKCANARYSESSIONTOKEN0123456789abcdefSESSIONTOKENCANARY",
]
CALLER = {"AWS_ACCESS_KEY_ID": "ASIAFAKESECRETS00001",
          "AWS_SECRET_ACCESS_KEY": "tmpSECRETkey/LEAK+CANARY0000000000000001",
          "AWS_SESSION_TOKEN": "FQoGZXIvYXdzEBcaDLEAKCANARYSESSIONTOKEN0123456789abcdefSESSIONTOKENCANARY"}


def fragments(s):
    """The secret and its distinctive pieces: a renderer that wraps long lines
    or a truncating quote must not leak half a token either."""
    out = {s}
    if len(s) >= 24:
        out.add(s[:16])
        out.add(s[-16:])
    return out


def scan(label, data):
    hits = [s for s in SECRETS if any(fr.encode() in data for fr in fragments(s))]
    check(not hits, f"{label}: no secret in {len(data)} bytes ({hits})")


def test_secrets():
    with Fake("secrets_everywhere.json") as fake:
        outputs = 0
        for fmt in ("text", "json", "markdown", "junit"):
            for extra in ([], ["--debug"], ["--verbose"]):
                args = ["service", "web-service", "--cluster", "prod", "--output", fmt, *extra]
                r = run(fake, args, env=CALLER)
                lbl = f"service --output {fmt} {' '.join(extra)}".strip()
                check(r.rc == 1, f"{lbl}: diagnosed with the temporary credentials (rc {r.rc}: {r.err.strip()[:200]})")
                scan(lbl + " stdout", r.out.encode())
                scan(lbl + " stderr", r.err.encode())
                outputs += 1
        if check(any(c.get("access_key") == CALLER["AWS_ACCESS_KEY_ID"] for c in fake.calls()),
                 "the runs used the temporary credentials"):
            pass
        # --debug must actually say something, or the scan above proves nothing.
        r = run(fake, ["service", "web-service", "--cluster", "prod", "--debug"], env=CALLER)
        check(len(r.err) > 200, f"--debug writes a trace to stderr ({len(r.err)} bytes)")
        for kind, name in (("service", "web-service"), ("task", "c0ffee00c0ffee00c0ffee00c0ffee02"),
                           ("cluster", "prod")):
            out = os.path.join(TMP, f"bundle-{kind}.json")
            r = run(fake, ["collect", kind, name, "--cluster", "prod", "-o", out, "--debug"], env=CALLER)
            if check(r.rc == 0 and os.path.exists(out), f"collect {kind}: saved ({r.rc}: {r.err.strip()[:200]})"):
                with open(out, "rb") as f:
                    data = f.read()
                scan(f"collect {kind} bundle", data)
                check(b"DB_PASSWORD_PLAIN" in data and b"<redacted>" in data,
                      f"collect {kind} bundle: names kept, values redacted")
                scan(f"collect {kind} --debug stderr", r.err.encode() + r.out.encode())
                for fmt in ("text", "json", "markdown", "junit"):
                    a = run(fake, ["analyze", out, "--output", fmt, "--debug"])
                    scan(f"analyze {kind} bundle --output {fmt} --debug", a.out.encode() + a.err.encode())
        # --no-redact is the user asking for the account's values; the caller's
        # own credentials must still never be written anywhere.
        out = os.path.join(TMP, "bundle-noredact.json")
        r = run(fake, ["collect", "service", "web-service", "--cluster", "prod", "-o", out, "--no-redact", "--debug"],
                env=CALLER)
        if check(r.rc == 0, "collect --no-redact: saved"):
            with open(out, "rb") as f:
                data = f.read() + r.out.encode() + r.err.encode()
            for s in (CALLER["AWS_SECRET_ACCESS_KEY"], CALLER["AWS_SESSION_TOKEN"]):
                check(s.encode() not in data and s[:16].encode() not in data,
                      "collect --no-redact: caller credentials not in bundle or stderr")
            check(b"hunter2-CANARY-envvalue-7731" in data, "collect --no-redact: keeps the account's values")
        print(f"# scanned {outputs} service runs for {len(SECRETS)} secrets")


def main():
    if not os.path.exists(harness.FAKE):
        print("skip: tests/fakeaws not in the tree")
        return 77
    {"faults": test_faults, "throttling": test_throttling, "terminal": test_terminal,
     "permissions": test_permissions, "secrets": test_secrets}[MODE]()
    print(f"{len(FAILED)} failed")
    if not FAILED:
        shutil.rmtree(TMP, ignore_errors=True)
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
