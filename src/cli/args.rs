//! The command line, as clap derives it: no I/O here, only shapes and help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The exit-status contract, shown by `--help` (and pinned by `tests/cli_exit_status.rs`).
pub(crate) const EXIT_STATUS: &str = "\
Exit status:
  0  every payload conforms to the contract (warnings allowed, unless --strict)
  1  at least one payload breaks the contract
  2  the tool could not do its job for some input: an unreadable file, bad arguments, a --schema
     that is not a valid JSON Schema 2020-12 document, a problem in an --openapi description.
     The other inputs (and operations) are still checked and reported; 2 wins over 1.
A closed output pipe (`response-contract check … | head`) is not an error: the command stops
quietly with status 0.";

/// Checks JSON API responses (the BMS "Order ID Response") against their documented contract.
#[derive(Debug, Parser)]
#[command(name = "response-contract", version, after_help = EXIT_STATUS)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check payloads: files, directories (walked for *.json, *.jsonl, *.ndjson) or standard input.
    #[command(after_help = EXIT_STATUS)]
    Check(CheckArgs),
    /// Print an embedded schema document, so that non-Rust tools can use the same contract.
    Schema(SchemaArgs),
    /// Generate JSON Schema documents from a reference page's response tables (reStructuredText)
    /// and check the page's example responses against them.
    #[command(after_help = IMPORT_EXIT_STATUS)]
    Import(ImportArgs),
    /// Print a shell completion script, e.g. `response-contract completions bash >
    /// ~/.local/share/bash-completion/completions/response-contract`.
    Completions(CompletionsArgs),
    /// Print a man page (roff), e.g. `response-contract man | man -l -`, or
    /// `response-contract man check` for the page of `check`.
    Man(ManArgs),
}

/// The exit statuses of `import`.
pub(crate) const IMPORT_EXIT_STATUS: &str = "\
Exit status:
  0  the page imported without error diagnostics (warnings allowed)
  1  the page has error diagnostics: a malformed table, a :ref: to a missing table, an example
     response that is not JSON or that contradicts the tables. The documents are still written.
  2  the tool could not do its job: an unreadable page, an unwritable output directory.";

/// `response-contract import`.
#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// The reference page (reStructuredText).
    #[arg(value_name = "PAGE.rst")]
    pub(crate) page: PathBuf,

    /// Write one file per document into this directory (created if needed). Without it, the
    /// documents go to standard output as one JSON object mapping file names to documents, and
    /// the diagnostics to standard error.
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,

    /// Which listed members are required: all, those present in the page's example response, or
    /// none.
    #[arg(long, value_enum, default_value_t = RequiredArg::All, value_name = "POLICY")]
    pub(crate) required: RequiredArg,

    /// Members the example shows as null stay non-nullable.
    #[arg(long)]
    pub(crate) no_nullable: bool,

    /// Values a Description enumerates as a bullet list of bold values do not become an enum.
    #[arg(long)]
    pub(crate) no_enum: bool,

    /// "ISO 8601" in a Description does not add `"format": "date-time"`.
    #[arg(long)]
    pub(crate) no_date_time: bool,

    /// Give every document `"$id": BASE + file name`.
    #[arg(long, value_name = "BASE")]
    pub(crate) id_base: Option<String>,

    /// The whole response's document name (default: the page's file stem in kebab case).
    #[arg(long, value_name = "NAME")]
    pub(crate) root_name: Option<String>,

    /// Output format: `human` (diagnostics with the page line and a caret, and a summary) or
    /// `json` (one document with the documents or the files written, tables, examples and
    /// diagnostics).
    #[arg(long, value_enum, default_value_t = ImportFormatArg::Human, value_name = "FORMAT")]
    pub(crate) format: ImportFormatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum RequiredArg {
    /// Every listed member.
    All,
    /// The members present in the page's example response.
    Example,
    /// None.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ImportFormatArg {
    /// Diagnostics with the page line and a caret, and a summary line.
    Human,
    /// One JSON document.
    Json,
}

/// `response-contract check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Files or directories to check; `-` (or nothing) reads standard input. Directories are walked
    /// recursively, in name order, for *.json (one payload per file), *.jsonl and *.ndjson (one
    /// payload per line); symbolic links are followed.
    #[arg(value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,

    /// Which response each payload must be: the normal one (Table 1), the abnormal one (Table 2), or
    /// either.
    #[arg(long, value_enum, default_value_t = ExpectArg::Either, value_name = "VARIANT",
          conflicts_with_all = ["status", "schema", "openapi", "operation", "method"])]
    pub(crate) expect: ExpectArg,

    /// Which built-in contract the payloads must meet.
    #[arg(long, value_enum, default_value_t = ContractArg::OrderIdResponse, value_name = "NAME",
          conflicts_with_all = ["schema", "openapi", "operation", "method"])]
    pub(crate) contract: ContractArg,

    /// Check against an OpenAPI 3.0 or 3.1 description (JSON or YAML; `$ref`s into its
    /// `components` and into files beside it): each payload is checked against the schema of the
    /// response it is, named with --operation or --method/--path, and --status. Without
    /// --openapi, those flags route through the embedded Bare Metal Server description
    /// (`response-contract schema bms-openapi`). Problems in the description are tool errors
    /// (exit status 2) located by file, line and column; payloads routed to sound operations
    /// are still checked.
    #[arg(long, value_name = "FILE", conflicts_with = "schema")]
    pub(crate) openapi: Option<PathBuf>,

    /// The operation whose response the payloads are, by `operationId`.
    #[arg(long, value_name = "OPERATION_ID", conflicts_with_all = ["schema", "method"])]
    pub(crate) operation: Option<String>,

    /// The request method of the payloads' operation (with --path).
    #[arg(
        long,
        value_name = "METHOD",
        requires = "path",
        conflicts_with = "schema"
    )]
    pub(crate) method: Option<String>,

    /// The request path of the payloads' operation (with --method), as sent: `/v1/p1/jobs/j1`;
    /// the server's base path, if any, may be included.
    #[arg(
        long,
        value_name = "PATH",
        requires = "method",
        conflicts_with = "schema"
    )]
    pub(crate) path: Option<String>,

    /// The `Content-Type` the payloads came with (default: the response's JSON media type).
    #[arg(long, value_name = "MEDIA_TYPE", requires = "status")]
    pub(crate) content_type: Option<String>,

    /// Assert `format` (`date-time`, `uuid`, `email`, …) instead of treating it as an
    /// annotation, as JSON Schema 2020-12 does by default.
    #[arg(long)]
    pub(crate) assert_formats: bool,

    /// The HTTP status the payloads came with. With a built-in contract: 2xx expects the normal
    /// response, 4xx and 5xx the abnormal one; any other code is a usage error (exit status 2).
    /// With an OpenAPI description: the documented response for the code, else its range
    /// (`2XX`), else `default`.
    #[arg(long, value_name = "CODE", conflicts_with = "schema",
          value_parser = clap::value_parser!(u16).range(100..=599))]
    pub(crate) status: Option<u16>,

    /// Members the contract does not list are errors, not warnings. With --schema, the schema
    /// decides (e.g. `additionalProperties: false`).
    #[arg(long)]
    pub(crate) strict: bool,

    /// Check against JSON Schema 2020-12 documents instead of a built-in contract, with the same
    /// located diagnostics (line and column, duplicate members, raw-payload hazards). A FILE is
    /// the root: the files its relative `$ref`s name are read too, and every *.json beside it
    /// that has an `$id`. A DIR is a set of documents joined by relative `$ref` (as `import --out`
    /// writes them): the root is the one no other refers to. The contracts' own documents are
    /// registered under their `$id`s; nothing is fetched from a network. Where a `oneOf` or
    /// `anyOf` fails, only the best-matching branch is reported: the one whose discriminating
    /// member the payload carries, else the one whose violations reach deepest, then the fewest.
    #[arg(long, value_name = "FILE|DIR")]
    pub(crate) schema: Option<PathBuf>,

    /// Largest payload (a file, or a line of JSON Lines); a larger one is reported as a violation
    /// without being read. Accepts suffixes K, M, G (powers of 1024), e.g. 16M.
    #[arg(long, value_name = "BYTES", default_value = "16M", value_parser = parse_bytes)]
    pub(crate) max_size: usize,

    /// Deepest nesting of arrays and objects (the response itself is depth 1), from 1 to 256: the
    /// parser and the schema engine recurse once per level, and 256 keeps them within a small
    /// thread stack.
    #[arg(long, value_name = "N", default_value_t = 128, value_parser = parse_depth)]
    pub(crate) max_depth: usize,

    /// Most violations listed per payload; the rest are counted in one last violation.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub(crate) max_violations: usize,

    /// Never show payload content: messages give the type and length of offending values, and the
    /// human format prints no source lines. For payloads that may carry secrets or personal data.
    #[arg(long)]
    pub(crate) redact: bool,

    /// Output format. `json` follows `response-contract schema report`.
    #[arg(long, value_enum, default_value_t = FormatArg::Human, value_name = "FORMAT")]
    pub(crate) format: FormatArg,

    /// Read every input as JSON Lines (one payload per line), whatever its name; also for standard
    /// input.
    #[arg(long, conflicts_with = "input")]
    pub(crate) lines: bool,

    /// Read every input as recorded traffic, whatever its name: `har` (HAR 1.2, as browsers'
    /// devtools, Playwright, mitmproxy, Charles or Fiddler write it; *.har files are read so
    /// without this flag) or `exchanges` (JSON Lines, one exchange per line, see
    /// `response-contract schema exchange`). Each recorded response is routed by its method,
    /// path, status and media type through the description (--openapi, else the embedded Bare
    /// Metal Server description) and gets one outcome: valid, invalid, unmatched (a warning; an
    /// error with --strict), skipped (not JSON, no response, or left out by --only), unrecorded
    /// (a warning) or unreadable (exit status 2). Header values, query strings and request
    /// bodies are never read into memory, so no output can show them.
    #[arg(long, value_enum, value_name = "KIND")]
    pub(crate) input: Option<InputArg>,

    /// Recorded traffic: check only the exchanges of this operation, as `METHOD:PATH` with the
    /// documented path template (`GET:/v1/{project_id}/jobs/{job_id}`) or a request path; `*`
    /// for any method. Repeatable; the others are skipped (and counted).
    #[arg(long, value_name = "METHOD:PATH")]
    pub(crate) only: Vec<String>,

    /// Recorded traffic: fail (exit status 1) when fewer than PERCENT of the documented
    /// responses (operation and status) were exercised.
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    pub(crate) min_coverage: Option<f64>,

    /// Colour in the human format: `auto` colours only when standard output is a terminal and
    /// NO_COLOR is unset.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    pub(crate) color: ColorArg,

    /// Print nothing on standard output: the exit status alone tells (tool errors still go to
    /// standard error).
    #[arg(short, long)]
    pub(crate) quiet: bool,
}

/// `response-contract schema`.
#[derive(Debug, Args)]
pub(crate) struct SchemaArgs {
    /// The document to print: a contract's name (`order-id-response`, the default;
    /// `task-id-response`; `job-status`) for its whole response, a file name with or without
    /// `.schema.json` (`error`, `job-status/sub-job`, …), `report` (the schema of
    /// `check --format json` output), `bms-openapi` (the OpenAPI 3.1 description of the Bare
    /// Metal Server operations whose responses the contracts are), or `exchange` (one line of an
    /// exchange log, `check --input exchanges`).
    #[arg(value_name = "NAME")]
    pub(crate) name: Option<String>,

    /// List the contracts, then the embedded documents, one name per line.
    #[arg(long, conflicts_with = "name")]
    pub(crate) list: bool,
}

/// `response-contract completions`.
#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    pub(crate) shell: clap_complete::Shell,
}

/// `response-contract man`.
#[derive(Debug, Args)]
pub(crate) struct ManArgs {
    /// A subcommand whose own page to print (`response-contract-check(1)`); without it, the page
    /// of the command, which lists the subcommands.
    #[arg(value_name = "COMMAND", value_parser = ["check", "schema", "completions", "man"])]
    pub(crate) command: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ContractArg {
    /// The Order ID Response: `order_id` and `job_id`, or `error` (order_id_response.rst).
    OrderIdResponse,
    /// The Task ID Response: `job_id`, or `error` (task_id_response.rst).
    TaskIdResponse,
    /// The job status of "Querying Task Statuses": `status`, `entities`, `job_id`, …, or
    /// `error` (querying_task_statuses.rst).
    JobStatus,
}

impl From<ContractArg> for response_contract::Contract {
    fn from(arg: ContractArg) -> Self {
        match arg {
            ContractArg::OrderIdResponse => response_contract::Contract::OrderIdResponse,
            ContractArg::TaskIdResponse => response_contract::Contract::TaskIdResponse,
            ContractArg::JobStatus => response_contract::Contract::JobStatus,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExpectArg {
    /// Table 1: `order_id` and `job_id`.
    Normal,
    /// Tables 2 and 3: `error` with `message` and `code`.
    Abnormal,
    /// Either response.
    Either,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    /// `path:line:col: error: message`, the source line with a caret, and a summary line.
    Human,
    /// One JSON document per run (see `response-contract schema report`).
    Json,
    /// JUnit XML: a test suite per input, a test case per payload.
    Junit,
    /// SARIF 2.1.0, for code-scanning uploads.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…,line=…,col=…::…`).
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum InputArg {
    /// HAR 1.2 files.
    Har,
    /// Exchange logs: JSON Lines, one exchange per line.
    Exchanges,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorArg {
    /// Colour when standard output is a terminal and NO_COLOR is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// A percentage from 0 to 100.
fn parse_percent(text: &str) -> Result<f64, String> {
    match text.trim().trim_end_matches('%').parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err(format!("`{text}` is not a percentage from 0 to 100")),
    }
}

/// A depth limit within what the library allows.
fn parse_depth(text: &str) -> Result<usize, String> {
    let ceiling = response_contract::Limits::MAX_DEPTH_CEILING;
    match text.trim().parse::<usize>() {
        Ok(depth) if (1..=ceiling).contains(&depth) => Ok(depth),
        _ => Err(format!("`{text}` is not a depth from 1 to {ceiling}")),
    }
}

/// `1048576`, `1024K`, `16M`, `1G` (also `16MiB`, `16MB`: powers of 1024 all the same).
fn parse_bytes(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(digits);
    let number: usize = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size in bytes (e.g. 1048576, 512K, 16M)"))?;
    let shift = match suffix.to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => {
            return Err(format!(
                "`{text}`: unknown size suffix `{suffix}` (use K, M or G)"
            ));
        }
    };
    number
        .checked_mul(1usize << shift)
        .ok_or_else(|| format!("`{text}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_suffixes() {
        assert_eq!(parse_bytes("1048576"), Ok(1 << 20));
        assert_eq!(parse_bytes("512K"), Ok(512 << 10));
        assert_eq!(parse_bytes("16M"), Ok(16 << 20));
        assert_eq!(parse_bytes("16MiB"), Ok(16 << 20));
        assert_eq!(parse_bytes("1g"), Ok(1 << 30));
        assert!(parse_bytes("").is_err());
        assert!(parse_bytes("12Q").is_err());
        assert!(parse_bytes("-1").is_err());
    }

    #[test]
    fn depths_outside_the_library_ceiling_are_refused() {
        assert_eq!(parse_depth("1"), Ok(1));
        assert_eq!(parse_depth("256"), Ok(256));
        assert!(parse_depth("0").is_err());
        assert!(parse_depth("257").is_err());
        assert!(parse_depth("deep").is_err());
    }

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
