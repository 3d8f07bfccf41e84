//! skillgate's LLM providers (SPEC §3.2): OpenAI-compatible chat completions (any base URL:
//! OpenAI, vLLM, llama.cpp server, Ollama) and Anthropic Messages, both with tool calling,
//! timeouts, retries with jittered exponential backoff on 429 / 5xx / connection errors
//! (honouring `Retry-After`), a concurrency limit shared by clones, and token usage and
//! latency per call. API keys are never logged, printed by `Debug`, or serialized.
//!
//! Configuration keys, env vars, retry policy and availability rules: `docs/providers.md`.

mod anthropic;
mod client;
mod config;
mod error;
mod openai;
mod types;
pub mod wire;

pub use anthropic::ANTHROPIC_VERSION;
pub use client::Provider;
pub use config::{
    ApiKey, ConfigError, ProviderConfig, ProviderKind, ProviderRole, ProviderSettings, defaults,
};
pub use error::ProviderError;
pub use types::{
    Availability, ChatMessage, ChatRequest, ChatResponse, Exchange, ToolCall, ToolDef, Usage,
};
