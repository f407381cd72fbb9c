#!/usr/bin/python3
"""End-to-end tests of the command-line surface (issue #21, a newcomer's
friction list): durations and the report's window, review exit codes and
best_practice checks, mute-file warnings, Markdown size, global options and
did-you-mean, collect -o -, heartbeats, error wording, task prefixes, checks
list, the man page against the code, JUnit times and TERM=dumb.

usage: e2e_cli.py ECS_DOCTOR_BINARY SOURCE_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

BIN, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
sys.path.insert(0, os.path.join(SRC, "tests", "fakeaws"))
import harness  # noqa: E402

SCEN = os.path.join(SRC, "tests", "fakeaws", "scenarios")
FIX = os.path.join(SRC, "tests", "engine", "fixtures")
TMP = tempfile.mkdtemp(prefix="edoc-cli-e2e-")
ENV = harness.env(TMP)
FAILED = []


def check(cond, what, detail=""):
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        FAILED.append(what)
        if detail:
            print("    " + str(detail)[:1500].replace("\n", "\n    "))
    return cond


def run(*args, env=None, stdin=None, timeout=120):
    e = dict(ENV)
    e.update(env or {})
    return subprocess.run([BIN, *args], env=e, capture_output=True, text=True, timeout=timeout,
                          input=stdin, cwd=TMP)


def one_line(r, what, needle):
    lines = r.stderr.strip("\n").split("\n")
    check(len(lines) == 1 and needle in lines[0], f"{what}: one stderr line naming '{needle}'", r.stderr)


def write(name, text):
    path = os.path.join(TMP, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


# ---- 1. durations: a bare number is refused, the window is reported ---------
r = run("analyze", os.path.join(FIX, "healthy.json"), "--since", "6")
check(r.returncode == 2, "--since 6: exit 2", r.returncode)
one_line(r, "--since 6", "'6' has no unit")
check("6h" in r.stderr and "6m" in r.stderr, "--since 6: names the units", r.stderr)
r = run("analyze", os.path.join(FIX, "healthy.json"), "--since", "0")
check(r.returncode == 2, "--since 0: refused", r.returncode)
one_line(r, "--since 0", "must be longer than 0")
for bad in ("1e3s", "1.5.5h", "-1h", "h", "1y"):
    r = run("analyze", os.path.join(FIX, "healthy.json"), "--since", bad)
    check(r.returncode == 2 and "invalid duration" in r.stderr, f"--since {bad}: invalid duration", r.stderr)
r = run("analyze", os.path.join(FIX, "healthy.json"), "--deadline", "0", "--output", "json")
check(r.returncode in (0, 1), "--deadline 0 (no deadline) accepted", r.stderr)

with harness.Fake(os.path.join(SCEN, "demo.json"), TMP) as fake:
    r = run("service", "web-service", "--cluster", "prod", "--since", "1.5h", "--output", "json",
            "--endpoint-url", fake.url)
    rep = json.loads(r.stdout) if r.stdout.startswith("{") else {}
    w = rep.get("window", {})
    check(w.get("duration") == "90m" and w.get("until", 0) - w.get("since", 0) == 5400,
          "--since 1.5h: the JSON window is 90m", w)
    r = run("service", "web-service", "--cluster", "prod", "--since", "1w", "--endpoint-url", fake.url)
    check(re.search(r"window 1w\s+\(since\s+[0-9-]+\s+[0-9:]+\s+UTC\)", r.stdout) is not None,
          "--since 1w: the text header names the window", r.stdout[:600])

# ---- 2. recommendations and diagnoses stay apart ------------------------------
aws_keys = os.path.join(SRC, "checks", "review", "tests", "secrets_env_aws_fire.json")
r = run("review", aws_keys)
check(r.returncode == 0, "review FILE with a HIGH recommendation: advisory, exit 0", r.stderr)
for fo, want in (("low", 1), ("high", 1), ("critical", 0), ("none", 0)):
    r = run("review", aws_keys, "--fail-on", fo)
    check(r.returncode == want, f"review --fail-on {fo}: exit {want} (got {r.returncode})", r.stderr)
r = run("analyze", aws_keys, "--fail-on", "low")
check(r.returncode == 0, "analyze --fail-on low: a recommendation never fails a diagnosis run", r.returncode)

team = os.path.join(TMP, "team")
write("team/policy.lua", """-- a team policy check written with the default kind
return { id = "team.policy_tags", category = "best_practice", severity = "high", needs = {"ecs.services"},
  run = function(ev)
    edoc.finding { title = "services must carry a cost-centre tag", confidence = 0.9 }
  end }
""")
os.chmod(team, 0o755)
os.chmod(os.path.join(team, "policy.lua"), 0o644)
r = run("analyze", os.path.join(FIX, "healthy.json"), "--check-dir", team, "--output", "json")
rep = json.loads(r.stdout) if r.stdout.startswith("{") else {}
mine = [f for f in rep.get("findings", []) if f["check"] == "team.policy_tags"]
check(r.returncode == 0 and rep.get("verdict") == "healthy", "best_practice team check: the verdict stays healthy",
      (r.returncode, rep.get("verdict"), r.stderr))
check(len(mine) == 1 and mine[0]["kind"] == "recommendation", "best_practice team check: its finding is a recommendation",
      mine)
r = run("analyze", os.path.join(FIX, "healthy.json"), "--check-dir", team)
check("UNHEALTHY" not in r.stdout, "best_practice team check: text does not say UNHEALTHY", r.stdout[:300])

# ---- 3. mute files: unknown ids warn with the nearest real one; the documented examples are real
mutes = write("mutes.json", json.dumps({"mutes": [
    {"check": "image.not_foudn", "service": "*", "reason": "typo", "expires": "2099-01-01"},
    {"category": "network_no_rout", "service": "*", "reason": "typo", "expires": "2099-01-01"},
    {"recommendation": "cost.fargate_spto", "service": "*", "reason": "typo", "expires": "2099-01-01"},
    {"check": "net.no_route\u001b[31m", "service": "*", "reason": "hostile", "expires": "2099-01-01"},
    {"check": "image.not_found", "service": "*", "reason": "real", "expires": "2099-01-01"}]}))
r = run("analyze", os.path.join(FIX, "pull_and_oom.json"), "--mute-file", mutes, "--output", "json")
check(r.returncode in (0, 1), "mute file with unknown ids: still a report", r.stderr)
check("mutes[0]: no check id 'image.not_foudn' (nearest: 'image.not_found')" in r.stderr, "unknown check id: nearest named", r.stderr)
check("mutes[1]: no category 'network_no_rout' (nearest: 'network_no_route')" in r.stderr, "unknown category: nearest named", r.stderr)
check("mutes[2]: no recommendation 'cost.fargate_spto' (nearest: 'cost.fargate_spot')" in r.stderr, "unknown rule: nearest named", r.stderr)
check("mutes[3]: no check id 'net.no_route?[31m' (nearest: 'net." in r.stderr and "\x1b" not in r.stderr,
      "hostile id: control bytes not echoed, nearest of the same family", r.stderr)
check("mutes[4]" not in r.stderr, "a real id: no warning", r.stderr)


def doc_mutes(path):
    """The mute-file examples of a document: every {"mutes": [...]} JSON block."""
    text = open(os.path.join(SRC, path)).read().replace("\\-", "-")
    out = []
    for m in re.finditer(r'\{"mutes": \[.*?\]\}', text, re.S):
        blob = re.sub(r"//[^\n]*", "", m.group(0))
        out.append(json.loads(blob))
    return out


for doc in ("README.md", "docs/report.md", "docs/man/ecs-doctor.1"):
    examples = doc_mutes(doc)
    check(len(examples) >= 1, f"{doc}: has a mute example")
    for k, ex in enumerate(examples):
        for m in ex["mutes"]:
            m["expires"] = "2099-01-01"
        p = write(f"doc-mutes-{k}.json", json.dumps(ex))
        r = run("analyze", os.path.join(FIX, "pull_and_oom.json"), "--mute-file", p, "--output", "json")
        check(r.returncode in (0, 1) and "warning" not in r.stderr, f"{doc}: mute example {k} names real ids",
              r.stderr)

# ---- 5. global options before the command; did-you-mean with that command's help
healthy = os.path.join(FIX, "healthy.json")
r = run("--output", "json", "--no-color", "analyze", healthy)
check(r.returncode in (0, 1) and r.stdout.startswith("{"), "--output json before the command", r.stderr)
r = run("--region=eu-west-1", "--debug", "--output", "json", "analyze", healthy)
check(r.returncode in (0, 1) and r.stdout.startswith("{"), "--region=R --debug --output before the command", r.stderr)
r = run("analyze", healthy, "--output", "json")
check(r.returncode in (0, 1) and r.stdout.startswith("{"), "--output json after the command still works", r.stderr)
r = run("analyze", healthy, "--regoin", "eu-west-1")
first = r.stderr.split("\n")[0]
check(r.returncode == 2 and first == "ecs-doctor: analyze: unknown option '--regoin' (did you mean --region?)",
      "mistyped option: did-you-mean", first)
check("usage: ecs-doctor analyze FILE" in r.stderr and "commands:" not in r.stderr,
      "mistyped option: analyze's help, not the whole usage", r.stderr)
r = run("servce", "web")
check(r.returncode == 2 and "unknown command 'servce' (did you mean 'service'?)" in r.stderr
      and "usage: ecs-doctor service NAME" in r.stderr and "commands:" not in r.stderr,
      "mistyped command: did-you-mean and service's help", r.stderr)
r = run("frobnicate")
check(r.returncode == 2 and "unknown command 'frobnicate'" in r.stderr and "commands:" in r.stderr,
      "unknown command far from any: the whole usage", r.stderr)
r = run("--regin", "x", "service", "web")
check(r.returncode == 2 and "did you mean --region?" in r.stderr, "mistyped global option before the command", r.stderr)
r = run("--cluster", "prod", "service", "web")
check(r.returncode == 2 and "--cluster goes after the command" in r.stderr,
      "--cluster is not global: refused before the command, saying where it goes", r.stderr)
r = run("--region", "eu-west-1")
check(r.returncode == 2 and "no command" in r.stderr, "global options without a command", r.stderr)
r = run("analyze", healthy, "--\x1b[31mx")
check(r.returncode == 2 and "\x1b" not in r.stderr, "hostile option: no escape echoed", r.stderr)

# ---- 4. Markdown for pull requests: under GitHub's limit for any cluster size
def md_sane(md, what):
    check(len(md) < 65536, f"{what}: {len(md)} characters < 65,536")
    check(md.count("<details>") == md.count("</details>"), f"{what}: <details> balanced")
    check(len(re.findall(r"^```", md, re.M)) % 2 == 0, f"{what}: code fences balanced")
    first = md.split("\n", 1)[0]
    check(first.startswith("## ") and len(first) <= 120, f"{what}: a short H2 heading", first)
    for sec in re.split(r"\n### ", md)[1:]:
        links = re.findall(r"<(https?://[^>]+)>", sec)
        if len(links) != len(set(links)):
            check(False, f"{what}: each docs link once per finding", links)
            break
    check("\\`" not in md.replace("\\`\\`", ""), f"{what}: no escaped backticks from check texts",
          [line for line in md.split("\n") if "\\`" in line][:3])


large = os.path.join(TMP, "large.json")
subprocess.run(["/usr/bin/python3", os.path.join(SRC, "tests", "fakeaws", "gen_large.py"), "--services", "30",
                "--stopped", "600", "--unhealthy-fraction", "0.5", "-o", large], check=True)
with harness.Fake(large, TMP) as fake:
    bundle = os.path.join(TMP, "large-bundle.json")
    r = run("collect", "cluster", "bench", "-o", bundle, "--endpoint-url", fake.url)
    check(r.returncode == 0, "30-service cluster collected", r.stderr)
r = run("analyze", bundle, "--output", "markdown")
md = r.stdout
md_sane(md, "markdown of a 30-service cluster")
full = json.loads(run("analyze", bundle, "--output", "json").stdout)
roots = [f for f in full["findings"] if f["kind"] == "diagnosis"]
check(len(full["findings"]) > 100, f"the large cluster has many findings ({len(full['findings'])})")
check(md.find("| 1 | **") > 0 and md.find("### 1. ") > md.find("| 1 | **"), "markdown: table first, then rank 1")
check(all(f"| {f['rank']} | **" in md for f in roots), "markdown: every diagnosis keeps its table row")
check("Cut to fit a GitHub comment" in md, "markdown: a note says what was cut")
check(re.search(r"^\*\*Root cause:\*\* ", md, re.M) is not None, "markdown: the root cause under the heading")
# A huge cluster (the table alone would not fit): still under the limit.
big = json.load(open(bundle))
svcs = big["services"]
big["services"] = [dict(s, serviceName=f"{s['serviceName']}-{k}") for k in range(12) for s in svcs]
bigpath = write("huge-bundle.json", json.dumps(big))
r = run("analyze", bigpath, "--output", "markdown")
check(r.returncode in (0, 1, 4), "markdown of a 360-service bundle renders", r.stderr)
md_sane(r.stdout, "markdown of a 360-service bundle")
r = run("analyze", os.path.join(SRC, "examples", "incident.json"), "--output", "markdown")
md_sane(r.stdout, "markdown of the example incident")
check("Cut to fit" not in r.stdout and "## Recommendations" in r.stdout, "small report: nothing cut", r.stdout[-300:])

# ---- 8. errors say what to do: refused credentials name their source; an empty 404 is not AWS
import http.server  # noqa: E402
import threading  # noqa: E402


class Canned(http.server.BaseHTTPRequestHandler):
    mode = "expired"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if Canned.mode == "404":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = json.dumps({"__type": "ExpiredTokenException",
                           "message": "The security token included in the request is expired"}).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("x-amzn-RequestId", "0000")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


canned = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Canned)
threading.Thread(target=canned.serve_forever, daemon=True).start()
curl = f"http://127.0.0.1:{canned.server_address[1]}"
r = run("service", "web", "--cluster", "prod", "--endpoint-url", curl, env={"AWS_SESSION_TOKEN": "tok"})
check(r.returncode == 3 and r.stderr.count("\n") == 1, "expired token: exit 3, one line", r.stderr)
check("environment have expired" in r.stderr and "AWS_SESSION_TOKEN" in r.stderr and "export-credentials" in r.stderr,
      "expired token from the environment: names it and how to refresh", r.stderr)
cfg = write("aws/config", "[profile helper]\nregion = us-east-1\ncredential_process = /bin/echo "
            "'{\"Version\": 1, \"AccessKeyId\": \"AKIDHELPER\", \"SecretAccessKey\": \"s\", \"SessionToken\": \"t\", "
            "\"Expiration\": \"2099-01-01T00:00:00Z\"}'\n[profile keys]\nregion = us-east-1\n")
cred = write("aws/credentials", "[keys]\naws_access_key_id = AKIDKEYS\naws_secret_access_key = s\n")
files = {"AWS_CONFIG_FILE": cfg, "AWS_SHARED_CREDENTIALS_FILE": cred}
r = run("service", "web", "--cluster", "prod", "--profile", "helper", "--endpoint-url", curl, env=files)
check(r.returncode == 3 and "credential_process (profile helper) have expired" in r.stderr
      and "run the profile's credential_process by hand" in r.stderr, "expired credential_process: says so", r.stderr)
r = run("service", "web", "--cluster", "prod", "--profile", "keys", "--endpoint-url", curl, env=files)
check(r.returncode == 3 and "profile keys have expired" in r.stderr and "aws configure --profile keys" in r.stderr,
      "expired profile keys: says how to replace them", r.stderr)
Canned.mode = "404"
r = run("service", "web", "--cluster", "prod", "--endpoint-url", curl)
check(r.returncode == 3 and r.stderr.count("\n") == 1, "empty 404: exit 3, one line", r.stderr)
check(f"{curl} answered HTTP 404 with an empty body: it is not an AWS endpoint for ecs" in r.stderr,
      "empty 404: not an AWS endpoint for that service", r.stderr)
canned.shutdown()

# ---- 6. collect -o - and analyze -; where the bundle went; --output explained
with harness.Fake(os.path.join(SCEN, "demo.json"), TMP) as fake:
    r = run("collect", "service", "web-service", "--cluster", "prod", "-o", "-", "--endpoint-url", fake.url)
    check(r.returncode == 0 and r.stdout.lstrip().startswith("{"), "collect -o -: the bundle on standard output",
          r.stderr)
    check(r.stderr.count("\n") == 1 and "written to standard output" in r.stderr and "KB" in r.stderr,
          "collect -o -: one line naming where and how big", r.stderr)
    bundle_text = r.stdout
    out = os.path.join(TMP, "web.json")
    r = run("collect", "service", "web-service", "--cluster", "prod", "-o", out, "--endpoint-url", fake.url)
    size_kb = os.path.getsize(out) / 1024
    m = re.search(r"evidence \(redacted\) written to (\S+): (\d+) KB", r.stderr)
    check(r.returncode == 0 and m and m.group(1) == out and abs(int(m.group(2)) - size_kb) <= 1,
          "collect -o FILE: names the file and its size", (r.stderr, size_kb))
    r = run("collect", "service", "web-service", "--cluster", "prod", "--output", "json", "--endpoint-url", fake.url)
    check(r.returncode == 2 and r.stderr.count("\n") == 1 and "the bundle is always JSON" in r.stderr
          and "-o -" in r.stderr, "collect --output json: explained", r.stderr)
    r = run("collect", "service", "web-service", "--cluster", "prod", "--endpoint-url", fake.url)
    check(r.returncode == 2 and "-o - writes to standard output" in r.stderr, "collect without -o: mentions -o -",
          r.stderr)
r1 = run("analyze", "-", "--output", "json", stdin=bundle_text)
r2 = run("analyze", out, "--output", "json")
f1 = [f["id"] for f in json.loads(r1.stdout)["findings"]] if r1.stdout.startswith("{") else None
f2 = [f["id"] for f in json.loads(r2.stdout)["findings"]] if r2.stdout.startswith("{") else []
check(f1 == f2 and f1, "analyze - reads standard input: same findings as the file", r1.stderr)
r = run("analyze", "-", stdin="{")
check(r.returncode == 2 and r.stderr.startswith("ecs-doctor: standard input:"), "analyze - with bad JSON: names stdin",
      r.stderr)

# ---- 10. analyze DIR
r = run("analyze", FIX)
check(r.returncode == 2 and r.stderr.count("\n") == 1 and "is a directory" in r.stderr, "analyze DIR: says so",
      r.stderr)

# ---- 9. cluster and --cluster; a task's headline names the task
r = run("cluster", "--help")
check("--cluster" not in r.stdout.split("options:")[1], "cluster --help lists no --cluster", r.stdout)
r = run("cluster", "prod", "--cluster", "other")
check(r.returncode == 2 and "the cluster is the NAME argument" in r.stderr, "cluster --cluster: refused, explained",
      r.stderr)
r = run("collect", "cluster", "prod", "--cluster", "other", "-o", "-")
check(r.returncode == 2 and "the cluster is the NAME argument" in r.stderr, "collect cluster --cluster: refused",
      r.stderr)
r = run("cluster", "prod", "--cluster", "prod", "--endpoint-url", "http://127.0.0.1:9", "--deadline", "1s")
check("the cluster is the NAME argument" not in r.stderr, "cluster prod --cluster prod: the same cluster is accepted",
      r.stderr)
with harness.Fake(os.path.join(SCEN, "demo.json"), TMP) as fake:
    ev = json.loads(run("collect", "service", "web-service", "--cluster", "prod", "-o", "-",
                        "--endpoint-url", fake.url).stdout)
    tid = ev["tasks"][0]["taskArn"].rsplit("/", 1)[1]
    r = run("task", tid, "--cluster", "prod", "--output", "json", "--endpoint-url", fake.url)
    rep = json.loads(r.stdout) if r.stdout.startswith("{") else {}
    check(rep.get("summary", "").startswith(tid + ":"), "task: the headline names the task", rep.get("summary"))
    r = run("task", tid, "--cluster", "prod", "--endpoint-url", fake.url)
    check(r.stdout.startswith(tid + ":"), "task: the text verdict line names the task", r.stdout[:200])

# ---- 10. checks list: aligned, the evidence needed, the severities reported; --skip like --only
r = run("checks", "list")
lines = [line for line in r.stdout.split("\n") if line.strip()]
head = lines[0].split()
check(head == ["ID", "LANG", "SEVERITY", "CATEGORY", "NEEDS", "SOURCE"], "checks list: the header names NEEDS", head)
col = lines[0].index("SOURCE")
check(all(len(line) > col and line[col - 1] == " " and line[col] != " " for line in lines[1:-1]),
      "checks list: the SOURCE column lines up", lines[:4])
cb = next((line for line in lines if line.startswith("deployment.circuit_breaker ")), "")
check(" low..medium " in cb and " ecs.services " in cb, "checks list: circuit_breaker reports low..medium, needs ecs.services",
      cb)
js = json.loads(run("checks", "list", "--output", "json").stdout)
img = next(c for c in js if c["id"] == "image.not_found")
check(img["reports"] == "critical" and "ecs.tasks" in img["needs"] and "uses" in img, "checks list --output json: reports, needs, uses",
      img)
r = run("checks", "list", "--skip", "image.not_fuond")
check(r.returncode == 2 and r.stderr.strip() == "ecs-doctor: --skip image.not_fuond: no check matches (see ecs-doctor checks list)",
      "--skip of an unknown id: an error like --only's", r.stderr)
r = run("analyze", os.path.join(FIX, "healthy.json"), "--skip", "nothing.*")
check(r.returncode == 2 and "--skip nothing.*: no check matches" in r.stderr, "analyze --skip unknown: refused", r.stderr)

# ---- 12. JUnit times; TERM=dumb gets no escape sequences, even in the progress line
import xml.etree.ElementTree as ET  # noqa: E402
r = run("analyze", os.path.join(SRC, "examples", "incident.json"), "--output", "junit")
root = ET.fromstring(r.stdout)
cases = list(root.iter("testcase"))
check(cases and all(re.fullmatch(r"[0-9]+\.[0-9]{3}", c.get("time", "")) for c in cases),
      "junit: every testcase has a time attribute", [c.get("time") for c in cases[:3]])
suite = next(root.iter("testsuite"))
check(re.fullmatch(r"[0-9]+\.[0-9]{3}", suite.get("time", "")) is not None, "junit: the testsuite has a time")
if shutil.which("script"):
    with harness.Fake(os.path.join(SCEN, "demo.json"), TMP, "--latency", "30") as fake:
        def on_tty(term):
            e = dict(ENV)
            e.update({"TERM": term})
            e.pop("NO_COLOR", None)
            cmd = f"{BIN} service web-service --cluster prod --endpoint-url {fake.url} --fail-on none"
            return subprocess.run(["script", "-qec", cmd, "/dev/null"], env=e, capture_output=True, timeout=120).stdout
        dumb = on_tty("dumb")
        check(b"web-service" in dumb and b"\x1b" not in dumb, "TERM=dumb on a terminal: no escape sequence at all",
              dumb[:300])
        check(b"\rcollecting evidence" in dumb, "TERM=dumb: the progress line still updates (carriage returns)",
              dumb[:300])
        xterm = on_tty("xterm")
        check(b"\x1b[K" in xterm, "TERM=xterm: the progress line clears with an escape", xterm[:200])
else:
    print("ok - script(1) not installed: TERM=dumb terminal test skipped")

# ---- 7. long silences: a stalled endpoint is named with the operation and the wait
with harness.Fake(os.path.join(SCEN, "demo.json"), TMP, "--stall-rate", "1@iam", "--stall-seconds", "40",
                  kill=True) as fake:
    r = run("service", "web-service", "--cluster", "prod", "--deadline", "25s", "--output", "json",
            "--endpoint-url", fake.url)
    m = re.search(r"ecs-doctor: waiting (\d+)s for (iam:\w+) at (\S+) \(no answer yet\)", r.stderr)
    check(m is not None and int(m.group(1)) >= 15 and m.group(3) == fake.url,
          "stalled IAM: named with the action, the endpoint and the seconds waited", r.stderr[-600:])
    check(r.returncode in (0, 1, 4) and r.stdout.startswith("{"), "stalled IAM: still a report", r.returncode)
    gaps = json.loads(r.stdout).get("evidence_gaps", []) if r.stdout.startswith("{") else []
    msgs = [g.get("message") or "" for g in gaps if g["source"].startswith("iam")]
    check(msgs and all(m.startswith("timed out ") for m in msgs), "stalled IAM: the gap's timeout is worded one way", msgs)

# @@MORE@@

shutil.rmtree(TMP, ignore_errors=True)
print(f"{len(FAILED)} failed")
sys.exit(1 if FAILED else 0)
