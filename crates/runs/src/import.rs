//! What every importer shares: options, error locations, stable run ids, and
//! the [`Conversation`] builder that turns a message stream with tool calls
//! into a [`Run`].

use crate::canonical::{LineError, validate_run};
use serde_json::Value;
use sha2::{Digest, Sha256};
use skillgate_core::{Message, RecordedToolCall, Run};
use std::collections::HashMap;
use std::fmt;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Settings for importing agent logs that do not carry skillgate's own
/// fields (tenant, locale, acceptance).
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Line and document size bounds.
    pub limits: crate::ReaderLimits,
    /// Tenant given to every imported run.
    pub tenant: String,
    /// Locale given to every imported run (`en`, `zh-CN`, `zh-TW`).
    pub locale: String,
    /// Acceptance of runs whose log records no outcome (no `reward`, no
    /// `accepted`): `false` unless the user vouches for the whole file.
    pub accept_unlabelled: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            limits: crate::ReaderLimits::default(),
            tenant: "default".into(),
            locale: "en".into(),
            accept_unlabelled: false,
        }
    }
}

/// Where in the input a rejected run came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// 1-based physical line (JSON Lines).
    Line(usize),
    /// 1-based entry of a JSON array document (a single-object document is entry 1).
    Entry(usize),
}

impl Location {
    /// `FILE:LINE` or `FILE: entry N`, for error messages.
    pub fn in_file(&self, file: &str) -> String {
        match self {
            Location::Line(n) => format!("{file}:{n}"),
            Location::Entry(n) => format!("{file}: entry {n}"),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(n) => write!(f, "line {n}"),
            Location::Entry(n) => write!(f, "entry {n}"),
        }
    }
}

/// Why one run (or one input line) was not imported; the rest of the file is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{location}: {reason}")]
pub struct ImportError {
    /// Where the problem is.
    pub location: Location,
    /// What is wrong, in words, with the fix where there is one.
    pub reason: String,
}

impl From<LineError> for ImportError {
    fn from(e: LineError) -> Self {
        ImportError {
            location: Location::Line(e.line),
            reason: e.reason,
        }
    }
}

/// Hex SHA-256 of a JSON value in a key-order-independent encoding, so a
/// run id derived from content does not change with serde_json features.
pub(crate) fn content_hash(v: &Value) -> String {
    fn feed(h: &mut Sha256, v: &Value) {
        match v {
            Value::Null => h.update(b"n"),
            Value::Bool(b) => h.update(if *b { b"t" } else { b"f" }),
            Value::Number(n) => {
                h.update(b"#");
                h.update(n.to_string().as_bytes());
                h.update(b";");
            }
            Value::String(s) => {
                h.update(b"s");
                h.update((s.len() as u64).to_le_bytes());
                h.update(s.as_bytes());
            }
            Value::Array(a) => {
                h.update(b"[");
                for x in a {
                    feed(h, x);
                }
                h.update(b"]");
            }
            Value::Object(o) => {
                let mut keys: Vec<&String> = o.keys().collect();
                keys.sort();
                h.update(b"{");
                for k in keys {
                    h.update((k.len() as u64).to_le_bytes());
                    h.update(k.as_bytes());
                    if let Some(x) = o.get(k) {
                        feed(h, x);
                    }
                }
                h.update(b"}");
            }
        }
    }
    let mut h = Sha256::new();
    feed(&mut h, v);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// `prefix-id` when the source's own id is usable (non-empty, short, no
/// control characters), else `None`.
pub(crate) fn id_from_source(prefix: &str, source_id: &str) -> Option<String> {
    let s = source_id.trim();
    if s.is_empty() || s.len() > 160 || s.chars().any(char::is_control) {
        return None;
    }
    Some(format!("{prefix}-{s}"))
}

/// An RFC 3339 timestamp from a JSON value: an RFC 3339 string as given, or
/// Unix seconds (OpenAI's `created`). Anything else is `None`.
pub(crate) fn timestamp(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => OffsetDateTime::parse(s, &Rfc3339).ok().map(|_| s.clone()),
        Value::Number(n) => {
            let secs = n.as_i64()?;
            OffsetDateTime::from_unix_timestamp(secs)
                .ok()?
                .format(&Rfc3339)
                .ok()
        }
        _ => None,
    }
}

/// Text of a content value: a string, or the `text` of `text` parts/blocks
/// joined by newlines. Images and other media become `[image]`-style
/// placeholders so the transcript shows that something was there.
pub(crate) fn content_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(parts) => {
            let mut out: Vec<String> = Vec::new();
            for p in parts {
                match p {
                    Value::String(s) => out.push(s.clone()),
                    Value::Object(o) => {
                        let kind = o.get("type").and_then(Value::as_str).unwrap_or("");
                        match kind {
                            "text" | "input_text" | "output_text" => {
                                if let Some(t) = o.get("text").and_then(Value::as_str) {
                                    out.push(t.to_string());
                                }
                            }
                            "image" | "image_url" | "input_image" | "document" | "file"
                            | "input_audio" => out.push(format!("[{kind}]")),
                            _ => {}
                        }
                    }
                    _ => {}
                }
            }
            if out.is_empty() {
                None
            } else {
                Some(out.join("\n"))
            }
        }
        _ => None,
    }
}

/// Builds one run from messages and tool calls in log order, pairing each
/// tool result with its call by id.
#[derive(Debug, Default)]
pub(crate) struct Conversation {
    messages: Vec<Message>,
    calls: Vec<RecordedToolCall>,
    /// Tool call id → index in `calls`, for calls still waiting for a result.
    pending: HashMap<String, usize>,
    /// Every tool call id seen, to reject duplicates.
    seen_ids: std::collections::HashSet<String>,
    task: Option<String>,
    final_answer: Option<String>,
    first_time: Option<String>,
    last_time: Option<String>,
    skill: Option<String>,
}

impl Conversation {
    /// Notes a log timestamp (RFC 3339); the first becomes `created_at`.
    pub(crate) fn saw_time(&mut self, t: Option<String>) {
        if let Some(t) = t {
            if self.first_time.is_none() {
                self.first_time = Some(t.clone());
            }
            self.last_time = Some(t);
        }
    }

    /// A system (or developer) prompt.
    pub(crate) fn system(&mut self, text: Option<String>) {
        self.messages.push(Message {
            role: "system".into(),
            content: text,
        });
    }

    /// A user turn; the first one with text becomes the task.
    pub(crate) fn user(&mut self, text: String, may_be_task: bool) {
        if may_be_task && self.task.is_none() && !text.trim().is_empty() {
            self.task = Some(text.clone());
        }
        self.messages.push(Message {
            role: "user".into(),
            content: Some(text),
        });
    }

    /// An assistant turn; its text, when non-empty, is the final answer so far.
    pub(crate) fn assistant(&mut self, text: Option<String>) {
        if let Some(t) = &text
            && !t.trim().is_empty()
        {
            self.final_answer = Some(t.clone());
        }
        self.messages.push(Message {
            role: "assistant".into(),
            content: text,
        });
    }

    /// A tool call the assistant made. `id` pairs it with its result; calls
    /// without an id (legacy `function_call`) pair with the next result of
    /// the same name.
    pub(crate) fn tool_call(
        &mut self,
        id: Option<&str>,
        name: &str,
        arguments: Value,
        started_at: Option<String>,
    ) -> Result<(), String> {
        if name.trim().is_empty() {
            return Err("a tool call has an empty name".into());
        }
        let key = match id {
            Some(id) => {
                // Real logs reuse ids once the earlier call is answered
                // (tau-bench gpt-4o does); only an open id is ambiguous.
                if self.pending.contains_key(id) {
                    return Err(format!(
                        "tool call id '{id}' is used again before its first call got a result; results cannot be paired"
                    ));
                }
                self.seen_ids.insert(id.to_string());
                id.to_string()
            }
            None => format!("\u{0}name:{name}:{}", self.calls.len()),
        };
        if self.skill.is_none() {
            self.skill = detect_skill(name, &arguments);
        }
        let toolset = name
            .strip_prefix("mcp__")
            .and_then(|rest| rest.split_once("__"))
            .map(|(server, _)| server.to_string());
        self.pending.insert(key, self.calls.len());
        self.calls.push(RecordedToolCall {
            name: name.to_string(),
            toolset,
            arguments,
            result: Value::Null,
            started_at,
        });
        Ok(())
    }

    /// A tool result for call `id`; an id with no earlier call is an error.
    pub(crate) fn tool_result(&mut self, id: &str, result: Value) -> Result<(), String> {
        let Some(i) = self.pending.remove(id) else {
            return Err(if self.seen_ids.contains(id) {
                format!("a second result for tool call '{id}'; each call has one result")
            } else {
                format!(
                    "tool result for call id '{id}' has no matching tool call before it; the log is cut or reordered"
                )
            });
        };
        self.push_result(i, result);
        Ok(())
    }

    /// A result matched by tool name (legacy `role: function` messages).
    pub(crate) fn tool_result_by_name(&mut self, name: &str, result: Value) -> Result<(), String> {
        let prefix = format!("\u{0}name:{name}:");
        let key = self
            .pending
            .iter()
            .filter(|(k, _)| k.starts_with(&prefix))
            .min_by_key(|(_, i)| **i)
            .map(|(k, _)| k.clone());
        let Some(key) = key else {
            return Err(format!(
                "function result for '{name}' has no matching function_call before it"
            ));
        };
        if let Some(i) = self.pending.remove(&key) {
            self.push_result(i, result);
        }
        Ok(())
    }

    fn push_result(&mut self, i: usize, result: Value) {
        let text = match &result {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        };
        self.messages.push(Message {
            role: "tool".into(),
            content: text,
        });
        if let Some(c) = self.calls.get_mut(i) {
            c.result = result;
        }
    }

    /// Replaces the final answer when the log records the outcome apart
    /// from the last assistant text (SWE-agent's submission).
    pub(crate) fn set_final_answer(&mut self, answer: Option<String>) {
        if let Some(a) = answer
            && !a.trim().is_empty()
        {
            self.final_answer = Some(a);
        }
    }

    /// Sets the skill hint when the log names it explicitly.
    pub(crate) fn set_skill(&mut self, skill: Option<String>) {
        if let Some(s) = skill
            && !s.trim().is_empty()
        {
            self.skill = Some(s);
        }
    }

    /// Finishes the run; fails when there is no task or the run is invalid.
    pub(crate) fn finish(
        self,
        id: String,
        accepted: bool,
        created_at: Option<String>,
        opts: &ImportOptions,
    ) -> Result<Run, String> {
        let Some(task) = self.task else {
            return Err("no user message with text, so the run has no task".into());
        };
        let created_at = created_at.or(self.first_time);
        let run = Run {
            id,
            tenant: opts.tenant.clone(),
            locale: opts.locale.clone(),
            task,
            messages: self.messages,
            tool_calls: self.calls,
            final_answer: self.final_answer.unwrap_or_default(),
            accepted,
            accepted_at: if accepted { self.last_time } else { None },
            created_at,
            criteria: None,
            skill: self.skill,
        };
        validate_run(&run)?;
        Ok(run)
    }
}

/// The skill a tool call shows the agent used: Claude Code's `Skill` tool
/// (`command` / `skill` / `name` argument), or any call whose arguments
/// point at a `…/<skill>/SKILL.md` file.
fn detect_skill(name: &str, arguments: &Value) -> Option<String> {
    if name == "Skill" {
        for key in ["skill", "command", "name"] {
            if let Some(s) = arguments.get(key).and_then(Value::as_str) {
                let s = s.trim().trim_start_matches('/');
                if !s.is_empty() {
                    return Some(s.to_string());
                }
            }
        }
    }
    let obj = arguments.as_object()?;
    obj.values().filter_map(Value::as_str).find_map(|s| {
        let s = s.trim().replace('\\', "/");
        let dir = s.strip_suffix("/SKILL.md")?;
        let skill = dir.rsplit('/').next()?;
        (!skill.is_empty()).then(|| skill.to_string())
    })
}

/// Whether an entry's log says the outcome was accepted: an explicit
/// `accepted` boolean, else a `reward` (tau-bench: 1.0 = task solved) of at
/// least 1.0, else the user's `--accept` choice for unlabelled logs.
pub(crate) fn outcome(obj: &serde_json::Map<String, Value>, opts: &ImportOptions) -> bool {
    if let Some(b) = obj.get("accepted").and_then(Value::as_bool) {
        return b;
    }
    if let Some(r) = obj.get("reward").and_then(Value::as_f64) {
        return r >= 1.0;
    }
    opts.accept_unlabelled
}

/// The entry's own start time: `created_at`, `timestamp` (RFC 3339) or
/// `created` (Unix seconds), in that order.
pub(crate) fn entry_time(obj: &serde_json::Map<String, Value>) -> Option<String> {
    ["created_at", "timestamp", "created"]
        .iter()
        .find_map(|k| timestamp(obj.get(*k)))
}

/// The entry's own id (`id`, `custom_id`), if it is a usable string.
pub(crate) fn explicit_id(obj: &serde_json::Map<String, Value>, prefix: &str) -> Option<String> {
    ["id", "custom_id"].iter().find_map(|k| {
        obj.get(*k)
            .and_then(Value::as_str)
            .and_then(|s| id_from_source(prefix, s))
    })
}
