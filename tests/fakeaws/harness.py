"""harness — the fake AWS server as the end-to-end tests start it.

    sys.path.insert(0, os.path.join(SRC, "tests", "fakeaws"))
    import harness
    with harness.Fake("/path/scenario.json", workdir, "--latency", "40") as fake:
        subprocess.run([BIN, "service", "web", "--endpoint-url", fake.url], env=harness.env(home))
        fake.calls("DescribeTasks")

One server per `with` on a free loopback port (the port file it writes),
its call log in workdir, stopped on exit: terminated, or killed when `kill`
is set (stalled handler threads would delay a SIGTERM). Shared by
tests/collect, tests/engine, tests/security and tests/timeline.
"""
import json
import os
import subprocess
import time

FAKE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fakeaws-server")
AKID, SECRET = "AKIDEXAMPLEFAKE00001", "fake/secret/KEY/EXAMPLE+0000000000000"


def env(home):
    """The environment for ecs-doctor against the fake: nothing of the
    caller's AWS_* settings, the fake's default key, us-east-1, no files."""
    e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    e.update({
        "AWS_ACCESS_KEY_ID": AKID,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_REGION": "us-east-1",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
        "HOME": home,
    })
    return e


class Fake:
    n = 0

    def __init__(self, scenario, workdir, *flags, kill=False, timeout=20):
        Fake.n += 1
        self.kill = kill
        self.log = os.path.join(workdir, f"calls{Fake.n}.jsonl")
        port_file = os.path.join(workdir, f"port{Fake.n}")
        # Its stderr goes to a file: a pipe nobody reads would fill and stall it.
        self.errlog = os.path.join(workdir, f"server{Fake.n}.log")
        with open(self.errlog, "w") as err:
            self.proc = subprocess.Popen(
                ["/usr/bin/python3", FAKE, "--scenario", scenario, "--port", "0", "--port-file", port_file,
                 "--call-log", self.log, *flags], stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.time() + timeout
        while not os.path.exists(port_file) or not open(port_file).read().strip():
            if self.proc.poll() is not None or time.time() > deadline:
                if self.proc.poll() is None:
                    self.proc.kill()
                with open(self.errlog) as f:
                    raise RuntimeError(f"fake AWS did not start: {f.read()[-2000:]}")
            time.sleep(0.05)
        with open(port_file) as f:
            self.url = f"http://127.0.0.1:{f.read().strip()}"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.kill:
            self.proc.kill()
        else:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc.wait()

    def calls(self, op=None):
        """The call log's records (of one operation when op is given)."""
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            calls = [json.loads(line) for line in f if line.strip()]
        return [c for c in calls if op is None or c.get("operation") == op]

    def reset_log(self):
        if os.path.exists(self.log):
            open(self.log, "w").close()
