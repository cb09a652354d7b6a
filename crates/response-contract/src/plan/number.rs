//! Exact decimal numbers as written in JSON.
//!
//! Keywords such as `minimum` or `multipleOf` must judge the number the payload *wrote*, not the
//! nearest `f64`: a 20-digit id would otherwise compare equal to its neighbour, `0.0075` would not
//! be a multiple of `0.0001`, and `1e400` would become infinity. So a number is kept as its digit
//! text plus a decimal exponent, and every operation here is exact.
//!
//! Representation: a non-zero value is `±0.d₁d₂…dₙ × 10^point` with `d₁ ≠ 0` and `dₙ ≠ 0` (leading
//! and trailing zeros stripped), which makes it canonical: `1.10`, `1.1` and `11e-1` have the same
//! digits and point, `-0` is zero. The digits are borrowed from the payload in up to two slices
//! (the integer part and the fraction part, with the decimal point between them), so a view costs
//! no allocation.
//!
//! Exponents are clamped to ±2⁶², far beyond anything a finite payload can make meaningful; two
//! numbers that differ only past that bound (`1e99999999999999999999` vs `1e99999999999999999998`)
//! compare equal. Point arithmetic is done in `i128`, so the clamp plus any digit count stays exact.
//!
//! The checker calls the free functions (`compare`, `is_integer`, `is_multiple_of`, `equal`) on
//! payload text and schema-side `Bound`s; they sit on `Decimal`, the borrowed view, and
//! `OwnedDecimal`, its owned form. Only `is_multiple_of` with a divisor of more than 37
//! significant digits allocates (big-integer remainders).

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use num_bigint::BigUint;

/// A schema-side bound (`minimum`, `multipleOf`, …): the text that messages quote and its exact
/// value.
#[derive(Clone, Debug)]
pub(crate) struct Bound {
    text: Box<str>,
    /// `None` only if serde_json printed something outside the number grammar, which it does
    /// not; every comparison with such a bound then fails rather than guessing.
    value: Option<OwnedDecimal>,
    /// The bound as an `i64` when it is a plain integer, for the fast path of `compare`.
    small: Option<i64>,
}

impl Bound {
    /// From a schema value. serde_json prints integers as written and floats in shortest
    /// round-trip form, so `0.1` stays the decimal `0.1`.
    pub(crate) fn from_json(number: &serde_json::Number) -> Bound {
        let text = number.to_string();
        let value = OwnedDecimal::parse(&text);
        let small = number.as_i64();
        Bound {
            text: text.into(),
            value,
            small,
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }
}

/// The payload number `text` against `bound`, exactly; `None` when `text` is not a JSON number.
pub(crate) fn compare(text: &[u8], bound: &Bound) -> Option<Ordering> {
    if let (Some(small), Some(value)) = (bound.small, plain_i64(text)) {
        return Some(value.cmp(&small));
    }
    Some(Decimal::parse(text)?.cmp_exact(&bound.value.as_ref()?.as_decimal()))
}

/// Whether the payload number `text` has no fractional part (`1.0` and `1e3` do not).
pub(crate) fn is_integer(text: &[u8]) -> bool {
    Decimal::parse(text).is_some_and(|d| d.is_integer())
}

/// Whether the payload number `text` is an integer multiple of `divisor`, exactly.
pub(crate) fn is_multiple_of(text: &[u8], divisor: &Bound) -> bool {
    match (Decimal::parse(text), &divisor.value) {
        (Some(value), Some(divisor)) => value.is_multiple_of(&divisor.as_decimal()),
        _ => false,
    }
}

/// JSON equality of two number texts (`enum`, `const`, `uniqueItems`): `1.0` equals `1`.
pub(crate) fn equal(a: &[u8], b: &[u8]) -> bool {
    match (Decimal::parse(a), Decimal::parse(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// Plain integer text of at most 18 digits (always within `i64`), read without canonicalising.
fn plain_i64(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    if digits.is_empty() || digits.len() > 18 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if digits.len() > 1 && digits[0] == b'0' {
        return None;
    }
    let magnitude = digits
        .iter()
        .fold(0i64, |v, d| v * 10 + i64::from(d - b'0'));
    Some(if negative { -magnitude } else { magnitude })
}

/// Largest exponent magnitude kept; larger written exponents saturate here.
const EXPONENT_CLAMP: i64 = 1 << 62;

/// A JSON number viewed in place: canonical digits borrowed from the text, no allocation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Decimal<'a> {
    /// Always false for zero, so that `-0` and `0` are the same value.
    negative: bool,
    /// Significant digits (ASCII) that came from the integer part.
    head: &'a [u8],
    /// Significant digits that follow `head`; together they have no leading or trailing zero.
    tail: &'a [u8],
    /// Value is `0.(head tail) × 10^point`; meaningless for zero.
    point: i128,
}

/// A schema-side number, owning its canonical digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct OwnedDecimal {
    negative: bool,
    digits: Box<[u8]>,
    point: i128,
}

impl<'a> Decimal<'a> {
    /// Reads text in the RFC 8259 number grammar; `None` for anything else (including
    /// surrounding whitespace), never a panic.
    pub(crate) fn parse(text: &'a [u8]) -> Option<Self> {
        let (negative, rest) = match text.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, text),
        };
        let int_len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        let int = &rest[..int_len];
        if int.is_empty() || (int.len() > 1 && int[0] == b'0') {
            return None;
        }
        let mut rest = &rest[int_len..];
        let mut frac: &[u8] = &[];
        if let Some((b'.', after)) = rest.split_first() {
            let len = after.iter().take_while(|b| b.is_ascii_digit()).count();
            if len == 0 {
                return None;
            }
            frac = &after[..len];
            rest = &after[len..];
        }
        let mut exponent: i64 = 0;
        if let Some((b'e' | b'E', after)) = rest.split_first() {
            let (exp_negative, digits) = match after.split_first() {
                Some((b'-', d)) => (true, d),
                Some((b'+', d)) => (false, d),
                _ => (false, after),
            };
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            for &d in digits {
                exponent = exponent
                    .saturating_mul(10)
                    .saturating_add(i64::from(d - b'0'));
            }
            exponent = exponent.min(EXPONENT_CLAMP);
            if exp_negative {
                exponent = -exponent;
            }
            rest = &[];
        }
        if !rest.is_empty() {
            return None;
        }
        Some(Self::from_parts(negative, int, frac, exponent))
    }

    /// Canonicalises `int.frac × 10^exponent` (both digit strings, possibly with zeros).
    fn from_parts(negative: bool, int: &'a [u8], frac: &'a [u8], exponent: i64) -> Self {
        let int_zeros = int.iter().take_while(|&&b| b == b'0').count();
        let mut head = &int[int_zeros..];
        let mut tail = frac;
        // The point sits after the integer digits; leading zeros stripped from the fraction
        // move it left.
        let mut point = head.len() as i128 + i128::from(exponent);
        if head.is_empty() {
            let frac_zeros = tail.iter().take_while(|&&b| b == b'0').count();
            tail = &tail[frac_zeros..];
            point -= frac_zeros as i128;
        }
        let trim = |s: &'a [u8]| &s[..s.len() - s.iter().rev().take_while(|&&b| b == b'0').count()];
        tail = trim(tail);
        if tail.is_empty() {
            head = trim(head);
        }
        let zero = head.is_empty() && tail.is_empty();
        Self {
            negative: negative && !zero,
            head,
            tail,
            point: if zero { 0 } else { point },
        }
    }

    fn is_zero(&self) -> bool {
        self.len() == 0
    }

    /// True when the value has no fractional part, as JSON Schema defines `integer` (`1.0`,
    /// `1e3` and `-0` are integers, `1.5e0` is not).
    pub(crate) fn is_integer(&self) -> bool {
        self.is_zero() || self.len() as i128 <= self.point
    }

    /// Exact total order of the two values, without allocation.
    pub(crate) fn cmp_exact(&self, other: &Decimal<'_>) -> Ordering {
        match (self.sign(), other.sign()) {
            (a, b) if a != b => return a.cmp(&b),
            (0, _) => return Ordering::Equal,
            _ => {}
        }
        let magnitude = self
            .point
            .cmp(&other.point)
            .then_with(|| self.digits().cmp(other.digits()));
        if self.negative {
            magnitude.reverse()
        } else {
            magnitude
        }
    }

    /// Whether `self / divisor` is an integer, exactly. Uses the divisor's magnitude; a zero
    /// divisor gives false (schemas must reject `multipleOf: 0`).
    ///
    /// With `self = A·10^ea` and `divisor = D·10^ed` (A, D without trailing zeros), the question
    /// is whether `D | A·10^k` for `k = ea − ed`. A negative `k` asks for `10 | A`, impossible.
    /// For `k ≥ 0` only the powers of 2 and 5 in `D` (at most log₂ D of them) can be absorbed by
    /// `10^k`, so `k` can be capped at that count and `10^k` is never built: `1e999999999` costs
    /// as much as `1e200`.
    pub(crate) fn is_multiple_of(&self, divisor: &Decimal<'_>) -> bool {
        if divisor.is_zero() {
            return false;
        }
        if self.is_zero() {
            return true;
        }
        let k = (self.point - self.len() as i128) - (divisor.point - divisor.len() as i128);
        if k < 0 {
            return false;
        }
        match divisor.small_mantissa() {
            Some(d) => {
                // Capped so a 10^k factor covers every 2 and 5 of d (d < 2^124).
                let k = k.min(124) as u32;
                let mut r = self.mantissa_mod(d);
                for _ in 0..k {
                    r = (r * 10) % d;
                }
                r == 0
            }
            None => self.is_multiple_of_big(divisor, k),
        }
    }

    fn is_multiple_of_big(&self, divisor: &Decimal<'_>, k: i128) -> bool {
        let d = digits_to_big(divisor.digits());
        // log2(D) < 4 × its digit count, which bounds the 2s and 5s in D.
        let cap = (divisor.len() as i128).saturating_mul(4);
        let k = k.min(cap) as usize;
        let ten = BigUint::from(10u32);
        let chunk = BigUint::from(10u64.pow(19));
        let mut r = BigUint::ZERO;
        let mut digits = self.digits().peekable();
        while digits.peek().is_some() {
            let mut value = 0u64;
            let mut width = 0u32;
            while width < 19 {
                let Some(dg) = digits.next() else { break };
                value = value * 10 + u64::from(dg);
                width += 1;
            }
            let scale = if width == 19 {
                chunk.clone()
            } else {
                BigUint::from(10u64.pow(width))
            };
            r = (r * scale + value) % &d;
        }
        for _ in 0..k {
            r = (r * &ten) % &d;
        }
        r == BigUint::ZERO
    }

    /// The significand `D` as an integer when `D·10 + 9` still fits a `u128`.
    fn small_mantissa(&self) -> Option<u128> {
        const LIMIT: u128 = (u128::MAX - 9) / 10;
        let mut value: u128 = 0;
        for d in self.digits() {
            if value > LIMIT / 10 {
                return None;
            }
            value = value * 10 + u128::from(d);
        }
        (value <= LIMIT).then_some(value)
    }

    /// `A mod d` by Horner's rule over the digits; `d < 2^124` keeps `r·10 + 9` in range.
    fn mantissa_mod(&self, d: u128) -> u128 {
        if self.len() <= 38 {
            let mut value: u128 = 0;
            for dg in self.digits() {
                value = value * 10 + u128::from(dg);
            }
            return value % d;
        }
        self.digits()
            .fold(0u128, |r, dg| (r * 10 + u128::from(dg)) % d)
    }

    fn sign(&self) -> i8 {
        if self.is_zero() {
            0
        } else if self.negative {
            -1
        } else {
            1
        }
    }

    fn len(&self) -> usize {
        self.head.len() + self.tail.len()
    }

    /// Significant digits as values 0–9.
    fn digits(&self) -> impl Iterator<Item = u8> + Clone + '_ {
        self.head.iter().chain(self.tail).map(|b| b - b'0')
    }

    pub(crate) fn to_owned_decimal(self) -> OwnedDecimal {
        OwnedDecimal {
            negative: self.negative,
            digits: self.head.iter().chain(self.tail).copied().collect(),
            point: self.point,
        }
    }
}

fn digits_to_big(digits: impl Iterator<Item = u8>) -> BigUint {
    let values: Vec<u8> = digits.collect();
    BigUint::from_radix_be(&values, 10).unwrap_or_default()
}

impl PartialEq<Decimal<'_>> for Decimal<'_> {
    fn eq(&self, other: &Decimal<'_>) -> bool {
        self.cmp_exact(other) == Ordering::Equal
    }
}

impl Eq for Decimal<'_> {}

impl PartialOrd<Decimal<'_>> for Decimal<'_> {
    fn partial_cmp(&self, other: &Decimal<'_>) -> Option<Ordering> {
        Some(self.cmp_exact(other))
    }
}

impl Ord for Decimal<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.cmp_exact(other)
    }
}

/// Consistent with `Eq`: equal values have equal canonical parts, whatever their spelling, and
/// hash the same as their `OwnedDecimal`.
impl Hash for Decimal<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.negative.hash(state);
        self.point.hash(state);
        state.write_usize(self.len());
        for d in self.digits() {
            state.write_u8(d);
        }
    }
}

impl OwnedDecimal {
    pub(crate) fn parse(text: &str) -> Option<Self> {
        Decimal::parse(text.as_bytes()).map(|d| d.to_owned_decimal())
    }

    pub(crate) fn as_decimal(&self) -> Decimal<'_> {
        Decimal {
            negative: self.negative,
            head: &self.digits,
            tail: &[],
            point: self.point,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigInt;
    use proptest::prelude::*;
    use std::collections::hash_map::DefaultHasher;

    fn d(text: &str) -> Decimal<'_> {
        Decimal::parse(text.as_bytes()).unwrap_or_else(|| panic!("{text:?} should parse"))
    }

    fn hash_of(x: &Decimal<'_>) -> u64 {
        let mut h = DefaultHasher::new();
        x.hash(&mut h);
        h.finish()
    }

    #[test]
    fn text_outside_the_json_grammar_is_refused() {
        for bad in [
            "", "-", "+1", "01", "-01", "1.", ".5", "1e", "1e+", "1.e3", "0x10", " 1", "1 ",
            "1e1.5", "NaN", "Infinity", "--1", "1_000", "١",
        ] {
            assert!(
                Decimal::parse(bad.as_bytes()).is_none(),
                "{bad:?} must not parse"
            );
        }
    }

    #[test]
    fn spellings_of_one_value_are_equal_and_hash_alike() {
        let groups: &[&[&str]] = &[
            &["0", "-0", "0.0", "-0.000e5", "0e-999999999999999999999"],
            &["1.1", "1.10", "11e-1", "0.011E2", "110e-2"],
            &["100", "1e2", "1E+2", "0.1e3", "100.000"],
            &[
                "-12345678901234567890",
                "-1.234567890123456789e19",
                "-123456789012345678900e-1",
            ],
        ];
        for group in groups {
            for a in *group {
                for b in *group {
                    assert_eq!(d(a), d(b), "{a} == {b}");
                    assert_eq!(hash_of(&d(a)), hash_of(&d(b)), "hash {a} {b}");
                    let owned = OwnedDecimal::parse(b).expect("parses");
                    assert_eq!(d(a).cmp_exact(&owned.as_decimal()), Ordering::Equal);
                    assert_eq!(hash_of(&owned.as_decimal()), hash_of(&d(a)));
                }
            }
        }
    }

    #[test]
    fn order_is_exact_where_f64_would_round() {
        let ascending = [
            "-1e400",
            "-18446744073709551617",
            "-18446744073709551616",
            "-1",
            "-1e-400",
            "0",
            "1e-400",
            "0.1",
            "0.10000000000000001",
            "1",
            "1.0000000000000000000000000001",
            "9007199254740993",
            "9007199254740993.5",
            "12345678901234567890",
            "12345678901234567891",
            "1e308",
            "1e400",
            "1e99999999999999999999",
        ];
        for (i, a) in ascending.iter().enumerate() {
            for (j, b) in ascending.iter().enumerate() {
                assert_eq!(d(a).cmp_exact(&d(b)), i.cmp(&j), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn integers_are_values_without_fraction_whatever_the_spelling() {
        for yes in [
            "0",
            "-0",
            "1.0",
            "1e3",
            "1.5e1",
            "12345678901234567890123",
            "1e400",
            "-2.000",
        ] {
            assert!(d(yes).is_integer(), "{yes}");
        }
        for no in [
            "0.5",
            "1.5",
            "1e-1",
            "1.25e1",
            "1e-400",
            "123456789012345678901.5",
        ] {
            assert!(!d(no).is_integer(), "{no}");
        }
    }

    fn bound(json: &str) -> Bound {
        let value: serde_json::Value = serde_json::from_str(json).expect("json");
        Bound::from_json(value.as_number().expect("number"))
    }

    #[test]
    fn checker_entry_points_judge_text_against_schema_bounds() {
        assert_eq!(
            compare(b"12345678901234567891", &bound("12345678901234567890")),
            Some(Ordering::Greater)
        );
        assert_eq!(
            compare(b"9007199254740993", &bound("9007199254740992")),
            Some(Ordering::Greater)
        );
        assert_eq!(
            compare(b"1e400", &bound("1.7976931348623157e308")),
            Some(Ordering::Greater)
        );
        assert_eq!(compare(b"-0", &bound("0")), Some(Ordering::Equal));
        assert_eq!(
            compare(b"0.30000000000000004", &bound("0.3")),
            Some(Ordering::Greater)
        );
        assert_eq!(compare(b"-5", &bound("-4")), Some(Ordering::Less));
        assert_eq!(compare(b"1.5", &bound("1")), Some(Ordering::Greater));
        assert_eq!(compare(b"abc", &bound("1")), None);
        assert_eq!(compare(b"01", &bound("1")), None);
        assert_eq!(bound("1e2").as_str(), "100.0");
        assert!(
            is_integer(b"1.0") && is_integer(b"1e400") && !is_integer(b"1.5") && !is_integer(b"x")
        );
        assert!(is_multiple_of(b"0.0075", &bound("0.0001")));
        assert!(!is_multiple_of(b"1e308", &bound("0.123456789")));
        assert!(
            equal(b"1.10", b"11e-1")
                && equal(b"-0", b"0")
                && !equal(b"1", b"1.0000000000000000000001")
        );
        assert!(!equal(b"1", b"one"));
    }

    #[test]
    fn the_i64_fast_path_agrees_with_exact_comparison() {
        for text in [
            "0",
            "-0",
            "999999999999999999",
            "-999999999999999999",
            "1000000000000000000",
            "7",
        ] {
            for b in [
                "0",
                "-1",
                "9223372036854775807",
                "-9223372036854775808",
                "999999999999999999",
                "7",
            ] {
                let exact = d(text).cmp_exact(&d(b));
                assert_eq!(
                    compare(text.as_bytes(), &bound(b)),
                    Some(exact),
                    "{text} vs {b}"
                );
            }
        }
    }

    #[test]
    fn multiple_of_is_exact_for_decimal_divisors() {
        let cases: &[(&str, &str, bool)] = &[
            ("0.0075", "0.0001", true),
            ("0.00751", "0.0001", false),
            ("19.99", "0.01", true),
            ("4.5", "1.5", true),
            ("35", "1.5", false),
            ("1e308", "0.123456789", false),
            ("123456789e300", "0.123456789", true),
            ("12345678901234567890", "10", true),
            ("12345678901234567891", "3", false),
            ("12345678901234567890", "3", true),
            ("1e-400", "1e-401", true),
            ("1e-400", "1e-400", true),
            ("1e-401", "1e-400", false),
            ("1e999999999", "7", false),
            (
                "1e999999999",
                "0.0000000000000000000000000000000000001",
                true,
            ),
            ("1e999999999", "1024", true),
            ("1e99999999999999999999", "3", false),
            ("0", "0.3", true),
            ("-0", "7", true),
            ("-6", "3", true),
            ("6", "-3", true),
            ("1", "0", false),
            ("1.0", "1", true),
            ("0.3", "0.1", true),
            ("3e-2", "0.01", true),
            (
                "1234567890123456789012345678901234567890123456789",
                "1234567890123456789012345678901234567890123456789",
                true,
            ),
            (
                "2469135780246913578024691357802469135780246913578e10",
                "1234567890123456789012345678901234567890123456789",
                true,
            ),
            (
                "2469135780246913578024691357802469135780246913579",
                "1234567890123456789012345678901234567890123456789",
                false,
            ),
            (
                "1e100",
                "1024000000000000000000000000000000000000000000000000e-40",
                true,
            ),
        ];
        for (value, divisor, expected) in cases {
            assert_eq!(
                d(value).is_multiple_of(&d(divisor)),
                *expected,
                "{value} multipleOf {divisor}"
            );
        }
    }

    #[test]
    fn multiple_of_a_huge_exponent_is_fast() {
        let start = std::time::Instant::now();
        let huge = format!("1{}", "7".repeat(60));
        assert!(!d("1e999999999999").is_multiple_of(&d(&huge)));
        assert!(d("1e999999999").is_multiple_of(&d("0.5")));
        let long_value = "9".repeat(100_000);
        assert!(d(&long_value).is_multiple_of(&d("9")));
        assert!(d(&long_value).is_multiple_of(&d(&"9".repeat(50))));
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn schema_bounds_from_serde_keep_their_decimal_value() {
        let v: serde_json::Value = serde_json::from_str(
            "[0.1, 18446744073709551615, -9223372036854775808, 1e300, 1.5e-7, -0.0]",
        )
        .expect("json");
        let texts = [
            "0.1",
            "18446744073709551615",
            "-9223372036854775808",
            "1e300",
            "0.00000015",
            "0",
        ];
        for (value, text) in v.as_array().expect("array").iter().zip(texts) {
            let n = value.as_number().expect("number");
            let bound = Bound::from_json(n);
            let owned = bound.value.as_ref().expect("serde text is JSON grammar");
            assert_eq!(owned.as_decimal(), d(text), "{n}");
        }
    }

    /// Oracle: `(sign, integer significand, power of ten)` in exact big integers.
    fn rational(text: &str) -> (BigInt, i64) {
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(i) => (&text[..i], text[i + 1..].parse::<i64>().expect("exp")),
            None => (text, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits: BigInt = format!("{int}{frac}").parse().expect("digits");
        (digits, exponent - frac.len() as i64)
    }

    fn oracle_cmp(a: &str, b: &str) -> Ordering {
        let (ma, ea) = rational(a);
        let (mb, eb) = rational(b);
        let shift = ea.min(eb);
        let scale = |m: BigInt, e: i64| m * BigInt::from(10).pow((e - shift) as u32);
        scale(ma, ea).cmp(&scale(mb, eb))
    }

    fn oracle_multiple(a: &str, b: &str) -> bool {
        let (ma, ea) = rational(a);
        let (mb, eb) = rational(b);
        let shift = ea.min(eb);
        let scale = |m: BigInt, e: i64| m * BigInt::from(10).pow((e - shift) as u32);
        let (x, y) = (scale(ma, ea), scale(mb, eb));
        y != BigInt::ZERO && (x % y) == BigInt::ZERO
    }

    fn number_text() -> impl Strategy<Value = String> {
        (
            any::<bool>(),
            prop_oneof!["0", "[1-9][0-9]{0,25}", "[1-9][0-9]{36,45}"],
            proptest::option::of("[0-9]{1,12}"),
            proptest::option::of(-40i32..40),
        )
            .prop_map(|(neg, int, frac, exp)| {
                let mut s = String::new();
                if neg {
                    s.push('-');
                }
                s.push_str(&int);
                if let Some(f) = frac {
                    s.push('.');
                    s.push_str(&f);
                }
                if let Some(e) = exp {
                    s.push_str(&format!("e{e}"));
                }
                s
            })
    }

    proptest! {
        #[test]
        fn comparison_agrees_with_exact_rationals(a in number_text(), b in number_text()) {
            prop_assert_eq!(d(&a).cmp_exact(&d(&b)), oracle_cmp(&a, &b));
            prop_assert_eq!(d(&a) == d(&b), hash_of(&d(&a)) == hash_of(&d(&b)) && d(&a) == d(&b));
        }

        #[test]
        fn multiple_of_agrees_with_exact_rationals(a in number_text(), b in number_text()) {
            prop_assert_eq!(d(&a).is_multiple_of(&d(&b)), oracle_multiple(&a, &b), "{} / {}", a, b);
        }

        #[test]
        fn small_multiples_are_recognised(m in -100_000i64..100_000, step in 1u32..2000, scale in 0u32..8) {
            let step_text = format!("{}e-{scale}", step);
            let value_text = format!("{}e-{scale}", i128::from(m) * i128::from(step));
            prop_assert!(d(&value_text).is_multiple_of(&d(&step_text)));
        }

        #[test]
        fn comparison_agrees_with_f64_on_exactly_representable_values(a in any::<i32>(), b in any::<i32>(), sa in 0u32..4, sb in 0u32..4) {
            // Dyadic values k / 2^s are exact in both f64 and decimal text.
            let fa = f64::from(a) / f64::from(1u32 << sa);
            let fb = f64::from(b) / f64::from(1u32 << sb);
            let (ta, tb) = (format!("{fa:?}"), format!("{fb:?}"));
            prop_assert_eq!(d(&ta).cmp_exact(&d(&tb)), fa.partial_cmp(&fb).expect("finite"));
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            if let Some(x) = Decimal::parse(&bytes) {
                let _ = x.is_integer();
                let _ = compare(&bytes, &bound("-3"));
                let _ = x.is_multiple_of(&x);
                let _ = x.cmp_exact(&d("1e5"));
            }
        }
    }
}
