//! Reports as data (feature `serde`): the wire format of `schemas/report.schema.json`.
//!
//! [`Variant`], [`Severity`], [`JsonType`], [`Limit`] and [`Location`] derive their forms. The
//! three others go through the borrowed or owned structs below, which derive theirs, because the
//! format is not the shape of the Rust types:
//! - a violation is one flat object: `severity`, `kind`, `pointer`, `keyword`, `line`, `column`,
//!   `offset`, `message`, then its kind's facts (`expected`, `found`, `name`, `first`, `limit`,
//!   `max`), each present only for the kinds that have it. A derive on [`ViolationKind`] would put
//!   the facts next to `kind`;
//! - a report carries `valid`, which [`Report::is_valid`] computes.
//!
//! Serialising borrows every string; deserialising checks that each kind has its facts and that
//! `valid` agrees with the violations. Fields a version-1 reader does not know are ignored, as
//! the schema asks of consumers.

use std::borrow::Cow;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{
    Endpoint, JsonType, Limit, Location, Operation, Report, Severity, Variant, Violation,
    ViolationKind,
};

/// `expected`: the allowed types of a type mismatch, or the one expected variant.
#[derive(Serialize)]
#[serde(untagged)]
enum ExpectedOut<'a> {
    Types(&'a [JsonType]),
    Variant([Variant; 1]),
}

/// `found`: the type of a type mismatch, or the variant found.
#[derive(Serialize)]
#[serde(untagged)]
enum FoundOut {
    Type(JsonType),
    Variant(Variant),
}

/// A kind's facts, borrowed.
#[derive(Default)]
struct Facts<'a> {
    expected: Option<ExpectedOut<'a>>,
    found: Option<FoundOut>,
    name: Option<&'a str>,
    first: Option<Location>,
    limit: Option<Limit>,
    max: Option<usize>,
}

impl<'a> Facts<'a> {
    fn of(kind: &'a ViolationKind) -> Self {
        match kind {
            ViolationKind::TypeMismatch { expected, found } => Facts {
                expected: Some(ExpectedOut::Types(expected)),
                found: Some(FoundOut::Type(*found)),
                ..Facts::default()
            },
            ViolationKind::UnexpectedVariant { expected, found } => Facts {
                expected: Some(ExpectedOut::Variant([*expected])),
                found: Some(FoundOut::Variant(*found)),
                ..Facts::default()
            },
            ViolationKind::MissingMember { name }
            | ViolationKind::UnknownMember { name }
            | ViolationKind::WriteOnlyMember { name } => Facts {
                name: Some(name),
                ..Facts::default()
            },
            ViolationKind::DuplicateMember { name, first } => Facts {
                name: Some(name),
                first: Some(*first),
                ..Facts::default()
            },
            ViolationKind::Keyword { keyword } => Facts {
                name: Some(keyword),
                ..Facts::default()
            },
            ViolationKind::LimitExceeded { limit, max } => Facts {
                limit: Some(*limit),
                max: Some(*max),
                ..Facts::default()
            },
            ViolationKind::Empty
            | ViolationKind::Syntax
            | ViolationKind::TrailingData
            | ViolationKind::InvalidUtf8
            | ViolationKind::ByteOrderMark
            | ViolationKind::LoneSurrogate
            | ViolationKind::NumberOutOfRange
            | ViolationKind::AmbiguousResponse
            | ViolationKind::NoVariant
            | ViolationKind::UnexpectedBody
            | ViolationKind::Unmatched
            | ViolationKind::Unrecorded
            | ViolationKind::UnreadableEntry => Facts::default(),
        }
    }
}

/// A violation as written: the field order is the format's.
#[derive(Serialize)]
#[serde(rename = "Violation")]
struct ViolationOut<'a> {
    severity: Severity,
    kind: &'static str,
    pointer: &'a str,
    keyword: Option<&'a str>,
    line: usize,
    column: usize,
    offset: usize,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected: Option<ExpectedOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    found: Option<FoundOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first: Option<Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<Limit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max: Option<usize>,
}

/// A kind alone: `kind` and its facts, the same fields as in a violation.
#[derive(Serialize)]
#[serde(rename = "ViolationKind")]
struct KindOut<'a> {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected: Option<ExpectedOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    found: Option<FoundOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first: Option<Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<Limit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename = "Report")]
struct ReportOut<'a> {
    valid: bool,
    variant: Option<Variant>,
    violations: &'a [Violation],
    #[serde(skip_serializing_if = "Option::is_none")]
    operation: Option<EndpointWire<'a>>,
}

/// `operation`: the documented response a routed payload was checked against.
#[derive(Serialize, Deserialize)]
#[serde(rename = "Operation", rename_all = "camelCase")]
struct EndpointWire<'a> {
    method: Cow<'a, str>,
    path: Cow<'a, str>,
    operation_id: Option<Cow<'a, str>>,
    status: u16,
    response: Cow<'a, str>,
    media_type: Option<Cow<'a, str>>,
}

impl<'a> EndpointWire<'a> {
    fn of(e: &'a Endpoint) -> Self {
        EndpointWire {
            method: Cow::Borrowed(&e.operation.method),
            path: Cow::Borrowed(&e.operation.path),
            operation_id: e.operation.operation_id.as_deref().map(Cow::Borrowed),
            status: e.status,
            response: Cow::Borrowed(&e.response),
            media_type: e.media_type.as_deref().map(Cow::Borrowed),
        }
    }

    fn into_endpoint(self) -> Endpoint {
        Endpoint {
            operation: std::sync::Arc::new(Operation {
                method: self.method.into_owned(),
                path: self.path.into_owned(),
                operation_id: self.operation_id.map(Cow::into_owned),
            }),
            status: self.status,
            response: self.response.into(),
            media_type: self.media_type.map(|m| m.into()),
        }
    }
}

/// `expected` and `found` items: a JSON type or a variant (the names are disjoint).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum TypeOrVariant {
    Null,
    Boolean,
    Number,
    Integer,
    String,
    Array,
    Object,
    Normal,
    Abnormal,
}

impl TypeOrVariant {
    fn json_type(self) -> Option<JsonType> {
        Some(match self {
            TypeOrVariant::Null => JsonType::Null,
            TypeOrVariant::Boolean => JsonType::Boolean,
            TypeOrVariant::Number => JsonType::Number,
            TypeOrVariant::Integer => JsonType::Integer,
            TypeOrVariant::String => JsonType::String,
            TypeOrVariant::Array => JsonType::Array,
            TypeOrVariant::Object => JsonType::Object,
            TypeOrVariant::Normal | TypeOrVariant::Abnormal => return None,
        })
    }

    fn variant(self) -> Option<Variant> {
        match self {
            TypeOrVariant::Normal => Some(Variant::Normal),
            TypeOrVariant::Abnormal => Some(Variant::Abnormal),
            _ => None,
        }
    }
}

/// A kind's facts, read (from a violation or a kind alone).
struct FactsIn {
    expected: Option<Vec<TypeOrVariant>>,
    found: Option<TypeOrVariant>,
    name: Option<String>,
    first: Option<Location>,
    limit: Option<Limit>,
    max: Option<usize>,
}

impl FactsIn {
    /// The kind its code and facts describe; a message naming what is missing or wrong.
    fn into_kind(self, code: &str) -> Result<ViolationKind, String> {
        let need = |fact: &str| format!("a `{code}` violation needs `{fact}`");
        let kind = match code {
            "empty" => ViolationKind::Empty,
            "syntax" => ViolationKind::Syntax,
            "trailing_data" => ViolationKind::TrailingData,
            "invalid_utf8" => ViolationKind::InvalidUtf8,
            "byte_order_mark" => ViolationKind::ByteOrderMark,
            "lone_surrogate" => ViolationKind::LoneSurrogate,
            "number_out_of_range" => ViolationKind::NumberOutOfRange,
            "ambiguous_response" => ViolationKind::AmbiguousResponse,
            "no_variant" => ViolationKind::NoVariant,
            "unexpected_body" => ViolationKind::UnexpectedBody,
            "unmatched" => ViolationKind::Unmatched,
            "unrecorded" => ViolationKind::Unrecorded,
            "unreadable_entry" => ViolationKind::UnreadableEntry,
            "write_only_member" => ViolationKind::WriteOnlyMember {
                name: self.name.ok_or_else(|| need("name"))?,
            },
            "type_mismatch" => {
                let expected = self
                    .expected
                    .ok_or_else(|| need("expected"))?
                    .into_iter()
                    .map(|t| {
                        t.json_type()
                            .ok_or_else(|| need("JSON types in `expected`"))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                let found = self
                    .found
                    .and_then(TypeOrVariant::json_type)
                    .ok_or_else(|| need("a JSON type in `found`"))?;
                ViolationKind::TypeMismatch { expected, found }
            }
            "unexpected_variant" => {
                let expected = match self.expected.as_deref() {
                    Some([one]) => one.variant(),
                    _ => None,
                }
                .ok_or_else(|| need("one variant in `expected`"))?;
                let found = self
                    .found
                    .and_then(TypeOrVariant::variant)
                    .ok_or_else(|| need("a variant in `found`"))?;
                ViolationKind::UnexpectedVariant { expected, found }
            }
            "missing_member" => ViolationKind::MissingMember {
                name: self.name.ok_or_else(|| need("name"))?,
            },
            "unknown_member" => ViolationKind::UnknownMember {
                name: self.name.ok_or_else(|| need("name"))?,
            },
            "duplicate_member" => ViolationKind::DuplicateMember {
                name: self.name.ok_or_else(|| need("name"))?,
                first: self.first.ok_or_else(|| need("first"))?,
            },
            "keyword" => ViolationKind::Keyword {
                keyword: self.name.ok_or_else(|| need("name"))?,
            },
            "limit_exceeded" => ViolationKind::LimitExceeded {
                limit: self.limit.ok_or_else(|| need("limit"))?,
                max: self.max.ok_or_else(|| need("max"))?,
            },
            _ => return Err(format!("unknown violation kind `{code}`")),
        };
        Ok(kind)
    }
}

/// A violation as read (the facts are fields of their own: no `#[serde(flatten)]`, which would
/// buffer every violation on the way in).
#[derive(Deserialize)]
#[serde(rename = "Violation")]
struct ViolationIn {
    severity: Severity,
    kind: String,
    pointer: String,
    keyword: Option<String>,
    line: usize,
    column: usize,
    offset: usize,
    message: String,
    expected: Option<Vec<TypeOrVariant>>,
    found: Option<TypeOrVariant>,
    name: Option<String>,
    first: Option<Location>,
    limit: Option<Limit>,
    max: Option<usize>,
}

#[derive(Deserialize)]
#[serde(rename = "ViolationKind")]
struct KindIn {
    kind: String,
    expected: Option<Vec<TypeOrVariant>>,
    found: Option<TypeOrVariant>,
    name: Option<String>,
    first: Option<Location>,
    limit: Option<Limit>,
    max: Option<usize>,
}

#[derive(Deserialize)]
#[serde(rename = "Report")]
struct ReportIn {
    valid: bool,
    variant: Option<Variant>,
    violations: Vec<Violation>,
    #[serde(default)]
    operation: Option<EndpointWire<'static>>,
}

impl Serialize for ViolationKind {
    /// `{"kind": "type_mismatch", "expected": ["string"], "found": "number"}`: the kind's code and
    /// facts, as in a violation.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let facts = Facts::of(self);
        KindOut {
            kind: self.code(),
            expected: facts.expected,
            found: facts.found,
            name: facts.name,
            first: facts.first,
            limit: facts.limit,
            max: facts.max,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ViolationKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = KindIn::deserialize(deserializer)?;
        FactsIn {
            expected: wire.expected,
            found: wire.found,
            name: wire.name,
            first: wire.first,
            limit: wire.limit,
            max: wire.max,
        }
        .into_kind(&wire.kind)
        .map_err(D::Error::custom)
    }
}

impl Serialize for Violation {
    /// One flat object, as in `schemas/report.schema.json`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let facts = Facts::of(&self.kind);
        ViolationOut {
            severity: self.severity,
            kind: self.kind.code(),
            pointer: &self.pointer,
            keyword: self.keyword.as_deref(),
            line: self.location.line,
            column: self.location.column,
            offset: self.location.offset,
            message: &self.message,
            expected: facts.expected,
            found: facts.found,
            name: facts.name,
            first: facts.first,
            limit: facts.limit,
            max: facts.max,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Violation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = ViolationIn::deserialize(deserializer)?;
        let facts = FactsIn {
            expected: wire.expected,
            found: wire.found,
            name: wire.name,
            first: wire.first,
            limit: wire.limit,
            max: wire.max,
        };
        Ok(Violation {
            severity: wire.severity,
            kind: facts.into_kind(&wire.kind).map_err(D::Error::custom)?,
            pointer: wire.pointer,
            keyword: wire.keyword.map(Cow::Owned),
            location: Location {
                line: wire.line,
                column: wire.column,
                offset: wire.offset,
            },
            message: wire.message,
        })
    }
}

impl Serialize for Report {
    /// `{"valid": …, "variant": …, "violations": […]}`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ReportOut {
            valid: self.is_valid(),
            variant: self.variant,
            violations: &self.violations,
            operation: self.endpoint.as_ref().map(EndpointWire::of),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Report {
    /// Refuses a `valid` that the violations contradict.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = ReportIn::deserialize(deserializer)?;
        let report = Report {
            variant: wire.variant,
            violations: wire.violations,
            endpoint: wire.operation.map(EndpointWire::into_endpoint),
        };
        if report.is_valid() != wire.valid {
            return Err(D::Error::custom(format!(
                "`valid` is {} but the violations {} an error",
                wire.valid,
                if wire.valid {
                    "include"
                } else {
                    "do not include"
                }
            )));
        }
        Ok(report)
    }
}
