-- reliability.single_task: a load-balanced service runs one task. Every deployment, task
-- replacement, host or zone failure is then an outage for the service's clients.


local cluster_of = edoc.cluster_of

return {
  id       = "reliability.single_task",
  category = "best_practice",
  kind     = "recommendation",
  severity = "low",
  summary  = "Load-balanced service with a desired count of 1",
  needs    = { "ecs.services" },

  run = function(ev)
    for si, svc in ipairs(ev.services or {}) do
      if svc.desiredCount == 1 and svc.schedulingStrategy ~= "DAEMON" and svc.loadBalancers and #svc.loadBalancers > 0 then
        local cl = cluster_of(svc)
        local rem = {
          { description = "Run at least two tasks (ECS spreads them across the service's zones)",
            command = edoc.with_region("aws ecs update-service --cluster {cluster} --service {service} --desired-count 2"),
            args = { cluster = cl, service = svc.serviceName },
            docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-rebalancing.html" },
        }
        local ptrs = { edoc.ptr("services", si - 1, "desiredCount") }
        -- A scalable target with MinCapacity 1 would scale it back down: raise the minimum too.
        local rid = "service/" .. cl .. "/" .. svc.serviceName
        for ti, t in ipairs(ev.scaling and ev.scaling.scalable_targets or {}) do
          if t.ResourceId == rid and (t.MinCapacity or 0) < 2 then
            ptrs[#ptrs + 1] = edoc.ptr("scaling", "scalable_targets", ti - 1, "MinCapacity")
            rem[#rem + 1] = { description = "Raise the auto scaling minimum so scale-in does not return to one task",
                              command = edoc.with_region("aws application-autoscaling register-scalable-target --service-namespace ecs --resource-id {rid} --scalable-dimension ecs:service:DesiredCount --min-capacity 2 --max-capacity {max}"),
                              args = { rid = rid, max = math.max(2, t.MaxCapacity or 2) },
                              docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-autoscaling-targettracking.html" }
          end
        end
        edoc.finding {
          kind        = "recommendation",
          rule        = "reliability.single_task",
          confidence  = 0.85,
          title       = svc.serviceName .. " serves its load balancer from a single task",
          explanation = "With one task, a task failure, a Fargate retirement, a host or zone outage takes the service offline until a replacement passes health checks; two or more tasks in different zones keep it serving.",
          evidence    = ptrs,
          resources   = { svc.serviceName },
          subject     = svc.serviceName,
          key         = svc.serviceArn or svc.serviceName,
          remediation = rem,
        }
      end
    end
  end,
}
