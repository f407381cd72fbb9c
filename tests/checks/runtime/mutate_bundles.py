#!/usr/bin/env python3
"""Robustness test: every runtime check must survive odd evidence.

For each fixture bundle of the given areas, makes N deterministic mutants --
the damage partial collection really does: a field deleted, set to null, or
a list/object emptied, three at a time anywhere below the envelope -- runs
`ecs-doctor analyze` on each and fails when any of this catalog's checks
reports status "error" (a Lua error such as indexing nil).
Usage: mutate_bundles.py ECS_DOCTOR N AREA_DIR...
"""
import glob
import json
import os
import random
import subprocess
import sys
import tempfile

RUNTIME_PREFIXES = ("container.health", "elb.", "placement.", "deployment.", "host.", "general.")
DELETE = object()
REPLACEMENTS = [DELETE, DELETE, None, [], {}]


def paths(doc, prefix=()):
    """Every (container, key) pair below the sections checks read."""
    out = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.append((doc, k))
            out.extend(paths(v))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out.append((doc, i))
            out.extend(paths(v))
    return out


def main():
    binary, n, dirs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    rnd = random.Random(20261127)
    bad = runs = 0
    with tempfile.TemporaryDirectory() as tmp:
        for bundle in sorted(b for d in dirs for b in glob.glob(os.path.join(d, "tests", "*.json"))):
            if bundle.endswith(".expect.json"):
                continue
            base = json.load(open(bundle))
            for i in range(n):
                doc = json.loads(json.dumps(base))
                # Mutate only below the sections, never the schema/target/sources envelope.
                body = {k: doc[k] for k in doc if k not in ("schema", "target", "sources", "tool")}
                cands = paths(body)
                for _ in range(3):
                    cont, key = rnd.choice(cands)
                    if isinstance(cont, dict) and key not in cont:
                        continue  # already removed by an earlier mutation
                    r = rnd.choice(REPLACEMENTS)
                    # Emptying keeps the kind: a list becomes [], an object {}.
                    if r == [] and not isinstance(cont[key], list) or r == {} and not isinstance(cont[key], dict):
                        r = None
                    try:
                        if r is DELETE and isinstance(cont, dict):
                            del cont[key]
                        else:
                            cont[key] = None if r is DELETE else r
                    except (KeyError, IndexError):
                        pass  # already removed by an earlier mutation
                doc.update(body)
                path = os.path.join(tmp, "m.json")
                with open(path, "w") as f:
                    json.dump(doc, f)
                p = subprocess.run([binary, "analyze", path, "--output", "json"], capture_output=True, text=True,
                                   timeout=60)
                runs += 1
                try:
                    rep = json.loads(p.stdout)
                except ValueError:
                    # The engine may refuse a document (e.g. a section of the wrong type) with a usage
                    # error; that is the engine's call, not a check failure.
                    if p.returncode != 2:
                        print(f"FAIL {os.path.basename(bundle)} mutant {i}: no report (exit {p.returncode}) {p.stderr[:200]}")
                        bad += 1
                    continue
                for c in rep.get("checks", []):
                    if c.get("status") == "error" and c.get("id", "").startswith(RUNTIME_PREFIXES):
                        print(f"FAIL {os.path.basename(bundle)} mutant {i}: {c.get('message')}")
                        bad += 1
    print(f"{runs} mutants, {bad} check error(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
