//! The whole BMS API reference (`../shared/reference/bms-api-ref/`, 96 pages) as a corpus: every
//! page imports without a panic, every typed response table is imported (the counts of the
//! reference's README), and every example response validates against the schema generated from
//! its own page — or is a defect of the page listed, with its reason, in
//! `reference/bms-api-ref-defects.json`.

use std::path::{Path, PathBuf};

use response_contract::{Import, ImportOptions, Policy, Required, Severity, import_tree};
use serde::Deserialize;

fn corpus() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/reference/bms-api-ref"
    ))
}

/// The policy of the corpus check: the default, except that the members the examples show are
/// the required ones (the tables do not say which members are optional).
fn options() -> ImportOptions {
    ImportOptions::default().policy(Policy::default().required(Required::Example))
}

fn imports() -> Vec<Import> {
    import_tree(&corpus(), &options()).expect("the reference tree is readable")
}

fn relative(page: &str) -> String {
    Path::new(page)
        .strip_prefix(corpus())
        .expect("a page of the corpus")
        .to_string_lossy()
        .replace('\\', "/")
}

#[derive(Debug, Deserialize)]
struct Defects {
    defects: Vec<Defect>,
}

#[derive(Debug, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
struct Defect {
    page: String,
    line: usize,
    column: usize,
    kind: String,
    message: String,
    reason: String,
}

#[test]
fn every_page_of_the_reference_imports() {
    let imports = imports();
    assert_eq!(imports.len(), 96, "the reference has 96 pages");
    let with_tables = imports.iter().filter(|i| !i.tables().is_empty()).count();
    // The README: 47 pages have response tables (their top-level tables captioned or not).
    assert_eq!(with_tables, 47);
    for import in &imports {
        if let Some(root) = import.root() {
            assert!(import.document(root).is_some(), "{}", import.page());
            assert_eq!(import.documents().len(), import.tables().len() + 1);
        }
    }
}

#[test]
fn every_typed_response_table_and_row_is_imported() {
    let imports = imports();
    let tables: Vec<_> = imports.iter().flat_map(|i| i.tables()).collect();
    // The reference's README: "Under the response headings there are 151 typed tables with 595
    // rows." Every imported table sits under a response heading (none is reached only by a link).
    assert_eq!(tables.len(), 151);
    assert!(tables.iter().all(|t| t.response_side));
    assert_eq!(tables.iter().map(|t| t.rows).sum::<usize>(), 595);
    // No Type cell is unknown to the importer.
    let unknown: Vec<String> = imports
        .iter()
        .flat_map(|i| i.diagnostics())
        .filter(|d| d.kind == response_contract::DiagnosticKind::UnknownType)
        .map(ToString::to_string)
        .collect();
    assert!(unknown.is_empty(), "{unknown:#?}");
}

#[test]
fn every_example_response_is_found() {
    let imports = imports();
    let examples: Vec<_> = imports.iter().flat_map(|i| i.examples()).collect();
    // The README: 51 JSON-looking response blocks, 48 of them JSON.
    assert_eq!(examples.len(), 51);
    assert_eq!(examples.iter().filter(|e| e.is_json).count(), 48);
}

#[test]
fn every_example_validates_against_its_own_page_or_is_a_listed_defect() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/reference/bms-api-ref-defects.json"
    ))
    .unwrap();
    let listed: Defects = serde_json::from_str(&text).unwrap();
    for defect in &listed.defects {
        assert!(
            defect.reason.len() > 20,
            "a defect needs its reason: {defect:?}"
        );
    }
    let found: Vec<(String, usize, usize, String, String)> = imports()
        .iter()
        .flat_map(|i| i.diagnostics())
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            (
                relative(&d.file),
                d.line,
                d.column,
                d.kind.as_str().to_owned(),
                d.message.clone(),
            )
        })
        .collect();
    let expected: Vec<(String, usize, usize, String, String)> = listed
        .defects
        .iter()
        .map(|d| {
            (
                d.page.clone(),
                d.line,
                d.column,
                d.kind.clone(),
                d.message.clone(),
            )
        })
        .collect();
    assert_eq!(
        found, expected,
        "the error diagnostics of the reference are not the listed defects"
    );
    // Every example that is not a listed defect is valid.
    for import in imports() {
        for example in import.examples() {
            let listed = expected.iter().any(|d| {
                d.0 == relative(import.page())
                    && d.1 >= example.line
                    && d.1 < example.line + example.text.lines().count()
            });
            assert!(
                example.valid || listed,
                "{}:{}: an invalid example that is not a listed defect",
                import.page(),
                example.line
            );
        }
    }
}
