-- general.api_throttled: AWS API rate limits slow the service down. The
-- scheduler says "(service X) operations are being throttled. Will try again
-- later." (also "... throttled on elb ..."), and tasks can fail to start when the
-- agent's own calls are throttled (ThrottlingException / "Rate exceeded" /
-- TooManyRequestsException inside a stopped reason).
-- Evidence may be partial or odd-typed (a buggy collector, a hand-edited
-- bundle): read it through these so a bad field is "unknown", not an error.
local list, str, num = edoc.list, edoc.str, edoc.num
local DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages.html"
local DOCS_QUOTA = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html"

local with_region = edoc.with_region

local recent_events = edoc.recent_events

local TASK_PATTERNS = { "throttlingexception", "rate exceeded", "toomanyrequestsexception", "requestlimitexceeded",
                        "throttled" }

return {
  id = "general.api_throttled",
  category = "api_throttled",
  severity = "medium",
  summary = "AWS API throttling delays the scheduler or makes tasks fail to start",
  needs = { "ecs.services" },
  uses = { "ecs.tasks" },

  run = function(ev)
    for si, svc in ipairs(list(ev.services)) do
      local group = "service:" .. (svc.serviceName or "")
      local n_ev, n_task, evidence, latest, on_elb, api = 0, 0, {}, nil, false, nil
      for _, r in ipairs(recent_events(svc)) do
        -- The scheduler's own message, or a launch/placement failure whose
        -- reason is an AWS throttling error.
        local launch = r.m:find("failed to launch a task", 1, true) or r.m:find("unable to place a task", 1, true)
        if r.m:find("operations are being throttled", 1, true)
          or (launch and edoc.match_any(r.m, { "throttlingexception", "rate exceeded", "toomanyrequestsexception" })) then
          n_ev = n_ev + 1
          on_elb = on_elb or r.m:find("throttled on elb", 1, true) ~= nil
          latest = latest or num(r.e.createdAt)
          if #evidence < 2 then
            evidence[#evidence + 1] = { pointer = edoc.ptr("services", si - 1, "events", r.i - 1, "message"), note = "service event" }
          end
        end
      end
      for ti, t in edoc.tasks_matching(TASK_PATTERNS, "stoppedReason") do
        -- Image pulls (registry catalog) and ENI provisioning (network catalog)
        -- have their own, more specific checks for throttling.
        local rs = edoc.norm(str(t.stoppedReason))
        local owned = rs:find("cannotpullcontainererror", 1, true) or rs:find("network interface", 1, true)
        if t.group == group and not owned and edoc.match_any(rs, TASK_PATTERNS) then
          n_task = n_task + 1
          local r = edoc.norm(t.stoppedReason)
          -- Name the throttled service from the SDK error when it says so.
          api = api or r:match("api error ([%w]+):") or (r:find("secretsmanager", 1, true) and "Secrets Manager")
            or (r:find("ssm", 1, true) and "SSM") or (r:find("ecr", 1, true) and "ECR") or (r:find("logs", 1, true) and "CloudWatch Logs")
          if #evidence < 4 then evidence[#evidence + 1] = { pointer = edoc.ptr("tasks", ti - 1, "stoppedReason"), note = "stopped reason" } end
          if not latest or (num(t.stoppedAt) or 0) > latest then latest = num(t.stoppedAt) end
        end
      end
      if n_ev + n_task > 0 then
        local parts = {}
        if n_ev > 0 then
          parts[#parts + 1] = string.format("The ECS scheduler reported %d time(s) that its operations for %s are throttled%s; it retries later, "
            .. "so deployments and scaling go slowly.", n_ev, svc.serviceName or "?", on_elb and " on Elastic Load Balancing" or "")
        end
        if n_task > 0 then
          parts[#parts + 1] = string.format("%d task(s) failed to start because an AWS API call was throttled%s.", n_task,
            api and (" (" .. api .. ")") or "")
        end
        parts[#parts + 1] = "Something in the account (deploy tooling, many services starting at once, a polling script) is calling "
          .. "the same APIs heavily; CloudTrail shows who."
        edoc.finding {
          title = string.format("%s: AWS API throttling%s", svc.serviceName or "?", on_elb and " (Elastic Load Balancing)" or (api and (" (" .. api .. ")") or "")),
          severity = n_task > 0 and "high" or "medium",
          confidence = 0.85,
          explanation = table.concat(parts, " "),
          evidence = evidence,
          resources = { svc.serviceName },
          count = n_ev + n_task,
          key = svc.serviceName,
          when = latest,
          subject = svc.serviceName,
          explains = { "deployment_stuck", "deployment_circuit_breaker" },
          remediation = {
            { description = "Find the callers that are being throttled (last hour)",
              command = with_region("aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventSource,AttributeValue={source} --max-results 50 --query \"Events[?contains(CloudTrailEvent, 'Throttling') || contains(CloudTrailEvent, 'Rate exceeded')].[EventTime,EventName,Username]\" --output table"),
              args = { source = on_elb and "elasticloadbalancing.amazonaws.com" or "ecs.amazonaws.com" },
              docs = DOCS },
            { description = "Spread deployments out and back off in automation; if the load is legitimate, ask for a higher rate limit",
              command = with_region("aws service-quotas list-service-quotas --service-code {code} --query \"Quotas[?contains(QuotaName, 'rate') || contains(QuotaName, 'Rate')].{name:QuotaName,code:QuotaCode,value:Value}\""),
              args = { code = on_elb and "elasticloadbalancing" or "ecs" },
              docs = DOCS_QUOTA },
          },
        }
      end
    end
  end,
}
