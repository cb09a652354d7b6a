//! Table-driven: fixture payloads with the exact violations each must give (severity, kind,
//! pointer, line, column), the reference page's own examples among them.

use response_contract::{Expect, Severity, Validator, Variant};

const E: Severity = Severity::Error;
const W: Severity = Severity::Warning;

type Expected = &'static [(Severity, &'static str, &'static str, usize, usize)];

const DOC_NORMAL: &str = r#"{
    "order_id": "CS2009141523OQSEQ",
    "job_id": "ff808081748b760c01748b7f80370003"
}"#;

/// The reference page's abnormal example, verbatim: `XXX` is a placeholder, not JSON.
const DOC_ABNORMAL_LITERAL: &str = r#"{
    "error": {"message": "", "code": XXX}
}"#;

const CASES: &[(&str, &[u8], Option<Variant>, Expected)] = &[
    (
        "doc normal example",
        DOC_NORMAL.as_bytes(),
        Some(Variant::Normal),
        &[],
    ),
    (
        "doc abnormal example, literally",
        DOC_ABNORMAL_LITERAL.as_bytes(),
        None,
        &[(E, "syntax", "/error/code", 2, 38)],
    ),
    (
        "doc abnormal example with a real code",
        br#"{"error": {"message": "", "code": "BMS.0001"}}"#,
        Some(Variant::Abnormal),
        &[],
    ),
    (
        "numeric code",
        br#"{"error": {"message": "", "code": 400}}"#,
        Some(Variant::Abnormal),
        &[(E, "type_mismatch", "/error/code", 1, 35)],
    ),
    ("empty object", b"{}", None, &[(E, "no_variant", "", 1, 1)]),
    (
        "only unknown members",
        br#"{"status": "ok"}"#,
        None,
        &[
            (E, "no_variant", "", 1, 1),
            (W, "unknown_member", "/status", 1, 2),
        ],
    ),
    (
        "missing job_id",
        br#"{"order_id": "a"}"#,
        Some(Variant::Normal),
        &[(E, "missing_member", "/job_id", 1, 1)],
    ),
    (
        "missing code",
        b"{\"error\":\n  {\"message\": \"m\"}}",
        Some(Variant::Abnormal),
        &[(E, "missing_member", "/error/code", 2, 3)],
    ),
    (
        "error is a string",
        br#"{"error": "boom"}"#,
        Some(Variant::Abnormal),
        &[(E, "type_mismatch", "/error", 1, 11)],
    ),
    (
        "null job_id",
        br#"{"order_id": "a", "job_id": null}"#,
        Some(Variant::Normal),
        &[(E, "type_mismatch", "/job_id", 1, 29)],
    ),
    (
        "both a result and an error",
        br#"{"order_id": "a", "job_id": "b", "error": {"message": "", "code": "c"}}"#,
        Some(Variant::Abnormal),
        &[
            (E, "ambiguous_response", "/order_id", 1, 2),
            (E, "ambiguous_response", "/job_id", 1, 19),
        ],
    ),
    (
        "unknown member is a warning",
        br#"{"order_id": "a", "job_id": "b", "region": "eu-de"}"#,
        Some(Variant::Normal),
        &[(W, "unknown_member", "/region", 1, 34)],
    ),
    (
        "unknown member inside error",
        br#"{"error": {"message": "", "code": "c", "details": []}}"#,
        Some(Variant::Abnormal),
        &[(W, "unknown_member", "/error/details", 1, 40)],
    ),
    (
        "duplicate at the top",
        br#"{"order_id": "a", "order_id": "b", "job_id": "c"}"#,
        Some(Variant::Normal),
        &[(E, "duplicate_member", "/order_id", 1, 19)],
    ),
    (
        "duplicate deep inside an unknown member",
        br#"{"order_id": "a", "job_id": "c", "x": [{"k": 1, "k": 2}]}"#,
        Some(Variant::Normal),
        &[
            (W, "unknown_member", "/x", 1, 34),
            (E, "duplicate_member", "/x/0/k", 1, 49),
        ],
    ),
    (
        "top-level array",
        b"[]",
        None,
        &[(E, "type_mismatch", "", 1, 1)],
    ),
    (
        "top-level string",
        b"  \"order\"",
        None,
        &[(E, "type_mismatch", "", 1, 3)],
    ),
    ("empty input", b"", None, &[(E, "empty", "", 1, 1)]),
    (
        "whitespace only",
        b" \n\t ",
        None,
        &[(E, "empty", "", 2, 3)],
    ),
    (
        "trailing data",
        br#"{"error": {"message": "", "code": "c"}} {}"#,
        None,
        &[(E, "trailing_data", "", 1, 41)],
    ),
    (
        "truncated",
        br#"{"order_id": "a", "job_"#,
        None,
        &[(E, "syntax", "", 1, 19)],
    ),
    (
        "trailing comma",
        br#"{"order_id": "a", "job_id": "b",}"#,
        None,
        &[(E, "syntax", "", 1, 33)],
    ),
    (
        "single quotes",
        b"{'order_id': 'a'}",
        None,
        &[(E, "syntax", "", 1, 2)],
    ),
    (
        "invalid UTF-8 in a value",
        b"{\"order_id\": \"a\xC3\x28\", \"job_id\": \"b\"}",
        Some(Variant::Normal),
        &[(E, "invalid_utf8", "", 1, 16)],
    ),
    (
        "byte-order mark",
        b"\xEF\xBB\xBF{\"order_id\": \"a\", \"job_id\": \"b\"}",
        Some(Variant::Normal),
        &[(E, "byte_order_mark", "", 1, 1)],
    ),
    (
        "lone surrogate",
        br#"{"error": {"message": "\ud800", "code": "c"}}"#,
        Some(Variant::Abnormal),
        &[(E, "lone_surrogate", "/error/message", 1, 24)],
    ),
    (
        "escaped surrogate pair is fine",
        br#"{"error": {"message": "\ud83d\ude00", "code": "c"}}"#,
        Some(Variant::Abnormal),
        &[],
    ),
    (
        "columns count characters",
        "{\"error\": {\"message\": \"défaut ✓\", \"code\": 1}}".as_bytes(),
        Some(Variant::Abnormal),
        &[(E, "type_mismatch", "/error/code", 1, 43)],
    ),
    (
        "CRLF line ends",
        b"{\r\n  \"order_id\": \"a\",\r\n  \"job_id\": 7\r\n}",
        Some(Variant::Normal),
        &[(E, "type_mismatch", "/job_id", 3, 13)],
    ),
    (
        "pointer escaping",
        br#"{"order_id": "a", "job_id": "b", "a/b~c": 1}"#,
        Some(Variant::Normal),
        &[(W, "unknown_member", "/a~1b~0c", 1, 34)],
    ),
    (
        "control character in a string",
        b"{\"order_id\": \"a\nb\", \"job_id\": \"c\"}",
        None,
        &[(E, "syntax", "/order_id", 1, 16)],
    ),
    (
        "leading zero",
        br#"{"order_id": "a", "job_id": 012}"#,
        None,
        &[(E, "syntax", "/job_id", 1, 30)],
    ),
    (
        "bad literal",
        br#"{"order_id": "a", "job_id": nul}"#,
        None,
        &[(E, "syntax", "/job_id", 1, 32)],
    ),
];

#[test]
fn each_fixture_gives_exactly_its_violations() {
    for (name, payload, variant, expected) in CASES {
        let report = response_contract::validate(payload);
        let got: Vec<_> = report
            .violations()
            .iter()
            .map(|v| {
                (
                    v.severity,
                    v.kind.code(),
                    v.pointer.as_str(),
                    v.location.line,
                    v.location.column,
                )
            })
            .collect();
        assert_eq!(&got, expected, "{name}:\n{report:#}");
        assert_eq!(report.variant(), *variant, "{name}");
        assert_eq!(
            response_contract::is_valid(payload),
            report.is_valid(),
            "{name}"
        );
        for v in report.violations() {
            assert!(
                v.message.starts_with(if v.pointer.is_empty() {
                    "(root)"
                } else {
                    &v.pointer
                }),
                "{name}: {}",
                v.message
            );
        }
    }
}

#[test]
fn messages_read_as_pinned() {
    let message = |payload: &[u8]| {
        response_contract::validate(payload).violations()[0]
            .message
            .clone()
    };
    assert_eq!(
        message(br#"{"error": {"message": "", "code": 400}}"#),
        "/error/code: expected a string, found the number 400"
    );
    assert_eq!(
        message(DOC_ABNORMAL_LITERAL.as_bytes()),
        "/error/code: not JSON: expected a JSON value, found `X`"
    );
    assert_eq!(
        message(br#"{"order_id": "a"}"#),
        "/job_id: the required member `job_id` is missing"
    );
    assert_eq!(
        message(br#"{"error": true}"#),
        "/error: expected an object, found the boolean true"
    );
    assert_eq!(
        message(br#"{"order_id": ["a"], "job_id": "b"}"#),
        "/order_id: expected a string, found an array of 1 item"
    );
    assert_eq!(
        message(b"{}"),
        "(root): expected `order_id` and `job_id` (a normal response) or `error` (an abnormal response), found an empty object"
    );
    assert_eq!(
        message(br#"{"order_id": "a", "order_id": "a", "job_id": "b"}"#),
        "/order_id: the member name is repeated (first at line 1, column 2); parsers disagree on which copy wins"
    );
    let long = format!(
        r#"{{"order_id": "a", "job_id": {{"k": "{}"}}}}"#,
        "x".repeat(100)
    );
    assert!(message(long.as_bytes()).ends_with("found an object with 1 member"));
    let long = format!(r#"{{"error": "{}"}}"#, "y".repeat(100));
    assert_eq!(
        message(long.as_bytes()),
        format!(
            "/error: expected an object, found the string \"{}…\"",
            "y".repeat(40)
        )
    );
}

#[test]
fn display_forms_are_pinned() {
    let report = response_contract::validate(br#"{"error": {"message": "", "code": 400}}"#);
    assert_eq!(
        report.to_string(),
        "error: /error/code: expected a string, found the number 400"
    );
    assert_eq!(
        format!("{report:#}"),
        "error: /error/code: expected a string, found the number 400 (at 1:35, error.schema.json#/properties/code/type)"
    );
    let v = &report.violations()[0];
    assert_eq!(v.to_string(), v.message);
    assert_eq!(
        response_contract::validate(DOC_NORMAL.as_bytes()).to_string(),
        "valid (normal)"
    );
}

#[test]
fn expected_variant_and_status_codes_judge_the_other_variant_as_a_violation() {
    let abnormal = br#"{"error": {"message": "", "code": "BMS.0001"}}"#;
    let report = Validator::new()
        .expect(Expect::from_status(202).unwrap())
        .validate(abnormal);
    let kinds: Vec<_> = report.violations().iter().map(|v| v.kind.code()).collect();
    assert_eq!(kinds, ["unexpected_variant"]);
    assert_eq!(
        report.violations()[0].message,
        "(root): expected a normal response, found an abnormal response"
    );
    assert_eq!(report.variant(), Some(Variant::Abnormal));
    assert!(
        Validator::new()
            .expect(Expect::from_status(400).unwrap())
            .is_valid(abnormal)
    );
    assert!(
        Validator::new()
            .expect(Expect::from_status(503).unwrap())
            .is_valid(abnormal)
    );
    for status in [100, 199, 302, 304, 600, 0] {
        assert!(Expect::from_status(status).is_err(), "{status}");
    }
    // An empty object under an explicit expectation says what that variant needs.
    let normal = Validator::new().expect(Expect::Normal).validate(b"{}");
    let pointers: Vec<_> = normal
        .violations()
        .iter()
        .map(|v| v.pointer.as_str())
        .collect();
    assert_eq!(pointers, ["/order_id", "/job_id"]);
    let abnormal = Validator::new().expect(Expect::Abnormal).validate(b"{}");
    let pointers: Vec<_> = abnormal
        .violations()
        .iter()
        .map(|v| v.pointer.as_str())
        .collect();
    assert_eq!(pointers, ["/error"]);
}
