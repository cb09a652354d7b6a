//! The built-in contracts, as data: the embedded schema documents and, for each contract, a
//! policy document (`schemas/policies/`) that says how a payload is judged to be one variant and
//! how members the tables do not list are reported. Compiled once into one plan.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::plan::check::{Policy, VariantPolicy};
use crate::plan::{DocKind, Document};
use crate::plan::{Id, Plan};
use crate::plan::{compile, scan};
use crate::report::Variant;

/// One embedded schema document.
///
/// Non-exhaustive: more facts about a document (a title, say) may be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SchemaDocument {
    /// Its path under `schemas/`, e.g. `"error.schema.json"` or
    /// `"job-status/sub-job.schema.json"`.
    pub file: &'static str,
    /// Its `$id`.
    pub id: &'static str,
    /// The document text, as shipped.
    pub source: &'static str,
}

macro_rules! document {
    ($file:literal) => {
        SchemaDocument {
            file: $file,
            id: concat!("https://response-contract.invalid/schemas/bms/", $file),
            source: include_str!(concat!("../schemas/", $file)),
        }
    };
}

static DOCUMENTS: [SchemaDocument; 14] = [
    document!("order-id-response.schema.json"),
    document!("normal-response.schema.json"),
    document!("abnormal-response.schema.json"),
    document!("error.schema.json"),
    document!("task-id-response/task-id-response.schema.json"),
    document!("task-id-response/normal-response.schema.json"),
    document!("task-id-response/abnormal-response.schema.json"),
    document!("task-id-response/error.schema.json"),
    document!("job-status/job-status.schema.json"),
    document!("job-status/normal-response.schema.json"),
    document!("job-status/entities.schema.json"),
    document!("job-status/sub-job.schema.json"),
    document!("job-status/sub-job-entities.schema.json"),
    document!("job-status/abnormal-response.schema.json"),
];

/// The embedded schema documents of every contract, each contract's whole response first.
pub fn documents() -> &'static [SchemaDocument] {
    &DOCUMENTS
}

/// A document by file name, with or without `.schema.json` (`"error"`, `"error.schema.json"`,
/// `"job-status/sub-job"`).
/// A contract's name (`"job-status"`) gives its whole-response document.
pub fn document(name: &str) -> Option<&'static SchemaDocument> {
    DOCUMENTS
        .iter()
        .find(|d| d.file == name || d.file.strip_suffix(".schema.json") == Some(name))
        .or_else(|| Contract::from_name(name).map(Contract::document))
}

/// A built-in contract: one documented response of the Bare Metal Server API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Contract {
    /// The **Order ID Response** (`order_id_response.rst`): `order_id` and `job_id`, or `error`.
    #[default]
    OrderIdResponse,
    /// The **Task ID Response** (`task_id_response.rst`): `job_id`, or `error`.
    TaskIdResponse,
    /// The **job status** answered by "Querying Task Statuses"
    /// (`querying_task_statuses.rst`): `status`, `entities` (with `sub_jobs`), `job_id`, … — or
    /// the `error` body of a failed query.
    JobStatus,
}

/// How many built-in contracts there are.
const CONTRACTS: usize = 3;

/// Each contract's policy document, in the order of [`Contract::all`].
static POLICIES: [&str; CONTRACTS] = [
    include_str!("../schemas/policies/order-id-response.json"),
    include_str!("../schemas/policies/task-id-response.json"),
    include_str!("../schemas/policies/job-status.json"),
];

impl Contract {
    /// Every built-in contract.
    pub fn all() -> &'static [Contract] {
        &[
            Contract::OrderIdResponse,
            Contract::TaskIdResponse,
            Contract::JobStatus,
        ]
    }

    /// Its name on the command line and in reports: `"order-id-response"`, …
    pub fn name(self) -> &'static str {
        match self {
            Contract::OrderIdResponse => "order-id-response",
            Contract::TaskIdResponse => "task-id-response",
            Contract::JobStatus => "job-status",
        }
    }

    /// The contract of that name.
    pub fn from_name(name: &str) -> Option<Contract> {
        Contract::all().iter().copied().find(|c| c.name() == name)
    }

    /// Its whole-response schema document.
    pub fn document(self) -> &'static SchemaDocument {
        let root = &compiled(self).root_file;
        DOCUMENTS
            .iter()
            .find(|d| d.file == root)
            .unwrap_or(&DOCUMENTS[0])
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for Contract {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A policy document, as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyDocument {
    #[serde(rename = "$comment")]
    _comment: Option<String>,
    contract: String,
    title: String,
    root: String,
    unlisted_members: Unlisted,
    exclusive: String,
    variants: Vec<VariantDocument>,
    precedence: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum Unlisted {
    Allowed,
    Warning,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VariantDocument {
    variant: String,
    schema: String,
    members: Vec<String>,
    noun: String,
    judged: String,
    member_noun: String,
}

/// A variant by its name in a policy document (a bug in this crate if unknown).
fn variant_named(name: &str) -> Variant {
    match name {
        "normal" => Variant::Normal,
        "abnormal" => Variant::Abnormal,
        other => panic!("embedded policies name known variants, not {other:?}"),
    }
}

/// One contract compiled: a plan of its documents, and its policy.
pub(crate) struct Compiled {
    pub(crate) plan: Plan,
    pub(crate) policy: Policy,
    pub(crate) root_file: String,
}

/// The embedded documents as the compiler takes them.
pub(crate) fn embedded_documents() -> Vec<Document> {
    DOCUMENTS
        .iter()
        .map(|d| Document {
            uri: d.id.to_owned(),
            name: d.file.to_owned(),
            // A shipped document that is not JSON is a bug in this crate, caught by its tests.
            value: serde_json::from_str(d.source).expect("embedded schema documents are JSON"),
            kind: DocKind::Schema,
        })
        .collect()
}

/// A contract, compiled on first use. Each on its own: a run checks one contract, and
/// compiling all of them took two thirds of the start of a run that checks one small file.
pub(crate) fn compiled(contract: Contract) -> &'static Compiled {
    static COMPILED: [OnceLock<Compiled>; CONTRACTS] = [const { OnceLock::new() }; CONTRACTS];
    COMPILED[contract.index()].get_or_init(|| fresh(contract))
}

/// A contract compiled afresh (tests that need a plan with nothing remembered use it too).
pub(crate) fn fresh(contract: Contract) -> Compiled {
    let docs = embedded_documents();
    let index = |file: &str| {
        docs.iter()
            .position(|d| d.name == file)
            .unwrap_or_else(|| panic!("a policy names the embedded document {file}"))
    };
    let p: PolicyDocument =
        serde_json::from_str(POLICIES[contract.index()]).expect("embedded policies are valid");
    assert_eq!(p.contract, contract.name(), "policies in order");
    let mut roots = vec![index(&p.root)];
    roots.extend(p.variants.iter().map(|v| index(&v.schema)));
    let (mut plan, ids) = compile::compile(&docs, &roots).expect("embedded documents compile");
    let mut ids = ids.into_iter();
    let mut next = || -> Id { ids.next().expect("one id per root") };
    let root = next();
    let variants: Vec<VariantPolicy> = p
        .variants
        .into_iter()
        .map(|v| VariantPolicy {
            variant: variant_named(&v.variant),
            schema: next(),
            members: v.members,
            noun: v.noun,
            judged: v.judged,
            member_noun: v.member_noun,
        })
        .collect();
    let precedence = p
        .precedence
        .iter()
        .map(|want| {
            variants
                .iter()
                .position(|v| v.variant == variant_named(want))
                .expect("precedence names declared variants")
        })
        .collect();
    let policy = Policy {
        title: p.title,
        root,
        report_unlisted: matches!(p.unlisted_members, Unlisted::Warning),
        variants,
        precedence,
        exclusive: p.exclusive,
        schemas: Vec::new(),
        marks: Vec::new(),
        heads: Vec::new(),
    }
    .index();
    scan::mark_keys(&mut plan.layouts, &policy);
    Compiled {
        plan,
        root_file: p.root,
        policy,
    }
}

#[cfg(test)]
mod tests {
    use super::{Contract, compiled};

    /// The guess of a root's variant from its first member name agrees with the exact lookup on
    /// each contract's names, on their prefixes and extensions, on an empty name, and on names
    /// too near the payload's end for a whole word (guessed as marking nothing).
    #[test]
    fn guessed_marks_equal_exact_marks_on_plain_names() {
        for &contract in Contract::all() {
            let policy = &compiled(contract).policy;
            let mut names: Vec<String> = vec![String::new(), "x".into(), "errors".into()];
            for (name, _) in &policy.marks {
                names.push(name.to_string());
                names.push(format!("{name}x"));
                names.push(name[..name.len() - 1].to_owned());
            }
            for name in &names {
                let payload = format!(r#""{name}": null, "padding": 0}}"#);
                assert_eq!(
                    policy.guess_marks(payload.as_bytes(), 1),
                    policy.marks_of(name.as_bytes()),
                    "{contract:?} {name:?}"
                );
                // The name alone: a whole word after the opening quote, or a guess of nothing.
                let short = format!(r#""{name}""#);
                let expected = if short.len() >= 9 {
                    policy.marks_of(name.as_bytes())
                } else {
                    0
                };
                assert_eq!(
                    policy.guess_marks(short.as_bytes(), 1),
                    expected,
                    "{contract:?} {name:?} alone"
                );
            }
        }
    }
}
