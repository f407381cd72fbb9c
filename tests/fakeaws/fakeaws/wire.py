"""Wire formats: decoding requests and encoding responses/errors per protocol.

botocore only ships the *client* halves (serialize requests, parse
responses).  The server halves here are their mirror images, written against
the same botocore shapes, and the self-test round-trips every operation
through botocore.parsers so the two halves cannot drift apart silently.

Protocols:
  json   JSON 1.1 body, X-Amz-Target: <prefix>.<Operation>; timestamps epoch
  query  form body Action=..&Version=..; XML <OpResponse><OpResult>..
  ec2    like query, but lists are always flattened on input (Filter.1.Name),
         names come from capitalised locationName, and XML output uses
         <item> lists, camelCase names and a <requestId> element
"""

import base64
import datetime
import json
from xml.sax.saxutils import escape as _xml_escape

UTC = datetime.timezone.utc
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)


class DecodeErrors(list):
    """Collected problems found while decoding; each is (kind, path, detail).

    kind is one of 'unknown', 'type'.  Kept as data so the validation module
    can word them the way the target service does.
    """


# --------------------------------------------------------------------------
# Timestamps
# --------------------------------------------------------------------------

def to_datetime(value):
    """Accept datetime, epoch number or ISO-8601 string; return aware datetime."""
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return EPOCH + datetime.timedelta(seconds=value)
    if isinstance(value, str):
        s = value.strip()
        try:
            return EPOCH + datetime.timedelta(seconds=float(s))
        except ValueError:
            pass
        if s.endswith("Z"):
            s = s[:-1] + "+00:00"
        dt = datetime.datetime.fromisoformat(s)
        return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
    raise ValueError(f"not a timestamp: {value!r}")


def iso8601(dt):
    dt = dt.astimezone(UTC)
    if dt.microsecond:
        return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch(dt):
    """Epoch seconds as AWS JSON services send them (float with ms)."""
    secs = (dt - EPOCH).total_seconds()
    return int(secs) if secs == int(secs) else round(secs, 3)


# --------------------------------------------------------------------------
# JSON requests
# --------------------------------------------------------------------------

def decode_json(body, shape):
    """Parse a JSON 1.1 body against `shape`; returns (params, DecodeErrors).

    Unknown members and type mismatches are collected rather than raised so
    all of them are reported at once, like AWS's "N validation errors".
    """
    errors = DecodeErrors()
    text = body.decode("utf-8") if body else "{}"
    if not text.strip():
        text = "{}"
    raw = json.loads(text)  # ValueError handled by the caller
    if shape is None:
        return {}, errors
    if not isinstance(raw, dict):
        errors.append(("type", "", "Start of structure or map found where not expected."))
        return {}, errors
    return _json_in(raw, shape, "", errors), errors


def _json_in(value, shape, path, errors):
    t = shape.type_name
    if value is None:
        return None
    if t == "structure":
        if not isinstance(value, dict):
            errors.append(("type", path, "structure"))
            return None
        out = {}
        for key, v in value.items():
            if key not in shape.members:
                errors.append(("unknown", _join(path, key), ""))
                continue
            conv = _json_in(v, shape.members[key], _join(path, key), errors)
            if conv is not None:
                out[key] = conv
        return out
    if t == "list":
        if not isinstance(value, list):
            errors.append(("type", path, "list"))
            return None
        return [_json_in(v, shape.member, f"{path}[{i}]", errors) for i, v in enumerate(value)]
    if t == "map":
        if not isinstance(value, dict):
            errors.append(("type", path, "map"))
            return None
        return {k: _json_in(v, shape.value, f"{path}.{k}", errors) for k, v in value.items()}
    if t == "string":
        if not isinstance(value, str):
            errors.append(("type", path, "string"))
            return None
        return value
    if t in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(("type", path, t))
            return None
        return value
    if t in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            errors.append(("type", path, t))
            return None
        return float(value)
    if t == "boolean":
        if not isinstance(value, bool):
            errors.append(("type", path, "boolean"))
            return None
        return value
    if t == "timestamp":
        try:
            return to_datetime(value)
        except (ValueError, TypeError, OverflowError):
            errors.append(("type", path, "timestamp"))
            return None
    if t == "blob":
        try:
            return base64.b64decode(value, validate=True)
        except (ValueError, TypeError):
            errors.append(("type", path, "blob"))
            return None
    return value


def _join(path, key):
    return f"{path}.{key}" if path else key


# --------------------------------------------------------------------------
# Query / EC2 requests
# --------------------------------------------------------------------------

def decode_query(pairs, shape, ec2=False):
    """Turn flat form pairs (minus Action/Version) into nested params.

    The flat keys are first folded into a tree on '.', then the tree is walked
    against the input shape using exactly the naming rules of botocore's
    QuerySerializer / EC2Serializer.  Keys the shape does not consume are
    reported as unknown parameters.
    """
    errors = DecodeErrors()
    tree = {}
    for key, value in pairs:
        node = tree
        parts = key.split(".")
        ok = True
        for p in parts[:-1]:
            child = node.get(p)
            if child is None:
                child = node[p] = {}
            elif not isinstance(child, dict):
                ok = False
                break
            node = child
        if not ok or isinstance(node.get(parts[-1]), dict):
            errors.append(("unknown", key, ""))
            continue
        node[parts[-1]] = value
    if shape is None:
        for key in tree:
            errors.append(("unknown", key, ""))
        return {}, errors
    return _query_in(tree, shape, "", errors, ec2), errors


def _query_name(member_shape, default, ec2):
    ser = member_shape.serialization
    if ec2:
        if "queryName" in ser:
            return ser["queryName"]
        if "name" in ser:
            return ser["name"][0].upper() + ser["name"][1:]
        return default
    return ser.get("name", default)


def _numbered(node, path, errors):
    """Return the values of {'1': .., '2': ..} in index order."""
    if not isinstance(node, dict):
        if node == "":  # the query protocol sends an empty list as "Prefix="
            return []
        errors.append(("type", path, "list"))
        return []
    items = []
    for k, v in node.items():
        if not k.isdigit():
            errors.append(("unknown", f"{path}.{k}", ""))
            continue
        items.append((int(k), v))
    items.sort()
    return [v for _, v in items]


def _query_in(node, shape, path, errors, ec2):
    t = shape.type_name
    if t == "structure":
        if not isinstance(node, dict):
            errors.append(("type", path, "structure"))
            return None
        node = dict(node)
        out = {}
        for name, mshape in shape.members.items():
            wire = _query_name(mshape, name, ec2)
            # Flattened list with a member locationName uses that name instead.
            if not ec2 and mshape.type_name == "list" and mshape.serialization.get("flattened") \
                    and mshape.member.serialization.get("name"):
                wire = mshape.member.serialization["name"]
            if wire in node:
                v = _query_in(node.pop(wire), mshape, _join(path, wire), errors, ec2)
                if v is not None:
                    out[name] = v
        for k in node:
            errors.append(("unknown", _join(path, k), ""))
        return out
    if t == "list":
        if ec2 or shape.serialization.get("flattened"):
            elems = _numbered(node, path, errors)
        else:
            if node == "":
                return []
            if not isinstance(node, dict):
                errors.append(("type", path, "list"))
                return None
            inner = shape.member.serialization.get("name", "member")
            node = dict(node)
            elems = _numbered(node.pop(inner, {}), f"{path}.{inner}", errors)
            for k in node:
                errors.append(("unknown", f"{path}.{k}", ""))
        return [_query_in(e, shape.member, f"{path}.{i}", errors, ec2) for i, e in enumerate(elems, 1)]
    if t == "map":
        if not isinstance(node, dict):
            errors.append(("type", path, "map"))
            return None
        entries = node if shape.serialization.get("flattened") else node.get("entry", {})
        kname = shape.key.serialization.get("name", "key")
        vname = shape.value.serialization.get("name", "value")
        out = {}
        for e in _numbered(entries, path, errors):
            if isinstance(e, dict) and kname in e:
                out[e[kname]] = _query_in(e.get(vname, ""), shape.value, f"{path}.{e[kname]}", errors, ec2)
        return out
    if isinstance(node, dict):
        errors.append(("type", path, t))
        return None
    try:
        if t in ("integer", "long"):
            return int(node)
        if t in ("float", "double"):
            return float(node)
        if t == "boolean":
            if node.lower() not in ("true", "false"):
                raise ValueError(node)
            return node.lower() == "true"
        if t == "timestamp":
            return to_datetime(node)
        if t == "blob":
            return base64.b64decode(node)
    except (ValueError, TypeError, OverflowError):
        errors.append(("type", path, t))
        return None
    return node


# --------------------------------------------------------------------------
# JSON responses
# --------------------------------------------------------------------------

class SerializeError(Exception):
    """A handler produced data that does not fit the output shape (a fake bug)."""


def encode_json_value(value, shape, path="", strict=True):
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            raise SerializeError(f"{path}: expected dict for {shape.name}, got {type(value).__name__}")
        out = {}
        for k, v in value.items():
            if v is None:
                continue
            m = shape.members.get(k)
            if m is None:
                if strict:
                    raise SerializeError(f"{path}: {k!r} is not a member of {shape.name}")
                continue
            out[m.serialization.get("name", k)] = encode_json_value(v, m, _join(path, k), strict)
        return out
    if t == "list":
        if not isinstance(value, (list, tuple)):
            raise SerializeError(f"{path}: expected list for {shape.name}")
        return [encode_json_value(v, shape.member, f"{path}[{i}]", strict) for i, v in enumerate(value)]
    if t == "map":
        return {k: encode_json_value(v, shape.value, f"{path}.{k}", strict) for k, v in value.items()}
    if t == "timestamp":
        return epoch(to_datetime(value))
    if t == "blob":
        return base64.b64encode(value if isinstance(value, bytes) else value.encode()).decode()
    if t in ("integer", "long"):
        return int(value)
    if t in ("float", "double"):
        return float(value)
    if t == "boolean":
        return bool(value)
    if t == "string":
        if isinstance(value, (dict, list)):
            # Some members are JSON documents carried as strings.
            return json.dumps(value)
        return str(value)
    return value


def encode_json_response(value, shape):
    if shape is None:
        return b"{}"
    return json.dumps(encode_json_value(value or {}, shape)).encode()


# Errors raised by the Coral framework itself (authentication, framing)
# rather than by the service come with a namespaced __type, e.g.
# "com.amazon.coral.service#UnrecognizedClientException".  Clients must strip
# everything up to '#' (botocore does); the fake sends the prefix so a client
# that forgets is caught here.
CORAL_FRAMEWORK_ERRORS = {
    "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignatureException",
    "MissingAuthenticationTokenException", "ExpiredTokenException", "SerializationException",
    "UnknownOperationException",
}
# A few services spell the message member with a capital M.
CAPITAL_MESSAGE = {"secretsmanager"}


def encode_json_error(err, scope=None):
    code = err.code
    if code in CORAL_FRAMEWORK_ERRORS:
        code = "com.amazon.coral.service#" + code
    key = "Message" if scope in CAPITAL_MESSAGE else "message"
    body = json.dumps({"__type": code, key: err.message}).encode()
    headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": err.code}
    return err.status, headers, body


# --------------------------------------------------------------------------
# XML responses (query and ec2)
# --------------------------------------------------------------------------

def _scalar_text(value, shape):
    t = shape.type_name
    if t == "timestamp":
        return iso8601(to_datetime(value))
    if t == "boolean":
        return "true" if value else "false"
    if t == "blob":
        return base64.b64encode(value if isinstance(value, bytes) else value.encode()).decode()
    if t in ("integer", "long"):
        return str(int(value))
    if t in ("float", "double"):
        return repr(float(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def _xml_member_name(mshape, name, ec2):
    ser = mshape.serialization
    if mshape.type_name == "list" and ser.get("flattened") and mshape.member.serialization.get("name"):
        return mshape.member.serialization["name"]
    return ser.get("name", name)


def _xml_value(out, tag, value, shape, ec2, path, strict):
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            raise SerializeError(f"{path}: expected dict for {shape.name}, got {type(value).__name__}")
        out.append(f"<{tag}>")
        _xml_members(out, value, shape, ec2, path, strict)
        out.append(f"</{tag}>")
    elif t == "list":
        if not isinstance(value, (list, tuple)):
            raise SerializeError(f"{path}: expected list for {shape.name}")
        if shape.serialization.get("flattened"):
            for i, v in enumerate(value):
                _xml_value(out, tag, v, shape.member, ec2, f"{path}[{i}]", strict)
        else:
            inner = shape.member.serialization.get("name", "item" if ec2 else "member")
            out.append(f"<{tag}>")
            for i, v in enumerate(value):
                _xml_value(out, inner, v, shape.member, ec2, f"{path}[{i}]", strict)
            out.append(f"</{tag}>")
    elif t == "map":
        kname = shape.key.serialization.get("name", "key")
        vname = shape.value.serialization.get("name", "value")
        flat = shape.serialization.get("flattened")
        if not flat:
            out.append(f"<{tag}>")
        for k, v in value.items():
            out.append(f"<{tag}>" if flat else "<entry>")
            _xml_value(out, kname, k, shape.key, ec2, path, strict)
            _xml_value(out, vname, v, shape.value, ec2, f"{path}.{k}", strict)
            out.append(f"</{tag}>" if flat else "</entry>")
        if not flat:
            out.append(f"</{tag}>")
    else:
        out.append(f"<{tag}>{_xml_escape(_scalar_text(value, shape))}</{tag}>")


def _xml_members(out, value, shape, ec2, path, strict):
    for k, v in value.items():
        if v is None:
            continue
        m = shape.members.get(k)
        if m is None:
            if strict:
                raise SerializeError(f"{path}: {k!r} is not a member of {shape.name}")
            continue
        _xml_value(out, _xml_member_name(m, k, ec2), v, m, ec2, _join(path, k), strict)


def encode_xml_response(operation, value, protocol, namespace, request_id):
    ec2 = protocol == "ec2"
    ns = namespace or ""
    if ec2 and not ns.endswith("/"):
        ns += "/"
    name = operation.name
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n', f'<{name}Response xmlns="{ns}">']
    shape = operation.output_shape
    if ec2:
        out.append(f"<requestId>{request_id}</requestId>")
        if shape is not None:
            _xml_members(out, value or {}, shape, True, "", True)
    else:
        wrapper = shape.serialization.get("resultWrapper") if shape is not None else None
        if shape is not None:
            out.append(f"<{wrapper or name + 'Result'}>")
            _xml_members(out, value or {}, shape, False, "", True)
            out.append(f"</{wrapper or name + 'Result'}>")
        out.append(f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>")
    out.append(f"</{name}Response>")
    return "".join(out).encode()


def encode_xml_error(err, protocol, namespace, request_id):
    code, msg = _xml_escape(err.code), _xml_escape(err.message)
    if protocol == "ec2":
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f"<Response><Errors><Error><Code>{code}</Code><Message>{msg}</Message></Error></Errors>"
                f"<RequestID>{request_id}</RequestID></Response>")
    else:
        typ = "Sender" if err.sender else "Receiver"
        body = (f'<ErrorResponse xmlns="{namespace or ""}">'
                f"<Error><Type>{typ}</Type><Code>{code}</Code><Message>{msg}</Message></Error>"
                f"<RequestId>{request_id}</RequestId></ErrorResponse>")
    return err.status, {"Content-Type": "text/xml"}, body.encode()


def encode_error(err, protocol, namespace, request_id, scope=None):
    if protocol == "json":
        return encode_json_error(err, scope)
    return encode_xml_error(err, protocol, namespace, request_id)
