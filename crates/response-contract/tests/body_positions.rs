//! Every byte of a decoded body maps back to the raw character in the file that produced it,
//! however the body's JSON string was escaped: short escapes, `\/`, `\u` escapes of any
//! character (surrogate pairs included, hex digits in either case), raw multi-byte UTF-8.

use proptest::prelude::*;
use response_contract::Location;
use response_contract::traffic::{Body, ExchangeReader, HarReader};

/// How one character is written in the JSON string.
#[derive(Debug, Clone, Copy)]
enum Form {
    Raw,
    Short,
    Unicode { upper: bool },
}

fn short(c: char) -> Option<&'static str> {
    Some(match c {
        '"' => "\\\"",
        '\\' => "\\\\",
        '/' => "\\/",
        '\u{8}' => "\\b",
        '\u{c}' => "\\f",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        _ => return None,
    })
}

/// The JSON string contents for `chars`, and where each character's raw form starts in it.
fn encode(chars: &[(char, Form)]) -> (String, Vec<usize>) {
    let mut out = String::new();
    let mut starts = Vec::new();
    for &(c, form) in chars {
        starts.push(out.len());
        let raw_ok = c != '"' && c != '\\' && !c.is_control();
        match (form, short(c)) {
            (Form::Raw, _) if raw_ok => out.push(c),
            (Form::Short, Some(s)) => out.push_str(s),
            _ => {
                let upper = matches!(form, Form::Unicode { upper: true });
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    if upper {
                        out.push_str(&format!("\\u{unit:04X}"));
                    } else {
                        out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
            }
        }
    }
    (out, starts)
}

fn body_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('a', 'z'),
        2 => proptest::sample::select(vec!['"', '\\', '/', '\n', '\r', '\t', '\u{8}', '\u{c}', '\u{0}', '\u{1f}', '\u{7f}', ' ', '{', '}']),
        1 => proptest::char::range('\u{a0}', '\u{7ff}'),
        1 => proptest::char::range('\u{800}', '\u{d7ff}'),
        1 => proptest::char::range('\u{e000}', '\u{fffd}'),
        1 => proptest::char::range('\u{10000}', '\u{10ffff}'),
    ]
}

fn form() -> impl Strategy<Value = Form> {
    prop_oneof![
        3 => Just(Form::Raw),
        2 => Just(Form::Short),
        1 => any::<bool>().prop_map(|upper| Form::Unicode { upper }),
    ]
}

/// Checks `body` against the characters it was written from, `start` being where the string's
/// contents begin in `file`.
fn check(file: &[u8], body: &Body, chars: &[(char, Form)], starts: &[usize], start: usize) {
    let text: String = chars.iter().map(|&(c, _)| c).collect();
    assert_eq!(body.bytes(), Some(text.as_bytes()));
    let mut decoded = 0;
    for (k, &(c, _)) in chars.iter().enumerate() {
        let expected = Location::of_offset(file, start + starts[k]);
        // Every byte of the character maps to where the character is written.
        for d in decoded..decoded + c.len_utf8() {
            let at = body.locate_offset(d).unwrap();
            assert_eq!(
                (at.line, at.column, at.offset),
                (expected.line, expected.column, expected.offset),
                "decoded byte {d} of {c:?}"
            );
        }
        decoded += c.len_utf8();
    }
    // The end maps to the closing quote.
    let end = body.locate_offset(decoded).unwrap();
    assert_eq!(file[end.offset], b'"');
    assert_eq!(end, Location::of_offset(file, end.offset));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn har_body_positions_point_at_the_raw_character(
        chars in proptest::collection::vec((body_char(), form()), 0..60),
        lines_before in 0usize..4,
        indent in 0usize..6,
        prefix in "[a-zé€😀]{0,5}",
    ) {
        let (string, starts) = encode(&chars);
        let nl = "\n".repeat(lines_before);
        let pad = " ".repeat(indent);
        let head = format!(
            "{{\"log\": {{\"comment\": \"{prefix}\",{nl}\"entries\": [\n{pad}{{\"response\": {{\"status\": 200, \"content\": {{\"mimeType\": \"application/json\",\n{pad}\"text\": \""
        );
        let har = format!("{head}{string}\"}}}}}}]}}}}");
        let exchange = HarReader::new(har.as_bytes()).next().unwrap().unwrap();
        check(har.as_bytes(), &exchange.body, &chars, &starts, head.len());
    }

    #[test]
    fn exchange_log_body_positions_point_at_the_raw_character(
        chars in proptest::collection::vec((body_char(), form()), 0..60),
        lines_before in 0usize..3,
        prefix in "[a-zé😀]{0,5}",
    ) {
        let (string, starts) = encode(&chars);
        let before = "{\"status\": 200, \"url\": \"/a\"}\n\n".repeat(lines_before);
        let head = format!("{before}{{\"method\": \"GET\", \"path\": \"/{prefix}\", \"status\": 200, \"body\": \"");
        let log = format!("{head}{string}\"}}\n");
        let exchange = ExchangeReader::new(log.as_bytes()).nth(lines_before).unwrap().unwrap();
        check(log.as_bytes(), &exchange.body, &chars, &starts, head.len());
    }
}
