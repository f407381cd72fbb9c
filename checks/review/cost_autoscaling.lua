-- cost.autoscaling: the desired count of a service moves a lot, but no scalable target is
-- registered for it, so people (or scripts) scale it by hand: capacity lags demand and is left
-- high afterwards. Evidence of wide changes, over the collection window:
--   * desired counts seen in deployments[] and in CloudTrail UpdateService calls (`changes`);
--   * "has started N tasks" events where N exceeds the current desired count.
-- Fires when the largest count is at least twice the smallest and at least 2 tasks apart.


local cluster_of = edoc.cluster_of

-- desiredCount from a CloudTrail event in any of the shapes a collector may keep.
local function trail_desired(c)
  local rp = c.requestParameters or (c.CloudTrailEvent and type(c.CloudTrailEvent) ~= "string" and c.CloudTrailEvent.requestParameters)
  if rp then return rp.desiredCount, rp.service end
  if type(c.CloudTrailEvent) == "string" then
    return tonumber(c.CloudTrailEvent:match('"desiredCount"%s*:%s*(%d+)')), c.CloudTrailEvent:match('"service"%s*:%s*"([^"]+)"')
  end
  return nil
end

return {
  id       = "cost.autoscaling",
  category = "best_practice",
  kind     = "recommendation",
  severity = "low",
  summary  = "No service auto scaling although the desired count changes widely",
    -- Only the sources without which nothing can be said: a recommendation check left "incomplete"
  -- by an optional source would turn a healthy verdict into "inconclusive". Optional sections
  -- are checked in run() and an absent one is treated as unknown (no finding).
  needs    = { "ecs.services" },

  run = function(ev)
    if not (ev.scaling and ev.scaling.scalable_targets and edoc.source_ok("scaling")) then return end
    for si, svc in ipairs(ev.services or {}) do
      local cl = cluster_of(svc)
      local rid = "service/" .. cl .. "/" .. tostring(svc.serviceName)
      local registered = false
      for _, t in ipairs(ev.scaling.scalable_targets) do
        if t.ResourceId == rid and (t.ScalableDimension == nil or t.ScalableDimension == "ecs:service:DesiredCount") then registered = true end
      end
      if not registered and svc.schedulingStrategy ~= "DAEMON" then
        local lo, hi, ptrs, manual = svc.desiredCount, svc.desiredCount, {}, 0
        local function seen(n, ptr)
          if not n then return end
          if lo == nil or n < lo then lo = n end
          if hi == nil or n > hi then hi = n end
          ptrs[#ptrs + 1] = ptr
        end
        for di, d in ipairs(svc.deployments or {}) do
          if d.desiredCount and d.desiredCount ~= svc.desiredCount then
            seen(d.desiredCount, edoc.ptr("services", si - 1, "deployments", di - 1, "desiredCount"))
          end
        end
        for ci, c in ipairs(ev.changes or {}) do
          if c.EventName == "UpdateService" or c.eventName == "UpdateService" then
            local n, target = trail_desired(c)
            if n and (target == nil or target == svc.serviceName or edoc.basename(target) == svc.serviceName) then
              manual = manual + 1
              seen(n, { pointer = edoc.ptr("changes", ci - 1), note = "UpdateService desiredCount=" .. n })
            end
          end
        end
        for ei, e in ipairs(svc.events or {}) do
          local n = tonumber(edoc.norm(e.message):match("has started (%d+) tasks"))
          if n and svc.desiredCount and n > svc.desiredCount then
            seen(n, edoc.ptr("services", si - 1, "events", ei - 1, "message"))
          end
        end
        if lo and hi and #ptrs > 0 and hi >= 2 * math.max(lo, 1) and hi - lo >= 2 then
          table.insert(ptrs, 1, { pointer = edoc.ptr("scaling", "scalable_targets"), note = "no scalable target for " .. rid })
          local minc, maxc = math.max(1, lo), math.max(hi, 2)
          edoc.finding {
            kind        = "recommendation",
            rule        = "cost.autoscaling",
            confidence  = manual > 0 and 0.7 or 0.5,
            title       = string.format("%s: desired count moved between %d and %d without service auto scaling%s",
                            svc.serviceName, lo, hi, manual > 0 and (" (" .. manual .. " manual UpdateService call(s))") or ""),
            explanation = "Scaling by hand lags the load and is rarely undone, so the service pays for peak capacity at quiet times; a target-tracking policy adds and removes tasks with the load.",
            evidence    = ptrs,
            resources   = { svc.serviceName },
            subject     = svc.serviceName,
            key         = svc.serviceArn or svc.serviceName,
            remediation = {
              { description = string.format("Register the service as a scalable target between %d and %d tasks", minc, maxc),
                command = edoc.with_region("aws application-autoscaling register-scalable-target --service-namespace ecs --resource-id {rid} --scalable-dimension ecs:service:DesiredCount --min-capacity {min} --max-capacity {max}"),
                args = { rid = rid, min = minc, max = maxc },
                docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-auto-scaling.html" },
              { description = "Track 60 % average CPU",
                command = edoc.with_region([[aws application-autoscaling put-scaling-policy --service-namespace ecs --resource-id {rid} --scalable-dimension ecs:service:DesiredCount --policy-name {policy} --policy-type TargetTrackingScaling --target-tracking-scaling-policy-configuration '{"TargetValue":60.0,"PredefinedMetricSpecification":{"PredefinedMetricType":"ECSServiceAverageCPUUtilization"}}']]),
                args = { rid = rid, policy = svc.serviceName .. "-cpu60" },
                docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-autoscaling-targettracking.html" },
            },
          }
        end
      end
    end
  end,
}
