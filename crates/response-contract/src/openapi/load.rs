//! Reading a description: the root file and the files its `$ref`s name, the operations and
//! their responses (through `$ref`s), the schemas found from them, compiled into one plan with
//! each broken root set apart as a located problem.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use super::source::Source;
use super::{
    ANY_URI, Content, Description, Entry, METHODS, Problem, Response, Status, Target, Template,
    Version, escape, essence, normalize, resolve_ref, route,
};
use crate::contract;
use crate::error::Error;
use crate::plan::compile::{self, CompileError};
use crate::plan::{DocKind, Document, Id, Plan};
use crate::report::Operation;

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
pub(super) struct Loader {
    sources: Vec<Source>,
    problems: Vec<Problem>,
    version: Version,
}

impl Loader {
    pub(super) fn new(root: Source) -> Result<Loader, Error> {
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

    pub(super) fn build(mut self) -> Result<Description, Error> {
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
                let responses = self.responses(item_source, &op_pointer, &keys, &mut roots);
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

    /// The responses an operation documents, each read through its `$ref`s; every media
    /// type's schema is added to `roots`.
    fn responses(
        &mut self,
        item_source: usize,
        op_pointer: &str,
        keys: &[String],
        roots: &mut Vec<(usize, String)>,
    ) -> Vec<Response> {
        let mut responses = Vec::new();
        for key in keys {
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
                        json: super::is_json(&essence(media_type)),
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
        responses
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
