//! skillgate's replay (SPEC §3.2): the **ContextBuilder** that renders a Trial's
//! prompts from per-locale templates, and the agent loop that runs one Trial.
//!
//! Entry point: [`run_trial`] with a real `skillgate_providers::Provider`, a
//! [`ToolExecutor`] (the product's `skillgate_tools::ReplayTools`) and a
//! [`TrialInput`] (see [`trial_input_from_run`]); it returns a [`TrialTranscript`].

pub mod agent;
pub mod case;
pub mod context;
pub mod executor;
pub mod input;
pub mod schema;

pub use agent::{
    StepRecord, StopReason, ToolCallKind, ToolCallRecord, TranscriptMessage, TranscriptToolCall,
    TrialInput, TrialLimits, TrialTotals, TrialTranscript, run_trial, run_trial_with,
};
pub use case::{CaseTrial, ReplayError, run_case_trial};
pub use context::{ContextBuilder, LOAD_SKILL_TOOL, PromptError, SkillContext, SkillLoading};
pub use executor::{InMemoryTools, ToolExecutor, ToolOutcome};
pub use input::{TrialSettings, prompt_locale, trial_input_from_run, trial_seed};
