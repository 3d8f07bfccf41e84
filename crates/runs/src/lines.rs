//! Bounded physical-line reading shared by every JSON Lines reader.

use crate::canonical::{LineError, ReaderLimits};
use std::io::BufRead;

/// Yields the non-blank lines of a byte stream as trimmed UTF-8 text with
/// their 1-based line numbers. A line over [`ReaderLimits::max_line_bytes`]
/// is skipped without being held in memory and reported, as are non-UTF-8
/// lines and read errors. A leading byte-order mark is dropped.
pub(crate) struct Lines<R> {
    input: R,
    limits: ReaderLimits,
    line: usize,
    buf: Vec<u8>,
}

impl<R: BufRead> Lines<R> {
    pub(crate) fn new(input: R, limits: ReaderLimits) -> Self {
        Lines {
            input,
            limits,
            line: 0,
            buf: Vec::new(),
        }
    }

    /// The limits this reader applies.
    pub(crate) fn limits(&self) -> ReaderLimits {
        self.limits
    }

    /// Gives back the underlying reader, positioned after the last line read.
    pub(crate) fn into_inner(self) -> R {
        self.input
    }

    /// Reads one physical line into `buf`, stopping to store bytes past the
    /// limit. Returns (bytes seen, whether the line was cut), or `None` at EOF.
    fn read_line(&mut self) -> std::io::Result<Option<(usize, bool)>> {
        self.buf.clear();
        let mut seen = 0usize;
        let mut overflow = false;
        loop {
            let chunk = self.input.fill_buf()?;
            if chunk.is_empty() {
                return Ok(if seen == 0 {
                    None
                } else {
                    Some((seen, overflow))
                });
            }
            let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            seen += take;
            if !overflow {
                if self.buf.len() + take > self.limits.max_line_bytes + 1 {
                    overflow = true;
                    self.buf.clear();
                } else {
                    self.buf.extend_from_slice(&chunk[..take]);
                }
            }
            self.input.consume(take);
            if done {
                return Ok(Some((seen, overflow)));
            }
        }
    }
}

impl<R: BufRead> Iterator for Lines<R> {
    /// (line number, trimmed text) or why the line was rejected.
    type Item = Result<(usize, String), LineError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let read = self.read_line();
            self.line += 1;
            let line = self.line;
            let (seen, overflow) = match read {
                Ok(None) => return None,
                Ok(Some(r)) => r,
                Err(e) => {
                    return Some(Err(LineError {
                        line,
                        reason: format!("read error: {e}"),
                    }));
                }
            };
            if overflow {
                return Some(Err(LineError {
                    line,
                    reason: format!(
                        "line is {} bytes, over the {} byte limit; split the run or raise the limit (import.max_line_bytes)",
                        seen, self.limits.max_line_bytes
                    ),
                }));
            }
            let text = match std::str::from_utf8(&self.buf) {
                Ok(t) => t,
                Err(e) => {
                    return Some(Err(LineError {
                        line,
                        reason: format!(
                            "not valid UTF-8 (bad byte at offset {}); runs must be UTF-8 JSON",
                            e.valid_up_to()
                        ),
                    }));
                }
            };
            let text = text.trim_start_matches('\u{feff}').trim();
            if text.is_empty() {
                continue;
            }
            return Some(Ok((line, text.to_string())));
        }
    }
}

/// Describes a JSON value's kind for error messages ("an array").
pub(crate) fn kind_of(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}
