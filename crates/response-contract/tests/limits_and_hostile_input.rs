//! Hostile payloads get a clear, located violation of their own kind — never a panic, a stack
//! overflow or a silent truncation — and limits are configurable.

use response_contract::{Limit, Limits, Validator, ViolationKind};

fn kinds(report: &response_contract::Report) -> Vec<&'static str> {
    report.violations().iter().map(|v| v.kind.code()).collect()
}

#[test]
fn hundred_thousand_deep_nesting_is_a_depth_violation_not_a_crash() {
    for open in [b'[', b'{'] {
        let mut payload = Vec::new();
        for _ in 0..100_000 {
            if open == b'{' {
                payload.extend_from_slice(b"{\"a\":");
            } else {
                payload.push(b'[');
            }
        }
        let report = response_contract::validate(&payload);
        assert_eq!(kinds(&report), ["limit_exceeded"]);
        let v = &report.violations()[0];
        assert_eq!(
            v.kind,
            ViolationKind::LimitExceeded {
                limit: Limit::Depth,
                max: 128
            }
        );
        // Located at the container that goes one level too deep.
        let step = if open == b'{' { 5 } else { 1 };
        assert_eq!(v.location.offset, 128 * step);
        assert!(!response_contract::is_valid(&payload));
        // The same through the schema-engine path.
        let schema = response_contract::Schema::order_id_response();
        assert_eq!(kinds(&schema.validate(&payload)), ["limit_exceeded"]);
    }
}

#[test]
fn depth_limit_is_configurable_and_capped() {
    let payload = br#"{"order_id": "a", "job_id": "b", "x": [[[1]]]}"#;
    assert!(
        Validator::new()
            .limits(Limits::default().max_depth(4))
            .is_valid(payload)
    );
    let report = Validator::new()
        .limits(Limits::default().max_depth(3))
        .validate(payload);
    assert_eq!(
        report.violations()[0].kind,
        ViolationKind::LimitExceeded {
            limit: Limit::Depth,
            max: 3
        }
    );
    assert_eq!(report.violations()[0].pointer, "/x/0/0");
    assert_eq!(
        Limits::default().max_depth(usize::MAX).depth(),
        Limits::MAX_DEPTH_CEILING
    );
    // At the ceiling, a maximally deep payload parses without exhausting a small thread stack.
    let deep = format!(
        "{{\"order_id\": \"a\", \"job_id\": \"b\", \"x\": {}1{}}}",
        "[".repeat(254),
        "]".repeat(254)
    );
    let validator = Validator::new().limits(Limits::default().max_depth(Limits::MAX_DEPTH_CEILING));
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let schema = response_contract::Schema::order_id_response()
                .limits(Limits::default().max_depth(Limits::MAX_DEPTH_CEILING));
            (
                validator.validate(deep.as_bytes()).is_valid(),
                schema.is_valid(deep.as_bytes()),
            )
        })
        .unwrap();
    assert_eq!(handle.join().unwrap(), (true, true));
}

#[test]
fn oversized_payload_is_a_size_violation_and_the_limit_is_configurable() {
    // A 100 MiB string: over the default 16 MiB limit, so not even parsed.
    let mut payload = b"{\"error\": {\"code\": \"BMS.0001\", \"message\": \"".to_vec();
    payload.resize(payload.len() + 100 * 1024 * 1024, b'a');
    payload.extend_from_slice(b"\"}}");
    let report = response_contract::validate(&payload);
    assert_eq!(
        report.violations()[0].kind,
        ViolationKind::LimitExceeded {
            limit: Limit::Size,
            max: 16 * 1024 * 1024
        }
    );
    assert_eq!(report.violations().len(), 1);
    // Raise the limit and the same payload is checked, and valid.
    let big = Validator::new().limits(Limits::default().max_size(200 * 1024 * 1024));
    assert!(big.is_valid(&payload));
    assert!(big.validate(&payload).violations().is_empty());
    assert!(big.parse(&payload).is_ok());
}

#[test]
fn violation_count_is_capped_with_a_violation_saying_how_many_were_left_out() {
    let mut payload = String::from("{\"order_id\": \"a\", \"job_id\": \"b\"");
    for _ in 0..1000 {
        payload.push_str(", \"dup\": 1");
    }
    payload.push('}');
    let report = Validator::new()
        .limits(Limits::default().max_violations(10))
        .validate(payload.as_bytes());
    assert_eq!(report.violations().len(), 11);
    let last = report.violations().last().unwrap();
    assert_eq!(
        last.kind,
        ViolationKind::LimitExceeded {
            limit: Limit::Violations,
            max: 10
        }
    );
    // 1 unknown-member warning per copy + 999 duplicates = 1999 findings, 10 listed.
    assert_eq!(
        last.message,
        "(root): 1989 more violations not listed (the limit is 10 per payload)"
    );
    // The default cap holds too, and quadratic work is avoided for huge objects.
    let mut many = String::from("{");
    for i in 0..200_000 {
        if i > 0 {
            many.push(',');
        }
        many.push_str(&format!("\"k{}\": 0", i % 1000));
    }
    many.push('}');
    let report = response_contract::validate(many.as_bytes());
    assert_eq!(report.violations().len(), 101);
}

#[test]
fn random_binary_and_nul_bytes_get_a_located_violation() {
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for len in [1usize, 7, 100, 4096, 1 << 20] {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect();
        let report = response_contract::validate(&bytes);
        assert!(!report.is_valid());
        assert!(
            report
                .violations()
                .iter()
                .all(|v| v.location.offset <= bytes.len())
        );
    }
    let report = response_contract::validate(b"{\"order_id\": \"a\0\", \"job_id\": \"b\"}");
    assert_eq!(kinds(&report), ["syntax"]);
    assert_eq!(report.violations()[0].location.column, 16);
    assert!(report.violations()[0].message.contains("U+0000"));
    assert_eq!(kinds(&response_contract::validate(b"\0")), ["syntax"]);
}

#[test]
fn numbers_of_any_size_are_judged_without_loss() {
    // A number no float can hold is still a number: a type violation, not a crash.
    let report = response_contract::validate(br#"{"error": {"message": "", "code": 1e400}}"#);
    assert_eq!(kinds(&report), ["type_mismatch"]);
    assert!(response_contract::is_valid(
        br#"{"order_id": "a", "job_id": "b", "n": 1e400}"#
    ));
    // The schema path judges the number as written, too.
    let schema = response_contract::Schema::order_id_response();
    assert!(schema.is_valid(br#"{"order_id": "a", "job_id": "b", "n": 1e400}"#));
    // A subschema only the engine evaluates cannot read it, and says so instead of judging
    // another value.
    let engine = response_contract::Schema::from_json(
        br#"{"properties": {"n": {"unevaluatedProperties": false}}}"#,
        "engine.json",
    )
    .expect("compiles");
    let report = engine.validate(br#"{"n": 1e400}"#);
    assert_eq!(kinds(&report), ["number_out_of_range"]);
    assert_eq!(report.violations()[0].pointer, "/n");
}

/// `$defs` entries `c0` … `c{n-1}` each referring to the next, the last to `tail`.
fn ref_chain(n: usize, tail: &str) -> serde_json::Map<String, serde_json::Value> {
    let mut defs = serde_json::Map::new();
    for i in 0..n {
        let next = if i + 1 == n {
            tail.to_owned()
        } else {
            format!("#/$defs/c{}", i + 1)
        };
        defs.insert(format!("c{i}"), serde_json::json!({ "$ref": next }));
    }
    defs
}

#[test]
fn a_hostile_chain_of_references_is_refused_not_a_stack_overflow() {
    let mut defs = ref_chain(20_000, "#/$defs/end");
    defs.insert("end".into(), serde_json::json!({"type": "string"}));
    let schema = serde_json::json!({"$defs": defs, "$ref": "#/$defs/c0"});
    let error = response_contract::Schema::from_json(schema.to_string().as_bytes(), "chain.json")
        .expect_err("too deep a chain");
    assert!(
        error
            .to_string()
            .contains("more than 128 schemas apply to the same value"),
        "{error}"
    );
}

#[test]
fn deep_payloads_through_long_chains_stop_at_a_nesting_limit() {
    // Each level of the payload goes through a chain of 100 references: 20 levels need 2,000
    // nested schemas, over the checker's limit of 512, which it reports instead of crashing.
    let mut defs = ref_chain(100, "#/$defs/level");
    defs.insert(
        "level".into(),
        serde_json::json!({"type": "object", "properties": {"a": {"$ref": "#/$defs/c0"}}}),
    );
    let schema = serde_json::json!({"$defs": defs, "$ref": "#/$defs/c0"});
    let schema = response_contract::Schema::from_json(schema.to_string().as_bytes(), "deep.json")
        .expect("each chain is within the limit");
    let payload = format!("{}1{}", "{\"a\": ".repeat(20), "}".repeat(20));
    let report = schema.validate(payload.as_bytes());
    assert!(!report.is_valid());
    assert!(
        report.violations().iter().any(|v| v.kind
            == ViolationKind::LimitExceeded {
                limit: Limit::Depth,
                max: 512
            }),
        "{report:#}"
    );
    assert_eq!(schema.is_valid(payload.as_bytes()), report.is_valid());
    // Shallow payloads are checked in full.
    assert!(schema.is_valid(b"{\"a\": {\"a\": {}}}"));
}

#[test]
fn a_recursive_schema_at_the_deepest_allowed_payload_fits_a_small_stack() {
    // The depth ceiling with a schema that refers to itself at every level, on the smallest
    // common thread stack: a verdict (with or without the nesting limit), never an overflow.
    let run = || {
        let schema = response_contract::Schema::from_json(
            br##"{"type": "object", "properties": {"a": {"$ref": "#"}}}"##,
            "recursive.json",
        )
        .expect("compiles")
        .limits(Limits::default().max_depth(Limits::MAX_DEPTH_CEILING));
        let depth = Limits::MAX_DEPTH_CEILING;
        let payload = format!(
            "{}{{}}{}",
            "{\"a\": ".repeat(depth - 1),
            "}".repeat(depth - 1)
        );
        let report = schema.validate(payload.as_bytes());
        assert_eq!(schema.is_valid(payload.as_bytes()), report.is_valid());
        report.is_valid()
    };
    let valid = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(run)
        .expect("a thread")
        .join()
        .expect("no overflow");
    assert!(valid);
}
