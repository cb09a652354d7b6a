//! The Order ID Response contract (Tables 1–3) checked over the located tree: the full report.
//!
//! The rules here mirror `schemas/*.schema.json` keyword for keyword; the keyword locations in
//! violations name those documents. `tests/schema_agreement.rs` proves on generated payloads that
//! this check and a JSON Schema engine running the documents reach the same verdict, and
//! `tests/schema_documents.rs` that the member tables below are the documents' own.

use crate::collect::{Collector, expected_phrase, type_of};
use crate::parse::{self, Member, Node, Value};
use crate::pointer;
use crate::report::{JsonType, Report, Severity, Variant, ViolationKind};
use crate::validator::{Expect, Validator};

/// Table 1: the normal response's members, all required strings.
pub(crate) const NORMAL_MEMBERS: [&str; 2] = ["order_id", "job_id"];
/// Table 2: the abnormal response's one member, an object (Table 3).
pub(crate) const ABNORMAL_MEMBER: &str = "error";
/// Table 3: the error's members, all required strings.
pub(crate) const ERROR_MEMBERS: [&str; 2] = ["message", "code"];

const DOC_ROOT: &str = "order-id-response.schema.json";
const DOC_NORMAL: &str = "normal-response.schema.json";
const DOC_ABNORMAL: &str = "abnormal-response.schema.json";
const DOC_ERROR: &str = "error.schema.json";

fn keyword(document: &str, path: &str) -> Option<String> {
    Some(format!("{document}#{path}"))
}

/// The full check: every violation, located.
pub(crate) fn check(payload: &[u8], validator: &Validator) -> Report {
    let limits = validator.limits_ref();
    let mut out = Collector::new(payload, limits, validator.is_redacting());
    if payload.len() > limits.size() {
        out.size_exceeded(limits.size());
        return out.finish(None);
    }
    let parsed = parse::parse(payload, limits.depth());
    out.hazards(parsed.hazards);
    let root = match (parsed.root, parsed.fatal) {
        (Some(root), None) => root,
        (_, fatal) => {
            if let Some(fatal) = fatal {
                out.fatal(fatal, limits.depth());
            }
            return out.finish(None);
        }
    };
    let variant = check_root(&root, validator, &mut out);
    out.finish(variant)
}

fn check_root(root: &Node, validator: &Validator, out: &mut Collector<'_>) -> Option<Variant> {
    let expect = validator.expectation();
    let Value::Object(members) = &root.value else {
        let document = match expect {
            Expect::Normal => DOC_NORMAL,
            Expect::Abnormal => DOC_ABNORMAL,
            Expect::Either => DOC_ROOT,
        };
        let found = type_of(root);
        out.error(
            ViolationKind::TypeMismatch {
                expected: vec![JsonType::Object],
                found,
            },
            String::new(),
            keyword(
                document,
                if expect == Expect::Either {
                    "/oneOf"
                } else {
                    "/type"
                },
            ),
            root.start,
            |c| {
                format!(
                    "expected an object (an Order ID Response), found {}",
                    c.found(root)
                )
            },
        );
        return None;
    };

    let has_error = members.iter().any(|m| m.key == ABNORMAL_MEMBER);
    let has_result = members
        .iter()
        .any(|m| NORMAL_MEMBERS.contains(&m.key.as_str()));
    let judged = if has_error {
        Some(Variant::Abnormal)
    } else if has_result {
        Some(Variant::Normal)
    } else {
        None
    };
    let variant = match (expect, judged) {
        (Expect::Either, None) => {
            out.error(
                ViolationKind::NoVariant,
                String::new(),
                keyword(DOC_ROOT, "/oneOf"),
                root.start,
                |_| {
                    let found = if members.is_empty() {
                        "an empty object"
                    } else {
                        "an object with none of them"
                    };
                    format!(
                        "expected `order_id` and `job_id` (a normal response) or `error` (an abnormal response), found {found}"
                    )
                },
            );
            unknown_members(members, "", &[], validator, out);
            return None;
        }
        (Expect::Either, Some(found)) => found,
        (Expect::Normal, None) => Variant::Normal,
        (Expect::Abnormal, None) => Variant::Abnormal,
        (Expect::Normal, Some(found)) | (Expect::Abnormal, Some(found)) => {
            let expected = if expect == Expect::Normal {
                Variant::Normal
            } else {
                Variant::Abnormal
            };
            if found != expected {
                out.error(
                    ViolationKind::UnexpectedVariant { expected, found },
                    String::new(),
                    None,
                    root.start,
                    |_| {
                        format!(
                            "expected {} response, found {} response",
                            article(expected),
                            article(found)
                        )
                    },
                );
            }
            found
        }
    };
    match variant {
        Variant::Normal => check_normal(root, members, validator, out),
        Variant::Abnormal => check_abnormal(root, members, validator, out),
    }
    Some(variant)
}

fn article(variant: Variant) -> &'static str {
    match variant {
        Variant::Normal => "a normal",
        Variant::Abnormal => "an abnormal",
    }
}

fn check_normal(root: &Node, members: &[Member], validator: &Validator, out: &mut Collector<'_>) {
    for member in members {
        if NORMAL_MEMBERS.contains(&member.key.as_str()) {
            let path = format!("/properties/{}/type", member.key);
            expect_string(member, "", DOC_NORMAL, &path, out);
        }
    }
    missing(root, members, "", &NORMAL_MEMBERS, DOC_NORMAL, out);
    unknown_members(members, "", &NORMAL_MEMBERS, validator, out);
}

fn check_abnormal(root: &Node, members: &[Member], validator: &Validator, out: &mut Collector<'_>) {
    for member in members {
        let key = member.key.as_str();
        if key == ABNORMAL_MEMBER {
            check_error_body(member, validator, out);
        } else if NORMAL_MEMBERS.contains(&key) {
            out.error(
                ViolationKind::AmbiguousResponse,
                pointer::child("", key),
                keyword(DOC_ABNORMAL, "/not"),
                member.key_start,
                |_| format!("an abnormal response (with `error`) must not carry the result member `{key}`: a response is either a result or an error"),
            );
        }
    }
    missing(root, members, "", &[ABNORMAL_MEMBER], DOC_ABNORMAL, out);
    let mut listed = NORMAL_MEMBERS.to_vec();
    listed.push(ABNORMAL_MEMBER);
    unknown_members(members, "", &listed, validator, out);
}

fn check_error_body(member: &Member, validator: &Validator, out: &mut Collector<'_>) {
    let node = &member.value;
    let at = pointer::child("", ABNORMAL_MEMBER);
    let Value::Object(fields) = &node.value else {
        out.error(
            ViolationKind::TypeMismatch {
                expected: vec![JsonType::Object],
                found: type_of(node),
            },
            at,
            keyword(DOC_ERROR, "/type"),
            node.start,
            |c| {
                format!(
                    "expected an object (the error data structure), found {}",
                    c.found(node)
                )
            },
        );
        return;
    };
    for field in fields {
        if ERROR_MEMBERS.contains(&field.key.as_str()) {
            let path = format!("/properties/{}/type", field.key);
            expect_string(field, &at, DOC_ERROR, &path, out);
        }
    }
    missing(node, fields, &at, &ERROR_MEMBERS, DOC_ERROR, out);
    unknown_members(fields, &at, &ERROR_MEMBERS, validator, out);
}

fn expect_string(
    member: &Member,
    parent: &str,
    document: &str,
    path: &str,
    out: &mut Collector<'_>,
) {
    let node = &member.value;
    if matches!(node.value, Value::String(_)) {
        return;
    }
    let expected = [JsonType::String];
    out.error(
        ViolationKind::TypeMismatch {
            expected: expected.to_vec(),
            found: type_of(node),
        },
        pointer::child(parent, &member.key),
        keyword(document, path),
        node.start,
        |c| format!("{}, found {}", expected_phrase(&expected), c.found(node)),
    );
}

/// A missing member is reported at the pointer it should have, located at its object's `{`.
fn missing(
    object: &Node,
    members: &[Member],
    parent: &str,
    required: &[&str],
    document: &str,
    out: &mut Collector<'_>,
) {
    for &name in required {
        if members.iter().all(|m| m.key != name) {
            out.error(
                ViolationKind::MissingMember {
                    name: name.to_owned(),
                },
                pointer::child(parent, name),
                keyword(document, "/required"),
                object.start,
                |_| format!("the required member `{name}` is missing"),
            );
        }
    }
}

fn unknown_members(
    members: &[Member],
    parent: &str,
    listed: &[&str],
    validator: &Validator,
    out: &mut Collector<'_>,
) {
    let severity = if validator.is_strict() {
        Severity::Error
    } else {
        Severity::Warning
    };
    for member in members {
        if listed.contains(&member.key.as_str()) {
            continue;
        }
        let strict = validator.is_strict();
        out.push(
            severity,
            ViolationKind::UnknownMember {
                name: member.key.clone(),
            },
            pointer::child(parent, &member.key),
            None,
            member.key_start,
            |_| {
                if strict {
                    "a member the contract does not list (not allowed in strict mode)".to_owned()
                } else {
                    "a member the contract does not list".to_owned()
                }
            },
        );
    }
}
