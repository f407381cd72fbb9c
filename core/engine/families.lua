-- families.lua — part of the check prelude (compiled into the binary by
-- core/engine/families.cmake; every check's sandbox runs it after the
-- prelude in luacheck.c). It knows three things about failure texts, so the
-- checks share one answer instead of each carrying a copy:
--
--   edoc.family(text)   the error class a stopped reason or container reason
--                       belongs to (CannotPullContainerError,
--                       ResourceInitializationError, ...), with what it means,
--                       the categories it can resolve to and where AWS
--                       documents it; nil for a text of no known class.
--   edoc.claimed(text)  the category of a documented wording that a check of
--                       the catalog reports from the text alone (nil: no check
--                       will), and the normal operations nothing reports.
--   edoc.event_kind(m)  for a normalised service event: "normal" (steady state,
--                       tasks started/stopped, targets registered...), "read"
--                       (a check reads it), or nil: nobody reads it.
--
-- general.unknown_failure uses them so a failure of a known class with a new
-- wording is decided from the rest of the evidence or reported as its
-- family's generic finding, never dropped (docs/categories.md, "Failure
-- families"). Texts are matched after edoc.norm (lower case, typographic
-- quotes folded), on plain substrings.
local edoc = edoc

local DOCS = {
  stopped = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html",
  pull = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html",
  init = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/resource-initialization-error.html",
  create = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/CannotCreateContainerError.html",
  events = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages.html",
  lb = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/troubleshoot-service-load-balancers.html",
  exits = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html",
}
edoc.family_docs = DOCS

-- The error classes. `class`: the prefix token as ECS, the agent or the
-- runtime writes it (normalised); `phrases`: wordings that name the class
-- without its token (the agent's newer advice sentences, the older daemon's
-- texts). Order matters only among phrases: the first family whose phrase
-- occurs wins, so the more specific come first.
local FAMILIES = {
  { id = "ResourceInitializationError", class = { "resourceinitializationerror" },
    phrases = { "unable to pull secrets or registry auth", "the task cannot pull registry auth",
      "the task cannot pull secrets", "the task cannot find the amazon cloudwatch log group",
      "failed to validate logger args", "failed to download env files", "failed to invoke efs utils" },
    what = "the task's resources (registry auth, secrets, log stream, volumes, network) could not be set up",
    categories = { "network_no_route", "security_group_egress_blocked", "vpc_endpoint_misconfigured",
      "secrets_access_denied", "secret_not_found", "registry_auth_failed", "log_configuration_error",
      "efs_mount_failed", "execution_role_invalid" },
    next = "Read which resource failed (registry auth, a secret, the log group, a volume) and check the execution role's permissions and the task's network path to that service",
    docs = DOCS.init },
  { id = "CannotPullContainerError", class = { "cannotpullcontainererror" },
    phrases = { "the task can't pull the image", "the task cannot pull the image", "the task cannot pull '",
      "pull image manifest has been retried", "ref pull has been retried", "inspect image has been retried",
      "error pulling image configuration", "pull command failed", "pull access denied" },
    what = "the container image could not be pulled",
    categories = { "image_not_found", "registry_auth_failed", "registry_rate_limited", "image_platform_mismatch",
      "network_no_route", "security_group_egress_blocked", "vpc_endpoint_misconfigured", "disk_full" },
    next = "Check that the image reference exists in the registry, that the execution role may pull it, and that the task's subnet reaches the registry (NAT gateway or VPC endpoints for ecr.api, ecr.dkr and S3)",
    docs = DOCS.pull },
  { id = "CannotCreateContainerError", class = { "cannotcreatecontainererror" }, phrases = {},
    what = "the container runtime could not create the container",
    categories = { "disk_full" },
    next = "Read the container instance's Docker and agent logs; the usual cause is a full data volume or devicemapper thin pool",
    docs = DOCS.create },
  { id = "CannotStartContainerError", class = { "cannotstartcontainererror" }, phrases = {},
    what = "the container runtime created the container but could not start it",
    categories = { "container_command_not_found", "log_configuration_error", "placement_port_conflict" },
    next = "Read the runtime's message after the prefix: a command or entry point that does not exist, a log driver that failed, a host port already taken",
    docs = DOCS.stopped },
  { id = "CannotInspectContainerError", class = { "cannotinspectcontainererror" }, phrases = {},
    what = "the agent could not describe the container through the runtime (Docker or containerd)",
    categories = {},
    next = "On EC2 read the agent and Docker logs of the container instance (/var/log/ecs/ecs-agent.log); on Fargate the failure is on AWS's side: retry, and open a support case if it repeats",
    docs = DOCS.stopped },
  { id = "CannotStopContainerError", class = { "cannotstopcontainererror" }, phrases = {},
    what = "the container could not be stopped",
    categories = {},
    next = "Read the container instance's agent and Docker logs; a container that ignores SIGTERM and SIGKILL points at the host",
    docs = DOCS.stopped },
  { id = "CannotCreateVolumeError", class = { "cannotcreatevolumeerror" }, phrases = {},
    what = "the agent could not create the task's volume mount",
    categories = { "efs_mount_failed" },
    next = "Check the task definition's volumes (EFS file system id, access point, mount targets in the task's AZs, port 2049 from the task's security group)",
    docs = DOCS.stopped },
  { id = "ContainerRuntimeTimeoutError", class = { "containerruntimetimeouterror", "dockertimeouterror" },
    phrases = { "could not transition to running", "could not transition to stopped" },
    what = "a container did not reach RUNNING or STOPPED within the runtime's timeout",
    categories = {},
    next = "Retry: usually transient on the host. If it repeats, look at the image size and start-up work, the host's load, and (EC2) the agent and runtime logs",
    docs = DOCS.stopped },
  { id = "ContainerRuntimeError", class = { "containerruntimeerror" }, phrases = {},
    what = "the container runtime failed",
    categories = {},
    next = "Read the runtime's message after the prefix; on EC2 the container instance's runtime logs",
    docs = DOCS.stopped },
  { id = "OutOfMemoryError", class = { "outofmemoryerror" }, phrases = { "container killed due to memory usage" },
    what = "a container was killed for using more memory than its limit",
    categories = { "container_oom" },
    next = "Compare the container's memory limit (task and container level) with its use (CloudWatch MemoryUtilized)",
    docs = DOCS.stopped },
  { id = "SpotInterruptionError", class = { "spotinterruptionerror" }, phrases = { "your spot task was interrupted" },
    what = "the Fargate Spot or EC2 Spot capacity was reclaimed",
    categories = { "spot_interruption" },
    next = "Keep an on-demand base in the capacity provider strategy",
    docs = DOCS.stopped },
  { id = "InternalError", class = { "internalerror:" }, phrases = {},
    what = "the agent hit an internal error unrelated to the container runtime",
    categories = {},
    next = "Retry; on EC2 read the agent log of the container instance. If it repeats on Fargate, open a support case with the task ARN",
    docs = DOCS.stopped },
  { id = "ResourceNotFoundException", class = { "resourcenotfoundexception" }, phrases = {},
    what = "a resource the task needs (a secret, a parameter, a log group) does not exist",
    categories = { "secret_not_found", "log_configuration_error" },
    next = "Find which ARN or name the message names and check it exists in this account and region",
    docs = DOCS.init },
  { id = "EssentialContainerExited", class = {}, phrases = { "essential container in task exited" },
    what = "an essential container exited, so ECS stopped the task",
    categories = { "container_crash", "container_oom", "container_command_not_found" },
    next = "Read the exit code and the container's last log lines",
    docs = DOCS.exits },
  { id = "TaskFailedToStart", class = { "taskfailedtostart" }, phrases = { "task failed to start" },
    what = "the task failed to start",
    categories = {},
    next = "Read the containers' reasons: the error class there (CannotPullContainerError, ResourceInitializationError...) names the step that failed",
    docs = DOCS.stopped },
  -- Service-event families (service-event-messages.html): events no check
  -- reads fall into these when their wording is new.
  { id = "TargetHealthEvent", class = {},
    phrases = { "is not healthy in target-group", "is unhealthy in (elb", "is unhealthy in (target-group" },
    what = "the load balancer reports the service's targets unhealthy, or the target group or target is gone",
    categories = { "elb_health_check_failed", "load_balancer_misconfigured", "health_check_grace_period_too_short" },
    next = "Check the target group still exists and is attached to the service (aws ecs describe-services ... loadBalancers), and its targets' health (aws elbv2 describe-target-health)",
    docs = DOCS.lb },
  { id = "PlacementEvent", class = {},
    phrases = { "was unable to place a task", "was unable to place tasks", "could not launch", "failed to launch a task",
      "is unable to place a task" },
    what = "the scheduler could not place or launch a task",
    categories = { "placement_insufficient_resources", "placement_port_conflict", "placement_constraint_unsatisfied",
      "no_container_instances", "capacity_unavailable", "service_quota_exceeded", "subnet_ip_exhausted" },
    next = "Compare the task's size, ports and placement constraints with the cluster's capacity, and the subnets' Availability Zones with those Fargate supports",
    docs = DOCS.events },
  { id = "ServiceRoleEvent", class = {},
    phrases = { "iam permissions policies have been misconfigured", "iam trust relationship has been misconfigured" },
    what = "ECS can no longer use the IAM role of the service or its tasks",
    categories = { "execution_role_invalid" },
    next = "Check the roles the service and its task definition name: their trust policies (ecs.amazonaws.com, ecs-tasks.amazonaws.com) and permissions",
    docs = DOCS.events },
}
edoc.families = FAMILIES

local N = edoc.norm_str

-- The family of a failure text. The class token that occurs first wins
-- ("CannotStartContainerError: ResourceInitializationError: ..." is a start
-- failure), TaskFailedToStart only when nothing more specific is named;
-- without a token, the first family whose phrase occurs.
function edoc.family(text)
  local n = N(text)
  if n == "" then return nil end
  local best, at
  for _, f in ipairs(FAMILIES) do
    if f.id ~= "TaskFailedToStart" then
      for _, c in ipairs(f.class) do
        local i = n:find(c, 1, true)
        -- "internalerror:" must be the class, not "elb.internalerror".
        if i and c == "internalerror:" and i > 1 and n:sub(i - 1, i - 1):match("[%w%.]") then i = nil end
        if i and (not at or i < at) then best, at = f, i end
      end
    end
  end
  if best then return best end
  for _, f in ipairs(FAMILIES) do
    for _, p in ipairs(f.phrases) do
      if n:find(p, 1, true) then return f end
    end
  end
  if n:find("taskfailedtostart", 1, true) then
    for _, f in ipairs(FAMILIES) do if f.id == "TaskFailedToStart" then return f end end
  end
  return nil
end

-- Documented wordings the catalog's checks report from the text alone, with
-- the category each resolves to: mirrors the checks' own message tests
-- (keep in step; tests/checks/families asserts each). An entry matches when
-- every group in `all` has a fragment in the text and no `none` fragment is.
-- Connection failures ("i/o timeout") are not here: network.dependency_unreachable
-- reports them only when the path analysis finds the broken hop or cannot
-- analyse it, which unknown_failure decides from the same evidence.
local CONN = { "i/o timeout", "context deadline exceeded", "statuscode: 0", "there is a connection issue",
  "request canceled while waiting for connection", "requestcanceled", "request canceled",
  "connection timed out", "send request failed", "no such host", "network is unreachable" }
local ANSWERED = { "accessdenied", "is not authorized to perform", "no basic auth credentials",
  "unauthorized", "403 forbidden", "toomanyrequests", "resourcenotfoundexception", "not found",
  "manifest unknown", "mount.nfs", "efs utils" }
edoc.conn_wording, edoc.answered_wording = CONN, ANSWERED

local CLAIMED = {
  -- normal operations: reported by nobody, on purpose
  { cat = "normal", all = { { "scaling activity initiated by", "task stopped by deployment",
    "container instance deregistration forced by user", "service scheduler initiated" } } },
  -- images and registries (checks/image, checks/registry)
  { cat = "image_not_found", all = { { "cannotpullcontainererror" },
      { "not found", "manifest unknown", "does not exist", "manifest for", "repository does not exist" } },
    none = { "i/o timeout", "context deadline exceeded", "accessdenied", "not authorized", "toomanyrequests",
      "403 forbidden", "no space left", "exec format" } },
  { cat = "registry_auth_failed", all = {
      { "cannotpullcontainererror", "ecr registry auth", "registry auth from amazon ecr", "registry auth from asm", "pull the image" },
      { "pull access denied", "no basic auth credentials", "unauthorized: authentication required",
        "401 unauthorized", "403 forbidden", "is not authorized to perform: ecr:", "accessdeniedexception",
        "denied: requested access to the resource is denied", "not authorized to perform" } },
    none = { "toomanyrequests", "i/o timeout", "starport-layer-bucket" } },
  { cat = "registry_rate_limited", all = { { "toomanyrequests", "you have reached your pull rate limit", "429 too many requests" } } },
  { cat = "image_platform_mismatch", all = { { "does not contain descriptor matching platform", "no matching manifest for",
    "exec format error", "no match for platform in manifest", "image operating system" } } },
  { cat = "disk_full", all = { { "no space left on device", "thin pool has", "enospc" } } },
  -- secrets, logs, storage, IAM, network setup (checks/secrets, logs, storage, iam, network)
  { cat = "secret_not_found", all = { { "resourcenotfoundexception" }, { "secrets manager", "from asm" } }, none = { "log group" } },
  { cat = "secret_not_found", all = { { "invalid ssm parameters", "parameternotfound" } }, none = { "log group" } },
  { cat = "secrets_access_denied", all = { { "from asm", "from ssm", "secrets manager", "systems manager", "secretsmanager:", "ssm:get", "kms" },
      { "accessdeniedexception", "is not authorized to perform", "access to kms is not allowed", "no vpc endpoint policy allows", "accessdenied" } },
    none = { "registry auth from asm", "ecr registry auth" } },
  { cat = "log_configuration_error", all = { { "failed to initialize logging driver", "failed to validate logger args",
      "log group does not exist", "failed to create cloudwatch log stream", "failed to create cloudwatch log group",
      "logs:createlogstream", "logs:createloggroup", "logs:putlogevents" } },
    none = { "there is a connection issue", "i/o timeout", "context deadline exceeded", "statuscode: 0", "request canceled", "send request failed" } },
  { cat = "efs_mount_failed", all = { { "efs utils", "mount.nfs4", "mount.nfs", "efs.", "amazon-efs-mount-watchdog", "efs volume" },
    { "resourceinitializationerror", "mount", "failed to resolve" } } },
  { cat = "execution_role_invalid", all = { { "unable to assume the role" } } },
  { cat = "eni_provisioning_failed", all = { { "waiting for network interface provisioning", "network interface provision complete error",
    "preparing network interface to be attached", "resource:eni", "failed to attach network interface", "eni provisioning" } } },
  { cat = "subnet_ip_exhausted", all = { { "insufficientfreeaddressesinsubnet", "insufficient free addresses",
    "not enough free addresses", "no available ip addresses", "not enough ip addresses" } } },
  -- containers (container_exit plugin, checks/container)
  { cat = "container_exit", all = { { "essential container in task exited", "outofmemoryerror", "container killed due to memory usage",
    "executable file not found" } } },
  { cat = "container_health_check_failed", all = { { "failed container health checks" } } },
  -- load balancers, hosts, placement, throttling
  { cat = "elb_health_check_failed", all = { { "task failed elb health checks", "failed elb health checks" } } },
  { cat = "spot_interruption", all = { { "your spot task was interrupted", "spotinterruptionerror" } } },
  { cat = "host_maintenance", all = { { "performing maintenance on the underlying infrastructure", "host ec2" } } },
  { cat = "capacity_unavailable", all = { { "capacity is unavailable" } } },
  { cat = "service_quota_exceeded", all = { { "reached the limit on the number of", "configuration is above your limit",
    "tasks provisioning capacity limit was exceeded" } } },
  { cat = "api_throttled", all = { { "throttl", "rate exceeded", "toomanyrequestsexception" } } },
}
edoc.claimed_wordings = CLAIMED

local function has(n, list)
  for _, p in ipairs(list) do if n:find(p, 1, true) then return true end end
  return false
end

function edoc.claimed(text)
  local n = N(text)
  if n == "" then return nil end
  for _, e in ipairs(CLAIMED) do
    local ok = true
    for _, g in ipairs(e.all) do if not has(n, g) then ok = false break end end
    if ok and e.none and has(n, e.none) then ok = false end
    if ok then return e.cat end
  end
  return nil
end

-- Service events. Normal operation (service-event-messages.html and the AZ
-- rebalancing list) and the events a check of the catalog reads; any other
-- event since the last steady state reaches general.unknown_failure.
local NORMAL_EVENTS = { "has reached a steady state", "deployment completed", "has begun draining connections",
  "is az balanced", "is not az balanced", "to az rebalance", "due to az rebalancing" }
local NORMAL_PATTERNS = { "has started %d+ tasks", "has stopped %d+ running tasks", "has stopped %d+ pending tasks",
  "registered %d+ targets in", "deregistered %d+ targets in" }
local READ_EVENTS = {
  "was unable to place a task", "was unable to place tasks", "could not launch", "failed to launch a task",
  "is unhealthy in", "failed elb health checks", "failed container health checks",
  "unable to consistently start tasks", "operations are being throttled", "deployment failed",
  "failed circuit breaker", "rolling back to deployment", "because of the service deployment configuration",
  "number of protected tasks are more than the desired count", "no container instances were found",
  "encountered error \"agent\"", "timed out waiting for amazon ecs agent to start",
}

function edoc.event_kind(m)
  if type(m) ~= "string" or m == "" then return nil end
  if has(m, NORMAL_EVENTS) then return "normal" end
  for _, p in ipairs(NORMAL_PATTERNS) do if m:find(p) then return "normal" end end
  if has(m, READ_EVENTS) then return "read" end
  return nil
end
