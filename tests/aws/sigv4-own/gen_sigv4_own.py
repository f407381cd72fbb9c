#!/usr/bin/python3
"""Generates tests/aws/sigv4-own/cases.json with botocore's SigV4Auth, an
independent signer, so the project's signer is checked against more than the
AWS suite: several services, query strings with reserved characters, session
tokens and POST bodies (JSON 1.1 and Query form bodies).

Run with Debian's python3 (python3-botocore):
    /usr/bin/python3 tests/aws/sigv4-own/gen_sigv4_own.py > tests/aws/sigv4-own/cases.json
"""
import datetime
import json
from unittest import mock

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

# Query strings are given already encoded the way a client sends them ("~"
# unencoded, RFC 3986): botocore copies an encoded query into the canonical
# request as is, while the SigV4 spec (and our signer, and AWS) decode and
# re-encode, so "%7E" would be a difference in input, not in signing.
AMZ_DATE = "20240315T101502Z"
FIXED = datetime.datetime(2024, 3, 15, 10, 15, 2)

CASES = [
    dict(name="ecs-json-describe-services", service="ecs", region="eu-west-1",
         host="ecs.eu-west-1.amazonaws.com", method="POST", path="/", query="",
         headers=[("Content-Type", "application/x-amz-json-1.1"),
                  ("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.DescribeServices")],
         body='{"cluster":"prod","services":["web"]}', token=None),
    dict(name="ecs-json-session-token", service="ecs", region="us-east-1",
         host="ecs.us-east-1.amazonaws.com", method="POST", path="/", query="",
         headers=[("Content-Type", "application/x-amz-json-1.1"),
                  ("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListTasks")],
         body='{"cluster":"arn:aws:ecs:us-east-1:123456789012:cluster/prod","desiredStatus":"STOPPED"}',
         token="FwoGZXIvYXdzEBYaDHqa0AP/+Session+Token/=="),
    dict(name="ec2-query-filters", service="ec2", region="ap-southeast-2",
         host="ec2.ap-southeast-2.amazonaws.com", method="POST", path="/", query="",
         headers=[("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
         body="Action=DescribeSubnets&Version=2016-11-15&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-0abc%2F1&SubnetId.1=subnet-1",
         token=None),
    dict(name="elbv2-query-members", service="elasticloadbalancing", region="us-west-2",
         host="elasticloadbalancing.us-west-2.amazonaws.com", method="POST", path="/", query="",
         headers=[("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
         body="Action=DescribeTargetHealth&Version=2015-12-01&TargetGroupArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-west-2%3A123456789012%3Atargetgroup%2Fweb%2F0123456789abcdef",
         token="IQoJb3JpZ2luX2VjEXAMPLE"),
    dict(name="iam-global-us-east-1", service="iam", region="us-east-1",
         host="iam.amazonaws.com", method="POST", path="/", query="",
         headers=[("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
         body="Action=GetRole&Version=2010-05-08&RoleName=ecsTaskExecutionRole", token=None),
    dict(name="sts-get-query-reserved-chars", service="sts", region="eu-central-1",
         host="sts.eu-central-1.amazonaws.com", method="GET", path="/",
         query="Action=GetCallerIdentity&Version=2011-06-15&X=a%20b%2Bc%26d%3De&Y=~-_.%21%2A%27%28%29&Empty=",
         headers=[], body="", token=None),
    dict(name="logs-query-sorting", service="logs", region="us-east-1",
         host="logs.us-east-1.amazonaws.com", method="GET", path="/",
         query="b=2&a=3&a=1&A=0&%C3%A9t%C3%A9=summer&c=%2F%3F%23%5B%5D%40",
         headers=[("X-Amz-Target", "Logs_20140328.DescribeLogGroups")], body="", token="tok/en+=="),
    dict(name="secretsmanager-json-unicode-body", service="secretsmanager", region="cn-north-1",
         host="secretsmanager.cn-north-1.amazonaws.com.cn", method="POST", path="/", query="",
         headers=[("Content-Type", "application/x-amz-json-1.1"),
                  ("X-Amz-Target", "secretsmanager.DescribeSecret")],
         body='{"SecretId":"prod/db/p\u00e4ssword"}', token=None),
    dict(name="monitoring-query-header-whitespace", service="monitoring", region="us-gov-west-1",
         host="monitoring.us-gov-west-1.amazonaws.com", method="POST", path="/", query="",
         headers=[("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                  ("X-Custom", "  spaced   out\tvalue  ")],
         body="Action=GetMetricData&Version=2010-08-01&MetricDataQueries.member.1.Id=m1&StartTime=2024-03-15T09%3A00%3A00Z",
         token=None),
    dict(name="application-autoscaling-json", service="application-autoscaling", region="eu-west-3",
         host="application-autoscaling.eu-west-3.amazonaws.com", method="POST", path="/", query="",
         headers=[("Content-Type", "application/x-amz-json-1.1"),
                  ("X-Amz-Target", "AnyScaleFrontendService.DescribeScalableTargets")],
         body='{"ServiceNamespace":"ecs","ResourceIds":["service/prod/web"]}', token="S3SSION"),
]

class RecordingSigV4(SigV4Auth):
    """botocore's signer, unchanged, remembering its intermediate artefacts."""

    def canonical_request(self, request):
        self.creq = super().canonical_request(request)
        return self.creq

    def string_to_sign(self, request, canonical_request):
        self.sts = super().string_to_sign(request, canonical_request)
        return self.sts


AK, SK = "AKIDOWNCASES0000TEST", "ownCasesSecretKey/with+Reserved=Chars0000"


def sign(c):
    creds = Credentials(AK, SK, c["token"])
    url = "https://%s%s" % (c["host"], c["path"]) + ("?" + c["query"] if c["query"] else "")
    req = AWSRequest(method=c["method"], url=url, data=c["body"].encode("utf-8"))
    req.headers["Host"] = c["host"]
    for k, v in c["headers"]:
        req.headers[k] = v
    auth = RecordingSigV4(creds, c["service"], c["region"])
    with mock.patch("botocore.auth.datetime") as dt:
        dt.datetime.utcnow.return_value = FIXED
        dt.datetime.now.return_value = FIXED
        auth.add_auth(req)
    creq, sts = auth.creq, auth.sts
    assert req.headers["X-Amz-Date"] == AMZ_DATE, req.headers["X-Amz-Date"]
    return dict(name=c["name"], service=c["service"], region=c["region"], method=c["method"],
                path=c["path"], query=c["query"], body=c["body"], access_key=AK, secret_key=SK,
                token=c["token"], amz_date=AMZ_DATE,
                headers=[dict(name="Host", value=c["host"])] +
                        [dict(name=k, value=v) for k, v in c["headers"]],
                canonical_request=creq, string_to_sign=sts,
                authorization=req.headers["Authorization"])


if __name__ == "__main__":
    print(json.dumps([sign(c) for c in CASES], indent=1, ensure_ascii=False))
