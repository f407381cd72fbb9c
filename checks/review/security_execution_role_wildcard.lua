-- security.execution_role_wildcard: the task execution role allows wildcard actions.
-- The execution role is what the ECS agent uses to pull images, write logs and fetch secrets;
-- AWS's managed AmazonECSTaskExecutionRolePolicy lists exact actions. "*" or "service:*" grants far
-- more than the agent needs, to anyone who can pass the role to a task.

local MANAGED = "AmazonECSTaskExecutionRolePolicy"
-- AWS managed policies that are wildcards by design (their documents may not be in the bundle).
local BROAD = { AdministratorAccess = "*", PowerUserAccess = "*" }

local function list(v)
  if v == nil then return {} end
  if type(v) == "string" then return { v } end
  return v
end

-- Wildcard actions an Allow statement grants: "*", "svc:*", or any NotAction (allows all but a few).
local function wildcards(doc)
  local found = {}
  if not doc then return found end
  local stmts = doc.Statement
  if stmts == nil then return found end
  if stmts.Effect ~= nil then stmts = { stmts } end
  for _, st in ipairs(stmts) do
    if st.Effect == "Allow" then
      for _, a in ipairs(list(st.Action)) do
        if a == "*" or a:match("^[%w%-]+:%*$") then found[#found + 1] = a end
      end
      if st.NotAction ~= nil then found[#found + 1] = "NotAction" end
    end
  end
  return found
end


return {
  id       = "security.execution_role_wildcard",
  category = "best_practice",
  kind     = "recommendation",
  severity = "low",
  summary  = "Task execution role allows wildcard actions beyond AmazonECSTaskExecutionRolePolicy",
    -- Only the sources without which nothing can be said: a recommendation check left "incomplete"
  -- by an optional source would turn a healthy verdict into "inconclusive". Optional sections
  -- are checked in run() and an absent one is treated as unknown (no finding).
  needs    = { "ecs.task_definitions" },

  run = function(ev)
    if not (ev.iam and ev.iam.roles and ev.task_definitions) then return end
    local roles_seen = {}
    local subject = ev.target and ev.target.service
    -- The task definitions in use: the services' and the tasks' (one lookup each below).
    local used = {}
    for _, svc in ipairs(ev.services or {}) do if svc.taskDefinition then used[svc.taskDefinition] = true end end
    for _, arn in ipairs(edoc.task_values("taskDefinitionArn")) do used[arn] = true end
    for td_arn, td in pairs(ev.task_definitions) do
      local role_name = td.executionRoleArn and edoc.basename(td.executionRoleArn)
      local role = role_name and ev.iam.roles[role_name]
      -- Only the task definitions in use (the service's or the tasks'): history entries are skipped.
      local in_use = used[td_arn] == true
      if role and in_use and not roles_seen[role_name] then
        roles_seen[role_name] = true
        local ptrs, acts, rem, full = {}, {}, {}, false
        for pi, p in ipairs(role.AttachedPolicies or {}) do
          local pname = p.PolicyName or edoc.basename(p.PolicyArn)
          if pname ~= MANAGED then
            local w = wildcards(p.Document)
            if #w == 0 and BROAD[pname] then w = { BROAD[pname] } end
            if #w > 0 then
              ptrs[#ptrs + 1] = { pointer = edoc.ptr("iam", "roles", role_name, "AttachedPolicies", pi - 1, "PolicyArn"),
                                  note = "allows " .. table.concat(w, ", ") }
              for _, a in ipairs(w) do acts[#acts + 1] = a; if a == "*" or a == "NotAction" then full = true end end
              rem[#rem + 1] = { description = "Detach " .. pname .. " from the execution role",
                                command = "aws iam detach-role-policy --role-name {role} --policy-arn {policy}",
                                args = { role = role_name, policy = p.PolicyArn or pname },
                                docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html" }
            end
          end
        end
        for pi, p in ipairs(role.InlinePolicies or {}) do
          local w = wildcards(p.Document)
          if #w > 0 then
            ptrs[#ptrs + 1] = { pointer = edoc.ptr("iam", "roles", role_name, "InlinePolicies", pi - 1, "PolicyName"),
                                note = "allows " .. table.concat(w, ", ") }
            for _, a in ipairs(w) do acts[#acts + 1] = a; if a == "*" or a == "NotAction" then full = true end end
            rem[#rem + 1] = { description = "Replace the inline policy " .. tostring(p.PolicyName) .. " with the exact actions the agent needs (for secrets: secretsmanager:GetSecretValue / ssm:GetParameters on the referenced ARNs)",
                              command = "aws iam put-role-policy --role-name {role} --policy-name {policy} --policy-document file://least-privilege.json",
                              args = { role = role_name, policy = p.PolicyName or "policy" },
                              docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security-iam-roles.html" }
          end
        end
        if #ptrs > 0 then
          local part = ev.target and ev.target.partition or "aws"
          rem[#rem + 1] = { description = "Make sure the managed execution policy stays attached (it covers ECR pulls and awslogs)",
                            command = "aws iam attach-role-policy --role-name {role} --policy-arn {policy}",
                            args = { role = role_name, policy = "arn:" .. part .. ":iam::aws:policy/service-role/" .. MANAGED },
                            docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html" }
          edoc.finding {
            kind        = "recommendation",
            rule        = "security.execution_role_wildcard",
            severity    = full and "medium" or "low",
            confidence  = 0.9,
            title       = "Execution role " .. role_name .. " allows wildcard actions (" .. table.concat(acts, ", ") .. ")",
            explanation = "The execution role only needs ECR pull, CloudWatch Logs write and secret read actions; wildcard grants give every task that uses the role (and whoever can pass it) far more than that.",
            evidence    = ptrs,
            resources   = { td.executionRoleArn },
            subject     = subject or td.family,
            key         = role_name,
            remediation = rem,
          }
        end
      end
    end
  end,
}
