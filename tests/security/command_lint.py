#!/usr/bin/python3
"""command_lint — a remediation command is a literal template (docs/SECURITY.md).

Values from AWS reach a printed command only as arguments the host quotes
(util/shquote.h); a check that builds `command` by concatenation or
string.format would splice them in unquoted. This lint keeps the rule true for
every shipped check:

  Lua (checks/**/*.lua, examples/team-checks/*.lua): every `command =` field is
  literal text — string literals, joined with `..` only to each other or to
  edoc.with_region(<literal>) / edoc.region_flag(), or a choice between such
  literals (`cond and "..." or "..."`). A bare name is accepted only when it is
  a parameter of a local helper whose every call passes such a literal there.
  C (plugins/*/*.c, examples/team-checks/*.c): the command argument of
  host->remediation() and host->remediation_cmd() is NULL or C string literals,
  or a parameter of a helper whose every call passes literals.

usage: command_lint.py SOURCE_DIR       lint the tree
       command_lint.py --self-test      prove it flags the patterns it exists for
"""
import glob
import os
import re
import sys

# ---- Lua ------------------------------------------------------------------

LUA_TOKEN = re.compile(r"""
    (?P<comment>--\[(?P<ceq>=*)\[.*?\](?P=ceq)\]|--[^\n]*)
  | (?P<long>\[(?P<leq>=*)\[.*?\](?P=leq)\])
  | (?P<str>"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<num>0[xX][0-9a-fA-F]+|\d+\.?\d*(?:[eE][+-]?\d+)?)
  | (?P<op>\.\.\.|\.\.|==|~=|<=|>=|//|::|[-+*/%^#&~|<>=(){}\[\];:,.])
  | (?P<ws>\s+)
""", re.S | re.X)


def lua_tokens(text):
    toks, pos = [], 0
    while pos < len(text):
        m = LUA_TOKEN.match(text, pos)
        if not m:
            pos += 1
            continue
        kind = m.lastgroup
        if kind in ("comment", "ws"):
            pass
        elif kind in ("long", "str"):
            toks.append(("str", m.group(0), text.count("\n", 0, pos) + 1))
        else:
            toks.append((kind if kind in ("name", "num") else "op", m.group(0), text.count("\n", 0, pos) + 1))
        pos = m.end()
    return toks


def split_top(toks, sep):
    """Splits a token list at top-level tokens whose text is in sep."""
    parts, cur, depth = [], [], 0
    for t in toks:
        if t[1] in ("(", "{", "["):
            depth += 1
        elif t[1] in (")", "}", "]"):
            depth -= 1
        if depth == 0 and t[1] in sep:
            parts.append(cur)
            cur = []
        else:
            cur.append(t)
    parts.append(cur)
    return parts


def literal_piece(toks):
    v = [t[1] for t in toks]
    if len(toks) == 1 and toks[0][0] == "str":
        return True
    if v == ["nil"]:
        return True
    for pre in (["edoc", "."], []):
        n = len(pre)
        if v[:n] == pre and len(v) >= n + 3 and v[n] in ("with_region", "region_flag") and v[n + 1] == "(" and v[-1] == ")":
            inner = toks[n + 2:-1]
            if v[n] == "region_flag":
                return not inner
            return literal_cat(inner)
    if v and v[0] == "(" and v[-1] == ")":
        return literal_expr(toks[1:-1])
    return False


def literal_cat(toks):
    return bool(toks) and all(literal_piece(p) for p in split_top(toks, {".."}))


def literal_expr(toks):
    """expr := alt ('or' alt)* ; alt := [cond 'and'] cat"""
    if not toks:
        return False
    for alt in split_top(toks, {"or"}):
        ands = split_top(alt, {"and"})
        if not literal_cat(ands[-1]):
            return False
    return True


def field_value(toks, i):
    """Tokens of the value of the field whose '=' is at i (up to , ; or the
    closing brace at the same depth)."""
    out, depth, j = [], 0, i + 1
    while j < len(toks):
        t = toks[j][1]
        if t in ("(", "{", "["):
            depth += 1
        elif t in (")", "}", "]"):
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and t in (",", ";"):
            break
        out.append(toks[j])
        j += 1
    return out


def call_args(toks, j):
    """Argument token lists of the call whose '(' is at j."""
    depth, k, cur, args = 0, j, [], []
    while k < len(toks):
        t = toks[k][1]
        if t in ("(", "{", "["):
            depth += 1
            if depth == 1:
                k += 1
                continue
        elif t in (")", "}", "]"):
            depth -= 1
            if depth == 0:
                args.append(cur)
                return args
        if depth == 1 and t == ",":
            args.append(cur)
            cur = []
        else:
            cur.append(toks[k])
        k += 1
    return args


def lint_lua(path, text, errors):
    toks = lua_tokens(text)
    # Local helpers: name -> parameter list.
    helpers = {}
    for i, t in enumerate(toks):
        if t[1] == "function" and i + 2 < len(toks) and toks[i + 1][0] == "name" and toks[i + 2][1] == "(":
            params = [p[0][1] for p in call_args(toks, i + 2) if len(p) == 1]
            helpers[toks[i + 1][1]] = params
    for i, t in enumerate(toks):
        if not (t[0] == "name" and t[1] == "command" and i + 1 < len(toks) and toks[i + 1][1] == "="):
            continue
        if i > 0 and toks[i - 1][1] in (".", ":"):
            pass  # x.command = ... is a field assignment too
        val = field_value(toks, i + 1)
        where = f"{path}:{t[2]}"
        if literal_expr(val):
            continue
        if len(val) == 1 and val[0][0] == "name":
            # A helper's parameter: every call must pass a literal there.
            name = val[0][1]
            owners = [h for h, ps in helpers.items() if name in ps]
            if not owners:
                errors.append(f"{where}: command = {name}: not a literal template (use args = {{...}})")
                continue
            for h in owners:
                idx = helpers[h].index(name)
                ncalls = 0
                for j, c in enumerate(toks):
                    if c[1] == h and j + 1 < len(toks) and toks[j + 1][1] == "(" and (j == 0 or toks[j - 1][1] != "function"):
                        args = call_args(toks, j + 1)
                        if len(args) != len(helpers[h]):
                            continue  # another local function of that name
                        ncalls += 1
                        if not literal_expr(args[idx]):
                            errors.append(f"{path}:{c[2]}: {h}(...) passes a non-literal command "
                                          f"(argument {idx + 1}): use a literal template and args")
                if ncalls == 0:
                    errors.append(f"{where}: command = {name}: helper {h} is never called with a literal")
            continue
        shown = " ".join(x[1] for x in val)[:160]
        errors.append(f"{where}: command is not a literal template: {shown} "
                      f"(values go in args = {{...}}; the host quotes them)")


# ---- C --------------------------------------------------------------------

C_TOKEN = re.compile(r"""
    (?P<comment>/\*.*?\*/|//[^\n]*)
  | (?P<str>"(?:\\.|[^"\\\n])*")
  | (?P<chr>'(?:\\.|[^'\\\n])*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<num>\d[\w.]*)
  | (?P<op>->|[-+*/%<>=!&|^~?:;,.(){}\[\]#])
  | (?P<ws>\s+)
""", re.S | re.X)


def c_tokens(text):
    toks, pos = [], 0
    while pos < len(text):
        m = C_TOKEN.match(text, pos)
        if not m:
            pos += 1
            continue
        kind = m.lastgroup
        if kind not in ("comment", "ws"):
            toks.append((kind, m.group(0), text.count("\n", 0, pos) + 1))
        pos = m.end()
    return toks


def c_literal(arg):
    return bool(arg) and (all(t[0] == "str" for t in arg) or [t[1] for t in arg] == ["NULL"])


def lint_c(path, text, errors):
    toks = c_tokens(text)
    # Function definitions: name -> parameter names (last identifier of each).
    funcs = {}
    for i, t in enumerate(toks):
        if t[0] == "name" and i + 1 < len(toks) and toks[i + 1][1] == "(":
            args = call_args(toks, i + 1)
            # A definition: ')' followed by '{'.
            depth, k = 0, i + 1
            while k < len(toks):
                if toks[k][1] == "(":
                    depth += 1
                elif toks[k][1] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                k += 1
            if k + 1 < len(toks) and toks[k + 1][1] == "{":
                funcs[t[1]] = [a[-1][1] if a and a[-1][0] == "name" else None for a in args]
    for i, t in enumerate(toks):
        if not (t[1] in ("remediation", "remediation_cmd") and i > 0 and toks[i - 1][1] == "->"
                and i + 1 < len(toks) and toks[i + 1][1] == "("):
            continue
        args = call_args(toks, i + 1)
        where = f"{path}:{t[2]}"
        if len(args) < 3:
            errors.append(f"{where}: {t[1]}() with too few arguments")
            continue
        cmd = args[2]
        if c_literal(cmd):
            continue
        if len(cmd) == 1 and cmd[0][0] == "name":
            name = cmd[0][1]
            owners = [f for f, ps in funcs.items() if name in ps]
            if not owners:
                errors.append(f"{where}: {t[1]}(): the command {name} is not a literal template")
                continue
            for f in owners:
                idx = funcs[f].index(name)
                ncalls = 0
                for j, c in enumerate(toks):
                    if c[1] == f and j + 1 < len(toks) and toks[j + 1][1] == "(" and c[2] != toks[i][2]:
                        a = call_args(toks, j + 1)
                        if len(a) == len(funcs[f]) and a[idx] and a[idx][-1][1] == name and len(a[idx]) > 1:
                            continue  # the definition's own parameter list
                        if len(a) != len(funcs[f]) or (a[idx] and a[idx][0][0] == "name" and a[idx][0][1] in
                                                       ("const", "char")):
                            continue
                        ncalls += 1
                        if not c_literal(a[idx]):
                            errors.append(f"{path}:{c[2]}: {f}() passes a non-literal command template")
                if ncalls == 0:
                    errors.append(f"{where}: {t[1]}(): helper {f} is never called with a literal")
            continue
        errors.append(f"{where}: {t[1]}(): the command is not a literal template: "
                      f"{' '.join(x[1] for x in cmd)[:160]}")


def lint_tree(src):
    errors, n = [], 0
    for path in sorted(glob.glob(os.path.join(src, "checks", "**", "*.lua"), recursive=True)
                       + glob.glob(os.path.join(src, "examples", "team-checks", "*.lua"))):
        with open(path) as f:
            lint_lua(os.path.relpath(path, src), f.read(), errors)
        n += 1
    for path in sorted(glob.glob(os.path.join(src, "plugins", "*", "*.c"))
                       + glob.glob(os.path.join(src, "examples", "team-checks", "*.c"))):
        with open(path) as f:
            lint_c(os.path.relpath(path, src), f.read(), errors)
        n += 1
    return n, errors


BAD_LUA = {
    "concat": 'remediation = { { command = "aws ecs list-tasks --cluster " .. cl } }',
    "shellquote": 'remediation = { { command = "aws x --y " .. edoc.shellquote(v) } }',
    "format": 'remediation = { { command = string.format("aws x --y %s", v) } }',
    "with_region_concat": 'remediation = { { command = with_region("aws x --y " .. v) } }',
    "or_value": 'remediation = { { command = v or "aws x" } }',
    "helper_call": 'local function add(d, c) r[#r+1] = { description = d, command = c } end\nadd("d", "aws x " .. v)',
    "concat_table": 'remediation = { { command = table.concat(parts, "\\n") } }',
}
GOOD_LUA = {
    "literal": 'remediation = { { command = "aws x --y {v}", args = { v = v } } }',
    "long": 'remediation = { { command = [[aws x --q \'{"a":1}\' {v}]], args = { v = v } } }',
    "with_region": 'remediation = { { command = edoc.with_region("aws x {v}") .. " | jq ." .. edoc.region_flag(), args = { v = v } } }',
    "choice": 'remediation = { { command = cond and with_region("aws a {v}") or "aws b {v}", args = { v = v } } }',
    "helper": 'local function add(d, c, a) r[#r+1] = { description = d, command = c, args = a } end\nadd("d", with_region("aws x {v}"), { v = v })',
}
BAD_C = {
    "buffer": 'static void r(const edoc_host *h, edoc_finding *f) { char cmd[99]; snprintf(cmd, 99, "aws %s", x); h->remediation(f, "d", cmd, NULL); }',
    "helper": 'static void fix(const edoc_host *h, edoc_finding *f, const char *t) { h->remediation_cmd(f, "d", t, NULL, NULL); }\n'
              'static void g(const edoc_host *h, edoc_finding *f) { fix(h, f, buf); }',
}
GOOD_C = {
    "literal": 'static void r(const edoc_host *h, edoc_finding *f) { h->remediation(f, "d", "aws ecs list-clusters", NULL); }',
    "helper": 'static void fix(const edoc_host *h, edoc_finding *f, const char *t) { h->remediation_cmd(f, "d", t, NULL, NULL); }\n'
              'static void g(const edoc_host *h, edoc_finding *f) { fix(h, f, "aws x {v}" " --y"); }',
}


def self_test():
    bad = 0
    for name, text in BAD_LUA.items():
        errs = []
        lint_lua(f"bad_{name}.lua", text, errs)
        if not errs:
            print(f"not ok - the lint let the Lua pattern '{name}' pass")
            bad += 1
    for name, text in GOOD_LUA.items():
        errs = []
        lint_lua(f"good_{name}.lua", text, errs)
        if errs:
            print(f"not ok - the lint refused the good Lua pattern '{name}': {errs}")
            bad += 1
    for name, text in BAD_C.items():
        errs = []
        lint_c(f"bad_{name}.c", text, errs)
        if not errs:
            print(f"not ok - the lint let the C pattern '{name}' pass")
            bad += 1
    for name, text in GOOD_C.items():
        errs = []
        lint_c(f"good_{name}.c", text, errs)
        if errs:
            print(f"not ok - the lint refused the good C pattern '{name}': {errs}")
            bad += 1
    total = len(BAD_LUA) + len(GOOD_LUA) + len(BAD_C) + len(GOOD_C)
    print(f"{total - bad} of {total} self-test cases ok")
    return 1 if bad else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    n, errors = lint_tree(sys.argv[1])
    for e in errors:
        print("FAIL " + e)
    print(f"{n} files linted, {len(errors)} non-literal command(s)")
    return 1 if errors or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
