#!/bin/bash
# The CLI's surface is described four times — the parser (core/cli/opts.c and
# main.c's --help), the man page, the bash and the zsh completions. This test
# holds them equal: the completions list exactly the commands of
# `ecs-doctor --help` and the flags of the man page, which are the parser's.
# Also: every `<command> --help` works, and the man page renders without
# warnings.   usage: completion_test.sh ECS_DOCTOR SOURCE_DIR
set -u
BIN=$1
SRC=$2
MAN=$SRC/docs/man/ecs-doctor.1
fail=0
check() { if [ "$2" -eq 0 ]; then echo "ok - $1"; else echo "not ok - $1"; fail=1; fi; }
same() { # same NAME "LIST A" "LIST B"
    local a b
    a=$(printf '%s\n' $2 | sort -u | tr '\n' ' ')
    b=$(printf '%s\n' $3 | sort -u | tr '\n' ' ')
    if [ "$a" = "$b" ]; then echo "ok - $1"; else echo "not ok - $1"; echo "#   got:  $a"; echo "#   want: $b"; fail=1; fi
}

# ---- the truth: --help's commands, the parser's flags
commands=$("$BIN" --help | awk '/^commands:/{on=1;next} on&&/^$/{exit} on&&/^  [a-z]/{print $1}')
[ -n "$commands" ]; check "ecs-doctor --help lists commands" $?
opts_flags="$(sed -n '/longopts\[\] = {/,/{NULL, 0, NULL, 0}/p' "$SRC/core/cli/opts.c" |
    sed -n 's/^ *{"\([a-z-]*\)",.*/--\1/p') -o --help -h"
[ "$(echo $opts_flags | wc -w)" -gt 15 ]; check "opts.c long options found" $?

# ---- the man page: every flag described in OPTIONS (the lines after .TP)
man_flags=$(sed -n '/^\.SH OPTIONS/,/^\.SH OUTPUT/p' "$MAN" | awk 'prev==".TP"{print} {prev=$0}' |
    sed 's/\\-/-/g' | grep -oE '(^|[ "])--?[a-z][a-z-]*' | tr -d ' "')
same "man page OPTIONS == parser flags" "$man_flags" "$opts_flags"
man_cmds=$(sed -n '/^\.SH COMMANDS/,/^\.SH OPTIONS/p' "$MAN" | awk 'prev==".TP"{print $2} {prev=$0}' | tr -d '"' | sort -u)
same "man page COMMANDS == ecs-doctor --help" "$man_cmds" "$commands"

# ---- bash
# shellcheck source=/dev/null
source "$SRC/scripts/completions/ecs-doctor.bash"
complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _ecs_doctor; echo "${COMPREPLY[@]}"; }
same "bash: commands" "$(complete_words ecs-doctor '')" "$commands"
# Only the options of the command being typed: what its --help lists.
help_flags() { "$BIN" "$1" --help | grep -oE '(^| )--?[a-z][a-z-]*' | tr -d ' '; echo --help -h; }
all_cmd_flags=""
for c in service task cluster collect analyze review checks; do
    same "bash: flags after '$c' are those of '$c --help'" "$(complete_words ecs-doctor $c web -)" "$(help_flags $c)"
    all_cmd_flags="$all_cmd_flags $(complete_words ecs-doctor $c web -)"
done
same "bash: every parser flag is offered by some command" "$all_cmd_flags" "$opts_flags"
same "bash: flags after a command and its options" "$(complete_words ecs-doctor service web --cluster prod --w)" "--wait"
same "bash: only global options before a command" "$(complete_words ecs-doctor -)" \
    "--region --profile --output --endpoint-url --debug --no-color --verbose --help -h"
same "bash: a global option's value is not the command" "$(complete_words ecs-doctor --region eu-west-1 collect '')" \
    "service task cluster"
# Check ids for --only/--skip come from the binary itself (ecs-doctor checks list).
ids=$("$BIN" checks list --output json | sed -n 's/^[[:space:]]*"id":[[:space:]]*"\([^"]*\)".*/\1/p')
[ "$(echo $ids | wc -w)" -gt 20 ]; check "checks list --output json gives the ids" $?
same "bash: --only completes check ids" "$(PATH=$(dirname "$BIN"):$PATH complete_words ecs-doctor analyze f.json --only '')" "$ids"
same "bash: --skip completes a prefix" "$(PATH=$(dirname "$BIN"):$PATH complete_words ecs-doctor service x --skip image.)" \
    "$(printf '%s\n' $ids | grep '^image\.')"
same "bash: --output values" "$(complete_words ecs-doctor analyze f.json --output '')" "text json markdown junit"
same "bash: --fail-on prefix" "$(complete_words ecs-doctor service x --fail-on h)" "high"
same "bash: collect kinds" "$(complete_words ecs-doctor collect '')" "service task cluster"
same "bash: checks subcommands" "$(complete_words ecs-doctor --debug checks t)" "test"
same "bash: command prefix" "$(complete_words ecs-doctor c)" "cluster collect checks"
tmp=$(mktemp -d)
printf '[default]\nregion = us-east-1\n[profile prod-admin]\n[profile dev]\n' > "$tmp/config"
printf '[ci]\naws_access_key_id = x\n' > "$tmp/credentials"
same "bash: --profile from the AWS files" \
    "$(AWS_CONFIG_FILE=$tmp/config AWS_SHARED_CREDENTIALS_FILE=$tmp/credentials complete_words ecs-doctor service x --profile '')" \
    "default prod-admin dev ci"
rm -rf "$tmp"

# ---- zsh: syntax, and the same lists
Z=$SRC/scripts/completions/_ecs-doctor
if command -v zsh >/dev/null 2>&1; then
    zsh -n "$Z"; check "zsh: completion parses (zsh -n)" $?
else
    echo "ok - zsh: not installed, syntax check skipped"
fi
if command -v zsh >/dev/null 2>&1; then
    # Run the function with zsh's completion builtins stubbed: _arguments
    # sets the state the real one would, the others print what they offer.
    zt=$(mktemp)
    cat > "$zt" <<'ZSH'
_arguments() {
  # "flags": print the option names offered (the specs before the positionals).
  [[ $ZSTATE == flags ]] && { local a; for a in "$@"; do [[ $a == (\*|)-* && $a != -C ]] && print -- ${${a#\*}%%\[*}; done }
  state=$ZSTATE; line=(${=ZLINE}); return 0
}
words=(${=ZWORDS})
_describe() { print -l -- ${(P)4} | cut -d: -f1 }
_values() { shift; print -l -- "$@" }
_files() { print -- "_files $*" }
CURRENT=$ZCURRENT
source $1
ZSH
    zrun() { ZSTATE=$1 ZLINE=$2 ZCURRENT=$3 ZWORDS=${4:-} zsh -f "$zt" "$Z"; }
    for c in service task cluster collect analyze review checks; do
        same "zsh (stubbed): flags after '$c' are those of '$c --help'" "$(zrun flags '' 3 "ecs-doctor $c web") -h" \
            "$(help_flags $c)"
    done
    same "zsh (stubbed): only global options before a command" "$(zrun flags '' 2 "ecs-doctor")" \
        "--region --profile --output --endpoint-url --debug --no-color --verbose --help"
    same "zsh (stubbed): --only completes check ids" "$(zrun checkids '' 4 "$BIN analyze f.json --only")" "$ids"
    same "zsh (stubbed): commands offered" "$(zrun command '' 1)" "$commands"
    same "zsh (stubbed): collect kinds" "$(zrun args collect 2)" "service task cluster"
    same "zsh (stubbed): checks subcommands" "$(zrun args checks 2)" "list test new"
    [ "$(zrun args 'checks test' 3)" = "_files -/" ]; check "zsh (stubbed): checks test completes directories" $?
    rm -f "$zt"
fi
zsh_cmds=$(sed -n '/commands=(/,/^  )/p' "$Z" | sed -n "s/^ *'\([a-z]*\):.*/\1/p")
same "zsh: commands" "$zsh_cmds" "$commands"
zsh_flags=$(sed -n '/flags=(/,/^  )/p' "$Z" | sed -n "s/^ *'\*\{0,1\}\(--\{0,1\}[a-z][a-z-]*\)\[.*/\1/p")
same "zsh: flags (and -h)" "$zsh_flags -h" "$opts_flags"

# ---- per-command help
for c in $commands; do
    [ "$c" = version ] && continue
    out=$("$BIN" "$c" --help); rc=$?
    [ $rc -eq 0 ] && [ "${out#usage: ecs-doctor $c }" != "$out" ] && printf '%s' "$out" | grep -q '^example: ecs-doctor '
    check "$c --help: usage, example, exit 0" $?
    bad=""
    for f in $(printf '%s\n' "$out" | grep -oE '(^| )--?[a-z][a-z-]*' | tr -d ' '); do
        case " $(echo $opts_flags) " in *" $f "*) ;; *) bad="$bad $f" ;; esac
    done
    [ -z "$bad" ]; check "$c --help names only real flags${bad:+ (unknown:$bad)}" $?
done
out=$("$BIN" help analyze); [ "${out#usage: ecs-doctor analyze}" != "$out" ]; check "ecs-doctor help analyze" $?
"$BIN" service web --cluster prod -h | grep -q '^usage: ecs-doctor service'; check "-h after arguments" $?

# ---- the man page renders without warnings
if command -v groff >/dev/null 2>&1; then
    w=$(groff -man -ww -z "$MAN" 2>&1); [ -z "$w" ]; check "groff -ww: no warnings${w:+ ($w)}" $?
fi
if command -v man >/dev/null 2>&1; then
    w=$(MANWIDTH=80 man --warnings -l "$MAN" 2>&1 >/dev/null); [ -z "$w" ]; check "man --warnings -l: no warnings${w:+ ($w)}" $?
fi
exit $fail
