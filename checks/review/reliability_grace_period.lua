-- reliability.grace_period: a load-balanced service has no health-check grace period although its
-- tasks start slowly. Evidence of a slow start: a container healthCheck.startPeriod of 30 s or
-- more (the team says so itself), or service events where tasks failed ELB health checks.


local cluster_of = edoc.cluster_of

return {
  id       = "reliability.grace_period",
  category = "best_practice",
  kind     = "recommendation",
  severity = "low",
  summary  = "No load-balancer health-check grace period for a slow-starting service",
  needs    = { "ecs.services" },

  run = function(ev)
    for si, svc in ipairs(ev.services or {}) do
      local grace = svc.healthCheckGracePeriodSeconds or 0
      if svc.loadBalancers and #svc.loadBalancers > 0 and grace == 0 then
        local ptrs, why, start, conf = {}, {}, 0, 0
        ptrs[1] = svc.healthCheckGracePeriodSeconds ~= nil and edoc.ptr("services", si - 1, "healthCheckGracePeriodSeconds")
                  or { pointer = edoc.ptr("services", si - 1, "serviceName"), note = "no healthCheckGracePeriodSeconds" }
        local td_arn = svc.taskDefinition
        local td = td_arn and ev.task_definitions and ev.task_definitions[td_arn]
        for ci, c in ipairs(td and td.containerDefinitions or {}) do
          local sp = c.healthCheck and c.healthCheck.startPeriod
          if sp and sp >= 30 then
            start = math.max(start, sp)
            ptrs[#ptrs + 1] = edoc.ptr("task_definitions", td_arn, "containerDefinitions", ci - 1, "healthCheck", "startPeriod")
            why[#why + 1] = "container " .. tostring(c.name) .. " declares a " .. tostring(sp) .. " s start period"
            conf = math.max(conf, 0.6)
          end
        end
        local failed = 0
        for ei, e in ipairs(svc.events or {}) do
          if edoc.match(e.message, { "failed elb health checks" }) then
            failed = failed + 1
            if failed <= 3 then ptrs[#ptrs + 1] = edoc.ptr("services", si - 1, "events", ei - 1, "message") end
          end
        end
        if failed > 0 then
          why[#why + 1] = tostring(failed) .. " task(s) failed ELB health checks"
          conf = math.max(conf, 0.75)
        end
        if #why > 0 then
          -- The load balancer needs interval x healthy threshold to call a new target healthy.
          local need = 0
          for _, lb in ipairs(svc.loadBalancers) do
            local tg = lb.targetGroupArn and ev.elb and ev.elb.target_groups and ev.elb.target_groups[lb.targetGroupArn]
            if tg then
              local n = (tonumber(tg.HealthCheckIntervalSeconds) or 30) * (tonumber(tg.HealthyThresholdCount) or 5)
              need = math.max(need, n)
            end
          end
          local suggest = math.max(60, start + need)
          suggest = math.ceil(suggest / 30) * 30
          edoc.finding {
            kind        = "recommendation",
            rule        = "reliability.grace_period",
            confidence  = conf,
            title       = svc.serviceName .. ": no health-check grace period although start-up is slow (" .. table.concat(why, "; ") .. ")",
            explanation = "Without a grace period ECS acts on load-balancer health checks as soon as a task starts, so a task that needs time to warm up is killed and replaced before it ever becomes healthy.",
            evidence    = ptrs,
            resources   = { svc.serviceName },
            subject     = svc.serviceName,
            key         = svc.serviceArn or svc.serviceName,
            remediation = {
              { description = "Give new tasks time to start before health checks count (start period + the target group's interval x healthy threshold)",
                command = edoc.with_region("aws ecs update-service --cluster {cluster} --service {service} --health-check-grace-period-seconds {seconds}"),
                args = { cluster = cluster_of(svc), service = svc.serviceName, seconds = suggest },
                docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-healthcheck.html" },
            },
          }
        end
      end
    end
  end,
}
