"""Independent SigV4 verification using botocore's own signer.

The fake does not trust anything the client claims: it rebuilds an
AWSRequest from exactly the headers the client says it signed, asks
botocore.auth.SigV4Auth for the canonical request / string-to-sign /
signature with the *scenario's* secret, and compares.  A client that signs
the wrong headers, encodes the body differently from what it sends, or
scopes the credential to the wrong service or region fails here the same way
it would against AWS.
"""

import datetime
import hashlib
import hmac
import re
import threading

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from .errors import AwsError

SIGV4_TS = "%Y%m%dT%H%M%SZ"
MAX_SKEW = datetime.timedelta(minutes=15)
_AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<cred>[^,\s]+),\s*SignedHeaders=(?P<sh>[^,\s]+),\s*Signature=(?P<sig>[0-9a-f]+)\s*$")

# Operations AWS accepts without any signature.
UNSIGNED_OK = {("sts", "AssumeRoleWithWebIdentity"), ("sts", "AssumeRoleWithSAML")}


class Credential:
    def __init__(self, access_key, secret_key, session_token=None, expiration=None, arn=None,
                 account=None, user_id=None):
        self.access_key = access_key
        self.secret_key = secret_key
        self.session_token = session_token
        self.expiration = expiration    # aware datetime or None
        self.arn = arn
        self.account = account
        self.user_id = user_id


class CredentialStore:
    """Access key -> Credential; AssumeRole adds to it at run time."""

    def __init__(self, creds=()):
        self._lock = threading.Lock()
        self._by_key = {c.access_key: c for c in creds}

    def add(self, cred):
        with self._lock:
            self._by_key[cred.access_key] = cred

    def get(self, access_key):
        with self._lock:
            return self._by_key.get(access_key)


# --- protocol-specific wording of each failure ------------------------------

def _err(protocol, what, detail=""):
    json_ = protocol == "json"
    ec2 = protocol == "ec2"
    if what == "missing":
        if json_:
            return AwsError("MissingAuthenticationTokenException", "Missing Authentication Token", 400)
        return AwsError("MissingAuthenticationToken", "Request is missing Authentication Token", 401 if ec2 else 403)
    if what == "incomplete":
        return AwsError("IncompleteSignatureException" if json_ else "IncompleteSignature", detail, 400)
    if what == "unknown_key":
        if json_:
            return AwsError("UnrecognizedClientException", "The security token included in the request is invalid.", 400)
        if ec2:
            return AwsError("AuthFailure", "AWS was not able to validate the provided access credentials", 401)
        return AwsError("InvalidClientTokenId", "The security token included in the request is invalid.", 403)
    if what == "expired_token":
        if json_:
            return AwsError("ExpiredTokenException", "The security token included in the request is expired", 400)
        if ec2:
            return AwsError("RequestExpired", "Request has expired.", 400)
        return AwsError("ExpiredToken", "The security token included in the request is expired", 403)
    if what == "skew" and ec2:
        return AwsError("RequestExpired", "Request has expired.", 400)
    # bad signature / skew / bad scope
    if json_:
        return AwsError("InvalidSignatureException", detail, 400)
    return AwsError("SignatureDoesNotMatch", detail, 403)


BAD_SIG_MSG = ("The request signature we calculated does not match the signature you provided. "
               "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")


def parse_authorization(header):
    """Return (access_key, date, region, service, signed_headers, signature) or None."""
    m = _AUTH_RE.match(header or "")
    if not m:
        return None
    parts = m.group("cred").split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        return None
    return parts[0], parts[1], parts[2], parts[3], m.group("sh").split(";"), m.group("sig")


def scope_service(headers):
    """Cheap peek at the credential scope's service, for routing."""
    p = parse_authorization(headers.get("Authorization"))
    return p[3] if p else None


def verify(store, protocol, method, raw_path, headers, body, allowed_regions, now=None, operation_key=None):
    """Check the request's signature; return the Credential (None if unsigned and allowed).

    headers: http.client.HTTPMessage (case-insensitive, may repeat)
    raw_path: the request target exactly as received (path + '?' + query)
    """
    now = now or datetime.datetime.now(datetime.timezone.utc)
    auth = headers.get("Authorization")
    if auth is None:
        if operation_key in UNSIGNED_OK:
            return None
        raise _err(protocol, "missing")
    parsed = parse_authorization(auth)
    if parsed is None:
        raise _err(protocol, "incomplete",
                   "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters "
                   f"in AWS4-HMAC-SHA256 format. Authorization={auth}")
    access_key, sdate, region, service, signed, signature = parsed
    if "host" not in signed:
        raise _err(protocol, "bad_sig", "'Host' must be a 'SignedHeader' in the AWS Authorization.")

    amz_date = headers.get("X-Amz-Date")
    if amz_date is None:
        raise _err(protocol, "incomplete", "Authorization header requires existence of either a "
                   "'X-Amz-Date' or a 'Date' header.")
    if "x-amz-date" not in signed:
        raise _err(protocol, "bad_sig", "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.")
    try:
        ts = datetime.datetime.strptime(amz_date, SIGV4_TS).replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        raise _err(protocol, "incomplete", f"Date must be in ISO-8601 'basic format'. Got '{amz_date}'.")

    cred = store.get(access_key)
    if cred is None:
        raise _err(protocol, "unknown_key")
    token = headers.get("X-Amz-Security-Token")
    if cred.session_token is not None or token is not None:
        # The token may be signed (SDKs do) or merely sent; both are accepted.
        if token != cred.session_token:
            raise _err(protocol, "unknown_key")
        if cred.expiration is not None and now >= cred.expiration:
            raise _err(protocol, "expired_token")

    if abs(now - ts) > MAX_SKEW:
        lo = (now - MAX_SKEW).strftime(SIGV4_TS)
        raise _err(protocol, "skew", f"Signature expired: {amz_date} is now earlier than {lo} "
                   f"({now.strftime(SIGV4_TS)} - 15 min.)")
    if sdate != amz_date[:8]:
        raise _err(protocol, "bad_sig", f"Date in Credential scope does not match YYYYMMDD from ISO-8601 "
                   f"version of date from HTTP: '{sdate}' != '{amz_date[:8]}', from '{amz_date}'.")
    if region not in allowed_regions:
        raise _err(protocol, "bad_sig", f"Credential should be scoped to a valid region, not '{region}'. ")

    # If the client sent a payload hash, it must be the hash of what it sent.
    declared = headers.get("X-Amz-Content-SHA256")
    if declared is not None and declared != "UNSIGNED-PAYLOAD" and \
            declared != hashlib.sha256(body or b"").hexdigest():
        raise _err(protocol, "bad_sig", "The provided 'x-amz-content-sha256' header does not match what was computed.")

    # Rebuild the request from exactly the signed headers.
    sig_headers = {}
    for name in signed:
        values = headers.get_all(name)
        if values is None:
            raise _err(protocol, "bad_sig", BAD_SIG_MSG)
        # Repeated headers are joined with ',' in the canonical form; the
        # botocore HTTPHeaders we build below keeps only one, so pre-join.
        sig_headers[name] = ",".join(values)
    host = sig_headers.get("host", "localhost")
    req = AWSRequest(method=method, url=f"http://{host}{raw_path}", data=body or b"", headers=sig_headers)
    req.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials(cred.access_key, cred.secret_key, cred.session_token), service, region)
    canonical = signer.canonical_request(req)
    expected = signer.signature(signer.string_to_sign(req, canonical), req)
    if not hmac.compare_digest(expected, signature):
        raise _err(protocol, "bad_sig", BAD_SIG_MSG)
    return cred
