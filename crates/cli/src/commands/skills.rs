//! `skillgate skills …` and `skillgate draft …`: skill folders in, stored versions and drafts out.

use super::Ctx;
use super::governance::{gate_verdict_for, verdict_label};
use crate::cli::{DraftCommand, SkillsCommand};
use crate::{Outcome, output};
use anyhow::{Context, Result, bail};
use serde::Serialize;
use skillgate_core::ReportStatus;
use skillgate_skill::{CheckConfig, DraftCheck, SkillFolder, check_draft, load_dir};
use skillgate_store::{NewDraft, SkillFile, SkillVersionRow, Store, folder_hash};
use std::path::Path;

pub async fn skills(ctx: &Ctx, cmd: SkillsCommand) -> Result<Outcome> {
    match cmd {
        SkillsCommand::Add { dir } => {
            let store = ctx.store().await?;
            let (row, published) = match add_skill(&store, &dir).await? {
                AddOutcome::Published(row) => (row, true),
                AddOutcome::Unchanged(row) => (row, false),
            };
            if ctx.json {
                output::print_json(&row)?;
            } else if published {
                println!(
                    "published {} v{} (id {})",
                    row.skill_name, row.version, row.id
                );
            } else {
                println!(
                    "{} v{} is unchanged; nothing added",
                    row.skill_name, row.version
                );
            }
            Ok(Outcome::Ok)
        }
        SkillsCommand::List => {
            let store = ctx.store().await?;
            let skills = store.list_skills().await?;
            if ctx.json {
                output::print_json(&skills)?;
            } else {
                let mut t = output::table(&["skill", "version", "open drafts", "description"]);
                for s in &skills {
                    t.add_row(vec![
                        s.name.clone(),
                        format!("v{}", s.latest_version),
                        s.open_drafts.to_string(),
                        output::truncate(&s.description, 70),
                    ]);
                }
                println!("{t}");
            }
            Ok(Outcome::Ok)
        }
        SkillsCommand::Show { name } => {
            let store = ctx.store().await?;
            let versions = store.skill_versions(&name).await?;
            if versions.is_empty() {
                bail!(
                    "skill '{name}' has no published version; `skillgate skills list` shows the skills"
                );
            }
            if ctx.json {
                output::print_json(&versions)?;
            } else {
                let mut t =
                    output::table(&["version", "id", "published", "from draft", "content hash"]);
                for v in &versions {
                    t.add_row(vec![
                        format!("v{}", v.version),
                        v.id.clone(),
                        v.created_at.clone(),
                        v.source_draft_id.clone().unwrap_or_else(|| "-".into()),
                        v.content_hash[..12].to_string(),
                    ]);
                }
                println!("{t}");
            }
            Ok(Outcome::Ok)
        }
        SkillsCommand::Lint { dir } => {
            let folder = load(&dir)?;
            let report = skillgate_skill::lint(&folder);
            if ctx.json {
                output::print_json(&report)?;
            } else {
                print!("{}", report.render_text());
                let errors = report.errors().count();
                println!(
                    "{}: {} findings, {} errors",
                    dir.display(),
                    report.findings.len(),
                    errors
                );
            }
            Ok(if report.has_errors() {
                Outcome::Findings
            } else {
                Outcome::Ok
            })
        }
    }
}

pub async fn drafts(ctx: &Ctx, cmd: DraftCommand) -> Result<Outcome> {
    match cmd {
        DraftCommand::Submit { dir, revises } => {
            let store = ctx.store().await?;
            let summary = submit_draft(&store, &dir, revises.as_deref()).await?;
            if ctx.json {
                output::print_json(&summary)?;
            } else {
                print!("{}", summary.check.render_text());
                println!(
                    "draft {} stored for skill {}{} (safety {}, preservation {})",
                    summary.draft_id,
                    summary.skill,
                    summary
                        .revises
                        .as_ref()
                        .map(|v| format!(", revising v{v}"))
                        .unwrap_or_default(),
                    summary.check.safety.status.as_str(),
                    summary
                        .check
                        .preservation
                        .as_ref()
                        .map_or("n/a", |p| p.status.as_str()),
                );
            }
            Ok(Outcome::Ok)
        }
        DraftCommand::Check {
            dir,
            revises,
            against,
        } => {
            let draft = load(&dir)?;
            let published = match (revises, against) {
                (Some(name), _) => {
                    let store = ctx.store().await?;
                    Some(published_folder(&store, &name).await?.1)
                }
                (None, Some(other)) => Some(load(&other)?),
                (None, None) => None,
            };
            let check = check_draft(&draft, published.as_ref(), &CheckConfig::default());
            if ctx.json {
                output::print_json(&check)?;
            } else {
                print!("{}", check.render_text());
            }
            Ok(if check.passed() && !check.lint.has_errors() {
                Outcome::Ok
            } else {
                Outcome::Findings
            })
        }
        DraftCommand::List => {
            let store = ctx.store().await?;
            let drafts = store.list_drafts().await?;
            let mut rows = Vec::with_capacity(drafts.len());
            for d in &drafts {
                let mut row = DraftListRow::from_row(d);
                if let Some(vid) = &d.revises_version_id {
                    let versions = store.skill_versions(&d.skill_name).await?;
                    row.revises = versions
                        .iter()
                        .find(|v| &v.id == vid)
                        .map(|v| format!("v{}", v.version))
                        .or(row.revises);
                }
                if let Some(eval) = store.latest_eval_summary(&d.id).await? {
                    row.eval_status = Some(eval.status.as_str().to_string());
                    row.confidence = eval.confidence.map(|c| format!("{c:?}").to_lowercase());
                }
                if d.status != "published" {
                    let verdict = gate_verdict_for(&store, &d.id, &ctx.config.gate).await?;
                    row.gate = Some(verdict_label(&verdict));
                }
                rows.push(row);
            }
            if ctx.json {
                output::print_json(&rows)?;
            } else {
                let mut t = output::table(&[
                    "draft",
                    "skill",
                    "status",
                    "revises",
                    "safety",
                    "preservation",
                    "eval",
                    "gate",
                ]);
                for r in &rows {
                    t.add_row(vec![
                        r.id.clone(),
                        r.skill.clone(),
                        r.status.clone(),
                        r.revises.clone().unwrap_or_else(|| "new skill".into()),
                        r.safety.clone().unwrap_or_else(|| "missing".into()),
                        r.preservation.clone().unwrap_or_else(|| "n/a".into()),
                        match (&r.eval_status, &r.confidence) {
                            (Some(s), Some(c)) => format!("{s} ({c} confidence)"),
                            (Some(s), None) => s.clone(),
                            _ => "not run".into(),
                        },
                        r.gate.clone().unwrap_or_else(|| "-".into()),
                    ]);
                }
                println!("{t}");
            }
            Ok(Outcome::Ok)
        }
    }
}

/// One line of `draft list`.
#[derive(Debug, Serialize)]
struct DraftListRow {
    id: String,
    skill: String,
    status: String,
    revises: Option<String>,
    safety: Option<String>,
    preservation: Option<String>,
    eval_status: Option<String>,
    confidence: Option<String>,
    gate: Option<String>,
    submitted_at: String,
}

impl DraftListRow {
    fn from_row(d: &skillgate_store::DraftRow) -> DraftListRow {
        DraftListRow {
            id: d.id.clone(),
            skill: d.skill_name.clone(),
            status: d.status.clone(),
            revises: d.revises_version_id.clone(),
            safety: report_status(d.safety_report.as_deref()),
            preservation: report_status(d.preservation_report.as_deref()),
            eval_status: None,
            confidence: None,
            gate: None,
            submitted_at: d.created_at.clone(),
        }
    }
}

fn report_status(json: Option<&str>) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(json?).ok()?;
    v.get("status")?.as_str().map(str::to_string)
}

/// Loads a skill folder, naming the folder in the error.
pub fn load(dir: &Path) -> Result<SkillFolder> {
    load_dir(dir).with_context(|| format!("cannot load skill folder {}", dir.display()))
}

/// A frontmatter string field (`name`, `description`).
pub fn frontmatter_field(folder: &SkillFolder, key: &str) -> Option<String> {
    folder.document.frontmatter()?.str(key).map(str::to_string)
}

/// The folder's files as the store keeps them (refuses files too large to read).
pub fn store_files(folder: &SkillFolder) -> Result<Vec<SkillFile>> {
    folder
        .files
        .iter()
        .map(|f| match f.bytes() {
            Some(b) => Ok(SkillFile { path: f.path.clone(), bytes: b.to_vec() }),
            None => bail!(
                "{}/{} is larger than the {} byte limit per file; remove it or move it out of the skill",
                folder.folder_name, f.path, folder.limits.max_file_bytes
            ),
        })
        .collect()
}

/// The latest published version of `name`, rebuilt as a folder.
pub async fn published_folder(store: &Store, name: &str) -> Result<(SkillVersionRow, SkillFolder)> {
    let version = store.latest_skill_version(name).await?.with_context(|| {
        format!("skill '{name}' has no published version; publish one with `skillgate skills add DIR` or submit the draft without --revises")
    })?;
    let files = store.skill_version_files(&version.id).await?;
    let folder =
        SkillFolder::from_files(name, files.into_iter().map(|f| (f.path, f.bytes)).collect())
            .with_context(|| format!("stored files of {name} v{}", version.version))?;
    Ok((version, folder))
}

/// What `skills add` did.
pub enum AddOutcome {
    /// A new version was published.
    Published(SkillVersionRow),
    /// The latest version already has identical files.
    Unchanged(SkillVersionRow),
}

/// Publishes a folder as the next version of its skill (bootstrap path: no gate).
/// Refuses a folder with lint errors or a failing safety report.
pub async fn add_skill(store: &Store, dir: &Path) -> Result<AddOutcome> {
    let folder = load(dir)?;
    let check = check_draft(&folder, None, &CheckConfig::default());
    if check.lint.has_errors() || check.safety.status == ReportStatus::Failed {
        crate::note(check.render_text().trim_end());
        bail!(
            "{} was not added: fix the lint errors and failing safety findings above, then run `skillgate skills add` again",
            dir.display()
        );
    }
    let name = frontmatter_field(&folder, "name").unwrap_or_else(|| folder.folder_name.clone());
    let description = frontmatter_field(&folder, "description").unwrap_or_default();
    let files = store_files(&folder)?;
    if let Some(latest) = store.latest_skill_version(&name).await?
        && latest.content_hash == folder_hash(&files)
    {
        return Ok(AddOutcome::Unchanged(latest));
    }
    let version = store
        .publish_skill_version(&name, &description, &files, None)
        .await?;
    store
        .audit(
            "cli",
            "skill.add",
            &version.id,
            &format!("{name} v{} added from {}", version.version, dir.display()),
        )
        .await?;
    Ok(AddOutcome::Published(version))
}

/// What `draft submit` stored.
#[derive(Debug, Serialize)]
pub struct SubmitSummary {
    /// New draft id.
    pub draft_id: String,
    /// Skill name.
    pub skill: String,
    /// Version number revised, if any.
    pub revises: Option<i64>,
    /// Static checks stored with the draft.
    pub check: DraftCheck,
}

/// The `draft.submitted` event (docs/logging.md): the draft, its skill and the outcome of its
/// static reports.
fn log_submitted(
    draft_id: &str,
    skill: &str,
    revises: Option<&SkillVersionRow>,
    check: &DraftCheck,
) {
    let count = |severity| {
        check
            .lint
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    };
    tracing::info!(target: "skillgate::draft", event = "draft.submitted", draft_id = %draft_id,
        skill = %skill, revises_version = revises.map(|v| v.version),
        lint_errors = count(skillgate_skill::Severity::Error),
        lint_warnings = count(skillgate_skill::Severity::Warning),
        safety = check.safety.status.as_str(), safety_errors = check.safety.errors().count(),
        preservation = check.preservation.as_ref().map_or("n/a", |p| p.status.as_str()),
        "draft submitted");
}

/// Stores a draft and its static reports. A draft whose name matches a published
/// skill revises it even without `--revises`.
pub async fn submit_draft(
    store: &Store,
    dir: &Path,
    revises: Option<&str>,
) -> Result<SubmitSummary> {
    let draft = load(dir)?;
    let name = frontmatter_field(&draft, "name").unwrap_or_else(|| draft.folder_name.clone());
    if let Some(target) = revises
        && target != name
    {
        bail!(
            "{} is named '{name}' in its frontmatter but --revises names '{target}'; a revision keeps the skill's name",
            dir.display()
        );
    }
    let published = match revises {
        Some(target) => Some(published_folder(store, target).await?),
        None => match store.latest_skill_version(&name).await? {
            Some(_) => Some(published_folder(store, &name).await?),
            None => None,
        },
    };
    let check = check_draft(
        &draft,
        published.as_ref().map(|(_, f)| f),
        &CheckConfig::default(),
    );
    let files = store_files(&draft)?;
    let row = store
        .create_draft(&NewDraft {
            skill_name: name.clone(),
            description: frontmatter_field(&draft, "description").unwrap_or_default(),
            revises_version_id: published.as_ref().map(|(v, _)| v.id.clone()),
            files,
            lint_report: Some(serde_json::to_string(&check.lint)?),
            safety_report: Some(serde_json::to_string(&check.safety)?),
            preservation_report: check
                .preservation
                .as_ref()
                .map(serde_json::to_string)
                .transpose()?,
        })
        .await?;
    store
        .audit(
            "cli",
            "draft.submit",
            &row.id,
            &format!("draft for {name} from {}", dir.display()),
        )
        .await?;
    log_submitted(&row.id, &name, published.as_ref().map(|(v, _)| v), &check);
    Ok(SubmitSummary {
        draft_id: row.id,
        skill: name,
        revises: published.map(|(v, _)| v.version),
        check,
    })
}
