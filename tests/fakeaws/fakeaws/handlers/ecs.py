"""Amazon ECS (JSON 1.1, AmazonEC2ContainerServiceV20141113)."""

from ..errors import AwsError
from . import clean, paginate


def _cluster(ctx, name_or_arn):
    name = (name_or_arn or "default")
    c = ctx.sc.idx.clusters.get(name.rsplit("/", 1)[-1] if name.startswith("arn:") else name)
    if c is None or (name.startswith("arn:") and c["clusterArn"] != name):
        raise AwsError("ClusterNotFoundException", "Cluster not found.")
    return c


def _with_tags(res, include):
    out = clean(res)
    if "TAGS" not in (include or []):
        out.pop("tags", None)
    return out


def ListClusters(ctx, p):
    arns = [c["clusterArn"] for c in ctx.sc.idx.clusters.values()]
    page, nxt = paginate(ctx, arns, p.get("nextToken"), p.get("maxResults"), 100)
    return {"clusterArns": page, "nextToken": nxt}


def DescribeClusters(ctx, p):
    out, failures = [], []
    for ref in p.get("clusters") or ["default"]:
        try:
            c = _cluster(ctx, ref)
        except AwsError:
            arn = ref if ref.startswith("arn:") else ctx.sc.arn("ecs", f"cluster/{ref}")
            failures.append({"arn": arn, "reason": "MISSING"})
            continue
        res = _with_tags(c, p.get("include"))
        inc = p.get("include") or []
        # Like ECS, optional blocks come back only when asked for.
        for member, flag in (("statistics", "STATISTICS"), ("settings", "SETTINGS"),
                             ("configuration", "CONFIGURATIONS"), ("attachments", "ATTACHMENTS")):
            if flag not in inc:
                res.pop(member, None)
        out.append(res)
    return {"clusters": out, "failures": failures}


def ListServices(ctx, p):
    c = _cluster(ctx, p.get("cluster"))
    svcs = [s for (cn, _), s in ctx.sc.idx.services.items() if cn == c["clusterName"] and s["status"] != "INACTIVE"]
    if p.get("launchType"):
        svcs = [s for s in svcs if s.get("launchType") == p["launchType"]]
    if p.get("schedulingStrategy"):
        svcs = [s for s in svcs if s.get("schedulingStrategy") == p["schedulingStrategy"]]
    page, nxt = paginate(ctx, [s["serviceArn"] for s in svcs], p.get("nextToken"), p.get("maxResults"), 10)
    return {"serviceArns": page, "nextToken": nxt}


def _service(ctx, cluster, ref):
    if ref.startswith("arn:"):
        s = ctx.sc.idx.service_by_arn.get(ref)
        if s is None and ref.count("/") == 1:
            # Old ARN format without the cluster: service/<name>.
            s = ctx.sc.idx.services.get((cluster["clusterName"], ref.rsplit("/", 1)[-1]))
        return s if s and s["_cluster"] == cluster["clusterName"] else None
    return ctx.sc.idx.services.get((cluster["clusterName"], ref))


def DescribeServices(ctx, p):
    c = _cluster(ctx, p.get("cluster"))
    out, failures = [], []
    for ref in p["services"]:
        s = _service(ctx, c, ref)
        if s is None:
            arn = ref if ref.startswith("arn:") else ctx.sc.arn("ecs", f"service/{c['clusterName']}/{ref}")
            failures.append({"arn": arn, "reason": "MISSING"})
        else:
            out.append(_with_tags(s, p.get("include")))
    return {"services": out, "failures": failures}


def ListTasks(ctx, p):
    c = _cluster(ctx, p.get("cluster"))
    # "When you specify startedBy as the filter, it must be the only filter
    # that you use" (API reference).  desiredStatus always applies (it has a
    # default), so it is allowed alongside.
    if p.get("startedBy") and any(p.get(k) for k in ("family", "serviceName", "containerInstance", "launchType")):
        raise AwsError("InvalidParameterException", "startedBy cannot be used with any other filter.")
    tasks = ctx.sc.idx.tasks_by_cluster.get(c["clusterName"], [])
    if p.get("serviceName"):
        name = p["serviceName"].rsplit("/", 1)[-1]
        if (c["clusterName"], name) not in ctx.sc.idx.services:
            raise AwsError("ServiceNotFoundException", "Service not found.")
        tasks = [t for t in tasks if t.get("_service") == name]
    # ECS lists only tasks whose desired status is RUNNING unless told otherwise.
    want = p.get("desiredStatus", "RUNNING")
    tasks = [t for t in tasks if t["desiredStatus"] == want]
    if p.get("family"):
        fam = p["family"]
        tasks = [t for t in tasks if t["taskDefinitionArn"].rsplit("/", 1)[-1].rsplit(":", 1)[0] == fam]
    if p.get("startedBy"):
        tasks = [t for t in tasks if t.get("startedBy") == p["startedBy"]]
    if p.get("containerInstance"):
        ci = p["containerInstance"]
        tasks = [t for t in tasks if t.get("containerInstanceArn") and
                 (t["containerInstanceArn"] == ci or t["containerInstanceArn"].endswith("/" + ci))]
    if p.get("launchType"):
        tasks = [t for t in tasks if t.get("launchType") == p["launchType"]]
    page, nxt = paginate(ctx, [t["taskArn"] for t in tasks], p.get("nextToken"), p.get("maxResults"), 100)
    return {"taskArns": page, "nextToken": nxt}


def DescribeTasks(ctx, p):
    c = _cluster(ctx, p.get("cluster"))
    out, failures = [], []
    by_arn = ctx.sc.idx.task_by_arn
    for ref in p["tasks"]:
        arn = ref if ref.startswith("arn:") else ctx.sc.arn("ecs", f"task/{c['clusterName']}/{ref}")
        t = by_arn.get(arn)
        if t is None and arn.count("/") == 1:  # old ARN format task/<id>
            t = ctx.sc.idx.task_by_id.get(arn.rsplit("/", 1)[-1])
        if t is None or t["_cluster"] != c["clusterName"]:
            failures.append({"arn": arn, "reason": "MISSING"})
        else:
            out.append(_with_tags(t, p.get("include")))
    return {"tasks": out, "failures": failures}


def _td(ctx, ref):
    idx = ctx.sc.idx
    if ref.startswith("arn:"):
        td = idx.td_by_arn.get(ref)
    elif ":" in ref:
        td = idx.td_by_arn.get(ctx.sc.arn("ecs", f"task-definition/{ref}"))
    else:
        revs = [t for t in idx.td_families.get(ref, []) if t["status"] == "ACTIVE"]
        td = revs[-1] if revs else None
    if td is None:
        raise AwsError("ClientException", "Unable to describe task definition.")
    return td


def DescribeTaskDefinition(ctx, p):
    td = _td(ctx, p["taskDefinition"])
    out = {"taskDefinition": clean(td)}
    # Tags live beside the task definition in the response, only on request.
    if "TAGS" in (p.get("include") or []):
        out["tags"] = list(td.get("_tags", []))
    return out


def ListTaskDefinitions(ctx, p):
    tds = list(ctx.sc.idx.td_by_arn.values())
    if p.get("familyPrefix"):
        tds = [t for t in tds if t["family"] == p["familyPrefix"]]
    status = p.get("status", "ACTIVE")
    tds = [t for t in tds if t["status"] == status]
    tds.sort(key=lambda t: (t["family"], t["revision"]), reverse=p.get("sort") == "DESC")
    page, nxt = paginate(ctx, [t["taskDefinitionArn"] for t in tds], p.get("nextToken"), p.get("maxResults"), 100)
    return {"taskDefinitionArns": page, "nextToken": nxt}


def ListTaskDefinitionFamilies(ctx, p):
    fams = sorted(f for f, revs in ctx.sc.idx.td_families.items()
                  if not p.get("familyPrefix") or f.startswith(p["familyPrefix"]))
    page, nxt = paginate(ctx, fams, p.get("nextToken"), p.get("maxResults"), 100)
    return {"families": page, "nextToken": nxt}


def ListContainerInstances(ctx, p):
    c = _cluster(ctx, p.get("cluster"))
    cis = [ci for ci in ctx.sc.idx.container_instances.values() if ci["_cluster"] == c["clusterName"]]
    if p.get("status"):
        cis = [ci for ci in cis if ci["status"] == p["status"]]
    page, nxt = paginate(ctx, [ci["containerInstanceArn"] for ci in cis], p.get("nextToken"),
                         p.get("maxResults"), 100)
    return {"containerInstanceArns": page, "nextToken": nxt}


def DescribeContainerInstances(ctx, p):
    c = _cluster(ctx, p.get("cluster"))
    out, failures = [], []
    for ref in p["containerInstances"]:
        arn = ref if ref.startswith("arn:") else ctx.sc.arn("ecs", f"container-instance/{c['clusterName']}/{ref}")
        ci = ctx.sc.idx.container_instances.get(arn)
        if ci is None or ci["_cluster"] != c["clusterName"]:
            failures.append({"arn": arn, "reason": "MISSING"})
        else:
            out.append(_with_tags(ci, p.get("include")))
    return {"containerInstances": out, "failures": failures}


def DescribeCapacityProviders(ctx, p):
    cps = ctx.sc.idx.capacity_providers
    refs = p.get("capacityProviders")
    out, failures = [], []
    if refs:
        for ref in refs:
            cp = cps.get(ref.rsplit("/", 1)[-1])
            if cp is None:
                failures.append({"arn": ref if ref.startswith("arn:") else
                                 ctx.sc.arn("ecs", f"capacity-provider/{ref}"), "reason": "MISSING"})
            else:
                out.append(_with_tags(cp, p.get("include")))
        items = out
    else:
        items = [_with_tags(cp, p.get("include")) for cp in cps.values()]
    page, nxt = paginate(ctx, items, p.get("nextToken"), p.get("maxResults"), None)
    return {"capacityProviders": page, "failures": failures, "nextToken": nxt}


def ListTagsForResource(ctx, p):
    arn = p["resourceArn"]
    idx = ctx.sc.idx
    res = idx.service_by_arn.get(arn) or idx.task_by_arn.get(arn) or idx.cluster_by_arn.get(arn)
    if res is None and arn in idx.td_by_arn:
        return {"tags": list(idx.td_by_arn[arn].get("_tags", []))}
    if res is None:
        raise AwsError("InvalidParameterException", "The specified resource could not be found.")
    return {"tags": list(res.get("tags", []))}
