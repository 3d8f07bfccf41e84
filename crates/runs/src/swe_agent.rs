//! SWE-agent trajectories (`--format swe-agent`, `*.traj`): one JSON object
//! per run with `history` (chat messages) and `info` (exit status,
//! submission). Function-calling configurations log OpenAI `tool_calls` on
//! assistant turns and `role: tool` results with `tool_call_ids`; the others
//! log the command as the assistant's `action` and its output as the next
//! `user` message.

use crate::import::{Conversation, ImportOptions, content_hash, content_text, outcome};
use crate::lines::kind_of;
use crate::openai::arguments;
use serde_json::{Value, json};
use skillgate_core::Run;

/// Maps one trajectory to a run.
pub(crate) fn map_entry(entry: &Value, opts: &ImportOptions) -> Result<Run, String> {
    let Some(obj) = entry.as_object() else {
        return Err(format!(
            "expected a JSON object (one SWE-agent trajectory), found {}",
            kind_of(entry)
        ));
    };
    let Some(history) = obj.get("history") else {
        return Err(if obj.contains_key("trajectory") {
            "has `trajectory` but no `history`, so the task (the issue text) is unknown; export the trajectory with its history".into()
        } else {
            "no `history` array; is this a SWE-agent .traj file?".into()
        });
    };
    let Some(history) = history.as_array() else {
        return Err(format!(
            "`history` is {}, expected an array of messages",
            kind_of(history)
        ));
    };
    let mut conv = Conversation::default();
    // The id of a text `action` still waiting for its observation.
    let mut open_action: Option<String> = None;
    for (i, m) in history.iter().enumerate() {
        apply_message(&mut conv, m, i, &mut open_action)
            .map_err(|e| format!("history[{i}]: {e}"))?;
    }
    let info = obj.get("info").and_then(Value::as_object);
    conv.set_final_answer(
        info.and_then(|i| i.get("submission"))
            .and_then(Value::as_str)
            .map(|s| s.trim().to_string()),
    );
    let id = format!("swe-agent-{}", &content_hash(entry)[..16]);
    conv.finish(id, outcome(obj, opts), None, opts)
}

fn apply_message(
    conv: &mut Conversation,
    m: &Value,
    index: usize,
    open_action: &mut Option<String>,
) -> Result<(), String> {
    let Some(obj) = m.as_object() else {
        return Err(format!("expected a message object, found {}", kind_of(m)));
    };
    if obj.get("is_demo").and_then(Value::as_bool) == Some(true) {
        return Ok(()); // demonstration turns are examples, not this run
    }
    let text = obj.get("content").and_then(content_text);
    match obj.get("role").and_then(Value::as_str).unwrap_or("") {
        "system" => conv.system(text),
        "user" => match open_action.take() {
            Some(id) => conv.tool_result(&id, text.map_or(Value::Null, Value::String))?,
            None => conv.user(text.unwrap_or_default(), true),
        },
        "assistant" => {
            conv.assistant(text);
            let calls = obj
                .get("tool_calls")
                .and_then(Value::as_array)
                .filter(|c| !c.is_empty());
            if let Some(calls) = calls {
                for (j, call) in calls.iter().enumerate() {
                    let id = call
                        .get("id")
                        .and_then(Value::as_str)
                        .ok_or_else(|| format!("tool_calls[{j}] has no `id`"))?;
                    let func = call.get("function");
                    let name = func
                        .and_then(|f| f.get("name"))
                        .and_then(Value::as_str)
                        .ok_or_else(|| format!("tool_calls[{j}] has no `function.name`"))?;
                    conv.tool_call(
                        Some(id),
                        name,
                        arguments(func.and_then(|f| f.get("arguments"))),
                        None,
                    )
                    .map_err(|e| format!("tool_calls[{j}]: {e}"))?;
                }
            } else if let Some(action) = obj
                .get("action")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|a| !a.is_empty())
            {
                let id = format!("action-{index}");
                conv.tool_call(Some(&id), "bash", json!({"command": action}), None)?;
                *open_action = Some(id);
            }
        }
        "tool" => {
            let ids: Vec<&str> = match (obj.get("tool_call_ids"), obj.get("tool_call_id")) {
                (Some(Value::Array(ids)), _) => ids.iter().filter_map(Value::as_str).collect(),
                (_, Some(Value::String(id))) => vec![id.as_str()],
                _ => Vec::new(),
            };
            if ids.is_empty() {
                return Err("a `role: tool` message has no `tool_call_ids`".into());
            }
            let result = text.map_or(Value::Null, Value::String);
            for id in ids {
                conv.tool_result(id, result.clone())?;
            }
        }
        "" => return Err("message has no `role`".into()),
        other => {
            return Err(format!(
                "unknown role '{other}'; expected system, user, assistant or tool"
            ));
        }
    }
    Ok(())
}
