-- elb.misconfigured: the load-balancer wiring itself is wrong, so health checks
-- cannot pass whatever the application does: the health-check port is fixed to
-- a port the container does not serve, the target group's target type does not
-- match the network mode (awsvpc needs "ip"), the service's container/port is
-- not in the task definition, the target group is attached to no load balancer,
-- the load balancer is not active or not enabled in the tasks' Availability
-- Zone, or the target group is in another VPC. Root cause of the ELB health
-- failures and of the deployment symptoms they cause.
-- Evidence may be partial or odd-typed (a buggy collector, a hand-edited
-- bundle): read it through these so a bad field is "unknown", not an error.
local list, str, num = edoc.list, edoc.str, edoc.num
local DOCS_LB = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/troubleshoot-service-load-balancers.html"
local DOCS_HC = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html"
local DOCS_TT = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html"

local with_region = edoc.with_region

local function find_container(td, name)
  for k, cd in ipairs(list(td and td.containerDefinitions)) do
    if cd.name == name then return cd, k end
  end
  return nil
end

local function find_mapping(cd, port)
  for p, pm in ipairs(list(cd and cd.portMappings)) do
    if tonumber(pm.containerPort) == tonumber(port) then return pm, p end
  end
  return nil
end

-- Is there any sign the health checks are actually failing? Config oddities
-- that coexist with healthy targets are left alone.
local function symptoms(ev, svc, tg)
  local thds = tg.TargetHealthDescriptions
  if not thds or #thds == 0 then return true end
  for _, thd in ipairs(list(thds)) do
    local st = thd.TargetHealth and thd.TargetHealth.State
    if st == "unhealthy" or st == "unused" then return true end
  end
  for _, t in edoc.tasks_with("group", "service:" .. (svc.serviceName or "")) do
    if t.group == "service:" .. (svc.serviceName or "") and edoc.norm(t.stoppedReason):find("failed elb health checks", 1, true) then
      return true
    end
  end
  return false
end

return {
  id = "elb.misconfigured",
  category = "load_balancer_misconfigured",
  severity = "critical",
  summary = "The load balancer / target group wiring cannot work with the task definition",
  -- ELB evidence matters only for services with load balancers: not a static need.
  needs = { "ecs.services", "ecs.task_definitions" },
  uses = { "ecs.tasks", "elb.target_groups", "elb.target_health", "elb.load_balancers", "ec2.subnets" },

  run = function(ev)
    local tgs = ev.elb and ev.elb.target_groups
    if not tgs then return end
    for si, svc in ipairs(list(ev.services)) do
      local td = ev.task_definitions and ev.task_definitions[svc.taskDefinition]
      local tdn = edoc.basename(svc.taskDefinition) or "?"
      for bi, binding in ipairs(list(svc.loadBalancers)) do
        local arn = binding.targetGroupArn
        local tg = arn and tgs[arn]
        if tg and td then
          local tgname = tg.TargetGroupName or edoc.basename(arn)
          local tgp = edoc.ptr("elb", "target_groups", arn)
          local problems, evidence, rem = {}, {}, {}
          local cl = edoc.cluster() or "default"
          local sv = svc.serviceName or "?"
          local bptr = edoc.ptr("services", si - 1, "loadBalancers", bi - 1)
          local cd, k = find_container(td, binding.containerName)
          local mode = td.networkMode or "bridge"
          local sym = symptoms(ev, svc, tg)
          if not cd then
            problems[#problems + 1] = string.format("the service sends traffic to container %q, which %s does not define",
              binding.containerName or "?", tdn)
            evidence[#evidence + 1] = { pointer = bptr .. "/containerName", note = "service load balancer container" }
          else
            local pm, p = find_mapping(cd, binding.containerPort)
            if not pm then
              local ports = {}
              for _, x in ipairs(list(cd.portMappings)) do
                if num(x.containerPort) then ports[#ports + 1] = tostring(x.containerPort) end
              end
              problems[#problems + 1] = string.format("the service registers container %s port %s, but %s maps only port(s) %s for it",
                cd.name, tostring(binding.containerPort), tdn, #ports > 0 and table.concat(ports, ", ") or "none")
              evidence[#evidence + 1] = { pointer = bptr .. "/containerPort", note = "service load balancer port" }
              evidence[#evidence + 1] = { pointer = edoc.ptr("task_definitions", svc.taskDefinition, "containerDefinitions", k - 1, "portMappings"),
                                          note = "port mappings of " .. cd.name }
              rem[#rem + 1] = { description = "Register the port the container really serves with the service",
                command = with_region("aws ecs update-service --cluster {cluster} --service {service} --load-balancers targetGroupArn={tg},containerName={container},containerPort={port}"),
                args = { cluster = cl, service = sv, tg = arn, container = cd.name, port = ports[1] or "<port>" },
                docs = DOCS_LB }
            else
              -- The port the target is registered on: the container port for
              -- awsvpc/host, the host port (0 = dynamic) for bridge.
              local target_port = (mode == "bridge") and tonumber(pm.hostPort or 0) or tonumber(pm.containerPort)
              local hcp = tg.HealthCheckPort
              if sym and hcp and hcp ~= "traffic-port" and tonumber(hcp) and tonumber(hcp) ~= target_port then
                problems[#problems + 1] = string.format("the target group health-checks port %s, but the container listens on %s%s",
                  hcp, tostring(pm.containerPort), (mode == "bridge" and target_port == 0) and " behind a dynamic host port"
                  or (mode == "bridge" and (" (host port " .. tostring(target_port) .. ")")) or "")
                evidence[#evidence + 1] = { pointer = tgp .. "/HealthCheckPort", note = "health-check port of " .. tgname }
                evidence[#evidence + 1] = { pointer = edoc.ptr("task_definitions", svc.taskDefinition, "containerDefinitions", k - 1,
                  "portMappings", p - 1, "containerPort"), note = "container " .. cd.name .. " port in " .. tdn }
                rem[#rem + 1] = { description = "Health-check the port the target is registered on",
                  command = with_region("aws elbv2 modify-target-group --target-group-arn {tg} --health-check-port traffic-port"),
                  args = { tg = arn },
                  docs = DOCS_HC }
              end
            end
          end
          local tt = tg.TargetType
          if tt and ((mode == "awsvpc" and tt ~= "ip") or ((mode == "bridge" or mode == "host") and tt == "ip")) then
            problems[#problems + 1] = string.format("target group %s has target type %q, but %s uses network mode %s (which needs %q)",
              tgname, tt, tdn, mode, mode == "awsvpc" and "ip" or "instance")
            evidence[#evidence + 1] = { pointer = tgp .. "/TargetType", note = "target type" }
            evidence[#evidence + 1] = { pointer = edoc.ptr("task_definitions", svc.taskDefinition, "networkMode"), note = "network mode of " .. tdn }
            rem[#rem + 1] = { description = "Create a target group with the right target type and move the service (and listener rule) to it",
              command = with_region("aws elbv2 create-target-group --name {name} --protocol {protocol} --port {port} --vpc-id {vpc} --target-type {type} --health-check-path {path}"),
              args = { name = (tgname or "tg") .. "-" .. (mode == "awsvpc" and "ip" or "inst"), protocol = tg.Protocol or "HTTP",
                       port = tostring(binding.containerPort or tg.Port or 80), vpc = tg.VpcId or "<vpc-id>",
                       type = mode == "awsvpc" and "ip" or "instance", path = tg.HealthCheckPath or "/" },
              docs = DOCS_TT }
          end
          local lbs = tg.LoadBalancerArns
          if lbs and #lbs == 0 then
            problems[#problems + 1] = string.format("target group %s is not attached to any load balancer listener (targets stay Target.NotInUse)", tgname)
            evidence[#evidence + 1] = { pointer = tgp .. "/LoadBalancerArns", note = "load balancers of " .. tgname }
            rem[#rem + 1] = { description = "Forward a listener (or listener rule) to the target group",
              command = with_region("aws elbv2 modify-listener --listener-arn '<listener-arn>' --default-actions Type=forward,TargetGroupArn={tg}"),
              args = { tg = arn },
              docs = DOCS_TT }
          end
          for _, lbarn in ipairs(list(lbs)) do
            local lb = ev.elb.load_balancers and ev.elb.load_balancers[lbarn]
            if lb and lb.State and lb.State.Code and lb.State.Code ~= "active" then
              problems[#problems + 1] = string.format("load balancer %s is %s, not active", lb.LoadBalancerName or edoc.basename(lbarn), lb.State.Code)
              evidence[#evidence + 1] = { pointer = edoc.ptr("elb", "load_balancers", lbarn, "State", "Code"), note = "load balancer state" }
              rem[#rem + 1] = { description = "Check the load balancer's state and reason",
                command = with_region("aws elbv2 describe-load-balancers --load-balancer-arns {lb} --query 'LoadBalancers[0].State'"),
                args = { lb = lbarn },
                docs = DOCS_LB }
            end
            -- Targets in an AZ the load balancer is not enabled in stay unused.
            if lb and lb.AvailabilityZones then
              local zones = {}
              for _, z in ipairs(list(lb.AvailabilityZones)) do if z.ZoneName then zones[z.ZoneName] = true end end
              for ti, thd in ipairs(list(tg.TargetHealthDescriptions)) do
                local th = thd.TargetHealth or {}
                local az = thd.Target and thd.Target.AvailabilityZone
                if th.Reason == "Target.NotInUse" and az and az ~= "all" and not zones[az] then
                  problems[#problems + 1] = string.format("tasks run in %s, where load balancer %s is not enabled (Target.NotInUse)",
                    az, lb.LoadBalancerName or "?")
                  evidence[#evidence + 1] = { pointer = tgp .. edoc.ptr("TargetHealthDescriptions", ti - 1, "TargetHealth", "Reason"),
                                              note = "target " .. tostring(thd.Target.Id) .. " in " .. az }
                  local cur = {}
                  for _, z in ipairs(list(lb.AvailabilityZones)) do if z.SubnetId then cur[#cur + 1] = z.SubnetId end end
                  rem[#rem + 1] = { description = "Enable the load balancer in " .. az .. " (add a subnet of that AZ), or stop placing tasks there",
                    command = with_region("aws elbv2 set-subnets --load-balancer-arn {lb} --subnets {subnets} {new}"),
                    args = { lb = lbarn, subnets = cur, new = "<" .. (lb.Scheme == "internal" and "private" or "public") .. "-subnet-in-" .. az .. ">" },
                    docs = DOCS_LB }
                  break
                end
              end
            end
          end
          -- Target group and task subnets in different VPCs cannot work.
          local awsvpc = svc.networkConfiguration and svc.networkConfiguration.awsvpcConfiguration
          local sn = awsvpc and awsvpc.subnets and awsvpc.subnets[1]
          local subnet = sn and ev.network and ev.network.subnets and ev.network.subnets[sn]
          if subnet and subnet.vpcId and tg.VpcId and subnet.vpcId ~= tg.VpcId then
            problems[#problems + 1] = string.format("target group %s is in %s but the tasks run in %s (%s)", tgname, tg.VpcId, subnet.vpcId, sn)
            evidence[#evidence + 1] = { pointer = tgp .. "/VpcId", note = "target group VPC" }
            evidence[#evidence + 1] = { pointer = edoc.ptr("network", "subnets", sn, "vpcId"), note = "task subnet VPC" }
          end
          if #problems > 0 then
            rem[#rem + 1] = { description = "Check the result",
              command = with_region("aws elbv2 describe-target-health --target-group-arn {tg}"),
              args = { tg = arn },
              docs = DOCS_LB }
            edoc.finding {
              title = string.format("%s: load balancer misconfigured — %s", svc.serviceName or "?", problems[1]),
              confidence = 0.9,
              explanation = "The load-balancer wiring of " .. (svc.serviceName or "?") .. " cannot pass health checks: "
                .. table.concat(problems, "; ") .. ".",
              evidence = evidence,
              resources = { svc.serviceName, tgname, tdn },
              key = arn,
              subject = svc.serviceName,
              explains = { "elb_health_check_failed", "health_check_grace_period_too_short", "deployment_circuit_breaker", "deployment_stuck" },
              remediation = rem,
            }
          end
        end
      end
    end
  end,
}
