-- reliability.circuit_breaker: rolling-update services without the deployment circuit breaker,
-- or with it but without rollback. Without it a broken deployment retries failing tasks for hours.


local cluster_of = edoc.cluster_of

return {
  id       = "reliability.circuit_breaker",
  category = "best_practice",
  kind     = "recommendation",
  severity = "low",
  summary  = "Deployment circuit breaker or its rollback is off",
  needs    = { "ecs.services" },

  run = function(ev)
    for si, svc in ipairs(ev.services or {}) do
      local ctl = svc.deploymentController and svc.deploymentController.type or "ECS"
      local dc = svc.deploymentConfiguration
      -- The breaker only exists for the rolling-update (ECS) controller.
      if ctl == "ECS" and dc and svc.schedulingStrategy ~= "DAEMON" then
        local cb = dc.deploymentCircuitBreaker
        local what, ptr
        if cb == nil or cb.enable ~= true then
          what = "the deployment circuit breaker is off"
          ptr = cb and edoc.ptr("services", si - 1, "deploymentConfiguration", "deploymentCircuitBreaker", "enable")
                or { pointer = edoc.ptr("services", si - 1, "deploymentConfiguration"), note = "no deploymentCircuitBreaker" }
        elseif cb.rollback ~= true then
          what = "the circuit breaker does not roll back"
          ptr = edoc.ptr("services", si - 1, "deploymentConfiguration", "deploymentCircuitBreaker", "rollback")
        end
        if what then
          local extra = ""
          if dc.maximumPercent then extra = extra .. ",maximumPercent=" .. tostring(dc.maximumPercent) end
          if dc.minimumHealthyPercent then extra = extra .. ",minimumHealthyPercent=" .. tostring(dc.minimumHealthyPercent) end
          edoc.finding {
            kind        = "recommendation",
            rule        = "reliability.circuit_breaker",
            confidence  = 0.9,
            title       = svc.serviceName .. ": " .. what,
            explanation = "With the circuit breaker and rollback on, ECS stops a deployment whose tasks keep failing and returns to the last deployment that worked, instead of retrying broken tasks indefinitely.",
            evidence    = { ptr },
            resources   = { svc.serviceName },
            subject     = svc.serviceName,
            key         = svc.serviceArn or svc.serviceName,
            remediation = {
              { description = "Turn on the circuit breaker with rollback (keeps the current percentages)",
                command = edoc.with_region("aws ecs update-service --cluster {cluster} --service {service} --deployment-configuration 'deploymentCircuitBreaker={enable=true,rollback=true}'{extra}"),
                args = { cluster = cluster_of(svc), service = svc.serviceName, extra = extra },
                docs = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-failure-detection.html" },
            },
          }
        end
      end
    end
  end,
}
