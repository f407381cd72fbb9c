-- secrets.not_found: a secret or parameter the task definition injects does
-- not exist (wrong name, wrong Region, deleted). Texts:
--   ... unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch
--     secret <arn> from secrets manager: ResourceNotFoundException: Secrets Manager can't find the
--     specified secret. status code: 400 ...
--   ... unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm
--     parameters: /prod/web/api-key
--   ... ParameterNotFound ...
-- Confirmed by the secrets source (DescribeSecret / GetParameters): exists=false.
local DOC_SM = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html"
local DOC_SSM = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-ssm-paramstore.html"
local DOC_INIT = "https://docs.aws.amazon.com/AmazonECS/latest/userguide/stopped-task-error-codes.html"

local N, any_of = edoc.norm_str, edoc.has_any -- cached normalisation (checks/API.md)

local with_region = edoc.with_region

-- A secret or parameter that does not exist (not a missing log group).
local function relevant(text)
  local n = N(text)
  local sm = n:find("resourcenotfoundexception", 1, true) and (n:find("secrets manager", 1, true) or n:find("from asm", 1, true))
  local ssm = n:find("invalid ssm parameters", 1, true) or n:find("parameternotfound", 1, true)
  return (sm or ssm) and not n:find("log group", 1, true)
end

return {
  id = "secrets.not_found",
  category = "secret_not_found",
  severity = "critical",
  summary = "A secret or SSM parameter the task definition references does not exist",
  needs = { "ecs.tasks" },
  uses = { "ecs.services", "ecs.task_definitions", "secrets" },

  run = function(ev)
    edoc.each_message(ev, relevant, function(m)
      local n = N(m.text)
      local sm = n:find("resourcenotfoundexception", 1, true) and (n:find("secrets manager", 1, true) or n:find("from asm", 1, true))
      local ssm = n:find("invalid ssm parameters", 1, true) or n:find("parameternotfound", 1, true)
      if m.text and (sm or ssm) and not n:find("log group", 1, true) then
        local tdarn = (m.task and m.task.taskDefinitionArn) or (m.service and m.service.taskDefinition)
        local td = tdarn and ev.task_definitions and ev.task_definitions[tdarn]
        local name = m.text:match("fetch secret (arn:[^%s\"']+)") or m.text:match("invalid ssm parameters: ([^%s,]+)")
        -- Find the referencing container and the collected metadata.
        local ref, cname, ci, si
        for i, cd in ipairs((td and td.containerDefinitions) or {}) do
          for j, s in ipairs(cd.secrets or {}) do
            local v = s.valueFrom or ""
            local hit = name and (v == name or v:sub(1, #name) == name or name:sub(1, #v) == v or v:find(name, 1, true)
              or (name:find("^/") == nil and v:find("/" .. name, 1, true)))
            local meta = ev.secrets and ev.secrets[v]
            if hit or (not name and meta and meta.exists == false) then ref, cname, ci, si = v, cd.name, i, j end
          end
        end
        ref = ref or name or "?"
        local meta = ev.secrets and ev.secrets[ref]
        local evidence = { { pointer = m.ptr, note = "failure message" } }
        if ci then
          evidence[#evidence + 1] = { pointer = edoc.ptr("task_definitions", tdarn, "containerDefinitions", ci - 1, "secrets", si - 1, "valueFrom"),
            note = "referenced by container " .. (cname or "?") }
        end
        if meta then evidence[#evidence + 1] = { pointer = edoc.ptr("secrets", ref, "exists"), note = "lookup result" } end
        local is_sm = sm and true or false
        local region = edoc.region() or "us-east-1"
        local arnregion = ref:match("^arn:[%w%-]+:[%w%-]+:([%w%-]+):")
        local rem = {}
        if is_sm then
          local base = ref:match(":secret:([^:]+)") or ref
          local short = base:gsub("%-%w%w%w%w%w%w$", "")
          rem[#rem + 1] = { description = "Look for the secret by name (the ARN's random suffix and Region must match exactly)",
            command = "aws secretsmanager list-secrets --filters Key=name,Values={name} --region {region} --query 'SecretList[].[Name,ARN]'",
            args = { name = short, region = arnregion or region }, docs = DOC_SM }
          rem[#rem + 1] = { description = "If it was deleted within its recovery window, restore it",
            command = "aws secretsmanager restore-secret --secret-id {secret} --region {region}", args = { secret = ref, region = arnregion or region }, docs = DOC_SM }
        else
          rem[#rem + 1] = { description = "Check the parameter name and Region",
            command = "aws ssm get-parameters --names {name} --region {region} --query '[Parameters[].Name,InvalidParameters]'",
            args = { name = ref, region = arnregion or region }, docs = DOC_SSM }
          rem[#rem + 1] = { description = "Create it if it is really missing",
            command = "aws ssm put-parameter --name {name} --type SecureString --value 'VALUE' --region {region}",
            args = { name = ref, region = arnregion or region },
            docs = DOC_SSM }
        end
        if td then
          rem[#rem + 1] = { description = "Or correct valueFrom in a new revision of " .. (td.family or edoc.basename(tdarn)),
            command = with_region("aws ecs describe-task-definition --task-definition {td} --query 'taskDefinition.containerDefinitions[].secrets'"),
            args = { td = edoc.basename(tdarn) }, docs = DOC_INIT }
        end
        edoc.finding {
          title = string.format("%s %s does not exist%s", is_sm and "Secret" or "SSM parameter", ref,
            arnregion and arnregion ~= region and (" (it points to Region " .. arnregion .. ")") or ""),
          confidence = (meta and meta.exists == false) and 0.97 or 0.9,
          explanation = string.format("The task definition injects %s%s, and %s answered that it does not exist%s.",
            ref, cname and (" into container " .. cname) or "", is_sm and "Secrets Manager" or "Parameter Store",
            (meta and meta.exists == false) and "; ecs-doctor's own lookup confirms it" or ""),
          evidence = evidence,
          resources = { ref },
          key = ref,
          when = m.when,
          subject = m.service and m.service.serviceName or (m.task and m.task.group and m.task.group:match("^service:(.+)$")),
          explains = { "deployment_circuit_breaker", "deployment_stuck" },
          remediation = rem,
        }
      end
    end, "stoppedReason")
  end,
}
