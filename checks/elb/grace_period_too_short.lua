-- elb.grace_period_too_short: ECS stopped tasks for failing ELB health checks
-- before the application had finished starting. Evidence: tasks stopped with
-- "Task failed ELB health checks in (target-group ...)" soon after startedAt
-- (stoppingAt − startedAt within grace + a few health-check intervals), and
-- proof the app does start — a "started/listening" log line later than the
-- grace period, or a container health check whose startPeriod exceeds it.
-- Evidence may be partial or odd-typed (a buggy collector, a hand-edited
-- bundle): read it through these so a bad field is "unknown", not an error.
local list, str, num = edoc.list, edoc.str, edoc.num
local DOCS_GRACE = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_definition_parameters.html"
local DOCS_LB = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/troubleshoot-service-load-balancers.html"

local with_region = edoc.with_region

-- Log lines that mean "the server is up" in common stacks (Spring Boot, Node,
-- uvicorn/gunicorn, ASP.NET, Go net/http wrappers, nginx).
-- Plain fragments, then Lua patterns (Spring Boot's "Started App in 71.6 seconds").
-- A bare "started" is not enough: Spring's first line says "... started by app".
local READY = { "listening on", "listening at", "now listening", "server started", "ready to accept connections",
                "application startup complete", "uvicorn running on", "server is running", "server running on",
                "tomcat started on port", "netty started on port", "jetty started on port", "booting worker" }
local READY_PAT = { "started [%w%.%-_]+ in [%d%.]+ seconds" }

local function is_ready(m)
  if edoc.match_any(m, READY) then return true end
  for _, p in ipairs(READY_PAT) do
    if m:match(p) then return true end
  end
  return false
end

-- First ready line per task id: {t = epoch seconds, ptr = json pointer}.
local function ready_lines(ev)
  local out = {}
  local streams = ev.logs and ev.logs.streams
  if not streams then return out end
  for key, st in pairs(list(streams)) do
    if type(st) == "table" and str(st.task) then
      for j, e in ipairs(list(st.events)) do
        local m = edoc.norm(e.message)
        if is_ready(m) and not m:find("error", 1, true) then
          local t = (e.timestamp or 0) / 1000
          local cur = out[st.task]
          if not cur or t < cur.t then
            out[st.task] = { t = t, ptr = edoc.ptr("logs", "streams", key, "events", j - 1, "message") }
          end
          break
        end
      end
    end
  end
  return out
end

local function ceil_to(x, step) return math.floor((x + step - 1) / step) * step end


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
  id = "elb.grace_period_too_short",
  category = "health_check_grace_period_too_short",
  severity = "high",
  summary = "Tasks are killed by ELB health checks before the application finishes starting",
  needs = { "ecs.services", "ecs.tasks" }, -- ELB evidence: only for services behind a load balancer
  uses = { "ecs.task_definitions", "elb.target_groups", "elb.target_health", "logs" },

  run = function(ev)
    local tgs = ev.elb and ev.elb.target_groups
    if not tgs then return end
    local ready = ready_lines(ev)
    for si, svc in ipairs(list(ev.services)) do
      local binding = svc.loadBalancers and svc.loadBalancers[1]
      local tg = binding and binding.targetGroupArn and tgs[binding.targetGroupArn]
      if tg then
        local grace = tonumber(svc.healthCheckGracePeriodSeconds) or 0
        local interval = tonumber(tg.HealthCheckIntervalSeconds) or 30
        local unhealthy = tonumber(tg.UnhealthyThresholdCount) or 2
        local healthy = tonumber(tg.HealthyThresholdCount) or 5
        -- ECS ignores ELB health until the grace period ends; the target is
        -- unhealthy after `unhealthy` failed checks. Allow two more intervals
        -- and a minute of scheduler latency before calling a kill "early".
        local allowed = math.max(grace, interval * unhealthy) + 2 * interval + 60
        local early, slowest, ready_ptr, first_ti = 0, nil, nil, nil
        local evidence = {}
        for ti, t in edoc.tasks_with("group", "service:" .. (svc.serviceName or "")) do
          if t.group == "service:" .. (svc.serviceName or "") and t.startedAt
            and edoc.norm(t.stoppedReason):find("task failed elb health checks", 1, true) then
            local decided = t.stoppingAt or t.stoppedAt
            local life = decided and (decided - t.startedAt)
            local r = ready[edoc.task_id(t.taskArn)]
            local rd = r and (r.t - t.startedAt)
            if life and life <= allowed and (not rd or rd > grace) then
              early = early + 1
              first_ti = first_ti or ti
              if rd and rd > grace and (not slowest or rd > slowest) then slowest, ready_ptr = rd, r.ptr end
            end
          end
        end
        -- The container's own health check may already say how long startup takes.
        local td = ev.task_definitions and ev.task_definitions[svc.taskDefinition]
        local start_period, sp_ptr
        for k, cd in ipairs(list(td and td.containerDefinitions)) do
          if cd.name == binding.containerName and cd.healthCheck and tonumber(cd.healthCheck.startPeriod) then
            start_period = tonumber(cd.healthCheck.startPeriod)
            sp_ptr = edoc.ptr("task_definitions", svc.taskDefinition, "containerDefinitions", k - 1, "healthCheck", "startPeriod")
          end
        end
        local needed = slowest or ((start_period and start_period > grace) and start_period) or nil
        if early > 0 and needed then
          local t = ev.tasks[first_ti]
          evidence[#evidence + 1] = { pointer = edoc.ptr("tasks", first_ti - 1, "stoppedReason"), note = "stopped reason" }
          evidence[#evidence + 1] = { pointer = edoc.ptr("tasks", first_ti - 1, t.stoppingAt and "stoppingAt" or "stoppedAt"),
                                      note = string.format("%ds after startedAt", math.floor((t.stoppingAt or t.stoppedAt) - t.startedAt)) }
          if ready_ptr then
            evidence[#evidence + 1] = { pointer = ready_ptr, note = string.format("app ready %ds after startedAt", math.floor(slowest)) }
          elseif sp_ptr then
            evidence[#evidence + 1] = { pointer = sp_ptr, note = "container health check startPeriod" }
          end
          if svc.healthCheckGracePeriodSeconds then
            evidence[#evidence + 1] = { pointer = edoc.ptr("services", si - 1, "healthCheckGracePeriodSeconds"), note = "grace period" }
          end
          local tgp = edoc.ptr("elb", "target_groups", binding.targetGroupArn)
          evidence[#evidence + 1] = { pointer = tgp .. "/HealthCheckIntervalSeconds", note = "interval" }
          evidence[#evidence + 1] = { pointer = tgp .. "/UnhealthyThresholdCount", note = "unhealthy threshold" }
          local suggest = ceil_to(needed * 1.25 + interval * healthy, 30)
          local expl = string.format("%d task(s) of %s were stopped for failing ELB health checks %s after they started. "
            .. "The service ignores ELB health for only %ds (healthCheckGracePeriodSeconds), and %s marks a target unhealthy after "
            .. "%d failed checks %ds apart. The application needs about %ds to start (%s), so it is killed while still starting "
            .. "and the replacement dies the same way. A grace period of about %ds covers startup plus %d healthy checks.",
            early, svc.serviceName or "?", "within " .. math.floor(allowed) .. "s", grace, tg.TargetGroupName or "the target group",
            unhealthy, interval, math.floor(needed),
            ready_ptr and "its log says it is ready then" or "its container health check startPeriod says so",
            suggest, healthy)
          -- Still worth fixing when resolved (the next deployment will hit it
          -- again), but it is not an outage any more.
          local done = resolved(svc, num(t.stoppedAt))
          edoc.finding {
            title = string.format("%s: health-check grace period %ds is shorter than the app's ~%ds startup", svc.serviceName or "?",
              grace, math.floor(needed)),
            severity = done and "low" or nil,
            confidence = ready_ptr and 0.85 or 0.65,
            explanation = expl,
            evidence = evidence,
            resources = { svc.serviceName, tg.TargetGroupName },
            count = early,
            key = svc.serviceName,
            when = t.stoppedAt,
            subject = svc.serviceName,
            explains = { "elb_health_check_failed", "deployment_circuit_breaker", "deployment_stuck" },
            remediation = {
              { description = string.format("Raise the grace period to %ds", suggest),
                command = with_region("aws ecs update-service --cluster {cluster} --service {service} --health-check-grace-period-seconds {seconds}"),
                args = { cluster = edoc.cluster() or "default", service = svc.serviceName or "?", seconds = string.format("%d", suggest) },
                docs = DOCS_GRACE },
              { description = "Or tolerate a slower start at the target group (more failures before unhealthy)",
                command = with_region("aws elbv2 modify-target-group --target-group-arn {tg} --unhealthy-threshold-count {count}"),
                args = { tg = binding.targetGroupArn, count = string.format("%d", math.min(10, math.max(unhealthy, math.ceil(needed / interval) + 1))) },
                docs = DOCS_LB },
            },
          }
        end
      end
    end
  end,
}
