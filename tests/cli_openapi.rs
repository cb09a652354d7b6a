//! `check --openapi`: descriptions written the way projects write them (3.0 YAML and 3.1 JSON
//! side by side, nested `$ref`s, shared error components, `default` and `2XX` responses, files
//! beside the description), driven through the binary. Every payload under
//! `tests/fixtures/openapi/payloads/` is named `<operationId>-<status>-<valid|invalid>.json`, and
//! `EXPECTED.md` beside them gives the JSON Pointer each invalid one breaks: both are turned into
//! assertions here.

mod cli_support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use cli_support::{Output, Workspace, repo_path};
use serde_json::Value;

fn fixtures() -> PathBuf {
    repo_path("tests/fixtures/openapi")
}

/// A workspace with a copy of the fixtures under `openapi/`, so outputs name relative paths.
fn workspace() -> Workspace {
    let ws = Workspace::new();
    copy_dir(&fixtures(), &ws.path("openapi"));
    ws
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("a fixture directory") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// `EXPECTED.md`'s payload rows: file name → (verdict, pointer).
fn expected() -> HashMap<String, (String, String)> {
    let text = std::fs::read_to_string(fixtures().join("EXPECTED.md")).expect("EXPECTED.md");
    let mut rows = HashMap::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | `file` | operation | status → key | verdict | pointer | rule |
        if cells.len() >= 7
            && cells[1].ends_with(".json`")
            && cells[1].contains('-')
            && cells[4] != "none"
        {
            let file = cells[1].trim_matches('`').rsplit('/').next().unwrap_or("");
            let pointer = cells[5].trim_matches('`');
            let pointer = if pointer == "\"\"" { "" } else { pointer };
            rows.insert(file.to_owned(), (cells[4].to_owned(), pointer.to_owned()));
        }
    }
    rows
}

fn json(out: &Output) -> Value {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", out.stdout, out.stderr))
}

/// The description of a payload folder.
fn description(stem: &str) -> String {
    let dir = fixtures();
    ["yaml", "json"]
        .iter()
        .map(|ext| format!("{stem}.{ext}"))
        .find(|f| dir.join(f).is_file())
        .unwrap_or_else(|| panic!("no description for {stem}"))
}

#[test]
fn every_fixture_payload_gets_the_verdict_and_pointer_its_name_and_table_give() {
    let ws = workspace();
    let table = expected();
    let mut checked = 0;
    for stem in [
        "petstore-3.0",
        "inventory-3.1",
        "broken-ref-3.1",
        "ambiguous-3.0",
    ] {
        let spec = format!("openapi/{}", description(stem));
        let dir = fixtures().join("payloads").join(stem);
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .expect("payloads")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        for file in files {
            let name = file.trim_end_matches(".json");
            let mut parts = name.rsplitn(3, '-');
            let verdict = parts.next().expect("a verdict");
            let status = parts.next().expect("a status");
            let operation = parts.next().expect("an operation");
            let payload = format!("openapi/payloads/{stem}/{file}");
            let out = ws.run(&[
                "check",
                "--openapi",
                &spec,
                "--operation",
                operation,
                "--status",
                status,
                "--format",
                "json",
                &payload,
            ]);
            let report = json(&out);
            let result = report["results"]
                .as_array()
                .expect("results")
                .iter()
                .find(|r| r["source"] == payload.as_str())
                .unwrap_or_else(|| panic!("{payload}: no result\n{}", out.stdout));
            assert_eq!(
                result["valid"],
                verdict == "valid",
                "{payload} under {operation} {status}: {}",
                out.stdout
            );
            assert_eq!(result["operation"]["operationId"], operation, "{payload}");
            assert_eq!(
                result["operation"]["status"],
                status.parse::<u16>().unwrap()
            );
            let (listed, pointer) = table
                .get(&file)
                .unwrap_or_else(|| panic!("{file} is not in EXPECTED.md"));
            assert_eq!(
                listed, verdict,
                "{file}: EXPECTED.md and the file name disagree"
            );
            if verdict == "invalid" {
                let first = &result["violations"][0];
                // A missing member is reported at the member, the table at its object.
                let found = first["pointer"].as_str().unwrap_or_default();
                let parent = found.rsplit_once('/').map_or("", |(p, _)| p);
                let at = if first["kind"] == "missing_member" {
                    parent
                } else {
                    found
                };
                assert_eq!(at, pointer, "{payload}: {}", out.stdout);
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} payloads");
}

#[test]
fn a_description_problem_is_exit_2_located_and_other_operations_are_still_checked() {
    let ws = workspace();
    let out = ws.run(&[
        "check",
        "--openapi",
        "openapi/broken-ref-3.1.yaml",
        "--operation",
        "getWidget",
        "--status",
        "200",
        "openapi/payloads/broken-ref-3.1/getWidget-200-invalid.json",
    ]);
    assert_eq!(out.status, 2, "{out:?}");
    assert!(
        out.stderr.contains("openapi/broken-ref-3.1.yaml:")
            && out
                .stderr
                .contains("`#/components/schemas/WidgetParts` resolves to nothing"),
        "{}",
        out.stderr
    );
    let line: Vec<&str> = out.stderr.split(':').collect();
    assert!(line.len() > 3, "{}", out.stderr);
    assert!(
        out.stdout.contains("/colour"),
        "still checked: {}",
        out.stdout
    );
    // The broken operation itself cannot be checked: a tool error naming the problem.
    let out = ws.run(&[
        "check",
        "--openapi",
        "openapi/broken-ref-3.1.yaml",
        "--operation",
        "getBrokenWidget",
        "--status",
        "200",
        "openapi/payloads/broken-ref-3.1/getWidget-200-valid.json",
    ]);
    assert_eq!(out.status, 2, "{out:?}");
    assert!(out.stderr.contains("cannot be checked"), "{}", out.stderr);
}

#[test]
fn swagger_2_is_refused_by_name() {
    let ws = workspace();
    let out = ws.run(&[
        "check",
        "--openapi",
        "openapi/swagger-2.0.json",
        "--operation",
        "showPetById",
        "--status",
        "200",
        "openapi/payloads/swagger-2.0/showPetById-200-valid.json",
    ]);
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("Swagger 2.0"), "{}", out.stderr);
    assert!(
        out.stderr.contains("openapi/swagger-2.0.json:2:"),
        "{}",
        out.stderr
    );
}

#[test]
fn requests_route_by_method_and_path_under_the_server_base_path() {
    let ws = workspace();
    let route = |method: &str, path: &str, status: &str, file: &str| {
        ws.run(&[
            "check",
            "--openapi",
            "openapi/petstore-3.0.yaml",
            "--method",
            method,
            "--path",
            path,
            "--status",
            status,
            "--format",
            "json",
            &format!("openapi/payloads/petstore-3.0/{file}"),
        ])
    };
    // The literal `/pets/mine` wins over `/pets/{petId}`.
    let out = route("GET", "/v2/pets/mine", "200", "listMyPets-200-valid.json");
    assert_eq!(
        json(&out)["results"][0]["operation"]["operationId"],
        "listMyPets"
    );
    let out = route(
        "get",
        "/v2/pets/42?api_key=s3cret",
        "200",
        "showPetById-200-valid.json",
    );
    let result = &json(&out)["results"][0];
    assert_eq!(result["operation"]["path"], "/pets/{petId}");
    assert_eq!(result["operation"]["method"], "GET");
    assert!(!out.stdout.contains("s3cret") && !out.stderr.contains("s3cret"));
    let out = route("PUT", "/v2/pets/42", "201", "updatePet-201-valid.json");
    assert_eq!(json(&out)["results"][0]["operation"]["response"], "2XX");
    // Outside the server's base path, and a method the path does not document: usage errors.
    let out = route("GET", "/pets/42", "200", "showPetById-200-valid.json");
    assert_eq!(out.status, 2);
    assert!(
        out.stderr.contains("no documented path matches /pets/42"),
        "{}",
        out.stderr
    );
    let out = route("PATCH", "/v2/pets/42", "200", "showPetById-200-valid.json");
    assert_eq!(out.status, 2);
    assert!(
        out.stderr.contains("documents no PATCH operation"),
        "{}",
        out.stderr
    );
    // A status no response covers (no range, no `default`).
    ws.write(
        "small.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '200':\n          description: ok\n",
    );
    ws.write("empty.json", "");
    let out = ws.run(&[
        "check",
        "--openapi",
        "small.yaml",
        "--method",
        "GET",
        "--path",
        "/x",
        "--status",
        "404",
        "empty.json",
    ]);
    assert_eq!(out.status, 2);
    assert!(
        out.stderr
            .contains("GET /x documents no response for status 404 (documented: 200)"),
        "{}",
        out.stderr
    );
}

#[test]
fn paths_of_the_same_shape_are_reported_and_never_picked_silently() {
    let ws = workspace();
    let run = |path: &str| {
        ws.run(&[
            "check",
            "--openapi",
            "openapi/ambiguous-3.0.yaml",
            "--method",
            "GET",
            "--path",
            path,
            "--status",
            "200",
            "openapi/payloads/ambiguous-3.0/getItemById-200-valid.json",
        ])
    };
    let out = run("/api/items/42");
    assert_eq!(out.status, 2);
    assert!(
        out.stderr.contains("getItemById") && out.stderr.contains("getItemByName"),
        "{}",
        out.stderr
    );
    // The literal path next to them is not ambiguous; the description problem still makes 2.
    let out = ws.run(&[
        "check",
        "--openapi",
        "openapi/ambiguous-3.0.yaml",
        "--method",
        "GET",
        "--path",
        "/api/items/count",
        "--status",
        "200",
        "openapi/payloads/ambiguous-3.0/countItems-200-valid.json",
    ]);
    assert_eq!(out.status, 2, "{out:?}");
    assert!(out.stderr.contains("same shape"), "{}", out.stderr);
    assert!(out.stdout.contains("1 valid"), "{}", out.stdout);
}

#[test]
fn every_format_names_the_operation_and_status() {
    let ws = workspace();
    for format in ["human", "json", "junit", "sarif", "github"] {
        let out = ws.run(&[
            "check",
            "--openapi",
            "openapi/petstore-3.0.yaml",
            "--operation",
            "listPets",
            "--status",
            "503",
            "--format",
            format,
            "openapi/payloads/petstore-3.0/listPets-503-invalid.json",
        ]);
        assert_eq!(out.status, 1, "{format}: {out:?}");
        let named = out.stdout.contains("GET /pets")
            || (out.stdout.contains(r#""method":"GET""#)
                && out.stdout.contains(r#""path":"/pets""#));
        assert!(named, "{format}: {}", out.stdout);
        assert!(out.stdout.contains("listPets"), "{format}: {}", out.stdout);
        assert!(out.stdout.contains("503"), "{format}: {}", out.stdout);
    }
}

#[test]
fn the_json_report_with_operations_follows_the_report_schema() {
    let ws = workspace();
    let out = ws.run(&[
        "check",
        "--openapi",
        "openapi/inventory-3.1.json",
        "--operation",
        "getItem",
        "--status",
        "404",
        "--format",
        "json",
        "openapi/payloads/inventory-3.1/getItem-404-valid.json",
        "openapi/payloads/inventory-3.1/getItem-404-invalid.json",
    ]);
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_path(
            "crates/response-contract/schemas/report.schema.json",
        ))
        .expect("the report schema"),
    )
    .expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let report = json(&out);
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{}", out.stdout);
    assert_eq!(
        report["results"][0]["operation"]["mediaType"],
        "application/problem+json"
    );
    assert_eq!(report["results"][0]["operation"]["response"], "404");
}

#[test]
fn the_embedded_bms_description_routes_without_openapi() {
    let ws = Workspace::new();
    ws.write("job.json", r#"{"status": "DONE", "job_id": "x"}"#);
    let out = ws.run(&[
        "check",
        "--method",
        "GET",
        "--path",
        "/v1/p1/jobs/j1",
        "--status",
        "200",
        "job.json",
    ]);
    assert_eq!(out.status, 1, "{out:?}");
    assert!(
        out.stdout.contains("queryingTaskStatuses"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("/status"), "{}", out.stdout);
    // The description itself is printed, and it is what routes.
    let out = ws.run(&["schema", "bms-openapi"]);
    assert_eq!(out.status, 0);
    let doc: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/v1/{project_id}/jobs/{job_id}"]["get"].is_object());
    let out = ws.run(&["schema", "--list"]);
    assert!(
        out.stdout.lines().any(|l| l == "bms-openapi"),
        "{}",
        out.stdout
    );
}

#[test]
fn routing_needs_a_status_and_an_operation() {
    let ws = workspace();
    let out = ws.run(&[
        "check",
        "--openapi",
        "openapi/petstore-3.0.yaml",
        "--operation",
        "listPets",
        "x.json",
    ]);
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("--status"), "{}", out.stderr);
    let out = ws.run(&[
        "check",
        "--openapi",
        "openapi/petstore-3.0.yaml",
        "--status",
        "200",
        "x.json",
    ]);
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("--operation"), "{}", out.stderr);
    let out = ws.run(&[
        "check",
        "--openapi",
        "openapi/petstore-3.0.yaml",
        "--operation",
        "nope",
        "--status",
        "200",
        "x.json",
    ]);
    assert_eq!(out.status, 2);
    assert!(
        out.stderr
            .contains("no operation has the operationId `nope`"),
        "{}",
        out.stderr
    );
}
