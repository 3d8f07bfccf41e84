//! One module per command group; each parses nothing and decides nothing, it
//! wires library calls and prints.

mod demo;
pub mod doctor;
pub mod eval;
pub mod governance;
pub mod ops;
mod policy;
mod runs;
pub mod serve;
mod skills;
pub mod worker;

use crate::cli::{Cli, Command};
use crate::config::Config;
use crate::{Outcome, output};
use anyhow::{Context, Result};
use skillgate_store::Store;
use std::fmt;
use std::path::PathBuf;

/// A command or option that exists in the interface but is not built yet.
#[derive(Debug)]
pub struct NotSupported {
    /// What is missing.
    pub what: String,
}

impl fmt::Display for NotSupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is not supported yet", self.what)
    }
}

impl std::error::Error for NotSupported {}

/// Returns the "not supported yet" error for `what`.
pub fn not_supported(what: impl Into<String>) -> anyhow::Error {
    NotSupported { what: what.into() }.into()
}

/// What every command gets: parsed global options and configuration.
pub struct Ctx {
    /// Database path.
    pub db: PathBuf,
    /// Loaded configuration.
    pub config: Config,
    /// `--json`.
    pub json: bool,
}

impl Ctx {
    /// Opens (creating and migrating) the database. A PostgreSQL URL is
    /// refused as "not supported yet" (it would otherwise become a file name).
    pub async fn store(&self) -> Result<Store> {
        let db = self.db.to_string_lossy();
        if db.starts_with("postgres://") || db.starts_with("postgresql://") {
            return Err(not_supported(
                "PostgreSQL storage (--db postgres://…, the scale-out queue of SPEC §8); \
                 use a SQLite file, e.g. --db ./skillgate.db, which many `skillgate worker` \
                 processes on one machine can share",
            ));
        }
        let store = Store::open(&self.db).await.with_context(|| {
            format!(
                "database {} (set another with --db PATH)",
                self.db.display()
            )
        })?;
        Ok(store.with_redaction(&self.config.redaction)?)
    }
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<Outcome> {
    let config = Config::load(cli.config.as_deref())?;
    let ctx = Ctx {
        db: cli.db,
        config,
        json: cli.json,
    };
    match cli.command {
        Command::Demo { dir } => demo::run(&ctx, &dir).await,
        Command::Init => init(&ctx).await,
        Command::Doctor => doctor::run(&ctx).await,
        Command::Runs(cmd) => runs::run(&ctx, cmd).await,
        Command::Audit { limit } => audit(&ctx, limit).await,
        Command::Skills(cmd) => skills::skills(&ctx, cmd).await,
        Command::Draft(cmd) => skills::drafts(&ctx, cmd).await,
        Command::Policy(cmd) => policy::run(&ctx, cmd).await,
        Command::Eval(args) if args.queue => worker::enqueue(&ctx, &args.eval).await,
        Command::Eval(args) => eval::eval(&ctx, args.eval).await,
        Command::Report(cmd) => eval::report(&ctx, cmd).await,
        Command::Cases(cmd) => eval::cases(&ctx, cmd).await,
        Command::ReplayCase(args) => eval::replay_case(&ctx, args).await,
        Command::Review(args) => governance::review(&ctx, args).await,
        Command::Publish(args) => governance::publish(&ctx, args).await,
        Command::Rollback(args) => governance::rollback(&ctx, args).await,
        Command::Replay(cmd) => governance::replay(&ctx, cmd).await,
        Command::Incident(cmd) => governance::incident(&ctx, cmd).await,
        Command::Serve(args) => serve::run(&ctx, args).await,
        Command::Token(cmd) => serve::token(&ctx, cmd).await,
        Command::Worker(args) => worker::worker(&ctx, args).await,
        Command::Jobs(args) => worker::jobs(&ctx, args).await,
        Command::Purge(args) => ops::purge(&ctx, args).await,
        Command::Metrics(args) => ops::metrics(&ctx, args).await,
        Command::Alerts(args) => ops::alerts(&ctx, args).await,
    }
}

async fn init(ctx: &Ctx) -> Result<Outcome> {
    let store = ctx.store().await?;
    store.close().await;
    let path = PathBuf::from("skillgate.toml");
    if path.exists() {
        println!(
            "database {} ready; skillgate.toml already exists, left unchanged",
            ctx.db.display()
        );
    } else {
        std::fs::write(&path, crate::config::TEMPLATE)
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("database {} ready; wrote skillgate.toml", ctx.db.display());
    }
    Ok(Outcome::Ok)
}

async fn audit(ctx: &Ctx, limit: i64) -> Result<Outcome> {
    let store = ctx.store().await?;
    let entries = store.list_audit(limit).await?;
    if ctx.json {
        output::print_json(&entries)?;
    } else {
        let mut t = output::table(&["at", "actor", "action", "subject", "detail"]);
        for e in &entries {
            t.add_row(vec![
                e.at.clone(),
                e.actor.clone(),
                e.action.clone(),
                e.subject.clone(),
                output::truncate(&e.detail, 60),
            ]);
        }
        println!("{t}");
    }
    Ok(Outcome::Ok)
}
