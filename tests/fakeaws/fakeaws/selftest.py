"""Wire-format self-test: our serializers versus botocore's parsers.

For every operation the fake implements, build a *rich* synthetic response
(every member of the output shape filled, recursively, with type-correct
values), serialize it with wire.py exactly as the server would, parse it back
with botocore.parsers for that protocol, and compare.  Any member we name,
nest, list or format differently from real AWS shows up as a mismatch.
Errors are checked the same way for each protocol.

Run: /usr/bin/python3 -m fakeaws.selftest   (from tests/fakeaws)
"""

import datetime
import importlib
import sys

from botocore import parsers

from . import services, wire
from .errors import AwsError

T0 = datetime.datetime(2024, 2, 29, 13, 14, 15, 123000, tzinfo=datetime.timezone.utc)


def rich_value(shape, depth=0, name="x"):
    """A type-correct value for `shape`; structures filled with every member."""
    t = shape.type_name
    if t == "structure":
        if depth > 5 or shape.is_document_type or getattr(shape, "is_tagged_union", False):
            return None
        out = {}
        for k, m in shape.members.items():
            if "location" in m.serialization:  # headers/status: not in the body
                continue
            v = rich_value(m, depth + 1, k)
            if v is not None:
                out[k] = v
        return out
    if t == "list":
        v = rich_value(shape.member, depth + 1, name)
        return None if v is None else [v, rich_value(shape.member, depth + 1, name + "2")]
    if t == "map":
        v = rich_value(shape.value, depth + 1, name)
        return None if v is None else {"k1": v, "k2": rich_value(shape.value, depth + 1, name + "2")}
    if t == "string":
        enum = shape.metadata.get("enum")
        # XML-special characters and non-ASCII prove escaping works.
        return enum[0] if enum else f"{name}-<&>\"'-\u00e9"
    if t in ("integer", "long"):
        return 42
    if t in ("float", "double"):
        return 1.5
    if t == "boolean":
        return True
    if t == "timestamp":
        return T0
    if t == "blob":
        return b"\x00\x01blob"
    return None


def _normalize(v):
    if isinstance(v, datetime.datetime):
        return round(v.timestamp(), 3)
    if isinstance(v, dict):
        return {k: _normalize(x) for k, x in v.items() if k != "ResponseMetadata"}
    if isinstance(v, list):
        return [_normalize(x) for x in v]
    return v


def _diff(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in set(a) | set(b):
            if k not in a or k not in b:
                return f"{path}.{k}: {'missing after parse' if k not in b else 'unexpected'}"
            d = _diff(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: list length {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = _diff(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {a!r} != {b!r}"


def implemented_operations():
    """(service, operation_model) for every operation that has a handler."""
    for svc in services.SERVICES:
        mod = importlib.import_module(f"fakeaws.handlers.{svc.handler_module}")
        for op in svc.model.operation_names:
            if callable(getattr(mod, op, None)):
                yield svc, svc.model.operation_model(op)


def roundtrip(svc, op):
    """Return None if op's rich response survives serialize->parse, else a message."""
    shape = op.output_shape
    value = rich_value(shape) if shape is not None else {}
    protocol = svc.protocol
    if protocol == "json":
        body = wire.encode_json_response(value, shape)
        headers = {"content-type": "application/x-amz-json-1.1"}
    else:
        body = wire.encode_xml_response(op, value, protocol, svc.model.metadata.get("xmlNamespace"), "req-1")
        headers = {"content-type": "text/xml"}
    parsed = parsers.create_parser(protocol).parse(
        {"status_code": 200, "headers": headers, "body": body}, shape)
    if protocol != "json" and parsed.get("ResponseMetadata", {}).get("RequestId") != "req-1":
        return f"{svc.scope}:{op.name}: request id not parsed"
    d = _diff(_normalize(value), _normalize(parsed))
    return f"{svc.scope}:{op.name}: {d}" if d else None


def error_roundtrip(svc):
    for code in ("SomeError.Code", "SerializationException"):  # plain and Coral-namespaced
        err = AwsError(code, "a message with <xml> & \"quotes\"", 400)
        protocol = svc.protocol
        status, headers, body = wire.encode_error(err, protocol, svc.model.metadata.get("xmlNamespace"), "req-2",
                                                  svc.scope)
        parsed = parsers.create_parser(protocol).parse(
            {"status_code": status, "headers": {k.lower(): v for k, v in headers.items()}, "body": body}, None)
        e = parsed.get("Error", {})
        if e.get("Code") != err.code or e.get("Message") != err.message:
            return f"{svc.scope}: error parsed as {e!r}"
        if protocol != "json" and parsed.get("ResponseMetadata", {}).get("RequestId") != "req-2":
            return f"{svc.scope}: error request id not parsed"
    return None


def run():
    failures, n = [], 0
    for svc, op in implemented_operations():
        n += 1
        msg = roundtrip(svc, op)
        if msg:
            failures.append(msg)
    for svc in services.SERVICES:
        msg = error_roundtrip(svc)
        if msg:
            failures.append(msg)
    return n, failures


if __name__ == "__main__":
    count, fails = run()
    for f in fails:
        print("FAIL", f)
    print(f"{count} operations round-tripped, {len(fails)} failures")
    sys.exit(1 if fails else 0)
