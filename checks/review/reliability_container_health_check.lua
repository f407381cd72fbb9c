-- reliability.container_health_check: essential containers without a container health check.
-- Without one ECS only knows the process is running, not that it works: a hung process stays
-- "RUNNING" and (without a load balancer) is never replaced.


local cluster_of = edoc.cluster_of

local scope = edoc.td_scope

return {
  id       = "reliability.container_health_check",
  category = "best_practice",
  kind     = "recommendation",
  severity = "low",
  summary  = "Essential containers without a container health check",
  needs    = { "ecs.task_definitions" },

  run = function(ev)
    for _, s in ipairs(scope(ev)) do
      local td = s.td
      local lb = s.svc and s.svc.loadBalancers and #s.svc.loadBalancers > 0
      local names, ptrs, first_port = {}, {}, nil
      for ci, c in ipairs(td.containerDefinitions or {}) do
        -- `essential` defaults to true when absent.
        if c.essential ~= false and c.healthCheck == nil then
          names[#names + 1] = c.name or tostring(ci)
          ptrs[#ptrs + 1] = { pointer = edoc.ptr("task_definitions", s.arn, "containerDefinitions", ci - 1, "name"),
                              note = "essential, no healthCheck" }
          local pm = c.portMappings and c.portMappings[1]
          first_port = first_port or (pm and pm.containerPort)
        end
      end
      if #names > 0 then
        local family = td.family or edoc.basename(s.arn)
        local famrev = family .. ":" .. tostring(td.revision or "")
        local probe = first_port and ("curl -fs http://localhost:" .. tostring(first_port) .. "/ || exit 1") or "<a command that exits 0 when the app works>"
        edoc.finding {
          kind        = "recommendation",
          rule        = "reliability.container_health_check",
          -- Behind a load balancer its health check already replaces broken tasks.
          severity    = lb and "info" or "low",
          confidence  = 0.8,
          title       = famrev .. ": essential containers without a health check (" .. table.concat(names, ", ") .. ")",
          explanation = "Without a container health check ECS only knows the process is alive; a hung or broken container keeps running" ..
                        (lb and " until the load balancer notices" or " and is never replaced") ..
                        ". A healthCheck lets ECS replace it and gates deployments and container dependencies on real health.",
          evidence    = ptrs,
          resources   = { s.arn },
          subject     = s.svc and s.svc.serviceName or family,
          key         = s.arn,
          remediation = {
            { description = "Register a revision with a health check (adapt the command: the image needs curl or an equivalent)",
              command = edoc.with_region("aws ecs describe-task-definition --task-definition {td} --query taskDefinition") ..
                [[ | jq --arg probe {probe} 'del(.taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities, .registeredAt, .registeredBy) | .containerDefinitions |= map(if (.name | IN($ARGS.positional[])) then .healthCheck = {"command": ["CMD-SHELL", $probe], "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 60} else . end)' --args {containers} > {file}
]] .. edoc.with_region("aws ecs register-task-definition --cli-input-json file://{file}"),
              args = { td = famrev, probe = probe, containers = names, file = edoc.file_name(family) .. "-td.json" },
              docs = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html" },
            s.svc and { description = "Deploy the new revision",
              command = edoc.with_region("aws ecs update-service --cluster {cluster} --service {service} --task-definition {family}"),
              args = { cluster = cluster_of(s.svc), service = s.svc.serviceName, family = family },
              docs = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html" } or nil,
          },
        }
      end
    end
  end,
}
