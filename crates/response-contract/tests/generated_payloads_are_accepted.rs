//! Property 1: every payload generated from the valid space of the schema documents is accepted,
//! judged as the variant it was generated from (for each built-in contract, and for a user
//! schema through `Schema`), and the Order ID Response's typed value round-trips.

#![cfg(feature = "proptest")]

mod user_schema_fixture;

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use response_contract::strategies::{self, Json};
use response_contract::{Contract, Response, Severity, Validator, ViolationKind};
use user_schema_fixture::{USER_SCHEMA, user_schema};

/// The members the typed value carries, read straight from the generated tree.
fn typed_members(json: &Json) -> serde_json::Value {
    let value = json.to_value();
    let pick = |v: &serde_json::Value, names: &[&str]| {
        serde_json::Value::Object(
            names
                .iter()
                .filter_map(|n| v.get(*n).map(|x| ((*n).to_owned(), x.clone())))
                .collect(),
        )
    };
    if let Some(error) = value.get("error") {
        serde_json::json!({ "error": pick(error, &["message", "code"]) })
    } else {
        pick(&value, &["order_id", "job_id"])
    }
}

/// `payload` is valid for `contract`, judged as its variant, with only unlisted-member warnings.
fn accepted(contract: Contract, payload: &strategies::Payload) -> Result<(), TestCaseError> {
    let validator = Validator::new().contract(contract);
    let report = validator.validate(&payload.bytes);
    prop_assert!(
        report.is_valid(),
        "{}\n{report:#}",
        String::from_utf8_lossy(&payload.bytes)
    );
    prop_assert_eq!(report.variant(), payload.variant);
    prop_assert!(payload.variant.is_some());
    prop_assert!(validator.is_valid(&payload.bytes));
    for v in report.violations() {
        prop_assert_eq!(v.severity, Severity::Warning);
        prop_assert!(
            matches!(v.kind, ViolationKind::UnknownMember { .. }),
            "{v:?}"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn task_id_response_payloads_are_accepted_as_their_variant(
        payload in strategies::valid_payload_for(Contract::TaskIdResponse)
    ) {
        accepted(Contract::TaskIdResponse, &payload)?;
    }

    #[test]
    fn job_status_payloads_are_accepted_as_their_variant(
        payload in strategies::valid_payload_for(Contract::JobStatus)
    ) {
        accepted(Contract::JobStatus, &payload)?;
    }

    #[test]
    fn payloads_generated_from_a_user_schema_are_valid(
        payload in strategies::for_schema(&user_schema()).valid_payload()
    ) {
        let schema = user_schema();
        let report = schema.validate(&payload.bytes);
        prop_assert!(report.is_valid(), "{}\n{report:#}", String::from_utf8_lossy(&payload.bytes));
        prop_assert!(schema.is_valid(&payload.bytes));
        // What any 2020-12 validator says, too.
        let engine = jsonschema::validator_for(&serde_json::from_str(USER_SCHEMA).unwrap()).unwrap();
        prop_assert!(engine.is_valid(&payload.json.to_value()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn valid_payloads_are_accepted_as_their_variant(payload in strategies::valid_payload()) {
        let report = response_contract::validate(&payload.bytes);
        prop_assert!(report.is_valid(), "{}\n{report:#}", String::from_utf8_lossy(&payload.bytes));
        prop_assert_eq!(report.variant(), payload.variant);
        prop_assert!(response_contract::is_valid(&payload.bytes));
        // The only findings a valid payload may have are warnings about unlisted members.
        for v in report.violations() {
            prop_assert_eq!(v.severity, Severity::Warning);
            prop_assert!(matches!(v.kind, ViolationKind::UnknownMember { .. }), "{v:?}");
        }
    }

    #[test]
    fn typed_values_round_trip(payload in strategies::valid_payload()) {
        let checked = Validator::new().parse(&payload.bytes).expect("valid payload");
        prop_assert_eq!(Some(checked.value().variant()), payload.variant);
        // The typed value holds exactly the listed members' values...
        let as_json = serde_json::to_value(checked.value()).unwrap();
        prop_assert_eq!(&as_json, &typed_members(&payload.json));
        // ...and serialising it gives a payload that checks clean and decodes to the same value.
        let bytes = serde_json::to_vec(checked.value()).unwrap();
        let again = Validator::new().strict(true).parse(&bytes).expect("re-serialised value");
        prop_assert_eq!(again.value(), checked.value());
        prop_assert!(again.report().violations().is_empty());
        let decoded: Response = serde_json::from_slice(&bytes).unwrap();
        prop_assert_eq!(&decoded, checked.value());
    }

    #[test]
    fn strict_mode_rejects_exactly_the_unlisted_members(payload in strategies::valid_payload()) {
        let lenient = response_contract::validate(&payload.bytes);
        let strict = Validator::new().strict(true).validate(&payload.bytes);
        prop_assert_eq!(strict.violations().len(), lenient.violations().len());
        prop_assert_eq!(strict.is_valid(), lenient.warnings().count() == 0);
        prop_assert_eq!(Validator::new().strict(true).is_valid(&payload.bytes), strict.is_valid());
    }
}

#[test]
#[should_panic(expected = "`contains` at user.json#/properties/a is not supported")]
fn a_keyword_the_generators_cannot_honour_stops_them_naming_where() {
    let schema = response_contract::Schema::from_json(
        br#"{"type": "object", "required": ["a"], "properties": {"a": {"type": "array", "contains": {"const": 1}}}}"#,
        "user.json",
    )
    .unwrap();
    let _ = strategies::for_schema(&schema);
}
