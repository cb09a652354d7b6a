//! What to check: command-line paths resolved to inputs (files, walked directories, standard
//! input), and reading one whole payload within the size limit.

use std::ffi::OsString;
use std::fs::{File, FileType};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use same_file::Handle;

/// The name standard input goes by in every output format.
pub(crate) const STDIN_NAME: &str = "<stdin>";

/// One input, in the order the run reports it.
#[derive(Debug)]
pub(crate) struct Input {
    /// How outputs name it: the path as given (joined with the walked part), or `<stdin>`.
    pub(crate) name: String,
    pub(crate) origin: Origin,
    pub(crate) kind: Kind,
}

/// What an input holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// One payload.
    Payload,
    /// JSON Lines: one payload per line.
    Lines,
    /// A HAR file: recorded exchanges.
    Har,
    /// An exchange log: one recorded exchange per line.
    Exchanges,
}

#[derive(Debug)]
pub(crate) enum Origin {
    Stdin,
    File(PathBuf),
    /// A regular file found by a walk (its type known from the directory entry): read without
    /// asking its size first (see [`read_regular`]).
    Regular(PathBuf),
    /// Found, but cannot be read (a directory loop, an unreadable directory, a dangling link): the
    /// message says why, and the run goes on.
    Failed(String),
}

/// What a walked (or named) file holds, by its extension; `None` for a file a walk skips.
fn walked_kind(path: &Path) -> Option<Kind> {
    kind_of_name(path.file_name()?.as_encoded_bytes())
}

/// [`walked_kind`] on a file name's bytes: the extension is what follows the last dot, and a
/// name whose only dot starts it (`.json`) has none, as [`Path::extension`] has it.
fn kind_of_name(name: &[u8]) -> Option<Kind> {
    let dot = name.iter().rposition(|&b| b == b'.')?;
    if dot == 0 {
        return None;
    }
    match &name[dot + 1..] {
        b"json" => Some(Kind::Payload),
        b"jsonl" | b"ndjson" => Some(Kind::Lines),
        b"har" => Some(Kind::Har),
        _ => None,
    }
}

/// Resolves the command line's paths; no path means standard input. Directories are walked
/// depth-first in file-name order, following symbolic links; problems found while walking become
/// [`Origin::Failed`] inputs in place. `force`: every input is of this kind (`--lines`,
/// `--input`).
pub(crate) fn resolve(paths: &[PathBuf], force: Option<Kind>) -> Vec<Input> {
    if paths.is_empty() {
        return vec![stdin(force)];
    }
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(stdin(force));
        } else if path.is_dir() {
            walk(path, force, &mut inputs);
        } else {
            // Named explicitly: checked whatever its extension; a missing or unreadable file
            // fails when opened, with the system's reason.
            let kind = force.or_else(|| walked_kind(path)).unwrap_or(Kind::Payload);
            inputs.push(Input {
                name: path.display().to_string(),
                origin: Origin::File(path.clone()),
                kind,
            });
        }
    }
    inputs
}

fn stdin(force: Option<Kind>) -> Input {
    Input {
        name: STDIN_NAME.to_owned(),
        origin: Origin::Stdin,
        kind: force.unwrap_or(Kind::Payload),
    }
}

fn walk(root: &Path, force: Option<Kind>, inputs: &mut Vec<Input>) {
    let mut walk = Walk {
        force,
        inputs,
        ancestors: Vec::new(),
    };
    walk.directory(root);
}

/// A depth-first walk in file-name order that follows symbolic links. Written for the common
/// case, one directory of many small files: a walk costs one allocation per file for its path
/// and one for its name, and siblings are ordered by a 16-byte key. `walkdir` with a comparator
/// spent as many instructions, on one thread, as both threads checking those files.
struct Walk<'a> {
    force: Option<Kind>,
    inputs: &'a mut Vec<Input>,
    /// The directories being walked, root first: a directory met again below itself (through a
    /// link) is a loop, reported, and not walked twice.
    ancestors: Vec<(Handle, PathBuf)>,
}

/// One entry of a directory.
struct Sibling {
    name: OsString,
    file_type: Option<FileType>,
}

impl Walk<'_> {
    fn directory(&mut self, dir: &Path) {
        match Handle::from_path(dir) {
            Ok(handle) => {
                if let Some((_, ancestor)) = self.ancestors.iter().find(|(h, _)| *h == handle) {
                    let message = format!(
                        "cannot read {}: a directory loop (the link leads back to {})",
                        dir.display(),
                        ancestor.display()
                    );
                    self.failed(dir, message);
                    return;
                }
                self.ancestors.push((handle, dir.to_path_buf()));
            }
            Err(error) => return self.unreadable(dir, &error),
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) => {
                self.ancestors.pop();
                return self.unreadable(dir, &error);
            }
        };
        let mut siblings = Vec::new();
        // Sorted, not the siblings: a name's first 16 bytes, big-endian and zero-padded (a name
        // has no zero byte, so a shorter name sorts first, as comparing names would), and where
        // the sibling is; equal keys compare the whole names.
        let mut order: Vec<(u128, usize)> = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => {
                    let name = entry.file_name();
                    let bytes = name.as_encoded_bytes();
                    let mut head = [0u8; 16];
                    let n = bytes.len().min(16);
                    head[..n].copy_from_slice(&bytes[..n]);
                    order.push((u128::from_be_bytes(head), siblings.len()));
                    siblings.push(Sibling {
                        file_type: entry.file_type().ok(),
                        name,
                    });
                }
                // The directory went bad while being read: said once, with what was read.
                Err(error) => self.unreadable(dir, &error),
            }
        }
        order.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0).then_with(|| {
                let name = |i: usize| siblings[i].name.as_encoded_bytes();
                name(a.1).cmp(name(b.1))
            })
        });
        // What `Path::join` would give, built in one allocation: `dir`, a separator unless it
        // ends with one, the name.
        let dir = dir.as_os_str();
        let separator = dir
            .as_encoded_bytes()
            .last()
            .is_some_and(|&b| !std::path::is_separator(char::from(b)));
        for (_, i) in order {
            let sibling = &siblings[i];
            let kind = kind_of_name(sibling.name.as_encoded_bytes());
            let mut joined = OsString::with_capacity(dir.len() + 1 + sibling.name.len());
            joined.push(dir);
            if separator {
                joined.push(std::path::MAIN_SEPARATOR_STR);
            }
            joined.push(&sibling.name);
            let path = PathBuf::from(joined);
            let file_type = match sibling.file_type {
                Some(t) if !t.is_symlink() => Ok(t),
                // A link is followed to what it names; `file_type` failing is as rare.
                _ => std::fs::metadata(&path).map(|m| m.file_type()),
            };
            match file_type {
                Ok(t) if t.is_dir() => self.directory(&path),
                Ok(t) if t.is_file() => {
                    if let Some(kind) = kind {
                        self.inputs.push(Input {
                            name: display(&path),
                            origin: Origin::Regular(path),
                            kind: self.force.unwrap_or(kind),
                        });
                    }
                }
                // A FIFO, a socket or a device: not a payload file.
                Ok(_) => {}
                // A dangling link: reported if it looks like a file this walk would check.
                Err(error) => {
                    if kind.is_some() {
                        self.unreadable(&path, &error);
                    }
                }
            }
        }
        self.ancestors.pop();
    }

    fn unreadable(&mut self, path: &Path, error: &io::Error) {
        let message = format!("cannot read {}: {error}", path.display());
        self.failed(path, message);
    }

    fn failed(&mut self, path: &Path, message: String) {
        self.inputs.push(Input {
            name: display(path),
            origin: Origin::Failed(message),
            kind: Kind::Payload,
        });
    }
}

/// A path as outputs name it: itself when it is UTF-8 (nearly always, and without the formatting
/// machinery), else with the replacement character for what is not.
fn display(path: &Path) -> String {
    match path.to_str() {
        Some(text) => text.to_owned(),
        None => path.display().to_string(),
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
    sized(
        file,
        len,
        max,
        Vec::with_capacity(len.min(max as u64) as usize),
    )
}

/// The rest of a regular file of `len` bytes (by its metadata) after `bytes`, unless `len` is
/// over the limit. The size just read is the payload: one `read` call in the common case, and no
/// second one to find the end (the limit ends `take`). A file that changes meanwhile is read as
/// it was (or shorter).
fn sized(file: File, len: u64, max: usize, mut bytes: Vec<u8>) -> io::Result<Whole> {
    if len > max as u64 {
        return Ok(Whole::Oversized(Some(len)));
    }
    file.take(len.saturating_sub(bytes.len() as u64))
        .read_to_end(&mut bytes)?;
    // A file that shrank after a first read may give a size within the limit after more than
    // the limit was read.
    if bytes.len() > max {
        return Ok(Whole::Oversized(Some(bytes.len() as u64)));
    }
    Ok(Whole::Bytes(bytes))
}

/// Bytes asked for by the first read of a walked file: most payload files are smaller.
const FIRST_READ: usize = 4 * 1024;

/// Reads one payload from a file a walk found to be regular, without asking its size first:
/// three system calls (open, read, close) instead of four for a small file, 7% of the time of
/// `check` on a directory of 10,000 small payloads (`benches/cli.sh`). A read of a regular file
/// returns fewer bytes than asked only at the end of the file, or when a signal handler
/// interrupts it (POSIX `read`), and this program installs none: a first read that does not
/// fill its buffer read the whole file. One that does is followed by [`read_file`]'s way: the
/// size, then the rest, and a file over the limit is not read further.
pub(crate) fn read_regular(path: &Path, max: usize) -> io::Result<Whole> {
    let mut file = File::open(path)?;
    let first = FIRST_READ.min(max.saturating_add(1));
    let mut bytes = vec![0u8; first];
    let n = loop {
        match file.read(&mut bytes) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            read => break read?,
        }
    };
    bytes.truncate(n);
    if n < first {
        return Ok(Whole::Bytes(bytes));
    }
    let len = file.metadata()?.len();
    sized(file, len, max, bytes)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names(inputs: &[Input]) -> Vec<&str> {
        inputs.iter().map(|i| i.name.as_str()).collect()
    }

    #[test]
    fn a_walk_orders_siblings_by_whole_name_bytes_past_the_sixteen_byte_key() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let root = dir.path();
        // Names sharing their first 16 bytes, a prefix of another name, a dash (which sorts
        // before `/`), and a directory among files: the order is byte order of the names.
        for name in [
            "same-sixteen-byte-b.json",
            "same-sixteen-byte-a.json",
            "same-sixteen-byte.json",
            "b.json",
            "a-b.json",
            "a.json",
            "notes.txt",
        ] {
            std::fs::write(root.join(name), "{}").expect("write");
        }
        std::fs::create_dir(root.join("a")).expect("mkdir");
        std::fs::write(root.join("a/z.json"), "{}").expect("write");
        let inputs = resolve(&[root.to_path_buf()], None);
        let prefix = format!("{}/", root.display());
        let relative: Vec<&str> = names(&inputs)
            .into_iter()
            .map(|n| n.strip_prefix(&prefix).expect("under the root"))
            .collect();
        assert_eq!(
            relative,
            [
                "a/z.json",
                "a-b.json",
                "a.json",
                "b.json",
                "same-sixteen-byte-a.json",
                "same-sixteen-byte-b.json",
                "same-sixteen-byte.json",
            ]
        );
    }

    #[test]
    fn a_walked_path_is_what_join_gives_with_or_without_a_trailing_separator() {
        let dir = tempfile::tempdir().expect("temporary directory");
        std::fs::write(dir.path().join("x.json"), "{}").expect("write");
        for root in [dir.path().to_path_buf(), dir.path().join("")] {
            let inputs = resolve(std::slice::from_ref(&root), None);
            let expected = root.join("x.json");
            assert_eq!(names(&inputs), [expected.to_str().expect("UTF-8")]);
            assert!(matches!(&inputs[0].origin, Origin::Regular(p) if *p == expected));
        }
    }

    /// A walked file is read whole and exactly, whether it fits the first read, fills it
    /// exactly, or runs past it; over the limit it is reported with its size, and a file the
    /// size of the limit is not over it.
    #[test]
    fn a_regular_file_is_read_whole_without_its_size_or_reported_over_the_limit() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let sizes = [
            0,
            1,
            FIRST_READ - 1,
            FIRST_READ,
            FIRST_READ + 1,
            3 * FIRST_READ + 17,
        ];
        for size in sizes {
            let path = dir.path().join(format!("{size}.json"));
            let content: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
            std::fs::write(&path, &content).expect("write");
            for max in [usize::MAX, size + 1, size, size.saturating_sub(1), 10] {
                let whole = read_regular(&path, max).expect("readable");
                let also = read_file(&path, max).expect("readable");
                match (&whole, size <= max) {
                    (Whole::Bytes(bytes), true) => assert_eq!(bytes, &content, "{size} {max}"),
                    (Whole::Oversized(Some(len)), false) => assert_eq!(*len, size as u64),
                    _ => panic!("{size} bytes, limit {max}: {whole:?}"),
                }
                // What the reader that asks for the size first gives.
                assert_eq!(format!("{whole:?}"), format!("{also:?}"), "{size} {max}");
            }
        }
    }

    #[test]
    fn the_kind_of_a_name_follows_the_extension_as_path_has_it() {
        for name in [
            "x.json",
            "x.jsonl",
            "x.ndjson",
            "x.har",
            ".json",
            "x.JSON",
            "x",
            "a.b.jsonl",
            "x.json.txt",
            "..json",
            "x.",
        ] {
            let by_extension = Path::new(name)
                .extension()
                .and_then(|e| e.to_str())
                .and_then(|e| match e {
                    "json" => Some(Kind::Payload),
                    "jsonl" | "ndjson" => Some(Kind::Lines),
                    "har" => Some(Kind::Har),
                    _ => None,
                });
            assert_eq!(kind_of_name(name.as_bytes()), by_extension, "{name}");
        }
    }
}
