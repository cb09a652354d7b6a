//! Hostile inputs through the real binary: each gets a located verdict, the documented exit
//! status, and summary counts that add up to the input — nothing lost, nothing crashes.
//! (The heaviest cases — a 1 GiB line, 10 million lines — are in `hostile_input_heavy.rs`.)

mod cli_support;

use std::io::{Read, Write};
use std::process::Stdio;

use cli_support::{ABNORMAL, NORMAL, NUMERIC_CODE, Workspace};

/// The summary's numbers: (checked, valid, invalid, blank lines, unreadable inputs).
fn summary(stdout: &str) -> (u64, u64, u64, u64, u64) {
    let last = stdout.lines().last().expect("a summary line");
    let number_before = |word: &str| -> u64 {
        last.split(", ")
            .flat_map(|part| part.split(": "))
            .find_map(|part| {
                let (n, rest) = part.split_once(' ')?;
                rest.starts_with(word).then(|| n.parse().ok()).flatten()
            })
            .unwrap_or(0)
    };
    (
        number_before("checked"),
        number_before("valid"),
        number_before("invalid"),
        number_before("blank"),
        number_before("input"),
    )
}

#[test]
fn crlf_line_ends_and_a_last_line_without_newline_are_payloads() {
    let ws = Workspace::new();
    let input = format!("{NORMAL}\r\n\r\n{ABNORMAL}\r\n{NUMERIC_CODE}");
    ws.write("in.jsonl", &input);
    let out = ws.run(&["check", "in.jsonl"]);
    assert_eq!(out.status, 1, "{}", out.stdout);
    assert_eq!(summary(&out.stdout), (3, 2, 1, 1, 0));
    assert!(
        out.stdout
            .starts_with("in.jsonl:4:35: error: /error/code: expected a string"),
        "{}",
        out.stdout
    );
}

#[test]
fn nul_bytes_and_random_binary_get_a_located_verdict_each() {
    let ws = Workspace::new();
    let mut lines = format!("{NORMAL}\n").into_bytes();
    lines.extend_from_slice(b"{\"order_id\": \"a\0\", \"job_id\": \"b\"}\n\0\0\0\n");
    ws.write("nul.jsonl", &lines);
    let mut seed = 7u32;
    let binary: Vec<u8> = (0..65_536)
        .map(|_| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 24) as u8
        })
        .collect();
    ws.write("noise.json", &binary);
    let out = ws.run(&["check", "nul.jsonl", "noise.json"]);
    assert_eq!(out.status, 1);
    assert_eq!(summary(&out.stdout), (4, 1, 3, 0, 0));
    assert!(
        out.stdout.contains("nul.jsonl:2:16: error:"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("nul.jsonl:3:1: error:"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("noise.json:1:"), "{}", out.stdout);
}

#[cfg(unix)]
#[test]
fn an_unreadable_input_and_a_directory_loop_do_not_stop_the_others() {
    let ws = Workspace::new();
    ws.write("tree/a.json", NORMAL);
    ws.write("tree/sub/b.jsonl", format!("{ABNORMAL}\n{NUMERIC_CODE}\n"));
    std::os::unix::fs::symlink("..", ws.path("tree/sub/loop")).unwrap();
    std::os::unix::fs::symlink("nowhere.json", ws.path("tree/dangling.json")).unwrap();
    let out = ws.run(&["check", "tree", "missing.json"]);
    assert_eq!(
        out.status, 2,
        "stdout:\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
    // Three payloads checked, each once (the loop did not walk them twice); three inputs
    // unreadable: the loop, the dangling link and the missing file.
    let (checked, valid, invalid, _, unreadable) = summary(&out.stdout);
    assert_eq!((checked, valid, invalid), (3, 2, 1), "{}", out.stdout);
    assert_eq!(unreadable, 3, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("missing.json"), "{}", out.stderr);
}

#[test]
fn stdin_closed_mid_line_still_gets_a_verdict_for_what_arrived() {
    let ws = Workspace::new();
    let input = format!("{NORMAL}\n{}", &ABNORMAL[..30]);
    let out = ws.run_stdin(&["check", "--lines", "-"], input.as_bytes());
    assert_eq!(out.status, 1);
    assert_eq!(summary(&out.stdout), (2, 1, 1, 0, 0));
    assert!(
        out.stdout.contains("<stdin>:2:") || out.stdout.contains("-:2:"),
        "{}",
        out.stdout
    );
    // Nothing at all on stdin: no payload, nothing invalid, a clean summary.
    let out = ws.run_stdin(&["check", "--lines"], b"");
    assert_eq!(out.status, 0);
    assert_eq!(summary(&out.stdout), (0, 0, 0, 0, 0));
}

#[test]
fn a_closed_output_pipe_ends_the_run_quietly_with_status_zero() {
    let ws = Workspace::new();
    let line = format!("{NUMERIC_CODE}\n");
    ws.write("many.jsonl", line.repeat(50_000));
    let mut child = ws
        .command(&["check", "many.jsonl"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 100];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn deep_nesting_and_oversized_payloads_are_violations_of_their_own() {
    let ws = Workspace::new();
    ws.write("deep.json", "[".repeat(100_000));
    let mut big = br#"{"error": {"code": "BMS.0001", "message": ""#.to_vec();
    big.resize(big.len() + 17 * 1024 * 1024, b'm');
    big.extend_from_slice(b"\"}}\n");
    ws.write("big.json", &big);
    ws.write("big.jsonl", &big);
    let out = ws.run(&[
        "check",
        "--format",
        "json",
        "deep.json",
        "big.json",
        "big.jsonl",
    ]);
    assert_eq!(out.status, 1, "{}", out.stderr);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let kinds: Vec<(&str, &str)> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["source"].as_str().unwrap(),
                r["violations"][0]["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("deep.json", "limit_exceeded"),
            ("big.json", "limit_exceeded"),
            ("big.jsonl", "limit_exceeded")
        ]
    );
    // With the limit raised, the same payloads are checked — and valid.
    let out = ws.run(&["check", "--max-size", "18M", "big.json", "big.jsonl"]);
    assert_eq!(out.status, 0, "{}", out.stdout);
    assert_eq!(summary(&out.stdout), (2, 2, 0, 0, 0));
}

#[test]
fn every_line_of_a_large_mixed_input_gets_exactly_one_verdict() {
    let ws = Workspace::new();
    let mut input = String::new();
    let (mut valid, mut invalid, mut blank) = (0, 0, 0);
    for i in 0..40_000u32 {
        match i % 10 {
            0 => {
                input.push_str(NUMERIC_CODE);
                invalid += 1;
            }
            1 => {
                input.push_str("{\"order_id\": \"x\"");
                invalid += 1;
            }
            2 if i % 7 == 0 => {
                input.push_str("   ");
                blank += 1;
            }
            3 | 5 | 7 | 9 => {
                input.push_str(ABNORMAL);
                valid += 1;
            }
            _ => {
                input.push_str(NORMAL);
                valid += 1;
            }
        }
        input.push('\n');
    }
    let out = ws.run_stdin(&["check", "--lines"], input.as_bytes());
    assert_eq!(out.status, 1);
    assert_eq!(
        summary(&out.stdout),
        (valid + invalid, valid, invalid, blank, 0)
    );
    // And in the JSON output: one result per line, in input order.
    let out = ws.run_stdin(&["check", "--lines", "--format", "json"], input.as_bytes());
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let lines: Vec<u64> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines.len() as u64, valid + invalid);
    assert!(
        lines.windows(2).all(|w| w[0] < w[1]),
        "results keep input order"
    );
    assert_eq!(report["summary"]["checked"], valid + invalid);
    assert_eq!(report["summary"]["blank_lines"], blank);
}

#[test]
fn stdin_is_streamed_not_slurped() {
    // The producer writes slowly in pieces; verdicts for early lines need no end of input.
    let ws = Workspace::new();
    let mut child = ws
        .command(&["check", "--lines", "--format", "github"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for _ in 0..1000 {
        stdin
            .write_all(format!("{NORMAL}\n{NUMERIC_CODE}\n").as_bytes())
            .unwrap();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.lines().filter(|l| l.starts_with("::error")).count(),
        1000
    );
}
