//! Bulk checking: every input payload gets exactly one verdict, in input order, the summary's
//! counts add up, and nothing is lost across batches, groups of files, blank lines, CRLF line
//! ends, oversized lines or unreadable inputs.

mod cli_support;

use serde_json::Value;

use cli_support::{ABNORMAL, NORMAL, NUMERIC_CODE, Output, Workspace};

fn report(out: &Output) -> Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {out:?}"))
}

/// `(source, line, valid)` of each result, and the `error` of unreadable inputs as `valid: None`.
fn verdicts(report: &Value) -> Vec<(String, Option<u64>, Option<bool>)> {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let valid = if r.get("error").is_some() {
                None
            } else {
                r["valid"].as_bool()
            };
            (
                r["source"].as_str().expect("a source").to_owned(),
                r["line"].as_u64(),
                valid,
            )
        })
        .collect()
}

fn summary(report: &Value, key: &str) -> u64 {
    report["summary"][key]
        .as_u64()
        .unwrap_or_else(|| panic!("summary.{key}"))
}

fn assert_counts_add_up(report: &Value) {
    let results = report["results"].as_array().expect("results");
    let checked = summary(report, "checked");
    assert_eq!(
        checked,
        summary(report, "valid") + summary(report, "invalid")
    );
    let errors = results.iter().filter(|r| r.get("error").is_some()).count() as u64;
    assert_eq!(errors, summary(report, "unreadable"));
    assert_eq!(results.len() as u64, checked + errors);
    let valid = results
        .iter()
        .filter(|r| r.get("error").is_none() && r["valid"] == true)
        .count() as u64;
    assert_eq!(valid, summary(report, "valid"));
}

#[test]
fn a_mixed_batch_gets_one_verdict_per_payload_and_exit_2() {
    let ws = Workspace::new();
    ws.write("a-normal.json", NORMAL);
    ws.write(
        "b-lines.jsonl",
        format!("{NORMAL}\n{{\"order_id\": \"x\", \"job_id\": \n\n{ABNORMAL}\n"),
    );
    std::os::unix::fs::symlink("nowhere.json", ws.path("c-broken.json")).expect("symlink");
    ws.write("d-numeric-code.json", NUMERIC_CODE);
    let out = ws.run(&[
        "check",
        "--format",
        "json",
        "a-normal.json",
        "b-lines.jsonl",
        "c-broken.json",
        "d-numeric-code.json",
    ]);
    assert_eq!(out.status, 2, "{out:?}");
    assert_eq!(
        out.stderr,
        "response-contract: error: cannot read c-broken.json: No such file or directory (os error 2)\n"
    );
    let report = report(&out);
    let s = |x: &str| x.to_owned();
    assert_eq!(
        verdicts(&report),
        vec![
            (s("a-normal.json"), None, Some(true)),
            (s("b-lines.jsonl"), Some(1), Some(true)),
            (s("b-lines.jsonl"), Some(2), Some(false)),
            (s("b-lines.jsonl"), Some(4), Some(true)),
            (s("c-broken.json"), None, None),
            (s("d-numeric-code.json"), None, Some(false)),
        ]
    );
    assert_eq!(summary(&report, "blank_lines"), 1);
    assert_eq!(summary(&report, "inputs"), 4);
    assert_counts_add_up(&report);

    // The human format counts the same.
    let human = ws.run(&[
        "check",
        "a-normal.json",
        "b-lines.jsonl",
        "c-broken.json",
        "d-numeric-code.json",
    ]);
    assert_eq!(human.status, 2);
    assert!(
        human.stdout.ends_with(
            "5 checked: 3 valid, 2 invalid, 0 warnings, 1 blank line skipped, 1 input could not be read\n"
        ),
        "{human:?}"
    );
}

/// Enough lines for several batches and parallel chunks: order and counts survive.
#[test]
fn a_large_json_lines_input_keeps_order_and_loses_nothing() {
    let ws = Workspace::new();
    let total = 80_000u64;
    let mut text = String::new();
    let mut expected = Vec::new();
    for n in 1..=total {
        if n % 11 == 0 {
            text.push_str("   \n");
        } else if n % 7 == 0 {
            text.push_str(NUMERIC_CODE);
            text.push('\n');
            expected.push((n, false));
        } else {
            text.push_str(NORMAL);
            text.push('\n');
            expected.push((n, true));
        }
    }
    assert!(text.len() > 4 << 20, "more than two batches");
    ws.write("big.ndjson", &text);
    let out = ws.run(&["check", "--format", "json", "big.ndjson"]);
    assert_eq!(out.status, 1);
    let report = report(&out);
    let got: Vec<(u64, bool)> = verdicts(&report)
        .into_iter()
        .map(|(_, line, valid)| (line.expect("a line"), valid.expect("a verdict")))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(summary(&report, "blank_lines"), total / 11);
    assert_eq!(
        summary(&report, "checked") + summary(&report, "blank_lines"),
        total
    );
    assert_counts_add_up(&report);

    // Human findings come out in the same order.
    let human = ws.run(&["check", "--redact", "big.ndjson"]);
    let lines: Vec<u64> = human
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("big.ndjson:"))
        .map(|l| {
            l.split(':')
                .next()
                .expect("a line number")
                .parse()
                .expect("a number")
        })
        .collect();
    let invalid: Vec<u64> = expected
        .iter()
        .filter(|(_, v)| !v)
        .map(|(n, _)| *n)
        .collect();
    assert_eq!(lines, invalid);
}

/// More files than one parallel group: each gets its verdict, in name order.
#[test]
fn many_files_keep_name_order() {
    let ws = Workspace::new();
    for i in 0..700 {
        let payload = if i % 50 == 0 { NUMERIC_CODE } else { NORMAL };
        ws.write(&format!("many/{}/{i:04}.json", i % 3), payload);
    }
    let out = ws.run(&["check", "--format", "json", "many"]);
    assert_eq!(out.status, 1);
    let report = report(&out);
    let sources: Vec<String> = verdicts(&report).into_iter().map(|(s, _, _)| s).collect();
    let mut sorted = sources.clone();
    sorted.sort();
    assert_eq!(sources.len(), 700);
    assert_eq!(sources, sorted, "walked in name order");
    assert_eq!(summary(&report, "invalid"), 14);
    assert_counts_add_up(&report);
}

#[test]
fn crlf_line_ends_are_not_part_of_payloads() {
    let ws = Workspace::new();
    ws.write(
        "crlf.jsonl",
        format!("{NORMAL}\r\n\r\n{NUMERIC_CODE}\r\n{ABNORMAL}"),
    );
    let out = ws.run(&["check", "crlf.jsonl"]);
    assert_eq!(out.status, 1, "{out:?}");
    assert!(!out.stdout.contains('\r'));
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn crlf_in_a_pretty_printed_file() {
    let ws = Workspace::new();
    ws.write(
        "crlf.json",
        "{\r\n  \"error\": {\r\n    \"message\": \"\",\r\n    \"code\": 400\r\n  }\r\n}\r\n",
    );
    let out = ws.run(&["check", "crlf.json"]);
    assert_eq!(out.status, 1, "{out:?}");
    assert!(!out.stdout.contains('\r'));
    assert!(
        out.stdout.starts_with("crlf.json:4:13: error: /error/code"),
        "{out:?}"
    );
    assert!(out.stdout.contains("4 |     \"code\": 400\n"), "{out:?}");
}

#[test]
fn oversized_payloads_get_a_verdict_without_being_read() {
    let ws = Workspace::new();
    let long = format!(r#"{{"order_id": "{}", "job_id": "b"}}"#, "x".repeat(500));
    ws.write("lines.jsonl", format!("{NORMAL}\n{long}\n{NORMAL}\n"));
    ws.write("big.json", &long);
    let out = ws.run(&[
        "check",
        "--format",
        "json",
        "--max-size",
        "200",
        "lines.jsonl",
        "big.json",
    ]);
    assert_eq!(out.status, 1, "{out:?}");
    let report = report(&out);
    assert_eq!(
        verdicts(&report)
            .into_iter()
            .map(|(_, l, v)| (l, v))
            .collect::<Vec<_>>(),
        vec![
            (Some(1), Some(true)),
            (Some(2), Some(false)),
            (Some(3), Some(true)),
            (None, Some(false))
        ]
    );
    for result in [&report["results"][1], &report["results"][3]] {
        let violation = &result["violations"][0];
        assert_eq!(violation["kind"], "limit_exceeded");
        assert_eq!(violation["limit"], "size");
        assert_eq!(violation["max"], 200);
        assert_eq!(
            violation["message"],
            format!(
                "(root): the payload is {} bytes, over the size limit of 200 bytes; not checked further",
                long.len()
            )
        );
    }
}

#[test]
fn standard_input_is_one_payload() {
    let ws = Workspace::new();
    let out = ws.run_stdin(&["check"], NUMERIC_CODE.as_bytes());
    assert_eq!(out.status, 1, "{out:?}");
    assert!(
        out.stdout.starts_with("<stdin>:1:35: error: /error/code"),
        "{out:?}"
    );
    let dash = ws.run_stdin(&["check", "-"], NORMAL.as_bytes());
    assert_eq!(dash.status, 0, "{dash:?}");
    assert_eq!(dash.stdout, "1 checked: 1 valid, 0 invalid, 0 warnings\n");
    // Two payloads on stdin without --lines: one payload with trailing data.
    let two = ws.run_stdin(&["check"], format!("{NORMAL}\n{NORMAL}\n").as_bytes());
    assert_eq!(two.status, 1, "{two:?}");
    assert!(two.stdout.contains("trailing data"), "{two:?}");
}

#[test]
fn standard_input_as_json_lines() {
    let ws = Workspace::new();
    let input = format!("{NORMAL}\n\n{NUMERIC_CODE}\n{ABNORMAL}\n");
    let out = ws.run_stdin(&["check", "--lines", "--format", "json"], input.as_bytes());
    assert_eq!(out.status, 1, "{out:?}");
    let report = report(&out);
    let s = || "<stdin>".to_owned();
    assert_eq!(
        verdicts(&report),
        vec![
            (s(), Some(1), Some(true)),
            (s(), Some(3), Some(false)),
            (s(), Some(4), Some(true))
        ]
    );
    assert_eq!(summary(&report, "blank_lines"), 1);
    let human = ws.run_stdin(&["check", "--lines", "-"], input.as_bytes());
    assert!(human.stdout.starts_with("<stdin>:3:35: error"), "{human:?}");
}

#[test]
fn lines_mode_applies_to_any_file_name() {
    let ws = Workspace::new();
    ws.write("log.txt", format!("{NORMAL}\n{ABNORMAL}\n"));
    assert_eq!(
        ws.run(&["check", "log.txt"]).status,
        1,
        "one payload with trailing data"
    );
    let out = ws.run(&["check", "--lines", "log.txt"]);
    assert_eq!(out.status, 0, "{out:?}");
    assert_eq!(out.stdout, "2 checked: 2 valid, 0 invalid, 0 warnings\n");
}

#[test]
fn directories_are_walked_for_json_files_only() {
    let ws = Workspace::new();
    ws.write("tree/b.json", NORMAL);
    ws.write("tree/a/z.ndjson", format!("{NORMAL}\n{ABNORMAL}\n"));
    ws.write("tree/a/y.jsonl", format!("{NORMAL}\n"));
    ws.write("tree/notes.txt", "not checked");
    ws.write("tree/c.JSON5", "not checked");
    ws.write("tree/empty.jsonl", "");
    let out = ws.run(&["check", "--format", "json", "tree"]);
    assert_eq!(out.status, 0, "{out:?}");
    let report = report(&out);
    let s = |x: &str| x.to_owned();
    assert_eq!(
        verdicts(&report),
        vec![
            (s("tree/a/y.jsonl"), Some(1), Some(true)),
            (s("tree/a/z.ndjson"), Some(1), Some(true)),
            (s("tree/a/z.ndjson"), Some(2), Some(true)),
            (s("tree/b.json"), None, Some(true)),
        ]
    );
    assert_eq!(
        summary(&report, "inputs"),
        4,
        "empty.jsonl is an input without payloads"
    );
}

#[test]
fn a_directory_loop_is_reported_and_the_walk_goes_on() {
    let ws = Workspace::new();
    ws.write("tree/a.json", NORMAL);
    ws.write("tree/sub/b.json", NUMERIC_CODE);
    std::os::unix::fs::symlink("..", ws.path("tree/sub/loop")).expect("symlink");
    ws.write("tree/sub/z.json", NORMAL);
    let out = ws.run(&["check", "--format", "json", "tree"]);
    assert_eq!(out.status, 2, "{out:?}");
    assert_eq!(
        out.stderr,
        "response-contract: error: cannot read tree/sub/loop: a directory loop (the link leads back to tree)\n"
    );
    let report = report(&out);
    let s = |x: &str| x.to_owned();
    assert_eq!(
        verdicts(&report),
        vec![
            (s("tree/a.json"), None, Some(true)),
            (s("tree/sub/b.json"), None, Some(false)),
            (s("tree/sub/loop"), None, None),
            (s("tree/sub/z.json"), None, Some(true)),
        ]
    );
    assert_counts_add_up(&report);
}

#[test]
fn empty_inputs() {
    let ws = Workspace::new();
    ws.write("empty.jsonl", "");
    ws.write("blank.jsonl", "\n  \n\t\n");
    ws.write("empty.json", "");
    let lines = ws.run(&["check", "empty.jsonl", "blank.jsonl"]);
    assert_eq!(lines.status, 0, "{lines:?}");
    assert_eq!(
        lines.stdout,
        "0 checked: 0 valid, 0 invalid, 0 warnings, 3 blank lines skipped\n"
    );
    let file = ws.run(&["check", "empty.json"]);
    assert_eq!(
        file.status, 1,
        "an empty payload is not a response: {file:?}"
    );
    assert!(file.stdout.contains("the payload is empty"), "{file:?}");
}

#[test]
fn an_unreadable_json_lines_input_is_reported_in_its_place() {
    let ws = Workspace::new();
    ws.write("a.jsonl", format!("{NORMAL}\n"));
    std::os::unix::fs::symlink("nowhere.jsonl", ws.path("b.jsonl")).expect("symlink");
    ws.write("c.jsonl", format!("{NUMERIC_CODE}\n"));
    let out = ws.run(&["check", "--format", "json", "a.jsonl", "b.jsonl", "c.jsonl"]);
    assert_eq!(out.status, 2, "{out:?}");
    let report = report(&out);
    let s = |x: &str| x.to_owned();
    assert_eq!(
        verdicts(&report),
        vec![
            (s("a.jsonl"), Some(1), Some(true)),
            (s("b.jsonl"), None, None),
            (s("c.jsonl"), Some(1), Some(false)),
        ]
    );
    assert_counts_add_up(&report);
}

/// JUnit's opening tags carry counts, so test cases wait for them: past a few megabytes in a
/// temporary file. The document still comes out whole, with the right counts.
#[test]
fn junit_of_a_large_input_keeps_every_test_case() {
    let ws = Workspace::new();
    let total = 48_000;
    ws.write(
        "many.jsonl",
        format!("{NUMERIC_CODE}\n{NORMAL}\n").repeat(total / 2),
    );
    let out = ws.run(&["check", "--format", "junit", "many.jsonl"]);
    assert_eq!(out.status, 1);
    assert!(
        out.stdout.len() > 8 << 20,
        "large enough to spill: {}",
        out.stdout.len()
    );
    let mut lines = out.stdout.lines();
    assert_eq!(
        lines.next(),
        Some(r#"<?xml version="1.0" encoding="UTF-8"?>"#)
    );
    assert_eq!(
        lines.next(),
        Some(r#"<testsuites name="response-contract" tests="48000" failures="24000" errors="0">"#)
    );
    assert_eq!(out.stdout.matches("<testcase ").count(), total);
    assert_eq!(out.stdout.matches("<failure ").count(), total / 2);
    assert!(out.stdout.ends_with("  </testsuite>\n</testsuites>\n"));
    // In order: the last test case is the last line.
    assert!(out.stdout.contains(&format!("name=\"many.jsonl:{total}\"")));
    let last = out.stdout.rfind("<testcase ").expect("a test case");
    assert!(out.stdout[last..].starts_with(&format!("<testcase name=\"many.jsonl:{total}\"")));
}
