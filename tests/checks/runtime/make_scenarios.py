#!/usr/bin/python3
"""Generates one fake-AWS scenario per runtime category:
tests/fakeaws/scenarios/<category>.json (format: tests/fakeaws/README.md, the
fields of `aws --output json`), plus tests/checks/runtime/scenarios.expect.json
with what the live end-to-end run (e2e_scenarios.py) must show: the service to
diagnose, the top-ranked category, ids the remediation must name and the
message the evidence must quote.

Two bases share one account (us-east-1, cluster prod): the Fargate service
web-service behind the ALB prod-alb (target group web-service-tg, container
web on 8080), and the EC2 service worker (bridge mode) on container instances
of the capacity provider prod-ec2-cp. Each scenario breaks one thing the way
it breaks in production and carries AWS's own message for it.
Run: /usr/bin/python3 tests/checks/runtime/make_scenarios.py [--check]
"""
import copy
import json
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
ACCT, REGION = "123456789012", "us-east-1"
VPC = "vpc-0b1c2d3e4f5a60002"
SUB_A, SUB_B, SUB_C = "subnet-0bb11cc22dd33ee01", "subnet-0bb11cc22dd33ee02", "subnet-0bb11cc22dd33ee03"
PUB_A, PUB_B = "subnet-0bb11cc22dd33ee11", "subnet-0bb11cc22dd33ee12"
SG_ALB, SG_TASK = "sg-0b1c2d3e4f5a00001", "sg-0b1c2d3e4f5a00002"
TG = "web-service-tg"
TG_ARN = f"arn:aws:elasticloadbalancing:{REGION}:{ACCT}:targetgroup/{TG}/1a2b3c4d5e6f7a8b"
LB_NAME = "prod-alb"
ASG = "prod-ecs-asg"
ASG_ARN = (f"arn:aws:autoscaling:{REGION}:{ACCT}:autoScalingGroup:0e4c2a1b-7d3f-4c8e-9a6b-5f1e2d3c4b5a:"
           f"autoScalingGroupName/{ASG}")
IMAGE = f"{ACCT}.dkr.ecr.{REGION}.amazonaws.com/web-service:v2.3.1"
WIMAGE = f"{ACCT}.dkr.ecr.{REGION}.amazonaws.com/worker:2026.11.26"
DEP_NEW, DEP_OLD = "ecs-svc/4408120935126551029", "ecs-svc/9183302178340615507"
ELB_STOP = f"Task failed ELB health checks in (target-group {TG_ARN})"
CI = ["3f1e6a0b9c2d4e5f8a7b6c5d4e3f2a1b", "8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f", "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"]
EC2 = ["i-0a1b2c3d4e5f67890", "i-0f1e2d3c4b5a69870", "i-0123456789abcdef0"]


def web_td(rev=8, health_check=None):
    c = {"name": "web", "image": IMAGE, "essential": True,
         "portMappings": [{"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"}],
         "logConfiguration": {"logDriver": "awslogs", "options": {
             "awslogs-group": "/ecs/web-service", "awslogs-region": REGION, "awslogs-stream-prefix": "ecs"}}}
    if health_check:
        c["healthCheck"] = health_check
    return {"family": "web-service", "revision": rev, "registeredAt": "-3d" if rev < 8 else "-50m", "cpu": "512",
            "memory": "1024", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
            "executionRoleArn": "ecsTaskExecutionRole", "taskRoleArn": "web-service-task-role",
            "containerDefinitions": [c]}


def worker_td(rev=12, host_port=0, memory=3072):
    return {"family": "worker", "revision": rev, "registeredAt": "-2d", "networkMode": "bridge",
            "requiresCompatibilities": ["EC2"], "executionRoleArn": "ecsTaskExecutionRole",
            "containerDefinitions": [{"name": "worker", "image": WIMAGE, "essential": True, "cpu": 1024,
                                      "memory": memory,
                                      "portMappings": [{"containerPort": 8080, "hostPort": host_port, "protocol": "tcp"}],
                                      "logConfiguration": {"logDriver": "awslogs", "options": {
                                          "awslogs-group": "/ecs/worker", "awslogs-region": REGION,
                                          "awslogs-stream-prefix": "ecs"}}}]}


def base():
    return {
        "description": "",
        "account": ACCT, "region": REGION,
        "ec2": {
            "vpcs": [{"VpcId": VPC, "Name": "prod-vpc", "CidrBlock": "10.1.0.0/16"}],
            "subnets": [
                {"SubnetId": SUB_A, "Name": "prod-private-a", "VpcId": "prod-vpc", "CidrBlock": "10.1.1.0/24",
                 "AvailabilityZone": "us-east-1a", "AvailabilityZoneId": "use1-az1"},
                {"SubnetId": SUB_B, "Name": "prod-private-b", "VpcId": "prod-vpc", "CidrBlock": "10.1.2.0/24",
                 "AvailabilityZone": "us-east-1b", "AvailabilityZoneId": "use1-az2"},
                {"SubnetId": SUB_C, "Name": "prod-private-c", "VpcId": "prod-vpc", "CidrBlock": "10.1.3.0/24",
                 "AvailabilityZone": "us-east-1c", "AvailabilityZoneId": "use1-az4"},
                {"SubnetId": PUB_A, "Name": "prod-public-a", "VpcId": "prod-vpc", "CidrBlock": "10.1.101.0/24",
                 "AvailabilityZone": "us-east-1a", "AvailabilityZoneId": "use1-az1", "MapPublicIpOnLaunch": True},
                {"SubnetId": PUB_B, "Name": "prod-public-b", "VpcId": "prod-vpc", "CidrBlock": "10.1.102.0/24",
                 "AvailabilityZone": "us-east-1b", "AvailabilityZoneId": "use1-az2", "MapPublicIpOnLaunch": True}],
            "internetGateways": [{"InternetGatewayId": "igw-0b1c2d3e4f5a60002", "Name": "prod-igw", "VpcId": "prod-vpc"}],
            "natGateways": [{"NatGatewayId": "nat-0b1c2d3e4f5a60002", "Name": "prod-nat-a", "SubnetId": "prod-public-a"}],
            "routeTables": [
                {"RouteTableId": "rtb-0b1c2d3e4f5a60001", "Name": "prod-main", "VpcId": "prod-vpc", "Main": True},
                {"RouteTableId": "rtb-0b1c2d3e4f5a60002", "Name": "prod-public", "VpcId": "prod-vpc",
                 "Subnets": ["prod-public-a", "prod-public-b"],
                 "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "prod-igw"}]},
                {"RouteTableId": "rtb-0b1c2d3e4f5a60003", "Name": "prod-private", "VpcId": "prod-vpc",
                 "Subnets": ["prod-private-a", "prod-private-b", "prod-private-c"],
                 "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "prod-nat-a"}]}],
            "vpcEndpoints": [],
            "securityGroups": [
                {"GroupId": SG_ALB, "GroupName": "prod-alb-sg", "Name": "prod-alb-sg", "Description": "ALB ingress",
                 "VpcId": "prod-vpc",
                 "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]},
                {"GroupId": SG_TASK, "GroupName": "web-service-sg", "Name": "web-service-sg",
                 "Description": "web-service tasks", "VpcId": "prod-vpc",
                 "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
                                    "UserIdGroupPairs": [{"GroupId": SG_ALB, "UserId": ACCT}]}]}],
            "networkAcls": [{"NetworkAclId": "acl-0b1c2d3e4f5a00001", "VpcId": "prod-vpc",
                             "Subnets": ["prod-private-a", "prod-private-b", "prod-private-c", "prod-public-a",
                                         "prod-public-b"]}]},
        "iam": {"roles": [
            {"RoleName": "ecsTaskExecutionRole", "AttachedPolicies": ["AmazonECSTaskExecutionRolePolicy"]},
            {"RoleName": "web-service-task-role", "InlinePolicies": {}}]},
        "ecr": {"repositories": [
            {"repositoryName": "web-service", "images": [
                {"imageTags": ["v2.3.1"], "imagePushedAt": "-50m",
                 "imageDigest": "sha256:1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a7988"},
                {"imageTags": ["v2.3.0"], "imagePushedAt": "-3d",
                 "imageDigest": "sha256:2a3b4c5d6e7f80912a3b4c5d6e7f80912a3b4c5d6e7f80912a3b4c5d6e7f8091"}]},
            {"repositoryName": "worker", "images": [
                {"imageTags": ["2026.11.26"], "imagePushedAt": "-2d",
                 "imageDigest": "sha256:3b4c5d6e7f8091a23b4c5d6e7f8091a23b4c5d6e7f8091a23b4c5d6e7f8091a2"}]}]},
        "secretsmanager": {"secrets": []},
        "ssm": {"parameters": []},
        "elbv2": {
            "loadBalancers": [{"LoadBalancerName": LB_NAME, "VpcId": "prod-vpc", "SecurityGroups": ["prod-alb-sg"],
                               "AvailabilityZones": [{"ZoneName": "us-east-1a", "SubnetId": "prod-public-a"},
                                                     {"ZoneName": "us-east-1b", "SubnetId": "prod-public-b"}]}],
            "targetGroups": [{"TargetGroupName": TG, "TargetGroupArn": TG_ARN, "Port": 8080, "VpcId": "prod-vpc",
                              "TargetType": "ip", "HealthCheckPath": "/health", "attributes": {
                                  "deregistration_delay.timeout_seconds": 60}, "targets": []}],
            "listeners": [{"loadBalancer": LB_NAME, "Port": 443, "Protocol": "HTTPS",
                           "DefaultActions": [{"Type": "forward", "TargetGroupArn": TG}]}]},
        "ecs": {
            "clusters": [{"clusterName": "prod"}],
            "taskDefinitions": [web_td(7), web_td(8)],
            "services": [{
                "cluster": "prod", "serviceName": "web-service", "taskDefinition": "web-service:8",
                "desiredCount": 3, "launchType": "FARGATE", "platformVersion": "LATEST", "createdAt": "-120d",
                "healthCheckGracePeriodSeconds": 60,
                "loadBalancers": [{"targetGroupArn": TG, "containerName": "web", "containerPort": 8080}],
                "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["prod-private-a", "prod-private-b"],
                                                                 "securityGroups": ["web-service-sg"],
                                                                 "assignPublicIp": "DISABLED"}},
                "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": True, "rollback": True},
                                            "maximumPercent": 200, "minimumHealthyPercent": 100},
                "deployments": [{"id": DEP_NEW, "status": "PRIMARY", "taskDefinition": "web-service:8",
                                 "desiredCount": 3, "runningCount": 3, "pendingCount": 0, "failedTasks": 0,
                                 "createdAt": "-2d", "updatedAt": "-2d", "rolloutState": "COMPLETED",
                                 "rolloutStateReason": f"ECS deployment {DEP_NEW} completed."}],
                "events": [{"createdAt": "-6h", "message": "(service web-service) has reached a steady state."}]}],
            "tasks": []},
        "logs": {"logGroups": [{"logGroupName": "/ecs/web-service", "retentionInDays": 30, "streams": []},
                               {"logGroupName": "/ecs/worker", "retentionInDays": 30, "streams": []}]},
    }


def svc(sc, name="web-service"):
    return next(s for s in sc["ecs"]["services"] if s["serviceName"] == name)


def event(sc, when, msg, name="web-service"):
    svc(sc, name)["events"].insert(0, {"createdAt": when, "message": msg})


def running(sc, ids_ips, td="web-service:8", started="-2d"):
    """Healthy running tasks registered in the target group."""
    for tid, ip, subnet in ids_ips:
        sc["ecs"]["tasks"].append({"cluster": "prod", "service": "web-service", "taskId": tid, "privateIp": ip,
                                   "subnet": subnet, "taskDefinitionArn": td, "lastStatus": "RUNNING",
                                   "startedAt": started, "startedBy": DEP_NEW})
        sc["elbv2"]["targetGroups"][0]["targets"].append(
            {"Id": ip, "Port": 8080, "AvailabilityZone": "us-east-1a" if subnet.endswith("-a") else "us-east-1b",
             "State": "healthy"})


OLD = [("7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d", "10.1.1.11", "prod-private-a"),
       ("8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e", "10.1.2.12", "prod-private-b"),
       ("9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f", "10.1.1.13", "prod-private-a")]


def deploying(sc, running_new=0, failed=2, rollout="IN_PROGRESS", since="-40m"):
    """A deployment of web-service:9 replacing :8, tasks of :9 failing."""
    sc["ecs"]["taskDefinitions"].append(web_td(9))
    s = svc(sc)
    s["taskDefinition"] = "web-service:9"
    s["deployments"] = [
        {"id": DEP_OLD, "status": "PRIMARY", "taskDefinition": "web-service:9", "desiredCount": 3,
         "runningCount": running_new, "pendingCount": 0, "failedTasks": failed, "createdAt": since, "updatedAt": "-2m",
         "rolloutState": rollout, "rolloutStateReason": f"ECS deployment {DEP_OLD} in progress."},
        {"id": DEP_NEW, "status": "ACTIVE", "taskDefinition": "web-service:8", "desiredCount": 3, "runningCount": 3,
         "pendingCount": 0, "failedTasks": 0, "createdAt": "-2d", "updatedAt": "-2d", "rolloutState": "COMPLETED",
         "rolloutStateReason": f"ECS deployment {DEP_NEW} completed."}]


def stopped(sc, tid, reason, started, stopped_at, stopping=None, exit_code=None, stop_code="ServiceSchedulerInitiated",
            container_reason=None, health=None, td="web-service:9", service="web-service", container="web",
            image=IMAGE, ip="10.1.1.201", subnet="prod-private-a", extra=None):
    t = {"cluster": "prod", "service": service, "taskId": tid, "taskDefinitionArn": td,
         "startedBy": DEP_OLD if service == "web-service" else "ecs-svc/6120375114907321850",
         "lastStatus": "STOPPED", "desiredStatus": "STOPPED", "stopCode": stop_code, "stoppedReason": reason,
         "stoppedAt": stopped_at}
    if service == "web-service":
        t["privateIp"], t["subnet"] = ip, subnet
    if started:
        t["startedAt"] = started
    if stopping:
        t["stoppingAt"] = stopping
    c = {"name": container, "image": image, "lastStatus": "STOPPED"}
    if exit_code is not None:
        c["exitCode"] = exit_code
    if container_reason:
        c["reason"] = container_reason
    if health:
        c["healthStatus"] = health
        t["healthStatus"] = health
    t["containers"] = [c]
    t.update(extra or {})
    sc["ecs"]["tasks"].append(t)
    return t


def worker(sc, desired=3, running_n=2, instances=3, mem_remaining=(1536, 512, 512), host_port=0,
           constraints=None, agent=(True, True, True)):
    """Adds the EC2 service worker and its container instances."""
    sc["ecs"]["taskDefinitions"].append(worker_td(host_port=host_port))
    sc["ecs"]["clusters"][0]["capacityProviders"] = ["prod-ec2-cp", "FARGATE", "FARGATE_SPOT"]
    sc["ecs"]["capacityProviders"] = [{"name": "prod-ec2-cp", "status": "ACTIVE", "autoScalingGroupProvider": {
        "autoScalingGroupArn": ASG_ARN, "managedScaling": {"status": "DISABLED", "targetCapacity": 100},
        "managedTerminationProtection": "DISABLED"}}]
    cis = []
    for k in range(instances):
        res = lambda cpu, mem: [{"name": "CPU", "type": "INTEGER", "integerValue": cpu},
                                {"name": "MEMORY", "type": "INTEGER", "integerValue": mem}]
        cis.append({"cluster": "prod",
                    "containerInstanceArn": f"arn:aws:ecs:{REGION}:{ACCT}:container-instance/prod/{CI[k]}",
                    "ec2InstanceId": EC2[k], "status": "ACTIVE", "agentConnected": agent[k],
                    "registeredResources": res(2048, 7680), "remainingResources": res(512, mem_remaining[k]),
                    "runningTasksCount": 2, "pendingTasksCount": 0, "capacityProviderName": "prod-ec2-cp",
                    "versionInfo": {"agentVersion": "1.88.0", "dockerVersion": "DockerVersion: 25.0.6"},
                    "attributes": [{"name": "ecs.instance-type", "value": "t3.large"},
                                   {"name": "ecs.availability-zone", "value": ["us-east-1a", "us-east-1b", "us-east-1a"][k]},
                                   {"name": "ecs.os-type", "value": "linux"}]})
    sc["ecs"]["containerInstances"] = cis
    sc["ecs"]["services"].append({
        "cluster": "prod", "serviceName": "worker", "taskDefinition": "worker:12", "desiredCount": desired,
        "launchType": "EC2", "createdAt": "-200d", "placementConstraints": constraints or [],
        "placementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"}],
        "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": True, "rollback": True},
                                    "maximumPercent": 200, "minimumHealthyPercent": 100},
        "deployments": [{"id": "ecs-svc/6120375114907321850", "status": "PRIMARY", "taskDefinition": "worker:12",
                         "desiredCount": desired, "runningCount": running_n, "pendingCount": 0, "failedTasks": 0,
                         "createdAt": "-2d", "updatedAt": "-10m", "rolloutState": "COMPLETED",
                         "rolloutStateReason": "ECS deployment ecs-svc/6120375114907321850 completed."}],
        "events": [{"createdAt": "-2d", "message": "(service worker) has reached a steady state."}]})
    for k in range(min(running_n, instances)):
        sc["ecs"]["tasks"].append({"cluster": "prod", "service": "worker", "taskId": f"5{k}a1b2c3d4e5f60718293a4b5c6d7e8f",
                                   "taskDefinitionArn": "worker:12", "lastStatus": "RUNNING", "startedAt": "-2d",
                                   "launchType": "EC2", "startedBy": "ecs-svc/6120375114907321850",
                                   "containerInstanceArn": f"arn:aws:ecs:{REGION}:{ACCT}:container-instance/prod/{CI[k]}"})


def scenarios():
    out = []

    # ---- load balancers
    sc = base()
    sc["description"] = ("web-service:9's /health takes longer than the target group's 5 s timeout: new tasks fail the "
                         "ALB checks (Target.Timeout) on the right port and ECS replaces them.")
    running(sc, OLD)
    deploying(sc)
    for n, (tid, ip) in enumerate([("a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6", "10.1.1.201"),
                                   ("b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7", "10.1.2.202")]):
        stopped(sc, tid, ELB_STOP, f"-{35 - n * 15}m", f"-{28 - n * 15}m", stopping=f"-{29 - n * 15}m", exit_code=143, ip=ip)
    sc["elbv2"]["targetGroups"][0]["targets"].append({"Id": "10.1.1.203", "Port": 8080, "AvailabilityZone": "us-east-1a",
                                                      "State": "unhealthy", "Reason": "Target.Timeout",
                                                      "Description": "Request timed out"})
    event(sc, "-3m", f"(service web-service) (task c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8) (port 8080) is unhealthy in "
                     f"(target-group {TG_ARN}) due to (reason Request timed out).")
    out.append(("elb_health_check_failed", "web-service", sc, [TG_ARN, "--health-check-timeout-seconds"], "Request timed out"))

    sc = copy.deepcopy(sc)
    sc["description"] = ("The look-alike: the same Target.Timeout, but the target group health-checks port 80 while the "
                         "container serves 8080.")
    sc["elbv2"]["targetGroups"][0]["HealthCheckPort"] = "80"
    out.append(("load_balancer_misconfigured", "web-service", sc, [TG_ARN, "--health-check-port traffic-port"], "80"))

    sc = base()
    sc["description"] = ("web-service:9 (Spring Boot) needs ~75 s to start; the grace period is 0 and the target group "
                         "marks a target unhealthy after 3 checks 10 s apart, so ECS kills every new task while it starts.")
    running(sc, OLD)
    deploying(sc, failed=3)
    svc(sc)["healthCheckGracePeriodSeconds"] = 0
    tg = sc["elbv2"]["targetGroups"][0]
    tg.update({"HealthCheckIntervalSeconds": 10, "UnhealthyThresholdCount": 3, "HealthyThresholdCount": 2})
    tg["attributes"]["deregistration_delay.timeout_seconds"] = 30
    streams = []
    for n, (tid, ip) in enumerate([("d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9", "10.1.1.211"),
                                   ("e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0", "10.1.2.212")]):
        st = 30 - n * 10  # minutes ago
        stopped(sc, tid, ELB_STOP, f"-{st * 60}s", f"-{st * 60 - 85}s", stopping=f"-{st * 60 - 48}s", exit_code=143, ip=ip)
        streams.append({"logStreamName": f"ecs/web/{tid}", "events": [
            {"timestamp": f"-{st * 60 - 2}s", "message": "Starting WebApplication v2.3.1 using Java 17.0.9 with PID 1"},
            {"timestamp": f"-{st * 60 - 24}s", "message": "Initializing Spring embedded WebApplicationContext"},
            {"timestamp": f"-{st * 60 - 74}s", "message": "Tomcat started on port 8080 (http) with context path ''"},
            {"timestamp": f"-{st * 60 - 75}s", "message": "Started WebApplication in 74.2 seconds (process running for 75.8)"},
            {"timestamp": f"-{st * 60 - 80}s", "message": "Commencing graceful shutdown. Waiting for active requests to complete"}]})
    sc["logs"]["logGroups"][0]["streams"] = streams
    out.append(("health_check_grace_period_too_short", "web-service", sc,
                ["--health-check-grace-period-seconds", "web-service"], "Tomcat started on port 8080"))

    # ---- containers
    sc = base()
    sc["description"] = ("web-service:9 added a container health check that runs curl, which the slim image lacks: "
                         "every new task turns UNHEALTHY and is replaced.")
    running(sc, OLD)
    deploying(sc)
    sc["ecs"]["taskDefinitions"][-1]["containerDefinitions"][0]["healthCheck"] = {
        "command": ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"], "interval": 30, "timeout": 5,
        "retries": 3}
    for n, tid in enumerate(["0f1e2d3c4b5a69788796a5b4c3d2e1f0", "1f2e3d4c5b6a79808796a5b4c3d2e1f0"]):
        stopped(sc, tid, "Task failed container health checks", f"-{30 - n * 10}m", f"-{28 - n * 10}m", exit_code=137,
                health="UNHEALTHY", ip=f"10.1.1.{150 + n}")
    event(sc, "-8m", "(service web-service) (task 1f2e3d4c5b6a79808796a5b4c3d2e1f0) failed container health checks.")
    out.append(("container_health_check_failed", "web-service", sc, ["web-service:9", "execute-command"],
                "Task failed container health checks"))

    # ---- placement (EC2 worker)
    sc = base()
    sc["description"] = "worker:12 reserves 3 GiB; no instance of prod-ec2-cp has that much memory left."
    running(sc, OLD)
    worker(sc)
    event(sc, "-4m", "(service worker) was unable to place a task because no container instance met all of its "
                     f"requirements. The closest matching (container-instance {CI[0]}) has insufficient memory available. "
                     "For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.", "worker")
    out.append(("placement_insufficient_resources", "worker", sc, ["prod-ec2-cp", CI[0]], "has insufficient memory available"))

    sc = base()
    sc["description"] = "worker:12 binds host port 8080; each of the 3 instances already runs one, and a deployment needs a fourth."
    running(sc, OLD)
    worker(sc, running_n=3, mem_remaining=(4096, 4096, 4096), host_port=8080)
    event(sc, "-6m", "(service worker) was unable to place a task because no container instance met all of its "
                     f"requirements. The closest matching (container-instance {CI[0]}) is already using a port required "
                     "by your task. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.",
          "worker")
    out.append(("placement_port_conflict", "worker", sc, ["worker:12", "minimumHealthyPercent=50"],
                "is already using a port required by your task"))

    sc = base()
    sc["description"] = "worker was pinned to m5.xlarge instances; the capacity provider only launches t3.large."
    running(sc, OLD)
    worker(sc, running_n=0, mem_remaining=(6144, 6144, 6144),
           constraints=[{"type": "memberOf", "expression": "attribute:ecs.instance-type == m5.xlarge"}])
    event(sc, "-5m", "(service worker) was unable to place a task because no container instance met all of its "
                     "requirements. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.",
          "worker")
    out.append(("placement_constraint_unsatisfied", "worker", sc, ["attribute:ecs.instance-type == m5.xlarge"],
                "no container instance met all of its requirements"))

    sc = base()
    sc["description"] = "The Auto Scaling group behind prod-ec2-cp was scaled to 0: worker has nowhere to run."
    running(sc, OLD)
    worker(sc, running_n=0, instances=0)
    event(sc, "-7m", "(service worker) was unable to reach steady state. Reason: No Container Instances were found in "
                     "your capacity provider.", "worker")
    out.append(("no_container_instances", "worker", sc, ["prod-ec2-cp"], "No Container Instances were found"))

    sc = base()
    sc["description"] = "The ECS agent on i-0a1b2c3d4e5f67890 disconnected; the other instances are full."
    running(sc, OLD)
    worker(sc, mem_remaining=(6144, 512, 512), agent=(False, True, True))
    event(sc, "-5m", "(service worker) was unable to place a task because no container instance met all of its "
                     f"requirements. The closest matching (container-instance {CI[0]}) encountered error \"AGENT\". For "
                     "more information, see the Troubleshooting section of the Amazon ECS Developer Guide.", "worker")
    out.append(("agent_disconnected", "worker", sc, [EC2[0], "systemctl restart ecs"], "encountered error \"AGENT\""))

    sc = base()
    sc["description"] = "i-0a1b2c3d4e5f67890's Docker volume is full: pulls and container creation fail there."
    running(sc, OLD)
    worker(sc, mem_remaining=(4096, 512, 512))
    for n, (tid, reason) in enumerate([
            ("6e7f8091a2b3c4d5e6f708192a3b4c5d", "CannotPullContainerError: write /var/lib/docker/tmp/GetImageBlob446879403: "
                                                 "no space left on device"),
            ("7f8091a2b3c4d5e6f708192a3b4c5d6e", "CannotCreateContainerError: API error (500): devmapper: Thin Pool has 4350 "
                                                 "free data blocks which is less than minimum required 4454 free data blocks. "
                                                 "Create more free space in thin pool or use dm.min_free_space option to "
                                                 "change behavior")]):
        stopped(sc, tid, reason, None, f"-{12 - n * 6}m", stop_code="TaskFailedToStart", td="worker:12", service="worker",
                container="worker", image=WIMAGE,
                extra={"containerInstanceArn": f"arn:aws:ecs:{REGION}:{ACCT}:container-instance/prod/{CI[0]}",
                       "launchType": "EC2"})
    event(sc, "-6m", "(service worker) is unable to consistently start tasks successfully.", "worker")
    out.append(("disk_full", "worker", sc, [EC2[0], "docker system prune"], "no space left on device"))

    # ---- Fargate placement / quotas
    sc = base()
    sc["description"] = "Fargate has no capacity in us-east-1a, the only AZ the service was given."
    running(sc, OLD[:2])
    s = svc(sc)
    s["networkConfiguration"]["awsvpcConfiguration"]["subnets"] = ["prod-private-a"]
    event(sc, "-3m", "(service web-service) was unable to place a task. Reason: Capacity is unavailable at this time. "
                     "Please try again later or in a different availability zone.")
    out.append(("capacity_unavailable", "web-service", sc, [SUB_A, "--network-configuration"],
                "Capacity is unavailable at this time"))

    sc = base()
    sc["description"] = "The account's Fargate vCPU quota is used up; web-service cannot scale from 3 to 6."
    running(sc, OLD)
    svc(sc)["desiredCount"] = 6
    event(sc, "-4m", "(service web-service) was unable to place a task. Reason: You\u2019ve reached the limit on the "
                     "number of vCPUs you can run concurrently")
    out.append(("service_quota_exceeded", "web-service", sc, ["service-quotas", "fargate"],
                "reached the limit on the number of vCPUs"))

    # ---- deployments
    sc = base()
    sc["description"] = "web-service was pointed at worker-style revision web-service:9 (EC2-only, bridge mode)."
    running(sc, OLD)
    td9 = web_td(9)
    td9["requiresCompatibilities"] = ["EC2"]
    td9["compatibilities"] = ["EC2"]  # what ECS returns for a bridge-mode, EC2-only definition
    td9["networkMode"] = "bridge"
    td9["containerDefinitions"][0]["memory"] = 1024
    del td9["cpu"], td9["memory"]
    sc["ecs"]["taskDefinitions"].append(td9)
    deploying(sc)
    sc["ecs"]["taskDefinitions"].pop()  # deploying() appended a Fargate :9; keep the EC2-only one
    event(sc, "-5m", "(service web-service) failed to launch a task with (error Task definition does not support "
                     "launch_type FARGATE.).")
    out.append(("task_definition_invalid", "web-service", sc, ["web-service:9"], "does not support launch_type FARGATE"))

    sc = base()
    sc["description"] = ("The circuit breaker failed the deployment of web-service:9 and rolled back to :8; the failed "
                         "tasks have already expired from DescribeTasks.")
    running(sc, OLD)
    deploying(sc, failed=10, rollout="FAILED")
    s = svc(sc)
    s["deployments"][0]["rolloutStateReason"] = "ECS deployment circuit breaker: tasks failed to start."
    event(sc, "-9m", f"(service web-service) (deployment {DEP_OLD}) deployment failed: tasks failed to start.")
    event(sc, "-9m", f"(service web-service) rolling back to deployment {DEP_NEW}.")
    out.append(("deployment_circuit_breaker", "web-service", sc, ["web-service", "--desired-status STOPPED"],
                "ECS deployment circuit breaker: tasks failed to start."))

    sc = base()
    sc["description"] = "desiredCount 1 with minimumHealthyPercent 100 and maximumPercent 100: the deployment can never move."
    running(sc, OLD[:1])
    deploying(sc, failed=0)
    s = svc(sc)
    s["desiredCount"] = 1
    s["deploymentConfiguration"]["maximumPercent"] = 100
    for d in s["deployments"]:
        d["desiredCount"] = 1
    s["deployments"][1]["runningCount"] = 1
    event(sc, "-38m", "(service web-service) was unable to stop or start tasks during a deployment because of the service "
                      "deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.")
    out.append(("deployment_stuck", "web-service", sc, ["maximumPercent=200"],
                "because of the service deployment configuration"))

    # ---- hosts
    sc = base()
    sc["description"] = "web-service runs only on FARGATE_SPOT; three tasks were reclaimed at once."
    running(sc, OLD[:1])
    s = svc(sc)
    del s["launchType"]
    s["capacityProviderStrategy"] = [{"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}]
    for n, tid in enumerate(["4c5d6e7f8091a2b3c4d5e6f708192a3b", "5d6e7f8091a2b3c4d5e6f708192a3b4c",
                             "6e7f8091a2b3c4d5e6f708192a3b4c5d"]):
        stopped(sc, tid, "Your Spot Task was interrupted.", "-1d", f"-{5 + n}m", stop_code="SpotInterruption",
                exit_code=143, td="web-service:8", ip=f"10.1.1.{60 + n}", extra={"capacityProviderName": "FARGATE_SPOT"})
    out.append(("spot_interruption", "web-service", sc, ["capacityProvider=FARGATE,base="], "Your Spot Task was interrupted."))

    sc = base()
    sc["description"] = "AWS retired the Fargate host of one task; the scheduler replaced it and the service is steady."
    running(sc, OLD)
    stopped(sc, "91a2b3c4d5e6f708192a3b4c5d6e7f80", "Task stopped due to: ECS is performing maintenance on the underlying "
            "infrastructure hosting the task.", "-6d", "-20m", stop_code="TerminationNotice", exit_code=143,
            td="web-service:8", ip="10.1.1.71")
    event(sc, "-15m", "(service web-service) has reached a steady state.")
    out.append(("host_maintenance", "web-service", sc, ["web-service"],
                "ECS is performing maintenance on the underlying infrastructure hosting the task"))

    # ---- general
    sc = base()
    sc["description"] = "A deploy tool hammers Elastic Load Balancing; the ECS scheduler's own calls are throttled."
    running(sc, OLD)
    deploying(sc, running_new=1, failed=0, since="-50m")
    event(sc, "-12m", "(service web-service) operations are being throttled. Will try again later.")
    event(sc, "-4m", "(service web-service) operations are being throttled on elb. Will try again later.")
    out.append(("api_throttled", "web-service", sc, ["cloudtrail lookup-events"], "operations are being throttled"))

    sc = base()
    sc["description"] = "Tasks fail with a runtime error no check has a pattern for; it must still be reported verbatim."
    running(sc, OLD[:2])
    for n, tid in enumerate(["c4d5e6f708192a3b4c5d6e7f8091a2b3", "d5e6f708192a3b4c5d6e7f8091a2b3c4"]):
        stopped(sc, tid, "ContainerRuntimeTimeoutError: Could not transition to running; timed out after waiting 1m: "
                "failed to create shim task: context canceled", "-20m", f"-{18 - n * 5}m", stop_code="TaskFailedToStart",
                td="web-service:8", ip=f"10.1.1.{80 + n}")
    out.append(("unknown_failure", "web-service", sc, ["describe-tasks --cluster prod --tasks"],
                "ContainerRuntimeTimeoutError: Could not transition to running"))
    # ---- benign: must not raise anything above low from this catalog
    sc = base()
    sc["description"] = ("A deployment replaced web-service:7 with :8 an hour ago and a scale-in removed one task: the old "
                         "tasks exited 143 and 137 (SIGKILL after stopTimeout). Steady since. Nothing to fix.")
    running(sc, OLD)
    for n, (tid, code) in enumerate([("2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c", 143), ("3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d", 137),
                                     ("4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e", 137)]):
        stopped(sc, tid, f"Scaling activity initiated by (deployment {DEP_NEW})", "-3d", f"-{58 - n}m", exit_code=code,
                td="web-service:7", ip=f"10.1.1.{31 + n}")
    event(sc, "-57m", f"(service web-service) (deployment {DEP_NEW}) deployment completed.")
    event(sc, "-50m", "(service web-service) has reached a steady state.")
    out.append(("benign_scale_in", "web-service", sc, None, None))
    return out


def main():
    check = "--check" in sys.argv[1:]
    expect, stale = {}, 0
    for cat, service, sc, mentions, quote in scenarios():
        if mentions is None:
            # Not an incident: no finding of this catalog above low.
            expect[cat] = {"service": service, "max_runtime_severity": "low"}
            name = "runtime_" + cat
        else:
            expect[cat] = {"service": service, "top_category": cat, "remediation_mentions": mentions,
                           "evidence_quotes": quote}
            name = cat
        expect[cat]["scenario"] = name
        path = os.path.join(ROOT, "tests", "fakeaws", "scenarios", name + ".json")
        text = json.dumps(sc, indent=1, ensure_ascii=False) + "\n"
        if check:
            if not os.path.exists(path) or open(path, encoding="utf-8").read() != text:
                print("stale: " + os.path.relpath(path, ROOT))
                stale += 1
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    path = os.path.join(ROOT, "tests", "checks", "runtime", "scenarios.expect.json")
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
