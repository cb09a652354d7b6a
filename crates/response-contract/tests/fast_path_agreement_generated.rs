//! The fast verdict equals the full report's on generated schemas: for random JSON Schema
//! 2020-12 documents built from the keywords the plan covers, and payloads both derived from the
//! schema (mostly valid) and random or damaged JSON text (odd whitespace, escapes in strings and
//! member names, duplicate members, numbers written oddly or beyond a float, deep nesting),
//! `Schema::is_valid(p) == Schema::validate(p).is_valid()` under every option set. The same holds
//! for the built-in contract (`Validator`) under each expectation, strict or not.
//!
//! `validate` trusts a `Clean` fast verdict, so comparing the two alone would miss a wrong one;
//! in debug builds (these tests' own) the library also holds every verdict the fast pass
//! decides against the full check, and panics where they differ.
//!
//! Remembered payload shapes (`Schema::remember_shapes`) answer for payloads laid out like
//! one already judged: a property here learns a payload's shape, then asks about the same
//! layout with other values, against the same schema remembering nothing.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use response_contract::{Expect, Limits, Schema, Validator};

// ---------------------------------------------------------------------------------------------
// JSON text with control over how it is written
// ---------------------------------------------------------------------------------------------

/// A JSON value that keeps numbers as written and members in order (duplicates allowed).
#[derive(Debug, Clone, PartialEq)]
enum J {
    Null,
    Bool(bool),
    Num(&'static str),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

fn obj(members: Vec<(&str, J)>) -> J {
    J::Obj(
        members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

fn s(text: &str) -> J {
    J::Str(text.to_owned())
}

/// SplitMix64: the writer's and the instance builder's choices, from one generated seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// How text is written: plain (for schemas) or with varied whitespace, escapes and duplicates.
#[derive(Clone, Copy)]
struct Style {
    odd: bool,
}

fn write(j: &J, rng: &mut Rng, style: Style, out: &mut String) {
    let ws = |rng: &mut Rng, out: &mut String| {
        if style.odd {
            out.push_str(rng.pick(&["", "", " ", "\n  ", "\t", "\r\n", "  \n\n"]));
        }
    };
    match j {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Num(n) => out.push_str(n),
        J::Str(text) => write_str(text, rng, style, out),
        J::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                ws(rng, out);
                write(item, rng, style, out);
                ws(rng, out);
            }
            out.push(']');
        }
        J::Obj(members) => {
            out.push('{');
            let mut first = true;
            for (key, value) in members {
                // A duplicate member now and then: the same name, maybe written another way.
                let copies = if style.odd && rng.one_in(12) { 2 } else { 1 };
                for _ in 0..copies {
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    ws(rng, out);
                    write_str(key, rng, style, out);
                    ws(rng, out);
                    out.push(':');
                    ws(rng, out);
                    write(value, rng, style, out);
                    ws(rng, out);
                }
            }
            out.push('}');
        }
    }
}

fn write_str(text: &str, rng: &mut Rng, style: Style, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        let escape = style.odd && rng.one_in(5);
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '/' if escape => out.push_str("\\/"),
            c if (c as u32) < 0x20 || escape => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn text(j: &J, seed: u64, style: Style) -> String {
    let mut out = String::new();
    let mut rng = Rng(seed);
    if style.odd {
        out.push_str(rng.pick(&["", " ", "\n", "\t\r\n "]));
    }
    write(j, &mut rng, style, &mut out);
    if style.odd {
        out.push_str(rng.pick(&["", "\n", " \r\n"]));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Pools: the names, strings and numbers that schemas and payloads share
// ---------------------------------------------------------------------------------------------

const NAMES: &[&str] = &[
    "a",
    "b",
    "c",
    "ab",
    "x1",
    "é",
    "a/b",
    "~0",
    "",
    "k\u{1F600}",
];
const STRINGS: &[&str] = &[
    "",
    "a",
    "ab",
    "abc",
    "xyz",
    "1",
    "é\u{1F600}",
    "a\"b\\c",
    "line\nbreak",
    "\u{0}",
    "2020-01-01",
    "2020-01-01T10:00:00Z",
    "123e4567-e89b-12d3-a456-426614174000",
    "user@example.com",
    "192.168.0.1",
    "not a date",
];
/// Numbers as payloads write them: equal values written differently, beyond u64 and f64.
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "1.0",
    "10e-1",
    "1E+2",
    "100",
    "2",
    "2.5",
    "-1",
    "-1.5",
    "0.5",
    "3",
    "0.01",
    "1e-2",
    "9007199254740993",
    "18446744073709551616",
    "123456789012345678901234567890",
    "-123456789012345678901234567890.5",
    "1e400",
    "-1e400",
    "4.0e0",
    "0.1",
    "0.30000000000000004",
];
/// Numbers as schemas write them (serde_json must read each: nothing beyond a float).
const SCHEMA_NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "1.0",
    "10e-1",
    "1E+2",
    "2",
    "2.5",
    "-1",
    "0.5",
    "3",
    "0.1",
    "1e-2",
    "9007199254740993",
    "1e20",
    "-1.5",
];
const DIVISORS: &[&str] = &["1", "2", "0.5", "1.5", "0.01", "3", "1e-2", "10e-1", "0.1"];
const PATTERNS: &[&str] = &["^a", "b$", "^[a-c]*$", "\\d", "^.{0,2}$", "x|y", "é", "^$"];
const TYPES: &[&str] = &[
    "null", "boolean", "integer", "number", "string", "array", "object",
];
const FORMATS: &[&str] = &[
    "date",
    "date-time",
    "uuid",
    "email",
    "ipv4",
    "no-such-format",
];

fn pick(pool: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    prop::sample::select(pool)
}

/// Small JSON values for payloads.
fn small_value() -> BoxedStrategy<J> {
    value_from(NUMBERS)
}

/// Small JSON values for schemas (`const`, `enum`): numbers serde_json can read.
fn schema_value() -> BoxedStrategy<J> {
    value_from(SCHEMA_NUMBERS)
}

fn value_from(numbers: &'static [&'static str]) -> BoxedStrategy<J> {
    let leaf = prop_oneof![
        Just(J::Null),
        any::<bool>().prop_map(J::Bool),
        pick(numbers).prop_map(J::Num),
        pick(STRINGS).prop_map(s),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(J::Arr),
            prop::collection::vec((pick(NAMES).prop_map(str::to_owned), inner), 0..3)
                .prop_map(J::Obj),
        ]
    })
    .boxed()
}

// ---------------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------------

type Keywords = Vec<(String, J)>;

fn kw(name: &str, value: J) -> Keywords {
    vec![(name.to_owned(), value)]
}

fn count(max: usize) -> impl Strategy<Value = J> {
    const COUNTS: &[&str] = &["0", "1", "2", "3", "4"];
    (0..=max).prop_map(|n| J::Num(COUNTS[n]))
}

fn distinct(names: Vec<&'static str>) -> Vec<J> {
    let mut seen = Vec::new();
    for n in names {
        if !seen.contains(&n) {
            seen.push(n);
        }
    }
    seen.into_iter().map(s).collect()
}

/// Keywords about the value itself (no subschemas).
fn leaf_keywords() -> BoxedStrategy<Keywords> {
    prop_oneof![
        pick(TYPES).prop_map(|t| kw("type", s(t))),
        prop::collection::vec(pick(TYPES), 1..4).prop_map(|t| kw("type", J::Arr(distinct(t)))),
        schema_value().prop_map(|v| kw("const", v)),
        pick(SCHEMA_NUMBERS).prop_map(|n| kw("const", J::Num(n))),
        prop::collection::vec(
            prop_oneof![pick(SCHEMA_NUMBERS).prop_map(J::Num), schema_value()],
            1..4
        )
        .prop_map(|v| kw("enum", J::Arr(v))),
        count(3).prop_map(|n| kw("minLength", n)),
        count(3).prop_map(|n| kw("maxLength", n)),
        pick(PATTERNS).prop_map(|p| kw("pattern", s(p))),
        pick(FORMATS).prop_map(|f| kw("format", s(f))),
        (
            prop::sample::select(
                &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"][..]
            ),
            pick(SCHEMA_NUMBERS)
        )
            .prop_map(|(k, n)| kw(k, J::Num(n))),
        pick(DIVISORS).prop_map(|n| kw("multipleOf", J::Num(n))),
        prop::collection::vec(pick(NAMES), 0..3).prop_map(|n| kw("required", J::Arr(distinct(n)))),
        count(3).prop_map(|n| kw("minProperties", n)),
        count(3).prop_map(|n| kw("maxProperties", n)),
        (pick(NAMES), prop::collection::vec(pick(NAMES), 0..3)).prop_map(|(name, needs)| kw(
            "dependentRequired",
            J::Obj(vec![(name.to_owned(), J::Arr(distinct(needs)))])
        )),
        count(3).prop_map(|n| kw("minItems", n)),
        count(3).prop_map(|n| kw("maxItems", n)),
        any::<bool>().prop_map(|b| kw("uniqueItems", J::Bool(b))),
        prop::sample::select(&["#/$defs/a", "#/$defs/b", "#/$defs/list", "#"][..])
            .prop_map(|r| kw("$ref", s(r))),
    ]
    .boxed()
}

/// Keywords with subschemas.
fn applicator_keywords(inner: BoxedStrategy<J>) -> BoxedStrategy<Keywords> {
    let i = || inner.clone();
    prop_oneof![
        prop::collection::vec((pick(NAMES).prop_map(str::to_owned), i()), 0..4)
            .prop_map(|p| kw("properties", J::Obj(p))),
        i().prop_map(|v| kw("additionalProperties", v)),
        any::<bool>().prop_map(|b| kw("additionalProperties", J::Bool(b))),
        prop::collection::vec((pick(PATTERNS).prop_map(str::to_owned), i()), 1..3)
            .prop_map(|p| kw("patternProperties", J::Obj(p))),
        i().prop_map(|v| kw("propertyNames", v)),
        i().prop_map(|v| kw("items", v)),
        prop::collection::vec(i(), 1..3).prop_map(|v| kw("prefixItems", J::Arr(v))),
        (i(), prop::option::of(count(2)), prop::option::of(count(3))).prop_map(|(v, min, max)| {
            let mut out = kw("contains", v);
            out.extend(min.map(|n| ("minContains".to_owned(), n)));
            out.extend(max.map(|n| ("maxContains".to_owned(), n)));
            out
        }),
        prop::collection::vec(i(), 1..4).prop_map(|v| kw("allOf", J::Arr(v))),
        prop::collection::vec(i(), 1..4).prop_map(|v| kw("anyOf", J::Arr(v))),
        prop::collection::vec(i(), 1..4).prop_map(|v| kw("oneOf", J::Arr(v))),
        i().prop_map(|v| kw("not", v)),
        (i(), prop::option::of(i()), prop::option::of(i())).prop_map(|(c, t, e)| {
            let mut out = kw("if", c);
            out.extend(t.map(|t| ("then".to_owned(), t)));
            out.extend(e.map(|e| ("else".to_owned(), e)));
            out
        }),
    ]
    .boxed()
}

/// A schema object from keyword groups; a keyword given twice keeps its first value.
fn merge(groups: Vec<Keywords>) -> J {
    let mut members: Keywords = Vec::new();
    for (k, v) in groups.into_iter().flatten() {
        if !members.iter().any(|(m, _)| *m == k) {
            members.push((k, v));
        }
    }
    J::Obj(members)
}

fn subschema() -> BoxedStrategy<J> {
    let leaf = prop_oneof![
        1 => any::<bool>().prop_map(J::Bool),
        6 => prop::collection::vec(leaf_keywords(), 0..3).prop_map(merge),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop::collection::vec(
            prop_oneof![
                2 => leaf_keywords(),
                3 => applicator_keywords(inner),
            ],
            1..4,
        )
        .prop_map(merge)
    })
    .boxed()
}

/// A whole document: `$defs` (`a`, `b`, and a recursive `list`) that `$ref`s may name, then the
/// root's keywords.
fn document() -> impl Strategy<Value = J> {
    (
        subschema(),
        subschema(),
        subschema(),
        prop::collection::vec(
            prop_oneof![leaf_keywords(), applicator_keywords(subschema())],
            0..4,
        ),
    )
        .prop_map(|(a, b, item, root)| {
            let list = obj(vec![
                ("type", J::Arr(vec![s("array"), s("null")])),
                ("prefixItems", J::Arr(vec![item])),
                ("items", obj(vec![("$ref", s("#/$defs/list"))])),
            ]);
            let mut groups = vec![kw("$defs", obj(vec![("a", a), ("b", b), ("list", list)]))];
            groups.extend(root);
            merge(groups)
        })
}

// ---------------------------------------------------------------------------------------------
// Payloads
// ---------------------------------------------------------------------------------------------

fn get<'j>(schema: &'j J, name: &str) -> Option<&'j J> {
    match schema {
        J::Obj(members) => members.iter().find(|(k, _)| k == name).map(|(_, v)| v),
        _ => None,
    }
}

fn random_value(rng: &mut Rng, depth: usize) -> J {
    match rng.below(if depth == 0 { 4 } else { 6 }) {
        0 => J::Null,
        1 => J::Bool(rng.one_in(2)),
        2 => J::Num(rng.pick(NUMBERS)),
        3 => s(rng.pick(STRINGS)),
        4 => J::Arr(
            (0..rng.below(3))
                .map(|_| random_value(rng, depth - 1))
                .collect(),
        ),
        _ => J::Obj(
            (0..rng.below(3))
                .map(|_| (rng.pick(NAMES).to_owned(), random_value(rng, depth - 1)))
                .collect(),
        ),
    }
}

/// A value that tries to satisfy `schema` (read from `root` for `$ref`s): right type, listed and
/// required members, `const`/`enum` values, bounds as written; it often succeeds, and where it
/// does not it is a near miss.
fn instance(schema: &J, root: &J, rng: &mut Rng, depth: usize) -> J {
    if depth == 0 || rng.one_in(12) {
        return random_value(rng, 1);
    }
    let J::Obj(_) = schema else {
        return random_value(rng, 2);
    };
    if let Some(J::Str(reference)) = get(schema, "$ref")
        && rng.one_in(2)
    {
        let target = match reference.strip_prefix("#/$defs/") {
            Some(name) => get(root, "$defs").and_then(|d| get(d, name)),
            None => Some(root),
        };
        if let Some(target) = target {
            return instance(target, root, rng, depth - 1);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(J::Arr(branches)) = get(schema, key)
            && !branches.is_empty()
            && rng.one_in(2)
        {
            let branch = &branches[rng.below(branches.len())];
            return instance(branch, root, rng, depth - 1);
        }
    }
    if let Some(value) = get(schema, "const") {
        return value.clone();
    }
    if let Some(J::Arr(values)) = get(schema, "enum")
        && !values.is_empty()
    {
        return values[rng.below(values.len())].clone();
    }
    let types: Vec<&str> = match get(schema, "type") {
        Some(J::Str(t)) => vec![t.as_str()],
        Some(J::Arr(ts)) => ts
            .iter()
            .filter_map(|t| match t {
                J::Str(t) => Some(t.as_str()),
                _ => None,
            })
            .collect(),
        _ => {
            let mut guess = Vec::new();
            for (keys, t) in [
                (
                    &["properties", "required", "additionalProperties"][..],
                    "object",
                ),
                (&["items", "prefixItems", "contains"][..], "array"),
                (
                    &["minLength", "maxLength", "pattern", "format"][..],
                    "string",
                ),
                (&["minimum", "maximum", "multipleOf"][..], "number"),
            ] {
                if keys.iter().any(|k| get(schema, k).is_some()) {
                    guess.push(t);
                }
            }
            guess
        }
    };
    let chosen = if types.is_empty() {
        rng.pick(TYPES)
    } else {
        rng.pick(&types)
    };
    match chosen {
        "null" => J::Null,
        "boolean" => J::Bool(rng.one_in(2)),
        "integer" | "number" => {
            let bounds = ["minimum", "maximum", "exclusiveMinimum", "multipleOf"];
            let written: Vec<&'static str> = bounds
                .iter()
                .filter_map(|k| match get(schema, k) {
                    Some(J::Num(n)) => Some(*n),
                    _ => None,
                })
                .collect();
            if !written.is_empty() && rng.one_in(2) {
                J::Num(rng.pick(&written))
            } else {
                J::Num(rng.pick(NUMBERS))
            }
        }
        "string" => {
            let mut text = rng.pick(STRINGS).to_owned();
            if let Some(J::Num(n)) = get(schema, "minLength") {
                let min: usize = n.parse().unwrap_or(0);
                while text.chars().count() < min {
                    text.push('a');
                }
            }
            J::Str(text)
        }
        "array" => {
            let mut items = Vec::new();
            if let Some(J::Arr(prefix)) = get(schema, "prefixItems") {
                for p in prefix {
                    items.push(instance(p, root, rng, depth - 1));
                }
            }
            if let Some(each) = get(schema, "items") {
                for _ in 0..rng.below(3) {
                    items.push(instance(each, root, rng, depth - 1));
                }
            }
            if let Some(c) = get(schema, "contains") {
                items.push(instance(c, root, rng, depth - 1));
            }
            J::Arr(items)
        }
        _ => {
            let mut members: Vec<(String, J)> = Vec::new();
            let add = |name: &str, value: J, members: &mut Vec<(String, J)>| {
                if !members.iter().any(|(k, _)| k == name) {
                    members.push((name.to_owned(), value));
                }
            };
            if let Some(J::Arr(required)) = get(schema, "required") {
                for name in required {
                    if let J::Str(name) = name {
                        let sub = get(schema, "properties").and_then(|p| get(p, name));
                        let value = match sub {
                            Some(sub) => instance(sub, root, rng, depth - 1),
                            None => random_value(rng, 1),
                        };
                        add(name, value, &mut members);
                    }
                }
            }
            if let Some(J::Obj(properties)) = get(schema, "properties") {
                for (name, sub) in properties {
                    if rng.one_in(2) {
                        let value = instance(sub, root, rng, depth - 1);
                        add(name, value, &mut members);
                    }
                }
            }
            if rng.one_in(4) {
                let value = random_value(rng, 1);
                add(rng.pick(NAMES), value, &mut members);
            }
            J::Obj(members)
        }
    }
}

/// Valid payloads damaged by a few byte edits: what a too-eager fast path lets through.
fn damage(mut bytes: Vec<u8>, edits: &[(prop::sample::Index, u8, u8)]) -> Vec<u8> {
    const BYTES: &[u8] = b"{}[]\",:\\ 0-.eE1a\n";
    for (at, byte, op) in edits {
        if bytes.is_empty() {
            break;
        }
        let i = at.index(bytes.len());
        let b = if byte % 2 == 0 {
            BYTES[*byte as usize % BYTES.len()]
        } else {
            *byte
        };
        match op % 4 {
            0 => bytes[i] = b,
            1 => bytes.insert(i, b),
            2 => {
                bytes.remove(i);
            }
            _ => bytes.truncate(i),
        }
    }
    bytes
}

/// Arrays or objects nested `depth` deep around a value: within and beyond every depth limit.
fn nested(depth: usize, objects: bool, inner: &str) -> String {
    let (open, close) = if objects {
        ("{\"a\":", "}")
    } else {
        ("[", "]")
    };
    format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
}

/// How a payload is made from a schema.
#[derive(Debug, Clone)]
enum Make {
    /// Derived from the schema, written plainly or oddly.
    FromSchema { odd: bool },
    /// Derived from the schema, then damaged.
    Damaged(Vec<(prop::sample::Index, u8, u8)>),
    /// Random JSON, written oddly.
    Random(J),
    /// Deep nesting.
    Deep { depth: usize, objects: bool },
}

fn make() -> impl Strategy<Value = Make> {
    prop_oneof![
        4 => any::<bool>().prop_map(|odd| Make::FromSchema { odd }),
        2 => prop::collection::vec(
            (any::<prop::sample::Index>(), any::<u8>(), any::<u8>()),
            1..4
        )
        .prop_map(Make::Damaged),
        2 => small_value().prop_map(Make::Random),
        1 => (1..300usize, any::<bool>()).prop_map(|(depth, objects)| Make::Deep { depth, objects }),
    ]
}

fn payload(schema: &J, make: &Make, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed);
    let derived = instance(schema, schema, &mut rng, 6);
    match make {
        Make::FromSchema { odd } => text(&derived, seed, Style { odd: *odd }).into_bytes(),
        Make::Damaged(edits) => damage(
            text(&derived, seed, Style { odd: false }).into_bytes(),
            edits,
        ),
        Make::Random(j) => text(j, seed, Style { odd: true }).into_bytes(),
        Make::Deep { depth, objects } => {
            let inner = text(&derived, seed, Style { odd: false });
            nested(*depth, *objects, &inner).into_bytes()
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------------------------

/// Every option set that can change a verdict.
fn option_sets(schema: &Schema) -> Vec<(&'static str, Schema)> {
    let limits = Limits::DEFAULT;
    vec![
        ("default", schema.clone()),
        ("redact", schema.clone().redact(true)),
        ("formats", schema.clone().assert_formats(true)),
        ("depth 1", schema.clone().limits(limits.max_depth(1))),
        ("depth 2", schema.clone().limits(limits.max_depth(2))),
        (
            "depth 3 formats",
            schema
                .clone()
                .limits(limits.max_depth(3))
                .assert_formats(true),
        ),
        ("size 24", schema.clone().limits(limits.max_size(24))),
        (
            "violations 1",
            schema.clone().limits(limits.max_violations(1)),
        ),
        (
            "redact formats violations 2",
            schema
                .clone()
                .redact(true)
                .assert_formats(true)
                .limits(limits.max_violations(2)),
        ),
    ]
}

fn schema_verdicts_agree(document: &str, payload: &[u8]) -> Result<(), TestCaseError> {
    let compiled = Schema::from_json(document.as_bytes(), "generated.json");
    // A generated `$ref` chain may loop without descending into the payload, which the compiler
    // rightly refuses; such documents are not cases.
    let schema = match compiled {
        Ok(schema) => schema,
        Err(error) => {
            prop_assert!(
                error.to_string().contains("refers back to itself"),
                "a generated schema was refused: {error}\n{document}"
            );
            return Err(TestCaseError::reject("a $ref loop"));
        }
    };
    for (name, schema) in option_sets(&schema) {
        let report = schema.validate(payload);
        prop_assert_eq!(
            schema.is_valid(payload),
            report.is_valid(),
            "{}: is_valid and validate disagree\nschema: {}\npayload: {:?}\nreport: {:#}",
            name,
            document,
            String::from_utf8_lossy(payload),
            report
        );
    }
    Ok(())
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        max_global_rejects: cases * 4,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(384))]

    #[test]
    fn schema_is_valid_equals_validate_on_generated_schemas_and_payloads(
        doc in document(),
        make in make(),
        seed in any::<u64>(),
    ) {
        let document = text(&doc, 0, Style { odd: false });
        let bytes = payload(&doc, &make, seed);
        schema_verdicts_agree(&document, &bytes)?;
    }
}

/// A member judged by its schema alone: an integer against bounds (a range the fast pass
/// compares directly), a literal against `type`, and a string against lengths, a pattern and a
/// format (read in place when it has no escape), at every edge of `i64`, of the 18 digits the
/// fast pass values without parsing, and of lengths in bytes and in characters: the verdicts
/// agree both ways, and the answers are the right ones.
#[test]
fn scalar_members_are_judged_alike_both_ways_at_every_edge() {
    const BOUNDS: &[&str] = &[
        "-9223372036854775808",
        "-1",
        "0",
        "1",
        "999999999999999999",
        "1000000000000000000",
        "9223372036854775807",
        "1.5",
        "1e2",
    ];
    const VALUES: &[&str] = &[
        "0",
        "-0",
        "1",
        "-1",
        "2",
        "100",
        "1.0",
        "999999999999999999",
        "-999999999999999999",
        "1000000000000000000",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775809",
        "null",
        "true",
        "false",
        "\"1\"",
    ];
    const TYPES: &[&str] = &[
        "",
        r#""type": "integer", "#,
        r#""type": "number", "#,
        r#""type": ["integer", "null"], "#,
        r#""type": "boolean", "#,
        r#""type": "string", "#,
    ];
    let keywords = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"];
    for t in TYPES {
        for keyword in keywords {
            for bound in BOUNDS {
                let document = format!(
                    r#"{{"type": "object", "properties": {{"n": {{{t}"{keyword}": {bound}}}}}}}"#
                );
                for value in VALUES {
                    let payload = format!(r#"{{"n": {value}}}"#);
                    if let Err(error) = schema_verdicts_agree(&document, payload.as_bytes()) {
                        panic!("{error}");
                    }
                }
            }
        }
    }
    const STRING_KEYWORDS: &[&str] = &[
        r#""minLength": 2"#,
        r#""maxLength": 2"#,
        r#""minLength": 1, "maxLength": 2, "pattern": "^[A-Z]{1,2}$""#,
        r#""pattern": "^[A-Z]{2}$""#,
        r#""pattern": "A""#,
        r#""pattern": "^.{2}$""#,
        r#""format": "date", "maxLength": 10"#,
        r#""enum": ["AB", "é"], "maxLength": 2"#,
    ];
    const STRINGS: &[&str] = &[
        r#""""#,
        r#""A""#,
        r#""AB""#,
        r#""ABC""#,
        r#""é""#,
        r#""éé""#,
        r#""ééé""#,
        r#""\u0041B""#,
        r#""A\"""#,
        r#""Ab""#,
        r#""2024-02-30""#,
        r#""2024-02-29""#,
        "1",
        "null",
    ];
    let string_types = [
        "",
        r#""type": "string", "#,
        r#""type": ["string", "null"], "#,
        r#""type": "integer", "#,
    ];
    for t in string_types {
        for keywords in STRING_KEYWORDS {
            let document =
                format!(r#"{{"type": "object", "properties": {{"s": {{{t}{keywords}}}}}}}"#);
            for value in STRINGS {
                let payload = format!(r#"{{"s": {value}}}"#);
                if let Err(error) = schema_verdicts_agree(&document, payload.as_bytes()) {
                    panic!("{error}");
                }
            }
        }
    }
    let document =
        r#"{"properties": {"s": {"type": "string", "minLength": 2, "pattern": "^[A-Z]{2}$"}}}"#;
    let schema = Schema::from_json(document.as_bytes(), "text.json").unwrap();
    let verdicts: Vec<bool> = [r#""AB""#, r#""A""#, r#""ABC""#, r#""\u0041B""#, r#""éé""#]
        .iter()
        .map(|v| schema.is_valid(format!(r#"{{"s": {v}}}"#).as_bytes()))
        .collect();
    assert_eq!(verdicts, [true, false, false, true, false]);
    // Both ends at once, each exclusive: 1 < n < 3.
    let document = r#"{"properties": {"n": {"type": "integer", "exclusiveMinimum": 1, "exclusiveMaximum": 3}}}"#;
    let schema = Schema::from_json(document.as_bytes(), "bounds.json").unwrap();
    let verdicts: Vec<bool> = ["1", "2", "3", "2.0", "null"]
        .iter()
        .map(|v| schema.is_valid(format!(r#"{{"n": {v}}}"#).as_bytes()))
        .collect();
    assert_eq!(verdicts, [false, true, false, true, false]);
    let document =
        r#"{"properties": {"n": {"type": ["integer", "null"], "maximum": 9223372036854775807}}}"#;
    let schema = Schema::from_json(document.as_bytes(), "edge.json").unwrap();
    assert!(schema.is_valid(br#"{"n": 999999999999999999}"#));
    assert!(schema.is_valid(br#"{"n": null}"#));
    assert!(!schema.is_valid(br#"{"n": true}"#));
    assert!(!schema.is_valid(br#"{"n": 9223372036854775808}"#));
}

// ---------------------------------------------------------------------------------------------
// The built-in contract
// ---------------------------------------------------------------------------------------------

/// Every option set of the built-in contract that can change a verdict.
fn validators() -> Vec<Validator> {
    let mut out = Vec::new();
    for expect in [Expect::Either, Expect::Normal, Expect::Abnormal] {
        for strict in [false, true] {
            out.push(Validator::new().expect(expect).strict(strict));
        }
    }
    let limits = Limits::DEFAULT;
    out.push(Validator::new().limits(limits.max_depth(2)));
    out.push(Validator::new().limits(limits.max_depth(3)).strict(true));
    out.push(Validator::new().limits(limits.max_size(40)));
    out.push(Validator::new().limits(limits.max_violations(1)));
    out.push(Validator::new().redact(true).expect(Expect::Abnormal));
    out.push(Validator::new().assert_formats(true));
    out
}

const CONTRACT_STRINGS: &[&str] = &["", "CS2009141523OQSEQ", "ff80808174", "BMS.0001", "é\n"];

/// Response-like values: the contract's members (some missing, retyped or doubled), extras.
fn response_like() -> impl Strategy<Value = J> {
    let text_or_not = prop_oneof![
        6 => pick(CONTRACT_STRINGS).prop_map(s),
        1 => pick(NUMBERS).prop_map(J::Num),
        1 => Just(J::Null),
        1 => small_value(),
    ];
    let error = (
        prop::option::of(text_or_not.clone()),
        prop::option::of(text_or_not.clone()),
        prop::option::of(small_value()),
    )
        .prop_map(|(message, code, extra)| {
            let mut members = Vec::new();
            members.extend(message.map(|m| ("message".to_owned(), m)));
            members.extend(code.map(|c| ("code".to_owned(), c)));
            members.extend(extra.map(|x| ("region".to_owned(), x)));
            J::Obj(members)
        });
    (
        prop::option::of(text_or_not.clone()),
        prop::option::of(text_or_not),
        prop::option::of(prop_oneof![error, small_value()]),
        prop::option::of(small_value()),
        any::<bool>(),
    )
        .prop_map(|(order, job, error, extra, error_first)| {
            let mut members = Vec::new();
            let error = error.map(|e| ("error".to_owned(), e));
            if error_first {
                members.extend(error.clone());
            }
            members.extend(order.map(|o| ("order_id".to_owned(), o)));
            members.extend(job.map(|j| ("job_id".to_owned(), j)));
            if !error_first {
                members.extend(error);
            }
            members.extend(extra.map(|x| ("request_id".to_owned(), x)));
            J::Obj(members)
        })
}

fn contract_verdicts_agree(payload: &[u8]) -> Result<(), TestCaseError> {
    for validator in validators() {
        let report = validator.validate(payload);
        prop_assert_eq!(
            validator.is_valid(payload),
            report.is_valid(),
            "{:?}: is_valid and validate disagree on {:?}\nreport: {:#}",
            validator,
            String::from_utf8_lossy(payload),
            report
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(384))]

    #[test]
    fn contract_is_valid_equals_validate_on_response_like_text(
        value in response_like(),
        odd in any::<bool>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), any::<u8>()), 0..3),
        seed in any::<u64>(),
    ) {
        let written = text(&value, seed, Style { odd }).into_bytes();
        contract_verdicts_agree(&written)?;
        if !edits.is_empty() {
            contract_verdicts_agree(&damage(written, &edits))?;
        }
    }

    #[test]
    fn contract_is_valid_equals_validate_on_deep_and_random_text(
        value in small_value(),
        depth in 1..300usize,
        objects in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let random = text(&value, seed, Style { odd: true });
        contract_verdicts_agree(random.as_bytes())?;
        let inner = r#"{"order_id": "a", "job_id": "b"}"#;
        contract_verdicts_agree(nested(depth, objects, inner).as_bytes())?;
        let wrapped = format!(r#"{{"error": {}}}"#, nested(depth, objects, "1"));
        contract_verdicts_agree(wrapped.as_bytes())?;
        // Valid but for its depth (an unlisted member is a warning unless strict).
        let extra = format!(r#"{{"order_id": "a", "job_id": "b", "x": {}}}"#, nested(depth, objects, "1"));
        contract_verdicts_agree(extra.as_bytes())?;
    }
}

/// A member name is found (or not) alike however many names its object lists: the fast pass
/// compares a few names in turn and looks many up in a table, so objects of 1 to 40 properties
/// cross from one to the other. The names share their first eight bytes or differ only in
/// length, each value must be an integer (a name matched to the wrong key, or a listed name
/// missed, changes the verdict), and unlisted names are errors. Each verdict is held to the
/// answer the payload's construction gives, not only to the full report's.
#[test]
fn member_names_are_found_alike_in_small_and_large_objects() {
    let names: Vec<String> = (0..40)
        .map(|i| match i % 4 {
            0 => format!("k{i}"),
            1 => format!("prefix__{i}"),
            2 => format!("prefix__{i}_long_name_past_sixteen_bytes"),
            _ => "x".repeat(i / 4 + 1),
        })
        .collect();
    for count in [1, 2, 8, 15, 16, 17, 18, 33, 40] {
        let listed = &names[..count];
        let properties: Vec<String> = listed
            .iter()
            .map(|n| format!("{n:?}:{{\"type\":\"integer\"}}"))
            .collect();
        let document = format!(
            "{{\"type\":\"object\",\"properties\":{{{}}},\"required\":[{:?}],\"additionalProperties\":false}}",
            properties.join(","),
            listed[count - 1],
        );
        let schema = Schema::from_json(document.as_bytes(), "many.json").expect("compiles");
        let object = |members: &[(&str, &str)]| {
            let inner: Vec<String> = members.iter().map(|(n, v)| format!("{n:?}:{v}")).collect();
            format!("{{{}}}", inner.join(","))
        };
        let all: Vec<(&str, &str)> = listed.iter().map(|n| (n.as_str(), "1")).collect();
        let mut reversed = all.clone();
        reversed.reverse();
        let last = listed[count - 1].as_str();
        let mut cases: Vec<(String, bool)> = vec![
            (object(&all), true),
            (object(&reversed), true),
            (object(&[(last, "2")]), true),
            (object(&[(last, "\"2\"")]), false),
            (object(&[]), false),
        ];
        for (i, name) in listed.iter().enumerate() {
            let mut wrong = all.clone();
            wrong[i].1 = "\"one\"";
            cases.push((object(&wrong), false));
            cases.push((object(&[(last, "1"), (name, "1"), (name, "1")]), false));
            // Unlisted: one byte short, one byte more, another case.
            for other in [
                name[..name.len() - 1].to_owned(),
                format!("{name}_"),
                name.to_uppercase(),
            ] {
                let is_listed = listed.contains(&other);
                cases.push((object(&[(last, "1"), (&other, "1")]), is_listed));
            }
        }
        for (payload, valid) in cases {
            let report = schema.validate(payload.as_bytes());
            assert_eq!(
                report.is_valid(),
                valid,
                "{count} names: {payload}\n{report:#}"
            );
            assert_eq!(
                schema.is_valid(payload.as_bytes()),
                valid,
                "{count} names: {payload}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Remembered shapes
// ---------------------------------------------------------------------------------------------

/// Member schemas whose values a remembered shape judges (type alone, one schema object's
/// rules) and some it does not (`enum`, combinators), each with values of the kind a server
/// would send there (valid or not), for [`object_schema`].
const MEMBER_SCHEMAS: &[(&str, &[&str])] = &[
    (
        r#"{"type": "string"}"#,
        &["\"x\"", "\"\"", "\"\\u00e9\"", "\"é\"", "7"],
    ),
    (
        r#"{"type": "integer"}"#,
        &["7", "-1", "0", "2.5", "1e2", "65536", "\"7\""],
    ),
    (
        r#"{"type": "number"}"#,
        &["2.5", "7", "-0", "1e400", "\"2\""],
    ),
    (
        r#"{"type": ["string", "null"]}"#,
        &["null", "\"x\"", "false"],
    ),
    (r#"{"type": "boolean"}"#, &["true", "false", "null"]),
    (
        r#"{"type": "string", "maxLength": 3}"#,
        &["\"abc\"", "\"abcd\"", "\"éé\"", "\"\""],
    ),
    (
        r#"{"type": "string", "pattern": "^[a-z]+$"}"#,
        &["\"abc\"", "\"ab1\"", "\"\""],
    ),
    (
        r#"{"type": "integer", "minimum": 0, "maximum": 10}"#,
        &["0", "10", "11", "-1", "5.0", "5.5"],
    ),
    (
        r#"{"type": "number", "multipleOf": 0.5}"#,
        &["1.5", "1.25", "2", "1e1"],
    ),
    (
        r#"{"type": "string", "format": "date-time"}"#,
        &["\"2024-01-31T10:00:00Z\"", "\"yesterday\""],
    ),
    (
        r#"{"enum": ["x", 7, null]}"#,
        &["\"x\"", "7", "null", "\"y\""],
    ),
    (
        r#"{"anyOf": [{"type": "string"}, {"type": "integer"}]}"#,
        &["\"x\"", "7", "2.5"],
    ),
    (r#"{}"#, &["{}", "[1]", "\"x\"", "null"]),
];

const MEMBER_NAMES: &[&str] = &["id", "name", "a_longer_member_name", "n", "code", "é"];

/// A payload's text around its values, and for each value the values that may stand there.
enum Piece {
    Text(String),
    Value(&'static [&'static str]),
}

/// An object schema of a few members (nested objects among them), and the pieces of payloads
/// for it laid out as one serializer would: members in one order, one spacing.
fn object_schema(rng: &mut Rng, depth: usize, pieces: &mut Vec<Piece>) -> String {
    let count = 1 + rng.below(4);
    let separator = rng.pick(&[",", ", ", ",\n  "]);
    let colon = rng.pick(&[":", ": "]);
    let mut properties: Vec<(&str, String)> = Vec::new();
    pieces.push(Piece::Text("{".into()));
    let mut first = true;
    for i in 0..count {
        let name = MEMBER_NAMES[(i + rng.below(MEMBER_NAMES.len())) % MEMBER_NAMES.len()];
        if properties.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let present = !rng.one_in(6);
        if present {
            let lead = if first { "" } else { separator };
            pieces.push(Piece::Text(format!(r#"{lead}"{name}"{colon}"#)));
            first = false;
        }
        let schema = if depth > 0 && rng.one_in(4) {
            let mut inner = Vec::new();
            let schema = object_schema(rng, depth - 1, &mut inner);
            if present {
                pieces.extend(inner);
            }
            schema
        } else {
            let (schema, values) = rng.pick(MEMBER_SCHEMAS);
            if present {
                pieces.push(Piece::Value(values));
            }
            schema.to_owned()
        };
        properties.push((name, schema));
    }
    if rng.one_in(4) {
        let lead = if first { "" } else { separator };
        pieces.push(Piece::Text(format!(r#"{lead}"unlisted"{colon}"#)));
        pieces.push(Piece::Value(&["1", "\"x\"", "[]"]));
    }
    pieces.push(Piece::Text("}".into()));
    let required: Vec<String> = properties
        .iter()
        .filter(|_| rng.one_in(2))
        .map(|(n, _)| format!(r#""{n}""#))
        .collect();
    let additional = rng.pick(&[
        "",
        r#", "additionalProperties": false"#,
        r#", "additionalProperties": {"type": "integer"}"#,
    ]);
    format!(
        r#"{{"type": "object", "properties": {{{}}}, "required": [{}]{additional}}}"#,
        properties
            .iter()
            .map(|(n, s)| format!(r#""{n}": {s}"#))
            .collect::<Vec<_>>()
            .join(", "),
        required.join(", ")
    )
}

/// A payload of `pieces`, each value chosen by `choose` among those that may stand there (or,
/// for `None`, one of [`OTHER_VALUES`]).
fn laid_out(pieces: &[Piece], mut choose: impl FnMut(usize) -> Option<usize>) -> Vec<u8> {
    let mut out = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.extend_from_slice(text.as_bytes()),
            Piece::Value(values) => {
                let value = match choose(values.len()) {
                    Some(i) => values[i],
                    None => OTHER_VALUES[choose(OTHER_VALUES.len()).unwrap_or(0)],
                };
                out.extend_from_slice(value.as_bytes());
            }
        }
    }
    out
}

/// What a payload of a learnt layout may hold in a value's place besides the values of its
/// member's kind: other strings (escaped, wide, broken), numbers of every form and some that
/// are not, literals, containers.
const OTHER_VALUES: &[&str] = &[
    "\"\"",
    "\"x\"",
    "\"é and more than sixteen bytes\"",
    "\"\\u00e9\\n\"",
    "\"\\ud800\"",
    "\"\\q\"",
    "\"\u{1}\"",
    "\"open",
    "0",
    "-1",
    "01",
    "2.5",
    "1e400",
    "12345678901234567890123",
    "true",
    "null",
    "{}",
    "[1]",
    "{\"a\": 1}",
];

proptest! {
    #![proptest_config(config(512))]

    /// After a schema has seen a payload, payloads laid out alike with other values (of the
    /// member's kind or any other, valid or not) get the verdict and the report they get from
    /// the same schema remembering nothing, under every option set.
    #[test]
    fn remembered_shapes_give_the_same_verdicts_on_payloads_laid_out_alike(
        seed in any::<u64>(),
        others in 1..6usize,
    ) {
        let mut rng = Rng(seed);
        let mut pieces = Vec::new();
        let document = object_schema(&mut rng, 2, &mut pieces);
        let schema = Schema::from_json(document.as_bytes(), "generated.json")
            .map_err(|e| TestCaseError::fail(format!("{e}: {document}")))?;
        // The first payload: each value the first of its kind, the likeliest to be valid.
        let learnt = laid_out(&pieces, |_| Some(0));
        for (name, schema) in option_sets(&schema) {
            let scanner = schema.clone().remember_shapes(false);
            // Learns its shape, where it has one.
            let _ = schema.is_valid(&learnt);
            for _ in 0..others {
                let payload = laid_out(&pieces, |n| {
                    if rng.one_in(5) { None } else { Some(rng.below(n)) }
                });
                let report = scanner.validate(&payload);
                prop_assert_eq!(scanner.is_valid(&payload), report.is_valid());
                prop_assert_eq!(
                    schema.is_valid(&payload),
                    report.is_valid(),
                    "{}: remembered and scanned verdicts differ\nschema: {}\nlearnt: {:?}\npayload: {:?}",
                    name,
                    document,
                    String::from_utf8_lossy(&learnt),
                    String::from_utf8_lossy(&payload)
                );
                prop_assert_eq!(schema.validate(&payload), report);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The generators themselves
// ---------------------------------------------------------------------------------------------

/// The generators reach what the property needs: schemas that compile, and payloads derived from
/// them that are valid often enough for a fast path's "valid" answer to be exercised.
#[test]
fn generated_schemas_compile_and_derived_payloads_are_often_valid() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let (mut compiled, mut derived, mut valid) = (0, 0, 0);
    for seed in 0..200u64 {
        let doc = document()
            .new_tree(&mut runner)
            .expect("a generated document")
            .current();
        let Ok(schema) = Schema::from_json(text(&doc, 0, Style { odd: false }).as_bytes(), "g")
        else {
            continue;
        };
        compiled += 1;
        for odd in [false, true] {
            derived += 1;
            if schema.is_valid(&payload(&doc, &Make::FromSchema { odd }, seed)) {
                valid += 1;
            }
        }
    }
    assert!(
        compiled >= 150,
        "only {compiled} of 200 generated schemas compiled"
    );
    assert!(
        valid * 5 >= derived,
        "only {valid} of {derived} payloads derived from their schema are valid"
    );
}
