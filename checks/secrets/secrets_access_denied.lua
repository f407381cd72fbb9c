-- secrets.access_denied: the execution role may not read a secret the task
-- definition injects (secrets[].valueFrom), or may not decrypt it. Texts:
--   ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval
--     failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to
--     fetch secret <arn> from secrets manager: AccessDeniedException: User: arn:aws:sts::...:assumed-role/
--     <role>/... is not authorized to perform: secretsmanager:GetSecretValue on resource: <arn> ...
--   ... unable to retrieve secrets from ssm: ... api error AccessDeniedException: User: ... is not
--     authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:...:parameter/...
--   ... AccessDeniedException: Access to KMS is not allowed          (key policy / kms:Decrypt)
--   ... because no VPC endpoint policy allows the ... action          (endpoint policy)
-- The action and resource come from the message, else from the task
-- definition's secrets; edoc.iam_eval confirms the denial on the role's
-- policies, or says they allow it (then the key, resource or endpoint policy is
-- the block).
local DOC_ROLE = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html"
local DOC_SM = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html"
local DOC_SSM = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-ssm-paramstore.html"
local DOC_EP = "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html"

local SOURCE = { "from asm", "from ssm", "secrets manager", "systems manager", "secretsmanager:", "ssm:get", "kms" }
local DENIED = { "accessdeniedexception", "is not authorized to perform", "access to kms is not allowed",
  "no vpc endpoint policy allows", "accessdenied" }

local N, any_of = edoc.norm_str, edoc.has_any -- cached normalisation (checks/API.md)

local with_region = edoc.with_region

-- A secret fetch refused by a policy (not the registry credentials: those
-- are registry.auth_failed's).
local function relevant(text)
  local n = N(text)
  return not n:find("registry auth from asm", 1, true) and not n:find("ecr registry auth", 1, true)
    and any_of(n, SOURCE) and any_of(n, DENIED)
end

-- valueFrom -> the ARN IAM sees. Secrets Manager: drop the ":json-key:stage:version" suffix;
-- SSM: a bare name becomes arn:aws:ssm:<region>:<account>:parameter/<name>.
local function secret_arn(ev, v)
  if v:find("^arn:[%w%-]+:secretsmanager:") then
    local parts = {}
    for p in (v .. ":"):gmatch("([^:]*):") do parts[#parts + 1] = p end
    return table.concat(parts, ":", 1, math.min(7, #parts)), "secretsmanager:GetSecretValue"
  end
  if v:find("^arn:[%w%-]+:ssm:") then return v, "ssm:GetParameters" end
  local t = ev.target or {}
  return string.format("arn:%s:ssm:%s:%s:parameter/%s", t.partition or "aws", t.region or "us-east-1",
    t.account or "ACCOUNT_ID", (v:gsub("^/", ""))), "ssm:GetParameters"
end

return {
  id = "secrets.access_denied",
  category = "secrets_access_denied",
  severity = "critical",
  summary = "The execution role is not allowed to read (or decrypt) a secret the task injects",
  needs = { "ecs.tasks" }, -- iam.roles confirms the denial; without it the finding says so
  uses = { "ecs.services", "ecs.task_definitions", "iam.roles", "secrets", "ec2.vpc_endpoints" },

  run = function(ev)
    edoc.each_message(ev, relevant, function(m)
      local n = N(m.text)
      if m.text and relevant(m.text) then
        local tdarn = (m.task and m.task.taskDefinitionArn) or (m.service and m.service.taskDefinition)
        local td = tdarn and ev.task_definitions and ev.task_definitions[tdarn]
        local role = m.text:match("assumed%-role/([%w+=,%.@_%-]+)/") or (td and td.executionRoleArn and edoc.basename(td.executionRoleArn))
        local action = m.text:match("perform: ([%w%-]+:%a+)")
        local resource = m.text:match("on resource: (arn:[^%s\"']+)")
        local fetched = m.text:match("fetch secret (arn:[^%s\"']+)")
        local kms = n:find("kms", 1, true) ~= nil
        local endpoint = n:find("vpc endpoint policy", 1, true) ~= nil
        local wanted = {}
        if action and resource then
          wanted[1] = { action, resource }
        else
          for _, cd in ipairs((td and td.containerDefinitions) or {}) do
            for _, s in ipairs(cd.secrets or {}) do
              local arn, act = secret_arn(ev, s.valueFrom or "")
              local is_sm = act:find("^secretsmanager") ~= nil
              local asm_msg = n:find("asm", 1, true) or n:find("secrets manager", 1, true)
              local ssm_msg = n:find("ssm", 1, true) or n:find("systems manager", 1, true)
              if (asm_msg and is_sm) or (ssm_msg and not is_sm) or (not asm_msg and not ssm_msg) then
                if not fetched or arn == secret_arn(ev, fetched) then wanted[#wanted + 1] = { act, arn, s.valueFrom } end
              end
            end
          end
          if fetched and #wanted == 0 then wanted[1] = { "secretsmanager:GetSecretValue", (secret_arn(ev, fetched)) } end
        end
        if kms then
          -- The secret's customer managed key, from the collected secret metadata.
          for _, w in ipairs(wanted) do
            local meta = ev.secrets and (ev.secrets[w[3] or ""] or ev.secrets[w[2]])
            local key = meta and meta.detail and (meta.detail.KmsKeyId or (meta.detail.Parameter and meta.detail.Parameter.KeyId))
            if key then w.kms = key end
          end
        end
        local missing, allowed, notes = {}, {}, {}
        for _, w in ipairs(wanted) do
          if role then
            local d, why = edoc.iam_eval(role, w[1], w[2])
            notes[#notes + 1] = why
            if d == "implicit_deny" or d == "explicit_deny" then missing[#missing + 1] = w elseif d == "allowed" then allowed[#allowed + 1] = w end
            if w.kms then
              local kd, kwhy = edoc.iam_eval(role, "kms:Decrypt", w.kms)
              notes[#notes + 1] = kwhy
              if kd == "implicit_deny" or kd == "explicit_deny" then missing[#missing + 1] = { "kms:Decrypt", w.kms } end
            end
          end
        end
        local evidence = { { pointer = m.ptr, note = "failure message" } }
        if td then evidence[#evidence + 1] = { pointer = edoc.ptr("task_definitions", tdarn, "executionRoleArn"), note = "execution role" } end
        if role and ev.iam and ev.iam.roles and ev.iam.roles[role] then
          evidence[#evidence + 1] = { pointer = edoc.ptr("iam", "roles", role), note = "role and policies evaluated" }
        end
        local rem, expl = {}, nil
        local first = missing[1] or wanted[1] or { action or "secretsmanager:GetSecretValue", resource or fetched or "*" }
        local sm = first[1]:find("^secretsmanager") ~= nil
        if #missing > 0 then
          local acts, res, seen, names = {}, {}, {}, {}
          for _, w in ipairs(missing) do
            if not seen[w[1]] then seen[w[1]] = true; acts[#acts + 1] = edoc.json_string(w[1]); names[#names + 1] = w[1] end
            if not seen[w[2]] then seen[w[2]] = true; res[#res + 1] = edoc.json_string(w[2]) end
          end
          expl = string.format("The task could not read its secrets: the execution role %s is not allowed to. Evaluated: %s.",
            role, table.concat(notes, "; "))
          rem[#rem + 1] = { description = string.format("Allow %s to %s on exactly the secret(s) the task uses",
              role, table.concat(names, ", ")),
            command = "aws iam put-role-policy --role-name {role} --policy-name ecs-doctor-task-secrets --policy-document {policy}",
            args = { role = role, policy = string.format('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[%s],"Resource":[%s]}]}',
                table.concat(acts, ","), table.concat(res, ",")) },
            docs = sm and DOC_SM or DOC_SSM }
        elseif role and #allowed > 0 then
          expl = string.format("The task could not read its secrets, yet the identity policies of %s allow it (%s). The block is elsewhere: %s.",
            role, table.concat(notes, "; "),
            endpoint and "a VPC endpoint policy refuses the call" or
              (kms and "the KMS key policy of the secret's key does not let the role decrypt (kms:Decrypt)" or
                "the secret's resource policy, a permissions boundary or an SCP"))
        else
          local iam = ev.sources and ev.sources["iam.roles"]
          if role and iam and (iam.status == "denied" or iam.status == "error"
              or (iam.status == "skipped" and iam.reason == "deadline")) then
            edoc.incomplete("iam.roles", "could not tell which policy refuses " .. role
              .. " its secrets: iam.roles is missing")
          end
          expl = "The task could not read its secrets (AccessDenied). " .. (role and ("The policies of " .. role .. " could not be fully evaluated: "
            .. table.concat(notes, "; ") .. ".") or "The task definition has no execution role to read them with.")
        end
        if kms then
          local key = (missing[2] and missing[2][2]) or (wanted[1] and wanted[1].kms) or "KEY_ID"
          rem[#rem + 1] = { description = "Check that the key policy of " .. key .. " lets " .. (role or "the execution role") .. " use kms:Decrypt",
            command = with_region("aws kms get-key-policy --key-id {key} --policy-name default --output text"), args = { key = key }, docs = DOC_SM }
        end
        if endpoint then
          -- The VPC's endpoint for the refused service: its policy, with a statement added.
          local svc = first[1]:match("^([%w%-]+):")
          for id, ep in pairs((ev.network and ev.network.vpc_endpoints) or {}) do
            local sn = ep.serviceName or ep.ServiceName or ""
            if svc and sn:sub(-(#svc + 1)) == "." .. svc then
              local vid = ep.vpcEndpointId or ep.VpcEndpointId or id
              local stmt = string.format('{"Sid":"AllowEcsTaskSecrets","Effect":"Allow","Principal":"*","Action":%s,"Resource":%s}',
                edoc.json_string(first[1]), edoc.json_string(first[2]))
              local cur = ep.policyDocument or ep.PolicyDocument
              local merged
              if type(cur) == "string" then
                local empty = cur:find('"Statement"%s*:%s*%[%s*%]')
                merged = cur:gsub('("Statement"%s*:%s*%[)', "%1" .. stmt:gsub("%%", "%%%%") .. (empty and "" or ","), 1)
              end
              rem[#rem + 1] = { description = string.format("Allow %s on %s in the policy of endpoint %s (%s), keeping its statements", first[1], first[2], vid, sn),
                command = with_region("aws ec2 modify-vpc-endpoint --vpc-endpoint-id {endpoint} --policy-document {policy}"),
                args = { endpoint = vid, policy = merged or ('{"Version":"2012-10-17","Statement":[' .. stmt .. ']}') }, docs = DOC_EP }
            end
          end
          rem[#rem + 1] = { description = "Inspect the endpoint policies of the VPC's Secrets Manager / SSM endpoints",
            command = with_region("aws ec2 describe-vpc-endpoints --filters Name=service-name,Values={services} --query 'VpcEndpoints[].[VpcEndpointId,PolicyDocument]'"),
            args = { services = string.format("com.amazonaws.%s.secretsmanager,com.amazonaws.%s.ssm", edoc.region() or "us-east-1", edoc.region() or "us-east-1") },
            docs = DOC_EP }
        end
        if #rem == 0 then
          rem[#rem + 1] = { description = "Simulate the role's access to the secret",
            command = "aws iam simulate-principal-policy --policy-source-arn {role} --action-names {action} --resource-arns {resource}",
            args = { role = (td and td.executionRoleArn) or ("arn:aws:iam::" .. ((ev.target and ev.target.account) or "ACCOUNT_ID") .. ":role/" .. (role or "ROLE")),
                     action = first[1], resource = first[2] }, docs = DOC_ROLE }
        end
        local title = string.format("Execution role %s may not %s %s", role or "(none)", first[1], first[2])
        if kms and #missing == 0 then
          local key = wanted[1] and wanted[1].kms
          title = string.format("Secret %s cannot be decrypted for execution role %s: %s", first[2], role or "(none)",
            key and ("the key policy of " .. key .. " does not allow kms:Decrypt") or "KMS refuses the decryption")
        elseif endpoint and #missing == 0 then
          title = string.format("A VPC endpoint policy refuses %s on %s", first[1], first[2])
        end
        edoc.finding {
          title = title,
          confidence = (#missing > 0 or (#allowed > 0 and (endpoint or kms))) and 0.95 or 0.8,
          explanation = expl,
          evidence = evidence,
          resources = { role, first[2] },
          key = (role or "?") .. "|" .. first[1] .. "|" .. first[2],
          when = m.when,
          subject = m.service and m.service.serviceName or (m.task and m.task.group and m.task.group:match("^service:(.+)$")),
          explains = { "deployment_circuit_breaker", "deployment_stuck" },
          remediation = rem,
        }
      end
    end, "stoppedReason")
  end,
}
