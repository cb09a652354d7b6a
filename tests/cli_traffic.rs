//! Recorded traffic through the binary: HAR files (the shipped BMS session, and the shapes
//! Chrome, Firefox, Playwright, mitmproxy, Charles and Fiddler write) and exchange logs. Every
//! exchange gets exactly one outcome and the counts add up; findings are located in the
//! recording; no planted secret ever reaches any output; broken recordings lose no entry.

mod cli_support;

use cli_support::{Output, Workspace, repo_path};
use serde_json::Value;

const FORMATS: [&str; 5] = ["human", "json", "junit", "sarif", "github"];

fn demo() -> Workspace {
    let ws = Workspace::new();
    let har = std::fs::read(repo_path("demo/traffic/bms-session.har")).expect("the demo HAR");
    ws.write("bms-session.har", har);
    ws
}

fn json(out: &Output) -> Value {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", out.stdout, out.stderr))
}

fn report_schema() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_path(
            "crates/response-contract/schemas/report.schema.json",
        ))
        .expect("the report schema"),
    )
    .expect("JSON");
    jsonschema::validator_for(&schema).expect("a valid schema")
}

fn assert_fits_schema(report: &Value) {
    let errors: Vec<String> = report_schema()
        .iter_errors(report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{report}");
}

#[test]
fn every_exchange_gets_one_outcome_and_the_counts_add_up() {
    let ws = demo();
    let out = ws.run(&["check", "--format", "json", "bms-session.har"]);
    assert_eq!(out.status, 1, "{out:?}");
    let report = json(&out);
    assert_fits_schema(&report);
    let results = report["results"].as_array().expect("results");
    let outcomes: Vec<&str> = results
        .iter()
        .map(|r| r["outcome"].as_str().expect("an outcome"))
        .collect();
    assert_eq!(
        outcomes,
        [
            "valid",
            "valid",
            "invalid",
            "invalid",
            "unmatched",
            "skipped",
            "unrecorded",
            "valid"
        ]
    );
    let indices: Vec<u64> = results
        .iter()
        .map(|r| r["entry"]["index"].as_u64().expect("an index"))
        .collect();
    assert_eq!(indices, (0..8).collect::<Vec<_>>(), "file order");
    let s = &report["summary"];
    let sum = [
        "exchanges_valid",
        "exchanges_invalid",
        "unmatched",
        "skipped",
        "unrecorded",
    ]
    .iter()
    .map(|k| s[k].as_u64().unwrap_or(0))
    .sum::<u64>()
        + s["unreadable_entries"].as_u64().unwrap_or(0);
    assert_eq!(s["exchanges"], 8);
    assert_eq!(sum, 8, "{s}");
    // The operation each was judged under, and the coverage of documented responses.
    assert_eq!(
        results[2]["operation"]["operationId"],
        "queryingTaskStatuses"
    );
    assert_eq!(results[3]["operation"]["response"], "default");
    let coverage = &report["coverage"];
    assert_eq!(coverage["documented"].as_array().expect("rows").len(), 18);
    let jobs = coverage["documented"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["operationId"] == "queryingTaskStatuses" && r["response"] == "200")
        .expect("the job status row");
    assert_eq!(jobs["count"], 3);
    assert_eq!(coverage["percent"], 22.2);
    assert_eq!(coverage["undocumented"][0]["count"], 1);
}

#[test]
fn findings_are_located_at_the_offending_value_in_the_har_file() {
    let ws = demo();
    let out = ws.run(&["check", "bms-session.har"]);
    let text = std::fs::read_to_string(ws.path("bms-session.har")).expect("the HAR");
    let lines: Vec<&str> = text.lines().collect();
    let mut located = 0;
    for line in out.stdout.lines() {
        // `bms-session.har:235:39: error: /status: expected one of …`
        let Some(rest) = line.strip_prefix("bms-session.har:") else {
            continue;
        };
        let mut parts = rest.splitn(3, ':');
        let (Some(l), Some(c)) = (parts.next(), parts.next()) else {
            continue;
        };
        let (Ok(l), Ok(c)) = (l.parse::<usize>(), c.parse::<usize>()) else {
            continue;
        };
        let at: String = lines[l - 1].chars().skip(c - 1).take(12).collect();
        if line.contains("/status: expected one of") {
            assert!(at.starts_with(r#"\"DONE\""#), "{line}: {at}");
            located += 1;
        }
        if line.contains("/entities/sub_jobs_total") {
            assert!(at.starts_with(r#"\"1\""#), "{line}: {at}");
            located += 1;
        }
        if line.contains("/error/code") {
            assert!(at.starts_with("400"), "{line}: {at}");
            located += 1;
        }
    }
    assert_eq!(located, 3, "{}", out.stdout);
    // The heading names the entry, its request and the operation.
    assert!(
        out.stdout.contains("entry 3 (line 257): POST https://bms.eu-de.example.com/v1/0605767d1d0d4c0fa5c5ee1ff3a7cf61/baremetalservers/action → 400, checked as POST /v1/{project_id}/baremetalservers/action (startingStoppingOrRestartingBmss) → 400 (default)"),
        "{}",
        out.stdout
    );
}

#[test]
fn planted_secrets_never_reach_any_output() {
    let ws = Workspace::new();
    let mut hars = vec![(
        "bms-session.har".to_owned(),
        std::fs::read(repo_path("demo/traffic/bms-session.har")).expect("HAR"),
    )];
    for producer in [
        "chrome",
        "firefox",
        "playwright",
        "mitmproxy",
        "charles",
        "fiddler",
    ] {
        let path = format!("crates/response-contract/tests/fixtures/har/{producer}.har");
        hars.push((
            format!("{producer}.har"),
            std::fs::read(repo_path(&path)).expect("HAR"),
        ));
    }
    // A recording cut short: the message about the file itself must not quote it either.
    let (_, demo) = &hars[0];
    let cut = demo.len() * 2 / 3;
    hars.push(("cut.har".to_owned(), demo[..cut].to_vec()));
    for (name, bytes) in &hars {
        ws.write(name, bytes);
    }
    let secrets = ["MIIZSECRET", "SeCrEt", "adminPass", "token="];
    for (name, bytes) in &hars {
        let planted = secrets
            .iter()
            .any(|s| String::from_utf8_lossy(bytes).contains(s));
        assert!(planted, "{name} plants no secret");
        for format in FORMATS {
            for extra in [&[][..], &["--redact"], &["--strict"]] {
                let mut args = vec!["check", "--format", format, name.as_str()];
                args.extend_from_slice(extra);
                let out = ws.run(&args);
                for secret in secrets {
                    assert!(
                        !out.stdout.contains(secret) && !out.stderr.contains(secret),
                        "{name} --format {format} {extra:?} shows {secret}:\n{}\n{}",
                        out.stdout,
                        out.stderr
                    );
                }
            }
        }
    }
    // With --redact, body values stay out too.
    let out = ws.run(&["check", "--redact", "bms-session.har"]);
    assert!(!out.stdout.contains("DONE"), "{}", out.stdout);
    let out = ws.run(&["check", "bms-session.har"]);
    assert!(out.stdout.contains("DONE"), "{}", out.stdout);
}

#[test]
fn a_recording_cut_short_checks_every_complete_entry_and_reports_the_cut() {
    let ws = demo();
    let bytes = std::fs::read(ws.path("bms-session.har")).expect("HAR");
    let text = String::from_utf8_lossy(&bytes);
    // Cut inside entry 4 (the undocumented GET): entries 0–3 are complete.
    let cut = text.find("baremetalservers/bf6d2d21").expect("entry 4");
    ws.write("cut.har", &bytes[..cut]);
    let out = ws.run(&["check", "--format", "json", "cut.har"]);
    assert_eq!(out.status, 2, "{out:?}");
    let report = json(&out);
    assert_fits_schema(&report);
    let results = report["results"].as_array().expect("results");
    let entries: Vec<u64> = results
        .iter()
        .filter_map(|r| r["entry"]["index"].as_u64())
        .collect();
    assert_eq!(entries, [0, 1, 2, 3], "{}", out.stdout);
    assert!(out.stderr.contains("cut short at line"), "{}", out.stderr);
    assert!(results.last().expect("the cut")["error"].is_string());
}

#[test]
fn a_file_that_is_not_a_har_and_an_entry_without_status_are_told_apart() {
    let ws = Workspace::new();
    ws.write("payload.json", r#"{"order_id": "a", "job_id": "b"}"#);
    let out = ws.run(&["check", "--input", "har", "payload.json"]);
    assert_eq!(out.status, 2, "{out:?}");
    assert!(out.stderr.contains("not a HAR file"), "{}", out.stderr);
    ws.write(
        "nostatus.har",
        r#"{"log": {"version": "1.2", "entries": [
  {"request": {"method": "GET", "url": "https://x.test/v1/p/jobs/j"}, "response": {"content": {"mimeType": "application/json", "text": "{}"}}},
  {"request": {"method": "GET", "url": "https://x.test/v1/p/jobs/j"}, "response": {"status": 200, "content": {"mimeType": "application/json", "text": "{\"status\": \"INIT\"}"}}}
]}}"#,
    );
    let out = ws.run(&["check", "--format", "json", "nostatus.har"]);
    assert_eq!(out.status, 2, "{out:?}");
    let report = json(&out);
    assert_fits_schema(&report);
    assert_eq!(report["results"][0]["outcome"], "unreadable");
    assert_eq!(
        report["results"][1]["outcome"], "invalid",
        "the next entry is still checked"
    );
    assert!(out.stdout.contains("response.status"), "{}", out.stdout);
}

#[test]
fn strict_makes_unmatched_exchanges_fail_and_only_filters() {
    let ws = demo();
    let only = ["--only", "POST:/v1/{project_id}/baremetalservers"];
    let out = ws.run(
        &[
            &["check", "--format", "json"][..],
            &only,
            &["bms-session.har"],
        ]
        .concat(),
    );
    assert_eq!(out.status, 0, "{out:?}");
    let report = json(&out);
    assert_eq!(report["summary"]["exchanges_valid"], 1);
    assert_eq!(report["summary"]["skipped"], 7);
    let out = ws.run(&[
        "check",
        "--only",
        "*:/v1/0605767d1d0d4c0fa5c5ee1ff3a7cf61/baremetalservers/bf6d2d21-f9ac-4cbc-9e62-0ef4f3e0d6d8",
        "bms-session.har",
    ]);
    assert_eq!(out.status, 0, "unmatched is a warning: {out:?}");
    let out = ws.run(&[
        "check",
        "--strict",
        "--only",
        "*:/v1/0605767d1d0d4c0fa5c5ee1ff3a7cf61/baremetalservers/bf6d2d21-f9ac-4cbc-9e62-0ef4f3e0d6d8",
        "bms-session.har",
    ]);
    assert_eq!(out.status, 1, "an error with --strict: {out:?}");
    let out = ws.run(&["check", "--only", "jobs", "bms-session.har"]);
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("METHOD:PATH"), "{}", out.stderr);
}

#[test]
fn min_coverage_fails_a_run_below_it() {
    let ws = demo();
    let only = ["--only", "POST:/v1/{project_id}/baremetalservers"];
    let run = |min: &str| {
        ws.run(
            &[
                &["check", "--min-coverage", min][..],
                &only,
                &["bms-session.har"],
            ]
            .concat(),
        )
    };
    let out = run("5");
    assert_eq!(out.status, 0, "{out:?}");
    assert!(
        out.stdout.contains("meeting the --min-coverage of 5%"),
        "{}",
        out.stdout
    );
    let out = run("50");
    assert_eq!(out.status, 1, "{out:?}");
    assert!(
        out.stdout.contains("below the --min-coverage of 50%"),
        "{}",
        out.stdout
    );
}

#[test]
fn exchange_logs_are_checked_and_located_by_line() {
    let ws = Workspace::new();
    let body = serde_json::to_string(r#"{"status": "RUNNING", "job_id": 7}"#).expect("JSON");
    let log = format!(
        concat!(
            r#"{{"method": "GET", "url": "https://bms.test/v1/p/jobs/j?token=MIIZSECRET", "status": 200, "content_type": "application/json", "body": {body}}}"#,
            "\n",
            r#"{{"method": "POST", "path": "/v1/p/baremetalservers/delete", "status": 200, "content_type": "application/json", "body_base64": "eyJqb2JfaWQiOiAxfQ=="}}"#,
            "\n",
            r#"{{"method": "GET", "path": "/v1/p/jobs/j", "status": 200, "content_type": "application/json"}}"#,
            "\n"
        ),
        body = body
    );
    ws.write("traffic.jsonl", &log);
    let out = ws.run(&[
        "check",
        "--input",
        "exchanges",
        "--format",
        "json",
        "traffic.jsonl",
    ]);
    assert_eq!(out.status, 1, "{out:?}");
    assert!(!out.stdout.contains("MIIZSECRET"));
    let report = json(&out);
    assert_fits_schema(&report);
    let results = report["results"].as_array().expect("results");
    assert_eq!(results[0]["outcome"], "invalid");
    let job_id = results[0]["violations"]
        .as_array()
        .expect("violations")
        .iter()
        .find(|v| v["pointer"] == "/job_id")
        .expect("job_id is not a string");
    assert_eq!(job_id["line"], 1);
    let column = job_id["column"].as_u64().expect("a column") as usize;
    assert!(log[column - 1..].starts_with("7}"), "{column}");
    // A base64 body is placed at its string: the same line.
    assert_eq!(results[1]["outcome"], "invalid");
    assert_eq!(results[1]["violations"][0]["line"], 2);
    assert_eq!(results[2]["outcome"], "unrecorded");
    // The schema other tools write these logs by.
    let out = ws.run(&["schema", "exchange"]);
    assert_eq!(out.status, 0, "{out:?}");
    let schema: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}

#[test]
fn a_user_description_routes_recorded_traffic() {
    let ws = Workspace::new();
    std::fs::copy(
        repo_path("tests/fixtures/openapi/petstore-3.0.yaml"),
        ws.path("petstore.yaml"),
    )
    .expect("copy");
    let pet = serde_json::to_string(
        r#"{"id": 1, "name": "Rex", "petType": "dog", "bark": true, "price": 0}"#,
    )
    .expect("JSON");
    ws.write(
        "pets.har",
        format!(
            r#"{{"log": {{"version": "1.2", "entries": [
  {{"request": {{"method": "GET", "url": "https://api.example.com/v2/pets/7"}}, "response": {{"status": 200, "content": {{"mimeType": "application/json", "text": {pet}}}}}}},
  {{"request": {{"method": "DELETE", "url": "https://api.example.com/v2/pets/7"}}, "response": {{"status": 204, "content": {{"mimeType": "", "size": 0, "text": ""}}}}}}
]}}}}"#
        ),
    );
    let out = ws.run(&[
        "check",
        "--openapi",
        "petstore.yaml",
        "--format",
        "json",
        "pets.har",
    ]);
    let report = json(&out);
    assert_fits_schema(&report);
    assert_eq!(
        report["results"][0]["operation"]["operationId"],
        "showPetById"
    );
    assert_eq!(
        report["results"][1]["operation"]["operationId"],
        "deletePet"
    );
    assert_eq!(report["results"][1]["outcome"], "valid", "{}", out.stdout);
    assert_eq!(
        report["coverage"]["documented"]
            .as_array()
            .expect("rows")
            .len(),
        15
    );
}

#[test]
fn lone_payloads_with_an_unrouted_description_are_tool_errors() {
    let ws = Workspace::new();
    std::fs::copy(
        repo_path("tests/fixtures/openapi/petstore-3.0.yaml"),
        ws.path("petstore.yaml"),
    )
    .expect("copy");
    ws.write("x.json", "{}");
    let out = ws.run(&["check", "--openapi", "petstore.yaml", "x.json"]);
    assert_eq!(out.status, 2, "{out:?}");
    assert!(out.stderr.contains("--operation"), "{}", out.stderr);
}
