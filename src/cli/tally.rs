//! The counts of a run (or of one input, or of one chunk of payloads): they add up.

use std::ops::AddAssign;

use response_contract::traffic::Outcome;
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
    /// Recorded exchanges read (HAR entries, exchange-log lines): each has one outcome, so
    /// `exchanges = exchanges_valid + exchanges_invalid + unmatched + skipped + unrecorded +
    /// unreadable_entries`.
    #[serde(skip_serializing_if = "is_zero")]
    pub(crate) exchanges: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub(crate) exchanges_valid: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub(crate) exchanges_invalid: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub(crate) unmatched: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub(crate) skipped: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub(crate) unrecorded: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub(crate) unreadable_entries: u64,
    /// Unmatched exchanges are errors (`--strict`).
    #[serde(skip)]
    pub(crate) strict: bool,
    /// The coverage of documented responses is below `--min-coverage`.
    #[serde(skip)]
    pub(crate) coverage_below: bool,
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

    /// Counts one recorded exchange's outcome (a checked one as a payload too).
    pub(crate) fn exchange(&mut self, outcome: Outcome, report: &Report) {
        self.exchanges += 1;
        match outcome {
            Outcome::Valid => {
                self.exchanges_valid += 1;
                self.payload(report);
            }
            Outcome::Invalid => {
                self.exchanges_invalid += 1;
                self.payload(report);
            }
            Outcome::Unmatched => self.unmatched += 1,
            Outcome::Skipped => self.skipped += 1,
            Outcome::Unrecorded => self.unrecorded += 1,
            _ => self.unreadable_entries += 1,
        }
        if !matches!(outcome, Outcome::Valid | Outcome::Invalid) {
            for violation in report.violations() {
                match violation.severity {
                    Severity::Error => self.errors += 1,
                    _ => self.warnings += 1,
                }
            }
        }
    }

    /// The exit status this tally calls for: 2 when some input could not be read, 1 when some
    /// payload is invalid, else 0.
    pub(crate) fn exit_status(&self) -> u8 {
        if self.unreadable > 0 || self.problems > 0 || self.unreadable_entries > 0 {
            2
        } else if self.invalid > 0 || (self.strict && self.unmatched > 0) || self.coverage_below {
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
        if self.exchanges > 0 {
            line.push_str(&format!(
                "; {} recorded exchange{}: {} valid, {} invalid, {} unmatched, {} skipped, {} unrecorded",
                self.exchanges,
                plural(self.exchanges),
                self.exchanges_valid,
                self.exchanges_invalid,
                self.unmatched,
                self.skipped,
                self.unrecorded
            ));
            if self.unreadable_entries > 0 {
                line.push_str(&format!(", {} unreadable", self.unreadable_entries));
            }
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
        self.exchanges += other.exchanges;
        self.exchanges_valid += other.exchanges_valid;
        self.exchanges_invalid += other.exchanges_invalid;
        self.unmatched += other.unmatched;
        self.skipped += other.skipped;
        self.unrecorded += other.unrecorded;
        self.unreadable_entries += other.unreadable_entries;
        self.strict |= other.strict;
        self.coverage_below |= other.coverage_below;
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
