//! A strict RFC 8259 parser that keeps where everything is: the full check's located tree.
//!
//! serde_json's `Value` forgets positions and silently keeps the last of duplicated members, so
//! the full check parses the raw bytes itself. Everything non-fatal it notices (a byte-order mark,
//! invalid UTF-8 inside a string, a lone surrogate escape, a duplicated member) is collected as a
//! [`Hazard`] and parsing goes on, so one report shows them all; a syntax error is [`Fatal`].
//!
//! Recursion is bounded by the depth limit, which [`crate::Limits`] caps at
//! [`crate::Limits::MAX_DEPTH_CEILING`], so no payload can overflow the stack.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::pointer;

/// A JSON value with the byte span it was parsed from. Strings without escapes borrow from the
/// payload: the full check of a small response allocates little more than its containers.
#[derive(Debug)]
pub(crate) struct Node<'a> {
    pub start: usize,
    pub end: usize,
    pub value: Value<'a>,
}

#[derive(Debug)]
pub(crate) enum Value<'a> {
    Null,
    Bool(bool),
    /// The number's text is `payload[start..end]`.
    Number,
    /// Decoded; invalid UTF-8 and lone surrogates became U+FFFD (each also reported as a hazard).
    String(Cow<'a, str>),
    Array(Vec<Node<'a>>),
    Object(Vec<Member<'a>>),
}

#[derive(Debug)]
pub(crate) struct Member<'a> {
    pub key: Cow<'a, str>,
    /// Offset of the key's opening quote.
    pub key_start: usize,
    pub value: Node<'a>,
}

/// Something wrong that does not stop parsing.
#[derive(Debug)]
pub(crate) enum Hazard {
    ByteOrderMark,
    InvalidUtf8 {
        offset: usize,
    },
    LoneSurrogate {
        offset: usize,
        pointer: String,
    },
    Duplicate {
        name: String,
        first: usize,
        repeat: usize,
        pointer: String,
    },
}

/// What stopped the parse.
#[derive(Debug)]
pub(crate) enum FatalKind {
    Empty,
    Syntax(String),
    TrailingData,
    Depth,
}

#[derive(Debug)]
pub(crate) struct Fatal {
    pub kind: FatalKind,
    pub offset: usize,
    pub pointer: String,
}

#[derive(Debug)]
pub(crate) struct Parsed<'a> {
    pub root: Option<Node<'a>>,
    pub hazards: Vec<Hazard>,
    pub fatal: Option<Fatal>,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Parses `input` into a located tree, nesting at most `max_depth` containers deep.
pub(crate) fn parse(input: &[u8], max_depth: usize) -> Parsed<'_> {
    let mut parser = Parser {
        input,
        text: None,
        pos: 0,
        max_depth,
        path: Steps::default(),
        hazards: Vec::new(),
    };
    if input.starts_with(BOM) {
        parser.hazards.push(Hazard::ByteOrderMark);
        parser.pos = BOM.len();
    }
    match std::str::from_utf8(input) {
        Ok(text) => parser.text = Some(text),
        Err(error) => {
            // Only the first: after one bad byte the rest is seldom meaningful, and a CI log
            // needs one.
            parser.hazards.push(Hazard::InvalidUtf8 {
                offset: error.valid_up_to(),
            });
        }
    }
    parser.skip_ws();
    if parser.pos == input.len() {
        return Parsed {
            root: None,
            hazards: parser.hazards,
            fatal: Some(Fatal {
                kind: FatalKind::Empty,
                offset: parser.pos,
                pointer: String::new(),
            }),
        };
    }
    let result = parser.value(0).and_then(|root| {
        parser.skip_ws();
        if parser.pos < input.len() {
            Err(Box::new(Fatal {
                kind: FatalKind::TrailingData,
                offset: parser.pos,
                pointer: String::new(),
            }))
        } else {
            Ok(root)
        }
    });
    match result {
        Ok(root) => Parsed {
            root: Some(root),
            hazards: parser.hazards,
            fatal: None,
        },
        Err(fatal) => Parsed {
            root: None,
            hazards: parser.hazards,
            fatal: Some(*fatal),
        },
    }
}

/// What stops a parse, boxed while it travels up: results stay the size of a node, so the
/// common path moves less.
type Failure = Box<Fatal>;

/// One step of the path from the root to the value being parsed: a member by the offset of its
/// name (decoded again only when a pointer is written out), an item by its index.
#[derive(Clone, Copy)]
enum Step {
    Key(usize),
    Index(usize),
}

/// The steps a parse is at. The first few (API responses seldom nest deeper) live in place, so that a parse allocates nothing to
/// keep its path; deeper ones spill into `more`.
struct Steps {
    few: [Step; STEPS_IN_PLACE],
    len: usize,
    more: Vec<Step>,
}

const STEPS_IN_PLACE: usize = 8;

impl Default for Steps {
    fn default() -> Self {
        Steps {
            few: [Step::Index(0); STEPS_IN_PLACE],
            len: 0,
            more: Vec::new(),
        }
    }
}

impl Steps {
    #[inline(always)]
    fn push(&mut self, step: Step) {
        match self.few.get_mut(self.len) {
            Some(slot) => *slot = step,
            None => self.more.push(step),
        }
        self.len += 1;
    }

    #[inline(always)]
    fn pop(&mut self) {
        self.len -= 1;
        if self.len >= STEPS_IN_PLACE {
            self.more.pop();
        }
    }

    fn iter(&self) -> impl Iterator<Item = &Step> {
        self.few[..self.len.min(STEPS_IN_PLACE)]
            .iter()
            .chain(&self.more)
    }
}

struct Parser<'a> {
    input: &'a [u8],
    /// The input as text when it is all valid UTF-8: strings are then sliced from it without
    /// checking each one again.
    text: Option<&'a str>,
    pos: usize,
    max_depth: usize,
    /// Kept as steps and written out as a JSON Pointer only when something is reported.
    path: Steps,
    hazards: Vec<Hazard>,
}

impl<'a> Parser<'a> {
    #[cold]
    fn pointer(&self) -> String {
        let mut out = String::new();
        for step in self.path.iter() {
            match *step {
                Step::Key(at) => {
                    // The name parsed once already, so it parses again (its hazards, if any,
                    // were reported the first time).
                    let mut name = Parser {
                        input: self.input,
                        text: self.text,
                        pos: at,
                        max_depth: 0,
                        path: Steps::default(),
                        hazards: Vec::new(),
                    };
                    let key = name.string().unwrap_or_default();
                    out.push('/');
                    pointer::escape_into(&mut out, &key);
                }
                Step::Index(i) => {
                    use std::fmt::Write;
                    let _ = write!(out, "/{i}");
                }
            }
        }
        out
    }

    #[inline(always)]
    fn skip_ws(&mut self) {
        // Compact payloads have none: anything above a space is not whitespace.
        while let Some(&b) = self.input.get(self.pos) {
            if b > b' ' || !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                break;
            }
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    #[cold]
    fn syntax(&self, offset: usize, message: String) -> Failure {
        Box::new(Fatal {
            kind: FatalKind::Syntax(message),
            offset,
            pointer: self.pointer(),
        })
    }

    /// "found `x`" / "found the end of input", for syntax messages.
    #[cold]
    fn found(&self, offset: usize) -> String {
        match self.input.get(offset) {
            None => "the end of input".to_owned(),
            Some(&b) if b.is_ascii_graphic() => format!("`{}`", b as char),
            Some(&b) if b < 0x80 => format!("the control character U+{b:04X}"),
            Some(_) => {
                match std::str::from_utf8(&self.input[offset..(offset + 4).min(self.input.len())])
                    .or_else(|e| std::str::from_utf8(&self.input[offset..offset + e.valid_up_to()]))
                {
                    // Controls and separators by code point: a message stays on one line.
                    Ok(s) if !s.is_empty() => match s.chars().next().unwrap_or('?') {
                        c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                            format!("the character U+{:04X}", c as u32)
                        }
                        c => format!("`{c}`"),
                    },
                    _ => format!("the byte 0x{:02X}", self.input[offset]),
                }
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node<'a>, Failure> {
        let start = self.pos;
        let value = match self.peek() {
            Some(b'{') => self.object(depth + 1)?,
            Some(b'[') => self.array(depth + 1)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.literal(b"true", Value::Bool(true))?,
            Some(b'f') => self.literal(b"false", Value::Bool(false))?,
            Some(b'n') => self.literal(b"null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => {
                return Err(self.syntax(
                    start,
                    format!("expected a JSON value, found {}", self.found(start)),
                ));
            }
        };
        Ok(Node {
            start,
            end: self.pos,
            value,
        })
    }

    fn literal(&mut self, word: &'static [u8], value: Value<'a>) -> Result<Value<'a>, Failure> {
        let end = self.pos + word.len();
        if self.input.get(self.pos..end) == Some(word) {
            self.pos = end;
            return Ok(value);
        }
        // Point at the first byte that differs, so `tru` or `nul1` are located precisely.
        let bad = (self.pos..end)
            .find(|&i| self.input.get(i) != Some(&word[i - self.pos]))
            .unwrap_or(self.pos);
        let word = std::str::from_utf8(word).unwrap_or_default();
        Err(self.syntax(bad, format!("expected `{word}`, found {}", self.found(bad))))
    }

    fn enter(&self, depth: usize) -> Result<(), Failure> {
        if depth > self.max_depth {
            return Err(Box::new(Fatal {
                kind: FatalKind::Depth,
                offset: self.pos,
                pointer: self.pointer(),
            }));
        }
        Ok(())
    }

    fn object(&mut self, depth: usize) -> Result<Value<'a>, Failure> {
        self.enter(depth)?;
        self.pos += 1; // `{`
        // Small objects compare keys pairwise; large ones would be quadratic, so they hash
        // (name -> offset of its first occurrence).
        let mut seen: Option<HashMap<Cow<'a, str>, usize>> = None;
        // Small objects first compare a sketch of each name (length and end bytes, one bit of
        // a word): only a name whose bit is taken is compared with the names before it.
        let mut sketches = 0u64;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(Vec::new()));
        }
        // Not empty: allocated at once with the capacity a first push would choose, without
        // going through the growth path.
        let mut members: Vec<Member<'a>> = Vec::with_capacity(4);
        loop {
            self.skip_ws();
            let key_start = self.pos;
            if self.peek() != Some(b'"') {
                return Err(self.syntax(
                    key_start,
                    format!(
                        "expected a member name in double quotes, found {}",
                        self.found(key_start)
                    ),
                ));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.syntax(
                    self.pos,
                    format!(
                        "expected `:` after the member name, found {}",
                        self.found(self.pos)
                    ),
                ));
            }
            self.pos += 1;
            self.skip_ws();
            self.path.push(Step::Key(key_start));
            let duplicate_of = if members.len() >= 16 {
                let seen = seen.get_or_insert_with(|| {
                    let mut map = HashMap::with_capacity(members.len() * 2);
                    for m in &members {
                        map.entry(m.key.clone()).or_insert(m.key_start);
                    }
                    map
                });
                match seen.get(&key) {
                    Some(&first) => Some(first),
                    None => {
                        seen.insert(key.clone(), key_start);
                        None
                    }
                }
            } else {
                let bit = sketch(key.as_bytes());
                let maybe = sketches & bit != 0;
                sketches |= bit;
                if maybe {
                    members
                        .iter()
                        .find(|m| same_name(&m.key, &key))
                        .map(|m| m.key_start)
                } else {
                    None
                }
            };
            if let Some(first) = duplicate_of {
                self.hazards.push(Hazard::Duplicate {
                    name: key.to_string(),
                    first,
                    repeat: key_start,
                    pointer: self.pointer(),
                });
            }
            let value = self.value(depth)?;
            self.path.pop();
            members.push(Member {
                key,
                key_start,
                value,
            });
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(members));
                }
                _ => {
                    return Err(self.syntax(
                        self.pos,
                        format!(
                            "expected `,` or `}}` after an object member, found {}",
                            self.found(self.pos)
                        ),
                    ));
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value<'a>, Failure> {
        self.enter(depth)?;
        self.pos += 1; // `[`
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(Vec::new()));
        }
        // As for objects: at once, with the capacity a first push would choose.
        let mut items = Vec::with_capacity(4);
        loop {
            self.skip_ws();
            self.path.push(Step::Index(items.len()));
            let item = self.value(depth)?;
            self.path.pop();
            items.push(item);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => {
                    return Err(self.syntax(
                        self.pos,
                        format!(
                            "expected `,` or `]` after an array item, found {}",
                            self.found(self.pos)
                        ),
                    ));
                }
            }
        }
    }

    /// Parses a string starting at its opening quote and returns it decoded: borrowed from the
    /// payload when it has no escapes and is valid UTF-8, as almost every string is.
    #[inline(always)]
    fn string(&mut self) -> Result<Cow<'a, str>, Failure> {
        // A plain ASCII run up to the closing quote (most strings) is read inline.
        let input: &'a [u8] = self.input;
        let start = self.pos + 1;
        let end = start + plain_run(&input[start..]);
        if input.get(end) == Some(&b'"')
            && let Some(text) = self.text.and_then(|t| t.get(start..end))
        {
            self.pos = end + 1;
            return Ok(Cow::Borrowed(text));
        }
        self.string_rest()
    }

    /// [`Parser::string`] beyond a plain ASCII run: non-ASCII text, escapes, errors.
    #[inline(never)]
    fn string_rest(&mut self) -> Result<Cow<'a, str>, Failure> {
        let open = self.pos;
        self.pos += 1;
        let input: &'a [u8] = self.input;
        // Most strings are plain runs up to the closing quote: read a word at a time, passing
        // over non-ASCII bytes (the whole payload is checked as UTF-8 once).
        let start = self.pos;
        let mut end = start;
        loop {
            end += plain_run(&input[end..]);
            match input.get(end) {
                Some(b'"') => {
                    // Both ends sit next to ASCII quotes, so they are character boundaries.
                    let whole = self.text.and_then(|t| t.get(start..end));
                    if let Some(text) =
                        whole.or_else(|| std::str::from_utf8(&input[start..end]).ok())
                    {
                        self.pos = end + 1;
                        return Ok(Cow::Borrowed(text));
                    }
                    break;
                }
                Some(&b) if b >= 0x80 => end += 1,
                // An escape, a control character or the end: decoded below.
                _ => break,
            }
        }
        let mut out: Vec<u8> = Vec::new();
        loop {
            // Jump to the next byte that needs attention; plain runs are copied whole.
            let rest = &self.input[self.pos..];
            let Some(i) = rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            else {
                return Err(self.syntax(
                    open,
                    "unterminated string: no closing `\"` before the end of input".to_owned(),
                ));
            };
            out.extend_from_slice(&rest[..i]);
            self.pos += i;
            match self.input[self.pos] {
                b'"' => {
                    self.pos += 1;
                    return Ok(Cow::Owned(match String::from_utf8(out) {
                        Ok(s) => s,
                        // Already reported once as InvalidUtf8 for the whole payload.
                        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
                    }));
                }
                b'\\' => self.escape(&mut out)?,
                b => {
                    return Err(self.syntax(
                        self.pos,
                        format!("the control character U+{b:04X} must be escaped in a string"),
                    ));
                }
            }
        }
    }

    fn escape(&mut self, out: &mut Vec<u8>) -> Result<(), Failure> {
        let at = self.pos;
        let simple = match self.input.get(at + 1) {
            Some(b'"') => b'"',
            Some(b'\\') => b'\\',
            Some(b'/') => b'/',
            Some(b'b') => 0x08,
            Some(b'f') => 0x0C,
            Some(b'n') => b'\n',
            Some(b'r') => b'\r',
            Some(b't') => b'\t',
            Some(b'u') => {
                let ch = self.unicode_escape(at)?;
                let mut buf = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                return Ok(());
            }
            _ => {
                return Err(self.syntax(
                    at,
                    format!(
                        "invalid escape: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u after `\\`, found {}",
                        self.found(at + 1)
                    ),
                ));
            }
        };
        out.push(simple);
        self.pos = at + 2;
        Ok(())
    }

    fn hex4(&self, at: usize) -> Result<u16, Failure> {
        let mut value: u16 = 0;
        for i in 0..4 {
            let Some(digit) = self
                .input
                .get(at + i)
                .and_then(|&b| (b as char).to_digit(16))
            else {
                return Err(self.syntax(
                    at + i,
                    format!(
                        "invalid \\u escape: expected 4 hex digits, found {}",
                        self.found(at + i)
                    ),
                ));
            };
            value = (value << 4) | digit as u16;
        }
        Ok(value)
    }

    /// `\uXXXX` at `at` (the backslash), with surrogate pairs joined; a lone surrogate is a hazard
    /// and becomes U+FFFD.
    fn unicode_escape(&mut self, at: usize) -> Result<char, Failure> {
        let high = self.hex4(at + 2)?;
        self.pos = at + 6;
        if !(0xD800..=0xDFFF).contains(&high) {
            return Ok(char::from_u32(u32::from(high)).unwrap_or('\u{FFFD}'));
        }
        if high <= 0xDBFF && self.input.get(self.pos..self.pos + 2) == Some(b"\\u") {
            let low = self.hex4(self.pos + 2)?;
            if (0xDC00..=0xDFFF).contains(&low) {
                self.pos += 6;
                let c = 0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                return Ok(char::from_u32(c).unwrap_or('\u{FFFD}'));
            }
        }
        let pointer = self.pointer();
        self.hazards.push(Hazard::LoneSurrogate {
            offset: at,
            pointer,
        });
        Ok('\u{FFFD}')
    }

    fn number(&mut self) -> Result<Value<'a>, Failure> {
        let digits = |p: &mut Self| {
            let start = p.pos;
            while let Some(b'0'..=b'9') = p.peek() {
                p.pos += 1;
            }
            p.pos - start
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.syntax(
                        self.pos,
                        "invalid number: a leading zero must not be followed by digits".to_owned(),
                    ));
                }
            }
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => {
                return Err(self.syntax(
                    self.pos,
                    format!(
                        "invalid number: expected a digit, found {}",
                        self.found(self.pos)
                    ),
                ));
            }
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if digits(self) == 0 {
                return Err(self.syntax(
                    self.pos,
                    format!(
                        "invalid number: expected a digit after `.`, found {}",
                        self.found(self.pos)
                    ),
                ));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.syntax(
                    self.pos,
                    format!(
                        "invalid number: expected a digit in the exponent, found {}",
                        self.found(self.pos)
                    ),
                ));
            }
        }
        Ok(Value::Number)
    }
}

/// One bit of a word that equal names share: [`Parser::object`] compares a name with those
/// before it only when its bit was set by one of them.
#[inline(always)]
fn sketch(name: &[u8]) -> u64 {
    let first = name.first().copied().unwrap_or(0) as usize;
    let last = name.last().copied().unwrap_or(0) as usize;
    1 << ((name.len() * 5 + first + last * 3) % 64)
}

/// Whether two member names are the same: [`same_bytes`] on their bytes.
#[inline(always)]
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    same_bytes(a.as_bytes(), b.as_bytes())
}

/// Whether two member names (or other short byte strings) are the same. Names are short, so
/// they are compared as one or two words (overlapping when the length is not a multiple),
/// without a call to `memcmp`; names of different lengths differ at once.
#[inline(always)]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    fn word<const N: usize>(s: &[u8], at: usize) -> [u8; N] {
        s[at..at + N].try_into().unwrap_or([0; N])
    }
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        0..4 => a.iter().zip(b).all(|(x, y)| x == y),
        4..8 => word::<4>(a, 0) == word::<4>(b, 0) && word::<4>(a, n - 4) == word::<4>(b, n - 4),
        8..=16 => word::<8>(a, 0) == word::<8>(b, 0) && word::<8>(a, n - 8) == word::<8>(b, n - 8),
        _ => a == b,
    }
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// The bytes of a word (little-endian) that stop a plain run in a string, as their high bits:
/// `"`, `\\`, a control character or a non-ASCII byte. The lowest set bit is exact; bits
/// above it may be spurious (a borrow goes on past a stop), which no caller reads.
#[inline(always)]
pub(crate) fn string_stops(word: u64) -> u64 {
    // For a byte below 0x80 with no borrow coming in, `b - c` has its high bit set exactly
    // when `b < c`; `(b ^ c) - 1` exactly when `b == c`. A byte at 0x80 or above is a stop
    // itself (the last term), and a borrow only leaves a byte that is a stop.
    ((word ^ (u64::from(b'"') * LO)).wrapping_sub(LO)
        | (word ^ (u64::from(b'\\') * LO)).wrapping_sub(LO)
        | word.wrapping_sub(0x20 * LO)
        | word)
        & HI
}

/// The length of the run at the start of `bytes` with no `"`, `\`, control character or
/// non-ASCII byte, read eight bytes at a time.
#[inline(always)]
pub(crate) fn plain_run(bytes: &[u8]) -> usize {
    let mut words = bytes.chunks_exact(8);
    let mut run = 0;
    for chunk in &mut words {
        let stops = string_stops(u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])));
        if stops != 0 {
            return run + (stops.trailing_zeros() / 8) as usize;
        }
        run += 8;
    }
    for &b in words.remainder() {
        if b < 0x20 || b == b'"' || b == b'\\' || b >= 0x80 {
            break;
        }
        run += 1;
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    fn duplicates(payload: &str) -> Vec<(String, usize, usize)> {
        parse(payload.as_bytes(), 8)
            .hazards
            .into_iter()
            .filter_map(|h| match h {
                Hazard::Duplicate {
                    name,
                    first,
                    repeat,
                    ..
                } => Some((name, first, repeat)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn names_whose_sketches_collide_are_told_apart_and_repeats_still_found() {
        // Same length and end bytes: one bit of the sketch for all three names.
        assert_eq!(sketch(b"a1b"), sketch(b"a2b"));
        assert_eq!(duplicates(r#"{"a1b":1,"a2b":2,"a3b":3}"#), vec![]);
        let payload = r#"{"a1b":1,"a2b":2,"x":0,"a2b":3,"a1b":4}"#;
        assert_eq!(
            duplicates(payload),
            vec![("a2b".to_owned(), 9, 23), ("a1b".to_owned(), 1, 31),]
        );
        // Escaped and plain spellings of one name are the same name.
        assert_eq!(
            duplicates(r#"{"ab":1,"\u0061b":2}"#),
            vec![("ab".to_owned(), 1, 8)]
        );
    }
}
