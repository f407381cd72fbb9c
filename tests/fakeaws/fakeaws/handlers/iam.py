"""AWS IAM (Query, 2010-05-08).

Policy documents travel URL-encoded inside the XML (RFC 3986 percent
encoding of the JSON text), exactly as real IAM sends them; clients must
decode them.  botocore's IAM customisations decode them for boto3 users,
which is why `aws iam get-role` shows plain JSON.
"""

import urllib.parse

from ..errors import AwsError
from . import clean, paginate


def _enc(doc):
    return urllib.parse.quote(doc, safe="")


def _role(ctx, name):
    r = ctx.sc.idx.iam_roles.get(name)
    if r is None:
        raise AwsError("NoSuchEntity", f"The role with name {name} cannot be found.", 404)
    return r


def _policy(ctx, arn):
    p = ctx.sc.idx.iam_policies.get(arn)
    if p is None:
        raise AwsError("NoSuchEntity", f"Policy {arn} was not found.", 404)
    return p


def _page(ctx, p, items):
    page, nxt = paginate(ctx, items, p.get("Marker"), p.get("MaxItems"), 100)
    return page, {"IsTruncated": nxt is not None, "Marker": nxt}


def _role_out(r):
    out = clean(r)
    out["AssumeRolePolicyDocument"] = _enc(out["AssumeRolePolicyDocument"])
    if not out.get("RoleLastUsed"):
        out["RoleLastUsed"] = {}
    return out


def GetRole(ctx, p):
    return {"Role": _role_out(_role(ctx, p["RoleName"]))}


def ListRoles(ctx, p):
    roles = [r for r in ctx.sc.idx.iam_roles.values() if r["Path"].startswith(p.get("PathPrefix", "/"))]
    page, more = _page(ctx, p, [_role_out(r) for r in roles])
    return dict(Roles=page, **more)


def ListAttachedRolePolicies(ctx, p):
    r = _role(ctx, p["RoleName"])
    items = [a for a in r["_attached"]
             if ctx.sc.idx.iam_policies[a["PolicyArn"]]["Path"].startswith(p.get("PathPrefix", "/"))]
    page, more = _page(ctx, p, items)
    return dict(AttachedPolicies=page, **more)


def ListRolePolicies(ctx, p):
    r = _role(ctx, p["RoleName"])
    page, more = _page(ctx, p, sorted(r["_inline"]))
    return dict(PolicyNames=page, **more)


def GetRolePolicy(ctx, p):
    r = _role(ctx, p["RoleName"])
    doc = r["_inline"].get(p["PolicyName"])
    if doc is None:
        raise AwsError("NoSuchEntity", f"The role policy with name {p['PolicyName']} cannot be found.", 404)
    return {"RoleName": r["RoleName"], "PolicyName": p["PolicyName"], "PolicyDocument": _enc(doc)}


def GetPolicy(ctx, p):
    return {"Policy": clean(_policy(ctx, p["PolicyArn"]))}


def GetPolicyVersion(ctx, p):
    pol = _policy(ctx, p["PolicyArn"])
    v = pol["_versions"].get(p["VersionId"])
    if v is None:
        raise AwsError("NoSuchEntity", f"Policy {p['PolicyArn']} version {p['VersionId']} does not exist or is "
                                       "not attachable.", 404)
    out = dict(v)
    out["Document"] = _enc(out["Document"])
    return {"PolicyVersion": out}


def ListPolicyVersions(ctx, p):
    pol = _policy(ctx, p["PolicyArn"])
    vs = [{k: v for k, v in ver.items() if k != "Document"} for ver in pol["_versions"].values()]
    page, more = _page(ctx, p, vs)
    return dict(Versions=page, **more)


def ListAttachedUserPolicies(ctx, p):
    raise AwsError("NoSuchEntity", f"The user with name {p['UserName']} cannot be found.", 404)
