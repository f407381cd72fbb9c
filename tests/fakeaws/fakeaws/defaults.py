"""Defaults and cross-references for a loaded Scenario.

Everything a scenario author leaves out is derived here, deterministically
(hash of names), so two loads of one file produce identical ARNs and ids.
Names may be used wherever an id/ARN is expected (subnet names in a service's
awsvpcConfiguration, target group names in a service's loadBalancers, role
names in a task definition ...); they are resolved to ids/ARNs here.

Order matters: EC2 first (everything references VPCs and subnets), then IAM,
ELBv2, ECS (services reference target groups, tasks reference services),
then the rest.  Indexes built here (scenario.idx) are what handlers use.
"""

import copy
import datetime
import json

from .scenario import h, ScenarioError

ECS_EXEC_POLICY_DOC = {
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Action": ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer",
                   "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": "*"}]}

# Well-known AWS managed policies (name -> (arn, document)).
AWS_MANAGED = {
    "AmazonECSTaskExecutionRolePolicy": (
        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy", ECS_EXEC_POLICY_DOC),
    "AmazonEC2ContainerRegistryReadOnly": (
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [
            "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer",
            "ecr:GetRepositoryPolicy", "ecr:DescribeRepositories", "ecr:ListImages", "ecr:DescribeImages",
            "ecr:BatchGetImage", "ecr:GetLifecyclePolicy", "ecr:GetLifecyclePolicyPreview",
            "ecr:ListTagsForResource", "ecr:DescribeImageScanFindings"], "Resource": "*"}]}),
    "CloudWatchLogsFullAccess": (
        "arn:aws:iam::aws:policy/CloudWatchLogsFullAccess",
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["logs:*"], "Resource": "*"}]}),
}

ECS_TASKS_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}

TARGET_STATE_DEFAULTS = {
    "unhealthy": ("Target.FailedHealthChecks", "Health checks failed"),
    "draining": ("Target.DeregistrationInProgress", "Target deregistration is in progress"),
    "initial": ("Elb.RegistrationInProgress", "Target registration is in progress"),
    "unused": ("Target.NotInUse", "Target group is not configured to receive traffic from the load balancer"),
    "unavailable": ("Target.HealthCheckDisabled", "Health checks are disabled"),
}

TG_ATTRIBUTE_DEFAULTS = {
    "deregistration_delay.timeout_seconds": "300",
    "stickiness.enabled": "false",
    "stickiness.type": "lb_cookie",
    "load_balancing.algorithm.type": "round_robin",
    "slow_start.duration_seconds": "0",
}

LB_ATTRIBUTE_DEFAULTS = {
    "idle_timeout.timeout_seconds": "60",
    "deletion_protection.enabled": "false",
    "routing.http2.enabled": "true",
    "access_logs.s3.enabled": "false",
}


def _unique(index, key, what):
    if key in index:
        raise ScenarioError(f"duplicate {what} {key}")


class Idx(dict):
    """Attribute-style dict for indexes (scenario.idx.td_by_arn, ...)."""
    __getattr__ = dict.__getitem__


def apply(sc):
    sc.idx = Idx()
    _ec2(sc)
    _iam(sc)
    _elbv2(sc)
    _ecs(sc)
    _logs(sc)
    _ecr(sc)
    _secrets_ssm(sc)
    _autoscaling(sc)
    _cloudtrail(sc)


# --------------------------------------------------------------------------
# EC2
# --------------------------------------------------------------------------

def _tags(res, key="Tags"):
    name = res.pop("_Name", None)
    if name is not None:
        tags = res.setdefault(key, [])
        if not any(t.get("Key") == "Name" for t in tags):
            tags.insert(0, {"Key": "Name", "Value": name})
    for t in res.get(key, []):
        if t.get("Key") == "Name":
            return t.get("Value")
    return None


def _ec2(sc):
    names = {}   # (kind, Name) -> id
    ids = {}     # id -> resource

    def reg(kind, res, idfield, prefix, key="Tags"):
        name = _tags(res, key)
        if not res.get(idfield):
            seed = name or f"{kind}-{len(ids)}"
            res[idfield] = f"{prefix}-{h(kind, seed, n=17)}"
            if res[idfield] in ids:  # two resources share a Name tag
                res[idfield] = f"{prefix}-{h(kind, seed, len(ids), n=17)}"
        elif res[idfield] in ids:
            raise ScenarioError(f"duplicate EC2 id {res[idfield]}")
        if name:
            names[(kind, name)] = res[idfield]
        ids[res[idfield]] = res
        return name

    def ref(kind, value):
        if value is None:
            return None
        return names.get((kind, value), value)

    vpcs = sc.r[("ec2", "vpcs")]
    for v in vpcs:
        reg("vpc", v, "VpcId", "vpc")
        v.setdefault("CidrBlock", "10.0.0.0/16")
        v.setdefault("State", "available")
        v.setdefault("OwnerId", sc.account)
        v.setdefault("InstanceTenancy", "default")
        v.setdefault("IsDefault", False)
        v.setdefault("DhcpOptionsId", "dopt-" + h("dopt", v["VpcId"], n=17))
        v.setdefault("CidrBlockAssociationSet", [{"AssociationId": "vpc-cidr-assoc-" + h(v["VpcId"], n=17),
                                                  "CidrBlock": v["CidrBlock"],
                                                  "CidrBlockState": {"State": "associated"}}])
    default_vpc = vpcs[0]["VpcId"] if vpcs else None
    vpc_cidr = {v["VpcId"]: v["CidrBlock"] for v in vpcs}

    for i, s in enumerate(sc.r[("ec2", "subnets")]):
        reg("subnet", s, "SubnetId", "subnet")
        s["VpcId"] = ref("vpc", s.get("VpcId")) or default_vpc
        s.setdefault("AvailabilityZone", sc.region + "abcdef"[i % 6])
        s.setdefault("AvailabilityZoneId", "use1-az" + str(i % 6 + 1))
        s.setdefault("CidrBlock", f"10.0.{i}.0/24")
        s.setdefault("AvailableIpAddressCount", 250)
        s.setdefault("DefaultForAz", False)
        s.setdefault("MapPublicIpOnLaunch", False)
        s.setdefault("State", "available")
        s.setdefault("OwnerId", sc.account)
        s.setdefault("AssignIpv6AddressOnCreation", False)
        s.setdefault("SubnetArn", sc.arn("ec2", "subnet/" + s["SubnetId"]))
    subnet_vpc = {s["SubnetId"]: s["VpcId"] for s in sc.r[("ec2", "subnets")]}

    for g in sc.r[("ec2", "securityGroups")]:
        name = reg("sg", g, "GroupId", "sg")
        g.setdefault("GroupName", name or g["GroupId"])
        if name is None:
            names[("sg", g["GroupName"])] = g["GroupId"]
        g.setdefault("Description", g["GroupName"])
        g["VpcId"] = ref("vpc", g.get("VpcId")) or default_vpc
        g.setdefault("OwnerId", sc.account)
        g.setdefault("IpPermissions", [])
        g.setdefault("IpPermissionsEgress", [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                                              "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}])
    for g in sc.r[("ec2", "securityGroups")]:
        for perm in g["IpPermissions"] + g["IpPermissionsEgress"]:
            for k in ("IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs"):
                perm.setdefault(k, [])
            for pair in perm["UserIdGroupPairs"]:
                pair["GroupId"] = ref("sg", pair.get("GroupId"))
                pair.setdefault("UserId", sc.account)

    for igw in sc.r[("ec2", "internetGateways")]:
        reg("igw", igw, "InternetGatewayId", "igw")
        igw.setdefault("OwnerId", sc.account)
        vpc = igw.pop("_VpcId", None)
        if vpc and "Attachments" not in igw:
            igw["Attachments"] = [{"State": "available", "VpcId": ref("vpc", vpc)}]
        igw.setdefault("Attachments", [])

    for n in sc.r[("ec2", "natGateways")]:
        reg("nat", n, "NatGatewayId", "nat")
        n["SubnetId"] = ref("subnet", n.get("SubnetId"))
        n.setdefault("VpcId", subnet_vpc.get(n["SubnetId"], default_vpc))
        n["VpcId"] = ref("vpc", n["VpcId"])
        n.setdefault("State", "available")
        n.setdefault("ConnectivityType", "public")
        n.setdefault("CreateTime", sc.t("-90d"))
        n.setdefault("NatGatewayAddresses", [{"AllocationId": "eipalloc-" + h(n["NatGatewayId"], n=17),
                                              "NetworkInterfaceId": "eni-" + h("nat", n["NatGatewayId"], n=17),
                                              "PrivateIp": "10.0.255.10", "PublicIp": "203.0.113.10"}])

    for rt in sc.r[("ec2", "routeTables")]:
        reg("rtb", rt, "RouteTableId", "rtb")
        rt["VpcId"] = ref("vpc", rt.get("VpcId")) or default_vpc
        rt.setdefault("OwnerId", sc.account)
        rt.setdefault("PropagatingVgws", [])
        assocs = rt.setdefault("Associations", [])
        if rt.pop("_Main", False):
            assocs.append({"Main": True, "RouteTableAssociationId": "rtbassoc-" + h(rt["RouteTableId"], "main", n=17),
                           "RouteTableId": rt["RouteTableId"], "AssociationState": {"State": "associated"}})
        for sub in rt.pop("_Subnets", []):
            sid = ref("subnet", sub)
            assocs.append({"Main": False, "RouteTableAssociationId": "rtbassoc-" + h(rt["RouteTableId"], sid, n=17),
                           "RouteTableId": rt["RouteTableId"], "SubnetId": sid,
                           "AssociationState": {"State": "associated"}})
        for a in assocs:
            if "SubnetId" in a:
                a["SubnetId"] = ref("subnet", a["SubnetId"])
        routes = rt.setdefault("Routes", [])
        cidr = vpc_cidr.get(rt["VpcId"], "10.0.0.0/16")
        if not any(r.get("GatewayId") == "local" for r in routes):
            routes.insert(0, {"DestinationCidrBlock": cidr, "GatewayId": "local", "Origin": "CreateRouteTable",
                              "State": "active"})
        for r in routes:
            if "GatewayId" in r and r["GatewayId"] != "local":
                r["GatewayId"] = ref("igw", r["GatewayId"])
                r["GatewayId"] = ref("vpce", r["GatewayId"])
            if "NatGatewayId" in r:
                r["NatGatewayId"] = ref("nat", r["NatGatewayId"])
            r.setdefault("Origin", "CreateRoute")
            r.setdefault("State", "active")

    for e in sc.r[("ec2", "vpcEndpoints")]:
        reg("vpce", e, "VpcEndpointId", "vpce")
        e["VpcId"] = ref("vpc", e.get("VpcId")) or default_vpc
        if "ServiceName" not in e:
            raise ScenarioError(f"vpc endpoint {e['VpcEndpointId']}: ServiceName is required")
        gateway = e["ServiceName"].endswith((".s3", ".dynamodb"))
        e.setdefault("VpcEndpointType", "Gateway" if gateway else "Interface")
        e.setdefault("State", "available")
        e.setdefault("OwnerId", sc.account)
        e.setdefault("CreationTimestamp", sc.t("-90d"))
        e.setdefault("PrivateDnsEnabled", e["VpcEndpointType"] == "Interface")
        e.setdefault("RequesterManaged", False)
        e["RouteTableIds"] = [ref("rtb", x) for x in e.get("RouteTableIds", [])]
        e["SubnetIds"] = [ref("subnet", x) for x in e.get("SubnetIds", [])]
        for g in e.setdefault("Groups", []):
            g["GroupId"] = ref("sg", g.get("GroupId"))
        e.setdefault("PolicyDocument", json.dumps({"Statement": [{"Action": "*", "Effect": "Allow",
                                                                  "Principal": "*", "Resource": "*"}]}))
        # Gateway endpoints add a prefix-list route to their route tables.
        if gateway:
            pl = "pl-63a5400a" if e["ServiceName"].endswith(".s3") else "pl-02cd2c6b"
            for rt in sc.r[("ec2", "routeTables")]:
                if rt["RouteTableId"] in e["RouteTableIds"] and not any(
                        r.get("GatewayId") == e["VpcEndpointId"] for r in rt["Routes"]):
                    rt["Routes"].append({"DestinationPrefixListId": pl, "GatewayId": e["VpcEndpointId"],
                                         "Origin": "CreateRoute", "State": "active"})

    for acl in sc.r[("ec2", "networkAcls")]:
        reg("acl", acl, "NetworkAclId", "acl")
        acl["VpcId"] = ref("vpc", acl.get("VpcId")) or default_vpc
        acl.setdefault("OwnerId", sc.account)
        acl.setdefault("IsDefault", True)
        assocs = acl.setdefault("Associations", [])
        for sub in acl.pop("_Subnets", []):
            sid = ref("subnet", sub)
            assocs.append({"NetworkAclAssociationId": "aclassoc-" + h(acl["NetworkAclId"], sid, n=17),
                           "NetworkAclId": acl["NetworkAclId"], "SubnetId": sid})
        if "Entries" not in acl:
            acl["Entries"] = [
                {"CidrBlock": "0.0.0.0/0", "Egress": eg, "Protocol": "-1", "RuleAction": act, "RuleNumber": num}
                for eg in (True, False) for num, act in ((100, "allow"), (32767, "deny"))]

    for i, ni in enumerate(sc.r[("ec2", "networkInterfaces")]):
        reg("eni", ni, "NetworkInterfaceId", "eni", key="TagSet")
        ni["SubnetId"] = ref("subnet", ni.get("SubnetId"))
        ni.setdefault("VpcId", subnet_vpc.get(ni["SubnetId"], default_vpc))
        ni.setdefault("OwnerId", sc.account)
        ni.setdefault("Status", "in-use")
        ni.setdefault("InterfaceType", "interface")
        ni.setdefault("PrivateIpAddress", f"10.0.200.{i + 10}")
        for g in ni.setdefault("Groups", []):
            g["GroupId"] = ref("sg", g.get("GroupId"))
            g.setdefault("GroupName", g["GroupId"])

    for ins in sc.r[("ec2", "instances")]:
        reg("i", ins, "InstanceId", "i")
        _instance_defaults(sc, ins, ref, subnet_vpc, default_vpc)

    if not sc.r[("ec2", "prefixLists")]:
        sc.r[("ec2", "prefixLists")] = [
            {"PrefixListId": "pl-63a5400a", "PrefixListName": f"com.amazonaws.{sc.region}.s3",
             "Cidrs": ["52.216.0.0/15", "3.5.0.0/19"]},
            {"PrefixListId": "pl-02cd2c6b", "PrefixListName": f"com.amazonaws.{sc.region}.dynamodb",
             "Cidrs": ["3.218.180.0/22"]}]
    for m in sc.r[("ec2", "managedPrefixLists")]:
        m.setdefault("PrefixListId", "pl-" + h("mpl", m.get("PrefixListName"), n=17))
        m.setdefault("AddressFamily", "IPv4")
        m.setdefault("State", "create-complete")
        m.setdefault("OwnerId", sc.account)
        m.setdefault("PrefixListArn", sc.arn("ec2", "prefix-list/" + m["PrefixListId"]))

    sc.idx["ec2_names"] = names
    sc.idx["ec2_ids"] = ids
    sc.idx["default_vpc"] = default_vpc
    sc.ec2_ref = ref


def _instance_defaults(sc, ins, ref, subnet_vpc, default_vpc):
    ins["SubnetId"] = ref("subnet", ins.get("SubnetId"))
    ins.setdefault("VpcId", subnet_vpc.get(ins["SubnetId"], default_vpc))
    sub = next((s for s in sc.r[("ec2", "subnets")] if s["SubnetId"] == ins["SubnetId"]), {})
    ins.setdefault("State", {"Code": 16, "Name": "running"})
    ins.setdefault("InstanceType", "m5.large")
    ins.setdefault("ImageId", "ami-0c7217cdde317cfec")
    ins.setdefault("LaunchTime", sc.t("-10d"))
    ins.setdefault("Placement", {"AvailabilityZone": sub.get("AvailabilityZone", sc.region + "a"), "Tenancy": "default"})
    ins.setdefault("PrivateIpAddress", "10.0.250.%d" % (int(h("ip", ins["InstanceId"], n=4), 16) % 200 + 10))
    ins.setdefault("PrivateDnsName", "ip-%s.ec2.internal" % ins["PrivateIpAddress"].replace(".", "-"))
    ins.setdefault("Architecture", "x86_64")
    ins.setdefault("RootDeviceType", "ebs")
    ins.setdefault("Monitoring", {"State": "disabled"})
    for g in ins.setdefault("SecurityGroups", []):
        g["GroupId"] = ref("sg", g.get("GroupId") or g.get("GroupName"))
        g.setdefault("GroupName", g["GroupId"])


# --------------------------------------------------------------------------
# IAM
# --------------------------------------------------------------------------

def _doc(d):
    # Compact, like documents created through the console/CLI usually are.
    return d if isinstance(d, str) else json.dumps(d, separators=(",", ":"))


def _iam(sc):
    policies = {}  # arn -> policy
    by_name = {}
    for p in sc.r[("iam", "policies")]:
        if "PolicyName" not in p and "Arn" not in p:
            raise ScenarioError("iam policy needs PolicyName or Arn")
        p.setdefault("Path", "/")
        p.setdefault("PolicyName", p.get("Arn", "").rsplit("/", 1)[-1])
        p.setdefault("Arn", f"arn:aws:iam::{sc.account}:policy{p['Path']}{p['PolicyName']}")
        p.setdefault("PolicyId", "ANPA" + h(p["Arn"], n=17).upper())
        p.setdefault("CreateDate", sc.t("-180d"))
        p.setdefault("UpdateDate", p["CreateDate"])
        p.setdefault("IsAttachable", True)
        p.setdefault("PermissionsBoundaryUsageCount", 0)
        versions = p.pop("_Versions", None)
        doc = p.pop("_Document", None)
        if versions is None:
            versions = [{"VersionId": "v1", "Document": doc or {"Version": "2012-10-17", "Statement": []},
                         "IsDefaultVersion": True}]
        norm = []
        for v in versions:
            norm.append({"Document": _doc(v["Document"]), "VersionId": v["VersionId"],
                         "IsDefaultVersion": bool(v.get("IsDefaultVersion")),
                         "CreateDate": sc.t(v.get("CreateDate", "-180d"))})
        if not any(v["IsDefaultVersion"] for v in norm):
            norm[-1]["IsDefaultVersion"] = True
        p["_versions"] = {v["VersionId"]: v for v in norm}
        p.setdefault("DefaultVersionId", next(v["VersionId"] for v in norm if v["IsDefaultVersion"]))
        policies[p["Arn"]] = p
        by_name[p["PolicyName"]] = p

    def managed(name_or_arn):
        if name_or_arn in policies:
            return policies[name_or_arn]
        if name_or_arn in by_name:
            return by_name[name_or_arn]
        short = name_or_arn.rsplit("/", 1)[-1]
        arn, doc = AWS_MANAGED.get(short, (None, None))
        if arn is None:
            arn = name_or_arn if name_or_arn.startswith("arn:") else f"arn:aws:iam::aws:policy/{short}"
            doc = {"Version": "2012-10-17", "Statement": []}
        path = "/" + arn.split(":policy/", 1)[1].rsplit("/", 1)[0] + "/" if arn.count("/") > 1 else "/"
        p = {"PolicyName": short, "Arn": arn, "Path": path, "PolicyId": "ANPA" + h(arn, n=17).upper(),
             "DefaultVersionId": "v1", "AttachmentCount": 0, "PermissionsBoundaryUsageCount": 0,
             "IsAttachable": True, "CreateDate": sc.t("-1000d"), "UpdateDate": sc.t("-300d"),
             "_versions": {"v1": {"Document": _doc(doc), "VersionId": "v1", "IsDefaultVersion": True,
                                  "CreateDate": sc.t("-300d")}}}
        policies[arn] = p
        by_name[short] = p
        return p

    roles = {}
    for r in sc.r[("iam", "roles")]:
        if "RoleName" not in r:
            raise ScenarioError("iam role needs RoleName")
        r.setdefault("Path", "/")
        r.setdefault("Arn", f"arn:aws:iam::{sc.account}:role{r['Path']}{r['RoleName']}")
        r.setdefault("RoleId", "AROA" + h(r["Arn"], n=17).upper())
        r.setdefault("CreateDate", sc.t("-365d"))
        r.setdefault("MaxSessionDuration", 3600)
        r.setdefault("AssumeRolePolicyDocument", _doc(ECS_TASKS_TRUST))
        r.setdefault("RoleLastUsed", {})
        attached = []
        for a in r.pop("_AttachedPolicies", []):
            p = managed(a)
            p["AttachmentCount"] = p.get("AttachmentCount", 0) + 1
            attached.append({"PolicyName": p["PolicyName"], "PolicyArn": p["Arn"]})
        r["_attached"] = attached
        r["_inline"] = {k: _doc(v) for k, v in (r.pop("_InlinePolicies", None) or {}).items()}
        _unique(roles, r["RoleName"], "role")
        roles[r["RoleName"]] = r
    for p in policies.values():
        p.setdefault("AttachmentCount", 0)
    sc.idx["iam_roles"] = roles
    sc.idx["iam_policies"] = policies
    sc.idx["iam_role_arns"] = {r["Arn"]: r for r in roles.values()}


def role_arn(sc, value):
    """Role name or ARN -> ARN (names of scenario roles or any name)."""
    if value is None or value.startswith("arn:"):
        return value
    r = sc.idx.iam_roles.get(value)
    return r["Arn"] if r else f"arn:aws:iam::{sc.account}:role/{value}"


# --------------------------------------------------------------------------
# ELBv2
# --------------------------------------------------------------------------

def _elbv2(sc):
    ref = sc.ec2_ref
    lbs = {}
    lb_by_name = {}
    for lb in sc.r[("elbv2", "loadBalancers")]:
        name = lb.get("LoadBalancerName")
        if not name:
            raise ScenarioError("load balancer needs LoadBalancerName")
        lb.setdefault("Type", "application")
        kind = {"application": "app", "network": "net", "gateway": "gwy"}[lb["Type"]]
        lb.setdefault("LoadBalancerArn", sc.arn("elasticloadbalancing",
                                                f"loadbalancer/{kind}/{name}/{h('lb', name)}"))
        lb.setdefault("Scheme", "internet-facing")
        prefix = "internal-" if lb["Scheme"] == "internal" else ""
        lb.setdefault("DNSName", f"{prefix}{name}-{int(h('dns', name, n=8), 16) % 10**10}.{sc.region}.elb.amazonaws.com")
        lb.setdefault("CanonicalHostedZoneId", "Z35SXDOTRQ7X7K")
        lb.setdefault("CreatedTime", sc.t("-90d"))
        lb["VpcId"] = ref("vpc", lb.get("VpcId")) or sc.idx.default_vpc
        lb.setdefault("State", {"Code": "active"})
        lb.setdefault("IpAddressType", "ipv4")
        for az in lb.setdefault("AvailabilityZones", []):
            if "SubnetId" in az:
                az["SubnetId"] = ref("subnet", az["SubnetId"])
        if lb["Type"] == "application":
            lb["SecurityGroups"] = [ref("sg", g) for g in lb.get("SecurityGroups", [])]
        attrs = dict(LB_ATTRIBUTE_DEFAULTS)
        attrs.update({k: str(v).lower() if isinstance(v, bool) else str(v)
                      for k, v in (lb.pop("_attributes", None) or {}).items()})
        lb["_attrs"] = attrs
        _unique(lb_by_name, name, "load balancer")
        lbs[lb["LoadBalancerArn"]] = lb
        lb_by_name[name] = lb

    def lb_ref(v):
        return lb_by_name[v]["LoadBalancerArn"] if v in lb_by_name else v

    tgs = {}
    tg_by_name = {}
    from . import services
    thd_shape = services.BY_SCOPE["elasticloadbalancing"].model.shape_for("TargetHealthDescription")
    from .scenario import conform
    for tg in sc.r[("elbv2", "targetGroups")]:
        name = tg.get("TargetGroupName")
        if not name:
            raise ScenarioError("target group needs TargetGroupName")
        tg.setdefault("TargetGroupArn", sc.arn("elasticloadbalancing", f"targetgroup/{name}/{h('tg', name)}"))
        tg.setdefault("TargetType", "ip")
        if tg["TargetType"] != "lambda":
            tg.setdefault("Protocol", "HTTP")
            tg.setdefault("Port", 80)
            tg["VpcId"] = ref("vpc", tg.get("VpcId")) or sc.idx.default_vpc
            tg.setdefault("ProtocolVersion", "HTTP1")
            tg.setdefault("IpAddressType", "ipv4")
        tg.setdefault("HealthCheckProtocol", tg.get("Protocol", "HTTP"))
        tg.setdefault("HealthCheckPort", "traffic-port")
        tg.setdefault("HealthCheckEnabled", True)
        tg.setdefault("HealthCheckIntervalSeconds", 30)
        tg.setdefault("HealthCheckTimeoutSeconds", 5)
        tg.setdefault("HealthyThresholdCount", 5)
        tg.setdefault("UnhealthyThresholdCount", 2)
        if tg["HealthCheckProtocol"] in ("HTTP", "HTTPS"):
            tg.setdefault("HealthCheckPath", "/")
            tg.setdefault("Matcher", {"HttpCode": "200"})
        arns = [lb_ref(x) for x in tg.pop("_loadBalancers", [])]
        tg["LoadBalancerArns"] = [lb_ref(x) for x in tg.get("LoadBalancerArns", [])] + arns
        targets = []
        for i, t in enumerate(tg.pop("_targets", None) or []):
            t = dict(t)
            if "Target" not in t:
                # Compact form: {"Id", "Port", "AvailabilityZone", "State", "Reason", "Description"}
                state = t.pop("State", "healthy")
                reason, desc = TARGET_STATE_DEFAULTS.get(state, (None, None))
                target = {"Id": t.pop("Id")}
                if "Port" in t or tg.get("Port"):
                    target["Port"] = t.pop("Port", tg.get("Port"))
                if "AvailabilityZone" in t:
                    target["AvailabilityZone"] = t.pop("AvailabilityZone")
                th = {"State": state}
                if t.get("Reason", reason):
                    th["Reason"] = t.pop("Reason", reason)
                if t.get("Description", desc):
                    th["Description"] = t.pop("Description", desc)
                t.pop("Reason", None)
                t.pop("Description", None)
                hcp = t.pop("HealthCheckPort", str(target.get("Port", "")))
                if t:
                    raise ScenarioError(f"target group {name} target {i}: unknown keys {sorted(t)}")
                t = {"Target": target, "HealthCheckPort": hcp, "TargetHealth": th}
            targets.append(conform(t, thd_shape, f"elbv2.targetGroups[{name}].targets[{i}]", sc.now))
        tg["_targets"] = targets
        attrs = dict(TG_ATTRIBUTE_DEFAULTS)
        attrs.update({k: str(v).lower() if isinstance(v, bool) else str(v)
                      for k, v in (tg.pop("_attributes", None) or {}).items()})
        tg["_attrs"] = attrs
        _unique(tg_by_name, name, "target group")
        tgs[tg["TargetGroupArn"]] = tg
        tg_by_name[name] = tg

    def tg_ref(v):
        return tg_by_name[v]["TargetGroupArn"] if v in tg_by_name else v

    listeners = {}
    for i, ln in enumerate(sc.r[("elbv2", "listeners")]):
        lbarn = lb_ref(ln.pop("_loadBalancer", None) or ln.get("LoadBalancerArn"))
        if lbarn not in lbs:
            raise ScenarioError(f"listener {i}: unknown load balancer {lbarn}")
        ln["LoadBalancerArn"] = lbarn
        ln.setdefault("Protocol", "HTTP")
        ln.setdefault("Port", 80)
        lbpath = lbarn.split(":loadbalancer/", 1)[1]
        ln.setdefault("ListenerArn", sc.arn("elasticloadbalancing",
                                            f"listener/{lbpath}/{h('ln', lbarn, ln['Port'])}"))
        for a in ln.setdefault("DefaultActions", []):
            _fix_action(a, tg_ref)
        listeners[ln["ListenerArn"]] = ln
        # Target groups behind a listener know their load balancer.
        for a in ln["DefaultActions"]:
            for arn in _action_tgs(a):
                if arn in tgs and lbarn not in tgs[arn]["LoadBalancerArns"]:
                    tgs[arn]["LoadBalancerArns"].append(lbarn)
    for i, rule in enumerate(sc.r[("elbv2", "rules")]):
        larn = rule.pop("_listener", None) or rule.get("ListenerArn")
        if larn not in listeners:
            # allow "lbname:port"
            for ln in listeners.values():
                if f"{ln['LoadBalancerArn'].split('/')[-2]}:{ln['Port']}" == larn:
                    larn = ln["ListenerArn"]
        if larn not in listeners:
            raise ScenarioError(f"rule {i}: unknown listener {larn}")
        rule["_listener"] = larn
        rule.setdefault("RuleArn", larn.replace(":listener/", ":listener-rule/") + "/" + h("rule", larn, i))
        rule.setdefault("Priority", str(i + 1))
        rule.setdefault("Conditions", [])
        rule.setdefault("IsDefault", False)
        for a in rule.setdefault("Actions", []):
            _fix_action(a, tg_ref)
    sc.idx["lbs"] = lbs
    sc.idx["lb_by_name"] = lb_by_name
    sc.idx["tgs"] = tgs
    sc.idx["tg_by_name"] = tg_by_name
    sc.idx["listeners"] = listeners
    sc.tg_ref = tg_ref


def _fix_action(a, tg_ref):
    if "TargetGroupArn" in a:
        a["TargetGroupArn"] = tg_ref(a["TargetGroupArn"])
    for t in a.get("ForwardConfig", {}).get("TargetGroups", []):
        t["TargetGroupArn"] = tg_ref(t["TargetGroupArn"])
    a.setdefault("Type", "forward")


def _action_tgs(a):
    out = [a["TargetGroupArn"]] if "TargetGroupArn" in a else []
    out += [t["TargetGroupArn"] for t in a.get("ForwardConfig", {}).get("TargetGroups", [])]
    return out


# --------------------------------------------------------------------------
# ECS
# --------------------------------------------------------------------------

def _ecs(sc):
    ref = sc.ec2_ref
    # Task definitions
    tds = {}
    families = {}
    for td in sc.r[("ecs", "taskDefinitions")]:
        fam = td.get("family")
        if not fam:
            raise ScenarioError("task definition needs family")
        td.setdefault("revision", 1)
        td.setdefault("taskDefinitionArn", sc.arn("ecs", f"task-definition/{fam}:{td['revision']}"))
        td.setdefault("status", "ACTIVE")
        td.setdefault("networkMode", "awsvpc")
        td.setdefault("requiresCompatibilities", ["FARGATE"])
        td.setdefault("compatibilities", ["EC2", "FARGATE"])
        td.setdefault("registeredAt", sc.t("-30d"))
        td.setdefault("registeredBy", f"arn:aws:iam::{sc.account}:user/deployer")
        td.setdefault("containerDefinitions", [])
        td.setdefault("volumes", [])
        td.setdefault("placementConstraints", [])
        for k in ("executionRoleArn", "taskRoleArn"):
            if k in td:
                td[k] = role_arn(sc, td[k])
        for c in td["containerDefinitions"]:
            c.setdefault("essential", True)
            c.setdefault("portMappings", [])
            c.setdefault("environment", [])
            c.setdefault("mountPoints", [])
            c.setdefault("volumesFrom", [])
        _unique(tds, td["taskDefinitionArn"], "task definition")
        tds[td["taskDefinitionArn"]] = td
        families.setdefault(fam, []).append(td)
    for fam in families:
        families[fam].sort(key=lambda t: t["revision"])

    def td_ref(v):
        if v is None or v.startswith("arn:"):
            return v
        fam, _, rev = v.partition(":")
        revs = families.get(fam)
        if not revs:
            return sc.arn("ecs", f"task-definition/{v if rev else v + ':1'}")
        if rev:
            return sc.arn("ecs", f"task-definition/{fam}:{rev}")
        active = [t for t in revs if t["status"] == "ACTIVE"] or revs
        return active[-1]["taskDefinitionArn"]

    clusters = {}

    def cluster(name_or_arn):
        name = name_or_arn.rsplit("/", 1)[-1] if name_or_arn else "default"
        if name not in clusters:
            c = {"clusterName": name}
            sc.r[("ecs", "clusters")].append(c)
            _cluster_defaults(sc, c)
            clusters[name] = c
        return clusters[name]

    for c in sc.r[("ecs", "clusters")]:
        if "clusterName" not in c:
            raise ScenarioError("cluster needs clusterName")
        _cluster_defaults(sc, c)
        clusters[c["clusterName"]] = c
    default_cluster = sc.r[("ecs", "clusters")][0]["clusterName"] if sc.r[("ecs", "clusters")] else "default"

    # Services
    svcs = {}  # (cluster, name) -> service
    for s in sc.r[("ecs", "services")]:
        name = s.get("serviceName")
        if not name:
            raise ScenarioError("service needs serviceName")
        c = cluster(s.pop("_cluster", None) or s.get("clusterArn") or default_cluster)
        cname = c["clusterName"]
        s["_cluster"] = cname
        s.setdefault("serviceArn", sc.arn("ecs", f"service/{cname}/{name}"))
        s["clusterArn"] = c["clusterArn"]
        s.setdefault("status", "ACTIVE")
        s["taskDefinition"] = td_ref(s.get("taskDefinition"))
        # "The service must have a desired count and running count of 0
        # before you can delete it" (DeleteService): a DRAINING or INACTIVE
        # (deleted) service asks for nothing.
        s.setdefault("desiredCount", 0 if s["status"] in ("DRAINING", "INACTIVE") else 1)
        if "capacityProviderStrategy" not in s:
            s.setdefault("launchType", "FARGATE")
        if s.get("launchType") == "FARGATE":
            s.setdefault("platformVersion", "LATEST")
            s.setdefault("platformFamily", "Linux")
        s.setdefault("schedulingStrategy", "REPLICA")
        s.setdefault("deploymentController", {"type": "ECS"})
        s.setdefault("deploymentConfiguration", {
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "maximumPercent": 200, "minimumHealthyPercent": 100})
        s.setdefault("createdAt", sc.t("-60d"))
        s.setdefault("createdBy", f"arn:aws:iam::{sc.account}:role/deployer")
        s.setdefault("enableECSManagedTags", False)
        s.setdefault("propagateTags", "NONE")
        s.setdefault("enableExecuteCommand", False)
        s.setdefault("placementConstraints", [])
        s.setdefault("placementStrategy", [])
        s.setdefault("serviceRegistries", [])
        if "roleArn" in s:
            s["roleArn"] = role_arn(sc, s["roleArn"])
        for lb in s.setdefault("loadBalancers", []):
            if "targetGroupArn" in lb:
                lb["targetGroupArn"] = sc.tg_ref(lb["targetGroupArn"])
        awsvpc = s.get("networkConfiguration", {}).get("awsvpcConfiguration")
        if awsvpc:
            awsvpc["subnets"] = [ref("subnet", x) for x in awsvpc.get("subnets", [])]
            awsvpc["securityGroups"] = [ref("sg", x) for x in awsvpc.get("securityGroups", [])]
            awsvpc.setdefault("assignPublicIp", "DISABLED")
        deps = s.setdefault("deployments", [])
        if not deps:
            deps.append({"status": "PRIMARY", "rolloutState": "COMPLETED"})
        for i, d in enumerate(deps):
            d.setdefault("id", f"ecs-svc/{int(h('dep', s['serviceArn'], i), 16) % 10**19:019d}")
            if d.get("rolloutState") == "COMPLETED":
                d.setdefault("rolloutStateReason", f"ECS deployment {d['id']} completed.")
            d["taskDefinition"] = td_ref(d.get("taskDefinition")) or s["taskDefinition"]
            d.setdefault("desiredCount", s["desiredCount"] if d["status"] == "PRIMARY" else 0)
            d.setdefault("pendingCount", 0)
            d.setdefault("failedTasks", 0)
            d.setdefault("createdAt", sc.t("-1d"))
            d.setdefault("updatedAt", d["createdAt"])
            if s.get("launchType"):
                d.setdefault("launchType", s["launchType"])
            if s.get("platformVersion"):
                d.setdefault("platformVersion", "1.4.0")
                d.setdefault("platformFamily", "Linux")
            if "networkConfiguration" in s:
                d.setdefault("networkConfiguration", copy.deepcopy(s["networkConfiguration"]))
        for i, e in enumerate(s.setdefault("events", [])):
            e.setdefault("id", "%s-%s-%s-%s-%s" % tuple(h("ev", s["serviceArn"], i, e.get("message"), n=32)[a:b]
                                                        for a, b in ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32))))
            e.setdefault("createdAt", sc.t(f"-{(i + 1) * 5}m"))
        # ECS returns events newest first and keeps at most 100.
        s["events"].sort(key=lambda e: e["createdAt"], reverse=True)
        del s["events"][100:]
        _unique(svcs, (cname, name), "service")
        svcs[(cname, name)] = s

    # Tasks (after services: they inherit task definition / network config)
    tasks = []
    for spec in sc.r[("ecs", "tasks")]:
        ids = spec.pop("_taskIds", None) or []
        count = spec.pop("_count", len(ids) or 1)
        if ids and len(ids) != count:
            raise ScenarioError(f"task spec has count {count} but {len(ids)} taskIds")
        for n in range(count):
            t = copy.deepcopy(spec)
            if count > 1:
                t.pop("_taskId", None)
            if ids:
                t["_taskId"] = ids[n]
            tasks.append(_task_defaults(sc, t, n, count, len(tasks), cluster, default_cluster, svcs, td_ref,
                                        tds, ref))
    sc.r[("ecs", "tasks")] = tasks

    # Container instances
    cis = {}
    for i, ci in enumerate(sc.r[("ecs", "containerInstances")]):
        c = cluster(ci.pop("_cluster", None) or default_cluster)
        ci["_cluster"] = c["clusterName"]
        ci.setdefault("containerInstanceArn", sc.arn(
            "ecs", f"container-instance/{c['clusterName']}/{h('ci', c['clusterName'], i, n=32)}"))
        ci.setdefault("ec2InstanceId", "i-" + h("i", ci["containerInstanceArn"], n=17))
        ci.setdefault("status", "ACTIVE")
        ci.setdefault("agentConnected", True)
        ci.setdefault("runningTasksCount", 0)
        ci.setdefault("pendingTasksCount", 0)
        ci.setdefault("registeredAt", sc.t("-30d"))
        ci.setdefault("version", 1)
        ci.setdefault("versionInfo", {"agentVersion": "1.70.0", "dockerVersion": "DockerVersion: 20.10.23"})
        cis[ci["containerInstanceArn"]] = ci
        # The EC2 instance behind it exists in EC2 too (unless the scenario defines it).
        if ci["ec2InstanceId"] not in sc.idx.ec2_ids:
            ins = {"InstanceId": ci["ec2InstanceId"],
                   "SubnetId": (sc.r[("ec2", "subnets")] or [{}])[0].get("SubnetId"), "Tags": []}
            subnet_vpc = {s["SubnetId"]: s["VpcId"] for s in sc.r[("ec2", "subnets")]}
            _instance_defaults(sc, ins, ref, subnet_vpc, sc.idx.default_vpc)
            sc.r[("ec2", "instances")].append(ins)
            sc.idx.ec2_ids[ins["InstanceId"]] = ins

    # Capacity providers (FARGATE and FARGATE_SPOT always exist)
    cps = {}
    for cp in sc.r[("ecs", "capacityProviders")]:
        cp.setdefault("capacityProviderArn", sc.arn("ecs", f"capacity-provider/{cp['name']}"))
        cp.setdefault("status", "ACTIVE")
        cps[cp["name"]] = cp
    for builtin in ("FARGATE", "FARGATE_SPOT"):
        if builtin not in cps:
            cp = {"capacityProviderArn": f"arn:aws:ecs:{sc.region}:{sc.account}:capacity-provider/{builtin}",
                  "name": builtin, "status": "ACTIVE", "tags": []}
            cps[builtin] = cp
    sc.r[("ecs", "capacityProviders")] = list(cps.values())

    # Cluster counters, unless the author set them.
    for c in clusters.values():
        cn = c["clusterName"]
        ct = [t for t in tasks if t["_cluster"] == cn]
        c.setdefault("runningTasksCount", sum(1 for t in ct if t["lastStatus"] == "RUNNING"))
        c.setdefault("pendingTasksCount", sum(1 for t in ct if t["lastStatus"] in ("PENDING", "PROVISIONING")))
        c.setdefault("activeServicesCount", sum(1 for (k, _), s in svcs.items() if k == cn and s["status"] == "ACTIVE"))
        c.setdefault("registeredContainerInstancesCount", sum(1 for x in cis.values() if x["_cluster"] == cn))
    for s in svcs.values():
        s.setdefault("runningCount", sum(1 for t in tasks if t.get("_service") == s["serviceName"]
                                         and t["_cluster"] == s["_cluster"] and t["lastStatus"] == "RUNNING"))
        s.setdefault("pendingCount", sum(1 for t in tasks if t.get("_service") == s["serviceName"]
                                         and t["_cluster"] == s["_cluster"]
                                         and t["lastStatus"] in ("PROVISIONING", "PENDING", "ACTIVATING")))
        for d in s["deployments"]:
            d.setdefault("runningCount", s["runningCount"] if d["status"] == "PRIMARY" else 0)

    sc.idx["td_by_arn"] = tds
    sc.idx["td_families"] = families
    sc.idx["clusters"] = clusters
    sc.idx["cluster_by_arn"] = {c["clusterArn"]: c for c in clusters.values()}
    sc.idx["services"] = svcs
    sc.idx["service_by_arn"] = {s["serviceArn"]: s for s in svcs.values()}
    sc.idx["tasks_by_cluster"] = {}
    for t in tasks:
        sc.idx["tasks_by_cluster"].setdefault(t["_cluster"], []).append(t)
    sc.idx["task_by_arn"] = {t["taskArn"]: t for t in tasks}
    # Old-format ARNs (task/<id>, service/<name>) and bare ids resolve too.
    sc.idx["task_by_id"] = {t["taskArn"].rsplit("/", 1)[-1]: t for t in tasks}
    _task_enis(sc, tasks, svcs)
    sc.idx["container_instances"] = cis
    sc.idx["capacity_providers"] = cps
    sc.td_ref = td_ref


def _task_enis(sc, tasks, svcs):
    """Running awsvpc tasks own an ENI that EC2 DescribeNetworkInterfaces knows.

    Collectors follow a task's attachment to its ENI to find security groups
    and addresses, so the ENI must exist (and must be gone for stopped tasks).
    """
    known = {ni["NetworkInterfaceId"] for ni in sc.r[("ec2", "networkInterfaces")]}
    sg_names = {g["GroupId"]: g.get("GroupName", g["GroupId"]) for g in sc.r[("ec2", "securityGroups")]}
    for t in tasks:
        if t["lastStatus"] not in ("RUNNING", "PENDING", "ACTIVATING") or not t.get("attachments"):
            continue
        att = t["attachments"][0]
        d = {x["name"]: x["value"] for x in att.get("details", [])}
        eni = d.get("networkInterfaceId")
        if not eni or eni in known:
            continue
        svc = svcs.get((t["_cluster"], t.get("_service")), {})
        awsvpc = (svc.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
        subnet = d.get("subnetId")
        sub = sc.idx.ec2_ids.get(subnet) or {}
        ni = {"NetworkInterfaceId": eni, "SubnetId": subnet, "VpcId": sub.get("VpcId", sc.idx.default_vpc),
              "AvailabilityZone": sub.get("AvailabilityZone", t.get("availabilityZone")),
              "Description": sc.arn("ecs", f"attachment/{att['id']}"), "InterfaceType": "interface",
              "MacAddress": d.get("macAddress", "0a:1b:2c:3d:4e:5f"), "OwnerId": sc.account,
              "PrivateDnsName": d.get("privateDnsName"), "PrivateIpAddress": d.get("privateIPv4Address"),
              "PrivateIpAddresses": [{"Primary": True, "PrivateIpAddress": d.get("privateIPv4Address"),
                                      "PrivateDnsName": d.get("privateDnsName")}],
              "RequesterId": "578734482556", "RequesterManaged": True, "SourceDestCheck": True,
              "Status": "in-use", "TagSet": [], "Ipv6Addresses": [],
              "Groups": [{"GroupId": g, "GroupName": sg_names.get(g, g)} for g in awsvpc.get("securityGroups", [])],
              "Attachment": {"AttachmentId": "ela-attach-" + h("att", eni, n=8), "DeviceIndex": 1,
                             "NetworkCardIndex": 0, "InstanceOwnerId": "amazon-aws", "Status": "attached",
                             "AttachTime": t.get("startedAt") or t["createdAt"], "DeleteOnTermination": False}}
        sc.r[("ec2", "networkInterfaces")].append(ni)
        sc.idx.ec2_ids[eni] = ni
        known.add(eni)


def _cluster_defaults(sc, c):
    c.setdefault("clusterArn", sc.arn("ecs", f"cluster/{c['clusterName']}"))
    c.setdefault("status", "ACTIVE")
    c.setdefault("statistics", [])
    c.setdefault("tags", [])
    c.setdefault("settings", [{"name": "containerInsights", "value": "disabled"}])
    c.setdefault("capacityProviders", ["FARGATE", "FARGATE_SPOT"])
    c.setdefault("defaultCapacityProviderStrategy", [])


def _task_defaults(sc, t, n, count, k, cluster, default_cluster, svcs, td_ref, tds, ref):
    c = cluster(t.pop("_cluster", None) or default_cluster)
    cname = c["clusterName"]
    t["_cluster"] = cname
    svc_name = t.get("_service")
    svc = svcs.get((cname, svc_name)) if svc_name else None
    if svc_name and svc is None:
        raise ScenarioError(f"task refers to unknown service {svc_name!r} in cluster {cname!r}")
    # k is the task's position in the scenario, which makes ids unique and stable.
    tid = t.pop("_taskId", None) or h("task", cname, k, n=32)
    t.setdefault("taskArn", sc.arn("ecs", f"task/{cname}/{tid}"))
    t["clusterArn"] = c["clusterArn"]
    if svc:
        t.setdefault("group", f"service:{svc_name}")
        primary = next((d for d in svc["deployments"] if d["status"] == "PRIMARY"), svc["deployments"][0])
        t.setdefault("startedBy", primary["id"])
        t["taskDefinitionArn"] = td_ref(t.get("taskDefinitionArn")) or primary["taskDefinition"]
    else:
        t["taskDefinitionArn"] = td_ref(t.get("taskDefinitionArn"))
    td = tds.get(t["taskDefinitionArn"], {})
    # Fake-only: a task without any timestamp (seen from emulators and
    # hand-made answers; the collector must keep it, flagged untimed).
    untimed = t.pop("_untimed", False)
    t.setdefault("lastStatus", "RUNNING")
    stopped = t["lastStatus"] in ("STOPPED", "DEPROVISIONING", "STOPPING")
    t.setdefault("desiredStatus", "STOPPED" if stopped else "RUNNING")
    t.setdefault("launchType", (svc or {}).get("launchType", "FARGATE"))
    if t["launchType"] == "FARGATE":
        t.setdefault("platformVersion", "1.4.0")
        t.setdefault("platformFamily", "Linux")
        t.setdefault("capacityProviderName", "FARGATE")
    if td.get("cpu"):
        t.setdefault("cpu", td["cpu"])
    if td.get("memory"):
        t.setdefault("memory", td["memory"])
    t.setdefault("availabilityZone", sc.region + "ab"[n % 2])
    # Stagger expanded copies so they do not all share one timestamp.
    base = sc.t(f"-{30 + n * 4}m") if count > 1 else sc.t("-1h")
    t.setdefault("createdAt", base)
    if t["lastStatus"] != "PROVISIONING":
        t.setdefault("pullStartedAt", t["createdAt"] + datetime.timedelta(seconds=5))
    if stopped:
        t.setdefault("stoppingAt", t["createdAt"] + datetime.timedelta(seconds=65))
        t.setdefault("stoppedAt", t["createdAt"] + datetime.timedelta(seconds=90))
        t.setdefault("executionStoppedAt", t["createdAt"] + datetime.timedelta(seconds=70))
        if not t.get("startedAt") and t.get("stopCode") != "TaskFailedToStart":
            t.setdefault("pullStoppedAt", t["createdAt"] + datetime.timedelta(seconds=20))
    elif t["lastStatus"] in ("PROVISIONING", "PENDING", "ACTIVATING"):
        # Not started yet: no pull finished, no startedAt (a task stuck
        # PENDING keeps only its createdAt and maybe pullStartedAt).
        if t["lastStatus"] != "PROVISIONING":
            t.setdefault("connectivity", "CONNECTED")
            t.setdefault("connectivityAt", t["createdAt"] + datetime.timedelta(seconds=3))
    else:
        t.setdefault("pullStoppedAt", t["createdAt"] + datetime.timedelta(seconds=20))
        t.setdefault("startedAt", t["createdAt"] + datetime.timedelta(seconds=30))
        t.setdefault("connectivity", "CONNECTED")
        t.setdefault("connectivityAt", t["createdAt"] + datetime.timedelta(seconds=3))
    t.setdefault("healthStatus", "UNKNOWN")
    t.setdefault("version", 3 if stopped else 2)
    t.setdefault("enableExecuteCommand", False)
    t.setdefault("tags", [])
    t.setdefault("overrides", {"containerOverrides": [{"name": cd["name"]} for cd in td.get("containerDefinitions", [])],
                               "inferenceAcceleratorOverrides": []})
    # Containers default from the task definition.
    if "containers" not in t:
        t["containers"] = [{"name": cd["name"], "image": cd.get("image", "")}
                           for cd in td.get("containerDefinitions", [])]
    for i, ct in enumerate(t["containers"]):
        ct.setdefault("containerArn", sc.arn("ecs", f"container/{cname}/{tid}/{h('ct', tid, i, n=36)}"))
        ct["taskArn"] = t["taskArn"]
        ct.setdefault("lastStatus", "STOPPED" if stopped else t["lastStatus"])
        ct.setdefault("networkInterfaces", [])
        ct.setdefault("healthStatus", "UNKNOWN")
        cd = next((x for x in td.get("containerDefinitions", []) if x["name"] == ct["name"]), {})
        if "image" not in ct and cd.get("image"):
            ct["image"] = cd["image"]
        ct.setdefault("cpu", str(cd.get("cpu", 0)))
        if cd.get("memory"):
            ct.setdefault("memory", str(cd["memory"]))
        if not stopped:
            ct.setdefault("runtimeId", f"{tid}-{i}")
    # awsvpc: an ENI attachment like Fargate's.
    awsvpc = ((svc or {}).get("networkConfiguration") or {}).get("awsvpcConfiguration")
    if "attachments" not in t and (awsvpc or td.get("networkMode") == "awsvpc"):
        subnets = (awsvpc or {}).get("subnets") or []
        subnet = ref("subnet", t.pop("_subnet", None)) or (subnets[k % len(subnets)] if subnets else None)
        ip = t.pop("_privateIp", None)
        if ip is None:
            # An address inside the subnet's CIDR, unique per task.
            cidr = (sc.idx.ec2_ids.get(subnet) or {}).get("CidrBlock", "10.0.0.0/24")
            a, b_, c, _ = cidr.split("/")[0].split(".")
            ip = f"{a}.{b_}.{(int(c) + k // 240) % 256}.{k % 240 + 10}"
        details = [{"name": "subnetId", "value": subnet}] if subnet else []
        details += [{"name": "networkInterfaceId", "value": "eni-" + h("eni", tid, n=17)},
                    {"name": "macAddress", "value": "0a:1b:2c:3d:4e:5f"},
                    {"name": "privateDnsName", "value": f"ip-{ip.replace('.', '-')}.ec2.internal"},
                    {"name": "privateIPv4Address", "value": ip}]
        t["attachments"] = [{"id": h("att", tid, n=8) + "-0000-4000-8000-" + h("att2", tid, n=12),
                             "type": "ElasticNetworkInterface",
                             "status": "DELETED" if stopped else "ATTACHED", "details": details}]
        for ct in t["containers"]:
            if not stopped:
                ct.setdefault("networkInterfaces", [])
                if not ct["networkInterfaces"]:
                    ct["networkInterfaces"] = [{"attachmentId": t["attachments"][0]["id"], "privateIpv4Address": ip}]
    if untimed:
        for k in ("createdAt", "startedAt", "stoppingAt", "stoppedAt", "executionStoppedAt", "pullStartedAt",
                  "pullStoppedAt", "connectivityAt"):
            t.pop(k, None)
    return t


# --------------------------------------------------------------------------
# Logs, ECR, Secrets Manager, SSM, Application Auto Scaling, CloudTrail
# --------------------------------------------------------------------------

def _logs(sc):
    from . import services
    from .scenario import conform, parse_time, epoch_ms
    ls_shape = services.BY_SCOPE["logs"].model.shape_for("LogStream")
    groups = {}
    for g in sc.r[("logs", "logGroups")]:
        name = g["logGroupName"]
        g.setdefault("creationTime", epoch_ms(sc.t("-90d")))
        g.setdefault("arn", sc.arn("logs", f"log-group:{name}:*"))
        g.setdefault("metricFilterCount", 0)
        streams = []
        total = 0
        for i, st in enumerate(g.pop("_streams", None) or []):
            st = dict(st)
            events = st.pop("events", [])
            st = conform(st, ls_shape, f"logs.logGroups[{name}].streams[{i}]", sc.now)
            evs = []
            for j, e in enumerate(events):
                ts = epoch_ms(parse_time(e.get("timestamp", f"-{len(events) - j}s"), sc.now))
                evs.append({"timestamp": ts, "message": e["message"],
                            "ingestionTime": epoch_ms(parse_time(e["ingestionTime"], sc.now))
                            if "ingestionTime" in e else ts + 350})
            evs.sort(key=lambda e: e["timestamp"])
            st.setdefault("creationTime", evs[0]["timestamp"] - 1000 if evs else g["creationTime"])
            if evs:
                st.setdefault("firstEventTimestamp", evs[0]["timestamp"])
                st.setdefault("lastEventTimestamp", evs[-1]["timestamp"])
                st.setdefault("lastIngestionTime", evs[-1]["ingestionTime"])
            st.setdefault("arn", sc.arn("logs", f"log-group:{name}:log-stream:{st['logStreamName']}"))
            size = sum(len(e["message"]) for e in evs)
            st.setdefault("storedBytes", 0)
            total += size
            st["_events"] = evs
            streams.append(st)
        g.setdefault("storedBytes", total)
        g["_streams"] = streams
        _unique(groups, name, "log group")
        groups[name] = g
    sc.idx["log_groups"] = groups


def _ecr(sc):
    from . import services
    from .scenario import conform
    img_shape = services.BY_SCOPE["ecr"].model.shape_for("ImageDetail")
    repos = {}
    for r in sc.r[("ecr", "repositories")]:
        name = r["repositoryName"]
        r.setdefault("registryId", sc.account)
        r.setdefault("repositoryArn", sc.arn("ecr", f"repository/{name}"))
        r.setdefault("repositoryUri", f"{r['registryId']}.dkr.ecr.{sc.region}.amazonaws.com/{name}")
        r.setdefault("createdAt", sc.t("-200d"))
        r.setdefault("imageTagMutability", "MUTABLE")
        r.setdefault("imageScanningConfiguration", {"scanOnPush": False})
        r.setdefault("encryptionConfiguration", {"encryptionType": "AES256"})
        images = []
        for i, img in enumerate(r.pop("_images", None) or []):
            img = conform(img, img_shape, f"ecr.repositories[{name}].images[{i}]", sc.now)
            img.setdefault("registryId", r["registryId"])
            img.setdefault("repositoryName", name)
            img.setdefault("imageDigest", "sha256:" + h("img", name, i, img.get("imageTags"), n=64))
            img.setdefault("imageSizeInBytes", 52428800)
            img.setdefault("imagePushedAt", sc.t(f"-{7 + i}d"))
            img.setdefault("imageManifestMediaType", "application/vnd.docker.distribution.manifest.v2+json")
            images.append(img)
        r["_images"] = images
        _unique(repos, name, "repository")
        repos[name] = r
    sc.idx["ecr_repos"] = repos


def _secrets_ssm(sc):
    secrets = {}
    for s in sc.r[("secretsmanager", "secrets")]:
        name = s["Name"]
        s.setdefault("ARN", sc.arn("secretsmanager", f"secret:{name}-{h('sec', name, n=6)}"))
        s.setdefault("CreatedDate", sc.t("-100d"))
        s.setdefault("LastChangedDate", sc.t("-10d"))
        s.setdefault("SecretVersionsToStages", {h("ver", name, n=8) + "-1111-4111-8111-" + h("v2", name, n=12):
                                                ["AWSCURRENT"]})
        secrets[name] = s
        secrets[s["ARN"]] = s
    sc.idx["secrets"] = secrets

    params = {}
    for p in sc.r[("ssm", "parameters")]:
        name = p["Name"]
        p.setdefault("Type", "String")
        p.setdefault("Value", "")
        p.setdefault("Version", 1)
        p.setdefault("LastModifiedDate", sc.t("-20d"))
        p.setdefault("ARN", sc.arn("ssm", "parameter/" + name.lstrip("/")))
        p.setdefault("DataType", "text")
        params[name] = p
    sc.idx["ssm_params"] = params


def _autoscaling(sc):
    for t in sc.r[("applicationAutoscaling", "scalableTargets")]:
        t.setdefault("ServiceNamespace", "ecs")
        t.setdefault("ScalableDimension", "ecs:service:DesiredCount")
        t.setdefault("MinCapacity", 1)
        t.setdefault("MaxCapacity", 10)
        t.setdefault("RoleARN", f"arn:aws:iam::{sc.account}:role/aws-service-role/"
                                "ecs.application-autoscaling.amazonaws.com/"
                                "AWSServiceRoleForApplicationAutoScaling_ECSService")
        t.setdefault("CreationTime", sc.t("-60d"))
        t.setdefault("SuspendedState", {"DynamicScalingInSuspended": False, "DynamicScalingOutSuspended": False,
                                        "ScheduledScalingSuspended": False})
    for i, a in enumerate(sc.r[("applicationAutoscaling", "scalingActivities")]):
        a.setdefault("ServiceNamespace", "ecs")
        a.setdefault("ScalableDimension", "ecs:service:DesiredCount")
        a.setdefault("ActivityId", h("act", i, a.get("ResourceId"), n=8) + "-2222-4222-8222-" + h("a2", i, n=12))
        a.setdefault("Description", "Setting desired count.")
        a.setdefault("Cause", "monitor alarm triggered")
        a.setdefault("StartTime", sc.t(f"-{(i + 1) * 10}m"))
        a.setdefault("StatusCode", "Successful")
        if a["StatusCode"] in ("Successful", "Failed") and "EndTime" not in a:
            a["EndTime"] = a["StartTime"] + datetime.timedelta(seconds=30)
    sc.r[("applicationAutoscaling", "scalingActivities")].sort(key=lambda a: a["StartTime"], reverse=True)
    for p in sc.r[("applicationAutoscaling", "scalingPolicies")]:
        p.setdefault("ServiceNamespace", "ecs")
        p.setdefault("ScalableDimension", "ecs:service:DesiredCount")
        p.setdefault("PolicyType", "TargetTrackingScaling")
        p.setdefault("PolicyARN", sc.arn("autoscaling", f"scalingPolicy:{h('pol', p['PolicyName'], n=8)}-0000-4000-"
                                                        f"8000-{h('p2', p['PolicyName'], n=12)}:resource/ecs/"
                                                        f"{p.get('ResourceId', '').split('/', 1)[-1]}"
                                                        f":policyName/{p['PolicyName']}"))
        p.setdefault("CreationTime", sc.t("-60d"))
        p.setdefault("Alarms", [])


def _cloudtrail(sc):
    for i, e in enumerate(sc.r[("cloudtrail", "events")]):
        e.setdefault("EventId", h("ct", i, e.get("EventName"), n=8) + "-3333-4333-8333-" + h("c2", i, n=12))
        e.setdefault("EventTime", sc.t(f"-{(i + 1) * 10}m"))
        e.setdefault("ReadOnly", "false")
        e.setdefault("EventSource", "ecs.amazonaws.com")
        e.setdefault("Username", "deployer")
        e.setdefault("Resources", [])
        if "CloudTrailEvent" not in e:
            e["CloudTrailEvent"] = json.dumps({
                "eventVersion": "1.08", "eventTime": e["EventTime"].strftime("%Y-%m-%dT%H:%M:%SZ"),
                "eventSource": e["EventSource"], "eventName": e.get("EventName"), "awsRegion": sc.region,
                "readOnly": e["ReadOnly"] == "true", "recipientAccountId": sc.account})
    sc.r[("cloudtrail", "events")].sort(key=lambda e: e["EventTime"], reverse=True)
