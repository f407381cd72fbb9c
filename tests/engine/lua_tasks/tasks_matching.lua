-- edoc.tasks_matching against tests/engine/fixtures/task_texts.json: the
-- answers, checked against a plain loop over ev.tasks, then reported as one
-- finding per case ("name: indexes") for test_engine to compare.
local function plain(ev, pats, fields)
  local out = {}
  for ti, t in edoc.ipairs(ev.tasks) do
    local hit = false
    if type(t) == "table" then
      if fields.stoppedReason and type(t.stoppedReason) == "string" and edoc.match_any(t.stoppedReason, pats) then hit = true end
      if fields.stopCode and type(t.stopCode) == "string" and edoc.match_any(t.stopCode, pats) then hit = true end
      if fields.containers and type(t.containers) == "table" and #t.containers > 0 then
        for _, c in edoc.ipairs(t.containers) do
          if type(c) == "table" and type(c.reason) == "string" and edoc.match_any(c.reason, pats) then hit = true end
        end
      end
    end
    if hit then out[#out + 1] = ti end
  end
  return table.concat(out, ",")
end

local function got(ev, what, scope)
  local out = {}
  for ti, t in edoc.tasks_matching(what, scope) do
    assert(rawequal(t, ev.tasks[ti]), "the task is the evidence's own proxy")
    out[#out + 1] = ti
  end
  return table.concat(out, ",")
end

return { id = "test.tasks_matching", category = "unknown_failure", severity = "low", needs = { "ecs.tasks" },
  run = function(ev)
    local cases = {
      { "pull", { "cannotpullcontainererror" }, nil, { stoppedReason = true, containers = true } },
      { "timeout-reason", "I/O Timeout", "stoppedReason", { stoppedReason = true } },
      { "timeout-containers", { "i/o timeout" }, "containers", { containers = true } },
      { "oom", { "outofmemory", "no such thing" }, nil, { stoppedReason = true, containers = true } },
      { "spot-code", "spotinterruption", "stopCode", { stopCode = true } },
      { "spot-both", { "spotinterruption", "your spot task" }, { "stopCode", "stoppedReason" },
        { stopCode = true, stoppedReason = true } },
      { "none", {}, nil, { stoppedReason = true, containers = true } },
    }
    for _, c in ipairs(cases) do
      local g = got(ev, c[2], c[3])
      local p = plain(ev, type(c[2]) == "string" and { c[2] } or c[2], c[4])
      edoc.finding { title = c[1] .. ": " .. g .. (g == p and "" or (" (plain loop: " .. p .. ")")), key = c[1] }
    end
    -- A predicate is called once per distinct text in scope, with the raw text.
    local calls, seen = 0, {}
    local g = got(ev, function(text) calls = calls + 1; seen[text] = (seen[text] or 0) + 1
      return text:find("Essential", 1, true) ~= nil end, "stoppedReason")
    local once = true
    for _, n in pairs(seen) do if n ~= 1 then once = false end end
    edoc.finding { title = "function: " .. g .. " once=" .. tostring(once) .. " calls=" .. calls, key = "function" }
    -- Errors name the argument.
    for _, bad in ipairs({ { 42 }, { "x", "nosuchfield" }, { { 1 } }, { "x", { "stopCode", 7 } } }) do
      local ok, err = pcall(edoc.tasks_matching, bad[1], bad[2])
      edoc.finding { title = "error: " .. tostring(ok) .. " " .. tostring(err), key = "error" .. _ }
    end
    -- Distinct values of a task field, in first-seen order.
    edoc.finding { title = "values: " .. table.concat(edoc.task_values("group"), ",") .. " | "
      .. table.concat(edoc.task_values("taskDefinitionArn"), ","), key = "values" }
    edoc.finding { title = "running: " .. got(ev, "running", "lastStatus"), key = "running" }
    -- Exact values: "service:web" is not "service:web-2" nor "SERVICE:WEB".
    local exact = {}
    for ti, t in edoc.tasks_with("group", "service:web") do
      assert(rawequal(t, ev.tasks[ti]))
      exact[#exact + 1] = ti
    end
    local none = 0
    for _ in edoc.tasks_with("group", "service:we") do none = none + 1 end
    for _ in edoc.tasks_with("group", "SERVICE:WEB") do none = none + 1 end
    edoc.finding { title = "with: " .. table.concat(exact, ",") .. " none=" .. none
      .. " td=" .. got(ev, function(v) return v == "td:1" end, "taskDefinitionArn"), key = "with" }
    local wok, werr = pcall(edoc.tasks_with, "containers", "x")
    edoc.finding { title = "with-error: " .. tostring(wok) .. " " .. tostring(werr), key = "with-error" }
    local vok, verr = pcall(edoc.task_values, "containers")
    edoc.finding { title = "values-error: " .. tostring(vok) .. " " .. tostring(verr), key = "values-error" }
    -- Messages: one per text, a container repeating its task's reason cited
    -- once (as the container), then the events since the last steady state.
    local function msgs(what, scope)
      local out = {}
      edoc.each_message(ev, what, function(m)
        out[#out + 1] = m.ptr .. (m.container and "+c" or "") .. (m.service and "+s" or "")
      end, scope)
      return table.concat(out, ",")
    end
    edoc.finding { title = "messages: " .. msgs("i/o timeout"), key = "messages" }
    edoc.finding { title = "messages-essential: " .. msgs("essential"), key = "messages-essential" }
    edoc.finding { title = "messages-stopped: " .. msgs("essential", "stoppedReason"), key = "messages-stopped" }
    edoc.finding { title = "messages-containers: " .. msgs("logging driver", "containers"), key = "messages-containers" }
    -- A predicate's error reaches the check.
    local ok, err = pcall(got, ev, function() error("boom", 0) end)
    edoc.finding { title = "raise: " .. tostring(ok) .. " " .. tostring(err), key = "raise" }
  end,
}
