//! Checking against any JSON Schema 2020-12 document: the same located diagnostics, the best
//! branch of a failed `oneOf`/`anyOf` rather than the whole tree, clear errors for bad schemas.

use response_contract::{Error, JsonType, Schema, ViolationKind};

fn summary(report: &response_contract::Report) -> Vec<(String, &'static str, usize, usize)> {
    report
        .violations()
        .iter()
        .map(|v| {
            (
                v.pointer.clone(),
                v.kind.code(),
                v.location.line,
                v.location.column,
            )
        })
        .collect()
}

#[test]
fn violations_are_located_in_the_raw_payload() {
    let schema = Schema::from_json(
        br#"{"type": "object", "required": ["id", "tags"],
            "properties": {"id": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "string"}}},
            "additionalProperties": false}"#,
        "inline",
    )
    .unwrap();
    let report =
        schema.validate(b"{\n  \"id\": \"7\",\n  \"tags\": [\"a\", 2],\n  \"extra\": null\n}");
    assert_eq!(
        summary(&report),
        [
            ("/id".to_owned(), "type_mismatch", 2, 9),
            ("/tags/1".to_owned(), "type_mismatch", 3, 17),
            ("/extra".to_owned(), "unknown_member", 4, 3),
        ]
    );
    assert_eq!(
        report.violations()[0].message,
        "/id: expected an integer, found the string \"7\""
    );
    assert_eq!(
        report.violations()[0].keyword.as_deref(),
        Some("inline#/properties/id/type")
    );
    assert_eq!(
        report.violations()[0].kind,
        ViolationKind::TypeMismatch {
            expected: vec![JsonType::Integer],
            found: JsonType::String
        }
    );
    assert_eq!(
        summary(&schema.validate(b"{}")),
        [
            ("/id".to_owned(), "missing_member", 1, 1),
            ("/tags".to_owned(), "missing_member", 1, 1)
        ]
    );
}

#[test]
fn a_failed_one_of_reports_the_branch_that_reached_deepest() {
    let schema = Schema::from_json(
        br#"{"oneOf": [
            {"type": "object", "required": ["ok"], "properties": {"ok": {"type": "string"}}},
            {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}}}}}
        ]}"#,
        "inline",
    )
    .unwrap();
    // The second branch got as far as /error/code: that is the one reported, alone.
    let report = schema.validate(br#"{"error": {"code": 400}}"#);
    assert_eq!(
        summary(&report),
        [("/error/code".to_owned(), "type_mismatch", 1, 20)]
    );
    // Equal reach: the branch with fewer violations wins.
    let report = schema.validate(br#"{"error": {}}"#);
    assert_eq!(
        summary(&report),
        [("/error/code".to_owned(), "missing_member", 1, 11)]
    );
    // Raw-payload hazards are found exactly as for the built-in contract.
    let report = schema.validate(br#"{"ok": "a", "ok": "b"}"#);
    assert_eq!(
        summary(&report),
        [("/ok".to_owned(), "duplicate_member", 1, 13)]
    );
}

#[test]
fn the_contract_documents_through_the_engine_match_the_built_in_check_on_fixtures() {
    let engine = Schema::order_id_response();
    for payload in [
        &br#"{"error": {"message": "", "code": 400}}"#[..],
        br#"{"order_id": "a"}"#,
        br#"{"error": 1}"#,
        b"[1]",
    ] {
        let ours = response_contract::validate(payload);
        let theirs = engine.validate(payload);
        assert_eq!(ours.is_valid(), theirs.is_valid());
        assert_eq!(
            ours.violations()[0].pointer,
            theirs.violations()[0].pointer,
            "{}",
            String::from_utf8_lossy(payload)
        );
    }
}

#[test]
fn a_user_schema_can_reference_the_contract_documents() {
    let schema = Schema::from_json(
        br#"{"$ref": "https://response-contract.invalid/schemas/bms/error.schema.json"}"#,
        "inline",
    )
    .unwrap();
    assert!(schema.is_valid(br#"{"message": "", "code": "BMS.0001"}"#));
    let report = schema.validate(br#"{"message": "", "code": 1}"#);
    assert_eq!(
        report.violations()[0].keyword.as_deref(),
        Some("error.schema.json#/properties/code/type")
    );
}

#[test]
fn bad_schemas_are_errors_that_say_what_is_wrong() {
    match Schema::from_json(b"{\"type\": ", "s.json") {
        Err(e @ Error::SchemaNotJson { .. }) => assert!(
            e.to_string().starts_with("the schema s.json is not JSON: "),
            "{e}"
        ),
        other => panic!("{other:?}"),
    }
    match Schema::from_json(br#"{"type": "strnig"}"#, "s.json") {
        Err(e @ Error::InvalidSchema { .. }) => {
            let text = e.to_string();
            assert!(
                text.starts_with(
                    "the schema s.json is not a valid JSON Schema 2020-12 document: at /type:"
                ),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
    match Schema::from_json(
        br#"{"properties": {"a": {"$ref": "other.json"}}}"#,
        "s.json",
    ) {
        Err(e @ Error::UnresolvedReference { .. }) => assert_eq!(
            e.to_string(),
            "the schema s.json refers to `other.json` (at /properties/a), which none of the given documents defines"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn documents_given_together_resolve_relative_references() {
    let error =
        br#"{"type": "object", "properties": {"code": {"type": "string"}}, "required": ["code"]}"#;
    let root = br#"{"type": "object", "properties": {"error": {"$ref": "common/error.json"}}}"#;
    let schema = response_contract::Schema::from_documents(
        &[("api/root.json", root), ("api/common/error.json", error)],
        "api/root.json",
    )
    .expect("the documents compile");
    let report = schema.validate(br#"{"error": {"code": 1}}"#);
    assert_eq!(report.violations()[0].pointer, "/error/code");
    assert!(schema.is_valid(br#"{"error": {"code": "E"}}"#));
}
