//! OpenAPI descriptions as the contract, through the library: routing by path, method, status
//! and media type; OpenAPI's own schema semantics as plan data; problems located in the
//! description (YAML too) and confined to the operations they break.

use response_contract::{Error, OpenApi, Unmatched, ViolationKind};

fn api(yaml: &str) -> OpenApi {
    OpenApi::from_source(yaml.as_bytes(), "api.yaml").expect("the description loads")
}

const PETS_30: &str = r##"openapi: 3.0.3
info: {title: pets, version: "1"}
servers:
  - url: https://api.example.test/{version}
    variables:
      version: {default: v2, enum: [v1, v2]}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      responses:
        "200":
          description: a pet
          content:
            application/json; charset=utf-8:
              schema: {$ref: "#/components/schemas/Pet"}
        "4XX":
          description: an error
          content:
            application/problem+json:
              schema: {$ref: "#/components/schemas/Problem"}
        default:
          description: anything else
          content:
            text/plain: {}
    delete:
      operationId: deletePet
      responses:
        "204": {description: gone}
components:
  schemas:
    Pet:
      type: object
      required: [id, name, petType, password]
      properties:
        id: {type: integer, readOnly: true}
        name: {type: string, nullable: true}
        weight: {type: number, minimum: 0, exclusiveMinimum: true, maximum: 100, exclusiveMaximum: false}
        password: {$ref: "#/components/schemas/Secret"}
        petType: {type: string}
        tag:
          $ref: "#/components/schemas/Tag"
          nullable: true
      discriminator:
        propertyName: petType
      oneOf:
        - $ref: "#/components/schemas/Cat"
        - $ref: "#/components/schemas/Dog"
    Secret: {type: string, writeOnly: true}
    Tag: {type: string}
    Cat:
      type: object
      properties: {lives: {type: integer, maximum: 9}}
    Dog:
      type: object
      properties: {bark: {type: boolean}}
      required: [bark]
    Problem:
      type: object
      required: [status]
      properties: {status: {type: integer}}
"##;

fn errors(report: &response_contract::Report) -> Vec<(String, String)> {
    report
        .errors()
        .map(|v| (v.pointer.clone(), v.kind.code().to_owned()))
        .collect()
}

#[test]
fn routes_by_path_method_status_range_and_media_type() {
    let api = api(PETS_30);
    let route = api
        .route("GET", "/v1/pets/7?secret=1", 200, Some("application/json"))
        .expect("routed under the enum's base path");
    let e = route.endpoint();
    assert_eq!(
        (e.operation().method.as_str(), e.operation().path.as_str()),
        ("GET", "/pets/{id}")
    );
    assert_eq!(e.operation().operation_id.as_deref(), Some("getPet"));
    assert_eq!(e.media_type(), Some("application/json; charset=utf-8"));
    let route = api
        .route(
            "GET",
            "/v2/pets/7",
            404,
            Some("Application/Problem+JSON; charset=utf-8"),
        )
        .expect("the range");
    assert_eq!(route.endpoint().response(), "4XX");
    assert!(matches!(
        api.route("GET", "/v2/pets/7", 500, Some("text/plain")),
        Err(Unmatched::NotJson { .. })
    ));
    assert!(matches!(
        api.route("GET", "/v2/pets/7", 500, None),
        Err(Unmatched::NotJson { .. })
    ));
    assert!(matches!(
        api.route("GET", "/v2/pets/7", 200, Some("application/xml")),
        Err(Unmatched::NotJson { .. })
    ));
    assert!(matches!(
        api.route("GET", "/v2/pets/7", 404, Some("application/json")),
        Err(Unmatched::NoMediaType { .. })
    ));
    assert!(matches!(
        api.route("POST", "/v2/pets/7", 200, None),
        Err(Unmatched::NoMethod { .. })
    ));
    assert!(matches!(
        api.route("GET", "/v3/pets/7", 200, None),
        Err(Unmatched::NoPath { .. })
    ));
    assert!(matches!(
        api.route_operation("deletePet", 200, None),
        Err(Unmatched::NoResponse { .. })
    ));
}

#[test]
fn openapi_3_0_schema_semantics_are_checked() {
    let api = api(PETS_30);
    let route = api.route_operation("getPet", 200, None).expect("routed");
    let check = |payload: &str| {
        let report = api.check(&route, payload.as_bytes());
        assert_eq!(
            report.is_valid(),
            api.is_valid(&route, payload.as_bytes()),
            "fast and full agree on {payload}"
        );
        errors(&report)
    };
    // readOnly members are required in a response; writeOnly ones are not, and must not come.
    assert_eq!(
        check(r#"{"id": 1, "name": null, "petType": "Cat"}"#),
        vec![]
    );
    assert_eq!(
        check(r#"{"name": "x", "petType": "Cat"}"#),
        vec![("/id".to_owned(), "missing_member".to_owned())]
    );
    assert_eq!(
        check(r#"{"id": 1, "name": "x", "petType": "Cat", "password": "hunter2"}"#),
        vec![("/password".to_owned(), "write_only_member".to_owned())]
    );
    // 3.0's boolean exclusive bounds; `nullable` beside `$ref` is ignored, as 3.0 says.
    assert_eq!(
        check(r#"{"id": 1, "name": "x", "petType": "Cat", "weight": 0}"#)[0].0,
        "/weight"
    );
    assert_eq!(
        check(r#"{"id": 1, "name": "x", "petType": "Cat", "weight": 100}"#),
        vec![]
    );
    assert_eq!(
        check(r#"{"id": 1, "name": "x", "petType": "Cat", "tag": null}"#),
        vec![("/tag".to_owned(), "type_mismatch".to_owned())]
    );
    // The discriminator picks the branch (by schema name here): a Dog must bark.
    assert_eq!(
        check(r#"{"id": 1, "name": "x", "petType": "Dog"}"#),
        vec![("/bark".to_owned(), "missing_member".to_owned())]
    );
    assert_eq!(
        check(r#"{"id": 1, "name": "x", "petType": "Cat", "lives": 10}"#)[0].0,
        "/lives"
    );
    let unknown = check(r#"{"id": 1, "name": "x", "petType": "Fish"}"#);
    assert_eq!(unknown, vec![("/petType".to_owned(), "keyword".to_owned())]);
    // A response documented without content: the body must be empty.
    let gone = api.route_operation("deletePet", 204, None).expect("routed");
    assert!(api.check(&gone, b"").is_valid() && api.is_valid(&gone, b" \n"));
    let report = api.check(&gone, b"{}");
    assert_eq!(report.violations()[0].kind, ViolationKind::UnexpectedBody);
    assert!(!api.is_valid(&gone, b"{}"));
}

#[test]
fn a_broken_operation_is_a_located_problem_and_the_others_are_checked() {
    let yaml = "openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /good:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, required: [a]}
  /bad:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Missing'
  /worse:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: strnig}
";
    let api = api(yaml);
    let problems = api.problems();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    let missing = problems
        .iter()
        .find(|p| p.message.contains("#/components/schemas/Missing"))
        .expect("the unresolved reference");
    assert_eq!(
        (missing.file.as_str(), missing.line, missing.column),
        ("api.yaml", 20, 17)
    );
    let not_a_schema = problems
        .iter()
        .find(|p| p.message.contains("not a valid schema"))
        .expect("the bad type");
    assert_eq!(
        (not_a_schema.line, not_a_schema.column),
        (28, 15),
        "{not_a_schema}"
    );
    let good = api.route("GET", "/good", 200, None).expect("still routed");
    assert!(!api.check(&good, b"{}").is_valid());
    assert!(matches!(
        api.route("GET", "/bad", 200, None),
        Err(Unmatched::Broken { .. })
    ));
}

#[test]
fn descriptions_that_cannot_be_used_are_errors_located_in_the_file() {
    let cases: &[(&str, &str, usize)] = &[
        (
            "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n",
            "Swagger 2.0",
            1,
        ),
        (
            "openapi: 2.5.0\npaths: {}\n",
            "OpenAPI 2.5.0 is not supported",
            1,
        ),
        ("info: {}\n", "no `openapi` version field", 1),
        (
            "openapi: 3.1.0\npaths:\n  /x: {get: [}\n",
            "not valid YAML",
            3,
        ),
        (
            "{\"openapi\": \"3.1.0\",\n \"paths\": {,}}",
            "not valid JSON",
            2,
        ),
        (
            "openapi: 3.1.0\njsonSchemaDialect: https://json-schema.org/draft-07/schema\npaths: {}\n",
            "dialect",
            2,
        ),
    ];
    for (text, says, line) in cases {
        match OpenApi::from_source(text.as_bytes(), "d.yaml") {
            Err(Error::Description(problem)) => {
                assert!(problem.message.contains(says), "{problem}");
                assert_eq!(problem.line, *line, "{problem}");
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn hostile_yaml_is_refused_not_expanded() {
    let mut doc = String::from("openapi: 3.1.0\nx0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..15 {
        let p = i - 1;
        doc.push_str(&format!(
            "x{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    assert!(matches!(
        OpenApi::from_source(doc.as_bytes(), "bomb.yaml"),
        Err(Error::Description(_))
    ));
    let deep = format!(
        "openapi: 3.1.0\nx: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert!(matches!(
        OpenApi::from_source(deep.as_bytes(), "deep.yaml"),
        Err(Error::Description(_))
    ));
}

#[test]
fn every_example_of_the_bms_description_passes_through_its_own_route() {
    let api = OpenApi::bms();
    assert!(api.problems().is_empty(), "{:?}", api.problems());
    let doc: serde_json::Value =
        serde_json::from_str(response_contract::openapi::BMS_SOURCE).expect("JSON");
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("a path item") {
            let Some(responses) = op.get("responses").and_then(|r| r.as_object()) else {
                continue;
            };
            let concrete = path.replace('{', "x").replace('}', "");
            for (key, response) in responses {
                let status = key.parse::<u16>().unwrap_or(500);
                let route = api
                    .route(method, &concrete, status, Some("application/json"))
                    .unwrap_or_else(|e| panic!("{method} {concrete} {status}: {e}"));
                assert_eq!(route.endpoint().operation().path, *path);
                let media = &response["content"]["application/json"];
                let examples = media["examples"]
                    .as_object()
                    .map(|m| m.values().map(|e| e["value"].clone()).collect::<Vec<_>>())
                    .unwrap_or_default()
                    .into_iter()
                    .chain(media.get("example").cloned());
                for example in examples {
                    let bytes = serde_json::to_vec_pretty(&example).expect("JSON");
                    let report = api.check(&route, &bytes);
                    assert!(report.is_valid(), "{method} {path} {key}: {report:#}");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 9, "only {checked} examples");
}

#[test]
fn a_user_description_may_refer_to_the_built_in_contracts() {
    let yaml = "openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /jobs/{id}:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: 'https://response-contract.invalid/schemas/bms/job-status/normal-response.schema.json'
";
    let api = api(yaml);
    let route = api.route("GET", "/jobs/1", 200, None).expect("routed");
    let report = api.check(&route, br#"{"status": "DONE"}"#);
    assert!(
        report.errors().any(|v| v.pointer == "/status"),
        "{report:#}"
    );
}

/// Every prefix and many single-byte corruptions of real descriptions load or are refused with
/// a located problem; none panics, and whatever loads routes and checks without panicking.
#[test]
fn damaged_descriptions_never_crash_the_loader() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/openapi");
    let payload = br#"{"id": 1, "name": "x", "petType": "Cat", "tag": null}"#;
    for file in [
        "petstore-3.0.yaml",
        "inventory-3.1.json",
        "broken-ref-3.1.yaml",
    ] {
        let text = std::fs::read(format!("{dir}/{file}")).expect("a fixture");
        let mut damaged: Vec<Vec<u8>> = (0..text.len())
            .step_by(7)
            .map(|n| text[..n].to_vec())
            .collect();
        for (i, at) in (0..text.len()).step_by(11).enumerate() {
            let mut copy = text.clone();
            copy[at] = b"{}[]:-'\"\n #&*!|>%@`\t\\"[i % 21];
            damaged.push(copy);
        }
        for bytes in damaged {
            if let Ok(api) = OpenApi::from_source(&bytes, file) {
                for (op, keys) in api
                    .operations()
                    .map(|(o, k)| (o.clone(), k.len()))
                    .collect::<Vec<_>>()
                {
                    if let Some(id) = &op.operation_id {
                        for status in [200, 404, 500] {
                            if let Ok(route) = api.route_operation(id, status, None) {
                                let _ = api.check(&route, payload);
                            }
                        }
                    }
                    let _ = (
                        keys,
                        api.route(&op.method, &op.path, 200, Some("application/json")),
                    );
                }
            }
        }
    }
}
