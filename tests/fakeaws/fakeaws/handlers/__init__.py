"""Per-service operation handlers and the helpers they share.

A handler is a module-level function named exactly like the AWS operation,
taking (ctx, params) and returning a dict shaped like the operation's output
shape (member names as in botocore).  The server looks handlers up by name;
an operation with no handler is answered according to whether it is
read-only (see server.py).

Handlers never see wire formats: params arrive decoded and validated, and
the returned dict is serialized by wire.py.  Resources from the scenario carry
fake-only "_" keys; use public() before returning them.
"""

import base64
import binascii
import copy
import fnmatch
import json

from ..errors import AwsError, validation_error
from ..scenario import public  # noqa: F401  (re-exported)


class Context:
    """What a handler may use: the scenario, the caller and the credential store."""

    def __init__(self, scenario, scope, operation, cred, store, request_id):
        self.sc = scenario
        self.scope = scope
        self.operation = operation
        self.cred = cred
        self.store = store
        self.request_id = request_id


def clean(resource):
    """Deep copy without fake-only keys, safe to hand to the serializer."""
    return copy.deepcopy(public(resource))


# --------------------------------------------------------------------------
# Pagination
# --------------------------------------------------------------------------
# Tokens are opaque to clients but must be handed back unchanged, and belong
# to one operation; a token from ListTasks replayed to ListServices fails,
# as it does on AWS.

def make_token(ctx, offset):
    raw = json.dumps({"op": ctx.operation, "o": offset}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def read_token(ctx, token):
    if not token:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        if data["op"] != ctx.operation or not isinstance(data["o"], int) or data["o"] < 0:
            raise ValueError
        return data["o"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        if ctx.scope == "ec2":
            raise AwsError("InvalidPaginationToken", f"Invalid pagination token: {token}")
        if ctx.scope in ("iam", "elasticloadbalancing", "monitoring", "sts"):
            raise validation_error(ctx.scope, "Invalid Marker" if ctx.scope != "monitoring" else "Invalid NextToken")
        if ctx.scope == "ecs":
            raise AwsError("InvalidParameterException", "Invalid token")
        raise AwsError("InvalidParameterException" if ctx.scope not in ("ssm", "application-autoscaling")
                       else "InvalidNextToken" if ctx.scope == "ssm" else "InvalidNextTokenException",
                       "The specified token is invalid.")


def paginate(ctx, items, token, limit, default_limit):
    """Return (page, next_token_or_None).  limit None -> default_limit (None = all)."""
    start = read_token(ctx, token)
    size = limit if limit is not None else default_limit
    if size is None:
        page = items[start:]
        return page, None
    size = max(1, size)  # never hand out a token that makes no progress
    page = items[start:start + size]
    nxt = make_token(ctx, start + size) if start + size < len(items) else None
    return page, nxt


# --------------------------------------------------------------------------
# EC2-style filters
# --------------------------------------------------------------------------

def tag_values(res, key="Tags"):
    return {t["Key"]: t.get("Value", "") for t in res.get(key, [])}


def apply_filters(ctx, items, filters, extractors, tag_key="Tags"):
    """Filter resources like EC2: AND across filters, OR across a filter's values.

    extractors: filter name -> function(resource) -> iterable of strings.
    'tag:Key', 'tag-key' and 'tag-value' work for every resource.  Values may
    use * and ? wildcards.  Unknown filter names are rejected as EC2 does.
    """
    for f in filters or []:
        name = f.get("Name")
        values = f.get("Values") or []
        if name is None:
            raise AwsError("InvalidParameterValue", "The filter 'null' is invalid")
        if name.startswith("tag:"):
            k = name[4:]

            def ex(r, k=k):
                v = tag_values(r, tag_key).get(k)
                return [] if v is None else [v]
        elif name == "tag-key":
            def ex(r):
                return list(tag_values(r, tag_key))
        elif name == "tag-value":
            def ex(r):
                return list(tag_values(r, tag_key).values())
        elif name in extractors:
            ex = extractors[name]
        else:
            raise AwsError("InvalidParameterValue", f"The filter '{name}' is invalid")
        items = [r for r in items
                 if any(fnmatch.fnmatchcase(str(have), want) for have in ex(r) for want in values)]
    return items


def b(v):
    """EC2 filter values for booleans are 'true'/'false'."""
    return "true" if v else "false"
