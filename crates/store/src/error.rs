//! Store errors.

/// Everything that can go wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened or created.
    #[error("cannot open database {target}: {reason}")]
    Open {
        /// Path or URL.
        target: String,
        /// Underlying reason.
        reason: String,
    },
    /// A migration failed.
    #[error("cannot migrate database {target}: {reason} (was it written by a newer skillgate?)")]
    Migrate {
        /// Path or URL.
        target: String,
        /// Underlying reason.
        reason: String,
    },
    /// A feature the store does not have yet.
    #[error("{0}")]
    Unsupported(String),
    /// A referenced object does not exist.
    #[error("{kind} '{id}' not found")]
    NotFound {
        /// Kind of object.
        kind: &'static str,
        /// Its id or name.
        id: String,
    },
    /// A stored JSON document could not be decoded.
    #[error("stored {what} is corrupt: {reason}")]
    Corrupt {
        /// What was being read.
        what: String,
        /// Decoder message.
        reason: String,
    },
    /// Any other database error.
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
}
