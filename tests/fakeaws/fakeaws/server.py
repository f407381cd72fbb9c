"""The HTTP server and the request pipeline.

One POST / endpoint serves every service.  For each request:

  1. read the body (Content-Length or chunked)
  2. route: credential-scope service -> X-Amz-Target prefix -> Query Version
  3. find the operation in botocore's model (unknown -> UnknownOperation /
     InvalidAction, worded per protocol)
  4. verify the SigV4 signature (sigv4.py)
  5. refuse mutating operations; apply --deny
  6. inject faults (latency, throttling, 5xx, drops, truncation, stalls)
  7. decode + validate parameters against the input shape
  8. call the handler, serialize its result with the output shape
  9. append a call-log record

Any unexpected exception becomes a 500 InternalFailure for that request
only; the connection thread survives.
"""

import http.server
import importlib
import json
import re
import socket
import sys
import threading
import time
import traceback
import urllib.parse
import uuid

from . import errors, services, sigv4, validate, wire
from .errors import AwsError
from .handlers import Context

MAX_BODY = 16 * 1024 * 1024
VERSION_TO_SERVICE = {
    "2015-12-01": "elasticloadbalancing", "2016-11-15": "ec2", "2010-05-08": "iam",
    "2011-06-15": "sts", "2010-08-01": "monitoring",
}
# Mutating by name, but served: STS hands out credentials the fake then honours.
SERVED_ANYWAY = {("sts", "AssumeRole"), ("sts", "AssumeRoleWithWebIdentity")}


class _Drop(Exception):
    """Close the connection without answering (fault injection)."""


class FakeAws:
    """Server state shared by all handler threads."""

    def __init__(self, scenario, faults, call_log, quiet=True):
        self.sc = scenario
        self.faults = faults
        self.log = call_log
        self.quiet = quiet
        self.store = sigv4.CredentialStore(scenario.credentials)
        self.stopping = threading.Event()
        self._handlers = {}
        for s in services.SERVICES:
            s.model  # load models up front so the first request is not slow

    def handler_module(self, svc):
        mod = self._handlers.get(svc.scope)
        if mod is None:
            mod = importlib.import_module(f".handlers.{svc.handler_module}", __package__)
            self._handlers[svc.scope] = mod
        return mod


class RequestHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive
    # Headers and body go out in separate writes; without TCP_NODELAY the
    # second one waits for the client's delayed ACK (~40 ms per request).
    disable_nagle_algorithm = True
    # Idle keep-alive connections (and half-sent bodies) are dropped after
    # this long, like AWS front ends do; clients must reconnect.
    timeout = 60
    def version_string(self):
        return "fakeaws"

    @property
    def app(self):
        return self.server.app

    def log_message(self, fmt, *args):
        if not self.app.quiet:
            sys.stderr.write("fakeaws: " + fmt % args + "\n")

    # -- plumbing --------------------------------------------------------
    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        try:
            n = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True  # cannot know where the next request starts
            raise AwsError("InvalidRequest", "Invalid Content-Length", 400)
        if n > MAX_BODY or n < 0:
            self.close_connection = True
            raise AwsError("RequestEntityTooLarge", "Request body too large", 413)
        return self.rfile.read(n) if n else b""

    def _send(self, status, headers, body, truncate=False):
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if truncate:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.wfile.write(body)

    def do_GET(self):
        # Readiness probe for scripts; AWS APIs themselves are POST-only here.
        if self.path.startswith("/_fakeaws/health"):
            body = json.dumps({"ok": True, "scenario": self.app.sc.source, "calls": self.app.log.count}).encode()
            return self._send(200, {"Content-Type": "application/json"}, body)
        body = b'{"__type":"UnknownOperationException","message":"GET is not supported"}'
        self._send(404, {"Content-Type": "application/x-amz-json-1.1"}, body)

    def do_POST(self):
        t0 = time.time()
        rec = {"start": t0, "end": None, "service": None, "operation": None, "params": None, "mutating": False,
               "status": None, "error": None, "fault": None, "client": f"{self.client_address[1]}",
               "thread": threading.get_ident()}
        request_id = str(uuid.uuid4())
        # Until routing knows better, errors are worded for the JSON protocol
        # (or Query when the request is form-encoded without a target).
        self._proto = ("json", None)
        self._scope = None
        try:
            try:
                body = self._read_body()
                svc, op_name, protocol, namespace, pairs = self._route(body)
                rec["service"], rec["operation"] = svc.scope, op_name
                status, headers, out = self._pipeline(svc, op_name, protocol, namespace, body, pairs, rec,
                                                      request_id)
            except AwsError as e:
                protocol, namespace = self._proto
                status, headers, out = wire.encode_error(e, protocol, namespace, request_id, self._scope)
                rec["error"] = e.code
            except _Drop:
                rec["status"] = "dropped"
                self._log(rec, t0, request_id)
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            except Exception:  # a bug in the fake must not kill the thread
                traceback.print_exc(file=sys.stderr)
                protocol, namespace = self._proto
                e = AwsError("InternalFailure", "fakeaws internal error (see server stderr)", 500, sender=False)
                status, headers, out = wire.encode_error(e, protocol, namespace, request_id)
                rec["error"] = "InternalFailure"
            headers = dict(headers)
            headers["x-amzn-RequestId"] = request_id
            if self._proto[0] == "ec2":
                headers.pop("x-amzn-RequestId")  # EC2 carries it in the body only
            rec["status"] = status
            # Log before answering, so a client that has its answer can rely on
            # the record being in the file already.
            self._log(rec, t0, request_id)
            self._send(status, headers, out, truncate=rec["fault"] == "truncate")
        finally:
            self._log(rec, t0, request_id)

    def _log(self, rec, t0, request_id):
        if rec.get("end") is not None:
            return  # already written
        rec["end"] = time.time()
        rec["latency_ms"] = round((rec["end"] - t0) * 1000, 3)
        rec["request_id"] = request_id
        self.app.log.write(rec)

    # -- routing ---------------------------------------------------------
    def _route(self, body):
        """Return (service, operation, protocol, xml namespace, query pairs)."""
        scope = sigv4.scope_service(self.headers)
        target = self.headers.get("X-Amz-Target")
        svc = services.BY_SCOPE.get(scope)
        pairs = None
        if svc is None and target:
            svc = services.BY_TARGET_PREFIX.get(target.rsplit(".", 1)[0])
        if svc is None and not target:
            self._proto = ("query", None)
            pairs = self._form_pairs(body)
            version = dict(pairs).get("Version")
            svc = services.BY_SCOPE.get(VERSION_TO_SERVICE.get(version))
        if svc is None:
            if target or scope:
                raise AwsError("UnknownOperationException", "", 400)
            raise AwsError("InvalidAction", "Could not determine the service from the credential scope, "
                                            "X-Amz-Target or Version", 400)
        protocol = svc.protocol
        namespace = svc.model.metadata.get("xmlNamespace")
        self._proto = (protocol, namespace)
        self._scope = svc.scope
        if protocol == "json":
            prefix, _, op = (target or "").rpartition(".")
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if not target or prefix != svc.target_prefix or op not in svc.model.operation_names:
                raise AwsError("UnknownOperationException", "", 400)
            if ctype not in ("application/x-amz-json-1.1", "application/x-amz-json-1.0", "application/json"):
                raise AwsError("UnknownOperationException", "", 400)
            return svc, op, protocol, namespace, None
        if pairs is None:
            pairs = self._form_pairs(body)
        d = dict(pairs)
        op, version = d.get("Action"), d.get("Version")
        if op is None:
            raise AwsError("MissingAction", "Missing Action", 400)
        if version != svc.api_version or op not in svc.model.operation_names:
            if protocol == "ec2":
                raise AwsError("InvalidAction", f"The action {op} is not valid for this web service.", 400)
            raise AwsError("InvalidAction", f"Could not find operation {op} for version {version}", 400)
        return svc, op, protocol, namespace, [(k, v) for k, v in pairs if k not in ("Action", "Version")]

    def _form_pairs(self, body):
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        pairs = []
        query = urllib.parse.urlsplit(self.path).query
        if query:
            pairs += urllib.parse.parse_qsl(query, keep_blank_values=True)
        if body:
            if ctype != "application/x-www-form-urlencoded":
                raise AwsError("InvalidAction", "Unsupported Content-Type for the Query protocol", 400)
            try:
                pairs += urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            except UnicodeDecodeError:
                raise AwsError("MalformedQueryString", "Body is not valid UTF-8", 400)
        return pairs

    # -- the pipeline ----------------------------------------------------
    def _pipeline(self, svc, op_name, protocol, namespace, body, pairs, rec, request_id):
        app = self.app
        operation = svc.model.operation_model(op_name)
        scope = svc.scope
        key = (scope, op_name)
        rec["mutating"] = services.is_mutating(scope, op_name)

        allowed_regions = {app.sc.region}
        if scope in ("iam", "sts"):
            allowed_regions.add("us-east-1")
        if scope in ("ecr", "secretsmanager", "ssm", "logs"):
            allowed_regions.update(app.sc.other_regions)
        m = re.search(r"Credential=[^/,]+/[0-9]{8}/([^/]+)/", self.headers.get("Authorization") or "")
        rec["region"] = m.group(1) if m else None
        cred = sigv4.verify(app.store, protocol, self.command, self.path, self.headers, body, allowed_regions,
                            operation_key=key)
        rec["access_key"] = cred.access_key if cred else None
        caller = cred.arn if cred else "anonymous"

        # Decode early so refusals are logged with their parameters.
        try:
            if protocol == "json":
                params, derrs = wire.decode_json(body, operation.input_shape)
            else:
                params, derrs = wire.decode_query(pairs, operation.input_shape, ec2=protocol == "ec2")
        except ValueError:
            raise AwsError("SerializationException", "Invalid JSON body", 400)
        rec["params"] = params

        action = f"{faults_prefix(scope)}:{op_name}"
        if rec["mutating"] and key not in SERVED_ANYWAY:
            e = errors.access_denied_error(scope, caller, action, _resource_hint(app.sc, scope, params))
            e.message += " (fakeaws: mutating operations are refused)"
            raise e
        if app.faults.denied(scope, op_name):
            rec["fault"] = "deny"
            e = errors.access_denied_error(scope, caller, action, _resource_hint(app.sc, scope, params))
            e.message += app.faults.message
            raise e

        delay = app.faults.delay(scope, op_name)
        fault = app.faults.decide(scope, op_name)
        rec["fault"] = fault or rec["fault"]
        if delay:
            app.stopping.wait(delay)
        if fault == "drop":
            raise _Drop()
        if fault == "stall":
            app.stopping.wait(app.faults.stall_seconds)
        if fault in ("throttle", "error"):
            e = errors.throttling_error(scope) if fault == "throttle" else errors.internal_error(scope)
            e.message += app.faults.message
            raise e

        validate.validate(scope, protocol, operation, params, derrs)

        mod = app.handler_module(svc)
        fn = getattr(mod, op_name, None)
        if fn is None:
            raise AwsError("NotImplemented", f"fakeaws does not implement {scope}:{op_name}", 501, sender=False)
        ctx = Context(app.sc, scope, op_name, cred, app.store, request_id)
        result = fn(ctx, params)
        if protocol == "json":
            out = wire.encode_json_response(result, operation.output_shape)
            return 200, {"Content-Type": "application/x-amz-json-1.1"}, out
        out = wire.encode_xml_response(operation, result, protocol, namespace, request_id)
        return 200, {"Content-Type": "text/xml;charset=UTF-8"}, out


def faults_prefix(scope):
    from .faults import ACTION_PREFIX
    return ACTION_PREFIX.get(scope, scope)


def _resource_hint(sc, scope, params):
    """The resource ARN AWS would name in an AccessDenied message."""
    p = params or {}
    cluster = p.get("cluster", "default")
    cluster = cluster if str(cluster).startswith("arn:") else sc.arn("ecs", f"cluster/{cluster}")
    for k in ("tasks", "services", "containerInstances"):
        if p.get(k):
            v = p[k][0]
            if v.startswith("arn:"):
                return v
            kind = {"tasks": "task", "services": "service", "containerInstances": "container-instance"}[k]
            return sc.arn("ecs", f"{kind}/{cluster.rsplit('/', 1)[-1]}/{v}")
    if scope == "ecs" and "cluster" in p:
        return cluster
    if p.get("RoleName"):
        return f"arn:aws:iam::{sc.account}:role/{p['RoleName']}"
    for k in ("PolicyArn", "TargetGroupArn", "LoadBalancerArn", "RoleArn", "SecretId"):
        if p.get(k):
            return p[k]
    if p.get("logGroupName"):
        return sc.arn("logs", f"log-group:{p['logGroupName']}:*")
    if p.get("repositoryName"):
        return sc.arn("ecr", f"repository/{p['repositoryName']}")
    if p.get("TargetGroupArns"):
        return p["TargetGroupArns"][0]
    return "*"


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, app, host="127.0.0.1", port=0):
        self.app = app
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), RequestHandler)

    def handle_error(self, request, client_address):
        # Client hung up mid-request etc.: not worth a traceback.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, socket.timeout, TimeoutError)):
            return
        super().handle_error(request, client_address)
