-- security.secrets_in_environment: secret-looking variables passed in plain `environment`.
-- Bundles are redacted (values read "<redacted>"), so the rule keys on variable *names*. Plain
-- environment values are readable by anyone allowed ecs:DescribeTaskDefinition and show up in
-- `docker inspect`; the `secrets` parameter injects them from Secrets Manager / Parameter Store.

local AWS_KEYS = { AWS_ACCESS_KEY_ID = true, AWS_SECRET_ACCESS_KEY = true, AWS_SESSION_TOKEN = true }
local WORDS = { "PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "PRIVATE_KEY", "CREDENTIAL" }
-- Names that *mention* a secret but hold a reference or a setting, not the secret itself.
local SUFFIXES = { "_ARN", "_URL", "_URI", "_PATH", "_FILE", "_NAME", "_ID", "_ENDPOINT", "_HOST",
                   "_PORT", "_REGION", "_TTL", "_TIMEOUT", "_LENGTH", "_EXPIRY", "_HEADER", "_ENABLED" }

local function secret_like(name)
  local n = name:upper()
  if AWS_KEYS[n] then return "aws" end
  for _, s in ipairs(SUFFIXES) do
    if n:sub(-#s) == s then return nil end
  end
  for _, w in ipairs(WORDS) do
    if n:find(w, 1, true) then return "generic" end
  end
  return nil
end


local cluster_of = edoc.cluster_of

-- The task definitions in scope: each service's current one, or the target tasks' ones.
local function scope(ev)
  local out, seen = {}, {}
  for _, svc in ipairs(ev.services or {}) do
    local arn = svc.taskDefinition
    if arn and ev.task_definitions and ev.task_definitions[arn] and not seen[arn .. "|" .. (svc.serviceName or "")] then
      seen[arn .. "|" .. (svc.serviceName or "")] = true
      out[#out + 1] = { arn = arn, td = ev.task_definitions[arn], svc = svc }
    end
  end
  if #out == 0 then
    for _, task in ipairs(ev.tasks or {}) do
      local arn = task.taskDefinitionArn
      if arn and not seen[arn] and ev.task_definitions and ev.task_definitions[arn] then
        seen[arn] = true
        out[#out + 1] = { arn = arn, td = ev.task_definitions[arn] }
      end
    end
  end
  return out
end

return {
  id       = "security.secrets_in_environment",
  category = "best_practice",
  kind     = "recommendation",
  severity = "medium",
  summary  = "Credentials passed as plain environment variables instead of `secrets`",
  needs    = { "ecs.task_definitions" },

  run = function(ev)
    for _, s in ipairs(scope(ev)) do
      local td = s.td
      local family = td.family or edoc.basename(s.arn)
      local famrev = family .. ":" .. tostring(td.revision or "")
      for ci, c in ipairs(td.containerDefinitions or {}) do
        local names, ptrs, aws = {}, {}, false
        for ei, e in ipairs(c.environment or {}) do
          local value = e.value
          -- A value that is itself an ARN is a reference the application resolves, not a secret.
          local is_ref = type(value) == "string" and value:sub(1, 4) == "arn:"
          local kind = e.name and not is_ref and secret_like(e.name)
          if kind then
            names[#names + 1] = e.name
            ptrs[#ptrs + 1] = edoc.ptr("task_definitions", s.arn, "containerDefinitions", ci - 1, "environment", ei - 1, "name")
            if kind == "aws" then aws = true end
          end
        end
        if #names > 0 then
          local cname = c.name or ("container " .. ci)
          local rem = {}
          if aws then
            rem[#rem + 1] = {
              description = "Deactivate the exposed access key now (its value is readable by anyone allowed ecs:DescribeTaskDefinition), then give the task a task role instead of static keys (see rule security.no_task_role)",
              command = "aws iam update-access-key --access-key-id {key} --status Inactive",
              args = { key = "<the AKIA... value of AWS_ACCESS_KEY_ID in " .. famrev .. ">" },
              docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html",
            }
          end
          local moved = {}
          for _, n in ipairs(names) do
            if not AWS_KEYS[n:upper()] then moved[#moved + 1] = n end
          end
          if #moved > 0 then
            local prefix = "/" .. family .. "/"
            rem[#rem + 1] = {
              description = "Store each value as a SecureString parameter (or a Secrets Manager secret)",
              command = "for n in {names}; do aws ssm put-parameter --name {prefix}\"$n\" --type SecureString --value '<the value>'" .. edoc.region_flag() .. "; done",
              args = { names = moved, prefix = prefix },
              docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html",
            }
            rem[#rem + 1] = {
              description = "Register a revision that reads them through `secrets` (the execution role " ..
                (td.executionRoleArn and edoc.basename(td.executionRoleArn) or "") ..
                " needs ssm:GetParameters on them)",
              command = edoc.with_region("aws ecs describe-task-definition --task-definition {td} --query taskDefinition") ..
                [[ | jq --arg c {container} --arg prefix {prefix} 'del(.taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities, .registeredAt, .registeredBy) | .containerDefinitions |= map(if .name == $c then (.environment |= map(select((.name | IN($ARGS.positional[])) or (.name | ascii_upcase | IN("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")) | not))) | .secrets += [$ARGS.positional[] | {name: ., valueFrom: ($prefix + .)}] else . end)' --args {names} > {file}
]] .. edoc.with_region("aws ecs register-task-definition --cli-input-json file://{file}"),
              args = { td = famrev, container = cname, prefix = prefix, names = moved, file = edoc.file_name(family) .. "-td.json" },
              docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html",
            }
            if s.svc then
              rem[#rem + 1] = {
                description = "Deploy the new revision",
                command = edoc.with_region("aws ecs update-service --cluster {cluster} --service {service} --task-definition {family}"),
                args = { cluster = cluster_of(s.svc), service = s.svc.serviceName, family = family },
                docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html",
              }
            end
          end
          edoc.finding {
            kind        = "recommendation",
            rule        = "security.secrets_in_environment",
            severity    = aws and "high" or "medium",
            confidence  = aws and 0.95 or 0.7,
            title       = string.format("%s passes %s in plain environment variables (%s)",
                            famrev .. "/" .. cname, aws and "AWS credentials" or "secret-looking values",
                            table.concat(names, ", ")),
            explanation = "Environment values in a task definition are stored in clear text and readable by every principal allowed ecs:DescribeTaskDefinition; the `secrets` parameter injects them at start-up from Secrets Manager or Parameter Store instead.",
            evidence    = ptrs,
            resources   = { s.arn },
            subject     = s.svc and s.svc.serviceName or family,
            key         = s.arn .. "#" .. cname,
            remediation = rem,
          }
        end
      end
    end
  end,
}
