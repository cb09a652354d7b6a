//! The options of a check — what to expect, how strict, what limits — with no dependency on any
//! other module: every layer reads them, none of them is read back.

use crate::error::Error;

/// Which response the payload should be.
///
/// Non-exhaustive: it grows with [`crate::Variant`].
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
