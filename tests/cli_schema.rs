//! `response-contract schema` prints the shipped documents byte for byte, and `check --schema`
//! applies any JSON Schema 2020-12 document with the same located diagnostics.

mod cli_support;

use cli_support::{NORMAL, Workspace, repo_path};

fn shipped(file: &str) -> String {
    std::fs::read_to_string(repo_path(&format!(
        "crates/response-contract/schemas/{file}"
    )))
    .expect("a shipped schema")
}

#[test]
fn each_document_prints_as_shipped() {
    let ws = Workspace::new();
    for file in [
        "order-id-response.schema.json",
        "normal-response.schema.json",
        "abnormal-response.schema.json",
        "error.schema.json",
        "report.schema.json",
    ] {
        for name in [file, file.trim_end_matches(".schema.json")] {
            let out = ws.run(&["schema", name]);
            assert_eq!(out.status, 0, "{name}: {out:?}");
            assert_eq!(out.stdout, shipped(file), "{name}");
        }
    }
}

#[test]
fn the_default_document_is_the_whole_response() {
    let out = Workspace::new().run(&["schema"]);
    assert_eq!(out.status, 0);
    assert_eq!(out.stdout, shipped("order-id-response.schema.json"));
}

#[test]
fn list_names_every_contract_then_every_document_then_the_others() {
    let out = Workspace::new().run(&["schema", "--list"]);
    assert_eq!(out.status, 0);
    let names: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        names[..3],
        ["order-id-response", "task-id-response", "job-status"]
    );
    assert_eq!(names.len(), 3 + response_contract::documents().len() + 3);
    assert_eq!(
        names[names.len() - 3..],
        ["report.schema.json", "bms-openapi", "exchange.schema.json"]
    );
    // Every listed name prints a document.
    for name in names {
        assert_eq!(Workspace::new().run(&["schema", name]).status, 0, "{name}");
    }
}

#[test]
fn a_contract_name_prints_its_whole_response() {
    let out = Workspace::new().run(&["schema", "job-status"]);
    assert_eq!(out.stdout, shipped("job-status/job-status.schema.json"));
}

#[test]
fn an_unknown_name_exits_2() {
    let out = Workspace::new().run(&["schema", "nope"]);
    assert_eq!(out.status, 2);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains("no embedded schema named `nope`"),
        "{out:?}"
    );
}

#[test]
fn the_printed_contract_works_as_a_user_schema() {
    let ws = Workspace::new();
    let printed = ws.run(&["schema"]).stdout;
    ws.write("contract.schema.json", printed);
    ws.write(
        "numeric-code.json",
        "{\n  \"error\": {\"message\": \"\", \"code\": 400}\n}\n",
    );
    ws.write("normal.json", NORMAL);
    let out = ws.run(&[
        "check",
        "--schema",
        "contract.schema.json",
        "numeric-code.json",
        "normal.json",
    ]);
    assert_eq!(out.status, 1, "{out:?}");
    // The best-matching `oneOf` branch (the abnormal response) is reported, not the tree.
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn a_user_schema_reports_located_violations() {
    let ws = Workspace::new();
    ws.write(
        "ids.schema.json",
        r#"{
  "type": "object",
  "required": ["order_id"],
  "properties": {"order_id": {"type": "string", "pattern": "^CS[0-9]+"}}
}"#,
    );
    ws.write(
        "payloads.jsonl",
        "{\"order_id\": \"CS123\"}\n{\"order_id\": \"XX\"}\n{\"job_id\": 1}\n{\"order_id\": \"CS1\", \"order_id\": \"CS2\"}\n",
    );
    let out = ws.run(&[
        "check",
        "--schema",
        "ids.schema.json",
        "--format",
        "json",
        "payloads.jsonl",
    ]);
    assert_eq!(out.status, 1, "{out:?}");
    let report: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let kinds: Vec<Vec<&str>> = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            r["violations"]
                .as_array()
                .expect("violations")
                .iter()
                .map(|v| v["kind"].as_str().expect("a kind"))
                .collect()
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            vec![],
            vec!["keyword"],
            vec!["missing_member"],
            vec!["duplicate_member"]
        ]
    );
    assert_eq!(
        report["results"][1]["violations"][0]["keyword"]
            .as_str()
            .map(|k| k.ends_with("/pattern")),
        Some(true)
    );
    assert_eq!(report["results"][1]["variant"], serde_json::Value::Null);
}

#[test]
fn help_says_how_the_best_branch_is_chosen() {
    let out = Workspace::new().run(&["check", "--help"]);
    let help = out.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains("only the best-matching branch is reported: the one whose discriminating member the payload carries, else the one whose violations reach deepest, then the fewest"),
        "{help}"
    );
}
