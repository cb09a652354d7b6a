//! Property 2: every single mutation of a valid payload is rejected with an error at exactly the
//! mutated pointer, at the right line and column (counted by the generator as it wrote the bytes).

#![cfg(feature = "proptest")]

use proptest::prelude::*;
use response_contract::strategies::{self, Mutation, NearMiss};
use response_contract::{Location, ViolationKind};

/// The pointer, kind and location the mutation must be reported with.
fn expected(m: &NearMiss) -> (String, &'static str, Location) {
    let spots = &m.payload.spots;
    let root = spots[""].value;
    let parent = |pointer: &str| {
        let cut = pointer.rfind('/').unwrap_or(0);
        spots[&pointer[..cut]].value
    };
    // Without `error` and without any result member, a payload is neither variant: one violation
    // at the root says what either would need.
    let discriminator_gone = m.pointer == "/error";
    match &m.mutation {
        Mutation::Retyped(_) => (m.pointer.clone(), "type_mismatch", spots[&m.pointer].value),
        Mutation::Duplicated => (m.pointer.clone(), "duplicate_member", spots[&m.pointer].key),
        Mutation::Removed | Mutation::Renamed if discriminator_gone => {
            (String::new(), "no_variant", root)
        }
        Mutation::Removed | Mutation::Renamed => {
            (m.pointer.clone(), "missing_member", parent(&m.pointer))
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn each_mutation_is_reported_at_its_pointer_line_and_column(m in strategies::near_miss()) {
        let report = response_contract::validate(&m.payload.bytes);
        let text = String::from_utf8_lossy(&m.payload.bytes).into_owned();
        prop_assert!(!report.is_valid(), "{:?} at {} accepted:\n{}", m.mutation, m.pointer, text);
        prop_assert!(!response_contract::is_valid(&m.payload.bytes));
        let (pointer, kind, location) = expected(&m);
        for error in report.errors() {
            prop_assert_eq!(&error.pointer, &pointer, "stray error {:#} in\n{}", error, text);
        }
        let hit = report
            .errors()
            .find(|v| v.kind.code() == kind)
            .unwrap_or_else(|| panic!("no {kind} for {:?} at {}:\n{text}\n{report:#}", m.mutation, m.pointer));
        prop_assert_eq!(hit.location, location, "{:#}\n{}", hit, text);
        if let (Mutation::Duplicated, ViolationKind::DuplicateMember { first, .. }) = (&m.mutation, &hit.kind) {
            prop_assert_eq!(*first, m.original.spots[&m.pointer].key);
        }
        if let (Mutation::Retyped(t), ViolationKind::TypeMismatch { found, .. }) = (&m.mutation, &hit.kind) {
            prop_assert_eq!(found, t);
        }
    }
}
