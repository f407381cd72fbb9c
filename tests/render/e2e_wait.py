#!/usr/bin/python3
"""End to end: `ecs-doctor service NAME --wait` against the fake AWS server.
The demo scenario's rollback deployment stays IN_PROGRESS (the fake does not
move), so a short --timeout must print progress, still diagnose, and exit 5;
the healthy scenario's deployment is COMPLETED, so the wait ends at once.
usage: e2e_wait.py ECS_DOCTOR SOURCE_DIR   (exit 77 when tests/fakeaws is absent)"""
import os
import subprocess
import sys
import tempfile
import time

BIN, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
FAKE = os.path.join(SRC, "tests", "fakeaws", "fakeaws-server")
SCEN = os.path.join(SRC, "tests", "fakeaws", "scenarios")
if not os.path.exists(FAKE):
    print("tests/fakeaws not present: skipped")
    sys.exit(77)
TMP = tempfile.mkdtemp(prefix="edoc-wait-e2e-")
ENV = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "NO_COLOR"}
ENV.update({"AWS_ACCESS_KEY_ID": "AKIDEXAMPLEFAKE00001", "AWS_SECRET_ACCESS_KEY": "fake/secret/KEY/EXAMPLE+0000000000000",
            "AWS_REGION": "us-east-1", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "AWS_EC2_METADATA_DISABLED": "true", "HOME": TMP})
failures = 0


def check(cond, what):
    global failures
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        failures += 1


def fake(scenario):
    port_file = os.path.join(TMP, scenario + ".port")
    proc = subprocess.Popen(["/usr/bin/python3", FAKE, "--scenario", os.path.join(SCEN, scenario + ".json"),
                             "--port", "0", "--port-file", port_file],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 15
    while not os.path.exists(port_file) or not open(port_file).read().strip():
        if proc.poll() is not None or time.time() > deadline:
            raise RuntimeError("fake AWS did not start")
        time.sleep(0.05)
    return proc, "http://127.0.0.1:" + open(port_file).read().strip()


def run(url, *args):
    t0 = time.time()
    p = subprocess.run([BIN, *args, "--endpoint-url", url], capture_output=True, env=ENV, cwd=TMP, timeout=120)
    return p.returncode, p.stdout.decode(), p.stderr.decode(), time.time() - t0


proc, url = fake("demo")
try:
    rc, out, err, took = run(url, "service", "web-service", "--cluster", "prod", "--wait", "--timeout", "3s")
    check(rc == 5, f"demo: still rolling out at the timeout -> exit 5 (got {rc})")
    check(3 <= took < 30, f"demo: waited about the timeout ({took:.1f}s)")
    check("IN_PROGRESS: running 2 of 4" in err, "demo: progress line with running/desired on stderr")
    check("event: " in err, "demo: recent service events on stderr")
    check("timed out after 3s (--timeout): deployment" in err, "demo: says it timed out")
    check(out.startswith("web-service: UNHEALTHY"), "demo: the diagnosis still printed on stdout")
    rc, out, err, _ = run(url, "service", "no-such-service", "--cluster", "prod", "--wait", "--timeout", "3s")
    check(rc == 2 and "not found" in err, f"unknown service: exit 2 ({err.strip()[:120]})")
    rc, out, err, _ = run(url, "task", "abc", "--cluster", "prod", "--wait")
    check(rc == 2 and "--wait is for" in err, "task --wait: usage error")
finally:
    proc.terminate()
    proc.wait()

proc, url = fake("healthy")
try:
    # The healthy scenario's service name: the first serviceName in the file.
    import json
    with open(os.path.join(SCEN, "healthy.json")) as f:
        sc = json.load(f)
    svc = sc["ecs"]["services"][0]
    cluster = svc.get("_cluster") or (sc["ecs"].get("clusters") or [{"clusterName": "default"}])[0]["clusterName"]
    rc, out, err, took = run(url, "service", svc["serviceName"], "--cluster", cluster, "--wait", "--timeout", "60s")
    check(rc == 0, f"healthy: exit 0 (got {rc}: {err.strip()[-200:]})")
    check(took < 20 and "completed; diagnosing" in err, f"healthy: the completed rollout ends the wait at once ({took:.1f}s)")
finally:
    proc.terminate()
    proc.wait()
sys.exit(1 if failures else 0)
