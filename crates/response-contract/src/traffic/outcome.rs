//! Recorded exchanges checked against a description: each routed by its method, path, status
//! and media type, and given exactly one [`Outcome`]; and the [`Coverage`] of the documented
//! responses the traffic exercised.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use super::{Body, EntryProblem, Exchange};
use crate::openapi::{OpenApi, Unmatched};
use crate::report::{Location, Operation, Report, Severity, Violation, ViolationKind};

/// What became of one recorded exchange: exactly one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// Routed, checked, no error (warnings allowed).
    Valid,
    /// Routed, checked, with errors.
    Invalid,
    /// No documented operation, or no response for its status (or media type): a warning, an
    /// error in strict mode.
    Unmatched,
    /// Not checked on purpose: not a JSON body, no response received, or filtered out.
    Skipped,
    /// The recorder did not keep the body: a warning.
    Unrecorded,
    /// The entry itself cannot be read (malformed, oversized, without a status): a failure of
    /// the recording, not of the API.
    Unreadable,
}

impl Outcome {
    /// `"valid"`, `"invalid"`, `"unmatched"`, `"skipped"`, `"unrecorded"` or `"unreadable"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Valid => "valid",
            Outcome::Invalid => "invalid",
            Outcome::Unmatched => "unmatched",
            Outcome::Skipped => "skipped",
            Outcome::Unrecorded => "unrecorded",
            Outcome::Unreadable => "unreadable",
        }
    }
}

/// One exchange's outcome and its report. The report's locations are in the recording (the
/// HAR file's line and column of the offending value), and its endpoint names the documented
/// response when the exchange was routed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Checked {
    /// The outcome.
    pub outcome: Outcome,
    /// The findings: the body's violations, or one violation saying why the exchange was not
    /// checked (none for a skipped one).
    pub report: Report,
    /// For a skipped exchange, why.
    pub skipped: Option<String>,
}

impl Checked {
    /// An exchange not checked on purpose (filtered out by its caller, say), and why.
    pub fn skipped(why: impl Into<String>) -> Checked {
        Checked {
            outcome: Outcome::Skipped,
            report: Report::default(),
            skipped: Some(why.into()),
        }
    }
}

/// How [`check`] treats what it cannot check.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct Options {
    /// Unmatched exchanges are errors, not warnings.
    pub strict: bool,
}

impl Options {
    /// Unmatched exchanges are errors, not warnings.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }
}

/// One violation at `at`, saying why an exchange was not checked.
fn one(severity: Severity, kind: ViolationKind, at: Location, message: String) -> Report {
    let mut report = Report::default();
    report.violations.push(Violation {
        severity,
        kind,
        pointer: String::new(),
        keyword: None,
        location: at,
        message,
    });
    report
}

/// Routes and checks one exchange against `api`.
pub fn check(api: &OpenApi, exchange: &Exchange, options: Options) -> Checked {
    let at = exchange.at;
    let done = |outcome, report| Checked {
        outcome,
        report,
        skipped: None,
    };
    let skip = Checked::skipped;
    // A request that got no response (status 0 or -1) is a fact of the recording, not a breach.
    if let Some(EntryProblem::NoResponse { .. }) = exchange.problems.first() {
        return skip(exchange.problems[0].to_string());
    }
    let (Some(method), Some(path), Some(status)) = (
        exchange.method.as_deref(),
        exchange.path.as_deref(),
        exchange.status,
    ) else {
        let why = match exchange.problems.first() {
            Some(problem) => problem.to_string(),
            None => "the entry lacks a method, a URL or a status".to_owned(),
        };
        return done(
            Outcome::Unreadable,
            one(
                Severity::Error,
                ViolationKind::UnreadableEntry,
                at,
                format!("(entry): {why}"),
            ),
        );
    };
    if let Some(problem) = exchange.problems.first() {
        return done(
            Outcome::Unreadable,
            one(
                Severity::Error,
                ViolationKind::UnreadableEntry,
                at,
                format!("(entry): {problem}"),
            ),
        );
    }
    // Not JSON by its own media type (an image, a page, a script): nothing to check, whether
    // documented or not.
    if let Some(media_type) = exchange.media_type.as_deref()
        && !crate::openapi::is_json_media_type(media_type)
    {
        return skip(format!("the body is {media_type}, not JSON"));
    }
    let route = match api.route(method, path, status, exchange.media_type.as_deref()) {
        Ok(route) => route,
        Err(Unmatched::NotJson { media_type, .. }) => {
            return skip(format!("the body is {media_type}, not JSON"));
        }
        Err(Unmatched::Broken { problem, .. }) => {
            return done(
                Outcome::Unreadable,
                one(
                    Severity::Error,
                    ViolationKind::Unmatched,
                    at,
                    format!("(entry): cannot be checked: the description has a problem: {problem}"),
                ),
            );
        }
        Err(unmatched) => {
            let severity = if options.strict {
                Severity::Error
            } else {
                Severity::Warning
            };
            let mut report = one(
                severity,
                ViolationKind::Unmatched,
                at,
                format!("(entry): {unmatched}"),
            );
            report.endpoint = None;
            return done(Outcome::Unmatched, report);
        }
    };
    let bytes = match &exchange.body {
        Body::Text { bytes, .. } | Body::Base64 { bytes, .. } => bytes.as_slice(),
        Body::Unrecorded(why) => {
            let mut report = one(
                Severity::Warning,
                ViolationKind::Unrecorded,
                at,
                format!("(entry): {why}; not checked"),
            );
            report.endpoint = Some(route.endpoint().clone());
            return done(Outcome::Unrecorded, report);
        }
        Body::Undecodable { reason, at } => {
            let mut report = one(
                Severity::Error,
                ViolationKind::UnreadableEntry,
                *at,
                format!("(entry): the body cannot be decoded: {reason}"),
            );
            report.endpoint = Some(route.endpoint().clone());
            return done(Outcome::Unreadable, report);
        }
        // A body the reader could not reach is an entry problem, handled above; an empty one
        // is what a response without content sends.
        _ => &[],
    };
    let mut report = api.check(&route, bytes);
    for v in &mut report.violations {
        v.location = exchange.locate(v.location);
        if let ViolationKind::DuplicateMember { first, .. } = &mut v.kind {
            *first = exchange.locate(*first);
        }
    }
    let outcome = if report.is_valid() {
        Outcome::Valid
    } else {
        Outcome::Invalid
    };
    done(outcome, report)
}

/// Which documented responses (operation and response key) a recording exercised, how often,
/// and which requests no operation documents.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    /// (operation, response key) → exchanges routed there, keyed by where the two live: a
    /// description hands out the same `Arc`s for every route to a response, so that a lookup
    /// hashes two addresses, not the operation's strings (counted once per exchange). The
    /// report compares by value, so counts under other `Arc`s of equal values add up.
    seen: HashMap<(usize, usize), Seen, BuildHasherDefault<Addresses>>,
    /// Undocumented requests: `METHOD /path` → (count, when first seen), at most
    /// [`Coverage::MAX_UNDOCUMENTED`] distinct ones (the rest are counted in
    /// `other_undocumented`). Which ones are listed must not depend on how a run split its
    /// recording into parts: they are the first met in recording order, so `merge` takes
    /// another part's requests in the order that part met them, not in hash order.
    undocumented: HashMap<String, (u64, u64)>,
    /// The order of the next request first seen.
    next_first: u64,
    other_undocumented: u64,
}

/// A documented response (operation, response key) and how many exchanges were routed there.
type Seen = (Arc<Operation>, Arc<str>, u64);

/// The key of [`Coverage::seen`]: the addresses of an operation and of a response key.
fn addresses(operation: &Arc<Operation>, response: &Arc<str>) -> (usize, usize) {
    (
        Arc::as_ptr(operation) as usize,
        Arc::as_ptr(response).cast::<u8>() as usize,
    )
}

/// A hasher for [`Coverage::seen`]'s two addresses: a multiply and a rotate per word (as
/// rustc's FxHasher) instead of SipHash, which guards against keys an attacker chooses — an
/// address is not one.
#[derive(Debug, Default, Clone, Copy)]
struct Addresses(u64);

impl Hasher for Addresses {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517C_C1B7_2722_0A95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// One documented response and how many exchanges exercised it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Exercised {
    /// The operation.
    pub operation: Arc<Operation>,
    /// The response key (`200`, `2XX`, `default`).
    pub response: String,
    /// Exchanges routed to it.
    pub count: u64,
}

impl Coverage {
    /// Distinct undocumented requests listed; more are only counted (a recording of millions
    /// of requests to ever-new paths must not grow this without bound).
    pub const MAX_UNDOCUMENTED: usize = 1000;

    /// Counts one exchange's outcome.
    pub fn record(&mut self, exchange: &Exchange, checked: &Checked) {
        if let Some(endpoint) = checked.report.endpoint() {
            self.seen
                .entry(addresses(&endpoint.operation, &endpoint.response))
                .or_insert_with(|| {
                    (
                        Arc::clone(&endpoint.operation),
                        Arc::clone(&endpoint.response),
                        0,
                    )
                })
                .2 += 1;
        } else if checked.outcome == Outcome::Unmatched {
            let key = format!(
                "{} {}",
                exchange.method.as_deref().unwrap_or("?"),
                exchange.path.as_deref().unwrap_or("?")
            );
            self.count_undocumented(key, 1);
        }
    }

    /// Adds `n` exchanges to an undocumented request: listed if it already is or there is
    /// room, else counted with the others.
    fn count_undocumented(&mut self, key: String, n: u64) {
        if let Some((count, _)) = self.undocumented.get_mut(&key) {
            *count += n;
        } else if self.undocumented.len() < Self::MAX_UNDOCUMENTED {
            self.undocumented.insert(key, (n, self.next_first));
            self.next_first += 1;
        } else {
            self.other_undocumented += n;
        }
    }

    /// Adds another coverage (of another part of the same run).
    pub fn merge(&mut self, other: Coverage) {
        for (key, (operation, response, n)) in other.seen {
            self.seen.entry(key).or_insert((operation, response, 0)).2 += n;
        }
        let mut theirs: Vec<(String, (u64, u64))> = other.undocumented.into_iter().collect();
        theirs.sort_unstable_by_key(|(_, (_, first))| *first);
        for (key, (n, _)) in theirs {
            self.count_undocumented(key, n);
        }
        self.other_undocumented += other.other_undocumented;
    }

    /// Every documented response of `api`, in description order, with its count (0 when the
    /// traffic never reached it).
    pub fn documented(&self, api: &OpenApi) -> Vec<Exercised> {
        let mut out = Vec::new();
        for (operation, keys) in api.operations() {
            for key in keys {
                let count = self
                    .seen
                    .values()
                    .filter(|(op, response, _)| **op == **operation && &**response == key)
                    .map(|(_, _, n)| *n)
                    .sum();
                out.push(Exercised {
                    operation: Arc::clone(operation),
                    response: key.to_owned(),
                    count,
                });
            }
        }
        out
    }

    /// The share of documented responses exercised at least once, in percent (100 for a
    /// description that documents none).
    pub fn percent(&self, api: &OpenApi) -> f64 {
        let rows = self.documented(api);
        if rows.is_empty() {
            return 100.0;
        }
        let hit = rows.iter().filter(|r| r.count > 0).count();
        hit as f64 * 100.0 / rows.len() as f64
    }

    /// Undocumented requests seen (`METHOD /path`, count), most frequent first, and how many
    /// more exchanges went to requests not listed.
    pub fn undocumented(&self) -> (Vec<(String, u64)>, u64) {
        let mut rows: Vec<(String, u64)> = self
            .undocumented
            .iter()
            .map(|(k, (n, _))| (k.clone(), *n))
            .collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        (rows, self.other_undocumented)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An exchange to a path no operation of the embedded description documents.
    fn undocumented(path: &str) -> (Exchange, Checked) {
        let exchange = Exchange {
            index: 0,
            at: Location::default(),
            method: Some("GET".into()),
            origin: None,
            path: Some(path.to_owned()),
            status: Some(200),
            media_type: Some("application/json".into()),
            body: Body::Base64 {
                bytes: b"{}".to_vec(),
                at: Location::default(),
            },
            problems: Vec::new(),
        };
        let checked = check(&OpenApi::bms(), &exchange, Options::default());
        assert_eq!(checked.outcome, Outcome::Unmatched, "{path}");
        (exchange, checked)
    }

    #[test]
    fn the_undocumented_requests_listed_are_the_first_met_whatever_the_split_into_parts() {
        // More distinct requests than are listed, some met again later: one coverage of the
        // whole recording, and the same recording in parts merged in order (each part with its
        // own hash order), list the same requests with the same counts.
        let paths: Vec<String> = (0..Coverage::MAX_UNDOCUMENTED + 300)
            .map(|i| {
                format!(
                    "/nowhere/{}",
                    (i * 7919) % (Coverage::MAX_UNDOCUMENTED + 200)
                )
            })
            .collect();
        let exchanges: Vec<(Exchange, Checked)> = paths.iter().map(|p| undocumented(p)).collect();
        let mut whole = Coverage::default();
        for (e, c) in &exchanges {
            whole.record(e, c);
        }
        for part in [1, 7, 250, 999, 1001] {
            let mut merged = Coverage::default();
            for chunk in exchanges.chunks(part) {
                let mut coverage = Coverage::default();
                for (e, c) in chunk {
                    coverage.record(e, c);
                }
                merged.merge(coverage);
            }
            assert_eq!(
                merged.undocumented(),
                whole.undocumented(),
                "parts of {part}"
            );
        }
        let (rows, others) = whole.undocumented();
        assert_eq!(rows.len(), Coverage::MAX_UNDOCUMENTED);
        assert_eq!(
            rows.iter().map(|(_, n)| n).sum::<u64>() + others,
            paths.len() as u64
        );
    }
}
