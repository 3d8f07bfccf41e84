//! OpenAI Chat Completions logs (`--format openai`): assistant messages with
//! `tool_calls`, results as `role: tool` messages paired by `tool_call_id`.
//!
//! Accepted entry shapes (one per JSON Lines line, per JSON array element,
//! or a single JSON object file):
//! - a tau-bench result `{task_id, trial, reward, info, traj: [messages]}`;
//! - a chat log `{messages: [...]}` (also OpenAI fine-tuning lines);
//! - a request/response pair `{request: {messages}, response: {choices: [{message}]}}`.

use crate::import::{
    Conversation, ImportOptions, content_hash, content_text, entry_time, explicit_id, outcome,
};
use crate::lines::kind_of;
use serde_json::Value;
use skillgate_core::Run;

/// Maps one log entry to a run.
pub(crate) fn map_entry(entry: &Value, opts: &ImportOptions) -> Result<Run, String> {
    let Some(obj) = entry.as_object() else {
        return Err(format!(
            "expected a JSON object (one chat log), found {}",
            kind_of(entry)
        ));
    };
    let request = obj.get("request").and_then(Value::as_object);
    let messages = obj
        .get("traj")
        .or_else(|| obj.get("messages"))
        .or_else(|| request.and_then(|r| r.get("messages")));
    let Some(messages) = messages else {
        return Err("no `messages` array (chat log), `traj` (tau-bench result) or `request.messages`; docs/importers.md lists the accepted shapes".into());
    };
    let Some(messages) = messages.as_array() else {
        return Err(format!(
            "the message list is {}, expected an array of messages",
            kind_of(messages)
        ));
    };
    let mut conv = Conversation::default();
    for (i, m) in messages.iter().enumerate() {
        apply_message(&mut conv, m).map_err(|e| format!("messages[{i}]: {e}"))?;
    }
    let response = obj.get("response");
    if let Some(reply) = response.and_then(response_message) {
        apply_message(&mut conv, reply).map_err(|e| format!("response: {e}"))?;
    }
    conv.set_skill(obj.get("skill").and_then(Value::as_str).map(str::to_string));

    let hash = content_hash(entry);
    let id = explicit_id(obj, "openai")
        .or_else(|| {
            response
                .and_then(Value::as_object)
                .and_then(|r| explicit_id(r, "openai"))
        })
        .unwrap_or_else(|| match obj.get("task_id") {
            Some(tid) => {
                let trial = obj
                    .get("trial")
                    .map(|t| format!("-trial{}", scalar(t)))
                    .unwrap_or_default();
                format!("openai-task{}{trial}-{}", scalar(tid), &hash[..12])
            }
            None => format!("openai-{}", &hash[..16]),
        });
    let created_at =
        entry_time(obj).or_else(|| response.and_then(Value::as_object).and_then(entry_time));
    conv.finish(id, outcome(obj, opts), created_at, opts)
}

/// A short id-safe rendering of a scalar (`6`, `abc`).
fn scalar(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(40)
        .collect()
}

/// The assistant message of a Chat Completions response (also inside a
/// batch output's `body`), or a bare message object.
fn response_message(resp: &Value) -> Option<&Value> {
    let body = resp.get("body").unwrap_or(resp);
    if let Some(m) = body
        .get("choices")
        .and_then(Value::as_array)
        .and_then(|c| c.first())
        .and_then(|c| c.get("message"))
    {
        return Some(m);
    }
    body.get("role").is_some().then_some(body)
}

fn reject_anthropic_blocks(content: Option<&Value>) -> Result<(), String> {
    if let Some(Value::Array(parts)) = content {
        for p in parts {
            if let Some(kind @ ("tool_use" | "tool_result")) = p.get("type").and_then(Value::as_str)
            {
                return Err(format!(
                    "content block of type `{kind}` is Anthropic Messages format; import this file with --format anthropic"
                ));
            }
        }
    }
    Ok(())
}

fn apply_message(conv: &mut Conversation, m: &Value) -> Result<(), String> {
    let Some(obj) = m.as_object() else {
        return Err(format!("expected a message object, found {}", kind_of(m)));
    };
    let role = obj.get("role").and_then(Value::as_str).unwrap_or("");
    let content = obj.get("content");
    reject_anthropic_blocks(content)?;
    let text = content.and_then(content_text);
    match role {
        "system" | "developer" => conv.system(text),
        "user" => conv.user(text.unwrap_or_default(), true),
        "assistant" => {
            conv.assistant(text);
            if let Some(calls) = obj.get("tool_calls").filter(|v| !v.is_null()) {
                let Some(calls) = calls.as_array() else {
                    return Err(format!(
                        "`tool_calls` is {}, expected an array",
                        kind_of(calls)
                    ));
                };
                for (j, call) in calls.iter().enumerate() {
                    let id = call.get("id").and_then(Value::as_str);
                    let Some(id) = id else {
                        return Err(format!("tool_calls[{j}] has no `id`"));
                    };
                    let func = call.get("function");
                    let name = func
                        .and_then(|f| f.get("name"))
                        .and_then(Value::as_str)
                        .ok_or_else(|| format!("tool_calls[{j}] has no `function.name`"))?;
                    let args = arguments(func.and_then(|f| f.get("arguments")));
                    conv.tool_call(Some(id), name, args, None)
                        .map_err(|e| format!("tool_calls[{j}]: {e}"))?;
                }
            }
            if let Some(fc) = obj.get("function_call").filter(|v| !v.is_null()) {
                let name = fc
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or("`function_call` has no `name`")?;
                conv.tool_call(None, name, arguments(fc.get("arguments")), None)?;
            }
        }
        "tool" => {
            let Some(id) = obj.get("tool_call_id").and_then(Value::as_str) else {
                return Err("a `role: tool` message has no `tool_call_id`".into());
            };
            conv.tool_result(id, text.map_or(Value::Null, Value::String))?;
        }
        "function" => {
            let Some(name) = obj.get("name").and_then(Value::as_str) else {
                return Err("a `role: function` message has no `name`".into());
            };
            conv.tool_result_by_name(name, text.map_or(Value::Null, Value::String))?;
        }
        "" => return Err("message has no `role`".into()),
        other => {
            return Err(format!(
                "unknown role '{other}'; expected system, developer, user, assistant, tool or function"
            ));
        }
    }
    Ok(())
}

/// Tool arguments: the JSON inside the `arguments` string, or the string
/// itself when the model produced invalid JSON, or an object given as is.
pub(crate) fn arguments(v: Option<&Value>) -> Value {
    match v {
        Some(Value::String(s)) if s.trim().is_empty() => Value::Object(Default::default()),
        Some(Value::String(s)) => {
            serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone()))
        }
        Some(other) => other.clone(),
        None => Value::Null,
    }
}
