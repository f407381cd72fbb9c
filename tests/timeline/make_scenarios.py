#!/usr/bin/python3
"""Writes the time-dimension scenarios (issue 12) into tests/fakeaws/scenarios/.

Each one is a catalog scenario (the failure the checks already diagnose) plus
the CloudTrail change that caused it, dated before the first failure, and a
few unrelated changes as distractors; memory_rising is healthy.json with OOM
stops and a MemoryUtilization series climbing to 100 %. Run it after editing
and commit the output:  /usr/bin/python3 tests/timeline/make_scenarios.py
"""
import copy
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCEN = os.path.join(ROOT, "tests", "fakeaws", "scenarios")
ACCOUNT = "123456789012"


def load(name):
    with open(os.path.join(SCEN, name + ".json")) as f:
        return json.load(f)


def save(name, sc):
    with open(os.path.join(SCEN, name + ".json"), "w") as f:
        json.dump(sc, f, indent=1, ensure_ascii=False)
        f.write("\n")


def trail(name, source, when, username, identity, resources, params, agent, ip="203.0.113.17", error=None):
    """One LookupEvents Event with its CloudTrailEvent record."""
    record = {"eventVersion": "1.08", "userIdentity": identity, "eventSource": source, "eventName": name,
              "awsRegion": "us-east-1", "sourceIPAddress": ip, "userAgent": agent,
              "requestParameters": params, "responseElements": None, "readOnly": False,
              "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": ACCOUNT}
    if error:
        record["errorCode"] = error
        record["errorMessage"] = "denied"
    return {"EventName": name, "EventSource": source, "EventTime": when, "Username": username,
            "Resources": resources, "CloudTrailEvent": json.dumps(record)}


def user(name):
    return {"type": "IAMUser", "principalId": "AIDAEXAMPLE" + name.upper(), "userName": name,
            "arn": f"arn:aws:iam::{ACCOUNT}:user/{name}", "accountId": ACCOUNT}


def assumed(role, session):
    return {"type": "AssumedRole", "principalId": "AROAEXAMPLE:" + session,
            "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}", "accountId": ACCOUNT,
            "sessionContext": {"sessionIssuer": {"type": "Role", "userName": role,
                                                 "arn": f"arn:aws:iam::{ACCOUNT}:role/{role}"}}}


CONSOLE = "console.ec2.amazonaws.com"
CLI = "aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64.amzn.2 prompt/off command/iam.detach-role-policy"
TERRAFORM = "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.40.0"

# Distractors: real-looking changes to the same account that did not cause
# the failure (an older deploy, a change to another group).
def distractors():
    return [
        trail("UpdateService", "ecs.amazonaws.com", "-50m", "deploy-bot", assumed("deploy-bot", "gha-8812"),
              [{"ResourceType": "AWS::ECS::Service", "ResourceName": "web-service"}],
              {"cluster": "prod", "service": "web-service", "taskDefinition": "web-service:7", "forceNewDeployment": False},
              "aws-sdk-go-v2/1.25.2 os/linux lang/go#1.22.1 api/ecs#1.41.1"),
        trail("AuthorizeSecurityGroupIngress", "ec2.amazonaws.com", "-2h", "terraform-ci", assumed("terraform-ci", "tf-331"),
              [{"ResourceType": "AWS::EC2::SecurityGroup", "ResourceName": "sg-0a1b2c3d4e5f00003"}],
              {"groupId": "sg-0a1b2c3d4e5f00003", "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 443, "toPort": 443,
               "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}}]}}, TERRAFORM),
    ]


def stop_times(sc, first="-18m"):
    """Dates the failing tasks: the first one stops at `first`, the rest after."""
    for t in sc["ecs"]["tasks"]:
        if t.get("lastStatus") == "STOPPED":
            t["createdAt"] = "-19m"
            t["startedAt"] = "-19m"
            t["stoppedAt"] = first


def change_deleted_nat_route():
    sc = load("network_no_route")
    sc["description"] = ("alice deleted the private route table's 0.0.0.0/0 -> NAT route from the console 12 minutes "
                         "before the first pull timed out; the VPC has no ECR/S3 endpoints, so every new task fails "
                         "to pull. An older deploy and an ALB security-group change are distractors.")
    stop_times(sc)
    sc["cloudtrail"] = {"events": distractors() + [
        trail("DeleteRoute", "ec2.amazonaws.com", "-30m", "alice", user("alice"),
              [{"ResourceType": "AWS::EC2::RouteTable", "ResourceName": "rtb-0c0ffee0000000003"}],
              {"routeTableId": "rtb-0c0ffee0000000003", "destinationCidrBlock": "0.0.0.0/0"}, CONSOLE),
    ]}
    save("change_deleted_nat_route", sc)


def change_detached_exec_policy():
    sc = load("registry_auth_failed")
    sc["description"] = ("bob (assumed role Admin, aws-cli) detached AmazonECSTaskExecutionRolePolicy from "
                         "ecsTaskExecutionRole 20 minutes before the first pull was refused with AccessDenied.")
    stop_times(sc)
    policy = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    sc["cloudtrail"] = {"events": distractors() + [
        trail("DetachRolePolicy", "iam.amazonaws.com", "-38m", "bob", assumed("Admin", "bob"),
              [{"ResourceType": "AWS::IAM::Policy", "ResourceName": policy},
               {"ResourceType": "AWS::IAM::Role", "ResourceName": "ecsTaskExecutionRole"}],
              {"roleName": "ecsTaskExecutionRole", "policyArn": policy}, CLI, ip="198.51.100.23"),
    ]}
    save("change_detached_exec_policy", sc)


def change_tightened_sg():
    sc = load("security_group_egress_blocked")
    sc["description"] = ("carol's Terraform run revoked web-service-sg's allow-all egress 15 minutes before pulls "
                         "started timing out; the NAT route is present.")
    stop_times(sc)
    sc["cloudtrail"] = {"events": distractors() + [
        trail("RevokeSecurityGroupEgress", "ec2.amazonaws.com", "-33m", "carol", user("carol"),
              [{"ResourceType": "AWS::EC2::SecurityGroup", "ResourceName": "sg-0a1b2c3d4e5f00002"}],
              {"groupId": "sg-0a1b2c3d4e5f00002", "ipPermissions": {"items": [{"ipProtocol": "-1",
               "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}}]}}, TERRAFORM),
    ]}
    save("change_tightened_sg", sc)


def memory_rising():
    sc = load("healthy")
    sc["description"] = ("web-service's memory utilisation climbs from 55 % to 100 % over 40 minutes (a leak); "
                         "tasks are OOM-killed (exit 137, OutOfMemoryError) once it reaches the limit.")
    sc["ecs"]["tasks"].append({
        "cluster": "prod", "service": "web-service", "count": 3, "lastStatus": "STOPPED", "desiredStatus": "STOPPED",
        "createdAt": "-3h", "startedAt": "-3h", "stoppedAt": "-6m", "stopCode": "EssentialContainerExited",
        "stoppedReason": "Essential container in task exited",
        "containers": [{"name": "web", "exitCode": 137, "lastStatus": "STOPPED",
                        "reason": "OutOfMemoryError: Container killed due to memory usage"}]})
    svc = sc["ecs"]["services"][0]
    svc["events"] = [{"createdAt": "-5m", "message": "(service web-service) has started 2 tasks: (task aaaa1111bbbb2222cccc3333dddd4444) (task eeee5555ffff6666aaaa7777bbbb8888)."}] + svc.get("events", [])
    values = [round(55 + 45 * (i / 39.0) ** 1.3, 1) for i in range(40)]
    sc["cloudwatch"] = {"metrics": [
        {"Namespace": "AWS/ECS", "MetricName": "MemoryUtilization",
         "Dimensions": {"ClusterName": "prod", "ServiceName": "web-service"}, "Period": 60, "Values": values},
        {"Namespace": "AWS/ECS", "MetricName": "CPUUtilization",
         "Dimensions": {"ClusterName": "prod", "ServiceName": "web-service"}, "Period": 60, "Values": [22.0 + (i % 5) for i in range(40)]},
    ]}
    save("memory_rising", sc)


if __name__ == "__main__":
    change_deleted_nat_route()
    change_detached_exec_policy()
    change_tightened_sg()
    memory_rising()
