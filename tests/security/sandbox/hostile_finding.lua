-- edoc.finding with hostile field types: tables where strings go, huge strings, NaN and inf confidence.
return { id = "sec.hostile_finding", category = "unknown_failure", severity = "low",
  summary = "sandbox escape attempt: hostile_finding", needs = { "ecs.tasks" },
  run = function(ev)
    local tries = {
      { title = { "a table" } },
      { title = "t", confidence = 0/0 },
      { title = "t", confidence = math.huge },
      { title = "t", count = -1 },
      { title = "t", count = 0/0 },
      { title = "t", when = 0/0 },
      { title = "t", evidence = "not a list" },
      { title = "t", evidence = { { pointer = {} } } },
      { title = "t", resources = { {}, function() end } },
      { title = "t", remediation = { { command = { 1 } } } },
      { title = "t", explains = 42 },
      { title = "t", severity = {} },
      { title = setmetatable({}, { __tostring = function() return "sneaky" end }) },
      { title = "t", key = {} },
    }
    local rejected = 0
    for _, f in ipairs(tries) do if not pcall(edoc.finding, f) then rejected = rejected + 1 end end
    edoc.finding { title = "hostile: " .. rejected .. " of " .. #tries .. " rejected", confidence = 0.5 }
    edoc.finding { title = string.rep("H", 4 * 1024 * 1024), explanation = string.rep("E", 4 * 1024 * 1024),
                   evidence = { "/tasks/0/stoppedReason", string.rep("/x", 100000) }, resources = { string.rep("r", 1e6) } }
    for i = 1, 1200 do edoc.finding { title = "flood " .. i, key = "k" .. i } end
  end,
}
