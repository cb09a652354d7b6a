//! ECMA-262 patterns (`pattern`, `patternProperties`, `format: regex`) on the linear-time
//! `regex` engine.
//!
//! JSON Schema patterns are ECMA-262 regular expressions with the `u` flag (Unicode mode, which
//! is also the strict grammar: `\a`, a lone `]` or `{` are syntax errors). Each pattern is parsed
//! here against that grammar and re-emitted in the `regex` crate's syntax, so a hostile schema can
//! never buy backtracking time. What the linear engine cannot express is refused with a reason,
//! and the caller hands that subschema to a backtracking engine.
//!
//! | ECMA-262 (u flag)                 | emitted for `regex`                       | note                          |
//! |-----------------------------------|-------------------------------------------|-------------------------------|
//! | `\d` `\D`                         | `[0-9]` `[^0-9]`                          | ASCII only, as ECMA           |
//! | `\w` `\W`                         | `[0-9A-Za-z_]` and its complement         | ASCII only, as ECMA           |
//! | `\b` `\B`                         | `(?-u:\b)` `(?-u:\B)`                     | ASCII word boundary           |
//! | `\s` `\S`                         | ECMA WhiteSpace ∪ LineTerminator set      | incl. U+FEFF, U+2028/9        |
//! | `.`                               | `[^\n\r\u2028\u2029]`; any char under `s` |                               |
//! | `^` `$`                           | `^` `$`                                   | text start/end, no multiline  |
//! | `\uXXXX`, surrogate pairs, `\u{…}`, `\xHH`, `\cX`, `\0`, `\f\n\r\t\v` | `\x{…}`     | lone surrogates match nothing |
//! | `\/` and other identity escapes   | the escaped literal                       | only syntax characters and `/`|
//! | `[^]` / `[]`                      | any char / nothing                        |                               |
//! | `(…)` `(?<name>…)` `(?:…)`        | `(?:…)`                                   | only `is_match` is offered    |
//! | `(?i:…)` `(?-i:…)` `(?s:…)`       | `(?i:…)` …; `s` re-targets `.`            | ES2025 modifiers              |
//! | `\p{…}` `\P{…}`                   | passed through                            | `regex` loose names (`\p{digit}` works) |
//! | lookahead, lookbehind             | refused: `Reason::Lookaround`             |                               |
//! | `\1`, `\k<name>`                  | refused: `Reason::Backreference`          |                               |
//! | `(?m:…)`                          | refused: `Reason::Multiline`              | ECMA line terminators differ  |
//! | compiled program over the cap     | refused: `Reason::TooLarge`               | also groups nested over 64    |
//!
//! Differences that remain: under `(?i:…)` the `regex` crate's simple case folding is used, and
//! ECMA's `\w`/`\b` do not gain U+017F and U+212A; property names follow the `regex` crate, not
//! the ECMA list (so `\p{digit}` is accepted, and an ECMA-only name such as `RGI_Emoji` is an
//! engine error).

use std::collections::HashSet;
use std::fmt;

use regex::{Regex, RegexBuilder};

/// Cap on the compiled program, so a schema cannot make the checker allocate without bound.
const SIZE_LIMIT: usize = 1 << 20;
/// Cap on the lazy DFA cache of one pattern.
const DFA_SIZE_LIMIT: usize = 2 << 20;
/// Group nesting accepted. The `regex` compiler recurses per level and overflows a 2 MiB thread
/// stack (debug build) near 200 levels of `(…)*`, so the cap leaves a wide margin.
const NEST_LIMIT: u32 = 64;

/// A pattern compiled for unanchored search on the linear-time engine, and for one greedy pass
/// where its shape allows ([`Anchored`]).
#[derive(Clone, Debug)]
pub(crate) struct Pattern {
    regex: Regex,
    /// Boxed: most patterns are not of that shape, and the plan's rules stay small.
    anchored: Option<Box<Anchored>>,
}

impl Pattern {
    /// Whether the pattern matches anywhere in `text` (JSON Schema patterns are not anchored).
    /// The patterns of response schemas are mostly anchored ASCII classes: those skip the regex
    /// engine, whose caches the located report of a broken payload would otherwise pull in
    /// once per string.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        match &self.anchored {
            Some(anchored) => anchored.is_match(text.as_bytes()),
            None => self.regex.is_match(text),
        }
    }

    /// The one-pass matcher, for a caller holding raw bytes (the fast pass).
    pub(crate) fn anchored(&self) -> Option<&Anchored> {
        self.anchored.as_deref()
    }
}

/// A `pattern` of the shape `^…$` over ASCII classes with counts (`^SH[0-9]{8}[A-Z]{3}$`,
/// `^[A-Z0-9-]{4,16}$`, …), matched on the string's bytes in one greedy pass: no regex search
/// and no UTF-8 check. Only patterns for which the greedy pass is exact are taken: each atom
/// of variable count is the last, or is followed by an atom that must occur at least once and
/// shares no character with it (so the run it takes has one possible length).
#[derive(Debug, Clone)]
pub(crate) struct Anchored {
    atoms: Vec<Atom>,
    /// Per byte: the atoms (a bit each, at most 64) whose class has it. A character is tested
    /// by one load and one shift, where the `u128` class took several.
    classes: Box<[u64; 256]>,
}

/// A class of ASCII characters (a bit each) and how many times it occurs.
#[derive(Debug, Clone, Copy)]
struct Atom {
    class: u128,
    min: u32,
    max: u32,
}

impl Anchored {
    /// The source of an ECMA-262 pattern, when it has the shape this matcher takes.
    pub(crate) fn parse(source: &str) -> Option<Anchored> {
        let body = source.strip_prefix('^')?.strip_suffix('$')?;
        let b = body.as_bytes();
        // `\$` at the end is a literal dollar, not an anchor.
        if b.last() == Some(&b'\\') {
            return None;
        }
        let mut atoms: Vec<Atom> = Vec::new();
        let mut i = 0;
        while i < b.len() {
            let class = match b[i] {
                b'[' => {
                    let (class, next) = bracket(b, i + 1)?;
                    i = next;
                    class
                }
                b'\\' => {
                    let class = escape_class(*b.get(i + 1)?)?;
                    i += 2;
                    class
                }
                c if is_plain_literal(c) => {
                    i += 1;
                    1u128 << c
                }
                _ => return None,
            };
            let (min, max) = match b.get(i) {
                Some(b'?') => (0, 1),
                Some(b'*') => (0, u32::MAX),
                Some(b'+') => (1, u32::MAX),
                Some(b'{') => {
                    let close = i + b[i..].iter().position(|&c| c == b'}')?;
                    let inner = std::str::from_utf8(&b[i + 1..close]).ok()?;
                    i = close;
                    let number = |t: &str| -> Option<u32> {
                        (!t.is_empty() && t.bytes().all(|d| d.is_ascii_digit()))
                            .then(|| t.parse().ok())
                            .flatten()
                    };
                    match inner.split_once(',') {
                        None => {
                            let n = number(inner)?;
                            (n, n)
                        }
                        Some((lo, "")) => (number(lo)?, u32::MAX),
                        Some((lo, hi)) => (number(lo)?, number(hi)?),
                    }
                }
                _ => {
                    atoms.push(Atom {
                        class,
                        min: 1,
                        max: 1,
                    });
                    continue;
                }
            };
            i += 1;
            // A lazy quantifier (`+?`) or a bad range: left to the regex engine.
            if b.get(i) == Some(&b'?') || min > max {
                return None;
            }
            atoms.push(Atom { class, min, max });
        }
        for (k, a) in atoms.iter().enumerate() {
            if a.min < a.max {
                match atoms.get(k + 1) {
                    None => {}
                    Some(next) if next.min >= 1 && next.class & a.class == 0 => {}
                    _ => return None,
                }
            }
        }
        if atoms.len() > 64 {
            return None;
        }
        let mut classes = Box::new([0u64; 256]);
        for (k, a) in atoms.iter().enumerate() {
            for (c, bits) in classes.iter_mut().enumerate().take(128) {
                if a.class >> c & 1 == 1 {
                    *bits |= 1 << k;
                }
            }
        }
        Some(Anchored { atoms, classes })
    }

    #[inline]
    pub(crate) fn is_match(&self, text: &[u8]) -> bool {
        let mut at = 0usize;
        for (k, a) in self.atoms.iter().enumerate() {
            let bit = 1u64 << k;
            // One bound for the run (the atom's count and the text's end), so that each
            // character costs a load, a test and a compare.
            let start = at;
            let end = text.len().min(start.saturating_add(a.max as usize));
            while at < end && self.classes[usize::from(text[at])] & bit != 0 {
                at += 1;
            }
            if at - start < a.min as usize {
                return false;
            }
        }
        at == text.len()
    }
}

/// An ASCII character that stands for itself outside a class.
fn is_plain_literal(c: u8) -> bool {
    (c.is_ascii_graphic() || c == b' ') && !b"^$.|?*+()[]{}\\/".contains(&c)
}

/// The class of `\c`: `\d`, or an escaped ASCII punctuation character standing for itself.
fn escape_class(c: u8) -> Option<u128> {
    match c {
        b'd' => Some(((1u128 << 10) - 1) << b'0'),
        c if c.is_ascii_punctuation() => Some(1u128 << c),
        _ => None,
    }
}

/// A bracket class whose body starts at `b[i]`: its characters, and the index after `]`.
/// Negated classes, classes in classes and escapes other than `\d` and punctuation are left
/// to the regex engine.
fn bracket(b: &[u8], mut i: usize) -> Option<(u128, usize)> {
    if matches!(b.get(i), Some(b'^' | b']')) {
        return None;
    }
    let mut class = 0u128;
    loop {
        let c = *b.get(i)?;
        match c {
            b']' => return Some((class, i + 1)),
            b'\\' => {
                class |= escape_class(*b.get(i + 1)?)?;
                i += 2;
            }
            b'[' => return None,
            c if c.is_ascii_graphic() || c == b' ' => {
                // `a-z` is a range; a `-` first or last stands for itself.
                if b.get(i + 1) == Some(&b'-') && b.get(i + 2).is_some_and(|&h| h != b']') {
                    let hi = b[i + 2];
                    if hi == b'\\' || hi == b'[' || !(hi.is_ascii_graphic() || hi == b' ') || hi < c
                    {
                        return None;
                    }
                    for x in c..=hi {
                        class |= 1u128 << x;
                    }
                    i += 3;
                } else {
                    class |= 1u128 << c;
                    i += 1;
                }
            }
            _ => return None,
        }
    }
}

/// Why a pattern was not compiled for the linear engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Unsupported {
    pub(crate) reason: Reason,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Reason {
    /// Not an ECMA-262 (u flag) pattern at all; a backtracking engine will not help.
    Syntax {
        message: &'static str,
        offset: usize,
    },
    /// `(?=…)`, `(?!…)`, `(?<=…)`, `(?<!…)`.
    Lookaround,
    /// `\1`, `\k<name>`.
    Backreference,
    /// `(?m:…)`: ECMA's line terminators cannot be expressed for `^`/`$` here.
    Multiline,
    /// The compiled program would exceed the size cap, or the nesting is too deep.
    TooLarge,
    /// The `regex` crate rejected the translation (for instance an unknown `\p{…}` name).
    Engine(String),
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.reason {
            Reason::Syntax { message, offset } => {
                write!(
                    f,
                    "not an ECMA-262 pattern: {message} at character {offset}"
                )
            }
            Reason::Lookaround => f.write_str("lookaround needs a backtracking engine"),
            Reason::Backreference => f.write_str("backreference needs a backtracking engine"),
            Reason::Multiline => f.write_str("the m modifier needs a backtracking engine"),
            Reason::TooLarge => f.write_str("pattern too large for the linear engine"),
            Reason::Engine(message) => {
                write!(f, "pattern not accepted by the linear engine: {message}")
            }
        }
    }
}

/// Translates an ECMA-262 pattern and compiles it for the linear-time engine.
pub(crate) fn compile(source: &str) -> Result<Pattern, Unsupported> {
    let translated = translate(source).map_err(|reason| Unsupported { reason })?;
    RegexBuilder::new(&translated)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(DFA_SIZE_LIMIT)
        // Each ECMA group may become a group, a repetition and a class here.
        .nest_limit(NEST_LIMIT * 4)
        .build()
        .map(|regex| Pattern {
            regex,
            anchored: Anchored::parse(source).map(Box::new),
        })
        .map_err(|error| Unsupported {
            reason: match error {
                regex::Error::CompiledTooBig(_) => Reason::TooLarge,
                other => Reason::Engine(other.to_string().lines().last().unwrap_or("").to_owned()),
            },
        })
}

/// Whether `source` is a syntactically valid ECMA-262 pattern (u flag), including the parts the
/// linear engine refuses (lookaround, backreferences); this is `format: regex`.
pub(crate) fn is_valid_ecma(source: &str) -> bool {
    !matches!(translate(source), Err(Reason::Syntax { .. }))
}

/// ECMA source → `regex` syntax. A syntax error wins over an unsupported feature, so that
/// `format: regex` can use the same pass.
fn translate(source: &str) -> Result<String, Reason> {
    let mut parser = Parser {
        chars: source.chars().collect(),
        pos: 0,
        out: String::with_capacity(source.len() + 16),
        unsupported: None,
        groups: 0,
        names: HashSet::new(),
        max_backref: 0,
        named_refs: Vec::new(),
        depth: 0,
        dotall: false,
    };
    parser.disjunction()?;
    if parser.pos < parser.chars.len() {
        // Only a stray `)` stops the top-level disjunction early.
        return Err(parser.syntax("unmatched )"));
    }
    if parser.max_backref > parser.groups {
        return Err(Reason::Syntax {
            message: "backreference to a missing group",
            offset: 0,
        });
    }
    if parser.named_refs.iter().any(|r| !parser.names.contains(r)) {
        return Err(Reason::Syntax {
            message: "backreference to a missing group name",
            offset: 0,
        });
    }
    match parser.unsupported {
        Some(reason) => Err(reason),
        None => Ok(parser.out),
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    out: String,
    /// First feature seen that the linear engine cannot run; reported only if the syntax is valid.
    unsupported: Option<Reason>,
    groups: u32,
    names: HashSet<String>,
    max_backref: u32,
    named_refs: Vec<String>,
    depth: u32,
    dotall: bool,
}

/// One element of a character class.
enum ClassAtom {
    Char(u32),
    /// A class escape (`\d`, `\p{…}`), already translated; cannot be a range endpoint.
    Set(String),
}

const SYNTAX_CHARACTERS: &str = "^$\\.*+?()[]{}|/";
const WHITESPACE: &str = "\\t\\n\\x{0B}\\x{0C}\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}";

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn syntax(&self, message: &'static str) -> Reason {
        Reason::Syntax {
            message,
            offset: self.pos,
        }
    }

    fn refuse(&mut self, reason: Reason) {
        if self.unsupported.is_none() {
            self.unsupported = Some(reason);
        }
    }

    fn disjunction(&mut self) -> Result<(), Reason> {
        loop {
            self.alternative()?;
            if self.eat('|') {
                self.out.push('|');
            } else {
                return Ok(());
            }
        }
    }

    fn alternative(&mut self) -> Result<(), Reason> {
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                return Ok(());
            }
            let quantifiable = self.term()?;
            self.quantifier(quantifiable)?;
        }
        Ok(())
    }

    /// Parses one assertion or atom; returns whether a quantifier may follow it.
    fn term(&mut self) -> Result<bool, Reason> {
        let Some(c) = self.peek() else {
            return Ok(false);
        };
        self.pos += 1;
        match c {
            '^' => self.out.push('^'),
            '$' => self.out.push('$'),
            '.' => self.out.push_str(if self.dotall {
                "(?s:.)"
            } else {
                "[^\\n\\r\\x{2028}\\x{2029}]"
            }),
            '(' => return self.group(),
            '[' => self.class()?,
            '\\' => return self.atom_escape(),
            '*' | '+' | '?' | '{' => return Err(self.syntax("nothing to repeat")),
            ')' | ']' | '}' => return Err(self.syntax("lone syntax character")),
            other => push_literal(&mut self.out, u32::from(other)),
        }
        Ok(c != '^' && c != '$')
    }

    fn group(&mut self) -> Result<bool, Reason> {
        if self.depth >= NEST_LIMIT {
            self.refuse(Reason::TooLarge);
            return Err(Reason::TooLarge);
        }
        let mut quantifiable = true;
        let saved_dotall = self.dotall;
        if self.eat('?') {
            match (self.peek(), self.peek_at(1)) {
                (Some(':'), _) => {
                    self.pos += 1;
                    self.out.push_str("(?:");
                }
                (Some('=' | '!'), _) => {
                    self.pos += 1;
                    self.refuse(Reason::Lookaround);
                    quantifiable = false;
                    self.out.push_str("(?:");
                }
                (Some('<'), Some('=' | '!')) => {
                    self.pos += 2;
                    self.refuse(Reason::Lookaround);
                    quantifiable = false;
                    self.out.push_str("(?:");
                }
                (Some('<'), _) => {
                    self.pos += 1;
                    let name = self.group_name()?;
                    if !self.names.insert(name) {
                        return Err(self.syntax("duplicate group name"));
                    }
                    self.groups += 1;
                    self.out.push_str("(?:");
                }
                _ => self.modifiers()?,
            }
        } else {
            self.groups += 1;
            self.out.push_str("(?:");
        }
        self.depth += 1;
        self.disjunction()?;
        self.depth -= 1;
        if !self.eat(')') {
            return Err(self.syntax("unclosed group"));
        }
        self.out.push(')');
        self.dotall = saved_dotall;
        Ok(quantifiable)
    }

    /// `(?ims-ims:` (ES2025); the flag-only form `(?i)` is not ECMA.
    fn modifiers(&mut self) -> Result<(), Reason> {
        let mut on = String::new();
        let mut off = String::new();
        let mut negative = false;
        loop {
            match self.peek() {
                Some(f @ ('i' | 'm' | 's')) => {
                    if on.contains(f) || off.contains(f) {
                        return Err(self.syntax("repeated modifier"));
                    }
                    if negative { off.push(f) } else { on.push(f) }
                }
                Some('-') if !negative => negative = true,
                Some(':') => break,
                _ => return Err(self.syntax("invalid group")),
            }
            self.pos += 1;
        }
        self.pos += 1;
        if negative && on.is_empty() && off.is_empty() {
            return Err(self.syntax("empty modifiers"));
        }
        if on.contains('m') || off.contains('m') {
            self.refuse(Reason::Multiline);
        }
        if on.contains('s') {
            self.dotall = true;
        }
        if off.contains('s') {
            self.dotall = false;
        }
        self.out
            .push_str(match (on.contains('i'), off.contains('i')) {
                (true, _) => "(?i:",
                (_, true) => "(?-i:",
                _ => "(?:",
            });
        Ok(())
    }

    /// After `<`: an identifier and `>`.
    fn group_name(&mut self) -> Result<String, Reason> {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            self.pos += 1;
            if c == '>' {
                return if name.is_empty() {
                    Err(self.syntax("empty group name"))
                } else {
                    Ok(name)
                };
            }
            let ok = if name.is_empty() {
                c == '$' || c == '_' || c.is_alphabetic()
            } else {
                c == '$' || c == '_' || c == '\u{200C}' || c == '\u{200D}' || c.is_alphanumeric()
            };
            if !ok {
                return Err(self.syntax("invalid group name"));
            }
            name.push(c);
        }
        Err(self.syntax("unterminated group name"))
    }

    fn quantifier(&mut self, quantifiable: bool) -> Result<(), Reason> {
        let start = self.pos;
        match self.peek() {
            Some(c @ ('*' | '+' | '?')) => {
                self.pos += 1;
                self.out.push(c);
            }
            Some('{') => {
                self.pos += 1;
                let min = self
                    .decimal()
                    .ok_or_else(|| self.syntax("incomplete quantifier"))?;
                let mut max = Some(min);
                if self.eat(',') {
                    max = if self.peek() == Some('}') {
                        None
                    } else {
                        Some(
                            self.decimal()
                                .ok_or_else(|| self.syntax("incomplete quantifier"))?,
                        )
                    };
                }
                if !self.eat('}') {
                    return Err(self.syntax("incomplete quantifier"));
                }
                if max.is_some_and(|m| m < min) {
                    return Err(self.syntax("numbers out of order in quantifier"));
                }
                let limit = u64::from(u32::MAX);
                if min > limit || max.is_some_and(|m| m > limit) {
                    self.refuse(Reason::TooLarge);
                }
                match max {
                    Some(m) if m == min => self.out.push_str(&format!("{{{min}}}")),
                    Some(m) => self.out.push_str(&format!("{{{min},{m}}}")),
                    None => self.out.push_str(&format!("{{{min},}}")),
                }
            }
            _ => return Ok(()),
        }
        if !quantifiable {
            self.pos = start;
            return Err(self.syntax("nothing to repeat"));
        }
        if self.eat('?') {
            self.out.push('?');
        }
        if matches!(self.peek(), Some('*' | '+' | '?' | '{')) {
            return Err(self.syntax("nothing to repeat"));
        }
        Ok(())
    }

    /// One or more ASCII digits, saturating.
    fn decimal(&mut self) -> Option<u64> {
        let mut value: Option<u64> = None;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            self.pos += 1;
            value = Some(
                value
                    .unwrap_or(0)
                    .saturating_mul(10)
                    .saturating_add(u64::from(d)),
            );
        }
        value
    }

    /// After `\` outside a class; returns whether a quantifier may follow.
    fn atom_escape(&mut self) -> Result<bool, Reason> {
        let Some(c) = self.peek() else {
            return Err(self.syntax("\\ at end of pattern"));
        };
        match c {
            'b' | 'B' => {
                self.pos += 1;
                self.out
                    .push_str(if c == 'b' { "(?-u:\\b)" } else { "(?-u:\\B)" });
                return Ok(false);
            }
            '1'..='9' => {
                let n = self.decimal().unwrap_or(0);
                self.max_backref = self.max_backref.max(u32::try_from(n).unwrap_or(u32::MAX));
                self.refuse(Reason::Backreference);
            }
            'k' => {
                self.pos += 1;
                if !self.eat('<') {
                    return Err(self.syntax("invalid named reference"));
                }
                let name = self.group_name()?;
                self.named_refs.push(name);
                self.refuse(Reason::Backreference);
            }
            _ => match self.class_escape(false)? {
                ClassAtom::Char(cp) => push_literal(&mut self.out, cp),
                ClassAtom::Set(set) => self.out.push_str(&set),
            },
        }
        Ok(true)
    }

    /// An escape valid both inside and outside classes (after the `\`).
    fn class_escape(&mut self, in_class: bool) -> Result<ClassAtom, Reason> {
        let Some(c) = self.peek() else {
            return Err(self.syntax("\\ at end of pattern"));
        };
        self.pos += 1;
        let wrap = |body: &str, negated: bool| -> String {
            if in_class && !negated {
                body.to_owned()
            } else {
                format!("[{}{body}]", if negated { "^" } else { "" })
            }
        };
        let atom = match c {
            'd' | 'D' => ClassAtom::Set(wrap("0-9", c == 'D')),
            'w' | 'W' => ClassAtom::Set(wrap("0-9A-Za-z_", c == 'W')),
            's' | 'S' => ClassAtom::Set(wrap(WHITESPACE, c == 'S')),
            'p' | 'P' => {
                if !self.eat('{') {
                    return Err(self.syntax("invalid property escape"));
                }
                let mut name = String::new();
                loop {
                    match self.peek() {
                        Some('}') => break,
                        Some(ch) if ch.is_ascii_alphanumeric() || ch == '_' || ch == '=' => {
                            name.push(ch)
                        }
                        _ => return Err(self.syntax("invalid property name")),
                    }
                    self.pos += 1;
                }
                self.pos += 1;
                if name.is_empty()
                    || name.starts_with('=')
                    || name.ends_with('=')
                    || name.matches('=').count() > 1
                {
                    return Err(self.syntax("invalid property name"));
                }
                ClassAtom::Set(format!("\\{c}{{{name}}}"))
            }
            'f' => ClassAtom::Char(0x0C),
            'n' => ClassAtom::Char(0x0A),
            'r' => ClassAtom::Char(0x0D),
            't' => ClassAtom::Char(0x09),
            'v' => ClassAtom::Char(0x0B),
            'c' => match self.peek() {
                Some(l) if l.is_ascii_alphabetic() => {
                    self.pos += 1;
                    ClassAtom::Char(u32::from(l) % 32)
                }
                _ => return Err(self.syntax("invalid control escape")),
            },
            '0' if !self.peek().is_some_and(|d| d.is_ascii_digit()) => ClassAtom::Char(0),
            'x' => {
                let value = self
                    .hex_digits(2)
                    .ok_or_else(|| self.syntax("invalid \\x escape"))?;
                ClassAtom::Char(value)
            }
            'u' => ClassAtom::Char(self.unicode_escape()?),
            '-' if in_class => ClassAtom::Char(u32::from('-')),
            'b' if in_class => ClassAtom::Char(0x08),
            other if SYNTAX_CHARACTERS.contains(other) => ClassAtom::Char(u32::from(other)),
            _ => return Err(self.syntax("invalid escape")),
        };
        Ok(atom)
    }

    fn hex_digits(&mut self, count: usize) -> Option<u32> {
        let mut value = 0u32;
        for i in 0..count {
            value = value * 16 + self.peek_at(i)?.to_digit(16)?;
        }
        self.pos += count;
        Some(value)
    }

    /// After `\u`: `XXXX`, a surrogate pair `XXXX\uXXXX`, or `{X…}`.
    fn unicode_escape(&mut self) -> Result<u32, Reason> {
        if self.eat('{') {
            let mut value: u32 = 0;
            let mut any = false;
            while let Some(d) = self.peek().and_then(|c| c.to_digit(16)) {
                self.pos += 1;
                any = true;
                value = value.saturating_mul(16).saturating_add(d);
            }
            if !any || !self.eat('}') || value > 0x10FFFF {
                return Err(self.syntax("invalid \\u{…} escape"));
            }
            return Ok(value);
        }
        let high = self
            .hex_digits(4)
            .ok_or_else(|| self.syntax("invalid \\u escape"))?;
        if (0xD800..0xDC00).contains(&high)
            && self.peek() == Some('\\')
            && self.peek_at(1) == Some('u')
        {
            let save = self.pos;
            self.pos += 2;
            match self.hex_digits(4) {
                Some(low) if (0xDC00..0xE000).contains(&low) => {
                    return Ok(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00));
                }
                _ => self.pos = save,
            }
        }
        Ok(high)
    }

    /// After `[`.
    fn class(&mut self) -> Result<(), Reason> {
        let negated = self.eat('^');
        let mut body = String::new();
        loop {
            let atom = match self.peek() {
                None => return Err(self.syntax("unterminated character class")),
                Some(']') => {
                    self.pos += 1;
                    break;
                }
                Some(_) => self.class_atom()?,
            };
            if self.peek() == Some('-') && self.peek_at(1).is_some_and(|c| c != ']') {
                self.pos += 1;
                let end = self.class_atom()?;
                match (atom, end) {
                    (ClassAtom::Char(lo), ClassAtom::Char(hi)) => {
                        if lo > hi {
                            return Err(self.syntax("range out of order in character class"));
                        }
                        push_range(&mut body, lo, hi);
                    }
                    _ => return Err(self.syntax("class escape as range endpoint")),
                }
            } else {
                match atom {
                    ClassAtom::Char(cp) => push_range(&mut body, cp, cp),
                    ClassAtom::Set(set) => body.push_str(&set),
                }
            }
        }
        match (negated, body.is_empty()) {
            (false, true) => self.out.push_str("[^\\x{0}-\\x{10FFFF}]"),
            (true, true) => self.out.push_str("[\\x{0}-\\x{10FFFF}]"),
            (n, false) => {
                self.out.push_str(if n { "[^" } else { "[" });
                self.out.push_str(&body);
                self.out.push(']');
            }
        }
        Ok(())
    }

    fn class_atom(&mut self) -> Result<ClassAtom, Reason> {
        match self.peek() {
            Some('\\') => {
                self.pos += 1;
                if self.peek().is_some_and(|d| d.is_ascii_digit() && d != '0')
                    || (self.peek() == Some('0')
                        && self.peek_at(1).is_some_and(|d| d.is_ascii_digit()))
                {
                    return Err(self.syntax("decimal escape in character class"));
                }
                self.class_escape(true)
            }
            Some(c) => {
                self.pos += 1;
                Ok(ClassAtom::Char(u32::from(c)))
            }
            None => Err(self.syntax("unterminated character class")),
        }
    }
}

/// Emits one code point outside a class; a lone surrogate cannot occur in a `str`, so it matches
/// nothing.
fn push_literal(out: &mut String, cp: u32) {
    match char::from_u32(cp) {
        Some(c) => {
            let mut buf = [0u8; 4];
            out.push_str(&regex::escape(c.encode_utf8(&mut buf)));
        }
        None => out.push_str("[^\\x{0}-\\x{10FFFF}]"),
    }
}

/// Emits a class range as hex escapes, dropping the surrogate block that no `str` contains.
fn push_range(body: &mut String, lo: u32, hi: u32) {
    use std::fmt::Write as _;
    let mut emit = |a: u32, b: u32| {
        // Writing to a String cannot fail.
        let _ = if a == b {
            write!(body, "\\x{{{a:X}}}")
        } else {
            write!(body, "\\x{{{a:X}}}-\\x{{{b:X}}}")
        };
    };
    if hi < 0xD800 || lo > 0xDFFF {
        emit(lo, hi);
        return;
    }
    if lo < 0xD800 {
        emit(lo, 0xD7FF);
    }
    if hi > 0xDFFF {
        emit(0xE000, hi);
    }
    // A range inside the surrogate block contributes nothing; keep the class well formed.
    if body.is_empty() {
        body.push_str("[^\\x{0}-\\x{10FFFF}]");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass matcher agrees with the regex engine wherever it takes a pattern, and
    /// refuses the patterns where a greedy pass could be wrong.
    #[test]
    fn anchored_patterns_match_as_the_regex_engine_does() {
        let taken = [
            "^SH[0-9]{8}[A-Z]{3}$",
            "^[A-Z]{2}$",
            "^[A-Z0-9-]{4,16}$",
            "^[a-z]+-[0-9]+$",
            "^\\d{3}\\.\\d?$",
            "^ab?c+$",
            "^[-a]{1,}x$",
            "^$",
        ];
        let texts = [
            "",
            "SH12345678ABC",
            "SH1234567ABC",
            "SH12345678ABCD",
            "DE",
            "D",
            "DEU",
            "de",
            "BMS-4431",
            "abc",
            "PSU-7700-X-XXXXXXX",
            "abc-12",
            "abc-",
            "-12",
            "123.",
            "123.4",
            "123.45",
            "a",
            "abccc",
            "ac",
            "abbc",
            "-a-x",
            "x",
            "é",
            "DÉ",
            "ab\u{0}c",
            "DE\n",
            "\nDE",
        ];
        for source in taken {
            let anchored = Anchored::parse(source).unwrap_or_else(|| panic!("{source} taken"));
            let regex = compile(source).expect("a valid pattern").regex;
            for text in texts {
                assert_eq!(
                    anchored.is_match(text.as_bytes()),
                    regex.is_match(text),
                    "{source} on {text:?}"
                );
            }
        }
        let refused = [
            "SH[0-9]$",
            "^SH[0-9]",
            "^[A-Z]+[A-Z]$",
            "^[a-z]*-?[a-z]$",
            "^[^a]$",
            "^a.b$",
            "^(ab)+$",
            "^a|b$",
            "^a+?$",
            "^\\w+$",
            "^abc\\$",
            "^a{2,1}$",
        ];
        for source in refused {
            assert!(Anchored::parse(source).is_none(), "{source} refused");
        }
    }

    fn matches(pattern: &str, text: &str) -> bool {
        compile(pattern)
            .unwrap_or_else(|e| panic!("{pattern:?}: {e}"))
            .is_match(text)
    }

    fn reason(pattern: &str) -> Reason {
        compile(pattern)
            .err()
            .unwrap_or_else(|| panic!("{pattern:?} should be refused"))
            .reason
    }

    #[test]
    fn escapes_follow_ecma_not_perl() {
        let cases: &[(&str, &str, bool)] = &[
            (r"^\d$", "٣", false),
            (r"^\d$", "7", true),
            (r"^\w$", "é", false),
            (r"^\W$", "é", true),
            (r"^\s$", "\u{feff}", true),
            (r"^\s$", "\u{2028}", true),
            (r"^\s$", "\u{85}", false),
            (r"^\S$", "\u{2013}", true),
            (r"^.$", "\n", false),
            (r"^.$", "\u{2029}", false),
            (r"^.$", "\u{85}", true),
            (r"^\u00e9$", "é", true),
            (r"^\ud83d\ude00$", "😀", true),
            (r"^\u{1F600}$", "😀", true),
            (r"^\x41\cJ\0$", "A\n\0", true),
            (r"^\/$", "/", true),
            (r"^[^]$", "\n", true),
            (r"[]", "anything", false),
            (r"^(?<year>\d{4})-(?:\d\d)$", "2024-01", true),
            (r"\bfoo\b", "é foo", true),
            (r"\bfoo", "éfoo", true),
            (r"^[\d-z]?$", "", false),
            (r"^[a\-z]+$", "-", true),
            (r"^[\b]$", "\u{8}", true),
            (r"^[\w&&\d]+$", "&", true),
            (r"^[\s\S]$", "x", true),
            (r"^[^\D]$", "5", true),
            (r"^\p{Lu}+$", "ÉA", true),
            (r"^(?i:abc)$", "ABC", true),
            (r"^(?s:.)$", "\n", true),
            (r"^a{2,3}?$", "aaa", true),
            (r"abc$", "abc\n", false),
        ];
        for (pattern, text, expected) in cases {
            let result = match compile(pattern) {
                Ok(p) => p.is_match(text),
                Err(e) => {
                    assert!(!expected, "{pattern:?} refused: {e}");
                    assert!(
                        matches!(e.reason, Reason::Syntax { .. }),
                        "{pattern:?}: {e}"
                    );
                    continue;
                }
            };
            assert_eq!(result, *expected, "{pattern:?} on {text:?}");
        }
    }

    #[test]
    fn search_is_unanchored() {
        assert!(matches("b", "abc"));
        assert!(matches("", "abc"));
    }

    #[test]
    fn features_of_a_backtracking_engine_are_refused_with_a_reason() {
        assert_eq!(reason("a(?=b)"), Reason::Lookaround);
        assert_eq!(reason("(?<!a)b"), Reason::Lookaround);
        assert_eq!(reason(r"(a)\1"), Reason::Backreference);
        assert_eq!(reason(r"(?<n>a)\k<n>"), Reason::Backreference);
        assert_eq!(reason(r"(?m:^a)"), Reason::Multiline);
    }

    #[test]
    fn python_and_perl_syntax_is_not_ecma() {
        for bad in [
            r"\a",
            "(?P<n>x)",
            "(?#c)a",
            "(?i)abc",
            "(?ims)abc",
            "^(abc]",
            "a{",
            "a}",
            "]",
            "*a",
            "a**",
            "^*",
            r"\b+",
            "(?=a)*",
            r"\1",
            r"(a)\2",
            r"\k<n>",
            r"(?<n>a)\k<m>",
            "[z-a]",
            r"[\d-z]",
            r"\-",
            r"\p{",
            r"\u{110000}",
            r"\c1",
            "(?<a>x)(?<a>y)",
            "a{3,2}",
            "(",
            ")",
            r"[\1]",
            r"\",
            "(?-:a)",
            "(?ii:a)",
        ] {
            assert!(!is_valid_ecma(bad), "{bad:?} must be invalid");
            assert!(matches!(reason(bad), Reason::Syntax { .. }), "{bad:?}");
        }
        for good in [
            "(?<name>x)",
            r"(?<n>a)\k<n>",
            "(?<=a+)b",
            "[]",
            "[^]",
            r"\cA",
            r"([abc])+\s+$",
            r"\p{Letter}",
            r"[\-]",
            r"\/",
            "a{1,}",
            r"(?i-s:a)",
            r"\u{10FFFF}",
            r"\0",
        ] {
            assert!(is_valid_ecma(good), "{good:?} must be valid");
        }
    }

    #[test]
    fn hostile_patterns_are_refused_not_run() {
        assert_eq!(reason("(?:a{1000}){1000}"), Reason::TooLarge);
        assert_eq!(reason("a{99999999999}"), Reason::TooLarge);
        let deep = format!("{}a{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(reason(&deep), Reason::TooLarge);
        // Catastrophic for a backtracking engine, linear here.
        let p = compile("^(a+)+$").expect("compiles");
        assert!(!p.is_match(&format!("{}!", "a".repeat(100_000))));
    }

    #[test]
    fn nesting_up_to_the_parser_limit_compiles() {
        let depth = NEST_LIMIT as usize;
        let nested = format!("{}[a.]*{}", "(".repeat(depth), ")*".repeat(depth));
        assert!(is_valid_ecma(&nested));
        assert!(compile(&nested).is_ok());
    }

    #[test]
    fn lone_surrogates_match_nothing_but_compile() {
        assert!(!matches(r"\ud800", "\u{fffd}"));
        assert!(matches(r"^[\ud800-\udfffx]$", "x"));
        assert!(matches(r"^[\u0000-\uffff]$", "\u{e000}"));
    }

    /// The official suite's pattern tests: every `pattern` / `patternProperties` regex there must
    /// translate and behave as the suite says.
    #[test]
    fn official_suite_patterns_behave_as_specified() {
        let base = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/json-schema-test-suite/tests/draft2020-12/"
        );
        let files = [
            "optional/ecmascript-regex.json",
            "pattern.json",
            "patternProperties.json",
            "optional/non-bmp-regex.json",
        ];
        let (mut passed, mut total) = (0, 0);
        let mut failures = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(format!("{base}{file}")).expect("suite file");
            let groups: serde_json::Value = serde_json::from_str(&text).expect("json");
            for group in groups.as_array().expect("array") {
                let schema = &group["schema"];
                for test in group["tests"].as_array().expect("tests") {
                    let Some(verdict) = judge(schema, &test["data"]) else {
                        continue;
                    };
                    total += 1;
                    if verdict == test["valid"].as_bool().expect("valid") {
                        passed += 1;
                    } else {
                        failures.push(format!(
                            "{file}: {} / {}",
                            group["description"], test["description"]
                        ));
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{passed}/{total} passed; failures: {failures:#?}"
        );
        assert!(total > 100, "only {total} cases found");
    }

    /// Evaluates the subset of schema keywords those files use (`pattern`, `patternProperties`,
    /// `additionalProperties: false`, `type`); `None` when the schema uses anything else.
    fn judge(schema: &serde_json::Value, data: &serde_json::Value) -> Option<bool> {
        let object = schema.as_object()?;
        let mut valid = true;
        for (key, value) in object {
            match key.as_str() {
                "$schema" | "type" => {}
                "pattern" => {
                    if let Some(s) = data.as_str() {
                        valid &= compile(value.as_str()?)
                            .expect("suite pattern compiles")
                            .is_match(s);
                    }
                }
                "patternProperties" => {
                    if let Some(instance) = data.as_object() {
                        for (name, member) in instance {
                            let mut matched = false;
                            for (source, sub) in value.as_object()? {
                                if compile(source)
                                    .expect("suite pattern compiles")
                                    .is_match(name)
                                {
                                    matched = true;
                                    valid &= judge_boolean_or(sub, member)?;
                                }
                            }
                            if !matched
                                && object.get("additionalProperties")
                                    == Some(&serde_json::Value::Bool(false))
                            {
                                valid = false;
                            }
                        }
                    }
                }
                "additionalProperties" => {}
                _ => return None,
            }
        }
        if let Some(t) = object.get("type").and_then(|t| t.as_str()) {
            let ok = match t {
                "string" => data.is_string(),
                "object" => data.is_object(),
                _ => return None,
            };
            valid &= ok;
        }
        Some(valid)
    }

    fn judge_boolean_or(schema: &serde_json::Value, data: &serde_json::Value) -> Option<bool> {
        match schema {
            serde_json::Value::Bool(b) => Some(*b),
            serde_json::Value::Object(o) if o.contains_key("type") && o.len() == 1 => {
                Some(match o["type"].as_str()? {
                    "integer" => data.is_i64() || data.is_u64(),
                    "string" => data.is_string(),
                    "null" => data.is_null(),
                    _ => return None,
                })
            }
            other => judge(other, data),
        }
    }
}
