#![no_main]
//! See `fuzz/README.md`. The invariants are shared with `cargo test` (tests/fuzz_regressions.rs).

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz_regressions.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| invariants::check_traffic(data));
