//! Conformance: every test of the official JSON Schema Test Suite for draft 2020-12
//! (`../shared/json-schema-test-suite`, cloned next to this repository in CI) is run through
//! [`Schema::from_documents`], with every file under `remotes/` served under its
//! `http://localhost:1234/…` URL, and its verdict is asserted with both `is_valid` and
//! `validate().is_valid()` (which must also agree with each other).
//!
//! A required test may fail only if it is listed in `tests/json_schema_test_suite.exclusions`,
//! and an entry there is accepted only when the `jsonschema` crate fails the same test too (this
//! file runs the crate on it to prove it) and the group's schema uses a keyword outside the plan
//! (so the failure is the engine fallback's, never the plan's). An entry whose test passes is
//! stale and fails the run as well.
//!
//! The optional tests (`optional/`, and `optional/format/` with formats asserted) are counted,
//! not required: one test asserts a floor under the number passed, and prints the count per file
//! (`cargo test --test json_schema_test_suite -- --nocapture`).

use std::collections::{BTreeMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use response_contract::Schema;

const SUITE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/json-schema-test-suite"
);
const EXCLUSIONS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/json_schema_test_suite.exclusions"
);
/// Where the suite's `remotes/` are served from, as its README prescribes.
const REMOTES_BASE: &str = "http://localhost:1234/";
/// The root document of a group is named `<ROOT_BASE><file>/<group index>.json`: an absolute URI
/// (so relative `$ref`s and `$id`s resolve as the suite expects, against an unrelated host), one
/// per group.
const ROOT_BASE: &str = "https://response-contract.invalid/suite/";

/// The optional tests passed must stay at or above this (885 of 926 passed on the day the floor
/// was set; see `CONFORMANCE.md`). Raise it when the library improves.
const OPTIONAL_FLOOR: usize = 885;

/// Keywords the plan evaluates itself. A failure in a group whose schemas use only these (and
/// annotations) is the plan's own, and may never be excluded.
const PLAN_KEYWORDS: &[&str] = &[
    "type",
    "properties",
    "required",
    "additionalProperties",
    "patternProperties",
    "propertyNames",
    "minProperties",
    "maxProperties",
    "dependentRequired",
    "items",
    "prefixItems",
    "contains",
    "minContains",
    "maxContains",
    "minItems",
    "maxItems",
    "uniqueItems",
    "enum",
    "const",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "$ref",
    "$defs",
    "$anchor",
];

/// Keywords outside the plan: an excluded group's schema must use one of them.
const NON_PLAN_KEYWORDS: &[&str] = &[
    "unevaluatedProperties",
    "unevaluatedItems",
    "$dynamicRef",
    "$dynamicAnchor",
    "$recursiveRef",
    "$recursiveAnchor",
    "dependencies",
    "$vocabulary",
    "format",
    "contentMediaType",
    "contentEncoding",
    "contentSchema",
];

// ---------------------------------------------------------------------------------------------
// Reading the suite: raw JSON text, so numbers reach the library exactly as written
// ---------------------------------------------------------------------------------------------

/// A JSON value of a suite file, with its exact source text (the library checks numbers as
/// written: `1.0`, `1e308` and 30-digit integers must not go through a float on the way).
#[derive(Debug)]
struct Raw<'a> {
    text: &'a str,
    kind: RawKind<'a>,
}

#[derive(Debug)]
enum RawKind<'a> {
    Object(Vec<(String, Raw<'a>)>),
    Array(Vec<Raw<'a>>),
    Scalar,
}

impl<'a> Raw<'a> {
    /// Reads the one JSON value in `text` (which serde_json has accepted already).
    fn parse(text: &'a str) -> Raw<'a> {
        let mut at = 0;
        let raw = Raw::value(text, &mut at);
        assert!(text[at..].trim().is_empty(), "trailing text");
        raw
    }

    fn skip_ws(text: &str, at: &mut usize) {
        while text[*at..].starts_with([' ', '\t', '\r', '\n']) {
            *at += 1;
        }
    }

    fn string_end(text: &str, start: usize) -> usize {
        let bytes = text.as_bytes();
        let mut i = start + 1;
        while bytes[i] != b'"' {
            i += if bytes[i] == b'\\' { 2 } else { 1 };
        }
        i + 1
    }

    fn value(text: &'a str, at: &mut usize) -> Raw<'a> {
        Raw::skip_ws(text, at);
        let start = *at;
        let bytes = text.as_bytes();
        let kind = match bytes[start] {
            b'{' => {
                *at += 1;
                let mut members = Vec::new();
                loop {
                    Raw::skip_ws(text, at);
                    match bytes[*at] {
                        b'}' => break,
                        b',' => *at += 1,
                        _ => {
                            let end = Raw::string_end(text, *at);
                            let key: String =
                                serde_json::from_str(&text[*at..end]).expect("a member name");
                            *at = end;
                            Raw::skip_ws(text, at);
                            assert_eq!(bytes[*at], b':');
                            *at += 1;
                            members.push((key, Raw::value(text, at)));
                        }
                    }
                }
                *at += 1;
                RawKind::Object(members)
            }
            b'[' => {
                *at += 1;
                let mut items = Vec::new();
                loop {
                    Raw::skip_ws(text, at);
                    match bytes[*at] {
                        b']' => break,
                        b',' => *at += 1,
                        _ => items.push(Raw::value(text, at)),
                    }
                }
                *at += 1;
                RawKind::Array(items)
            }
            b'"' => {
                *at = Raw::string_end(text, start);
                RawKind::Scalar
            }
            _ => {
                while *at < bytes.len() && !b",]} \t\r\n".contains(&bytes[*at]) {
                    *at += 1;
                }
                RawKind::Scalar
            }
        };
        Raw {
            text: &text[start..*at],
            kind,
        }
    }

    fn get(&self, name: &str) -> Option<&Raw<'a>> {
        match &self.kind {
            RawKind::Object(members) => members.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }

    fn items(&self) -> &[Raw<'a>] {
        match &self.kind {
            RawKind::Array(items) => items,
            _ => panic!("expected an array, found {}", self.text),
        }
    }

    fn string(&self) -> String {
        serde_json::from_str(self.text).expect("a string")
    }
}

/// One test of the suite.
#[derive(Debug, Clone)]
struct Case {
    /// Relative to `tests/draft2020-12/`, e.g. `ref.json` or `optional/format/date.json`.
    file: String,
    group_index: usize,
    group: String,
    test: String,
    schema: Arc<str>,
    data: String,
    valid: bool,
}

impl Case {
    fn root_name(&self) -> String {
        format!("{ROOT_BASE}{}/{}.json", self.file, self.group_index)
    }

    fn key(&self) -> (String, String, String) {
        (self.file.clone(), self.group.clone(), self.test.clone())
    }
}

fn suite_dir() -> PathBuf {
    let dir = Path::new(SUITE);
    assert!(
        dir.join("tests/draft2020-12").is_dir(),
        "the JSON Schema Test Suite is not at {} (CI clones \
         https://github.com/json-schema-org/JSON-Schema-Test-Suite there)",
        dir.display()
    );
    dir.to_path_buf()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("a readable suite directory") {
            let path = entry.expect("a readable entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Every file under `remotes/`, named by its URL.
fn remotes() -> &'static [(String, Vec<u8>)] {
    static REMOTES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    REMOTES.get_or_init(|| {
        let dir = suite_dir().join("remotes");
        files_under(&dir)
            .into_iter()
            .map(|path| {
                let relative = path.strip_prefix(&dir).expect("under remotes/");
                let url = format!(
                    "{REMOTES_BASE}{}",
                    relative.to_string_lossy().replace('\\', "/")
                );
                (url, std::fs::read(&path).expect("a readable remote"))
            })
            .collect()
    })
}

/// The tests of the files directly in `tests/draft2020-12/` (`optional: false`) or under
/// `optional/` (`true`).
fn cases(optional: bool) -> Vec<Case> {
    let dir = suite_dir().join("tests/draft2020-12");
    let mut out = Vec::new();
    for path in files_under(&dir) {
        let file = path
            .strip_prefix(&dir)
            .expect("under the draft's directory")
            .to_string_lossy()
            .replace('\\', "/");
        if file.starts_with("optional/") != optional {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a readable suite file");
        serde_json::from_str::<serde_json::Value>(&text).expect("a suite file is JSON");
        let groups = Raw::parse(&text);
        for (group_index, group) in groups.items().iter().enumerate() {
            let field = |raw: &Raw<'_>, name: &str| {
                raw.get(name)
                    .unwrap_or_else(|| panic!("{file}: a test without `{name}`"))
                    .text
                    .to_owned()
            };
            let description = group.get("description").expect("a description").string();
            let schema: Arc<str> = field(group, "schema").into();
            for test in group.get("tests").expect("tests").items() {
                out.push(Case {
                    file: file.clone(),
                    group_index,
                    group: description.clone(),
                    test: test.get("description").expect("a description").string(),
                    schema: Arc::clone(&schema),
                    data: field(test, "data"),
                    valid: field(test, "valid") == "true",
                });
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------

/// How one test went.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Pass,
    /// A verdict other than the suite's, or `is_valid` and `validate` apart.
    Wrong {
        is_valid: bool,
        validate: bool,
        report: String,
    },
    /// The group's schema did not compile.
    NotCompiled(String),
    Panicked(String),
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

/// Compiles a group's schema with every remote, under the group's root name.
fn compile(case: &Case, formats: bool) -> Result<Schema, String> {
    let root = case.root_name();
    let mut documents: Vec<(&str, &[u8])> = remotes()
        .iter()
        .map(|(url, bytes)| (url.as_str(), bytes.as_slice()))
        .collect();
    documents.push((root.as_str(), case.schema.as_bytes()));
    catch_unwind(|| Schema::from_documents(&documents, &root))
        .map_err(|panic| format!("from_documents panicked: {}", panic_message(&*panic)))?
        .map(|schema| schema.assert_formats(formats))
        .map_err(|error| error.to_string())
}

/// Runs every case, compiling each group once; outcomes in the order of `cases`.
fn run(cases: &[Case], formats: impl Fn(&Case) -> bool) -> Vec<Outcome> {
    let mut out = Vec::with_capacity(cases.len());
    let mut compiled: Option<((String, usize), Result<Schema, String>)> = None;
    for case in cases {
        let group = (case.file.clone(), case.group_index);
        if compiled.as_ref().is_none_or(|(g, _)| *g != group) {
            compiled = Some((group, compile(case, formats(case))));
        }
        let schema = match &compiled.as_ref().expect("compiled above").1 {
            Ok(schema) => schema,
            Err(error) => {
                out.push(Outcome::NotCompiled(error.clone()));
                continue;
            }
        };
        let payload = case.data.as_bytes();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let is_valid = schema.is_valid(payload);
            let report = schema.validate(payload);
            if is_valid == case.valid && report.is_valid() == case.valid {
                Outcome::Pass
            } else {
                Outcome::Wrong {
                    is_valid,
                    validate: report.is_valid(),
                    report: format!("{report:#}"),
                }
            }
        }))
        .unwrap_or_else(|panic| Outcome::Panicked(panic_message(&*panic)));
        out.push(outcome);
    }
    out
}

fn describe(case: &Case, outcome: &Outcome) -> String {
    let got = match outcome {
        Outcome::Pass => "pass".to_owned(),
        Outcome::Wrong {
            is_valid,
            validate,
            report,
        } => format!("is_valid {is_valid}, validate().is_valid() {validate}; report:\n{report}"),
        Outcome::NotCompiled(error) => format!("the schema does not compile: {error}"),
        Outcome::Panicked(message) => format!("panicked: {message}"),
    };
    format!(
        "{} / {:?} / {:?}\n  schema: {}\n  data: {}\n  expected valid: {}\n  got: {got}",
        case.file, case.group, case.test, case.schema, case.data, case.valid
    )
}

/// The required suite's outcomes, computed once for all the tests of this file.
fn required() -> &'static (Vec<Case>, Vec<Outcome>) {
    static REQUIRED: OnceLock<(Vec<Case>, Vec<Outcome>)> = OnceLock::new();
    REQUIRED.get_or_init(|| {
        let cases = cases(false);
        let outcomes = run(&cases, |_| false);
        (cases, outcomes)
    })
}

// ---------------------------------------------------------------------------------------------
// Exclusions
// ---------------------------------------------------------------------------------------------

/// One line of the exclusions file: `file<TAB>group<TAB>test<TAB>reason`.
#[derive(Debug)]
struct Exclusion {
    file: String,
    group: String,
    test: String,
    reason: String,
}

fn exclusions() -> Vec<Exclusion> {
    let text = std::fs::read_to_string(EXCLUSIONS).expect("the exclusions file");
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert!(
                fields.len() == 4 && fields.iter().all(|f| !f.trim().is_empty()),
                "an exclusion is file<TAB>group<TAB>test<TAB>reason, all four given: {line:?}"
            );
            Exclusion {
                file: fields[0].to_owned(),
                group: fields[1].to_owned(),
                test: fields[2].to_owned(),
                reason: fields[3].to_owned(),
            }
        })
        .collect()
}

fn excluded_case<'c>(cases: &'c [Case], e: &Exclusion) -> (usize, &'c Case) {
    cases
        .iter()
        .enumerate()
        .find(|(_, c)| c.file == e.file && c.group == e.group && c.test == e.test)
        .unwrap_or_else(|| panic!("the exclusion {e:?} names no test of the suite"))
}

/// Serves the suite's remotes to the `jsonschema` crate.
struct SuiteRemotes;

impl jsonschema::Retrieve for SuiteRemotes {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        let wanted = uri.as_str();
        let (_, bytes) = remotes()
            .iter()
            .find(|(url, _)| url == wanted)
            .ok_or_else(|| format!("no remote {wanted}"))?;
        Ok(serde_json::from_slice(bytes)?)
    }
}

/// The `jsonschema` crate's verdict on a case, evaluated directly (`None`: it cannot compile
/// the schema).
fn engine_verdict(case: &Case, formats: bool) -> Option<bool> {
    let schema: serde_json::Value = serde_json::from_str(&case.schema).expect("JSON");
    let data: serde_json::Value = serde_json::from_str(&case.data).ok()?;
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(formats)
        .with_base_uri(case.root_name())
        .with_retriever(SuiteRemotes)
        .build(&schema)
        .ok()?;
    Some(validator.is_valid(&data))
}

/// Every object key anywhere in a JSON value.
fn keys(value: &serde_json::Value, out: &mut HashSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                out.insert(k.clone());
                keys(v, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[test]
fn every_required_test_passes_unless_excluded() {
    let (cases, outcomes) = required();
    let excluded: HashSet<(String, String, String)> = exclusions()
        .into_iter()
        .map(|e| (e.file, e.group, e.test))
        .collect();
    let mut failures = Vec::new();
    let mut stale = Vec::new();
    for (case, outcome) in cases.iter().zip(outcomes) {
        let is_excluded = excluded.contains(&case.key());
        match (outcome, is_excluded) {
            (Outcome::Pass, true) => stale.push(describe(case, outcome)),
            (Outcome::Pass, false) => {}
            // `is_valid` and `validate` apart is never excusable.
            (
                Outcome::Wrong {
                    is_valid, validate, ..
                },
                true,
            ) if is_valid != validate => failures.push(describe(case, outcome)),
            (_, true) => {}
            (_, false) => failures.push(describe(case, outcome)),
        }
    }
    let passed = outcomes.iter().filter(|o| **o == Outcome::Pass).count();
    assert!(
        failures.is_empty(),
        "{} of {} required tests fail ({passed} pass):\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
    assert!(
        stale.is_empty(),
        "excluded tests that pass now (delete them from the exclusions file):\n\n{}",
        stale.join("\n\n")
    );
}

#[test]
fn every_file_and_group_of_the_required_suite_is_run() {
    let (cases, _) = required();
    let files: HashSet<&str> = cases.iter().map(|c| c.file.as_str()).collect();
    let groups: HashSet<(&str, usize)> = cases
        .iter()
        .map(|c| (c.file.as_str(), c.group_index))
        .collect();
    // The suite as checked out when this test was written: 46 files, 383 groups, 1,299 tests.
    // A newer suite may have more, never fewer.
    assert!(files.len() >= 46, "{} files", files.len());
    assert!(groups.len() >= 383, "{} groups", groups.len());
    assert!(cases.len() >= 1_299, "{} tests", cases.len());
    for keyword in ["ref.json", "unevaluatedProperties.json", "dynamicRef.json"] {
        assert!(files.contains(keyword), "{keyword} was not run");
    }
}

#[test]
fn excluded_tests_are_failed_by_the_jsonschema_crate_too() {
    let (cases, _) = required();
    let mut unjustified = Vec::new();
    for e in exclusions() {
        let (_, case) = excluded_case(cases, &e);
        if engine_verdict(case, false) == Some(case.valid) {
            unjustified.push(format!(
                "{} / {:?} / {:?}: the jsonschema crate passes it (reason given: {})",
                e.file, e.group, e.test, e.reason
            ));
        }
    }
    assert!(
        unjustified.is_empty(),
        "exclusions the jsonschema crate does not share:\n{}",
        unjustified.join("\n")
    );
}

#[test]
fn excluded_tests_use_a_keyword_outside_the_plan() {
    let (cases, _) = required();
    let mut covered_only = Vec::new();
    for e in exclusions() {
        let (_, case) = excluded_case(cases, &e);
        let schema: serde_json::Value = serde_json::from_str(&case.schema).expect("JSON");
        let mut used = HashSet::new();
        keys(&schema, &mut used);
        // A remote the group names (by URL, or by file name in a relative reference) counts as
        // part of its schema.
        if case.schema.contains("localhost:1234") {
            for (url, bytes) in remotes() {
                let file = url.rsplit('/').next().unwrap_or(url);
                if !case.schema.contains(url.as_str()) && !case.schema.contains(file) {
                    continue;
                }
                if let Ok(remote) = serde_json::from_slice::<serde_json::Value>(bytes) {
                    keys(&remote, &mut used);
                }
            }
        }
        if !NON_PLAN_KEYWORDS.iter().any(|k| used.contains(*k)) {
            let plan: Vec<&str> = PLAN_KEYWORDS
                .iter()
                .copied()
                .filter(|k| used.contains(*k))
                .collect();
            covered_only.push(format!(
                "{} / {:?} / {:?} uses only plan keywords {plan:?}",
                e.file, e.group, e.test
            ));
        }
    }
    assert!(
        covered_only.is_empty(),
        "exclusions that are the plan's own failures (fix them, do not exclude them):\n{}",
        covered_only.join("\n")
    );
}

#[test]
fn is_valid_and_validate_agree_on_every_optional_test() {
    let (cases, outcomes) = optional();
    let apart: Vec<String> = cases
        .iter()
        .zip(outcomes)
        .filter(|(_, o)| {
            matches!(o, Outcome::Wrong { is_valid, validate, .. } if is_valid != validate)
                || matches!(o, Outcome::Panicked(_))
        })
        .map(|(c, o)| describe(c, o))
        .collect();
    assert!(apart.is_empty(), "{}", apart.join("\n\n"));
}

/// Formats are asserted in `optional/format/` (what those files test), annotations elsewhere.
fn formats(case: &Case) -> bool {
    case.file.starts_with("optional/format/")
}

fn optional() -> &'static (Vec<Case>, Vec<Outcome>) {
    static OPTIONAL: OnceLock<(Vec<Case>, Vec<Outcome>)> = OnceLock::new();
    OPTIONAL.get_or_init(|| {
        let cases = cases(true);
        let outcomes = run(&cases, formats);
        (cases, outcomes)
    })
}

/// Prints the optional pass counts per file, as `CONFORMANCE.md` gives them.
#[test]
#[allow(clippy::print_stderr)] // the per-file figures are this test's output, for the README
fn optional_tests_passed_stay_above_the_floor() {
    let (cases, outcomes) = optional();
    // (passed, the jsonschema crate passed, total)
    let mut per_file: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for (case, outcome) in cases.iter().zip(outcomes) {
        let entry = per_file.entry(case.file.as_str()).or_default();
        entry.2 += 1;
        if *outcome == Outcome::Pass {
            entry.0 += 1;
        }
        if engine_verdict(case, formats(case)) == Some(case.valid) {
            entry.1 += 1;
        }
    }
    let passed: usize = per_file.values().map(|(p, _, _)| p).sum();
    let engine: usize = per_file.values().map(|(_, e, _)| e).sum();
    eprintln!("| file | passed | the jsonschema crate |\n|---|---|---|");
    for (file, (p, e, t)) in &per_file {
        eprintln!("| `{file}` | {p}/{t} | {e}/{t} |");
    }
    eprintln!(
        "| all optional | {passed}/{n} | {engine}/{n} |",
        n = cases.len()
    );
    if std::env::var_os("SUITE_LIST_FAILURES").is_some() {
        for (case, outcome) in cases.iter().zip(outcomes) {
            if *outcome != Outcome::Pass {
                eprintln!("\n{}", describe(case, outcome));
            }
        }
    }
    assert!(
        passed >= OPTIONAL_FLOOR,
        "{passed} optional tests pass, fewer than the floor of {OPTIONAL_FLOOR}"
    );
}
