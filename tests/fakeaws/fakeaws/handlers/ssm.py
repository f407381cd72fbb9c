"""AWS Systems Manager Parameter Store (JSON 1.1, AmazonSSM)."""

from ..errors import AwsError
from . import clean, paginate

_META = ("Name", "Type", "KeyId", "LastModifiedDate", "LastModifiedUser", "Description", "AllowedPattern",
         "Version", "Tier", "Policies", "DataType")


def _lookup(ctx, ref):
    name, _, selector = ref.partition(":") if not ref.startswith("arn:") else (ref, "", "")
    if ref.startswith("arn:"):
        name = "/" + ref.split(":parameter/", 1)[-1] if ":parameter/" in ref else ref
        if name not in ctx.sc.idx.ssm_params:
            name = name.lstrip("/")
    p = ctx.sc.idx.ssm_params.get(name)
    if p is None or (selector and selector != str(p["Version"])):
        return None
    return p


def _value(p, decrypt):
    out = {k: v for k, v in clean(p).items() if k in ("Name", "Type", "Value", "Version", "LastModifiedDate",
                                                        "ARN", "DataType", "Selector", "SourceResult")}
    if p["Type"] == "SecureString" and not decrypt:
        # Without decryption SSM returns the ciphertext, never the plaintext.
        out["Value"] = "AQICAHfakeawsciphertext" + p["ARN"][-8:].encode().hex()
    return out


def GetParameters(ctx, p):
    found, invalid = [], []
    for ref in p["Names"]:
        par = _lookup(ctx, ref)
        if par is None:
            invalid.append(ref)
        else:
            found.append(_value(par, p.get("WithDecryption")))
    return {"Parameters": found, "InvalidParameters": invalid}


def GetParameter(ctx, p):
    par = _lookup(ctx, p["Name"])
    if par is None:
        raise AwsError("ParameterNotFound", "")
    return {"Parameter": _value(par, p.get("WithDecryption"))}


def DescribeParameters(ctx, p):
    items = sorted(ctx.sc.idx.ssm_params.values(), key=lambda x: x["Name"])
    for f in p.get("ParameterFilters") or []:
        key, opt, vals = f["Key"], f.get("Option", "Equals"), f.get("Values") or []
        if key == "Name":
            tests = {"Equals": lambda a, b: a == b, "BeginsWith": str.startswith, "Contains": lambda a, b: b in a}
            if opt not in tests:
                raise AwsError("InvalidFilterOption", f"The filter option {opt} is not valid for key Name.")
            items = [x for x in items if any(tests[opt](x["Name"], v) for v in vals)]
        elif key == "Type":
            items = [x for x in items if x["Type"] in vals]
        elif key == "Path":
            items = [x for x in items if any(x["Name"].startswith(v.rstrip("/") + "/") for v in vals)]
        else:
            raise AwsError("InvalidFilterKey", f"The following filter key is not valid: {key}")
    for f in p.get("Filters") or []:
        attr = {"Name": "Name", "Type": "Type", "KeyId": "KeyId"}[f["Key"]]
        items = [x for x in items if x.get(attr) in f["Values"]]
    meta = [{k: v for k, v in clean(x).items() if k in _META} for x in items]
    page, nxt = paginate(ctx, meta, p.get("NextToken"), p.get("MaxResults"), 10)
    return {"Parameters": page, "NextToken": nxt}
