-- team.db_connection_refused — a team-style Lua check: our services print
-- "could not connect to database" (or ECONNREFUSED on port 5432) when the
-- database's security group or address is wrong. That crash is the root of
-- the generic container-exit finding, so this check explains it.
return {
  id       = "team.db_connection_refused",
  category = "container_crash",
  severity = "high",
  summary  = "Containers exit because the database refuses or drops the connection",
  needs    = { "logs", "ecs.tasks" },

  run = function(ev)
    if not ev.logs then return end
    for name, stream in edoc.pairs(ev.logs.streams) do
      for i, event in edoc.ipairs(stream.events) do
        if edoc.match_any(event.message, { "could not connect to database", "econnrefused 10.", ":5432: connect: connection refused" }) then
          edoc.finding {
            title       = "Service cannot reach its database (" .. (stream.container or "?") .. ")",
            confidence  = 0.85,
            explanation = "The application logged a refused database connection right before it exited. " ..
                          "Check the database's security group allows the task's security group on 5432, " ..
                          "and that DATABASE_URL points at the current endpoint.",
            evidence    = { edoc.ptr("logs", "streams", name, "events", i - 1, "message") },
            resources   = { stream.task },
            key         = stream.container,
            when        = event.timestamp and event.timestamp / 1000,
            explains    = { "container.exit" },
            remediation = {
              { description = "Show the database security group's inbound rules",
                command = edoc.with_region("aws ec2 describe-security-groups --group-ids sg-DATABASE --query 'SecurityGroups[].IpPermissions'") },
            },
          }
          break
        end
      end
    end
  end,
}
