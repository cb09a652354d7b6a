//! From a page's tables to JSON Schema 2020-12 documents, and the check of its examples.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::rst::{self, Cell, Page, Table};
use super::{
    DiagnosticKind, ExampleResponse, GeneratedDocument, Import, ImportOptions, ImportedTable,
    PageDiagnostic, Required,
};
use crate::report::Severity;
use crate::schema::Schema;

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";
const SUFFIX: &str = ".schema.json";

/// Which response a top-level table is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    Normal,
    Abnormal,
    /// The only or a further top-level table of a page without variants.
    Plain,
}

/// How a member's value relates to a linked table.
#[derive(Debug, Clone)]
enum Shape {
    /// A JSON type (`string`, `integer`, …).
    Scalar(&'static str),
    /// An object; the linked table describes it when there is one.
    Object,
    /// An array of this.
    Array(Box<Shape>),
    /// An object whose every value is this (`Map<String,String>`).
    Map(Box<Shape>),
    /// Anything (an unknown spelling).
    Any,
}

#[derive(Debug)]
struct Member {
    name: String,
    shape: Shape,
    /// The table (index into `Gen::tables`) describing the innermost object, if linked.
    link: Option<usize>,
    description: String,
    description_raw: String,
}

#[derive(Debug)]
struct GenTable<'p> {
    table: &'p Table,
    number: Option<u32>,
    /// The caption after `**Table N**`, plain.
    caption_rest: Option<String>,
    response_side: bool,
    members: Vec<Member>,
    file: String,
    variant: Option<Variant>,
    /// Object instances of this table in the page's examples.
    instances: Vec<Value>,
}

struct Gen<'p> {
    page: &'p Page,
    origin: &'p str,
    diagnostics: Vec<PageDiagnostic>,
}

impl Gen<'_> {
    fn diagnose(
        &mut self,
        line: usize,
        column: usize,
        severity: Severity,
        kind: DiagnosticKind,
        message: String,
    ) {
        self.diagnostics.push(PageDiagnostic {
            file: self.origin.to_owned(),
            line,
            column,
            severity,
            kind,
            message,
        });
    }
}

/// The kebab-case form of a name: `sub_jobs` → `sub-jobs`, `Order ID Response` → `order-id-response`.
pub(crate) fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Whether a section title puts its tables and examples on the response side.
fn is_response_heading(title: &str) -> bool {
    let t = title.to_ascii_lowercase();
    matches!(
        t.as_str(),
        "response"
            | "responses"
            | "response parameters"
            | "response parameter"
            | "response message"
            | "normal response"
            | "abnormal response"
    )
}

/// Whether a section holds example responses.
fn is_example_heading(title: &str) -> bool {
    let t = title.to_ascii_lowercase();
    t.contains("response") && !t.contains("request")
}

/// `**Table 3** **error** data structure` → (3, `error data structure`).
fn split_caption(caption: &str) -> (Option<u32>, String) {
    let plain = rst::plain(caption);
    if let Some(rest) = plain.strip_prefix("Table ") {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(n) = digits.parse() {
            return (Some(n), rest[digits.len()..].trim().to_owned());
        }
    }
    (None, plain)
}

/// `**entities** data structure` → `entities`.
fn caption_member(caption: &str) -> Option<String> {
    let after = caption.trim_start();
    let after = after.strip_prefix("**Table")?;
    let after = &after[after.find("**")? + 2..];
    let start = after.find("**")? + 2;
    let len = after[start..].find("**")?;
    let name = after[start..start + len].trim();
    (!name.is_empty()).then(|| name.to_owned())
}

/// The column indices of Parameter, Type and Description, when the header has them.
fn typed_columns(header: &[String]) -> Option<(usize, usize, Option<usize>)> {
    let names: Vec<String> = header
        .iter()
        .map(|h| rst::plain(h).to_ascii_lowercase())
        .collect();
    let parameter = names.iter().position(|h| h == "parameter")?;
    let ty = names.iter().position(|h| h == "type")?;
    let description = names.iter().position(|h| h == "description");
    Some((parameter, ty, description))
}

/// A Type cell's spelling read as a shape; `None` for an unknown spelling.
fn parse_type(spelling: &str) -> Option<Shape> {
    let t = spelling.trim().to_ascii_lowercase();
    // A footnote marker with no footnote (`Dictionary data structure [1]`).
    let t = match t.rfind(" [") {
        Some(at)
            if t.ends_with(']') && t[at + 2..t.len() - 1].chars().all(|c| c.is_ascii_digit()) =>
        {
            t[..at].trim().to_owned()
        }
        _ => t,
    };
    let t = t.as_str();
    let scalar = |word: &str| -> Option<Shape> {
        Some(match word {
            "string" | "strings" | "str" => Shape::Scalar("string"),
            "integer" | "integers" | "int" | "long" | "int32" | "int64" => Shape::Scalar("integer"),
            "float" | "floats" | "double" | "number" | "numbers" => Shape::Scalar("number"),
            "boolean" | "booleans" | "bool" => Shape::Scalar("boolean"),
            "null" => Shape::Scalar("null"),
            "object" | "objects" | "dict" | "dictionary" | "dictionary data structure" | "map" => {
                Shape::Object
            }
            _ => return None,
        })
    };
    if let Some(shape) = scalar(t) {
        return Some(shape);
    }
    if let Some(inner) = t.strip_prefix("map<").and_then(|r| r.strip_suffix('>')) {
        let value = inner.split_once(',').map(|(_, v)| v.trim())?;
        return Some(Shape::Map(Box::new(parse_type(value)?)));
    }
    if let Some(rest) = t
        .strip_prefix("array of ")
        .or_else(|| t.strip_prefix("list of "))
    {
        if let Some(shape) = scalar(rest.trim()) {
            return Some(Shape::Array(Box::new(shape)));
        }
        // `Array of address objects`: a named object type (linked in the Type cell).
        if rest.ends_with(" objects") || rest.ends_with(" object") {
            return Some(Shape::Array(Box::new(Shape::Object)));
        }
        return Some(Shape::Array(Box::new(parse_type(rest)?)));
    }
    if matches!(t, "array" | "list" | "list data structure") {
        return Some(Shape::Array(Box::new(Shape::Any)));
    }
    if let Some(inner) = t.strip_prefix("list<").or_else(|| t.strip_prefix("list <")) {
        let inner = inner.strip_suffix('>')?;
        return Some(Shape::Array(Box::new(
            parse_type(inner).unwrap_or(Shape::Object),
        )));
    }
    None
}

/// Where in a cell a byte offset of its joined text falls.
fn position_in_cell(cell: &Cell, text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line_index = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    // `Cell::text` drops leading blank lines: find the joined text's first line in the cell.
    let skipped = cell
        .lines
        .iter()
        .position(|l| !l.trim().is_empty())
        .unwrap_or(0);
    (
        cell.line + skipped + line_index,
        cell.column + before[line_start..].chars().count(),
    )
}

pub(crate) fn generate(page: &Page, origin: &str, options: &ImportOptions) -> Import {
    let mut g = Gen {
        page,
        origin,
        diagnostics: Vec::new(),
    };
    for problem in &page.problems {
        g.diagnose(
            problem.line,
            problem.column,
            Severity::Error,
            DiagnosticKind::MalformedTable,
            problem.message.clone(),
        );
    }
    let section_title = |section: Option<usize>| -> &str {
        section.map_or("", |s| page.headings[s].title.as_str())
    };

    // Every typed table of the page (Parameter | Type | …), and which are on the response side.
    let mut tables: Vec<GenTable> = Vec::new();
    for table in &page.tables {
        if typed_columns(&table.header).is_none() {
            continue;
        }
        let (number, rest) = match &table.caption {
            Some(c) => {
                let (n, rest) = split_caption(c);
                (n, Some(rest))
            }
            None => (None, None),
        };
        tables.push(GenTable {
            table,
            number,
            caption_rest: rest,
            response_side: is_response_heading(section_title(table.section)),
            members: Vec::new(),
            file: String::new(),
            variant: None,
            instances: Vec::new(),
        });
    }
    let by_label: BTreeMap<&str, usize> = tables
        .iter()
        .enumerate()
        .filter_map(|(i, t)| t.table.label.as_deref().map(|l| (l, i)))
        .collect();
    let all_labels: BTreeSet<&str> = page
        .tables
        .iter()
        .filter_map(|t| t.label.as_deref())
        .collect();

    // Members, with their links, of the response tables and of every table they link to.
    let mut wanted: Vec<usize> = (0..tables.len())
        .filter(|&i| tables[i].response_side)
        .collect();
    let mut done: BTreeSet<usize> = BTreeSet::new();
    while let Some(i) = wanted.pop() {
        if !done.insert(i) {
            continue;
        }
        let members = read_members(&mut g, &tables[i], &by_label, &all_labels);
        for m in &members {
            if let Some(link) = m.link {
                wanted.push(link);
            }
        }
        tables[i].members = members;
    }
    // Example responses: literal blocks in response sections that look like JSON.
    let mut examples: Vec<(&rst::LiteralBlock, Option<Value>)> = Vec::new();
    for block in &page.blocks {
        let text = block.text.trim_start();
        if !is_example_heading(section_title(block.section))
            || !(text.starts_with('{') || text.starts_with('['))
        {
            continue;
        }
        examples.push((block, serde_json::from_str(&block.text).ok()));
    }
    let included: Vec<usize> = done.iter().copied().collect();
    if included.is_empty() {
        let blocks: Vec<(&rst::LiteralBlock, bool)> =
            examples.iter().map(|(b, v)| (*b, v.is_some())).collect();
        let checked = check_examples(&mut g, &[], "", &blocks);
        return finish(g, page, Vec::new(), None, Vec::new(), checked);
    }

    // Top-level tables: included tables no included table links to.
    let linked: BTreeSet<usize> = included
        .iter()
        .flat_map(|&i| tables[i].members.iter().filter_map(|m| m.link))
        .collect();
    let tops: Vec<usize> = included
        .iter()
        .copied()
        .filter(|i| !linked.contains(i) && tables[*i].response_side)
        .collect();
    for &i in &tops {
        let caption = tables[i].caption_rest.clone().unwrap_or_default();
        let marker = format!(
            "{} {}",
            caption.to_ascii_lowercase(),
            section_title(tables[i].table.section).to_ascii_lowercase()
        );
        tables[i].variant = Some(if marker.contains("abnormal response") {
            Variant::Abnormal
        } else if marker.contains("normal response") {
            Variant::Normal
        } else {
            Variant::Plain
        });
    }

    // File names: variants by role; nested tables by the member their caption names, then by the
    // member linking to them; a clash is prefixed with the parent's name.
    let root_stem = options.root_name.clone().unwrap_or_else(|| {
        let stem = std::path::Path::new(origin)
            .file_stem()
            .map_or_else(|| "response".into(), |s| s.to_string_lossy());
        kebab(&stem)
    });
    let root_file = format!("{root_stem}{SUFFIX}");
    let mut taken: BTreeSet<String> = BTreeSet::from([root_file.clone()]);
    let mut parent: BTreeMap<usize, usize> = BTreeMap::new();
    let mut link_name: BTreeMap<usize, String> = BTreeMap::new();
    for &i in &included {
        for m in &tables[i].members {
            if let Some(l) = m.link {
                parent.entry(l).or_insert(i);
                link_name.entry(l).or_insert_with(|| m.name.clone());
            }
        }
    }
    // Names are given parents first (top tables, then in page order along links).
    let mut order: Vec<usize> = tops.clone();
    let mut k = 0;
    while k < order.len() {
        let i = order[k];
        for m in &tables[i].members {
            if let Some(l) = m.link {
                if !order.contains(&l) {
                    order.push(l);
                }
            }
        }
        k += 1;
    }
    for &i in &included {
        if !order.contains(&i) {
            order.push(i);
        }
    }
    let mut plain_count = 0;
    for &i in &order {
        let base = match tables[i].variant {
            Some(Variant::Normal) => "normal-response".to_owned(),
            Some(Variant::Abnormal) => "abnormal-response".to_owned(),
            Some(Variant::Plain) => {
                plain_count += 1;
                if plain_count == 1 {
                    "normal-response".to_owned()
                } else {
                    kebab(
                        tables[i]
                            .caption_rest
                            .as_deref()
                            .unwrap_or(section_title(tables[i].table.section)),
                    )
                }
            }
            None => tables[i]
                .table
                .caption
                .as_deref()
                .and_then(caption_member)
                .or_else(|| link_name.get(&i).cloned())
                .map(|n| kebab(&n))
                .unwrap_or_else(|| format!("table-{}", tables[i].table.line)),
        };
        let base = if base.is_empty() {
            "table".to_owned()
        } else {
            base
        };
        let mut file = format!("{base}{SUFFIX}");
        if taken.contains(&file) {
            if let Some(p) = parent.get(&i) {
                let prefix = tables[*p].file.trim_end_matches(SUFFIX).to_owned();
                file = format!("{prefix}-{base}{SUFFIX}");
            }
        }
        let mut n = 2;
        let stem = file.trim_end_matches(SUFFIX).to_owned();
        while taken.contains(&file) {
            file = format!("{stem}-{n}{SUFFIX}");
            n += 1;
        }
        taken.insert(file.clone());
        tables[i].file = file;
    }

    // Each JSON example goes to one top-level table: by its lead ("Normal response"), or the one
    // whose members it shares most.
    for (block, value) in &examples {
        let Some(Value::Object(object)) = value else {
            continue;
        };
        let lead = block.lead.to_ascii_lowercase();
        let by_lead = tops.iter().copied().find(|&t| match tables[t].variant {
            Some(Variant::Abnormal) => lead.contains("abnormal"),
            Some(Variant::Normal) => lead.contains("normal") && !lead.contains("abnormal"),
            _ => false,
        });
        let best = by_lead.or_else(|| {
            tops.iter()
                .copied()
                .map(|t| {
                    let shared = tables[t]
                        .members
                        .iter()
                        .filter(|m| object.contains_key(&m.name))
                        .count();
                    (shared, t)
                })
                .filter(|(shared, _)| *shared > 0)
                .max_by_key(|(shared, t)| (*shared, std::cmp::Reverse(*t)))
                .map(|(_, t)| t)
        });
        if let Some(t) = best {
            collect_instances(&mut tables, t, &Value::Object(object.clone()), 0);
        }
    }

    // The documents.
    let id = |file: &str| options.id_base.as_ref().map(|b| format!("{b}{file}"));
    let title = page.title().unwrap_or("Response").to_owned();
    let variant_members = |v: Variant| -> Vec<String> {
        tops.iter()
            .filter(|&&t| tables[t].variant == Some(v))
            .flat_map(|&t| tables[t].members.iter().map(|m| m.name.clone()))
            .collect()
    };
    let normal_members = variant_members(Variant::Normal);
    let abnormal_members = variant_members(Variant::Abnormal);
    let both = !normal_members.is_empty() && !abnormal_members.is_empty();
    let mut documents: Vec<GeneratedDocument> = Vec::new();
    let mut table_docs: Vec<(usize, GeneratedDocument)> = Vec::new();
    for &i in &included {
        let t = &tables[i];
        let mut doc = Map::new();
        doc.insert("$schema".into(), DRAFT.into());
        if let Some(id) = id(&t.file) {
            doc.insert("$id".into(), id.into());
        }
        let name = match (&t.caption_rest, t.number) {
            (Some(rest), Some(n)) => format!("{} (Table {n})", lower_first(rest)),
            (Some(rest), None) => lower_first(rest),
            (None, _) => section_title(t.table.section).to_lowercase(),
        };
        doc.insert("title".into(), format!("{title}: {name}").into());
        let mut about = format!(
            "Generated from the page “{title}”, {}. Members that the table does not list are allowed (APIs add fields).",
            match t.number {
                Some(n) => format!("Table {n}"),
                None => format!("the table under “{}”", section_title(t.table.section)),
            },
        );
        if both && t.variant == Some(Variant::Normal) {
            about.push_str(&format!(
                " The {} not allowed: a response is either a result or an error.",
                members_phrase(&abnormal_members)
            ));
        }
        if both && t.variant == Some(Variant::Abnormal) {
            about.push_str(&format!(
                " The result {} not allowed: a response is either a result or an error.",
                members_phrase(&normal_members)
            ));
        }
        doc.insert("description".into(), about.into());
        doc.insert("type".into(), "object".into());
        let mut properties = Map::new();
        let mut required: Vec<Value> = Vec::new();
        for m in &t.members {
            let instances_with: Vec<&Value> = t
                .instances
                .iter()
                .filter_map(|inst| inst.get(&m.name))
                .collect();
            let nullable =
                options.policy.nullable_from_example && instances_with.iter().any(|v| v.is_null());
            properties.insert(m.name.clone(), member_schema(m, &tables, nullable, options));
            let is_required = match options.policy.required {
                Required::All => true,
                Required::None => false,
                Required::Example => {
                    !t.instances.is_empty()
                        && t.instances.iter().all(|inst| inst.get(&m.name).is_some())
                }
            };
            if is_required && !required.contains(&Value::String(m.name.clone())) {
                required.push(m.name.clone().into());
            }
        }
        doc.insert("properties".into(), properties.into());
        if !required.is_empty() {
            doc.insert("required".into(), required.into());
        }
        if both && t.variant == Some(Variant::Normal) {
            doc.insert("not".into(), forbid(&abnormal_members));
        }
        if both && t.variant == Some(Variant::Abnormal) {
            doc.insert("not".into(), forbid(&normal_members));
        }
        if !t.instances.is_empty() {
            let mut unique: Vec<Value> = Vec::new();
            for inst in &t.instances {
                if !unique.contains(inst) {
                    unique.push(inst.clone());
                }
            }
            doc.insert("examples".into(), unique.into());
        }
        table_docs.push((
            i,
            GeneratedDocument {
                file: t.file.clone(),
                value: Value::Object(doc),
            },
        ));
    }
    // The whole response.
    let mut root = Map::new();
    root.insert("$schema".into(), DRAFT.into());
    if let Some(id) = id(&root_file) {
        root.insert("$id".into(), id.into());
    }
    root.insert("title".into(), title.clone().into());
    let refs: Vec<Value> = tops
        .iter()
        .map(|&t| json!({ "$ref": tables[t].file }))
        .collect();
    let table_names = |ts: &[usize]| -> String {
        ts.iter()
            .map(|&t| match tables[t].number {
                Some(n) => format!("Table {n}"),
                None => format!(
                    "the table under “{}”",
                    section_title(tables[t].table.section)
                ),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    if both {
        root.insert(
            "description".into(),
            format!(
                "Generated from the page “{title}”: exactly one of the normal response ({}) and the abnormal response ({}), which exclude each other.",
                table_names(&tops.iter().copied().filter(|&t| tables[t].variant == Some(Variant::Normal)).collect::<Vec<_>>()),
                table_names(&tops.iter().copied().filter(|&t| tables[t].variant == Some(Variant::Abnormal)).collect::<Vec<_>>()),
            )
            .into(),
        );
        root.insert("oneOf".into(), refs.into());
    } else if refs.len() == 1 {
        root.insert(
            "description".into(),
            format!(
                "Generated from the page “{title}”: the response described by {}.",
                table_names(&tops)
            )
            .into(),
        );
        let only = refs.into_iter().next().expect("one reference");
        root.insert("$ref".into(), only["$ref"].clone());
    } else {
        root.insert(
            "description".into(),
            format!(
                "Generated from the page “{title}”: a response described by any of {}.",
                table_names(&tops)
            )
            .into(),
        );
        root.insert("anyOf".into(), refs.into());
    }
    let root_examples: Vec<Value> = examples.iter().filter_map(|(_, v)| v.clone()).collect();
    if !root_examples.is_empty() {
        root.insert("examples".into(), root_examples.into());
    }
    documents.push(GeneratedDocument {
        file: root_file.clone(),
        value: Value::Object(root),
    });
    table_docs.sort_by_key(|(i, _)| tables[*i].table.line);
    documents.extend(table_docs.into_iter().map(|(_, d)| d));

    let imported: Vec<ImportedTable> = {
        let mut list: Vec<&GenTable> = included.iter().map(|&i| &tables[i]).collect();
        list.sort_by_key(|t| t.table.line);
        list.iter()
            .map(|t| ImportedTable {
                number: t.number,
                caption: t.table.caption.as_deref().map(rst::plain),
                line: t.table.line,
                rows: t.table.rows.len(),
                file: t.file.clone(),
                response_side: t.response_side,
            })
            .collect()
    };
    let blocks: Vec<(&rst::LiteralBlock, bool)> =
        examples.iter().map(|(b, v)| (*b, v.is_some())).collect();
    let checked = check_examples(&mut g, &documents, &root_file, &blocks);
    finish(g, page, documents, Some(root_file), imported, checked)
}

fn finish(
    mut g: Gen<'_>,
    page: &Page,
    documents: Vec<GeneratedDocument>,
    root: Option<String>,
    tables: Vec<ImportedTable>,
    examples: Vec<ExampleResponse>,
) -> Import {
    g.diagnostics.sort_by_key(|d| (d.line, d.column));
    Import {
        page: g.origin.to_owned(),
        title: page.title().map(str::to_owned),
        documents,
        root,
        tables,
        examples,
        diagnostics: g.diagnostics,
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => {
            let mut out: String = a.to_lowercase().collect();
            out.push_str(&text[a.len_utf8()..]);
            out
        }
        _ => text.to_owned(),
    }
}

/// `error` → "member `error` is"; `order_id`, `job_id` → "members `order_id` and `job_id` are".
fn members_phrase(members: &[String]) -> String {
    let quoted: Vec<String> = members.iter().map(|m| format!("`{m}`")).collect();
    match quoted.as_slice() {
        [one] => format!("member {one} is"),
        [init @ .., last] => format!("members {} and {last} are", init.join(", ")),
        [] => String::new(),
    }
}

/// `not` of these members: one → `{"required": [m]}`, several → `anyOf` of one each.
fn forbid(members: &[String]) -> Value {
    match members {
        [one] => json!({ "required": [one] }),
        several => json!({
            "anyOf": several.iter().map(|m| json!({ "required": [m] })).collect::<Vec<_>>()
        }),
    }
}

/// Adds an example object to a table's instances, and its nested objects to the linked tables.
fn collect_instances(tables: &mut [GenTable<'_>], t: usize, value: &Value, depth: usize) {
    if depth > 32 {
        return;
    }
    let Value::Object(object) = value else {
        return;
    };
    tables[t].instances.push(value.clone());
    let links: Vec<(String, Shape, usize)> = tables[t]
        .members
        .iter()
        .filter_map(|m| m.link.map(|l| (m.name.clone(), m.shape.clone(), l)))
        .collect();
    for (name, shape, link) in links {
        if let Some(v) = object.get(&name) {
            let mut found = Vec::new();
            objects_of(&shape, v, &mut found);
            for o in found {
                collect_instances(tables, link, o, depth + 1);
            }
        }
    }
}

/// The objects in `value` that a linked table describes, following the shape.
fn objects_of<'v>(shape: &Shape, value: &'v Value, out: &mut Vec<&'v Value>) {
    match (shape, value) {
        (Shape::Object | Shape::Any, Value::Object(_)) => out.push(value),
        (Shape::Array(inner), Value::Array(items)) => {
            for item in items {
                objects_of(inner, item, out);
            }
        }
        (Shape::Map(inner), Value::Object(map)) => {
            for v in map.values() {
                objects_of(inner, v, out);
            }
        }
        _ => {}
    }
}

/// The schema of one member.
fn member_schema(
    m: &Member,
    tables: &[GenTable<'_>],
    nullable: bool,
    options: &ImportOptions,
) -> Value {
    let mut schema = shape_schema(&m.shape, m.link.map(|l| tables[l].file.as_str()));
    let policy = &options.policy;
    if let Shape::Scalar("string") = m.shape {
        if policy.enum_from_description {
            let values = rst::enumerated(&m.description_raw);
            if !values.is_empty() {
                let mut list: Vec<Value> = values.into_iter().map(Value::String).collect();
                if nullable {
                    list.push(Value::Null);
                }
                schema.insert("enum".into(), list.into());
            }
        }
        if policy.date_time_from_iso8601 && m.description.contains("ISO 8601") {
            schema.insert("format".into(), "date-time".into());
        }
    }
    if nullable {
        match schema.get("type").cloned() {
            Some(Value::String(t)) if t != "null" => {
                schema.insert("type".into(), json!([t, "null"]));
            }
            Some(_) => {}
            None if schema.contains_key("$ref") => {
                let target = schema.remove("$ref").expect("checked");
                schema.insert(
                    "anyOf".into(),
                    json!([{ "$ref": target }, { "type": "null" }]),
                );
            }
            None => {}
        }
    }
    let mut out = Map::new();
    if !m.description.is_empty() {
        out.insert("description".into(), m.description.clone().into());
    }
    out.extend(schema);
    Value::Object(out)
}

fn shape_schema(shape: &Shape, link: Option<&str>) -> Map<String, Value> {
    let mut out = Map::new();
    match shape {
        Shape::Scalar(t) => {
            out.insert("type".into(), (*t).into());
        }
        Shape::Object => match link {
            Some(file) => {
                out.insert("$ref".into(), file.into());
            }
            None => {
                out.insert("type".into(), "object".into());
            }
        },
        Shape::Array(inner) => {
            out.insert("type".into(), "array".into());
            let items = shape_schema(inner, link);
            if !items.is_empty() {
                out.insert("items".into(), items.into());
            }
        }
        Shape::Map(inner) => {
            out.insert("type".into(), "object".into());
            let values = shape_schema(inner, link);
            if !values.is_empty() {
                out.insert("additionalProperties".into(), values.into());
            }
        }
        Shape::Any => {
            if let Some(file) = link {
                out.insert("$ref".into(), file.into());
            }
        }
    }
    out
}

/// The members of a table, with their links resolved and problems diagnosed.
fn read_members(
    g: &mut Gen<'_>,
    t: &GenTable<'_>,
    by_label: &BTreeMap<&str, usize>,
    all_labels: &BTreeSet<&str>,
) -> Vec<Member> {
    let (pc, tc, dc) = typed_columns(&t.table.header).expect("a typed table");
    let mut members: Vec<Member> = Vec::new();
    for row in &t.table.rows {
        let (Some(name_cell), Some(type_cell)) = (row.get(pc), row.get(tc)) else {
            continue;
        };
        let empty = Cell::default();
        let description_cell = dc.and_then(|d| row.get(d)).unwrap_or(&empty);
        let name = rst::plain(&name_cell.text());
        if name.is_empty() {
            g.diagnose(
                name_cell.line,
                name_cell.column,
                Severity::Warning,
                DiagnosticKind::MissingName,
                "a response table row without a parameter name is skipped".to_owned(),
            );
            continue;
        }
        // The nested table: the first `:ref:` to a table of this page, in the Type cell first.
        let mut link = None;
        for (cell, text) in [
            (type_cell, type_cell.text()),
            (description_cell, description_cell.text()),
        ] {
            for r in rst::refs(&text) {
                if let Some(&target) = by_label.get(r.label.as_str()) {
                    link.get_or_insert(target);
                } else if !all_labels.contains(r.label.as_str())
                    && (r.text.starts_with("Table ") || r.label.contains("__table"))
                {
                    let (line, column) = position_in_cell(cell, &text, r.at);
                    g.diagnose(
                        line,
                        column,
                        Severity::Error,
                        DiagnosticKind::MissingTable,
                        format!(
                            "`{name}`: :ref: to a table this page does not have: `{}`",
                            r.label
                        ),
                    );
                }
            }
        }
        let spelling = rst::plain(&type_cell.text());
        let shape = match parse_type(&spelling) {
            Some(shape) => shape,
            None => {
                g.diagnose(
                    type_cell.line,
                    type_cell.column,
                    Severity::Warning,
                    DiagnosticKind::UnknownType,
                    format!(
                        "`{name}`: unknown type spelling `{spelling}`: the member accepts any value"
                    ),
                );
                Shape::Any
            }
        };
        let raw = description_cell.text();
        let member = Member {
            description: rst::description(&raw),
            description_raw: raw,
            name: name.clone(),
            shape,
            link,
        };
        if let Some(previous) = members.iter_mut().find(|m| m.name == name) {
            g.diagnose(
                name_cell.line,
                name_cell.column,
                Severity::Warning,
                DiagnosticKind::DuplicateMember,
                format!("`{name}` is listed twice in this table: the last row is used"),
            );
            *previous = member;
        } else {
            members.push(member);
        }
    }
    members
}

/// Checks every example block against the generated documents; diagnostics located in the page.
fn check_examples(
    g: &mut Gen<'_>,
    documents: &[GeneratedDocument],
    root: &str,
    blocks: &[(&rst::LiteralBlock, bool)],
) -> Vec<ExampleResponse> {
    let texts: Vec<(String, Vec<u8>)> = documents
        .iter()
        .map(|d| {
            (
                d.file.clone(),
                serde_json::to_vec(&d.value).expect("a JSON value always serialises"),
            )
        })
        .collect();
    let pairs: Vec<(&str, &[u8])> = texts
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let schema = match Schema::from_documents(&pairs, root) {
        Ok(schema) => Some(schema),
        Err(_) if documents.is_empty() => None,
        Err(error) => {
            let line = g.page.tables.first().map_or(1, |t| t.line);
            g.diagnose(
                line,
                1,
                Severity::Error,
                DiagnosticKind::GeneratedSchemaInvalid,
                format!("the generated documents do not compile: {error}"),
            );
            None
        }
    };
    let mut out = Vec::new();
    for (block, is_json) in blocks {
        let report = schema
            .as_ref()
            .map(|s| s.validate(block.text.as_bytes()))
            .or_else(|| {
                // Without documents, `true` still locates syntax errors.
                Schema::from_json(b"true", "true")
                    .ok()
                    .map(|s| s.validate(block.text.as_bytes()))
            });
        let mut valid = *is_json;
        if let Some(report) = report {
            for v in report.violations() {
                let line = block.line + v.location.line - 1;
                let column = block.indent + v.location.column;
                if !*is_json {
                    if v.keyword.is_none() {
                        g.diagnose(
                            line,
                            column,
                            Severity::Error,
                            DiagnosticKind::ExampleNotJson,
                            format!(
                                "the example response is not JSON: {}",
                                strip_pointer(&v.message)
                            ),
                        );
                        break;
                    }
                    continue;
                }
                if v.severity == Severity::Error {
                    valid = false;
                }
                g.diagnose(
                    line,
                    column,
                    v.severity,
                    DiagnosticKind::ExampleContradictsTables,
                    format!("the example response contradicts the tables: {}", v.message),
                );
            }
        }
        out.push(ExampleResponse {
            line: block.line,
            text: block.text.clone(),
            is_json: *is_json,
            valid,
        });
    }
    out
}

/// `/error/code: not JSON: …` → `not JSON: …` is not wanted twice: drop the pointer and the
/// "not JSON:" prefix of a syntax message.
fn strip_pointer(message: &str) -> &str {
    let message = match message.find(": ") {
        Some(at) if message.starts_with('/') || message.starts_with(':') => &message[at + 2..],
        _ => message,
    };
    message.strip_prefix("not JSON: ").unwrap_or(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_spellings_of_the_reference_are_known() {
        for spelling in [
            "String",
            "Integer",
            "Long",
            "Float",
            "Boolean",
            "Object",
            "object",
            "Array of objects",
            "Array of strings",
            "dict",
            "Dictionary data structure",
            "Dictionary data structure [1]",
            "Map<String,String>",
            "Map<String,Array of address objects>",
            "Array of address objects",
            "List data structure",
            "null",
        ] {
            assert!(parse_type(spelling).is_some(), "{spelling}");
        }
        assert!(parse_type("Strnig").is_none());
    }

    #[test]
    fn names_are_kebab_case() {
        assert_eq!(kebab("order_id_response"), "order-id-response");
        assert_eq!(kebab("Sub_Jobs "), "sub-jobs");
    }
}
