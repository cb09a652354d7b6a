//! `--format junit`: JUnit XML, written with quick-xml. A `<testsuite>` per input, a
//! `<testcase>` per payload; an invalid payload's test case holds one `<failure>` listing its
//! violations; warnings of a valid payload go to `<system-out>`; an input that could not be read is a
//! test case with an `<error>`.
//!
//! The opening tags carry counts (`tests`, `failures`, `errors`) that are known only at the end,
//! so test cases are held until then: in memory, or past a few megabytes in an unnamed temporary
//! file, so that memory stays bounded for inputs of any size.

use std::fs::File;
use std::io::{self, Seek, Write};

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesStart, BytesText, Event};
use response_contract::Severity;

use super::{Failure, Payload, Printer};
use crate::cli::tally::Tally;

/// Bytes held in memory before spilling to a temporary file.
const SPILL_AT: usize = 8 << 20;

#[derive(Debug, Default)]
pub(crate) struct Junit {
    /// The current input's test cases.
    suite: Spill,
    /// The finished test suites.
    body: Spill,
}

/// Bytes appended now and read back once, in memory up to [`SPILL_AT`].
#[derive(Debug, Default)]
struct Spill {
    memory: Vec<u8>,
    file: Option<File>,
}

impl Spill {
    fn is_empty(&self) -> bool {
        self.memory.is_empty() && self.file.is_none()
    }

    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.memory.len() + bytes.len() > SPILL_AT {
            let file = match &mut self.file {
                Some(file) => file,
                None => self.file.insert(tempfile::tempfile()?),
            };
            file.write_all(&self.memory)?;
            file.write_all(bytes)?;
            self.memory.clear();
            return Ok(());
        }
        self.memory.extend_from_slice(bytes);
        Ok(())
    }

    /// Writes everything held to `out` and empties the spill.
    fn drain_into(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if let Some(mut file) = self.file.take() {
            file.rewind()?;
            io::copy(&mut file, out)?;
        }
        out.write_all(&self.memory)?;
        self.memory.clear();
        Ok(())
    }
}

impl Write for Spill {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.append(bytes)?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// XML 1.0 cannot carry most control characters, even escaped.
fn xml_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}');
    if text.chars().any(bad) {
        text.chars()
            .map(|c| if bad(c) { '\u{FFFD}' } else { c })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

impl Printer for Junit {
    fn payload(&self, buf: &mut Vec<u8>, payload: &Payload<'_>) -> io::Result<()> {
        let source = xml_safe(payload.source);
        let report = payload.report;
        let (mut name, line) = match payload.line {
            Some(n) => (format!("{source}:{n}"), n.to_string()),
            None => (source.to_string(), String::new()),
        };
        if let Some(heading) = payload.heading() {
            name = format!("{name} ({})", xml_safe(&heading));
        }
        buf.extend_from_slice(b"    ");
        let mut writer = Writer::new(&mut *buf);
        let mut testcase = writer.create_element("testcase").with_attributes([
            ("name", name.as_str()),
            ("classname", &source),
            ("file", &source),
        ]);
        if payload.line.is_some() {
            testcase = testcase.with_attribute(("line", line.as_str()));
        }
        let listing = |severity: Option<Severity>| {
            let mut text = String::new();
            for v in report.violations() {
                if severity.is_none_or(|s| s == v.severity) {
                    text.push_str(&format!(
                        "{}:{}:{}: {}: {}\n",
                        source,
                        payload.input_line(&v.location),
                        v.location.column,
                        v.severity,
                        xml_safe(&v.message)
                    ));
                }
            }
            text
        };
        if let Some(first) = report.errors().next() {
            let count = report.errors().count();
            let message = if count == 1 {
                xml_safe(&first.message).into_owned()
            } else {
                format!("{} (and {} more)", xml_safe(&first.message), count - 1)
            };
            let text = listing(None);
            testcase.write_inner_content(|w| {
                w.get_mut().write_all(b"\n      ")?;
                w.create_element("failure")
                    .with_attributes([("message", message.as_str()), ("type", first.kind.code())])
                    .write_text_content(BytesText::new(&text))?;
                w.get_mut().write_all(b"\n    ")
            })?;
        } else if report.warnings().next().is_some() {
            let text = listing(Some(Severity::Warning));
            testcase.write_inner_content(|w| {
                w.get_mut().write_all(b"\n      ")?;
                w.create_element("system-out")
                    .write_text_content(BytesText::new(&text))?;
                w.get_mut().write_all(b"\n    ")
            })?;
        } else {
            testcase.write_empty()?;
        }
        buf.push(b'\n');
        Ok(())
    }

    fn write_chunk(&mut self, _out: &mut dyn Write, chunk: &[u8]) -> io::Result<()> {
        self.suite.append(chunk)
    }

    fn failure(&mut self, _out: &mut dyn Write, failure: &Failure<'_>) -> io::Result<()> {
        let source = xml_safe(failure.source);
        let message = xml_safe(failure.message);
        let mut buf = b"    ".to_vec();
        Writer::new(&mut buf)
            .create_element("testcase")
            .with_attributes([
                ("name", &*source),
                ("classname", &source),
                ("file", &source),
            ])
            .write_inner_content(|w| {
                w.get_mut().write_all(b"\n      ")?;
                w.create_element("error")
                    .with_attributes([("message", &*message), ("type", "unreadable_input")])
                    .write_empty()?;
                w.get_mut().write_all(b"\n    ")
            })?;
        buf.push(b'\n');
        self.suite.append(&buf)
    }

    fn end_input(&mut self, _out: &mut dyn Write, source: &str, tally: &Tally) -> io::Result<()> {
        let source = xml_safe(source);
        let tests = (tally.checked + tally.unreadable).to_string();
        let failures = tally.invalid.to_string();
        let errors = tally.unreadable.to_string();
        let start = BytesStart::new("testsuite").with_attributes([
            ("name", &*source),
            ("tests", &tests),
            ("failures", &failures),
            ("errors", &errors),
            ("skipped", "0"),
        ]);
        let empty = self.suite.is_empty();
        let mut head = b"  ".to_vec();
        let mut writer = Writer::new(&mut head);
        if empty {
            writer.write_event(Event::Empty(start))?;
        } else {
            writer.write_event(Event::Start(start))?;
        }
        head.push(b'\n');
        self.body.write_all(&head)?;
        if !empty {
            self.suite.drain_into(&mut self.body)?;
            self.body.write_all(b"  </testsuite>\n")?;
        }
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write, summary: &Tally) -> io::Result<()> {
        let mut writer = Writer::new(&mut *out);
        writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        writer.get_mut().write_all(b"\n")?;
        writer.write_event(Event::Start(BytesStart::new("testsuites").with_attributes(
            [
                ("name", "response-contract"),
                (
                    "tests",
                    (summary.checked + summary.unreadable).to_string().as_str(),
                ),
                ("failures", summary.invalid.to_string().as_str()),
                ("errors", summary.unreadable.to_string().as_str()),
            ],
        )))?;
        out.write_all(b"\n")?;
        self.body.drain_into(out)?;
        out.write_all(b"</testsuites>\n")
    }
}
