//! `skillgate demo`: a fresh folder, the bundled data set, the pipeline as far as it exists.
//! Every stage that is not built yet says so in one explicit line.

use super::Ctx;
use super::eval::run_eval_for_demo;
use super::governance::{gate_verdict_for, verdict_label};
use super::policy::{classify_file, load_policy, mode_counts};
use super::runs::import_file;
use super::skills::{AddOutcome, add_skill, submit_draft};
use crate::Outcome;
use anyhow::{Context, Result, bail};
use skillgate_store::Store;
use std::path::Path;
use std::time::Instant;

macro_rules! demo_file {
    ($path:literal) => {
        ($path, include_str!(concat!("../../../../demo/", $path)))
    };
}

/// The bundled demo data set (`demo/` at the repository root), compiled into the binary.
pub const DEMO_FILES: &[(&str, &str)] = &[
    demo_file!("README.md"),
    demo_file!("runs.jsonl"),
    demo_file!("tools.json"),
    demo_file!("policy.toml"),
    demo_file!("skills/weekly-status-report/SKILL.md"),
    demo_file!("skills/meeting-scheduler/SKILL.md"),
    demo_file!("skills/expense-triage/SKILL.md"),
    demo_file!("drafts/weekly-status-report/SKILL.md"),
    demo_file!("drafts/incident-postmortem/SKILL.md"),
];

const SKILLS: [&str; 3] = [
    "weekly-status-report",
    "meeting-scheduler",
    "expense-triage",
];

fn step(name: &str, text: impl AsRef<str>) {
    println!("[{name:>9}] {}", text.as_ref());
}

pub async fn run(ctx: &Ctx, dir: &Path) -> Result<Outcome> {
    let started = Instant::now();
    if dir.exists()
        && dir
            .read_dir()
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        bail!(
            "{} already exists and is not empty; remove it or pick another folder with --dir",
            dir.display()
        );
    }
    for (path, body) in DEMO_FILES {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&target, body)
            .with_context(|| format!("cannot write {}", target.display()))?;
    }
    let db = dir.join("skillgate.db");
    step(
        "data",
        format!("wrote the demo data set to {}", dir.display()),
    );
    let store = Store::open(&db)
        .await?
        .with_redaction(&ctx.config.redaction)?;

    let import = import_file(&store, &dir.join("runs.jsonl"), ctx).await?;
    step(
        "runs",
        format!(
            "imported {} runs ({} rejected) from runs.jsonl",
            import.stored.inserted,
            import.rejected.len()
        ),
    );
    for name in SKILLS {
        if let AddOutcome::Published(v) = add_skill(&store, &dir.join("skills").join(name)).await? {
            step(
                "skills",
                format!("published {} v{}", v.skill_name, v.version),
            );
        }
    }

    let mut drafts = Vec::new();
    for name in ["weekly-status-report", "incident-postmortem"] {
        let s = submit_draft(&store, &dir.join("drafts").join(name), None).await?;
        step(
            "draft",
            format!(
                "{} for {} ({}): lint {} errors, safety {}, preservation {}",
                s.draft_id,
                s.skill,
                s.revises
                    .map(|v| format!("revises v{v}"))
                    .unwrap_or_else(|| "new skill".into()),
                s.check.lint.errors().count(),
                s.check.safety.status.as_str(),
                s.check
                    .preservation
                    .as_ref()
                    .map_or("n/a (new skill)", |p| p.status.as_str()),
            ),
        );
        drafts.push(s.draft_id);
    }
    let policy = load_policy(Some(&dir.join("policy.toml")))?;
    let classified = classify_file(&dir.join("tools.json"), &policy, None)?;
    step(
        "policy",
        format!("tools.json: {}", mode_counts(&classified)),
    );
    for id in &drafts {
        let outcome = run_eval_for_demo(&store, id, &ctx.config).await?;
        let r = &outcome.report;
        step(
            "eval",
            format!(
                "{} for {id}: {} ({} mode), {} cases, {} confidence, delta {}",
                outcome.eval_id,
                r.status.as_str(),
                serde_json::to_value(r.mode)?.as_str().unwrap_or("?"),
                r.replay_cases.len(),
                serde_json::to_value(r.confidence)?.as_str().unwrap_or("?"),
                r.score_delta.map_or("n/a".into(), |d| format!("{d:+.2}")),
            ),
        );
        if !r.status_reason.is_empty() {
            step("eval", format!("  why: {}", r.status_reason));
        }
    }
    for id in &drafts {
        let verdict = gate_verdict_for(&store, id, &ctx.config.gate).await?;
        step("gate", format!("{id}: {}", verdict_label(&verdict)));
    }
    let (total, accepted) = store.count_runs().await?;
    store.close().await;
    println!();
    println!(
        "demo ready in {:.1} s: {} ({total} runs, {accepted} accepted, {} skills, {} drafts)",
        started.elapsed().as_secs_f64(),
        db.display(),
        SKILLS.len(),
        drafts.len()
    );
    println!("next: skillgate --db {} draft list", db.display());
    println!("      skillgate --db {} report show latest", db.display());
    println!("      skillgate --db {} serve", db.display());
    Ok(Outcome::Ok)
}
