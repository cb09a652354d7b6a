//! Drives the real `response-contract` binary in a temporary directory.
//!
//! Commands run with the temporary directory as their working directory and relative paths, so
//! outputs name `examples/normal.json`, never a machine's temporary path; [`Output`] still
//! replaces the directory's path with `[TMP]`, should one appear.

#![allow(dead_code)] // Each test file uses a different part of this module.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tempfile::TempDir;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_response-contract");

/// The repository's own files (`examples/`, `schemas/`).
pub fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A temporary working directory.
pub struct Workspace {
    pub dir: TempDir,
}

/// What a run printed, normalised, and its exit status.
#[derive(Debug)]
pub struct Output {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Workspace {
    pub fn new() -> Self {
        Workspace {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    /// A workspace holding a copy of the repository's `examples/`.
    pub fn with_examples() -> Self {
        let ws = Workspace::new();
        for entry in fs::read_dir(repo_path("examples")).expect("examples/ exists") {
            let entry = entry.expect("a directory entry");
            let name = entry.file_name();
            let target = ws.path("examples").join(name);
            fs::create_dir_all(target.parent().expect("a parent")).expect("mkdir");
            fs::copy(entry.path(), target).expect("copy an example");
        }
        ws
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file (creating its directories); returns its path.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        fs::write(&path, contents).expect("write a file");
        path
    }

    /// The binary, in this directory, with an environment that does not leak into outputs.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        command
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("NO_COLOR")
            .env("CI", "true");
        command
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_stdin(args, b"")
    }

    pub fn run_stdin(&self, args: &[&str], stdin: &[u8]) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        {
            let mut pipe = child.stdin.take().expect("stdin is piped");
            // The command may stop reading early (a usage error): that is not this test's concern.
            let _ = pipe.write_all(stdin);
        }
        let out = child.wait_with_output().expect("the binary runs");
        let status = out.status.code().expect("the binary exits (no signal)");
        Output {
            status,
            stdout: self.normalise(&String::from_utf8_lossy(&out.stdout)),
            stderr: self.normalise(&String::from_utf8_lossy(&out.stderr)),
        }
    }

    fn normalise(&self, text: &str) -> String {
        let dir = self.dir.path().display().to_string();
        text.replace(&dir, "[TMP]")
    }
}

/// The payloads of the issue, one per line, for JSON Lines.
pub const NORMAL: &str =
    r#"{"order_id": "CS2009141523OQSEQ", "job_id": "ff808081748b760c01748b7f80370003"}"#;
pub const ABNORMAL: &str = r#"{"error": {"message": "Fail to parse request, reason: flavorRef is missing.", "code": "BMS.0001"}}"#;
pub const NUMERIC_CODE: &str = r#"{"error": {"message": "", "code": 400}}"#;
