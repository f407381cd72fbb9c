-- storage.efs_mount_failed: the task's EFS volume could not be mounted. Texts:
--   ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr:
--     b'mount.nfs4: Connection timed out' : unsuccessful EFS utils command execution; code: 32
--   ... stderr: Failed to resolve "fs-0123.efs.us-east-1.amazonaws.com" - check that your file system ID
--     is correct, and ensure that the VPC has an EFS mount target for this file system ID. ...
--   ... mount.nfs4: access denied by server while mounting 127.0.0.1:/
-- Timeouts are the NFS port: the mount target's security group must accept
-- TCP 2049 from the task's group; resolution failures are a missing mount
-- target in the task's AZ or VPC DNS hostnames off; access denied is the file
-- system policy / access point / IAM authorization.
local DOC = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html"
local DOC_EFS = "https://docs.aws.amazon.com/efs/latest/ug/troubleshooting.html"
local PATTERNS = { "efs utils", "mount.nfs4", "mount.nfs", "efs.", "amazon-efs-mount-watchdog", "efs volume" }

local N, any_of = edoc.norm_str, edoc.has_any -- cached normalisation (checks/API.md)

local with_region = edoc.with_region

return {
  id = "storage.efs_mount_failed",
  category = "efs_mount_failed",
  severity = "critical",
  summary = "The task's EFS volume could not be mounted (NFS port, mount target, DNS or access policy)",
  needs = { "ecs.tasks" },
  uses = { "ecs.services", "ecs.task_definitions", "ec2.subnets" },

  run = function(ev)
    -- Only tasks with an EFS failure text (indexed by the host).
    for ti, t in edoc.tasks_matching(PATTERNS) do
      -- The EFS error is the task's stopped reason (Fargate) or a container's reason (EC2).
      local text, ptr = t.stoppedReason, edoc.ptr("tasks", ti - 1, "stoppedReason")
      if not any_of(text, PATTERNS) then
        for ci, c in ipairs(t.containers or {}) do
          if any_of(c.reason, PATTERNS) then text, ptr = c.reason, edoc.ptr("tasks", ti - 1, "containers", ci - 1, "reason") end
        end
      end
      local n = N(text)
      if text and any_of(n, PATTERNS) and (n:find("resourceinitializationerror", 1, true)
          or n:find("mount", 1, true) or n:find("failed to resolve", 1, true)) then
        local td = ev.task_definitions and ev.task_definitions[t.taskDefinitionArn]
        local fs, vi, vname
        for i, v in ipairs((td and td.volumes) or {}) do
          if v.efsVolumeConfiguration then fs, vi, vname = v.efsVolumeConfiguration.fileSystemId, i, v.name break end
        end
        fs = fs or text:match("(fs%-[%x]+)")
        local svcname = t.group and t.group:match("^service:(.+)$")
        local svc
        for _, s in ipairs(ev.services or {}) do if s.serviceName == svcname then svc = s end end
        local cfg = svc and svc.networkConfiguration and svc.networkConfiguration.awsvpcConfiguration
        local sgs = (cfg and cfg.securityGroups) or {}
        local evidence = { { pointer = ptr, note = "failure message" } }
        if vi then evidence[#evidence + 1] = { pointer = edoc.ptr("task_definitions", t.taskDefinitionArn, "volumes", vi - 1, "efsVolumeConfiguration"), note = "EFS volume " .. vname } end
        local kind, expl
        local rem = { { description = "List the file system's mount targets (one per AZ the tasks run in) and their security groups",
          command = with_region("aws efs describe-mount-targets --file-system-id {fs} --query 'MountTargets[].[MountTargetId,AvailabilityZoneName,SubnetId,LifeCycleState]'"),
          args = { fs = fs or "FS_ID" }, docs = DOC_EFS } }
        if n:find("timed out", 1, true) or n:find("timeout", 1, true) then
          kind = "NFS connection timed out"
          expl = "The NFS connection to the mount target timed out: the mount target's security group must allow inbound TCP 2049 "
            .. "from the task's security group" .. (#sgs > 0 and (" (" .. table.concat(sgs, ", ") .. ")") or "")
            .. ", and the task's group must allow outbound 2049."
          for _, g in ipairs(sgs) do
            rem[#rem + 1] = { description = "Let the mount targets' security group accept NFS from the task's group " .. g,
              command = "for mt in $(aws efs describe-mount-targets --file-system-id {fs} --query 'MountTargets[].MountTargetId' --output text --region {region}); do "
                .. "for sg in $(aws efs describe-mount-target-security-groups --mount-target-id $mt --query SecurityGroups --output text --region {region}); do "
                .. "aws ec2 authorize-security-group-ingress --group-id $sg --protocol tcp --port 2049 --source-group {group} --region {region}; done; done",
              args = { fs = fs or "FS_ID", region = edoc.region() or "us-east-1", group = g },
              docs = DOC }
          end
        elseif n:find("failed to resolve", 1, true) then
          kind = "mount target DNS name does not resolve"
          local vpc
          local sn = cfg and cfg.subnets and cfg.subnets[1]
          local so = sn and ev.network and ev.network.subnets and ev.network.subnets[sn]
          vpc = so and so.vpcId
          expl = "The file system's DNS name did not resolve: there is no mount target in the task's Availability Zone "
            .. (t.availabilityZone and ("(" .. t.availabilityZone .. ") ") or "") .. "or the VPC has DNS hostnames/resolution turned off."
          rem[#rem + 1] = { description = "Create a mount target in the task's subnet" .. (sn and (" " .. sn) or ""),
            command = sgs[1] and with_region("aws efs create-mount-target --file-system-id {fs} --subnet-id {subnet} --security-groups {group}")
              or with_region("aws efs create-mount-target --file-system-id {fs} --subnet-id {subnet}"),
            args = { fs = fs or "FS_ID", subnet = sn or "SUBNET_ID", group = sgs[1] }, docs = DOC_EFS }
          if vpc then
            rem[#rem + 1] = { description = "Turn on DNS hostnames for " .. vpc,
              command = with_region("aws ec2 modify-vpc-attribute --vpc-id {vpc} --enable-dns-hostnames '{\"Value\":true}'"), args = { vpc = vpc }, docs = DOC_EFS }
          end
        elseif n:find("access denied", 1, true) or n:find("permission denied", 1, true) then
          kind = "access denied by the file system"
          local role = td and td.taskRoleArn and edoc.basename(td.taskRoleArn)
          expl = "The NFS server refused the mount: the file system policy, access point or IAM authorization (task role "
            .. (role or "none") .. ") does not allow it."
          rem[#rem + 1] = { description = "Read the file system policy",
            command = with_region("aws efs describe-file-system-policy --file-system-id {fs}"), args = { fs = fs or "FS_ID" }, docs = DOC }
        else
          kind = "EFS mount failed"
          expl = "EFS utils could not mount the volume: " .. text
        end
        edoc.finding {
          title = string.format("EFS volume %s (%s) cannot be mounted: %s", vname or "?", fs or "?", kind),
          confidence = 0.92,
          explanation = expl,
          evidence = evidence,
          resources = { fs, vname },
          key = (fs or "?") .. "|" .. kind,
          when = t.stoppedAt,
          subject = svcname,
          explains = { "deployment_circuit_breaker", "deployment_stuck" },
          remediation = rem,
        }
      end
    end
  end,
}
