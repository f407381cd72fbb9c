-- os.execute / os.getenv / os.remove / os.exit must not exist.
return { id = "sec.os_execute", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: os_execute", needs = { "ecs.tasks" },
  run = function(ev)
    for _, name in ipairs({ "execute", "getenv", "remove", "rename", "exit", "tmpname", "setlocale" }) do
      if os[name] ~= nil then edoc.finding { title = "ESCAPED: os." .. name .. " is available" } end
    end
    if os.time() == nil then edoc.finding { title = "ESCAPED? os.time missing" } end
    os.execute("touch /tmp/edoc-sandbox-escape")
  end,
}
