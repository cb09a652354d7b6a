//! Turns findings into [`Violation`]s: locations, messages, redaction and the per-payload cap.
//!
//! Both checks (the built-in contract and user schemas) report through a [`Collector`], so every
//! violation reads the same whichever check produced it.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::options::Limits;
use crate::parse::{Fatal, FatalKind, Hazard, Node, Value, string_stops};
use crate::pointer;
use crate::report::{
    JsonType, Limit, Location, Report, Severity, Variant, Violation, ViolationKind,
};

/// How long a quoted value may grow in a message before it is cut with `…`.
const MAX_QUOTED_CHARS: usize = 40;

pub(crate) struct Collector<'p> {
    payload: &'p [u8],
    max: usize,
    /// Kept violations; only `location.offset` is set until `finish` fills in lines and columns
    /// in one pass over the payload, however many there are.
    violations: Vec<Violation>,
    /// For kept duplicate members: (index in `violations`, offset of the first occurrence).
    firsts: Vec<(usize, usize)>,
    /// Violations found past the cap: counted, not built.
    dropped: usize,
    /// Whether any of those was an error: the cap limits what is listed, never the verdict.
    dropped_error: bool,
}

impl<'p> Collector<'p> {
    pub(crate) fn new(payload: &'p [u8], limits: &Limits) -> Self {
        Collector {
            payload,
            max: limits.violations(),
            violations: Vec::new(),
            firsts: Vec::new(),
            dropped: 0,
            dropped_error: false,
        }
    }

    /// Room for `n` more violations (up to the cap) at once, rather than growing step by step.
    pub(crate) fn reserve(&mut self, n: usize) {
        self.violations
            .reserve(n.min(self.max.saturating_sub(self.violations.len())));
    }

    /// Records a violation; `write` appends the message after the pointer, and runs only when
    /// the violation is kept. The message is built in one buffer: the report of a broken payload
    /// is on the hot path of a bulk run.
    pub(crate) fn push_with(
        &mut self,
        severity: Severity,
        kind: ViolationKind,
        pointer: String,
        keyword: Option<Cow<'static, str>>,
        offset: usize,
        write: impl FnOnce(&Self, &mut String),
    ) {
        if self.drops(severity) {
            return;
        }
        let mut message = String::with_capacity(96);
        message.push_str(pointer::display(&pointer));
        message.push_str(": ");
        write(self, &mut message);
        self.store(severity, kind, pointer, keyword, offset, message);
    }

    /// [`Collector::push_with`] for a message already built: the pointer is put before it in
    /// its own buffer, so no second buffer is allocated.
    pub(crate) fn push_message(
        &mut self,
        severity: Severity,
        kind: ViolationKind,
        pointer: String,
        keyword: Option<Cow<'static, str>>,
        offset: usize,
        mut message: String,
    ) {
        if self.drops(severity) {
            return;
        }
        let shown = pointer::display(&pointer);
        if message.capacity() - message.len() >= shown.len() + 2 {
            message.insert_str(0, ": ");
            message.insert_str(0, shown);
        } else {
            let mut whole = String::with_capacity(shown.len() + 2 + message.len());
            whole.push_str(shown);
            whole.push_str(": ");
            whole.push_str(&message);
            message = whole;
        }
        self.store(severity, kind, pointer, keyword, offset, message);
    }

    /// Whether a violation of `severity` is over the cap: then it is only counted.
    fn drops(&mut self, severity: Severity) -> bool {
        if self.violations.len() < self.max {
            return false;
        }
        self.dropped += 1;
        self.dropped_error |= severity == Severity::Error;
        true
    }

    /// Keeps a violation whose message (pointer first) is built.
    fn store(
        &mut self,
        severity: Severity,
        kind: ViolationKind,
        pointer: String,
        keyword: Option<Cow<'static, str>>,
        offset: usize,
        mut message: String,
    ) {
        one_line(&mut message);
        self.violations.push(Violation {
            severity,
            kind,
            pointer,
            keyword,
            location: Location {
                offset,
                ..Location::default()
            },
            message,
        });
    }

    /// [`Collector::push_with`] for messages built as a whole (the rarer kinds).
    pub(crate) fn push(
        &mut self,
        severity: Severity,
        kind: ViolationKind,
        pointer: String,
        keyword: Option<Cow<'static, str>>,
        offset: usize,
        detail: impl FnOnce(&Self) -> String,
    ) {
        self.push_with(severity, kind, pointer, keyword, offset, |c, m| {
            m.push_str(&detail(c));
        });
    }

    pub(crate) fn error(
        &mut self,
        kind: ViolationKind,
        pointer: String,
        keyword: Option<Cow<'static, str>>,
        offset: usize,
        detail: impl FnOnce(&Self) -> String,
    ) {
        self.push(Severity::Error, kind, pointer, keyword, offset, detail);
    }

    pub(crate) fn size_exceeded(&mut self, max: usize) {
        let len = self.payload.len();
        self.error(
            ViolationKind::LimitExceeded {
                limit: Limit::Size,
                max,
            },
            String::new(),
            None,
            0,
            |_| format!("the payload is {len} bytes, over the size limit of {max} bytes; not checked further"),
        );
    }

    pub(crate) fn hazards(&mut self, hazards: Vec<Hazard>) {
        for hazard in hazards {
            match hazard {
                Hazard::ByteOrderMark => self.error(
                    ViolationKind::ByteOrderMark,
                    String::new(),
                    None,
                    0,
                    |_| "the payload starts with a UTF-8 byte-order mark, which JSON text must not have (RFC 8259 §8.1)".to_owned(),
                ),
                Hazard::InvalidUtf8 { offset } => {
                    let byte = self.payload.get(offset).copied().unwrap_or(0);
                    self.error(
                        ViolationKind::InvalidUtf8,
                        String::new(),
                        None,
                        offset,
                        |_| format!("invalid UTF-8: the byte 0x{byte:02X} at offset {offset} does not continue a UTF-8 sequence"),
                    );
                }
                Hazard::LoneSurrogate { offset, pointer } => self.error(
                    ViolationKind::LoneSurrogate,
                    pointer,
                    None,
                    offset,
                    |_| "a \\u escape names an unpaired UTF-16 surrogate, which no Unicode string can hold".to_owned(),
                ),
                Hazard::Duplicate {
                    name,
                    first,
                    repeat,
                    pointer,
                } => {
                    let kept = self.violations.len() < self.max;
                    // The first occurrence's line and column, and the message that quotes them,
                    // are completed by `finish` once all locations are known.
                    self.error(
                        ViolationKind::DuplicateMember {
                            name,
                            first: Location::default(),
                        },
                        pointer,
                        None,
                        repeat,
                        |_| String::new(),
                    );
                    if kept {
                        self.firsts.push((self.violations.len() - 1, first));
                    }
                }
            }
        }
    }

    pub(crate) fn fatal(&mut self, fatal: Fatal, max_depth: usize) {
        let Fatal {
            kind,
            offset,
            pointer,
        } = fatal;
        match kind {
            FatalKind::Empty => self.error(ViolationKind::Empty, pointer, None, offset, |_| {
                "the payload is empty: expected a JSON object".to_owned()
            }),
            FatalKind::Syntax(message) => {
                self.error(ViolationKind::Syntax, pointer, None, offset, |_| {
                    format!("not JSON: {message}")
                })
            }
            FatalKind::TrailingData => {
                self.error(ViolationKind::TrailingData, pointer, None, offset, |_| {
                    "not JSON: trailing data after the JSON value".to_owned()
                })
            }
            FatalKind::Depth => self.error(
                ViolationKind::LimitExceeded {
                    limit: Limit::Depth,
                    max: max_depth,
                },
                pointer,
                None,
                offset,
                |_| {
                    format!(
                        "nesting deeper than the depth limit of {max_depth}; not checked further"
                    )
                },
            ),
        }
    }

    pub(crate) fn finish(mut self, variant: Option<Variant>) -> Report {
        for (index, first) in std::mem::take(&mut self.firsts) {
            let at = Location::of_offset(self.payload, first);
            let violation = &mut self.violations[index];
            if let ViolationKind::DuplicateMember { first, .. } = &mut violation.kind {
                *first = at;
            }
            violation.message = format!(
                "{}: the member name is repeated (first at line {}, column {}); parsers disagree on which copy wins",
                pointer::display(&violation.pointer),
                at.line,
                at.column
            );
            one_line(&mut violation.message);
        }
        // Payload order reads best; the sort is stable, so equal offsets keep discovery order.
        self.violations.sort_by_key(|v| v.location.offset);
        let mut locator = Locator::new(self.payload);
        let mut violations = self.violations;
        for v in &mut violations {
            v.location = locator.locate(v.location.offset);
        }
        if self.dropped > 0 {
            let max = self.max;
            let dropped = self.dropped;
            // An error only if an error was left out: listing fewer must not change the verdict.
            let severity = if self.dropped_error {
                Severity::Error
            } else {
                Severity::Warning
            };
            violations.push(Violation {
                severity,
                kind: ViolationKind::LimitExceeded {
                    limit: Limit::Violations,
                    max,
                },
                pointer: String::new(),
                keyword: None,
                location: Location::of_offset(self.payload, 0),
                message: format!(
                    "(root): {dropped} more violation{} not listed (the limit is {max} per payload)",
                    if dropped == 1 { "" } else { "s" }
                ),
            });
        }
        Report {
            variant,
            violations,
            endpoint: None,
        }
    }
}

/// Lines and columns for ascending offsets in one forward pass (a payload of one 16 MiB line
/// with a hundred violations is scanned once, not a hundred times).
struct Locator<'p> {
    payload: &'p [u8],
    pos: usize,
    line: usize,
    column: usize,
}

impl<'p> Locator<'p> {
    fn new(payload: &'p [u8]) -> Self {
        Locator {
            payload,
            pos: 0,
            line: 1,
            column: 1,
        }
    }

    fn locate(&mut self, offset: usize) -> Location {
        let offset = offset.min(self.payload.len());
        if offset < self.pos {
            return Location::of_offset(self.payload, offset);
        }
        let span = &self.payload[self.pos..offset];
        let chars = chars_in;
        match memchr::memrchr(b'\n', span) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', span).count();
                self.column = 1 + chars(&span[last + 1..]);
            }
            None => self.column += chars(span),
        }
        self.pos = offset;
        Location {
            line: self.line,
            column: self.column,
            offset,
        }
    }
}

/// The characters in UTF-8 `bytes` (those that are not continuation bytes), eight bytes at a
/// time: the locator counts them over the whole payload up to the last violation.
fn chars_in(bytes: &[u8]) -> usize {
    // Most payloads are ASCII throughout: then characters are bytes.
    if bytes.is_ascii() {
        return bytes.len();
    }
    const LO: u64 = 0x0101_0101_0101_0101;
    let mut chunks = bytes.chunks_exact(8);
    let mut continuations = 0usize;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        // ASCII words (most of a payload) have none, and counting bits costs more than this.
        if word & (LO << 7) == 0 {
            continue;
        }
        // A continuation byte is 0b10xx_xxxx: bit 7 set and bit 6 clear.
        let marks = (word >> 7) & !(word >> 6) & LO;
        continuations += marks.count_ones() as usize;
    }
    let rest = chunks.remainder();
    continuations += rest.iter().filter(|&&b| (b & 0xC0) == 0x80).count();
    bytes.len() - continuations
}

/// "the number 400", `the string "abc"`; with redaction only the type and length.
pub(crate) fn found_into(payload: &[u8], redact: bool, node: &Node<'_>, out: &mut String) {
    let text = &payload[node.start..node.end];
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let _ = match &node.value {
        Value::Null => write!(out, "null"),
        Value::Bool(_) if redact => write!(out, "a boolean"),
        Value::Bool(b) => write!(out, "the boolean {b}"),
        Value::Number if redact => write!(out, "a number of {} characters", text.len()),
        Value::Number => {
            out.push_str("the number ");
            // Number text is ASCII (the grammar's digits, sign, point and exponent); a long one
            // is cut like a long string.
            out.extend(text.iter().take(MAX_QUOTED_CHARS).map(|&b| char::from(b)));
            if text.len() > MAX_QUOTED_CHARS {
                out.push('…');
            }
            Ok(())
        }
        Value::String(s) if redact => {
            write!(out, "a string of {} characters", s.chars().count())
        }
        Value::String(s) => {
            out.push_str("the string ");
            quote_into(out, s);
            Ok(())
        }
        Value::Array(items) => {
            write!(
                out,
                "an array of {} item{}",
                items.len(),
                plural(items.len())
            )
        }
        Value::Object(members) => write!(
            out,
            "an object with {} member{}",
            members.len(),
            plural(members.len())
        ),
    };
}

/// The JSON type of a parsed node.
pub(crate) fn type_of(node: &Node) -> JsonType {
    match node.value {
        Value::Null => JsonType::Null,
        Value::Bool(_) => JsonType::Boolean,
        Value::Number => JsonType::Number,
        Value::String(_) => JsonType::String,
        Value::Array(_) => JsonType::Array,
        Value::Object(_) => JsonType::Object,
    }
}

/// Whether a character would break a message's single line (in a terminal, a CI log or an
/// annotation): controls, and the Unicode line and paragraph separators.
fn breaks_line(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

/// Keeps a message on one line whatever the payload put in it (member names in pointers, quoted
/// characters, schema names): line-breaking characters are written as `\u{…}` escapes, so a
/// hostile payload cannot forge extra log lines or terminal escapes.
pub(crate) fn one_line(message: &mut String) {
    // Printable ASCII (almost every message) breaks nothing: checked a byte at a time, without
    // decoding characters.
    if printable_ascii(message.as_bytes()) || !message.chars().any(breaks_line) {
        return;
    }
    let mut out = String::with_capacity(message.len() + 8);
    for c in message.chars() {
        if breaks_line(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    *message = out;
}

/// Whether `bytes` are all printable ASCII (0x20 to 0x7E), read eight at a time.
fn printable_ascii(bytes: &[u8]) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        // Below 0x20 (a borrow into the clear high bit), 0x7F (zero after the xor) or non-ASCII.
        let below = word.wrapping_sub(0x20 * LO) & !word;
        let del = (word ^ (0x7F * LO)).wrapping_sub(LO) & !(word ^ (0x7F * LO));
        if (below | del | word) & HI != 0 {
            return false;
        }
    }
    chunks.remainder().iter().all(|b| (0x20..0x7F).contains(b))
}

/// "expected a string" / "expected a string or null".
pub(crate) fn expected_into(out: &mut String, expected: &[JsonType]) {
    out.push_str("expected ");
    match expected {
        [] => out.push_str("nothing"),
        [init @ .., last] => {
            for (i, t) in init.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(t.with_article());
            }
            if !init.is_empty() {
                out.push_str(" or ");
            }
            out.push_str(last.with_article());
        }
    }
}

/// A string as JSON would write it, cut to a readable length: one line, whatever it holds.
pub(crate) fn quote_into(out: &mut String, s: &str) {
    // Short printable ASCII with nothing to escape (most quoted values) is copied whole.
    if s.len() <= MAX_QUOTED_CHARS && quotes_as_is(s.as_bytes()) {
        out.reserve(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
        return;
    }
    let (cut, more) = match s.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((cut, _)) => (&s[..cut], true),
        None => (s, false),
    };
    out.push('"');
    for c in cut.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if breaks_line(c) => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    if more {
        out.push('…');
    }
    out.push('"');
}

/// Whether `bytes` are printable ASCII without `"` or `\\`, read eight at a time (the parser's
/// word test, plus DEL).
fn quotes_as_is(bytes: &[u8]) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let del = word ^ (0x7F * LO);
        if string_stops(word) | (del.wrapping_sub(LO) & !del & (LO << 7)) != 0 {
            return false;
        }
    }
    chunks
        .remainder()
        .iter()
        .all(|&b| (0x20..0x7F).contains(&b) && b != b'"' && b != b'\\')
}

/// A payload the check passed but serde_json would not decode: a disagreement that the property
/// tests exist to prevent, reported as a violation rather than a panic.
#[cold]
pub(crate) fn decode_failure(
    payload: &[u8],
    error: &serde_json::Error,
    variant: Option<Variant>,
) -> Report {
    let offset = offset_of(payload, error.line(), error.column());
    Report {
        variant,
        endpoint: None,
        violations: vec![Violation {
            severity: Severity::Error,
            kind: ViolationKind::Syntax,
            pointer: String::new(),
            keyword: None,
            location: Location::of_offset(payload, offset),
            message: format!("(root): cannot decode the typed value: {error}"),
        }],
    }
}

/// The byte offset of serde_json's 1-based line and byte column.
fn offset_of(payload: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match memchr::memchr(b'\n', &payload[start..]) {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    (start + column.saturating_sub(1)).min(payload.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_test_for_quoting_as_is_agrees_with_the_byte_test() {
        let plain = |bytes: &[u8]| {
            bytes
                .iter()
                .all(|&b| (0x20..0x7F).contains(&b) && b != b'"' && b != b'\\')
        };
        // Every byte value at every position of strings of up to two words and a bit.
        for len in 1..=17 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    assert_eq!(quotes_as_is(&bytes), plain(&bytes), "{bytes:?}");
                }
            }
        }
        assert!(quotes_as_is(b""));
    }

    #[test]
    fn columns_count_characters_in_ascii_and_in_wider_text() {
        assert_eq!(chars_in(b"0123456789abcdef0"), 17);
        assert_eq!(chars_in("0123456é89abcdefé".as_bytes()), 17);
    }
}
