//! Importing hand-made pages (`tests/import_pages/`) through the library: each page problem is a
//! located diagnostic (file:line:column, severity, kind, message), never a panic, and the
//! documents are still generated where the page allows.

use std::path::PathBuf;

use response_contract::{
    DiagnosticKind, Import, ImportError, ImportOptions, Policy, Required, Schema, Severity,
    import_page,
};
use serde_json::json;

fn page(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/import_pages")).join(name)
}

fn import(name: &str) -> Import {
    import_page(&page(name), &ImportOptions::default()).expect("a readable page")
}

/// (line, column, severity, kind) of every diagnostic.
fn located(import: &Import) -> Vec<(usize, usize, Severity, DiagnosticKind)> {
    import
        .diagnostics()
        .iter()
        .map(|d| (d.line, d.column, d.severity, d.kind))
        .collect()
}

fn compile(import: &Import) -> Schema {
    let texts: Vec<(String, Vec<u8>)> = import
        .documents()
        .iter()
        .map(|d| (d.file.clone(), d.to_pretty().into_bytes()))
        .collect();
    let pairs: Vec<(&str, &[u8])> = texts
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    Schema::from_documents(&pairs, import.root().unwrap()).unwrap()
}

#[test]
fn a_clean_page_has_no_diagnostics_and_its_documents_follow_the_policy() {
    let import = import("clean_page.rst");
    assert!(
        import.diagnostics().is_empty(),
        "{:#?}",
        import.diagnostics()
    );
    assert_eq!(import.root(), Some("clean-page.schema.json"));
    let files: Vec<&str> = import.documents().iter().map(|d| d.file.as_str()).collect();
    assert_eq!(
        files,
        [
            "clean-page.schema.json",
            "normal-response.schema.json",
            "parts.schema.json"
        ]
    );
    let normal = &import
        .document("normal-response.schema.json")
        .unwrap()
        .value;
    assert_eq!(normal["required"], json!(["id", "size", "state", "parts"]));
    assert_eq!(normal["properties"]["state"]["enum"], json!(["ON", "OFF"]));
    assert_eq!(
        normal["properties"]["parts"],
        json!({
            "description": "Specifies the parts. For details, see Table 2.",
            "type": "array",
            "items": {"$ref": "parts.schema.json"}
        })
    );
    let parts = &import.document("parts.schema.json").unwrap().value;
    assert_eq!(parts["properties"]["created"]["format"], "date-time");
    assert_eq!(
        parts["properties"]["note"]["type"],
        json!(["string", "null"])
    );
    assert_eq!(import.examples().len(), 1);
    assert!(import.examples()[0].is_json && import.examples()[0].valid);
    let schema = compile(&import);
    assert!(schema.is_valid(br#"{"id": "a", "size": 1, "state": "OFF", "parts": []}"#));
    assert!(!schema.is_valid(br#"{"id": "a", "size": 1, "state": "DIM", "parts": []}"#));
}

#[test]
fn the_policy_is_configurable() {
    let options = |policy: Policy| ImportOptions::default().policy(policy);
    let plain = import_page(
        &page("clean_page.rst"),
        &options(
            Policy::default()
                .required(Required::None)
                .nullable_from_example(false)
                .enum_from_description(false)
                .date_time_from_iso8601(false),
        ),
    )
    .unwrap();
    let normal = &plain.document("normal-response.schema.json").unwrap().value;
    assert!(normal.get("required").is_none());
    assert!(normal["properties"]["state"].get("enum").is_none());
    let parts = &plain.document("parts.schema.json").unwrap().value;
    assert!(parts["properties"]["created"].get("format").is_none());
    assert_eq!(parts["properties"]["note"]["type"], "string");
    // Without nullable-from-example, the page's own example (`"note": null`) contradicts it.
    assert_eq!(
        located(&plain),
        [(
            43,
            78,
            Severity::Error,
            DiagnosticKind::ExampleContradictsTables
        )]
    );
    let example = import_page(
        &page("example_contradicts_tables.rst"),
        &options(Policy::default().required(Required::Example)),
    )
    .unwrap();
    let doc = &example
        .document("normal-response.schema.json")
        .unwrap()
        .value;
    assert_eq!(doc["required"], json!(["id", "count"]));
}

#[test]
fn a_malformed_grid_table_is_an_error_at_the_broken_boundary() {
    let import = import("malformed_grid_table.rst");
    assert_eq!(
        located(&import),
        [(10, 22, Severity::Error, DiagnosticKind::MalformedTable)]
    );
    assert_eq!(
        import.diagnostics()[0].to_string(),
        format!(
            "{}:10:22: error: malformed grid table: expected `|` at a column boundary, found a space (spanned cells are not supported)",
            page("malformed_grid_table.rst").display()
        )
    );
    // The table is skipped: nothing to generate.
    assert!(import.documents().is_empty() && import.root().is_none());
}

#[test]
fn a_ref_to_a_missing_table_is_an_error_at_the_ref() {
    let import = import("missing_table_ref.rst");
    assert_eq!(
        located(&import),
        [(14, 41, Severity::Error, DiagnosticKind::MissingTable)]
    );
    assert_eq!(
        import.diagnostics()[0].message,
        "`owner`: :ref: to a table this page does not have: `dangling__table5`"
    );
    // The member is still an object, without a nested schema.
    let normal = &import
        .document("normal-response.schema.json")
        .unwrap()
        .value;
    assert_eq!(normal["properties"]["owner"]["type"], "object");
}

#[test]
fn an_unknown_type_spelling_is_a_warning_and_the_member_accepts_anything() {
    let import = import("unknown_type.rst");
    assert_eq!(
        located(&import),
        [(11, 11, Severity::Warning, DiagnosticKind::UnknownType)]
    );
    assert!(!import.has_errors());
    let normal = &import
        .document("normal-response.schema.json")
        .unwrap()
        .value;
    assert_eq!(
        normal["properties"]["weight"],
        json!({"description": "Specifies the weight."})
    );
}

#[test]
fn an_example_that_is_not_json_is_an_error_at_the_exact_character() {
    let import = import("example_not_json.rst");
    assert_eq!(
        located(&import),
        [(21, 19, Severity::Error, DiagnosticKind::ExampleNotJson)]
    );
    assert_eq!(
        import.diagnostics()[0].message,
        "the example response is not JSON: expected a JSON value, found `X`"
    );
    assert!(!import.examples()[0].is_json);
    // Documents are still generated, without the example.
    let root = &import
        .document("example-not-json.schema.json")
        .unwrap()
        .value;
    assert!(root.get("examples").is_none());
}

#[test]
fn an_example_contradicting_the_tables_is_an_error_at_the_value() {
    let import = import("example_contradicts_tables.rst");
    assert_eq!(
        located(&import),
        [(
            20,
            14,
            Severity::Error,
            DiagnosticKind::ExampleContradictsTables
        )]
    );
    assert_eq!(
        import.diagnostics()[0].message,
        "the example response contradicts the tables: /id: expected a string, found the number 7"
    );
    assert!(!import.examples()[0].valid);
}

#[test]
fn an_unreadable_page_is_a_tool_error_not_a_diagnostic() {
    let missing = import_page(&page("no_such_page.rst"), &ImportOptions::default());
    assert!(matches!(missing, Err(ImportError::Read { .. })));
}

#[test]
fn arbitrary_text_never_panics() {
    let inputs = [
        "",
        "+",
        "+--+\n|\n",
        "+---+---+\n| a | b |\n+===+===+\n",
        "=== ===\n",
        "=== ===\na b\n=== ===\n",
        "T\n=\n\nResponse\n--------\n\n::\n\n   {\n",
        "Response\n--------\n\n+-----------+------+\n| Parameter | Type |\n+===========+======+\n| x         | é    |\n+-----------+------+\n",
        "..table:: **Table**\n\n   ====\n",
        ":ref:`",
    ];
    for input in inputs {
        let _ = response_contract::import_source(input, "x.rst", &ImportOptions::default());
    }
    // Every prefix of a real page, too.
    let page = std::fs::read_to_string(page("clean_page.rst")).unwrap();
    for end in (0..page.len()).filter(|&i| page.is_char_boundary(i)) {
        let _ = response_contract::import_source(&page[..end], "x.rst", &ImportOptions::default());
    }
}
