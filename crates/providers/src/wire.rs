//! Encoding requests and decoding responses without HTTP (used by [`crate::Provider`], and
//! public for benchmarks and for re-decoding recorded exchanges).

use crate::config::{ProviderConfig, ProviderKind};
use crate::types::{ChatRequest, ToolCall, Usage};
use crate::{anthropic, openai};

/// A decoded chat answer, before timing is added.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// Text, if any.
    pub text: Option<String>,
    /// Tool calls, in order.
    pub tool_calls: Vec<ToolCall>,
    /// Token usage.
    pub usage: Usage,
    /// Finish / stop reason.
    pub stop_reason: Option<String>,
}

/// The JSON body `cfg`'s API expects for `req` (model, temperature and token limit from `cfg`
/// unless `req` overrides them).
pub fn encode_request(
    cfg: &ProviderConfig,
    req: &ChatRequest,
) -> Result<Vec<u8>, serde_json::Error> {
    match cfg.kind {
        ProviderKind::OpenAi => openai::encode(&cfg.model, cfg.temperature, cfg.max_tokens, req),
        ProviderKind::Anthropic => {
            anthropic::encode(&cfg.model, cfg.temperature, cfg.max_tokens, req)
        }
    }
}

/// Decodes a successful response body of `kind`'s API; the error says what is wrong.
pub fn decode_response(kind: ProviderKind, body: &[u8]) -> Result<Decoded, String> {
    match kind {
        ProviderKind::OpenAi => openai::decode(body),
        ProviderKind::Anthropic => anthropic::decode(body),
    }
}

/// The URL chat requests go to: `{base_url}/chat/completions` (OpenAI) or
/// `{base_url}/v1/messages` (Anthropic).
pub fn chat_url(kind: ProviderKind, base_url: &str) -> String {
    let base = base_url.trim_end_matches('/');
    match kind {
        ProviderKind::OpenAi => format!("{base}/chat/completions"),
        ProviderKind::Anthropic => format!("{base}/v1/messages"),
    }
}

/// The human-readable message inside an API error body (`error.message`, `error`, `message`
/// or `detail`), or the body itself.
pub fn error_message(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return text.trim().to_owned();
    };
    let pick = |v: &serde_json::Value| -> Option<String> {
        match v {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Object(map) => map
                .get("message")
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned),
            _ => None,
        }
    };
    value
        .get("error")
        .and_then(pick)
        .or_else(|| value.get("message").and_then(pick))
        .or_else(|| value.get("detail").and_then(pick))
        .unwrap_or_else(|| text.trim().to_owned())
}
