-- cost.log_retention: the service's CloudWatch log groups keep logs forever (no retentionInDays),
-- so storage cost only grows. Only groups the bundle describes are judged: a group missing from
-- `logs.groups` is unknown, not "never expires".

local scope = edoc.td_scope

return {
  id       = "cost.log_retention",
  category = "best_practice",
  kind     = "recommendation",
  severity = "low",
  summary  = "Log group retention never set",
    -- Only the sources without which nothing can be said: a recommendation check left "incomplete"
  -- by an optional source would turn a healthy verdict into "inconclusive". Optional sections
  -- are checked in run() and an absent one is treated as unknown (no finding).
  needs    = { "ecs.task_definitions" },

  run = function(ev)
    local groups = ev.logs and ev.logs.groups
    if not groups then return end
    local done = {}
    for _, s in ipairs(scope(ev)) do
      for ci, c in ipairs(s.td.containerDefinitions or {}) do
        local lc = c.logConfiguration
        local name = lc and lc.logDriver == "awslogs" and lc.options and lc.options["awslogs-group"]
        local g = edoc.log_group(ev, name, lc and lc.options and lc.options["awslogs-region"])
        if g and g.exists ~= false and g.retentionInDays == nil and not done[name] then
          done[name] = true
          local region = lc.options["awslogs-region"] or edoc.region()
          local size = g.storedBytes and string.format(" (%.1f GiB stored)", g.storedBytes / 1073741824) or ""
          edoc.finding {
            kind        = "recommendation",
            rule        = "cost.log_retention",
            confidence  = 0.9,
            title       = "Log group " .. name .. " keeps logs forever" .. size,
            explanation = "Without a retention policy CloudWatch Logs never deletes the group's events and bills their storage every month; set the retention your incident reviews and compliance actually need.",
            evidence    = { { pointer = edoc.ptr("logs", "groups", name), note = "no retentionInDays" },
                            edoc.ptr("task_definitions", s.arn, "containerDefinitions", ci - 1, "logConfiguration", "options", "awslogs-group") },
            resources   = { name },
            subject     = s.svc and s.svc.serviceName or s.td.family,
            key         = name,
            remediation = {
              { description = "Expire events after 30 days (pick your own period: 1, 3, 5, 7, 14, 30, 60, 90, 180, 365...)",
                command = region and "aws logs put-retention-policy --log-group-name {group} --retention-in-days 30 --region {region}"
                  or "aws logs put-retention-policy --log-group-name {group} --retention-in-days 30",
                args = { group = name, region = region },
                docs = "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html" },
            },
          }
        end
      end
    end
  end,
}
