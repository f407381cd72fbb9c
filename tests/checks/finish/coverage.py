#!/usr/bin/python3
"""Catalog coverage (issue #7): proves that every finding category has a
check, a live end-to-end scenario and documentation.

The categories are the engine's fixed vocabulary (core/engine/finding.c,
minus best_practice). For each one it asserts:
 (a) a check listed by `ecs-doctor checks list --output json` declares it, or
     its source can produce it (the quoted category string in the Lua check
     or in the C plugin's sources);
 (b) a scenario tests/fakeaws/scenarios/<name>.json exists whose expectation
     (tests/checks/*/scenarios.expect.json, run by the e2e_scenarios.py
     beside it) names the category as the top-ranked finding;
 (c) docs/categories.md has a `## <category>` section with its evidence or
     messages and its fix, and the page's contents list all 36 in the
     vocabulary's order.
It also asserts that every listed check declares a known category.
usage: coverage.py ECS_DOCTOR SOURCE_DIR
"""
import glob
import json
import os
import re
import subprocess
import sys


def vocabulary(src):
    text = open(os.path.join(src, "core", "engine", "finding.c"), encoding="utf-8").read()
    body = re.search(r"categories\[\]\s*=\s*\{(.*?)\};", text, re.S)
    cats = re.findall(r'"([a-z_]+)"', body.group(1)) if body else []
    return [c for c in cats if c != "best_practice"]


def check_sources(src, chk):
    """Source files of one listed check: the Lua file, or the plugin's C sources."""
    path = chk.get("path") or ""
    if chk.get("language") == "lua":
        return [path]
    name = os.path.splitext(os.path.basename(path))[0]
    return glob.glob(os.path.join(src, "plugins", name, "*.c"))


def main():
    if len(sys.argv) != 3:
        print("usage: coverage.py ECS_DOCTOR SOURCE_DIR", file=sys.stderr)
        return 2
    exe, src = sys.argv[1], sys.argv[2]
    cats = vocabulary(src)
    errs = []
    if len(cats) != 36:
        errs.append(f"core/engine/finding.c lists {len(cats)} categories besides best_practice, expected 36")

    # (a) checks
    p = subprocess.run([exe, "checks", "list", "--output", "json"], capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        print(f"checks list failed ({p.returncode}): {p.stderr.strip()[:300]}")
        return 1
    checks = json.loads(p.stdout)
    producers = {c: set() for c in cats}
    for chk in checks:
        declared = chk.get("category")
        if declared not in cats and declared != "best_practice":
            errs.append(f"check {chk.get('id')} declares unknown category {declared!r}")
        if declared in producers:
            producers[declared].add(chk["id"])
        for f in check_sources(src, chk):
            try:
                text = open(f, encoding="utf-8").read()
            except OSError:
                continue
            # A quoted category on a line that is not an `explains` list (those
            # name the categories a finding is the root cause of, not its own).
            lines = [ln for ln in text.splitlines() if "explains" not in ln]
            for c in cats:
                if any(f'"{c}"' in ln for ln in lines):
                    producers[c].add(chk["id"])

    # (b) scenarios with an e2e expectation naming the category as top finding
    scen = {c: [] for c in cats}
    for exp_path in sorted(glob.glob(os.path.join(src, "tests", "checks", "*", "scenarios.expect.json"))):
        folder = os.path.dirname(exp_path)
        if not os.path.exists(os.path.join(folder, "e2e_scenarios.py")):
            errs.append(f"{os.path.relpath(exp_path, src)} has no e2e_scenarios.py beside it")
            continue
        for key, exp in json.load(open(exp_path, encoding="utf-8")).items():
            top = exp.get("top_category")
            if top not in scen:
                continue
            name = exp.get("scenario", key)
            path = os.path.join(src, "tests", "fakeaws", "scenarios", name + ".json")
            if not os.path.exists(path):
                errs.append(f"{os.path.relpath(exp_path, src)}: scenario {name}.json does not exist")
                continue
            if not exp.get("remediation_mentions") or not exp.get("evidence_quotes"):
                errs.append(f"{os.path.relpath(exp_path, src)}: {key} asserts no remediation ids or quote")
                continue
            scen[top].append(f"{os.path.basename(folder)}/{name}")

    # (c) docs
    docs = open(os.path.join(src, "docs", "categories.md"), encoding="utf-8").read()
    sections = {}
    parts = re.split(r"^## `?([a-z_]+)`?\s*$", docs, flags=re.M)
    for i in range(1, len(parts), 2):
        sections[parts[i]] = parts[i + 1].split("\n## ")[0]
    toc = [c for c in re.findall(r"\]\(#([a-z_]+)\)", docs) if c in cats]
    if toc != cats:
        errs.append("docs/categories.md's table of contents does not list the 36 categories in order "
                    f"(got {len(toc)})")

    print(f"{'category':38} {'checks':34} scenarios")
    for c in cats:
        miss = []
        if not producers[c]:
            miss.append("no check")
        if not scen[c]:
            miss.append("no e2e scenario")
        if c not in sections:
            miss.append("no docs section")
        elif "**Fix.**" not in sections[c] or not ("**Evidence.**" in sections[c] or "**Messages.**" in sections[c]):
            miss.append("docs section without its evidence/messages and fix")
        print(f"{c:38} {','.join(sorted(producers[c]))[:33]:34} {','.join(scen[c])[:60]}"
              + ("   MISSING: " + ", ".join(miss) if miss else ""))
        errs += [f"{c}: {m}" for m in miss]
    for e in errs:
        print("FAIL " + e)
    print(f"{len(cats)} categories, {len(errs)} problems")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
