//! The fast path: one pass over the bytes that decides most payloads without building a tree,
//! allocating, or computing a position.
//!
//! It answers [`Scan::Clean`] only for a payload in which the full check would find nothing at
//! all: exactly the contract's members, each once, with string values, strict JSON throughout.
//! It answers [`Scan::Broken`] only where the full check must find an error whatever else the
//! payload holds and whatever the options: a syntax error, a listed member whose value does not
//! open with `"` (or `{` for `error`), a listed member repeated or missing, a result and an error
//! together, trailing data. It answers [`Scan::Unsure`] at the first member name the contract
//! does not list (or one written with escapes, which may spell a listed one): such a payload can
//! be valid with warnings, and only the full check, the authority, can say.
//! `tests/fast_path_agreement.rs` checks on generated and damaged payloads that the fast answer
//! and the full report never disagree.

use crate::report::Variant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scan {
    Clean(Variant),
    Broken,
    Unsure,
}

/// Why the scan stopped short of a clean verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// The full check must find an error.
    Broken,
    /// The full check must decide.
    Unsure,
}

type Step<T> = Result<T, Stop>;

const ORDER_ID: u8 = 1;
const JOB_ID: u8 = 2;
const ERROR: u8 = 4;
const MESSAGE: u8 = 1;
const CODE: u8 = 2;

/// Bytes that end a plain run inside a string: `"`, `\`, control characters, non-ASCII.
static STOP: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = i < 0x20 || i == b'"' as usize || i == b'\\' as usize || i >= 0x80;
        i += 1;
    }
    table
};

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// High bit set in each byte of `word` that is zero. Borrows can flag bytes above the first
/// true match, never below it, so the lowest flag is exact — all that is used here.
#[inline(always)]
fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(LO) & !word & HI
}

/// The length of the run at the start of `bytes` that holds no [`STOP`] byte, read eight bytes
/// at a time (identifiers and messages are mostly plain ASCII).
#[inline(always)]
fn plain_run(bytes: &[u8]) -> usize {
    let mut i = 0;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let stops = zero_bytes(word ^ (u64::from(b'"') * LO))
            | zero_bytes(word ^ (u64::from(b'\\') * LO))
            // Below 0x20: subtracting 0x20 borrows, and the byte's own high bit is clear.
            | (word.wrapping_sub(0x20 * LO) & !word & HI)
            | (word & HI);
        if stops != 0 {
            return i + (stops.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && !STOP[bytes[i] as usize] {
        i += 1;
    }
    i
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    #[inline(always)]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The current byte; the end of input inside the response is a syntax error.
    #[inline(always)]
    fn byte(&self) -> Step<u8> {
        self.bytes.get(self.pos).copied().ok_or(Stop::Broken)
    }

    /// Skips whitespace and takes `byte`, which the grammar (or the contract) requires here.
    #[inline(always)]
    fn expect(&mut self, byte: u8) -> Step<()> {
        self.ws();
        if self.byte()? == byte {
            self.pos += 1;
            Ok(())
        } else {
            Err(Stop::Broken)
        }
    }

    /// A member name, returned raw. A name with escapes or non-ASCII characters is not one the
    /// contract lists as written: the full check decides.
    #[inline(always)]
    fn key(&mut self) -> Step<&[u8]> {
        self.expect(b'"')?;
        let start = self.pos;
        self.pos += plain_run(&self.bytes[start..]);
        match self.byte()? {
            b'"' => {
                self.pos += 1;
                Ok(&self.bytes[start..self.pos - 1])
            }
            b'\\' | 0x80.. => Err(Stop::Unsure),
            _ => Err(Stop::Broken), // an unescaped control character
        }
    }

    /// A string value, validated: escapes, surrogate pairs, UTF-8. Anything but a string here
    /// (another value, or no value at all) is an error.
    #[inline(always)]
    fn string(&mut self) -> Step<()> {
        self.expect(b'"')?;
        let start = self.pos;
        let mut non_ascii = false;
        loop {
            self.pos += plain_run(&self.bytes[self.pos..]);
            match self.byte()? {
                b'"' => break,
                b'\\' => self.escape()?,
                0x80.. => {
                    non_ascii = true;
                    self.pos += 1;
                }
                _ => return Err(Stop::Broken),
            }
        }
        if non_ascii && std::str::from_utf8(&self.bytes[start..self.pos]).is_err() {
            return Err(Stop::Broken);
        }
        self.pos += 1;
        Ok(())
    }

    #[cold]
    fn escape(&mut self) -> Step<()> {
        match self.bytes.get(self.pos + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                self.pos += 2;
                Ok(())
            }
            Some(b'u') => {
                let unit = self.hex4(self.pos + 2)?;
                self.pos += 6;
                match unit {
                    0xD800..=0xDBFF => {
                        // A high surrogate must be followed by a low one: else a lone surrogate.
                        if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                            return Err(Stop::Broken);
                        }
                        let low = self.hex4(self.pos + 2)?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(Stop::Broken);
                        }
                        self.pos += 6;
                        Ok(())
                    }
                    0xDC00..=0xDFFF => Err(Stop::Broken),
                    _ => Ok(()),
                }
            }
            _ => Err(Stop::Broken),
        }
    }

    fn hex4(&self, at: usize) -> Step<u16> {
        let digits = self.bytes.get(at..at + 4).ok_or(Stop::Broken)?;
        let mut value = 0u16;
        for &d in digits {
            let digit = (d as char).to_digit(16).ok_or(Stop::Broken)?;
            value = (value << 4) | digit as u16;
        }
        Ok(value)
    }

    /// After a member: `,` goes on, `}` ends the object; anything else is a syntax error.
    #[inline(always)]
    fn next_member(&mut self) -> Step<bool> {
        self.ws();
        match self.byte()? {
            b',' => {
                self.pos += 1;
                Ok(true)
            }
            b'}' => {
                self.pos += 1;
                Ok(false)
            }
            _ => Err(Stop::Broken),
        }
    }

    /// `{ "message": "...", "code": "..." }`, each exactly once.
    fn error_body(&mut self) -> Step<()> {
        self.expect(b'{')?;
        let mut seen = 0u8;
        loop {
            let bit = match self.key()? {
                b"message" => MESSAGE,
                b"code" => CODE,
                _ => return Err(Stop::Unsure),
            };
            if seen & bit != 0 {
                return Err(Stop::Broken); // a repeated member
            }
            seen |= bit;
            self.expect(b':')?;
            self.string()?;
            if !self.next_member()? {
                break;
            }
        }
        // Table 3 lists exactly these two, both required.
        if seen == MESSAGE | CODE {
            Ok(())
        } else {
            Err(Stop::Broken)
        }
    }

    fn response(&mut self) -> Step<Variant> {
        // Not an object, an empty payload, a byte-order mark: all errors.
        self.expect(b'{')?;
        let mut seen = 0u8;
        loop {
            let bit = match self.key()? {
                b"order_id" => ORDER_ID,
                b"job_id" => JOB_ID,
                b"error" => ERROR,
                _ => return Err(Stop::Unsure),
            };
            if seen & bit != 0 {
                return Err(Stop::Broken);
            }
            seen |= bit;
            self.expect(b':')?;
            if bit == ERROR {
                self.error_body()?;
            } else {
                self.string()?;
            }
            if !self.next_member()? {
                break;
            }
        }
        self.ws();
        if self.pos != self.bytes.len() {
            return Err(Stop::Broken); // trailing data
        }
        // Only listed members were seen: anything but exactly one variant's members is a
        // missing member or a result with an error.
        match seen {
            s if s == ORDER_ID | JOB_ID => Ok(Variant::Normal),
            ERROR => Ok(Variant::Abnormal),
            _ => Err(Stop::Broken),
        }
    }
}

/// Decides what it can; the caller has already applied the size and depth limits.
#[inline]
pub(crate) fn scan(bytes: &[u8]) -> Scan {
    let mut cursor = Cursor { bytes, pos: 0 };
    match cursor.response() {
        Ok(variant) => Scan::Clean(variant),
        Err(Stop::Broken) => Scan::Broken,
        Err(Stop::Unsure) => Scan::Unsure,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_runs_stop_at_the_first_special_byte_at_any_alignment() {
        for len in 0..40 {
            for stop in [b'"', b'\\', 0x00, 0x1F, 0x7F, 0x80, 0xFF] {
                let mut bytes = vec![b'a'; len];
                bytes.push(stop);
                bytes.extend_from_slice(b"zz\"\x01");
                let expected = if stop == 0x7F { len + 3 } else { len };
                assert_eq!(plain_run(&bytes), expected, "len {len}, stop {stop:#x}");
            }
            // Bytes just above the control range and below `"`/`\` are plain.
            let mut bytes = vec![b' '; len];
            bytes.extend_from_slice(b"!#[]~");
            assert_eq!(plain_run(&bytes), len + 5);
        }
    }

    #[test]
    fn verdicts_on_typical_payloads() {
        let clean =
            br#"{"order_id": "CS2009141523OQSEQ", "job_id": "ff808081748b760c01748b7f80370003"}"#;
        assert_eq!(scan(clean), Scan::Clean(Variant::Normal));
        assert_eq!(
            scan(br#"{"error": {"message": "", "code": "BMS.0001"}}"#),
            Scan::Clean(Variant::Abnormal)
        );
        for broken in [
            &br#"{"error": {"message": "", "code": 400}}"#[..],
            br#"{"order_id": "a"}"#,
            br#"{"order_id": "a", "job_id": "b",}"#,
            br#"{"order_id": "a", "job_id": "b""#,
            br#"{"order_id": "a", "job_id": "b", "error": {"message": "", "code": ""}}"#,
            br#"{"order_id": "a", "job_id": "b"} x"#,
            b"{}",
            b"[]",
            b"",
            br#"{"error": {"message": "\ud800", "code": ""}}"#,
        ] {
            assert_eq!(
                scan(broken),
                Scan::Broken,
                "{}",
                String::from_utf8_lossy(broken)
            );
        }
        for unsure in [
            &br#"{"order_id": "a", "job_id": "b", "region": "x"}"#[..],
            br#"{"order\u005fid": "a", "job_id": "b"}"#,
            "{\"ordér\": 1}".as_bytes(),
        ] {
            assert_eq!(
                scan(unsure),
                Scan::Unsure,
                "{}",
                String::from_utf8_lossy(unsure)
            );
        }
    }
}
