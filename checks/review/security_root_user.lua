-- security.root_user: containers run as root (user "root"/"0"), or set no `user` so the image's
-- default applies, which is root unless the Dockerfile has a USER line. Info only: the bundle
-- cannot see the image's USER, and some containers genuinely need root.


local cluster_of = edoc.cluster_of

local scope = edoc.td_scope

local function is_root(user)
  if user == nil or user == "" then return "unset" end
  local u = user:match("^([^:]*)") or user
  if u == "root" or u == "0" then return "root" end
  return nil
end

return {
  id       = "security.root_user",
  category = "best_practice",
  kind     = "recommendation",
  severity = "info",
  summary  = "Containers run as root where `user` could be set",
  needs    = { "ecs.task_definitions" },

  run = function(ev)
    for _, s in ipairs(scope(ev)) do
      local td = s.td
      local osf = td.runtimePlatform and td.runtimePlatform.operatingSystemFamily
      -- Windows containers do not support the `user` parameter.
      if not (osf and osf:find("WINDOWS", 1, true)) then
        local names, ptrs, explicit = {}, {}, false
        for ci, c in ipairs(td.containerDefinitions or {}) do
          -- Privileged containers are covered by security.privileged.
          local r = c.privileged ~= true and is_root(c.user)
          if r then
            names[#names + 1] = (c.name or tostring(ci)) .. (r == "root" and " (user " .. c.user .. ")" or " (no user)")
            if r == "root" then
              explicit = true
              ptrs[#ptrs + 1] = edoc.ptr("task_definitions", s.arn, "containerDefinitions", ci - 1, "user")
            else
              ptrs[#ptrs + 1] = { pointer = edoc.ptr("task_definitions", s.arn, "containerDefinitions", ci - 1, "name"),
                                  note = "no `user`: the image's default user applies (root unless its Dockerfile sets USER)" }
            end
          end
        end
        if #names > 0 then
          local family = td.family or edoc.basename(s.arn)
          local famrev = family .. ":" .. tostring(td.revision or "")
          edoc.finding {
            kind        = "recommendation",
            rule        = "security.root_user",
            confidence  = explicit and 0.9 or 0.4,
            title       = famrev .. ": containers may run as root: " .. table.concat(names, ", "),
            explanation = "A process running as root inside the container has more power over a container escape or a writable mount than it needs; set a non-root `user` (or a USER line in the Dockerfile).",
            evidence    = ptrs,
            resources   = { s.arn },
            subject     = s.svc and s.svc.serviceName or family,
            key         = s.arn,
            remediation = {
              { description = "Register a revision that runs the containers as an unprivileged user (make sure the image's files are readable by it)",
                command = edoc.with_region("aws ecs describe-task-definition --task-definition {td} --query taskDefinition") ..
                  [[ | jq 'del(.taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities, .registeredAt, .registeredBy) | .containerDefinitions |= map(if (.privileged != true) and ((.user // "root") | test("^(root|0)(:|$)")) then .user = "1000:1000" else . end)' > {file}
]] .. edoc.with_region("aws ecs register-task-definition --cli-input-json file://{file}"),
                args = { td = famrev, file = edoc.file_name(family) .. "-td.json" },
                docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security-tasks-containers.html" },
              s.svc and { description = "Deploy the new revision",
                command = edoc.with_region("aws ecs update-service --cluster {cluster} --service {service} --task-definition {family}"),
                args = { cluster = cluster_of(s.svc), service = s.svc.serviceName, family = family },
                docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security-tasks-containers.html" } or nil,
            },
          }
        end
      end
    end
  end,
}
