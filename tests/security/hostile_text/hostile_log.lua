-- Issue 17 item 7: a check whose log lines, print output and finding carry
-- terminal escapes (colour, OSC 52 clipboard write, window title), C1
-- controls, a direction override and invalid UTF-8. None may reach the
-- terminal raw, and the JSON report must stay valid UTF-8.
local esc = "\27[31mRED\27[0m \27]52;c;ZWNobyBwd25lZA==\7 \27]0;title\7 \194\155C1 \226\128\174RLO \255\254bad"
return { id = "sec.hostile_log", category = "unknown_failure", severity = "low",
  summary = "hostile text from a check", needs = { "ecs.tasks" },
  run = function(ev)
    edoc.log("edoc.log: " .. esc)
    print("print:", esc, "\0nul")
    edoc.finding { title = "finding " .. esc, confidence = 0.9, severity = "high", count = 1,
                   evidence = { edoc.ptr("tasks", 0, "lastStatus") } }
  end,
}
