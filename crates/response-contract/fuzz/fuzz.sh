#!/bin/sh
# Runs one fuzz target with the settings the runs in README.md used.
#   fuzz/fuzz.sh <validate|json_lines|schema|openapi|traffic> [seconds] [extra libFuzzer flags...]
# New inputs go to fuzz/corpus-full/<target>/ (not committed); the committed, minimized seeds in
# fuzz/corpus/<target>/ are read but not written. Crashes land in fuzz/artifacts/<target>/.
# One fuzzer at a time (-jobs=1 -workers=1): the machine is shared.
set -eu
cd "$(dirname "$0")"
target=${1:?usage: fuzz.sh <validate|json_lines|schema|openapi|traffic> [seconds] [libFuzzer flags...]}
seconds=${2:-600}
[ $# -ge 2 ] && shift 2 || shift 1
case $target in
    validate | json_lines) dict=dict/json.dict max_len=4096 ;;
    schema) dict=dict/schema.dict max_len=8192 ;;
    openapi) dict=dict/openapi.dict max_len=65536 ;;
    traffic) dict=dict/har.dict max_len=65536 ;;
    *) echo "unknown target: $target" >&2; exit 2 ;;
esac
mkdir -p "corpus-full/$target"
RUSTC_BOOTSTRAP=1 exec cargo fuzz run -O "$target" "corpus-full/$target" "corpus/$target" -- \
    -dict="$dict" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -jobs=1 -workers=1 -max_total_time="$seconds" -print_final_stats=1 "$@"
