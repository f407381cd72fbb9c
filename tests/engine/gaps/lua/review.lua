-- A recommendation-only check whose needed source may be denied: it must never
-- make the verdict inconclusive.
return { id = "test.gaps_review", category = "best_practice", severity = "low",
  needs = { "iam.roles" },
  run = function(ev) end,
}
