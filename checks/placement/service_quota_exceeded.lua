-- placement.service_quota_exceeded: the account hit an ECS/Fargate quota
-- (concurrent tasks, vCPUs, requested CPU/memory above limit, tasks in
-- PROVISIONING). Evidence: the scheduler's own "Reason: You've reached the limit
-- ..." / "... is above your limit" event texts.
-- Evidence may be partial or odd-typed (a buggy collector, a hand-edited
-- bundle): read it through these so a bad field is "unknown", not an error.
local list, str, num = edoc.list, edoc.str, edoc.num
local DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html"
local DOCS_REQ = "https://docs.aws.amazon.com/servicequotas/latest/userguide/request-quota-increase.html"

local recent_events = edoc.recent_events

local with_region = edoc.with_region

-- Normalised fragments (edoc.norm folds the typographic apostrophe) -> what hit.
local PATTERNS = {
  { "reached the limit on the number of vcpus", "Fargate vCPU quota", "fargate" },
  { "reached the limit on the number of tasks you can run concurrently", "concurrent task quota", "ecs" },
  { "requested cpu configuration is above your limit", "task CPU size quota", "fargate" },
  { "requested memory configuration is above your limit", "task memory size quota", "fargate" },
  { "tasks provisioning capacity limit was exceeded", "cluster limit of tasks in PROVISIONING", "ecs" },
}

return {
  id = "placement.service_quota_exceeded",
  category = "service_quota_exceeded",
  severity = "high",
  summary = "The account reached an ECS or Fargate service quota",
  needs = { "ecs.services" },

  run = function(ev)
    for si, svc in ipairs(list(ev.services)) do
      for _, r in ipairs(recent_events(svc)) do
        for _, p in ipairs(PATTERNS) do
          if r.m:find(p[1], 1, true) then
            local code = p[3]
            local rem = {
              { description = "Look up the quota and its current value",
                command = with_region("aws service-quotas list-service-quotas --service-code {code} --query \"Quotas[].{name:QuotaName,code:QuotaCode,value:Value}\" --output table"),
                args = { code = code },
                docs = DOCS },
              { description = "Request an increase (QuotaCode from the listing above)",
                command = with_region("aws service-quotas request-service-quota-increase --service-code {code} --quota-code '<QuotaCode>' --desired-value '<value>'"),
                args = { code = code },
                docs = DOCS_REQ },
            }
            if code == "ecs" and p[2]:find("PROVISIONING", 1, true) then
              rem[#rem + 1] = { description = "Meanwhile scale services up more gradually",
                command = with_region("aws ecs describe-clusters --clusters {cluster} --query 'clusters[0].pendingTasksCount'"),
                args = { cluster = edoc.cluster() or "default" },
                docs = DOCS }
            end
            edoc.finding {
              title = string.format("%s: tasks cannot start — %s reached", svc.serviceName or "?", p[2]),
              confidence = 0.95,
              explanation = string.format("The scheduler could not place a task of %s because the account reached the %s in %s. "
                .. "Running tasks keep running; new ones wait until usage drops or the quota is raised.",
                svc.serviceName or "?", p[2], edoc.region() or "this Region"),
              evidence = { { pointer = edoc.ptr("services", si - 1, "events", r.i - 1, "message"), note = "service event" } },
              resources = { svc.serviceName },
              key = (svc.serviceName or "?") .. "/" .. p[2],
              when = r.e.createdAt,
              subject = svc.serviceName,
              explains = { "deployment_circuit_breaker", "deployment_stuck" },
              remediation = rem,
            }
            break
          end
        end
      end
    end
  end,
}
