//! Bad and broken recordings: cut short anywhere, not a HAR at all, broken between entries,
//! entries too large or not UTF-8, a failing reader. Each gets a clear outcome, never a panic,
//! never a lost entry.

use std::io::{self, Read};
use std::path::Path;

use response_contract::traffic::{EntryProblem, Exchange, HarReader, TrafficError};
use serde::de::IgnoredAny;

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/har")
        .join(format!("{name}.har"));
    std::fs::read(path).expect("fixture")
}

/// Exchanges, then the error that ended the reading, if any.
fn read(bytes: &[u8]) -> (Vec<Exchange>, Option<TrafficError>) {
    let mut exchanges = Vec::new();
    let mut reader = HarReader::new(bytes);
    for item in reader.by_ref() {
        match item {
            Ok(exchange) => exchanges.push(exchange),
            Err(e) => {
                assert!(reader.next().is_none(), "an error ends the reading");
                return (exchanges, Some(e));
            }
        }
    }
    (exchanges, None)
}

/// Where each entry of a well-formed file ends (exclusive byte offset).
fn entry_ends(file: &[u8], exchanges: &[Exchange]) -> Vec<usize> {
    exchanges
        .iter()
        .map(|e| {
            let mut values = serde_json::Deserializer::from_slice(&file[e.at.offset..])
                .into_iter::<IgnoredAny>();
            values.next().unwrap().unwrap();
            e.at.offset + values.byte_offset()
        })
        .collect()
}

#[test]
fn a_file_cut_anywhere_gives_every_complete_entry_then_the_cut_with_its_position() {
    for name in ["chrome", "fiddler", "mitmproxy"] {
        let file = fixture(name);
        let (all, error) = read(&file);
        assert!(error.is_none());
        let ends = entry_ends(&file, &all);
        // The last byte that matters: the top-level object's `}`.
        let last = file.iter().rposition(|&b| b == b'}').unwrap() + 1;
        for cut in 0..last {
            let (got, error) = read(&file[..cut]);
            let complete = ends.iter().filter(|&&end| end <= cut).count();
            assert_eq!(got.len(), complete, "{name} cut at {cut}");
            assert_eq!(got[..], all[..complete], "{name} cut at {cut}");
            match error {
                Some(TrafficError::Truncated {
                    at,
                    entries,
                    partial,
                }) => {
                    assert_eq!(at.offset, cut, "{name} cut at {cut}");
                    assert_eq!(entries, complete as u64);
                    if let Some(partial) = partial {
                        assert_eq!(partial, all[complete].at, "{name} cut at {cut}");
                    }
                    let message = TrafficError::Truncated {
                        at,
                        entries,
                        partial,
                    }
                    .to_string();
                    assert!(
                        message.starts_with(&format!(
                            "the HAR file is cut short at line {}, column {}",
                            at.line, at.column
                        )),
                        "{message}"
                    );
                }
                Some(TrafficError::NotHar { .. }) if cut <= 3 => {}
                other => panic!("{name} cut at {cut}: {other:?}"),
            }
        }
        let (got, error) = read(&file[..last]);
        assert_eq!(got, all);
        assert!(error.is_none(), "{name}: {error:?}");
    }
}

#[test]
fn the_cut_message_names_the_line_and_the_incomplete_entry() {
    let har = b"{\"log\": {\"entries\": [\n  {\"request\": {}, \"response\": {}},\n  {\"request\": {\"url\": \"https://h/";
    let (got, error) = read(har);
    assert_eq!(got.len(), 1);
    assert_eq!(
        error.unwrap().to_string(),
        "the HAR file is cut short at line 3, column 34, after 1 complete entry; the entry starting at line 3 is incomplete"
    );
}

#[test]
fn json_that_is_not_a_har_is_told_apart() {
    let cases: &[(&[u8], &str)] = &[
        (b"", "not a HAR file: the file is empty (line 1, column 1)"),
        (
            b" \n ",
            "not a HAR file: the file is empty (line 1, column 1)",
        ),
        (
            b"[]",
            "not a HAR file: it is not a JSON object (line 1, column 1)",
        ),
        (
            b"\"log\"",
            "not a HAR file: it is not a JSON object (line 1, column 1)",
        ),
        (
            b"{}",
            "not a HAR file: it has no `log` member (line 1, column 3)",
        ),
        (
            b"{\"logs\": {\"entries\": []}}",
            "not a HAR file: it has no `log` member (line 1, column 26)",
        ),
        (
            b"{\"log\": [1]}",
            "not a HAR file: `log` is not an object (line 1, column 9)",
        ),
        (
            b"{\"log\": {\"version\": \"1.2\"}}",
            "not a HAR file: `log` has no `entries` member (line 1, column 28)",
        ),
        (
            b"{\"log\": {\"entries\": {\"0\": {}}}}",
            "not a HAR file: `log.entries` is not an array (line 1, column 21)",
        ),
        (
            b"\xFF\xFE{\x00",
            "not a HAR file: it is UTF-16 text; HAR files are UTF-8 (line 1, column 1)",
        ),
    ];
    for (input, message) in cases {
        let (got, error) = read(input);
        assert!(got.is_empty());
        let error = error.unwrap_or_else(|| panic!("{input:?}"));
        assert!(matches!(error, TrafficError::NotHar { .. }), "{error:?}");
        assert_eq!(&error.to_string(), message);
    }
}

#[test]
fn an_empty_har_has_no_exchanges_and_no_error() {
    for har in [
        &b"{\"log\": {\"entries\": []}}"[..],
        b"\xEF\xBB\xBF{\"log\":{\"entries\":[ ]}}\r\n",
    ] {
        let (got, error) = read(har);
        assert!(got.is_empty() && error.is_none(), "{error:?}");
    }
}

#[test]
fn broken_json_between_entries_stops_the_reading_after_the_entries_before_it() {
    let (got, error) = read(b"{\"log\": {\"entries\": [{}, {} {}]}}");
    assert_eq!(got.len(), 2);
    assert_eq!(
        error.unwrap().to_string(),
        "the HAR file is not well-formed JSON at line 1, column 29: expected `,` or `]` after an entry"
    );
    let (got, error) = read(b"{\"log\": {\"entries\": [{}]}} {}");
    assert_eq!(got.len(), 1);
    assert_eq!(
        error.unwrap().to_string(),
        "the HAR file goes on after its end, at line 1, column 28"
    );
}

#[test]
fn an_entry_over_the_limit_is_streamed_past_and_reported_with_its_index_and_line() {
    let big = format!(
        "{{\"request\": {{\"url\": \"https://h/big\"}}, \"response\": {{\"status\": 200, \"content\": {{\"text\": \"{}\"}}}}}}",
        "x".repeat(100_000)
    );
    let small = r#"{"request": {"method": "GET", "url": "https://h/s"}, "response": {"status": 200, "content": {"text": "{}"}}}"#;
    let har = format!("{{\"log\": {{\"entries\": [\n{small},\n{big},\n{small}\n]}}}}");
    let mut reader = HarReader::new(har.as_bytes()).max_entry(1000);
    let got: Vec<Exchange> = reader.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(got.len(), 3);
    assert!(got[0].problems.is_empty() && got[2].problems.is_empty());
    assert_eq!((got[1].index, got[1].at.line), (1, 3));
    assert_eq!(
        got[1].problems,
        [EntryProblem::Oversized {
            len: Some(big.len() as u64),
            max: 1000
        }]
    );
    assert!(got[1].body.bytes().is_none());
    assert_eq!(got[2].at.line, 4);
    assert!(
        reader.buffer_high_water() < 16 * 1024 + 2 * 65536,
        "{}",
        reader.buffer_high_water()
    );
    // Cut inside the oversized entry: the entries before it, then the cut.
    let cut = &har.as_bytes()[..har.len() / 2];
    let (got, error) = {
        let mut exchanges = Vec::new();
        let mut error = None;
        for item in HarReader::new(cut).max_entry(1000) {
            match item {
                Ok(e) => exchanges.push(e),
                Err(e) => error = Some(e),
            }
        }
        (exchanges, error)
    };
    assert_eq!(got.len(), 1);
    assert!(
        matches!(error, Some(TrafficError::Truncated { partial: Some(p), entries: 1, .. }) if p.line == 3),
        "{error:?}"
    );
}

#[test]
fn an_entry_that_is_not_utf8_is_reported_and_reading_goes_on() {
    let har = b"{\"log\": {\"entries\": [{\"request\": {\"url\": \"https://h/\xFF\"}}, {\"response\": {\"status\": 204}}]}}";
    let (got, error) = read(har);
    assert!(error.is_none());
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[0].problems[0].to_string(),
        "the entry is not readable: not UTF-8 at line 1, column 53"
    );
    assert_eq!(got[1].status, Some(204));
    // Bytes that are not UTF-8 in a member never read (a header value) are no problem, however
    // the file is read.
    let har = b"{\"log\": {\"entries\": [{\"request\": {\"headers\": [{\"name\": \"X\", \"value\": \"\xFF\"}], \"method\": \"GET\", \"url\": \"https://h/\"}, \"response\": {\"status\": 204}}]}}";
    let (whole, error) = read(har);
    assert!(error.is_none());
    assert_eq!(whole[0].status, Some(204));
    assert!(whole[0].problems.is_empty(), "{:?}", whole[0].problems);
    let trickled: Vec<Exchange> = HarReader::new(Failing(har).take(har.len() as u64))
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(trickled, whole);
}

/// Hands out its bytes, then fails.
struct Failing<'a>(&'a [u8]);

impl Read for Failing<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.0.is_empty() {
            return Err(io::Error::other("disk on fire"));
        }
        let n = buf.len().min(self.0.len()).min(7);
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[test]
fn a_failing_read_ends_the_reading_after_the_complete_entries() {
    let har = b"{\"log\": {\"entries\": [{}, {}, {\"request\"";
    let items: Vec<_> = HarReader::new(Failing(har)).collect();
    assert_eq!(items.len(), 3);
    assert!(items[0].is_ok() && items[1].is_ok());
    assert_eq!(
        items[2].as_ref().unwrap_err().to_string(),
        "cannot read the recording: disk on fire"
    );
}

#[test]
fn hostile_nesting_and_odd_bytes_never_panic() {
    let deep = format!(
        "{{\"log\": {{\"entries\": [{}{}]}}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let (got, error) = read(deep.as_bytes());
    assert!(error.is_none());
    // serde_json skips what is not read without recursing: a deep entry is only an array.
    assert_eq!(
        got[0].problems[0].to_string(),
        "the entry is an array, not an object"
    );
    let deep = format!(
        "{{\"log\": {{\"entries\": [{{\"request\": {}{}}}]}}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let (got, error) = read(deep.as_bytes());
    assert!(error.is_none());
    assert_eq!(
        got[0].problems[0].to_string(),
        "`request` is an array, expected an object"
    );
    for input in [
        &b"{\"log\": {\"entries\": [\"\\"[..],
        b"{\"log\": {\"entries\": [}",
        b"{\"log\": {\"entries\": [,]}}",
        b"{\"log\": {\"entries\": [1e999999, -, nul]}}",
        b"{\"log\" {}}",
        b"{\"log\": {\"entries\": [{\"a\": 1}]]}}",
        b"{\"log\": {\"entries\": [\"\xEF\xBB\xBF\"]}}",
        b"\xEF\xBB",
        b"{\"log\": {\"entries\": [{]}}",
    ] {
        let _ = read(input);
    }
}
