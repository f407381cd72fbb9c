-- logs.configuration_error: the container's log driver could not start, so
-- the task never ran. Texts:
--   ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times:
--     failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does
--     not exist. : exit status 1
--   CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to
--     create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist.
--   ... failed to create Cloudwatch log stream: AccessDeniedException: User: ... is not authorized to
--     perform: logs:CreateLogStream on resource: ...
-- Look-alike, NOT this category: "The task cannot find the Amazon CloudWatch log group defined in the
-- task definition. There is a connection issue between the task and Amazon CloudWatch." is a network
-- failure (net.dependency_unreachable). The group's existence is checked in the logs source.
local DOC = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html"
local DOC_ROLE = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html"
local PATTERNS = { "failed to initialize logging driver", "failed to validate logger args", "log group does not exist",
  "failed to create cloudwatch log stream", "failed to create cloudwatch log group", "logs:createlogstream",
  "logs:createloggroup", "logs:putlogevents" }
local NETWORK = { "there is a connection issue", "i/o timeout", "context deadline exceeded", "statuscode: 0",
  "request canceled", "send request failed" }

local N, any_of = edoc.norm_str, edoc.has_any -- cached normalisation (checks/API.md)

-- A logging failure, not a network one (net.dependency_unreachable's).
local function relevant(text)
  local n = N(text)
  return any_of(n, PATTERNS) and not any_of(n, NETWORK)
end

local with_region = edoc.with_region

return {
  id = "logs.configuration_error",
  category = "log_configuration_error",
  severity = "critical",
  summary = "The container's log configuration fails (missing log group, no permission, bad options)",
  needs = { "ecs.tasks" },
  uses = { "ecs.services", "ecs.task_definitions", "logs", "iam.roles" },

  run = function(ev)
    edoc.each_message(ev, relevant, function(m)
      local n = N(m.text)
      if m.text and relevant(m.text) then
        local tdarn = (m.task and m.task.taskDefinitionArn) or (m.service and m.service.taskDefinition)
        local td = tdarn and ev.task_definitions and ev.task_definitions[tdarn]
        local lc, ci, cname
        for i, cd in ipairs((td and td.containerDefinitions) or {}) do
          if cd.logConfiguration and (not m.container or cd.name == m.container.name) then lc, ci, cname = cd.logConfiguration, i, cd.name break end
        end
        local opts = (lc and lc.options) or {}
        local group = opts["awslogs-group"]
        local region = opts["awslogs-region"] or edoc.region() or "us-east-1"
        local create = opts["awslogs-create-group"] == "true"
        local info = edoc.log_group(ev, group, opts["awslogs-region"])
        local denied = n:find("accessdenied", 1, true) or n:find("not authorized to perform", 1, true)
        local missing = n:find("log group does not exist", 1, true) or (info and info.exists == false)
        local role = m.text:match("assumed%-role/([%w+=,%.@_%-]+)/") or (td and td.executionRoleArn and edoc.basename(td.executionRoleArn))
        local evidence = { { pointer = m.ptr, note = "failure message" } }
        if ci then evidence[#evidence + 1] = { pointer = edoc.ptr("task_definitions", tdarn, "containerDefinitions", ci - 1, "logConfiguration"), note = "log configuration of " .. cname } end
        if info then evidence[#evidence + 1] = { pointer = edoc.ptr("logs", "groups", group, "exists"), note = "log group lookup" } end
        local rem, title, expl = {}, nil, nil
        if denied then
          local action = m.text:match("perform: (logs:%a+)") or "logs:CreateLogStream"
          local d, why = "unknown", "no execution role"
          local garn = group and string.format("arn:aws:logs:%s:%s:log-group:%s:*", region, (ev.target and ev.target.account) or "ACCOUNT_ID", group) or "*"
          if role then d, why = edoc.iam_eval(role, action, garn) end
          title = string.format("Execution role %s may not %s on log group %s", role or "(none)", action, group or "?")
          expl = "The awslogs driver could not create its log stream: access denied. " .. why .. "."
          if role then
            rem[#rem + 1] = { description = "Allow " .. role .. " to create streams and put events in " .. (group or "the log group"),
              command = "aws iam put-role-policy --role-name {role} --policy-name ecs-doctor-awslogs --policy-document {policy}",
              args = { role = role, policy = string.format('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"%s],"Resource":%s}]}',
                  create and ',"logs:CreateLogGroup"' or "", edoc.json_string(garn)) }, docs = DOC_ROLE }
          end
          if d == "allowed" then expl = expl .. " The identity policies allow it, so look at an SCP or permissions boundary." end
        elseif missing then
          title = string.format("Log group %s does not exist (awslogs-group of container %s)", group or "?", cname or "?")
          expl = string.format("The awslogs driver writes to %s in %s, which does not exist%s, and awslogs-create-group is %s.",
            group or "?", region, (info and info.exists == false) and " (confirmed by DescribeLogGroups)" or "", create and "true" or "not set")
          rem[#rem + 1] = { description = "Create the log group",
            command = "aws logs create-log-group --log-group-name {group} --region {region}", args = { group = group or "LOG_GROUP", region = region }, docs = DOC }
          if role then
            rem[#rem + 1] = { description = "Or let the driver create it: set awslogs-create-group=true and allow logs:CreateLogGroup to " .. role,
              command = [[aws iam put-role-policy --role-name {role} --policy-name ecs-doctor-awslogs-create --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup"],"Resource":"*"}]}']],
              args = { role = role }, docs = DOC }
          end
        else
          title = "The log driver of " .. (cname or "the container") .. " failed to initialize"
          expl = "The container's logConfiguration could not be applied: " .. m.text
          rem[#rem + 1] = { description = "Review the log configuration options",
            command = with_region("aws ecs describe-task-definition --task-definition {td} --query 'taskDefinition.containerDefinitions[].logConfiguration'"),
            args = { td = edoc.basename(tdarn or "TASKDEF") }, docs = DOC }
        end
        edoc.finding {
          title = title,
          confidence = 0.93,
          explanation = expl,
          evidence = evidence,
          resources = { group, role },
          key = (group or "?") .. "|" .. (denied and "denied" or (missing and "missing" or "other")),
          when = m.when,
          subject = m.service and m.service.serviceName or (m.task and m.task.group and m.task.group:match("^service:(.+)$")),
          explains = { "deployment_circuit_breaker", "deployment_stuck" },
          remediation = rem,
        }
      end
    end)
  end,
}
