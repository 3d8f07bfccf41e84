//! skillgate's persistence layer: the one [`Store`] API over sqlx.
//!
//! Invariants:
//! - This is the only crate that speaks SQL. Callers see typed rows and never
//!   build queries.
//! - Two backends (SPEC §8): SQLite (WAL) is the embedded default, PostgreSQL
//!   (`postgres://…`) the scale-out one, where many workers share one job
//!   queue. Statements use `$N` placeholders, `ON CONFLICT`, TEXT ids and
//!   TEXT timestamps, so one SQL text runs on both (see `db.rs`); only the
//!   full-text search and the job claim differ per backend.
//! - Every multi-row write is one transaction: a killed process leaves either
//!   the whole batch or none of it.

mod db;
mod error;
mod evals;
mod governance;
mod ids;
mod jobs;
pub mod jobs_stats;
mod ops;
mod runs;
mod skills;
pub mod testing;
mod web;

pub use db::Backend;
pub use error::StoreError;
pub use evals::{
    CandidateQuery, CandidateRow, EvalRow, NewReplayCase, NewToolCall, NewTrial, PinnedCaseRow,
    ReplayCaseRow, ReportRow, ReportWriter, ToolCallRow, TrialRow,
};
pub use governance::{
    AUDIT_INCIDENT_CLOSE, AUDIT_INCIDENT_OPEN, AUDIT_KILL_SWITCH_OFF, AUDIT_KILL_SWITCH_ON,
    AUDIT_PHASE, AUDIT_PUBLISH, AUDIT_PUBLISH_REFUSE, AUDIT_REVIEW_APPROVE, AUDIT_REVIEW_REJECT,
    AUDIT_ROLLBACK, OUTCOME_PUBLISHED, OUTCOME_REFUSED, SETTING_GATE_PHASE,
    SETTING_KILL_SWITCH_ACTOR, SETTING_KILL_SWITCH_AT, SETTING_KILL_SWITCH_REASON,
    SETTING_PUBLISH_DISABLED, SETTING_REPLAY_DISABLED,
};
pub use governance::{
    EvalSummary, GateReading, GovernanceError, IncidentClosed, IncidentOpened, IncidentRow,
    KillSwitch, NewReview, PhaseChange, PublishDecisionRow, PublishOutcome, ReviewDecision,
    ReviewRow, RollbackOutcome, Severity,
};
pub use ids::{content_hash, format_rfc3339_millis, new_id, now_rfc3339};
pub use jobs::{DEFAULT_JOB_MAX_ATTEMPTS, EvalJobPayload, JOB_KIND_EVAL, JobRow, JobState};
pub use ops::{
    AUDIT_RETENTION_PURGE, OpsEvalRow, OpsPreservationRow, OpsPublishRow, OpsReportFacts,
    OpsReviewRow, OpsTokenRow, OpsTrialDuration, PURGED_JSON, PurgeCounts, RetentionPolicy,
};
pub use runs::{InsertRunsOutcome, RunConflict, RunSummary};
pub use skills::{DraftRow, NewDraft, SkillFile, SkillSummary, SkillVersionRow, folder_hash};
pub use web::*;

use db::{Executed, Pool, on_pool};
use skillgate_redact::{RedactionConfig, Redactor};
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// Embedded SQLite migrations, applied by [`Store::open`].
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Embedded PostgreSQL migrations (the same schema in PostgreSQL types),
/// applied by [`Store::open_url`] on a `postgres://` URL.
static PG_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations-postgres");

/// Connections a PostgreSQL store keeps at most.
const PG_MAX_CONNECTIONS: u32 = 16;

/// Handle to skillgate's database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    /// Applied to every transcript, tool argument/result, answer and report
    /// before it is written (SPEC §7). On by default with the standard rules.
    redactor: Arc<Redactor>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("pool", &self.pool)
            .field("redaction", &self.redactor.enabled())
            .finish()
    }
}

impl Store {
    /// Opens (creating if missing) the SQLite database at `path`, switches it
    /// to WAL and applies pending migrations.
    pub async fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.exists()
        {
            return Err(StoreError::Open {
                target: path.display().to_string(),
                reason: format!("folder {} does not exist", parent.display()),
            });
        }
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // 512 KiB of page cache per connection (SQLite's default is 2 MB):
            // the pool has up to 8 connections, and an eval's peak memory
            // counts every one of them (SPEC §11).
            .pragma("cache_size", "-512");
        Self::connect(opts, &path.display().to_string()).await
    }

    /// Opens a database by URL: `postgres://…` / `postgresql://…` (a
    /// PostgreSQL server; the database must exist, migrations are applied),
    /// `sqlite://PATH`, `sqlite:…`, or a plain SQLite path.
    pub async fn open_url(url: &str) -> Result<Store, StoreError> {
        if is_postgres_url(url) {
            return Self::open_postgres(url).await;
        }
        if let Some(rest) = url.strip_prefix("sqlite://") {
            return Self::open(Path::new(rest)).await;
        }
        if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::Open {
                    target: url.into(),
                    reason: e.to_string(),
                })?
                .create_if_missing(true)
                .foreign_keys(true);
            return Self::connect(opts, url).await;
        }
        Self::open(Path::new(url)).await
    }

    /// Connects to the PostgreSQL database at `url` and applies pending
    /// migrations. Errors name the URL with its password hidden.
    async fn open_postgres(url: &str) -> Result<Store, StoreError> {
        let target = redact_url_password(url);
        let opts = PgConnectOptions::from_str(url).map_err(|e| StoreError::Open {
            target: target.clone(),
            reason: format!("{e} (expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE)"),
        })?;
        // One direct connection first: a pool retries until its timeout and
        // then reports only "timed out", hiding "connection refused" or
        // "database does not exist".
        let probe = PgConnection::connect_with(&opts)
            .await
            .map_err(|e| StoreError::Open {
                target: target.clone(),
                reason: format!("{e}; is the server running and does the database exist?"),
            })?;
        let _ = probe.close().await;
        let pool = PgPoolOptions::new()
            .max_connections(PG_MAX_CONNECTIONS)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(opts)
            .await
            .map_err(|e| StoreError::Open {
                target: target.clone(),
                reason: format!("{e}; is the server running and does the database exist?"),
            })?;
        PG_MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| StoreError::Migrate {
                target,
                reason: e.to_string(),
            })?;
        Ok(Store {
            pool: Pool::Postgres(pool),
            redactor: Arc::new(Redactor::standard()),
        })
    }

    /// Which database this store talks to.
    pub fn backend(&self) -> Backend {
        self.pool.backend()
    }

    async fn connect(opts: SqliteConnectOptions, target: &str) -> Result<Store, StoreError> {
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await
            .map_err(|e| StoreError::Open {
                target: target.into(),
                reason: e.to_string(),
            })?;
        MIGRATOR.run(&pool).await.map_err(|e| StoreError::Migrate {
            target: target.into(),
            reason: e.to_string(),
        })?;
        Ok(Store {
            pool: Pool::Sqlite(pool),
            redactor: Arc::new(Redactor::standard()),
        })
    }

    /// Replaces the redaction rules (standard rules plus configured extras, or
    /// none when `enabled = false`). Errors name the bad extra rule.
    pub fn with_redaction(mut self, config: &RedactionConfig) -> Result<Store, StoreError> {
        let redactor = Redactor::new(config)
            .map_err(|e| StoreError::Unsupported(format!("invalid [redaction] settings: {e}")))?;
        self.redactor = Arc::new(redactor);
        Ok(self)
    }

    /// The redactor applied before writes.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Redacts text (JSON or plain) about to be stored.
    fn scrub(&self, text: &str) -> String {
        self.redactor.redact_report(text).into_owned()
    }

    /// [`Store::scrub`] over an optional value.
    fn scrub_opt(&self, text: Option<&str>) -> Option<String> {
        text.map(|t| self.scrub(t))
    }

    /// Closes the pool (on SQLite, checkpointing the WAL).
    pub async fn close(self) {
        self.pool.close().await;
    }

    /// Appends an audit-log entry: who did what to which subject, and why.
    pub async fn audit(
        &self,
        actor: &str,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        insert_audit(&mut conn, actor, action, subject, detail).await?;
        Ok(())
    }

    /// Audit entries, newest first.
    pub async fn list_audit(&self, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, AuditEntry>(
            "SELECT id, at, actor, action, subject, detail FROM audit_log ORDER BY at DESC, id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(e)
        .await
        })?)
    }

    /// Reads a setting.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_scalar::<_, String>("SELECT value FROM settings WHERE key = $1")
                .bind(key)
                .fetch_optional(e)
                .await
        })?)
    }

    /// Writes a setting.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        on_pool!(&self.pool, |e| {
            sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(e)
        .await
        .map(Executed::from)
        })?;
        Ok(())
    }
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    /// Entry id.
    pub id: String,
    /// When (RFC 3339 UTC).
    pub at: String,
    /// Who.
    pub actor: String,
    /// What (`skill.publish`, `draft.submit`, …).
    pub action: String,
    /// Which object.
    pub subject: String,
    /// Why / details.
    pub detail: String,
}

/// Whether `target` (a `--db` value) names a PostgreSQL server
/// (`postgres://…` or `postgresql://…`) rather than a SQLite file.
pub fn is_postgres_url(target: &str) -> bool {
    target.starts_with("postgres://") || target.starts_with("postgresql://")
}

/// A database path or URL fit to print: a URL's password becomes `***`.
pub fn display_target(target: &str) -> String {
    redact_url_password(target)
}

/// `url` with the password (if any) replaced by `***`, for error messages.
fn redact_url_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    // The userinfo ends at the last '@' before the query string, so a
    // password holding '/' or '@' is hidden whole.
    let authority_end = rest.find('?').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_string();
    };
    match rest[..at].split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***{}", &rest[at..]),
        None => url.to_string(),
    }
}

/// Appends one audit-log entry on `conn` (a pooled connection or an open
/// transaction): the one INSERT behind [`Store::audit`] and every governance
/// write that audits inside its own transaction.
pub(crate) async fn insert_audit(
    conn: &mut impl db::AsConn,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<(), sqlx::Error> {
    db::on_conn!(conn, |e| {
        sqlx::query(
            "INSERT INTO audit_log (id, at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(new_id("aud"))
        .bind(now_rfc3339())
        .bind(actor)
        .bind(action)
        .bind(subject)
        .bind(detail)
        .execute(e)
        .await
        .map(Executed::from)
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::redact_url_password;

    #[test]
    fn a_url_password_is_hidden_in_messages() {
        assert_eq!(
            redact_url_password("postgres://sg:s3cret@db:5432/skillgate"),
            "postgres://sg:***@db:5432/skillgate"
        );
        assert_eq!(
            redact_url_password("postgres://sg@db/skillgate"),
            "postgres://sg@db/skillgate"
        );
        assert_eq!(
            redact_url_password("postgres://sg:a/b@c@db/skillgate?sslmode=require"),
            "postgres://sg:***@db/skillgate?sslmode=require"
        );
        assert_eq!(redact_url_password("skillgate.db"), "skillgate.db");
    }
}
