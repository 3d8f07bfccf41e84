//! Anthropic Messages wire format.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::types::{ChatMessage, ChatRequest, ToolCall, Usage};
use crate::wire::Decoded;

/// The `anthropic-version` header value sent with every request.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";

#[derive(Serialize)]
struct Request<'a> {
    model: &'a str,
    max_tokens: u32,
    #[serde(skip_serializing_if = "str::is_empty")]
    system: &'a str,
    messages: Vec<Message<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tools: Vec<Tool<'a>>,
    temperature: f32,
}

#[derive(Serialize)]
struct Message<'a> {
    role: &'static str,
    content: Vec<Block<'a>>,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Block<'a> {
    Text {
        text: &'a str,
    },
    ToolUse {
        id: &'a str,
        name: &'a str,
        input: Value,
    },
    ToolResult {
        tool_use_id: &'a str,
        content: &'a str,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        is_error: bool,
    },
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'a str,
    description: &'a str,
    input_schema: &'a Value,
}

/// Tool-use input must be a JSON object; arguments that are not one (the model once sent bad
/// JSON through another provider) are wrapped so the history still replays.
fn input_of(arguments: &str) -> Value {
    match serde_json::from_str::<Value>(arguments) {
        Ok(v @ Value::Object(_)) => v,
        _ => serde_json::json!({ "_invalid_arguments": arguments }),
    }
}

/// Encodes `req` as an Anthropic Messages body. Consecutive messages of the same role
/// (tool results, then user text) are merged, as the API requires alternating roles.
pub(crate) fn encode(
    model: &str,
    temperature: f32,
    max_tokens: u32,
    req: &ChatRequest,
) -> Result<Vec<u8>, serde_json::Error> {
    let mut messages: Vec<Message<'_>> = Vec::with_capacity(req.messages.len());
    for m in &req.messages {
        let (role, blocks): (&'static str, Vec<Block<'_>>) = match m {
            ChatMessage::User { text } => ("user", vec![Block::Text { text }]),
            ChatMessage::Assistant { text, tool_calls } => {
                let mut blocks = Vec::with_capacity(tool_calls.len() + 1);
                if let Some(t) = text.as_deref().filter(|t| !t.is_empty()) {
                    blocks.push(Block::Text { text: t });
                }
                for c in tool_calls {
                    blocks.push(Block::ToolUse {
                        id: &c.id,
                        name: &c.name,
                        input: input_of(&c.arguments),
                    });
                }
                if blocks.is_empty() {
                    blocks.push(Block::Text {
                        text: "(no answer)",
                    });
                }
                ("assistant", blocks)
            }
            ChatMessage::Tool {
                tool_call_id,
                content,
                is_error,
                ..
            } => (
                "user",
                vec![Block::ToolResult {
                    tool_use_id: tool_call_id,
                    content,
                    is_error: *is_error,
                }],
            ),
        };
        match messages.last_mut() {
            Some(last) if last.role == role => last.content.extend(blocks),
            _ => messages.push(Message {
                role,
                content: blocks,
            }),
        }
    }
    let body = Request {
        model,
        max_tokens: req.max_tokens.unwrap_or(max_tokens),
        system: &req.system,
        messages,
        tools: req
            .tools
            .iter()
            .map(|t| Tool {
                name: &t.name,
                description: &t.description,
                input_schema: &t.parameters,
            })
            .collect(),
        temperature: req.temperature.unwrap_or(temperature),
    };
    let mut out = Vec::with_capacity(1024);
    serde_json::to_writer(&mut out, &body)?;
    Ok(out)
}

#[derive(Deserialize)]
struct Response {
    content: Vec<ContentBlock>,
    #[serde(default)]
    stop_reason: Option<String>,
    #[serde(default)]
    usage: Option<ResponseUsage>,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ContentBlock {
    Text {
        text: String,
    },
    ToolUse {
        id: String,
        name: String,
        #[serde(default)]
        input: Value,
    },
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct ResponseUsage {
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
    #[serde(default)]
    cache_creation_input_tokens: Option<u64>,
    #[serde(default)]
    cache_read_input_tokens: Option<u64>,
}

/// Decodes an Anthropic Messages response body.
pub(crate) fn decode(body: &[u8]) -> Result<Decoded, String> {
    let resp: Response = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let mut text: Option<String> = None;
    let mut tool_calls = Vec::new();
    for block in resp.content {
        match block {
            ContentBlock::Text { text: t } => match &mut text {
                Some(all) => all.push_str(&t),
                None => text = Some(t),
            },
            ContentBlock::ToolUse { id, name, input } => tool_calls.push(ToolCall {
                id,
                name,
                arguments: if input.is_null() {
                    "{}".to_owned()
                } else {
                    input.to_string()
                },
            }),
            ContentBlock::Other => {}
        }
    }
    let usage = resp.usage.map_or(Usage::default(), |u| Usage {
        input_tokens: u.input_tokens
            + u.cache_creation_input_tokens.unwrap_or(0)
            + u.cache_read_input_tokens.unwrap_or(0),
        output_tokens: u.output_tokens,
    });
    Ok(Decoded {
        text,
        tool_calls,
        usage,
        stop_reason: resp.stop_reason,
    })
}
