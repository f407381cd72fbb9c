#!/usr/bin/python3
"""Tests for the fake AWS endpoint.  Run: /usr/bin/python3 tests/fakeaws/test_fakeaws.py

Real botocore clients (Debian's python3-botocore) talk to an in-process
server over loopback, so signing, serialization and parsing are the SDK's
own.  Raw http.client requests cover what an SDK would never send (tampered
bodies, unknown members, bad auth headers).
"""

import argparse
import datetime
import hashlib
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import botocore.session  # noqa: E402
from botocore import UNSIGNED  # noqa: E402
from botocore.auth import SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

from fakeaws import faults, scenario, selftest  # noqa: E402
from fakeaws.calllog import CallLog  # noqa: E402
from fakeaws.server import FakeAws, Server  # noqa: E402

AKID = scenario.DEFAULT_ACCESS_KEY
SECRET = scenario.DEFAULT_SECRET_KEY
DEMO = os.path.join(HERE, "scenarios", "demo.json")
HEALTHY = os.path.join(HERE, "scenarios", "healthy.json")
TG_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-service-tg/0f3c6d1a2b4e5f60"


def fault_args(**kw):
    ns = argparse.ArgumentParser()
    faults.add_arguments(ns)
    a = ns.parse_args([])
    for k, v in kw.items():
        setattr(a, k, v)
    return a


class Running:
    """An in-process server on a free loopback port."""

    def __init__(self, scenario_path=DEMO, scenario_data=None, **fault_kw):
        self.tmp = tempfile.mkdtemp(prefix="fakeaws-test-")
        self.log_path = os.path.join(self.tmp, "calls.jsonl")
        sc = scenario.Scenario(scenario_data, source="<test>") if scenario_data else scenario.load(scenario_path)
        self.app = FakeAws(sc, faults.Faults(fault_args(**fault_kw)), CallLog(self.log_path))
        self.httpd = Server(self.app, "127.0.0.1", 0)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.clients = []

    def stop(self):
        for c in self.clients:
            c._endpoint.http_session.close()
        self.app.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.app.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def calls(self):
        with open(self.log_path) as f:
            return [json.loads(line) for line in f]

    def client(self, service, key=AKID, secret=SECRET, token=None, region="us-east-1", unsigned=False,
               validate=True, **cfg):
        """A botocore client for the fake; validate=False lets malformed requests through."""
        session = botocore.session.get_session()
        config = Config(retries={"max_attempts": cfg.pop("attempts", 1) - 1 if "attempts" in cfg else 0},
                        signature_version=UNSIGNED if unsigned else None, parameter_validation=validate, **cfg)
        c = session.create_client(service, region_name=region, endpoint_url=self.url, aws_access_key_id=key,
                                  aws_secret_access_key=secret, aws_session_token=token, config=config)
        self.clients.append(c)
        return c

    def raw(self, body, headers, path="/"):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("POST", path, body=body, headers=headers)
            r = conn.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            conn.close()

    def signed(self, service, body, headers, key=AKID, secret=SECRET, token=None, region="us-east-1",
               tamper=None):
        """Sign like an SDK would, optionally tamper afterwards, send raw."""
        body = body.encode() if isinstance(body, str) else body
        req = AWSRequest(method="POST", url=self.url + "/", data=body, headers=dict(headers))
        SigV4Auth(Credentials(key, secret, token), service, region).add_auth(req)
        hdrs = dict(req.headers.items())
        if tamper:
            body, hdrs = tamper(body, hdrs)
        return self.raw(body, hdrs)


def json_headers(target):
    return {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target}


FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


def jtype(body):
    """The JSON error code, without a Coral namespace ('com.amazon.coral.service#')."""
    return json.loads(body)["__type"].rsplit("#", 1)[-1]


def code_of(exc):
    return exc.exception.response["Error"]["Code"]


# ---------------------------------------------------------------------------

class DemoScenarioTest(unittest.TestCase):
    """Every operation ecs-doctor calls, against the README demo incident."""

    @classmethod
    def setUpClass(cls):
        cls.srv = Running(DEMO)
        cls.ecs = cls.srv.client("ecs")
        cls.elb = cls.srv.client("elbv2")
        cls.ec2 = cls.srv.client("ec2")
        cls.iam = cls.srv.client("iam")
        cls.ec2_nv = cls.srv.client("ec2", validate=False)
        cls.iam_nv = cls.srv.client("iam", validate=False)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    # -- ECS --
    def test_describe_services(self):
        r = self.ecs.describe_services(cluster="prod", services=["web-service", "nope"])
        s = r["services"][0]
        self.assertEqual(s["serviceName"], "web-service")
        self.assertEqual((s["desiredCount"], s["runningCount"]), (4, 2))
        self.assertEqual([d["rolloutState"] for d in s["deployments"]], ["IN_PROGRESS", "FAILED"])
        self.assertIn("circuit breaker", s["deployments"][1]["rolloutStateReason"])
        self.assertTrue(s["taskDefinition"].endswith("task-definition/web-service:6"))
        self.assertEqual(s["loadBalancers"][0]["targetGroupArn"], TG_ARN)
        self.assertEqual(s["networkConfiguration"]["awsvpcConfiguration"]["subnets"],
                         ["subnet-0aa11bb22cc33dd01", "subnet-0aa11bb22cc33dd02"])
        times = [e["createdAt"] for e in s["events"]]
        self.assertEqual(times, sorted(times, reverse=True), "events newest first")
        self.assertEqual(r["failures"][0]["reason"], "MISSING")
        self.assertIsInstance(s["createdAt"], datetime.datetime)

    def test_cluster_not_found(self):
        with self.assertRaises(ClientError) as e:
            self.ecs.list_services(cluster="nope")
        self.assertEqual(code_of(e), "ClusterNotFoundException")

    def test_list_tasks_default_is_running_and_paginates(self):
        self.assertEqual(len(self.ecs.list_tasks(cluster="prod")["taskArns"]), 2)
        arns, token, pages = [], None, 0
        while True:
            kw = {"nextToken": token} if token else {}
            r = self.ecs.list_tasks(cluster="prod", serviceName="web-service", desiredStatus="STOPPED",
                                    maxResults=5, **kw)
            arns += r["taskArns"]
            pages += 1
            token = r.get("nextToken")
            if not token:
                break
        self.assertEqual((len(arns), len(set(arns)), pages), (12, 12, 3))
        fam = self.ecs.list_tasks(cluster="prod", family="web-service", desiredStatus="STOPPED")
        self.assertEqual(len(fam["taskArns"]), 12)
        by = self.ecs.list_tasks(cluster="prod", startedBy="ecs-svc/8842170915023345161", desiredStatus="STOPPED")
        self.assertEqual(len(by["taskArns"]), 8)
        with self.assertRaises(ClientError) as e:
            self.ecs.list_tasks(cluster="prod", startedBy="x", serviceName="web-service")
        self.assertEqual(code_of(e), "InvalidParameterException")

    def test_describe_stopped_tasks(self):
        arns = self.ecs.list_tasks(cluster="prod", desiredStatus="STOPPED")["taskArns"]
        tasks = self.ecs.describe_tasks(cluster="prod", tasks=arns)["tasks"]
        self.assertEqual(len(tasks), 12)
        for t in tasks:
            self.assertEqual(t["stopCode"], "TaskFailedToStart")
            self.assertIn("CannotPullContainerError", t["stoppedReason"])
            self.assertIn("i/o timeout", t["containers"][0]["reason"])
            self.assertEqual(t["lastStatus"], "STOPPED")
            self.assertIsInstance(t["stoppedAt"], datetime.datetime)
            eni = {d["name"]: d["value"] for d in t["attachments"][0]["details"]}
            self.assertTrue(eni["subnetId"].startswith("subnet-0aa11bb22cc33dd0"))

    def test_describe_tasks_by_id_and_running_ip(self):
        r = self.ecs.describe_tasks(cluster="prod", tasks=["c0ffee00c0ffee00c0ffee00c0ffee01"])
        eni = {d["name"]: d["value"] for d in r["tasks"][0]["attachments"][0]["details"]}
        self.assertEqual(eni["privateIPv4Address"], "10.0.1.23")
        # The task's ENI exists in EC2, with the service's security group.
        ni = self.ec2.describe_network_interfaces(NetworkInterfaceIds=[eni["networkInterfaceId"]])
        self.assertEqual(ni["NetworkInterfaces"][0]["Groups"][0]["GroupId"], "sg-0a1b2c3d4e5f00002")
        self.assertEqual(ni["NetworkInterfaces"][0]["PrivateIpAddress"], "10.0.1.23")
        # Old-format ARNs still resolve.
        old = self.ecs.describe_tasks(cluster="prod", tasks=[
            "arn:aws:ecs:us-east-1:123456789012:task/c0ffee00c0ffee00c0ffee00c0ffee01"])
        self.assertEqual(len(old["tasks"]), 1)

    def test_batch_limits(self):
        with self.assertRaises(ClientError) as e:
            self.ecs.describe_tasks(cluster="prod", tasks=[f"t{i}" for i in range(101)])
        self.assertEqual(code_of(e), "InvalidParameterException")
        with self.assertRaises(ClientError) as e:
            self.ecs.describe_services(cluster="prod", services=[f"s{i}" for i in range(11)])
        self.assertEqual(code_of(e), "InvalidParameterException")
        with self.assertRaises(ClientError) as e:
            self.ecs.list_tasks(cluster="prod", maxResults=101)
        self.assertEqual(code_of(e), "InvalidParameterException")

    def test_task_definitions(self):
        td = self.ecs.describe_task_definition(taskDefinition="web-service")["taskDefinition"]
        self.assertEqual(td["revision"], 7)
        self.assertTrue(td["executionRoleArn"].endswith(":role/ecsTaskExecutionRole"))
        td6 = self.ecs.describe_task_definition(taskDefinition="web-service:6")["taskDefinition"]
        self.assertIn("v1.4.1", td6["containerDefinitions"][0]["image"])
        arns = self.ecs.list_task_definitions(familyPrefix="web-service", sort="DESC")["taskDefinitionArns"]
        self.assertTrue(arns[0].endswith(":7") and arns[1].endswith(":6"))
        with self.assertRaises(ClientError) as e:
            self.ecs.describe_task_definition(taskDefinition="nope:1")
        self.assertEqual(code_of(e), "ClientException")

    def test_clusters_capacity_providers_container_instances(self):
        c = self.ecs.describe_clusters(clusters=["prod", "missing"])
        self.assertEqual(c["clusters"][0]["runningTasksCount"], 2)
        self.assertEqual(c["failures"][0]["reason"], "MISSING")
        self.assertNotIn("settings", c["clusters"][0])
        c = self.ecs.describe_clusters(clusters=["prod"], include=["SETTINGS"])
        self.assertEqual(c["clusters"][0]["settings"][0]["name"], "containerInsights")
        cps = self.ecs.describe_capacity_providers()["capacityProviders"]
        self.assertEqual({cp["name"] for cp in cps}, {"FARGATE", "FARGATE_SPOT"})
        self.assertEqual(self.ecs.list_container_instances(cluster="prod")["containerInstanceArns"], [])

    def test_ec2_launch_type_container_instances(self):
        srv = Running(scenario_data={
            "ec2": {"subnets": [{"Name": "a"}], "securityGroups": [{"Name": "hosts"}]},
            "ecs": {"containerInstances": [{"cluster": "ec2c"}, {"cluster": "ec2c", "status": "DRAINING"}],
                    "services": [{"cluster": "ec2c", "serviceName": "s", "launchType": "EC2"}]}})
        try:
            ecs, ec2 = srv.client("ecs"), srv.client("ec2")
            arns = ecs.list_container_instances(cluster="ec2c")["containerInstanceArns"]
            cis = ecs.describe_container_instances(cluster="ec2c", containerInstances=arns)["containerInstances"]
            self.assertEqual(sorted(c["status"] for c in cis), ["ACTIVE", "DRAINING"])
            r = ec2.describe_instances(InstanceIds=[cis[0]["ec2InstanceId"]])["Reservations"]
            self.assertEqual(r[0]["Instances"][0]["State"]["Name"], "running")
            with self.assertRaises(ClientError) as e:
                ec2.describe_instances(InstanceIds=["i-0000000000000dead"])
            self.assertEqual(code_of(e), "InvalidInstanceID.NotFound")
        finally:
            srv.stop()

    # -- ELBv2 --
    def test_target_groups_and_health(self):
        lb = self.elb.describe_load_balancers(Names=["prod-alb"])["LoadBalancers"][0]
        tgs = self.elb.describe_target_groups(LoadBalancerArn=lb["LoadBalancerArn"])["TargetGroups"]
        self.assertEqual([t["TargetGroupArn"] for t in tgs], [TG_ARN])
        self.assertEqual(tgs[0]["HealthCheckPath"], "/health")
        th = self.elb.describe_target_health(TargetGroupArn=TG_ARN)["TargetHealthDescriptions"]
        states = {d["Target"]["Id"]: d["TargetHealth"] for d in th}
        self.assertEqual(states["10.0.2.41"]["Reason"], "Target.Timeout")
        self.assertEqual(states["10.0.1.57"]["State"], "draining")
        one = self.elb.describe_target_health(TargetGroupArn=TG_ARN, Targets=[{"Id": "10.9.9.9", "Port": 1}])
        self.assertEqual(one["TargetHealthDescriptions"][0]["TargetHealth"]["Reason"], "Target.NotRegistered")
        attrs = {a["Key"]: a["Value"] for a in
                 self.elb.describe_target_group_attributes(TargetGroupArn=TG_ARN)["Attributes"]}
        self.assertEqual(attrs["deregistration_delay.timeout_seconds"], "60")
        ln = self.elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
        self.assertEqual(ln[0]["DefaultActions"][0]["TargetGroupArn"], TG_ARN)
        rules = self.elb.describe_rules(ListenerArn=ln[0]["ListenerArn"])["Rules"]
        self.assertTrue(rules[-1]["IsDefault"])
        with self.assertRaises(ClientError) as e:
            self.elb.describe_target_health(TargetGroupArn=TG_ARN + "x")
        self.assertEqual(code_of(e), "TargetGroupNotFound")

    def test_elbv2_validation(self):
        with self.assertRaises(ClientError) as e:
            self.elb.describe_target_groups(PageSize=401)
        self.assertEqual(code_of(e), "ValidationError")
        self.assertIn("validation error", e.exception.response["Error"]["Message"])

    # -- EC2 --
    def test_route_tables_by_subnet(self):
        f = [{"Name": "association.subnet-id", "Values": ["subnet-0aa11bb22cc33dd01"]}]
        rts = self.ec2.describe_route_tables(Filters=f)["RouteTables"]
        self.assertEqual(len(rts), 1)
        self.assertEqual(rts[0]["RouteTableId"], "rtb-0c0ffee0000000003")
        self.assertEqual([r["GatewayId"] for r in rts[0]["Routes"]], ["local"])  # no NAT route: the incident
        main = self.ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": ["vpc-0a1b2c3d4e5f60001"]},
                                                       {"Name": "association.main", "Values": ["true"]}])
        self.assertEqual(main["RouteTables"][0]["RouteTableId"], "rtb-0c0ffee0000000001")

    def test_vpc_endpoints_nat_igw(self):
        eps = self.ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": ["vpc-0a1b2c3d4e5f60001"]}])
        self.assertEqual([e["ServiceName"] for e in eps["VpcEndpoints"]], ["com.amazonaws.us-east-1.logs"])
        nat = self.ec2.describe_nat_gateways(Filter=[{"Name": "vpc-id", "Values": ["vpc-0a1b2c3d4e5f60001"]}])
        self.assertEqual(nat["NatGateways"][0]["State"], "available")
        igw = self.ec2.describe_internet_gateways(
            Filters=[{"Name": "attachment.vpc-id", "Values": ["vpc-0a1b2c3d4e5f60001"]}])
        self.assertEqual(len(igw["InternetGateways"]), 1)

    def test_security_groups_subnets_vpcs_acls(self):
        sgs = self.ec2.describe_security_groups(GroupIds=["sg-0a1b2c3d4e5f00002"])["SecurityGroups"]
        self.assertEqual(sgs[0]["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"], "sg-0a1b2c3d4e5f00001")
        subnets = self.ec2.describe_subnets(Filters=[{"Name": "tag:Name", "Values": ["prod-private-*"]}])["Subnets"]
        self.assertEqual(len(subnets), 2)
        self.assertEqual(self.ec2.describe_vpcs()["Vpcs"][0]["CidrBlock"], "10.0.0.0/16")
        acl = self.ec2.describe_network_acls(
            Filters=[{"Name": "association.subnet-id", "Values": ["subnet-0aa11bb22cc33dd01"]}])["NetworkAcls"]
        self.assertEqual(len(acl[0]["Entries"]), 4)
        pls = self.ec2.describe_prefix_lists()["PrefixLists"]
        self.assertIn("com.amazonaws.us-east-1.s3", [p["PrefixListName"] for p in pls])
        self.assertEqual(len(self.ec2.describe_network_interfaces()["NetworkInterfaces"]), 2)  # running tasks

    def test_ec2_errors(self):
        with self.assertRaises(ClientError) as e:
            self.ec2.describe_subnets(SubnetIds=["subnet-nope"])
        self.assertEqual(code_of(e), "InvalidSubnetID.NotFound")
        with self.assertRaises(ClientError) as e:
            self.ec2.describe_subnets(Filters=[{"Name": "bogus", "Values": ["x"]}])
        self.assertEqual(code_of(e), "InvalidParameterValue")
        with self.assertRaises(ClientError) as e:
            self.ec2_nv.describe_subnets(MaxResults=4)
        self.assertEqual(code_of(e), "InvalidParameterValue")
        with self.assertRaises(ClientError) as e:
            self.ec2.describe_subnets(SubnetIds=["subnet-0aa11bb22cc33dd01"], MaxResults=5)
        self.assertEqual(code_of(e), "InvalidParameterCombination")
        with self.assertRaises(ClientError) as e:
            self.ec2.describe_vpcs(DryRun=True)
        self.assertEqual(code_of(e), "DryRunOperation")

    def test_ec2_pagination(self):
        seen, token = [], None
        while True:
            r = self.ec2.describe_subnets(MaxResults=5, **({"NextToken": token} if token else {}))
            seen += r["Subnets"]
            token = r.get("NextToken")
            if not token:
                break
        self.assertEqual(len(seen), 4)
        with self.assertRaises(ClientError) as e:
            self.ec2.describe_subnets(MaxResults=5, NextToken="garbage")
        self.assertEqual(code_of(e), "InvalidPaginationToken")

    # -- IAM / STS --
    def test_iam_role_and_policies(self):
        role = self.iam.get_role(RoleName="ecsTaskExecutionRole")["Role"]
        # botocore URL-decodes and JSON-parses policy documents for us.
        self.assertEqual(role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
                         "ecs-tasks.amazonaws.com")
        att = self.iam.list_attached_role_policies(RoleName="ecsTaskExecutionRole")["AttachedPolicies"]
        arn = att[0]["PolicyArn"]
        self.assertEqual(arn, "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
        pol = self.iam.get_policy(PolicyArn=arn)["Policy"]
        ver = self.iam.get_policy_version(PolicyArn=arn, VersionId=pol["DefaultVersionId"])["PolicyVersion"]
        self.assertIn("ecr:GetAuthorizationToken", ver["Document"]["Statement"][0]["Action"])
        names = self.iam.list_role_policies(RoleName="ecsTaskExecutionRole")["PolicyNames"]
        self.assertEqual(names, ["read-web-service-secrets"])
        doc = self.iam.get_role_policy(RoleName="ecsTaskExecutionRole", PolicyName=names[0])["PolicyDocument"]
        self.assertEqual(doc["Statement"][0]["Action"], ["secretsmanager:GetSecretValue"])
        with self.assertRaises(ClientError) as e:
            self.iam.get_role(RoleName="nope")
        self.assertEqual(code_of(e), "NoSuchEntity")
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_iam_documents_are_url_encoded_on_the_wire(self):
        st, _, body = self.srv.signed("iam", "Action=GetRole&Version=2010-05-08&RoleName=ecsTaskExecutionRole", FORM)
        self.assertEqual(st, 200)
        self.assertIn(b"<AssumeRolePolicyDocument>%7B%22Version%22%3A%222012-10-17%22", body)

    def test_iam_pagination(self):
        r = self.iam.list_attached_role_policies(RoleName="ecsTaskExecutionRole", MaxItems=1)
        self.assertFalse(r["IsTruncated"])
        with self.assertRaises(ClientError) as e:
            self.iam_nv.list_role_policies(RoleName="ecsTaskExecutionRole", MaxItems=0)
        self.assertEqual(code_of(e), "ValidationError")

    def test_sts_identity_and_assume_role(self):
        sts = self.srv.client("sts")
        me = sts.get_caller_identity()
        self.assertEqual((me["Account"], me["Arn"]), ("123456789012", "arn:aws:iam::123456789012:user/fakeaws"))
        creds = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/web-service-task-role",
                                RoleSessionName="doctor")["Credentials"]
        self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
        sts2 = self.srv.client("sts", key=creds["AccessKeyId"], secret=creds["SecretAccessKey"],
                               token=creds["SessionToken"])
        self.assertEqual(sts2.get_caller_identity()["Arn"],
                         "arn:aws:sts::123456789012:assumed-role/web-service-task-role/doctor")
        # Same key without its session token is rejected.
        sts3 = self.srv.client("sts", key=creds["AccessKeyId"], secret=creds["SecretAccessKey"])
        with self.assertRaises(ClientError) as e:
            sts3.get_caller_identity()
        self.assertEqual(code_of(e), "InvalidClientTokenId")
        with self.assertRaises(ClientError) as e:
            sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/nope", RoleSessionName="xy")
        self.assertEqual(code_of(e), "AccessDenied")

    def test_sts_web_identity_unsigned(self):
        sts = self.srv.client("sts", unsigned=True)
        r = sts.assume_role_with_web_identity(RoleArn="arn:aws:iam::123456789012:role/web-service-task-role",
                                              RoleSessionName="pod", WebIdentityToken="eyJ.fake.jwt")
        self.assertIn("SessionToken", r["Credentials"])

    # -- Logs --
    def test_logs(self):
        logs = self.srv.client("logs")
        groups = logs.describe_log_groups(logGroupNamePrefix="/ecs/")["logGroups"]
        self.assertEqual([g["logGroupName"] for g in groups], ["/ecs/web-service"])
        streams = logs.describe_log_streams(logGroupName="/ecs/web-service", orderBy="LastEventTime",
                                            descending=True)["logStreams"]
        self.assertEqual(len(streams), 2)
        name = "ecs/web/c0ffee00c0ffee00c0ffee00c0ffee02"
        tail = logs.get_log_events(logGroupName="/ecs/web-service", logStreamName=name, limit=2)
        self.assertEqual([e["message"][:8] for e in tail["events"]], ["GET /hea", "GET /hea"])  # newest two
        head = logs.get_log_events(logGroupName="/ecs/web-service", logStreamName=name, limit=2,
                                   startFromHead=True)
        self.assertTrue(head["events"][0]["message"].startswith("WARN"))
        nxt = logs.get_log_events(logGroupName="/ecs/web-service", logStreamName=name, limit=2,
                                  nextToken=head["nextForwardToken"])
        self.assertEqual(len(nxt["events"]), 1)
        end = logs.get_log_events(logGroupName="/ecs/web-service", logStreamName=name, limit=2,
                                  nextToken=nxt["nextForwardToken"])
        self.assertEqual((end["events"], end["nextForwardToken"]), ([], nxt["nextForwardToken"]))
        hits = logs.filter_log_events(logGroupName="/ecs/web-service", filterPattern="504")["events"]
        self.assertEqual(len(hits), 2)
        with self.assertRaises(ClientError) as e:
            logs.get_log_events(logGroupName="/ecs/nope", logStreamName="x")
        self.assertEqual(code_of(e), "ResourceNotFoundException")

    # -- ECR / Secrets / SSM / Auto Scaling / CloudTrail / CloudWatch --
    def test_ecr(self):
        ecr = self.srv.client("ecr")
        imgs = ecr.describe_images(repositoryName="web-service", imageIds=[{"imageTag": "v1.5.0"}])
        self.assertIn("latest", imgs["imageDetails"][0]["imageTags"])
        with self.assertRaises(ClientError) as e:
            ecr.describe_images(repositoryName="web-service", imageIds=[{"imageTag": "v9"}])
        self.assertEqual(code_of(e), "ImageNotFoundException")
        with self.assertRaises(ClientError) as e:
            ecr.describe_images(repositoryName="nope")
        self.assertEqual(code_of(e), "RepositoryNotFoundException")
        self.assertEqual(len(ecr.describe_repositories()["repositories"]), 1)
        bg = ecr.batch_get_image(repositoryName="web-service", imageIds=[{"imageTag": "v1.4.1"}, {"imageTag": "x"}])
        self.assertEqual((len(bg["images"]), bg["failures"][0]["failureCode"]), (1, "ImageNotFound"))

    def test_secrets_and_ssm(self):
        sm = self.srv.client("secretsmanager")
        d = sm.describe_secret(SecretId="prod/web-service/db")
        self.assertTrue(d["ARN"].startswith("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/web-service/db-"))
        self.assertEqual(sm.describe_secret(SecretId=d["ARN"][:-7])["Name"], "prod/web-service/db")
        with self.assertRaises(ClientError) as e:
            sm.describe_secret(SecretId="nope")
        self.assertEqual(code_of(e), "ResourceNotFoundException")
        with self.assertRaises(ClientError):
            sm.get_secret_value(SecretId="prod/web-service/db")
        ssm = self.srv.client("ssm")
        r = ssm.get_parameters(Names=["/prod/web-service/feature-flags", "/nope"], WithDecryption=False)
        self.assertEqual((len(r["Parameters"]), r["InvalidParameters"]), (1, ["/nope"]))
        with self.assertRaises(ClientError) as e:
            ssm.get_parameters(Names=[f"/p{i}" for i in range(11)])
        self.assertEqual(code_of(e), "ValidationException")
        dp = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Option": "BeginsWith", "Values": ["/prod"]}])
        self.assertEqual(len(dp["Parameters"]), 1)

    def test_autoscaling_cloudtrail_cloudwatch(self):
        aas = self.srv.client("application-autoscaling")
        t = aas.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=["service/prod/web-service"])
        self.assertEqual(t["ScalableTargets"][0]["MaxCapacity"], 8)
        self.assertEqual(len(aas.describe_scaling_activities(ServiceNamespace="ecs")["ScalingActivities"]), 1)
        self.assertEqual(len(aas.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]), 1)
        ct = self.srv.client("cloudtrail")
        ev = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "DeleteRoute"}])
        self.assertEqual(len(ev["Events"]), 1)
        cw = self.srv.client("cloudwatch")
        now = datetime.datetime.now(datetime.timezone.utc)
        md = cw.get_metric_data(StartTime=now - datetime.timedelta(hours=2), EndTime=now + datetime.timedelta(minutes=1),
                                MetricDataQueries=[{"Id": "cpu", "MetricStat": {"Metric": {
                                    "Namespace": "AWS/ECS", "MetricName": "CPUUtilization", "Dimensions": [
                                        {"Name": "ClusterName", "Value": "prod"},
                                        {"Name": "ServiceName", "Value": "web-service"}]},
                                    "Period": 300, "Stat": "Average"}}])
        self.assertEqual(md["MetricDataResults"][0]["Values"][0], 92.4)
        st = cw.get_metric_statistics(Namespace="AWS/ECS", MetricName="CPUUtilization",
                                      Dimensions=[{"Name": "ClusterName", "Value": "prod"},
                                                  {"Name": "ServiceName", "Value": "web-service"}],
                                      StartTime=now - datetime.timedelta(hours=2),
                                      EndTime=now + datetime.timedelta(minutes=1), Period=300,
                                      Statistics=["Average", "Maximum"])
        self.assertEqual(max(d["Maximum"] for d in st["Datapoints"]), 92.4)

    # -- protocol-level behaviour --
    def test_unknown_operations(self):
        st, _, body = self.srv.signed("ecs", "{}", json_headers("AmazonEC2ContainerServiceV20141113.Bogus"))
        self.assertEqual((st, jtype(body)), (400, "UnknownOperationException"))
        st, _, body = self.srv.signed("iam", "Action=Bogus&Version=2010-05-08", FORM)
        self.assertEqual(st, 400)
        self.assertIn(b"<Code>InvalidAction</Code>", body)
        st, _, body = self.srv.signed("ec2", "Action=Bogus&Version=2016-11-15", FORM)
        self.assertIn(b"<Response><Errors><Error><Code>InvalidAction</Code>", body)

    def test_mutating_refused_and_logged(self):
        with self.assertRaises(ClientError) as e:
            self.ecs.update_service(cluster="prod", service="web-service", desiredCount=0)
        self.assertEqual(code_of(e), "AccessDeniedException")
        with self.assertRaises(ClientError) as e:
            self.ec2.delete_route(RouteTableId="rtb-0c0ffee0000000003", DestinationCidrBlock="0.0.0.0/0")
        self.assertEqual(code_of(e), "UnauthorizedOperation")
        muts = [c for c in self.srv.calls() if c["mutating"]]
        ops = {c["operation"] for c in muts}
        self.assertTrue({"UpdateService", "DeleteRoute"} <= ops)
        upd = [c for c in muts if c["operation"] == "UpdateService"][0]
        self.assertEqual(upd["params"]["desiredCount"], 0)

    def test_call_log_and_keepalive(self):
        before = len(self.srv.calls())
        for _ in range(5):
            self.ecs.list_services(cluster="prod")
        calls = self.srv.calls()[before:]
        mine = [c for c in calls if c["operation"] == "ListServices"]
        self.assertGreaterEqual(len(mine), 5)
        self.assertEqual(len({c["client"] for c in mine[-5:]}), 1, "one keep-alive connection")
        for k in ("start", "end", "service", "operation", "params", "status", "latency_ms", "error", "mutating"):
            self.assertIn(k, mine[0])

    def test_concurrent_clients(self):
        errs = []

        def work():
            try:
                c = self.srv.client("ecs")
                for _ in range(20):
                    c.describe_services(cluster="prod", services=["web-service"])
            except Exception as e:  # noqa
                errs.append(e)
        ts = [threading.Thread(target=work) for _ in range(8)]
        [t.start() for t in ts]
        [t.join() for t in ts]
        self.assertEqual(errs, [])


class SignatureTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(HEALTHY) as f:
            data = json.load(f)
        data["credentials"] = [
            {},
            {"accessKeyId": "ASIATEMPORARY0000001", "secretAccessKey": "tempsecret", "sessionToken": "tok-1",
             "expiration": "+1h", "arn": "arn:aws:sts::123456789012:assumed-role/doctor/s1"},
            {"accessKeyId": "ASIAEXPIRED000000001", "secretAccessKey": "oldsecret", "sessionToken": "tok-2",
             "expiration": "-1m"}]
        cls.srv = Running(scenario_data=data)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    ECS_BODY = '{"cluster": "prod", "services": ["web-service"]}'
    ECS_H = json_headers("AmazonEC2ContainerServiceV20141113.DescribeServices")

    def test_botocore_signed_requests_accepted(self):
        st, _, body = self.srv.signed("ecs", self.ECS_BODY, self.ECS_H)
        self.assertEqual(st, 200, body)
        st, _, body = self.srv.signed("ec2", "Action=DescribeVpcs&Version=2016-11-15", FORM)
        self.assertEqual(st, 200, body)

    def test_session_token_credentials(self):
        ok = self.srv.client("ecs", key="ASIATEMPORARY0000001", secret="tempsecret", token="tok-1")
        self.assertEqual(len(ok.list_services(cluster="prod")["serviceArns"]), 1)
        bad = self.srv.client("ecs", key="ASIATEMPORARY0000001", secret="tempsecret", token="tok-X")
        with self.assertRaises(ClientError) as e:
            bad.list_services(cluster="prod")
        self.assertEqual(code_of(e), "UnrecognizedClientException")
        expired = self.srv.client("ecs", key="ASIAEXPIRED000000001", secret="oldsecret", token="tok-2")
        with self.assertRaises(ClientError) as e:
            expired.list_services(cluster="prod")
        self.assertEqual(code_of(e), "ExpiredTokenException")
        expired_iam = self.srv.client("iam", key="ASIAEXPIRED000000001", secret="oldsecret", token="tok-2")
        with self.assertRaises(ClientError) as e:
            expired_iam.get_role(RoleName="ecsTaskExecutionRole")
        self.assertEqual(code_of(e), "ExpiredToken")

    def test_tampered_body(self):
        def tamper(body, h):
            return body.replace(b"web-service", b"web-servicf"), h
        st, _, body = self.srv.signed("ecs", self.ECS_BODY, self.ECS_H, tamper=tamper)
        self.assertEqual((st, jtype(body)), (400, "InvalidSignatureException"))
        st, _, body = self.srv.signed("iam", "Action=GetRole&Version=2010-05-08&RoleName=a", FORM,
                                      tamper=lambda b, h: (b + b"b", h))
        self.assertEqual(st, 403)
        self.assertIn(b"<Code>SignatureDoesNotMatch</Code>", body)
        self.assertIn(b"<ErrorResponse", body)

    def test_tampered_signed_header(self):
        def tamper(body, h):
            h["X-Amz-Target"] = "AmazonEC2ContainerServiceV20141113.ListServices"
            return body, h
        h = dict(self.ECS_H)
        st, _, body = self.srv.signed("ecs", self.ECS_BODY, h, tamper=tamper)
        self.assertEqual(jtype(body), "InvalidSignatureException")

    def test_wrong_secret_unknown_key_and_scope(self):
        for svc, code in (("ecs", "InvalidSignatureException"), ("elbv2", "SignatureDoesNotMatch"),
                          ("ec2", "SignatureDoesNotMatch")):
            c = self.srv.client(svc, secret="wrong")
            with self.assertRaises(ClientError) as e:
                {"ecs": lambda: c.list_clusters(), "elbv2": lambda: c.describe_load_balancers(),
                 "ec2": lambda: c.describe_vpcs()}[svc]()
            self.assertEqual(code_of(e), code, svc)
        for svc, code in (("ecs", "UnrecognizedClientException"), ("iam", "InvalidClientTokenId"),
                          ("ec2", "AuthFailure")):
            c = self.srv.client(svc, key="AKIDUNKNOWN000000000")
            with self.assertRaises(ClientError) as e:
                {"ecs": lambda: c.list_clusters(), "iam": lambda: c.get_role(RoleName="x"),
                 "ec2": lambda: c.describe_vpcs()}[svc]()
            self.assertEqual(code_of(e), code, svc)
        c = self.srv.client("ecs", region="eu-west-1")
        with self.assertRaises(ClientError) as e:
            c.list_clusters()
        self.assertIn("scoped to a valid region", e.exception.response["Error"]["Message"])

    def test_missing_and_malformed_authorization(self):
        st, _, body = self.srv.raw(self.ECS_BODY, self.ECS_H)
        self.assertEqual(json.loads(body)["__type"], "com.amazon.coral.service#MissingAuthenticationTokenException")
        # Routed by target, rejected as incomplete.
        h = dict(self.ECS_H, Authorization="AWS4-HMAC-SHA256 Credential=AKID", **{"X-Amz-Date": "20240101T000000Z"})
        st, _, body = self.srv.raw(self.ECS_BODY, h)
        self.assertEqual((st, jtype(body)), (400, "IncompleteSignatureException"))

    def test_clock_skew(self):
        def tamper(body, h):
            return body, h
        old = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)
        req = AWSRequest(method="POST", url=self.srv.url + "/", data=self.ECS_BODY.encode(), headers=dict(self.ECS_H))
        signer = SigV4Auth(Credentials(AKID, SECRET), "ecs", "us-east-1")
        req.context["timestamp"] = old.strftime("%Y%m%dT%H%M%SZ")
        signer._modify_request_before_signing(req)
        cr = signer.canonical_request(req)
        sig = signer.signature(signer.string_to_sign(req, cr), req)
        signer._inject_signature_to_request(req, sig)
        st, _, body = self.srv.raw(self.ECS_BODY, dict(req.headers.items()))
        self.assertIn("Signature expired", json.loads(body)["message"])

    def test_content_sha256_must_match(self):
        def tamper(body, h):
            h["X-Amz-Content-SHA256"] = hashlib.sha256(b"other").hexdigest()
            return body, h
        st, _, body = self.srv.signed("ecs", self.ECS_BODY, self.ECS_H, tamper=tamper)
        self.assertEqual(jtype(body), "InvalidSignatureException")


class ValidationTest(unittest.TestCase):
    """Malformed requests an SDK would block client-side, sent raw."""

    @classmethod
    def setUpClass(cls):
        cls.srv = Running(HEALTHY)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    def ecs(self, op, body):
        st, _, out = self.srv.signed("ecs", json.dumps(body), json_headers(f"AmazonEC2ContainerServiceV20141113.{op}"))
        out = json.loads(out)
        if "__type" in out:
            out["__type"] = out["__type"].rsplit("#", 1)[-1]
        return st, out

    def test_json_unknown_member_wrong_type_missing_required(self):
        st, out = self.ecs("DescribeServices", {"cluster": "prod", "services": ["web-service"], "bogus": 1})
        self.assertEqual((st, out["__type"]), (400, "SerializationException"))
        st, out = self.ecs("DescribeServices", {"cluster": "prod", "services": "web-service"})
        self.assertEqual(out["__type"], "SerializationException")
        st, out = self.ecs("DescribeServices", {"cluster": "prod"})
        self.assertEqual(out["__type"], "InvalidParameterException")
        self.assertIn("Value null at 'services' failed to satisfy constraint: Member must not be null",
                      out["message"])
        st, out = self.ecs("ListTasks", {"cluster": "prod", "desiredStatus": "DEAD"})
        self.assertIn("enum value set", out["message"])
        st, out = self.ecs("ListTasks", {"cluster": "prod", "maxResults": "10"})
        self.assertEqual(out["__type"], "SerializationException")
        st, _, body = self.srv.signed("ecs", "{not json", json_headers("AmazonEC2ContainerServiceV20141113.ListTasks"))
        self.assertEqual(jtype(body), "SerializationException")

    def test_query_and_ec2_validation(self):
        st, _, body = self.srv.signed("ec2", "Action=DescribeSubnets&Version=2016-11-15&Bogus=1", FORM)
        self.assertIn(b"<Code>UnknownParameter</Code>", body)
        st, _, body = self.srv.signed("ec2", "Action=DescribeSubnets&Version=2016-11-15&MaxResults=abc", FORM)
        self.assertIn(b"<Code>InvalidParameterValue</Code>", body)
        st, _, body = self.srv.signed("iam", "Action=GetRole&Version=2010-05-08", FORM)
        self.assertIn(b"<Code>ValidationError</Code>", body)
        self.assertIn(b"Value null at &apos;roleName&apos;", body.replace(b"'", b"&apos;"))
        st, _, body = self.srv.signed("elasticloadbalancing",
                                      "Action=DescribeTargetGroups&Version=2015-12-01&Names.member.1=a&Nope=2", FORM)
        self.assertIn(b"<Code>ValidationError</Code>", body)
        st, _, body = self.srv.signed("ec2", "Action=DescribeSubnets&Version=2014-01-01", FORM)
        self.assertIn(b"<Code>InvalidAction</Code>", body)

    def test_query_lists_and_filters_decode(self):
        body = ("Action=DescribeRouteTables&Version=2016-11-15&Filter.1.Name=association.main"
                "&Filter.1.Value.1=true")
        st, _, out = self.srv.signed("ec2", body, FORM)
        self.assertEqual(st, 200, out)
        self.assertEqual(out.count(b"<main>true</main>"), 1)

    def test_bad_pagination_token(self):
        st, out = self.ecs("ListTasks", {"cluster": "prod", "nextToken": "bogus"})
        self.assertEqual(out["__type"], "InvalidParameterException")

    def test_garbage_never_kills_the_server(self):
        for body, hdrs in ((b"\xff\xfe", FORM), (b"", {}), (b"{}", {"X-Amz-Target": "x"}),
                           (b"a" * 1000, {"Content-Type": "text/plain"})):
            st, _, _ = self.srv.raw(body, hdrs)
            self.assertGreaterEqual(st, 400)
        c = self.srv.client("ecs")
        self.assertEqual(len(c.list_clusters()["clusterArns"]), 1)


class ServiceStateScenarioTest(unittest.TestCase):
    """What the service-state scenarios (issue 16) rely on: a deleted service
    (INACTIVE) is described but not listed, an unknown task is a MISSING
    failure, PENDING tasks have no startedAt and count as pendingCount, an
    untimed task carries no timestamp at all."""

    def serve(self, name):
        srv = Running(os.path.join(HERE, "scenarios", name + ".json"))
        self.addCleanup(srv.stop)
        return srv.client("ecs")

    def test_inactive_service(self):
        ecs = self.serve("state_service_inactive")
        s = ecs.describe_services(cluster="prod", services=["web-service"])["services"][0]
        self.assertEqual((s["status"], s["desiredCount"], s["runningCount"]), ("INACTIVE", 0, 0))
        self.assertEqual(ecs.list_services(cluster="prod")["serviceArns"], [])

    def test_missing_task_and_pending(self):
        ecs = self.serve("state_tasks_pending")
        r = ecs.describe_tasks(cluster="prod", tasks=["0123456789abcdef0123456789abcdef"])
        self.assertEqual((r["tasks"], r["failures"][0]["reason"]), ([], "MISSING"))
        arns = ecs.list_tasks(cluster="prod", serviceName="web-service")["taskArns"]
        tasks = ecs.describe_tasks(cluster="prod", tasks=arns)["tasks"]
        self.assertEqual([t["lastStatus"] for t in tasks], ["PENDING", "PENDING"])
        self.assertTrue(all("startedAt" not in t and "pullStoppedAt" not in t and "createdAt" in t for t in tasks))
        s = ecs.describe_services(cluster="prod", services=["web-service"])["services"][0]
        self.assertEqual((s["runningCount"], s["pendingCount"]), (0, 2))

    def test_untimed_task(self):
        ecs = self.serve("state_task_untimed")
        arns = ecs.list_tasks(cluster="prod", serviceName="web-service", desiredStatus="STOPPED")["taskArns"]
        t = ecs.describe_tasks(cluster="prod", tasks=arns)["tasks"][0]
        self.assertEqual(t["lastStatus"], "STOPPED")
        self.assertFalse({"createdAt", "startedAt", "stoppingAt", "stoppedAt", "executionStoppedAt",
                          "pullStartedAt", "pullStoppedAt"} & set(t))

    def test_expired_tasks(self):
        ecs = self.serve("state_tasks_expired")
        self.assertEqual(ecs.list_tasks(cluster="prod", desiredStatus="STOPPED")["taskArns"], [])
        s = ecs.describe_services(cluster="prod", services=["web-service"])["services"][0]
        self.assertEqual((s["desiredCount"], s["runningCount"], s["deployments"][0]["rolloutState"]),
                         (4, 0, "IN_PROGRESS"))


class RobustnessTest(unittest.TestCase):
    """Odd but well-formed input must give 4xx answers, never a 500 from a handler bug."""

    @classmethod
    def setUpClass(cls):
        cls.srv = Running(DEMO)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    def test_rich_and_empty_input_for_every_operation(self):
        import botocore as bc
        clients = {}
        for svc, op in selftest.implemented_operations():
            name = {"elasticloadbalancing": "elbv2", "monitoring": "cloudwatch"}.get(svc.scope, svc.model_name)
            c = clients.get(name) or clients.setdefault(name, self.srv.client(name, validate=False))
            full = (selftest.rich_value(op.input_shape) or {}) if op.input_shape is not None else {}
            for params in ({}, full):
                with self.subTest(op=f"{svc.scope}:{op.name}", params=sorted(params)):
                    try:
                        getattr(c, bc.xform_name(op.name))(**params)
                    except ClientError as e:
                        self.assertLess(e.response["ResponseMetadata"]["HTTPStatusCode"], 500, e.response["Error"])

    def test_json_nulls_and_wrong_types(self):
        for svc, op in selftest.implemented_operations():
            if svc.protocol != "json" or op.input_shape is None:
                continue
            for m in op.input_shape.members:
                for v in (None, [None], {}, [], "", -1, [[]], [{}], {"a": None}):
                    st, _, out = self.srv.signed(svc.scope, json.dumps({m: v}),
                                                 json_headers(f"{svc.target_prefix}.{op.name}"))
                    self.assertLess(st, 500, (svc.scope, op.name, m, v, out))


class FaultTest(unittest.TestCase):
    def test_deny(self):
        srv = Running(HEALTHY, deny=["ecs:DescribeTasks,iam:GetRole,ec2:DescribeSubnets"])
        try:
            with self.assertRaises(ClientError) as e:
                srv.client("ecs").describe_tasks(cluster="prod", tasks=["abc"])
            self.assertEqual(code_of(e), "AccessDeniedException")
            self.assertEqual(e.exception.response["Error"]["Message"],
                             "User: arn:aws:iam::123456789012:user/fakeaws is not authorized to perform: "
                             "ecs:DescribeTasks on resource: arn:aws:ecs:us-east-1:123456789012:task/prod/abc "
                             "because no identity-based policy allows the ecs:DescribeTasks action")
            with self.assertRaises(ClientError) as e:
                srv.client("iam").get_role(RoleName="ecsTaskExecutionRole")
            self.assertEqual(code_of(e), "AccessDenied")
            self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
            with self.assertRaises(ClientError) as e:
                srv.client("ec2").describe_subnets()
            self.assertEqual(code_of(e), "UnauthorizedOperation")
            srv.client("ecs").describe_services(cluster="prod", services=["web-service"])  # not denied
        finally:
            srv.stop()

    def test_throttling_codes_per_service(self):
        srv = Running(HEALTHY, throttle_first=["1@ecs", "1@ec2", "1@elbv2", "1@iam:GetRole"])
        try:
            cases = [("ecs", lambda c: c.list_clusters(), "ThrottlingException", 400),
                     ("ec2", lambda c: c.describe_vpcs(), "RequestLimitExceeded", 503),
                     ("elbv2", lambda c: c.describe_load_balancers(), "Throttling", 400),
                     ("iam", lambda c: c.get_role(RoleName="ecsTaskExecutionRole"), "Throttling", 400)]
            for svc, call, code, status in cases:
                c = srv.client(svc)
                with self.assertRaises(ClientError) as e:
                    call(c)
                self.assertEqual((code_of(e), e.exception.response["ResponseMetadata"]["HTTPStatusCode"]),
                                 (code, status), svc)
                call(c)  # only the first is throttled
            # A retrying client recovers.
            srv2 = Running(HEALTHY, throttle_first=["2@ecs:ListClusters"])
            try:
                c = srv2.client("ecs", attempts=4)
                c.list_clusters()
                self.assertEqual([x["error"] for x in srv2.calls()], ["ThrottlingException"] * 2 + [None])
            finally:
                srv2.stop()
        finally:
            srv.stop()

    def test_rate_limit(self):
        srv = Running(HEALTHY, rate_limit=["2/2@ecs:ListClusters"])
        try:
            c = srv.client("ecs")
            codes = []
            for _ in range(4):
                try:
                    c.list_clusters()
                    codes.append("ok")
                except ClientError as e:
                    codes.append(e.response["Error"]["Code"])
            self.assertEqual(codes[:2], ["ok", "ok"])
            self.assertIn("ThrottlingException", codes[2:])
            c.list_services(cluster="prod")  # other operations unaffected
        finally:
            srv.stop()

    def test_rate_limit_group(self):
        # One bucket for the whole group, like an ECS API category.
        srv = Running(HEALTHY, rate_limit_group=["1/2@ecs:ListClusters,ecs:DescribeClusters"])
        try:
            c = srv.client("ecs")
            c.list_clusters()
            c.describe_clusters(clusters=["prod"])
            with self.assertRaises(ClientError) as cm:
                c.list_clusters()
            self.assertEqual(cm.exception.response["Error"]["Code"], "ThrottlingException")
            c.list_services(cluster="prod")  # outside the group
        finally:
            srv.stop()

    def test_5xx_drop_truncate_stall_latency(self):
        srv = Running(HEALTHY, error_first=["1@ecs"], latency=["30@iam"])
        try:
            with self.assertRaises(ClientError) as e:
                srv.client("ecs").list_clusters()
            self.assertEqual((code_of(e), e.exception.response["ResponseMetadata"]["HTTPStatusCode"]),
                             ("ServerException", 500))
            t = time.monotonic()
            srv.client("iam").get_role(RoleName="ecsTaskExecutionRole")
            self.assertGreaterEqual(time.monotonic() - t, 0.03)
        finally:
            srv.stop()
        srv = Running(HEALTHY, drop_rate=["1.0@ecs:ListClusters"], truncate_rate=["1.0@ecs:ListServices"],
                      stall_rate=["1.0@ec2"], stall_seconds=5)
        try:
            with self.assertRaises(Exception) as e:
                srv.client("ecs").list_clusters()
            self.assertNotIsInstance(e.exception, ClientError)
            st = None
            conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
            req = AWSRequest(method="POST", url=srv.url + "/", data=b'{"cluster":"prod"}',
                             headers=json_headers("AmazonEC2ContainerServiceV20141113.ListServices"))
            SigV4Auth(Credentials(AKID, SECRET), "ecs", "us-east-1").add_auth(req)
            conn.request("POST", "/", body=req.body, headers=dict(req.headers.items()))
            r = conn.getresponse()
            st = r.status
            with self.assertRaises(http.client.IncompleteRead):
                r.read()
            conn.close()
            self.assertEqual(st, 200)
            t = time.monotonic()
            with self.assertRaises(Exception) as e:
                srv.client("ec2", read_timeout=0.5, connect_timeout=1).describe_vpcs()
            self.assertIn("timeout", type(e.exception).__name__.lower() + str(e.exception).lower())
            self.assertLess(time.monotonic() - t, 4)
            self.assertEqual(srv.client("iam").get_role(RoleName="ecsTaskExecutionRole")["Role"]["RoleName"],
                             "ecsTaskExecutionRole")
        finally:
            srv.stop()


class WireSelfTest(unittest.TestCase):
    def test_every_operation_roundtrips_through_botocore_parsers(self):
        n, failures = selftest.run()
        self.assertGreaterEqual(n, 60)
        self.assertEqual(failures, [])


class ScenarioTest(unittest.TestCase):
    def test_shipped_scenarios_load(self):
        d = os.path.join(HERE, "scenarios")
        names = sorted(f for f in os.listdir(d) if f.endswith(".json"))
        self.assertIn("demo.json", names)
        self.assertIn("healthy.json", names)
        for f in names:
            with self.subTest(scenario=f):
                scenario.load(os.path.join(d, f))

    def test_dangling_references_are_reported(self):
        self.assertEqual(scenario.load(DEMO).dangling(), [])
        self.assertEqual(scenario.load(HEALTHY).dangling(), [])
        sc = scenario.Scenario({"ecs": {"services": [{"serviceName": "a", "taskDefinition": "nope:1",
                                                       "loadBalancers": [{"targetGroupArn": "gone-tg"}]}]}})
        found = "\n".join(sc.dangling())
        self.assertIn("task definition", found)
        self.assertIn("gone-tg", found)

    def test_typos_are_load_errors(self):
        with self.assertRaises(scenario.ScenarioError) as e:
            scenario.Scenario({"ecs": {"services": [{"serviceName": "a", "desiredcount": 1}]}})
        self.assertIn("desiredcount", str(e.exception))
        with self.assertRaises(scenario.ScenarioError):
            scenario.Scenario({"ecs": {"servicez": []}})
        with self.assertRaises(scenario.ScenarioError):
            scenario.Scenario({"ecs": {"tasks": [{"createdAt": "yesterday"}]}})

    def test_relative_times_and_defaults(self):
        now = datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc)
        sc = scenario.Scenario({"ecs": {"services": [{"serviceName": "a", "createdAt": "-15m"}],
                                        "tasks": [{"service": "a", "count": 3}]}}, now=now)
        s = sc.idx.services[("default", "a")]
        self.assertEqual(s["createdAt"], now - datetime.timedelta(minutes=15))
        self.assertEqual(s["serviceArn"], "arn:aws:ecs:us-east-1:123456789012:service/default/a")
        self.assertEqual(s["runningCount"], 3)
        self.assertEqual(len({t["taskArn"] for t in sc.r[("ecs", "tasks")]}), 3)
        sc2 = scenario.Scenario({"ecs": {"services": [{"serviceName": "a", "createdAt": "-15m"}],
                                         "tasks": [{"service": "a", "count": 3}]}}, now=now)
        self.assertEqual([t["taskArn"] for t in sc.r[("ecs", "tasks")]],
                         [t["taskArn"] for t in sc2.r[("ecs", "tasks")]], "deterministic ids")

    def test_pinned_now(self):
        sc = scenario.Scenario({"now": "2030-06-01T12:00:00Z", "ecs": {"clusters": [{"clusterName": "c"}],
                                "services": [{"cluster": "c", "serviceName": "s", "createdAt": "-1h"}]}})
        self.assertEqual(sc.idx.services[("c", "s")]["createdAt"].isoformat(), "2030-06-01T11:00:00+00:00")

    def test_gen_large(self):
        tmp = tempfile.mkdtemp()
        try:
            out = os.path.join(tmp, "large.json")
            subprocess.run([sys.executable, os.path.join(HERE, "gen_large.py"), "--services", "30", "--stopped", "300",
                            "-o", out], check=True)
            sc = scenario.load(out)
            stopped = [t for t in sc.r[("ecs", "tasks")] if t["lastStatus"] == "STOPPED"]
            self.assertEqual((len(sc.idx.services), len(stopped)), (30, 300))
        finally:
            shutil.rmtree(tmp)


class CommandLineTest(unittest.TestCase):
    """fakeaws-ctl / fakeaws-server as ctest fixtures and the README demo use them."""

    def test_ctl_start_stop(self):
        tmp = tempfile.mkdtemp()
        ctl = os.path.join(HERE, "fakeaws-ctl")
        try:
            port = subprocess.run([ctl, "start", "-d", tmp], check=True, capture_output=True,
                                  text=True).stdout.strip()
            self.assertTrue(port.isdigit())
            env_lines = subprocess.run([ctl, "env", "-d", tmp], check=True, capture_output=True, text=True).stdout
            self.assertIn(f"AWS_ENDPOINT_URL=http://127.0.0.1:{port}", env_lines)
            with open(os.path.join(tmp, "pid")) as f:
                pid = int(f.read())
            subprocess.run([ctl, "stop", "-d", tmp], check=True)
            self.assertFalse(os.path.exists(os.path.join(tmp, "pid")))
            with self.assertRaises(ProcessLookupError):
                for _ in range(50):
                    os.kill(pid, 0)
                    time.sleep(0.05)
            with open(os.path.join(tmp, "server.log")) as f:
                self.assertIn("listening on", f.read())
        finally:
            subprocess.run([ctl, "stop", "-d", tmp])
            shutil.rmtree(tmp)

    def test_ctl_run_wraps_a_command(self):
        tmp = tempfile.mkdtemp()
        ctl = os.path.join(HERE, "fakeaws-ctl")
        try:
            probe = ('import os,sys,urllib.request; u=os.environ["AWS_ENDPOINT_URL"]; '
                     'assert os.environ["AWS_ACCESS_KEY_ID"]=="%s"; '
                     'print(urllib.request.urlopen(u+"/_fakeaws/health").status); sys.exit(7)' % AKID)
            r = subprocess.run([ctl, "run", "-d", tmp, "-s", HEALTHY, "--", sys.executable, "-c", probe],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual((r.returncode, r.stdout.strip()), (7, "200"), r.stderr)
            self.assertFalse(os.path.exists(os.path.join(tmp, "pid")), "server stopped afterwards")
        finally:
            subprocess.run([ctl, "stop", "-d", tmp])
            shutil.rmtree(tmp)

    @unittest.skipUnless(shutil.which("aws"), "aws CLI not installed")
    def test_aws_cli_against_demo(self):
        tmp = tempfile.mkdtemp()
        ctl = os.path.join(HERE, "fakeaws-ctl")
        try:
            port = subprocess.run([ctl, "start", "-d", tmp, "-s", DEMO], check=True, capture_output=True,
                                  text=True).stdout.strip()
            self._aws_cli(port)
        finally:
            subprocess.run([ctl, "stop", "-d", tmp])
            shutil.rmtree(tmp)

    def _aws_cli(self, port):
        env = dict(os.environ, AWS_ACCESS_KEY_ID=AKID, AWS_SECRET_ACCESS_KEY=SECRET, AWS_DEFAULT_REGION="us-east-1")
        env.pop("AWS_SESSION_TOKEN", None)
        env.pop("AWS_PROFILE", None)

        def aws(*args):
            r = subprocess.run(["aws", "--endpoint-url", f"http://127.0.0.1:{port}", "--region", "us-east-1",
                                "--output", "json", *args], env=env, capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            return json.loads(r.stdout)
        s = aws("ecs", "describe-services", "--cluster", "prod", "--services", "web-service")["services"][0]
        self.assertEqual((s["serviceName"], s["runningCount"]), ("web-service", 2))
        th = aws("elbv2", "describe-target-health", "--target-group-arn", TG_ARN)["TargetHealthDescriptions"]
        self.assertEqual(sorted(d["TargetHealth"]["State"] for d in th), ["draining", "healthy", "unhealthy"])
        sgs = aws("ec2", "describe-security-groups")["SecurityGroups"]
        self.assertIn("web-service-sg", [g["GroupName"] for g in sgs])
        role = aws("iam", "get-role", "--role-name", "ecsTaskExecutionRole")["Role"]
        self.assertEqual(role["Arn"], "arn:aws:iam::123456789012:role/ecsTaskExecutionRole")

    def test_server_sigterm_and_port_file(self):
        tmp = tempfile.mkdtemp()
        try:
            pf = os.path.join(tmp, "port")
            p = subprocess.Popen([os.path.join(HERE, "fakeaws-server"), "-s", HEALTHY, "--port", "0",
                                  "--port-file", pf], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(200):
                if os.path.exists(pf):
                    break
                time.sleep(0.05)
            with open(pf) as f:
                port = int(f.read())
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/_fakeaws/health")
            self.assertEqual(conn.getresponse().status, 200)
            conn.close()
            p.send_signal(signal.SIGTERM)
            self.assertEqual(p.wait(timeout=10), 0)
            p.stdout.close()
            p.stderr.close()
        finally:
            shutil.rmtree(tmp)

    def test_fakeaws_calls_assertions(self):
        srv = Running(HEALTHY)
        try:
            c = srv.client("ecs")
            arns = c.list_tasks(cluster="prod")["taskArns"]
            c.describe_tasks(cluster="prod", tasks=arns)
            with self.assertRaises(ClientError):
                c.update_service(cluster="prod", service="web-service", desiredCount=1)
            tool = os.path.join(HERE, "fakeaws-calls")
            ok = subprocess.run([tool, srv.log_path, "--max-batch", "ecs:DescribeTasks:tasks=100",
                                 "--max-calls", "ecs:DescribeTasks=1", "--min-calls", "ecs:List*=1", "--json"],
                                capture_output=True, text=True)
            self.assertEqual(ok.returncode, 0, ok.stderr)
            self.assertEqual(json.loads(ok.stdout)["mutating"], ["ecs:UpdateService"])
            bad = subprocess.run([tool, srv.log_path, "--no-mutating", "--max-batch", "ecs:DescribeTasks:tasks=1"],
                                 capture_output=True, text=True)
            self.assertEqual(bad.returncode, 1)
            self.assertIn("ecs:UpdateService", bad.stderr)
            self.assertIn("batch of 2", bad.stderr)
        finally:
            srv.stop()

    def test_check_rejects_bad_scenario(self):
        tmp = tempfile.mkdtemp()
        try:
            bad = os.path.join(tmp, "bad.json")
            with open(bad, "w") as f:
                json.dump({"ecs": {"clusters": [{"clusterNme": "x"}]}}, f)
            r = subprocess.run([os.path.join(HERE, "fakeaws-server"), "-s", bad, "--check"], capture_output=True,
                               text=True)
            self.assertEqual(r.returncode, 2)
            self.assertIn("clusterNme", r.stderr)
        finally:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    unittest.main()
