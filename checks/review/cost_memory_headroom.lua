-- cost.memory_headroom: a container has a hard memory limit (`memory`) and no soft reservation
-- below it (`memoryReservation`). The hard limit is then both what is reserved and where the
-- container is OOM-killed: either the reservation is sized for the peak (paying for idle memory)
-- or a burst kills the container. A reservation at typical use with the hard limit at the peak
-- packs tasks tighter and leaves burst headroom.


local cluster_of = edoc.cluster_of

local scope = edoc.td_scope

return {
  id       = "cost.memory_headroom",
  category = "best_practice",
  kind     = "recommendation",
  severity = "info",
  summary  = "Hard memory limit with no soft reservation below it",
  needs    = { "ecs.task_definitions" },

  run = function(ev)
    for _, s in ipairs(scope(ev)) do
      local td = s.td
      local ec2 = false
      for _, c in ipairs(td.requiresCompatibilities or {}) do if c == "EC2" then ec2 = true end end
      if s.svc and s.svc.launchType == "EC2" then ec2 = true end
      local names, ptrs, sel = {}, {}, {}
      for ci, c in ipairs(td.containerDefinitions or {}) do
        local hard, soft = c.memory, c.memoryReservation
        if hard and (soft == nil or soft >= hard) then
          names[#names + 1] = string.format("%s (memory %d MiB%s)", c.name or "?", hard,
                                soft and (", reservation " .. soft .. " MiB") or ", no reservation")
          ptrs[#ptrs + 1] = edoc.ptr("task_definitions", s.arn, "containerDefinitions", ci - 1, "memory")
          sel[#sel + 1] = c.name or "" -- the containers the jq program changes
        end
      end
      if #names > 0 then
        -- Containers OOM-killed recently make the advice sharper.
        local oom = 0
        for _, t in ipairs(ev.tasks or {}) do
          if t.taskDefinitionArn == s.arn and edoc.match_any(t.stoppedReason, { "outofmemory" }) then oom = oom + 1 end
        end
        local family = td.family or edoc.basename(s.arn)
        local famrev = family .. ":" .. tostring(td.revision or "")
        edoc.finding {
          kind        = "recommendation",
          rule        = "cost.memory_headroom",
          severity    = (ec2 or oom > 0) and "low" or "info",
          confidence  = 0.6,
          title       = famrev .. ": hard memory limit with no reservation headroom: " .. table.concat(names, ", "),
          explanation = "When the hard limit is also the reservation, the container is either sized for its peak (memory reserved and paid for but idle) or killed by the first burst" ..
                        (oom > 0 and (" (" .. oom .. " task(s) of this revision stopped with OutOfMemoryError)") or "") ..
                        ". Reserve typical use with memoryReservation and keep `memory` as the ceiling.",
          evidence    = ptrs,
          resources   = { s.arn },
          subject     = s.svc and s.svc.serviceName or family,
          key         = s.arn,
          remediation = {
            { description = "Register a revision that reserves 75 % of the hard limit (adjust to the container's measured typical use)",
              command = edoc.with_region("aws ecs describe-task-definition --task-definition {td} --query taskDefinition") ..
                [[ | jq 'del(.taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities, .registeredAt, .registeredBy) | .containerDefinitions |= map(if (.name | IN($ARGS.positional[])) then .memoryReservation = ((.memory * 3 / 4) | floor) else . end)' --args {containers} > {file}
]] .. edoc.with_region("aws ecs register-task-definition --cli-input-json file://{file}"),
              args = { td = famrev, file = edoc.file_name(family) .. "-td.json", containers = sel },
              docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html" },
            s.svc and { description = "Deploy the new revision",
              command = edoc.with_region("aws ecs update-service --cluster {cluster} --service {service} --task-definition {family}"),
              args = { cluster = cluster_of(s.svc), service = s.svc.serviceName, family = family },
              docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html" } or nil,
          },
        }
      end
    end
  end,
}
