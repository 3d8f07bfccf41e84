//! `skillgate runs import|list|show`.

use super::{Ctx, not_supported};
use crate::cli::RunsCommand;
use crate::{Outcome, output};
use anyhow::{Context, Result};
use serde::Serialize;
use skillgate_runs::{ReaderLimits, RunFormat, RunReader};
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

/// One rejected input line.
#[derive(Debug, Serialize)]
pub struct RejectedLine {
    /// 1-based line number.
    pub line: usize,
    /// Why.
    pub reason: String,
}

pub async fn run(ctx: &Ctx, cmd: RunsCommand) -> Result<Outcome> {
    match cmd {
        RunsCommand::Import { file, format } => {
            let format: RunFormat = format.parse().map_err(anyhow::Error::msg)?;
            if !format.is_supported() {
                return Err(not_supported(format!(
                    "importing `--format {format}`; convert the file to skillgate's canonical JSON Lines (SPEC §2.2) or use --format skillgate"
                )));
            }
            let store = ctx.store().await?;
            let summary = import_file(&store, &file, ctx).await?;
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

/// Streams `path` into the store in batches; bad lines are collected, never fatal.
pub async fn import_file(store: &Store, path: &Path, ctx: &Ctx) -> Result<ImportSummary> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot open runs file {}", path.display()))?;
    let limits = ReaderLimits {
        max_line_bytes: ctx.config.import.max_line_bytes,
    };
    let batch_size = ctx.config.import.batch_size.max(1);
    let mut summary = ImportSummary {
        file: path.display().to_string(),
        valid: 0,
        stored: InsertRunsOutcome::default(),
        rejected: Vec::new(),
    };
    let mut batch = Vec::with_capacity(batch_size);
    for item in RunReader::new(BufReader::with_capacity(1 << 16, file), limits) {
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
                    eprintln!("{}:{}: {}", path.display(), e.line, e.reason);
                }
                summary.rejected.push(RejectedLine {
                    line: e.line,
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
