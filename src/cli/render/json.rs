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

use super::{Failure, Payload, Printer, Separated};
use crate::cli::tally::Tally;

/// The wire format's version: bumped only when a consumer could break.
const VERSION: u32 = 1;

#[derive(Debug, Default)]
pub(crate) struct Json {
    results: Separated,
}

/// One payload's verdict: its source, then the report's own fields (`valid`, `variant`,
/// `violations`), serialised by the library (feature `serde`).
#[derive(Serialize)]
struct ResultOut<'a> {
    source: &'a str,
    line: Option<u64>,
    #[serde(flatten)]
    report: &'a Report,
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
        if payload.report.violations().is_empty() && payload.report.endpoint().is_none() {
            clean_result(buf, payload);
            return Ok(());
        }
        let result = ResultOut {
            source: payload.source,
            line: payload.line,
            report: payload.report,
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

    fn end(&mut self, out: &mut dyn Write, summary: &Tally) -> io::Result<()> {
        out.write_all(b"\n],\"summary\":")?;
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
