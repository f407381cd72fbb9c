-- net.subnet_ip_exhausted: awsvpc tasks need one IP address (an ENI) each in
-- one of the service's subnets; when the subnets are full, tasks stop before
-- they start. The EC2 error surfaced by ECS is
--   InsufficientFreeAddressesInSubnet: The specified subnet does not have enough free
--   addresses to satisfy the request.
-- and the proof is DescribeSubnets' availableIpAddressCount (a string, "0").
-- Reported from the evidence even without the message when every subnet of a
-- service that is short of tasks has no free address.
local DOC = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html"
local DOC_VPC = "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html"
local PATTERNS = { "insufficientfreeaddressesinsubnet", "insufficient free addresses",
  "not enough free addresses", "no available ip addresses", "not enough ip addresses" }

local N, any_of = edoc.norm_str, edoc.has_any -- cached normalisation (checks/API.md)

local with_region = edoc.with_region

local function awsvpc(svc)
  local nc = svc.networkConfiguration
  if not nc and svc.deployments and svc.deployments[1] then nc = svc.deployments[1].networkConfiguration end
  return nc and nc.awsvpcConfiguration
end

local function messages_for(ev, si, svc)
  local out = {}
  for ei, e in ipairs(svc.events or {}) do
    if N(e.message):find("has reached a steady state", 1, true) then break end
    out[#out + 1] = { text = e.message, ptr = edoc.ptr("services", si - 1, "events", ei - 1, "message"), when = e.createdAt }
  end
  -- Only the stopped reasons that can be a hit (indexed by the host).
  for ti, t in edoc.tasks_matching(PATTERNS, "stoppedReason") do
    if t.group == "service:" .. (svc.serviceName or "") or #(ev.services or {}) == 1 then
      out[#out + 1] = { text = t.stoppedReason, ptr = edoc.ptr("tasks", ti - 1, "stoppedReason"), when = t.stoppedAt }
    end
  end
  return out
end

return {
  id = "net.subnet_ip_exhausted",
  category = "subnet_ip_exhausted",
  severity = "critical",
  summary = "The service's subnets have no free IP addresses for new task ENIs",
  needs = { "ecs.services" }, -- ec2.subnets confirms; the message alone also reports
  uses = { "ecs.tasks", "ec2.subnets" },

  run = function(ev)
    local subnets = ev.network and ev.network.subnets
    for si, svc in ipairs(ev.services or {}) do
      local cfg = awsvpc(svc)
      local msgs, hits = messages_for(ev, si, svc), {}
      for _, m in ipairs(msgs) do
        if m.text and any_of(m.text, PATTERNS) then hits[#hits + 1] = m end
      end
      local full, free, evidence, total = {}, {}, {}, 0
      for _, sn in ipairs((cfg and cfg.subnets) or {}) do
        local s = subnets and subnets[sn]
        if s then
          local n = tonumber(s.availableIpAddressCount)
          if n then
            total = total + n
            evidence[#evidence + 1] = { pointer = edoc.ptr("network", "subnets", sn, "availableIpAddressCount"),
              note = sn .. " (" .. (s.cidrBlock or "?") .. ") free addresses" }
            if n == 0 then full[#full + 1] = sn else free[#free + 1] = sn end
          end
        end
      end
      local running, desired = tonumber(svc.runningCount) or 0, tonumber(svc.desiredCount) or 0
      local short = running < desired
      -- The message alone (subnets unknown), or the subnets proven full.
      if #hits > 0 or (#full > 0 and #free == 0 and short) then
        for i = #hits, 1, -1 do table.insert(evidence, 1, { pointer = hits[i].ptr, note = "failure message" }) end
        local conf = (#full > 0 and #hits > 0) and 0.97 or ((#full > 0) and 0.8 or 0.6)
        local cl, sv = edoc.cluster() or "default", svc.serviceName or "?"
        local list = #full > 0 and full or ((cfg and cfg.subnets) or {})
        local vpc = subnets and list[1] and subnets[list[1]] and subnets[list[1]].vpcId
        local rem = {
          { description = "Confirm the free addresses of the service's subnets",
            command = with_region("aws ec2 describe-subnets --subnet-ids {subnets} --query 'Subnets[].[SubnetId,CidrBlock,AvailableIpAddressCount]' --output table"),
            args = { subnets = list }, docs = DOC },
          { description = "Find ENIs that hold addresses without an owner (leaked \"available\" interfaces) and delete them",
            command = with_region("aws ec2 describe-network-interfaces --filters Name=subnet-id,Values={subnets} Name=status,Values=available --query 'NetworkInterfaces[].[NetworkInterfaceId,Description]'"),
            args = { subnets = table.concat(list, ",") }, docs = DOC },
        }
        if #free > 0 then
          rem[#rem + 1] = { description = "Run the service only in subnets that still have addresses (" .. table.concat(free, ", ") .. ")",
            command = with_region("aws ecs update-service --cluster {cluster} --service {service} --network-configuration 'awsvpcConfiguration={subnets=['{subnets}'],securityGroups=['{sgs}'],assignPublicIp='{public}'}'"),
            args = { cluster = cl, service = sv, subnets = table.concat(free, ","), sgs = table.concat((cfg and cfg.securityGroups) or {}, ","),
                     public = (cfg and cfg.assignPublicIp) or "DISABLED" }, docs = DOC }
        end
        if vpc then
          rem[#rem + 1] = { description = "Or add address space: a secondary CIDR on " .. vpc .. " and larger subnets for the tasks",
            command = with_region("aws ec2 associate-vpc-cidr-block --vpc-id {vpc} --cidr-block 100.64.0.0/16"), args = { vpc = vpc }, docs = DOC_VPC }
        end
        edoc.finding {
          title = #list > 0 and string.format("%s: no free IP addresses in subnet%s %s", svc.serviceName or "?", #list > 1 and "s" or "",
            table.concat(list, ", ")) or ((svc.serviceName or "?") .. ": the task subnets have no free IP addresses"),
          confidence = conf,
          explanation = string.format("Each awsvpc task needs an elastic network interface with its own private IP in one of the service's subnets. %s%s",
            #full > 0 and ("DescribeSubnets reports 0 available addresses in " .. table.concat(full, ", ") .. ". ") or "",
            #hits > 0 and "ECS reported that the subnet does not have enough free addresses, so new tasks cannot get an ENI." or
              ("The service runs " .. math.floor(running) .. " of " .. math.floor(desired) .. " tasks.")),
          evidence = evidence,
          resources = list,
          key = svc.serviceName,
          count = math.max(#hits, 1),
          when = hits[1] and hits[1].when or nil,
          subject = svc.serviceName,
          explains = { "deployment_circuit_breaker", "deployment_stuck", "eni_provisioning_failed", "net.eni_provisioning_failed" },
          remediation = rem,
        }
      end
    end
  end,
}
