#!/usr/bin/python3
"""The man page against the code (issue #21): its SYNOPSIS names every command
of `ecs-doctor --help`, and its ENVIRONMENT section lists exactly the
environment variables the code in core/ reads.

usage: man_page.py ECS_DOCTOR_BINARY SOURCE_DIR

Variables read: the literal arguments of getenv()/secure_getenv()/envv(),
and, for the few calls whose argument is not a literal, the names those call
sites are known to build (listed below with the file they are in). A new
getenv() call with a computed name fails this test until it is listed here.
"""
import glob
import os
import re
import subprocess
import sys

BIN, SRC = sys.argv[1], sys.argv[2]
FAILED = []


def check(cond, what, detail=""):
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        FAILED.append(what)
        if detail:
            print(f"    {detail}")


# getenv(expr) call sites with a computed name: file -> (how many, the names).
INDIRECT = {
    "core/aws/aws.c": (1, set()),  # envv(name): a wrapper; its callers pass literals (below)
    "core/aws/endpoint.c": (1, {"AWS_ENDPOINT_URL_"}),  # AWS_ENDPOINT_URL_<SERVICE>
    "core/engine/engine.c": (1, {"ECS_DOCTOR_CHECK_PATH", "ECS_DOCTOR_PLUGIN_PATH"}),  # load_env_path(var)
    "core/render/render.c": (1, {"LC_ALL", "LC_CTYPE", "LANG"}),  # locale_is_utf8's vars[]
}

code = set()
indirect_seen = {}
for path in sorted(glob.glob(os.path.join(SRC, "core", "**", "*.c"), recursive=True)):
    rel = os.path.relpath(path, SRC)
    text = open(path).read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    # getenv and the wrappers over it (aws.c: envv(name), path_or_home(var, file)).
    for m in re.finditer(r"\b(secure_getenv|getenv|envv|path_or_home)\s*\(\s*([^),]*)[),]", text):
        arg = m.group(2).strip()
        lit = re.fullmatch(r'"([A-Za-z_][A-Za-z0-9_]*)"', arg)
        if lit:
            code.add(lit.group(1))
        elif m.group(1) in ("getenv", "secure_getenv"):
            indirect_seen[rel] = indirect_seen.get(rel, 0) + 1
for rel, n in indirect_seen.items():
    want = INDIRECT.get(rel)
    check(want is not None and want[0] == n, f"{rel}: {n} getenv() call(s) with a computed name are known",
          "list the names such a call reads in INDIRECT")
for rel, (n, names) in INDIRECT.items():
    check(indirect_seen.get(rel, 0) == n, f"{rel}: the known computed getenv() call is still there")
    src = open(os.path.join(SRC, rel)).read()
    for name in names:
        check(f'"{name}' in src, f"{rel}: builds {name}")
    code |= names

man = open(os.path.join(SRC, "docs", "man", "ecs-doctor.1")).read()
env = man.split("\n.SH ENVIRONMENT\n", 1)[1].split("\n.SH ", 1)[0]
documented = set()
for line in env.split("\n"):
    if line.startswith(".B"):
        plain = re.sub(r"\\f[A-Z]", "", line.split(" ", 1)[-1]).replace("\\-", "-")
        for tok in re.findall(r"\b[A-Z][A-Z0-9_]*[A-Z0-9_]\b", plain):
            if tok not in ("SERVICE",):
                documented.add(tok)
check(code - documented == set(), "every variable the code reads is in the man page's ENVIRONMENT",
      sorted(code - documented))
check(documented - code == set(), "every variable of ENVIRONMENT is read by the code", sorted(documented - code))
check(len(code) > 30, f"{len(code)} variables found in core/")

# SYNOPSIS: every command of --help.
helptext = subprocess.run([BIN, "--help"], capture_output=True, text=True).stdout
commands = re.findall(r"^  ([a-z]+) ", helptext.split("commands:", 1)[1].split("\n\n", 1)[0], re.M)
synopsis = man.split("\n.SH SYNOPSIS\n", 1)[1].split("\n.SH ", 1)[0]
in_synopsis = set(re.findall(r"^\.SY ecs\\-doctor\n\.B ([a-z]+)", synopsis, re.M))
check(len(commands) >= 8, f"--help lists {len(commands)} commands")
check(set(commands) <= in_synopsis, "SYNOPSIS names every command", sorted(set(commands) - in_synopsis))

print(f"{len(FAILED)} failed")
sys.exit(1 if FAILED else 0)
