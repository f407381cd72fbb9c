-- Sees a failure it must explain (a stopped task) and reports that the route
-- tables it would explain it with are missing; target "bad" names a source
-- that does not exist (must fail the check, not pass silently).
return { id = "test.gaps_lua", category = "unknown_failure", severity = "high",
  needs = { "ecs.services" }, uses = { "ec2.route_tables" },
  run = function(ev)
    if ev.target.service == "bad" then edoc.incomplete("ec2.no_such_source", "typo") end
    for _, t in edoc.ipairs(ev.tasks) do
      if t.lastStatus == "STOPPED" then
        edoc.incomplete("ec2.route_tables", "saw a pull timeout but the route tables are missing")
        edoc.incomplete("ec2.route_tables", "a repeat is recorded once")
      end
    end
  end,
}
