#!/usr/bin/env bash
# The GitHub Action's run step (action.yml): `response-contract check` built from the action's
# inputs, read from INPUT_* environment variables named as the runner names them (the input's
# name upper-cased, hyphens kept: `sarif-file` is INPUT_SARIF-FILE, which bash reads through
# printenv). action.yml sets them; tests/action_script.rs sets them the same way.
#
#   INPUT_PATHS       files or directories, separated by spaces or newlines (required; no globbing)
#   INPUT_FORMAT      human | json | junit | sarif | github (empty: github)
#   INPUT_STRICT      true | false (empty: false)
#   INPUT_EXPECT      normal | abnormal | either, passed as --expect when not empty
#   INPUT_STATUS      an HTTP status, passed as --status when not empty
#   INPUT_CONTRACT    passed as --contract when not empty
#   INPUT_OPENAPI     passed as --openapi when not empty
#   INPUT_SARIF-FILE  when not empty, SARIF is also written there (a second run, --format sarif)
#   INPUT_ARGS        more arguments for `check`, separated by spaces (no quoting, no globbing)
#
# Prints each command line it runs (`+ response-contract check …`), writes `exit-status` (and
# `sarif-file`) to $GITHUB_OUTPUT when it is set, and exits with the command's status: 0 every
# payload conforms, 1 at least one breaks the contract, 2 the tool could not do its job (or an
# input of the action is wrong).
set -euo pipefail
set -f # Paths and arguments are words, never globs.

bin=response-contract

input() {
    printenv "INPUT_$1" || true
}

output() {
    if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
        printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
    fi
}

fail() {
    echo "::error title=response-contract::$1"
    output exit-status 2
    exit 2
}

show() {
    printf '+'
    printf ' %q' "$@"
    printf '\n'
}

read -r -d '' -a paths < <(input PATHS) || true
if ((${#paths[@]} == 0)); then
    fail "the input \`paths\` is empty: name the files or directories to check"
fi

format=$(input FORMAT)
format=${format:-github}

options=()
case "$(input STRICT | tr '[:upper:]' '[:lower:]')" in
    true) options+=(--strict) ;;
    false | "") ;;
    *) fail "the input \`strict\` must be true or false, not \`$(input STRICT)\`" ;;
esac
# Passed only when set: --contract and --openapi are newer than some versions of the command.
for name in expect status contract openapi; do
    value=$(input "${name^^}")
    if [[ -n "$value" ]]; then
        options+=("--$name" "$value")
    fi
done
read -r -d '' -a extra < <(input ARGS) || true
options+=("${extra[@]}")

command=("$bin" check --format "$format" "${options[@]}" -- "${paths[@]}")
show "${command[@]}"
status=0
"${command[@]}" || status=$?

sarif=$(input SARIF-FILE)
if [[ -n "$sarif" ]]; then
    sarif_command=("$bin" check --format sarif "${options[@]}" -- "${paths[@]}")
    printf '+'
    printf ' %q' "${sarif_command[@]}"
    printf ' >%q\n' "$sarif"
    mkdir -p -- "$(dirname -- "$sarif")"
    sarif_status=0
    "${sarif_command[@]}" >"$sarif" || sarif_status=$?
    if ((sarif_status == 2 && status != 2)); then
        echo "::error title=response-contract::the SARIF run could not do its job (exit status 2)"
        status=2
    fi
    output sarif-file "$sarif"
fi

output exit-status "$status"
exit "$status"
