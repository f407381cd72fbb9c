"""AWS STS (Query, 2011-06-15).

AssumeRole* hand out temporary credentials that the server accepts (with
their session token) until Expiration -- so a client's credential-refresh
path can be tested, including expiry with a short DurationSeconds.
"""

import datetime
import secrets

from ..errors import AwsError, access_denied_error
from ..sigv4 import Credential


def GetCallerIdentity(ctx, p):
    c = ctx.cred
    if c is None:
        raise AwsError("MissingAuthenticationToken", "Request is missing Authentication Token", 403)
    return {"UserId": c.user_id, "Account": c.account, "Arn": c.arn}


def _issue(ctx, role_arn, session, duration):
    role = ctx.sc.idx.iam_role_arns.get(role_arn)
    if role is None:
        caller = ctx.cred.arn if ctx.cred else "anonymous"
        raise access_denied_error("sts", caller, "sts:AssumeRole", role_arn)
    if duration is not None and not (900 <= duration <= role.get("MaxSessionDuration", 3600)):
        raise AwsError("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for "
                                          "this role.", 400)
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    exp = now + datetime.timedelta(seconds=duration or 3600)
    akid = "ASIA" + secrets.token_hex(8).upper()
    assumed_id = f"{role['RoleId']}:{session}"
    arn = f"arn:aws:sts::{ctx.sc.account}:assumed-role/{role['RoleName']}/{session}"
    cred = Credential(akid, secrets.token_urlsafe(30), "FwoGZXIvYXdzE" + secrets.token_urlsafe(120), exp, arn,
                      ctx.sc.account, assumed_id)
    ctx.store.add(cred)
    return {"Credentials": {"AccessKeyId": akid, "SecretAccessKey": cred.secret_key,
                            "SessionToken": cred.session_token, "Expiration": exp},
            "AssumedRoleUser": {"AssumedRoleId": assumed_id, "Arn": arn}}


def AssumeRole(ctx, p):
    out = _issue(ctx, p["RoleArn"], p["RoleSessionName"], p.get("DurationSeconds"))
    out["PackedPolicySize"] = 0 if p.get("Policy") else None
    return out


def AssumeRoleWithWebIdentity(ctx, p):
    out = _issue(ctx, p["RoleArn"], p["RoleSessionName"], p.get("DurationSeconds"))
    out.update({"SubjectFromWebIdentityToken": "system:serviceaccount:default:fakeaws",
                "Audience": "sts.amazonaws.com", "Provider": f"arn:aws:iam::{ctx.sc.account}:oidc-provider/fake"})
    return out
