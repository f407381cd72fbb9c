return { id = "test.lua_os_execute", category = "unknown_failure", severity = "low",
  run = function(ev) os.execute("touch /tmp/edoc-pwned") end }
