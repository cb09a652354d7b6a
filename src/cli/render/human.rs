//! `--format human`: one line per finding, the source line with a caret under the offending value
//! (as rustc does), and a summary line. Valid payloads without warnings print nothing.
//!
//! ```text
//! examples/numeric-code.json:4:13: error: /error/code: expected a string, found the number 400
//!   |
//! 4 |     "code": 400
//!   |             ^^^
//!
//! 4 checked: 3 valid, 1 invalid, 0 warnings
//! ```

use std::io::{self, Write};

use response_contract::{Severity, Violation};

use super::{CoverageView, Failure, Payload, Printer, clean, displayable};
use crate::cli::tally::Tally;

/// Characters of the source line shown before and after the caret; the rest is cut with `…`.
const LEFT: usize = 40;
const RIGHT: usize = 60;

const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const BLUE: &str = "\x1b[1;34m";
const RESET: &str = "\x1b[0m";

#[derive(Debug, Clone, Copy)]
pub(crate) struct Human {
    color: bool,
    /// No source lines: they would show the values that redaction keeps out of the messages.
    redact: bool,
}

impl Human {
    pub(crate) fn new(color: bool, redact: bool) -> Self {
        Human { color, redact }
    }

    fn paint(&self, style: &'static str) -> (&'static str, &'static str) {
        if self.color { (style, RESET) } else { ("", "") }
    }

    fn finding(
        &self,
        buf: &mut Vec<u8>,
        payload: &Payload<'_>,
        violation: &Violation,
    ) -> io::Result<()> {
        let line = payload.input_line(&violation.location);
        let severity = violation.severity.as_str();
        let severity_style = match violation.severity {
            Severity::Error => RED,
            _ => YELLOW,
        };
        let (b, r) = self.paint(BOLD);
        let (s, sr) = self.paint(severity_style);
        writeln!(
            buf,
            "{b}{}:{line}:{}:{r} {s}{severity}{sr}{b}: {}{r}",
            clean(payload.source),
            violation.location.column,
            clean(&violation.message),
        )?;
        if self.redact || payload.bytes.is_empty() {
            return Ok(());
        }
        self.snippet(
            buf,
            payload.bytes,
            violation.location.offset,
            line,
            severity_style,
        )?;
        buf.write_all(b"\n")
    }

    /// The source line around `offset`, and a caret line under the token there.
    fn snippet(
        &self,
        buf: &mut Vec<u8>,
        bytes: &[u8],
        offset: usize,
        line: u64,
        caret_style: &'static str,
    ) -> io::Result<()> {
        let window = Window::around(bytes, offset);
        let number = line.to_string();
        let (g, gr) = self.paint(BLUE);
        let (c, cr) = self.paint(caret_style);
        // Written piece by piece: this runs for every finding of a bulk run.
        let pad = |buf: &mut Vec<u8>, byte: u8, n: usize| buf.resize(buf.len() + n, byte);
        buf.extend_from_slice(g.as_bytes());
        pad(buf, b' ', number.len());
        buf.extend_from_slice(b" |");
        buf.extend_from_slice(gr.as_bytes());
        buf.push(b'\n');
        buf.extend_from_slice(g.as_bytes());
        buf.extend_from_slice(number.as_bytes());
        buf.extend_from_slice(b" |");
        buf.extend_from_slice(gr.as_bytes());
        buf.push(b' ');
        buf.extend_from_slice(window.text.as_bytes());
        buf.push(b'\n');
        buf.extend_from_slice(g.as_bytes());
        pad(buf, b' ', number.len());
        buf.extend_from_slice(b" |");
        buf.extend_from_slice(gr.as_bytes());
        buf.push(b' ');
        pad(buf, b' ', window.caret);
        buf.extend_from_slice(c.as_bytes());
        pad(buf, b'^', window.width);
        buf.extend_from_slice(cr.as_bytes());
        buf.push(b'\n');
        Ok(())
    }
}

/// What is shown of a source line: the text, and where the caret goes (in characters).
#[derive(Debug, PartialEq, Eq)]
struct Window {
    text: String,
    caret: usize,
    width: usize,
}

impl Window {
    /// Looks at most a few hundred bytes either side of `offset`: a megabyte-long line costs the
    /// same as a short one.
    fn around(bytes: &[u8], offset: usize) -> Window {
        let offset = offset.min(bytes.len());
        let is_continuation = |b: u8| (b & 0xC0) == 0x80;

        let mut lo = offset.saturating_sub(LEFT * 4);
        while lo < offset && is_continuation(bytes[lo]) {
            lo += 1;
        }
        let (start, mut cut_left) = match memchr::memrchr(b'\n', &bytes[lo..offset]) {
            Some(i) => (lo + i + 1, false),
            None => (lo, lo > 0 && bytes[lo - 1] != b'\n'),
        };

        let mut hi = offset.saturating_add(RIGHT * 4).min(bytes.len());
        while hi > offset && hi < bytes.len() && is_continuation(bytes[hi]) {
            hi -= 1;
        }
        let (mut end, mut cut_right) = match memchr::memchr(b'\n', &bytes[offset..hi]) {
            Some(i) => (offset + i, false),
            None => (
                hi,
                hi < bytes.len() && bytes[hi] != b'\n' && bytes[hi] != b'\r',
            ),
        };
        if end > offset && bytes[end - 1] == b'\r' {
            end -= 1;
        }

        // The general path counts characters instead of collecting them: no vector per line.
        let left_src = String::from_utf8_lossy(&bytes[start..offset]);
        let left_count = left_src.chars().count();
        let skip = left_count.saturating_sub(LEFT);
        cut_left |= skip > 0;
        let right_src = String::from_utf8_lossy(&bytes[offset..end]);
        let right_count = right_src.chars().count();
        let take = right_count.min(RIGHT);
        cut_right |= right_count > RIGHT;
        let token = token_len(&bytes[offset..end]);
        let width = String::from_utf8_lossy(&bytes[offset..offset + token])
            .chars()
            .count()
            .min(take)
            .max(1);

        let mut text = String::with_capacity(left_src.len() + right_src.len() + 8);
        if cut_left {
            text.push('…');
        }
        let caret = usize::from(cut_left) + (left_count - skip);
        text.extend(left_src.chars().skip(skip).map(displayable));
        text.extend(right_src.chars().take(take).map(displayable));
        if cut_right {
            text.push('…');
        }
        Window { text, caret, width }
    }
}

/// The length in bytes of the JSON token starting `rest`: a whole string, number or literal;
/// one byte for punctuation.
fn token_len(rest: &[u8]) -> usize {
    match rest.first() {
        None => 0,
        Some(b'"') => {
            let mut i = 1;
            while i < rest.len() {
                match rest[i] {
                    b'\\' => i += 2,
                    b'"' => return i + 1,
                    _ => i += 1,
                }
            }
            rest.len()
        }
        Some(b) if b.is_ascii_alphanumeric() || *b == b'-' => rest
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.')))
            .unwrap_or(rest.len()),
        Some(_) => 1,
    }
}

impl Printer for Human {
    fn payload(&self, buf: &mut Vec<u8>, payload: &Payload<'_>) -> io::Result<()> {
        // The heading is formatted only when something is printed under it: most payloads of a
        // large run are valid.
        if !payload.report.violations().is_empty()
            && let Some(heading) = payload.heading()
        {
            let (b, r) = self.paint(BOLD);
            let at = match payload.line {
                Some(line) => format!("{}:{line}", clean(payload.source)),
                None => clean(payload.source).into_owned(),
            };
            writeln!(buf, "{b}{at}:{r} {}", clean(&heading))?;
        }
        for violation in payload.report.violations() {
            self.finding(buf, payload, violation)?;
        }
        // A recorded exchange shows no source window (its locations are in a recording that
        // may be a gigabyte on one line): a blank line sets it apart.
        if payload.exchange.is_some() && !payload.report.violations().is_empty() {
            buf.push(b'\n');
        }
        Ok(())
    }

    fn failure(&mut self, _out: &mut dyn Write, _failure: &Failure<'_>) -> io::Result<()> {
        // Standard error has it already; the summary counts it.
        Ok(())
    }

    fn coverage(&mut self, out: &mut dyn Write, coverage: &CoverageView) -> io::Result<()> {
        let (b, r) = self.paint(BOLD);
        writeln!(out, "{b}{}{r}", coverage.headline())?;
        for row in &coverage.rows {
            writeln!(
                out,
                "  {:>6}  {} → {}",
                row.count,
                clean(&row.operation.to_string()),
                row.response
            )?;
        }
        let (undocumented, others) = &coverage.undocumented;
        if !undocumented.is_empty() {
            writeln!(out, "{b}undocumented requests seen:{r}")?;
            for (request, count) in undocumented {
                writeln!(out, "  {count:>6}  {}", clean(request))?;
            }
            if *others > 0 {
                writeln!(out, "  {others:>6}  (others, not listed)")?;
            }
        }
        writeln!(out)
    }

    fn end(&mut self, out: &mut dyn Write, summary: &Tally) -> io::Result<()> {
        let (b, r) = self.paint(BOLD);
        writeln!(out, "{b}{}{r}", summary.summary_line())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(source: &str, offset: usize) -> (String, String) {
        let w = Window::around(source.as_bytes(), offset);
        let carets = format!("{}{}", " ".repeat(w.caret), "^".repeat(w.width));
        (w.text, carets)
    }

    #[test]
    fn the_caret_underlines_the_token() {
        let source = "{\n  \"code\": 400\n}";
        let offset = source.find("400").unwrap();
        assert_eq!(
            window(source, offset),
            ("  \"code\": 400".to_owned(), "          ^^^".to_owned())
        );
        let offset = source.find("\"code\"").unwrap();
        assert_eq!(window(source, offset).1, "  ^^^^^^");
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let source = format!(
            "{{\"a\": \"{}\", \"code\": 400, \"b\": \"{}\"}}",
            "x".repeat(5000),
            "y".repeat(5000)
        );
        let offset = source.find("400").unwrap();
        let (text, carets) = window(&source, offset);
        assert!(text.starts_with('…') && text.ends_with('…'), "{text}");
        assert_eq!(text.chars().count(), 1 + LEFT + RIGHT + 1);
        assert_eq!(
            &text[text
                .char_indices()
                .nth(carets.find('^').unwrap())
                .unwrap()
                .0..][..3],
            "400"
        );
    }

    #[test]
    fn control_characters_and_crlf_are_not_shown_raw() {
        let source = "{\"a\":\t\"\u{1b}[31m\u{202e}\", \"code\": 1}\r\n";
        let offset = source.find('1').unwrap();
        let (text, _) = window(source, offset);
        assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}') && !text.contains('\r'));
        assert!(text.contains("\"a\": \""));
    }

    #[test]
    fn the_end_of_the_payload_gets_a_caret_too() {
        let (text, carets) = window("{\"a\": ", 6);
        assert_eq!(text, "{\"a\": ");
        assert_eq!(carets, "      ^");
    }
}
