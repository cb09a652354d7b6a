//! One payload, from raw bytes to verdict: this library against the floor (is it JSON at all?)
//! and against `jsonschema`'s runtime and compile-time validators on the same contract.
//!
//! Ids are `verdict/<payload>/<method>`:
//!
//! | method | what is timed, per iteration, from `&[u8]` |
//! |---|---|
//! | `floor` | `std::str::from_utf8` + `serde_json::from_slice::<IgnoredAny>`: the least any correct validator does |
//! | `jsonschema_runtime` | `serde_json::from_slice::<Value>` + `jsonschema` 0.61 `Validator::is_valid` on `schemas/` |
//! | `jsonschema_macro` | `serde_json::from_slice::<Value>` + the `jsonschema` 0.60.2 compile-time validator's `is_valid` |
//! | `fast_is_valid` | a prebuilt `response_contract::Validator::new().is_valid` (the fast path; after the first call, a remembered shape) |
//! | `scan_is_valid` | the same with `remember_shapes(false)`: every call scans the payload |
//! | `lib_is_valid` | the free function `response_contract::is_valid` (builds the default `Validator` each call) |
//! | `validate` | `Validator::validate`: the full `Report` |
//!
//! and, for the invalid `numeric_code` payload only (alternative 5 of issue 4):
//!
//! | method | what is timed |
//! |---|---|
//! | `validate_messages` | `Validator::validate` + formatting every violation with its location, like a CLI line |
//! | `jsonschema_iter_errors_count` | `Value` parse + runtime `iter_errors(&value).count()` (no messages, no positions) |
//! | `jsonschema_iter_errors_messages` | `Value` parse + runtime `iter_errors` collected as `Vec<String>` via `Display` |
//! | `jsonschema_macro_iter_errors_messages` | `Value` parse + the macro validator's `iter_errors`, as `Vec<String>` |
//! | `engine_report` | `response_contract::Schema::order_id_response().validate`: this library's located report driven by the runtime engine |
//!
//! Issue 8 adds two more schemas, each on a valid payload and a broken one (ids
//! `verdict/<case>/<method>`, cases `job_status`, `job_status_broken`, `user`, `user_broken`):
//!
//! - the **job status** contract (`Validator::new().contract(Contract::JobStatus)`) on the page's
//!   own example (the first of `examples` in the embedded `job-status/job-status.schema.json`,
//!   serialised compactly, 537 bytes), and on the same with `status` outside its enum and
//!   `entities.sub_jobs_total` given as the string `"1"`;
//! - a **user's schema** of similar size, `benches/fixtures/shipment.schema.json` (nested
//!   objects, an array of objects, bounded integers, an enum, patterns, `$ref`s to `$defs`),
//!   compiled with `Schema::from_json`, on `benches/fixtures/shipment.valid.json` and
//!   `shipment.broken.json` (an enum violation and an integer given as a string).
//!
//! | method | what is timed, per iteration, from `&[u8]` |
//! |---|---|
//! | `floor` | as above |
//! | `jsonschema_runtime` | `Value` parse + `jsonschema` 0.61 `is_valid` (job status: a registry of `response_contract::documents()`, root `job-status/job-status.schema.json`; user: the fixture) |
//! | `fast_is_valid` | our verdict: `Validator::is_valid` (job status) or `Schema::is_valid` (user) |
//! | `validate` | our located report: `Validator::validate` or `Schema::validate` |
//! | `jsonschema_iter_errors_count` | broken payloads only: `Value` parse + runtime `iter_errors(&value).count()` |
//!
//! Payload bytes are the issue's, in compact form with one space after `:` and `,` (the same
//! bytes for every method). Before timing, every method's verdict is checked against the
//! expected one, so a broken baseline cannot produce a flattering number.
//!
//! Remembered shapes see the same layout on every call here. Two more sets take the verdict
//! methods in turns (`paired-verdict.tsv` only), each call on the next payload of the set:
//! `normal_values`, 16 normal responses laid out alike with values of 1 to 40 characters
//! (what one API's traffic looks like), and `normal_layouts`, 64 normal responses each spaced
//! differently (more layouts than a plan remembers, 8: mostly the cost of a miss).
//!
//! After the criterion group, the five verdict methods (and, on the invalid payloads,
//! `jsonschema_iter_errors_count`) run again interleaved (short blocks in turn, so that all see
//! the same load on a shared machine): `target/criterion/paired-verdict.tsv`.
//!
//! Run: `cargo bench --bench verdict` (about 2 minutes). Medians end up in
//! `target/criterion/verdict/<payload>/<method>/new/estimates.json`; `benches/cli.sh --table`
//! renders them as `benches/RESULTS.md`. On this shared machine timings are noisy; instruction
//! counts are not: `RC_VERDICT_LOOP=<payload>/<method>/<n>` runs one method n times without
//! criterion, for `valgrind --tool=callgrind` (see `benches/cli.sh --callgrind`).

// A benchmark binary: it reports on stderr, and its loop mode exits before criterion starts.
#![allow(clippy::exit, clippy::print_stderr)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use response_contract::Validator;
use serde::de::IgnoredAny;
use serde_json::Value;

/// The compile-time validator of `jsonschema` 0.60.2 (renamed dev-dependency
/// `jsonschema_macros_baseline`) on the very same four documents: the root document by path and
/// its three siblings as `resources` under the `$id`s that the root's relative `$ref`s resolve
/// to. Nothing is fetched; the macro reads the files at compile time.
#[jsonschema_macros_baseline::validator(
    path = "schemas/order-id-response.schema.json",
    draft = Draft202012,
    resources = {
        "https://response-contract.invalid/schemas/bms/normal-response.schema.json" => {
            path = "schemas/normal-response.schema.json"
        },
        "https://response-contract.invalid/schemas/bms/abnormal-response.schema.json" => {
            path = "schemas/abnormal-response.schema.json"
        },
        "https://response-contract.invalid/schemas/bms/error.schema.json" => {
            path = "schemas/error.schema.json"
        },
    }
)]
struct MacroContract;

/// The runtime validator (`jsonschema` 0.61, the library's own engine) built from the embedded
/// documents: a registry of every document under its `$id`, the one named `root` (a file under
/// `schemas/`) as the root.
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

const PAYLOADS: [(&str, &[u8], bool); 3] = [
    (
        "normal",
        br#"{"order_id": "CS2009141523OQSEQ", "job_id": "ff808081748b760c01748b7f80370003"}"#,
        true,
    ),
    (
        "abnormal",
        br#"{"error": {"message": "Fail to parse request, reason: flavorRef is missing.", "code": "BMS.0001"}}"#,
        true,
    ),
    ("numeric_code", br#"{"error": {"message": "", "code": 400}}"#, false),
];

/// 16 normal responses laid out as `PAYLOADS[0]`, with other values (1 to 40 characters).
fn normal_values() -> Vec<Vec<u8>> {
    (0..16)
        .map(|i| {
            let order: String = "CS2009141523OQSEQ"
                .chars()
                .cycle()
                .skip(i)
                .take(1 + i)
                .collect();
            let job: String = "ff808081748b760c01748b7f80370003"
                .chars()
                .cycle()
                .take(10 + 2 * i)
                .collect();
            format!(r#"{{"order_id": "{order}", "job_id": "{job}"}}"#).into_bytes()
        })
        .collect()
}

/// 64 normal responses, each spaced differently between its values (after `{`, around `:`
/// before the value, around `,` and before `}`).
fn normal_layouts() -> Vec<Vec<u8>> {
    (0..64)
        .map(|i: usize| {
            let sp = |bit: usize| if i >> bit & 1 == 1 { " " } else { "" };
            format!(
                r#"{{{}"order_id"{}: "CS2009141523OQSEQ"{},{}"job_id"{}: "ff808081748b760c01748b7f80370003"{}}}"#,
                sp(0),
                sp(1),
                sp(2),
                sp(3),
                sp(4),
                sp(5)
            )
            .into_bytes()
        })
        .collect()
}

/// The user's schema of issue 8's targets, and its two payloads.
const USER_SCHEMA: &[u8] = include_bytes!("fixtures/shipment.schema.json");
const USER_VALID: &[u8] = include_bytes!("fixtures/shipment.valid.json");
const USER_BROKEN: &[u8] = include_bytes!("fixtures/shipment.broken.json");

/// Which of our checks a case goes through.
enum Ours {
    /// A built-in contract, through `Validator` (policy, warnings, variant judgement).
    Contract(Validator),
    /// A user's schema, through `Schema`.
    Schema(response_contract::Schema),
}

impl Ours {
    #[inline(always)]
    fn is_valid(&self, bytes: &[u8]) -> bool {
        match self {
            Ours::Contract(v) => v.is_valid(bytes),
            Ours::Schema(s) => s.is_valid(bytes),
        }
    }

    #[inline(always)]
    fn validate(&self, bytes: &[u8]) -> response_contract::Report {
        match self {
            Ours::Contract(v) => v.validate(bytes),
            Ours::Schema(s) => s.validate(bytes),
        }
    }
}

/// One payload of one of issue 8's other schemas, with both checkers of its schema.
struct Case {
    name: &'static str,
    bytes: Vec<u8>,
    valid: bool,
    ours: Ours,
    runtime: jsonschema::Validator,
}

/// The methods timed on every case, and those timed on broken payloads only.
const CASE_METHODS: [&str; 4] = ["floor", "jsonschema_runtime", "fast_is_valid", "validate"];
const CASE_REPORT_METHODS: [&str; 1] = ["jsonschema_iter_errors_count"];

/// The job status payloads: the page's own example from the embedded document, and the same
/// broken twice (an enum violation and an integer given as a string).
fn job_status_payloads() -> (Vec<u8>, Vec<u8>) {
    let doc = response_contract::Contract::JobStatus.document();
    let doc: Value = serde_json::from_str(doc.source).expect("schema documents are JSON");
    let mut example = doc["examples"][0].clone();
    assert!(
        example.get("job_id").is_some(),
        "the first example is a job status"
    );
    let valid = serde_json::to_vec(&example).expect("a JSON value serialises");
    assert_eq!(example["status"], "SUCCESS");
    example["status"] = Value::from("DONE");
    assert_eq!(example["entities"]["sub_jobs_total"], 1);
    example["entities"]["sub_jobs_total"] = Value::from("1");
    let broken = serde_json::to_vec(&example).expect("a JSON value serialises");
    (valid, broken)
}

fn cases() -> Vec<Case> {
    let job_status =
        || Ours::Contract(Validator::new().contract(response_contract::Contract::JobStatus));
    let user = || {
        Ours::Schema(
            response_contract::Schema::from_json(
                USER_SCHEMA,
                "benches/fixtures/shipment.schema.json",
            )
            .expect("the fixture schema compiles"),
        )
    };
    let user_runtime = || {
        let schema: Value = serde_json::from_slice(USER_SCHEMA).expect("the fixture is JSON");
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&schema)
            .expect("the fixture compiles")
    };
    let job_runtime = || runtime_validator("job-status/job-status.schema.json");
    let (job_valid, job_broken) = job_status_payloads();
    vec![
        Case {
            name: "job_status",
            bytes: job_valid,
            valid: true,
            ours: job_status(),
            runtime: job_runtime(),
        },
        Case {
            name: "job_status_broken",
            bytes: job_broken,
            valid: false,
            ours: job_status(),
            runtime: job_runtime(),
        },
        Case {
            name: "user",
            bytes: USER_VALID.trim_ascii_end().to_vec(),
            valid: true,
            ours: user(),
            runtime: user_runtime(),
        },
        Case {
            name: "user_broken",
            bytes: USER_BROKEN.trim_ascii_end().to_vec(),
            valid: false,
            ours: user(),
            runtime: user_runtime(),
        },
    ]
}

impl Case {
    /// The verdict (true: valid) of a method on this case.
    #[inline(always)]
    fn verdict(&self, method: &str, bytes: &[u8]) -> Option<bool> {
        Some(match method {
            "floor" => floor(bytes),
            "jsonschema_runtime" => self.runtime.is_valid(&parse(bytes)),
            "fast_is_valid" => self.ours.is_valid(bytes),
            "validate" => self.ours.validate(bytes).is_valid(),
            "jsonschema_iter_errors_count" => self.runtime.iter_errors(&parse(bytes)).count() == 0,
            _ => return None,
        })
    }

    fn methods(&self) -> impl Iterator<Item = &'static str> {
        let report: &[&str] = if self.valid {
            &[]
        } else {
            &CASE_REPORT_METHODS
        };
        CASE_METHODS.iter().chain(report).copied()
    }
}

fn floor(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok() && serde_json::from_slice::<IgnoredAny>(bytes).is_ok()
}

fn parse(bytes: &[u8]) -> Value {
    // All three payloads are JSON: only the contract can reject them.
    serde_json::from_slice::<Value>(bytes).expect("benchmark payloads are JSON")
}

/// One CLI-style line per violation: what a user of the full report actually pays for.
fn report_lines(report: &response_contract::Report) -> Vec<String> {
    report
        .violations()
        .iter()
        .map(|v| format!("{}:{}: {}", v.location.line, v.location.column, v.message))
        .collect()
}

/// Every method by name: the timed closures and the instruction-count loop call these.
struct Methods {
    runtime: jsonschema::Validator,
    validator: Validator,
    /// The same, scanning every payload (no remembered shapes).
    scanner: Validator,
    engine: response_contract::Schema,
    /// Issue 8's other schemas.
    cases: Vec<Case>,
}

impl Methods {
    fn new() -> Methods {
        Methods {
            runtime: runtime_validator("order-id-response.schema.json"),
            validator: Validator::new(),
            scanner: Validator::new().remember_shapes(false),
            engine: response_contract::Schema::order_id_response(),
            cases: cases(),
        }
    }

    /// The verdicts (true: valid) of the methods that give one.
    #[inline(always)]
    fn verdict(&self, method: &str, bytes: &[u8]) -> Option<bool> {
        Some(match method {
            "floor" => floor(bytes),
            "jsonschema_runtime" => self.runtime.is_valid(&parse(bytes)),
            "jsonschema_macro" => MacroContract::is_valid(&parse(bytes)),
            "fast_is_valid" => self.validator.is_valid(bytes),
            "scan_is_valid" => self.scanner.is_valid(bytes),
            "lib_is_valid" => response_contract::is_valid(bytes),
            "validate" => self.validator.validate(bytes).is_valid(),
            "validate_messages" => report_lines(&self.validator.validate(bytes)).is_empty(),
            "jsonschema_iter_errors_count" => self.runtime.iter_errors(&parse(bytes)).count() == 0,
            "jsonschema_iter_errors_messages" => self
                .runtime
                .iter_errors(&parse(bytes))
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .is_empty(),
            "jsonschema_macro_iter_errors_messages" => MacroContract::iter_errors(&parse(bytes))
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .is_empty(),
            "engine_report" => self.engine.validate(bytes).is_valid(),
            _ => return None,
        })
    }
}

const METHODS: [&str; 7] = [
    "floor",
    "jsonschema_runtime",
    "jsonschema_macro",
    "fast_is_valid",
    "scan_is_valid",
    "lib_is_valid",
    "validate",
];
/// Alternative 5, on the invalid payload only.
const REPORT_METHODS: [&str; 5] = [
    "validate_messages",
    "jsonschema_iter_errors_count",
    "jsonschema_iter_errors_messages",
    "jsonschema_macro_iter_errors_messages",
    "engine_report",
];

/// Before any timing, every method must give the expected verdict on every payload, so a broken
/// baseline cannot produce a flattering number.
fn check_agreement(methods: &Methods) {
    for (name, bytes, expected) in PAYLOADS {
        for method in METHODS.iter().chain(&REPORT_METHODS) {
            let json = *method == "floor";
            let got = methods.verdict(method, bytes).expect("a known method");
            assert_eq!(got, expected || json, "{name}/{method}");
        }
    }
    for case in &methods.cases {
        for method in case.methods() {
            let got = case.verdict(method, &case.bytes).expect("a known method");
            assert_eq!(
                got,
                case.valid || method == "floor",
                "{}/{method}",
                case.name
            );
        }
        // The broken payloads break the schema twice; both reports must say so.
        if !case.valid {
            let ours = case.ours.validate(&case.bytes);
            let theirs = case.runtime.iter_errors(&parse(&case.bytes)).count();
            eprintln!(
                "{}: our report {} violation(s) ({}), jsonschema iter_errors {theirs} error(s)",
                case.name,
                ours.violations().len(),
                ours.violations()
                    .iter()
                    .map(|v| v.message.as_str())
                    .collect::<Vec<_>>()
                    .join(" | "),
            );
            assert!(
                ours.violations().len() >= 2,
                "{}: both breaks reported",
                case.name
            );
            assert!(theirs >= 1, "{}: jsonschema sees an error", case.name);
        }
    }
}

/// `RC_VERDICT_LOOP=<payload>/<method>/<n>`: run that method n times, untimed, and exit; for
/// `valgrind --tool=callgrind`, which counts instructions exactly (`benches/cli.sh --callgrind`
/// subtracts a run with n = 1 from one with a larger n).
fn instruction_loop(methods: &Methods) {
    let Ok(spec) = std::env::var("RC_VERDICT_LOOP") else {
        return;
    };
    let mut parts = spec.splitn(3, '/');
    let (Some(payload), Some(method), Some(n)) = (parts.next(), parts.next(), parts.next()) else {
        panic!("RC_VERDICT_LOOP=<payload>/<method>/<n>, got {spec:?}");
    };
    let n: usize = n.parse().expect("a count of iterations");
    let mut valid = 0usize;
    if let Some(case) = methods.cases.iter().find(|c| c.name == payload) {
        let bytes = &case.bytes[..];
        for _ in 0..n {
            valid += usize::from(
                case.verdict(method, black_box(bytes))
                    .expect("a method of this bench"),
            );
        }
        black_box(valid);
        std::process::exit(0);
    }
    let (_, bytes, _) = PAYLOADS
        .iter()
        .find(|(name, _, _)| *name == payload)
        .expect("payload: normal, abnormal, numeric_code or a case of issue 8");
    for _ in 0..n {
        valid += usize::from(
            methods
                .verdict(method, black_box(bytes))
                .expect("a method of this bench"),
        );
    }
    black_box(valid);
    std::process::exit(0);
}

/// Nanoseconds per call of `f`, over a block of `k` calls.
#[inline(always)]
fn block<R>(k: u32, mut f: impl FnMut() -> R) -> f64 {
    let start = Instant::now();
    for _ in 0..k {
        black_box(f());
    }
    start.elapsed().as_nanos() as f64 / f64::from(k)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Where criterion keeps its results (`CRITERION_HOME`, else `target/criterion`).
fn results_dir() -> std::path::PathBuf {
    std::env::var_os("CRITERION_HOME").map_or_else(
        || {
            let target = std::env::var_os("CARGO_TARGET_DIR").unwrap_or_else(|| "target".into());
            std::path::PathBuf::from(target).join("criterion")
        },
        std::path::PathBuf::from,
    )
}

/// Interleaved timing: criterion times one method after another, seconds apart, and on a shared
/// machine the load changes in between. Here the verdict methods take turns in short blocks
/// (2,000 calls each, 300 rounds), so every method sees the same load; the median block of each
/// goes to `target/criterion/paired-verdict.tsv` for `benches/cli.sh --table`. The ratios are
/// the robust figures; criterion's own medians stay the reference for absolute times.
fn paired(methods: &Methods) {
    if !std::env::args().any(|a| a == "--bench") {
        return; // not under `cargo bench` (e.g. `cargo test --benches`)
    }
    const K: u32 = 2_000;
    const ROUNDS: usize = 300;
    let Methods {
        runtime,
        validator,
        scanner,
        cases,
        ..
    } = methods;
    let mut out = String::new();
    for (name, bytes, expected) in PAYLOADS {
        let mut samples: [Vec<f64>; 7] = Default::default();
        for _ in 0..ROUNDS {
            samples[0].push(block(K, || floor(black_box(bytes))));
            samples[1].push(block(K, || runtime.is_valid(&parse(black_box(bytes)))));
            samples[2].push(block(K, || {
                MacroContract::is_valid(&parse(black_box(bytes)))
            }));
            samples[3].push(block(K, || black_box(validator).is_valid(black_box(bytes))));
            samples[4].push(block(K, || black_box(validator).validate(black_box(bytes))));
            samples[6].push(block(K, || black_box(scanner).is_valid(black_box(bytes))));
            // The invalid payload: the engine's unlocated errors take turns with the rest too.
            if !expected {
                samples[5].push(block(K, || {
                    runtime.iter_errors(&parse(black_box(bytes))).count()
                }));
            }
        }
        let labels = [
            "floor",
            "jsonschema_runtime",
            "jsonschema_macro",
            "fast_is_valid",
            "validate",
            "jsonschema_iter_errors_count",
            "scan_is_valid",
        ];
        for (label, xs) in labels.iter().zip(samples) {
            if xs.is_empty() {
                continue;
            }
            let m = median(xs);
            eprintln!("paired verdict/{name}/{label}: {m:.1} ns");
            out.push_str(&format!("{name}\t{label}\t{m}\n"));
        }
    }
    // Sets of payloads, one call each in turn: the same layout with other values, and more
    // layouts than a plan remembers.
    for (name, set) in [
        ("normal_values", normal_values()),
        ("normal_layouts", normal_layouts()),
    ] {
        let mut next = 0usize;
        let mut take = || {
            next = (next + 1) % set.len();
            &set[next][..]
        };
        let mut samples: [Vec<f64>; 3] = Default::default();
        for _ in 0..ROUNDS {
            samples[0].push(block(K, || floor(black_box(take()))));
            samples[1].push(block(K, || {
                black_box(validator).is_valid(black_box(take()))
            }));
            samples[2].push(block(K, || black_box(scanner).is_valid(black_box(take()))));
        }
        for (label, xs) in ["floor", "fast_is_valid", "scan_is_valid"]
            .iter()
            .zip(samples)
        {
            let m = median(xs);
            eprintln!("paired verdict/{name}/{label}: {m:.1} ns");
            out.push_str(&format!("{name}\t{label}\t{m}\n"));
        }
    }
    // Issue 8's cases: the same, 1,000 calls per block (the runtime takes microseconds here),
    // 300 rounds; the broken payloads add the report comparison to the turns.
    const K8: u32 = 1_000;
    for case in cases {
        let bytes = &case.bytes[..];
        let (runtime, ours) = (&case.runtime, &case.ours);
        let mut samples: [Vec<f64>; 5] = Default::default();
        for _ in 0..ROUNDS {
            samples[0].push(block(K8, || floor(black_box(bytes))));
            samples[1].push(block(K8, || runtime.is_valid(&parse(black_box(bytes)))));
            samples[2].push(block(K8, || black_box(ours).is_valid(black_box(bytes))));
            samples[3].push(block(K8, || black_box(ours).validate(black_box(bytes))));
            if !case.valid {
                samples[4].push(block(K8, || {
                    runtime.iter_errors(&parse(black_box(bytes))).count()
                }));
            }
        }
        let labels = CASE_METHODS.iter().chain(&CASE_REPORT_METHODS);
        for (label, xs) in labels.zip(samples) {
            if xs.is_empty() {
                continue;
            }
            let m = median(xs);
            eprintln!("paired verdict/{}/{label}: {m:.1} ns", case.name);
            out.push_str(&format!("{}\t{label}\t{m}\n", case.name));
        }
    }
    let dir = results_dir();
    std::fs::create_dir_all(&dir).expect("the results directory");
    std::fs::write(dir.join("paired-verdict.tsv"), out).expect("a writable results directory");
}

fn verdict(c: &mut Criterion) {
    let methods = Methods::new();
    check_agreement(&methods);
    instruction_loop(&methods);
    let Methods {
        runtime,
        validator,
        scanner,
        engine,
        cases,
    } = &methods;

    let mut group = c.benchmark_group("verdict");
    group
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));

    // Each method is written out (not dispatched through `Methods::verdict`) so that the timed
    // loop holds nothing but the method.
    for (name, bytes, _) in PAYLOADS {
        group.bench_with_input(BenchmarkId::new(name, "floor"), bytes, |b, bytes| {
            b.iter(|| floor(black_box(bytes)))
        });
        group.bench_with_input(
            BenchmarkId::new(name, "jsonschema_runtime"),
            bytes,
            |b, bytes| {
                b.iter(|| {
                    let value = parse(black_box(bytes));
                    runtime.is_valid(&value)
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new(name, "jsonschema_macro"),
            bytes,
            |b, bytes| {
                b.iter(|| {
                    let value = parse(black_box(bytes));
                    MacroContract::is_valid(&value)
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new(name, "fast_is_valid"),
            bytes,
            |b, bytes| b.iter(|| black_box(validator).is_valid(black_box(bytes))),
        );
        group.bench_with_input(
            BenchmarkId::new(name, "scan_is_valid"),
            bytes,
            |b, bytes| b.iter(|| black_box(scanner).is_valid(black_box(bytes))),
        );
        group.bench_with_input(BenchmarkId::new(name, "lib_is_valid"), bytes, |b, bytes| {
            b.iter(|| response_contract::is_valid(black_box(bytes)))
        });
        group.bench_with_input(BenchmarkId::new(name, "validate"), bytes, |b, bytes| {
            b.iter(|| black_box(validator).validate(black_box(bytes)))
        });
    }

    // Alternative 5: the located report against the engine's own error iterators, on the
    // invalid payload. Every variant starts from the same bytes.
    let (name, bytes, _) = PAYLOADS[2];
    group.bench_with_input(
        BenchmarkId::new(name, "validate_messages"),
        bytes,
        |b, bytes| b.iter(|| report_lines(&black_box(validator).validate(black_box(bytes)))),
    );
    group.bench_with_input(
        BenchmarkId::new(name, "jsonschema_iter_errors_count"),
        bytes,
        |b, bytes| {
            b.iter(|| {
                let value = parse(black_box(bytes));
                runtime.iter_errors(&value).count()
            })
        },
    );
    group.bench_with_input(
        BenchmarkId::new(name, "jsonschema_iter_errors_messages"),
        bytes,
        |b, bytes| {
            b.iter(|| {
                let value = parse(black_box(bytes));
                runtime
                    .iter_errors(&value)
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
            })
        },
    );
    group.bench_with_input(
        BenchmarkId::new(name, "jsonschema_macro_iter_errors_messages"),
        bytes,
        |b, bytes| {
            b.iter(|| {
                let value = parse(black_box(bytes));
                MacroContract::iter_errors(&value)
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
            })
        },
    );
    group.bench_with_input(
        BenchmarkId::new(name, "engine_report"),
        bytes,
        |b, bytes| b.iter(|| engine.validate(black_box(bytes))),
    );

    // Issue 8: the job status and a user's schema, each method written out as above.
    for case in cases {
        let (name, bytes, ours, runtime) = (case.name, &case.bytes[..], &case.ours, &case.runtime);
        group.bench_with_input(BenchmarkId::new(name, "floor"), bytes, |b, bytes| {
            b.iter(|| floor(black_box(bytes)))
        });
        group.bench_with_input(
            BenchmarkId::new(name, "jsonschema_runtime"),
            bytes,
            |b, bytes| {
                b.iter(|| {
                    let value = parse(black_box(bytes));
                    runtime.is_valid(&value)
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new(name, "fast_is_valid"),
            bytes,
            |b, bytes| b.iter(|| black_box(ours).is_valid(black_box(bytes))),
        );
        group.bench_with_input(BenchmarkId::new(name, "validate"), bytes, |b, bytes| {
            b.iter(|| black_box(ours).validate(black_box(bytes)))
        });
        if !case.valid {
            group.bench_with_input(
                BenchmarkId::new(name, "jsonschema_iter_errors_count"),
                bytes,
                |b, bytes| {
                    b.iter(|| {
                        let value = parse(black_box(bytes));
                        runtime.iter_errors(&value).count()
                    })
                },
            );
        }
    }
    group.finish();
    paired(&methods);
}

criterion_group!(benches, verdict);
criterion_main!(benches);
