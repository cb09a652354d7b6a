//! The one module that talks to the schema engine (the `jsonschema` crate): it checks documents
//! against the 2020-12 meta-schema, and evaluates the subschemas the plan does not cover.
//! Engine types never leave this module, and engine wording never reaches a message: findings
//! come out as [`Finding`]s in this crate's own terms.

use std::cmp::Reverse;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{Draft, Registry, ValidationError};

use super::{Document, Id};
use crate::report::JsonType;

/// A subschema the engine evaluates.
pub(crate) struct Fallback {
    validator: jsonschema::Validator,
    /// The document it sits in, for keyword locations.
    pub(crate) document: String,
    /// The base the engine reports absolute keyword locations under, stripped from them.
    base: String,
}

impl std::fmt::Debug for Fallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fallback")
            .field("document", &self.document)
            .finish_non_exhaustive()
    }
}

/// What the engine found, in this crate's terms.
#[derive(Debug)]
pub(crate) enum What {
    Type(Vec<JsonType>),
    Required(String),
    /// Members a keyword does not allow (`additionalProperties`, `unevaluatedProperties`).
    NotAllowed(Vec<String>),
    /// Items `unevaluatedItems` does not allow.
    ItemsNotAllowed,
    /// Any other keyword.
    Keyword,
}

#[derive(Debug)]
pub(crate) struct Finding {
    /// Instance location, relative to the value handed to the engine.
    pub(crate) pointer: String,
    /// `document#/pointer/keyword`.
    pub(crate) keyword_location: String,
    /// The keyword's name.
    pub(crate) keyword: String,
    pub(crate) what: What,
}

/// Checks a document against the JSON Schema 2020-12 meta-schema; the error says where.
pub(crate) fn meta_validate(value: &serde_json::Value) -> Result<(), String> {
    jsonschema::draft202012::meta::validate(value).map_err(|error| {
        let at = error.instance_path().as_str().to_owned();
        let what = match error.kind() {
            ValidationErrorKind::Type { kind } => {
                format!("expected {}", type_names(kind))
            }
            ValidationErrorKind::Enum { .. } => "not one of the values allowed here".to_owned(),
            ValidationErrorKind::Minimum { .. } | ValidationErrorKind::ExclusiveMinimum { .. } => {
                "a number below the least allowed here".to_owned()
            }
            ValidationErrorKind::UniqueItems => "repeated items".to_owned(),
            ValidationErrorKind::MinItems { .. } => "too few items".to_owned(),
            ValidationErrorKind::Format { format } => format!("not a valid {format}"),
            kind => format!("fails the meta-schema's `{}`", kind.keyword()),
        };
        format!(
            "at {}: {what}",
            if at.is_empty() { "(root)" } else { at.as_str() }
        )
    })
}

fn type_names(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Single(t) => map_type(*t).with_article().to_owned(),
        TypeKind::Multiple(set) => set
            .iter()
            .map(|t| map_type(t).with_article())
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

/// The dialects the engine knows.
const KNOWN_DIALECTS: &[&str] = &[
    "https://json-schema.org/draft/2020-12/schema",
    "https://json-schema.org/draft/2019-09/schema",
    "http://json-schema.org/draft-07/schema",
    "http://json-schema.org/draft-06/schema",
    "http://json-schema.org/draft-04/schema",
];

/// Builds an engine validator for each `(node, uri, document)`: a schema `{"$ref": uri}` over a
/// registry of every document, so the subschema keeps its base URI and its references.
pub(crate) fn build(
    docs: &[Document],
    wanted: &[(Id, String, String)],
) -> Result<Vec<Fallback>, (String, String, String)> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let fail = |doc: &str, reason: String| (doc.to_owned(), String::new(), reason);
    let mut builder = Registry::new();
    for doc in docs {
        // A document written for another dialect (an unknown `$schema`) cannot be registered
        // with the engine; the plan still covers it, and a fallback never needs it.
        let dialect = doc.value.get("$schema").and_then(|v| v.as_str());
        if dialect.is_some_and(|d| !KNOWN_DIALECTS.iter().any(|k| d.trim_end_matches('#') == *k)) {
            continue;
        }
        builder = builder
            .add(doc.uri.as_str(), doc.value.clone())
            .map_err(|e| fail(&doc.name, describe_referencing(&e.to_string())))?;
    }
    let first = wanted.first().map_or("", |(_, _, doc)| doc.as_str());
    let registry = builder
        .prepare()
        .map_err(|e| fail(first, describe_referencing(&e.to_string())))?;
    let mut out = Vec::with_capacity(wanted.len());
    for (_, uri, document) in wanted {
        let wrapper = serde_json::json!({ "$ref": uri });
        let validator = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .with_registry(&registry)
            .with_base_uri("https://response-contract.invalid/engine/")
            .build(&wrapper)
            .map_err(|e| fail(document, describe_build(&e)))?;
        let base = uri.split_once('#').map_or(uri.as_str(), |(b, _)| b);
        out.push(Fallback {
            validator,
            document: document.clone(),
            base: base.to_owned(),
        });
    }
    Ok(out)
}

fn describe_referencing(engine_says: &str) -> String {
    // Whatever the engine calls it, the user's question is which reference failed: name it.
    let quoted = engine_says
        .split('\'')
        .nth(1)
        .map(str::to_owned)
        .unwrap_or_default();
    if quoted.is_empty() {
        "the documents cannot be registered together (two documents with the same `$id`?)"
            .to_owned()
    } else {
        format!("cannot resolve `{quoted}`")
    }
}

fn describe_build(error: &ValidationError<'_>) -> String {
    match error.kind() {
        ValidationErrorKind::Referencing(e) => describe_referencing(&e.to_string()),
        ValidationErrorKind::Format { format } => format!("a `{format}` that cannot be compiled"),
        kind => format!("the keyword `{}` cannot be compiled", kind.keyword()),
    }
}

impl Fallback {
    pub(crate) fn is_valid(&self, value: &serde_json::Value) -> bool {
        self.validator.is_valid(value)
    }

    /// Every finding, with a failed `oneOf`/`anyOf` replaced by its best branch's findings.
    pub(crate) fn findings(&self, value: &serde_json::Value) -> Vec<Finding> {
        let mut flat = Vec::new();
        for error in self.validator.iter_errors(value) {
            flatten(error.to_owned(), &mut flat);
        }
        flat.iter().map(|e| self.finding(e)).collect()
    }

    fn finding(&self, error: &ValidationError<'_>) -> Finding {
        let keyword_location = match error.absolute_keyword_location() {
            Some(uri) => {
                let uri = uri.as_str();
                match uri.strip_prefix(self.base.as_str()) {
                    Some(rest) => format!("{}{rest}", self.document),
                    None => uri.to_owned(),
                }
            }
            None => format!("{}#{}", self.document, error.schema_path().as_str()),
        };
        let what = match error.kind() {
            ValidationErrorKind::Type { kind } => Type(match kind {
                TypeKind::Single(t) => vec![map_type(*t)],
                TypeKind::Multiple(set) => set.iter().map(map_type).collect(),
            }),
            ValidationErrorKind::Required { property } => Required(
                property
                    .as_str()
                    .map_or_else(|| property.to_string(), str::to_owned),
            ),
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                NotAllowed(unexpected.clone())
            }
            ValidationErrorKind::UnevaluatedItems { .. }
            | ValidationErrorKind::AdditionalItems { .. } => ItemsNotAllowed,
            _ => Keyword,
        };
        use What::*;
        Finding {
            pointer: error.instance_path().as_str().to_owned(),
            keyword_location,
            keyword: error.kind().keyword().to_owned(),
            what,
        }
    }
}

/// Replaces each failed `oneOf`/`anyOf` by the findings of its best-matching branch: the one
/// whose findings reach deepest into the payload, then the fewest, then the first.
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
