-- placement.constraint_unsatisfied: no container instance satisfies the
-- service's or task definition's placement constraints (memberOf expressions,
-- distinctInstance). Evidence: the generic placement event with no resource
-- shortfall, and the constraint evaluated against the instances' attributes.
-- Evidence may be partial or odd-typed (a buggy collector, a hand-edited
-- bundle): read it through these so a bad field is "unknown", not an error.
local list, str, num = edoc.list, edoc.str, edoc.num
local DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement-constraints.html"

local recent_events = edoc.recent_events

local with_region = edoc.with_region

local function attr(ci, name)
  if name == "ecs.instance-id" or name == "instanceId" then return ci.ec2InstanceId end
  for _, a in ipairs(list(ci.attributes)) do
    if a.name == name then return a.value or "" end
  end
  return nil
end

local function glob(pat, s)
  local p = "^" .. pat:gsub("[%^%$%(%)%%%.%[%]%+%-%?]", "%%%0"):gsub("%*", ".*") .. "$"
  return s:match(p) ~= nil
end

-- Evaluates the simple memberOf forms ("attribute:name op value") against one
-- instance: true/false, or nil when the expression is beyond this evaluator.
local function eval_member_of(expr, ci)
  local name, op, rest = expr:match("^%s*attribute:([%w%._%-]+)%s*([!=~a-z_]+)%s*(.-)%s*$")
  if not name then return nil end
  local v = attr(ci, name)
  if op == "exists" then return v ~= nil end
  if op == "!exists" then return v == nil end
  local function list()
    local t = {}
    for x in rest:gsub("^%[", ""):gsub("%]$", ""):gmatch("[^,%s]+") do t[#t + 1] = x end
    return t
  end
  if op == "==" then return v == rest end
  if op == "!=" then return v ~= rest end
  if op == "=~" then return v ~= nil and glob(rest, v) end
  if op == "!~" then return v == nil or not glob(rest, v) end
  if op == "in" then for _, x in ipairs(list()) do if v == x then return true end end return false end
  if op == "not_in" then for _, x in ipairs(list()) do if v == x then return false end end return true end
  return nil
end

local function constraints_of(svc, td)
  local out = {}
  for j, c in ipairs(list(svc.placementConstraints)) do out[#out + 1] = { c = c, where = "service", j = j } end
  for j, c in ipairs(list(td and td.placementConstraints)) do out[#out + 1] = { c = c, where = "td", j = j } end
  return out
end

return {
  id = "placement.constraint_unsatisfied",
  category = "placement_constraint_unsatisfied",
  severity = "high",
  summary = "No container instance satisfies the placement constraints",
  -- Container instances matter only for EC2-backed services: not a static need.
  needs = { "ecs.services" },
  uses = { "ecs.task_definitions", "ecs.capacity" },

  run = function(ev)
    local instances = ev.capacity and ev.capacity.container_instances
    for si, svc in ipairs(list(ev.services)) do
      local td = ev.task_definitions and ev.task_definitions[svc.taskDefinition]
      local cons = constraints_of(svc, td)
      for _, r in ipairs(recent_events(svc)) do
        local m = r.m
        local explicit = m:find("placement constraint unsatisfied", 1, true)
        local generic = m:find("no container instance met all of its requirements", 1, true)
          and not m:find("insufficient", 1, true) and not m:find("already using a port", 1, true)
          and not m:find("encountered error", 1, true)
        if (explicit or generic) and #cons > 0 and not instances then
          -- A placement failure under constraints, and the instances they are
          -- matched against could not be read: unknown, never healthy.
          edoc.incomplete("ecs.capacity", string.format(
            "%s could not place a task under placement constraints, and its container instances are missing",
            svc.serviceName or "?"))
          break
        end
        if (explicit or generic) and #cons > 0 and instances and #instances > 0 then
          local evidence = { { pointer = edoc.ptr("services", si - 1, "events", r.i - 1, "message"), note = "service event" } }
          local failing, exprs = {}, {}
          for _, cc in ipairs(cons) do
            local c = cc.c
            local ptr = cc.where == "service" and edoc.ptr("services", si - 1, "placementConstraints", cc.j - 1)
              or edoc.ptr("task_definitions", svc.taskDefinition, "placementConstraints", cc.j - 1)
            if c.type == "memberOf" and c.expression then
              local matched, known = 0, true
              local seen = {}
              for _, ci in ipairs(list(instances)) do
                if ci.status == "ACTIVE" then
                  local ok = eval_member_of(c.expression, ci)
                  if ok == nil then known = false elseif ok then matched = matched + 1 end
                  local an = c.expression:match("attribute:([%w%._%-]+)")
                  if an then seen[#seen + 1] = (ci.ec2InstanceId or "?") .. "=" .. tostring(attr(ci, an)) end
                end
              end
              if known and matched == 0 then
                failing[#failing + 1] = string.format("memberOf(%s) matches none of the ACTIVE instances (%s)",
                  c.expression, table.concat(seen, ", "))
                evidence[#evidence + 1] = { pointer = ptr, note = "unsatisfied constraint" }
              end
              exprs[#exprs + 1] = c.expression
            elseif c.type == "distinctInstance" then
              local n = 0
              for _, ci in ipairs(list(instances)) do if ci.status == "ACTIVE" then n = n + 1 end end
              if (num(svc.desiredCount) or 0) > n then
                failing[#failing + 1] = string.format("distinctInstance allows one task per instance, but the desired count %d exceeds the %d ACTIVE instance(s)",
                  num(svc.desiredCount) or 0, n)
                evidence[#evidence + 1] = { pointer = ptr, note = "distinctInstance constraint" }
              end
            end
          end
          if #failing > 0 or explicit then
            local cl = edoc.cluster() or "default"
            local rem = {
              { description = "List the instances the constraint can match (edit the filter to your expression)",
                command = with_region("aws ecs list-container-instances --cluster {cluster} --filter {filter}"),
                args = { cluster = cl, filter = exprs[1] or "attribute:ecs.instance-type exists" },
                docs = DOCS },
              { description = "Relax or remove the service's placement constraints (an empty list removes them)",
                command = with_region("aws ecs update-service --cluster {cluster} --service {service} --placement-constraints '[]'"),
                args = { cluster = cl, service = svc.serviceName or "?" },
                docs = DOCS },
            }
            edoc.finding {
              title = string.format("%s: no container instance satisfies the placement constraints", svc.serviceName or "?"),
              confidence = #failing > 0 and 0.85 or 0.6,
              explanation = "ECS could not place a task of " .. (svc.serviceName or "?") .. ". "
                .. (#failing > 0 and (table.concat(failing, "; ") .. ".")
                    or "The event names an unsatisfied placement constraint."),
              evidence = evidence,
              resources = { svc.serviceName },
              key = svc.serviceName,
              when = r.e.createdAt,
              subject = svc.serviceName,
              explains = { "deployment_circuit_breaker", "deployment_stuck" },
              remediation = rem,
            }
            break
          end
        end
      end
    end
  end,
}
