//! proptest generators of contract payloads, derived from the schema documents (feature `proptest`).
//!
//! The generators read the embedded documents ([`crate::documents`]) and follow the keywords they
//! use (`type`, `properties`, `required`, `$ref`, `oneOf`, `not`), so tests built on them cannot
//! drift from the schemas: a keyword this module does not understand makes it panic, loudly, the
//! day someone adds one. Payloads are written with varied whitespace and Unicode text, and every
//! member's position is recorded, so a test can assert *where* a violation must be reported.
//!
//! ```
//! use proptest::prelude::*;
//! use response_contract::strategies;
//!
//! proptest!(|(payload in strategies::valid_payload())| {
//!     prop_assert!(response_contract::is_valid(&payload.bytes));
//! });
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value as J;

use crate::pointer;
use crate::report::{JsonType, Location, Variant};

/// A JSON value that keeps member order and may hold duplicates (which `serde_json::Value`
/// cannot), so near-misses can be built from it.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string (unescaped).
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, members in order, duplicates allowed.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The `serde_json` value (for duplicates, the last copy wins, as in serde_json).
    pub fn to_value(&self) -> J {
        match self {
            Json::Null => J::Null,
            Json::Bool(b) => J::Bool(*b),
            Json::Number(n) => serde_json::from_str(n).unwrap_or(J::Null),
            Json::String(s) => J::String(s.clone()),
            Json::Array(items) => J::Array(items.iter().map(Json::to_value).collect()),
            Json::Object(members) => J::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_value()))
                    .collect(),
            ),
        }
    }

    /// The JSON type.
    pub fn json_type(&self) -> JsonType {
        match self {
            Json::Null => JsonType::Null,
            Json::Bool(_) => JsonType::Boolean,
            Json::Number(_) => JsonType::Number,
            Json::String(_) => JsonType::String,
            Json::Array(_) => JsonType::Array,
            Json::Object(_) => JsonType::Object,
        }
    }
}

/// Where a member sits in a written payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spot {
    /// The start of its name (the opening quote); for the root, its value.
    pub key: Location,
    /// The start of its value.
    pub value: Location,
}

/// A written payload, with the position of every member and of every object.
#[derive(Debug, Clone)]
pub struct Payload {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// The tree it was written from.
    pub json: Json,
    /// The variant the generator built (`None` for payloads not generated from a branch).
    pub variant: Option<Variant>,
    /// Every member (by JSON Pointer, `""` the root) → where its name and value start. With
    /// duplicates, the last occurrence.
    pub spots: BTreeMap<String, Spot>,
}

/// Whitespace between tokens, used in turn.
#[derive(Debug, Clone)]
pub struct Layout {
    gaps: Vec<&'static str>,
}

impl Layout {
    /// No whitespace at all.
    pub fn compact() -> Layout {
        Layout { gaps: vec![""] }
    }
}

fn layout() -> impl Strategy<Value = Layout> {
    prop::collection::vec(
        prop::sample::select(vec!["", " ", "\n", "\n    ", "\t", "\r\n  ", "  "]),
        1..6,
    )
    .prop_map(|gaps| Layout { gaps })
}

struct Writer<'l> {
    out: Vec<u8>,
    line: usize,
    column: usize,
    layout: &'l Layout,
    next_gap: usize,
    spots: BTreeMap<String, Spot>,
    path: pointer::Pointer,
}

impl Writer<'_> {
    fn here(&self) -> Location {
        Location {
            line: self.line,
            column: self.column,
            offset: self.out.len(),
        }
    }

    fn raw(&mut self, text: &str) {
        for c in text.chars() {
            if c == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
        self.out.extend_from_slice(text.as_bytes());
    }

    fn gap(&mut self) {
        let gap = self.layout.gaps[self.next_gap % self.layout.gaps.len()];
        self.next_gap += 1;
        self.raw(gap);
    }

    fn string(&mut self, s: &str) {
        let mut text = String::with_capacity(s.len() + 2);
        text.push('"');
        for c in s.chars() {
            match c {
                '"' => text.push_str("\\\""),
                '\\' => text.push_str("\\\\"),
                c if (c as u32) < 0x20 => {
                    let _ = write!(text, "\\u{:04x}", c as u32);
                }
                c => text.push(c),
            }
        }
        text.push('"');
        self.raw(&text);
    }

    fn value(&mut self, json: &Json) {
        match json {
            Json::Null => self.raw("null"),
            Json::Bool(b) => self.raw(if *b { "true" } else { "false" }),
            Json::Number(n) => self.raw(n),
            Json::String(s) => self.string(s),
            Json::Array(items) => {
                self.raw("[");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.raw(",");
                    }
                    self.gap();
                    self.path.push_index(i);
                    self.value(item);
                    self.path.pop();
                }
                self.gap();
                self.raw("]");
            }
            Json::Object(members) => {
                self.raw("{");
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        self.raw(",");
                    }
                    self.gap();
                    let key_at = self.here();
                    self.string(key);
                    self.gap();
                    self.raw(":");
                    self.gap();
                    self.path.push_key(key);
                    let value_at = self.here();
                    self.spots.insert(
                        self.path.as_str().to_owned(),
                        Spot {
                            key: key_at,
                            value: value_at,
                        },
                    );
                    self.value(value);
                    self.path.pop();
                }
                self.gap();
                self.raw("}");
            }
        }
    }
}

/// Writes `json` with `layout`, recording where everything is.
pub fn write(json: &Json, layout: &Layout, variant: Option<Variant>) -> Payload {
    let mut w = Writer {
        out: Vec::new(),
        line: 1,
        column: 1,
        layout,
        next_gap: 0,
        spots: BTreeMap::new(),
        path: pointer::Pointer::default(),
    };
    w.gap();
    let root = w.here();
    w.spots.insert(
        String::new(),
        Spot {
            key: root,
            value: root,
        },
    );
    w.value(json);
    w.gap();
    Payload {
        bytes: w.out,
        json: json.clone(),
        variant,
        spots: w.spots,
    }
}

// ---------------------------------------------------------------------------------------------
// The shape of the contract, read from the schema documents.

/// What the documents say a value must be.
#[derive(Debug, Clone)]
enum Shape {
    String,
    Object {
        properties: Vec<(String, Shape)>,
        required: Vec<String>,
        /// Names that a `not` keyword forbids.
        forbidden: Vec<String>,
    },
    OneOf(Vec<(Option<Variant>, Shape)>),
}

fn document_value(file: &str) -> J {
    let doc = crate::documents()
        .iter()
        .find(|d| d.file == file)
        .unwrap_or_else(|| panic!("schema document {file} is not embedded"));
    serde_json::from_str(doc.source).expect("embedded schema documents are JSON")
}

fn variant_of(file: &str) -> Option<Variant> {
    match file {
        "normal-response.schema.json" => Some(Variant::Normal),
        "abnormal-response.schema.json" => Some(Variant::Abnormal),
        _ => None,
    }
}

const ANNOTATIONS: &[&str] = &["$schema", "$id", "title", "description", "examples"];

/// Names a `not` forbids: `{"required": [..]}` or `{"anyOf": [{"required": [..]}, ..]}`.
fn forbidden_names(not: &J) -> Vec<String> {
    let names = |v: &J| -> Vec<String> {
        v.get("required")
            .and_then(J::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|n| n.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_else(|| panic!("strategies: unsupported `not` subschema {v}"))
    };
    match not.get("anyOf").and_then(J::as_array) {
        Some(branches) => branches.iter().flat_map(names).collect(),
        None => names(not),
    }
}

fn shape(schema: &J) -> Shape {
    let object = schema
        .as_object()
        .unwrap_or_else(|| panic!("strategies: unsupported schema {schema}"));
    for key in object.keys() {
        let known = ANNOTATIONS.contains(&key.as_str())
            || ["type", "properties", "required", "$ref", "oneOf", "not"].contains(&key.as_str());
        assert!(
            known,
            "strategies: the keyword `{key}` is not supported; teach src/strategies.rs"
        );
    }
    if let Some(target) = object.get("$ref").and_then(J::as_str) {
        let file = target.rsplit('/').next().unwrap_or(target);
        return shape(&document_value(file));
    }
    if let Some(branches) = object.get("oneOf").and_then(J::as_array) {
        return Shape::OneOf(
            branches
                .iter()
                .map(|b| {
                    let variant = b
                        .get("$ref")
                        .and_then(J::as_str)
                        .and_then(|r| variant_of(r.rsplit('/').next().unwrap_or(r)));
                    (variant, shape(b))
                })
                .collect(),
        );
    }
    match object.get("type").and_then(J::as_str) {
        Some("string") => Shape::String,
        Some("object") => {
            let properties = object
                .get("properties")
                .and_then(J::as_object)
                .map(|p| p.iter().map(|(k, v)| (k.clone(), shape(v))).collect())
                .unwrap_or_default();
            let required = object
                .get("required")
                .and_then(J::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|n| n.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let forbidden = object.get("not").map(forbidden_names).unwrap_or_default();
            Shape::Object {
                properties,
                required,
                forbidden,
            }
        }
        other => panic!("strategies: unsupported type {other:?}"),
    }
}

fn contract_shape() -> Shape {
    shape(&document_value("order-id-response.schema.json"))
}

// ---------------------------------------------------------------------------------------------
// Generators.

/// Any string, often empty or short, with non-ASCII and control characters now and then.
fn text() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[A-Za-z0-9._ -]{0,24}",
        1 => "\\PC{0,12}",
        1 => any::<String>().prop_map(|s| s.chars().take(16).collect()),
    ]
    .boxed()
}

/// Any small JSON value (for members the contract does not list, and wrong-typed values).
pub fn any_json() -> BoxedStrategy<Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(|n| Json::Number(n.to_string())),
        (-1.0e6f64..1.0e6).prop_map(|f| Json::Number(format!("{f:e}"))),
        text().prop_map(Json::String),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
            prop::collection::vec((text(), inner), 0..4).prop_map(|members| {
                // No duplicates here: a duplicate is a violation, and these values must be clean.
                let mut seen = std::collections::HashSet::new();
                Json::Object(
                    members
                        .into_iter()
                        .filter(|(k, _)| seen.insert(k.clone()))
                        .collect(),
                )
            }),
        ]
    })
    .boxed()
}

fn from_shape(shape: &Shape) -> BoxedStrategy<(Json, Option<Variant>)> {
    match shape {
        Shape::String => text().prop_map(|s| (Json::String(s), None)).boxed(),
        Shape::OneOf(branches) => {
            let options: Vec<BoxedStrategy<(Json, Option<Variant>)>> = branches
                .iter()
                .map(|(variant, branch)| {
                    let variant = *variant;
                    from_shape(branch)
                        .prop_map(move |(json, _)| (json, variant))
                        .boxed()
                })
                .collect();
            proptest::strategy::Union::new(options).boxed()
        }
        Shape::Object {
            properties,
            required,
            forbidden,
        } => {
            let listed: Vec<String> = properties.iter().map(|(k, _)| k.clone()).collect();
            let members: Vec<BoxedStrategy<Option<(String, Json)>>> = properties
                .iter()
                .map(|(name, shape)| {
                    let name = name.clone();
                    let value = from_shape(shape).prop_map(|(json, _)| json);
                    if required.contains(&name) {
                        value.prop_map(move |v| Some((name.clone(), v))).boxed()
                    } else {
                        proptest::option::of(value)
                            .prop_map(move |v| v.map(|v| (name.clone(), v)))
                            .boxed()
                    }
                })
                .collect();
            let taken: Vec<String> = listed.iter().chain(forbidden).cloned().collect();
            // Members the tables do not list: allowed by the schemas, reported as warnings.
            let extras = prop::collection::vec((text(), any_json()), 0..3).prop_map(move |extra| {
                let mut seen = taken.clone();
                extra
                    .into_iter()
                    .filter(|(k, _)| {
                        let fresh = !seen.contains(k);
                        seen.push(k.clone());
                        fresh
                    })
                    .collect::<Vec<_>>()
            });
            let extras = prop_oneof![3 => Just(Vec::new()), 1 => extras];
            (members, extras, any::<u64>())
                .prop_map(|(members, extras, seed)| {
                    let mut all: Vec<(String, Json)> = members.into_iter().flatten().collect();
                    all.extend(extras);
                    shuffle(&mut all, seed);
                    (Json::Object(all), None)
                })
                .boxed()
        }
    }
}

fn shuffle<T>(items: &mut [T], mut seed: u64) {
    for i in (1..items.len()).rev() {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let j = (seed >> 33) as usize % (i + 1);
        items.swap(i, j);
    }
}

/// Valid responses of either variant, as trees, with the variant of the branch they come from.
pub fn valid_response() -> impl Strategy<Value = (Json, Variant)> {
    from_shape(&contract_shape()).prop_map(|(json, variant)| {
        (
            json,
            variant.expect("the root document is a oneOf of the two variants"),
        )
    })
}

/// Valid payloads, written with varied whitespace.
pub fn valid_payload() -> impl Strategy<Value = Payload> {
    (valid_response(), layout())
        .prop_map(|((json, variant), layout)| write(&json, &layout, Some(variant)))
}

/// One change that breaks a valid payload.
#[derive(Debug, Clone, PartialEq)]
pub enum Mutation {
    /// The value at the pointer replaced by one of another type.
    Retyped(JsonType),
    /// The member removed.
    Removed,
    /// The member written twice.
    Duplicated,
    /// The member's name changed (a character appended).
    Renamed,
}

/// A valid payload with one [`Mutation`] at one listed member.
#[derive(Debug, Clone)]
pub struct NearMiss {
    /// The mutated payload.
    pub payload: Payload,
    /// The original, valid payload.
    pub original: Payload,
    /// The member changed.
    pub pointer: String,
    /// What was done to it.
    pub mutation: Mutation,
}

/// Pointers of the members the contract lists, with their expected type, in a valid tree.
fn listed_members(json: &Json) -> Vec<String> {
    const LISTED: &[&str] = &["order_id", "job_id", "error"];
    const ERROR_LISTED: &[&str] = &["message", "code"];
    let mut out = Vec::new();
    if let Json::Object(members) = json {
        for (k, v) in members {
            if LISTED.contains(&k.as_str()) {
                out.push(pointer::child("", k));
                if let (true, Json::Object(fields)) = (k == "error", v) {
                    for (f, _) in fields {
                        if ERROR_LISTED.contains(&f.as_str()) {
                            out.push(pointer::child("/error", f));
                        }
                    }
                }
            }
        }
    }
    out
}

fn other_value(expected: JsonType) -> BoxedStrategy<Json> {
    match expected {
        JsonType::Null => Just(Json::Null).boxed(),
        JsonType::Boolean => any::<bool>().prop_map(Json::Bool).boxed(),
        JsonType::Number | JsonType::Integer => prop_oneof![
            any::<i32>().prop_map(|n| Json::Number(n.to_string())),
            Just(Json::Number("400".to_owned())),
            Just(Json::Number("-0.5e3".to_owned())),
        ]
        .boxed(),
        JsonType::String => text().prop_map(Json::String).boxed(),
        JsonType::Array => prop::collection::vec(any_json(), 0..3)
            .prop_map(Json::Array)
            .boxed(),
        JsonType::Object => prop::collection::vec(("[a-z]{1,6}", any_json()), 0..3)
            .prop_map(|m| {
                let mut seen = std::collections::HashSet::new();
                Json::Object(
                    m.into_iter()
                        .filter(|(k, _)| seen.insert(k.clone()))
                        .collect(),
                )
            })
            .boxed(),
    }
}

/// Applies `f` to the object holding the member at `pointer` and the member's index.
fn with_member(json: &mut Json, pointer: &str, f: impl FnOnce(&mut Vec<(String, Json)>, usize)) {
    let segments: Vec<String> = pointer::segments(pointer).collect();
    let (last, parents) = segments.split_last().expect("a member pointer");
    let mut node = json;
    for segment in parents {
        let Json::Object(members) = node else { return };
        let Some(i) = members.iter().rposition(|(k, _)| k == segment) else {
            return;
        };
        node = &mut members[i].1;
    }
    if let Json::Object(members) = node {
        if let Some(i) = members.iter().rposition(|(k, _)| k == last) {
            f(members, i);
        }
    }
}

/// Valid payloads with exactly one mutation at one member the contract lists.
pub fn near_miss() -> impl Strategy<Value = NearMiss> {
    let kinds = prop_oneof![
        Just(JsonType::Number),
        Just(JsonType::Boolean),
        Just(JsonType::Null),
        Just(JsonType::Array),
        Just(JsonType::Object),
        Just(JsonType::String),
    ];
    (valid_response(), layout(), any::<Index>(), 0..4u8, kinds)
        .prop_flat_map(|((json, variant), layout, which, op, new_type)| {
            let targets = listed_members(&json);
            let target = which.get(&targets).clone();
            let current = match json.to_value().pointer(&target) {
                Some(J::Object(_)) => JsonType::Object,
                _ => JsonType::String,
            };
            // Retype to a type other than the current one.
            let new_type = if new_type == current {
                JsonType::Number
            } else {
                new_type
            };
            let original = write(&json, &layout, Some(variant));
            (
                Just((json, layout, target, op, new_type, original)),
                other_value(new_type),
            )
        })
        .prop_map(
            |((json, layout, target, op, new_type, original), replacement)| {
                let mut mutated = json.clone();
                let mutation = match op {
                    0 => {
                        with_member(&mut mutated, &target, |m, i| m[i].1 = replacement);
                        Mutation::Retyped(new_type)
                    }
                    1 => {
                        with_member(&mut mutated, &target, |m, i| {
                            m.remove(i);
                        });
                        Mutation::Removed
                    }
                    2 => {
                        with_member(&mut mutated, &target, |m, i| {
                            let copy = m[i].clone();
                            m.insert(i + 1, copy);
                        });
                        Mutation::Duplicated
                    }
                    _ => {
                        with_member(&mut mutated, &target, |m, i| m[i].0.push('x'));
                        Mutation::Renamed
                    }
                };
                NearMiss {
                    payload: write(&mutated, &layout, None),
                    original,
                    pointer: target,
                    mutation,
                }
            },
        )
}

/// Objects shaped like responses but anything may be wrong: the contract's member names with
/// values of any type, at the top level and inside `error`, plus other members. No duplicates,
/// so any JSON Schema engine reads them as written.
pub fn response_like() -> impl Strategy<Value = Payload> {
    let name = prop::sample::select(vec![
        "order_id", "job_id", "error", "message", "code", "other",
    ]);
    let value = prop_oneof![
        3 => text().prop_map(Json::String),
        2 => any_json(),
        2 => prop::collection::vec(
            (prop::sample::select(vec!["message", "code", "order_id", "extra"]), prop_oneof![text().prop_map(Json::String), any_json()]),
            0..4,
        )
        .prop_map(|m| Json::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
    ];
    (prop::collection::vec((name, value), 0..5), layout()).prop_map(|(members, layout)| {
        let mut json = Json::Object(Vec::new());
        if let Json::Object(out) = &mut json {
            for (k, v) in members {
                dedupe_push(out, k.to_owned(), v);
            }
        }
        write(&dedupe(json), &layout, None)
    })
}

fn dedupe_push(out: &mut Vec<(String, Json)>, key: String, value: Json) {
    if let Some(slot) = out.iter_mut().find(|(k, _)| *k == key) {
        slot.1 = value;
    } else {
        out.push((key, value));
    }
}

/// Removes duplicate members at every depth (the last copy wins).
fn dedupe(json: Json) -> Json {
    match json {
        Json::Object(members) => {
            let mut out = Vec::new();
            for (k, v) in members {
                dedupe_push(&mut out, k, dedupe(v));
            }
            Json::Object(out)
        }
        Json::Array(items) => Json::Array(items.into_iter().map(dedupe).collect()),
        other => other,
    }
}

/// Every payload the differential test needs: valid ones, near-misses without duplicates, and
/// response-like objects.
pub fn any_candidate() -> impl Strategy<Value = Payload> {
    prop_oneof![
        valid_payload(),
        near_miss().prop_filter_map("duplicates are outside the schema's reach", |m| {
            (m.mutation != Mutation::Duplicated).then_some(m.payload)
        }),
        response_like(),
    ]
}
