//! Checks against any set of JSON Schema 2020-12 documents, compiled into the same plan as the
//! built-in contracts: the same fast verdict and the same located diagnostics.

use std::sync::Arc;

use crate::contract::{self, Contract};
use crate::error::Error;
use crate::options::{Expect, Limits};
use crate::plan::compile::{self, CompileError, Document};
use crate::plan::scan::{self, Verdict};
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
pub struct Schema {
    compiled: Arc<Compiled>,
    limits: Limits,
    redact: bool,
    formats: bool,
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

fn from_compile(error: CompileError) -> Error {
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
        let mut docs = Vec::with_capacity(documents.len() + contract::documents().len());
        for (name, source) in documents {
            let value: serde_json::Value =
                serde_json::from_slice(source).map_err(|source| Error::SchemaNotJson {
                    origin: (*name).to_owned(),
                    source,
                })?;
            engine::meta_validate(&value).map_err(|reason| Error::InvalidSchema {
                origin: (*name).to_owned(),
                reason,
            })?;
            let uri = if name.contains("://") {
                (*name).to_owned()
            } else {
                format!("{LOCAL_BASE}{name}")
            };
            docs.push(Document {
                uri,
                name: (*name).to_owned(),
                value,
            });
        }
        let Some(root_index) = docs.iter().position(|d| d.name == root) else {
            return Err(Error::InvalidSchema {
                origin: root.to_owned(),
                reason: "no document of that name was given".to_owned(),
            });
        };
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
        })
    }

    /// Size, depth and violation-count limits.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Redaction, as [`crate::Validator::redact`].
    #[must_use]
    pub fn redact(mut self, redact: bool) -> Self {
        self.redact = redact;
        self
    }

    /// Asserts `format`, as [`crate::Validator::assert_formats`].
    #[must_use]
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
            expect: Expect::Either,
            policy: None,
        }
    }

    /// The verdict alone: always equal to `validate(payload).is_valid()`.
    pub fn is_valid(&self, payload: &[u8]) -> bool {
        let settings = self.settings();
        let c = &*self.compiled;
        match scan::scan(&c.plan, c.root, payload, &settings) {
            Verdict::Clean(_) | Verdict::Valid => true,
            Verdict::Invalid => false,
            Verdict::Unsure => check::is_valid(&c.plan, c.root, payload, &settings),
        }
    }

    /// The full check: raw-payload hazards, then every schema violation, located.
    pub fn validate(&self, payload: &[u8]) -> Report {
        let c = &*self.compiled;
        let settings = self.settings();
        match scan::scan(&c.plan, c.root, payload, &settings) {
            Verdict::Clean(variant) => Report {
                variant,
                violations: Vec::new(),
            },
            _ => check::check(&c.plan, c.root, payload, &settings),
        }
    }
}
