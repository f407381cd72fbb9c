-- Deep Lua recursion and deep C-level recursion (string.gsub callbacks, metamethods) end in a clean error.
return { id = "sec.recursion", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: recursion", needs = { "ecs.tasks" },
  run = function(ev)
    local function f(n) return 1 + f(n + 1) end
    pcall(f, 1)
    local mt = {}
    mt.__index = function(t, k) return setmetatable({}, mt)[k] end
    pcall(function() return setmetatable({}, mt).x end)
    local function g(s) return (s:gsub(".", function(c) return g(c .. c) end)) end
    g("x")
  end,
}
