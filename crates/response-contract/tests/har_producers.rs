//! HAR files in the shapes real recorders write — Chrome and Firefox devtools, Playwright's
//! `recordHar`, mitmproxy's `save.har`, Charles, Fiddler — read into exchanges that keep what
//! routing and checking need and nothing secret.

use std::path::Path;

use response_contract::Location;
use response_contract::traffic::{Body, EntryProblem, Exchange, HarReader, Unrecorded};

/// Every planted secret (header values, cookies, query strings, request bodies) starts with it.
const SECRET: &str = "SeCrEt";

const PRODUCERS: [&str; 6] = [
    "chrome",
    "firefox",
    "playwright",
    "mitmproxy",
    "charles",
    "fiddler",
];

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/har")
        .join(format!("{name}.har"));
    std::fs::read(path).expect("fixture")
}

fn read(name: &str) -> Vec<Exchange> {
    HarReader::new(&fixture(name)[..])
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// One exchange in a line: `index line method origin path status media-type body [problems]`.
fn summary(e: &Exchange) -> String {
    let body = match &e.body {
        Body::Text { bytes, .. } => format!("text({})", bytes.len()),
        Body::Base64 { bytes, .. } => format!("base64({})", bytes.len()),
        Body::Unrecorded(why) => format!("unrecorded({why:?})"),
        Body::Undecodable { reason, .. } => format!("undecodable({reason})"),
        other => format!("{other:?}"),
    };
    let problems: Vec<String> = e.problems.iter().map(ToString::to_string).collect();
    format!(
        "{} L{} {} {} {} {} {} {} [{}]",
        e.index,
        e.at.line,
        e.method.as_deref().unwrap_or("-"),
        e.origin.as_deref().unwrap_or("-"),
        e.path.as_deref().unwrap_or("-"),
        e.status.map_or("-".to_owned(), |s| s.to_string()),
        e.media_type.as_deref().unwrap_or("-"),
        body,
        problems.join("; ")
    )
}

#[test]
fn every_producer_s_entries_are_read_in_file_order_with_what_routing_needs() {
    let expected: &[(&str, &[&str])] = &[
        (
            "chrome",
            &[
                "0 L20 POST https://api.example.com /v1/orders 202 application/json; charset=utf-8 text(53) []",
                "1 L145 GET https://shop.example.com /account 302 x-unknown unrecorded(NoText) []",
                "2 L209 GET https://api.example.com /v1/orders/CS2009141523OQSEQ - x-unknown unrecorded(NoText) [the request got no response (status 0, with a failure reason)]",
                "3 L262 GET https://cdn.example.com /logo.png 200 image/png base64(8) []",
                "4 L318 GET https://api.example.com /v1/orders/CS2009141523OQSEQ 200 application/json text(98) []",
            ],
        ),
        (
            "firefox",
            &[
                "0 L24 GET https://api.example.com /v1/orders/A7 404 application/problem+json; charset=utf-8 text(75) []",
                "1 L95 PUT https://api.example.com /v1/orders/A7 200 application/json unrecorded(EmptyText { size: 51 }) []",
            ],
        ),
        (
            "playwright",
            &[
                "0 L13 POST http://localhost:8080 /v1/orders 201 application/json text(53) []",
                "1 L85 GET http://localhost:8080 /v1/orders/CS1 200 application/json unrecorded(Attached { file: \"75841480e2606c03389077304342fac2c58ccb1b.json\" }) []",
                "2 L122 GET http://localhost:8080 /v1/orders/CS2 - x-unknown unrecorded(NoText) [the request got no response (status -1, with a failure reason)]",
            ],
        ),
        (
            "mitmproxy",
            &[
                "0 L11 GET https://api.example.com /v1/jobs/J-1 200 application/json text(63) []",
                "1 L87 POST https://api.example.com /v1/login - - unrecorded(NoText) [the request got no response (status 0, with a failure reason)]",
                "2 L132 GET wss://api.example.com /v1/stream 101 - text(0) []",
            ],
        ),
        (
            "charles",
            &[
                "0 L10 POST https://api.example.com /v1/orders 200 application/json;charset=UTF-8 base64(53) []",
                "1 L74 GET https://api.example.com /v1/orders/A9 500 application/json text(45) []",
            ],
        ),
        (
            "fiddler",
            &[
                "0 L1 GET https://api.example.com /v1/reports 200 application/json; charset=utf-8 unrecorded(NoText) []",
                "1 L1 POST https://api.example.com /v1/orders 202 application/json base64(53) []",
            ],
        ),
    ];
    for (name, want) in expected {
        let got: Vec<String> = read(name).iter().map(summary).collect();
        assert_eq!(&got, want, "{name}");
    }
}

#[test]
fn bodies_decode_to_the_recorded_bytes() {
    let chrome = read("chrome");
    assert_eq!(
        chrome[0].body.bytes().unwrap(),
        br#"{"order_id": "CS2009141523OQSEQ", "job_id": "J-0001"}"#
    );
    assert_eq!(&chrome[3].body.bytes().unwrap()[..4], b"\x89PNG");
    let text = String::from_utf8(chrome[4].body.bytes().unwrap().to_vec()).unwrap();
    assert!(
        text.contains("caf\u{e9} \u{2014} \\\"quoted\\\" \u{1F600}"),
        "{text}"
    );
    // mitmproxy writes non-ASCII as \u escapes (Python's ensure_ascii), surrogate pairs included.
    let mitm = String::from_utf8(read("mitmproxy")[0].body.bytes().unwrap().to_vec()).unwrap();
    assert!(mitm.contains("\u{dc}bermittelt \u{1F680}"), "{mitm}");
    // Charles (Java) escapes `/` as `\/`, inside base64 too.
    let charles = read("charles");
    assert!(
        charles[0]
            .body
            .bytes()
            .unwrap()
            .ends_with(br#""job_id": "J-3???"}"#)
    );
    assert_eq!(
        charles[1].body.bytes().unwrap(),
        br#"{"error": {"message": "a/b", "code": "E500"}}"#
    );
}

#[test]
fn planted_secrets_never_appear_in_anything_the_reader_returns() {
    for name in PRODUCERS {
        let bytes = fixture(name);
        assert!(
            String::from_utf8_lossy(&bytes).matches(SECRET).count() >= 2,
            "{name} plants secrets"
        );
        for item in HarReader::new(&bytes[..]) {
            let text = match &item {
                Ok(exchange) => format!("{exchange:?} {}", summary(exchange)),
                Err(e) => format!("{e:?} {e}"),
            };
            assert!(!text.contains(SECRET), "{name}: {text}");
        }
    }
}

/// Each decoded character maps to the raw character that produced it — itself, or the `\` of
/// its escape — at the line and column a text editor shows (the BOM taking none).
fn assert_positions_point_at_the_raw_text(
    name: &str,
    file: &[u8],
    exchange: &Exchange,
    bom: usize,
) {
    let Body::Text { bytes, .. } = &exchange.body else {
        return;
    };
    let text = std::str::from_utf8(bytes).unwrap();
    for (d, c) in text.char_indices() {
        let at = exchange.body.locate_offset(d).unwrap();
        let raw = &file[at.offset..];
        let mut utf8 = [0; 4];
        let own = c.encode_utf8(&mut utf8).as_bytes();
        assert!(
            (raw.starts_with(own) && c != '"' && c != '\\' && !c.is_control()) || raw[0] == b'\\',
            "{name}#{}: decoded byte {d} ({c:?}) maps to {:?}",
            exchange.index,
            String::from_utf8_lossy(&raw[..raw.len().min(12)])
        );
        let mut expected = Location::of_offset(file, at.offset);
        if expected.line == 1 {
            expected.column -= bom;
        }
        assert_eq!(
            (at.line, at.column),
            (expected.line, expected.column),
            "{name}#{} byte {d}",
            exchange.index
        );
    }
}

#[test]
fn every_body_byte_maps_to_the_raw_character_that_produced_it() {
    for name in PRODUCERS {
        let file = fixture(name);
        let bom = usize::from(file.starts_with(b"\xEF\xBB\xBF"));
        for exchange in read(name) {
            assert_positions_point_at_the_raw_text(name, &file, &exchange, bom);
            if let Body::Base64 { at, .. } = exchange.body {
                assert_eq!(file[at.offset], b'"', "{name}#{}", exchange.index);
                assert_eq!(exchange.body.locate_offset(5), Some(at));
            }
        }
    }
}

#[test]
fn a_byte_order_mark_is_accepted_and_takes_no_column() {
    let fiddler = fixture("fiddler");
    assert!(fiddler.starts_with(b"\xEF\xBB\xBF"));
    let exchanges = read("fiddler");
    assert_eq!(exchanges.len(), 2);
    // The single line: `{"log":{"entries":[{`: the first entry opens at column 20, byte 22.
    let at = exchanges[0].at;
    assert_eq!((at.line, at.column, at.offset), (1, 20, 22));
    let without: Vec<Exchange> = HarReader::new(&fiddler[3..])
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!((without[0].at.column, without[0].at.offset), (20, 19));
}

#[test]
fn log_entries_is_found_before_after_and_between_other_members() {
    let entry = r#"{"request": {"method": "GET", "url": "https://h/a"}, "response": {"status": 200, "content": {"mimeType": "application/json", "text": "{}"}}}"#;
    let noise = r#"{"x": [1, {"y": "]}\"["}], "s": "{\\"}"#;
    let shapes = [
        format!(r#"{{"log": {{"entries": [{entry}], "version": "1.2", "pages": [{noise}]}}}}"#),
        format!(
            r#"{{"log": {{"version": "1.2", "creator": {noise}, "pages": [{noise}], "entries": [{entry}, {entry}]}}}}"#
        ),
        format!(
            r#"{{"_meta": {noise}, "log": {{"comment": "entries", "browser": {noise}, "entries": [{entry}], "_x": []}}, "zzz": 1}}"#
        ),
        format!("\n\t {{ \"log\" : {{ \"entries\" :\n[ {entry} ,\n{entry} ] }} }} \n"),
    ];
    for (i, har) in shapes.iter().enumerate() {
        let exchanges: Vec<Exchange> = HarReader::new(har.as_bytes())
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("shape {i}: {e}"));
        assert!(!exchanges.is_empty(), "shape {i}");
        for (k, e) in exchanges.iter().enumerate() {
            assert_eq!(e.index, k as u64);
            assert_eq!(e.status, Some(200), "shape {i}");
            assert_eq!(e.body.bytes(), Some(&b"{}"[..]), "shape {i}");
            assert_eq!(har.as_bytes()[e.at.offset], b'{');
            assert!(e.problems.is_empty(), "shape {i}: {:?}", e.problems);
        }
    }
}

#[test]
fn problems_of_one_entry_are_data_and_reading_goes_on() {
    let har = concat!(
        r#"{"log": {"entries": ["#,
        r#"{"request": {"method": "GET", "url": "https://h/a?token=SeCrEt-1"}, "response": {"content": {"text": "{}"}}},"#,
        "\n17,\n",
        r#"{"request": {"method": 7, "url": "not a url SeCrEt-2"}, "response": {"status": "200"}},"#,
        "\n",
        r#"{"request": {"url": "https://h/b"}, "response": {"status": 1000, "content": {"text": 5}}},"#,
        "\n",
        r#"{"request": "GET /?SeCrEt-3", "response": {"status": 204, "content": {"text": "", "encoding": "gzip"}}},"#,
        "\n",
        r#"{"request": {"url": "https://h/c"}, "response": {"status": 200, "content": {"text": "%%%", "encoding": "base64"}}},"#,
        "\n",
        r#"{"request": {"url": "https://h/d"}, "response": {"status": 200, "content": {"text": "\ud800"}}},"#,
        "\n",
        r#"{"request": {"url": "https://h/e", "url": "https://h/f?SeCrEt-4"}, "response": {"status": 200}},"#,
        "\n",
        r#"{"request": {"url": "https://h/g"}, "response": {"status": 200, "content": {"text": tru}}},"#,
        "\n",
        r#"{"request": {"method": "GET", "url": "https://h/ok"}, "response": {"status": 200, "content": {"text": "[]"}}}"#,
        "\n]}}"
    );
    let got: Vec<String> = HarReader::new(har.as_bytes())
        .map(|item| summary(&item.unwrap()))
        .collect();
    let want = [
        "0 L1 GET https://h /a - - text(2) [`response.status` is missing]",
        "1 L2 - - - - - Unread [the entry is a number, not an object]",
        "2 L3 - - - - - unrecorded(NoContent) [`request.method` is a number, expected a string; `request.url` is not a URL this tool can read (not shown); `response.status` is a string, expected an integer]",
        "3 L4 - https://h /b - - undecodable(`response.content.text` is not a string) [`request.method` is missing; the status 1000 is not an HTTP status (100–599); `response.content.text` is a number, expected a string]",
        "4 L5 - - - 204 - undecodable(`response.content.encoding` names an encoding other than base64) [`request` is a string, expected an object]",
        "5 L6 - https://h /c 200 - undecodable(the base64 text does not decode: Invalid symbol 37, offset 0.) [`request.method` is missing]",
        "6 L7 - https://h /d 200 - undecodable(a lone surrogate escape at byte 0 of the text (no Unicode text holds one)) [`request.method` is missing]",
        "7 L8 - - - - - Unread [the entry is not readable: a member appears twice at line 8, column 40]",
        "8 L9 - - - - - Unread [the entry is not readable: not well-formed JSON (or nested deeper than 128 levels) at line 9, column 88]",
        "9 L10 GET https://h /ok 200 - text(2) []",
    ];
    assert_eq!(got, want);
    let everything = format!("{:?}", HarReader::new(har.as_bytes()).collect::<Vec<_>>());
    assert!(!everything.contains("SeCrEt"), "{everything}");
    let problem = EntryProblem::Missing { member: "x" };
    assert_eq!(problem.to_string(), "`x` is missing");
    assert_eq!(
        Unrecorded::EmptyText { size: 3 }.to_string(),
        "the response body was not recorded (empty text, but a size of 3 bytes)"
    );
}

/// Hands out one byte per read: every entry straddles a read, so the reader's scanning path
/// (not the whole-in-buffer one) reads them all.
struct Trickle<'a>(&'a [u8]);

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.0.len()).min(1);
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[test]
fn reads_of_any_size_give_the_same_exchanges() {
    for name in PRODUCERS {
        let file = fixture(name);
        let trickled: Vec<Exchange> = HarReader::new(Trickle(&file))
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(trickled, read(name), "{name}");
    }
}

#[test]
fn an_exchange_displays_where_and_what_without_secrets() {
    let chrome = read("chrome");
    assert_eq!(
        chrome[0].to_string(),
        "entry 0 (line 20): POST https://api.example.com/v1/orders \u{2192} 202"
    );
    assert_eq!(
        chrome[2].to_string(),
        "entry 2 (line 209): GET https://api.example.com/v1/orders/CS2009141523OQSEQ \u{2192} -"
    );
}
