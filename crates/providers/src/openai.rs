//! OpenAI-compatible chat completions wire format.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::types::{ChatMessage, ChatRequest, ToolCall, Usage};
use crate::wire::Decoded;

#[derive(Serialize)]
struct Request<'a> {
    model: &'a str,
    messages: Vec<Message<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tools: Vec<Tool<'a>>,
    temperature: f32,
    max_tokens: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
}

#[derive(Serialize)]
#[serde(tag = "role", rename_all = "lowercase")]
enum Message<'a> {
    System {
        content: &'a str,
    },
    User {
        content: &'a str,
    },
    Assistant {
        content: Option<&'a str>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        tool_calls: Vec<OutCall<'a>>,
    },
    Tool {
        tool_call_id: &'a str,
        content: &'a str,
    },
}

#[derive(Serialize)]
struct OutCall<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    function: OutFunction<'a>,
}

#[derive(Serialize)]
struct OutFunction<'a> {
    name: &'a str,
    arguments: &'a str,
}

#[derive(Serialize)]
struct Tool<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    function: FunctionDef<'a>,
}

#[derive(Serialize)]
struct FunctionDef<'a> {
    name: &'a str,
    description: &'a str,
    parameters: &'a Value,
}

/// Encodes `req` as an OpenAI chat-completions body.
pub(crate) fn encode(
    model: &str,
    temperature: f32,
    max_tokens: u32,
    req: &ChatRequest,
) -> Result<Vec<u8>, serde_json::Error> {
    let mut messages = Vec::with_capacity(req.messages.len() + 1);
    if !req.system.is_empty() {
        messages.push(Message::System {
            content: &req.system,
        });
    }
    for m in &req.messages {
        messages.push(match m {
            ChatMessage::User { text } => Message::User { content: text },
            ChatMessage::Assistant { text, tool_calls } => Message::Assistant {
                // A message without tool calls needs content; with them, null is the norm.
                content: match (text.as_deref(), tool_calls.is_empty()) {
                    (Some(t), _) => Some(t),
                    (None, true) => Some(""),
                    (None, false) => None,
                },
                tool_calls: tool_calls
                    .iter()
                    .map(|c| OutCall {
                        id: &c.id,
                        kind: "function",
                        function: OutFunction {
                            name: &c.name,
                            arguments: &c.arguments,
                        },
                    })
                    .collect(),
            },
            ChatMessage::Tool {
                tool_call_id,
                content,
                ..
            } => Message::Tool {
                tool_call_id,
                content,
            },
        });
    }
    let body = Request {
        model,
        messages,
        tools: req
            .tools
            .iter()
            .map(|t| Tool {
                kind: "function",
                function: FunctionDef {
                    name: &t.name,
                    description: &t.description,
                    parameters: &t.parameters,
                },
            })
            .collect(),
        temperature: req.temperature.unwrap_or(temperature),
        max_tokens: req.max_tokens.unwrap_or(max_tokens),
        seed: req.seed,
    };
    let mut out = Vec::with_capacity(1024);
    serde_json::to_writer(&mut out, &body)?;
    Ok(out)
}

#[derive(Deserialize)]
struct Response {
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<ResponseUsage>,
}

#[derive(Deserialize)]
struct Choice {
    message: ResponseMessage,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct ResponseMessage {
    #[serde(default)]
    content: Option<Content>,
    #[serde(default)]
    tool_calls: Option<Vec<ResponseCall>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Content {
    Text(String),
    Parts(Vec<Part>),
}

#[derive(Deserialize)]
struct Part {
    #[serde(default)]
    text: Option<String>,
}

#[derive(Deserialize)]
struct ResponseCall {
    #[serde(default)]
    id: Option<String>,
    function: ResponseFunction,
}

#[derive(Deserialize)]
struct ResponseFunction {
    name: String,
    #[serde(default)]
    arguments: Option<Value>,
}

#[derive(Deserialize)]
struct ResponseUsage {
    #[serde(default)]
    prompt_tokens: Option<u64>,
    #[serde(default)]
    completion_tokens: Option<u64>,
}

/// Decodes an OpenAI chat-completions response body.
pub(crate) fn decode(body: &[u8]) -> Result<Decoded, String> {
    let resp: Response = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let choice = resp
        .choices
        .into_iter()
        .next()
        .ok_or_else(|| "the response has no choices".to_owned())?;
    let text = match choice.message.content {
        None => None,
        Some(Content::Text(t)) => Some(t),
        Some(Content::Parts(parts)) => Some(parts.into_iter().filter_map(|p| p.text).collect()),
    };
    let tool_calls = choice
        .message
        .tool_calls
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, c)| ToolCall {
            id: c
                .id
                .filter(|id| !id.is_empty())
                .unwrap_or_else(|| format!("call_{i}")),
            name: c.function.name,
            arguments: match c.function.arguments {
                None | Some(Value::Null) => "{}".to_owned(),
                Some(Value::String(raw)) => raw,
                // Some servers send the arguments as an object rather than JSON text.
                Some(other) => other.to_string(),
            },
        })
        .collect();
    let usage = resp.usage.map_or(Usage::default(), |u| Usage {
        input_tokens: u.prompt_tokens.unwrap_or(0),
        output_tokens: u.completion_tokens.unwrap_or(0),
    });
    Ok(Decoded {
        text,
        tool_calls,
        usage,
        stop_reason: choice.finish_reason,
    })
}
