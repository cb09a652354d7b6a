//! Printers: each output format is a function of the reports and a writer.
//!
//! A run hands a printer its work in two kinds of calls:
//! - [`Printer::payload`] renders one payload's verdict into a byte buffer. It runs in parallel
//!   (chunks of payloads on different threads), so it takes `&self` and touches no shared state.
//! - Everything else runs in input order on one thread, with `&mut self`: the rendered chunks
//!   ([`Printer::write_chunk`]), inputs that could not be read ([`Printer::failure`]), input
//!   boundaries, and the end of the run with its counts.
//!
//! Printers never decide colour or redaction by themselves: both are options given at
//! construction, off in tests.

mod github;
mod human;
mod json;
mod junit;
mod sarif;

use std::io::{self, Write};

use response_contract::traffic::{Checked, Exchange, Exercised};
use response_contract::{Location, Report};

use super::args::FormatArg;
use super::tally::Tally;

pub(crate) use human::Human;

/// One payload and its verdict, as a printer sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Payload<'a> {
    /// The input's name (a path, or `<stdin>`).
    pub(crate) source: &'a str,
    /// For JSON Lines, the payload's line number in the input.
    pub(crate) line: Option<u64>,
    /// The payload's bytes (empty when it was over the size limit and not read, and for a
    /// recorded exchange, whose locations are in the recording).
    pub(crate) bytes: &'a [u8],
    pub(crate) report: &'a Report,
    /// A recorded exchange: the entry, and its outcome.
    pub(crate) exchange: Option<(&'a Exchange, &'a Checked)>,
}

impl Payload<'_> {
    /// The line in the input where a location of the payload sits: for a JSON Lines payload,
    /// counted from the payload's own line.
    pub(crate) fn input_line(&self, location: &Location) -> u64 {
        let within = location.line.max(1) as u64;
        match self.line {
            Some(first) => first + within - 1,
            None => within,
        }
    }
}

impl Payload<'_> {
    /// The documented response a routed payload was checked against:
    /// `GET /v1/{project_id}/jobs/{job_id} (queryingTaskStatuses) → 200`.
    pub(crate) fn endpoint(&self) -> Option<String> {
        self.report.endpoint().map(ToString::to_string)
    }

    /// What a finding's heading names: the exchange (`entry 3 (line 120): GET … → 200`) and
    /// the documented response it was checked as, for a recorded exchange; the documented
    /// response alone for a routed payload.
    pub(crate) fn heading(&self) -> Option<String> {
        match (self.exchange, self.endpoint()) {
            (Some((exchange, _)), Some(endpoint)) => {
                Some(format!("{exchange}, checked as {endpoint}"))
            }
            (Some((exchange, _)), None) => Some(exchange.to_string()),
            (None, Some(endpoint)) => Some(format!("checked as {endpoint}")),
            (None, None) => None,
        }
    }
}

/// An input (or the rest of one) that could not be read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Failure<'a> {
    pub(crate) source: &'a str,
    /// `cannot read PATH: reason`.
    pub(crate) message: &'a str,
}

/// An output format; see the [module docs](self).
pub(crate) trait Printer: Send + Sync {
    /// Before the first input.
    fn begin(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    /// Before each input's chunks.
    fn begin_input(&mut self, _source: &str) {}

    /// Renders one payload's verdict into `buf`. Runs in parallel.
    fn payload(&self, buf: &mut Vec<u8>, payload: &Payload<'_>) -> io::Result<()>;

    /// Writes rendered payloads, in input order.
    fn write_chunk(&mut self, out: &mut dyn Write, chunk: &[u8]) -> io::Result<()> {
        out.write_all(chunk)
    }

    /// An input that could not be read, in its place among the results. (The run has already
    /// told standard error.)
    fn failure(&mut self, out: &mut dyn Write, failure: &Failure<'_>) -> io::Result<()>;

    /// After each input, with its own counts.
    fn end_input(&mut self, _out: &mut dyn Write, _source: &str, _tally: &Tally) -> io::Result<()> {
        Ok(())
    }

    /// After the last input, when recorded traffic was read: the documented responses it
    /// exercised.
    fn coverage(&mut self, _out: &mut dyn Write, _coverage: &CoverageView) -> io::Result<()> {
        Ok(())
    }

    /// After the last input, with the run's counts.
    fn end(&mut self, out: &mut dyn Write, summary: &Tally) -> io::Result<()>;
}

/// The coverage of a run's recorded traffic, as printers show it.
#[derive(Debug)]
pub(crate) struct CoverageView {
    /// Every documented response, in description order, with its count.
    pub(crate) rows: Vec<Exercised>,
    pub(crate) percent: f64,
    /// Undocumented requests (`METHOD /path`, count), and the count of those not listed.
    pub(crate) undocumented: (Vec<(String, u64)>, u64),
    /// `--min-coverage`.
    pub(crate) min: Option<f64>,
}

impl CoverageView {
    /// Whether the coverage is below `--min-coverage`.
    pub(crate) fn below(&self) -> bool {
        self.min.is_some_and(|min| self.percent < min)
    }

    /// `5 of 18 documented responses exercised (27.8%)`.
    pub(crate) fn headline(&self) -> String {
        let hit = self.rows.iter().filter(|r| r.count > 0).count();
        let mut line = format!(
            "coverage: {hit} of {} documented responses exercised ({:.1}%)",
            self.rows.len(),
            self.percent
        );
        if let Some(min) = self.min {
            line.push_str(&format!(
                ", {} the --min-coverage of {min}%",
                if self.below() { "below" } else { "meeting" }
            ));
        }
        line
    }
}

/// The printer for a format.
pub(crate) fn printer(format: FormatArg, color: bool, redact: bool) -> Box<dyn Printer> {
    match format {
        FormatArg::Human => Box::new(Human::new(color, redact)),
        FormatArg::Json => Box::new(json::Json::default()),
        FormatArg::Junit => Box::new(junit::Junit::default()),
        FormatArg::Sarif => Box::new(sarif::Sarif::default()),
        FormatArg::Github => Box::new(github::Github),
    }
}

/// `--quiet`: nothing on standard output.
#[derive(Debug, Default)]
pub(crate) struct Silent;

impl Printer for Silent {
    fn payload(&self, _buf: &mut Vec<u8>, _payload: &Payload<'_>) -> io::Result<()> {
        Ok(())
    }

    fn failure(&mut self, _out: &mut dyn Write, _failure: &Failure<'_>) -> io::Result<()> {
        Ok(())
    }

    fn end(&mut self, _out: &mut dyn Write, _summary: &Tally) -> io::Result<()> {
        Ok(())
    }
}

/// Items of a JSON array rendered in parallel: each is rendered with a leading `,`, and the first
/// one written drops it.
#[derive(Debug, Default)]
pub(crate) struct Separated {
    started: bool,
}

impl Separated {
    /// Writes a chunk of `,`-led items.
    pub(crate) fn write(&mut self, out: &mut dyn Write, chunk: &[u8]) -> io::Result<()> {
        match chunk.split_first() {
            None => Ok(()),
            Some((_, rest)) if !self.started => {
                self.started = true;
                out.write_all(rest)
            }
            Some(_) => out.write_all(chunk),
        }
    }
}

/// Replaces what a terminal or log would interpret rather than show: control characters and the
/// bidirectional-text overrides ("Trojan Source").
pub(crate) fn displayable(c: char) -> char {
    match c {
        '\t' => ' ',
        c if c.is_control() => '\u{FFFD}',
        '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => '\u{FFFD}',
        c => c,
    }
}

/// `text` with [`displayable`] applied, borrowed when nothing changes.
pub(crate) fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    // Most text is printable ASCII: a byte test the compiler vectorizes, before any decoding.
    if text.bytes().all(|b| (b' '..=b'~').contains(&b)) || text.chars().all(|c| displayable(c) == c)
    {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.chars().map(displayable).collect())
    }
}
