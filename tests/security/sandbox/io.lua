-- io must not exist: reading /etc/passwd is an escape.
return { id = "sec.io", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: io", needs = { "ecs.tasks" },
  run = function(ev)
    local ok, r = pcall(function() return io.open("/etc/passwd"):read("a") end)
    if ok and r then edoc.finding { title = "ESCAPED: io.open read " .. #r .. " bytes" } end
    local f = io.open("/tmp/edoc-sandbox-escape", "w")  -- raises: io is nil
  end,
}
