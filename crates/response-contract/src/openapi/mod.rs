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

mod normalize;
mod route;
mod source;
mod yaml;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::contract;
use crate::error::Error;
pub use crate::error::Problem;
use crate::options::{Expect, Limits};
use crate::plan::compile::{self, CompileError};
use crate::plan::{DocKind, Document, Id, Plan, check};
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

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
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

/// The files the `$ref`s of a value name (relative references; absolute ones are not fetched).
fn referenced_files(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match v {
                    Value::String(target) if key == "$ref" => {
                        let file = target.split('#').next().unwrap_or("");
                        if !file.is_empty() && !file.contains(':') && !out.iter().any(|f| f == file)
                        {
                            out.push(file.to_owned());
                        }
                    }
                    other => referenced_files(other, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| referenced_files(v, out)),
        _ => {}
    }
}

/// Builds a description from its sources (the root first).
struct Loader {
    sources: Vec<Source>,
    problems: Vec<Problem>,
    version: Version,
}

impl Loader {
    fn new(root: Source) -> Result<Loader, Error> {
        let fatal =
            |pointer: &str, message: String| Error::Description(root.problem(pointer, message));
        let version = match (root.value.get("openapi"), root.value.get("swagger")) {
            (Some(Value::String(v)), _) if v.starts_with("3.0.") || v == "3.0" => Version::V30,
            (Some(Value::String(v)), _) if v.starts_with("3.1.") || v == "3.1" => Version::V31,
            (Some(Value::String(v)), _) => {
                return Err(fatal(
                    "/openapi",
                    format!(
                        "OpenAPI {v} is not supported: response-contract reads OpenAPI 3.0.x and 3.1.x"
                    ),
                ));
            }
            (_, Some(_)) => {
                return Err(fatal(
                    "/swagger",
                    "this is a Swagger 2.0 description, which is not supported: convert it to OpenAPI 3 (for example with swagger2openapi) and check against that".to_owned(),
                ));
            }
            _ => {
                return Err(fatal(
                    "",
                    "not an OpenAPI description: no `openapi` version field".to_owned(),
                ));
            }
        };
        if version == Version::V31
            && let Some(Value::String(dialect)) = root.value.get("jsonSchemaDialect")
            && !normalize::DIALECTS.contains(&dialect.trim_end_matches('#'))
        {
            return Err(fatal(
                "/jsonSchemaDialect",
                format!(
                    "the schema dialect `{dialect}` is not supported: response-contract reads JSON Schema 2020-12 and the OpenAPI 3.1 base dialect"
                ),
            ));
        }
        Ok(Loader {
            sources: vec![root],
            problems: Vec::new(),
            version,
        })
    }

    /// Reads the files the sources' `$ref`s name, transitively. A file that cannot be found is
    /// left to the references, which then resolve to nothing and are reported where written.
    fn load_referenced(&mut self) {
        let mut next = 0;
        while next < self.sources.len() {
            let mut files = Vec::new();
            referenced_files(&self.sources[next].value, &mut files);
            let dir = self.sources[next].dir.clone();
            let base = self.sources[next].uri.clone();
            next += 1;
            let Some(dir) = dir else { continue };
            for file in files {
                let Some(uri) = compile::resolve(&file, &base) else {
                    continue;
                };
                let uri = compile::strip_fragment(&uri);
                if self.sources.iter().any(|s| s.uri == uri) {
                    continue;
                }
                let path = dir.join(compile::percent_decode(&file));
                let Ok(bytes) = std::fs::read(&path) else {
                    continue;
                };
                let parent = path.parent().map(Path::to_path_buf);
                match Source::read(path.display().to_string(), uri, parent, bytes) {
                    Ok(source) => self.sources.push(source),
                    Err(problem) => self.problems.push(problem),
                }
            }
        }
    }

    /// Follows a chain of `$ref`s from (source, pointer) to the object it ends at.
    fn follow(&mut self, mut at: (usize, String)) -> Result<(usize, String), usize> {
        for _ in 0..32 {
            let value = self.sources[at.0].value.pointer(&at.1);
            let Some(Value::String(reference)) = value.and_then(|v| v.get("$ref")) else {
                return Ok(at);
            };
            let reference = reference.clone();
            match resolve_ref(&self.sources, at.0, &reference) {
                Some(next) => at = next,
                None => {
                    let problem = self.sources[at.0].problem(
                        &format!("{}/$ref", at.1),
                        format!("the `$ref` `{reference}` resolves to nothing in the description or the files beside it"),
                    );
                    self.problems.push(problem);
                    return Err(self.problems.len() - 1);
                }
            }
        }
        let problem = self.sources[at.0].problem(&at.1, "a chain of more than 32 `$ref`s");
        self.problems.push(problem);
        Err(self.problems.len() - 1)
    }

    fn build(mut self) -> Result<Description, Error> {
        self.load_referenced();
        let mut router = route::Router::default();
        let servers = |value: Option<&Value>, router: &mut route::Router| {
            let Some(Value::Array(servers)) = value else {
                return;
            };
            for server in servers {
                if let Some(Value::String(url)) = server.get("url") {
                    for path in server_paths(url, server.get("variables")) {
                        router.base(&path);
                    }
                }
            }
        };
        // Without servers, the description is served from `/` (the specification's default).
        match self.sources[0].value.get("servers") {
            Some(Value::Array(list)) if !list.is_empty() => {
                servers(self.sources[0].value.get("servers"), &mut router)
            }
            _ => router.base("/"),
        }
        let mut operations: Vec<Entry> = Vec::new();
        let mut templates: Vec<Template> = Vec::new();
        let mut by_id: HashMap<String, usize> = HashMap::new();
        // (source, pointer) of each media type's schema, in order; `Target::Schema(i)` names one.
        let mut roots: Vec<(usize, String)> = Vec::new();
        let paths: Vec<String> = match self.sources[0].value.get("paths") {
            Some(Value::Object(paths)) => paths.keys().cloned().collect(),
            _ => Vec::new(),
        };
        for template in paths {
            let pointer = format!("/paths/{}", escape(&template));
            if !template.starts_with('/') {
                let problem = self.sources[0].problem(
                    &pointer,
                    format!("the path `{template}` does not start with `/`"),
                );
                self.problems.push(problem);
                continue;
            }
            let Ok((item_source, item_pointer)) = self.follow((0, pointer.clone())) else {
                continue;
            };
            // What the operations say, read while the description is borrowed.
            let item = self.sources[item_source].value.pointer(&item_pointer);
            servers(item.and_then(|i| i.get("servers")), &mut router);
            let drafts: Vec<(&'static str, Option<String>, Vec<String>)> = METHODS
                .iter()
                .filter_map(|&method| {
                    let op = item?.get(method)?.as_object()?;
                    servers(op.get("servers"), &mut router);
                    let id = op
                        .get("operationId")
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                    let keys = op
                        .get("responses")
                        .and_then(Value::as_object)
                        .map(|r| r.keys().cloned().collect())
                        .unwrap_or_default();
                    Some((method, id, keys))
                })
                .collect();
            let index = templates.len();
            if let Err(other) = router.insert(&template, index) {
                let problem = self.sources[0].problem(
                    &pointer,
                    format!("the path `{template}` has the same shape as `{}`: no request can tell them apart (their operations are reached by operationId only)", templates[other].path),
                );
                self.problems.push(problem);
                templates[other].same_shape.push(index);
            }
            let mut methods = Vec::new();
            for (method, operation_id, keys) in drafts {
                let op_pointer = format!("{item_pointer}/{method}");
                let operation = Arc::new(Operation {
                    method: method.to_ascii_uppercase(),
                    path: template.clone(),
                    operation_id: operation_id.clone(),
                });
                let mut responses = Vec::new();
                {
                    for key in &keys {
                        let at = format!("{op_pointer}/responses/{}", escape(key));
                        let Some(status) = Status::of(key) else {
                            let problem = self.sources[item_source].problem(&at, format!("`{key}` is not a response key: a status code (`200`), a range (`2XX`) or `default`"));
                            self.problems.push(problem);
                            continue;
                        };
                        let key: Arc<str> = key
                            .to_ascii_uppercase()
                            .replace("DEFAULT", "default")
                            .into();
                        let (source, pointer) = match self.follow((item_source, at)) {
                            Ok(found) => found,
                            Err(problem) => {
                                responses.push(Response {
                                    key,
                                    status,
                                    contents: Vec::new(),
                                    broken: Some(problem),
                                });
                                continue;
                            }
                        };
                        let mut contents = Vec::new();
                        if let Some(Value::Object(media)) = self.sources[source]
                            .value
                            .pointer(&pointer)
                            .and_then(|r| r.get("content"))
                        {
                            for (media_type, object) in media {
                                let target = if object.get("schema").is_some() {
                                    roots.push((
                                        source,
                                        format!("{pointer}/content/{}/schema", escape(media_type)),
                                    ));
                                    Target::Schema((roots.len() - 1) as Id)
                                } else {
                                    // A media type without a schema: any body of that type.
                                    Target::Schema(Id::MAX)
                                };
                                contents.push(Content {
                                    media: media_type.as_str().into(),
                                    essence: essence(media_type),
                                    target,
                                });
                            }
                        }
                        responses.push(Response {
                            key,
                            status,
                            contents,
                            broken: None,
                        });
                    }
                }
                let entry = operations.len();
                if let Some(id) = operation_id {
                    match by_id.entry(id) {
                        std::collections::hash_map::Entry::Occupied(taken) => {
                            let problem = self.sources[item_source].problem(
                                &format!("{op_pointer}/operationId"),
                                format!(
                                    "the operationId `{}` is used twice: operationIds must be unique, and --operation picks the first",
                                    taken.key()
                                ),
                            );
                            self.problems.push(problem);
                        }
                        std::collections::hash_map::Entry::Vacant(free) => {
                            free.insert(entry);
                        }
                    }
                }
                operations.push(Entry {
                    operation,
                    responses,
                });
                methods.push((method, entry));
            }
            templates.push(Template {
                path: template,
                methods,
                same_shape: Vec::new(),
            });
        }
        let starts = normalize::walk(&mut self.sources, &roots, self.version, &mut self.problems);
        let (plan, ids, broken) = self.compile(&roots, starts)?;
        for entry in &mut operations {
            for response in &mut entry.responses {
                for content in &mut response.contents {
                    if let Target::Schema(root) = content.target {
                        content.target = if root == Id::MAX {
                            Target::Schema(ids[roots.len()])
                        } else if let Some(&problem) = broken.get(&(root as usize)) {
                            Target::Broken(problem)
                        } else {
                            Target::Schema(ids[root as usize])
                        };
                    }
                }
            }
        }
        Ok(Description {
            plan,
            operations,
            templates,
            by_id,
            router,
            problems: self.problems,
        })
    }

    /// Compiles every root; a root whose schemas cannot be compiled is set apart with its
    /// problem, and the others are compiled without it.
    fn compile(
        &mut self,
        roots: &[(usize, String)],
        starts: Vec<Vec<String>>,
    ) -> Result<Compiled, Error> {
        let mut docs: Vec<Document> = self
            .sources
            .iter_mut()
            .zip(starts)
            .map(|(s, schemas)| Document {
                uri: s.uri.clone(),
                name: s.name.clone(),
                // Problems are located from the text; the values are the compiler's now.
                value: std::mem::take(&mut s.value),
                kind: DocKind::OpenApi { schemas },
            })
            .collect();
        for doc in contract::embedded_documents() {
            if !docs.iter().any(|d| d.uri == doc.uri) {
                docs.push(doc);
            }
        }
        docs.push(Document {
            uri: ANY_URI.to_owned(),
            name: "(any body)".to_owned(),
            value: Value::Bool(true),
            kind: DocKind::Schema,
        });
        let any = docs.len() - 1;
        let all: Vec<(usize, &str)> = roots
            .iter()
            .map(|(s, p)| (*s, p.as_str()))
            .chain([(any, "")])
            .collect();
        let mut broken = HashMap::new();
        if let Ok((plan, ids)) = compile::compile_at(&docs, &all) {
            return Ok((plan, ids, broken));
        }
        // Only on a broken description: each root alone, to tell which ones break.
        let mut good = Vec::new();
        for (i, &root) in all.iter().enumerate() {
            match compile::compile_at(&docs, &[root]) {
                Ok(_) => good.push(i),
                Err(e) => {
                    let problem = self.compile_problem(e);
                    self.problems.push(problem);
                    broken.insert(i, self.problems.len() - 1);
                }
            }
        }
        let kept: Vec<(usize, &str)> = good.iter().map(|&i| all[i]).collect();
        let (plan, kept_ids) = compile::compile_at(&docs, &kept)
            .map_err(|e| Error::Description(self.compile_problem(e)))?;
        let mut ids = vec![0; all.len()];
        for (&i, id) in good.iter().zip(kept_ids) {
            ids[i] = id;
        }
        Ok((plan, ids, broken))
    }

    fn compile_problem(&self, error: CompileError) -> Problem {
        let (document, at, message) = match error {
            CompileError::Unresolved {
                reference,
                document,
                at,
            } => (
                document,
                format!("{at}/$ref"),
                format!(
                    "the `$ref` `{reference}` resolves to nothing in the description or the files beside it"
                ),
            ),
            CompileError::Invalid {
                document,
                at,
                reason,
            } => (document, at, format!("not a valid schema: {reason}")),
        };
        match self.sources.iter().find(|s| s.name == document) {
            Some(source) => source.problem(&at, message),
            None => Problem {
                file: document,
                line: 1,
                column: 1,
                pointer: at,
                message,
            },
        }
    }
}

/// The plan, the ids of the roots (in order, the any-body root last), and the roots that could
/// not be compiled with their problems.
type Compiled = (Plan, Vec<Id>, HashMap<usize, usize>);

/// The base paths a server URL stands for, its variables substituted (default and enum values).
fn server_paths(url: &str, variables: Option<&Value>) -> Vec<String> {
    let mut urls = vec![url.to_owned()];
    if let Some(Value::Object(variables)) = variables {
        for (name, variable) in variables {
            let mut values: Vec<String> = Vec::new();
            if let Some(Value::String(d)) = variable.get("default") {
                values.push(d.clone());
            }
            if let Some(Value::Array(options)) = variable.get("enum") {
                values.extend(options.iter().filter_map(Value::as_str).map(str::to_owned));
            }
            values.dedup();
            values.truncate(16);
            let pattern = format!("{{{name}}}");
            let mut next = Vec::new();
            for u in &urls {
                for v in &values {
                    next.push(u.replace(&pattern, v));
                }
            }
            next.truncate(64);
            urls = next;
        }
    }
    urls.iter()
        .map(|u| match u.split_once("://") {
            Some((_, rest)) => rest
                .find('/')
                .map_or(String::new(), |i| rest[i..].to_owned()),
            None => u.clone(),
        })
        .collect()
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
                Loader::new(source)
                    .and_then(Loader::build)
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
        Ok(OpenApi::with(Arc::new(Loader::new(source)?.build()?)))
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
        Ok(OpenApi::with(Arc::new(Loader::new(source)?.build()?)))
    }

    fn with(inner: Arc<Description>) -> OpenApi {
        OpenApi {
            inner,
            limits: Limits::DEFAULT,
            redact: false,
            formats: false,
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
        let request_path = route::without_query(path);
        let Some(template) = d.router.find(request_path) else {
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
        // Templates of the same shape are a problem of the description: rare, so the common
        // path allocates nothing.
        let mut candidates = std::iter::once(t)
            .chain(t.same_shape.iter().map(|&i| &d.templates[i]))
            .filter_map(of);
        let first = candidates.next();
        let several: Vec<usize> = match (first, candidates.next()) {
            (Some(a), Some(b)) => [a, b].into_iter().chain(candidates).collect(),
            _ => Vec::new(),
        };
        let entry = match (first, several.as_slice()) {
            (Some(entry), []) => entry,
            (None, _) => {
                return Err(Unmatched::NoMethod {
                    method: method.to_ascii_uppercase(),
                    template: t.path.clone(),
                    documented: t
                        .methods
                        .iter()
                        .map(|(m, _)| m.to_ascii_uppercase())
                        .collect(),
                });
            }
            (Some(_), several) => {
                return Err(Unmatched::Ambiguous {
                    path: request_path.to_owned(),
                    operations: several
                        .iter()
                        .map(|&e| Arc::clone(&d.operations[e].operation))
                        .collect(),
                });
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
                let kind = given.split('/').next().unwrap_or("");
                let found = response
                    .contents
                    .iter()
                    .find(|c| c.essence.eq_ignore_ascii_case(given))
                    .or_else(|| {
                        response.contents.iter().find(|c| {
                            c.essence
                                .strip_suffix("/*")
                                .is_some_and(|k| k != "*" && k.eq_ignore_ascii_case(kind))
                        })
                    })
                    .or_else(|| response.contents.iter().find(|c| c.essence == "*/*"));
                let json = is_json(given);
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
