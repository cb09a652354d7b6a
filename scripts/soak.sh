#!/usr/bin/env bash
# Soak test (not run in CI): checks one large generated corpus again and again with the release
# binary and verifies, on every round, that the verdict counts are exactly the generated ones and
# that wall time and peak memory stay flat.
#
#   scripts/soak.sh [ROUNDS] [LINES]        # defaults: 20 rounds of 2,000,000 lines
#
# Needs /usr/bin/time (Debian package `time`: apt-get install -y time).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
lines=${2:-2000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet
bin=target/release/response-contract
[ -x /usr/bin/time ] || { echo "soak: needs /usr/bin/time (apt-get install -y time)" >&2; exit 2; }

# A deterministic corpus: 45% normal, 45% abnormal, 10% invalid (numeric codes, missing members,
# syntax errors), 1 blank line in 1000; plus a directory of small files. The generator counts
# what it wrote, so the expected summary is known exactly.
python3 - "$work" "$lines" <<'PY'
import json, os, random, sys
work, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(20261129)
valid = invalid = blank = 0
with open(os.path.join(work, "big.jsonl"), "w") as f:
    for i in range(n):
        if i % 1000 == 999:
            f.write("\n"); blank += 1; continue
        r = rng.random()
        if r < 0.45:
            f.write(json.dumps({"order_id": "CS%013d" % rng.randrange(10**13), "job_id": "%032x" % rng.getrandbits(128)}))
            valid += 1
        elif r < 0.90:
            f.write(json.dumps({"error": {"message": "Fail to parse request, reason: %s is missing." % rng.choice(["flavorRef", "imageRef", "name"]), "code": "BMS.%04d" % rng.randrange(1, 220)}}))
            valid += 1
        else:
            f.write(rng.choice(['{"error": {"message": "", "code": 400}}', '{"order_id": "x"}', '{"order_id": "x", "job_id": ']))
            invalid += 1
        f.write("\n")
os.makedirs(os.path.join(work, "files"))
for i in range(10000):
    with open(os.path.join(work, "files", "%05d.json" % i), "w") as f:
        f.write('{"order_id": "CS%05d", "job_id": "%032x"}' % (i, i))
with open(os.path.join(work, "expected"), "w") as f:
    f.write("%d checked: %d valid, %d invalid, 0 warnings, %d blank lines skipped\n" % (valid + invalid, valid, invalid, blank))
    f.write("10000 checked: 10000 valid, 0 invalid, 0 warnings\n")
PY

printf 'round  jsonl_wall_s  jsonl_peak_MiB  files_wall_s  files_peak_MiB\n'
for round in $(seq 1 "$rounds"); do
  /usr/bin/time -f '%e %M' -o "$work/t1" "$bin" check "$work/big.jsonl" > "$work/out1" || [ $? -eq 1 ]
  /usr/bin/time -f '%e %M' -o "$work/t2" "$bin" check "$work/files" > "$work/out2"
  got=$(tail -n 1 "$work/out1"; tail -n 1 "$work/out2")
  if [ "$got" != "$(cat "$work/expected")" ]; then
    echo "soak: round $round: counts differ" >&2
    diff <(echo "$got") "$work/expected" >&2
    exit 1
  fi
  # time(1) writes "Command exited with non-zero status 1" first when a payload is invalid.
  read -r w1 m1 < <(tail -n 1 "$work/t1"); read -r w2 m2 < <(tail -n 1 "$work/t2")
  printf '%5d  %12s  %14d  %12s  %14d\n' "$round" "$w1" $((m1 / 1024)) "$w2" $((m2 / 1024))
done
echo "soak: $rounds rounds, counts exact every round: $(head -n 1 "$work/expected")"
