//! YAML → the JSON value model, with the line and column of every node, so that a problem in a
//! YAML description is reported where its author wrote it.
//!
//! Scalars resolve by the YAML 1.2 core schema (`null`, `true`, `3`, `0x1F`, `1.5e3`, `.inf`);
//! quoted and block scalars are strings. Anchors and aliases are expanded, within a bound on the
//! nodes produced, so that a "billion laughs" document is refused instead of filling memory.

use std::collections::HashMap;

use crate::pointer::escape;
use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Most nodes a document may expand to (aliases included).
const MAX_NODES: usize = 10_000_000;
/// Deepest nesting of mappings and sequences.
const MAX_DEPTH: usize = 512;

/// A YAML document read as JSON values, with positions.
pub(crate) struct Read {
    pub(crate) value: Value,
    /// JSON Pointer → (line, column), both 1-based, for every node.
    pub(crate) positions: HashMap<String, (usize, usize)>,
}

/// Why a YAML document cannot be read: a message and where.
#[derive(Debug)]
pub(crate) struct YamlError {
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) message: String,
}

enum Open {
    Sequence(Vec<Value>, usize),
    /// The mapping, the key waiting for its value (and where it was written), the anchor.
    Mapping(Map<String, Value>, Option<(String, Marker)>, usize),
}

struct Builder {
    stack: Vec<(Open, String)>,
    positions: HashMap<String, (usize, usize)>,
    anchors: HashMap<usize, Value>,
    nodes: usize,
    root: Option<Value>,
}

fn error(mark: Marker, message: impl Into<String>) -> YamlError {
    YamlError {
        line: mark.line(),
        column: mark.col() + 1,
        message: message.into(),
    }
}

/// The node count of a value (for the expansion bound).
fn size(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(size).sum::<usize>(),
        Value::Object(map) => 1 + map.values().map(size).sum::<usize>(),
        _ => 1,
    }
}

/// A plain scalar by the YAML 1.2 core schema.
fn resolve(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    let negative = text.starts_with('-');
    let radix = |body: &str, radix: u32| {
        i64::from_str_radix(body, radix)
            .ok()
            .map(|n| Value::from(if negative { -n } else { n }))
    };
    if let Some(hex) = digits.strip_prefix("0x")
        && let Some(v) = radix(hex, 16)
    {
        return v;
    }
    if let Some(oct) = digits.strip_prefix("0o")
        && let Some(v) = radix(oct, 8)
    {
        return v;
    }
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = text.parse::<i64>() {
            return Value::from(n);
        }
        if let Ok(n) = text.parse::<u64>() {
            return Value::from(n);
        }
    }
    let looks_numeric = digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if looks_numeric
        && digits != "."
        && let Ok(f) = text.parse::<f64>()
        && let Some(n) = Number::from_f64(f)
    {
        return Value::Number(n);
    }
    // `.inf` and `.nan` have no JSON form: they stay text, as a JSON document would write them.
    Value::String(text.to_owned())
}

impl Builder {
    fn pointer(&self) -> String {
        self.stack
            .last()
            .map(|(open, pointer)| {
                let mut p = pointer.clone();
                match open {
                    Open::Sequence(items, _) => {
                        p.push('/');
                        p.push_str(&items.len().to_string());
                    }
                    Open::Mapping(_, Some((key, _)), _) => {
                        p.push('/');
                        p.push_str(&escape(key));
                    }
                    Open::Mapping(_, None, _) => {}
                }
                p
            })
            .unwrap_or_default()
    }

    /// Places a finished value in its parent (or as the root).
    fn place(&mut self, value: Value, mark: Marker, anchor: usize) -> Result<(), YamlError> {
        self.nodes = self.nodes.saturating_add(size(&value));
        if self.nodes > MAX_NODES {
            return Err(error(
                mark,
                format!("the document expands to more than {MAX_NODES} nodes (through aliases)"),
            ));
        }
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some((Open::Sequence(items, _), _)) => items.push(value),
            Some((Open::Mapping(map, pending, _), _)) => match pending.take() {
                Some((key, key_mark)) => {
                    if map.contains_key(&key) {
                        return Err(error(
                            key_mark,
                            format!("the key `{key}` appears twice in one mapping"),
                        ));
                    }
                    map.insert(key, value);
                }
                None => {
                    let key = match value {
                        Value::String(s) => s,
                        Value::Null => "null".to_owned(),
                        Value::Bool(b) => b.to_string(),
                        Value::Number(n) => n.to_string(),
                        _ => {
                            return Err(error(
                                mark,
                                "a mapping key must be a scalar (JSON has only string keys)",
                            ));
                        }
                    };
                    *pending = Some((key, mark));
                }
            },
        }
        Ok(())
    }

    /// Where a value starts for the person reading: its key, inside a mapping (the line that
    /// names it), else the value itself.
    fn here(&self, mark: Marker) -> (usize, usize) {
        match self.stack.last() {
            Some((Open::Mapping(_, Some((_, key)), _), _)) => (key.line(), key.col() + 1),
            _ => (mark.line(), mark.col() + 1),
        }
    }

    /// Whether the next value is a mapping key (keys get no position of their own).
    fn at_key(&self) -> bool {
        matches!(self.stack.last(), Some((Open::Mapping(_, None, _), _)))
    }
}

/// Reads the first document of `text`.
pub(crate) fn read(text: &str) -> Result<Read, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut b = Builder {
        stack: Vec::new(),
        positions: HashMap::new(),
        anchors: HashMap::new(),
        nodes: 0,
        root: None,
    };
    loop {
        let (event, mark) = parser.next_token().map_err(|e| YamlError {
            line: e.marker().line(),
            column: e.marker().col() + 1,
            message: e.info().to_owned(),
        })?;
        match event {
            Event::StreamEnd | Event::DocumentEnd if b.root.is_some() => break,
            Event::StreamEnd => {
                return Err(error(mark, "the document is empty"));
            }
            Event::Nothing | Event::StreamStart | Event::DocumentStart | Event::DocumentEnd => {}
            Event::Alias(id) => {
                let Some(anchored) = b.anchors.get(&id) else {
                    return Err(error(mark, "an alias to an anchor not defined before it"));
                };
                // Counted before it is copied: an alias bomb is refused before it fills memory.
                if b.nodes.saturating_add(size(anchored)) > MAX_NODES {
                    return Err(error(
                        mark,
                        format!(
                            "the document expands to more than {MAX_NODES} nodes (through aliases)"
                        ),
                    ));
                }
                let value = anchored.clone();
                if !b.at_key() {
                    let pointer = b.pointer();
                    let at = b.here(mark);
                    b.positions.insert(pointer, at);
                }
                b.place(value, mark, 0)?;
            }
            Event::Scalar(text, style, anchor, tag) => {
                let is_str_tag = tag
                    .as_ref()
                    .is_some_and(|t| t.handle == "tag:yaml.org,2002:" && t.suffix == "str");
                let value = if style == TScalarStyle::Plain && !is_str_tag {
                    resolve(&text)
                } else {
                    Value::String(text)
                };
                if !b.at_key() {
                    let pointer = b.pointer();
                    let at = b.here(mark);
                    b.positions.insert(pointer, at);
                }
                b.place(value, mark, anchor)?;
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if b.stack.len() >= MAX_DEPTH {
                    return Err(error(
                        mark,
                        format!("nested more than {MAX_DEPTH} levels deep"),
                    ));
                }
                if b.at_key() {
                    return Err(error(
                        mark,
                        "a mapping key must be a scalar (JSON has only string keys)",
                    ));
                }
                let pointer = b.pointer();
                let at = b.here(mark);
                b.positions.insert(pointer.clone(), at);
                let open = if matches!(event, Event::SequenceStart(..)) {
                    Open::Sequence(Vec::new(), anchor)
                } else {
                    Open::Mapping(Map::new(), None, anchor)
                };
                b.stack.push((open, pointer));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some((open, _)) = b.stack.pop() else {
                    return Err(error(mark, "an end without a start"));
                };
                let (value, anchor) = match open {
                    Open::Sequence(items, anchor) => (Value::Array(items), anchor),
                    Open::Mapping(map, _, anchor) => (Value::Object(map), anchor),
                };
                // The value's size was counted as its parts were placed.
                b.nodes = b.nodes.saturating_sub(size(&value) - 1);
                b.place(value, mark, anchor)?;
            }
        }
    }
    Ok(Read {
        value: b.root.unwrap_or(Value::Null),
        positions: b.positions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_resolve_by_the_core_schema() {
        let r =
            read("a: 1\nb: '1'\nc: 1.5\nd: null\ne: true\nf: x\ng: 0x10\n\"200\": ok\n").unwrap();
        assert_eq!(
            r.value,
            serde_json::json!({"a": 1, "b": "1", "c": 1.5, "d": null, "e": true, "f": "x", "g": 16, "200": "ok"})
        );
    }

    #[test]
    fn every_node_has_its_line_and_column() {
        let r = read("paths:\n  /x:\n    get:\n      responses: {}\n").unwrap();
        assert_eq!(r.positions["/paths/~1x/get/responses"], (4, 7));
        assert_eq!(r.positions["/paths/~1x"], (2, 3));
        assert_eq!(r.positions["/paths"], (1, 1));
    }

    #[test]
    fn aliases_expand_and_duplicates_are_refused() {
        let r = read("a: &x {k: 1}\nb: *x\n").unwrap();
        assert_eq!(r.value["b"], serde_json::json!({"k": 1}));
        let e = read("a: 1\na: 2\n").err().unwrap();
        assert_eq!((e.line, e.column), (2, 1));
    }

    #[test]
    fn an_alias_bomb_is_refused_not_expanded() {
        let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            doc.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let e = read(&doc).err().unwrap();
        assert!(e.message.contains("expands to more than"), "{}", e.message);
    }
}
