-- host.spot_interruption: Fargate Spot reclaimed the tasks ("Your Spot Task was
-- interrupted.", stopCode SpotInterruption). Expected now and then on Spot; it
-- matters when the service runs only on Spot and sits below its desired count.
-- Evidence may be partial or odd-typed (a buggy collector, a hand-edited
-- bundle): read it through these so a bad field is "unknown", not an error.
local list, str, num = edoc.list, edoc.str, edoc.num
local DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html"

local with_region = edoc.with_region

local function spot_task(t)
  if t.stopCode == "SpotInterruption" then return true end
  local r = edoc.norm(t.stoppedReason)
  return r:find("your spot task was interrupted", 1, true) or r:find("spotinterruptionerror", 1, true)
end

return {
  id = "host.spot_interruption",
  category = "spot_interruption",
  severity = "medium",
  summary = "Fargate Spot capacity was reclaimed and the tasks were stopped",
  needs = { "ecs.tasks" },
  uses = { "ecs.services" },

  run = function(ev)
    for si, svc in ipairs(list(ev.services)) do
      local group = "service:" .. (svc.serviceName or "")
      local n, first, latest, ids = 0, nil, nil, {}
      -- A superset of spot_task's tasks, from the host's index.
      for ti, t in edoc.tasks_matching({ "spotinterruption", "your spot task was interrupted" },
          { "stopCode", "stoppedReason" }) do
        if t.group == group and spot_task(t) then
          n = n + 1
          first = first or ti
          ids[#ids + 1] = edoc.task_id(t.taskArn)
          if not latest or (num(t.stoppedAt) or 0) > latest then latest = num(t.stoppedAt) end
        end
      end
      if n > 0 then
        local base, spot_only = 0, true
        for _, s in ipairs(list(svc.capacityProviderStrategy)) do
          if s.capacityProvider == "FARGATE" and (s.weight or 0) + (s.base or 0) > 0 then spot_only = false end
          if s.capacityProvider == "FARGATE" then base = base + (s.base or 0) end
        end
        if not svc.capacityProviderStrategy or #svc.capacityProviderStrategy == 0 then spot_only = false end
        local short = (num(svc.runningCount) or 0) < (num(svc.desiredCount) or 0)
        local sev = (spot_only and short) and "high" or (short and "medium" or "low")
        local evidence = { { pointer = edoc.ptr("tasks", first - 1, "stoppedReason"), note = n .. " task(s) interrupted" } }
        if svc.capacityProviderStrategy then
          evidence[#evidence + 1] = { pointer = edoc.ptr("services", si - 1, "capacityProviderStrategy"), note = "capacity provider strategy" }
        end
        evidence[#evidence + 1] = { pointer = edoc.ptr("services", si - 1, "runningCount"),
                                    note = string.format("running of %d desired", num(svc.desiredCount) or 0) }
        local cl = edoc.cluster() or "default"
        local sv = svc.serviceName or "?"
        edoc.finding {
          title = string.format("%s: %d task(s) lost to Fargate Spot interruptions%s", svc.serviceName or "?", n,
            short and string.format(" (%d of %d running)", num(svc.runningCount) or 0, num(svc.desiredCount) or 0) or ""),
          severity = sev,
          confidence = 0.95,
          explanation = string.format("AWS reclaimed Fargate Spot capacity and stopped %d task(s) of %s with a two-minute warning (SIGTERM). %s%s",
            n, svc.serviceName or "?",
            spot_only and "The service runs only on FARGATE_SPOT, so a Spot shortage can take it below its desired count. " or "",
            short and "It is currently below its desired count." or "The scheduler replaced them."),
          evidence = evidence,
          resources = { svc.serviceName, ids[1] },
          count = n,
          key = svc.serviceName,
          when = latest,
          subject = svc.serviceName,
          remediation = {
            { description = "Keep an on-demand FARGATE base under the Spot share",
              command = with_region("aws ecs update-service --cluster {cluster} --service {service} --capacity-provider-strategy capacityProvider=FARGATE,base={base},weight=1 capacityProvider=FARGATE_SPOT,weight=3 --force-new-deployment"),
              args = { cluster = cl, service = sv, base = string.format("%d", math.max(1, math.ceil((num(svc.desiredCount) or 2) / 2))) },
              docs = DOCS },
            { description = "Make sure the app stops cleanly on SIGTERM within stopTimeout (Spot gives two minutes)",
              command = with_region("aws ecs describe-tasks --cluster {cluster} --tasks {task} --query 'tasks[].{reason:stoppedReason,code:stopCode,stopped:stoppedAt}'"),
              args = { cluster = cl, task = ids[1] },
              docs = DOCS },
          },
        }
      end
    end
  end,
}
