//! `response-contract import PAGE.rst`: JSON Schema documents from a reference page's response
//! tables, and the page's diagnostics.
//!
//! Where things go:
//! - `--out DIR`: one file per document in DIR; the diagnostics and a summary on standard output.
//! - no `--out`: the documents on standard output as one JSON object mapping each file name to
//!   its document (root first); the diagnostics and the summary on standard error, so that the
//!   output stays JSON.
//! - `--format json`: one JSON document on standard output with the page, the root, the
//!   documents (without `--out`) or the files written (with `--out`), the tables, the examples
//!   and the diagnostics.
//!
//! Exit status: 0 no error diagnostic (warnings allowed), 1 an error diagnostic (a malformed
//! table, a `:ref:` to a missing table, an example that is not JSON or contradicts the tables),
//! 2 the tool could not do its job (an unreadable page, an unwritable output directory).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use response_contract::{Import, ImportOptions, PageDiagnostic, Policy, Required, Severity};
use serde_json::{Map, Value, json};

use super::args::{ImportArgs, ImportFormatArg, RequiredArg};
use super::render::clean;
use super::{SUCCESS, finish_output, tool_error};

/// Some diagnostic of the page is an error.
const PAGE_ERRORS: u8 = 1;

pub(crate) fn run(args: &ImportArgs) -> u8 {
    let required = match args.required {
        RequiredArg::All => Required::All,
        RequiredArg::Example => Required::Example,
        RequiredArg::None => Required::None,
    };
    let policy = Policy::default()
        .required(required)
        .nullable_from_example(!args.no_nullable)
        .enum_from_description(!args.no_enum)
        .date_time_from_iso8601(!args.no_date_time);
    let mut options = ImportOptions::default().policy(policy);
    if let Some(base) = &args.id_base {
        options = options.id_base(base.clone());
    }
    if let Some(name) = &args.root_name {
        options = options.root_name(name.clone());
    }
    let import = match response_contract::import_page(&args.page, &options) {
        Ok(import) => import,
        Err(error) => return tool_error(&error.to_string()),
    };
    let source = std::fs::read_to_string(&args.page).unwrap_or_default();
    let written = match &args.out {
        Some(dir) => match write_documents(&import, dir) {
            Ok(paths) => Some(paths),
            Err(message) => return tool_error(&message),
        },
        None => None,
    };
    let status = if import.has_errors() {
        PAGE_ERRORS
    } else {
        SUCCESS
    };
    let result = match args.format {
        ImportFormatArg::Json => {
            let mut stdout = io::stdout().lock();
            let text = json_report(&import, written.as_deref());
            writeln!(stdout, "{text}").and_then(|()| stdout.flush())
        }
        ImportFormatArg::Human => match &written {
            Some(paths) => {
                let mut stdout = io::stdout().lock();
                human(&mut stdout, &import, &source, Some(paths)).and_then(|()| stdout.flush())
            }
            None => {
                let mut stdout = io::stdout().lock();
                stdout
                    .write_all(import.documents_to_pretty().as_bytes())
                    .and_then(|()| stdout.flush())
                    .and_then(|()| {
                        let mut stderr = io::stderr().lock();
                        human(&mut stderr, &import, &source, None)
                    })
            }
        },
    };
    finish_output(result.map(|()| status))
}

/// `{"file": document, …}` for the JSON report (whose `root` member names the whole response).
fn documents_object(import: &Import) -> Value {
    let mut map = Map::new();
    for d in import.documents() {
        map.insert(d.file.clone(), d.value.clone());
    }
    Value::Object(map)
}

fn write_documents(import: &Import, dir: &Path) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create the output directory {}: {e}", dir.display()))?;
    let mut written = Vec::new();
    for d in import.documents() {
        let path = dir.join(&d.file);
        std::fs::write(&path, d.to_pretty())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

fn diagnostic_json(d: &PageDiagnostic) -> Value {
    json!({
        "severity": d.severity.as_str(),
        "kind": d.kind.as_str(),
        "line": d.line,
        "column": d.column,
        "message": d.message,
    })
}

fn json_report(import: &Import, written: Option<&[PathBuf]>) -> String {
    let mut report = Map::new();
    report.insert("version".into(), 1.into());
    report.insert("page".into(), import.page().into());
    report.insert("title".into(), import.title().into());
    report.insert("root".into(), import.root().into());
    match written {
        Some(paths) => {
            let list: Vec<Value> = paths
                .iter()
                .map(|p| p.display().to_string().into())
                .collect();
            report.insert("written".into(), list.into());
        }
        None => {
            report.insert("documents".into(), documents_object(import));
        }
    }
    let tables: Vec<Value> = import
        .tables()
        .iter()
        .map(|t| {
            json!({
                "number": t.number,
                "caption": t.caption,
                "line": t.line,
                "rows": t.rows,
                "file": t.file,
                "response_side": t.response_side,
            })
        })
        .collect();
    report.insert("tables".into(), tables.into());
    let examples: Vec<Value> = import
        .examples()
        .iter()
        .map(|e| json!({ "line": e.line, "json": e.is_json, "valid": e.valid }))
        .collect();
    report.insert("examples".into(), examples.into());
    let diagnostics: Vec<Value> = import.diagnostics().iter().map(diagnostic_json).collect();
    report.insert("diagnostics".into(), diagnostics.into());
    report.insert("errors".into(), count(import, Severity::Error).into());
    report.insert("warnings".into(), count(import, Severity::Warning).into());
    serde_json::to_string(&Value::Object(report)).expect("a JSON value always serialises")
}

fn count(import: &Import, severity: Severity) -> usize {
    import
        .diagnostics()
        .iter()
        .filter(|d| d.severity == severity)
        .count()
}

/// Each diagnostic with the page line and a caret, then a summary line.
fn human(
    out: &mut dyn Write,
    import: &Import,
    source: &str,
    written: Option<&[PathBuf]>,
) -> io::Result<()> {
    let lines: Vec<&str> = source.lines().collect();
    for d in import.diagnostics() {
        writeln!(out, "{}", clean(&d.to_string()))?;
        if let Some(text) = lines.get(d.line.wrapping_sub(1)) {
            let number = d.line.to_string();
            let pad = " ".repeat(number.len());
            let shown: String = text.chars().map(super::render::displayable).collect();
            writeln!(out, "{pad} |")?;
            writeln!(out, "{number} | {}", shown.trim_end())?;
            writeln!(out, "{pad} | {}^", " ".repeat(d.column.saturating_sub(1)))?;
        }
        writeln!(out)?;
    }
    let examples = import.examples();
    let json = examples.iter().filter(|e| e.is_json).count();
    let valid = examples.iter().filter(|e| e.valid).count();
    let rows: usize = import.tables().iter().map(|t| t.rows).sum();
    let destination = match written {
        Some(paths) => match paths.first().and_then(|p| p.parent()) {
            Some(dir) => format!(", written to {}", dir.display()),
            None => String::new(),
        },
        None => String::new(),
    };
    writeln!(
        out,
        "{}: {} → {}{destination}; {} ({json} JSON, {valid} valid); {}, {}",
        clean(import.page()),
        plural(import.tables().len(), "response table") + &format!(" ({})", plural(rows, "row")),
        plural(import.documents().len(), "document"),
        plural(examples.len(), "example response"),
        plural(count(import, Severity::Error), "error"),
        plural(count(import, Severity::Warning), "warning"),
    )?;
    Ok(())
}

/// `1 error`, `2 errors`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
