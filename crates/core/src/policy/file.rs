//! Reading and validating the policy file (TOML).
//!
//! ```toml
//! allowed_hosts = ["api.github.com", "*.wikipedia.org"]
//! workspace_toolsets = ["filesystem", "git"]
//!
//! [[rule]]
//! name = "send_*"        # exact name, or a glob with * and ?
//! toolset = "gmail"      # optional; exact or glob
//! mode = "surrogate"     # executed | surrogate | blocked
//! note = "mail is always simulated"
//! ```

use super::{Policy, PolicyError, PolicyRule, glob};
use crate::types::ToolMode;
use toml::{Table, Value};

/// Parses policy file text.
pub(crate) fn from_toml(text: &str) -> Result<Policy, PolicyError> {
    let table: Table = text.parse().map_err(|e: toml::de::Error| {
        let (line, column) = e
            .span()
            .map(|s| line_column(text, s.start))
            .unwrap_or((1, 1));
        PolicyError::Toml {
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })?;
    from_table(&table)
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(1, |l| l.chars().count() + 1);
    (line, column)
}

/// Reads a policy from a parsed table.
pub(crate) fn from_table(table: &Table) -> Result<Policy, PolicyError> {
    let mut rules = Vec::new();
    let mut hosts = Vec::new();
    let mut workspace = Vec::new();
    for (key, value) in table {
        match key.as_str() {
            "allowed_hosts" => hosts = string_list(key, value)?,
            "workspace_toolsets" => workspace = string_list(key, value)?,
            "rule" => {
                let Value::Array(items) = value else {
                    return Err(PolicyError::KeyType {
                        key: key.clone(),
                        expected: "an array of tables, written as [[rule]] sections",
                        found: type_name(value),
                    });
                };
                for (i, item) in items.iter().enumerate() {
                    rules.push(read_rule(i + 1, item)?);
                }
            }
            other => {
                let hint = match other {
                    "rules" => "; write each rule as a [[rule]] table".to_string(),
                    "hosts" | "allowed_host" | "allow_hosts" => {
                        "; did you mean `allowed_hosts`?".to_string()
                    }
                    "workspace_toolset" | "workspace" => {
                        "; did you mean `workspace_toolsets`?".to_string()
                    }
                    "name" | "toolset" | "mode" | "note" => {
                        "; rule keys belong under a [[rule]] header".to_string()
                    }
                    _ => String::new(),
                };
                return Err(PolicyError::UnknownKey {
                    key: other.to_string(),
                    hint,
                });
            }
        }
    }
    validate(rules, hosts, workspace)
}

/// A top-level array of strings.
fn string_list(key: &str, value: &Value) -> Result<Vec<String>, PolicyError> {
    let Value::Array(items) = value else {
        return Err(PolicyError::KeyType {
            key: key.to_string(),
            expected: "an array of strings",
            found: type_name(value),
        });
    };
    items
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::String(s) => Ok(s.clone()),
            other => Err(PolicyError::ListEntry {
                key: if key == "allowed_hosts" {
                    "allowed_hosts"
                } else {
                    "workspace_toolsets"
                },
                index: i + 1,
                value: other.to_string(),
                message: format!("must be a string, not {}", type_name(other)),
            }),
        })
        .collect()
}

/// Reads the `index`th `[[rule]]` table.
fn read_rule(index: usize, value: &Value) -> Result<PolicyRule, PolicyError> {
    let err = |key: &str, message: String| PolicyError::Rule {
        index,
        key: key.to_string(),
        message,
    };
    let Value::Table(t) = value else {
        return Err(err(
            "rule",
            format!("must be a table, not {}", type_name(value)),
        ));
    };
    let mut rule = PolicyRule {
        index,
        name: None,
        toolset: None,
        mode: ToolMode::Surrogate,
        note: None,
    };
    let mut mode = None;
    for (key, v) in t {
        let text = match v {
            Value::String(s) => s.clone(),
            other => {
                return Err(err(
                    key,
                    format!("must be a string, not {}", type_name(other)),
                ));
            }
        };
        match key.as_str() {
            "name" => rule.name = Some(text),
            "toolset" => rule.toolset = Some(text),
            "note" | "reason" => rule.note = Some(text),
            "mode" => {
                mode = Some(match text.as_str() {
                    "executed" => ToolMode::Executed,
                    "surrogate" => ToolMode::Surrogate,
                    "blocked" => ToolMode::Blocked,
                    _ => {
                        return Err(err(
                            key,
                            format!(
                                "\"{text}\" is not a mode; use \"executed\", \"surrogate\" or \"blocked\""
                            ),
                        ));
                    }
                })
            }
            other => {
                return Err(err(
                    other,
                    "unknown key; a rule has `name`, `toolset`, `mode` and an optional `note`"
                        .to_string(),
                ));
            }
        }
    }
    rule.mode = mode.ok_or_else(|| {
        err(
            "mode",
            "missing; add mode = \"executed\", \"surrogate\" or \"blocked\"".to_string(),
        )
    })?;
    Ok(rule)
}

/// Validates the parts of a policy and normalizes hosts to lowercase.
pub(crate) fn validate(
    rules: Vec<PolicyRule>,
    allowed_hosts: Vec<String>,
    workspace_toolsets: Vec<String>,
) -> Result<Policy, PolicyError> {
    for (pos, rule) in rules.iter().enumerate() {
        let err = |key: &str, message: String| PolicyError::Rule {
            index: rule.index,
            key: key.to_string(),
            message,
        };
        if rule.name.is_none() && rule.toolset.is_none() {
            return Err(err(
                "name",
                "a rule needs `name` (exact or glob), `toolset`, or both".to_string(),
            ));
        }
        for (key, value) in [("name", &rule.name), ("toolset", &rule.toolset)] {
            if let Some(v) = value
                && v.trim().is_empty()
            {
                return Err(err(
                    key,
                    "is empty; give a tool name, a glob such as \"send_*\", or leave the key out"
                        .to_string(),
                ));
            }
            if let Some(v) = value
                && v.trim() != v
            {
                return Err(err(
                    key,
                    format!("\"{v}\" has leading or trailing spaces; remove them"),
                ));
            }
        }
        if let Some(first) = rules[..pos]
            .iter()
            .find(|r| r.name == rule.name && r.toolset == rule.toolset)
        {
            return Err(err(
                "name",
                format!(
                    "matches the same tools as rule {}; keep one of them",
                    first.index
                ),
            ));
        }
    }
    let mut hosts = Vec::with_capacity(allowed_hosts.len());
    for (i, host) in allowed_hosts.iter().enumerate() {
        let normalized = host.trim_end_matches('.').to_ascii_lowercase();
        if let Some(message) = host_problem(&normalized) {
            return Err(PolicyError::ListEntry {
                key: "allowed_hosts",
                index: i + 1,
                value: host.clone(),
                message,
            });
        }
        if !hosts.contains(&normalized) {
            hosts.push(normalized);
        }
    }
    for (i, t) in workspace_toolsets.iter().enumerate() {
        let problem = if t.trim().is_empty() {
            Some("is empty; give a toolset name such as \"filesystem\"")
        } else if t == "*" {
            Some(
                "\"*\" would run every toolset's writes; list the toolsets the tools layer confines to the replay workspace",
            )
        } else {
            None
        };
        if let Some(message) = problem {
            return Err(PolicyError::ListEntry {
                key: "workspace_toolsets",
                index: i + 1,
                value: t.clone(),
                message: message.to_string(),
            });
        }
    }
    Ok(Policy {
        rules,
        allowed_hosts: hosts,
        workspace_toolsets,
    })
}

/// Why a host entry is invalid, if it is.
fn host_problem(host: &str) -> Option<String> {
    if host.is_empty() {
        return Some("is empty; give a host such as \"api.github.com\"".to_string());
    }
    if host.contains("://") {
        return Some("write the host only, without scheme or path (\"api.github.com\", not \"https://api.github.com/\")".to_string());
    }
    if host.contains('/') {
        return Some("write the host only, without a path".to_string());
    }
    if host.contains(':') {
        return Some(
            "write the host without a port; ports are not part of the allow-list".to_string(),
        );
    }
    if host == "*" || host == "*." {
        return Some("\"*\" would allow every host; list the hosts replays may reach".to_string());
    }
    let bare = host.strip_prefix("*.").unwrap_or(host);
    if bare.contains('*') {
        return Some(
            "a wildcard is only allowed as a leading \"*.\" (\"*.example.com\")".to_string(),
        );
    }
    if glob::is_glob(bare)
        || bare.split('.').any(|label| {
            label.is_empty()
                || label.starts_with('-')
                || label.ends_with('-')
                || !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
    {
        return Some(
            "is not a host name; use letters, digits, '-' and '.' (\"api.github.com\")".to_string(),
        );
    }
    if host.starts_with("*.") && !bare.contains('.') {
        return Some(format!(
            "\"{host}\" would allow every host under a top-level domain; name a registered domain (\"*.example.com\")"
        ));
    }
    None
}

/// A TOML value's type in words.
fn type_name(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date-time",
        Value::Array(_) => "an array",
        Value::Table(_) => "a table",
    }
}
