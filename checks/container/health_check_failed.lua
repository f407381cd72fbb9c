-- container.health_check_failed: ECS stopped tasks because a container's own
-- health check (the task definition's healthCheck, run by the agent inside the
-- container) reported UNHEALTHY. Evidence: "Task failed container health checks"
-- stopped reasons / "(task ...) failed container health checks." events, the
-- container's healthStatus, and the health-check command and timings, which the
-- finding quotes so the reader can spot the usual causes (curl/wget missing in a
-- slim image, wrong port, no startPeriod).
-- Evidence may be partial or odd-typed (a buggy collector, a hand-edited
-- bundle): read it through these so a bad field is "unknown", not an error.
local list, str, num = edoc.list, edoc.str, edoc.num
local DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html"
local KC = "https://aws.amazon.com/premiumsupport/knowledge-center/ecs-task-container-health-check-failures/"

local with_region = edoc.with_region

local recent_events = edoc.recent_events

-- Log lines that show the health-check tool itself is missing.
local MISSING_TOOL = { "curl: not found", "wget: not found", "curl: command not found", "wget: command not found",
                       "executable file not found" }


-- Time of the newest "has reached a steady state." event, or nil. A failure
-- older than that, with the service at its desired count, is resolved.
local function steady_since(svc)
  for _, e in ipairs(list(svc.events)) do
    if edoc.norm(str(e.message)):find("has reached a steady state", 1, true) then return num(e.createdAt) end
  end
  return nil
end

local function resolved(svc, latest)
  local st = steady_since(svc)
  return st ~= nil and latest ~= nil and latest < st
    and (num(svc.runningCount) or 0) >= (num(svc.desiredCount) or 0)
end

return {
  id = "container.health_check_failed",
  category = "container_health_check_failed",
  severity = "high",
  summary = "Tasks are replaced because a container health check reports UNHEALTHY",
  needs = { "ecs.tasks" },
  uses = { "ecs.services", "ecs.task_definitions", "logs" },

  run = function(ev)
    for si, svc in ipairs(list(ev.services)) do
      local group = "service:" .. (svc.serviceName or "")
      local count, first, latest, ids, tdarn = 0, nil, nil, {}, nil
      local unhealthy_container
      for ti, t in edoc.tasks_matching("failed container health checks", "stoppedReason") do
        if t.group == group and edoc.norm(t.stoppedReason):find("failed container health checks", 1, true) then
          count = count + 1
          first = first or ti
          tdarn = tdarn or t.taskDefinitionArn
          ids[#ids + 1] = edoc.task_id(t.taskArn)
          if not latest or (num(t.stoppedAt) or 0) > latest then latest = num(t.stoppedAt) end
          for ci, c in ipairs(list(t.containers)) do
            if c.healthStatus == "UNHEALTHY" then unhealthy_container = unhealthy_container or { ti = ti, ci = ci, name = c.name } end
          end
        end
      end
      local evt
      for _, r in ipairs(recent_events(svc)) do
        if r.m:find("failed container health checks", 1, true) then
          evt = evt or r
          if count == 0 then count = 1 end
        end
      end
      if count > 0 then
        tdarn = tdarn or svc.taskDefinition
        local td = ev.task_definitions and ev.task_definitions[tdarn]
        local tdn = edoc.basename(tdarn) or "?"
        local evidence = {}
        if first then evidence[#evidence + 1] = { pointer = edoc.ptr("tasks", first - 1, "stoppedReason"), note = count .. " task(s)" } end
        if evt then evidence[#evidence + 1] = { pointer = edoc.ptr("services", si - 1, "events", evt.i - 1, "message"), note = "service event" } end
        if unhealthy_container then
          evidence[#evidence + 1] = { pointer = edoc.ptr("tasks", unhealthy_container.ti - 1, "containers", unhealthy_container.ci - 1, "healthStatus"),
                                      note = "container " .. (unhealthy_container.name or "?") }
        end
        local parts = { string.format("%d task(s) of %s were stopped because a container health check failed.", count, svc.serviceName or "?") }
        local cname, hc
        for k, cd in ipairs(list(td and td.containerDefinitions)) do
          if cd.healthCheck and (not unhealthy_container or cd.name == unhealthy_container.name) then
            cname, hc = cd.name, cd.healthCheck
            local hp = edoc.ptr("task_definitions", tdarn, "containerDefinitions", k - 1, "healthCheck")
            evidence[#evidence + 1] = { pointer = hp .. "/command", note = "health check of " .. cd.name .. " in " .. tdn }
            break
          end
        end
        local rem = {}
        if hc then
          local cmd = {}
          for _, c in ipairs(list(hc.command)) do cmd[#cmd + 1] = tostring(c) end
          local cmdline = table.concat(cmd, " ")
          local interval, retries, timeout, start = hc.interval or 30, hc.retries or 3, hc.timeout or 5, hc.startPeriod or 0
          parts[#parts + 1] = string.format("Container %s runs `%s` every %ds (timeout %ds); %d failures after a %ds start period mark it UNHEALTHY.",
            cname, cmdline, interval, timeout, retries, start)
          local tool = cmdline:match("(curl)") or cmdline:match("(wget)")
          if tool then
            parts[#parts + 1] = string.format("The command needs %s inside the image; slim and distroless images often lack it.", tool)
          end
          local port = cmdline:match("localhost:(%d+)") or cmdline:match("127%.0%.0%.1:(%d+)")
          if port and td then
            local served = false
            for _, cd in ipairs(list(td.containerDefinitions)) do
              if cd.name == cname then
                for _, pm in ipairs(list(cd.portMappings)) do
                  if tostring(pm.containerPort) == port then served = true end
                end
              end
            end
            if not served then
              parts[#parts + 1] = string.format("It probes port %s, which container %s does not map.", port, cname)
            end
          end
          if start == 0 then
            parts[#parts + 1] = "No startPeriod is set, so checks count from the first second of startup."
          end
        end
        -- Logs that show the probe binary is missing settle the question.
        local streams = ev.logs and ev.logs.streams
        for key, st in pairs(list(streams)) do
          for j, e in ipairs(list(type(st) == "table" and st.events)) do
            if edoc.match_any(e.message, MISSING_TOOL) then
              evidence[#evidence + 1] = { pointer = edoc.ptr("logs", "streams", key, "events", j - 1, "message"), note = "container log" }
              parts[#parts + 1] = "The container log shows the health-check tool is missing."
              break
            end
          end
        end
        local lg
        local cdef = td and td.containerDefinitions and td.containerDefinitions[1]
        lg = cdef and cdef.logConfiguration and cdef.logConfiguration.options and cdef.logConfiguration.options["awslogs-group"]
        rem[#rem + 1] = { description = "Run the health-check command yourself in a running task (ECS Exec) to see its output",
          command = with_region("aws ecs execute-command --cluster {cluster} --task {task} --container {container} --interactive --command {probe}"),
          args = { cluster = edoc.cluster() or "default", task = ids[1] or "<task-id>", container = cname or "<container>",
                   probe = (hc and hc.command and hc.command[2]) or "sh" },
          docs = KC }
        rem[#rem + 1] = { description = "Fix the command (install the tool, or use a probe the image has) or add a startPeriod, then register a new revision of "
            .. tdn,
          command = with_region("aws ecs describe-task-definition --task-definition {td} --query 'taskDefinition.containerDefinitions[].{name:name,healthCheck:healthCheck}'"),
          args = { td = tdn },
          docs = DOCS }
        if lg then
          rem[#rem + 1] = { description = "Read the application log of a failed task",
            command = with_region("aws logs tail --since 1h -- {group}"),
            args = { group = lg },
            docs = KC }
        end
        local done = not evt and resolved(svc, latest)
        if done then parts[#parts + 1] = "The service has reached a steady state since, so this is history unless it recurs." end
        edoc.finding {
          title = string.format("%s: container health check fails%s%s", svc.serviceName or "?", cname and (" (" .. cname .. " in " .. tdn .. ")") or "",
            done and " (resolved since)" or ""),
          severity = done and "low" or nil,
          confidence = first and 0.9 or 0.75,
          explanation = table.concat(parts, " "),
          evidence = evidence,
          resources = { svc.serviceName, tdn, ids[1] },
          count = count,
          key = svc.serviceName,
          when = latest or (evt and evt.e.createdAt),
          subject = svc.serviceName,
          explains = { "deployment_circuit_breaker", "deployment_stuck" },
          remediation = rem,
        }
      end
    end
  end,
}
