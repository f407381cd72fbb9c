#!/usr/bin/python3
"""Robustness of the checks this catalog owns or fixed (image.not_found,
container.exit, net.subnet_ip_exhausted, cost.fargate_spot,
reliability.deployment_percentages): each fixture bundle of the given dirs is
analysed as is, then as N deterministic mutants -- three fields at a time
deleted, nulled, emptied, or a number turned into a string (what partial
collection and hand-edited bundles do) -- and the test fails when any of these
checks reports status "error" (a Lua error or a plugin failure).
usage: robust.py ECS_DOCTOR N DIR...
"""
import glob
import json
import os
import random
import subprocess
import sys
import tempfile

OWNED = ("image.not_found", "container.exit", "net.subnet_ip_exhausted", "cost.fargate_spot",
         "reliability.deployment_percentages")
DELETE, STRINGIFY = object(), object()
REPLACEMENTS = [DELETE, None, [], {}, STRINGIFY, STRINGIFY]


def paths(doc):
    out = []
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else []
    for k, v in items:
        out.append((doc, k))
        out.extend(paths(v))
    return out


def mutate(doc, rnd):
    body = {k: doc[k] for k in doc if k not in ("schema", "target", "sources", "tool", "window")}
    cands = paths(body)
    nums = [(c, k) for c, k in cands if isinstance(c[k], (int, float)) and not isinstance(c[k], bool)]
    for _ in range(3):
        r = rnd.choice(REPLACEMENTS)
        if r is STRINGIFY and nums:
            cont, key = rnd.choice(nums)
        else:
            cont, key = rnd.choice(cands)
        try:
            cur = cont[key]
        except (KeyError, IndexError):
            continue  # removed by an earlier mutation
        if r is STRINGIFY:
            r = str(cur) if isinstance(cur, (int, float)) else None
        elif r == [] and not isinstance(cur, list) or r == {} and not isinstance(cur, dict):
            r = None
        if r is DELETE and isinstance(cont, dict):
            del cont[key]
        else:
            cont[key] = None if r is DELETE else r
    doc.update(body)


def errors(binary, path):
    p = subprocess.run([binary, "analyze", path, "--output", "json"], capture_output=True, text=True, timeout=60)
    try:
        rep = json.loads(p.stdout)
    except ValueError:
        # The engine may refuse a malformed document with a usage error (exit 2): its call, not a check's.
        return [] if p.returncode == 2 else [f"no report (exit {p.returncode}) {p.stderr[:200]}"]
    return [f"{c.get('id')}: {c.get('message')}" for c in rep.get("checks", [])
            if c.get("status") == "error" and c.get("id") in OWNED]


def main():
    if len(sys.argv) < 4:
        print("usage: robust.py ECS_DOCTOR N DIR...", file=sys.stderr)
        return 2
    binary, n, dirs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    rnd = random.Random(20261127)
    bad = runs = 0
    with tempfile.TemporaryDirectory() as tmp:
        bundles = sorted(b for d in dirs for b in glob.glob(os.path.join(d, "tests", "*.json"))
                         if not b.endswith(".expect.json"))
        for bundle in bundles:
            base = json.load(open(bundle))
            for i in range(n + 1):
                doc = json.loads(json.dumps(base))
                if i:
                    mutate(doc, rnd)
                path = os.path.join(tmp, "m.json")
                with open(path, "w") as f:
                    json.dump(doc, f)
                runs += 1
                for e in errors(binary, path):
                    print(f"FAIL {os.path.relpath(bundle)} {'mutant %d' % i if i else 'as is'}: {e}")
                    bad += 1
    print(f"{len(bundles)} bundles, {runs} runs, {bad} check error(s)")
    return 1 if bad or not bundles else 0


if __name__ == "__main__":
    sys.exit(main())
