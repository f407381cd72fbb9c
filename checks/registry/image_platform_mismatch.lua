-- registry.platform_mismatch: the image was built for another CPU
-- architecture or OS than the task runs on. Texts:
--   CannotPullContainerError: image Manifest does not contain descriptor matching platform 'linux/amd64'
--   CannotPullContainerError: ... no matching manifest for linux/arm64/v8 in the manifest list entries
--   exec /usr/local/bin/docker-entrypoint.sh: exec format error      (container log, exit code 1)
--   standard_init_linux.go:228: exec user process caused: exec format error
-- The task definition's runtimePlatform.cpuArchitecture (X86_64 default, or
-- ARM64) says what the task runs on.
local DOC_RT = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#runtime-platform"
local DOC_ARM = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-arm-specifying.html"
local PATTERNS = { "does not contain descriptor matching platform", "no matching manifest for",
  "exec format error", "no match for platform in manifest", "image operating system" }

local N, any_of = edoc.norm_str, edoc.has_any -- cached normalisation (checks/API.md)

local with_region = edoc.with_region

return {
  id = "registry.platform_mismatch",
  category = "image_platform_mismatch",
  severity = "critical",
  summary = "The image's CPU architecture / OS does not match the task's platform (exec format error)",
  needs = { "ecs.tasks" },
  uses = { "ecs.services", "ecs.task_definitions", "logs" },

  run = function(ev)
    local function handle(m)
      if m.text and any_of(m.text, PATTERNS) then
        local tdarn = (m.task and m.task.taskDefinitionArn) or (m.service and m.service.taskDefinition)
        local td = tdarn and ev.task_definitions and ev.task_definitions[tdarn]
        local rp = td and td.runtimePlatform or {}
        local arch = rp.cpuArchitecture or "X86_64"
        local osfam = rp.operatingSystemFamily or "LINUX"
        local want = m.text:match("matching platform '([^']+)'") or m.text:match("no matching manifest for ([%w/]+)")
        local img = m.container and m.container.image
        if not img and td then
          for _, cd in ipairs(td.containerDefinitions or {}) do
            if not m.container_name or cd.name == m.container_name then img = cd.image break end
          end
        end
        local plat = arch == "ARM64" and "linux/arm64" or "linux/amd64"
        local other = arch == "ARM64" and "X86_64" or "ARM64"
        local family = td and td.family or (tdarn and edoc.basename(tdarn):gsub(":%d+$", "")) or "TASKDEF"
        local evidence = { { pointer = m.ptr, note = "failure message" } }
        if td and td.runtimePlatform then
          evidence[#evidence + 1] = { pointer = edoc.ptr("task_definitions", tdarn, "runtimePlatform"), note = "task platform" }
        end
        edoc.finding {
          title = string.format("Image %s does not run on the task's platform (%s %s)", img or "?", osfam, arch),
          confidence = td and 0.9 or 0.75,
          explanation = string.format("The task runs on %s/%s (task definition %s, runtimePlatform %s) but the image %s. "
            .. "The usual cause is an image built on an Apple Silicon (arm64) laptop or an amd64-only CI runner without --platform.",
            osfam:lower(), arch, family, td and td.runtimePlatform and "set" or "not set, so X86_64",
            want and ("has no manifest for " .. want) or "contains binaries for another architecture (exec format error)"),
          evidence = evidence,
          resources = { img, family },
          key = img or family,
          when = m.when,
          subject = m.service and m.service.serviceName or (m.task and m.task.group and m.task.group:match("^service:(.+)$")),
          -- The exec format error makes the container exit 1: container.exit reports
          -- that crash, and it is this finding's symptom.
          explains = { "deployment_circuit_breaker", "deployment_stuck", "ecs.pull_error", "container_crash", "container.exit" },
          remediation = {
            { description = "Rebuild and push the image for the task's platform (" .. plat .. "), or for both",
              command = "docker buildx build --platform linux/amd64,linux/arm64 -t {image} --push .", args = { image = img or "IMAGE" }, docs = DOC_ARM },
            { description = "Or run the task on the image's architecture: register " .. family .. " with runtimePlatform cpuArchitecture=" .. other,
              command = with_region("aws ecs describe-task-definition --task-definition {td} --query 'taskDefinition.runtimePlatform'"),
              args = { td = family }, docs = DOC_RT },
            { description = "then register it with --runtime-platform cpuArchitecture=" .. other .. ",operatingSystemFamily=" .. osfam, docs = DOC_RT },
            { description = "Check which platforms the image manifest carries",
              command = "docker buildx imagetools inspect -- {image}", args = { image = img or "IMAGE" }, docs = DOC_ARM },
          },
        }
      end
    end
    edoc.each_message(ev, PATTERNS, handle)
    -- Container logs: the exec format error is printed by the runtime into the container's stream.
    for key, st in pairs((ev.logs and ev.logs.streams) or {}) do
      for i, e in ipairs(st.events or {}) do
        if e.message and N(e.message):find("exec format error", 1, true) then
          local task
          for _, t in ipairs(ev.tasks or {}) do if st.task and edoc.task_id(t.taskArn) == st.task then task = t end end
          handle({ text = e.message, ptr = edoc.ptr("logs", "streams", key, "events", i - 1, "message"),
            task = task, when = e.timestamp and e.timestamp / 1000, container_name = st.container })
          break
        end
      end
    end
  end,
}
