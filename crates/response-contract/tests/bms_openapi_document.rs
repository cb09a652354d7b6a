//! The BMS API's own OpenAPI 3.1 description, `schemas/bms-openapi.json`: a valid OpenAPI 3.1
//! document (checked against the official OpenAPI 3.1 schema, vendored under `tests/fixtures/`),
//! whose every example is valid against its response schema and whose every `$ref` names a
//! shipped schema document by its `$id`. Nothing is fetched from the network.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use response_contract::Schema;
use serde_json::{Value, json};

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: cannot read: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
}

fn document() -> Value {
    read_json(&crate_dir().join("schemas/bms-openapi.json"))
}

/// The official OpenAPI 3.1 schema (`https://spec.openapis.org/oas/3.1/schema/2022-10-07`).
///
/// `format` stays an annotation, as JSON Schema 2020-12 makes it by default: the schema gives a
/// Server Object's `url` the format `uri-reference`, but OpenAPI's own server URL templates
/// (`https://{endpoint}`) are not RFC 3986 references (braces), so asserting it would refuse
/// every document with server variables.
fn openapi_3_1_validator() -> jsonschema::Validator {
    let meta = read_json(&crate_dir().join("tests/fixtures/openapi-3.1-schema.json"));
    assert_eq!(
        meta["$id"], "https://spec.openapis.org/oas/3.1/schema/2022-10-07",
        "the vendored schema is the 2022-10-07 version"
    );
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(false)
        .build(&meta)
        .expect("the vendored OpenAPI 3.1 schema compiles")
}

/// Every error of `doc` against the OpenAPI 3.1 schema, one per line (instance path: message).
fn openapi_errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("at '{}': {e}", e.instance_path()))
        .collect()
}

/// The operations of the document: (method, path, operation object).
fn operations(doc: &Value) -> Vec<(&str, &str, &Value)> {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths is an object") {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push((method, path.as_str(), op));
            }
        }
    }
    out
}

#[test]
fn the_document_is_valid_openapi_3_1() {
    let validator = openapi_3_1_validator();
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    let errors = openapi_errors(&validator, &doc);
    assert!(
        errors.is_empty(),
        "schemas/bms-openapi.json is not valid OpenAPI 3.1:\n{}",
        errors.join("\n")
    );
}

#[test]
fn a_planted_defect_makes_the_document_invalid() {
    let validator = openapi_3_1_validator();
    let doc = document();
    // (what is planted, where, the edit)
    type Plant = fn(&mut Value);
    let plants: [(&str, Plant); 5] = [
        ("a response without `description`", |d| {
            let response =
                d["paths"]["/v1/{project_id}/baremetalservers"]["post"]["responses"]["200"]
                    .as_object_mut()
                    .unwrap();
            response.remove("description");
        }),
        ("an OpenAPI 3.0 version string", |d| {
            d["openapi"] = json!("3.0.3");
        }),
        ("a status code that is not a status code", |d| {
            let responses = &mut d["paths"]["/v1/{project_id}/jobs/{job_id}"]["get"]["responses"];
            responses["2000"] = responses["200"].clone();
        }),
        ("a path that does not start with `/`", |d| {
            let paths = d["paths"].as_object_mut().unwrap();
            let item = paths.remove("/v1/{project_id}/jobs/{job_id}").unwrap();
            paths.insert("v1/{project_id}/jobs/{job_id}".to_owned(), item);
        }),
        ("a license with both `identifier` and `url`", |d| {
            d["info"]["license"]["url"] = json!("https://www.apache.org/licenses/LICENSE-2.0");
        }),
    ];
    for (what, plant) in plants {
        let mut broken = doc.clone();
        plant(&mut broken);
        assert_ne!(broken, doc, "{what}: the plant changed nothing");
        assert!(
            !validator.is_valid(&broken),
            "{what}: the OpenAPI 3.1 schema accepts the broken copy"
        );
    }
}

/// Every example of a media type, with where it is: (location, response schema `$ref`, value).
fn examples(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (method, path, op) in operations(doc) {
        for (status, response) in op["responses"].as_object().unwrap() {
            let Some(content) = response.get("content").and_then(Value::as_object) else {
                continue;
            };
            for (media, body) in content {
                let at = format!("{method} {path} {status} {media}");
                let schema_ref = body["schema"]["$ref"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{at}: the schema is not a `$ref`"))
                    .to_owned();
                if let Some(value) = body.get("example") {
                    out.push((format!("{at} example"), schema_ref.clone(), value.clone()));
                }
                if let Some(named) = body.get("examples").and_then(Value::as_object) {
                    for (name, example) in named {
                        let value = example
                            .get("value")
                            .unwrap_or_else(|| panic!("{at}: example {name} has no value"));
                        out.push((
                            format!("{at} examples/{name}"),
                            schema_ref.clone(),
                            value.clone(),
                        ));
                    }
                }
            }
        }
    }
    out
}

/// Every example that its response schema refuses, with the library's report.
fn example_failures(doc: &Value) -> Vec<String> {
    let mut failures = Vec::new();
    for (at, schema_ref, value) in examples(doc) {
        let root = json!({ "$ref": schema_ref }).to_string();
        let schema = Schema::from_json(root.as_bytes(), "bms-openapi-response.json")
            .unwrap_or_else(|e| panic!("{at}: {schema_ref} does not compile: {e}"));
        let report = schema.validate(value.to_string().as_bytes());
        if !report.is_valid() {
            failures.push(format!("{at} against {schema_ref}:\n{report:#}"));
        }
    }
    failures
}

#[test]
fn every_example_is_valid_against_its_response_schema() {
    let doc = document();
    let count = examples(&doc).len();
    // A normal and an abnormal example for every operation.
    assert!(count >= 2 * operations(&doc).len(), "only {count} examples");
    let failures = example_failures(&doc);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_planted_bad_example_is_reported() {
    let mut doc = document();
    // The error body as the example of a success response, and a job status without `status`.
    let create = &mut doc["paths"]["/v1/{project_id}/baremetalservers"]["post"]["responses"];
    let error_body =
        create["default"]["content"]["application/json"]["examples"]["abnormalResponse"]["value"]
            .clone();
    create["200"]["content"]["application/json"]["examples"]["normalResponse"]["value"] =
        error_body;
    let job = &mut doc["paths"]["/v1/{project_id}/jobs/{job_id}"]["get"]["responses"]["200"]["content"]
        ["application/json"]["examples"]["normalResponse"]["value"];
    job.as_object_mut().unwrap().remove("status");
    let failures = example_failures(&doc);
    assert_eq!(failures.len(), 2, "{}", failures.join("\n\n"));
    assert!(failures[0].starts_with("post /v1/{project_id}/baremetalservers 200"));
    assert!(failures[1].starts_with("get /v1/{project_id}/jobs/{job_id} 200"));
}

/// Every `$ref` value anywhere in `value`, with its JSON Pointer.
fn refs(value: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, member) in map {
                let here = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                if key == "$ref" {
                    if let Some(target) = member.as_str() {
                        out.push((here.clone(), target.to_owned()));
                    }
                }
                refs(member, &here, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                refs(item, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// The `$id` of every schema document under `schemas/` (recursively).
fn shipped_ids() -> BTreeSet<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("schemas/ is readable") {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.to_string_lossy().ends_with(".schema.json") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&crate_dir().join("schemas"), &mut files);
    files
        .iter()
        .filter_map(|f| read_json(f)["$id"].as_str().map(str::to_owned))
        .collect()
}

/// Every `$ref` of `doc` that does not name the `$id` of a shipped, embedded schema document.
fn unknown_refs(doc: &Value) -> Vec<String> {
    let ids = shipped_ids();
    assert!(ids.len() >= 14, "{ids:?}");
    let embedded: BTreeSet<&str> = response_contract::documents()
        .iter()
        .map(|d| d.id)
        .collect();
    let mut found = Vec::new();
    refs(doc, "", &mut found);
    assert!(!found.is_empty(), "no `$ref` at all");
    let mut unknown = Vec::new();
    for (at, target) in found {
        if !ids.contains(&target) {
            unknown.push(format!(
                "{at}: `{target}` is not the `$id` of a document under schemas/"
            ));
        } else if !embedded.contains(target.as_str()) {
            unknown.push(format!(
                "{at}: `{target}` is not embedded in the library, so `Schema::from_json` cannot reach it"
            ));
        }
    }
    unknown
}

#[test]
fn every_ref_names_a_shipped_schema_document_by_its_id() {
    let unknown = unknown_refs(&document());
    assert!(unknown.is_empty(), "{}", unknown.join("\n"));
}

#[test]
fn a_ref_by_file_name_instead_of_id_is_reported() {
    let mut doc = document();
    doc["paths"]["/v1/{project_id}/jobs/{job_id}"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"]["$ref"] = json!("job-status/normal-response.schema.json");
    let unknown = unknown_refs(&doc);
    assert_eq!(unknown.len(), 1, "{unknown:?}");
}

#[test]
fn every_path_template_variable_is_a_declared_required_path_parameter() {
    let doc = document();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let variables: BTreeSet<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect();
        for (method, p, op) in operations(&doc) {
            if p != path {
                continue;
            }
            let declared: BTreeSet<&str> = item["parameters"]
                .as_array()
                .into_iter()
                .chain(op["parameters"].as_array())
                .flatten()
                .filter(|param| param["in"] == "path")
                .map(|param| {
                    assert_eq!(param["required"], true, "{method} {path}: {param}");
                    param["name"].as_str().unwrap()
                })
                .collect();
            assert_eq!(declared, variables, "{method} {path}");
        }
    }
}

#[test]
fn operation_ids_are_unique_and_each_operation_names_its_page() {
    let doc = document();
    let mut seen = BTreeSet::new();
    for (method, path, op) in operations(&doc) {
        let id = op["operationId"].as_str().expect("an operationId");
        assert!(seen.insert(id), "{method} {path}: operationId {id} repeats");
        let description = op["description"].as_str().unwrap_or_default();
        assert!(
            description.contains(".rst"),
            "{method} {path}: the description names no page"
        );
    }
}
