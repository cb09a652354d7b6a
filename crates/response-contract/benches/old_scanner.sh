#!/usr/bin/env bash
# The hand-written Order ID scanner that the schema documents replaced (issue 8), timed today
# against the floor and this crate's `Validator::is_valid` in turns, on the verdict bench's three
# payloads: how far the generic pass is from it, and whether it meets issue 8's ≤ 0.7× itself.
#
#   benches/old_scanner.sh      5 rounds of 5,000,000 calls per method and payload; prints each
#                               round's ns per call and the ratios to the floor
#
# The scanner is read from the repository's history (`git show 93aedc7:src/fast.rs`, the last
# commit before the plan replaced it) into a scratch crate under target/old-scanner, built
# against this crate, and run; nothing of it is part of the library.
set -euo pipefail

cd "$(dirname "$0")/.."
CRATE=$(pwd)
TARGET=$(cd ../.. && pwd)/target
DIR=$TARGET/old-scanner
mkdir -p "$DIR/src"
git show 93aedc7:src/fast.rs | sed 's/^use crate::report::Variant;/use crate::Variant;/' >"$DIR/src/fast.rs"
cat >"$DIR/Cargo.toml" <<TOML
[package]
name = "old-scanner"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
serde = "1"
serde_json = "1"
response-contract = { path = "$CRATE" }

[workspace]
TOML
cat >"$DIR/src/main.rs" <<'RS'
#![allow(dead_code)]
mod fast;

use std::hint::black_box;
use std::time::Instant;

use serde::de::IgnoredAny;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Normal,
    Abnormal,
}

fn floor(b: &[u8]) -> bool {
    std::str::from_utf8(b).is_ok() && serde_json::from_slice::<IgnoredAny>(b).is_ok()
}

fn main() {
    let payloads: [(&str, &[u8]); 3] = [
        ("normal", br#"{"order_id": "CS2009141523OQSEQ", "job_id": "ff808081748b760c01748b7f80370003"}"#),
        ("abnormal", br#"{"error": {"message": "Fail to parse request, reason: flavorRef is missing.", "code": "BMS.0001"}}"#),
        ("numeric", br#"{"error": {"message": "", "code": 400}}"#),
    ];
    let validator = response_contract::Validator::new();
    let n = 5_000_000;
    for round in 0..5 {
        for (name, p) in payloads {
            // The three verdicts must agree before they are timed.
            let old = matches!(fast::scan(p), fast::Scan::Clean(_));
            assert_eq!(old, validator.is_valid(p), "{name}");
            let mut ns = [0.0; 3];
            for (m, slot) in ns.iter_mut().enumerate() {
                let start = Instant::now();
                let mut valid = 0usize;
                for _ in 0..n {
                    valid += usize::from(match m {
                        0 => floor(black_box(p)),
                        1 => matches!(fast::scan(black_box(p)), fast::Scan::Clean(_)),
                        _ => validator.is_valid(black_box(p)),
                    });
                }
                black_box(valid);
                *slot = start.elapsed().as_nanos() as f64 / n as f64;
            }
            println!(
                "round {round} {name:9} floor {:5.1} ns  hand-written {:5.1} ns ({:.2}x)  is_valid {:5.1} ns ({:.2}x)",
                ns[0], ns[1], ns[1] / ns[0], ns[2], ns[2] / ns[0]
            );
        }
    }
}
RS
cargo build --release --quiet --manifest-path "$DIR/Cargo.toml" --target-dir "$DIR/target"
"$DIR/target/release/old-scanner"
