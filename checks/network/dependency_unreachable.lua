-- net.dependency_unreachable: a task could not reach a dependency it needs to
-- start (ECR registry auth, the image registry, S3 layers, Secrets Manager,
-- SSM Parameter Store, CloudWatch Logs) and the message says it was a
-- connection problem ("i/o timeout", "context deadline exceeded",
-- "StatusCode: 0", "There is a connection issue between the task and ...").
-- The message alone cannot say *why*: the same "CannotPullContainerError ...
-- i/o timeout" comes from a private subnet without NAT, a security group with
-- no egress, or a VPC without the S3 gateway endpoint. So this check walks the
-- task's network path with edoc.net_reach and reports the hop that fails:
--   route / blackhole / nat / igw / public_ip / nacl -> network_no_route
--   sg_egress                                         -> security_group_egress_blocked
--   endpoint / endpoint_sg                            -> vpc_endpoint_misconfigured
-- Texts matched (AWS docs "CannotPullContainer task errors" and "Troubleshoot
-- ResourceInitializationError", both Fargate message generations):
--   CannotPullContainerError: ... dial tcp 10.0.3.17:443: i/o timeout
--   ResourceInitializationError: unable to pull secrets or registry auth: execution resource
--     retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): ...
--   ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull
--     registry auth from Amazon ECR: There is a connection issue between the task and Amazon ECR. ...
--   ... unable to retrieve secret from asm: There is a connection issue between the task and AWS Secrets Manager ...
--   ResourceInitializationError: failed to validate logger args: The task cannot find the Amazon
--     CloudWatch log group defined in the task definition. There is a connection issue between the task
--     and Amazon CloudWatch. Check your network configuration.

local DOC_PULL = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html"
local DOC_INIT = "https://docs.aws.amazon.com/AmazonECS/latest/userguide/stopped-task-error-codes.html"
local DOC_FARGATE_PULL = "https://repost.aws/knowledge-center/ecs-fargate-pull-container-error"
local DOC_NAT = "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html"
local DOC_ECR_EP = "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html"
local DOC_SG = "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html"
local DOC_NACL = "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html"

-- A connection-level failure, not an answer from the service.
local CONN = { "i/o timeout", "context deadline exceeded", "statuscode: 0", "there is a connection issue",
  "request canceled while waiting for connection", "requestcanceled", "request canceled",
  "connection timed out", "send request failed", "no such host", "network is unreachable" }
-- The service answered: permissions, credentials, throttling, missing objects.
local ANSWERED = { "accessdenied", "is not authorized to perform", "no basic auth credentials",
  "unauthorized", "403 forbidden", "toomanyrequests", "resourcenotfoundexception", "not found",
  "manifest unknown", "mount.nfs", "efs utils" }

local HOP_CATEGORY = {
  route = "network_no_route", blackhole = "network_no_route", nat = "network_no_route",
  igw = "network_no_route", public_ip = "network_no_route", nacl = "network_no_route",
  sg_egress = "security_group_egress_blocked",
  endpoint = "vpc_endpoint_misconfigured", endpoint_sg = "vpc_endpoint_misconfigured",
  endpoint_policy = "vpc_endpoint_misconfigured",
}

local N, any_of = edoc.norm_str, edoc.has_any -- cached normalisation (checks/API.md)

local with_region = edoc.with_region

local relevant -- below: whether a normalised text is a failure this check explains

local function service_of(ev, task)
  local name = task and task.group and task.group:match("^service:(.+)$")
  for _, s in ipairs(ev.services or {}) do
    if name and s.serviceName == name then return s end
  end
  if #(ev.services or {}) == 1 then return ev.services[1] end
  return nil
end

local function awsvpc(svc)
  if not svc then return nil end
  local nc = svc.networkConfiguration
  if not nc and svc.deployments and svc.deployments[1] then nc = svc.deployments[1].networkConfiguration end
  return nc and nc.awsvpcConfiguration
end

local function task_subnet(task)
  for _, a in ipairs((task and task.attachments) or {}) do
    if a.type == "ElasticNetworkInterface" then
      for _, d in ipairs(a.details or {}) do
        if d.name == "subnetId" then return d.value end
      end
    end
  end
  return nil
end

local function taskdef(ev, arn)
  return arn and ev.task_definitions and ev.task_definitions[arn] or nil
end

-- ECR's image layers come from S3 (prod-<region>-starport-layer-bucket).
local function s3_layer(m)
  return m:find("starport-layer-bucket", 1, true) ~= nil or m:find("%.s3[%.%-][%w%-]*%.?amazonaws%.com") ~= nil
end

-- A 403 from S3 while fetching layers: the S3 gateway endpoint's policy is the
-- usual cause (it must allow the layer bucket); the path decides.
local function s3_forbidden(m)
  return s3_layer(m) and (m:find("403 forbidden", 1, true) or m:find("accessdenied", 1, true)) ~= nil
end

function relevant(m)
  return (any_of(m, CONN) and not any_of(m, ANSWERED)) or s3_forbidden(m)
end

-- Which dependency failed, and which endpoints lead to it (tried in order).
local function dependency(m, image)
  if m:find("registry auth from asm", 1, true) then
    return { "secretsmanager" }, "the private registry credentials in AWS Secrets Manager"
  end
  if m:find("registry auth from amazon ecr", 1, true) or m:find("ecr registry auth", 1, true)
      or m:find("api.ecr.", 1, true) or m:find("getauthorizationtoken", 1, true) then
    return { "ecr.api" }, "Amazon ECR (registry auth, ecr.api)"
  end
  if m:find("from asm", 1, true) or m:find("secrets manager", 1, true) then
    return { "secretsmanager" }, "AWS Secrets Manager"
  end
  if m:find("from ssm", 1, true) or m:find("systems manager", 1, true) then
    return { "ssm" }, "AWS Systems Manager Parameter Store"
  end
  if m:find("logger args", 1, true) or m:find("cloudwatch", 1, true) or m:find("log group", 1, true)
      or m:find("logging driver", 1, true) then
    return { "logs" }, "Amazon CloudWatch Logs"
  end
  if m:find("cannotpullcontainererror", 1, true) or m:find("pull the image", 1, true)
      or m:find("pull image manifest", 1, true) or m:find("ref pull has been retried", 1, true)
      or m:find("failed to resolve ref", 1, true) or m:find("failed to copy", 1, true)
      -- task_cannot_pull_image.html: "The task cannot pull 'image' from the Amazon ECR repository 'uri'. There is a connection issue ..."
      or m:find("from the amazon ecr repository", 1, true) then
    local img = (image or ""):lower()
    local ecr = m:find("%.dkr%.ecr%.") or img:find("%.dkr%.ecr%.")
    if s3_layer(m) or m:find("httpreaderseeker", 1, true) then
      return { "s3" }, "Amazon S3 (ECR image layers)"
    end
    if ecr then return { "ecr.dkr", "s3" }, "Amazon ECR (image pull, ecr.dkr and S3 layers)" end
    return { "internet" }, "the image registry on the internet"
  end
  return nil
end

local function ids(why, prefix)
  local out, seen = {}, {}
  for id in why:gmatch("(" .. prefix .. "%-[%w]+)") do
    if not seen[id] then seen[id] = true; out[#out + 1] = id end
  end
  return out
end

-- The first resource id a why sentence names (the failing hop's).
local function first_id(why)
  local best, at
  for _, p in ipairs({ "rtb", "nat", "igw", "vpce", "acl", "sg" }) do
    local i, _, id = why:find("(" .. p .. "%-[%w]+)")
    if i and (not at or i < at) then best, at = id, i end
  end
  return best
end

-- Evidence pointers for the resources named in a why sentence: the field of
-- each that shows the problem (routes, state, rules), not the whole object.
local function hop_evidence(ev, why, hop, list)
  local sections = {
    { "rtb", "route_tables", "routeSet", "routes" },
    { "nat", "nat_gateways", "state", "NAT gateway state" },
    { "igw", "internet_gateways", "attachmentSet", "internet gateway attachments" },
    { "vpce", "vpc_endpoints", (why:find("private DNS", 1, true) and "privateDnsEnabled") or (why:find(" in state ", 1, true) and "state")
      or (hop == "endpoint_sg" and "groupSet") or (hop == "endpoint_policy" and "policyDocument")
      or (why:find("not associated", 1, true) and "routeTableIdSet") or nil, "VPC endpoint" },
    { "sg", "security_groups", hop == "endpoint_sg" and "ipPermissions" or "ipPermissionsEgress",
      hop == "endpoint_sg" and "endpoint security group inbound rules" or "security group outbound rules" },
    { "acl", "network_acls", "entrySet", "network ACL rules" },
  }
  local net = ev.network or {}
  for _, s in ipairs(sections) do
    for _, id in ipairs(ids(why, s[1])) do
      local obj = net[s[2]] and net[s[2]][id]
      if obj then
        local field = s[3] and obj[s[3]] ~= nil and s[3] or nil
        list[#list + 1] = { pointer = field and edoc.ptr("network", s[2], id, field) or edoc.ptr("network", s[2], id),
          note = s[4] .. " of " .. id }
      end
    end
  end
  return list
end

local function available_nat(ev, vpc)
  for id, n in pairs((ev.network and ev.network.nat_gateways) or {}) do
    if n.vpcId == vpc and n.state == "available" and (n.connectivityType or "public") == "public" then
      return n.natGatewayId or id
    end
  end
  return nil
end

-- A subnet of the VPC whose route table sends 0.0.0.0/0 to an internet gateway.
local function public_subnet(ev, vpc)
  local net = ev.network or {}
  for sid, s in pairs(net.subnets or {}) do
    if s.vpcId == vpc then
      local why = select(2, edoc.net_reach(sid, {}, true, "internet"))
      if why:find("^ok: via internet gateway") then return sid end
    end
  end
  return nil
end

-- The endpoints a NAT-less task of this definition needs.
local function needed_endpoints(td)
  local iface, seen = {}, {}
  local function add(s) if not seen[s] then seen[s] = true; iface[#iface + 1] = s end end
  for _, cd in ipairs((td and td.containerDefinitions) or {}) do
    if (cd.image or ""):find("%.dkr%.ecr%.") then add("ecr.api"); add("ecr.dkr") end
    local lc = cd.logConfiguration
    if lc and lc.logDriver == "awslogs" then add("logs") end
    for _, s in ipairs(cd.secrets or {}) do
      if (s.valueFrom or ""):find(":secretsmanager:", 1, true) then add("secretsmanager") else add("ssm") end
    end
    if cd.repositoryCredentials then add("secretsmanager") end
  end
  if #iface == 0 then add("ecr.api"); add("ecr.dkr") end
  return iface
end

local function remediation(ev, hop, why, ctx)
  local r, region = {}, edoc.region() or "us-east-1"
  local vpc, subnet, rtb = ctx.vpc, ctx.subnet, ids(why, "rtb")[1]
  local sgs = ctx.sgs or {}
  local sg = sgs[1]
  local cl, sv = edoc.cluster() or "default", ctx.svc and ctx.svc.serviceName or nil
  -- c is a literal command template and a its arguments (the host quotes them).
  local function add(d, c, a, u) r[#r + 1] = { description = d, command = c, args = a, docs = u } end
  -- Interface endpoints need a group that admits 443 from the task: reuse the
  -- one the VPC's endpoints already use, else create one in the command.
  local function ep_group()
    for _, e in pairs((ev.network and ev.network.vpc_endpoints) or {}) do
      if e.vpcId == vpc and e.groupSet and e.groupSet[1] and e.groupSet[1].groupId then return e.groupSet[1].groupId end
    end
    return nil
  end
  local subnet_list = ctx.subnets or { subnet }
  local function endpoints_fix()
    local needed = needed_endpoints(ctx.td)
    local g = ep_group()
    local desc = string.format("Or keep the subnets private without NAT: create the interface endpoints the task needs (%s) with private DNS, in a group that admits 443 from the tasks", table.concat(needed, " "))
    if g then
      add(desc, "for svc in {services}; do aws ec2 create-vpc-endpoint --vpc-id {vpc} --vpc-endpoint-type Interface --service-name com.amazonaws.{region}.$svc --subnet-ids {subnets} --security-group-ids {group} --private-dns-enabled --region {region}; done",
        { services = needed, vpc = vpc, region = region, subnets = subnet_list, group = g }, DOC_ECR_EP)
    else
      add(desc, "EP_SG=$(aws ec2 create-security-group --group-name ecs-interface-endpoints --description 'ECS interface endpoints' --vpc-id {vpc} --query GroupId --output text --region {region}) && aws ec2 authorize-security-group-ingress --group-id $EP_SG --protocol tcp --port 443 --source-group {task_group} --region {region} && for svc in {services}; do aws ec2 create-vpc-endpoint --vpc-id {vpc} --vpc-endpoint-type Interface --service-name com.amazonaws.{region}.$svc --subnet-ids {subnets} --security-group-ids $EP_SG --private-dns-enabled --region {region}; done",
        { services = needed, vpc = vpc, region = region, subnets = subnet_list, task_group = sg or "TASK_SG" }, DOC_ECR_EP)
    end
    if rtb then
      add("and the S3 gateway endpoint on the subnets' route table (ECR stores image layers in S3)",
        "aws ec2 create-vpc-endpoint --vpc-id {vpc} --vpc-endpoint-type Gateway --service-name com.amazonaws.{region}.s3 --route-table-ids {rtb} --region {region}",
        { vpc = vpc, region = region, rtb = rtb }, DOC_ECR_EP)
    end
  end
  if hop == "route" or hop == "blackhole" then
    local nat = available_nat(ev, vpc)
    if nat then
      add(string.format("Route 0.0.0.0/0 of %s through the available NAT gateway %s", rtb or "the route table", nat),
        hop == "blackhole" and with_region("aws ec2 replace-route --route-table-id {rtb} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id {nat}")
          or with_region("aws ec2 create-route --route-table-id {rtb} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id {nat}"),
        { rtb = rtb or "?", nat = nat }, DOC_NAT)
    else
      local pub = public_subnet(ev, vpc)
      add(string.format("Create a NAT gateway in a public subnet%s and route 0.0.0.0/0 of %s through it", pub and (" (" .. pub .. ")") or "", rtb or "the route table"),
        hop == "blackhole" and "NAT=$(aws ec2 create-nat-gateway --subnet-id {subnet} --allocation-id $(aws ec2 allocate-address --domain vpc --query AllocationId --output text --region {region}) --query NatGateway.NatGatewayId --output text --region {region}) && aws ec2 wait nat-gateway-available --nat-gateway-ids $NAT --region {region} && aws ec2 replace-route --route-table-id {rtb} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id $NAT --region {region}"
          or "NAT=$(aws ec2 create-nat-gateway --subnet-id {subnet} --allocation-id $(aws ec2 allocate-address --domain vpc --query AllocationId --output text --region {region}) --query NatGateway.NatGatewayId --output text --region {region}) && aws ec2 wait nat-gateway-available --nat-gateway-ids $NAT --region {region} && aws ec2 create-route --route-table-id {rtb} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id $NAT --region {region}",
        { subnet = pub or "PUBLIC_SUBNET_ID", region = region, rtb = rtb or "?" }, DOC_NAT)
    end
    endpoints_fix()
  elseif hop == "nat" then
    local nat = ids(why, "nat")[1]
    local igw = nil
    for id, g in pairs((ev.network and ev.network.internet_gateways) or {}) do
      for _, a in ipairs(g.attachmentSet or {}) do if a.vpcId == vpc then igw = g.internetGatewayId or id end end
    end
    local natobj = nat and ev.network.nat_gateways and ev.network.nat_gateways[nat]
    if natobj and natobj.state == "available" and igw then
      local nrt = ids(why, "rtb")
      add(string.format("Give the NAT gateway's own subnet a route to the internet gateway %s", igw),
        with_region("aws ec2 create-route --route-table-id {rtb} --destination-cidr-block 0.0.0.0/0 --gateway-id {igw}"),
        { rtb = nrt[#nrt] or "?", igw = igw }, DOC_NAT)
    else
      local other = available_nat(ev, vpc)
      add(string.format("Inspect NAT gateway %s (state, failure message)", nat or "?"),
        with_region("aws ec2 describe-nat-gateways --nat-gateway-ids {nat} --query 'NatGateways[].[State,FailureCode,FailureMessage]'"),
        { nat = nat or "?" }, DOC_NAT)
      if other and rtb then
        add("Route 0.0.0.0/0 through the available NAT gateway " .. other,
          with_region("aws ec2 replace-route --route-table-id {rtb} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id {nat}"),
          { rtb = rtb, nat = other }, DOC_NAT)
      end
    end
    endpoints_fix()
  elseif hop == "igw" then
    local igw = ids(why, "igw")[1]
    add("Attach internet gateway " .. (igw or "?") .. " to " .. vpc,
      with_region("aws ec2 attach-internet-gateway --internet-gateway-id {igw} --vpc-id {vpc}"),
      { igw = igw or "?", vpc = vpc }, DOC_FARGATE_PULL)
  elseif hop == "public_ip" then
    if sv then
      add("The subnet is public (routes to an internet gateway): give the tasks a public IP",
        with_region("aws ecs update-service --cluster {cluster} --service {service} --network-configuration 'awsvpcConfiguration={subnets=['{subnets}'],securityGroups=['{sgs}'],assignPublicIp=ENABLED}'"),
        { cluster = cl, service = sv, subnets = table.concat(ctx.subnets or { subnet }, ","), sgs = table.concat(sgs, ",") }, DOC_FARGATE_PULL)
    end
    add("Or run the tasks in private subnets whose route table sends 0.0.0.0/0 to a NAT gateway",
      with_region("aws ec2 describe-route-tables --filters Name=vpc-id,Values={vpc} --query 'RouteTables[].[RouteTableId,Routes[?DestinationCidrBlock==`0.0.0.0/0`]]'"),
      { vpc = vpc }, DOC_NAT)
  elseif hop == "sg_egress" then
    local pl = why:match("(pl%-[%w]+)")
    for _, g in ipairs(ids(why, "sg")) do
      add("Allow outbound HTTPS from security group " .. g,
        with_region("aws ec2 authorize-security-group-egress --group-id {group} --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=0.0.0.0/0}]'"),
        { group = g }, DOC_SG)
      if pl then
        add("or only to the S3 prefix list " .. pl .. " (for the gateway endpoint)",
          with_region("aws ec2 authorize-security-group-egress --group-id {group} --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,PrefixListIds=[{PrefixListId='{prefix_list}'}]'"),
          { group = g, prefix_list = pl }, DOC_ECR_EP)
      end
    end
  elseif hop == "endpoint_sg" then
    local vsg = ids(why, "sg")
    for _, g in ipairs(vsg) do
      for _, t in ipairs(sgs) do
        add(string.format("Let the endpoint's security group %s accept HTTPS from the task's group %s", g, t),
          with_region("aws ec2 authorize-security-group-ingress --group-id {group} --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId='{task_group}'}]'"),
          { group = g, task_group = t }, DOC_ECR_EP)
      end
    end
  elseif hop == "endpoint" then
    local vpce = ids(why, "vpce")[1]
    if why:find("private DNS disabled", 1, true) and vpce then
      add("Turn on private DNS for endpoint " .. vpce,
        with_region("aws ec2 modify-vpc-endpoint --vpc-endpoint-id {endpoint} --private-dns-enabled"), { endpoint = vpce }, DOC_ECR_EP)
    elseif why:find("not associated with", 1, true) and vpce and rtb then
      add(string.format("Associate the S3 gateway endpoint %s with %s", vpce, rtb),
        with_region("aws ec2 modify-vpc-endpoint --vpc-endpoint-id {endpoint} --add-route-table-ids {rtb}"), { endpoint = vpce, rtb = rtb }, DOC_ECR_EP)
    elseif why:find("com%.amazonaws%.[%w%-]+%.s3") and rtb then
      add("Create the S3 gateway endpoint on " .. rtb .. " (ECR image layers are served from S3)",
        "aws ec2 create-vpc-endpoint --vpc-id {vpc} --vpc-endpoint-type Gateway --service-name com.amazonaws.{region}.s3 --route-table-ids {rtb} --region {region}",
        { vpc = vpc, region = region, rtb = rtb }, DOC_ECR_EP)
    else
      local svcname = why:match("(com%.amazonaws%.[%w%-]+%.[%w%.]+) endpoint") or why:match("%((com%.amazonaws%.[%w%-]+%.[%w%.]+)%)")
      if svcname then
        local g = ep_group()
        if g then
          add("Create the missing interface endpoint " .. svcname .. " with private DNS",
            "aws ec2 create-vpc-endpoint --vpc-id {vpc} --vpc-endpoint-type Interface --service-name {service} --subnet-ids {subnets} --security-group-ids {group} --private-dns-enabled --region {region}",
            { vpc = vpc, service = svcname, subnets = subnet_list, group = g, region = region }, DOC_ECR_EP)
        else
          add("Create the missing interface endpoint " .. svcname .. " with private DNS",
            "EP_SG=$(aws ec2 create-security-group --group-name ecs-interface-endpoints --description 'ECS interface endpoints' --vpc-id {vpc} --query GroupId --output text --region {region}) && aws ec2 authorize-security-group-ingress --group-id $EP_SG --protocol tcp --port 443 --source-group {task_group} --region {region} && aws ec2 create-vpc-endpoint --vpc-id {vpc} --vpc-endpoint-type Interface --service-name {service} --subnet-ids {subnets} --security-group-ids $EP_SG --private-dns-enabled --region {region}",
            { vpc = vpc, service = svcname, subnets = subnet_list, task_group = sg or "TASK_SG", region = region }, DOC_ECR_EP)
        end
      end
      if vpce then
        add("Inspect endpoint " .. vpce,
          with_region("aws ec2 describe-vpc-endpoints --vpc-endpoint-ids {endpoint} --query 'VpcEndpoints[].[ServiceName,State,PrivateDnsEnabled,Groups]'"),
          { endpoint = vpce }, DOC_ECR_EP)
      end
    end
  elseif hop == "endpoint_policy" then
    local vpce = ids(why, "vpce")[1] or "?"
    local bucket = string.format("arn:aws:s3:::prod-%s-starport-layer-bucket/*", region)
    local stmt = string.format('{"Sid":"AllowEcrImageLayers","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":%s}', edoc.json_string(bucket))
    local ep = ev.network and ev.network.vpc_endpoints and ev.network.vpc_endpoints[vpce]
    local cur = ep and (ep.policyDocument or ep.PolicyDocument)
    local merged
    if type(cur) == "string" then
      local empty = cur:find('"Statement"%s*:%s*%[%s*%]')
      merged = cur:gsub('("Statement"%s*:%s*%[)', "%1" .. stmt:gsub("%%", "%%%%") .. (empty and "" or ","), 1)
    end
    add("Let the S3 gateway endpoint " .. vpce .. " serve ECR's image-layer bucket (" .. bucket .. "), keeping its current statements",
      with_region("aws ec2 modify-vpc-endpoint --vpc-endpoint-id {endpoint} --policy-document {policy}"),
      { endpoint = vpce, policy = merged or ('{"Version":"2012-10-17","Statement":[' .. stmt .. ']}') }, DOC_ECR_EP)
    add("Review the endpoint policy",
      with_region("aws ec2 describe-vpc-endpoints --vpc-endpoint-ids {endpoint} --query 'VpcEndpoints[0].PolicyDocument' --output text"),
      { endpoint = vpce }, DOC_ECR_EP)
  elseif hop == "nacl" then
    local acl = ids(why, "acl")[1] or "?"
    add("Allow outbound HTTPS in network ACL " .. acl,
      with_region("aws ec2 create-network-acl-entry --network-acl-id {acl} --egress --rule-number 100 --protocol tcp --port-range From=443,To=443 --cidr-block 0.0.0.0/0 --rule-action allow"),
      { acl = acl }, DOC_NACL)
    add("and inbound ephemeral ports for the responses",
      with_region("aws ec2 create-network-acl-entry --network-acl-id {acl} --ingress --rule-number 100 --protocol tcp --port-range From=1024,To=65535 --cidr-block 0.0.0.0/0 --rule-action allow"),
      { acl = acl }, DOC_NACL)
  end
  return r
end

-- The network source whose absence left the path unknown: netpath names it
-- "(ec2.route_tables)"; else the failed ec2.* sources; else a guess from the text.
local NET_SOURCES = { "ec2.subnets", "ec2.route_tables", "ec2.gateways", "ec2.vpc_endpoints",
  "ec2.security_groups", "ec2.network_acls" }
local function lacking(ev, why)
  why = why or ""
  local named = why:match("%((ec2%.[%w_]+)%)")
  local text = "the network path could not be verified: " .. why:gsub("^[%w_]+: ", "")
  if named then edoc.incomplete(named, text); return end
  local any = false
  for _, s in ipairs(NET_SOURCES) do
    local st = ev.sources and ev.sources[s] and ev.sources[s].status
    if st == "denied" or st == "error" or (st == "skipped" and ev.sources[s].reason == "deadline") then
      edoc.incomplete(s, text); any = true
    end
  end
  if any then return end
  local w = why:lower()
  edoc.incomplete((w:find("route", 1, true) and "ec2.route_tables") or (w:find("gateway", 1, true) and "ec2.gateways")
    or (w:find("security group", 1, true) and "ec2.security_groups") or (w:find("endpoint", 1, true) and "ec2.vpc_endpoints")
    or "ec2.subnets", text)
end

local TITLES = {
  network_no_route = "no network route to",
  security_group_egress_blocked = "security groups block HTTPS to",
  vpc_endpoint_misconfigured = "VPC endpoints do not lead to",
}

return {
  id = "net.dependency_unreachable",
  category = "network_no_route",
  severity = "critical",
  summary = "Tasks cannot reach ECR, S3, Secrets Manager, SSM or CloudWatch Logs: names the failing network hop",
  -- Only the symptom source is a static need: the ec2.* sources explain a
  -- connection failure, so their loss matters only when there is one to explain
  -- (then the run reports it with edoc.incomplete and the finding says what
  -- could not be verified); a healthy service stays healthy without them.
  needs = { "ecs.tasks" },
  uses = { "ecs.services", "ecs.task_definitions", "ec2.subnets", "ec2.route_tables", "ec2.gateways", "ec2.vpc_endpoints", "ec2.security_groups", "ec2.network_acls" },

  run = function(ev)
    local cache, cited = {}, {}
    edoc.each_message(ev, function(text) return relevant(N(text)) end, function(msg)
      local m = N(msg.text)
      local forbidden = s3_forbidden(m)
      if relevant(m) then
        local svc = msg.service or service_of(ev, msg.task)
        local cfg = awsvpc(svc)
        local td = taskdef(ev, (msg.task and msg.task.taskDefinitionArn) or (svc and svc.taskDefinition))
        local image = (msg.container and msg.container.image)
        if not image and td and td.containerDefinitions and td.containerDefinitions[1] then image = td.containerDefinitions[1].image end
        local deps, depname = dependency(m, image)
        local subnets = {}
        local ts = task_subnet(msg.task)
        if ts then subnets = { ts } elseif cfg and cfg.subnets then for _, s in ipairs(cfg.subnets) do subnets[#subnets + 1] = s end end
        local sgs = {}
        for _, g in ipairs((cfg and cfg.securityGroups) or {}) do sgs[#sgs + 1] = g end
        local public = cfg and cfg.assignPublicIp == "ENABLED" or false
        if deps and #subnets > 0 then
          -- The first failing (subnet, endpoint) pair decides.
          local verdict, why, hit_subnet, hit_dep = "yes", nil, nil, nil
          for _, sn in ipairs(subnets) do
            for _, d in ipairs(deps) do
              local key = sn .. "|" .. d .. "|" .. table.concat(sgs, ",") .. tostring(public)
              if not cache[key] then
                local r, w = edoc.net_reach(sn, sgs, public, d)
                cache[key] = { r = r, w = w }
              end
              local c = cache[key]
              if c.r == "no" or (c.r == "unknown" and verdict == "yes") then
                verdict, why, hit_subnet, hit_dep = c.r, c.w, sn, d
              end
              if verdict == "no" then break end
            end
            if verdict == "no" then break end
          end
          local subnet = hit_subnet or subnets[1]
          local sobj = ev.network and ev.network.subnets and ev.network.subnets[subnet]
          local vpc = sobj and sobj.vpcId or "?"
          local who = (svc and svc.serviceName) or (msg.task and edoc.task_id(msg.task.taskArn)) or "tasks"
          local evidence = { { pointer = msg.ptr, note = "failure message" } }
          -- A 403 is an answer: only the endpoint policy explains it here.
          if forbidden and not (verdict == "no" and why:find("^endpoint_policy:")) then verdict = "skip" end
          if verdict == "no" then
            local hop = why:match("^([%w_]+):") or "route"
            local category = HOP_CATEGORY[hop] or "network_no_route"
            -- Subnets sharing the failing hop (one route table, one group) are one
            -- finding; its network evidence is cited once, the messages each time.
            local key = category .. "|" .. (first_id(why) or subnet) .. "|" .. (hit_dep or deps[1])
            if not cited[key] then
              cited[key] = true
              hop_evidence(ev, why, hop, evidence)
            end
            local resources = { subnet, vpc }
            for _, p in ipairs({ "rtb", "nat", "igw", "vpce", "sg", "acl" }) do
              for _, id in ipairs(ids(why, p)) do resources[#resources + 1] = id end
            end
            local detail = why:gsub("^[%w_]+: ", "")
            edoc.finding {
              category = category,
              title = string.format("%s: %s %s: %s", who, TITLES[category], depname, detail),
              confidence = 0.95,
              explanation = string.format((forbidden and "S3 refused the image-layer download (403) while the task pulled from %s. "
                or "The task failed with a connection error while reaching %s. ") .. "The network path from %s "
                .. "(security groups %s, public IP %s) was analysed hop by hop: %s. "
                .. (forbidden and "The endpoint policy refuses the download; the registry and the task role are not the cause."
                  or "That hop is where the connection dies, so the error is the network, not the registry or the task's permissions."),
                depname, subnet, #sgs > 0 and table.concat(sgs, ", ") or "unknown", public and "ENABLED" or "DISABLED", detail),
              evidence = evidence,
              resources = resources,
              -- Subnets sharing the failing hop (one route table, one group) are one finding.
              key = key,
              when = msg.when,
              subject = svc and svc.serviceName or nil,
              explains = { "deployment_circuit_breaker", "deployment_stuck", "ecs.pull_error" },
              remediation = remediation(ev, hop, why, { vpc = vpc, subnet = subnet, subnets = subnets, sgs = sgs, svc = svc, td = td }),
            }
          elseif verdict == "unknown" then
            lacking(ev, why)
            edoc.finding {
              category = "network_no_route",
              severity = "high",
              title = string.format("%s cannot connect to %s; the network path could not be verified", who, depname),
              confidence = 0.45,
              explanation = string.format("The task failed with a connection error while reaching %s. The path from %s "
                .. "could not be analysed: %s. Check the subnet's route table, NAT gateway or VPC endpoints and the "
                .. "security groups' egress to 443.", depname, subnet, ((why or ""):gsub("^[%w_]+: ", ""))),
              evidence = evidence,
              resources = { subnet },
              key = "unknown|" .. subnet .. "|" .. (hit_dep or deps[1]),
              when = msg.when,
              subject = svc and svc.serviceName or nil,
              explains = { "deployment_circuit_breaker", "deployment_stuck" },
              remediation = {
                { description = "Show the routes of the task's subnet",
                  command = with_region("aws ec2 describe-route-tables --filters Name=association.subnet-id,Values={subnet}"),
                  args = { subnet = subnet },
                  docs = DOC_INIT },
              },
            }
          end
        end
      end
    end)
  end,
}
