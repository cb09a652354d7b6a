//! Schema documents → [`Plan`]: resources indexed by `$id` and `$anchor`, `$ref`s resolved to
//! node ids once, every keyword read into [`Rules`], and subschemas the plan does not cover
//! handed to the engine.

use std::collections::HashMap;

use fluent_uri::{Uri, UriRef};
use serde_json::Value;

use super::engine;
use super::number::Bound;
use super::{Discriminator, DocKind, Document, Id, Plan, Rules, Schema, pattern, types};
use crate::pointer::escape as escape_segment;

/// Why a set of documents cannot be compiled, in the user's terms.
#[derive(Debug)]
pub(crate) enum CompileError {
    /// A `$ref` that no document resolves.
    Unresolved {
        reference: String,
        document: String,
        at: String,
    },
    /// Anything else wrong with a schema (named document and pointer).
    Invalid {
        document: String,
        at: String,
        reason: String,
    },
}

/// The longest chain of schemas applied to one value (`$ref` → `allOf` → `$ref` …) a plan may
/// hold: each link is a few stack frames when checking, on top of the payload's own nesting.
const MAX_CHAIN: usize = 128;

/// Keywords that make a subschema the engine's: the plan does not evaluate them itself.
const ENGINE_KEYWORDS: &[&str] = &[
    "unevaluatedProperties",
    "unevaluatedItems",
    "$dynamicRef",
    "$recursiveRef",
    "dependencies",
];

/// Keywords whose value is a schema.
pub(crate) const SCHEMA_KEYWORDS: &[&str] = &[
    "additionalProperties",
    "propertyNames",
    "items",
    "contains",
    "not",
    "if",
    "then",
    "else",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contentSchema",
];
/// Keywords whose value is an array of schemas.
pub(crate) const SCHEMA_ARRAY_KEYWORDS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value is an object of schemas.
pub(crate) const SCHEMA_MAP_KEYWORDS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];

/// Where a schema sits: its document, its JSON Pointer there, and its base URI.
#[derive(Clone)]
struct Spot {
    doc: usize,
    pointer: String,
    base: String,
    /// The pointer relative to the resource (the schema with the nearest `$id`).
    relative: String,
}

struct Compiler<'d> {
    docs: &'d [Document],
    /// Resource URI (no fragment) and `uri#anchor` → spot.
    resources: HashMap<String, Spot>,
    /// (document, pointer) → base URI and relative pointer, for every schema location.
    spots: HashMap<(usize, String), Spot>,
    compiled: HashMap<(usize, String), Id>,
    nodes: Vec<Schema>,
    fallbacks: Vec<(Id, String, String)>,
    /// In-place edges (same instance), to reject loops that never descend into the payload.
    in_place: Vec<Vec<Id>>,
    /// Reserved nodes still to compile: (id, document, pointer).
    pending: Vec<(Id, usize, String)>,
    /// Patterns compiled so far, by source: generated descriptions repeat the same few.
    patterns: HashMap<String, Option<pattern::Pattern>>,
}

/// Compiles `docs`; returns the plan and the ids of `roots` (indices into `docs`).
pub(crate) fn compile(docs: &[Document], roots: &[usize]) -> Result<(Plan, Vec<Id>), CompileError> {
    let roots: Vec<(usize, &str)> = roots.iter().map(|&doc| (doc, "")).collect();
    compile_at(docs, &roots)
}

/// Compiles `docs`; returns the plan and the ids of `roots` (document index and JSON Pointer).
pub(crate) fn compile_at(
    docs: &[Document],
    roots: &[(usize, &str)],
) -> Result<(Plan, Vec<Id>), CompileError> {
    let mut compiler = Compiler {
        docs,
        resources: HashMap::new(),
        spots: HashMap::new(),
        compiled: HashMap::new(),
        nodes: Vec::new(),
        fallbacks: Vec::new(),
        in_place: Vec::new(),
        pending: Vec::new(),
        patterns: HashMap::new(),
    };
    for (i, doc) in docs.iter().enumerate() {
        let base = strip_fragment(&doc.uri);
        let spot = Spot {
            doc: i,
            pointer: String::new(),
            base: base.clone(),
            relative: String::new(),
        };
        compiler
            .resources
            .entry(base)
            .or_insert_with(|| spot.clone());
        match &doc.kind {
            DocKind::Schema => compiler.index(&doc.value, spot)?,
            DocKind::OpenApi { schemas } => {
                for pointer in schemas {
                    if let Some(value) = navigate(&doc.value, pointer) {
                        let spot = Spot {
                            pointer: pointer.clone(),
                            relative: pointer.clone(),
                            ..spot.clone()
                        };
                        compiler.index(value, spot)?;
                    }
                }
            }
        }
    }
    let mut ids = Vec::with_capacity(roots.len());
    for &(root, pointer) in roots {
        ids.push(compiler.compile_at(root, pointer)?);
    }
    compiler.drain()?;
    // `$dynamicRef` resolves through the dynamic scope, the whole path of schemas from the root:
    // when a document the roots reach uses it, the engine evaluates from each root.
    let reached: std::collections::HashSet<usize> =
        compiler.compiled.keys().map(|(doc, _)| *doc).collect();
    if reached.iter().any(|&d| uses_dynamic_ref(&docs[d].value)) {
        for (id, &root) in ids.iter_mut().zip(roots) {
            let engine_id = compiler.nodes.len() as Id;
            compiler.nodes.push(Schema::Any);
            compiler.in_place.push(Vec::new());
            let spot = compiler.spot(root.0, root.1);
            compiler.nodes[engine_id as usize] = compiler.fallback(engine_id, &spot);
            *id = engine_id;
        }
    }
    compiler.check_loops()?;
    let engines = engine::build(docs, &compiler.fallbacks).map_err(|(doc, at, reason)| {
        CompileError::Invalid {
            document: doc,
            at,
            reason,
        }
    })?;
    let layouts = super::scan::layouts(&compiler.nodes);
    Ok((
        Plan {
            nodes: compiler.nodes,
            engines,
            layouts,
            shapes: super::scan::Shapes::default(),
        },
        ids,
    ))
}

fn uses_dynamic_ref(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.contains_key("$dynamicRef") || map.values().any(uses_dynamic_ref),
        Value::Array(items) => items.iter().any(uses_dynamic_ref),
        _ => false,
    }
}

/// Whether a reference names one of the published JSON Schema meta-schemas.
fn is_meta_schema(reference: &str, base: &str) -> bool {
    resolve(reference, base).is_some_and(|uri| uri.starts_with("https://json-schema.org/draft/"))
}

pub(crate) fn strip_fragment(uri: &str) -> String {
    uri.split_once('#').map_or(uri, |(u, _)| u).to_owned()
}

/// Resolves `reference` against `base` (RFC 3986 §5).
pub(crate) fn resolve(reference: &str, base: &str) -> Option<String> {
    if let Ok(absolute) = Uri::parse(reference) {
        return Some(absolute.as_str().to_owned());
    }
    let reference = UriRef::parse(reference).ok()?;
    if reference.as_str().starts_with('#') {
        return Some(format!("{}{}", strip_fragment(base), reference.as_str()));
    }
    let base = Uri::parse(strip_fragment(base)).ok()?;
    reference
        .resolve_against(&base)
        .ok()
        .map(|u| u.as_str().to_owned())
}

/// `%xx` escapes in a URI fragment, decoded.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The value at a JSON Pointer.
fn navigate<'v>(value: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(value);
    }
    value.pointer(pointer)
}

/// The keywords of the 2020-12 validation vocabulary.
const VALIDATION_VOCABULARY: &[&str] = &[
    "type",
    "enum",
    "const",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxContains",
    "minContains",
    "maxProperties",
    "minProperties",
    "required",
    "dependentRequired",
];

impl Compiler<'_> {
    /// Whether a document's keywords of the validation vocabulary assert: they do unless its
    /// `$schema` names a meta-schema, among the given documents, whose `$vocabulary` leaves the
    /// validation vocabulary out.
    fn asserts_validation(&self, doc: usize) -> bool {
        let Some(Value::String(dialect)) = self.docs[doc].value.get("$schema") else {
            return true;
        };
        let Some(meta) = self.resources.get(&strip_fragment(dialect)) else {
            return true;
        };
        match navigate(&self.docs[meta.doc].value, &meta.pointer).and_then(|m| m.get("$vocabulary"))
        {
            Some(Value::Object(vocabularies)) => vocabularies
                .keys()
                .any(|v| v == "https://json-schema.org/draft/2020-12/vocab/validation"),
            _ => true,
        }
    }

    fn invalid(&self, spot: &Spot, reason: impl Into<String>) -> CompileError {
        CompileError::Invalid {
            document: self.docs[spot.doc].name.clone(),
            at: spot.pointer.clone(),
            reason: reason.into(),
        }
    }

    /// Records every schema location with its base URI, and every `$id` and anchor.
    fn index(&mut self, value: &Value, mut spot: Spot) -> Result<(), CompileError> {
        let Value::Object(map) = value else {
            self.spots
                .insert((spot.doc, spot.pointer.clone()), spot.clone());
            return Ok(());
        };
        if let Some(Value::String(id)) = map.get("$id") {
            let Some(uri) = resolve(id, &spot.base) else {
                return Err(self.invalid(&spot, format!("`$id` {id:?} is not a valid URI")));
            };
            spot.base = strip_fragment(&uri);
            spot.relative = String::new();
            self.resources
                .entry(spot.base.clone())
                .or_insert_with(|| spot.clone());
        }
        for key in ["$anchor", "$dynamicAnchor"] {
            if let Some(Value::String(anchor)) = map.get(key) {
                self.resources
                    .entry(format!("{}#{anchor}", spot.base))
                    .or_insert_with(|| spot.clone());
            }
        }
        self.spots
            .insert((spot.doc, spot.pointer.clone()), spot.clone());
        let child = |spot: &Spot, segments: &[&str]| {
            let mut next = spot.clone();
            for s in segments {
                let s = escape_segment(s);
                next.pointer.push('/');
                next.pointer.push_str(&s);
                next.relative.push('/');
                next.relative.push_str(&s);
            }
            next
        };
        for (key, sub) in map {
            let key = key.as_str();
            if SCHEMA_KEYWORDS.contains(&key) {
                self.index(sub, child(&spot, &[key]))?;
            } else if SCHEMA_ARRAY_KEYWORDS.contains(&key) {
                if let Value::Array(items) = sub {
                    for (i, item) in items.iter().enumerate() {
                        self.index(item, child(&spot, &[key, &i.to_string()]))?;
                    }
                }
            } else if SCHEMA_MAP_KEYWORDS.contains(&key)
                && let Value::Object(members) = sub
            {
                for (name, item) in members {
                    self.index(item, child(&spot, &[key, name]))?;
                }
            }
        }
        Ok(())
    }

    fn spot(&self, doc: usize, pointer: &str) -> Spot {
        self.spots
            .get(&(doc, pointer.to_owned()))
            .cloned()
            .unwrap_or_else(|| Spot {
                doc,
                pointer: pointer.to_owned(),
                base: strip_fragment(&self.docs[doc].uri),
                relative: pointer.to_owned(),
            })
    }

    /// Resolves a `$ref` written at `spot` to the (document, pointer) it names.
    fn target(&self, reference: &str, spot: &Spot) -> Result<(usize, String), CompileError> {
        let unresolved = || CompileError::Unresolved {
            reference: reference.to_owned(),
            document: self.docs[spot.doc].name.clone(),
            at: spot.pointer.clone(),
        };
        let absolute = resolve(reference, &spot.base).ok_or_else(unresolved)?;
        let (resource, fragment) = match absolute.split_once('#') {
            Some((r, f)) => (r.to_owned(), percent_decode(f)),
            None => (absolute.clone(), String::new()),
        };
        if fragment.is_empty() || fragment.starts_with('/') {
            let found = self.resources.get(&resource).ok_or_else(unresolved)?;
            let pointer = format!("{}{fragment}", found.pointer);
            navigate(&self.docs[found.doc].value, &pointer).ok_or_else(unresolved)?;
            Ok((found.doc, pointer))
        } else {
            let found = self
                .resources
                .get(&format!("{resource}#{fragment}"))
                .ok_or_else(unresolved)?;
            Ok((found.doc, found.pointer.clone()))
        }
    }

    fn compile_at(&mut self, doc: usize, pointer: &str) -> Result<Id, CompileError> {
        if let Some(&id) = self.compiled.get(&(doc, pointer.to_owned())) {
            return Ok(id);
        }
        let id = Id::try_from(self.nodes.len()).map_err(|_| {
            self.invalid(
                &self.spot(doc, pointer),
                "more subschemas than a plan can hold",
            )
        })?;
        self.nodes.push(Schema::Any);
        self.in_place.push(Vec::new());
        self.compiled.insert((doc, pointer.to_owned()), id);
        // Compiled later, from a work list: a chain of thousands of `$ref`s must not become a
        // chain of thousands of stack frames.
        self.pending.push((id, doc, pointer.to_owned()));
        Ok(id)
    }

    /// Compiles every reserved node, and those they reserve in turn.
    fn drain(&mut self) -> Result<(), CompileError> {
        while let Some((id, doc, pointer)) = self.pending.pop() {
            self.build(id, doc, &pointer)?;
        }
        Ok(())
    }

    fn build(&mut self, id: Id, doc: usize, pointer: &str) -> Result<(), CompileError> {
        let spot = self.spot(doc, pointer);
        let docs = self.docs;
        let Some(value) = navigate(&docs[doc].value, pointer) else {
            return Err(self.invalid(&spot, "no schema at this location"));
        };
        let location: Box<str> = format!("{}#{}", docs[doc].name, pointer).into();
        let node = match value {
            Value::Bool(true) => Schema::Any,
            Value::Bool(false) => Schema::Never(location),
            Value::Object(map) if map.keys().any(|k| ENGINE_KEYWORDS.contains(&k.as_str())) => {
                self.fallback(id, &spot)
            }
            Value::Object(map) => match self.rules(map, &spot, location, id)? {
                Some(rules) => Schema::Rules(std::sync::Arc::new(rules)),
                None => self.fallback(id, &spot),
            },
            _ => return Err(self.invalid(&spot, "a schema must be an object or a boolean")),
        };
        self.nodes[id as usize] = node;
        Ok(())
    }

    fn fallback(&mut self, id: Id, spot: &Spot) -> Schema {
        let uri = format!("{}#{}", spot.base, spot.relative);
        self.fallbacks
            .push((id, uri, self.docs[spot.doc].name.clone()));
        Schema::Engine(self.fallbacks.len() - 1)
    }

    fn sub(&mut self, spot: &Spot, segments: &[&str]) -> Result<Id, CompileError> {
        let mut pointer = spot.pointer.clone();
        for s in segments {
            pointer.push('/');
            pointer.push_str(&escape_segment(s));
        }
        self.compile_at(spot.doc, &pointer)
    }

    /// Reads a schema object's keywords; `None` when one of them needs the engine.
    fn rules(
        &mut self,
        map: &serde_json::Map<String, Value>,
        spot: &Spot,
        location: Box<str>,
        id: Id,
    ) -> Result<Option<Rules>, CompileError> {
        let mut r = Rules {
            location,
            ..Rules::default()
        };
        let validation = self.asserts_validation(spot.doc);
        // A count may be written `2.0`: in 2020-12 that is the integer 2.
        let count = |v: &Value| {
            v.as_u64().or_else(|| {
                v.as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u64::MAX as f64)
                    .map(|f| f as u64)
            })
        };
        for (key, value) in map {
            let bad = |what: &str| self.invalid(spot, format!("`{key}` must be {what}"));
            if !validation && VALIDATION_VOCABULARY.contains(&key.as_str()) {
                continue;
            }
            match key.as_str() {
                "type" => {
                    let mut set = 0;
                    let names: Vec<&Value> = match value {
                        Value::Array(items) => items.iter().collect(),
                        one => vec![one],
                    };
                    for name in names {
                        set |= match name.as_str() {
                            Some("null") => types::NULL,
                            Some("boolean") => types::BOOLEAN,
                            Some("integer") => types::INTEGER,
                            Some("number") => types::NUMBER,
                            Some("string") => types::STRING,
                            Some("array") => types::ARRAY,
                            Some("object") => types::OBJECT,
                            _ => return Err(bad("a JSON type name or an array of them")),
                        };
                    }
                    r.types = Some(set);
                }
                "enum" => match value {
                    Value::Array(items) => r.enumeration = Some(items.clone()),
                    _ => return Err(bad("an array")),
                },
                "const" => r.constant = Some(value.clone()),
                "minLength" => r.min_length = Some(count(value).ok_or_else(|| bad("a count"))?),
                "maxLength" => r.max_length = Some(count(value).ok_or_else(|| bad("a count"))?),
                "pattern" => {
                    let source = value.as_str().ok_or_else(|| bad("a string"))?;
                    match self.pattern(source) {
                        Some(p) => r.pattern = Some((p, source.into())),
                        None => return Ok(None),
                    }
                }
                "format" => r.format = Some(value.as_str().ok_or_else(|| bad("a string"))?.into()),
                "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => {
                    let Value::Number(n) = value else {
                        return Err(bad("a number"));
                    };
                    // Boxed: five bounds in place made every schema's rules 400 bytes larger,
                    // and most schemas have none.
                    let bound = Some(Box::new(Bound::from_json(n)));
                    match key.as_str() {
                        "minimum" => r.minimum = bound,
                        "maximum" => r.maximum = bound,
                        "exclusiveMinimum" => r.exclusive_minimum = bound,
                        "exclusiveMaximum" => r.exclusive_maximum = bound,
                        _ => r.multiple_of = bound,
                    }
                }
                "properties" => {
                    let Value::Object(members) = value else {
                        return Err(bad("an object"));
                    };
                    for name in members.keys() {
                        let child = self.sub(spot, &["properties", name])?;
                        r.properties.push((name.as_str().into(), child));
                    }
                }
                "patternProperties" => {
                    let Value::Object(members) = value else {
                        return Err(bad("an object"));
                    };
                    for name in members.keys() {
                        let Some(p) = self.pattern(name) else {
                            return Ok(None);
                        };
                        let child = self.sub(spot, &["patternProperties", name])?;
                        r.pattern_properties.push((p, name.as_str().into(), child));
                    }
                }
                "additionalProperties" => {
                    r.additional_properties = Some(self.sub(spot, &[key])?);
                }
                "propertyNames" => r.property_names = Some(self.sub(spot, &[key])?),
                "required" => {
                    let Value::Array(names) = value else {
                        return Err(bad("an array of strings"));
                    };
                    for name in names {
                        r.required.push(
                            name.as_str()
                                .ok_or_else(|| bad("an array of strings"))?
                                .into(),
                        );
                    }
                }
                "minProperties" => {
                    r.min_properties = Some(count(value).ok_or_else(|| bad("a count"))?);
                }
                "maxProperties" => {
                    r.max_properties = Some(count(value).ok_or_else(|| bad("a count"))?);
                }
                "dependentRequired" => {
                    let Value::Object(members) = value else {
                        return Err(bad("an object"));
                    };
                    for (name, needs) in members {
                        let Value::Array(needs) = needs else {
                            return Err(bad("an object of string arrays"));
                        };
                        let needs = needs
                            .iter()
                            .map(|n| n.as_str().map(Into::into))
                            .collect::<Option<Vec<Box<str>>>>()
                            .ok_or_else(|| bad("an object of string arrays"))?;
                        r.dependent_required.push((name.as_str().into(), needs));
                    }
                }
                "dependentSchemas" => {
                    let Value::Object(members) = value else {
                        return Err(bad("an object"));
                    };
                    for name in members.keys() {
                        let child = self.sub(spot, &["dependentSchemas", name])?;
                        self.in_place[id as usize].push(child);
                        r.dependent_schemas.push((name.as_str().into(), child));
                    }
                }
                "prefixItems" => {
                    let Value::Array(items) = value else {
                        return Err(bad("an array"));
                    };
                    for i in 0..items.len() {
                        r.prefix_items
                            .push(self.sub(spot, &["prefixItems", &i.to_string()])?);
                    }
                }
                "items" => r.items = Some(self.sub(spot, &[key])?),
                "contains" => r.contains = Some(self.sub(spot, &[key])?),
                "minContains" => r.min_contains = Some(count(value).ok_or_else(|| bad("a count"))?),
                "maxContains" => r.max_contains = Some(count(value).ok_or_else(|| bad("a count"))?),
                "minItems" => r.min_items = Some(count(value).ok_or_else(|| bad("a count"))?),
                "maxItems" => r.max_items = Some(count(value).ok_or_else(|| bad("a count"))?),
                "uniqueItems" => {
                    r.unique_items = value.as_bool().ok_or_else(|| bad("a boolean"))?
                }
                "$ref" => {
                    let reference = value.as_str().ok_or_else(|| bad("a string"))?;
                    let target = match self.target(reference, spot) {
                        Ok(target) => target,
                        // The standard meta-schemas ship with the engine, not as documents.
                        Err(_) if is_meta_schema(reference, &spot.base) => return Ok(None),
                        Err(e) => return Err(e),
                    };
                    let (doc, pointer) = target;
                    let target = self.compile_at(doc, &pointer)?;
                    self.in_place[id as usize].push(target);
                    r.reference = Some(target);
                }
                "allOf" | "anyOf" | "oneOf" => {
                    let Value::Array(items) = value else {
                        return Err(bad("an array of schemas"));
                    };
                    let mut ids = Vec::with_capacity(items.len());
                    for i in 0..items.len() {
                        let child = self.sub(spot, &[key, &i.to_string()])?;
                        self.in_place[id as usize].push(child);
                        ids.push(child);
                    }
                    match key.as_str() {
                        "allOf" => r.all_of = ids,
                        "anyOf" => r.any_of = ids,
                        _ => r.one_of = ids,
                    }
                }
                "not" => {
                    let child = self.sub(spot, &[key])?;
                    self.in_place[id as usize].push(child);
                    r.not = Some(child);
                }
                // Everything else — `$id`, `$schema`, `$defs`, `title`, `description`,
                // `examples`, `default`, `deprecated`, `readOnly`, content keywords, `x-` and
                // other unknown keywords — is an annotation: it asserts nothing.
                _ => {}
            }
        }
        if let Some(Value::Object(_) | Value::Bool(_)) = map.get("if") {
            let condition = self.sub(spot, &["if"])?;
            let then = match map.get("then") {
                Some(_) => Some(self.sub(spot, &["then"])?),
                None => None,
            };
            let otherwise = match map.get("else") {
                Some(_) => Some(self.sub(spot, &["else"])?),
                None => None,
            };
            for child in [Some(condition), then, otherwise].into_iter().flatten() {
                self.in_place[id as usize].push(child);
            }
            r.condition = Some((condition, then, otherwise));
        }
        if matches!(self.docs[spot.doc].kind, DocKind::OpenApi { .. }) {
            self.openapi_rules(map, spot, id, &mut r)?;
        }
        Ok(Some(r))
    }

    /// A pattern for the linear-time engine, compiled once per source; `None` for one it cannot
    /// run (the engine's then).
    fn pattern(&mut self, source: &str) -> Option<pattern::Pattern> {
        if let Some(known) = self.patterns.get(source) {
            return known.clone();
        }
        let compiled = pattern::compile(source).ok();
        self.patterns.insert(source.to_owned(), compiled.clone());
        compiled
    }

    /// OpenAPI's own keywords, in the response direction: `writeOnly` members and
    /// `discriminator`.
    fn openapi_rules(
        &mut self,
        map: &serde_json::Map<String, Value>,
        spot: &Spot,
        id: Id,
        r: &mut Rules,
    ) -> Result<(), CompileError> {
        if let Some(Value::Object(members)) = map.get("properties") {
            for (name, member) in members {
                let mut at = spot.clone();
                at.pointer.push_str("/properties/");
                at.pointer.push_str(&escape_segment(name));
                let at = self.spot(at.doc, &at.pointer);
                if self.write_only(member, &at) {
                    r.required.retain(|n| **n != **name);
                    r.write_only.push(name.as_str().into());
                }
            }
        }
        let Some(discriminator) = map.get("discriminator") else {
            return Ok(());
        };
        let branches: Vec<Id> = if r.one_of.is_empty() {
            r.any_of.clone()
        } else {
            r.one_of.clone()
        };
        if branches.is_empty() {
            // On a base schema that others extend through `allOf`: an annotation here.
            return Ok(());
        }
        let bad = |what: &str| CompileError::Invalid {
            document: self.docs[spot.doc].name.clone(),
            at: spot.pointer.clone(),
            reason: format!("`discriminator` {what}"),
        };
        let Some(Value::String(property)) = discriminator.get("propertyName") else {
            return Err(bad("must have a `propertyName` string"));
        };
        let keyword = if r.one_of.is_empty() {
            "anyOf"
        } else {
            "oneOf"
        };
        let mut mapping: Vec<(Box<str>, Id)> = Vec::new();
        match discriminator.get("mapping") {
            None => {}
            Some(Value::Object(explicit)) => {
                for (value, target) in explicit {
                    let Value::String(target) = target else {
                        return Err(bad("`mapping` values must be strings"));
                    };
                    // A bare name is a schema of `components/schemas`; anything else a reference.
                    let reference = if target.contains(['#', '/', '.']) {
                        target.clone()
                    } else {
                        format!("#/components/schemas/{}", escape_segment(target))
                    };
                    let (doc, pointer) = self.target(&reference, spot)?;
                    let target = self.compile_at(doc, &pointer)?;
                    self.in_place[id as usize].push(target);
                    mapping.push((value.as_str().into(), target));
                }
            }
            Some(_) => return Err(bad("`mapping` must be an object")),
        }
        // Implicit names: the last segment of each `$ref` branch (`#/components/schemas/Dog`).
        if let Some(Value::Array(items)) = map.get(keyword) {
            for (item, &branch) in items.iter().zip(&branches) {
                let Some(Value::String(reference)) = item.get("$ref") else {
                    continue;
                };
                let name = reference.rsplit(['/', '#']).next().unwrap_or_default();
                let name = percent_decode(name).replace("~1", "/").replace("~0", "~");
                // A schema the explicit mapping names goes by that name only.
                let (doc, pointer) = self.target(reference, spot)?;
                let target = self.compile_at(doc, &pointer)?;
                if !name.is_empty() && !mapping.iter().any(|(n, id)| **n == *name || *id == target)
                {
                    mapping.push((name.into(), branch));
                }
            }
        }
        r.discriminator = Some(Box::new(Discriminator {
            property: property.as_str().into(),
            mapping,
        }));
        Ok(())
    }

    /// Whether a member's schema (through `$ref`s) says `writeOnly: true`.
    fn write_only(&self, schema: &Value, spot: &Spot) -> bool {
        let (mut value, mut spot) = (schema, spot.clone());
        // A chain of references is followed a few steps; a loop is the compiler's to refuse.
        for _ in 0..16 {
            if value.get("writeOnly") == Some(&Value::Bool(true)) {
                return true;
            }
            let Some(Value::String(reference)) = value.get("$ref") else {
                return false;
            };
            let Ok((doc, pointer)) = self.target(reference, &spot) else {
                return false;
            };
            let Some(next) = navigate(&self.docs[doc].value, &pointer) else {
                return false;
            };
            value = next;
            spot = self.spot(doc, &pointer);
        }
        false
    }

    /// A compiled node refused, named by its document and pointer.
    fn refused(&self, node: usize, reason: String) -> CompileError {
        let location = match &self.nodes[node] {
            Schema::Rules(r) => r.location.to_string(),
            _ => String::new(),
        };
        let (document, at) = location
            .split_once('#')
            .map(|(d, p)| (d.to_owned(), p.to_owned()))
            .unwrap_or_default();
        CompileError::Invalid {
            document,
            at,
            reason,
        }
    }

    /// A `$ref` (or `allOf`, …) chain that comes back to a schema on the same instance would
    /// never end: such a set of documents is refused, naming the schema.
    fn check_loops(&self) -> Result<(), CompileError> {
        // 0 unvisited, 1 on the stack, 2 done. Iterative: schemas can be deep.
        let mut state = vec![0u8; self.in_place.len()];
        let mut chain = vec![0usize; self.in_place.len()];
        for start in 0..self.in_place.len() {
            if state[start] != 0 {
                continue;
            }
            let mut stack = vec![(start, 0usize)];
            state[start] = 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                if let Some(&child) = self.in_place[node].get(*next) {
                    *next += 1;
                    let child = child as usize;
                    match state[child] {
                        0 => {
                            state[child] = 1;
                            stack.push((child, 0));
                        }
                        1 => {
                            return Err(self.refused(child, "this schema refers back to itself (through `$ref`, `allOf`, …) without descending into the payload: checking it would never end".to_owned()));
                        }
                        _ => {}
                    }
                } else {
                    state[node] = 2;
                    // The longest chain of schemas applied to one value from here.
                    let longest = 1 + self.in_place[node]
                        .iter()
                        .map(|&c| chain[c as usize])
                        .max()
                        .unwrap_or(0);
                    chain[node] = longest;
                    if longest > MAX_CHAIN {
                        return Err(self.refused(node, format!(
                            "more than {MAX_CHAIN} schemas apply to the same value in a chain from here (`$ref`, `allOf`, …): too deep to check within a thread's stack"
                        )));
                    }
                    stack.pop();
                }
            }
        }
        Ok(())
    }
}
