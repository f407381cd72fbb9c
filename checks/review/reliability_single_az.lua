-- reliability.single_az: every subnet a service can place tasks in (or, without awsvpc, every
-- running task) sits in one Availability Zone, so a zone outage takes the whole service down.


local cluster_of = edoc.cluster_of

-- The route table that governs a subnet: its explicit association, else the VPC's main table.
local function route_table_of(net, subnet_id, vpc)
  local main
  for id, rt in pairs(net.route_tables or {}) do
    for _, a in ipairs(rt and rt.associationSet or {}) do
      if a.subnetId == subnet_id then return id end
      if (a.main == "true" or a.main == true) and rt.vpcId == vpc then main = id end
    end
  end
  return main
end

-- A subnet of the same VPC in another zone, preferring one with the same route table as the
-- service's subnets (same kind: private stays private). nil when the bundle shows none.
local function other_zone_subnet(net, vpc_id, zones, current)
  local rts, best, fallback = {}, nil, nil
  for _, sn in ipairs(current) do
    local rt = route_table_of(net, sn, vpc_id)
    if rt then rts[rt] = true end
  end
  local ids = {}
  for id, sn in pairs(net.subnets or {}) do
    if sn and sn.vpcId == vpc_id and sn.availabilityZone and not zones[sn.availabilityZone] then ids[#ids + 1] = id end
  end
  table.sort(ids)
  for _, id in ipairs(ids) do
    if rts[route_table_of(net, id, vpc_id) or ""] then best = best or id else fallback = fallback or id end
  end
  return best or fallback, best ~= nil
end

return {
  id       = "reliability.single_az",
  category = "best_practice",
  kind     = "recommendation",
  severity = "low",
  summary  = "All of a service's tasks are in one Availability Zone",
  needs    = { "ecs.services" },

  run = function(ev)
    local subnets = ev.network and ev.network.subnets
    for _, svc in ipairs(ev.services or {}) do
      local vpc = svc.networkConfiguration and svc.networkConfiguration.awsvpcConfiguration
      local zones, nz, ptrs, unknown, vpc_id = {}, 0, {}, false, nil
      if vpc and vpc.subnets and #vpc.subnets > 0 then
        for _, sn in ipairs(vpc.subnets) do
          local s = subnets and subnets[sn]
          local az = s and s.availabilityZone
          if not az then unknown = true
          else
            vpc_id = vpc_id or s.vpcId
            if not zones[az] then zones[az] = true; nz = nz + 1 end
            ptrs[#ptrs + 1] = edoc.ptr("network", "subnets", sn, "availabilityZone")
          end
        end
      else
        -- EC2 bridge/host networking: judge by where the running tasks of this service landed.
        local n = 0
        for ti, t in ipairs(ev.tasks or {}) do
          if t.lastStatus == "RUNNING" and t.group == "service:" .. tostring(svc.serviceName) then
            n = n + 1
            if not t.availabilityZone then unknown = true
            else
              if not zones[t.availabilityZone] then zones[t.availabilityZone] = true; nz = nz + 1 end
              ptrs[#ptrs + 1] = edoc.ptr("tasks", ti - 1, "availabilityZone")
            end
          end
        end
        if n < 2 then unknown = true end
      end
      if not unknown and nz == 1 and (svc.desiredCount or 0) > 0 then
        local az
        for z in pairs(zones) do az = z end
        local rem = {}
        if vpc then
          rem[#rem + 1] = { description = "List the VPC's subnets by zone and pick one in another zone",
                            command = edoc.with_region("aws ec2 describe-subnets --filters Name=vpc-id,Values={vpc} --query 'Subnets[].[SubnetId,AvailabilityZone,MapPublicIpOnLaunch]' --output table"),
                            args = { vpc = tostring(vpc_id) },
                            docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-rebalancing.html" }
          local sgs = {}
          for _, g in ipairs(vpc.securityGroups or {}) do sgs[#sgs + 1] = g end
          local cur = {}
          for _, sn in ipairs(vpc.subnets) do cur[#cur + 1] = sn end
          local other, same_rt = other_zone_subnet(ev.network, vpc_id, zones, cur)
          local other_az = other and ev.network.subnets[other].availabilityZone
          rem[#rem + 1] = { description = "Add subnets in at least one more zone to the service" ..
                              (other and (string.format(" (%s is in %s%s)", other, other_az,
                                 same_rt and ", with the same route table as the current subnets" or "; check its routes")) or ""),
                            command = edoc.with_region("aws ecs update-service --cluster {cluster} --service {service} --network-configuration 'awsvpcConfiguration={subnets=['{subnets}'],securityGroups=['{sgs}'],assignPublicIp='{public}'}'"),
                            args = { cluster = cluster_of(svc), service = svc.serviceName,
                                     subnets = table.concat(cur, ",") .. "," .. (other or "<subnet-in-another-zone>"),
                                     sgs = table.concat(sgs, ","), public = tostring(vpc.assignPublicIp or "DISABLED") },
                            docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-rebalancing.html" }
        else
          rem[#rem + 1] = { description = "Spread the tasks across zones (and give the cluster's Auto Scaling group subnets in several zones)",
                            command = edoc.with_region("aws ecs update-service --cluster {cluster} --service {service} --placement-strategy type=spread,field=attribute:ecs.availability-zone"),
                            args = { cluster = cluster_of(svc), service = svc.serviceName },
                            docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-rebalancing.html" }
        end
        edoc.finding {
          kind        = "recommendation",
          rule        = "reliability.single_az",
          confidence  = 0.9,
          title       = svc.serviceName .. ": every task runs in " .. az,
          explanation = "All the subnets (or tasks) of this service are in one Availability Zone, so a zone outage stops the whole service; spread it over two or three zones.",
          evidence    = ptrs,
          resources   = { svc.serviceName },
          subject     = svc.serviceName,
          key         = svc.serviceArn or svc.serviceName,
          remediation = rem,
        }
      end
    end
  end,
}
