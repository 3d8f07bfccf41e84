//! `skillgate policy check`: classify a tool list with the replay tool policy.

use super::Ctx;
use crate::cli::PolicyCommand;
use crate::{Outcome, output};
use anyhow::{Context, Result};
use serde::Serialize;
use skillgate_core::ToolMode;
use skillgate_core::policy::{Classification, Policy, classify, parse_tool_list_in};
use std::path::Path;

/// One classified tool.
#[derive(Debug, Serialize)]
pub struct ClassifiedTool {
    /// Tool name.
    pub name: String,
    /// Toolset, if any.
    pub toolset: Option<String>,
    /// Mode, rule and reason.
    #[serde(flatten)]
    pub classification: Classification,
}

pub async fn run(ctx: &Ctx, cmd: PolicyCommand) -> Result<Outcome> {
    match cmd {
        PolicyCommand::Check {
            tools,
            policy,
            toolset,
        } => {
            let policy_path = policy.or_else(|| ctx.config.policy.file.clone());
            let policy = load_policy(policy_path.as_deref())?;
            let rows = classify_file(&tools, &policy, toolset.as_deref())?;
            if ctx.json {
                output::print_json(&rows)?;
            } else {
                let mut t = output::table(&["tool", "toolset", "mode", "rule", "reason"]);
                for r in &rows {
                    t.add_row(vec![
                        r.name.clone(),
                        r.toolset.clone().unwrap_or_default(),
                        r.classification.mode.to_string(),
                        r.classification.rule.clone(),
                        r.classification.reason.clone(),
                    ]);
                }
                println!("{t}");
                println!("{}", mode_counts(&rows));
            }
            Ok(Outcome::Ok)
        }
    }
}

/// Reads a policy file, or the empty policy when none is given.
pub fn load_policy(path: Option<&Path>) -> Result<Policy> {
    match path {
        None => Ok(Policy::default()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read policy file {}", p.display()))?;
            Policy::from_toml(&text).with_context(|| format!("policy file {}", p.display()))
        }
    }
}

/// Classifies every tool of a JSON tool list file. Entries without a toolset
/// get `toolset`, or the file's stem (`gmail.json` → `gmail`).
pub fn classify_file(
    path: &Path,
    policy: &Policy,
    toolset: Option<&str>,
) -> Result<Vec<ClassifiedTool>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read tool list {}", path.display()))?;
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("tools");
    let tools = parse_tool_list_in(&text, toolset.unwrap_or(stem))
        .with_context(|| format!("tool list {}", path.display()))?;
    Ok(tools
        .iter()
        .map(|t| ClassifiedTool {
            name: t.name.clone(),
            toolset: t.toolset.clone(),
            classification: classify(t, policy),
        })
        .collect())
}

/// "N tools: a executed, b surrogate, c blocked".
pub fn mode_counts(rows: &[ClassifiedTool]) -> String {
    let count = |m: ToolMode| rows.iter().filter(|r| r.classification.mode == m).count();
    format!(
        "{} tools: {} executed, {} surrogate, {} blocked",
        rows.len(),
        count(ToolMode::Executed),
        count(ToolMode::Surrogate),
        count(ToolMode::Blocked)
    )
}
