//! Runs: idempotent batch import and look-ups.

use crate::db::{Executed, on_conn, on_pool};
use crate::{Store, StoreError, content_hash, now_rfc3339};
use skillgate_core::Run;

/// What one [`Store::insert_runs`] batch did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct InsertRunsOutcome {
    /// Runs newly stored.
    pub inserted: usize,
    /// Runs whose id was already stored with identical content.
    pub duplicates: usize,
    /// Runs whose id was already stored with *different* content; the stored
    /// run was kept (runs are never edited).
    pub conflicts: Vec<RunConflict>,
}

impl InsertRunsOutcome {
    /// Adds another batch's counts to this one.
    pub fn absorb(&mut self, other: InsertRunsOutcome) {
        self.inserted += other.inserted;
        self.duplicates += other.duplicates;
        self.conflicts.extend(other.conflicts);
    }
}

/// A run id that was re-imported with different content.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RunConflict {
    /// The run id.
    pub id: String,
}

/// One line of `runs list`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct RunSummary {
    /// Run id.
    pub id: String,
    /// Tenant.
    pub tenant: String,
    /// Locale tag.
    pub locale: String,
    /// The task.
    pub task: String,
    /// Tool names used, space-separated.
    pub tool_names: String,
    /// Skill the run used, if recorded.
    pub skill_hint: Option<String>,
    /// Whether a human accepted it.
    pub accepted: bool,
    /// When it was accepted.
    pub accepted_at: Option<String>,
}

impl Store {
    /// Stores a batch of runs in one transaction. Ids already present are
    /// counted as duplicates (same content) or conflicts (different content)
    /// and left untouched.
    pub async fn insert_runs(&self, runs: &[Run]) -> Result<InsertRunsOutcome, StoreError> {
        let mut outcome = InsertRunsOutcome::default();
        let mut tx = self.pool.begin_write().await?;
        let now = now_rfc3339();
        for run in runs {
            // Redact before hashing, so a re-import of the same run hashes the same.
            let mut value = serde_json::to_value(run).map_err(|e| StoreError::Corrupt {
                what: format!("run {}", run.id),
                reason: e.to_string(),
            })?;
            self.redactor.redact_json(&mut value);
            let task = self.redactor.redact_str(&run.task).into_owned();
            let body = value.to_string();
            let hash = content_hash(body.as_bytes());
            let existing: Option<String> = on_conn!(&mut tx, |e| {
                sqlx::query_scalar("SELECT content_hash FROM runs WHERE id = $1")
                    .bind(&run.id)
                    .fetch_optional(e)
                    .await
            })?;
            match existing {
                Some(h) if h == hash => outcome.duplicates += 1,
                Some(_) => outcome.conflicts.push(RunConflict { id: run.id.clone() }),
                None => {
                    let tool_names: Vec<&str> =
                        run.tool_calls.iter().map(|c| c.name.as_str()).collect();
                    on_conn!(&mut tx, |e| {
                        sqlx::query(
                            "INSERT INTO runs (id, tenant, locale, task, tool_names, skill_hint, accepted, accepted_at, created_at, content_hash, body, imported_at)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                        )
                        .bind(&run.id)
                        .bind(&run.tenant)
                        .bind(&run.locale)
                        .bind(&task)
                        .bind(tool_names.join(" "))
                        .bind(&run.skill)
                        .bind(run.accepted)
                        .bind(&run.accepted_at)
                        .bind(&run.created_at)
                        .bind(&hash)
                        .bind(&body)
                        .bind(&now)
                        .execute(e)
                        .await
                        .map(Executed::from)
                    })?;
                    outcome.inserted += 1;
                }
            }
        }
        tx.commit().await?;
        Ok(outcome)
    }

    /// The full stored run.
    pub async fn get_run(&self, id: &str) -> Result<Run, StoreError> {
        let body: Option<String> = on_pool!(&self.pool, |e| {
            sqlx::query_scalar("SELECT body FROM runs WHERE id = $1")
                .bind(id)
                .fetch_optional(e)
                .await
        })?;
        let body = body.ok_or_else(|| StoreError::NotFound {
            kind: "run",
            id: id.into(),
        })?;
        serde_json::from_str(&body).map_err(|e| StoreError::Corrupt {
            what: format!("run {id}"),
            reason: e.to_string(),
        })
    }

    /// Runs ordered by id, at most `limit`.
    pub async fn list_runs(&self, limit: i64) -> Result<Vec<RunSummary>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, RunSummary>(
                "SELECT id, tenant, locale, task, tool_names, skill_hint, accepted, accepted_at FROM runs ORDER BY id LIMIT $1",
            )
            .bind(limit)
            .fetch_all(e)
            .await
        })?)
    }

    /// (total runs, accepted runs).
    pub async fn count_runs(&self) -> Result<(i64, i64), StoreError> {
        let total: i64 = on_pool!(&self.pool, |e| {
            sqlx::query_scalar("SELECT COUNT(*) FROM runs")
                .fetch_one(e)
                .await
        })?;
        let accepted: i64 = on_pool!(&self.pool, |e| {
            sqlx::query_scalar("SELECT COUNT(*) FROM runs WHERE accepted")
                .fetch_one(e)
                .await
        })?;
        Ok((total, accepted))
    }
}
