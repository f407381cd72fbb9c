"""AWS Secrets Manager (JSON 1.1).  Metadata only -- the fake holds no secret values."""

from ..errors import AwsError
from . import clean, paginate


def _secret(ctx, ref):
    idx = ctx.sc.idx.secrets
    s = idx.get(ref)
    if s is None and ref.startswith("arn:"):
        # Partial ARNs (without the random 6-character suffix) are accepted.
        for cand in idx.values():
            if cand["ARN"].startswith(ref + "-") and len(cand["ARN"]) == len(ref) + 7:
                s = cand
    if s is None and ref.startswith("arn:"):
        # A secret of one of the scenario's otherRegions: the same data.
        parts = ref.split(":")
        if len(parts) > 3 and parts[3] in ctx.sc.other_regions:
            parts[3] = ctx.sc.region
            return _secret(ctx, ":".join(parts))
    if s is None:
        raise AwsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
    return s


def DescribeSecret(ctx, p):
    out = clean(_secret(ctx, p["SecretId"]))
    out["VersionIdsToStages"] = out.pop("SecretVersionsToStages", {})
    return out


def ListSecrets(ctx, p):
    uniq = {s["ARN"]: s for s in ctx.sc.idx.secrets.values()}
    items = sorted(uniq.values(), key=lambda s: s["Name"])
    page, nxt = paginate(ctx, [clean(s) for s in items], p.get("NextToken"), p.get("MaxResults"), 100)
    return {"SecretList": page, "NextToken": nxt}
