//! Run intake: turns files of historical agent runs into validated
//! [`skillgate_core::Run`]s, one line at a time, never panicking on bad input:
//! skillgate's canonical JSON Lines ([`RunReader`]) and importers for OpenAI
//! chat logs, Anthropic Messages logs, Claude Code sessions and SWE-agent
//! trajectories
//! ([`import_runs`]; mapping in `docs/importers.md`).
//!
//! Invariant: a bad line (or array entry) is reported as `FILE:LINE: reason`
//! (`FILE: entry N: reason`) and skipped; it never stops the good runs around
//! it. Memory stays bounded by [`ReaderLimits::max_line_bytes`] per line; a
//! JSON array document is read whole and capped at the same size.

mod anthropic;
mod canonical;
mod claude_code;
mod documents;
mod import;
mod lines;
mod openai;
mod swe_agent;

pub use canonical::{LineError, ReaderLimits, RunReader, validate_run};
pub use claude_code::ClaudeCodeReader;
pub use import::{ImportError, ImportOptions, Location};

use skillgate_core::Run;
use std::io::BufRead;

/// Streams the runs of one file in `format`. Each item is a run or why one
/// run (or input line) was skipped; the iterator never stops early on bad
/// input. For [`RunFormat::Skillgate`] the options' tenant, locale and
/// acceptance are not used: canonical runs carry their own.
pub fn import_runs<'a, R: BufRead + 'a>(
    input: R,
    format: RunFormat,
    opts: ImportOptions,
) -> Box<dyn Iterator<Item = Result<Run, ImportError>> + 'a> {
    fn entries<'a, R: BufRead + 'a>(
        input: R,
        opts: ImportOptions,
        map: fn(&serde_json::Value, &ImportOptions) -> Result<Run, String>,
    ) -> Box<dyn Iterator<Item = Result<Run, ImportError>> + 'a> {
        Box::new(
            documents::Entries::new(input, opts.limits).map(move |item| {
                let (location, value) = item?;
                map(&value, &opts).map_err(|reason| ImportError { location, reason })
            }),
        )
    }
    match format {
        RunFormat::Skillgate => {
            Box::new(RunReader::new(input, opts.limits).map(|r| r.map_err(ImportError::from)))
        }
        RunFormat::OpenAi => entries(input, opts, openai::map_entry),
        RunFormat::Anthropic => entries(input, opts, anthropic::map_entry),
        RunFormat::ClaudeCode => Box::new(ClaudeCodeReader::new(input, opts)),
        RunFormat::SweAgent => entries(input, opts, swe_agent::map_entry),
    }
}

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
    /// SWE-agent `.traj` trajectories.
    SweAgent,
}

impl RunFormat {
    /// The `--format` value.
    pub fn as_str(self) -> &'static str {
        match self {
            RunFormat::Skillgate => "skillgate",
            RunFormat::OpenAi => "openai",
            RunFormat::Anthropic => "anthropic",
            RunFormat::ClaudeCode => "claude-code",
            RunFormat::SweAgent => "swe-agent",
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
            "swe-agent" | "sweagent" => Ok(RunFormat::SweAgent),
            other => Err(format!(
                "unknown run format '{other}': expected skillgate, openai, anthropic, claude-code or swe-agent"
            )),
        }
    }
}
