-- deployment.circuit_breaker: a deployment was failed (and maybe rolled back) by
-- the ECS deployment circuit breaker. This is a symptom: the root cause is why
-- the tasks failed, which other checks find and link here through `explains`.
-- Reported on its own it still names the deployment, its failedTasks count and
-- rolloutStateReason so the on-call knows which rollout broke.
-- Evidence may be partial or odd-typed (a buggy collector, a hand-edited
-- bundle): read it through these so a bad field is "unknown", not an error.
local list, str, num = edoc.list, edoc.str, edoc.num
local DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html"
local DOCS_STOPPED = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html"

local with_region = edoc.with_region

-- Index of the newest steady-state event (events are newest first), or nil.
local function steady_index(svc)
  for i, e in ipairs(list(svc.events)) do
    if edoc.norm(str(e.message)):find("has reached a steady state", 1, true) then return i end
  end
  return nil
end

-- After a rollback the service points at the old revision again; the family's
-- newest registered revision, when different, is most likely the one that failed.
local function newest_other(ev, svc)
  local td = ev.task_definitions and ev.task_definitions[svc.taskDefinition]
  local hist = td and ev.task_definition_history and ev.task_definition_history[td.family]
  if hist and hist[1] and hist[1] ~= svc.taskDefinition then return hist[1] end
  return nil
end

return {
  id = "deployment.circuit_breaker",
  category = "deployment_circuit_breaker",
  severity = "medium",
  summary = "The deployment circuit breaker failed a deployment (symptom of why tasks failed)",
  needs = { "ecs.services" },
  uses = { "ecs.task_definitions" },

  run = function(ev)
    for si, svc in ipairs(list(ev.services)) do
      local cl = edoc.cluster() or "default"
      local sv = svc.serviceName or "?"
      local reported = {}
      local steady = steady_index(svc)
      -- Events: failed deployment ids and the rollback target.
      local failed_ev, rollback_to = {}, nil
      for i, e in ipairs(list(svc.events)) do
        local m = edoc.norm(e.message)
        if m:find("deployment failed", 1, true) or m:find("failed circuit breaker", 1, true) then
          local id = m:match("%(deployment (ecs%-svc/%w+)%)") or m:match("deployment (ecs%-svc/%w+)")
          failed_ev[#failed_ev + 1] = { i = i, e = e, id = id, resolved = steady ~= nil and steady < i }
        elseif m:find("rolling back to deployment", 1, true) and not rollback_to then
          rollback_to = { i = i, id = m:match("rolling back to deployment (ecs%-svc/%w+)") }
        end
      end
      local function remediation(td)
        local tdn = edoc.basename(td)
        return {
          { description = "Read why the deployment's tasks stopped (stoppedReason, exit codes)",
            command = with_region("aws ecs list-tasks --cluster {cluster} --service-name {service} --desired-status STOPPED"),
            args = { cluster = cl, service = sv },
            docs = DOCS_STOPPED },
          { description = "See the deployment's state, failedTasks and rolloutStateReason",
            command = with_region("aws ecs describe-services --cluster {cluster} --services {service} --query 'services[0].deployments[].{id:id,status:status,td:taskDefinition,rollout:rolloutState,reason:rolloutStateReason,failed:failedTasks}'"),
            args = { cluster = cl, service = sv },
            docs = DOCS },
          { description = "After fixing the cause, deploy again" .. (tdn and (" (" .. tdn .. " or a fixed revision)") or ""),
            command = with_region("aws ecs update-service --cluster {cluster} --service {service} --task-definition {td} --force-new-deployment"),
            args = { cluster = cl, service = sv, td = tdn or "<family:revision>" },
            docs = DOCS },
        }
      end
      -- Deployment objects that the breaker failed.
      for di, d in ipairs(list(svc.deployments)) do
        if d.rolloutState == "FAILED" then
          reported[d.id or "?"] = true
          local evidence = {
            { pointer = edoc.ptr("services", si - 1, "deployments", di - 1, "rolloutStateReason"), note = "rolloutStateReason" },
            { pointer = edoc.ptr("services", si - 1, "deployments", di - 1, "failedTasks"), note = "failedTasks" },
          }
          for _, f in ipairs(failed_ev) do
            if f.id == d.id then
              evidence[#evidence + 1] = { pointer = edoc.ptr("services", si - 1, "events", f.i - 1, "message"), note = "service event" }
            end
          end
          if rollback_to then
            evidence[#evidence + 1] = { pointer = edoc.ptr("services", si - 1, "events", rollback_to.i - 1, "message"), note = "rollback" }
          end
          edoc.finding {
            title = string.format("%s: deployment %s (%s) failed — %s", svc.serviceName or "?", d.id or "?",
              edoc.basename(d.taskDefinition) or "?", d.rolloutStateReason or "circuit breaker"),
            severity = "medium",
            confidence = 0.9,
            explanation = string.format("The deployment circuit breaker failed deployment %s of %s after %d failed task(s)%s. "
              .. "This is what the deployment looked like from outside; the reason the tasks failed is the root cause.",
              d.id or "?", edoc.basename(d.taskDefinition) or "?", num(d.failedTasks) or 0,
              rollback_to and rollback_to.id and (" and ECS is rolling back to " .. rollback_to.id) or ""),
            evidence = evidence,
            resources = { svc.serviceName, d.id, edoc.basename(d.taskDefinition) },
            count = 1,
            key = (svc.serviceName or "?") .. "/" .. (d.id or "?"),
            when = d.updatedAt,
            subject = svc.serviceName,
            remediation = remediation(d.taskDefinition),
          }
        end
      end
      -- Failures only visible in events (the deployment object is gone after a rollback).
      for _, f in ipairs(failed_ev) do
        if not reported[f.id or "?"] then
          reported[f.id or "?"] = true
          local evidence = { { pointer = edoc.ptr("services", si - 1, "events", f.i - 1, "message"), note = "service event" } }
          if rollback_to then
            evidence[#evidence + 1] = { pointer = edoc.ptr("services", si - 1, "events", rollback_to.i - 1, "message"), note = "rollback" }
          end
          edoc.finding {
            title = string.format("%s: deployment %s failed: tasks failed to start%s", svc.serviceName or "?", f.id or "?",
              f.resolved and " (service has since reached a steady state)" or ""),
            severity = f.resolved and "low" or "medium",
            confidence = 0.85,
            explanation = string.format("The circuit breaker failed deployment %s%s.%s", f.id or "?",
              rollback_to and rollback_to.id and (" and rolled the service back to " .. rollback_to.id) or "",
              f.resolved and " The service reached a steady state afterwards, on the previous task definition." or ""),
            evidence = evidence,
            resources = { svc.serviceName, f.id },
            key = (svc.serviceName or "?") .. "/" .. (f.id or "?"),
            when = f.e.createdAt,
            subject = svc.serviceName,
            remediation = remediation(newest_other(ev, svc) or svc.taskDefinition),
          }
        end
      end
    end
  end,
}
