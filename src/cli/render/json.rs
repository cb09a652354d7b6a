//! `--format json`: one JSON document per run, described by `schemas/report.schema.json`
//! (`response-contract schema report`). Results are streamed one per line, so the document of a
//! million payloads is written without being held:
//!
//! ```text
//! {"version":1,"results":[
//! {"source":"examples/normal.json","line":null,"valid":true,"variant":"normal","violations":[]},
//! {"source":"x.json","line":null,"valid":false,"variant":null,"violations":[],"error":"cannot read x.json: …"}
//! ],"summary":{"inputs":2,"checked":1,…}}
//! ```

use std::io::{self, Write};

use response_contract::{Location, Severity, Variant, Violation, ViolationKind};
use serde::Serialize;

use super::{Failure, Payload, Printer, Separated};
use crate::cli::tally::Tally;

/// The wire format's version: bumped only when a consumer could break.
const VERSION: u32 = 1;

#[derive(Debug, Default)]
pub(crate) struct Json {
    results: Separated,
}

/// One payload's verdict, or one input that could not be read (then `error` is set).
#[derive(Serialize)]
struct ResultOut<'a> {
    source: &'a str,
    line: Option<u64>,
    valid: bool,
    variant: Option<Variant>,
    violations: Vec<ViolationOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

/// One violation. `line`, `column` and `offset` are positions in the payload (for JSON Lines, in
/// the line: the result's `line` says which).
#[derive(Serialize)]
struct ViolationOut<'a> {
    severity: Severity,
    kind: &'static str,
    pointer: &'a str,
    keyword: Option<&'a str>,
    line: usize,
    column: usize,
    offset: usize,
    message: &'a str,
    /// Type mismatch: the allowed types; unexpected variant: the expected variant.
    #[serde(skip_serializing_if = "Option::is_none")]
    expected: Option<Vec<&'static str>>,
    /// Type mismatch: the type found; unexpected variant: the variant found.
    #[serde(skip_serializing_if = "Option::is_none")]
    found: Option<&'static str>,
    /// Missing, unknown or duplicate member: its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    /// Duplicate member: where the first occurrence's name starts.
    #[serde(skip_serializing_if = "Option::is_none")]
    first: Option<Location>,
    /// Limit exceeded: which one (`size`, `depth`, `violations`) and its value.
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max: Option<usize>,
}

impl<'a> ViolationOut<'a> {
    fn new(v: &'a Violation) -> Self {
        let mut out = ViolationOut {
            severity: v.severity,
            kind: v.kind.code(),
            pointer: &v.pointer,
            keyword: v.keyword.as_deref(),
            line: v.location.line,
            column: v.location.column,
            offset: v.location.offset,
            message: &v.message,
            expected: None,
            found: None,
            name: None,
            first: None,
            limit: None,
            max: None,
        };
        match &v.kind {
            ViolationKind::TypeMismatch { expected, found } => {
                out.expected = Some(expected.iter().map(|t| t.as_str()).collect());
                out.found = Some(found.as_str());
            }
            ViolationKind::UnexpectedVariant { expected, found } => {
                out.expected = Some(vec![expected.as_str()]);
                out.found = Some(found.as_str());
            }
            ViolationKind::MissingMember { name } | ViolationKind::UnknownMember { name } => {
                out.name = Some(name);
            }
            ViolationKind::DuplicateMember { name, first } => {
                out.name = Some(name);
                out.first = Some(*first);
            }
            ViolationKind::LimitExceeded { limit, max } => {
                out.limit = Some(limit.as_str());
                out.max = Some(*max);
            }
            _ => {}
        }
        out
    }
}

impl Printer for Json {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        write!(out, "{{\"version\":{VERSION},\"results\":[")
    }

    fn payload(&self, buf: &mut Vec<u8>, payload: &Payload<'_>) -> io::Result<()> {
        let report = payload.report;
        let result = ResultOut {
            source: payload.source,
            line: payload.line,
            valid: report.is_valid(),
            variant: report.variant(),
            violations: report.violations().iter().map(ViolationOut::new).collect(),
            error: None,
        };
        buf.extend_from_slice(b",\n");
        serde_json::to_writer(&mut *buf, &result)?;
        Ok(())
    }

    fn write_chunk(&mut self, out: &mut dyn Write, chunk: &[u8]) -> io::Result<()> {
        self.results.write(out, chunk)
    }

    fn failure(&mut self, out: &mut dyn Write, failure: &Failure<'_>) -> io::Result<()> {
        let result = ResultOut {
            source: failure.source,
            line: None,
            valid: false,
            variant: None,
            violations: Vec::new(),
            error: Some(failure.message),
        };
        let mut buf = b",\n".to_vec();
        serde_json::to_writer(&mut buf, &result)?;
        self.results.write(out, &buf)
    }

    fn end(&mut self, out: &mut dyn Write, summary: &Tally) -> io::Result<()> {
        out.write_all(b"\n],\"summary\":")?;
        serde_json::to_writer(&mut *out, summary)?;
        out.write_all(b"}\n")
    }
}
