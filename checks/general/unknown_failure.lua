-- general.unknown_failure: a task stopped (or the scheduler failed to launch
-- one) for a reason no other check recognises. It still deserves a line in the
-- report, quoted verbatim, at low confidence — a new AWS wording or an unusual
-- failure should not vanish because nobody wrote a pattern for it yet.
-- KNOWN lists the fragments other checks (Lua and the container_exit plugin)
-- own, and the reasons that are normal operations; keep it in step with them.
-- Evidence may be partial or odd-typed (a buggy collector, a hand-edited
-- bundle): read it through these so a bad field is "unknown", not an error.
local list, str, num = edoc.list, edoc.str, edoc.num
local DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html"

local with_region = edoc.with_region

local KNOWN = {
  -- normal operations
  "scaling activity initiated by", "task stopped by deployment",
  "container instance deregistration forced by user",
  -- runtime categories (this catalog)
  "task failed elb health checks", "failed container health checks", "your spot task was interrupted",
  "spotinterruptionerror", "performing maintenance on the underlying infrastructure", "host ec2",
  "no space left on device", "thin pool has", "capacity is unavailable", "reached the limit",
  "above your limit", "throttl", "rate exceeded", "toomanyrequestsexception",
  -- container exits (container_exit plugin: exit codes, OOM, command not found)
  "essential container in task exited", "outofmemoryerror", "outofmemory", "executable file not found",
  -- image, secrets, logs, network, IAM, EFS (network/registry catalog)
  "cannotpullcontainererror", "resourceinitializationerror", "resourcenotfoundexception",
  "cannotcreatevolumeerror", "unable to assume the role", "accessdenied", "is not authorized to perform",
  "insufficientfreeaddressesinsubnet", "network interface provisioning", "failed to initialize logging driver",
}

-- stopCodes whose reasons are a person's or a tool's free text.
local FREE_TEXT = { UserInitiated = true }

local function known(s)
  return edoc.match_any(s, KNOWN)
end

-- Same failure on many tasks: fold ids and numbers so they merge.
local function shape(s)
  local n = edoc.norm(s)
  n = n:gsub("[0-9a-f][0-9a-f%-]+[0-9a-f]", function(x) return (#x >= 8 and x:find("%d")) and "#" or x end)
  n = n:gsub("%d+", "#")
  return n:sub(1, 160)
end

local recent_events = edoc.recent_events

return {
  id = "general.unknown_failure",
  category = "unknown_failure",
  severity = "low",
  summary = "A task failure no other check recognises, quoted as is",
  needs = { "ecs.tasks" },
  uses = { "ecs.services" },

  run = function(ev)
    local short = {}
    for _, svc in ipairs(list(ev.services)) do
      short["service:" .. (str(svc.serviceName) or "")] = (num(svc.runningCount) or 0) < (num(svc.desiredCount) or 0)
    end
    local cl = edoc.cluster() or "default"
    -- Only tasks whose stopped reason no check knows: one test per distinct
    -- reason (the host indexes them), not one per task.
    for ti, t in edoc.tasks_matching(function(r) return r ~= "" and not known(r) end, "stoppedReason") do
      local reason = str(t.stoppedReason)
      if t.lastStatus == "STOPPED" and reason and reason ~= "" and not FREE_TEXT[t.stopCode or ""] and not known(reason) then
        -- A container reason may carry the real error behind a generic task reason.
        local cptr
        for ci, c in ipairs(list(t.containers)) do
          if c.reason and c.reason ~= "" then cptr = edoc.ptr("tasks", ti - 1, "containers", ci - 1, "reason") break end
        end
        local svcname = t.group and t.group:match("^service:(.+)$")
        local evidence = { { pointer = edoc.ptr("tasks", ti - 1, "stoppedReason"), note = "stopped reason" } }
        if t.stopCode then evidence[#evidence + 1] = { pointer = edoc.ptr("tasks", ti - 1, "stopCode"), note = "stop code" } end
        if cptr then evidence[#evidence + 1] = { pointer = cptr, note = "container reason" } end
        local id = edoc.task_id(t.taskArn)
        edoc.finding {
          title = "Task stopped for an unrecognised reason: " .. reason:sub(1, 120),
          severity = (t.group and short[t.group]) and "medium" or "low",
          confidence = 0.3,
          explanation = "No check recognises this stopped reason, so ecs-doctor cannot say more than ECS did. It is quoted "
            .. "verbatim; the AWS page on stopped-task errors lists what each error prefix means.",
          evidence = evidence,
          resources = { svcname, id },
          key = shape(reason),
          when = t.stoppedAt,
          subject = svcname,
          explains = { "deployment_circuit_breaker", "deployment_stuck" },
          remediation = {
            { description = "Read the full task record (container reasons, exit codes, timestamps)",
              command = with_region("aws ecs describe-tasks --cluster {cluster} --tasks {task}"),
              args = { cluster = cl, task = id or "<task-id>" },
              docs = DOCS },
          },
        }
      end
    end
    -- Launch failures the scheduler reports only as events.
    for si, svc in ipairs(list(ev.services)) do
      for _, r in ipairs(recent_events(svc)) do
        local msg = str(r.e.message) or ""
        local err = msg:match("failed to launch a task with %(error (.-)%)%.?$")
        if not err and r.m:find("was unable to place a task. reason:", 1, true) then
          err = msg:match("[Rr]eason: (.*)$")
        end
        if err and not known(err) and not edoc.match_any(err, { "does not support launch_type", "task definition",
            "no fargate configuration" }) then
          edoc.finding {
            title = string.format("%s: ECS could not launch a task: %s", svc.serviceName or "?", err:sub(1, 120)),
            severity = (num(svc.runningCount) or 0) < (num(svc.desiredCount) or 0) and "medium" or "low",
            confidence = 0.3,
            explanation = "The scheduler reported a launch failure that no check recognises; it is quoted verbatim.",
            evidence = { { pointer = edoc.ptr("services", si - 1, "events", r.i - 1, "message"), note = "service event" } },
            resources = { svc.serviceName },
            key = shape(err),
            when = r.e.createdAt,
            subject = svc.serviceName,
            explains = { "deployment_circuit_breaker", "deployment_stuck" },
            remediation = {
              { description = "Read the service's recent events",
                command = with_region("aws ecs describe-services --cluster {cluster} --services {service} --query 'services[0].events[:10]'"),
                args = { cluster = cl, service = svc.serviceName or "?" },
                docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages.html" },
            },
          }
        end
      end
    end
  end,
}
