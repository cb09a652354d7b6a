//! The reusable [`Validator`]: options, the fast verdict and the full report.

use crate::contract;
use crate::error::Error;
use crate::fast::{self, Scan};
use crate::model::{ErrorResponse, OrderIdResponse, Response};
use crate::report::{Report, Variant};

/// Which response the payload should be.
///
/// Non-exhaustive: it grows with [`Variant`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Expect {
    /// Table 1 only: an abnormal response is a violation.
    Normal,
    /// Tables 2–3 only: a normal response is a violation.
    Abnormal,
    /// Either response (the default): judged by the payload itself.
    #[default]
    Either,
}

impl Expect {
    /// The variant an HTTP status code calls for: 2xx normal, 4xx and 5xx abnormal.
    ///
    /// # Errors
    /// [`Error::UnsupportedStatus`] for any other code: the contract says nothing about them.
    ///
    /// ```
    /// use response_contract::Expect;
    /// assert_eq!(Expect::from_status(202)?, Expect::Normal);
    /// assert_eq!(Expect::from_status(400)?, Expect::Abnormal);
    /// assert!(Expect::from_status(302).is_err());
    /// # Ok::<(), response_contract::Error>(())
    /// ```
    pub fn from_status(status: u16) -> Result<Expect, Error> {
        match status {
            200..=299 => Ok(Expect::Normal),
            400..=599 => Ok(Expect::Abnormal),
            _ => Err(Error::UnsupportedStatus { status }),
        }
    }
}

/// Bounds on what one payload may cost. Exceeding one is a
/// [`ViolationKind::LimitExceeded`](crate::ViolationKind::LimitExceeded) violation, never a crash
/// or a silent truncation.
///
/// | limit | default | meaning |
/// |---|---|---|
/// | `max_size` | 16 MiB | bytes in one payload; a larger one is not parsed |
/// | `max_depth` | 128 | nesting of arrays and objects (the response itself is depth 1); at most [`Limits::MAX_DEPTH_CEILING`] |
/// | `max_violations` | 100 | violations listed per payload; the rest are counted in one last violation |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[must_use]
pub struct Limits {
    max_size: usize,
    max_depth: usize,
    max_violations: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

impl Limits {
    /// The defaults: 16 MiB, depth 128, 100 violations.
    pub const DEFAULT: Limits = Limits {
        max_size: 16 * 1024 * 1024,
        max_depth: 128,
        max_violations: 100,
    };

    /// The deepest nesting any configuration may allow. Parsing and schema evaluation recurse
    /// once per level; measured on a 2 MiB thread stack (the smallest common default) in a debug
    /// build, both overflow between depth 512 and 768, so 256 keeps a margin of two.
    pub const MAX_DEPTH_CEILING: usize = 256;

    /// Largest payload, in bytes.
    pub fn max_size(mut self, bytes: usize) -> Self {
        self.max_size = bytes;
        self
    }

    /// Deepest nesting; values above [`Limits::MAX_DEPTH_CEILING`] are lowered to it.
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth.min(Self::MAX_DEPTH_CEILING);
        self
    }

    /// Most violations listed per payload (at least 1).
    pub fn max_violations(mut self, count: usize) -> Self {
        self.max_violations = count.max(1);
        self
    }

    /// The size limit in bytes.
    pub fn size(&self) -> usize {
        self.max_size
    }

    /// The depth limit.
    pub fn depth(&self) -> usize {
        self.max_depth
    }

    /// The violations limit.
    pub fn violations(&self) -> usize {
        self.max_violations
    }
}

/// A configured check of the Order ID Response contract. Cheap to copy, `Send + Sync`; build it
/// once and reuse it for every payload.
///
/// ```
/// use response_contract::{Expect, Validator};
///
/// let validator = Validator::new().expect(Expect::from_status(400)?).strict(true);
/// let report = validator.validate(br#"{"error": {"message": "", "code": 400}}"#);
/// assert!(!report.is_valid());
/// assert_eq!(report.violations()[0].pointer, "/error/code");
/// # Ok::<(), response_contract::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[must_use]
pub struct Validator {
    strict: bool,
    expect: Expect,
    limits: Limits,
    redact: bool,
}

impl Validator {
    /// The default check: either variant, unknown members are warnings, default [`Limits`].
    pub const fn new() -> Self {
        Validator {
            strict: false,
            expect: Expect::Either,
            limits: Limits::DEFAULT,
            redact: false,
        }
    }

    /// Strict mode: members the contract does not list are errors, not warnings.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Which variant to expect.
    pub fn expect(mut self, expect: Expect) -> Self {
        self.expect = expect;
        self
    }

    /// Size, depth and violation-count limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Redaction: messages give the type and length of offending values, never the values (payloads
    /// can carry secrets or personal data, and CI logs are widely read).
    pub fn redact(mut self, redact: bool) -> Self {
        self.redact = redact;
        self
    }

    /// Whether strict mode is on.
    pub fn is_strict(&self) -> bool {
        self.strict
    }

    /// The expected variant.
    pub fn expectation(&self) -> Expect {
        self.expect
    }

    /// The limits in force.
    pub fn limits_ref(&self) -> &Limits {
        &self.limits
    }

    /// Whether redaction is on.
    pub fn is_redacting(&self) -> bool {
        self.redact
    }

    /// The fast path's verdict: `Some(Ok(variant))` for a clean payload the options accept,
    /// `Some(Err(()))` for one the full check must reject, `None` when only it can tell.
    #[inline]
    fn fast(&self, payload: &[u8]) -> Option<Result<Variant, ()>> {
        // A clean response nests two levels deep: with a lower depth limit, ask the full check.
        if payload.len() > self.limits.max_size || self.limits.max_depth < 2 {
            return None;
        }
        match fast::scan(payload) {
            Scan::Clean(variant) if self.accepts(variant) => Some(Ok(variant)),
            Scan::Clean(_) | Scan::Broken => Some(Err(())),
            Scan::Unsure => None,
        }
    }

    fn accepts(&self, variant: Variant) -> bool {
        match self.expect {
            Expect::Either => true,
            Expect::Normal => variant == Variant::Normal,
            Expect::Abnormal => variant == Variant::Abnormal,
        }
    }

    /// The verdict alone: true exactly when [`Validator::validate`] would give a valid report, but
    /// without building one when the fast path can tell (clean payloads, and the common breaks
    /// such as a number where a string is required).
    #[inline]
    #[must_use]
    pub fn is_valid(&self, payload: &[u8]) -> bool {
        match self.fast(payload) {
            Some(verdict) => verdict.is_ok(),
            None => contract::check(payload, self).is_valid(),
        }
    }

    /// The full check: every violation with its pointer, keyword, location and message.
    #[inline]
    pub fn validate(&self, payload: &[u8]) -> Report {
        match self.fast(payload) {
            Some(Ok(variant)) => Report {
                variant: Some(variant),
                violations: Vec::new(),
            },
            _ => contract::check(payload, self),
        }
    }

    /// The full check, and on success the typed value.
    ///
    /// # Errors
    /// The [`Report`] when the payload breaks the contract.
    ///
    /// ```
    /// use response_contract::{Response, Validator};
    ///
    /// let checked = Validator::new()
    ///     .parse(br#"{"order_id": "CS2009141523OQSEQ", "job_id": "ff80808174", "region": "eu-de"}"#)
    ///     .expect("a valid normal response");
    /// assert_eq!(checked.report().warnings().count(), 1); // `region` is not in Table 1
    /// match checked.value() {
    ///     Response::Normal(ok) => assert_eq!(ok.order_id, "CS2009141523OQSEQ"),
    ///     Response::Abnormal(_) => unreachable!(),
    /// }
    /// ```
    pub fn parse(&self, payload: &[u8]) -> Result<Checked, Report> {
        let report = self.validate(payload);
        if !report.is_valid() {
            return Err(report);
        }
        // A valid report means strict JSON without duplicates, so serde_json reads exactly the
        // members the check saw.
        let decoded = match report.variant {
            Some(Variant::Normal) => {
                serde_json::from_slice::<OrderIdResponse>(payload).map(Response::Normal)
            }
            Some(Variant::Abnormal) => {
                serde_json::from_slice::<ErrorResponse>(payload).map(Response::Abnormal)
            }
            None => return Err(report),
        };
        match decoded {
            Ok(value) => Ok(Checked { value, report }),
            Err(error) => Err(crate::collect::decode_failure(
                payload,
                &error,
                report.variant,
            )),
        }
    }
}

/// A payload that passed the check: its typed value and the report (warnings only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    value: Response,
    report: Report,
}

impl Checked {
    /// The typed value.
    pub fn value(&self) -> &Response {
        &self.value
    }

    /// The report: valid, possibly with warnings.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// Takes the typed value.
    pub fn into_value(self) -> Response {
        self.value
    }
}
