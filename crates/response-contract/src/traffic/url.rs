//! A URL reduced to what routing needs and nothing secret: origin and path.

use super::body::{HIGHS, ONES};

/// The origin (`scheme://host[:port]`, lower-cased, no user information) and path (no query, no
/// fragment, no `;jsessionid=` parameter) of an absolute URL or of a path (`/orders?x`, which has
/// no origin). A URL without an authority (`data:`, `about:blank`) has neither. `Err` for
/// anything else; the caller must not show the text.
pub(crate) fn reduce(url: &str) -> Result<(Option<String>, Option<String>), ()> {
    if let Some(reduced) = reduce_common(url) {
        return Ok(reduced);
    }
    reduce_any(url)
}

/// [`reduce`] for the URL almost every recording holds, in one pass over its bytes, eight at a
/// time: `http` or `https` in lower case, then an authority without user information, then a
/// path without `;`, all printable ASCII without spaces up to the query or fragment. `None` for
/// anything else, which [`reduce_any`] takes. (Separate searches for the scheme, the authority,
/// the path and characters to encode took about 900 instructions on a 45-byte URL, a
/// byte-by-byte pass about 840 with its jump table; this one about 640, allocations included.)
#[inline(never)]
fn reduce_common(url: &str) -> Option<(Option<String>, Option<String>)> {
    let bytes = url.as_bytes();
    let from = if bytes.starts_with(b"https://") {
        8
    } else if bytes.starts_with(b"http://") {
        7
    } else {
        return None;
    };
    // The authority, then the path, eight bytes at a time: where each ends, and whether a
    // byte before its end is one `reduce_any` must see (or, in the authority, upper case).
    let (authority_end, [odd_authority, upper]) = run(bytes, from, |w| {
        let stop = eq(w, b'/') | eq(w, b'?') | eq(w, b'#');
        (stop, [eq(w, b'@') | not_printable(w), upper_case(w)])
    });
    let (path_end, [odd_path, _]) = run(bytes, authority_end, |w| {
        (
            eq(w, b'?') | eq(w, b'#'),
            [eq(w, b';') | not_printable(w), 0],
        )
    });
    let odd = odd_authority || odd_path;
    // A space or a control character at the very end (after a query) is trimmed by
    // `reduce_any`: the last byte must be printable too.
    let last_printable = bytes.last().is_some_and(u8::is_ascii_graphic);
    if odd || !last_printable || authority_end == from || bytes[from] == b':' {
        return None;
    }
    let mut origin = url[..authority_end].to_owned();
    if upper {
        origin.make_ascii_lowercase();
    }
    let path = match &url[authority_end..path_end] {
        "" => "/".to_owned(),
        path => path.to_owned(),
    };
    Some((Some(origin), Some(path)))
}

/// The high bit of each byte of `w` that is `c` (an ASCII byte), and of no other byte.
#[inline(always)]
fn eq(w: u64, c: u8) -> u64 {
    let x = w ^ (ONES * u64::from(c));
    // A byte's low seven bits plus 0x7F carry into its high bit unless they are all zero, and
    // never out of the byte.
    !(((x & !HIGHS) + !HIGHS) | x) & HIGHS
}

/// The high bit of each byte of `w` that is not printable ASCII (a space, a control
/// character, DEL or any byte of a non-ASCII character), and of no other byte.
#[inline(always)]
fn not_printable(w: u64) -> u64 {
    // With each byte's high bit set first, subtracting borrows within the byte only.
    let below = !((w | HIGHS) - ONES * 0x21) & HIGHS;
    below | (w & HIGHS) | eq(w, 0x7F)
}

/// The high bit of each byte of `w` that is an ASCII upper-case letter, and of no other byte.
#[inline(always)]
fn upper_case(w: u64) -> u64 {
    let from_a = (w | HIGHS) - ONES * u64::from(b'A');
    let past_z = (w | HIGHS) - ONES * u64::from(b'Z' + 1);
    from_a & !past_z & !w & HIGHS
}

/// From `bytes[at]`: the index of the first byte that `test` marks as a stop (or the end), and
/// whether each of its two flags marks a byte before it. `test` takes eight bytes as a
/// little-endian word and gives the high bit of each byte that stops, and of each it flags.
#[inline(always)]
fn run(bytes: &[u8], mut at: usize, test: impl Fn(u64) -> (u64, [u64; 2])) -> (usize, [bool; 2]) {
    let mut flags = [0u64; 2];
    loop {
        let (word, len) = match bytes.get(at..at + 8) {
            Some(word) => (u64::from_le_bytes(word.try_into().unwrap_or_default()), 8),
            None => {
                // The last bytes, padded with a byte that stops.
                let rest = &bytes[at.min(bytes.len())..];
                let mut word = [b'?'; 8];
                word[..rest.len()].copy_from_slice(rest);
                (u64::from_le_bytes(word), rest.len())
            }
        };
        let (stops, [a, b]) = test(word);
        // Flags at or past the first stop are not the run's.
        let before = stops.wrapping_sub(1) & !stops;
        flags[0] |= a & before;
        flags[1] |= b & before;
        if stops != 0 {
            let k = (stops.trailing_zeros() / 8) as usize;
            return (
                (at + k.min(len)).min(bytes.len()),
                [flags[0] != 0, flags[1] != 0],
            );
        }
        at += 8;
    }
}

/// [`reduce`] for any text.
fn reduce_any(url: &str) -> Result<(Option<String>, Option<String>), ()> {
    let url = trim(url);
    if url.starts_with('/') && !url.starts_with("//") {
        return Ok((None, Some(path_of(url))));
    }
    // Bytes, not characters, are searched: the delimiters are ASCII, and `str::find` with a
    // `char` cost more than the rest of reducing a URL. The scheme is checked as the colon that
    // ends it is looked for, in a plain loop (a scheme is a few bytes long, too short to pay for
    // setting up `memchr`): a byte that belongs in no scheme comes before the first colon, or
    // there is none.
    let bytes = url.as_bytes();
    let colon = bytes
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
        .filter(|&end| end > 0 && bytes[end] == b':' && bytes[0].is_ascii_alphabetic())
        .ok_or(())?;
    let scheme = &url[..colon];
    let Some(rest) = url[colon + 1..].strip_prefix("//") else {
        return Ok((None, None));
    };
    let end = memchr::memchr3(b'/', b'?', b'#', rest.as_bytes()).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = match memchr::memrchr(b'@', authority.as_bytes()) {
        Some(at) => &authority[at + 1..],
        None => authority,
    };
    if host.is_empty() || host.starts_with(':') {
        return Err(());
    }
    let mut origin = String::with_capacity(scheme.len() + 3 + host.len());
    origin.push_str(scheme);
    origin.push_str("://");
    push_printable(&mut origin, host);
    origin.make_ascii_lowercase();
    Ok((Some(origin), Some(path_of(&rest[end..]))))
}

/// `text` without whitespace at either end, as [`str::trim`] gives it; told without a search
/// when `text` starts and ends with a printable ASCII character, as recorded values do.
pub(crate) fn trim(text: &str) -> &str {
    let bytes = text.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// The path of `rest` (which starts at the path, or at `?`/`#`, or is empty).
fn path_of(rest: &str) -> String {
    // One search for the end and for a `;`, which almost no path has.
    let (end, semicolon) = match memchr::memchr3(b'?', b'#', b';', rest.as_bytes()) {
        Some(at) if rest.as_bytes()[at] == b';' => (
            memchr::memchr2(b'?', b'#', rest.as_bytes()).unwrap_or(rest.len()),
            true,
        ),
        Some(at) => (at, false),
        None => (rest.len(), false),
    };
    let path = &rest[..end];
    let mut out = String::with_capacity(path.len().max(1));
    if path.is_empty() {
        out.push('/');
    } else {
        push_printable(&mut out, path);
    }
    // A Java servlet session id rides in the path: drop it as a query string would be dropped.
    while semicolon && let Some(at) = find_ignoring_case(&out, ";jsessionid=") {
        let stop = out[at..].find('/').map_or(out.len(), |k| at + k);
        out.replace_range(at..stop, "");
    }
    out
}

/// Appends a host or path as recorded, with control characters (which no valid URL holds unencoded)
/// percent-encoded: a recording must not be able to forge a line of a CI log or a terminal
/// escape through a path that messages quote.
fn push_printable(out: &mut String, path: &str) {
    // A control character is C0 (below 0x20), DEL, or C1 (U+0080–U+009F: 0xC2 0x80–0x9F in
    // UTF-8): looked for in bytes, as decoding every character to ask costs more than the rest.
    let bytes = path.as_bytes();
    // Printable ASCII, what almost every URL is, is told in one pass without a branch per byte.
    let printable = !bytes
        .iter()
        .fold(false, |out, &b| out | !(0x20..0x7F).contains(&b));
    if printable
        || !bytes.iter().enumerate().any(|(k, &b)| {
            b < 0x20 || b == 0x7F || (b == 0xC2 && bytes.get(k + 1).is_some_and(|&n| n < 0xA0))
        })
    {
        out.push_str(path);
        return;
    }
    out.reserve(path.len() + 8);
    for c in path.chars() {
        if c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
}

/// Where ASCII `needle` (which starts with `;`) first occurs in `haystack`, ignoring ASCII case.
fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    memchr::memchr_iter(b';', haystack).find(|&at| {
        haystack
            .get(at..at + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
    })
}

#[cfg(test)]
mod tests {
    use super::{reduce, trim};

    fn ok(url: &str) -> (Option<String>, Option<String>) {
        reduce(url).unwrap()
    }

    #[test]
    fn origin_and_path_without_secrets() {
        assert_eq!(
            ok("HTTPS://user:pw@API.Example.com:8443/v1/Orders?token=x#frag"),
            (
                Some("https://api.example.com:8443".into()),
                Some("/v1/Orders".into())
            )
        );
        assert_eq!(
            ok("http://example.com"),
            (Some("http://example.com".into()), Some("/".into()))
        );
        assert_eq!(
            ok("http://example.com?q=1"),
            (Some("http://example.com".into()), Some("/".into()))
        );
        assert_eq!(ok("/orders/7?x=1"), (None, Some("/orders/7".into())));
        assert_eq!(
            ok("https://h/app;JSESSIONID=abc/x;jsessionid=def"),
            (Some("https://h".into()), Some("/app/x".into()))
        );
        assert_eq!(
            ok("https://h/a;b/c?x;jsessionid=1#f;jsessionid=2"),
            (Some("https://h".into()), Some("/a;b/c".into()))
        );
        assert_eq!(
            ok("https://h/a;JSessionId=1?q"),
            (Some("https://h".into()), Some("/a".into()))
        );
        assert_eq!(
            ok("http://u@v:pw@H:80?q@r/s"),
            (Some("http://h:80".into()), Some("/".into()))
        );
        assert_eq!(
            ok(" svn+ssh.1-x://h#@x "),
            (Some("svn+ssh.1-x://h".into()), Some("/".into()))
        );
        assert_eq!(ok("data:application/json;base64,e30="), (None, None));
        assert!(reduce("orders/7").is_err());
        assert!(reduce("https:///x").is_err());
        assert!(reduce("1http://x/").is_err());
        assert!(reduce(":x").is_err());
        assert!(reduce("ht tp://x/").is_err());
        assert!(reduce("http").is_err());
        assert!(reduce("https://u@/x").is_err());
        assert!(reduce("https://:80/x").is_err());
    }

    /// The one-pass reading of common URLs gives what the general reading gives, on URLs built
    /// from every part either may stumble on, and declines the rest.
    #[test]
    fn common_urls_are_reduced_as_any_url_is() {
        let schemes = ["https://", "http://", "HTTP://", "ftp://", "https:/", ""];
        let users = ["", "u@", "u:p@", "@"];
        let hosts = [
            "h",
            "API.Example.com",
            "h:8443",
            ":80",
            "",
            "h\u{7}",
            "h é",
            "[::1]:8",
        ];
        let paths = [
            "",
            "/",
            "/v1/Orders",
            "/a;jsessionid=x/b",
            "/a b",
            "/a\u{85}b",
            "/%41",
            "//x",
            "/a@b",
            "/é",
            "/a\tb",
        ];
        let tails = [
            "",
            "?q=1",
            "#f",
            "?q#f",
            "?x;jsessionid=1",
            "? ",
            "?\u{7}",
            " ",
            "?@/",
        ];
        let mut common = 0;
        for scheme in schemes {
            for user in users {
                for host in hosts {
                    for path in paths {
                        for tail in tails {
                            let url = format!("{scheme}{user}{host}{path}{tail}");
                            if let Some(fast) = super::reduce_common(&url) {
                                common += 1;
                                assert_eq!(Ok(fast), super::reduce_any(&url), "{url:?}");
                            }
                            assert_eq!(reduce(&url), super::reduce_any(&url), "{url:?}");
                        }
                    }
                }
            }
        }
        // The one-pass reading is taken for the shapes it is there for.
        assert!(common > 100, "{common}");
        assert!(super::reduce_common("https://bms.example.test/v1/p/jobs/j?token=t").is_some());
    }

    /// Trimming without a search, where the ends are printable ASCII, agrees with `str::trim`.
    #[test]
    fn trimming_agrees_with_str_trim() {
        for text in [
            "",
            " ",
            "a",
            " a",
            "a\t",
            "\u{a0}a",
            "a\u{3000}",
            "\u{85}a b\u{85}",
            "é",
            "aé",
            "a b",
            "\u{7f}a",
            "application/json",
        ] {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }
}
