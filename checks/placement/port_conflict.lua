-- placement.port_conflict: a task with a fixed host port cannot be placed
-- because every candidate instance already has that port bound. The classic
-- trap: bridge/host networking with hostPort == containerPort, as many tasks as
-- instances, and a rolling deployment that must start the new task before it
-- may stop the old one (minimumHealthyPercent 100).
-- Evidence may be partial or odd-typed (a buggy collector, a hand-edited
-- bundle): read it through these so a bad field is "unknown", not an error.
local list, str, num = edoc.list, edoc.str, edoc.num
local DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages.html"

local recent_events = edoc.recent_events

local with_region = edoc.with_region

local function active_instances(ev)
  local n = 0
  for _, ci in ipairs(list(ev.capacity and ev.capacity.container_instances)) do
    if ci.status == "ACTIVE" then n = n + 1 end
  end
  return n
end

-- The fixed host ports a task of this definition needs: {port, container, k, p}.
local function fixed_ports(td)
  local out = {}
  if not td or td.networkMode == "awsvpc" then return out end
  for k, cd in ipairs(list(td.containerDefinitions)) do
    for p, pm in ipairs(list(cd.portMappings)) do
      local hp = tonumber(pm.hostPort)
      if td.networkMode == "host" then hp = hp or tonumber(pm.containerPort) end
      if hp and hp ~= 0 then out[#out + 1] = { port = hp, container = cd.name, k = k, p = p } end
    end
  end
  return out
end

return {
  id = "placement.port_conflict",
  category = "placement_port_conflict",
  severity = "high",
  summary = "Tasks cannot be placed: the fixed host port is already in use on every candidate instance",
  needs = { "ecs.services" },
  uses = { "ecs.task_definitions", "ecs.capacity" },

  run = function(ev)
    for si, svc in ipairs(list(ev.services)) do
      for _, r in ipairs(recent_events(svc)) do
        if r.m:find("already using a port required by your task", 1, true) then
          local inst = r.m:match("container%-instance ([%w%-]+)")
          local td = ev.task_definitions and ev.task_definitions[svc.taskDefinition]
          local tdname = edoc.basename(svc.taskDefinition) or "?"
          local ports = fixed_ports(td)
          local evidence = { { pointer = edoc.ptr("services", si - 1, "events", r.i - 1, "message"), note = "service event" } }
          local expl = string.format("ECS could not place a task of %s: the closest matching container instance%s is "
            .. "already using a host port the task needs.", svc.serviceName or "?", inst and (" " .. inst) or "")
          local portlist = {}
          for _, fp in ipairs(ports) do
            portlist[#portlist + 1] = tostring(fp.port)
            evidence[#evidence + 1] = { pointer = edoc.ptr("task_definitions", svc.taskDefinition, "containerDefinitions",
              fp.k - 1, "portMappings", fp.p - 1, "hostPort"), note = "fixed host port of container " .. (fp.container or "?") }
          end
          local n = active_instances(ev)
          local dc = svc.deploymentConfiguration or {}
          if #ports > 0 then
            expl = expl .. string.format(" %s (network mode %s) binds host port %s, so each instance can run only one "
              .. "task of it.", tdname, td.networkMode or "bridge", table.concat(portlist, ", "))
            if ev.capacity and ev.capacity.container_instances then
              expl = expl .. string.format(" The cluster has %d ACTIVE container instance(s) for a desired count of %d",
                n, num(svc.desiredCount) or 0)
              if (dc.maximumPercent or 200) > 100 and (dc.minimumHealthyPercent or 100) >= 100 then
                expl = expl .. string.format("; a rolling deployment (minimumHealthyPercent %d, maximumPercent %d) must "
                  .. "start each new task before stopping an old one, which needs a free instance",
                  dc.minimumHealthyPercent or 100, dc.maximumPercent or 200)
              end
              expl = expl .. "."
            end
          end
          local cl = edoc.cluster() or "default"
          local sv = svc.serviceName or "?"
          edoc.finding {
            title = string.format("%s: tasks cannot be placed — host port %s already in use", svc.serviceName or "?",
              #portlist > 0 and table.concat(portlist, ", ") or "?"),
            confidence = 0.9,
            explanation = expl,
            evidence = evidence,
            resources = { svc.serviceName, inst },
            key = svc.serviceName,
            when = r.e.createdAt,
            subject = svc.serviceName,
            explains = { "deployment_circuit_breaker", "deployment_stuck" },
            remediation = {
              { description = "Use dynamic host ports: register a revision of " .. tdname
                  .. " with hostPort 0 (bridge mode) or switch to awsvpc networking, so several tasks fit per instance",
                command = with_region("aws ecs describe-task-definition --task-definition {td} --query 'taskDefinition.containerDefinitions[].portMappings'"),
                args = { td = tdname },
                docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html" },
              { description = "Or let deployments stop an old task first (one task per instance)",
                command = with_region("aws ecs update-service --cluster {cluster} --service {service} --deployment-configuration minimumHealthyPercent=50,maximumPercent=100"),
                args = { cluster = cl, service = sv },
                docs = DOCS },
              { description = "Or add container instances (at least one more than the desired count)",
                command = with_region("aws ecs list-container-instances --cluster {cluster} --status ACTIVE"),
                args = { cluster = cl },
                docs = DOCS },
            },
          }
        end
      end
    end
  end,
}
