//! The counts of a run (or of one input, or of one chunk of payloads): they add up.

use std::ops::AddAssign;

use response_contract::{Report, Severity};
use serde::Serialize;

/// Counts that add up: `checked = valid + invalid`, and for JSON Lines every line is either
/// checked or a blank line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Tally {
    /// Inputs seen: files, standard input, and entries that could not be read.
    pub(crate) inputs: u64,
    /// Payloads checked, each with one verdict.
    pub(crate) checked: u64,
    /// Payloads that conform (possibly with warnings).
    pub(crate) valid: u64,
    /// Payloads with at least one error.
    pub(crate) invalid: u64,
    /// Violations of severity error, over all payloads.
    pub(crate) errors: u64,
    /// Violations of severity warning, over all payloads.
    pub(crate) warnings: u64,
    /// Blank lines of JSON Lines inputs, skipped.
    pub(crate) blank_lines: u64,
    /// Inputs that could not be read (in whole or in part).
    pub(crate) unreadable: u64,
    /// Problems of the OpenAPI description (each a tool error, located in the description).
    #[serde(skip_serializing_if = "is_zero")]
    pub(crate) problems: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Tally {
    /// Counts one payload's verdict.
    #[inline]
    pub(crate) fn payload(&mut self, report: &Report) {
        self.checked += 1;
        let mut errors = 0;
        let mut warnings = 0;
        for violation in report.violations() {
            match violation.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
                // A lesser level, should the library add one, is neither.
                _ => {}
            }
        }
        if errors == 0 {
            self.valid += 1;
        } else {
            self.invalid += 1;
        }
        self.errors += errors;
        self.warnings += warnings;
    }

    /// The exit status this tally calls for: 2 when some input could not be read, 1 when some
    /// payload is invalid, else 0.
    pub(crate) fn exit_status(&self) -> u8 {
        if self.unreadable > 0 || self.problems > 0 {
            2
        } else if self.invalid > 0 {
            1
        } else {
            0
        }
    }

    /// `12 checked: 10 valid, 2 invalid, 3 warnings`, then blank lines and unreadable inputs when
    /// there are any.
    pub(crate) fn summary_line(&self) -> String {
        let mut line = format!(
            "{} checked: {} valid, {} invalid, {} warning{}",
            self.checked,
            self.valid,
            self.invalid,
            self.warnings,
            plural(self.warnings)
        );
        if self.blank_lines > 0 {
            line.push_str(&format!(
                ", {} blank line{} skipped",
                self.blank_lines,
                plural(self.blank_lines)
            ));
        }
        if self.unreadable > 0 {
            line.push_str(&format!(
                ", {} input{} could not be read",
                self.unreadable,
                plural(self.unreadable)
            ));
        }
        if self.problems > 0 {
            line.push_str(&format!(
                ", {} problem{} in the description",
                self.problems,
                plural(self.problems)
            ));
        }
        line
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

impl AddAssign for Tally {
    fn add_assign(&mut self, other: Tally) {
        self.inputs += other.inputs;
        self.checked += other.checked;
        self.valid += other.valid;
        self.invalid += other.invalid;
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.blank_lines += other.blank_lines;
        self.unreadable += other.unreadable;
        self.problems += other.problems;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_line_names_only_what_happened() {
        let mut tally = Tally {
            checked: 12,
            valid: 10,
            invalid: 2,
            warnings: 3,
            ..Tally::default()
        };
        assert_eq!(
            tally.summary_line(),
            "12 checked: 10 valid, 2 invalid, 3 warnings"
        );
        tally.blank_lines = 1;
        tally.unreadable = 2;
        tally.warnings = 1;
        assert_eq!(
            tally.summary_line(),
            "12 checked: 10 valid, 2 invalid, 1 warning, 1 blank line skipped, 2 inputs could not be read"
        );
    }

    #[test]
    fn unreadable_inputs_win_over_violations() {
        let tally = Tally {
            invalid: 1,
            unreadable: 1,
            ..Tally::default()
        };
        assert_eq!(tally.exit_status(), 2);
        assert_eq!(
            Tally {
                invalid: 1,
                ..Tally::default()
            }
            .exit_status(),
            1
        );
        assert_eq!(Tally::default().exit_status(), 0);
    }
}
