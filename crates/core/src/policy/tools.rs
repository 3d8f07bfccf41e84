//! Reading tool lists: skillgate catalogs (a JSON array of [`ToolSpec`]) and
//! MCP `tools/list` results.

use super::PolicyError;
use crate::types::ToolSpec;
use serde_json::Value;
use std::collections::HashMap;

/// Parses a JSON array of [`ToolSpec`], an MCP `tools/list` result
/// `{"tools": [...]}`, or a JSON-RPC response `{"result": {"tools": [...]}}`.
///
/// In MCP-shaped input the fields skillgate owns (`toolset`, `policy`) are
/// dropped: a server must not choose its own toolset or replay mode. Use
/// [`parse_tool_list_in`] to set the toolset of the server you mounted.
pub fn parse_tool_list(json: &str) -> Result<Vec<ToolSpec>, PolicyError> {
    let value: Value = serde_json::from_str(json).map_err(|e| PolicyError::ToolListJson {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let (items, from_mcp) = match value {
        Value::Array(items) => (items, false),
        Value::Object(mut obj) => {
            if let Some(error) = obj.get("error") {
                return Err(PolicyError::ToolListShape {
                    found: format!("found a JSON-RPC error instead: {error}"),
                });
            }
            let tools = match obj.remove("result") {
                Some(Value::Object(mut result)) => result.remove("tools"),
                Some(other) => {
                    return Err(PolicyError::ToolListShape {
                        found: format!("\"result\" is {}", type_name(&other)),
                    });
                }
                None => obj.remove("tools"),
            };
            match tools {
                Some(Value::Array(items)) => (items, true),
                Some(other) => {
                    return Err(PolicyError::ToolListShape {
                        found: format!("\"tools\" is {}", type_name(&other)),
                    });
                }
                None => {
                    return Err(PolicyError::ToolListShape {
                        found: "the object has no \"tools\" key".to_string(),
                    });
                }
            }
        }
        other => {
            return Err(PolicyError::ToolListShape {
                found: format!("found {}", type_name(&other)),
            });
        }
    };

    let mut tools = Vec::with_capacity(items.len());
    let mut seen: HashMap<(String, Option<String>), usize> = HashMap::new();
    for (i, item) in items.into_iter().enumerate() {
        let index = i + 1;
        let name = item
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string();
        let Value::Object(mut obj) = item else {
            return Err(PolicyError::ToolEntry {
                index,
                name,
                message: format!("must be an object, not {}", type_name(&item)),
            });
        };
        if from_mcp {
            obj.remove("toolset");
            obj.remove("policy");
        }
        let spec: ToolSpec =
            serde_json::from_value(Value::Object(obj)).map_err(|e| PolicyError::ToolEntry {
                index,
                name: name.clone(),
                message: e.to_string(),
            })?;
        if spec.name.trim().is_empty() {
            return Err(PolicyError::ToolEntry {
                index,
                name,
                message: "the tool name is empty".to_string(),
            });
        }
        let key = (spec.name.clone(), spec.toolset.clone());
        if let Some(first) = seen.insert(key, index) {
            return Err(PolicyError::DuplicateTool {
                toolset_note: spec
                    .toolset
                    .as_deref()
                    .map(|t| format!(" in toolset `{t}`"))
                    .unwrap_or_default(),
                name: spec.name,
                first,
                second: index,
            });
        }
        tools.push(spec);
    }
    Ok(tools)
}

/// Like [`parse_tool_list`], then sets `toolset` on every tool that has none
/// (all tools of MCP-shaped input), e.g. the name of the mounted MCP server.
pub fn parse_tool_list_in(json: &str, toolset: &str) -> Result<Vec<ToolSpec>, PolicyError> {
    let mut tools = parse_tool_list(json)?;
    for t in &mut tools {
        if t.toolset.is_none() {
            t.toolset = Some(toolset.to_string());
        }
    }
    Ok(tools)
}

/// A JSON value's type in words.
fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
