-- host.agent_disconnected: the ECS container agent on a container instance is
-- not connected, so ECS cannot place tasks there or track the ones it runs.
-- Evidence: DescribeContainerInstances agentConnected=false on an ACTIVE
-- instance, and the scheduler's 'encountered error "AGENT"' / "Timed out
-- waiting for Amazon ECS Agent to start" events.
-- Evidence may be partial or odd-typed (a buggy collector, a hand-edited
-- bundle): read it through these so a bad field is "unknown", not an error.
local list, str, num = edoc.list, edoc.str, edoc.num
local DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages.html"
local DOCS_AGENT = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-agent-update.html"

local with_region = edoc.with_region

local recent_events = edoc.recent_events

return {
  id = "host.agent_disconnected",
  category = "agent_disconnected",
  severity = "high",
  summary = "The ECS agent on a container instance is disconnected",
  needs = { "ecs.services" }, -- ecs.capacity is read when present (EC2 clusters only)
  uses = { "ecs.capacity" },

  run = function(ev)
    local instances = (ev.capacity and ev.capacity.container_instances) or {}
    -- Events that blame the agent, indexed by container instance id.
    local blamed = {}
    for si, svc in ipairs(list(ev.services)) do
      for _, r in ipairs(recent_events(svc)) do
        if r.m:find('encountered error "agent"', 1, true) or r.m:find("timed out waiting for amazon ecs agent to start", 1, true) then
          local id = r.m:match("container%-instance ([%w%-]+)") or "?"
          blamed[id] = blamed[id] or { ptr = edoc.ptr("services", si - 1, "events", r.i - 1, "message"), svc = svc.serviceName, when = r.e.createdAt }
        end
      end
    end
    local reported = {}
    for ii, ci in ipairs(list(instances)) do
      local id = edoc.basename(str(ci.containerInstanceArn)) or ("#" .. ii)
      local down = ci.agentConnected == false and ci.status ~= "INACTIVE" and ci.status ~= "DEREGISTERING"
      if down or blamed[id] then
        reported[id] = true
        local ec2 = ci.ec2InstanceId
        local evidence = { { pointer = edoc.ptr("capacity", "container_instances", ii - 1, "agentConnected"),
                             note = "agent on " .. (ec2 or id) } }
        if blamed[id] then evidence[#evidence + 1] = { pointer = blamed[id].ptr, note = "service event" } end
        local ver = ci.versionInfo and ci.versionInfo.agentVersion
        edoc.finding {
          title = string.format("ECS agent disconnected on %s (%s)", ec2 or id, ci.status or "?"),
          severity = blamed[id] and "high" or "medium",
          confidence = 0.9,
          explanation = string.format("Container instance %s (%s, agent %s) is %s but its ECS agent is not connected%s. ECS cannot "
            .. "place tasks on it, and tasks on it are not updated. Usual causes: the agent crashed or was stopped, Docker hangs, "
            .. "the instance lost its route to the ECS endpoint, or its instance role lost ecs:* permissions.",
            id, ec2 or "?", ver or "?", ci.status or "?",
            blamed[id] and (" — the scheduler skipped it while placing tasks of " .. (blamed[id].svc or "?")) or ""),
          evidence = evidence,
          resources = { ec2, id },
          key = id,
          when = blamed[id] and blamed[id].when or nil,
          subject = blamed[id] and blamed[id].svc or nil,
          explains = { "deployment_stuck", "placement_insufficient_resources" },
          remediation = {
            { description = "Restart the agent on " .. (ec2 or id) .. " (Amazon Linux 2/2023 ECS-optimized AMI)",
              command = ec2 and with_region([[aws ssm send-command --instance-ids {instance} --document-name AWS-RunShellScript --parameters 'commands=["sudo systemctl restart ecs","sleep 10","curl -s http://localhost:51678/v1/metadata"]']])
                or "sudo systemctl restart ecs",
              args = { instance = ec2 },
              docs = DOCS },
            { description = "Read the agent log (/var/log/ecs/ecs-agent.log) for the reason",
              command = ec2 and with_region([[aws ssm send-command --instance-ids {instance} --document-name AWS-RunShellScript --parameters 'commands=["sudo tail -n 100 /var/log/ecs/ecs-agent.log"]']])
                or "sudo tail -n 100 /var/log/ecs/ecs-agent.log",
              args = { instance = ec2 },
              docs = DOCS_AGENT },
            { description = "Or drain and replace the instance",
              command = with_region("aws ecs update-container-instances-state --cluster {cluster} --container-instances {instance} --status DRAINING"),
              args = { cluster = edoc.cluster() or "default", instance = id },
              docs = DOCS_AGENT },
          },
        }
      end
    end
    -- An event naming an instance we have no record of still deserves a finding.
    for id, b in pairs(blamed) do
      if not reported[id] and id ~= "?" then
        edoc.finding {
          title = "ECS agent problem on container instance " .. id,
          severity = "high",
          confidence = 0.75,
          explanation = "The scheduler could not place a task of " .. (b.svc or "?") .. " on container instance " .. id
            .. " because of its agent.",
          evidence = { { pointer = b.ptr, note = "service event" } },
          resources = { id },
          key = id,
          when = b.when,
          subject = b.svc,
          explains = { "deployment_stuck" },
          remediation = {
            { description = "Check the instance's agent state",
              command = with_region("aws ecs describe-container-instances --cluster {cluster} --container-instances {instance} --query 'containerInstances[].{ec2:ec2InstanceId,agent:agentConnected,status:status}'"),
              args = { cluster = edoc.cluster() or "default", instance = id },
              docs = DOCS },
          },
        }
      end
    end
  end,
}
