-- load must refuse precompiled (binary) chunks even when asked for mode "b".
return { id = "sec.binary_chunk", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: binary_chunk", needs = { "ecs.tasks" },
  run = function(ev)
    local chunk = "\27Lua\84\0\25\147\13\10\26\10\4\8\8\120\86\0\0\0\0\0\0\0\0\0\0\0\40\119\64"
    local f = load(chunk, "x", "b")
    if f then edoc.finding { title = "ESCAPED: binary chunk loaded" } end
    local f2 = load(chunk, "x", "bt")
    if f2 then edoc.finding { title = "ESCAPED: binary chunk loaded (bt)" } end
    local f3 = load(function() return chunk end)
    if f3 then edoc.finding { title = "ESCAPED: binary chunk loaded (reader)" } end
    if loadstring then edoc.finding { title = "ESCAPED: loadstring exists" } end
    error("binary chunks refused")
  end,
}
