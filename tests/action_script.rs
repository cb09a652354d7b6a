//! The GitHub Action's run step, `scripts/action-run.sh`, under bash with its inputs set as the
//! runner sets them (`INPUT_PATHS`, …, `INPUT_SARIF-FILE` with its hyphen; unset inputs as empty
//! strings) and `GITHUB_OUTPUT` a file: the command line it builds, its exit status, its outputs,
//! the SARIF file it writes. The real binary is first on `PATH`. And `action.yml` hands every input
//! to the script under that name.

mod cli_support;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use cli_support::{BIN, Workspace, repo_path};

/// The action's inputs, as action.yml declares them.
const INPUTS: &[&str] = &[
    "paths",
    "format",
    "strict",
    "expect",
    "status",
    "contract",
    "openapi",
    "sarif-file",
    "args",
];

#[derive(Debug)]
struct Run {
    status: i32,
    stdout: String,
    stderr: String,
    /// What the script wrote to `GITHUB_OUTPUT`.
    outputs: BTreeMap<String, String>,
}

impl Run {
    /// The command lines the script printed (`+ response-contract check …`).
    fn commands(&self) -> Vec<&str> {
        self.stdout
            .lines()
            .filter_map(|l| l.strip_prefix("+ "))
            .collect()
    }
}

/// Runs the script in `ws` with these inputs; every other input is set to the empty string, as
/// the runner does for an input with `default: ""` (action.yml maps each one).
fn run_action(ws: &Workspace, inputs: &[(&str, &str)]) -> Run {
    let bin_dir = Path::new(BIN).parent().expect("the binary's directory");
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("a PATH");
    let github_output = ws.path("github-output.txt");
    fs::write(&github_output, "").expect("an empty GITHUB_OUTPUT");
    let mut command = Command::new("bash");
    command
        .arg(repo_path("scripts/action-run.sh"))
        .current_dir(ws.dir.path())
        .env("PATH", path)
        .env("GITHUB_OUTPUT", &github_output)
        .env("CI", "true")
        .env_remove("NO_COLOR");
    for name in INPUTS {
        let value = inputs
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v);
        command.env(format!("INPUT_{}", name.to_uppercase()), value);
    }
    let out = command.output().expect("bash runs");
    let outputs = fs::read_to_string(&github_output)
        .expect("GITHUB_OUTPUT")
        .lines()
        .map(|l| {
            let (k, v) = l.split_once('=').expect("name=value");
            (k.to_owned(), v.to_owned())
        })
        .collect();
    Run {
        status: out.status.code().expect("an exit status"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8"),
        outputs,
    }
}

/// The exit status of the binary run directly with these arguments.
fn direct_status(ws: &Workspace, args: &[&str]) -> i32 {
    ws.run(args).status
}

#[test]
fn defaults_check_the_paths_with_annotations_and_pass_the_status_on() {
    let ws = Workspace::with_examples();
    let run = run_action(&ws, &[("paths", "examples/"), ("format", "github")]);
    assert_eq!(
        run.commands(),
        ["response-contract check --format github -- examples/"]
    );
    assert_eq!(run.status, 1, "{run:?}");
    assert!(
        run.stdout.contains(
            "::error file=examples/numeric-code.json,line=4,col=13,title=type_mismatch::"
        ),
        "{run:?}"
    );
    assert_eq!(run.outputs["exit-status"], "1");
    assert!(!run.outputs.contains_key("sarif-file"));
    // An empty format (the input removed from action.yml's defaults) is github too.
    let run = run_action(&ws, &[("paths", "examples/normal.json")]);
    assert_eq!(
        run.commands(),
        ["response-contract check --format github -- examples/normal.json"]
    );
    assert_eq!((run.status, run.outputs["exit-status"].as_str()), (0, "0"));
}

#[test]
fn every_set_input_becomes_its_option_and_empty_ones_are_left_out() {
    let ws = Workspace::with_examples();
    let run = run_action(
        &ws,
        &[
            (
                "paths",
                "examples/normal.json\nexamples/abnormal.json  examples/responses.jsonl",
            ),
            ("format", "json"),
            ("strict", "true"),
        ],
    );
    assert_eq!(
        run.commands(),
        [
            "response-contract check --format json --strict -- examples/normal.json examples/abnormal.json examples/responses.jsonl"
        ]
    );
    assert_eq!(run.status, 1, "{run:?}");
    let json = &run.stdout[run.stdout.find('\n').expect("a command line") + 1..];
    let report: serde_json::Value = serde_json::from_str(json).expect("a JSON report");
    assert_eq!(report["summary"]["inputs"], 3, "{report}");

    let run = run_action(
        &ws,
        &[
            ("paths", "examples/normal.json"),
            ("format", "human"),
            ("expect", "normal"),
            ("strict", "False"),
        ],
    );
    assert_eq!(
        run.commands(),
        ["response-contract check --format human --expect normal -- examples/normal.json"]
    );
    assert_eq!(run.status, 0, "{run:?}");

    let run = run_action(&ws, &[("paths", "examples/normal.json"), ("status", "404")]);
    assert_eq!(
        run.commands(),
        ["response-contract check --format github --status 404 -- examples/normal.json"]
    );
    assert_eq!(run.status, 1, "a normal response with a 404: {run:?}");

    let run = run_action(
        &ws,
        &[
            ("paths", "examples/normal.json"),
            ("args", "--max-size 10  --redact"),
        ],
    );
    assert_eq!(
        run.commands(),
        ["response-contract check --format github --max-size 10 --redact -- examples/normal.json"]
    );
    assert_eq!(run.status, 1, "over a 10-byte limit: {run:?}");
}

#[test]
fn contract_and_openapi_are_passed_only_when_set() {
    // The command learns --contract and --openapi in other work: whatever it answers today, the
    // script passes that answer on, as the same command line run directly gives it.
    let ws = Workspace::with_examples();
    ws.write("contracts/orders.json", "{}");
    ws.write("openapi.yaml", "openapi: 3.1.0\n");
    let run = run_action(
        &ws,
        &[
            ("paths", "examples/normal.json"),
            ("contract", "contracts/orders.json"),
            ("openapi", "openapi.yaml"),
        ],
    );
    assert_eq!(
        run.commands(),
        [
            "response-contract check --format github --contract contracts/orders.json --openapi openapi.yaml -- examples/normal.json"
        ]
    );
    let direct = direct_status(
        &ws,
        &[
            "check",
            "--format",
            "github",
            "--contract",
            "contracts/orders.json",
            "--openapi",
            "openapi.yaml",
            "--",
            "examples/normal.json",
        ],
    );
    assert_eq!(run.status, direct, "{run:?}");
    assert_eq!(run.outputs["exit-status"], direct.to_string());
}

#[test]
fn sarif_file_gets_sarif_as_well() {
    let ws = Workspace::with_examples();
    let run = run_action(
        &ws,
        &[
            ("paths", "examples/"),
            ("strict", "true"),
            ("sarif-file", "reports/response-contract.sarif"),
        ],
    );
    assert_eq!(
        run.commands(),
        [
            "response-contract check --format github --strict -- examples/",
            "response-contract check --format sarif --strict -- examples/ >reports/response-contract.sarif",
        ]
    );
    assert_eq!(run.status, 1, "{run:?}");
    assert_eq!(run.outputs["exit-status"], "1");
    assert_eq!(run.outputs["sarif-file"], "reports/response-contract.sarif");
    let sarif: serde_json::Value = serde_json::from_slice(
        &fs::read(ws.path("reports/response-contract.sarif")).expect("the SARIF file"),
    )
    .expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    // Strict: the unknown member is an error too, as in the annotations.
    assert_eq!(results.len(), 6, "{sarif}");
    assert_eq!(run.stdout.matches("::error ").count(), 6, "{}", run.stdout);
}

#[test]
fn wrong_inputs_fail_with_status_2_before_running_anything() {
    let ws = Workspace::with_examples();
    for (inputs, says) in [
        (&[("paths", " \n ")][..], "the input `paths` is empty"),
        (
            &[("paths", "examples/"), ("strict", "yes")],
            "the input `strict` must be true or false, not `yes`",
        ),
    ] {
        let run = run_action(&ws, inputs);
        assert_eq!(run.status, 2, "{run:?}");
        assert!(run.commands().is_empty(), "{run:?}");
        assert!(
            run.stdout
                .contains(&format!("::error title=response-contract::{says}")),
            "{run:?}"
        );
        assert_eq!(run.outputs["exit-status"], "2");
    }
    // An unknown format is the command's own usage error, passed on.
    let run = run_action(&ws, &[("paths", "examples/"), ("format", "xml")]);
    assert_eq!(run.status, 2, "{run:?}");
    assert!(run.stderr.contains("invalid value 'xml'"), "{run:?}");
    // A path is a word, never a glob.
    let run = run_action(&ws, &[("paths", "examples/*.json")]);
    assert_eq!(
        run.commands(),
        ["response-contract check --format github -- examples/\\*.json"]
    );
    assert_eq!(run.status, 2, "no file is named `examples/*.json`: {run:?}");
}

#[test]
fn action_yml_hands_every_input_to_the_script_as_the_runner_names_it() {
    let action = fs::read_to_string(repo_path("action.yml")).expect("action.yml");
    let declared: Vec<&str> = action
        .split("\ninputs:\n")
        .nth(1)
        .and_then(|rest| rest.split("\noutputs:\n").next())
        .expect("an inputs block")
        .lines()
        .filter_map(|l| l.strip_prefix("  ")?.strip_suffix(':'))
        .filter(|name| !name.starts_with(' '))
        .collect();
    assert_eq!(declared, INPUTS);
    for name in INPUTS {
        let line = format!("INPUT_{}: ${{{{ inputs.{name} }}}}", name.to_uppercase());
        assert!(action.contains(&line), "action.yml lacks `{line}`");
    }
    assert!(action.contains("run: bash \"$GITHUB_ACTION_PATH/scripts/action-run.sh\""));
    // The crate path is in one place.
    assert_eq!(action.matches("CRATE").count(), 2, "{action}");
    assert!(action.contains(
        "cargo install --locked --root \"$ROOT\" --path \"${{ github.action_path }}/$CRATE\""
    ));
}
