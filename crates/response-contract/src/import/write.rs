//! Schema documents as text: pretty JSON (two-space indent, as serde_json writes it) with the
//! keywords of each schema in reading order — `$schema`, `$id`, `title`, `description`, then the
//! assertions, `examples` last — instead of serde_json's alphabetical order. Instances (the
//! values of `examples`, `enum`, `const`, `default`) and the members of `properties` keep
//! alphabetical order.

use serde_json::Value;

/// Keywords in the order they are written; any other keyword follows, alphabetically.
const ORDER: &[&str] = &[
    "$schema",
    "$id",
    "title",
    "description",
    "$ref",
    "type",
    "format",
    "enum",
    "const",
    "items",
    "properties",
    "additionalProperties",
    "required",
    "not",
    "oneOf",
    "anyOf",
    "allOf",
];
/// Lists of scalars shorter than this (with their indentation) are written on one line.
const INLINE: usize = 80;
/// Keywords written after every other.
const LAST: &[&str] = &["examples"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    /// A schema object: its keys are keywords.
    Schema,
    /// A map from names to schemas (`properties`, `$defs`).
    Schemas,
    /// A JSON value that is data, not schema.
    Instance,
}

/// The document as written to a file, with a final newline.
pub(crate) fn pretty(value: &Value) -> String {
    let mut out = String::new();
    write(&mut out, value, Context::Schema, 0);
    out.push('\n');
    out
}

/// Several documents as one JSON object mapping each file name to its document, in the order
/// given, with a final newline.
pub(crate) fn pretty_set<'a>(documents: impl IntoIterator<Item = (&'a str, &'a Value)>) -> String {
    let mut out = String::from("{");
    let mut first = true;
    for (file, value) in documents {
        out.push_str(if first { "\n  " } else { ",\n  " });
        first = false;
        out.push_str(&Value::String(file.to_owned()).to_string());
        out.push_str(": ");
        write(&mut out, value, Context::Schema, 1);
    }
    out.push_str(if first { "}\n" } else { "\n}\n" });
    out
}

fn rank(key: &str) -> (usize, &str) {
    match (ORDER.iter().position(|k| *k == key), LAST.contains(&key)) {
        (Some(at), _) => (at, ""),
        (None, true) => (ORDER.len() + 1, key),
        (None, false) => (ORDER.len(), key),
    }
}

fn child_context(context: Context, key: &str) -> Context {
    match context {
        Context::Instance => Context::Instance,
        Context::Schemas => Context::Schema,
        Context::Schema => match key {
            "properties" | "$defs" | "patternProperties" | "dependentSchemas" => Context::Schemas,
            "examples" | "enum" | "const" | "default" => Context::Instance,
            _ => Context::Schema,
        },
    }
}

fn write(out: &mut String, value: &Value, context: Context, depth: usize) {
    let indent = |out: &mut String, depth: usize| {
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    match value {
        Value::Object(map) if !map.is_empty() => {
            let mut keys: Vec<&String> = map.keys().collect();
            if context == Context::Schema {
                keys.sort_by(|a, b| rank(a).cmp(&rank(b)));
            }
            out.push_str("{\n");
            for (n, key) in keys.iter().enumerate() {
                indent(out, depth + 1);
                out.push_str(&Value::String((*key).clone()).to_string());
                out.push_str(": ");
                // `items`, `not`, … hold schemas; so do the arrays under `oneOf`.
                write(out, &map[*key], child_context(context, key), depth + 1);
                if n + 1 < keys.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            indent(out, depth);
            out.push('}');
        }
        Value::Array(items)
            if !items.is_empty()
                && items.iter().all(|v| !v.is_object() && !v.is_array())
                && depth * 2 + value.to_string().len() < INLINE =>
        {
            // A short list of scalars (`required`, `enum`, `type`) on one line.
            let parts: Vec<String> = items.iter().map(Value::to_string).collect();
            out.push('[');
            out.push_str(&parts.join(", "));
            out.push(']');
        }
        Value::Array(items) if !items.is_empty() => {
            out.push_str("[\n");
            for (n, item) in items.iter().enumerate() {
                indent(out, depth + 1);
                write(out, item, context, depth + 1);
                if n + 1 < items.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            indent(out, depth);
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keywords_are_in_reading_order_and_instances_untouched() {
        let doc = json!({
            "type": "object",
            "examples": [{"type": 1, "a": 2}],
            "$schema": "s",
            "properties": {"type": {"type": "string", "description": "d"}, "a": {}},
        });
        let text = pretty(&doc);
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), doc);
        assert_eq!(
            text,
            "{\n  \"$schema\": \"s\",\n  \"type\": \"object\",\n  \"properties\": {\n    \"a\": {},\n    \"type\": {\n      \"description\": \"d\",\n      \"type\": \"string\"\n    }\n  },\n  \"examples\": [\n    {\n      \"a\": 2,\n      \"type\": 1\n    }\n  ]\n}\n"
        );
    }
}
