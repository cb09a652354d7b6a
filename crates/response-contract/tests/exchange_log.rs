//! Exchange logs (JSON Lines, `schemas/exchange.schema.json`): what the schema accepts, the
//! reader reads without a problem; positions in a body map to the log's line and column;
//! secrets someone adds to a line are dropped unread.

use response_contract::traffic::{Body, EXCHANGE_SCHEMA, EntryProblem, Exchange, ExchangeReader};
use serde_json::Value;

fn schema() -> jsonschema::Validator {
    let doc: Value = serde_json::from_str(EXCHANGE_SCHEMA).unwrap();
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&doc)
        .unwrap()
}

fn read(log: &str) -> Vec<Exchange> {
    ExchangeReader::new(log.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn the_shipped_schema_is_the_file_and_its_examples_are_valid_and_read_cleanly() {
    let on_disk = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schemas/exchange.schema.json"
    ))
    .unwrap();
    assert_eq!(EXCHANGE_SCHEMA, on_disk);
    let doc: Value = serde_json::from_str(EXCHANGE_SCHEMA).unwrap();
    let validator = schema();
    for example in doc["examples"].as_array().unwrap() {
        assert!(validator.is_valid(example), "{example}");
        let line = serde_json::to_string(example).unwrap();
        let exchange = &read(&line)[0];
        assert!(
            exchange.problems.is_empty(),
            "{line}: {:?}",
            exchange.problems
        );
    }
}

#[test]
fn lines_the_schema_accepts_are_read_without_problems() {
    let validator = schema();
    let valid = [
        r#"{"method": "GET", "url": "https://api.example.com/v1/orders/1", "status": 200, "content_type": "application/json", "body": "{\"order_id\": \"a\", \"job_id\": \"b\"}"}"#,
        r#"{"method": "get", "path": "/v1/orders/1?x=1", "status": 404, "body": ""}"#,
        r#"{"method": "POST", "url": "http://localhost:8080/", "status": 599, "body_base64": "e30"}"#,
        r#"{"method": "PUT", "url": "https://u:p@h.example:8443/a#f", "status": 100, "content_type": "text/plain", "extra": [1, 2], "headers": {"Authorization": "x"}}"#,
        r#"{"status": 201, "path": "/", "method": "PATCH", "body": "\u00e9\ud83d\ude00"}"#,
    ];
    for line in valid {
        let value: Value = serde_json::from_str(line).unwrap();
        assert!(
            validator.is_valid(&value),
            "the schema should accept {line}"
        );
        let exchange = &read(line)[0];
        assert!(
            exchange.problems.is_empty(),
            "{line}: {:?}",
            exchange.problems
        );
        assert!(exchange.status.is_some() && exchange.method.is_some() && exchange.path.is_some());
    }
}

#[test]
fn lines_the_schema_refuses_are_read_with_a_problem_that_says_why() {
    let validator = schema();
    let invalid = [
        (
            r#"{"method": "GET", "url": "https://h/", "status": "200"}"#,
            "`status` is a string, expected an integer",
        ),
        (
            r#"{"method": "GET", "url": "https://h/", "status": 42}"#,
            "the status 42 is not an HTTP status (100–599)",
        ),
        (
            r#"{"method": "GET", "url": "https://h/"}"#,
            "`status` is missing",
        ),
        (
            r#"{"url": "https://h/", "status": 200}"#,
            "`method` is missing",
        ),
        (r#"{"method": "GET", "status": 200}"#, "`url` is missing"),
        (
            r#"{"method": "GET", "url": "https://h/", "path": "/", "status": 200}"#,
            "both `url` and `path` are given; `url` was read",
        ),
        (
            r#"{"method": "GET", "path": "/", "status": 200, "body": "", "body_base64": ""}"#,
            "both `body` and `body_base64` are given",
        ),
        (
            r#"{"method": "GET", "url": "no url", "status": 200}"#,
            "`url` is not a URL this tool can read (not shown)",
        ),
        (
            r#"{"method": "GET", "path": "/", "status": 200, "body": {"a": 1}}"#,
            "`body` is an object, expected a string",
        ),
        (r#"[1]"#, "the entry is an array, not an object"),
    ];
    for (line, problem) in invalid {
        let value: Value = serde_json::from_str(line).unwrap();
        assert!(
            !validator.is_valid(&value),
            "the schema should refuse {line}"
        );
        let exchange = &read(line)[0];
        let problems: Vec<String> = exchange.problems.iter().map(ToString::to_string).collect();
        assert!(
            problems.iter().any(|p| p == problem),
            "{line}: {problems:?}"
        );
    }
}

#[test]
fn every_line_is_an_exchange_numbered_in_order_with_its_line() {
    let log = "{\"method\": \"GET\", \"path\": \"/a\", \"status\": 200, \"body\": \"{}\"}\r\n\n   \nnot json\n{\"method\": \"GET\", \"path\": \"/b\", \"status\": 200, \"body_base64\": \"e30=\"}";
    let got = read(log);
    assert_eq!(got.len(), 3);
    assert_eq!((got[0].index, got[0].at.line, got[0].at.offset), (0, 1, 0));
    assert_eq!((got[1].index, got[1].at.line, got[1].at.offset), (1, 4, 67));
    assert!(
        matches!(got[1].problems[..], [EntryProblem::Malformed { at, .. }] if at.line == 4 && at.column == 2)
    );
    assert_eq!((got[2].index, got[2].at.line), (2, 5));
    let Body::Base64 { bytes, at } = &got[2].body else {
        panic!("{:?}", got[2].body);
    };
    assert_eq!(bytes, b"{}");
    assert_eq!(&log.as_bytes()[at.offset..at.offset + 6], b"\"e30=\"");
    assert_eq!(at.column, 63);
}

#[test]
fn an_oversized_line_is_reported_and_the_next_read() {
    let log = format!(
        "{{\"method\": \"GET\", \"path\": \"/a\", \"status\": 200, \"body\": \"{}\"}}\n{{\"method\": \"GET\", \"path\": \"/b\", \"status\": 204}}\n",
        "x".repeat(5000)
    );
    let got: Vec<Exchange> = ExchangeReader::with_max_line(log.as_bytes(), 1000)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        got[0].problems,
        [EntryProblem::Oversized {
            len: Some(5058),
            max: 1000
        }]
    );
    assert_eq!(
        (got[1].at.line, got[1].at.offset, got[1].status),
        (2, 5059, Some(204))
    );
}

#[test]
fn secrets_in_a_line_are_never_kept() {
    let log = r#"{"method": "POST", "url": "https://user:SeCrEt-pw@api.example.com/v1/login;jsessionid=SeCrEt-js?token=SeCrEt-q#SeCrEt-f", "status": 200, "headers": {"Authorization": "Bearer SeCrEt-h", "Cookie": "a=SeCrEt-c"}, "request_body": "{\"password\": \"SeCrEt-b\"}", "body": "{}"}
{"method": "GET", "path": "/x?SeCrEt-p", "status": "SeCrEt-s", "content_type": 5, "body": 7}
{"method": "GET", "url": "SeCrEt-u://", "status": 200}
"#;
    let debug = format!(
        "{:?}",
        ExchangeReader::new(log.as_bytes()).collect::<Vec<_>>()
    );
    assert!(!debug.contains("SeCrEt"), "{debug}");
    let messages: Vec<String> = read(log)
        .iter()
        .flat_map(|e| e.problems.iter().map(ToString::to_string))
        .collect();
    assert!(!messages.concat().contains("SeCrEt"), "{messages:?}");
    assert_eq!(
        read(log)[0].origin.as_deref(),
        Some("https://api.example.com")
    );
    assert_eq!(read(log)[0].path.as_deref(), Some("/v1/login"));
}
