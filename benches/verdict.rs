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
//! | `fast_is_valid` | a prebuilt `response_contract::Validator::new().is_valid` (the fast path) |
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
//! Payload bytes are the issue's, in compact form with one space after `:` and `,` (the same
//! bytes for every method). Before timing, every method's verdict is checked against the
//! expected one, so a broken baseline cannot produce a flattering number.
//!
//! After the criterion group, the five verdict methods run again interleaved (short blocks in
//! turn, so that all see the same load on a shared machine): `target/criterion/paired-verdict.tsv`.
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

/// The runtime validator (`jsonschema` 0.61, the library's own engine) built from the four
/// documents exactly as `src/schema.rs` does: a registry of every document under its `$id`,
/// the first document (the whole response) as the root.
fn runtime_validator() -> jsonschema::Validator {
    let docs = response_contract::documents();
    let mut registry = jsonschema::Registry::new();
    for doc in docs {
        let value: Value = serde_json::from_str(doc.source).expect("schema documents are JSON");
        registry = registry
            .add(doc.id, value)
            .expect("schema documents register");
    }
    let registry = registry.prepare().expect("schema documents resolve");
    let root: Value = serde_json::from_str(docs[0].source).expect("schema documents are JSON");
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
    engine: response_contract::Schema,
}

impl Methods {
    fn new() -> Methods {
        Methods {
            runtime: runtime_validator(),
            validator: Validator::new(),
            engine: response_contract::Schema::order_id_response(),
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

const METHODS: [&str; 6] = [
    "floor",
    "jsonschema_runtime",
    "jsonschema_macro",
    "fast_is_valid",
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
    let (_, bytes, _) = PAYLOADS
        .iter()
        .find(|(name, _, _)| *name == payload)
        .expect("payload: normal, abnormal or numeric_code");
    let mut valid = 0usize;
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
        runtime, validator, ..
    } = methods;
    let mut out = String::new();
    for (name, bytes, _) in PAYLOADS {
        let mut samples: [Vec<f64>; 5] = Default::default();
        for _ in 0..ROUNDS {
            samples[0].push(block(K, || floor(black_box(bytes))));
            samples[1].push(block(K, || runtime.is_valid(&parse(black_box(bytes)))));
            samples[2].push(block(K, || {
                MacroContract::is_valid(&parse(black_box(bytes)))
            }));
            samples[3].push(block(K, || black_box(validator).is_valid(black_box(bytes))));
            samples[4].push(block(K, || black_box(validator).validate(black_box(bytes))));
        }
        let labels = [
            "floor",
            "jsonschema_runtime",
            "jsonschema_macro",
            "fast_is_valid",
            "validate",
        ];
        for (label, xs) in labels.iter().zip(samples) {
            let m = median(xs);
            eprintln!("paired verdict/{name}/{label}: {m:.1} ns");
            out.push_str(&format!("{name}\t{label}\t{m}\n"));
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
        engine,
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
    group.finish();
    paired(&methods);
}

criterion_group!(benches, verdict);
criterion_main!(benches);
