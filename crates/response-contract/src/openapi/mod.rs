//! OpenAPI 3.0 and 3.1 descriptions as the contract: each response routed by operation, status
//! and media type to its documented schema, compiled into the same plan as any schema.
//!
//! A description is read once (JSON or YAML, with the files its `$ref`s name beside it), its
//! response schemas are read as JSON Schema 2020-12 (3.0's dialect rewritten: `nullable`,
//! boolean `exclusiveMinimum`/`exclusiveMaximum`, `$ref` siblings ignored) and compiled into one
//! plan, where OpenAPI's own keywords are plan data: `discriminator` picks the `oneOf`/`anyOf`
//! branch, and a `writeOnly` member is not required in a response and reported when present.
//!
//! A problem confined to one operation (a `$ref` that resolves to nothing, a response schema
//! that is not a schema, a path template two paths share) is a [`Problem`] of the description,
//! located by file, line and column; the other operations are still checked.

mod load;
mod normalize;
mod route;
mod source;
mod yaml;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::Error;
pub use crate::error::Problem;
use crate::options::{Expect, Limits};
use crate::plan::compile;
use crate::plan::{Id, Plan, check};
pub(crate) use crate::pointer::escape;
use crate::report::{Endpoint, Location, Operation, Report, Severity, Violation, ViolationKind};
use source::Source;

/// The methods a Path Item may document, in the order the specification lists them.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Where the embedded Bare Metal Server description is registered.
const BMS_URI: &str = "https://response-contract.invalid/schemas/bms/bms-openapi.json";
/// The embedded OpenAPI 3.1 description of the Bare Metal Server operations whose responses the
/// built-in contracts are (JSON; its response schemas `$ref` the contracts' documents by `$id`).
pub const BMS_SOURCE: &str = include_str!("../../schemas/bms-openapi.json");
/// A schema that allows anything: a documented media type without a schema.
const ANY_URI: &str = "https://response-contract.invalid/openapi/any-body";

/// The OpenAPI versions read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    V30,
    V31,
}

/// What a documented media type's body is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// A compiled schema (index into the roots, then a plan node).
    Schema(Id),
    /// A schema that could not be compiled: the problem's index.
    Broken(usize),
}

struct Content {
    /// As documented (`application/json; charset=utf-8`).
    media: Arc<str>,
    /// Lower case, without parameters.
    essence: String,
    /// The essence is a JSON type (or a wildcard admitting JSON).
    json: bool,
    target: Target,
}

/// A response key, read once: `200`, `2XX` or `default`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Code(u16),
    Range(u16),
    Default,
}

impl Status {
    fn of(key: &str) -> Option<Status> {
        let b = key.as_bytes();
        if key == "default" {
            return Some(Status::Default);
        }
        if b.len() != 3 || !(b'1'..=b'5').contains(&b[0]) {
            return None;
        }
        if b[1..].iter().all(|c| c.eq_ignore_ascii_case(&b'x')) {
            return Some(Status::Range(u16::from(b[0] - b'0')));
        }
        key.parse().ok().map(Status::Code)
    }
}

struct Response {
    key: Arc<str>,
    status: Status,
    /// Empty: the response has no content, so the body must be empty.
    contents: Vec<Content>,
    /// The response object itself could not be read (a `$ref` to nothing).
    broken: Option<usize>,
}

struct Entry {
    operation: Arc<Operation>,
    responses: Vec<Response>,
}

/// A documented path template: its operations by method (lower case), and the templates of the
/// same shape declared after it, which no request can tell apart from it.
struct Template {
    path: String,
    methods: Vec<(&'static str, usize)>,
    same_shape: Vec<usize>,
}

struct Description {
    plan: Plan,
    operations: Vec<Entry>,
    templates: Vec<Template>,
    by_id: HashMap<String, usize>,
    router: route::Router,
    problems: Vec<Problem>,
}

/// A compiled OpenAPI description: routes each response to its documented schema and checks it
/// with the same located diagnostics as any schema.
///
/// ```
/// use response_contract::OpenApi;
///
/// let api = OpenApi::bms();
/// let route = api.route("GET", "/v1/p1/jobs/j1", 200, Some("application/json"))?;
/// assert_eq!(route.endpoint().operation().path, "/v1/{project_id}/jobs/{job_id}");
/// let report = api.check(&route, br#"{"status": "SUCCESS"}"#);
/// assert!(!report.is_valid());
/// # Ok::<(), response_contract::Unmatched>(())
/// ```
#[derive(Clone)]
#[must_use]
pub struct OpenApi {
    inner: Arc<Description>,
    limits: Limits,
    redact: bool,
    formats: bool,
    forget_shapes: bool,
}

impl fmt::Debug for OpenApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenApi")
            .field("operations", &self.inner.operations.len())
            .field("problems", &self.inner.problems.len())
            .finish_non_exhaustive()
    }
}

/// A response routed to its documented schema; see [`OpenApi::route`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    endpoint: Endpoint,
    /// `None`: the documented response has no content.
    target: Option<Id>,
}

impl Route {
    /// The operation, status, response and media type the body is checked under.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }
}

/// Why a response cannot be routed to a documented schema.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unmatched {
    /// No documented path template matches the request path.
    NoPath {
        /// The request path, without its query string.
        path: String,
    },
    /// The path is documented, but not for this method.
    NoMethod {
        /// The request method.
        method: String,
        /// The documented path template.
        template: String,
        /// The methods documented for it.
        documented: Vec<String>,
    },
    /// Path templates of the same shape (a problem of the description) both document the
    /// method: the request could be either operation.
    Ambiguous {
        /// The request path, without its query string.
        path: String,
        /// The operations it could be.
        operations: Vec<Arc<Operation>>,
    },
    /// No operation has this `operationId`.
    NoOperationId {
        /// The identifier asked for.
        id: String,
    },
    /// The operation documents no response for the status (no code, range or `default`).
    NoResponse {
        /// The operation.
        operation: Arc<Operation>,
        /// The status.
        status: u16,
        /// The response keys it documents.
        documented: Vec<String>,
    },
    /// The response documents no content of the body's media type.
    NoMediaType {
        /// The operation.
        operation: Arc<Operation>,
        /// The status.
        status: u16,
        /// The body's media type.
        media_type: String,
        /// The media types the response documents.
        documented: Vec<String>,
    },
    /// The body is not JSON (by its media type, or the only one documented): not checked.
    NotJson {
        /// The operation.
        operation: Arc<Operation>,
        /// The status.
        status: u16,
        /// The media type.
        media_type: String,
    },
    /// The documented response or its schema has a problem (see [`OpenApi::problems`]).
    Broken {
        /// The operation.
        operation: Arc<Operation>,
        /// The status.
        status: u16,
        /// The problem.
        problem: Problem,
    },
}

impl fmt::Display for Unmatched {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unmatched::NoPath { path } => {
                write!(f, "no documented path matches {path}")
            }
            Unmatched::NoMethod {
                method,
                template,
                documented,
            } => write!(
                f,
                "{template} documents no {method} operation (documented: {})",
                documented.join(", ")
            ),
            Unmatched::Ambiguous { path, operations } => write!(
                f,
                "{path} could be any of {}: their path templates have the same shape",
                operations
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Unmatched::NoOperationId { id } => write!(f, "no operation has the operationId `{id}`"),
            Unmatched::NoResponse {
                operation,
                status,
                documented,
            } => write!(
                f,
                "{operation} documents no response for status {status} (documented: {})",
                documented.join(", ")
            ),
            Unmatched::NoMediaType {
                operation,
                status,
                media_type,
                documented,
            } => write!(
                f,
                "{operation} → {status} documents no {media_type} content (documented: {})",
                documented.join(", ")
            ),
            Unmatched::NotJson {
                operation,
                status,
                media_type,
            } => write!(
                f,
                "{operation} → {status}: the body is {media_type}, not JSON; not checked"
            ),
            Unmatched::Broken {
                operation,
                status,
                problem,
            } => write!(
                f,
                "{operation} → {status} cannot be checked: the description has a problem: {problem}"
            ),
        }
    }
}

impl std::error::Error for Unmatched {}

/// Whether a `Content-Type` (parameters allowed) says JSON: `application/json` or a `+json`
/// suffix, in any case.
pub(crate) fn is_json_media_type(content_type: &str) -> bool {
    let essence = essence_of(content_type);
    !essence.is_empty() && is_json(essence) && essence != "*/*"
}

/// Lower case, without parameters: `Application/JSON; charset=utf-8` → `application/json`.
fn essence(media_type: &str) -> String {
    essence_of(media_type).to_ascii_lowercase()
}

/// The media type without parameters, as written.
fn essence_of(media_type: &str) -> &str {
    let end = memchr::memchr(b';', media_type.as_bytes()).unwrap_or(media_type.len());
    media_type[..end].trim_ascii()
}

/// Whether a media type's body is JSON: `application/json` or a `+json` suffix, in any case
/// (wildcards count, as they admit JSON).
fn is_json(essence: &str) -> bool {
    let e = essence.as_bytes();
    let ends = |suffix: &[u8]| {
        e.len() >= suffix.len() && e[e.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    ends(b"/json") || ends(b"+json") || e == b"*/*" || e.eq_ignore_ascii_case(b"application/*")
}

/// Resolves a `$ref` written in `from` to the source and JSON Pointer it names.
pub(crate) fn resolve_ref(
    sources: &[Source],
    from: usize,
    reference: &str,
) -> Option<(usize, String)> {
    let absolute = compile::resolve(reference, &sources[from].uri)?;
    let (resource, fragment) = match absolute.split_once('#') {
        Some((r, f)) => (r, compile::percent_decode(f)),
        None => (absolute.as_str(), String::new()),
    };
    if !fragment.is_empty() && !fragment.starts_with('/') {
        return None;
    }
    let source = sources.iter().position(|s| s.uri == resource)?;
    sources[source].value.pointer(&fragment)?;
    Some((source, fragment))
}

impl OpenApi {
    /// The Bare Metal Server API's own description (embedded; `schema bms-openapi` prints it):
    /// the operations whose responses are the built-in contracts.
    pub fn bms() -> OpenApi {
        static BMS: std::sync::OnceLock<Arc<Description>> = std::sync::OnceLock::new();
        let inner = BMS.get_or_init(|| {
            let source = Source::read(
                "bms-openapi.json".to_owned(),
                BMS_URI.to_owned(),
                None,
                BMS_SOURCE.as_bytes().to_vec(),
            )
            .expect("the embedded description is JSON");
            Arc::new(
                load::Loader::new(source)
                    .and_then(load::Loader::build)
                    .expect("the embedded description compiles"),
            )
        });
        OpenApi::with(Arc::clone(inner))
    }

    /// Reads and compiles the description at `path` (JSON or YAML), with the files its relative
    /// `$ref`s name, read from beside it. Nothing is fetched from a network.
    ///
    /// # Errors
    /// [`Error::Read`] for a file that cannot be read, [`Error::Description`] for a description
    /// that cannot be used at all (not OpenAPI 3.0/3.1, not JSON or YAML). Problems confined to
    /// some operations are not errors: see [`OpenApi::problems`].
    pub fn from_path(path: &Path) -> Result<OpenApi, Error> {
        let bytes = std::fs::read(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let canonical = std::fs::canonicalize(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let dir = canonical
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let source = Source::read(
            path.display().to_string(),
            crate::schema::file_uri(&canonical),
            Some(dir),
            bytes,
        )
        .map_err(Error::Description)?;
        Ok(OpenApi::with(Arc::new(load::Loader::new(source)?.build()?)))
    }

    /// Compiles a description given as text (JSON or YAML); `name` names it in problems. Its
    /// `$ref`s may name the built-in contracts' documents by `$id`; references to other files
    /// resolve to nothing (use [`OpenApi::from_path`]).
    ///
    /// # Errors
    /// As [`OpenApi::from_path`].
    pub fn from_source(source: &[u8], name: &str) -> Result<OpenApi, Error> {
        let uri = format!("https://response-contract.invalid/local/{}", escape(name));
        let source = Source::read(name.to_owned(), uri, None, source.to_vec())
            .map_err(Error::Description)?;
        Ok(OpenApi::with(Arc::new(load::Loader::new(source)?.build()?)))
    }

    fn with(inner: Arc<Description>) -> OpenApi {
        OpenApi {
            inner,
            limits: Limits::DEFAULT,
            redact: false,
            formats: false,
            forget_shapes: false,
        }
    }

    /// Size, depth and violation-count limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Redaction, as [`crate::Validator::redact`].
    pub fn redact(mut self, redact: bool) -> Self {
        self.redact = redact;
        self
    }

    /// Whether to remember payload shapes, as [`crate::Validator::remember_shapes`].
    pub fn remember_shapes(mut self, yes: bool) -> Self {
        self.forget_shapes = !yes;
        self
    }

    /// Asserts `format`, as [`crate::Validator::assert_formats`].
    pub fn assert_formats(mut self, yes: bool) -> Self {
        self.formats = yes;
        self
    }

    /// Problems confined to some operations; the others are checked.
    pub fn problems(&self) -> &[Problem] {
        &self.inner.problems
    }

    /// Every documented operation with the response keys it documents, in description order.
    pub fn operations(&self) -> impl Iterator<Item = (&Arc<Operation>, Vec<&str>)> {
        self.inner
            .operations
            .iter()
            .map(|e| (&e.operation, e.responses.iter().map(|r| &*r.key).collect()))
    }

    /// Routes a recorded response: the request's method and path (a URL's path, or a path; the
    /// query is ignored), the status, and the response's `Content-Type` (`None` when unknown).
    ///
    /// # Errors
    /// [`Unmatched`] says why no documented schema applies.
    pub fn route(
        &self,
        method: &str,
        path: &str,
        status: u16,
        content_type: Option<&str>,
    ) -> Result<Route, Unmatched> {
        let d = &*self.inner;
        let (request_path, escaped) = route::without_query(path);
        let Some(template) = d.router.find(request_path, escaped) else {
            return Err(Unmatched::NoPath {
                path: request_path.to_owned(),
            });
        };
        let t = &d.templates[template];
        let of = |t: &Template| {
            t.methods
                .iter()
                .find(|(m, _)| m.eq_ignore_ascii_case(method))
                .map(|&(_, e)| e)
        };
        let no_method = || Unmatched::NoMethod {
            method: method.to_ascii_uppercase(),
            template: t.path.clone(),
            documented: t
                .methods
                .iter()
                .map(|(m, _)| m.to_ascii_uppercase())
                .collect(),
        };
        // Templates of the same shape are a problem of the description: rare, so the common
        // path allocates nothing.
        let entry = if t.same_shape.is_empty() {
            of(t).ok_or_else(no_method)?
        } else {
            let all: Vec<usize> = std::iter::once(t)
                .chain(t.same_shape.iter().map(|&i| &d.templates[i]))
                .filter_map(of)
                .collect();
            match all.as_slice() {
                [one] => *one,
                [] => return Err(no_method()),
                several => {
                    return Err(Unmatched::Ambiguous {
                        path: request_path.to_owned(),
                        operations: several
                            .iter()
                            .map(|&e| Arc::clone(&d.operations[e].operation))
                            .collect(),
                    });
                }
            }
        };
        self.respond(entry, status, content_type)
    }

    /// Routes a response of the operation with this `operationId`.
    ///
    /// # Errors
    /// As [`OpenApi::route`].
    pub fn route_operation(
        &self,
        operation_id: &str,
        status: u16,
        content_type: Option<&str>,
    ) -> Result<Route, Unmatched> {
        match self.inner.by_id.get(operation_id) {
            Some(&entry) => self.respond(entry, status, content_type),
            None => Err(Unmatched::NoOperationId {
                id: operation_id.to_owned(),
            }),
        }
    }

    /// The response of an operation for a status: the code, then its range, then `default`;
    /// then the media type.
    fn respond(
        &self,
        entry: usize,
        status: u16,
        content_type: Option<&str>,
    ) -> Result<Route, Unmatched> {
        let e = &self.inner.operations[entry];
        let response = e
            .responses
            .iter()
            .find(|r| r.status == Status::Code(status))
            .or_else(|| {
                e.responses
                    .iter()
                    .find(|r| r.status == Status::Range(status / 100))
            })
            .or_else(|| e.responses.iter().find(|r| r.status == Status::Default));
        let Some(response) = response else {
            return Err(Unmatched::NoResponse {
                operation: Arc::clone(&e.operation),
                status,
                documented: e.responses.iter().map(|r| r.key.to_string()).collect(),
            });
        };
        let broken = |problem: usize| Unmatched::Broken {
            operation: Arc::clone(&e.operation),
            status,
            problem: self.inner.problems[problem].clone(),
        };
        if let Some(problem) = response.broken {
            return Err(broken(problem));
        }
        let endpoint = |media: Option<&Arc<str>>| Endpoint {
            operation: Arc::clone(&e.operation),
            status,
            response: Arc::clone(&response.key),
            media_type: media.cloned(),
        };
        if response.contents.is_empty() {
            return Ok(Route {
                endpoint: endpoint(None),
                target: None,
            });
        }
        let content = match content_type.map(essence_of) {
            Some(given) => {
                let exact = response
                    .contents
                    .iter()
                    .find(|c| c.essence.eq_ignore_ascii_case(given));
                // An exact match is JSON when the documented type is (known at load).
                let (found, json) = match exact {
                    Some(c) => (Some(c), c.json),
                    None => {
                        let kind =
                            &given[..given.bytes().position(|b| b == b'/').unwrap_or(given.len())];
                        let family = response
                            .contents
                            .iter()
                            .find(|c| {
                                c.essence
                                    .strip_suffix("/*")
                                    .is_some_and(|k| k != "*" && k.eq_ignore_ascii_case(kind))
                            })
                            .or_else(|| response.contents.iter().find(|c| c.essence == "*/*"));
                        (family, is_json(given))
                    }
                };
                match found {
                    Some(c) if json => c,
                    _ if !json => {
                        return Err(Unmatched::NotJson {
                            operation: Arc::clone(&e.operation),
                            status,
                            media_type: given.to_owned(),
                        });
                    }
                    _ => {
                        return Err(Unmatched::NoMediaType {
                            operation: Arc::clone(&e.operation),
                            status,
                            media_type: given.to_owned(),
                            documented: response
                                .contents
                                .iter()
                                .map(|c| c.media.to_string())
                                .collect(),
                        });
                    }
                }
            }
            // Unknown: the JSON one, `application/json` first.
            None => match response
                .contents
                .iter()
                .find(|c| c.essence == "application/json")
                .or_else(|| response.contents.iter().find(|c| is_json(&c.essence)))
            {
                Some(c) => c,
                None => {
                    return Err(Unmatched::NotJson {
                        operation: Arc::clone(&e.operation),
                        status,
                        media_type: response.contents[0].media.to_string(),
                    });
                }
            },
        };
        match content.target {
            Target::Schema(id) => Ok(Route {
                endpoint: endpoint(Some(&content.media)),
                target: Some(id),
            }),
            Target::Broken(problem) => Err(broken(problem)),
        }
    }

    fn settings(&self) -> check::Settings<'static> {
        check::Settings {
            limits: self.limits,
            redact: self.redact,
            strict: false,
            formats: self.formats,
            shapes: !self.forget_shapes,
            expect: Expect::Either,
            policy: None,
        }
    }

    /// Checks a body against its route's schema: raw-payload hazards, then every schema
    /// violation, located; the report carries the route's [`Endpoint`]. A response documented
    /// without content must have an empty body.
    pub fn check(&self, route: &Route, payload: &[u8]) -> Report {
        let mut report = match route.target {
            Some(root) => self.inner.plan.validate(root, payload, &self.settings()),
            None => empty_body(payload),
        };
        report.endpoint = Some(route.endpoint.clone());
        report
    }

    /// The verdict alone: always equal to `check(route, payload).is_valid()`.
    #[must_use]
    pub fn is_valid(&self, route: &Route, payload: &[u8]) -> bool {
        match route.target {
            Some(root) => self.inner.plan.is_valid(root, payload, &self.settings()),
            None => payload.iter().all(u8::is_ascii_whitespace),
        }
    }
}

/// The report on a body where the documented response has none.
fn empty_body(payload: &[u8]) -> Report {
    let mut report = Report::default();
    if let Some(start) = payload.iter().position(|b| !b.is_ascii_whitespace()) {
        report.violations.push(Violation {
            severity: Severity::Error,
            kind: ViolationKind::UnexpectedBody,
            pointer: String::new(),
            keyword: None,
            location: Location::of_offset(payload, start),
            message: format!(
                "(root): the documented response has no content, found a body of {} bytes",
                payload.len()
            ),
        });
    }
    report
}
