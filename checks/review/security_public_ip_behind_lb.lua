-- security.public_ip_behind_lb: a load-balanced service gives its tasks public IPs in public
-- subnets. The load balancer is the front door; a public IP on each task opens a second one that
-- only the security group guards. Private subnets (with NAT or VPC endpoints) keep tasks unreachable.


local cluster_of = edoc.cluster_of

-- The route table that governs a subnet: its explicit association, else the VPC's main table.
local function route_table_of(net, subnet_id)
  local vpc = net.subnets and net.subnets[subnet_id] and net.subnets[subnet_id].vpcId
  local main
  for id, rt in pairs(net.route_tables or {}) do
    for _, a in ipairs(rt.associationSet or {}) do
      if a.subnetId == subnet_id then return id, rt end
      if (a.main == "true" or a.main == true) and (vpc == nil or rt.vpcId == vpc) then main = { id, rt } end
    end
  end
  if main then return main[1], main[2] end
  return nil
end

-- "public" | "private" | nil (unknown)
local function subnet_kind(net, subnet_id)
  local id, rt = route_table_of(net, subnet_id)
  if not rt then return nil end
  for ri, r in ipairs(rt.routeSet or {}) do
    local gw = r.gatewayId
    if r.destinationCidrBlock == "0.0.0.0/0" and gw and gw:sub(1, 4) == "igw-" then
      return "public", edoc.ptr("network", "route_tables", id, "routeSet", ri - 1, "gatewayId")
    end
  end
  return "private"
end

-- Subnets of the VPC whose route table sends 0.0.0.0/0 to a NAT gateway, sorted.
local function nat_subnets(net, vpc_id)
  local out = {}
  for id, sn in pairs(net.subnets or {}) do
    if sn and sn.vpcId == vpc_id then
      local _, rt = route_table_of(net, id)
      for _, r in ipairs(rt and rt.routeSet or {}) do
        if r.destinationCidrBlock == "0.0.0.0/0" and r.natGatewayId then out[#out + 1] = id; break end
      end
    end
  end
  table.sort(out)
  return out
end

return {
  id       = "security.public_ip_behind_lb",
  category = "best_practice",
  kind     = "recommendation",
  severity = "low",
  summary  = "Load-balanced tasks get public IPs in public subnets",
  needs    = { "ecs.services" },

  run = function(ev)
    local net = ev.network or {}
    local routes_known = edoc.source_ok("ec2.route_tables") and net.route_tables ~= nil
    for si, svc in ipairs(ev.services or {}) do
      local vpc = svc.networkConfiguration and svc.networkConfiguration.awsvpcConfiguration
      if vpc and vpc.assignPublicIp == "ENABLED" and svc.loadBalancers and #svc.loadBalancers > 0 then
        local public, route_ptrs, seen, vpc_id = {}, {}, {}, nil
        for _, sn in ipairs(vpc.subnets or {}) do
          local kind, ptr = nil, nil
          if routes_known then kind, ptr = subnet_kind(net, sn) end
          if kind == "public" then
            public[#public + 1] = sn
            vpc_id = vpc_id or (net.subnets and net.subnets[sn] and net.subnets[sn].vpcId)
            if not seen[ptr] then
              seen[ptr] = true
              route_ptrs[#route_ptrs + 1] = { pointer = ptr, note = "0.0.0.0/0 goes to an internet gateway" }
            end
          end
        end
        -- Only a subnet known to route to an internet gateway exposes the task: private subnets
        -- make the public IP useless, and unknown route tables are unknown, not public.
        if #public > 0 then
          local cl = cluster_of(svc)
          local ev_ptrs = { edoc.ptr("services", si - 1, "networkConfiguration", "awsvpcConfiguration", "assignPublicIp"),
                            edoc.ptr("services", si - 1, "loadBalancers", 0, "targetGroupArn") }
          for _, p in ipairs(route_ptrs) do ev_ptrs[#ev_ptrs + 1] = p end
          local private = vpc_id and nat_subnets(net, vpc_id) or {}
          local targets = #private > 0 and table.concat(private, ",") or "<private-subnet-a>,<private-subnet-b>"
          local sgs = {}
          for _, g in ipairs(vpc.securityGroups or {}) do sgs[#sgs + 1] = g end
          local resources = { svc.serviceName }
          for _, sn in ipairs(public) do resources[#resources + 1] = sn end
          edoc.finding {
            kind        = "recommendation",
            rule        = "security.public_ip_behind_lb",
            confidence  = 0.85,
            title       = svc.serviceName .. " is behind a load balancer but its tasks get public IPs in public subnets (" ..
                          table.concat(public, ", ") .. ")",
            explanation = "Tasks behind a load balancer do not need to be reachable from the internet; with a public IP in a public subnet only the security group stands between them and the internet. Run them in private subnets with a NAT gateway or VPC endpoints.",
            evidence    = ev_ptrs,
            resources   = resources,
            subject     = svc.serviceName,
            key         = svc.serviceArn or svc.serviceName,
            remediation = {
              { description = "Find private subnets (a route to a NAT gateway, no internet gateway) in the same VPC",
                command = vpc_id and edoc.with_region("aws ec2 describe-route-tables --filters Name=route.nat-gateway-id,Values='nat-*' Name=vpc-id,Values={vpc} --query 'RouteTables[].Associations[].SubnetId'")
                  or edoc.with_region("aws ec2 describe-route-tables --filters Name=route.nat-gateway-id,Values='nat-*' --query 'RouteTables[].Associations[].SubnetId'"),
                args = { vpc = vpc_id },
                docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/networking-outbound.html" },
              { description = "Move the service to private subnets without public IPs (this starts a new deployment)" ..
                  (#private > 0 and "; these subnets of the VPC route through a NAT gateway" or ""),
                command = edoc.with_region("aws ecs update-service --cluster {cluster} --service {service} --network-configuration 'awsvpcConfiguration={subnets=['{subnets}'],securityGroups=['{sgs}'],assignPublicIp=DISABLED}'"),
                args = { cluster = cl, service = svc.serviceName, subnets = targets, sgs = table.concat(sgs, ",") },
                docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/networking-inbound.html" },
            },
          }
        end
      end
    end
  end,
}
