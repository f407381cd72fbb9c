-- image.not_found: a stopped task could not pull its image because the
-- repository, tag or digest does not exist. The `images` evidence (ECR
-- DescribeImages for the task definition's reference) settles it: exists=false
-- confirms the missing tag; exists=true with a push after the failure means
-- the image arrived late and only a new deployment is needed.
local PATTERNS = { "not found", "manifest unknown", "does not exist", "manifest for", "repository does not exist" }
local NOT_MISSING = { "i/o timeout", "context deadline exceeded", "accessdenied", "not authorized",
                      "toomanyrequests", "403 forbidden", "no space left", "exec format" }

-- The image named in a pull error: "... pull image manifest has been retried 1 time(s):
-- failed to resolve ref 123.dkr.ecr.us-east-1.amazonaws.com/app:v43: ... not found"
local function image_of(task, reason)
  for _, c in edoc.ipairs(task.containers) do
    if type(c) == "table" and type(c.image) == "string" and reason:find(edoc.norm(c.image), 1, true) then return c.image end
  end
  local first = type(task.containers) == "table" and task.containers[1]
  return type(first) == "table" and type(first.image) == "string" and first.image or nil
end

local function num(v) return tonumber(v) end

-- Repository, tag, region and registry id of an image reference, preferring
-- what the collector resolved (images[ref]).
local function parts(image, img)
  local host, path = image:match("^([^/]+%.[^/]+)/(.+)$")
  path = path or image
  local repo = path:match("^([^:@]+)")
  local tag = path:match(":([^:/@]+)$")
  local digest = path:match("@(sha256:%x+)$")
  local region = host and host:match("%.dkr%.ecr%.([%w-]+)%.amazonaws%.com")
  local registry = host and host:match("^(%d+)%.dkr%.ecr%.")
  if img then
    local function str(v) return type(v) == "string" and v ~= "" and v or nil end
    repo = str(img.repository) or repo
    tag = str(img.tag) or tag
    digest = str(img.digest) or digest
    region = str(img.region) or region
    registry = str(img.registryId) or registry
  end
  return repo, tag, digest, region, registry, host and host:find("%.dkr%.ecr%.") ~= nil
end

local function remediation(ctx)
  local rem = {}
  if ctx.late then
    rem[#rem + 1] = {
      description = "The image exists now: start a new deployment of " .. (ctx.service or "the service") ..
                    " so ECS pulls it again",
      command = "aws ecs update-service --cluster {cluster} --service {service} --force-new-deployment --region {region}",
      args = { cluster = edoc.cluster() or "CLUSTER", service = ctx.service or "SERVICE", region = ctx.target_region },
      docs = "https://docs.aws.amazon.com/cli/latest/reference/ecs/update-service.html" }
  end
  if ctx.ecr then
    -- Another account's registry needs --registry-id.
    local other = ctx.registry and ctx.registry ~= ctx.account
    local args = { repo = ctx.repo, region = ctx.region, registry = other and ctx.registry or nil }
    if ctx.tag then
      rem[#rem + 1] = {
        description = "Confirm whether tag '" .. ctx.tag .. "' exists in " .. ctx.repo,
        command = other and "aws ecr describe-images --repository-name {repo} --registry-id {registry} --region {region} --image-ids imageTag={tag}"
                  or "aws ecr describe-images --repository-name {repo} --region {region} --image-ids imageTag={tag}",
        args = { repo = ctx.repo, region = ctx.region, registry = args.registry, tag = ctx.tag },
        docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html" }
    end
    rem[#rem + 1] = {
      description = "List the tags that do exist in " .. ctx.repo .. " (newest last)",
      command = other and "aws ecr describe-images --repository-name {repo} --registry-id {registry} --region {region} --query 'sort_by(imageDetails,&imagePushedAt)[-10:].imageTags'"
                or "aws ecr describe-images --repository-name {repo} --region {region} --query 'sort_by(imageDetails,&imagePushedAt)[-10:].imageTags'",
      args = args,
      docs = "https://docs.aws.amazon.com/cli/latest/reference/ecr/describe-images.html" }
    rem[#rem + 1] = {
      description = "Or every tagged image id of the repository",
      command = other and "aws ecr list-images --repository-name {repo} --registry-id {registry} --region {region} --filter tagStatus=TAGGED"
                or "aws ecr list-images --repository-name {repo} --region {region} --filter tagStatus=TAGGED",
      args = args,
      docs = "https://docs.aws.amazon.com/cli/latest/reference/ecr/list-images.html" }
  else
    rem[#rem + 1] = {
      description = "Check that the image reference exists in its registry",
      command = "docker manifest inspect -- {image}",
      args = { image = ctx.image },
      docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html" }
  end
  if not ctx.late then
    rem[#rem + 1] = {
      description = "Push the missing " .. (ctx.tag and ("tag '" .. ctx.tag .. "'") or "image") ..
                    ", or register a revision of " .. (ctx.family or "the task definition") ..
                    " that references an existing tag and update the service to it",
      command = ctx.service and "aws ecs update-service --cluster {cluster} --service {service} --task-definition {family} --region {region}" or nil,
      args = ctx.service and { cluster = edoc.cluster() or "CLUSTER", service = ctx.service, family = ctx.family_name or "FAMILY",
                               region = ctx.target_region } or nil,
      docs = "https://docs.aws.amazon.com/AmazonECR/latest/userguide/docker-push-ecr-image.html" }
  end
  return rem
end

return {
  id       = "image.not_found",
  category = "image_not_found",
  severity = "critical",
  summary  = "The task's image repository or tag does not exist in the registry (ECR DescribeImages confirms)",
  needs    = { "ecs.tasks" },
  uses     = { "ecr.images" },

  run = function(ev)
    -- First pass: the tasks whose pull failed with "not found", and per image
    -- the latest failure (a push after it means the image arrived late).
    local failed, last_fail = {}, {}
    -- Only tasks with a failed pull among their texts (indexed by the host).
    for i, task in edoc.tasks_matching("cannotpullcontainererror") do
      if type(task) ~= "table" then goto next_task end
      local reason = edoc.norm(task.stoppedReason)
      local cidx, creason
      for j, c in edoc.ipairs(task.containers) do
        if type(c) == "table" and edoc.match(c.reason, { "cannotpullcontainererror" }) then cidx, creason = j, edoc.norm(c.reason) end
      end
      local text = reason .. " " .. (creason or "")
      if text:find("cannotpullcontainererror", 1, true) and edoc.match_any(text, PATTERNS)
         and not edoc.match_any(text, NOT_MISSING) then
        local image = image_of(task, text) or "?"
        failed[#failed + 1] = { i = i, task = task, cidx = cidx, image = image }
        local at = num(task.stoppedAt)
        if at and (not last_fail[image] or at > last_fail[image]) then last_fail[image] = at end
      end
      ::next_task::
    end
    for _, fl in ipairs(failed) do
      local i, task, cidx, image = fl.i, fl.task, fl.cidx, fl.image
      do
        local evidence = { edoc.ptr("tasks", i - 1, "stoppedReason") }
        if cidx then evidence[#evidence + 1] = edoc.ptr("tasks", i - 1, "containers", cidx - 1, "reason") end
        local img = type(ev.images) == "table" and ev.images[image] or nil
        if type(img) ~= "table" then img = nil end
        local repo, tag, digest, region, registry, ecr = parts(image, img)
        local target_region = edoc.region() or region or "us-east-1"
        local stopped = last_fail[image]
        local pushed = img and type(img.imageDetail) == "table" and num(img.imageDetail.imagePushedAt)
        local late = img and img.exists == true and pushed and stopped and pushed > stopped
        local confidence, title, expl = 0.9, "Image not found: " .. image, nil
        local ref = tag and (repo .. ":" .. tag) or (digest and (repo .. "@" .. digest)) or repo or image
        if img and img.exists == false then
          confidence = 0.98
          evidence[#evidence + 1] = { pointer = edoc.ptr("images", image, "exists"),
                                      note = "ECR DescribeImages: the image does not exist" }
          if type(img.error) == "table" and img.error.code then
            evidence[#evidence + 1] = edoc.ptr("images", image, "error", "code")
          end
          title = "Image not found: " .. ref .. " does not exist in ECR (" .. (region or target_region) .. ")"
          expl = "ECS could not pull " .. image .. " and ECR's DescribeImages confirms it: " ..
                 ((type(img.error) == "table" and img.error.code) or "the image") .. " for " .. ref .. ". Every new task fails " ..
                 "the same way until the tag is pushed or the task definition points at an image that exists."
        elseif late then
          confidence = 0.75
          evidence[#evidence + 1] = { pointer = edoc.ptr("images", image, "imageDetail", "imagePushedAt"),
                                      note = "pushed after the failed pull" }
          title = "Image " .. ref .. " was not found when tasks started; it now exists (pushed after the failure)"
          expl = "Tasks failed to pull " .. image .. " because the tag did not exist yet: DescribeImages " ..
                 "shows it was pushed after the last failed pull (a pipeline that registered the task " ..
                 "definition before its push finished). A new deployment will pull it."
        elseif img and img.exists == true then
          confidence = 0.6
          evidence[#evidence + 1] = { pointer = edoc.ptr("images", image, "exists"),
                                      note = "DescribeImages finds this reference" }
          expl = "The pull of " .. image .. " failed with 'not found', but DescribeImages finds " .. ref ..
                 " now. Check the registry account and region in the image URI and whether the tag was " ..
                 "deleted and re-pushed (lifecycle policy)."
        end
        local tdarn = type(task.taskDefinitionArn) == "string" and task.taskDefinitionArn or nil
        local family_name = tdarn and edoc.basename(tdarn):match("^([^:]+)")
        local service = type(task.group) == "string" and (task.group:gsub("^service:", "")) or nil
        edoc.finding {
          title       = title,
          confidence  = confidence,
          explanation = expl or ("ECS could not pull " .. image .. " because the registry says the repository, " ..
                        "tag or digest does not exist. Every new task fails the same way until the task " ..
                        "definition points at an image that exists."),
          evidence    = evidence,
          resources   = { edoc.task_id(task.taskArn) },
          key         = image,
          when        = task.stoppedAt,
          subject     = service,
          explains    = { "deployment_circuit_breaker", "deployment_stuck", "elb_health_check_failed" },
          remediation = remediation {
            late = late, ecr = ecr and repo ~= nil, repo = repo, tag = tag, region = region or target_region,
            target_region = target_region, registry = registry, account = ev.target and ev.target.account,
            image = image, service = service, family_name = family_name,
            family = tdarn and edoc.basename(tdarn) },
        }
      end
    end
  end,
}
