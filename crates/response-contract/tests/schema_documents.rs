//! The shipped schema documents: valid JSON Schema 2020-12, faithful to Tables 1–3, their examples
//! valid, and embedded in the library byte for byte.

use serde_json::{Value, json};

fn load(file: &str) -> Value {
    let path = format!("{}/schemas/{file}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

const CONTRACT: [&str; 4] = [
    "order-id-response.schema.json",
    "normal-response.schema.json",
    "abnormal-response.schema.json",
    "error.schema.json",
];

fn registry() -> jsonschema::Registry<'static> {
    let mut registry = jsonschema::Registry::new();
    for file in CONTRACT {
        let doc = load(file);
        let id = doc["$id"].as_str().unwrap().to_owned();
        registry = registry.add(&id, doc).unwrap();
    }
    registry.prepare().unwrap()
}

#[test]
fn every_document_is_valid_against_the_2020_12_meta_schema() {
    for file in CONTRACT {
        let doc = load(file);
        assert_eq!(
            doc["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{file}"
        );
        if let Err(e) = jsonschema::draft202012::meta::validate(&doc) {
            panic!("{file}: {e}");
        }
        assert!(
            doc["$id"].as_str().unwrap().ends_with(file),
            "{file}: $id names the file"
        );
        assert!(
            doc["title"].is_string() && doc["description"].is_string(),
            "{file}"
        );
    }
}

#[test]
fn every_document_is_embedded_as_shipped() {
    let embedded = response_contract::documents();
    // Every schema document under schemas/ (but the report's and the exchange log's, which
    // describe files, not responses) is embedded, and nothing else.
    let mut on_disk = Vec::new();
    for dir in ["", "task-id-response/", "job-status/"] {
        let path = format!("{}/schemas/{dir}", env!("CARGO_MANIFEST_DIR"));
        for entry in std::fs::read_dir(path).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".schema.json")
                && name != "report.schema.json"
                && name != "exchange.schema.json"
            {
                on_disk.push(format!("{dir}{name}"));
            }
        }
    }
    let mut files: Vec<String> = embedded.iter().map(|d| d.file.to_owned()).collect();
    on_disk.sort();
    files.sort();
    assert_eq!(files, on_disk);
    assert_eq!(
        embedded[..CONTRACT.len()]
            .iter()
            .map(|d| d.file)
            .collect::<Vec<_>>(),
        CONTRACT
    );
    for doc in embedded {
        let file = doc.file;
        let on_disk =
            std::fs::read_to_string(format!("{}/schemas/{file}", env!("CARGO_MANIFEST_DIR")))
                .unwrap();
        assert_eq!(doc.source, on_disk);
        assert_eq!(load(file)["$id"], doc.id);
        assert_eq!(
            response_contract::document(file.trim_end_matches(".schema.json")),
            Some(doc)
        );
    }
}

#[test]
fn every_documents_examples_are_valid_against_it_and_the_library() {
    let registry = registry();
    for file in CONTRACT {
        let doc = load(file);
        let validator = jsonschema::options()
            .with_registry(&registry)
            .build(&doc)
            .unwrap();
        let examples = doc["examples"]
            .as_array()
            .unwrap_or_else(|| panic!("{file} has examples"));
        assert!(!examples.is_empty());
        for example in examples {
            assert!(validator.is_valid(example), "{file}: {example}");
            // Table 3's examples are error bodies: the library checks whole responses.
            let response = if file == "error.schema.json" {
                json!({ "error": example })
            } else {
                example.clone()
            };
            let bytes = serde_json::to_vec_pretty(&response).unwrap();
            let report = response_contract::validate(&bytes);
            assert!(
                report.is_valid() && report.violations().is_empty(),
                "{file}: {example}\n{report:#}"
            );
        }
    }
}

#[test]
fn the_abnormal_examples_use_real_error_codes() {
    for file in [
        "order-id-response.schema.json",
        "abnormal-response.schema.json",
    ] {
        for example in load(file)["examples"].as_array().unwrap() {
            if let Some(code) = example.pointer("/error/code") {
                let code = code.as_str().unwrap();
                assert!(
                    code.starts_with("BMS.") && code.len() == 8,
                    "{file}: {code}"
                );
            }
        }
    }
}

/// The tables of the reference page, as data: (document, member, description's first words).
const TABLES: &[(&str, &str, &str)] = &[
    (
        "normal-response.schema.json",
        "order_id",
        "Specifies the order ID returned",
    ),
    (
        "normal-response.schema.json",
        "job_id",
        "Specifies the task ID returned",
    ),
    (
        "abnormal-response.schema.json",
        "error",
        "Specifies the error returned",
    ),
    (
        "error.schema.json",
        "message",
        "Specifies the error message.",
    ),
    ("error.schema.json", "code", "Specifies the error code."),
];

#[test]
fn each_table_is_one_document_listing_exactly_its_members_as_required() {
    for file in &CONTRACT[1..] {
        let doc = load(file);
        let listed: Vec<&str> = TABLES
            .iter()
            .filter(|t| t.0 == *file)
            .map(|t| t.1)
            .collect();
        let properties: Vec<&str> = doc["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut sorted = listed.clone();
        sorted.sort();
        let mut props = properties.clone();
        props.sort();
        assert_eq!(props, sorted, "{file}");
        let required: Vec<&str> = doc["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(required, listed, "{file}: every listed member is required");
        assert_eq!(doc["type"], "object");
        // Unlisted members are allowed by the schema (the validator warns instead).
        assert!(
            doc.get("additionalProperties").is_none() && doc.get("unevaluatedProperties").is_none()
        );
    }
    for (file, member, description) in TABLES {
        let property = &load(file)["properties"][member];
        assert!(
            property["description"]
                .as_str()
                .unwrap()
                .starts_with(description),
            "{file} {member}"
        );
        if *member == "error" {
            assert_eq!(property["$ref"], "error.schema.json");
        } else {
            // Strings, with no invented pattern or length: the tables state none.
            let keys: Vec<&str> = property
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(keys, ["description", "type"], "{file} {member}");
            assert_eq!(property["type"], "string");
        }
    }
}

#[test]
fn a_result_and_an_error_together_are_invalid_for_the_schema_too() {
    let registry = registry();
    let root = jsonschema::options()
        .with_registry(&registry)
        .build(&load(CONTRACT[0]))
        .unwrap();
    let both =
        json!({"order_id": "a", "job_id": "b", "error": {"message": "", "code": "BMS.0001"}});
    assert!(!root.is_valid(&both));
    assert!(!response_contract::is_valid(both.to_string().as_bytes()));
    let error_not_an_object = json!({"order_id": "a", "job_id": "b", "error": 5});
    assert!(!root.is_valid(&error_not_an_object));
    assert!(!response_contract::is_valid(
        error_not_an_object.to_string().as_bytes()
    ));
}

#[test]
fn every_keyword_location_in_a_report_resolves_in_its_document() {
    let payloads: &[&[u8]] = &[
        br#"{"error": {"message": 1, "code": 400}}"#,
        br#"{"error": {}}"#,
        br#"{"error": []}"#,
        br#"{"order_id": 1, "job_id": null}"#,
        br#"{"order_id": "a"}"#,
        br#"{"job_id": "a", "error": {"message": "", "code": "c"}}"#,
        b"{}",
        b"[]",
        br#"{"error": {"message": "", "code": "c"}, "order_id": "x"}"#,
    ];
    use response_contract::{Expect, Validator};
    let mut seen = std::collections::BTreeSet::new();
    let validators =
        [Expect::Either, Expect::Normal, Expect::Abnormal].map(|e| Validator::new().expect(e));
    for (payload, validator) in payloads
        .iter()
        .flat_map(|p| validators.iter().map(move |v| (p, v)))
    {
        for v in validator.validate(payload).violations() {
            let Some(keyword) = v.keyword.as_deref() else {
                continue;
            };
            let (file, pointer) = keyword.split_once('#').unwrap();
            let doc = load(file);
            assert!(doc.pointer(pointer).is_some(), "{keyword} does not resolve");
            seen.insert(keyword.to_owned());
        }
    }
    // Every static keyword location of the contract check was exercised.
    assert_eq!(seen.len(), 12, "{seen:#?}");
}
