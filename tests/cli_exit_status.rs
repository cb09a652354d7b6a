//! The exit status is a contract: 0 conforms, 1 violations, 2 the tool could not do its job (and
//! 2 wins over 1); a closed output pipe is not an error. Each code is pinned here.

mod cli_support;

use std::io::Read;
use std::process::Stdio;

use cli_support::{ABNORMAL, NORMAL, NUMERIC_CODE, Workspace};

#[test]
fn conforming_payloads_exit_0() {
    let ws = Workspace::new();
    ws.write("ok/normal.json", NORMAL);
    ws.write("ok/abnormal.json", ABNORMAL);
    let out = ws.run(&["check", "ok"]);
    assert_eq!(out.status, 0, "{out:?}");
    assert_eq!(out.stdout, "2 checked: 2 valid, 0 invalid, 0 warnings\n");
    assert_eq!(out.stderr, "");
}

#[test]
fn warnings_exit_0_unless_strict() {
    let ws = Workspace::new();
    ws.write(
        "extra.json",
        r#"{"order_id": "a", "job_id": "b", "region": "eu-de"}"#,
    );
    let lenient = ws.run(&["check", "extra.json"]);
    assert_eq!(lenient.status, 0, "{lenient:?}");
    assert!(lenient.stdout.contains("warning: /region"), "{lenient:?}");
    let strict = ws.run(&["check", "--strict", "extra.json"]);
    assert_eq!(strict.status, 1, "{strict:?}");
    assert!(strict.stdout.contains("error: /region"), "{strict:?}");
}

#[test]
fn a_violation_exits_1() {
    let ws = Workspace::new();
    ws.write("numeric-code.json", NUMERIC_CODE);
    let out = ws.run(&["check", "numeric-code.json"]);
    assert_eq!(out.status, 1, "{out:?}");
    assert_eq!(out.stderr, "");
}

#[test]
fn the_shipped_examples_exit_1() {
    // The README's first command: the numeric-code example breaks the contract.
    let ws = Workspace::with_examples();
    let out = ws.run(&["check", "examples/"]);
    assert_eq!(out.status, 1, "{out:?}");
}

#[test]
fn the_expected_variant_decides() {
    let ws = Workspace::new();
    ws.write("abnormal.json", ABNORMAL);
    assert_eq!(
        ws.run(&["check", "--expect", "abnormal", "abnormal.json"])
            .status,
        0
    );
    assert_eq!(
        ws.run(&["check", "--status", "404", "abnormal.json"])
            .status,
        0
    );
    assert_eq!(
        ws.run(&["check", "--expect", "normal", "abnormal.json"])
            .status,
        1
    );
    assert_eq!(
        ws.run(&["check", "--status", "202", "abnormal.json"])
            .status,
        1
    );
}

#[test]
fn an_unreadable_input_exits_2_and_the_others_are_still_checked() {
    let ws = Workspace::new();
    ws.write("numeric-code.json", NUMERIC_CODE);
    ws.write("normal.json", NORMAL);
    // A dangling symbolic link cannot be read, even by root (chmod 000 would not stop root).
    std::os::unix::fs::symlink("nowhere.json", ws.path("broken.json")).expect("symlink");
    let out = ws.run(&["check", "numeric-code.json", "broken.json", "normal.json"]);
    assert_eq!(out.status, 2, "2 wins over 1: {out:?}");
    assert_eq!(
        out.stderr,
        "response-contract: error: cannot read broken.json: No such file or directory (os error 2)\n"
    );
    assert!(
        out.stdout.contains("numeric-code.json:1:35: error"),
        "{out:?}"
    );
    assert!(
        out.stdout
            .ends_with("2 checked: 1 valid, 1 invalid, 0 warnings, 1 input could not be read\n"),
        "{out:?}"
    );
}

#[test]
fn a_missing_path_exits_2() {
    let ws = Workspace::new();
    let out = ws.run(&["check", "missing.json"]);
    assert_eq!(out.status, 2, "{out:?}");
    assert!(out.stderr.contains("cannot read missing.json"), "{out:?}");
}

#[test]
fn bad_arguments_exit_2() {
    let ws = Workspace::new();
    ws.write("normal.json", NORMAL);
    for args in [
        &["check", "--format", "yaml", "normal.json"][..],
        &["check", "--expect", "sometimes", "normal.json"],
        &["check", "--max-size", "lots", "normal.json"],
        &[
            "check",
            "--expect",
            "normal",
            "--status",
            "200",
            "normal.json",
        ],
        &["check", "--no-such-flag"],
        &["frobnicate"],
        &[],
    ] {
        let out = ws.run(args);
        assert_eq!(out.status, 2, "{args:?}: {out:?}");
        assert_eq!(out.stdout, "", "{args:?}");
    }
}

#[test]
fn a_status_the_contract_does_not_name_exits_2() {
    let ws = Workspace::new();
    ws.write("normal.json", NORMAL);
    let out = ws.run(&["check", "--status", "302", "normal.json"]);
    assert_eq!(out.status, 2, "{out:?}");
    assert_eq!(
        out.stderr,
        "response-contract: error: the contract names no response for HTTP status 302: expected 2xx (normal) or 4xx/5xx (abnormal)\n"
    );
}

#[test]
fn an_invalid_schema_exits_2() {
    let ws = Workspace::new();
    ws.write("normal.json", NORMAL);
    ws.write("not-json.schema.json", "{");
    ws.write("not-a-schema.schema.json", r#"{"type": 5}"#);
    for schema in [
        "not-json.schema.json",
        "not-a-schema.schema.json",
        "absent.json",
    ] {
        let out = ws.run(&["check", "--schema", schema, "normal.json"]);
        assert_eq!(out.status, 2, "{schema}: {out:?}");
        assert!(
            out.stderr.starts_with("response-contract: error: ") && out.stderr.contains(schema),
            "{schema}: {out:?}"
        );
        assert_eq!(out.stdout, "");
    }
}

#[test]
fn help_and_version_exit_0_and_help_documents_the_exit_status() {
    let ws = Workspace::new();
    for args in [&["--help"][..], &["check", "--help"]] {
        let out = ws.run(args);
        assert_eq!(out.status, 0, "{out:?}");
        for line in [
            "Exit status:",
            "0  every payload conforms to the contract",
            "1  at least one payload breaks the contract",
            "2  the tool could not do its job for some input",
        ] {
            assert!(
                out.stdout.contains(line),
                "{args:?} lacks {line:?}:\n{}",
                out.stdout
            );
        }
    }
    let version = ws.run(&["--version"]);
    assert_eq!(version.status, 0);
    assert_eq!(
        version.stdout,
        format!("response-contract {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// A reader that goes away (`| head`) ends the run quietly with status 0, even though the
/// payloads are invalid.
#[test]
fn a_closed_output_pipe_exits_0_quietly() {
    let ws = Workspace::new();
    // Far more output than a pipe buffers, so some write must meet the closed pipe.
    let line = format!("{NUMERIC_CODE}\n");
    ws.write("many.jsonl", line.repeat(20_000));
    for format in ["human", "json", "github", "sarif", "junit"] {
        let mut child = ws
            .command(&["check", "--format", format, "many.jsonl"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        drop(child.stdout.take());
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .expect("stderr is piped")
            .read_to_string(&mut stderr)
            .expect("stderr reads");
        let status = child.wait().expect("the binary exits");
        assert_eq!(status.code(), Some(0), "{format}: {stderr}");
        assert_eq!(stderr, "", "{format}");
    }
}
