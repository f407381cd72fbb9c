#!/usr/bin/python3
"""Generates one fake-AWS scenario per network/registry/secrets/iam/logs/storage
category: tests/fakeaws/scenarios/<category>.json (format: tests/fakeaws, the
fields of `aws --output json`), plus tests/checks/net/scenarios.expect.json
with what the live end-to-end run must show (top-ranked category, ids the
remediation must name, the message the evidence must quote).

One account is the base: us-east-1, cluster prod, Fargate service web-service
in two private subnets behind a NAT gateway, task definition web-service:7
pulling from ECR with a Secrets Manager secret and awslogs. Each scenario
breaks one thing and makes the stopped tasks fail with AWS's message for it.
Run: /usr/bin/python3 tests/checks/net/make_scenarios.py
"""
import copy
import json
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
ACCT, REGION = "123456789012", "us-east-1"
VPC, IGW, NAT = "vpc-0a1b2c3d4e5f60001", "igw-0f1e2d3c4b5a60001", "nat-0123456789abcdef0"
SUB_A, SUB_B, SUB_PUB = "subnet-0aa11bb22cc33dd01", "subnet-0aa11bb22cc33dd02", "subnet-0aa11bb22cc33dd11"
RTB_MAIN, RTB_PUB, RTB_PRIV = "rtb-0c0ffee0000000001", "rtb-0c0ffee0000000002", "rtb-0c0ffee0000000003"
SG_TASK, SG_EP = "sg-0a1b2c3d4e5f00002", "sg-0a1b2c3d4e5f00003"
ROLE = "ecsTaskExecutionRole"
IMAGE = f"{ACCT}.dkr.ecr.{REGION}.amazonaws.com/web-service:v1.5.0"
SECRET_DB = f"arn:aws:secretsmanager:{REGION}:{ACCT}:secret:prod/web-service/db"
FS = "fs-0a1b2c3d4e5f6a7b8"


def base():
    td = {"family": "web-service", "revision": 7, "registeredAt": "-50m", "cpu": "512", "memory": "1024",
          "executionRoleArn": ROLE, "taskRoleArn": "web-service-task-role",
          "containerDefinitions": [{"name": "web", "image": IMAGE,
                                    "portMappings": [{"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"}],
                                    "logConfiguration": {"logDriver": "awslogs", "options": {
                                        "awslogs-group": "/ecs/web-service", "awslogs-region": REGION,
                                        "awslogs-stream-prefix": "ecs"}},
                                    "secrets": [{"name": "DB_PASSWORD", "valueFrom": SECRET_DB}]}]}
    return {
        "description": "",
        "account": ACCT, "region": REGION,
        "ec2": {
            "vpcs": [{"VpcId": VPC, "Name": "prod-vpc", "CidrBlock": "10.0.0.0/16"}],
            "subnets": [
                {"SubnetId": SUB_A, "Name": "prod-private-a", "VpcId": "prod-vpc", "CidrBlock": "10.0.1.0/24",
                 "AvailabilityZone": "us-east-1a", "AvailabilityZoneId": "use1-az1"},
                {"SubnetId": SUB_B, "Name": "prod-private-b", "VpcId": "prod-vpc", "CidrBlock": "10.0.2.0/24",
                 "AvailabilityZone": "us-east-1b", "AvailabilityZoneId": "use1-az2"},
                {"SubnetId": SUB_PUB, "Name": "prod-public-a", "VpcId": "prod-vpc", "CidrBlock": "10.0.101.0/24",
                 "AvailabilityZone": "us-east-1a", "AvailabilityZoneId": "use1-az1", "MapPublicIpOnLaunch": True}],
            "internetGateways": [{"InternetGatewayId": IGW, "Name": "prod-igw", "VpcId": "prod-vpc"}],
            "natGateways": [{"NatGatewayId": NAT, "Name": "prod-nat-a", "SubnetId": "prod-public-a"}],
            "routeTables": [
                {"RouteTableId": RTB_MAIN, "Name": "prod-main", "VpcId": "prod-vpc", "Main": True},
                {"RouteTableId": RTB_PUB, "Name": "prod-public", "VpcId": "prod-vpc", "Subnets": ["prod-public-a"],
                 "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "prod-igw"}]},
                {"RouteTableId": RTB_PRIV, "Name": "prod-private", "VpcId": "prod-vpc",
                 "Subnets": ["prod-private-a", "prod-private-b"],
                 "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "prod-nat-a"}]}],
            "vpcEndpoints": [],
            "securityGroups": [
                {"GroupId": SG_TASK, "GroupName": "web-service-sg", "Name": "web-service-sg",
                 "Description": "web-service tasks", "VpcId": "prod-vpc",
                 "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
                                    "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]},
                {"GroupId": SG_EP, "GroupName": "prod-endpoints-sg", "Name": "prod-endpoints-sg",
                 "Description": "interface endpoints", "VpcId": "prod-vpc",
                 "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                                    "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]}],
            "networkAcls": [{"NetworkAclId": "acl-0a1b2c3d4e5f00001", "VpcId": "prod-vpc",
                             "Subnets": ["prod-private-a", "prod-private-b", "prod-public-a"]}]},
        "iam": {"roles": [
            {"RoleName": ROLE, "AttachedPolicies": ["AmazonECSTaskExecutionRolePolicy"],
             "InlinePolicies": {"read-web-service-secrets": {"Version": "2012-10-17", "Statement": [
                 {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"],
                  "Resource": f"arn:aws:secretsmanager:{REGION}:{ACCT}:secret:prod/web-service/*"}]}}},
            {"RoleName": "web-service-task-role", "InlinePolicies": {}}]},
        "ecr": {"repositories": [{"repositoryName": "web-service", "images": [
            {"imageTags": ["v1.5.0"], "imagePushedAt": "-50m",
             "imageDigest": "sha256:9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0"}]}]},
        "secretsmanager": {"secrets": [{"Name": "prod/web-service/db"}]},
        "ssm": {"parameters": []},
        "ecs": {
            "clusters": [{"clusterName": "prod"}],
            "taskDefinitions": [td],
            "services": [{
                "cluster": "prod", "serviceName": "web-service", "taskDefinition": "web-service:7",
                "desiredCount": 2, "launchType": "FARGATE", "platformVersion": "LATEST", "createdAt": "-120d",
                "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["prod-private-a", "prod-private-b"],
                                                                 "securityGroups": ["web-service-sg"],
                                                                 "assignPublicIp": "DISABLED"}},
                "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": True, "rollback": True},
                                            "maximumPercent": 200, "minimumHealthyPercent": 50},
                "deployments": [{"id": "ecs-svc/8842170915023345161", "status": "PRIMARY",
                                 "taskDefinition": "web-service:7", "desiredCount": 2, "runningCount": 0,
                                 "pendingCount": 0, "failedTasks": 4, "createdAt": "-48m", "updatedAt": "-2m",
                                 "rolloutState": "IN_PROGRESS"}],
                "events": [
                    {"createdAt": "-2m", "message": "(service web-service) has started 1 tasks: (task 5d1e8a7c2b3f4e6a9c0d1e2f3a4b5c6d)."},
                    {"createdAt": "-6h", "message": "(service web-service) has reached a steady state."}]}],
            "tasks": []},
        "logs": {"logGroups": [{"logGroupName": "/ecs/web-service", "retentionInDays": 30}]},
    }


def fail(sc, reason, container_reason=None, count=4):
    t = {"cluster": "prod", "service": "web-service", "count": count, "taskDefinitionArn": "web-service:7",
         "startedBy": "ecs-svc/8842170915023345161", "lastStatus": "STOPPED", "desiredStatus": "STOPPED",
         "stopCode": "TaskFailedToStart", "stoppedReason": reason}
    if container_reason:
        img = sc["ecs"]["taskDefinitions"][0]["containerDefinitions"][0]["image"]
        t["containers"] = [{"name": "web", "image": img, "lastStatus": "STOPPED", "reason": container_reason}]
    sc["ecs"]["tasks"].append(t)


PULL_TIMEOUT = (f"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref {IMAGE}: "
                f"failed to do request: Head \"https://{ACCT}.dkr.ecr.{REGION}.amazonaws.com/v2/web-service/manifests/v1.5.0\": "
                "dial tcp 3.227.250.200:443: i/o timeout")


def scenarios():
    out = []

    sc = base()
    sc["description"] = "web-service cannot pull from ECR: the private route table lost its 0.0.0.0/0 route to the NAT gateway and the VPC has no ECR/S3 endpoints."
    sc["ec2"]["routeTables"][2]["Routes"] = []
    fail(sc, PULL_TIMEOUT, PULL_TIMEOUT)
    out.append(("network_no_route", sc, [RTB_PRIV, NAT], "i/o timeout"))

    sc = base()
    sc["description"] = "The route to the NAT gateway is fine, but web-service-sg allows egress only to PostgreSQL inside the VPC, so the pull times out."
    sc["ec2"]["securityGroups"][0]["IpPermissionsEgress"] = [
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]
    fail(sc, PULL_TIMEOUT, PULL_TIMEOUT)
    out.append(("security_group_egress_blocked", sc, [SG_TASK, "authorize-security-group-egress"], "i/o timeout"))

    sc = base()
    sc["description"] = "A NAT-less VPC with ECR/Logs/Secrets Manager interface endpoints but no S3 gateway endpoint: image layers (served from S3) time out."
    sc["ec2"]["routeTables"][2]["Routes"] = []
    sc["ec2"]["natGateways"] = []
    for i, svc in enumerate(["ecr.api", "ecr.dkr", "logs", "secretsmanager"]):
        sc["ec2"]["vpcEndpoints"].append({"VpcEndpointId": f"vpce-0e{i}d{i}c{i}b{i}a{i}90001", "Name": "prod-" + svc,
                                          "VpcId": "prod-vpc", "ServiceName": f"com.amazonaws.{REGION}.{svc}",
                                          "SubnetIds": ["prod-private-a", "prod-private-b"],
                                          "Groups": [{"GroupId": "prod-endpoints-sg", "GroupName": "prod-endpoints-sg"}]})
    layer = ("CannotPullContainerError: ref pull has been retried 1 time(s): failed to copy: httpReaderSeeker: failed open: "
             "failed to do request: Get \"https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/"
             "b7a4c2-123456789012-1f2e3d4c/3c9d1e2f-6a7b-4c8d-9e0f-1a2b3c4d5e6f\": dial tcp 52.217.139.40:443: i/o timeout")
    fail(sc, layer, layer)
    out.append(("vpc_endpoint_misconfigured", sc, [RTB_PRIV, VPC, "--vpc-endpoint-type Gateway"], "starport-layer-bucket"))

    sc = base()
    sc["description"] = "Both private subnets are out of addresses: new task ENIs cannot be created."
    for s in sc["ec2"]["subnets"][:2]:
        s["AvailableIpAddressCount"] = 0
    msg = "InsufficientFreeAddressesInSubnet: The specified subnet does not have enough free addresses to satisfy the request."
    sc["ecs"]["services"][0]["events"].insert(0, {"createdAt": "-1m", "message": "(service web-service) was unable to place a task. Reason: " + msg})
    out.append(("subnet_ip_exhausted", sc, [SUB_A, SUB_B, VPC], "InsufficientFreeAddressesInSubnet"))

    sc = base()
    sc["description"] = "Task ENIs are not provisioned in time (the subnets have free addresses)."
    fail(sc, "Timeout waiting for network interface provisioning to complete.", count=3)
    out.append(("eni_provisioning_failed", sc, ["L-DF5E4CA3"], "Timeout waiting for network interface provisioning"))

    sc = base()
    sc["description"] = "The execution role lost AmazonECSTaskExecutionRolePolicy: ECR refuses the pull."
    sc["iam"]["roles"][0]["AttachedPolicies"] = []
    sc["iam"]["roles"][0]["InlinePolicies"]["logs"] = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]}
    denied = ("CannotPullContainerError: The task can’t pull the image. Check that the role has the permissions to pull images "
              f"from the registry. Error response from daemon: pull access denied for {ACCT}.dkr.ecr.{REGION}.amazonaws.com/web-service, "
              f"repository does not exist or may require 'docker login': denied: User: arn:aws:sts::{ACCT}:assumed-role/{ROLE}/"
              "5d1e8a7c2b3f4e6a9c0d1e2f3a4b5c6d is not authorized to perform: ecr:BatchGetImage on resource: "
              f"arn:aws:ecr:{REGION}:{ACCT}:repository/web-service because no identity-based policy allows the ecr:BatchGetImage action")
    fail(sc, denied, denied)
    out.append(("registry_auth_failed", sc, [ROLE, "AmazonECSTaskExecutionRolePolicy"], "is not authorized to perform: ecr:BatchGetImage"))

    sc = base()
    sc["description"] = "The service moved to nginx from Docker Hub and hits the anonymous pull rate limit."
    sc["ecs"]["taskDefinitions"][0]["containerDefinitions"][0]["image"] = "nginx:1.25.3"
    rl = ("CannotPullContainerError: inspect image has been retried 1 time(s): httpReaderSeeker: failed open: unexpected status "
          "code https://registry-1.docker.io/v2/library/nginx/manifests/sha256:2bdc49f2f8ae8d8dc50ed00f2ee56d00385c6f8bc8a8b320d0a294d9e3b49026: "
          "429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase "
          "the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit")
    fail(sc, rl, rl)
    out.append(("registry_rate_limited", sc, ["create-pull-through-cache-rule", ACCT], "toomanyrequests"))

    sc = base()
    sc["description"] = "The task definition asks for ARM64 but the image was built for linux/amd64 only."
    sc["ecs"]["taskDefinitions"][0]["runtimePlatform"] = {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"}
    plat = "CannotPullContainerError: image Manifest does not contain descriptor matching platform 'linux/arm64/v8'"
    fail(sc, plat, plat)
    out.append(("image_platform_mismatch", sc, [IMAGE, "cpuArchitecture=X86_64"], "does not contain descriptor matching platform"))

    sc = base()
    sc["description"] = "The execution role's inline policy that allowed reading the service's secrets was deleted."
    sc["iam"]["roles"][0]["InlinePolicies"] = {}
    sm = ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "
          "unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret "
          f"{SECRET_DB} from secrets manager: AccessDeniedException: User: arn:aws:sts::{ACCT}:assumed-role/{ROLE}/"
          f"5d1e8a7c2b3f4e6a9c0d1e2f3a4b5c6d is not authorized to perform: secretsmanager:GetSecretValue on resource: {SECRET_DB} "
          "because no identity-based policy allows the secretsmanager:GetSecretValue action status code: 400, request id: "
          "2b8f0c1e-9d7a-4e6b-a5c4-3d2e1f0a9b8c")
    fail(sc, sm)
    out.append(("secrets_access_denied", sc, [ROLE, SECRET_DB], "is not authorized to perform: secretsmanager:GetSecretValue"))

    sc = base()
    sc["description"] = "The task definition references a secret that was never created."
    missing = f"arn:aws:secretsmanager:{REGION}:{ACCT}:secret:prod/web-service/api-token"
    sc["ecs"]["taskDefinitions"][0]["containerDefinitions"][0]["secrets"].append({"name": "API_TOKEN", "valueFrom": missing})
    nf = ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable "
          f"to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret {missing} from "
          "secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret. status code: 400, "
          "request id: 8d7c6b5a-4f3e-4d2c-b1a0-9f8e7d6c5b4a")
    fail(sc, nf)
    out.append(("secret_not_found", sc, [missing], "Secrets Manager can't find the specified secret"))

    sc = base()
    sc["description"] = "The execution role's trust policy was replaced with one for EC2."
    sc["iam"]["roles"][0]["AssumeRolePolicyDocument"] = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    assume = (f"ECS was unable to assume the role 'arn:aws:iam::{ACCT}:role/{ROLE}' that was provided for this task. Please "
              "verify that the role being passed has the proper trust relationship and permissions and that your IAM user "
              "has permissions to pass this role.")
    fail(sc, assume)
    out.append(("execution_role_invalid", sc, [ROLE, "update-assume-role-policy"], "ECS was unable to assume the role"))

    sc = base()
    sc["description"] = "The task definition writes to /ecs/web-service-prod, a log group that does not exist."
    sc["ecs"]["taskDefinitions"][0]["containerDefinitions"][0]["logConfiguration"]["options"]["awslogs-group"] = "/ecs/web-service-prod"
    lg = ("ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to "
          "create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1")
    fail(sc, lg)
    out.append(("log_configuration_error", sc, ["/ecs/web-service-prod", "create-log-group"], "The specified log group does not exist"))

    sc = base()
    sc["description"] = "The EFS mount targets' security group does not admit NFS from the tasks."
    sc["ecs"]["taskDefinitions"][0]["volumes"] = [{"name": "shared-data", "efsVolumeConfiguration": {
        "fileSystemId": FS, "rootDirectory": "/", "transitEncryption": "ENABLED"}}]
    efs = ("ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: "
           "b'mount.nfs4: Connection timed out' : unsuccessful EFS utils command execution; code: 32")
    fail(sc, efs)
    out.append(("efs_mount_failed", sc, [FS, SG_TASK, "2049"], "mount.nfs4: Connection timed out"))
    return out


def main():
    expect = {}
    d = os.path.join(ROOT, "tests", "fakeaws", "scenarios")
    for cat, sc, mentions, quote in scenarios():
        with open(os.path.join(d, cat + ".json"), "w") as f:
            json.dump(sc, f, indent=1, ensure_ascii=False)
            f.write("\n")
        expect[cat] = {"top_category": cat, "remediation_mentions": mentions, "evidence_quotes": quote}
    with open(os.path.join(ROOT, "tests", "checks", "net", "scenarios.expect.json"), "w") as f:
        json.dump(expect, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(expect)} scenarios", file=sys.stderr)


if __name__ == "__main__":
    main()
