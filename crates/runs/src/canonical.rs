//! The canonical JSON Lines format: one [`Run`] per line.

use crate::lines::{Lines, kind_of};
use skillgate_core::Run;
use std::io::BufRead;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Bounds that keep a hostile file from exhausting memory.
#[derive(Debug, Clone, Copy)]
pub struct ReaderLimits {
    /// Longest line accepted; longer lines are skipped with an error
    /// without being held in memory.
    pub max_line_bytes: usize,
}

impl Default for ReaderLimits {
    fn default() -> Self {
        ReaderLimits {
            max_line_bytes: 16 * 1024 * 1024,
        }
    }
}

/// Why one line was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct LineError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong, in words, with the fix where there is one.
    pub reason: String,
}

/// Streams runs out of canonical JSON Lines. Blank lines are skipped.
pub struct RunReader<R> {
    lines: Lines<R>,
}

impl<R: BufRead> RunReader<R> {
    /// Wraps a buffered reader.
    pub fn new(input: R, limits: ReaderLimits) -> Self {
        RunReader {
            lines: Lines::new(input, limits),
        }
    }
}

impl<R: BufRead> Iterator for RunReader<R> {
    type Item = Result<Run, LineError>;

    fn next(&mut self) -> Option<Self::Item> {
        let (line, text) = match self.lines.next()? {
            Ok(l) => l,
            Err(e) => return Some(Err(e)),
        };
        Some(parse_line(&text).map_err(|reason| LineError { line, reason }))
    }
}

fn parse_line(text: &str) -> Result<Run, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    if !value.is_object() {
        return Err(format!(
            "expected a JSON object (one run), found {}",
            kind_of(&value)
        ));
    }
    let run: Run = serde_json::from_value(value).map_err(|e| format!("not a valid run: {e}"))?;
    validate_run(&run)?;
    Ok(run)
}

/// Checks what serde cannot: non-empty ids, RFC 3339 timestamps, consistent
/// acceptance. Returns the first problem in words.
pub fn validate_run(run: &Run) -> Result<(), String> {
    for (field, value) in [
        ("id", &run.id),
        ("tenant", &run.tenant),
        ("locale", &run.locale),
    ] {
        if value.trim().is_empty() {
            return Err(format!("field `{field}` is empty"));
        }
    }
    if run.id.len() > 200 || run.id.chars().any(char::is_control) {
        return Err("field `id` must be at most 200 characters with no control characters".into());
    }
    if run.task.trim().is_empty() {
        return Err("field `task` is empty".into());
    }
    check_time("accepted_at", run.accepted_at.as_deref())?;
    check_time("created_at", run.created_at.as_deref())?;
    for (i, call) in run.tool_calls.iter().enumerate() {
        if call.name.trim().is_empty() {
            return Err(format!("tool_calls[{i}].name is empty"));
        }
        check_time(
            &format!("tool_calls[{i}].started_at"),
            call.started_at.as_deref(),
        )?;
    }
    if let Some(criteria) = &run.criteria {
        if let Some(t) = criteria.pass_threshold
            && !(0.0..=1.0).contains(&t)
        {
            return Err(format!(
                "criteria.pass_threshold is {t}; it must be within [0, 1]"
            ));
        }
        for (i, g) in criteria.graders.iter().enumerate() {
            if !(g.weight.is_finite() && g.weight >= 0.0) {
                return Err(format!(
                    "criteria.graders[{i}].weight must be a non-negative number"
                ));
            }
        }
    }
    Ok(())
}

fn check_time(field: &str, value: Option<&str>) -> Result<(), String> {
    if let Some(v) = value {
        OffsetDateTime::parse(v, &Rfc3339).map_err(|e| {
            format!("field `{field}` is '{v}', not an RFC 3339 timestamp ({e}); use e.g. 2026-03-01T09:30:00Z")
        })?;
    }
    Ok(())
}
