-- placement.no_container_instances: an EC2-backed service has nowhere to run:
-- the cluster (or its capacity provider) has no ACTIVE container instance.
-- Evidence: the capacity section (ListContainerInstances) and the scheduler's
-- event ("No Container Instances were found in your capacity provider", or the
-- generic placement failure while the cluster has no instances).
-- Evidence may be partial or odd-typed (a buggy collector, a hand-edited
-- bundle): read it through these so a bad field is "unknown", not an error.
local list, str, num = edoc.list, edoc.str, edoc.num
local DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages.html"
local DOCS_CP = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/asg-capacity-providers.html"

local recent_events = edoc.recent_events

local with_region = edoc.with_region

-- Services that need container instances: EC2/EXTERNAL launch type, or a
-- capacity provider strategy naming a non-Fargate provider.
local function needs_instances(svc)
  if svc.launchType == "EC2" or svc.launchType == "EXTERNAL" then return true end
  for _, s in ipairs(list(svc.capacityProviderStrategy)) do
    if s.capacityProvider ~= "FARGATE" and s.capacityProvider ~= "FARGATE_SPOT" then return true end
  end
  return false
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

return {
  id = "placement.no_container_instances",
  category = "no_container_instances",
  severity = "critical",
  summary = "The service needs EC2 container instances and the cluster has none ACTIVE",
  -- Container instances matter only for EC2-backed services: not a static need.
  needs = { "ecs.services" },
  uses = { "ecs.capacity", "ecs.cluster" },

  run = function(ev)
    local cap = ev.capacity
    local instances = cap and cap.container_instances
    local n_active, n_total, states = 0, 0, {}
    if instances then
      for _, ci in ipairs(list(instances)) do
        n_total = n_total + 1
        if ci.status == "ACTIVE" then n_active = n_active + 1 else
          states[#states + 1] = (ci.ec2InstanceId or "?") .. " " .. tostring(ci.status)
        end
      end
    end
    for si, svc in ipairs(list(ev.services)) do
      local hit
      for _, r in ipairs(recent_events(svc)) do
        if r.m:find("no container instances were found", 1, true) then hit = r break end
        if not hit and r.m:find("no container instance met all of its requirements", 1, true)
          and instances and n_active == 0 then hit = r end
      end
      local static = needs_instances(svc) and instances and edoc.source_ok("ecs.capacity") and n_active == 0
        and (num(svc.desiredCount) or 0) > 0 and (num(svc.runningCount) or 0) < (num(svc.desiredCount) or 0)
      if hit or static then
        local evidence = {}
        if hit then
          evidence[#evidence + 1] = { pointer = edoc.ptr("services", si - 1, "events", hit.i - 1, "message"), note = "service event" }
        end
        evidence[#evidence + 1] = { pointer = edoc.ptr("cluster", "registeredContainerInstancesCount"),
                                    note = "container instances registered in the cluster" }
        local expl = string.format("%s runs on EC2 container instances, and cluster %s has %d ACTIVE container instance(s)",
          svc.serviceName or "?", edoc.cluster() or "?", n_active)
        if #states > 0 then expl = expl .. " (" .. table.concat(states, ", ") .. ")" end
        expl = expl .. string.format(": none of its %d desired task(s) can be placed.", num(svc.desiredCount) or 0)
        local rem = {}
        local cl = edoc.cluster() or "default"
        for _, cp in ipairs(list(cap and cap.capacity_providers)) do
          local asg = cp.autoScalingGroupProvider and cp.autoScalingGroupProvider.autoScalingGroupArn
          local name = asg and asg:match("autoScalingGroupName/(.+)$")
          if name then
            rem[#rem + 1] = { description = "Check why the Auto Scaling group behind " .. (cp.name or "?")
                .. " has no running instances (desired capacity 0, failed launches)",
              command = with_region("aws autoscaling describe-scaling-activities --auto-scaling-group-name {asg} --max-items 5"),
              args = { asg = name },
              docs = DOCS_CP }
            rem[#rem + 1] = { description = "Launch instances into it",
              command = with_region("aws autoscaling set-desired-capacity --auto-scaling-group-name {asg} --desired-capacity {count}"),
              args = { asg = name, count = math.max(1, num(svc.desiredCount) or 1) },
              docs = DOCS_CP }
          end
        end
        local cps = ec2_capacity_providers(ev)
        if #rem == 0 and #cps > 0 then
          rem[#rem + 1] = { description = "Find the Auto Scaling group behind " .. table.concat(cps, ", ")
              .. " and why it has no instances (desired capacity 0, failed launches)",
            command = with_region("aws ecs describe-capacity-providers --capacity-providers {providers} --query 'capacityProviders[].{name:name,asg:autoScalingGroupProvider.autoScalingGroupArn}'"),
            args = { providers = cps },
            docs = DOCS_CP }
        end
        rem[#rem + 1] = { description = "Instances that run but never registered: check ECS_CLUSTER in /etc/ecs/ecs.config, "
            .. "the instance role (AmazonEC2ContainerServiceforEC2Role) and the agent's route to the ECS endpoint",
          command = with_region("aws ecs list-container-instances --cluster {cluster}"),
          args = { cluster = cl },
          docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/launch_container_instance.html" }
        edoc.finding {
          title = string.format("%s: cluster %s has no ACTIVE container instances to run tasks on",
            svc.serviceName or "?", edoc.cluster() or "?"),
          confidence = hit and 0.95 or 0.8,
          explanation = expl,
          evidence = evidence,
          resources = { svc.serviceName, edoc.cluster() },
          key = svc.serviceName,
          when = hit and hit.e.createdAt or nil,
          subject = svc.serviceName,
          explains = { "deployment_circuit_breaker", "deployment_stuck", "placement_insufficient_resources" },
          remediation = rem,
        }
      end
    end
  end,
}
