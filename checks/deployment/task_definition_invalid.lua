-- deployment.task_definition_invalid: the service's task definition cannot run
-- the way the service launches it. RegisterTaskDefinition already rejects most
-- bad shapes (ClientException: "No Fargate configuration exists for given
-- values", "Fargate requires that 'cpu' be defined at the task level"), so what
-- reaches a live service is a mismatch between a valid definition and the
-- service: a Fargate service on an EC2-only definition ("Task definition does
-- not support launch_type FARGATE."), a non-awsvpc network mode on Fargate, a
-- deregistered revision, or a launch error the scheduler reports in an event.
-- Evidence may be partial or odd-typed (a buggy collector, a hand-edited
-- bundle): read it through these so a bad field is "unknown", not an error.
local list, str, num = edoc.list, edoc.str, edoc.num
local DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html"
local DOCS_EV = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages.html"

local with_region = edoc.with_region

local recent_events = edoc.recent_events

-- table.concat over evidence lists that may hold nulls.
local function join(l, sep)
  local out = {}
  for _, x in ipairs(list(l)) do out[#out + 1] = tostring(x) end
  return table.concat(out, sep)
end

local function contains(l, v)
  for _, x in ipairs(list(l)) do if x == v then return true end end
  return false
end

local function uses_fargate(svc)
  if svc.launchType == "FARGATE" then return true end
  for _, s in ipairs(list(svc.capacityProviderStrategy)) do
    if s.capacityProvider == "FARGATE" or s.capacityProvider == "FARGATE_SPOT" then return true end
  end
  return false
end

-- Launch errors that are about the task definition (IAM role errors belong to
-- the IAM checks and are left out on purpose).
local TD_ERRORS = { "does not support launch_type", "task definition", "taskdefinition", "no fargate configuration exists",
                    "requires that 'cpu'", "requires that 'memory'", "is greater than for the task",
                    "required capabilities", "clientexception", "invalid setting for container", "is inactive" }

return {
  id = "deployment.task_definition_invalid",
  category = "task_definition_invalid",
  severity = "critical",
  summary = "The task definition cannot be launched the way the service runs it",
  needs = { "ecs.services", "ecs.task_definitions" },

  run = function(ev)
    for si, svc in ipairs(list(ev.services)) do
      local tdarn = svc.taskDefinition
      local td = ev.task_definitions and ev.task_definitions[tdarn]
      local tdn = edoc.basename(tdarn) or "?"
      local problems, evidence, rem = {}, {}, {}
      local cl = edoc.cluster() or "default"
      local sv = svc.serviceName or "?"
      if td then
        -- DescribeTaskDefinition returns `compatibilities` (what ECS validated);
        -- fall back to requiresCompatibilities, and judge nothing when neither is there.
        local compat = td.compatibilities or td.requiresCompatibilities
        if uses_fargate(svc) and compat and not contains(compat, "FARGATE") then
          problems[#problems + 1] = string.format("%s is not Fargate-compatible (compatibilities: %s; requiresCompatibilities: %s) "
            .. "but the service launches on Fargate: ECS refuses with \"Task definition does not support launch_type FARGATE.\"",
            tdn, join(td.compatibilities, ","), join(td.requiresCompatibilities, ","))
          evidence[#evidence + 1] = { pointer = edoc.ptr("task_definitions", tdarn, "compatibilities"), note = "compatibilities of " .. tdn }
          evidence[#evidence + 1] = { pointer = edoc.ptr("services", si - 1, "launchType"), note = "service launch type" }
          rem[#rem + 1] = { description = "Register a Fargate-compatible revision: requiresCompatibilities [\"FARGATE\"], "
              .. "networkMode awsvpc, task-level cpu and memory",
            command = with_region("aws ecs describe-task-definition --task-definition {td} --query 'taskDefinition.{requiresCompatibilities:requiresCompatibilities,networkMode:networkMode,cpu:cpu,memory:memory}'"),
            args = { td = tdn },
            docs = DOCS }
        end
        if uses_fargate(svc) and td.networkMode and td.networkMode ~= "awsvpc" then
          problems[#problems + 1] = string.format("%s uses network mode %s; Fargate supports only awsvpc", tdn, td.networkMode)
          evidence[#evidence + 1] = { pointer = edoc.ptr("task_definitions", tdarn, "networkMode"), note = "network mode" }
        end
        if td.status == "INACTIVE" or td.status == "DELETE_IN_PROGRESS" then
          problems[#problems + 1] = string.format("%s is %s (deregistered): the service cannot launch new tasks from it", tdn, td.status)
          evidence[#evidence + 1] = { pointer = edoc.ptr("task_definitions", tdarn, "status"), note = "task definition status" }
          local hist = ev.task_definition_history and td.family and ev.task_definition_history[td.family]
          local newest = hist and hist[1] and edoc.basename(hist[1])
          rem[#rem + 1] = { description = "Point the service at an ACTIVE revision" .. (newest and (" (newest: " .. newest .. ")") or ""),
            command = with_region("aws ecs update-service --cluster {cluster} --service {service} --task-definition {td}"),
            args = { cluster = cl, service = sv, td = newest or (td.family or "<family>") },
            docs = DOCS }
        end
        local essential = false
        for _, cd in ipairs(list(td.containerDefinitions)) do
          if cd.essential ~= false then essential = true end
        end
        if td.containerDefinitions and #td.containerDefinitions > 0 and not essential then
          problems[#problems + 1] = tdn .. " has no essential container"
          evidence[#evidence + 1] = { pointer = edoc.ptr("task_definitions", tdarn, "containerDefinitions"), note = "container definitions" }
        end
      end
      local hit
      for _, r in ipairs(recent_events(svc)) do
        local m = r.m
        if m:find("failed to launch a task", 1, true) and not m:find("assume the role", 1, true)
          and edoc.match_any(m, TD_ERRORS) then hit = r break end
      end
      if hit then
        table.insert(evidence, 1, { pointer = edoc.ptr("services", si - 1, "events", hit.i - 1, "message"), note = "service event" })
        if #problems == 0 then
          problems[#problems + 1] = "ECS refused to launch a task from " .. tdn .. " (see the quoted event)"
        end
      end
      if #problems > 0 then
        if td and #rem == 0 then
          rem[#rem + 1] = { description = "Look at the parts of " .. tdn .. " that decide where it can run",
            command = with_region("aws ecs describe-task-definition --task-definition {td} --query 'taskDefinition.{status:status,compatibilities:compatibilities,requiresCompatibilities:requiresCompatibilities,networkMode:networkMode,cpu:cpu,memory:memory}'"),
            args = { td = tdn },
            docs = DOCS }
        end
        rem[#rem + 1] = { description = "Validate a corrected revision by registering it, then deploy it",
          command = with_region("aws ecs register-task-definition --cli-input-json file://{file}")
            .. " && " .. with_region("aws ecs update-service --cluster {cluster} --service {service} --task-definition {family}"),
          args = { file = edoc.file_name((td and td.family) or "taskdef") .. ".json", cluster = cl, service = sv, family = (td and td.family) or "<family>" },
          docs = DOCS_EV }
        edoc.finding {
          title = string.format("%s: task definition %s cannot be launched as configured", svc.serviceName or "?", tdn),
          severity = (td and #evidence > (hit and 1 or 0)) and "critical" or "high",
          confidence = (td and #evidence > (hit and 1 or 0)) and 0.9 or 0.7,
          explanation = table.concat(problems, ". ") .. ".",
          evidence = evidence,
          resources = { svc.serviceName, tdn },
          key = (svc.serviceName or "?") .. "/" .. tdn,
          when = hit and hit.e.createdAt or nil,
          subject = svc.serviceName,
          -- A Fargate service on a bridge-mode definition also trips the
          -- target-type check; the definition is the thing to fix.
          explains = { "deployment_circuit_breaker", "deployment_stuck", "load_balancer_misconfigured" },
          remediation = rem,
        }
      end
    end
  end,
}
