#!/bin/sh
# Minimizes a target's working corpus and refreshes its small committed corpus.
#   fuzz/minimize.sh <validate|json_lines|schema|openapi|traffic>
# 1. `cargo fuzz cmin` on fuzz/corpus-full/<target>/ (keeps every input that adds a feature,
#    counting libFuzzer's hit-count buckets): the working corpus for the next run.
# 2. The committed corpus fuzz/corpus/<target>/ = its named seeds (seed-*) + inputs of the working
#    corpus picked greedily (select_corpus.py) by the most edges not yet covered (edges from a
#    libFuzzer merge with -use_counters=0, so hit counts do not count), at most 200 files and
#    1 MB in all (openapi, traffic: 100 files, 500 KB).
set -eu
cd "$(dirname "$0")"
target=${1:?usage: minimize.sh <validate|json_lines|schema|openapi|traffic>}
bin=target/x86_64-unknown-linux-gnu/release/$target
echo "before cmin: $(ls "corpus-full/$target" | wc -l) files, $(cat corpus-full/"$target"/* | wc -c) bytes"
RUSTC_BOOTSTRAP=1 cargo fuzz cmin -O "$target" "corpus-full/$target" -- -rss_limit_mb=2048 -timeout=10
echo "after cmin: $(ls "corpus-full/$target" | wc -l) files, $(cat corpus-full/"$target"/* | wc -c) bytes"
fresh=corpus-cmin/$target
seeds=corpus-cmin/$target-seeds
rm -rf "$fresh" "$seeds" && mkdir -p "$seeds"
cp corpus/"$target"/seed-* "$seeds"/
"$bin" -merge=1 -use_counters=0 -merge_control_file="corpus-cmin/$target.control" -rss_limit_mb=2048 \
    -timeout=10 "$seeds" "corpus-full/$target" 2>&1 | grep -E '^MERGE-OUTER: [0-9]+ new' || true
# Whole descriptions and recordings are large and slow to replay in a debug build: fewer of them.
case $target in
    openapi | traffic) files=100 bytes=500000 ;;
    *) files=200 bytes=1000000 ;;
esac
./select_corpus.py "corpus-cmin/$target.control" "$fresh" "$files" "$bytes"
rm -rf "corpus/$target" "$seeds" "corpus-cmin/$target.control" && mv "$fresh" "corpus/$target"
echo "committed corpus: $(ls "corpus/$target" | wc -l) files, $(cat corpus/"$target"/* | wc -c) bytes"
