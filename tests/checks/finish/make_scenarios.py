#!/usr/bin/python3
"""Generates the fake-AWS scenarios of the engine's skeleton categories
(image_not_found from checks/image, container_oom / container_crash /
container_command_not_found from the C plugin container.exit), plus their
look-alikes: tests/fakeaws/scenarios/<name>.json and
tests/checks/finish/scenarios.expect.json (what e2e_scenarios.py asserts: the
service, the top-ranked category, ids the remediation must name, the message
the evidence must quote, and categories that must not appear at all).

The account is the runtime catalog's (tests/checks/runtime/make_scenarios.py:
us-east-1, cluster prod, Fargate service web-service behind prod-alb); each
scenario deploys web-service:9 and breaks it the way it breaks in production,
with AWS's own wording for the failure.
Run: /usr/bin/python3 tests/checks/finish/make_scenarios.py [--check]
"""
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))

# Reuse the runtime catalog's account builders (base(), deploying(), stopped()...).
_spec = importlib.util.spec_from_file_location("rt_scenarios", os.path.join(HERE, "..", "runtime", "make_scenarios.py"))
rt = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rt)

ACCT, REGION = rt.ACCT, rt.REGION
REG = f"{ACCT}.dkr.ecr.{REGION}.amazonaws.com"
IMAGE_V24 = f"{REG}/web-service:v2.4.0"
ESSENTIAL = "Essential container in task exited"


def td9(sc):
    return next(t for t in sc["ecs"]["taskDefinitions"] if t["family"] == "web-service" and t["revision"] == 9)


def log_stream(sc, tid, events, container="web"):
    """The awslogs stream of one task of web-service (prefix ecs)."""
    sc["logs"]["logGroups"][0]["streams"].append({"logStreamName": f"ecs/{container}/{tid}", "events": events})


def image_missing():
    sc = rt.base()
    sc["description"] = ("The pipeline registered web-service:9 with image tag v2.4.0 but its push to ECR failed: "
                         "the tag does not exist, every new task stops with CannotPullContainerError ... not found.")
    rt.running(sc, rt.OLD)
    rt.deploying(sc, failed=4)
    td9(sc)["containerDefinitions"][0]["image"] = IMAGE_V24
    msg = (f"CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref "
           f"{IMAGE_V24}: {IMAGE_V24}: not found")
    for n, tid in enumerate(["0a9b8c7d6e5f40312a9b8c7d6e5f4031", "1b0c9d8e7f6a51423b0c9d8e7f6a5142"]):
        rt.stopped(sc, tid, msg, None, f"-{14 - n * 6}m", stop_code="TaskFailedToStart", container_reason=msg,
                   image=IMAGE_V24, ip=f"10.1.1.{170 + n}")
    rt.event(sc, "-6m", "(service web-service) is unable to consistently start tasks successfully. For more "
                        "information, see the Troubleshooting section of the Amazon ECS Developer Guide.")
    return sc


def scenarios():
    out = []

    sc = image_missing()
    out.append(("image_not_found", "image_not_found", sc,
                {"top_category": "image_not_found",
                 "remediation_mentions": ["--repository-name web-service", "--region us-east-1", "v2.4.0",
                                          "list-images"],
                 "evidence_quotes": "web-service:v2.4.0: not found",
                 "evidence_pointer_contains": "/images/"}))

    # Look-alike: the same failures, but the tag was pushed since (CI registered the
    # task definition before its push finished). DescribeImages finds it now: the
    # fix is a new deployment, not a push.
    sc = image_missing()
    sc["description"] = ("The look-alike: tasks of web-service:9 failed with ... v2.4.0: not found while CI was still "
                         "pushing; the tag exists now (pushed 3 minutes ago), so the fix is to redeploy.")
    sc["ecr"]["repositories"][0]["images"].insert(0, {
        "imageTags": ["v2.4.0"], "imagePushedAt": "-3m",
        "imageDigest": "sha256:4c5d6e7f8091a2b34c5d6e7f8091a2b34c5d6e7f8091a2b34c5d6e7f8091a2b3"})
    out.append(("image_not_found", "image_not_found_tag_pushed_late", sc,
                {"top_category": "image_not_found",
                 "remediation_mentions": ["--force-new-deployment", "web-service"],
                 "evidence_quotes": "web-service:v2.4.0: not found",
                 "title_contains": "now exists"}))

    # ---- container exits
    sc = rt.base()
    sc["description"] = ("web-service:9 turned on an in-memory cache; under load the container passes its 1 GiB and "
                         "the kernel kills it (exit 137, OutOfMemoryError). ECS replaces the tasks one by one.")
    rt.running(sc, rt.OLD)
    rt.deploying(sc, running_new=1, failed=3)
    oom = "OutOfMemoryError: Container killed due to memory usage"
    for n, tid in enumerate(["2c1d0e9f8a7b62534c1d0e9f8a7b6253", "3d2e1f0a9b8c73645d2e1f0a9b8c7364"]):
        rt.stopped(sc, tid, ESSENTIAL, f"-{40 - n * 15}m", f"-{25 - n * 15}m", stop_code="EssentialContainerExited",
                   exit_code=137, container_reason=oom, ip=f"10.1.1.{180 + n}")
        log_stream(sc, tid, [
            {"timestamp": f"-{40 - n * 15}m", "message": "INFO  Started WebApplication in 21.4 seconds"},
            {"timestamp": f"-{27 - n * 15}m", "message": "INFO  cache warm-up: 1,250,000 entries loaded (912 MiB)"},
            {"timestamp": f"-{26 - n * 15}m", "message": "WARN  GC overhead: 92% of time spent in GC over the last 60s"}])
    out.append(("container_oom", "container_oom", sc,
                {"top_category": "container_oom",
                 "remediation_mentions": ["web-service:9", "--region us-east-1", "memory"],
                 "evidence_quotes": oom}))

    sc = rt.base()
    sc["description"] = ("web-service:9 reads a database password the secret rotation changed: the app exits 1 "
                         "seconds after start, ECS stops each task (Essential container in task exited).")
    rt.running(sc, rt.OLD)
    rt.deploying(sc, failed=5)
    crash = ('psycopg2.OperationalError: connection to server at "prod-db.cluster-c1a2b3c4d5e6.us-east-1.rds.'
             'amazonaws.com" (10.1.20.15), port 5432 failed: FATAL:  password authentication failed for user "web"')
    for n, tid in enumerate(["4e3f2a1b0c9d84756e3f2a1b0c9d8475", "5f4a3b2c1d0e95867f4a3b2c1d0e9586"]):
        rt.stopped(sc, tid, ESSENTIAL, f"-{20 - n * 8}m", f"-{20 - n * 8}m", stop_code="EssentialContainerExited",
                   exit_code=1, ip=f"10.1.1.{190 + n}")
        log_stream(sc, tid, [
            {"timestamp": f"-{20 - n * 8}m", "message": "[INFO] Starting gunicorn 21.2.0"},
            {"timestamp": f"-{20 - n * 8}m", "message": "Traceback (most recent call last):"},
            {"timestamp": f"-{20 - n * 8}m", "message": crash},
            {"timestamp": f"-{20 - n * 8}m", "message": "[INFO] Worker exiting (pid: 7)"}])
    rt.event(sc, "-5m", "(service web-service) is unable to consistently start tasks successfully. For more "
                        "information, see the Troubleshooting section of the Amazon ECS Developer Guide.")
    out.append(("container_crash", "container_crash", sc,
                {"top_category": "container_crash",
                 "remediation_mentions": ["web-service:9", "/ecs/web-service", "ecs/web/5f4a3b2c1d0e95867f4a3b2c1d0e9586"],
                 "evidence_quotes": "password authentication failed for user",
                 "forbid_categories": ["container_oom"]}))

    sc = rt.base()
    sc["description"] = ("web-service:9 switched the command to gunicorn, which the slim image does not contain: "
                         "runc cannot start the process, the task stops before the container ever runs.")
    rt.running(sc, rt.OLD)
    rt.deploying(sc, failed=6)
    td9(sc)["containerDefinitions"][0]["command"] = ["gunicorn", "--bind", "0.0.0.0:8080", "app:wsgi"]
    nf = ('CannotStartContainerError: ResourceInitializationError: failed to create new container runtime task: '
          'failed to create shim task: OCI runtime create failed: runc create failed: unable to start container '
          'process: exec: "gunicorn": executable file not found in $PATH: unknown')
    for n, tid in enumerate(["6a5b4c3d2e1f0a978a5b4c3d2e1f0a97", "7b6c5d4e3f2a1b089b6c5d4e3f2a1b08"]):
        rt.stopped(sc, tid, nf, None, f"-{16 - n * 7}m", stop_code="TaskFailedToStart", container_reason=nf,
                   ip=f"10.1.1.{200 + n}")
    out.append(("container_command_not_found", "container_command_not_found", sc,
                {"top_category": "container_command_not_found",
                 "remediation_mentions": ["web-service:9", "--region us-east-1", "command"],
                 "evidence_quotes": 'exec: "gunicorn": executable file not found in $PATH'}))

    # Look-alike: exit 137 with no OOM evidence. The worker ignores SIGTERM, so a
    # person's stop-task and ECS's own replacement end in SIGKILL after the 30 s
    # stopTimeout; one essential container also died of SIGKILL on its own. None
    # of it is an OOM kill.
    sc = rt.base()
    sc["description"] = ("The look-alike: exit 137 without OutOfMemoryError. Tasks stopped by a user and by the "
                         "scheduler were SIGKILLed after stopTimeout; one container exited 137 with no OOM reason.")
    rt.running(sc, rt.OLD)
    rt.deploying(sc, running_new=2, failed=1)
    rt.stopped(sc, "8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3e", "Task stopped by user", "-2h", "-50m", stop_code="UserInitiated",
               exit_code=137, td="web-service:8", ip="10.1.1.210")
    rt.stopped(sc, "9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4f", f"Scaling activity initiated by (deployment {rt.DEP_OLD})",
               "-1d", "-30m", exit_code=137, td="web-service:8", ip="10.1.2.211")
    rt.stopped(sc, "0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5a", ESSENTIAL, "-25m", "-12m", stop_code="EssentialContainerExited",
               exit_code=137, ip="10.1.1.212")
    out.append(("container_crash", "container_killed_not_oom", sc,
                {"top_category": "container_crash",
                 "remediation_mentions": ["web-service:9", "stopTimeout"],
                 "evidence_quotes": "137",
                 "forbid_categories": ["container_oom"]}))
    return out


def main():
    check = "--check" in sys.argv[1:]
    expect, stale = {}, 0
    for cat, name, sc, exp in scenarios():
        expect[name] = dict({"service": "web-service", "category": cat, "scenario": name}, **exp)
        path = os.path.join(ROOT, "tests", "fakeaws", "scenarios", name + ".json")
        text = json.dumps(sc, indent=1, ensure_ascii=False) + "\n"
        if check:
            if not os.path.exists(path) or open(path, encoding="utf-8").read() != text:
                print("stale: " + os.path.relpath(path, ROOT))
                stale += 1
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    path = os.path.join(HERE, "scenarios.expect.json")
    text = json.dumps(expect, indent=1, ensure_ascii=False) + "\n"
    if check:
        if not os.path.exists(path) or open(path, encoding="utf-8").read() != text:
            print("stale: " + os.path.relpath(path, ROOT))
            stale += 1
        print(f"{len(expect)} scenarios, {stale} stale file(s)")
        return 1 if stale else 0
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"{len(expect)} scenarios written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
