//! A contract as data: JSON Schema documents compiled once into a [`Plan`] of keyword checks,
//! which drives both the fast verdict over raw bytes ([`scan`]) and the located report
//! ([`check`]).
//!
//! The plan covers the keywords response contracts use (see [`Rules`]); a subschema with a
//! keyword outside it (`unevaluatedProperties`, `$dynamicRef`, a pattern the linear-time engine
//! cannot run, …) becomes a [`Schema::Engine`] node that the `jsonschema` crate evaluates, so
//! nothing is ever silently ignored, and its findings are located like all others.

pub(crate) mod check;
pub(crate) mod compile;
pub(crate) mod engine;
pub(crate) mod format;
pub(crate) mod number;
pub(crate) mod pattern;
pub(crate) mod scan;

use number::Bound;
use pattern::Pattern;

use crate::report::Report;

/// One document of a set: the URI it is registered under, the name reports show, its value.
pub(crate) struct Document {
    pub(crate) uri: String,
    pub(crate) name: String,
    pub(crate) value: serde_json::Value,
    pub(crate) kind: DocKind,
}

/// What a document is, which decides where its schemas sit and how some keywords read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DocKind {
    /// A JSON Schema document: the document is the schema.
    Schema,
    /// An OpenAPI description (or a file its `$ref`s reach): its schemas sit at these pointers,
    /// `discriminator` picks a `oneOf`/`anyOf` branch, and `writeOnly` members are not required
    /// but an error when present (the response direction).
    OpenApi { schemas: Vec<String> },
}

/// Index of a node in [`Plan::nodes`].
pub(crate) type Id = u32;

/// The compiled documents: every subschema reachable from the roots, `$ref`s resolved to ids.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) nodes: Vec<Schema>,
    pub(crate) engines: Vec<engine::Fallback>,
    /// Each node precompiled for the fast pass.
    pub(crate) layouts: Vec<scan::Layout>,
    /// Payload shapes whose verdict is known (see [`scan::Shapes`]).
    pub(crate) shapes: scan::Shapes,
}

impl Plan {
    pub(crate) fn node(&self, id: Id) -> &Schema {
        &self.nodes[id as usize]
    }

    /// The verdict on `payload` against `root`: the fast pass where it decides, else the full
    /// check.
    pub(crate) fn is_valid(
        &self,
        root: Id,
        payload: &[u8],
        settings: &check::Settings<'_>,
    ) -> bool {
        let verdict = scan::scan(self, root, payload, settings);
        #[cfg(debug_assertions)]
        self.assert_agrees(verdict, root, payload, settings);
        match verdict {
            scan::Verdict::Clean(_) | scan::Verdict::Valid => true,
            scan::Verdict::Invalid => false,
            scan::Verdict::Unsure => check::is_valid(self, root, payload, settings),
        }
    }

    /// The report on `payload` against `root`: empty at once when the fast pass finds the payload
    /// clean, else the full located check.
    pub(crate) fn validate(
        &self,
        root: Id,
        payload: &[u8],
        settings: &check::Settings<'_>,
    ) -> Report {
        let verdict = scan::scan(self, root, payload, settings);
        #[cfg(debug_assertions)]
        self.assert_agrees(verdict, root, payload, settings);
        match verdict {
            scan::Verdict::Clean(variant) => Report {
                variant,
                endpoint: None,
                violations: Vec::new(),
            },
            _ => check::check(self, root, payload, settings),
        }
    }

    /// Debug builds (every test suite among them) hold each verdict the fast pass decides
    /// against the full check, the authority. `validate` trusts a `Clean`, so a wrong one
    /// would otherwise pass unseen by any test that compares `is_valid` with `validate`.
    #[cfg(debug_assertions)]
    fn assert_agrees(
        &self,
        verdict: scan::Verdict,
        root: Id,
        payload: &[u8],
        settings: &check::Settings<'_>,
    ) {
        if verdict == scan::Verdict::Unsure {
            return;
        }
        let report = check::check(self, root, payload, settings);
        let agrees = match verdict {
            scan::Verdict::Clean(variant) => {
                report.violations.is_empty() && report.variant == variant
            }
            scan::Verdict::Valid => report.is_valid(),
            scan::Verdict::Invalid | scan::Verdict::Unsure => !report.is_valid(),
        };
        assert!(
            agrees,
            "the fast pass said {verdict:?} where the full check found {report:?} on {:?}",
            String::from_utf8_lossy(payload)
        );
    }
}

#[derive(Debug)]
pub(crate) enum Schema {
    /// `true` or `{}`: anything goes.
    Any,
    /// `false`: nothing is allowed. The location names the schema.
    Never(Box<str>),
    /// Shared with the fast pass's layouts, which reach a value's rules in one step.
    Rules(std::sync::Arc<Rules>),
    /// A subschema the plan does not cover, evaluated by the engine (index into `Plan::engines`).
    Engine(usize),
}

/// JSON types as a bit set; `INTEGER` is a number without a fractional part.
pub(crate) mod types {
    pub(crate) const NULL: u8 = 1;
    pub(crate) const BOOLEAN: u8 = 2;
    pub(crate) const INTEGER: u8 = 4;
    pub(crate) const NUMBER: u8 = 8;
    pub(crate) const STRING: u8 = 16;
    pub(crate) const ARRAY: u8 = 32;
    pub(crate) const OBJECT: u8 = 64;
}

/// The keywords of one schema object. Every field is optional; `location` is where the schema
/// sits, as `document#/pointer`, and keyword locations are that plus `/keyword`.
#[derive(Debug, Default)]
pub(crate) struct Rules {
    pub(crate) location: Box<str>,
    /// `type`, as a [`types`] bit set (`None`: any type).
    pub(crate) types: Option<u8>,
    pub(crate) enumeration: Option<Vec<serde_json::Value>>,
    pub(crate) constant: Option<serde_json::Value>,
    // Strings.
    pub(crate) min_length: Option<u64>,
    pub(crate) max_length: Option<u64>,
    pub(crate) pattern: Option<(Pattern, Box<str>)>,
    pub(crate) format: Option<Box<str>>,
    // Numbers, exact on the text as written.
    pub(crate) minimum: Option<Box<Bound>>,
    pub(crate) maximum: Option<Box<Bound>>,
    pub(crate) exclusive_minimum: Option<Box<Bound>>,
    pub(crate) exclusive_maximum: Option<Box<Bound>>,
    pub(crate) multiple_of: Option<Box<Bound>>,
    // Objects.
    pub(crate) properties: Vec<(Box<str>, Id)>,
    pub(crate) pattern_properties: Vec<(Pattern, Box<str>, Id)>,
    pub(crate) additional_properties: Option<Id>,
    pub(crate) property_names: Option<Id>,
    pub(crate) required: Vec<Box<str>>,
    pub(crate) min_properties: Option<u64>,
    pub(crate) max_properties: Option<u64>,
    pub(crate) dependent_required: Vec<(Box<str>, Vec<Box<str>>)>,
    pub(crate) dependent_schemas: Vec<(Box<str>, Id)>,
    // Arrays.
    pub(crate) prefix_items: Vec<Id>,
    pub(crate) items: Option<Id>,
    pub(crate) contains: Option<Id>,
    pub(crate) min_contains: Option<u64>,
    pub(crate) max_contains: Option<u64>,
    pub(crate) min_items: Option<u64>,
    pub(crate) max_items: Option<u64>,
    pub(crate) unique_items: bool,
    // Applicators on the same instance.
    pub(crate) reference: Option<Id>,
    pub(crate) all_of: Vec<Id>,
    pub(crate) any_of: Vec<Id>,
    pub(crate) one_of: Vec<Id>,
    pub(crate) not: Option<Id>,
    pub(crate) condition: Option<(Id, Option<Id>, Option<Id>)>,
    // OpenAPI, in the response direction.
    /// Members whose schema is `writeOnly`: a response must not carry them; they are left out
    /// of `required`.
    pub(crate) write_only: Vec<Box<str>>,
    /// `discriminator` beside `oneOf`/`anyOf`: the branch is the one the member's value names.
    pub(crate) discriminator: Option<Box<Discriminator>>,
}

/// An OpenAPI `discriminator`: the member whose string value names the branch, and the names
/// (explicit `mapping`, then the component names of the `$ref` branches) with their schemas.
#[derive(Debug)]
pub(crate) struct Discriminator {
    pub(crate) property: Box<str>,
    pub(crate) mapping: Vec<(Box<str>, Id)>,
}

impl Rules {
    /// Whether the schema applies to the members or items of an object or array.
    pub(crate) fn property_lookup(&self, name: &str) -> Option<Id> {
        self.properties
            .iter()
            .find(|(n, _)| crate::parse::same_name(n, name))
            .map(|&(_, id)| id)
    }

    /// The keyword location of `keyword` in this schema, as reports show it.
    pub(crate) fn at(&self, keyword: &str) -> String {
        let mut out = String::with_capacity(self.location.len() + keyword.len() + 1);
        out.push_str(&self.location);
        out.push('/');
        out.push_str(keyword);
        out
    }

    /// Whether members not named by `properties` are constrained or listed by a pattern: such a
    /// schema says on its own what other members may be, so none is "unlisted".
    pub(crate) fn is_open_ended(&self) -> bool {
        self.additional_properties.is_some() || !self.pattern_properties.is_empty()
    }
}
