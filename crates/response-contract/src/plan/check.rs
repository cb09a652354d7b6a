//! The located check: a [`Plan`] evaluated over the located tree of a payload, every finding
//! with its pointer, keyword location, byte offset and a one-line message.
//!
//! Where a `oneOf` or `anyOf` fails, only the best-matching branch is reported: the one whose
//! discriminating member the payload carries (a member that branch requires and not every branch
//! does, or a member whose `const` the payload matches), else the branch whose findings reach
//! deepest into the payload, then the one with the fewest, then the first. Branches that all
//! fail only on the type of the value itself are merged into one type mismatch.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};

use super::{Id, Plan, Rules, Schema, format, number, types};
use crate::collect::{Collector, expected_into, found_into, quote_into, type_of};
use crate::options::{Expect, Limits};
use crate::parse::{self, Node, Value, same_name};
use crate::pointer::{self, Pointer};
use crate::report::{JsonType, Limit, Report, Severity, Variant, ViolationKind};

/// What a contract says beyond its schemas: how a payload is judged to be one variant, and
/// whether members no schema lists are reported. Built from the contract's policy document.
#[derive(Debug)]
pub(crate) struct Policy {
    /// "an Order ID Response", for the message when the payload is not an object.
    pub(crate) title: String,
    /// The root schema (its `oneOf` is what "no variant" points at).
    pub(crate) root: Id,
    /// Members no applied schema lists are warnings (errors in strict mode).
    pub(crate) report_unlisted: bool,
    /// In the order messages name them.
    pub(crate) variants: Vec<VariantPolicy>,
    /// Indices into `variants`: the first whose discriminating member is present wins.
    pub(crate) precedence: Vec<usize>,
    /// Why a response cannot be two variants at once ("a response is either a result or an error").
    pub(crate) exclusive: String,
    /// The variants' schemas, in order: what the fast pass scans the root against.
    pub(crate) schemas: Vec<Id>,
    /// Each discriminating member with the variants (bits by index) it marks.
    pub(crate) marks: Vec<(Box<str>, u32)>,
    /// Per entry of `marks`: its name's first eight bytes (a little-endian word, zero padded),
    /// the mask of those bytes, and its length, for [`Policy::guess_marks`].
    pub(crate) heads: Vec<(u64, u64, usize)>,
}

/// Which variant a root object is judged as, by the policy and the expectation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Judgement {
    /// No variant's member is present and none is expected: `no_variant`.
    NoVariant,
    /// Checked as this variant (by index).
    Of(usize),
    /// Another variant than the one expected: `unexpected_variant`, then checked as `found`.
    Unexpected { expected: usize, found: usize },
    /// The expected variant is not one of this contract's.
    NoSuchVariant,
}

impl Policy {
    /// The variants (bits by index) a member name marks.
    #[inline(always)]
    pub(crate) fn marks_of(&self, name: &[u8]) -> u32 {
        self.marks
            .iter()
            // This runs for every member of a root in the fast pass: a word comparison.
            .find(|(m, _)| parse::same_bytes(m.as_bytes(), name))
            .map_or(0, |(_, bits)| *bits)
    }

    /// The variants the member name starting at `bytes[at]` probably marks, told by its first
    /// eight bytes and the quote after it. Only the fast pass's guess of the variant reads this,
    /// and a wrong guess costs a second scan, never a wrong verdict.
    #[inline(always)]
    pub(crate) fn guess_marks(&self, bytes: &[u8], at: usize) -> u32 {
        let Some(word) = bytes.get(at..at + 8) else {
            return 0;
        };
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let mut bits = 0;
        for (&(head, mask, len), &(_, marks)) in self.heads.iter().zip(&self.marks) {
            if word & mask == head && bytes.get(at + len) == Some(&b'"') {
                bits |= marks;
            }
        }
        bits
    }

    /// The judgement, from the variants whose members are `present` (bits by index): the first
    /// present by precedence, or the expected one.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(crate) fn judge(&self, expect: Expect, present: u32) -> Judgement {
        let judged = self
            .precedence
            .iter()
            .copied()
            .find(|&i| present >> i & 1 == 1);
        let expected = match expect {
            Expect::Normal => Variant::Normal,
            Expect::Abnormal => Variant::Abnormal,
            _ => {
                return judged.map_or(Judgement::NoVariant, Judgement::Of);
            }
        };
        let Some(index) = self.variants.iter().position(|v| v.variant == expected) else {
            return Judgement::NoSuchVariant;
        };
        match judged {
            Some(found) if found != index => Judgement::Unexpected {
                expected: index,
                found,
            },
            _ => Judgement::Of(index),
        }
    }

    /// Derives the fast pass's tables from the variants.
    pub(crate) fn index(mut self) -> Policy {
        self.schemas = self.variants.iter().map(|v| v.schema).collect();
        self.marks.clear();
        for (i, v) in self.variants.iter().enumerate() {
            for m in &v.members {
                match self.marks.iter_mut().find(|(n, _)| **n == **m) {
                    Some((_, bits)) => *bits |= 1 << i,
                    None => self.marks.push((m.as_str().into(), 1 << i)),
                }
            }
        }
        self.heads = self
            .marks
            .iter()
            .map(|(name, _)| {
                let name = name.as_bytes();
                let mut head = [0u8; 8];
                let n = name.len().min(8);
                head[..n].copy_from_slice(&name[..n]);
                // An empty name masks nothing: its closing quote alone tells it.
                let mask = u64::MAX.checked_shr(8 * (8 - n) as u32).unwrap_or(0);
                (u64::from_le_bytes(head), mask, name.len())
            })
            .collect();
        self
    }
}

#[derive(Debug)]
pub(crate) struct VariantPolicy {
    pub(crate) variant: Variant,
    pub(crate) schema: Id,
    /// Members whose presence marks this variant.
    pub(crate) members: Vec<String>,
    /// "a normal response".
    pub(crate) noun: String,
    /// "an abnormal response (with `error`)": how a message names a payload judged as this.
    pub(crate) judged: String,
    /// "the result member": how a message names one of `members` found where it must not be.
    pub(crate) member_noun: String,
}

/// How to check, besides the plan.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings<'a> {
    pub(crate) limits: Limits,
    pub(crate) redact: bool,
    pub(crate) strict: bool,
    pub(crate) formats: bool,
    /// Remember payload shapes (see `scan::Shapes`).
    pub(crate) shapes: bool,
    pub(crate) expect: Expect,
    pub(crate) policy: Option<&'a Policy>,
}

/// The deepest nesting of schema applications one check may reach (see [`Eval::in_place`]).
const MAX_NESTING: usize = 512;

/// One finding before it becomes a violation: branches that are tried and dropped cost no more.
#[derive(Debug)]
struct Pending {
    severity: Severity,
    kind: ViolationKind,
    pointer: String,
    keyword: Option<String>,
    offset: usize,
    /// The message after `pointer: `.
    message: String,
}

/// The `properties` of the first few schemas applied to one value are kept in place: a value
/// is seldom checked against more, so listing its names allocates nothing.
const LISTED_IN_PLACE: usize = 2;

type Properties = [(Box<str>, Id)];

#[derive(Default)]
struct Listed<'p> {
    /// The `properties` of applied schemas: the first few in place, the rest in `more`.
    few: [&'p Properties; LISTED_IN_PLACE],
    len: usize,
    more: Vec<&'p Properties>,
    /// Single names (members a `not` forbids, found present).
    names: Vec<&'p str>,
    /// Some applied schema had `properties`.
    named: bool,
    /// Some applied schema decides other members itself (`additionalProperties`, …).
    open: bool,
}

impl<'p> Listed<'p> {
    fn add(&mut self, properties: &'p Properties) {
        if self.len < LISTED_IN_PLACE {
            self.few[self.len] = properties;
            self.len += 1;
        } else {
            self.more.push(properties);
        }
    }

    fn merge(&mut self, other: Listed<'p>) {
        for properties in other.few[..other.len].iter().chain(&other.more) {
            self.add(properties);
        }
        self.names.extend(other.names);
        self.named |= other.named;
        self.open |= other.open;
    }

    /// Whether some applied schema lists `key`.
    fn lists(&self, key: &str) -> bool {
        self.few[..self.len]
            .iter()
            .chain(&self.more)
            .any(|properties| properties.iter().any(|(n, _)| same_name(n, key)))
            || self.names.contains(&key)
    }
}

/// The full check of one payload against `root`.
pub(crate) fn check(plan: &Plan, root: Id, payload: &[u8], settings: &Settings<'_>) -> Report {
    let limits = &settings.limits;
    let mut out = Collector::new(payload, limits);
    if payload.len() > limits.size() {
        out.size_exceeded(limits.size());
        return out.finish(None);
    }
    let parsed = parse::parse(payload, limits.depth());
    out.hazards(parsed.hazards);
    let tree = match (parsed.root, parsed.fatal) {
        (Some(tree), None) => tree,
        (_, fatal) => {
            if let Some(fatal) = fatal {
                out.fatal(fatal, limits.depth());
            }
            return out.finish(None);
        }
    };
    let mut eval = Eval {
        plan,
        payload,
        settings,
        path: Path::new(),
        quiet: 0,
        nesting: 0,
        judged: None,
    };
    // A payload gets here when the fast pass did not find it clean: there is usually a finding.
    let mut pending = Vec::with_capacity(4);
    let variant = match settings.policy {
        Some(policy) => eval.contract(policy, &tree, &mut pending),
        None => {
            eval.instance(&tree, root, &mut pending, &mut Listed::default());
            None
        }
    };
    out.reserve(pending.len());
    for p in pending {
        out.push_message(
            p.severity,
            p.kind,
            p.pointer,
            p.keyword.map(Cow::Owned),
            p.offset,
            p.message,
        );
    }
    out.finish(variant)
}

/// The verdict of the full check, without building messages that no one reads.
pub(crate) fn is_valid(plan: &Plan, root: Id, payload: &[u8], settings: &Settings<'_>) -> bool {
    check(plan, root, payload, settings).is_valid()
}

struct Eval<'p, 's> {
    plan: &'p Plan,
    payload: &'p [u8],
    settings: &'s Settings<'s>,
    /// Where the value being checked sits, written out as a JSON Pointer only for a finding.
    path: Path<'p>,
    /// Above zero inside a trial whose findings are thrown away (`not`, `if`, `contains`): only
    /// the verdict counts there, so no message is built.
    quiet: u32,
    /// Schemas being applied, nested (through values and through `$ref`, `allOf`, …).
    nesting: usize,
    /// The variant the payload was judged as, for messages about the other's members.
    judged: Option<usize>,
}

/// A message's buffer, begun with `start`: sized for a list of allowed values and for the
/// pointer the collector puts before it, so building the message does not grow it again.
fn message_buffer(start: &str) -> String {
    let mut message = String::with_capacity(160);
    message.push_str(start);
    message
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl<'p> Eval<'p, '_> {
    /// Whether members no applied schema lists are reported, so listed names must be kept.
    fn listing(&self) -> bool {
        self.settings.policy.is_some_and(|p| p.report_unlisted)
    }

    /// `, found …` at the end of a message, written in place.
    fn found_after(&self, message: &mut String, node: &Node<'_>) {
        message.push_str(", found ");
        found_into(self.payload, self.settings.redact, node, message);
    }

    fn found(&self, node: &Node<'p>) -> String {
        let mut s = String::new();
        found_into(self.payload, self.settings.redact, node, &mut s);
        s
    }

    fn push(
        &self,
        out: &mut Vec<Pending>,
        kind: ViolationKind,
        keyword: Option<String>,
        offset: usize,
        message: String,
    ) {
        if self.quiet > 0 {
            return;
        }
        out.push(Pending {
            severity: Severity::Error,
            kind,
            pointer: self.path.render(),
            keyword,
            offset,
            message,
        });
    }

    fn keyword_error(
        &self,
        out: &mut Vec<Pending>,
        r: &Rules,
        keyword: &str,
        node: &Node<'p>,
        message: String,
    ) {
        if self.quiet > 0 {
            return;
        }
        self.push(
            out,
            ViolationKind::Keyword {
                keyword: keyword.to_owned(),
            },
            Some(r.at(keyword)),
            node.start,
            message,
        );
    }

    /// The contract's own judgement of the root: which variant, and then that variant's schema.
    fn contract(
        &mut self,
        policy: &Policy,
        root: &Node<'p>,
        out: &mut Vec<Pending>,
    ) -> Option<Variant> {
        let expect = self.settings.expect;
        let wanted = |variant: Variant| policy.variants.iter().position(|v| v.variant == variant);
        let root_location = |keyword: &str| match self.plan.node(policy.root) {
            Schema::Rules(r) => Some(r.at(keyword)),
            _ => None,
        };
        let Value::Object(members) = &root.value else {
            let keyword = match expect {
                Expect::Either => root_location("oneOf"),
                Expect::Normal | Expect::Abnormal => {
                    let variant = if expect == Expect::Normal {
                        Variant::Normal
                    } else {
                        Variant::Abnormal
                    };
                    wanted(variant).and_then(|i| match self.plan.node(policy.variants[i].schema) {
                        Schema::Rules(r) => Some(r.at("type")),
                        _ => None,
                    })
                }
            };
            let found = self.found(root);
            self.push(
                out,
                ViolationKind::TypeMismatch {
                    expected: vec![JsonType::Object],
                    found: type_of(root),
                },
                keyword,
                root.start,
                format!("expected an object ({}), found {found}", policy.title),
            );
            return None;
        };
        let present = members
            .iter()
            .fold(0, |bits, m| bits | policy.marks_of(m.key.as_bytes()));
        let chosen = match policy.judge(expect, present) {
            Judgement::NoSuchVariant => return None,
            Judgement::Of(index) => index,
            Judgement::Unexpected { expected, found } => {
                let message = format!(
                    "expected {}, found {}",
                    policy.variants[expected].noun, policy.variants[found].noun
                );
                self.push(
                    out,
                    ViolationKind::UnexpectedVariant {
                        expected: policy.variants[expected].variant,
                        found: policy.variants[found].variant,
                    },
                    None,
                    root.start,
                    message,
                );
                found
            }
            Judgement::NoVariant => {
                let mut message = message_buffer("expected ");
                for (i, v) in policy.variants.iter().enumerate() {
                    if i > 0 {
                        message.push_str(" or ");
                    }
                    for (j, name) in v.members.iter().enumerate() {
                        if j > 0 {
                            message.push_str(" and ");
                        }
                        let _ = write!(message, "`{name}`");
                    }
                    let _ = write!(message, " ({})", v.noun);
                }
                message.push_str(if members.is_empty() {
                    ", found an empty object"
                } else {
                    ", found an object with none of them"
                });
                self.push(
                    out,
                    ViolationKind::NoVariant,
                    root_location("oneOf"),
                    root.start,
                    message,
                );
                if policy.report_unlisted {
                    self.unlisted(root, &Listed::default(), out);
                }
                return None;
            }
        };
        self.judged = Some(chosen);
        self.instance(
            root,
            policy.variants[chosen].schema,
            out,
            &mut Listed::default(),
        );
        Some(policy.variants[chosen].variant)
    }

    /// A value checked against a schema as a whole: its keywords, then (under a contract
    /// policy) the members no applied schema lists.
    ///
    /// Unless a policy reports unlisted members, no one reads what the applied schemas list:
    /// they then all write to the caller's `spare`, instead of each value setting up and
    /// dropping a list of its own.
    fn instance(
        &mut self,
        node: &Node<'p>,
        schema: Id,
        out: &mut Vec<Pending>,
        spare: &mut Listed<'p>,
    ) -> bool {
        if !self.listing() {
            return self.in_place(node, schema, out, spare);
        }
        let mut listed = Listed::default();
        let mut ok = self.in_place(node, schema, out, &mut listed);
        if let Some(policy) = self.settings.policy
            && policy.report_unlisted
            && listed.named
            && !listed.open
            && matches!(node.value, Value::Object(_))
        {
            ok &= self.unlisted(node, &listed, out);
        }
        ok
    }

    fn unlisted(&mut self, node: &Node<'p>, listed: &Listed<'_>, out: &mut Vec<Pending>) -> bool {
        let Value::Object(members) = &node.value else {
            return true;
        };
        let strict = self.settings.strict;
        if self.quiet > 0 {
            return !strict || members.iter().all(|m| listed.lists(&m.key));
        }
        let mut ok = true;
        for m in members {
            if listed.lists(&m.key) {
                continue;
            }
            self.path.push_member(m);
            {
                ok &= !strict;
                out.push(Pending {
                    severity: if strict {
                        Severity::Error
                    } else {
                        Severity::Warning
                    },
                    kind: ViolationKind::UnknownMember {
                        name: m.key.to_string(),
                    },
                    pointer: self.path.render(),
                    keyword: None,
                    offset: m.key_start,
                    message: if strict {
                        "a member the contract does not list (not allowed in strict mode)"
                            .to_owned()
                    } else {
                        "a member the contract does not list".to_owned()
                    },
                });
            }
            self.path.pop();
        }
        ok
    }

    fn in_place(
        &mut self,
        node: &Node<'p>,
        schema: Id,
        out: &mut Vec<Pending>,
        listed: &mut Listed<'p>,
    ) -> bool {
        // Compilation bounds each chain of schemas on one value, and the limits bound the
        // payload's nesting; this bounds their product, so no pair of them can exhaust a stack.
        if self.nesting >= MAX_NESTING {
            if self.quiet == 0 {
                self.push(
                    out,
                    ViolationKind::LimitExceeded {
                        limit: Limit::Depth,
                        max: MAX_NESTING,
                    },
                    None,
                    node.start,
                    format!(
                        "checking this value needs more than {MAX_NESTING} nested schemas; not checked further"
                    ),
                );
            }
            return false;
        }
        self.nesting += 1;
        let ok = self.in_place_inner(node, schema, out, listed);
        self.nesting -= 1;
        ok
    }

    fn in_place_inner(
        &mut self,
        node: &Node<'p>,
        schema: Id,
        out: &mut Vec<Pending>,
        listed: &mut Listed<'p>,
    ) -> bool {
        let plan = self.plan;
        match plan.node(schema) {
            Schema::Any => true,
            Schema::Never(location) => {
                let found = self.found(node);
                self.push(
                    out,
                    ViolationKind::Keyword {
                        keyword: "false".to_owned(),
                    },
                    Some(location.to_string()),
                    node.start,
                    format!("no value is allowed here (the schema is `false`), found {found}"),
                );
                false
            }
            Schema::Engine(index) => {
                listed.open = true;
                self.engine(node, *index, out)
            }
            Schema::Rules(rules) => self.rules(node, rules, out, listed),
        }
    }

    fn rules(
        &mut self,
        node: &Node<'p>,
        r: &'p Rules,
        out: &mut Vec<Pending>,
        listed: &mut Listed<'p>,
    ) -> bool {
        if let Some(allowed) = r.types
            && !has_type(allowed, node, self.payload)
        {
            if self.quiet > 0 {
                return false;
            }
            let expected = type_list(allowed);
            // Room for the pointer the collector puts before it.
            let mut message = String::with_capacity(96);
            expected_into(&mut message, &expected);
            message.push_str(", found ");
            found_into(self.payload, self.settings.redact, node, &mut message);
            self.push(
                out,
                ViolationKind::TypeMismatch {
                    expected,
                    found: type_of(node),
                },
                Some(r.at("type")),
                node.start,
                message,
            );
            return false;
        }
        let mut ok = true;
        if let Some(values) = &r.enumeration
            && !values.iter().any(|v| equals(node, v, self.payload))
        {
            self.not_one_of(out, r, "enum", node, values);
            ok = false;
        }
        if let Some(value) = &r.constant
            && !equals(node, value, self.payload)
        {
            self.not_one_of(out, r, "const", node, std::slice::from_ref(value));
            ok = false;
        }
        match &node.value {
            Value::String(s) => ok &= self.string(node, s, r, out),
            Value::Number => ok &= self.number(node, r, out),
            Value::Object(_) => ok &= self.object(node, r, out, listed),
            Value::Array(items) => ok &= self.array(node, items, r, out, listed),
            _ => {}
        }
        ok &= self.applicators(node, r, out, listed);
        ok
    }

    /// `enum` or `const` not met: the finding, listing the allowed `values`. Findings are built
    /// out of line (here and below), so that the frame of the recursive check stays small and
    /// its common path short.
    #[cold]
    #[inline(never)]
    fn not_one_of(
        &self,
        out: &mut Vec<Pending>,
        r: &Rules,
        keyword: &str,
        node: &Node<'p>,
        values: &[serde_json::Value],
    ) {
        if self.quiet > 0 {
            return;
        }
        let mut message = message_buffer("expected ");
        self.literals(&mut message, values);
        self.found_after(&mut message, node);
        self.keyword_error(out, r, keyword, node, message);
    }

    /// `"a", "b" or 3`, as a message lists allowed values (types only under redaction).
    fn literals(&self, out: &mut String, values: &[serde_json::Value]) {
        let shown = values.len().min(8);
        if values.len() > 1 {
            out.push_str("one of ");
        }
        for (i, v) in values[..shown].iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            match v {
                serde_json::Value::String(s) => quote_into(out, s),
                other => {
                    let text = other.to_string();
                    match text.char_indices().nth(40) {
                        Some((cut, _)) => {
                            out.push_str(&text[..cut]);
                            out.push('…');
                        }
                        None => out.push_str(&text),
                    }
                }
            }
        }
        if values.len() > shown {
            let _ = write!(out, " (and {} more)", values.len() - shown);
        }
    }

    fn string(&mut self, node: &Node<'p>, s: &str, r: &Rules, out: &mut Vec<Pending>) -> bool {
        let mut ok = true;
        if r.min_length.is_some() || r.max_length.is_some() {
            ok &= self.counted(
                out,
                r,
                node,
                s.chars().count() as u64,
                [(r.min_length, "minLength"), (r.max_length, "maxLength")],
                ("character", "characters"),
            );
        }
        if let Some((pattern, source)) = &r.pattern
            && !pattern.is_match(s)
        {
            self.unmatched(out, r, node, source);
            ok = false;
        }
        if self.settings.formats
            && let Some(name) = &r.format
            && format::check(name, s) == Some(false)
        {
            self.malformed(out, r, node, name);
            ok = false;
        }
        ok
    }

    /// `pattern` not met: the finding.
    #[cold]
    #[inline(never)]
    fn unmatched(&self, out: &mut Vec<Pending>, r: &Rules, node: &Node<'p>, source: &str) {
        if self.quiet > 0 {
            return;
        }
        let mut message = message_buffer("expected a string matching ");
        quote_into(&mut message, source);
        self.found_after(&mut message, node);
        self.keyword_error(out, r, "pattern", node, message);
    }

    /// An asserted `format` not met: the finding.
    #[cold]
    #[inline(never)]
    fn malformed(&self, out: &mut Vec<Pending>, r: &Rules, node: &Node<'p>, name: &str) {
        if self.quiet > 0 {
            return;
        }
        let message = format!("expected a valid `{name}`, found {}", self.found(node));
        self.keyword_error(out, r, "format", node, message);
    }

    fn number(&mut self, node: &Node<'p>, r: &Rules, out: &mut Vec<Pending>) -> bool {
        use std::cmp::Ordering::{Greater, Less};
        if r.minimum.is_none()
            && r.maximum.is_none()
            && r.exclusive_minimum.is_none()
            && r.exclusive_maximum.is_none()
            && r.multiple_of.is_none()
        {
            return true;
        }
        let text = &self.payload[node.start..node.end];
        // One call per bound, each with its own comparison inlined: no table of function
        // pointers built and called through for every number.
        let mut ok = self.bound(out, r, node, &r.minimum, ("minimum", "≥"), |o| o != Less);
        ok &= self.bound(out, r, node, &r.maximum, ("maximum", "≤"), |o| {
            o != Greater
        });
        ok &= self.bound(
            out,
            r,
            node,
            &r.exclusive_minimum,
            ("exclusiveMinimum", ">"),
            |o| o == Greater,
        );
        ok &= self.bound(
            out,
            r,
            node,
            &r.exclusive_maximum,
            ("exclusiveMaximum", "<"),
            |o| o == Less,
        );
        if let Some(divisor) = &r.multiple_of
            && !number::is_multiple_of(text, divisor)
        {
            let message = format!(
                "expected a multiple of {}, found {}",
                divisor.as_str(),
                self.found(node)
            );
            self.keyword_error(out, r, "multipleOf", node, message);
            ok = false;
        }
        ok
    }

    /// One bound (`minimum`, …) on a number: whether it `passes`, and the finding when not.
    #[inline(always)]
    fn bound(
        &self,
        out: &mut Vec<Pending>,
        r: &Rules,
        node: &Node<'p>,
        bound: &Option<Box<number::Bound>>,
        (keyword, sign): (&str, &str),
        passes: impl Fn(std::cmp::Ordering) -> bool,
    ) -> bool {
        let Some(bound) = bound else {
            return true;
        };
        number::compare(&self.payload[node.start..node.end], bound).is_some_and(passes)
            || self.out_of_bound(out, r, node, bound, keyword, sign)
    }

    /// [`Eval::bound`] not met: the finding.
    #[cold]
    fn out_of_bound(
        &self,
        out: &mut Vec<Pending>,
        r: &Rules,
        node: &Node<'p>,
        bound: &number::Bound,
        keyword: &str,
        sign: &str,
    ) -> bool {
        let message = format!(
            "expected a number {sign} {}, found {}",
            bound.as_str(),
            self.found(node)
        );
        self.keyword_error(out, r, keyword, node, message);
        false
    }

    fn object(
        &mut self,
        node: &Node<'p>,
        r: &'p Rules,
        out: &mut Vec<Pending>,
        listed: &mut Listed<'p>,
    ) -> bool {
        let Value::Object(members) = &node.value else {
            return true;
        };
        let mut ok = true;
        if !r.properties.is_empty() {
            listed.named = true;
            // The names matter only to a policy that reports unlisted members.
            if self.listing() {
                listed.add(&r.properties);
            }
        }
        listed.open |= r.is_open_ended();
        // Schemas that only require members (`not`, `anyOf` branches, `if`) say nothing about
        // each member: the walk over them, with its path steps, is skipped.
        let per_member = !r.properties.is_empty()
            || !r.pattern_properties.is_empty()
            || r.additional_properties.is_some()
            || !r.write_only.is_empty()
            || r.property_names.is_some();
        let walked: &[parse::Member<'p>] = if per_member { members } else { &[] };
        for m in walked {
            let key: &str = &m.key;
            let mut matched = false;
            self.path.push_member(m);
            if let Some(child) = r.property_lookup(key) {
                matched = true;
                ok &= self.instance(&m.value, child, out, listed);
            }
            for (pattern, _, child) in &r.pattern_properties {
                if pattern.is_match(key) {
                    matched = true;
                    ok &= self.instance(&m.value, *child, out, listed);
                }
            }
            if !matched && let Some(additional) = r.additional_properties {
                if let Schema::Never(_) = self.plan.node(additional) {
                    // The common `additionalProperties: false`: say it about the member's name.
                    self.not_allowed(out, r, key, m.key_start);
                    ok = false;
                } else {
                    ok &= self.instance(&m.value, additional, out, listed);
                }
            }
            if r.write_only.iter().any(|n| **n == *key) {
                self.write_only(out, r, key, m.key_start);
                ok = false;
            }
            if let Some(names) = r.property_names {
                ok &= self.member_name(m, names, out, listed);
            }
            self.path.pop();
        }
        for name in &r.required {
            if !members.iter().any(|m| same_name(&m.key, name)) {
                ok = false;
                if self.quiet > 0 {
                    continue;
                }
                self.missing(out, node, name, r.at("required"));
            }
        }
        if r.min_properties.is_some() || r.max_properties.is_some() {
            ok &= self.counted(
                out,
                r,
                node,
                members.len() as u64,
                [
                    (r.min_properties, "minProperties"),
                    (r.max_properties, "maxProperties"),
                ],
                ("member", "members"),
            );
        }
        for (name, needs) in &r.dependent_required {
            if !members.iter().any(|m| same_name(&m.key, name)) {
                continue;
            }
            for need in needs {
                if !members.iter().any(|m| same_name(&m.key, need)) {
                    self.path.push_name(need);
                    let message = format!(
                        "the member `{need}` is required when `{name}` is present, and is missing"
                    );
                    self.push(
                        out,
                        ViolationKind::MissingMember {
                            name: need.to_string(),
                        },
                        Some(r.at("dependentRequired")),
                        node.start,
                        message,
                    );
                    self.path.pop();
                    ok = false;
                }
            }
        }
        ok
    }

    /// `propertyNames` on one member's name. Out of line, like the other keywords that set up
    /// values and lists of their own (`not`, `if`, `contains`): those would otherwise widen the
    /// frame of every level of the recursive check.
    #[inline(never)]
    fn member_name(
        &mut self,
        m: &parse::Member<'p>,
        names: Id,
        out: &mut Vec<Pending>,
        listed: &mut Listed<'p>,
    ) -> bool {
        let name = Node {
            start: m.key_start,
            end: m.key_start,
            value: Value::String(m.key.clone()),
        };
        let mut found = Vec::new();
        if self.instance(&name, names, &mut found, listed) {
            return true;
        }
        for mut p in found {
            p.message = format!("the member name: {}", p.message);
            out.push(p);
        }
        false
    }

    /// A member that `additionalProperties: false` forbids; the path is at the member.
    #[cold]
    #[inline(never)]
    fn not_allowed(&self, out: &mut Vec<Pending>, r: &Rules, name: &str, offset: usize) {
        out.push(Pending {
            severity: Severity::Error,
            kind: ViolationKind::UnknownMember {
                name: name.to_owned(),
            },
            pointer: self.path.render(),
            keyword: Some(r.at("additionalProperties")),
            offset,
            message: "a member the schema does not allow (`additionalProperties`)".to_owned(),
        });
    }

    /// A `writeOnly` member in a response, which should never carry it (a password echoed
    /// back): an error, as OpenAPI validators read it. The path is at the member.
    #[cold]
    #[inline(never)]
    fn write_only(&self, out: &mut Vec<Pending>, r: &Rules, name: &str, offset: usize) {
        if self.quiet > 0 {
            return;
        }
        out.push(Pending {
            severity: Severity::Error,
            kind: ViolationKind::WriteOnlyMember {
                name: name.to_owned(),
            },
            pointer: self.path.render(),
            keyword: Some({
                let mut at = r.at("properties/");
                pointer::escape_into(&mut at, name);
                at.push_str("/writeOnly");
                at
            }),
            offset,
            message: "a write-only member (`writeOnly`), which a response must not carry"
                .to_owned(),
        });
    }

    /// `discriminator`: the branch the member's value names is the one checked. `None` when the
    /// value is not an object (the branches' own types then speak).
    // Out of line: a rare path whose locals would widen every level of the recursive check.
    #[inline(never)]
    fn discriminated(
        &mut self,
        node: &Node<'p>,
        r: &'p Rules,
        d: &'p super::Discriminator,
        out: &mut Vec<Pending>,
        listed: &mut Listed<'p>,
    ) -> Option<bool> {
        let Value::Object(members) = &node.value else {
            return None;
        };
        let keyword = format!("{}/propertyName", r.at("discriminator"));
        let Some(member) = members.iter().find(|m| *m.key == *d.property) else {
            if self.quiet == 0 {
                self.path.push_name(&d.property);
                let message = format!(
                    "the member `{}` is required: its value names which schema the object is (`discriminator`), and is missing",
                    d.property
                );
                self.push(
                    out,
                    ViolationKind::MissingMember {
                        name: d.property.to_string(),
                    },
                    Some(keyword),
                    node.start,
                    message,
                );
                self.path.pop();
            }
            return Some(false);
        };
        let branch = match &member.value.value {
            Value::String(name) => d
                .mapping
                .iter()
                .find(|(n, _)| **n == **name)
                .map(|&(_, id)| id),
            _ => None,
        };
        if let Some(branch) = branch {
            return Some(self.in_place(node, branch, out, listed));
        }
        if self.quiet == 0 {
            self.path.push_name(&d.property);
            let names: Vec<serde_json::Value> = d
                .mapping
                .iter()
                .map(|(n, _)| serde_json::Value::String(n.to_string()))
                .collect();
            let mut message = message_buffer("expected ");
            self.literals(&mut message, &names);
            let _ = write!(
                message,
                " (the names the `discriminator` maps), found {}",
                self.found(&member.value)
            );
            self.push(
                out,
                ViolationKind::Keyword {
                    keyword: "discriminator".to_owned(),
                },
                Some(r.at("discriminator")),
                member.value.start,
                message,
            );
            self.path.pop();
        }
        Some(false)
    }

    /// A count against its least and greatest allowed values (`minItems`/`maxItems`, …).
    #[inline(always)]
    fn counted(
        &self,
        out: &mut Vec<Pending>,
        r: &Rules,
        node: &Node<'p>,
        count: u64,
        bounds: [(Option<u64>, &str); 2],
        nouns: (&str, &str),
    ) -> bool {
        let [(min, _), (max, _)] = bounds;
        min.is_none_or(|min| count >= min) && max.is_none_or(|max| count <= max)
            || self.miscounted(out, r, node, count, bounds, nouns)
    }

    /// [`Eval::counted`] out of bounds: the findings.
    #[cold]
    fn miscounted(
        &self,
        out: &mut Vec<Pending>,
        r: &Rules,
        node: &Node<'p>,
        count: u64,
        [(min, min_keyword), (max, max_keyword)]: [(Option<u64>, &str); 2],
        (one, many): (&str, &str),
    ) -> bool {
        let mut ok = true;
        if let Some(min) = min
            && count < min
        {
            let message = format!(
                "expected at least {}, found {count}",
                plural(min, one, many)
            );
            self.keyword_error(out, r, min_keyword, node, message);
            ok = false;
        }
        if let Some(max) = max
            && count > max
        {
            let message = format!("expected at most {}, found {count}", plural(max, one, many));
            self.keyword_error(out, r, max_keyword, node, message);
            ok = false;
        }
        ok
    }

    #[cold]
    #[inline(never)]
    fn missing(
        &mut self,
        out: &mut Vec<Pending>,
        object: &Node<'p>,
        name: &'p str,
        keyword: String,
    ) {
        if self.quiet > 0 {
            return;
        }
        self.path.push_name(name);
        self.push(
            out,
            ViolationKind::MissingMember {
                name: name.to_owned(),
            },
            Some(keyword),
            object.start,
            format!("the required member `{name}` is missing"),
        );
        self.path.pop();
    }

    /// `spare`: see [`Eval::instance`].
    fn array(
        &mut self,
        node: &Node<'p>,
        items: &[Node<'p>],
        r: &Rules,
        out: &mut Vec<Pending>,
        spare: &mut Listed<'p>,
    ) -> bool {
        let mut ok = true;
        let mut contained = 0u64;
        for (i, item) in items.iter().enumerate() {
            self.path.push_index(i);
            match r.prefix_items.get(i) {
                Some(&child) => ok &= self.instance(item, child, out, spare),
                None => {
                    if let Some(child) = r.items {
                        ok &= self.instance(item, child, out, spare);
                    }
                }
            }
            if let Some(child) = r.contains
                && self.contains(item, child, spare)
            {
                contained += 1;
            }
            self.path.pop();
        }
        if r.contains.is_some() {
            let min = r.min_contains.unwrap_or(1);
            if contained < min {
                let message = format!(
                    "expected at least {} matching `contains`, found {contained}",
                    plural(min, "item", "items")
                );
                let keyword = if r.min_contains.is_some() {
                    "minContains"
                } else {
                    "contains"
                };
                self.keyword_error(out, r, keyword, node, message);
                ok = false;
            }
            if let Some(max) = r.max_contains
                && contained > max
            {
                let message = format!(
                    "expected at most {} matching `contains`, found {contained}",
                    plural(max, "item", "items")
                );
                self.keyword_error(out, r, "maxContains", node, message);
                ok = false;
            }
        }
        if r.min_items.is_some() || r.max_items.is_some() {
            ok &= self.counted(
                out,
                r,
                node,
                items.len() as u64,
                [(r.min_items, "minItems"), (r.max_items, "maxItems")],
                ("item", "items"),
            );
        }
        if r.unique_items
            && let Some((first, second)) = first_repeat(items, self.payload)
        {
            self.path.push_index(second);
            self.push(
                out,
                ViolationKind::Keyword {
                    keyword: "uniqueItems".to_owned(),
                },
                Some(r.at("uniqueItems")),
                items[second].start,
                format!("this item repeats item {first}; the items must be unique"),
            );
            self.path.pop();
            ok = false;
        }
        ok
    }

    fn applicators(
        &mut self,
        node: &Node<'p>,
        r: &'p Rules,
        out: &mut Vec<Pending>,
        listed: &mut Listed<'p>,
    ) -> bool {
        let mut ok = true;
        if let Some(target) = r.reference {
            ok &= self.in_place(node, target, out, listed);
        }
        for &sub in &r.all_of {
            ok &= self.in_place(node, sub, out, listed);
        }
        if let Value::Object(members) = &node.value {
            for (name, sub) in &r.dependent_schemas {
                if members.iter().any(|m| same_name(&m.key, name)) {
                    ok &= self.in_place(node, *sub, out, listed);
                }
            }
        }
        let discriminated = match &r.discriminator {
            Some(d) => self.discriminated(node, r, d, out, listed),
            None => None,
        };
        if let Some(verdict) = discriminated {
            ok &= verdict;
        } else {
            if !r.any_of.is_empty() {
                ok &= self.branches(node, r, &r.any_of, "anyOf", out, listed);
            }
            if !r.one_of.is_empty() {
                ok &= self.branches(node, r, &r.one_of, "oneOf", out, listed);
            }
        }
        if let Some(sub) = r.not {
            let mut ignored = Vec::new();
            self.quiet += 1;
            let matched = self.in_place(node, sub, &mut ignored, &mut Listed::default());
            self.quiet -= 1;
            if matched {
                ok = false;
                self.forbidden(node, r, sub, out, listed);
            }
        }
        if let Some(condition) = r.condition {
            ok &= self.conditional(node, condition, out, listed);
        }
        ok
    }

    /// Whether an item matches `contains` (findings thrown away). Out of line: see
    /// [`Eval::member_name`].
    #[inline(never)]
    fn contains(&mut self, item: &Node<'p>, child: Id, spare: &mut Listed<'p>) -> bool {
        let mut ignored = Vec::new();
        self.quiet += 1;
        let matched = self.instance(item, child, &mut ignored, spare);
        self.quiet -= 1;
        matched
    }

    /// `if`, then `then` or `else`. Out of line: see [`Eval::member_name`].
    #[inline(never)]
    fn conditional(
        &mut self,
        node: &Node<'p>,
        (condition, then, otherwise): (Id, Option<Id>, Option<Id>),
        out: &mut Vec<Pending>,
        listed: &mut Listed<'p>,
    ) -> bool {
        let mut ignored = Vec::new();
        let mut taken = Listed::default();
        self.quiet += 1;
        let holds = self.in_place(node, condition, &mut ignored, &mut taken);
        self.quiet -= 1;
        let branch = if holds {
            listed.merge(taken);
            then
        } else {
            otherwise
        };
        match branch {
            Some(branch) => self.in_place(node, branch, out, listed),
            None => true,
        }
    }

    /// `anyOf` / `oneOf`: every branch is tried; a failure reports the best branch only.
    fn branches(
        &mut self,
        node: &Node<'p>,
        r: &Rules,
        branches: &[Id],
        keyword: &str,
        out: &mut Vec<Pending>,
        listed: &mut Listed<'p>,
    ) -> bool {
        if self.quiet > 0 {
            // Only the verdict counts: no findings to keep, so nothing to choose between.
            let mut passing = 0usize;
            let mut seen_passing = Listed::default();
            for &branch in branches {
                let mut seen = Listed::default();
                if self.in_place(node, branch, &mut Vec::new(), &mut seen) {
                    passing += 1;
                    seen_passing.merge(seen);
                }
            }
            let valid = if keyword == "oneOf" {
                passing == 1
            } else {
                passing > 0
            };
            if valid {
                listed.merge(seen_passing);
            }
            return valid;
        }
        let mut tried = Vec::with_capacity(branches.len());
        for &branch in branches {
            let mut found = Vec::new();
            let mut seen = Listed::default();
            let ok = self.in_place(node, branch, &mut found, &mut seen);
            tried.push((ok, found, seen));
        }
        let passing: Vec<usize> = (0..tried.len()).filter(|&i| tried[i].0).collect();
        let valid = if keyword == "oneOf" {
            passing.len() == 1
        } else {
            !passing.is_empty()
        };
        if valid {
            for i in passing.iter().rev() {
                let (_, found, seen) = tried.swap_remove(*i);
                // Warnings (unlisted members) of a passing branch still count.
                out.extend(found);
                listed.merge(seen);
            }
            return true;
        }
        if passing.len() > 1 {
            let which = passing
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            self.keyword_error(
                out,
                r,
                "oneOf",
                node,
                format!(
                    "matches {} branches of `oneOf` ({which}); exactly one must match",
                    passing.len()
                ),
            );
            let (_, _, seen) = tried.swap_remove(passing[0]);
            listed.merge(seen);
            return false;
        }
        // Every branch failed on the value's own type: one mismatch naming all the types.
        let here = self.path.render();
        let here = here.as_str();
        let only_types: Option<Vec<JsonType>> =
            tried
                .iter()
                .try_fold(Vec::new(), |mut acc, t| match t.1.as_slice() {
                    [
                        Pending {
                            kind: ViolationKind::TypeMismatch { expected, .. },
                            pointer,
                            ..
                        },
                    ] if pointer == here => {
                        for e in expected {
                            if !acc.contains(e) {
                                acc.push(*e);
                            }
                        }
                        Some(acc)
                    }
                    _ => None,
                });
        if let Some(expected) = only_types {
            let mut message = String::new();
            expected_into(&mut message, &expected);
            self.found_after(&mut message, node);
            self.push(
                out,
                ViolationKind::TypeMismatch {
                    expected,
                    found: type_of(node),
                },
                Some(r.at(keyword)),
                node.start,
                message,
            );
            return false;
        }
        let best = self.best_branch(node, branches, &tried);
        let (_, found, seen) = tried.swap_remove(best);
        out.extend(found);
        listed.merge(seen);
        false
    }

    fn best_branch(
        &self,
        node: &Node<'p>,
        branches: &[Id],
        tried: &[(bool, Vec<Pending>, Listed<'_>)],
    ) -> usize {
        let mut candidates: Vec<usize> = (0..branches.len()).collect();
        if let Value::Object(members) = &node.value {
            let required: Vec<Vec<&str>> = branches
                .iter()
                .map(|&b| self.required_names(b, 0))
                .collect();
            let marked: Vec<usize> = (0..branches.len())
                .filter(|&i| {
                    required[i].iter().any(|name| {
                        !required.iter().all(|other| other.contains(name))
                            && members.iter().any(|m| m.key == *name)
                    }) || self.const_member_matches(branches[i], members)
                })
                .collect();
            if !marked.is_empty() {
                candidates = marked;
            }
        }
        let depth = |p: &Pending| p.pointer.matches('/').count();
        candidates
            .into_iter()
            .max_by_key(|&i| {
                let errors = tried[i].1.iter().filter(|p| p.severity == Severity::Error);
                let reach = errors.clone().map(depth).max().unwrap_or(0);
                (
                    reach,
                    std::cmp::Reverse(errors.count()),
                    std::cmp::Reverse(i),
                )
            })
            .unwrap_or(0)
    }

    /// The members a schema requires, through `$ref` and `allOf`.
    fn required_names(&self, id: Id, depth: usize) -> Vec<&'p str> {
        let Schema::Rules(r) = self.plan.node(id) else {
            return Vec::new();
        };
        let mut names: Vec<&'p str> = r.required.iter().map(|n| &**n).collect();
        if depth < 8 {
            for &sub in r.reference.iter().chain(&r.all_of) {
                names.extend(self.required_names(sub, depth + 1));
            }
        }
        names
    }

    /// Whether a branch has a property whose `const` (or one-value `enum`) the payload matches.
    fn const_member_matches(&self, id: Id, members: &[parse::Member<'_>]) -> bool {
        let Schema::Rules(r) = self.plan.node(id) else {
            return false;
        };
        r.properties.iter().any(|(name, child)| {
            let Schema::Rules(c) = self.plan.node(*child) else {
                return false;
            };
            let value = match (&c.constant, &c.enumeration) {
                (Some(v), _) => v,
                (None, Some(values)) if values.len() == 1 => &values[0],
                _ => return false,
            };
            members
                .iter()
                .any(|m| m.key == **name && equals(&m.value, value, self.payload))
        })
    }

    /// A failed `not`. When it forbids members (`not: {required: […]}`, or an `anyOf` of such),
    /// each one present is reported at its name; otherwise the value as a whole.
    #[cold]
    #[inline(never)]
    fn forbidden(
        &mut self,
        node: &Node<'p>,
        r: &Rules,
        sub: Id,
        out: &mut Vec<Pending>,
        listed: &mut Listed<'p>,
    ) {
        let names = self.forbidden_names(sub);
        let Value::Object(members) = &node.value else {
            return self.not_matched(node, r, out);
        };
        let present: Vec<&parse::Member<'_>> = members
            .iter()
            .filter(|m| names.iter().any(|n| *n == m.key))
            .collect();
        if names.is_empty() || present.is_empty() {
            return self.not_matched(node, r, out);
        }
        let policy = self.settings.policy;
        for m in present {
            let key: &str = &m.key;
            listed.names.extend(names.iter().filter(|n| **n == key));
            let other = policy.and_then(|p| {
                p.variants
                    .iter()
                    .enumerate()
                    .find(|(i, v)| Some(*i) != self.judged && v.members.iter().any(|n| n == key))
                    .map(|(_, v)| (p, v))
            });
            self.path.push_member(m);
            match (other, self.judged) {
                (Some((p, v)), Some(judged)) => {
                    let message = format!(
                        "{} must not carry {} `{key}`: {}",
                        p.variants[judged].judged, v.member_noun, p.exclusive
                    );
                    self.push(
                        out,
                        ViolationKind::AmbiguousResponse,
                        Some(r.at("not")),
                        m.key_start,
                        message,
                    );
                }
                _ => {
                    self.push(
                        out,
                        ViolationKind::Keyword {
                            keyword: "not".to_owned(),
                        },
                        Some(r.at("not")),
                        m.key_start,
                        format!("the member `{key}` must not be present here (`not`)"),
                    );
                }
            }
            self.path.pop();
        }
    }

    fn not_matched(&mut self, node: &Node<'p>, r: &Rules, out: &mut Vec<Pending>) {
        let found = self.found(node);
        self.keyword_error(
            out,
            r,
            "not",
            node,
            format!("matches the schema under `not`, which it must not: found {found}"),
        );
    }

    /// The members a `not` subschema is about, when it only requires members.
    fn forbidden_names(&self, id: Id) -> Vec<&'p str> {
        self.forbidden_names_within(id, 0)
    }

    fn forbidden_names_within(&self, id: Id, depth: usize) -> Vec<&'p str> {
        let Schema::Rules(r) = self.plan.node(id) else {
            return Vec::new();
        };
        let mut names: Vec<&'p str> = r.required.iter().map(|n| &**n).collect();
        if depth < 8 {
            for &sub in r.any_of.iter().chain(&r.one_of).chain(&r.reference) {
                names.extend(self.forbidden_names_within(sub, depth + 1));
            }
        }
        names
    }

    /// A subschema the engine evaluates: the located value is handed over, and each finding
    /// comes back located at its node (or, failing that, the nearest located ancestor).
    ///
    /// Out of line: its values and findings would otherwise widen the frame of every level of
    /// the recursive check.
    #[inline(never)]
    fn engine(&mut self, node: &Node<'p>, index: usize, out: &mut Vec<Pending>) -> bool {
        let fallback = &self.plan.engines[index];
        let mut unrepresentable = Vec::new();
        let value = to_value(
            node,
            self.payload,
            &mut Pointer::default(),
            &mut unrepresentable,
        );
        if !unrepresentable.is_empty() {
            for (at, offset) in unrepresentable {
                out.push(Pending {
                    severity: Severity::Error,
                    kind: ViolationKind::NumberOutOfRange,
                    pointer: format!("{}{at}", self.path.render()),
                    keyword: None,
                    offset,
                    message: "a number beyond the range of a 64-bit float, which this part of the schema cannot judge".to_owned(),
                });
            }
            return false;
        }
        if fallback.is_valid(&value) {
            return true;
        }
        let findings = fallback.findings(&value);
        if findings.is_empty() {
            // The engine said invalid but gave no reason: still a finding, never a pass.
            self.push(
                out,
                ViolationKind::Keyword {
                    keyword: "schema".to_owned(),
                },
                None,
                node.start,
                "does not match its schema".to_owned(),
            );
            return false;
        }
        for f in findings {
            let target = nearest(node, &f.pointer);
            let pointer = format!("{}{}", self.path.render(), f.pointer);
            let keyword = Some(f.keyword_location);
            use super::engine::What;
            match f.what {
                What::Type(expected) => {
                    let mut message = String::new();
                    expected_into(&mut message, &expected);
                    self.found_after(&mut message, target);
                    out.push(Pending {
                        severity: Severity::Error,
                        kind: ViolationKind::TypeMismatch {
                            expected,
                            found: type_of(target),
                        },
                        pointer,
                        keyword,
                        offset: target.start,
                        message,
                    });
                }
                What::Required(name) => out.push(Pending {
                    severity: Severity::Error,
                    message: format!("the required member `{name}` is missing"),
                    kind: ViolationKind::MissingMember { name: name.clone() },
                    pointer: pointer::child(&pointer, &name),
                    keyword,
                    offset: target.start,
                }),
                What::NotAllowed(names) => {
                    for name in names {
                        let offset = match &target.value {
                            Value::Object(members) => members
                                .iter()
                                .rev()
                                .find(|m| m.key == name)
                                .map_or(target.start, |m| m.key_start),
                            _ => target.start,
                        };
                        out.push(Pending {
                            severity: Severity::Error,
                            message: format!(
                                "a member the schema does not allow (`{}`)",
                                f.keyword
                            ),
                            kind: ViolationKind::UnknownMember { name: name.clone() },
                            pointer: pointer::child(&pointer, &name),
                            keyword: keyword.clone(),
                            offset,
                        });
                    }
                }
                What::ItemsNotAllowed => out.push(Pending {
                    severity: Severity::Error,
                    message: format!("holds items the schema does not allow (`{}`)", f.keyword),
                    kind: ViolationKind::Keyword { keyword: f.keyword },
                    pointer,
                    keyword,
                    offset: target.start,
                }),
                What::Keyword => {
                    let found = self.found(target);
                    out.push(Pending {
                        severity: Severity::Error,
                        message: format!("fails `{}`: found {found}", f.keyword),
                        kind: ViolationKind::Keyword { keyword: f.keyword },
                        pointer,
                        keyword,
                        offset: target.start,
                    });
                }
            }
        }
        false
    }
}

fn type_list(set: u8) -> Vec<JsonType> {
    let mut out = Vec::with_capacity(set.count_ones() as usize);
    for (bit, t) in [
        (types::OBJECT, JsonType::Object),
        (types::ARRAY, JsonType::Array),
        (types::STRING, JsonType::String),
        (types::NUMBER, JsonType::Number),
        (types::INTEGER, JsonType::Integer),
        (types::BOOLEAN, JsonType::Boolean),
        (types::NULL, JsonType::Null),
    ] {
        if set & bit != 0 {
            out.push(t);
        }
    }
    out
}

/// Whether a number's text (already known to be a JSON number) is an integer: one without a
/// fraction or an exponent is, at once; others (`1.0`, `1e3`) are read exactly.
#[inline]
pub(crate) fn is_integer(text: &[u8]) -> bool {
    !text.iter().any(|&b| matches!(b, b'.' | b'e' | b'E')) || number::is_integer(text)
}

/// Whether the node's type is in the set (`integer`: a number with no fractional part).
pub(crate) fn has_type(set: u8, node: &Node<'_>, payload: &[u8]) -> bool {
    let bit = match node.value {
        Value::Null => types::NULL,
        Value::Bool(_) => types::BOOLEAN,
        Value::String(_) => types::STRING,
        Value::Array(_) => types::ARRAY,
        Value::Object(_) => types::OBJECT,
        Value::Number => {
            return set & types::NUMBER != 0
                || (set & types::INTEGER != 0 && is_integer(&payload[node.start..node.end]));
        }
    };
    set & bit != 0
}

/// JSON equality of a payload value and a schema value: numbers by value (`1.0` equals `1`),
/// objects regardless of member order (with duplicates, the last copy, as serde_json keeps).
fn equals(node: &Node<'_>, value: &serde_json::Value, payload: &[u8]) -> bool {
    use serde_json::Value as J;
    match (&node.value, value) {
        (Value::Null, J::Null) => true,
        (Value::Bool(a), J::Bool(b)) => a == b,
        (Value::String(a), J::String(b)) => a == b,
        (Value::Number, J::Number(n)) => {
            number::equal(&payload[node.start..node.end], n.to_string().as_bytes())
        }
        (Value::Array(items), J::Array(values)) => {
            items.len() == values.len()
                && items.iter().zip(values).all(|(i, v)| equals(i, v, payload))
        }
        (Value::Object(members), J::Object(map)) => {
            let mut distinct = 0;
            for (i, m) in members.iter().enumerate() {
                if members[i + 1..].iter().any(|later| later.key == m.key) {
                    continue;
                }
                distinct += 1;
                match map.get(&*m.key) {
                    Some(v) if equals(&m.value, v, payload) => {}
                    _ => return false,
                }
            }
            distinct == map.len()
        }
        _ => false,
    }
}

/// Equality of two payload values, as `uniqueItems` compares them.
fn same(a: &Node<'_>, b: &Node<'_>, payload: &[u8]) -> bool {
    match (&a.value, &b.value) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Number, Value::Number) => {
            number::equal(&payload[a.start..a.end], &payload[b.start..b.end])
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q, payload))
        }
        (Value::Object(x), Value::Object(y)) => {
            let last = |ms: &'_ [parse::Member<'_>], i: usize| {
                !ms[i + 1..].iter().any(|later| later.key == ms[i].key)
            };
            let xs: Vec<usize> = (0..x.len()).filter(|&i| last(x, i)).collect();
            let ys: Vec<usize> = (0..y.len()).filter(|&i| last(y, i)).collect();
            xs.len() == ys.len()
                && xs.iter().all(|&i| {
                    ys.iter()
                        .any(|&j| y[j].key == x[i].key && same(&x[i].value, &y[j].value, payload))
                })
        }
        _ => false,
    }
}

/// A hash that equal values share (numbers by their approximate value), so that repeats are
/// found in linear time and compared exactly only within a bucket.
fn bucket(node: &Node<'_>, payload: &[u8], h: &mut impl Hasher) {
    match &node.value {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => (1u8, b).hash(h),
        Value::String(s) => (2u8, &**s).hash(h),
        Value::Number => {
            let approx: f64 = std::str::from_utf8(&payload[node.start..node.end])
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0.0);
            // -0.0 and 0.0 are the same number.
            (3u8, (approx + 0.0).to_bits()).hash(h);
        }
        Value::Array(items) => {
            (4u8, items.len()).hash(h);
            for item in items {
                bucket(item, payload, h);
            }
        }
        Value::Object(members) => {
            // Order-independent: combine member hashes commutatively.
            let mut sum = 0u64;
            for m in members {
                let mut inner = std::collections::hash_map::DefaultHasher::new();
                (*m.key).hash(&mut inner);
                bucket(&m.value, payload, &mut inner);
                sum = sum.wrapping_add(inner.finish());
            }
            (5u8, sum).hash(h);
        }
    }
}

/// The first item equal to an earlier one: (earlier index, its index).
fn first_repeat(items: &[Node<'_>], payload: &[u8]) -> Option<(usize, usize)> {
    let mut seen: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        bucket(item, payload, &mut h);
        let slot = seen.entry(h.finish()).or_default();
        if let Some(&earlier) = slot.iter().find(|&&j| same(&items[j], item, payload)) {
            return Some((earlier, i));
        }
        slot.push(i);
    }
    None
}

/// The node a relative pointer names, or the nearest located ancestor (with duplicates, the
/// last copy, the one the engine saw): a finding is never dropped for want of a location.
fn nearest<'t, 'a>(root: &'t Node<'a>, pointer: &str) -> &'t Node<'a> {
    let mut node = root;
    for segment in pointer::segments(pointer) {
        let next = match &node.value {
            Value::Object(members) => members
                .iter()
                .rev()
                .find(|m| m.key == segment)
                .map(|m| &m.value),
            Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    node
}

/// One step from the root to the value being checked: kept borrowed (a member name as its byte
/// span in the payload, a name from the plan, an index) and written out as an escaped JSON
/// Pointer only when a finding needs it, so a clean or quiet check builds no pointer strings.
#[derive(Debug, Clone, Copy)]
enum Segment<'p> {
    /// A member name without escapes, borrowed from the payload, or a name from the plan
    /// (`required`, `dependentRequired`).
    Name(&'p str),
    /// A member name the parser decoded (escapes, replaced bytes): its copy in `Path::decoded`.
    Decoded(usize),
    Index(usize),
}

/// Segments kept in place: deeper paths are rare, and spill into `Path::more`.
const SEGMENTS_IN_PLACE: usize = 8;

#[derive(Debug)]
struct Path<'p> {
    /// The first segments in place, so that walking a payload allocates nothing for its path.
    few: [Segment<'p>; SEGMENTS_IN_PLACE],
    len: usize,
    more: Vec<Segment<'p>>,
    /// Copies of decoded member names (seldom any), which the tree does not lend for `'p`.
    decoded: Vec<Box<str>>,
}

impl<'p> Path<'p> {
    fn new() -> Self {
        Path {
            few: [Segment::Index(0); SEGMENTS_IN_PLACE],
            len: 0,
            more: Vec::new(),
            decoded: Vec::new(),
        }
    }

    #[inline(always)]
    fn push(&mut self, segment: Segment<'p>) {
        match self.few.get_mut(self.len) {
            Some(slot) => *slot = segment,
            None => self.more.push(segment),
        }
        self.len += 1;
    }

    #[inline(always)]
    fn push_member(&mut self, m: &parse::Member<'p>) {
        let segment = match &m.key {
            Cow::Borrowed(key) => Segment::Name(key),
            Cow::Owned(key) => self.decoded(key),
        };
        self.push(segment);
    }

    #[cold]
    fn decoded(&mut self, key: &str) -> Segment<'p> {
        self.decoded.push(key.into());
        Segment::Decoded(self.decoded.len() - 1)
    }

    fn push_name(&mut self, name: &'p str) {
        self.push(Segment::Name(name));
    }

    fn push_index(&mut self, index: usize) {
        self.push(Segment::Index(index));
    }

    #[inline(always)]
    fn pop(&mut self) {
        self.len -= 1;
        let popped = if self.len >= SEGMENTS_IN_PLACE {
            self.more.pop()
        } else {
            self.few.get(self.len).copied()
        };
        if let Some(Segment::Decoded(_)) = popped {
            self.decoded.pop();
        }
    }

    /// The JSON Pointer, escaped per RFC 6901.
    #[cold]
    fn render(&self) -> String {
        let mut out = String::with_capacity(self.len * 12);
        let segments = self.few[..self.len.min(SEGMENTS_IN_PLACE)]
            .iter()
            .chain(&self.more);
        for segment in segments {
            out.push('/');
            match *segment {
                Segment::Name(key) => pointer::escape_into(&mut out, key),
                Segment::Decoded(i) => pointer::escape_into(&mut out, &self.decoded[i]),
                Segment::Index(index) => push_decimal(&mut out, index),
            }
        }
        out
    }
}

/// `n` in decimal, without the formatting machinery (a pointer often holds an index).
fn push_decimal(out: &mut String, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[start..].iter().map(|&d| char::from(d)));
}

/// The located tree as the engine's value; duplicate members keep the last copy, as serde_json
/// does. Numbers a 64-bit float cannot hold are listed in `bad` (pointer, offset).
fn to_value(
    node: &Node,
    payload: &[u8],
    at: &mut Pointer,
    bad: &mut Vec<(String, usize)>,
) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number => {
            match serde_json::from_slice::<serde_json::Number>(&payload[node.start..node.end]) {
                Ok(n) => J::Number(n),
                Err(_) => {
                    bad.push((at.as_str().to_owned(), node.start));
                    J::Null
                }
            }
        }
        Value::String(s) => J::String(s.to_string()),
        Value::Array(items) => J::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    at.push_index(i);
                    let v = to_value(item, payload, at, bad);
                    at.pop();
                    v
                })
                .collect(),
        ),
        Value::Object(members) => {
            let mut map = serde_json::Map::with_capacity(members.len());
            for m in members {
                at.push_key(&m.key);
                let v = to_value(&m.value, payload, at, bad);
                at.pop();
                map.insert(m.key.to_string(), v);
            }
            J::Object(map)
        }
    }
}
