//! The pre-commit hook (`.pre-commit-hooks.yaml`) through `pre-commit try-repo`, as a user's
//! repository runs it: pre-commit builds the command with `cargo install` from this repository and
//! runs it on the staged files whose names match — JSON, JSON Lines, NDJSON; not a text file nor a
//! HAR archive (which `check` does not read yet).
//!
//! Needs python3 with venv and pip, and PyPI: pre-commit is installed into a virtual environment
//! under Cargo's target directory (once; later runs reuse it), as this project's machines and CI
//! allow. The hook's build goes to a target directory of its own there too, with optimisation
//! off: this tests the hook's wiring, not the command's speed (a first run builds the command in
//! about two minutes on two cores; later runs in seconds).

mod cli_support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cli_support::repo_path;

/// pre-commit's major version the hook is tested with.
const PRE_COMMIT: &str = "pre-commit>=4,<5";

fn work_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-hook")
}

fn run(command: &mut Command) -> Output {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?} cannot start: {e}"));
    assert!(
        out.status.success(),
        "{command:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `pre-commit`, installed into a virtual environment under the target directory if need be.
fn pre_commit() -> PathBuf {
    let venv = work_dir().join("venv");
    let bin = venv.join("bin/pre-commit");
    if !bin.exists() {
        fs::create_dir_all(work_dir()).expect("the work directory");
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
        run(Command::new(venv.join("bin/pip")).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            PRE_COMMIT,
        ]));
    }
    bin
}

struct UserRepo {
    dir: tempfile::TempDir,
}

impl UserRepo {
    fn new() -> Self {
        let repo = UserRepo {
            dir: tempfile::tempdir().expect("a temporary directory"),
        };
        repo.git(&["init", "--quiet"]);
        repo
    }

    fn git(&self, args: &[&str]) {
        run(Command::new("git").args(args).current_dir(self.dir.path()));
    }

    fn stage(&self, name: &str, contents: &str) {
        fs::write(self.dir.path().join(name), contents).expect("a file");
        self.git(&["add", name]);
    }

    /// `pre-commit try-repo <this repository> response-contract --verbose` on the staged files.
    fn try_hook(&self, pre_commit: &Path) -> (i32, String) {
        let home = tempfile::tempdir_in(work_dir()).expect("a PRE_COMMIT_HOME");
        let out = Command::new(pre_commit)
            .args(["try-repo"])
            .arg(repo_path(""))
            .args(["response-contract", "--verbose", "--color", "never"])
            .current_dir(self.dir.path())
            .env("PRE_COMMIT_HOME", home.path())
            .env("CARGO_TARGET_DIR", work_dir().join("cargo-target"))
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
            .env("CARGO_TERM_COLOR", "never")
            // try-repo commits uncommitted changes of this repository into a shadow copy.
            .env("GIT_AUTHOR_NAME", "test")
            .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
            .env("GIT_COMMITTER_NAME", "test")
            .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
            .output()
            .expect("pre-commit runs");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code().expect("an exit status"), text)
    }
}

const GOOD: &str =
    r#"{"order_id": "CS2009141523OQSEQ", "job_id": "ff808081748b760c01748b7f80370003"}"#;

#[test]
fn the_hook_checks_the_staged_payload_files_and_fails_on_a_broken_one() {
    let pre_commit = pre_commit();
    let repo = UserRepo::new();
    repo.stage("good.json", GOOD);
    repo.stage("stream.jsonl", &format!("{GOOD}\n{GOOD}\n"));
    repo.stage("more.ndjson", &format!("{GOOD}\n"));
    // Neither is handed to the hook: both would fail if they were.
    repo.stage("notes.txt", "not JSON\n");
    repo.stage(
        "session.har",
        r#"{"log": {"version": "1.2", "entries": []}}"#,
    );
    let (status, text) = repo.try_hook(&pre_commit);
    assert_eq!(status, 0, "{text}");
    assert!(text.contains("response-contract check...."), "{text}");
    assert!(text.contains("Passed"), "{text}");
    assert!(
        text.contains("4 checked: 4 valid, 0 invalid, 0 warnings"),
        "{text}"
    );

    repo.stage(
        "bad.json",
        &fs::read_to_string(repo_path("examples/numeric-code.json")).expect("an example"),
    );
    let (status, text) = repo.try_hook(&pre_commit);
    assert_eq!(status, 1, "{text}");
    assert!(text.contains("Failed"), "{text}");
    assert!(
        text.contains("bad.json:4:13: error: /error/code: expected a string, found the number 400"),
        "{text}"
    );
    assert!(
        text.contains("5 checked: 4 valid, 1 invalid, 0 warnings"),
        "{text}"
    );
}
