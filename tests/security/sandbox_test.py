#!/usr/bin/python3
"""The Lua sandbox escape suite: every check in tests/security/sandbox/ tries
one way out (io, os, package/require, binary chunks, string.dump, debug,
metatables of the evidence and of strings, coroutines, memory and table bombs,
deep recursion, endless loops inside pcall/xpcall and their handlers, in
__close handlers and in callbacks called from C, catastrophic pattern backtracking, __gc finalizers, hostile error objects, huge error messages, a non-table check,
hostile edoc.finding fields, state kept across runs, every edoc.* function
with every Lua type and huge or lying lists). They run together with
the default checks and one well-behaved check (zz_normal) over a fixture:
each must be contained with a one-line message, and the process, the default
checks and zz_normal must be unharmed.

usage: sandbox_test.py ECS_DOCTOR_BINARY SOURCE_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

BIN, SRC = sys.argv[1], sys.argv[2]
SANDBOX = os.path.join(SRC, "tests", "security", "sandbox")
FIXTURE = os.path.join(SRC, "tests", "engine", "fixtures", "pull_and_oom.json")
TMP = tempfile.mkdtemp(prefix="edoc-sandbox-")
MARKER = "/tmp/edoc-sandbox-escape"
FAILED = []

# check id -> words its one-line message must contain
EXPECT = {
    "sec.io": "global 'io'", "sec.os_execute": "execute", "sec.package": "package",
    "sec.binary_chunk": "binary chunks refused", "sec.string_dump": "dump", "sec.debug_lib": "debug",
    "sec.metatable": "metatable tampering refused", "sec.coroutine_budget": "coroutine",
    "sec.coroutine_yield": "coroutine", "sec.coroutine_many": "coroutine",
    "sec.rep_bomb": "memory limit", "sec.table_bomb": "memory limit", "sec.recursion": "stack overflow",
    "sec.pcall_loop": "instruction budget exceeded", "sec.errobj_tostring": "instruction budget exceeded",
    "sec.errobj_tostring_err": "error object", "sec.close_loop": "instruction budget exceeded",
    "sec.callback_loop": "instruction budget exceeded", "sec.long_error": "AAAA", "sec.gc_loop": "__gc",
    "sec.pattern_hang": "pattern matching exceeded its step budget",
}
# Contained without an error: the check runs and its strange return values are ignored.
QUIET = ["sec.run_returns"]


def check(cond, what):
    print(f"{'ok' if cond else 'not ok'} - {what}", flush=True)
    if not cond:
        FAILED.append(what)
    return cond


def strict_json(text):
    def bad(c):
        raise ValueError(f"non-JSON constant {c}")
    return json.loads(text, parse_constant=bad)


def analyze():
    if os.path.exists(MARKER):
        os.unlink(MARKER)
    t0 = time.time()
    p = subprocess.run(["timeout", "-s", "KILL", "120", BIN, "analyze", FIXTURE, "--check-dir", SANDBOX,
                        "--output", "json"], capture_output=True)
    took = time.time() - t0
    out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    check(p.returncode == 1 and took < 60,
          f"analyze with the hostile checks: exit 1 as for findings + check errors, in {took:.1f}s (rc {p.returncode})")
    check(not os.path.exists(MARKER), "no file was written outside the sandbox")
    try:
        rep = strict_json(out)
    except ValueError as e:
        check(False, f"report is strict JSON ({e})")
        return
    checks = {c["id"]: c for c in rep["checks"]}
    for cid, word in sorted(EXPECT.items()):
        c = checks.get(cid)
        if not check(c is not None, f"{cid}: listed in checks[]"):
            continue
        msg = c.get("message") or ""
        check(c["status"] == "error" and word in msg and "\n" not in msg and len(msg) <= 1024,
              f"{cid}: contained, one-line message ({c['status']}: {msg[:120]!r}, {len(msg)} chars)")
    for cid in QUIET:
        c = checks.get(cid, {})
        check(c.get("status") == "ok" and c.get("findings") == 0, f"{cid}: ran, return values ignored ({c})")
    titles = [f["title"] for f in rep["findings"]]
    check(not any("ESCAPED" in t for t in titles), f"no check escaped ({[t for t in titles if 'ESCAPED' in t]})")
    normal = [f for f in rep["findings"] if f["check"] == "sec.zz_normal"]
    check(len(normal) == 1 and normal[0]["count"] == 5, "the well-behaved check still reports its finding")
    check(any(f["check"] == "image.not_found" for f in rep["findings"]) and
          any(f["check"] == "container.exit" for f in rep["findings"]), "the default checks still report theirs")
    check(checks.get("sec.persist", {}).get("status") == "ok", "sec.persist ran")
    hf = [f for f in rep["findings"] if f["check"] == "sec.hostile_finding"]
    check(0 < len(hf) <= 1000, f"hostile_finding: capped at 1000 findings ({len(hf)})")
    check(all(len(f["title"]) <= 4096 and len(f.get("explanation") or "") <= 65536 for f in hf),
          "hostile_finding: huge strings capped")
    check(all(isinstance(f["confidence"], (int, float)) and 0 <= f["confidence"] <= 1 for f in rep["findings"]),
          "every confidence is a number in 0..1")
    summary = next((f["title"] for f in hf if f["title"].startswith("hostile:")), "")
    check(summary != "", f"hostile_finding: bad fields were rejected, not crashed on ({summary})")
    et = checks.get("sec.edoc_types", {})
    ets = [f for f in rep["findings"] if f["check"] == "sec.edoc_types" and f["title"].startswith("edoc_types:")]
    check(et.get("status") in ("ok", "incomplete") and len(ets) == 1 and
          ets[0]["title"] == "edoc_types: every call contained",
          f"edoc_types: every edoc.* function with every Lua type, huge and lying lists, 60 non-string "
          f"security groups: contained ({et.get('status')}: {et.get('message')}; {[f['title'] for f in ets]}; "
          f"{[f.get('explanation') for f in ets]})")
    check("nontable.lua: the script must return a check table" in err, "a non-table check is refused at load")
    check(all(len(line) <= 2048 for line in err.splitlines()), "stderr lines are capped")
    check("Sanitizer" not in err and "Segmentation" not in err, "no crash report")


def persist():
    """`checks test` runs each fixture through fresh states: globals set while
    checking one fixture are gone for the next."""
    d = os.path.join(TMP, "persist")
    os.makedirs(os.path.join(d, "tests"))
    for f in ("persist.lua", "persist_string.lua"):
        shutil.copy(os.path.join(SANDBOX, f), d)
    for n in ("a", "b", "c"):
        shutil.copy(FIXTURE, os.path.join(d, "tests", f"{n}.json"))
        with open(os.path.join(d, "tests", f"{n}.expect.json"), "w") as fh:
            json.dump({"findings": [{"check": "image.not_found"}], "absent": ["sec.persist", "sec.persist_string"]}, fh)
    p = subprocess.run(["timeout", "60", BIN, "checks", "test", d], capture_output=True, text=True)
    check(p.returncode == 0, f"checks test over 3 fixtures: no state survives between runs (rc {p.returncode}: "
                             f"{(p.stdout + p.stderr).strip()[-400:]})")


def hostile_security_groups():
    """Issue 17 item 2, from data: a bundle whose services list 60 non-string
    security groups (and tasks reaching edoc.net_reach with them) used to
    overrun the Lua stack in edoc.net_reach and corrupt the heap."""
    with open(os.path.join(SRC, "checks", "network", "tests", "no_route_private_subnet.json")) as fh:
        ev = json.load(fh)
    hits = []

    def walk(o):
        if isinstance(o, dict):
            for k, v in o.items():
                if k == "securityGroups" and isinstance(v, list):
                    o[k] = list(range(1, 61)) + v
                    hits.append(k)
                else:
                    walk(v)
        elif isinstance(o, list):
            for x in o:
                walk(x)
    walk(ev)
    check(hits != [], "hostile_security_groups: the fixture has security group lists to poison")
    path = os.path.join(TMP, "hostile_sg.json")
    with open(path, "w") as fh:
        json.dump(ev, fh)
    p = subprocess.run(["timeout", "-s", "KILL", "120", BIN, "analyze", path, "--output", "json"],
                       capture_output=True)
    err = p.stderr.decode("utf-8", "replace")
    check(p.returncode in (0, 1, 4) and "Sanitizer" not in err and "corrupted" not in err,
          f"hostile_security_groups: no crash (rc {p.returncode}, {err.strip()[-300:]!r})")
    try:
        rep = strict_json(p.stdout.decode("utf-8", "replace"))
    except ValueError as e:
        check(False, f"hostile_security_groups: report is strict JSON ({e})")
        return
    c = next((c for c in rep["checks"] if c["id"] == "net.dependency_unreachable"), {})
    check(c.get("status") == "incomplete" and "not evaluated" in (c.get("message") or ""),
          f"hostile_security_groups: the path is reported unverified, not guessed ({c.get('status')}: "
          f"{c.get('message')})")


def main():
    analyze()
    persist()
    hostile_security_groups()
    print(f"{len(FAILED)} failed")
    shutil.rmtree(TMP, ignore_errors=True)
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
