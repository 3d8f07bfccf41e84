//! skillgate's replay (SPEC §3.2): the **ContextBuilder** that renders a Trial's
//! prompts from per-locale templates, and the agent loop that runs one Trial.

pub mod context;

pub use context::{ContextBuilder, LOAD_SKILL_TOOL, PromptError, SkillContext, SkillLoading};
