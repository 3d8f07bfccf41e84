//! Shared fixture of the `eval` CLI tests: a database with a published skill,
//! a revision draft and three accepted runs, and a skillgate.toml.

#![allow(dead_code)]

use crate::support;
use assert_cmd::Command;
use skillgate_core::{Criteria, GraderCheck, GraderSpec, Run};
use skillgate_store::{NewDraft, SkillFile, Store};
use std::path::{Path, PathBuf};

pub const SKILL: &str = "report-writer";

pub fn skillgate(dir: &Path) -> Command {
    skillgate_on(dir, "eval.db")
}

/// [`skillgate`] on the database `db` (a SQLite path or a PostgreSQL URL).
pub fn skillgate_on(dir: &Path, db: &str) -> Command {
    let mut cmd = support::skillgate_in(dir);
    cmd.args(["--db", db, "--config", "skillgate.toml"]);
    cmd
}

fn skill_md(mark: &str) -> Vec<u8> {
    format!("---\nname: {SKILL}\ndescription: Writes weekly status reports {mark}. Use when asked for a status report.\n---\n\n## Steps\n\nWrite the report.\n").into_bytes()
}

fn run(id: &str, task: &str, want: &str) -> Run {
    Run {
        id: id.into(),
        tenant: "acme".into(),
        locale: "en".into(),
        task: task.into(),
        messages: vec![],
        tool_calls: vec![],
        final_answer: format!("{want} done"),
        accepted: true,
        accepted_at: Some("2026-02-01T10:00:00Z".into()),
        created_at: None,
        criteria: Some(Criteria {
            graders: vec![GraderSpec {
                check: GraderCheck::Contains { value: want.into() },
                weight: 1.0,
            }],
            pass_threshold: None,
            rubric: None,
        }),
        skill: Some(SKILL.into()),
    }
}

/// Writes `eval.db` and `skillgate.toml` into `dir`; returns the draft id.
pub async fn fixture(dir: &Path) -> String {
    fixture_on(dir, &db(dir).display().to_string()).await
}

/// [`fixture`] with the data in the database `db` (a SQLite path or a
/// PostgreSQL URL) instead of `eval.db`.
pub async fn fixture_on(dir: &Path, db: &str) -> String {
    std::fs::write(
        dir.join("skillgate.toml"),
        "[eval]\nconcurrency = 2\nbwrap_path = \"/nonexistent/bwrap\"\nprotected_paths = []\n",
    )
    .unwrap();
    let store = Store::open_url(db).await.unwrap();
    store
        .insert_runs(&[
            run(
                "run-alpha",
                "case-alpha: write the weekly status report for Platform",
                "ALPHA-OK",
            ),
            run(
                "run-beta",
                "case-beta: email the status report to the data team",
                "BETA-OK",
            ),
            run(
                "run-gamma",
                "case-gamma: list the report risks for Mobile",
                "GAMMA-OK",
            ),
        ])
        .await
        .unwrap();
    let v1 = store
        .publish_skill_version(
            SKILL,
            "Writes reports BASEMARK.",
            &[SkillFile {
                path: "SKILL.md".into(),
                bytes: skill_md("BASEMARK"),
            }],
            None,
        )
        .await
        .unwrap();
    let draft = store
        .create_draft(&NewDraft {
            skill_name: SKILL.into(),
            description: "Writes reports CANDMARK.".into(),
            revises_version_id: Some(v1.id),
            files: vec![SkillFile {
                path: "SKILL.md".into(),
                bytes: skill_md("CANDMARK"),
            }],
            lint_report: Some(r#"{"findings":[]}"#.into()),
            safety_report: Some(r#"{"status":"passed","findings":[]}"#.into()),
            preservation_report: Some(r#"{"status":"passed","sections":[]}"#.into()),
        })
        .await
        .unwrap();
    store.close().await;
    draft.id
}

pub fn db(dir: &Path) -> PathBuf {
    dir.join("eval.db")
}

/// Every trial answers in one request after `delay_ms`.
pub fn script(delay_ms: u64) -> skillgate_scripted_llm::Script {
    use skillgate_scripted_llm::{Mode, Rule, Script, Step};
    let rule = |case: &str, answer: &str| Rule {
        when_any_message_contains: Some(case.into()),
        mode: Mode::ByTurn,
        steps: vec![Step::text(answer).with_delay_ms(delay_ms)],
        ..Default::default()
    };
    Script {
        rules: vec![
            rule("case-alpha", "ALPHA-OK"),
            rule("case-beta", "beta without the marker"),
            rule("case-gamma", "GAMMA-OK"),
        ],
        steps: vec![Step::text("OK")],
        ..Default::default()
    }
}

/// Seeds of the trial requests a server saw (the availability probe has none
/// of the case markers).
pub fn trial_seeds(server: &skillgate_scripted_llm::ScriptedServer) -> Vec<u64> {
    server
        .requests_seen()
        .iter()
        .filter(|r| r.body.to_string().contains("case-"))
        .filter_map(|r| r.body.get("seed").and_then(|s| s.as_u64()))
        .collect()
}
