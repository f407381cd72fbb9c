-- An error object whose __tostring raises another error object with a __tostring.
return { id = "sec.errobj_tostring_err", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: errobj_tostring_err", needs = { "ecs.tasks" },
  run = function(ev)
    local inner = setmetatable({}, { __tostring = function() error("nested") end })
    error(setmetatable({}, { __tostring = function() error(inner) end, __name = string.rep("N", 1e6) }))
  end,
}
