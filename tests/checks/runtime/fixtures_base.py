"""Builders for realistic evidence bundles (docs/evidence.md, schema v1).

Shapes follow the AWS APIs: ECS objects as DescribeServices/DescribeTasks/
DescribeTaskDefinition return them (epoch-second timestamps), ELBv2 and EC2
objects as the XML->JSON converter produces them (every leaf a string).
gen_fixtures.py composes these into one bundle per scenario.
"""
import copy

ACCT = "123456789012"
REGION = "us-east-1"
CLUSTER = "prod"
CLUSTER_ARN = f"arn:aws:ecs:{REGION}:{ACCT}:cluster/{CLUSTER}"
NOW = 1795747964  # 2026-11-27T02:52:44Z
COLLECTED_AT = "2026-11-27T02:52:44Z"

ALL_SOURCES = ["ecs.cluster", "ecs.services", "ecs.tasks", "ecs.task_definitions", "ecs.capacity",
               "elb.target_groups", "elb.target_health", "elb.load_balancers", "iam.roles",
               "ec2.subnets", "ec2.route_tables", "ec2.gateways", "ec2.vpc_endpoints",
               "ec2.security_groups", "ec2.network_acls", "logs", "ecr.images", "secrets", "scaling"]


def iso(t):
    import datetime
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def service_arn(name):
    return f"arn:aws:ecs:{REGION}:{ACCT}:service/{CLUSTER}/{name}"


def td_arn(family, rev):
    return f"arn:aws:ecs:{REGION}:{ACCT}:task-definition/{family}:{rev}"


def task_arn(tid):
    return f"arn:aws:ecs:{REGION}:{ACCT}:task/{CLUSTER}/{tid}"


def ci_arn(cid):
    return f"arn:aws:ecs:{REGION}:{ACCT}:container-instance/{CLUSTER}/{cid}"


TG_ARN = f"arn:aws:elasticloadbalancing:{REGION}:{ACCT}:targetgroup/web-tg/6d0ecf831eec9f09"
LB_ARN = f"arn:aws:elasticloadbalancing:{REGION}:{ACCT}:loadbalancer/app/web-alb/50dc6c495c0c9188"
ASG_ARN = (f"arn:aws:autoscaling:{REGION}:{ACCT}:autoScalingGroup:7f5c1a62-3f0e-4bd4-9b57-2b1d0e5c4a11:"
           "autoScalingGroupName/prod-ecs-asg")


def event(eid, t, msg):
    return {"id": eid, "createdAt": t, "message": msg}


def bundle(kind="service", service="web-service", services=None):
    b = {
        "schema": "ecs-doctor/evidence/v1",
        "tool": {"name": "ecs-doctor", "version": "0.1.0"},
        "collected_at": COLLECTED_AT,
        "window": {"since": NOW - 3 * 3600, "until": NOW},
        "redacted": True,
        "target": {"kind": kind, "cluster": CLUSTER, "cluster_arn": CLUSTER_ARN, "service": service,
                   "services": services or [service], "region": REGION, "account": ACCT, "partition": "aws"},
        "sources": {s: {"status": "ok", "calls": 1, "duration_ms": 40} for s in ALL_SOURCES},
        "cluster": {"clusterArn": CLUSTER_ARN, "clusterName": CLUSTER, "status": "ACTIVE",
                    "registeredContainerInstancesCount": 0, "runningTasksCount": 3, "pendingTasksCount": 0,
                    "activeServicesCount": 1, "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
                    "defaultCapacityProviderStrategy": []},
        "services": [],
        "tasks": [],
        "task_definitions": {},
        "task_definition_history": {},
        "elb": {"target_groups": {}, "load_balancers": {}},
        "network": {"security_groups": {}, "subnets": {}},
        "logs": {"groups": {}, "streams": {}},
        "capacity": {"container_instances": [], "capacity_providers": []},
    }
    return b


def fargate_td(family="web", rev=42, port=8080, cpu="512", memory="1024", health_check=None, image_tag="v42"):
    c = {
        "name": "app",
        "image": f"{ACCT}.dkr.ecr.{REGION}.amazonaws.com/{family}:{image_tag}",
        "cpu": 0,
        "portMappings": [{"containerPort": port, "hostPort": port, "protocol": "tcp", "name": f"app-{port}-tcp",
                          "appProtocol": "http"}],
        "essential": True,
        "environment": [{"name": "SPRING_PROFILES_ACTIVE", "value": "<redacted>"}],
        "mountPoints": [], "volumesFrom": [],
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": f"/ecs/{family}", "awslogs-region": REGION, "awslogs-stream-prefix": "ecs"}},
    }
    if health_check:
        c["healthCheck"] = health_check
    return {
        "taskDefinitionArn": td_arn(family, rev), "family": family, "revision": rev, "status": "ACTIVE",
        "containerDefinitions": [c],
        "taskRoleArn": f"arn:aws:iam::{ACCT}:role/{family}-task-role",
        "executionRoleArn": f"arn:aws:iam::{ACCT}:role/ecsTaskExecutionRole",
        "networkMode": "awsvpc", "volumes": [], "placementConstraints": [],
        "compatibilities": ["EC2", "FARGATE"], "requiresCompatibilities": ["FARGATE"],
        "requiresAttributes": [{"name": "com.amazonaws.ecs.capability.ecr-auth"},
                               {"name": "ecs.capability.task-eni"}],
        "cpu": cpu, "memory": memory,
        "registeredAt": NOW - 86400 * 3, "registeredBy": f"arn:aws:sts::{ACCT}:assumed-role/deploy/ci",
    }


def ec2_td(family="worker", rev=7, container_port=8080, host_port=0, cpu=1024, memory=3072, mode="bridge"):
    c = {
        "name": "worker",
        "image": f"{ACCT}.dkr.ecr.{REGION}.amazonaws.com/{family}:2026.11.26",
        "cpu": cpu, "memory": memory,
        "portMappings": [{"containerPort": container_port, "hostPort": host_port, "protocol": "tcp"}],
        "essential": True, "environment": [], "mountPoints": [], "volumesFrom": [],
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": f"/ecs/{family}", "awslogs-region": REGION, "awslogs-stream-prefix": "ecs"}},
    }
    return {
        "taskDefinitionArn": td_arn(family, rev), "family": family, "revision": rev, "status": "ACTIVE",
        "containerDefinitions": [c],
        "executionRoleArn": f"arn:aws:iam::{ACCT}:role/ecsTaskExecutionRole",
        "networkMode": mode, "volumes": [], "placementConstraints": [],
        "compatibilities": ["EC2"], "requiresCompatibilities": ["EC2"],
        "requiresAttributes": [{"name": "com.amazonaws.ecs.capability.ecr-auth"}],
        "registeredAt": NOW - 86400 * 10, "registeredBy": f"arn:aws:sts::{ACCT}:assumed-role/deploy/ci",
    }


def deployment(did, td, status="PRIMARY", desired=3, running=3, pending=0, failed=0, rollout="COMPLETED",
               reason="ECS deployment ecs-svc/%s completed.", created=NOW - 86400, updated=None, launch="FARGATE"):
    d = {"id": f"ecs-svc/{did}", "status": status, "taskDefinition": td, "desiredCount": desired,
         "pendingCount": pending, "runningCount": running, "failedTasks": failed, "createdAt": created,
         "updatedAt": updated or created + 300, "rolloutState": rollout,
         "rolloutStateReason": (reason % did) if "%s" in reason else reason}
    if launch == "FARGATE":
        d["launchType"] = "FARGATE"
        d["platformVersion"] = "1.4.0"
        d["platformFamily"] = "Linux"
        d["networkConfiguration"] = {"awsvpcConfiguration": {
            "subnets": ["subnet-0a1b2c3d4e5f60718", "subnet-0f9e8d7c6b5a40312"],
            "securityGroups": ["sg-0task1234567890ab"], "assignPublicIp": "DISABLED"}}
    else:
        d["launchType"] = "EC2"
    return d


def fargate_service(name="web-service", td=None, desired=3, running=3, pending=0, events=None, deployments=None,
                    lb=True, grace=60, container_port=8080):
    td = td or td_arn("web", 42)
    s = {
        "serviceArn": service_arn(name), "serviceName": name, "clusterArn": CLUSTER_ARN,
        "loadBalancers": [{"targetGroupArn": TG_ARN, "containerName": "app", "containerPort": container_port}] if lb else [],
        "serviceRegistries": [], "status": "ACTIVE", "desiredCount": desired, "runningCount": running,
        "pendingCount": pending, "launchType": "FARGATE", "platformVersion": "LATEST", "platformFamily": "Linux",
        "taskDefinition": td,
        "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": True, "rollback": True},
                                    "maximumPercent": 200, "minimumHealthyPercent": 100},
        "deployments": deployments if deployments is not None else [deployment("8006323983133337976", td)],
        "roleArn": f"arn:aws:iam::{ACCT}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS",
        "events": events or [],
        "createdAt": NOW - 86400 * 90, "placementConstraints": [], "placementStrategy": [],
        "networkConfiguration": {"awsvpcConfiguration": {
            "subnets": ["subnet-0a1b2c3d4e5f60718", "subnet-0f9e8d7c6b5a40312"],
            "securityGroups": ["sg-0task1234567890ab"], "assignPublicIp": "DISABLED"}},
        "schedulingStrategy": "REPLICA", "deploymentController": {"type": "ECS"},
        "createdBy": f"arn:aws:iam::{ACCT}:role/deploy", "enableECSManagedTags": True, "propagateTags": "NONE",
        "enableExecuteCommand": False,
    }
    if lb:
        s["healthCheckGracePeriodSeconds"] = grace
    return s


def ec2_service(name="worker", td=None, desired=3, running=3, pending=0, events=None, deployments=None,
                constraints=None):
    td = td or td_arn("worker", 7)
    return {
        "serviceArn": service_arn(name), "serviceName": name, "clusterArn": CLUSTER_ARN,
        "loadBalancers": [], "serviceRegistries": [], "status": "ACTIVE", "desiredCount": desired,
        "runningCount": running, "pendingCount": pending, "launchType": "EC2", "taskDefinition": td,
        "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": True, "rollback": True},
                                    "maximumPercent": 200, "minimumHealthyPercent": 100},
        "deployments": deployments if deployments is not None else [deployment("5575015917732104731", td, launch="EC2",
                                                                                desired=desired, running=running)],
        "roleArn": f"arn:aws:iam::{ACCT}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS",
        "events": events or [], "createdAt": NOW - 86400 * 200,
        "placementConstraints": constraints or [],
        "placementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"}],
        "schedulingStrategy": "REPLICA", "deploymentController": {"type": "ECS"},
        "enableECSManagedTags": False, "propagateTags": "NONE", "enableExecuteCommand": False,
    }


def container_instance(cid, ec2_id, mem_reg=7680, mem_rem=512, cpu_reg=2048, cpu_rem=256, status="ACTIVE",
                       agent=True, itype="t3.large", az="us-east-1a", running=2, ports=None):
    res = lambda cpu, mem, p: [
        {"name": "CPU", "type": "INTEGER", "doubleValue": 0.0, "longValue": 0, "integerValue": cpu},
        {"name": "MEMORY", "type": "INTEGER", "doubleValue": 0.0, "longValue": 0, "integerValue": mem},
        {"name": "PORTS", "type": "STRINGSET", "doubleValue": 0.0, "longValue": 0, "integerValue": 0,
         "stringSetValue": p},
        {"name": "PORTS_UDP", "type": "STRINGSET", "doubleValue": 0.0, "longValue": 0, "integerValue": 0,
         "stringSetValue": []}]
    return {
        "containerInstanceArn": ci_arn(cid), "ec2InstanceId": ec2_id, "version": 118,
        "versionInfo": {"agentVersion": "1.88.0", "agentHash": "e5ce8c9a", "dockerVersion": "DockerVersion: 25.0.6"},
        "remainingResources": res(cpu_rem, mem_rem, ["22", "2376", "2375", "51678", "51679"] + (ports or [])),
        "registeredResources": res(cpu_reg, mem_reg, ["22", "2376", "2375", "51678", "51679"]),
        "status": status, "agentConnected": agent, "runningTasksCount": running, "pendingTasksCount": 0,
        "attributes": [{"name": "ecs.instance-type", "value": itype},
                       {"name": "ecs.availability-zone", "value": az},
                       {"name": "ecs.os-type", "value": "linux"},
                       {"name": "ecs.ami-id", "value": "ami-0c1f2e3d4b5a69788"},
                       {"name": "ecs.capability.docker-plugin.local"}],
        "registeredAt": NOW - 86400 * 5, "attachments": [], "tags": [],
        "capacityProviderName": "prod-ec2-cp",
    }


def ec2_capacity_provider():
    return {"capacityProviderArn": f"arn:aws:ecs:{REGION}:{ACCT}:capacity-provider/prod-ec2-cp",
            "name": "prod-ec2-cp", "status": "ACTIVE",
            "autoScalingGroupProvider": {"autoScalingGroupArn": ASG_ARN,
                                         "managedScaling": {"status": "DISABLED", "targetCapacity": 100,
                                                            "minimumScalingStepSize": 1,
                                                            "maximumScalingStepSize": 10000,
                                                            "instanceWarmupPeriod": 300},
                                         "managedTerminationProtection": "DISABLED"},
            "updateStatus": "UPDATE_COMPLETE", "tags": []}


def fargate_task(tid, td=None, last="RUNNING", started=None, stopped=None, reason=None, stop_code=None,
                 exit_code=None, container_reason=None, health="UNKNOWN", ip="10.0.1.23", group="service:web-service",
                 started_by="ecs-svc/8006323983133337976", stopping=None, capacity_provider="FARGATE",
                 az="us-east-1a", container_health=None):
    td = td or td_arn("web", 42)
    started = started or NOW - 86400
    t = {
        "taskArn": task_arn(tid), "clusterArn": CLUSTER_ARN, "taskDefinitionArn": td,
        "group": group, "startedBy": started_by, "lastStatus": last,
        "desiredStatus": "RUNNING" if last == "RUNNING" else "STOPPED",
        "launchType": "FARGATE", "platformVersion": "1.4.0", "platformFamily": "Linux",
        "capacityProviderName": capacity_provider, "availabilityZone": az, "cpu": "512", "memory": "1024",
        "connectivity": "CONNECTED", "connectivityAt": started - 40, "createdAt": started - 45,
        "pullStartedAt": started - 30, "pullStoppedAt": started - 8, "startedAt": started,
        "healthStatus": health, "version": 4,
        "attachments": [{"id": "a1b2c3d4-0000-4000-8000-" + tid[:12], "type": "ElasticNetworkInterface",
                         "status": "ATTACHED" if last == "RUNNING" else "DELETED",
                         "details": [{"name": "subnetId", "value": "subnet-0a1b2c3d4e5f60718"},
                                     {"name": "networkInterfaceId", "value": "eni-0" + tid[:16]},
                                     {"name": "privateIPv4Address", "value": ip}]}],
        "containers": [{
            "containerArn": f"arn:aws:ecs:{REGION}:{ACCT}:container/{CLUSTER}/{tid}/9c1f0d7e-1a2b-4c3d-8e9f-{tid[:12]}",
            "taskArn": task_arn(tid), "name": "app",
            "image": f"{ACCT}.dkr.ecr.{REGION}.amazonaws.com/web:v42", "lastStatus": last,
            "networkInterfaces": [{"attachmentId": "a1b2c3d4-0000-4000-8000-" + tid[:12], "privateIpv4Address": ip}],
            "healthStatus": container_health or health, "cpu": "0"}],
    }
    if last == "STOPPED":
        t["stoppedAt"] = stopped or started + 120
        t["stoppingAt"] = stopping or (t["stoppedAt"] - 20)
        t["executionStoppedAt"] = t["stoppedAt"] - 10
        t["stoppedReason"] = reason
        if stop_code:
            t["stopCode"] = stop_code
        c = t["containers"][0]
        if exit_code is not None:
            c["exitCode"] = exit_code
        if container_reason:
            c["reason"] = container_reason
    return t


def ec2_task(tid, ci, td=None, last="STOPPED", started=None, stopped=None, reason=None, stop_code=None,
             exit_code=None, container_reason=None, group="service:worker", started_by="ecs-svc/5575015917732104731"):
    td = td or td_arn("worker", 7)
    started = started or NOW - 3600
    t = {
        "taskArn": task_arn(tid), "clusterArn": CLUSTER_ARN, "taskDefinitionArn": td,
        "containerInstanceArn": ci_arn(ci), "group": group, "startedBy": started_by,
        "lastStatus": last, "desiredStatus": "RUNNING" if last == "RUNNING" else "STOPPED",
        "launchType": "EC2", "cpu": "1024", "memory": "3072", "availabilityZone": "us-east-1a",
        "connectivity": "CONNECTED", "createdAt": started - 20, "startedAt": started if last != "PENDING" else None,
        "healthStatus": "UNKNOWN", "version": 3, "attachments": [],
        "containers": [{"containerArn": f"arn:aws:ecs:{REGION}:{ACCT}:container/{CLUSTER}/{tid}/0d9c8b7a-6f5e-4d3c-9b2a-{tid[:12]}",
                        "taskArn": task_arn(tid), "name": "worker",
                        "image": f"{ACCT}.dkr.ecr.{REGION}.amazonaws.com/worker:2026.11.26",
                        "lastStatus": last, "networkBindings": [], "networkInterfaces": [],
                        "healthStatus": "UNKNOWN", "cpu": "1024", "memory": "3072"}],
    }
    if t["startedAt"] is None:
        del t["startedAt"]
    if last == "STOPPED":
        t["stoppedAt"] = stopped or started + 60
        t["stoppingAt"] = t["stoppedAt"] - 5
        t["stoppedReason"] = reason
        if stop_code:
            t["stopCode"] = stop_code
        c = t["containers"][0]
        if exit_code is not None:
            c["exitCode"] = exit_code
        if container_reason:
            c["reason"] = container_reason
    return t


def target_group(port="80", hc_port="traffic-port", hc_path="/health", matcher="200", interval="30", timeout="5",
                 healthy="5", unhealthy="2", target_type="ip", lbs=None, targets=None, protocol="HTTP",
                 dereg="300"):
    return {
        "TargetGroupArn": TG_ARN, "TargetGroupName": "web-tg", "Protocol": protocol, "Port": port,
        "VpcId": "vpc-0c0ffee1234567890", "HealthCheckProtocol": protocol, "HealthCheckPort": hc_port,
        "HealthCheckEnabled": "true", "HealthCheckIntervalSeconds": interval,
        "HealthCheckTimeoutSeconds": timeout, "HealthyThresholdCount": healthy,
        "UnhealthyThresholdCount": unhealthy, "HealthCheckPath": hc_path, "Matcher": {"HttpCode": matcher},
        "LoadBalancerArns": [LB_ARN] if lbs is None else lbs, "TargetType": target_type,
        "ProtocolVersion": "HTTP1", "IpAddressType": "ipv4",
        "Attributes": {"deregistration_delay.timeout_seconds": dereg, "stickiness.enabled": "false",
                       "load_balancing.algorithm.type": "round_robin", "slow_start.duration_seconds": "0"},
        "TargetHealthDescriptions": targets or [],
    }


def target(ip, port, state="healthy", reason=None, desc=None, az="us-east-1a"):
    th = {"State": state}
    if reason:
        th["Reason"] = reason
    if desc:
        th["Description"] = desc
    return {"Target": {"Id": ip, "Port": str(port), "AvailabilityZone": az}, "HealthCheckPort": str(port),
            "TargetHealth": th}


def load_balancer(state="active"):
    return {
        "LoadBalancerArn": LB_ARN, "DNSName": "web-alb-1234567890.us-east-1.elb.amazonaws.com",
        "CanonicalHostedZoneId": "Z35SXDOTRQ7X7K", "CreatedTime": "2026-08-01T10:00:00.000Z",
        "LoadBalancerName": "web-alb", "Scheme": "internet-facing", "VpcId": "vpc-0c0ffee1234567890",
        "State": {"Code": state}, "Type": "application",
        "AvailabilityZones": [{"ZoneName": "us-east-1a", "SubnetId": "subnet-0pub1a0000000001"},
                              {"ZoneName": "us-east-1b", "SubnetId": "subnet-0pub1b0000000002"}],
        "SecurityGroups": ["sg-0alb1234567890ab"], "IpAddressType": "ipv4",
        "Listeners": [{"ListenerArn": f"arn:aws:elasticloadbalancing:{REGION}:{ACCT}:listener/app/web-alb/50dc6c495c0c9188/f2f7dc8efc522ab2",
                       "LoadBalancerArn": LB_ARN, "Port": "443", "Protocol": "HTTPS",
                       "Certificates": [{"CertificateArn": f"arn:aws:acm:{REGION}:{ACCT}:certificate/3f1c0b6e-8a44-4c2e-9f2b-0e8c7d6a5b4c"}],
                       "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                       "DefaultActions": [{"Type": "forward", "TargetGroupArn": TG_ARN, "Order": "1"}]}],
    }


def security_groups(task_port=8080, allow=True):
    perms = []
    if allow:
        perms.append({"ipProtocol": "tcp", "fromPort": str(task_port), "toPort": str(task_port),
                      "groups": [{"groupId": "sg-0alb1234567890ab", "userId": ACCT}], "ipRanges": [],
                      "ipv6Ranges": [], "prefixListIds": []})
    return {
        "sg-0task1234567890ab": {"groupId": "sg-0task1234567890ab", "groupName": "web-service-tasks",
                                 "description": "web-service tasks", "vpcId": "vpc-0c0ffee1234567890",
                                 "ownerId": ACCT, "ipPermissions": perms,
                                 "ipPermissionsEgress": [{"ipProtocol": "-1", "groups": [],
                                                          "ipRanges": [{"cidrIp": "0.0.0.0/0"}],
                                                          "ipv6Ranges": [], "prefixListIds": []}]},
        "sg-0alb1234567890ab": {"groupId": "sg-0alb1234567890ab", "groupName": "web-alb",
                                "description": "web-alb", "vpcId": "vpc-0c0ffee1234567890", "ownerId": ACCT,
                                "ipPermissions": [{"ipProtocol": "tcp", "fromPort": "443", "toPort": "443",
                                                   "groups": [], "ipRanges": [{"cidrIp": "0.0.0.0/0"}],
                                                   "ipv6Ranges": [], "prefixListIds": []}],
                                "ipPermissionsEgress": [{"ipProtocol": "-1", "groups": [],
                                                         "ipRanges": [{"cidrIp": "0.0.0.0/0"}],
                                                         "ipv6Ranges": [], "prefixListIds": []}]},
    }


def subnets():
    return {
        "subnet-0a1b2c3d4e5f60718": {"subnetId": "subnet-0a1b2c3d4e5f60718", "vpcId": "vpc-0c0ffee1234567890",
                                     "availabilityZone": "us-east-1a", "cidrBlock": "10.0.1.0/24",
                                     "availableIpAddressCount": "240", "mapPublicIpOnLaunch": "false",
                                     "state": "available"},
        "subnet-0f9e8d7c6b5a40312": {"subnetId": "subnet-0f9e8d7c6b5a40312", "vpcId": "vpc-0c0ffee1234567890",
                                     "availabilityZone": "us-east-1b", "cidrBlock": "10.0.2.0/24",
                                     "availableIpAddressCount": "238", "mapPublicIpOnLaunch": "false",
                                     "state": "available"},
    }


def log_stream(task_id, lines, family="web", container="app"):
    """lines: [(epoch_seconds, message)]"""
    group = f"/ecs/{family}"
    stream = f"ecs/{container}/{task_id}"
    return (f"{group}/{stream}", {"group": group, "stream": stream, "task": task_id, "container": container,
                                  "events": [{"timestamp": int(t * 1000), "message": m} for t, m in lines],
                                  "truncated": False})


def web_bundle(tasks=None, events=None, targets=None, tg=None, td=None, svc=None, lb_state="active", sg_allow=True):
    """A healthy-looking Fargate web service behind an ALB; callers override parts."""
    b = bundle()
    td = td or fargate_td()
    b["task_definitions"][td["taskDefinitionArn"]] = td
    b["task_definition_history"]["web"] = [td["taskDefinitionArn"], td_arn("web", 41)]
    b["services"].append(svc or fargate_service(events=events))
    tgo = tg or target_group(targets=targets)
    b["elb"]["target_groups"][TG_ARN] = tgo
    b["elb"]["load_balancers"][LB_ARN] = load_balancer(lb_state)
    b["network"]["security_groups"] = security_groups(allow=sg_allow)
    b["network"]["subnets"] = subnets()
    b["tasks"] = tasks or []
    b["logs"]["groups"]["/ecs/web"] = {"exists": True, "logGroupName": "/ecs/web", "retentionInDays": 30,
                                       "arn": f"arn:aws:logs:{REGION}:{ACCT}:log-group:/ecs/web"}
    return b


def worker_bundle(instances, tasks=None, events=None, td=None, svc=None):
    """An EC2-launch-type worker service in bridge mode on an ASG capacity provider."""
    b = bundle(service="worker")
    td = td or ec2_td()
    b["task_definitions"][td["taskDefinitionArn"]] = td
    b["task_definition_history"][td["family"]] = [td["taskDefinitionArn"]]
    b["services"].append(svc or ec2_service(events=events))
    b["capacity"]["container_instances"] = instances
    b["capacity"]["capacity_providers"] = [ec2_capacity_provider()]
    b["cluster"]["registeredContainerInstancesCount"] = len(instances)
    b["cluster"]["capacityProviders"] = ["prod-ec2-cp"]
    b["tasks"] = tasks or []
    del b["elb"]
    b["sources"]["elb.target_groups"] = {"status": "skipped", "reason": "no load balancers"}
    b["sources"]["elb.target_health"] = {"status": "skipped", "reason": "no load balancers"}
    b["sources"]["elb.load_balancers"] = {"status": "skipped", "reason": "no load balancers"}
    return b


def copy_of(x):
    return copy.deepcopy(x)
