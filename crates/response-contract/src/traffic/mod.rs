//! Recorded traffic in bounded memory: HAR 1.2 files and JSON Lines exchange logs, read one
//! exchange at a time into [`Exchange`]s that hold no secrets.
//!
//! - [`HarReader`] reads a HAR file entry by entry, never the whole tree: a small tokenizer walks
//!   the top-level object to `log.entries` (wherever it sits among `version`, `creator`, `pages`,
//!   …), finds each entry's bytes and parses just those. Every entry gives one [`Exchange`], in
//!   file order, numbered from 0 — a malformed or oversized one too, with its [`EntryProblem`]s —
//!   and what is wrong with the file as a whole (not a HAR, cut short, trailing data) is a
//!   [`TrafficError`] after the entries that could be read.
//! - [`ExchangeReader`] reads the JSON Lines exchange log of `schemas/exchange.schema.json`, one
//!   exchange per line.
//!
//! ```
//! use response_contract::traffic::{Body, HarReader};
//!
//! let har = br#"{"log": {"version": "1.2", "entries": [
//!   {"request": {"method": "get", "url": "https://user:pw@api.example.com/orders/7?token=s3cr3t",
//!                "headers": [{"name": "Authorization", "value": "Bearer s3cr3t"}]},
//!    "response": {"status": 200,
//!                 "content": {"mimeType": "application/json; charset=utf-8",
//!                             "text": "{\"order_id\": 7}"}}}
//! ]}}"#;
//! let exchanges: Vec<_> = HarReader::new(&har[..]).collect::<Result<_, _>>()?;
//! let exchange = &exchanges[0];
//! assert_eq!(exchange.method.as_deref(), Some("GET"));
//! assert_eq!(exchange.origin.as_deref(), Some("https://api.example.com"));
//! assert_eq!(exchange.path.as_deref(), Some("/orders/7"));
//! assert_eq!(exchange.status, Some(200));
//! assert_eq!(exchange.body.bytes(), Some(&br#"{"order_id": 7}"#[..]));
//! assert!(!format!("{exchange:?}").contains("s3cr3t"));
//! // Byte 13 of the body (the `7`) sits at line 6, column 53 of the HAR file.
//! let at = exchange.body.locate_offset(13).unwrap();
//! assert_eq!((at.line, at.column), (6, 53));
//! # Ok::<(), response_contract::traffic::TrafficError>(())
//! ```
//!
//! # What is kept, what is dropped
//! An [`Exchange`] keeps the method (upper-cased), the URL reduced to its origin
//! (`scheme://host[:port]`, no user information) and its path (no query, no fragment, no
//! `;jsessionid=` parameter), the status, the response's media type as recorded (parameters
//! kept), and the response body. Headers, cookies, query strings and request bodies are skipped
//! while reading and never stored, so no later code can show them; no message of this module
//! quotes a value from the file except the kept ones.
//!
//! # Bodies
//! A [`Body`] is the response body as recorded: decoded text with a [`PositionMap`] back to the
//! file, decoded base64 placed at its `text` member, not recorded at all ([`Unrecorded`]), not
//! decodable, or unread because the entry itself could not be read.

mod body;
mod entry;
mod exchanges;
mod har;
mod outcome;
mod url;

use std::borrow::Cow;
use std::fmt;
use std::io;

use crate::report::{JsonType, Location};

pub use body::PositionMap;
pub use exchanges::{ExchangeReader, exchange_of_line};
pub use har::{DEFAULT_MAX_ENTRY, HarReader};
pub use outcome::{Checked, Coverage, Exercised, Options, Outcome, check};

/// `schemas/exchange.schema.json`: the JSON Schema 2020-12 document of one exchange log line,
/// published so that other tools can write logs [`ExchangeReader`] reads.
pub const EXCHANGE_SCHEMA: &str = include_str!("../../schemas/exchange.schema.json");

/// One recorded request and its response, holding nothing secret.
///
/// Non-exhaustive: built by the readers; more facts (the request's timing, say) may be added.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Exchange {
    /// 0-based position in the recording: the entry index in `log.entries`, or the count of
    /// exchange lines before this one in a log.
    pub index: u64,
    /// Where the entry (its `{`) or the log line starts in the file.
    pub at: Location,
    /// The request method, upper-cased (`GET`); `None` when not recorded. Borrowed for the
    /// methods HTTP defines, so that most exchanges allocate nothing for it.
    pub method: Option<Cow<'static, str>>,
    /// `scheme://host[:port]`, lower-cased, without user information; `None` when the URL is
    /// relative (an exchange log's `path`) or has no authority (`data:`, `about:`).
    pub origin: Option<String>,
    /// The URL's path as written (percent-encoding kept), without query or fragment; `/` for an
    /// empty path.
    pub path: Option<String>,
    /// The response status, 100–599; `None` when missing or not a response status (see
    /// [`EntryProblem::NoResponse`]).
    pub status: Option<u16>,
    /// The response content type as recorded (`application/json; charset=utf-8`); `None` when
    /// missing or empty. Borrowed for the most common JSON types, as for `method`.
    pub media_type: Option<Cow<'static, str>>,
    /// The response body.
    pub body: Body,
    /// What is wrong with the entry itself (not with the response it recorded), in the order
    /// found; empty for a well-formed entry.
    pub problems: Vec<EntryProblem>,
}

impl Exchange {
    /// Maps a location in the body (as a check of [`Body::bytes`] reports it; its `offset` is
    /// what counts) to the file; the entry's own location when the body has no positions.
    pub fn locate(&self, in_body: Location) -> Location {
        self.body.locate(in_body).unwrap_or(self.at)
    }
}

impl fmt::Display for Exchange {
    /// Where and what, for a finding's heading — `entry 3 (line 120): POST
    /// https://api.example.com/v1/orders → 202` — with `-` for what was not recorded. Nothing
    /// secret: only what the exchange keeps.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "entry {} (line {}): {} {}{} \u{2192} ",
            self.index,
            self.at.line,
            self.method.as_deref().unwrap_or("-"),
            self.origin.as_deref().unwrap_or(""),
            self.path.as_deref().unwrap_or("-"),
        )?;
        match self.status {
            Some(status) => write!(f, "{status}"),
            None => f.write_str("-"),
        }
    }
}

/// A response body as the recording holds it.
///
/// Non-exhaustive: other encodings may be told apart later.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Body {
    /// A JSON string (HAR `content.text`, a log's `body`), decoded to UTF-8.
    Text {
        /// The decoded body.
        bytes: Vec<u8>,
        /// Positions of the decoded bytes in the file.
        map: PositionMap,
    },
    /// Base64 (HAR `content.encoding: "base64"`, a log's `body_base64`), decoded: a position
    /// inside it has no place in the file, so every one maps to `at`.
    Base64 {
        /// The decoded body.
        bytes: Vec<u8>,
        /// Where the encoded string starts (its opening quote).
        at: Location,
    },
    /// The recorder did not keep the body: its own outcome (a warning), not an empty body.
    Unrecorded(Unrecorded),
    /// A body was recorded but cannot be decoded.
    Undecodable {
        /// Why, in words that quote nothing from the file.
        reason: String,
        /// Where the recorded body starts.
        at: Location,
    },
    /// The entry itself could not be read (see [`Exchange::problems`]), so neither could its
    /// body.
    Unread,
}

impl Body {
    /// The decoded body, for `Text` and `Base64`.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Body::Text { bytes, .. } | Body::Base64 { bytes, .. } => Some(bytes),
            _ => None,
        }
    }

    /// Maps a location in the decoded body (its `offset`) to the file; `None` when there is no
    /// recorded body.
    pub fn locate(&self, in_body: Location) -> Option<Location> {
        self.locate_offset(in_body.offset)
    }

    /// Maps a byte offset in the decoded body to the file: for text, the raw character that
    /// produced that byte (the `\` of an escape); for base64, the string's start. An offset past
    /// the end maps to the closing quote.
    pub fn locate_offset(&self, offset: usize) -> Option<Location> {
        match self {
            Body::Text { bytes, map } => Some(map.locate(bytes, offset)),
            Body::Base64 { at, .. } | Body::Undecodable { at, .. } => Some(*at),
            _ => None,
        }
    }
}

/// Why a body was not recorded.
///
/// Non-exhaustive: recorders find new ways to leave a body out.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unrecorded {
    /// `content` has no `text` (or `text` is `null`): Chrome for redirects and evicted bodies,
    /// Playwright with `content: "omit"`, Fiddler over its size limits (with a `comment`
    /// saying so), an exchange log line without `body`.
    NoText,
    /// No `response.content` (or no `response`) at all.
    NoContent,
    /// `text` is empty while `content.size` says the body had bytes: the recorder lost it. (An
    /// empty `text` with size 0, or no size, is a recorded empty body.)
    EmptyText {
        /// The recorded `content.size`.
        size: u64,
    },
    /// Playwright's `content: "attach"`: the body is in a file next to the HAR, named here (a
    /// SHA-1 and an extension, from `content._file` or `content._sha1`).
    Attached {
        /// The file name as recorded.
        file: String,
    },
}

impl fmt::Display for Unrecorded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unrecorded::NoText => f.write_str("the response body was not recorded (no text)"),
            Unrecorded::NoContent => f.write_str("the response body was not recorded (no content)"),
            Unrecorded::EmptyText { size } => write!(
                f,
                "the response body was not recorded (empty text, but a size of {size} bytes)"
            ),
            Unrecorded::Attached { file } => {
                write!(
                    f,
                    "the response body was recorded in a separate file, {file}"
                )
            }
        }
    }
}

/// Something wrong with one entry of a recording (one line of a log), as data.
///
/// Messages (`Display`) name members by their HAR path and never quote a value from the file.
/// Non-exhaustive: more problems may be told apart.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EntryProblem {
    /// The entry is not a JSON object.
    NotAnObject {
        /// What it is.
        found: JsonType,
    },
    /// The entry is not well-formed JSON (or not UTF-8); nothing of it was read.
    Malformed {
        /// Where it stops being readable.
        at: Location,
        /// What is wrong, in words that quote nothing from the file.
        reason: &'static str,
    },
    /// The entry is larger than the entry limit: skipped, never held, not read.
    Oversized {
        /// Its length in bytes (`None` when the file ended inside it).
        len: Option<u64>,
        /// The limit.
        max: usize,
    },
    /// A member the format requires is absent (or `null`).
    Missing {
        /// Its path, e.g. `response.status`.
        member: &'static str,
    },
    /// A member of the wrong JSON type.
    WrongType {
        /// Its path, e.g. `request.url`.
        member: &'static str,
        /// The type the format calls for.
        expected: JsonType,
        /// The type found.
        found: JsonType,
    },
    /// The request got no response: a status of 0 (Chrome, Firefox, mitmproxy) or -1
    /// (Playwright), as recorders write for a failed, blocked or aborted request.
    NoResponse {
        /// The status as recorded.
        recorded: i64,
        /// Whether the recorder gave a reason (`_error`, `_failureText`); its text is not kept.
        failure_recorded: bool,
    },
    /// A status outside 100–599.
    StatusOutOfRange {
        /// The status as recorded.
        status: i64,
    },
    /// The URL cannot be reduced to an origin and a path (it is not shown: it may hold secrets).
    BadUrl {
        /// The member that holds it.
        member: &'static str,
    },
    /// A member that must appear at most once appears again, or two members exclude each other
    /// (a log line with both `body` and `body_base64`).
    Conflict {
        /// What conflicts.
        what: &'static str,
    },
}

impl fmt::Display for EntryProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntryProblem::NotAnObject { found } => {
                write!(f, "the entry is {}, not an object", found.with_article())
            }
            EntryProblem::Malformed { at, reason } => {
                write!(
                    f,
                    "the entry is not readable: {reason} at line {}, column {}",
                    at.line, at.column
                )
            }
            EntryProblem::Oversized {
                len: Some(len),
                max,
            } => write!(
                f,
                "the entry is {len} bytes, over the entry limit of {max} bytes; not read"
            ),
            EntryProblem::Oversized { len: None, max } => {
                write!(
                    f,
                    "the entry is over the entry limit of {max} bytes; not read"
                )
            }
            EntryProblem::Missing { member } => write!(f, "`{member}` is missing"),
            EntryProblem::WrongType {
                member,
                expected,
                found,
            } => write!(
                f,
                "`{member}` is {}, expected {}",
                found.with_article(),
                expected.with_article()
            ),
            EntryProblem::NoResponse {
                recorded,
                failure_recorded,
            } => {
                write!(f, "the request got no response (status {recorded}")?;
                if *failure_recorded {
                    f.write_str(", with a failure reason")?;
                }
                f.write_str(")")
            }
            EntryProblem::StatusOutOfRange { status } => {
                write!(f, "the status {status} is not an HTTP status (100–599)")
            }
            EntryProblem::BadUrl { member } => {
                write!(f, "`{member}` is not a URL this tool can read (not shown)")
            }
            EntryProblem::Conflict { what } => f.write_str(what),
        }
    }
}

/// What is wrong with a recording as a whole, or with reading it.
///
/// Messages never quote a value from the file. Non-exhaustive: more failures may be told apart.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrafficError {
    /// Reading failed.
    #[error("cannot read the recording: {0}")]
    Read(#[from] io::Error),
    /// The file is JSON (or starts like it) but not a HAR: no `log.entries` array.
    #[error("not a HAR file: {reason} (line {}, column {})", at.line, at.column)]
    NotHar {
        /// What is missing or of the wrong kind.
        reason: &'static str,
        /// Where that was found (the start of the file, or the offending member).
        at: Location,
    },
    /// The file ends before its JSON does: the recorder was killed, or the copy is partial.
    /// Every complete entry before the cut was read.
    #[error(
        "the HAR file is cut short at line {}, column {}, after {entries} complete {}{}",
        at.line,
        at.column,
        if *entries == 1 { "entry" } else { "entries" },
        match partial {
            Some(p) => format!("; the entry starting at line {} is incomplete", p.line),
            None => String::new(),
        }
    )]
    Truncated {
        /// Where the file ends.
        at: Location,
        /// How many complete entries came before the cut.
        entries: u64,
        /// Where the incomplete entry starts, when the cut fell inside one.
        partial: Option<Location>,
    },
    /// The HAR's structure around the entries is not JSON (a missing comma between entries, a
    /// stray character): reading stops there.
    #[error("the HAR file is not well-formed JSON at line {}, column {}: expected {expected}", at.line, at.column)]
    Syntax {
        /// Where.
        at: Location,
        /// What was expected there.
        expected: &'static str,
    },
    /// More than whitespace after the HAR's top-level object.
    #[error("the HAR file goes on after its end, at line {}, column {}", at.line, at.column)]
    TrailingData {
        /// Where the extra data starts.
        at: Location,
    },
}

// Exchanges go to checking threads; readers to a thread of their own.
const _: fn() = || {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Exchange>();
    assert_send_sync::<TrafficError>();
};
