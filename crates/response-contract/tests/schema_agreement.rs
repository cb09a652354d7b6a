//! Property 3 (differential): on generated objects — valid ones, near-misses and response-like
//! objects, all without duplicate members — this library's verdict equals that of the `jsonschema`
//! crate running the shipped documents in `schemas/`.

#![cfg(feature = "proptest")]

use std::sync::OnceLock;

use proptest::prelude::*;
use response_contract::strategies;

/// The engine, built here straight from the files, not through the library.
fn engine() -> &'static jsonschema::Validator {
    static ENGINE: OnceLock<jsonschema::Validator> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas");
        let load = |file: &str| -> serde_json::Value {
            serde_json::from_str(&std::fs::read_to_string(format!("{dir}/{file}")).unwrap())
                .unwrap()
        };
        let mut registry = jsonschema::Registry::new();
        for file in [
            "order-id-response.schema.json",
            "normal-response.schema.json",
            "abnormal-response.schema.json",
            "error.schema.json",
        ] {
            let doc = load(file);
            let id = doc["$id"].as_str().unwrap().to_owned();
            registry = registry.add(id, doc).unwrap();
        }
        let registry = registry.prepare().unwrap();
        jsonschema::options()
            .with_registry(&registry)
            .build(&load("order-id-response.schema.json"))
            .unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn verdict_equals_the_schema_engines(payload in strategies::any_candidate()) {
        let value: serde_json::Value = serde_json::from_slice(&payload.bytes).expect("generated JSON");
        let engine = engine().is_valid(&value);
        let ours = response_contract::validate(&payload.bytes);
        prop_assert_eq!(
            ours.is_valid(), engine,
            "library and engine disagree on\n{}\n{:#}", String::from_utf8_lossy(&payload.bytes), ours
        );
        prop_assert_eq!(response_contract::is_valid(&payload.bytes), engine);
        // The library's own engine path (used for --schema) agrees too.
        prop_assert_eq!(response_contract::Schema::order_id_response().is_valid(&payload.bytes), engine);
    }
}
