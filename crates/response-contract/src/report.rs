//! The outcome of a check: a [`Report`] of [`Violation`]s, each located in the raw payload.

use std::borrow::Cow;
use std::fmt;

#[cfg(feature = "serde")]
mod wire;

/// Which response of the contract a payload was judged as.
///
/// Non-exhaustive: contracts other than the Order ID Response may have other responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "lowercase")
)]
#[non_exhaustive]
pub enum Variant {
    /// Table 1: `order_id` and `job_id`.
    Normal,
    /// Table 2: `error` (Table 3: `message` and `code`).
    Abnormal,
}

impl Variant {
    /// `"normal"` or `"abnormal"`, as in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Normal => "normal",
            Variant::Abnormal => "abnormal",
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How much a violation counts.
///
/// Non-exhaustive: a lesser level (a note, as SARIF has) may be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "lowercase")
)]
#[non_exhaustive]
pub enum Severity {
    /// The payload breaks the contract; [`Report::is_valid`] is false.
    Error,
    /// Worth a look, not a breach: a member the contract does not list (an error in strict mode).
    Warning,
}

impl Severity {
    /// `"error"` or `"warning"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A JSON type, as JSON Schema names them (a closed set: JSON has no other types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "lowercase")
)]
pub enum JsonType {
    /// `null`
    Null,
    /// `true` or `false`
    Boolean,
    /// Any number.
    Number,
    /// A number without a fractional part (only ever *expected*, from a schema's `"integer"`).
    Integer,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl JsonType {
    /// The JSON Schema name: `"string"`, `"object"`, …
    pub fn as_str(self) -> &'static str {
        match self {
            JsonType::Null => "null",
            JsonType::Boolean => "boolean",
            JsonType::Number => "number",
            JsonType::Integer => "integer",
            JsonType::String => "string",
            JsonType::Array => "array",
            JsonType::Object => "object",
        }
    }

    /// The name with its article, as messages use it: "a string", "an object", "null".
    pub fn with_article(self) -> &'static str {
        match self {
            JsonType::Null => "null",
            JsonType::Boolean => "a boolean",
            JsonType::Number => "a number",
            JsonType::Integer => "an integer",
            JsonType::String => "a string",
            JsonType::Array => "an array",
            JsonType::Object => "an object",
        }
    }
}

impl fmt::Display for JsonType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A configurable limit; see [`crate::Limits`].
///
/// Non-exhaustive: more limits (string length, members per object, …) may be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum Limit {
    /// Payload size in bytes.
    Size,
    /// Nesting depth of arrays and objects.
    Depth,
    /// Number of violations reported for one payload.
    Violations,
}

impl Limit {
    /// `"size"`, `"depth"` or `"violations"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Limit::Size => "size",
            Limit::Depth => "depth",
            Limit::Violations => "violations",
        }
    }
}

/// Where something sits in the raw payload.
///
/// `line` and `column` are 1-based; `column` counts Unicode characters from the start of the line
/// (a tab is one character), `offset` counts bytes from the start of the payload.
///
/// Non-exhaustive: an end (a span) may be added; build one with [`Location::of_offset`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// 0-based byte offset.
    pub offset: usize,
}

impl Location {
    /// Computes the line and column of `offset` in `payload`.
    ///
    /// Positions cost nothing until something is wrong: this runs only on the error path.
    #[cold]
    pub fn of_offset(payload: &[u8], offset: usize) -> Location {
        let offset = offset.min(payload.len());
        let before = &payload[..offset];
        let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
        let line = 1 + memchr::memchr_iter(b'\n', before).count();
        // Count characters, not bytes: continuation bytes (0b10xx_xxxx) do not start one. Invalid
        // UTF-8 counts one column per stray byte, which is what a lossy view shows.
        let column = 1 + before[line_start..]
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count();
        Location {
            line,
            column,
            offset,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// What is wrong, with the facts that matter for each kind.
///
/// [`ViolationKind::code`] gives the stable snake_case name used in machine output and as the rule
/// id in SARIF.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ViolationKind {
    /// The payload is empty (or only whitespace).
    Empty,
    /// The bytes are not JSON text: a syntax error at the location.
    Syntax,
    /// A complete JSON value is followed by more than whitespace.
    TrailingData,
    /// The payload is not valid UTF-8 (RFC 8259 §8.1 requires it).
    InvalidUtf8,
    /// The payload starts with a UTF-8 byte-order mark, which RFC 8259 forbids senders to add and
    /// many parsers (serde_json, `JSON.parse`) reject.
    ByteOrderMark,
    /// A `\uD800`–`\uDFFF` escape without its pair: no Unicode string can hold it.
    LoneSurrogate,
    /// A number that a 64-bit float cannot hold (only where a schema engine must read it).
    NumberOutOfRange,
    /// A value of the wrong JSON type.
    TypeMismatch {
        /// The type or types the contract allows here.
        expected: Vec<JsonType>,
        /// The type found.
        found: JsonType,
    },
    /// A required member is absent; the pointer names the member that should be there.
    MissingMember {
        /// The absent member's name.
        name: String,
    },
    /// A member the contract does not list: a warning, an error in strict mode.
    UnknownMember {
        /// The member's name.
        name: String,
    },
    /// A member name repeated in one object. Parsers disagree on which copy wins (serde_json keeps
    /// the last, others the first), so two consumers would read different values.
    DuplicateMember {
        /// The repeated name.
        name: String,
        /// Where the first occurrence's name starts.
        first: Location,
    },
    /// A response that carries both a result (`order_id`/`job_id`) and an `error`.
    AmbiguousResponse,
    /// An object with none of the contract's members: neither a normal nor an abnormal response.
    NoVariant,
    /// A well-formed response of the other variant than the one expected (by `Expect` or status).
    UnexpectedVariant {
        /// The variant expected.
        expected: Variant,
        /// The variant found.
        found: Variant,
    },
    /// A configured limit was exceeded; the check stopped there (or, for violations, stopped
    /// listing them).
    LimitExceeded {
        /// Which limit.
        limit: Limit,
        /// Its configured value.
        max: usize,
    },
    /// Any other schema keyword failed (`enum`, `pattern`, `minLength`, …) in a user schema.
    Keyword {
        /// The keyword, e.g. `"pattern"`.
        keyword: String,
    },
    /// A member an OpenAPI description marks `writeOnly`, in a response (which must not carry
    /// it).
    WriteOnlyMember {
        /// The member's name.
        name: String,
    },
    /// A body where the documented response has none (an OpenAPI response without `content`).
    UnexpectedBody,
    /// A recorded exchange that no documented operation or response covers: a warning, an
    /// error in strict mode.
    Unmatched,
    /// A recorded exchange whose body the recorder did not keep: a warning.
    Unrecorded,
    /// A recorded entry that cannot be read (malformed, oversized, without a status).
    UnreadableEntry,
}

impl ViolationKind {
    /// The stable snake_case name of the kind: `"type_mismatch"`, `"missing_member"`, …
    pub fn code(&self) -> &'static str {
        match self {
            ViolationKind::Empty => "empty",
            ViolationKind::Syntax => "syntax",
            ViolationKind::TrailingData => "trailing_data",
            ViolationKind::InvalidUtf8 => "invalid_utf8",
            ViolationKind::ByteOrderMark => "byte_order_mark",
            ViolationKind::LoneSurrogate => "lone_surrogate",
            ViolationKind::NumberOutOfRange => "number_out_of_range",
            ViolationKind::TypeMismatch { .. } => "type_mismatch",
            ViolationKind::MissingMember { .. } => "missing_member",
            ViolationKind::UnknownMember { .. } => "unknown_member",
            ViolationKind::DuplicateMember { .. } => "duplicate_member",
            ViolationKind::AmbiguousResponse => "ambiguous_response",
            ViolationKind::NoVariant => "no_variant",
            ViolationKind::UnexpectedVariant { .. } => "unexpected_variant",
            ViolationKind::LimitExceeded { .. } => "limit_exceeded",
            ViolationKind::Keyword { .. } => "keyword",
            ViolationKind::WriteOnlyMember { .. } => "write_only_member",
            ViolationKind::UnexpectedBody => "unexpected_body",
            ViolationKind::Unmatched => "unmatched",
            ViolationKind::Unrecorded => "unrecorded",
            ViolationKind::UnreadableEntry => "unreadable_entry",
        }
    }

    /// Every kind's code with a one-line description, for rule tables (SARIF) and docs.
    pub fn catalogue() -> &'static [(&'static str, &'static str)] {
        &[
            ("empty", "The payload is empty."),
            ("syntax", "The payload is not JSON text."),
            (
                "trailing_data",
                "A complete JSON value is followed by more data.",
            ),
            ("invalid_utf8", "The payload is not valid UTF-8."),
            (
                "byte_order_mark",
                "The payload starts with a byte-order mark.",
            ),
            (
                "lone_surrogate",
                "A string holds an unpaired UTF-16 surrogate escape.",
            ),
            (
                "number_out_of_range",
                "A number does not fit a 64-bit float.",
            ),
            ("type_mismatch", "A value has the wrong JSON type."),
            ("missing_member", "A required member is absent."),
            ("unknown_member", "A member the contract does not list."),
            (
                "duplicate_member",
                "A member name is repeated in one object.",
            ),
            (
                "ambiguous_response",
                "A response carries both a result and an error.",
            ),
            (
                "no_variant",
                "An object that is neither response of the contract.",
            ),
            (
                "unexpected_variant",
                "A response of the other variant than expected.",
            ),
            ("limit_exceeded", "A configured limit was exceeded."),
            ("keyword", "A schema keyword failed."),
            (
                "write_only_member",
                "A response carries a member its description marks write-only.",
            ),
            (
                "unexpected_body",
                "A body where the documented response has no content.",
            ),
            (
                "unmatched",
                "A recorded exchange no documented operation or response covers.",
            ),
            (
                "unrecorded",
                "A recorded exchange whose body was not recorded.",
            ),
            ("unreadable_entry", "A recorded entry that cannot be read."),
        ]
    }
}

/// One breach of the contract (or a warning), located in the raw payload.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Violation {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, with its facts.
    pub kind: ViolationKind,
    /// RFC 6901 JSON Pointer of the instance location (`""` is the whole payload).
    pub pointer: String,
    /// The schema keyword that decides this, as `document#/pointer`
    /// (e.g. `error.schema.json#/properties/code/type`); `None` for raw-payload hazards that no
    /// keyword covers (syntax, duplicates, …).
    pub keyword: Option<Cow<'static, str>>,
    /// Where it sits in the payload.
    pub location: Location,
    /// One line a person understands: `/error/code: expected a string, found the number 400`.
    pub message: String,
}

impl fmt::Display for Violation {
    /// The message, e.g. `/error/code: expected a string, found the number 400`; with `{:#}` the
    /// location and keyword follow: `… (at 2:38, error.schema.json#/properties/code/type)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if f.alternate() {
            write!(f, " (at {}", self.location)?;
            if let Some(keyword) = &self.keyword {
                write!(f, ", {keyword}")?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// An operation of an OpenAPI description: what a routed payload was judged under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Operation {
    /// The HTTP method, upper case (`POST`).
    pub method: String,
    /// The path template as documented (`/v1/{project_id}/jobs/{job_id}`).
    pub path: String,
    /// The `operationId`, when the description gives one.
    pub operation_id: Option<String>,
}

impl fmt::Display for Operation {
    /// `POST /v1/{project_id}/baremetalservers (createServers)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if let Some(id) = &self.operation_id {
            write!(f, " ({id})")?;
        }
        Ok(())
    }
}

/// The documented response a payload was checked against: its operation, the status the
/// payload came with, the response that status selected (`200`, `2XX` or `default`) and the
/// media type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    pub(crate) operation: std::sync::Arc<Operation>,
    pub(crate) status: u16,
    pub(crate) response: std::sync::Arc<str>,
    pub(crate) media_type: Option<std::sync::Arc<str>>,
}

impl Endpoint {
    /// The operation.
    pub fn operation(&self) -> &Operation {
        &self.operation
    }

    /// The HTTP status the payload came with.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The key of the documented response the status selected: `"200"`, `"2XX"` or
    /// `"default"`.
    pub fn response(&self) -> &str {
        &self.response
    }

    /// The documented media type the body was checked as (`None`: a response without content).
    pub fn media_type(&self) -> Option<&str> {
        self.media_type.as_deref()
    }
}

impl fmt::Display for Endpoint {
    /// `POST /v1/{project_id}/baremetalservers (createServers) → 200`, with the selecting
    /// response when it is not the status itself (`→ 404 (default)`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} → {}", self.operation, self.status)?;
        if *self.response != *self.status.to_string() {
            write!(f, " ({})", self.response)?;
        }
        Ok(())
    }
}

/// Everything a check found in one payload.
///
/// With the feature `serde`, a report serialises as `{"valid": …, "variant": …, "violations": […]}`,
/// the fields of a result in `schemas/report.schema.json` (which adds `source` and `line`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[must_use]
pub struct Report {
    pub(crate) variant: Option<Variant>,
    pub(crate) violations: Vec<Violation>,
    /// The documented response, for a payload routed through an OpenAPI description.
    pub(crate) endpoint: Option<Endpoint>,
}

impl Report {
    /// True when no violation is an error (warnings allowed; strict mode makes them errors).
    #[must_use]
    pub fn is_valid(&self) -> bool {
        !self
            .violations
            .iter()
            .any(|v| v.severity == Severity::Error)
    }

    /// Which response the payload was judged as; `None` when it is not JSON, not an object, or has
    /// none of the contract's members (and for checks against a user schema).
    pub fn variant(&self) -> Option<Variant> {
        self.variant
    }

    /// The documented response the payload was checked against, when it was routed through an
    /// OpenAPI description ([`crate::OpenApi`]).
    pub fn endpoint(&self) -> Option<&Endpoint> {
        self.endpoint.as_ref()
    }

    /// All violations, errors and warnings, in payload order.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// The violations that are errors.
    pub fn errors(&self) -> impl Iterator<Item = &Violation> {
        self.violations
            .iter()
            .filter(|v| v.severity == Severity::Error)
    }

    /// The violations that are warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Violation> {
        self.violations
            .iter()
            .filter(|v| v.severity == Severity::Warning)
    }

    /// Takes the violations out.
    pub fn into_violations(self) -> Vec<Violation> {
        self.violations
    }
}

impl fmt::Display for Report {
    /// `valid (normal)`, or one violation per line; `{:#}` adds locations and keywords.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.violations.is_empty() {
            return match self.variant {
                Some(variant) => write!(f, "valid ({variant})"),
                None => f.write_str("valid"),
            };
        }
        for (i, violation) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{}: ", violation.severity)?;
            if f.alternate() {
                write!(f, "{violation:#}")?;
            } else {
                write!(f, "{violation}")?;
            }
        }
        Ok(())
    }
}

impl Report {
    /// The report for a payload of `len` bytes over the size limit `max`, which was not read
    /// (for example an oversized JSON Lines line, see [`crate::lines::LineKind::Oversized`]).
    pub fn oversized(len: u64, max: usize) -> Report {
        Report {
            variant: None,
            endpoint: None,
            violations: vec![Violation {
                severity: Severity::Error,
                kind: ViolationKind::LimitExceeded {
                    limit: Limit::Size,
                    max,
                },
                pointer: String::new(),
                keyword: None,
                location: Location {
                    line: 1,
                    column: 1,
                    offset: 0,
                },
                message: format!(
                    "(root): the payload is {len} bytes, over the size limit of {max} bytes; not checked further"
                ),
            }],
        }
    }

    /// The report for a payload read from a stream (standard input, a FIFO, a device) that went
    /// on past the size limit `max`: reading stopped one byte past the limit, so its length is
    /// not known — a stream may never end.
    pub fn oversized_stream(max: usize) -> Report {
        let mut report = Report::oversized(0, max);
        report.violations[0].message =
            format!("(root): the payload is over the size limit of {max} bytes; not read further");
        report
    }
}
