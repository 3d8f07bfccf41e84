//! Fixture for eval tests: a store with a published skill, a revision draft
//! and runs; a scripted provider that answers per arm and case.

#![allow(dead_code)]

use serde_json::json;
use skillgate_core::{Criteria, GraderCheck, GraderSpec, RecordedToolCall, Run};
use skillgate_eval::{EvalEnv, EvalSettings};
use skillgate_providers::{ProviderConfig, ProviderKind};
use skillgate_scripted_llm::{Mode, Rule, Script, ScriptedToolCall, Step};
use skillgate_store::{NewDraft, SkillFile, Store};
use std::path::PathBuf;

pub const SKILL: &str = "report-writer";
pub const BASE_MARK: &str = "BASEMARK";
pub const CAND_MARK: &str = "CANDMARK";

pub fn skill_md(mark: &str, body: &str) -> Vec<u8> {
    format!(
        "---\nname: {SKILL}\ndescription: Writes weekly status reports {mark}. Use when asked for a status report.\n---\n\n## Steps\n\n{body}\n"
    )
    .into_bytes()
}

fn contains(v: &str, w: f64) -> GraderSpec {
    GraderSpec {
        check: GraderCheck::Contains { value: v.into() },
        weight: w,
    }
}

pub fn run(id: &str, task: &str, graders: Vec<GraderSpec>, calls: Vec<RecordedToolCall>) -> Run {
    Run {
        id: id.into(),
        tenant: "acme".into(),
        locale: "en".into(),
        task: task.into(),
        messages: vec![],
        tool_calls: calls,
        final_answer: format!("reference answer of {id}"),
        accepted: true,
        accepted_at: Some("2026-02-01T10:00:00Z".into()),
        created_at: Some("2026-02-01T09:00:00Z".into()),
        criteria: Some(Criteria {
            graders,
            pass_threshold: None,
            rubric: Some("Same outcome.".into()),
        }),
        skill: Some(SKILL.into()),
    }
}

/// Three cases: alpha (candidate improves), beta (candidate regresses),
/// gamma (unchanged, with a model grader).
pub fn runs() -> Vec<Run> {
    vec![
        run(
            "run-alpha",
            "case-alpha: write the status report from notes.md",
            vec![contains("ALPHA-OK", 1.0)],
            vec![RecordedToolCall {
                name: "read_file".into(),
                toolset: Some("workspace".into()),
                arguments: json!({"path": "notes.md"}),
                result: json!({"content": "alpha notes"}),
                started_at: None,
            }],
        ),
        run(
            "run-beta",
            "case-beta: email the status report to the team",
            vec![contains("BETA-OK", 1.0)],
            vec![],
        ),
        run(
            "run-gamma",
            "case-gamma: summarise the status report risks",
            vec![
                contains("GAMMA-OK", 1.0),
                GraderSpec {
                    check: GraderCheck::Model { rubric: None },
                    weight: 1.0,
                },
            ],
            vec![],
        ),
    ]
}

pub async fn store_with_draft(dir: &std::path::Path) -> (Store, String) {
    let store = Store::open(&dir.join("eval.db")).await.unwrap();
    store.insert_runs(&runs()).await.unwrap();
    let v1 = store
        .publish_skill_version(
            SKILL,
            "Writes weekly status reports BASEMARK.",
            &[SkillFile {
                path: "SKILL.md".into(),
                bytes: skill_md(BASE_MARK, "Write the report."),
            }],
            None,
        )
        .await
        .unwrap();
    let draft = store
        .create_draft(&NewDraft {
            skill_name: SKILL.into(),
            description: "Writes weekly status reports CANDMARK.".into(),
            revises_version_id: Some(v1.id),
            files: vec![SkillFile {
                path: "SKILL.md".into(),
                bytes: skill_md(CAND_MARK, "Write the report, then add risks."),
            }],
            lint_report: Some(r#"{"findings":[]}"#.into()),
            safety_report: Some(r#"{"status":"passed","findings":[]}"#.into()),
            preservation_report: Some(r#"{"status":"passed","sections":[]}"#.into()),
        })
        .await
        .unwrap();
    (store, draft.id)
}

fn rule(system: &str, task: &str, steps: Vec<Step>) -> Rule {
    Rule {
        when_system_contains: Some(system.into()),
        when_any_message_contains: Some(task.into()),
        mode: Mode::ByTurn,
        steps,
        ..Default::default()
    }
}

fn call(name: &str, args: serde_json::Value) -> ScriptedToolCall {
    ScriptedToolCall {
        id: None,
        name: name.into(),
        arguments: args,
    }
}

fn tool_step(name: &str, args: serde_json::Value) -> Step {
    Step {
        tool_calls: vec![call(name, args)],
        ..Default::default()
    }
}

/// The scripted provider of the fixture; `delay_ms` on every answer.
pub fn script(delay_ms: u64) -> Script {
    let d = |s: Step| s.with_delay_ms(delay_ms);
    Script {
        rules: vec![
            // Pairwise judge: always prefers the second answer (pure position bias).
            Rule {
                when_system_contains: Some("compare two answers".into()),
                steps: vec![Step::text(
                    r#"{"winner": "B", "explanation": "the second one"}"#,
                )],
                ..Default::default()
            },
            Rule {
                when_system_contains: Some("strict, fair grader".into()),
                steps: vec![Step::text(
                    r#"{"score": 1.0, "explanation": "same outcome"}"#,
                )],
                ..Default::default()
            },
            rule(
                BASE_MARK,
                "case-alpha",
                vec![d(Step::text("alpha report, nothing else"))],
            ),
            rule(
                CAND_MARK,
                "case-alpha",
                vec![
                    d(tool_step("load_skill", json!({"name": SKILL}))),
                    d(tool_step("read_file", json!({"path": "notes.md"}))),
                    d(Step::text("ALPHA-OK report")),
                ],
            ),
            rule(
                BASE_MARK,
                "case-beta",
                vec![
                    d(tool_step(
                        "send_email",
                        json!({"to": ["team@acme.example"], "subject": "Status", "body": "BETA-OK"}),
                    )),
                    d(Step::text("BETA-OK sent")),
                ],
            ),
            rule(
                CAND_MARK,
                "case-beta",
                vec![d(Step::text("beta report drafted"))],
            ),
            rule(
                BASE_MARK,
                "case-gamma",
                vec![d(Step::text("GAMMA-OK risks listed"))],
            ),
            rule(
                CAND_MARK,
                "case-gamma",
                vec![d(Step::text("GAMMA-OK risks listed"))],
            ),
        ],
        steps: vec![Step::text("OK")],
        ..Default::default()
    }
}

pub fn provider(base_url: &str, concurrency: usize) -> ProviderConfig {
    let mut cfg = ProviderConfig::new(ProviderKind::OpenAi, base_url, "scripted-model");
    cfg.concurrency = concurrency;
    cfg.max_retries = 0;
    cfg
}

pub fn env(agent: Option<ProviderConfig>) -> EvalEnv {
    let mut env = EvalEnv::new(Ok(agent));
    env.protected_paths = Vec::new();
    env.bwrap_path = Some(PathBuf::from("/nonexistent/bwrap"));
    env
}

pub fn settings() -> EvalSettings {
    EvalSettings {
        trials: 3,
        concurrency: Some(1),
        ..Default::default()
    }
}
