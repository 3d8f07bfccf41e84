//! `skillgate serve` (reviewer web UI and HTTP API) and `skillgate token create`.

use super::Ctx;
use super::worker::{QueueEvalStarter, WorkerSettings};
use crate::Outcome;
use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use skillgate_web::{Role, WebConfig, generate_token, hash_token};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// `skillgate serve …`
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. A non-loopback address is refused until an API
    /// token exists (`skillgate token create`); on loopback without tokens the
    /// server runs in local dev mode (everyone is admin).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Do not run evals in this process: evals started from the web UI are
    /// only queued, for separate `skillgate worker` processes.
    #[arg(long)]
    pub no_worker: bool,
}

/// `skillgate token …`
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for the web UI and HTTP API; it is printed once and
    /// only its SHA-256 hash is stored.
    Create {
        /// viewer, reviewer, publisher or admin.
        #[arg(long)]
        role: String,
        /// Who or what the token is for (recorded as the actor in the audit log).
        #[arg(long)]
        name: String,
    },
}

/// Purges raw replay data past `[retention]` now and then every 24 hours while
/// the server runs (SPEC §7); each purge is audited by the store.
fn spawn_daily_purge(
    store: skillgate_store::Store,
    retention: skillgate_ops::RetentionConfig,
    actor: String,
) {
    tokio::spawn(async move {
        let mut every_day = tokio::time::interval(std::time::Duration::from_secs(24 * 60 * 60));
        loop {
            every_day.tick().await;
            match skillgate_ops::purge(&store, &retention, false, &actor).await {
                Ok(c) => tracing::info!(
                    evals = c.evals,
                    transcripts = c.transcripts,
                    case_reports = c.case_reports,
                    "retention purge"
                ),
                Err(e) => tracing::warn!(error = %e, "retention purge failed; retrying in 24 h"),
            }
        }
    });
}

/// Runs `skillgate serve`: the web UI and JSON API until Ctrl-C.
pub async fn run(ctx: &Ctx, args: ServeArgs) -> Result<Outcome> {
    let store = ctx.store().await?;
    let actor = super::governance::actor_name(None);
    if let Some(change) = store.observe_phase(ctx.config.gate.phase, &actor).await?
        && let Some(previous) = change.previous
    {
        eprintln!(
            "note: rollout phase changed from {previous} to {} ([gate] phase); recorded in the audit log",
            change.current
        );
    }
    let cfg = WebConfig {
        addr: args.addr,
        gate: ctx.config.gate.gate_config(),
        redaction: ctx.config.redaction.clone(),
        evals: Some(Arc::new(QueueEvalStarter {
            store: store.clone(),
            in_process_worker: !args.no_worker,
        })),
    };
    spawn_daily_purge(store.clone(), ctx.config.retention.clone(), actor.clone());
    // A single-process setup still runs evals: one in-process worker takes
    // jobs from the queue (many `skillgate worker` processes may join it).
    let (stop_worker, worker_shutdown) = tokio::sync::watch::channel(false);
    let in_process_worker = if args.no_worker {
        None
    } else {
        let env = Arc::new(super::worker::worker_env(&ctx.config, &ctx.db)?);
        let base = Arc::new(super::eval::eval_settings(&ctx.config, None)?);
        let settings = WorkerSettings {
            id: format!("serve-{}", super::worker::default_worker_id()),
            concurrency: 1,
            lease: Duration::from_secs(60),
            poll: Duration::from_secs(1),
            once: false,
        };
        Some(tokio::spawn(super::worker::work(
            store.clone(),
            env,
            base,
            settings,
            worker_shutdown,
        )))
    };
    let context = || format!("skillgate serve --addr {}", args.addr);
    let server = skillgate_web::bind(cfg, store)
        .await
        .with_context(context)?;
    eprintln!(
        "skillgate web UI on http://{}/ (Ctrl-C stops it){}",
        server.local_addr(),
        if server.dev_mode() {
            "\nlocal dev mode: no API token exists, every request acts as admin; \
             `skillgate token create --role admin --name NAME` turns sign-in on"
        } else {
            ""
        }
    );
    let served = server.run().await.with_context(context);
    // The server stopped (Ctrl-C): give running eval jobs back to the queue.
    let _ = stop_worker.send(true);
    if let Some(worker) = in_process_worker {
        match worker.await {
            Ok(Ok(summary)) if summary.released > 0 => eprintln!(
                "{} eval job(s) given back to the queue; `skillgate worker` or the next `skillgate serve` resumes them",
                summary.released
            ),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => eprintln!("the in-process worker stopped: {e:#}"),
            Err(e) => eprintln!("the in-process worker ended abnormally: {e}"),
        }
    }
    served?;
    Ok(Outcome::Ok)
}

/// Runs `skillgate token …`.
pub async fn token(ctx: &Ctx, cmd: TokenCommand) -> Result<Outcome> {
    match cmd {
        TokenCommand::Create { role, name } => {
            let role = Role::parse(&role).ok_or_else(|| {
                anyhow!("unknown role '{role}': use viewer, reviewer, publisher or admin")
            })?;
            let name = name.trim();
            if name.is_empty() {
                bail!("--name must not be blank: name the person or system the token is for");
            }
            let token = generate_token()
                .map_err(|e| anyhow!("cannot read the OS random source to make a token: {e}"))?;
            let store = ctx.store().await?;
            let row = store
                .create_api_token(name, role.as_str(), &hash_token(&token))
                .await?;
            let actor = super::governance::actor_name(None);
            store
                .audit(
                    &actor,
                    "token.create",
                    &row.id,
                    &format!("{role} token for '{name}'"),
                )
                .await?;
            if ctx.json {
                crate::output::print_json(&serde_json::json!({
                    "id": row.id, "name": row.name, "role": row.role,
                    "created_at": row.created_at, "token": token,
                }))?;
            } else {
                println!("{token}");
                eprintln!(
                    "token {} ({role}) for '{name}': shown only now, store it safely; \
                     only its SHA-256 hash is kept",
                    row.id
                );
            }
            Ok(Outcome::Ok)
        }
    }
}
