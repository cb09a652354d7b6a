//! From arguments to a run's configuration: the check to apply, the printer, the environment.

use std::io::IsTerminal;
use std::path::PathBuf;

use response_contract::{Expect, Limits, Report, Schema, Validator};

use super::args::{CheckArgs, ColorArg, ExpectArg, FormatArg};

/// The check applied to every payload: the built-in contract or a user's schema.
#[derive(Debug)]
pub(crate) enum Checker {
    Contract(Validator),
    Schema(Schema),
}

impl Checker {
    /// The full report of one payload (the library takes its fast path when the payload is clean).
    #[inline]
    pub(crate) fn check(&self, payload: &[u8]) -> Report {
        match self {
            Checker::Contract(validator) => validator.validate(payload),
            Checker::Schema(schema) => schema.validate(payload),
        }
    }
}

/// Everything `check` needs, resolved once.
#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) checker: Checker,
    /// The size limit: a larger payload is reported without being read.
    pub(crate) max_size: usize,
    pub(crate) format: FormatArg,
    pub(crate) color: bool,
    pub(crate) redact: bool,
    pub(crate) quiet: bool,
    /// Read every input as JSON Lines.
    pub(crate) lines: bool,
    pub(crate) paths: Vec<PathBuf>,
    /// Whether a progress bar may be drawn (standard error is a terminal, not in CI).
    pub(crate) progress: bool,
}

impl Config {
    /// Resolves the arguments. Reads the `--schema` file, if any.
    ///
    /// # Errors
    /// A message for standard error when the arguments cannot be honoured (exit status 2).
    pub(crate) fn resolve(args: CheckArgs) -> Result<Config, String> {
        let limits = Limits::DEFAULT
            .max_size(args.max_size)
            .max_depth(args.max_depth)
            .max_violations(args.max_violations);
        let checker = match &args.schema {
            Some(path) if path.is_dir() => {
                let schema = schema_from_dir(path)?;
                Checker::Schema(schema.limits(limits).redact(args.redact))
            }
            Some(path) => {
                let origin = path.display().to_string();
                let source = std::fs::read(path)
                    .map_err(|e| format!("cannot read the schema {origin}: {e}"))?;
                let schema = Schema::from_json(&source, &origin).map_err(|e| e.to_string())?;
                Checker::Schema(schema.limits(limits).redact(args.redact))
            }
            None => {
                let expect = match args.status {
                    Some(status) => Expect::from_status(status).map_err(|e| e.to_string())?,
                    None => match args.expect {
                        ExpectArg::Normal => Expect::Normal,
                        ExpectArg::Abnormal => Expect::Abnormal,
                        ExpectArg::Either => Expect::Either,
                    },
                };
                Checker::Contract(
                    Validator::new()
                        .expect(expect)
                        .strict(args.strict)
                        .limits(limits)
                        .redact(args.redact),
                )
            }
        };
        let color = match args.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        let progress = !args.quiet
            && std::io::stderr().is_terminal()
            && std::env::var_os("CI").is_none_or(|v| v.is_empty());
        Ok(Config {
            checker,
            max_size: args.max_size,
            format: args.format,
            color,
            redact: args.redact,
            quiet: args.quiet,
            lines: args.lines,
            paths: args.paths,
            progress,
        })
    }
}

/// `--schema DIR`: every `*.json` document directly in DIR, joined by relative `$ref` (as
/// `response-contract import --out DIR` writes them); the root is the one document no other
/// refers to.
fn schema_from_dir(dir: &std::path::Path) -> Result<Schema, String> {
    let shown = dir.display();
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read the schema directory {shown}: {e}"))?;
    let mut documents: Vec<(String, Vec<u8>)> = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read the schema directory {shown}: {e}"))?
            .path();
        if path.is_file() && path.extension().is_some_and(|e| e == "json") {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bytes = std::fs::read(&path)
                .map_err(|e| format!("cannot read the schema {}: {e}", path.display()))?;
            documents.push((name, bytes));
        }
    }
    documents.sort();
    let mut referenced = std::collections::BTreeSet::new();
    for (_, bytes) in &documents {
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) {
            collect_refs(&value, &mut referenced);
        }
    }
    let roots: Vec<&str> = documents
        .iter()
        .map(|(name, _)| name.as_str())
        .filter(|name| !referenced.contains(*name))
        .collect();
    let root = match roots.as_slice() {
        [root] => (*root).to_owned(),
        [] => {
            return Err(format!(
                "{shown}: no schema document (*.json) that no other refers to"
            ));
        }
        several => {
            return Err(format!(
                "{shown}: several documents could be the root ({}): give the root file with --schema and keep the others next to it",
                several.join(", ")
            ));
        }
    };
    let pairs: Vec<(&str, &[u8])> = documents
        .iter()
        .map(|(name, bytes)| (name.as_str(), bytes.as_slice()))
        .collect();
    Schema::from_documents(&pairs, &root).map_err(|e| format!("{shown}: {e}"))
}

/// The file names that `$ref`s point to (`./x.json#/a` → `x.json`).
fn collect_refs(value: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                match v {
                    serde_json::Value::String(target) if key == "$ref" => {
                        let file = target.split('#').next().unwrap_or("");
                        let file = file.rsplit('/').next().unwrap_or(file);
                        if !file.is_empty() {
                            out.insert(file.to_owned());
                        }
                    }
                    other => collect_refs(other, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}
