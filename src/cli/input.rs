//! What to check: command-line paths resolved to inputs (files, walked directories, standard
//! input), and reading one whole payload within the size limit.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// The name standard input goes by in every output format.
pub(crate) const STDIN_NAME: &str = "<stdin>";

/// One input, in the order the run reports it.
#[derive(Debug)]
pub(crate) struct Input {
    /// How outputs name it: the path as given (joined with the walked part), or `<stdin>`.
    pub(crate) name: String,
    pub(crate) origin: Origin,
    /// JSON Lines (one payload per line) rather than one payload.
    pub(crate) lines: bool,
}

#[derive(Debug)]
pub(crate) enum Origin {
    Stdin,
    File(PathBuf),
    /// Found, but cannot be read (a directory loop, an unreadable directory, a dangling link): the
    /// message says why, and the run goes on.
    Failed(String),
}

/// Whether a walked file is checked, and how: `Some(true)` for JSON Lines.
fn walked_kind(path: &Path) -> Option<bool> {
    match path.extension()?.to_str()? {
        "json" => Some(false),
        "jsonl" | "ndjson" => Some(true),
        _ => None,
    }
}

/// Resolves the command line's paths; no path means standard input. Directories are walked
/// depth-first in file-name order, following symbolic links; problems found while walking become
/// [`Origin::Failed`] inputs in place.
pub(crate) fn resolve(paths: &[PathBuf], force_lines: bool) -> Vec<Input> {
    if paths.is_empty() {
        return vec![stdin(force_lines)];
    }
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(stdin(force_lines));
        } else if path.is_dir() {
            walk(path, force_lines, &mut inputs);
        } else {
            // Named explicitly: checked whatever its extension; a missing or unreadable file
            // fails when opened, with the system's reason.
            let lines = force_lines || walked_kind(path) == Some(true);
            inputs.push(Input {
                name: path.display().to_string(),
                origin: Origin::File(path.clone()),
                lines,
            });
        }
    }
    inputs
}

fn stdin(lines: bool) -> Input {
    Input {
        name: STDIN_NAME.to_owned(),
        origin: Origin::Stdin,
        lines,
    }
}

fn walk(root: &Path, force_lines: bool, inputs: &mut Vec<Input>) {
    let walker = WalkDir::new(root).follow_links(true).sort_by_file_name();
    for entry in walker {
        match entry {
            Ok(entry) => {
                if !entry.file_type().is_file() {
                    continue;
                }
                if let Some(lines) = walked_kind(entry.path()) {
                    inputs.push(Input {
                        name: entry.path().display().to_string(),
                        origin: Origin::File(entry.into_path()),
                        lines: lines || force_lines,
                    });
                }
            }
            Err(error) => {
                let Some(path) = error.path() else { continue };
                let message = if let Some(ancestor) = error.loop_ancestor() {
                    format!(
                        "cannot read {}: a directory loop (the link leads back to {})",
                        path.display(),
                        ancestor.display()
                    )
                } else if walked_kind(path).is_some() || path.is_dir() || error.depth() == 0 {
                    let reason = error
                        .io_error()
                        .map_or_else(|| error.to_string(), io::Error::to_string);
                    format!("cannot read {}: {reason}", path.display())
                } else {
                    // Not a file this walk would check (a dangling `notes.txt` link, say).
                    continue;
                };
                inputs.push(Input {
                    name: path.display().to_string(),
                    origin: Origin::Failed(message),
                    lines: false,
                });
            }
        }
    }
}

/// One payload, read whole unless it is over the size limit.
#[derive(Debug)]
pub(crate) enum Whole {
    Bytes(Vec<u8>),
    /// Over the limit: its length in bytes (a regular file's, from its metadata), or `None` for a
    /// stream, which is read only one byte past the limit.
    Oversized(Option<u64>),
}

/// Reads one payload from a file: a regular file over the limit is not read at all.
pub(crate) fn read_file(path: &Path, max: usize) -> io::Result<Whole> {
    let mut file = File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        // A FIFO or a device: its size is unknown until read.
        return read_limited(&mut file, max, 64 * 1024);
    }
    let len = meta.len();
    if len > max as u64 {
        return Ok(Whole::Oversized(Some(len)));
    }
    // The size just read is the payload: one `read` call in the common case, and no second one
    // to find the end (the limit ends `take`). A file that changes meanwhile is read as it was
    // (or shorter).
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(len).read_to_end(&mut bytes)?;
    Ok(Whole::Bytes(bytes))
}

/// Reads one payload from standard input, holding at most `max + 1` bytes.
pub(crate) fn read_stdin(max: usize) -> io::Result<Whole> {
    read_limited(&mut io::stdin().lock(), max, 8 * 1024)
}

/// Reads a stream whose size is unknown: at most `max + 1` bytes, the one past the limit telling
/// that it is over. Nothing more is read: `/dev/zero`, a FIFO whose writer never closes or a
/// download that never ends would otherwise be read for ever, just to count their length.
fn read_limited(reader: &mut impl Read, max: usize, hint: usize) -> io::Result<Whole> {
    let mut bytes = Vec::with_capacity(hint.min(max).saturating_add(1));
    reader.take(max as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > max {
        return Ok(Whole::Oversized(None));
    }
    Ok(Whole::Bytes(bytes))
}
