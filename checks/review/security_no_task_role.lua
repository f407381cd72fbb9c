-- security.no_task_role: the application carries static AWS keys and the task has no task role.
-- A task role gives the application short-lived credentials that ECS rotates; static keys in the
-- task definition never expire and leak with it.

local AWS_KEYS = { AWS_ACCESS_KEY_ID = true, AWS_SECRET_ACCESS_KEY = true }


local cluster_of = edoc.cluster_of

local scope = edoc.td_scope

return {
  id       = "security.no_task_role",
  category = "best_practice",
  kind     = "recommendation",
  severity = "medium",
  summary  = "No task role while the application uses static AWS access keys",
  needs    = { "ecs.task_definitions" },

  run = function(ev)
    for _, s in ipairs(scope(ev)) do
      local td = s.td
      if not td.taskRoleArn or td.taskRoleArn == "" then
        local ptrs, names = {}, {}
        for ci, c in ipairs(td.containerDefinitions or {}) do
          for _, list in ipairs({ "environment", "secrets" }) do
            for ei, e in ipairs(c[list] or {}) do
              if e.name and AWS_KEYS[e.name:upper()] then
                names[#names + 1] = (c.name or "?") .. ":" .. e.name
                ptrs[#ptrs + 1] = edoc.ptr("task_definitions", s.arn, "containerDefinitions", ci - 1, list, ei - 1, "name")
              end
            end
          end
        end
        if #ptrs > 0 then
          local family = td.family or edoc.basename(s.arn)
          local famrev = family .. ":" .. tostring(td.revision or "")
          local role = family .. "-task-role"
          local acct = ev.target and ev.target.account or "<account>"
          local part = ev.target and ev.target.partition or "aws"
          local role_arn = "arn:" .. part .. ":iam::" .. acct .. ":role/" .. role
          table.insert(ptrs, 1, { pointer = edoc.ptr("task_definitions", s.arn, "family"), note = "no taskRoleArn in this task definition" })
          edoc.finding {
            kind        = "recommendation",
            rule        = "security.no_task_role",
            confidence  = 0.9,
            title       = famrev .. " has no task role but passes AWS access keys (" .. table.concat(names, ", ") .. ")",
            explanation = "Without a task role the application authenticates with long-lived access keys stored in the task definition; a task role gives it temporary credentials that ECS rotates automatically.",
            evidence    = ptrs,
            resources   = { s.arn },
            subject     = s.svc and s.svc.serviceName or family,
            key         = s.arn,
            remediation = {
              { description = "Create a task role that ECS tasks can assume, and grant it what the application's keys were used for",
                command = [[aws iam create-role --role-name {role} --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
aws iam put-role-policy --role-name {role} --policy-name app --policy-document file://app-policy.json]],
                args = { role = role },
                docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html" },
              { description = "Register a revision with the task role and without the static keys, then deactivate the old keys",
                command = edoc.with_region([[aws ecs describe-task-definition --task-definition {td} --query taskDefinition]]) ..
                  [[ | jq --arg role {role_arn} 'del(.taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities, .registeredAt, .registeredBy) | .taskRoleArn = $role | .containerDefinitions |= map(if .environment then .environment |= map(select(.name | test("^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY)$") | not)) else . end | if .secrets then .secrets |= map(select(.name | test("^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY)$") | not)) else . end)' > {file}
]] .. edoc.with_region("aws ecs register-task-definition --cli-input-json file://{file}"),
                args = { td = famrev, role_arn = role_arn, file = edoc.file_name(family) .. "-td.json" },
                docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security-iam-roles.html" },
              s.svc and { description = "Deploy the new revision",
                command = edoc.with_region("aws ecs update-service --cluster {cluster} --service {service} --task-definition {family}"),
                args = { cluster = cluster_of(s.svc), service = s.svc.serviceName, family = family },
                docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security-iam-roles.html" } or nil,
            },
          }
        end
      end
    end
  end,
}
