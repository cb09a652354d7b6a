//! With redaction on, reports give the type and length of offending values, never the values.

use response_contract::{Limits, Schema, Validator};

const SECRET: &str = "s3cr3t-t0ken";

#[test]
fn redacted_reports_never_contain_offending_values() {
    let payloads = [
        format!(r#"{{"error": {{"message": "", "code": "{SECRET}"}}, "order_id": 1}}"#),
        format!(r#"{{"error": "{SECRET}"}}"#),
        format!(r#"{{"order_id": ["{SECRET}"], "job_id": 12345678}}"#),
        format!(r#"{{"order_id": "{SECRET}", "job_id": true}}"#),
        r#"{"order_id": "a", "job_id": 31415926}"#.to_owned(),
    ];
    for payload in &payloads {
        let report = Validator::new().redact(true).validate(payload.as_bytes());
        assert!(!report.is_valid());
        let text = format!("{report:#}");
        assert!(
            !text.contains(SECRET) && !text.contains("31415926") && !text.contains("12345678"),
            "{text}"
        );
    }
    let report = Validator::new()
        .redact(true)
        .validate(br#"{"error": "abc"}"#);
    assert_eq!(
        report.violations()[0].message,
        "/error: expected an object, found a string of 3 characters"
    );
    let report = Validator::new()
        .redact(true)
        .validate(br#"{"error": {"message": "", "code": 400}}"#);
    assert_eq!(
        report.violations()[0].message,
        "/error/code: expected a string, found a number of 3 characters"
    );
    // Unredacted, the value is shown: the switch is what hides it.
    let report = Validator::new().validate(br#"{"error": "abc"}"#);
    assert!(
        report.violations()[0]
            .message
            .ends_with("found the string \"abc\"")
    );
}

#[test]
fn redaction_covers_user_schema_keywords_too() {
    let schema = Schema::from_json(
        br#"{"properties": {"token": {"pattern": "^tok-", "enum": ["tok-1"]}}}"#,
        "inline",
    )
    .unwrap()
    .redact(true)
    .limits(Limits::default());
    let report = schema.validate(format!(r#"{{"token": "{SECRET}"}}"#).as_bytes());
    assert_eq!(report.violations().len(), 2);
    for v in report.violations() {
        assert!(!v.message.contains(SECRET), "{}", v.message);
        assert!(
            v.message.ends_with("found a string of 12 characters"),
            "{}",
            v.message
        );
    }
}
