-- host.disk_full: the container instance (or the Fargate task's ephemeral
-- storage) ran out of disk: "no space left on device" while pulling or writing,
-- or the Docker devicemapper thin pool is exhausted ("CannotCreateContainerError:
-- API error (500): devmapper: Thin Pool has N free data blocks which is less
-- than minimum required ..."). The instance is named from the task's
-- containerInstanceArn so the fix can target it.
-- Evidence may be partial or odd-typed (a buggy collector, a hand-edited
-- bundle): read it through these so a bad field is "unknown", not an error.
local list, str, num = edoc.list, edoc.str, edoc.num
local DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/CannotCreateContainerError.html"
local DOCS_STORAGE = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-ami-storage-config.html"
local DOCS_FARGATE = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-storage.html"

local with_region = edoc.with_region

local PATTERNS = { "no space left on device", "thin pool has", "enospc" }

local function ec2_of(ev, ciarn)
  for _, ci in ipairs(list(ev.capacity and ev.capacity.container_instances)) do
    if ci.containerInstanceArn == ciarn then return ci.ec2InstanceId end
  end
  return nil
end

return {
  id = "host.disk_full",
  category = "disk_full",
  severity = "high",
  summary = "The host or the task's storage is out of disk space",
  needs = { "ecs.tasks" },
  uses = { "ecs.capacity" },

  run = function(ev)
    local by_host = {}
    local order = {}
    -- Only tasks with a disk-full text (indexed by the host).
    for ti, t in edoc.tasks_matching(PATTERNS) do
      local where, ptr = nil, nil
      if edoc.match_any(t.stoppedReason, PATTERNS) then
        ptr = edoc.ptr("tasks", ti - 1, "stoppedReason")
      else
        for ci, c in ipairs(list(t.containers)) do
          if edoc.match_any(c.reason, PATTERNS) then ptr = edoc.ptr("tasks", ti - 1, "containers", ci - 1, "reason") break end
        end
      end
      if ptr then
        if t.containerInstanceArn then
          where = ec2_of(ev, t.containerInstanceArn) or edoc.basename(t.containerInstanceArn)
        else
          where = "fargate:" .. (edoc.basename(t.taskDefinitionArn) or "?")
        end
        local h = by_host[where]
        if not h then
          h = { n = 0, evidence = {}, tasks = {}, t = t, latest = 0 }
          by_host[where] = h
          order[#order + 1] = where
        end
        h.n = h.n + 1
        if #h.evidence < 3 then h.evidence[#h.evidence + 1] = { pointer = ptr, note = "stopped task " .. (edoc.task_id(t.taskArn) or "?") } end
        h.tasks[#h.tasks + 1] = edoc.task_id(t.taskArn)
        if (num(t.stoppedAt) or 0) > h.latest then h.latest = num(t.stoppedAt) or 0 end
      end
    end
    for _, where in ipairs(order) do
      local h = by_host[where]
      local fargate = where:sub(1, 8) == "fargate:"
      local rem, expl
      if fargate then
        local tdn = where:sub(9)
        expl = string.format("%d task(s) of %s ran out of their Fargate ephemeral storage (20 GiB by default).", h.n, tdn)
        rem = {
          { description = "Give the task more ephemeral storage (up to 200 GiB) in a new revision of " .. tdn,
            command = with_region("aws ecs describe-task-definition --task-definition {td} --query 'taskDefinition.ephemeralStorage'"),
            args = { td = tdn },
            docs = DOCS_FARGATE },
        }
      else
        expl = string.format("%d task(s) failed on container instance %s because its disk is full: Docker cannot pull layers or create "
          .. "containers. Old images, stopped containers and container logs accumulate there.", h.n, where)
        local is_i = where:match("^i%-") ~= nil
        rem = {
          { description = "Free space on " .. where .. " (unused images and stopped containers)",
            command = is_i and with_region([[aws ssm send-command --instance-ids {instance} --document-name AWS-RunShellScript --parameters 'commands=["df -h /var/lib/docker","docker system prune -af --filter until=24h","df -h /var/lib/docker"]']])
              or "docker system prune -af   # on the container instance",
            args = { instance = is_i and where or nil },
            docs = DOCS },
          { description = "Keep it from filling again: shorten ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION / image cleanup in /etc/ecs/ecs.config, "
              .. "or launch instances with a larger data volume",
            command = is_i and with_region("aws ec2 describe-instances --instance-ids {instance} --query 'Reservations[].Instances[].BlockDeviceMappings'")
              or with_region("aws ecs list-container-instances --cluster {cluster}"),
            args = is_i and { instance = where } or { cluster = edoc.cluster() or "default" },
            docs = DOCS_STORAGE },
        }
      end
      edoc.finding {
        title = fargate and string.format("%d task(s) ran out of ephemeral storage (%s)", h.n, where:sub(9))
          or string.format("Container instance %s is out of disk space (%d task(s) failed)", where, h.n),
        confidence = 0.95,
        explanation = expl,
        evidence = h.evidence,
        resources = { where, h.tasks[1] },
        count = h.n,
        key = where,
        when = h.latest > 0 and h.latest or nil,
        subject = h.t.group and h.t.group:match("^service:(.+)$") or nil,
        explains = { "deployment_circuit_breaker", "deployment_stuck" },
        remediation = rem,
      }
    end
  end,
}
