//! Each output format on the shipped examples, pinned by snapshots, and the structure that CI
//! systems rely on: the JSON report validates against `schemas/report.schema.json`, SARIF has its
//! rules, levels and locations, JUnit parses back with the right counts.

mod cli_support;

use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};
use serde_json::Value;

use cli_support::{NUMERIC_CODE, Output, Workspace, repo_path};

fn examples(format: &str) -> Output {
    let ws = Workspace::with_examples();
    let out = ws.run(&["check", "--format", format, "examples/"]);
    assert_eq!(
        out.status, 1,
        "the numeric-code example is invalid: {out:?}"
    );
    assert_eq!(out.stderr, "");
    out
}

fn parse_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

#[test]
fn human() {
    insta::assert_snapshot!(examples("human").stdout);
}

#[test]
fn human_redacted_shows_no_payload_content() {
    let ws = Workspace::with_examples();
    let out = ws.run(&["check", "--redact", "examples/"]);
    assert_eq!(out.status, 1);
    assert!(
        !out.stdout.contains(" | "),
        "no source lines:\n{}",
        out.stdout
    );
    assert!(!out.stdout.contains("400"), "no values:\n{}", out.stdout);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn human_colour_only_when_asked() {
    let ws = Workspace::new();
    ws.write("numeric-code.json", NUMERIC_CODE);
    // Standard output is a pipe here: `auto` means no colour.
    let auto = ws.run(&["check", "numeric-code.json"]);
    assert!(!auto.stdout.contains('\x1b'), "{auto:?}");
    let always = ws.run(&["check", "--color", "always", "numeric-code.json"]);
    assert!(
        always.stdout.contains("\x1b[1;31merror\x1b[0m"),
        "{always:?}"
    );
    let never = ws.run(&["check", "--color", "never", "numeric-code.json"]);
    assert_eq!(never.stdout, auto.stdout);
}

#[test]
fn json() {
    let out = examples("json");
    // The wire format itself (one result per line), not a re-serialisation.
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn json_output_validates_against_the_shipped_report_schema() {
    let schema_text = std::fs::read_to_string(repo_path(
        "crates/response-contract/schemas/report.schema.json",
    ))
    .expect("the schema");
    let schema = parse_json(&schema_text);
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .expect("the report schema compiles");

    let ws = Workspace::with_examples();
    std::os::unix::fs::symlink("nowhere.json", ws.path("broken.json")).expect("symlink");
    ws.write(
        "hazards.jsonl",
        concat!(
            "{\"order_id\": \"a\", \"order_id\": \"b\", \"job_id\": \"c\"}\n",
            "[1, 2]\n",
            "{\"order_id\": \"a\", \"job_id\": \"b\", \"extra\": 1}\n",
            "{\"order_id\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", \"job_id\": \"b\"}\n",
            "not json\n",
        ),
    );
    ws.write(
        "schema-user.json",
        r#"{"type": "object", "required": ["order_id"], "additionalProperties": false, "properties": {"order_id": {"type": "string", "pattern": "^CS"}}}"#,
    );
    for args in [
        &[
            "check",
            "--format",
            "json",
            "examples/",
            "broken.json",
            "hazards.jsonl",
        ][..],
        &[
            "check",
            "--format",
            "json",
            "--expect",
            "normal",
            "--max-size",
            "80",
            "hazards.jsonl",
            "examples/",
        ],
        &[
            "check",
            "--format",
            "json",
            "--strict",
            "--redact",
            "hazards.jsonl",
        ],
        &[
            "check",
            "--format",
            "json",
            "--schema",
            "schema-user.json",
            "examples/",
        ],
    ] {
        let out = ws.run(args);
        let report = parse_json(&out.stdout);
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{args:?}: {errors:#?}\n{}", out.stdout);
        assert!(!report["results"].as_array().expect("results").is_empty());
    }
}

#[test]
fn sarif() {
    let out = examples("sarif");
    let mut sarif = parse_json(&out.stdout);
    // The rule table is the library's catalogue, checked below; the snapshot keeps the results.
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].take();
    assert_eq!(
        rules.as_array().expect("rules").len(),
        response_contract::ViolationKind::catalogue().len()
    );
    insta::assert_json_snapshot!(sarif);
}

#[test]
fn sarif_structure() {
    let out = examples("sarif");
    let sarif = parse_json(&out.stdout);
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "response-contract");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules
        .iter()
        .map(|r| r["id"].as_str().expect("an id"))
        .collect();
    for (code, _) in response_contract::ViolationKind::catalogue() {
        assert!(ids.contains(code), "no rule for {code}");
    }
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 6, "one result per violation");
    for result in results {
        let rule = result["ruleId"].as_str().expect("a ruleId");
        let index = result["ruleIndex"].as_u64().expect("a ruleIndex") as usize;
        assert_eq!(ids[index], rule);
        assert!(matches!(
            result["level"].as_str(),
            Some("error" | "warning")
        ));
        assert!(
            result["message"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().expect("a uri");
        assert!(uri.starts_with("examples/"), "relative: {uri}");
        assert!(
            location["region"]["startLine"]
                .as_u64()
                .is_some_and(|l| l >= 1)
        );
        assert!(
            location["region"]["startColumn"]
                .as_u64()
                .is_some_and(|c| c >= 1)
        );
    }
    let numeric = results
        .iter()
        .find(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                == "examples/numeric-code.json"
        })
        .expect("the numeric-code result");
    assert_eq!(numeric["ruleId"], "type_mismatch");
    assert_eq!(
        numeric["locations"][0]["physicalLocation"]["region"]["startLine"],
        4
    );
    assert_eq!(
        numeric["locations"][0]["physicalLocation"]["region"]["startColumn"],
        13
    );
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn sarif_reports_unreadable_inputs_as_notifications() {
    let ws = Workspace::new();
    std::os::unix::fs::symlink("nowhere.json", ws.path("broken.json")).expect("symlink");
    let out = ws.run(&["check", "--format", "sarif", "broken.json"]);
    assert_eq!(out.status, 2);
    let sarif = parse_json(&out.stdout);
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "error");
    assert_eq!(
        notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "broken.json"
    );
}

#[test]
fn junit() {
    insta::assert_snapshot!(examples("junit").stdout);
}

/// Counts of the elements that JUnit consumers read.
#[derive(Debug, Default, PartialEq, Eq)]
struct JunitCounts {
    suites: usize,
    testcases: usize,
    failures: usize,
    errors: usize,
    /// The `tests`/`failures`/`errors` attributes of `<testsuites>`.
    declared: (String, String, String),
    /// Each suite's `tests` attribute equals its test cases.
    suites_consistent: bool,
}

fn junit_counts(xml: &str) -> JunitCounts {
    let mut reader = Reader::from_str(xml);
    let mut counts = JunitCounts {
        suites_consistent: true,
        ..JunitCounts::default()
    };
    let mut suite_declared = 0usize;
    let mut suite_cases = 0usize;
    let attr = |e: &quick_xml::events::BytesStart<'_>, name: &str| -> String {
        e.try_get_attribute(name)
            .expect("well-formed attributes")
            .map(|a| {
                a.normalized_value(XmlVersion::Explicit1_0)
                    .expect("escaped")
                    .into_owned()
            })
            .unwrap_or_default()
    };
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "testsuites" => {
                    counts.declared = (attr(&e, "tests"), attr(&e, "failures"), attr(&e, "errors"));
                }
                "testsuite" => {
                    if counts.suites > 0 && suite_declared != suite_cases {
                        counts.suites_consistent = false;
                    }
                    counts.suites += 1;
                    suite_declared = attr(&e, "tests").parse().expect("a count");
                    suite_cases = 0;
                }
                "testcase" => {
                    counts.testcases += 1;
                    suite_cases += 1;
                }
                "failure" => counts.failures += 1,
                "error" => counts.errors += 1,
                _ => {}
            },
            _ => {}
        }
    }
    if suite_declared != suite_cases {
        counts.suites_consistent = false;
    }
    counts
}

#[test]
fn junit_structure() {
    let ws = Workspace::with_examples();
    std::os::unix::fs::symlink("nowhere.json", ws.path("broken.json")).expect("symlink");
    let out = ws.run(&["check", "--format", "junit", "examples/", "broken.json"]);
    assert_eq!(out.status, 2);
    let counts = junit_counts(&out.stdout);
    // 3 files + 6 lines of JSON Lines (one blank line skipped) + 1 unreadable input.
    assert_eq!(counts.suites, 5);
    assert_eq!(counts.testcases, 10);
    assert_eq!(counts.failures, 4);
    assert_eq!(counts.errors, 1);
    assert_eq!(counts.declared, ("10".into(), "4".into(), "1".into()));
    assert!(counts.suites_consistent, "{counts:?}");
}

#[test]
fn junit_escapes_what_xml_cannot_hold() {
    let ws = Workspace::new();
    ws.write(
        "odd <&> \"name\".jsonl",
        "{\"error\": {\"message\": \"\", \"code\": \"\\u0001<&>\"}, \"\\u0007x\": 1}\n",
    );
    let out = ws.run(&[
        "check",
        "--format",
        "junit",
        "--strict",
        "odd <&> \"name\".jsonl",
    ]);
    assert_eq!(out.status, 1, "{out:?}");
    let counts = junit_counts(&out.stdout);
    assert_eq!(
        (counts.testcases, counts.failures),
        (1, 1),
        "{}",
        out.stdout
    );
}

#[test]
fn github() {
    insta::assert_snapshot!(examples("github").stdout);
}

#[test]
fn github_escapes_properties_and_messages() {
    let ws = Workspace::new();
    ws.write(
        "a,b:c%.json",
        r#"{"order_id": "x", "job_id": "y", "50%": 1}"#,
    );
    let out = ws.run(&["check", "--format", "github", "a,b:c%.json"]);
    assert_eq!(out.status, 0, "{out:?}");
    assert_eq!(
        out.stdout.lines().next(),
        Some(
            "::warning file=a%2Cb%3Ac%25.json,line=1,col=34,title=unknown_member::/50%25: a member the contract does not list"
        )
    );
}
