//! Graders (SPEC §3.3): each turns a trial's outcome into a score in [0, 1]
//! with an explanation; their weighted mean is the trial's score (partial
//! credit). Code graders look at the final answer or the trial's replay
//! workspace; the model grader asks a judge provider with the rubric and the
//! accepted answer as reference. A grader that cannot run says why, is
//! excluded from the score, and is flagged.

use crate::judge::Judge;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use skillgate_core::{Criteria, GraderCheck, GraderSpec};
use skillgate_tools::ReplayTools;
use std::path::Path;

/// Default per-case pass threshold (SPEC §3.3).
pub const DEFAULT_PASS_THRESHOLD: f64 = 0.5;

/// One grader's verdict on one trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraderResult {
    /// Stable id within the case: `<index>:<kind>` (e.g. `0:contains`).
    pub id: String,
    /// Grader kind (`exact`, `contains`, `regex`, `json_field`, `file_equals`,
    /// `file_contains`, `command`, `model`).
    pub kind: String,
    /// Relative weight.
    pub weight: f64,
    /// Score in [0, 1]; `None` when the grader could not run.
    pub score: Option<f64>,
    /// Score ≥ 0.5 (`None` when excluded).
    pub passed: Option<bool>,
    /// Why, in words.
    pub explanation: String,
    /// True when the grader could not run and its weight was left out.
    pub excluded: bool,
}

/// All graders of one trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrialGrade {
    /// Weighted mean of the included graders; `None` when none could run.
    pub score: Option<f64>,
    /// Score ≥ the case's threshold.
    pub passed: Option<bool>,
    /// The threshold used.
    pub threshold: f64,
    /// Each grader.
    pub graders: Vec<GraderResult>,
    /// Judge answers taken from the response cache.
    pub cache_hits: u64,
    /// Judge tokens (input, output).
    pub judge_tokens: (u64, u64),
}

/// What graders look at.
pub struct GradeInput<'a> {
    /// The task.
    pub task: &'a str,
    /// The trial's final answer (`""` when it had none).
    pub final_answer: &'a str,
    /// The accepted answer of the run (model grader reference).
    pub reference: &'a str,
    /// The trial's tool layer: its workspace for file graders, its sandbox for commands.
    pub tools: Option<&'a ReplayTools>,
    /// The judge for model graders.
    pub judge: Option<&'a Judge>,
}

/// The graders of a case: its criteria's graders, or, when it has none, one
/// model grader against the accepted answer.
pub fn graders_of(criteria: Option<&Criteria>) -> Vec<GraderSpec> {
    match criteria {
        Some(c) if !c.graders.is_empty() => c.graders.clone(),
        _ => vec![GraderSpec {
            check: GraderCheck::Model { rubric: None },
            weight: 1.0,
        }],
    }
}

/// Kind name of a grader check.
pub fn kind_of(check: &GraderCheck) -> &'static str {
    match check {
        GraderCheck::Exact { .. } => "exact",
        GraderCheck::Contains { .. } => "contains",
        GraderCheck::Regex { .. } => "regex",
        GraderCheck::JsonField { .. } => "json_field",
        GraderCheck::FileEquals { .. } => "file_equals",
        GraderCheck::FileContains { .. } => "file_contains",
        GraderCheck::Command { .. } => "command",
        GraderCheck::Model { .. } => "model",
    }
}

fn short(s: &str) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > 60 {
        format!("{}…", one.chars().take(59).collect::<String>())
    } else {
        one
    }
}

/// Outcome of one check: `Ok((score, explanation))` or `Err(why it could not run)`.
type Check = Result<(f64, String), String>;

fn bool_score(ok: bool, yes: String, no: String) -> Check {
    Ok(if ok { (1.0, yes) } else { (0.0, no) })
}

/// The JSON value inside an answer: the whole text, a fenced block, or the
/// first `{`…last `}` span.
pub fn extract_json(text: &str) -> Option<Value> {
    let t = text.trim();
    if let Ok(v) = serde_json::from_str::<Value>(t) {
        return Some(v);
    }
    if let Some(start) = t.find("```") {
        let rest = &t[start + 3..];
        let rest = rest.strip_prefix("json").unwrap_or(rest);
        if let Some(end) = rest.find("```")
            && let Ok(v) = serde_json::from_str::<Value>(rest[..end].trim())
        {
            return Some(v);
        }
    }
    let (s, e) = (t.find('{')?, t.rfind('}')?);
    if e > s {
        serde_json::from_str(&t[s..=e]).ok()
    } else {
        None
    }
}

fn json_equal(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-9,
        _ => a == b,
    }
}

fn read_workspace_file(root: &Path, path: &str) -> Result<String, String> {
    let host = skillgate_tools::workspace::resolve(root, path)
        .map_err(|e| format!("file '{path}' is outside the replay workspace: {}", e.why))?;
    match std::fs::read(&host) {
        Ok(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(String::new()),
        Err(e) => Err(format!(
            "could not read '{path}' in the replay workspace: {e}"
        )),
    }
}

async fn check(
    spec: &GraderSpec,
    input: &GradeInput<'_>,
    rubric: Option<&str>,
    cache_hits: &mut u64,
    tokens: &mut (u64, u64),
) -> Check {
    let answer = input.final_answer;
    match &spec.check {
        GraderCheck::Exact { value } => bool_score(
            answer.trim() == value.trim(),
            format!("answer equals \"{}\"", short(value)),
            format!(
                "answer does not equal \"{}\" (got \"{}\")",
                short(value),
                short(answer)
            ),
        ),
        GraderCheck::Contains { value } => bool_score(
            answer.to_lowercase().contains(&value.to_lowercase()),
            format!("answer contains \"{}\"", short(value)),
            format!("answer does not contain \"{}\"", short(value)),
        ),
        GraderCheck::Regex { pattern } => {
            let re = regex::Regex::new(pattern).map_err(|e| {
                format!("regex grader pattern /{pattern}/ is invalid: {e}; fix the run's criteria")
            })?;
            bool_score(
                re.is_match(answer),
                format!("answer matches /{}/", short(pattern)),
                format!("answer does not match /{}/", short(pattern)),
            )
        }
        GraderCheck::JsonField { pointer, value } => match extract_json(answer) {
            None => Ok((
                0.0,
                format!("answer is not JSON, so {pointer} cannot equal {value}"),
            )),
            Some(doc) => match doc.pointer(pointer) {
                None => Ok((0.0, format!("answer JSON has no field {pointer}"))),
                Some(found) => bool_score(
                    json_equal(found, value),
                    format!("{pointer} = {value}"),
                    format!("{pointer} is {found}, expected {value}"),
                ),
            },
        },
        GraderCheck::FileEquals { path, value } | GraderCheck::FileContains { path, value } => {
            let Some(tools) = input.tools else {
                return Err("no replay workspace for this trial (file graders need one)".into());
            };
            let equals = matches!(spec.check, GraderCheck::FileEquals { .. });
            match read_workspace_file(tools.workspace_dir(), path) {
                Err(e) if e.is_empty() => {
                    Ok((0.0, format!("workspace file {path} was not written")))
                }
                Err(e) => Err(e),
                Ok(text) if equals => bool_score(
                    text.trim() == value.trim(),
                    format!("workspace file {path} equals the expected text"),
                    format!("workspace file {path} differs from the expected text"),
                ),
                Ok(text) => bool_score(
                    text.to_lowercase().contains(&value.to_lowercase()),
                    format!("workspace file {path} contains \"{}\"", short(value)),
                    format!(
                        "workspace file {path} does not contain \"{}\"",
                        short(value)
                    ),
                ),
            }
        }
        GraderCheck::Command { command } => {
            let Some(tools) = input.tools else {
                return Err("not supported yet without a replay workspace: the command grader needs the trial's sandbox".into());
            };
            if !tools.sandbox_status().available {
                return Err(format!(
                    "not supported yet on this machine: the sandbox is unavailable ({}), and commands never run outside it",
                    tools.sandbox_status().reason
                ));
            }
            match tools.run_in_sandbox(command).await {
                Ok(out) => bool_score(
                    out.success(),
                    format!("`{}` exited 0 in the sandbox", short(command)),
                    format!(
                        "`{}` failed in the sandbox (exit {:?})",
                        short(command),
                        out.exit_code
                    ),
                ),
                Err(e) => Err(format!(
                    "command grader could not run `{}`: {e}",
                    short(command)
                )),
            }
        }
        GraderCheck::Model { rubric: own } => {
            let Some(judge) = input.judge else {
                return Err("no judge provider configured (set [judge] or [provider])".into());
            };
            let rubric = own.as_deref().or(rubric);
            let verdict = match judge
                .grade(input.task, rubric, input.reference, answer)
                .await
            {
                Ok(v) => v,
                Err(e) => {
                    tokens.0 += e.input_tokens;
                    tokens.1 += e.output_tokens;
                    return Err(e.message);
                }
            };
            if verdict.cached {
                *cache_hits += 1;
            }
            tokens.0 += verdict.input_tokens;
            tokens.1 += verdict.output_tokens;
            Ok((verdict.score, format!("judge: {}", verdict.explanation)))
        }
    }
}

/// Grades one trial with the case's graders; weights give partial credit
/// over the graders that could run.
pub async fn grade_trial(criteria: Option<&Criteria>, input: &GradeInput<'_>) -> TrialGrade {
    let threshold = criteria
        .and_then(|c| c.pass_threshold)
        .unwrap_or(DEFAULT_PASS_THRESHOLD);
    let rubric = criteria.and_then(|c| c.rubric.as_deref());
    let mut graders = Vec::new();
    let mut cache_hits = 0;
    let mut tokens = (0, 0);
    let (mut num, mut den) = (0.0, 0.0);
    for (i, spec) in graders_of(criteria).iter().enumerate() {
        let kind = kind_of(&spec.check);
        let weight = if spec.weight.is_finite() && spec.weight > 0.0 {
            spec.weight
        } else {
            0.0
        };
        let result = match check(spec, input, rubric, &mut cache_hits, &mut tokens).await {
            Ok((score, explanation)) => {
                let score = score.clamp(0.0, 1.0);
                num += weight * score;
                den += weight;
                GraderResult {
                    id: format!("{i}:{kind}"),
                    kind: kind.into(),
                    weight,
                    score: Some(score),
                    passed: Some(score >= DEFAULT_PASS_THRESHOLD),
                    explanation,
                    excluded: false,
                }
            }
            Err(why) => GraderResult {
                id: format!("{i}:{kind}"),
                kind: kind.into(),
                weight,
                score: None,
                passed: None,
                explanation: why,
                excluded: true,
            },
        };
        graders.push(result);
    }
    let score = (den > 0.0).then(|| num / den);
    TrialGrade {
        score,
        passed: score.map(|s| s >= threshold - skillgate_core::stats::FLOAT_SLACK),
        threshold,
        graders,
        cache_hits,
        judge_tokens: tokens,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crit(graders: Vec<GraderCheck>, weights: &[f64]) -> Criteria {
        Criteria {
            graders: graders
                .into_iter()
                .zip(weights)
                .map(|(check, w)| GraderSpec { check, weight: *w })
                .collect(),
            pass_threshold: None,
            rubric: None,
        }
    }

    fn input(answer: &str) -> GradeInput<'_> {
        GradeInput {
            task: "t",
            final_answer: answer,
            reference: "ref",
            tools: None,
            judge: None,
        }
    }

    #[tokio::test]
    async fn weights_give_partial_credit() {
        let c = crit(
            vec![
                GraderCheck::Contains {
                    value: "PLAT-209".into(),
                },
                GraderCheck::Regex {
                    pattern: r"\d+ deploys".into(),
                },
                GraderCheck::Exact {
                    value: "nope".into(),
                },
            ],
            &[2.0, 1.0, 1.0],
        );
        let g = grade_trial(Some(&c), &input("done plat-209, 23 deploys")).await;
        assert_eq!(g.score, Some(0.75));
        assert_eq!(g.passed, Some(true));
        assert_eq!(g.graders[2].score, Some(0.0));
    }

    #[tokio::test]
    async fn json_field_reads_fenced_json_and_compares_numbers() {
        let c = crit(
            vec![GraderCheck::JsonField {
                pointer: "/total_eur".into(),
                value: serde_json::json!(412.5),
            }],
            &[1.0],
        );
        let g = grade_trial(
            Some(&c),
            &input("Here:\n```json\n{\"total_eur\": 412.50}\n```"),
        )
        .await;
        assert_eq!(g.score, Some(1.0));
    }

    #[tokio::test]
    async fn graders_that_cannot_run_are_excluded_and_flagged() {
        let c = crit(
            vec![
                GraderCheck::Contains { value: "x".into() },
                GraderCheck::Command {
                    command: "test -f a".into(),
                },
                GraderCheck::Model { rubric: None },
            ],
            &[1.0, 5.0, 5.0],
        );
        let g = grade_trial(Some(&c), &input("x")).await;
        assert_eq!(g.score, Some(1.0));
        assert!(g.graders[1].excluded && g.graders[1].explanation.contains("not supported yet"));
        assert!(g.graders[2].excluded);
    }

    #[tokio::test]
    async fn custom_threshold_decides_pass() {
        let mut c = crit(
            vec![
                GraderCheck::Contains { value: "a".into() },
                GraderCheck::Contains { value: "b".into() },
            ],
            &[1.0, 1.0],
        );
        c.pass_threshold = Some(0.8);
        let g = grade_trial(Some(&c), &input("a only")).await;
        assert_eq!(g.score, Some(0.5));
        assert_eq!(g.passed, Some(false));
    }

    #[tokio::test]
    async fn no_grader_able_to_run_gives_no_score() {
        let g = grade_trial(None, &input("x")).await;
        assert_eq!(g.score, None);
        assert_eq!(g.graders[0].kind, "model");
    }
}
