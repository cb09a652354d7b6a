//! `response-contract import` through the binary: exit status 0 clean, 1 page errors, 2 tool
//! errors; documents to a directory or to standard output; human and JSON diagnostics; the
//! output works with `check --schema DIR`.

mod cli_support;

use cli_support::{Workspace, repo_path};
use serde_json::Value;

/// A workspace holding a copy of the hand-made pages under `pages/`.
fn with_pages() -> Workspace {
    let ws = Workspace::new();
    for entry in
        std::fs::read_dir(repo_path("crates/response-contract/tests/import_pages")).unwrap()
    {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        ws.write(&format!("pages/{name}"), std::fs::read(&path).unwrap());
    }
    ws
}

#[test]
fn a_clean_page_exits_0_and_its_documents_check_payloads() {
    let ws = with_pages();
    let out = ws.run(&["import", "pages/clean_page.rst", "--out", "contract"]);
    assert_eq!(out.status, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        "pages/clean_page.rst: 2 response tables (7 rows) → 3 documents, written to contract; 1 example response (1 JSON, 1 valid); 0 errors, 0 warnings\n"
    );
    for file in [
        "clean-page.schema.json",
        "normal-response.schema.json",
        "parts.schema.json",
    ] {
        assert!(ws.path("contract").join(file).is_file(), "{file}");
    }
    ws.write(
        "good.json",
        r#"{"id": "w", "size": 1, "state": "ON", "parts": []}"#,
    );
    ws.write(
        "bad.json",
        "{\"id\": \"w\", \"size\": 1, \"state\": \"ON\",\n \"parts\": [{\"name\": 1, \"created\": \"\", \"note\": null}]}",
    );
    let good = ws.run(&["check", "--schema", "contract", "good.json"]);
    assert_eq!(good.status, 0, "{good:?}");
    let bad = ws.run(&["check", "--schema", "contract", "bad.json"]);
    assert_eq!(bad.status, 1, "{bad:?}");
    assert!(
        bad.stdout.starts_with(
            "bad.json:2:21: error: /parts/0/name: expected a string, found the number 1"
        ),
        "{}",
        bad.stdout
    );
}

#[test]
fn without_out_the_documents_are_one_json_object_on_stdout() {
    let ws = with_pages();
    let out = ws.run(&["import", "pages/clean_page.rst"]);
    assert_eq!(out.status, 0, "{out:?}");
    let documents: Value = serde_json::from_str(&out.stdout).expect("stdout is JSON");
    let names: Vec<&String> = documents.as_object().unwrap().keys().collect();
    assert_eq!(
        names,
        [
            "clean-page.schema.json",
            "normal-response.schema.json",
            "parts.schema.json"
        ]
    );
    assert!(
        out.stdout.starts_with("{\n  \"clean-page.schema.json\": {"),
        "the root first"
    );
    assert!(out.stderr.contains("0 errors, 0 warnings"), "{out:?}");
}

#[test]
fn page_errors_exit_1_with_file_line_column_and_a_caret() {
    let ws = with_pages();
    for (page, first_line) in [
        (
            "malformed_grid_table.rst",
            "pages/malformed_grid_table.rst:10:22: error: malformed grid table: expected `|` at a column boundary, found a space (spanned cells are not supported)",
        ),
        (
            "missing_table_ref.rst",
            "pages/missing_table_ref.rst:14:41: error: `owner`: :ref: to a table this page does not have: `dangling__table5`",
        ),
        (
            "example_not_json.rst",
            "pages/example_not_json.rst:21:19: error: the example response is not JSON: expected a JSON value, found `X`",
        ),
        (
            "example_contradicts_tables.rst",
            "pages/example_contradicts_tables.rst:20:14: error: the example response contradicts the tables: /id: expected a string, found the number 7",
        ),
    ] {
        let out = ws.run(&["import", &format!("pages/{page}"), "--out", "out"]);
        assert_eq!(out.status, 1, "{page}: {out:?}");
        let mut lines = out.stdout.lines();
        assert_eq!(lines.next(), Some(first_line), "{page}");
        // The page line, and a caret under the column.
        let column: usize = first_line.split(':').nth(2).unwrap().parse().unwrap();
        let _ = lines.next();
        let source = lines.next().unwrap();
        let caret = lines.next().unwrap();
        let gutter = source.find(" | ").unwrap() + 3;
        assert_eq!(
            caret.find('^'),
            Some(gutter + column - 1),
            "{page}: {caret}"
        );
    }
}

#[test]
fn an_unknown_type_is_a_warning_and_exits_0() {
    let ws = with_pages();
    let out = ws.run(&["import", "pages/unknown_type.rst", "--out", "out"]);
    assert_eq!(out.status, 0, "{out:?}");
    assert!(out.stdout.starts_with(
        "pages/unknown_type.rst:11:11: warning: `weight`: unknown type spelling `Quantity`: the member accepts any value\n"
    ));
}

#[test]
fn json_format_reports_documents_tables_examples_and_diagnostics() {
    let ws = with_pages();
    let out = ws.run(&[
        "import",
        "pages/example_contradicts_tables.rst",
        "--format",
        "json",
    ]);
    assert_eq!(out.status, 1, "{out:?}");
    let report: Value = serde_json::from_str(&out.stdout).expect("one JSON document");
    assert_eq!(report["root"], "example-contradicts-tables.schema.json");
    assert!(report["documents"]["normal-response.schema.json"].is_object());
    assert_eq!(report["tables"][0]["rows"], 2);
    assert_eq!(report["examples"][0]["valid"], false);
    assert_eq!(report["errors"], 1);
    let d = &report["diagnostics"][0];
    assert_eq!(
        (&d["severity"], &d["kind"], &d["line"], &d["column"]),
        (
            &Value::from("error"),
            &Value::from("example_contradicts_tables"),
            &Value::from(20),
            &Value::from(14)
        )
    );
}

#[test]
fn required_policy_is_a_flag() {
    let ws = with_pages();
    let out = ws.run(&["import", "pages/clean_page.rst", "--required", "none"]);
    assert_eq!(out.status, 0, "{out:?}");
    let documents: Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(
        documents["normal-response.schema.json"]
            .get("required")
            .is_none()
    );
    let bad = ws.run(&["import", "pages/clean_page.rst", "--required", "some"]);
    assert_eq!(bad.status, 2);
}

#[test]
fn tool_errors_exit_2() {
    let ws = with_pages();
    let missing = ws.run(&["import", "pages/no_such_page.rst"]);
    assert_eq!(missing.status, 2, "{missing:?}");
    assert!(
        missing
            .stderr
            .starts_with("response-contract: error: cannot read pages/no_such_page.rst")
    );
    ws.write("a-file", "not a directory");
    let unwritable = ws.run(&["import", "pages/clean_page.rst", "--out", "a-file"]);
    assert_eq!(unwritable.status, 2, "{unwritable:?}");
    assert!(
        unwritable
            .stderr
            .starts_with("response-contract: error: cannot create the output directory a-file"),
        "{unwritable:?}"
    );
}

#[test]
fn a_shipped_page_imports_to_the_shipped_documents_up_to_the_hand_decisions() {
    // The Task ID Response page, imported as the drift test does (without the page patch): the
    // only difference is the example that the patch makes JSON.
    let ws = Workspace::new();
    let out = ws.run(&[
        "import",
        repo_path("crates/response-contract/reference/task_id_response.rst")
            .to_str()
            .unwrap(),
        "--out",
        "task",
        "--id-base",
        "https://response-contract.invalid/schemas/bms/task-id-response/",
    ]);
    assert_eq!(out.status, 1, "XXX is not JSON: {out:?}");
    let shipped = std::fs::read_to_string(repo_path(
        "crates/response-contract/schemas/task-id-response/normal-response.schema.json",
    ))
    .unwrap();
    let written = std::fs::read_to_string(ws.path("task/normal-response.schema.json")).unwrap();
    assert_eq!(written, shipped);
}
