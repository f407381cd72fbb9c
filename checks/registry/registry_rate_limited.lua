-- registry.rate_limited: the registry throttled the pull. Docker Hub's texts
-- (AWS "CannotPullContainer task errors", Docker Hub rate limiting):
--   ERROR: toomanyrequests: Too Many Requests.
--   You have reached your pull rate limit. You may increase the limit by authenticating and
--   upgrading: https://www.docker.com/increase-rate-limits
-- usually wrapped as "CannotPullContainerError: ... 429 Too Many Requests - Server message:
-- toomanyrequests: ...". Anonymous pulls from a NAT gateway share one public IP
-- and its limit, so a scale-out or deployment hits it at once.
local DOC_PTC = "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html"
local DOC_PRIV = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/private-auth.html"
local DOC_HUB = "https://www.docker.com/increase-rate-limits"
local PATTERNS = { "toomanyrequests", "you have reached your pull rate limit", "429 too many requests" }

local N, any_of = edoc.norm_str, edoc.has_any -- cached normalisation (checks/API.md)

local with_region = edoc.with_region

return {
  id = "registry.rate_limited",
  category = "registry_rate_limited",
  severity = "high",
  summary = "The image registry (usually Docker Hub) rate-limited the image pulls",
  needs = { "ecs.tasks" },
  uses = { "ecs.services", "ecs.task_definitions" },

  run = function(ev)
    edoc.each_message(ev, PATTERNS, function(m)
      if m.text and any_of(m.text, PATTERNS) then
        local img = m.container and m.container.image
        if not img then
          local tdarn = m.task and m.task.taskDefinitionArn or (m.service and m.service.taskDefinition)
          local td = tdarn and ev.task_definitions and ev.task_definitions[tdarn]
          for _, cd in ipairs((td and td.containerDefinitions) or {}) do
            if not (cd.image or ""):find("%.dkr%.ecr%.") then img = cd.image break end
          end
        end
        img = img or "IMAGE"
        -- Docker Hub short names ("nginx:1.25", "library/nginx") live under docker.io.
        local first = img:match("^([^/]+)/")
        local hub = not first or not (first:find("%.") or first:find(":")) or first == "docker.io"
        local path = img:gsub("^docker%.io/", ""):gsub("[:@].*$", "")
        if hub and not path:find("/") then path = "library/" .. path end
        local region = edoc.region() or "us-east-1"
        local acct = (ev.target and ev.target.account) or "ACCOUNT_ID"
        local rem = {
          { description = "Serve Docker Hub images from ECR with a pull-through cache rule (authenticated, cached in your account)",
            command = "aws ecr create-pull-through-cache-rule --ecr-repository-prefix docker-hub --upstream-registry-url registry-1.docker.io --credential-arn {secret} --region {region}",
            args = { secret = string.format("arn:aws:secretsmanager:%s:%s:secret:ecr-pullthroughcache/docker-hub", region, acct), region = region }, docs = DOC_PTC },
          { description = "then point the task definition at " .. string.format("%s.dkr.ecr.%s.amazonaws.com/docker-hub/%s", acct, region, path),
            command = with_region("aws ecs describe-task-definition --task-definition {td} --query 'taskDefinition.containerDefinitions[].image'"),
            args = { td = edoc.basename((m.task and m.task.taskDefinitionArn) or (m.service and m.service.taskDefinition) or "TASKDEF") }, docs = DOC_PTC },
          { description = "Or authenticate the pulls with a Docker Hub account (repositoryCredentials from Secrets Manager)",
            command = with_region("aws secretsmanager create-secret --name dockerhub/ecs-pull --secret-string '{\"username\":\"USER\",\"password\":\"ACCESS_TOKEN\"}'"),
            docs = DOC_PRIV },
          { description = "Docker Hub's limits, and how authenticated pulls raise them",
            command = with_region("aws ecs describe-services --cluster {cluster} --services {service} --query 'services[].events[:5].message'"),
            args = { cluster = edoc.cluster() or "default",
                     service = (m.service and m.service.serviceName) or (m.task and m.task.group and m.task.group:match("^service:(.+)$")) or "SERVICE" },
            docs = DOC_HUB },
        }
        edoc.finding {
          title = "Image pulls rate-limited by " .. (hub and "Docker Hub" or "the registry") .. ": " .. img,
          confidence = 0.95,
          explanation = "The registry answered the pull with HTTP 429 (toomanyrequests). "
            .. (hub and "Docker Hub limits anonymous pulls per source IP; tasks behind a NAT gateway share that IP, so a deployment or scale-out exhausts it. " or "")
            .. "The image and the network are fine; retries only add to the count.",
          evidence = { { pointer = m.ptr, note = "failure message" } },
          resources = { img },
          key = img,
          when = m.when,
          subject = m.service and m.service.serviceName or (m.task and m.task.group and m.task.group:match("^service:(.+)$")),
          explains = { "deployment_circuit_breaker", "deployment_stuck", "ecs.pull_error" },
          remediation = rem,
        }
      end
    end)
  end,
}
