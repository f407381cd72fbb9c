-- net.eni_provisioning_failed: the task's elastic network interface could not
-- be created or attached in time. AWS's stopped reasons:
--   Timeout waiting for network interface provisioning to complete.
--   Network interface provision complete error timeout wait for network interface provision.
--   Rate limit exceeded while preparing network interface to be attached to instance
-- and, on EC2 container instances, placement failing on the RESOURCE:ENI
-- requirement (no free ENI slot on any instance). When the subnets are
-- simply full, net.subnet_ip_exhausted is the root cause and explains this.
local DOC = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html"
local DOC_TRUNK = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking.html"
local PATTERNS = { "waiting for network interface provisioning", "network interface provision complete error",
  "preparing network interface to be attached", "resource:eni", "failed to attach network interface",
  "eni provisioning" }

local N, any_of = edoc.norm_str, edoc.has_any -- cached normalisation (checks/API.md)

local with_region = edoc.with_region

return {
  id = "net.eni_provisioning_failed",
  category = "eni_provisioning_failed",
  severity = "high",
  summary = "The task's network interface (ENI) could not be provisioned or attached",
  needs = { "ecs.tasks" },
  uses = { "ecs.services" },

  run = function(ev)
    local msgs = {}
    -- Only tasks stopped with an ENI failure (indexed by the host).
    for ti, t in edoc.tasks_matching(PATTERNS, "stoppedReason") do
      msgs[#msgs + 1] = { text = t.stoppedReason, ptr = edoc.ptr("tasks", ti - 1, "stoppedReason"), when = t.stoppedAt, task = t }
    end
    for si, s in ipairs(ev.services or {}) do
      for ei, e in ipairs(s.events or {}) do
        if N(e.message):find("has reached a steady state", 1, true) then break end
        msgs[#msgs + 1] = { text = e.message, ptr = edoc.ptr("services", si - 1, "events", ei - 1, "message"), when = e.createdAt, service = s }
      end
    end
    local ec2 -- whether any task runs on EC2, looked up on the first failure
    for _, m in ipairs(msgs) do
      if m.text and any_of(m.text, PATTERNS) then
        local n = N(m.text)
        local ratelimit = n:find("rate limit", 1, true) ~= nil
        local eni_slots = n:find("resource:eni", 1, true) ~= nil
        local rem = {}
        if ec2 == nil then
          ec2 = false
          for _, t in ipairs(ev.tasks or {}) do if t.launchType == "EC2" then ec2 = true break end end
        end
        if eni_slots or ec2 then
          rem[#rem + 1] = { description = "Container instances are out of ENI slots: turn on awsvpc ENI trunking (new instances get more task ENIs)",
            command = with_region("aws ecs put-account-setting-default --name awsvpcTrunking --value enabled"), docs = DOC_TRUNK }
        end
        rem[#rem + 1] = { description = "Check the account's network interface quota and current usage",
          command = with_region("aws service-quotas get-service-quota --service-code vpc --quota-code L-DF5E4CA3"), docs = DOC }
        rem[#rem + 1] = { description = "Look for ENI create/attach errors in CloudTrail around the failure",
          command = with_region("aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=CreateNetworkInterface --max-results 20"), docs = DOC }
        edoc.finding {
          title = eni_slots and "Tasks cannot be placed: no container instance has a free ENI slot (RESOURCE:ENI)"
            or (ratelimit and "Task ENI provisioning was throttled (rate limit while preparing the network interface)"
            or "Task network interface provisioning timed out"),
          confidence = 0.8,
          explanation = "The task uses awsvpc networking, so ECS creates and attaches an elastic network interface before any "
            .. "container starts. That step failed: " .. m.text .. ". Usually transient (retries succeed) unless the ENI quota, "
            .. "the instances' ENI slots or the subnets' free addresses are exhausted.",
          evidence = { { pointer = m.ptr, note = "failure message" } },
          resources = { m.task and edoc.task_id(m.task.taskArn) or (m.service and m.service.serviceName) },
          key = eni_slots and "slots" or (ratelimit and "rate" or "timeout"),
          when = m.when,
          subject = m.service and m.service.serviceName or nil,
          explains = { "deployment_circuit_breaker", "deployment_stuck" },
          remediation = rem,
        }
      end
    end
  end,
}
