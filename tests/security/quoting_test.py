#!/usr/bin/python3
"""quoting_test — printed fix commands are inert (docs/SECURITY.md, issue 17).

Every remediation command ecs-doctor prints is run by bash with `aws`, `jq`,
`docker`, `curl`, `sudo` and `ecs-doctor` (a next command may re-run it) replaced by stubs that only record their argv (PATH
holds the stubs and a few harmless tools such as `touch`, which an injection
would use to create the canary file). Asserted for each command: it exits 0
(quoting is balanced, nothing unknown runs), the canary file is never created,
and, for a simple command (no pipes, lists, loops or substitutions), the argv
the stub received is exactly Python's shlex.split of the command: each value
one intact argument.

Sources of commands:
  * every fixture bundle (checks/**/tests, plugins/*/tests, examples) through
    `analyze --output json`;
  * a HOSTILE variant of each of those bundles: the identifiers a check puts
    into a command (cluster, service, family, revision, container names, env var
    names, images, log groups, stream prefixes, regions, target group and load
    balancer names, roles, subnets, security groups, VPCs, ...) get a payload
    appended: quote breaks with $(...), backticks, `;`, newlines, `--flag`
    lookalikes, `{placeholder}` lookalikes, redirections, control characters.
    For those, every payload that reaches a command must reach a stub intact in
    one argument, and the Fix blocks of the text and Markdown reports, pasted
    whole into bash, must run without side effect too;
  * every fake-AWS scenario (tests/fakeaws/scenarios) through `service
    web-service --cluster prod`, and a hostile scenario derived from the demo
    and other scenarios the same way, served by the fake.

usage: quoting_test.py ECS_DOCTOR SOURCE_DIR [--only bundles|hostile|scenarios] [--keep DIR]
"""
import copy
import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

EXE, SRC = sys.argv[1], sys.argv[2]
ONLY = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
KEEP = sys.argv[sys.argv.index("--keep") + 1] if "--keep" in sys.argv else None
sys.path.insert(0, os.path.join(SRC, "tests", "fakeaws"))

WORK = tempfile.mkdtemp(prefix="edoc-quoting-")
CANARY = os.path.join(WORK, "canary")
STUBS = os.path.join(WORK, "bin")
RUNDIR = os.path.join(WORK, "run")
LOG = os.path.join(WORK, "stub.log")
failures = []
stats = {"commands": 0, "simple_exact": 0, "hostile_markers_intact": set(), "blocks": 0}

# Each payload carries a unique marker; the canary path makes any executed
# injection visible.
PAYLOADS = [
    "x'$(touch {c})'M01M",
    "`touch {c}`M02M",
    ";touch {c};M03M",
    "\ntouch {c}\nM04M",
    "$(touch {c})M05M",
    " --debug=$(touch {c}) M06M",
    "\"$(touch {c})\"M07M",
    "{{region}}M08M",
    ">{c} M09M",
    "\\'$(touch {c})M10M",
    "\x1b]52;c;$(touch {c})\x07M11M",
    "&& touch {c} #M12M",
    "' ; touch {c} ; echo 'M13M",
    "$'\\x27'$(touch {c})M14M",
]
PAYLOADS = [p.format(c=CANARY) for p in PAYLOADS]
MARKER = re.compile(r"M\d\dM")


def fail(msg):
    failures.append(msg)
    print("FAIL " + msg[:2000].replace("\n", "\\n"))


def setup():
    os.makedirs(STUBS)
    os.makedirs(RUNDIR)
    # A stub records: CALL, argc, its name, then each argument, NUL-separated,
    # into a file of its own (the stages of a pipeline run at once).
    stub = "#!/bin/sh\nprintf '%s\\0' CALL \"$#\" \"${0##*/}\" \"$@\" >> \"$STUB_LOG.$$\"\necho stub-output\n"
    for name in ("aws", "jq", "docker", "curl", "sudo", "ecs-doctor"):
        path = os.path.join(STUBS, name)
        with open(path, "w") as f:
            f.write(stub)
        os.chmod(path, 0o755)
    # Harmless tools a fix may use, and `touch`, which an injection would use.
    for tool in ("touch", "date", "sh", "cat", "id", "sleep"):
        real = shutil.which(tool)
        if real:
            os.symlink(real, os.path.join(STUBS, tool))


def logs():
    return sorted(glob.glob(glob.escape(LOG) + ".*"))


def read_calls():
    calls = []
    for path in logs():
        with open(path, "rb") as f:
            toks = f.read().split(b"\0")
        i = 0
        while i < len(toks) and toks[i] == b"CALL":
            n = int(toks[i + 1])
            calls.append([t.decode("utf-8", "surrogateescape") for t in toks[i + 2:i + 3 + n]])
            i += 3 + n
    return calls


def run_bash(script):
    """Runs script with bash in a clean environment; returns (rc, stderr, calls)."""
    for path in logs():
        os.unlink(path)
    env = {"PATH": STUBS, "HOME": RUNDIR, "STUB_LOG": LOG, "LC_ALL": "C"}
    p = subprocess.run(["/bin/bash", "-c", script], cwd=RUNDIR, env=env, capture_output=True, timeout=30)
    return p.returncode, p.stderr.decode("utf-8", "replace"), read_calls()


SIMPLE = re.compile(r"[|;&<>()`$\n]")


def simple_words(cmd):
    """shlex.split of cmd when it is one simple command, else None."""
    try:
        lex = shlex.shlex(cmd, posix=True, punctuation_chars=True)
        lex.whitespace_split = True
        toks = list(lex)
    except ValueError:
        return None
    if any(t and all(ch in "();<>|&" for ch in t) for t in toks):
        return None
    # Unquoted $ or ` would be expanded by bash but not by shlex.
    unquoted = re.sub(r"'[^']*'", "", cmd)
    if SIMPLE.search(unquoted):
        return None
    return shlex.split(cmd)


def judge(where, cmd, hostile, rc, err, calls):
    if rc != 0:
        fail(f"{where}: bash exit {rc} ({err.strip()[:300]}): {cmd!r}")
    words = simple_words(cmd)
    if words is not None:
        got = calls[0] if len(calls) == 1 else None
        if got != words:
            fail(f"{where}: argv {got!r} != shlex.split {words!r} for {cmd!r}")
        else:
            stats["simple_exact"] += 1
    if hostile:
        args = [a for c in calls for a in c]
        for m in set(MARKER.findall(cmd)):
            payload = PAYLOADS[int(m[1:3]) - 1]
            if not any(m in a for a in args):
                fail(f"{where}: value with {m} is in the command but reached no stub: {cmd!r}")
            elif any(payload in a for a in args):
                stats["hostile_markers_intact"].add(m)


def check_one(where, cmd, hostile):
    if os.path.exists(CANARY):
        os.unlink(CANARY)
    rc, err, calls = run_bash(cmd)
    if os.path.exists(CANARY):
        fail(f"{where}: INJECTION: running the command created the canary: {cmd!r}")
        os.unlink(CANARY)
    judge(where, cmd, hostile, rc, err, calls)


def check_commands(items, hostile):
    """Runs (where, cmd) items in one bash process, each in a subshell with a
    log and exit status of its own (process start-up dominates the time);
    when anything looks wrong they are run one by one to name the culprit."""
    stats["commands"] += len(items)
    if not items:
        return
    bdir = os.path.join(WORK, "batch")
    shutil.rmtree(bdir, ignore_errors=True)
    os.makedirs(bdir)
    rcfile = os.path.join(bdir, "rc")
    parts = []
    for i, (_, cmd) in enumerate(items):
        parts.append(f"STUB_LOG={bdir}/c{i}; export STUB_LOG\n(\n{cmd}\n)\necho \"{i} $?\" >> {rcfile}\n")
    if os.path.exists(CANARY):
        os.unlink(CANARY)
    env = {"PATH": STUBS, "HOME": RUNDIR, "LC_ALL": "C"}
    p = subprocess.run(["/bin/bash", "-c", "".join(parts)], cwd=RUNDIR, env=env, capture_output=True, timeout=300)
    rcs = {}
    if os.path.exists(rcfile):
        with open(rcfile) as f:
            for line in f:
                k, v = line.split()
                rcs[int(k)] = int(v)
    if os.path.exists(CANARY) or len(rcs) != len(items) or any(rcs.values()):
        for where, cmd in items:
            check_one(where, cmd, hostile)
        return
    for i, (where, cmd) in enumerate(items):
        calls = []
        for path in sorted(glob.glob(os.path.join(bdir, f"c{i}.*"))):
            with open(path, "rb") as f:
                toks = f.read().split(b"\0")
            j = 0
            while j < len(toks) and toks[j] == b"CALL":
                n = int(toks[j + 1])
                calls.append([t.decode("utf-8", "surrogateescape") for t in toks[j + 2:j + 3 + n]])
                j += 3 + n
        judge(where, cmd, hostile, 0, "", calls)


def commands_of(report):
    for f in report.get("findings", []):
        for r in f.get("remediation") or []:
            if r.get("command"):
                yield f.get("check", "?"), r["command"]


def analyze(path, fmt="json"):
    p = subprocess.run([EXE, "analyze", path, "--output", fmt, "--no-color"], capture_output=True, timeout=120)
    return p


def check_report(where, report, hostile):
    for c in report.get("checks", []):
        if c.get("status") == "error" and "remediation command refused" in (c.get("message") or ""):
            fail(f"{where}: check {c.get('id')} had its command template refused: {c.get('message')}")
    check_commands([(f"{where} [{check}]", cmd) for check, cmd in commands_of(report)], hostile)


def fix_blocks_text(text):
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^( *)Fix:$", lines[i])
        if not m:
            i += 1
            continue
        ind = len(m.group(1)) + 2
        block, i = [], i + 1
        while i < len(lines) and lines[i].startswith(" " * ind):
            block.append(lines[i][ind:])
            i += 1
        yield "\n".join(block)


def fix_blocks_markdown(md):
    for m in re.finditer(r"^(`{3,}|~{3,})sh\n(.*?)^\1$", md, re.S | re.M):
        yield m.group(2)


def check_blocks(where, path):
    """The Fix blocks of the text and Markdown reports pasted into bash: all of
    a report at once (what a responder pasting the whole section runs), then
    block by block only to name the one that failed."""
    for fmt, extract in (("text", fix_blocks_text), ("markdown", fix_blocks_markdown)):
        p = analyze(path, fmt)
        blocks = list(extract(p.stdout.decode("utf-8", "replace")))
        stats["blocks"] += len(blocks)
        if not blocks:
            continue
        for n, block in enumerate(["\n".join(blocks)] + blocks):
            if os.path.exists(CANARY):
                os.unlink(CANARY)
            rc, err, _ = run_bash(block)
            bad = os.path.exists(CANARY) or rc != 0
            if n == 0 and not bad:
                break
            if os.path.exists(CANARY):
                fail(f"{where}: INJECTION: the pasted {fmt} Fix block{' section' if n == 0 else f' {n}'} "
                     f"created the canary:\n{block}")
                os.unlink(CANARY)
            elif rc != 0 and n > 0:
                fail(f"{where}: pasted {fmt} Fix block {n}: bash exit {rc} ({err.strip()[:300]}):\n{block}")
    # JUnit: a fix's description is one comment line (a newline in a value
    # must not turn its rest into a line of its own that a paste would run).
    p = analyze(path, "junit")
    lines = p.stdout.decode("utf-8", "replace").split("\n")
    for prev, line in zip(lines, lines[1:]):
        if prev.startswith("# ") and not prev.startswith("# docs: ") and line.startswith("touch "):
            fail(f"{where}: junit: a fix description broke into a line of its own: {line!r}")


def bundles():
    found = []
    for pat in ("checks/**/tests/*.json", "plugins/*/tests/*.json", "examples/*.json", "tests/engine/fixtures/*.json"):
        found += glob.glob(os.path.join(SRC, pat), recursive=True)
    return sorted(p for p in found if not p.endswith(".expect.json"))


# ---- Hostile variants ----------------------------------------------------

def walk_strings(node, fn):
    if isinstance(node, dict):
        return {fn(k): walk_strings(v, fn) for k, v in node.items()}
    if isinstance(node, list):
        return [walk_strings(v, fn) for v in node]
    if isinstance(node, str):
        return fn(node)
    return node


def last(s):
    return re.split(r"[/:]", s)[-1] if isinstance(s, str) else None


def identifiers(doc):
    """The names a check may put into a command, found in the document."""
    ids = set()

    def add(v):
        if isinstance(v, str) and len(v) >= 3 and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._/-]*", v):
            ids.add(v)

    t = doc.get("target") or {}
    add(t.get("cluster"))
    for s in doc.get("services") or []:
        if isinstance(s, dict):
            add(s.get("serviceName"))
            for lb in s.get("loadBalancers") or []:
                if isinstance(lb, dict):
                    add(lb.get("containerName"))
                    add(last(lb.get("targetGroupArn")))
            aw = ((s.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {})
            for x in (aw.get("subnets") or []) + (aw.get("securityGroups") or []):
                add(x)
    tds = doc.get("task_definitions") or {}
    for td in (tds.values() if isinstance(tds, dict) else []):
        if not isinstance(td, dict):
            continue
        add(td.get("family"))
        add(last(td.get("executionRoleArn")))
        add(last(td.get("taskRoleArn")))
        for c in td.get("containerDefinitions") or []:
            if not isinstance(c, dict):
                continue
            add(c.get("name"))
            img = c.get("image")
            if isinstance(img, str):
                ids.add(img) if len(img) >= 3 else None
            for e in (c.get("environment") or []) + (c.get("secrets") or []):
                if isinstance(e, dict):
                    add(e.get("name"))
            opts = ((c.get("logConfiguration") or {}).get("options") or {})
            for k in ("awslogs-group", "awslogs-stream-prefix"):
                add(opts.get(k))
    tgs = ((doc.get("elb") or {}).get("target_groups") or {})
    for tg in (tgs.values() if isinstance(tgs, dict) else []):
        if isinstance(tg, dict):
            add(tg.get("TargetGroupName"))
            add(tg.get("VpcId"))
    for t_ in doc.get("tasks") or []:
        if isinstance(t_, dict):
            for c in t_.get("containers") or []:
                if isinstance(c, dict):
                    add(c.get("name"))
    net = doc.get("network") or {}
    for kind in ("subnets", "security_groups", "route_tables", "vpc_endpoints", "nat_gateways"):
        for k in (net.get(kind) or {}):
            add(k)
    roles = ((doc.get("iam") or {}).get("roles") or {})
    for k in (roles if isinstance(roles, dict) else {}):
        add(k)
    return sorted(ids, key=len, reverse=True)


def hostile_doc(doc, region=True):
    """doc with a payload appended to every identifier (consistently, keys
    included, so lookups still join), the region and the revisions hostile."""
    ids = identifiers(doc)
    sub = {}
    for i, ident in enumerate(ids):
        sub[ident] = ident + PAYLOADS[i % len(PAYLOADS)]
    if not sub:
        return None
    pat = re.compile(r"(?<![A-Za-z0-9_.-])(" + "|".join(re.escape(k) for k in ids) + r")(?![A-Za-z0-9_-])")
    out = walk_strings(doc, lambda s: pat.sub(lambda m: sub[m.group(1)], s))
    if region:
        t = out.setdefault("target", {})
        if isinstance(t, dict):
            t["region"] = "us-east-1" + PAYLOADS[0]
        for td in (out.get("task_definitions") or {}).values():
            if isinstance(td, dict) and "revision" in td:
                td["revision"] = str(td["revision"]) + PAYLOADS[4]
            for c in (td.get("containerDefinitions") or []) if isinstance(td, dict) else []:
                opts = ((c.get("logConfiguration") or {}).get("options") or {}) if isinstance(c, dict) else {}
                if "awslogs-region" in opts:
                    opts["awslogs-region"] = opts["awslogs-region"] + PAYLOADS[2]
    return out


def run_bundles(hostile):
    hdir = os.path.join(WORK, "hostile")
    os.makedirs(hdir, exist_ok=True)
    n = 0
    for path in bundles():
        rel = os.path.relpath(path, SRC)
        try:
            with open(path) as f:
                doc = json.load(f)
        except ValueError:
            continue
        if not isinstance(doc, dict):
            continue
        if hostile:
            doc = hostile_doc(doc)
            if doc is None:
                continue
            path = os.path.join(hdir, rel.replace("/", "__"))
            with open(path, "w") as f:
                json.dump(doc, f)
            if KEEP:
                os.makedirs(KEEP, exist_ok=True)
                shutil.copy(path, KEEP)
        p = analyze(path)
        try:
            report = json.loads(p.stdout)
        except ValueError:
            fail(f"{rel}{' (hostile)' if hostile else ''}: no JSON report (exit {p.returncode}): "
                 f"{p.stderr.decode('utf-8', 'replace')[:300]}")
            continue
        n += 1
        check_report(rel + (" (hostile)" if hostile else ""), report, hostile)
        if hostile:
            check_blocks(rel + " (hostile)", path)
    return n


# ---- The Lua binding: args, lists, numbers, proxies, refusals -------------

LUA_CASES = {
    # id suffix: (remediation entry as Lua, expected command or None, expected error part or None)
    "list_number": ('{ command = "aws x --ids {ids} --n {n} --f {f}", args = { ids = { "a b", "c" }, n = 3, f = 1.5 } }',
                    "aws x --ids 'a b' c --n 3 --f 1.5", None),
    "region": ('{ command = edoc.with_region("aws y --c {c}"), args = { c = "x\'y" } }',
               "aws y --c 'x'\\''y' --region us-east-1", None),
    "proxy_list": ('{ command = "aws z --subnets {s}", args = { s = ev.services[1].networkConfiguration.awsvpcConfiguration.subnets } }',
                   "aws z --subnets subnet-0a1b2c3d4e5f60718", None),
    "plain": ('{ command = "aws ecs list-clusters --query \'clusters[]\'" }', "aws ecs list-clusters --query 'clusters[]'", None),
    "quoted": ('{ command = "aws x --c \'{c}\'", args = { c = "v" } }', None, "inside a quoted string"),
    "unused": ('{ command = "aws x", args = { c = "v" } }', None, "is not used"),
    "missing": ('{ command = "aws x --c {c}" }', None, "has no argument"),
    "boolean": ('{ command = "aws x --c {c}", args = { c = true } }', None, "must be a string, a number or a list"),
    "nul": ('{ command = "aws x --c {c}", args = { c = "a\\0b" } }', None, "NUL byte"),
    "cmdpos": ('{ command = "{c} --version", args = { c = "rm" } }', None, "where a command name goes"),
    "unbalanced": ('{ command = "aws x --query \'a" }', None, "ends inside a single-quoted string"),
    "script": ('{ command = "sh -c {c}", args = { c = "id" } }', None, "follows -c"),
    "args_not_table": ('{ command = "aws x", args = "c" }', None, "args must be a table"),
}


def run_lua_binding():
    cdir = os.path.join(WORK, "luachecks")
    os.makedirs(cdir)
    for name, (entry, _, _) in LUA_CASES.items():
        with open(os.path.join(cdir, f"q_{name}.lua"), "w") as f:
            f.write(f"""return {{
  id = "quoting.{name}", category = "unknown_failure", severity = "low",
  summary = "quoting case {name}",
  run = function(ev)
    edoc.finding {{ title = "case {name}", remediation = {{ {entry} }} }}
  end,
}}
""")
    bundle = os.path.join(SRC, "examples", "incident.json")
    p = subprocess.run([EXE, "analyze", bundle, "--check-dir", cdir, "--output", "json"], capture_output=True,
                       timeout=120)
    try:
        report = json.loads(p.stdout)
    except ValueError:
        fail(f"lua binding: no JSON report: {p.stderr.decode('utf-8', 'replace')[:400]}")
        return 0
    status = {c.get("id"): c for c in report.get("checks", [])}
    cmds = {}
    for f in report.get("findings", []):
        for r in f.get("remediation") or []:
            cmds.setdefault(f.get("check"), []).append(r.get("command"))
    for name, (_, want, err) in LUA_CASES.items():
        cid = "quoting." + name
        st = status.get(cid) or {}
        if want is not None:
            if st.get("status") == "error":
                fail(f"lua binding {name}: the check errored: {st.get('message')}")
            elif cmds.get(cid) != [want]:
                fail(f"lua binding {name}: command {cmds.get(cid)!r}, want {want!r}")
        else:
            if st.get("status") != "error" or err not in (st.get("message") or ""):
                fail(f"lua binding {name}: want a check error naming {err!r}, got {st.get('status')}: "
                     f"{st.get('message')!r}")
            if cmds.get(cid):
                fail(f"lua binding {name}: a refused template still printed {cmds.get(cid)!r}")
    check_commands([(f"lua binding {c}", x) for c, xs in cmds.items() if c and c.startswith("quoting.")
                    for x in xs if x], False)
    return len(LUA_CASES)


# ---- Fake-AWS scenarios --------------------------------------------------

def run_scenarios():
    import harness
    paths = sorted(glob.glob(os.path.join(SRC, "tests", "fakeaws", "scenarios", "*.json")))
    n = 0
    sdir = os.path.join(WORK, "scen")
    os.makedirs(sdir)
    todo = [(os.path.basename(p)[:-5], p, False) for p in paths]
    # The hostile scenario: names in the fake's account hostile (not the
    # service and cluster the CLI names, nor the region the client signs for).
    for base in ("demo", "log_configuration_error", "container_crash", "elb_health_check_failed",
                 "secrets_everywhere", "load_balancer_misconfigured", "container_command_not_found"):
        src = os.path.join(SRC, "tests", "fakeaws", "scenarios", base + ".json")
        if not os.path.exists(src):
            continue
        with open(src) as f:
            doc = json.load(f)
        hp = os.path.join(sdir, "hostile_" + base + ".json")
        with open(hp, "w") as f:
            json.dump(hostile_scenario(doc), f)
        todo.append(("hostile_" + base, hp, True))
    for name, path, hostile in todo:
        home = os.path.join(sdir, name)
        os.makedirs(home)
        try:
            with harness.Fake(path, home) as fake:
                p = subprocess.run([EXE, "service", "web-service", "--cluster", "prod", "--region", "us-east-1",
                                    "--endpoint-url", fake.url, "--output", "json"],
                                   capture_output=True, env=harness.env(home), timeout=120)
        except RuntimeError as e:
            fail(f"scenario {name}: {e}")
            continue
        try:
            report = json.loads(p.stdout)
        except ValueError:
            fail(f"scenario {name}: no JSON report (exit {p.returncode}): {p.stderr.decode('utf-8', 'replace')[:300]}")
            continue
        n += 1
        check_report(f"scenario {name}", report, hostile)
    return n


def hostile_scenario(doc):
    """A scenario with hostile names the fake serves: the identifiers of its
    task definitions, containers, images, env names, log settings, target
    groups and roles get payloads (the values stay JSON strings, as AWS sends)."""
    ids = set()

    def add(v):
        if isinstance(v, str) and len(v) >= 3 and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._/-]*", v) \
                and v not in ("web-service", "prod", "us-east-1"):
            ids.add(v)

    def visit(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("family", "image", "TargetGroupName", "awslogs-group", "awslogs-stream-prefix", "RoleName",
                         "logGroupName") and isinstance(v, str):
                    add(v)
                if k in ("containerDefinitions", "containers", "environment", "secrets") and isinstance(v, list):
                    for c in v:
                        if isinstance(c, dict):
                            add(c.get("name"))
                visit(v, k)
        elif isinstance(node, list):
            for v in node:
                visit(v, key)

    visit(doc)
    # Words of the scenario format itself ("ecs" is also a common stream
    # prefix) stay as they are: only the account's names turn hostile.
    schema = set()

    def keys(node, depth):
        if isinstance(node, dict) and depth < 3:
            for k, v in node.items():
                schema.add(k)
                keys(v, depth + 1)

    keys(doc, 0)
    ids = sorted((i for i in ids if i not in schema), key=len, reverse=True)
    if not ids:
        return doc
    sub = {ident: ident + PAYLOADS[i % len(PAYLOADS)] for i, ident in enumerate(ids)}
    pat = re.compile(r"(?<![A-Za-z0-9_.-])(" + "|".join(re.escape(k) for k in ids) + r")(?![A-Za-z0-9_-])")
    return {k: walk_strings(copy.deepcopy(v), lambda s: pat.sub(lambda m: sub[m.group(1)], s))
            for k, v in doc.items()}


def main():
    setup()
    try:
        if ONLY in (None, "bundles"):
            n = run_bundles(False)
            print(f"ok - {n} fixture bundles")
        if ONLY in (None, "bundles"):
            n = run_lua_binding()
            print(f"ok - {n} Lua binding cases")
        if ONLY in (None, "hostile"):
            n = run_bundles(True)
            print(f"ok - {n} hostile bundles")
            missing = sorted(f"M{i + 1:02d}M" for i in range(len(PAYLOADS)) if f"M{i + 1:02d}M" not in stats["hostile_markers_intact"])
            if n and missing:
                fail(f"payloads that never reached a stub intact in one argument: {missing}")
            if n and stats["blocks"] == 0:
                fail("no Fix block was found in the text or Markdown reports")
        if ONLY in (None, "scenarios"):
            n = run_scenarios()
            print(f"ok - {n} fake-AWS scenarios")
        print(f"{stats['commands']} commands run by bash with stubs, {stats['simple_exact']} simple ones with the "
              f"exact argv shlex.split gives, {stats['blocks']} pasted Fix blocks, payloads intact: "
              f"{len(stats['hostile_markers_intact'])} of {len(PAYLOADS)}")
        if stats["commands"] == 0:
            fail("no command was run")
    finally:
        if not KEEP:
            shutil.rmtree(WORK, ignore_errors=True)
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
