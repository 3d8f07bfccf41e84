//! Provider-neutral chat types: what the agent loop sends and gets back.

use serde::{Deserialize, Serialize};

/// One chat call: system prompt, conversation, tools and sampling overrides.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChatRequest {
    /// System prompt (empty: none sent).
    pub system: String,
    /// The conversation so far.
    pub messages: Vec<ChatMessage>,
    /// Tools the model may call.
    pub tools: Vec<ToolDef>,
    /// Overrides the configured temperature.
    pub temperature: Option<f32>,
    /// Overrides the configured output token limit.
    pub max_tokens: Option<u32>,
    /// Sampling seed (OpenAI-compatible servers only; Anthropic has none).
    pub seed: Option<u64>,
}

/// A tool the model may call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolDef {
    /// Tool name.
    pub name: String,
    /// What the tool does, for the model.
    pub description: String,
    /// JSON Schema of the arguments object.
    pub parameters: serde_json::Value,
}

/// One message of the conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum ChatMessage {
    /// The user's words.
    User {
        /// Text.
        text: String,
    },
    /// An earlier model answer.
    Assistant {
        /// Text, if any.
        text: Option<String>,
        /// Tool calls it made.
        tool_calls: Vec<ToolCall>,
    },
    /// The result of a tool call.
    Tool {
        /// The [`ToolCall::id`] answered.
        tool_call_id: String,
        /// The tool's name.
        name: String,
        /// The result text.
        content: String,
        /// Whether the call failed (Anthropic `is_error`; OpenAI has no such flag, so the
        /// content should say so).
        is_error: bool,
    },
}

/// A tool call made by the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolCall {
    /// The provider's call id.
    pub id: String,
    /// Tool name.
    pub name: String,
    /// Arguments as raw JSON text, exactly as the model sent it (may be invalid JSON: the
    /// agent loop reports that back to the model).
    pub arguments: String,
}

/// Token usage of one call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Prompt tokens.
    pub input_tokens: u64,
    /// Completion tokens.
    pub output_tokens: u64,
}

/// The exact bytes of the successful exchange (no headers, so no key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    /// The request URL.
    pub url: String,
    /// The JSON request body sent.
    pub request: String,
    /// The response body received.
    pub response: String,
}

/// The model's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatResponse {
    /// Text, if any.
    pub text: Option<String>,
    /// Tool calls, in order.
    pub tool_calls: Vec<ToolCall>,
    /// Token usage (zeros when the server reports none).
    pub usage: Usage,
    /// The provider's finish / stop reason, verbatim.
    pub stop_reason: Option<String>,
    /// Wall time from the first attempt to the answer, retries and backoff included,
    /// waiting for a concurrency slot excluded.
    pub latency_ms: u64,
    /// Attempts made (1 = no retry).
    pub attempts: u32,
    /// Time spent waiting for a concurrency slot.
    #[serde(default)]
    pub queued_ms: u64,
    /// The exact request and response bodies of the successful attempt.
    #[serde(default)]
    pub exchange: Option<Exchange>,
}

/// Whether a provider answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Availability {
    /// It answered a tiny request.
    Available,
    /// It did not; `reason` says why and how to fix it.
    Unavailable {
        /// Why, naming the provider.
        reason: String,
    },
}

impl Availability {
    /// Whether this is [`Availability::Available`].
    pub fn is_available(&self) -> bool {
        matches!(self, Availability::Available)
    }
}
