//! The embedded schema documents, and checks against any JSON Schema 2020-12 document.
//!
//! This is the one module that talks to the schema engine (the `jsonschema` crate); its types do
//! not leave it. Engine errors become the same located [`Violation`]s as the built-in check's.

use std::cmp::Reverse;
use std::sync::{Arc, OnceLock};

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{Draft, Registry, ValidationError};

use std::borrow::Cow;

use crate::collect::Collector;
use crate::error::Error;
use crate::parse::{self, Node, Value};
use crate::pointer::{self, Pointer};
use crate::report::{JsonType, Report, Severity, ViolationKind};
use crate::validator::Limits;

/// One embedded schema document.
///
/// Non-exhaustive: more facts about a document (a title, say) may be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SchemaDocument {
    /// Its file name under `schemas/`, e.g. `"error.schema.json"`.
    pub file: &'static str,
    /// Its `$id`.
    pub id: &'static str,
    /// The document text, as shipped.
    pub source: &'static str,
}

const BASE: &str = "https://response-contract.invalid/schemas/bms/";
/// Where documents given by name (not by `$id`) are registered.
const LOCAL_BASE: &str = "https://response-contract.invalid/local/";

macro_rules! document {
    ($file:literal) => {
        SchemaDocument {
            file: $file,
            id: concat!("https://response-contract.invalid/schemas/bms/", $file),
            source: include_str!(concat!("../schemas/", $file)),
        }
    };
}

static DOCUMENTS: [SchemaDocument; 4] = [
    document!("order-id-response.schema.json"),
    document!("normal-response.schema.json"),
    document!("abnormal-response.schema.json"),
    document!("error.schema.json"),
];

/// The contract's schema documents: the whole response first, then Tables 1, 2 and 3.
pub fn documents() -> &'static [SchemaDocument] {
    &DOCUMENTS
}

/// A document by file name, with or without `.schema.json` (`"error"`, `"error.schema.json"`).
pub fn document(name: &str) -> Option<&'static SchemaDocument> {
    DOCUMENTS
        .iter()
        .find(|d| d.file == name || d.file.strip_suffix(".schema.json") == Some(name))
}

fn contract_registry() -> Result<Registry<'static>, jsonschema::ReferencingError> {
    let mut builder = Registry::new();
    for doc in &DOCUMENTS {
        // A shipped document that is not JSON is a bug in this crate, caught by its tests.
        let value: serde_json::Value =
            serde_json::from_str(doc.source).expect("embedded schema documents are JSON");
        builder = builder.add(doc.id, value)?;
    }
    builder.prepare()
}

/// A compiled JSON Schema 2020-12 document, checked against raw payloads with the same located
/// diagnostics as the built-in contract.
///
/// Where `oneOf` or `anyOf` fails, the report holds the violations of the best-matching branch
/// only: the branch whose violations reach deepest into the payload (it matched the most
/// structure), then the one with the fewest violations, then the first.
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
    engine: Arc<jsonschema::Validator>,
    limits: Limits,
    redact: bool,
}

impl std::fmt::Debug for Schema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Schema")
            .field("limits", &self.limits)
            .field("redact", &self.redact)
            .finish_non_exhaustive()
    }
}

impl Schema {
    /// The contract's own documents, run by the schema engine: the reference that the built-in
    /// check is tested against, compiled once.
    pub fn order_id_response() -> Schema {
        static COMPILED: OnceLock<Arc<jsonschema::Validator>> = OnceLock::new();
        let engine = COMPILED.get_or_init(|| {
            let registry = contract_registry().expect("embedded schema documents resolve");
            let root: serde_json::Value = serde_json::from_str(DOCUMENTS[0].source)
                .expect("embedded schema documents are JSON");
            let engine = jsonschema::options()
                .with_draft(Draft::Draft202012)
                .with_registry(&registry)
                .build(&root)
                .expect("embedded schema documents compile");
            Arc::new(engine)
        });
        Schema {
            engine: Arc::clone(engine),
            limits: Limits::DEFAULT,
            redact: false,
        }
    }

    /// Compiles a user's schema document. `origin` names it in errors (a path, say). The
    /// contract's documents are registered under their `$id`s, so a user schema may `$ref` them;
    /// nothing is fetched from the network or the file system.
    ///
    /// # Errors
    /// [`Error::SchemaNotJson`] or [`Error::InvalidSchema`].
    pub fn from_json(source: &[u8], origin: &str) -> Result<Schema, Error> {
        let value: serde_json::Value =
            serde_json::from_slice(source).map_err(|source| Error::SchemaNotJson {
                origin: origin.to_owned(),
                source,
            })?;
        let invalid = |reason: String| Error::InvalidSchema {
            origin: origin.to_owned(),
            reason,
        };
        if let Err(error) = jsonschema::draft202012::meta::validate(&value) {
            return Err(invalid(format!(
                "at {}: {error}",
                pointer::display(error.instance_path().as_str())
            )));
        }
        let registry = contract_registry().map_err(|e| invalid(e.to_string()))?;
        let engine = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .with_registry(&registry)
            .build(&value)
            .map_err(|e| invalid(e.to_string()))?;
        Ok(Schema {
            engine: Arc::new(engine),
            limits: Limits::DEFAULT,
            redact: false,
        })
    }

    /// Compiles a set of documents that refer to each other with relative `$ref`s; payloads are
    /// checked against the one named `root`. Each document is registered under its name, read as
    /// a path relative to a common base (so `"common/error.json"` is what `"../common/error.json"`
    /// reaches from `"api/x.json"`), and under its own `$id` when it has one. Nothing is fetched
    /// from the network or the file system. A name that is an absolute URI (`http://…/x.json`) is
    /// registered as that URI, so a test suite's remote documents can be served as given.
    ///
    /// # Errors
    /// [`Error::SchemaNotJson`] or [`Error::InvalidSchema`] (naming the document), including a
    /// `$ref` that none of the documents resolves.
    pub fn from_documents(documents: &[(&str, &[u8])], root: &str) -> Result<Schema, Error> {
        let mut values = Vec::with_capacity(documents.len());
        for (name, source) in documents {
            let value: serde_json::Value =
                serde_json::from_slice(source).map_err(|source| Error::SchemaNotJson {
                    origin: (*name).to_owned(),
                    source,
                })?;
            if let Err(error) = jsonschema::draft202012::meta::validate(&value) {
                return Err(Error::InvalidSchema {
                    origin: (*name).to_owned(),
                    reason: format!(
                        "at {}: {error}",
                        pointer::display(error.instance_path().as_str())
                    ),
                });
            }
            // A name that is already an absolute URI (a `remotes/` document, say) is used as is.
            let uri = if name.contains("://") {
                (*name).to_owned()
            } else {
                format!("{LOCAL_BASE}{name}")
            };
            values.push((uri, value));
        }
        let invalid = |reason: String| Error::InvalidSchema {
            origin: root.to_owned(),
            reason,
        };
        let Some((root_uri, root_value)) = values
            .iter()
            .find(|(uri, _)| uri == root || uri.strip_prefix(LOCAL_BASE) == Some(root))
            .cloned()
        else {
            return Err(invalid("no document of that name was given".to_owned()));
        };
        let mut builder = Registry::new();
        for doc in &DOCUMENTS {
            let value: serde_json::Value =
                serde_json::from_str(doc.source).expect("embedded schema documents are JSON");
            builder = builder
                .add(doc.id, value)
                .map_err(|e| invalid(e.to_string()))?;
        }
        for (uri, value) in values {
            builder = builder
                .add(uri, value)
                .map_err(|e| invalid(e.to_string()))?;
        }
        let registry = builder.prepare().map_err(|e| invalid(e.to_string()))?;
        let engine = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .with_registry(&registry)
            .with_base_uri(root_uri)
            .build(&root_value)
            .map_err(|e| invalid(e.to_string()))?;
        Ok(Schema {
            engine: Arc::new(engine),
            limits: Limits::DEFAULT,
            redact: false,
        })
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

    /// The verdict alone.
    #[must_use]
    pub fn is_valid(&self, payload: &[u8]) -> bool {
        self.validate(payload).is_valid()
    }

    /// The full check: raw-payload hazards, then every schema violation, located.
    pub fn validate(&self, payload: &[u8]) -> Report {
        let mut out = Collector::new(payload, &self.limits, self.redact);
        if payload.len() > self.limits.size() {
            out.size_exceeded(self.limits.size());
            return out.finish(None);
        }
        let parsed = parse::parse(payload, self.limits.depth());
        out.hazards(parsed.hazards);
        let root = match (parsed.root, parsed.fatal) {
            (Some(root), None) => root,
            (_, fatal) => {
                if let Some(fatal) = fatal {
                    out.fatal(fatal, self.limits.depth());
                }
                return out.finish(None);
            }
        };
        let mut unrepresentable = Vec::new();
        let value = to_value(
            &root,
            payload,
            &mut Pointer::default(),
            &mut unrepresentable,
        );
        if !unrepresentable.is_empty() {
            // The engine would judge a different number than the payload holds: stop here.
            for (pointer, offset) in unrepresentable {
                out.error(ViolationKind::NumberOutOfRange, pointer, None, offset, |_| {
                    "a number beyond the range of a 64-bit float, which the schema engine cannot read".to_owned()
                });
            }
            return out.finish(None);
        }
        let mut flat = Vec::new();
        for error in self.engine.iter_errors(&value) {
            flatten(error.to_owned(), &mut flat);
        }
        for error in &flat {
            report_error(error, &root, &mut out);
        }
        out.finish(None)
    }
}

/// The located tree as the engine's value; duplicate members keep the last copy, as serde_json
/// does. Numbers a 64-bit float cannot hold are listed in `bad` (pointer, offset).
fn to_value(
    node: &Node,
    payload: &[u8],
    at: &mut Pointer,
    bad: &mut Vec<(String, usize)>,
) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number => {
            match serde_json::from_slice::<serde_json::Number>(&payload[node.start..node.end]) {
                Ok(n) => J::Number(n),
                Err(_) => {
                    bad.push((at.as_str().to_owned(), node.start));
                    J::Null
                }
            }
        }
        Value::String(s) => J::String(s.to_string()),
        Value::Array(items) => J::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    at.push_index(i);
                    let v = to_value(item, payload, at, bad);
                    at.pop();
                    v
                })
                .collect(),
        ),
        Value::Object(members) => {
            let mut map = serde_json::Map::with_capacity(members.len());
            for m in members {
                at.push_key(&m.key);
                let v = to_value(&m.value, payload, at, bad);
                at.pop();
                map.insert(m.key.to_string(), v);
            }
            J::Object(map)
        }
    }
}

/// Replaces each failed `oneOf`/`anyOf` by the violations of its best-matching branch.
fn flatten(error: ValidationError<'static>, out: &mut Vec<ValidationError<'static>>) {
    let has_branches = matches!(
        error.kind(),
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context }
            if !context.is_empty()
    );
    if !has_branches {
        out.push(error);
        return;
    }
    let context = match error.into_parts().kind {
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            context
        }
        _ => return,
    };
    let best = context
        .into_iter()
        .map(|branch| {
            let mut flat = Vec::new();
            for e in branch {
                flatten(e, &mut flat);
            }
            flat
        })
        .enumerate()
        .max_by_key(|(i, flat)| {
            let reach = flat
                .iter()
                .map(|e| e.instance_path().as_str().matches('/').count())
                .max()
                .unwrap_or(0);
            (reach, Reverse(flat.len()), Reverse(*i))
        });
    if let Some((_, flat)) = best {
        out.extend(flat);
    }
}

/// The node a pointer names; with duplicates, the last copy (the one the engine saw).
fn find<'t, 'a>(root: &'t Node<'a>, pointer: &str) -> Option<&'t Node<'a>> {
    let mut node = root;
    for segment in pointer::segments(pointer) {
        node = match &node.value {
            Value::Object(members) => &members.iter().rev().find(|m| m.key == segment)?.value,
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

fn keyword_location(error: &ValidationError<'_>) -> String {
    match error.absolute_keyword_location() {
        Some(uri) => {
            let uri = uri.as_str();
            uri.strip_prefix(BASE).unwrap_or(uri).to_owned()
        }
        None => format!("#{}", error.schema_path().as_str()),
    }
}

fn map_type(t: jsonschema::JsonType) -> JsonType {
    match t {
        jsonschema::JsonType::Null => JsonType::Null,
        jsonschema::JsonType::Boolean => JsonType::Boolean,
        jsonschema::JsonType::Integer => JsonType::Integer,
        jsonschema::JsonType::Number => JsonType::Number,
        jsonschema::JsonType::String => JsonType::String,
        jsonschema::JsonType::Array => JsonType::Array,
        jsonschema::JsonType::Object => JsonType::Object,
    }
}

fn report_error(error: &ValidationError<'static>, root: &Node, out: &mut Collector<'_>) {
    let at = error.instance_path().as_str().to_owned();
    let Some(node) = find(root, &at) else {
        return;
    };
    let keyword = Some(Cow::Owned(keyword_location(error)));
    match error.kind() {
        ValidationErrorKind::Type { kind } => {
            let expected: Vec<JsonType> = match kind {
                TypeKind::Single(t) => vec![map_type(*t)],
                TypeKind::Multiple(set) => set.iter().map(map_type).collect(),
            };
            out.type_mismatch(&expected, node, at, keyword, "");
        }
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_owned);
            let detail = format!("the required member `{name}` is missing");
            out.error(
                ViolationKind::MissingMember { name: name.clone() },
                pointer::child(&at, &name),
                keyword,
                node.start,
                |_| detail,
            );
        }
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let Value::Object(members) = &node.value else {
                return;
            };
            let which = error.kind().keyword().to_owned();
            for name in unexpected {
                let offset = members
                    .iter()
                    .rev()
                    .find(|m| &m.key == name)
                    .map_or(node.start, |m| m.key_start);
                out.push(
                    Severity::Error,
                    ViolationKind::UnknownMember { name: name.clone() },
                    pointer::child(&at, name),
                    keyword.clone(),
                    offset,
                    |_| format!("a member the schema does not allow (`{which}`)"),
                );
            }
        }
        kind => {
            let name = kind.keyword().to_owned();
            let engine_says = error.to_string();
            out.error(
                ViolationKind::Keyword {
                    keyword: name.clone(),
                },
                at,
                keyword,
                node.start,
                |c| {
                    if c.is_redacting() {
                        format!("fails `{name}`: found {}", c.found(node))
                    } else {
                        format!("fails `{name}`: {}", one_line(&engine_says))
                    }
                },
            );
        }
    }
}

/// Engine messages can quote whole values; a report line stays one readable line.
fn one_line(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match flat.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}
