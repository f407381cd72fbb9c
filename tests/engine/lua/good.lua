-- Exercises the read-only evidence and the edoc library, then reports.
return { id = "test.lua_good", category = "unknown_failure", severity = "medium", needs = {"ecs.tasks", "iam.roles"},
  run = function(ev)
    local n = 0
    for i, t in edoc.ipairs(ev.tasks) do n = n + 1 end
    assert(n == #ev.tasks, "ipairs/len")
    local keys = 0
    for k, v in pairs(ev.target) do keys = keys + 1 end
    assert(keys > 0, "pairs")
    assert(ev.tasks == ev.tasks, "proxies are cached")
    assert(type(ev.tasks) == "table")
    for _ in edoc.ipairs(ev.no_such_section) do error("nil iterates nothing") end
    assert(edoc.norm("  It’s  “Quoted”…\n ") == "it's \"quoted\"...", edoc.norm("  It’s  “Quoted”…\n "))
    assert(edoc.match("CannotPullContainerError: x NOT FOUND", { "cannotpull", "not found" }))
    assert(not edoc.match("abc", { "a", "z" }))
    assert(edoc.match_any("abc", { "z", "B" }))
    assert(edoc.ptr("tasks", 0, "a/b~c") == "/tasks/0/a~1b~0c")
    assert(edoc.task_id("arn:aws:ecs:us-east-1:1:task/prod/abc") == "abc")
    assert(edoc.shellquote("it's") == "'it'\\''s'")
    assert(edoc.shellquote("web-service") == "web-service")
    assert(edoc.region() == "us-east-1")
    assert(edoc.source_ok("ecs.tasks") and not edoc.source_ok("iam.roles"))
    assert(os.time() > 0 and os.getenv == nil and io == nil and debug == nil and package == nil)
    assert(string.dump == nil and dofile == nil and loadfile == nil)
    assert(getmetatable("") == "locked")
    local d = edoc.iam_eval("ecsTaskExecutionRole", "ecr:GetAuthorizationToken", "*")
    assert(type(d) == "string")
    assert(load("return 1 + 1")() == 2)
    print("print goes to --debug, not stdout")
    edoc.finding { title = "good lua check saw " .. n .. " tasks", confidence = 0.8,
                   evidence = { edoc.ptr("tasks", 0, "stoppedReason"), { pointer = "/nope", note = "absent" } },
                   resources = { "r1", "r1", "r2" }, key = "k" }
    edoc.finding { title = "good lua check saw " .. n .. " tasks", confidence = 0.8, resources = { "r3" }, key = "k" }
  end }
