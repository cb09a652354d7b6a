//! The command: parse arguments (no I/O) → resolve a configuration → call the library through
//! the run → print → an exit status.

mod args;
mod config;
mod import;
mod input;
mod render;
mod run;
mod tally;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use args::{Cli, Command, CompletionsArgs, ManArgs, SchemaArgs};
use config::Config;
use render::Silent;
use run::Run;

/// The JSON Schema of `check --format json` output, shipped as `schemas/report.schema.json`.
const REPORT_SCHEMA: &str =
    include_str!("../../crates/response-contract/schemas/report.schema.json");
const REPORT_SCHEMA_FILE: &str = "report.schema.json";
/// The embedded OpenAPI description of the Bare Metal Server operations.
const BMS_OPENAPI: &str = "bms-openapi";

/// Conforms, violations, and the tool could not do its job.
const SUCCESS: u8 = 0;
const TOOL_ERROR: u8 = 2;

pub(crate) fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // `--help` and `--version` are not errors; a closed pipe while printing them is not
            // either.
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() {
                TOOL_ERROR
            } else {
                SUCCESS
            });
        }
    };
    let status = match cli.command {
        Command::Check(args) => match Config::resolve(args) {
            Ok(config) => check(&config),
            Err(message) => tool_error(&message),
        },
        Command::Schema(args) => schema(&args),
        Command::Import(args) => import::run(&args),
        Command::Completions(args) => completions(&args),
        Command::Man(args) => man(&args),
    };
    ExitCode::from(status)
}

/// Writes `response-contract: error: …` to standard error; returns exit status 2.
fn tool_error(message: &str) -> u8 {
    let _ = writeln!(io::stderr().lock(), "response-contract: error: {message}");
    TOOL_ERROR
}

/// The outcome of writing: a closed pipe (`| head`) ends the command quietly and successfully.
fn finish_output(result: io::Result<u8>) -> u8 {
    match result {
        Ok(status) => status,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => SUCCESS,
        Err(error) => tool_error(&format!("cannot write the output: {error}")),
    }
}

fn check(config: &Config) -> u8 {
    let inputs = input::resolve(&config.paths, config.force);
    if config.paths.is_empty() && io::stdin().is_terminal() {
        // Most likely a forgotten path rather than a payload about to be typed.
        let _ = writeln!(
            io::stderr().lock(),
            "response-contract: reading standard input (a terminal): end it with Ctrl-D, or name files to check"
        );
    }
    let pool = match rayon::ThreadPoolBuilder::new()
        // Generous stacks: parsing and schema evaluation recurse once per nesting level.
        .stack_size(8 << 20)
        .thread_name(|i| format!("check-{i}"))
        .build()
    {
        Ok(pool) => pool,
        Err(error) => return tool_error(&format!("cannot start worker threads: {error}")),
    };
    let printer = if config.quiet {
        Box::new(Silent)
    } else {
        render::printer(config.format, config.color, config.redact)
    };
    let result = pool.install(|| Run::to_stdout(config, printer).run(&inputs));
    // The process ends next: freeing two allocations per input, one by one, would only delay
    // its exit (0.4 ms on 10,000 files).
    std::mem::forget(inputs);
    finish_output(result.map(|tally| tally.exit_status()))
}

fn schema(args: &SchemaArgs) -> u8 {
    let mut stdout = io::stdout().lock();
    let result = if args.list {
        let mut names: Vec<&str> = response_contract::Contract::all()
            .iter()
            .map(|c| c.name())
            .collect();
        names.extend(response_contract::documents().iter().map(|d| d.file));
        names.push(REPORT_SCHEMA_FILE);
        names.push(BMS_OPENAPI);
        names.push("exchange.schema.json");
        names
            .iter()
            .try_for_each(|name| writeln!(stdout, "{name}"))
            .and_then(|()| stdout.flush())
    } else {
        let name = args.name.as_deref().unwrap_or("order-id-response");
        let source = if name == REPORT_SCHEMA_FILE
            || Some(name) == REPORT_SCHEMA_FILE.strip_suffix(".schema.json")
        {
            REPORT_SCHEMA
        } else if name == BMS_OPENAPI || name == "bms-openapi.json" {
            response_contract::openapi::BMS_SOURCE
        } else if name == "exchange" || name == "exchange.schema.json" {
            response_contract::traffic::EXCHANGE_SCHEMA
        } else if let Some(document) = response_contract::document(name) {
            document.source
        } else {
            return tool_error(&format!(
                "no embedded schema named `{name}`; `response-contract schema --list` lists them"
            ));
        };
        stdout
            .write_all(source.as_bytes())
            .and_then(|()| stdout.flush())
    };
    finish_output(result.map(|()| SUCCESS))
}

/// The command's name, as installed and as completions and man pages call it.
const BIN_NAME: &str = "response-contract";

/// Writes generated text to standard output (a closed pipe is not an error).
fn print_generated(text: &[u8]) -> u8 {
    let mut stdout = io::stdout().lock();
    finish_output(
        stdout
            .write_all(text)
            .and_then(|()| stdout.flush())
            .map(|()| SUCCESS),
    )
}

fn completions(args: &CompletionsArgs) -> u8 {
    // Into a buffer first: clap_complete panics on a failed write, and `| head` must not.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), BIN_NAME, &mut script);
    print_generated(&script)
}

fn man(args: &ManArgs) -> u8 {
    // No `help` subcommand in pages: `--help` is there.
    let mut command = Cli::command().name(BIN_NAME).disable_help_subcommand(true);
    // Gives subcommands their display names (`response-contract-check`), the pages' titles.
    command.build();
    let page = match &args.command {
        None => command,
        Some(name) => match command.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => return tool_error(&format!("no subcommand `{name}`")),
        },
    };
    let mut roff = Vec::new();
    let page = clap_mangen::Man::new(page)
        .source(format!("{BIN_NAME} {}", env!("CARGO_PKG_VERSION")))
        .manual("User Commands");
    match page.render(&mut roff) {
        Ok(()) => print_generated(&roff),
        Err(error) => tool_error(&format!("cannot render the man page: {error}")),
    }
}
