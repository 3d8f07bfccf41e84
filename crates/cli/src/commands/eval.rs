//! `skillgate eval`, `report show`, `cases add|list` and `replay-case`.
//! (Scaffold: the eval engineer fills these in.)

use super::{Ctx, not_supported};
use crate::Outcome;
use anyhow::Result;
use clap::{Args, Subcommand};
use serde::Deserialize;
use std::path::PathBuf;

/// `[eval]` section of skillgate.toml.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvalConfig {}

/// `skillgate eval …`
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Draft to evaluate.
    pub draft_id: Option<String>,
    /// At most this many replay cases.
    #[arg(long)]
    pub cases: Option<usize>,
    /// Trials per case and arm.
    #[arg(long)]
    pub trials: Option<u32>,
    /// Prompt locale (en, zh-CN, zh-TW); default: each case's own.
    #[arg(long)]
    pub locale: Option<String>,
    /// Continue an interrupted eval without repeating finished trials.
    #[arg(long, conflicts_with = "draft_id")]
    pub resume: Option<String>,
}

/// `skillgate report …`
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Print an eval report by id, or `latest`.
    Show {
        /// Eval id or `latest`.
        id: String,
    },
}

/// `skillgate cases …`
#[derive(Debug, Subcommand)]
pub enum CasesCommand {
    /// Pin a run as a replay case of a skill: always selected from now on.
    Add {
        /// Run id.
        run_id: String,
        /// Skill name.
        #[arg(long)]
        skill: String,
    },
}

/// `skillgate replay-case …`
#[derive(Debug, Args)]
pub struct ReplayCaseArgs {
    /// Run to replay.
    pub run_id: String,
    /// Skill folder to load in the replay.
    #[arg(long, conflicts_with = "no_skill")]
    pub skill: Option<PathBuf>,
    /// Replay without any skill.
    #[arg(long)]
    pub no_skill: bool,
    /// Prompt locale.
    #[arg(long)]
    pub locale: Option<String>,
}

/// Runs `skillgate eval`.
pub async fn eval(_ctx: &Ctx, _args: EvalArgs) -> Result<Outcome> {
    Err(not_supported(
        "`skillgate eval` (replay evaluation, issue 6)",
    ))
}

/// Runs `skillgate report …`.
pub async fn report(_ctx: &Ctx, _cmd: ReportCommand) -> Result<Outcome> {
    Err(not_supported(
        "`skillgate report show` (eval reports, issue 6)",
    ))
}

/// Runs `skillgate cases …`.
pub async fn cases(_ctx: &Ctx, _cmd: CasesCommand) -> Result<Outcome> {
    Err(not_supported("`skillgate cases add` (issue 6)"))
}

/// Runs `skillgate replay-case`.
pub async fn replay_case(_ctx: &Ctx, _args: ReplayCaseArgs) -> Result<Outcome> {
    Err(not_supported("`skillgate replay-case` (issue 5)"))
}
