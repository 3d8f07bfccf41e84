//! skillgate's replay tool layer (SPEC §2.3, §4): the built-in tools a replay agent is offered,
//! the bubblewrap sandbox, surrogates for side effects, and the protected-path tripwire.
//!
//! Invariant: this is the only crate in skillgate that spawns tool processes, and it spawns
//! them only through [`sandbox::Sandbox`]; nothing ever runs unsandboxed. The agent loop uses
//! one type, [`ReplayTools`].

mod builtin;
mod error;
pub mod llm_surrogate;
mod replay_tools;
pub mod sandbox;
pub mod surrogate;
pub mod tripwire;
pub mod web_fetch;
pub mod workspace;

pub use builtin::{BUILTIN_TOOLSET, WORKSPACE_TOOLSET, builtin_specs};
pub use error::ToolError;
pub use llm_surrogate::{LlmSurrogate, LlmSurrogateError};
pub use replay_tools::{
    ReplayTools, ToolCallOutcome, ToolLayerConfig, default_protected_paths, redact_for_log,
};
pub use sandbox::{CommandOutput, SandboxLimits, SandboxStatus, probe};
pub use skillgate_core::policy::{Classification, Policy, classify};
pub use tripwire::{Fingerprint, PathChange, diff, fingerprint, fingerprint_excluding};
