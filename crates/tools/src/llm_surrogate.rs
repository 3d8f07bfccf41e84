//! The LLM surrogate (SPEC §4): when the recorded Run has no result for a surrogated call, a
//! model simulates what the real tool would plausibly return, constrained by the tool's input
//! schema and, for built-ins, checked against the result schema. Any failure (provider error,
//! timeout, no JSON in the answer, wrong shape) is returned as an [`LlmSurrogateError`] so the
//! caller can fall back to a schema-valid stub and say why.

use serde_json::Value;
use skillgate_core::ToolSpec;
use skillgate_providers::{ChatMessage, ChatRequest, Provider, ProviderError};
use std::time::Duration;

/// The system prompt of every LLM surrogate request.
pub const SURROGATE_SYSTEM_PROMPT: &str = "You simulate the result of a tool call for an offline replay. Reply with ONLY a JSON value that the real tool would plausibly return. Never claim the side effect happened beyond what the tool would report.";

/// Output token limit of one surrogate request.
pub const SURROGATE_MAX_TOKENS: u32 = 512;

/// Default wall-clock limit of one surrogate request, retries included.
pub const DEFAULT_SURROGATE_TIMEOUT: Duration = Duration::from_secs(60);

/// Why the LLM surrogate produced no usable result.
#[derive(Debug, thiserror::Error)]
pub enum LlmSurrogateError {
    /// The provider call failed.
    #[error("provider {provider} failed: {source}")]
    Provider {
        /// The provider, described.
        provider: String,
        /// The provider's error.
        #[source]
        source: ProviderError,
    },
    /// The provider did not answer in time.
    #[error("provider {provider} did not answer within {after_ms} ms")]
    Timeout {
        /// The provider, described.
        provider: String,
        /// The limit that passed.
        after_ms: u64,
    },
    /// The answer held no JSON value.
    #[error("the answer of provider {provider} holds no JSON value (starts: '{excerpt}')")]
    NoJson {
        /// The provider, described.
        provider: String,
        /// The start of the answer text.
        excerpt: String,
    },
    /// The JSON does not have the shape the tool's result schema requires.
    #[error("the answer of provider {provider} does not fit the result schema of {tool}: {why}")]
    WrongShape {
        /// The provider, described.
        provider: String,
        /// The tool name.
        tool: String,
        /// What is wrong.
        why: String,
    },
}

/// A provider that simulates tool results, with a wall-clock limit per request.
#[derive(Debug, Clone)]
pub struct LlmSurrogate {
    provider: Provider,
    timeout: Duration,
}

impl LlmSurrogate {
    /// A surrogate on `provider` with [`DEFAULT_SURROGATE_TIMEOUT`].
    pub fn new(provider: Provider) -> LlmSurrogate {
        LlmSurrogate {
            provider,
            timeout: DEFAULT_SURROGATE_TIMEOUT,
        }
    }

    /// The same surrogate with another wall-clock limit per request.
    pub fn with_timeout(mut self, timeout: Duration) -> LlmSurrogate {
        self.timeout = timeout;
        self
    }

    /// The provider, described (kind, model, base URL).
    pub fn describe(&self) -> &str {
        self.provider.describe()
    }

    /// Asks the model for the result of `spec` called with `arguments`. `result_schema`, when
    /// given, is checked lightly: the value's JSON type and the presence of required members.
    pub async fn simulate(
        &self,
        spec: &ToolSpec,
        arguments: &Value,
        result_schema: Option<&Value>,
    ) -> Result<Value, LlmSurrogateError> {
        let provider = self.provider.describe().to_string();
        let req = surrogate_request(spec, arguments, result_schema);
        let resp = match tokio::time::timeout(self.timeout, self.provider.chat(&req)).await {
            Err(_) => {
                return Err(LlmSurrogateError::Timeout {
                    provider,
                    after_ms: self.timeout.as_millis() as u64,
                });
            }
            Ok(Err(source)) => return Err(LlmSurrogateError::Provider { provider, source }),
            Ok(Ok(r)) => r,
        };
        let text = resp.text.unwrap_or_default();
        let Some(value) = first_json_value(&text) else {
            return Err(LlmSurrogateError::NoJson {
                provider,
                excerpt: text.trim().chars().take(80).collect(),
            });
        };
        if let Some(schema) = result_schema
            && let Err(why) = check_shape(&value, schema)
        {
            return Err(LlmSurrogateError::WrongShape {
                provider,
                tool: spec.name.clone(),
                why,
            });
        }
        Ok(value)
    }
}

/// The chat request sent for one surrogated call: the fixed system prompt plus the tool's
/// name, description, input schema, the arguments and (if known) the result schema.
pub fn surrogate_request(
    spec: &ToolSpec,
    arguments: &Value,
    result_schema: Option<&Value>,
) -> ChatRequest {
    let mut system = String::from(SURROGATE_SYSTEM_PROMPT);
    system.push_str(&format!("\n\nTool name: {}", spec.name));
    if let Some(ts) = &spec.toolset {
        system.push_str(&format!("\nToolset: {ts}"));
    }
    system.push_str(&format!(
        "\nTool description: {}",
        spec.description.as_deref().unwrap_or("(none given)")
    ));
    let input = spec
        .input_schema
        .as_ref()
        .map(Value::to_string)
        .unwrap_or_else(|| "(none given)".into());
    system.push_str(&format!("\nInput schema: {input}"));
    if let Some(s) = result_schema {
        system.push_str(&format!("\nThe result must be valid against: {s}"));
    }
    ChatRequest {
        system,
        messages: vec![ChatMessage::User {
            text: format!(
                "Arguments of the call: {arguments}\nReply with the tool's result as JSON only."
            ),
        }],
        tools: Vec::new(),
        temperature: Some(0.0),
        max_tokens: Some(SURROGATE_MAX_TOKENS),
        seed: None,
    }
}

/// The first JSON value in `text`: the whole trimmed text if it is JSON, else the first `{` or
/// `[` (e.g. after prose or a code fence) where a complete value parses.
pub fn first_json_value(text: &str) -> Option<Value> {
    let t = text.trim();
    if let Ok(v) = serde_json::from_str::<Value>(t) {
        return Some(v);
    }
    t.char_indices()
        .filter(|(_, c)| *c == '{' || *c == '[')
        .take(64)
        .find_map(|(i, _)| {
            let mut it = serde_json::Deserializer::from_str(&t[i..]).into_iter::<Value>();
            it.next().and_then(Result::ok)
        })
}

/// A light check against a JSON Schema: the top-level `type` and, for objects, that every
/// `required` member is present.
fn check_shape(value: &Value, schema: &Value) -> Result<(), String> {
    let ty = schema.get("type").and_then(Value::as_str);
    let matches = match ty {
        None => true,
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some("null") => value.is_null(),
        Some(_) => true,
    };
    if !matches {
        return Err(format!(
            "expected a JSON {}, got {}",
            ty.unwrap_or("value"),
            clip(&value.to_string(), 80)
        ));
    }
    if let (Some(obj), Some(req)) = (
        value.as_object(),
        schema.get("required").and_then(Value::as_array),
    ) {
        let missing: Vec<&str> = req
            .iter()
            .filter_map(Value::as_str)
            .filter(|k| !obj.contains_key(*k))
            .collect();
        if !missing.is_empty() {
            return Err(format!("missing required member(s) {}", missing.join(", ")));
        }
    }
    Ok(())
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn first_json_value_finds_json_after_prose_and_in_fences() {
        assert_eq!(first_json_value(" {\"a\":1} "), Some(json!({"a": 1})));
        assert_eq!(
            first_json_value("Here it is:\n```json\n{\"id\": \"x\"}\n```"),
            Some(json!({"id": "x"}))
        );
        assert_eq!(
            first_json_value("see [not json] then [1,2]"),
            Some(json!([1, 2]))
        );
        assert_eq!(first_json_value("\"ok\""), Some(json!("ok")));
        assert_eq!(first_json_value("The email was sent."), None);
        assert_eq!(first_json_value("{broken"), None);
    }

    #[test]
    fn shape_check_wants_type_and_required_members() {
        let schema = json!({"type": "object", "required": ["message_id", "status"]});
        assert!(check_shape(&json!({"message_id": "m", "status": "sent"}), &schema).is_ok());
        let err = check_shape(&json!({"status": "sent"}), &schema).unwrap_err();
        assert!(err.contains("message_id"), "{err}");
        assert!(check_shape(&json!("sent"), &schema).is_err());
    }

    #[test]
    fn request_names_tool_schema_and_arguments_at_temperature_zero() {
        let spec = ToolSpec {
            name: "crm_lookup".into(),
            toolset: Some("crm".into()),
            description: Some("Looks up a customer.".into()),
            input_schema: Some(
                json!({"type": "object", "properties": {"email": {"type": "string"}}}),
            ),
            annotations: None,
            policy: None,
        };
        let req = surrogate_request(&spec, &json!({"email": "a@b.c"}), None);
        assert!(req.system.starts_with(SURROGATE_SYSTEM_PROMPT));
        assert!(req.system.contains("crm_lookup"));
        assert!(req.system.contains("Looks up a customer."));
        assert!(req.system.contains("\"email\""));
        assert_eq!(req.temperature, Some(0.0));
        assert_eq!(req.max_tokens, Some(SURROGATE_MAX_TOKENS));
        let ChatMessage::User { text } = &req.messages[0] else {
            panic!("expected a user message");
        };
        assert!(text.contains("a@b.c"));
    }
}
