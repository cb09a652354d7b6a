//! Exchange logs: JSON Lines, one exchange per line, as `schemas/exchange.schema.json` describes.

use std::collections::VecDeque;
use std::io::Read;

use super::entry::log_exchange;
use super::{EntryProblem, Exchange, TrafficError};
use crate::lines::{Batch, Batches, Line, LineKind};
use crate::report::Location;

/// Reads an exchange log: each non-blank line is one [`Exchange`] (numbered from 0 among the
/// non-blank lines, located at its line), in file order; a failed read ends it with
/// [`TrafficError::Read`].
///
/// A line is an object with `method`, `url` (or `path`), `status`, `content_type` and `body` (a
/// JSON string of the raw body, mapped back to the line's columns) or `body_base64`; other
/// members are ignored — a `headers` member, and a query string in `url` or `path`, are dropped
/// unread. A line that is not such an object is an exchange with its [`EntryProblem`]s, and
/// reading goes on; a line over the line limit (default
/// [`DEFAULT_MAX_ENTRY`](super::DEFAULT_MAX_ENTRY)) is streamed past and reported as
/// [`EntryProblem::Oversized`].
///
/// ```
/// use response_contract::traffic::ExchangeReader;
///
/// let log = br#"{"method": "post", "url": "https://api.example.com/orders?key=s3cr3t", "status": 201, "content_type": "application/json", "body": "{\"order_id\": \"A1\"}"}"#;
/// let exchange = ExchangeReader::new(&log[..]).next().unwrap()?;
/// assert_eq!(exchange.path.as_deref(), Some("/orders"));
/// assert_eq!(exchange.body.bytes(), Some(&br#"{"order_id": "A1"}"#[..]));
/// // The body's `"A1"` (decoded byte 13) is at column 147 of line 1.
/// assert_eq!(exchange.body.locate_offset(13).unwrap().column, 147);
/// # Ok::<(), response_contract::traffic::TrafficError>(())
/// ```
#[derive(Debug)]
pub struct ExchangeReader<R> {
    batches: Batches<R>,
    pending: VecDeque<Exchange>,
    index: u64,
    max_line: usize,
}

impl<R: Read> ExchangeReader<R> {
    /// Reads `reader` with the default line limit.
    pub fn new(reader: R) -> Self {
        Self::with_max_line(reader, super::DEFAULT_MAX_ENTRY)
    }

    /// Reads `reader`, holding no line longer than `max_line` bytes.
    pub fn with_max_line(reader: R, max_line: usize) -> Self {
        ExchangeReader {
            batches: Batches::new(reader, max_line),
            pending: VecDeque::new(),
            index: 0,
            max_line,
        }
    }
}

impl<R: Read> Iterator for ExchangeReader<R> {
    type Item = Result<Exchange, TrafficError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(exchange) = self.pending.pop_front() {
                return Some(Ok(exchange));
            }
            let batch = match self.batches.next()? {
                Ok(batch) => batch,
                Err(e) => return Some(Err(TrafficError::Read(e))),
            };
            for line in &batch.lines {
                let index = self.index;
                self.index += 1;
                let exchange = exchange_of_line(index, &batch, line, self.max_line);
                self.pending.push_back(exchange);
            }
        }
    }
}

/// One line of an exchange log, read into an [`Exchange`] numbered `index` (its position among
/// the log's non-blank lines). What [`ExchangeReader`] does line by line, for callers that read
/// the log in [`Batches`] themselves and parse its lines in parallel.
pub fn exchange_of_line(index: u64, batch: &Batch, line: &Line, max_line: usize) -> Exchange {
    let offset = usize::try_from(line.offset).unwrap_or(usize::MAX);
    let number = usize::try_from(line.number).unwrap_or(usize::MAX);
    let at = Location {
        line: number,
        column: 1,
        offset,
    };
    match line.kind {
        LineKind::Oversized { len } => {
            let mut exchange = Exchange::unread(index, at);
            exchange.problems.push(EntryProblem::Oversized {
                len: Some(len),
                max: max_line,
            });
            exchange
        }
        // A kind of line the reader may tell apart later: read as a line.
        _ => {
            let bytes = batch.payload(line);
            // A line holds no newline: a position in it is a column of the line.
            let mut locate = |off: usize| Location {
                line: number,
                column: 1 + super::body::chars(&bytes[..off.min(bytes.len())]),
                offset: offset + off,
            };
            log_exchange(index, at, bytes, &mut locate)
        }
    }
}
