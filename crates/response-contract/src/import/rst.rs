//! A reader of the reStructuredText that API reference pages are written in: section headings,
//! labels (`.. _label:`), `.. table::` captions, grid and simple tables, and literal blocks (`::`
//! and `.. code-block::`). Only what the pages use; everything else is skipped.
//!
//! Positions are 1-based lines and 1-based columns counted in characters, as in the rest of the
//! crate. Problems are collected as [`Problem`]s, never panics.

/// A section heading.
#[derive(Debug, Clone)]
pub(crate) struct Heading {
    pub(crate) title: String,
}

/// One cell of a table: its raw lines, dedented to the cell's left edge, and where it starts.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cell {
    pub(crate) lines: Vec<String>,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

impl Cell {
    /// The cell's lines joined by `\n`, blank lines at either end removed.
    pub(crate) fn text(&self) -> String {
        let start = self.lines.iter().position(|l| !l.trim().is_empty());
        let end = self.lines.iter().rposition(|l| !l.trim().is_empty());
        match (start, end) {
            (Some(s), Some(e)) => self.lines[s..=e].join("\n"),
            _ => String::new(),
        }
    }
}

/// A table: its header cells and body rows.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    /// The first line of the table (its top border).
    pub(crate) line: usize,
    /// `.. table::` caption text, as written (with its inline markup).
    pub(crate) caption: Option<String>,
    /// The `.. _label:` just above the table or its directive.
    pub(crate) label: Option<String>,
    /// The nearest section heading above, by index into [`Page::headings`].
    pub(crate) section: Option<usize>,
    pub(crate) header: Vec<String>,
    pub(crate) rows: Vec<Vec<Cell>>,
}

/// A literal block (`::`) or a `.. code-block::`.
#[derive(Debug, Clone)]
pub(crate) struct LiteralBlock {
    /// The file line of the block's first content line.
    pub(crate) line: usize,
    /// How many columns the content was indented by in the file.
    pub(crate) indent: usize,
    /// The content, dedented, lines joined by `\n`.
    pub(crate) text: String,
    /// The nearest section heading above, by index into [`Page::headings`].
    pub(crate) section: Option<usize>,
    /// The text of the paragraph or bullet that introduces the block (e.g. "Normal response").
    pub(crate) lead: String,
}

/// Something wrong in the page's markup, located.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) message: String,
}

/// A page, read.
#[derive(Debug, Default)]
pub(crate) struct Page {
    pub(crate) headings: Vec<Heading>,
    pub(crate) tables: Vec<Table>,
    pub(crate) blocks: Vec<LiteralBlock>,
    pub(crate) problems: Vec<Problem>,
}

impl Page {
    /// The page title: its first heading.
    pub(crate) fn title(&self) -> Option<&str> {
        self.headings.first().map(|h| h.title.as_str())
    }
}

fn indent_of(line: &str) -> usize {
    line.chars().take_while(|c| *c == ' ').count()
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// A line made of one repeated punctuation character, as under a section title.
fn is_adornment(line: &str) -> bool {
    let line = line.trim_end();
    let mut chars = line.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    line.chars().count() >= 2 && "=-~^\"'`#*+_:.".contains(first) && chars.all(|c| c == first)
}

/// `+----+----+` or `+====+====+`.
fn is_grid_border(trimmed: &str) -> bool {
    trimmed.starts_with('+')
        && trimmed.len() > 2
        && trimmed.trim_end().ends_with('+')
        && trimmed
            .trim_end()
            .chars()
            .all(|c| matches!(c, '+' | '-' | '='))
        && trimmed.contains(['-', '='])
}

/// `=====  ====  =====`: a simple table's rule, at least two columns.
fn is_simple_rule(trimmed: &str) -> bool {
    let t = trimmed.trim_end();
    !t.is_empty()
        && t.starts_with('=')
        && t.chars().all(|c| c == '=' || c == ' ')
        && t.split(' ').filter(|s| !s.is_empty()).count() >= 2
}

/// `.. _label:` → `label`.
fn label_of(trimmed: &str) -> Option<&str> {
    let rest = trimmed.strip_prefix(".. _")?;
    let label = rest.trim_end().strip_suffix(':')?;
    (!label.is_empty() && !label.contains(' ')).then_some(label)
}

/// Reads a page. Never fails: what cannot be read is a [`Problem`].
pub(crate) fn read(source: &str) -> Page {
    let lines: Vec<&str> = source
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut page = Page::default();
    let mut pending_label: Option<(String, usize)> = None;
    let mut pending_caption: Option<(String, usize)> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        let indent = indent_of(line);
        if is_blank(line) {
            i += 1;
            continue;
        }
        // A section title: text, then an adornment at least as long (an overline is skipped as
        // an adornment line of its own).
        if indent == 0
            && !is_adornment(line)
            && i + 1 < lines.len()
            && is_adornment(lines[i + 1])
            && indent_of(lines[i + 1]) == 0
            && lines[i + 1].trim_end().chars().count() >= line.trim_end().chars().count()
            && !is_simple_rule(lines[i + 1])
        {
            page.headings.push(Heading {
                title: line.trim().to_owned(),
            });
            pending_label = None;
            pending_caption = None;
            i += 2;
            continue;
        }
        if is_adornment(line) && indent == 0 && !is_simple_rule(line) && line.trim_end() != "::" {
            i += 1;
            continue;
        }
        if let Some(label) = label_of(trimmed) {
            pending_label = Some((label.to_owned(), indent));
            i += 1;
            continue;
        }
        if let Some(caption) = trimmed.strip_prefix(".. table::") {
            let caption = caption.trim();
            pending_caption = Some((caption.to_owned(), indent));
            i += 1;
            // Directive options (`:class:` …) are skipped.
            while i < lines.len() && lines[i].trim_start().starts_with(':') {
                i += 1;
            }
            continue;
        }
        if is_grid_border(trimmed) || is_simple_rule(trimmed) {
            let grid = is_grid_border(trimmed);
            let end = if grid {
                grid_table_end(&lines, i, indent)
            } else {
                simple_table_end(&lines, i, indent)
            };
            let section = page.headings.len().checked_sub(1);
            let (caption, label) = match pending_caption.take() {
                Some((caption, at)) if at < indent => {
                    (Some(caption), pending_label.take().map(|l| l.0))
                }
                other => {
                    pending_caption = other;
                    (None, pending_label.take().map(|l| l.0))
                }
            };
            let mut table = Table {
                line: i + 1,
                caption,
                label,
                section,
                header: Vec::new(),
                rows: Vec::new(),
            };
            let result = if grid {
                read_grid(&lines[i..end], i, indent, &mut table)
            } else {
                read_simple(&lines[i..end], i, indent, &mut table)
            };
            match result {
                Ok(()) => page.tables.push(table),
                Err(problem) => page.problems.push(problem),
            }
            i = end;
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix(".. code-block::") {
            let _language = rest.trim();
            let mut j = i + 1;
            while j < lines.len() && lines[j].trim_start().starts_with(':') {
                j += 1;
            }
            let lead = lead_text(&lines, i);
            if let Some((block, end)) = literal_block(&lines, j, indent, &page, lead) {
                page.blocks.push(block);
                i = end;
            } else {
                i = j;
            }
            continue;
        }
        if trimmed.trim_end().ends_with("::") && !trimmed.starts_with("..") {
            // A paragraph ending with `::` introduces a literal block: the indented lines after the
            // next blank line. The paragraph's first line sets the reference indentation.
            let lead = if trimmed.trim_end() == "::" {
                lead_text(&lines, i)
            } else {
                trimmed.trim_end().trim_end_matches(':').to_owned()
            };
            let base = paragraph_indent(&lines, i);
            if let Some((block, end)) = literal_block(&lines, i + 1, base, &page, lead) {
                page.blocks.push(block);
                i = end;
                continue;
            }
        }
        // Any other paragraph: a label or caption above it belonged to something else.
        pending_label = None;
        pending_caption = None;
        i += 1;
    }
    page
}

/// The indentation of the paragraph that line `i` ends.
fn paragraph_indent(lines: &[&str], i: usize) -> usize {
    let mut start = i;
    while start > 0 && !is_blank(lines[start - 1]) {
        start -= 1;
    }
    let first = lines[start].trim_start();
    let indent = indent_of(lines[start]);
    // The text of a bullet item starts after its marker.
    if first.starts_with("- ") || first.starts_with("* ") {
        indent + 1 + first[1..].chars().take_while(|c| *c == ' ').count()
    } else {
        indent
    }
}

/// The text of the nearest non-blank paragraph above line `i`, markers and colons removed.
fn lead_text(lines: &[&str], i: usize) -> String {
    let mut j = i;
    while j > 0 {
        j -= 1;
        let t = lines[j].trim();
        if t.is_empty() || t.starts_with(":") {
            continue;
        }
        return t
            .trim_start_matches(['-', '*'])
            .trim()
            .trim_end_matches(':')
            .to_owned();
    }
    String::new()
}

/// The block of lines after `start` (blank lines first) indented more than `base`.
fn literal_block(
    lines: &[&str],
    start: usize,
    base: usize,
    page: &Page,
    lead: String,
) -> Option<(LiteralBlock, usize)> {
    let mut j = start;
    while j < lines.len() && is_blank(lines[j]) {
        j += 1;
    }
    if j == start && start < lines.len() {
        // No blank line: not a literal block.
        return None;
    }
    if j >= lines.len() || indent_of(lines[j]) <= base {
        return None;
    }
    let first = j;
    let mut end = j;
    let mut k = j;
    while k < lines.len() && (is_blank(lines[k]) || indent_of(lines[k]) > base) {
        if !is_blank(lines[k]) {
            end = k + 1;
        }
        k += 1;
    }
    let indent = lines[first..end]
        .iter()
        .filter(|l| !is_blank(l))
        .map(|l| indent_of(l))
        .min()
        .unwrap_or(0);
    let text = lines[first..end]
        .iter()
        .map(|l| l.get(indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    Some((
        LiteralBlock {
            line: first + 1,
            indent,
            text,
            section: page.headings.len().checked_sub(1),
            lead,
        },
        end,
    ))
}

/// One past the last line of a grid table starting at `start`: lines at the same indentation
/// starting with `+` or `|`.
fn grid_table_end(lines: &[&str], start: usize, indent: usize) -> usize {
    let mut j = start;
    while j < lines.len() {
        let l = lines[j];
        if is_blank(l) || indent_of(l) != indent {
            break;
        }
        let t = l.trim_start();
        if !(t.starts_with('+') || t.starts_with('|')) {
            break;
        }
        j += 1;
    }
    j
}

/// One past the last line of a simple table: its third rule ends it.
fn simple_table_end(lines: &[&str], start: usize, indent: usize) -> usize {
    let mut rules = 0;
    let mut j = start;
    while j < lines.len() {
        let l = lines[j];
        if !is_blank(l) && indent_of(l) < indent {
            return j;
        }
        if !is_blank(l) && indent_of(l) == indent && is_simple_rule(l.trim_start()) {
            rules += 1;
            if rules == 3 {
                return j + 1;
            }
        }
        j += 1;
    }
    j
}

/// Characters of a line from column `indent`, as a vector (tables are measured in characters).
fn chars_from(line: &str, indent: usize) -> Vec<char> {
    line.chars().skip(indent).collect()
}

fn read_grid(
    lines: &[&str],
    first: usize,
    indent: usize,
    table: &mut Table,
) -> Result<(), Problem> {
    let border: Vec<char> = chars_from(lines[0], indent);
    let bounds: Vec<usize> = border
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == '+')
        .map(|(i, _)| i)
        .collect();
    let width = *bounds.last().unwrap_or(&0);
    let problem = |offset: usize, column: usize, message: String| Problem {
        line: first + offset + 1,
        column: indent + column + 1,
        message,
    };
    if bounds.len() < 2 {
        return Err(problem(
            0,
            0,
            "a grid table border needs at least one column".to_owned(),
        ));
    }
    let last = lines.len() - 1;
    if !is_grid_border(lines[last].trim_start()) {
        return Err(problem(
            last,
            0,
            "malformed grid table: it does not end with a border line (`+---+`)".to_owned(),
        ));
    }
    let mut header_end: Option<usize> = None;
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut current: Option<Vec<Cell>> = None;
    for (offset, line) in lines.iter().enumerate() {
        let chars = chars_from(line, indent);
        let trimmed_len = {
            let mut n = chars.len();
            while n > 0 && chars[n - 1] == ' ' {
                n -= 1;
            }
            n
        };
        if trimmed_len != width + 1 {
            return Err(problem(
                offset,
                trimmed_len.min(width + 1),
                format!(
                    "malformed grid table: this line is {} characters wide, the border above is {}",
                    trimmed_len,
                    width + 1
                ),
            ));
        }
        if chars[0] == '+' {
            // A row border: every column boundary is `+`, every cell is all `-` (or all `=`).
            for (k, pair) in bounds.windows(2).enumerate() {
                let _ = k;
                if chars[pair[0]] != '+' {
                    return Err(problem(
                        offset,
                        pair[0],
                        "malformed grid table: expected `+` at a column boundary".to_owned(),
                    ));
                }
                let fill = &chars[pair[0] + 1..pair[1]];
                if !(fill.iter().all(|c| *c == '-') || fill.iter().all(|c| *c == '=')) {
                    return Err(problem(
                        offset,
                        pair[0] + 1,
                        "malformed grid table: a border line mixes `-`, `=` and other characters (spanned rows are not supported)".to_owned(),
                    ));
                }
            }
            if chars[width] != '+' {
                return Err(problem(
                    offset,
                    width,
                    "malformed grid table: expected `+` at the right edge".to_owned(),
                ));
            }
            if let Some(row) = current.take() {
                rows.push(row);
            }
            if chars[1] == '=' {
                if header_end.is_some() {
                    return Err(problem(
                        offset,
                        1,
                        "malformed grid table: a second header rule (`+===+`)".to_owned(),
                    ));
                }
                header_end = Some(rows.len());
            }
            continue;
        }
        if chars[0] != '|' {
            return Err(problem(
                offset,
                0,
                "malformed grid table: a row line must start with `|`".to_owned(),
            ));
        }
        for &b in &bounds {
            if chars[b] != '|' {
                return Err(problem(
                    offset,
                    b,
                    format!(
                        "malformed grid table: expected `|` at a column boundary, found {} (spanned cells are not supported)",
                        match chars[b] {
                            ' ' => "a space".to_owned(),
                            c => format!("`{c}`"),
                        }
                    ),
                ));
            }
        }
        let row = current.get_or_insert_with(|| {
            bounds
                .windows(2)
                .map(|pair| Cell {
                    lines: Vec::new(),
                    line: first + offset + 1,
                    column: indent + pair[0] + 3,
                })
                .collect()
        });
        for (cell, pair) in row.iter_mut().zip(bounds.windows(2)) {
            let text: String = chars[pair[0] + 1..pair[1]].iter().collect();
            // One space of padding after `|`.
            let text = text
                .strip_prefix(' ')
                .unwrap_or(&text)
                .trim_end()
                .to_owned();
            cell.lines.push(text);
        }
    }
    if current.is_some() {
        return Err(problem(
            last,
            0,
            "malformed grid table: the last row is not closed by a border".to_owned(),
        ));
    }
    match header_end {
        Some(1) => {
            let header = rows.remove(0);
            table.header = header.iter().map(|c| c.text()).collect();
        }
        Some(0) => {
            return Err(problem(
                0,
                0,
                "malformed grid table: the header rule (`+===+`) has no header row above it"
                    .to_owned(),
            ));
        }
        Some(_) => {
            return Err(problem(
                0,
                0,
                "malformed grid table: the header spans several rows".to_owned(),
            ));
        }
        None => {}
    }
    table.rows = rows;
    Ok(())
}

fn read_simple(
    lines: &[&str],
    first: usize,
    indent: usize,
    table: &mut Table,
) -> Result<(), Problem> {
    let rule = chars_from(lines[0], indent);
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut k = 0;
    while k < rule.len() {
        if rule[k] == '=' {
            let start = k;
            while k < rule.len() && rule[k] == '=' {
                k += 1;
            }
            spans.push((start, k));
        } else {
            k += 1;
        }
    }
    let rules: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| indent_of(l) == indent && is_simple_rule(l.trim_start()))
        .map(|(i, _)| i)
        .collect();
    if rules.len() != 3 {
        return Err(Problem {
            line: first + 1,
            column: indent + 1,
            message: format!(
                "malformed simple table: expected 3 rules (top, below the header, bottom), found {}",
                rules.len()
            ),
        });
    }
    let cell_of = |chars: &[char], span: usize| -> String {
        let (start, end) = spans[span];
        let end = if span + 1 == spans.len() {
            chars.len()
        } else {
            end.min(chars.len())
        };
        if start >= chars.len() {
            return String::new();
        }
        chars[start..end.max(start)]
            .iter()
            .collect::<String>()
            .trim_end()
            .to_owned()
    };
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut header: Vec<Cell> = Vec::new();
    for (offset, line) in lines.iter().enumerate() {
        if rules.contains(&offset) {
            continue;
        }
        let in_header = offset < rules[1];
        let chars = chars_from(line, indent);
        // A character outside every column (other than in the last column) is an error.
        for (n, c) in chars.iter().enumerate() {
            let inside = spans
                .iter()
                .enumerate()
                .any(|(s, (a, b))| n >= *a && (n < *b || s + 1 == spans.len()));
            if !inside && *c != ' ' {
                return Err(Problem {
                    line: first + offset + 1,
                    column: indent + n + 1,
                    message: "malformed simple table: text between columns".to_owned(),
                });
            }
        }
        let target = if in_header {
            &mut header
        } else {
            &mut Vec::new()
        };
        let first_cell = cell_of(&chars, 0);
        let continuation = !in_header && first_cell.trim().is_empty() && !rows.is_empty();
        if is_blank(line) {
            if let Some(row) = rows.last_mut() {
                for cell in row.iter_mut() {
                    cell.lines.push(String::new());
                }
            }
            continue;
        }
        if in_header {
            if target.is_empty() {
                *target = spans
                    .iter()
                    .map(|(a, _)| Cell {
                        lines: Vec::new(),
                        line: first + offset + 1,
                        column: indent + a + 1,
                    })
                    .collect();
            }
            for (s, cell) in target.iter_mut().enumerate() {
                cell.lines.push(cell_of(&chars, s));
            }
            continue;
        }
        if !continuation {
            rows.push(
                spans
                    .iter()
                    .map(|(a, _)| Cell {
                        lines: Vec::new(),
                        line: first + offset + 1,
                        column: indent + a + 1,
                    })
                    .collect(),
            );
        }
        let row = rows.last_mut().expect("a row was pushed");
        for (s, cell) in row.iter_mut().enumerate() {
            cell.lines.push(cell_of(&chars, s));
        }
    }
    table.header = header.iter().map(Cell::text).collect();
    table.rows = rows;
    Ok(())
}

/// A `:ref:` role in a cell: its text and its target label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ref {
    pub(crate) text: String,
    pub(crate) label: String,
    /// Byte offset of `:ref:` in the searched text.
    pub(crate) at: usize,
}

/// Every `:ref:` in `text`: `` :ref:`Text <label>` `` or `` :ref:`label` ``.
pub(crate) fn refs(text: &str) -> Vec<Ref> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = text[from..].find(":ref:`") {
        let at = from + pos;
        let body_start = at + ":ref:`".len();
        let Some(len) = text[body_start..].find('`') else {
            break;
        };
        let body = &text[body_start..body_start + len];
        let (text_part, label) = match (body.rfind('<'), body.ends_with('>')) {
            (Some(open), true) => (
                body[..open].trim().to_owned(),
                body[open + 1..body.len() - 1].trim().to_owned(),
            ),
            _ => (body.trim().to_owned(), body.trim().to_owned()),
        };
        out.push(Ref {
            text: text_part,
            label,
            at,
        });
        from = body_start + len + 1;
    }
    out
}

/// Inline markup removed: `**x**`, `*x*`, ``` ``x`` ```, `` :ref:`Text <label>` `` → `Text`,
/// escaped spaces. Whitespace runs collapse to one space.
pub(crate) fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find(":ref:`") {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + ":ref:`".len()..];
        match after.find('`') {
            Some(len) => {
                let body = &after[..len];
                let shown = match (body.rfind('<'), body.ends_with('>')) {
                    (Some(open), true) => body[..open].trim(),
                    _ => body.trim(),
                };
                out.push_str(shown);
                rest = &after[len + 1..];
            }
            None => {
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let out = out.replace("**", "").replace("``", "").replace("\\ ", "");
    let out = strip_emphasis(&out);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `*word*` → `word`, leaving lone asterisks alone.
fn strip_emphasis(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '*'
            && (i == 0 || !chars[i - 1].is_alphanumeric())
            && i + 1 < chars.len()
            && !chars[i + 1].is_whitespace()
        {
            if let Some(close) = (i + 1..chars.len()).find(|&j| chars[j] == '*') {
                if close > i + 1 && !chars[close - 1].is_whitespace() {
                    out.extend(&chars[i + 1..close]);
                    i = close + 1;
                    continue;
                }
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// A cell's text as a description: paragraphs separated by a blank line, bullet items as `- `
/// lines, `.. note::` as `Note:`, inline markup removed.
pub(crate) fn description(cell: &str) -> String {
    let mut blocks: Vec<String> = Vec::new();
    let mut paragraph: Vec<String> = Vec::new();
    let mut items: Vec<String> = Vec::new();
    let flush_paragraph = |paragraph: &mut Vec<String>, blocks: &mut Vec<String>| {
        if !paragraph.is_empty() {
            let text = plain(&paragraph.join(" "));
            if !text.is_empty() {
                blocks.push(text);
            }
            paragraph.clear();
        }
    };
    let flush_items = |items: &mut Vec<String>, blocks: &mut Vec<String>| {
        if !items.is_empty() {
            let list: Vec<String> = items.iter().map(|i| format!("- {}", plain(i))).collect();
            blocks.push(list.join("\n"));
            items.clear();
        }
    };
    let mut in_item = false;
    for line in cell.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            flush_paragraph(&mut paragraph, &mut blocks);
            in_item = false;
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix(".. note::") {
            flush_paragraph(&mut paragraph, &mut blocks);
            flush_items(&mut items, &mut blocks);
            paragraph.push("Note:".to_owned());
            if !rest.trim().is_empty() {
                paragraph.push(rest.trim().to_owned());
            }
            continue;
        }
        if let Some(rest) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            flush_paragraph(&mut paragraph, &mut blocks);
            items.push(rest.trim().to_owned());
            in_item = true;
            continue;
        }
        if in_item && line.starts_with(' ') {
            if let Some(last) = items.last_mut() {
                last.push(' ');
                last.push_str(trimmed);
            }
            continue;
        }
        flush_items(&mut items, &mut blocks);
        in_item = false;
        paragraph.push(trimmed.to_owned());
    }
    flush_paragraph(&mut paragraph, &mut blocks);
    flush_items(&mut items, &mut blocks);
    blocks.join("\n\n")
}

/// The values a cell enumerates as bullet items that start with a bold token:
/// `-  **SUCCESS**: The task is successful.` → `SUCCESS`. Every item of one list must have the
/// form; the first such list counts.
pub(crate) fn enumerated(cell: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut in_list = false;
    for line in cell.lines() {
        let trimmed = line.trim();
        let item = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "));
        match item {
            Some(item) => {
                in_list = true;
                let item = item.trim();
                let token = item
                    .strip_prefix("**")
                    .and_then(|rest| rest.find("**").map(|end| &rest[..end]));
                let after = token.map(|t| item["**".len() * 2 + t.len()..].trim_start());
                match (token, after) {
                    (Some(t), Some(after))
                        if !t.is_empty()
                            && !t.contains(char::is_whitespace)
                            && (after.is_empty() || after.starts_with([':', ','])) =>
                    {
                        values.push(t.to_owned());
                    }
                    _ => return Vec::new(),
                }
            }
            None if in_list && line.starts_with(' ') && !trimmed.is_empty() => {}
            None if in_list && !trimmed.is_empty() => break,
            None => {}
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_give_text_and_label() {
        let found = refs("see :ref:`Table 3 <x__table1>` and :ref:`plain`.");
        assert_eq!(found.len(), 2);
        assert_eq!(
            (found[0].text.as_str(), found[0].label.as_str()),
            ("Table 3", "x__table1")
        );
        assert_eq!(
            (found[1].text.as_str(), found[1].label.as_str()),
            ("plain", "plain")
        );
    }

    #[test]
    fn plain_text_drops_inline_markup() {
        assert_eq!(
            plain("based on **job_id**, see :ref:`Querying Task Statuses <en-us_topic_1>`."),
            "based on job_id, see Querying Task Statuses."
        );
        assert_eq!(plain("a *b* c * d"), "a b c * d");
    }

    #[test]
    fn descriptions_keep_paragraphs_and_bullets() {
        let cell = "Specifies the task. The value can be:\n\n-  **a**: first\n-  **b**: second\n   continued";
        assert_eq!(
            description(cell),
            "Specifies the task. The value can be:\n\n- a: first\n- b: second continued"
        );
        assert_eq!(enumerated(cell), ["a", "b"]);
        assert!(enumerated("-  **a**: x\n-  plain item").is_empty());
    }

    #[test]
    fn a_grid_table_with_multi_line_cells_is_read() {
        let page = read(
            "T\n=\n\n+---+-----+\n| A | B   |\n+===+=====+\n| x | one |\n|   | two |\n+---+-----+\n",
        );
        assert!(page.problems.is_empty(), "{:?}", page.problems);
        let table = &page.tables[0];
        assert_eq!(table.header, ["A", "B"]);
        assert_eq!(table.rows[0][1].text(), "one\ntwo");
        assert_eq!((table.rows[0][1].line, table.rows[0][1].column), (7, 7));
    }

    #[test]
    fn a_simple_table_is_read() {
        let page =
            read("==== ====\nA    B\n==== ====\nx    one\n     two\ny    three\n==== ====\n");
        assert!(page.problems.is_empty(), "{:?}", page.problems);
        let table = &page.tables[0];
        assert_eq!(table.header, ["A", "B"]);
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0][1].text(), "one\ntwo");
    }
}
