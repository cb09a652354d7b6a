//! `--format sarif`: SARIF 2.1.0 for code-scanning uploads. One run; a rule per violation kind
//! (`ViolationKind::catalogue`); a result per violation with its rule, level, message and
//! physical location (artifact URI relative to the working directory, start line and column).
//! Columns count Unicode code points (`columnKind`), as the library's do. Inputs that could not be
//! read are tool execution notifications, and make `executionSuccessful` false.

use std::io::{self, Write};

use response_contract::{Severity, ViolationKind};
use serde::Serialize;

use super::{Failure, Payload, Printer, Separated};
use crate::cli::tally::Tally;

#[derive(Debug, Default)]
pub(crate) struct Sarif {
    results: Separated,
    /// Unreadable inputs, written at the end (the results come first in the stream).
    notifications: Vec<Notification>,
}

#[derive(Debug, Serialize)]
struct Notification {
    level: &'static str,
    message: Message<String>,
    locations: [NotificationLocation; 1],
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationLocation {
    physical_location: Physical<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    short_description: Message<&'static str>,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Debug, Serialize)]
struct Message<T> {
    text: T,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultOut<'a> {
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Message<&'a str>,
    locations: [ResultLocation; 1],
    properties: Properties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultLocation {
    physical_location: Physical<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical<U> {
    artifact_location: Artifact<U>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Debug, Serialize)]
struct Artifact<U> {
    uri: U,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u64,
    start_column: usize,
}

/// The JSON Pointer and schema keyword, for tools that want more than the message.
#[derive(Serialize)]
struct Properties<'a> {
    pointer: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    keyword: Option<&'a str>,
    /// The documented response a routed payload was checked against.
    #[serde(skip_serializing_if = "Option::is_none")]
    operation: Option<&'a str>,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        // A lesser level than a warning, should the library add one.
        _ => "note",
    }
}

fn rules() -> Vec<Rule> {
    ViolationKind::catalogue()
        .iter()
        .map(|&(id, description)| Rule {
            id,
            short_description: Message { text: description },
            default_configuration: Configuration {
                level: if id == "unknown_member" {
                    "warning"
                } else {
                    "error"
                },
            },
        })
        .collect()
}

/// A relative URI reference for a path as given (`/` separators, percent-encoded), or a `file:`
/// URI for an absolute one.
pub(crate) fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let mut out = String::with_capacity(path.len() + 8);
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Printer for Sarif {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let tool = Tool {
            driver: Driver {
                name: "response-contract",
                version: env!("CARGO_PKG_VERSION"),
                semantic_version: env!("CARGO_PKG_VERSION"),
                rules: rules(),
            },
        };
        out.write_all(
            b"{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{\"tool\":",
        )?;
        serde_json::to_writer(&mut *out, &tool)?;
        out.write_all(b",\"columnKind\":\"unicodeCodePoints\",\"results\":[")
    }

    fn payload(&self, buf: &mut Vec<u8>, payload: &Payload<'_>) -> io::Result<()> {
        let violations = payload.report.violations();
        if violations.is_empty() {
            return Ok(());
        }
        let uri = uri(payload.source);
        let catalogue = ViolationKind::catalogue();
        let endpoint = payload.endpoint();
        let heading = payload.heading();
        for v in violations {
            let text = match &heading {
                Some(h) => std::borrow::Cow::Owned(format!("{} ({h})", v.message)),
                None => std::borrow::Cow::Borrowed(v.message.as_str()),
            };
            let rule_id = v.kind.code();
            let result = ResultOut {
                rule_id,
                rule_index: catalogue.iter().position(|(id, _)| *id == rule_id),
                level: level(v.severity),
                message: Message { text: &text },
                locations: [ResultLocation {
                    physical_location: Physical {
                        artifact_location: Artifact { uri: uri.clone() },
                        region: Some(Region {
                            start_line: payload.input_line(&v.location),
                            start_column: v.location.column.max(1),
                        }),
                    },
                }],
                properties: Properties {
                    pointer: &v.pointer,
                    keyword: v.keyword.as_deref(),
                    operation: endpoint.as_deref(),
                },
            };
            buf.extend_from_slice(b",\n");
            serde_json::to_writer(&mut *buf, &result)?;
        }
        Ok(())
    }

    fn write_chunk(&mut self, out: &mut dyn Write, chunk: &[u8]) -> io::Result<()> {
        self.results.write(out, chunk)
    }

    fn failure(&mut self, _out: &mut dyn Write, failure: &Failure<'_>) -> io::Result<()> {
        self.notifications.push(Notification {
            level: "error",
            message: Message {
                text: failure.message.to_owned(),
            },
            locations: [NotificationLocation {
                physical_location: Physical {
                    artifact_location: Artifact {
                        uri: uri(failure.source),
                    },
                    region: None,
                },
            }],
        });
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write, summary: &Tally) -> io::Result<()> {
        write!(
            out,
            "\n],\"invocations\":[{{\"executionSuccessful\":{},\"toolExecutionNotifications\":",
            summary.unreadable == 0
        )?;
        serde_json::to_writer(&mut *out, &self.notifications)?;
        out.write_all(b"}]}]}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("examples/normal.json"), "examples/normal.json");
        assert_eq!(uri("./a b/x.json"), "a%20b/x.json");
        assert_eq!(uri("/tmp/x.json"), "file:///tmp/x.json");
        assert_eq!(uri("<stdin>"), "%3Cstdin%3E");
        assert_eq!(uri("dir\\x.json"), "dir/x.json");
    }
}
