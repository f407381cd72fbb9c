-- security.privileged: containers run with `privileged: true` (root on the container instance).


local cluster_of = edoc.cluster_of

local scope = edoc.td_scope

return {
  id       = "security.privileged",
  category = "best_practice",
  kind     = "recommendation",
  severity = "medium",
  summary  = "Privileged containers",
  needs    = { "ecs.task_definitions" },

  run = function(ev)
    for _, s in ipairs(scope(ev)) do
      local td = s.td
      local names, ptrs = {}, {}
      for ci, c in ipairs(td.containerDefinitions or {}) do
        if c.privileged == true then
          names[#names + 1] = c.name or tostring(ci)
          ptrs[#ptrs + 1] = edoc.ptr("task_definitions", s.arn, "containerDefinitions", ci - 1, "privileged")
        end
      end
      if #names > 0 then
        local family = td.family or edoc.basename(s.arn)
        local famrev = family .. ":" .. tostring(td.revision or "")
        edoc.finding {
          kind        = "recommendation",
          rule        = "security.privileged",
          confidence  = 0.95,
          title       = famrev .. " runs privileged containers (" .. table.concat(names, ", ") .. ")",
          explanation = "A privileged container gets every Linux capability and the host's devices: a compromise of the application is a compromise of the container instance and every task on it. Grant only the capabilities it needs with linuxParameters.capabilities.add.",
          evidence    = ptrs,
          resources   = { s.arn },
          subject     = s.svc and s.svc.serviceName or family,
          key         = s.arn,
          remediation = {
            { description = "Register a revision without privileged mode (add back single capabilities under linuxParameters if needed)",
              command = edoc.with_region("aws ecs describe-task-definition --task-definition {td} --query taskDefinition") ..
                [[ | jq 'del(.taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities, .registeredAt, .registeredBy) | .containerDefinitions |= map(if (.name | IN($ARGS.positional[])) then del(.privileged) else . end)' --args {containers} > {file}
]] .. edoc.with_region("aws ecs register-task-definition --cli-input-json file://{file}"),
              args = { td = famrev, file = edoc.file_name(family) .. "-td.json", containers = names },
              docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security-tasks-containers.html" },
            s.svc and { description = "Deploy the new revision",
              command = edoc.with_region("aws ecs update-service --cluster {cluster} --service {service} --task-definition {family}"),
              args = { cluster = cluster_of(s.svc), service = s.svc.serviceName, family = family },
              docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security-tasks-containers.html" } or nil,
          },
        }
      end
    end
  end,
}
