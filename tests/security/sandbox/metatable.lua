-- The evidence and strings cannot be retargeted: getmetatable/setmetatable/rawset/rawget on the proxies.
return { id = "sec.metatable", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: metatable", needs = { "ecs.tasks" },
  run = function(ev)
    local mt = getmetatable(ev)
    if type(mt) == "table" then edoc.finding { title = "ESCAPED: evidence metatable is a table" } end
    local smt = getmetatable("")
    if type(smt) == "table" then edoc.finding { title = "ESCAPED: string metatable is a table" } end
    if pcall(setmetatable, ev, {}) then edoc.finding { title = "ESCAPED: setmetatable on evidence" } end
    if pcall(rawset, ev, "tasks", {}) then edoc.finding { title = "ESCAPED: rawset on evidence" } end
    if pcall(function() ev.tasks = nil end) then edoc.finding { title = "ESCAPED: assignment to evidence" } end
    if pcall(function() ev.tasks[1].stoppedReason = "x" end) then edoc.finding { title = "ESCAPED: nested assignment" } end
    local ok, v = pcall(rawget, ev, "tasks")
    if ok and v ~= nil then edoc.finding { title = "ESCAPED: rawget reads behind the proxy" } end
    if pcall(setmetatable, edoc, { __index = function() return 1 end }) and edoc.nonexistent == 1 then
      -- edoc is the check's own table: changing it harms only this check.
    end
    error("metatable tampering refused")
  end,
}
