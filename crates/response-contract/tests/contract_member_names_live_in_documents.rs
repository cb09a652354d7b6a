//! No contract member name in Rust: every member name the embedded schema documents list
//! (`properties` keys and `required` entries, read through `response_contract::documents()`)
//! appears in `src/**/*.rs` only in `src/model.rs` (the typed values), in comments (docs
//! included), in unit-test modules (`#[cfg(test)]`: payloads there are data), or in the few
//! places listed below where the same word means something else. A string literal equal to a
//! name, or holding it quoted (JSON text), counts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Literals that are the same word as a member name but not the member: (file, name, how many
/// times, what it is). An entry that no longer matches fails the test too, so the list stays
/// exact.
const SAME_WORD_ELSEWHERE: &[(&str, &str, usize, &str)] = &[
    (
        "crates/response-contract/src/traffic/entry.rs",
        "status",
        2,
        "the `status` member of an exchange log line (the HTTP status), named in its problems and matched by the one-pass line reader",
    ),
    (
        "crates/response-contract/src/report.rs",
        "error",
        1,
        "the name of Severity::Error in reports",
    ),
    (
        "src/cli/render/sarif.rs",
        "error",
        3,
        "SARIF's `level` value for errors",
    ),
    (
        "src/cli/render/github.rs",
        "error",
        1,
        "the workflow command `::error`",
    ),
    (
        "src/cli/render/junit.rs",
        "error",
        1,
        "JUnit's <error> element",
    ),
    (
        "src/cli/render/junit.rs",
        "message",
        2,
        "JUnit's `message` attribute",
    ),
    (
        "src/cli/import.rs",
        "error",
        1,
        "the word in the summary line (\"1 error\")",
    ),
    (
        "src/cli/import.rs",
        "message",
        1,
        "the field of a diagnostic in `import --format json`",
    ),
    (
        "src/cli/args.rs",
        "status",
        2,
        "clap's id of the `--status` option (conflicts and requirements)",
    ),
];

/// Every member name the embedded documents list.
fn member_names() -> BTreeSet<String> {
    fn walk(v: &serde_json::Value, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    match (key.as_str(), value) {
                        ("examples" | "description" | "title", _) => {}
                        ("properties", serde_json::Value::Object(props)) => {
                            out.extend(props.keys().cloned());
                            props.values().for_each(|p| walk(p, out));
                        }
                        ("required", serde_json::Value::Array(names)) => {
                            out.extend(names.iter().filter_map(|n| n.as_str().map(str::to_owned)));
                        }
                        _ => walk(value, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    let mut names = BTreeSet::new();
    for doc in response_contract::documents() {
        let value: serde_json::Value =
            serde_json::from_str(doc.source).expect("documents are JSON");
        walk(&value, &mut names);
    }
    names
}

/// The string literals of Rust source (plain, raw, byte), with their line; comments and the
/// item after `#[cfg(test)]` skipped.
fn string_literals(source: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    // Brace depth in code; the depth at which a `#[cfg(test)]` item's block opened.
    let mut depth = 0usize;
    let mut test_attribute = false;
    let mut test_block: Option<usize> = None;
    let attribute: Vec<char> = "#[cfg(test)]".chars().collect();
    let count_lines = |s: &[char]| s.iter().filter(|&&c| c == '\n').count();
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\n' {
            line += 1;
            i += 1;
        } else if chars[i..].starts_with(&attribute) {
            test_attribute = true;
            i += attribute.len();
        } else if c == '{' {
            if test_attribute && test_block.is_none() {
                test_block = Some(depth);
            }
            test_attribute = false;
            depth += 1;
            i += 1;
        } else if c == '}' {
            depth = depth.saturating_sub(1);
            if test_block == Some(depth) {
                test_block = None;
            }
            i += 1;
        } else if c == ';' && test_block.is_none() {
            // `#[cfg(test)] mod tests;` or a use: the attribute's item ended.
            test_attribute = false;
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
            }
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{1F600}', '"') or a lifetime ('a).
            if next == Some('\\') {
                let end = (i + 2..chars.len())
                    .find(|&j| chars[j] == '\'')
                    .unwrap_or(chars.len());
                i = end + 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
            }
        } else if (c == 'r' || (c == 'b' && next == Some('r')))
            && !chars[..i]
                .last()
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
            && {
                let start = if c == 'b' { i + 2 } else { i + 1 };
                let hashes = chars[start..].iter().take_while(|&&h| h == '#').count();
                chars.get(start + hashes) == Some(&'"')
            }
        {
            let start = if c == 'b' { i + 2 } else { i + 1 };
            let hashes = chars[start..].iter().take_while(|&&h| h == '#').count();
            let body = start + hashes + 1;
            let closing: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let end = (body..chars.len())
                .find(|&j| chars[j..].starts_with(&closing))
                .expect("raw strings are closed");
            if test_block.is_none() {
                out.push((line, chars[body..end].iter().collect()));
            }
            line += count_lines(&chars[body..end]);
            i = end + closing.len();
        } else if c == '"' {
            let mut j = i + 1;
            let mut text = String::new();
            while j < chars.len() && chars[j] != '"' {
                if chars[j] == '\\' {
                    match chars.get(j + 1) {
                        Some('"') => text.push('"'),
                        Some('\\') => text.push('\\'),
                        Some('\n') => line += 1,
                        Some(other) => {
                            text.push('\\');
                            text.push(*other);
                        }
                        None => {}
                    }
                    j += 2;
                } else {
                    line += usize::from(chars[j] == '\n');
                    text.push(chars[j]);
                    j += 1;
                }
            }
            if test_block.is_none() {
                out.push((line, text));
            }
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn contract_member_names_are_not_string_literals_in_rust() {
    let names = member_names();
    // The documents list the members of all three contracts.
    for expected in [
        "order_id",
        "job_id",
        "error",
        "status",
        "sub_jobs_total",
        "server_id",
    ] {
        assert!(
            names.contains(expected),
            "{expected} not found in the documents: {names:?}"
        );
    }
    // The library's sources and the command's, from the workspace root.
    let root = &Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap();
    let mut files = Vec::new();
    rust_files(&root.join("crates/response-contract/src"), &mut files);
    rust_files(&root.join("src"), &mut files);
    files.sort();
    let mut found: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for file in &files {
        let relative = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if relative == "crates/response-contract/src/model.rs" {
            continue;
        }
        let source = std::fs::read_to_string(file).unwrap();
        for (line, literal) in string_literals(&source) {
            for name in &names {
                if literal == *name || literal.contains(&format!("\"{name}\"")) {
                    found
                        .entry((relative.clone(), name.clone()))
                        .or_default()
                        .push(line);
                }
            }
        }
    }
    let mut problems = Vec::new();
    for ((file, name), lines) in &found {
        match SAME_WORD_ELSEWHERE.iter().find(|(f, n, _, _)| f == file && n == name) {
            Some((_, _, count, _)) if *count == lines.len() => {}
            Some((_, _, count, why)) => problems.push(format!(
                "{file}: `{name}` at lines {lines:?}, listed {count} times as {why}: update the list"
            )),
            None => problems.push(format!(
                "{file}: the contract member name `{name}` at lines {lines:?}; read it from the \
                 documents or the policy instead"
            )),
        }
    }
    for (file, name, _, why) in SAME_WORD_ELSEWHERE {
        if !found.contains_key(&((*file).to_owned(), (*name).to_owned())) {
            problems.push(format!(
                "{file}: `{name}` ({why}) is listed but no longer there"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_scan_finds_names_in_every_kind_of_literal_and_skips_comments() {
    let source = r####"
        /// "order_id" in a doc comment
        // "job_id" in a comment
        /* "error" in a /* nested */ block */
        let a = "code";
        let b = br#"{"message": 1}"#;
        let c = '"'; let d: &'static str = "status\"";
        let e = r##"x"##;
        #[cfg(test)]
        mod tests { fn f() { let g = "job_id"; } }
        let h = "y";
    "####;
    let literals = string_literals(source);
    let texts: Vec<&str> = literals.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(texts, ["code", r#"{"message": 1}"#, "status\"", "x", "y"]);
    assert_eq!(literals[0].0, 5);
}
