#!/usr/bin/python3
"""End-to-end tests of evidence collection: the real ecs-doctor binary against
the fake AWS server (tests/fakeaws), on its scenarios.

usage: e2e_collect.py ECS_DOCTOR_BINARY SOURCE_DIR

Covers: every source on the healthy and the failure (demo) scenario, a caller
whose policy lacks actions (--deny), not-found targets (exit 2) and bad
credentials (exit 3), --deadline, redaction of the saved bundle and of live
output, task and cluster targets, and the call log: no mutating call, no
identical call twice, DescribeTasks batched by 100, calls overlapping in time.
Finally `collect` + `analyze` must give the findings the live run gives.
Exits 77 (skipped) when the fake server is not in the tree.
"""
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

BIN, SRC = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(SRC, "tests", "fakeaws"))
import harness  # noqa: E402
SCEN = os.path.join(SRC, "tests", "fakeaws", "scenarios")
TMP = tempfile.mkdtemp(prefix="edoc-collect-e2e-")
FAILED = []

ENV = harness.env(TMP)

# Sources this issue fills (cloudtrail/metrics are issue 12; capacity is
# skipped on Fargate-only scenarios).
SOURCES = ["ecs.cluster", "ecs.services", "ecs.tasks", "ecs.task_definitions", "elb.target_groups",
           "elb.target_health", "elb.load_balancers", "iam.roles", "ec2.subnets", "ec2.route_tables",
           "ec2.gateways", "ec2.vpc_endpoints", "ec2.security_groups", "ec2.network_acls", "logs",
           "ecr.images", "secrets", "scaling"]


def check(cond, what):
    if cond:
        print(f"ok - {what}")
    else:
        print(f"not ok - {what}")
        FAILED.append(what)
    return cond


def Fake(scenario, *flags):
    return harness.Fake(scenario, TMP, *flags)

def run(fake, *args, env=None):
    e = dict(ENV)
    e.update(env or {})
    return subprocess.run([BIN, *args, "--endpoint-url", fake.url], env=e, capture_output=True, text=True,
                          timeout=120)


def collect(fake, kind, name, *extra):
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)
    out = os.path.join(TMP, f"ev-{kind}-{safe}-{time.time_ns()}.json")
    r = run(fake, "collect", kind, name, "-o", out, *extra)
    ev = None
    if r.returncode == 0 and os.path.exists(out):
        with open(out) as f:
            text = f.read()
        ev = json.loads(text)
        ev["_text"] = text
        ev["_path"] = out
    return r, ev


def check_call_log(calls, label):
    check(len(calls) > 0, f"{label}: calls were logged")
    writes = [c for c in calls if c.get("mutating") or not c["operation"].startswith(("Describe", "List", "Get", "Lookup"))]
    check(not writes, f"{label}: no mutating call ({[c['operation'] for c in writes]})")
    keys = {}
    for c in calls:
        k = (c["service"], c["operation"], json.dumps(c.get("params"), sort_keys=True))
        keys[k] = keys.get(k, 0) + 1
    dups = [k[:2] for k, n in keys.items() if n > 1]
    check(not dups, f"{label}: no identical call twice ({dups})")
    dt = [c for c in calls if c["operation"] == "DescribeTasks"]
    ntasks = set()
    for c in dt:
        tasks = (c.get("params") or {}).get("tasks") or []
        check(len(tasks) <= 100, f"{label}: DescribeTasks asks for at most 100 tasks")
        ntasks.update(tasks)
    check(len(dt) <= max(1, math.ceil(len(ntasks) / 100)),
          f"{label}: {len(dt)} DescribeTasks for {len(ntasks)} tasks (<= 1 per 100)")


def max_overlap(calls):
    ev = sorted([(c["start"], 1) for c in calls] + [(c["end"], -1) for c in calls], key=lambda x: (x[0], x[1]))
    cur = best = 0
    for _, d in ev:
        cur += d
        best = max(best, cur)
    return best


def test_scenario(name, service="web-service", cluster="prod"):
    label = name
    with Fake(os.path.join(SCEN, f"{name}.json"), "--latency", "40") as fake:
        r, ev = collect(fake, "service", service, "--cluster", cluster)
        if not check(r.returncode == 0 and ev, f"{label}: collect exits 0 ({r.returncode}: {r.stderr.strip()})"):
            return
        calls = fake.calls()
        check(ev["schema"] == "ecs-doctor/evidence/v1", f"{label}: schema")
        t = ev["target"]
        check(t["kind"] == "service" and t["service"] == service and t["cluster"] == cluster
              and t["account"] == "123456789012" and t["region"] == "us-east-1"
              and t["cluster_arn"].endswith(f":cluster/{cluster}"), f"{label}: target {t}")
        st = ev["sources"]
        bad = {k: v for k, v in st.items() if v["status"] in ("error", "denied", "partial")}
        check(not bad, f"{label}: no source failed ({bad})")
        for s in SOURCES:
            check(st.get(s, {}).get("status") in ("ok", "skipped"), f"{label}: source {s} recorded")
        for s in ("ecs.cluster", "ecs.services", "ecs.tasks", "ecs.task_definitions", "elb.target_groups",
                  "elb.target_health", "elb.load_balancers", "iam.roles", "ec2.subnets", "ec2.route_tables",
                  "ec2.gateways", "ec2.vpc_endpoints", "ec2.security_groups", "ec2.network_acls", "logs",
                  "ecr.images", "scaling"):
            check(st[s]["status"] == "ok", f"{label}: source {s} ok ({st[s]})")
        check(st["ecs.capacity"]["status"] == "skipped" and st["ecs.capacity"].get("reason"),
              f"{label}: capacity skipped with a reason on Fargate")
        check(ev["cluster"]["clusterName"] == cluster, f"{label}: cluster object")
        svc = ev["services"][0]
        check(svc["serviceName"] == service and "deployments" in svc and len(svc.get("events", [])) <= 100,
              f"{label}: service object")
        check(len(ev["tasks"]) > 0 and all("taskArn" in x for x in ev["tasks"]), f"{label}: tasks")
        used = {d["taskDefinition"] for d in svc["deployments"]}
        check(used <= set(ev["task_definitions"]), f"{label}: deployments' task definitions present")
        check(any(len(v) >= 1 for v in ev["task_definition_history"].values()), f"{label}: family history")
        tgs = ev["elb"]["target_groups"]
        check(tgs and all("TargetHealthDescriptions" in g and "Attributes" in g and "TargetGroupArn" in g
                          for g in tgs.values()), f"{label}: target groups with health and attributes")
        lbs = ev["elb"]["load_balancers"]
        check(lbs and all("Listeners" in b and "Scheme" in b for b in lbs.values()), f"{label}: load balancers")
        roles = ev["iam"]["roles"]
        check(roles and all(isinstance(x.get("AssumeRolePolicyDocument"), dict) for x in roles.values()),
              f"{label}: roles with parsed trust policy")
        check(any(isinstance(p.get("Document"), dict) for x in roles.values() for p in x.get("AttachedPolicies", [])),
              f"{label}: attached policy documents parsed")
        net = ev["network"]
        for sec in ("subnets", "vpcs", "route_tables", "security_groups", "network_acls", "internet_gateways"):
            check(len(net.get(sec, {})) > 0, f"{label}: network.{sec} filled")
        check("vpc_endpoints" in net and "nat_gateways" in net, f"{label}: endpoints and NAT sections present")
        check(all(g.get("exists") is not None for g in ev["logs"]["groups"].values()), f"{label}: log groups")
        check(len(ev["images"]) > 0 and all(i["exists"] in (True, False) for i in ev["images"].values()
                                             if i["registry"] == "ecr"), f"{label}: ECR images checked")
        check("scalable_targets" in ev["scaling"], f"{label}: scaling")
        check_call_log(calls, label)
        ov = max_overlap(calls)
        check(ov >= 4, f"{label}: calls overlap in time (max {ov} in flight)")
        span = max(c["end"] for c in calls) - min(c["start"] for c in calls)
        total = sum(c["latency_ms"] for c in calls) / 1000.0
        check(span < total / 3, f"{label}: wall {span:.2f}s << serial {total:.2f}s ({len(calls)} calls)")

        # collect + analyze == the live run (same fake, same facts).
        live = run(fake, "service", service, "--cluster", cluster, "--output", "json")
        replay = subprocess.run([BIN, "analyze", ev["_path"], "--output", "json"], env=ENV,
                                capture_output=True, text=True, timeout=60)
        check(live.returncode == replay.returncode,
              f"{label}: live and replay exit alike ({live.returncode} vs {replay.returncode})")
        try:
            a, b = json.loads(live.stdout), json.loads(replay.stdout)
            for k in ("verdict", "findings", "evidence_gaps"):
                check(a.get(k) == b.get(k), f"{label}: live and replay agree on {k}")
        except ValueError:
            check(False, f"{label}: reports are JSON ({live.stderr.strip()} / {replay.stderr.strip()})")


def test_denied():
    label = "deny"
    deny = ("iam:GetRole,iam:ListAttachedRolePolicies,iam:ListRolePolicies,ec2:DescribeVpcEndpoints,"
            "elasticloadbalancing:DescribeTargetHealth,logs:GetLogEvents")
    with Fake(os.path.join(SCEN, "demo.json"), "--deny", deny) as fake:
        r, ev = collect(fake, "service", "web-service", "--cluster", "prod")
        if not check(r.returncode == 0 and ev, f"{label}: collect still succeeds ({r.stderr.strip()})"):
            return
        st = ev["sources"]
        for src, action in (("iam.roles", "iam:GetRole"), ("ec2.vpc_endpoints", "ec2:DescribeVpcEndpoints"),
                            ("elb.target_health", "elasticloadbalancing:DescribeTargetHealth")):
            check(st[src]["status"] == "denied", f"{label}: {src} denied ({st[src]['status']})")
            check(any(e.get("action") == action for e in st[src].get("errors", [])),
                  f"{label}: {src} names the missing action {action}")
        check(st["logs"]["status"] == "partial", f"{label}: logs partial (groups read, streams denied): {st['logs']['status']}")
        check(any(e.get("action") == "logs:GetLogEvents" for e in st["logs"].get("errors", [])),
              f"{label}: logs names logs:GetLogEvents")
        check(st["ecs.services"]["status"] == "ok" and st["elb.target_groups"]["status"] == "ok",
              f"{label}: other sources unaffected")
        live = run(fake, "service", "web-service", "--cluster", "prod", "--output", "json")
        check(live.returncode not in (2, 3), f"{label}: live report still produced (exit {live.returncode})")
        try:
            rep = json.loads(live.stdout)
            check(rep.get("schema") == "ecs-doctor/report/v1", f"{label}: report document")
        except ValueError:
            check(False, f"{label}: report is JSON: {live.stderr.strip()}")


def test_errors():
    with Fake(os.path.join(SCEN, "demo.json")) as fake:
        r = run(fake, "service", "web-servic", "--cluster", "prod")
        check(r.returncode == 2, f"not found: exit 2 ({r.returncode})")
        check("not found" in r.stderr and "did you mean: web-service" in r.stderr and r.stderr.count("\n") == 1,
              f"not found: one line with a near match ({r.stderr.strip()})")
        r = run(fake, "service", "web-service", "--cluster", "nope")
        check(r.returncode == 2 and "cluster 'nope' not found" in r.stderr, f"missing cluster: exit 2 ({r.stderr.strip()})")
        r = run(fake, "service", "web-service", "--cluster", "prd")
        check(r.returncode == 2 and "did you mean: prod" in r.stderr and r.stderr.count("\n") == 1,
              f"missing cluster: one line with a near match ({r.stderr.strip()})")
        r = run(fake, "task", "0123456789abcdef", "--cluster", "prod")
        check(r.returncode == 2 and "task '0123456789abcdef' not found" in r.stderr, f"missing task: exit 2")
        r = run(fake, "service", "web-service", "--cluster", "prod", env={"AWS_SECRET_ACCESS_KEY": "wrong"})
        check(r.returncode == 3 and r.stderr.count("\n") == 1, f"bad credentials: exit 3, one line ({r.stderr.strip()})")
        r = run(fake, "collect", "service", "web-service", "--cluster", "prod")
        check(r.returncode == 2 and "-o FILE" in r.stderr, "collect without -o: usage error")
        r = run(fake, "collect", "pod", "x", "-o", os.path.join(TMP, "x.json"))
        check(r.returncode == 2, "collect with an unknown kind: usage error")
        # Not a terminal and no --verbose: one line, where the bundle went and its size (issue #21).
        r, ev = collect(fake, "service", "web-service", "--cluster", "prod")
        check(r.returncode == 0 and r.stderr.count("\n") == 1 and " written to " in r.stderr and " KB" in r.stderr,
              f"one line on stderr when it is not a terminal ({r.stderr!r})")
        r, ev = collect(fake, "service", "web-service", "--cluster", "prod", "--verbose")
        check("round trips deep" in r.stderr, "--verbose reports progress and depth")


def test_primary_denied():
    with Fake(os.path.join(SCEN, "demo.json"), "--deny", "ecs:DescribeServices") as fake:
        r = run(fake, "service", "web-service", "--cluster", "prod")
        check(r.returncode == 3 and "ecs:DescribeServices" in r.stderr and r.stderr.count("\n") == 1,
              f"target unreadable: exit 3, one line ({r.stderr.strip()})")


def collect_variant(label, scn):
    """Collects web-service from a scenario built in the test; (evidence,
    calls), or (None, calls) with the failure reported."""
    path = os.path.join(TMP, f"{label}.json")
    with open(path, "w") as f:
        json.dump(scn, f)
    with Fake(path) as fake:
        r, ev = collect(fake, "service", "web-service", "--cluster", "prod")
        check(r.returncode == 0 and ev, f"{label}: collect exits 0 ({r.returncode}: {r.stderr.strip()})")
        return (ev if r.returncode == 0 else None), fake.calls()


def test_cross_region():
    """An image, a secret, a parameter and the logs in another region of the
    partition are looked up there, signed for that region; an image in
    another partition is not asked."""
    with open(os.path.join(SCEN, "demo.json")) as f:
        text = f.read()
    scn = json.loads(text.replace(".dkr.ecr.us-east-1.", ".dkr.ecr.eu-west-1.")
                     .replace("arn:aws:secretsmanager:us-east-1:", "arn:aws:secretsmanager:eu-west-1:")
                     .replace('"awslogs-region": "us-east-1"', '"awslogs-region": "eu-west-1"'))
    scn["otherRegions"] = ["eu-west-1"]
    param = "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/web-service/feature-flags"
    for td in scn["ecs"]["taskDefinitions"]:
        td["containerDefinitions"][0].setdefault("secrets", []).append({"name": "FLAGS", "valueFrom": param})
    ev, calls = collect_variant("cross-region", scn)
    if ev:
        imgs = {k: v for k, v in ev.get("images", {}).items() if ".dkr.ecr.eu-west-1." in k}
        check(imgs and all(v.get("region") == "eu-west-1" and v.get("exists") is not None and not v.get("error")
                           for v in imgs.values()), f"cross-region: images looked up in eu-west-1: {imgs}")
        secs = {k: v for k, v in ev.get("secrets", {}).items() if ":eu-west-1:" in k}
        check(len(secs) == 2 and all(v.get("exists") is True for v in secs.values()),
              f"cross-region: secret and parameter looked up in eu-west-1: {secs}")
        streams = ev.get("logs", {}).get("streams", {})
        check(streams and all(v.get("region") == "eu-west-1" and "events" in v for v in streams.values()),
              f"cross-region: log streams read in eu-west-1: {list(streams)}")
        check(all(ev["sources"][s]["status"] == "ok" for s in ("ecr.images", "secrets", "logs")),
              "cross-region: images, secrets and logs ok")
        where = {(c.get("operation"), c.get("region")) for c in calls
                 if c.get("service") in ("ecr", "secretsmanager", "ssm", "logs")}
        check(where == {("DescribeImages", "eu-west-1"), ("DescribeSecret", "eu-west-1"),
                        ("GetParameters", "eu-west-1"), ("DescribeLogGroups", "eu-west-1"),
                        ("GetLogEvents", "eu-west-1")}, f"cross-region: signed for eu-west-1: {where}")
        check(all(c.get("region") == "us-east-1" for c in calls if c.get("service") == "ecs"),
              "cross-region: the rest stays in the client's region")
    # Another partition: recorded, never asked.
    ev, calls = collect_variant("cross-partition", json.loads(text.replace(
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/", "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/")))
    if ev:
        imgs = {k: v for k, v in ev.get("images", {}).items() if "cn-north-1" in k}
        check(imgs and all((v.get("error") or {}).get("code") == "CrossPartition" for v in imgs.values()),
              f"cross-partition: recorded as CrossPartition: {imgs}")
        check(not [c for c in calls if c.get("operation") == "DescribeImages"],
              "cross-partition: no DescribeImages call")


def test_kinds():
    with Fake(os.path.join(SCEN, "demo.json")) as fake:
        r, ev = collect(fake, "task", "c0ffee00c0ffee00c0ffee00c0ffee02", "--cluster", "prod")
        if check(r.returncode == 0 and ev, f"task target collected ({r.stderr.strip()})"):
            check(ev["target"]["kind"] == "task" and len(ev["tasks"]) == 1, "task target: one task")
            check(ev["services"][0]["serviceName"] == "web-service", "task target: its service")
            check(len(ev["logs"]["streams"]) == 1 and
                  any(len(s.get("events", [])) > 0 for s in ev["logs"]["streams"].values()),
                  "task target: the running task's log lines")
        arn = "arn:aws:ecs:us-east-1:123456789012:service/prod/web-service"
        r, ev = collect(fake, "service", arn)
        check(r.returncode == 0 and ev and ev["target"]["cluster"] == "prod", "service ARN implies its cluster")
        fake.reset_log()
        r, ev = collect(fake, "cluster", "prod")
        if check(r.returncode == 0 and ev, f"cluster target collected ({r.stderr.strip()})"):
            check(ev["target"]["kind"] == "cluster" and ev["target"]["services"] == ["web-service"],
                  "cluster target: every service")
            check_call_log(fake.calls(), "cluster")


def test_deadline():
    # IAM answers after 6 s; the 1 s deadline must end the run long before
    # (the margin absorbs a sanitizer build on a loaded machine).
    with Fake(os.path.join(SCEN, "demo.json"), "--latency", "6000@iam") as fake:
        t0 = time.time()
        r, ev = collect(fake, "service", "web-service", "--cluster", "prod", "--deadline", "1s")
        took = time.time() - t0
        if check(r.returncode == 0 and ev, f"deadline: collect still succeeds ({r.stderr.strip()})"):
            st = ev["sources"]["iam.roles"]
            check(st["status"] == "skipped" and st.get("reason") == "deadline", f"deadline: iam.roles skipped ({st})")
            check(ev["sources"]["ecs.services"]["status"] == "ok", "deadline: finished sources kept")
        check(took < 5, f"deadline: run ended at the deadline, not when IAM answered ({took:.2f}s)")


def test_redaction():
    with open(os.path.join(SCEN, "demo.json")) as f:
        sc = json.load(f)
    for td in sc["ecs"]["taskDefinitions"]:
        for c in td.get("containerDefinitions", []):
            c.setdefault("environment", []).append({"name": "STRIPE_KEY", "value": "sk_live_E2ESECRETVALUE"})
    for g in sc["logs"]["logGroups"]:
        for s in g.get("streams", []):
            s["events"].append({"timestamp": "-1m", "message": "boot with AKIAIOSFODNN7EXAMPLE password=hunter2e2e"})
    path = os.path.join(TMP, "redaction.json")
    with open(path, "w") as f:
        json.dump(sc, f)
    secrets = ("sk_live_E2ESECRETVALUE", "AKIAIOSFODNN7EXAMPLE", "hunter2e2e")
    with Fake(path) as fake:
        r, ev = collect(fake, "service", "web-service", "--cluster", "prod")
        if check(r.returncode == 0 and ev, f"redaction: collected ({r.stderr.strip()})"):
            for s in secrets:
                check(s not in ev["_text"], f"redaction: {s} not in the saved bundle")
            check(ev["redacted"] is True and "STRIPE_KEY" in ev["_text"], "redaction: names kept, flag set")
        live = run(fake, "service", "web-service", "--cluster", "prod", "--output", "json")
        for s in secrets:
            check(s not in live.stdout + live.stderr, f"redaction: {s} not in live output")
        r, ev = collect(fake, "service", "web-service", "--cluster", "prod", "--no-redact")
        if check(r.returncode == 0 and ev, "no-redact: collected"):
            check(all(s in ev["_text"] for s in secrets) and ev["redacted"] is False, "--no-redact keeps values")


def main():
    if not os.path.exists(harness.FAKE):
        print("skip: tests/fakeaws not in the tree")
        return 77
    test_scenario("healthy")
    test_scenario("demo")
    test_denied()
    test_errors()
    test_primary_denied()
    test_kinds()
    test_cross_region()
    test_deadline()
    test_redaction()
    print(f"{len(FAILED)} failed")
    if not FAILED:
        shutil.rmtree(TMP, ignore_errors=True)
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
