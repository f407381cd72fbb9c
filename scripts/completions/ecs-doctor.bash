# bash completion for ecs-doctor                       -*- shell-script -*-
# Keep in step with core/cli/main.c (commands), core/cli/opts.c (flags) and
# docs/man/ecs-doctor.1; tests/render/completion_test.sh compares them.

_ecs_doctor_commands="service task cluster collect analyze review checks version"
_ecs_doctor_flags="--profile --region --cluster --endpoint-url --output --no-color --debug --verbose
--since --max-tasks --deadline --plugin-dir --check-dir --only --skip --fail-on --mute-file
--no-recommendations --no-plugins --no-redact --wait --timeout --help -h -o"

_ecs_doctor_profiles()
{
    local f
    for f in "${AWS_CONFIG_FILE:-$HOME/.aws/config}" "${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}"; do
        [ -r "$f" ] && sed -n 's/^[[:space:]]*\[\(profile[[:space:]]\{1,\}\)\{0,1\}\([^]]*\)\].*/\2/p' "$f"
    done 2>/dev/null | sort -u
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
        --since|--deadline|--timeout) COMPREPLY=($(compgen -W "30s 5m 15m 30m 1h 3h 6h 12h 1d" -- "$cur")); return ;;
        --cluster|--endpoint-url|--max-tasks|--only|--skip) return ;;
    esac

    # The command is the first word that is not an option.
    cmd=
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            -*) ;;
            *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$_ecs_doctor_flags" -- "$cur"))
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
