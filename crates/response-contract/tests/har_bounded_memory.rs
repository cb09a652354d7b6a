//! A HAR is read entry by entry: however many entries (or however long its one line), the read
//! buffer stays bounded by the largest entry and the chunk size. The HARs here are generated on
//! the fly by a reader, never held whole.

use std::io::{self, Read};

use response_contract::traffic::{Body, HarReader};

/// A HAR of `entries` entries, produced as it is read; `newlines` false makes it one line.
struct Generated {
    entries: usize,
    next: usize,
    newlines: bool,
    pending: Vec<u8>,
    at: usize,
    done: bool,
}

impl Generated {
    fn new(entries: usize, newlines: bool) -> Self {
        let nl = if newlines { "\n" } else { "" };
        Generated {
            entries,
            next: 0,
            newlines,
            pending: format!(
                "{{\"log\": {{\"version\": \"1.2\", \"creator\": {{\"name\": \"gen\"}},{nl} \"entries\": [{nl}"
            )
            .into_bytes(),
            at: 0,
            done: false,
        }
    }

    fn entry(&self, i: usize) -> String {
        let nl = if self.newlines { "\n" } else { "" };
        format!(
            "{sep}{{\"request\": {{\"method\": \"GET\", \"url\": \"https://api.example.com/v1/orders/{i}?k=x\", \"headers\": [{{\"name\": \"Authorization\", \"value\": \"Bearer t\"}}]}},{nl} \"response\": {{\"status\": 200, \"content\": {{\"mimeType\": \"application/json\", \"text\": \"{{\\\"order_id\\\": \\\"CS{i:010}ABCDE\\\", \\\"job_id\\\": \\\"J\\u00e9{i}\\\"}}\"}}}}, \"_resourceType\": \"fetch\", \"_note\": \"\u{e9}\"}}{nl}",
            sep = if i == 0 { "" } else { "," },
        )
    }
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.pending.len() {
            if self.done {
                return Ok(0);
            }
            self.at = 0;
            self.pending = if self.next < self.entries {
                self.next += 1;
                self.entry(self.next - 1).into_bytes()
            } else {
                self.done = true;
                b"]}}\n".to_vec()
            };
        }
        let n = buf.len().min(self.pending.len() - self.at);
        buf[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn check(entries: usize, newlines: bool) {
    let mut reader = HarReader::new(Generated::new(entries, newlines));
    let mut count = 0;
    let mut last_at = None;
    for (i, item) in reader.by_ref().enumerate() {
        let exchange = item.unwrap();
        assert_eq!(exchange.index, i as u64);
        assert!(exchange.problems.is_empty());
        if i == entries - 1 {
            let Body::Text { bytes, .. } = &exchange.body else {
                panic!("text");
            };
            let text = std::str::from_utf8(bytes).unwrap();
            assert!(text.ends_with(&format!("\"J\u{e9}{i}\"}}")), "{text}");
            // The `"` of `"order_id"` is decoded byte 1, written `\"` right after `"text": "{`.
            last_at = Some((exchange.at, exchange.body.locate_offset(1).unwrap()));
        }
        count += 1;
    }
    assert_eq!(count, entries);
    let high = reader.buffer_high_water();
    assert!(high <= 256 * 1024, "the read buffer grew to {high} bytes");
    // Positions stay exact at the end of a long file, and of a long line.
    let (entry, body) = last_at.unwrap();
    let generated = Generated::new(entries, newlines);
    let head = generated.pending.len();
    let before: usize = (0..entries - 1).map(|i| generated.entry(i).len()).sum();
    let last = generated.entry(entries - 1);
    let start = head + before + usize::from(entries > 1);
    assert_eq!(entry.offset, start);
    let text_at = last.find("\"text\": \"").unwrap() + "\"text\": \"".len() + 1;
    assert_eq!(body.offset, head + before + text_at);
    if newlines {
        assert_eq!(entry.line, 3 + 2 * (entries - 1));
        assert_eq!(entry.column, 1 + usize::from(entries > 1));
        assert_eq!(body.line, entry.line + 1);
    } else {
        // One line: the column counts characters (each entry's raw `é` is one, of two bytes).
        assert_eq!(entry.line, 1);
        assert_eq!(entry.column, start + 1 - (entries - 1));
        assert_eq!(body.column, body.offset + 1 - (entries - 1));
    }
}

#[test]
fn many_entries_are_read_with_a_bounded_buffer() {
    check(30_000, true);
}

#[test]
fn a_long_single_line_har_is_read_with_a_bounded_buffer_and_exact_columns() {
    check(30_000, false);
}

#[test]
fn a_large_entry_is_held_once_and_an_oversized_one_not_at_all() {
    let body = "x".repeat(3 << 20);
    let har = format!(
        "{{\"log\": {{\"entries\": [{{\"response\": {{\"status\": 200, \"content\": {{\"text\": \"{body}\"}}}}}}]}}}}"
    );
    let mut reader = HarReader::new(har.as_bytes());
    let exchange = reader.next().unwrap().unwrap();
    assert_eq!(exchange.body.bytes().unwrap().len(), body.len());
    assert!(
        reader.buffer_high_water() < 4 * har.len(),
        "{}",
        reader.buffer_high_water()
    );
    let mut reader = HarReader::new(har.as_bytes()).max_entry(1 << 20);
    let exchange = reader.next().unwrap().unwrap();
    assert!(exchange.body.bytes().is_none());
    assert!(
        reader.buffer_high_water() < 3 << 20,
        "{}",
        reader.buffer_high_water()
    );
}

/// The case: a 1 GB HAR of 2 million entries, on one line. Slow in a debug build; run
/// `cargo test --release -p response-contract --test har_bounded_memory -- --ignored` (and
/// measure the process's peak memory with `/usr/bin/time -v`).
#[test]
#[ignore = "1 GB of input: run in release"]
fn a_1_gb_single_line_har_of_2_million_entries_is_read_in_bounded_memory() {
    check(2_000_000, false);
}
