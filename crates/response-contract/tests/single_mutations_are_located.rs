//! Property 2: every single mutation of a valid payload is rejected with an error at exactly the
//! mutated pointer, at the right line and column (counted by the generator as it wrote the bytes),
//! and with no error anywhere else — for each built-in contract, and for a user schema.

#![cfg(feature = "proptest")]

mod user_schema_fixture;

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use response_contract::strategies::{self, Mutation, NearMiss};
use response_contract::{Contract, Validator, ViolationKind};

/// The errors of `m` are exactly the generator's expected ones: same pointers, kinds and
/// locations; the fast verdict agrees.
fn assert_located(validator: Validator, m: &NearMiss) -> Result<(), TestCaseError> {
    let report = validator.validate(&m.payload.bytes);
    let text = String::from_utf8_lossy(&m.payload.bytes).into_owned();
    prop_assert!(
        !report.is_valid(),
        "{:?} at {} accepted:\n{}",
        m.mutation,
        m.pointer,
        text
    );
    prop_assert!(!validator.is_valid(&m.payload.bytes));
    prop_assert!(!m.expected.is_empty());
    for error in report.errors() {
        prop_assert!(
            m.expected.iter().any(|e| e.pointer == error.pointer),
            "stray error {:#} for {:?} at {} in\n{}",
            error,
            m.mutation,
            m.pointer,
            text
        );
    }
    for expected in &m.expected {
        let hit = report
            .errors()
            .find(|v| v.kind.code() == expected.kind && v.pointer == expected.pointer)
            .unwrap_or_else(|| {
                panic!(
                    "no {expected:?} for {:?} at {}:\n{text}\n{report:#}",
                    m.mutation, m.pointer
                )
            });
        prop_assert_eq!(hit.location, expected.location, "{:#}\n{}", hit, text);
        if let (Mutation::Duplicated, ViolationKind::DuplicateMember { first, .. }) =
            (&m.mutation, &hit.kind)
        {
            prop_assert_eq!(*first, m.original.spots[&m.pointer].key);
        }
        if let (Mutation::Retyped(t), ViolationKind::TypeMismatch { found, .. }) =
            (&m.mutation, &hit.kind)
        {
            prop_assert_eq!(found, t);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn each_mutation_is_reported_at_its_pointer_line_and_column(m in strategies::near_miss()) {
        assert_located(Validator::new(), &m)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn each_task_id_response_mutation_is_reported_at_its_pointer_line_and_column(
        m in strategies::near_miss_for(Contract::TaskIdResponse)
    ) {
        assert_located(Validator::new().contract(Contract::TaskIdResponse), &m)?;
    }

    #[test]
    fn each_job_status_mutation_is_reported_at_its_pointer_line_and_column(
        m in strategies::near_miss_for(Contract::JobStatus)
    ) {
        assert_located(Validator::new().contract(Contract::JobStatus), &m)?;
    }

    #[test]
    fn user_schema_mutations_are_errors_at_their_pointer(
        m in strategies::for_schema(&user_schema_fixture::user_schema()).near_miss()
    ) {
        let schema = user_schema_fixture::user_schema();
        let report = schema.validate(&m.payload.bytes);
        let text = String::from_utf8_lossy(&m.payload.bytes).into_owned();
        prop_assert!(!report.is_valid(), "{:?} at {} accepted:\n{}", m.mutation, m.pointer, text);
        prop_assert_eq!(schema.is_valid(&m.payload.bytes), false);
        for error in report.errors() {
            prop_assert!(m.expected.iter().any(|e| e.pointer == error.pointer), "stray {:#} in\n{}", error, text);
        }
        for e in &m.expected {
            let hit = report.errors().find(|v| v.kind.code() == e.kind && v.pointer == e.pointer);
            prop_assert!(hit.is_some_and(|v| v.location == e.location), "{:?}:\n{}\n{:#}", e, text, report);
        }
    }
}
