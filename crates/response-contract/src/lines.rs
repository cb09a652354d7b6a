//! JSON Lines in bounded memory: whole lines in batches, however large the input.
//!
//! A [`Batches`] reader hands out [`Batch`]es of complete lines (about `target` bytes each), so a
//! caller can check the lines of one batch in parallel while the next is read. A line longer
//! than the line limit is never held in memory: it is skipped up to its newline and reported as
//! [`LineKind::Oversized`] with its length, so every line still gets a verdict. Blank lines
//! (only whitespace) are counted, not returned. A final line without a newline is a line; a
//! `\r` before the `\n` is not part of it.
//!
//! ```
//! use response_contract::lines::{Batches, LineKind};
//!
//! let input = b"{\"order_id\": \"a\", \"job_id\": \"b\"}\r\n\n{\"error\": 1}";
//! let mut total = 0;
//! for batch in Batches::new(&input[..], 1 << 20) {
//!     let batch = batch?;
//!     assert_eq!(batch.blank, 1);
//!     for line in &batch.lines {
//!         assert!(matches!(line.kind, LineKind::Payload));
//!         total += 1;
//!     }
//!     assert_eq!(batch.lines[1].number, 3);
//!     assert_eq!(batch.payload(&batch.lines[1]), b"{\"error\": 1}");
//! }
//! assert_eq!(total, 2);
//! # Ok::<(), std::io::Error>(())
//! ```

use std::io::{self, Read};
use std::ops::Range;

/// How much a batch aims to hold.
pub const DEFAULT_BATCH_BYTES: usize = 1 << 20;

/// What a line is.
///
/// Non-exhaustive: other kinds of line (an invalid line end, say) may be told apart later.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LineKind {
    /// Its bytes are in the batch (see [`Batch::payload`]).
    Payload,
    /// Longer than the line limit: skipped, not held; `len` is its length in bytes.
    Oversized {
        /// The line's length in bytes (without its line end).
        len: u64,
    },
}

/// One non-blank line.
///
/// Non-exhaustive: more facts may be added.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Line {
    /// 1-based line number in the input.
    pub number: u64,
    /// 0-based byte offset of the line's first byte in the input (so that positions inside a
    /// line map back to the file, as [`crate::traffic::ExchangeReader`] does).
    pub offset: u64,
    /// The line's bytes in [`Batch::data`] (empty for an oversized line).
    pub range: Range<usize>,
    /// Payload or oversized.
    pub kind: LineKind,
}

/// Complete lines read together.
///
/// Non-exhaustive: built by [`Batches`] (or [`Batch::default`]); more counts may be added.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Batch {
    /// The bytes the lines point into.
    pub data: Vec<u8>,
    /// The non-blank lines, in input order.
    pub lines: Vec<Line>,
    /// How many blank lines this batch skipped.
    pub blank: u64,
}

impl Batch {
    /// The bytes of one of this batch's lines.
    pub fn payload(&self, line: &Line) -> &[u8] {
        &self.data[line.range.clone()]
    }
}

/// Reads JSON Lines from any reader in batches; see the [module docs](self).
#[derive(Debug)]
pub struct Batches<R> {
    reader: R,
    carry: Vec<u8>,
    next_line: u64,
    next_offset: u64,
    max_line: usize,
    target: usize,
    done: bool,
    /// A read that failed after some bytes came: reported at the next read.
    failed: Option<io::Error>,
}

impl<R: Read> Batches<R> {
    /// Reads `reader`, holding no line longer than `max_line` bytes.
    pub fn new(reader: R, max_line: usize) -> Self {
        Batches {
            reader,
            carry: Vec::new(),
            next_line: 1,
            next_offset: 0,
            max_line,
            target: DEFAULT_BATCH_BYTES,
            done: false,
            failed: None,
        }
    }

    /// Sets the batch size to aim for (default [`DEFAULT_BATCH_BYTES`]).
    #[must_use]
    pub fn batch_bytes(mut self, bytes: usize) -> Self {
        self.target = bytes.max(1);
        self
    }

    /// Takes the line `range` of `data` (without its `\n`; `terminated` when one followed it).
    fn push_line(&mut self, data: &[u8], range: Range<usize>, terminated: bool, batch: &mut Batch) {
        let number = self.next_line;
        self.next_line += 1;
        let offset = self.next_offset;
        self.next_offset += range.len() as u64 + u64::from(terminated);
        let mut range = range;
        if range.end > range.start && data[range.end - 1] == b'\r' {
            range.end -= 1;
        }
        if data[range.clone()].trim_ascii().is_empty() {
            batch.blank += 1;
        } else if range.len() > self.max_line {
            // Whole in the buffer but over the limit: the same verdict as one streamed past.
            batch.lines.push(Line {
                number,
                offset,
                range: range.start..range.start,
                kind: LineKind::Oversized {
                    len: range.len() as u64,
                },
            });
        } else {
            batch.lines.push(Line {
                number,
                offset,
                range,
                kind: LineKind::Payload,
            });
        }
    }

    /// Discards the rest of an oversized line, whose first bytes `seen` were already read, up to
    /// and including its newline. Returns its length without the line end (a `\r` before the
    /// `\n` is the line end's, wherever a read boundary fell), whether it was all whitespace,
    /// the bytes read after the newline, and how many bytes of input the line took with its line
    /// end.
    fn skip_line(&mut self, seen: &[u8]) -> io::Result<(u64, bool, Vec<u8>, u64)> {
        let mut len = seen.len() as u64;
        let mut raw = len;
        let mut blank = seen.trim_ascii().is_empty();
        let mut last = seen.last().copied();
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let n = read_some(&mut self.reader, &mut chunk)?;
            if n == 0 {
                // A last line without a newline drops a final `\r` too, as when it is whole in
                // the buffer.
                if last == Some(b'\r') {
                    len -= 1;
                }
                self.done = true;
                return Ok((len, blank, Vec::new(), raw));
            }
            let (part, rest) = match memchr::memchr(b'\n', &chunk[..n]) {
                Some(i) => (&chunk[..i], Some(&chunk[i + 1..n])),
                None => (&chunk[..n], None),
            };
            len += part.len() as u64;
            raw += part.len() as u64;
            blank = blank && part.trim_ascii().is_empty();
            if let Some(&byte) = part.last() {
                last = Some(byte);
            }
            if let Some(rest) = rest {
                if last == Some(b'\r') {
                    len -= 1;
                }
                return Ok((len, blank, rest.to_vec(), raw + 1));
            }
        }
    }

    fn next_batch(&mut self) -> io::Result<Option<Batch>> {
        let mut batch = Batch {
            data: std::mem::take(&mut self.carry),
            ..Batch::default()
        };
        let mut line_start = 0;
        let mut scanned = 0;
        let mut eof = self.done;
        loop {
            while let Some(i) = memchr::memchr(b'\n', &batch.data[scanned..]) {
                let nl = scanned + i;
                let data = std::mem::take(&mut batch.data);
                self.push_line(&data, line_start..nl, true, &mut batch);
                batch.data = data;
                line_start = nl + 1;
                scanned = line_start;
            }
            scanned = batch.data.len();
            let partial = batch.data.len() - line_start;
            if line_start > 0 && batch.data.len() >= self.target {
                self.carry = batch.data[line_start..].to_vec();
                batch.data.truncate(line_start);
                return Ok(Some(batch));
            }
            if eof {
                if partial > 0 {
                    let data = std::mem::take(&mut batch.data);
                    self.push_line(&data, line_start..data.len(), false, &mut batch);
                    batch.data = data;
                }
                self.done = true;
                let empty = batch.lines.is_empty() && batch.blank == 0;
                return Ok(if empty { None } else { Some(batch) });
            }
            // A `\r` may still end a line of exactly `max_line` bytes, hence the one byte more.
            if partial > self.max_line.saturating_add(1) {
                let seen = batch.data.split_off(line_start);
                let (len, blank, rest, raw) = self.skip_line(&seen)?;
                drop(seen);
                let number = self.next_line;
                self.next_line += 1;
                let offset = self.next_offset;
                self.next_offset += raw;
                // A line of whitespace is blank at any length, as it is when whole in the buffer.
                if blank {
                    batch.blank += 1;
                } else {
                    batch.lines.push(Line {
                        number,
                        offset,
                        range: line_start..line_start,
                        kind: LineKind::Oversized { len },
                    });
                }
                eof = self.done;
                batch.data.extend_from_slice(&rest);
                scanned = line_start;
                continue;
            }
            let want = self.target.max(64 * 1024).min(
                self.max_line
                    .saturating_add(2)
                    .saturating_sub(partial)
                    .max(64 * 1024),
            );
            if let Some(e) = self.failed.take() {
                return Err(e);
            }
            // Read into the vector's spare room, which a file, standard input or a slice fills
            // without zeroing it first: zeroing a fresh batch cost as much as scanning it for
            // line ends. Fewer bytes than asked for means the input ended.
            batch.data.reserve(want);
            let old = batch.data.len();
            let read = (&mut self.reader)
                .take(want as u64)
                .read_to_end(&mut batch.data);
            let n = batch.data.len() - old;
            match read {
                Ok(_) if n < want => eof = true,
                Ok(_) => {}
                // The bytes that came before the failure are lines like any others (they may
                // complete a batch); the failure ends the input at the next read.
                Err(e) if n > 0 => self.failed = Some(e),
                Err(e) => return Err(e),
            }
        }
    }
}

fn read_some<R: Read>(reader: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match reader.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

impl<R: Read> Iterator for Batches<R> {
    type Item = io::Result<Batch>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done && self.carry.is_empty() {
            return None;
        }
        match self.next_batch() {
            Ok(Some(batch)) => Some(Ok(batch)),
            Ok(None) => None,
            Err(e) => {
                // A failed read ends the input: the caller reports it and moves on.
                self.done = true;
                self.carry.clear();
                Some(Err(e))
            }
        }
    }
}
