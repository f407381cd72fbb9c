-- Lua's pattern matcher backtracks in C where the instruction hook never
-- fires; the sandbox's matcher counts steps, so this stops instead of hanging
-- the process for hours (also through pcall, which cannot hide it forever:
-- the second attempt is outside any pcall).
return { id = "sec.pattern_hang", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: pattern_hang", needs = { "ecs.tasks" },
  run = function(ev)
    local s = ("a"):rep(5000)
    pcall(string.gsub, s, ".-.-.-.-.-.-b", "x")
    return s:find(".-.-.-.-.-.-b")
  end,
}
