//! The Order ID Response contract (Tables 1–3) checked over the located tree: the full report.
//!
//! The rules here mirror `schemas/*.schema.json` keyword for keyword; the keyword locations in
//! violations name those documents. `tests/schema_agreement.rs` proves on generated payloads that
//! this check and a JSON Schema engine running the documents reach the same verdict, and
//! `tests/schema_documents.rs` that the member tables below are the documents' own.

use std::borrow::Cow;

use crate::collect::{Collector, type_of};
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

fn keyword(document: &str, path: &str) -> Option<Cow<'static, str>> {
    Some(Cow::Owned(format!("{document}#{path}")))
}

/// The keyword locations of the common violations, written out so that reporting them costs
/// no formatting (`tests/schema_documents.rs` resolves each one in its document).
fn static_keyword(document: &str, member: &str) -> Option<Cow<'static, str>> {
    Some(Cow::Borrowed(match (document, member) {
        (DOC_NORMAL, "order_id") => "normal-response.schema.json#/properties/order_id/type",
        (DOC_NORMAL, "job_id") => "normal-response.schema.json#/properties/job_id/type",
        (DOC_ERROR, "message") => "error.schema.json#/properties/message/type",
        (DOC_ERROR, "code") => "error.schema.json#/properties/code/type",
        (DOC_NORMAL, REQUIRED) => "normal-response.schema.json#/required",
        (DOC_ABNORMAL, REQUIRED) => "abnormal-response.schema.json#/required",
        (DOC_ERROR, REQUIRED) => "error.schema.json#/required",
        (DOC_ERROR, TYPE) => "error.schema.json#/type",
        _ => return keyword(document, &format!("/properties/{member}/type")),
    }))
}

/// Markers for [`static_keyword`] that no member can be mistaken for.
const REQUIRED: &str = "#required";
const TYPE: &str = "#type";

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
    let has_result = members.iter().any(|m| NORMAL_MEMBERS.contains(&&*m.key));
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
        if NORMAL_MEMBERS.contains(&&*member.key) {
            expect_string(member, "", DOC_NORMAL, out);
        }
    }
    missing(root, members, "", &NORMAL_MEMBERS, DOC_NORMAL, out);
    unknown_members(members, "", &NORMAL_MEMBERS, validator, out);
}

fn check_abnormal(root: &Node, members: &[Member], validator: &Validator, out: &mut Collector<'_>) {
    for member in members {
        let key: &str = &member.key;
        if key == ABNORMAL_MEMBER {
            check_error_body(member, validator, out);
        } else if NORMAL_MEMBERS.contains(&key) {
            out.error(
                ViolationKind::AmbiguousResponse,
                pointer::child("", key),
                Some(Cow::Borrowed("abnormal-response.schema.json#/not")),
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
        out.type_mismatch(
            &[JsonType::Object],
            node,
            at,
            static_keyword(DOC_ERROR, TYPE),
            " (the error data structure)",
        );
        return;
    };
    for field in fields {
        if ERROR_MEMBERS.contains(&&*field.key) {
            expect_string(field, &at, DOC_ERROR, out);
        }
    }
    missing(node, fields, &at, &ERROR_MEMBERS, DOC_ERROR, out);
    unknown_members(fields, &at, &ERROR_MEMBERS, validator, out);
}

fn expect_string(member: &Member<'_>, parent: &str, document: &str, out: &mut Collector<'_>) {
    let node = &member.value;
    if matches!(node.value, Value::String(_)) {
        return;
    }
    out.type_mismatch(
        &[JsonType::String],
        node,
        pointer::child(parent, &member.key),
        static_keyword(document, &member.key),
        "",
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
            out.push_with(
                Severity::Error,
                ViolationKind::MissingMember {
                    name: name.to_owned(),
                },
                pointer::child(parent, name),
                static_keyword(document, REQUIRED),
                object.start,
                |_, m| {
                    m.push_str("the required member `");
                    m.push_str(name);
                    m.push_str("` is missing");
                },
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
        if listed.contains(&&*member.key) {
            continue;
        }
        let strict = validator.is_strict();
        out.push(
            severity,
            ViolationKind::UnknownMember {
                name: member.key.to_string(),
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
