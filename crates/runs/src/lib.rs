//! Run intake: turns files of historical agent runs into validated
//! [`skillgate_core::Run`]s, one line at a time, never panicking on bad input.
//!
//! Invariant: a bad line is reported as `FILE:LINE: reason` and skipped; it
//! never stops the good lines around it. Memory stays bounded by
//! [`ReaderLimits::max_line_bytes`] whatever the input.

mod canonical;

pub use canonical::{LineError, ReaderLimits, RunReader, validate_run};

use std::fmt;
use std::str::FromStr;

/// Input formats `runs import --format` knows about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunFormat {
    /// skillgate's canonical JSON Lines (SPEC §2.2).
    Skillgate,
    /// OpenAI chat logs (`tool_calls` / `role: tool`).
    OpenAi,
    /// Anthropic Messages logs (`tool_use` / `tool_result`).
    Anthropic,
    /// Claude Code session JSONL.
    ClaudeCode,
}

impl RunFormat {
    /// Whether this build can import the format.
    pub fn is_supported(self) -> bool {
        matches!(self, RunFormat::Skillgate)
    }

    /// The `--format` value.
    pub fn as_str(self) -> &'static str {
        match self {
            RunFormat::Skillgate => "skillgate",
            RunFormat::OpenAi => "openai",
            RunFormat::Anthropic => "anthropic",
            RunFormat::ClaudeCode => "claude-code",
        }
    }
}

impl fmt::Display for RunFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RunFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "skillgate" | "canonical" => Ok(RunFormat::Skillgate),
            "openai" => Ok(RunFormat::OpenAi),
            "anthropic" => Ok(RunFormat::Anthropic),
            "claude-code" | "claudecode" => Ok(RunFormat::ClaudeCode),
            other => Err(format!(
                "unknown run format '{other}': expected skillgate, openai, anthropic or claude-code"
            )),
        }
    }
}
