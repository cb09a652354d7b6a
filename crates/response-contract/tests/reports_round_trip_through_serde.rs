//! Reports are data (feature `serde`): every report serialises to the wire format of
//! `schemas/report.schema.json` (as the `result` objects of a report document, which the schema
//! accepts) and deserialises back to an equal report — for a table of payloads that between them
//! give every violation kind, for every fixture and fuzzing-regression file, and for generated
//! payloads and near-misses.

#![cfg(feature = "serde")]

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use response_contract::strategies;
use response_contract::{Expect, Limits, Report, Schema, Validator, Violation, ViolationKind};
use serde_json::{Value, json};

const REPORT_SCHEMA: &str = include_str!("../schemas/report.schema.json");

fn report_schema() -> &'static jsonschema::Validator {
    static SCHEMA: OnceLock<jsonschema::Validator> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let schema: Value = serde_json::from_str(REPORT_SCHEMA).expect("the report schema is JSON");
        jsonschema::draft202012::new(&schema).expect("the report schema compiles")
    })
}

/// A report document holding `reports` as its results, with counts that add up.
fn document(reports: &[Report]) -> Value {
    let results: Vec<Value> = reports
        .iter()
        .enumerate()
        .map(|(i, report)| {
            let mut result = json!({"source": format!("payload-{i}.json"), "line": null});
            let fields = serde_json::to_value(report).expect("a report serialises");
            result
                .as_object_mut()
                .expect("an object")
                .extend(fields.as_object().expect("a report is an object").clone());
            result
        })
        .collect();
    let invalid = reports.iter().filter(|r| !r.is_valid()).count();
    let errors: usize = reports.iter().map(|r| r.errors().count()).sum();
    let warnings: usize = reports.iter().map(|r| r.warnings().count()).sum();
    json!({
        "version": 1,
        "results": results,
        "summary": {
            "inputs": reports.len(), "checked": reports.len(),
            "valid": reports.len() - invalid, "invalid": invalid,
            "errors": errors, "warnings": warnings, "blank_lines": 0, "unreadable": 0
        }
    })
}

/// Serialises, checks against the schema, deserialises, compares: the report and each kind alone.
fn assert_round_trips(schema: &jsonschema::Validator, report: &Report) {
    let text = serde_json::to_string(report).expect("a report serialises");
    let back: Report = serde_json::from_str(&text).expect("a serialised report deserialises");
    assert_eq!(&back, report, "round trip of {text}");
    let doc = document(std::slice::from_ref(report));
    let problems: Vec<String> = schema.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(problems.is_empty(), "{problems:?} in {doc}");
    for violation in report.violations() {
        let kind = serde_json::to_string(&violation.kind).expect("a kind serialises");
        let kind_back: ViolationKind = serde_json::from_str(&kind).expect("a kind deserialises");
        assert_eq!(kind_back, violation.kind, "round trip of {kind}");
        let one = serde_json::to_string(violation).expect("a violation serialises");
        let one_back: Violation = serde_json::from_str(&one).expect("a violation deserialises");
        assert_eq!(&one_back, violation, "round trip of {one}");
    }
}

/// Payloads and checks that between them give every kind of violation.
fn table() -> Vec<Report> {
    let default = Validator::new();
    let strict = Validator::new().strict(true);
    let tight =
        Validator::new().limits(Limits::DEFAULT.max_size(64).max_depth(3).max_violations(2));
    let user = Schema::from_json(
        br#"{"type": "object", "properties": {"id": {"type": "string", "pattern": "^[a-z]+$"},
             "n": {"type": "number"}}, "additionalProperties": false}"#,
        "user.schema.json",
    )
    .expect("a valid schema");
    vec![
        default.validate(br#"{"order_id": "a", "job_id": "b"}"#),
        default.validate(br#"{"error": {"message": "", "code": "BMS.0001"}}"#),
        default.validate(b""),
        default.validate(b"{\"order_id\": "),
        default.validate(br#"{"order_id": "a", "job_id": "b"} x"#),
        default.validate(b"{\"order_id\": \"\xff\", \"job_id\": \"b\"}"),
        default.validate(b"\xEF\xBB\xBF{\"order_id\": \"a\", \"job_id\": \"b\"}"),
        default.validate(br#"{"order_id": "\ud800", "job_id": "b"}"#),
        default.validate(br#"{"error": {"message": "", "code": 400}}"#),
        default.validate(br#"{"error": {"message": [1, {}], "code": null}}"#),
        default.validate(br#"{"order_id": "a"}"#),
        default.validate(br#"{"order_id": "a", "job_id": "b", "region": "eu"}"#),
        strict.validate(br#"{"order_id": "a", "job_id": "b", "region": "eu"}"#),
        default.validate(br#"{"order_id": "a", "job_id": "b", "job_id": "c"}"#),
        default.validate(br#"{"order_id": "a", "job_id": "b", "error": {}}"#),
        default.validate(br#"{"id": 1}"#),
        default.validate(b"[1, 2]"),
        Validator::new()
            .expect(Expect::Normal)
            .validate(br#"{"error": {"message": "", "code": "c"}}"#),
        Validator::new()
            .expect(Expect::from_status(404).expect("a covered status"))
            .validate(br#"{"order_id": "a", "job_id": "b"}"#),
        tight.validate(&[b' '; 65]),
        tight.validate(br#"{"order_id": [[["deep"]]]}"#),
        tight.validate(br#"{"a": 1, "b": 2, "c": 3, "d": 4}"#),
        default
            .redact(true)
            .validate(br#"{"error": {"message": "s3cret", "code": 1}}"#),
        Report::oversized(1 << 40, 16 << 20),
        Report::oversized_stream(16 << 20),
        user.validate(br#"{"id": "ABC", "n": 1e400, "extra": true}"#),
        user.validate(br#"{"id": "abc", "n": "1"}"#),
        // A number no float holds, where only the engine can judge (`unevaluatedProperties`).
        Schema::from_json(br#"{"unevaluatedProperties": false}"#, "engine.json")
            .expect("compiles")
            .validate(br#"{"n": 1e400}"#),
        user.validate(br#"{"id": "abc"}"#),
        user.validate(br#"{"id": "ABC", "extra": true}"#),
        user.validate(b"7"),
        openapi_report(200, br#"{"id": 1, "password": "hunter2"}"#),
        openapi_report(204, b"{}"),
    ]
    .into_iter()
    .chain(traffic_reports())
    .collect()
}

/// Reports of recorded exchanges: unmatched, unrecorded, an unreadable entry.
fn traffic_reports() -> Vec<Report> {
    use response_contract::traffic::{self, HarReader};
    let har = br#"{"log": {"version": "1.2", "entries": [
      {"request": {"method": "GET", "url": "https://x.test/nowhere"}, "response": {"status": 200, "content": {"mimeType": "application/json", "text": "{}"}}},
      {"request": {"method": "GET", "url": "https://x.test/v1/p/jobs/j"}, "response": {"status": 200, "content": {"mimeType": "application/json"}}},
      {"request": {"method": "GET", "url": "https://x.test/v1/p/jobs/j"}, "response": {"content": {"mimeType": "application/json", "text": "{}"}}}
    ]}}"#;
    let api = response_contract::OpenApi::bms();
    HarReader::new(&har[..])
        .map(|e| traffic::check(&api, &e.expect("an entry"), traffic::Options::default()).report)
        .collect()
}

/// A report from an OpenAPI description: routed, with its endpoint, and OpenAPI's own kinds.
fn openapi_report(status: u16, body: &[u8]) -> Report {
    let api = response_contract::OpenApi::from_source(
        br#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/u": {"get": {
             "operationId": "getUser",
             "responses": {
               "200": {"description": "ok", "content": {"application/json": {"schema": {
                 "type": "object", "properties": {"id": {"type": "integer"},
                 "password": {"type": "string", "writeOnly": true}}}}}},
               "204": {"description": "nothing"}}}}}}"#,
        "api.json",
    )
    .expect("a valid description");
    let route = api.route("GET", "/u", status, None).expect("routed");
    api.check(&route, body)
}

#[test]
fn every_kind_of_violation_round_trips_and_fits_the_schema() {
    let schema = report_schema();
    let reports = table();
    let mut seen = BTreeSet::new();
    for report in &reports {
        assert_round_trips(schema, report);
        seen.extend(report.violations().iter().map(|v| v.kind.code()));
    }
    let every: BTreeSet<&str> = ViolationKind::catalogue()
        .iter()
        .map(|(code, _)| *code)
        .collect();
    assert_eq!(seen, every, "the table must give every kind");
    // All of them in one document too.
    let doc = document(&reports);
    assert!(schema.is_valid(&doc), "{doc}");
}

#[test]
fn the_wire_form_has_the_format_s_field_names_in_its_order() {
    let report = Validator::new().validate(br#"{"error": {"message": "", "code": 400}}"#);
    assert_eq!(
        serde_json::to_string(&report).expect("serialises"),
        r#"{"valid":false,"variant":"abnormal","violations":[{"severity":"error","kind":"type_mismatch","pointer":"/error/code","keyword":"error.schema.json#/properties/code/type","line":1,"column":35,"offset":34,"message":"/error/code: expected a string, found the number 400","expected":["string"],"found":"number"}]}"#
    );
    let report = Validator::new().validate(br#"{"order_id": "a", "job_id": "b", "job_id": "c"}"#);
    let violation = serde_json::to_value(&report.violations()[0]).expect("serialises");
    assert_eq!(violation["kind"], "duplicate_member");
    assert_eq!(violation["name"], "job_id");
    assert_eq!(
        violation["first"],
        json!({"line": 1, "column": 19, "offset": 18})
    );
    let kind = serde_json::to_string(&report.violations()[0].kind).expect("serialises");
    assert_eq!(
        kind,
        r#"{"kind":"duplicate_member","name":"job_id","first":{"line":1,"column":19,"offset":18}}"#
    );
    let report = Validator::new()
        .expect(Expect::Normal)
        .validate(br#"{"error": {"message": "", "code": "c"}}"#);
    let violation = serde_json::to_value(&report.violations()[0]).expect("serialises");
    assert_eq!(
        (&violation["expected"], &violation["found"]),
        (&json!(["normal"]), &json!("abnormal"))
    );
}

#[test]
fn a_result_object_of_the_command_reads_as_a_report() {
    // What `check --format json` writes per payload; `source`, `line` and fields a later
    // version may add are ignored.
    let line = r#"{"source":"examples/responses.jsonl","line":4,"valid":true,"variant":"normal","violations":[{"severity":"warning","kind":"unknown_member","pointer":"/region","keyword":null,"line":1,"column":81,"offset":80,"message":"/region: a member the contract does not list","name":"region","later":1}],"later":true}"#;
    let report: Report = serde_json::from_str(line).expect("a result reads as a report");
    assert!(report.is_valid());
    assert_eq!(report.warnings().count(), 1);
    assert_eq!(
        report.violations()[0].kind,
        ViolationKind::UnknownMember {
            name: "region".into()
        }
    );
}

#[test]
fn inconsistent_or_incomplete_reports_are_refused() {
    let cases: &[(&str, &str)] = &[
        (
            r#"{"valid":true,"variant":null,"violations":[{"severity":"error","kind":"empty","pointer":"","keyword":null,"line":1,"column":1,"offset":0,"message":"(root): empty"}]}"#,
            "`valid` is true but the violations include an error",
        ),
        (
            r#"{"valid":false,"variant":null,"violations":[]}"#,
            "`valid` is false but the violations do not include an error",
        ),
        (
            r#"{"valid":false,"variant":null,"violations":[{"severity":"error","kind":"telepathy","pointer":"","keyword":null,"line":1,"column":1,"offset":0,"message":"?"}]}"#,
            "unknown violation kind `telepathy`",
        ),
        (
            r#"{"valid":false,"variant":null,"violations":[{"severity":"error","kind":"type_mismatch","pointer":"","keyword":null,"line":1,"column":1,"offset":0,"message":"?","found":"number"}]}"#,
            "a `type_mismatch` violation needs `expected`",
        ),
        (
            r#"{"valid":false,"variant":null,"violations":[{"severity":"error","kind":"type_mismatch","pointer":"","keyword":null,"line":1,"column":1,"offset":0,"message":"?","expected":["normal"],"found":"number"}]}"#,
            "a `type_mismatch` violation needs `JSON types in `expected``",
        ),
        (
            r#"{"valid":false,"variant":null,"violations":[{"severity":"error","kind":"limit_exceeded","pointer":"","keyword":null,"line":1,"column":1,"offset":0,"message":"?","limit":"size"}]}"#,
            "a `limit_exceeded` violation needs `max`",
        ),
        (
            r#"{"valid":false,"variant":"sideways","violations":[]}"#,
            "unknown variant `sideways`",
        ),
    ];
    for (text, says) in cases {
        let error = serde_json::from_str::<Report>(text).expect_err(text);
        assert!(error.to_string().contains(says), "{error} for {text}");
    }
}

/// Every committed payload file: the examples and the fuzzing regressions.
#[test]
fn every_committed_payload_s_report_round_trips() {
    let schema = report_schema();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        "../../examples",
        "tests/fuzz_regressions/validate",
        "tests/fuzz_regressions/json_lines",
    ] {
        for entry in std::fs::read_dir(root.join(dir)).expect("a committed directory") {
            files.push(entry.expect("an entry").path());
        }
    }
    assert!(files.len() >= 8, "{files:?}");
    for path in files {
        let bytes = std::fs::read(&path).expect("readable");
        for validator in [Validator::new(), Validator::new().strict(true).redact(true)] {
            assert_round_trips(schema, &validator.validate(&bytes));
            for line in bytes.split(|&b| b == b'\n') {
                assert_round_trips(schema, &validator.validate(line));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_payloads_round_trip(payload in strategies::valid_payload()) {
        assert_round_trips(report_schema(), &Validator::new().strict(true).validate(&payload.bytes));
    }

    #[test]
    fn near_misses_round_trip(miss in strategies::near_miss(), strict in any::<bool>()) {
        assert_round_trips(report_schema(), &Validator::new().strict(strict).validate(&miss.payload.bytes));
    }

    #[test]
    fn arbitrary_bytes_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        assert_round_trips(report_schema(), &Validator::new().validate(&bytes));
    }
}
