//! The fast path: one pass over the bytes that recognises a clean response without building a
//! tree, allocating, or computing a position.
//!
//! It answers [`Scan::Clean`] only for a payload in which the full check would find nothing at
//! all: exactly the contract's members, each once, with string values, strict JSON throughout.
//! It answers [`Scan::Broken`] only where the full check must find an error whatever follows and
//! whatever the options: a listed member whose value cannot be what the contract says (the byte
//! after the `:` does not open a string, or an object for `error`) is a type mismatch, an
//! ambiguous response or a syntax error — an error in every case. Anything else, valid or not (an
//! extra member, an escaped key, a syntax error elsewhere), is [`Scan::Unsure`] and goes to the
//! full check, which is the authority. So the fast path can be narrow without ever disagreeing;
//! `tests/fast_path_agreement.rs` checks that it never does.

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

trait OrUnsure<T> {
    fn unsure(self) -> Step<T>;
}

impl<T> OrUnsure<T> for Option<T> {
    #[inline(always)]
    fn unsure(self) -> Step<T> {
        self.ok_or(Stop::Unsure)
    }
}

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

    #[inline(always)]
    fn eat(&mut self, byte: u8) -> Option<()> {
        self.ws();
        if self.bytes.get(self.pos) == Some(&byte) {
            self.pos += 1;
            Some(())
        } else {
            None
        }
    }

    /// A member name without escapes; returns its raw bytes. Escaped names are rare and go to
    /// the full check.
    #[inline(always)]
    fn key(&mut self) -> Option<&[u8]> {
        self.eat(b'"')?;
        let start = self.pos;
        let rest = &self.bytes[start..];
        let len = rest.iter().position(|&b| STOP[b as usize])?;
        if rest[len] != b'"' {
            return None;
        }
        self.pos = start + len + 1;
        Some(&self.bytes[start..start + len])
    }

    /// A listed member's value must open with `open`: anything else (another value, a syntax
    /// error, the end of input) is an error in every reading of the payload.
    #[inline(always)]
    fn opens(&mut self, open: u8) -> Step<()> {
        self.ws();
        if self.bytes.get(self.pos) == Some(&open) {
            self.pos += 1;
            Ok(())
        } else {
            Err(Stop::Broken)
        }
    }

    /// A whole string value, validated: escapes, surrogate pairs, UTF-8.
    #[inline(always)]
    fn string(&mut self) -> Step<()> {
        self.opens(b'"')?;
        self.string_rest().unsure()
    }

    /// The rest of a string after its opening quote.
    #[inline(always)]
    fn string_rest(&mut self) -> Option<()> {
        let start = self.pos;
        let mut non_ascii = false;
        loop {
            let b = *self.bytes.get(self.pos)?;
            if !STOP[b as usize] {
                self.pos += 1;
                continue;
            }
            match b {
                b'"' => break,
                b'\\' => self.escape()?,
                0x80.. => {
                    non_ascii = true;
                    self.pos += 1;
                }
                _ => return None, // an unescaped control character
            }
        }
        if non_ascii {
            std::str::from_utf8(&self.bytes[start..self.pos]).ok()?;
        }
        self.pos += 1;
        Some(())
    }

    #[cold]
    fn escape(&mut self) -> Option<()> {
        match *self.bytes.get(self.pos + 1)? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {
                self.pos += 2;
                Some(())
            }
            b'u' => {
                let unit = self.hex4(self.pos + 2)?;
                self.pos += 6;
                match unit {
                    0xD800..=0xDBFF => {
                        if self.bytes.get(self.pos..self.pos + 2)? != b"\\u" {
                            return None;
                        }
                        let low = self.hex4(self.pos + 2)?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return None;
                        }
                        self.pos += 6;
                        Some(())
                    }
                    0xDC00..=0xDFFF => None,
                    _ => Some(()),
                }
            }
            _ => None,
        }
    }

    fn hex4(&self, at: usize) -> Option<u16> {
        let digits = self.bytes.get(at..at + 4)?;
        let mut value = 0u16;
        for &d in digits {
            value = (value << 4) | (d as char).to_digit(16)? as u16;
        }
        Some(value)
    }

    /// `{ "message": "...", "code": "..." }`, each exactly once, nothing else.
    fn error_body(&mut self) -> Step<()> {
        self.opens(b'{')?;
        let mut seen = 0u8;
        loop {
            let bit = match self.key().unsure()? {
                b"message" => MESSAGE,
                b"code" => CODE,
                _ => return Err(Stop::Unsure),
            };
            if seen & bit != 0 {
                // A duplicate listed member: an error whatever else the payload holds.
                return Err(Stop::Broken);
            }
            seen |= bit;
            self.eat(b':').unsure()?;
            self.string()?;
            self.ws();
            match self.bytes.get(self.pos).unsure()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(Stop::Unsure),
            }
        }
        if seen == MESSAGE | CODE {
            Ok(())
        } else {
            Err(Stop::Unsure)
        }
    }

    fn response(&mut self) -> Step<Variant> {
        self.eat(b'{').unsure()?;
        let mut seen = 0u8;
        loop {
            let bit = match self.key().unsure()? {
                b"order_id" => ORDER_ID,
                b"job_id" => JOB_ID,
                b"error" => ERROR,
                _ => return Err(Stop::Unsure),
            };
            if seen & bit != 0 {
                return Err(Stop::Broken);
            }
            seen |= bit;
            self.eat(b':').unsure()?;
            if bit == ERROR {
                self.error_body()?;
            } else {
                self.string()?;
            }
            self.ws();
            match self.bytes.get(self.pos).unsure()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(Stop::Unsure),
            }
        }
        self.ws();
        if self.pos != self.bytes.len() {
            return Err(Stop::Unsure);
        }
        match seen {
            s if s == ORDER_ID | JOB_ID => Ok(Variant::Normal),
            ERROR => Ok(Variant::Abnormal),
            _ => Err(Stop::Unsure),
        }
    }
}

/// Recognises a clean response; the caller has already applied the size and depth limits.
#[inline]
pub(crate) fn scan(bytes: &[u8]) -> Scan {
    let mut cursor = Cursor { bytes, pos: 0 };
    match cursor.response() {
        Ok(variant) => Scan::Clean(variant),
        Err(Stop::Broken) => Scan::Broken,
        Err(Stop::Unsure) => Scan::Unsure,
    }
}
