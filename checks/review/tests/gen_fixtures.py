#!/usr/bin/python3
"""Generates the review rules' fixture bundles (evidence documents) and expectations.

One clean base bundle (a healthy Fargate service behind an ALB, configured the way the ECS best
practices recommend) plus, per rule, a mutation that must make the rule fire and a near miss that
must keep it quiet. Run it after changing a rule's fixture; the generated files are committed so
`ecs-doctor checks test checks/review` needs no Python.
    /usr/bin/python3 checks/review/tests/gen_fixtures.py
"""
import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ACCT, REGION, CLUSTER, SVC, FAMILY = "123456789012", "us-east-1", "prod", "web-service", "web-service"
CLUSTER_ARN = f"arn:aws:ecs:{REGION}:{ACCT}:cluster/{CLUSTER}"
SVC_ARN = f"arn:aws:ecs:{REGION}:{ACCT}:service/{CLUSTER}/{SVC}"
TD_ARN = f"arn:aws:ecs:{REGION}:{ACCT}:task-definition/{FAMILY}:42"
TG_ARN = f"arn:aws:elasticloadbalancing:{REGION}:{ACCT}:targetgroup/web-tg/0123456789abcdef"
LB_ARN = f"arn:aws:elasticloadbalancing:{REGION}:{ACCT}:loadbalancer/app/web-alb/fedcba9876543210"
EXEC_ROLE, TASK_ROLE = "ecsTaskExecutionRole", "web-service-task-role"
IMAGE = f"{ACCT}.dkr.ecr.{REGION}.amazonaws.com/web-service:v42"
LOG_GROUP = "/ecs/web-service"
SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCT}:secret:prod/web/db-AbCdEf"
NOW = 1795747964  # collected_at
MANAGED_EXEC = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"

RULES = [
    "security.secrets_in_environment", "security.no_task_role", "security.execution_role_wildcard",
    "security.public_ip_behind_lb", "security.privileged", "security.root_user",
    "reliability.circuit_breaker", "reliability.single_az", "reliability.container_health_check",
    "reliability.grace_period", "reliability.deregistration_delay", "reliability.single_task",
    "reliability.deployment_percentages",
    "cost.mutable_image_tag", "cost.memory_headroom", "cost.fargate_spot", "cost.autoscaling",
    "cost.log_retention",
]

SOURCES = ["ecs.cluster", "ecs.services", "ecs.tasks", "ecs.task_definitions", "ecs.capacity",
           "elb.target_groups", "elb.target_health", "elb.load_balancers", "iam.roles", "ec2.subnets",
           "ec2.route_tables", "ec2.gateways", "ec2.vpc_endpoints", "ec2.security_groups",
           "ec2.network_acls", "logs", "ecr.images", "secrets", "scaling", "cloudtrail", "metrics"]


def task(n, az, subnet, created, started):
    tid = f"0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c{n:02d}"
    return {
        "taskArn": f"arn:aws:ecs:{REGION}:{ACCT}:task/{CLUSTER}/{tid}",
        "clusterArn": CLUSTER_ARN, "taskDefinitionArn": TD_ARN, "group": f"service:{SVC}",
        "lastStatus": "RUNNING", "desiredStatus": "RUNNING", "healthStatus": "HEALTHY",
        "launchType": "FARGATE", "platformVersion": "1.4.0", "availabilityZone": az,
        "cpu": "512", "memory": "1024", "createdAt": created, "pullStartedAt": created + 8,
        "pullStoppedAt": created + 20, "startedAt": started, "startedBy": "ecs-svc/1234567890123456789",
        "attachments": [{"id": f"eni-attach-{n}", "type": "ElasticNetworkInterface", "status": "ATTACHED",
                         "details": [{"name": "subnetId", "value": subnet},
                                     {"name": "networkInterfaceId", "value": f"eni-0{n}abc"},
                                     {"name": "privateIPv4Address", "value": f"10.0.{n}.10"}]}],
        "containers": [{"containerArn": f"arn:aws:ecs:{REGION}:{ACCT}:container/{CLUSTER}/{tid}/app",
                        "name": "app", "image": IMAGE, "lastStatus": "RUNNING", "healthStatus": "HEALTHY"}],
    }


def base():
    return {
        "schema": "ecs-doctor/evidence/v1",
        "tool": {"name": "ecs-doctor", "version": "0.1.0"},
        "collected_at": "2026-11-27T03:12:44Z",
        "window": {"since": NOW - 10800, "until": NOW},
        "redacted": True,
        "target": {"kind": "service", "cluster": CLUSTER, "cluster_arn": CLUSTER_ARN, "service": SVC,
                   "services": [SVC], "region": REGION, "account": ACCT, "partition": "aws"},
        "sources": {s: {"status": "ok", "calls": 1, "duration_ms": 50} for s in SOURCES},
        "cluster": {"clusterArn": CLUSTER_ARN, "clusterName": CLUSTER, "status": "ACTIVE",
                    "runningTasksCount": 2, "activeServicesCount": 1,
                    "capacityProviders": ["FARGATE", "FARGATE_SPOT"], "defaultCapacityProviderStrategy": []},
        "services": [{
            "serviceArn": SVC_ARN, "serviceName": SVC, "clusterArn": CLUSTER_ARN, "status": "ACTIVE",
            "desiredCount": 2, "runningCount": 2, "pendingCount": 0, "launchType": "FARGATE",
            "platformVersion": "LATEST", "platformFamily": "Linux", "taskDefinition": TD_ARN,
            "schedulingStrategy": "REPLICA", "deploymentController": {"type": "ECS"},
            "loadBalancers": [{"targetGroupArn": TG_ARN, "containerName": "app", "containerPort": 8080}],
            "healthCheckGracePeriodSeconds": 60,
            "deploymentConfiguration": {
                "deploymentCircuitBreaker": {"enable": True, "rollback": True},
                "maximumPercent": 200, "minimumHealthyPercent": 100},
            "networkConfiguration": {"awsvpcConfiguration": {
                "subnets": ["subnet-0a1", "subnet-0b2"], "securityGroups": ["sg-0app"],
                "assignPublicIp": "DISABLED"}},
            "deployments": [{"id": "ecs-svc/1234567890123456789", "status": "PRIMARY", "taskDefinition": TD_ARN,
                             "desiredCount": 2, "pendingCount": 0, "runningCount": 2, "failedTasks": 0,
                             "createdAt": NOW - 86400 * 3, "updatedAt": NOW - 86400 * 3 + 240,
                             "launchType": "FARGATE", "rolloutState": "COMPLETED"}],
            "events": [{"id": "e1", "createdAt": NOW - 600,
                        "message": f"(service {SVC}) has reached a steady state."}],
        }],
        "tasks": [task(1, "us-east-1a", "subnet-0a1", NOW - 86400 * 3, NOW - 86400 * 3 + 45),
                  task(2, "us-east-1b", "subnet-0b2", NOW - 86400 * 3, NOW - 86400 * 3 + 52)],
        "task_definitions": {TD_ARN: {
            "taskDefinitionArn": TD_ARN, "family": FAMILY, "revision": 42, "status": "ACTIVE",
            "taskRoleArn": f"arn:aws:iam::{ACCT}:role/{TASK_ROLE}",
            "executionRoleArn": f"arn:aws:iam::{ACCT}:role/{EXEC_ROLE}",
            "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "512", "memory": "1024",
            "containerDefinitions": [{
                "name": "app", "image": IMAGE, "essential": True, "user": "1000:1000",
                "memoryReservation": 768,
                "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
                "environment": [{"name": "PORT", "value": "<redacted>"}, {"name": "LOG_LEVEL", "value": "<redacted>"}],
                "secrets": [{"name": "DB_PASSWORD", "valueFrom": SECRET_ARN}],
                "healthCheck": {"command": ["CMD-SHELL", "curl -fs http://localhost:8080/health || exit 1"],
                                "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 10},
                "logConfiguration": {"logDriver": "awslogs", "options": {
                    "awslogs-group": LOG_GROUP, "awslogs-region": REGION, "awslogs-stream-prefix": "web"}},
            }],
        }},
        "task_definition_history": {FAMILY: [TD_ARN]},
        "elb": {
            "target_groups": {TG_ARN: {
                "TargetGroupArn": TG_ARN, "TargetGroupName": "web-tg", "Protocol": "HTTP", "Port": "8080",
                "VpcId": "vpc-0main", "TargetType": "ip", "HealthCheckPath": "/health",
                "HealthCheckIntervalSeconds": "15", "HealthCheckTimeoutSeconds": "5",
                "HealthyThresholdCount": "2", "UnhealthyThresholdCount": "3", "LoadBalancerArns": [LB_ARN],
                "Attributes": {"deregistration_delay.timeout_seconds": "30", "stickiness.enabled": "false"},
                "TargetHealthDescriptions": [
                    {"Target": {"Id": "10.0.1.10", "Port": "8080"}, "TargetHealth": {"State": "healthy"}},
                    {"Target": {"Id": "10.0.2.10", "Port": "8080"}, "TargetHealth": {"State": "healthy"}}]}},
            "load_balancers": {LB_ARN: {
                "LoadBalancerArn": LB_ARN, "LoadBalancerName": "web-alb", "Scheme": "internet-facing",
                "Type": "application", "VpcId": "vpc-0main", "State": {"Code": "active"},
                "SecurityGroups": ["sg-0alb"],
                "AvailabilityZones": [{"ZoneName": "us-east-1a", "SubnetId": "subnet-0pa"},
                                      {"ZoneName": "us-east-1b", "SubnetId": "subnet-0pb"}],
                "Listeners": [{"Port": "443", "Protocol": "HTTPS"}]}},
        },
        "iam": {"roles": {
            EXEC_ROLE: {"RoleName": EXEC_ROLE, "Arn": f"arn:aws:iam::{ACCT}:role/{EXEC_ROLE}",
                        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                            {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                             "Action": "sts:AssumeRole"}]},
                        "AttachedPolicies": [{"PolicyName": "AmazonECSTaskExecutionRolePolicy",
                                              "PolicyArn": MANAGED_EXEC, "DefaultVersionId": "v1",
                                              "Document": {"Version": "2012-10-17", "Statement": [{
                                                  "Effect": "Allow", "Resource": "*", "Action": [
                                                      "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
                                                      "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage",
                                                      "logs:CreateLogStream", "logs:PutLogEvents"]}]}}],
                        "InlinePolicies": [{"PolicyName": "read-web-secrets", "Document": {
                            "Version": "2012-10-17", "Statement": [{
                                "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                                "Resource": SECRET_ARN}]}}]},
            TASK_ROLE: {"RoleName": TASK_ROLE, "Arn": f"arn:aws:iam::{ACCT}:role/{TASK_ROLE}",
                        "AttachedPolicies": [], "InlinePolicies": [{"PolicyName": "s3-read", "Document": {
                            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                                    "Resource": "arn:aws:s3:::web-assets/*"}]}}]},
        }},
        "network": {
            "vpcs": {"vpc-0main": {"vpcId": "vpc-0main", "cidrBlock": "10.0.0.0/16", "state": "available"}},
            "subnets": {
                "subnet-0a1": {"subnetId": "subnet-0a1", "vpcId": "vpc-0main", "availabilityZone": "us-east-1a",
                               "cidrBlock": "10.0.1.0/24", "mapPublicIpOnLaunch": "false"},
                "subnet-0b2": {"subnetId": "subnet-0b2", "vpcId": "vpc-0main", "availabilityZone": "us-east-1b",
                               "cidrBlock": "10.0.2.0/24", "mapPublicIpOnLaunch": "false"},
                "subnet-0pa": {"subnetId": "subnet-0pa", "vpcId": "vpc-0main", "availabilityZone": "us-east-1a",
                               "cidrBlock": "10.0.101.0/24", "mapPublicIpOnLaunch": "true"},
                "subnet-0pb": {"subnetId": "subnet-0pb", "vpcId": "vpc-0main", "availabilityZone": "us-east-1b",
                               "cidrBlock": "10.0.102.0/24", "mapPublicIpOnLaunch": "true"}},
            "route_tables": {
                "rtb-0priv": {"routeTableId": "rtb-0priv", "vpcId": "vpc-0main",
                              "associationSet": [{"subnetId": "subnet-0a1", "main": "false"},
                                                 {"subnetId": "subnet-0b2", "main": "false"}],
                              "routeSet": [{"destinationCidrBlock": "10.0.0.0/16", "gatewayId": "local", "state": "active"},
                                           {"destinationCidrBlock": "0.0.0.0/0", "natGatewayId": "nat-0a", "state": "active"}]},
                "rtb-0pub": {"routeTableId": "rtb-0pub", "vpcId": "vpc-0main",
                             "associationSet": [{"subnetId": "subnet-0pa", "main": "false"},
                                                {"subnetId": "subnet-0pb", "main": "false"}],
                             "routeSet": [{"destinationCidrBlock": "10.0.0.0/16", "gatewayId": "local", "state": "active"},
                                          {"destinationCidrBlock": "0.0.0.0/0", "gatewayId": "igw-0main", "state": "active"}]},
                "rtb-0main": {"routeTableId": "rtb-0main", "vpcId": "vpc-0main",
                              "associationSet": [{"main": "true"}],
                              "routeSet": [{"destinationCidrBlock": "10.0.0.0/16", "gatewayId": "local", "state": "active"}]}},
            "nat_gateways": {"nat-0a": {"natGatewayId": "nat-0a", "subnetId": "subnet-0pa", "state": "available"}},
            "internet_gateways": {"igw-0main": {"internetGatewayId": "igw-0main",
                                                "attachmentSet": [{"vpcId": "vpc-0main", "state": "available"}]}},
            "security_groups": {
                "sg-0app": {"groupId": "sg-0app", "vpcId": "vpc-0main", "groupName": "web-app",
                            "ipPermissions": [{"ipProtocol": "tcp", "fromPort": "8080", "toPort": "8080",
                                               "groups": [{"groupId": "sg-0alb"}], "ipRanges": []}],
                            "ipPermissionsEgress": [{"ipProtocol": "-1", "groups": [],
                                                     "ipRanges": [{"cidrIp": "0.0.0.0/0"}]}]},
                "sg-0alb": {"groupId": "sg-0alb", "vpcId": "vpc-0main", "groupName": "web-alb",
                            "ipPermissions": [{"ipProtocol": "tcp", "fromPort": "443", "toPort": "443",
                                               "groups": [], "ipRanges": [{"cidrIp": "0.0.0.0/0"}]}],
                            "ipPermissionsEgress": [{"ipProtocol": "-1", "groups": [],
                                                     "ipRanges": [{"cidrIp": "0.0.0.0/0"}]}]}},
        },
        "logs": {"groups": {LOG_GROUP: {"exists": True, "logGroupName": LOG_GROUP, "retentionInDays": 30,
                                        "storedBytes": 123456789,
                                        "arn": f"arn:aws:logs:{REGION}:{ACCT}:log-group:{LOG_GROUP}:*"}},
                 "streams": {}},
        "images": {IMAGE: {"registry": "ecr", "registryId": ACCT, "repository": "web-service", "tag": "v42",
                           "digest": None, "region": REGION, "exists": True}},
        "secrets": {SECRET_ARN: {"kind": "secretsmanager", "exists": True, "name": "prod/web/db", "arn": SECRET_ARN}},
        "capacity": {"container_instances": [], "capacity_providers": []},
        "scaling": {"scalable_targets": [{
            "ServiceNamespace": "ecs", "ResourceId": f"service/{CLUSTER}/{SVC}",
            "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": 2, "MaxCapacity": 6,
            "CreationTime": NOW - 86400 * 30}], "activities": [], "policies": []},
        "changes": [],
    }


def svc(b):
    return b["services"][0]


def td(b):
    return b["task_definitions"][TD_ARN]


def app(b):
    return td(b)["containerDefinitions"][0]


def set_image(b, ref, tag, digest=None):
    app(b)["image"] = ref
    b["images"] = {ref: {"registry": "ecr", "registryId": ACCT, "repository": "web-service", "tag": tag,
                         "digest": digest, "region": REGION, "exists": True}}


def event(b, ago, msg):
    svc(b)["events"].insert(0, {"id": f"e{ago}", "createdAt": NOW - ago, "message": f"(service {SVC}) {msg}"})


# Each case: name -> (mutation, expected rules that fire, extra rules allowed to fire besides).
CASES = {}


def case(name, fires=(), severity=None, verdict="healthy"):
    def deco(fn):
        CASES[name] = (fn, list(fires), severity, verdict)
        return fn
    return deco


@case("healthy", fires=["reliability.deregistration_delay"])
def _(b):
    # A healthy service that left the target group's deregistration delay at the 300 s default.
    b["elb"]["target_groups"][TG_ARN]["Attributes"]["deregistration_delay.timeout_seconds"] = "300"


@case("clean")
def _(b):
    pass


# --- security.secrets_in_environment
@case("secrets_env_aws_fire", fires=["security.secrets_in_environment"], severity="high")
def _(b):
    app(b)["environment"] += [{"name": "AWS_ACCESS_KEY_ID", "value": "<redacted>"},
                              {"name": "AWS_SECRET_ACCESS_KEY", "value": "<redacted>"}]


@case("secrets_env_generic_fire", fires=["security.secrets_in_environment"], severity="medium")
def _(b):
    app(b)["environment"] += [{"name": "STRIPE_API_KEY", "value": "<redacted>"},
                              {"name": "db_password", "value": "<redacted>"}]


@case("secrets_env_quiet")
def _(b):
    # Names that mention a secret but hold a reference or a setting; the real secret is in `secrets`.
    app(b)["environment"] += [{"name": "DB_SECRET_ARN", "value": SECRET_ARN},
                              {"name": "TOKEN_URL", "value": "<redacted>"},
                              {"name": "PASSWORD_MIN_LENGTH", "value": "<redacted>"},
                              {"name": "API_TOKEN", "value": "arn:aws:ssm:us-east-1:123456789012:parameter/web/token"}]
    app(b)["secrets"] += [{"name": "AWS_SECRET_ACCESS_KEY_FOR_LEGACY", "valueFrom": SECRET_ARN}]


# --- security.no_task_role
@case("no_task_role_fire", fires=["security.no_task_role", "security.secrets_in_environment"])
def _(b):
    del td(b)["taskRoleArn"]
    app(b)["environment"] += [{"name": "AWS_ACCESS_KEY_ID", "value": "<redacted>"},
                              {"name": "AWS_SECRET_ACCESS_KEY", "value": "<redacted>"}]


@case("no_task_role_quiet")
def _(b):
    # No task role, but the application does not call AWS with static keys either.
    del td(b)["taskRoleArn"]


# --- security.execution_role_wildcard
@case("exec_wildcard_fire", fires=["security.execution_role_wildcard"], severity="medium")
def _(b):
    b["iam"]["roles"][EXEC_ROLE]["InlinePolicies"].append({"PolicyName": "everything", "Document": {
        "Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}})


@case("exec_wildcard_service_fire", fires=["security.execution_role_wildcard"], severity="low")
def _(b):
    b["iam"]["roles"][EXEC_ROLE]["AttachedPolicies"].append({
        "PolicyName": "web-s3", "PolicyArn": f"arn:aws:iam::{ACCT}:policy/web-s3", "DefaultVersionId": "v2",
        "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*", "kms:Decrypt"],
                                                             "Resource": "*"}]}})


@case("exec_wildcard_quiet")
def _(b):
    # A Deny on "*" narrows, it does not grant; specific actions are fine.
    b["iam"]["roles"][EXEC_ROLE]["InlinePolicies"].append({"PolicyName": "guard", "Document": {
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Action": "*", "Resource": "*",
             "Condition": {"StringNotEquals": {"aws:RequestedRegion": REGION}}},
            {"Effect": "Allow", "Action": ["ssm:GetParameters", "kms:Decrypt"], "Resource": "*"}]}})


# --- security.public_ip_behind_lb
@case("public_ip_fire", fires=["security.public_ip_behind_lb"])
def _(b):
    svc(b)["networkConfiguration"]["awsvpcConfiguration"].update(
        {"subnets": ["subnet-0pa", "subnet-0pb"], "assignPublicIp": "ENABLED"})


@case("public_ip_quiet")
def _(b):
    # A public IP in a private subnet (no route to an internet gateway) is not reachable from the internet.
    svc(b)["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] = "ENABLED"


@case("public_ip_unknown_routes_quiet")
def _(b):
    # Public IPs on load-balanced tasks, but the route tables were not described: unknown, not public.
    svc(b)["networkConfiguration"]["awsvpcConfiguration"].update(
        {"subnets": ["subnet-0pa", "subnet-0pb"], "assignPublicIp": "ENABLED"})
    del b["network"]["route_tables"]
    b["sources"]["ec2.route_tables"] = {"status": "denied", "calls": 1,
                                        "errors": [{"action": "ec2:DescribeRouteTables"}]}


# --- security.privileged
@case("privileged_fire", fires=["security.privileged"], severity="medium")
def _(b):
    svc(b)["launchType"] = "EC2"
    td(b)["requiresCompatibilities"] = ["EC2"]
    app(b)["privileged"] = True


@case("privileged_quiet")
def _(b):
    app(b)["privileged"] = False


# --- security.root_user
@case("root_user_fire", fires=["security.root_user"], severity="info")
def _(b):
    app(b)["user"] = "0:0"


@case("root_user_unset_fire", fires=["security.root_user"], severity="info")
def _(b):
    del app(b)["user"]


@case("root_user_quiet")
def _(b):
    app(b)["user"] = "nobody"


# --- reliability.circuit_breaker
@case("circuit_breaker_fire", fires=["reliability.circuit_breaker"], severity="low")
def _(b):
    svc(b)["deploymentConfiguration"]["deploymentCircuitBreaker"] = {"enable": True, "rollback": False}


@case("circuit_breaker_absent_fire", fires=["reliability.circuit_breaker"], severity="low")
def _(b):
    del svc(b)["deploymentConfiguration"]["deploymentCircuitBreaker"]


@case("circuit_breaker_quiet")
def _(b):
    # Blue/green deployments through CodeDeploy have their own rollback; the breaker does not apply.
    svc(b)["deploymentController"] = {"type": "CODE_DEPLOY"}
    del svc(b)["deploymentConfiguration"]["deploymentCircuitBreaker"]


# --- reliability.single_az
@case("single_az_fire", fires=["reliability.single_az"], severity="low")
def _(b):
    # Both service subnets in us-east-1a; subnet-0c3 (us-east-1b, same private route table) is free.
    b["network"]["subnets"]["subnet-0b2"]["availabilityZone"] = "us-east-1a"
    b["network"]["subnets"]["subnet-0c3"] = {"subnetId": "subnet-0c3", "vpcId": "vpc-0main",
                                            "availabilityZone": "us-east-1b", "cidrBlock": "10.0.3.0/24",
                                            "mapPublicIpOnLaunch": "false"}
    b["network"]["route_tables"]["rtb-0priv"]["associationSet"].append({"subnetId": "subnet-0c3", "main": "false"})


@case("single_az_quiet")
def _(b):
    # Subnets not described (ec2.subnets denied): unknown is not "one zone".
    b["network"]["subnets"] = {}
    b["sources"]["ec2.subnets"] = {"status": "denied", "calls": 1, "errors": [{"action": "ec2:DescribeSubnets"}]}
    for t in b["tasks"]:
        t.pop("availabilityZone", None)


# --- reliability.container_health_check
@case("health_check_fire", fires=["reliability.container_health_check"])
def _(b):
    del app(b)["healthCheck"]


@case("health_check_quiet")
def _(b):
    # A non-essential sidecar without a health check is fine.
    td(b)["containerDefinitions"].append({"name": "xray", "image": "public.ecr.aws/xray/aws-xray-daemon:3.3.9",
                                          "essential": False, "user": "1337", "memoryReservation": 64})


# --- reliability.grace_period
@case("grace_period_fire", fires=["reliability.grace_period"], severity="low")
def _(b):
    svc(b)["healthCheckGracePeriodSeconds"] = 0
    app(b)["healthCheck"]["startPeriod"] = 120


# Tasks that failed ELB health checks are also a diagnosis (elb.health_check_failed): no verdict claim.
@case("grace_period_elb_fire", fires=["reliability.grace_period"], verdict=None)
def _(b):
    del svc(b)["healthCheckGracePeriodSeconds"]
    event(b, 300, f"(task 0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c09) failed ELB health checks in (target-group {TG_ARN})")


@case("grace_period_quiet")
def _(b):
    # No grace period, but nothing says the tasks start slowly.
    svc(b)["healthCheckGracePeriodSeconds"] = 0


# --- reliability.deregistration_delay
@case("dereg_delay_fire", fires=["reliability.deregistration_delay"], severity="info")
def _(b):
    b["elb"]["target_groups"][TG_ARN]["Attributes"]["deregistration_delay.timeout_seconds"] = "300"


@case("dereg_delay_quiet")
def _(b):
    # The 300 s default on a slow-starting service: draining is not what makes deployments slow.
    b["elb"]["target_groups"][TG_ARN]["Attributes"]["deregistration_delay.timeout_seconds"] = "300"
    for t in b["tasks"]:
        t["startedAt"] = t["createdAt"] + 400


# --- reliability.single_task
@case("single_task_fire", fires=["reliability.single_task"], severity="low")
def _(b):
    svc(b)["desiredCount"] = svc(b)["runningCount"] = 1
    svc(b)["deploymentConfiguration"].update({"minimumHealthyPercent": 100, "maximumPercent": 200})
    b["tasks"] = b["tasks"][:1]
    b["scaling"]["scalable_targets"][0]["MinCapacity"] = 1


@case("single_task_quiet")
def _(b):
    # One task of a queue worker (no load balancer) is a capacity choice, not a single point of failure.
    svc(b)["desiredCount"] = svc(b)["runningCount"] = 1
    svc(b)["loadBalancers"] = []
    del svc(b)["healthCheckGracePeriodSeconds"]
    b["tasks"] = b["tasks"][:1]
    b["scaling"]["scalable_targets"][0]["MinCapacity"] = 1


# --- reliability.deployment_percentages
@case("deploy_pct_fire", fires=["reliability.deployment_percentages"], severity="medium")
def _(b):
    svc(b)["deploymentConfiguration"].update({"minimumHealthyPercent": 100, "maximumPercent": 100})


@case("deploy_pct_rounding_fire", fires=["reliability.deployment_percentages", "reliability.single_task"])
def _(b):
    # One task, 50 % minimum (rounds up to 1) and 100 % maximum: nothing can be stopped or started.
    svc(b)["desiredCount"] = svc(b)["runningCount"] = 1
    svc(b)["deploymentConfiguration"].update({"minimumHealthyPercent": 50, "maximumPercent": 100})
    b["tasks"] = b["tasks"][:1]
    b["scaling"]["scalable_targets"][0]["MinCapacity"] = 1


@case("deploy_pct_quiet")
def _(b):
    # Two tasks, 50 % minimum: ECS may stop one old task first, so the deployment progresses.
    svc(b)["deploymentConfiguration"].update({"minimumHealthyPercent": 50, "maximumPercent": 100})


# --- cost.mutable_image_tag
@case("mutable_tag_fire", fires=["cost.mutable_image_tag"], severity="low")
def _(b):
    set_image(b, f"{ACCT}.dkr.ecr.{REGION}.amazonaws.com/web-service:latest", "latest")


@case("mutable_tag_untagged_fire", fires=["cost.mutable_image_tag"])
def _(b):
    set_image(b, f"{ACCT}.dkr.ecr.{REGION}.amazonaws.com/web-service", None)


@case("mutable_tag_quiet")
def _(b):
    # Pinned by digest: the tag is informational.
    set_image(b, f"{ACCT}.dkr.ecr.{REGION}.amazonaws.com/web-service:latest@sha256:"
                 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "latest",
              "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")


# --- cost.memory_headroom
@case("memory_headroom_fire", fires=["cost.memory_headroom"])
def _(b):
    del app(b)["memoryReservation"]
    app(b)["memory"] = 1024


@case("memory_headroom_quiet")
def _(b):
    app(b)["memory"] = 1024
    app(b)["memoryReservation"] = 768


# --- cost.fargate_spot
@case("fargate_spot_fire", fires=["cost.fargate_spot"], severity="info")
def _(b):
    svc(b)["desiredCount"] = svc(b)["runningCount"] = 4


@case("fargate_spot_quiet")
def _(b):
    svc(b)["desiredCount"] = svc(b)["runningCount"] = 4
    del svc(b)["launchType"]
    svc(b)["capacityProviderStrategy"] = [{"capacityProvider": "FARGATE", "base": 2, "weight": 1},
                                          {"capacityProvider": "FARGATE_SPOT", "base": 0, "weight": 1}]


# --- cost.autoscaling
@case("autoscaling_fire", fires=["cost.autoscaling"], severity="low")
def _(b):
    b["scaling"]["scalable_targets"] = []
    event(b, 7200, "has started 6 tasks: (task a) (task b) (task c) (task d) (task e) (task f).")
    event(b, 3600, "has stopped 4 running tasks: (task a) (task b) (task c) (task d).")
    b["changes"] = [
        {"EventName": "UpdateService", "EventTime": NOW - 3700, "Username": "oncall",
         "requestParameters": {"cluster": CLUSTER, "service": SVC, "desiredCount": 2}},
        {"EventName": "UpdateService", "EventTime": NOW - 7300, "Username": "oncall",
         "requestParameters": {"cluster": CLUSTER, "service": SVC, "desiredCount": 8}}]


@case("autoscaling_quiet")
def _(b):
    # No scalable target, but the desired count never moved: nothing to automate.
    b["scaling"]["scalable_targets"] = []


# --- cost.log_retention
@case("log_retention_fire", fires=["cost.log_retention"], severity="low")
def _(b):
    del b["logs"]["groups"][LOG_GROUP]["retentionInDays"]


@case("log_retention_quiet")
def _(b):
    # The group was not described (logs denied): unknown, not "never expires".
    b["logs"] = {}
    b["sources"]["logs"] = {"status": "denied", "calls": 1, "errors": [{"action": "logs:DescribeLogGroups"}]}


# --- scope: absent sections, cluster targets, task targets
@case("minimal", verdict=None)
def _(b):
    # Only what every bundle has: every rule must stay silent (and not error) on absent sections.
    for k in list(b):
        if k not in ("schema", "tool", "collected_at", "window", "redacted", "target", "sources"):
            del b[k]
    b["sources"] = {s: {"status": "denied", "calls": 1, "errors": [{"action": "x:Denied"}]} for s in SOURCES}


WORKER_TD = f"arn:aws:ecs:{REGION}:{ACCT}:task-definition/worker:7"


@case("cluster_scope", fires=["reliability.container_health_check", "security.root_user"])
def _(b):
    # A cluster target: the clean web service plus a queue worker on EC2 whose container has no
    # health check and no user. Findings name the worker, not the web service.
    b["target"].update({"kind": "cluster", "services": [SVC, "worker"]})
    del b["target"]["service"]
    w = copy.deepcopy(svc(b))
    w.update({"serviceName": "worker", "serviceArn": SVC_ARN.replace(SVC, "worker"), "taskDefinition": WORKER_TD,
              "loadBalancers": [], "launchType": "EC2", "desiredCount": 2, "runningCount": 2})
    del w["healthCheckGracePeriodSeconds"]
    w["networkConfiguration"] = {}
    b["services"].append(w)
    wt = copy.deepcopy(td(b))
    wt.update({"taskDefinitionArn": WORKER_TD, "family": "worker", "revision": 7, "networkMode": "bridge",
               "requiresCompatibilities": ["EC2"]})
    c = wt["containerDefinitions"][0]
    c.update({"name": "worker", "memoryReservation": 256})
    for k in ("healthCheck", "user", "portMappings"):
        c.pop(k, None)
    b["task_definitions"][WORKER_TD] = wt


@case("task_target", fires=["cost.mutable_image_tag"])
def _(b):
    # A task target: no services section; rules read the task's own task definition.
    b["target"] = {"kind": "task", "cluster": CLUSTER, "cluster_arn": CLUSTER_ARN, "task": "0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c01",
                   "region": REGION, "account": ACCT, "partition": "aws"}
    del b["services"]
    b["tasks"] = b["tasks"][:1]
    set_image(b, "nginx:latest", "latest")
    b["images"]["nginx:latest"]["registry"] = "dockerhub"


def main():
    for f in os.listdir(HERE):
        if f.endswith(".json"):
            os.remove(os.path.join(HERE, f))
    for name, (fn, fires, severity, verdict) in CASES.items():
        b = base()
        fn(b)
        with open(os.path.join(HERE, name + ".json"), "w") as f:
            json.dump(b, f, indent=1, sort_keys=False)
            f.write("\n")
        exp = {"findings": [], "absent": [r for r in RULES if r not in fires]}
        # Recommendations never change the verdict: every fixture is a healthy service.
        if verdict:
            exp["verdict"] = verdict
        for r in fires:
            e = {"check": r, "category": "best_practice", "kind": "recommendation", "min_count": 1}
            if severity and r == fires[0]:
                e["severity"] = severity
            exp["findings"].append(e)
        with open(os.path.join(HERE, name + ".expect.json"), "w") as f:
            json.dump(exp, f, indent=1)
            f.write("\n")
    print(f"{len(CASES)} fixtures written to {HERE}")


if __name__ == "__main__":
    main()
