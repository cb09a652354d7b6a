//! `check --schema` with schemas split over several files, the way projects keep them: a root
//! file whose relative `$ref`s name other files (in subfolders too), documents beside it known by
//! their `$id`, or a whole directory. Nothing outside the given files is ever read or fetched.

mod cli_support;

use cli_support::Workspace;

const ERROR: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
  "required": ["code", "message"]
}"#;

const ROOT: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {
    "error": {"$ref": "common/error.json"},
    "job": {"$ref": "https://example.test/schemas/job.json"}
  }
}"#;

const JOB: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://example.test/schemas/job.json",
  "type": "object",
  "properties": {"status": {"enum": ["RUNNING", "SUCCESS"]}},
  "required": ["status"]
}"#;

fn split() -> Workspace {
    let ws = Workspace::new();
    ws.write("schemas/api.json", ROOT);
    ws.write("schemas/common/error.json", ERROR);
    ws.write("schemas/job.json", JOB);
    // A payload kept beside the schemas is not a schema of the set, and must not break it.
    ws.write("schemas/example-payload.json", r#"{"error": 1}"#);
    ws
}

#[test]
fn a_root_file_reaches_relative_files_and_documents_beside_it_by_id() {
    let ws = split();
    ws.write(
        "ok.json",
        r#"{"error": {"code": "E1", "message": ""}, "job": {"status": "RUNNING"}}"#,
    );
    ws.write(
        "bad.json",
        "{\"error\": {\"code\": 7, \"message\": \"\"},\n \"job\": {\"status\": \"DONE\"}}",
    );
    let ok = ws.run(&["check", "--schema", "schemas/api.json", "ok.json"]);
    assert_eq!(ok.status, 0, "{}{}", ok.stdout, ok.stderr);
    let bad = ws.run(&[
        "check",
        "--schema",
        "schemas/api.json",
        "--format",
        "json",
        "bad.json",
    ]);
    assert_eq!(bad.status, 1, "{}{}", bad.stdout, bad.stderr);
    let report: serde_json::Value = serde_json::from_str(&bad.stdout).expect("JSON output");
    let violations = report["results"][0]["violations"]
        .as_array()
        .expect("violations");
    let found: Vec<(&str, u64, u64, &str)> = violations
        .iter()
        .map(|v| {
            (
                v["pointer"].as_str().unwrap(),
                v["line"].as_u64().unwrap(),
                v["column"].as_u64().unwrap(),
                v["keyword"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "/error/code",
                1,
                20,
                "schemas/common/error.json#/properties/code/type"
            ),
            (
                "/job/status",
                2,
                20,
                "schemas/job.json#/properties/status/enum"
            ),
        ]
    );
}

#[test]
fn a_directory_is_a_set_whose_root_no_other_document_names() {
    let ws = Workspace::new();
    ws.write("set/error.json", ERROR);
    ws.write(
        "set/response.json",
        r#"{"properties": {"error": {"$ref": "error.json"}}}"#,
    );
    ws.write("p.json", r#"{"error": {"code": "E1"}}"#);
    let out = ws.run(&["check", "--schema", "set", "p.json"]);
    assert_eq!(out.status, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("/error/message: the required member `message` is missing"),
        "{}",
        out.stdout
    );
}

#[test]
fn an_unresolvable_reference_is_a_tool_error_naming_it_and_its_document() {
    let ws = Workspace::new();
    ws.write(
        "s.json",
        r#"{"properties": {"a": {"$ref": "missing.json"}, "b": {"$ref": "https://example.test/remote.json"}}}"#,
    );
    ws.write("p.json", "{}");
    let out = ws.run(&["check", "--schema", "s.json", "p.json"]);
    assert_eq!(out.status, 2);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let stderr = out.stderr.trim();
    assert!(
        stderr.starts_with("response-contract: error: the schema s.json refers to `")
            && stderr.contains("which none of the given documents defines"),
        "{stderr}"
    );
    // In the user's words: no engine type or feature names.
    for engine_word in [
        "Referencing",
        "Retriev",
        "jsonschema",
        "resolver",
        "Unretrievable",
    ] {
        assert!(!stderr.contains(engine_word), "{stderr}");
    }
}

#[test]
fn a_reference_that_loops_without_descending_is_refused() {
    let ws = Workspace::new();
    ws.write("s.json", r##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}"##);
    ws.write("p.json", "{}");
    let out = ws.run(&["check", "--schema", "s.json", "p.json"]);
    assert_eq!(out.status, 2);
    assert!(
        out.stderr.contains("refers back to itself"),
        "{}",
        out.stderr
    );
}
