-- image.not_found: a stopped task could not pull its image because the
-- repository, tag or digest does not exist.
local PATTERNS = { "not found", "manifest unknown", "does not exist", "manifest for", "repository does not exist" }

-- The image named in a pull error: "... pull image manifest has been retried 1 time(s):
-- failed to resolve ref 123.dkr.ecr.us-east-1.amazonaws.com/app:v43: ... not found"
local function image_of(task, reason)
  for _, c in edoc.ipairs(task.containers) do
    if c.image and reason:find(edoc.norm(c.image), 1, true) then return c.image end
  end
  local first = task.containers and task.containers[1]
  return first and first.image or nil
end

return {
  id       = "image.not_found",
  category = "image_not_found",
  severity = "critical",
  summary  = "The task's image repository or tag does not exist in the registry",
  needs    = { "ecs.tasks" },

  run = function(ev)
    for i, task in edoc.ipairs(ev.tasks) do
      local reason = edoc.norm(task.stoppedReason)
      local cidx, creason
      for j, c in edoc.ipairs(task.containers) do
        if edoc.match(c.reason, { "cannotpullcontainererror" }) then cidx, creason = j, edoc.norm(c.reason) end
      end
      local text = reason .. " " .. (creason or "")
      if text:find("cannotpullcontainererror", 1, true) and edoc.match_any(text, PATTERNS)
         and not edoc.match_any(text, { "i/o timeout", "context deadline exceeded", "accessdenied",
                                        "not authorized", "toomanyrequests" }) then
        local image = image_of(task, text) or "?"
        local evidence = { edoc.ptr("tasks", i - 1, "stoppedReason") }
        if cidx then evidence[#evidence + 1] = edoc.ptr("tasks", i - 1, "containers", cidx - 1, "reason") end
        local img = ev.images and ev.images[image]
        local repo = img and img.repository or image:match("^[^/]+/([^:@]+)") or image:match("^([^:@]+)")
        local tag = image:match(":([^:/@]+)$")
        local region = edoc.region() or "us-east-1"
        local rem = {
          { description = "List the tags that exist in the repository",
            command = "aws ecr describe-images --repository-name {repo} --region {region} --query 'sort_by(imageDetails,&imagePushedAt)[-10:].imageTags'",
            args = { repo = repo or "REPOSITORY", region = region },
            docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html" },
          { description = "Push the missing tag" .. (tag and (" '" .. tag .. "'") or "") ..
                          ", or register a task definition revision that references an existing tag and update the service",
            docs = "https://docs.aws.amazon.com/AmazonECR/latest/userguide/docker-push-ecr-image.html" },
        }
        edoc.finding {
          title       = "Image not found: " .. image,
          confidence  = (img and img.exists == false) and 0.98 or 0.9,
          explanation = "ECS could not pull " .. image .. " because the registry says the repository, tag " ..
                        "or digest does not exist. Every new task fails the same way until the task " ..
                        "definition points at an image that exists.",
          evidence    = evidence,
          resources   = { edoc.task_id(task.taskArn) },
          key         = image,
          when        = task.stoppedAt,
          subject     = task.group and (task.group:gsub("^service:", "")) or nil,
          explains    = { "deployment_circuit_breaker", "deployment_stuck", "elb_health_check_failed" },
          remediation = rem,
        }
      end
    end
  end,
}
