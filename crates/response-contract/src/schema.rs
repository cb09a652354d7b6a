//! Checks against any set of JSON Schema 2020-12 documents, compiled into the same plan as the
//! built-in contracts: the same fast verdict and the same located diagnostics.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::contract::{self, Contract};
use crate::error::Error;
use crate::options::{Expect, Limits};
use crate::plan::compile::{self, CompileError};
use crate::plan::{DocKind, Document};
use crate::plan::{Id, Plan, check, engine};
use crate::pointer;
use crate::report::Report;

/// Where documents given by name (not by `$id`) are registered.
const LOCAL_BASE: &str = "https://response-contract.invalid/local/";

/// Compiled JSON Schema 2020-12 documents, checked against raw payloads with the same located
/// diagnostics as the built-in contracts.
///
/// Where `oneOf` or `anyOf` fails, the report holds the violations of the best-matching branch
/// only: the branch whose discriminating member the payload carries (one it requires and not
/// every branch does, or one whose `const` the payload matches), else the branch whose violations
/// reach deepest into the payload, then the one with the fewest, then the first.
///
/// ```
/// use response_contract::Schema;
///
/// let schema = Schema::from_json(br#"{"type": "object", "required": ["id"]}"#, "inline")?;
/// let report = schema.validate(b"{\n  \"name\": 1\n}");
/// assert_eq!(report.violations()[0].pointer, "/id");
/// assert_eq!(report.violations()[0].location.line, 1);
/// # Ok::<(), response_contract::Error>(())
/// ```
#[derive(Clone)]
#[must_use]
pub struct Schema {
    compiled: Arc<Compiled>,
    limits: Limits,
    redact: bool,
    formats: bool,
    forget_shapes: bool,
}

struct Compiled {
    plan: Plan,
    root: Id,
}

impl std::fmt::Debug for Schema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Schema")
            .field("nodes", &self.compiled.plan.nodes.len())
            .field("limits", &self.limits)
            .field("redact", &self.redact)
            .field("formats", &self.formats)
            .finish_non_exhaustive()
    }
}

/// Reads one document: JSON, and a valid 2020-12 schema.
fn read_document(name: &str, uri: String, source: &[u8]) -> Result<Document, Error> {
    let value: serde_json::Value =
        serde_json::from_slice(source).map_err(|source| Error::SchemaNotJson {
            origin: name.to_owned(),
            source,
        })?;
    engine::meta_validate(&value).map_err(|reason| Error::InvalidSchema {
        origin: name.to_owned(),
        reason,
    })?;
    Ok(Document {
        uri,
        name: name.to_owned(),
        value,
        kind: DocKind::Schema,
    })
}

/// The files that relative `$ref`s name (`../common/error.json#/x` → `../common/error.json`).
fn relative_files(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                match v {
                    serde_json::Value::String(target) if key == "$ref" => {
                        let file = target.split('#').next().unwrap_or("");
                        if !file.is_empty() && !file.contains(':') && !out.iter().any(|f| f == file)
                        {
                            out.push(file.to_owned());
                        }
                    }
                    other => relative_files(other, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| relative_files(v, out)),
        _ => {}
    }
}

/// A `file://` URI for an absolute path, with the bytes a URI cannot hold percent-encoded.
pub(crate) fn file_uri(path: &Path) -> String {
    let mut out = String::from("file://");
    let text = path.to_string_lossy();
    if !text.starts_with('/') {
        out.push('/');
    }
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            b'\\' => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub(crate) fn from_compile(error: CompileError) -> Error {
    match error {
        CompileError::Unresolved {
            reference,
            document,
            at,
        } => Error::UnresolvedReference {
            reference,
            document,
            at: pointer::display(&at).to_owned(),
        },
        CompileError::Invalid {
            document,
            at,
            reason,
        } => Error::InvalidSchema {
            origin: document,
            reason: format!("at {}: {reason}", pointer::display(&at)),
        },
    }
}

impl Schema {
    /// The Order ID Response's own documents as a plain schema: no contract policy (no variant
    /// judgement, no warnings for unlisted members), the verdict any JSON Schema validator gives.
    pub fn order_id_response() -> Schema {
        Schema::contract(Contract::OrderIdResponse)
    }

    /// A built-in contract's whole-response document as a plain schema (see
    /// [`Schema::order_id_response`]).
    pub fn contract(contract: Contract) -> Schema {
        let doc = contract.document();
        Schema::from_documents(&[(doc.id, doc.source.as_bytes())], doc.id)
            .expect("embedded schema documents compile")
    }

    /// Compiles a user's schema document. `origin` names it in errors (a path, say). The
    /// contracts' documents are registered under their `$id`s, so a user schema may `$ref` them;
    /// nothing is fetched from the network or the file system.
    ///
    /// # Errors
    /// [`Error::SchemaNotJson`], [`Error::InvalidSchema`] or [`Error::UnresolvedReference`].
    pub fn from_json(source: &[u8], origin: &str) -> Result<Schema, Error> {
        Schema::from_documents(&[(origin, source)], origin)
    }

    /// Compiles a set of documents that refer to each other with relative `$ref`s; payloads are
    /// checked against the one named `root`. Each document is registered under its name, read as
    /// a path relative to a common base (so `"common/error.json"` is what `"../common/error.json"`
    /// reaches from `"api/x.json"`), and under its own `$id` when it has one. Nothing is fetched
    /// from the network or the file system. A name that is an absolute URI (`http://…/x.json`) is
    /// registered as that URI, so a test suite's remote documents can be served as given.
    ///
    /// # Errors
    /// [`Error::SchemaNotJson`] or [`Error::InvalidSchema`] (naming the document), or
    /// [`Error::UnresolvedReference`] for a `$ref` that none of the documents resolves.
    pub fn from_documents(documents: &[(&str, &[u8])], root: &str) -> Result<Schema, Error> {
        let mut docs = Vec::with_capacity(documents.len());
        for (name, source) in documents {
            let uri = if name.contains("://") {
                (*name).to_owned()
            } else {
                format!("{LOCAL_BASE}{name}")
            };
            docs.push(read_document(name, uri, source)?);
        }
        let Some(root_index) = docs.iter().position(|d| d.name == root) else {
            return Err(Error::InvalidSchema {
                origin: root.to_owned(),
                reason: "no document of that name was given".to_owned(),
            });
        };
        Schema::from_loaded(docs, root_index)
    }

    /// Compiles the schema at `path`, read from the file system and nothing else:
    ///
    /// - a **file**: that document is the root; the files its relative `$ref`s name are read
    ///   too (transitively, wherever they are), and so is every `*.json` document beside it that
    ///   has an `$id`, so that references by `$id` resolve;
    /// - a **directory**: every `*.json` document in it; the root is the one that no other
    ///   refers to.
    ///
    /// Reports name each document by its path as given (`schemas/api.json#/properties/id/type`).
    ///
    /// # Errors
    /// [`Error::Read`] for a file that cannot be read; otherwise as
    /// [`Schema::from_documents`]. A directory with no root, or several, is
    /// [`Error::InvalidSchema`].
    pub fn from_path(path: &Path) -> Result<Schema, Error> {
        if path.is_dir() {
            return Schema::from_directory(path);
        }
        let mut docs: Vec<Document> = Vec::new();
        let mut seen: Vec<PathBuf> = Vec::new();
        let mut queue = vec![path.to_path_buf()];
        while let Some(next) = queue.pop() {
            let canonical = std::fs::canonicalize(&next).map_err(|source| Error::Read {
                path: next.clone(),
                source,
            })?;
            if seen.contains(&canonical) {
                continue;
            }
            let source = std::fs::read(&next).map_err(|source| Error::Read {
                path: next.clone(),
                source,
            })?;
            let doc = read_document(&next.display().to_string(), file_uri(&canonical), &source)?;
            let mut refs = Vec::new();
            relative_files(&doc.value, &mut refs);
            let dir = next.parent().map(Path::to_path_buf).unwrap_or_default();
            for file in refs {
                let target = dir.join(&file);
                // A file that does not exist is left to the compiler, which names the reference.
                if target.is_file() {
                    queue.push(target);
                }
            }
            seen.push(canonical);
            docs.push(doc);
        }
        // Documents beside the root that have an `$id`, for references by `$id`; anything else
        // there (payloads, other JSON) is not a schema of this set and is left alone.
        if let Some(dir) = path.parent().map(|d| {
            if d.as_os_str().is_empty() {
                Path::new(".")
            } else {
                d
            }
        }) && let Ok(entries) = std::fs::read_dir(dir)
        {
            let mut beside: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "json") && p.is_file())
                .collect();
            beside.sort();
            for other in beside {
                let Ok(canonical) = std::fs::canonicalize(&other) else {
                    continue;
                };
                if seen.contains(&canonical) {
                    continue;
                }
                let Ok(source) = std::fs::read(&other) else {
                    continue;
                };
                let Ok(value) = serde_json::from_slice::<serde_json::Value>(&source) else {
                    continue;
                };
                if value.get("$id").is_some_and(serde_json::Value::is_string)
                    && engine::meta_validate(&value).is_ok()
                {
                    seen.push(canonical.clone());
                    docs.push(Document {
                        uri: file_uri(&canonical),
                        name: other.display().to_string(),
                        value,
                        kind: DocKind::Schema,
                    });
                }
            }
        }
        Schema::from_loaded(docs, 0)
    }

    fn from_directory(dir: &Path) -> Result<Schema, Error> {
        let read_error = |source| Error::Read {
            path: dir.to_path_buf(),
            source,
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(read_error)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "json") && p.is_file())
            .collect();
        files.sort();
        let mut docs = Vec::with_capacity(files.len());
        for file in &files {
            let canonical = std::fs::canonicalize(file).map_err(|source| Error::Read {
                path: file.clone(),
                source,
            })?;
            let source = std::fs::read(file).map_err(|source| Error::Read {
                path: file.clone(),
                source,
            })?;
            docs.push(read_document(
                &file.display().to_string(),
                file_uri(&canonical),
                &source,
            )?);
        }
        let mut referenced = Vec::new();
        for doc in &docs {
            relative_files(&doc.value, &mut referenced);
        }
        let roots: Vec<usize> = (0..docs.len())
            .filter(|&i| {
                let file = files[i]
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned());
                !referenced.iter().any(|r| {
                    Path::new(r)
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        == file
                })
            })
            .collect();
        let shown = dir.display().to_string();
        match roots.as_slice() {
            [root] => Schema::from_loaded(docs, *root),
            [] => Err(Error::InvalidSchema {
                origin: shown,
                reason: "no schema document (*.json) here that no other refers to: which one is the root?".to_owned(),
            }),
            several => Err(Error::InvalidSchema {
                origin: shown,
                reason: format!(
                    "several documents could be the root ({}): give the root file instead, and keep the others beside it",
                    several
                        .iter()
                        .map(|&i| docs[i].name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
    }

    fn from_loaded(mut docs: Vec<Document>, root_index: usize) -> Result<Schema, Error> {
        // The contracts' documents, so that a user schema may refer to them, unless given anew.
        for doc in contract::embedded_documents() {
            if !docs.iter().any(|d| d.uri == doc.uri) {
                docs.push(doc);
            }
        }
        let (plan, ids) = compile::compile(&docs, &[root_index]).map_err(from_compile)?;
        Ok(Schema {
            compiled: Arc::new(Compiled { plan, root: ids[0] }),
            limits: Limits::DEFAULT,
            redact: false,
            formats: false,
            forget_shapes: false,
        })
    }

    /// The compiled plan and the root's node, for the generators of `strategies`.
    #[cfg(feature = "proptest")]
    pub(crate) fn plan_and_root(&self) -> (&Plan, Id) {
        (&self.compiled.plan, self.compiled.root)
    }

    /// Size, depth and violation-count limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Redaction, as [`crate::Validator::redact`].
    pub fn redact(mut self, redact: bool) -> Self {
        self.redact = redact;
        self
    }

    /// Whether to remember payload shapes, as [`crate::Validator::remember_shapes`].
    pub fn remember_shapes(mut self, yes: bool) -> Self {
        self.forget_shapes = !yes;
        self
    }

    /// Asserts `format`, as [`crate::Validator::assert_formats`].
    pub fn assert_formats(mut self, yes: bool) -> Self {
        self.formats = yes;
        self
    }

    fn settings(&self) -> check::Settings<'static> {
        check::Settings {
            limits: self.limits,
            redact: self.redact,
            strict: false,
            formats: self.formats,
            shapes: !self.forget_shapes,
            expect: Expect::Either,
            policy: None,
        }
    }

    /// The verdict alone: always equal to `validate(payload).is_valid()`.
    #[must_use]
    pub fn is_valid(&self, payload: &[u8]) -> bool {
        let settings = self.settings();
        let c = &*self.compiled;
        c.plan.is_valid(c.root, payload, &settings)
    }

    /// The full check: raw-payload hazards, then every schema violation, located.
    pub fn validate(&self, payload: &[u8]) -> Report {
        let c = &*self.compiled;
        let settings = self.settings();
        c.plan.validate(c.root, payload, &settings)
    }
}
