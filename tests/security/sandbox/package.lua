-- package, require, dofile, loadfile must not exist.
return { id = "sec.package", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: package", needs = { "ecs.tasks" },
  run = function(ev)
    for _, name in ipairs({ "package", "require", "dofile", "loadfile", "debug", "io" }) do
      if _G[name] ~= nil or _ENV[name] ~= nil then edoc.finding { title = "ESCAPED: " .. name .. " is available" } end
    end
    local ok = pcall(function() return require("os") end)
    if ok then edoc.finding { title = "ESCAPED: require works" } end
    return package.loadlib("/lib/x86_64-linux-gnu/libc.so.6", "system")
  end,
}
