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
use skillgate_store::{Store, display_target, is_postgres_url};
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

/// Returns the "not supported yet" error for `what`. Unused at the moment
/// (PostgreSQL storage, its last caller, is built); kept for the next
/// command that exists before it works.
#[allow(dead_code)]
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
    /// Opens (creating and migrating) the database: a SQLite file, or a
    /// PostgreSQL server for `postgres://…` / `postgresql://…` (the database
    /// must exist; its tables are created on first use).
    pub async fn store(&self) -> Result<Store> {
        let db = self.db.to_string_lossy();
        let store = if is_postgres_url(&db) {
            Store::open_url(&db).await.with_context(|| {
                format!(
                    "database {} (check the server, user and database name, or set another with --db postgres://USER@HOST/DB)",
                    self.db_label()
                )
            })?
        } else {
            Store::open(&self.db).await.with_context(|| {
                format!("database {} (set another with --db PATH)", self.db_label())
            })?
        };
        Ok(store.with_redaction(&self.config.redaction)?)
    }

    /// The `--db` value fit to print (a URL's password hidden).
    pub fn db_label(&self) -> String {
        display_target(&self.db.to_string_lossy())
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
            ctx.db_label()
        );
    } else {
        std::fs::write(&path, crate::config::TEMPLATE)
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("database {} ready; wrote skillgate.toml", ctx.db_label());
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
