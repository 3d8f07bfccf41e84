//! Test support: a fresh, throw-away PostgreSQL schema per test, so the
//! store's tests (and the CLI's) run on PostgreSQL in parallel.
//!
//! The server comes from `SKILLGATE_TEST_POSTGRES_URL` (start one with
//! `scripts/start-test-postgres`). Every test schema lives in the database
//! `skillgate_test` on that server (created once, with pg_trgm) and is dropped
//! when its [`PgTestSchema`] is dropped. Not used by the product.

use crate::StoreError;
use sqlx::Connection;
use std::sync::atomic::{AtomicU64, Ordering};

/// Environment variable naming the PostgreSQL server for tests.
pub const POSTGRES_URL_VAR: &str = "SKILLGATE_TEST_POSTGRES_URL";

/// Database (on the test server) holding one schema per test.
const TEST_DATABASE: &str = "skillgate_test";

/// Advisory lock key serialising the one-time creation of [`TEST_DATABASE`].
const SETUP_LOCK: i64 = 7_391_001;

/// The test server's URL from [`POSTGRES_URL_VAR`]: `Ok(None)` when unset
/// (or empty), an error when unset under CI (`CI` set), where the
/// PostgreSQL tests must run rather than be skipped.
pub fn postgres_test_server() -> Result<Option<String>, StoreError> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(v) if !v.trim().is_empty() => Ok(Some(v.trim().to_string())),
        _ if std::env::var_os("CI").is_some() => Err(StoreError::Unsupported(format!(
            "{POSTGRES_URL_VAR} is not set but CI is: the PostgreSQL tests must run in CI; \
             start a server with `export {POSTGRES_URL_VAR}=$(scripts/start-test-postgres)`"
        ))),
        _ => Ok(None),
    }
}

/// A fresh schema on the test server; dropped (with its tables) on drop.
#[derive(Debug)]
pub struct PgTestSchema {
    /// URL that opens the schema (its `search_path` is set).
    url: String,
    /// URL of the test database.
    db_url: String,
    /// Schema name.
    schema: String,
}

impl PgTestSchema {
    /// Creates a new schema in `skillgate_test` on the server at `server`
    /// (creating that database, with pg_trgm, the first time).
    pub async fn create(server: &str) -> Result<PgTestSchema, StoreError> {
        let db_url = with_database(server, TEST_DATABASE);
        ensure_test_database(server, &db_url).await?;
        static N: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let schema = format!(
            "t_{}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            nanos
        );
        let mut conn = connect(&db_url).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        let sep = if db_url.contains('?') { '&' } else { '?' };
        let url = format!("{db_url}{sep}options[search_path]={schema},public");
        Ok(PgTestSchema {
            url,
            db_url,
            schema,
        })
    }

    /// The URL to open with `Store::open_url` or `skillgate --db`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every row of every table in the schema as text, to search for what
    /// must (not) be stored.
    pub async fn dump(&self) -> Result<String, StoreError> {
        let mut conn = connect(&self.db_url).await?;
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1",
        )
        .bind(&self.schema)
        .fetch_all(&mut conn)
        .await?;
        let mut all = String::new();
        for t in tables {
            let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT t::text FROM {}.\"{t}\" t",
                self.schema
            )))
            .fetch_all(&mut conn)
            .await?;
            for r in rows {
                all.push_str(&r);
                all.push('\n');
            }
        }
        conn.close().await?;
        Ok(all)
    }
}

impl Drop for PgTestSchema {
    fn drop(&mut self) {
        let db_url = self.db_url.clone();
        let schema = self.schema.clone();
        // Drop cannot await: drop the schema from a thread with its own runtime.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(mut conn) = connect(&db_url).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP SCHEMA IF EXISTS {schema} CASCADE"
                    )))
                    .execute(&mut conn)
                    .await;
                    let _ = conn.close().await;
                }
            });
        })
        .join();
    }
}

async fn connect(url: &str) -> Result<sqlx::PgConnection, StoreError> {
    sqlx::PgConnection::connect(url)
        .await
        .map_err(|e| StoreError::Open {
            target: crate::display_target(url),
            reason: format!("{e}; is the test server running (scripts/start-test-postgres)?"),
        })
}

/// `url` pointing at database `name` (query string kept).
fn with_database(url: &str, name: &str) -> String {
    let (main, query) = match url.split_once('?') {
        Some((m, q)) => (m, format!("?{q}")),
        None => (url, String::new()),
    };
    let after_scheme = main.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = main[after_scheme..]
        .find('/')
        .map(|i| after_scheme + i)
        .unwrap_or(main.len());
    format!("{}/{name}{query}", &main[..host_end])
}

/// Creates the shared test database, with pg_trgm, once (test processes
/// start in parallel: an advisory lock serialises them).
async fn ensure_test_database(server: &str, db_url: &str) -> Result<(), StoreError> {
    let mut conn = connect(server).await?;
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(SETUP_LOCK)
        .execute(&mut conn)
        .await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(TEST_DATABASE)
            .fetch_one(&mut conn)
            .await?;
    if !exists {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE {TEST_DATABASE} TEMPLATE template0 ENCODING 'UTF8'"
        )))
        .execute(&mut conn)
        .await?;
        let mut db = connect(db_url).await?;
        sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            .execute(&mut db)
            .await?;
        db.close().await?;
    }
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(SETUP_LOCK)
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_test_database_replaces_the_url_path_and_keeps_the_query() {
        assert_eq!(
            with_database("postgres://u@h:5/postgres?sslmode=disable", "x"),
            "postgres://u@h:5/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
