//! From arguments to a run's configuration: the check to apply, the printer, the environment.

use std::io::IsTerminal;
use std::path::PathBuf;

use response_contract::{Expect, Limits, OpenApi, Report, Route, Schema, Validator};

use super::args::{CheckArgs, ColorArg, ExpectArg, FormatArg};

/// The check applied to every payload: the built-in contract or a user's schema.
#[derive(Debug)]
pub(crate) enum Checker {
    Contract(Validator),
    Schema(Schema),
    /// An OpenAPI description, with the one documented response every payload is.
    OpenApi(Box<(OpenApi, Route)>),
}

impl Checker {
    /// The full report of one payload (the library takes its fast path when the payload is clean).
    #[inline]
    pub(crate) fn check(&self, payload: &[u8]) -> Report {
        match self {
            Checker::Contract(validator) => validator.validate(payload),
            Checker::Schema(schema) => schema.validate(payload),
            Checker::OpenApi(routed) => routed.0.check(&routed.1, payload),
        }
    }
}

/// Everything `check` needs, resolved once.
#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) checker: Checker,
    /// The size limit: a larger payload is reported without being read.
    pub(crate) max_size: usize,
    pub(crate) format: FormatArg,
    pub(crate) color: bool,
    pub(crate) redact: bool,
    pub(crate) quiet: bool,
    /// Read every input as JSON Lines.
    pub(crate) lines: bool,
    pub(crate) paths: Vec<PathBuf>,
    /// Whether a progress bar may be drawn (standard error is a terminal, not in CI).
    pub(crate) progress: bool,
    /// Problems of the OpenAPI description: reported, and the run exits with status 2.
    pub(crate) problems: Vec<response_contract::openapi::Problem>,
}

impl Config {
    /// Resolves the arguments. Reads the `--schema` file, if any.
    ///
    /// # Errors
    /// A message for standard error when the arguments cannot be honoured (exit status 2).
    pub(crate) fn resolve(args: CheckArgs) -> Result<Config, String> {
        let limits = Limits::DEFAULT
            .max_size(args.max_size)
            .max_depth(args.max_depth)
            .max_violations(args.max_violations);
        let mut problems = Vec::new();
        let routed = args.openapi.is_some() || args.operation.is_some() || args.method.is_some();
        let checker = match &args.schema {
            None if routed => {
                let api = match &args.openapi {
                    Some(path) => OpenApi::from_path(path).map_err(|e| e.to_string())?,
                    None => OpenApi::bms(),
                };
                problems = api.problems().to_vec();
                let Some(status) = args.status else {
                    return Err(
                        "--status is needed to tell which documented response the payloads are"
                            .to_owned(),
                    );
                };
                let content_type = args.content_type.as_deref();
                let route = match (&args.operation, &args.method, &args.path) {
                    (Some(id), _, _) => api.route_operation(id, status, content_type),
                    (None, Some(method), Some(path)) => api.route(method, path, status, content_type),
                    _ => {
                        return Err("name the payloads' operation: --operation OPERATION_ID, or --method METHOD --path PATH".to_owned());
                    }
                }
                .map_err(|unmatched| unmatched.to_string())?;
                let api = api
                    .limits(limits)
                    .redact(args.redact)
                    .assert_formats(args.assert_formats);
                Checker::OpenApi(Box::new((api, route)))
            }
            Some(path) => {
                let schema = Schema::from_path(path).map_err(|e| e.to_string())?;
                Checker::Schema(
                    schema
                        .limits(limits)
                        .redact(args.redact)
                        .assert_formats(args.assert_formats),
                )
            }
            None => {
                let expect = match args.status {
                    Some(status) => Expect::from_status(status).map_err(|e| e.to_string())?,
                    None => match args.expect {
                        ExpectArg::Normal => Expect::Normal,
                        ExpectArg::Abnormal => Expect::Abnormal,
                        ExpectArg::Either => Expect::Either,
                    },
                };
                Checker::Contract(
                    Validator::new()
                        .contract(args.contract.into())
                        .assert_formats(args.assert_formats)
                        .expect(expect)
                        .strict(args.strict)
                        .limits(limits)
                        .redact(args.redact),
                )
            }
        };
        let color = match args.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        let progress = !args.quiet
            && std::io::stderr().is_terminal()
            && std::env::var_os("CI").is_none_or(|v| v.is_empty());
        Ok(Config {
            checker,
            max_size: args.max_size,
            format: args.format,
            color,
            redact: args.redact,
            quiet: args.quiet,
            lines: args.lines,
            paths: args.paths,
            progress,
            problems,
        })
    }
}
