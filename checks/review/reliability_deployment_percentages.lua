-- reliability.deployment_percentages: minimumHealthyPercent / maximumPercent that leave a rolling
-- deployment no room: ECS may neither stop an old task (minimum rounds *up*) nor start a new one
-- (maximum rounds *down*), so the deployment never progresses. Also flags a 0 % minimum on a
-- load-balanced service (every deployment may stop all tasks at once).


-- Counts and percentages may arrive as strings or be missing in hand-edited
-- or partial bundles: read them as whole numbers, never compare a string.
local function count(v)
  local n = tonumber(v)
  return n and math.floor(n) or nil
end

local cluster_of = edoc.cluster_of

return {
  id       = "reliability.deployment_percentages",
  category = "best_practice",
  kind     = "recommendation",
  severity = "low",
  summary  = "Deployment percentages that block or take down rolling deployments",
  needs    = { "ecs.services" },

  run = function(ev)
    for si, svc in ipairs(ev.services or {}) do
      local dc = svc.deploymentConfiguration
      local ctl = svc.deploymentController and svc.deploymentController.type or "ECS"
      local d = count(svc.desiredCount) or 0
      if type(dc) == "table" and svc.serviceName and ctl == "ECS" and svc.schedulingStrategy ~= "DAEMON" and d > 0 then
        local minp = count(dc.minimumHealthyPercent) or 100
        local maxp = count(dc.maximumPercent) or 200
        local min_tasks = math.ceil(d * minp / 100)
        local max_tasks = math.floor(d * maxp / 100)
        local title, why, sev
        if min_tasks >= d and max_tasks <= d then
          title = string.format("%s: deployments cannot progress (minimum %d%%, maximum %d%% of %d task%s)",
                    svc.serviceName, minp, maxp, d, d == 1 and "" or "s")
          why = string.format("ECS must keep at least %d task(s) running and may run at most %d, with %d desired: it can neither stop an old task nor start a new one, so every deployment stalls.",
                  min_tasks, max_tasks, d)
          sev = "medium"
        elseif minp == 0 and d > 1 and type(svc.loadBalancers) == "table" and #svc.loadBalancers > 0 then
          title = string.format("%s: minimumHealthyPercent 0 lets a deployment stop every task at once", svc.serviceName)
          why = "With a 0 % minimum ECS may stop all running tasks before the new ones are healthy, an outage on every deployment of a load-balanced service."
          sev = "low"
        end
        if title then
          local newmax, newmin = math.max(maxp, 200), 100
          local ptrs = { edoc.ptr("services", si - 1, "desiredCount") }
          for _, k in ipairs({ "minimumHealthyPercent", "maximumPercent" }) do
            if dc[k] ~= nil then ptrs[#ptrs + 1] = edoc.ptr("services", si - 1, "deploymentConfiguration", k) end
          end
          local cb = dc.deploymentCircuitBreaker
          local cbs = type(cb) == "table" and string.format("deploymentCircuitBreaker={enable=%s,rollback=%s},",
                                           tostring(cb.enable == true), tostring(cb.rollback == true)) or ""
          edoc.finding {
            kind        = "recommendation",
            rule        = "reliability.deployment_percentages",
            severity    = sev,
            confidence  = 0.9,
            title       = title,
            explanation = why,
            evidence    = ptrs,
            resources   = { svc.serviceName },
            subject     = svc.serviceName,
            key         = svc.serviceArn or svc.serviceName,
            remediation = {
              { description = "Let ECS start new tasks before stopping old ones (needs capacity for the extra tasks during a deployment)",
                command = edoc.with_region("aws ecs update-service --cluster {cluster} --service {service} --deployment-configuration {config}"),
                args = { cluster = cluster_of(svc), service = svc.serviceName,
                         config = cbs .. "maximumPercent=" .. newmax .. ",minimumHealthyPercent=" .. newmin },
                docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html" },
            },
          }
        end
      end
    end
  end,
}
