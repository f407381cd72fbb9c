-- elb.health_check_failed: the load balancer's health checks fail against the
-- service's targets (Target.ResponseCodeMismatch, Target.Timeout,
-- Target.FailedHealthChecks), and ECS replaces the tasks ("Task failed ELB
-- health checks in (target-group ...)"). The finding compares the failure with
-- the target group's health-check settings, the container's port mapping and
-- the task security groups, quoting each, so the reader sees which one to fix.
-- When the configuration itself is wrong, elb.misconfigured is the root cause
-- and declares that it explains this finding.
-- Evidence may be partial or odd-typed (a buggy collector, a hand-edited
-- bundle): read it through these so a bad field is "unknown", not an error.
local list, str, num = edoc.list, edoc.str, edoc.num
local DOCS_LB = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/troubleshoot-service-load-balancers.html"
local DOCS_TH = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html"
local DOCS_KC = "https://repost.aws/knowledge-center/ecs-fargate-health-check-failures"

local with_region = edoc.with_region

local recent_events = edoc.recent_events

-- table.concat over evidence lists that may hold nulls.
local function join(l, sep)
  local out = {}
  for _, x in ipairs(list(l)) do out[#out + 1] = tostring(x) end
  return table.concat(out, sep)
end

local FAIL = { ["Target.ResponseCodeMismatch"] = true, ["Target.Timeout"] = true,
               ["Target.FailedHealthChecks"] = true, ["Elb.InternalError"] = true }

local function container_port_mapping(td, name, port)
  for k, cd in ipairs(list(td and td.containerDefinitions)) do
    if cd.name == name then
      for p, pm in ipairs(list(cd.portMappings)) do
        if tonumber(pm.containerPort) == tonumber(port) then return pm, k, p end
      end
      return nil, k
    end
  end
  return nil
end

-- Does any of the task's security groups let the load balancer reach `port`?
-- true / false / nil (unknown: groups not in the evidence).
local function sg_allows(ev, task_sgs, lb_sgs, port)
  local groups = ev.network and ev.network.security_groups
  if not groups or not task_sgs or #task_sgs == 0 then return nil end
  local lbset = {}
  for _, g in ipairs(list(lb_sgs)) do lbset[g] = true end
  for _, gid in ipairs(list(task_sgs)) do
    local g = groups[gid]
    if not g then return nil end
    for _, perm in ipairs(list(g.ipPermissions)) do
      local proto = perm.ipProtocol
      local from, to = tonumber(perm.fromPort), tonumber(perm.toPort)
      local port_ok = proto == "-1" or (proto == "tcp" and from and to and port >= from and port <= to)
      if port_ok then
        for _, pair in ipairs(list(perm.groups)) do
          if lbset[pair.groupId] then return true end
        end
        for _, r in ipairs(list(perm.ipRanges)) do
          -- Any CIDR rule is taken as allowing the LB's private addresses: the
          -- VPC CIDR is not compared here (network checks do the path analysis).
          if r.cidrIp then return true end
        end
        if perm.prefixListIds and #perm.prefixListIds > 0 then return true end
      end
    end
  end
  return false
end


-- Time of the newest "has reached a steady state." event, or nil. A failure
-- older than that, with the service at its desired count, is resolved.
local function steady_since(svc)
  for _, e in ipairs(list(svc.events)) do
    if edoc.norm(str(e.message)):find("has reached a steady state", 1, true) then return num(e.createdAt) end
  end
  return nil
end

local function resolved(svc, latest)
  local st = steady_since(svc)
  return st ~= nil and latest ~= nil and latest < st
    and (num(svc.runningCount) or 0) >= (num(svc.desiredCount) or 0)
end

return {
  id = "elb.health_check_failed",
  category = "elb_health_check_failed",
  severity = "high",
  summary = "Load balancer health checks fail against the service's tasks",
  -- ELB evidence is only relevant to services behind a load balancer, so it is
  -- not a static need: without it the check finds nothing (unknown, not healthy).
  needs = { "ecs.services" },
  uses = { "ecs.tasks", "ecs.task_definitions", "elb.target_groups", "elb.target_health", "elb.load_balancers", "ec2.security_groups" },

  run = function(ev)
    local tgs = ev.elb and ev.elb.target_groups
    -- A service behind a load balancer whose target groups or target health
    -- could not be read: the health checks are unknown, not passing.
    for _, svc in ipairs(list(ev.services)) do
      if #list(svc.loadBalancers) > 0 then
        for _, src in ipairs({ "elb.target_groups", "elb.target_health" }) do
          local s = ev.sources and ev.sources[src]
          if s and (s.status == "denied" or s.status == "error" or (s.status == "skipped" and s.reason == "deadline")) then
            edoc.incomplete(src, string.format("%s is behind a load balancer but %s is missing: its health checks are unknown",
              svc.serviceName or "the service", src))
          end
        end
      end
    end
    if not tgs then return end
    for si, svc in ipairs(list(ev.services)) do
      for _, binding in ipairs(list(svc.loadBalancers)) do
        local arn = binding.targetGroupArn
        local tg = arn and tgs[arn]
        if tg then
          local tgname = tg.TargetGroupName or edoc.basename(arn)
          local evidence, resources = {}, { tgname }
          local reasons, order, sample, total, bad, healthy = {}, {}, {}, 0, 0, 0
          for k, thd in ipairs(list(tg.TargetHealthDescriptions)) do
            total = total + 1
            local th = thd.TargetHealth or {}
            if th.State == "healthy" then healthy = healthy + 1 end
            if th.State == "unhealthy" and FAIL[th.Reason or ""] then
              bad = bad + 1
              if not reasons[th.Reason] then
                reasons[th.Reason] = 0
                order[#order + 1] = th.Reason
                sample[th.Reason] = k
              end
              reasons[th.Reason] = reasons[th.Reason] + 1
              resources[#resources + 1] = (thd.Target and thd.Target.Id or "?") .. ":" .. tostring(thd.Target and thd.Target.Port or "?")
            end
          end
          local stopped, first_stop, latest = 0, nil, nil
          for ti, t in edoc.tasks_with("group", "service:" .. (svc.serviceName or "")) do
            if t.group == "service:" .. (svc.serviceName or "") and edoc.norm(t.stoppedReason):find("task failed elb health checks", 1, true) then
              stopped = stopped + 1
              first_stop = first_stop or ti
              resources[#resources + 1] = edoc.task_id(t.taskArn)
              if not latest or (num(t.stoppedAt) or 0) > latest then latest = num(t.stoppedAt) end
            end
          end
          local unhealthy_ev
          for _, r in ipairs(recent_events(svc)) do
            if r.m:find("is unhealthy in", 1, true) or r.m:find("failed elb health checks", 1, true) then
              unhealthy_ev = unhealthy_ev or r
            end
          end
          if bad > 0 or stopped > 0 or unhealthy_ev then
            local tgp = edoc.ptr("elb", "target_groups", arn)
            for _, reason in ipairs(order) do
              local k = sample[reason]
              evidence[#evidence + 1] = { pointer = tgp .. edoc.ptr("TargetHealthDescriptions", k - 1, "TargetHealth", "Reason"),
                                          note = string.format("%d target(s)", reasons[reason]) }
              if tg.TargetHealthDescriptions[k].TargetHealth.Description then
                evidence[#evidence + 1] = { pointer = tgp .. edoc.ptr("TargetHealthDescriptions", k - 1, "TargetHealth", "Description") }
              end
            end
            if first_stop then
              evidence[#evidence + 1] = { pointer = edoc.ptr("tasks", first_stop - 1, "stoppedReason"),
                                          note = string.format("%d task(s) stopped for this", stopped) }
            end
            if unhealthy_ev then
              evidence[#evidence + 1] = { pointer = edoc.ptr("services", si - 1, "events", unhealthy_ev.i - 1, "message"), note = "service event" }
            end
            local hc_port = tg.HealthCheckPort or "traffic-port"
            local path = tg.HealthCheckPath or "/"
            local matcher = (tg.Matcher and (tg.Matcher.HttpCode or tg.Matcher.GrpcCode)) or "200"
            local interval = tonumber(tg.HealthCheckIntervalSeconds) or 30
            local timeout = tonumber(tg.HealthCheckTimeoutSeconds) or 5
            local unhealthy = tonumber(tg.UnhealthyThresholdCount) or 2
            evidence[#evidence + 1] = { pointer = tgp .. "/HealthCheckPath", note = "health-check path" }
            evidence[#evidence + 1] = { pointer = tgp .. "/HealthCheckPort", note = "health-check port" }
            evidence[#evidence + 1] = { pointer = tgp .. "/Matcher/HttpCode", note = "expected codes" }
            local td = ev.task_definitions and ev.task_definitions[svc.taskDefinition]
            local pm, k, p = container_port_mapping(td, binding.containerName, binding.containerPort)
            if pm then
              evidence[#evidence + 1] = { pointer = edoc.ptr("task_definitions", svc.taskDefinition, "containerDefinitions", k - 1,
                "portMappings", p - 1, "containerPort"), note = "container " .. (binding.containerName or "?") .. " port" }
            end
            local parts = {}
            if bad > 0 then
              local rs = {}
              for _, reason in ipairs(order) do
                local d = tg.TargetHealthDescriptions[sample[reason]].TargetHealth.Description
                rs[#rs + 1] = reason .. (d and (" (\"" .. d .. "\")") or "") .. " ×" .. reasons[reason]
              end
              parts[#parts + 1] = string.format("%d of %d target(s) in %s are unhealthy: %s.", bad, total, tgname, table.concat(rs, ", "))
            end
            if stopped > 0 then
              parts[#parts + 1] = string.format("ECS stopped %d task(s) because they failed the ELB health checks.", stopped)
            end
            local proto = str(tg.HealthCheckProtocol) or "HTTP"
            local where = hc_port == "traffic-port" and ("the traffic port (" .. tostring(binding.containerPort) .. ")")
              or ("port " .. tostring(hc_port))
            if proto == "TCP" then
              -- NLB TCP checks: a connection is the whole check (no path, no matcher).
              parts[#parts + 1] = string.format("The load balancer opens a TCP connection to %s every %ds and marks a target "
                .. "unhealthy after %d consecutive failures. The service registers container %s port %s.",
                where, interval, unhealthy, binding.containerName or "?", tostring(binding.containerPort))
            else
              parts[#parts + 1] = string.format("The load balancer sends %s %s to %s every %ds (timeout %ds) and marks a target unhealthy "
                .. "after %d consecutive failures; it expects HTTP %s. The service registers container %s port %s.",
                proto, path, where, interval, timeout, unhealthy, matcher, binding.containerName or "?", tostring(binding.containerPort))
            end
            local rem = {}
            local main = order[1]
            local lb_sgs = {}
            for _, lbarn in ipairs(list(tg.LoadBalancerArns)) do
              local lb = ev.elb.load_balancers and ev.elb.load_balancers[lbarn]
              for _, g in ipairs(list(lb and lb.SecurityGroups)) do lb_sgs[#lb_sgs + 1] = g end
            end
            local awsvpc = svc.networkConfiguration and svc.networkConfiguration.awsvpcConfiguration
            local task_sgs = awsvpc and awsvpc.securityGroups
            local port = tonumber(binding.containerPort)
            local sg_ok = port and sg_allows(ev, task_sgs, lb_sgs, port)
            -- Healthy targets behind the same groups prove the path works (a rule
            -- this simple evaluator does not model); do not blame the groups then.
            if sg_ok == false and healthy > 0 then sg_ok = nil end
            if sg_ok == false and main ~= "Target.ResponseCodeMismatch" then
              parts[#parts + 1] = string.format("The task security group(s) %s do not allow tcp/%d from the load balancer's security group(s) %s, "
                .. "so health checks cannot connect.", join(task_sgs, ", "), port, join(lb_sgs, ", "))
              local sg1 = str(task_sgs[1]) or "?"
              evidence[#evidence + 1] = { pointer = edoc.ptr("network", "security_groups", sg1, "ipPermissions"),
                                          note = "inbound rules of " .. sg1 }
              rem[#rem + 1] = { description = "Allow the load balancer to reach the container port",
                command = with_region("aws ec2 authorize-security-group-ingress --group-id {group} --protocol tcp --port {port} --source-group {source}"),
                args = { group = str(task_sgs[1]) or "<task-security-group>", port = string.format("%d", port), source = str(lb_sgs[1]) or "<alb-security-group>" },
                docs = DOCS_LB }
            end
            if main == "Target.ResponseCodeMismatch" then
              local codes = tg.TargetHealthDescriptions[sample[main]].TargetHealth.Description
              codes = codes and codes:match("%[(.-)%]")
              parts[#parts + 1] = string.format("The application answers %s with HTTP %s instead of %s: %s", path, codes or "another code", matcher,
                (codes and codes:match("^404")) and "the path does not exist in the app — point the health check at a real endpoint."
                or (codes and codes:match("^30")) and "it redirects (often an HTTP→HTTPS or trailing-slash redirect) — accept 3xx or use a path that answers directly."
                or (codes and codes:match("^5")) and "the app is failing — read its logs (a dependency it checks may be down)."
                or "make the path and the matcher agree.")
              -- The container's own health check often names the endpoint that works.
              local good
              local cdef = td and td.containerDefinitions and td.containerDefinitions[k or 1]
              local hc = cdef and cdef.healthCheck and cdef.healthCheck.command
              for _, part in ipairs(list(hc)) do
                good = good or tostring(part):match("https?://[%w%.%-]+:?%d*(/[%w%-%._/]*)")
              end
              if good == path then good = nil end
              rem[#rem + 1] = { description = "Point the health check at an endpoint that returns " .. matcher
                  .. (good and (" (the container health check uses " .. good .. ")") or " (or widen the matcher)"),
                command = with_region("aws elbv2 modify-target-group --target-group-arn {tg} --health-check-path {path} --matcher HttpCode={matcher}"),
                args = { tg = arn, path = good or "<path-that-returns-" .. matcher .. ">", matcher = matcher },
                docs = DOCS_KC }
            elseif main == "Target.Timeout" and sg_ok ~= false and proto ~= "TCP" then
              parts[#parts + 1] = string.format("The connection is accepted but %s does not answer within %ds: a slow health endpoint "
                .. "(checking dependencies), CPU starvation, or an app still starting.", path, timeout)
              rem[#rem + 1] = { description = "Give the health check more time (and make " .. path .. " cheap)",
                command = with_region("aws elbv2 modify-target-group --target-group-arn {tg} --health-check-timeout-seconds {timeout} --health-check-interval-seconds {interval}"),
                args = { tg = arn, timeout = string.format("%d", math.min(timeout * 2, 120)), interval = string.format("%d", math.max(interval, math.min(timeout * 2, 120) + 5)) },
                docs = DOCS_KC }
            elseif main == "Target.FailedHealthChecks" and sg_ok ~= false then
              parts[#parts + 1] = string.format("The load balancer could not connect or got a malformed reply: nothing is listening on "
                .. "port %s, or the app listens on 127.0.0.1 instead of 0.0.0.0.", tostring(binding.containerPort))
            end
            rem[#rem + 1] = { description = "Watch the targets' health and reasons",
              command = with_region("aws elbv2 describe-target-health --target-group-arn {tg}"),
              args = { tg = arn },
              docs = DOCS_TH }
            local grp = td and td.containerDefinitions and td.containerDefinitions[k or 1]
            local lg = grp and grp.logConfiguration and grp.logConfiguration.options and grp.logConfiguration.options["awslogs-group"]
            if lg then
              rem[#rem + 1] = { description = "Read the application log around the failing checks",
                command = with_region("aws logs tail --since 30m -- {group}"),
                args = { group = lg },
                docs = DOCS_LB }
            end
            local done = bad == 0 and not unhealthy_ev and resolved(svc, latest)
            if done then parts[#parts + 1] = "All targets are healthy now and the service has reached a steady state since." end
            -- Only an event, no unhealthy target and no task stopped for it, and
            -- the service at its desired count: a blip, not an outage.
            local blip = not done and bad == 0 and stopped == 0
              and (num(svc.runningCount) or 0) >= (num(svc.desiredCount) or 0)
            if blip then
              parts[#parts + 1] = "Every target is healthy now and the service is at its desired count: watch for a repeat."
              done = true
            end
            edoc.finding {
              title = string.format("%s: load balancer health checks fail%s in %s%s", svc.serviceName or "?", done and "ed" or "", tgname,
                main and (" (" .. main .. ")") or (done and " (resolved since)" or "")),
              severity = done and "low" or nil,
              confidence = (bad > 0 and stopped > 0) and 0.85 or 0.75,
              explanation = table.concat(parts, " "),
              evidence = evidence,
              resources = resources,
              count = math.max(bad, stopped, 1),
              key = arn,
              when = latest or (unhealthy_ev and unhealthy_ev.e.createdAt),
              subject = svc.serviceName,
              -- A failed or stuck deployment is this finding's doing only when ECS
              -- stopped tasks for the health checks; unhealthy targets alone do
              -- not say why new tasks "failed to start".
              explains = stopped > 0 and { "deployment_circuit_breaker", "deployment_stuck" } or nil,
              remediation = rem,
            }
          end
        end
      end
    end
  end,
}
