//! From arguments to a run's configuration: the check to apply, the printer, the environment.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::OnceLock;

use response_contract::{Expect, Limits, OpenApi, Report, Route, Schema, Validator};

use response_contract::traffic;

use super::args::{CheckArgs, ColorArg, ExpectArg, FormatArg, InputArg};
use super::input::Kind;

/// Recorded traffic: the description its exchanges are routed through, and what is checked.
#[derive(Debug)]
pub(crate) struct Traffic {
    /// Built on first use: the embedded description takes about a millisecond to compile, a
    /// quarter of a run that checks one small file and needs no description at all.
    api: OnceLock<OpenApi>,
    /// `--openapi`, read and loaded; `None`: the embedded description.
    description: Option<OpenApi>,
    limits: Limits,
    redact: bool,
    assert_formats: bool,
    pub(crate) options: traffic::Options,
    /// `--only`: the operations to check (none: all).
    pub(crate) only: Vec<Only>,
    pub(crate) min_coverage: Option<f64>,
}

/// One `--only METHOD:PATH`.
#[derive(Debug)]
pub(crate) struct Only {
    /// `None`: any method.
    method: Option<String>,
    path: String,
}

impl Traffic {
    /// The description exchanges are routed through: the user's, else the embedded one.
    pub(crate) fn api(&self) -> &OpenApi {
        self.api.get_or_init(|| {
            self.description
                .clone()
                .unwrap_or_else(OpenApi::bms)
                .limits(self.limits)
                .redact(self.redact)
                .assert_formats(self.assert_formats)
        })
    }
}

impl Only {
    fn parse(text: &str) -> Result<Only, String> {
        match text.split_once(':') {
            Some((method, path)) if path.starts_with('/') && !method.is_empty() => Ok(Only {
                method: (method != "*").then(|| method.to_ascii_uppercase()),
                path: path.to_owned(),
            }),
            _ => Err(format!(
                "--only {text}: expected METHOD:PATH, e.g. GET:/v1/{{project_id}}/jobs/{{job_id}} (`*` for any method)"
            )),
        }
    }

    /// Whether an exchange (its request, and the template it was routed to) is one to check.
    pub(crate) fn admits(&self, method: &str, path: &str, template: Option<&str>) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && (self.path == path || Some(self.path.as_str()) == template)
    }
}

/// The check applied to every payload: the built-in contract or a user's schema.
#[derive(Debug)]
pub(crate) enum Checker {
    Contract(Validator),
    Schema(Schema),
    /// An OpenAPI description, with the one documented response every payload is.
    OpenApi(Box<(OpenApi, Route)>),
    /// An OpenAPI description without an operation for lone payloads: only recorded traffic
    /// (which carries its own requests) can be checked.
    Unrouted,
}

/// Why a lone payload cannot be checked under [`Checker::Unrouted`].
pub(crate) const UNROUTED: &str = "with --openapi, a payload on its own needs its operation: --operation OPERATION_ID or --method METHOD --path PATH, and --status (recorded traffic, *.har or --input, carries its own)";

impl Checker {
    /// The full report of one payload (the library takes its fast path when the payload is clean).
    #[inline]
    pub(crate) fn check(&self, payload: &[u8]) -> Report {
        match self {
            Checker::Contract(validator) => validator.validate(payload),
            Checker::Schema(schema) => schema.validate(payload),
            Checker::OpenApi(routed) => routed.0.check(&routed.1, payload),
            // The run fails such inputs before reading them.
            Checker::Unrouted => Report::default(),
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
    /// Every input is of this kind (`--lines`, `--input`).
    pub(crate) force: Option<Kind>,
    /// How recorded traffic is checked.
    pub(crate) traffic: Traffic,
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
        // The description: the user's, else the Bare Metal Server API's own (for recorded
        // traffic, and for --operation/--method without --openapi).
        let description = match &args.openapi {
            Some(path) => Some(OpenApi::from_path(path).map_err(|e| e.to_string())?),
            None => None,
        };
        let problems = description
            .as_ref()
            .map(|api| api.problems().to_vec())
            .unwrap_or_default();
        let traffic = Traffic {
            api: OnceLock::new(),
            description,
            limits,
            redact: args.redact,
            assert_formats: args.assert_formats,
            options: traffic::Options::default().strict(args.strict),
            only: args
                .only
                .iter()
                .map(|o| Only::parse(o))
                .collect::<Result<_, _>>()?,
            min_coverage: args.min_coverage,
        };
        let routes = args.operation.is_some() || args.method.is_some();
        let checker = match &args.schema {
            None if routes => {
                let Some(status) = args.status else {
                    return Err(
                        "--status is needed to tell which documented response the payloads are"
                            .to_owned(),
                    );
                };
                let content_type = args.content_type.as_deref();
                let api = traffic.api();
                let route = match (&args.operation, &args.method, &args.path) {
                    (Some(id), _, _) => api.route_operation(id, status, content_type),
                    (None, Some(method), Some(path)) => {
                        api.route(method, path, status, content_type)
                    }
                    _ => unreachable!("clap requires --path with --method"),
                }
                .map_err(|unmatched| unmatched.to_string())?;
                Checker::OpenApi(Box::new((api.clone(), route)))
            }
            None if traffic.description.is_some() => Checker::Unrouted,
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
            force: match (args.lines, args.input) {
                (true, _) => Some(Kind::Lines),
                (false, Some(InputArg::Har)) => Some(Kind::Har),
                (false, Some(InputArg::Exchanges)) => Some(Kind::Exchanges),
                (false, None) => None,
            },
            traffic,
            paths: args.paths,
            progress,
            problems,
        })
    }
}
