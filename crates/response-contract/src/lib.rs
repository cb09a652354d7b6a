//! Checks raw JSON API responses against their documented contract: the **Order ID Response** of
//! the Bare Metal Server API (Tables 1–3), with every violation located in the payload.
//!
//! ```
//! let report = response_contract::validate(br#"{"error": {"message": "", "code": 400}}"#);
//! assert!(!report.is_valid());
//! let violation = &report.violations()[0];
//! assert_eq!(violation.message, "/error/code: expected a string, found the number 400");
//! assert_eq!((violation.location.line, violation.location.column), (1, 35));
//! ```
//!
//! # The contract
//! A response is exactly one of:
//! - the **normal response** (Table 1): `order_id` and `job_id`, both strings;
//! - the **abnormal response** (Table 2): `error`, an object (Table 3) with `message` and `code`,
//!   both strings.
//!
//! Every listed member is required; the empty string is allowed; members the tables do not list
//! are allowed but reported as warnings (errors in [strict mode](Validator::strict)); a response
//! with both a result and an `error` is invalid. The contract is shipped as JSON Schema 2020-12
//! documents, see [`documents`].
//!
//! # What is checked in the raw bytes
//! Beyond the schema, the payload itself: empty input, invalid UTF-8, syntax errors, trailing data,
//! duplicate member names at any depth (parsers disagree on which copy wins), a UTF-8 byte-order
//! mark (an error: RFC 8259 forbids senders to add one and serde_json rejects it), lone surrogate
//! escapes such as `"\ud800"` (an error: no Unicode string can hold one), and the configured
//! [`Limits`] on size, depth and the number of violations reported.
//!
//! # Entry points
//! - [`validate`] and [`is_valid`]: the default check of one payload.
//! - [`Validator`]: a reusable, configured check ([`Expect`]ed variant, strict mode, limits,
//!   redaction), with [`Validator::parse`] for the typed [`Response`].
//! - [`Schema`]: the same located diagnostics against any JSON Schema 2020-12 document.
//! - [`OpenApi`]: an OpenAPI 3.0/3.1 description (or the Bare Metal Server API's own,
//!   [`OpenApi::bms`]); each response routed by operation, status and media type
//!   ([`OpenApi::route`]) and checked against its documented schema ([`OpenApi::check`]).
//! - [`lines`]: a bounded-memory reader of JSON Lines.
//! - [`traffic`]: recorded traffic — HAR files and JSON Lines exchange logs — read one exchange
//!   at a time in bounded memory, with bodies located in the file and no secrets kept.
//!
//! Violations are data in a [`Report`]; [`Error`] is only for the tool failing (a bad schema, an
//! unreadable input). The library never prints and never exits.
//!
//! # Features
//! - `serde`: [`Report`], [`Violation`], [`ViolationKind`], [`Location`], [`Severity`],
//!   [`Variant`], [`JsonType`] and [`Limit`] implement `Serialize` and `Deserialize` in the wire
//!   format of the command's `--format json` (`schemas/report.schema.json`): a report is
//!   `{"valid", "variant", "violations"}`, a violation one flat object whose kind's facts
//!   (`expected`, `found`, `name`, `first`, `limit`, `max`) follow its message.
//! - `proptest`: `strategies`, generators of valid payloads and near-misses for property tests,
//!   derived from any contract's or schema's compiled documents.
//! - `cli` (default): the `response-contract` command's dependencies; library users turn it off.

// Nothing here needs `unsafe`; the fast scanner's speed comes from memchr and plain slices.
#![forbid(unsafe_code)]

mod collect;
mod contract;
mod error;
mod import;
pub mod lines;
mod model;
pub mod openapi;
mod options;
mod parse;
mod plan;
mod pointer;
mod report;
mod schema;
#[cfg(feature = "proptest")]
pub mod strategies;
pub mod traffic;
mod validator;

// The README's examples are compiled and run as doctests, so they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;

pub use contract::{Contract, SchemaDocument, document, documents};
pub use error::Error;
pub use import::{
    DiagnosticKind, ExampleResponse, GeneratedDocument, Import, ImportError, ImportOptions,
    ImportedTable, PageDiagnostic, Policy, Required, import_page, import_source, import_tree,
};
pub use model::{ErrorBody, ErrorResponse, OrderIdResponse, Response};
pub use openapi::{OpenApi, Route, Unmatched};
pub use options::{Expect, Limits};
pub use report::{
    Endpoint, JsonType, Limit, Location, Operation, Report, Severity, Variant, Violation,
    ViolationKind,
};
pub use schema::Schema;
pub use validator::{Checked, Validator};

/// Checks one payload against the Order ID Response contract with the default options.
///
/// The same as `Validator::new().validate(payload)`.
pub fn validate(payload: &[u8]) -> Report {
    Validator::new().validate(payload)
}

/// The verdict alone, with the default options; always equal to `validate(payload).is_valid()`.
#[must_use]
pub fn is_valid(payload: &[u8]) -> bool {
    Validator::new().is_valid(payload)
}

// The types a server shares between threads (a validator in its state, reports sent to a logger)
// stay `Send + Sync`: a field that breaks that fails the build here, not in a user's code.
const _: fn() = || {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Validator>();
    assert_send_sync::<Schema>();
    assert_send_sync::<Report>();
    assert_send_sync::<Violation>();
    assert_send_sync::<Checked>();
    assert_send_sync::<Error>();
};
