//! `skillgate worker`, `skillgate jobs` and `skillgate eval --queue`: the job
//! queue's faces (SPEC §8, §9; docs/worker.md).
//!
//! A worker claims eval jobs from the store's lease table, runs each through
//! the same code path as `skillgate eval DRAFT` (`skillgate_eval::run_eval`,
//! which resumes an unfinished eval of the draft and never repeats a stored
//! trial), heartbeats while it runs and marks the job done or failed. Ctrl-C
//! (or SIGTERM) stops claiming, cancels the running evals and gives their
//! leases back, so another worker resumes them at once.

use super::Ctx;
use crate::config::Config;
use crate::{Outcome, output};
use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use skillgate_core::Locale;
use skillgate_eval::{EvalEnv, EvalError, EvalSettings};
use skillgate_store::{DEFAULT_JOB_MAX_ATTEMPTS, EvalJobPayload, JobRow, JobState, Store};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::watch;

/// `skillgate worker …`
#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Worker name recorded as the lease owner (default: HOST-PID); each
    /// claim is owned by NAME/N.
    #[arg(long)]
    pub id: Option<String>,
    /// Jobs run at once by this worker.
    #[arg(long, default_value_t = 1)]
    pub concurrency: usize,
    /// Lease of a claimed job: renewed by a heartbeat every third of it; a
    /// job whose worker stops heartbeating is re-queued when it runs out.
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    pub lease: Duration,
    /// How often an idle worker looks for new jobs.
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    pub poll: Duration,
    /// Run until no job is claimable and none is running, then exit.
    #[arg(long)]
    pub once: bool,
    /// Serve the Prometheus `/metrics` text (as `skillgate serve` does) on
    /// this address, e.g. 127.0.0.1:9464.
    #[arg(long)]
    pub metrics_addr: Option<SocketAddr>,
}

/// `skillgate jobs …`
#[derive(Debug, Args)]
pub struct JobsArgs {
    /// Only jobs in this state: queued, running, done or failed.
    #[arg(long)]
    pub state: Option<String>,
    /// Newest jobs to show.
    #[arg(long, default_value_t = 50)]
    pub limit: i64,
}

/// Parses `250ms`, `30s`, `5m`, `1h` (a bare number is seconds).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits.parse().map_err(|_| {
        format!("'{text}' is not a duration: use a whole number with ms, s, m or h (e.g. 60s)")
    })?;
    let d = match unit {
        "ms" => Duration::from_millis(n),
        "" | "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n.saturating_mul(60)),
        "h" => Duration::from_secs(n.saturating_mul(3600)),
        _ => {
            return Err(format!(
                "'{text}' has an unknown unit '{unit}': use ms, s, m or h (e.g. 60s)"
            ));
        }
    };
    if d.is_zero() {
        return Err(format!(
            "'{text}' is zero: use a positive duration (e.g. 1s)"
        ));
    }
    Ok(d)
}

/// How a worker loop runs.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Lease owner prefix.
    pub id: String,
    /// Jobs at once.
    pub concurrency: usize,
    /// Lease length.
    pub lease: Duration,
    /// Idle poll interval.
    pub poll: Duration,
    /// Exit once the queue is drained.
    pub once: bool,
}

/// What a worker loop did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct WorkerSummary {
    /// The worker's name.
    pub worker: String,
    /// Jobs finished.
    pub done: u64,
    /// Jobs whose attempt failed (re-queued or failed for good).
    pub failed: u64,
    /// Jobs given back (shutdown) or lost (lease taken over).
    pub released: u64,
}

/// How one job ended in this worker.
enum JobEnd {
    Done,
    Failed,
    Released,
}

/// The default worker name: host name and process id.
pub fn default_worker_id() -> String {
    let host = ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| {
            std::fs::read_to_string(p)
                .ok()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_else(|| "worker".into());
    format!("{host}-{}", std::process::id())
}

/// The eval environment a worker runs jobs with: the configuration's
/// providers, policy and sandbox, and the tripwire leaving the database out.
pub fn worker_env(config: &Config, db: &Path) -> Result<EvalEnv> {
    let mut env = super::eval::eval_env(config)?;
    env.tripwire_exclude = super::eval::database_files(db);
    Ok(env)
}

/// A shutdown signal: `true` once Ctrl-C (SIGINT) or SIGTERM arrived. The
/// handlers are installed before this returns, so a signal sent right after
/// start-up is not lost.
pub fn shutdown_on_signals() -> Result<watch::Receiver<bool>> {
    use tokio::signal::unix::{SignalKind, signal};
    let (tx, rx) = watch::channel(false);
    let mut int = signal(SignalKind::interrupt()).context("cannot install the Ctrl-C handler")?;
    let mut term = signal(SignalKind::terminate()).context("cannot install the SIGTERM handler")?;
    tokio::spawn(async move {
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
        }
        let _ = tx.send(true);
    });
    Ok(rx)
}

/// Runs the worker loop until `shutdown` turns true (or, with `once`, until
/// no job is claimable and none is running). Claim errors end a `once` loop;
/// otherwise they are logged and retried after `poll`.
pub async fn work(
    store: Store,
    env: Arc<EvalEnv>,
    base: Arc<EvalSettings>,
    settings: WorkerSettings,
    mut shutdown: watch::Receiver<bool>,
) -> Result<WorkerSummary> {
    let claims = AtomicU64::new(0);
    let mut summary = WorkerSummary {
        worker: settings.id.clone(),
        ..WorkerSummary::default()
    };
    let mut running = tokio::task::JoinSet::new();
    let concurrency = settings.concurrency.max(1);
    loop {
        if *shutdown.borrow() {
            break;
        }
        let mut queue_empty = false;
        while running.len() < concurrency {
            let owner = format!(
                "{}/{}",
                settings.id,
                claims.fetch_add(1, Ordering::Relaxed) + 1
            );
            match store.claim_job(&owner, settings.lease).await {
                Ok(Some(job)) => {
                    running.spawn(run_job(
                        store.clone(),
                        env.clone(),
                        base.clone(),
                        job,
                        owner,
                        settings.lease,
                        shutdown.clone(),
                    ));
                }
                Ok(None) => {
                    queue_empty = true;
                    break;
                }
                Err(e) if settings.once => {
                    return Err(e).context("cannot claim a job from the queue");
                }
                Err(e) => {
                    tracing::warn!(worker = %settings.id, error = %e, "cannot claim a job; retrying");
                    queue_empty = true;
                    break;
                }
            }
        }
        if settings.once && queue_empty && running.is_empty() {
            break;
        }
        let idle_wait = !queue_empty || (settings.once && !running.is_empty());
        tokio::select! {
            changed = shutdown.changed() => {
                if changed.is_err() {
                    // The sender is gone: nobody can stop us any more; stop now.
                    break;
                }
            }
            Some(end) = running.join_next(), if !running.is_empty() => {
                count(&mut summary, end);
            }
            _ = tokio::time::sleep(settings.poll), if !idle_wait => {}
        }
    }
    // Shutdown: running jobs see the signal, give their leases back and end.
    while let Some(end) = running.join_next().await {
        count(&mut summary, end);
    }
    Ok(summary)
}

fn count(summary: &mut WorkerSummary, end: Result<JobEnd, tokio::task::JoinError>) {
    match end {
        Ok(JobEnd::Done) => summary.done += 1,
        Ok(JobEnd::Failed) => summary.failed += 1,
        Ok(JobEnd::Released) => summary.released += 1,
        Err(e) => {
            tracing::error!(error = %e, "a job task ended abnormally; its lease expires and the job is re-queued");
            summary.failed += 1;
        }
    }
}

/// Whether an eval error may go away on another attempt (a database
/// hiccup); a missing draft or invalid settings never will.
fn retryable(e: &EvalError) -> bool {
    matches!(e, EvalError::Store(s) if !matches!(s, skillgate_store::StoreError::NotFound { .. }))
}

/// Keeps `owner`'s lease of `job_id` alive; returns when it is lost.
async fn keep_lease(store: &Store, job_id: &str, owner: &str, lease: Duration) -> String {
    let every = (lease / 3).max(Duration::from_millis(50));
    let mut failures = 0u32;
    loop {
        tokio::time::sleep(every).await;
        match store.heartbeat(job_id, owner, lease).await {
            Ok(true) => failures = 0,
            Ok(false) => {
                return format!(
                    "lost the lease of job {job_id}: it expired and was re-queued (is --lease too short for heartbeats every {} ms?)",
                    every.as_millis()
                );
            }
            Err(e) => {
                failures += 1;
                tracing::warn!(job = %job_id, error = %e, "heartbeat failed");
                if failures >= 3 {
                    return format!("heartbeats of job {job_id} failed 3 times: {e}");
                }
            }
        }
    }
}

async fn run_job(
    store: Store,
    env: Arc<EvalEnv>,
    base: Arc<EvalSettings>,
    job: JobRow,
    owner: String,
    lease: Duration,
    mut shutdown: watch::Receiver<bool>,
) -> JobEnd {
    let payload = match job.eval_payload() {
        Ok(p) => p,
        Err(e) => return fail(&store, &job, &owner, &e.to_string(), false).await,
    };
    let settings = match job_settings(&base, &payload) {
        Ok(s) => s,
        Err(e) => return fail(&store, &job, &owner, &format!("{e:#}"), false).await,
    };
    eprintln!(
        "worker {owner}: job {} claimed: eval of draft {} (attempt {} of {}, requested by {})",
        job.id, payload.draft_id, job.attempts, job.max_attempts, payload.requested_by
    );
    tracing::info!(job = %job.id, draft = %payload.draft_id, owner = %owner, attempt = job.attempts, "job claimed");
    let eval = skillgate_eval::run_eval(&store, &payload.draft_id, settings, &env);
    let stop = async {
        loop {
            if *shutdown.borrow() {
                return;
            }
            if shutdown.changed().await.is_err() {
                return std::future::pending().await;
            }
        }
    };
    tokio::select! {
        outcome = eval => match outcome {
            Ok(o) => {
                let result = serde_json::json!({
                    "eval_id": o.eval_id,
                    "report_id": o.report_id,
                    "status": o.report.status.as_str(),
                })
                .to_string();
                match store.finish_job(&job.id, &owner, &result).await {
                    Ok(true) => {
                        tracing::info!(job = %job.id, draft = %payload.draft_id, owner = %owner, eval_id = %o.eval_id, report_id = %o.report_id, status = o.report.status.as_str(), "job done");
                        eprintln!(
                            "worker {owner}: job {} done: eval {} of draft {} {} (report {})",
                            job.id, o.eval_id, payload.draft_id, o.report.status.as_str(), o.report_id
                        );
                        JobEnd::Done
                    }
                    Ok(false) => {
                        eprintln!("worker {owner}: job {} finished after its lease was lost; the eval is stored, the job stays with its new owner", job.id);
                        JobEnd::Released
                    }
                    Err(e) => {
                        eprintln!("worker {owner}: job {} finished but cannot be marked done ({e}); it is re-queued when the lease expires and the rerun only rebuilds the report", job.id);
                        JobEnd::Failed
                    }
                }
            }
            Err(e) => {
                let retry = retryable(&e);
                fail(&store, &job, &owner, &e.to_string(), retry).await
            }
        },
        lost = keep_lease(&store, &job.id, &owner, lease) => {
            tracing::warn!(job = %job.id, owner = %owner, reason = %lost, "job lease lost");
            eprintln!("worker {owner}: {lost}; stopped working on it (stored trials are kept)");
            JobEnd::Released
        }
        () = stop => {
            tracing::info!(job = %job.id, owner = %owner, "shutting down: giving the job back");
            match store.release_job(&job.id, &owner).await {
                Ok(_) => eprintln!("worker {owner}: shutting down; job {} given back to the queue (stored trials are kept)", job.id),
                Err(e) => eprintln!("worker {owner}: shutting down; job {} could not be given back ({e}); it is re-queued when its lease expires", job.id),
            }
            JobEnd::Released
        }
    }
}

async fn fail(store: &Store, job: &JobRow, owner: &str, error: &str, retry: bool) -> JobEnd {
    tracing::warn!(job = %job.id, owner = %owner, attempt = job.attempts, retry, error = %error, "job attempt failed");
    match store.fail_job(&job.id, owner, error, retry).await {
        Ok(Some(state)) => eprintln!(
            "worker {owner}: job {} attempt {} failed: {error}; job is now {state}",
            job.id, job.attempts
        ),
        Ok(None) => eprintln!(
            "worker {owner}: job {} failed after its lease was lost: {error}",
            job.id
        ),
        Err(e) => eprintln!(
            "worker {owner}: job {} failed ({error}) and cannot be marked so ({e}); it is re-queued when its lease expires",
            job.id
        ),
    }
    JobEnd::Failed
}

/// Eval settings of a job: the worker's `[eval]` settings overridden by the
/// job's cases, trials and prompt locale, as the same flags of
/// `skillgate eval` would.
fn job_settings(base: &EvalSettings, p: &EvalJobPayload) -> Result<EvalSettings> {
    let mut s = base.clone();
    s.max_cases = p.cases.unwrap_or(s.max_cases);
    s.trials = p.trials.unwrap_or(s.trials);
    if let Some(tag) = &p.prompt_locale {
        s.locale = Some(Locale::parse(tag).with_context(|| {
            format!("job asks for unknown prompt locale '{tag}': use en, zh-CN or zh-TW")
        })?);
    }
    if s.trials == 0 || s.max_cases == 0 {
        bail!("the job asks for 0 cases or 0 trials; queue it again with at least 1 of each");
    }
    Ok(s)
}

/// Serves `GET /metrics` (the Prometheus text of `skillgate serve`) on
/// `addr` in the background; returns the bound address.
pub async fn serve_metrics(store: Store, addr: SocketAddr) -> Result<SocketAddr> {
    use axum::response::IntoResponse;
    async fn metrics(
        axum::extract::State(store): axum::extract::State<Store>,
    ) -> axum::response::Response {
        match skillgate_ops::render_prometheus(&store).await {
            Ok(text) => (
                [(
                    axum::http::header::CONTENT_TYPE,
                    skillgate_ops::PROMETHEUS_CONTENT_TYPE,
                )],
                text,
            )
                .into_response(),
            Err(e) => (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                format!("# metrics unavailable: {e}\n"),
            )
                .into_response(),
        }
    }
    let app = axum::Router::new()
        .route("/metrics", axum::routing::get(metrics))
        .with_state(store);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on --metrics-addr {addr} (is the port taken?)"))?;
    let bound = listener.local_addr().context("metrics listener address")?;
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "the /metrics server stopped");
        }
    });
    Ok(bound)
}

/// Runs `skillgate worker`.
pub async fn worker(ctx: &Ctx, args: WorkerArgs) -> Result<Outcome> {
    if args.concurrency == 0 {
        bail!("--concurrency must be at least 1");
    }
    if args.lease < Duration::from_secs(1) {
        bail!(
            "--lease {} ms is too short: heartbeats run every third of it; use at least 1s (default 60s)",
            args.lease.as_millis()
        );
    }
    let id = match args.id {
        Some(id) if id.trim().is_empty() => bail!("--id must not be blank"),
        Some(id) => id.trim().to_string(),
        None => default_worker_id(),
    };
    let shutdown = shutdown_on_signals()?;
    let store = ctx.store().await?;
    let env = worker_env(&ctx.config, &ctx.db)?;
    if let Some(addr) = args.metrics_addr {
        let bound = serve_metrics(store.clone(), addr).await?;
        eprintln!("worker {id}: Prometheus metrics on http://{bound}/metrics");
    }
    eprintln!(
        "worker {id}: taking eval jobs from {} ({} at once, lease {} s{}; Ctrl-C gives running jobs back)",
        ctx.db_label(),
        args.concurrency,
        args.lease.as_secs_f64(),
        if args.once {
            ", until the queue is drained"
        } else {
            ""
        }
    );
    let settings = WorkerSettings {
        id,
        concurrency: args.concurrency,
        lease: args.lease,
        poll: args.poll,
        once: args.once,
    };
    let summary = work(
        store.clone(),
        Arc::new(env),
        Arc::new(super::eval::eval_settings(&ctx.config, None)?),
        settings,
        shutdown,
    )
    .await?;
    store.close().await;
    if ctx.json {
        output::print_json(&summary)?;
    } else {
        println!(
            "worker {}: {} jobs done, {} failed, {} given back",
            summary.worker, summary.done, summary.failed, summary.released
        );
    }
    Ok(if summary.failed > 0 {
        Outcome::Findings
    } else {
        Outcome::Ok
    })
}

/// The job payload of `skillgate eval DRAFT --queue` (validated like the
/// inline eval's flags).
fn queue_payload(config: &Config, args: &super::eval::EvalArgs) -> Result<EvalJobPayload> {
    let Some(draft) = &args.draft_id else {
        bail!("--queue needs the draft to evaluate: `skillgate eval DRAFT_ID --queue`");
    };
    // Same validation as an inline eval, so a bad flag fails here, not in a worker.
    super::eval::eval_settings(config, Some(args))?;
    Ok(EvalJobPayload {
        draft_id: draft.clone(),
        cases: args.cases,
        trials: args.trials,
        prompt_locale: args.locale.clone(),
        requested_by: super::governance::actor_name(None),
    })
}

/// Runs `skillgate eval DRAFT --queue`: queues the eval and prints the job id.
pub async fn enqueue(ctx: &Ctx, args: &super::eval::EvalArgs) -> Result<Outcome> {
    let payload = queue_payload(&ctx.config, args)?;
    let store = ctx.store().await?;
    let job = store
        .enqueue_eval_job(&payload, DEFAULT_JOB_MAX_ATTEMPTS)
        .await
        .with_context(|| {
            format!(
                "cannot queue an eval of draft '{}' (`skillgate draft list` shows the drafts)",
                payload.draft_id
            )
        })?;
    store.close().await;
    if ctx.json {
        output::print_json(&job)?;
    } else {
        println!("{}", job.id);
        eprintln!(
            "eval of draft {} queued as job {}; `skillgate worker` runs it, `skillgate jobs` shows the queue",
            payload.draft_id, job.id
        );
    }
    Ok(Outcome::Ok)
}

/// Runs `skillgate jobs`.
pub async fn jobs(ctx: &Ctx, args: JobsArgs) -> Result<Outcome> {
    let state = match &args.state {
        None => None,
        Some(s) => Some(JobState::parse(s).ok_or_else(|| {
            anyhow!("unknown job state '{s}': use queued, running, done or failed")
        })?),
    };
    let store = ctx.store().await?;
    let rows = store.list_jobs(state, args.limit).await?;
    store.close().await;
    if ctx.json {
        output::print_json(&rows)?;
        return Ok(Outcome::Ok);
    }
    let mut t = output::table(&[
        "job",
        "draft",
        "state",
        "attempts",
        "lease owner",
        "updated",
        "error",
    ]);
    for j in &rows {
        t.add_row(vec![
            j.id.clone(),
            j.draft_id.clone().unwrap_or_default(),
            j.state.clone(),
            format!("{}/{}", j.attempts, j.max_attempts),
            j.lease_owner.clone().unwrap_or_default(),
            j.updated_at.clone(),
            output::truncate(j.last_error.as_deref().unwrap_or(""), 60),
        ]);
    }
    println!("{t}");
    Ok(Outcome::Ok)
}

/// Starts evals from the web UI and API by queueing them (`skillgate serve`).
#[derive(Debug)]
pub struct QueueEvalStarter {
    /// The store jobs are queued in.
    pub store: Store,
    /// Whether a worker runs inside the server (only changes the message).
    pub in_process_worker: bool,
}

impl skillgate_web::EvalStarter for QueueEvalStarter {
    fn start(&self, request: &skillgate_web::EvalRequest) -> Result<String, String> {
        let payload = EvalJobPayload {
            draft_id: request.draft_id.clone(),
            cases: request.cases,
            trials: request.trials,
            prompt_locale: request.prompt_locale.map(|l| l.tag().to_string()),
            requested_by: request.requested_by.clone(),
        };
        // The trait is synchronous and called from an async handler: run the
        // insert on this worker thread, letting the runtime move other tasks.
        let handle = tokio::runtime::Handle::try_current()
            .map_err(|e| format!("cannot queue the eval outside the server's runtime: {e}"))?;
        if handle.runtime_flavor() != tokio::runtime::RuntimeFlavor::MultiThread {
            return Err("cannot queue the eval: the server runtime must be multi-threaded".into());
        }
        let store = self.store.clone();
        let job = tokio::task::block_in_place(|| {
            handle.block_on(store.enqueue_eval_job(&payload, DEFAULT_JOB_MAX_ATTEMPTS))
        })
        .map_err(|e| format!("cannot queue an eval of draft {}: {e}", request.draft_id))?;
        Ok(format!(
            "eval of draft {} queued as job {} (requested by {}); {}",
            request.draft_id,
            job.id,
            request.requested_by,
            if self.in_process_worker {
                "the server's worker runs it"
            } else {
                "a `skillgate worker` runs it"
            }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units_and_bad_ones_name_the_input() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("60s"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("45"), Ok(Duration::from_secs(45)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        for bad in ["", "s", "0s", "-1s", "1.5s", "3d", "ten"] {
            let err = parse_duration(bad).unwrap_err();
            assert!(err.contains(&format!("'{bad}'")), "{err}");
        }
    }

    #[test]
    fn job_settings_apply_the_jobs_cases_trials_and_locale() {
        let base = EvalSettings::default();
        let p = EvalJobPayload {
            draft_id: "d".into(),
            cases: Some(4),
            trials: Some(2),
            prompt_locale: Some("zh-TW".into()),
            requested_by: "r".into(),
        };
        let s = job_settings(&base, &p).unwrap();
        assert_eq!((s.max_cases, s.trials), (4, 2));
        assert_eq!(s.locale, Some(Locale::ZhTw));
        let err = job_settings(
            &base,
            &EvalJobPayload {
                prompt_locale: Some("xx".into()),
                ..p
            },
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("'xx'"), "{err:#}");
    }
}
