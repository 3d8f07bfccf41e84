//! The tool side of a Trial: what the agent loop needs from the tool layer.
//!
//! The loop only lists tools and calls them; classification (§4), sandboxing and
//! surrogates live behind [`ToolExecutor`]. `skillgate_tools::ReplayTools` is the
//! product implementation; [`InMemoryTools`] is a tiny read-only one for tests and
//! benchmarks.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use skillgate_core::{ToolMode, ToolSpec};
use std::collections::BTreeMap;
use std::future::Future;
use std::time::Instant;

/// What the tool layer did with one call (mirrors `skillgate_tools::ToolCallOutcome`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolOutcome {
    /// executed, surrogate or blocked.
    pub mode: ToolMode,
    /// Which policy rule decided the mode (e.g. `annotations.readOnlyHint`), if known.
    #[serde(default)]
    pub rule: Option<String>,
    /// The classification reason, in words.
    pub reason: String,
    /// What the agent gets back.
    pub result: Value,
    /// Whether `result` is an error.
    pub is_error: bool,
    /// The side effect a surrogate call would have had.
    #[serde(default)]
    pub side_effect: Option<String>,
    /// How long the tool layer took.
    pub duration_ms: u64,
}

/// The tool layer as the agent loop sees it.
pub trait ToolExecutor: Sync {
    /// The tools offered to the agent (name, description, JSON Schema input).
    fn specs(&self) -> Vec<ToolSpec>;

    /// Handles one call whose arguments already passed the loop's light schema
    /// check. Never fails: errors come back as an outcome with `is_error`.
    fn call(&self, name: &str, arguments: &Value) -> impl Future<Output = ToolOutcome> + Send;
}

/// A read-only tool layer over an in-memory file map, for tests and benchmarks:
/// `read_file {path}` returns a file's text, `list_files {}` the sorted paths.
/// Every call is `executed` (the tools only read memory).
#[derive(Debug, Clone, Default)]
pub struct InMemoryTools {
    files: BTreeMap<String, String>,
}

impl InMemoryTools {
    /// A tool layer serving `files` (path → text).
    pub fn new<I, K, V>(files: I) -> InMemoryTools
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        InMemoryTools {
            files: files
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    fn outcome(started: Instant, result: Value, is_error: bool) -> ToolOutcome {
        ToolOutcome {
            mode: ToolMode::Executed,
            rule: Some("in_memory.read_only".into()),
            reason: "in-memory test tool; reads only".into(),
            result,
            is_error,
            side_effect: None,
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        }
    }
}

impl ToolExecutor for InMemoryTools {
    fn specs(&self) -> Vec<ToolSpec> {
        vec![
            ToolSpec {
                name: "read_file".into(),
                toolset: Some("in_memory".into()),
                description: Some("Reads a text file from the workspace.".into()),
                input_schema: Some(json!({
                    "type": "object",
                    "properties": {"path": {"type": "string", "description": "Path of the file."}},
                    "required": ["path"]
                })),
                annotations: None,
                policy: None,
            },
            ToolSpec {
                name: "list_files".into(),
                toolset: Some("in_memory".into()),
                description: Some("Lists the files in the workspace.".into()),
                input_schema: Some(json!({"type": "object", "properties": {}})),
                annotations: None,
                policy: None,
            },
        ]
    }

    fn call(&self, name: &str, arguments: &Value) -> impl Future<Output = ToolOutcome> + Send {
        let started = Instant::now();
        let outcome = match name {
            "read_file" => match arguments.get("path").and_then(Value::as_str) {
                Some(path) => match self.files.get(path) {
                    Some(text) => Self::outcome(started, Value::String(text.clone()), false),
                    None => Self::outcome(
                        started,
                        Value::String(format!("no such file: {path}")),
                        true,
                    ),
                },
                None => Self::outcome(started, Value::String("missing path".into()), true),
            },
            "list_files" => Self::outcome(
                started,
                Value::Array(self.files.keys().cloned().map(Value::String).collect()),
                false,
            ),
            other => Self::outcome(
                started,
                Value::String(format!("unknown tool {other}")),
                true,
            ),
        };
        std::future::ready(outcome)
    }
}

impl ToolExecutor for skillgate_tools::ReplayTools {
    fn specs(&self) -> Vec<ToolSpec> {
        skillgate_tools::ReplayTools::specs(self)
    }

    fn call(&self, name: &str, arguments: &Value) -> impl Future<Output = ToolOutcome> + Send {
        let call = skillgate_tools::ReplayTools::call(self, name, arguments);
        async move {
            let out = call.await;
            ToolOutcome {
                mode: out.mode,
                rule: Some(out.rule),
                reason: out.reason,
                result: out.result,
                is_error: out.is_error,
                side_effect: out.side_effect,
                duration_ms: out.duration_ms,
            }
        }
    }
}
