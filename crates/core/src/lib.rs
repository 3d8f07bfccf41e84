//! skillgate's core: the vocabulary of SPEC §1 and every pure decision.
//!
//! Invariant: this crate does no IO, spawns nothing, and is not async. Every
//! decision is a plain function over plain data and carries a human-readable
//! reason, so it can be table-tested in microseconds.

pub mod confidence;
pub mod gate;
pub mod policy;
pub mod reason;
pub mod script;
pub mod stats;
pub mod types;

pub use types::*;
