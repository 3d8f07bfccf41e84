//! `skillgate review`, `publish`, `rollback`, `replay enable|disable`, `incident …`.
//! (Scaffold: the governance engineer fills these in.)

use super::{Ctx, not_supported};
use crate::Outcome;
use anyhow::Result;
use clap::{Args, Subcommand};
use serde::Deserialize;

/// `[gate]` section of skillgate.toml.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateSettings {}

/// `skillgate review …`
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Draft to decide on.
    pub draft_id: String,
    /// Approve the draft.
    #[arg(long, conflicts_with = "reject", required_unless_present = "reject")]
    pub approve: bool,
    /// Reject the draft.
    #[arg(long)]
    pub reject: bool,
    /// Why.
    #[arg(long)]
    pub rationale: Option<String>,
    /// Who decides (default: $USER).
    #[arg(long)]
    pub reviewer: Option<String>,
}

/// `skillgate publish …`
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// Draft to publish.
    pub draft_id: String,
}

/// `skillgate rollback …`
#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// Skill name.
    pub skill: String,
    /// Version to return to (default: the one before the latest).
    #[arg(long)]
    pub to: Option<i64>,
}

/// `skillgate replay …` (kill switch)
#[derive(Debug, Subcommand)]
pub enum ReplayCommand {
    /// Turn replay off: evals run in heuristic mode.
    Disable {
        /// Turn publishing off too.
        #[arg(long)]
        publish_too: bool,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Turn replay (and publishing) back on.
    Enable {
        /// Why.
        #[arg(long)]
        reason: String,
    },
}

/// `skillgate incident …`
#[derive(Debug, Subcommand)]
pub enum IncidentCommand {
    /// Open an incident.
    Open {
        /// P0, P1 or P2.
        #[arg(long)]
        severity: String,
        /// Short title.
        #[arg(long)]
        title: String,
    },
    /// Close an incident with its root cause.
    Close {
        /// Incident id.
        id: String,
        /// Root cause (required).
        #[arg(long)]
        root_cause: String,
    },
    /// List incidents.
    List,
}

/// Runs `skillgate review`.
pub async fn review(_ctx: &Ctx, _args: ReviewArgs) -> Result<Outcome> {
    Err(not_supported("`skillgate review` (issue 7)"))
}

/// Runs `skillgate publish`.
pub async fn publish(_ctx: &Ctx, _args: PublishArgs) -> Result<Outcome> {
    Err(not_supported("`skillgate publish` (publish gate, issue 7)"))
}

/// Runs `skillgate rollback`.
pub async fn rollback(_ctx: &Ctx, _args: RollbackArgs) -> Result<Outcome> {
    Err(not_supported("`skillgate rollback` (issue 7)"))
}

/// Runs `skillgate replay …`.
pub async fn replay(_ctx: &Ctx, _cmd: ReplayCommand) -> Result<Outcome> {
    Err(not_supported(
        "`skillgate replay enable|disable` (kill switch, issue 7)",
    ))
}

/// Runs `skillgate incident …`.
pub async fn incident(_ctx: &Ctx, _cmd: IncidentCommand) -> Result<Outcome> {
    Err(not_supported("`skillgate incident` (issue 7)"))
}
