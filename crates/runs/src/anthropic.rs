//! Anthropic Messages logs (`--format anthropic`): content blocks
//! `tool_use` {id, name, input} answered by `tool_result` {tool_use_id} in
//! the next user message.
//!
//! Accepted entry shapes (one per JSON Lines line, per JSON array element,
//! or a single JSON object file):
//! - a request body `{system?, messages: [...]}`;
//! - a request/response pair `{request: {system?, messages}, response: {content: [...]}}`
//!   (the response becomes the last assistant turn).

use crate::import::{
    Conversation, ImportOptions, content_hash, content_text, entry_time, explicit_id, outcome,
};
use crate::lines::kind_of;
use serde_json::{Value, json};
use skillgate_core::Run;

/// Maps one log entry to a run.
pub(crate) fn map_entry(entry: &Value, opts: &ImportOptions) -> Result<Run, String> {
    let Some(obj) = entry.as_object() else {
        return Err(format!(
            "expected a JSON object (one Messages log), found {}",
            kind_of(entry)
        ));
    };
    let request = obj.get("request").and_then(Value::as_object);
    let messages = obj
        .get("messages")
        .or_else(|| request.and_then(|r| r.get("messages")));
    let Some(messages) = messages else {
        return Err("no `messages` array or `request.messages`; docs/importers.md lists the accepted shapes".into());
    };
    let Some(messages) = messages.as_array() else {
        return Err(format!(
            "`messages` is {}, expected an array of messages",
            kind_of(messages)
        ));
    };
    let mut conv = Conversation::default();
    if let Some(system) = obj
        .get("system")
        .or_else(|| request.and_then(|r| r.get("system")))
        .and_then(content_text)
    {
        conv.system(Some(system));
    }
    for (i, m) in messages.iter().enumerate() {
        let Some(mo) = m.as_object() else {
            return Err(format!(
                "messages[{i}]: expected a message object, found {}",
                kind_of(m)
            ));
        };
        if mo.contains_key("tool_calls") || mo.get("role").and_then(Value::as_str) == Some("tool") {
            return Err(format!(
                "messages[{i}]: `tool_calls` / `role: tool` is OpenAI chat format; import this file with --format openai"
            ));
        }
        let role = mo.get("role").and_then(Value::as_str).unwrap_or("");
        apply_message(&mut conv, role, mo.get("content"), None)
            .map_err(|e| format!("messages[{i}]: {e}"))?;
    }
    let response = obj.get("response").and_then(Value::as_object);
    if let Some(resp) = response
        && let Some(content) = resp.get("content")
    {
        apply_message(&mut conv, "assistant", Some(content), None)
            .map_err(|e| format!("response: {e}"))?;
    }
    conv.set_skill(obj.get("skill").and_then(Value::as_str).map(str::to_string));
    let id = explicit_id(obj, "anthropic")
        .or_else(|| response.and_then(|r| explicit_id(r, "anthropic")))
        .unwrap_or_else(|| format!("anthropic-{}", &content_hash(entry)[..16]));
    let created_at = entry_time(obj).or_else(|| response.and_then(entry_time));
    conv.finish(id, outcome(obj, opts), created_at, opts)
}

/// User text that Claude Code injects (slash commands, their output,
/// caveats) rather than the user typing a task.
fn is_injected(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with("<command-")
        || t.starts_with("<local-command")
        || t.starts_with("Caveat: The messages below were generated")
}

/// Applies one Messages-format message (`role`, string or block `content`)
/// to the conversation. Shared with the Claude Code importer, whose lines
/// carry the same messages; `at` is the line's timestamp.
pub(crate) fn apply_message(
    conv: &mut Conversation,
    role: &str,
    content: Option<&Value>,
    at: Option<String>,
) -> Result<(), String> {
    let blocks: Vec<Value> = match content {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => vec![json!({"type": "text", "text": s})],
        Some(Value::Array(a)) => a.clone(),
        Some(other) => {
            return Err(format!(
                "`content` is {}, expected a string or an array of content blocks",
                kind_of(other)
            ));
        }
    };
    let mut texts: Vec<String> = Vec::new();
    let mut uses: Vec<(&str, &str, Value)> = Vec::new();
    for (j, b) in blocks.iter().enumerate() {
        let kind = b.get("type").and_then(Value::as_str).unwrap_or("");
        match kind {
            "text" => {
                if let Some(t) = b.get("text").and_then(Value::as_str) {
                    texts.push(t.to_string());
                }
            }
            "tool_use" | "server_tool_use" => {
                if role != "assistant" {
                    return Err(format!(
                        "content[{j}]: a `tool_use` block in a {role} message; only the assistant calls tools"
                    ));
                }
                let id = b
                    .get("id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| format!("content[{j}]: `tool_use` block has no `id`"))?;
                let name = b
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or_else(|| format!("content[{j}]: `tool_use` block has no `name`"))?;
                let input = b.get("input").cloned().unwrap_or(Value::Null);
                uses.push((id, name, input));
            }
            "tool_result" => {
                if role != "user" {
                    return Err(format!(
                        "content[{j}]: a `tool_result` block in a {role} message; tool results come back in user messages"
                    ));
                }
                let id = b
                    .get("tool_use_id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        format!("content[{j}]: `tool_result` block has no `tool_use_id`")
                    })?;
                let text = b.get("content").and_then(content_text);
                let is_error = b.get("is_error").and_then(Value::as_bool) == Some(true);
                let result = match (text, is_error) {
                    (t, true) => json!({"is_error": true, "content": t}),
                    (Some(t), false) => Value::String(t),
                    (None, false) => Value::Null,
                };
                conv.tool_result(id, result)
                    .map_err(|e| format!("content[{j}]: {e}"))?;
            }
            "image" | "document" => texts.push(format!("[{kind}]")),
            // thinking, redacted_thinking and future block kinds carry no
            // task, answer or tool call.
            _ => {}
        }
    }
    let text = (!texts.is_empty()).then(|| texts.join("\n"));
    match role {
        "user" => {
            if let Some(t) = text {
                let task_like = !is_injected(&t);
                conv.user(t, task_like);
            }
        }
        "assistant" => {
            if text.is_some() || !uses.is_empty() {
                conv.assistant(text);
            }
            for (id, name, input) in uses {
                conv.tool_call(Some(id), name, input, at.clone())?;
            }
        }
        "system" => conv.system(text),
        "" => return Err("message has no `role`".into()),
        other => {
            return Err(format!(
                "unknown role '{other}'; expected user or assistant"
            ));
        }
    }
    Ok(())
}
