//! Command-line grammar (clap derive). One enum variant per command of SPEC §8.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// skillgate — the evaluation and publish gate for AI-agent skill drafts.
#[derive(Debug, Parser)]
#[command(name = "skillgate", version, about, long_about = None)]
pub struct Cli {
    /// Database: a SQLite file (created if missing) or a PostgreSQL URL
    /// (`postgres://USER[:PASSWORD]@HOST[:PORT]/DB`; the database must exist).
    #[arg(
        long,
        global = true,
        env = "SKILLGATE_DB",
        default_value = "skillgate.db"
    )]
    pub db: PathBuf,
    /// Configuration file; `./skillgate.toml` is read when present.
    #[arg(long, global = true, env = "SKILLGATE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Print machine-readable JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
    /// Log format on stderr.
    #[arg(long, global = true, value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Log output format.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per event.
    Json,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a demo folder with a fresh database and the bundled demo data, and run the pipeline.
    Demo {
        /// Folder to create (must not exist or be empty).
        #[arg(long, default_value = "skillgate-demo")]
        dir: PathBuf,
    },
    /// Create the database and a commented skillgate.toml in the current folder.
    Init,
    /// Check this machine: database, sandbox, provider.
    Doctor,
    /// Historical agent runs.
    #[command(subcommand)]
    Runs(RunsCommand),
    /// Published skills.
    #[command(subcommand)]
    Skills(SkillsCommand),
    /// Skill drafts.
    #[command(subcommand)]
    Draft(DraftCommand),
    /// Tool safety policy.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Replay-evaluate a draft: cases × {baseline, candidate} × trials, graded, reported.
    Eval(EvalCommandArgs),
    /// Eval reports.
    #[command(subcommand)]
    Report(crate::commands::eval::ReportCommand),
    /// Replay cases pinned by hand.
    #[command(subcommand)]
    Cases(crate::commands::eval::CasesCommand),
    /// Replay one run once and print the transcript (debugging).
    ReplayCase(crate::commands::eval::ReplayCaseArgs),
    /// Approve or reject a draft.
    Review(crate::commands::governance::ReviewArgs),
    /// Publish an approved draft through the gate.
    Publish(crate::commands::governance::PublishArgs),
    /// Return a skill to an earlier published version.
    Rollback(crate::commands::governance::RollbackArgs),
    /// Kill switch: turn replay (and optionally publishing) off or on.
    #[command(subcommand)]
    Replay(crate::commands::governance::ReplayCommand),
    /// Side-effect and safety incidents.
    #[command(subcommand)]
    Incident(crate::commands::governance::IncidentCommand),
    /// Start the reviewer web UI, the HTTP API and /metrics.
    Serve(crate::commands::serve::ServeArgs),
    /// API tokens for the web UI and HTTP API.
    #[command(subcommand)]
    Token(crate::commands::serve::TokenCommand),
    /// Run queued evals (`eval --queue`, the web UI); many workers may share one database.
    Worker(crate::commands::worker::WorkerArgs),
    /// The job queue: queued, running, done and failed eval jobs.
    Jobs(crate::commands::worker::JobsArgs),
    /// Remove raw replay data past `[retention]` (transcripts, tool-call payloads, case reports).
    Purge(crate::commands::ops::PurgeArgs),
    /// Product and operational metrics over a window.
    Metrics(crate::commands::ops::MetricsArgs),
    /// Evaluate the runbook alerts on stored data (exit 1 when any fires).
    Alerts(crate::commands::ops::AlertsArgs),
    /// Audit log.
    Audit {
        /// Newest entries to show.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
}

/// `skillgate eval …`: the eval flags, plus `--queue`.
#[derive(Debug, Args)]
pub struct EvalCommandArgs {
    /// The eval.
    #[command(flatten)]
    pub eval: crate::commands::eval::EvalArgs,
    /// Queue the eval for `skillgate worker` instead of running it here; prints the job id.
    #[arg(long, requires = "draft_id", conflicts_with_all = ["resume", "tenant", "budget"])]
    pub queue: bool,
}

/// `skillgate runs …`
#[derive(Debug, Subcommand)]
pub enum RunsCommand {
    /// Import runs from a file: canonical JSON Lines (SPEC §2.2) or an agent log (OpenAI
    /// chat / tau-bench, Anthropic Messages, Claude Code session, SWE-agent .traj); see
    /// docs/importers.md.
    Import {
        /// The file to import.
        file: PathBuf,
        /// Input format: skillgate (canonical JSON Lines), openai (chat logs with
        /// tool_calls, tau-bench results), anthropic (Messages logs with tool_use /
        /// tool_result), claude-code (session JSONL), swe-agent (.traj trajectories).
        #[arg(long, default_value = "skillgate")]
        format: String,
        /// Tenant for runs imported from agent logs (canonical runs carry their own).
        #[arg(long)]
        tenant: Option<String>,
        /// Locale for runs imported from agent logs: en, zh-CN or zh-TW (default en).
        #[arg(long)]
        locale: Option<String>,
        /// Mark agent-log runs that record no outcome (no reward, no `accepted`) as
        /// accepted; without it they are imported as not accepted.
        #[arg(long)]
        accept: bool,
    },
    /// List stored runs.
    List {
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
    /// Show one run as JSON.
    Show {
        /// Run id.
        id: String,
    },
}

/// `skillgate skills …`
#[derive(Debug, Subcommand)]
pub enum SkillsCommand {
    /// Publish a skill folder as its first version (or next version of an existing skill).
    Add {
        /// Folder containing SKILL.md.
        dir: PathBuf,
    },
    /// List skills with their latest version.
    List,
    /// Show the versions of one skill.
    Show {
        /// Skill name.
        name: String,
    },
    /// Lint a skill folder (exit 1 on errors).
    Lint {
        /// Folder containing SKILL.md.
        dir: PathBuf,
    },
}

/// `skillgate draft …`
#[derive(Debug, Subcommand)]
pub enum DraftCommand {
    /// Store a draft with its lint, safety and preservation reports.
    Submit {
        /// Folder containing SKILL.md.
        dir: PathBuf,
        /// Name of the published skill this draft revises.
        #[arg(long)]
        revises: Option<String>,
    },
    /// Print lint, safety and preservation reports without storing anything.
    Check {
        /// Folder containing SKILL.md.
        dir: PathBuf,
        /// Compare against the latest published version of this skill.
        #[arg(long, conflicts_with = "against")]
        revises: Option<String>,
        /// Compare against another folder.
        #[arg(long)]
        against: Option<PathBuf>,
    },
    /// List drafts.
    List,
}

/// `skillgate policy …`
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Classify tools: executed, surrogate or blocked, with the rule that decided.
    Check {
        /// JSON array of tool entries, or an MCP tools/list result.
        tools: PathBuf,
        /// Policy file (TOML).
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Toolset for entries that name none (MCP lists never do); default: the file's stem.
        #[arg(long)]
        toolset: Option<String>,
    },
}
