//! Remembered shapes: the fast verdict on a payload laid out byte for byte like one already
//! judged, apart from its values.
//!
//! The responses of one API operation come from one serializer: the same members in the same
//! order with the same spacing; only the values change. The scan of an object scanned alone
//! ([`super::Layout::single`]) takes from each member's value one thing, whether it fails the
//! member's schema; everything else it decides (which names are present, listed, required or
//! repeated, which variant the root is, the nesting and its depth) is fixed by the bytes
//! outside the values. So once a payload is judged, the next one with the same bytes outside
//! its values is judged by comparing those bytes and scanning each value against its member's
//! schema as the scan does ([`Scanner::member`]), then looking up the verdict remembered for
//! the values that failed: [`Shapes::recall`]. Nested objects scanned alone are part of the
//! shape; any other value (an array, an object of several schemas, an unlisted member's) is
//! scanned whole. Every value is read in full, so a hit is the verdict the scan gives; a
//! different byte, a value that cannot be read as before (a syntax error, a stop the scan
//! would leave to the full check) or failures never seen are a miss, and the scan runs as if
//! nothing were remembered. Without a contract, a value whose failure fails the payload ends
//! the replay as invalid, as it ends the scan.
//!
//! A plan remembers up to [`SLOTS`] shapes with up to [`OUTCOMES`] verdicts each, learnt from
//! the payloads the scan decides after a miss, [`ATTEMPTS`] of them at most. Debug builds,
//! every test suite among them, hold each remembered verdict against the full check as they
//! do every other verdict of the fast pass.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use super::{NO_LEAF, Scanner, Stop, Verdict};
use crate::parse::same_bytes;
use crate::plan::Id;
use crate::plan::check::{Policy, Settings};

/// Shapes remembered per plan. A miss costs a comparison of the key, and of the first bytes
/// of each shape of the same root.
const SLOTS: usize = 8;
/// Payloads a plan learns from at most, whether or not they have a shape to remember: a plan
/// whose payloads have none stops trying, and the shapes of a plan that meets many layouts
/// are those of its first payloads.
const ATTEMPTS: u32 = 64;
/// Longest run of bytes outside values that a shape keeps, and most values.
const MAX_SKELETON: usize = 16 * 1024;
const MAX_PARTS: usize = 256;

/// What a verdict depends on besides the payload: the shape holds for these only. Two words,
/// so that a slot is ruled out by two comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Key {
    /// The contract's policy, by address: it lives as long as the plan it was compiled with.
    policy: usize,
    /// The root (32 bits), the depth limit (24), strictness, formats and the expectation.
    packed: u64,
}

// The depth limit packs into 24 bits of a key.
const _: () = assert!(crate::options::Limits::MAX_DEPTH_CEILING < 1 << 24);

impl Key {
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(super) fn of(root: Id, settings: &Settings<'_>) -> Key {
        Key {
            policy: settings
                .policy
                .map_or(0, |p| std::ptr::from_ref(p) as usize),
            packed: u64::from(root)
                | (settings.limits.depth() as u64) << 32
                | u64::from(settings.strict) << 56
                | u64::from(settings.formats) << 57
                | (settings.expect as u64) << 58,
        }
    }
}

/// The shapes a plan remembers, shared by every thread that checks with it.
#[derive(Debug, Default)]
pub(crate) struct Shapes {
    slots: [OnceLock<Shape>; SLOTS],
    attempts: AtomicU32,
}

/// One remembered shape, and the verdicts on payloads of that shape by which of their values
/// failed.
#[derive(Debug)]
struct Shape {
    key: Key,
    /// The payload's bytes outside its values, in order.
    skeleton: Box<[u8]>,
    /// Each value: where it sits in `skeleton`, and how it is read.
    parts: Box<[Part]>,
    /// A value whose failure fails the payload (see [`Value::Member`]) ends the replay with
    /// that verdict, as it ends the scan: only without a contract's policy, whose root is
    /// judged once all its members are known.
    stops: bool,
    /// The verdicts seen, by the failed values (bit `i` for part `i`).
    outcomes: [OnceLock<Outcome>; OUTCOMES],
}

/// Verdicts per shape: valid, and the few ways its payloads break.
const OUTCOMES: usize = 4;
/// Bits for the failed values of one payload (up to [`MAX_PARTS`]).
type Failed = [u64; MAX_PARTS / 64];

#[derive(Debug, Clone, Copy)]
struct Outcome {
    failed: Failed,
    verdict: Verdict,
}

#[derive(Debug, PartialEq)]
struct Part {
    at: u32,
    value: Value,
}

/// A value of a shape, and how it is read.
#[derive(Debug, PartialEq)]
enum Value {
    /// A member's value against its schema, as [`Scanner::member`] scans it in an object at
    /// `depth` (`leaf` as the member's key gives it): whether it fails is all an object's
    /// verdict takes from it. `decisive`: its failure fails the payload.
    Member {
        id: Id,
        leaf: u8,
        depth: usize,
        decisive: bool,
    },
    /// A value no schema looks into (an unlisted member), at this depth: read for its syntax.
    Any { depth: usize },
}

/// When recalls hit less than one time in [`POOR`], a thread rests from recalling for [`REST`]
/// calls: a miss costs a partial replay per shape before the scan, and a stream of payloads
/// laid out in more ways than a plan keeps (optional members present or not, say) would pay it
/// on most payloads. Each miss adds one to a score and each hit takes `POOR - 1` off, so the
/// score climbs to [`PATIENCE`] only where misses outnumber hits `POOR - 1` to one; a thread
/// whose recalls mostly hit writes nothing.
const POOR: u32 = 4;
const PATIENCE: u32 = 256;
const REST: u32 = 4096;

/// Per thread, for the plan it last recalled with (by address: a stale one only costs speed).
#[derive(Clone, Copy)]
struct Odds {
    plan: usize,
    score: u32,
    resting: u32,
}

thread_local! {
    static ODDS: std::cell::Cell<Odds> = const {
        std::cell::Cell::new(Odds { plan: 0, score: 0, resting: 0 })
    };
}

impl Shapes {
    /// The verdict on `s`'s payload if it has a remembered shape, unless recalls have missed so
    /// often on this thread lately that it rests (see [`POOR`]).
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(super) fn recall(
        &self,
        s: &mut Scanner<'_>,
        root: Id,
        settings: &Settings<'_>,
    ) -> Option<Verdict> {
        // Slots fill in order: the first empty one ends the list (at once, for a plan with no
        // shape remembered).
        self.slots[0].get()?;
        let plan = std::ptr::from_ref(self) as usize;
        let mut odds = ODDS.get();
        let other = odds.plan != plan;
        if other {
            odds = Odds {
                plan,
                score: 0,
                resting: 0,
            };
        } else if odds.resting > 0 {
            odds.resting -= 1;
            ODDS.set(odds);
            return None;
        }
        let verdict = self.find(s, root, settings);
        match verdict {
            Some(_) if odds.score == 0 && !other => {}
            Some(_) => {
                odds.score = odds.score.saturating_sub(POOR - 1);
                ODDS.set(odds);
            }
            None => {
                odds.score += 1;
                if odds.score == PATIENCE {
                    odds.score = 0;
                    odds.resting = REST;
                }
                ODDS.set(odds);
            }
        }
        verdict
    }

    /// The verdict on `s`'s payload if it has a remembered shape.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn find(&self, s: &mut Scanner<'_>, root: Id, settings: &Settings<'_>) -> Option<Verdict> {
        let key = Key::of(root, settings);
        for slot in &self.slots {
            let shape = slot.get()?;
            if shape.key == key {
                s.pos = 0;
                let mut failed: Failed = [0; MAX_PARTS / 64];
                match s.replay(shape, &mut failed) {
                    Replay::Stopped(verdict) => return Some(verdict),
                    // Another shape may fit too (one with more spacing before a value).
                    Replay::Read => {
                        if let Some(verdict) = shape.verdict(&failed) {
                            return Some(verdict);
                        }
                    }
                    Replay::Other => {}
                }
            }
        }
        None
    }

    /// Whether learning from one more payload may be worth it: tries left (a full plan may
    /// still learn another verdict for a shape it keeps).
    #[inline]
    pub(super) fn learning(&self) -> bool {
        self.attempts.load(Ordering::Relaxed) < ATTEMPTS
    }

    /// Remembers the shape of `s`'s payload, on which the scan gave `verdict`, if it has one.
    pub(super) fn learn(
        &self,
        s: &mut Scanner<'_>,
        settings: &Settings<'_>,
        root: Id,
        verdict: Verdict,
    ) {
        self.attempts.fetch_add(1, Ordering::Relaxed);
        let key = Key::of(root, settings);
        if verdict == Verdict::Unsure {
            return;
        }
        s.pos = 0;
        let mut cuts = Vec::new();
        if s.walk(settings, root, &mut cuts).is_none() {
            return;
        }
        let values: usize = cuts.iter().map(|(start, end, ..)| end - start).sum();
        if s.bytes.len() - values > MAX_SKELETON {
            return;
        }
        let (shape, failed) = Shape::cut(s.bytes, cuts, key, settings.policy.is_none());
        let outcome = Outcome { failed, verdict };
        for slot in &self.slots {
            match slot.get() {
                Some(known) if known.same(&shape) => return known.add(outcome),
                Some(_) => {}
                None => {
                    // Another thread may fill the slot first: then this shape is not kept,
                    // which only costs speed.
                    if slot.set(shape).is_ok()
                        && let Some(kept) = slot.get()
                    {
                        kept.add(outcome);
                    }
                    return;
                }
            }
        }
    }
}

impl Shape {
    /// The shape of `bytes` whose values sit at `cuts` (start, end, how read, whether failed),
    /// and its failed values.
    fn cut(
        bytes: &[u8],
        cuts: Vec<(usize, usize, Value, bool)>,
        key: Key,
        stops: bool,
    ) -> (Shape, Failed) {
        let mut skeleton = Vec::new();
        let mut parts = Vec::with_capacity(cuts.len());
        let mut failed: Failed = [0; MAX_PARTS / 64];
        let mut from = 0;
        for (i, (start, end, value, fails)) in cuts.into_iter().enumerate() {
            skeleton.extend_from_slice(&bytes[from..start]);
            parts.push(Part {
                at: skeleton.len() as u32,
                value,
            });
            failed[i / 64] |= u64::from(fails) << (i % 64);
            from = end;
        }
        skeleton.extend_from_slice(&bytes[from..]);
        let shape = Shape {
            key,
            skeleton: skeleton.into(),
            parts: parts.into(),
            stops,
            outcomes: Default::default(),
        };
        (shape, failed)
    }

    /// Whether two shapes are one (their outcomes aside).
    fn same(&self, other: &Shape) -> bool {
        self.key == other.key && self.skeleton == other.skeleton && self.parts == other.parts
    }

    /// Keeps the verdict for payloads whose failed values are `outcome.failed`, in a free
    /// place if it is new.
    fn add(&self, outcome: Outcome) {
        for place in &self.outcomes {
            let known = place.get_or_init(|| outcome);
            if known.failed == outcome.failed {
                return;
            }
        }
    }

    /// The verdict remembered for these failed values.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn verdict(&self, failed: &Failed) -> Option<Verdict> {
        for place in &self.outcomes {
            let known = place.get()?;
            if known.failed == *failed {
                return Some(known.verdict);
            }
        }
        None
    }
}

/// How a replay ended.
enum Replay {
    /// Another shape, or a value that could not be read as before.
    Other,
    /// This shape, every value read.
    Read,
    /// A decisive value failed: the verdict, as the scan gives it at that point.
    Stopped(Verdict),
}

impl Scanner<'_> {
    /// Whether the payload has `shape`: the same bytes outside its values, each value read
    /// as before; `failed` gets the values that fail.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn replay(&mut self, shape: &Shape, failed: &mut Failed) -> Replay {
        let skeleton = &shape.skeleton[..];
        let mut from = 0;
        for (i, part) in shape.parts.iter().enumerate() {
            let at = part.at as usize;
            if !self.same(&skeleton[from..at]) {
                return Replay::Other;
            }
            from = at;
            match part.value {
                // Where a failure fails the payload and ends the scan, it ends the replay too
                // (`must` 1, as the scan calls it); elsewhere the bit is kept (`must` 0).
                Value::Member {
                    id,
                    leaf,
                    depth,
                    decisive,
                } => {
                    let stops = decisive && shape.stops;
                    match self.member(id, leaf, u32::from(stops), depth) {
                        Ok(0) => {}
                        Ok(_) => failed[i / 64] |= 1 << (i % 64),
                        Err(Stop::Fails) => return Replay::Stopped(Verdict::Invalid),
                        Err(_) => return Replay::Other,
                    }
                }
                Value::Any { depth } => {
                    if self.skip(depth).is_err() {
                        return Replay::Other;
                    }
                }
            }
        }
        if self.same(&skeleton[from..]) && self.pos == self.bytes.len() {
            Replay::Read
        } else {
            Replay::Other
        }
    }

    /// Whether the payload's next bytes are `expected`, read past if so.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn same(&mut self, expected: &[u8]) -> bool {
        let end = self.pos + expected.len();
        let Some(found) = self.bytes.get(self.pos..end) else {
            return false;
        };
        // Runs between values are short (a name with its quotes, colon and spacing): up to 32
        // bytes, two overlapping 16-byte words and no call to `memcmp`.
        let n = expected.len();
        let word =
            |s: &[u8], at: usize| -> [u8; 16] { s[at..at + 16].try_into().unwrap_or([0; 16]) };
        let same = if (16..=32).contains(&n) {
            word(found, 0) == word(expected, 0) && word(found, n - 16) == word(expected, n - 16)
        } else {
            same_bytes(found, expected)
        };
        if same {
            self.pos = end;
        }
        same
    }

    /// The payload's values, as `(start, end, how judged)`, when its verdict is a function of
    /// its other bytes and of how each value is judged; `None` otherwise. Follows the scan:
    /// the contract's guessed variant (which must be the variant judged), else the root.
    fn walk(
        &mut self,
        settings: &Settings<'_>,
        root: Id,
        cuts: &mut Vec<(usize, usize, Value, bool)>,
    ) -> Option<()> {
        self.ws();
        if self.byte().ok()? != b'{' {
            return None;
        }
        match settings.policy {
            None => self.walk_object(root, 1, true, None, cuts)?,
            Some(policy) => {
                let guess = self.guess(policy)?;
                let mut present = 0u32;
                let root = Some((policy, &mut present));
                self.walk_object(policy.schemas[guess], 1, true, root, cuts)?;
                if super::choose(policy, settings, present).ok()? != Some(guess) {
                    return None;
                }
            }
        }
        self.ws();
        (self.pos == self.bytes.len()).then_some(())
    }

    /// An object at `{` against `schema`, as [`Scanner::object_single`] scans it; `needed`:
    /// its failure fails the payload.
    fn walk_object(
        &mut self,
        schema: Id,
        depth: usize,
        needed: bool,
        mut root: Option<(&Policy, &mut u32)>,
        cuts: &mut Vec<(usize, usize, Value, bool)>,
    ) -> Option<()> {
        let layout = &self.plan.layouts[schema as usize];
        if !layout.single || layout.unsure || layout.container_unsure || depth > self.max_depth {
            return None;
        }
        self.pos += 1;
        if self.peek().ok()? == b'}' {
            self.pos += 1;
            return Some(());
        }
        loop {
            let (name, head) = self.name().ok()?;
            let key = layout.find(name, head).map(|i| &layout.keys[i]);
            if let Some((policy, present)) = root.as_mut() {
                **present |= match key {
                    Some(k) if layout.marked => k.marks,
                    _ => policy.marks_of(name),
                };
            }
            // A shape has a bounded number of values: a larger payload is not remembered,
            // and is not walked further.
            if cuts.len() == MAX_PARTS {
                return None;
            }
            let first = self.peek().ok()?;
            let start = self.pos;
            match key.and_then(|k| k.member).or(layout.additional_member) {
                None => {
                    self.skip(depth).ok()?;
                    cuts.push((start, self.pos, Value::Any { depth }, false));
                }
                Some(m) => {
                    let decisive = needed && m.decisive;
                    let leaf = m.leaf[usize::from(self.formats)];
                    let child = &self.plan.layouts[m.id as usize];
                    match first {
                        // A literal is part of the shape: the same word, judged the same.
                        b't' | b'f' | b'n' => self.skip(depth).ok()?,
                        // An object scanned alone: its names and spacing are part of the shape
                        // too, its values are values of the shape.
                        b'{' if leaf == NO_LEAF
                            && child.single
                            && !child.unsure
                            && !child.container_unsure =>
                        {
                            self.walk_object(m.id, depth + 1, decisive, None, cuts)?;
                        }
                        _ => {
                            let failed = self.member(m.id, leaf, 0, depth).ok()? & 1 == 1;
                            let value = Value::Member {
                                id: m.id,
                                leaf,
                                depth,
                                decisive,
                            };
                            cuts.push((start, self.pos, value, failed));
                        }
                    }
                }
            }
            if self.separator(b'}').ok()? {
                return Some(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Scanner, Verdict, scan};
    use crate::contract::{self, Contract};
    use crate::options::{Expect, Limits};
    use crate::plan::check::{self, Policy, Settings};
    use crate::plan::{Id, Plan};
    use crate::report::Report;

    fn settings<'p>(policy: Option<&'p Policy>, expect: Expect, strict: bool) -> Settings<'p> {
        Settings {
            limits: Limits::DEFAULT,
            redact: false,
            strict,
            formats: false,
            shapes: true,
            expect,
            policy,
        }
    }

    /// The remembered verdict on `payload`, if any, without scanning.
    fn recalled(plan: &Plan, root: Id, payload: &[u8], settings: &Settings<'_>) -> Option<Verdict> {
        let mut s = Scanner {
            plan,
            bytes: payload,
            pos: 0,
            max_depth: settings.limits.depth(),
            formats: settings.formats,
            unlisted_matter: settings.policy.is_some_and(|p| p.report_unlisted),
            fails_depth: 0,
        };
        plan.shapes.find(&mut s, root, settings)
    }

    /// Whether a fast verdict says what the full report says (as `Plan::assert_agrees`);
    /// `Unsure` says nothing.
    fn agrees(verdict: Verdict, report: &Report) -> bool {
        match verdict {
            Verdict::Clean(variant) => report.violations.is_empty() && report.variant == variant,
            Verdict::Valid => report.is_valid(),
            Verdict::Invalid => !report.is_valid(),
            Verdict::Unsure => true,
        }
    }

    /// Values put in place of a learnt payload's values: strings plain, escaped, wide, empty,
    /// broken (a lone surrogate, a raw control character, a bad escape, bytes that are not
    /// UTF-8, no closing quote), numbers of every form and some that are not numbers,
    /// literals, containers.
    const VALUES: &[&[u8]] = &[
        b"\"\"",
        b"\"x\"",
        b"\"CS2009141523OQSEQ\"",
        b"\"a longer value, past sixteen and past thirty-two bytes\"",
        "\"é\"".as_bytes(),
        b"\"\\u00e9\\n\\\"\"",
        b"\"\\ud83d\\ude00\"",
        b"\"\\ud800\"",
        b"\"\\udc00x\"",
        b"\"tab\there\"",
        b"\"\\x\"",
        b"\"\xff\xfe\"",
        b"\"\xc3\"",
        b"\"open",
        b"0",
        b"-0",
        b"400",
        b"01",
        b"1.5",
        b"-2e3",
        b"1e400",
        b"123456789012345678901234567890",
        b"1.",
        b"-",
        b"true",
        b"false",
        b"null",
        b"nul",
        b"{}",
        b"[]",
        b"{\"code\": 1}",
        b"[1, \"2\"]",
    ];

    /// Layouts of the Order ID Response and its break, with `@` where values go.
    const ORDER_ID_LAYOUTS: &[&str] = &[
        r#"{"order_id": @, "job_id": @}"#,
        r#"{"job_id":@,"order_id":@}"#,
        r#"{"error": {"message": @, "code": @}}"#,
        "{\n  \"error\": {\n    \"code\": @,\n    \"message\": @\n  }\n}\n",
        r#"{"order_id": @, "job_id": @, "request_id": @}"#,
        r#"{"error": {"message": @, "code": @, "region": @}}"#,
        r#"{"order_id": @}"#,
        r#"{"error": @}"#,
        r#" {"order_id": @, "job_id": @, "error": {"message": @, "code": @}} "#,
    ];

    fn fill(layout: &str, values: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut values = values.iter().cycle();
        for (i, piece) in layout.split('@').enumerate() {
            if i > 0 {
                out.extend_from_slice(values.next().copied().unwrap_or(b"null"));
            }
            out.extend_from_slice(piece.as_bytes());
        }
        out
    }

    /// A plan that learnt the shape of a payload gives, for every payload laid out alike with
    /// other values (valid or not, of the same type or not, well-formed or not), either no
    /// verdict or the full check's, under every expectation and strictness; and it does give
    /// one where each value is replaced by another of the same kind.
    #[test]
    fn remembered_verdicts_equal_the_full_checks_on_payloads_laid_out_alike() {
        let mut hits = 0usize;
        let mut tried = 0usize;
        for expect in [Expect::Either, Expect::Normal, Expect::Abnormal] {
            for strict in [false, true] {
                for layout in ORDER_ID_LAYOUTS {
                    // A fresh plan for each learnt payload: the shapes of earlier ones do not
                    // answer for it.
                    let compiled = contract::fresh(Contract::OrderIdResponse);
                    let (plan, policy) = (&compiled.plan, &compiled.policy);
                    let settings = settings(Some(policy), expect, strict);
                    let learnt = fill(layout, &[b"\"CS2009141523OQSEQ\"", b"\"BMS.0001\""]);
                    let first = scan(plan, policy.root, &learnt, &settings);
                    assert!(agrees(
                        first,
                        &check::check(plan, policy.root, &learnt, &settings)
                    ));
                    let slots = layout.matches('@').count();
                    for (i, a) in VALUES.iter().enumerate() {
                        for b in VALUES.iter().skip(i % 5).step_by(5) {
                            let mut values = vec![*a, *b, *a];
                            values.truncate(slots.max(1));
                            let payload = fill(layout, &values);
                            let report = check::check(plan, policy.root, &payload, &settings);
                            tried += 1;
                            if let Some(verdict) = recalled(plan, policy.root, &payload, &settings)
                            {
                                hits += 1;
                                assert!(
                                    verdict != Verdict::Unsure && agrees(verdict, &report),
                                    "remembered {verdict:?} where the full check found {report:?}\n\
                                     learnt {:?}, asked {:?}, {expect:?}, strict {strict}",
                                    String::from_utf8_lossy(&learnt),
                                    String::from_utf8_lossy(&payload),
                                );
                            }
                            let verdict = scan(plan, policy.root, &payload, &settings);
                            assert!(agrees(verdict, &report), "{verdict:?} {report:?}");
                        }
                    }
                    // Plain strings in every place: the learnt shape answers, in the layouts
                    // it can (not an unlisted member in `error`, which the scan leaves to the
                    // full check; not both variants' members, where the first member does not
                    // tell the variant judged).
                    let other = fill(layout, &[b"\"x\"", b"\"\\u00e9 and more\""]);
                    let remembered = recalled(plan, policy.root, &other, &settings);
                    if expect == Expect::Either && !layout.contains("region") {
                        assert_eq!(
                            remembered.is_some(),
                            !layout.starts_with(' '),
                            "{layout:?} strict {strict}"
                        );
                    }
                }
            }
        }
        // Most replacements change a value's type or break it: misses. Enough must hit for
        // the comparison above to mean something.
        assert!(hits * 20 > tried, "{hits} remembered verdicts of {tried}");
    }

    /// A shape answers only for the settings it was learnt under, and only for the same bytes
    /// between values: other spacing, another member order or a member more is a miss.
    #[test]
    fn shapes_answer_only_for_their_settings_and_their_bytes() {
        let compiled = contract::fresh(Contract::OrderIdResponse);
        let (plan, policy) = (&compiled.plan, &compiled.policy);
        let lenient = settings(Some(policy), Expect::Either, false);
        let strict = settings(Some(policy), Expect::Either, true);
        let abnormal = settings(Some(policy), Expect::Abnormal, false);
        // An unlisted member: a warning (valid) when lenient, an error when strict.
        let payload = br#"{"order_id": "a", "job_id": "b", "extra": 1}"#;
        assert_eq!(scan(plan, policy.root, payload, &lenient), Verdict::Valid);
        let same = br#"{"order_id": "c", "job_id": "d", "extra": [true]}"#;
        assert_eq!(
            recalled(plan, policy.root, same, &lenient),
            Some(Verdict::Valid)
        );
        assert_eq!(recalled(plan, policy.root, same, &strict), None);
        assert_eq!(scan(plan, policy.root, same, &strict), Verdict::Invalid);
        assert_eq!(recalled(plan, policy.root, same, &abnormal), None);
        for other in [
            &br#"{"order_id": "c",  "job_id": "d", "extra": 1}"#[..],
            br#"{"job_id": "d", "order_id": "c", "extra": 1}"#,
            br#"{"order_id": "c", "job_id": "d", "extra": 1, "more": 2}"#,
            br#"{"order_id": "c", "job_id": "d", "extra": 1} "#,
            br#"{"order_id": "c", "job_id": "d", "extra": 1"#,
            br#"{"order_id": "c", "job_id": "d", "extrb": 1}"#,
        ] {
            assert_eq!(
                recalled(plan, policy.root, other, &lenient),
                None,
                "{other:?}"
            );
        }
        // Turned off, nothing is recalled or learnt.
        let off = Settings {
            shapes: false,
            ..settings(Some(policy), Expect::Normal, false)
        };
        let fresh = contract::fresh(Contract::OrderIdResponse);
        assert_eq!(
            scan(&fresh.plan, fresh.policy.root, payload, &off),
            Verdict::Valid
        );
        assert!(fresh.plan.shapes.slots[0].get().is_none());
    }

    /// A plan whose payloads have no shape to remember (an unlisted member in `error`, which
    /// the scan leaves to the full check, here) stops trying after a bounded number of
    /// payloads, and a plan keeps at most its slots' worth of shapes.
    #[test]
    fn learning_is_bounded() {
        let compiled = contract::fresh(Contract::OrderIdResponse);
        let (plan, policy) = (&compiled.plan, &compiled.policy);
        let settings = settings(Some(policy), Expect::Either, false);
        let payload = br#"{"error": {"message": "a", "code": "b", "region": 1}}"#;
        assert_eq!(scan(plan, policy.root, payload, &settings), Verdict::Unsure);
        for _ in 0..super::ATTEMPTS + 10 {
            scan(plan, policy.root, payload, &settings);
        }
        assert!(!plan.shapes.learning());
        assert!(plan.shapes.slots[0].get().is_none());

        // More values than a shape holds, or more bytes between them: not remembered.
        let many: String = (0..=super::MAX_PARTS)
            .map(|i| format!(r#", "m{i}": 1"#))
            .collect();
        let long = " ".repeat(super::MAX_SKELETON);
        for payload in [
            format!(r#"{{"order_id": "a", "job_id": "b"{many}}}"#),
            format!(r#"{{"order_id": "a",{long}"job_id": "b"}}"#),
        ] {
            let compiled = contract::fresh(Contract::OrderIdResponse);
            let (plan, policy) = (&compiled.plan, &compiled.policy);
            let settings = self::settings(Some(policy), Expect::Either, false);
            let verdict = scan(plan, policy.root, payload.as_bytes(), &settings);
            assert!(matches!(verdict, Verdict::Valid | Verdict::Clean(_)));
            assert!(plan.shapes.slots[0].get().is_none());
        }

        let compiled = contract::fresh(Contract::OrderIdResponse);
        let (plan, policy) = (&compiled.plan, &compiled.policy);
        let settings = self::settings(Some(policy), Expect::Either, false);
        // Spacing is part of a shape (only more of it before a value than the learnt payload
        // had is read as the value's first step, as the scan reads it).
        for spaces in 0..super::SLOTS + 4 {
            let payload = format!(r#"{{"order_id":"a",{}"job_id": "b"}}"#, " ".repeat(spaces));
            assert!(matches!(
                scan(plan, policy.root, payload.as_bytes(), &settings),
                Verdict::Clean(_)
            ));
        }
        assert!(plan.shapes.slots.iter().all(|slot| slot.get().is_some()));
        let unseen = format!(
            r#"{{"order_id":"a",{}"job_id": "b"}}"#,
            " ".repeat(super::SLOTS + 2)
        );
        assert_eq!(
            recalled(plan, policy.root, unseen.as_bytes(), &settings),
            None
        );
    }

    /// Values are remembered by whether they fail their schema: where numbers and strings
    /// both pass, a number answers for a string; a value that fails where its failure fails
    /// the payload (a fraction or a string where only integers pass) ends the replay as
    /// invalid, as it ends the scan; a value that is not JSON, or other spacing, is a miss.
    #[test]
    fn values_are_remembered_by_whether_they_fail() {
        let value = serde_json::json!({
            "type": "object",
            "properties": {"n": {"type": "integer"}, "x": {"type": ["number", "string"]}}
        });
        let docs = [crate::plan::Document {
            uri: "https://example.invalid/s.json".into(),
            name: "s.json".into(),
            value,
            kind: crate::plan::DocKind::Schema,
        }];
        let (plan, ids) = crate::plan::compile::compile(&docs, &[0]).expect("compiles");
        let root = ids[0];
        let settings = settings(None, Expect::Either, false);
        let learnt = br#"{"n": 7, "x": 1}"#;
        assert_eq!(scan(&plan, root, learnt, &settings), Verdict::Clean(None));
        let cases = [
            (&br#"{"n": -70, "x": 2.5}"#[..], Some(Verdict::Clean(None))),
            (br#"{"n": 1e2, "x": 1e400}"#, Some(Verdict::Clean(None))),
            (br#"{"n": 2.5, "x": 1}"#, Some(Verdict::Invalid)),
            (br#"{"n": 7, "x": "1"}"#, Some(Verdict::Clean(None))),
            (br#"{"n": 7, "x": null}"#, Some(Verdict::Invalid)),
            (br#"{"n": "7", "x": 1}"#, Some(Verdict::Invalid)),
            (br#"{"n": 7, "x": [}"#, None),
            (br#"{"n": 07, "x": 1}"#, None),
            (br#"{"n":7,"x":1}"#, None),
            (b"{\"n\":\t7, \"x\":\n1}", None),
            (br#"{"n":  7, "x":   1}"#, Some(Verdict::Clean(None))),
        ];
        for (payload, expected) in cases {
            assert_eq!(
                recalled(&plan, root, payload, &settings),
                expected,
                "{payload:?}"
            );
        }
        // Scanned, each learns its own shape (the failing ones too), which answers alike.
        for (payload, _) in cases {
            let report = check::check(&plan, root, payload, &settings);
            assert!(agrees(scan(&plan, root, payload, &settings), &report));
            if let Some(verdict) = recalled(&plan, root, payload, &settings) {
                assert!(agrees(verdict, &report), "{payload:?}");
            }
        }
    }

    /// A thread whose recalls mostly miss (four in five, here) rests from recalling for a
    /// while, then tries again; one whose recalls hit keeps recalling.
    #[test]
    fn recalling_rests_where_it_mostly_misses() {
        let compiled = contract::fresh(Contract::OrderIdResponse);
        let (plan, policy) = (&compiled.plan, &compiled.policy);
        let settings = settings(Some(policy), Expect::Either, false);
        let known = br#"{"order_id": "a", "job_id": "b"}"#;
        let other = br#"{"order_id": "a",  "job_id": "b"}"#;
        assert!(matches!(
            scan(plan, policy.root, known, &settings),
            Verdict::Clean(_)
        ));
        let recall = |payload: &[u8]| {
            let mut s = Scanner {
                plan,
                bytes: payload,
                pos: 0,
                max_depth: settings.limits.depth(),
                formats: false,
                unlisted_matter: true,
                fails_depth: 0,
            };
            plan.shapes.recall(&mut s, policy.root, &settings)
        };
        // Each on a thread of its own: the odds are kept per thread.
        std::thread::scope(|threads| {
            threads.spawn(|| {
                for _ in 0..super::PATIENCE * 4 {
                    assert!(recall(known).is_some());
                }
            });
            threads.spawn(|| {
                // Four misses to a hit: the score climbs by one a round, and the thread rests
                // once it reaches its patience (a hit then gets no answer).
                let mut rounds = 0;
                while recall(known).is_some() {
                    for _ in 0..4 {
                        assert_eq!(recall(other), None);
                    }
                    rounds += 1;
                    assert!(rounds <= super::PATIENCE, "never rests");
                }
                for _ in 1..super::REST {
                    assert_eq!(recall(known), None, "resting");
                }
                assert!(recall(known).is_some());
            });
        });
    }
}
