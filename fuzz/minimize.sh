#!/bin/sh
# Minimizes a target's working corpus and refreshes its small committed corpus.
#   fuzz/minimize.sh <validate|json_lines|schema>
# 1. `cargo fuzz cmin` on fuzz/corpus-full/<target>/ (keeps every input that adds a feature,
#    counting libFuzzer's hit-count buckets): the working corpus for the next run.
# 2. The committed corpus fuzz/corpus/<target>/ = its named seeds (seed-*) + the fewest inputs of
#    the working corpus that cover every edge the seeds do not (a merge with -use_counters=0, so
#    hit counts do not count as new). That keeps it around 200 files and well under 1 MB.
set -eu
cd "$(dirname "$0")"
target=${1:?usage: minimize.sh <validate|json_lines|schema>}
bin=target/x86_64-unknown-linux-gnu/release/$target
echo "before cmin: $(ls "corpus-full/$target" | wc -l) files, $(du -sk "corpus-full/$target" | cut -f1) KiB"
RUSTC_BOOTSTRAP=1 cargo fuzz cmin -O "$target" "corpus-full/$target" -- -rss_limit_mb=2048 -timeout=10
echo "after cmin: $(ls "corpus-full/$target" | wc -l) files, $(du -sk "corpus-full/$target" | cut -f1) KiB"
fresh=corpus-cmin/$target
rm -rf "$fresh" && mkdir -p "$fresh"
cp corpus/"$target"/seed-* "$fresh"/
"$bin" -merge=1 -use_counters=0 -rss_limit_mb=2048 -timeout=10 "$fresh" "corpus-full/$target" 2>&1 | grep -E '^MERGE-OUTER' || true
rm -rf "corpus/$target" && mv "$fresh" "corpus/$target"
echo "committed corpus: $(ls "corpus/$target" | wc -l) files, $(du -sk "corpus/$target" | cut -f1) KiB"
