# bash completion for ecs-doctor                       -*- shell-script -*-
# Keep in step with core/cli/main.c (commands and each command's --help),
# core/cli/opts.c (flags) and docs/man/ecs-doctor.1;
# tests/render/completion_test.sh compares them.

_ecs_doctor_commands="service task cluster collect analyze review checks version"
# Accepted before the command (as the AWS CLI's global options).
_ecs_doctor_globals="--region --profile --output --endpoint-url --debug --no-color --verbose --help -h"
_ecs_doctor_aws="--profile --region --endpoint-url"
_ecs_doctor_collect="--since --max-tasks --deadline"
_ecs_doctor_analyze="--output --fail-on --mute-file --no-recommendations --no-color --plugin-dir --check-dir
--only --skip --no-plugins --verbose --debug"

# The options of one command: what `ecs-doctor COMMAND --help` lists.
_ecs_doctor_options()
{
    case $1 in
        service) echo "--cluster $_ecs_doctor_collect $_ecs_doctor_aws $_ecs_doctor_analyze --wait --timeout --help -h" ;;
        task) echo "--cluster $_ecs_doctor_collect $_ecs_doctor_aws $_ecs_doctor_analyze --help -h" ;;
        cluster) echo "$_ecs_doctor_collect $_ecs_doctor_aws $_ecs_doctor_analyze --help -h" ;;
        collect) echo "-o --no-redact --cluster $_ecs_doctor_collect $_ecs_doctor_aws --debug --help -h" ;;
        analyze) echo "$_ecs_doctor_analyze --help -h" ;;
        review) echo "--cluster $_ecs_doctor_aws --output --no-color --fail-on --mute-file --help -h" ;;
        checks) echo "--plugin-dir --no-plugins --check-dir --only --skip --output --verbose --debug --help -h" ;;
        *) echo "--help -h" ;;
    esac
}

_ecs_doctor_profiles()
{
    local f
    for f in "${AWS_CONFIG_FILE:-$HOME/.aws/config}" "${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}"; do
        [ -r "$f" ] && sed -n 's/^[[:space:]]*\[\(profile[[:space:]]\{1,\}\)\{0,1\}\([^]]*\)\].*/\2/p' "$f"
    done 2>/dev/null | sort -u
}

# Check ids for --only/--skip, from the binary being completed (its checks,
# and those of any --check-dir/--plugin-dir already on the line).
_ecs_doctor_check_ids()
{
    local bin=${COMP_WORDS[0]} i dirs=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            --check-dir|--plugin-dir) dirs+=("${COMP_WORDS[i]}" "${COMP_WORDS[i+1]}") ;;
        esac
    done
    "$bin" checks list "${dirs[@]}" 2>/dev/null | awk 'NR > 1 && ($2 == "lua" || $2 == "c") { print $1 }'
}

_ecs_doctor()
{
    local cur prev cmd i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}

    case $prev in
        --output) COMPREPLY=($(compgen -W "text json markdown junit" -- "$cur")); return ;;
        --fail-on) COMPREPLY=($(compgen -W "critical high medium low info none" -- "$cur")); return ;;
        --profile) COMPREPLY=($(compgen -W "$(_ecs_doctor_profiles)" -- "$cur")); return ;;
        --region)
            COMPREPLY=($(compgen -W "us-east-1 us-east-2 us-west-1 us-west-2 ca-central-1 eu-west-1 eu-west-2
                eu-west-3 eu-central-1 eu-central-2 eu-north-1 eu-south-1 eu-south-2 ap-south-1 ap-south-2
                ap-southeast-1 ap-southeast-2 ap-southeast-3 ap-southeast-4 ap-northeast-1 ap-northeast-2
                ap-northeast-3 ap-east-1 sa-east-1 me-south-1 me-central-1 af-south-1 il-central-1" -- "$cur"))
            return ;;
        --plugin-dir|--check-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        -o|--mute-file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --since|--deadline|--timeout) COMPREPLY=($(compgen -W "30s 5m 15m 30m 1h 3h 6h 12h 1d 1w" -- "$cur")); return ;;
        --only|--skip) COMPREPLY=($(compgen -W "$(_ecs_doctor_check_ids)" -- "$cur")); return ;;
        --cluster|--endpoint-url|--max-tasks) return ;;
    esac

    # The command is the first word that is neither an option nor a global
    # option's value.
    cmd=
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            --region|--profile|--output|--endpoint-url) ((i++)) ;;
            -*) ;;
            *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done

    if [[ $cur == -* ]]; then
        if [ -z "$cmd" ]; then
            COMPREPLY=($(compgen -W "$_ecs_doctor_globals" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$(_ecs_doctor_options "$cmd")" -- "$cur"))
        fi
        return
    fi
    if [ -z "$cmd" ]; then
        COMPREPLY=($(compgen -W "$_ecs_doctor_commands" -- "$cur"))
        return
    fi
    case $cmd in
        collect|review)
            [ "$i" -eq $((COMP_CWORD - 1)) ] && COMPREPLY=($(compgen -W "service task cluster" -- "$cur")) ;;
        checks)
            if [ "$i" -eq $((COMP_CWORD - 1)) ]; then
                COMPREPLY=($(compgen -W "list test new" -- "$cur"))
            elif [ "${COMP_WORDS[i+1]}" = test ]; then
                COMPREPLY=($(compgen -d -- "$cur"))
            fi ;;
        analyze) COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
}
complete -F _ecs_doctor ecs-doctor
