//! 1,000,000 JSON Lines in memory (45% normal, 45% abnormal, 10% invalid), every line checked;
//! ids are `bulk/<method>`, throughput in lines per second.
//!
//! The lines are built once, before timing, by a seeded SplitMix64 generator (the same algorithm
//! and seed as the generator in `benches/cli.sh`, so the in-memory and CLI runs see the same
//! bytes: `RC_BULK_DUMP=FILE cargo bench --bench bulk` writes them to FILE and exits, for a `cmp`).
//! They are split on `\n` with memchr once, also before timing: splitting is not what is
//! measured here, except in `lines_batches*`, which time the library's own reader.
//!
//! | method | per line, from `&[u8]` |
//! |---|---|
//! | `floor` | `std::str::from_utf8` + `serde_json::from_slice::<IgnoredAny>` |
//! | `is_valid` | a prebuilt `Validator::new().is_valid` |
//! | `validate` | `Validator::validate` (the full `Report`, dropped) |
//! | `*_par` | the same with rayon on all cores (`par_iter().filter(..).count()`) |
//! | `jsonschema_runtime` | `serde_json::from_slice::<Value>` + `jsonschema` 0.61 `is_valid` (a parse error is invalid) |
//! | `lines_batches` | `lines::Batches` over the whole buffer, counting lines (no check) |
//! | `lines_batches_is_valid_par` | `lines::Batches`, then each batch's lines checked with `is_valid` in parallel: the CLI's pipeline without I/O and output |
//!
//! After the criterion group, the single-thread and rayon methods run again interleaved (they
//! take turns, 9 rounds, so that all see the same load on a shared machine); their medians go to
//! `target/criterion/paired-bulk.tsv`, which `benches/cli.sh --table` puts next to criterion's.
//!
//! **Job status lines** (issue 8): 1,000,000 JSON Lines of job-status bodies (75% job statuses
//! with 0–2 `sub_jobs`, 10% error bodies, 15% broken: `status` outside its enum,
//! `sub_jobs_total` as a string, a missing `job_id`, a sub-job without `status`, a number for
//! `error_code`, a truncated line, both a status and `error`, a duplicate member, a top-level
//! `job_type` outside its enum), from their own seeded generator. Ids `bulk_job_status/<method>`
//! with the same single-thread methods against `Validator::new().contract(Contract::JobStatus)`;
//! interleaved medians (5 rounds, with `jsonschema_runtime`) in `paired-bulk-job-status.tsv`.
//! For the CLI runs of `benches/cli.sh`: `RC_BULK_DUMP_JOBS=FILE` writes these lines to FILE and
//! exits, and `RC_BULK_PAIRED_CLI=BIN,FILE,ROUNDS` reads FILE, then takes turns, ROUNDS times,
//! between the in-memory single-thread floor over its lines and a run of
//! `BIN check --contract job-status --lines FILE > /dev/null` (wall time of the whole process),
//! printing one `floor_ns cli_ns exit` line per round and exiting.
//!
//! Run: `cargo bench --bench bulk` (about 4 minutes). For instruction counts (deterministic, unlike
//! times on a shared machine), `RC_BULK_LOOP` runs one method once over a prefix of the lines
//! without criterion: see [`instruction_loop`] and `benches/cli.sh --callgrind`.

#![allow(clippy::print_stderr, clippy::print_stdout, clippy::exit)] // A benchmark binary: it reports on stderr (and stdout, in `RC_BULK_PAIRED_CLI`), and its loop modes exit.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;
use response_contract::Validator;
use response_contract::lines::Batches;
use serde::de::IgnoredAny;
use serde_json::Value;

const LINES: usize = 1_000_000;
const SEED: u64 = 0x5EED_2009_1415_2300;
const ORDER_ID_ROOT: &str = "order-id-response.schema.json";
const JOB_STATUS_ROOT: &str = "job-status/job-status.schema.json";

/// SplitMix64: tiny, seedable, and easy to reproduce bit for bit in Python.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// `CS` + 10 digits + 5 capital letters, like `CS2009141523OQSEQ`.
    fn order_id(&mut self) -> String {
        let digits = self.below(10_000_000_000);
        let r = self.next();
        let letters: String = (0..5)
            .map(|k| char::from(b'A' + ((r >> (8 * k)) & 0xff) as u8 % 26))
            .collect();
        format!("CS{digits:010}{letters}")
    }

    /// 32 lower-case hex digits, like `ff808081748b760c01748b7f80370003`.
    fn job_id(&mut self) -> String {
        let high = self.next();
        let low = self.next();
        format!("{high:016x}{low:016x}")
    }

    fn message(&mut self) -> String {
        const FIELDS: [&str; 7] = [
            "flavorRef",
            "imageRef",
            "name",
            "availability_zone",
            "vpcid",
            "nics",
            "root_volume",
        ];
        match self.below(12) {
            0..=3 => {
                let field = FIELDS[self.below(7) as usize];
                format!("Fail to parse request, reason: {field} is missing.")
            }
            4..=7 => String::new(),
            8 => "Insufficient quota.".to_owned(),
            9 => {
                let server = self.next() & 0xffff_ffff;
                format!("The server {server:08x} does not exist.")
            }
            10 => "Internal error, please retry later.".to_owned(),
            _ => "Invalid token.".to_owned(),
        }
    }

    fn code(&mut self) -> String {
        let n = self.below(10_000);
        format!("BMS.{n:04}")
    }

    fn normal(&mut self) -> String {
        let order_id = self.order_id();
        let job_id = self.job_id();
        format!(r#"{{"order_id": "{order_id}", "job_id": "{job_id}"}}"#)
    }

    fn abnormal(&mut self) -> String {
        let message = self.message();
        let code = self.code();
        format!(r#"{{"error": {{"message": "{message}", "code": "{code}"}}}}"#)
    }

    /// Nine ways to break the contract: numeric code, missing members, syntax errors, both
    /// variants at once, null, a duplicate member, a string where the error object belongs.
    fn invalid(&mut self) -> String {
        match self.below(9) {
            0 => {
                let message = self.message();
                let code = 400 + self.below(200);
                format!(r#"{{"error": {{"message": "{message}", "code": {code}}}}}"#)
            }
            1 => {
                let message = self.message();
                format!(r#"{{"error": {{"message": "{message}"}}}}"#)
            }
            2 => {
                let order_id = self.order_id();
                format!(r#"{{"order_id": "{order_id}"}}"#)
            }
            3 => {
                let mut line = self.normal();
                let cut = 1 + self.below(line.len() as u64 - 1) as usize;
                line.truncate(cut);
                line
            }
            4 => {
                let order_id = self.order_id();
                let job_id = self.job_id();
                format!(r#"{{"order_id": "{order_id}", "job_id": "{job_id}",}}"#)
            }
            5 => {
                let order_id = self.order_id();
                let job_id = self.job_id();
                let message = self.message();
                let code = self.code();
                format!(
                    r#"{{"order_id": "{order_id}", "job_id": "{job_id}", "error": {{"message": "{message}", "code": "{code}"}}}}"#
                )
            }
            6 => {
                let job_id = self.job_id();
                format!(r#"{{"order_id": null, "job_id": "{job_id}"}}"#)
            }
            7 => {
                let first = self.order_id();
                let second = self.order_id();
                let job_id = self.job_id();
                format!(
                    r#"{{"order_id": "{first}", "order_id": "{second}", "job_id": "{job_id}"}}"#
                )
            }
            _ => {
                let code = self.code();
                format!(r#"{{"error": "{code}"}}"#)
            }
        }
    }
}

/// The seed of the job-status lines (a generator of their own: no twin in `benches/cli.sh`, which
/// asks this binary for the bytes with `RC_BULK_DUMP_JOBS`).
const JOB_SEED: u64 = 0x5EED_2019_0425_2004;

const STATUSES: [&str; 4] = ["SUCCESS", "RUNNING", "FAIL", "INIT"];
const JOB_TYPES: [&str; 4] = [
    "baremetalBatchCreate",
    "baremetalBatchOperate",
    "baremetalAttachVolume",
    "baremetalDetachVolume",
];
const SUB_JOB_TYPES: [&str; 2] = ["baremetalSingleCreate", "baremetalSingleOperate"];

/// `{"name": value, …}` from members written as raw JSON values.
fn object(members: &[(&str, String)]) -> String {
    let inner: Vec<String> = members
        .iter()
        .map(|(name, value)| format!(r#""{name}": {value}"#))
        .collect();
    format!("{{{}}}", inner.join(", "))
}

fn quoted(text: &str) -> String {
    format!(r#""{text}""#)
}

impl Rng {
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len() as u64) as usize]
    }

    /// Like `2019-04-25T20:04:34.604Z`.
    fn timestamp(&mut self) -> String {
        let month = 1 + self.below(12);
        let day = 1 + self.below(28);
        let (h, m, s, ms) = (
            self.below(24),
            self.below(60),
            self.below(60),
            self.below(1000),
        );
        format!("2019-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{ms:03}Z")
    }

    /// Like `bae51750-0089-41a1-9b18-5c777978ff6d`.
    fn uuid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xffff,
            b >> 48,
            b & 0xffff_ffff_ffff
        )
    }

    /// `error_code` and `fail_reason`: strings for a failed task, else `null`.
    fn failure(&mut self, status: &str) -> (String, String) {
        if status == "FAIL" {
            let code = self.code();
            (quoted(&code), quoted("Insufficient quota."))
        } else {
            ("null".to_owned(), "null".to_owned())
        }
    }

    /// The members of a sub-job (Table 3), `status` last.
    fn sub_job(&mut self) -> Vec<(&'static str, String)> {
        let status = self.pick(&STATUSES);
        let (error_code, fail_reason) = self.failure(status);
        let entity = if self.below(4) == 0 {
            "nic_id"
        } else {
            "server_id"
        };
        let uuid = self.uuid();
        vec![
            ("begin_time", quoted(&self.timestamp())),
            ("end_time", quoted(&self.timestamp())),
            ("entities", object(&[(entity, quoted(&uuid))])),
            ("error_code", error_code),
            ("fail_reason", fail_reason),
            ("job_id", quoted(&self.job_id())),
            ("job_type", quoted(self.pick(&SUB_JOB_TYPES))),
            ("status", quoted(status)),
        ]
    }

    /// The members of a job status, `status` last; `broken_sub_job` drops a sub-job's `status`
    /// (adding a sub-job if there was none), `total_as_string` writes `sub_jobs_total` as `"N"`.
    fn job_status(
        &mut self,
        broken_sub_job: bool,
        total_as_string: bool,
    ) -> Vec<(&'static str, String)> {
        let mut count = match self.below(100) {
            0..35 => 0,
            35..85 => 1,
            _ => 2,
        };
        if broken_sub_job && count == 0 {
            count = 1;
        }
        let mut sub_jobs: Vec<String> = Vec::with_capacity(count);
        for k in 0..count {
            let mut members = self.sub_job();
            if broken_sub_job && k == 0 {
                members.pop();
            }
            sub_jobs.push(object(&members));
        }
        let total = if total_as_string {
            quoted(&count.to_string())
        } else {
            count.to_string()
        };
        let status = self.pick(&STATUSES);
        let (error_code, fail_reason) = self.failure(status);
        vec![
            ("begin_time", quoted(&self.timestamp())),
            ("end_time", quoted(&self.timestamp())),
            (
                "entities",
                object(&[
                    ("sub_jobs", format!("[{}]", sub_jobs.join(", "))),
                    ("sub_jobs_total", total),
                ]),
            ),
            ("error_code", error_code),
            ("fail_reason", fail_reason),
            ("job_id", quoted(&self.job_id())),
            ("job_type", quoted(self.pick(&JOB_TYPES))),
            ("status", quoted(status)),
        ]
    }

    /// One line: 75% job statuses, 10% error bodies, 15% broken in nine ways.
    fn job_status_line(&mut self) -> String {
        match self.below(100) {
            0..75 => object(&self.job_status(false, false)),
            75..85 => self.abnormal(),
            _ => match self.below(9) {
                0 => {
                    let mut m = self.job_status(false, false);
                    m.last_mut().expect("status").1 = quoted("DONE");
                    object(&m)
                }
                1 => object(&self.job_status(false, true)),
                2 => {
                    let mut m = self.job_status(false, false);
                    m.retain(|(name, _)| *name != "job_id");
                    object(&m)
                }
                3 => object(&self.job_status(true, false)),
                4 => {
                    let mut m = self.job_status(false, false);
                    m[3].1 = (400 + self.below(200)).to_string();
                    object(&m)
                }
                5 => {
                    let mut line = object(&self.job_status(false, false));
                    let cut = 1 + self.below(line.len() as u64 - 1) as usize;
                    line.truncate(cut);
                    line
                }
                6 => {
                    let mut m = self.job_status(false, false);
                    let code = self.code();
                    m.push((
                        "error",
                        object(&[("message", quoted("")), ("code", quoted(&code))]),
                    ));
                    object(&m)
                }
                7 => {
                    let mut m = self.job_status(false, false);
                    m.push(("status", quoted("RUNNING")));
                    object(&m)
                }
                _ => {
                    let mut m = self.job_status(false, false);
                    m[6].1 = quoted("baremetalSingleCreate");
                    object(&m)
                }
            },
        }
    }
}

/// The first `count` job-status lines, one `\n` after every line.
fn generate_job_status(count: usize) -> Vec<u8> {
    let mut rng = Rng(JOB_SEED);
    let mut data = Vec::with_capacity(count * 480);
    for _ in 0..count {
        data.extend_from_slice(rng.job_status_line().as_bytes());
        data.push(b'\n');
    }
    data
}

/// The first `count` lines as JSON Lines text, one `\n` after every line.
fn generate(count: usize) -> Vec<u8> {
    let mut rng = Rng(SEED);
    let mut data = Vec::with_capacity(count * 80);
    for _ in 0..count {
        let line = match rng.below(100) {
            0..45 => rng.normal(),
            45..90 => rng.abnormal(),
            _ => rng.invalid(),
        };
        data.extend_from_slice(line.as_bytes());
        data.push(b'\n');
    }
    data
}

fn split(data: &[u8]) -> Vec<&[u8]> {
    let mut lines = Vec::with_capacity(data.len() / 64);
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', data) {
        lines.push(&data[start..nl]);
        start = nl + 1;
    }
    if start < data.len() {
        lines.push(&data[start..]);
    }
    lines
}

fn floor(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok() && serde_json::from_slice::<IgnoredAny>(bytes).is_ok()
}

/// `jsonschema` 0.61 on the embedded documents: all registered by `$id`, `root` (a file under
/// `schemas/`) the root.
fn runtime_validator(root: &str) -> jsonschema::Validator {
    let docs = response_contract::documents();
    let mut registry = jsonschema::Registry::new();
    for doc in docs {
        let value: Value = serde_json::from_str(doc.source).expect("schema documents are JSON");
        registry = registry
            .add(doc.id, value)
            .expect("schema documents register");
    }
    let registry = registry.prepare().expect("schema documents resolve");
    let root = docs
        .iter()
        .find(|d| d.file == root)
        .expect("an embedded document");
    let root: Value = serde_json::from_str(root.source).expect("schema documents are JSON");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .with_registry(&registry)
        .build(&root)
        .expect("schema documents compile")
}

fn runtime_is_valid(runtime: &jsonschema::Validator, bytes: &[u8]) -> bool {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(value) => runtime.is_valid(&value),
        Err(_) => false,
    }
}

/// `RC_BULK_LOOP=<method>/<subset>/<lines>`: check the first `lines` lines (only the valid or
/// invalid ones with subset `valid` / `invalid`, or `all`) once with `method` and exit; for
/// `valgrind --tool=callgrind` (see `benches/cli.sh --callgrind`, which subtracts method `noop`).
fn instruction_loop() {
    let Ok(spec) = std::env::var("RC_BULK_LOOP") else {
        return;
    };
    let mut parts = spec.splitn(3, '/');
    let (Some(method), Some(subset), Some(count)) = (parts.next(), parts.next(), parts.next())
    else {
        panic!("RC_BULK_LOOP=<method>/<subset>/<lines>, got {spec:?}");
    };
    let data = generate(count.parse().expect("a count of lines"));
    let validator = Validator::new();
    let runtime = runtime_validator(ORDER_ID_ROOT);
    let lines: Vec<&[u8]> = split(&data)
        .into_iter()
        .filter(|l| match subset {
            "valid" => validator.validate(l).is_valid(),
            "invalid" => !validator.validate(l).is_valid(),
            _ => true,
        })
        .collect();
    let check: &dyn Fn(&[u8]) -> bool = match method {
        "noop" => &|_| false,
        "floor" => &floor,
        "is_valid" => &|l| validator.is_valid(l),
        "validate" => &|l| validator.validate(l).is_valid(),
        "jsonschema_runtime" => &|l| runtime_is_valid(&runtime, l),
        _ => panic!("method: noop, floor, is_valid, validate or jsonschema_runtime"),
    };
    let passed = black_box(&lines).iter().filter(|l| check(l)).count();
    eprintln!("lines: {} passed: {passed}", lines.len());
    std::process::exit(0);
}

/// `RC_BULK_PAIRED_CLI=BIN,FILE,ROUNDS`: the command against the in-memory floor on the same
/// bytes, in turns (see the module docs); prints `floor_ns cli_ns exit` per round and exits.
fn paired_cli() {
    let Ok(spec) = std::env::var("RC_BULK_PAIRED_CLI") else {
        return;
    };
    let mut parts = spec.splitn(3, ',');
    let (Some(bin), Some(file), Some(rounds)) = (parts.next(), parts.next(), parts.next()) else {
        panic!("RC_BULK_PAIRED_CLI=BIN,FILE,ROUNDS, got {spec:?}");
    };
    let rounds: usize = rounds.parse().expect("a count of rounds");
    let data = std::fs::read(file).expect("FILE is readable");
    let lines = split(&data);
    let validator = Validator::new().contract(response_contract::Contract::JobStatus);
    eprintln!(
        "paired CLI: {} lines; JSON {}; valid {}",
        lines.len(),
        lines.iter().filter(|l| floor(l)).count(),
        lines.iter().filter(|l| validator.is_valid(l)).count()
    );
    for _ in 0..rounds {
        let start = Instant::now();
        black_box(black_box(&lines).iter().filter(|l| floor(l)).count());
        let floor_ns = start.elapsed().as_nanos();
        let start = Instant::now();
        let status = std::process::Command::new(bin)
            .args(["check", "--contract", "job-status", "--lines", file])
            .stdout(std::process::Stdio::null())
            .status()
            .expect("the command runs");
        let cli_ns = start.elapsed().as_nanos();
        let code = status.code().unwrap_or(-1);
        assert!(
            code == 0 || code == 1,
            "the check failed as a tool: {status}"
        );
        println!("{floor_ns}\t{cli_ns}\t{code}");
    }
    std::process::exit(0);
}

fn bulk(c: &mut Criterion) {
    instruction_loop();
    paired_cli();
    if let Some(path) = std::env::var_os("RC_BULK_DUMP_JOBS") {
        let data = generate_job_status(LINES);
        std::fs::write(&path, &data).expect("RC_BULK_DUMP_JOBS is writable");
        eprintln!("wrote {} bytes to {}", data.len(), path.to_string_lossy());
        std::process::exit(0);
    }
    let data = generate(LINES);
    if let Some(path) = std::env::var_os("RC_BULK_DUMP") {
        std::fs::write(&path, &data).expect("RC_BULK_DUMP is writable");
        eprintln!("wrote {} bytes to {}", data.len(), path.to_string_lossy());
        std::process::exit(0);
    }
    let lines = split(&data);
    assert_eq!(lines.len(), LINES);
    let validator = Validator::new();
    let runtime = runtime_validator(ORDER_ID_ROOT);

    // The verdicts before the clock: the fast path must agree with the full report on every
    // line. The engine may legitimately differ on duplicate members (serde_json keeps the last
    // copy; the library reports the duplicate), so its count is shown, not asserted.
    let valid = lines.iter().filter(|l| validator.is_valid(l)).count();
    let reported = lines
        .iter()
        .filter(|l| validator.validate(l).is_valid())
        .count();
    assert_eq!(valid, reported, "is_valid and validate disagree");
    let json = lines.iter().filter(|l| floor(l)).count();
    let engine = lines
        .iter()
        .filter(|l| runtime_is_valid(&runtime, l))
        .count();
    eprintln!(
        "bulk: {} lines, {} bytes ({:.1} MB); JSON: {json}; valid: library {valid}, jsonschema {engine}",
        lines.len(),
        data.len(),
        data.len() as f64 / 1e6,
    );

    let mut group = c.benchmark_group("bulk");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6))
        .throughput(Throughput::Elements(lines.len() as u64));
    let lines = &lines[..];

    group.bench_function("floor", |b| {
        b.iter(|| black_box(lines).iter().filter(|l| floor(l)).count())
    });
    group.bench_function("is_valid", |b| {
        b.iter(|| {
            black_box(lines)
                .iter()
                .filter(|l| validator.is_valid(l))
                .count()
        })
    });
    group.bench_function("validate", |b| {
        b.iter(|| {
            black_box(lines)
                .iter()
                .filter(|l| validator.validate(l).is_valid())
                .count()
        })
    });
    group.bench_function("floor_par", |b| {
        b.iter(|| black_box(lines).par_iter().filter(|l| floor(l)).count())
    });
    group.bench_function("is_valid_par", |b| {
        b.iter(|| {
            black_box(lines)
                .par_iter()
                .filter(|l| validator.is_valid(l))
                .count()
        })
    });
    group.bench_function("validate_par", |b| {
        b.iter(|| {
            black_box(lines)
                .par_iter()
                .filter(|l| validator.validate(l).is_valid())
                .count()
        })
    });
    group.bench_function("jsonschema_runtime", |b| {
        b.iter(|| {
            black_box(lines)
                .iter()
                .filter(|l| runtime_is_valid(&runtime, l))
                .count()
        })
    });
    let data = &data[..];
    group.bench_function("lines_batches", |b| {
        b.iter(|| {
            let mut count = 0;
            for batch in Batches::new(black_box(data), 1 << 20) {
                count += batch.expect("in-memory reads do not fail").lines.len();
            }
            count
        })
    });
    group.bench_function("lines_batches_is_valid_par", |b| {
        b.iter(|| {
            let mut count = 0;
            for batch in Batches::new(black_box(data), 1 << 20) {
                let batch = batch.expect("in-memory reads do not fail");
                count += batch
                    .lines
                    .par_iter()
                    .filter(|line| validator.is_valid(batch.payload(line)))
                    .count();
            }
            count
        })
    });
    group.finish();
    paired(lines, &validator, &runtime);
    job_status(c);
}

/// The job-status lines: the single-thread methods under criterion, then interleaved with the
/// engine (5 rounds) into `paired-bulk-job-status.tsv`.
fn job_status(c: &mut Criterion) {
    let data = generate_job_status(LINES);
    let lines = split(&data);
    assert_eq!(lines.len(), LINES);
    let validator = Validator::new().contract(response_contract::Contract::JobStatus);
    let runtime = runtime_validator(JOB_STATUS_ROOT);
    let valid = lines.iter().filter(|l| validator.is_valid(l)).count();
    let reported = lines
        .iter()
        .filter(|l| validator.validate(l).is_valid())
        .count();
    assert_eq!(valid, reported, "is_valid and validate disagree");
    let json = lines.iter().filter(|l| floor(l)).count();
    let engine = lines
        .iter()
        .filter(|l| runtime_is_valid(&runtime, l))
        .count();
    eprintln!(
        "bulk_job_status: {} lines, {} bytes ({:.1} MB); JSON: {json}; valid: library {valid}, jsonschema {engine}",
        lines.len(),
        data.len(),
        data.len() as f64 / 1e6,
    );
    let lines = &lines[..];
    let mut group = c.benchmark_group("bulk_job_status");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8))
        .throughput(Throughput::Elements(lines.len() as u64));
    group.bench_function("floor", |b| {
        b.iter(|| black_box(lines).iter().filter(|l| floor(l)).count())
    });
    group.bench_function("is_valid", |b| {
        b.iter(|| {
            black_box(lines)
                .iter()
                .filter(|l| validator.is_valid(l))
                .count()
        })
    });
    group.bench_function("validate", |b| {
        b.iter(|| {
            black_box(lines)
                .iter()
                .filter(|l| validator.validate(l).is_valid())
                .count()
        })
    });
    group.finish();

    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let mut samples: [Vec<f64>; 4] = Default::default();
    for _ in 0..5 {
        samples[0].push(once(|| lines.iter().filter(|l| floor(l)).count()));
        samples[1].push(once(|| {
            lines.iter().filter(|l| validator.is_valid(l)).count()
        }));
        samples[2].push(once(|| {
            lines
                .iter()
                .filter(|l| validator.validate(l).is_valid())
                .count()
        }));
        samples[3].push(once(|| {
            lines
                .iter()
                .filter(|l| runtime_is_valid(&runtime, l))
                .count()
        }));
    }
    let labels = ["floor", "is_valid", "validate", "jsonschema_runtime"];
    write_medians("paired-bulk-job-status.tsv", &labels, samples);
}

fn once<R>(f: impl FnOnce() -> R) -> f64 {
    let start = Instant::now();
    black_box(f());
    start.elapsed().as_nanos() as f64
}

/// Each method's median into `target/criterion/<file>` (`label\tns` lines).
fn write_medians<const N: usize>(file: &str, labels: &[&str; N], samples: [Vec<f64>; N]) {
    let mut out = String::new();
    for (label, mut xs) in labels.iter().zip(samples) {
        xs.sort_by(f64::total_cmp);
        let m = xs[xs.len() / 2];
        eprintln!("paired {file} {label}: {:.1} ms", m / 1e6);
        out.push_str(&format!("{label}\t{m}\n"));
    }
    let dir = std::env::var_os("CRITERION_HOME").map_or_else(
        || {
            let target = std::env::var_os("CARGO_TARGET_DIR").unwrap_or_else(|| "target".into());
            std::path::PathBuf::from(target).join("criterion")
        },
        std::path::PathBuf::from,
    );
    std::fs::create_dir_all(&dir).expect("the results directory");
    std::fs::write(dir.join(file), out).expect("a writable results directory");
}

/// Interleaved timing, as in `benches/verdict.rs`: the whole-batch methods take turns, 9 rounds,
/// so that each sees the same load; medians go to `target/criterion/paired-bulk.tsv`.
fn paired(lines: &[&[u8]], validator: &Validator, runtime: &jsonschema::Validator) {
    if !std::env::args().any(|a| a == "--bench") {
        return; // not under `cargo bench` (e.g. `cargo test --benches`)
    }
    let mut samples: [Vec<f64>; 7] = Default::default();
    for _ in 0..9 {
        samples[0].push(once(|| lines.iter().filter(|l| floor(l)).count()));
        samples[1].push(once(|| {
            lines.iter().filter(|l| validator.is_valid(l)).count()
        }));
        samples[2].push(once(|| {
            lines
                .iter()
                .filter(|l| validator.validate(l).is_valid())
                .count()
        }));
        samples[3].push(once(|| lines.par_iter().filter(|l| floor(l)).count()));
        samples[4].push(once(|| {
            lines.par_iter().filter(|l| validator.is_valid(l)).count()
        }));
        samples[5].push(once(|| {
            lines
                .par_iter()
                .filter(|l| validator.validate(l).is_valid())
                .count()
        }));
        samples[6].push(once(|| {
            lines
                .iter()
                .filter(|l| runtime_is_valid(runtime, l))
                .count()
        }));
    }
    let labels = [
        "floor",
        "is_valid",
        "validate",
        "floor_par",
        "is_valid_par",
        "validate_par",
        "jsonschema_runtime",
    ];
    write_medians("paired-bulk.tsv", &labels, samples);
}

criterion_group!(benches, bulk);
criterion_main!(benches);
