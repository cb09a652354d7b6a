//! Replays the committed fuzz corpora (`fuzz/corpus/<target>/`) and the regression inputs the
//! fuzzers found (`tests/fuzz_regressions/<target>/`) through the invariants the fuzz targets check.
//!
//! The invariants live here, once: the fuzz targets in `fuzz/fuzz_targets/` include this file with
//! `#[path]` (the `#[cfg(test)]` module at the end is not compiled there), so a fuzzer and
//! `cargo test` can never disagree about what "correct" means.
//!
//! Input formats, shared by the fuzz targets and the files under both directories:
//! - `validate`: the raw payload bytes.
//! - `json_lines`: three header bytes (line limit, batch size, read pattern; see
//!   [`JsonLinesSetup`]), then the JSON Lines input.
//! - `schema`: the schema document, one `0xFF` byte (never part of a JSON document, which is
//!   UTF-8), then the payload; without a `0xFF` the whole input is the schema and the payload is
//!   empty.
//! - `openapi`: an OpenAPI description (JSON or YAML), optionally one `0xFF` byte and a payload
//!   that every routed response is checked with (see [`check_openapi`]).
//! - `traffic`: a HAR file, read whole and through a reader that returns 1–7 bytes per read (the
//!   first byte chooses how many; see [`check_traffic`]).
//!
//! Invariants that the library is known to break are listed in [`OPEN`]: the fuzz targets and the
//! replay test skip them (so fuzzing can go on finding other bugs), and the `#[ignore]`d test
//! `open_findings_are_fixed` enforces them on the same inputs. When a finding is fixed, delete its
//! name from [`OPEN`] and the replay test guards it from then on.

#![allow(dead_code)]

use std::io::{self, Read};

use response_contract::lines::{Batches, LineKind};
use response_contract::traffic::{self, Body, EntryProblem, Exchange, HarReader, Outcome};
use response_contract::{
    Error, Expect, Limit, Limits, Location, OpenApi, Report, Schema, Severity, Validator, Variant,
    Violation, ViolationKind,
};

/// Findings reported to the library owner and not fixed yet: the invariants named here are
/// checked only when the environment variable `FUZZ_ENFORCE_OPEN` is set (the ignored test sets
/// it for itself). See `fuzz/README.md` for each one's reproducer.
pub const OPEN: &[&str] = &[];

fn enforce(finding: &str) -> bool {
    use std::sync::OnceLock;
    static FROM_ENV: OnceLock<bool> = OnceLock::new();
    !OPEN.contains(&finding)
        || ENFORCE_OPEN.with(std::cell::Cell::get)
        || *FROM_ENV.get_or_init(|| std::env::var_os("FUZZ_ENFORCE_OPEN").is_some())
}

std::thread_local! {
    /// Set by the ignored test for its own thread: enforce every finding in [`OPEN`].
    static ENFORCE_OPEN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

// ---------------------------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------------------------

/// What every report must satisfy, whichever check made it.
pub fn check_report(data: &[u8], report: &Report, limits: &Limits, what: &str) {
    let locate = |offset| Location::of_offset(data, offset);
    let frame = Frame {
        len: data.len(),
        locate: &locate,
        entry_messages: false,
        collapsed: false,
    };
    check_report_in(&frame, report, limits, what);
}

/// What a report's locations point into: the payload itself, or (for recorded traffic) the file
/// the payload was recorded in.
pub struct Frame<'a> {
    /// The length of what locations point into.
    pub len: usize,
    /// The line and column of an offset there.
    pub locate: &'a dyn Fn(usize) -> Location,
    /// Whether `(entry): …` messages (an exchange that was not checked, and why) may appear.
    pub entry_messages: bool,
    /// Whether every position of the payload maps to one point (a base64 body, located at its
    /// string): a duplicate's first copy is then at, not before, it.
    pub collapsed: bool,
}

/// [`check_report`] with the locations in `frame`.
pub fn check_report_in(frame: &Frame<'_>, report: &Report, limits: &Limits, what: &str) {
    let violations = report.violations();
    let capped = violations.len() == limits.violations() + 1;
    assert!(
        violations.len() <= limits.violations() + 1,
        "{what}: {} violations listed, the limit is {}",
        violations.len(),
        limits.violations()
    );
    for (i, v) in violations.iter().enumerate() {
        let loc = v.location;
        assert!(
            loc.offset <= frame.len,
            "{what}: violation {i} at offset {} of a {}-byte payload: {v:#}",
            loc.offset,
            frame.len
        );
        assert!(
            loc.line >= 1 && loc.column >= 1,
            "{what}: violation {i} at {loc:?}: {v:#}"
        );
        assert_eq!(
            (frame.locate)(loc.offset),
            loc,
            "{what}: violation {i}'s line and column do not match its offset: {v:#}"
        );
        assert!(
            v.pointer.is_empty() || v.pointer.starts_with('/'),
            "{what}: violation {i} has the pointer {:?}",
            v.pointer
        );
        assert!(
            detail(v).is_some()
                || (frame.entry_messages
                    && v.pointer.is_empty()
                    && v.message.starts_with("(entry): ")),
            "{what}: violation {i}'s message does not start with its pointer {:?}: {:?}",
            v.pointer,
            v.message
        );
        let one_line = if frame.entry_messages && v.message.starts_with("(entry): ") {
            "traffic-one-line-messages"
        } else {
            "one-line-messages"
        };
        if enforce(one_line) {
            assert!(
                !v.message
                    .chars()
                    .any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}'),
                "{what}: violation {i}'s message is not one line of text \
                 (it holds a line break or control character): {:?}",
                v.message
            );
        }
        assert!(
            response_contract::ViolationKind::catalogue()
                .iter()
                .any(|(code, _)| *code == v.kind.code()),
            "{what}: the kind {} is not in the catalogue",
            v.kind.code()
        );
        if let ViolationKind::DuplicateMember { first, .. } = &v.kind {
            assert!(
                first.offset < loc.offset || (frame.collapsed && first.offset == loc.offset),
                "{what}: duplicate's first copy is not before it: {v:#}"
            );
            assert_eq!((frame.locate)(first.offset), *first, "{what}: {v:#}");
        }
        if let ViolationKind::LimitExceeded {
            limit: Limit::Violations,
            max,
        } = v.kind
        {
            assert!(
                capped && i == violations.len() - 1 && max == limits.violations(),
                "{what}: the violations-limit violation must come last, once, when the cap is hit"
            );
        }
    }
    if capped {
        assert!(
            matches!(
                violations.last().map(|v| &v.kind),
                Some(ViolationKind::LimitExceeded {
                    limit: Limit::Violations,
                    ..
                })
            ),
            "{what}: {} violations listed but the last one is not the violations limit",
            violations.len()
        );
    }
    // "All violations, errors and warnings, in payload order" (the cap's note comes last).
    let listed = if capped {
        &violations[..violations.len() - 1]
    } else {
        violations
    };
    assert!(
        listed
            .windows(2)
            .all(|w| w[0].location.offset <= w[1].location.offset),
        "{what}: violations are not in payload order: {report:#}"
    );
    assert_eq!(report.is_valid(), report.errors().next().is_none());
    assert_eq!(
        report.errors().count() + report.warnings().count(),
        violations.len()
    );
    // Rendering never fails.
    let _ = format!("{report}");
    let _ = format!("{report:#}");
}

/// A message is `<pointer>: <detail>`, the pointer shown as `(root)` when empty and with the
/// characters that would break the line (controls, U+2028, U+2029) written as `\u{…}` escapes.
/// Returns the detail, or `None` when the message does not start that way.
pub fn detail(v: &Violation) -> Option<&str> {
    let shown = if v.pointer.is_empty() {
        "(root)"
    } else {
        v.pointer.as_str()
    };
    let mut escaped = String::with_capacity(shown.len());
    for c in shown.chars() {
        if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
            escaped.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            escaped.push(c);
        }
    }
    [shown, escaped.as_str()]
        .into_iter()
        .find_map(|prefix| v.message.strip_prefix(prefix)?.strip_prefix(": "))
}

/// The facts of a violation without its wording: what redaction must leave unchanged.
fn shape(report: &Report) -> Vec<(Severity, ViolationKind, String, Option<String>, Location)> {
    report
        .violations()
        .iter()
        .map(|v: &Violation| {
            (
                v.severity,
                v.kind.clone(),
                v.pointer.clone(),
                v.keyword.as_deref().map(str::to_owned),
                v.location,
            )
        })
        .collect()
}

/// A redacted report has the same violations as the plain one, and never quotes a value.
fn check_redacted(plain: &Report, redacted: &Report, what: &str) {
    assert_eq!(
        plain.is_valid(),
        redacted.is_valid(),
        "{what}: redaction changed the verdict"
    );
    assert_eq!(
        plain.variant(),
        redacted.variant(),
        "{what}: redaction changed the variant"
    );
    assert_eq!(
        shape(plain),
        shape(redacted),
        "{what}: redaction changed the violations"
    );
    for v in redacted.violations() {
        if matches!(
            v.kind,
            ViolationKind::TypeMismatch { .. } | ViolationKind::Keyword { .. }
        ) {
            let detail = detail(v).unwrap_or(&v.message);
            for leak in ["the string \"", "the number ", "the boolean "] {
                assert!(
                    !detail.contains(leak),
                    "{what}: a redacted message quotes a value: {:?}",
                    v.message
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// validate
// ---------------------------------------------------------------------------------------------

/// The option combinations every payload is checked with.
pub fn validators() -> Vec<(&'static str, Validator)> {
    let v = Validator::new();
    let limits = Limits::DEFAULT;
    vec![
        ("default", v),
        ("strict", v.strict(true)),
        ("normal", v.expect(Expect::Normal)),
        ("abnormal", v.expect(Expect::Abnormal)),
        ("normal strict", v.expect(Expect::Normal).strict(true)),
        ("abnormal strict", v.expect(Expect::Abnormal).strict(true)),
        ("depth 1", v.limits(limits.max_depth(1))),
        ("depth 2", v.limits(limits.max_depth(2))),
        ("depth 3 strict", v.limits(limits.max_depth(3)).strict(true)),
        ("depth ceiling", v.limits(limits.max_depth(usize::MAX))),
        ("violations 1", v.limits(limits.max_violations(1))),
        (
            "violations 2 strict",
            v.limits(limits.max_violations(2)).strict(true),
        ),
        ("size 64", v.limits(limits.max_size(64))),
        ("redact", v.redact(true)),
        (
            "redact abnormal strict",
            v.redact(true).expect(Expect::Abnormal).strict(true),
        ),
    ]
}

fn has_kind(report: &Report, pred: impl Fn(&ViolationKind) -> bool) -> bool {
    report.violations().iter().any(|v| pred(&v.kind))
}

fn is_capped(report: &Report) -> bool {
    has_kind(report, |k| {
        matches!(
            k,
            ViolationKind::LimitExceeded {
                limit: Limit::Violations,
                ..
            }
        )
    })
}

/// The `validate` target: one payload under every option combination.
pub fn check_validate(data: &[u8]) {
    let default = response_contract::validate(data);
    assert_eq!(
        response_contract::is_valid(data),
        default.is_valid(),
        "is_valid() disagrees with validate(): {default:#}"
    );
    let mut reports = Vec::new();
    for (name, validator) in validators() {
        let report = validator.validate(data);
        assert_eq!(
            validator.is_valid(data),
            report.is_valid(),
            "{name}: Validator::is_valid disagrees with Validator::validate: {report:#}"
        );
        check_report(data, &report, validator.limits_ref(), name);
        if report.is_valid() {
            let variant = report.variant();
            assert!(
                variant.is_some(),
                "{name}: a valid report without a variant"
            );
            match validator.expectation() {
                Expect::Normal => assert_eq!(variant, Some(Variant::Normal), "{name}"),
                Expect::Abnormal => assert_eq!(variant, Some(Variant::Abnormal), "{name}"),
                Expect::Either => {}
                other => panic!("{name}: an expectation this replay does not know: {other:?}"),
            }
            // JSON text to serde_json too. (Not necessarily a `serde_json::Value`: a number beyond
            // the range of a float, like `1e400`, is valid JSON that `Value` refuses; the contract
            // allows it where it does not read it, by design.)
            assert!(
                serde_json::from_slice::<serde::de::IgnoredAny>(data).is_ok(),
                "{name}: valid, but serde_json does not read it as JSON"
            );
        }
        match validator.parse(data) {
            Ok(checked) => {
                assert!(
                    report.is_valid(),
                    "{name}: parse() succeeded on an invalid payload"
                );
                assert_eq!(
                    checked.report(),
                    &report,
                    "{name}: parse() reports differently"
                );
                assert_eq!(Some(checked.value().variant()), report.variant(), "{name}");
            }
            Err(err) => {
                assert!(
                    !report.is_valid(),
                    "{name}: the report is valid but parse() failed: {err:#}"
                );
                assert_eq!(err, report, "{name}: parse() reports differently");
            }
        }
        reports.push((name, validator, report));
    }
    let get = |wanted: &str| {
        &reports
            .iter()
            .find(|(n, ..)| *n == wanted)
            .expect("a validator")
            .2
    };
    let (plain, strict) = (get("default"), get("strict"));
    assert_eq!(&default, plain);

    // Strict mode turns exactly the warnings into errors (the default cap of 100 cannot hide one:
    // a capped plain report is invalid already).
    assert_eq!(
        strict.is_valid(),
        plain.is_valid() && plain.warnings().next().is_none(),
        "strict mode and warnings disagree:\nplain: {plain:#}\nstrict: {strict:#}"
    );
    if !is_capped(plain) && !is_capped(strict) {
        assert_eq!(
            shape_without_severity(plain),
            shape_without_severity(strict),
            "strict changed more than severities"
        );
    }

    // Either variant is valid exactly when one of the two expectations is.
    let (normal, abnormal) = (get("normal"), get("abnormal"));
    assert!(
        !(normal.is_valid() && abnormal.is_valid()),
        "valid as both variants"
    );
    assert_eq!(
        plain.is_valid(),
        normal.is_valid() || abnormal.is_valid(),
        "Expect::Either disagrees with Normal/Abnormal:\neither: {plain:#}\nnormal: {normal:#}\nabnormal: {abnormal:#}"
    );
    if plain.is_valid() {
        let same = if plain.variant() == Some(Variant::Normal) {
            normal
        } else {
            abnormal
        };
        assert_eq!(
            plain, same,
            "the expected variant's report differs from Either's"
        );
    }
    assert_eq!(
        get("normal strict").is_valid(),
        normal.is_valid() && normal.warnings().next().is_none()
    );
    assert_eq!(
        get("abnormal strict").is_valid(),
        abnormal.is_valid() && abnormal.warnings().next().is_none()
    );

    // A lower depth limit never accepts more.
    let (d1, d2) = (get("depth 1"), get("depth 2"));
    assert!(
        !d1.is_valid() || d2.is_valid(),
        "valid at depth 1 but not at depth 2"
    );
    assert!(
        !d2.is_valid() || plain.is_valid(),
        "valid at depth 2 but not at depth 128"
    );
    if d1.is_valid() {
        assert_eq!(
            d1, plain,
            "depth 1 accepted with another report than the default"
        );
    }
    let deepest = get("depth ceiling");
    assert!(
        !plain.is_valid() || deepest.is_valid(),
        "valid at depth 128 but not at the ceiling"
    );
    let depth_limited = |r: &Report| {
        has_kind(r, |k| {
            matches!(
                k,
                ViolationKind::LimitExceeded {
                    limit: Limit::Depth,
                    ..
                }
            )
        })
    };
    if !depth_limited(plain) && !is_capped(plain) {
        assert_eq!(
            deepest, plain,
            "within the default depth, the ceiling changed the report"
        );
    }

    // The size limit: over it, one violation and nothing parsed; within it, no difference.
    let size = get("size 64");
    if data.len() > 64 {
        assert_eq!(size.violations().len(), 1, "over the size limit: {size:#}");
        assert!(matches!(
            size.violations()[0].kind,
            ViolationKind::LimitExceeded {
                limit: Limit::Size,
                max: 64
            }
        ));
    } else {
        assert_eq!(size, plain, "under the size limit, the report changed");
    }

    // The violations cap keeps the first found and counts the rest; nothing is lost.
    let one = get("violations 1");
    if plain.violations().len() <= 1 {
        assert_eq!(one, plain, "under the violations limit, the report changed");
    } else if !is_capped(plain) {
        assert_eq!(one.violations().len(), 2, "{one:#}");
        let dropped = plain.violations().len() - 1;
        let note = &one.violations()[1].message;
        let plural = if dropped == 1 { "" } else { "s" };
        assert!(
            note.contains(&format!("{dropped} more violation{plural} not listed")),
            "the cap's count does not add up: {dropped} dropped, it says {note:?}"
        );
        assert_eq!(
            one.is_valid(),
            plain.is_valid(),
            "the violations cap changed the verdict"
        );
    }

    // Redaction changes wording only.
    check_redacted(plain, get("redact"), "redact");
    let v = Validator::new().expect(Expect::Abnormal).strict(true);
    check_redacted(
        &v.validate(data),
        get("redact abnormal strict"),
        "redact abnormal strict",
    );

    // The built-in check agrees with the schema engine running the contract's own documents,
    // except where they differ by design: numbers a float cannot hold (only the engine must read
    // them) and a violations cap filled by warnings (the engine reports no warnings).
    let engine = Schema::order_id_response().validate(data);
    check_report(data, &engine, &Limits::DEFAULT, "contract schema");
    assert_eq!(engine.variant(), None);
    let by_design = has_kind(&engine, |k| matches!(k, ViolationKind::NumberOutOfRange))
        || is_capped(plain)
        || is_capped(&engine);
    if !by_design {
        assert_eq!(
            plain.is_valid(),
            engine.is_valid(),
            "the built-in check and the schema engine disagree:\ncheck: {plain:#}\nengine: {engine:#}"
        );
    }
}

fn shape_without_severity(
    report: &Report,
) -> Vec<(ViolationKind, String, Option<String>, Location)> {
    shape(report)
        .into_iter()
        .map(|(_, k, p, kw, l)| (k, p, kw, l))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// json_lines
// ---------------------------------------------------------------------------------------------

/// How a `json_lines` input is read, from its first three bytes.
#[derive(Debug, Clone, Copy)]
pub struct JsonLinesSetup {
    /// The line limit: byte 0 below 128 is 0..=127 bytes, above it steps of 32 up to 4064.
    pub max_line: usize,
    /// The batch size to aim for: 1 + 4 × byte 1.
    pub batch: usize,
    /// Largest read the second reader returns (1 + byte 2 mod 64); `None` (byte 2 ≥ 192) reads
    /// the rest at once.
    pub chunk: Option<usize>,
    /// Whether the second reader also fails with `Interrupted` before every other read (byte 2
    /// odd), which the reader must retry.
    pub interrupt: bool,
}

impl JsonLinesSetup {
    pub fn split(data: &[u8]) -> Option<(JsonLinesSetup, &[u8])> {
        let [b0, b1, b2, rest @ ..] = data else {
            return None;
        };
        let max_line = if *b0 < 128 {
            *b0 as usize
        } else {
            (*b0 as usize - 128) * 32
        };
        let setup = JsonLinesSetup {
            max_line,
            batch: 1 + 4 * *b1 as usize,
            chunk: (*b2 < 192).then_some(1 + (*b2 as usize % 64)),
            interrupt: b2 & 1 == 1,
        };
        Some((setup, rest))
    }
}

/// A reader that hands out at most `chunk` bytes per read, optionally interrupted.
struct Trickle<'a> {
    data: &'a [u8],
    chunk: usize,
    interrupt: bool,
    calls: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.calls += 1;
        if self.interrupt && self.calls % 2 == 1 {
            return Err(io::Error::from(io::ErrorKind::Interrupted));
        }
        let n = self.chunk.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// One line as the reader must report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    Blank,
    Payload(Vec<u8>),
    Oversized(u64),
}

/// The lines of `input` by the module's documented rules: split at `\n`; a final line without
/// a newline is a line; one `\r` before the `\n` is not part of the line; a line longer than
/// `max_line` is oversized (its length without the line end); a line of only whitespace is blank.
pub fn expected_lines(input: &[u8], max_line: usize) -> Vec<Expected> {
    let mut raw: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
    if input.is_empty() || input.ends_with(b"\n") {
        raw.pop();
    }
    raw.into_iter()
        .map(|line| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.len() > max_line {
                Expected::Oversized(line.len() as u64)
            } else if line.trim_ascii().is_empty() {
                Expected::Blank
            } else {
                Expected::Payload(line.to_vec())
            }
        })
        .collect()
}

/// What a reader produced: (line number, line) for the non-blank lines, and the blank count.
fn read_all<R: Read>(reader: R, setup: &JsonLinesSetup) -> (Vec<(u64, Expected)>, u64) {
    let mut got = Vec::new();
    let mut blank = 0;
    let mut last = 0;
    for batch in Batches::new(reader, setup.max_line).batch_bytes(setup.batch) {
        let batch = batch.expect("reading from memory never fails");
        blank += batch.blank;
        for line in &batch.lines {
            assert!(
                line.number > last,
                "line numbers must increase: {} after {last}",
                line.number
            );
            last = line.number;
            let kind = match line.kind {
                LineKind::Payload => {
                    let bytes = batch.payload(line);
                    check_line(bytes, setup.max_line);
                    Expected::Payload(bytes.to_vec())
                }
                LineKind::Oversized { len } => {
                    assert!(
                        line.range.is_empty(),
                        "an oversized line holds bytes: {line:?}"
                    );
                    let report = Report::oversized(len, setup.max_line);
                    assert!(!report.is_valid());
                    check_report(b"", &report, &Limits::DEFAULT, "oversized line");
                    Expected::Oversized(len)
                }
                ref other => panic!("a kind of line this replay does not know: {other:?}"),
            };
            got.push((line.number, kind));
        }
    }
    (got, blank)
}

/// Every line gets a verdict, the same as a payload on its own.
fn check_line(bytes: &[u8], max_line: usize) {
    let validator = Validator::new().limits(Limits::DEFAULT.max_size(max_line));
    let report = validator.validate(bytes);
    assert_eq!(
        validator.is_valid(bytes),
        report.is_valid(),
        "a line's verdicts disagree: {report:#}"
    );
    check_report(bytes, &report, validator.limits_ref(), "line");
}

/// The `json_lines` target.
pub fn check_json_lines(data: &[u8]) {
    let Some((setup, input)) = JsonLinesSetup::split(data) else {
        return;
    };
    let expected = expected_lines(input, setup.max_line);
    let want_blank = expected.iter().filter(|e| **e == Expected::Blank).count() as u64;
    let want: Vec<(u64, Expected)> = expected
        .iter()
        .enumerate()
        .filter(|(_, e)| **e != Expected::Blank)
        .map(|(i, e)| (i as u64 + 1, e.clone()))
        .collect();

    let whole_raw = read_all(input, &setup);
    let whole = normalize(whole_raw.clone(), input);
    let (got, blank) = &whole;
    assert_eq!(
        got.len() as u64 + blank,
        whole_raw.0.len() as u64 + whole_raw.1,
        "normalizing lost lines"
    );
    assert_eq!(
        got.len() as u64 + blank,
        expected.len() as u64,
        "lines + blank lines must add up to the input's {} lines (setup {setup:?})",
        expected.len()
    );
    let want = normalize((want, want_blank), input);
    assert_eq!(
        got, &want.0,
        "the lines differ from the input's (setup {setup:?})"
    );
    assert_eq!(*blank, want.1, "blank lines miscounted (setup {setup:?})");

    // However the bytes arrive, the lines are the same: exactly, once the open findings about
    // the streamed path are fixed.
    if let Some(chunk) = setup.chunk {
        let trickle = Trickle {
            data: input,
            chunk,
            interrupt: setup.interrupt,
            calls: 0,
        };
        let pieces_raw = read_all(trickle, &setup);
        if enforce("lines-final-cr-len") {
            assert_eq!(
                pieces_raw, whole_raw,
                "the lines depend on how the input was read (setup {setup:?})"
            );
        } else {
            let pieces = normalize(pieces_raw, input);
            assert_eq!(
                pieces, whole,
                "the lines depend on how the input was read (setup {setup:?})"
            );
        }
    }
}

/// Makes two readings comparable where the documented rules leave room, and (while they are
/// open, see [`OPEN`]) where known findings make them differ.
///
/// - A line of only whitespace that is over the limit may be reported blank or oversized (the
///   module docs do not say which wins; the library counts it blank): counted blank here.
/// - While `lines-final-cr-len` is open, a final line without a newline that is oversized may
///   count its trailing `\r` in its length.
fn normalize(read: (Vec<(u64, Expected)>, u64), input: &[u8]) -> (Vec<(u64, Expected)>, u64) {
    let (lines, mut blank) = read;
    let total = input.split(|&b| b == b'\n').count() as u64;
    let mut out = Vec::with_capacity(lines.len());
    for (number, mut kind) in lines {
        if let Expected::Oversized(len) = &mut kind {
            let raw = input
                .split(|&b| b == b'\n')
                .nth((number - 1) as usize)
                .unwrap_or_default();
            if raw.trim_ascii().is_empty() {
                blank += 1;
                continue;
            }
            let unterminated = number == total && !input.ends_with(b"\n");
            if !enforce("lines-final-cr-len")
                && unterminated
                && raw.ends_with(b"\r")
                && *len == raw.len() as u64
            {
                *len -= 1;
            }
        }
        out.push((number, kind));
    }
    (out, blank)
}

/// Line `index` (0-based) of `input` without its line end.
fn raw_line(input: &[u8], index: usize) -> &[u8] {
    let line = input.split(|&b| b == b'\n').nth(index).unwrap_or_default();
    line.strip_suffix(b"\r").unwrap_or(line)
}

// ---------------------------------------------------------------------------------------------
// schema
// ---------------------------------------------------------------------------------------------

/// The `schema` input split at its first `0xFF`: (schema document, payload).
pub fn split_schema(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[]),
    }
}

/// The `schema` target.
pub fn check_schema(data: &[u8]) {
    let (document, payload) = split_schema(data);
    let schema = match Schema::from_json(document, "fuzz") {
        Ok(schema) => schema,
        Err(error) => {
            let _ = error.to_string();
            return;
        }
    };
    let report = schema.validate(payload);
    assert_eq!(
        schema.is_valid(payload),
        report.is_valid(),
        "Schema::is_valid disagrees with Schema::validate: {report:#}"
    );
    check_report(payload, &report, &Limits::DEFAULT, "schema");
    assert_eq!(
        report.variant(),
        None,
        "a schema report names a contract variant"
    );
    assert_eq!(
        schema.validate(payload),
        report,
        "the same check gave another report"
    );
    check_redacted(
        &report,
        &schema.clone().redact(true).validate(payload),
        "schema redact",
    );
    let capped = Limits::DEFAULT.max_violations(1);
    let one = schema.clone().limits(capped).validate(payload);
    check_report(payload, &one, &capped, "schema violations 1");
    assert_eq!(
        one.is_valid(),
        report.is_valid(),
        "the violations cap changed a schema verdict"
    );
    // The deepest nesting any configuration allows: no stack overflow in the parser or the
    // engine, and within the default depth the same report.
    let deepest = Limits::DEFAULT.max_depth(usize::MAX);
    let deep = schema.clone().limits(deepest).validate(payload);
    check_report(payload, &deep, &deepest, "schema depth ceiling");
    let depth_limited = has_kind(&report, |k| {
        matches!(
            k,
            ViolationKind::LimitExceeded {
                limit: Limit::Depth,
                ..
            }
        )
    });
    if !depth_limited && !is_capped(&report) {
        assert_eq!(
            deep, report,
            "within the default depth, the ceiling changed the schema report"
        );
    }

    // The plan's other options: formats asserted, shallow depth limits, a small size limit. The
    // fast verdict must equal the report's under each, and each report hold every invariant.
    let options = schema_options(&schema);
    for (name, option, limits) in &options {
        let r = option.validate(payload);
        assert_eq!(
            option.is_valid(payload),
            r.is_valid(),
            "{name}: Schema::is_valid disagrees with Schema::validate: {r:#}"
        );
        check_report(payload, &r, limits, name);
    }
    let get = |wanted: &str| {
        options
            .iter()
            .find(|(n, ..)| *n == wanted)
            .map(|(_, s, _)| s.validate(payload))
            .expect("an option set")
    };
    check_redacted(
        &get("schema formats"),
        &get("schema formats redact"),
        "schema formats redact",
    );
    let (d1, d2) = (get("schema depth 1"), get("schema depth 2"));
    assert!(
        !d1.is_valid() || d2.is_valid(),
        "schema: valid at depth 1 but not at depth 2"
    );
    assert!(
        !d2.is_valid() || report.is_valid(),
        "schema: valid at depth 2 but not at the default depth"
    );
    let size = get("schema size 64");
    if payload.len() > 64 {
        assert_eq!(size.violations().len(), 1, "over the size limit: {size:#}");
    } else {
        assert_eq!(
            size, report,
            "under the size limit, the schema report changed"
        );
    }

    // Differential: where the payload is plain JSON (nothing only this crate reports), the
    // verdict is the engine's own.
    let raw_hazard = |k: &ViolationKind| {
        !matches!(
            k,
            ViolationKind::TypeMismatch { .. }
                | ViolationKind::MissingMember { .. }
                | ViolationKind::UnknownMember { .. }
                | ViolationKind::Keyword { .. }
        )
    };
    if has_kind(&report, raw_hazard) {
        return;
    }
    let Ok(instance) = serde_json::from_slice::<serde_json::Value>(payload) else {
        // JSON with a number beyond a float (`1e400`) is JSON that `Value` cannot hold: the
        // plan reads numbers as written, so it may accept it; the engine cannot be asked.
        if serde_json::from_slice::<serde::de::IgnoredAny>(payload).is_ok() {
            return;
        }
        assert!(
            !report.is_valid(),
            "serde_json rejects a payload the schema check accepts"
        );
        return;
    };
    let Some(engine) = engine_for(document) else {
        return;
    };
    assert_eq!(
        report.is_valid(),
        engine.is_valid(&instance),
        "the schema check and the jsonschema engine disagree on {instance}: {report:#}"
    );
}

/// The option sets of a schema check beyond the default, with their limits.
pub fn schema_options(schema: &Schema) -> Vec<(&'static str, Schema, Limits)> {
    let limits = Limits::DEFAULT;
    let with = |l: Limits| (schema.clone().limits(l), l);
    let formats = schema.clone().assert_formats(true);
    let (depth1, l1) = with(limits.max_depth(1));
    let (depth2, l2) = with(limits.max_depth(2));
    let (size, ls) = with(limits.max_size(64));
    vec![
        ("schema formats", formats.clone(), limits),
        (
            "schema formats redact",
            formats.clone().redact(true),
            limits,
        ),
        (
            "schema formats depth 3 violations 2",
            formats.limits(limits.max_depth(3).max_violations(2)),
            limits.max_depth(3).max_violations(2),
        ),
        ("schema depth 1", depth1, l1),
        ("schema depth 2", depth2, l2),
        ("schema size 64", size, ls),
    ]
}

/// The engine compiled as `Schema::from_json` compiles it: draft 2020-12, with the contract's
/// documents registered under their `$id`s.
fn engine_for(document: &[u8]) -> Option<jsonschema::Validator> {
    let value: serde_json::Value = serde_json::from_slice(document).ok()?;
    let mut registry = jsonschema::Registry::new();
    for doc in response_contract::documents() {
        let source: serde_json::Value = serde_json::from_str(doc.source).ok()?;
        registry = registry.add(doc.id, source).ok()?;
    }
    let registry = registry.prepare().ok()?;
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .with_registry(&registry)
        .build(&value)
        .ok()
}

// ---------------------------------------------------------------------------------------------
// openapi
// ---------------------------------------------------------------------------------------------

/// The statuses every operation of a fuzzed description is routed with.
pub const OPENAPI_STATUSES: [u16; 5] = [200, 201, 204, 404, 500];

/// At most this many operations of one description are routed (a fuzzed description can list
/// thousands; the first ones are enough to drive routing and checking).
const OPENAPI_MAX_OPERATIONS: usize = 64;

/// A request path for a path template: each `{x}` replaced by `x1` (an unclosed `{` is kept).
pub fn concrete_path(template: &str) -> String {
    let mut out = String::with_capacity(template.len() + 8);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => {
                out.push_str(&rest[open + 1..open + close]);
                out.push('1');
                rest = &rest[open + close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Base paths a request may carry before its template: `""`, and the paths of the absolute URLs
/// the description names (its servers', found by a crude scan: the loader does not expose them,
/// and without the base path no request of a description with servers routes).
pub fn base_paths(description: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(description);
    let mut bases = vec![String::new()];
    for (at, _) in text.match_indices("://") {
        let url: String = text[at + 3..]
            .chars()
            .take_while(|c| !c.is_whitespace() && !"'\",}]#?".contains(*c))
            .collect();
        let base = url
            .find('/')
            .map_or("", |i| &url[i..])
            .trim_end_matches('/');
        if !bases.iter().any(|b| b == base) {
            bases.push(base.to_owned());
        }
        if bases.len() == 4 {
            break;
        }
    }
    bases
}

/// The `openapi` target: the description loads or is refused with a located problem; every
/// route of the first operations for a few statuses checks the payload with a sound report.
pub fn check_openapi(data: &[u8]) {
    let (description, payload) = split_schema(data);
    let api = match OpenApi::from_source(description, "fuzz.yaml") {
        Ok(api) => api,
        Err(Error::Description(problem)) => {
            if enforce("openapi-problem-located") {
                assert!(
                    problem.line >= 1 && problem.column >= 1,
                    "a refused description's problem is not located: {problem:?}"
                );
            }
            assert_eq!(problem.file, "fuzz.yaml", "{problem:?}");
            let _ = problem.to_string();
            return;
        }
        Err(other) => panic!("from_source failed with another error than Description: {other:?}"),
    };
    let _ = format!("{api:?}");
    for problem in api.problems() {
        assert!(
            !enforce("openapi-problem-located") || (problem.line >= 1 && problem.column >= 1),
            "a problem of the description is not located: {problem:?}"
        );
        let _ = problem.to_string();
    }
    let operations: Vec<_> = api
        .operations()
        .take(OPENAPI_MAX_OPERATIONS)
        .map(|(op, _)| std::sync::Arc::clone(op))
        .collect();
    let keys_of = |op: &response_contract::Operation| -> Option<Vec<String>> {
        api.operations()
            .find(|(o, _)| ***o == *op)
            .map(|(_, keys)| keys.into_iter().map(str::to_owned).collect())
    };
    let bases = base_paths(description);
    for op in &operations {
        let concrete = concrete_path(&op.path);
        for status in OPENAPI_STATUSES {
            // The first base path under which the request routes (or the last refusal).
            let mut by_path = api.route(&op.method, &concrete, status, None);
            for base in &bases[1..] {
                if by_path.is_ok() {
                    break;
                }
                by_path = api.route(&op.method, &format!("{base}{concrete}"), status, None);
            }
            let path = &concrete;
            let by_id = op
                .operation_id
                .as_deref()
                .map(|id| (id, api.route_operation(id, status, None)));
            if let Err(unmatched) = &by_path {
                let _ = unmatched.to_string();
            }
            if let Some((id, Err(unmatched))) = &by_id {
                assert!(
                    !matches!(
                        unmatched,
                        response_contract::Unmatched::NoOperationId { .. }
                    ),
                    "route_operation does not know the listed operationId {id:?}: {unmatched}"
                );
                let _ = unmatched.to_string();
            }
            if let Ok(route) = &by_path {
                let endpoint = route.endpoint();
                assert!(
                    endpoint.operation().method.eq_ignore_ascii_case(&op.method),
                    "{} {path} routed to {}",
                    op.method,
                    endpoint.operation()
                );
                let documented = keys_of(endpoint.operation())
                    .expect("route() returned an operation operations() does not list");
                check_openapi_route(&api, route, status, &documented, payload, "route");
            }
            if let Some((id, Ok(route))) = &by_id {
                // An operationId used twice is a problem of the description, and the first
                // operation that uses it is the one routed.
                let (first, first_keys) = api
                    .operations()
                    .find(|(o, _)| o.operation_id.as_deref() == Some(*id))
                    .map(|(o, k)| {
                        (
                            std::sync::Arc::clone(o),
                            k.into_iter().map(str::to_owned).collect::<Vec<_>>(),
                        )
                    })
                    .expect("the operation itself uses the id");
                assert_eq!(
                    route.endpoint().operation(),
                    &*first,
                    "route_operation({id:?}) routed to another operation than the first with the id"
                );
                if *first != **op {
                    assert!(
                        !api.problems().is_empty(),
                        "the operationId {id:?} is used twice, and no problem says so"
                    );
                }
                check_openapi_route(&api, route, status, &first_keys, payload, "route_operation");
            }
        }
    }
}

/// One routed response: its endpoint is the one asked for, and the payload's report is sound.
fn check_openapi_route(
    api: &OpenApi,
    route: &response_contract::Route,
    status: u16,
    documented: &[String],
    payload: &[u8],
    how: &str,
) {
    let endpoint = route.endpoint();
    let what = format!("{how} {} {status}", endpoint.operation());
    assert_eq!(endpoint.status(), status, "{what}: the endpoint's status");
    assert!(
        documented.iter().any(|k| k == endpoint.response()),
        "{what}: the response key {:?} is not among the documented {documented:?}",
        endpoint.response()
    );
    let report = api.check(route, payload);
    check_report(payload, &report, &Limits::DEFAULT, &what);
    assert_eq!(
        api.is_valid(route, payload),
        report.is_valid(),
        "{what}: OpenApi::is_valid disagrees with OpenApi::check: {report:#}"
    );
    assert_eq!(
        report.endpoint(),
        Some(endpoint),
        "{what}: the report does not name the routed endpoint"
    );
    assert_eq!(
        report.variant(),
        None,
        "{what}: a variant in an OpenAPI report"
    );
    assert_eq!(
        api.check(route, payload),
        report,
        "{what}: checked twice, two reports"
    );
    let capped = Limits::DEFAULT.max_violations(1);
    let one = api.clone().limits(capped).check(route, payload);
    check_report(payload, &one, &capped, &format!("{what} violations 1"));
    assert_eq!(
        one.is_valid(),
        report.is_valid(),
        "{what}: the violations cap changed the verdict"
    );
    let redacted = api.clone().redact(true);
    check_redacted(
        &report,
        &redacted.check(route, payload),
        &format!("{what} redact"),
    );
    assert_eq!(redacted.is_valid(route, payload), report.is_valid());
}

// ---------------------------------------------------------------------------------------------
// traffic
// ---------------------------------------------------------------------------------------------

/// The line and column of `offset` in a HAR file as the reader counts them: as
/// [`Location::of_offset`], except that a byte-order mark at the start takes no column.
pub fn har_location(har: &[u8], offset: usize) -> Location {
    let mut at = Location::of_offset(har, offset);
    if har.starts_with(b"\xEF\xBB\xBF") && at.line == 1 && at.offset >= 3 {
        at.column -= 1;
    }
    at
}

/// Everything a HAR reader gives, errors as their `Debug` text (comparable).
fn read_har<R: Read>(reader: R) -> Vec<Result<Exchange, String>> {
    let mut har = HarReader::new(reader);
    let mut items = Vec::new();
    for item in har.by_ref() {
        let failed = item.is_err();
        items.push(item.map_err(|e| {
            let shown = format!("{e}");
            assert!(
                one_line_text(&shown),
                "a traffic error is not one line: {shown:?}"
            );
            format!("{e:?}")
        }));
        assert!(items.len() < 1 << 20, "the reader does not end");
        if failed {
            break;
        }
    }
    // "At most one error, which ends it": nothing after the end, or after an error.
    for _ in 0..3 {
        assert!(
            har.next().is_none(),
            "the HAR reader yields more after its end"
        );
    }
    items
}

fn one_line_text(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}')
}

/// A location in the HAR file: within it, 1-based, and its line and column those of its offset.
fn check_har_location(har: &[u8], at: Location, what: &str) {
    assert!(
        at.offset <= har.len() && at.line >= 1 && at.column >= 1,
        "{what}: {at:?} is not in the {}-byte file",
        har.len()
    );
    assert_eq!(
        har_location(har, at.offset),
        at,
        "{what}: the line and column do not match the offset"
    );
}

/// The `traffic` target: a HAR file, read whole and in reads of 1–7 bytes (1 + the first byte
/// mod 7), each exchange checked against the BMS description.
pub fn check_traffic(data: &[u8]) {
    let whole = read_har(data);
    let chunk = 1 + data.first().map_or(0, |b| *b as usize % 7);
    let pieces = read_har(Trickle {
        data,
        chunk,
        interrupt: false,
        calls: 0,
    });
    assert_eq!(
        whole, pieces,
        "the exchanges depend on how the file was read ({chunk} bytes per read)"
    );
    let api = OpenApi::bms();
    let mut next = 0u64;
    for item in &whole {
        let exchange = match item {
            Ok(exchange) => exchange,
            Err(_) => {
                // Only the last item (read_har stops there).
                continue;
            }
        };
        let what = format!("entry {}", exchange.index);
        assert_eq!(exchange.index, next, "exchanges out of order");
        next += 1;
        let heading = format!("{exchange}");
        let _ = format!("{exchange:?}");
        if enforce("traffic-one-line-messages") {
            assert!(
                one_line_text(&heading),
                "{what}: the exchange's heading is not one line: {heading:?}"
            );
        }
        check_har_location(data, exchange.at, &what);
        if let Some(status) = exchange.status {
            assert!((100..=599).contains(&status), "{what}: status {status}");
        }
        for problem in &exchange.problems {
            assert!(one_line_text(&problem.to_string()), "{what}: {problem:?}");
            if let EntryProblem::Malformed { at, .. } = problem {
                check_har_location(data, *at, &format!("{what} malformed"));
            }
        }
        match &exchange.body {
            Body::Base64 { at, .. } | Body::Undecodable { at, .. } => {
                check_har_location(data, *at, &format!("{what} body"));
            }
            Body::Text { bytes, map } => {
                check_har_location(data, map.start(), &format!("{what} body start"));
                assert!(
                    bytes.len() <= data.len(),
                    "{what}: a text body longer than the file"
                );
            }
            _ => {}
        }
        check_exchange(&api, data, exchange, &what);
    }
    let errors = whole.iter().filter(|i| i.is_err()).count();
    assert!(errors <= 1, "more than one error");
    assert!(
        errors == 0 || whole.last().is_some_and(Result::is_err),
        "an error before the last item"
    );
}

/// One exchange checked against `api`: the outcome agrees with its report, the report's
/// locations point into the HAR file, and a checked body's verdict is the description's own.
fn check_exchange(api: &OpenApi, har: &[u8], exchange: &Exchange, what: &str) {
    let checked = traffic::check(api, exchange, traffic::Options::default());
    let report = &checked.report;
    let _ = format!("{checked:?}");
    let routed = report.endpoint().is_some();
    let body = exchange.body.bytes();
    match checked.outcome {
        Outcome::Valid | Outcome::Invalid => {
            assert!(routed, "{what}: {:?} but not routed", checked.outcome);
            assert_eq!(
                checked.outcome == Outcome::Valid,
                report.is_valid(),
                "{what}: the outcome {:?} and the report disagree: {report:#}",
                checked.outcome
            );
        }
        Outcome::Skipped => {
            assert!(
                report.violations().is_empty() && !routed,
                "{what}: skipped with findings: {report:#}"
            );
            assert!(
                checked.skipped.is_some(),
                "{what}: skipped without a reason"
            );
        }
        Outcome::Unmatched => {
            assert!(!routed, "{what}: unmatched, but routed");
            assert_eq!(report.violations().len(), 1, "{what}: {report:#}");
            assert!(
                report.is_valid(),
                "{what}: unmatched is a warning by default"
            );
        }
        Outcome::Unrecorded => {
            assert!(routed, "{what}: unrecorded, but not routed");
            assert!(
                matches!(exchange.body, Body::Unrecorded(_)),
                "{what}: unrecorded with a body {:?}",
                exchange.body
            );
            assert_eq!(report.violations().len(), 1, "{what}: {report:#}");
            assert!(report.is_valid(), "{what}: unrecorded is a warning");
        }
        Outcome::Unreadable => {
            assert!(!report.is_valid(), "{what}: unreadable, but valid");
            assert_eq!(report.violations().len(), 1, "{what}: {report:#}");
        }
        other => panic!("{what}: an outcome this replay does not know: {other:?}"),
    }
    if checked.outcome != Outcome::Skipped {
        assert!(
            checked.skipped.is_none(),
            "{what}: a skip reason, not skipped"
        );
        if checked.outcome != Outcome::Valid {
            assert!(
                !report.violations().is_empty(),
                "{what}: {:?} without a finding",
                checked.outcome
            );
        }
    }
    let locate = |offset| har_location(har, offset);
    let frame = Frame {
        len: har.len(),
        locate: &locate,
        entry_messages: true,
        collapsed: !matches!(exchange.body, Body::Text { .. }),
    };
    check_report_in(&frame, report, &Limits::DEFAULT, what);
    let (Outcome::Valid | Outcome::Invalid) = checked.outcome else {
        return;
    };
    // The body's own check, located in the body: the same findings, mapped into the file.
    let (Some(method), Some(path), Some(status)) = (
        exchange.method.as_deref(),
        exchange.path.as_deref(),
        exchange.status,
    ) else {
        panic!("{what}: checked without a method, path and status");
    };
    let route = api
        .route(method, path, status, exchange.media_type.as_deref())
        .unwrap_or_else(|e| panic!("{what}: checked, but it does not route: {e}"));
    assert_eq!(report.endpoint(), Some(route.endpoint()), "{what}");
    let body = body.unwrap_or_default();
    let own = api.check(&route, body);
    check_report(body, &own, &Limits::DEFAULT, &format!("{what} body"));
    assert_eq!(api.is_valid(&route, body), report.is_valid(), "{what}");
    assert_eq!(own.violations().len(), report.violations().len(), "{what}");
    for (in_body, in_file) in own.violations().iter().zip(report.violations()) {
        assert_eq!(
            exchange.locate(in_body.location),
            in_file.location,
            "{what}: a finding is not mapped into the file"
        );
        assert_eq!(
            (&in_body.kind.code(), &in_body.pointer, &in_body.message),
            (&in_file.kind.code(), &in_file.pointer, &in_file.message),
            "{what}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Replay
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod replay {
    use std::path::{Path, PathBuf};

    /// A fuzz target's invariant check.
    type Check = fn(&[u8]);

    const TARGETS: [(&str, Check); 5] = [
        ("validate", super::check_validate),
        ("json_lines", super::check_json_lines),
        ("schema", super::check_schema),
        ("openapi", super::check_openapi),
        ("traffic", super::check_traffic),
    ];

    fn inputs(target: &str) -> Vec<PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in [
            root.join("fuzz/corpus").join(target),
            root.join("tests/fuzz_regressions").join(target),
        ] {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries {
                let path = entry.expect("a readable directory entry").path();
                if path.is_file() {
                    files.push(path);
                }
            }
        }
        files.sort();
        files
    }

    fn replay(target: &str, check: fn(&[u8])) -> usize {
        let files = inputs(target);
        for path in &files {
            let data = std::fs::read(path).expect("a readable input");
            let outcome = std::panic::catch_unwind(|| check(&data));
            if let Err(panic) = outcome {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                panic!("{target}: {} fails: {message}", path.display());
            }
        }
        files.len()
    }

    #[test]
    fn validate_inputs_hold() {
        assert!(replay("validate", TARGETS[0].1) > 0, "no validate corpus");
    }

    #[test]
    fn json_lines_inputs_hold() {
        assert!(
            replay("json_lines", TARGETS[1].1) > 0,
            "no json_lines corpus"
        );
    }

    #[test]
    fn schema_inputs_hold() {
        assert!(replay("schema", TARGETS[2].1) > 0, "no schema corpus");
    }

    #[test]
    fn openapi_inputs_hold() {
        assert!(replay("openapi", TARGETS[3].1) > 0, "no openapi corpus");
    }

    #[test]
    fn traffic_inputs_hold() {
        assert!(replay("traffic", TARGETS[4].1) > 0, "no traffic corpus");
    }

    /// The `openapi` seeds reach checking: their descriptions load, and their operations route
    /// by concrete path and by `operationId`.
    #[test]
    fn openapi_seeds_route_their_operations() {
        assert_eq!(super::concrete_path("/a/{b}/c{d}e/{"), "/a/b1/cd1e/{");
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/openapi");
        for seed in ["seed-petstore-3.0", "seed-inventory-3.1", "seed-bms"] {
            let data = std::fs::read(root.join(seed)).expect("a seed");
            let (description, _) = super::split_schema(&data);
            let api = response_contract::OpenApi::from_source(description, "fuzz.yaml")
                .unwrap_or_else(|e| panic!("{seed}: {e}"));
            let mut routed = 0;
            let bases = super::base_paths(description);
            for (op, _) in api.operations() {
                let path = super::concrete_path(&op.path);
                routed += super::OPENAPI_STATUSES
                    .iter()
                    .filter(|&&s| {
                        bases.iter().any(|base| {
                            api.route(&op.method, &format!("{base}{path}"), s, None)
                                .is_ok()
                        })
                    })
                    .count();
                if let Some(id) = &op.operation_id {
                    assert!(api.route_operation(id, 200, None).is_ok() || routed > 0);
                }
            }
            assert!(routed >= 3, "{seed}: {routed} routes");
        }
    }

    /// libFuzzer never runs an empty input from a corpus directory; this does.
    #[test]
    fn empty_inputs_hold() {
        for (_, check) in TARGETS {
            check(b"");
        }
    }

    /// The findings in [`super::OPEN`], enforced: fails until the library owner fixes them.
    /// Run with `cargo test --test fuzz_regressions -- --ignored`.
    #[test]
    #[ignore = "open fuzzing findings in the library, see fuzz/README.md"]
    fn open_findings_are_fixed() {
        super::ENFORCE_OPEN.with(|flag| flag.set(true));
        for (target, check) in TARGETS {
            replay(target, check);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Open findings: minimal reproducers, one per entry of OPEN
// ---------------------------------------------------------------------------------------------

/// Each test states the behaviour the library should have. They fail today and are ignored until
/// the library owner fixes them (then remove the `#[ignore]` and the entry in [`OPEN`]).
/// Run them with `cargo test --test fuzz_regressions -- --ignored`.
#[cfg(test)]
mod findings {
    use super::*;

    fn one_line(message: &str) -> bool {
        !message
            .chars()
            .any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}')
    }

    /// `one-line-messages` (a): a syntax error quotes the offending character raw, so a C1
    /// control (U+0085 NEXT LINE) or U+2028 LINE SEPARATOR breaks the "one line" message.
    /// Found by the `validate` fuzzer; input `c2 85`.
    #[test]
    fn syntax_error_messages_escape_control_and_separator_characters() {
        for payload in [
            &b"\xc2\x85"[..],
            b"\xe2\x80\xa8",
            b"{\"order_id\": \"a\"\xc2\x9b}",
        ] {
            let report = response_contract::validate(payload);
            let message = &report.violations()[0].message;
            assert!(one_line(message), "{payload:02x?}: {message:?}");
        }
    }

    /// `one-line-messages` (b): messages start with the pointer, and the pointer holds member
    /// names raw: a name with `\n` or ESC forges extra CI log lines (`::error::…`) or terminal
    /// escapes in every report that shows it.
    #[test]
    fn member_names_cannot_break_a_message_line() {
        let payload = br#"{"order_id": "a", "job_id": "b", "x\n::error::forged\u001b[31m": 1}"#;
        let report = response_contract::validate(payload);
        assert_eq!(report.violations().len(), 1);
        let message = &report.violations()[0].message;
        assert!(one_line(message), "{message:?}");
    }

    /// `warnings-over-cap-invalid`: when only warnings overflow the violations limit, the note
    /// that counts them is an error, so the verdict depends on a display limit: this abnormal
    /// response with two unknown members is valid with the default limit, invalid with 1.
    #[test]
    fn the_violations_cap_does_not_change_the_verdict() {
        let payload = br#"{"error": {"message": "m", "code": "c", "a": 1, "b": 2}}"#;
        assert!(Validator::new().is_valid(payload));
        let capped = Validator::new().limits(Limits::DEFAULT.max_violations(1));
        assert!(capped.is_valid(payload), "{:#}", capped.validate(payload));
    }

    /// `lines-oversized-crlf-len`: an oversized line that is streamed past (longer than one
    /// read) counts the `\r` of its CRLF line end in `len`; the docs say "without its line end",
    /// and the same line whole in the buffer is counted without it.
    #[test]
    fn oversized_length_excludes_the_crlf() {
        let mut input = vec![b'x'; 100_000];
        input.extend_from_slice(b"\r\n{}\n");
        let lines: Vec<_> = Batches::new(&input[..], 10)
            .flat_map(|batch| batch.expect("in memory").lines)
            .collect();
        assert_eq!(lines[0].kind, LineKind::Oversized { len: 100_000 });
        assert_eq!(lines[1].number, 2);
    }

    /// `lines-final-cr-len`: a final line without a newline that ends in `\r` loses the `\r`
    /// when it is short (whole in the buffer), but an oversized one counts it in `len`: the
    /// streamed path's end of input (`n == 0` in `skip_line`) skips the CR adjustment.
    #[test]
    fn oversized_final_line_length_excludes_a_trailing_cr() {
        let short: Vec<_> = Batches::new(&b"{}\n[]\r"[..], 10)
            .flat_map(|batch| {
                let batch = batch.expect("in memory");
                batch
                    .lines
                    .iter()
                    .map(|l| batch.payload(l).to_vec())
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(
            short,
            [b"{}".to_vec(), b"[]".to_vec()],
            "the short final line's \\r is dropped"
        );
        let lines: Vec<_> = Batches::new(&b"abcdefghij\r"[..], 5)
            .flat_map(|batch| batch.expect("in memory").lines)
            .collect();
        assert_eq!(lines[0].kind, LineKind::Oversized { len: 10 });
    }

    /// `openapi-problem-located`: a JSON description that serde_json refuses at a line end (a
    /// raw newline in a string, say) is refused with column 0: the loader passes serde_json's
    /// `column()` on, which is 0 when the error is at the `\n` itself. Found by the `openapi`
    /// fuzzer on its `seed-bms` input within 40 runs.
    #[test]
    fn a_refused_description_is_located_at_a_column_of_at_least_1() {
        for text in [&b"{\"openapi\": \"3.1.0\n\"}"[..]] {
            match OpenApi::from_source(text, "api.json") {
                Err(Error::Description(problem)) => assert!(
                    problem.line >= 1 && problem.column >= 1,
                    "{}: {problem:?}",
                    String::from_utf8_lossy(text)
                ),
                other => panic!("refused with a Description problem, not {other:?}"),
            }
        }
    }

    /// `traffic-one-line-messages`: a HAR URL whose path holds a control character (JSON lets
    /// a recording write `\n` or `\u001b` in the `url` string) keeps it in `Exchange::path`, and
    /// both the exchange's heading (`Display`, "for a finding's heading") and the unmatched
    /// finding's message (`(entry): no documented path matches …`) show it raw: a recording can
    /// forge CI log lines (`::error::`) and terminal escapes, as member names could before
    /// `one-line-messages` was fixed. Found by the `traffic` fuzzer after about 61,000 runs (a
    /// `\n` in a URL of `seed-bms-session`).
    #[test]
    fn a_recorded_url_cannot_break_a_finding_line() {
        let har = br#"{"log": {"entries": [{"request": {"method": "GET", "url": "https://bms.example.com/v1/p1/\n::error::forged\u001b[31m"}, "response": {"status": 200, "content": {"mimeType": "application/json", "text": "{}"}}}]}}"#;
        let exchange = HarReader::new(&har[..])
            .next()
            .expect("an entry")
            .expect("a readable entry");
        let checked = traffic::check(&OpenApi::bms(), &exchange, traffic::Options::default());
        assert_eq!(checked.outcome, Outcome::Unmatched);
        for shown in [
            exchange.to_string(),
            checked.report.violations()[0].message.clone(),
        ] {
            assert!(one_line(&shown), "{shown:?}");
        }
    }

    /// `lines-long-blank`: a line of only whitespace over the line limit is blank when it is
    /// whole in the buffer but oversized (an error) when streamed past, so the same input gives
    /// another verdict depending on where read boundaries fall.
    #[test]
    fn long_blank_lines_are_classified_the_same_however_read() {
        let input = b"   \t\n{}\n";
        let read = |reader: &mut dyn Read| {
            Batches::new(reader, 1)
                .map(|batch| {
                    let batch = batch.expect("in memory");
                    (
                        batch.blank,
                        batch
                            .lines
                            .iter()
                            .map(|l| (l.number, l.kind.clone()))
                            .collect::<Vec<_>>(),
                    )
                })
                .fold((0, Vec::new()), |(b, mut all), (blank, lines)| {
                    all.extend(lines);
                    (b + blank, all)
                })
        };
        let whole = read(&mut &input[..]);
        let mut trickle = Trickle {
            data: input,
            chunk: 1,
            interrupt: false,
            calls: 0,
        };
        let pieces = read(&mut trickle);
        assert_eq!(whole, pieces);
    }
}

// ---------------------------------------------------------------------------------------------
// Secrets in recorded traffic
// ---------------------------------------------------------------------------------------------

/// Secrets planted where a recording keeps them (header values, cookies, query strings, URL user
/// information and fragments, `;jsessionid=`, request bodies, failure texts) never reach what the
/// reader returns nor what checking an exchange reports: `tests/har_producers.rs` covers the
/// reader; this covers [`traffic::check`]'s outcome and report, whole files, files read in small
/// pieces, and every cut of them.
#[cfg(test)]
mod traffic_secrets {
    use super::*;

    const SECRET: &str = "SeCrEt";

    /// Every entry plants secrets outside the URL's path only.
    const PLANTED: &str = r#"{"log": {"version": "1.2", "creator": {"name": "SeCrEt-creator-not-a-secret-place-but-skipped", "version": "1"},
 "entries": [
  {"request": {"method": "POST", "url": "https://SeCrEt-user:SeCrEt-pw@bms.example.com/v1/p1/baremetalservers?token=SeCrEt-q1#SeCrEt-frag",
     "headers": [{"name": "Authorization", "value": "Bearer SeCrEt-h1"}, {"name": "X-Auth-Token", "value": "SeCrEt-\ud800-h2"}],
     "cookies": [{"name": "session", "value": "SeCrEt-c1"}],
     "queryString": [{"name": "token", "value": "SeCrEt-q1"}],
     "postData": {"mimeType": "application/json", "text": "{\"password\": \"SeCrEt-p1\"}", "params": [{"name": "pw", "value": "SeCrEt-p2"}]}},
   "response": {"status": 200, "headers": [{"name": "Set-Cookie", "value": "id=SeCrEt-sc1"}], "cookies": [{"name": "id", "value": "SeCrEt-sc1"}],
     "content": {"mimeType": "application/json", "text": "{\"order_id\": 5, \"extra\": [1, 1], \"job_id\": null, \"job_id\": \"x\"}"}}},
  {"request": {"method": "GET", "url": "https://bms.example.com/v1/p1/jobs/j1;jsessionid=SeCrEt-js?SeCrEt-q2",
     "headers": [{"name": "Cookie", "value": "a=SeCrEt-c2"}]},
   "response": {"status": 200, "content": {"mimeType": "application/json", "encoding": "base64", "text": "eyJzdGF0dXMiOiAxfQ=="}}},
  {"request": {"method": "GET", "url": "https://elsewhere.example.com/nowhere?key=SeCrEt-q3", "headers": [{"name": "k", "value": "SeCrEt-h3"}]},
   "response": {"status": 404, "content": {"mimeType": "application/json", "text": "{}"}}},
  {"request": {"method": "GET", "url": "https://bms.example.com/v1/p1/jobs/j2?SeCrEt-q4"},
   "response": {"status": 0, "_error": "net::ERR_SeCrEt", "_failureText": "SeCrEt-failure", "content": {}}},
  {"request": {"method": "GET", "url": "https://bms.example.com/v1/p1/jobs/j3?x=SeCrEt-q5", "headers": [{"name": "a", "value": "SeCrEt-h5"},,]},
   "response": {"status": 200}},
  {"request": {"method": "GET", "url": "https://bms.example.com/v1/p1/jobs/j4?x=SeCrEt-q6", "headers": "SeCrEt-h6", "cookies": 7, "postData": "SeCrEt-p6"},
   "response": {"status": "SeCrEt-status", "content": {"text": "%%", "encoding": "base64"}}},
  {"request": {"method": "GET", "url": "not a url SeCrEt-u7"}, "response": {"status": 200, "content": {"text": "{}", "encoding": "SeCrEt-enc"}}},
  {"request": {"method": "GET", "url": "https://bms.example.com/v1/p1/jobs/j5?t=SeCrEt-q8", "url": "https://h/SeCrEt-dup"}, "response": {"status": 200}},
  {"request": {"method": "DELETE", "url": "https://bms.example.com/v1/p1/jobs/j6?t=SeCrEt-q9", "headers": [{"name": "a", "value": "SeCrEt-h9"}]},
   "response": {"status": 500, "content": {"mimeType": "text/html", "text": "<p>x</p>"}}}
 ]}, "SeCrEt-after": 1}
"#;

    fn everything_shown(reader: impl Read) -> String {
        let api = OpenApi::bms();
        let mut shown = String::new();
        for item in HarReader::new(reader) {
            match item {
                Ok(exchange) => {
                    let checked = traffic::check(&api, &exchange, traffic::Options::default());
                    let strict =
                        traffic::check(&api, &exchange, traffic::Options::default().strict(true));
                    let report = &checked.report;
                    shown.push_str(&format!(
                        "{exchange}\n{exchange:?}\n{checked:?}\n{report}\n{report:#}\n{strict:?}\n{:?}\n",
                        exchange.body.bytes().map(String::from_utf8_lossy),
                    ));
                    for problem in &exchange.problems {
                        shown.push_str(&format!("{problem}\n"));
                    }
                }
                Err(e) => shown.push_str(&format!("{e}\n{e:?}\n")),
            }
        }
        shown
    }

    fn assert_no_secret(name: &str, har: &[u8]) {
        let whole = everything_shown(har);
        assert!(
            !whole.contains(SECRET),
            "{name}: a secret is shown:\n{whole}"
        );
        for chunk in [1, 3, 7] {
            let pieces = everything_shown(Trickle {
                data: har,
                chunk,
                interrupt: false,
                calls: 0,
            });
            assert_eq!(pieces, whole, "{name}: read {chunk} bytes at a time");
        }
        // Cuts of the file (the recorder killed mid-write): about 300 of them.
        for cut in (0..har.len()).step_by(har.len() / 300 + 1) {
            let shown = everything_shown(&har[..cut]);
            assert!(
                !shown.contains(SECRET),
                "{name} cut at {cut}: a secret is shown:\n{shown}"
            );
        }
    }

    #[test]
    fn planted_secrets_never_reach_an_exchange_or_its_check() {
        let har = PLANTED.as_bytes();
        assert!(PLANTED.matches(SECRET).count() > 20);
        // Nine entries, each read (the members around them are skipped).
        let items: Vec<_> = HarReader::new(har).collect();
        assert_eq!(items.iter().filter(|i| i.is_ok()).count(), 9, "{items:?}");
        let api = OpenApi::bms();
        let outcomes: Vec<Outcome> = items
            .iter()
            .flatten()
            .map(|e| traffic::check(&api, e, traffic::Options::default()).outcome)
            .collect();
        assert!(outcomes.contains(&Outcome::Invalid), "{outcomes:?}");
        assert!(outcomes.contains(&Outcome::Unmatched), "{outcomes:?}");
        assert!(outcomes.contains(&Outcome::Unreadable), "{outcomes:?}");
        assert!(outcomes.contains(&Outcome::Skipped), "{outcomes:?}");
        assert_no_secret("planted", har);
        check_traffic(har);
    }

    #[test]
    fn the_recorders_secrets_never_reach_a_check() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<_> = std::fs::read_dir(root.join("tests/fixtures/har"))
            .expect("the HAR fixtures")
            .map(|e| e.expect("an entry").path())
            .collect();
        files.push(root.join("../../demo/traffic/bms-session.har"));
        files.sort();
        for path in files {
            let har = std::fs::read(&path).expect("a HAR fixture");
            assert_no_secret(&path.display().to_string(), &har);
        }
    }

    use std::path::Path;
}
