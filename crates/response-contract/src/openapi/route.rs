//! Request path → documented path template: server base paths stripped, then a trie of
//! segments where a literal segment wins over a templated one (as the specification asks), and
//! a segment mixing text and parameters (`{name}.json`) wins over a bare parameter.

use std::collections::HashMap;

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(Box<str>),
    Param,
}

#[derive(Debug, Default)]
struct Node {
    literal: HashMap<Box<str>, Node>,
    /// Templated segments, the most specific (most text) first.
    templated: Vec<(Vec<Part>, Node)>,
    /// The path template ending here (index into the router's templates).
    template: Option<usize>,
}

#[derive(Debug, Default)]
pub(crate) struct Router {
    /// Server base paths as segments, the longest first; the empty base is always last.
    bases: Vec<Vec<Box<str>>>,
    root: Node,
}

/// The segments of a path: no query or fragment, one trailing slash ignored.
fn segments(path: &str) -> impl Iterator<Item = &str> {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let path = path.strip_prefix('/').unwrap_or(path);
    let path = path.strip_suffix('/').unwrap_or(path);
    path.split('/').filter(move |_| !path.is_empty())
}

/// A template segment's parts: `{id}` → [Param], `v{n}.json` → [Text("v"), Param, Text(".json")].
fn parts(segment: &str) -> Option<Vec<Part>> {
    if !segment.contains('{') {
        return None;
    }
    let mut out = Vec::new();
    let mut rest = segment;
    while !rest.is_empty() {
        match rest.find('{') {
            Some(0) => {
                let close = rest.find('}')?;
                out.push(Part::Param);
                rest = &rest[close + 1..];
            }
            Some(open) => {
                out.push(Part::Text(rest[..open].into()));
                rest = &rest[open..];
            }
            None => {
                out.push(Part::Text(rest.into()));
                rest = "";
            }
        }
    }
    Some(out)
}

/// Whether a request segment matches a templated one; each parameter takes at least a character.
fn matches(parts: &[Part], segment: &str) -> bool {
    match parts {
        [] => segment.is_empty(),
        [Part::Text(t), rest @ ..] => segment
            .strip_prefix(&**t)
            .is_some_and(|after| matches(rest, after)),
        [Part::Param] => !segment.is_empty(),
        [Part::Param, rest @ ..] => segment
            .char_indices()
            .skip(1)
            .any(|(i, _)| matches(rest, &segment[i..])),
    }
}

fn text_len(parts: &[Part]) -> usize {
    parts
        .iter()
        .map(|p| match p {
            Part::Text(t) => t.len(),
            Part::Param => 0,
        })
        .sum()
}

/// `%xx` escapes decoded, for comparing a request segment with a template's text.
fn decode(segment: &str) -> std::borrow::Cow<'_, str> {
    if segment.contains('%') {
        std::borrow::Cow::Owned(crate::plan::compile::percent_decode(segment))
    } else {
        std::borrow::Cow::Borrowed(segment)
    }
}

impl Router {
    /// Registers a server's base path (`/v2` of `https://api.example.com/v2`).
    pub(crate) fn base(&mut self, path: &str) {
        let base: Vec<Box<str>> = segments(path).map(Into::into).collect();
        if !self.bases.contains(&base) {
            self.bases.push(base);
        }
    }

    /// Registers a path template; `Err` with the index of a template of the same shape
    /// (`/items/{id}` and `/items/{name}`), which no request could tell apart.
    pub(crate) fn insert(&mut self, template: &str, index: usize) -> Result<(), usize> {
        let mut node = &mut self.root;
        for segment in segments(template) {
            node = match parts(segment) {
                None => node.literal.entry(segment.into()).or_default(),
                Some(parts) => {
                    let shape = |p: &[Part]| {
                        p.iter()
                            .map(|p| match p {
                                Part::Text(t) => Some(t.clone()),
                                Part::Param => None,
                            })
                            .collect::<Vec<_>>()
                    };
                    let position = node
                        .templated
                        .iter()
                        .position(|(p, _)| shape(p) == shape(&parts));
                    let at = match position {
                        Some(at) => at,
                        None => {
                            let len = text_len(&parts);
                            let at = node
                                .templated
                                .iter()
                                .position(|(p, _)| text_len(p) < len)
                                .unwrap_or(node.templated.len());
                            node.templated.insert(at, (parts, Node::default()));
                            at
                        }
                    };
                    &mut node.templated[at].1
                }
            };
        }
        match node.template {
            Some(other) => Err(other),
            None => {
                node.template = Some(index);
                Ok(())
            }
        }
    }

    /// The template a request path is an instance of, under the longest server base path that
    /// it starts with (a description without servers is served from `/`).
    pub(crate) fn find(&self, path: &str) -> Option<usize> {
        let request: Vec<std::borrow::Cow<'_, str>> = segments(path).map(decode).collect();
        if self.bases.is_empty() {
            return descend(&self.root, &request);
        }
        let mut bases: Vec<&Vec<Box<str>>> = self.bases.iter().collect();
        bases.sort_by_key(|b| std::cmp::Reverse(b.len()));
        bases.into_iter().find_map(|base| {
            (request.len() >= base.len() && base.iter().zip(&request).all(|(b, r)| **b == **r))
                .then(|| descend(&self.root, &request[base.len()..]))
                .flatten()
        })
    }
}

fn descend(node: &Node, rest: &[std::borrow::Cow<'_, str>]) -> Option<usize> {
    let Some((first, rest)) = rest.split_first() else {
        return node.template;
    };
    if let Some(next) = node.literal.get(&**first)
        && let Some(found) = descend(next, rest)
    {
        return Some(found);
    }
    node.templated
        .iter()
        .filter(|(parts, _)| matches(parts, first))
        .find_map(|(_, next)| descend(next, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router(templates: &[&str], bases: &[&str]) -> Router {
        let mut r = Router::default();
        for b in bases {
            r.base(b);
        }
        for (i, t) in templates.iter().enumerate() {
            r.insert(t, i).unwrap();
        }
        r
    }

    #[test]
    fn a_literal_segment_wins_over_a_templated_one() {
        let r = router(&["/pets/{petId}", "/pets/mine"], &[]);
        assert_eq!(r.find("/pets/mine"), Some(1));
        assert_eq!(r.find("/pets/42"), Some(0));
        assert_eq!(r.find("/pets"), None);
        assert_eq!(r.find("/pets/42/x"), None);
    }

    #[test]
    fn server_base_paths_are_stripped_and_queries_ignored() {
        let r = router(&["/pets/{petId}"], &["/v2"]);
        assert_eq!(r.find("/v2/pets/1?token=secret"), Some(0));
        assert_eq!(r.find("/pets/1"), None);
        assert_eq!(r.find("/v3/pets/1"), None);
        let r = router(&["/pets/{petId}"], &["/v2", ""]);
        assert_eq!(r.find("/pets/1"), Some(0));
    }

    #[test]
    fn backtracking_finds_a_templated_match_behind_a_literal_dead_end() {
        let r = router(&["/a/b/c", "/a/{x}/d"], &[]);
        assert_eq!(r.find("/a/b/d"), Some(1));
    }

    #[test]
    fn mixed_segments_match_text_around_parameters() {
        let r = router(&["/files/{name}.json", "/files/{name}"], &[]);
        assert_eq!(r.find("/files/a.json"), Some(0));
        assert_eq!(r.find("/files/a.yaml"), Some(1));
        assert_eq!(r.find("/files/.json"), Some(1));
    }

    #[test]
    fn templates_of_the_same_shape_are_ambiguous() {
        let mut r = Router::default();
        r.insert("/items/{id}", 0).unwrap();
        assert_eq!(r.insert("/items/{name}", 1), Err(0));
    }
}
