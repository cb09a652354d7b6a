//! The heaviest hostile inputs, generated in the test (never committed): a 1 GiB single line,
//! 10 million lines, a 100 MiB string. Each must run in bounded memory, in time linear in its
//! size, with a verdict per payload and counts that add up.
//!
//! Not run in CI (they take minutes and gigabytes of I/O on a 2-core machine); run them with
//! `cargo test --release --test hostile_input_heavy -- --ignored --test-threads 1`.

// These tests exist to report their figures (time, peak memory) for the record.
#![allow(clippy::print_stderr)]

mod cli_support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use cli_support::{ABNORMAL, NORMAL, NUMERIC_CODE, Workspace};

/// Peak resident memory of a running child, in KiB, sampled until it exits.
fn watch_peak_rss(child: &Child) -> std::thread::JoinHandle<u64> {
    let status = format!("/proc/{}/status", child.id());
    std::thread::spawn(move || {
        let mut peak = 0;
        while let Ok(text) = std::fs::read_to_string(&status) {
            let hwm = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok());
            match hwm {
                Some(kib) => peak = peak.max(kib),
                None => break, // a zombie: the process has exited
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        peak
    })
}

/// Streams `lines` (a generator of chunks) into `check --lines -` and returns (stdout's last
/// line, exit code, peak RSS KiB, seconds).
fn run_streamed(
    args: &[&str],
    mut chunks: impl FnMut(&mut dyn Write) + Send + 'static,
) -> (String, i32, u64, f64) {
    let ws = Workspace::new();
    let started = Instant::now();
    let mut child = ws
        .command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let peak = watch_peak_rss(&child);
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let mut out = std::io::BufWriter::with_capacity(1 << 20, &mut stdin);
        chunks(&mut out);
        out.flush().unwrap();
    });
    let mut last = String::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        last = line.unwrap();
    }
    writer.join().unwrap();
    let code = child.wait().unwrap().code().unwrap();
    (
        last,
        code,
        peak.join().unwrap(),
        started.elapsed().as_secs_f64(),
    )
}

#[test]
#[ignore = "heavy: streams 1 GiB through the binary; run with --release -- --ignored"]
fn a_one_gib_single_line_is_streamed_past_in_bounded_memory() {
    let (summary, code, peak_kib, secs) = run_streamed(&["check", "--lines", "-"], |out| {
        out.write_all(br#"{"error": {"code": "BMS.0001", "message": ""#)
            .unwrap();
        let block = vec![b'm'; 1 << 20];
        for _ in 0..1024 {
            out.write_all(&block).unwrap();
        }
        out.write_all(b"\"}}\n").unwrap();
        out.write_all(NORMAL.as_bytes()).unwrap();
        out.write_all(b"\n").unwrap();
    });
    eprintln!("1 GiB line: {secs:.2} s, peak RSS {} MiB", peak_kib / 1024);
    assert_eq!(code, 1);
    assert_eq!(summary, "2 checked: 1 valid, 1 invalid, 0 warnings");
    assert!(peak_kib < 128 * 1024, "peak RSS {peak_kib} KiB");
}

#[test]
#[ignore = "heavy: 10 million lines (about 700 MB) through the binary; run with --release -- --ignored"]
fn ten_million_lines_each_get_a_verdict_in_bounded_memory() {
    let (summary, code, peak_kib, secs) =
        run_streamed(&["check", "--lines", "--quiet", "-"], |out| {
            for i in 0..10_000_000u32 {
                let line = match i % 20 {
                    0 | 1 => NUMERIC_CODE,
                    2..=10 => ABNORMAL,
                    _ => NORMAL,
                };
                out.write_all(line.as_bytes()).unwrap();
                out.write_all(b"\n").unwrap();
            }
        });
    eprintln!("10M lines: {secs:.2} s, peak RSS {} MiB", peak_kib / 1024);
    assert_eq!(code, 1);
    assert_eq!(summary, "", "--quiet prints nothing");
    assert!(peak_kib < 128 * 1024, "peak RSS {peak_kib} KiB");
    // The counts, from a second run that prints the summary (invalid lines' diagnostics go to
    // stdout too; only the last line is kept).
    let (summary, _, _, _) = run_streamed(&["check", "--lines", "--format", "human", "-"], |out| {
        for i in 0..10_000_000u32 {
            let line = if i % 20 < 2 { NUMERIC_CODE } else { NORMAL };
            out.write_all(line.as_bytes()).unwrap();
            out.write_all(b"\n").unwrap();
        }
    });
    assert_eq!(
        summary,
        "10000000 checked: 9000000 valid, 1000000 invalid, 0 warnings"
    );
}

#[test]
#[ignore = "heavy: a 100 MiB string, checked with a raised size limit; run with --release -- --ignored"]
fn a_hundred_mib_string_is_checked_when_the_limit_allows_it() {
    let (summary, code, peak_kib, secs) =
        run_streamed(&["check", "--lines", "--max-size", "128M", "-"], |out| {
            out.write_all(br#"{"error": {"code": "BMS.0001", "message": ""#)
                .unwrap();
            let block = vec![b'x'; 1 << 20];
            for _ in 0..100 {
                out.write_all(&block).unwrap();
            }
            out.write_all(b"\"}}\n").unwrap();
        });
    eprintln!(
        "100 MiB string: {secs:.2} s, peak RSS {} MiB",
        peak_kib / 1024
    );
    assert_eq!(code, 0);
    assert_eq!(summary, "1 checked: 1 valid, 0 invalid, 0 warnings");
    // The line itself must be held to be checked: bounded by a small multiple of its size.
    assert!(peak_kib < 512 * 1024, "peak RSS {peak_kib} KiB");
}
