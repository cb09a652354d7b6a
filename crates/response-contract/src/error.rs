//! Failures of the tool itself. A payload that breaks the contract is not an error: it is a
//! [`crate::Report`] with violations.

use std::io;
use std::path::PathBuf;

/// What went wrong when the library could not do its job.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A schema document given by the user is not JSON.
    #[error("the schema {origin} is not JSON: {source}")]
    SchemaNotJson {
        /// Where the schema came from (a path, or "document").
        origin: String,
        /// serde_json's account, with line and column.
        source: serde_json::Error,
    },
    /// A schema document given by the user is not a valid JSON Schema 2020-12 document.
    #[error("the schema {origin} is not a valid JSON Schema 2020-12 document: {reason}")]
    InvalidSchema {
        /// Where the schema came from.
        origin: String,
        /// What the schema engine said (where in the schema, and why).
        reason: String,
    },
    /// A `$ref` that none of the given documents resolves (nothing is fetched from a network).
    #[error(
        "the schema {document} refers to `{reference}` (at {at}), which none of the given documents defines"
    )]
    UnresolvedReference {
        /// The reference as written.
        reference: String,
        /// The document it appears in.
        document: String,
        /// Where in that document (a JSON Pointer).
        at: String,
    },
    /// An HTTP status code for which the contract names no variant.
    #[error(
        "the contract names no response for HTTP status {status}: expected 2xx (normal) or 4xx/5xx (abnormal)"
    )]
    UnsupportedStatus {
        /// The status code given.
        status: u16,
    },
    /// An OpenAPI description that cannot be used at all (not OpenAPI 3.0 or 3.1, not JSON or
    /// YAML), located in its file.
    #[error("{0}")]
    Description(Problem),
    /// Reading input failed.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// What was being read ("-" for standard input).
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
}

/// A problem in a description, located where its author wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Problem {
    /// The file, as given (or the embedded description's name).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The JSON Pointer of the offending value in the file.
    pub pointer: String,
    /// What is wrong, in the description's terms.
    pub message: String,
}

impl std::fmt::Display for Problem {
    /// `api.yaml:12:9: the $ref … resolves to nothing`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}
