//! RFC 6901 JSON Pointers, built incrementally while walking a document.

/// A pointer under construction: push a segment on the way down, pop it on the way back.
#[derive(Debug, Default, Clone)]
pub(crate) struct Pointer {
    text: String,
    /// Length of `text` before each pushed segment.
    marks: Vec<usize>,
}

impl Pointer {
    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    pub(crate) fn push_key(&mut self, key: &str) {
        self.marks.push(self.text.len());
        self.text.push('/');
        escape_into(&mut self.text, key);
    }

    pub(crate) fn push_index(&mut self, index: usize) {
        use std::fmt::Write;
        self.marks.push(self.text.len());
        let _ = write!(self.text, "/{index}");
    }

    pub(crate) fn pop(&mut self) {
        if let Some(mark) = self.marks.pop() {
            self.text.truncate(mark);
        }
    }
}

/// Appends `segment` escaped per RFC 6901: `~` as `~0`, `/` as `~1`.
pub(crate) fn escape_into(out: &mut String, segment: &str) {
    // Most names need no escape: copy them whole.
    if !segment.bytes().any(|b| b == b'~' || b == b'/') {
        out.push_str(segment);
        return;
    }
    for c in segment.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// `segment` escaped per RFC 6901 (see [`escape_into`]).
pub(crate) fn escape(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    escape_into(&mut out, segment);
    out
}

/// `parent` + `/` + escaped `key`.
pub(crate) fn child(parent: &str, key: &str) -> String {
    let mut out = String::with_capacity(parent.len() + key.len() + 1);
    out.push_str(parent);
    out.push('/');
    escape_into(&mut out, key);
    out
}

/// Splits a pointer into its unescaped segments (`""` has none).
pub(crate) fn segments(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
}

/// How a pointer reads in a message: the whole payload is `(root)`.
pub(crate) fn display(pointer: &str) -> &str {
    if pointer.is_empty() {
        "(root)"
    } else {
        pointer
    }
}
