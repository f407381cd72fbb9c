-- cost.fargate_spot: advice only. A Fargate service with three or more tasks that uses no
-- FARGATE_SPOT capacity. Heuristic for "tolerates interruption": a replica service (not daemon)
-- of at least 3 desired tasks, rolling-update controller, Linux; losing one task to a two-minute
-- Spot reclaim then costs at most a third of capacity. Keeping a FARGATE base protects the floor.

local MIN_TASKS = 3


-- Counts may arrive as strings or be missing in hand-edited or partial
-- bundles: read them as whole numbers, never compare a string.
local function count(v)
  local n = tonumber(v)
  return n and math.floor(n) or nil
end

local cluster_of = edoc.cluster_of

return {
  id       = "cost.fargate_spot",
  category = "best_practice",
  kind     = "recommendation",
  severity = "info",
  summary  = "Fargate Spot not used by a service that tolerates interruption",
  needs    = { "ecs.services" },

  run = function(ev)
    for si, svc in ipairs(ev.services or {}) do
      local fargate, spot = svc.launchType == "FARGATE", false
      local strategy = svc.capacityProviderStrategy
      if strategy and #strategy > 0 then
        for _, item in ipairs(strategy) do
          if item.capacityProvider == "FARGATE" then fargate = true end
          if item.capacityProvider == "FARGATE_SPOT" and (count(item.weight) or 0) + (count(item.base) or 0) > 0 then spot = true end
        end
      elseif svc.launchType == nil and ev.cluster then
        -- No launch type and no strategy: the cluster's default strategy applies.
        for _, item in ipairs(ev.cluster.defaultCapacityProviderStrategy or {}) do
          if item.capacityProvider == "FARGATE" then fargate = true end
          if item.capacityProvider == "FARGATE_SPOT" then spot = true end
        end
      end
      local ctl = svc.deploymentController and svc.deploymentController.type or "ECS"
      local windows = type(svc.platformFamily) == "string" and svc.platformFamily:upper():find("WINDOWS", 1, true)
      local d = count(svc.desiredCount) or 0
      if fargate and not spot and not windows and ctl == "ECS" and svc.schedulingStrategy ~= "DAEMON" and d >= MIN_TASKS and svc.serviceName then
        local cl = cluster_of(svc)
        local rem = {}
        local has_spot = false
        for _, cp in ipairs(ev.cluster and ev.cluster.capacityProviders or {}) do
          if cp == "FARGATE_SPOT" then has_spot = true end
        end
        if ev.cluster and not has_spot then
          local cps = {}
          for _, cp in ipairs(ev.cluster.capacityProviders or {}) do cps[#cps + 1] = cp end
          local have_fargate = false
          for _, cp in ipairs(cps) do if cp == "FARGATE" then have_fargate = true end end
          if not have_fargate then cps[#cps + 1] = "FARGATE" end
          cps[#cps + 1] = "FARGATE_SPOT"
          rem[#rem + 1] = { description = "Associate the Fargate capacity providers with the cluster (keeps the existing ones)",
                            command = edoc.with_region("aws ecs put-cluster-capacity-providers --cluster {cluster} --capacity-providers {providers} --default-capacity-provider-strategy capacityProvider=FARGATE,weight=1"),
                            args = { cluster = cl, providers = cps },
                            docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html" }
        end
        local base = math.max(1, math.ceil(d / 3))
        rem[#rem + 1] = { description = string.format("Keep %d task(s) on regular Fargate and spread the rest over Fargate and Fargate Spot (starts a new deployment)", base),
                          command = edoc.with_region("aws ecs update-service --cluster {cluster} --service {service} --capacity-provider-strategy capacityProvider=FARGATE,base={base},weight=1 capacityProvider=FARGATE_SPOT,weight=1 --force-new-deployment"),
                          args = { cluster = cl, service = svc.serviceName, base = base },
                          docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html" }
        local ptrs = { edoc.ptr("services", si - 1, "desiredCount") }
        if svc.launchType then ptrs[#ptrs + 1] = edoc.ptr("services", si - 1, "launchType") end
        edoc.finding {
          kind        = "recommendation",
          rule        = "cost.fargate_spot",
          confidence  = 0.5,
          title       = string.format("%s runs %d Fargate tasks without Fargate Spot", svc.serviceName, d),
          explanation = "Fargate Spot runs the same tasks at a steep discount, with a two-minute warning before a reclaim. A service of several interchangeable tasks can put part of its capacity there while a FARGATE base keeps its floor. Skip this if the tasks hold state or cannot stop cleanly on SIGTERM.",
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
