//! OpenAPI descriptions: what routing adds to checking a payload, and how long a large
//! description takes to load. Run with `cargo bench -p response-contract --bench openapi`.
//!
//! - `openapi/route/*`: the job status payload of the BMS description, checked with its route
//!   resolved once (`check_only`) against routed from method, path, status and content type on
//!   every payload (`route_and_check`); the target is a ratio ≤ 1.10. `route_only` is the router
//!   alone.
//! - `openapi/load/500-operations-2000-schemas`: a generated description (JSON) read, resolved
//!   and compiled; the target is ≤ 100 ms.
//!
//! Times on a shared machine are noisy; instruction counts are not: `RC_OPENAPI_LOOP=<method>/<n>`
//! (`check_only`, `route_and_check` or `route_only`) runs one method n times without criterion,
//! for `valgrind --tool=callgrind` (subtract a run with n = 1 from one with a larger n).

// A benchmark binary: its loop mode exits before criterion starts.
#![allow(clippy::exit)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use response_contract::OpenApi;
use serde_json::{Value, json};

const JOB_STATUS: &[u8] = br#"{"status": "SUCCESS", "entities": {"sub_jobs_total": 1, "sub_jobs": [{"status": "SUCCESS", "entities": {"server_id": "bf6d2d21-f9ac-4cbc-9e62-0ef4f3e0d6d8"}, "job_id": "ff80808288d41e1b018990260955686a", "job_type": "baremetalSingleCreate", "begin_time": "2023-07-21T12:00:02.122Z", "end_time": "2023-07-21T12:08:40.133Z", "error_code": null, "fail_reason": null}]}, "job_id": "ff80808288d41e1b0189902497546869", "job_type": "baremetalBatchCreate", "begin_time": "2023-07-21T11:59:54.312Z", "end_time": "2023-07-21T12:08:51.141Z", "error_code": null, "fail_reason": null}"#;

fn routing(c: &mut Criterion) {
    let api = OpenApi::bms();
    let path = "/v1/0605767d1d0d4c0fa5c5ee1ff3a7cf61/jobs/ff80808288d41e1b0189902497546869";
    let route = api
        .route("GET", path, 200, Some("application/json;charset=utf-8"))
        .expect("routed");
    assert!(api.check(&route, JOB_STATUS).is_valid());
    if let Ok(spec) = std::env::var("RC_OPENAPI_LOOP") {
        let (method, n) = spec.split_once('/').expect("RC_OPENAPI_LOOP=<method>/<n>");
        let n: usize = n.parse().expect("a count");
        for _ in 0..n {
            match method {
                "check_only" => {
                    let _ = black_box(api.check(black_box(&route), black_box(JOB_STATUS)));
                }
                "route_and_check" => {
                    let route = api
                        .route(
                            black_box("GET"),
                            black_box(path),
                            200,
                            Some("application/json;charset=utf-8"),
                        )
                        .expect("routed");
                    let _ = black_box(api.check(&route, black_box(JOB_STATUS)));
                }
                "route_only" => {
                    black_box(
                        api.route(
                            black_box("GET"),
                            black_box(path),
                            200,
                            Some("application/json;charset=utf-8"),
                        )
                        .ok(),
                    );
                }
                other => panic!("no method {other}"),
            }
        }
        std::process::exit(0);
    }
    let mut group = c.benchmark_group("openapi/route");
    group.bench_function("check_only", |b| {
        b.iter(|| api.check(black_box(&route), black_box(JOB_STATUS)))
    });
    group.bench_function("route_and_check", |b| {
        b.iter(|| {
            let route = api
                .route(
                    black_box("GET"),
                    black_box(path),
                    200,
                    Some("application/json;charset=utf-8"),
                )
                .expect("routed");
            api.check(&route, black_box(JOB_STATUS))
        })
    });
    group.bench_function("route_only", |b| {
        b.iter(|| {
            api.route(
                black_box("GET"),
                black_box(path),
                200,
                Some("application/json;charset=utf-8"),
            )
        })
    });
    group.finish();
}

/// A description with `operations` operations (two per path) and `schemas` component schemas,
/// each response referring to a schema that refers to two others, the way generated
/// descriptions of large APIs look.
pub fn generated(operations: usize, schemas: usize) -> Vec<u8> {
    let mut components = serde_json::Map::new();
    for i in 0..schemas {
        let a = (i * 7 + 1) % schemas;
        let b = (i * 13 + 5) % schemas;
        let mut properties = serde_json::Map::new();
        properties.insert(
            "id".into(),
            json!({"type": "string", "pattern": "^[a-z0-9-]{1,64}$"}),
        );
        properties.insert("count".into(), json!({"type": "integer", "minimum": 0}));
        properties.insert("state".into(), json!({"enum": ["A", "B", "C"]}));
        properties.insert("note".into(), json!({"type": "string", "nullable": true}));
        if a > i {
            properties.insert(
                "left".into(),
                json!({"$ref": format!("#/components/schemas/S{a}")}),
            );
        }
        if b > i {
            properties.insert(
                "items".into(),
                json!({"type": "array", "items": {"$ref": format!("#/components/schemas/S{b}")}}),
            );
        }
        components.insert(
            format!("S{i}"),
            json!({"type": "object", "required": ["id"], "properties": properties}),
        );
    }
    components.insert(
        "Error".into(),
        json!({"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}),
    );
    let mut paths = serde_json::Map::new();
    for p in 0..operations / 2 {
        let mut item = serde_json::Map::new();
        for (k, method) in ["get", "post"].iter().enumerate() {
            let schema = (p * 2 + k) * schemas / operations;
            item.insert(
                (*method).into(),
                json!({
                    "operationId": format!("{method}Resource{p}"),
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/S{schema}")}}}},
                        "default": {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                    }
                }),
            );
        }
        paths.insert(
            format!("/v1/{{project}}/resource{p}/{{id}}"),
            Value::Object(item),
        );
    }
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "generated", "version": "1"},
        "servers": [{"url": "https://api.example.test/base"}],
        "paths": paths,
        "components": {"schemas": components}
    });
    serde_json::to_vec(&doc).expect("JSON")
}

fn loading(c: &mut Criterion) {
    let source = generated(500, 2000);
    let api = OpenApi::from_source(&source, "generated.json").expect("loads");
    assert!(api.problems().is_empty(), "{:?}", api.problems());
    assert_eq!(api.operations().count(), 500);
    let mut group = c.benchmark_group("openapi/load");
    group.sample_size(10);
    group.bench_function("500-operations-2000-schemas", |b| {
        b.iter(|| OpenApi::from_source(black_box(&source), "generated.json").expect("loads"))
    });
    group.finish();
}

criterion_group!(benches, routing, loading);
criterion_main!(benches);
