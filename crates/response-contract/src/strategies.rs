//! proptest generators of payloads, derived from compiled schema documents (feature `proptest`).
//!
//! A [`Generator`] reads the plan compiled from a built-in [`Contract`]'s documents (and its policy
//! document, `schemas/policies/`) or from any user [`Schema`], and follows the keywords it finds:
//! `type` (arrays of types and `null` included), `enum`, `const`, `properties`, `required`,
//! `additionalProperties`, `patternProperties`, `propertyNames`, `min/maxProperties`,
//! `dependentRequired`, `items`, `prefixItems`, `min/maxItems`, `uniqueItems`, `$ref`, `allOf`,
//! `anyOf`, `oneOf`, `not` (of `required`, alone or under `anyOf`), `min/maxLength`, `pattern` (the
//! part of the dialect that proptest's regex generator can run: no look-around or anchors inside),
//! `minimum`/`maximum`/`exclusive*`/`multipleOf`, and `format` (values of `date-time`, `date`,
//! `time`, `uuid`, `email`, `ipv4` and `hostname` are well-formed; other formats are annotations,
//! as 2020-12 has it). A keyword it cannot honour (`contains`, `if`, `dependentSchemas`, a `not`
//! of anything but `required`, a subschema handed to the `jsonschema` engine, `oneOf` branches it
//! cannot tell apart) makes it panic with the schema location, loudly, the day a document uses
//! one. Payloads are written with varied whitespace and Unicode text, and the position of every
//! member and array item is recorded, so a test can assert *where* a violation must be reported.
//!
//! No member name is written here: the names come from the documents and, for the variants of a
//! contract and the members that mark them, from its policy document.
//!
//! ```
//! use proptest::prelude::*;
//! use response_contract::{Contract, Validator, strategies};
//!
//! proptest!(|(payload in strategies::valid_payload_for(Contract::JobStatus))| {
//!     prop_assert!(Validator::new().contract(Contract::JobStatus).is_valid(&payload.bytes));
//! });
//! ```
//!
//! The no-argument functions ([`valid_payload`], [`near_miss`], …) are those of the default
//! contract, the Order ID Response.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value as J;

use crate::contract::Contract;
use crate::pointer;
use crate::report::{JsonType, Location, Variant};
use crate::schema::Schema;

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

/// Where a member (or an array item) sits in a written payload.
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
    /// The variant of the contract the generator built (`None` for payloads not generated from a
    /// contract's variant, and for every payload of a plain [`Schema`]).
    pub variant: Option<Variant>,
    /// Every member and array item (by JSON Pointer, `""` the root) → where its name and value
    /// start (an item's "name" is its value). With duplicates, the last occurrence.
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
                    let at = self.here();
                    self.spots
                        .insert(self.path.as_str().to_owned(), Spot { key: at, value: at });
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
// Small values.

/// Any string, often empty or short, with non-ASCII and control characters now and then.
fn text() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[A-Za-z0-9._ -]{0,24}",
        1 => "\\PC{0,12}",
        1 => any::<String>().prop_map(|s| s.chars().take(16).collect()),
    ]
    .boxed()
}

/// A string of `min..=max` characters (code points), as `minLength`/`maxLength` count them.
fn text_between(min: usize, max: usize) -> BoxedStrategy<String> {
    let char_strategy = prop_oneof![
        4 => proptest::char::range('a', 'z'),
        1 => proptest::char::range('0', '9'),
        1 => any::<char>(),
    ];
    prop::collection::vec(char_strategy, min..=max)
        .prop_map(|chars| chars.into_iter().collect())
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

fn from_value(value: &J) -> Json {
    match value {
        J::Null => Json::Null,
        J::Bool(b) => Json::Bool(*b),
        J::Number(n) => Json::Number(n.to_string()),
        J::String(s) => Json::String(s.clone()),
        J::Array(items) => Json::Array(items.iter().map(from_value).collect()),
        J::Object(members) => Json::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), from_value(v)))
                .collect(),
        ),
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

/// A name outside `taken`: `candidate`, or `candidate` with `_` appended until it is fresh.
fn fresh_name(mut candidate: String, taken: &[String], siblings: &[(String, Json)]) -> String {
    while taken.contains(&candidate) || siblings.iter().any(|(k, _)| *k == candidate) {
        candidate.push('_');
    }
    candidate
}

// ---------------------------------------------------------------------------------------------
// Values of the formats the generators know.

fn digits(n: u32, width: usize) -> String {
    format!("{n:0width$}")
}

fn format_value(format: &str) -> Option<BoxedStrategy<String>> {
    let time = || {
        (
            0..24u32,
            0..60u32,
            0..60u32,
            proptest::option::of(0..1000u32),
            prop_oneof![
                Just("Z".to_owned()),
                Just("z".to_owned()),
                (0..24u32, 0..60u32, any::<bool>()).prop_map(|(h, m, plus)| format!(
                    "{}{}:{}",
                    if plus { '+' } else { '-' },
                    digits(h, 2),
                    digits(m, 2)
                )),
            ],
        )
            .prop_map(|(h, m, s, frac, zone)| {
                let frac = frac
                    .map(|f| format!(".{}", digits(f, 3)))
                    .unwrap_or_default();
                format!(
                    "{}:{}:{}{frac}{zone}",
                    digits(h, 2),
                    digits(m, 2),
                    digits(s, 2)
                )
            })
    };
    let date = || {
        (1970..2100u32, 1..=12u32, 1..=28u32)
            .prop_map(|(y, m, d)| format!("{}-{}-{}", digits(y, 4), digits(m, 2), digits(d, 2)))
    };
    Some(match format {
        "date-time" => (date(), prop::sample::select(vec!['T', 't']), time())
            .prop_map(|(d, t, time)| format!("{d}{t}{time}"))
            .boxed(),
        "date" => date().boxed(),
        "time" => time().boxed(),
        "uuid" => "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}".boxed(),
        "email" => "[a-z][a-z0-9]{0,7}@[a-z][a-z0-9]{0,7}\\.[a-z]{2,4}".boxed(),
        "ipv4" => (0..=255u8, 0..=255u8, 0..=255u8, 0..=255u8)
            .prop_map(|(a, b, c, d)| format!("{a}.{b}.{c}.{d}"))
            .boxed(),
        "hostname" => "[a-z][a-z0-9]{0,8}(\\.[a-z][a-z0-9]{0,8}){0,2}".boxed(),
        _ => return None,
    })
}

/// A pattern as proptest's regex generator takes it: one leading `^` and one trailing `$`
/// dropped (a string that matches the rest whole matches the pattern anywhere), and the
/// shorthand classes spelled in ASCII, as the ECMA-262 dialect of JSON Schema reads them.
fn generable_pattern(source: &str) -> String {
    let mut inner = source.strip_prefix('^').unwrap_or(source).to_owned();
    if inner.ends_with('$') && !inner.ends_with("\\$") {
        inner.pop();
    }
    inner
        .replace("\\d", "[0-9]")
        .replace("\\w", "[A-Za-z0-9_]")
        .replace("\\s", " ")
}

// ---------------------------------------------------------------------------------------------
// What generation produces: a value, where its listed members are, and its variant.

/// A listed member of a generated value, with what the documents say about it.
#[derive(Debug, Clone)]
struct Fact {
    /// Relative to the generated value.
    pointer: String,
    required: bool,
    /// The types its schema allows (a [`types`] set), `None` when any type goes.
    allowed: Option<u8>,
    /// Its object takes members that the documents do not list.
    open_parent: bool,
    /// Its object has `minProperties`/`maxProperties`, which a removal or duplicate may break.
    counted_parent: bool,
    /// A single mutation here is reported at this member and nowhere else: the member is not
    /// beneath a `oneOf`/`anyOf` choice (other than the contract's variants), an `enum`/`const`,
    /// or `uniqueItems`.
    exact: bool,
}

#[derive(Debug, Clone)]
struct Gen {
    json: Json,
    facts: Vec<Fact>,
    variant: Option<Variant>,
}

impl Gen {
    fn leaf(json: Json) -> Gen {
        Gen {
            json,
            facts: Vec::new(),
            variant: None,
        }
    }
}

fn prefixed(facts: &[Fact], prefix: &str) -> impl Iterator<Item = Fact> {
    facts.iter().map(move |f| Fact {
        pointer: format!("{prefix}{}", f.pointer),
        ..f.clone()
    })
}

// ---------------------------------------------------------------------------------------------
// From the plan to strategies.

use crate::plan::{Id, Plan, Rules, Schema as Node, types};

/// Beyond this depth, optional members are left out and arrays are as short as allowed.
const SOFT_DEPTH: usize = 5;
/// A schema that needs deeper values than this (a required member that recurses) is refused.
const HARD_DEPTH: usize = 12;

/// The keywords of one value, gathered from its schema and every `$ref` and `allOf` it applies.
#[derive(Default)]
struct Conjunction<'p> {
    rules: Vec<(Id, &'p Rules)>,
    /// `oneOf` (true) or `anyOf` (false) still to choose from: owner node, kind, branches.
    choices: Vec<(Id, bool, &'p [Id])>,
}

#[derive(Clone, Default)]
struct Ctx {
    depth: usize,
    /// Names this object must not have (to tell `oneOf` branches apart).
    avoid: Vec<String>,
    exact: bool,
    /// `oneOf`/`anyOf` owners already resolved into a branch.
    chosen: Vec<Id>,
}

struct Builder<'p> {
    plan: &'p Plan,
    /// Every member name the documents list anywhere, and the members that mark variants:
    /// names of members "the contract does not list" are chosen outside these.
    listed: Vec<String>,
    /// The contract's root (whose `oneOf` is the choice of variant), with the variants.
    policy: Option<(Id, Vec<(Id, Variant)>)>,
}

fn location(rules: &Rules) -> &str {
    &rules.location
}

fn normalise(types: u8) -> u8 {
    if types & types::NUMBER != 0 {
        types | types::INTEGER
    } else {
        types
    }
}

fn kinds(set: u8) -> Vec<u8> {
    [
        types::NULL,
        types::BOOLEAN,
        types::INTEGER,
        types::NUMBER,
        types::STRING,
        types::ARRAY,
        types::OBJECT,
    ]
    .into_iter()
    .filter(|t| set & t != 0)
    .filter(|t| !(*t == types::INTEGER && set & types::NUMBER != 0))
    .collect()
}

fn json_type(kind: u8) -> JsonType {
    match kind {
        types::NULL => JsonType::Null,
        types::BOOLEAN => JsonType::Boolean,
        types::INTEGER => JsonType::Integer,
        types::NUMBER => JsonType::Number,
        types::STRING => JsonType::String,
        types::ARRAY => JsonType::Array,
        _ => JsonType::Object,
    }
}

/// Whether a literal value has one of the types in `set`.
fn literal_has_type(value: &J, set: u8) -> bool {
    let t = match value {
        J::Null => types::NULL,
        J::Bool(_) => types::BOOLEAN,
        J::Number(n) => {
            if n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0) {
                types::INTEGER
            } else {
                types::NUMBER
            }
        }
        J::String(_) => types::STRING,
        J::Array(_) => types::ARRAY,
        J::Object(_) => types::OBJECT,
    };
    normalise(set) & t != 0
}

fn bound(b: &crate::plan::number::Bound) -> f64 {
    b.as_str()
        .parse()
        .unwrap_or_else(|_| panic!("strategies: a bound {} that is not a number", b.as_str()))
}

impl<'p> Builder<'p> {
    fn new(plan: &'p Plan, root: Id, policy: Option<&crate::plan::check::Policy>) -> Builder<'p> {
        let mut listed: Vec<String> = Vec::new();
        let mut seen = vec![false; plan.nodes.len()];
        let mut stack = vec![root];
        if let Some(p) = policy {
            stack.extend(p.variants.iter().map(|v| v.schema));
            for v in &p.variants {
                listed.extend(v.members.iter().cloned());
            }
        }
        while let Some(id) = stack.pop() {
            if std::mem::replace(&mut seen[id as usize], true) {
                continue;
            }
            let Node::Rules(r) = plan.node(id) else {
                continue;
            };
            listed.extend(r.properties.iter().map(|(n, _)| n.to_string()));
            listed.extend(r.required.iter().map(|n| n.to_string()));
            stack.extend(r.properties.iter().map(|(_, id)| *id));
            stack.extend(r.pattern_properties.iter().map(|(_, _, id)| *id));
            stack.extend(r.additional_properties);
            stack.extend(r.property_names);
            stack.extend(r.dependent_schemas.iter().map(|(_, id)| *id));
            stack.extend(r.prefix_items.iter().copied());
            stack.extend(r.items);
            stack.extend(r.contains);
            stack.extend(r.reference);
            stack.extend(r.all_of.iter().chain(&r.any_of).chain(&r.one_of));
            stack.extend(r.not);
            if let Some((i, t, e)) = r.condition {
                stack.push(i);
                stack.extend(t);
                stack.extend(e);
            }
        }
        listed.sort();
        listed.dedup();
        Builder {
            plan,
            listed,
            policy: policy.map(|p| {
                (
                    p.root,
                    p.variants.iter().map(|v| (v.schema, v.variant)).collect(),
                )
            }),
        }
    }

    fn collect(&self, id: Id, chosen: &[Id], out: &mut Conjunction<'p>) {
        match self.plan.node(id) {
            Node::Any => {}
            Node::Never(at) => panic!("strategies: no value satisfies the schema at {at} (false)"),
            Node::Engine(_) => panic!(
                "strategies: the schema reached from node {id} is evaluated by the jsonschema \
                 engine (a keyword outside the plan); no values can be derived from it"
            ),
            Node::Rules(r) => {
                if out.rules.iter().any(|(seen, _)| *seen == id) {
                    return;
                }
                let at = location(r);
                assert!(
                    r.contains.is_none() || r.min_contains == Some(0),
                    "strategies: `contains` at {at} is not supported; teach src/strategies.rs"
                );
                assert!(
                    r.condition.is_none(),
                    "strategies: `if` at {at} is not supported; teach src/strategies.rs"
                );
                assert!(
                    r.dependent_schemas.is_empty(),
                    "strategies: `dependentSchemas` at {at} is not supported; teach src/strategies.rs"
                );
                out.rules.push((id, r));
                if let Some(target) = r.reference {
                    self.collect(target, chosen, out);
                }
                for &a in &r.all_of {
                    self.collect(a, chosen, out);
                }
                if !chosen.contains(&id) {
                    if !r.one_of.is_empty() {
                        out.choices.push((id, true, &r.one_of));
                    }
                    if !r.any_of.is_empty() {
                        out.choices.push((id, false, &r.any_of));
                    }
                }
            }
        }
    }

    fn conjunction(&self, ids: &[Id], chosen: &[Id]) -> Conjunction<'p> {
        let mut out = Conjunction::default();
        for &id in ids {
            self.collect(id, chosen, &mut out);
        }
        out
    }

    fn is_never(&self, id: Id) -> bool {
        matches!(self.plan.node(id), Node::Never(_))
    }

    /// The types a conjunction allows (`None`: any), ignoring choices not yet made.
    fn allowed(conj: &Conjunction<'_>) -> Option<u8> {
        conj.rules
            .iter()
            .filter_map(|(_, r)| r.types.map(normalise))
            .reduce(|a, b| a & b)
    }

    /// The names a `not` forbids: `{"required": [...]}`, or an `anyOf` of such.
    fn forbidden(&self, not: Id) -> Vec<String> {
        let names = |id: Id| -> Vec<String> {
            match self.plan.node(id) {
                Node::Rules(r) if r.any_of.is_empty() && !r.required.is_empty() => {
                    r.required.iter().map(|n| n.to_string()).collect()
                }
                Node::Rules(r) => panic!(
                    "strategies: `not` at {} is only supported over `required`; teach \
                     src/strategies.rs",
                    location(r)
                ),
                _ => panic!("strategies: unsupported `not` subschema (node {id})"),
            }
        };
        match self.plan.node(not) {
            Node::Rules(r) if !r.any_of.is_empty() => {
                r.any_of.iter().flat_map(|&b| names(b)).collect()
            }
            _ => names(not),
        }
    }

    fn variant_of(&self, branch: Id) -> Option<Variant> {
        let (_, variants) = self.policy.as_ref()?;
        let mut id = branch;
        for _ in 0..HARD_DEPTH {
            if let Some((_, v)) = variants.iter().find(|(schema, _)| *schema == id) {
                return Some(*v);
            }
            match self.plan.node(id) {
                Node::Rules(r) if r.reference.is_some() => id = r.reference.unwrap_or(id),
                _ => return None,
            }
        }
        None
    }

    /// Strategies for the values that satisfy every schema in `ids`.
    fn value(&self, ids: &[Id], ctx: &Ctx) -> BoxedStrategy<Gen> {
        assert!(
            ctx.depth <= HARD_DEPTH,
            "strategies: the schema needs values nested deeper than {HARD_DEPTH} (a required \
             member that recurses?)"
        );
        let conj = self.conjunction(ids, &ctx.chosen);
        if let Some(&(owner, one, branches)) = conj.choices.first() {
            return self.choice(ids, owner, one, branches, ctx);
        }
        let allowed = Builder::allowed(&conj);
        // `const` and `enum`: one of the listed values that every other keyword allows.
        let mut literals: Option<Vec<J>> = None;
        for (_, r) in &conj.rules {
            let here: Option<Vec<J>> = match (&r.constant, &r.enumeration) {
                (Some(c), _) => Some(vec![c.clone()]),
                (None, Some(e)) => Some(e.clone()),
                _ => None,
            };
            if let Some(here) = here {
                literals = Some(match literals {
                    None => here,
                    Some(before) => before.into_iter().filter(|v| here.contains(v)).collect(),
                });
            }
        }
        if let Some(literals) = literals {
            let usable: Vec<Json> = literals
                .iter()
                .filter(|v| allowed.is_none_or(|set| literal_has_type(v, set)))
                .map(from_value)
                .collect();
            assert!(
                !usable.is_empty(),
                "strategies: no `enum`/`const` value at {} has an allowed type",
                conj.rules.first().map_or("?", |(_, r)| location(r))
            );
            return prop::sample::select(usable).prop_map(Gen::leaf).boxed();
        }
        let has = |f: &dyn Fn(&Rules) -> bool| conj.rules.iter().any(|(_, r)| f(r));
        let kinds = match allowed {
            Some(set) => kinds(set),
            None if has(&|r| !r.properties.is_empty() || !r.required.is_empty()) => {
                vec![types::OBJECT]
            }
            None if has(&|r| r.items.is_some() || !r.prefix_items.is_empty()) => {
                vec![types::ARRAY]
            }
            None if has(&|r| {
                r.pattern.is_some() || r.min_length.is_some() || r.format.is_some()
            }) =>
            {
                vec![types::STRING]
            }
            None if has(&|r| r.minimum.is_some() || r.maximum.is_some()) => vec![types::NUMBER],
            None => return any_json().prop_map(Gen::leaf).boxed(),
        };
        assert!(
            !kinds.is_empty(),
            "strategies: the types at {} exclude each other",
            conj.rules.first().map_or("?", |(_, r)| location(r))
        );
        let options: Vec<BoxedStrategy<Gen>> = kinds
            .into_iter()
            .map(|kind| match kind {
                types::NULL => Just(Gen::leaf(Json::Null)).boxed(),
                types::BOOLEAN => any::<bool>().prop_map(|b| Gen::leaf(Json::Bool(b))).boxed(),
                types::INTEGER | types::NUMBER => self.number(&conj, kind == types::INTEGER),
                types::STRING => self.string(&conj),
                types::ARRAY => self.array(&conj, ctx),
                _ => self.object(&conj, ctx),
            })
            .collect();
        proptest::strategy::Union::new(options).boxed()
    }

    /// A `oneOf`/`anyOf`: one branch at a time, joined with the rest of the keywords. For
    /// `oneOf`, each branch's values must fail every other branch: they differ in type, or the
    /// other branch requires a member this one can leave out (it is then avoided), or both
    /// require a member whose `const`/`enum` values differ.
    fn choice(
        &self,
        ids: &[Id],
        owner: Id,
        one: bool,
        branches: &[Id],
        ctx: &Ctx,
    ) -> BoxedStrategy<Gen> {
        let is_variants = self.policy.as_ref().is_some_and(|(root, _)| *root == owner);
        let mut options = Vec::new();
        for (i, &branch) in branches.iter().enumerate() {
            if self.is_never(branch) {
                continue;
            }
            let mut inner = ctx.clone();
            inner.chosen.push(owner);
            inner.exact = ctx.exact && (is_variants || branches.len() == 1);
            if one {
                let mine = self.conjunction(&[branch], &[]);
                for (j, &other) in branches.iter().enumerate() {
                    if i == j || self.is_never(other) {
                        continue;
                    }
                    let theirs = self.conjunction(&[other], &[]);
                    match self.tell_apart(&mine, &theirs) {
                        Some(avoid) => inner.avoid.extend(avoid),
                        None => panic!(
                            "strategies: cannot generate values that match only branch {i} of \
                             the oneOf at {}; teach src/strategies.rs",
                            match self.plan.node(owner) {
                                Node::Rules(r) => location(r),
                                _ => "?",
                            }
                        ),
                    }
                }
            }
            let mut all = ids.to_vec();
            all.push(branch);
            let variant = if is_variants {
                self.variant_of(branch)
            } else {
                None
            };
            options.push(
                self.value(&all, &inner)
                    .prop_map(move |mut g| {
                        g.variant = variant.or(g.variant);
                        g
                    })
                    .boxed(),
            );
        }
        assert!(
            !options.is_empty(),
            "strategies: every branch of a choice is `false`"
        );
        proptest::strategy::Union::new(options).boxed()
    }

    /// How values of `mine` fail `theirs`: `Some(names to avoid)`, or `None` if unknown.
    fn tell_apart(&self, mine: &Conjunction<'_>, theirs: &Conjunction<'_>) -> Option<Vec<String>> {
        let (a, b) = (Builder::allowed(mine), Builder::allowed(theirs));
        if let (Some(a), Some(b)) = (a, b) {
            if a & b == 0 {
                return Some(Vec::new());
            }
        }
        let objects_only = |set: Option<u8>| set == Some(types::OBJECT);
        if !objects_only(a) && !objects_only(b) {
            return None;
        }
        let required = |c: &Conjunction<'_>| -> Vec<String> {
            c.rules
                .iter()
                .flat_map(|(_, r)| r.required.iter().map(|n| n.to_string()))
                .collect()
        };
        let (mine_required, theirs_required) = (required(mine), required(theirs));
        if let Some(name) = theirs_required.iter().find(|n| !mine_required.contains(n)) {
            return Some(vec![name.clone()]);
        }
        // A member both require, with values that cannot be equal.
        let literals = |c: &Conjunction<'_>, name: &str| -> Option<Vec<J>> {
            c.rules.iter().find_map(|(_, r)| {
                let id = r.property_lookup(name)?;
                match self.plan.node(id) {
                    Node::Rules(p) => match (&p.constant, &p.enumeration) {
                        (Some(c), _) => Some(vec![c.clone()]),
                        (None, Some(e)) => Some(e.clone()),
                        _ => None,
                    },
                    _ => None,
                }
            })
        };
        let disjoint = mine_required.iter().any(|name| {
            matches!(
                (literals(mine, name), literals(theirs, name)),
                (Some(x), Some(y)) if x.iter().all(|v| !y.contains(v))
            )
        });
        disjoint.then(Vec::new)
    }

    fn string(&self, conj: &Conjunction<'_>) -> BoxedStrategy<Gen> {
        let min = conj
            .rules
            .iter()
            .filter_map(|(_, r)| r.min_length)
            .max()
            .unwrap_or(0) as usize;
        let max = conj.rules.iter().filter_map(|(_, r)| r.max_length).min();
        let patterns: Vec<&str> = conj
            .rules
            .iter()
            .filter_map(|(_, r)| r.pattern.as_ref().map(|(_, source)| &**source))
            .collect();
        let formats: Vec<&str> = conj
            .rules
            .iter()
            .filter_map(|(_, r)| r.format.as_deref())
            .collect();
        let at = conj
            .rules
            .first()
            .map_or("?", |(_, r)| location(r))
            .to_owned();
        assert!(
            patterns.len() <= 1,
            "strategies: several `pattern`s apply at {at}; teach src/strategies.rs"
        );
        let base: BoxedStrategy<String> = if let Some(source) = patterns.first() {
            proptest::string::string_regex(&generable_pattern(source))
                .unwrap_or_else(|e| {
                    panic!("strategies: cannot generate strings for the pattern {source:?} at {at}: {e}")
                })
                .boxed()
        } else if let Some(s) = formats.iter().find_map(|f| format_value(f)) {
            s
        } else if min == 0 && max.is_none() {
            text()
        } else {
            let max = max.map_or(min + 24, |m| m as usize);
            assert!(min <= max, "strategies: minLength > maxLength at {at}");
            return text_between(min, max.min(min + 24))
                .prop_map(|s| Gen::leaf(Json::String(s)))
                .boxed();
        };
        let max = max.map_or(usize::MAX, |m| m as usize);
        base.prop_filter("minLength/maxLength", move |s| {
            let n = s.chars().count();
            n >= min && n <= max
        })
        .prop_map(|s| Gen::leaf(Json::String(s)))
        .boxed()
    }

    fn number(&self, conj: &Conjunction<'_>, integer: bool) -> BoxedStrategy<Gen> {
        let at = conj
            .rules
            .first()
            .map_or("?", |(_, r)| location(r))
            .to_owned();
        let mut lo = f64::NEG_INFINITY;
        let mut hi = f64::INFINITY;
        let mut lo_open = false;
        let mut hi_open = false;
        let mut step: Option<String> = None;
        for (_, r) in &conj.rules {
            if let Some(b) = &r.minimum {
                lo = lo.max(bound(b));
            }
            if let Some(b) = &r.exclusive_minimum {
                let v = bound(b);
                if v >= lo {
                    lo = v;
                    lo_open = true;
                }
            }
            if let Some(b) = &r.maximum {
                hi = hi.min(bound(b));
            }
            if let Some(b) = &r.exclusive_maximum {
                let v = bound(b);
                if v <= hi {
                    hi = v;
                    hi_open = true;
                }
            }
            if let Some(m) = &r.multiple_of {
                assert!(
                    step.as_deref().is_none_or(|s| s == m.as_str()),
                    "strategies: several `multipleOf`s at {at}; teach src/strategies.rs"
                );
                step = Some(m.as_str().to_owned());
            }
        }
        // Values are k × unit, written exactly: unit is the step, else 1 (integers) or 0.01.
        let (mantissa, scale) = match &step {
            Some(s) => decimal(s).unwrap_or_else(|| panic!("strategies: `multipleOf` {s} at {at}")),
            None if integer => (1, 0),
            None => (1, 2),
        };
        assert!(
            !integer || scale == 0,
            "strategies: a fractional `multipleOf` on an integer at {at}; teach src/strategies.rs"
        );
        let unit = mantissa as f64 / 10f64.powi(scale as i32);
        // Unbounded sides get a window around the other bound (or around zero).
        let (lo, hi) = match (lo.is_finite(), hi.is_finite()) {
            (true, true) => (lo, hi),
            (true, false) => (lo, lo + 1e6 * unit),
            (false, true) => (hi - 1e6 * unit, hi),
            (false, false) => (-1e6 * unit, 1e6 * unit),
        };
        // One unit inside an open bound (and inside a bound that a float rounded outward).
        let mut k_lo = (lo / unit).ceil();
        let mut k_hi = (hi / unit).floor();
        if k_lo * unit < lo || (lo_open && k_lo * unit <= lo) {
            k_lo += 1.0;
        }
        if k_hi * unit > hi || (hi_open && k_hi * unit >= hi) {
            k_hi -= 1.0;
        }
        assert!(
            k_lo <= k_hi && k_lo.abs() < 1e15 && k_hi.abs() < 1e15,
            "strategies: no number to generate between the bounds at {at}"
        );
        ((k_lo as i64)..=(k_hi as i64))
            .prop_map(move |k| Gen::leaf(Json::Number(scaled(k as i128 * mantissa, scale))))
            .boxed()
    }

    fn array(&self, conj: &Conjunction<'_>, ctx: &Ctx) -> BoxedStrategy<Gen> {
        let at = conj
            .rules
            .first()
            .map_or("?", |(_, r)| location(r))
            .to_owned();
        let min = conj
            .rules
            .iter()
            .filter_map(|(_, r)| r.min_items)
            .max()
            .unwrap_or(0) as usize;
        let mut max = conj
            .rules
            .iter()
            .filter_map(|(_, r)| r.max_items)
            .min()
            .map(|m| m as usize);
        let prefix = conj
            .rules
            .iter()
            .map(|(_, r)| r.prefix_items.len())
            .max()
            .unwrap_or(0);
        // Past the prefix, an `items: false` ends the array.
        for (_, r) in &conj.rules {
            if r.items.is_some_and(|i| self.is_never(i)) {
                max = Some(max.map_or(r.prefix_items.len(), |m| m.min(r.prefix_items.len())));
            }
        }
        let unique = conj.rules.iter().any(|(_, r)| r.unique_items);
        let soft = ctx.depth >= SOFT_DEPTH;
        let hi = max
            .unwrap_or(usize::MAX)
            .min(if soft { min } else { min.max(prefix) + 3 });
        assert!(
            min <= hi,
            "strategies: no array length satisfies the bounds at {at}"
        );
        let element = |index: usize| -> Vec<Id> {
            conj.rules
                .iter()
                .filter_map(|(_, r)| r.prefix_items.get(index).copied().or(r.items))
                .collect()
        };
        let inner = Ctx {
            depth: ctx.depth + 1,
            avoid: Vec::new(),
            exact: ctx.exact && !unique,
            chosen: Vec::new(),
        };
        let elements: Vec<BoxedStrategy<Gen>> =
            (0..hi).map(|i| self.value(&element(i), &inner)).collect();
        (elements, min..=hi)
            .prop_map(|(mut items, len)| {
                items.truncate(len);
                let mut facts = Vec::new();
                let mut json = Vec::with_capacity(items.len());
                for (i, g) in items.into_iter().enumerate() {
                    facts.extend(prefixed(&g.facts, &format!("/{i}")));
                    json.push(g.json);
                }
                Gen {
                    json: Json::Array(json),
                    facts,
                    variant: None,
                }
            })
            .prop_filter("uniqueItems", move |g| {
                !unique || {
                    let Json::Array(items) = &g.json else {
                        return true;
                    };
                    let values: Vec<J> = items.iter().map(Json::to_value).collect();
                    values
                        .iter()
                        .enumerate()
                        .all(|(i, v)| !values[..i].contains(v))
                }
            })
            .boxed()
    }

    fn object(&self, conj: &Conjunction<'_>, ctx: &Ctx) -> BoxedStrategy<Gen> {
        let at = conj
            .rules
            .first()
            .map_or("?", |(_, r)| location(r))
            .to_owned();
        let rules: Vec<&Rules> = conj.rules.iter().map(|(_, r)| *r).collect();
        let mut names: Vec<String> = Vec::new();
        for r in &rules {
            for (n, _) in &r.properties {
                if !names.iter().any(|x| **x == **n) {
                    names.push(n.to_string());
                }
            }
        }
        let mut required: Vec<String> = Vec::new();
        for r in &rules {
            for n in &r.required {
                if !required.iter().any(|x| **x == **n) {
                    required.push(n.to_string());
                }
            }
        }
        // Required by `required` itself: what a removal must be reported against.
        let strictly_required = required.clone();
        // A listed member that has dependents brings them along.
        for r in &rules {
            for (key, dependents) in &r.dependent_required {
                if required.iter().any(|x| **x == **key) || names.iter().any(|x| **x == **key) {
                    for d in dependents {
                        if !required.iter().any(|x| **x == **d) {
                            required.push(d.to_string());
                        }
                    }
                }
            }
        }
        for n in &required {
            if !names.contains(n) {
                names.push(n.clone());
            }
        }
        let mut avoid = ctx.avoid.clone();
        for r in &rules {
            if let Some(not) = r.not {
                avoid.extend(self.forbidden(not));
            }
        }
        let open = rules.iter().all(|r| {
            r.additional_properties.is_none()
                && r.pattern_properties.is_empty()
                && r.property_names.is_none()
                && r.max_properties.is_none()
        });
        let counted = rules
            .iter()
            .any(|r| r.min_properties.is_some() || r.max_properties.is_some());
        let min_properties = rules
            .iter()
            .filter_map(|r| r.min_properties)
            .max()
            .unwrap_or(0) as usize;
        let max_properties = rules
            .iter()
            .filter_map(|r| r.max_properties)
            .min()
            .map(|m| m as usize);
        // The schemas a member's value must satisfy, in every rule of the conjunction.
        let schemas_for = |name: &str| -> Option<Vec<Id>> {
            let mut out = Vec::new();
            for r in &rules {
                if let Some(id) = r.property_lookup(name) {
                    out.push(id);
                    continue;
                }
                let mut matched = false;
                for (p, _, id) in &r.pattern_properties {
                    if p.is_match(name) {
                        out.push(*id);
                        matched = true;
                    }
                }
                if !matched {
                    if let Some(id) = r.additional_properties {
                        out.push(id);
                    }
                }
            }
            (!out.iter().any(|&id| self.is_never(id))).then_some(out)
        };
        let soft = ctx.depth >= SOFT_DEPTH;
        let mut members: Vec<BoxedStrategy<Option<(String, Gen, Fact)>>> = Vec::new();
        let mut must = required.len();
        for name in &names {
            let is_required = required.contains(name);
            if avoid.contains(name) {
                assert!(
                    !is_required,
                    "strategies: `{name}` is both required and excluded at {at}"
                );
                continue;
            }
            let Some(schemas) = schemas_for(name) else {
                assert!(
                    !is_required,
                    "strategies: `{name}` is required but not allowed at {at}"
                );
                continue;
            };
            let make_required = is_required || must < min_properties;
            if !make_required && soft {
                continue;
            }
            if !is_required && make_required {
                must += 1;
            }
            let member_conj = self.conjunction(&schemas, &[]);
            let allowed = if member_conj.choices.is_empty() {
                Builder::allowed(&member_conj)
            } else {
                None
            };
            let fact = Fact {
                pointer: pointer::child("", name),
                required: strictly_required.contains(name),
                allowed,
                open_parent: open,
                counted_parent: counted,
                exact: ctx.exact,
            };
            let inner = Ctx {
                depth: ctx.depth + 1,
                avoid: Vec::new(),
                exact: ctx.exact,
                chosen: Vec::new(),
            };
            let name = name.clone();
            let value = self.value(&schemas, &inner);
            let member = value.prop_map(move |g| Some((name.clone(), g, fact.clone())));
            if make_required {
                members.push(member.boxed());
            } else {
                members.push(prop_oneof![Just(None), member].boxed());
            }
        }
        assert!(
            max_properties.is_none_or(|max| must <= max),
            "strategies: more members are required than maxProperties allows at {at}"
        );
        let missing = min_properties.saturating_sub(must);
        assert!(
            missing == 0 || open,
            "strategies: minProperties at {at} needs members the schema does not allow"
        );
        let mut taken = self.listed.clone();
        taken.extend(avoid.iter().cloned());
        taken.extend(names.iter().cloned());
        let extra_count = if open && !soft { 0..3usize } else { 0..1usize };
        let extras = prop::collection::vec((text(), any_json()), extra_count);
        let extras = prop_oneof![3 => Just(Vec::new()), 1 => extras];
        let forced = prop::collection::vec((text(), any_json()), missing..=missing);
        (members, extras, forced, any::<u64>())
            .prop_map(move |(members, extras, forced, seed)| {
                let mut all: Vec<(String, Json)> = Vec::new();
                let mut facts = Vec::new();
                for (name, g, fact) in members.into_iter().flatten() {
                    let prefix = fact.pointer.clone();
                    facts.extend(prefixed(&g.facts, &prefix));
                    facts.push(fact);
                    all.push((name, g.json));
                }
                if let Some(max) = max_properties {
                    // Optional members past the maximum are dropped (required ones come first).
                    while all.len() > max {
                        let Some(i) = facts
                            .iter()
                            .rposition(|f| !f.required && !f.pointer[1..].contains('/'))
                        else {
                            break;
                        };
                        let gone = facts.remove(i).pointer;
                        let name = pointer::segments(&gone).next().unwrap_or_default();
                        all.retain(|(k, _)| *k != name);
                        facts.retain(|f| !f.pointer.starts_with(&format!("{gone}/")));
                    }
                }
                for (name, value) in forced.into_iter().chain(extras) {
                    if max_properties.is_some_and(|max| all.len() >= max) {
                        break;
                    }
                    let name = fresh_name(name, &taken, &all);
                    all.push((name, value));
                }
                shuffle(&mut all, seed);
                Gen {
                    json: Json::Object(all),
                    facts,
                    variant: None,
                }
            })
            .boxed()
    }
}

/// `"0.01"` → (1, 2); `"5"` → (5, 0); `"2.5e1"` → (25, 0).
fn decimal(text: &str) -> Option<(i128, u32)> {
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().ok()?),
        None => (text, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let frac = frac.trim_end_matches('0');
    let digits: i128 = format!("{int}{frac}").parse().ok()?;
    let scale = frac.len() as i32 - exponent;
    if scale >= 0 {
        Some((digits, scale as u32))
    } else {
        Some((digits.checked_mul(10i128.checked_pow((-scale) as u32)?)?, 0))
    }
}

/// `value × 10^-scale`, written exactly.
fn scaled(value: i128, scale: u32) -> String {
    if scale == 0 {
        return value.to_string();
    }
    let sign = if value < 0 { "-" } else { "" };
    let digits = format!(
        "{:0width$}",
        value.unsigned_abs(),
        width = scale as usize + 1
    );
    let (int, frac) = digits.split_at(digits.len() - scale as usize);
    format!("{sign}{int}.{frac}")
}

// ---------------------------------------------------------------------------------------------
// The public face: a generator per contract or schema.

/// One of a contract's variants, as the generators need it (from its policy document and its
/// schema).
#[derive(Debug, Clone)]
struct VariantFacts {
    variant: Variant,
    /// Members whose presence marks the variant (policy).
    marks: Vec<String>,
    /// Members the variant's schema requires.
    required: Vec<String>,
    /// Members its `not` forbids (the other variants' members).
    forbidden: Vec<String>,
}

/// Generators of payloads for one contract or schema: valid ones, single mutations of them, and
/// response-shaped objects where anything may be wrong. Cheap to clone.
#[derive(Clone)]
pub struct Generator {
    valid: BoxedStrategy<Gen>,
    /// Every member name the documents list (and the members that mark variants).
    listed: std::rc::Rc<Vec<String>>,
    /// The contract's variants in order of precedence (empty for a plain schema).
    variants: std::rc::Rc<Vec<VariantFacts>>,
    /// For each member that marks a variant: a valid value of it (from that variant's schema).
    mark_values: std::rc::Rc<Vec<(String, BoxedStrategy<Json>)>>,
}

impl std::fmt::Debug for Generator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generator")
            .field("listed", &self.listed)
            .field("variants", &self.variants)
            .finish_non_exhaustive()
    }
}

impl Generator {
    /// The generators of a built-in contract: its documents and its policy document.
    ///
    /// # Panics
    /// If the contract's documents use a keyword the generators cannot honour (see the module
    /// documentation).
    pub fn contract(contract: Contract) -> Generator {
        let compiled = crate::contract::compiled(contract);
        let policy = &compiled.policy;
        let builder = Builder::new(&compiled.plan, policy.root, Some(policy));
        let root_ctx = Ctx {
            exact: true,
            ..Ctx::default()
        };
        let valid = builder.value(&[policy.root], &root_ctx);
        let variants: Vec<VariantFacts> = policy
            .precedence
            .iter()
            .map(|&i| {
                let v = &policy.variants[i];
                let conj = builder.conjunction(&[v.schema], &[]);
                VariantFacts {
                    variant: v.variant,
                    marks: v.members.clone(),
                    required: conj
                        .rules
                        .iter()
                        .flat_map(|(_, r)| r.required.iter().map(|n| n.to_string()))
                        .collect(),
                    forbidden: conj
                        .rules
                        .iter()
                        .filter_map(|(_, r)| r.not)
                        .flat_map(|n| builder.forbidden(n))
                        .collect(),
                }
            })
            .collect();
        let mut mark_values = Vec::new();
        for v in &policy.variants {
            let conj = builder.conjunction(&[v.schema], &[]);
            for mark in &v.members {
                if let Some(id) = conj.rules.iter().find_map(|(_, r)| r.property_lookup(mark)) {
                    let value = builder
                        .value(
                            &[id],
                            &Ctx {
                                depth: 1,
                                ..Ctx::default()
                            },
                        )
                        .prop_map(|g| g.json)
                        .boxed();
                    mark_values.push((mark.clone(), value));
                }
            }
        }
        Generator {
            valid,
            listed: std::rc::Rc::new(builder.listed.clone()),
            variants: std::rc::Rc::new(variants),
            mark_values: std::rc::Rc::new(mark_values),
        }
    }

    /// The generators of a compiled user schema (no contract policy: no variants, and members
    /// the schema does not list are simply allowed where it allows them).
    ///
    /// # Panics
    /// If the schema uses a keyword the generators cannot honour (see the module documentation).
    pub fn schema(schema: &Schema) -> Generator {
        let (plan, root) = schema.plan_and_root();
        let builder = Builder::new(plan, root, None);
        let valid = builder.value(
            &[root],
            &Ctx {
                exact: true,
                ..Ctx::default()
            },
        );
        Generator {
            valid,
            listed: std::rc::Rc::new(builder.listed.clone()),
            variants: std::rc::Rc::new(Vec::new()),
            mark_values: std::rc::Rc::new(Vec::new()),
        }
    }

    /// The generators of a user's documents, compiled as [`Schema::from_documents`] does.
    ///
    /// # Errors
    /// As [`Schema::from_documents`].
    pub fn documents(documents: &[(&str, &[u8])], root: &str) -> Result<Generator, crate::Error> {
        Schema::from_documents(documents, root).map(|s| Generator::schema(&s))
    }

    /// Valid values as trees, with the variant of the contract they were generated from.
    pub fn valid_value(&self) -> BoxedStrategy<(Json, Option<Variant>)> {
        self.valid.clone().prop_map(|g| (g.json, g.variant)).boxed()
    }

    /// Valid payloads, written with varied whitespace.
    pub fn valid_payload(&self) -> BoxedStrategy<Payload> {
        (self.valid.clone(), layout())
            .prop_map(|(g, layout)| write(&g.json, &layout, g.variant))
            .boxed()
    }

    /// Valid payloads with exactly one [`Mutation`], and the errors it must be reported as
    /// ([`NearMiss::expected`]). Members are mutated only where the violation's place is
    /// certain (not beneath a `oneOf`/`anyOf` choice other than the contract's variants).
    pub fn near_miss(&self) -> BoxedStrategy<NearMiss> {
        let planner = self.clone();
        let builder = self.clone();
        (self.valid.clone(), layout(), any::<Index>(), any::<Index>())
            .prop_filter_map("no member to mutate", move |(g, layout, which, kind)| {
                let ops = planner.operations(&g);
                if ops.is_empty() {
                    return None;
                }
                let op = which.get(&ops).clone();
                let op = match op {
                    Op::Retype(p, choices) => Op::Retype(p, vec![*kind.get(&choices)]),
                    other => other,
                };
                Some((g, layout, op))
            })
            .prop_flat_map(move |(g, layout, op)| {
                let replacement: BoxedStrategy<Json> = match &op {
                    Op::Retype(_, t) => other_value(t[0].0, t[0].1),
                    Op::Rename(_) => "[a-z_][a-z0-9_]{0,11}".prop_map(Json::String).boxed(),
                    Op::OtherVariantMember(name) => builder
                        .mark_values
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, s)| s.clone())
                        .unwrap_or_else(any_json),
                    _ => Just(Json::Null).boxed(),
                };
                (Just((g, layout, op)), replacement, any::<u64>())
            })
            .prop_filter_map("the mutation leaves no located error", {
                let me = self.clone();
                move |((g, layout, op), replacement, seed)| {
                    me.apply(&g, &layout, op, replacement, seed)
                }
            })
            .boxed()
    }

    /// Objects shaped like the responses, where anything may be wrong: the member names the
    /// documents list (and names they do not), with values of any type, nested one level. No
    /// duplicates, so any JSON Schema engine reads them as written.
    pub fn response_like(&self) -> BoxedStrategy<Payload> {
        let mut pool: Vec<String> = self.listed.to_vec();
        if pool.is_empty() {
            pool.push("a".to_owned());
        }
        let taken = self.listed.clone();
        let name = prop_oneof![
            5 => prop::sample::select(pool),
            1 => "[a-z_]{1,8}".prop_map(move |n| fresh_name(n, &taken, &[])),
        ];
        let value = prop_oneof![
            3 => text().prop_map(Json::String),
            2 => any_json(),
            2 => prop::collection::vec((name.clone(), prop_oneof![text().prop_map(Json::String), any_json()]), 0..4)
                .prop_map(Json::Object),
        ];
        (prop::collection::vec((name, value), 0..5), layout())
            .prop_map(|(members, layout)| write(&dedupe(Json::Object(members)), &layout, None))
            .boxed()
    }

    /// Every payload a differential test needs: valid ones, near-misses without duplicates, and
    /// response-like objects.
    pub fn any_candidate(&self) -> BoxedStrategy<Payload> {
        prop_oneof![
            self.valid_payload(),
            self.near_miss()
                .prop_filter_map("duplicates are outside the schema's reach", |m| {
                    (m.mutation != Mutation::Duplicated).then_some(m.payload)
                }),
            self.response_like(),
        ]
        .boxed()
    }

    /// The mutations a valid value allows.
    fn operations(&self, g: &Gen) -> Vec<Op> {
        let mut ops = Vec::new();
        for f in g.facts.iter().filter(|f| f.exact) {
            if let Some(allowed) = f.allowed {
                let choices: Vec<(JsonType, bool)> = [
                    types::NULL,
                    types::BOOLEAN,
                    types::NUMBER,
                    types::STRING,
                    types::ARRAY,
                    types::OBJECT,
                ]
                .into_iter()
                .filter(|t| allowed & t == 0)
                .map(|t| (json_type(t), allowed & types::INTEGER != 0))
                .collect();
                if !choices.is_empty() {
                    ops.push(Op::Retype(f.pointer.clone(), choices));
                }
            }
            if f.counted_parent {
                continue;
            }
            ops.push(Op::Duplicate(f.pointer.clone()));
            if f.required {
                ops.push(Op::Remove(f.pointer.clone()));
                if f.open_parent {
                    ops.push(Op::Rename(f.pointer.clone()));
                }
            }
        }
        if let (Some(_), Json::Object(root)) = (g.variant, &g.json) {
            for v in self.variants.iter() {
                for m in &v.marks {
                    if !root.iter().any(|(k, _)| k == m)
                        && !ops
                            .iter()
                            .any(|o| matches!(o, Op::OtherVariantMember(x) if x == m))
                    {
                        ops.push(Op::OtherVariantMember(m.clone()));
                    }
                }
            }
        }
        ops
    }

    /// The variant a root object is judged as: the first, in the policy's precedence, whose
    /// marking members it carries.
    fn judged(&self, root: &Json) -> Option<&VariantFacts> {
        let Json::Object(members) = root else {
            return None;
        };
        self.variants
            .iter()
            .find(|v| v.marks.iter().any(|m| members.iter().any(|(k, _)| k == m)))
    }

    fn apply(
        &self,
        g: &Gen,
        layout: &Layout,
        op: Op,
        replacement: Json,
        seed: u64,
    ) -> Option<NearMiss> {
        let original = write(&g.json, layout, g.variant);
        let mut mutated = g.json.clone();
        enum At {
            Value,
            Key,
            Parent,
            Root,
        }
        let mut expect: Vec<(String, &'static str, At)> = Vec::new();
        let (pointer, mutation) = match op {
            Op::Retype(p, t) => {
                with_member(&mut mutated, &p, |m, i| m[i].1 = replacement);
                expect.push((p.clone(), "type_mismatch", At::Value));
                (p, Mutation::Retyped(t[0].0))
            }
            Op::Duplicate(p) => {
                with_member(&mut mutated, &p, |m, i| {
                    let copy = m[i].clone();
                    m.insert(i + 1, copy);
                });
                expect.push((p.clone(), "duplicate_member", At::Key));
                (p, Mutation::Duplicated)
            }
            op @ (Op::Remove(_) | Op::Rename(_)) => {
                let (p, renamed) = match op {
                    Op::Remove(p) => (p, None),
                    Op::Rename(p) => (p, Some(replacement)),
                    _ => unreachable!(),
                };
                let mut taken = self.listed.to_vec();
                with_member(&mut mutated, &p, |m, i| match &renamed {
                    None => {
                        m.remove(i);
                    }
                    Some(Json::String(candidate)) => {
                        taken.push(m[i].0.clone());
                        m[i].0 = fresh_name(candidate.clone(), &taken, m);
                    }
                    Some(_) => unreachable!(),
                });
                let at_root = pointer::segments(&p).count() == 1;
                if at_root && !self.variants.is_empty() {
                    match self.judged(&mutated) {
                        None => expect.push((String::new(), "no_variant", At::Root)),
                        Some(v) if Some(v.variant) == g.variant => {
                            expect.push((p.clone(), "missing_member", At::Parent));
                        }
                        Some(_) => return None,
                    }
                } else {
                    expect.push((p.clone(), "missing_member", At::Parent));
                }
                let mutation = if renamed.is_some() {
                    Mutation::Renamed
                } else {
                    Mutation::Removed
                };
                (p, mutation)
            }
            Op::OtherVariantMember(name) => {
                let Json::Object(root) = &mut mutated else {
                    return None;
                };
                let at = (seed as usize) % (root.len() + 1);
                root.insert(at, (name.clone(), replacement));
                let judged = self.judged(&mutated)?;
                let Json::Object(root) = &mutated else {
                    return None;
                };
                let present = |n: &String| root.iter().any(|(k, _)| k == n);
                if Some(judged.variant) != g.variant && !judged.required.iter().all(present) {
                    return None;
                }
                for f in judged.forbidden.iter().filter(|f| present(f)) {
                    expect.push((pointer::child("", f), "ambiguous_response", At::Key));
                }
                if expect.is_empty() {
                    return None;
                }
                let p = pointer::child("", &name);
                (p, Mutation::OtherVariantMember(name))
            }
        };
        let payload = write(&mutated, layout, None);
        let expected = expect
            .into_iter()
            .map(|(p, kind, at)| {
                let location = match at {
                    At::Value => payload.spots[&p].value,
                    At::Key => payload.spots[&p].key,
                    At::Parent => {
                        let cut = p.rfind('/').unwrap_or(0);
                        payload.spots[&p[..cut]].value
                    }
                    At::Root => payload.spots[""].value,
                };
                Expected {
                    pointer: p,
                    kind,
                    location,
                }
            })
            .collect();
        Some(NearMiss {
            payload,
            original,
            pointer,
            mutation,
            expected,
        })
    }
}

#[derive(Debug, Clone)]
enum Op {
    /// The member at the pointer, and the types it could be changed to (with whether the schema
    /// allows integers, so that a number must be fractional).
    Retype(String, Vec<(JsonType, bool)>),
    Remove(String),
    Rename(String),
    Duplicate(String),
    OtherVariantMember(String),
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
    /// The member's name changed to a name the documents do not list.
    Renamed,
    /// A member that marks another variant of the contract (named in its policy document) added
    /// at the top level, with a valid value: the response is now two variants at once.
    OtherVariantMember(String),
}

/// An error a [`NearMiss`] must be reported with.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    /// Its JSON Pointer.
    pub pointer: String,
    /// Its kind, as [`crate::ViolationKind::code`] names it (`"type_mismatch"`, …).
    pub kind: &'static str,
    /// Where it is located in the mutated payload.
    pub location: Location,
}

/// A valid payload with one [`Mutation`] at one listed member.
#[derive(Debug, Clone)]
pub struct NearMiss {
    /// The mutated payload.
    pub payload: Payload,
    /// The original, valid payload.
    pub original: Payload,
    /// The member changed (or added).
    pub pointer: String,
    /// What was done to it.
    pub mutation: Mutation,
    /// The errors the mutated payload must be reported with — its only errors.
    pub expected: Vec<Expected>,
}

fn other_value(expected: JsonType, integers_allowed: bool) -> BoxedStrategy<Json> {
    match expected {
        JsonType::Null => Just(Json::Null).boxed(),
        JsonType::Boolean => any::<bool>().prop_map(Json::Bool).boxed(),
        JsonType::Number | JsonType::Integer if integers_allowed => prop_oneof![
            (any::<i32>(), 1..100u32).prop_map(|(n, f)| Json::Number(format!("{n}.{f:02}"))),
            Just(Json::Number("-0.5".to_owned())),
            Just(Json::Number("1.25e1".to_owned())),
        ]
        .boxed(),
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
            .prop_map(|m| dedupe(Json::Object(m)))
            .boxed(),
    }
}

/// Applies `f` to the object holding the member at `pointer` and the member's index.
fn with_member(json: &mut Json, pointer: &str, f: impl FnOnce(&mut Vec<(String, Json)>, usize)) {
    let segments: Vec<String> = pointer::segments(pointer).collect();
    let (last, parents) = segments.split_last().expect("a member pointer");
    let mut node = json;
    for segment in parents {
        node = match node {
            Json::Object(members) => {
                let Some(i) = members.iter().rposition(|(k, _)| k == segment) else {
                    return;
                };
                &mut members[i].1
            }
            Json::Array(items) => {
                let Some(item) = segment.parse::<usize>().ok().and_then(|i| items.get_mut(i))
                else {
                    return;
                };
                item
            }
            _ => return,
        };
    }
    if let Json::Object(members) = node {
        if let Some(i) = members.iter().rposition(|(k, _)| k == last) {
            f(members, i);
        }
    }
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

// ---------------------------------------------------------------------------------------------
// Shorthands: a contract's generators, and the default contract's.

/// The generators of a compiled user schema; see [`Generator::schema`].
pub fn for_schema(schema: &Schema) -> Generator {
    Generator::schema(schema)
}

/// The generators of a user's documents; see [`Generator::documents`].
///
/// # Errors
/// As [`Schema::from_documents`].
pub fn for_documents(documents: &[(&str, &[u8])], root: &str) -> Result<Generator, crate::Error> {
    Generator::documents(documents, root)
}

/// Valid payloads of a contract, judged as the variant they carry.
pub fn valid_payload_for(contract: Contract) -> impl Strategy<Value = Payload> {
    Generator::contract(contract).valid_payload()
}

/// Single mutations of a contract's valid payloads; see [`Generator::near_miss`].
pub fn near_miss_for(contract: Contract) -> impl Strategy<Value = NearMiss> {
    Generator::contract(contract).near_miss()
}

/// Objects shaped like a contract's responses; see [`Generator::response_like`].
pub fn response_like_for(contract: Contract) -> impl Strategy<Value = Payload> {
    Generator::contract(contract).response_like()
}

/// Valid payloads, near-misses and response-like objects of a contract.
pub fn any_candidate_for(contract: Contract) -> impl Strategy<Value = Payload> {
    Generator::contract(contract).any_candidate()
}

/// Valid responses of the Order ID Response, as trees, with their variant.
pub fn valid_response() -> impl Strategy<Value = (Json, Variant)> {
    Generator::contract(Contract::OrderIdResponse)
        .valid_value()
        .prop_map(|(json, variant)| {
            let variant = variant.expect("the contract's root is a oneOf of its variants");
            (json, variant)
        })
}

/// Valid payloads of the Order ID Response, written with varied whitespace.
pub fn valid_payload() -> impl Strategy<Value = Payload> {
    valid_payload_for(Contract::OrderIdResponse)
}

/// Single mutations of the Order ID Response's valid payloads.
pub fn near_miss() -> impl Strategy<Value = NearMiss> {
    near_miss_for(Contract::OrderIdResponse)
}

/// Objects shaped like Order ID Responses where anything may be wrong.
pub fn response_like() -> impl Strategy<Value = Payload> {
    response_like_for(Contract::OrderIdResponse)
}

/// Every payload the differential tests need, for the Order ID Response.
pub fn any_candidate() -> impl Strategy<Value = Payload> {
    any_candidate_for(Contract::OrderIdResponse)
}
