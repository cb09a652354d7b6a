//! JSON Lines in bounded memory: every line accounted for, oversized lines streamed past, line
//! ends of every kind.

use std::io::Read;

use response_contract::lines::{Batches, LineKind};

/// A line number with the payload's bytes, or the length of an oversized line.
type Entry = (u64, Result<Vec<u8>, u64>);

/// Every non-blank line, and the number of blank ones.
fn read_all<R: Read>(reader: R, max_line: usize, batch: usize) -> (Vec<Entry>, u64) {
    let mut lines = Vec::new();
    let mut blank = 0;
    for b in Batches::new(reader, max_line).batch_bytes(batch) {
        let b = b.unwrap();
        blank += b.blank;
        for line in &b.lines {
            let item = match line.kind {
                LineKind::Payload => Ok(b.payload(line).to_vec()),
                LineKind::Oversized { len } => Err(len),
                ref other => panic!("a kind of line this test does not know: {other:?}"),
            };
            lines.push((line.number, item));
        }
    }
    (lines, blank)
}

#[test]
fn every_line_is_numbered_and_blank_lines_are_counted() {
    let input = b"a\n\n  \r\nb\r\nc";
    for batch in [1, 2, 3, 1024] {
        let (lines, blank) = read_all(&input[..], 100, batch);
        assert_eq!(
            lines,
            [
                (1, Ok(b"a".to_vec())),
                (4, Ok(b"b".to_vec())),
                (5, Ok(b"c".to_vec()))
            ],
            "batch {batch}"
        );
        assert_eq!(blank, 2);
    }
    assert_eq!(read_all(&b""[..], 10, 10), (vec![], 0));
    assert_eq!(read_all(&b"\n"[..], 10, 10), (vec![], 1));
}

#[test]
fn an_oversized_line_is_streamed_past_and_reported_with_its_length() {
    let mut input = b"{\"a\":1}\n".to_vec();
    input.extend(std::iter::repeat_n(b'x', 10_000_000));
    input.extend_from_slice(b"\n{\"b\":2}");
    // A line limit of 1000 bytes: the 10 MB line must never be held.
    let mut max_batch = 0;
    let mut seen = Vec::new();
    for b in Batches::new(&input[..], 1000).batch_bytes(4096) {
        let b = b.unwrap();
        max_batch = max_batch.max(b.data.capacity());
        for line in &b.lines {
            seen.push((line.number, line.kind.clone()));
        }
    }
    assert_eq!(
        seen,
        [
            (1, LineKind::Payload),
            (2, LineKind::Oversized { len: 10_000_000 }),
            (3, LineKind::Payload)
        ]
    );
    assert!(max_batch < 256 * 1024, "a batch grew to {max_batch} bytes");
    // A final oversized line without a newline.
    let (lines, _) = read_all(&input[..input.len() - 8], 1000, 4096);
    assert_eq!(lines.last().unwrap(), &(2, Err(10_000_000)));
}

#[test]
fn a_line_of_exactly_the_limit_is_a_payload_even_with_crlf() {
    let line = vec![b'7'; 64];
    for end in [&b"\n"[..], b"\r\n", b""] {
        let mut input = line.clone();
        input.extend_from_slice(end);
        let (lines, _) = read_all(&input[..], 64, 16);
        assert_eq!(lines, [(1, Ok(line.clone()))], "{end:?}");
        let (lines, _) = read_all(&input[..], 63, 16);
        assert_eq!(lines, [(1, Err(64))], "{end:?}");
    }
}

#[test]
fn a_million_lines_each_get_exactly_one_entry() {
    let one = b"{\"order_id\": \"CS2009141523OQSEQ\", \"job_id\": \"ff808081748b760c01748b7f80370003\"}\n";
    let input: Vec<u8> = one
        .iter()
        .copied()
        .cycle()
        .take(one.len() * 1_000_000)
        .collect();
    let mut count = 0u64;
    let mut expected_number = 1;
    let mut valid = 0u64;
    for b in Batches::new(&input[..], 1 << 20) {
        let b = b.unwrap();
        for line in &b.lines {
            assert_eq!(line.number, expected_number);
            expected_number += 1;
            count += 1;
            valid += u64::from(response_contract::is_valid(b.payload(line)));
        }
    }
    assert_eq!((count, valid), (1_000_000, 1_000_000));
}

#[test]
fn a_read_error_is_reported_and_ends_the_input() {
    struct Failing(usize);
    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::other("disk on fire"));
            }
            self.0 -= 1;
            buf[..2].copy_from_slice(b"1\n");
            Ok(2)
        }
    }
    let results: Vec<_> = Batches::new(Failing(3), 100).batch_bytes(1).collect();
    let lines: usize = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|b| b.lines.len())
        .sum();
    assert_eq!(lines, 3);
    assert!(results.last().unwrap().as_ref().is_err());
}
