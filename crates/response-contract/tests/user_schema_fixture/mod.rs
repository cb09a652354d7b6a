//! A user schema that uses the keywords the generators of `strategies` follow, shared by the
//! property tests that run them on a schema other than the built-in contracts.

use response_contract::Schema;

/// A user schema with the keywords the generators follow: `$defs` and `$ref`, nested objects
/// and arrays, `prefixItems`, integers with bounds and `multipleOf`, numbers, `enum`, `const`
/// discriminating a `oneOf`, `anyOf`, `allOf`, `pattern`, lengths, `format`, `null` in a type
/// array, `additionalProperties: false`, `dependentRequired`, `uniqueItems`.
pub const USER_SCHEMA: &str = r##"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["id", "kind", "items", "shape"],
  "properties": {
    "id": {"type": "string", "pattern": "^[A-Z]{2}[0-9]{4}$"},
    "kind": {"enum": ["alpha", "beta", 3, null]},
    "count": {"type": "integer", "minimum": -5, "exclusiveMaximum": 90, "multipleOf": 3},
    "ratio": {"type": "number", "minimum": 0.5, "maximum": 2.5},
    "price": {"type": "number", "multipleOf": 0.01, "exclusiveMinimum": 0},
    "note": {"type": ["string", "null"], "minLength": 2, "maxLength": 5},
    "when": {"type": "string", "format": "date-time"},
    "uid": {"type": "string", "format": "uuid"},
    "tags": {"type": "array", "items": {"type": "string", "maxLength": 3}, "uniqueItems": true, "maxItems": 4},
    "pair": {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "boolean"}], "items": false},
    "items": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/item"}},
    "shape": {"oneOf": [{"$ref": "#/$defs/circle"}, {"$ref": "#/$defs/square"}]},
    "either": {"anyOf": [{"type": "string"}, {"type": "integer", "minimum": 10}]},
    "both": {"allOf": [{"type": "object", "required": ["a"]}, {"properties": {"a": {"type": "boolean"}}}]}
  },
  "dependentRequired": {"count": ["ratio"]},
  "$defs": {
    "item": {
      "type": "object",
      "additionalProperties": false,
      "required": ["sku", "qty"],
      "properties": {
        "sku": {"type": "string", "minLength": 1},
        "qty": {"type": "integer", "minimum": 1, "maximum": 1000},
        "meta": {"type": "object", "properties": {"x": {"const": "y"}}}
      }
    },
    "circle": {"type": "object", "required": ["type", "r"], "properties": {"type": {"const": "circle"}, "r": {"type": "number", "minimum": 0}}},
    "square": {"type": "object", "required": ["type", "side"], "properties": {"type": {"const": "square"}, "side": {"type": "integer"}}}
  }
}"##;

pub fn user_schema() -> Schema {
    Schema::from_json(USER_SCHEMA.as_bytes(), "user.json").expect("the test schema compiles")
}
