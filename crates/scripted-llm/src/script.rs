//! The script a [`crate::ScriptedServer`] answers from.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// How a step list is walked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// One shared cursor: the n-th request matching this step list gets step n.
    #[default]
    Sequence,
    /// The step index is the number of assistant messages in the request, so each
    /// conversation walks the list on its own, whatever the concurrency.
    ByTurn,
}

/// What happens once the index runs past the last step.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AfterEnd {
    /// Keep answering with the last step.
    #[default]
    RepeatLast,
    /// Start again from the first step.
    Cycle,
    /// Answer HTTP 500 "script exhausted".
    Error,
}

/// A whole script: default steps plus content-matched rules.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Script {
    /// How `steps` is walked.
    #[serde(default)]
    pub mode: Mode,
    /// What happens past the last of `steps`.
    #[serde(default)]
    pub after_end: AfterEnd,
    /// Steps used when no rule matches.
    #[serde(default)]
    pub steps: Vec<Step>,
    /// Rules tried in order before `steps`; the first whose matcher fits answers.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Model names the server knows; a request for another model gets 404. Empty: any.
    #[serde(default)]
    pub models: Vec<String>,
    /// When set, requests must carry this key (`Authorization: Bearer` for OpenAI,
    /// `x-api-key` for Anthropic) or get 401.
    #[serde(default)]
    pub api_key: Option<String>,
}

/// A step list chosen by matching the request's content.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The request text must contain this in its last message (any string field).
    #[serde(default)]
    pub when_last_message_contains: Option<String>,
    /// The request text must contain this in some message.
    #[serde(default)]
    pub when_any_message_contains: Option<String>,
    /// The system prompt must contain this.
    #[serde(default)]
    pub when_system_contains: Option<String>,
    /// How `steps` is walked (each rule has its own cursor).
    #[serde(default)]
    pub mode: Mode,
    /// What happens past the last step.
    #[serde(default)]
    pub after_end: AfterEnd,
    /// The answers.
    pub steps: Vec<Step>,
}

/// One scripted answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Assistant text.
    #[serde(default)]
    pub text: Option<String>,
    /// Tool calls the assistant makes.
    #[serde(default)]
    pub tool_calls: Vec<ScriptedToolCall>,
    /// Wait this long before answering.
    #[serde(default)]
    pub delay_ms: u64,
    /// HTTP status (default 200). Non-2xx without `raw_body` gets an API-shaped error body.
    #[serde(default)]
    pub status: Option<u16>,
    /// `Retry-After` header value (seconds or an HTTP date), sent verbatim.
    #[serde(default)]
    pub retry_after: Option<String>,
    /// Body sent verbatim instead of a generated one (e.g. malformed JSON).
    #[serde(default)]
    pub raw_body: Option<String>,
    /// Token usage to report (default: 10 in, 5 out).
    #[serde(default)]
    pub usage: Option<ScriptUsage>,
    /// Stop/finish reason to report (default: `tool_calls`/`tool_use` or `stop`/`end_turn`).
    #[serde(default)]
    pub stop_reason: Option<String>,
}

/// A scripted tool call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptedToolCall {
    /// Call id (default: `call_<request>_<index>`).
    #[serde(default)]
    pub id: Option<String>,
    /// Tool name.
    pub name: String,
    /// Arguments: a JSON object, or a string sent as the raw arguments text
    /// (OpenAI; lets a script send invalid JSON).
    #[serde(default = "empty_object")]
    pub arguments: serde_json::Value,
}

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

/// Scripted token usage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptUsage {
    /// Prompt tokens.
    pub input_tokens: u64,
    /// Completion tokens.
    pub output_tokens: u64,
}

/// A script file could not be read or parsed.
#[derive(Debug, thiserror::Error)]
pub enum ScriptError {
    /// The file could not be read.
    #[error("cannot read script {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The IO error.
        source: std::io::Error,
    },
    /// The file is not a valid script.
    #[error(
        "script {path} is not valid {format}: {detail} (the format is described in docs/providers.md, section \"Scripted provider server\")"
    )]
    Parse {
        /// The file.
        path: String,
        /// `JSON` or `YAML`.
        format: &'static str,
        /// The parser's message.
        detail: String,
    },
}

impl Step {
    /// A plain text answer.
    pub fn text(text: impl Into<String>) -> Step {
        Step {
            text: Some(text.into()),
            ..Step::default()
        }
    }

    /// One tool call with JSON-object arguments.
    pub fn tool_call(name: impl Into<String>, arguments: serde_json::Value) -> Step {
        Step {
            tool_calls: vec![ScriptedToolCall {
                id: None,
                name: name.into(),
                arguments,
            }],
            ..Step::default()
        }
    }

    /// An error status with an API-shaped error body.
    pub fn status(status: u16) -> Step {
        Step {
            status: Some(status),
            ..Step::default()
        }
    }

    /// Sets the delay before answering.
    pub fn with_delay_ms(mut self, delay_ms: u64) -> Step {
        self.delay_ms = delay_ms;
        self
    }

    /// Sets the `Retry-After` header.
    pub fn with_retry_after(mut self, value: impl Into<String>) -> Step {
        self.retry_after = Some(value.into());
        self
    }

    /// Sets the reported usage.
    pub fn with_usage(mut self, input_tokens: u64, output_tokens: u64) -> Step {
        self.usage = Some(ScriptUsage {
            input_tokens,
            output_tokens,
        });
        self
    }
}

impl Script {
    /// A script answering from `steps` in sequence, repeating the last one.
    pub fn sequence(steps: Vec<Step>) -> Script {
        Script {
            steps,
            ..Script::default()
        }
    }

    /// The benchmark loop: each conversation calls `tool` with `arguments` on its
    /// first turn and answers `answer` on the next (by turn, so any number of
    /// concurrent conversations get the same two-request loop).
    pub fn tool_loop(tool: &str, arguments: serde_json::Value, answer: &str) -> Script {
        Script {
            mode: Mode::ByTurn,
            after_end: AfterEnd::RepeatLast,
            steps: vec![Step::tool_call(tool, arguments), Step::text(answer)],
            ..Script::default()
        }
    }

    /// Parses a JSON script.
    pub fn from_json_str(text: &str) -> Result<Script, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Parses a YAML script.
    pub fn from_yaml_str(text: &str) -> Result<Script, serde_saphyr::Error> {
        serde_saphyr::from_str(text)
    }

    /// Reads a script file: `.json` as JSON, anything else as YAML.
    pub fn from_path(path: &Path) -> Result<Script, ScriptError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ScriptError::Read {
            path: shown.clone(),
            source,
        })?;
        let is_json = path
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
        if is_json {
            Script::from_json_str(&text).map_err(|e| ScriptError::Parse {
                path: shown,
                format: "JSON",
                detail: e.to_string(),
            })
        } else {
            Script::from_yaml_str(&text).map_err(|e| ScriptError::Parse {
                path: shown,
                format: "YAML",
                detail: e.to_string(),
            })
        }
    }
}
