//! The schemas of a description, found from its responses and read as JSON Schema 2020-12:
//! OpenAPI 3.0's own schema dialect is rewritten in place (`nullable`, boolean
//! `exclusiveMinimum`/`exclusiveMaximum`, `$ref` siblings), so that the compiler sees one
//! dialect and the checks are plan data like any other.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::source::Source;
use super::{Problem, Version, resolve_ref};
use crate::pointer::escape;

// Keywords whose value is a schema, an array of schemas, or an object of schemas: the
// compiler's, so that a schema walked here is one the compiler reads.
use crate::plan::compile::{
    SCHEMA_ARRAY_KEYWORDS as MANY, SCHEMA_KEYWORDS as ONE, SCHEMA_MAP_KEYWORDS as MAP,
};

/// The dialects a 3.1 schema may name in `$schema` (or the description in `jsonSchemaDialect`).
pub(crate) const DIALECTS: &[&str] = &[
    "https://json-schema.org/draft/2020-12/schema",
    "https://spec.openapis.org/oas/3.1/dialect/base",
    "https://spec.openapis.org/oas/3.1/dialect/2024-10-25",
];

/// Walks every schema reachable from `roots` (source, pointer): rewrites 3.0 schemas, checks a
/// 3.1 schema's `$schema`, and returns, per source, the pointers where schema trees start (the
/// roots and every `$ref` target), for the compiler's index.
pub(crate) fn walk(
    sources: &mut [Source],
    roots: &[(usize, String)],
    version: Version,
    problems: &mut Vec<Problem>,
) -> Vec<Vec<String>> {
    let mut starts: Vec<Vec<String>> = vec![Vec::new(); sources.len()];
    let mut seen: HashSet<(usize, String)> = HashSet::new();
    let mut unsupported: Vec<(usize, String, String)> = Vec::new();
    let mut work: Vec<(usize, String, bool)> =
        roots.iter().map(|(s, p)| (*s, p.clone(), true)).collect();
    while let Some((source, pointer, start)) = work.pop() {
        if !seen.insert((source, pointer.clone())) {
            continue;
        }
        if start {
            starts[source].push(pointer.clone());
        }
        let Some(value) = sources[source].value.pointer_mut(&pointer) else {
            continue;
        };
        let Value::Object(map) = value else {
            continue;
        };
        if version == Version::V30 {
            rewrite_30(map);
        } else if let Some(Value::String(dialect)) = map.get("$schema")
            && !DIALECTS.contains(&dialect.trim_end_matches('#'))
        {
            unsupported.push((source, format!("{pointer}/$schema"), dialect.clone()));
        }
        let mut children = Vec::new();
        let mut reference = None;
        for (key, sub) in map.iter() {
            let key = key.as_str();
            if key == "$ref" {
                if let Value::String(r) = sub {
                    reference = Some(r.clone());
                }
            } else if ONE.contains(&key) {
                children.push(format!("{pointer}/{key}"));
            } else if MANY.contains(&key) {
                if let Value::Array(items) = sub {
                    children.extend((0..items.len()).map(|i| format!("{pointer}/{key}/{i}")));
                }
            } else if MAP.contains(&key)
                && let Value::Object(members) = sub
            {
                children.extend(
                    members
                        .keys()
                        .map(|name| format!("{pointer}/{key}/{}", escape(name))),
                );
            }
        }
        for child in children {
            work.push((source, child, false));
        }
        // A schema in another file (or elsewhere in this one) is a tree of its own; one that
        // cannot be resolved is the compiler's to report, with the reference named.
        if let Some(reference) = reference
            && let Some((target, at)) = resolve_ref(sources, source, &reference)
        {
            work.push((target, at, true));
        }
    }
    for (source, pointer, dialect) in unsupported {
        problems.push(sources[source].problem(
            &pointer,
            format!(
                "the schema dialect `{dialect}` is not supported: response-contract reads JSON Schema 2020-12 and the OpenAPI 3.1 base dialect"
            ),
        ));
    }
    starts
}

/// OpenAPI 3.0's schema object read as 2020-12, in place.
fn rewrite_30(map: &mut Map<String, Value>) {
    // "This object cannot be extended with additional properties and any properties added
    // SHALL be ignored" (3.0.3, Reference Object).
    if map.contains_key("$ref") {
        map.retain(|k, _| k == "$ref");
        return;
    }
    if let Some(nullable) = map.remove("nullable")
        && nullable == Value::Bool(true)
        && let Some(Value::String(name)) = map.get("type")
    {
        let name = name.clone();
        map.insert(
            "type".to_owned(),
            Value::Array(vec![Value::String(name), Value::String("null".to_owned())]),
        );
    }
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Bool(exclusive)) = map.get(flag) {
            let exclusive = *exclusive;
            map.remove(flag);
            if exclusive && let Some(limit) = map.remove(bound) {
                map.insert(flag.to_owned(), limit);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(v: Value) -> Value {
        let Value::Object(mut map) = v else {
            unreachable!()
        };
        rewrite_30(&mut map);
        Value::Object(map)
    }

    #[test]
    fn nullable_adds_null_to_the_type() {
        let v = rewritten(serde_json::json!({"type": "string", "nullable": true}));
        assert_eq!(v, serde_json::json!({"type": ["string", "null"]}));
        let v = rewritten(serde_json::json!({"type": "string", "nullable": false}));
        assert_eq!(v, serde_json::json!({"type": "string"}));
    }

    #[test]
    fn boolean_exclusive_bounds_become_numbers() {
        let v = rewritten(
            serde_json::json!({"minimum": 0, "exclusiveMinimum": true, "maximum": 9, "exclusiveMaximum": false}),
        );
        assert_eq!(v, serde_json::json!({"exclusiveMinimum": 0, "maximum": 9}));
    }

    #[test]
    fn ref_siblings_are_ignored_in_3_0() {
        let v = rewritten(serde_json::json!({"$ref": "#/x", "nullable": true, "description": "d"}));
        assert_eq!(v, serde_json::json!({"$ref": "#/x"}));
    }
}
