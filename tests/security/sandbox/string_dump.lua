-- string.dump must not exist (it is how binary chunks are made).
return { id = "sec.string_dump", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: string_dump", needs = { "ecs.tasks" },
  run = function(ev)
    if string.dump then edoc.finding { title = "ESCAPED: string.dump exists" } end
    local s = ("x").dump
    if s then edoc.finding { title = "ESCAPED: string.dump via the string metatable" } end
    return string.dump(function() end)
  end,
}
