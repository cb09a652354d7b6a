//! Request path → documented path template: server base paths stripped, then a trie of
//! segments where a literal segment wins over a templated one (as the specification asks), and
//! a segment mixing text and parameters (`{name}.json`) wins over a bare parameter.

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(Box<str>),
    Param,
}

#[derive(Debug, Default)]
struct Node {
    /// Literal segments, sorted [`by_length`] for a binary search.
    literal: Vec<(Box<str>, Node)>,
    /// Templated segments, the most specific (most text) first.
    templated: Vec<(Vec<Part>, Node)>,
    /// The path template ending here (index into the router's templates).
    template: Option<usize>,
}

#[derive(Debug, Default)]
pub(crate) struct Router {
    /// Server base paths as segments, the longest first.
    bases: Vec<Vec<Box<str>>>,
    root: Node,
}

/// A path without its query string or fragment, and whether what is left has `%` escapes: one
/// pass over the bytes (the router's hot path).
pub(crate) fn without_query(path: &str) -> (&str, bool) {
    let bytes = path.as_bytes();
    match memchr::memchr3(b'?', b'#', b'%', bytes) {
        None => (path, false),
        Some(at) if bytes[at] != b'%' => (&path[..at], false),
        Some(at) => match memchr::memchr2(b'?', b'#', &bytes[at..]) {
            Some(end) => (&path[..at + end], true),
            None => (path, true),
        },
    }
}

/// The segments of a path (without its query: see [`without_query`]), one trailing slash
/// ignored.
fn segments(path: &str) -> Segments<'_> {
    let path = path.strip_prefix('/').unwrap_or(path);
    let path = path.strip_suffix('/').unwrap_or(path);
    Segments {
        rest: (!path.is_empty()).then_some(path),
    }
}

/// The segments of a path (the router's hot loop). Split by a plain byte loop: segments are a
/// few bytes long, and `memchr`'s set-up cost more than the search on each.
#[derive(Clone)]
struct Segments<'a> {
    rest: Option<&'a str>,
}

impl<'a> Iterator for Segments<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        match rest.bytes().position(|b| b == b'/') {
            Some(slash) => {
                self.rest = Some(&rest[slash + 1..]);
                Some(&rest[..slash])
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
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
fn decode(segment: &str, escaped: bool) -> std::borrow::Cow<'_, str> {
    if escaped && memchr::memchr(b'%', segment.as_bytes()).is_some() {
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
            self.bases.sort_by_key(|b| std::cmp::Reverse(b.len()));
        }
    }

    /// Registers a path template; `Err` with the index of a template of the same shape
    /// (`/items/{id}` and `/items/{name}`), which no request could tell apart.
    pub(crate) fn insert(&mut self, template: &str, index: usize) -> Result<(), usize> {
        let mut node = &mut self.root;
        for segment in segments(template) {
            node = match parts(segment) {
                None => {
                    let at = match node
                        .literal
                        .binary_search_by(|(name, _)| by_length(name, segment))
                    {
                        Ok(at) => at,
                        Err(at) => {
                            node.literal.insert(at, (segment.into(), Node::default()));
                            at
                        }
                    };
                    &mut node.literal[at].1
                }
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

    /// The template a request path (without its query; `escaped`: with `%` escapes, as
    /// [`without_query`] tells) is an instance of, under the longest server base path that it
    /// starts with (a description without servers is served from `/`). No allocation unless a
    /// segment has `%` escapes.
    pub(crate) fn find(&self, path: &str, escaped: bool) -> Option<usize> {
        if self.bases.is_empty() {
            return descend(&self.root, segments(path), escaped);
        }
        self.bases.iter().find_map(|base| {
            let mut rest = segments(path);
            for b in base {
                let segment = rest.next()?;
                if **b != *decode(segment, escaped) {
                    return None;
                }
            }
            descend(&self.root, rest, escaped)
        })
    }
}

/// The order of a node's literal segments: by length, then by bytes. Most comparisons of a
/// lookup are then told by the lengths alone, with no byte compared.
fn by_length(a: &str, b: &str) -> std::cmp::Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.as_bytes().cmp(b.as_bytes()))
}

/// `escaped`: the path has `%` escapes somewhere (else no segment needs decoding).
fn descend(node: &Node, mut rest: Segments<'_>, escaped: bool) -> Option<usize> {
    let Some(first) = rest.next() else {
        return node.template;
    };
    let first = decode(first, escaped);
    if let Ok(at) = node
        .literal
        .binary_search_by(|(name, _)| by_length(name, &first))
        && let Some(found) = descend(&node.literal[at].1, rest.clone(), escaped)
    {
        return Some(found);
    }
    node.templated
        .iter()
        .filter(|(parts, _)| matches(parts, &first))
        .find_map(|(_, next)| descend(next, rest.clone(), escaped))
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
        assert_eq!(
            r.find(without_query("/pets/mine").0, without_query("/pets/mine").1),
            Some(1)
        );
        assert_eq!(
            r.find(without_query("/pets/42").0, without_query("/pets/42").1),
            Some(0)
        );
        assert_eq!(
            r.find(without_query("/pets").0, without_query("/pets").1),
            None
        );
        assert_eq!(
            r.find(without_query("/pets/42/x").0, without_query("/pets/42/x").1),
            None
        );
    }

    #[test]
    fn server_base_paths_are_stripped_and_queries_ignored() {
        let r = router(&["/pets/{petId}"], &["/v2"]);
        let (path, escaped) = without_query("/v2/pets/1?token=secret");
        assert_eq!(r.find(path, escaped), Some(0));
        assert_eq!(
            r.find(without_query("/pets/1").0, without_query("/pets/1").1),
            None
        );
        assert_eq!(
            r.find(without_query("/v3/pets/1").0, without_query("/v3/pets/1").1),
            None
        );
        let r = router(&["/pets/{petId}"], &["/v2", ""]);
        assert_eq!(
            r.find(without_query("/pets/1").0, without_query("/pets/1").1),
            Some(0)
        );
    }

    #[test]
    fn backtracking_finds_a_templated_match_behind_a_literal_dead_end() {
        let r = router(&["/a/b/c", "/a/{x}/d"], &[]);
        assert_eq!(
            r.find(without_query("/a/b/d").0, without_query("/a/b/d").1),
            Some(1)
        );
    }

    #[test]
    fn mixed_segments_match_text_around_parameters() {
        let r = router(&["/files/{name}.json", "/files/{name}"], &[]);
        assert_eq!(
            r.find(
                without_query("/files/a.json").0,
                without_query("/files/a.json").1
            ),
            Some(0)
        );
        assert_eq!(
            r.find(
                without_query("/files/a.yaml").0,
                without_query("/files/a.yaml").1
            ),
            Some(1)
        );
        assert_eq!(
            r.find(
                without_query("/files/.json").0,
                without_query("/files/.json").1
            ),
            Some(1)
        );
    }

    #[test]
    fn templates_of_the_same_shape_are_ambiguous() {
        let mut r = Router::default();
        r.insert("/items/{id}", 0).unwrap();
        assert_eq!(r.insert("/items/{name}", 1), Err(0));
    }
}
