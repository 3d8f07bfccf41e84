//! `skillgate runs import|list|show`.

use super::Ctx;
use crate::cli::RunsCommand;
use crate::{Outcome, output};
use anyhow::{Context, Result};
use serde::Serialize;
use skillgate_core::Locale;
use skillgate_runs::{ImportOptions, Location, ReaderLimits, RunFormat, import_runs};
use skillgate_store::{InsertRunsOutcome, Store};
use std::io::BufReader;
use std::path::Path;

/// Result of importing one file.
#[derive(Debug, Serialize)]
pub struct ImportSummary {
    /// The file.
    pub file: String,
    /// Lines that parsed as runs.
    pub valid: usize,
    /// Store outcome: inserted, duplicates, conflicts.
    #[serde(flatten)]
    pub stored: InsertRunsOutcome,
    /// Rejected lines.
    pub rejected: Vec<RejectedLine>,
}

/// One rejected input line (JSON Lines) or entry (JSON array document).
#[derive(Debug, Serialize)]
pub struct RejectedLine {
    /// 1-based line number, for JSON Lines input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based entry of a JSON array document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<usize>,
    /// Why.
    pub reason: String,
}

pub async fn run(ctx: &Ctx, cmd: RunsCommand) -> Result<Outcome> {
    match cmd {
        RunsCommand::Import {
            file,
            format,
            tenant,
            locale,
            accept,
        } => {
            let format: RunFormat = format.parse().map_err(anyhow::Error::msg)?;
            let opts = log_options(ctx, format, tenant, locale, accept)?;
            let store = ctx.store().await?;
            let summary = import_file_as(&store, &file, format, opts, ctx).await?;
            print_summary(ctx, &summary)?;
            Ok(if summary.rejected.is_empty() {
                Outcome::Ok
            } else {
                Outcome::Findings
            })
        }
        RunsCommand::List { limit } => {
            let store = ctx.store().await?;
            let runs = store.list_runs(limit).await?;
            if ctx.json {
                output::print_json(&runs)?;
            } else {
                let mut t = output::table(&["id", "tenant", "locale", "accepted", "skill", "task"]);
                for r in &runs {
                    t.add_row(vec![
                        r.id.clone(),
                        r.tenant.clone(),
                        r.locale.clone(),
                        if r.accepted {
                            "yes".into()
                        } else {
                            "no".into()
                        },
                        r.skill_hint.clone().unwrap_or_default(),
                        output::truncate(&r.task, 60),
                    ]);
                }
                println!("{t}");
            }
            Ok(Outcome::Ok)
        }
        RunsCommand::Show { id } => {
            let store = ctx.store().await?;
            let run = store.get_run(&id).await?;
            output::print_json(&run)?;
            Ok(Outcome::Ok)
        }
    }
}

/// Import options for agent-log formats; canonical runs carry their own
/// tenant, locale and acceptance, so those flags are refused for them.
fn log_options(
    ctx: &Ctx,
    format: RunFormat,
    tenant: Option<String>,
    locale: Option<String>,
    accept: bool,
) -> Result<ImportOptions> {
    if format == RunFormat::Skillgate && (tenant.is_some() || locale.is_some() || accept) {
        anyhow::bail!(
            "--tenant, --locale and --accept apply to agent logs (--format openai, anthropic, claude-code, swe-agent); canonical runs carry their own tenant, locale and accepted fields"
        );
    }
    let defaults = ImportOptions::default();
    let tenant = match tenant {
        Some(t) if t.trim().is_empty() => anyhow::bail!("--tenant is empty; give a tenant name"),
        Some(t) => t.trim().to_string(),
        None => defaults.tenant,
    };
    let locale = match locale {
        Some(l) => Locale::parse(&l)
            .ok_or_else(|| {
                anyhow::anyhow!("--locale '{l}' is not supported; use en, zh-CN or zh-TW")
            })?
            .tag()
            .to_string(),
        None => defaults.locale,
    };
    Ok(ImportOptions {
        limits: ReaderLimits {
            max_line_bytes: ctx.config.import.max_line_bytes,
        },
        tenant,
        locale,
        accept_unlabelled: accept,
    })
}

/// Streams canonical JSON Lines at `path` into the store in batches; bad
/// lines are collected, never fatal.
pub async fn import_file(store: &Store, path: &Path, ctx: &Ctx) -> Result<ImportSummary> {
    let opts = log_options(ctx, RunFormat::Skillgate, None, None, false)?;
    import_file_as(store, path, RunFormat::Skillgate, opts, ctx).await
}

/// Streams `path` in `format` into the store in batches of
/// `import.batch_size`; rejected runs are collected and reported as
/// `FILE:LINE: reason` (or `FILE: entry N: reason`), never fatal.
pub async fn import_file_as(
    store: &Store,
    path: &Path,
    format: RunFormat,
    opts: ImportOptions,
    ctx: &Ctx,
) -> Result<ImportSummary> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot open runs file {}", path.display()))?;
    let batch_size = ctx.config.import.batch_size.max(1);
    let mut summary = ImportSummary {
        file: path.display().to_string(),
        valid: 0,
        stored: InsertRunsOutcome::default(),
        rejected: Vec::new(),
    };
    let runs = import_runs(BufReader::with_capacity(1 << 16, file), format, opts);
    let mut batch = Vec::with_capacity(batch_size);
    for item in runs {
        match item {
            Ok(run) => {
                summary.valid += 1;
                batch.push(run);
                if batch.len() >= batch_size {
                    summary.stored.absorb(store.insert_runs(&batch).await?);
                    batch.clear();
                }
            }
            Err(e) => {
                if !ctx.json {
                    eprintln!(
                        "{}: {}",
                        e.location.in_file(&path.display().to_string()),
                        e.reason
                    );
                }
                let (line, entry) = match e.location {
                    Location::Line(n) => (Some(n), None),
                    Location::Entry(n) => (None, Some(n)),
                };
                summary.rejected.push(RejectedLine {
                    line,
                    entry,
                    reason: e.reason,
                });
            }
        }
    }
    if !batch.is_empty() {
        summary.stored.absorb(store.insert_runs(&batch).await?);
    }
    Ok(summary)
}

fn print_summary(ctx: &Ctx, s: &ImportSummary) -> Result<()> {
    if ctx.json {
        return output::print_json(s);
    }
    println!(
        "{}: {} imported, {} already stored, {} conflicting, {} rejected",
        s.file,
        s.stored.inserted,
        s.stored.duplicates,
        s.stored.conflicts.len(),
        s.rejected.len()
    );
    for c in &s.stored.conflicts {
        eprintln!(
            "{}: run {} is already stored with different content; kept the stored run (runs are never edited)",
            s.file, c.id
        );
    }
    Ok(())
}
