-- iam.execution_role_invalid: the task execution role is missing, does not
-- exist, or does not trust ecs-tasks.amazonaws.com, so ECS cannot pull the
-- image, read secrets or write logs on the task's behalf. Texts:
--   ECS was unable to assume the role 'arn:aws:iam::...:role/<name>' that was provided for this task.
--   Please verify that the role being passed has the proper trust relationship and permissions and
--   that your IAM user has permissions to pass this role.
-- Proved from the evidence: executionRoleArn absent while the task needs one
-- (ECR image, awslogs, secrets, repositoryCredentials on Fargate), the role
-- missing (iam:GetRole NoSuchEntity), or its trust policy not allowing
-- ecs-tasks.amazonaws.com to sts:AssumeRole.
local DOC = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html"
local TRUST = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}'

local N, any_of = edoc.norm_str, edoc.has_any -- cached normalisation (checks/API.md)

local function glob(p, s)
  local pat = "^" .. p:gsub("[%^%$%(%)%%%.%[%]%+%-]", "%%%0"):gsub("%*", ".*"):gsub("%?", ".") .. "$"
  return s:lower():find(pat:lower()) ~= nil
end

local function list(v)
  if type(v) == "string" then return { v } end
  local out = {}
  for _, x in ipairs(v or {}) do out[#out + 1] = x end
  return out
end

-- true / false / nil (unknown) and the deciding statement.
local function trusts(role)
  local doc = role and role.AssumeRolePolicyDocument
  if not doc then return nil, "trust policy not in the evidence" end
  local st = doc.Statement
  local stmts = (st and st.Effect) and { st } or list(st)
  local allow, deny
  for i, s in ipairs(stmts) do
    local svc = s.Principal and (type(s.Principal) == "string" and { s.Principal } or list(s.Principal.Service)) or {}
    local names = false
    for _, p in ipairs(svc) do if p == "*" or p:lower() == "ecs-tasks.amazonaws.com" then names = true end end
    local acts = false
    for _, a in ipairs(list(s.Action)) do if glob(a, "sts:AssumeRole") then acts = true end end
    if names and acts then
      local what = "statement " .. (s.Sid and ('"' .. s.Sid .. '"') or ("#" .. (i - 1)))
      if s.Effect == "Deny" then deny = what elseif s.Effect == "Allow" then allow = allow or what end
    end
  end
  if deny then return false, deny .. " denies it" end
  if allow then return true, allow end
  local who = {}
  for _, s in ipairs(stmts) do
    for _, p in ipairs(s.Principal and type(s.Principal) ~= "string" and list(s.Principal.Service) or {}) do who[#who + 1] = p end
  end
  return false, "it trusts " .. (#who > 0 and table.concat(who, ", ") or "no AWS service") .. " only"
end

local function needs_role(td)
  local fargate = false
  for _, c in ipairs(td.requiresCompatibilities or {}) do if c == "FARGATE" then fargate = true end end
  for _, cd in ipairs(td.containerDefinitions or {}) do
    if cd.secrets and #cd.secrets > 0 then return "it injects secrets" end
    if cd.repositoryCredentials then return "it pulls with repositoryCredentials" end
    if fargate and (cd.image or ""):find("%.dkr%.ecr%.") then return "it pulls " .. cd.image .. " from ECR on Fargate" end
    if fargate and cd.logConfiguration and cd.logConfiguration.logDriver == "awslogs" then return "it uses the awslogs driver on Fargate" end
  end
  return nil
end

local function role_missing(ev, name)
  local r = ev.iam and ev.iam.roles and ev.iam.roles[name]
  if r and r.exists == false then return true end
  local src = ev.sources and ev.sources["iam.roles"]
  for _, e in ipairs((src and src.errors) or {}) do
    if (e.code == "NoSuchEntity" or e.code == "NoSuchEntityException") and (e.message or ""):find(name, 1, true) then return true end
  end
  return false
end

return {
  id = "iam.execution_role_invalid",
  category = "execution_role_invalid",
  severity = "critical",
  summary = "The task execution role is missing, does not exist, or does not trust ecs-tasks.amazonaws.com",
  needs = { "ecs.task_definitions" }, -- iam.roles proves trust and existence when present
  uses = { "ecs.services", "ecs.tasks", "iam.roles" },

  run = function(ev)
    -- Failure messages, to cite and to scope to task definitions in use.
    local assume = {}
    for ti, t in edoc.tasks_matching("unable to assume the role", "stoppedReason") do
      if any_of(t.stoppedReason, { "unable to assume the role" }) then
        assume[#assume + 1] = { ptr = edoc.ptr("tasks", ti - 1, "stoppedReason"), text = t.stoppedReason, when = t.stoppedAt }
      end
    end
    for si, s in ipairs(ev.services or {}) do
      for ei, e in ipairs(s.events or {}) do
        if N(e.message):find("has reached a steady state", 1, true) then break end
        if any_of(e.message, { "unable to assume the role" }) then
          assume[#assume + 1] = { ptr = edoc.ptr("services", si - 1, "events", ei - 1, "message"), text = e.message, when = e.createdAt, service = s }
        end
      end
    end
    local used = {}
    for _, s in ipairs(ev.services or {}) do if s.taskDefinition then used[s.taskDefinition] = s end end
    for _, arn in ipairs(edoc.task_values("taskDefinitionArn")) do used[arn] = used[arn] or true end
    for arn, who in pairs(used) do
      local td = ev.task_definitions and ev.task_definitions[arn]
      if td then
        local svc = type(who) == "table" and who or nil
        local family = td.family or edoc.basename(arn)
        local evidence, problem, rem, conf = {}, nil, {}, 0.9
        local rolearn = td.executionRoleArn
        local name = rolearn and edoc.basename(rolearn)
        for _, a in ipairs(assume) do
          if not name or a.text:find(name, 1, true) then evidence[#evidence + 1] = { pointer = a.ptr, note = "failure message" } end
        end
        if not rolearn then
          local why = needs_role(td)
          if why then
            problem = string.format("Task definition %s has no execution role, but %s", family, why)
            evidence[#evidence + 1] = { pointer = edoc.ptr("task_definitions", arn, "family"), note = "no executionRoleArn" }
            rem[#rem + 1] = { description = "Create the standard execution role (trusted by ecs-tasks.amazonaws.com)",
              command = "aws iam create-role --role-name ecsTaskExecutionRole --assume-role-policy-document {trust}", args = { trust = TRUST }, docs = DOC }
            rem[#rem + 1] = { description = "Attach AWS's managed execution policy, then register a revision of " .. family .. " with executionRoleArn",
              command = "aws iam attach-role-policy --role-name ecsTaskExecutionRole --policy-arn arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy", docs = DOC }
          end
        elseif role_missing(ev, name) then
          problem = string.format("Execution role %s of %s does not exist", name, family)
          evidence[#evidence + 1] = { pointer = edoc.ptr("task_definitions", arn, "executionRoleArn"), note = "execution role" }
          rem[#rem + 1] = { description = "Recreate " .. name .. " trusted by ecs-tasks.amazonaws.com",
            command = "aws iam create-role --role-name {role} --assume-role-policy-document {trust}", args = { role = name, trust = TRUST }, docs = DOC }
          rem[#rem + 1] = { description = "and attach the managed execution policy",
            command = "aws iam attach-role-policy --role-name {role} --policy-arn arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy", args = { role = name }, docs = DOC }
        else
          local role = ev.iam and ev.iam.roles and ev.iam.roles[name]
          local ok, why = trusts(role)
          if ok == false then
            problem = string.format("Execution role %s does not trust ecs-tasks.amazonaws.com (%s)", name, why)
            evidence[#evidence + 1] = { pointer = edoc.ptr("iam", "roles", name, "AssumeRolePolicyDocument"), note = "trust policy" }
            rem[#rem + 1] = { description = "Let ECS tasks assume " .. name,
              command = "aws iam update-assume-role-policy --role-name {role} --policy-document {trust}", args = { role = name, trust = TRUST }, docs = DOC }
          elseif ok == nil and #evidence > 0 then
            problem = string.format("ECS could not assume execution role %s (its trust policy is not in the evidence)", name)
            conf = 0.7
            rem[#rem + 1] = { description = "Check the trust policy of " .. name,
              command = "aws iam get-role --role-name {role} --query Role.AssumeRolePolicyDocument", args = { role = name }, docs = DOC }
          end
        end
        if problem then
          edoc.finding {
            title = problem,
            confidence = conf,
            explanation = problem .. ". ECS assumes the execution role to pull the image from ECR, fetch secrets and create "
              .. "log streams before the container starts; without a usable role every task of " .. family .. " fails to start.",
            evidence = evidence,
            resources = { name or family, family },
            key = arn,
            when = assume[1] and assume[1].when or nil,
            subject = svc and svc.serviceName or nil,
            explains = { "deployment_circuit_breaker", "deployment_stuck", "registry_auth_failed", "secrets_access_denied",
              "log_configuration_error" },
            remediation = rem,
          }
        end
      end
    end
  end,
}
