//! The fast verdict: one pass over the raw bytes, driven by the plan, with no tree, no position
//! and, for ordinary payloads, no allocation.
//!
//! Each value is scanned against a small set of schemas at once. A schema is precompiled into a
//! [`Layout`]: the schema objects whose own keywords apply to the same value (the schema itself
//! and, through `$ref`, `allOf`, `anyOf`, `oneOf`, `not` and `if`, its in-place subschemas), a
//! boolean formula that combines their results, and one table of the member names they mention.
//! A member's value is scanned once, against the union of the child schemas that every entry
//! names for it, and the results are mapped back.
//!
//! The answer is [`Verdict::Clean`] only where the full check would find nothing at all,
//! [`Verdict::Invalid`] only where it must find an error, [`Verdict::Valid`] where it would find
//! warnings only, and [`Verdict::Unsure`] wherever this pass does not decide (an escaped member
//! name, a subschema left to the engine, `uniqueItems` over several items, an unlisted member
//! whose warning depends on which branch passes, …): then the full check, the authority,
//! decides. `tests/fast_path_agreement*.rs` check that the two never disagree.
//!
//! The small helpers on the recursive path are inlined only when optimised
//! (`cfg_attr(not(debug_assertions), inline(always))`): unoptimised code keeps a stack slot for
//! every local of every inlined copy, and at the depth ceiling (256 levels) the scan's frames
//! outgrew a 2 MiB thread stack (over 9 KiB a level; 2.7 KiB with the helpers as calls).

use super::check::{Judgement, Policy, Settings};
use super::{Id, Plan, Rules, Schema, format, number, types};
use crate::parse::{plain_run, same_bytes, string_stops};
use crate::report::Variant;

mod shape;
pub(crate) use shape::Shapes;

/// The fast pass's answer; see the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Clean(Option<Variant>),
    Valid,
    Invalid,
    Unsure,
}

/// Why a scan stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// The full check must find an error (syntax, a duplicate member, a limit, …).
    Invalid,
    /// Only the full check can tell.
    Unsure,
    /// The value fails a schema whose failure fails the whole payload (see [`Layout::decisive`]):
    /// as good as `Invalid`, except at a contract's root, where it holds only if the guessed
    /// variant is the one judged.
    Fails,
}

type Step<T> = Result<T, Stop>;

/// Most entries one value is scanned against (a bit each in a `u64`).
const MAX_ENTRIES: usize = 64;
/// Most schemas in one set (a bit each in a `u32`).
const MAX_SET: usize = 32;

/// How the results of a layout's entries combine into the schema's result.
#[derive(Debug)]
enum Formula {
    True,
    False,
    Own(u8),
    And(Vec<Formula>),
    Or(Vec<Formula>),
    One(Vec<Formula>),
    Not(Box<Formula>),
    If(Box<Formula>, Box<Formula>, Box<Formula>),
}

impl Formula {
    /// `fail`: bit `e` set when entry `e`'s own keywords failed.
    fn holds(&self, fail: u64) -> bool {
        match self {
            Formula::True => true,
            Formula::False => false,
            Formula::Own(e) => fail >> e & 1 == 0,
            Formula::And(parts) => parts.iter().all(|p| p.holds(fail)),
            Formula::Or(parts) => parts.iter().any(|p| p.holds(fail)),
            Formula::One(parts) => parts.iter().filter(|p| p.holds(fail)).count() == 1,
            Formula::Not(inner) => !inner.holds(fail),
            Formula::If(c, t, e) => {
                if c.holds(fail) {
                    t.holds(fail)
                } else {
                    e.holds(fail)
                }
            }
        }
    }
}

/// A member name some entry of a layout mentions.
#[derive(Debug)]
struct Key {
    name: Box<str>,
    /// (entry, child schema) for each entry whose `properties` names it.
    children: Vec<(u8, Id)>,
    /// Required bits this name satisfies.
    required: u64,
    /// Some unconditional entry lists it.
    listed: bool,
    /// In a [`Layout::single`] layout: its value's schema (its one child, else `additional`'s).
    member: Option<Member>,
    /// In a contract variant's layout ([`Layout::marked`]): the variants this name marks, so
    /// that a root member is not looked up again among the policy's names.
    marks: u32,
}

/// What [`Scanner::object_single`] needs to scan a member's value, in the key itself: no
/// child list and no child layout to reach for the common member.
#[derive(Debug, Clone, Copy)]
struct Member {
    /// The entry whose child it is.
    e: u8,
    id: Id,
    /// Whether the entry is decisive (see [`Layout::decisive`]).
    decisive: bool,
    /// The child layout's `leaf_formatless` and `leaf` ([`NO_LEAF`] for `None`), by whether
    /// formats are asserted.
    leaf: [u8; 2],
}

/// Up to this many keys, a name is looked up by comparing it with each key in turn rather than
/// through [`Layout::table`]. Payloads of one API list their members in the same order, so the
/// processor predicts which comparison succeeds, and the key's index is a loop count, known
/// before the name is read; through the table, the index waits on the name's word, its hash and
/// a load of the slot. `perf` put the object loop's time on that chain, and the verdicts were
/// 5–9% faster without it (Order ID, job status, the user schema of `benches/verdict.rs`).
const LINEAR_KEYS: usize = 16;

/// No `leaf` (types are bits below 0x80).
const NO_LEAF: u8 = 0xFF;

/// A schema, precompiled for the scan.
#[derive(Debug)]
pub(crate) struct Layout {
    /// A keyword this pass does not decide is reachable on the same value.
    unsure: bool,
    entries: Vec<Id>,
    /// The entries' rules, in the same order.
    rules: Vec<std::sync::Arc<Rules>>,
    /// One entry whose own result is the schema's (no formula to evaluate).
    simple: bool,
    /// Entries (bits) whose own failure fails the schema: those the formula joins by `and`
    /// only. A value that fails a schema which must hold stops the scan at once.
    decisive: u64,
    /// The formula as a conjunction of entries that must pass and entries that must fail, when
    /// it is one (`allOf`, `$ref`, `not` of `required`, `not` of an `anyOf`, …): judged by two
    /// masks instead of a walk of the tree.
    conjunction: Option<(u64, u64)>,
    /// A schema whose only assertion is `type` (this set; `None` otherwise): a scalar is
    /// judged by its first byte.
    leaf: Option<u8>,
    /// `leaf` when `format` is only an annotation (formats not asserted).
    leaf_formatless: Option<u8>,
    formula: Formula,
    keys: Vec<Key>,
    /// Per entry: the required bits it needs.
    required_of: Vec<u64>,
    /// Per entry: whether it has `patternProperties` or `additionalProperties`.
    open: Vec<bool>,
    /// Some unconditional entry has `properties`.
    named: bool,
    /// Some unconditional entry decides other members itself.
    decides_others: bool,
    /// Some conditional entry lists or decides members: which members end up "listed" depends
    /// on which branches pass.
    conditional_listing: bool,
    /// Some entry has `patternProperties` or `additionalProperties`.
    any_open: bool,
    /// Some entry looks into a string's text (`enum`, `const`, lengths, `pattern`, `format`).
    string_content: bool,
    /// Alone in a set, an object is scanned by [`Scanner::object_single`]: each name has at
    /// most one child schema, and other names at most `additional`'s.
    single: bool,
    /// One schema object with no in-place subschemas, decided by this pass: a member's scalar
    /// is judged against its rules directly (see [`Scanner::child`]), with none of
    /// [`Scanner::one`]'s set handling.
    scalar: bool,
    /// The one entry with `additionalProperties` (and no `patternProperties`) and that schema.
    additional: Option<(u8, Id)>,
    /// `additional` as a [`Member`].
    additional_member: Option<Member>,
    /// Per key (same order as `keys`): its first eight bytes as a little-endian word (zero
    /// padded) and its length. A name is matched by one word and one length comparison per key
    /// instead of a byte loop, and only names longer than eight bytes compare their rest.
    heads: Vec<(u64, usize)>,
    /// An open-addressing table over `keys` by (head, length), a power of two at most half
    /// full: each slot is a key's index plus one, or 0 when empty. Built from the schema's
    /// names only, so no payload can make its probes long. Empty for at most [`LINEAR_KEYS`]
    /// keys, which are compared in turn.
    table: Vec<u32>,
    /// `64 - log2(table.len())`: the hash's top bits pick the first slot.
    shift: u32,
    /// Some entry has `enum` or `const`: a container is left to the full check.
    container_unsure: bool,
    /// Entries (bits) whose `type` excludes objects, and arrays.
    not_object: u64,
    not_array: u64,
    /// Some entry has `minProperties` or `maxProperties`.
    counts_properties: bool,
    /// The keys' `marks` are filled in (see [`mark_keys`]).
    marked: bool,
    /// Per entry: `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` as `i64` where
    /// the bound is a plain integer, so that an integer payload compares without parsing.
    small_bounds: Vec<[Option<i64>; 4]>,
    /// A [`Layout::scalar`] layout whose only number keywords are bounds that are plain
    /// integers (no `enum`, `const` or `multipleOf`), and whose `type` admits integers: the
    /// range, bounds included, that a plain integer of at most 18 digits must lie in. Such a
    /// number is then judged by two comparisons, with no bound read from its text.
    integers: Option<(i64, i64)>,
    /// A [`Layout::scalar`] layout whose `type` admits strings and whose only string keywords
    /// are lengths and a `pattern` (no `enum` or `const`), by whether formats are asserted (a
    /// `format` then counts too): a string without escapes is judged on its bytes as they
    /// are, by those keywords only.
    text_only: [bool; 2],
}

impl Layout {
    /// The index in `keys` of a member name whose first eight bytes (zero padded) are `head`:
    /// by comparisons in turn for a few keys (see [`LINEAR_KEYS`]), else through `table`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn find(&self, name: &[u8], head: u64) -> Option<usize> {
        if self.heads.len() <= LINEAR_KEYS {
            for (i, &(h, len)) in self.heads.iter().enumerate() {
                if h == head
                    && len == name.len()
                    && (len <= 8 || same_bytes(&self.keys[i].name.as_bytes()[8..], &name[8..]))
                {
                    return Some(i);
                }
            }
            return None;
        }
        let mask = self.table.len() - 1;
        let mut at = slot(head, name.len(), self.shift);
        loop {
            let i = (self.table[at] as usize).checked_sub(1)?;
            let (h, len) = self.heads[i];
            if h == head
                && len == name.len()
                && (len <= 8 || same_bytes(&self.keys[i].name.as_bytes()[8..], &name[8..]))
            {
                return Some(i);
            }
            at = (at + 1) & mask;
        }
    }

    #[inline]
    fn key(&self, name: &[u8]) -> Option<&Key> {
        self.find(name, head_of(name)).map(|i| &self.keys[i])
    }

    /// Whether the formula holds, from the entries' failures.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn holds(&self, own: u64) -> bool {
        if self.simple {
            own & 1 == 0
        } else if let Some((pass, fail)) = self.conjunction {
            own & pass == 0 && own & fail == fail
        } else {
            self.formula.holds(own)
        }
    }
}

/// The first slot of a name in [`Layout::table`] (a multiplicative hash's top bits).
#[cfg_attr(not(debug_assertions), inline(always))]
fn slot(head: u64, len: usize, shift: u32) -> usize {
    (head
        .wrapping_add(len as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        >> shift) as usize
}

/// The plain run of a name starting at `bytes[start]` (see [`plain_run`]) and its
/// first eight bytes as a word (zero padded). Most names are plain ASCII of at most 15 bytes:
/// two words tell both the head and where the name ends, with no loop.
#[cfg_attr(not(debug_assertions), inline(always))]
fn plain_name(bytes: &[u8], start: usize) -> (usize, u64) {
    let word_at = |at: usize| {
        bytes
            .get(at..at + 8)
            .map(|chunk| u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])))
    };
    match word_at(start) {
        Some(word) => {
            let stops = string_stops(word);
            if stops != 0 {
                let len = (stops.trailing_zeros() / 8) as usize;
                (len, word & ((1u64 << (8 * len)) - 1))
            } else if bytes.get(start + 8) == Some(&b'"') {
                // Exactly eight bytes (`order_id`): one byte tells.
                (8, word)
            } else if let Some(second) = word_at(start + 8)
                && string_stops(second) != 0
            {
                (
                    8 + (string_stops(second).trailing_zeros() / 8) as usize,
                    word,
                )
            } else {
                (8 + plain_run(&bytes[start + 8..]), word)
            }
        }
        None => {
            let len = plain_run(&bytes[start..]);
            (len, head_of(&bytes[start..start + len]))
        }
    }
}

/// [`plain_run`] two words per step: one branch per sixteen bytes, on the scan's longest
/// loop (identifiers, timestamps, messages).
#[cfg_attr(not(debug_assertions), inline(always))]
fn value_run(bytes: &[u8]) -> usize {
    let word = |s: &[u8]| u64::from_le_bytes(s.try_into().unwrap_or([0; 8]));
    let mut chunks = bytes.chunks_exact(16);
    let mut run = 0;
    for chunk in &mut chunks {
        let (a, b) = (
            string_stops(word(&chunk[..8])),
            string_stops(word(&chunk[8..])),
        );
        // A spurious bit only ever sits above a real stop in its own word (see
        // `string_stops`), so `a != 0` means the run ends in the first word.
        if a | b != 0 {
            return run
                + if a != 0 {
                    (a.trailing_zeros() / 8) as usize
                } else {
                    8 + (b.trailing_zeros() / 8) as usize
                };
        }
        run += 16;
    }
    run + plain_run(chunks.remainder())
}

/// The first eight bytes of a name as a little-endian word, zero padded.
#[cfg_attr(not(debug_assertions), inline(always))]
fn head_of(name: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    let n = name.len().min(8);
    word[..n].copy_from_slice(&name[..n]);
    u64::from_le_bytes(word)
}

/// Precompiles every node of a plan.
pub(crate) fn layouts(nodes: &[Schema]) -> Vec<Layout> {
    let mut all: Vec<Layout> = (0..nodes.len()).map(|id| layout(nodes, id as Id)).collect();
    let leaves: Vec<[u8; 2]> = all
        .iter()
        .map(|l| {
            [
                l.leaf_formatless.unwrap_or(NO_LEAF),
                l.leaf.unwrap_or(NO_LEAF),
            ]
        })
        .collect();
    for layout in &mut all {
        let members = layout.keys.iter_mut().filter_map(|k| k.member.as_mut());
        for m in members.chain(layout.additional_member.as_mut()) {
            m.leaf = leaves[m.id as usize];
        }
    }
    all
}

fn layout(nodes: &[Schema], id: Id) -> Layout {
    let id = through_refs(nodes, id);
    let mut entries = Vec::new();
    let mut unconditional = 0u64;
    let mut unsure = false;
    let formula = expand(
        nodes,
        id,
        true,
        &mut entries,
        &mut unconditional,
        &mut unsure,
    );
    let rules = entries
        .iter()
        .filter_map(|&e| match &nodes[e as usize] {
            Schema::Rules(r) => Some(std::sync::Arc::clone(r)),
            _ => None,
        })
        .collect();
    let simple = matches!(formula, Formula::Own(0));
    let decisive = decisive(&formula);
    // Entries with no keyword of their own (a `not` or `if` that only applies others) never
    // fail: as `true` they leave more formulas a plain conjunction.
    let trivial =
        entries
            .iter()
            .enumerate()
            .fold(0u64, |bits, (e, &id)| match &nodes[id as usize] {
                Schema::Rules(r) if r.types.is_none() && type_only(r) => bits | 1 << e,
                _ => bits,
            });
    let conjunction = conjunction(&formula, true, trivial);
    let leaf = match (&formula, &nodes[id as usize]) {
        (Formula::True, _) if !unsure => Some(0x7F),
        (Formula::Own(0), Schema::Rules(r)) if entries.len() == 1 && type_only(r) => {
            Some(r.types.unwrap_or(0x7F))
        }
        _ => None,
    };
    let leaf_formatless = match (&formula, &nodes[id as usize]) {
        (Formula::Own(0), Schema::Rules(r)) if entries.len() == 1 && type_only_but_format(r) => {
            Some(r.types.unwrap_or(0x7F))
        }
        _ => leaf,
    };
    let mut layout = Layout {
        unsure,
        leaf_formatless,
        rules,
        simple,
        decisive,
        conjunction,
        leaf,
        required_of: vec![0; entries.len()],
        open: vec![false; entries.len()],
        entries,
        formula,
        keys: Vec::new(),
        named: false,
        decides_others: false,
        conditional_listing: false,
        any_open: false,
        string_content: false,
        single: false,
        scalar: false,
        additional: None,
        additional_member: None,
        heads: Vec::new(),
        table: Vec::new(),
        shift: 0,
        container_unsure: false,
        not_object: 0,
        not_array: 0,
        counts_properties: false,
        marked: false,
        small_bounds: Vec::new(),
        integers: None,
        text_only: [false; 2],
    };
    if layout.unsure {
        return layout;
    }
    for (e, r) in layout.rules.iter().enumerate() {
        layout.container_unsure |= r.enumeration.is_some() || r.constant.is_some();
        if r.types.is_some_and(|t| t & types::OBJECT == 0) {
            layout.not_object |= 1 << e;
        }
        if r.types.is_some_and(|t| t & types::ARRAY == 0) {
            layout.not_array |= 1 << e;
        }
        layout.counts_properties |= r.min_properties.is_some() || r.max_properties.is_some();
        let small =
            |b: &Option<Box<number::Bound>>| b.as_ref().and_then(|b| b.as_str().parse().ok());
        layout.small_bounds.push([
            small(&r.minimum),
            small(&r.maximum),
            small(&r.exclusive_minimum),
            small(&r.exclusive_maximum),
        ]);
    }
    let mut next_bit = 0u32;
    for (e, &entry) in layout.entries.iter().enumerate() {
        let Schema::Rules(r) = &nodes[entry as usize] else {
            continue;
        };
        let uncond = unconditional >> e & 1 == 1;
        let lists = !r.properties.is_empty() || r.is_open_ended();
        if uncond {
            layout.named |= !r.properties.is_empty();
            layout.decides_others |= r.is_open_ended();
        } else {
            layout.conditional_listing |= lists;
        }
        layout.open[e] = r.is_open_ended();
        layout.any_open |= r.is_open_ended();
        layout.string_content |= r.enumeration.is_some()
            || r.constant.is_some()
            || r.min_length.is_some()
            || r.max_length.is_some()
            || r.pattern.is_some()
            || r.format.is_some();
        if !r.dependent_required.is_empty()
            || !r.dependent_schemas.is_empty()
            || r.property_names.is_some()
            || !r.write_only.is_empty()
            || r.discriminator.is_some()
        {
            layout.unsure = true;
        }
        for (name, child) in &r.properties {
            let key = key_of(&mut layout.keys, name);
            key.children.push((e as u8, *child));
            key.listed |= uncond;
        }
        for name in &r.required {
            if next_bit == 64 {
                layout.unsure = true;
                break;
            }
            let bit = 1u64 << next_bit;
            next_bit += 1;
            key_of(&mut layout.keys, name).required |= bit;
            layout.required_of[e] |= bit;
        }
    }
    // One open entry is allowed when it only has `additionalProperties` and names every child
    // itself: then a name's child is its own, or else the additional schema.
    let open: Vec<usize> = (0..layout.open.len()).filter(|&e| layout.open[e]).collect();
    layout.additional = match open[..] {
        [o] if layout.rules[o].pattern_properties.is_empty()
            && layout
                .keys
                .iter()
                .all(|k| k.children.iter().all(|&(e, _)| e as usize == o)) =>
        {
            layout.rules[o]
                .additional_properties
                .map(|id| (o as u8, id))
        }
        _ => None,
    };
    layout.single = (open.is_empty() || layout.additional.is_some())
        && layout.keys.iter().all(|k| k.children.len() <= 1);
    layout.scalar = layout.simple && !layout.unsure && layout.rules.len() == 1;
    if layout.scalar {
        let r = &layout.rules[0];
        layout.integers = integer_range(r, &layout.small_bounds[0]);
        let text_only = r.types.is_none_or(|t| t & types::STRING != 0)
            && r.enumeration.is_none()
            && r.constant.is_none();
        layout.text_only = [text_only, text_only && r.format.is_none()];
    }
    let decisive = layout.decisive;
    let member = |(e, id): (u8, Id)| Member {
        e,
        id,
        decisive: decisive >> e & 1 == 1,
        leaf: [NO_LEAF; 2],
    };
    layout.additional_member = layout.additional.map(member);
    for k in &mut layout.keys {
        k.member = k.children.first().copied().map(member);
    }
    layout.heads = layout
        .keys
        .iter()
        .map(|k| (head_of(k.name.as_bytes()), k.name.len()))
        .collect();
    if layout.keys.len() > LINEAR_KEYS {
        let size = (layout.keys.len() * 2).next_power_of_two();
        layout.shift = 64 - size.trailing_zeros();
        layout.table = vec![0; size];
        for (i, &(head, len)) in layout.heads.iter().enumerate() {
            let mut at = slot(head, len, layout.shift);
            while layout.table[at] != 0 {
                at = (at + 1) & (size - 1);
            }
            layout.table[at] = i as u32 + 1;
        }
    }
    layout
}

/// Fills in the keys' `marks` of each variant's layout: at a contract's root, every member is
/// looked up among the policy's discriminating names, and the layout's own lookup has already
/// found the name.
pub(crate) fn mark_keys(layouts: &mut [Layout], policy: &Policy) {
    for &schema in &policy.schemas {
        let layout = &mut layouts[schema as usize];
        for k in &mut layout.keys {
            k.marks = policy.marks_of(k.name.as_bytes());
        }
        layout.marked = true;
    }
}

/// The schema a chain of bare `$ref`s (schema objects with no other keyword the plan keeps)
/// ends at: such a schema holds exactly where its target does, and scanning the target alone
/// saves an entry, a formula and a call per value (`"origin": {"$ref": "#/$defs/address"}`).
/// A cycle of bare references, or a very long chain, is left as it is.
fn through_refs(nodes: &[Schema], id: Id) -> Id {
    let mut at = id;
    for _ in 0..16 {
        match &nodes[at as usize] {
            Schema::Rules(r) if is_bare_ref(r) => {
                at = r.reference.unwrap_or(at);
                if at == id {
                    return id;
                }
            }
            _ => return at,
        }
    }
    id
}

/// Whether a schema object's only keyword (of those the plan keeps) is `$ref`.
fn is_bare_ref(r: &Rules) -> bool {
    r.reference.is_some()
        && r.types.is_none()
        && type_only(r)
        && r.all_of.is_empty()
        && r.any_of.is_empty()
        && r.one_of.is_empty()
        && r.not.is_none()
        && r.condition.is_none()
        && r.write_only.is_empty()
        && r.discriminator.is_none()
}

/// The entries whose failure alone fails `formula`.
fn decisive(formula: &Formula) -> u64 {
    match formula {
        Formula::Own(e) => 1 << e,
        Formula::And(parts) => parts.iter().fold(0, |bits, p| bits | decisive(p)),
        _ => 0,
    }
}

/// `formula` (negated unless `positive`) as (entries that must pass, entries that must fail),
/// when it is a conjunction of such literals. Entries in `trivial` never fail.
fn conjunction(formula: &Formula, positive: bool, trivial: u64) -> Option<(u64, u64)> {
    let union = |parts: &[Formula], positive: bool| {
        parts.iter().try_fold((0, 0), |(pass, fail), p| {
            let (p_pass, p_fail) = conjunction(p, positive, trivial)?;
            Some((pass | p_pass, fail | p_fail))
        })
    };
    match (formula, positive) {
        (Formula::Own(e), _) if trivial >> e & 1 == 1 => positive.then_some((0, 0)),
        (Formula::Own(e), true) => Some((1 << e, 0)),
        (Formula::Own(e), false) => Some((0, 1 << e)),
        (Formula::True, true) | (Formula::False, false) => Some((0, 0)),
        (Formula::Not(inner), _) => conjunction(inner, !positive, trivial),
        // `and` of literals, and (De Morgan) the negation of an `or` of literals.
        (Formula::And(parts), true) | (Formula::Or(parts), false) => union(parts, positive),
        // The negation of an `and` whose parts but one always hold is that one's negation.
        (Formula::And(parts), false) => {
            let mut rest = parts.iter().filter(|p| !always(p, trivial));
            match (rest.next(), rest.next()) {
                (Some(only), None) => conjunction(only, false, trivial),
                _ => None,
            }
        }
        // An `or` of one part is that part.
        (Formula::Or(parts), true) if parts.len() == 1 => conjunction(&parts[0], true, trivial),
        _ => None,
    }
}

/// Whether `formula` holds whatever the entries' results (entries in `trivial` never fail).
fn always(formula: &Formula, trivial: u64) -> bool {
    match formula {
        Formula::True => true,
        Formula::Own(e) => trivial >> e & 1 == 1,
        Formula::And(parts) => parts.iter().all(|p| always(p, trivial)),
        _ => false,
    }
}

/// Whether `type` is the only assertion of a schema object.
fn type_only(r: &Rules) -> bool {
    r.format.is_none() && type_only_but_format(r)
}

/// [`Layout::integers`] of a scalar layout's one schema object, `bounds` its
/// [`Layout::small_bounds`].
fn integer_range(r: &Rules, bounds: &[Option<i64>; 4]) -> Option<(i64, i64)> {
    let admits = r
        .types
        .is_none_or(|t| t & (types::INTEGER | types::NUMBER) != 0);
    let small =
        |bound: &Option<Box<number::Bound>>, small: Option<i64>| bound.is_none() || small.is_some();
    if !admits
        || r.enumeration.is_some()
        || r.constant.is_some()
        || r.multiple_of.is_some()
        || !small(&r.minimum, bounds[0])
        || !small(&r.maximum, bounds[1])
        || !small(&r.exclusive_minimum, bounds[2])
        || !small(&r.exclusive_maximum, bounds[3])
    {
        return None;
    }
    // An exclusive bound at the end of `i64` saturates: no integer of 18 digits reaches it.
    let low = [bounds[0], bounds[2].map(|b| b.saturating_add(1))];
    let high = [bounds[1], bounds[3].map(|b| b.saturating_sub(1))];
    Some((
        low.into_iter().flatten().max().unwrap_or(i64::MIN),
        high.into_iter().flatten().min().unwrap_or(i64::MAX),
    ))
}

/// Whether `type` is the only assertion of a schema object but for `format` (an annotation
/// unless formats are asserted).
fn type_only_but_format(r: &Rules) -> bool {
    r.enumeration.is_none()
        && r.constant.is_none()
        && r.min_length.is_none()
        && r.max_length.is_none()
        && r.pattern.is_none()
        && r.minimum.is_none()
        && r.maximum.is_none()
        && r.exclusive_minimum.is_none()
        && r.exclusive_maximum.is_none()
        && r.multiple_of.is_none()
        && r.properties.is_empty()
        && r.pattern_properties.is_empty()
        && r.additional_properties.is_none()
        && r.property_names.is_none()
        && r.required.is_empty()
        && r.min_properties.is_none()
        && r.max_properties.is_none()
        && r.dependent_required.is_empty()
        && r.dependent_schemas.is_empty()
        && r.prefix_items.is_empty()
        && r.items.is_none()
        && r.contains.is_none()
        && r.min_items.is_none()
        && r.max_items.is_none()
        && !r.unique_items
}

fn key_of<'k>(keys: &'k mut Vec<Key>, name: &str) -> &'k mut Key {
    match keys.iter().position(|k| &*k.name == name) {
        Some(i) => &mut keys[i],
        None => {
            keys.push(Key {
                name: name.into(),
                children: Vec::new(),
                required: 0,
                listed: false,
                member: None,
                marks: 0,
            });
            let last = keys.len() - 1;
            &mut keys[last]
        }
    }
}

fn expand(
    nodes: &[Schema],
    id: Id,
    uncond: bool,
    entries: &mut Vec<Id>,
    unconditional: &mut u64,
    unsure: &mut bool,
) -> Formula {
    match &nodes[id as usize] {
        Schema::Any => Formula::True,
        Schema::Never(_) => Formula::False,
        Schema::Engine(_) => {
            *unsure = true;
            Formula::True
        }
        Schema::Rules(r) => {
            if entries.len() == MAX_ENTRIES || *unsure {
                *unsure = true;
                return Formula::True;
            }
            let e = entries.len();
            entries.push(id);
            if uncond {
                *unconditional |= 1 << e;
            }
            let mut parts = vec![Formula::Own(e as u8)];
            let mut sub =
                |id: Id, uncond: bool| expand(nodes, id, uncond, entries, unconditional, unsure);
            if let Some(target) = r.reference {
                parts.push(sub(target, uncond));
            }
            for &s in &r.all_of {
                parts.push(sub(s, uncond));
            }
            if !r.any_of.is_empty() {
                parts.push(Formula::Or(
                    r.any_of.iter().map(|&s| sub(s, false)).collect(),
                ));
            }
            if !r.one_of.is_empty() {
                parts.push(Formula::One(
                    r.one_of.iter().map(|&s| sub(s, false)).collect(),
                ));
            }
            if let Some(s) = r.not {
                parts.push(Formula::Not(Box::new(sub(s, false))));
            }
            if let Some((c, t, o)) = r.condition {
                let c = sub(c, false);
                let t = t.map_or(Formula::True, |t| sub(t, false));
                let o = o.map_or(Formula::True, |o| sub(o, false));
                parts.push(Formula::If(Box::new(c), Box::new(t), Box::new(o)));
            }
            if parts.len() == 1 {
                parts.pop().unwrap_or(Formula::True)
            } else {
                Formula::And(parts)
            }
        }
    }
}

/// The fast verdict on one payload; see [`Verdict`].
pub(crate) fn scan(plan: &Plan, root: Id, payload: &[u8], settings: &Settings<'_>) -> Verdict {
    let limits = &settings.limits;
    if payload.len() > limits.size() {
        return Verdict::Invalid;
    }
    let mut s = Scanner {
        plan,
        bytes: payload,
        pos: 0,
        max_depth: limits.depth(),
        formats: settings.formats,
        unlisted_matter: settings.policy.is_some_and(|p| p.report_unlisted),
        fails_depth: 0,
    };
    if settings.shapes {
        if let Some(verdict) = plan.shapes.recall(&mut s, root, settings) {
            return verdict;
        }
        s.pos = 0;
    }
    let verdict = s.scan(root, settings);
    if settings.shapes && plan.shapes.learning() {
        plan.shapes.learn(&mut s, settings, root, verdict);
    }
    verdict
}

impl Scanner<'_> {
    /// The verdict on the whole payload, from its start.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn scan(&mut self, root: Id, settings: &Settings<'_>) -> Verdict {
        let s = self;
        let payload = s.bytes;
        // UTF-8 is checked where it can occur, inside strings: anywhere else a non-ASCII byte
        // is a syntax error, a byte-order mark included.
        s.ws();
        if s.pos == payload.len() {
            return Verdict::Invalid;
        }
        let verdict = match settings.policy {
            None => match s.value(&[root], 1, 0, None) {
                Ok(0) => Verdict::Clean(None),
                Ok(_) => Verdict::Invalid,
                Err(Stop::Invalid | Stop::Fails) => return Verdict::Invalid,
                Err(Stop::Unsure) => return Verdict::Unsure,
            },
            Some(policy) => match s.contract(policy, settings) {
                Ok(v) => v,
                Err(Stop::Invalid | Stop::Fails) => return Verdict::Invalid,
                Err(Stop::Unsure) => return Verdict::Unsure,
            },
        };
        s.ws();
        if s.pos != payload.len() {
            return Verdict::Invalid;
        }
        verdict
    }
}

/// What the root object tells about the contract's variants.
#[derive(Default)]
struct RootFacts {
    /// Variants (by index) whose discriminating member is present.
    present: u32,
    /// Variants for which some member is unlisted.
    unlisted: u32,
    /// The guessed variant (bit 0) fails: a member's value failed a schema it must meet.
    failed: u32,
}

struct Scanner<'p> {
    plan: &'p Plan,
    bytes: &'p [u8],
    pos: usize,
    max_depth: usize,
    formats: bool,
    unlisted_matter: bool,
    /// Containers open where the last [`Stop::Fails`] was raised.
    fails_depth: usize,
}

/// A member name or string: its raw bytes and whether they hold escapes.
#[derive(Clone, Copy)]
struct Raw {
    start: usize,
    end: usize,
    escaped: bool,
    /// Some byte is not ASCII (the raw bytes are checked UTF-8 either way).
    wide: bool,
}

impl<'p> Scanner<'p> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn ws(&mut self) {
        // One test where there is no whitespace (compact payloads, and most places in others).
        if self.bytes.get(self.pos).is_some_and(|&b| b <= b' ') {
            while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
        }
    }

    /// The next byte past any whitespace. One load and one comparison where there is none
    /// (compact payloads, and most places in others): `ws` then `byte` loaded and
    /// bounds-checked the byte twice, at every name, colon, value and separator.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn peek(&mut self) -> Step<u8> {
        match self.bytes.get(self.pos) {
            Some(&b) if b > b' ' => Ok(b),
            _ => {
                self.ws();
                self.byte()
            }
        }
    }

    /// The layout's `leaf`, as the settings read `format`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn leaf_of(&self, layout: &Layout) -> Option<u8> {
        if self.formats {
            layout.leaf
        } else {
            layout.leaf_formatless
        }
    }

    #[cfg_attr(not(debug_assertions), inline(always))]
    fn byte(&self) -> Step<u8> {
        self.bytes.get(self.pos).copied().ok_or(Stop::Invalid)
    }

    #[cfg_attr(not(debug_assertions), inline(always))]
    fn expect(&mut self, byte: u8) -> Step<()> {
        if self.peek()? == byte {
            self.pos += 1;
            Ok(())
        } else {
            Err(Stop::Invalid)
        }
    }

    /// The contract's root: every variant scanned at once, then judged as the full check does.
    /// Inlined into [`scan`], its one caller, as the compiler did before a second entry
    /// (remembered shapes) made `scan` larger; out of line it cost 36 instructions a payload.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn contract(&mut self, policy: &Policy, settings: &Settings<'_>) -> Step<Verdict> {
        if self.byte()? != b'{' {
            return Err(Stop::Invalid);
        }
        let start = self.pos;
        // Speculation: the first member usually tells the variant (`error`, `order_id`, …), and
        // one variant scans at half the cost of all. A wrong guess is scanned again in full.
        if let Some(guess) = self.guess(policy) {
            let mut facts = RootFacts::default();
            // The one variant must hold if the guess is right: a member that fails it ends its
            // scanning at once, and the rest of the root is only read.
            let schema = policy.schemas[guess];
            let layout = &self.plan.layouts[schema as usize];
            // What `one` does at a root object, without its dispatch.
            let own = if layout.single && !layout.unsure {
                let mut fail = 0u64;
                self.object_single(schema, 1, 1, &mut fail, Some((policy, &mut facts)))?;
                u32::from(!layout.holds(fail))
            } else {
                self.one(schema, 1, 0, Some((policy, &mut facts)))?
            };
            let fail = own | facts.failed;
            if let Some(chosen) = choose(policy, settings, facts.present)?
                && chosen == guess
            {
                return Ok(verdict(
                    policy,
                    settings,
                    chosen,
                    fail & 1,
                    facts.unlisted & 1,
                ));
            }
            self.pos = start;
        }
        let mut facts = RootFacts::default();
        let fail = self.value(&policy.schemas, 0, 0, Some((policy, &mut facts)))?;
        match choose(policy, settings, facts.present)? {
            None => Ok(Verdict::Invalid),
            Some(chosen) => Ok(verdict(
                policy,
                settings,
                chosen,
                fail >> chosen & 1,
                facts.unlisted >> chosen & 1,
            )),
        }
    }

    /// The variant the root's first member marks (by precedence), or the last in precedence.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn guess(&self, policy: &Policy) -> Option<usize> {
        let mut at = self.pos + 1;
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(at) {
            at += 1;
        }
        if self.bytes.get(at) != Some(&b'"') {
            return None;
        }
        let bits = policy.guess_marks(self.bytes, at + 1);
        policy
            .precedence
            .iter()
            .copied()
            .find(|&i| bits >> i & 1 == 1)
            .or_else(|| policy.precedence.last().copied())
    }

    /// Scans one value against every schema of `set`; bit `i` of the result is set when it
    /// fails `set[i]`. Bit `i` of `must` says that failing `set[i]` fails the payload: then the
    /// scan stops with [`Stop::Fails`] (except at a contract's root, which its caller judges).
    fn value(
        &mut self,
        set: &[Id],
        must: u32,
        depth: usize,
        root: Option<(&Policy, &mut RootFacts)>,
    ) -> Step<u32> {
        if let [schema] = set {
            return self.one(*schema, must, depth, root);
        }
        if set.len() > MAX_SET {
            return Err(Stop::Unsure);
        }
        let plan = self.plan;
        let mut base = [0u8; MAX_SET + 1];
        let mut total = 0usize;
        for (i, &schema) in set.iter().enumerate() {
            let layout = &plan.layouts[schema as usize];
            if layout.unsure {
                return Err(Stop::Unsure);
            }
            base[i] = total as u8;
            total += layout.entries.len();
            if total > MAX_ENTRIES {
                return Err(Stop::Unsure);
            }
        }
        self.ws();
        let mut fail = 0u64;
        let at_root = root.is_some();
        match self.byte()? {
            b'{' if set.len() == 1 && plan.layouts[set[0] as usize].single => {
                self.object_single(set[0], must, depth + 1, &mut fail, root)?;
            }
            b'{' => self.object(set, must, &base, depth + 1, &mut fail, root)?,
            b'[' => self.array(set, must, &base, depth + 1, &mut fail)?,
            b'"' => {
                let raw = self.string()?;
                if total > 0 {
                    self.scalar_string(set, &base, raw, &mut fail)?;
                }
            }
            b't' => self.literal(b"true", set, &base, types::BOOLEAN, &mut fail)?,
            b'f' => self.literal(b"false", set, &base, types::BOOLEAN, &mut fail)?,
            b'n' => self.literal(b"null", set, &base, types::NULL, &mut fail)?,
            b'-' | b'0'..=b'9' => {
                let start = self.pos;
                let plain = self.number()?;
                if total > 0 {
                    self.scalar_number(set, &base, start, plain, &mut fail)?;
                }
            }
            _ => return Err(Stop::Invalid),
        }
        let mut result = 0u32;
        for (i, &schema) in set.iter().enumerate() {
            if !plan.layouts[schema as usize].holds(fail >> base[i]) {
                result |= 1 << i;
            }
        }
        if result & must != 0 && !at_root {
            self.fails_depth = depth;
            return Err(Stop::Fails);
        }
        Ok(result)
    }

    /// [`Scanner::value`] for a set of one schema (most values): no entry offsets to build, no
    /// loop over the set, and a scalar whose schema only asserts `type` is judged at once.
    fn one(
        &mut self,
        schema: Id,
        must: u32,
        depth: usize,
        root: Option<(&Policy, &mut RootFacts)>,
    ) -> Step<u32> {
        let plan = self.plan;
        let layout = &plan.layouts[schema as usize];
        let first = self.peek()?;
        if let Some(allowed) = self.leaf_of(layout)
            && root.is_none()
            // Containers go on below: members to scan against nothing, duplicates to find.
            && !matches!(first, b'{' | b'[')
        {
            return self.leaf(first, schema, allowed, must, depth);
        }
        if layout.unsure {
            return Err(Stop::Unsure);
        }
        let ids = [schema];
        let set = &ids[..];
        let base = [0u8];
        let scalars = !layout.entries.is_empty();
        let mut fail = 0u64;
        let at_root = root.is_some();
        match first {
            b'{' if layout.single => {
                self.object_single(schema, must, depth + 1, &mut fail, root)?;
            }
            b'{' => self.object(set, must, &base, depth + 1, &mut fail, root)?,
            b'[' if layout.entries.len() == 1 => {
                self.array_single(schema, must, depth + 1, &mut fail)?;
            }
            b'[' => self.array(set, must, &base, depth + 1, &mut fail)?,
            b'"' => {
                let raw = self.string()?;
                if let [r] = &layout.rules[..] {
                    // One schema object: judged in place, with no loop over a set.
                    let decoded = self.decoded(raw)?;
                    let text = Text::new(self.bytes, raw, decoded.as_deref());
                    fail = u64::from(!string_holds(r, &text, self.formats)?);
                } else if scalars {
                    self.scalar_string(set, &base, raw, &mut fail)?;
                }
            }
            b't' => self.literal(b"true", set, &base, types::BOOLEAN, &mut fail)?,
            b'f' => self.literal(b"false", set, &base, types::BOOLEAN, &mut fail)?,
            b'n' => self.literal(b"null", set, &base, types::NULL, &mut fail)?,
            b'-' | b'0'..=b'9' => {
                let start = self.pos;
                let plain = self.number()?;
                if let [r] = &layout.rules[..] {
                    // One schema object: judged in place, with no loop over a set.
                    let text = &self.bytes[start..self.pos];
                    let small = if plain { small_integer(text) } else { None };
                    let holds = number_holds(r, &layout.small_bounds[0], text, plain, small);
                    fail = u64::from(!holds);
                } else if scalars {
                    self.scalar_number(set, &base, start, plain, &mut fail)?;
                }
            }
            _ => return Err(Stop::Invalid),
        }
        let failed = !layout.holds(fail);
        if failed && must & 1 == 1 && !at_root {
            self.fails_depth = depth;
            return Err(Stop::Fails);
        }
        Ok(u32::from(failed))
    }

    /// [`Scanner::value`] for one schema whose only assertion is `type` (`allowed`): a scalar
    /// is judged by its first byte, in a function small enough to call cheaply.
    #[inline]
    fn leaf(&mut self, first: u8, schema: Id, allowed: u8, must: u32, depth: usize) -> Step<u32> {
        let found = match first {
            b'"' => {
                self.string()?;
                types::STRING
            }
            b'-' | b'0'..=b'9' => {
                let start = self.pos;
                let plain = self.number()?;
                if allowed & types::NUMBER == 0
                    && allowed & types::INTEGER != 0
                    && (plain || number::is_integer(&self.bytes[start..self.pos]))
                {
                    types::INTEGER
                } else {
                    types::NUMBER
                }
            }
            b't' => self.word(b"true", types::BOOLEAN)?,
            b'f' => self.word(b"false", types::BOOLEAN)?,
            b'n' => self.word(b"null", types::NULL)?,
            // Containers have members to scan against nothing, and duplicates to find.
            b'{' | b'[' => return self.one(schema, must, depth, None),
            _ => return Err(Stop::Invalid),
        };
        let failed = u32::from(allowed & found == 0);
        if failed & must != 0 {
            self.fails_depth = depth;
            return Err(Stop::Fails);
        }
        Ok(failed)
    }

    /// After a member or an item: a comma (`false`, another follows) or the container's `close`
    /// (`true`, read past); anything else is not JSON. Inlined only when optimised, as `child`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn separator(&mut self, close: u8) -> Step<bool> {
        match self.peek()? {
            b',' => {
                self.pos += 1;
                Ok(false)
            }
            b if b == close => {
                self.pos += 1;
                Ok(true)
            }
            _ => Err(Stop::Invalid),
        }
    }

    /// [`Scanner::one`] for a member's or an item's value: the common shapes (a leaf, a scalar
    /// against one schema object, an object scanned alone) without its dispatch. Inlined only
    /// when optimised: unoptimised code keeps a stack slot for every local of every inlined
    /// copy, and a payload at the depth ceiling overflowed a 2 MiB thread stack (8 KiB a level).
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn child(&mut self, id: Id, must: u32, depth: usize) -> Step<u32> {
        let leaf = self
            .leaf_of(&self.plan.layouts[id as usize])
            .unwrap_or(NO_LEAF);
        self.member(id, leaf, must, depth)
    }

    /// [`Scanner::child`] with the child layout's leaf already known (or [`NO_LEAF`]); inlined
    /// only when optimised, as `child`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn member(&mut self, id: Id, leaf: u8, must: u32, depth: usize) -> Step<u32> {
        let first = self.peek()?;
        if leaf != NO_LEAF {
            // The most common member: a string where one is allowed, read with no call and
            // no judgement to make.
            if first == b'"' && leaf & types::STRING != 0 {
                self.string()?;
                return Ok(0);
            }
            // The next most common: `null` where it is allowed (an optional member).
            if first == b'n' && leaf & types::NULL != 0 {
                return self.word(b"null", 0).map(u32::from);
            }
            return self.leaf(first, id, leaf, must, depth);
        }
        let layout = &self.plan.layouts[id as usize];
        if !layout.scalar {
            return self.one(id, must, depth, None);
        }
        let r = &*layout.rules[0];
        let failed = match first {
            b'"' => !self.member_text(layout, r)?,
            b'-' | b'0'..=b'9' => !self.member_number(layout, r)?,
            b'{' if layout.single => {
                let mut fail = 0u64;
                self.object_single(id, must, depth + 1, &mut fail, None)?;
                fail & 1 != 0
            }
            b'[' if layout.entries.len() == 1 => {
                let mut fail = 0u64;
                self.array_single(id, must, depth + 1, &mut fail)?;
                fail & 1 != 0
            }
            // A literal (often an optional member's `null`) where only `type` can judge it.
            b'n' | b't' | b'f' if r.enumeration.is_none() && r.constant.is_none() => {
                self.typed_literal(first, r.types)?
            }
            _ => return self.one(id, must, depth, None),
        };
        if failed && must & 1 == 1 {
            self.fails_depth = depth;
            return Err(Stop::Fails);
        }
        Ok(u32::from(failed))
    }

    /// A string against a scalar layout's one schema object: whether it holds. Out of line,
    /// so that objects' hot loops, where it is inlined, keep their registers.
    #[inline(never)]
    fn member_text(&mut self, layout: &Layout, r: &Rules) -> Step<bool> {
        let raw = self.string()?;
        if layout.text_only[usize::from(self.formats)] && !raw.escaped {
            return text_holds(r, &Text::new(self.bytes, raw, None));
        }
        let decoded = self.decoded(raw)?;
        let text = Text::new(self.bytes, raw, decoded.as_deref());
        string_holds(r, &text, self.formats)
    }

    /// A number against a scalar layout's one schema object: whether it holds. Out of line,
    /// as [`Scanner::member_text`].
    #[inline(never)]
    fn member_number(&mut self, layout: &Layout, r: &Rules) -> Step<bool> {
        let start = self.pos;
        let (plain, small) = match self.small_integer_here() {
            Some(v) => match layout.integers {
                Some((low, high)) => return Ok(low <= v && v <= high),
                None => (true, Some(v)),
            },
            None => {
                let plain = self.number()?;
                let text = &self.bytes[start..self.pos];
                (plain, if plain { small_integer(text) } else { None })
            }
        };
        let text = &self.bytes[start..self.pos];
        Ok(number_holds(r, &layout.small_bounds[0], text, plain, small))
    }

    /// The rules of entry `e` of `set[i]`.
    fn rules(&self, set: &[Id], i: usize, e: usize) -> &'p Rules {
        &self.plan.layouts[set[i] as usize].rules[e]
    }

    /// For each entry: its type check and `enum`/`const` on a scalar, then `check`.
    fn each_entry(
        &mut self,
        set: &[Id],
        base: &[u8],
        fail: &mut u64,
        mut check: impl FnMut(&mut Self, &'p Rules) -> Step<bool>,
    ) -> Step<()> {
        for i in 0..set.len() {
            let count = self.plan.layouts[set[i] as usize].entries.len();
            for e in 0..count {
                let r = self.rules(set, i, e);
                if !check(self, r)? {
                    *fail |= 1 << (base[i] as usize + e);
                }
            }
        }
        Ok(())
    }

    /// A value no schema applies to: a member that no key and no `additionalProperties`
    /// decides, an item past `prefixItems` with no `items`, the rest of a root whose guessed
    /// variant failed. Only what fails any payload is checked (syntax, duplicate members, the
    /// depth limit), with none of [`Scanner::value`]'s set handling: APIs add members, and
    /// each cost as much as a checked one.
    fn skip(&mut self, depth: usize) -> Step<()> {
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => self.skip_object(depth + 1),
            b'[' => self.skip_array(depth + 1),
            b't' => self.word(b"true", 0).map(drop),
            b'f' => self.word(b"false", 0).map(drop),
            b'n' => self.word(b"null", 0).map(drop),
            b'-' | b'0'..=b'9' => self.number().map(drop),
            _ => Err(Stop::Invalid),
        }
    }

    /// Past a skipped container's opening bracket, within the depth limit: whether it closes
    /// at once (its `close` read too).
    fn skip_open(&mut self, close: u8, depth: usize) -> Step<bool> {
        if depth > self.max_depth {
            return Err(Stop::Invalid);
        }
        self.pos += 1;
        let empty = self.peek()? == close;
        self.pos += usize::from(empty);
        Ok(empty)
    }

    fn skip_object(&mut self, depth: usize) -> Step<()> {
        if self.skip_open(b'}', depth)? {
            return Ok(());
        }
        let mut names = Names::default();
        loop {
            self.member_name(&mut names)?;
            self.skip(depth)?;
            if self.separator(b'}')? {
                return Ok(());
            }
        }
    }

    fn skip_array(&mut self, depth: usize) -> Step<()> {
        if self.skip_open(b']', depth)? {
            return Ok(());
        }
        loop {
            self.skip(depth)?;
            if self.separator(b']')? {
                return Ok(());
            }
        }
    }

    /// The literal starting with `first`, read: whether `types` (`None`: any) excludes it.
    /// Out of line: the callers' hot loops keep their registers.
    #[inline(never)]
    fn typed_literal(&mut self, first: u8, types: Option<u8>) -> Step<bool> {
        let (word, bit): (&'static [u8], u8) = match first {
            b'n' => (b"null", types::NULL),
            b't' => (b"true", types::BOOLEAN),
            _ => (b"false", types::BOOLEAN),
        };
        self.word(word, 0)?;
        Ok(types.is_some_and(|t| t & bit == 0))
    }

    /// A literal word (`null`, `true` or `false`), giving its type bit. Its first four bytes
    /// are compared as one `u32`, not by `memcmp`.
    fn word(&mut self, word: &'static [u8], bit: u8) -> Step<u8> {
        let at = self.pos;
        let head = |b: &[u8]| b.first_chunk::<4>().map(|h| u32::from_le_bytes(*h));
        // `false` is the one word longer than four bytes.
        if head(&self.bytes[at..]) != head(word)
            || (word.len() == 5 && self.bytes.get(at + 4) != Some(&b'e'))
        {
            return Err(Stop::Invalid);
        }
        self.pos += word.len();
        Ok(bit)
    }

    fn literal(
        &mut self,
        word: &'static [u8],
        set: &[Id],
        base: &[u8],
        bit: u8,
        fail: &mut u64,
    ) -> Step<()> {
        if !self.bytes[self.pos..].starts_with(word) {
            return Err(Stop::Invalid);
        }
        self.pos += word.len();
        let value = match word {
            b"true" => serde_json::Value::Bool(true),
            b"false" => serde_json::Value::Bool(false),
            _ => serde_json::Value::Null,
        };
        self.each_entry(set, base, fail, |_, r| {
            Ok(r.types.is_none_or(|t| t & bit != 0) && allowed(r, |v| *v == value))
        })
    }

    /// `plain`: the number has no fraction and no exponent (an integer, and maybe an `i64`).
    fn scalar_number(
        &mut self,
        set: &[Id],
        base: &[u8],
        start: usize,
        plain: bool,
        fail: &mut u64,
    ) -> Step<()> {
        let bytes = self.bytes;
        let text = &bytes[start..self.pos];
        let small = if plain { small_integer(text) } else { None };
        let plan = self.plan;
        for i in 0..set.len() {
            let layout = &plan.layouts[set[i] as usize];
            for (e, r) in layout.rules.iter().enumerate() {
                if !number_holds(r, &layout.small_bounds[e], text, plain, small) {
                    *fail |= 1 << (base[i] as usize + e);
                }
            }
        }
        Ok(())
    }
}

/// A string's text for its keywords. Only a string with escapes is decoded; the raw bytes of
/// any other are its text, already known to be UTF-8 (`string` checks non-ASCII ones): `enum`
/// and `const` compare bytes, and the lengths of ASCII text are byte counts.
struct Text<'t> {
    bytes: &'t [u8],
    decoded: Option<&'t str>,
    /// Every character is one byte (an escape may spell a non-ASCII character).
    ascii: bool,
}

impl<'t> Text<'t> {
    fn new(payload: &'t [u8], raw: Raw, decoded: Option<&'t str>) -> Text<'t> {
        Text {
            bytes: decoded.map_or(&payload[raw.start..raw.end], str::as_bytes),
            decoded,
            ascii: !raw.wide && !raw.escaped,
        }
    }

    fn as_str(&self) -> Step<&'t str> {
        match self.decoded {
            Some(s) => Ok(s),
            None => std::str::from_utf8(self.bytes).map_err(|_| Stop::Invalid),
        }
    }
}

/// Whether a string meets one schema object's keywords (`type`, `enum`, `const`, lengths,
/// `pattern`, and `format` when `formats` are asserted).
fn string_holds(r: &Rules, text: &Text<'_>, formats: bool) -> Step<bool> {
    if r.types.is_some_and(|t| t & types::STRING == 0) {
        return Ok(false);
    }
    if !allowed(r, |v| {
        v.as_str()
            .is_some_and(|s| same_bytes(s.as_bytes(), text.bytes))
    }) {
        return Ok(false);
    }
    if !text_holds(r, text)? {
        return Ok(false);
    }
    if formats
        && let Some(name) = &r.format
        && format::check(name, text.as_str()?) == Some(false)
    {
        return Ok(false);
    }
    Ok(true)
}

/// Whether a string meets one schema object's lengths and `pattern`.
#[cfg_attr(not(debug_assertions), inline(always))]
fn text_holds(r: &Rules, text: &Text<'_>) -> Step<bool> {
    if r.min_length.is_some() || r.max_length.is_some() {
        let length = if text.ascii {
            text.bytes.len() as u64
        } else {
            text.as_str()?.chars().count() as u64
        };
        if r.min_length.is_some_and(|m| length < m) || r.max_length.is_some_and(|m| length > m) {
            return Ok(false);
        }
    }
    if let Some((pattern, _)) = &r.pattern {
        // An anchored pattern of ASCII classes reads the bytes as they are (see `Anchored`).
        let matched = match pattern.anchored() {
            Some(anchored) => anchored.is_match(text.bytes),
            None => pattern.is_match(text.as_str()?),
        };
        if !matched {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Plain integer text of at most 18 digits (always within `i64`): most payload numbers.
#[inline]
fn small_integer(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let magnitude = digits
        .iter()
        .fold(0i64, |v, d| v * 10 + i64::from(d.wrapping_sub(b'0')));
    Some(if negative { -magnitude } else { magnitude })
}

/// Whether a number (already read as JSON) meets one schema object's number keywords. `plain`:
/// no fraction or exponent; `small`: its value when it is a plain integer of at most 18 digits;
/// `bounds`: the entry's bounds as `i64` where they are plain integers.
fn number_holds(
    r: &Rules,
    bounds: &[Option<i64>; 4],
    text: &[u8],
    plain: bool,
    small: Option<i64>,
) -> bool {
    if let Some(t) = r.types
        && t & types::NUMBER == 0
        && !(t & types::INTEGER != 0 && (plain || number::is_integer(text)))
    {
        return false;
    }
    let same = |v: &serde_json::Value| match v {
        serde_json::Value::Number(n) => number::equal(text, n.to_string().as_bytes()),
        _ => false,
    };
    if !allowed(r, same) {
        return false;
    }
    use std::cmp::Ordering::{Greater, Less};
    // An integer against an integer bound compares as `i64`; anything else exactly.
    let within = |bound: &Option<Box<number::Bound>>,
                  small_bound: Option<i64>,
                  passes: fn(std::cmp::Ordering) -> bool| {
        bound.as_ref().is_none_or(|b| match (small, small_bound) {
            (Some(v), Some(s)) => passes(v.cmp(&s)),
            _ => number::compare(text, b).is_some_and(passes),
        })
    };
    within(&r.minimum, bounds[0], |o| o != Less)
        && within(&r.maximum, bounds[1], |o| o != Greater)
        && within(&r.exclusive_minimum, bounds[2], |o| o == Greater)
        && within(&r.exclusive_maximum, bounds[3], |o| o == Less)
        && r.multiple_of
            .as_ref()
            .is_none_or(|d| number::is_multiple_of(text, d))
}

impl<'p> Scanner<'p> {
    fn scalar_string(&mut self, set: &[Id], base: &[u8], raw: Raw, fail: &mut u64) -> Step<()> {
        let plan = self.plan;
        if !set.iter().any(|&s| plan.layouts[s as usize].string_content) {
            return self.each_entry(set, base, fail, |_, r| {
                Ok(r.types.is_none_or(|t| t & types::STRING != 0))
            });
        }
        let decoded = self.decoded(raw)?;
        let text = Text::new(self.bytes, raw, decoded.as_deref());
        for i in 0..set.len() {
            let layout = &plan.layouts[set[i] as usize];
            for (e, r) in layout.rules.iter().enumerate() {
                if !string_holds(r, &text, self.formats)? {
                    *fail |= 1 << (base[i] as usize + e);
                }
            }
        }
        Ok(())
    }

    /// The text of a string with escapes; `None` for any other, whose raw bytes are its text.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decoded(&self, raw: Raw) -> Step<Option<String>> {
        if raw.escaped {
            Ok(Some(
                decode(&self.bytes[raw.start..raw.end]).ok_or(Stop::Invalid)?,
            ))
        } else {
            Ok(None)
        }
    }

    /// Type and `enum`/`const` of a container: a container in `enum`/`const` is left to the
    /// full check.
    fn container_entry(r: &Rules, bit: u8) -> Step<bool> {
        if r.enumeration.is_some() || r.constant.is_some() {
            return Err(Stop::Unsure);
        }
        Ok(r.types.is_none_or(|t| t & bit != 0))
    }

    /// [`Scanner::object`] for one schema whose names have one child schema each (most
    /// objects): no child sets to build and map back. A listed name is told apart from the
    /// others by a bit per key (set twice: a duplicate member), so only unlisted names are
    /// kept in a [`Names`], made the first time one comes.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn object_single(
        &mut self,
        schema: Id,
        must: u32,
        depth: usize,
        fail: &mut u64,
        root: Option<(&Policy, &mut RootFacts)>,
    ) -> Step<()> {
        match root {
            Some(root) => self.object_single_in::<true>(schema, must, depth, fail, Some(root)),
            None => self.object_single_in::<false>(schema, must, depth, fail, None),
        }
    }

    /// [`Scanner::object_single`], compiled once for a contract's root and once for every
    /// other object: nested objects (most of them) carry none of the root's bookkeeping.
    fn object_single_in<const ROOT: bool>(
        &mut self,
        schema: Id,
        must: u32,
        depth: usize,
        fail: &mut u64,
        root: Option<(&Policy, &mut RootFacts)>,
    ) -> Step<()> {
        let mut root = if ROOT { root } else { None };
        if depth > self.max_depth {
            return Err(Stop::Invalid);
        }
        self.pos += 1;
        let layout = &self.plan.layouts[schema as usize];
        if layout.container_unsure {
            return Err(Stop::Unsure);
        }
        *fail |= layout.not_object;
        let needed = must & 1 == 1;
        let unlisted_matter = self.unlisted_matter && (layout.named || layout.conditional_listing);
        let mut names: Option<Names> = None;
        let mut keys_met = 0u64;
        let mut root_failed = false;
        let mut seen = 0u64;
        let mut count = 0u64;
        if self.peek()? == b'}' {
            self.pos += 1;
        } else {
            loop {
                let (name, head) = self.name()?;
                let found = layout.find(name, head);
                match found {
                    Some(i) if i < 64 => {
                        if keys_met >> i & 1 == 1 {
                            return Err(Stop::Invalid);
                        }
                        keys_met |= 1 << i;
                    }
                    _ => {
                        let names = names.get_or_insert_with(Names::default);
                        if !names.insert(name) {
                            return Err(Stop::Invalid);
                        }
                    }
                }
                let key = found.map(|i| &layout.keys[i]);
                if let Some((policy, facts)) = root.as_mut() {
                    facts.present |= match key {
                        Some(k) if layout.marked => k.marks,
                        _ => policy.marks_of(name),
                    };
                }
                // Once the root's guessed variant fails, the rest is only read (syntax, marks).
                let mut child = None;
                if !root_failed {
                    if let Some(k) = key {
                        seen |= k.required;
                        child = k.member;
                    }
                    if child.is_none() {
                        child = layout.additional_member;
                    }
                    if unlisted_matter && !key.is_some_and(|k| k.listed) {
                        if layout.conditional_listing {
                            return Err(Stop::Unsure);
                        }
                        if !layout.decides_others {
                            match root.as_mut() {
                                Some((_, facts)) => facts.unlisted |= 1,
                                None => return Err(Stop::Unsure),
                            }
                        }
                    }
                }
                let scanned = match child {
                    Some(m) => {
                        let child_must = u32::from(needed && m.decisive);
                        let leaf = m.leaf[usize::from(self.formats)];
                        self.member(m.id, leaf, child_must, depth)
                            .map(|result| u64::from(result & 1) << m.e)
                    }
                    None => self.skip(depth).map(|()| 0),
                };
                match scanned {
                    Ok(failed) => *fail |= failed,
                    Err(Stop::Fails) if root.is_some() => {
                        // As in `object`: the guessed variant fails; read on for the marks.
                        if let Some((_, facts)) = root.as_mut() {
                            facts.failed = 1;
                        }
                        root_failed = true;
                        self.close(self.fails_depth - depth)?;
                    }
                    Err(stop) => return Err(stop),
                }
                count += 1;
                if self.separator(b'}')? {
                    break;
                }
            }
        }
        for (e, &required) in layout.required_of.iter().enumerate() {
            if required & !seen != 0 {
                *fail |= 1 << e;
            }
        }
        if layout.counts_properties {
            for (e, r) in layout.rules.iter().enumerate() {
                if r.min_properties.is_some_and(|m| count < m)
                    || r.max_properties.is_some_and(|m| count > m)
                {
                    *fail |= 1 << e;
                }
            }
        }
        Ok(())
    }

    /// [`Scanner::array`] for a schema of one entry (most arrays): each item is scanned
    /// against its one child schema, with no sets to build and map back.
    fn array_single(&mut self, schema: Id, must: u32, depth: usize, fail: &mut u64) -> Step<()> {
        let layout = &self.plan.layouts[schema as usize];
        let r = &layout.rules[0];
        if r.contains.is_some() {
            let ids = [schema];
            return self.array(&ids, must, &[0], depth, fail);
        }
        if depth > self.max_depth {
            return Err(Stop::Invalid);
        }
        self.pos += 1;
        if layout.container_unsure {
            return Err(Stop::Unsure);
        }
        *fail |= layout.not_array;
        let child_must = u32::from(must & 1 == 1 && layout.decisive & 1 == 1);
        let mut count = 0usize;
        if self.peek()? == b']' {
            self.pos += 1;
        } else {
            loop {
                if r.unique_items && count > 0 {
                    return Err(Stop::Unsure);
                }
                let failed = match r.prefix_items.get(count).or(r.items.as_ref()) {
                    Some(&child) => self.child(child, child_must, depth)?,
                    None => {
                        self.skip(depth)?;
                        0
                    }
                };
                *fail |= u64::from(failed & 1);
                count += 1;
                if self.separator(b']')? {
                    break;
                }
            }
        }
        let count = count as u64;
        if r.min_items.is_some_and(|m| count < m) || r.max_items.is_some_and(|m| count > m) {
            *fail |= 1;
        }
        Ok(())
    }

    fn object(
        &mut self,
        set: &[Id],
        must: u32,
        base: &[u8],
        depth: usize,
        fail: &mut u64,
        mut root: Option<(&Policy, &mut RootFacts)>,
    ) -> Step<()> {
        if depth > self.max_depth {
            return Err(Stop::Invalid);
        }
        self.pos += 1;
        let plan = self.plan;
        self.each_entry(set, base, fail, |_, r| {
            Self::container_entry(r, types::OBJECT)
        })?;
        let mut names = Names::default();
        let mut root_failed = false;
        let mut seen = [0u64; MAX_SET];
        let mut count = 0u64;
        let mut child_set = [0 as Id; MAX_SET];
        // (global entry, child index) pairs; an entry may name several children.
        let mut back = [(0u8, 0u8); MAX_ENTRIES];
        if self.peek()? == b'}' {
            self.pos += 1;
        } else {
            loop {
                let name = self.member_name(&mut names)?;
                let mut children = 0usize;
                let mut backs = 0usize;
                let mut child_must = 0u32;
                if let Some((policy, facts)) = root.as_mut() {
                    facts.present |= policy.marks_of(name);
                }
                // Once the root's guessed variant fails, the rest is only read (syntax, marks).
                let active = if root_failed { &[][..] } else { set };
                for (i, &schema) in active.iter().enumerate() {
                    let layout = &plan.layouts[schema as usize];
                    let found = layout.key(name);
                    let needed = must >> i & 1 == 1;
                    if let Some(k) = found {
                        seen[i] |= k.required;
                        for &(e, child) in &k.children {
                            let at = push_child(&mut child_set, &mut children, child)?;
                            push_back(&mut back, &mut backs, (base[i] + e, at))?;
                            if needed && layout.decisive >> e & 1 == 1 {
                                child_must |= 1 << at;
                            }
                        }
                    }
                    if self.unlisted_matter && layout.named || layout.conditional_listing {
                        let listed = found.is_some_and(|k| k.listed);
                        if !listed && self.unlisted_matter {
                            if layout.conditional_listing {
                                return Err(Stop::Unsure);
                            }
                            if !layout.decides_others {
                                match root.as_mut() {
                                    Some((_, facts)) => facts.unlisted |= 1 << i,
                                    None => return Err(Stop::Unsure),
                                }
                            }
                        }
                    }
                    if !layout.any_open {
                        continue;
                    }
                    for (e, &open) in layout.open.iter().enumerate() {
                        if !open {
                            continue;
                        }
                        let r = self.rules(set, i, e);
                        let named_here =
                            found.is_some_and(|k| k.children.iter().any(|c| c.0 as usize == e));
                        let key_text = std::str::from_utf8(name).map_err(|_| Stop::Invalid)?;
                        let mut matched = named_here;
                        for (pattern, _, child) in &r.pattern_properties {
                            if pattern.is_match(key_text) {
                                matched = true;
                                let at = push_child(&mut child_set, &mut children, *child)?;
                                push_back(&mut back, &mut backs, (base[i] + e as u8, at))?;
                                if needed && layout.decisive >> e & 1 == 1 {
                                    child_must |= 1 << at;
                                }
                            }
                        }
                        if !matched && let Some(additional) = r.additional_properties {
                            let at = push_child(&mut child_set, &mut children, additional)?;
                            push_back(&mut back, &mut backs, (base[i] + e as u8, at))?;
                            if needed && layout.decisive >> e & 1 == 1 {
                                child_must |= 1 << at;
                            }
                        }
                    }
                }
                let result = match self.value(&child_set[..children], child_must, depth, None) {
                    Ok(result) => result,
                    Err(Stop::Fails) if root.is_some() => {
                        // The guessed variant fails; whether that is the verdict depends on
                        // which variant the root's members mark. The scan stopped inside this
                        // member's value: skip to its end.
                        if let Some((_, facts)) = root.as_mut() {
                            facts.failed = 1;
                        }
                        root_failed = true;
                        self.close(self.fails_depth - depth)?;
                        0
                    }
                    Err(stop) => return Err(stop),
                };
                for &(g, at) in &back[..backs] {
                    if result >> at & 1 == 1 {
                        *fail |= 1 << g;
                    }
                }
                count += 1;
                if self.separator(b'}')? {
                    break;
                }
            }
        }
        for (i, &schema) in set.iter().enumerate() {
            let layout = &plan.layouts[schema as usize];
            for e in 0..layout.entries.len() {
                let r = self.rules(set, i, e);
                let missing = layout.required_of[e] & !seen[i] != 0;
                if missing
                    || r.min_properties.is_some_and(|m| count < m)
                    || r.max_properties.is_some_and(|m| count > m)
                {
                    *fail |= 1 << (base[i] as usize + e);
                }
            }
        }
        Ok(())
    }

    fn array(
        &mut self,
        set: &[Id],
        must: u32,
        base: &[u8],
        depth: usize,
        fail: &mut u64,
    ) -> Step<()> {
        if depth > self.max_depth {
            return Err(Stop::Invalid);
        }
        self.pos += 1;
        self.each_entry(set, base, fail, |_, r| {
            Self::container_entry(r, types::ARRAY)
        })?;
        let mut contained = [0u32; MAX_ENTRIES];
        let mut child_set = [0 as Id; MAX_SET];
        // (global entry, child index, counts toward `contains`)
        let mut back: Vec<(u8, u8, bool)> = Vec::new();
        let mut count = 0usize;
        if self.peek()? == b']' {
            self.pos += 1;
        } else {
            loop {
                let mut children = 0usize;
                let mut child_must = 0u32;
                back.clear();
                for i in 0..set.len() {
                    let layout = &self.plan.layouts[set[i] as usize];
                    let needed = must >> i & 1 == 1;
                    for e in 0..layout.entries.len() {
                        let r = self.rules(set, i, e);
                        let g = base[i] + e as u8;
                        if let Some(&child) = r.prefix_items.get(count).or(r.items.as_ref()) {
                            let at = push_child(&mut child_set, &mut children, child)?;
                            back.push((g, at, false));
                            if needed && layout.decisive >> e & 1 == 1 {
                                child_must |= 1 << at;
                            }
                        }
                        if let Some(child) = r.contains {
                            let at = push_child(&mut child_set, &mut children, child)?;
                            back.push((g, at, true));
                        }
                        if r.unique_items && count > 0 {
                            return Err(Stop::Unsure);
                        }
                    }
                }
                let result = self.value(&child_set[..children], child_must, depth, None)?;
                for &(g, at, counts) in &back {
                    let failed = result >> at & 1 == 1;
                    if counts {
                        contained[g as usize] += u32::from(!failed);
                    } else if failed {
                        *fail |= 1 << g;
                    }
                }
                count += 1;
                if self.separator(b']')? {
                    break;
                }
            }
        }
        let count = count as u64;
        for i in 0..set.len() {
            let entries = self.plan.layouts[set[i] as usize].entries.len();
            for e in 0..entries {
                let r = self.rules(set, i, e);
                let g = base[i] as usize + e;
                let found = u64::from(contained[g]);
                let bad = r.min_items.is_some_and(|m| count < m)
                    || r.max_items.is_some_and(|m| count > m)
                    || (r.contains.is_some()
                        && (found < r.min_contains.unwrap_or(1)
                            || r.max_contains.is_some_and(|m| found > m)));
                if bad {
                    *fail |= 1 << g;
                }
            }
        }
        Ok(())
    }

    /// Skips to just after the end of the `levels` innermost open containers. Only the root's
    /// member names matter after a failure (a wrong guess is scanned again in full, and a syntax
    /// error makes the payload invalid either way), so brackets are counted, strings read.
    fn close(&mut self, levels: usize) -> Step<()> {
        let mut open = levels;
        while open > 0 {
            match self.byte()? {
                b'"' => {
                    self.string()?;
                }
                b'{' | b'[' => {
                    open += 1;
                    self.pos += 1;
                }
                b'}' | b']' => {
                    open -= 1;
                    self.pos += 1;
                }
                _ => self.pos += 1,
            }
        }
        Ok(())
    }

    /// A member's name and its `:`, in an object being scanned: unescaped names only (an escape
    /// may spell a listed name, or repeat another: the full check decodes names), each new in
    /// `names` (a repeat is a duplicate member, an error).
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn member_name(&mut self, names: &mut Names<'p>) -> Step<&'p [u8]> {
        let (name, _) = self.name()?;
        if !names.insert(name) {
            return Err(Stop::Invalid);
        }
        Ok(name)
    }

    /// A member's name and its `:`: unescaped names only (an escape may spell a listed name, or
    /// repeat another: the full check decodes names). Also its first eight bytes as a word
    /// (zero padded; see [`Layout::find`]), read while looking for its end.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn name(&mut self) -> Step<(&'p [u8], u64)> {
        if self.peek()? != b'"' {
            return Err(Stop::Invalid);
        }
        let bytes = self.bytes;
        let start = self.pos + 1;
        let (len, head) = plain_name(bytes, start);
        let end = start + len;
        if bytes.get(end) == Some(&b'"') {
            // Compact payloads put the colon right after the quote.
            if bytes.get(end + 1) == Some(&b':') {
                self.pos = end + 2;
            } else {
                self.pos = end + 1;
                self.expect(b':')?;
            }
            return Ok((&bytes[start..end], head));
        }
        // Escapes, non-ASCII, a control character or the end of input.
        self.pos = end;
        let key = self.string_rest(start)?;
        if key.escaped {
            return Err(Stop::Unsure);
        }
        self.expect(b':')?;
        let name = &bytes[key.start..key.end];
        Ok((name, head_of(name)))
    }

    /// A string at `"`: checked for control characters, escapes and surrogate pairs. A plain
    /// run up to the closing quote (most strings) is read inline; anything else out of line.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn string(&mut self) -> Step<Raw> {
        let start = self.pos + 1;
        let end = start + value_run(&self.bytes[start..]);
        if self.bytes.get(end) == Some(&b'"') {
            self.pos = end + 1;
            return Ok(Raw {
                start,
                end,
                escaped: false,
                wide: false,
            });
        }
        self.pos = end;
        self.string_rest(start)
    }

    /// The rest of a string from `self.pos` on, which starts at `start`: escapes, non-ASCII
    /// characters, control characters, the end of input.
    #[inline(never)]
    fn string_rest(&mut self, start: usize) -> Step<Raw> {
        let mut escaped = false;
        let mut wide = false;
        loop {
            let run = plain_run(&self.bytes[self.pos..]);
            self.pos += run;
            match self.byte()? {
                b'"' => {
                    let end = self.pos;
                    self.pos += 1;
                    if wide && std::str::from_utf8(&self.bytes[start..end]).is_err() {
                        return Err(Stop::Invalid);
                    }
                    return Ok(Raw {
                        start,
                        end,
                        escaped,
                        wide,
                    });
                }
                b'\\' => {
                    escaped = true;
                    self.escape()?;
                }
                b if b < 0x20 => return Err(Stop::Invalid),
                // Non-ASCII: checked as UTF-8 once the string ends.
                _ => {
                    wide = true;
                    self.pos += 1;
                }
            }
        }
    }

    fn escape(&mut self) -> Step<()> {
        self.pos += 1;
        match self.byte()? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {
                self.pos += 1;
                Ok(())
            }
            b'u' => {
                let unit = self.hex4()?;
                if (0xD800..0xDC00).contains(&unit) {
                    if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                        return Err(Stop::Invalid);
                    }
                    self.pos += 1;
                    let low = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(Stop::Invalid);
                    }
                } else if (0xDC00..0xE000).contains(&unit) {
                    return Err(Stop::Invalid);
                }
                Ok(())
            }
            _ => Err(Stop::Invalid),
        }
    }

    /// At `u` of `\uXXXX`: the code unit; leaves the cursor after it.
    fn hex4(&mut self) -> Step<u16> {
        let digits = self
            .bytes
            .get(self.pos + 1..self.pos + 5)
            .ok_or(Stop::Invalid)?;
        let mut unit = 0u16;
        for &d in digits {
            let v = (d as char).to_digit(16).ok_or(Stop::Invalid)?;
            unit = unit * 16 + v as u16;
        }
        self.pos += 5;
        Ok(unit)
    }

    /// A plain integer of at most 18 digits at the cursor (most payload numbers), read and
    /// valued in one pass; `None`, with the cursor left where it was, for any other text
    /// (then [`Scanner::number`] reads it, or refuses it).
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn small_integer_here(&mut self) -> Option<i64> {
        let bytes = self.bytes;
        let negative = bytes.get(self.pos) == Some(&b'-');
        let start = self.pos + usize::from(negative);
        let mut at = start;
        let mut value = 0i64;
        while let Some(&d) = bytes.get(at) {
            if !d.is_ascii_digit() {
                break;
            }
            if at - start == 18 {
                return None;
            }
            value = value * 10 + i64::from(d - b'0');
            at += 1;
        }
        let digits = at - start;
        if digits == 0
            || (digits > 1 && bytes[start] == b'0')
            || matches!(bytes.get(at), Some(b'.' | b'e' | b'E'))
        {
            return None;
        }
        self.pos = at;
        Some(if negative { -value } else { value })
    }

    /// Reads a number; true when it has neither fraction nor exponent.
    fn number(&mut self) -> Step<bool> {
        let digits = |s: &mut Self| {
            let start = s.pos;
            while let Some(b'0'..=b'9') = s.bytes.get(s.pos) {
                s.pos += 1;
            }
            s.pos - start
        };
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        match self.bytes.get(self.pos) {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.bytes.get(self.pos) {
                    return Err(Stop::Invalid);
                }
            }
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(Stop::Invalid),
        }
        let mut plain = true;
        if self.bytes.get(self.pos) == Some(&b'.') {
            plain = false;
            self.pos += 1;
            if digits(self) == 0 {
                return Err(Stop::Invalid);
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            plain = false;
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(Stop::Invalid);
            }
        }
        Ok(plain)
    }
}

/// The variant the full check judges the root as ([`Policy::judge`]); `None` for `no_variant`,
/// `Invalid` for a variant other than the expected one.
#[cfg_attr(not(debug_assertions), inline(always))]
fn choose(policy: &Policy, settings: &Settings<'_>, present: u32) -> Step<Option<usize>> {
    match policy.judge(settings.expect, present) {
        Judgement::NoVariant => Ok(None),
        Judgement::Of(index) => Ok(Some(index)),
        Judgement::Unexpected { .. } => Err(Stop::Invalid),
        Judgement::NoSuchVariant => Err(Stop::Unsure),
    }
}

/// The verdict on a root judged as `chosen`, from its schema's result and its unlisted members.
fn verdict(
    policy: &Policy,
    settings: &Settings<'_>,
    chosen: usize,
    fail: u32,
    unlisted: u32,
) -> Verdict {
    if fail != 0 {
        Verdict::Invalid
    } else if unlisted != 0 {
        if settings.strict {
            Verdict::Invalid
        } else {
            Verdict::Valid
        }
    } else {
        Verdict::Clean(Some(policy.variants[chosen].variant))
    }
}

/// The member names of one object, for duplicates: the first few in place, the rest on the heap.
#[derive(Default)]
struct Names<'a> {
    few: [&'a [u8]; 16],
    len: usize,
    more: Vec<&'a [u8]>,
}

impl<'a> Names<'a> {
    /// Records a name; false when the object already has it.
    #[inline]
    fn insert(&mut self, name: &'a [u8]) -> bool {
        let same = |other: &&[u8]| same_bytes(other, name);
        if self.few[..self.len].iter().any(same) || self.more.iter().any(same) {
            return false;
        }
        if self.len < self.few.len() {
            self.few[self.len] = name;
            self.len += 1;
        } else {
            // Past a few names, a hash set keeps huge objects linear.
            if self.more.len() >= 64 {
                return self.insert_many(name);
            }
            self.more.push(name);
        }
        true
    }

    #[cold]
    fn insert_many(&mut self, name: &'a [u8]) -> bool {
        // Rebuild as a sorted list of names and binary-search it: no hashing of hostile input.
        let mut all: Vec<&[u8]> = self.few[..self.len]
            .iter()
            .chain(&self.more)
            .copied()
            .collect();
        all.sort_unstable();
        if all.binary_search(&name).is_ok() {
            return false;
        }
        self.more.push(name);
        true
    }
}

fn push_back(back: &mut [(u8, u8); MAX_ENTRIES], len: &mut usize, item: (u8, u8)) -> Step<()> {
    if *len == MAX_ENTRIES {
        return Err(Stop::Unsure);
    }
    back[*len] = item;
    *len += 1;
    Ok(())
}

/// Whether a value meets `enum` and `const`, given how it compares to a schema value.
fn allowed(r: &Rules, same: impl Fn(&serde_json::Value) -> bool) -> bool {
    r.enumeration
        .as_ref()
        .is_none_or(|values| values.iter().any(&same))
        && r.constant.as_ref().is_none_or(&same)
}

/// Adds `child` to the set (once); its index there.
fn push_child(set: &mut [Id; MAX_SET], len: &mut usize, child: Id) -> Step<u8> {
    if let Some(at) = set[..*len].iter().position(|&c| c == child) {
        return Ok(at as u8);
    }
    if *len == MAX_SET {
        return Err(Stop::Unsure);
    }
    set[*len] = child;
    *len += 1;
    Ok((*len - 1) as u8)
}

/// The text of a string's raw bytes (between the quotes), escapes decoded; `None` if an escape
/// is malformed (already refused by the scan).
fn decode(raw: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(raw).ok()?;
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices();
    let mut pending_high: Option<u16> = None;
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let (_, kind) = chars.next()?;
        let ch = match kind {
            '"' => '"',
            '\\' => '\\',
            '/' => '/',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'u' => {
                let hex = text.get(i + 2..i + 6)?;
                let unit = u16::from_str_radix(hex, 16).ok()?;
                for _ in 0..4 {
                    chars.next();
                }
                if (0xD800..0xDC00).contains(&unit) {
                    pending_high = Some(unit);
                    continue;
                }
                if let Some(high) = pending_high.take() {
                    let code =
                        0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
                    char::from_u32(code)?
                } else {
                    char::from_u32(u32::from(unit))?
                }
            }
            _ => return None,
        };
        out.push(ch);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::{Scanner, small_integer};
    use crate::plan::Plan;

    /// The one-pass integer reader values exactly what the number reader and `small_integer`
    /// do, and leaves to them (cursor unmoved) every text it does not take.
    #[test]
    fn small_integers_read_in_one_pass_as_the_number_reader_reads_them() {
        let plan = Plan {
            nodes: Vec::new(),
            engines: Vec::new(),
            layouts: Vec::new(),
            shapes: super::Shapes::default(),
        };
        let scanner = |bytes| Scanner {
            plan: &plan,
            bytes,
            pos: 0,
            max_depth: 8,
            formats: false,
            unlisted_matter: false,
            fails_depth: 0,
        };
        let texts: [&[u8]; 18] = [
            b"0",
            b"-0",
            b"7,",
            b"-12}",
            b"123456789012345678",
            b"-123456789012345678",
            b"1234567890123456789",
            b"01",
            b"-",
            b"-a",
            b"1.5",
            b"1e3",
            b"12E+1",
            b"9 ",
            b"00",
            b"",
            b"-00",
            b"2.",
        ];
        for text in texts {
            let mut fast = scanner(text);
            let got = fast.small_integer_here();
            let mut slow = scanner(text);
            let want = match slow.number() {
                Ok(true) => small_integer(&text[..slow.pos]),
                _ => None,
            };
            match got {
                Some(v) => {
                    assert_eq!(Some(v), want, "{text:?}");
                    assert_eq!(fast.pos, slow.pos, "{text:?}");
                }
                None => assert_eq!(fast.pos, 0, "{text:?}"),
            }
        }
        assert_eq!(
            scanner(b"-123456789012345678").small_integer_here(),
            Some(-123_456_789_012_345_678)
        );
        assert_eq!(scanner(b"1234567890123456789").small_integer_here(), None);
    }
}
