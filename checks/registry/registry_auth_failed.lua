-- registry.auth_failed: the registry refused the pull or the registry auth
-- (not a timeout: a network failure is net.dependency_unreachable). Texts:
--   CannotPullContainerError: ... pull access denied for <repo>, repository does not exist or may
--     require 'docker login': denied: User: arn:aws:sts::...:assumed-role/<role>/... is not authorized
--     to perform: ecr:BatchGetImage on resource: arn:aws:ecr:...:repository/<repo>
--   ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval
--     failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s):
--     AccessDeniedException: User: ... is not authorized to perform: ecr:GetAuthorizationToken on resource: *
--   ... unable to get registry auth from asm ... AccessDeniedException (repositoryCredentials secret)
--   CannotPullContainerError: ... no basic auth credentials | unauthorized: authentication required | 401 Unauthorized
-- The denial is confirmed by evaluating the execution role's policies
-- (edoc.iam_eval) for the ECR actions on the repository; when they allow it,
-- the finding says so and points at the repository policy / cross-account.
local DOC_ROLE = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html"
local DOC_PULL = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html"
local DOC_PRIV = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/private-auth.html"
local DOC_REPO = "https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html"

local DENIED = { "pull access denied", "no basic auth credentials", "unauthorized: authentication required",
  "401 unauthorized", "403 forbidden", "is not authorized to perform: ecr:", "accessdeniedexception",
  "denied: requested access to the resource is denied", "not authorized to perform" }
local PULL = { "cannotpullcontainererror", "ecr registry auth", "registry auth from amazon ecr", "registry auth from asm",
  "pull the image" }

local N, any_of = edoc.norm_str, edoc.has_any -- cached normalisation (checks/API.md)

local with_region = edoc.with_region

-- A refused pull: not throttling, not the network, and not a 403 from ECR's
-- S3 layer bucket (that is the S3 endpoint policy: net.dependency_unreachable).
local function relevant(text)
  local n = N(text)
  return any_of(n, PULL) and any_of(n, DENIED) and not n:find("toomanyrequests", 1, true)
    and not n:find("i/o timeout", 1, true) and not n:find("starport-layer-bucket", 1, true)
end

local function taskdef_for(ev, m)
  local arn = m.task and m.task.taskDefinitionArn or (m.service and m.service.taskDefinition)
  return arn and ev.task_definitions and ev.task_definitions[arn], arn
end

-- The ECR image of the failing container: registry account, region, repository.
local function ecr_image(m, td)
  local img = m.container and m.container.image
  if not img and td then
    for _, cd in ipairs(td.containerDefinitions or {}) do
      if (cd.image or ""):find("%.dkr%.ecr%.") then img = cd.image break end
    end
  end
  img = img or (m.text or ""):match("([%d]+%.dkr%.ecr%.[%w%-]+%.amazonaws%.com/[%w%-%._/]+)")
  if not img then return nil end
  local acct, region, repo = img:match("^(%d+)%.dkr%.ecr%.([%w%-]+)%.amazonaws%.com/([^:@]+)")
  return img, acct, region, repo
end

return {
  id = "registry.auth_failed",
  category = "registry_auth_failed",
  severity = "critical",
  summary = "The registry refused the image pull or registry authentication (permissions or credentials)",
  needs = { "ecs.tasks" }, -- iam.roles confirms the denial; without it the finding says so
  uses = { "ecs.services", "ecs.task_definitions", "iam.roles", "ecr.images" },

  run = function(ev)
    edoc.each_message(ev, relevant, function(m)
      local n = N(m.text)
      local asm = n:find("registry auth from asm", 1, true) ~= nil
      if m.text and relevant(m.text) then
        local td, tdarn = taskdef_for(ev, m)
        local img, acct, region, repo = ecr_image(m, td)
        local info = img and ev.images and ev.images[img]
        -- "repository does not exist or may require 'docker login'" is also what
        -- a missing repository says; with ECR's own answer that it does not
        -- exist, image.not_found owns it.
        if not (info and info.exists == false) then
          local role = (m.text:match("assumed%-role/([%w+=,%.@_%-]+)/"))
            or (td and td.executionRoleArn and edoc.basename(td.executionRoleArn))
          local action = m.text:match("perform: (ecr:%a+)") or m.text:match("perform: (secretsmanager:%a+)")
          local resource = m.text:match("on resource: (arn:[^%s\"']+)")
          region = region or edoc.region() or "us-east-1"
          local own = edoc.region() and acct and ev.target and ev.target.account
          local cross = own and acct ~= ev.target.account
          local checks = {}
          if asm then
            local cd
            for _, c in ipairs((td and td.containerDefinitions) or {}) do if c.repositoryCredentials then cd = c end end
            local secret = cd and cd.repositoryCredentials.credentialsParameter
            checks[#checks + 1] = { "secretsmanager:GetSecretValue", secret or resource or "*" }
          else
            local repoarn = repo and acct and string.format("arn:aws:ecr:%s:%s:repository/%s", region, acct, repo) or resource or "*"
            if action then checks[#checks + 1] = { action, action == "ecr:GetAuthorizationToken" and "*" or (resource or repoarn) } end
            for _, a in ipairs({ "ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer" }) do
              if a ~= action then checks[#checks + 1] = { a, a == "ecr:GetAuthorizationToken" and "*" or repoarn } end
            end
          end
          local missing, allowed, notes = {}, {}, {}
          for _, c in ipairs(checks) do
            if role then
              local d, why = edoc.iam_eval(role, c[1], c[2])
              notes[#notes + 1] = why
              if d == "implicit_deny" or d == "explicit_deny" then missing[#missing + 1] = c
              elseif d == "allowed" then allowed[#allowed + 1] = c end
            end
          end
          local evidence = { { pointer = m.ptr, note = "failure message" } }
          if td and tdarn then evidence[#evidence + 1] = { pointer = edoc.ptr("task_definitions", tdarn, "executionRoleArn"), note = "execution role" } end
          if role and ev.iam and ev.iam.roles and ev.iam.roles[role] then
            evidence[#evidence + 1] = { pointer = edoc.ptr("iam", "roles", role, "AttachedPolicies"), note = "policies evaluated" }
          end
          local rem = {}
          local expl
          if #missing > 0 then
            local acts, res = {}, {}
            for _, c in ipairs(missing) do acts[#acts + 1] = edoc.json_string(c[1]); res[c[2]] = true end
            local rl = {}
            for r in pairs(res) do rl[#rl + 1] = edoc.json_string(r) end
            table.sort(rl)
            expl = string.format("The registry refused the pull and the execution role %s does not allow it: %s.", role,
              table.concat(notes, "; "))
            if not asm then
              rem[#rem + 1] = { description = "Attach AWS's managed execution policy (ECR pull + CloudWatch Logs) to " .. role,
                command = "aws iam attach-role-policy --role-name {role} --policy-arn arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
                args = { role = role }, docs = DOC_ROLE }
            end
            rem[#rem + 1] = { description = "Or grant exactly the missing action(s) to " .. role,
              command = "aws iam put-role-policy --role-name {role} --policy-name ecs-doctor-registry-pull --policy-document {policy}",
              args = { role = role, policy = string.format('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[%s],"Resource":[%s]}]}',
                  table.concat(acts, ","), table.concat(rl, ",")) }, docs = asm and DOC_PRIV or DOC_ROLE }
          elseif role and #allowed == #checks and #checks > 0 then
            local acts = {}
            for _, c in ipairs(allowed) do acts[#acts + 1] = c[1] end
            expl = string.format("The block is not the execution role: %s. The identity policies of %s allow %s (%s).",
              cross and ("the image is in account " .. acct .. ", whose repository policy must allow this role"
                .. (m.text:find("no resource-based policy allows", 1, true) and " and does not (\"no resource-based policy allows\")" or ""))
                or (asm and "the secret's resource policy or its KMS key policy refuses it"
                  or "the repository policy, a permissions boundary, an SCP or a VPC endpoint policy refuses it"),
              role, table.concat(acts, ", "), notes[1] or "")
            if cross and repo then
              local rolearn = (td and td.executionRoleArn) or ("arn:aws:iam::" .. ((ev.target and ev.target.account) or "ACCOUNT_ID") .. ":role/" .. role)
              rem[#rem + 1] = { description = "In account " .. acct .. ", let " .. role .. " pull from " .. repo
                  .. " (set-repository-policy replaces the policy: merge with its current statements)",
                command = "aws ecr set-repository-policy --repository-name {repo} --registry-id {registry} --region {region} --policy-text {policy}",
                args = { repo = repo, registry = acct, region = region, policy = string.format(
                    '{"Version":"2012-10-17","Statement":[{"Sid":"AllowPullFromTaskRole","Effect":"Allow","Principal":{"AWS":%s},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer","ecr:BatchCheckLayerAvailability"]}]}',
                    edoc.json_string(rolearn)) },
                docs = DOC_REPO }
            end
          else
            local iam = ev.sources and ev.sources["iam.roles"]
            if role and iam and (iam.status == "denied" or iam.status == "error"
                or (iam.status == "skipped" and iam.reason == "deadline")) then
              edoc.incomplete("iam.roles", "could not tell whether the execution role " .. role
                .. " or a resource policy refused the pull: iam.roles is missing")
            end
            expl = "The registry refused the pull (authentication or authorization). "
              .. (role and ("The execution role " .. role .. " could not be fully evaluated: " .. table.concat(notes, "; ") .. ".")
                or "The task definition has no execution role, so the pull had no credentials.")
          end
          if repo and not asm then
            rem[#rem + 1] = { description = "Check the repository policy of " .. repo .. (cross and (" in account " .. acct) or ""),
              command = "aws ecr get-repository-policy --repository-name {repo} --registry-id {registry} --region {region}",
              args = { repo = repo, registry = acct or "?", region = region },
              docs = DOC_REPO }
          end
          if not role then
            rem[#rem + 1] = { description = "Give the task definition an execution role with AmazonECSTaskExecutionRolePolicy",
              command = "aws iam attach-role-policy --role-name ecsTaskExecutionRole --policy-arn arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
              docs = DOC_ROLE }
          end
          if #rem == 0 then
            rem[#rem + 1] = { description = "Show the execution role's attached policies",
              command = "aws iam list-attached-role-policies --role-name {role}", args = { role = role or "ecsTaskExecutionRole" }, docs = DOC_PULL }
          end
          edoc.finding {
            title = string.format("Registry %s refused for %s%s", asm and "credentials (repositoryCredentials secret)" or "pull",
              repo or img or "the image", (#missing > 0 and role) and (": " .. role .. " lacks " .. missing[1][1])
                or ((cross and #missing == 0) and (": the repository policy in account " .. acct .. " does not allow " .. (role or "the task")) or "")),
            confidence = #missing > 0 and 0.95 or ((cross and #allowed > 0 and #allowed == #checks) and 0.9 or 0.75),
            explanation = expl,
            evidence = evidence,
            resources = { role, repo, img },
            key = (role or "?") .. "|" .. (repo or img or "?"),
            when = m.when,
            subject = m.service and m.service.serviceName or (m.task and m.task.group and m.task.group:match("^service:(.+)$")),
            explains = { "deployment_circuit_breaker", "deployment_stuck", "ecs.pull_error" },
            remediation = rem,
          }
        end
      end
    end)
  end,
}
