//! A JSON string body decoded, with a sparse map from decoded bytes back to the file.
//!
//! A JSON string holds no raw line end (RFC 8259 requires control characters to be escaped), so
//! the whole string sits on one line of the file: a position inside it is that line, a column and
//! an offset. Most escapes are *canonical* — the only way to write the character: `\"`, `\\`,
//! `\b \f \n \r \t`, and `\u00XX` for the other control characters — and their raw length follows
//! from the decoded character. The map records only the others (`\/`, `\u0041`, `\u00e9`,
//! surrogate pairs, `\u000a` for a line feed): memory is linear in those, not in the body, and a
//! body of escaped quotes costs nothing. For a body over 4 KiB, columns are computed on the first
//! lookup, once, into checkpoints every 4 KiB, so a lookup is a binary search and a short walk; a
//! shorter body is walked from its start (no index to build for the one or two findings most
//! bodies have).

use std::sync::OnceLock;

use base64::Engine as _;

use crate::report::Location;

/// Decoded bytes between two checkpoints of a [`PositionMap`]'s lazy index.
const CHECKPOINT_EVERY: usize = 4096;

/// Where the bytes of a decoded JSON string body came from in the file; see [`super::Body`].
///
/// Built by the readers; compare two with `==` (the lazy index is not compared).
#[derive(Debug, Clone)]
pub struct PositionMap {
    /// Where the string's first character (after the opening quote) sits.
    start: Location,
    /// Decoded offsets whose raw form is not the canonical one, with their raw length (2, 6 or
    /// 12 bytes), in order.
    exceptions: Vec<(u32, u8)>,
    /// Built on the first lookup.
    index: OnceLock<Vec<Checkpoint>>,
}

impl PartialEq for PositionMap {
    fn eq(&self, other: &Self) -> bool {
        self.start == other.start && self.exceptions == other.exceptions
    }
}

impl Eq for PositionMap {}

#[derive(Debug, Clone, Copy)]
struct Checkpoint {
    /// Offset in the decoded body (at a character boundary).
    decoded: usize,
    /// Raw bytes before it, from the string's first character.
    raw: usize,
    /// Raw characters before it.
    chars: usize,
    /// Index of the first exception at or after `decoded`.
    exception: usize,
}

impl PositionMap {
    /// Where the string's first character sits in the file.
    pub fn start(&self) -> Location {
        self.start
    }

    /// How many escapes the map records (its memory is linear in this).
    pub fn recorded_escapes(&self) -> usize {
        self.exceptions.len()
    }

    /// The file position of decoded byte `offset` of `bytes` (the body this map was built with).
    pub(crate) fn locate(&self, bytes: &[u8], offset: usize) -> Location {
        let offset = offset.min(bytes.len());
        let mut c = if bytes.len() <= CHECKPOINT_EVERY {
            // The index of a body this short has only its start: walking from there is what a
            // lookup through it would do, without building it (most bodies are this short).
            Checkpoint {
                decoded: 0,
                raw: 0,
                chars: 0,
                exception: 0,
            }
        } else {
            let index = self.index.get_or_init(|| self.build(bytes));
            index[index.partition_point(|c| c.decoded <= offset) - 1]
        };
        while c.decoded < offset {
            let next = self.step(bytes, c);
            if next.decoded > offset {
                break;
            }
            c = next;
        }
        Location {
            line: self.start.line,
            column: self.start.column + c.chars,
            offset: self.start.offset + c.raw,
        }
    }

    /// One decoded character forward: the checkpoint after it.
    fn step(&self, bytes: &[u8], c: Checkpoint) -> Checkpoint {
        let lead = bytes[c.decoded];
        let len = utf8_len(lead).min(bytes.len() - c.decoded);
        let mut exception = c.exception;
        let raw = match self.exceptions.get(exception) {
            Some(&(at, raw)) if at as usize == c.decoded => {
                exception += 1;
                usize::from(raw)
            }
            _ => canonical_raw_len(lead, len),
        };
        // An escape is ASCII: as many characters as bytes; a character written as itself is one.
        let chars = if raw == len { 1 } else { raw };
        Checkpoint {
            decoded: c.decoded + len,
            raw: c.raw + raw,
            chars: c.chars + chars,
            exception,
        }
    }

    fn build(&self, bytes: &[u8]) -> Vec<Checkpoint> {
        let mut c = Checkpoint {
            decoded: 0,
            raw: 0,
            chars: 0,
            exception: 0,
        };
        let mut out = vec![c];
        let mut last = 0;
        while c.decoded < bytes.len() {
            c = self.step(bytes, c);
            if c.decoded - last >= CHECKPOINT_EVERY {
                out.push(c);
                last = c.decoded;
            }
        }
        out
    }
}

fn utf8_len(lead: u8) -> usize {
    match lead {
        0xF0..=0xF7 => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// The raw length of a character written the only way it can be: short escapes for `"`, `\` and
/// five controls, `\u00XX` for the other controls, the character itself otherwise.
fn canonical_raw_len(lead: u8, len: usize) -> usize {
    match lead {
        b'"' | b'\\' | 0x08 | 0x0C | b'\n' | b'\r' | b'\t' => 2,
        0x00..=0x1F => 6,
        _ => len,
    }
}

/// Characters in UTF-8 bytes: every byte but continuation bytes (a stray byte counts as one).
/// Eight bytes at a time: a continuation byte is `10xxxxxx`, its top bit set and the next clear.
pub(crate) fn chars(bytes: &[u8]) -> usize {
    // Most text is ASCII (a log line before its body, a HAR's indentation), told apart faster
    // than continuation bytes are counted.
    if bytes.is_ascii() {
        return bytes.len();
    }
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let words = bytes.chunks_exact(8);
    let rest = words.remainder();
    let continuations: u32 = words
        .map(|word| {
            let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
            (w & !(w << 1) & HIGHS).count_ones()
        })
        .sum();
    bytes.len() - continuations as usize - rest.iter().filter(|&&b| (b as i8) < -0x40).count()
}

/// Decodes the contents of a JSON string (`raw`, without its quotes, already checked by
/// serde_json as a string), mapping positions to the file from `start` (its first character).
///
/// # Errors
/// A lone surrogate escape (no Unicode string holds one), or a body too large for the map.
pub(crate) fn decode_string(raw: &[u8], start: Location) -> Result<(Vec<u8>, PositionMap), String> {
    if raw.len() > u32::MAX as usize {
        return Err("the body is over 4 GiB".to_owned());
    }
    match decode_until_quote(raw, 0)? {
        Decoded {
            end,
            bytes,
            exceptions,
            ..
        } if end == raw.len() => Ok((bytes, PositionMap::new(start, exceptions))),
        // serde_json checked the string: neither a quote nor a control character is left in
        // its contents unescaped.
        _ => Err("a control character or quote in the text".to_owned()),
    }
}

/// A JSON string's contents decoded by [`decode_until_quote`].
pub(crate) struct Decoded {
    /// Where decoding stopped: the closing quote, or the end of the input.
    pub(crate) end: usize,
    /// The decoded bytes.
    pub(crate) bytes: Vec<u8>,
    /// The escapes a [`PositionMap`] records (see its `exceptions`).
    pub(crate) exceptions: Vec<(u32, u8)>,
    /// Whether every raw byte read was ASCII (then the text needs no UTF-8 check). Words are
    /// read whole, so a byte after the closing quote may count: `false` then only costs a check.
    pub(crate) ascii: bool,
}

impl PositionMap {
    /// The map of a string whose first character sits at `start`, with its recorded escapes.
    pub(crate) fn new(start: Location, exceptions: Vec<(u32, u8)>) -> PositionMap {
        PositionMap {
            start,
            exceptions,
            index: OnceLock::new(),
        }
    }
}

/// Each byte of a word holding `1` (for the word tests here and in `url`).
pub(super) const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of each byte of a word.
pub(super) const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `w` that is `"`, `\\` or a control character. Bytes after the
/// first such byte may be flagged wrongly (a borrow runs upwards), the first one never is.
#[inline]
pub(crate) fn specials(w: u64) -> u64 {
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    zero(w ^ (ONES * u64::from(b'"')))
        | zero(w ^ (ONES * u64::from(b'\\')))
        | (w.wrapping_sub(ONES * 0x20) & !w & HIGHS)
}

/// The index of the first `"`, `\\` or control character in `bytes`, looked for eight bytes at
/// a time.
pub(crate) fn first_special(bytes: &[u8]) -> Option<usize> {
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for word in words.by_ref() {
        let m = specials(u64::from_le_bytes(word.try_into().unwrap_or_default()));
        if m != 0 {
            return Some(at + (m.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let tail = words
        .remainder()
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
    Some(at + tail)
}

/// Decodes JSON string contents from `raw[from..]` up to the first unescaped `"` (or the end
/// of `raw`), in one pass: runs of plain bytes are found and copied sixteen at a time (SSE2 on
/// x86-64) or eight (elsewhere, and for the last bytes), escapes
/// decoded as they come. The raw bytes are not checked for UTF-8 (see [`Decoded::ascii`]).
///
/// # Errors
/// A control character, an invalid escape, a lone surrogate, or an escape cut by the end.
pub(crate) fn decode_until_quote(raw: &[u8], from: usize) -> Result<Decoded, String> {
    BLOCK.with_borrow_mut(|block| decode_in_blocks(raw, from, block))
}

/// How many decoded bytes [`decode_until_quote`] gathers before it moves them to the body.
const BLOCK_LEN: usize = 1024;

/// The room a word or a chunk decoded at the end of a block writes into: a window of sixteen
/// bytes from up to `BLOCK_LEN - 8`, or of thirty-two from up to `BLOCK_LEN - 16` (see
/// [`decode_in_blocks`]).
const BLOCK_ROOM: usize = BLOCK_LEN + 16;

thread_local! {
    // Zeroed once per thread: a block on the stack would be zeroed once per body.
    static BLOCK: std::cell::RefCell<[u8; BLOCK_ROOM]> =
        const { std::cell::RefCell::new([0; BLOCK_ROOM]) };
}

/// The high bit of each byte of `w` that is `"`, `\\` or a control character, and of no other
/// byte (unlike [`specials`], whose flags after the first may be wrong): the specials of a
/// word can be taken one after another without reading it again.
#[inline]
fn exact_specials(w: u64) -> u64 {
    const LOWS: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    // Adding 0x7F to a byte's low seven bits sets its high bit unless they are all zero, adding
    // 0x60 unless they are below 0x20, and no carry leaves the byte. A quote and a backslash
    // have no high bit, so their low bits are compared once for both; a byte with its high bit
    // set is no special. (Written so, the word loop takes one instruction fewer than with a
    // `not_zero` of each comparison.)
    let low = w & LOWS;
    let quote = (low ^ (ONES * u64::from(b'"'))) + LOWS;
    let backslash = (low ^ (ONES * u64::from(b'\\'))) + LOWS;
    let not_control = low + ONES * 0x60;
    !((quote & backslash & not_control) | w | LOWS)
}

/// `o`, the length of the decoded bytes in `block`, if a word (`N` = 8) or a chunk (`N` = 16)
/// decoded there fits in it; else 0, after moving them to `body` (whose raw text is `most`
/// bytes at most). The caller's next index is then in bounds by this test, which the compiler
/// sees: the loops over words and chunks check no other bound but their own end.
#[inline]
fn room<const N: usize>(
    body: &mut Vec<u8>,
    block: &[u8; BLOCK_ROOM],
    o: usize,
    most: usize,
) -> usize {
    if o <= BLOCK_LEN - N {
        return o;
    }
    move_out(body, block.get(..o).unwrap_or(block), most);
    0
}

/// The bytes of `chunk` that are `"`, `\\` or a control character (a bit each, from bit 0),
/// and those that are not ASCII: a few SSE2 instructions where the word loop took thirty.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn specials16(chunk: &[u8; 16]) -> (u32, u32) {
    use safe_arch::{
        cmp_eq_mask_i8_m128i, load_unaligned_m128i, min_u8_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i,
    };
    let v = load_unaligned_m128i(chunk);
    let quote = cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(b'"' as i8));
    let backslash = cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(b'\\' as i8));
    // A byte below 0x20 is its own minimum with 0x1F.
    let control = cmp_eq_mask_i8_m128i(min_u8_m128i(v, set_splat_i8_m128i(0x1F)), v);
    (
        move_mask_i8_m128i(quote | backslash | control) as u32,
        move_mask_i8_m128i(v) as u32,
    )
}

#[cold]
fn move_out(body: &mut Vec<u8>, decoded: &[u8], most: usize) {
    // A body of more than a block gets room for its longest decoding at once, not doubled
    // block after block.
    if body.is_empty() {
        body.reserve(most);
    }
    body.extend_from_slice(decoded);
}

/// [`decode_until_quote`], gathering decoded bytes in `block` and moving them to the body a
/// block at a time.
fn decode_in_blocks(
    raw: &[u8],
    from: usize,
    block: &mut [u8; BLOCK_ROOM],
) -> Result<Decoded, String> {
    let most = raw.len().saturating_sub(from);
    let mut body = Vec::new();
    let mut o = 0;
    let mut i = from;
    let mut high = 0u64;
    let mut exceptions = Vec::new();
    loop {
        let special = 'words: loop {
            // Sixteen bytes at a time first, where SSE2 is (every x86-64 processor); the words
            // below take what is left (fewer than sixteen bytes), and all of it elsewhere. The
            // same steps as theirs, on a chunk of sixteen.
            #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
            {
                let chunks = raw.get(i..).unwrap_or_default().chunks_exact(16);
                let rest = chunks.remainder().len();
                let start = i;
                for (n, chunk) in (0..chunks.len()).zip(chunks) {
                    let chunk: &[u8; 16] = chunk.try_into().unwrap_or(&[0; 16]);
                    o = room::<16>(&mut body, block, o, most);
                    let dst = &mut block[o..o + 32];
                    dst[..16].copy_from_slice(chunk);
                    let (mut m, wide) = specials16(chunk);
                    // `high` is read by its bytes' high bits: a non-ASCII byte sets them all.
                    high |= HIGHS * u64::from(wide != 0);
                    if m == 0 {
                        o += 16;
                        continue;
                    }
                    let base = start + 16 * n;
                    let mut dropped = 0;
                    while m != 0 {
                        let k = m.trailing_zeros() as usize & 15;
                        if k == 15 || chunk[k] != b'\\' || chunk[k + 1] != b'"' {
                            i = base + k;
                            o += k - dropped;
                            if k == 15 && chunk[k] == b'\\' {
                                continue 'words;
                            }
                            break 'words Some(chunk[k]);
                        }
                        // `k` is at most 14 here (its quote is in the chunk) and at least
                        // twice `dropped`. The bytes after the quote are read from the text,
                        // not from a copy of the chunk just written: a load that straddles a
                        // recent store waits for it (half of this loop's time, measured).
                        let at = (k - dropped) & 15;
                        let after = base + k + 1;
                        match raw.get(after..after + 16) {
                            Some(bytes) => dst[at..at + 16].copy_from_slice(bytes),
                            None => {
                                let mut padded = [0u8; 16];
                                padded[..16 - k - 1].copy_from_slice(&chunk[k + 1..]);
                                dst[at..at + 16].copy_from_slice(&padded);
                            }
                        }
                        dropped += 1;
                        m &= m - 1;
                        m &= m - 1;
                    }
                    o += 16 - dropped;
                }
                i = raw.len() - rest;
            }
            let words = raw.get(i..).unwrap_or_default().chunks_exact(8);
            let tail = words.remainder();
            let start = i;
            // Where a word starts follows from its number, and a range zipped with the words
            // walks both with that one counter.
            for (n, word) in (0..words.len()).zip(words) {
                o = room::<8>(&mut body, block, o, most);
                let dst = &mut block[o..o + 16];
                dst[..8].copy_from_slice(word);
                let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
                high |= w;
                let mut m = exact_specials(w);
                // An escaped quote, the most common special of a JSON body written into a
                // string, is decoded in place: the bytes after it are written again one place
                // further back, for each one, with no branch on how many are left in the word
                // (which a processor cannot guess).
                let mut dropped = 0;
                while m != 0 {
                    let shift = m.trailing_zeros() & 0x38;
                    let k = (shift / 8) as usize;
                    let from_special = w >> shift;
                    if from_special as u16 != 0x225C {
                        i = start + 8 * n + k;
                        o += k - dropped;
                        // A backslash ending the word: read the next word from it.
                        if k == 7 && (w >> 56) as u8 == b'\\' {
                            continue 'words;
                        }
                        break 'words Some(from_special as u8);
                    }
                    // `k` is at most 6 here (its quote is in the word) and at least twice
                    // `dropped`.
                    let at = (k - dropped) & 7;
                    dst[at..at + 8].copy_from_slice(&(from_special >> 8).to_le_bytes());
                    dropped += 1;
                    // The backslash and its quote.
                    m &= m - 1;
                    m &= m - 1;
                }
                o += 8 - dropped;
            }
            i = raw.len() - tail.len();
            for &b in tail {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break 'words Some(b);
                }
                high |= u64::from(b);
                o = room::<8>(&mut body, block, o, most);
                block[o] = b;
                o += 1;
                i += 1;
            }
            break None;
        };
        match special {
            None | Some(b'"') => {
                let last = block.get(..o).unwrap_or(block);
                // A body of one block, most bodies, is copied out at its length in one
                // allocation, without growing an empty vector.
                let bytes = if body.is_empty() {
                    last.to_vec()
                } else {
                    move_out(&mut body, last, 0);
                    body
                };
                return Ok(Decoded {
                    end: i,
                    bytes,
                    exceptions,
                    ascii: high & HIGHS == 0,
                });
            }
            Some(b'\\') => {}
            Some(_) => return Err(format!("a control character at byte {i} of the text")),
        }
        o = room::<8>(&mut body, block, o, most);
        let at = i;
        let escape = raw.get(at + 1).copied().unwrap_or(0);
        let decoded = (body.len() + o) as u32;
        i = at + 2;
        let byte = match escape {
            b'"' => b'"',
            b'\\' => b'\\',
            b'b' => 0x08,
            b'f' => 0x0C,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'/' => {
                exceptions.push((decoded, 2));
                b'/'
            }
            b'u' => {
                let (c, len) = unicode_escape(raw, at)?;
                i = at + len;
                let encoded = c.encode_utf8(&mut block[o..o + 4]).len();
                if canonical_raw_len(block[o], encoded) != len {
                    exceptions.push((decoded, len as u8));
                }
                o += encoded;
                continue;
            }
            _ => return Err(format!("an invalid escape at byte {at} of the text")),
        };
        block[o] = byte;
        o += 1;
    }
}

/// The character of the `\uXXXX` escape at `at` (with its low surrogate when it is a high one),
/// and the escape's raw length.
fn unicode_escape(raw: &[u8], at: usize) -> Result<(char, usize), String> {
    let hex = |from: usize| -> Option<u32> {
        let digits = raw.get(from..from + 4)?;
        u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    let bad = || format!("an invalid \\u escape at byte {at} of the text");
    let first = hex(at + 2).ok_or_else(bad)?;
    match first {
        0xD800..=0xDBFF => {
            let low = (raw.get(at + 6..at + 8) == Some(b"\\u"))
                .then(|| hex(at + 8))
                .flatten()
                .filter(|low| (0xDC00..=0xDFFF).contains(low));
            match low {
                Some(low) => {
                    let c = 0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00);
                    Ok((char::from_u32(c).ok_or_else(bad)?, 12))
                }
                None => Err(format!(
                    "a lone surrogate escape at byte {at} of the text (no Unicode text holds one)"
                )),
            }
        }
        0xDC00..=0xDFFF => Err(format!(
            "a lone surrogate escape at byte {at} of the text (no Unicode text holds one)"
        )),
        _ => Ok((char::from_u32(first).ok_or_else(bad)?, 6)),
    }
}

/// Decodes base64 as recorders write it: standard alphabet, padding optional, line breaks and
/// spaces (MIME style) ignored.
pub(crate) fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    const ENGINE: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let result = if text.bytes().any(|b| b.is_ascii_whitespace()) {
        let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        ENGINE.decode(compact)
    } else {
        ENGINE.decode(text)
    };
    // The error names a byte offset and, for an invalid symbol, its value: nothing a reader of
    // the message could not already see in a response body, which is not a secret.
    result.map_err(|e| format!("the base64 text does not decode: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start() -> Location {
        Location {
            line: 3,
            column: 10,
            offset: 100,
        }
    }

    #[test]
    fn canonical_escapes_are_not_recorded() {
        let (bytes, map) = decode_string(br#"{\"a\":\n\t1}"#, start()).unwrap();
        assert_eq!(bytes, b"{\"a\":\n\t1}");
        assert_eq!(map.recorded_escapes(), 0);
        // `1` is decoded byte 7; raw byte 11.
        let at = map.locate(&bytes, 7);
        assert_eq!((at.line, at.column, at.offset), (3, 21, 111));
    }

    #[test]
    fn other_escapes_are_recorded_and_located() {
        let raw = "a\\/\\u00e9\\ud83d\\ude00é\\u000a!".as_bytes();
        let (bytes, map) = decode_string(raw, start()).unwrap();
        assert_eq!(bytes, "a/é😀é\n!".as_bytes());
        assert_eq!(map.recorded_escapes(), 4);
        let col = |d| map.locate(&bytes, d).column - 10;
        assert_eq!(col(0), 0); // a
        assert_eq!(col(1), 1); // \/
        assert_eq!(col(2), 3); // \u00e9
        assert_eq!(col(3), 3); // inside é
        assert_eq!(col(4), 9); // surrogate pair
        assert_eq!(col(8), 21); // é itself, one character
        assert_eq!(col(10), 22); // \u000a
        assert_eq!(col(11), 28); // !
        assert_eq!(col(12), 29); // closing quote
        assert_eq!(map.locate(&bytes, 8).offset - 100, 21);
        assert_eq!(map.locate(&bytes, 10).offset - 100, 23);
    }

    /// Raw strings to decode: plain bytes, escapes, quotes and control characters; the first
    /// [`VALID`] belong inside a string, the others end it or make it invalid.
    const PIECES: [&[u8]; 27] = [
        b"a",
        b"xyz12345",
        "é".as_bytes(),
        "😀".as_bytes(),
        "–".as_bytes(),
        br#"\""#,
        br"\\",
        br"\/",
        br"\b",
        br"\f",
        br"\n",
        br"\r",
        br"\t",
        br"\u00e9",
        br"\u0041",
        br"\u0001",
        br"\u000A",
        br"\ud83d\ude00",
        br"\ud800",
        br"\udc00",
        br"\x",
        br"\u12G4",
        b"\"",
        b"\x01",
        b"\x1f",
        b"\xff",
        br"\",
    ];

    const VALID: usize = 18;

    /// A source of pseudo-random numbers below a bound, the same on every run.
    fn numbers() -> impl FnMut(usize) -> usize {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        }
    }

    /// Appends `count` pieces of `pieces` to `raw`: mostly escaped quotes and plain bytes, as
    /// JSON bodies written into strings.
    fn pieces(
        raw: &mut Vec<u8>,
        count: usize,
        pieces: &[&[u8]],
        next: &mut impl FnMut(usize) -> usize,
    ) {
        for _ in 0..count {
            let piece = match next(4) {
                0 => br#"\""#,
                1 => &b"ab"[..],
                _ => pieces[next(pieces.len())],
            };
            raw.extend_from_slice(piece);
        }
    }

    /// Decodes `raw[from..]` and checks it against a byte-at-a-time reading: where the string
    /// ends, then serde_json's reading of it for the text, the escapes' raw lengths for the map.
    fn agrees_with_decoding_by_bytes(raw: &[u8], from: usize) {
        let decoded = decode_until_quote(raw, from);
        // The reference: where the string ends, then serde_json's reading of it.
        let mut end = from;
        let mut bad = false;
        while end < raw.len() && raw[end] != b'"' {
            if raw[end] < 0x20 {
                bad = true;
                break;
            }
            end += if raw[end] == b'\\' { 2 } else { 1 };
        }
        let cut = end > raw.len();
        let end = end.min(raw.len());
        let quoted = [&b"\""[..], &raw[from..end], b"\""].concat();
        let reference = serde_json::from_slice::<String>(&quoted);
        match (&decoded, bad || cut) {
            (Ok(d), false) if std::str::from_utf8(&raw[from..end]).is_ok() => {
                let text = reference.as_ref().map_err(|e| e.to_string());
                assert_eq!(
                    Ok(d.bytes.as_slice()),
                    text.map(String::as_bytes),
                    "{raw:?}"
                );
                assert_eq!(d.end, end, "{raw:?}");
                // Bytes after the closing quote may count as read: `ascii` may be false for an
                // ASCII string, never true for another.
                assert!(!d.ascii || raw[from..end].is_ascii(), "{raw:?}");
                let mut exceptions = Vec::new();
                let (mut r, mut o) = (from, 0u32);
                while r < end {
                    let c = if raw[r] == b'\\' { raw[r + 1] } else { 0 };
                    let (raw_len, len, canonical) = match c {
                        0 => {
                            let len = utf8_len(raw[r]);
                            (len, len, true)
                        }
                        b'u' if raw[r + 2..r + 4] == *b"d8" => (12, 4, false),
                        b'u' => {
                            let n = u32::from_str_radix(
                                std::str::from_utf8(&raw[r + 2..r + 6]).unwrap(),
                                16,
                            )
                            .unwrap();
                            let len = char::from_u32(n).unwrap().len_utf8();
                            (6, len, n < 0x20 && !matches!(n, 8 | 9 | 10 | 12 | 13))
                        }
                        b'/' => (2, 1, false),
                        _ => (2, 1, true),
                    };
                    if !canonical {
                        exceptions.push((o, raw_len as u8));
                    }
                    r += raw_len;
                    o += len as u32;
                }
                assert_eq!(d.exceptions, exceptions, "{raw:?}");
            }
            (Ok(d), false) => assert!(std::str::from_utf8(&raw[from..d.end]).is_err()),
            (decoded, _) => assert_eq!(decoded.is_err(), reference.is_err() || bad, "{raw:?}"),
        }
    }

    /// The flags of a word's specials, and of a chunk's (with its flags of non-ASCII bytes),
    /// are those of its special bytes, whatever the bytes beside them.
    #[test]
    fn word_and_chunk_specials_flag_exactly_the_special_bytes() {
        let special = |b: u8| b == b'"' || b == b'\\' || b < 0x20;
        for b in 0..=u8::MAX {
            for filler in [
                b'a', b'"', b'\\', 0x00, 0x1F, 0x20, 0x7F, 0x80, 0xA2, 0xDC, 0xFF,
            ] {
                for at in 0..16 {
                    let mut chunk = [filler; 16];
                    chunk[at] = b;
                    for word in chunk.chunks_exact(8) {
                        let flags = exact_specials(u64::from_le_bytes(word.try_into().unwrap()));
                        for (k, &byte) in word.iter().enumerate() {
                            let flag = flags >> (8 * k) & 0xFF;
                            assert_eq!(flag, if special(byte) { 0x80 } else { 0 }, "{word:?}");
                        }
                    }
                    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
                    {
                        let (flags, wide) = specials16(&chunk);
                        for (k, &byte) in chunk.iter().enumerate() {
                            assert_eq!(flags >> k & 1 == 1, special(byte), "{chunk:?}");
                            assert_eq!(wide >> k & 1 == 1, byte >= 0x80, "{chunk:?}");
                        }
                    }
                }
            }
        }
    }

    /// The decoder (sixteen bytes at a time, then words) agrees with a byte-at-a-time one on
    /// strings of plain bytes, escapes, quotes and control characters at every offset within a
    /// word and a chunk.
    #[test]
    fn decoding_by_chunks_and_words_agrees_with_decoding_by_bytes() {
        let mut next = numbers();
        for round in 0..40_000 {
            // Every alignment of the string's start within a word, and within a chunk of
            // sixteen bytes.
            let mut raw = b"p".repeat(round % 16);
            let from = raw.len();
            let count = next(24);
            pieces(&mut raw, count, &PIECES, &mut next);
            agrees_with_decoding_by_bytes(&raw, from);
        }
    }

    /// Decoding agrees with a byte-at-a-time reading where the decoded text fills more than one
    /// block, with the end of a block at every offset among escapes, and in strings of several
    /// blocks.
    #[test]
    fn decoding_across_blocks_agrees_with_decoding_by_bytes() {
        let mut next = numbers();
        for round in 0..3_000 {
            let mut raw = b"p".repeat(round % 16);
            let from = raw.len();
            // Plain text up to a little before the end of the first block.
            raw.extend(std::iter::repeat_n(b'x', BLOCK_LEN - 48 + round % 40));
            let count = if round % 10 == 0 {
                next(2_000)
            } else {
                next(40)
            };
            pieces(&mut raw, count, &PIECES[..VALID], &mut next);
            // Then anything, an end or an error included.
            pieces(&mut raw, 2, &PIECES, &mut next);
            agrees_with_decoding_by_bytes(&raw, from);
        }
    }

    #[test]
    fn lone_surrogates_are_refused() {
        assert!(decode_string(br"\ud800", start()).is_err());
        assert!(decode_string(br"\udc00x", start()).is_err());
        assert!(decode_string(br"\ud800\u0041", start()).is_err());
    }

    #[test]
    fn base64_with_and_without_padding_and_line_breaks() {
        assert_eq!(decode_base64("eyJhIjoxfQ==").unwrap(), b"{\"a\":1}");
        assert_eq!(decode_base64("eyJhIjoxfQ").unwrap(), b"{\"a\":1}");
        assert_eq!(decode_base64("eyJhIjox\r\nfQ==").unwrap(), b"{\"a\":1}");
        assert!(decode_base64("not base64!").is_err());
    }
}
