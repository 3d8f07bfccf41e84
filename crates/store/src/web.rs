//! Queries for the web UI and HTTP API: API tokens (stored as SHA-256
//! hashes only) and read-only views of evals with their report documents.

use crate::db::{Executed, on_pool};
use crate::{Store, StoreError, new_id, now_rfc3339};

/// A stored API token (its hash is never returned).
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct ApiTokenRow {
    /// Token id.
    pub id: String,
    /// Who or what the token is for.
    pub name: String,
    /// `viewer`, `reviewer`, `publisher` or `admin`.
    pub role: String,
    /// When it was created (RFC 3339 UTC).
    pub created_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// An eval with its latest `eval` report document, if one was written.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct EvalWithReport {
    /// Eval id.
    pub eval_id: String,
    /// Draft the eval is for.
    pub draft_id: String,
    /// Eval status column (`queued`, `running`, `passed`, …).
    pub status: String,
    /// `replay` or `heuristic`.
    pub mode: String,
    /// When the eval was created.
    pub created_at: String,
    /// When it finished, if it did.
    pub finished_at: Option<String>,
    /// Id of its latest `eval` report.
    pub report_id: Option<String>,
    /// The EvalReport JSON.
    pub report: Option<String>,
    /// When the report was written.
    pub report_created_at: Option<String>,
}

const TOKEN_COLUMNS: &str = "id, name, role, created_at, revoked_at";

const EVAL_WITH_REPORT: &str = "SELECT e.id AS eval_id, e.draft_id, e.status, e.mode, e.created_at, e.finished_at,
        r.id AS report_id, r.body AS report, r.created_at AS report_created_at
 FROM evals e
 LEFT JOIN reports r ON r.id = (SELECT r2.id FROM reports r2 WHERE r2.eval_id = e.id AND r2.kind = 'eval'
                                ORDER BY r2.created_at DESC, r2.id DESC LIMIT 1)";

impl Store {
    /// Stores a new API token by its SHA-256 hex hash (the caller keeps the
    /// token itself and prints it once).
    pub async fn create_api_token(
        &self,
        name: &str,
        role: &str,
        token_hash: &str,
    ) -> Result<ApiTokenRow, StoreError> {
        let row = ApiTokenRow {
            id: new_id("tok"),
            name: name.to_string(),
            role: role.to_string(),
            created_at: now_rfc3339(),
            revoked_at: None,
        };
        on_pool!(&self.pool, |e| {
            sqlx::query(
                "INSERT INTO api_tokens (id, name, role, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&row.id)
            .bind(&row.name)
            .bind(&row.role)
            .bind(token_hash)
            .bind(&row.created_at)
            .execute(e)
            .await
            .map(Executed::from)
        })?;
        Ok(row)
    }

    /// The unrevoked token whose SHA-256 hex hash is `token_hash`.
    pub async fn api_token_by_hash(
        &self,
        token_hash: &str,
    ) -> Result<Option<ApiTokenRow>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, ApiTokenRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL"
            )))
            .bind(token_hash)
            .fetch_optional(e)
            .await
        })?)
    }

    /// How many unrevoked tokens exist (0: no authentication configured).
    pub async fn count_api_tokens(&self) -> Result<i64, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL")
                .fetch_one(e)
                .await
        })?)
    }

    /// Every token, newest first (hashes not included).
    pub async fn list_api_tokens(&self) -> Result<Vec<ApiTokenRow>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, ApiTokenRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {TOKEN_COLUMNS} FROM api_tokens ORDER BY created_at DESC, id"
            )))
            .fetch_all(e)
            .await
        })?)
    }

    /// The newest eval of every draft, with its latest report document.
    pub async fn web_latest_evals(&self) -> Result<Vec<EvalWithReport>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, EvalWithReport>(sqlx::AssertSqlSafe(format!(
                "{EVAL_WITH_REPORT}
             WHERE e.id = (SELECT e2.id FROM evals e2 WHERE e2.draft_id = e.draft_id
                           ORDER BY e2.created_at DESC, e2.id DESC LIMIT 1)
             ORDER BY e.created_at DESC, e.id"
            )))
            .fetch_all(e)
            .await
        })?)
    }

    /// Every eval of a draft, newest first, with its latest report document.
    pub async fn web_evals_of_draft(
        &self,
        draft_id: &str,
    ) -> Result<Vec<EvalWithReport>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, EvalWithReport>(sqlx::AssertSqlSafe(format!(
                "{EVAL_WITH_REPORT} WHERE e.draft_id = $1 ORDER BY e.created_at DESC, e.id DESC"
            )))
            .bind(draft_id)
            .fetch_all(e)
            .await
        })?)
    }

    /// One eval with its latest report document.
    pub async fn web_eval(&self, eval_id: &str) -> Result<EvalWithReport, StoreError> {
        on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, EvalWithReport>(sqlx::AssertSqlSafe(format!(
                "{EVAL_WITH_REPORT} WHERE e.id = $1"
            )))
            .bind(eval_id)
            .fetch_optional(e)
            .await
        })?
        .ok_or_else(|| StoreError::NotFound {
            kind: "eval",
            id: eval_id.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).await.unwrap();
        (dir, store)
    }

    #[tokio::test]
    async fn tokens_are_found_by_hash_only() {
        let (_d, s) = store().await;
        assert_eq!(s.count_api_tokens().await.unwrap(), 0);
        let row = s
            .create_api_token("ana", "reviewer", "abc123")
            .await
            .unwrap();
        assert_eq!(s.count_api_tokens().await.unwrap(), 1);
        let found = s.api_token_by_hash("abc123").await.unwrap().unwrap();
        assert_eq!(found, row);
        assert!(s.api_token_by_hash("other").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn unknown_eval_is_not_found() {
        let (_d, s) = store().await;
        let err = s.web_eval("evl_missing").await.unwrap_err();
        assert!(
            matches!(err, StoreError::NotFound { kind: "eval", .. }),
            "{err}"
        );
        assert!(s.web_latest_evals().await.unwrap().is_empty());
    }
}
