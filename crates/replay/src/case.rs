//! One Trial of a replay case end to end: the Arm's skill from its `SKILL.md`, a fresh
//! replay workspace and tool layer, the agent loop. What `skillgate replay-case` and the
//! eval worker call per (case, arm, trial).

use crate::agent::{TrialLimits, TrialTranscript, run_trial};
use crate::context::SkillContext;
use crate::input::{TrialSettings, trial_input_from_run};
use skillgate_core::{Arm, Run};
use skillgate_providers::Provider;
use skillgate_skill::{FrontmatterState, SkillDocument};
use skillgate_tools::{ReplayTools, ToolError, ToolLayerConfig};

/// Why a case Trial could not start (the agent loop itself never fails).
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// The Arm's `SKILL.md` has no usable frontmatter `name` / `description`.
    #[error(
        "skill {source_name}: {problem}; fix the frontmatter of SKILL.md (it needs `name` and `description` strings) and run `skillgate skills add` / `draft submit` again"
    )]
    Skill {
        /// Which skill file (path, or `draft <id>`).
        source_name: String,
        /// What is wrong.
        problem: String,
    },
    /// The replay workspace or tool layer could not be set up.
    #[error("replay tool layer for run {run_id}: {source}")]
    Tools {
        /// The Run being replayed.
        run_id: String,
        /// The tool layer's error (names the file and the fix).
        #[source]
        source: ToolError,
    },
}

impl SkillContext {
    /// The skill as the agent sees it, from a `SKILL.md` text: frontmatter `name` and
    /// `description`, and the body after the frontmatter. `source_name` names the file in
    /// errors.
    pub fn from_skill_md(text: &str, source_name: &str) -> Result<SkillContext, ReplayError> {
        let doc = SkillDocument::parse(text);
        let problem = |problem: String| ReplayError::Skill {
            source_name: source_name.to_string(),
            problem,
        };
        let front = match &doc.frontmatter {
            FrontmatterState::Parsed(f) => f,
            FrontmatterState::Missing => {
                return Err(problem(
                    "no frontmatter (the file must start with a `---` block)".into(),
                ));
            }
            FrontmatterState::Unterminated => {
                return Err(problem(
                    "the frontmatter block is never closed with `---`".into(),
                ));
            }
            FrontmatterState::Invalid { line, message } => {
                return Err(problem(format!(
                    "invalid frontmatter at line {line}: {message}"
                )));
            }
        };
        let field = |key: &str| -> Result<String, ReplayError> {
            match front.value.get(key).and_then(serde_json::Value::as_str) {
                Some(v) if !v.trim().is_empty() => Ok(v.trim().to_string()),
                _ => Err(problem(format!(
                    "frontmatter `{key}` is missing or not a non-empty string (line {})",
                    front.line_of(key)
                ))),
            }
        };
        Ok(SkillContext {
            name: field("name")?,
            description: field("description")?,
            body: doc.body().trim().to_string(),
        })
    }
}

/// A finished case Trial. `tools` still holds the replay workspace, so file and command
/// graders can inspect it; dropping it deletes the workspace.
#[derive(Debug)]
pub struct CaseTrial {
    /// Which Arm.
    pub arm: Arm,
    /// Trial number within the Arm (0-based).
    pub trial: u32,
    /// What happened.
    pub transcript: TrialTranscript,
    /// The Trial's tool layer and workspace.
    pub tools: ReplayTools,
}

/// Replays `run` once in `arm`: builds a fresh workspace from `case_files` and a tool layer
/// whose surrogates answer from the Run's recorded calls, then runs the agent loop.
#[allow(clippy::too_many_arguments)]
pub async fn run_case_trial(
    provider: &Provider,
    tool_cfg: ToolLayerConfig,
    case_files: &[(String, Vec<u8>)],
    run: &Run,
    arm: Arm,
    trial: u32,
    skill: Option<SkillContext>,
    settings: &TrialSettings,
    limits: &TrialLimits,
) -> Result<CaseTrial, ReplayError> {
    let tools = ReplayTools::new(tool_cfg, case_files, &run.tool_calls)
        .await
        .map_err(|source| ReplayError::Tools {
            run_id: run.id.clone(),
            source,
        })?;
    let input = trial_input_from_run(run, arm, trial, skill, settings);
    let transcript = run_trial(provider, &tools, &input, limits).await;
    Ok(CaseTrial {
        arm,
        trial,
        transcript,
        tools,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skill_context_reads_frontmatter_and_body() {
        let md = "---\nname: csv-summary\ndescription: Summarises CSV files.\n---\n\n# Steps\nRead it.\n";
        let s = SkillContext::from_skill_md(md, "skills/csv-summary/SKILL.md").unwrap();
        assert_eq!(s.name, "csv-summary");
        assert_eq!(s.description, "Summarises CSV files.");
        assert_eq!(s.body, "# Steps\nRead it.");
    }

    #[test]
    fn skill_context_names_file_and_missing_key() {
        let md = "---\nname: csv-summary\n---\nbody\n";
        let err = SkillContext::from_skill_md(md, "skills/x/SKILL.md")
            .unwrap_err()
            .to_string();
        assert!(err.contains("skills/x/SKILL.md"), "{err}");
        assert!(err.contains("`description`"), "{err}");
    }

    #[test]
    fn skill_context_rejects_missing_frontmatter() {
        let err = SkillContext::from_skill_md("# Just a body\n", "a/SKILL.md")
            .unwrap_err()
            .to_string();
        assert!(err.contains("no frontmatter"), "{err}");
    }
}
