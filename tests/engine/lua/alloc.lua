return { id = "test.lua_alloc", category = "unknown_failure", severity = "low",
  run = function(ev)
    local t, i = {}, 0
    while true do
      i = i + 1
      pcall(function() t[i] = string.rep("x", 65536) .. i end)
    end
  end }
