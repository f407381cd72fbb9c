-- reliability.memory_trend: a service's memory utilisation (CloudWatch, evidence.metrics) is at or
-- rising toward its limit while no task has been OOM-killed yet. ECS kills a container the moment it
-- reaches its hard limit (exit 137, OutOfMemoryError), so a steady climb is an early warning: act
-- before the stops start. Once OOM stops exist, the container_oom diagnosis owns the story (the
-- engine cites the same series as its evidence), so this check stays quiet.

local HORIZON_H = 2      -- warn when the trend reaches 100 % within this many hours
local MIN_POINTS = 5     -- fewer points make no trend

local function oom_stops(ev)
  for _ in edoc.tasks_matching("outofmemory") do return true end
  return false
end

local function hhmm(t)
  return t and os.date("!%H:%M", math.floor(t)) or "?"
end

return {
  id       = "reliability.memory_trend",
  category = "best_practice",
  kind     = "recommendation",
  severity = "medium",
  summary  = "Memory utilisation is rising toward the limit before any OOM kill",
  -- Not `needs = { "metrics" }`: without CloudWatch data there is nothing to
  -- warn about, and an early warning must never make a verdict inconclusive.
  needs    = {},
  uses     = { "metrics", "ecs.tasks" },

  run = function(ev)
    if not ev.metrics or oom_stops(ev) then return end
    for i, s in edoc.ipairs(ev.metrics.series) do
      local pts = s.points or 0
      if s.metric == "MemoryUtilization" and pts >= MIN_POINTS and s.last then
        local slope = s.slope_per_hour or 0
        local hours_left = (slope > 0) and (100 - s.last) / slope or nil
        local at_limit = s.first_above ~= nil and s.last >= (s.threshold or 90)
        if at_limit or (hours_left and hours_left <= HORIZON_H and slope >= 5) then
          local svc = s.service or edoc.basename(s.dimensions and s.dimensions.ServiceName) or "the service"
          local eta = hours_left and hours_left > 0 and string.format("; at %+.0f %%/h it reaches 100 %% in about %d min",
            slope, math.floor(hours_left * 60 + 0.5)) or ""
          local cluster = (s.dimensions and s.dimensions.ClusterName) or edoc.cluster() or "default"
          edoc.finding {
            title = string.format("%s: memory at %g %% (%s) and rising%s, no OOM kill yet", svc, s.last,
              s.stat or "Maximum", eta),
            kind = "recommendation",
            rule = "reliability.memory_trend",
            subject = s.service,
            confidence = at_limit and 0.8 or 0.6,
            key = svc,
            when = s.last_time,
            explanation = string.format("CloudWatch %s/MemoryUtilization of %s went from %g %% at %s to %g %% at %s "
              .. "(peak %g %%, trend %+.1f %%/h). ECS OOM-kills a container as soon as it reaches its hard memory "
              .. "limit (exit 137, OutOfMemoryError): give the task more memory or find the leak before the "
              .. "stops begin.", s.namespace or "AWS/ECS", svc, s.first or 0, hhmm(s.first_time), s.last,
              hhmm(s.last_time), s.peak or s.last, slope),
            evidence = {
              { pointer = edoc.ptr("metrics", "series", i - 1, "last"), note = "memory utilisation now" },
              { pointer = edoc.ptr("metrics", "series", i - 1, "slope_per_hour"), note = "trend per hour" },
            },
            resources = { svc },
            remediation = {
              { description = "Watch the climb per task (Container Insights) or per service",
                command = edoc.with_region("aws cloudwatch get-metric-statistics --namespace AWS/ECS --metric-name MemoryUtilization --dimensions Name=ClusterName,Value={cluster} Name=ServiceName,Value={service} --statistics Maximum --period 60 --start-time $(date -u -d '-3 hours' +%FT%TZ) --end-time $(date -u +%FT%TZ)"),
                args = { cluster = cluster, service = svc },
                docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cloudwatch-metrics.html" },
              { description = "Buy time while the leak is found: replace the tasks (memory starts low again), then raise the task definition's memory",
                command = edoc.with_region("aws ecs update-service --cluster {cluster} --service {service} --force-new-deployment"),
                args = { cluster = cluster, service = svc },
                docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_memory" },
            },
          }
        end
      end
    end
  end,
}
