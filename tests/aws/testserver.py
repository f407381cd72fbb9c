#!/usr/bin/python3
"""A tiny local AWS look-alike for the aws client's unit tests (never a real
address). Listens on 127.0.0.1, port 0; prints the port on its first stdout
line. Behaviour is chosen by the request itself (an ECS cluster name such as
"throttle-2", an EC2 filter value...), counters are per behaviour key.

Every signed request is checked with botocore's own SigV4 signer (an
independent implementation): a mismatch answers 403 SignatureDoesNotMatch.

With "--tls CERT KEY" it speaks HTTPS. Control endpoints: GET /__log (requests seen, JSON), GET /__stats
(count, max concurrent), POST /__reset.
"""
import datetime
import json
import re
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SECRETS = {
    "AKIDTESTCLIENT": "TESTSECRETdoNotLeak/0123456789abcdefXYZ",
    "ASIATEMPROLE": "ROLESECRETdoNotLeak/0123456789abcdefXYZ",
    "ASIAWEBIDENT": "WEBIDSECRETdoNotLeak/0123456789abcdefXY",
    "ASIACONTAINER": "CONTAINERSECRETdoNotLeak/0123456789abcd",
    "ASIAIMDS": "IMDSSECRETdoNotLeak/0123456789abcdefXYZ",
    "AKIDPROFILE": "PROFILESECRETdoNotLeak/0123456789abcdef",
    "AKIDPROCESS": "PROCESSSECRETdoNotLeak/0123456789abcdef",
    "ASIASSO": "SSOSECRETdoNotLeak/0123456789abcdefXYZa",
}
EXPIRY = "2099-01-01T00:00:00Z"

lock = threading.Lock()
counters = {}
log = []
state = {"inflight": 0, "max_inflight": 0, "count": 0}
slow_now, slow_max = {}, {}  # per "slow-N" key: requests sleeping now / at most


def bump(key):
    with lock:
        counters[key] = counters.get(key, 0) + 1
        return counters[key]


def verify_sigv4(method, path, headers, body):
    """Recomputes the signature with botocore from the signed headers."""
    authz = headers.get("Authorization", "")
    m = re.match(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                 r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$", authz)
    if not m:
        return "malformed Authorization"
    akid, _, region, service, signed, sig = m.groups()
    secret = SECRETS.get(akid)
    if secret is None:
        return "unknown access key"
    req = AWSRequest(method=method, url="http://%s%s" % (headers["Host"], path), data=body)
    for h in signed.split(";"):
        if h not in ("x-amz-date",):
            req.headers[h] = headers.get(h, "")
    amz = headers.get("X-Amz-Date", "")
    fixed = datetime.datetime.strptime(amz, "%Y%m%dT%H%M%SZ")
    token = headers.get("X-Amz-Security-Token")
    auth = SigV4Auth(Credentials(akid, secret, token), service, region)
    with mock.patch("botocore.auth.datetime") as dt:
        dt.datetime.utcnow.return_value = fixed
        dt.datetime.now.return_value = fixed
        if "X-Amz-Security-Token" in req.headers:
            del req.headers["X-Amz-Security-Token"]
        auth.add_auth(req)
    want = req.headers["Authorization"]
    if want != authz:
        return "signature mismatch: want %s" % want
    return None


def xml_result(op, inner, ns="https://example.amazonaws.com/doc/"):
    return ("<%sResponse xmlns=\"%s\"><%sResult>%s</%sResult>"
            "<ResponseMetadata><RequestId>req-%s-1</RequestId></ResponseMetadata></%sResponse>"
            % (op, ns, op, inner, op, op.lower(), op))


def query_error(code, msg, status=400):
    return status, "text/xml", ("<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code>"
                                "<Message>%s</Message></Error><RequestId>qerr-1</RequestId>"
                                "</ErrorResponse>" % (code, msg))


def creds_xml(op, akid):
    return xml_result(op, "<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s"
                          "</SecretAccessKey><SessionToken>TOKEN-%s-doNotLeak</SessionToken>"
                          "<Expiration>%s</Expiration></Credentials>" % (akid, SECRETS[akid], akid, EXPIRY))


def behave(key):
    """Shared behaviours; returns a response tuple or None for 'answer OK'."""
    m = re.match(r"(throttle|err500|garbage|drop|slow|notfound|denied|ec2throttle)-?(\d*)$", key or "")
    if not m:
        return None
    kind, n = m.group(1), int(m.group(2) or 1)
    if kind == "slow":
        with lock:
            slow_now[key] = slow_now.get(key, 0) + 1
            slow_max[key] = max(slow_max.get(key, 0), slow_now[key])
        time.sleep(n / 1000.0)
        with lock:
            slow_now[key] -= 1
        return None
    if kind == "denied":
        return 400, "application/x-amz-json-1.1", json.dumps(
            {"__type": "com.amazonaws.ecs#AccessDeniedException", "Message": "not allowed"})
    if kind == "notfound":
        return 400, "application/x-amz-json-1.1", json.dumps(
            {"__type": "ClusterNotFoundException", "message": "Cluster not found."})
    if bump(key) > n:
        return None
    if kind == "throttle":
        return 400, "application/x-amz-json-1.1", json.dumps(
            {"__type": "com.amazon.coral.availability#ThrottlingException", "message": "Rate exceeded"})
    if kind == "err500":
        return 503, "application/x-amz-json-1.1", json.dumps({"__type": "ServiceUnavailableException"})
    if kind == "garbage":
        return 200, "application/x-amz-json-1.1", '{"clusters": [ truncated'
    if kind == "drop":
        return "drop"
    return None


SKEW = 3600


def ecs(op, p, headers=None):
    if op == "DescribeClusters":
        name = (p.get("clusters") or ["default"])[0]
        if name == "skewed":
            # This "AWS" runs an hour ahead: requests must be signed with its time.
            amz = datetime.datetime.strptime(headers.get("X-Amz-Date", ""), "%Y%m%dT%H%M%SZ")
            now = datetime.datetime.utcnow() + datetime.timedelta(seconds=SKEW)
            date = (now).strftime("%a, %d %b %Y %H:%M:%S GMT")
            if abs((now - amz).total_seconds()) > 300:
                return 400, "application/x-amz-json-1.1", json.dumps(
                    {"__type": "InvalidSignatureException",
                     "message": "Signature expired: is now earlier than ..."}), {"Date": date}
            return 200, "application/x-amz-json-1.1", json.dumps(
                {"clusters": [{"clusterName": name}], "failures": []}), {"Date": date}
        r = behave(name)
        if r:
            return r
        if name == "hostile-text":
            # A hostile endpoint: escapes and raw invalid UTF-8 in an error
            # message and in an answer's values.
            return 400, "application/x-amz-json-1.1", (
                '{"__type": "InvalidParameterException", "message": "bad \\u001b]52;c;eA==\\u0007 \udcff\udcfe end"}')
        if name == "hostile-value":
            return 200, "application/x-amz-json-1.1", (
                '{"clusters": [{"clusterName": "x\udcffy", "status\udcfe": "ACTIVE"}], "failures": []}')
        return 200, "application/x-amz-json-1.1", json.dumps(
            {"clusters": [{"clusterName": name, "status": "ACTIVE"}], "failures": []})
    if op == "ListTasks":
        cluster = p.get("cluster", "")
        tok = p.get("nextToken")
        if cluster == "loop":
            return 200, "application/x-amz-json-1.1", json.dumps({"taskArns": ["t-loop"], "nextToken": "same"})
        pages = {None: (["t1", "t2"], "p2"), "p2": (["t3", "t4"], "p3"), "p3": (["t5"], None)}
        arns, nxt = pages[tok]
        body = {"taskArns": arns}
        if nxt:
            body["nextToken"] = nxt
        return 200, "application/x-amz-json-1.1", json.dumps(body)
    return 400, "application/x-amz-json-1.1", json.dumps({"__type": "UnknownOperationException"})


def ec2(op, form):
    if op == "DescribeSubnets":
        if form.get("Filter.1.Value.1") == "unauthorized":
            return 400, "text/xml", ("<Response><Errors><Error><Code>UnauthorizedOperation</Code>"
                                     "<Message>You are not authorized</Message></Error></Errors>"
                                     "<RequestID>ec2err-1</RequestID></Response>")
        if form.get("Filter.1.Value.1") == "doctype":
            # An entity expansion bomb (billion laughs): 10 levels of 10x.
            ents = '<!ENTITY l0 "lol">' + "".join(
                '<!ENTITY l%d "%s">' % (i, ("&l%d;" % (i - 1)) * 10) for i in range(1, 10))
            return 200, "text/xml", ('<?xml version="1.0"?><!DOCTYPE r [%s]>'
                                     "<DescribeSubnetsResponse><requestId>bomb</requestId><subnetSet><item>"
                                     "<subnetId>&l9;</subnetId></item></subnetSet></DescribeSubnetsResponse>" % ents)
        if form.get("Filter.1.Value.1") == "doctype-error":
            return 400, "text/xml", ('<!DOCTYPE r [<!ENTITY x "boom">]><Response><Errors><Error>'
                                     "<Code>&x;</Code><Message>&x;</Message></Error></Errors></Response>")
        if form.get("Filter.1.Value.1") == "empty":
            return 200, "text/xml", ("<DescribeSubnetsResponse><requestId>ec2-empty</requestId>"
                                     "<subnetSet/></DescribeSubnetsResponse>")
        tok = form.get("NextToken")
        sub = "subnet-b" if tok == "n2" else "subnet-a"
        nxt = "" if tok == "n2" else "<nextToken>n2</nextToken>"
        return 200, "text/xml", ("<DescribeSubnetsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                                 "<requestId>ec2-req-%s</requestId><subnetSet><item><subnetId>%s</subnetId>"
                                 "<mapPublicIpOnLaunch>false</mapPublicIpOnLaunch><tagSet/></item></subnetSet>%s"
                                 "</DescribeSubnetsResponse>" % (tok or "1", sub, nxt))
    return query_error("InvalidAction", "unknown")


def elbv2(op, form):
    if op == "DescribeTargetGroups":
        marker = form.get("Marker")
        nxt = "" if marker == "m2" else "<NextMarker>m2</NextMarker>"
        name = "tg-2" if marker == "m2" else "tg-1"
        return 200, "text/xml", xml_result(op, "<TargetGroups><member><TargetGroupName>%s</TargetGroupName>"
                                               "<Port>80</Port></member></TargetGroups>%s" % (name, nxt))
    if op == "DescribeTargetHealth":
        return query_error("TargetGroupNotFound", "One or more target groups not found")
    return query_error("InvalidAction", "unknown")


def iam(op, form):
    if op == "ListRolePolicies":
        marker = form.get("Marker")
        if marker == "im2":
            return 200, "text/xml", xml_result(op, "<PolicyNames><member>p3</member></PolicyNames>"
                                                   "<IsTruncated>false</IsTruncated>")
        return 200, "text/xml", xml_result(op, "<PolicyNames><member>p1</member><member>p2</member>"
                                               "</PolicyNames><IsTruncated>true</IsTruncated><Marker>im2</Marker>")
    return query_error("NoSuchEntity", "The role cannot be found", 404)


def sts(op, form, headers):
    if op == "GetCallerIdentity":
        return 200, "text/xml", xml_result(op, "<Arn>arn:aws:iam::123456789012:user/tester</Arn>"
                                               "<UserId>AIDATEST</UserId><Account>123456789012</Account>")
    if op == "AssumeRole":
        if form.get("RoleArn") == "arn:aws:iam::123456789012:role/deny":
            return query_error("AccessDenied", "not authorized to assume", 403)
        if form.get("ExternalId", "ext-ok") != "ext-ok":
            return query_error("AccessDenied", "bad external id", 403)
        return 200, "text/xml", creds_xml(op, "ASIATEMPROLE")
    if op == "AssumeRoleWithWebIdentity":
        if form.get("WebIdentityToken") != "web-identity-token-doNotLeak":
            return query_error("InvalidIdentityToken", "bad token")
        return 200, "text/xml", creds_xml(op, "ASIAWEBIDENT")
    return query_error("InvalidAction", "unknown")


def endpoint_creds(akid):
    return json.dumps({"Code": "Success", "AccessKeyId": akid, "SecretAccessKey": SECRETS[akid],
                       "Token": "TOKEN-%s-doNotLeak" % akid, "Expiration": EXPIRY})


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def date_header(self):
        """The server's clock; an hour ahead for "skewed" requests."""
        return None

    def answer(self, status, ctype, body, extra=None):
        # surrogateescape: a body may carry raw invalid UTF-8 ("\udcff" -> 0xff).
        data = body.encode("utf-8", "surrogateescape")
        extra = dict(extra or {})
        self.send_response_only(status)
        self.send_header("Server", "testserver")
        self.send_header("Date", extra.pop("Date", self.date_time_string()))
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "hdr-req-%d" % state["count"])
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self):
        self.route("PUT")

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def route(self, method):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        path = self.path
        if path == "/__log":
            with lock:
                return self.answer(200, "application/json", json.dumps(log))
        if path == "/__stats":
            with lock:
                return self.answer(200, "application/json", json.dumps(
                    {"count": state["count"], "max_inflight": state["max_inflight"],
                     "slow_max": slow_max}))
        if path == "/__reset":
            with lock:
                log.clear()
                counters.clear()
                state.update(count=0, max_inflight=0)
            return self.answer(200, "application/json", "{}")
        with lock:
            state["count"] += 1
            state["inflight"] += 1
            state["max_inflight"] = max(state["max_inflight"], state["inflight"])
            log.append({"method": method, "path": path, "headers": dict(self.headers.items()),
                        "body": body.decode("utf-8", "replace")})
        try:
            r = self.dispatch(method, path, body)
        finally:
            with lock:
                state["inflight"] -= 1
        if r == "drop":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.answer(*r)

    def dispatch(self, method, path, body):
        h = self.headers
        # An IMDSv1-only metadata service: no token API (403), keys without a token.
        if path.startswith("/v1only/latest/"):
            if path == "/v1only/latest/api/token":
                return 403, "text/plain", "Forbidden"
            if h.get("X-aws-ec2-metadata-token") is not None:
                return 400, "text/plain", "unexpected token"
            role = path.rsplit("/", 1)[1]
            if path.startswith("/v1only/latest/meta-data/iam/security-credentials/"):
                return (200, "text/plain", "v1-role") if not role else \
                    (200, "application/json", endpoint_creds("ASIAIMDS"))
            return 404, "text/plain", "not found"
        # EC2 instance metadata (IMDSv2).
        if path == "/latest/api/token":
            if method != "PUT" or not h.get("X-aws-ec2-metadata-token-ttl-seconds"):
                return 400, "text/plain", "bad token request"
            return 200, "text/plain", "IMDS-SESSION-TOKEN"
        if path.startswith("/latest/meta-data/iam/security-credentials/"):
            if h.get("X-aws-ec2-metadata-token") != "IMDS-SESSION-TOKEN":
                return 401, "text/plain", "unauthorized"
            role = path.rsplit("/", 1)[1]
            if not role:
                return 200, "text/plain", "test-role"
            return 200, "application/json", endpoint_creds("ASIAIMDS")
        # IAM Identity Center portal: GetRoleCredentials (rest-json, bearer
        # token, no SigV4), as botocore's sso model describes it.
        if path.startswith("/federation/credentials"):
            q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query))
            if method != "GET" or "role_name" not in q or "account_id" not in q:
                return 400, "application/json", json.dumps({"message": "missing role_name or account_id"})
            if h.get("x-amz-sso_bearer_token") != "sso-access-token-doNotLeak":
                return 401, "application/json", json.dumps({"message": "Session token not found or invalid"})
            if q["role_name"] == "NoSuchRole":
                return 403, "application/json", json.dumps({"message": "No access"})
            return 200, "application/json", json.dumps({"roleCredentials": {
                "accessKeyId": "ASIASSO", "secretAccessKey": SECRETS["ASIASSO"],
                "sessionToken": "TOKEN-ASIASSO-doNotLeak", "expiration": 4070908800000}})
        # ECS container credentials.
        if path.startswith("/creds/"):
            if path == "/creds/auth" and h.get("Authorization") != "container-auth-doNotLeak":
                return 401, "application/json", "{}"
            return 200, "application/json", endpoint_creds("ASIACONTAINER")
        if method != "POST":
            return 404, "text/plain", "not found"
        problem = verify_sigv4(method, path, h, body)
        if problem is not None and not body.startswith(b"Action=AssumeRoleWithWebIdentity"):
            return 403, "text/xml", "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>%s" \
                                    "</Message></Error><RequestId>sig-1</RequestId></ErrorResponse>" % problem
        target = h.get("X-Amz-Target")
        if target:
            if h.get("Content-Type") != "application/x-amz-json-1.1":
                return 400, "application/json", json.dumps({"__type": "BadContentType"})
            prefix, op = target.rsplit(".", 1)
            p = json.loads(body or b"{}")
            if prefix == "AmazonEC2ContainerServiceV20141113":
                return ecs(op, p, h)
            return 400, "application/json", json.dumps({"__type": "UnknownService"})
        form = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
        op = form.get("Action")
        svc = re.search(r"/[0-9]{8}/[^/]+/([^/]+)/aws4_request", h.get("Authorization", ""))
        svc = svc.group(1) if svc else "sts"
        if svc == "ec2":
            return ec2(op, form)
        if svc == "elasticloadbalancing":
            return elbv2(op, form)
        if svc == "iam":
            return iam(op, form)
        if svc == "sts":
            return sts(op, form, h)
        return query_error("UnknownService", svc)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default backlog of 5 drops concurrent SYNs (1 s retry)

    def handle_error(self, request, client_address):
        # Clients that time out on purpose close their end: not an error here.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    if len(sys.argv) == 4 and sys.argv[1] == "--tls":
        # HTTPS with a test certificate: for TLS verification / CA bundle tests.
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[2], sys.argv[3])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.daemon_threads = True
    print(srv.server_address[1], flush=True)
    # Exit when the test closes our stdin (no orphan servers).
    threading.Thread(target=lambda: (sys.stdin.read(), srv.shutdown()), daemon=True).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
