"""Amazon EC2 networking describes (EC2 protocol, 2016-11-15).

All Describe* calls share one shape of behaviour, so they are table-driven:
IDs parameter, not-found error, output key and the filters each supports.
Behaviour reproduced: unknown filter names are rejected, unknown IDs fail the
whole call with <Thing>.NotFound, MaxResults without IDs paginates (IDs plus
MaxResults is rejected in validate.py), DryRun answers DryRunOperation.
"""

from ..errors import AwsError
from . import apply_filters, b, clean, paginate


def _assoc(key):
    return lambda r: [a.get(key) for a in r.get("Associations", []) if a.get(key) is not None]


def _routes(key):
    return lambda r: [x.get(key) for x in r.get("Routes", []) if x.get(key) is not None]


def _one(key):
    return lambda r: [] if r.get(key) is None else [r[key]]


def _bool(key):
    return lambda r: [b(r.get(key))]


# resource list key -> (ids param, id field, not-found code, noun, output key, filters)
TABLE = {
    "DescribeVpcs": ("vpcs", "VpcIds", "VpcId", "InvalidVpcID.NotFound", "vpc ID", "Vpcs", {
        "vpc-id": _one("VpcId"), "cidr": _one("CidrBlock"), "cidr-block-association.cidr-block":
            lambda r: [a["CidrBlock"] for a in r.get("CidrBlockAssociationSet", [])],
        "state": _one("State"), "is-default": _bool("IsDefault"), "owner-id": _one("OwnerId"),
        "dhcp-options-id": _one("DhcpOptionsId")}),
    "DescribeSubnets": ("subnets", "SubnetIds", "SubnetId", "InvalidSubnetID.NotFound", "subnet ID", "Subnets", {
        "subnet-id": _one("SubnetId"), "vpc-id": _one("VpcId"), "availability-zone": _one("AvailabilityZone"),
        "availability-zone-id": _one("AvailabilityZoneId"), "cidr-block": _one("CidrBlock"),
        "cidr": _one("CidrBlock"), "state": _one("State"), "default-for-az": _bool("DefaultForAz"),
        "map-public-ip-on-launch": _bool("MapPublicIpOnLaunch"), "owner-id": _one("OwnerId"),
        "subnet-arn": _one("SubnetArn")}),
    "DescribeRouteTables": ("routeTables", "RouteTableIds", "RouteTableId", "InvalidRouteTableID.NotFound",
                            "route table ID", "RouteTables", {
        "route-table-id": _one("RouteTableId"), "vpc-id": _one("VpcId"), "owner-id": _one("OwnerId"),
        "association.subnet-id": _assoc("SubnetId"),
        "association.main": lambda r: [b(a.get("Main")) for a in r.get("Associations", [])],
        "association.route-table-association-id": _assoc("RouteTableAssociationId"),
        "association.route-table-id": _assoc("RouteTableId"),
        "association.gateway-id": _assoc("GatewayId"),
        "route.nat-gateway-id": _routes("NatGatewayId"), "route.gateway-id": _routes("GatewayId"),
        "route.destination-cidr-block": _routes("DestinationCidrBlock"),
        "route.destination-prefix-list-id": _routes("DestinationPrefixListId"),
        "route.state": _routes("State"), "route.origin": _routes("Origin"),
        "route.transit-gateway-id": _routes("TransitGatewayId"),
        "route.vpc-peering-connection-id": _routes("VpcPeeringConnectionId")}),
    "DescribeNatGateways": ("natGateways", "NatGatewayIds", "NatGatewayId", "NatGatewayNotFound",
                            "NAT gateway ID", "NatGateways", {
        "nat-gateway-id": _one("NatGatewayId"), "state": _one("State"), "subnet-id": _one("SubnetId"),
        "vpc-id": _one("VpcId")}),
    "DescribeInternetGateways": ("internetGateways", "InternetGatewayIds", "InternetGatewayId",
                                 "InvalidInternetGatewayID.NotFound", "internet gateway ID", "InternetGateways", {
        "internet-gateway-id": _one("InternetGatewayId"), "owner-id": _one("OwnerId"),
        "attachment.vpc-id": lambda r: [a["VpcId"] for a in r.get("Attachments", [])],
        "attachment.state": lambda r: [a["State"] for a in r.get("Attachments", [])]}),
    "DescribeVpcEndpoints": ("vpcEndpoints", "VpcEndpointIds", "VpcEndpointId", "InvalidVpcEndpointId.NotFound",
                             "VPC endpoint ID", "VpcEndpoints", {
        "vpc-endpoint-id": _one("VpcEndpointId"), "vpc-id": _one("VpcId"), "service-name": _one("ServiceName"),
        "vpc-endpoint-state": _one("State"), "vpc-endpoint-type": _one("VpcEndpointType"),
        "ip-address-type": _one("IpAddressType")}),
    "DescribeSecurityGroups": ("securityGroups", "GroupIds", "GroupId", "InvalidGroup.NotFound",
                               "security group", "SecurityGroups", {
        "group-id": _one("GroupId"), "group-name": _one("GroupName"), "vpc-id": _one("VpcId"),
        "description": _one("Description"), "owner-id": _one("OwnerId"),
        "ip-permission.from-port": lambda r: [str(x.get("FromPort")) for x in r.get("IpPermissions", [])],
        "ip-permission.to-port": lambda r: [str(x.get("ToPort")) for x in r.get("IpPermissions", [])],
        "ip-permission.cidr": lambda r: [c["CidrIp"] for x in r.get("IpPermissions", []) for c in x["IpRanges"]],
        "ip-permission.group-id": lambda r: [c["GroupId"] for x in r.get("IpPermissions", [])
                                             for c in x["UserIdGroupPairs"]],
        "egress.ip-permission.cidr": lambda r: [c["CidrIp"] for x in r.get("IpPermissionsEgress", [])
                                                for c in x["IpRanges"]]}),
    "DescribeNetworkAcls": ("networkAcls", "NetworkAclIds", "NetworkAclId", "InvalidNetworkAclID.NotFound",
                            "network ACL ID", "NetworkAcls", {
        "network-acl-id": _one("NetworkAclId"), "vpc-id": _one("VpcId"), "default": _bool("IsDefault"),
        "owner-id": _one("OwnerId"), "association.subnet-id": _assoc("SubnetId"),
        "association.network-acl-id": _assoc("NetworkAclId"),
        "association.association-id": _assoc("NetworkAclAssociationId")}),
    "DescribeNetworkInterfaces": ("networkInterfaces", "NetworkInterfaceIds", "NetworkInterfaceId",
                                  "InvalidNetworkInterfaceID.NotFound", "network interface ID", "NetworkInterfaces", {
        "network-interface-id": _one("NetworkInterfaceId"), "subnet-id": _one("SubnetId"), "vpc-id": _one("VpcId"),
        "status": _one("Status"), "description": _one("Description"), "interface-type": _one("InterfaceType"),
        "private-ip-address": _one("PrivateIpAddress"), "addresses.private-ip-address": _one("PrivateIpAddress"),
        "availability-zone": _one("AvailabilityZone"), "owner-id": _one("OwnerId"),
        "requester-managed": _bool("RequesterManaged"),
        "group-id": lambda r: [g["GroupId"] for g in r.get("Groups", [])],
        "attachment.instance-id": lambda r: [r.get("Attachment", {}).get("InstanceId")]}),
    "DescribeInstances": ("instances", "InstanceIds", "InstanceId", "InvalidInstanceID.NotFound",
                          "instance ID", "Instances", {
        "instance-id": _one("InstanceId"), "vpc-id": _one("VpcId"), "subnet-id": _one("SubnetId"),
        "instance-state-name": lambda r: [r["State"]["Name"]], "instance-type": _one("InstanceType"),
        "private-ip-address": _one("PrivateIpAddress"), "image-id": _one("ImageId"),
        "availability-zone": lambda r: [r.get("Placement", {}).get("AvailabilityZone")],
        "instance.group-id": lambda r: [g["GroupId"] for g in r.get("SecurityGroups", [])],
        "iam-instance-profile.arn": lambda r: [r.get("IamInstanceProfile", {}).get("Arn")]}),
    "DescribePrefixLists": ("prefixLists", "PrefixListIds", "PrefixListId", "InvalidPrefixListID.NotFound",
                            "prefix list ID", "PrefixLists", {
        "prefix-list-id": _one("PrefixListId"), "prefix-list-name": _one("PrefixListName")}),
    "DescribeManagedPrefixLists": ("managedPrefixLists", "PrefixListIds", "PrefixListId",
                                   "InvalidPrefixListID.NotFound", "prefix list ID", "PrefixLists", {
        "prefix-list-id": _one("PrefixListId"), "prefix-list-name": _one("PrefixListName"),
        "owner-id": _one("OwnerId")}),
}


def _describe(ctx, p):
    key, ids_param, id_field, nf_code, noun, out_key, filters = TABLE[ctx.operation]
    if p.get("DryRun"):
        raise AwsError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412)
    items = ctx.sc.r[("ec2", key)]
    ids = p.get(ids_param)
    if ids:
        by_id = {r[id_field]: r for r in items}
        missing = [i for i in ids if i not in by_id]
        if missing:
            if ctx.operation == "DescribeSecurityGroups":
                raise AwsError(nf_code, f"The security group '{missing[0]}' does not exist")
            if ctx.operation == "DescribeNatGateways":
                raise AwsError(nf_code, f"NAT gateway {missing[0]} was not found")
            plural = "s" if len(missing) > 1 else ""
            quoted = ", ".join(f"'{m}'" for m in missing)
            raise AwsError(nf_code, f"The {noun}{plural} {quoted} do{'' if plural else 'es'} not exist")
        items = [by_id[i] for i in dict.fromkeys(ids)]
    if ctx.operation == "DescribeSecurityGroups" and p.get("GroupNames"):
        by_name = {g["GroupName"]: g for g in items}
        for n in p["GroupNames"]:
            if n not in by_name:
                raise AwsError("InvalidGroup.NotFound",
                               f"The security group '{n}' does not exist in default VPC '{ctx.sc.idx.default_vpc}'")
        items = [by_name[n] for n in p["GroupNames"]]
    flt = p.get("Filters") if "Filters" in p else p.get("Filter")
    tag_key = "TagSet" if ctx.operation == "DescribeNetworkInterfaces" else "Tags"
    items = apply_filters(ctx, items, flt, filters, tag_key)
    page, nxt = paginate(ctx, [clean(r) for r in items], p.get("NextToken"), p.get("MaxResults"), None)
    return {out_key: page, "NextToken": nxt}


for _op in TABLE:
    globals()[_op] = _describe


def DescribeInstances(ctx, p):
    # Same lookup and filtering, but AWS wraps instances in reservations.
    out = _describe(ctx, p)
    res = [{"ReservationId": "r-" + i["InstanceId"][2:], "OwnerId": ctx.sc.account, "Groups": [],
            "Instances": [i]} for i in out.pop("Instances")]
    return {"Reservations": res, "NextToken": out.get("NextToken")}


def DescribeAvailabilityZones(ctx, p):
    zones = [{"ZoneName": ctx.sc.region + s, "ZoneId": f"use1-az{i + 1}", "State": "available",
              "RegionName": ctx.sc.region, "ZoneType": "availability-zone", "OptInStatus": "opt-in-not-required",
              "Messages": []} for i, s in enumerate("abcdef")]
    return {"AvailabilityZones": zones}


def DescribeAccountAttributes(ctx, p):
    return {"AccountAttributes": [
        {"AttributeName": "supported-platforms", "AttributeValues": [{"AttributeValue": "VPC"}]},
        {"AttributeName": "default-vpc", "AttributeValues": [{"AttributeValue": ctx.sc.idx.default_vpc or "none"}]}]}
