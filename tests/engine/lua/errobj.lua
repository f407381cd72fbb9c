return { id = "test.lua_errobj", category = "unknown_failure", severity = "low",
  run = function(ev) error(setmetatable({}, { __tostring = function() error("boom") end })) end }
