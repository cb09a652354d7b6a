//! `check --contract NAME` through the real binary: each built-in contract's verdict becomes the
//! exit status (0 conforms, 1 breaks it), located as the library locates it; an unknown name is a
//! usage error (2).

mod cli_support;

use cli_support::Workspace;
use response_contract::Contract;

/// Each contract's root examples, one file each, all valid.
fn examples(ws: &Workspace, contract: Contract) -> Vec<String> {
    let document: serde_json::Value = serde_json::from_str(contract.document().source).unwrap();
    let mut files = Vec::new();
    for (i, example) in document["examples"].as_array().unwrap().iter().enumerate() {
        let name = format!("{contract}-{i}.json");
        ws.write(&name, serde_json::to_vec_pretty(example).unwrap());
        files.push(name);
    }
    files
}

#[test]
fn every_contract_s_examples_exit_0_under_that_contract() {
    let ws = Workspace::new();
    for &contract in Contract::all() {
        let files = examples(&ws, contract);
        let mut args = vec!["check", "--strict", "--contract", contract.name()];
        args.extend(files.iter().map(String::as_str));
        let out = ws.run(&args);
        assert_eq!(out.status, 0, "{contract}: {out:?}");
        assert!(
            out.stdout.ends_with(&format!(
                "{n} checked: {n} valid, 0 invalid, 0 warnings\n",
                n = files.len()
            )),
            "{out:?}"
        );
    }
}

#[test]
fn a_job_status_with_an_unlisted_status_exits_1_with_the_error_located() {
    let ws = Workspace::new();
    let document: serde_json::Value =
        serde_json::from_str(Contract::JobStatus.document().source).unwrap();
    let mut example = document["examples"][0].clone();
    example["status"] = "DONE".into();
    ws.write("done.json", serde_json::to_vec_pretty(&example).unwrap());
    let out = ws.run(&["check", "--contract", "job-status", "done.json"]);
    assert_eq!(out.status, 1, "{out:?}");
    // serde_json's pretty printer: members sorted, two-space indent; `status` is the last line
    // but one.
    let text = serde_json::to_string_pretty(&example).unwrap();
    let line = text.lines().count() - 1;
    assert!(
        out.stdout.starts_with(&format!(
            "done.json:{line}:13: error: /status: expected one of \"SUCCESS\", \"RUNNING\", \"FAIL\", \"INIT\", found the string \"DONE\"\n"
        )),
        "{}",
        out.stdout
    );
    // The same payload is no Order ID Response either, but for other reasons: the contract
    // option decides.
    let out = ws.run(&["check", "done.json"]);
    assert_eq!(out.status, 1);
    assert!(
        out.stdout
            .contains("/order_id: the required member `order_id` is missing"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_job_status_exit_status_follows_the_expected_variant() {
    let ws = Workspace::new();
    let files = examples(&ws, Contract::JobStatus);
    let normal = files[0].as_str();
    let abnormal = files[1].as_str();
    assert_eq!(
        ws.run(&[
            "check",
            "--contract",
            "job-status",
            "--status",
            "200",
            normal
        ])
        .status,
        0
    );
    assert_eq!(
        ws.run(&[
            "check",
            "--contract",
            "job-status",
            "--status",
            "503",
            abnormal
        ])
        .status,
        0
    );
    let out = ws.run(&[
        "check",
        "--contract",
        "job-status",
        "--status",
        "503",
        normal,
    ]);
    assert_eq!(out.status, 1, "{out:?}");
    assert!(
        out.stdout
            .contains(": error: (root): expected an abnormal response, found a job status"),
        "{}",
        out.stdout
    );
}

#[test]
fn task_id_response_payloads_exit_0_or_1_under_its_contract() {
    let ws = Workspace::new();
    ws.write(
        "ok.jsonl",
        "{\"job_id\": \"70a5\"}\n{\"error\": {\"message\": \"\", \"code\": \"BMS.0001\"}}\n",
    );
    ws.write("bad.json", "{\"job_id\": 70}");
    let out = ws.run(&[
        "check",
        "--contract",
        "task-id-response",
        "--lines",
        "ok.jsonl",
    ]);
    assert_eq!(out.status, 0, "{out:?}");
    let out = ws.run(&["check", "--contract", "task-id-response", "bad.json"]);
    assert_eq!(out.status, 1, "{out:?}");
    assert!(
        out.stdout
            .starts_with("bad.json:1:12: error: /job_id: expected a string, found the number 70\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn an_unknown_contract_name_exits_2() {
    let ws = Workspace::new();
    ws.write("x.json", "{}");
    let out = ws.run(&["check", "--contract", "bogus", "x.json"]);
    assert_eq!(out.status, 2, "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    assert!(out.stderr.contains("bogus"), "{}", out.stderr);
    for &contract in Contract::all() {
        assert!(
            out.stderr.contains(contract.name()),
            "the error lists `{contract}`: {}",
            out.stderr
        );
    }
}
