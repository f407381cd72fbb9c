"""Elastic Load Balancing v2 (Query, 2015-12-01)."""

from ..errors import AwsError, validation_error
from . import clean, paginate


def _lb_not_found():
    return AwsError("LoadBalancerNotFound", "One or more load balancers not found", 400)


def _tg_not_found():
    return AwsError("TargetGroupNotFound", "One or more target groups not found", 400)


def DescribeLoadBalancers(ctx, p):
    idx = ctx.sc.idx
    if p.get("LoadBalancerArns") and p.get("Names"):
        raise validation_error(ctx.scope, "Load balancer names and load balancer ARNs cannot be specified at the "
                                          "same time")
    if p.get("LoadBalancerArns"):
        lbs = []
        for arn in p["LoadBalancerArns"]:
            if arn not in idx.lbs:
                raise _lb_not_found()
            lbs.append(idx.lbs[arn])
    elif p.get("Names"):
        lbs = []
        for n in p["Names"]:
            if n not in idx.lb_by_name:
                raise AwsError("LoadBalancerNotFound", f"Load balancers '[{n}]' not found", 400)
            lbs.append(idx.lb_by_name[n])
    else:
        lbs = list(idx.lbs.values())
    page, nxt = paginate(ctx, [clean(lb) for lb in lbs], p.get("Marker"), p.get("PageSize"), 400)
    return {"LoadBalancers": page, "NextMarker": nxt}


def DescribeTargetGroups(ctx, p):
    idx = ctx.sc.idx
    given = [k for k in ("LoadBalancerArn", "TargetGroupArns", "Names") if p.get(k)]
    if len(given) > 1:
        raise validation_error(ctx.scope, "Target group names, target group ARNs, and a load balancer ARN cannot "
                                          "be specified at the same time")
    if p.get("LoadBalancerArn"):
        if p["LoadBalancerArn"] not in idx.lbs:
            raise _lb_not_found()
        tgs = [tg for tg in idx.tgs.values() if p["LoadBalancerArn"] in tg["LoadBalancerArns"]]
    elif p.get("TargetGroupArns"):
        tgs = []
        for arn in p["TargetGroupArns"]:
            if arn not in idx.tgs:
                raise _tg_not_found()
            tgs.append(idx.tgs[arn])
    elif p.get("Names"):
        tgs = []
        for n in p["Names"]:
            if n not in idx.tg_by_name:
                raise AwsError("TargetGroupNotFound", f"Target groups '[{n}]' not found", 400)
            tgs.append(idx.tg_by_name[n])
    else:
        tgs = list(idx.tgs.values())
    page, nxt = paginate(ctx, [clean(tg) for tg in tgs], p.get("Marker"), p.get("PageSize"), 400)
    return {"TargetGroups": page, "NextMarker": nxt}


def DescribeTargetHealth(ctx, p):
    tg = ctx.sc.idx.tgs.get(p["TargetGroupArn"])
    if tg is None:
        raise _tg_not_found()
    descs = [dict(d) for d in tg["_targets"]]
    if p.get("Targets"):
        out = []
        for want in p["Targets"]:
            match = [d for d in descs if d["Target"]["Id"] == want["Id"]
                     and (want.get("Port") is None or d["Target"].get("Port") == want.get("Port"))]
            if match:
                out.extend(match)
            else:
                # Asking about an unregistered target is not an error on AWS.
                out.append({"Target": dict(want), "TargetHealth": {
                    "State": "unused", "Reason": "Target.NotRegistered",
                    "Description": "Target is not registered to the target group"}})
        descs = out
    return {"TargetHealthDescriptions": descs}


def DescribeTargetGroupAttributes(ctx, p):
    tg = ctx.sc.idx.tgs.get(p["TargetGroupArn"])
    if tg is None:
        raise _tg_not_found()
    return {"Attributes": [{"Key": k, "Value": v} for k, v in tg["_attrs"].items()]}


def DescribeLoadBalancerAttributes(ctx, p):
    lb = ctx.sc.idx.lbs.get(p["LoadBalancerArn"])
    if lb is None:
        raise _lb_not_found()
    return {"Attributes": [{"Key": k, "Value": v} for k, v in lb["_attrs"].items()]}


def DescribeListeners(ctx, p):
    idx = ctx.sc.idx
    if p.get("LoadBalancerArn"):
        if p["LoadBalancerArn"] not in idx.lbs:
            raise _lb_not_found()
        lns = [ln for ln in idx.listeners.values() if ln["LoadBalancerArn"] == p["LoadBalancerArn"]]
    elif p.get("ListenerArns"):
        lns = []
        for arn in p["ListenerArns"]:
            if arn not in idx.listeners:
                raise AwsError("ListenerNotFound", "One or more listeners not found", 400)
            lns.append(idx.listeners[arn])
    else:
        raise validation_error(ctx.scope, "You must specify either listener ARNs or a load balancer ARN")
    page, nxt = paginate(ctx, [clean(ln) for ln in lns], p.get("Marker"), p.get("PageSize"), 400)
    return {"Listeners": page, "NextMarker": nxt}


def _rules_for(ctx, larn):
    ln = ctx.sc.idx.listeners[larn]
    rules = [clean(r) for r in ctx.sc.r[("elbv2", "rules")] if r["_listener"] == larn]
    # Every listener has a default rule mirroring its default actions.
    rules.append({"RuleArn": larn.replace(":listener/", ":listener-rule/") + "/default",
                  "Priority": "default", "Conditions": [], "Actions": clean(ln)["DefaultActions"],
                  "IsDefault": True})
    return rules


def DescribeRules(ctx, p):
    idx = ctx.sc.idx
    if p.get("ListenerArn"):
        if p["ListenerArn"] not in idx.listeners:
            raise AwsError("ListenerNotFound", "One or more listeners not found", 400)
        rules = _rules_for(ctx, p["ListenerArn"])
    elif p.get("RuleArns"):
        every = [r for larn in idx.listeners for r in _rules_for(ctx, larn)]
        rules = []
        for arn in p["RuleArns"]:
            m = [r for r in every if r["RuleArn"] == arn]
            if not m:
                raise AwsError("RuleNotFound", "One or more rules not found", 400)
            rules.extend(m)
    else:
        raise validation_error(ctx.scope, "You must specify either listener or rule ARNs")
    page, nxt = paginate(ctx, rules, p.get("Marker"), p.get("PageSize"), 400)
    return {"Rules": page, "NextMarker": nxt}


def DescribeTags(ctx, p):
    idx = ctx.sc.idx
    out = []
    for arn in p["ResourceArns"]:
        res = idx.lbs.get(arn) or idx.tgs.get(arn) or idx.listeners.get(arn)
        if res is None:
            raise (_tg_not_found() if ":targetgroup/" in arn else _lb_not_found())
        out.append({"ResourceArn": arn, "Tags": list(res.get("_Tags", []))})
    return {"TagDescriptions": out}
