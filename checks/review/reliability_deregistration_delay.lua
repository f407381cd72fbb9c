-- reliability.deregistration_delay: the target group keeps the 300 s default deregistration delay
-- while the service's tasks start in two minutes or less ("fast-deploying"): every rolling
-- deployment then waits five minutes per batch for draining, longer than starting the new tasks.

local FAST_START_S = 120

return {
  id       = "reliability.deregistration_delay",
  category = "best_practice",
  kind     = "recommendation",
  severity = "info",
  summary  = "Deregistration delay at the 300 s default on a fast-deploying service",
    -- Only the sources without which nothing can be said: a recommendation check left "incomplete"
  -- by an optional source would turn a healthy verdict into "inconclusive". Optional sections
  -- are checked in run() and an absent one is treated as unknown (no finding).
  needs    = { "ecs.services" },

  run = function(ev)
    local tgs = ev.elb and ev.elb.target_groups
    if not tgs then return end
    for _, svc in ipairs(ev.services or {}) do
      -- Start-up time of this service's tasks: createdAt -> startedAt (RUNNING ones with both).
      local slowest, n, tptr = 0, 0, nil
      for ti, t in edoc.tasks_with("group", "service:" .. tostring(svc.serviceName)) do
        if t.group == "service:" .. tostring(svc.serviceName) and t.createdAt and t.startedAt then
          n = n + 1
          local d = t.startedAt - t.createdAt
          if d >= slowest then slowest = d; tptr = edoc.ptr("tasks", ti - 1, "startedAt") end
        end
      end
      if n > 0 and slowest <= FAST_START_S then
        for _, lb in ipairs(svc.loadBalancers or {}) do
          local arn = lb.targetGroupArn
          local tg = arn and tgs[arn]
          local delay = tg and tg.Attributes and tg.Attributes["deregistration_delay.timeout_seconds"]
          if delay ~= nil and tonumber(delay) == 300 then
            edoc.finding {
              kind        = "recommendation",
              rule        = "reliability.deregistration_delay",
              confidence  = 0.6,
              title       = string.format("%s: target group %s drains for 300 s while tasks start in %d s",
                              svc.serviceName, tg.TargetGroupName or edoc.basename(arn), math.floor(slowest)),
              explanation = "Each task replaced in a rolling deployment stays DRAINING for the full deregistration delay; for requests that finish in seconds, 300 s only slows deployments and scale-in. Keep it above your longest request.",
              evidence    = { edoc.ptr("elb", "target_groups", arn, "Attributes", "deregistration_delay.timeout_seconds"),
                              { pointer = tptr, note = "slowest task start in the bundle" } },
              resources   = { arn },
              subject     = svc.serviceName,
              key         = arn,
              remediation = {
                { description = "Shorten the delay to a little more than your longest request (30 s here as an example)",
                  command = edoc.with_region("aws elbv2 modify-target-group-attributes --target-group-arn {tg} --attributes Key=deregistration_delay.timeout_seconds,Value=30"),
                  args = { tg = arn },
                  docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-connection-draining.html" },
              },
            }
          end
        end
      end
    end
  end,
}
