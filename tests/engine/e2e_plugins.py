#!/usr/bin/python3
"""End-to-end: broken team checks are visible, and plugins cannot take the run
down (issue 17, items 4-6). The real binary over the healthy fixture.

usage: e2e_plugins.py ECS_DOCTOR_BINARY SOURCE_DIR TEST_PLUGIN_DIR HOSTILE_PLUGIN_DIR

(broken) Lua checks with a syntax error, an unknown category, an unknown
    `needs` source, and a plugin refused for its ABI: each is an `error` in
    JSON checks[] (with its message and load_error), listed in text and
    Markdown, an errored JUnit test case; the verdict is inconclusive (never
    healthy) and the exit code 4; `--skip` of the broken id silences it;
    `checks test` fails on a folder whose check does not load even when its
    fixture only expects `absent` findings.
(isolated) plugins that segfault, abort, loop forever, write garbage to the
    result pipe, exit(0) early or write past the result cap run next to a good
    plugin: each one is that plugin's check error, named, with the signal or
    "timed out after N s"; the good plugin's finding and the default checks'
    results are in the report, which is valid JSON; exit 4 (inconclusive), not
    139. `--no-plugins` loads none of them.
(loading) relative ECS_DOCTOR_PLUGIN_PATH entries are refused with one line;
    a plugin in a folder whose parent is group/world-writable is refused; a
    refused plugin's constructor never runs.
"""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time

BIN, SRC, PLUGDIR, HOSTILE = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
HEALTHY = os.path.join(SRC, "tests", "engine", "fixtures", "healthy.json")
TMP = tempfile.mkdtemp(prefix="edoc-plugins-e2e-")
os.chmod(TMP, 0o700)
FAILED = []


def check(cond, what):
    print(f"{'ok' if cond else 'not ok'} - {what}", flush=True)
    if not cond:
        FAILED.append(what)
    return cond


def run(args, env=None, timeout=120):
    e = dict(os.environ)
    e.pop("ECS_DOCTOR_PLUGIN_PATH", None)
    e.pop("ECS_DOCTOR_CHECK_PATH", None)
    e["HOME"] = TMP
    if env:
        e.update(env)
    t0 = time.time()
    p = subprocess.run(["timeout", "-s", "KILL", str(timeout), BIN] + args, capture_output=True, env=e)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), time.time() - t0


def private_dir(name):
    d = os.path.join(TMP, name)
    os.makedirs(d, exist_ok=True)
    os.chmod(d, 0o700)
    return d


def copy_plugin(name, into, src=None):
    dst = os.path.join(into, name + ".so")
    shutil.copy(os.path.join(src or PLUGDIR, name + ".so"), dst)
    os.chmod(dst, 0o700)
    return dst


BROKEN_LUA = {
    "syntax.lua": "return { id = 'team.syntax', category = 'unknown_failure', run = function(ev) if then end }\n",
    "category.lua": "return { id = 'team.category', category = 'no_such_category', run = function(ev) end }\n",
    "needs.lua": "return { id = 'team.needs', category = 'unknown_failure', needs = { 'ecs.taskz' }, "
                 "run = function(ev) end }\n",
}


def broken():
    d = private_dir("broken")
    for name, text in BROKEN_LUA.items():
        with open(os.path.join(d, name), "w") as fh:
            fh.write(text)
    pd = private_dir("broken_plugins")
    copy_plugin("abi_mismatch", pd)
    rc, out, err, _ = run(["analyze", HEALTHY, "--check-dir", d, "--plugin-dir", pd, "--output", "json"])
    check(rc == 4, f"broken checks: exit 4 (inconclusive), not 0 (rc {rc}; {err.strip()[-300:]})")
    try:
        rep = json.loads(out)
    except ValueError as e:
        check(False, f"broken checks: JSON report ({e})")
        return
    check(rep["verdict"] == "inconclusive", f"broken checks: verdict inconclusive ({rep['verdict']})")
    check("check" in rep["summary"] and "failed" in rep["summary"], f"broken checks: summary says so ({rep['summary']})")
    errs = {c["source"]: c for c in rep["checks"] if c["status"] == "error"}
    want = {
        "lua:" + os.path.join(d, "syntax.lua"): "syntax.lua:1:",
        "lua:" + os.path.join(d, "category.lua"): "unknown category 'no_such_category'",
        "lua:" + os.path.join(d, "needs.lua"): "unknown evidence source 'ecs.taskz'",
        "plugin:" + os.path.join(pd, "abi_mismatch.so"): "ABI version 99",
    }
    for src, words in want.items():
        c = errs.get(src)
        check(c is not None and words in (c.get("message") or "") and c.get("load_error") is True,
              f"broken checks: {os.path.basename(src)} is an error in checks[] naming '{words}' ({c})")
    for fmt, probe in (("text", "syntax.lua"), ("markdown", "category.lua"), ("junit", "ABI version 99")):
        rc2, out2, _, _ = run(["analyze", HEALTHY, "--check-dir", d, "--plugin-dir", pd, "--output", fmt])
        check(rc2 == 4 and probe in out2 and "HEALTHY" not in out2.replace("INCONCLUSIVE", ""),
              f"broken checks: --output {fmt} lists the failures and does not say healthy (rc {rc2})")
        if fmt == "junit":
            check(out2.count("type=\"check_error\"") >= 4, "broken checks: JUnit has an errored test case each")
    rc, out, _, _ = run(["analyze", HEALTHY, "--check-dir", d, "--output", "json",
                         "--skip", "team.needs", "--skip", "*/category.lua", "--skip", "*/syntax.lua"])
    rep = json.loads(out) if out.strip().startswith("{") else {}
    check(rc == 0 and rep.get("verdict") == "healthy",
          f"broken checks: --skip silences known-broken checks by id or file (rc {rc}, {rep.get('verdict')})")
    # checks test: a folder whose check does not load fails, even with absent-only fixtures.
    t = private_dir("team")
    os.makedirs(os.path.join(t, "tests"), exist_ok=True)
    with open(os.path.join(t, "broken.lua"), "w") as fh:
        fh.write(BROKEN_LUA["syntax.lua"])
    shutil.copy(HEALTHY, os.path.join(t, "tests", "ok.json"))
    with open(os.path.join(t, "tests", "ok.expect.json"), "w") as fh:
        json.dump({"absent": ["team.syntax"]}, fh)
    rc, out, err, _ = run(["checks", "test", t])
    check(rc != 0 and "does not load" in out and "broken.lua" in out,
          f"checks test fails on a check that does not load (rc {rc}: {out.strip()[-300:]})")


HOSTILE_EXPECT = {
    "hostile.segv": "crashed with signal 11",
    "hostile.abort": "crashed with signal 6",
    "hostile.loop": "timed out after 3 s",
    "hostile.garbage": "unreadable result",
    "hostile.exit": "exited with status 0 before reporting a result",
}


def isolated():
    d = private_dir("hostile")
    for name in ("segv", "abort", "loop", "garbage", "exit", "zz_good"):
        copy_plugin(name, d, HOSTILE)
    # Under ASan its SEGV handler (which a program cannot replace) would turn the
    # plugin's fault into a report and exit 1: let the fault be a signal, as
    # in a release build.
    asan = os.environ.get("ASAN_OPTIONS", "")
    asan = (asan + ":" if asan else "") + "handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0"
    rc, out, err, took = run(["analyze", os.path.join(SRC, "tests", "engine", "fixtures", "pull_and_oom.json"),
                              "--plugin-dir", d, "--output", "json", "--deadline", "3s"], env={"ASAN_OPTIONS": asan})
    check(rc == 1 and took < 60, f"hostile plugins: the run ends with its own exit code (1: findings), not 139, "
                                 f"in {took:.1f}s (rc {rc}; {err.strip()[-300:]})")
    try:
        rep = json.loads(out)
    except ValueError as e:
        check(False, f"hostile plugins: stdout is the JSON report, nothing a plugin printed ({e}: {out[:200]!r})")
        return
    checks = {c["id"]: c for c in rep["checks"]}
    for cid, words in HOSTILE_EXPECT.items():
        c = checks.get(cid, {})
        msg = c.get("message") or ""
        check(c.get("status") == "error" and words in msg and os.path.join(d, cid.split(".")[1] + ".so") in msg,
              f"hostile plugins: {cid} is an error naming the plugin and '{words}' ({c.get('status')}: {msg})")
    check(not any(f["check"] in HOSTILE_EXPECT for f in rep["findings"]),
          "hostile plugins: nothing of a failed plugin's run reaches the report")
    good = [f for f in rep["findings"] if f["check"] == "hostile.zz_good"]
    check(len(good) == 1 and good[0]["count"] == 3 and good[0]["resources"] == ["sg-0123"] and
          good[0]["evidence"][0]["value"] == "web-service" and good[0]["remediation"][0]["command"] == "echo hi",
          f"hostile plugins: the good plugin's finding came back intact ({good})")
    check(any(f["check"] == "image.not_found" for f in rep["findings"]),
          "hostile plugins: the default checks still report theirs")
    check(rep["verdict"] != "healthy", f"hostile plugins: verdict not healthy ({rep['verdict']})")
    check("Sanitizer" not in err, "hostile plugins: no sanitizer report")
    # --no-plugins: none of them is loaded, from the flag's folder or the path.
    rc, out, err, _ = run(["analyze", HEALTHY, "--plugin-dir", d, "--no-plugins", "--output", "json"],
                          env={"ECS_DOCTOR_PLUGIN_PATH": d})
    rep = json.loads(out) if out.strip().startswith("{") else {"checks": []}
    check(rc == 0 and not any(c["source"].startswith("plugin:") for c in rep["checks"]),
          f"--no-plugins: no plugin loaded or run (rc {rc})")


def loading():
    good = private_dir("rel")
    copy_plugin("zz_good", good, HOSTILE)
    # A relative search-path entry would load from the working directory.
    e = dict(os.environ, ECS_DOCTOR_PLUGIN_PATH="rel")
    e["HOME"] = TMP
    p = subprocess.run([BIN, "analyze", HEALTHY, "--output", "json"], cwd=TMP, env=e, capture_output=True, text=True,
                       timeout=120)
    lines = [ln for ln in p.stderr.splitlines() if "relative entry" in ln]
    rep = json.loads(p.stdout) if p.stdout.strip().startswith("{") else {"checks": []}
    check(len(lines) == 1 and "ECS_DOCTOR_PLUGIN_PATH: relative entry 'rel' refused (use an absolute path)" in lines[0]
          and not any(c["id"] == "hostile.zz_good" for c in rep["checks"]) and p.returncode == 4,
          f"relative ECS_DOCTOR_PLUGIN_PATH entry refused with one line, nothing loaded from the cwd "
          f"(rc {p.returncode}; {p.stderr.strip()[-300:]})")
    # The absolute form of the same folder loads (the refusal is about the form).
    rc, out, err, _ = run(["analyze", HEALTHY, "--output", "json"], env={"ECS_DOCTOR_PLUGIN_PATH": good})
    check('"hostile.zz_good"' in out, f"absolute ECS_DOCTOR_PLUGIN_PATH entry loads ({err.strip()[-200:]})")
    # A safe folder under a world-writable (not sticky) parent: whoever can
    # write the parent can rename the folder away and put another in its place.
    parent = os.path.join(TMP, "open_parent")
    os.makedirs(parent)
    os.chmod(parent, 0o777)
    child = os.path.join(parent, "plugins")
    os.makedirs(child)
    os.chmod(child, 0o700)
    copy_plugin("zz_good", child, HOSTILE)
    rc, out, err, _ = run(["analyze", HEALTHY, "--plugin-dir", child, "--output", "json"])
    check(f"refused: folder {parent} is writable by group or others" in err and '"hostile.zz_good"' not in
          out.replace('"id": "hostile.zz_good"', ""),
          f"a plugin below a world-writable parent folder is refused ({err.strip()[-300:]})")
    os.chmod(parent, 0o700)
    # A symlink (in a safe folder) to a plugin in a safe folder still loads.
    links = private_dir("links")
    os.symlink(os.path.join(good, "zz_good.so"), os.path.join(links, "linked.so"))
    rc, out, err, _ = run(["analyze", HEALTHY, "--plugin-dir", links, "--output", "json"])
    check('"hostile.zz_good"' in out, f"a symlinked plugin in safe folders loads ({err.strip()[-200:]})")
    # Refused objects never run a line of code: their constructors leave a mark.
    for name, words in (("ctor_abi", "ABI version 99"), ("ctor_nosym", "no 'edoc_plugin_v1' symbol")):
        d = private_dir("ctor_" + name)
        copy_plugin(name, d, HOSTILE)
        marker = os.path.join(TMP, name + ".ran")
        rc, out, err, _ = run(["analyze", HEALTHY, "--plugin-dir", d, "--output", "json"],
                              env={"EDOC_CTOR_MARKER": marker})
        check(words in err and not os.path.exists(marker),
              f"{name}: refused before its constructor ran ({err.strip()[-200:]}; marker "
              f"{'present' if os.path.exists(marker) else 'absent'})")
    # Not an ELF object at all: refused from the file, not by dlopen.
    d = private_dir("notelf")
    with open(os.path.join(d, "text.so"), "w") as fh:
        fh.write("#!/bin/sh\necho hi\n")
    rc, out, err, _ = run(["analyze", HEALTHY, "--plugin-dir", d, "--output", "json"])
    check("text.so: refused: not an ELF shared object" in err, f"a non-ELF .so is refused ({err.strip()[-200:]})")


def main():
    broken()
    isolated()
    loading()
    print(f"{len(FAILED)} failed")
    shutil.rmtree(TMP, ignore_errors=True)
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
