//! A HAR file read entry by entry in bounded memory.
//!
//! A tokenizer walks the top-level object byte by byte (string- and escape-aware, counting
//! depth, never building a tree): members other than `log` are skipped, and so are members of
//! `log` other than `entries`, wherever they sit. Each element of `log.entries` is held whole —
//! up to the entry limit — and parsed alone, in one pass that skips what it does not keep a word
//! at a time (serde_json reads any entry that pass leaves); a larger one is streamed past. Line
//! and column are carried forward as the bytes are passed (newlines found with memchr, columns
//! counted only after the last newline), so a 1 GB single-line file costs linear time.

use std::io::{self, Read};

use super::body::chars;
use super::entry::{HarEntry, Loose, Stop, fast_har_entry, har_exchange, har_exchange_of};
use super::{EntryProblem, Exchange, TrafficError};
use crate::report::Location;

/// The default entry limit: 64 MiB, room for a body at the payload limit
/// ([`crate::Limits`], 16 MiB) escaped, with its request.
pub const DEFAULT_MAX_ENTRY: usize = 64 * 1024 * 1024;

/// How much one read asks for at least.
const CHUNK: usize = 128 * 1024;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads a HAR 1.2 file one entry at a time: an iterator of [`Exchange`]s in file order, then
/// at most one [`TrafficError`] for the file as a whole, which ends it.
///
/// - A UTF-8 byte-order mark at the start is accepted (the HAR specification asks readers to);
///   it takes no column.
/// - Every element of `log.entries` gives one exchange, numbered from 0: a malformed entry (not
///   an object, not JSON, not UTF-8) and one over the entry limit too, with its
///   [`EntryProblem`] and a [`Body::Unread`](super::Body::Unread) body, and reading goes on.
/// - A file that ends early gives every complete entry, then [`TrafficError::Truncated`] with
///   the line and column of the cut.
/// - Only the first `log` and its first `entries` are read (a repeated member is skipped, as
///   everything else outside the entries is).
/// - A JSON file without `log.entries` gives [`TrafficError::NotHar`]; broken JSON around the
///   entries gives [`TrafficError::Syntax`]; more after the end gives
///   [`TrafficError::TrailingData`]. A failed read gives [`TrafficError::Read`].
///
/// Memory: the read buffer holds at most about twice the largest entry (up to the limit) plus
/// 128 KiB; see [`HarReader::buffer_high_water`].
#[derive(Debug)]
pub struct HarReader<R> {
    reader: R,
    /// Read bytes are `buf[..end]`; the rest is room for the next read.
    buf: Vec<u8>,
    end: usize,
    /// File offset of `buf[0]`.
    base: usize,
    /// The next byte to read.
    pos: usize,
    /// `loc` is the location of `buf[cur]`; `cur <= pos` whenever bytes are dropped.
    cur: usize,
    loc: Location,
    eof: bool,
    state: State,
    index: u64,
    max_entry: usize,
    high_water: usize,
    saw_log: bool,
    saw_entries: bool,
    /// Why the file is not a HAR, when a `log` or `entries` of the wrong kind was seen.
    not_har: Option<(&'static str, Location)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Begin,
    /// Inside the top-level object (`log: false`) or `log`.
    Members {
        log: bool,
        first: bool,
    },
    Entries {
        first: bool,
    },
    After,
    End,
}

/// The outcome of scanning one JSON value.
enum Scan {
    /// Held whole in `buf[start..end]`.
    Complete { start: usize, end: usize },
    /// Passed over, `len` bytes (not held: asked to skip, or over the limit).
    Passed { len: u64 },
    /// The input ended inside it.
    Eof,
}

impl<R: Read> HarReader<R> {
    /// Reads `reader` (unbuffered reads are fine: it is read in 128 KiB chunks) with the default
    /// entry limit, [`DEFAULT_MAX_ENTRY`].
    pub fn new(reader: R) -> Self {
        HarReader {
            reader,
            buf: Vec::new(),
            end: 0,
            base: 0,
            pos: 0,
            cur: 0,
            loc: Location {
                line: 1,
                column: 1,
                offset: 0,
            },
            eof: false,
            state: State::Begin,
            index: 0,
            max_entry: DEFAULT_MAX_ENTRY,
            high_water: 0,
            saw_log: false,
            saw_entries: false,
            not_har: None,
        }
    }

    /// Sets the entry limit in bytes: a larger entry is streamed past, never held, and reported
    /// as [`EntryProblem::Oversized`].
    #[must_use]
    pub fn max_entry(mut self, bytes: usize) -> Self {
        self.max_entry = bytes;
        self
    }

    /// The largest the read buffer has been (its capacity, in bytes): bounded by the largest
    /// entry held and the chunk size, however long the file.
    pub fn buffer_high_water(&self) -> usize {
        self.high_water
    }

    /// How many entries have been read so far.
    pub fn entries_read(&self) -> u64 {
        self.index
    }

    /// Moves the tracked location forward to `buf[to]`.
    fn move_to(&mut self, to: usize) {
        if to > self.cur {
            advance(&mut self.loc, &self.buf[self.cur..to]);
            self.cur = to;
        }
    }

    /// The location of `buf[at]` (at or after the tracked one), leaving the tracked one alone.
    fn locate(&self, at: usize) -> Location {
        let mut loc = self.loc;
        if at > self.cur {
            advance(&mut loc, &self.buf[self.cur..at]);
        }
        loc
    }

    /// Drops what is before `keep` when that is worth it, then reads. Returns how far indices
    /// moved down, and whether any byte came.
    fn fill(&mut self, keep: usize) -> io::Result<(usize, bool)> {
        let keep = keep.min(self.pos);
        let mut cut = 0;
        // Dropping at least half the buffer: each byte is moved at most about once.
        if keep > 0 && keep >= self.end / 2 {
            self.move_to(keep);
            self.buf.copy_within(keep..self.end, 0);
            self.end -= keep;
            self.base += keep;
            self.pos -= keep;
            self.cur -= keep;
            cut = keep;
        }
        if self.eof {
            return Ok((cut, false));
        }
        // The room after `end` is zeroed once, when the buffer grows, not at every read.
        if self.buf.len() < self.end + CHUNK {
            self.buf.resize(self.end + CHUNK, 0);
        }
        let n = loop {
            match self.reader.read(&mut self.buf[self.end..]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
                Ok(n) => break n,
            }
        };
        self.end += n;
        self.high_water = self.high_water.max(self.buf.capacity());
        if n == 0 {
            self.eof = true;
        }
        Ok((cut, n > 0))
    }

    /// The next byte after whitespace (not consumed); `None` at the end of the input.
    fn skip_ws(&mut self) -> io::Result<Option<u8>> {
        loop {
            while let Some(&b) = self.buf[..self.end].get(self.pos) {
                if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                    self.pos += 1;
                } else {
                    return Ok(Some(b));
                }
            }
            if !self.fill(self.pos)?.1 {
                return Ok(None);
            }
        }
    }

    /// Scans the value starting at `buf[pos]` (not whitespace). Held whole when `keep` and it
    /// fits the entry limit (then `pos` stays at its start); passed over otherwise (then `pos`
    /// is after it).
    fn scan_value(&mut self, keep: bool) -> io::Result<Scan> {
        let mut scanner = Scanner::new(self.buf[self.pos]);
        let value_start = self.base + self.pos;
        let mut i = self.pos + 1;
        let mut holding = keep;
        loop {
            if scanner.run(&self.buf[..self.end], &mut i) {
                if holding && self.base + i - value_start <= self.max_entry {
                    return Ok(Scan::Complete {
                        start: self.pos,
                        end: i,
                    });
                }
                self.pos = i;
                return Ok(Scan::Passed {
                    len: (self.base + i - value_start) as u64,
                });
            }
            if holding && self.base + i - value_start > self.max_entry {
                holding = false;
            }
            if !holding {
                self.pos = i;
            }
            let (cut, more) = self.fill(self.pos)?;
            i -= cut;
            if !more {
                // A number at the very end is cut short too: it sits inside an object here.
                return Ok(Scan::Eof);
            }
        }
    }

    fn truncated(&mut self, partial: Option<Location>) -> TrafficError {
        self.move_to(self.end);
        TrafficError::Truncated {
            at: self.loc,
            entries: self.index,
            partial,
        }
    }

    fn syntax(&mut self, expected: &'static str) -> TrafficError {
        TrafficError::Syntax {
            at: self.locate(self.pos),
            expected,
        }
    }

    fn not_har(&self, at: Location) -> TrafficError {
        let (reason, at) = match self.not_har {
            Some(found) => found,
            None if !self.saw_log => ("it has no `log` member", at),
            None => ("`log` has no `entries` member", at),
        };
        TrafficError::NotHar { reason, at }
    }

    fn step(&mut self) -> Result<Option<Exchange>, TrafficError> {
        loop {
            match self.state {
                State::Begin => {
                    while self.end < 3 && self.fill(0)?.1 {}
                    let start = self.loc;
                    let head = &self.buf[..self.end];
                    if head.starts_with(BOM) {
                        self.pos = 3;
                        self.cur = 3;
                        self.loc.offset = 3;
                    } else if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
                        self.state = State::End;
                        return Err(TrafficError::NotHar {
                            reason: "it is UTF-16 text; HAR files are UTF-8",
                            at: start,
                        });
                    }
                    self.state = State::End;
                    match self.skip_ws()? {
                        None => {
                            return Err(TrafficError::NotHar {
                                reason: "the file is empty",
                                at: start,
                            });
                        }
                        Some(b'{') => {
                            self.pos += 1;
                            self.state = State::Members {
                                log: false,
                                first: true,
                            };
                        }
                        Some(_) => {
                            return Err(TrafficError::NotHar {
                                reason: "it is not a JSON object",
                                at: self.locate(self.pos),
                            });
                        }
                    }
                }
                State::Members { log, first } => {
                    let Some(mut b) = self.skip_ws()? else {
                        return Err(self.truncated(None));
                    };
                    if b == b'}' {
                        self.pos += 1;
                        self.state = if log {
                            State::Members {
                                log: false,
                                first: false,
                            }
                        } else {
                            State::After
                        };
                        continue;
                    }
                    if !first {
                        if b != b',' {
                            return Err(self.syntax("`,` or `}` after a member"));
                        }
                        self.pos += 1;
                        let Some(next) = self.skip_ws()? else {
                            return Err(self.truncated(None));
                        };
                        b = next;
                    }
                    if b != b'"' {
                        return Err(self.syntax("a member name"));
                    }
                    let key = match self.scan_value(true)? {
                        Scan::Complete { start, end } => {
                            self.pos = end;
                            match &self.buf[start..end] {
                                b"\"log\"" => Key::Log,
                                b"\"entries\"" => Key::Entries,
                                _ => Key::Other,
                            }
                        }
                        Scan::Passed { .. } => Key::Other,
                        Scan::Eof => return Err(self.truncated(None)),
                    };
                    match self.skip_ws()? {
                        Some(b':') => self.pos += 1,
                        Some(_) => return Err(self.syntax("`:` after a member name")),
                        None => return Err(self.truncated(None)),
                    }
                    let Some(v) = self.skip_ws()? else {
                        return Err(self.truncated(None));
                    };
                    self.state = State::Members { log, first: false };
                    match (log, key) {
                        (false, Key::Log) if !self.saw_log => {
                            if v == b'{' {
                                self.pos += 1;
                                self.saw_log = true;
                                self.state = State::Members {
                                    log: true,
                                    first: true,
                                };
                                continue;
                            }
                            self.not_har
                                .get_or_insert(("`log` is not an object", self.locate(self.pos)));
                        }
                        (true, Key::Entries) if !self.saw_entries => {
                            if v == b'[' {
                                self.pos += 1;
                                self.saw_entries = true;
                                self.state = State::Entries { first: true };
                                continue;
                            }
                            self.not_har.get_or_insert((
                                "`log.entries` is not an array",
                                self.locate(self.pos),
                            ));
                        }
                        _ => {}
                    }
                    if let Scan::Eof = self.scan_value(false)? {
                        return Err(self.truncated(None));
                    }
                }
                State::Entries { first } => {
                    let Some(mut b) = self.skip_ws()? else {
                        return Err(self.truncated(None));
                    };
                    if b == b']' {
                        self.pos += 1;
                        self.state = State::Members {
                            log: true,
                            first: false,
                        };
                        continue;
                    }
                    if !first {
                        if b != b',' {
                            return Err(self.syntax("`,` or `]` after an entry"));
                        }
                        self.pos += 1;
                        let Some(next) = self.skip_ws()? else {
                            return Err(self.truncated(None));
                        };
                        b = next;
                    }
                    if b == b']' {
                        return Err(self.syntax("an entry after `,`"));
                    }
                    self.state = State::Entries { first: false };
                    return self.entry().map(Some);
                }
                State::After => {
                    self.state = State::End;
                    let end = self.skip_ws()?;
                    let at = self.locate(self.pos);
                    if !self.saw_entries {
                        return Err(self.not_har(at));
                    }
                    return match end {
                        None => Ok(None),
                        Some(_) => Err(TrafficError::TrailingData { at }),
                    };
                }
                State::End => return Ok(None),
            }
        }
    }

    /// Reads the entry at `buf[pos]`.
    fn entry(&mut self) -> Result<Exchange, TrafficError> {
        self.move_to(self.pos);
        let at = self.loc;
        let index = self.index;
        match self.entry_in_buffer(index, at) {
            Ok(exchange) => return Ok(exchange),
            // Cut by the end of what was read (about one entry in every read): read once more
            // and parse again, rather than scan it and then parse it. Once only, so that a
            // large entry is not parsed again at every read.
            Err(true) if !self.eof && self.end - self.pos <= self.max_entry => {
                if self.fill(self.pos)?.1
                    && let Ok(exchange) = self.entry_in_buffer(index, at)
                {
                    return Ok(exchange);
                }
            }
            Err(_) => {}
        }
        match self.scan_value(true)? {
            Scan::Complete { start, end } => {
                self.index += 1;
                let buf = &self.buf;
                let (cur, loc) = (&mut self.cur, &mut self.loc);
                let mut locate = |offset: usize| {
                    let to = start + offset;
                    if to > *cur {
                        advance(loc, &buf[*cur..to]);
                        *cur = to;
                    }
                    *loc
                };
                let exchange = har_exchange(index, at, &buf[start..end], &mut locate);
                self.pos = end;
                Ok(exchange)
            }
            Scan::Passed { len } => {
                self.index += 1;
                let mut exchange = Exchange::unread(index, at);
                exchange.problems.push(EntryProblem::Oversized {
                    len: Some(len),
                    max: self.max_entry,
                });
                Ok(exchange)
            }
            Scan::Eof => Err(self.truncated(Some(at))),
        }
    }
}

impl<R> HarReader<R> {
    /// The fast path: an entry whole in the buffer, found and parsed in one pass (no scan first),
    /// by [`fast_har_entry`] or, for an entry it leaves, serde_json. `Err` when it is not whole
    /// there (`Err(true)`: the bytes read end inside it), is not well-formed, or is over the
    /// limit: the scanning path then finds its end and tells which.
    fn entry_in_buffer(&mut self, index: u64, at: Location) -> Result<Exchange, bool> {
        let start = self.pos;
        let bytes = &self.buf[start..self.end];
        if bytes.first() != Some(&b'{') {
            return Err(false);
        }
        let (entry, len) = match fast_har_entry(bytes) {
            Ok(read) => read,
            Err(Stop::Cut) => return Err(true),
            Err(Stop::Other) => {
                let mut stream =
                    serde_json::Deserializer::from_slice(bytes).into_iter::<Loose<HarEntry<'_>>>();
                match stream.next() {
                    Some(Ok(entry)) => (entry, stream.byte_offset()),
                    Some(Err(e)) => return Err(e.is_eof()),
                    None => return Err(false),
                }
            }
        };
        if len > self.max_entry {
            return Err(false);
        }
        let (cur, loc) = (&mut self.cur, &mut self.loc);
        let buf = &self.buf;
        let mut locate = |offset: usize| {
            let to = start + offset;
            if to > *cur {
                advance(loc, &buf[*cur..to]);
                *cur = to;
            }
            *loc
        };
        let exchange = har_exchange_of(index, at, entry, bytes, &mut locate);
        self.index += 1;
        self.pos = start + len;
        Ok(exchange)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Log,
    Entries,
    Other,
}

impl<R: Read> Iterator for HarReader<R> {
    type Item = Result<Exchange, TrafficError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.state == State::End {
            return None;
        }
        match self.step() {
            Ok(Some(exchange)) => Some(Ok(exchange)),
            Ok(None) => {
                self.state = State::End;
                None
            }
            Err(e) => {
                // A failure of the file as a whole ends it: nothing after it can be trusted.
                self.state = State::End;
                Some(Err(e))
            }
        }
    }
}

/// Moves `loc` forward over `bytes`.
fn advance(loc: &mut Location, bytes: &[u8]) {
    loc.offset += bytes.len();
    match memchr::memrchr(b'\n', bytes) {
        Some(last) => {
            loc.line += memchr::memchr_iter(b'\n', bytes).count();
            loc.column = 1 + chars(&bytes[last + 1..]);
        }
        None => loc.column += chars(bytes),
    }
}

/// Finds where one JSON value ends without parsing it: strings (with escapes) and depth only.
/// Brackets are not matched by kind: the entry's parse finds that.
struct Scanner {
    depth: u64,
    in_string: bool,
    escaped: bool,
    scalar: bool,
}

impl Scanner {
    /// The scanner for a value whose first byte is `first` (already consumed).
    fn new(first: u8) -> Scanner {
        Scanner {
            depth: u64::from(matches!(first, b'{' | b'[')),
            in_string: first == b'"',
            escaped: false,
            scalar: !matches!(first, b'{' | b'[' | b'"'),
        }
    }

    /// Scans `buf` from `*i`; true when the value ends, `*i` just after it.
    fn run(&mut self, buf: &[u8], i: &mut usize) -> bool {
        let mut j = *i;
        let done = loop {
            if self.in_string {
                if self.escaped {
                    if j >= buf.len() {
                        break false;
                    }
                    self.escaped = false;
                    j += 1;
                }
                match memchr::memchr2(b'"', b'\\', &buf[j.min(buf.len())..]) {
                    None => {
                        j = buf.len();
                        break false;
                    }
                    Some(k) => {
                        j += k + 1;
                        if buf[j - 1] == b'\\' {
                            self.escaped = true;
                        } else {
                            self.in_string = false;
                            if self.depth == 0 {
                                break true;
                            }
                        }
                    }
                }
                continue;
            }
            if self.scalar {
                match buf[j..]
                    .iter()
                    .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                {
                    Some(k) => {
                        j += k;
                        break true;
                    }
                    None => {
                        j = buf.len();
                        break false;
                    }
                }
            }
            let Some(&b) = buf.get(j) else {
                break false;
            };
            j += 1;
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth -= 1;
                    if self.depth == 0 {
                        break true;
                    }
                }
                _ => {}
            }
        };
        *i = j;
        done
    }
}
