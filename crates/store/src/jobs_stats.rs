//! Read-only views of the job queue for operators (`/metrics`, the
//! dashboard, the draft page). The queue itself, and every write to it, is in
//! `jobs.rs`.

use crate::db::on_pool;
use crate::{JobRow, JobState, Store, StoreError};
use serde::Serialize;
use std::collections::BTreeMap;

/// The job queue at one moment.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct JobQueueStats {
    /// Jobs per state (`queued`, `running`, `done`, `failed`; every state
    /// present, 0 when none).
    pub counts: BTreeMap<String, u64>,
    /// When the longest-waiting queued job entered the queue (its last
    /// change: enqueue, retry or lease re-queue), RFC 3339; `None` when
    /// nothing is queued.
    pub oldest_queued_since: Option<String>,
    /// Running jobs whose lease ended before the moment read: their worker
    /// stopped and no claim has re-queued them yet.
    pub running_lease_expired: u64,
}

impl JobQueueStats {
    /// Jobs in `state`.
    pub fn count(&self, state: JobState) -> u64 {
        self.counts.get(state.as_str()).copied().unwrap_or(0)
    }
}

impl Store {
    /// Counts jobs per state and finds the longest-waiting queued job;
    /// `now` (RFC 3339, as stored) decides which running leases expired.
    pub async fn job_queue_stats(&self, now: &str) -> Result<JobQueueStats, StoreError> {
        let rows = on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, (String, i64)>("SELECT state, COUNT(*) FROM jobs GROUP BY state")
                .fetch_all(e)
                .await
        })?;
        let mut counts: BTreeMap<String, u64> = [
            JobState::Queued,
            JobState::Running,
            JobState::Done,
            JobState::Failed,
        ]
        .into_iter()
        .map(|s| (s.as_str().to_string(), 0))
        .collect();
        for (state, n) in rows {
            counts.insert(state, u64::try_from(n).unwrap_or(0));
        }
        let oldest_queued_since = on_pool!(&self.pool, |e| {
            sqlx::query_scalar::<_, Option<String>>(
                "SELECT MIN(updated_at) FROM jobs WHERE state = 'queued'",
            )
            .fetch_one(e)
            .await
        })?;
        let expired = on_pool!(&self.pool, |e| {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM jobs WHERE state = 'running' AND lease_expires_at < $1",
            )
            .bind(now)
            .fetch_one(e)
            .await
        })?;
        Ok(JobQueueStats {
            counts,
            oldest_queued_since,
            running_lease_expired: u64::try_from(expired).unwrap_or(0),
        })
    }

    /// The newest job of draft `draft_id` that has not finished (`queued` or
    /// `running`), else its newest job when that one `failed`; `None` when the
    /// draft has no job or its newest job is `done`.
    pub async fn pending_job_of_draft(&self, draft_id: &str) -> Result<Option<JobRow>, StoreError> {
        let id = on_pool!(&self.pool, |e| {
            sqlx::query_scalar::<_, String>(
                "SELECT id FROM jobs WHERE draft_id = $1 AND state IN ('queued', 'running')
                 ORDER BY created_at DESC, id DESC LIMIT 1",
            )
            .bind(draft_id)
            .fetch_optional(e)
            .await
        })?;
        let id = match id {
            Some(id) => Some(id),
            None => on_pool!(&self.pool, |e| {
                sqlx::query_scalar::<_, String>(
                    "SELECT id FROM jobs WHERE draft_id = $1 AND state = 'failed'
                       AND created_at >= COALESCE((SELECT MAX(created_at) FROM jobs WHERE draft_id = $1), '')
                     ORDER BY created_at DESC, id DESC LIMIT 1",
                )
                .bind(draft_id)
                .fetch_optional(e)
                .await
            })?,
        };
        match id {
            Some(id) => Ok(Some(self.get_job(&id).await?)),
            None => Ok(None),
        }
    }
}
