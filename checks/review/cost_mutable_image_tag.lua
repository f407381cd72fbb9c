-- cost.mutable_image_tag: images referenced by `latest` (explicit or implied) or another moving tag
-- (stable, main, prod...) without a digest. A moving tag makes two tasks of one revision run
-- different code, breaks rollbacks, and hides which build is deployed. Version tags (v42, a git
-- SHA) are not flagged: they are only mutable if someone re-pushes them, which ECR's tag
-- immutability prevents.

local MOVING = { latest = true, stable = true, main = true, master = true, dev = true, develop = true,
                 prod = true, production = true, staging = true, release = true, edge = true,
                 nightly = true, current = true, test = true }

-- repository part and tag of an image reference ("host/repo:tag@sha256:..")
local function parse(ref)
  if ref:find("@", 1, true) then return nil, nil, true end
  local last = ref:match("([^/]*)$")
  local tag = last:match(":([^:]+)$")
  local repo = tag and ref:sub(1, #ref - #tag - 1) or ref
  return repo, tag, false
end

local scope = edoc.td_scope

return {
  id       = "cost.mutable_image_tag",
  category = "best_practice",
  kind     = "recommendation",
  severity = "low",
  summary  = "Images referenced by `latest` or another moving tag without a digest",
  needs    = { "ecs.task_definitions" },

  run = function(ev)
    for _, s in ipairs(scope(ev)) do
      for ci, c in ipairs(s.td.containerDefinitions or {}) do
        local ref = c.image
        local repo, tag, pinned = nil, nil, true
        if type(ref) == "string" then repo, tag, pinned = parse(ref) end
        if not pinned and (tag == nil or MOVING[tag:lower()]) then
          local info = ev.images and ev.images[ref]
          local ecr = (info and info.registry == "ecr") or ref:find("%.dkr%.ecr%.") ~= nil
          local repo_name = (info and info.repository) or repo:match("^[^/]+%.[^/]+/(.+)$") or repo
          local region = (info and info.region) or ref:match("%.dkr%.ecr%.([%w%-]+)%.amazonaws") or edoc.region()
          local shown = tag or "latest (implied)"
          local rem = {}
          if ecr then
            rem[#rem + 1] = { description = "Look up the digest the tag points to now, and reference the image by it (repo@sha256:...) or by a unique version tag",
                              command = region and "aws ecr describe-images --repository-name {repo} --image-ids imageTag={tag} --query 'imageDetails[0].imageDigest' --output text --region {region}"
                                or "aws ecr describe-images --repository-name {repo} --image-ids imageTag={tag} --query 'imageDetails[0].imageDigest' --output text",
                              args = { repo = repo_name, tag = tag or "latest", region = region },
                              docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html" }
            rem[#rem + 1] = { description = "Make the repository's tags immutable so a tag always means one build (then tag builds uniquely, e.g. with the git SHA)",
                              command = region and "aws ecr put-image-tag-mutability --repository-name {repo} --image-tag-mutability IMMUTABLE --region {region}"
                                or "aws ecr put-image-tag-mutability --repository-name {repo} --image-tag-mutability IMMUTABLE",
                              args = { repo = repo_name, region = region },
                              docs = "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html" }
          else
            rem[#rem + 1] = { description = "Reference the image by a unique version tag or by digest (" .. repo .. "@sha256:...) in the task definition",
                              command = "docker buildx imagetools inspect --format '{{json .Manifest.Digest}}' -- {image}",
                              args = { image = ref },
                              docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html" }
          end
          edoc.finding {
            kind        = "recommendation",
            rule        = "cost.mutable_image_tag",
            confidence  = 0.8,
            title       = string.format("%s/%s uses the moving image tag %s (%s)", s.td.family or "?", c.name or "?", shown, ref),
            explanation = "A moving tag can point to a different build tomorrow: tasks of one revision may run different code, a rollback to the revision does not bring back the old code, and nobody can tell what is deployed.",
            evidence    = { edoc.ptr("task_definitions", s.arn, "containerDefinitions", ci - 1, "image") },
            resources   = { ref },
            subject     = s.svc and s.svc.serviceName or s.td.family,
            key         = ref,
            remediation = rem,
          }
        end
      end
    end
  end,
}
