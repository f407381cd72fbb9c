return { id = "test.lua_binary_chunk", category = "unknown_failure", severity = "low",
  run = function(ev) assert(load("\27LuaT\0\25\147\r\n\26\n", "x", "b")) end }
