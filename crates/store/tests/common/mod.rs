//! Runs every store test on both backends.
//!
//! Each test is an `async fn name(db: TestDb)`; [`backend_tests!`] at the end
//! of a test file turns it into `name::sqlite` and `name::postgres`. SQLite
//! gets a fresh file in a temporary folder. PostgreSQL gets a fresh schema in
//! the database `skillgate_test` of the server at
//! `SKILLGATE_TEST_POSTGRES_URL` (start one with `scripts/start-test-postgres`),
//! so tests run in parallel; the schema is dropped when the test ends.
//! Without that variable the PostgreSQL variant is skipped with a note on
//! stderr, except under CI (`CI` set), where it fails.
//!
//! A test fn left out of `backend_tests!` is dead code, which clippy
//! (`-D warnings`) refuses, so no test silently stops running.

#![allow(dead_code)]

use skillgate_store::{Backend, Store};
use sqlx::Connection;
use std::sync::atomic::{AtomicU64, Ordering};

/// Environment variable naming the PostgreSQL server for tests.
pub const POSTGRES_URL_VAR: &str = "SKILLGATE_TEST_POSTGRES_URL";

/// Database (on the test server) that holds one schema per test.
const TEST_DATABASE: &str = "skillgate_test";

/// A fresh, empty database of one backend for one test.
pub struct TestDb {
    backend: Backend,
    /// SQLite: the temporary folder holding the file.
    dir: Option<tempfile::TempDir>,
    /// The URL every [`TestDb::store`] handle opens.
    url: String,
    /// PostgreSQL: the base URL and the test's schema, dropped on drop.
    pg: Option<(String, String)>,
}

impl TestDb {
    /// A fresh SQLite file.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("skillgate.db").display().to_string();
        TestDb {
            backend: Backend::Sqlite,
            dir: Some(dir),
            url,
            pg: None,
        }
    }

    /// A fresh schema on the test PostgreSQL server; `None` (the test is
    /// skipped) when no server is configured outside CI.
    pub async fn postgres(test: &str) -> Option<TestDb> {
        let Some(base) = std::env::var(POSTGRES_URL_VAR)
            .ok()
            .filter(|v| !v.is_empty())
        else {
            if std::env::var_os("CI").is_some() {
                panic!(
                    "{POSTGRES_URL_VAR} is not set but CI is: the PostgreSQL store tests must run in CI; \
                     start a server with `export {POSTGRES_URL_VAR}=$(scripts/start-test-postgres)`"
                );
            }
            eprintln!(
                "skipping the PostgreSQL variant of {test}: {POSTGRES_URL_VAR} is not set \
                 (export {POSTGRES_URL_VAR}=$(scripts/start-test-postgres))"
            );
            return None;
        };
        let db_url = with_database(&base, TEST_DATABASE);
        ensure_test_database(&base, &db_url).await;
        static N: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let schema = format!(
            "t_{}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            nanos
        );
        let mut conn = sqlx::PgConnection::connect(&db_url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        let sep = if db_url.contains('?') { '&' } else { '?' };
        let url = format!("{db_url}{sep}options[search_path]={schema},public");
        Some(TestDb {
            backend: Backend::Postgres,
            dir: None,
            url,
            pg: Some((db_url, schema)),
        })
    }

    /// The backend under test.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Opens a new handle (its own pool) on this database; a second handle
    /// stands in for a second process.
    pub async fn store(&self) -> Store {
        Store::open_url(&self.url).await.unwrap()
    }

    /// Everything stored, as text to search: the SQLite file (and its WAL),
    /// or every row of every table of the PostgreSQL schema.
    pub async fn raw_contents(&self) -> String {
        match (&self.dir, &self.pg) {
            (Some(dir), _) => {
                let mut all = Vec::new();
                for entry in std::fs::read_dir(dir.path()).unwrap() {
                    let p = entry.unwrap().path();
                    if p.to_string_lossy().contains("skillgate.db") {
                        all.extend(std::fs::read(&p).unwrap());
                    }
                }
                String::from_utf8_lossy(&all).into_owned()
            }
            (None, Some((db_url, schema))) => {
                let mut conn = sqlx::PgConnection::connect(db_url).await.unwrap();
                let tables: Vec<String> = sqlx::query_scalar(
                    "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1",
                )
                .bind(schema)
                .fetch_all(&mut conn)
                .await
                .unwrap();
                let mut all = String::new();
                for t in tables {
                    let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                        "SELECT t::text FROM {schema}.{t} t"
                    )))
                    .fetch_all(&mut conn)
                    .await
                    .unwrap();
                    for r in rows {
                        all.push_str(&r);
                        all.push('\n');
                    }
                }
                all
            }
            (None, None) => unreachable!("a TestDb is SQLite or PostgreSQL"),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((db_url, schema)) = self.pg.take() else {
            return;
        };
        // Drop the schema from a thread with its own runtime: Drop cannot await.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&db_url).await {
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

/// Creates the shared test database and pg_trgm in it once (serialised by
/// an advisory lock, since test processes start in parallel).
async fn ensure_test_database(base: &str, db_url: &str) {
    let mut conn = sqlx::PgConnection::connect(base)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {POSTGRES_URL_VAR}={base}: {e}"));
    sqlx::query("SELECT pg_advisory_lock(7391)")
        .execute(&mut conn)
        .await
        .unwrap();
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(TEST_DATABASE)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    if !exists {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE {TEST_DATABASE} TEMPLATE template0 ENCODING 'UTF8'"
        )))
        .execute(&mut conn)
        .await
        .unwrap();
        let mut db = sqlx::PgConnection::connect(db_url).await.unwrap();
        sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            .execute(&mut db)
            .await
            .unwrap();
        db.close().await.unwrap();
    }
    sqlx::query("SELECT pg_advisory_unlock(7391)")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
}

/// Generates `NAME::sqlite` and `NAME::postgres` tests for each
/// `async fn NAME(db: TestDb)` listed (multi-threaded runtime, so tests of
/// concurrency really run in parallel).
macro_rules! backend_tests {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn sqlite() {
                    super::$name($crate::common::TestDb::sqlite()).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres() {
                    if let Some(db) = $crate::common::TestDb::postgres(stringify!($name)).await {
                        super::$name(db).await;
                    }
                }
            }
        )+
    };
}
