//! The schemas stand on their own: Python's `jsonschema` (a second, independent 2020-12
//! implementation) loading `schemas/` reaches this library's verdict on generated payloads.

#![cfg(feature = "proptest")]

use std::io::Write;
use std::process::{Command, Stdio};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, TestRunner};
use response_contract::strategies;

#[test]
#[ignore = "needs python3 with `pip install jsonschema` (4.18+), which CI does not install: every CI dependency comes through Cargo; run with `cargo test --all-features --test schema_agreement_python -- --ignored`"]
fn verdicts_equal_python_jsonschema_on_generated_payloads() {
    let mut runner = TestRunner::new(Config::default());
    let strategy = strategies::any_candidate();
    let payloads: Vec<Vec<u8>> = (0..5000)
        .map(|_| {
            // One line each: Python reads JSON Lines, so re-serialise compactly.
            let bytes = strategy.new_tree(&mut runner).unwrap().current().bytes;
            let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            serde_json::to_vec(&value).unwrap()
        })
        .collect();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/verdicts.py");
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let mut stdin = child.stdin.take().unwrap();
    let input = payloads.join(&b'\n');
    let writer = std::thread::spawn(move || {
        stdin.write_all(&input).unwrap();
        stdin.write_all(b"\n").unwrap();
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(output.status.success(), "python3 failed");
    let theirs: Vec<bool> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| l == "1")
        .collect();
    assert_eq!(theirs.len(), payloads.len());
    let mut valid = 0;
    for (payload, theirs) in payloads.iter().zip(theirs) {
        let ours = response_contract::is_valid(payload);
        assert_eq!(
            ours,
            theirs,
            "disagreement on {}",
            String::from_utf8_lossy(payload)
        );
        valid += usize::from(ours);
    }
    // Both verdicts must be well represented, or the comparison proves little.
    assert!(valid > 1000 && valid < 4000, "{valid} valid of 5000");
}
