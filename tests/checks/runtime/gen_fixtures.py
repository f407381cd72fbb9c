#!/usr/bin/env python3
"""Writes the runtime-category fixture bundles and their expectations into
checks/<area>/tests/. Run from anywhere: /usr/bin/python3 gen_fixtures.py.

Each scenario is a realistic incident as the collectors would record it; the
message texts are AWS's own (service event messages, stopped-task reasons,
target-health descriptions; see docs/categories.md for sources).
Expectations: "findings"/"absent" are read by `ecs-doctor checks test`;
"top", "max_severity", "remediation_contains" and "evidence_contains" are
checked against `ecs-doctor analyze --output json` by verify_bundles.py.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixtures_base import *  # noqa: E402,F401,F403

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
SCENARIOS = []


def scenario(area, name):
    def deco(fn):
        SCENARIOS.append((area, name, fn))
        return fn
    return deco


def expect(findings=(), absent=(), top=None, max_severity=None, remediation=(), evidence=(), scope=None):
    e = {"findings": [dict(check=c, category=cat, min_count=1) for c, cat in findings], "absent": list(absent)}
    if top:
        e["top"] = {"category": top}
    if max_severity:
        e["max_severity"] = max_severity
    if scope:
        e["max_severity_scope"] = scope
    if remediation:
        e["remediation_contains"] = list(remediation)
    if evidence:
        e["evidence_contains"] = list(evidence)
    return e


# ---------------------------------------------------------------- placement

@scenario("placement", "insufficient_memory")
def _():
    ci1 = container_instance("3f1e6a0b9c2d4e5f8a7b6c5d4e3f2a1b", "i-0a1b2c3d4e5f67890", mem_rem=1536, cpu_rem=1024)
    ci2 = container_instance("8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f", "i-0f1e2d3c4b5a69870", mem_rem=512, cpu_rem=512,
                             az="us-east-1b")
    ev = [
        event("e5", NOW - 240, "(service worker) was unable to place a task because no container instance met all of its "
              "requirements. The closest matching (container-instance 3f1e6a0b9c2d4e5f8a7b6c5d4e3f2a1b) has insufficient "
              "memory available. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."),
        event("e4", NOW - 1800, "(service worker) (deployment ecs-svc/1136131312779213355) deployment failed: tasks failed to start."),
        event("e3", NOW - 7200, "(service worker) has started 1 tasks: (task 5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f)."),
        event("e2", NOW - 86400, "(service worker) has reached a steady state."),
    ]
    td = ec2_td(rev=8, memory=3072)
    svc = ec2_service(td=td["taskDefinitionArn"], desired=4, running=2, pending=0, events=ev,
                      deployments=[deployment("1136131312779213355", td["taskDefinitionArn"], launch="EC2", desired=4,
                                              running=2, failed=0, rollout="FAILED",
                                              reason="ECS deployment circuit breaker: tasks failed to start.",
                                              created=NOW - 3600)])
    b = worker_bundle([ci1, ci2], events=ev, td=td, svc=svc)
    return b, expect(findings=[("placement.insufficient_resources", "placement_insufficient_resources"),
                               ("deployment.circuit_breaker", "deployment_circuit_breaker")],
                     top="placement_insufficient_resources",
                     remediation=["prod-ecs-asg", "3f1e6a0b9c2d4e5f8a7b6c5d4e3f2a1b", "worker:8"],
                     evidence=["has insufficient memory available"])


@scenario("placement", "port_conflict")
def _():
    # Bridge mode with a fixed host port 8080, 3 instances, desired 3, and a
    # rolling deployment that has to start a 4th task somewhere.
    cis = [container_instance(c, i, mem_rem=4096, cpu_rem=1024, ports=["8080"], az=a) for c, i, a in [
        ("0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e", "i-0123456789abcdef0", "us-east-1a"),
        ("1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f", "i-0fedcba9876543210", "us-east-1b"),
        ("2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a", "i-0a0b0c0d0e0f01020", "us-east-1c")]]
    td = ec2_td(rev=9, host_port=8080)
    ev = [event("p3", NOW - 600, "(service worker) was unable to place a task because no container instance met all of its "
                "requirements. The closest matching (container-instance 0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e) is already using "
                "a port required by your task. For more information, see the Troubleshooting section of the Amazon ECS "
                "Developer Guide."),
          event("p2", NOW - 900, "(service worker) has started 0 tasks."),
          event("p1", NOW - 86400 * 2, "(service worker) has reached a steady state.")]
    svc = ec2_service(td=td["taskDefinitionArn"], desired=3, running=3, events=ev,
                      deployments=[deployment("6804792302017257007", td["taskDefinitionArn"], launch="EC2", desired=3,
                                              running=0, rollout="IN_PROGRESS",
                                              reason="ECS deployment ecs-svc/%s in progress.", created=NOW - 1000),
                                   deployment("5575015917732104731", td_arn("worker", 8), status="ACTIVE", launch="EC2",
                                              desired=3, running=3)])
    b = worker_bundle(cis, td=td, svc=svc)
    b["task_definitions"][td_arn("worker", 8)] = ec2_td(rev=8, host_port=8080)
    return b, expect(findings=[("placement.port_conflict", "placement_port_conflict")],
                     absent=["placement.insufficient_resources"], top="placement_port_conflict",
                     remediation=["worker:9", "minimumHealthyPercent=50"],
                     evidence=["is already using a port required by your task"])


@scenario("placement", "constraint_unsatisfied")
def _():
    cis = [container_instance("6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d", "i-06a7b8c9d0e1f2a3b", mem_rem=6144, cpu_rem=1536,
                              itype="t3.large"),
           container_instance("7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e", "i-07b8c9d0e1f2a3b4c", mem_rem=6144, cpu_rem=1536,
                              itype="t3.large", az="us-east-1b")]
    ev = [event("c2", NOW - 300, "(service worker) was unable to place a task because no container instance met all of "
                "its requirements. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."),
          event("c1", NOW - 86400, "(service worker) has reached a steady state.")]
    svc = ec2_service(desired=2, running=0, events=ev,
                      constraints=[{"type": "memberOf", "expression": "attribute:ecs.instance-type == m5.xlarge"}])
    b = worker_bundle(cis, svc=svc)
    return b, expect(findings=[("placement.constraint_unsatisfied", "placement_constraint_unsatisfied")],
                     absent=["placement.insufficient_resources", "placement.no_container_instances"],
                     top="placement_constraint_unsatisfied",
                     remediation=["attribute:ecs.instance-type == m5.xlarge", "worker"],
                     evidence=["no container instance met all of its requirements"])


@scenario("placement", "no_container_instances")
def _():
    ev = [event("n2", NOW - 420, "(service worker) was unable to place a task because no container instance met all of "
                "its requirements. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."),
          event("n1", NOW - 86400 * 3, "(service worker) has reached a steady state.")]
    svc = ec2_service(desired=2, running=0, events=ev)
    b = worker_bundle([], svc=svc)
    b["cluster"]["runningTasksCount"] = 0
    return b, expect(findings=[("placement.no_container_instances", "no_container_instances")],
                     absent=["placement.constraint_unsatisfied"], top="no_container_instances",
                     remediation=["prod-ecs-asg"], evidence=["no container instance met all of its requirements"])


@scenario("placement", "capacity_unavailable")
def _():
    ev = [event("u3", NOW - 180, "(service web-service) was unable to place a task. Reason: Capacity is unavailable at "
                "this time. Please try again later or in a different availability zone."),
          event("u2", NOW - 1200, "(service web-service) has stopped 1 running tasks: (task 9f8e7d6c5b4a39281706f5e4d3c2b1a0)."),
          event("u1", NOW - 86400, "(service web-service) has reached a steady state.")]
    svc = fargate_service(desired=3, running=2, events=ev)
    svc["networkConfiguration"]["awsvpcConfiguration"]["subnets"] = ["subnet-0a1b2c3d4e5f60718"]
    tasks = [fargate_task("0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d", ip="10.0.1.23"),
             fargate_task("1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e", ip="10.0.1.57")]
    b = web_bundle(tasks=tasks, svc=svc, targets=[target("10.0.1.23", 8080), target("10.0.1.57", 8080)])
    return b, expect(findings=[("placement.capacity_unavailable", "capacity_unavailable")],
                     top="capacity_unavailable", remediation=["subnet-0a1b2c3d4e5f60718", "web-service"],
                     evidence=["Capacity is unavailable at this time"])


@scenario("placement", "service_quota_vcpu")
def _():
    ev = [event("q2", NOW - 360, "service web-service was unable to place a task. Reason: You\u2019ve reached the limit "
                "on the number of vCPUs you can run concurrently"),
          event("q1", NOW - 86400, "(service web-service) has reached a steady state.")]
    svc = fargate_service(desired=6, running=3, events=ev)
    tasks = [fargate_task(t, ip=ip) for t, ip in [("2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f", "10.0.1.31"),
                                                  ("3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a", "10.0.2.44"),
                                                  ("4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b", "10.0.1.90")]]
    b = web_bundle(tasks=tasks, svc=svc, targets=[target(ip, 8080) for ip in ("10.0.1.31", "10.0.2.44", "10.0.1.90")])
    return b, expect(findings=[("placement.service_quota_exceeded", "service_quota_exceeded")],
                     top="service_quota_exceeded", remediation=["service-quotas", "fargate"],
                     evidence=["reached the limit on the number of vCPUs"])


# ---------------------------------------------------------------- deployment

@scenario("deployment", "circuit_breaker_only")
def _():
    # Collected 40 minutes after the rollback: the failed tasks have expired
    # from DescribeTasks, only the events and the deployments remain.
    ev = [event("d6", NOW - 1500, "(service web-service) has reached a steady state."),
          event("d5", NOW - 2400, "(service web-service) rolling back to deployment ecs-svc/8006323983133337976."),
          event("d4", NOW - 2401, "(service web-service) (deployment ecs-svc/8830323074544908875) deployment failed: tasks failed to start."),
          event("d3", NOW - 2700, "(service web-service) has started 1 tasks: (task 5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b)."),
          event("d2", NOW - 3300, "(service web-service) has started 1 tasks: (task 6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c)."),
          event("d1", NOW - 86400, "(service web-service) has reached a steady state.")]
    svc = fargate_service(events=ev, td=td_arn("web", 42),
                          deployments=[deployment("8006323983133337976", td_arn("web", 42), created=NOW - 2400,
                                                  reason="ECS deployment ecs-svc/%s completed.")])
    tasks = [fargate_task(t, ip=ip) for t, ip in [("7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d", "10.0.1.11"),
                                                  ("8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e", "10.0.2.12"),
                                                  ("9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f", "10.0.1.13")]]
    b = web_bundle(tasks=tasks, svc=svc, targets=[target(ip, 8080) for ip in ("10.0.1.11", "10.0.2.12", "10.0.1.13")])
    b["task_definitions"][td_arn("web", 43)] = fargate_td(rev=43, image_tag="v43")
    b["task_definition_history"]["web"] = [td_arn("web", 43), td_arn("web", 42)]
    return b, expect(findings=[("deployment.circuit_breaker", "deployment_circuit_breaker")],
                     absent=["deployment.stuck", "general.unknown_failure"],
                     top="deployment_circuit_breaker", max_severity="low",
                     remediation=["web-service", "--desired-status STOPPED"],
                     evidence=["deployment failed: tasks failed to start"])


@scenario("deployment", "circuit_breaker_in_progress")
def _():
    # The breaker has just failed deployment 7a8b...; the deployment object is
    # still there with rolloutState FAILED. Tasks expired, so nothing explains it.
    ev = [event("f3", NOW - 120, "(service web-service) rolling back to deployment ecs-svc/8006323983133337976."),
          event("f2", NOW - 121, "(service web-service) (deployment ecs-svc/8830323074544908875) deployment failed: tasks failed to start."),
          event("f1", NOW - 86400, "(service web-service) has reached a steady state.")]
    deps = [deployment("8830323074544908875", td_arn("web", 43), desired=3, running=0, failed=10, rollout="FAILED",
                       reason="ECS deployment circuit breaker: tasks failed to start.", created=NOW - 3000, updated=NOW - 121),
            deployment("8006323983133337976", td_arn("web", 42), status="ACTIVE", desired=3, running=3)]
    svc = fargate_service(events=ev, td=td_arn("web", 43), deployments=deps)
    tasks = [fargate_task(t, ip=ip) for t, ip in [("7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d", "10.0.1.11"),
                                                  ("8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e", "10.0.2.12"),
                                                  ("9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f", "10.0.1.13")]]
    b = web_bundle(tasks=tasks, svc=svc, targets=[target(ip, 8080) for ip in ("10.0.1.11", "10.0.2.12", "10.0.1.13")])
    b["task_definitions"][td_arn("web", 43)] = fargate_td(rev=43, image_tag="v43")
    return b, expect(findings=[("deployment.circuit_breaker", "deployment_circuit_breaker")],
                     top="deployment_circuit_breaker",
                     remediation=["web:43", "web-service"],
                     evidence=["ECS deployment circuit breaker: tasks failed to start.", "10"])


@scenario("deployment", "stuck_deployment_config")
def _():
    # desired 1, minimumHealthyPercent 100, maximumPercent 100: nothing can move.
    ev = [event("s2", NOW - 2400, "(service web-service) was unable to stop or start tasks during a deployment because of "
                "the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again."),
          event("s1", NOW - 86400, "(service web-service) has reached a steady state.")]
    deps = [deployment("1132270263668788317", td_arn("web", 43), desired=1, running=0, rollout="IN_PROGRESS",
                       reason="ECS deployment ecs-svc/%s in progress.", created=NOW - 2500, updated=NOW - 2400),
            deployment("8006323983133337976", td_arn("web", 42), status="ACTIVE", desired=1, running=1)]
    svc = fargate_service(events=ev, td=td_arn("web", 43), desired=1, running=1, deployments=deps)
    svc["deploymentConfiguration"]["maximumPercent"] = 100
    tasks = [fargate_task("0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a", ip="10.0.1.14")]
    b = web_bundle(tasks=tasks, svc=svc, targets=[target("10.0.1.14", 8080)])
    b["task_definitions"][td_arn("web", 43)] = fargate_td(rev=43, image_tag="v43")
    return b, expect(findings=[("deployment.stuck", "deployment_stuck")], top="deployment_stuck",
                     remediation=["maximumPercent=200", "web-service"],
                     evidence=["because of the service deployment configuration"])


@scenario("deployment", "task_definition_not_fargate")
def _():
    ev = [event("t2", NOW - 300, "(service web-service) failed to launch a task with (error Task definition does not "
                "support launch_type FARGATE.)."),
          event("t1", NOW - 86400, "(service web-service) has reached a steady state.")]
    td = ec2_td(family="web", rev=44, container_port=8080, host_port=0, mode="bridge")
    deps = [deployment("1317017179872583022", td["taskDefinitionArn"], desired=3, running=0, rollout="IN_PROGRESS",
                       reason="ECS deployment ecs-svc/%s in progress.", created=NOW - 600, updated=NOW - 300),
            deployment("8006323983133337976", td_arn("web", 42), status="ACTIVE", desired=3, running=3)]
    svc = fargate_service(events=ev, td=td["taskDefinitionArn"], deployments=deps)
    tasks = [fargate_task(t, ip=ip) for t, ip in [("7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d", "10.0.1.11"),
                                                  ("8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e", "10.0.2.12"),
                                                  ("9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f", "10.0.1.13")]]
    b = web_bundle(tasks=tasks, svc=svc, targets=[target(ip, 8080) for ip in ("10.0.1.11", "10.0.2.12", "10.0.1.13")])
    b["task_definitions"][td["taskDefinitionArn"]] = td
    return b, expect(findings=[("deployment.task_definition_invalid", "task_definition_invalid")],
                     top="task_definition_invalid", remediation=["web:44", "web-service"],
                     evidence=["does not support launch_type FARGATE"])


@scenario("deployment", "scale_in_exit_137_benign")
def _():
    # A deployment replaced three tasks and a scale-in removed one: exit 143
    # (SIGTERM) and 137 (SIGKILL after stopTimeout) are normal here.
    ev = [event("b4", NOW - 600, "(service web-service) has reached a steady state."),
          event("b3", NOW - 900, "(service web-service) has stopped 1 running tasks: (task 1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b)."),
          event("b2", NOW - 3000, "(service web-service) (deployment ecs-svc/8006323983133337976) deployment completed."),
          event("b1", NOW - 3500, "(service web-service) has stopped 3 running tasks: (task 2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c) "
                "(task 3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d) (task 4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e).")]
    svc = fargate_service(events=ev, desired=3, running=3)
    stopped = [fargate_task(t, td=td_arn("web", 41), last="STOPPED", started=NOW - 86400 * 2, stopped=s,
                            reason=r, stop_code="ServiceSchedulerInitiated", exit_code=x, ip=ip,
                            started_by="ecs-svc/6795153568590038885")
               for t, s, r, x, ip in [
                   ("2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c", NOW - 3500, "Scaling activity initiated by (deployment ecs-svc/8006323983133337976)", 143, "10.0.1.31"),
                   ("3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d", NOW - 3480, "Scaling activity initiated by (deployment ecs-svc/8006323983133337976)", 137, "10.0.2.32"),
                   ("4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e", NOW - 3470, "Scaling activity initiated by (deployment ecs-svc/8006323983133337976)", 143, "10.0.1.33")]]
    stopped.append(fargate_task("1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b", last="STOPPED", started=NOW - 3400, stopped=NOW - 900,
                                reason="Scaling activity initiated by (deployment ecs-svc/8006323983133337976)",
                                stop_code="ServiceSchedulerInitiated", exit_code=137, ip="10.0.2.34"))
    running = [fargate_task(t, started=NOW - 3400, ip=ip) for t, ip in [("5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f", "10.0.1.41"),
                                                                        ("6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a", "10.0.2.42"),
                                                                        ("7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b", "10.0.1.43")]]
    b = web_bundle(tasks=running + stopped, svc=svc,
                   targets=[target(ip, 8080) for ip in ("10.0.1.41", "10.0.2.42", "10.0.1.43")])
    b["task_definitions"][td_arn("web", 41)] = fargate_td(rev=41, image_tag="v41")
    # The container_exit plugin still reports the 137s as container_crash
    # (medium, confidence 0.4); it must not call them OOM, and none of this
    # catalog's checks may rate them above low. See the final report / docs.
    return b, expect(absent=["general.unknown_failure", "deployment.circuit_breaker", "deployment.stuck",
                             "elb.health_check_failed", "container_oom"],
                     max_severity="low", scope="runtime")


@scenario("deployment", "oom_exit_137_real")
def _():
    # The look-alike: same exit code 137, but the agent says OutOfMemoryError,
    # the stop is the container's own (EssentialContainerExited) and the
    # circuit breaker is counting failures. This one is a real failure.
    td43 = td_arn("web", 43)
    stopped = [fargate_task(t, td=td43, last="STOPPED", started=NOW - 1500 + n * 300, stopped=NOW - 1380 + n * 300,
                            reason="Essential container in task exited", stop_code="EssentialContainerExited", exit_code=137,
                            container_reason="OutOfMemoryError: Container killed due to memory usage", ip=ip,
                            started_by="ecs-svc/8830323074544908875")
               for n, (t, ip) in enumerate([("2b3c4d5e6f708192a3b4c5d6e7f8091a", "10.0.1.121"),
                                            ("3c4d5e6f708192a3b4c5d6e7f8091a2b", "10.0.2.122")])]
    benign = [fargate_task("4d5e6f708192a3b4c5d6e7f8091a2b3c", td=td_arn("web", 41), last="STOPPED", started=NOW - 86400 * 2,
                           stopped=NOW - 1600, reason="Scaling activity initiated by (deployment ecs-svc/8830323074544908875)",
                           stop_code="ServiceSchedulerInitiated", exit_code=143, ip="10.0.1.123",
                           started_by="ecs-svc/6795153568590038885")]
    running = [fargate_task(t, ip=ip) for t, ip in [("7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d", "10.0.1.11"),
                                                    ("8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e", "10.0.2.12")]]
    ev = [event("o2", NOW - 1080, "(service web-service) has stopped 1 running tasks: (task 3c4d5e6f708192a3b4c5d6e7f8091a2b)."),
          event("o1", NOW - 86400, "(service web-service) has reached a steady state.")]
    deps = [deployment("8830323074544908875", td43, desired=3, running=0, failed=2, rollout="IN_PROGRESS",
                       reason="ECS deployment ecs-svc/%s in progress.", created=NOW - 1700, updated=NOW - 1080),
            deployment("8006323983133337976", td_arn("web", 42), status="ACTIVE", desired=3, running=2)]
    svc = fargate_service(events=ev, td=td43, deployments=deps, running=2)
    b = web_bundle(tasks=running + stopped + benign, svc=svc, targets=[target(ip, 8080) for ip in ("10.0.1.11", "10.0.2.12")])
    b["task_definitions"][td43] = fargate_td(rev=43, image_tag="v43")
    b["task_definitions"][td_arn("web", 41)] = fargate_td(rev=41, image_tag="v41")
    return b, expect(findings=[("container.exit", "container_oom")], absent=["general.unknown_failure"], top="container_oom",
                     evidence=["OutOfMemoryError: Container killed due to memory usage"])


# ---------------------------------------------------------------- elb

def elb_failure_bundle(reason, desc, hc_port="traffic-port", hc_path="/health", grace=60, ready_after=14,
                       life=420, extra_targets=None):
    """Three new tasks (web:43) fail ELB checks with `reason`; two were already
    stopped for it. Old tasks (web:42) still serve. The app logs say it is up
    `ready_after` seconds after start."""
    stopped_ids = ["a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6", "b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7"]
    new_ids = ["c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8"]
    ips = {"a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6": "10.0.1.201", "b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7": "10.0.2.202",
           "c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8": "10.0.1.203"}
    td43 = td_arn("web", 43)
    tasks, streams = [], {}
    for n, tid in enumerate(stopped_ids):
        st = NOW - 2400 + n * 600
        tasks.append(fargate_task(tid, td=td43, last="STOPPED", started=st, stopping=st + life, stopped=st + life + 35,
                                  reason=f"Task failed ELB health checks in (target-group {TG_ARN})",
                                  stop_code="ServiceSchedulerInitiated", exit_code=143, ip=ips[tid],
                                  started_by="ecs-svc/8830323074544908875"))
        k, v = log_stream(tid, [(st + 1, "> web@4.3.0 start"), (st + ready_after, "Server listening on http://0.0.0.0:8080"),
                                (st + ready_after + 30, "GET /health 200 2ms" if reason != "Target.ResponseCodeMismatch"
                                 else "GET /healthz 404 1ms"),
                                (st + life + 30, "SIGTERM received, closing server")])
        streams[k] = v
    st = NOW - 200
    tasks.append(fargate_task(new_ids[0], td=td43, started=st, ip=ips[new_ids[0]], started_by="ecs-svc/8830323074544908875"))
    k, v = log_stream(new_ids[0], [(st + 1, "> web@4.3.0 start"), (st + ready_after, "Server listening on http://0.0.0.0:8080")])
    streams[k] = v
    old = [("7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d", "10.0.1.11"), ("8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e", "10.0.2.12"),
           ("9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f", "10.0.1.13")]
    tasks += [fargate_task(t, ip=ip) for t, ip in old]
    tport = 8080 if hc_port == "traffic-port" else int(hc_port)
    targets = [target(ip, 8080) for _, ip in old]
    targets.append(dict(target("10.0.1.203", 8080, "unhealthy", reason, desc), HealthCheckPort=str(tport)))
    targets += extra_targets or []
    for t in targets:
        if hc_port != "traffic-port":
            t["HealthCheckPort"] = hc_port
    ev = [event("h3", NOW - 100, f"(service web-service) (task c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8) (port 8080) is unhealthy in "
                f"(target-group {TG_ARN}) due to (reason {desc})."),
          event("h2", NOW - 1800 + life, "(service web-service) has stopped 1 running tasks: (task b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7)."),
          event("h1", NOW - 86400, "(service web-service) has reached a steady state.")]
    deps = [deployment("8830323074544908875", td43, desired=3, running=1, failed=2, rollout="IN_PROGRESS",
                       reason="ECS deployment ecs-svc/%s in progress.", created=NOW - 2500, updated=NOW - 200),
            deployment("8006323983133337976", td_arn("web", 42), status="ACTIVE", desired=3, running=3)]
    svc = fargate_service(events=ev, td=td43, deployments=deps, grace=grace, running=4)
    tg = target_group(hc_port=hc_port, hc_path=hc_path, targets=targets)
    b = web_bundle(tasks=tasks, svc=svc, tg=tg)
    b["task_definitions"][td43] = fargate_td(rev=43, image_tag="v43")
    b["task_definition_history"]["web"] = [td43, td_arn("web", 42)]
    b["task_definitions"][td_arn("web", 42)] = fargate_td(rev=42)
    b["logs"]["streams"] = streams
    return b


@scenario("elb", "timeout_right_port")
def _():
    b = elb_failure_bundle("Target.Timeout", "Request timed out")
    return b, expect(findings=[("elb.health_check_failed", "elb_health_check_failed")],
                     absent=["elb.misconfigured", "elb.grace_period_too_short", "general.unknown_failure"],
                     top="elb_health_check_failed",
                     remediation=[TG_ARN, "--health-check-timeout-seconds"],
                     evidence=["Target.Timeout", "Request timed out", "Task failed ELB health checks in (target-group"])


@scenario("elb", "timeout_sg_blocked")
def _():
    # Right port, but someone replaced the task security group's rules: the
    # ALB's checks cannot connect. Same Target.Timeout, a different fix.
    b = elb_failure_bundle("Target.Timeout", "Request timed out")
    b["network"]["security_groups"] = security_groups(allow=False)
    for t in b["elb"]["target_groups"][TG_ARN]["TargetHealthDescriptions"]:
        t["TargetHealth"] = {"State": "unhealthy", "Reason": "Target.Timeout", "Description": "Request timed out"}
    return b, expect(findings=[("elb.health_check_failed", "elb_health_check_failed")],
                     absent=["elb.misconfigured", "elb.grace_period_too_short"],
                     top="elb_health_check_failed",
                     remediation=["authorize-security-group-ingress --group-id sg-0task1234567890ab --protocol tcp --port 8080 "
                                  "--source-group sg-0alb1234567890ab"],
                     evidence=["Request timed out"])


@scenario("elb", "timeout_wrong_port")
def _():
    b = elb_failure_bundle("Target.Timeout", "Request timed out", hc_port="80")
    return b, expect(findings=[("elb.misconfigured", "load_balancer_misconfigured"),
                               ("elb.health_check_failed", "elb_health_check_failed")],
                     absent=["elb.grace_period_too_short"],
                     top="load_balancer_misconfigured",
                     remediation=[TG_ARN, "--health-check-port traffic-port"],
                     evidence=["80", "8080"])


@scenario("elb", "response_code_mismatch")
def _():
    b = elb_failure_bundle("Target.ResponseCodeMismatch", "Health checks failed with these codes: [404]", hc_path="/healthz",
                           life=95)
    # Blue/green task sets prefix their events with "(service X, taskSet Y)".
    b["services"][0]["events"][0]["message"] = (
        f"(service web-service, taskSet ecs-svc/8830323074544908875) (task c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8) (port 8080) "
        f"is unhealthy in (target-group {TG_ARN}) due to (reason Health checks failed with these codes: [404]).")
    b["task_definitions"][td_arn("web", 43)]["containerDefinitions"][0]["healthCheck"] = {
        "command": ["CMD-SHELL", "wget -qO- http://localhost:8080/health || exit 1"],
        "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 10}
    return b, expect(findings=[("elb.health_check_failed", "elb_health_check_failed")],
                     absent=["elb.misconfigured", "elb.grace_period_too_short"],
                     top="elb_health_check_failed",
                     remediation=[TG_ARN, "--health-check-path /health "],
                     evidence=["Health checks failed with these codes: [404]", "/healthz"])


@scenario("elb", "lb_az_not_enabled")
def _():
    # The service may run tasks in us-east-1c; the ALB is enabled only in 1a/1b.
    extra = [dict(target("10.0.3.77", 8080, "unused", "Target.NotInUse",
                         "Target group is not configured to receive traffic from the load balancer", az="us-east-1c"))]
    b = elb_failure_bundle("Target.Timeout", "Request timed out", extra_targets=extra)
    # this variant: only the 1c task fails, the others are healthy
    tg = b["elb"]["target_groups"][TG_ARN]
    tg["TargetHealthDescriptions"] = [t for t in tg["TargetHealthDescriptions"] if t["TargetHealth"]["State"] != "unhealthy"]
    b["services"][0]["networkConfiguration"]["awsvpcConfiguration"]["subnets"].append("subnet-0c3d4e5f6a7b80912")
    b["network"]["subnets"]["subnet-0c3d4e5f6a7b80912"] = {"subnetId": "subnet-0c3d4e5f6a7b80912",
                                                           "vpcId": "vpc-0c0ffee1234567890", "availabilityZone": "us-east-1c",
                                                           "cidrBlock": "10.0.3.0/24", "availableIpAddressCount": "245",
                                                           "mapPublicIpOnLaunch": "false", "state": "available"}
    return b, expect(findings=[("elb.misconfigured", "load_balancer_misconfigured")],
                     top="load_balancer_misconfigured",
                     remediation=[LB_ARN, "us-east-1c"], evidence=["Target.NotInUse"])


@scenario("elb", "grace_period_short")
def _():
    # Spring Boot app that needs ~72 s; grace period 0, checks every 10 s,
    # 3 failures -> unhealthy at ~30 s, ECS decides to stop it at ~48 s.
    td43 = td_arn("web", 43)
    tasks, streams = [], {}
    for n, (tid, ip) in enumerate([("d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9", "10.0.1.211"),
                                   ("e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0", "10.0.2.212"),
                                   ("f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1", "10.0.1.213")]):
        st = NOW - 1500 + n * 300
        tasks.append(fargate_task(tid, td=td43, last="STOPPED", started=st, stopping=st + 48 + n, stopped=st + 85 + n,
                                  reason=f"Task failed ELB health checks in (target-group {TG_ARN})",
                                  stop_code="ServiceSchedulerInitiated", exit_code=143, ip=ip,
                                  started_by="ecs-svc/8830323074544908875"))
        k, v = log_stream(tid, [
            (st + 2, "Starting WebApplication v2.3.1 using Java 17.0.9 with PID 1 (/app/app.jar started by app in /app)"),
            (st + 3, "No active profile set, falling back to 1 default profile: \"default\""),
            (st + 24, "Initializing Spring embedded WebApplicationContext"),
            (st + 55, "HikariPool-1 - Start completed."),
            (st + 71 + n, "Tomcat started on port 8080 (http) with context path ''"),
            (st + 72 + n, f"Started WebApplication in {71.6 + n:.1f} seconds (process running for {73.2 + n:.1f})"),
            (st + 80 + n, "Commencing graceful shutdown. Waiting for active requests to complete")])
        streams[k] = v
    old = [("7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d", "10.0.1.11"), ("8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e", "10.0.2.12"),
           ("9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f", "10.0.1.13")]
    tasks += [fargate_task(t, ip=ip) for t, ip in old]
    tasks.append(fargate_task("a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2", td=td43, started=NOW - 20, ip="10.0.2.214",
                              started_by="ecs-svc/8830323074544908875"))
    targets = [target(ip, 8080) for _, ip in old]
    targets.append(target("10.0.2.214", 8080, "initial", "Elb.InitialHealthChecking", "Initial health checks in progress"))
    ev = [event("g4", NOW - 20, "(service web-service) has started 1 tasks: (task a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2)."),
          event("g3", NOW - 888, f"(service web-service) (task f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1) (port 8080) is unhealthy in "
                f"(target-group {TG_ARN}) due to (reason Health checks failed)."),
          event("g2", NOW - 1452, "(service web-service) has stopped 1 running tasks: (task d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9)."),
          event("g1", NOW - 86400, "(service web-service) has reached a steady state.")]
    deps = [deployment("8830323074544908875", td43, desired=3, running=0, failed=3, rollout="IN_PROGRESS",
                       reason="ECS deployment ecs-svc/%s in progress.", created=NOW - 1600, updated=NOW - 20),
            deployment("8006323983133337976", td_arn("web", 42), status="ACTIVE", desired=3, running=3)]
    svc = fargate_service(events=ev, td=td43, deployments=deps, grace=0, running=3, pending=1)
    tg = target_group(interval="10", unhealthy="3", healthy="2", targets=targets, dereg="30")
    b = web_bundle(tasks=tasks, svc=svc, tg=tg)
    b["task_definitions"][td43] = fargate_td(rev=43, image_tag="v43")
    b["task_definitions"][td_arn("web", 42)] = fargate_td(rev=42)
    b["task_definition_history"]["web"] = [td43, td_arn("web", 42)]
    b["logs"]["streams"] = streams
    return b, expect(findings=[("elb.grace_period_too_short", "health_check_grace_period_too_short")],
                     absent=["elb.misconfigured", "general.unknown_failure"],
                     top="health_check_grace_period_too_short",
                     remediation=["--health-check-grace-period-seconds", "web-service"],
                     evidence=["Tomcat started on port 8080", "Task failed ELB health checks in (target-group"])


# ---------------------------------------------------------------- container

@scenario("container", "container_health_check_failed")
def _():
    hc = {"command": ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"], "interval": 30, "timeout": 5,
          "retries": 3}
    td43 = fargate_td(rev=43, image_tag="v43", health_check=hc)
    tasks, streams = [], {}
    for n, (tid, ip) in enumerate([("0f1e2d3c4b5a69788796a5b4c3d2e1f0", "10.0.1.151"),
                                   ("1f2e3d4c5b6a79808796a5b4c3d2e1f0", "10.0.2.152")]):
        st = NOW - 1800 + n * 400
        tasks.append(fargate_task(tid, td=td43["taskDefinitionArn"], last="STOPPED", started=st, stopped=st + 130,
                                  reason="Task failed container health checks", stop_code="ServiceSchedulerInitiated",
                                  exit_code=137, ip=ip, health="UNHEALTHY", started_by="ecs-svc/8830323074544908875"))
        k, v = log_stream(tid, [(st + 1, "> web@4.3.0 start"), (st + 3, "Server listening on http://0.0.0.0:8080")])
        streams[k] = v
    old = [("7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d", "10.0.1.11"), ("8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e", "10.0.2.12"),
           ("9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f", "10.0.1.13")]
    tasks += [fargate_task(t, ip=ip) for t, ip in old]
    ev = [event("k3", NOW - 1000, "(service web-service) (task 1f2e3d4c5b6a79808796a5b4c3d2e1f0) failed container health checks."),
          event("k2", NOW - 1400, "(service web-service) (task 0f1e2d3c4b5a69788796a5b4c3d2e1f0) failed container health checks."),
          event("k1", NOW - 86400, "(service web-service) has reached a steady state.")]
    deps = [deployment("8830323074544908875", td43["taskDefinitionArn"], desired=3, running=0, failed=2, rollout="IN_PROGRESS",
                       reason="ECS deployment ecs-svc/%s in progress.", created=NOW - 1900, updated=NOW - 1000),
            deployment("8006323983133337976", td_arn("web", 42), status="ACTIVE", desired=3, running=3)]
    svc = fargate_service(events=ev, td=td43["taskDefinitionArn"], deployments=deps)
    b = web_bundle(tasks=tasks, svc=svc, targets=[target(ip, 8080) for _, ip in old])
    b["task_definitions"][td43["taskDefinitionArn"]] = td43
    b["task_definitions"][td_arn("web", 42)] = fargate_td(rev=42)
    b["logs"]["streams"] = streams
    return b, expect(findings=[("container.health_check_failed", "container_health_check_failed")],
                     absent=["elb.health_check_failed", "general.unknown_failure"],
                     top="container_health_check_failed",
                     remediation=["web:43", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"],
                     evidence=["Task failed container health checks", "curl -f http://localhost:8080/health"])


# ---------------------------------------------------------------- host

@scenario("host", "spot_interruption")
def _():
    svc = fargate_service(desired=4, running=1, pending=2, events=[
        event("x2", NOW - 200, "(service web-service) has started 2 tasks: (task 2a3b4c5d6e7f8091a2b3c4d5e6f70819) (task 3b4c5d6e7f8091a2b3c4d5e6f708192a)."),
        event("x1", NOW - 86400, "(service web-service) has reached a steady state.")])
    del svc["launchType"]
    svc["capacityProviderStrategy"] = [{"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}]
    stopped = [fargate_task(t, last="STOPPED", started=NOW - 86400, stopped=NOW - 300 + n, reason="Your Spot Task was interrupted.",
                            stop_code="SpotInterruption", exit_code=143, ip=ip, capacity_provider="FARGATE_SPOT")
               for n, (t, ip) in enumerate([("4c5d6e7f8091a2b3c4d5e6f708192a3b", "10.0.1.61"),
                                            ("5d6e7f8091a2b3c4d5e6f708192a3b4c", "10.0.2.62"),
                                            ("6e7f8091a2b3c4d5e6f708192a3b4c5d", "10.0.1.63")])]
    running = [fargate_task("7f8091a2b3c4d5e6f708192a3b4c5d6e", ip="10.0.2.64", capacity_provider="FARGATE_SPOT")]
    b = web_bundle(tasks=running + stopped, svc=svc, targets=[target("10.0.2.64", 8080)])
    return b, expect(findings=[("host.spot_interruption", "spot_interruption")],
                     absent=["general.unknown_failure"], top="spot_interruption",
                     remediation=["capacityProvider=FARGATE,base=", "web-service"],
                     evidence=["Your Spot Task was interrupted."])


@scenario("host", "host_maintenance")
def _():
    ev = [event("m3", NOW - 500, "(service web-service) has reached a steady state."),
          event("m2", NOW - 900, "(service web-service) has started 1 tasks: (task 8091a2b3c4d5e6f708192a3b4c5d6e7f)."),
          event("m1", NOW - 86400, "(service web-service) has reached a steady state.")]
    svc = fargate_service(events=ev)
    stopped = [fargate_task("91a2b3c4d5e6f708192a3b4c5d6e7f80", last="STOPPED", started=NOW - 86400 * 6, stopped=NOW - 930,
                            reason="Task stopped due to: ECS is performing maintenance on the underlying infrastructure hosting the task.",
                            stop_code="TerminationNotice", exit_code=143, ip="10.0.1.71")]
    running = [fargate_task(t, ip=ip) for t, ip in [("8091a2b3c4d5e6f708192a3b4c5d6e7f", "10.0.1.72"),
                                                    ("a2b3c4d5e6f708192a3b4c5d6e7f8091", "10.0.2.73"),
                                                    ("b3c4d5e6f708192a3b4c5d6e7f8091a2", "10.0.1.74")]]
    b = web_bundle(tasks=running + stopped, svc=svc, targets=[target(ip, 8080) for ip in ("10.0.1.72", "10.0.2.73", "10.0.1.74")])
    return b, expect(findings=[("host.maintenance", "host_maintenance")], absent=["general.unknown_failure"],
                     top="host_maintenance", max_severity="low", remediation=["web-service"],
                     evidence=["ECS is performing maintenance on the underlying infrastructure hosting the task"])


@scenario("host", "disk_full")
def _():
    ci1 = container_instance("c4d5e6f708192a3b4c5d6e7f8091a2b3", "i-0c4d5e6f708192a3b", mem_rem=4096, cpu_rem=1024)
    ci2 = container_instance("d5e6f708192a3b4c5d6e7f8091a2b3c4", "i-0d5e6f708192a3b4c", mem_rem=4096, cpu_rem=1024, az="us-east-1b")
    tasks = [
        ec2_task("e6f708192a3b4c5d6e7f8091a2b3c4d5", "c4d5e6f708192a3b4c5d6e7f8091a2b3", stopped=NOW - 700,
                 reason="CannotPullContainerError: write /var/lib/docker/tmp/GetImageBlob446879403: no space left on device",
                 stop_code="TaskFailedToStart"),
        ec2_task("f708192a3b4c5d6e7f8091a2b3c4d5e6", "c4d5e6f708192a3b4c5d6e7f8091a2b3", stopped=NOW - 400,
                 reason="CannotCreateContainerError: API error (500): devmapper: Thin Pool has 4350 free data blocks which is "
                 "less than minimum required 4454 free data blocks. Create more free space in thin pool or use "
                 "dm.min_free_space option to change behavior", stop_code="TaskFailedToStart"),
    ]
    ev = [event("w2", NOW - 400, "(service worker) is unable to consistently start tasks successfully."),
          event("w1", NOW - 86400, "(service worker) has reached a steady state.")]
    svc = ec2_service(desired=3, running=2, events=ev)
    b = worker_bundle([ci1, ci2], tasks=tasks, svc=svc)
    return b, expect(findings=[("host.disk_full", "disk_full"), ("deployment.stuck", "deployment_stuck")],
                     absent=["general.unknown_failure"], top="disk_full",
                     remediation=["i-0c4d5e6f708192a3b", "docker system prune"],
                     evidence=["no space left on device", "Thin Pool has 4350 free data blocks"])


@scenario("host", "agent_disconnected")
def _():
    ci1 = container_instance("0e1f2a3b4c5d6e7f8091a2b3c4d5e6f7", "i-0e1f2a3b4c5d6e7f8", mem_rem=6144, cpu_rem=1536, agent=False)
    ci2 = container_instance("1f2a3b4c5d6e7f8091a2b3c4d5e6f708", "i-01f2a3b4c5d6e7f80", mem_rem=512, cpu_rem=256, az="us-east-1b")
    ev = [event("a2", NOW - 300, "(service worker) was unable to place a task because no container instance met all of its "
                "requirements. The closest matching (container-instance 0e1f2a3b4c5d6e7f8091a2b3c4d5e6f7) encountered error "
                "\"AGENT\". For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."),
          event("a1", NOW - 86400, "(service worker) has reached a steady state.")]
    svc = ec2_service(desired=3, running=2, events=ev)
    b = worker_bundle([ci1, ci2], svc=svc)
    return b, expect(findings=[("host.agent_disconnected", "agent_disconnected")],
                     absent=["placement.insufficient_resources", "placement.constraint_unsatisfied"],
                     top="agent_disconnected", remediation=["i-0e1f2a3b4c5d6e7f8", "systemctl restart ecs"],
                     evidence=["encountered error \"AGENT\""])


# ---------------------------------------------------------------- general

@scenario("general", "api_throttled")
def _():
    ev = [event("r3", NOW - 240, "(service web-service) operations are being throttled on elb. Will try again later."),
          event("r2", NOW - 900, "(service web-service) operations are being throttled. Will try again later."),
          event("r1", NOW - 86400, "(service web-service) has reached a steady state.")]
    deps = [deployment("8830323074544908875", td_arn("web", 43), desired=3, running=1, rollout="IN_PROGRESS",
                       reason="ECS deployment ecs-svc/%s in progress.", created=NOW - 3000, updated=NOW - 240),
            deployment("8006323983133337976", td_arn("web", 42), status="ACTIVE", desired=3, running=2)]
    svc = fargate_service(events=ev, td=td_arn("web", 43), deployments=deps)
    tasks = [fargate_task(t, ip=ip) for t, ip in [("7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d", "10.0.1.11"),
                                                  ("8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e", "10.0.2.12"),
                                                  ("9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f", "10.0.1.13", )]]
    b = web_bundle(tasks=tasks, svc=svc, targets=[target(ip, 8080) for ip in ("10.0.1.11", "10.0.2.12", "10.0.1.13")])
    b["task_definitions"][td_arn("web", 43)] = fargate_td(rev=43, image_tag="v43")
    return b, expect(findings=[("general.api_throttled", "api_throttled"), ("deployment.stuck", "deployment_stuck")],
                     top="api_throttled", remediation=["elasticloadbalancing", "cloudtrail lookup-events"],
                     evidence=["operations are being throttled on elb"])


@scenario("general", "unknown_failure")
def _():
    reason = ("ContainerRuntimeTimeoutError: Could not transition to running; timed out after waiting 1m: "
              "failed to create shim task: context canceled")
    stopped = [fargate_task(t, last="STOPPED", started=NOW - 900 + n * 200, stopped=NOW - 820 + n * 200, reason=reason,
                            stop_code="TaskFailedToStart", ip=ip)
               for n, (t, ip) in enumerate([("c4d5e6f708192a3b4c5d6e7f8091a2b3", "10.0.1.81"),
                                            ("d5e6f708192a3b4c5d6e7f8091a2b3c4", "10.0.2.82")])]
    running = [fargate_task(t, ip=ip) for t, ip in [("7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d", "10.0.1.11"),
                                                    ("8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e", "10.0.2.12")]]
    ev = [event("z2", NOW - 620, "(service web-service) has started 1 tasks: (task d5e6f708192a3b4c5d6e7f8091a2b3c4)."),
          event("z1", NOW - 86400, "(service web-service) has reached a steady state.")]
    svc = fargate_service(events=ev, desired=3, running=2)
    b = web_bundle(tasks=running + stopped, svc=svc, targets=[target(ip, 8080) for ip in ("10.0.1.11", "10.0.2.12")])
    return b, expect(findings=[("general.unknown_failure", "unknown_failure")], top="unknown_failure",
                     remediation=["c4d5e6f708192a3b4c5d6e7f8091a2b3"], evidence=["ContainerRuntimeTimeoutError: Could not transition"])


@scenario("general", "healthy_service")
def _():
    # Steady for hours; an old port-conflict event and an old deployment's
    # scale-in stops are history, not a diagnosis.
    ev = [event("y4", NOW - 1200, "(service web-service) has reached a steady state."),
          event("y3", NOW - 3600, "(service web-service) (deployment ecs-svc/8006323983133337976) deployment completed."),
          event("y2", NOW - 4000, "(service web-service) was unable to place a task. Reason: Capacity is unavailable at this "
                "time. Please try again later or in a different availability zone."),
          event("y1", NOW - 86400, "(service web-service) has reached a steady state.")]
    svc = fargate_service(events=ev)
    running = [fargate_task(t, started=NOW - 3900, ip=ip) for t, ip in [("7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d", "10.0.1.11"),
                                                                        ("8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e", "10.0.2.12"),
                                                                        ("9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f", "10.0.1.13")]]
    stopped = [fargate_task("e6f708192a3b4c5d6e7f8091a2b3c4d5", td=td_arn("web", 41), last="STOPPED", started=NOW - 86400 * 3,
                            stopped=NOW - 3700, reason="Scaling activity initiated by (deployment ecs-svc/8006323983133337976)",
                            stop_code="ServiceSchedulerInitiated", exit_code=143, ip="10.0.2.91",
                            started_by="ecs-svc/6795153568590038885")]
    # ...and a task the load balancer failed an hour before the steady state:
    # resolved, so at most low.
    stopped.append(fargate_task("f708192a3b4c5d6e7f8091a2b3c4d5e6", last="STOPPED", started=NOW - 5400, stopping=NOW - 4900,
                                stopped=NOW - 4600, reason=f"Task failed ELB health checks in (target-group {TG_ARN})",
                                stop_code="ServiceSchedulerInitiated", exit_code=143, ip="10.0.1.92"))
    b = web_bundle(tasks=running + stopped, svc=svc, targets=[target(ip, 8080) for ip in ("10.0.1.11", "10.0.2.12", "10.0.1.13")])
    b["task_definitions"][td_arn("web", 41)] = fargate_td(rev=41, image_tag="v41")
    return b, expect(findings=[("elb.health_check_failed", "elb_health_check_failed")],
                     absent=["general.unknown_failure", "placement.capacity_unavailable",
                             "elb.misconfigured", "deployment.stuck", "deployment.circuit_breaker"],
                     max_severity="low")



@scenario("general", "malformed_evidence")
def _():
    # Not an incident: a bundle whose fields have the wrong types or are
    # missing, as a buggy collector or a hand-edited file might produce. No
    # runtime check may error on it (the runner fails a fixture whose own
    # checks error; verify_bundles.py fails on any check error).
    b = web_bundle(tasks=[fargate_task("0a0b0c0d0e0f0a1b2c3d4e5f6a7b8c9d", last="STOPPED", reason="x")],
                   events=[event("q", NOW - 5, "(service web-service) has started 1 tasks.")])
    t = b["tasks"][0]
    t["stoppedReason"] = 12345
    t["stoppingAt"] = "soon"
    t["containers"][0]["reason"] = ["not", "a", "string"]
    t["group"] = None
    svc = b["services"][0]
    svc["desiredCount"] = "3"
    svc["events"].append({"id": "bad", "createdAt": "yesterday", "message": None})
    svc["events"].append({"id": "bad2", "message": 7})
    svc["deployments"][0]["rolloutState"] = None
    svc["loadBalancers"].append({"containerName": "app"})
    tg = b["elb"]["target_groups"][TG_ARN]
    tg["HealthCheckIntervalSeconds"] = "abc"
    tg["TargetHealthDescriptions"] = [{"Target": {"Id": "10.0.1.1"}}, {"TargetHealth": {"State": "unhealthy"}}, "junk"]
    tg["LoadBalancerArns"] = "not-a-list"
    b["capacity"]["container_instances"] = [{"status": "ACTIVE"}, {"containerInstanceArn": 5, "attributes": "none"}]
    b["logs"]["streams"] = {"weird": {"events": [{"timestamp": "t", "message": None}], "task": 9}}
    b["task_definitions"]["arn:aws:ecs:us-east-1:123456789012:task-definition/web:42"]["containerDefinitions"][0]["portMappings"] = [{}]
    return b, expect(absent=["general.unknown_failure"])


def dumps(x):
    return json.dumps(x, indent=1, ensure_ascii=False) + "\n"


def main():
    """Writes the fixtures; with --check, only compares them with the files on
    disk (exit 1 on drift) so a hand edit of a bundle cannot go unnoticed."""
    args = sys.argv[1:]
    check = "--check" in args
    only = set(a for a in args if a != "--check")
    stale = 0
    for area, name, fn in SCENARIOS:
        if only and name not in only:
            continue
        b, e = fn()
        d = os.path.join(ROOT, "checks", area, "tests")
        for path, doc in ((os.path.join(d, name + ".json"), b), (os.path.join(d, name + ".expect.json"), e)):
            text = dumps(doc)
            if check:
                try:
                    same = open(path, encoding="utf-8").read() == text
                except OSError:
                    same = False
                if not same:
                    print("stale: " + os.path.relpath(path, ROOT))
                    stale += 1
            else:
                os.makedirs(d, exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
        if not check:
            print(f"checks/{area}/tests/{name}.json")
    if check:
        print(f"{len(SCENARIOS)} scenarios, {stale} stale file(s)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
