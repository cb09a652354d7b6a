//! Inputs that never end: a whole-file payload read from a stream (a FIFO whose writer never
//! closes, `/dev/zero`, standard input fed for ever) stops being read one byte past the size limit
//! and gets its `limit_exceeded` violation at once; JSON Lines keep reading, line by line, until
//! the stream ends. Every run here is bounded in time: a command still running after
//! [`DEADLINE`] is killed and the test fails.

#![cfg(unix)]

mod cli_support;

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use cli_support::Workspace;

/// Far more than any of these runs needs; a run that reads for ever hits it.
const DEADLINE: Duration = Duration::from_secs(20);

/// The size limit of these runs, and what its violation says.
const LIMIT: usize = 1 << 20;
const OVER_LIMIT: &str =
    "(root): the payload is over the size limit of 1048576 bytes; not read further";

struct Finished {
    status: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
}

/// Waits for `child` at most [`DEADLINE`], reading its output meanwhile; kills it and fails the
/// test when it takes longer.
fn finish(mut child: Child, what: &str) -> Finished {
    let started = Instant::now();
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out = thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).expect("UTF-8 output");
        text
    });
    let err = thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).expect("UTF-8 output");
        text
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child's status") {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {DEADLINE:?}: it reads for ever");
        }
        thread::sleep(Duration::from_millis(20));
    };
    Finished {
        status: status.code(),
        stdout: out.join().expect("the stdout reader"),
        stderr: err.join().expect("the stderr reader"),
        took: started.elapsed(),
    }
}

fn check(ws: &Workspace, args: &[&str]) -> Child {
    ws.command(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts")
}

/// The one violation of a one-result JSON report.
fn only_violation(out: &Finished) -> serde_json::Value {
    let report: serde_json::Value = serde_json::from_str(&out.stdout).expect("a JSON report");
    let results = report["results"].as_array().expect("results");
    assert_eq!(results.len(), 1, "{report}");
    let violations = results[0]["violations"].as_array().expect("violations");
    assert_eq!(violations.len(), 1, "{report}");
    violations[0].clone()
}

fn assert_over_limit(out: &Finished, what: &str) {
    assert_eq!(out.status, Some(1), "{what}: {}{}", out.stdout, out.stderr);
    let violation = only_violation(out);
    assert_eq!(violation["kind"], "limit_exceeded", "{what}");
    assert_eq!(violation["limit"], "size", "{what}");
    assert_eq!(violation["max"], LIMIT, "{what}");
    assert_eq!(violation["message"], OVER_LIMIT, "{what}");
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// A writer that opens the FIFO, writes `chunk` again and again (`times` times, or until the
/// reader goes away when `None`), then holds the FIFO open without closing it until `release`
/// says so. Returns how many bytes it wrote.
fn writer(
    fifo: PathBuf,
    chunk: Vec<u8>,
    times: Option<usize>,
    release: mpsc::Receiver<()>,
) -> thread::JoinHandle<u64> {
    thread::spawn(move || {
        let mut file = OpenOptions::new()
            .write(true)
            .open(&fifo)
            .expect("the FIFO opens for writing");
        let mut written = 0u64;
        let mut round = 0;
        while times.is_none_or(|n| round < n) {
            // A reader that stopped reading and exited makes this fail (EPIPE: Rust ignores
            // SIGPIPE); the FIFO is still not closed.
            if file.write_all(&chunk).is_err() {
                break;
            }
            written += chunk.len() as u64;
            round += 1;
        }
        let _ = file.flush();
        // Never closed before the test ends (or gives up).
        let _ = release.recv_timeout(DEADLINE * 2);
        drop(file);
        written
    })
}

#[test]
fn a_fifo_whose_writer_never_closes_stops_at_the_size_limit() {
    let ws = Workspace::new();
    let fifo = ws.path("endless.json");
    mkfifo(&fifo);
    let (release, held) = mpsc::channel();
    // Endless `aaaa…`: more than the limit, and never an end of input.
    let writer = writer(fifo, vec![b'a'; 64 * 1024], None, held);
    let child = check(
        &ws,
        &[
            "check",
            "--max-size",
            "1M",
            "--format",
            "json",
            "endless.json",
        ],
    );
    let out = finish(child, "check of a FIFO");
    let _ = release.send(());
    let written = writer.join().expect("the writer");
    assert_over_limit(&out, "a FIFO");
    assert!(written > LIMIT as u64, "the writer wrote {written} bytes");
    assert!(out.took < DEADLINE, "took {:?}", out.took);
}

#[test]
fn dev_zero_stops_at_the_size_limit() {
    let ws = Workspace::new();
    let out = finish(
        check(
            &ws,
            &["check", "--max-size", "1M", "--format", "json", "/dev/zero"],
        ),
        "check /dev/zero",
    );
    assert_over_limit(&out, "/dev/zero");
    // With the default limit (16 MiB) too, and the human format.
    let out = finish(check(&ws, &["check", "/dev/zero"]), "check /dev/zero");
    assert_eq!(out.status, Some(1), "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.starts_with(
            "/dev/zero:1:1: error: (root): the payload is over the size limit of 16777216 bytes; not read further\n"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn standard_input_fed_for_ever_stops_at_the_size_limit() {
    // `curl … | response-contract check -` with a download that never ends.
    let ws = Workspace::new();
    let mut child = ws
        .command(&["check", "--max-size", "1M", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stdin = child.stdin.take().expect("piped stdin");
    let feeder = thread::spawn(move || {
        let chunk = vec![b' '; 64 * 1024];
        let started = Instant::now();
        let mut written = 0u64;
        // Until the command stops reading and exits (a broken pipe), or the deadline.
        while started.elapsed() < DEADLINE * 2 && stdin.write_all(&chunk).is_ok() {
            written += chunk.len() as u64;
        }
        written
    });
    let out = finish(child, "check - fed for ever");
    let written = feeder.join().expect("the feeder");
    assert_over_limit(&out, "standard input");
    assert!(written > LIMIT as u64, "the feeder wrote {written} bytes");
}

#[test]
fn json_lines_from_a_fifo_keep_being_read_until_it_ends() {
    let ws = Workspace::new();
    let fifo = ws.path("stream.jsonl");
    mkfifo(&fifo);
    let (release, held) = mpsc::channel();
    let line = b"{\"order_id\": \"a\", \"job_id\": \"b\"}\n".to_vec();
    let length = 3 * line.len() as u64;
    let writer = writer(fifo, line, Some(3), held);
    let child = check(&ws, &["check", "--format", "json", "stream.jsonl"]);
    // The writer has written its lines but not closed: the command waits for more.
    thread::sleep(Duration::from_millis(500));
    let mut child = child;
    assert!(
        child.try_wait().expect("a status").is_none(),
        "JSON Lines must be read until the stream ends"
    );
    release.send(()).expect("the writer waits");
    assert_eq!(writer.join().expect("the writer"), length);
    let out = finish(child, "check of a JSON Lines FIFO");
    assert_eq!(out.status, Some(0), "{}{}", out.stdout, out.stderr);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).expect("a JSON report");
    assert_eq!(report["summary"]["checked"], 3, "{report}");
    assert_eq!(report["summary"]["valid"], 3, "{report}");
}
