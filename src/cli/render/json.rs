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

use response_contract::{Report, Variant};
use serde::Serialize;

use super::{CoverageView, Failure, Payload, Printer, Separated};
use crate::cli::tally::Tally;

/// The wire format's version: bumped only when a consumer could break.
const VERSION: u32 = 1;

#[derive(Debug, Default)]
pub(crate) struct Json {
    results: Separated,
    /// The coverage, written with the summary at the end.
    coverage: Option<Vec<u8>>,
}

/// One payload's verdict: its source, then the report's own fields (`valid`, `variant`,
/// `violations`), serialised by the library (feature `serde`).
#[derive(Serialize)]
struct ResultOut<'a> {
    source: &'a str,
    line: Option<u64>,
    #[serde(flatten)]
    report: &'a Report,
    /// For a recorded exchange: the entry, and its outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    entry: Option<EntryOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<&'a str>,
}

/// A recorded exchange as results name it: nothing secret (no query, no headers).
#[derive(Serialize)]
struct EntryOut<'a> {
    index: u64,
    line: usize,
    column: usize,
    method: Option<&'a str>,
    origin: Option<&'a str>,
    path: Option<&'a str>,
    status: Option<u16>,
}

/// `coverage`: the documented responses recorded traffic exercised.
#[derive(Serialize)]
struct CoverageOut<'a> {
    percent: f64,
    #[serde(rename = "minCoverage")]
    min_coverage: Option<f64>,
    documented: Vec<DocumentedOut<'a>>,
    undocumented: Vec<UndocumentedOut<'a>>,
    #[serde(rename = "otherUndocumented")]
    other_undocumented: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DocumentedOut<'a> {
    method: &'a str,
    path: &'a str,
    operation_id: Option<&'a str>,
    response: &'a str,
    count: u64,
}

#[derive(Serialize)]
struct UndocumentedOut<'a> {
    request: &'a str,
    count: u64,
}

/// An input that could not be read: no verdict, and `error` says why.
#[derive(Serialize)]
struct FailureOut<'a> {
    source: &'a str,
    line: Option<u64>,
    valid: bool,
    variant: Option<Variant>,
    violations: [(); 0],
    error: &'a str,
}

/// The result of a clean payload, the common case of a bulk run, written without serde: the same
/// bytes as [`ResultOut`] serialised (a test pins that), at a fraction of the cost.
fn clean_result(buf: &mut Vec<u8>, payload: &Payload<'_>) {
    buf.extend_from_slice(b",\n{\"source\":");
    let source = payload.source.as_bytes();
    if source
        .iter()
        .all(|&b| b >= 0x20 && b != b'"' && b != b'\\' && b != 0x7f)
    {
        buf.push(b'"');
        buf.extend_from_slice(source);
        buf.push(b'"');
    } else {
        // Escapes: serde_json's own rules. Serialising a `&str` into a `Vec` cannot fail.
        let _ = serde_json::to_writer(&mut *buf, payload.source);
    }
    buf.extend_from_slice(b",\"line\":");
    match payload.line {
        Some(line) => {
            let mut digits = [0u8; 20];
            let mut at = digits.len();
            let mut n = line;
            loop {
                at -= 1;
                digits[at] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            buf.extend_from_slice(&digits[at..]);
        }
        None => buf.extend_from_slice(b"null"),
    }
    match payload.report.variant() {
        Some(variant) => {
            // Variant names are plain lower-case words: nothing to escape.
            buf.extend_from_slice(b",\"valid\":true,\"variant\":\"");
            buf.extend_from_slice(variant.as_str().as_bytes());
            buf.extend_from_slice(b"\",\"violations\":[]}");
        }
        None => buf.extend_from_slice(b",\"valid\":true,\"variant\":null,\"violations\":[]}"),
    }
}

impl Printer for Json {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        write!(out, "{{\"version\":{VERSION},\"results\":[")
    }

    fn payload(&self, buf: &mut Vec<u8>, payload: &Payload<'_>) -> io::Result<()> {
        if payload.report.violations().is_empty()
            && payload.report.endpoint().is_none()
            && payload.exchange.is_none()
        {
            clean_result(buf, payload);
            return Ok(());
        }
        let result = ResultOut {
            source: payload.source,
            line: payload.line,
            report: payload.report,
            entry: payload.exchange.map(|(e, _)| EntryOut {
                index: e.index,
                line: e.at.line,
                column: e.at.column,
                method: e.method.as_deref(),
                origin: e.origin.as_deref(),
                path: e.path.as_deref(),
                status: e.status,
            }),
            outcome: payload.exchange.map(|(_, c)| c.outcome.as_str()),
            skipped: payload.exchange.and_then(|(_, c)| c.skipped.as_deref()),
        };
        buf.extend_from_slice(b",\n");
        serde_json::to_writer(&mut *buf, &result)?;
        Ok(())
    }

    fn write_chunk(&mut self, out: &mut dyn Write, chunk: &[u8]) -> io::Result<()> {
        self.results.write(out, chunk)
    }

    fn failure(&mut self, out: &mut dyn Write, failure: &Failure<'_>) -> io::Result<()> {
        let result = FailureOut {
            source: failure.source,
            line: None,
            valid: false,
            variant: None,
            violations: [],
            error: failure.message,
        };
        let mut buf = b",\n".to_vec();
        serde_json::to_writer(&mut buf, &result)?;
        self.results.write(out, &buf)
    }

    fn coverage(&mut self, _out: &mut dyn Write, coverage: &CoverageView) -> io::Result<()> {
        let view = CoverageOut {
            percent: (coverage.percent * 10.0).round() / 10.0,
            min_coverage: coverage.min,
            documented: coverage
                .rows
                .iter()
                .map(|r| DocumentedOut {
                    method: &r.operation.method,
                    path: &r.operation.path,
                    operation_id: r.operation.operation_id.as_deref(),
                    response: &r.response,
                    count: r.count,
                })
                .collect(),
            undocumented: coverage
                .undocumented
                .0
                .iter()
                .map(|(request, count)| UndocumentedOut {
                    request,
                    count: *count,
                })
                .collect(),
            other_undocumented: coverage.undocumented.1,
        };
        self.coverage = Some(serde_json::to_vec(&view)?);
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write, summary: &Tally) -> io::Result<()> {
        out.write_all(b"\n]")?;
        if let Some(coverage) = &self.coverage {
            out.write_all(b",\"coverage\":")?;
            out.write_all(coverage)?;
        }
        out.write_all(b",\"summary\":")?;
        serde_json::to_writer(&mut *out, summary)?;
        out.write_all(b"}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn via_serde(payload: &Payload<'_>) -> Vec<u8> {
        let result = ResultOut {
            source: payload.source,
            line: payload.line,
            report: payload.report,
            entry: None,
            outcome: None,
            skipped: None,
        };
        let mut buf = b",\n".to_vec();
        serde_json::to_writer(&mut buf, &result).expect("serialises");
        buf
    }

    #[test]
    fn the_clean_fast_path_writes_what_serde_writes() {
        let normal = response_contract::validate(br#"{"order_id": "a", "job_id": "b"}"#);
        let abnormal = response_contract::validate(br#"{"error": {"message": "", "code": "c"}}"#);
        let schema = response_contract::Schema::from_json(b"{}", "inline").expect("a schema");
        let none = schema.validate(b"1");
        assert!(normal.violations().is_empty() && abnormal.violations().is_empty());
        assert!(none.violations().is_empty() && none.variant().is_none());
        for report in [&normal, &abnormal, &none] {
            for source in [
                "examples/a.json",
                "<stdin>",
                "we\"ird\\na\u{7}me\u{7f}.json",
                "é.json",
            ] {
                for line in [
                    None,
                    Some(1),
                    Some(9),
                    Some(10),
                    Some(1_000_000),
                    Some(u64::MAX),
                ] {
                    let payload = Payload {
                        source,
                        line,
                        bytes: b"",
                        report,
                        exchange: None,
                    };
                    let mut fast = Vec::new();
                    clean_result(&mut fast, &payload);
                    assert_eq!(
                        String::from_utf8_lossy(&fast),
                        String::from_utf8_lossy(&via_serde(&payload))
                    );
                }
            }
        }
    }
}
