//! The shipped contracts are the reference pages in `reference/` imported with the default
//! policy, plus the hand decisions listed (each with its reason) in `reference/hand-decisions.json`.
//! A shipped document that differs fails with a unified diff;
//! `RESPONSE_CONTRACT_BLESS=1 cargo test --test shipped_contracts_are_generated` rewrites them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use response_contract::{
    GeneratedDocument, ImportOptions, Policy, Required, Schema, import_source,
};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
struct HandDecisions {
    contracts: Vec<Contract>,
}

#[derive(Debug, Deserialize)]
struct Contract {
    name: String,
    page: String,
    out: String,
    root_name: String,
    id_base: String,
    required: String,
    #[serde(default)]
    required_reason: Option<String>,
    page_patches: Vec<PagePatch>,
    #[serde(default)]
    not_generated: BTreeMap<String, String>,
    decisions: Vec<Decision>,
}

#[derive(Debug, Deserialize)]
struct PagePatch {
    line: usize,
    find: String,
    replace: String,
    reason: String,
}

#[derive(Debug, Deserialize)]
struct Decision {
    op: String,
    #[serde(default)]
    document: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    value: Option<Value>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    reason: String,
}

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn hand_decisions() -> HandDecisions {
    let text = std::fs::read_to_string(repo("reference/hand-decisions.json")).unwrap();
    serde_json::from_str(&text).expect("reference/hand-decisions.json has the documented shape")
}

/// The page text with the contract's patches applied.
fn patched_page(contract: &Contract) -> String {
    let text = std::fs::read_to_string(repo(&format!("reference/{}", contract.page))).unwrap();
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    for patch in &contract.page_patches {
        let line = &mut lines[patch.line - 1];
        assert!(
            line.contains(&patch.find),
            "{}: line {} no longer contains `{}`: the patch is stale",
            contract.page,
            patch.line,
            patch.find
        );
        *line = line.replacen(&patch.find, &patch.replace, 1);
    }
    lines.join("\n")
}

/// The documents generated from the page, before the decisions.
fn imported(contract: &Contract) -> Vec<GeneratedDocument> {
    let required: Required = contract.required.parse().unwrap();
    let options = ImportOptions::default()
        .policy(Policy::default().required(required))
        .id_base(contract.id_base.clone())
        .root_name(contract.root_name.clone());
    let import = import_source(&patched_page(contract), &contract.page, &options);
    assert!(
        !import.has_errors(),
        "{}: the patched page still has errors: {:#?}",
        contract.page,
        import.diagnostics()
    );
    import.documents().to_vec()
}

/// The parent of `path` in `doc` and the last token, unescaped (RFC 6901).
fn split_pointer(path: &str) -> (String, String) {
    let at = path.rfind('/').expect("a JSON Pointer starts with /");
    let last = path[at + 1..].replace("~1", "/").replace("~0", "~");
    (path[..at].to_owned(), last)
}

/// Applies one decision; returns whether it changed anything.
fn apply(docs: &mut Vec<(String, Value)>, d: &Decision, base: &str) -> bool {
    let before = docs.clone();
    let find = |docs: &mut Vec<(String, Value)>, name: &str| -> usize {
        docs.iter()
            .position(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no generated document `{name}`"))
    };
    match d.op.as_str() {
        "rename" => {
            let (from, to) = (d.from.as_deref().unwrap(), d.to.as_deref().unwrap());
            let i = find(docs, from);
            docs[i].0 = to.to_owned();
            if let Some(id) = docs[i].1.get_mut("$id") {
                *id = Value::String(format!("{base}{to}"));
            }
            for (_, doc) in docs.iter_mut() {
                rename_refs(doc, from, to);
            }
        }
        "add_document" => {
            let name = d.document.clone().unwrap();
            assert!(docs.iter().all(|(n, _)| *n != name), "`{name}` exists");
            docs.push((name, d.value.clone().unwrap()));
        }
        "add" | "replace" | "remove" => {
            let i = find(docs, d.document.as_deref().unwrap());
            let (parent, last) = split_pointer(d.path.as_deref().unwrap());
            let target = docs[i]
                .1
                .pointer_mut(&parent)
                .unwrap_or_else(|| panic!("{:?}: no {parent}", d.document));
            match (d.op.as_str(), target) {
                ("remove", Value::Object(map)) => {
                    assert!(
                        map.remove(&last).is_some(),
                        "nothing to remove at {:?}",
                        d.path
                    );
                }
                ("add", Value::Array(items)) if last == "-" => {
                    items.push(d.value.clone().unwrap());
                }
                ("add", Value::Object(map)) => {
                    map.insert(last, d.value.clone().unwrap());
                }
                ("replace", Value::Object(map)) => {
                    assert!(
                        map.contains_key(&last),
                        "nothing to replace at {:?}",
                        d.path
                    );
                    map.insert(last, d.value.clone().unwrap());
                }
                (op, _) => panic!("`{op}` at {:?} is not supported", d.path),
            }
        }
        other => panic!("unknown operation `{other}`"),
    }
    *docs != before
}

fn rename_refs(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    Value::String(s) if key == "$ref" && s == from => *s = to.to_owned(),
                    other => rename_refs(other, from, to),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, from, to)),
        _ => {}
    }
}

/// The documents as shipped: imported, then every decision applied.
fn generated(contract: &Contract) -> Vec<GeneratedDocument> {
    let mut docs: Vec<(String, Value)> = imported(contract)
        .into_iter()
        .map(|d| (d.file, d.value))
        .collect();
    for decision in &contract.decisions {
        apply(&mut docs, decision, &contract.id_base);
    }
    // Written through the library's writer, so the text is what `import --out` writes.
    docs.into_iter()
        .map(|(file, value)| GeneratedDocument::new(file, value))
        .collect()
}

/// A unified diff of two texts.
fn unified(expected: &str, actual: &str, name: &str) -> String {
    similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(3)
        .header(&format!("shipped {name}"), &format!("generated {name}"))
        .to_string()
}

#[test]
fn shipped_contracts_are_the_reference_pages_imported_with_the_hand_decisions() {
    let bless = std::env::var_os("RESPONSE_CONTRACT_BLESS").is_some_and(|v| !v.is_empty());
    let mut failures = String::new();
    for contract in hand_decisions().contracts {
        let out = repo(&contract.out);
        let docs = generated(&contract);
        for doc in &docs {
            let path = out.join(&doc.file);
            let text = doc.to_pretty();
            if bless {
                std::fs::create_dir_all(&out).unwrap();
                std::fs::write(&path, &text).unwrap();
                continue;
            }
            let shipped = std::fs::read_to_string(&path).unwrap_or_default();
            if shipped != text {
                failures.push_str(&unified(
                    &shipped,
                    &text,
                    &format!("{}/{}", contract.out, doc.file),
                ));
            }
        }
        // Every shipped document of the contract's directory is generated (or listed as not).
        for entry in std::fs::read_dir(&out).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".json")
                && !docs.iter().any(|d| d.file == name)
                && !contract.not_generated.contains_key(&name)
            {
                failures.push_str(&format!(
                    "{}/{name}: shipped, but {} does not generate it\n",
                    contract.out, contract.name
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "the shipped contracts differ from the reference pages imported with the hand decisions \
         (RESPONSE_CONTRACT_BLESS=1 rewrites them):\n{failures}"
    );
}

#[test]
fn every_hand_decision_has_a_reason_and_changes_something() {
    for contract in hand_decisions().contracts {
        if contract.required != "all" {
            assert!(
                contract
                    .required_reason
                    .as_deref()
                    .is_some_and(|r| r.len() > 20),
                "{}: a policy beyond the default needs its reason",
                contract.name
            );
        }
        for patch in &contract.page_patches {
            assert!(patch.reason.len() > 20, "{}: {patch:?}", contract.name);
        }
        for reason in contract.not_generated.values() {
            assert!(reason.len() > 20, "{}", contract.name);
        }
        let mut docs: Vec<(String, Value)> = imported(&contract)
            .into_iter()
            .map(|d| (d.file, d.value))
            .collect();
        for decision in &contract.decisions {
            assert!(
                decision.reason.len() > 20,
                "{}: {decision:?}",
                contract.name
            );
            assert!(
                apply(&mut docs, decision, &contract.id_base),
                "{}: a stale decision (the generated documents already say it): {decision:?}",
                contract.name
            );
        }
    }
}

fn load_dir(dir: &str) -> Vec<(String, Vec<u8>)> {
    let mut docs: Vec<(String, Vec<u8>)> = std::fs::read_dir(repo(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".schema.json"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    docs.sort();
    docs
}

fn compile(dir: &str, root: &str) -> Schema {
    let docs = load_dir(dir);
    let pairs: Vec<(&str, &[u8])> = docs
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    Schema::from_documents(&pairs, root).unwrap()
}

/// The example blocks of a page, as the importer finds them.
fn page_examples(page: &str) -> Vec<String> {
    let text = std::fs::read_to_string(repo(&format!("reference/{page}"))).unwrap();
    import_source(&text, page, &ImportOptions::default())
        .examples()
        .iter()
        .map(|e| e.text.clone())
        .collect()
}

#[test]
fn the_job_status_pages_own_example_is_a_valid_job_status() {
    let schema = compile("schemas/job-status", "job-status.schema.json");
    let examples = page_examples("querying_task_statuses.rst");
    assert_eq!(examples.len(), 1);
    let report = schema.validate(examples[0].as_bytes());
    assert!(
        report.is_valid() && report.violations().is_empty(),
        "{report:#}"
    );
}

#[test]
fn the_job_status_decides_as_the_hand_decisions_say() {
    let schema = compile("schemas/job-status", "job-status.schema.json");
    let cases: &[(&str, bool)] = &[
        // message and code are optional, error_code and fail_reason nullable.
        (
            r#"{"status": "RUNNING", "entities": {}, "job_id": "j", "job_type": "baremetalBatchCreate", "begin_time": "2019-04-25T20:04:34.604Z", "end_time": "", "error_code": null, "fail_reason": null}"#,
            true,
        ),
        // status is an enum.
        (
            r#"{"status": "DONE", "entities": {}, "job_id": "j", "job_type": "baremetalBatchCreate", "begin_time": "", "end_time": "", "error_code": null, "fail_reason": null}"#,
            false,
        ),
        // sub_jobs_total is an integer, sub-job job_type an enum of Table 3's values.
        (
            r#"{"status": "FAIL", "entities": {"sub_jobs_total": "1"}, "job_id": "j", "job_type": "baremetalBatchCreate", "begin_time": "", "end_time": "", "error_code": "E", "fail_reason": "r"}"#,
            false,
        ),
        (
            r#"{"status": "FAIL", "entities": {"sub_jobs": [{"status": "INIT", "entities": {}, "job_id": "s", "job_type": "baremetalBatchCreate", "begin_time": "", "end_time": "", "error_code": null, "fail_reason": null}]}, "job_id": "j", "job_type": "baremetalBatchCreate", "begin_time": "", "end_time": "", "error_code": "E", "fail_reason": "r"}"#,
            false,
        ),
        // the abnormal variant, and both at once.
        (
            r#"{"error": {"message": "The BMS service is unavailable.", "code": "BMS.0002"}}"#,
            true,
        ),
        (
            r#"{"job_id": "j", "error": {"message": "", "code": "BMS.0002"}}"#,
            false,
        ),
        (r#"{"error": {"message": "", "code": 2}}"#, false),
    ];
    for (payload, valid) in cases {
        assert_eq!(schema.is_valid(payload.as_bytes()), *valid, "{payload}");
    }
}

#[test]
fn the_task_id_response_decides_as_the_order_id_response() {
    let schema = compile("schemas/task-id-response", "task-id-response.schema.json");
    for (payload, valid) in [
        (
            r#"{"job_id": "70a599e0-31e7-49b7-b260-868f441e862b"}"#,
            true,
        ),
        (r#"{"error": {"message": "", "code": "BMS.0001"}}"#, true),
        (r#"{"job_id": 1}"#, false),
        (r#"{}"#, false),
        (r#"{"error": {"message": ""}}"#, false),
        (
            r#"{"job_id": "j", "error": {"message": "", "code": "BMS.0001"}}"#,
            false,
        ),
        (r#"{"error": {"message": "", "code": 400}}"#, false),
    ] {
        assert_eq!(schema.is_valid(payload.as_bytes()), valid, "{payload}");
    }
}

#[test]
fn reference_pages_are_unchanged_copies_of_the_shared_reference() {
    let shared = repo("../../../shared/reference/bms-api-ref");
    for (page, path) in [
        (
            "order_id_response.rst",
            "public_parameters/task_responses/order_id_response.rst",
        ),
        (
            "task_id_response.rst",
            "public_parameters/task_responses/task_id_response.rst",
        ),
        (
            "querying_task_statuses.rst",
            "bms_apis/task_management/querying_task_statuses.rst",
        ),
        ("status_codes.rst", "public_parameters/status_codes.rst"),
        ("error_codes.rst", "public_parameters/error_codes.rst"),
        ("LICENSE", "LICENSE"),
    ] {
        assert_eq!(
            std::fs::read(repo(&format!("reference/{page}"))).unwrap(),
            std::fs::read(shared.join(path)).unwrap(),
            "{page}"
        );
    }
}
