//! `skillgate policy check`: classify a tool list with the replay tool policy.

use super::Ctx;
use crate::cli::PolicyCommand;
use crate::{Outcome, output};
use anyhow::{Context, Result};
use serde::Serialize;
use skillgate_core::ToolMode;
use skillgate_core::policy::{Classification, Policy, classify, parse_tool_list};
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
        PolicyCommand::Check { tools, policy } => {
            let policy_path = policy.or_else(|| ctx.config.policy.file.clone());
            let policy = load_policy(policy_path.as_deref())?;
            let rows = classify_file(&tools, &policy)?;
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

/// Classifies every tool of a JSON tool list file.
pub fn classify_file(path: &Path, policy: &Policy) -> Result<Vec<ClassifiedTool>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read tool list {}", path.display()))?;
    let tools = parse_tool_list(&text).with_context(|| format!("tool list {}", path.display()))?;
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
