-- Every edoc.* function called with every Lua type in every argument position,
-- huge lists, nested tables, lists whose __len lies, lists of non-strings
-- (issue 17 item 2: 40+ non-string security groups overran the Lua stack in
-- edoc.net_reach and corrupted the heap). Each call is protected: errors are
-- fine, a crash, a hang or a sanitizer report is not. The run ends with one
-- finding whose title says whether the C-side answers were as promised.
local function values(ev)
  local huge, nums, mixed, nested = {}, {}, {}, {}
  for i = 1, 50000 do huge[i] = i end
  for i = 1, 60 do nums[i] = i end
  for i = 1, 60 do mixed[i] = (i % 4 == 0) and {} or (i % 4 == 1) and true or (i % 4 == 2) and 1.5 or print end
  local t = nested
  for _ = 1, 200 do t[1] = {}; t.x = t[1]; t = t[1] end
  local lying = setmetatable({}, { __len = function() return 1 << 50 end })
  local badlen = setmetatable({}, { __len = function() return "x" end })
  local raising = setmetatable({}, { __len = function() return 3 end, __index = function() error("boom") end })
  local tabling = setmetatable({}, { __len = function() return 40 end, __index = function(_, k) if type(k) == "number" and k <= 40 then return {} end end })
  local strs = {}
  for i = 1, 40 do strs[i] = "sg-" .. i end
  return {
    nil, true, false, 0, -1, 1.5, math.huge, -math.huge, 0 / 0, math.mininteger, math.maxinteger,
    "", "x", "sg-1", "ecs.tasks", string.rep("A", 100000), "a\0b",
    {}, huge, nums, mixed, nested, lying, badlen, raising, tabling, strs,
    function() return true end, function() error("predicate") end,
    setmetatable({}, { __tostring = function() error("tostring") end, __name = "hostile" }),
    ev, ev.tasks or {}, (ev.tasks or {})[1] or {}, ev.target or {},
  }
end

local function names()
  local out = {}
  for k, v in pairs(edoc) do if type(v) == "function" then out[#out + 1] = k end end
  table.sort(out)
  return out
end

return {
  id = "sec.edoc_types", category = "unknown_failure", severity = "low",
  summary = "sandbox: edoc.* with every Lua type",
  run = function(ev)
    local vals = values(ev)
    local nv = 34 -- #vals is unreliable with the nil in it
    local calls, errors = 0, 0
    local fns = names()
    for _, name in ipairs(fns) do
      local fn = edoc[name]
      if name ~= "finding" then
        for i = 1, nv do
          local v = vals[i]
          for _, args in ipairs({
            { v }, { v, v }, { v, v, v, v }, { "x", v }, { "x", v, v }, { "subnet-1", v, true, "s3" },
            { v, { "a", "b" } }, { "stoppedReason", v },
          }) do
            calls = calls + 1
            local ok = pcall(fn, table.unpack(args, 1, 4))
            if not ok then errors = errors + 1 end
          end
        end
      end
    end
    -- edoc.finding: every field with every type (each call fails validation
    -- or adds a finding that must stay well-formed; the count is capped).
    for _, field in ipairs({ "title", "category", "severity", "confidence", "count", "when", "key", "kind",
                             "evidence", "resources", "explains", "remediation", "subject", "rule" }) do
      for i = 1, nv do
        calls = calls + 1
        local ok = pcall(edoc.finding, { title = "edoc_types probe", [field] = vals[i] })
        if not ok then errors = errors + 1 end
      end
    end
    -- The promises that can be observed from Lua.
    local bad = {}
    local r, why = edoc.net_reach("subnet-1", vals[20], false, "s3") -- 60 numbers
    if r ~= "unknown" then bad[#bad + 1] = "net_reach(60 numbers)=" .. tostring(r) end
    r, why = edoc.net_reach("subnet-1", { "sg-1", 2, {}, true }, false, "s3")
    if r ~= "unknown" or not tostring(why):find("entry 2 is a number, not an id", 1, true) then
      bad[#bad + 1] = "net_reach(mixed)=" .. tostring(r) .. " " .. tostring(why)
    end
    r, why = edoc.net_reach("subnet-1", vals[19], false, "s3")        -- 50,000 numbers
    if r ~= "unknown" then bad[#bad + 1] = "net_reach(huge)=" .. tostring(r) end
    r = edoc.net_reach("subnet-1", vals[27], false, "s3")             -- 40 ids: more than an ENI has
    if r ~= "unknown" then bad[#bad + 1] = "net_reach(40 ids)=" .. tostring(r) end
    local ok, e = pcall(edoc.match, "x", vals[23])                    -- __len says 2^50
    if ok or not tostring(e):find("at most", 1, true) then bad[#bad + 1] = "match(lying __len) " .. tostring(e) end
    ok, e = pcall(edoc.tasks_matching, vals[23])
    if ok or not tostring(e):find("at most", 1, true) then bad[#bad + 1] = "tasks_matching(lying __len) " .. tostring(e) end
    if not edoc.match("cannotpullcontainererror", { "cannotpull" }) then bad[#bad + 1] = "match(list) broken" end
    -- Evidence arrays are lists wherever lists are taken (type() says "table").
    ok, e = pcall(edoc.match_any, "x", ev.tasks)
    if not ok then bad[#bad + 1] = "match_any(evidence array) " .. tostring(e) end
    ok, e = pcall(edoc.finding, { title = "edoc_types probe", resources = ev.tasks })
    if not ok then bad[#bad + 1] = "finding{resources = evidence array} " .. tostring(e) end
    ok = pcall(xpcall, print, print, table.unpack(vals[19], 1, 5000)) -- more arguments than the C stack's spare
    if not ok then bad[#bad + 1] = "xpcall with 5000 arguments raised" end
    edoc.finding {
      title = #bad == 0 and "edoc_types: every call contained" or ("edoc_types: " .. table.concat(bad, "; ")),
      explanation = ("%d calls to %d functions, %d raised a Lua error"):format(calls, #fns, errors),
      key = "summary",
    }
  end,
}
