-- host.maintenance: tasks stopped because AWS retired the host (Fargate task
-- maintenance: "ECS is performing maintenance on the underlying infrastructure
-- hosting the task") or because the EC2 host was stopped/terminated ("Host EC2
-- (instance i-...) stopped/terminated"). The scheduler replaces service tasks;
-- it is worth a look only when the service stays below its desired count.
-- Evidence may be partial or odd-typed (a buggy collector, a hand-edited
-- bundle): read it through these so a bad field is "unknown", not an error.
local list, str, num = edoc.list, edoc.str, edoc.num
local DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-maintenance.html"
local DOCS_EC2 = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html"

local with_region = edoc.with_region

return {
  id = "host.maintenance",
  category = "host_maintenance",
  severity = "low",
  summary = "Tasks stopped by AWS infrastructure maintenance or an EC2 host going away",
  needs = { "ecs.tasks" },
  uses = { "ecs.services" },

  run = function(ev)
    for si, svc in ipairs(list(ev.services)) do
      local group = "service:" .. (svc.serviceName or "")
      local fg, ec2, first, latest, hosts = 0, 0, nil, nil, {}
      -- Only tasks whose stopped reason can say so (indexed by the host).
      for ti, t in edoc.tasks_matching({ "performing maintenance on the underlying infrastructure", "host ec2" },
          "stoppedReason") do
        if t.group == group then
          local r = edoc.norm(t.stoppedReason)
          local is_fg = r:find("performing maintenance on the underlying infrastructure", 1, true)
          local host = r:match("host ec2 %(instance (i%-[%w]+)%) stopped/terminated") or
                       (r:find("host ec2", 1, true) and r:find("terminated", 1, true) and (r:match("(i%-[%w]+)") or "?"))
          if is_fg or host then
            if is_fg then fg = fg + 1 else ec2 = ec2 + 1 hosts[#hosts + 1] = host end
            first = first or ti
            if not latest or (num(t.stoppedAt) or 0) > latest then latest = num(t.stoppedAt) end
          end
        end
      end
      if fg + ec2 > 0 then
        local short = (num(svc.runningCount) or 0) < (num(svc.desiredCount) or 0)
        local cl = edoc.cluster() or "default"
        local sv = svc.serviceName or "?"
        local rem = {
          { description = "Confirm the service is back at its desired count",
            command = with_region("aws ecs describe-services --cluster {cluster} --services {service} --query 'services[0].{desired:desiredCount,running:runningCount,events:events[:5]}'"),
            args = { cluster = cl, service = sv },
            docs = fg > 0 and DOCS or DOCS_EC2 },
        }
        if fg > 0 then
          rem[#rem + 1] = { description = "Check AWS Health for scheduled task retirements (standalone tasks are not replaced for you)",
            command = with_region("aws health describe-events --filter services=ECS,eventStatusCodes=open,upcoming"),
            docs = DOCS }
        end
        if ec2 > 0 and hosts[1] and hosts[1] ~= "?" then
          rem[#rem + 1] = { description = "Find out who or what stopped " .. hosts[1] .. " (Auto Scaling, Spot, a person)",
            command = with_region("aws ec2 describe-instances --instance-ids {instance} --query 'Reservations[].Instances[].{state:State.Name,reason:StateTransitionReason}'"),
            args = { instance = hosts[1] },
            docs = DOCS_EC2 }
        end
        edoc.finding {
          title = string.format("%s: %d task(s) stopped by %s", svc.serviceName or "?", fg + ec2,
            fg > 0 and "Fargate infrastructure maintenance" or ("EC2 host " .. (hosts[1] or "?") .. " going away")),
          severity = short and "medium" or "low",
          confidence = 0.9,
          explanation = string.format("%s The scheduler starts replacements; %s",
            fg > 0 and "AWS retired the Fargate infrastructure the task ran on (task maintenance)." or
              ("The EC2 container instance " .. table.concat(hosts, ", ") .. " was stopped or terminated with tasks on it."),
            short and string.format("the service is still at %d of %d.", num(svc.runningCount) or 0, num(svc.desiredCount) or 0)
              or "the service is back at its desired count, so nothing is needed beyond spreading tasks over AZs."),
          evidence = { { pointer = edoc.ptr("tasks", first - 1, "stoppedReason"), note = (fg + ec2) .. " task(s)" } },
          resources = { svc.serviceName, hosts[1] },
          count = fg + ec2,
          key = svc.serviceName,
          when = latest,
          subject = svc.serviceName,
          remediation = rem,
        }
      end
    end
  end,
}
