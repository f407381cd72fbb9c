-- general.unknown_failure: a failure no other check reports still gets a line
-- in the report — a new AWS wording or an unusual failure must not vanish
-- because nobody wrote a pattern for it yet.
--
-- What the other checks report is edoc.claimed (the documented wordings, in
-- core/engine/families.lua, kept in step with them). For everything else:
--   * a text of a known error class (edoc.family: CannotPullContainerError,
--     ResourceInitializationError, ...) is decided from the rest of the
--     evidence where the evidence is decisive — a pull or set-up failure
--     whose path to the registry or service has no route is network_no_route
--     (or the blocking hop's category); a pull failure for an image ECR says
--     does not exist is image_not_found — and otherwise reported as the
--     family's generic finding, naming the class and what it means;
--   * a text of no known class is quoted verbatim (the original behaviour);
--   * a service event since the last steady state that is neither normal
--     operation nor read by a check (edoc.event_kind) is reported too.
-- Evidence may be partial or odd-typed (a buggy collector, a hand-edited
-- bundle): read it through these so a bad field is "unknown", not an error.
local list, str, num = edoc.list, edoc.str, edoc.num
local N = edoc.norm_str
local DOCS = edoc.family_docs
local with_region = edoc.with_region

-- stopCodes whose reasons are a person's or a tool's free text.
local FREE_TEXT = { UserInitiated = true }

-- Same failure on many tasks: fold ids and numbers so they merge.
local function shape(s)
  local n = edoc.norm(s)
  n = n:gsub("[0-9a-f][0-9a-f%-]+[0-9a-f]", function(x) return (#x >= 8 and x:find("%d")) and "#" or x end)
  n = n:gsub("%d+", "#")
  return n:sub(1, 160)
end

-- The wordings network.dependency_unreachable names a dependency for (its
-- dependency()): a connection failure without one of them is not its.
local NET_DEPENDENCY = { "registry auth from asm", "registry auth from amazon ecr", "ecr registry auth", "api.ecr.",
  "getauthorizationtoken", "from asm", "secrets manager", "from ssm", "systems manager", "logger args", "cloudwatch",
  "log group", "logging driver", "cannotpullcontainererror", "pull the image", "pull image manifest",
  "ref pull has been retried", "failed to resolve ref", "failed to copy", "from the amazon ecr repository" }

local function has(n, l)
  for _, p in ipairs(l) do if n:find(p, 1, true) then return true end end
  return false
end

local HOP_CATEGORY = {
  route = "network_no_route", blackhole = "network_no_route", nat = "network_no_route",
  igw = "network_no_route", public_ip = "network_no_route", nacl = "network_no_route",
  sg_egress = "security_group_egress_blocked",
  endpoint = "vpc_endpoint_misconfigured", endpoint_sg = "vpc_endpoint_misconfigured",
  endpoint_policy = "vpc_endpoint_misconfigured",
}

local function service_of(ev, t)
  local name = t and str(t.group) and t.group:match("^service:(.+)$")
  for _, s in ipairs(list(ev.services)) do
    if name and s.serviceName == name then return s end
  end
  if #list(ev.services) == 1 then return ev.services[1] end
  return nil
end

local function awsvpc(svc)
  if type(svc) ~= "table" then return nil end
  local nc = svc.networkConfiguration
  if type(nc) ~= "table" and type(svc.deployments) == "table" and type(svc.deployments[1]) == "table" then
    nc = svc.deployments[1].networkConfiguration
  end
  return type(nc) == "table" and type(nc.awsvpcConfiguration) == "table" and nc.awsvpcConfiguration or nil
end

local function task_subnet(t)
  for _, a in ipairs(list(t and t.attachments)) do
    if type(a) == "table" and a.type == "ElasticNetworkInterface" then
      for _, d in ipairs(list(a.details)) do
        if type(d) == "table" and d.name == "subnetId" and str(d.value) then return d.value end
      end
    end
  end
  return nil
end

-- The image of the task's container that the text names, else its first.
local function image_of(t, n)
  local first
  for _, c in ipairs(list(t and t.containers)) do
    if type(c) == "table" and str(c.image) then
      first = first or c.image
      if n:find(edoc.norm(c.image), 1, true) then return c.image end
    end
  end
  return first
end

-- The services a failing step talks to, for edoc.net_reach.
local function dependencies(fam, n, image)
  if fam.id == "CannotPullContainerError" then
    if (image or ""):find("%.dkr%.ecr%.") or n:find("%.dkr%.ecr%.") then return { "ecr.api", "ecr.dkr", "s3" }, "Amazon ECR" end
    return { "internet" }, "the image registry on the internet"
  end
  if fam.id == "ResourceInitializationError" or fam.id == "ResourceNotFoundException" then
    if n:find("registry auth", 1, true) or n:find("ecr", 1, true) then return { "ecr.api" }, "Amazon ECR (registry auth)" end
    if n:find("asm", 1, true) or n:find("secrets manager", 1, true) then return { "secretsmanager" }, "AWS Secrets Manager" end
    if n:find("ssm", 1, true) or n:find("systems manager", 1, true) then return { "ssm" }, "AWS Systems Manager" end
    if n:find("log", 1, true) or n:find("cloudwatch", 1, true) then return { "logs" }, "Amazon CloudWatch Logs" end
    if n:find("env files", 1, true) or n:find("s3", 1, true) then return { "s3" }, "Amazon S3" end
  end
  return nil
end

-- What the path from the task's subnet to the failing dependency says:
-- "no" (with the hop), "unknown", "yes", or nil when there is no awsvpc
-- path to analyse (bridge mode, no network evidence at all).
local function reach(ev, t, svc, fam, n, image, cache)
  local deps, depname = dependencies(fam, n, image)
  if not deps then return nil end
  local cfg = awsvpc(svc)
  local subnets = {}
  local ts = task_subnet(t)
  if ts then subnets = { ts } elseif cfg then for _, s in ipairs(list(cfg.subnets)) do if str(s) then subnets[#subnets + 1] = s end end end
  if #subnets == 0 then return nil end
  local sgs = {}
  for _, g in ipairs(list(cfg and cfg.securityGroups)) do if str(g) then sgs[#sgs + 1] = g end end
  local public = cfg ~= nil and cfg.assignPublicIp == "ENABLED"
  local verdict, why, subnet = "yes", nil, subnets[1]
  for _, sn in ipairs(subnets) do
    for _, d in ipairs(deps) do
      local key = sn .. "|" .. d .. "|" .. table.concat(sgs, ",") .. tostring(public)
      if not cache[key] then
        local r, w = edoc.net_reach(sn, sgs, public, d)
        cache[key] = { r = r, w = w }
      end
      local c = cache[key]
      if c.r == "no" or (c.r == "unknown" and verdict == "yes") then verdict, why, subnet = c.r, c.w, sn end
      if verdict == "no" then return verdict, why, subnet, depname end
    end
  end
  return verdict, why, subnet, depname
end

-- elb.health_check_failed reads the load balancer's events only for a
-- target group in the evidence: a Classic Load Balancer (no target group) or
-- a target group that could not be read leaves them to this check.
local function lb_events_read(ev, svc)
  local tgs = type(ev.elb) == "table" and ev.elb.target_groups or nil
  if type(tgs) ~= "table" then return false end
  for _, b in ipairs(list(svc.loadBalancers)) do
    if type(b) == "table" and str(b.targetGroupArn) and type(tgs[b.targetGroupArn]) == "table" then return true end
  end
  return false
end

-- The first resource id a why sentence names (the failing hop's).
local function first_id(why)
  local best, at
  for _, p in ipairs({ "rtb", "nat", "igw", "vpce", "acl", "sg" }) do
    local i, _, id = why:find("(" .. p .. "%-%w+)")
    if i and (not at or i < at) then best, at = id, i end
  end
  return best
end

local function svc_short(svc)
  return type(svc) == "table" and (num(svc.runningCount) or 0) < (num(svc.desiredCount) or 0)
end

return {
  id = "general.unknown_failure",
  category = "unknown_failure",
  severity = "low",
  summary = "A failure no other check recognises: decided by its error class and the evidence, or quoted as is",
  needs = { "ecs.tasks" },
  uses = { "ecs.services", "ecr.images", "ec2.subnets", "ec2.route_tables", "ec2.gateways", "ec2.vpc_endpoints",
    "ec2.security_groups", "ec2.network_acls" },

  run = function(ev)
    local cl = edoc.cluster() or "default"
    local cache = {}

    -- One failure text of a task or an event: decided, or reported.
    local function report(text, ptr, ctx)
      local n = N(text)
      local fam = edoc.family(text) or (ctx.whole and edoc.family(ctx.whole))
      local svc, t = ctx.svc, ctx.task
      local svcname = svc and str(svc.serviceName) or (t and str(t.group) and t.group:match("^service:(.+)$")) or nil
      local id = t and edoc.task_id(t.taskArn) or nil
      local evidence = { { pointer = ptr, note = ctx.note } }
      for _, e in ipairs(ctx.more or {}) do evidence[#evidence + 1] = e end
      local severity = svc_short(svc) and "medium" or "low"
      local describe = t and { description = "Read the full task record (container reasons, exit codes, timestamps)",
          command = with_region("aws ecs describe-tasks --cluster {cluster} --tasks {task}"),
          args = { cluster = cl, task = id or "<task-id>" },
          docs = fam and fam.docs or DOCS.stopped }
        or { description = "Read the service's recent events",
          command = with_region("aws ecs describe-services --cluster {cluster} --services {service} --query 'services[0].events[:10]'"),
          args = { cluster = cl, service = svcname or "?" },
          docs = fam and fam.docs or DOCS.events }
      if fam and (fam.id == "CannotPullContainerError" or fam.id == "ResourceInitializationError"
          or fam.id == "ResourceNotFoundException") then
        local image = t and image_of(t, n)
        local verdict, why, subnet, depname = reach(ev, t, svc, fam, n, image, cache)
        -- network.dependency_unreachable's: a connection failure on a broken or
        -- unknown path, and S3 refusing ECR's layers behind an endpoint policy.
        if verdict and verdict ~= "yes" and has(n, edoc.conn_wording) and not has(n, edoc.answered_wording)
            and has(n, NET_DEPENDENCY) then return end
        local s3 = (n:find("starport-layer-bucket", 1, true) or n:find("%.s3[%.%-][%w%-]*%.?amazonaws%.com"))
          and (n:find("403 forbidden", 1, true) or n:find("accessdenied", 1, true))
        if s3 and verdict == "no" and why:find("^endpoint_policy:") then return end
        if verdict == "no" then
          local hop = why:match("^([%w_]+):") or "route"
          local detail = why:gsub("^[%w_]+: ", "")
          edoc.finding {
            category = HOP_CATEGORY[hop] or "network_no_route",
            severity = "critical",
            title = string.format("%s: %s (%s): the task's network has no path to %s: %s",
              svcname or id or "tasks", fam.what, fam.id, depname, detail),
            confidence = 0.8,
            explanation = string.format("The failure is a %s (%s), in a wording no check knows. The network path from %s "
              .. "to %s was analysed hop by hop: %s. Whatever the wording, the task cannot reach %s from there, which is "
              .. "enough to make this step fail.", fam.id, fam.what, subnet, depname, detail, depname),
            evidence = evidence,
            resources = { svcname, id, subnet },
            -- Subnets sharing the failing hop (one route table) are one finding.
            key = "net|" .. (HOP_CATEGORY[hop] or "network_no_route") .. "|"
              .. (first_id(why) or subnet) .. "|" .. depname,
            when = ctx.when,
            subject = svcname,
            explains = { "deployment_circuit_breaker", "deployment_stuck" },
            remediation = {
              { description = "Show the routes of the task's subnet (a 0.0.0.0/0 route to a NAT gateway, or VPC endpoints, are needed)",
                command = with_region("aws ec2 describe-route-tables --filters {filter}"),
                args = { filter = "Name=association.subnet-id,Values=" .. subnet },
                docs = fam.docs },
            },
          }
          return
        end
        local img = image and type(ev.images) == "table" and ev.images[image] or nil
        if fam.id == "CannotPullContainerError" and type(img) == "table" and img.exists == false then
          local ev2 = { { pointer = ptr, note = ctx.note }, { pointer = edoc.ptr("images", image, "exists"), note = "DescribeImages: the image does not exist" } }
          if type(img.error) == "table" and str(img.error.code) then ev2[#ev2 + 1] = edoc.ptr("images", image, "error", "code") end
          edoc.finding {
            category = "image_not_found",
            severity = "critical",
            title = string.format("%s: image %s does not exist (pull failed: %s)", svcname or id or "tasks", image, text:sub(1, 80)),
            confidence = 0.85,
            explanation = "The image pull failed with a wording no check knows, and Amazon ECR's DescribeImages says the image "
              .. "reference does not exist" .. ((type(img.error) == "table" and str(img.error.code)) and (" (" .. img.error.code .. ")") or "")
              .. ". Every new task fails the same way until the tag is pushed or the task definition points at an image that exists.",
            evidence = ev2,
            resources = { svcname, id, image },
            key = "image|" .. image,
            when = ctx.when,
            subject = svcname,
            explains = { "deployment_circuit_breaker", "deployment_stuck" },
            remediation = {
              { description = "List the tags the repository holds",
                command = with_region("aws ecr list-images --filter tagStatus=TAGGED --repository-name {repo}"),
                args = { repo = image:match("^[^/]+%.[^/]+/([^:@]+)") or image:match("^([^:@]+)") or image },
                docs = DOCS.pull },
            },
          }
          return
        end
      end
      if fam then
        edoc.finding {
          title = string.format("%s: %s (%s); the cause is not one ecs-doctor recognises: %s",
            svcname or id or "tasks", fam.what:gsub("^%l", string.upper), fam.id, text:sub(1, 100)),
          severity = severity,
          confidence = 0.4,
          explanation = string.format("ECS reported a %s: %s. The rest of the message is a wording no check knows, and the "
            .. "evidence does not decide between the causes this class usually has%s. It is quoted verbatim. Next: %s.",
            fam.id, fam.what, #fam.categories > 0 and (" (" .. table.concat(fam.categories, ", ") .. ")") or "", fam.next),
          evidence = evidence,
          resources = { svcname, id },
          key = "family|" .. fam.id .. "|" .. shape(text),
          when = ctx.when,
          subject = svcname,
          explains = { "deployment_circuit_breaker", "deployment_stuck" },
          remediation = { describe },
        }
        return
      end
      edoc.finding {
        title = ctx.title .. text:sub(1, 120),
        severity = severity,
        confidence = 0.3,
        explanation = ctx.explanation,
        evidence = evidence,
        resources = { svcname, id },
        key = shape(text),
        when = ctx.when,
        subject = svcname,
        explains = { "deployment_circuit_breaker", "deployment_stuck" },
        remediation = { describe },
      }
    end

    -- Tasks: only those with a reason no check claims (one test per distinct
    -- text: the host indexes them).
    local function open(r) return r ~= "" and not edoc.claimed(r) end
    for ti, t in edoc.tasks_matching(open, { "stoppedReason", "containers" }) do
      if t.lastStatus == "STOPPED" and not FREE_TEXT[t.stopCode or ""] then
        local reason = str(t.stoppedReason)
        local claimed = reason and edoc.claimed(reason)
        -- The texts of this task: its reason, then its containers' reasons.
        local texts = {}
        if reason and reason ~= "" then texts[1] = { text = reason, ptr = edoc.ptr("tasks", ti - 1, "stoppedReason"), note = "stopped reason" } end
        for ci, c in ipairs(list(t.containers)) do
          if type(c) == "table" and str(c.reason) and c.reason ~= "" then
            claimed = claimed or edoc.claimed(c.reason)
            texts[#texts + 1] = { text = c.reason, ptr = edoc.ptr("tasks", ti - 1, "containers", ci - 1, "reason"), note = "container reason" }
          end
        end
        if not claimed and #texts > 0 then
          -- The text that names the most specific class decides; a generic
          -- "Task failed to start" defers to a container's class.
          local pick
          for _, x in ipairs(texts) do
            local f = edoc.family(x.text)
            if f and f.id ~= "TaskFailedToStart" then pick = x break end
          end
          pick = pick or texts[1]
          local more = {}
          if t.stopCode then more[#more + 1] = { pointer = edoc.ptr("tasks", ti - 1, "stopCode"), note = "stop code" } end
          for _, x in ipairs(texts) do if x ~= pick then more[#more + 1] = { pointer = x.ptr, note = x.note } break end end
          report(pick.text, pick.ptr, { task = t, svc = service_of(ev, t), when = t.stoppedAt, note = pick.note, more = more,
            title = "Task stopped for an unrecognised reason: ",
            explanation = "No check recognises this stopped reason, so ecs-doctor cannot say more than ECS did. It is quoted "
              .. "verbatim; the AWS page on stopped-task errors lists what each error prefix means." })
        end
      end
    end

    -- Service events since the last steady state that no check reads.
    for si, svc in ipairs(list(ev.services)) do
      for _, r in ipairs(edoc.recent_events(svc)) do
        local msg = str(r.e.message) or ""
        local ptr = edoc.ptr("services", si - 1, "events", r.i - 1, "message")
        local ctx = { svc = svc, when = r.e.createdAt, note = "service event", whole = msg }
        -- Launch and placement failures carry a reason of their own.
        local err = msg:match("failed to launch a task with %(error (.-)%)%.?$")
        if not err and r.m:find("was unable to place a task. reason:", 1, true) then
          err = msg:match("[Rr]eason: (.*)$")
        end
        if err then
          if not edoc.claimed(err) and not edoc.match_any(err, { "does not support launch_type", "task definition",
              "no fargate configuration" }) then
            ctx.title = string.format("%s: ECS could not launch a task: ", svc.serviceName or "?")
            ctx.explanation = "The scheduler reported a launch failure that no check recognises; it is quoted verbatim."
            report(err, ptr, ctx)
          end
        elseif r.m ~= "" and ((not edoc.event_kind(r.m) and not edoc.claimed(msg))
            or ((r.m:find("is unhealthy in", 1, true) or r.m:find("failed elb health checks", 1, true))
              and not lb_events_read(ev, svc))) then
          ctx.title = string.format("%s: unrecognised service event: ", svc.serviceName or "?")
          ctx.explanation = "This service event is neither normal operation (tasks started or stopped, targets registered, "
            .. "steady state) nor one a check reads, and it came after the last steady state, so it may be why the service "
            .. "is unhealthy. It is quoted verbatim; the AWS page on service event messages explains the documented ones."
          report(msg, ptr, ctx)
        end
      end
    end
  end,
}
