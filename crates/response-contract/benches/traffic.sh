#!/usr/bin/env bash
# The command on recorded traffic (issue 10), against its own time on the same bodies.
#
#   benches/traffic.sh          exchange log vs bare bodies: 1,000,000 job-status exchanges
#                               (`--input exchanges`) against the same 1,000,000 bodies as JSON
#                               Lines routed to the same operation (`--method GET --path … --status
#                               200 --lines`); 5 rounds in turns, medians and their ratio (target
#                               ≤ 2), and the same for a HAR of the same exchanges.
#   benches/traffic.sh --big    also a 1 GB single-line HAR of 2,000,000 entries: wall time and
#                               peak RSS under /usr/bin/time -v (target < 256 MiB).
#
# Inputs are generated deterministically (python3) into $RC_BENCH_DIR (default: a fresh temporary
# directory, removed at the end unless RC_BENCH_KEEP=1). Results: target/criterion/traffic-cli.tsv.
# Exit status 1 of the command (some exchanges are invalid, by design: one in ten) counts as a run.
set -euo pipefail

cd "$(dirname "$0")/.."
TARGET=$(cd ../.. && pwd)/target
BIN=$TARGET/release/response-contract
OUT=$TARGET/criterion/traffic-cli.tsv
DIR=${RC_BENCH_DIR:-$(mktemp -d)}
mkdir -p "$DIR" "$TARGET/criterion"
if [ "${RC_BENCH_KEEP:-0}" != 1 ] && [ -z "${RC_BENCH_DIR:-}" ]; then
  trap 'rm -rf "$DIR"' EXIT
fi
BIG=0
[ "${1:-}" = --big ] && BIG=1

(cd ../.. && cargo build --release --quiet)

python3 - "$DIR" "$BIG" <<'PY'
import json, sys, random
out, big = sys.argv[1], sys.argv[2] == "1"
rng = random.Random(20261129)
def body(i):
    status = "DONE" if i % 10 == 0 else rng.choice(["SUCCESS", "RUNNING", "FAIL", "INIT"])
    return json.dumps({"status": status, "entities": {"sub_jobs_total": 1, "sub_jobs": [
        {"status": "SUCCESS", "entities": {"server_id": "bf6d2d21-f9ac-4cbc-9e62-0ef4f3e0d6d8"},
         "job_id": "ff80808288d41e1b018990260955%04x" % (i % 65536), "job_type": "baremetalSingleCreate",
         "begin_time": "2023-07-21T12:00:02.122Z", "end_time": "2023-07-21T12:08:40.133Z",
         "error_code": None, "fail_reason": None}]},
        "job_id": "ff80808288d41e1b0189902497546869", "job_type": "baremetalBatchCreate",
        "begin_time": "2023-07-21T11:59:54.312Z", "end_time": "2023-07-21T12:08:51.141Z",
        "error_code": None, "fail_reason": None}, separators=(", ", ": "))
import os
N = 1_000_000
# A kept directory (RC_BENCH_DIR, RC_BENCH_KEEP=1) is reused: the inputs are deterministic.
done = lambda name: os.path.exists(f"{out}/{name}")
if done("exchanges.jsonl") and done("session.har") and (done("big.har") or not big):
    sys.exit(0)
with open(f"{out}/bodies.jsonl", "w") as b, open(f"{out}/exchanges.jsonl", "w") as e:
    for i in range(N):
        text = body(i)
        b.write(text + "\n")
        e.write(json.dumps({"method": "GET", "url": f"https://bms.example.test/v1/p{i % 7}/jobs/j{i}?token=t",
                            "status": 200, "content_type": "application/json", "body": text}) + "\n")
def har(path, n, pretty):
    with open(path, "w") as h:
        h.write('{"log": {"version": "1.2", "creator": {"name": "bench", "version": "1"}, "entries": [')
        for i in range(n):
            entry = {"request": {"method": "GET", "url": f"https://bms.example.test/v1/p{i % 7}/jobs/j{i}",
                                 "headers": [{"name": "X-Auth-Token", "value": "secret"}], "queryString": []},
                     "response": {"status": 200, "headers": [], "content": {"size": 0, "mimeType": "application/json", "text": body(i)}},
                     "timings": {"send": 0, "wait": 10, "receive": 1}}
            h.write(("," if i else "") + json.dumps(entry, indent=2 if pretty else None))
        h.write("]}}\n")
har(f"{out}/session.har", N, True)
if big:
    # About 500 bytes an entry on one line: 2,000,000 entries, about 1 GB.
    har(f"{out}/big.har", 2_000_000, False)
PY

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run() { # label, args…: one timed run (ns) of the command, exit 0 or 1 accepted
  local start end status
  start=$(date +%s%N)
  set +e; "$BIN" check --quiet "${@:2}"; status=$?; set -e
  end=$(date +%s%N)
  [ "$status" -le 1 ] || { echo "$1: exit $status" >&2; exit 1; }
  echo $((end - start))
}

: > "$DIR/bodies.ns"; : > "$DIR/log.ns"; : > "$DIR/har.ns"
for round in 1 2 3 4 5; do
  run bodies --method GET --path /v1/p/jobs/j --status 200 --lines "$DIR/bodies.jsonl" >> "$DIR/bodies.ns"
  run log --input exchanges "$DIR/exchanges.jsonl" >> "$DIR/log.ns"
  run har "$DIR/session.har" >> "$DIR/har.ns"
done
bodies=$(median < "$DIR/bodies.ns"); log=$(median < "$DIR/log.ns"); har=$(median < "$DIR/har.ns")
{
  printf 'run\tmedian_s\tratio_to_bodies\n'
  printf 'bodies (--lines, routed)\t%.3f\t1.00\n' "$(echo "$bodies / 1000000000" | bc -l)"
  printf 'exchange log (--input exchanges)\t%.3f\t%.2f\n' "$(echo "$log / 1000000000" | bc -l)" "$(echo "$log / $bodies" | bc -l)"
  printf 'HAR, pretty-printed\t%.3f\t%.2f\n' "$(echo "$har / 1000000000" | bc -l)" "$(echo "$har / $bodies" | bc -l)"
} | tee "$OUT"
ls -l "$DIR"/*.jsonl "$DIR"/*.har | awk '{print $5, $9}'

if [ "$BIG" = 1 ]; then
  set +e
  /usr/bin/time -v "$BIN" check --quiet "$DIR/big.har" 2> "$DIR/big.time"
  status=$?
  set -e
  echo "big.har: exit $status"
  grep -E "Elapsed|Maximum resident" "$DIR/big.time" | tee -a "$OUT"
fi
