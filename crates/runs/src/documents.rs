//! Entries of a log file that is either JSON Lines (one entry per line), a
//! JSON array of entries, or one JSON object spread over many lines.
//!
//! JSON Lines stream line by line. An array or multi-line object is read
//! whole, so it is capped at [`ReaderLimits::max_line_bytes`] like a line.

use crate::ReaderLimits;
use crate::import::{ImportError, Location};
use crate::lines::Lines;
use serde_json::Value;
use std::io::{BufRead, Read};

/// One entry of the file with its location, or why it could not be read.
pub(crate) type EntryItem = Result<(Location, Value), ImportError>;

enum State<R> {
    Start(Lines<R>),
    Lines(Lines<R>),
    Array(std::iter::Enumerate<std::vec::IntoIter<Value>>),
    Done,
}

/// Iterator over the entries of a file; see the module docs for the shapes.
pub(crate) struct Entries<R> {
    state: State<R>,
    /// Items decided ahead while telling the container apart.
    queued: std::collections::VecDeque<EntryItem>,
}

impl<R: BufRead> Entries<R> {
    pub(crate) fn new(input: R, limits: ReaderLimits) -> Self {
        Entries {
            state: State::Start(Lines::new(input, limits)),
            queued: std::collections::VecDeque::new(),
        }
    }
}

/// Whether `text` is an incomplete JSON value (the start of a document
/// spread over lines, or a cut-off line).
fn incomplete(text: &str) -> bool {
    matches!(
        serde_json::from_str::<Value>(text),
        Err(e) if e.classify() == serde_json::error::Category::Eof
    )
}

fn parse_line(line: usize, text: &str) -> EntryItem {
    serde_json::from_str(text)
        .map(|v| (Location::Line(line), v))
        .map_err(|e| ImportError {
            location: Location::Line(line),
            reason: format!("not valid JSON: {e}"),
        })
}

/// Reads the rest of a document whose start (from line `line`, line breaks
/// kept) is `first`, within the size cap, and parses it.
fn read_document<R: BufRead>(
    lines: Lines<R>,
    line: usize,
    first: &str,
) -> Result<Value, ImportError> {
    let cap = lines.limits().max_line_bytes;
    let at = Location::Line(line);
    let mut rest = Vec::new();
    let budget = cap.saturating_sub(first.len()) as u64 + 1;
    lines
        .into_inner()
        .take(budget)
        .read_to_end(&mut rest)
        .map_err(|e| ImportError {
            location: at,
            reason: format!("read error: {e}"),
        })?;
    if first.len() + rest.len() > cap {
        return Err(ImportError {
            location: at,
            reason: format!(
                "the JSON document starting here is over the {cap} byte limit; convert it to JSON Lines (one entry per line) or raise import.max_line_bytes"
            ),
        });
    }
    let rest = std::str::from_utf8(&rest).map_err(|e| ImportError {
        location: at,
        reason: format!(
            "not valid UTF-8 (bad byte {} bytes after line {line}); logs must be UTF-8 JSON",
            e.valid_up_to()
        ),
    })?;
    let mut doc = String::with_capacity(first.len() + 1 + rest.len());
    doc.push_str(first);
    doc.push('\n');
    doc.push_str(rest);
    serde_json::from_str(&doc).map_err(|e| ImportError {
        location: Location::Line(line + e.line().saturating_sub(1)),
        reason: format!(
            "not valid JSON: {} (column {})",
            strip_position(&e.to_string()),
            e.column()
        ),
    })
}

/// serde_json appends " at line L column C" relative to the document; the
/// location already says where, in file lines.
fn strip_position(msg: &str) -> &str {
    msg.rfind(" at line ").map_or(msg, |i| &msg[..i])
}

impl<R: BufRead> Iterator for Entries<R> {
    type Item = EntryItem;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(item) = self.queued.pop_front() {
            return Some(item);
        }
        loop {
            match std::mem::replace(&mut self.state, State::Done) {
                State::Done => return None,
                State::Array(mut it) => {
                    let (i, v) = it.next()?;
                    self.state = State::Array(it);
                    return Some(Ok((Location::Entry(i + 1), v)));
                }
                State::Lines(mut lines) => {
                    let item = lines.next()?;
                    self.state = State::Lines(lines);
                    return Some(match item {
                        Ok((line, text)) => parse_line(line, &text),
                        Err(e) => Err(e.into()),
                    });
                }
                State::Start(mut lines) => {
                    let (line, first) = match lines.next()? {
                        Ok(l) => l,
                        Err(e) => {
                            self.state = State::Lines(lines);
                            return Some(Err(e.into()));
                        }
                    };
                    let mut doc = first.clone();
                    if !first.starts_with('[') {
                        if !(first.starts_with('{') && incomplete(&first)) {
                            self.state = State::Lines(lines);
                            return Some(parse_line(line, &first));
                        }
                        // `{` that does not close on its line: a multi-line
                        // object, unless the next line is a whole object of
                        // its own (JSON Lines whose first line is cut off).
                        match lines.next() {
                            None => return Some(parse_line(line, &first)),
                            Some(Err(e)) => {
                                self.queued.push_back(Err(e.into()));
                                self.state = State::Lines(lines);
                                return Some(parse_line(line, &first));
                            }
                            Some(Ok((line2, second))) => {
                                if second.starts_with('{')
                                    && serde_json::from_str::<Value>(&second)
                                        .is_ok_and(|v| v.is_object())
                                {
                                    self.queued.push_back(parse_line(line2, &second));
                                    self.state = State::Lines(lines);
                                    return Some(parse_line(line, &first));
                                }
                                for _ in line..line2 {
                                    doc.push('\n');
                                }
                                doc.push_str(&second);
                            }
                        }
                    }
                    match read_document(lines, line, &doc) {
                        Err(e) => return Some(Err(e)),
                        Ok(Value::Array(items)) => {
                            self.state = State::Array(items.into_iter().enumerate());
                            continue;
                        }
                        Ok(v) => return Some(Ok((Location::Entry(1), v))),
                    }
                }
            }
        }
    }
}
