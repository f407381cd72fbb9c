-- A check file must return a table; this one returns a function.
return function() return { id = "sec.nontable" } end
