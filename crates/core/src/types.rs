//! The nouns of SPEC §1, shared by every crate: runs, tools, arms, statuses.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A locale skillgate ships prompts and UI strings for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Locale {
    /// English (the fallback).
    #[default]
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    ZhCn,
    /// Traditional Chinese.
    #[serde(rename = "zh-TW")]
    ZhTw,
}

impl Locale {
    /// All supported locales, in display order.
    pub const ALL: [Locale; 3] = [Locale::En, Locale::ZhCn, Locale::ZhTw];

    /// The BCP 47 tag (`en`, `zh-CN`, `zh-TW`).
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhCn => "zh-CN",
            Locale::ZhTw => "zh-TW",
        }
    }

    /// Parses a tag case-insensitively, accepting `_` for `-` and common aliases
    /// (`zh-Hans`, `zh-Hant`, `zh-HK`). Returns `None` for anything else.
    pub fn parse(tag: &str) -> Option<Locale> {
        let t = tag.trim().replace('_', "-").to_ascii_lowercase();
        match t.as_str() {
            "en" | "en-us" | "en-gb" => Some(Locale::En),
            "zh-cn" | "zh-hans" | "zh-sg" | "zh" => Some(Locale::ZhCn),
            "zh-tw" | "zh-hant" | "zh-hk" | "zh-mo" => Some(Locale::ZhTw),
            _ if t.starts_with("en-") => Some(Locale::En),
            _ => None,
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// One message of a recorded agent transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// `system`, `user`, `assistant` or `tool`.
    pub role: String,
    /// The text of the message; `None` for an assistant turn that only called tools.
    #[serde(default)]
    pub content: Option<String>,
}

/// A tool call recorded in a historical [`Run`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedToolCall {
    /// Tool name as the agent called it.
    pub name: String,
    /// The toolset (MCP server, connector) the tool came from, if known.
    #[serde(default)]
    pub toolset: Option<String>,
    /// Arguments the agent passed.
    #[serde(default)]
    pub arguments: serde_json::Value,
    /// Result the tool returned at the time.
    #[serde(default)]
    pub result: serde_json::Value,
    /// When the call started (RFC 3339).
    #[serde(default)]
    pub started_at: Option<String>,
}

/// One historical agent run in the canonical JSON Lines format (SPEC §2.2).
/// Imported, never edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// Stable id; re-importing the same id adds nothing.
    pub id: String,
    /// Tenant (workspace, customer) the run belongs to.
    pub tenant: String,
    /// Locale of the task (`en`, `zh-CN`, `zh-TW`, …).
    pub locale: String,
    /// The task the user gave the agent.
    pub task: String,
    /// The transcript.
    #[serde(default)]
    pub messages: Vec<Message>,
    /// Tool calls with their recorded results.
    #[serde(default)]
    pub tool_calls: Vec<RecordedToolCall>,
    /// The agent's final answer.
    pub final_answer: String,
    /// Whether a human accepted the outcome.
    pub accepted: bool,
    /// When it was accepted (RFC 3339).
    #[serde(default)]
    pub accepted_at: Option<String>,
    /// When the run started (RFC 3339).
    #[serde(default)]
    pub created_at: Option<String>,
    /// Grading criteria for replays of this run.
    #[serde(default)]
    pub criteria: Option<Criteria>,
    /// Name of the skill the run used, if any.
    #[serde(default)]
    pub skill: Option<String>,
}

/// How replays of a run are graded (SPEC §3.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Criteria {
    /// Weighted graders; their weighted mean is the trial's score.
    #[serde(default)]
    pub graders: Vec<GraderSpec>,
    /// A trial passes at score >= this (default 0.5).
    #[serde(default)]
    pub pass_threshold: Option<f64>,
    /// Rubric for the model grader.
    #[serde(default)]
    pub rubric: Option<String>,
}

/// One grader of a case, with its weight (default 1.0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraderSpec {
    /// What the grader checks.
    #[serde(flatten)]
    pub check: GraderCheck,
    /// Relative weight for partial credit.
    #[serde(default = "default_weight")]
    pub weight: f64,
}

fn default_weight() -> f64 {
    1.0
}

/// The kinds of grader (SPEC §3.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GraderCheck {
    /// Final answer equals `value` (trimmed).
    Exact { value: String },
    /// Final answer contains `value` (case-insensitive).
    Contains { value: String },
    /// Final answer matches `pattern`.
    Regex { pattern: String },
    /// Final answer parsed as JSON has `value` at the JSON pointer `pointer`.
    JsonField {
        pointer: String,
        value: serde_json::Value,
    },
    /// Workspace file `path` equals `value`.
    FileEquals { path: String, value: String },
    /// Workspace file `path` contains `value`.
    FileContains { path: String, value: String },
    /// `command` run in the sandbox exits 0.
    Command { command: String },
    /// LLM judge with `rubric` and the accepted answer as reference.
    Model {
        #[serde(default)]
        rubric: Option<String>,
    },
}

/// Which side of the comparison a trial belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Arm {
    /// The published version, or no skill for a new one.
    Baseline,
    /// The draft.
    Candidate,
}

impl Arm {
    /// `baseline` or `candidate`.
    pub fn as_str(self) -> &'static str {
        match self {
            Arm::Baseline => "baseline",
            Arm::Candidate => "candidate",
        }
    }
}

/// How a tool call is handled during replay (SPEC §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ToolMode {
    /// Run for real, inside the sandbox and the replay workspace.
    Executed,
    /// Not run: the result is simulated and the would-be side effect recorded.
    Surrogate,
    /// Not run: the agent is told the call was blocked by replay policy.
    Blocked,
}

impl ToolMode {
    /// `executed`, `surrogate` or `blocked`.
    pub fn as_str(self) -> &'static str {
        match self {
            ToolMode::Executed => "executed",
            ToolMode::Surrogate => "surrogate",
            ToolMode::Blocked => "blocked",
        }
    }

    /// The stricter of two modes (blocked > surrogate > executed).
    pub fn stricter(self, other: ToolMode) -> ToolMode {
        self.max(other)
    }
}

impl fmt::Display for ToolMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// MCP tool annotations (all optional hints).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ToolAnnotations {
    /// Display title.
    #[serde(default)]
    pub title: Option<String>,
    /// The tool does not modify its environment.
    #[serde(default)]
    pub read_only_hint: Option<bool>,
    /// The tool may perform destructive updates.
    #[serde(default)]
    pub destructive_hint: Option<bool>,
    /// Repeated calls with the same arguments have no additional effect.
    #[serde(default)]
    pub idempotent_hint: Option<bool>,
    /// The tool interacts with an open world of external entities.
    #[serde(default)]
    pub open_world_hint: Option<bool>,
}

/// A tool catalog entry (SPEC §2.3). Accepts MCP's `inputSchema` spelling too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolSpec {
    /// Tool name.
    pub name: String,
    /// Toolset (MCP server, connector) it belongs to.
    #[serde(default)]
    pub toolset: Option<String>,
    /// What the tool does, in the tool author's words.
    #[serde(default)]
    pub description: Option<String>,
    /// JSON Schema of the input.
    #[serde(default, alias = "inputSchema")]
    pub input_schema: Option<serde_json::Value>,
    /// MCP annotations, if the server declares any.
    #[serde(default)]
    pub annotations: Option<ToolAnnotations>,
    /// Explicit mode set on the entry itself.
    #[serde(default)]
    pub policy: Option<ToolMode>,
}

/// Final status of an eval (SPEC §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvalStatus {
    /// The candidate did not regress and the evidence holds.
    Passed,
    /// The candidate regressed or the static checks failed.
    Failed,
    /// The budget ran out or cases errored; finished trials are kept.
    Partial,
    /// Replay itself failed.
    ReplayError,
    /// No provider answered; a heuristic report was made instead.
    SkippedProviderUnavailable,
}

impl EvalStatus {
    /// The snake_case name used in storage, JSON and UI.
    pub fn as_str(self) -> &'static str {
        match self {
            EvalStatus::Passed => "passed",
            EvalStatus::Failed => "failed",
            EvalStatus::Partial => "partial",
            EvalStatus::ReplayError => "replay_error",
            EvalStatus::SkippedProviderUnavailable => "skipped_provider_unavailable",
        }
    }
}

/// How an eval gathered its evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvalMode {
    /// Cases were replayed through a provider.
    Replay,
    /// Static checks only (SPEC §5.3).
    Heuristic,
}

/// How much a reviewer may trust an eval (SPEC §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Weak evidence.
    Low,
    /// Usable evidence.
    Medium,
    /// Strong evidence.
    High,
}

/// Outcome of a static report (safety, preservation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// No blocking finding.
    Passed,
    /// At least one blocking finding.
    Failed,
}

impl ReportStatus {
    /// `passed` or `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Passed => "passed",
            ReportStatus::Failed => "failed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_parse_accepts_aliases_and_rejects_unknown() {
        assert_eq!(Locale::parse("zh_TW"), Some(Locale::ZhTw));
        assert_eq!(Locale::parse("zh-Hans"), Some(Locale::ZhCn));
        assert_eq!(Locale::parse("EN-us"), Some(Locale::En));
        assert_eq!(Locale::parse("fr"), None);
    }

    #[test]
    fn tool_spec_accepts_mcp_spelling() {
        let spec: ToolSpec = serde_json::from_str(
            r#"{"name":"read_file","inputSchema":{"type":"object"},"annotations":{"readOnlyHint":true}}"#,
        )
        .unwrap();
        assert!(spec.input_schema.is_some());
        assert_eq!(spec.annotations.unwrap().read_only_hint, Some(true));
    }

    #[test]
    fn grader_spec_reads_kind_and_default_weight() {
        let g: GraderSpec = serde_json::from_str(r#"{"kind":"contains","value":"42"}"#).unwrap();
        assert_eq!(g.weight, 1.0);
        assert_eq!(g.check, GraderCheck::Contains { value: "42".into() });
    }

    #[test]
    fn stricter_mode_orders_blocked_highest() {
        assert_eq!(
            ToolMode::Executed.stricter(ToolMode::Blocked),
            ToolMode::Blocked
        );
        assert_eq!(
            ToolMode::Surrogate.stricter(ToolMode::Executed),
            ToolMode::Surrogate
        );
    }
}
