#!/usr/bin/python3
"""Generates one fixture bundle per documented wording variant of each failure
family (docs/categories.md, "Failure families"): checks/general/tests/families/family_*.json
and their .expect.json, run by `ecs-doctor checks test checks/general` (ctest
checks_general) and compared with this script by ctest checks_families_fresh.

Each wording comes from AWS's documentation or the ECS agent's source (the URL
is in the SOURCES table and in each expectation's "x_source"); variants cover
old daemon and new agent wordings, straight and typographic apostrophes, with
and without the "TaskFailedToStart: " prefix, and an unfamiliar tail, which
must resolve from the evidence (no route -> the network category, image
missing in ECR -> image_not_found) or to the family's generic finding
(general.unknown_failure) — never to nothing.

The account is tests/checks/net/make_fixtures.py's base (Fargate service web,
private subnets behind a NAT gateway, image in ECR).
Run: /usr/bin/python3 tests/checks/families/make_fixtures.py [--check]
"""
import copy
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "net"))
import make_fixtures as net  # noqa: E402

ROOT = net.ROOT
# A folder of its own under tests/: `checks test checks/general` walks it, the
# runtime suite's mutation and report scripts (tests/*.json only) do not.
OUT = os.path.join(ROOT, "checks", "general", "tests", "families")
ACCT, REGION, IMAGE = net.ACCT, net.REGION, net.IMAGE
T0 = net.T0

SOURCES = {
    "pull": "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html",
    "agent": "https://github.com/aws/amazon-ecs-agent/blob/master/ecs-agent/api/errors/errormessages/error_messages.go",
    "stopped": "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html",
    "init": "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/resource-initialization-error.html",
    "create": "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/CannotCreateContainerError.html",
    "events": "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages.html",
}
Q = "\u2019"  # the agent's typographic apostrophe
REPO_URI = f"{ACCT}.dkr.ecr.{REGION}.amazonaws.com/web"
ROLE_USER = f"arn:aws:sts::{ACCT}:assumed-role/{net.ROLE}/5f0c1d2e3a4b4c5d8e9f0a1b2c3d4e5f"
TG_ARN = f"arn:aws:elasticloadbalancing:{REGION}:{ACCT}:targetgroup/web-tg/6d0ecf831eec9f09"
UF = "general.unknown_failure"


def ev_fail(reason, container_reason=None, stop_code="TaskFailedToStart"):
    ev = net.base()
    net.fail(ev, reason, container_reason)
    for t in ev["tasks"]:
        t["stopCode"] = stop_code
    return ev


def ev_events(*messages, tasks=False, lb=False):
    """Only service events left (the stopped tasks expired): newest first,
    after the last steady state. lb: the service is behind TG_ARN."""
    ev = net.base()
    if lb == "classic":
        ev["services"][0]["loadBalancers"] = [{"loadBalancerName": "web-elb", "containerName": "app", "containerPort": 8080}]
    elif lb:
        ev["services"][0]["loadBalancers"] = [{"targetGroupArn": TG_ARN, "containerName": "app", "containerPort": 8080}]
        ev["sources"]["elb.target_groups"] = {"status": "ok", "calls": 1, "duration_ms": 90}
        ev["sources"]["elb.target_health"] = {"status": "ok", "calls": 1, "duration_ms": 90}
        ev["elb"] = {"target_groups": {TG_ARN: {
            "TargetGroupArn": TG_ARN, "TargetGroupName": "web-tg", "Protocol": "HTTP", "Port": "8080",
            "VpcId": net.VPC, "HealthCheckProtocol": "HTTP", "HealthCheckPort": "traffic-port", "HealthCheckPath": "/health",
            "HealthCheckIntervalSeconds": "30", "HealthCheckTimeoutSeconds": "5", "HealthyThresholdCount": "5",
            "UnhealthyThresholdCount": "2", "Matcher": {"HttpCode": "200"}, "TargetType": "ip",
            "TargetHealthDescriptions": [{"Target": {"Id": "10.20.10.37", "Port": "8080"}, "HealthCheckPort": "8080",
                                          "TargetHealth": {"State": "unhealthy", "Reason": "Target.ResponseCodeMismatch",
                                                           "Description": "Health checks failed with these codes: [502]"}}]}}}
    if not tasks:
        ev["tasks"] = []
    evs = ev["services"][0]["events"]
    for i, m in enumerate(messages):
        evs.insert(0, {"id": f"ev-x{i}", "createdAt": T0 + 30 + i, "message": m})
    return ev


def expect_cat(category, check=None, source="pull", absent_uf=True, extra_absent=()):
    f = {"category": category}
    if check:
        f["check"] = check
    e = {"findings": [f], "absent": ([UF] if absent_uf else []) + list(extra_absent), "x_source": SOURCES[source]}
    return e


def expect_family(source, category="unknown_failure", absent=()):
    return {"findings": [{"check": UF, "category": category}], "absent": list(absent), "x_source": SOURCES[source]}


def variants():
    V = []

    # ---- CannotPullContainerError -----------------------------------------
    pull_perm = (f"The task can{Q}t pull the image. Check that the role has the permissions to pull images from the "
                 f"registry. Error response from daemon: pull access denied for {IMAGE}, repository does not exist or "
                 f"may require 'docker login': denied: User: {ROLE_USER} is not authorized to perform: ecr:BatchGetImage "
                 f"on resource: arn:aws:ecr:{REGION}:{ACCT}:repository/web because no identity-based policy allows the "
                 "ecr:BatchGetImage action")
    V.append(("pull_perm_agent_typographic", ev_fail("CannotPullContainerError: " + pull_perm),
              expect_cat("registry_auth_failed", "registry.auth_failed", "agent")))
    V.append(("pull_perm_agent_straight", ev_fail("CannotPullContainerError: " + pull_perm.replace(Q, "'")),
              expect_cat("registry_auth_failed", "registry.auth_failed", "agent")))
    V.append(("pull_perm_agent_taskfailedtostart", ev_fail("TaskFailedToStart: CannotPullContainerError: " + pull_perm),
              expect_cat("registry_auth_failed", "registry.auth_failed", "agent")))
    V.append(("pull_perm_daemon_old", ev_fail(
        f"CannotPullContainerError: Error response from daemon: pull access denied for {IMAGE}, repository does not "
        f"exist or may require 'docker login': denied: User: {ROLE_USER} is not authorized to perform: "
        f"ecr:BatchGetImage on resource: arn:aws:ecr:{REGION}:{ACCT}:repository/web"),
        expect_cat("registry_auth_failed", "registry.auth_failed", "pull")))
    missing = (f"The task can{Q}t pull the image. Check whether the image exists. Error response from daemon: pull access "
               f"denied for {REPO_URI}, repository does not exist or may require 'docker login': denied: requested access "
               "to the resource is denied")
    V.append(("pull_missing_agent_typographic", ev_fail("CannotPullContainerError: " + missing),
              expect_cat("image_not_found", "image.not_found", "agent")))
    V.append(("pull_missing_agent_straight", ev_fail("CannotPullContainerError: " + missing.replace(Q, "'")),
              expect_cat("image_not_found", "image.not_found", "agent")))
    V.append(("pull_missing_containerd", ev_fail(
        f"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref {IMAGE}: "
        f"{IMAGE}: not found"), expect_cat("image_not_found", "image.not_found", "pull")))
    V.append(("pull_missing_daemon_old", ev_fail(
        f"CannotPullContainerError: Error response from daemon: manifest for {IMAGE} not found: manifest unknown: "
        "Requested image not found"), expect_cat("image_not_found", "image.not_found", "pull")))
    # Network wordings: the subnet has no route out (net.dependency_unreachable).
    for name, text, src in [
        ("pull_network_agent_typographic",
         f"CannotPullContainerError: The task can{Q}t pull the image. Check your network configuration. Error response "
         f"from daemon: Get \"https://{ACCT}.dkr.ecr.{REGION}.amazonaws.com/v2/\": net/http: request canceled while "
         "waiting for connection (Client.Timeout exceeded while awaiting headers)", "agent"),
        ("pull_network_docs_no_prefix",
         f"The task cannot pull {Q}{IMAGE}{Q} from the Amazon ECR repository {Q}{REPO_URI}{Q}. There is a connection "
         "issue between the task and Amazon ECR. Check your task network configuration.", "pull"),
        ("pull_network_daemon_api_error",
         f"CannotPullContainerError: API error (500): Get https://{ACCT}.dkr.ecr.{REGION}.amazonaws.com/v2/: net/http: "
         "request canceled while waiting for connection", "pull"),
        ("pull_network_containerd_timeout", net.PULL_TIMEOUT, "pull"),
    ]:
        ev = ev_fail(text)
        net.no_nat(ev)
        V.append((name, ev, expect_cat("network_no_route", "net.dependency_unreachable", src)))
    # "Context canceled" (documented: no route to ECR) is no connection
    # wording: the path analysis decides it.
    ev = ev_fail("CannotPullContainerError: context canceled")
    net.no_nat(ev)
    V.append(("pull_context_canceled_no_route", ev, expect_cat("network_no_route", UF, "pull", absent_uf=False)))
    V.append(("pull_rate_limited", ev_fail(
        "CannotPullContainerError: inspect image has been retried 5 time(s): httpReaderSeeker: failed open: unexpected "
        "status code https://registry-1.docker.io/v2/library/nginx/manifests/sha256:2bdc49f2f8ae8d8dc50ed00f2ee56d00385c6f8bc8a8b320d0a294d9e3b49026: "
        "429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit."),
        expect_cat("registry_rate_limited", "registry.rate_limited", "pull")))
    V.append(("pull_no_space", ev_fail(
        "CannotPullContainerError: write /var/lib/docker/tmp/GetImageBlob111111111: no space left on device"),
        expect_cat("disk_full", "host.disk_full", "pull")))
    # Unfamiliar tails: decided by the evidence, else the family's finding.
    tail = "CannotPullContainerError: registry negotiation aborted by a future wording (code 7)"
    ev = ev_fail(tail)
    ev["images"][IMAGE]["exists"] = False
    ev["images"][IMAGE]["error"] = {"code": "ImageNotFoundException", "message": "The image does not exist"}
    V.append(("pull_unfamiliar_image_missing", ev, expect_family("pull", "image_not_found")))
    ev = ev_fail(tail)
    net.no_nat(ev)
    V.append(("pull_unfamiliar_no_route", ev, expect_family("pull", "network_no_route")))
    V.append(("pull_unfamiliar_generic", ev_fail(tail), expect_family("pull", absent=["image_not_found", "network_no_route"])))
    V.append(("pull_unfamiliar_generic_agent_prefix", ev_fail(
        f"The task can{Q}t pull the image. Check something new. {tail}"), expect_family("agent")))
    V.append(("pull_docs_panic", ev_fail(
        "CannotPullContainerError: pull command failed: panic: runtime error: invalid memory address or nil pointer "
        "dereference"), expect_family("pull")))

    # ---- ResourceInitializationError --------------------------------------
    for name, text in [("init_registry_auth_old", net.AUTH_TIMEOUT_OLD), ("init_registry_auth_new", net.AUTH_TIMEOUT_NEW),
                       ("init_registry_auth_taskfailedtostart", "TaskFailedToStart: " + net.AUTH_TIMEOUT_NEW)]:
        ev = ev_fail(text)
        net.no_nat(ev)
        V.append((name, ev, expect_cat("network_no_route", "net.dependency_unreachable", "init")))
    secret_denied = (
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "
        "unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret "
        f"{net.SECRET_DB} from secrets manager: AccessDeniedException: User: {ROLE_USER} is not authorized to perform: "
        f"secretsmanager:GetSecretValue on resource: {net.SECRET_DB} because no identity-based policy allows the "
        "secretsmanager:GetSecretValue action")
    V.append(("init_secret_denied", ev_fail(secret_denied), expect_cat("secrets_access_denied", "secrets.access_denied", "init")))
    V.append(("init_secret_denied_taskfailedtostart", ev_fail("TaskFailedToStart: " + secret_denied),
              expect_cat("secrets_access_denied", "secrets.access_denied", "init")))
    V.append(("init_log_group_missing", ev_fail(
        "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to "
        "create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1"),
        expect_cat("log_configuration_error", "logs.configuration_error", "init")))
    ev = ev_fail("ResourceInitializationError: could not obtain the secret from asm for a reason never seen before")
    net.no_nat(ev)
    V.append(("init_unfamiliar_no_route", ev, expect_family("init", "network_no_route")))
    V.append(("init_unfamiliar_generic", ev_fail(
        "ResourceInitializationError: failed to prepare the task's quantum resource: unexpected state"),
        expect_family("init", absent=["network_no_route"])))
    ev = ev_fail("ResourceInitializationError: failed to download env files: file download command: non empty error "
                 "stream: service call has been retried 5 time(s): RequestCanceled: request context canceled caused by: "
                 "context deadline exceeded")
    net.no_nat(ev)
    V.append(("init_env_files_no_route", ev, expect_family("init", "network_no_route")))

    # ---- container runtime classes (stopped-task-error-codes) -------------
    for name, text, src in [
        ("start_docs_example", "CannotStartContainerError: failed to get container status: rpc error: code = Unknown", "stopped"),
        ("inspect_docs_example", "CannotInspectContainerError: Could not transition to inspecting; timed out after waiting 30s", "stopped"),
        ("stop_docs_example", "CannotStopContainerError: failed sending SIGTERM to container: context deadline exceeded", "stopped"),
        ("runtime_timeout_new", "ContainerRuntimeTimeoutError: Could not transition to running; timed out after waiting 1m: failed to create shim task: context canceled", "stopped"),
        ("runtime_timeout_old", "DockerTimeoutError: Could not transition to running; timed out after waiting 4m0s", "stopped"),
        ("runtime_error", "ContainerRuntimeError: failed to create new container runtime task: unexpected state", "stopped"),
        ("internal_error", "InternalError: an unexpected error occurred in the agent", "stopped"),
        ("create_unfamiliar", "CannotCreateContainerError: Error response from daemon: Conflict. The container name is already in use", "create"),
        ("taskfailedtostart_unfamiliar", "TaskFailedToStart: the task could not start for a reason never seen before", "stopped"),
    ]:
        V.append((name, ev_fail(text), expect_family(src)))
    V.append(("start_exec_not_found", ev_fail(
        "CannotStartContainerError: Error response from daemon: failed to create shim task: OCI runtime create failed: "
        "runc create failed: unable to start container process: exec: \"gunicorn\": executable file not found in $PATH: unknown"),
        expect_cat("container_command_not_found", None, "stopped")))
    V.append(("create_thin_pool", ev_fail(
        "CannotCreateContainerError: API error (500): devmapper: Thin Pool has 4350 free data blocks which is less than "
        "minimum required 4454 free data blocks. Create more free space in thin pool or use dm.min_free_space option to "
        "change behavior"), expect_cat("disk_full", "host.disk_full", "create")))
    # "Task failed to start" with the class only in the container's reason.
    V.append(("taskfailedtostart_container_reason", ev_fail(
        "Task failed to start", "CannotPullContainerError: registry negotiation aborted by a future wording (code 7)"),
        {"findings": [{"check": UF, "category": "unknown_failure"}], "absent": [], "x_source": SOURCES["stopped"],
         "evidence_contains": ["registry negotiation aborted"]}))
    ev = ev_fail("OutOfMemoryError: Container killed due to memory usage", stop_code="EssentialContainerExited")
    for t in ev["tasks"]:
        t["containers"][0]["exitCode"] = 137
        t["containers"][0]["reason"] = "OutOfMemoryError: Container killed due to memory usage"
    V.append(("oom", ev, expect_cat("container_oom", None, "stopped")))
    V.append(("spot", ev_fail("SpotInterruptionError: Your Spot Task was interrupted.", stop_code="SpotInterruption"),
              expect_cat("spot_interruption", "host.spot_interruption", "stopped")))

    # ---- service events (service-event-messages.html) ---------------------
    tid = net.TASK_IDS[0]
    V.append(("event_target_group_unhealthy", ev_events(
        f"(service web) (task {tid}) (port 8080) is unhealthy in (target-group {TG_ARN}) due to (reason Health checks "
        "failed with these codes: [502]).", lb=True), expect_cat("elb_health_check_failed", "elb.health_check_failed", "events")))
    V.append(("event_classic_elb_unhealthy", ev_events(
        f"service (web) (task {tid}) (instance i-0abc1234def567890) is unhealthy in (elb web-elb) due to (reason "
        "Instance has failed at least the UnhealthyThreshold number of health checks consecutively.)", lb="classic"),
        expect_family("events")))
    V.append(("event_target_group_not_found", ev_events(
        f"(service web, taskSet ecs-svc/4107856935522812345) (task {tid}) is not healthy in target-group ({TG_ARN}) "
        "due to TARGET GROUP IS NOT FOUND."), expect_family("events")))
    V.append(("event_iam_misconfigured", ev_events(
        "IAM permissions policies have been misconfigured or changed, and ECS can no longer maintain your service"),
        expect_family("events")))
    V.append(("event_place_internal_error", ev_events("(service web) was unable to place a task. Reason: Internal error."),
              expect_family("events")))
    V.append(("event_quota_typographic", ev_events(
        f"service web was unable to place a task. Reason: You{Q}ve reached the limit on the number of vCPUs you can run "
        "concurrently"), expect_cat("service_quota_exceeded", "placement.service_quota_exceeded", "events")))
    V.append(("event_quota_straight", ev_events(
        "(service web) was unable to place a task. Reason: You've reached the limit on the number of tasks you can run "
        "concurrently"), expect_cat("service_quota_exceeded", "placement.service_quota_exceeded", "events")))
    V.append(("event_unfamiliar", ev_events("(service web) reported a condition no documentation describes yet."),
              expect_family("events")))
    V.append(("event_normal_only", ev_events(
        f"(service web) registered 1 targets in (target-group {TG_ARN})",
        "(service web) has begun draining connections on 1 tasks.",
        f"(service web) deregistered 1 targets in (target-group {TG_ARN})"),
        {"findings": [], "absent": [UF], "x_source": SOURCES["events"]}))
    return V


def main():
    check = "--check" in sys.argv[1:]
    os.makedirs(OUT, exist_ok=True)
    stale = []
    names = set()
    for name, ev, expect in variants():
        names.add(name)
        for path, obj in ((os.path.join(OUT, f"family_{name}.json"), ev),
                          (os.path.join(OUT, f"family_{name}.expect.json"), expect)):
            text = json.dumps(obj, indent=1, ensure_ascii=False) + "\n"
            if check:
                old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
                if old != text:
                    stale.append(path)
            else:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
    for f in os.listdir(OUT):
        if f.startswith("family_") and f.split(".")[0][len("family_"):] not in names:
            stale.append(os.path.join(OUT, f))
    if stale:
        sys.exit("stale family fixtures (run tests/checks/families/make_fixtures.py): " + ", ".join(stale))
    if not check:
        print(f"wrote {len(names)} family fixtures", file=sys.stderr)


if __name__ == "__main__":
    main()
