//! `--format github`: GitHub Actions workflow commands, one annotation per finding:
//!
//! ```text
//! ::error file=examples/numeric-code.json,line=4,col=13,title=type_mismatch::/error/code: expected a string, found the number 400
//! ```
//!
//! Warnings are `::warning`; an input that could not be read is an `::error` on the file. The
//! summary line ends the output as plain log text.

use std::io::{self, Write};

use response_contract::Severity;

use super::{Failure, Payload, Printer};
use crate::cli::tally::Tally;

#[derive(Debug, Default)]
pub(crate) struct Github;

/// Escapes a command's message: `%`, `\r`, `\n` (GitHub's `escapeData`).
pub(crate) fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a command property's value: as [`escape_data`], and also `:` and `,` (GitHub's
/// `escapeProperty`).
pub(crate) fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

impl Printer for Github {
    fn payload(&self, buf: &mut Vec<u8>, payload: &Payload<'_>) -> io::Result<()> {
        let violations = payload.report.violations();
        if violations.is_empty() {
            return Ok(());
        }
        let file = escape_property(payload.source);
        let under = payload
            .heading()
            .map(|h| format!(" ({h})"))
            .unwrap_or_default();
        for v in violations {
            let command = match v.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                // A lesser level than a warning, should the library add one.
                _ => "notice",
            };
            writeln!(
                buf,
                "::{command} file={file},line={},col={},title={}::{}",
                payload.input_line(&v.location),
                v.location.column,
                escape_property(v.kind.code()),
                escape_data(&format!("{}{under}", v.message))
            )?;
        }
        Ok(())
    }

    fn failure(&mut self, out: &mut dyn Write, failure: &Failure<'_>) -> io::Result<()> {
        writeln!(
            out,
            "::error file={},title=unreadable input::{}",
            escape_property(failure.source),
            escape_data(failure.message)
        )
    }

    fn end(&mut self, out: &mut dyn Write, summary: &Tally) -> io::Result<()> {
        writeln!(out, "{}", summary.summary_line())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_escape_per_github_rules() {
        assert_eq!(escape_data("50%\r\nok: a,b"), "50%25%0D%0Aok: a,b");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
