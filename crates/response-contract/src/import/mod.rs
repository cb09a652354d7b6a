//! Contracts from API reference pages: reads the response tables of a reStructuredText page
//! (Parameter | Type | Description, grid or simple, captioned or not, nested tables linked by
//! `:ref:`) and writes JSON Schema 2020-12 documents, one per table plus one for the whole
//! response, joined by relative `$ref`. The page's example responses become `examples` and are
//! checked against the generated documents.
//!
//! ```
//! use response_contract::{ImportOptions, import_source};
//!
//! let page = "\
//! Thing
//! =====
//!
//! Response Parameters
//! -------------------
//!
//! ========= ======= =====================
//! Parameter Type    Description
//! ========= ======= =====================
//! id        String  Specifies the ID.
//! size      Integer Specifies the size.
//! ========= ======= =====================
//!
//! Example Response
//! ----------------
//!
//! ::
//!
//!    {\"id\": \"a\", \"size\": \"big\"}
//! ";
//! let import = import_source(page, "thing.rst", &ImportOptions::default());
//! assert_eq!(import.root(), Some("thing.schema.json"));
//! let d = &import.diagnostics()[0];
//! assert_eq!(d.to_string(), "thing.rst:19:24: error: the example response contradicts the \
//!     tables: /size: expected an integer, found the string \"big\"");
//! ```
//!
//! What a page leaves unsaid is decided by a [`Policy`]; what cannot be read is a located
//! [`PageDiagnostic`], never a panic. Only reading the file can fail ([`ImportError`]).

mod generate;
mod rst;
mod write;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::report::Severity;

/// Which listed members a generated document requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Required {
    /// Every member a table lists (the shipped Order ID Response's decision).
    #[default]
    All,
    /// The members present in every instance of the table in the page's JSON example responses;
    /// a table with no instance in the examples requires nothing.
    Example,
    /// None: the tables list what may appear.
    None,
}

impl Required {
    /// `"all"`, `"example"` or `"none"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Required::All => "all",
            Required::Example => "example",
            Required::None => "none",
        }
    }
}

impl std::str::FromStr for Required {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "all" => Ok(Required::All),
            "example" => Ok(Required::Example),
            "none" => Ok(Required::None),
            other => Err(format!(
                "`{other}` is not a required policy (all, example, none)"
            )),
        }
    }
}

/// What the generated documents decide where a page is silent. The default is the shipped
/// contracts' decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Policy {
    /// Which listed members are required (default: all).
    pub required: Required,
    /// A member that the page's example shows as `null` also accepts `null` (default: yes).
    pub nullable_from_example: bool,
    /// A String member whose Description is a bullet list of bold values
    /// (`-  **SUCCESS**: …`, `-  **RUNNING**: …`) gets an `enum` of those values (default: yes).
    pub enum_from_description: bool,
    /// A String member whose Description says "ISO 8601" gets `"format": "date-time"`, an
    /// annotation (JSON Schema 2020-12 does not assert formats by default) (default: yes).
    pub date_time_from_iso8601: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            required: Required::All,
            nullable_from_example: true,
            enum_from_description: true,
            date_time_from_iso8601: true,
        }
    }
}

impl Policy {
    /// Which listed members are required.
    #[must_use]
    pub fn required(mut self, required: Required) -> Self {
        self.required = required;
        self
    }

    /// Whether a member shown as `null` in the example is nullable.
    #[must_use]
    pub fn nullable_from_example(mut self, yes: bool) -> Self {
        self.nullable_from_example = yes;
        self
    }

    /// Whether enumerated values become an `enum`.
    #[must_use]
    pub fn enum_from_description(mut self, yes: bool) -> Self {
        self.enum_from_description = yes;
        self
    }

    /// Whether "ISO 8601" adds `"format": "date-time"`.
    #[must_use]
    pub fn date_time_from_iso8601(mut self, yes: bool) -> Self {
        self.date_time_from_iso8601 = yes;
        self
    }
}

/// How to import a page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ImportOptions {
    /// The policy for what the page leaves unsaid.
    pub policy: Policy,
    /// When set, every document gets `"$id": id_base + file name` (e.g.
    /// `https://example.invalid/schemas/`); otherwise documents have no `$id` and refer to each
    /// other by file name only.
    pub id_base: Option<String>,
    /// The whole response's file name without `.schema.json`; by default the page's file stem
    /// in kebab case (`order_id_response.rst` → `order-id-response`).
    pub root_name: Option<String>,
}

impl ImportOptions {
    /// The default options with this policy.
    #[must_use]
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// `$id`s under this base.
    #[must_use]
    pub fn id_base(mut self, base: impl Into<String>) -> Self {
        self.id_base = Some(base.into());
        self
    }

    /// The whole response's document name.
    #[must_use]
    pub fn root_name(mut self, name: impl Into<String>) -> Self {
        self.root_name = Some(name.into());
        self
    }
}

/// What kind of problem a page has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// A grid or simple table that cannot be read (an error); the table is skipped.
    MalformedTable,
    /// A `:ref:` to a table the page does not have (an error); the member gets no nested schema.
    MissingTable,
    /// A Type cell this importer does not know (a warning); the member gets `{}`.
    UnknownType,
    /// A response table row without a member name (a warning); the row is skipped.
    MissingName,
    /// A member listed twice in one table (a warning); the last row wins.
    DuplicateMember,
    /// An example response that is not JSON (an error), located at the first offending character.
    ExampleNotJson,
    /// An example response that the generated documents reject (an error or, for a warning of
    /// the check, a warning), located at the offending value.
    ExampleContradictsTables,
    /// The generated documents do not compile (an error; a bug of this importer).
    GeneratedSchemaInvalid,
}

impl DiagnosticKind {
    /// A stable snake_case name, as in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            DiagnosticKind::MalformedTable => "malformed_table",
            DiagnosticKind::MissingTable => "missing_table",
            DiagnosticKind::UnknownType => "unknown_type",
            DiagnosticKind::MissingName => "missing_name",
            DiagnosticKind::DuplicateMember => "duplicate_member",
            DiagnosticKind::ExampleNotJson => "example_not_json",
            DiagnosticKind::ExampleContradictsTables => "example_contradicts_tables",
            DiagnosticKind::GeneratedSchemaInvalid => "generated_schema_invalid",
        }
    }
}

/// A problem of the page, located in the `.rst` file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageDiagnostic {
    /// The page, as given (a path or a name).
    pub file: String,
    /// 1-based line in the page.
    pub line: usize,
    /// 1-based column in the page, in characters.
    pub column: usize,
    /// An error makes the page's import fail a CI gate; a warning does not.
    pub severity: Severity,
    /// What is wrong.
    pub kind: DiagnosticKind,
    /// One line a person understands.
    pub message: String,
}

impl fmt::Display for PageDiagnostic {
    /// `file:line:column: severity: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.file, self.line, self.column, self.severity, self.message
        )
    }
}

/// One generated JSON Schema document.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GeneratedDocument {
    /// Its file name, e.g. `error.schema.json`.
    pub file: String,
    /// The document.
    pub value: serde_json::Value,
}

impl GeneratedDocument {
    /// A document: a file name and its contents (say, a generated document edited by hand).
    pub fn new(file: impl Into<String>, value: serde_json::Value) -> Self {
        GeneratedDocument {
            file: file.into(),
            value,
        }
    }

    /// The document as written to a file: pretty JSON with a final newline, keywords in
    /// reading order (`$schema`, `$id`, `title`, `description`, the assertions, `examples`
    /// last).
    pub fn to_pretty(&self) -> String {
        write::pretty(&self.value)
    }
}

/// A response table of the page, as imported.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportedTable {
    /// `N` of a `**Table N**` caption.
    pub number: Option<u32>,
    /// The caption without markup, e.g. `Table 3 error data structure`.
    pub caption: Option<String>,
    /// The line of its top border.
    pub line: usize,
    /// Its rows (members).
    pub rows: usize,
    /// The document generated from it.
    pub file: String,
    /// Whether it sits under a response heading (false for a request-side table that a response
    /// table links to).
    pub response_side: bool,
}

/// An example response of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExampleResponse {
    /// The line of its first content line.
    pub line: usize,
    /// Its text, dedented.
    pub text: String,
    /// Whether it is JSON.
    pub is_json: bool,
    /// Whether it is JSON and the generated documents accept it (on a page without response
    /// tables, whether it is JSON).
    pub valid: bool,
}

/// The outcome of importing one page.
#[derive(Debug, Clone)]
pub struct Import {
    page: String,
    title: Option<String>,
    documents: Vec<GeneratedDocument>,
    root: Option<String>,
    tables: Vec<ImportedTable>,
    examples: Vec<ExampleResponse>,
    diagnostics: Vec<PageDiagnostic>,
}

impl Import {
    /// The page, as given.
    pub fn page(&self) -> &str {
        &self.page
    }

    /// The page's title (its first heading).
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// The generated documents: the whole response first, then one per table in page order.
    /// Empty when the page has no response table.
    pub fn documents(&self) -> &[GeneratedDocument] {
        &self.documents
    }

    /// A generated document by file name.
    pub fn document(&self, file: &str) -> Option<&GeneratedDocument> {
        self.documents.iter().find(|d| d.file == file)
    }

    /// Every document as one JSON object mapping its file name to the document, the whole
    /// response first, written as [`GeneratedDocument::to_pretty`] writes one document.
    pub fn documents_to_pretty(&self) -> String {
        write::pretty_set(self.documents.iter().map(|d| (d.file.as_str(), &d.value)))
    }

    /// The file name of the whole response's document.
    pub fn root(&self) -> Option<&str> {
        self.root.as_deref()
    }

    /// The response tables imported, in page order.
    pub fn tables(&self) -> &[ImportedTable] {
        &self.tables
    }

    /// The page's example responses (JSON or not), in page order.
    pub fn examples(&self) -> &[ExampleResponse] {
        &self.examples
    }

    /// The page's problems, in page order.
    pub fn diagnostics(&self) -> &[PageDiagnostic] {
        &self.diagnostics
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Reading a page failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The page (or a directory of pages) could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// What was being read.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The page is not UTF-8.
    #[error("{} is not UTF-8 text (byte {offset})", path.display())]
    NotUtf8 {
        /// The page.
        path: PathBuf,
        /// The first offending byte.
        offset: usize,
    },
}

/// Imports a page from its text. `page` names it in diagnostics and, by its file stem, names the
/// whole response's document (unless [`ImportOptions::root_name`] is set).
pub fn import_source(source: &str, page: &str, options: &ImportOptions) -> Import {
    let read = rst::read(source);
    generate::generate(&read, page, options)
}

/// Reads and imports a page.
///
/// # Errors
/// [`ImportError`] when the file cannot be read or is not UTF-8; problems of the page itself are
/// [`PageDiagnostic`]s of the [`Import`].
pub fn import_page(path: &Path, options: &ImportOptions) -> Result<Import, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Read {
        path: path.to_owned(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| ImportError::NotUtf8 {
        path: path.to_owned(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    Ok(import_source(&text, &path.display().to_string(), options))
}

/// Imports every `.rst` page under `dir` (recursively, in path order).
///
/// # Errors
/// [`ImportError`] for the first directory or page that cannot be read.
pub fn import_tree(dir: &Path, options: &ImportOptions) -> Result<Vec<Import>, ImportError> {
    let mut pages = Vec::new();
    collect_pages(dir, &mut pages)?;
    pages.sort();
    pages.iter().map(|p| import_page(p, options)).collect()
}

fn collect_pages(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ImportError> {
    let read_error = |source| ImportError::Read {
        path: dir.to_owned(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let entry = entry.map_err(read_error)?;
        let path = entry.path();
        let kind = entry.file_type().map_err(read_error)?;
        if kind.is_dir() {
            collect_pages(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rst") {
            out.push(path);
        }
    }
    Ok(())
}
