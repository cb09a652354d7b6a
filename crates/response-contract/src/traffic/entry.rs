//! One entry (a HAR entry, a log line) parsed in one pass into an [`Exchange`].
//!
//! The serde types are loose: every member may have any JSON type, and a wrong one becomes an
//! [`EntryProblem`] in words of this crate. serde_json's own messages are never shown: they
//! quote the values they reject, and a value may be a secret.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::body::{decode_base64, decode_string, decode_until_quote, first_special, specials};
use super::{Body, EntryProblem, Exchange, PositionMap, Unrecorded, url};
use crate::report::{JsonType, Location};

/// A member of any type: a string or number kept, anything else only named.
#[derive(Debug)]
pub(crate) enum Leaf<'a> {
    Str(Cow<'a, str>),
    Int(i64),
    Float(f64),
    Other(JsonType),
}

impl Leaf<'_> {
    fn json_type(&self) -> JsonType {
        match self {
            Leaf::Str(_) => JsonType::String,
            Leaf::Int(_) | Leaf::Float(_) => JsonType::Number,
            Leaf::Other(t) => *t,
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Leaf<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Leaf<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Leaf<'a>, E> {
                Ok(Leaf::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Leaf<'a>, E> {
                Ok(Leaf::Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Leaf<'a>, E> {
                Ok(Leaf::Str(Cow::Owned(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Leaf<'a>, E> {
                Ok(Leaf::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Leaf<'a>, E> {
                Ok(i64::try_from(v).map_or(Leaf::Float(v as f64), Leaf::Int))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Leaf<'a>, E> {
                Ok(Leaf::Float(v))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Leaf<'a>, E> {
                Ok(Leaf::Other(JsonType::Boolean))
            }
            fn visit_unit<E>(self) -> Result<Leaf<'a>, E> {
                Ok(Leaf::Other(JsonType::Null))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Leaf<'a>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Leaf::Other(JsonType::Object))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Leaf<'a>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Leaf::Other(JsonType::Array))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// An object read as `T`, or the type of whatever else is there.
#[derive(Debug)]
pub(crate) enum Loose<T> {
    Obj(T),
    Not(JsonType),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Loose<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Loose<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Loose<T>, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(Loose::Obj)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Loose<T>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Loose::Not(JsonType::Array))
            }
            fn visit_str<E>(self, _: &str) -> Result<Loose<T>, E> {
                Ok(Loose::Not(JsonType::String))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Loose<T>, E> {
                Ok(Loose::Not(JsonType::Number))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Loose<T>, E> {
                Ok(Loose::Not(JsonType::Number))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Loose<T>, E> {
                Ok(Loose::Not(JsonType::Number))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Loose<T>, E> {
                Ok(Loose::Not(JsonType::Boolean))
            }
            fn visit_unit<E>(self) -> Result<Loose<T>, E> {
                Ok(Loose::Not(JsonType::Null))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// A HAR entry: only what an [`Exchange`] keeps is read; the rest (headers, cookies, query
/// strings, `postData`, timings, custom `_` fields) is skipped unread.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct HarEntry<'a> {
    #[serde(borrow)]
    request: Option<Loose<HarRequest<'a>>>,
    #[serde(borrow)]
    response: Option<Loose<HarResponse<'a>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HarRequest<'a> {
    #[serde(borrow)]
    method: Option<Leaf<'a>>,
    #[serde(borrow)]
    url: Option<Leaf<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HarResponse<'a> {
    #[serde(borrow)]
    status: Option<Leaf<'a>>,
    #[serde(borrow)]
    content: Option<Loose<HarContent<'a>>>,
    /// Chrome, Firefox and mitmproxy: why the request failed (never kept).
    #[serde(rename = "_error")]
    error: Option<IgnoredAny>,
    /// Playwright: why the request failed (never kept).
    #[serde(rename = "_failureText")]
    failure_text: Option<IgnoredAny>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HarContent<'a> {
    #[serde(borrow)]
    size: Option<Leaf<'a>>,
    #[serde(borrow, rename = "mimeType")]
    mime_type: Option<Leaf<'a>>,
    #[serde(borrow)]
    text: Option<RawText<'a>>,
    #[serde(borrow)]
    encoding: Option<Leaf<'a>>,
    /// Playwright's `content: "attach"`.
    #[serde(borrow, rename = "_file")]
    file: Option<Leaf<'a>>,
    /// Playwright's `content: "attach"` inside a trace.
    #[serde(borrow, rename = "_sha1")]
    sha1: Option<Leaf<'a>>,
}

/// One line of an exchange log (`schemas/exchange.schema.json`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct LogLine<'a> {
    #[serde(borrow)]
    method: Option<Leaf<'a>>,
    #[serde(borrow)]
    url: Option<Leaf<'a>>,
    #[serde(borrow)]
    path: Option<Leaf<'a>>,
    #[serde(borrow)]
    status: Option<Leaf<'a>>,
    #[serde(borrow)]
    content_type: Option<Leaf<'a>>,
    #[serde(borrow)]
    body: Option<&'a RawValue>,
    #[serde(borrow)]
    body_base64: Option<&'a RawValue>,
}

/// A member's raw JSON text, as serde_json's `RawValue` gives it (checked as UTF-8), or as the
/// one-pass entry reader finds it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawText<'a>(&'a str);

impl<'de: 'a, 'a> Deserialize<'de> for RawText<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <&RawValue>::deserialize(d).map(|raw| RawText(raw.get()))
    }
}

/// Where a member's raw text sits, as a byte offset into the parsed text.
fn offset_in(base: &[u8], raw: &str) -> usize {
    (raw.as_ptr() as usize).saturating_sub(base.as_ptr() as usize)
}

/// The reason given for a text serde_json cannot read, without its message (which may quote a
/// value).
fn malformed_reason(error: &serde_json::Error) -> &'static str {
    match error.classify() {
        serde_json::error::Category::Data => "a member appears twice",
        serde_json::error::Category::Eof => "not well-formed JSON (it ends early)",
        _ => "not well-formed JSON (or nested deeper than 128 levels)",
    }
}

/// The byte offset in `text` of serde_json's error position (1-based line, column in bytes).
fn error_offset(text: &[u8], error: &serde_json::Error) -> usize {
    let mut line_start = 0;
    for _ in 1..error.line() {
        match memchr::memchr(b'\n', &text[line_start..]) {
            Some(k) => line_start += k + 1,
            None => break,
        }
    }
    (line_start + error.column().saturating_sub(1)).min(text.len())
}

/// The problem of bytes serde_json cannot read: not UTF-8 (anywhere in them), or not JSON where
/// serde_json says.
fn malformed(
    text: &[u8],
    error: &serde_json::Error,
    locate: &mut dyn FnMut(usize) -> Location,
) -> EntryProblem {
    match std::str::from_utf8(text) {
        Err(e) => EntryProblem::Malformed {
            at: locate(e.valid_up_to()),
            reason: "not UTF-8",
        },
        Ok(_) => EntryProblem::Malformed {
            at: locate(error_offset(text, error)),
            reason: malformed_reason(error),
        },
    }
}

/// Reads one HAR entry whose bytes are `text`. `locate` turns a byte offset in `text` into a
/// file location (offsets come in increasing order).
///
/// Only the members read must be UTF-8 (as with the whole-in-buffer path, which parses the
/// same way): invalid bytes in a skipped header do not make the entry unreadable.
pub(crate) fn har_exchange(
    index: u64,
    at: Location,
    text: &[u8],
    locate: &mut dyn FnMut(usize) -> Location,
) -> Exchange {
    match serde_json::from_slice::<Loose<HarEntry<'_>>>(text) {
        Ok(entry) => har_exchange_of(index, at, entry, text, locate),
        Err(e) => {
            let mut exchange = Exchange::unread(index, at);
            exchange.problems.push(malformed(text, &e, locate));
            exchange
        }
    }
}

/// Builds the exchange of a parsed HAR entry; `base` is the start of the bytes it was parsed
/// from, `locate` as for [`har_exchange`].
pub(crate) fn har_exchange_of(
    index: u64,
    at: Location,
    entry: Loose<HarEntry<'_>>,
    base: &[u8],
    locate: &mut dyn FnMut(usize) -> Location,
) -> Exchange {
    let mut exchange = Exchange::unread(index, at);
    let entry = match entry {
        Loose::Obj(entry) => entry,
        Loose::Not(found) => {
            exchange.problems.push(EntryProblem::NotAnObject { found });
            return exchange;
        }
    };
    let problems = &mut exchange.problems;
    match entry.request {
        Some(Loose::Obj(request)) => {
            exchange.method = method(request.method, "request.method", problems);
            (exchange.origin, exchange.path) = url_of(request.url, "request.url", problems);
        }
        Some(Loose::Not(found)) => problems.push(wrong("request", JsonType::Object, found)),
        None => problems.push(EntryProblem::Missing { member: "request" }),
    }
    exchange.body = match entry.response {
        Some(Loose::Obj(response)) => {
            let failure = response.error.is_some() || response.failure_text.is_some();
            exchange.status = status(response.status, "response.status", failure, problems);
            match response.content {
                Some(Loose::Obj(mut content)) => {
                    let mime_type = content.mime_type.take();
                    exchange.media_type =
                        media_type(mime_type, "response.content.mimeType", problems);
                    har_body(content, base, locate, problems)
                }
                Some(Loose::Not(found)) => {
                    problems.push(wrong("response.content", JsonType::Object, found));
                    Body::Unrecorded(Unrecorded::NoContent)
                }
                None => Body::Unrecorded(Unrecorded::NoContent),
            }
        }
        Some(Loose::Not(found)) => {
            problems.push(wrong("response", JsonType::Object, found));
            Body::Unrecorded(Unrecorded::NoContent)
        }
        None => {
            problems.push(EntryProblem::Missing { member: "response" });
            Body::Unrecorded(Unrecorded::NoContent)
        }
    };
    exchange
}

fn har_body(
    content: HarContent<'_>,
    base: &[u8],
    locate: &mut dyn FnMut(usize) -> Location,
    problems: &mut Vec<EntryProblem>,
) -> Body {
    let size = match content.size {
        Some(Leaf::Int(n)) => u64::try_from(n).ok(),
        Some(Leaf::Float(n)) if n >= 1.0 => Some(n as u64),
        _ => None,
    };
    let Some(raw) = content.text else {
        let file = match (content.file, content.sha1) {
            (Some(Leaf::Str(file)), _) | (None, Some(Leaf::Str(file))) => Some(file),
            _ => None,
        };
        return Body::Unrecorded(match file {
            Some(file) => Unrecorded::Attached {
                file: file.into_owned(),
            },
            None => Unrecorded::NoText,
        });
    };
    let at = locate(offset_in(base, raw.0));
    let base64 = match content.encoding {
        None => false,
        Some(Leaf::Str(e))
            if e.is_empty()
                || e.eq_ignore_ascii_case("utf8")
                || e.eq_ignore_ascii_case("utf-8") =>
        {
            false
        }
        Some(Leaf::Str(e)) if e.eq_ignore_ascii_case("base64") => true,
        Some(Leaf::Str(_)) => {
            return Body::Undecodable {
                reason: "`response.content.encoding` names an encoding other than base64"
                    .to_owned(),
                at,
            };
        }
        Some(other) => {
            problems.push(wrong(
                "response.content.encoding",
                JsonType::String,
                other.json_type(),
            ));
            return Body::Undecodable {
                reason: "`response.content.encoding` is not a string".to_owned(),
                at,
            };
        }
    };
    let body = string_body(raw.0, at, base64, "response.content.text", problems);
    match (&body, size) {
        (Body::Text { bytes, .. } | Body::Base64 { bytes, .. }, Some(size))
            if bytes.is_empty() && size > 0 =>
        {
            Body::Unrecorded(Unrecorded::EmptyText { size })
        }
        _ => body,
    }
}

/// A body written as a JSON string (`raw`, starting at `at`): text, or base64.
fn string_body(
    raw: &str,
    at: Location,
    base64: bool,
    member: &'static str,
    problems: &mut Vec<EntryProblem>,
) -> Body {
    if !raw.starts_with('"') {
        let found = raw_type(raw);
        if found == JsonType::Null {
            return Body::Unrecorded(Unrecorded::NoText);
        }
        problems.push(wrong(member, JsonType::String, found));
        return Body::Undecodable {
            reason: format!("`{member}` is not a string"),
            at,
        };
    }
    if base64 {
        return match serde_json::from_str::<Cow<'_, str>>(raw)
            .map_err(|_| "the base64 text is not a JSON string".to_owned())
            .and_then(|text| decode_base64(&text))
        {
            Ok(bytes) => Body::Base64 { bytes, at },
            Err(reason) => Body::Undecodable { reason, at },
        };
    }
    let first = Location {
        line: at.line,
        column: at.column + 1,
        offset: at.offset + 1,
    };
    match decode_string(&raw.as_bytes()[1..raw.len() - 1], first) {
        Ok((bytes, map)) => Body::Text { bytes, map },
        Err(reason) => Body::Undecodable { reason, at },
    }
}

fn raw_type(raw: &str) -> JsonType {
    match raw.as_bytes().first() {
        Some(b'{') => JsonType::Object,
        Some(b'[') => JsonType::Array,
        Some(b'"') => JsonType::String,
        Some(b't' | b'f') => JsonType::Boolean,
        Some(b'n') => JsonType::Null,
        _ => JsonType::Number,
    }
}

fn wrong(member: &'static str, expected: JsonType, found: JsonType) -> EntryProblem {
    EntryProblem::WrongType {
        member,
        expected,
        found,
    }
}

/// The methods of RFC 9110 and PATCH, as an [`Exchange`] keeps them without allocating.
const METHODS: [&str; 9] = [
    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT",
];

/// The media types most responses are recorded with, kept without allocating.
const MEDIA_TYPES: [&str; 3] = [
    "application/json",
    "application/json; charset=utf-8",
    "application/json;charset=UTF-8",
];

fn method(
    leaf: Option<Leaf<'_>>,
    member: &'static str,
    problems: &mut Vec<EntryProblem>,
) -> Option<Cow<'static, str>> {
    match leaf {
        Some(Leaf::Str(m)) if !m.is_empty() => Some(
            match METHODS.iter().find(|known| known.eq_ignore_ascii_case(&m)) {
                Some(known) => Cow::Borrowed(*known),
                None => Cow::Owned(m.to_ascii_uppercase()),
            },
        ),
        Some(Leaf::Str(_)) | None => {
            problems.push(EntryProblem::Missing { member });
            None
        }
        Some(other) => {
            problems.push(wrong(member, JsonType::String, other.json_type()));
            None
        }
    }
}

fn url_of(
    leaf: Option<Leaf<'_>>,
    member: &'static str,
    problems: &mut Vec<EntryProblem>,
) -> (Option<String>, Option<String>) {
    match leaf {
        Some(Leaf::Str(u)) => url::reduce(&u).unwrap_or_else(|()| {
            problems.push(EntryProblem::BadUrl { member });
            (None, None)
        }),
        None => {
            problems.push(EntryProblem::Missing { member });
            (None, None)
        }
        Some(other) => {
            problems.push(wrong(member, JsonType::String, other.json_type()));
            (None, None)
        }
    }
}

fn status(
    leaf: Option<Leaf<'_>>,
    member: &'static str,
    failure_recorded: bool,
    problems: &mut Vec<EntryProblem>,
) -> Option<u16> {
    let recorded = match leaf {
        Some(Leaf::Int(n)) => n,
        Some(Leaf::Float(n)) if n.fract() == 0.0 && n.abs() < 1e15 => n as i64,
        None | Some(Leaf::Other(JsonType::Null)) => {
            problems.push(EntryProblem::Missing { member });
            return None;
        }
        Some(other) => {
            problems.push(wrong(member, JsonType::Integer, other.json_type()));
            return None;
        }
    };
    match recorded {
        100..=599 => Some(recorded as u16),
        ..=0 => {
            problems.push(EntryProblem::NoResponse {
                recorded,
                failure_recorded,
            });
            None
        }
        _ => {
            problems.push(EntryProblem::StatusOutOfRange { status: recorded });
            None
        }
    }
}

fn media_type(
    leaf: Option<Leaf<'_>>,
    member: &'static str,
    problems: &mut Vec<EntryProblem>,
) -> Option<Cow<'static, str>> {
    match leaf {
        Some(Leaf::Str(m)) => {
            let m = url::trim(&m);
            (!m.is_empty()).then(|| match MEDIA_TYPES.iter().find(|known| **known == m) {
                Some(known) => Cow::Borrowed(*known),
                None => Cow::Owned(m.to_owned()),
            })
        }
        None | Some(Leaf::Other(JsonType::Null)) => None,
        Some(other) => {
            problems.push(wrong(member, JsonType::String, other.json_type()));
            None
        }
    }
}

/// Reads one exchange log line (see [`LogLine`]), UTF-8 checked as [`har_exchange`] does.
///
/// A line as loggers write it (the members of the schema, each once, strings without escapes
/// but the body's, an integer status) is read by [`fast_line`] in one pass that decodes the body
/// as it finds its end; any other line by serde_json, which then tells what is wrong with it.
pub(crate) fn log_exchange(
    index: u64,
    at: Location,
    text: &[u8],
    locate: &mut dyn FnMut(usize) -> Location,
) -> Exchange {
    // Read in place, not returned: the members are large, and moving them cost more than
    // reading the member names.
    let mut line = LogMembers::default();
    match fast_line(text, &mut line) {
        Some(()) => log_exchange_of(index, at, &mut line, text, locate),
        None => serde_log_exchange(index, at, text, locate),
    }
}

/// [`log_exchange`] through serde_json, for any line.
fn serde_log_exchange(
    index: u64,
    at: Location,
    text: &[u8],
    locate: &mut dyn FnMut(usize) -> Location,
) -> Exchange {
    let line = match serde_json::from_slice::<Loose<LogLine<'_>>>(text) {
        Ok(Loose::Obj(line)) => line,
        Ok(Loose::Not(found)) => {
            let mut exchange = Exchange::unread(index, at);
            exchange.problems.push(EntryProblem::NotAnObject { found });
            return exchange;
        }
        Err(e) => {
            let mut exchange = Exchange::unread(index, at);
            exchange.problems.push(malformed(text, &e, locate));
            return exchange;
        }
    };
    let mut members = LogMembers {
        method: line.method,
        url: line.url,
        path: line.path,
        status: line.status,
        content_type: line.content_type,
        body: line.body.map(LogBody::Raw),
        body_base64: line.body_base64,
    };
    log_exchange_of(index, at, &mut members, text, locate)
}

/// The members of a log line, however read.
#[derive(Debug, Default)]
struct LogMembers<'a> {
    method: Option<Leaf<'a>>,
    url: Option<Leaf<'a>>,
    path: Option<Leaf<'a>>,
    status: Option<Leaf<'a>>,
    content_type: Option<Leaf<'a>>,
    body: Option<LogBody<'a>>,
    body_base64: Option<&'a RawValue>,
}

/// A log line's `body`: its raw JSON (serde_json's read), or already decoded (the fast path's).
#[derive(Debug)]
enum LogBody<'a> {
    Raw(&'a RawValue),
    Decoded {
        /// Where its opening quote sits in the line.
        offset: usize,
        bytes: Vec<u8>,
        exceptions: Vec<(u32, u8)>,
    },
}

impl LogBody<'_> {
    fn offset(&self, text: &[u8]) -> usize {
        match self {
            LogBody::Raw(raw) => offset_in(text, raw.get()),
            LogBody::Decoded { offset, .. } => *offset,
        }
    }
}

fn log_exchange_of(
    index: u64,
    at: Location,
    line: &mut LogMembers<'_>,
    text: &[u8],
    locate: &mut dyn FnMut(usize) -> Location,
) -> Exchange {
    let mut found = Vec::new();
    let problems = &mut found;
    let method = method(line.method.take(), "method", problems);
    let (origin, path) = match (line.url.take(), line.path.take()) {
        (Some(url), None) => url_of(Some(url), "url", problems),
        (None, Some(path)) => {
            let (_, path) = url_of(Some(path), "path", problems);
            (None, path)
        }
        (Some(url), Some(_)) => {
            problems.push(EntryProblem::Conflict {
                what: "both `url` and `path` are given; `url` was read",
            });
            url_of(Some(url), "url", problems)
        }
        (None, None) => {
            problems.push(EntryProblem::Missing { member: "url" });
            (None, None)
        }
    };
    let status = status(line.status.take(), "status", false, problems);
    let media_type = media_type(line.content_type.take(), "content_type", problems);
    let body = match (line.body.take(), line.body_base64) {
        (Some(LogBody::Raw(body)), None) => {
            let body = body.get();
            string_body(body, locate(offset_in(text, body)), false, "body", problems)
        }
        (
            Some(LogBody::Decoded {
                offset,
                bytes,
                exceptions,
            }),
            None,
        ) => {
            let at = locate(offset);
            let first = Location {
                line: at.line,
                column: at.column + 1,
                offset: at.offset + 1,
            };
            Body::Text {
                bytes,
                map: PositionMap::new(first, exceptions),
            }
        }
        (None, Some(body)) => string_body(
            body.get(),
            locate(offset_in(text, body.get())),
            true,
            "body_base64",
            problems,
        ),
        (None, None) => Body::Unrecorded(Unrecorded::NoText),
        (Some(body), Some(_)) => {
            problems.push(EntryProblem::Conflict {
                what: "both `body` and `body_base64` are given",
            });
            Body::Undecodable {
                reason: "both `body` and `body_base64` are given".to_owned(),
                at: locate(body.offset(text)),
            }
        }
    };
    // Built whole where it is returned, not built and then copied there.
    Exchange {
        index,
        at,
        method,
        origin,
        path,
        status,
        media_type,
        body,
        problems: found,
    }
}

/// The name of a log line's `status` and of a HAR response's: a contract's member name too, so
/// written once.
const STATUS: &[u8] = b"status";

/// Reads a log line the way loggers write it, in one pass, into `members` (default ones), or
/// `None` for any line that is not so plain (`members` then holds what was read before, not to
/// be used): then serde_json reads it and tells what is wrong, so this accepts nothing it would
/// refuse and reads every member it keeps as it would. Plain means: one object (whitespace
/// around), no member but the schema's `method`, `url`, `path`, `status`, `content_type` and
/// `body`, each at most once, with names unescaped; `status` an integer from 1 to 999; the other
/// members strings without escapes (`body` with any valid ones), in UTF-8.
///
/// Most of a log is the body: decoding it while its end is found, instead of scanning it
/// (serde_json's `RawValue`) and then decoding it, halves the work of reading a line.
fn fast_line<'t>(text: &'t [u8], members: &mut LogMembers<'t>) -> Option<()> {
    let mut i = skip_ws(text, 0);
    if text.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_ws(text, i + 1);
    if text.get(i) == Some(&b'}') {
        i += 1;
    } else {
        loop {
            let (name, after) = schema_name(text, i).or_else(|| plain_name(text, i))?;
            i = skip_ws(text, after);
            if text.get(i) != Some(&b':') {
                return None;
            }
            i = skip_ws(text, i + 1);
            // With the values a member mostly has, which need no UTF-8 check.
            let slot = match name {
                b"method" => Some((&mut members.method, &METHODS[..])),
                b"url" => Some((&mut members.url, &[][..])),
                b"path" => Some((&mut members.path, &[][..])),
                STATUS => Some((&mut members.status, &[][..])),
                b"content_type" => Some((&mut members.content_type, &MEDIA_TYPES[..])),
                b"body" => {
                    if members.body.is_some() || text.get(i) != Some(&b'"') {
                        return None;
                    }
                    let decoded = decode_until_quote(text, i + 1).ok()?;
                    if decoded.end >= text.len()
                        || (!decoded.ascii && std::str::from_utf8(&text[i..decoded.end]).is_err())
                    {
                        return None;
                    }
                    members.body = Some(LogBody::Decoded {
                        offset: i,
                        bytes: decoded.bytes,
                        exceptions: decoded.exceptions,
                    });
                    i = decoded.end + 1;
                    None
                }
                _ => return None,
            };
            if let Some((slot, usual)) = slot {
                if slot.is_some() {
                    return None;
                }
                let (leaf, after) = if text.get(i) == Some(&b'"') {
                    let (value, after) = plain_name(text, i)?;
                    let value = match known(value, usual) {
                        Some(known) => known,
                        None => std::str::from_utf8(value).ok()?,
                    };
                    (Leaf::Str(Cow::Borrowed(value)), after)
                } else {
                    plain_status(text, i)?
                };
                *slot = Some(leaf);
                i = after;
            }
            i = skip_ws(text, i);
            match text.get(i) {
                Some(b',') => i = skip_ws(text, i + 1),
                Some(b'}') => {
                    i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    (skip_ws(text, i) == text.len()).then_some(())
}

/// The one of `texts` that `value` is. Inlined: a call would cost more than the comparisons.
#[inline(always)]
// `Iterator::find` here cost ~140 instructions an exchange more (callgrind, job-status log).
#[allow(clippy::manual_find)]
fn known(value: &[u8], texts: &[&'static str]) -> Option<&'static str> {
    for &text in texts {
        if text.as_bytes() == value {
            return Some(text);
        }
    }
    None
}

/// The index of the first byte from `i` on that is not JSON whitespace.
fn skip_ws(text: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = text.get(i) {
        i += 1;
    }
    i
}

/// A member name of the schema, written plainly, starting with the quote at `text[i]`, and the
/// index after it; `None` for any other string (which [`plain_name`] then reads). A name known
/// in advance is compared whole, cheaper than searching for its end.
fn schema_name(text: &[u8], i: usize) -> Option<(&[u8], usize)> {
    #[inline(always)]
    fn quoted<'t>(rest: &'t [u8], name: &[u8]) -> Option<&'t [u8]> {
        let found = rest.get(..name.len())?;
        (found == name && rest.get(name.len()) == Some(&b'"')).then_some(found)
    }
    if text.get(i) != Some(&b'"') {
        return None;
    }
    let rest = &text[i + 1..];
    let name = match rest.first()? {
        b'm' => quoted(rest, b"method"),
        b'u' => quoted(rest, b"url"),
        b'p' => quoted(rest, b"path"),
        b'c' => quoted(rest, b"content_type"),
        b'b' => quoted(rest, b"body"),
        b's' => quoted(rest, STATUS),
        _ => None,
    }?;
    Some((name, i + name.len() + 2))
}

/// The contents of the string starting with the quote at `text[i]`, and the index after it;
/// `None` unless it has no escape and no control character. Not checked for UTF-8: a member
/// name is compared with ASCII names, a value is checked by [`fast_line`]. Inlined: a call's
/// set-up cost as much as reading most names and values.
#[inline(always)]
fn plain_name(text: &[u8], i: usize) -> Option<(&[u8], usize)> {
    if text.get(i) != Some(&b'"') {
        return None;
    }
    // Words read in place: most names and values are a word or two long, too short to pay for
    // setting up a search over the rest of the line.
    let mut end = i + 1;
    while let Some(word) = text.get(end..end + 8) {
        let m = specials(u64::from_le_bytes(word.try_into().unwrap_or_default()));
        if m != 0 {
            end += (m.trailing_zeros() / 8) as usize;
            return (text[end] == b'"').then(|| (&text[i + 1..end], end + 1));
        }
        end += 8;
    }
    end += first_special(&text[end..])?;
    (text[end] == b'"').then(|| (&text[i + 1..end], end + 1))
}

/// An integer from 1 to 999 at `text[i]` (what a status is), and the index after it; `None`
/// for any other value.
fn plain_status(text: &[u8], i: usize) -> Option<(Leaf<'static>, usize)> {
    let digits = text[i..]
        .iter()
        .take(4)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if !(1..=3).contains(&digits) || text[i] == b'0' {
        return None;
    }
    // A number goes on with a fraction or an exponent: serde_json reads those.
    if matches!(text.get(i + digits), Some(b'.' | b'e' | b'E')) {
        return None;
    }
    let n = text[i..i + digits]
        .iter()
        .fold(0i64, |n, &d| n * 10 + i64::from(d - b'0'));
    Some((Leaf::Int(n), i + digits))
}

/// Why [`fast_har_entry`] read no entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The bytes end inside it, and serde_json would say so too: read more first.
    Cut,
    /// Not plain enough: serde_json reads it and tells what is wrong, if anything.
    Other,
}

/// Nesting this deep is left to serde_json, which knows its own limit.
const FAST_DEPTH: usize = 64;

/// Reads the HAR entry (an object) at the start of `text` in one pass, as the derived types read
/// it through serde_json (the entry and its length in bytes), or tells that it cannot: it accepts nothing serde_json would refuse,
/// and reads every member it keeps as serde_json would. What it skips (headers, cookies,
/// timings, …) is checked as serde_json checks what it ignores, a string's bytes as UTF-8 too;
/// what it keeps must be plain: member names and kept strings without escapes, a status and a
/// size integers of at most 18 digits (not `-0`), `request`, `response` and `content` objects
/// or `null`, `text` any value. Anything else goes to serde_json, which then gives the same
/// entry or the same error as before.
///
/// Most of a HAR is what an entry skips: finding its end a word at a time, without building
/// what serde_json's visitors build, costs less than serde_json's own skipping.
pub(crate) fn fast_har_entry(text: &[u8]) -> Result<(Loose<HarEntry<'_>>, usize), Stop> {
    let mut entry = HarEntry::default();
    let mut seen = [false; 2];
    let end = object(text, 0, |text, i, name| {
        let k = match name {
            b"request" => 0,
            b"response" => 1,
            _ => return skip(text, i, 1),
        };
        if std::mem::replace(&mut seen[k], true) {
            return Err(Stop::Other);
        }
        if k == 0 {
            let (value, end) = loose(text, i, har_request)?;
            entry.request = value;
            Ok(end)
        } else {
            let (value, end) = loose(text, i, har_response)?;
            entry.response = value;
            Ok(end)
        }
    });
    Ok((Loose::Obj(entry), end?))
}

fn har_request(text: &[u8], i: usize) -> Result<(HarRequest<'_>, usize), Stop> {
    let mut request = HarRequest::default();
    let mut seen = [false; 2];
    let end = object(text, i, |text, i, name| {
        let (k, slot) = match name {
            b"method" => (0, &mut request.method),
            b"url" => (1, &mut request.url),
            _ => return skip(text, i, 2),
        };
        if std::mem::replace(&mut seen[k], true) {
            return Err(Stop::Other);
        }
        let (value, end) = leaf(text, i)?;
        *slot = value;
        Ok(end)
    })?;
    Ok((request, end))
}

fn har_response(text: &[u8], i: usize) -> Result<(HarResponse<'_>, usize), Stop> {
    let mut response = HarResponse::default();
    let mut seen = [false; 4];
    let end = object(text, i, |text, i, name| {
        let k = match name {
            STATUS => 0,
            b"content" => 1,
            b"_error" => 2,
            b"_failureText" => 3,
            _ => return skip(text, i, 2),
        };
        if std::mem::replace(&mut seen[k], true) {
            return Err(Stop::Other);
        }
        match k {
            0 => {
                let (value, end) = leaf(text, i)?;
                response.status = value;
                Ok(end)
            }
            1 => {
                let (value, end) = loose(text, i, har_content)?;
                response.content = value;
                Ok(end)
            }
            _ => {
                // `null` is no value: as for `Option<IgnoredAny>`.
                let end = skip(text, i, 3)?;
                let value = (&text[i..end] != b"null").then_some(IgnoredAny);
                if k == 2 {
                    response.error = value;
                } else {
                    response.failure_text = value;
                }
                Ok(end)
            }
        }
    })?;
    Ok((response, end))
}

fn har_content(text: &[u8], i: usize) -> Result<(HarContent<'_>, usize), Stop> {
    let mut content = HarContent::default();
    let mut seen = [false; 6];
    let end = object(text, i, |text, i, name| {
        let (k, slot) = match name {
            b"size" => (0, Some(&mut content.size)),
            b"mimeType" => (1, Some(&mut content.mime_type)),
            b"encoding" => (2, Some(&mut content.encoding)),
            b"_file" => (3, Some(&mut content.file)),
            b"_sha1" => (4, Some(&mut content.sha1)),
            b"text" => (5, None),
            _ => return skip(text, i, 3),
        };
        if std::mem::replace(&mut seen[k], true) {
            return Err(Stop::Other);
        }
        match slot {
            Some(slot) => {
                let (value, end) = leaf(text, i)?;
                *slot = value;
                Ok(end)
            }
            None => {
                let end = skip(text, i, 3)?;
                let raw = &text[i..end];
                if raw != b"null" {
                    // `RawValue` holds text: the whole value must be UTF-8.
                    let raw = std::str::from_utf8(raw).map_err(|_| Stop::Other)?;
                    content.text = Some(RawText(raw));
                }
                Ok(end)
            }
        }
    })?;
    Ok((content, end))
}

/// The object at `text[i]` (which must be `{`), each member's value read by `member` (given the
/// text, where the value starts and the name; it returns where the value ends); where it ends.
/// Names must be written without escapes.
fn object<'a>(
    text: &'a [u8],
    i: usize,
    mut member: impl FnMut(&'a [u8], usize, &[u8]) -> Result<usize, Stop>,
) -> Result<usize, Stop> {
    if text.get(i) != Some(&b'{') {
        return Err(Stop::Other);
    }
    let mut i = fast_ws(text, i + 1);
    if text.get(i) == Some(&b'}') {
        return Ok(i + 1);
    }
    loop {
        if text.get(i) != Some(&b'"') {
            return Err(cut_or_other(text, i));
        }
        let (end, plain) = string_end(text, i)?;
        if !plain {
            return Err(Stop::Other);
        }
        let name = &text[i + 1..end - 1];
        i = fast_ws(text, end);
        match text.get(i) {
            Some(b':') => {}
            None => return Err(Stop::Cut),
            Some(_) => return Err(Stop::Other),
        }
        i = fast_ws(text, i + 1);
        i = fast_ws(text, member(text, i, name)?);
        match text.get(i) {
            Some(b',') => i = fast_ws(text, i + 1),
            Some(b'}') => return Ok(i + 1),
            None => return Err(Stop::Cut),
            Some(_) => return Err(Stop::Other),
        }
    }
}

/// `Cut` at the end of `text`, `Other` before it.
fn cut_or_other(text: &[u8], i: usize) -> Stop {
    if i >= text.len() {
        Stop::Cut
    } else {
        Stop::Other
    }
}

/// An `Option<Loose<T>>` member at `text[i]`: `null`, or an object read by `read`; any other
/// value is left to serde_json.
fn loose<'a, T>(
    text: &'a [u8],
    i: usize,
    read: impl FnOnce(&'a [u8], usize) -> Result<(T, usize), Stop>,
) -> Result<(Option<Loose<T>>, usize), Stop> {
    match text.get(i) {
        Some(b'{') => {
            let (value, end) = read(text, i)?;
            Ok((Some(Loose::Obj(value)), end))
        }
        Some(b'n') => Ok((None, null(text, i)?)),
        Some(_) => Err(Stop::Other),
        None => Err(Stop::Cut),
    }
}

/// `null` at `text[i]`: where it ends.
fn null(text: &[u8], i: usize) -> Result<usize, Stop> {
    match text.get(i..i + 4) {
        Some(b"null") => Ok(i + 4),
        _ => Err(Stop::Other),
    }
}

/// An `Option<Leaf>` member at `text[i]`: `null`, a boolean, a string without escapes or a
/// plain integer; any other value is left to serde_json.
fn leaf(text: &[u8], i: usize) -> Result<(Option<Leaf<'_>>, usize), Stop> {
    match text.get(i) {
        None => Err(Stop::Cut),
        Some(b'"') => {
            let (end, plain) = string_end(text, i)?;
            if !plain {
                return Err(Stop::Other);
            }
            let value = std::str::from_utf8(&text[i + 1..end - 1]).map_err(|_| Stop::Other)?;
            Ok((Some(Leaf::Str(Cow::Borrowed(value))), end))
        }
        Some(b'n') => Ok((None, null(text, i)?)),
        Some(b't' | b'f') => Ok((Some(Leaf::Other(JsonType::Boolean)), skip(text, i, 0)?)),
        Some(b'-' | b'0'..=b'9') => {
            let end = number_end(text, i)?;
            let digits = &text[i..end];
            let negative = digits[0] == b'-';
            let digits = &digits[usize::from(negative)..];
            // A fraction or an exponent is a float; `-0` is one too in serde_json; more digits
            // may overflow: all left to serde_json.
            if digits.len() > 18
                || !digits.iter().all(u8::is_ascii_digit)
                || (negative && digits == b"0")
            {
                return Err(Stop::Other);
            }
            let n = digits
                .iter()
                .fold(0i64, |n, &d| n * 10 + i64::from(d - b'0'));
            Ok((Some(Leaf::Int(if negative { -n } else { n })), end))
        }
        Some(_) => Err(Stop::Other),
    }
}

/// The JSON whitespace from `text[i]` on skipped, eight spaces at a time where it can (the
/// indentation of a pretty-printed HAR).
fn fast_ws(text: &[u8], mut i: usize) -> usize {
    loop {
        match text.get(i) {
            Some(b' ') => {
                while text.get(i..i + 8) == Some(b"        ") {
                    i += 8;
                }
                while text.get(i) == Some(&b' ') {
                    i += 1;
                }
            }
            Some(b'\n' | b'\r' | b'\t') => i += 1,
            _ => return i,
        }
    }
}

/// Skips the value at `text[i]` (nested `depth` deep), checking it as serde_json checks a
/// value it ignores; where it ends.
fn skip(text: &[u8], i: usize, depth: usize) -> Result<usize, Stop> {
    match text.get(i) {
        None => Err(Stop::Cut),
        Some(b'"') => {
            let (end, _) = string_end(text, i)?;
            Ok(end)
        }
        Some(b'{') if depth < FAST_DEPTH => object(text, i, |text, i, _| skip(text, i, depth + 1)),
        Some(b'[') if depth < FAST_DEPTH => {
            let mut i = fast_ws(text, i + 1);
            if text.get(i) == Some(&b']') {
                return Ok(i + 1);
            }
            loop {
                i = fast_ws(text, skip(text, i, depth + 1)?);
                match text.get(i) {
                    Some(b',') => i = fast_ws(text, i + 1),
                    Some(b']') => return Ok(i + 1),
                    None => return Err(Stop::Cut),
                    Some(_) => return Err(Stop::Other),
                }
            }
        }
        Some(b't') if text.get(i..i + 4) == Some(b"true") => Ok(i + 4),
        Some(b'f') if text.get(i..i + 5) == Some(b"false") => Ok(i + 5),
        Some(b'n') => null(text, i),
        Some(b'-' | b'0'..=b'9') => number_end(text, i),
        Some(_) => Err(Stop::Other),
    }
}

/// Where the number at `text[i]` ends, by JSON's grammar; a number that reaches the end of
/// `text` (it may go on) is left to serde_json.
fn number_end(text: &[u8], mut i: usize) -> Result<usize, Stop> {
    let digits = |text: &[u8], mut i: usize| -> Result<usize, Stop> {
        let start = i;
        while text.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return Err(Stop::Other);
        }
        Ok(i)
    };
    if text.get(i) == Some(&b'-') {
        i += 1;
    }
    i = match text.get(i) {
        Some(b'0') => i + 1,
        Some(b'1'..=b'9') => digits(text, i)?,
        _ => return Err(Stop::Other),
    };
    if text.get(i) == Some(&b'.') {
        i = digits(text, i + 1)?;
    }
    if let Some(b'e' | b'E') = text.get(i) {
        i += 1;
        if let Some(b'+' | b'-') = text.get(i) {
            i += 1;
        }
        i = digits(text, i)?;
    }
    if i >= text.len() {
        return Err(Stop::Other);
    }
    Ok(i)
}

/// The value of the `\uXXXX` escape at `text[j]`, if it is one.
fn hex_escape(text: &[u8], j: usize) -> Option<u16> {
    let escape = text.get(j..j + 6)?;
    if escape[..2] != *b"\\u" {
        return None;
    }
    escape[2..].iter().try_fold(0u16, |n, &d| {
        let d = (d as char).to_digit(16)?;
        Some(n << 4 | d as u16)
    })
}

/// Where the string starting with the quote at `text[i]` ends (after its closing quote), and
/// whether it is plain (no escape). Escapes are checked as serde_json checks them (a lone
/// surrogate escape is left to serde_json), and the bytes for UTF-8.
fn string_end(text: &[u8], i: usize) -> Result<(usize, bool), Stop> {
    let mut j = i + 1;
    let mut high = 0u64;
    let mut escaped = false;
    loop {
        while let Some(word) = text.get(j..j + 8) {
            let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
            let m = specials(w);
            if m != 0 {
                let k = m.trailing_zeros() / 8;
                // The bytes before the first special (`k` is at most 7).
                high |= w & ((1u64 << (8 * k)) - 1);
                j += k as usize;
                break;
            }
            high |= w;
            j += 8;
        }
        match text.get(j) {
            None => return Err(Stop::Cut),
            Some(b'"') => break,
            Some(b'\\') => {
                escaped = true;
                match text.get(j + 1) {
                    None => return Err(Stop::Cut),
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => j += 2,
                    Some(b'u') => match hex_escape(text, j) {
                        Some(0xD800..=0xDBFF) => match hex_escape(text, j + 6) {
                            Some(0xDC00..=0xDFFF) => j += 12,
                            // A lone surrogate: what serde_json makes of it is its own.
                            _ => return Err(Stop::Other),
                        },
                        Some(0xDC00..=0xDFFF) | None => return Err(Stop::Other),
                        Some(_) => j += 6,
                    },
                    Some(_) => return Err(Stop::Other),
                }
            }
            Some(b) if *b < 0x20 => return Err(Stop::Other),
            Some(b) => {
                // Not special: a flag after the first of a word may be wrong, never the first.
                high |= u64::from(*b);
                j += 1;
            }
        }
    }
    if high & 0x8080_8080_8080_8080 != 0 && std::str::from_utf8(&text[i + 1..j]).is_err() {
        return Err(Stop::Other);
    }
    Ok((j + 1, !escaped))
}

impl Exchange {
    pub(crate) fn unread(index: u64, at: Location) -> Exchange {
        Exchange {
            index,
            at,
            method: None,
            origin: None,
            path: None,
            status: None,
            media_type: None,
            body: Body::Unread,
            problems: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locate(text: &[u8]) -> impl FnMut(usize) -> Location + '_ {
        move |off| Location {
            line: 1,
            column: 1 + super::super::body::chars(&text[..off.min(text.len())]),
            offset: off,
        }
    }

    /// Characters are counted eight bytes at a time as they are one by one.
    #[test]
    fn characters_are_counted_by_words_as_by_bytes() {
        let text = "aé😀\u{85}b\u{7f}ü–x".repeat(5);
        let bytes = [text.as_bytes(), b"\xff\x80\xc3"].concat();
        for from in 0..bytes.len() {
            for to in from..=bytes.len() {
                let slice = &bytes[from..to];
                let naive = slice.iter().filter(|&&b| (b as i8) >= -0x40).count();
                assert_eq!(super::super::body::chars(slice), naive, "{from}..{to}");
            }
        }
    }

    /// The one-pass reader of plain log lines reads what serde_json reads, and leaves every
    /// line it should not read to serde_json.
    #[test]
    fn plain_lines_are_read_as_serde_json_reads_them() {
        let plain: &[&str] = &[
            r#"{"method": "GET", "url": "https://h/v1/p/jobs/j1?t=s", "status": 200, "content_type": "application/json", "body": "{\"a\": 1}"}"#,
            r#"  {"body":"caf\u00e9 \ud83d\ude00 \/ \n\t\b\f\r\\ \u0001 é ünï 😀 12345678901234567890","status":404,"path":"/x?y","method":"post"}  "#,
            r#"{}"#,
            r#"{"method": 7, "url": "nope", "status": "200", "content_type": ""}"#,
            r#"{"method": "GET", "url": "https://h/", "status": 999, "body": ""}"#,
            r#"{"method": "GET", "url": "https://h/", "path": "/p", "status": 1, "body": "x"}"#,
            "{\"body\": \"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\"}",
            r#"{"method": "PATCH", "path": "/x", "status": 200, "content_type": "application/json;charset=UTF-8", "body": "{}"}"#,
            r#"{"method": "Get", "path": "/x", "status": 200, "content_type": " application/json; charset=utf-8 ", "body": "{}"}"#,
            r#"{"method": "propfind", "path": "/x", "status": 207, "content_type": "application/xml", "body": "<a/>"}"#,
        ];
        let other: &[&str] = &[
            r#"{"method": "GET", "method": "GET"}"#,
            r#"{"body": "a", "body": "b"}"#,
            r#"{"status": 200.0}"#,
            r#"{"status": 020}"#,
            r#"{"status": -1}"#,
            r#"{"status": 2000}"#,
            r#"{"status": 200e0}"#,
            r#"{"status": null}"#,
            r#"{"method": "G\u0045T"}"#,
            r#"{"m\u0065thod": "GET"}"#,
            r#"{"headers": []}"#,
            r#"{"body": "\ud800"}"#,
            r#"{"body": "\x"}"#,
            r#"{"body": "a"#,
            r#"{"body": null}"#,
            r#"{"body_base64": "e30="}"#,
            r#"{"body": "a"} x"#,
            r#"{"body": "a",}"#,
            r#"[]"#,
            "{\"body\": \"a\tb\"}",
            "{\"url\": \"a\u{1}b\"}",
            "{\"url\": \"https://example.com/a\u{1}b\"}",
            r#"{"url": "https://example.com/jobs\/7"}"#,
            r#"{"a_long_member_name\u0041": 1}"#,
        ];
        for line in plain {
            let text = line.as_bytes();
            assert!(
                fast_line(text, &mut LogMembers::default()).is_some(),
                "{line}"
            );
            let fast = log_exchange(3, Location::default(), text, &mut locate(text));
            let slow = serde_log_exchange(3, Location::default(), text, &mut locate(text));
            assert_eq!(fast, slow, "{line}");
            if let Body::Text { bytes, .. } = &fast.body {
                for k in 0..=bytes.len() {
                    assert_eq!(
                        fast.body.locate_offset(k),
                        slow.body.locate_offset(k),
                        "{line} {k}"
                    );
                }
            }
        }
        for line in other {
            assert!(
                fast_line(line.as_bytes(), &mut LogMembers::default()).is_none(),
                "{line}"
            );
        }
        let invalid_utf8 = b"{\"body\": \"\xC3(\"}";
        assert!(fast_line(invalid_utf8, &mut LogMembers::default()).is_none());
        let invalid_utf8 = b"{\"body\": \"12345678\xC3(\"}";
        assert!(fast_line(invalid_utf8, &mut LogMembers::default()).is_none());
        let invalid_utf8 = b"{\"url\": \"\xC3(\"}";
        assert!(fast_line(invalid_utf8, &mut LogMembers::default()).is_none());
    }

    /// What the one-pass HAR entry reader makes of `text`, checked against serde_json's reading
    /// through the derived types: an entry it reads is the same entry, of the same length; an
    /// entry it calls cut short is one serde_json finds the end of the bytes in.
    fn agrees_with_serde_json(text: &[u8]) -> &'static str {
        let shown = String::from_utf8_lossy(text);
        let mut stream =
            serde_json::Deserializer::from_slice(text).into_iter::<Loose<HarEntry<'_>>>();
        let derived = stream.next().map(|r| r.map(|e| (e, stream.byte_offset())));
        match fast_har_entry(text) {
            Ok((entry, len)) => {
                let Some(Ok((derived, derived_len))) = derived else {
                    panic!("read in one pass, refused by serde_json: {shown}");
                };
                assert_eq!(len, derived_len, "{shown}");
                let at = Location::default();
                assert_eq!(
                    har_exchange_of(1, at, entry, text, &mut locate(text)),
                    har_exchange_of(1, at, derived, text, &mut locate(text)),
                    "{shown}"
                );
                "read"
            }
            Err(Stop::Cut) => {
                assert!(
                    matches!(&derived, Some(Err(e)) if e.is_eof()),
                    "cut short in one pass, not for serde_json: {shown}"
                );
                "cut"
            }
            Err(Stop::Other) => "other",
        }
    }

    const CHROME_ENTRY: &str = r#"{
      "_initiator": {"type": "script", "stack": {"callFrames": [{"url": "https://x/app.js", "lineNumber": 10, "columnNumber": -1}]}},
      "_priority": "High", "cache": {}, "startedDateTime": "2026-11-29T10:00:00.100Z", "time": 87.25,
      "request": {"method": "get", "url": "https://u:p@API.example.com/v1/orders/7?session=s3cr3t", "httpVersion": "http/2.0",
                  "headers": [{"name": "authorization", "value": "Bearer s3cr3t"}, {"name": ":path", "value": "/v1/orders/7"}],
                  "queryString": [], "cookies": [{"name": "sid", "value": "x", "httpOnly": true, "secure": false}], "headersSize": -1, "bodySize": 0},
      "response": {"status": 200, "statusText": "", "headers": [], "cookies": [],
                   "content": {"size": 31, "mimeType": "application/json", "compression": 20,
                               "text": "{\"order_id\": \"caf\u00e9 \ud83d\ude00\", \"n\": 1, \"s\": \"a\/b\\c\"}"},
                   "redirectURL": "", "_transferSize": 812, "_error": null},
      "timings": {"blocked": 1.2e-1, "dns": -1, "_blocked_queueing": 0.9E+1}
    }"#;

    /// The one-pass HAR entry reader reads what serde_json reads through the derived types, and
    /// leaves every entry it should not read to serde_json.
    #[test]
    fn har_entries_are_read_in_one_pass_as_serde_json_reads_them() {
        let plain: &[&str] = &[
            CHROME_ENTRY,
            r#"{"response": {"content": {"text": "eyJhIjoxfQ==", "encoding": "base64", "mimeType": "application/json"}, "status": 201},
               "request": {"url": "/v1/x", "method": "POST"}}"#,
            r#"{"request": {"method": "GET", "url": "https://h/a"}, "response": {"status": 204, "content": {"size": 0, "mimeType": "x"}}}"#,
            r#"{"request": {"method": "GET", "url": "https://h/a"}, "response": {"status": 200, "content": {"size": 5, "text": null}}}"#,
            r#"{"request": {"method": "GET", "url": "https://h/a"}, "response": {"status": 200, "content": {"size": 5, "text": ""}}}"#,
            r#"{"request": {"method": "GET", "url": "https://h/a"}, "response": {"status": 200, "content": {"_file": "ab12.json", "mimeType": "application/json"}}}"#,
            r#"{"request": {"method": "GET", "url": "https://h/a"}, "response": {"status": 200, "content": {"_sha1": "ab12"}}}"#,
            r#"{"request": {"method": "GET", "url": "https://h/a"}, "response": {"status": 0, "_error": "net::ERR_FAILED", "content": {}}}"#,
            r#"{"request": {"method": "GET", "url": "https://h/a"}, "response": {"status": -1, "_failureText": "aborted"}}"#,
            r#"{"request": {"method": true, "url": null}, "response": {"status": null, "content": null}}"#,
            r#"{"request": null, "response": {"content": {"text": 7, "encoding": false}}}"#,
            r#"{"request": {"method": "GET", "url": "https://h/ä"}, "response": {"status": 999999999999999999, "content": {"text": {"a": [1, "b"]}}}}"#,
            r#"{"ü": "é", "request": {"ä": {"method": "x"}, "method": "GET"}, "x": "\u00e9 \/ \n", "y": [[], {}, [1, -2.5e-3, true, false, null]]}"#,
            "{\r\n\t\"request\" : {\"method\":\"GET\"} ,\"response\":{}\n}",
            r#"{}"#,
        ];
        for entry in plain {
            assert_eq!(agrees_with_serde_json(entry.as_bytes()), "read", "{entry}");
        }
        let deep = |n: usize| {
            format!(
                r#"{{"_x": {}1{}, "request": {{}}}}"#,
                "[".repeat(n),
                "]".repeat(n)
            )
        };
        let others: Vec<Vec<u8>> = [
            r#"{"request": {"method": "GET", "url": "https://h/a"}, "request": {}}"#,
            r#"{"request": {"method": null, "method": "GET"}}"#,
            r#"{"response": {"content": {"text": null, "text": "x"}}}"#,
            r#"{"response": {"_error": null, "_error": 1}}"#,
            r#"{"re\u0071uest": {"method": "GET", "url": "https://h/a"}, "response": {"status": 200}}"#,
            r#"{"request": {"method": "G\u0045T"}}"#,
            r#"{"response": {"status": 200.0}}"#,
            r#"{"response": {"status": 2e2}}"#,
            r#"{"response": {"status": -0}}"#,
            r#"{"response": {"status": 1234567890123456789}}"#,
            r#"{"response": {"status": 020}}"#,
            r#"{"response": {"content": {"size": 1.5}}}"#,
            r#"{"request": [], "response": "x"}"#,
            r#"{"request": {"method": {}}}"#,
            r#"{"x": "\ud800"}"#,
            r#"{"x": "\udc00"}"#,
            r#"{"x": "\u12G4"}"#,
            r#"{"x": "\u+123"}"#,
            r#"{"x": "\q"}"#,
            r#"{"x": [1, 2,]}"#,
            r#"{"x": {"a": 1,}}"#,
            r#"{"x": {,}}"#,
            r#"{"x": 01}"#,
            r#"{"x": 1.}"#,
            r#"{"x": 1e}"#,
            r#"{"x": -}"#,
            r#"{"x": tru}"#,
            r#"{"x": nul, "y": 1}"#,
            r#"{"x": 1 "y": 2}"#,
            r#"{"x" 1}"#,
            r#"{"request": {"method": "GET"},, "response": {}}"#,
            "{\"x\": \"a\tb\"}",
            "{\"x\": \"a\u{1}b\"}",
            r#"[1, 2]"#,
            r#""x""#,
            r#"{"x": 1}}"#,
        ]
        .iter()
        .map(|e| e.as_bytes().to_vec())
        .chain([deep(60).into_bytes(), deep(200).into_bytes()])
        .chain([
            b"{\"request\": {\"method\": \"GET\", \"headers\": [{\"value\": \"\xff\"}]}}".to_vec(),
            b"{\"\xff\": 1, \"request\": {}}".to_vec(),
            b"{\"request\": {\"method\": \"G\xffT\"}}".to_vec(),
            b"{\"response\": {\"content\": {\"text\": \"\xc3\xa9\xff\"}}}".to_vec(),
        ])
        .collect();
        for entry in &others {
            agrees_with_serde_json(entry);
        }
        // Every way the bytes may end inside an entry, and a byte changed anywhere in it.
        let bytes = CHROME_ENTRY.as_bytes();
        for end in 0..bytes.len() {
            assert_ne!(agrees_with_serde_json(&bytes[..end]), "read", "{end}");
        }
        let mut changed = bytes.to_vec();
        for at in 0..bytes.len() {
            for &b in b"\"\\{}[],: 0-.eEnu\x01\xff" {
                changed[at] = b;
                agrees_with_serde_json(&changed);
            }
            changed[at] = bytes[at];
        }
    }
}
