//! Each built-in contract, through `Validator::new().contract(c)`: every example of its root
//! document is valid and judged as the right variant, and the decisions written in the README and
//! `reference/hand-decisions.json` hold, each violation at its pointer, line and column.

use response_contract::{Contract, Expect, Severity, Validator, Variant, Violation, ViolationKind};

/// The 1-based line and column (in characters) where `needle` starts in `payload`.
fn at(payload: &str, needle: &str) -> (usize, usize) {
    let offset = payload
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the payload"));
    let before = &payload[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

fn position(v: &Violation) -> (usize, usize) {
    (v.location.line, v.location.column)
}

/// The variant a root example is: the policy's variants are told apart by `error`.
fn example_variant(example: &serde_json::Value) -> Variant {
    if example.get("error").is_some() {
        Variant::Abnormal
    } else {
        Variant::Normal
    }
}

#[test]
fn every_example_of_every_contract_is_valid_as_its_variant() {
    for &contract in Contract::all() {
        let document: serde_json::Value =
            serde_json::from_str(contract.document().source).expect("documents are JSON");
        let examples = document["examples"]
            .as_array()
            .expect("a root document has examples");
        let mut variants = Vec::new();
        for example in examples {
            let bytes = serde_json::to_vec_pretty(example).unwrap();
            let validator = Validator::new().contract(contract);
            let report = validator.strict(true).validate(&bytes);
            assert!(
                report.violations().is_empty(),
                "{contract}: {example}\n{report:#}"
            );
            assert!(validator.is_valid(&bytes));
            assert_eq!(
                report.variant(),
                Some(example_variant(example)),
                "{contract}: {example}"
            );
            variants.push(example_variant(example));
        }
        // Each contract shows both variants.
        assert_eq!(variants, [Variant::Normal, Variant::Abnormal], "{contract}");
    }
}

// ---------------------------------------------------------------------------------------------
// The job status (Querying Task Statuses)

/// The page's example response, written one member a line so that positions are easy to read.
const JOB_STATUS: &str = r#"{
  "begin_time": "2019-04-25T20:04:34.604Z",
  "end_time": "2019-04-25T20:08:41.593Z",
  "entities": {
    "sub_jobs": [
      {
        "begin_time": "2019-04-25T20:04:47.591Z",
        "end_time": "2019-04-25T20:08:21.328Z",
        "entities": {"server_id": "bae51750-0089-41a1-9b18-5c777978ff6d"},
        "error_code": null,
        "fail_reason": null,
        "job_id": "2c9eb2c5544cbf6101544f0635672b60",
        "job_type": "baremetalSingleCreate",
        "status": "SUCCESS"
      }
    ],
    "sub_jobs_total": 1
  },
  "error_code": null,
  "fail_reason": null,
  "job_id": "2c9eb2c5544cbf6101544f0602af2b4f",
  "job_type": "baremetalBatchCreate",
  "status": "SUCCESS"
}"#;

fn job_status() -> Validator {
    Validator::new().contract(Contract::JobStatus)
}

/// The example with `from` replaced by `to` (exactly once).
fn edited(from: &str, to: &str) -> String {
    assert_eq!(
        JOB_STATUS.matches(from).count(),
        1,
        "{from:?} is not unique"
    );
    JOB_STATUS.replacen(from, to, 1)
}

#[test]
fn the_job_status_example_is_valid_as_written_in_the_page() {
    let report = job_status().strict(true).validate(JOB_STATUS.as_bytes());
    assert!(report.violations().is_empty(), "{report:#}");
    assert_eq!(report.variant(), Some(Variant::Normal));
}

#[test]
fn each_listed_status_is_valid_and_any_other_is_an_enum_error_at_its_value() {
    for status in ["SUCCESS", "RUNNING", "FAIL", "INIT"] {
        let payload = edited(
            r#""status": "SUCCESS"
}"#,
            &format!("\"status\": \"{status}\"\n}}"),
        );
        assert!(
            job_status().validate(payload.as_bytes()).is_valid(),
            "{status}"
        );
    }
    let cases: &[(&str, &str, &str, &str)] = &[
        // (replace, with, pointer, where the value starts)
        (
            "\"status\": \"SUCCESS\"\n}",
            "\"status\": \"DONE\"\n}",
            "/status",
            "\"DONE\"",
        ),
        (
            "\"status\": \"SUCCESS\"\n}",
            "\"status\": \"success\"\n}",
            "/status",
            "\"success\"",
        ),
        (
            "\"status\": \"SUCCESS\"\n}",
            "\"status\": \"\"\n}",
            "/status",
            "\"\"\n}",
        ),
        (
            "\"status\": \"SUCCESS\"\n      }",
            "\"status\": \"PENDING\"\n      }",
            "/entities/sub_jobs/0/status",
            "\"PENDING\"",
        ),
    ];
    for (from, to, pointer, value) in cases {
        let payload = edited(from, to);
        let report = job_status().validate(payload.as_bytes());
        let errors: Vec<&Violation> = report.errors().collect();
        assert_eq!(errors.len(), 1, "{to}: {report:#}");
        let error = errors[0];
        assert_eq!(error.pointer, *pointer);
        assert!(
            matches!(&error.kind, ViolationKind::Keyword { keyword } if keyword == "enum"),
            "{error:?}"
        );
        assert!(
            error
                .keyword
                .as_deref()
                .is_some_and(|k| k.ends_with("/properties/status/enum"))
        );
        assert_eq!(position(error), at(&payload, value), "{error:#}");
        assert!(!job_status().is_valid(payload.as_bytes()));
    }
}

#[test]
fn error_code_and_fail_reason_are_strings_or_null_at_both_levels() {
    let valid = [
        (
            "\"error_code\": null,\n  \"fail_reason\": null",
            "\"error_code\": \"BMS.0001\",\n  \"fail_reason\": \"disk full\"",
        ),
        (
            "\"error_code\": null,\n        \"fail_reason\": null",
            "\"error_code\": \"\",\n        \"fail_reason\": \"\"",
        ),
    ];
    for (from, to) in valid {
        let payload = edited(from, to);
        assert!(
            job_status()
                .strict(true)
                .validate(payload.as_bytes())
                .is_valid(),
            "{payload}"
        );
    }
    let invalid = [
        (
            "\"error_code\": null,\n  \"fail",
            "\"error_code\": 0,\n  \"fail",
            "/error_code",
            "0,\n  \"fail",
        ),
        (
            "\"fail_reason\": null,\n        ",
            "\"fail_reason\": false,\n        ",
            "/entities/sub_jobs/0/fail_reason",
            "false",
        ),
    ];
    for (from, to, pointer, value) in invalid {
        let payload = edited(from, to);
        let report = job_status().validate(payload.as_bytes());
        let error = report
            .errors()
            .next()
            .unwrap_or_else(|| panic!("{payload} accepted"));
        assert_eq!(report.errors().count(), 1, "{report:#}");
        assert_eq!(
            (error.pointer.as_str(), error.kind.code()),
            (pointer, "type_mismatch")
        );
        assert_eq!(
            error.kind,
            ViolationKind::TypeMismatch {
                expected: vec![
                    response_contract::JsonType::String,
                    response_contract::JsonType::Null
                ],
                found: if value.starts_with('0') {
                    response_contract::JsonType::Number
                } else {
                    response_contract::JsonType::Boolean
                },
            }
        );
        assert_eq!(position(error), at(&payload, value));
    }
}

#[test]
fn message_and_code_are_optional_members_of_a_job_status() {
    // The example has neither; with both (strings) it is still a job status, without warnings.
    let payload = edited(
        "\"status\": \"SUCCESS\"\n}",
        "\"status\": \"FAIL\",\n  \"message\": \"disk full\",\n  \"code\": \"BMS.0001\"\n}",
    );
    let report = job_status().strict(true).validate(payload.as_bytes());
    assert!(report.violations().is_empty(), "{report:#}");
    assert_eq!(report.variant(), Some(Variant::Normal));
    // Listed, so typed: a number is an error at the value.
    let payload = edited(
        "\"status\": \"SUCCESS\"\n}",
        "\"status\": \"FAIL\",\n  \"code\": 400\n}",
    );
    let report = job_status().validate(payload.as_bytes());
    let error = report.errors().next().expect("a numeric code");
    assert_eq!(
        (error.pointer.as_str(), error.kind.code()),
        ("/code", "type_mismatch")
    );
    assert_eq!(position(error), at(&payload, "400"));
}

#[test]
fn sub_jobs_total_is_an_integer_and_1_0_is_one() {
    // JSON Schema 2020-12: "integer" is any number with a zero fractional part, so `1.0` is one.
    for total in ["0", "1.0", "10", "1e2", "0.1e1", "-3"] {
        let payload = edited(
            "\"sub_jobs_total\": 1",
            &format!("\"sub_jobs_total\": {total}"),
        );
        let report = job_status().validate(payload.as_bytes());
        assert!(report.is_valid(), "{total}: {report:#}");
        assert!(job_status().is_valid(payload.as_bytes()), "{total}");
    }
    for total in ["1.5", "\"1\"", "null", "1e-1", "[1]"] {
        let payload = edited(
            "\"sub_jobs_total\": 1",
            &format!("\"sub_jobs_total\": {total}"),
        );
        let report = job_status().validate(payload.as_bytes());
        let errors: Vec<&Violation> = report.errors().collect();
        assert_eq!(errors.len(), 1, "{total}: {report:#}");
        assert_eq!(errors[0].pointer, "/entities/sub_jobs_total");
        assert_eq!(errors[0].kind.code(), "type_mismatch", "{total}");
        assert_eq!(position(errors[0]), at(&payload, &format!("{total}\n  }}")));
        assert!(!job_status().is_valid(payload.as_bytes()));
    }
}

#[test]
fn unknown_members_of_a_job_status_are_warnings_and_errors_when_strict() {
    let payload = edited(
        "\"sub_jobs_total\": 1",
        "\"sub_jobs_total\": 1,\n    \"region\": \"eu-de\"",
    );
    let lenient = job_status().validate(payload.as_bytes());
    assert!(lenient.is_valid(), "{lenient:#}");
    let warning = &lenient.violations()[0];
    assert_eq!(lenient.violations().len(), 1);
    assert_eq!(warning.severity, Severity::Warning);
    assert_eq!(
        (warning.pointer.as_str(), warning.kind.code()),
        ("/entities/region", "unknown_member")
    );
    assert_eq!(position(warning), at(&payload, "\"region\""));
    let strict = job_status().strict(true).validate(payload.as_bytes());
    assert!(!strict.is_valid());
    assert_eq!(strict.errors().count(), 1);
    assert_eq!(
        position(strict.errors().next().unwrap()),
        at(&payload, "\"region\"")
    );
    assert!(!job_status().strict(true).is_valid(payload.as_bytes()));
}

#[test]
fn an_error_with_a_job_id_is_an_ambiguous_response() {
    let payload =
        "{\n  \"error\": {\"message\": \"\", \"code\": \"BMS.0002\"},\n  \"job_id\": \"2c9e\"\n}";
    let report = job_status().validate(payload.as_bytes());
    assert_eq!(report.variant(), Some(Variant::Abnormal));
    let errors: Vec<&Violation> = report.errors().collect();
    assert_eq!(errors.len(), 1, "{report:#}");
    assert_eq!(
        (errors[0].pointer.as_str(), errors[0].kind.code()),
        ("/job_id", "ambiguous_response")
    );
    assert_eq!(position(errors[0]), (3, 3));
    assert!(!job_status().is_valid(payload.as_bytes()));
}

#[test]
fn the_error_body_of_a_failed_query_is_the_abnormal_variant() {
    let payload =
        br#"{"error": {"message": "The BMS service is unavailable.", "code": "BMS.0002"}}"#;
    let report = job_status().strict(true).validate(payload);
    assert!(report.violations().is_empty(), "{report:#}");
    assert_eq!(report.variant(), Some(Variant::Abnormal));
    // Table 3's members are required there.
    let report = job_status().validate(br#"{"error": {"message": ""}}"#);
    let error = report.errors().next().expect("a missing code");
    assert_eq!(
        (error.pointer.as_str(), error.kind.code()),
        ("/error/code", "missing_member")
    );
    assert_eq!(position(error), (1, 11));
}

#[test]
fn a_job_status_where_an_error_is_expected_is_an_unexpected_variant() {
    let expect = Expect::from_status(500).expect("5xx is abnormal");
    assert_eq!(expect, Expect::Abnormal);
    let validator = job_status().expect(expect);
    let report = validator.validate(JOB_STATUS.as_bytes());
    let errors: Vec<&Violation> = report.errors().collect();
    assert_eq!(errors.len(), 1, "{report:#}");
    assert_eq!(
        errors[0].kind,
        ViolationKind::UnexpectedVariant {
            expected: Variant::Abnormal,
            found: Variant::Normal
        }
    );
    assert_eq!(
        (errors[0].pointer.as_str(), position(errors[0])),
        ("", (1, 1))
    );
    assert!(!validator.is_valid(JOB_STATUS.as_bytes()));
    // And the other way round.
    let validator = job_status().expect(Expect::Normal);
    let report = validator.validate(br#"{"error": {"message": "", "code": "BMS.0002"}}"#);
    assert_eq!(
        report.errors().next().map(|v| v.kind.code()),
        Some("unexpected_variant")
    );
}

#[test]
fn a_job_status_without_its_required_members_lists_each_at_the_object() {
    // Required: the members of the page's example; `message` and `code` are not among them.
    let payload = "{\n  \"job_id\": \"x\",\n  \"status\": \"INIT\"\n}";
    let report = job_status().validate(payload.as_bytes());
    let mut missing: Vec<&str> = report.errors().map(|v| v.pointer.as_str()).collect();
    missing.sort_unstable();
    assert_eq!(
        missing,
        [
            "/begin_time",
            "/end_time",
            "/entities",
            "/error_code",
            "/fail_reason",
            "/job_type"
        ]
    );
    for v in report.errors() {
        assert_eq!((v.kind.code(), position(v)), ("missing_member", (1, 1)));
    }
}

#[test]
fn an_object_with_neither_variant_s_members_is_no_variant() {
    let report = job_status().validate(b"{\"region\": \"eu-de\"}");
    let errors: Vec<&Violation> = report.errors().collect();
    assert_eq!(errors.len(), 1, "{report:#}");
    assert_eq!(
        (errors[0].kind.code(), position(errors[0])),
        ("no_variant", (1, 1))
    );
    assert_eq!(report.variant(), None);
}

// ---------------------------------------------------------------------------------------------
// The Task ID Response

fn task_id() -> Validator {
    Validator::new().contract(Contract::TaskIdResponse)
}

/// An error as the tables below write it: pointer, kind, line, column.
type Located<'a> = (&'a str, &'a str, usize, usize);

#[test]
fn task_id_response_decisions_hold() {
    let cases: &[(&str, &[Located])] = &[
        (r#"{"job_id": "70a599e0-31e7-49b7-b260-868f441e862b"}"#, &[]),
        (r#"{"job_id": ""}"#, &[]),
        (r#"{"error": {"message": "", "code": "BMS.0001"}}"#, &[]),
        (r#"{"job_id": 7}"#, &[("/job_id", "type_mismatch", 1, 12)]),
        (
            r#"{"error": {"message": "", "code": 400}}"#,
            &[("/error/code", "type_mismatch", 1, 35)],
        ),
        (
            r#"{"error": {"code": "x"}}"#,
            &[("/error/message", "missing_member", 1, 11)],
        ),
        (
            r#"{"job_id": "a", "error": {"message": "", "code": "x"}}"#,
            &[("/job_id", "ambiguous_response", 1, 2)],
        ),
        // Not a member of this contract: with `job_id` absent, neither variant.
        (
            r#"{"order_id": "CS2009141523OQSEQ"}"#,
            &[("", "no_variant", 1, 1)],
        ),
        ("[]", &[("", "type_mismatch", 1, 1)]),
    ];
    for (payload, expected) in cases {
        let report = task_id().validate(payload.as_bytes());
        let errors: Vec<Located> = report
            .errors()
            .map(|v| {
                (
                    v.pointer.as_str(),
                    v.kind.code(),
                    v.location.line,
                    v.location.column,
                )
            })
            .collect();
        assert_eq!(errors, *expected, "{payload}\n{report:#}");
        assert_eq!(
            task_id().is_valid(payload.as_bytes()),
            expected.is_empty(),
            "{payload}"
        );
    }
}

#[test]
fn task_id_response_unknown_members_are_warnings_and_errors_when_strict() {
    let payload = br#"{"job_id": "70a5", "order_id": "CS2009"}"#;
    let lenient = task_id().validate(payload);
    assert!(lenient.is_valid());
    assert_eq!(lenient.variant(), Some(Variant::Normal));
    let warning = &lenient.violations()[0];
    assert_eq!(
        (warning.severity, warning.pointer.as_str()),
        (Severity::Warning, "/order_id")
    );
    assert_eq!(position(warning), (1, 20));
    assert!(!task_id().strict(true).validate(payload).is_valid());
    assert!(!task_id().strict(true).is_valid(payload));
}

#[test]
fn task_id_response_expectations_follow_the_status() {
    let normal = br#"{"job_id": "70a5"}"#;
    let abnormal = br#"{"error": {"message": "", "code": "BMS.0001"}}"#;
    let as_202 = task_id().expect(Expect::from_status(202).unwrap());
    let as_404 = task_id().expect(Expect::from_status(404).unwrap());
    assert!(as_202.validate(normal).is_valid() && as_404.validate(abnormal).is_valid());
    for (validator, payload) in [(as_202, &abnormal[..]), (as_404, &normal[..])] {
        let report = validator.validate(payload);
        assert_eq!(
            report.errors().map(|v| v.kind.code()).collect::<Vec<_>>(),
            ["unexpected_variant"]
        );
    }
}

/// Library bug, reported: `Validator::parse` decodes every contract's payload as the Order ID
/// Response's typed value, so a valid Task ID Response or job status fails to parse with a
/// `syntax` violation ("cannot decode the typed value: missing field `order_id`").
#[test]
fn a_valid_payload_of_every_contract_decodes_and_the_order_id_response_parses() {
    for &contract in Contract::all() {
        let document: serde_json::Value = serde_json::from_str(contract.document().source).unwrap();
        for example in document["examples"].as_array().unwrap() {
            let bytes = serde_json::to_vec(example).unwrap();
            let validator = Validator::new().contract(contract);
            let checked = validator
                .decode::<serde_json::Value>(&bytes)
                .unwrap_or_else(|report| panic!("{contract}: {example}: {report:?}"));
            assert_eq!(checked.value(), example);
            if contract == Contract::OrderIdResponse {
                assert!(validator.parse(&bytes).is_ok(), "{example}");
            }
        }
    }
    // A value that breaks the type the caller asks for is a located violation, not a panic.
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Wrong {
        job_id: u64,
    }
    let report = Validator::new()
        .contract(Contract::TaskIdResponse)
        .decode::<Wrong>(br#"{"job_id": "x"}"#)
        .expect_err("a string is not a u64");
    let violation = &report.violations()[0];
    assert_eq!(violation.location.line, 1);
    assert!(
        violation
            .message
            .starts_with("(root): cannot decode the typed value: invalid type: string"),
        "{}",
        violation.message
    );
}
