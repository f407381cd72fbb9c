-- placement.insufficient_resources: the service scheduler could not place a task
-- because no container instance had enough CPU, memory or ENI attachment points.
-- Evidence: the service event that names the closest matching container instance,
-- that instance's remainingResources, and what the task definition asks for.
-- Evidence may be partial or odd-typed (a buggy collector, a hand-edited
-- bundle): read it through these so a bad field is "unknown", not an error.
local list, str, num = edoc.list, edoc.str, edoc.num
local DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages.html"
local DOCS_MEM = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/memory-management.html"

-- Service events newer than the latest steady state, newest first. Older
-- failures were resolved: ECS reached steady state after them.
local recent_events = edoc.recent_events

local with_region = edoc.with_region

local function find_instance(ev, id)
  local cap = ev.capacity
  if not cap or not cap.container_instances or not id then return nil end
  for i, ci in ipairs(list(cap.container_instances)) do
    if edoc.basename(ci.containerInstanceArn) == id then return ci, i end
  end
  return nil
end

local function resource_value(res, name)
  for j, r in ipairs(list(res)) do
    if r.name == name then return r.integerValue, j end
  end
  return nil
end

-- What one task of this definition reserves: task-level size when set,
-- else the sum over containers (memory falls back to memoryReservation).
local function td_needs(td)
  if not td then return nil, nil end
  local cpu, mem = tonumber(td.cpu), tonumber(td.memory)
  if not cpu or not mem then
    local c, m = 0, 0
    for _, cd in ipairs(list(td.containerDefinitions)) do
      c = c + (tonumber(cd.cpu) or 0)
      m = m + (tonumber(cd.memory) or tonumber(cd.memoryReservation) or 0)
    end
    cpu, mem = cpu or c, mem or m
  end
  return cpu, mem
end

local function asg_name(ev)
  local cap = ev.capacity
  for _, cp in ipairs(list(cap and cap.capacity_providers)) do
    local asg = cp.autoScalingGroupProvider
    if asg and asg.autoScalingGroupArn then
      return asg.autoScalingGroupArn:match("autoScalingGroupName/(.+)$"), cp
    end
  end
  return nil
end

-- EC2 capacity providers named on the cluster (DescribeClusters), for when the
-- capacity section does not carry their Auto Scaling groups.
local function ec2_capacity_providers(ev)
  local out = {}
  for _, n in ipairs(list(ev.cluster and ev.cluster.capacityProviders)) do
    if type(n) == "string" and n ~= "FARGATE" and n ~= "FARGATE_SPOT" then out[#out + 1] = n end
  end
  return out
end

local function active_instances(ev)
  local n = 0
  for _, ci in ipairs(list(ev.capacity and ev.capacity.container_instances)) do
    if ci.status == "ACTIVE" then n = n + 1 end
  end
  return n
end

return {
  id = "placement.insufficient_resources",
  category = "placement_insufficient_resources",
  severity = "high",
  summary = "No container instance has enough CPU, memory or ENIs for the task",
  needs = { "ecs.services" },
  uses = { "ecs.task_definitions", "ecs.capacity", "ecs.cluster" },

  run = function(ev)
    for si, svc in ipairs(list(ev.services)) do
      for _, r in ipairs(recent_events(svc)) do
        local m = r.m
        local placing = m:find("unable to place a task", 1, true) or m:find("could not launch", 1, true)
        -- "InsufficientFreeAddressesInSubnet" is IP exhaustion (net.subnet_ip_exhausted),
        -- not a lack of CPU or memory on container instances.
        if placing and m:find("insufficient", 1, true)
            and not m:find("insufficientfreeaddressesinsubnet", 1, true) then
          local what = m:match("insufficient ([%w%-]+)") or "resources"
          if what == "cpu" then what = "CPU" end
          local inst_id = m:match("container%-instance ([%w%-]+)")
          local ci, cii = find_instance(ev, inst_id)
          local td = ev.task_definitions and ev.task_definitions[svc.taskDefinition]
          local need_cpu, need_mem = td_needs(td)
          local tdname = edoc.basename(svc.taskDefinition) or "?"
          local evidence = { { pointer = edoc.ptr("services", si - 1, "events", r.i - 1, "message"),
                               note = "service event" } }
          local expl = string.format("ECS could not place a task of %s: the closest matching container instance%s "
            .. "has insufficient %s available.", svc.serviceName or "?",
            inst_id and (" " .. inst_id) or "", what)
          local resources = { svc.serviceName }
          if ci then
            local ec2 = ci.ec2InstanceId
            if ec2 then resources[#resources + 1] = ec2 end
            local key = (what == "memory") and "MEMORY" or "CPU"
            local rem, j = resource_value(ci.remainingResources, key)
            local reg = resource_value(ci.registeredResources, key)
            if rem then
              evidence[#evidence + 1] = { pointer = edoc.ptr("capacity", "container_instances", cii - 1,
                "remainingResources", j - 1, "integerValue"), note = key .. " remaining on " .. (ec2 or inst_id) }
              local need = (key == "MEMORY") and need_mem or need_cpu
              if need and need > 0 then
                expl = expl .. string.format(" The task definition %s reserves %d %s; %s has %d left",
                  tdname, need, key == "MEMORY" and "MiB" or "CPU units", ec2 or inst_id, rem)
                if reg then expl = expl .. string.format(" of %d registered", reg) end
                expl = expl .. "."
                if reg and need > reg then
                  expl = expl .. " The task is larger than the whole instance: it can never be placed there."
                end
              end
            end
          end
          if td then
            local field = (what == "memory") and "memory" or "cpu"
            if td[field] then
              evidence[#evidence + 1] = { pointer = edoc.ptr("task_definitions", svc.taskDefinition, field),
                                          note = "task size in " .. tdname }
            else
              for k, cd in ipairs(list(td.containerDefinitions)) do
                local f2 = cd[field] and field or (field == "memory" and cd.memoryReservation and "memoryReservation")
                if f2 then
                  evidence[#evidence + 1] = { pointer = edoc.ptr("task_definitions", svc.taskDefinition,
                    "containerDefinitions", k - 1, f2), note = "container " .. (cd.name or "?") .. " in " .. tdname }
                end
              end
            end
          end
          local rem = {
            { description = "See what each container instance has left",
              command = with_region("aws ecs describe-container-instances --cluster {cluster} --container-instances {instance} --query 'containerInstances[].{ec2:ec2InstanceId,status:status,remaining:remainingResources}'"),
              args = { cluster = edoc.cluster() or "default", instance = inst_id or "<container-instance-id>" },
              docs = DOCS },
          }
          local asg, cp = asg_name(ev)
          if asg then
            rem[#rem + 1] = { description = "Add capacity: raise the Auto Scaling group behind capacity provider " .. (cp.name or "?")
                .. " (or enable managed scaling on the capacity provider)",
              command = with_region("aws autoscaling set-desired-capacity --auto-scaling-group-name {asg} --desired-capacity {count}"),
              args = { asg = asg, count = active_instances(ev) + 1 },
              docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/asg-capacity-providers.html" }
          end
          local cps = ec2_capacity_providers(ev)
          if not asg and #cps > 0 then
            rem[#rem + 1] = { description = "Add capacity: find the Auto Scaling group behind " .. table.concat(cps, ", ")
                .. " and raise its desired capacity (or enable managed scaling)",
              command = with_region("aws ecs describe-capacity-providers --capacity-providers {providers} --query 'capacityProviders[].{name:name,asg:autoScalingGroupProvider.autoScalingGroupArn,scaling:autoScalingGroupProvider.managedScaling.status}'"),
              args = { providers = cps },
              docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/asg-capacity-providers.html" }
          end
          rem[#rem + 1] = { description = "Or shrink the task: register a revision of " .. tdname
              .. " with smaller cpu/memory reservations (memoryReservation is a soft limit)",
            command = with_region("aws ecs describe-task-definition --task-definition {td} --query 'taskDefinition.{cpu:cpu,memory:memory,containers:containerDefinitions[].{name:name,cpu:cpu,memory:memory,memoryReservation:memoryReservation}}'"),
            args = { td = tdname },
            docs = DOCS_MEM }
          edoc.finding {
            title = string.format("%s: tasks cannot be placed — insufficient %s on the cluster's container instances",
              svc.serviceName or "?", what),
            confidence = 0.9,
            explanation = expl,
            evidence = evidence,
            resources = resources,
            key = (svc.serviceName or "?") .. "/" .. what,
            when = r.e.createdAt,
            subject = svc.serviceName,
            explains = { "deployment_circuit_breaker", "deployment_stuck" },
            remediation = rem,
          }
        end
      end
    end
  end,
}
