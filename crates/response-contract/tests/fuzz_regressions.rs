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
//!
//! Invariants that the library is known to break are listed in [`OPEN`]: the fuzz targets and the
//! replay test skip them (so fuzzing can go on finding other bugs), and the `#[ignore]`d test
//! `open_findings_are_fixed` enforces them on the same inputs. When a finding is fixed, delete its
//! name from [`OPEN`] and the replay test guards it from then on.

#![allow(dead_code)]

use std::io::{self, Read};

use response_contract::lines::{Batches, LineKind};
use response_contract::{
    Expect, Limit, Limits, Location, Report, Schema, Severity, Validator, Variant, Violation,
    ViolationKind,
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
            loc.offset <= data.len(),
            "{what}: violation {i} at offset {} of a {}-byte payload: {v:#}",
            loc.offset,
            data.len()
        );
        assert!(
            loc.line >= 1 && loc.column >= 1,
            "{what}: violation {i} at {loc:?}: {v:#}"
        );
        assert_eq!(
            Location::of_offset(data, loc.offset),
            loc,
            "{what}: violation {i}'s line and column do not match its offset: {v:#}"
        );
        assert!(
            v.pointer.is_empty() || v.pointer.starts_with('/'),
            "{what}: violation {i} has the pointer {:?}",
            v.pointer
        );
        assert!(
            detail(v).is_some(),
            "{what}: violation {i}'s message does not start with its pointer {:?}: {:?}",
            v.pointer,
            v.message
        );
        if enforce("one-line-messages") {
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
                first.offset < loc.offset,
                "{what}: duplicate's first copy is not before it: {v:#}"
            );
            assert_eq!(
                Location::of_offset(data, first.offset),
                *first,
                "{what}: {v:#}"
            );
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
// Replay
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod replay {
    use std::path::{Path, PathBuf};

    /// A fuzz target's invariant check.
    type Check = fn(&[u8]);

    const TARGETS: [(&str, Check); 3] = [
        ("validate", super::check_validate),
        ("json_lines", super::check_json_lines),
        ("schema", super::check_schema),
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
