//! Runs every store test on both backends.
//!
//! Each test is an `async fn name(db: TestDb)`; [`backend_tests!`] at the end
//! of a test file turns it into `name::sqlite` and `name::postgres`. SQLite
//! gets a fresh file in a temporary folder; PostgreSQL a fresh schema on the
//! server at `SKILLGATE_TEST_POSTGRES_URL` ([`skillgate_store::testing`]), so
//! tests run in parallel. Without that variable the PostgreSQL variant is
//! skipped with a note on stderr, except under CI (`CI` set), where it fails.
//!
//! A test fn left out of `backend_tests!` is dead code, which clippy
//! (`-D warnings`) refuses, so no test silently stops running.

#![allow(dead_code, unused_macros)]

use skillgate_store::testing::{PgTestSchema, postgres_test_server};
use skillgate_store::{Backend, Store};

/// A fresh, empty database of one backend for one test.
pub struct TestDb {
    backend: Backend,
    /// The URL every [`TestDb::store`] handle opens.
    url: String,
    /// SQLite: the temporary folder holding the file (deleted on drop).
    dir: Option<tempfile::TempDir>,
    /// PostgreSQL: the test's schema (dropped on drop).
    pg: Option<PgTestSchema>,
}

impl TestDb {
    /// A fresh SQLite file.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("skillgate.db").display().to_string();
        TestDb {
            backend: Backend::Sqlite,
            url,
            dir: Some(dir),
            pg: None,
        }
    }

    /// A fresh schema on the test PostgreSQL server; `None` (the test is
    /// skipped) when no server is configured outside CI.
    pub async fn postgres(test: &str) -> Option<TestDb> {
        let Some(server) = postgres_test_server().unwrap() else {
            eprintln!(
                "skipping the PostgreSQL variant of {test}: {} is not set \
                 (export {}=$(scripts/start-test-postgres))",
                skillgate_store::testing::POSTGRES_URL_VAR,
                skillgate_store::testing::POSTGRES_URL_VAR
            );
            return None;
        };
        let schema = PgTestSchema::create(&server).await.unwrap();
        Some(TestDb {
            backend: Backend::Postgres,
            url: schema.url().to_string(),
            dir: None,
            pg: Some(schema),
        })
    }

    /// The URL the store handles open (SQLite path or PostgreSQL URL).
    pub fn url(&self) -> &str {
        &self.url
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
        if let Some(pg) = &self.pg {
            return pg.dump().await.unwrap();
        }
        let dir = self.dir.as_ref().unwrap();
        let mut all = Vec::new();
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let p = entry.unwrap().path();
            if p.to_string_lossy().contains("skillgate.db") {
                all.extend(std::fs::read(&p).unwrap());
            }
        }
        String::from_utf8_lossy(&all).into_owned()
    }
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

/// Generates `NAME::postgres` only, for behaviour that exists on PostgreSQL
/// alone (row locks).
macro_rules! postgres_tests {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
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
