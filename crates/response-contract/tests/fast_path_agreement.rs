//! Property 4: arbitrary bytes never panic, and the fast verdict (`is_valid`) always equals the
//! full report's, under every option that changes the verdict.

#![cfg(feature = "proptest")]

use proptest::prelude::*;
use response_contract::{Contract, Expect, Limits, Validator, strategies};

fn validators() -> Vec<Validator> {
    let mut out = Vec::new();
    for expect in [Expect::Either, Expect::Normal, Expect::Abnormal] {
        for strict in [false, true] {
            out.push(Validator::new().expect(expect).strict(strict));
        }
    }
    out.push(Validator::new().limits(Limits::default().max_depth(1)));
    out.push(Validator::new().limits(Limits::default().max_depth(2)));
    out.push(Validator::new().limits(Limits::default().max_size(40)));
    out.push(Validator::new().limits(Limits::default().max_violations(1)));
    out.push(Validator::new().redact(true));
    out
}

fn agree(bytes: &[u8]) -> Result<(), TestCaseError> {
    for v in validators() {
        let report = v.validate(bytes);
        prop_assert_eq!(
            v.is_valid(bytes),
            report.is_valid(),
            "{:?} on {:?}",
            v,
            String::from_utf8_lossy(bytes)
        );
        for violation in report.violations() {
            prop_assert!(violation.location.offset <= bytes.len());
            prop_assert!(violation.location.line >= 1 && violation.location.column >= 1);
            prop_assert!(!violation.message.contains('\n'), "{}", violation.message);
        }
        prop_assert!(report.violations().len() <= v.limits_ref().violations() + 1);
        if report.is_valid() {
            prop_assert!(v.parse(bytes).is_ok());
        }
    }
    Ok(())
}

/// The fast verdict equals the full report's for `contract` under each expectation, strict or
/// not, and with a depth limit that cuts into its payloads.
fn contract_agrees(contract: Contract, bytes: &[u8]) -> Result<(), TestCaseError> {
    let base = Validator::new().contract(contract);
    let mut validators = vec![
        base.limits(Limits::default().max_depth(3)),
        base.redact(true),
    ];
    for expect in [Expect::Either, Expect::Normal, Expect::Abnormal] {
        for strict in [false, true] {
            validators.push(base.expect(expect).strict(strict));
        }
    }
    for v in validators {
        prop_assert_eq!(
            v.is_valid(bytes),
            v.validate(bytes).is_valid(),
            "{:?} on {:?}",
            v,
            String::from_utf8_lossy(bytes)
        );
    }
    Ok(())
}

/// Valid payloads with a few bytes flipped, inserted or cut: the inputs most likely to slip
/// through a fast path that is too eager.
fn damaged() -> impl Strategy<Value = Vec<u8>> {
    (
        strategies::valid_payload(),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..3u8), 1..4),
    )
        .prop_map(|(p, edits)| {
            let mut bytes = p.bytes;
            for (at, byte, op) in edits {
                if bytes.is_empty() {
                    break;
                }
                let i = at.index(bytes.len());
                match op {
                    0 => bytes[i] = byte,
                    1 => bytes.insert(i, byte),
                    _ => bytes.truncate(i),
                }
            }
            bytes
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn arbitrary_bytes_never_panic_and_verdicts_agree(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        agree(&bytes)?;
    }

    #[test]
    fn damaged_payloads_get_the_same_verdict_both_ways(bytes in damaged()) {
        agree(&bytes)?;
    }

    #[test]
    fn generated_payloads_get_the_same_verdict_both_ways(p in strategies::any_candidate()) {
        agree(&p.bytes)?;
    }

    #[test]
    fn near_misses_get_the_same_verdict_both_ways(m in strategies::near_miss()) {
        agree(&m.payload.bytes)?;
    }

    #[test]
    fn task_id_response_near_misses_get_the_same_verdict_both_ways(
        m in strategies::near_miss_for(Contract::TaskIdResponse)
    ) {
        contract_agrees(Contract::TaskIdResponse, &m.payload.bytes)?;
    }

    #[test]
    fn task_id_response_candidates_get_the_same_verdict_both_ways(
        p in strategies::any_candidate_for(Contract::TaskIdResponse)
    ) {
        contract_agrees(Contract::TaskIdResponse, &p.bytes)?;
    }

    #[test]
    fn job_status_near_misses_get_the_same_verdict_both_ways(
        m in strategies::near_miss_for(Contract::JobStatus)
    ) {
        contract_agrees(Contract::JobStatus, &m.payload.bytes)?;
    }

    #[test]
    fn job_status_candidates_get_the_same_verdict_both_ways(
        p in strategies::any_candidate_for(Contract::JobStatus)
    ) {
        contract_agrees(Contract::JobStatus, &p.bytes)?;
    }
}

/// A value no schema applies to (a member the contract does not list, the rest of a root whose
/// variant already failed) is only read by the fast pass, yet everything that fails any
/// payload is still found in it: bad syntax, a duplicate member, invalid UTF-8, the depth
/// limit. Each case under every validator, both ways.
#[test]
fn values_no_schema_applies_to_still_fail_on_what_fails_any_payload() {
    let normal = |extra: &[u8]| {
        let mut bytes = br#"{"order_id": "CS1", "job_id": "j1", "extra": "#.to_vec();
        bytes.extend_from_slice(extra);
        bytes.push(b'}');
        bytes
    };
    // The root's variant fails first (a number for `order_id`): the rest is only read.
    let failed = |extra: &[u8]| {
        let mut bytes = br#"{"order_id": 1, "extra": "#.to_vec();
        bytes.extend_from_slice(extra);
        bytes.extend_from_slice(br#", "job_id": "j1"}"#);
        bytes
    };
    let fine: [&[u8]; 8] = [
        br#"{"a": [1, -2.5e3, true, false, null], "b": {"c": "d\u00e9\n"}}"#,
        b"[]",
        b"{}",
        b"\"caf\xc3\xa9\"",
        b"0",
        b"[[[[]]]]",
        br#"{"a": {"a": {"a": 1}}}"#,
        br#"{"x": 1, "y": 2}"#,
    ];
    let broken: [&[u8]; 10] = [
        br#"{"a": 1, "a": 2}"#,
        br#"[{"b": {"c": 1, "c": 1}}]"#,
        b"\"\xff\"",
        b"01",
        b"tru",
        b"nul",
        br#"{"a" 1}"#,
        b"[1,]",
        b"\"\\x\"",
        b"-",
    ];
    let strict_free = Validator::new();
    for extra in fine {
        assert!(
            strict_free.is_valid(&normal(extra)),
            "{:?}",
            String::from_utf8_lossy(extra)
        );
        assert!(!strict_free.is_valid(&failed(extra)));
    }
    for extra in broken {
        assert!(
            !strict_free.is_valid(&normal(extra)),
            "{:?}",
            String::from_utf8_lossy(extra)
        );
    }
    for extra in fine.iter().chain(&broken) {
        agree(&normal(extra)).unwrap();
        agree(&failed(extra)).unwrap();
    }
    // Deeper than the limit inside an unlisted member.
    let deep = Validator::new().limits(Limits::default().max_depth(4));
    let payload = normal(b"[[[[[]]]]]");
    assert!(!deep.is_valid(&payload));
    assert_eq!(deep.is_valid(&payload), deep.validate(&payload).is_valid());
}
