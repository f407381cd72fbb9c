-- placement.capacity_unavailable: AWS had no Fargate (or Spot) capacity for the
-- task in the requested Availability Zones. Evidence: "Capacity is unavailable at
-- this time. Please try again later or in a different availability zone" in a
-- service event or a stopped reason, plus the subnets/AZs the service may use.
-- Evidence may be partial or odd-typed (a buggy collector, a hand-edited
-- bundle): read it through these so a bad field is "unknown", not an error.
local list, str, num = edoc.list, edoc.str, edoc.num
local DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages.html"
local KC = "https://repost.aws/knowledge-center/ecs-fargate-runtask-capacity"

local recent_events = edoc.recent_events

local with_region = edoc.with_region

-- table.concat over evidence lists that may hold nulls.
local function join(l, sep)
  local out = {}
  for _, x in ipairs(list(l)) do out[#out + 1] = tostring(x) end
  return table.concat(out, sep)
end

local PAT = "capacity is unavailable at this time"

return {
  id = "placement.capacity_unavailable",
  category = "capacity_unavailable",
  severity = "high",
  summary = "AWS had no capacity for the task in the service's Availability Zones",
  needs = { "ecs.services" },
  uses = { "ecs.tasks", "ec2.subnets" },

  run = function(ev)
    for si, svc in ipairs(list(ev.services)) do
      local hits, evidence, latest = 0, {}, nil
      for _, r in ipairs(recent_events(svc)) do
        if r.m:find(PAT, 1, true) then
          hits = hits + 1
          latest = latest or num(r.e.createdAt)
          if #evidence < 3 then
            evidence[#evidence + 1] = { pointer = edoc.ptr("services", si - 1, "events", r.i - 1, "message"), note = "service event" }
          end
        end
      end
      for ti, t in edoc.tasks_matching(PAT, "stoppedReason") do
        if t.group == "service:" .. (svc.serviceName or "") and edoc.norm(t.stoppedReason):find(PAT, 1, true) then
          hits = hits + 1
          if #evidence < 4 then
            evidence[#evidence + 1] = { pointer = edoc.ptr("tasks", ti - 1, "stoppedReason"), note = "stopped reason" }
          end
        end
      end
      if hits > 0 then
        local awsvpc = svc.networkConfiguration and svc.networkConfiguration.awsvpcConfiguration
        local subnets = (awsvpc and awsvpc.subnets) or {}
        local azs, seen = {}, {}
        for _, s in ipairs(list(subnets)) do
          local sn = ev.network and ev.network.subnets and ev.network.subnets[s]
          local az = sn and sn.availabilityZone
          if az and not seen[az] then seen[az] = true azs[#azs + 1] = az end
        end
        local spot = false
        for _, s in ipairs(list(svc.capacityProviderStrategy)) do
          if s.capacityProvider == "FARGATE_SPOT" then spot = true end
        end
        local expl = string.format("ECS could not obtain %s capacity for %s (%d time(s)). The service may place tasks in %d subnet(s)",
          spot and "Fargate Spot" or "Fargate", svc.serviceName or "?", hits, #subnets)
        if #azs > 0 then expl = expl .. " in " .. #azs .. " Availability Zone(s): " .. table.concat(azs, ", ") end
        expl = expl .. ". This is on AWS's side and usually transient; more AZs (and for Spot, an on-demand base) make it rarer."
        if awsvpc then
          evidence[#evidence + 1] = { pointer = edoc.ptr("services", si - 1, "networkConfiguration", "awsvpcConfiguration", "subnets"),
                                      note = "subnets the service may use" }
        end
        -- Subnets of the same VPC in AZs the service does not use yet.
        local vpc, extra = nil, {}
        for _, s in ipairs(list(subnets)) do
          local sn = ev.network and ev.network.subnets and ev.network.subnets[s]
          vpc = vpc or (sn and sn.vpcId)
        end
        for id, sn in pairs(list(ev.network and ev.network.subnets)) do
          if vpc and sn.vpcId == vpc and sn.availabilityZone and not seen[sn.availabilityZone] then
            extra[#extra + 1] = id
          end
        end
        table.sort(extra)
        local newlist = {}
        for _, s in ipairs(list(subnets)) do newlist[#newlist + 1] = s end
        if #extra > 0 then newlist[#newlist + 1] = extra[1] else newlist[#newlist + 1] = "<subnet-in-another-az>" end
        local cl = edoc.cluster() or "default"
        local sv = svc.serviceName or "?"
        local rem = {
          { description = "Give the scheduler more Availability Zones: add subnets in other AZs to the service",
            command = with_region("aws ecs update-service --cluster {cluster} --service {service} --network-configuration 'awsvpcConfiguration={subnets=['{subnets}'],securityGroups=['{sgs}'],assignPublicIp='{public}'}'"),
            args = { cluster = cl, service = sv, subnets = table.concat(newlist, ","), sgs = join(awsvpc and awsvpc.securityGroups, ","),
                     public = (awsvpc and awsvpc.assignPublicIp) or "DISABLED" },
            docs = DOCS },
        }
        if spot then
          rem[#rem + 1] = { description = "Keep a FARGATE (on-demand) base so Spot shortages cannot take the service to zero",
            command = with_region("aws ecs update-service --cluster {cluster} --service {service} --capacity-provider-strategy capacityProvider=FARGATE,base=1,weight=1 capacityProvider=FARGATE_SPOT,weight=3 --force-new-deployment"),
            args = { cluster = cl, service = sv },
            docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html" }
        end
        rem[#rem + 1] = { description = "Or retry later; the scheduler keeps retrying on its own",
          command = with_region("aws ecs describe-services --cluster {cluster} --services {service} --query 'services[0].events[:5]'"),
          args = { cluster = cl, service = sv },
          docs = KC }
        edoc.finding {
          title = string.format("%s: AWS has no %s capacity for the task right now", svc.serviceName or "?",
            spot and "Fargate Spot" or "Fargate"),
          confidence = 0.9,
          explanation = expl,
          evidence = evidence,
          resources = { svc.serviceName },
          count = hits,
          key = svc.serviceName,
          when = latest,
          subject = svc.serviceName,
          explains = { "deployment_circuit_breaker", "deployment_stuck" },
          remediation = rem,
        }
      end
    end
  end,
}
