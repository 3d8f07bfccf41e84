//! Errors of the replay tool layer. Tool *calls* never fail with these: a failed call is a
//! [`crate::ToolCallOutcome`] with `is_error`. These are for setting the layer up and for
//! graders that need the sandbox.

use std::path::PathBuf;

/// Why the tool layer could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// A case file path is absolute, empty or climbs out with `..`.
    #[error(
        "case file '{path}' cannot be copied into the replay workspace: {why}; case files must be relative paths without '..'"
    )]
    InvalidCaseFile {
        /// The offending path as given.
        path: String,
        /// What is wrong with it.
        why: String,
    },
    /// Creating or filling the per-trial workspace failed.
    #[error(
        "could not prepare the replay workspace at {dir}: {source}; check that TMPDIR is writable and has space"
    )]
    Workspace {
        /// The directory being written.
        dir: PathBuf,
        /// The IO error.
        #[source]
        source: std::io::Error,
    },
    /// The temporary workspace would sit inside a protected path, so the tripwire would fire on it.
    #[error(
        "the replay workspace {workspace} lies inside the protected path {protected}; set TMPDIR to a directory outside every protected path"
    )]
    WorkspaceInsideProtectedPath {
        /// The workspace.
        workspace: PathBuf,
        /// The protected path containing it.
        protected: PathBuf,
    },
    /// The sandbox cannot run commands on this machine; nothing is run unsandboxed.
    #[error("the bubblewrap sandbox is unavailable: {reason}")]
    SandboxUnavailable {
        /// What the probe found.
        reason: String,
    },
    /// The policy could not be extended with the built-in workspace toolset.
    #[error("the replay policy is invalid once the built-in workspace toolset is added: {reason}")]
    InvalidPolicy {
        /// The policy error.
        reason: String,
    },
    /// `bwrap` could not be spawned or waited on.
    #[error("could not run the sandbox binary {bwrap}: {source}")]
    Spawn {
        /// The bwrap binary.
        bwrap: PathBuf,
        /// The IO error.
        #[source]
        source: std::io::Error,
    },
}
