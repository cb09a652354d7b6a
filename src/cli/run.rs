//! The `check` run: inputs in, verdicts checked in parallel, printed in input order.
//!
//! Whole-file payloads are read and checked in parallel groups of files; JSON Lines are read in
//! batches of complete lines (`response_contract::lines::Batches`), the next batch read while the
//! current one is checked, its lines checked in parallel chunks. Each chunk is rendered into its
//! own buffer on the thread that checked it; the buffers are written in order. Memory is bounded by
//! a couple of batches and their rendered output, whatever the input's size.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use response_contract::Report;
use response_contract::lines::{Batch, Batches, LineKind};

use response_contract::traffic::{self, Checked, Coverage, Exchange, HarReader, TrafficError};

use super::config::{Checker, Config, UNROUTED};
use super::input::{self, Input, Kind, Origin, Whole};
use super::render::{CoverageView, Failure, Payload, Printer};
use super::tally::Tally;

/// Whole-file inputs checked together in one parallel step.
const FILES_PER_GROUP: usize = 1024;
/// Most JSON Lines payloads checked (and rendered) together by one task.
const LINES_PER_TASK: usize = 2048;

/// Lines per task for a batch of `lines`: several tasks per thread, so that the threads finish a
/// batch together. A batch of long lines holds few of them (2 MiB of 770-byte exchanges is
/// 2,700), and with tasks of [`LINES_PER_TASK`] one thread checked three quarters of it while the
/// other waited.
fn lines_per_task(lines: usize) -> usize {
    (lines / (rayon::current_num_threads() * 8)).clamp(64, LINES_PER_TASK)
}
/// How much a JSON Lines batch holds.
const BATCH_BYTES: usize = 2 << 20;
/// A run that has taken this long gets a progress bar (on a terminal, outside CI).
const PROGRESS_AFTER: Duration = Duration::from_millis(700);

/// What one whole-file input came to, rendered.
struct Single {
    rendered: Vec<u8>,
    tally: Tally,
    failure: Option<String>,
}

/// The state of a run.
pub(crate) struct Run<'c, W: Write> {
    config: &'c Config,
    printer: Box<dyn Printer>,
    out: W,
    tally: Tally,
    progress: Progress,
    /// Standard output is a terminal: flush it before writing to standard error, so that the two
    /// keep their order on screen.
    interleave: bool,
    /// The documented responses recorded traffic exercised (once some traffic was read).
    coverage: Option<Coverage>,
}

impl<'c> Run<'c, BufWriter<io::StdoutLock<'static>>> {
    /// A run printing to standard output.
    pub(crate) fn to_stdout(config: &'c Config, printer: Box<dyn Printer>) -> Self {
        let stdout = io::stdout();
        let interleave = stdout.is_terminal();
        Run {
            config,
            printer,
            out: BufWriter::with_capacity(256 * 1024, stdout.lock()),
            tally: Tally::default(),
            progress: Progress::new(config.progress),
            interleave,
            coverage: None,
        }
    }
}

impl<W: Write> Run<'_, W> {
    /// Checks every input and prints the results; returns the counts.
    ///
    /// # Errors
    /// Only failures to write the output: failures to read inputs are results.
    pub(crate) fn run(mut self, inputs: &[Input]) -> io::Result<Tally> {
        self.printer.begin(&mut self.out)?;
        self.tally.strict = self.config.traffic.options.strict;
        for problem in &self.config.problems {
            self.fail(&problem.file, &problem.to_string())?;
            self.tally.problems += 1;
        }
        let mut rest = inputs;
        while let Some(first) = rest.first() {
            if first.kind == Kind::Lines {
                self.lines(first)?;
                rest = &rest[1..];
            } else if first.kind == Kind::Har {
                self.traffic(first)?;
                rest = &rest[1..];
            } else if first.kind == Kind::Exchanges {
                self.exchange_log(first)?;
                rest = &rest[1..];
            } else {
                let group = rest
                    .iter()
                    .take(FILES_PER_GROUP)
                    .take_while(|input| input.kind == Kind::Payload)
                    .count();
                self.singles(&rest[..group])?;
                rest = &rest[group..];
            }
        }
        self.progress.finish();
        if let Some(coverage) = &self.coverage {
            let api = self.config.traffic.api();
            let view = CoverageView {
                rows: coverage.documented(api),
                percent: coverage.percent(api),
                undocumented: coverage.undocumented(),
                min: self.config.traffic.min_coverage,
            };
            self.printer.coverage(&mut self.out, &view)?;
            self.tally.coverage_below = view.below();
        }
        self.printer.end(&mut self.out, &self.tally)?;
        self.out.flush()?;
        Ok(self.tally)
    }

    /// Whole-file inputs (and standard input read whole), checked in parallel.
    fn singles(&mut self, inputs: &[Input]) -> io::Result<()> {
        let config = self.config;
        let printer: &dyn Printer = &*self.printer;
        let done: Vec<io::Result<Single>> = inputs
            .par_iter()
            .map(|input| single(config, printer, input))
            .collect();
        for (input, single) in inputs.iter().zip(done) {
            let single = single?;
            self.printer.begin_input(&input.name);
            let mut tally = single.tally;
            tally.inputs = 1;
            if let Some(message) = &single.failure {
                self.fail(&input.name, message)?;
                tally.unreadable = 1;
            }
            self.emit(|printer, out| {
                printer.write_chunk(out, &single.rendered)?;
                printer.end_input(out, &input.name, &tally)
            })?;
            self.tally += tally;
        }
        self.progress
            .update(&self.tally, inputs.last().map(|i| i.name.as_str()));
        Ok(())
    }

    /// One JSON Lines input, batch by batch.
    fn lines(&mut self, input: &Input) -> io::Result<()> {
        self.printer.begin_input(&input.name);
        let mut tally = Tally {
            inputs: 1,
            ..Tally::default()
        };
        if let Checker::Unrouted = self.config.checker {
            return self.fail_input(
                input,
                tally,
                &format!("cannot check {}: {UNROUTED}", input.name),
            );
        }
        let reader = match open(input) {
            Ok(reader) => reader,
            Err(message) => return self.fail_input(input, tally, &message),
        };
        let config = self.config;
        let mut batches = Batches::new(reader, config.max_size).batch_bytes(BATCH_BYTES);
        let mut next = batches.next();
        while let Some(batch) = next {
            let batch = match batch {
                Ok(batch) => batch,
                Err(source) => {
                    // The lines before are reported; the rest of the input is lost.
                    let message = read_error(&input.name, source);
                    self.fail(&input.name, &message)?;
                    tally.unreadable = 1;
                    break;
                }
            };
            let printer: &dyn Printer = &*self.printer;
            let (chunks, following) = rayon::join(
                || check_batch(config, printer, &input.name, &batch),
                || batches.next(),
            );
            for chunk in chunks {
                let (rendered, chunk_tally) = chunk?;
                self.emit(|printer, out| printer.write_chunk(out, &rendered))?;
                tally += chunk_tally;
            }
            tally.blank_lines += batch.blank;
            next = following;
            let mut so_far = self.tally;
            so_far += tally;
            self.progress.update(&so_far, Some(&input.name));
        }
        self.emit(|printer, out| printer.end_input(out, &input.name, &tally))?;
        self.tally += tally;
        Ok(())
    }

    /// One HAR file, entry by entry: read in batches on
    /// one thread while the previous batch is checked in parallel, results in file order.
    fn traffic(&mut self, input: &Input) -> io::Result<()> {
        self.printer.begin_input(&input.name);
        let mut tally = Tally {
            inputs: 1,
            ..Tally::default()
        };
        let reader = match open(input) {
            Ok(reader) => reader,
            Err(message) => return self.fail_input(input, tally, &message),
        };
        let mut exchanges: Box<dyn Iterator<Item = Result<Exchange, TrafficError>> + Send> =
            Box::new(HarReader::new(reader));
        let config = self.config;
        let mut coverage = self.coverage.take().unwrap_or_default();
        let mut next = read_exchanges(&mut *exchanges);
        loop {
            let (batch, failure) = next;
            if batch.is_empty() && failure.is_none() {
                break;
            }
            let printer: &dyn Printer = &*self.printer;
            let (chunks, following) = rayon::join(
                || check_exchanges(config, printer, &input.name, &batch),
                || {
                    if failure.is_some() {
                        (Vec::new(), None)
                    } else {
                        read_exchanges(&mut *exchanges)
                    }
                },
            );
            for chunk in chunks {
                let (rendered, chunk_tally, chunk_coverage) = chunk?;
                self.emit(|printer, out| printer.write_chunk(out, &rendered))?;
                tally += chunk_tally;
                coverage.merge(chunk_coverage);
            }
            let mut so_far = self.tally;
            so_far += tally;
            self.progress.update(&so_far, Some(&input.name));
            if let Some(error) = failure {
                // Every entry before it was checked; what is wrong with the file comes last.
                let message = format!("{}: {error}", input.name);
                self.fail(&input.name, &message)?;
                tally.unreadable = 1;
                break;
            }
            next = following;
        }
        self.coverage = Some(coverage);
        self.emit(|printer, out| printer.end_input(out, &input.name, &tally))?;
        self.tally += tally;
        Ok(())
    }

    /// One exchange log, batch by batch as JSON Lines are: its lines are parsed into exchanges
    /// in parallel too (a log is mostly body text to decode), results in file order.
    fn exchange_log(&mut self, input: &Input) -> io::Result<()> {
        self.printer.begin_input(&input.name);
        let mut tally = Tally {
            inputs: 1,
            ..Tally::default()
        };
        let reader = match open(input) {
            Ok(reader) => reader,
            Err(message) => return self.fail_input(input, tally, &message),
        };
        let config = self.config;
        let mut coverage = self.coverage.take().unwrap_or_default();
        let mut batches = Batches::new(reader, traffic::DEFAULT_MAX_ENTRY).batch_bytes(BATCH_BYTES);
        let mut next = batches.next();
        let mut index = 0u64;
        while let Some(batch) = next {
            let batch = match batch {
                Ok(batch) => batch,
                Err(source) => {
                    let message = read_error(&input.name, source);
                    self.fail(&input.name, &message)?;
                    tally.unreadable = 1;
                    break;
                }
            };
            let printer: &dyn Printer = &*self.printer;
            let first = index;
            let (chunks, following) = rayon::join(
                || check_log_batch(config, printer, &input.name, &batch, first),
                || batches.next(),
            );
            index += batch.lines.len() as u64;
            for chunk in chunks {
                let (rendered, chunk_tally, chunk_coverage) = chunk?;
                self.emit(|printer, out| printer.write_chunk(out, &rendered))?;
                tally += chunk_tally;
                coverage.merge(chunk_coverage);
            }
            next = following;
            let mut so_far = self.tally;
            so_far += tally;
            self.progress.update(&so_far, Some(&input.name));
        }
        self.coverage = Some(coverage);
        self.emit(|printer, out| printer.end_input(out, &input.name, &tally))?;
        self.tally += tally;
        Ok(())
    }

    /// Lets the printer write; on a terminal that also shows the progress bar, with the bar out of
    /// the way.
    fn emit<T>(
        &mut self,
        f: impl FnOnce(&mut dyn Printer, &mut dyn Write) -> io::Result<T>,
    ) -> io::Result<T> {
        let Run {
            printer,
            out,
            progress,
            interleave,
            ..
        } = self;
        if *interleave && progress.is_drawn() {
            progress.suspend(|| {
                let value = f(&mut **printer, out)?;
                out.flush()?;
                Ok(value)
            })
        } else {
            f(&mut **printer, out)
        }
    }

    fn fail_input(&mut self, input: &Input, mut tally: Tally, message: &str) -> io::Result<()> {
        self.fail(&input.name, message)?;
        tally.unreadable = 1;
        self.emit(|printer, out| printer.end_input(out, &input.name, &tally))?;
        self.tally += tally;
        Ok(())
    }

    /// Reports an input that could not be read: on standard error, and to the printer.
    fn fail(&mut self, source: &str, message: &str) -> io::Result<()> {
        if self.interleave {
            self.out.flush()?;
        }
        self.progress.suspend(|| {
            let mut stderr = io::stderr().lock();
            // Standard error is best effort: nothing better can be done if it is closed.
            let _ = writeln!(stderr, "response-contract: error: {message}");
        });
        self.emit(|printer, out| printer.failure(out, &Failure { source, message }))
    }
}

/// An input streamed (JSON Lines, a recording): standard input or the file, opened; why not.
fn open(input: &Input) -> Result<Box<dyn Read + Send>, String> {
    match &input.origin {
        Origin::Stdin => Ok(Box::new(io::stdin())),
        Origin::File(path) | Origin::Regular(path) => File::open(path)
            .map(|file| Box::new(file) as Box<dyn Read + Send>)
            .map_err(|source| read_error(&input.name, source)),
        Origin::Failed(message) => Err(message.clone()),
    }
}

fn read_error(name: &str, source: io::Error) -> String {
    response_contract::Error::Read {
        path: name.into(),
        source,
    }
    .to_string()
}

/// Reads, checks and renders one whole-file input.
fn single(config: &Config, printer: &dyn Printer, input: &Input) -> io::Result<Single> {
    let mut out = Single {
        rendered: Vec::new(),
        tally: Tally::default(),
        failure: None,
    };
    if let Checker::Unrouted = config.checker {
        out.failure = Some(format!("cannot check {}: {UNROUTED}", input.name));
        return Ok(out);
    }
    let whole = match &input.origin {
        Origin::Stdin => input::read_stdin(config.max_size),
        Origin::File(path) => input::read_file(path, config.max_size),
        Origin::Regular(path) => input::read_regular(path, config.max_size),
        Origin::Failed(message) => {
            out.failure = Some(message.clone());
            return Ok(out);
        }
    };
    let (bytes, report) = match whole {
        Ok(Whole::Bytes(bytes)) => {
            let report = config.checker.check(&bytes);
            (bytes, report)
        }
        Ok(Whole::Oversized(Some(len))) => (Vec::new(), Report::oversized(len, config.max_size)),
        Ok(Whole::Oversized(None)) => (Vec::new(), Report::oversized_stream(config.max_size)),
        Err(source) => {
            out.failure = Some(read_error(&input.name, source));
            return Ok(out);
        }
    };
    out.tally.payload(&report);
    printer.payload(
        &mut out.rendered,
        &Payload {
            source: &input.name,
            line: None,
            bytes: &bytes,
            report: &report,
            exchange: None,
        },
    )?;
    Ok(out)
}

/// Checks and renders one batch of JSON Lines, in parallel chunks, in order.
fn check_batch(
    config: &Config,
    printer: &dyn Printer,
    source: &str,
    batch: &Batch,
) -> Vec<io::Result<(Vec<u8>, Tally)>> {
    let checker: &Checker = &config.checker;
    batch
        .lines
        .par_chunks(lines_per_task(batch.lines.len()))
        .map(|lines| {
            let mut rendered = Vec::new();
            let mut tally = Tally::default();
            for line in lines {
                let (bytes, report) = match line.kind {
                    LineKind::Payload => {
                        let bytes = batch.payload(line);
                        (bytes, checker.check(bytes))
                    }
                    LineKind::Oversized { len } => {
                        (&[][..], Report::oversized(len, config.max_size))
                    }
                    // A kind of line the library may tell apart later: its bytes are checked.
                    _ => {
                        let bytes = batch.payload(line);
                        (bytes, checker.check(bytes))
                    }
                };
                tally.payload(&report);
                printer.payload(
                    &mut rendered,
                    &Payload {
                        source,
                        line: Some(line.number),
                        bytes,
                        report: &report,
                        exchange: None,
                    },
                )?;
            }
            Ok((rendered, tally))
        })
        .collect()
}

/// Exchanges read together (and checked in parallel) in one step.
const EXCHANGES_PER_BATCH: usize = 4096;
/// Body bytes a batch holds at most (a batch of large bodies is cut early: memory stays bounded).
const EXCHANGE_BATCH_BYTES: usize = 8 << 20;
/// Exchanges checked (and rendered) together by one task.
const EXCHANGES_PER_TASK: usize = 256;

/// The next batch of exchanges, and the failure that ended the recording, if it ended so.
fn read_exchanges(
    exchanges: &mut (dyn Iterator<Item = Result<Exchange, TrafficError>> + Send),
) -> (Vec<Exchange>, Option<TrafficError>) {
    let mut batch = Vec::new();
    let mut bytes = 0;
    while batch.len() < EXCHANGES_PER_BATCH && bytes < EXCHANGE_BATCH_BYTES {
        match exchanges.next() {
            Some(Ok(exchange)) => {
                bytes += exchange.body.bytes().map_or(0, <[u8]>::len);
                batch.push(exchange);
            }
            Some(Err(error)) => return (batch, Some(error)),
            None => break,
        }
    }
    (batch, None)
}

/// Routes, checks and renders a batch of exchanges, in parallel chunks, in order.
fn check_exchanges(
    config: &Config,
    printer: &dyn Printer,
    source: &str,
    batch: &[Exchange],
) -> Vec<io::Result<(Vec<u8>, Tally, Coverage)>> {
    batch
        .par_chunks(EXCHANGES_PER_TASK)
        .map(|exchanges| {
            let mut out = (Vec::new(), Tally::default(), Coverage::default());
            for exchange in exchanges {
                check_one(config, printer, source, exchange, &mut out)?;
            }
            Ok(out)
        })
        .collect()
}

/// Parses, routes, checks and renders a batch of exchange-log lines, in parallel chunks, in
/// order; `first` is the index of the batch's first exchange.
fn check_log_batch(
    config: &Config,
    printer: &dyn Printer,
    source: &str,
    batch: &Batch,
    first: u64,
) -> Vec<io::Result<(Vec<u8>, Tally, Coverage)>> {
    let per_task = lines_per_task(batch.lines.len());
    batch
        .lines
        .par_chunks(per_task)
        .enumerate()
        .map(|(chunk, lines)| {
            let mut out = (Vec::new(), Tally::default(), Coverage::default());
            let base = first + (chunk * per_task) as u64;
            for (i, line) in lines.iter().enumerate() {
                let exchange = traffic::exchange_of_line(
                    base + i as u64,
                    batch,
                    line,
                    traffic::DEFAULT_MAX_ENTRY,
                );
                check_one(config, printer, source, &exchange, &mut out)?;
            }
            Ok(out)
        })
        .collect()
}

/// Routes, checks and renders one exchange into a task's output, tally and coverage.
fn check_one(
    config: &Config,
    printer: &dyn Printer,
    source: &str,
    exchange: &Exchange,
    (rendered, tally, coverage): &mut (Vec<u8>, Tally, Coverage),
) -> io::Result<()> {
    let traffic = &config.traffic;
    let mut checked = traffic::check(traffic.api(), exchange, traffic.options);
    if !traffic.only.is_empty() && !admitted(config, exchange, &checked) {
        checked = Checked::skipped("left out by --only");
    }
    tally.exchange(checked.outcome, &checked.report);
    coverage.record(exchange, &checked);
    printer.payload(
        rendered,
        &Payload {
            source,
            line: None,
            bytes: &[],
            report: &checked.report,
            exchange: Some((exchange, &checked)),
        },
    )
}

/// Whether `--only` lets an exchange through: by its request, or the template it was routed to.
fn admitted(config: &Config, exchange: &Exchange, checked: &Checked) -> bool {
    let method = exchange.method.as_deref().unwrap_or("");
    let path = exchange.path.as_deref().unwrap_or("");
    let template = checked
        .report
        .endpoint()
        .map(|e| e.operation().path.as_str());
    config
        .traffic
        .only
        .iter()
        .any(|only| only.admits(method, path, template))
}

/// A progress bar on standard error, shown only once a run has gone on for a while, and only
/// where someone watches (a terminal, not CI).
struct Progress {
    enabled: bool,
    started: Instant,
    bar: Option<ProgressBar>,
}

impl Progress {
    fn new(enabled: bool) -> Self {
        Progress {
            enabled,
            started: Instant::now(),
            bar: None,
        }
    }

    fn update(&mut self, tally: &Tally, current: Option<&str>) {
        if !self.enabled {
            return;
        }
        if self.bar.is_none() && self.started.elapsed() >= PROGRESS_AFTER {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
                .with_elapsed(self.started.elapsed())
                .with_style(
                    ProgressStyle::with_template(
                        "{spinner} {human_pos} payloads checked in {elapsed} {wide_msg}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
            // The spinner turns even while an input (a slow pipe) keeps the run waiting.
            bar.enable_steady_tick(Duration::from_millis(120));
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(tally.checked);
            if let Some(current) = current {
                bar.set_message(current.to_owned());
            }
        }
    }

    fn is_drawn(&self) -> bool {
        self.bar.is_some()
    }

    fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
