return { id = "test.lua_require", category = "unknown_failure", severity = "low",
  run = function(ev) local os2 = require("os") end }
