#!/usr/bin/python3
"""Generate an evidence bundle with N stopped tasks, for the engine benchmark.

  /usr/bin/python3 bench/gen_bundle.py --tasks 10000 -o /tmp/b10k.json

The base is examples/incident.json (its services, task definitions, target
groups...). Its tasks are replaced by N stopped tasks replicated round-robin
from every distinct stopped task found in examples/incident.json and the
check fixtures (checks/*/tests/*.json, tests/engine/fixtures/*.json), so the
mix of stop reasons is the one the catalog knows. Each copy gets a distinct
task id (ARNs of the task and its containers rewritten) and a stop time spread
over the bundle's window. Deterministic.

  --base BUNDLE  another base: bench/run passes a bundle it collected from the
                 fake demo scenario, which carries the network, IAM, ELB and
                 logs evidence examples/incident.json lacks (its IAM read was
                 denied, it has no network section), so the network path and
                 IAM checks run their whole analysis instead of stopping as
                 incomplete. With such a base each copy is made one of the
                 base's tasks: its service group, its task definition and one
                 of the base tasks' subnets (round-robin) on its ENI.
"""

import argparse
import copy
import glob
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def stopped_tasks(path):
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError):
        return []
    if not isinstance(doc, dict):
        return []
    tasks = doc.get("tasks") or doc.get("evidence", {}).get("tasks") or []
    return [t for t in tasks if isinstance(t, dict) and t.get("lastStatus") == "STOPPED" and t.get("stoppedReason")]


def templates():
    seen, out = set(), []
    files = [os.path.join(ROOT, "examples/incident.json")]
    files += sorted(glob.glob(os.path.join(ROOT, "checks/*/tests/*.json")))
    files += sorted(glob.glob(os.path.join(ROOT, "tests/engine/fixtures/*.json")))
    for p in files:
        if p.endswith(".expect.json"):
            continue
        for t in stopped_tasks(p):
            key = json.dumps([t.get("stopCode"), t.get("stoppedReason"),
                              [(c.get("exitCode"), c.get("reason")) for c in t.get("containers", [])
                               if isinstance(c, dict)]], sort_keys=True)
            if key not in seen:
                seen.add(key)
                out.append(t)
    return out


def eni_subnets(tasks):
    out = []
    for t in tasks:
        for a in t.get("attachments") or []:
            for d in a.get("details") or []:
                if d.get("name") == "subnetId" and d.get("value") not in out:
                    out.append(d["value"])
    return out


def adopt(t, like, subnet):
    """Makes copy t one of the base's tasks: like's service group and task
    definition, and its ENI in subnet (an ENI attachment added if it had none)."""
    for k in ("group", "taskDefinitionArn", "startedBy", "launchType", "platformVersion", "availabilityZone"):
        if k in like:
            t[k] = like[k]
    atts = [a for a in t.get("attachments") or [] if a.get("type") == "ElasticNetworkInterface"]
    if not atts:
        atts = [copy.deepcopy(a) for a in like.get("attachments") or [] if a.get("type") == "ElasticNetworkInterface"]
        t["attachments"] = atts + [a for a in t.get("attachments") or [] if a.get("type") != "ElasticNetworkInterface"]
    for a in atts:
        for d in a.get("details") or []:
            if d.get("name") == "subnetId":
                d["value"] = subnet


def build(n, base_path=None):
    with open(base_path or os.path.join(ROOT, "examples/incident.json")) as f:
        base = json.load(f)
    rich = bool(base_path)
    like = [t for t in base["tasks"] if t.get("lastStatus") == "STOPPED"] or base["tasks"]
    subnets = eni_subnets(base["tasks"])
    tmpl = templates()
    if not tmpl:
        sys.exit("gen_bundle: no stopped task templates found")
    since, until = base["window"]["since"], base["window"]["until"]
    span = max(1.0, float(until - since - 120))
    cluster = base["tasks"][0]["clusterArn"].rsplit("/", 1)[1]
    prefix = base["tasks"][0]["taskArn"].rsplit("/", 1)[0]
    # Keep the running tasks of the base: checks compare them with the stopped ones.
    tasks = [t for t in base["tasks"] if t.get("lastStatus") != "STOPPED"]
    for i in range(n):
        t = copy.deepcopy(tmpl[i % len(tmpl)])
        tid = "%032x" % (0xbe9c0000000000000000000000000000 + i)
        arn = "%s/%s" % (prefix, tid)
        old = t.get("taskArn", "")
        t["taskArn"] = arn
        t["clusterArn"] = base["tasks"][0]["clusterArn"]
        stop = until - 60 - span * (i / max(1, n))
        t["stoppedAt"], t["stoppingAt"] = round(stop, 3), round(stop - 3, 3)
        t["createdAt"] = round(stop - 90, 3)
        if "startedAt" in t:
            t["startedAt"] = round(stop - 60, 3)
        for k, c in enumerate(t.get("containers", [])):
            c["taskArn"] = arn
            c["containerArn"] = "arn:aws:ecs:us-east-1:123456789012:container/%s/%s/%d" % (cluster, tid, k)
        if old and t.get("group") is None:
            t["group"] = "service:" + base["services"][0]["serviceName"]
        if rich and subnets:
            adopt(t, like[i % len(like)], subnets[i % len(subnets)])
        tasks.append(t)
    base["tasks"] = tasks
    return base, len(tmpl)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, required=True)
    ap.add_argument("--base", help="base bundle (default examples/incident.json)")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    doc, kinds = build(a.tasks, a.base)
    with open(a.output, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    print("gen_bundle: %d stopped tasks from %d distinct templates -> %s" % (a.tasks, kinds, a.output))


if __name__ == "__main__":
    main()
