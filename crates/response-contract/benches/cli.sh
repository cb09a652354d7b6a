#!/usr/bin/env bash
# Benchmarks of the `response-contract` command (issue 4), and the one command that regenerates
# benches/RESULTS.md.
#
#   benches/cli.sh              build the release binary, generate the inputs, time the CLI
#   benches/cli.sh --all        everything behind benches/RESULTS.md, in one go (about 12 minutes):
#                               `cargo bench --bench verdict`, `cargo bench --bench bulk` (criterion
#                               and interleaved medians), the CLI runs, --callgrind, then --table
#   benches/cli.sh --callgrind  instructions per call of every verdict method and per line of the
#                               bulk methods, counted by valgrind (deterministic, unlike times here)
#   benches/cli.sh --table      only rewrite benches/RESULTS.md from the results of the last runs
#                               (target/criterion: estimates, paired-*.tsv, cli-results.tsv,
#                               callgrind.tsv, load.txt)
#
# Inputs, generated deterministically into $RC_BENCH_DIR (default: a fresh temp dir, removed at
# the end unless RC_BENCH_KEEP=1):
#   big.jsonl   1,000,000 JSON Lines, 45% normal / 45% abnormal / 10% invalid: byte for byte the
#               lines of benches/bulk.rs (same SplitMix64 generator and seed; check with
#               `RC_BULK_DUMP=/tmp/rust.jsonl cargo bench --bench bulk && cmp /tmp/rust.jsonl big.jsonl`)
#   dir/        10,000 small files: the first 10,000 of those lines, one payload per file
#   one.json    one valid payload (the doc's normal example)
#   jobs.jsonl  1,000,000 JSON Lines of job-status bodies (issue 8), written by the bulk bench
#               binary (`RC_BULK_DUMP_JOBS`: one generator, in benches/bulk.rs)
#   order-id-response.bundled.schema.json
#               the Order ID Response's four documents as one compound document (the three
#               siblings embedded under `$defs`, each keeping its `$id`), for jsonschema-cli, which
#               is given no other way to resolve the relative `$ref`s without a network
#
# Issue 8's comparisons, in the same run:
#   - `check --contract job-status --lines jobs.jsonl` against the in-memory single-thread floor
#     on the same bytes, in turns (`RC_BULK_PAIRED_CLI` of benches/bulk.rs, 9 rounds):
#     target/criterion/paired-cli-jobs.tsv;
#   - `check .` against `jsonschema-cli SCHEMA -i FILE…` on the same files: those of dir/ that are
#     JSON, in dir-json/ (jsonschema-cli stops at the first file that is not JSON) (installed
#     with `cargo install jsonschema-cli --locked --root target/tools` when missing, run as
#     `jsonschema-cli validate --offline SCHEMA -i FILE…`; if the install
#     fails the comparison is skipped and the reason recorded), under hyperfine and in turns
#     (15 rounds): target/criterion/paired-cli-dir.tsv, cli-jsonschema.txt.
#
# Measured with /usr/bin/time -v (wall time, peak RSS) and, when installed, hyperfine (wall
# time, mean ± σ and median over several runs). On Debian/Ubuntu:
#   apt-get update && apt-get install -y time hyperfine
# The check's exit status is 1 when some payload is invalid (expected here: 10% are), so exit
# statuses 0 and 1 both count as a run; anything else aborts.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
# The workspace keeps one target directory, at its root (the command is the root package).
TARGET=$(cd ../.. && pwd)/target
BIN=$TARGET/release/response-contract
RESULTS=$ROOT/benches/RESULTS.md
CLI_OUT=$TARGET/criterion/cli-results.tsv   # name, best wall s, peak KiB, hyperfine median s, mean CPU s
IR_OUT=$TARGET/criterion/callgrind.tsv       # bench, payload or subset, method, instructions
LOAD_OUT=$TARGET/criterion/load.txt          # what else ran: load average and top CPU users per stage
PAIRED_JOBS=$TARGET/criterion/paired-cli-jobs.tsv   # per round: floor ns, CLI ns, exit
PAIRED_DIR=$TARGET/criterion/paired-cli-dir.tsv     # per round: ours ns, jsonschema-cli ns
JSCLI_NOTE=$TARGET/criterion/cli-jsonschema.txt     # jsonschema-cli: version, verdict check, or why skipped
TOOLS=$TARGET/tools                                 # where jsonschema-cli is installed when missing

snapshot() {
    mkdir -p "$(dirname "$LOAD_OUT")"
    {
        printf '%s: load average %s; busiest processes:' "$1" "$(cut -d' ' -f1-3 /proc/loadavg)"
        top -b -n 2 -d 1 -o %CPU | awk '/^top -/ { n++ } n == 2 && $1 ~ /^[0-9]+$/ && k < 3 { printf " %s (%s%% CPU)", $12, $9; k++ }'
        echo
    } >>"$LOAD_OUT"
}

mode=${1:-cli}

generate() {
    # $1: output dir. The same generator as benches/bulk.rs (keep the two in step).
    python3 - "$1" <<'PY'
import os, sys
out = sys.argv[1]
M = (1 << 64) - 1
state = 0x5EED200914152300

def nxt():
    global state
    state = (state + 0x9E3779B97F4A7C15) & M
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return z ^ (z >> 31)

def below(n):
    return nxt() % n

def order_id():
    digits = below(10_000_000_000)
    r = nxt()
    letters = "".join(chr(65 + ((r >> (8 * k)) & 0xFF) % 26) for k in range(5))
    return "CS%010d%s" % (digits, letters)

def job_id():
    high = nxt()
    low = nxt()
    return "%016x%016x" % (high, low)

FIELDS = ["flavorRef", "imageRef", "name", "availability_zone", "vpcid", "nics", "root_volume"]

def message():
    k = below(12)
    if k <= 3:
        return "Fail to parse request, reason: %s is missing." % FIELDS[below(7)]
    if k <= 7:
        return ""
    if k == 8:
        return "Insufficient quota."
    if k == 9:
        return "The server %08x does not exist." % (nxt() & 0xFFFFFFFF)
    if k == 10:
        return "Internal error, please retry later."
    return "Invalid token."

def code():
    return "BMS.%04d" % below(10_000)

def normal():
    o = order_id(); j = job_id()
    return '{"order_id": "%s", "job_id": "%s"}' % (o, j)

def abnormal():
    m = message(); c = code()
    return '{"error": {"message": "%s", "code": "%s"}}' % (m, c)

def invalid():
    k = below(9)
    if k == 0:
        m = message(); c = 400 + below(200)
        return '{"error": {"message": "%s", "code": %d}}' % (m, c)
    if k == 1:
        return '{"error": {"message": "%s"}}' % message()
    if k == 2:
        return '{"order_id": "%s"}' % order_id()
    if k == 3:
        line = normal()
        return line[: 1 + below(len(line) - 1)]
    if k == 4:
        o = order_id(); j = job_id()
        return '{"order_id": "%s", "job_id": "%s",}' % (o, j)
    if k == 5:
        o = order_id(); j = job_id(); m = message(); c = code()
        return ('{"order_id": "%s", "job_id": "%s", "error": {"message": "%s", "code": "%s"}}'
                % (o, j, m, c))
    if k == 6:
        return '{"order_id": null, "job_id": "%s"}' % job_id()
    if k == 7:
        a = order_id(); b = order_id(); j = job_id()
        return '{"order_id": "%s", "order_id": "%s", "job_id": "%s"}' % (a, b, j)
    return '{"error": "%s"}' % code()

lines = []
for _ in range(1_000_000):
    c = below(100)
    lines.append(normal() if c < 45 else abnormal() if c < 90 else invalid())

with open(os.path.join(out, "big.jsonl"), "w", newline="\n") as f:
    f.write("\n".join(lines))
    f.write("\n")
d = os.path.join(out, "dir")
os.makedirs(d, exist_ok=True)
for i, line in enumerate(lines[:10_000]):
    with open(os.path.join(d, "%05d.json" % i), "w") as f:
        f.write(line)
with open(os.path.join(out, "one.json"), "w") as f:
    f.write('{"order_id": "CS2009141523OQSEQ", "job_id": "ff808081748b760c01748b7f80370003"}')
PY
}

# One measured run under /usr/bin/time -v; prints "wall_s peak_kib exit". time -v reports wall
# time in centiseconds only, so the wall time is taken here in nanoseconds (it includes the
# fork and exec of /usr/bin/time itself: well under a millisecond; hyperfine's figure has none).
timed() {
    local log status start end
    log=$(mktemp)
    set +e
    start=$(date +%s%N)
    /usr/bin/time -v "$@" >/dev/null 2>"$log"
    status=$?
    end=$(date +%s%N)
    set -e
    if [ "$status" -gt 1 ]; then
        echo "command failed ($status): $*" >&2
        cat "$log" >&2
        exit 1
    fi
    awk -v status="$status" -v ns="$((end - start))" '
        /Maximum resident set size/ { rss = $NF }
        /Exit status/ { code = $NF }
        END { printf "%.4f %d %d\n", ns / 1e9, rss, code }' "$log"
    rm -f "$log"
}

run_cli() {
    command -v python3 >/dev/null || { echo "python3 is needed for the generator" >&2; exit 1; }
    [ -x /usr/bin/time ] || { echo "/usr/bin/time missing: apt-get update && apt-get install -y time" >&2; exit 1; }

    echo "== building the release binary" >&2
    cargo build --release -p response-contract-cli --bin response-contract >&2

    local dir=${RC_BENCH_DIR:-}
    if [ -z "$dir" ]; then
        dir=$(mktemp -d /tmp/rc-cli-bench.XXXXXX)
        # Expanded now: the trap runs after this function's locals are gone.
        # shellcheck disable=SC2064
        [ "${RC_BENCH_KEEP:-0}" = 1 ] || trap "rm -rf '$dir'" EXIT
    fi
    mkdir -p "$dir"
    if [ ! -s "$dir/big.jsonl" ] || [ ! -d "$dir/dir" ]; then
        echo "== generating inputs in $dir" >&2
        generate "$dir"
    fi
    local bulk
    bulk=$(bench_exe bulk)
    if [ ! -s "$dir/jobs.jsonl" ]; then
        RC_BULK_DUMP_JOBS="$dir/jobs.jsonl" "$bulk" --bench >&2
    fi
    bundle "$dir/order-id-response.bundled.schema.json"
    echo "big.jsonl: $(wc -c <"$dir/big.jsonl") bytes, $(wc -l <"$dir/big.jsonl") lines; jobs.jsonl: $(wc -c <"$dir/jobs.jsonl") bytes, $(wc -l <"$dir/jobs.jsonl") lines; dir/: $(ls "$dir/dir" | wc -l) files" >&2

    # Warm the page cache so that every run reads from memory, as a repeated run would.
    cat "$dir/big.jsonl" "$dir/jobs.jsonl" "$dir"/dir/* >/dev/null

    mkdir -p "$(dirname "$CLI_OUT")"
    : >"$CLI_OUT"
    local name target args
    for spec in "big:$dir/big.jsonl" "jobs:--contract job-status --lines $dir/jobs.jsonl" "dir:$dir/dir" "one:$dir/one.json"; do
        name=${spec%%:*}
        target=${spec#*:}
        read -ra args <<<"$target"
        echo "== $name: $BIN check $target" >&2
        # /usr/bin/time: best wall time of 5 runs, peak RSS of the same runs (the maximum).
        local best="" peak=0 line wall rss code
        for _ in 1 2 3 4 5; do
            line=$(timed "$BIN" check "${args[@]}")
            read -r wall rss code <<<"$line"
            echo "   time -v: wall ${wall}s, peak RSS ${rss} KiB, exit $code" >&2
            if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$wall; fi
            [ "$rss" -gt "$peak" ] && peak=$rss
        done
        local median=$'-\t-'
        if command -v hyperfine >/dev/null; then
            local json
            json=$(mktemp)
            local runs=10
            [ "$name" = one ] && runs=200
            [ "$name" = dir ] && runs=20
            [ "$name" = jobs ] && runs=10
            hyperfine -N --warmup 3 --runs "$runs" -i --export-json "$json" \
                "$BIN check $target" >&2
            median=$(python3 -c 'import json,sys; r = json.load(open(sys.argv[1]))["results"][0]; print("%.6f\t%.6f" % (r["median"], r["user"] + r["system"]))' "$json")
            rm -f "$json"
        else
            echo "   (hyperfine not installed: apt-get install -y hyperfine)" >&2
        fi
        printf '%s\t%s\t%s\t%s\n' "$name" "$best" "$peak" "$median" >>"$CLI_OUT"
    done
    cat "$CLI_OUT"

    echo "== job-status lines: the command and the in-memory floor in turns" >&2
    RC_BULK_PAIRED_CLI="$BIN,$dir/jobs.jsonl,9" "$bulk" --bench >"$PAIRED_JOBS"
    cat "$PAIRED_JOBS" >&2

    against_jsonschema_cli "$dir"
}

# The Order ID Response's documents as one compound document: the root, with each sibling
# embedded under `$defs` (it keeps its `$id`, so the root's relative `$ref`s resolve to it).
bundle() {
    python3 - "$ROOT/schemas" "$1" <<'PY'
import json, os, sys
src, out = sys.argv[1:3]
load = lambda name: json.load(open(os.path.join(src, name)))
root = load("order-id-response.schema.json")
defs = root.setdefault("$defs", {})
for name in ["normal-response.schema.json", "abnormal-response.schema.json", "error.schema.json"]:
    doc = load(name)
    doc.pop("$schema", None)
    defs["bundled:" + name] = doc
json.dump(root, open(out, "w"), indent=2)
PY
}

# jsonschema-cli, installed under target/tools when missing; prints its path, or nothing (and
# writes why to $JSCLI_NOTE) when it cannot be had.
jsonschema_cli() {
    local exe
    exe=$(command -v jsonschema-cli || true)
    [ -n "$exe" ] || exe=$TOOLS/bin/jsonschema-cli
    if [ ! -x "$exe" ]; then
        echo "== installing jsonschema-cli into $TOOLS (a few minutes)" >&2
        mkdir -p "$TOOLS"
        if ! cargo install jsonschema-cli --locked --root "$TOOLS" >"$TOOLS/install.log" 2>&1; then
            echo "skipped: \`cargo install jsonschema-cli --locked\` failed: $(grep -m1 '^error' "$TOOLS/install.log" || tail -n 1 "$TOOLS/install.log")" >"$JSCLI_NOTE"
            cat "$JSCLI_NOTE" >&2
            return 0
        fi
    fi
    echo "$exe"
}

# 10,000 small files: `check dir/` against jsonschema-cli on the same files (verdicts compared
# first), under hyperfine and in turns.
against_jsonschema_cli() {
    local dir=$1 exe schema=$1/order-id-response.bundled.schema.json
    : >"$PAIRED_DIR"
    : >"$JSCLI_NOTE"
    exe=$(jsonschema_cli)
    [ -n "$exe" ] || return 0
    if ! python3 - "$BIN" "$exe" "$schema" "$dir/dir" "$PAIRED_DIR" "$JSCLI_NOTE" <<'PY'
import json, os, re, shutil, subprocess, sys, time
ours, theirs, schema, src, paired, note = sys.argv[1:7]
# jsonschema-cli stops at the first file that is not JSON (exit 3, the files after it unread),
# so both tools get the files of dir/ that are JSON, in their own directory.
d = src + "-json"
shutil.rmtree(d, ignore_errors=True)
os.makedirs(d)
for f in sorted(os.listdir(src)):
    text = open(os.path.join(src, f), "rb").read()
    try:
        json.loads(text)
    except ValueError:
        continue
    os.link(os.path.join(src, f), os.path.join(d, f))
files = sorted(f for f in os.listdir(d) if f.endswith(".json"))
skipped = len(os.listdir(src)) - len(files)
version = subprocess.run([theirs, "--version"], capture_output=True, text=True).stdout.strip()
ours_cmd = [ours, "check", "."]
theirs_cmd = [theirs, "validate", "--offline", schema, "-i"] + files
# The verdicts before the clock: which files each one accepts. serde_json (and so jsonschema-cli)
# keeps the last copy of a duplicate member where this library reports the duplicate; any other
# difference makes the comparison void.
r = subprocess.run(theirs_cmd, cwd=d, capture_output=True, text=True)
text = r.stdout + r.stderr
valid_theirs = set(re.findall(r"^(\S+\.json) - VALID$", text, re.M))
invalid_theirs = set(re.findall(r"^(\S+\.json) - INVALID", text, re.M))
if len(valid_theirs) + len(invalid_theirs) != len(files):
    sys.exit("jsonschema-cli did not judge every file (exit %d):\n%s" % (r.returncode, text[-2000:]))
h = subprocess.run(ours_cmd, cwd=d, capture_output=True, text=True)
bad_ours = set(os.path.basename(m) for m in re.findall(r"^(\S+\.json):\d+:\d+: error", h.stdout, re.M))
valid_ours = set(files) - bad_ours
differ = sorted(valid_ours ^ valid_theirs)
lines = {f: open(os.path.join(d, f)).read() for f in differ}
dup = [f for f in differ if len(re.findall(r'"(\w+)":', lines[f])) != len(set(re.findall(r'"(\w+)":', lines[f])))]
other = [f for f in differ if f not in dup]
msg = "%s; %d files (those of dir/ that are JSON); valid: ours %d, jsonschema-cli %d; differ on %d (duplicate members %d, other %d)" % (
    version, len(files), len(valid_ours), len(valid_theirs), len(differ), len(dup), len(other))
msg += "; %d files of dir/ left out (not JSON: jsonschema-cli stops at the first)" % skipped
print(msg, file=sys.stderr)
for f in other[:5]:
    print("  differs: %s: %s" % (f, lines[f]), file=sys.stderr)
if other:
    sys.exit("the two disagree on files other than duplicate members: not comparable")
open(note, "w").write(msg + "\n")
# In turns: each round runs ours, then theirs; wall time of each process.
out = []
for _ in range(15):
    row = []
    for cmd in (ours_cmd, theirs_cmd):
        t = time.perf_counter_ns()
        subprocess.run(cmd, cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        row.append(time.perf_counter_ns() - t)
    out.append("%d\t%d" % tuple(row))
open(paired, "w").write("\n".join(out) + "\n")
PY
    then
        echo "skipped: the verdict check before timing failed (see the log of benches/cli.sh)" >"$JSCLI_NOTE"
        : >"$PAIRED_DIR"
        return 0
    fi
    if command -v hyperfine >/dev/null; then
        local json files
        json=$TARGET/criterion/hyperfine-dir.json
        files=$(cd "$dir/dir-json" && printf ' %s' *.json)
        (cd "$dir/dir-json" && hyperfine -N --warmup 3 --runs 20 -i --export-json "$json" \
            "$BIN check ." "$exe validate --offline $schema -i$files" >&2)
    fi
}

bench_exe() {
    cargo bench --bench "$1" --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\))$/\1/p' | tail -n 1
}

# Instructions executed by one run of "$@" under callgrind; the bulk loop's "lines: N" line goes
# to fd 3. Only the benchmark's own process counts: criterion forks a child to look for gnuplot,
# which callgrind reports first, under its own pid.
instructions() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 |
        awk '/^==[0-9]+== Command:/ && !pid { pid = $1 }
             $1 == pid && /Collected :/ { ir = $NF }
             /^lines:/ { print > "/dev/fd/3" }
             END { print ir }'
}

run_callgrind() {
    command -v valgrind >/dev/null || { echo "valgrind missing: apt-get install -y valgrind" >&2; exit 1; }
    local verdict bulk
    verdict=$(bench_exe verdict)
    bulk=$(bench_exe bulk)
    mkdir -p "$(dirname "$IR_OUT")"
    : >"$IR_OUT"
    # Per call: (instructions with n = 2001) - (n = 1), over 2000; setup cancels out.
    local payload method one many
    for payload in normal abnormal numeric_code; do
        local methods="floor jsonschema_runtime jsonschema_macro fast_is_valid scan_is_valid lib_is_valid validate"
        [ "$payload" = numeric_code ] && methods="$methods validate_messages jsonschema_iter_errors_count jsonschema_iter_errors_messages jsonschema_macro_iter_errors_messages engine_report"
        for method in $methods; do
            one=$(RC_VERDICT_LOOP="$payload/$method/1" instructions "$verdict" --bench 3>/dev/null)
            many=$(RC_VERDICT_LOOP="$payload/$method/2001" instructions "$verdict" --bench 3>/dev/null)
            printf 'verdict\t%s\t%s\t%s\n' "$payload" "$method" "$(((many - one) / 2000))" | tee -a "$IR_OUT" >&2
        done
    done
    # Issue 8's cases (benches/verdict.rs `cases`).
    for payload in job_status job_status_broken user user_broken; do
        local methods="floor jsonschema_runtime fast_is_valid validate"
        case $payload in *_broken) methods="$methods jsonschema_iter_errors_count" ;; esac
        for method in $methods; do
            one=$(RC_VERDICT_LOOP="$payload/$method/1" instructions "$verdict" --bench 3>/dev/null)
            many=$(RC_VERDICT_LOOP="$payload/$method/2001" instructions "$verdict" --bench 3>/dev/null)
            printf 'verdict\t%s\t%s\t%s\n' "$payload" "$method" "$(((many - one) / 2000))" | tee -a "$IR_OUT" >&2
        done
    done
    # Per line over the first 20,000 bulk lines (the same mix), minus a run that only builds them.
    local lines=20000 subset base count total
    for subset in all valid invalid; do
        base=$(RC_BULK_LOOP="noop/$subset/$lines" instructions "$bulk" --bench 3>/dev/null)
        count=$(RC_BULK_LOOP="noop/$subset/$lines" instructions "$bulk" --bench 3>&1 >/dev/null | awk '{ print $2 }')
        for method in floor is_valid validate jsonschema_runtime; do
            total=$(RC_BULK_LOOP="$method/$subset/$lines" instructions "$bulk" --bench 3>/dev/null)
            printf 'bulk\t%s\t%s\t%s\t%s\n' "$subset" "$method" "$(((total - base) / count))" "$count" | tee -a "$IR_OUT" >&2
        done
    done
}

table() {
    python3 - "$ROOT" "$RESULTS" "$TARGET" <<'PY'
import json, os, subprocess, sys

root, results, target = sys.argv[1:4]
# Criterion runs the benches from the package root, so the benches' paired-*.tsv are under the
# package's target/criterion; criterion's estimates and this script's own files (cli-results.tsv,
# …) are under the workspace's target. Each file is read from wherever it is.
crit = os.path.join(root, "target", "criterion")
cli_dir = os.path.join(target, "criterion")

def found(name):
    for d in (crit, cli_dir):
        if os.path.exists(os.path.join(d, name)):
            return os.path.join(d, name)
    return os.path.join(crit, name)

def median(group, *parts):
    # Criterion's own estimates go to the workspace's target (cargo tells criterion where).
    for d in (cli_dir, crit):
        try:
            with open(os.path.join(d, group, *parts, "new", "estimates.json")) as f:
                return json.load(f)["median"]["point_estimate"]
        except FileNotFoundError:
            pass
    return None

def tsv(name):
    try:
        with open(found(name)) as f:
            return [l.rstrip("\n").split("\t") for l in f if l.strip()]
    except FileNotFoundError:
        return []

paired_v = {(r[0], r[1]): float(r[2]) for r in tsv("paired-verdict.tsv")}
paired_b = {r[0]: float(r[1]) for r in tsv("paired-bulk.tsv")}
cli = {r[0]: r[1:] for r in tsv("cli-results.tsv")}
ir = {tuple(r[:3]): r[3:] for r in tsv("callgrind.tsv")}
load = [" ".join(r) for r in tsv("load.txt")]
paired_bj = {r[0]: float(r[1]) for r in tsv("paired-bulk-job-status.tsv")}
paired_jobs = [tuple(map(float, r[:2])) for r in tsv("paired-cli-jobs.tsv")]
paired_dir = [tuple(map(float, r[:2])) for r in tsv("paired-cli-dir.tsv")]
def note(name):
    try:
        return open(found(name)).read().strip()
    except FileNotFoundError:
        return ""
def midpoint(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else None
def hyperfine(name):
    try:
        with open(found(name)) as f:
            return json.load(f)["results"]
    except FileNotFoundError:
        return []

def ns(x):
    if x is None:
        return "–"
    if x >= 1e9:
        return "%.3f s" % (x / 1e9)
    if x >= 1e6:
        return "%.1f ms" % (x / 1e6)
    if x >= 1e3:
        return "%.2f µs" % (x / 1e3)
    return "%.1f ns" % x

def ratio(a, b):
    return None if a is None or b is None else a / b

def rx(x):
    return "–" if x is None else "%.2f×" % x

def instr(*key):
    v = ir.get(key)
    return None if v is None else int(v[0])

def num(x):
    return "–" if x is None else "{:,}".format(x)

def sh(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()

out = []
w = out.append
w("# Benchmark results")
w("")
w("Medians from one run on a shared 2-core machine (other builds and a fuzzer running): compare")
w("ratios within a table, not absolute times across runs. Three views of the same methods:")
w("criterion medians (each method timed for 3 s, one after another); *interleaved* medians (the")
w("methods take turns in short blocks, so all see the same load: the ratios to trust); and")
w("instruction counts from callgrind (exact and repeatable, but not time). Regenerate everything with:")
w("")
w("```sh")
w("benches/cli.sh --all   # cargo bench --bench verdict && cargo bench --bench bulk, the CLI runs, callgrind, this file")
w("```")
w("")
w("Machine: `nproc` = %s, %s, %s." % (sh("nproc"), sh("lscpu | sed -n 's/^Model name: *//p'"), sh("rustc --version")))
w("")
w("```")
w("$ lscpu | head")
w(sh("lscpu | head"))
w("```")
w("")
dirty = sh("git status --porcelain -- src Cargo.toml Cargo.lock")
w("Library at commit `%s`%s." % (sh("git rev-parse --short HEAD"), " plus uncommitted changes in `src/`" if dirty else ""))
if load:
    w("Other work on the machine when each stage started (`top`, over one second):")
    w("")
    for l in load:
        w("- " + l)
w("")

payloads = [("normal", "normal"), ("abnormal", "abnormal"), ("numeric_code", "numeric code (invalid)")]
w("## One payload, raw bytes to verdict (`cargo bench --bench verdict`)")
w("")
w("(1) floor: `std::str::from_utf8` + `serde_json::from_slice::<IgnoredAny>`; (2) `serde_json::Value` +")
w("`jsonschema` 0.61 runtime `is_valid` on `schemas/`; (3) `Value` + `jsonschema` 0.60.2 compile-time")
w("(macro) validator `is_valid`; (4) this library: `Validator::is_valid` (fast path) and")
w("`Validator::validate` (full report). Criterion medians:")
w("")
w("| payload | (1) floor | (2) runtime | (3) macro | (4) `is_valid` | (4) `validate` | `response_contract::is_valid` |")
w("|---|---|---|---|---|---|---|")
for key, label in payloads:
    m = lambda meth: median("verdict", key, meth)
    w("| %s | %s | %s | %s | %s | %s | %s |" % (label, ns(m("floor")), ns(m("jsonschema_runtime")), ns(m("jsonschema_macro")),
                                              ns(m("fast_is_valid")), ns(m("validate")), ns(m("lib_is_valid"))))
w("")
w("Ratios (targets: `is_valid` ≤ 1.5× the floor; (2) ≥ 3× and (3) ≥ 2.5× slower than `is_valid`), each as")
w("interleaved / criterion / instructions:")
w("")
w("| payload | `is_valid` ÷ floor | (2) ÷ `is_valid` | (3) ÷ `is_valid` | `validate` ÷ floor |")
w("|---|---|---|---|---|")
def triple(key, a, b):
    p = ratio(paired_v.get((key, a)), paired_v.get((key, b)))
    c = ratio(median("verdict", key, a), median("verdict", key, b))
    i = ratio(instr("verdict", key, a), instr("verdict", key, b))
    return "**%s** / %s / %s" % (rx(p), rx(c), rx(i))
for key, label in payloads:
    w("| %s | %s | %s | %s | %s |" % (label, triple(key, "fast_is_valid", "floor"), triple(key, "jsonschema_runtime", "fast_is_valid"),
                                     triple(key, "jsonschema_macro", "fast_is_valid"), triple(key, "validate", "floor")))
w("")
w("Interleaved medians (2,000 calls per block, 300 rounds):")
w("")
w("| payload | (1) floor | (2) runtime | (3) macro | (4) `is_valid` | (4) `validate` |")
w("|---|---|---|---|---|---|")
for key, label in payloads:
    p = lambda meth: paired_v.get((key, meth))
    w("| %s | %s | %s | %s | %s | %s |" % (label, ns(p("floor")), ns(p("jsonschema_runtime")), ns(p("jsonschema_macro")), ns(p("fast_is_valid")), ns(p("validate"))))
w("")
w("Remembered shapes: `is_valid` as above (after the first call, every payload of a bench has a")
w("shape the plan remembers) against the same validator with `remember_shapes(false)`, which scans")
w("every payload, and the floor, in turns. The last two rows take the next payload of a set at each")
w("call: 16 normal responses laid out alike with values of 1 to 40 characters, and 64 normal")
w("responses spaced in 64 ways, more than the 8 shapes a plan keeps (mostly misses):")
w("")
w("| payloads | (1) floor | `is_valid` | ÷ floor | scan only | ÷ floor | `is_valid` ÷ scan only (instructions) |")
w("|---|---|---|---|---|---|---|")
for key, label in payloads + [("normal_values", "16 values, one layout"), ("normal_layouts", "64 layouts")]:
    p = lambda meth: paired_v.get((key, meth))
    w("| %s | %s | %s | %s | %s | %s | %s (%s) |" % (label, ns(p("floor")), ns(p("fast_is_valid")), rx(ratio(p("fast_is_valid"), p("floor"))),
        ns(p("scan_is_valid")), rx(ratio(p("scan_is_valid"), p("floor"))), rx(ratio(p("fast_is_valid"), p("scan_is_valid"))),
        rx(ratio(instr("verdict", key, "fast_is_valid"), instr("verdict", key, "scan_is_valid")))))
w("")
w("Error reports on the numeric-code payload (5), from the same bytes; the jsonschema rows include the")
w("`Value` parse (target: the located report ≤ 1 µs and faster than `iter_errors`):")
w("")
w("| method | criterion median | ÷ `validate` | instructions | ÷ `validate` |")
w("|---|---|---|---|---|")
base = median("verdict", "numeric_code", "validate")
ibase = instr("verdict", "numeric_code", "validate")
for method, label in [
    ("validate", "`Validator::validate`: the full located report"),
    ("validate_messages", "`Validator::validate` + one `line:column: message` string per violation"),
    ("jsonschema_iter_errors_count", "jsonschema runtime `iter_errors(&value).count()` (unlocated)"),
    ("jsonschema_iter_errors_messages", "jsonschema runtime `iter_errors`, messages collected as `Vec<String>`"),
    ("jsonschema_macro_iter_errors_messages", "jsonschema macro `iter_errors`, messages collected as `Vec<String>`"),
    ("engine_report", "`Schema::order_id_response().validate` (this library's report via the engine)"),
]:
    m = median("verdict", "numeric_code", method)
    i = instr("verdict", "numeric_code", method)
    w("| %s | %s | %s | %s | %s |" % (label, ns(m), rx(ratio(m, base)), num(i), rx(ratio(i, ibase))))
w("")

cases = [("job_status", "job status, the page's example (valid)"), ("job_status_broken", "job status, broken (enum + integer as string)"),
         ("user", "user schema, valid"), ("user_broken", "user schema, broken (enum + integer as string)")]
w("## Issue 8: the job status and a user's schema (`cargo bench --bench verdict`)")
w("")
w("The **job status** contract (`Validator::new().contract(Contract::JobStatus)`) on the page's own example (the first")
w("`examples` entry of the embedded `job-status/job-status.schema.json`, compact, 537 bytes) and on the same with `status`")
w("outside its enum and `sub_jobs_total` as a string; a **user's schema** of similar size,")
w("`benches/fixtures/shipment.schema.json` (nested objects, an array of objects, bounded integers, an enum, patterns, `$ref`s")
w("to `$defs`), through `Schema::from_json`, on `shipment.valid.json` and `shipment.broken.json` (an enum violation and an")
w("integer as a string; 490 bytes). (2) is `Value` + `jsonschema` 0.61 `is_valid` on the same schema (job status: a registry")
w("of `response_contract::documents()`, root `job-status/job-status.schema.json`). Criterion medians, then interleaved")
w("medians (1,000 calls per block, 300 rounds):")
w("")
w("| payload | (1) floor | (2) runtime | (4) `is_valid` | (4) `validate` | jsonschema `iter_errors().count()` |")
w("|---|---|---|---|---|---|")
for key, label in cases:
    m = lambda meth: median("verdict", key, meth)
    w("| %s | %s | %s | %s | %s | %s |" % (label, ns(m("floor")), ns(m("jsonschema_runtime")), ns(m("fast_is_valid")),
                                         ns(m("validate")), ns(m("jsonschema_iter_errors_count"))))
for key, label in cases:
    p = lambda meth: paired_v.get((key, meth))
    w("| %s (interleaved) | %s | %s | %s | %s | %s |" % (label, ns(p("floor")), ns(p("jsonschema_runtime")), ns(p("fast_is_valid")),
                                                       ns(p("validate")), ns(p("jsonschema_iter_errors_count"))))
w("")
w("Ratios, each as interleaved / criterion / instructions:")
w("")
w("| payload | (2) ÷ `is_valid` (target ≥ 5×) | `is_valid` ÷ floor | `validate` ÷ floor | `iter_errors` ÷ `validate` (target > 1×) |")
w("|---|---|---|---|---|")
for key, label in cases:
    broken = key.endswith("broken")
    w("| %s | %s | %s | %s | %s |" % (label, triple(key, "jsonschema_runtime", "fast_is_valid"), triple(key, "fast_is_valid", "floor"),
                                     triple(key, "validate", "floor"),
                                     triple(key, "jsonschema_iter_errors_count", "validate") if broken else "–"))
w("")
w("## 1,000,000 JSON Lines in memory (`cargo bench --bench bulk`)")
w("")
w("45% normal, 45% abnormal, 10% invalid (numeric codes, missing members, syntax errors, …; 75.7 MB),")
w("split on `\\n` before timing; times are for all the lines. Criterion median, then interleaved")
w("median (9 rounds), each with its ratio to the floor run the same way:")
w("")
w("| method | criterion | ÷ floor | interleaved | ÷ floor | lines/s (interleaved) |")
w("|---|---|---|---|---|---|")
for method, label, floor in [
    ("floor", "(1) floor, 1 thread", "floor"),
    ("is_valid", "`Validator::is_valid`, 1 thread", "floor"),
    ("validate", "`Validator::validate`, 1 thread", "floor"),
    ("jsonschema_runtime", "(2) `Value` + jsonschema runtime, 1 thread", "floor"),
    ("floor_par", "(1) floor, rayon on all cores", "floor_par"),
    ("is_valid_par", "`Validator::is_valid`, rayon", "floor_par"),
    ("validate_par", "`Validator::validate`, rayon", "floor_par"),
]:
    c = median("bulk", method); p = paired_b.get(method)
    rate = "–" if p is None else "%.2f M" % (1e9 / p)
    w("| %s | %s | %s | %s | %s | %s |" % (label, ns(c), rx(ratio(c, median("bulk", floor))), ns(p), rx(ratio(p, paired_b.get(floor))), rate))
for method, label in [
    ("lines_batches", "`lines::Batches` over the buffer (splitting only, 1 thread)"),
    ("lines_batches_is_valid_par", "`lines::Batches` + `is_valid` per batch with rayon"),
]:
    c = median("bulk", method)
    w("| %s | %s | %s | – | – | – |" % (label, ns(c), rx(ratio(c, median("bulk", "floor_par")))))
w("")
w("Speed-up on all cores (1 thread ÷ rayon, interleaved): floor %s, `is_valid` %s, `validate` %s. The floor's"
  " own speed-up is what the machine's cores gave during the run (other processes share them)." % (
    rx(ratio(paired_b.get("floor"), paired_b.get("floor_par"))),
    rx(ratio(paired_b.get("is_valid"), paired_b.get("is_valid_par"))),
    rx(ratio(paired_b.get("validate"), paired_b.get("validate_par")))))
w("")
if ir:
    w("Instructions per line (callgrind, first 20,000 lines):")
    w("")
    w("| lines | count | (1) floor | `is_valid` | `validate` | (2) runtime | `is_valid` ÷ floor |")
    w("|---|---|---|---|---|---|---|")
    for subset in ["all", "valid", "invalid"]:
        row = ir.get(("bulk", subset, "floor"))
        cnt = row[1] if row and len(row) > 1 else "–"
        f = instr("bulk", subset, "floor"); iv = instr("bulk", subset, "is_valid")
        w("| %s | %s | %s | %s | %s | %s | %s |" % (subset, cnt, num(f), num(iv), num(instr("bulk", subset, "validate")),
                                                 num(instr("bulk", subset, "jsonschema_runtime")), rx(ratio(iv, f))))
    w("")

w("### 1,000,000 job-status lines (issue 8)")
w("")
w("75% job statuses (0–2 `sub_jobs`), 10% error bodies, 15% broken in nine ways (enum, integer as string, missing")
w("members, a number for `error_code`, truncated lines, both a status and `error`, a duplicate member), from a seeded")
w("generator in `benches/bulk.rs`; the same bytes as the CLI's `jobs.jsonl`. One thread; criterion median, then interleaved")
w("median (5 rounds):")
w("")
w("| method | criterion | ÷ floor | interleaved | ÷ floor | lines/s (interleaved) |")
w("|---|---|---|---|---|---|")
for method, label in [("floor", "(1) floor"), ("is_valid", "`Validator::is_valid` (job status)"),
                      ("validate", "`Validator::validate` (job status)"), ("jsonschema_runtime", "(2) `Value` + jsonschema runtime")]:
    c = median("bulk_job_status", method); p = paired_bj.get(method)
    rate = "–" if p is None else "%.2f M" % (1e15 / p / 1e6)
    w("| %s | %s | %s | %s | %s | %s |" % (label, ns(c), rx(ratio(c, median("bulk_job_status", "floor"))), ns(p),
                                         rx(ratio(p, paired_bj.get("floor"))), rate))
w("")
w("## The command (`benches/cli.sh`)")
w("")
w("`target/release/response-contract check PATH > /dev/null`, inputs in the page cache. Wall time:")
w("hyperfine's median (10 runs for the big file, 20 for the directory, 200 for one file); in brackets the")
w("best of 5 runs under `/usr/bin/time -v`, timed by the script (that one includes starting `time`).")
w("Peak RSS: the largest of those 5.")
w("")
w("CPU: hyperfine's mean user + system time, the work done whatever the other processes leave free.")
w("")
w("| input | wall (hyperfine median) | [best of 5] | CPU (user + sys) | peak RSS | target |")
w("|---|---|---|---|---|---|")
targets = {"big": "≤ 0.25 s, < 64 MiB", "dir": "≤ 75 ms", "one": "≤ 2.4 ms", "jobs": "≤ 2.5× the floor (below)"}
labels = {"big": "1,000,000-line JSONL file (75.7 MB)", "dir": "10,000 small files (a directory)", "one": "one small file",
          "jobs": "1,000,000 job-status lines, `--contract job-status --lines`"}
for name in ["big", "jobs", "dir", "one"]:
    if name not in cli:
        continue
    wall, rss, med, cpu = (cli[name] + ["-"])[:4]
    medtxt = "–" if med == "-" else "%.1f ms" % (float(med) * 1e3)
    cputxt = "–" if cpu == "-" else "%.1f ms" % (float(cpu) * 1e3)
    w("| %s | %s | [%.1f ms] | %s | %.1f MiB | %s |" % (labels[name], medtxt, float(wall) * 1e3, cputxt, int(rss) / 1024, targets[name]))
if not cli:
    w("| (not run) | | | | | |")
w("")
w("### Issue 8: the command against the in-memory floor and against jsonschema-cli")
w("")
if paired_jobs:
    f = [a for a, b in paired_jobs]; c = [b for a, b in paired_jobs]
    rs = [b / a for a, b in paired_jobs]
    w("`check --contract job-status --lines jobs.jsonl > /dev/null` (the whole process: start, read, check, report the")
    w("invalid lines) and the in-memory single-thread floor over the same lines (UTF-8 + `IgnoredAny` per line, the file")
    w("already read and split), in turns, %d rounds (`RC_BULK_PAIRED_CLI`): floor median %s, command median %s; the" % (len(rs), ns(midpoint(f)), ns(midpoint(c))))
    w("median of the per-round ratios **%s** (range %s–%s; target ≤ 2.5×)." % (rx(midpoint(rs)), rx(min(rs)), rx(max(rs))))
    w("")
jn = note("cli-jsonschema.txt")
if jn.startswith("skipped"):
    w("10,000 small files against jsonschema-cli: %s" % jn)
elif paired_dir:
    rs = [b / a for a, b in paired_dir]
    w("Small files (the Order ID Response payloads of `dir/` that are JSON: jsonschema-cli stops at the first file that is not,")
    w("exit 3, leaving the rest unread, so both get only those, hard-linked into `dir-json/`): `response-contract check .` against")
    w("`jsonschema-cli validate --offline order-id-response.bundled.schema.json -i 00000.json …` on the same files (the four documents as")
    w("one compound document, so that nothing is fetched). Verdicts first: %s. In turns, %d rounds (each process's" % (jn, len(rs)))
    w("wall time): ours median %s, jsonschema-cli median %s; the median of the per-round ratios **%s** (range %s–%s; target ≥ 2×)."
      % (ns(midpoint([a for a, b in paired_dir])), ns(midpoint([b for a, b in paired_dir])), rx(midpoint(rs)), rx(min(rs)), rx(max(rs))))
    hf = hyperfine("hyperfine-dir.json")
    if len(hf) == 2:
        w("Under hyperfine (20 runs each, one command after the other): ours median %s (CPU %s), jsonschema-cli median %s (CPU %s): %s."
          % (ns(hf[0]["median"] * 1e9), ns((hf[0]["user"] + hf[0]["system"]) * 1e9), ns(hf[1]["median"] * 1e9),
             ns((hf[1]["user"] + hf[1]["system"]) * 1e9), rx(hf[1]["median"] / hf[0]["median"])))
else:
    w("10,000 small files against jsonschema-cli: not run.")
w("")

w("## Against the targets of issue 4")
w("")
w("Ratios judged on the interleaved medians (criterion's and the instruction counts' in brackets).")
w("")
w("| target | measured | verdict |")
w("|---|---|---|")
def judge(label, value, limit, fmt, lower=True, absolute=False, extra=""):
    if value is None:
        w("| %s | – | not measured |" % label)
        return
    ok = value <= limit if lower else value >= limit
    factor = value / limit if lower else limit / value
    if ok:
        verdict = "met"
    elif absolute:
        verdict = "**missed** by %.2f× (%s over)" % (factor, fmt(value - limit))
    else:
        verdict = "**missed** by %.2f×" % factor
    w("| %s | %s%s | %s |" % (label, fmt(value), extra, verdict))
def vr(key, a, b):
    p = ratio(paired_v.get((key, a)), paired_v.get((key, b)))
    c = ratio(median("verdict", key, a), median("verdict", key, b))
    i = ratio(instr("verdict", key, a), instr("verdict", key, b))
    return (p if p is not None else c), " (%s, %s)" % (rx(c), rx(i))
for key, label in payloads:
    v, e = vr(key, "fast_is_valid", "floor"); judge("%s: `is_valid` ≤ 1.5× floor" % label, v, 1.5, rx, extra=e)
    v, e = vr(key, "jsonschema_runtime", "fast_is_valid"); judge("%s: ≥ 3× faster than (2) runtime" % label, v, 3.0, rx, lower=False, extra=e)
    v, e = vr(key, "jsonschema_macro", "fast_is_valid"); judge("%s: ≥ 2.5× faster than (3) macro" % label, v, 2.5, rx, lower=False, extra=e)
rep = median("verdict", "numeric_code", "validate")
prep = paired_v.get(("numeric_code", "validate"))
judge("numeric code: full located report ≤ 1 µs", prep if prep is not None else rep, 1000.0, ns, absolute=True,
      extra=" (criterion %s)" % ns(rep))
cnt = median("verdict", "numeric_code", "jsonschema_iter_errors_count")
judge("numeric code: report faster than jsonschema `iter_errors().count()` (criterion)", ratio(cnt, rep), 1.0, rx, lower=False,
      extra=" (%s in instructions)" % rx(ratio(instr("verdict", "numeric_code", "jsonschema_iter_errors_count"), ibase)))
bi = lambda a, b: ratio(paired_b.get(a), paired_b.get(b))
bc = lambda a, b: ratio(median("bulk", a), median("bulk", b))
judge("bulk, 1 thread: `is_valid` ≤ 1.5× floor", bi("is_valid", "floor"), 1.5, rx,
      extra=" (%s, %s)" % (rx(bc("is_valid", "floor")), rx(ratio(instr("bulk", "all", "is_valid"), instr("bulk", "all", "floor")))))
judge("bulk, 1 thread: `validate` ≤ 1.5× floor", bi("validate", "floor"), 1.5, rx,
      extra=" (%s, %s)" % (rx(bc("validate", "floor")), rx(ratio(instr("bulk", "all", "validate"), instr("bulk", "all", "floor")))))
judge("bulk, all cores: `is_valid` ≤ 1.5× floor", bi("is_valid_par", "floor_par"), 1.5, rx, extra=" (%s)" % rx(bc("is_valid_par", "floor_par")))
judge("bulk: near-linear on 2 cores (`is_valid` speed-up ≥ 1.8×)", bi("is_valid", "is_valid_par"), 1.8, rx, lower=False,
      extra=" (%s)" % rx(bc("is_valid", "is_valid_par")))
def wall(name):
    row = cli.get(name)
    if not row:
        return None
    return float(row[2]) if row[2] != "-" else float(row[0])
secs = lambda x: "%.1f ms" % (x * 1e3)
judge("CLI: 1,000,000-line file ≤ 0.25 s wall", wall("big"), 0.25, secs, absolute=True)
judge("CLI: 1,000,000-line file peak RSS < 64 MiB", None if "big" not in cli else int(cli["big"][1]) / 1024, 64.0,
      lambda x: "%.1f MiB" % x, absolute=True)
judge("CLI: 10,000 small files ≤ 75 ms", wall("dir"), 0.075, secs, absolute=True)
judge("CLI: one small file ≤ 2.4 ms (whole process)", wall("one"), 0.0024, secs, absolute=True)
w("")
w("## Against the targets of issue 8")
w("")
w("Ratios judged on the interleaved medians (criterion's and the instruction counts' in brackets).")
w("")
w("| target | measured | verdict |")
w("|---|---|---|")
for key, label in payloads:
    v, e = vr(key, "fast_is_valid", "floor"); judge("Order ID, %s: `is_valid` ≤ 0.7× floor" % label, v, 0.7, rx, extra=e)
for key, label in payloads:
    v, e = vr(key, "scan_is_valid", "floor")
    w("| (context) Order ID, %s: `is_valid` scanning every payload (`remember_shapes(false)`) ÷ floor | %s%s | not a target |" % (label, rx(v), e))
judge("Order ID, numeric code: located report ≤ 0.8 µs", prep if prep is not None else rep, 800.0, ns, absolute=True,
      extra=" (criterion %s)" % ns(rep))
v, e = vr("numeric_code", "jsonschema_iter_errors_count", "validate")
judge("Order ID, numeric code: report ≥ 2.5× faster than `iter_errors().count()`", v, 2.5, rx, lower=False, extra=e)
for key, label in cases:
    v, e = vr(key, "jsonschema_runtime", "fast_is_valid"); judge("%s: verdict ≥ 5× faster than (2) runtime" % label, v, 5.0, rx, lower=False, extra=e)
    if key.endswith("broken"):
        v, e = vr(key, "jsonschema_iter_errors_count", "validate")
        judge("%s: located report faster than `iter_errors().count()`" % label, v, 1.0, rx, lower=False, extra=e)
judge("CLI: 1M job-status lines ≤ 2.5× the in-memory 1-thread floor (in turns)",
      midpoint([b / a for a, b in paired_jobs]) if paired_jobs else None, 2.5, rx,
      extra=(" (criterion floor: %s)" % rx(ratio(wall("jobs") * 1e9 if wall("jobs") else None, median("bulk_job_status", "floor")))))
if jn.startswith("skipped"):
    w("| CLI: 10,000 small files ≥ 2× faster than jsonschema-cli | – | not measured: %s |" % jn)
else:
    hf = hyperfine("hyperfine-dir.json")
    judge("CLI: 10,000 small files (those that are JSON) ≥ 2× faster (wall) than jsonschema-cli (in turns)",
          midpoint([b / a for a, b in paired_dir]) if paired_dir else None, 2.0, rx, lower=False,
          extra=(" (hyperfine %s)" % rx(hf[1]["median"] / hf[0]["median"])) if len(hf) == 2 else "")
w("")


if ir:
    w("## Instructions per call (callgrind)")
    w("")
    w("`benches/cli.sh --callgrind` runs each method in a plain loop under valgrind (`RC_VERDICT_LOOP`,")
    w("`RC_BULK_LOOP`; a run of 1 call is subtracted from one of 2,001).")
    w("")
    w("| payload | (1) floor | (2) runtime | (3) macro | (4) `is_valid` | (4) `validate` |")
    w("|---|---|---|---|---|---|")
    for key, label in payloads:
        w("| %s | %s | %s | %s | %s | %s |" % (label, num(instr("verdict", key, "floor")), num(instr("verdict", key, "jsonschema_runtime")),
                                             num(instr("verdict", key, "jsonschema_macro")), num(instr("verdict", key, "fast_is_valid")),
                                             num(instr("verdict", key, "validate"))))
    w("")

with open(results, "w") as f:
    f.write("\n".join(out))
print("\n".join(out))
PY
}

case "$mode" in
    cli | "") run_cli ;;
    --table) table ;;
    --callgrind) run_callgrind ;;
    --all)
        mkdir -p "$(dirname "$LOAD_OUT")"
        : >"$LOAD_OUT"
        cargo bench --bench verdict --no-run
        cargo bench --bench bulk --no-run
        snapshot "before verdict"
        cargo bench --bench verdict
        snapshot "before bulk"
        cargo bench --bench bulk
        snapshot "before the CLI runs"
        run_cli
        if command -v valgrind >/dev/null; then run_callgrind; else echo "valgrind missing: no instruction counts" >&2; : >"$IR_OUT"; fi
        table
        ;;
    *) echo "usage: benches/cli.sh [--all | --callgrind | --table]" >&2; exit 2 ;;
esac
