//! One file of a description (the root, or a file its `$ref`s reach): read as JSON or YAML,
//! with the line and column of any JSON Pointer in it, for problems located where the author
//! looks.

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::Value;

use super::Problem;
use super::yaml;
use crate::parse;
use crate::report::Location;

/// Deepest nesting read in a JSON description (as YAML's own bound).
const MAX_DEPTH: usize = 512;

pub(crate) struct Source {
    /// How problems name the file: the path as given.
    pub(crate) name: String,
    /// The base URI its `$ref`s resolve against.
    pub(crate) uri: String,
    /// The directory of a file read from disk, where the files it refers to are looked for.
    pub(crate) dir: Option<PathBuf>,
    pub(crate) value: Value,
    positions: Positions,
}

enum Positions {
    /// JSON: the text itself, parsed again into a located tree only when a problem is located.
    Json(Vec<u8>),
    Yaml(HashMap<String, (usize, usize)>),
}

impl Source {
    /// Reads `bytes`: JSON when the text starts with `{` (after a byte-order mark and white
    /// space), YAML otherwise.
    pub(crate) fn read(
        name: String,
        uri: String,
        dir: Option<PathBuf>,
        bytes: Vec<u8>,
    ) -> Result<Source, Problem> {
        let problem = |line, column, message: String| Problem {
            file: name.clone(),
            line,
            column,
            pointer: String::new(),
            message,
        };
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            let at = Location::of_offset(&bytes, e.valid_up_to());
            problem(at.line, at.column, "not UTF-8 text".to_owned())
        })?;
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        if body.trim_start().starts_with('{') {
            let value: Value = serde_json::from_str(body)
                // serde_json counts columns from 0 where the error sits at a line's start.
                .map_err(|e| {
                    problem(
                        e.line().max(1),
                        e.column().max(1),
                        format!("not valid JSON: {e}"),
                    )
                })?;
            return Ok(Source {
                name,
                uri,
                dir,
                value,
                positions: Positions::Json(bytes),
            });
        }
        let read = yaml::read(body)
            .map_err(|e| problem(e.line, e.column, format!("not valid YAML: {}", e.message)))?;
        Ok(Source {
            name,
            uri,
            dir,
            value: read.value,
            positions: Positions::Yaml(read.positions),
        })
    }

    /// The 1-based line and column of the value at `pointer`, or of its nearest ancestor.
    pub(crate) fn locate(&self, pointer: &str) -> (usize, usize) {
        match &self.positions {
            Positions::Yaml(map) => {
                let mut p = pointer;
                loop {
                    if let Some(&at) = map.get(p) {
                        return at;
                    }
                    match p.rfind('/') {
                        Some(cut) => p = &p[..cut],
                        None => return (1, 1),
                    }
                }
            }
            Positions::Json(bytes) => {
                let parsed = parse::parse(bytes, MAX_DEPTH);
                let Some(mut node) = parsed.root.as_ref() else {
                    return (1, 1);
                };
                for segment in crate::pointer::segments(pointer) {
                    let next = match &node.value {
                        parse::Value::Object(members) => members
                            .iter()
                            .rev()
                            .find(|m| m.key == segment)
                            .map(|m| &m.value),
                        parse::Value::Array(items) => {
                            segment.parse::<usize>().ok().and_then(|i| items.get(i))
                        }
                        _ => None,
                    };
                    match next {
                        Some(next) => node = next,
                        None => break,
                    }
                }
                let at = Location::of_offset(bytes, node.start);
                (at.line, at.column)
            }
        }
    }

    /// A problem at `pointer` in this file.
    pub(crate) fn problem(&self, pointer: &str, message: impl Into<String>) -> Problem {
        let (line, column) = self.locate(pointer);
        Problem {
            file: self.name.clone(),
            line,
            column,
            pointer: pointer.to_owned(),
            message: message.into(),
        }
    }
}
