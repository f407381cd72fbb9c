#!/usr/bin/python3
"""Generates the fixture bundles of the network/registry/secrets/iam/logs/storage
checks: checks/<area>/tests/<name>.json (an evidence document, docs/evidence.md)
and <name>.expect.json (what `ecs-doctor checks test` asserts, plus the x_*
keys that tests/checks/net/verify_fixtures.py asserts on the rendered report:
top-ranked category, ids the remediation must name, text the evidence must
quote).

One realistic account is the base (us-east-1, cluster prod, Fargate service
web, task definition web:42, private subnets behind a NAT gateway); each
scenario changes what its incident needs. EC2 and IAM leaves are strings, as
the XML converter produces them; ECS/Logs objects keep the JSON API's types.
Run: /usr/bin/python3 tests/checks/net/make_fixtures.py   (rewrites the files)
"""
import copy
import json
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
ACCT, REGION = "123456789012", "us-east-1"
VPC = "vpc-0c3a1e5d7b9f24680"
SUB_A, SUB_B, SUB_PUB = "subnet-04d2a7c9e1b3f5a68", "subnet-09e8f7a6b5c4d3e21", "subnet-0b1c2d3e4f5a6b7c8"
RTB_PRIV, RTB_PUB, RTB_MAIN = "rtb-0a9b8c7d6e5f4a3b2", "rtb-0f1e2d3c4b5a69788", "rtb-0c3d4e5f6a7b8c9d0"
NAT, IGW = "nat-0d4e5f6a7b8c9d0e1", "igw-0e5f6a7b8c9d0e1f2"
SG_TASK, SG_EP = "sg-07a1b2c3d4e5f6a7b", "sg-0e9d8c7b6a5f4e3d2"
ACL = "acl-0b2c3d4e5f6a7b8c9"
PL_S3 = "pl-63a5400a"
ROLE = "ecsTaskExecutionRole-web"
ROLE_ARN = f"arn:aws:iam::{ACCT}:role/{ROLE}"
TD_ARN = f"arn:aws:ecs:{REGION}:{ACCT}:task-definition/web:42"
IMAGE = f"{ACCT}.dkr.ecr.{REGION}.amazonaws.com/web:v42"
SECRET_DB = f"arn:aws:secretsmanager:{REGION}:{ACCT}:secret:prod/web/db-AbCdEf"
PARAM_KEY = "/prod/web/api-key"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCT}:key/1f2e3d4c-5b6a-4789-8abc-0d1e2f3a4b5c"
T0 = 1795747000
TASK_IDS = ["5f0c1d2e3a4b4c5d8e9f0a1b2c3d4e5f", "9a8b7c6d5e4f4a3b9c2d1e0f9a8b7c6d", "0b1c2d3e4f5a4b6c8d7e9f0a1b2c3d4e"]

EXEC_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [
    "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]}
SECRETS_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "ReadWebSecrets", "Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"],
     "Resource": [f"arn:aws:secretsmanager:{REGION}:{ACCT}:secret:prod/web/*"]},
    {"Sid": "ReadWebParams", "Effect": "Allow", "Action": ["ssm:GetParameters"],
     "Resource": [f"arn:aws:ssm:{REGION}:{ACCT}:parameter/prod/web/*"]}]}


def perm(proto="-1", lo=None, hi=None, cidrs=(), groups=(), pls=()):
    p = {"ipProtocol": proto, "groups": [{"groupId": g, "userId": ACCT} for g in groups],
         "ipRanges": [{"cidrIp": c} for c in cidrs], "ipv6Ranges": [],
         "prefixListIds": [{"prefixListId": x} for x in pls]}
    if lo is not None:
        p["fromPort"], p["toPort"] = str(lo), str(hi if hi is not None else lo)
    return p


def route(dest, **target):
    r = {"destinationCidrBlock": dest, "state": "active", "origin": "CreateRoute"}
    r.update(target)
    return r


def local_route():
    return {"destinationCidrBlock": "10.20.0.0/16", "gatewayId": "local", "state": "active", "origin": "CreateRouteTable"}


def endpoint(svc, vid, kind="Interface", **extra):
    e = {"vpcEndpointId": vid, "vpcEndpointType": kind, "vpcId": VPC, "serviceName": f"com.amazonaws.{REGION}.{svc}",
         "state": "available", "creationTimestamp": "2026-10-01T09:00:00.000Z"}
    if kind == "Interface":
        e.update({"privateDnsEnabled": "true", "subnetIdSet": [SUB_A, SUB_B],
                  "groupSet": [{"groupId": SG_EP, "groupName": "vpc-endpoints"}], "routeTableIdSet": []})
    else:
        e.update({"privateDnsEnabled": "false", "routeTableIdSet": [RTB_PRIV], "subnetIdSet": [], "groupSet": []})
    e.update(extra)
    return e


def base():
    src = {n: {"status": "ok", "calls": 1, "duration_ms": 90} for n in [
        "ecs.cluster", "ecs.services", "ecs.tasks", "ecs.task_definitions", "iam.roles", "ec2.subnets",
        "ec2.route_tables", "ec2.gateways", "ec2.vpc_endpoints", "ec2.security_groups", "ec2.network_acls",
        "logs", "ecr.images", "secrets"]}
    container_def = {
        "name": "app", "image": IMAGE, "cpu": 0, "essential": True,
        "portMappings": [{"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"}],
        "environment": [{"name": "APP_ENV", "value": "<redacted>"}],
        "secrets": [{"name": "DB_PASSWORD", "valueFrom": SECRET_DB}, {"name": "API_KEY", "valueFrom": PARAM_KEY}],
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": "/ecs/web", "awslogs-region": REGION, "awslogs-stream-prefix": "web"}}}
    td = {"taskDefinitionArn": TD_ARN, "family": "web", "revision": 42, "networkMode": "awsvpc",
          "requiresCompatibilities": ["FARGATE"], "cpu": "512", "memory": "1024", "status": "ACTIVE",
          "executionRoleArn": ROLE_ARN, "taskRoleArn": f"arn:aws:iam::{ACCT}:role/web-task",
          "containerDefinitions": [container_def], "volumes": []}
    netcfg = {"awsvpcConfiguration": {"subnets": [SUB_A, SUB_B], "securityGroups": [SG_TASK], "assignPublicIp": "DISABLED"}}
    service = {
        "serviceArn": f"arn:aws:ecs:{REGION}:{ACCT}:service/prod/web", "serviceName": "web",
        "clusterArn": f"arn:aws:ecs:{REGION}:{ACCT}:cluster/prod", "status": "ACTIVE", "launchType": "FARGATE",
        "platformVersion": "LATEST", "desiredCount": 3, "runningCount": 0, "pendingCount": 0, "taskDefinition": TD_ARN,
        "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": True, "rollback": True},
                                    "maximumPercent": 200, "minimumHealthyPercent": 100},
        "deployments": [{"id": "ecs-svc/4107856935522812345", "status": "PRIMARY", "taskDefinition": TD_ARN,
                         "desiredCount": 3, "runningCount": 0, "pendingCount": 0, "failedTasks": 3,
                         "rolloutState": "FAILED", "rolloutStateReason": "ECS deployment circuit breaker: tasks failed to start.",
                         "createdAt": T0 - 900, "networkConfiguration": netcfg}],
        "networkConfiguration": netcfg,
        "events": [
            {"id": "ev-5", "createdAt": T0 + 15, "message": "(service web) (deployment ecs-svc/4107856935522812345) deployment failed: tasks failed to start."},
            {"id": "ev-3", "createdAt": T0 + 10, "message": f"(service web) has started 1 tasks: (task {TASK_IDS[0]})."},
            {"id": "ev-2", "createdAt": T0 - 290, "message": f"(service web) has started 1 tasks: (task {TASK_IDS[1]})."},
            {"id": "ev-1", "createdAt": T0 - 3600, "message": "(service web) has reached a steady state."}]}
    tasks = []
    for i, tid in enumerate(TASK_IDS):
        arn = f"arn:aws:ecs:{REGION}:{ACCT}:task/prod/{tid}"
        sub = [SUB_A, SUB_B, SUB_A][i]
        tasks.append({
            "taskArn": arn, "clusterArn": service["clusterArn"], "taskDefinitionArn": TD_ARN, "group": "service:web",
            "launchType": "FARGATE", "platformVersion": "1.4.0", "lastStatus": "STOPPED", "desiredStatus": "STOPPED",
            "cpu": "512", "memory": "1024", "createdAt": T0 - 300 * i - 60, "stoppingAt": T0 - 300 * i - 5,
            "stoppedAt": T0 - 300 * i, "startedBy": "ecs-svc/4107856935522812345", "stopCode": "TaskFailedToStart",
            "stoppedReason": "", "availabilityZone": "us-east-1a" if sub == SUB_A else "us-east-1b",
            "containers": [{"containerArn": f"arn:aws:ecs:{REGION}:{ACCT}:container/prod/{tid}/1c2d3e4f",
                            "taskArn": arn, "name": "app", "image": IMAGE, "lastStatus": "STOPPED",
                            "networkInterfaces": [{"attachmentId": f"att-{i}", "privateIpv4Address": f"10.20.{10 + (sub == SUB_B)}.{37 + i}"}]}],
            "attachments": [{"id": f"att-{i}", "type": "ElasticNetworkInterface", "status": "DELETED", "details": [
                {"name": "subnetId", "value": sub}, {"name": "networkInterfaceId", "value": f"eni-0{i}a1b2c3d4e5f6a7b8"},
                {"name": "privateIPv4Address", "value": f"10.20.{10 + (sub == SUB_B)}.{37 + i}"}]}]})
    network = {
        "vpcs": {VPC: {"vpcId": VPC, "cidrBlock": "10.20.0.0/16", "state": "available", "isDefault": "false",
                       "dhcpOptionsId": "dopt-0a1b2c3d", "instanceTenancy": "default"}},
        "subnets": {
            SUB_A: {"subnetId": SUB_A, "vpcId": VPC, "cidrBlock": "10.20.10.0/24", "availableIpAddressCount": "243",
                    "availabilityZone": "us-east-1a", "mapPublicIpOnLaunch": "false", "state": "available"},
            SUB_B: {"subnetId": SUB_B, "vpcId": VPC, "cidrBlock": "10.20.11.0/24", "availableIpAddressCount": "239",
                    "availabilityZone": "us-east-1b", "mapPublicIpOnLaunch": "false", "state": "available"},
            SUB_PUB: {"subnetId": SUB_PUB, "vpcId": VPC, "cidrBlock": "10.20.0.0/24", "availableIpAddressCount": "248",
                      "availabilityZone": "us-east-1a", "mapPublicIpOnLaunch": "true", "state": "available"}},
        "route_tables": {
            RTB_MAIN: {"routeTableId": RTB_MAIN, "vpcId": VPC, "routeSet": [local_route()],
                       "associationSet": [{"routeTableAssociationId": "rtbassoc-0m1", "routeTableId": RTB_MAIN, "main": "true",
                                           "associationState": {"state": "associated"}}], "propagatingVgwSet": []},
            RTB_PUB: {"routeTableId": RTB_PUB, "vpcId": VPC, "routeSet": [local_route(), route("0.0.0.0/0", gatewayId=IGW)],
                      "associationSet": [{"routeTableAssociationId": "rtbassoc-0p1", "routeTableId": RTB_PUB,
                                          "subnetId": SUB_PUB, "main": "false"}], "propagatingVgwSet": []},
            RTB_PRIV: {"routeTableId": RTB_PRIV, "vpcId": VPC, "routeSet": [local_route(), route("0.0.0.0/0", natGatewayId=NAT)],
                       "associationSet": [{"routeTableAssociationId": "rtbassoc-0a1", "routeTableId": RTB_PRIV, "subnetId": SUB_A, "main": "false"},
                                          {"routeTableAssociationId": "rtbassoc-0a2", "routeTableId": RTB_PRIV, "subnetId": SUB_B, "main": "false"}],
                       "propagatingVgwSet": []}},
        "nat_gateways": {NAT: {"natGatewayId": NAT, "subnetId": SUB_PUB, "vpcId": VPC, "state": "available",
                               "connectivityType": "public", "createTime": "2026-06-02T10:11:12.000Z",
                               "natGatewayAddressSet": [{"allocationId": "eipalloc-0a1b2c3d4e5f60718", "publicIp": "54.210.17.33",
                                                         "privateIp": "10.20.0.87", "networkInterfaceId": "eni-0f9e8d7c6b5a40312"}]}},
        "internet_gateways": {IGW: {"internetGatewayId": IGW, "attachmentSet": [{"vpcId": VPC, "state": "available"}], "ownerId": ACCT}},
        "vpc_endpoints": {},
        "security_groups": {
            SG_TASK: {"groupId": SG_TASK, "groupName": "web-tasks", "vpcId": VPC, "ownerId": ACCT, "groupDescription": "web tasks",
                      "ipPermissions": [perm("tcp", 8080, 8080, groups=["sg-0a0b0c0d0e0f01234"])],
                      "ipPermissionsEgress": [perm("-1", cidrs=["0.0.0.0/0"])]},
            SG_EP: {"groupId": SG_EP, "groupName": "vpc-endpoints", "vpcId": VPC, "ownerId": ACCT, "groupDescription": "interface endpoints",
                    "ipPermissions": [perm("tcp", 443, 443, groups=[SG_TASK])], "ipPermissionsEgress": [perm("-1", cidrs=["0.0.0.0/0"])]}},
        "network_acls": {ACL: {"networkAclId": ACL, "vpcId": VPC, "default": "true", "entrySet": [
            {"ruleNumber": "100", "protocol": "-1", "ruleAction": "allow", "egress": "true", "cidrBlock": "0.0.0.0/0"},
            {"ruleNumber": "32767", "protocol": "-1", "ruleAction": "deny", "egress": "true", "cidrBlock": "0.0.0.0/0"},
            {"ruleNumber": "100", "protocol": "-1", "ruleAction": "allow", "egress": "false", "cidrBlock": "0.0.0.0/0"},
            {"ruleNumber": "32767", "protocol": "-1", "ruleAction": "deny", "egress": "false", "cidrBlock": "0.0.0.0/0"}],
            "associationSet": [{"networkAclAssociationId": f"aclassoc-0{i}", "networkAclId": ACL, "subnetId": s}
                               for i, s in enumerate([SUB_A, SUB_B, SUB_PUB])]}},
        "prefix_lists": {PL_S3: {"prefixListId": PL_S3, "prefixListName": f"com.amazonaws.{REGION}.s3", "state": "complete"}}}
    iam = {"roles": {ROLE: {
        "RoleName": ROLE, "Arn": ROLE_ARN, "RoleId": "AROA4EXAMPLEWEBEXEC01", "Path": "/",
        "CreateDate": "2026-03-04T10:00:00Z",
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "AttachedPolicies": [{"PolicyName": "AmazonECSTaskExecutionRolePolicy", "DefaultVersionId": "v1",
                              "PolicyArn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
                              "Document": EXEC_POLICY}],
        "InlinePolicies": [{"PolicyName": "web-secrets", "Document": SECRETS_POLICY}]}}}
    return {
        "schema": "ecs-doctor/evidence/v1", "tool": {"name": "ecs-doctor", "version": "0.1.0"},
        "collected_at": "2026-11-27T03:12:44Z", "window": {"since": T0 - 10800, "until": T0 + 300}, "redacted": True,
        "target": {"kind": "service", "cluster": "prod", "cluster_arn": service["clusterArn"], "service": "web",
                   "services": ["web"], "region": REGION, "account": ACCT, "partition": "aws"},
        "sources": src,
        "cluster": {"clusterArn": service["clusterArn"], "clusterName": "prod", "status": "ACTIVE",
                    "runningTasksCount": 0, "pendingTasksCount": 0, "activeServicesCount": 1},
        "services": [service], "tasks": tasks, "task_definitions": {TD_ARN: td},
        "task_definition_history": {"web": [TD_ARN, f"arn:aws:ecs:{REGION}:{ACCT}:task-definition/web:41"]},
        "network": network, "iam": iam,
        "logs": {"groups": {"/ecs/web": {"exists": True, "logGroupName": "/ecs/web", "retentionInDays": 30,
                                         "arn": f"arn:aws:logs:{REGION}:{ACCT}:log-group:/ecs/web:*"}}, "streams": {}},
        "images": {IMAGE: {"registry": "ecr", "registryId": ACCT, "repository": "web", "tag": "v42", "digest": None,
                           "region": REGION, "exists": True,
                           "imageDetail": {"registryId": ACCT, "repositoryName": "web", "imageTags": ["v42"],
                                           "imageDigest": "sha256:4c1e9d5f0a7b3c2e8d6f4a1b9c7e5d3f2a0b8c6e4d2f0a9b7c5e3d1f9a7b5c3e",
                                           "imagePushedAt": T0 - 4000, "imageSizeInBytes": 98765432,
                                           "imageManifestMediaType": "application/vnd.docker.distribution.manifest.v2+json"}}},
        "secrets": {SECRET_DB: {"kind": "secretsmanager", "exists": True, "name": "prod/web/db", "arn": SECRET_DB,
                                "detail": {"ARN": SECRET_DB, "Name": "prod/web/db", "LastChangedDate": T0 - 86400}},
                    PARAM_KEY: {"kind": "ssm", "exists": True, "name": PARAM_KEY,
                                "arn": f"arn:aws:ssm:{REGION}:{ACCT}:parameter{PARAM_KEY}",
                                "detail": {"Name": PARAM_KEY, "Type": "SecureString", "Version": 3}}},
    }


def fail(ev, reason, container_reason=None, event=None):
    """Every task stops with reason; the latest service event repeats it."""
    for t in ev["tasks"]:
        t["stoppedReason"] = reason
        c = t["containers"][0]
        if container_reason is not None:
            c["reason"] = container_reason
    if event:
        ev["services"][0]["events"].insert(0, {"id": "ev-4", "createdAt": T0 + 20, "message": event})


def no_nat(ev):
    ev["network"]["route_tables"][RTB_PRIV]["routeSet"] = [local_route()]


def add_endpoints(ev, services, s3=True):
    for s in services:
        vid = "vpce-0" + {
            "ecr.api": "1a2b3c4d5e6f7a8b9", "ecr.dkr": "2b3c4d5e6f7a8b9c0", "logs": "3c4d5e6f7a8b9c0d1",
            "secretsmanager": "4d5e6f7a8b9c0d1e2", "ssm": "5e6f7a8b9c0d1e2f3"}[s]
        ev["network"]["vpc_endpoints"][vid] = endpoint(s, vid)
    if s3:
        ev["network"]["vpc_endpoints"]["vpce-0a5b3c9d1e2f4a6b7"] = endpoint("s3", "vpce-0a5b3c9d1e2f4a6b7", "Gateway")
        ev["network"]["route_tables"][RTB_PRIV]["routeSet"].append(
            {"destinationPrefixListId": PL_S3, "gatewayId": "vpce-0a5b3c9d1e2f4a6b7", "state": "active", "origin": "CreateRoute"})


# The same "CannotPullContainerError ... i/o timeout" text for the look-alike trio.
PULL_TIMEOUT = (f"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref {IMAGE}: "
                f"failed to do request: Head \"https://{ACCT}.dkr.ecr.{REGION}.amazonaws.com/v2/web/manifests/v42\": "
                "dial tcp 10.20.10.187:443: i/o timeout")
AUTH_TIMEOUT_NEW = ("ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth "
                    "from Amazon ECR: There is a connection issue between the task and Amazon ECR. Check your task network "
                    "configuration. operation error ECR: GetAuthorizationToken, exceeded maximum number of attempts, 3, https "
                    "response error StatusCode: 0, RequestID: , request send failed, Post \"https://api.ecr.us-east-1.amazonaws.com/\": "
                    "dial tcp 44.213.79.50:443: i/o timeout")
AUTH_TIMEOUT_OLD = ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "
                    "unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request "
                    "failed caused by: Post \"https://api.ecr.us-east-1.amazonaws.com/\": dial tcp 52.46.145.172:443: i/o timeout. "
                    "Please check your task network configuration.")


def scenarios():
    S = []

    # ---- network -----------------------------------------------------------
    ev = base(); no_nat(ev); fail(ev, AUTH_TIMEOUT_NEW, event="(service web) was unable to place a task. Reason: " + AUTH_TIMEOUT_NEW)
    S.append(("network", "no_route_private_subnet", ev, {
        "findings": [{"check": "net.dependency_unreachable", "category": "network_no_route", "min_count": 3, "rank": 1}],
        "absent": ["security_group_egress_blocked", "vpc_endpoint_misconfigured", "registry_auth_failed"],
        "verdict": "unhealthy",
        "x_top_category": "network_no_route", "x_remediation_mentions": [RTB_PRIV, NAT, VPC],
        "x_evidence_quotes": "There is a connection issue between the task and Amazon ECR"}))

    ev = base(); fail(ev, AUTH_TIMEOUT_OLD)
    ev["network"]["route_tables"][RTB_PRIV]["routeSet"][1]["natGatewayId"] = "nat-0deadbeef00112233"
    ev["network"]["route_tables"][RTB_PRIV]["routeSet"][1]["state"] = "blackhole"
    ev["network"]["nat_gateways"] = {}
    S.append(("network", "nat_blackhole_old_message", ev, {
        "findings": [{"check": "net.dependency_unreachable", "category": "network_no_route", "rank": 1}],
        "absent": ["security_group_egress_blocked", "vpc_endpoint_misconfigured"],
        "x_top_category": "network_no_route", "x_remediation_mentions": [RTB_PRIV, SUB_PUB, "replace-route"],
        "x_evidence_quotes": "unable to retrieve ecr registry auth"}))

    ev = base(); fail(ev, PULL_TIMEOUT)
    svc = ev["services"][0]
    for cfg in (svc["networkConfiguration"], svc["deployments"][0]["networkConfiguration"]):
        cfg["awsvpcConfiguration"]["subnets"] = [SUB_PUB]
    for t in ev["tasks"]:
        t["attachments"][0]["details"][0]["value"] = SUB_PUB
    S.append(("network", "public_subnet_without_public_ip", ev, {
        "findings": [{"check": "net.dependency_unreachable", "category": "network_no_route", "rank": 1}],
        "absent": ["security_group_egress_blocked", "vpc_endpoint_misconfigured"],
        "x_top_category": "network_no_route", "x_remediation_mentions": [SUB_PUB, SG_TASK, "assignPublicIp=ENABLED"],
        "x_evidence_quotes": "i/o timeout"}))

    # Look-alike trio: one message, three root causes.
    ev = base(); no_nat(ev); fail(ev, PULL_TIMEOUT)
    S.append(("network", "lookalike_pull_timeout_no_route", ev, {
        "findings": [{"check": "net.dependency_unreachable", "category": "network_no_route", "rank": 1}],
        "absent": ["security_group_egress_blocked", "vpc_endpoint_misconfigured"],
        "x_top_category": "network_no_route", "x_remediation_mentions": [RTB_PRIV, "com.amazonaws.us-east-1.s3"],
        "x_evidence_quotes": "dial tcp 10.20.10.187:443: i/o timeout"}))

    ev = base(); fail(ev, PULL_TIMEOUT)
    ev["network"]["security_groups"][SG_TASK]["ipPermissionsEgress"] = [perm("tcp", 5432, 5432, cidrs=["10.20.0.0/16"])]
    S.append(("network", "lookalike_pull_timeout_sg_egress", ev, {
        "findings": [{"check": "net.dependency_unreachable", "category": "security_group_egress_blocked", "rank": 1}],
        "absent": ["network_no_route", "vpc_endpoint_misconfigured"],
        "x_top_category": "security_group_egress_blocked", "x_remediation_mentions": [SG_TASK, "authorize-security-group-egress"],
        "x_evidence_quotes": "dial tcp 10.20.10.187:443: i/o timeout"}))

    ev = base(); no_nat(ev); add_endpoints(ev, ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm"]); fail(ev, PULL_TIMEOUT)
    ev["network"]["security_groups"][SG_EP]["ipPermissions"] = [perm("tcp", 443, 443, cidrs=["10.30.0.0/16"])]
    S.append(("network", "lookalike_pull_timeout_endpoint_sg", ev, {
        "findings": [{"check": "net.dependency_unreachable", "category": "vpc_endpoint_misconfigured", "rank": 1}],
        "absent": ["network_no_route", "security_group_egress_blocked"],
        "x_top_category": "vpc_endpoint_misconfigured", "x_remediation_mentions": [SG_EP, SG_TASK, "authorize-security-group-ingress"],
        "x_evidence_quotes": "dial tcp 10.20.10.187:443: i/o timeout"}))

    ev = base(); no_nat(ev); add_endpoints(ev, ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm"], s3=False)
    layer = ("CannotPullContainerError: ref pull has been retried 1 time(s): failed to copy: httpReaderSeeker: failed open: "
             "failed to do request: Get \"https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/"
             "b7a4c2-123456789012-1f2e3d4c/3c9d1e2f-6a7b-4c8d-9e0f-1a2b3c4d5e6f\": dial tcp 52.217.139.40:443: i/o timeout")
    fail(ev, layer)
    S.append(("network", "endpoints_without_s3_gateway", ev, {
        "findings": [{"check": "net.dependency_unreachable", "category": "vpc_endpoint_misconfigured", "rank": 1}],
        "absent": ["network_no_route", "security_group_egress_blocked"],
        "x_top_category": "vpc_endpoint_misconfigured", "x_remediation_mentions": [RTB_PRIV, VPC, "--vpc-endpoint-type Gateway"],
        "x_evidence_quotes": "starport-layer-bucket"}))

    ev = base(); no_nat(ev); add_endpoints(ev, ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm"])
    ev["network"]["vpc_endpoints"]["vpce-0a5b3c9d1e2f4a6b7"]["policyDocument"] = json.dumps({
        "Version": "2008-10-17", "Statement": [{"Sid": "OnlyOurBuckets", "Effect": "Allow", "Principal": "*",
                                               "Action": "s3:*", "Resource": ["arn:aws:s3:::acme-prod-*", "arn:aws:s3:::acme-prod-*/*"]}]})
    forb = ("CannotPullContainerError: ref pull has been retried 1 time(s): failed to copy: httpReaderSeeker: failed open: "
            "unexpected status code https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/"
            "b7a4c2-123456789012-1f2e3d4c/3c9d1e2f-6a7b-4c8d-9e0f-1a2b3c4d5e6f: 403 Forbidden")
    fail(ev, forb, container_reason=forb)
    S.append(("network", "s3_endpoint_policy_blocks_ecr_layers", ev, {
        "findings": [{"check": "net.dependency_unreachable", "category": "vpc_endpoint_misconfigured", "rank": 1}],
        "absent": ["registry_auth_failed", "network_no_route", "security_group_egress_blocked"],
        "x_top_category": "vpc_endpoint_misconfigured",
        "x_remediation_mentions": ["vpce-0a5b3c9d1e2f4a6b7", "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*", "OnlyOurBuckets"],
        "x_evidence_quotes": "403 Forbidden"}))

    ev = base(); fail(ev, PULL_TIMEOUT)
    ev["network"]["network_acls"][ACL]["entrySet"] = [
        {"ruleNumber": "90", "protocol": "6", "ruleAction": "deny", "egress": "true", "cidrBlock": "0.0.0.0/0",
         "portRange": {"from": "443", "to": "443"}},
        {"ruleNumber": "100", "protocol": "-1", "ruleAction": "allow", "egress": "true", "cidrBlock": "0.0.0.0/0"},
        {"ruleNumber": "100", "protocol": "-1", "ruleAction": "allow", "egress": "false", "cidrBlock": "0.0.0.0/0"}]
    S.append(("network", "nacl_blocks_https", ev, {
        "findings": [{"check": "net.dependency_unreachable", "category": "network_no_route", "rank": 1}],
        "absent": ["security_group_egress_blocked", "vpc_endpoint_misconfigured"],
        "x_top_category": "network_no_route", "x_remediation_mentions": [ACL, "create-network-acl-entry", "From=443,To=443"],
        "x_evidence_quotes": "i/o timeout"}))

    # The network was not collected (ec2:Describe* denied): still reported, as unverified.
    ev = base(); fail(ev, AUTH_TIMEOUT_NEW)
    del ev["network"]
    for k in ("ec2.subnets", "ec2.route_tables", "ec2.gateways", "ec2.vpc_endpoints", "ec2.security_groups", "ec2.network_acls"):
        ev["sources"][k] = {"status": "denied", "calls": 1, "duration_ms": 40, "errors": [
            {"operation": "ec2:DescribeSubnets", "action": "ec2:DescribeSubnets", "code": "UnauthorizedOperation",
             "message": "You are not authorized to perform this operation.", "http_status": 403, "request_id": "1f0e2d3c"}]}
    S.append(("network", "pull_timeout_without_network_evidence", ev, {
        "findings": [{"check": "net.dependency_unreachable", "category": "network_no_route", "severity": "high", "rank": 1}],
        "absent": ["security_group_egress_blocked", "vpc_endpoint_misconfigured", "registry_auth_failed"],
        "x_top_category": "network_no_route", "x_remediation_mentions": [SUB_A, "describe-route-tables"],
        "x_evidence_quotes": "There is a connection issue between the task and Amazon ECR"}))

    logs_conn = ("ResourceInitializationError: failed to validate logger args: The task cannot find the Amazon CloudWatch log "
                 "group defined in the task definition. There is a connection issue between the task and Amazon CloudWatch. "
                 "Check your network configuration. : signal: killed")
    ev = base(); no_nat(ev); fail(ev, logs_conn)
    S.append(("network", "lookalike_log_group_connection_issue", ev, {
        "findings": [{"check": "net.dependency_unreachable", "category": "network_no_route", "rank": 1}],
        "absent": ["log_configuration_error", "logs.configuration_error"],
        "x_top_category": "network_no_route", "x_remediation_mentions": [RTB_PRIV, "logs"],
        "x_evidence_quotes": "The task cannot find the Amazon CloudWatch log group"}))

    ev = base()
    for s in (SUB_A, SUB_B):
        ev["network"]["subnets"][s]["availableIpAddressCount"] = "0"
    ip_msg = ("InsufficientFreeAddressesInSubnet: The specified subnet does not have enough free addresses to satisfy the request.")
    ev["services"][0]["events"].insert(0, {"id": "ev-4", "createdAt": T0 + 20,
                                           "message": "(service web) was unable to place a task. Reason: " + ip_msg})
    ev["tasks"] = ev["tasks"][:1]
    fail(ev, "Timeout waiting for network interface provisioning to complete.")
    S.append(("network", "subnet_ip_exhausted", ev, {
        "findings": [{"check": "net.subnet_ip_exhausted", "category": "subnet_ip_exhausted", "rank": 1},
                     {"check": "net.eni_provisioning_failed", "caused_by": "subnet_ip_exhausted"}],
        "absent": ["network_no_route"],
        "x_top_category": "subnet_ip_exhausted", "x_remediation_mentions": [SUB_A, SUB_B, VPC],
        "x_evidence_quotes": "InsufficientFreeAddressesInSubnet"}))

    ev = base(); fail(ev, "Timeout waiting for network interface provisioning to complete.")
    S.append(("network", "eni_provisioning_timeout", ev, {
        "findings": [{"check": "net.eni_provisioning_failed", "category": "eni_provisioning_failed", "rank": 1}],
        "absent": ["subnet_ip_exhausted", "network_no_route"],
        "x_top_category": "eni_provisioning_failed", "x_remediation_mentions": ["L-DF5E4CA3", "us-east-1"],
        "x_evidence_quotes": "Timeout waiting for network interface provisioning to complete"}))

    # ---- registry ------------------------------------------------------------
    ev = base()
    ev["iam"]["roles"][ROLE]["AttachedPolicies"] = []
    ev["iam"]["roles"][ROLE]["InlinePolicies"].append({"PolicyName": "web-logs", "Document": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]}})
    denied = ("CannotPullContainerError: The task can’t pull the image. Check that the role has the permissions to pull images "
              f"from the registry. Error response from daemon: pull access denied for {ACCT}.dkr.ecr.{REGION}.amazonaws.com/web, "
              "repository does not exist or may require 'docker login': denied: User: "
              f"arn:aws:sts::{ACCT}:assumed-role/{ROLE}/{TASK_IDS[0]} is not authorized to perform: ecr:BatchGetImage on "
              f"resource: arn:aws:ecr:{REGION}:{ACCT}:repository/web because no identity-based policy allows the "
              "ecr:BatchGetImage action")
    fail(ev, denied, container_reason=denied)
    S.append(("registry", "ecr_pull_access_denied", ev, {
        "findings": [{"check": "registry.auth_failed", "category": "registry_auth_failed", "rank": 1}],
        "absent": ["network_no_route", "image_not_found", "image.not_found"],
        "x_top_category": "registry_auth_failed", "x_remediation_mentions": [ROLE, "AmazonECSTaskExecutionRolePolicy", "ecr:BatchGetImage"],
        "x_evidence_quotes": "is not authorized to perform: ecr:BatchGetImage"}))

    ev = base()
    ev["iam"]["roles"][ROLE]["AttachedPolicies"] = []
    auth_denied = ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "
                   "unable to retrieve ecr registry auth: service call has been retried 3 time(s): AccessDeniedException: User: "
                   f"arn:aws:sts::{ACCT}:assumed-role/{ROLE}/{TASK_IDS[1]} is not authorized to perform: "
                   "ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the "
                   "ecr:GetAuthorizationToken action status code: 400, request id: 7e1c2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f")
    fail(ev, auth_denied)
    S.append(("registry", "lookalike_registry_auth_denied", ev, {
        "findings": [{"check": "registry.auth_failed", "category": "registry_auth_failed", "rank": 1}],
        "absent": ["network_no_route", "security_group_egress_blocked", "vpc_endpoint_misconfigured"],
        "x_top_category": "registry_auth_failed", "x_remediation_mentions": [ROLE, "ecr:GetAuthorizationToken"],
        "x_evidence_quotes": "is not authorized to perform: ecr:GetAuthorizationToken"}))

    # Cross-account image: the role may pull, the other account's repository policy refuses.
    ev = base()
    other = "210987654321"
    ximg = f"{other}.dkr.ecr.{REGION}.amazonaws.com/shared/base:2.3"
    ev["task_definitions"][TD_ARN]["containerDefinitions"][0]["image"] = ximg
    for t in ev["tasks"]:
        t["containers"][0]["image"] = ximg
    ev["images"] = {ximg: {"registry": "ecr", "registryId": other, "repository": "shared/base", "tag": "2.3", "region": REGION,
                           "exists": None, "error": {"code": "AccessDeniedException", "message": "not authorized"}}}
    xden = ("CannotPullContainerError: The task can’t pull the image. Check that the role has the permissions to pull images "
            f"from the registry. Error response from daemon: pull access denied for {other}.dkr.ecr.{REGION}.amazonaws.com/shared/base, "
            "repository does not exist or may require 'docker login': denied: User: "
            f"arn:aws:sts::{ACCT}:assumed-role/{ROLE}/{TASK_IDS[0]} is not authorized to perform: ecr:BatchGetImage on "
            f"resource: arn:aws:ecr:{REGION}:{other}:repository/shared/base because no resource-based policy allows the "
            "ecr:BatchGetImage action")
    fail(ev, xden, container_reason=xden)
    S.append(("registry", "cross_account_repository_policy", ev, {
        "findings": [{"check": "registry.auth_failed", "category": "registry_auth_failed", "rank": 1}],
        "absent": ["network_no_route", "image_not_found"],
        "x_top_category": "registry_auth_failed", "x_remediation_mentions": ["set-repository-policy", other, "shared/base", ROLE_ARN],
        "x_evidence_quotes": "pull access denied for 210987654321"}))

    ev = base()
    hub = "nginx:1.25.3"
    ev["task_definitions"][TD_ARN]["containerDefinitions"][0]["image"] = hub
    for t in ev["tasks"]:
        t["containers"][0]["image"] = hub
    ev["images"] = {hub: {"registry": "dockerhub", "repository": "library/nginx", "tag": "1.25.3", "exists": None}}
    rl = ("CannotPullContainerError: inspect image has been retried 1 time(s): httpReaderSeeker: failed open: unexpected status "
          "code https://registry-1.docker.io/v2/library/nginx/manifests/sha256:2bdc49f2f8ae8d8dc50ed00f2ee56d00385c6f8bc8a8b320d0a294d9e3b49026: "
          "429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase "
          "the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit")
    fail(ev, rl, container_reason=rl)
    S.append(("registry", "dockerhub_rate_limited", ev, {
        "findings": [{"check": "registry.rate_limited", "category": "registry_rate_limited", "rank": 1}],
        "absent": ["registry_auth_failed", "network_no_route"],
        "x_top_category": "registry_rate_limited", "x_remediation_mentions": [ACCT, "create-pull-through-cache-rule", "docker-hub/library/nginx"],
        "x_evidence_quotes": "toomanyrequests: You have reached your pull rate limit"}))

    ev = base()
    ev["task_definitions"][TD_ARN]["runtimePlatform"] = {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"}
    plat = "CannotPullContainerError: image Manifest does not contain descriptor matching platform 'linux/arm64/v8'"
    fail(ev, plat, container_reason=plat)
    S.append(("registry", "platform_manifest_mismatch", ev, {
        "findings": [{"check": "registry.platform_mismatch", "category": "image_platform_mismatch", "rank": 1}],
        "absent": ["registry_auth_failed", "network_no_route", "image_not_found"],
        "x_top_category": "image_platform_mismatch", "x_remediation_mentions": [IMAGE, "cpuArchitecture=X86_64", "web"],
        "x_evidence_quotes": "does not contain descriptor matching platform"}))

    ev = base()
    for t in ev["tasks"]:
        t["stopCode"] = "EssentialContainerExited"
        t["stoppedReason"] = "Essential container in task exited"
        t["containers"][0]["exitCode"] = 1
        t["containers"][0]["reason"] = None
        del t["containers"][0]["reason"]
    ev["task_definitions"][TD_ARN]["runtimePlatform"] = {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"}
    key = f"/ecs/web/web/app/{TASK_IDS[0]}"
    ev["logs"]["streams"][key] = {"group": "/ecs/web", "stream": f"web/app/{TASK_IDS[0]}", "task": TASK_IDS[0], "container": "app",
                                  "events": [{"timestamp": (T0 - 20) * 1000, "message": "exec /usr/local/bin/docker-entrypoint.sh: exec format error"}],
                                  "truncated": False}
    S.append(("registry", "platform_exec_format_error", ev, {
        "findings": [{"check": "registry.platform_mismatch", "category": "image_platform_mismatch", "rank": 1},
                     {"check": "container.exit", "caused_by": "image_platform_mismatch"}],
        "absent": ["registry_auth_failed", "network_no_route"],
        "x_top_category": "image_platform_mismatch", "x_remediation_mentions": [IMAGE, "linux/amd64,linux/arm64"],
        "x_evidence_quotes": "exec format error"}))

    # ---- secrets ---------------------------------------------------------------
    ev = base()
    ev["iam"]["roles"][ROLE]["InlinePolicies"] = []
    sm_denied = ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "
                 "unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret "
                 f"{SECRET_DB} from secrets manager: AccessDeniedException: User: arn:aws:sts::{ACCT}:assumed-role/{ROLE}/"
                 f"{TASK_IDS[0]} is not authorized to perform: secretsmanager:GetSecretValue on resource: {SECRET_DB} because "
                 "no identity-based policy allows the secretsmanager:GetSecretValue action status code: 400, request id: "
                 "2b8f0c1e-9d7a-4e6b-a5c4-3d2e1f0a9b8c")
    fail(ev, sm_denied)
    S.append(("secrets", "secretsmanager_access_denied", ev, {
        "findings": [{"check": "secrets.access_denied", "category": "secrets_access_denied", "rank": 1}],
        "absent": ["network_no_route", "secret_not_found"],
        "x_top_category": "secrets_access_denied", "x_remediation_mentions": [ROLE, SECRET_DB, "secretsmanager:GetSecretValue"],
        "x_evidence_quotes": "is not authorized to perform: secretsmanager:GetSecretValue"}))

    ev = base()
    ev["secrets"][SECRET_DB]["detail"]["KmsKeyId"] = KEY_ARN
    ev["iam"]["roles"][ROLE]["InlinePolicies"].append({"PolicyName": "web-kms", "Document": {"Version": "2012-10-17", "Statement": [
        {"Sid": "DecryptWebSecrets", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": KEY_ARN}]}})
    kms = ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "
           "unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret "
           f"{SECRET_DB} from secrets manager: AccessDeniedException: Access to KMS is not allowed status code: 400, "
           "request id: 5c4d3e2f-1a0b-4c9d-8e7f-6a5b4c3d2e1f")
    fail(ev, kms)
    S.append(("secrets", "kms_key_policy_blocks", ev, {
        "findings": [{"check": "secrets.access_denied", "category": "secrets_access_denied", "rank": 1}],
        "absent": ["network_no_route", "secret_not_found"],
        "x_top_category": "secrets_access_denied", "x_remediation_mentions": [KEY_ARN, "get-key-policy"],
        "x_evidence_quotes": "Access to KMS is not allowed"}))

    ev = base()
    ev["network"]["vpc_endpoints"]["vpce-0e1d2c3b4a5968778"] = endpoint("ssm", "vpce-0e1d2c3b4a5968778", policyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Sid": "OnlyReadOnlyConfig", "Effect": "Allow", "Principal": "*",
                                               "Action": "ssm:GetParameter", "Resource": f"arn:aws:ssm:{REGION}:{ACCT}:parameter/config/*"}]}))
    epd = ("ResourceInitializationError: unable to pull secrets or registry auth: unable to retrieve secrets from ssm: "
           "service call has been retried 1 time(s): operation error SSM: GetParameters, https response error StatusCode: 400, "
           "RequestID: 6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d, api error AccessDeniedException: User: "
           f"arn:aws:sts::{ACCT}:assumed-role/{ROLE}/{TASK_IDS[0]} is not authorized to perform: ssm:GetParameters on resource: "
           f"arn:aws:ssm:{REGION}:{ACCT}:parameter{PARAM_KEY} because no VPC endpoint policy allows the ssm:GetParameters action")
    fail(ev, epd)
    S.append(("secrets", "ssm_denied_by_endpoint_policy", ev, {
        "findings": [{"check": "secrets.access_denied", "category": "secrets_access_denied", "rank": 1}],
        "absent": ["network_no_route", "secret_not_found"],
        "x_top_category": "secrets_access_denied", "x_remediation_mentions": ["vpce-0e1d2c3b4a5968778", "OnlyReadOnlyConfig", "AllowEcsTaskSecrets"],
        "x_evidence_quotes": "AccessDeniedException"}))

    ev = base()
    missing = f"arn:aws:secretsmanager:{REGION}:{ACCT}:secret:prod/web/api-token-Zx9Yw8"
    ev["task_definitions"][TD_ARN]["containerDefinitions"][0]["secrets"].append({"name": "API_TOKEN", "valueFrom": missing})
    ev["secrets"][missing] = {"kind": "secretsmanager", "exists": False, "name": "prod/web/api-token", "arn": missing,
                              "error": {"code": "ResourceNotFoundException", "message": "Secrets Manager can't find the specified secret."}}
    nf = ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable "
          f"to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret {missing} from "
          "secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret. status code: 400, "
          "request id: 8d7c6b5a-4f3e-4d2c-b1a0-9f8e7d6c5b4a")
    fail(ev, nf)
    S.append(("secrets", "secretsmanager_secret_not_found", ev, {
        "findings": [{"check": "secrets.not_found", "category": "secret_not_found", "rank": 1}],
        "absent": ["secrets_access_denied", "network_no_route"],
        "x_top_category": "secret_not_found", "x_remediation_mentions": [missing, "prod/web/api-token"],
        "x_evidence_quotes": "Secrets Manager can't find the specified secret"}))

    ev = base()
    ev["secrets"][PARAM_KEY]["exists"] = False
    ssm_nf = ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "
              f"unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: {PARAM_KEY}")
    fail(ev, ssm_nf)
    S.append(("secrets", "ssm_parameter_not_found", ev, {
        "findings": [{"check": "secrets.not_found", "category": "secret_not_found", "rank": 1}],
        "absent": ["secrets_access_denied", "network_no_route"],
        "x_top_category": "secret_not_found", "x_remediation_mentions": [PARAM_KEY, "put-parameter"],
        "x_evidence_quotes": "invalid ssm parameters"}))

    ev = base(); no_nat(ev)
    ssm_conn = ("ResourceInitializationError: unable to pull secrets or registry auth: unable to retrieve secrets from ssm: The task "
                "cannot pull secrets from AWS Systems Manager. There is a connection issue between the task and AWS Systems "
                "Manager Parameter Store. Check your task network configuration. RequestCanceled: request context canceled "
                "caused by: context deadline exceeded")
    fail(ev, ssm_conn)
    S.append(("secrets", "lookalike_ssm_connection_issue", ev, {
        "findings": [{"check": "net.dependency_unreachable", "category": "network_no_route", "rank": 1}],
        "absent": ["secrets_access_denied", "secret_not_found"],
        "x_top_category": "network_no_route", "x_remediation_mentions": [RTB_PRIV, "ssm"],
        "x_evidence_quotes": "There is a connection issue between the task and AWS Systems Manager Parameter Store"}))

    # ---- iam ----------------------------------------------------------------------
    ev = base()
    ev["iam"]["roles"][ROLE]["AssumeRolePolicyDocument"] = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    assume = (f"ECS was unable to assume the role '{ROLE_ARN}' that was provided for this task. Please verify that the role being "
              "passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.")
    fail(ev, assume, event="(service web) failed to launch a task with (error " + assume + ").")
    S.append(("iam", "execution_role_trust_policy", ev, {
        "findings": [{"check": "iam.execution_role_invalid", "category": "execution_role_invalid", "rank": 1}],
        "absent": ["network_no_route", "registry_auth_failed"],
        "x_top_category": "execution_role_invalid", "x_remediation_mentions": [ROLE, "update-assume-role-policy", "ecs-tasks.amazonaws.com"],
        "x_evidence_quotes": "ECS was unable to assume the role"}))

    ev = base()
    del ev["iam"]["roles"][ROLE]
    ev["sources"]["iam.roles"] = {"status": "partial", "calls": 2, "duration_ms": 70, "errors": [
        {"operation": "iam:GetRole", "action": "iam:GetRole", "code": "NoSuchEntity",
         "message": f"The role with name {ROLE} cannot be found.", "http_status": 404,
         "request_id": "0f1e2d3c-4b5a-4697-8877-665544332211"}]}
    fail(ev, assume)
    S.append(("iam", "execution_role_not_found", ev, {
        "findings": [{"check": "iam.execution_role_invalid", "category": "execution_role_invalid", "rank": 1}],
        "absent": ["network_no_route"],
        "x_top_category": "execution_role_invalid", "x_remediation_mentions": [ROLE, "create-role"],
        "x_evidence_quotes": "ECS was unable to assume the role"}))

    # ---- logs -----------------------------------------------------------------------
    ev = base()
    ev["task_definitions"][TD_ARN]["containerDefinitions"][0]["logConfiguration"]["options"]["awslogs-group"] = "/ecs/web-prod"
    ev["logs"]["groups"] = {"/ecs/web-prod": {"exists": False}}
    lg = ("ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to "
          "create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1")
    fail(ev, lg)
    S.append(("logs", "log_group_missing", ev, {
        "findings": [{"check": "logs.configuration_error", "category": "log_configuration_error", "rank": 1}],
        "absent": ["network_no_route", "secret_not_found"],
        "x_top_category": "log_configuration_error", "x_remediation_mentions": ["/ecs/web-prod", "create-log-group", "us-east-1"],
        "x_evidence_quotes": "The specified log group does not exist"}))

    ev = base()
    ev["iam"]["roles"][ROLE]["AttachedPolicies"] = [{"PolicyName": "web-ecr-only", "PolicyArn": f"arn:aws:iam::{ACCT}:policy/web-ecr-only",
                                                     "DefaultVersionId": "v2", "Document": {"Version": "2012-10-17", "Statement": [
                                                         {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}}]
    lgd = ("CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create "
           f"Cloudwatch log stream: AccessDeniedException: User: arn:aws:sts::{ACCT}:assumed-role/{ROLE}/{TASK_IDS[2]} is not "
           f"authorized to perform: logs:CreateLogStream on resource: arn:aws:logs:{REGION}:{ACCT}:log-group:/ecs/web:log-stream:"
           f"web/app/{TASK_IDS[2]} because no identity-based policy allows the logs:CreateLogStream action")
    fail(ev, lgd, container_reason=lgd)
    S.append(("logs", "log_stream_access_denied", ev, {
        "findings": [{"check": "logs.configuration_error", "category": "log_configuration_error", "rank": 1}],
        "absent": ["network_no_route"],
        "x_top_category": "log_configuration_error", "x_remediation_mentions": [ROLE, "logs:CreateLogStream", "/ecs/web"],
        "x_evidence_quotes": "failed to initialize logging driver"}))

    # ---- storage -----------------------------------------------------------------------
    ev = base()
    ev["task_definitions"][TD_ARN]["volumes"] = [{"name": "shared-data", "efsVolumeConfiguration": {
        "fileSystemId": "fs-0a1b2c3d4e5f6a7b8", "rootDirectory": "/", "transitEncryption": "ENABLED"}}]
    efs = ("ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: "
           "b'mount.nfs4: Connection timed out' : unsuccessful EFS utils command execution; code: 32")
    fail(ev, efs)
    S.append(("storage", "efs_nfs_timeout", ev, {
        "findings": [{"check": "storage.efs_mount_failed", "category": "efs_mount_failed", "rank": 1}],
        "absent": ["network_no_route", "security_group_egress_blocked"],
        "x_top_category": "efs_mount_failed", "x_remediation_mentions": ["fs-0a1b2c3d4e5f6a7b8", SG_TASK, "2049"],
        "x_evidence_quotes": "mount.nfs4: Connection timed out"}))

    ev = base()
    ev["task_definitions"][TD_ARN]["volumes"] = [{"name": "shared-data", "efsVolumeConfiguration": {
        "fileSystemId": "fs-0a1b2c3d4e5f6a7b8", "rootDirectory": "/"}}]
    efs2 = ("ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve "
            "\"fs-0a1b2c3d4e5f6a7b8.efs.us-east-1.amazonaws.com\" - check that your file system ID is correct, and ensure that "
            "the VPC has an EFS mount target for this file system ID. See https://docs.aws.amazon.com/console/efs/mount-dns-name "
            "for more detail. Attempting to lookup mount target ip address using botocore. Failed to import necessary "
            "dependency botocore, please install botocore first. : unsuccessful EFS utils command execution; code: 1")
    fail(ev, efs2)
    S.append(("storage", "efs_dns_resolution", ev, {
        "findings": [{"check": "storage.efs_mount_failed", "category": "efs_mount_failed", "rank": 1}],
        "absent": ["network_no_route"],
        "x_top_category": "efs_mount_failed", "x_remediation_mentions": ["fs-0a1b2c3d4e5f6a7b8", SUB_A, VPC],
        "x_evidence_quotes": "Failed to resolve"}))
    return S


def main():
    n = 0
    for area, name, ev, expect in scenarios():
        # Every bundle's deployment was failed by the circuit breaker: the ranker
        # must link that symptom under the root cause these checks find.
        top = expect.get("x_top_category")
        if top and not any(f.get("check") == "deployment.circuit_breaker" for f in expect["findings"]):
            expect["findings"].append({"check": "deployment.circuit_breaker", "caused_by": top})
        d = os.path.join(ROOT, "checks", area, "tests")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, name + ".json"), "w") as f:
            json.dump(ev, f, indent=1, ensure_ascii=False)
            f.write("\n")
        with open(os.path.join(d, name + ".expect.json"), "w") as f:
            json.dump(expect, f, indent=1, ensure_ascii=False)
            f.write("\n")
        n += 1
    print(f"wrote {n} fixture bundles", file=sys.stderr)


if __name__ == "__main__":
    main()
