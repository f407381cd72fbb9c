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

local rflag = edoc.region_flag

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
              command = "aws iam update-access-key --access-key-id <the AKIA... value of AWS_ACCESS_KEY_ID in " .. famrev .. "> --status Inactive",
              docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html",
            }
          end
          local moves = {}
          local params = {}
          for _, n in ipairs(names) do
            if not AWS_KEYS[n:upper()] then
              local pname = "/" .. family .. "/" .. n
              params[#params + 1] = "aws ssm put-parameter --name " .. edoc.shellquote(pname) ..
                " --type SecureString --value '<the value>'" .. rflag()
              moves[#moves + 1] = string.format('{"name":"%s","valueFrom":"%s"}', n, pname)
            end
          end
          if #params > 0 then
            rem[#rem + 1] = {
              description = "Store each value as a SecureString parameter (or a Secrets Manager secret)",
              command = table.concat(params, "\n"),
              docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html",
            }
            local drop = {}
            for _, n in ipairs(names) do drop[#drop + 1] = string.format('.name != "%s"', n) end
            rem[#rem + 1] = {
              description = "Register a revision that reads them through `secrets` (the execution role " ..
                (td.executionRoleArn and edoc.basename(td.executionRoleArn) or "") ..
                " needs ssm:GetParameters on them), then deploy it",
              command = "aws ecs describe-task-definition --task-definition " .. famrev .. rflag() ..
                " --query taskDefinition | jq 'del(.taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities, .registeredAt, .registeredBy)" ..
                string.format(' | .containerDefinitions |= map(if .name == "%s" then (.environment |= map(select(%s))) | .secrets += [%s] else . end)',
                  cname, table.concat(drop, " and "), table.concat(moves, ",")) ..
                "' > " .. family .. "-td.json\n" ..
                "aws ecs register-task-definition --cli-input-json file://" .. family .. "-td.json" .. rflag() ..
                (s.svc and ("\naws ecs update-service --cluster " .. edoc.shellquote(cluster_of(s.svc)) ..
                  " --service " .. edoc.shellquote(s.svc.serviceName) .. " --task-definition " .. family .. rflag()) or ""),
              docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html",
            }
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
