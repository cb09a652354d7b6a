//! `response-contract completions SHELL` prints a completion script for each shell clap_complete
//! knows, naming every subcommand and option (and bash's completes `ch` to `check`);
//! `response-contract man [COMMAND]` prints roff pages with the usual sections, which groff renders
//! without a warning.

mod cli_support;

use std::io::Write;
use std::process::{Command, Stdio};

use cli_support::Workspace;

const SUBCOMMANDS: &[&str] = &["check", "schema", "completions", "man"];

#[test]
fn every_shell_gets_a_script_naming_the_subcommands_and_options() {
    let ws = Workspace::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = ws.run(&["completions", shell]);
        assert_eq!(out.status, 0, "{shell}: {out:?}");
        assert!(out.stdout.len() > 500, "{shell}: {}", out.stdout);
        assert!(out.stdout.contains("response-contract"), "{shell}");
        // Options without their dashes: fish writes `-l max-size`.
        for word in SUBCOMMANDS.iter().chain(&["max-size", "strict", "format"]) {
            assert!(out.stdout.contains(word), "{shell}: no `{word}`");
        }
        // Where the shell's script completes values (clap_complete's powershell and elvish
        // scripts complete names only), those of `--format` are there.
        if ["bash", "zsh", "fish"].contains(&shell) {
            assert!(out.stdout.contains("sarif"), "{shell}: no format values");
        }
    }
}

#[test]
fn the_bash_script_is_valid_bash_and_registers_the_completion() {
    let out = Workspace::new().run(&["completions", "bash"]);
    assert_eq!(out.status, 0, "{out:?}");
    let mut bash = Command::new("bash")
        .args([
            "-c",
            "source /dev/stdin && complete -p response-contract && \
             COMP_WORDS=(response-contract ch) COMP_CWORD=1 && \
             _response__contract response-contract ch response-contract && \
             printf '%s\\n' \"${COMPREPLY[@]}\"",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash runs");
    bash.stdin
        .take()
        .expect("piped stdin")
        .write_all(out.stdout.as_bytes())
        .expect("the script is written");
    let done = bash.wait_with_output().expect("bash ends");
    let stdout = String::from_utf8_lossy(&done.stdout);
    assert!(
        done.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let mut lines = stdout.lines();
    assert!(
        lines
            .next()
            .is_some_and(|l| l.starts_with("complete ") && l.ends_with(" response-contract")),
        "{stdout}"
    );
    // `response-contract ch<TAB>` completes to `check`.
    assert_eq!(lines.collect::<Vec<_>>(), ["check"], "{stdout}");
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let out = Workspace::new().run(&["completions", "tcsh"]);
    assert_eq!(out.status, 2, "{out:?}");
    assert!(out.stderr.contains("possible values"), "{out:?}");
}

/// The roff page's section headings, in order.
fn headings(roff: &str) -> Vec<&str> {
    roff.lines()
        .filter_map(|l| l.strip_prefix(".SH "))
        .collect()
}

#[test]
fn the_man_page_is_roff_with_the_usual_sections() {
    let out = Workspace::new().run(&["man"]);
    assert_eq!(out.status, 0, "{out:?}");
    let roff = &out.stdout;
    assert!(
        roff.lines()
            .any(|l| l.starts_with(".TH response-contract 1 ")),
        "{roff}"
    );
    assert_eq!(
        headings(roff),
        [
            "NAME",
            "SYNOPSIS",
            "DESCRIPTION",
            "OPTIONS",
            "SUBCOMMANDS",
            "EXTRA",
            "VERSION"
        ]
    );
    for sub in SUBCOMMANDS {
        assert!(
            roff.contains(&format!("response\\-contract\\-{sub}(1)")),
            "{sub}"
        );
    }
    // The exit-status contract is in the page.
    assert!(roff.contains("Exit status:"), "{roff}");
}

#[test]
fn each_subcommand_has_its_own_page() {
    let ws = Workspace::new();
    let out = ws.run(&["man", "check"]);
    assert_eq!(out.status, 0, "{out:?}");
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with(".TH response-contract-check 1 ")),
        "{}",
        out.stdout
    );
    for option in [
        "max\\-size",
        "strict",
        "expect",
        "status",
        "redact",
        "lines",
    ] {
        assert!(
            out.stdout.contains(&format!("\\fB\\-\\-{option}\\fR")),
            "{option}"
        );
    }
    let out = ws.run(&["man", "recheck"]);
    assert_eq!(out.status, 2, "{out:?}");
}

#[test]
fn groff_renders_the_pages_without_warnings() {
    // groff comes with man-db on Debian (package groff-base), as on this project's machines.
    assert!(
        Command::new("groff").arg("--version").output().is_ok(),
        "groff is needed to render the pages: apt-get install groff-base"
    );
    let ws = Workspace::new();
    for page in [&["man"][..], &["man", "check"], &["man", "schema"]] {
        let roff = ws.run(page).stdout;
        // -k: the input is UTF-8 (through preconv, as `man -l` reads it); -ww: every warning.
        let mut groff = Command::new("groff")
            .args(["-k", "-man", "-Tutf8", "-ww"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("groff runs");
        groff
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(roff.as_bytes())
            .expect("the page is written");
        let done = groff.wait_with_output().expect("groff ends");
        let text = String::from_utf8_lossy(&done.stdout);
        let warnings = String::from_utf8_lossy(&done.stderr);
        assert!(done.status.success(), "{page:?}: {warnings}");
        assert!(warnings.is_empty(), "{page:?}: {warnings}");
        // Rendered text, bold as overstrikes or escapes aside: the name is there.
        assert!(text.contains("response-contract"), "{page:?}: {text}");
        assert!(text.lines().count() > 15, "{page:?}: {text}");
    }
}
