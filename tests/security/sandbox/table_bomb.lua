-- Table growth bombs hit the memory cap.
return { id = "sec.table_bomb", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: table_bomb", needs = { "ecs.tasks" },
  run = function(ev)
    local t = {}
    local i = 0
    while true do i = i + 1; t[i] = { i, i, i } end
  end,
}
