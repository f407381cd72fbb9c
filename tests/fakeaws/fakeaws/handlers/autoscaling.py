"""Application Auto Scaling (JSON 1.1, AnyScaleFrontendService)."""

from . import clean, paginate


def _match(ctx, items, p, ids_key=None):
    items = [x for x in items if x["ServiceNamespace"] == p["ServiceNamespace"]]
    if ids_key and p.get(ids_key):
        items = [x for x in items if x["ResourceId"] in p[ids_key]]
    if p.get("ResourceId"):
        items = [x for x in items if x["ResourceId"] == p["ResourceId"]]
    if p.get("ScalableDimension"):
        items = [x for x in items if x["ScalableDimension"] == p["ScalableDimension"]]
    return [clean(x) for x in items]


def DescribeScalableTargets(ctx, p):
    items = _match(ctx, ctx.sc.r[("applicationAutoscaling", "scalableTargets")], p, "ResourceIds")
    page, nxt = paginate(ctx, items, p.get("NextToken"), p.get("MaxResults"), 50)
    return {"ScalableTargets": page, "NextToken": nxt}


def DescribeScalingActivities(ctx, p):
    items = _match(ctx, ctx.sc.r[("applicationAutoscaling", "scalingActivities")], p)
    page, nxt = paginate(ctx, items, p.get("NextToken"), p.get("MaxResults"), 50)
    return {"ScalingActivities": page, "NextToken": nxt}


def DescribeScalingPolicies(ctx, p):
    items = _match(ctx, ctx.sc.r[("applicationAutoscaling", "scalingPolicies")], p)
    if p.get("PolicyNames"):
        items = [x for x in items if x["PolicyName"] in p["PolicyNames"]]
    page, nxt = paginate(ctx, items, p.get("NextToken"), p.get("MaxResults"), 50)
    return {"ScalingPolicies": page, "NextToken": nxt}
