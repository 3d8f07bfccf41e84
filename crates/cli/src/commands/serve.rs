//! `skillgate serve` (reviewer web UI and HTTP API) and `skillgate token create`.

use super::Ctx;
use crate::Outcome;
use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use skillgate_web::{EvalRequest, EvalStarter, Role, WebConfig, generate_token, hash_token};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;

/// `skillgate serve …`
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. A non-loopback address is refused until an API
    /// token exists (`skillgate token create`); on loopback without tokens the
    /// server runs in local dev mode (everyone is admin).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
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
        evals: match std::env::current_exe() {
            Ok(exe) => Some(Arc::new(CliEvalStarter {
                exe,
                db: ctx.db.clone(),
            })),
            Err(e) => {
                eprintln!("note: starting evals from the web UI is off: {e}");
                None
            }
        },
    };
    spawn_daily_purge(store.clone(), ctx.config.retention.clone(), actor.clone());
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
    server.run().await.with_context(context)?;
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

/// Starts `skillgate eval` as a child process of the server, so an eval runs
/// (and can crash) on its own and writes to the same database. Its progress
/// and errors go to the server's stderr; it reads `./skillgate.toml` or
/// `$SKILLGATE_CONFIG` as any `skillgate` command does.
#[derive(Debug)]
struct CliEvalStarter {
    exe: PathBuf,
    db: PathBuf,
}

impl EvalStarter for CliEvalStarter {
    fn start(&self, request: &EvalRequest) -> Result<String, String> {
        let mut cmd = Command::new(&self.exe);
        cmd.arg("--db")
            .arg(&self.db)
            .arg("eval")
            .arg(&request.draft_id);
        if let Some(cases) = request.cases {
            cmd.arg("--cases").arg(cases.to_string());
        }
        if let Some(trials) = request.trials {
            cmd.arg("--trials").arg(trials.to_string());
        }
        if let Some(locale) = request.prompt_locale {
            cmd.arg("--locale").arg(locale.tag());
        }
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", self.exe.display()))?;
        let pid = child.id();
        // Reap the child when it ends so it does not linger as a zombie.
        std::thread::spawn(move || {
            let _ = child.wait();
        });
        Ok(format!(
            "skillgate eval {} (process {pid}) requested by {}",
            request.draft_id, request.requested_by
        ))
    }
}
