//! The library's modules form no import cycle: data flows one way, bytes → plan check →
//! violations → report, with options in a leaf. Read from the sources: every `crate::X` and
//! `super::X` a file names is an edge from its module to X.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// `src/plan/check.rs` → `plan::check`; `src/plan/mod.rs` → `plan`; `src/lib.rs` → `lib`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("under src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable src") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The modules a source text refers to, resolved against its own module path.
fn references(module: &str, text: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let parent = module.rsplit_once("::").map_or("", |(p, _)| p);
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        for (prefix, base) in [("crate::", ""), ("super::", parent)] {
            let mut rest = code;
            while let Some(at) = rest.find(prefix) {
                rest = &rest[at + prefix.len()..];
                // The longest known module the path names.
                let path: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                let mut candidate = String::new();
                let mut best = None;
                for segment in path.split("::").filter(|s| !s.is_empty()) {
                    if !candidate.is_empty() {
                        candidate.push_str("::");
                    }
                    candidate.push_str(segment);
                    let full = if base.is_empty() {
                        candidate.clone()
                    } else {
                        format!("{base}::{candidate}")
                    };
                    if known.contains(&full) {
                        best = Some(full);
                    }
                }
                if let Some(target) = best
                    && target != module
                    && !module.starts_with(&format!("{target}::"))
                {
                    out.insert(target);
                }
            }
        }
    }
    out
}

#[test]
fn the_library_modules_import_each_other_without_cycles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    // The command (`cli`, `main`) sits on top of the library and is not part of its core.
    all.retain(|f| {
        let m = module_of(&src, f);
        m != "main" && m != "lib" && m != "cli" && !m.starts_with("cli::")
    });
    let known: BTreeSet<String> = all.iter().map(|f| module_of(&src, f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &all {
        let module = module_of(&src, file);
        let text = std::fs::read_to_string(file).expect("readable source");
        graph.insert(module.clone(), references(&module, &text, &known));
    }
    // The flow the design promises, checked as edges that must exist.
    for (from, to) in [
        ("validator", "plan::check"),
        ("plan::check", "collect"),
        ("collect", "report"),
        ("plan::check", "options"),
    ] {
        assert!(
            graph[from].contains(to),
            "{from} should use {to}: {:?}",
            graph[from]
        );
    }
    assert!(
        graph["options"].iter().all(|m| m == "error"),
        "options is a leaf: {:?}",
        graph["options"]
    );
    // Depth-first search for a cycle, reporting it.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if done.contains(node) {
            return;
        }
        if let Some(at) = stack.iter().position(|n| n == node) {
            panic!("import cycle: {} -> {node}", stack[at..].join(" -> "));
        }
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, stack, done);
        }
        stack.pop();
        done.insert(node.to_owned());
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, &graph, &mut Vec::new(), &mut done);
    }
}
