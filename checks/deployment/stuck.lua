-- deployment.stuck: the newest deployment has been IN_PROGRESS for a long time
-- without reaching its desired count. Usually a symptom (linked under whatever
-- stops the tasks), except when the scheduler says why itself: the deployment
-- configuration leaves no room to start or stop a task, or protected tasks
-- block scale-in — those are reported here as the cause, with high severity.
-- Evidence may be partial or odd-typed (a buggy collector, a hand-edited
-- bundle): read it through these so a bad field is "unknown", not an error.
local list, str, num = edoc.list, edoc.str, edoc.num
local DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages.html"
local DOCS_THROTTLE = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-throttle-logic.html"
local STUCK_AFTER = 30 * 60 -- seconds IN_PROGRESS before a rollout counts as stuck

local with_region = edoc.with_region

local recent_events = edoc.recent_events

-- Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm); keeps
-- the check independent of the host's time zone.
local function days_from_civil(y, m, d)
  y = (m <= 2) and (y - 1) or y
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local doy = (153 * (m + (m > 2 and -3 or 9)) + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

local function now_of(ev)
  if ev.window and num(ev.window["until"]) then return num(ev.window["until"]) end
  local y, mo, d, h, mi, s = tostring(ev.collected_at or ""):match("^(%d+)-(%d+)-(%d+)T(%d+):(%d+):(%d+)")
  if not y then return nil end
  return days_from_civil(tonumber(y), tonumber(mo), tonumber(d)) * 86400 + tonumber(h) * 3600 + tonumber(mi) * 60 + tonumber(s)
end

return {
  id = "deployment.stuck",
  category = "deployment_stuck",
  severity = "medium",
  summary = "A deployment is not making progress (symptom, or the deployment configuration itself)",
  needs = { "ecs.services" },

  run = function(ev)
    local now = now_of(ev)
    for si, svc in ipairs(list(ev.services)) do
      local cl = edoc.cluster() or "default"
      local sv = svc.serviceName or "?"
      local primary, pi
      for di, d in ipairs(list(svc.deployments)) do
        if d.status == "PRIMARY" then primary, pi = d, di end
      end
      local config_ev, protect_ev, throttle_ev
      for _, r in ipairs(recent_events(svc)) do
        if r.m:find("because of the service deployment configuration", 1, true) then config_ev = config_ev or r end
        if r.m:find("number of protected tasks are more than the desired count", 1, true) then protect_ev = protect_ev or r end
        if r.m:find("unable to consistently start tasks successfully", 1, true) then throttle_ev = throttle_ev or r end
      end
      local age = primary and now and num(primary.createdAt) and (now - num(primary.createdAt)) or nil
      local slow = primary and primary.rolloutState == "IN_PROGRESS" and age and age > STUCK_AFTER
        and (num(primary.runningCount) or 0) < (num(primary.desiredCount) or 0)
      if slow or config_ev or protect_ev or throttle_ev then
        local evidence, rem = {}, {}
        local sev, conf, expl = "medium", 0.7, nil
        local dc = svc.deploymentConfiguration or {}
        if primary then
          evidence[#evidence + 1] = { pointer = edoc.ptr("services", si - 1, "deployments", pi - 1, "rolloutState"),
                                      note = string.format("deployment %s, %d of %d running", primary.id or "?",
                                        num(primary.runningCount) or 0, num(primary.desiredCount) or 0) }
        end
        if config_ev then
          sev, conf = "high", 0.95
          evidence[#evidence + 1] = { pointer = edoc.ptr("services", si - 1, "events", config_ev.i - 1, "message"), note = "service event" }
          evidence[#evidence + 1] = { pointer = edoc.ptr("services", si - 1, "deploymentConfiguration"), note = "deployment configuration" }
          expl = string.format("The scheduler cannot start or stop any task of %s: with desired count %d, minimumHealthyPercent %d "
            .. "and maximumPercent %d leave no room to replace a task.", svc.serviceName or "?", num(svc.desiredCount) or 0,
            dc.minimumHealthyPercent or 100, dc.maximumPercent or 200)
          rem[#rem + 1] = { description = "Allow the scheduler to run one extra task (or stop one) during deployments",
            command = with_region("aws ecs update-service --cluster {cluster} --service {service} --deployment-configuration maximumPercent=200,minimumHealthyPercent=100"),
            args = { cluster = cl, service = sv },
            docs = DOCS }
        elseif protect_ev then
          sev, conf = "high", 0.95
          evidence[#evidence + 1] = { pointer = edoc.ptr("services", si - 1, "events", protect_ev.i - 1, "message"), note = "service event" }
          expl = string.format("%s cannot scale in: more tasks are protected (task scale-in protection) than the desired count %d.",
            svc.serviceName or "?", num(svc.desiredCount) or 0)
          rem[#rem + 1] = { description = "See which tasks are protected, then unprotect the ones that may stop",
            command = with_region("aws ecs get-task-protection --cluster {cluster}"),
            args = { cluster = cl },
            docs = DOCS }
          rem[#rem + 1] = { description = "Unprotect a task",
            command = with_region("aws ecs update-task-protection --cluster {cluster} --tasks '<task-id>' --no-protection-enabled"),
            args = { cluster = cl },
            docs = DOCS }
        else
          if throttle_ev then
            evidence[#evidence + 1] = { pointer = edoc.ptr("services", si - 1, "events", throttle_ev.i - 1, "message"), note = "service event" }
          end
          expl = string.format("Deployment %s of %s has been in progress for %s with %d of %d tasks running%s. Something keeps "
            .. "its tasks from starting or becoming healthy; the linked root cause says what.",
            primary and primary.id or "?", primary and edoc.basename(primary.taskDefinition) or "?",
            age and string.format("%d min", age // 60) or "a while", primary and num(primary.runningCount) or 0,
            primary and num(primary.desiredCount) or 0,
            throttle_ev and "; ECS is backing off between launch attempts (service throttle logic)" or "")
          local cb = dc.deploymentCircuitBreaker
          if not (cb and cb.enable) then
            expl = expl .. " The deployment circuit breaker is off, so this deployment will never fail on its own."
            rem[#rem + 1] = { description = "Enable the circuit breaker with rollback so failed deployments end and roll back",
              command = with_region("aws ecs update-service --cluster {cluster} --service {service} --deployment-configuration 'deploymentCircuitBreaker={enable=true,rollback=true}'"),
              args = { cluster = cl, service = sv },
              docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html" }
          end
        end
        rem[#rem + 1] = { description = "Read the stopped tasks' reasons and the latest service events",
          command = with_region("aws ecs describe-services --cluster {cluster} --services {service} --query 'services[0].{deployments:deployments,events:events[:10]}'"),
          args = { cluster = cl, service = sv },
          docs = throttle_ev and DOCS_THROTTLE or DOCS }
        edoc.finding {
          title = config_ev and string.format("%s: deployment blocked by minimumHealthyPercent/maximumPercent", svc.serviceName or "?")
            or protect_ev and string.format("%s: cannot reach steady state — protected tasks exceed the desired count", svc.serviceName or "?")
            or (not slow and throttle_ev) and string.format("%s: tasks repeatedly fail to start; ECS is backing off (%d/%d running)",
              svc.serviceName or "?", num(svc.runningCount) or 0, num(svc.desiredCount) or 0)
            or string.format("%s: deployment %s stuck at %d/%d running", svc.serviceName or "?", primary and primary.id or "?",
              primary and primary.runningCount or (num(svc.runningCount) or 0), primary and primary.desiredCount or (num(svc.desiredCount) or 0)),
          severity = sev,
          confidence = conf,
          explanation = expl,
          evidence = evidence,
          resources = { svc.serviceName, primary and primary.id },
          key = svc.serviceName,
          when = primary and primary.updatedAt,
          subject = svc.serviceName,
          remediation = rem,
        }
      end
    end
  end,
}
