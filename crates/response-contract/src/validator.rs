//! The reusable [`Validator`]: options, the fast verdict and the full report.

use crate::contract::{self, Contract};
use crate::model::{ErrorResponse, OrderIdResponse, Response};
use crate::options::{Expect, Limits};
use crate::plan::check;
use crate::report::{Report, Variant};

/// A configured check of a built-in [`Contract`] (the Order ID Response unless told otherwise).
/// Cheap to copy, `Send + Sync`; build it once and reuse it for every payload.
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
    contract: Contract,
    formats: bool,
    strict: bool,
    expect: Expect,
    limits: Limits,
    redact: bool,
    /// Negative so that `Default` (all false) keeps the default of `new`.
    forget_shapes: bool,
}

impl Validator {
    /// The default check: either variant, unknown members are warnings, default [`Limits`].
    pub const fn new() -> Self {
        Validator {
            contract: Contract::OrderIdResponse,
            formats: false,
            strict: false,
            expect: Expect::Either,
            limits: Limits::DEFAULT,
            redact: false,
            forget_shapes: false,
        }
    }

    /// Whether to remember payload shapes (on by default): once a payload is judged, the
    /// next ones laid out like it byte for byte outside their values (one serializer's
    /// output) are judged by comparing those bytes and reading each value, at about half the
    /// cost of a scan. The verdict is the same either way; turn it off to measure the scan
    /// alone, or where a process meets too many layouts for the few it keeps.
    pub fn remember_shapes(mut self, yes: bool) -> Self {
        self.forget_shapes = !yes;
        self
    }

    /// Which built-in contract to check.
    pub fn contract(mut self, contract: Contract) -> Self {
        self.contract = contract;
        self
    }

    /// Asserts `format` (`date-time`, `uuid`, …) instead of treating it as an annotation, as
    /// JSON Schema 2020-12 does by default.
    pub fn assert_formats(mut self, yes: bool) -> Self {
        self.formats = yes;
        self
    }

    /// The contract checked.
    pub fn contract_checked(&self) -> Contract {
        self.contract
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

    fn settings(&self) -> check::Settings<'static> {
        check::Settings {
            limits: self.limits,
            redact: self.redact,
            strict: self.strict,
            formats: self.formats,
            shapes: !self.forget_shapes,
            expect: self.expect,
            policy: Some(&contract::compiled(self.contract).policy),
        }
    }

    /// The verdict alone: true exactly when [`Validator::validate`] would give a valid report, but
    /// without building one when the fast path can tell (clean payloads, and the common breaks
    /// such as a number where a string is required).
    #[inline]
    #[must_use]
    pub fn is_valid(&self, payload: &[u8]) -> bool {
        let compiled = contract::compiled(self.contract);
        let settings = self.settings();
        let root = compiled.policy.root;
        compiled.plan.is_valid(root, payload, &settings)
    }

    /// The full check: every violation with its pointer, keyword, location and message.
    #[inline]
    pub fn validate(&self, payload: &[u8]) -> Report {
        let compiled = contract::compiled(self.contract);
        let settings = self.settings();
        let root = compiled.policy.root;
        compiled.plan.validate(root, payload, &settings)
    }

    /// The full check, and on success the typed value of the Order ID Response ([`Response`]).
    /// The other contracts have no typed values in this crate: decode them into your own types
    /// with [`Validator::decode`].
    ///
    /// # Errors
    /// The [`Report`] when the payload breaks the contract (or, under another contract, does
    /// not decode as an Order ID Response).
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
        if self.contract != Contract::OrderIdResponse {
            return self.decode::<Response>(payload);
        }
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

impl Validator {
    /// The full check of any contract, and on success the payload decoded into `T` (your own
    /// type, or `serde_json::Value`).
    ///
    /// # Errors
    /// The [`Report`] when the payload breaks the contract, or when it does not decode into `T`
    /// (a `syntax` violation located where serde_json stopped).
    ///
    /// ```
    /// use response_contract::{Contract, Validator};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct TaskId {
    ///     job_id: String,
    /// }
    ///
    /// let checked = Validator::new()
    ///     .contract(Contract::TaskIdResponse)
    ///     .decode::<TaskId>(br#"{"job_id": "70a599e0-31e7-49b7-b260-868f441e862b"}"#)
    ///     .expect("a valid Task ID Response");
    /// assert_eq!(checked.value().job_id, "70a599e0-31e7-49b7-b260-868f441e862b");
    /// ```
    pub fn decode<T: serde::de::DeserializeOwned>(
        &self,
        payload: &[u8],
    ) -> Result<Checked<T>, Report> {
        let report = self.validate(payload);
        if !report.is_valid() {
            return Err(report);
        }
        // A valid report means strict JSON without duplicates, so serde_json reads exactly the
        // members the check saw.
        match serde_json::from_slice::<T>(payload) {
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
pub struct Checked<T = Response> {
    value: T,
    report: Report,
}

impl<T> Checked<T> {
    /// The typed value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The report: valid, possibly with warnings.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// Takes the typed value.
    pub fn into_value(self) -> T {
        self.value
    }
}
