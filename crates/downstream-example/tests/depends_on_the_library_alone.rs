//! A crate that depends on `response-contract` with default features gets the library and
//! nothing of the command: no argument parser, thread pool, progress bar or XML writer.

use std::process::Command;

#[test]
fn the_library_checks_payloads_for_a_downstream_crate() {
    let results = downstream_example::check_job_statuses([
        br#"{"error": {"message": "", "code": "BMS.0001"}}"#.as_slice(),
        br#"{"status": "DONE", "entities": {}, "job_id": "x", "job_type": "baremetalBatchCreate", "begin_time": "", "end_time": "", "error_code": null, "fail_reason": null}"#.as_slice(),
    ]);
    assert_eq!(results[0], None);
    assert!(
        results[1]
            .as_deref()
            .is_some_and(|m| m.starts_with("/status: expected one of"))
    );
}

#[test]
fn cargo_tree_shows_no_command_line_dependency() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args([
            "tree",
            "--offline",
            "-e",
            "normal",
            "--prefix",
            "none",
            "-p",
            "downstream-example",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(tree.contains("response-contract v"), "{tree}");
    let crates: Vec<&str> = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    for command_only in [
        "clap",
        "clap_complete",
        "clap_mangen",
        "rayon",
        "walkdir",
        "quick-xml",
        "indicatif",
        "tempfile",
        "response-contract-cli",
        "reqwest",
        "rustls",
    ] {
        assert!(
            !crates.contains(&command_only),
            "{command_only} in:\n{tree}"
        );
    }
}
