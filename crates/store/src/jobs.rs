//! The job queue (SPEC §8, §9): a lease table that many `skillgate worker`
//! processes share.
//!
//! - [`Store::claim_job`] takes the oldest queued job in one write transaction
//!   (SQLite `BEGIN IMMEDIATE`, so two claimers never see the same row as
//!   free; PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED`, so concurrent
//!   claimers lock different rows without waiting for each other). It first re-queues jobs whose
//!   lease expired, and never hands out a job for a draft that already has a
//!   running job, so two workers never evaluate one draft at once.
//! - The claimer owns the job until `lease_expires_at`; [`Store::heartbeat`]
//!   moves that forward. Every later write names the owner, so a worker whose
//!   lease was taken over can no longer finish or fail the job.
//! - An expired lease puts the job back to `queued`, or to `failed` when its
//!   attempts are used up; [`Store::fail_job`] does the same for an error.
//! - Trial writes are idempotent (see `evals.rs`), so a job taken over after a
//!   crash resumes its eval without repeating a stored trial.

use crate::db::{AsConn, Conn, Executed, on_conn, on_pool};
use crate::{Store, StoreError, format_rfc3339_millis, new_id, now_rfc3339};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Attempts an eval job gets before it is `failed` (claims, counting ones
/// whose worker died).
pub const DEFAULT_JOB_MAX_ATTEMPTS: u32 = 3;

/// Job kind of an eval.
pub const JOB_KIND_EVAL: &str = "eval";

/// The state of a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for a worker.
    Queued,
    /// Leased by a worker.
    Running,
    /// Finished.
    Done,
    /// Given up (its error says why).
    Failed,
}

impl JobState {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<JobState> {
        match s {
            "queued" => Some(JobState::Queued),
            "running" => Some(JobState::Running),
            "done" => Some(JobState::Done),
            "failed" => Some(JobState::Failed),
            _ => None,
        }
    }
}

impl std::fmt::Display for JobState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an eval job asks for (the payload JSON). `None` fields take the
/// worker's configured defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalJobPayload {
    /// Draft to evaluate.
    pub draft_id: String,
    /// At most this many replay cases.
    #[serde(default)]
    pub cases: Option<usize>,
    /// Trials per case and arm.
    #[serde(default)]
    pub trials: Option<u32>,
    /// Prompt locale tag (`en`, `zh-CN`, `zh-TW`).
    #[serde(default)]
    pub prompt_locale: Option<String>,
    /// Who asked.
    pub requested_by: String,
}

/// A stored job.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct JobRow {
    /// Job id (`job_…`).
    pub id: String,
    /// `eval`.
    pub kind: String,
    /// The draft of an eval job.
    pub draft_id: Option<String>,
    /// JSON payload ([`EvalJobPayload`] for `eval`).
    pub payload: String,
    /// `queued`, `running`, `done` or `failed`.
    pub state: String,
    /// Claims so far.
    pub attempts: i64,
    /// Claims allowed.
    pub max_attempts: i64,
    /// The worker holding the lease.
    pub lease_owner: Option<String>,
    /// When the lease ends unless heartbeated (RFC 3339).
    pub lease_expires_at: Option<String>,
    /// Last heartbeat.
    pub heartbeat_at: Option<String>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// JSON result once done.
    pub result: Option<String>,
    /// When it was queued.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

impl JobRow {
    /// The payload of an `eval` job.
    pub fn eval_payload(&self) -> Result<EvalJobPayload, StoreError> {
        serde_json::from_str(&self.payload).map_err(|e| StoreError::Corrupt {
            what: format!("payload of job {}", self.id),
            reason: e.to_string(),
        })
    }

    /// The state, parsed (`None` for a spelling this version does not know).
    pub fn job_state(&self) -> Option<JobState> {
        JobState::parse(&self.state)
    }
}

const JOB_COLUMNS: &str = "id, kind, draft_id, payload, state, attempts, max_attempts, lease_owner, lease_expires_at, heartbeat_at, last_error, result, created_at, updated_at";

/// `now + lease` as a stored timestamp.
fn expiry(lease: Duration) -> String {
    let lease = time::Duration::try_from(lease).unwrap_or(time::Duration::days(365));
    let now = time::OffsetDateTime::now_utc();
    format_rfc3339_millis(now.checked_add(lease).unwrap_or(now))
}

/// Re-queues (or fails, when out of attempts) running jobs whose lease
/// ended before `now`, inside the caller's transaction.
async fn requeue_expired_in(conn: &mut impl AsConn, now: &str) -> Result<u64, StoreError> {
    let failed = on_conn!(conn, |e| {
        sqlx::query(
            "UPDATE jobs SET state = 'failed', last_error = 'the lease of worker ' || COALESCE(lease_owner, '?') || ' expired on the last allowed attempt (' || attempts || ' of ' || max_attempts || '); the worker stopped or lost the database', lease_owner = NULL, lease_expires_at = NULL, updated_at = $1
             WHERE state = 'running' AND lease_expires_at < $1 AND attempts >= max_attempts",
        )
        .bind(now)
        .execute(e)
        .await
        .map(Executed::from)
    })?
    .rows_affected();
    let requeued = on_conn!(conn, |e| {
        sqlx::query(
            "UPDATE jobs SET state = 'queued', last_error = 'the lease of worker ' || COALESCE(lease_owner, '?') || ' expired (attempt ' || attempts || ' of ' || max_attempts || '); re-queued', lease_owner = NULL, lease_expires_at = NULL, updated_at = $1
             WHERE state = 'running' AND lease_expires_at < $1",
        )
        .bind(now)
        .execute(e)
        .await
        .map(Executed::from)
    })?
    .rows_affected();
    Ok(failed + requeued)
}

/// Locks the oldest queued job that no other transaction holds
/// (`FOR UPDATE SKIP LOCKED`) and whose draft has no running job; its id.
///
/// The one-running-job-per-draft rule needs more than row locks on
/// PostgreSQL (two claimers could lock two queued jobs of one draft at
/// once), so the draft is also guarded by a transaction-level advisory lock,
/// taken without waiting, and re-checked after taking it: a claimer that
/// cannot take it (another claimer is deciding on that draft) or finds the
/// draft running leaves the job queued and tries the next one. Nothing here
/// waits on a lock, so concurrent claims cannot deadlock.
async fn pg_lock_next_job(conn: &mut sqlx::PgConnection) -> Result<Option<String>, StoreError> {
    let mut skip: Vec<String> = Vec::new();
    loop {
        let next = sqlx::query_as::<_, (String, Option<String>)>(
            "SELECT id, draft_id FROM jobs WHERE state = 'queued'
               AND (draft_id IS NULL OR draft_id NOT IN
                    (SELECT draft_id FROM jobs WHERE state = 'running' AND draft_id IS NOT NULL))
               AND NOT (id = ANY ($1::text[]))
             ORDER BY created_at, id LIMIT 1
             FOR UPDATE SKIP LOCKED",
        )
        .bind(&skip)
        .fetch_optional(&mut *conn)
        .await?;
        let Some((id, draft_id)) = next else {
            return Ok(None);
        };
        let Some(draft_id) = draft_id else {
            return Ok(Some(id));
        };
        // Never wait for the lock: a claimer holding one draft's lock may be
        // about to try another draft's, and waiting could deadlock.
        let locked = sqlx::query_scalar::<_, bool>(
            "SELECT pg_try_advisory_xact_lock(hashtext('skillgate.job.draft'), hashtext($1))",
        )
        .bind(&draft_id)
        .fetch_one(&mut *conn)
        .await?;
        if locked {
            let running = sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM jobs WHERE draft_id = $1 AND state = 'running'",
            )
            .bind(&draft_id)
            .fetch_one(&mut *conn)
            .await?;
            if running == 0 {
                return Ok(Some(id));
            }
        }
        skip.push(id);
    }
}

impl Store {
    /// Queues an eval of `payload.draft_id`; a worker runs it with at most
    /// `max_attempts` claims. The draft must exist.
    pub async fn enqueue_eval_job(
        &self,
        payload: &EvalJobPayload,
        max_attempts: u32,
    ) -> Result<JobRow, StoreError> {
        if max_attempts == 0 {
            return Err(StoreError::Unsupported(
                "a job needs at least 1 attempt (max_attempts = 0 given)".into(),
            ));
        }
        self.get_draft(&payload.draft_id).await?;
        let body = serde_json::to_string(payload).map_err(|e| StoreError::Corrupt {
            what: format!("eval job payload of draft {}", payload.draft_id),
            reason: e.to_string(),
        })?;
        let now = now_rfc3339();
        let id = new_id("job");
        on_pool!(&self.pool, |e| {
            sqlx::query(
                "INSERT INTO jobs (id, kind, draft_id, payload, state, attempts, max_attempts, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, 'queued', 0, $5, $6, $6)",
            )
            .bind(&id)
            .bind(JOB_KIND_EVAL)
            .bind(&payload.draft_id)
            .bind(self.scrub(&body))
            .bind(i64::from(max_attempts))
            .bind(&now)
            .execute(e)
            .await
            .map(Executed::from)
        })?;
        self.get_job(&id).await
    }

    /// One job by id.
    pub async fn get_job(&self, id: &str) -> Result<JobRow, StoreError> {
        on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"
            )))
            .bind(id)
            .fetch_optional(e)
            .await
        })?
        .ok_or_else(|| StoreError::NotFound {
            kind: "job",
            id: id.into(),
        })
    }

    /// Jobs, newest first; only those in `state` when given.
    pub async fn list_jobs(
        &self,
        state: Option<JobState>,
        limit: i64,
    ) -> Result<Vec<JobRow>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {JOB_COLUMNS} FROM jobs WHERE ($1 IS NULL OR state = $1) ORDER BY created_at DESC, id DESC LIMIT $2"
            )))
            .bind(state.map(JobState::as_str))
            .bind(limit)
            .fetch_all(e)
            .await
        })?)
    }

    /// Puts running jobs whose lease expired back to `queued` (or `failed`
    /// when their attempts are used up). [`Store::claim_job`] does this too;
    /// returns how many jobs changed.
    pub async fn requeue_expired(&self) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin_write().await?;
        let n = requeue_expired_in(&mut tx, &now_rfc3339()).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Claims the oldest queued job for `worker_id` with a lease of `lease`:
    /// the job becomes `running`, its attempts go up by one. Atomic across
    /// processes (one `BEGIN IMMEDIATE` transaction on SQLite, a
    /// `FOR UPDATE SKIP LOCKED` row lock on PostgreSQL); expired leases are
    /// re-queued first, and a job whose draft already has a running job is
    /// skipped. `None` when nothing is claimable.
    pub async fn claim_job(
        &self,
        worker_id: &str,
        lease: Duration,
    ) -> Result<Option<JobRow>, StoreError> {
        let mut tx = self.pool.begin_write().await?;
        let now = now_rfc3339();
        requeue_expired_in(&mut tx, &now).await?;
        let next = match tx.as_conn() {
            // BEGIN IMMEDIATE holds SQLite's one write lock: nobody else
            // claims between this read and the update below.
            Conn::Sqlite(e) => {
                sqlx::query_scalar::<_, String>(
                    "SELECT id FROM jobs WHERE state = 'queued'
                       AND (draft_id IS NULL OR draft_id NOT IN
                            (SELECT draft_id FROM jobs WHERE state = 'running' AND draft_id IS NOT NULL))
                     ORDER BY created_at, id LIMIT 1",
                )
                .fetch_optional(e)
                .await?
            }
            // PostgreSQL: lock the row, skipping rows other claimers hold, so
            // many workers claim different jobs at once without waiting.
            Conn::Postgres(e) => pg_lock_next_job(e).await?,
        };
        let Some(id) = next else {
            tx.commit().await?;
            return Ok(None);
        };
        on_conn!(&mut tx, |e| {
            sqlx::query(
                "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = $1, lease_expires_at = $2, heartbeat_at = $3, updated_at = $3
                 WHERE id = $4",
            )
            .bind(worker_id)
            .bind(expiry(lease))
            .bind(&now)
            .bind(&id)
            .execute(e)
            .await
            .map(Executed::from)
        })?;
        let row = on_conn!(&mut tx, |e| {
            sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"
            )))
            .bind(&id)
            .fetch_one(e)
            .await
        })?;
        tx.commit().await?;
        Ok(Some(row))
    }

    /// Extends `worker_id`'s lease of a running job to now + `lease` (also
    /// when it just ran out but nobody re-queued the job yet). `false` when
    /// the worker no longer holds it (the lease expired and the job was
    /// re-queued or taken over): the worker must stop working on it.
    pub async fn heartbeat(
        &self,
        job_id: &str,
        worker_id: &str,
        lease: Duration,
    ) -> Result<bool, StoreError> {
        let now = now_rfc3339();
        let n = on_pool!(&self.pool, |e| {
            sqlx::query(
                "UPDATE jobs SET lease_expires_at = $1, heartbeat_at = $2, updated_at = $2
                 WHERE id = $3 AND state = 'running' AND lease_owner = $4",
            )
            .bind(expiry(lease))
            .bind(&now)
            .bind(job_id)
            .bind(worker_id)
            .execute(e)
            .await
            .map(Executed::from)
        })?
        .rows_affected();
        Ok(n == 1)
    }

    /// Marks `worker_id`'s running job `done` with its `result` JSON.
    /// `false` when the worker no longer held the lease (nothing changed).
    pub async fn finish_job(
        &self,
        job_id: &str,
        worker_id: &str,
        result: &str,
    ) -> Result<bool, StoreError> {
        let n = on_pool!(&self.pool, |e| {
            sqlx::query(
                "UPDATE jobs SET state = 'done', result = $1, last_error = NULL, lease_owner = NULL, lease_expires_at = NULL, updated_at = $2
                 WHERE id = $3 AND state = 'running' AND lease_owner = $4",
            )
            .bind(result)
            .bind(now_rfc3339())
            .bind(job_id)
            .bind(worker_id)
            .execute(e)
            .await
            .map(Executed::from)
        })?
        .rows_affected();
        Ok(n == 1)
    }

    /// Records that `worker_id`'s attempt at a running job failed with
    /// `error`. The job goes back to `queued` when `retry` and attempts are
    /// left, else to `failed`. Returns the new state, or `None` when the
    /// worker no longer held the lease (nothing changed).
    pub async fn fail_job(
        &self,
        job_id: &str,
        worker_id: &str,
        error: &str,
        retry: bool,
    ) -> Result<Option<JobState>, StoreError> {
        let error = self.scrub(error);
        let n = on_pool!(&self.pool, |e| {
            sqlx::query(
                "UPDATE jobs SET state = CASE WHEN $1 AND attempts < max_attempts THEN 'queued' ELSE 'failed' END,
                        last_error = $2, lease_owner = NULL, lease_expires_at = NULL, updated_at = $3
                 WHERE id = $4 AND state = 'running' AND lease_owner = $5",
            )
            .bind(retry)
            .bind(&error)
            .bind(now_rfc3339())
            .bind(job_id)
            .bind(worker_id)
            .execute(e)
            .await
            .map(Executed::from)
        })?
        .rows_affected();
        if n == 0 {
            return Ok(None);
        }
        Ok(self.get_job(job_id).await?.job_state())
    }

    /// Gives a running job back to the queue without counting the attempt
    /// (a worker shutting down). `false` when the worker no longer held it.
    pub async fn release_job(&self, job_id: &str, worker_id: &str) -> Result<bool, StoreError> {
        let n = on_pool!(&self.pool, |e| {
            sqlx::query(
                "UPDATE jobs SET state = 'queued', attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, lease_owner = NULL, lease_expires_at = NULL, updated_at = $1
                 WHERE id = $2 AND state = 'running' AND lease_owner = $3",
            )
            .bind(now_rfc3339())
            .bind(job_id)
            .bind(worker_id)
            .execute(e)
            .await
            .map(Executed::from)
        })?
        .rows_affected();
        Ok(n == 1)
    }
}
