//! The two backends behind one [`crate::Store`]: SQLite (embedded default)
//! and PostgreSQL (scale-out, SPEC §8).
//!
//! Design: native sqlx drivers in an enum, not sqlx's `Any` driver. `Any`
//! cannot read SQLite `BOOLEAN` columns (its SQLite mapping refuses the
//! declared `BOOLEAN` type and hands back integers where `bool` is wanted),
//! and the store has many boolean columns. Instead every statement is written
//! once, in portable SQL, and the [`on_pool!`] / [`on_conn!`] macros compile
//! it for both drivers:
//!
//! ```ignore
//! let n = on_pool!(&self.pool, |e| {
//!     sqlx::query("…").bind(x).execute(e).await.map(Executed::from)
//! })?
//! .rows_affected();
//! let row = on_conn!(&mut tx, |e| {
//!     sqlx::query_as::<_, Row>("…").fetch_one(e).await
//! })?;
//! ```
//!
//! `execute` results become [`Executed`] so both arms have one type. The few
//! dialect-specific statements (full-text search, the job claim) match on
//! [`Pool`] / [`Conn`] by hand.

use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};

/// Which database a [`crate::Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite file (WAL), the embedded default.
    Sqlite,
    /// PostgreSQL server, for many workers sharing one queue.
    Postgres,
}

impl Backend {
    /// `sqlite` or `postgres`.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A connection pool of either backend.
#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open transaction of either backend.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// A connection checked out of the pool.
pub(crate) enum PoolConn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// A borrowed connection of either backend: what statements run on.
pub(crate) enum Conn<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

/// Anything a statement can run on inside a transaction or checked-out
/// connection.
pub(crate) trait AsConn {
    /// Borrows the underlying connection.
    fn as_conn(&mut self) -> Conn<'_>;
}

impl AsConn for Tx {
    fn as_conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(t) => Conn::Sqlite(t),
            Tx::Postgres(t) => Conn::Postgres(t),
        }
    }
}

impl AsConn for PoolConn {
    fn as_conn(&mut self) -> Conn<'_> {
        match self {
            PoolConn::Sqlite(c) => Conn::Sqlite(c),
            PoolConn::Postgres(c) => Conn::Postgres(c),
        }
    }
}

impl AsConn for Conn<'_> {
    fn as_conn(&mut self) -> Conn<'_> {
        match self {
            Conn::Sqlite(c) => Conn::Sqlite(c),
            Conn::Postgres(c) => Conn::Postgres(c),
        }
    }
}

impl Pool {
    /// The backend of this pool.
    pub(crate) fn backend(&self) -> Backend {
        match self {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Starts a transaction (deferred on SQLite).
    pub(crate) async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin().await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Starts a transaction that writes: `BEGIN IMMEDIATE` on SQLite (the
    /// write lock is taken at once, so read-then-write cannot deadlock or see
    /// a stale read), a plain `BEGIN` on PostgreSQL (row locks do that job).
    pub(crate) async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Checks a connection out of the pool.
    pub(crate) async fn acquire(&self) -> Result<PoolConn, sqlx::Error> {
        Ok(match self {
            Pool::Sqlite(p) => PoolConn::Sqlite(p.acquire().await?),
            Pool::Postgres(p) => PoolConn::Postgres(p.acquire().await?),
        })
    }

    /// Closes the pool.
    pub(crate) async fn close(&self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

impl Tx {
    /// Commits.
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }

    /// Rolls back.
    pub(crate) async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.rollback().await,
            Tx::Postgres(t) => t.rollback().await,
        }
    }
}

/// Runs one statement on the pool of either backend:
/// `on_pool!(&self.pool, |e| …)`. The body is compiled once per driver with
/// `e` bound to that driver's pool.
macro_rules! on_pool {
    ($pool:expr, |$e:ident| $body:expr) => {
        match $pool {
            $crate::db::Pool::Sqlite($e) => $body,
            $crate::db::Pool::Postgres($e) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Runs one statement on a transaction or connection ([`AsConn`]) of either
/// backend: `on_conn!(&mut tx, |e| …)`. The body is compiled once per driver
/// with `e` bound to that driver's connection.
macro_rules! on_conn {
    ($conn:expr, |$e:ident| $body:expr) => {
        match $crate::db::AsConn::as_conn(&mut *$conn) {
            $crate::db::Conn::Sqlite($e) => $body,
            $crate::db::Conn::Postgres($e) => $body,
        }
    };
}
pub(crate) use on_conn;

/// What an `execute` returned, on either backend.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Executed(u64);

impl Executed {
    /// Rows inserted, updated or deleted.
    pub(crate) fn rows_affected(&self) -> u64 {
        self.0
    }
}

impl From<sqlx::sqlite::SqliteQueryResult> for Executed {
    fn from(r: sqlx::sqlite::SqliteQueryResult) -> Executed {
        Executed(r.rows_affected())
    }
}

impl From<sqlx::postgres::PgQueryResult> for Executed {
    fn from(r: sqlx::postgres::PgQueryResult) -> Executed {
        Executed(r.rows_affected())
    }
}
