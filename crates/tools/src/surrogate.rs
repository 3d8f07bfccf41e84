//! Surrogates (SPEC §4): what a tool call returns when it is not executed, and the side effect
//! it would have had, in words.
//!
//! Order: the recorded Run's result for the same call (name and normalised arguments), else an
//! LLM surrogate when a provider is set ([`crate::llm_surrogate`]), else a stub that is valid
//! against the tool's result schema.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use skillgate_core::RecordedToolCall;
use std::collections::HashMap;
use std::sync::Mutex;

/// Normalises tool arguments for matching: object keys sorted, strings trimmed, email
/// addresses lower-cased, `null` object members dropped.
pub fn normalize_arguments(v: &Value) -> Value {
    match v {
        Value::String(s) => {
            let t = s.trim();
            if looks_like_email(t) {
                Value::String(t.to_lowercase())
            } else {
                Value::String(t.to_string())
            }
        }
        Value::Array(a) => Value::Array(a.iter().map(normalize_arguments).collect()),
        Value::Object(o) => {
            let mut keys: Vec<&String> = o.keys().collect();
            keys.sort();
            let mut m = Map::new();
            for k in keys {
                if !o[k].is_null() {
                    m.insert(k.clone(), normalize_arguments(&o[k]));
                }
            }
            Value::Object(m)
        }
        other => other.clone(),
    }
}

/// The canonical text of normalised arguments (sorted keys regardless of map implementation).
pub fn canonical_arguments(v: &Value) -> String {
    fn write(v: &Value, out: &mut String) {
        match v {
            Value::Object(o) => {
                let mut keys: Vec<&String> = o.keys().collect();
                keys.sort();
                out.push('{');
                for (i, k) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(':');
                    write(&o[k], out);
                }
                out.push('}');
            }
            Value::Array(a) => {
                out.push('[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(x, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut s = String::new();
    write(&normalize_arguments(v), &mut s);
    s
}

fn looks_like_email(s: &str) -> bool {
    let mut parts = s.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty() && domain.contains('.') && !s.chars().any(char::is_whitespace)
        }
        _ => false,
    }
}

/// The recorded results of a Run, looked up by tool name and normalised arguments. Repeated
/// identical calls get the recorded results in order, then the last one again.
#[derive(Debug, Default)]
pub struct RecordedResults {
    by_key: HashMap<(String, String), Vec<Value>>,
    /// (name, normalised arguments, result) for looser look-ups (same URL, same query).
    all: Vec<(String, Value, Value)>,
    cursor: Mutex<HashMap<(String, String), usize>>,
}

impl RecordedResults {
    /// Indexes the recorded calls of a Run.
    pub fn new(recorded: &[RecordedToolCall]) -> Self {
        let mut by_key: HashMap<(String, String), Vec<Value>> = HashMap::new();
        let mut all = Vec::new();
        for c in recorded {
            by_key
                .entry((c.name.clone(), canonical_arguments(&c.arguments)))
                .or_default()
                .push(c.result.clone());
            all.push((
                c.name.clone(),
                normalize_arguments(&c.arguments),
                c.result.clone(),
            ));
        }
        RecordedResults {
            by_key,
            all,
            cursor: Mutex::new(HashMap::new()),
        }
    }

    /// The recorded result for this exact call, if the Run made it.
    pub fn lookup(&self, name: &str, arguments: &Value) -> Option<Value> {
        let key = (name.to_string(), canonical_arguments(arguments));
        let results = self.by_key.get(&key)?;
        let mut cursor = self.cursor.lock().unwrap_or_else(|p| p.into_inner());
        let i = cursor.entry(key).or_insert(0);
        let v = results.get(*i).or(results.last()).cloned();
        *i += 1;
        v
    }

    /// The first recorded call (any tool name) whose argument `field` equals `value` after
    /// normalisation and whose name contains one of `name_hints`: e.g. a recorded MCP `fetch`
    /// of the same URL answers a replayed `web_fetch`.
    pub fn lookup_by_field(
        &self,
        fields: &[&str],
        value: &Value,
        name_hints: &[&str],
    ) -> Option<(String, Value)> {
        let want = normalize_arguments(value);
        self.all.iter().find_map(|(name, args, result)| {
            let lname = name.to_lowercase();
            let hinted = name_hints.iter().any(|h| lname.contains(h));
            let hit = fields.iter().any(|f| args.get(*f) == Some(&want));
            (hinted && hit).then(|| (name.clone(), result.clone()))
        })
    }
}

/// A value valid against `schema` (a JSON Schema subset: type, properties, required, enum,
/// const, items, format), with plausible content; `seed` makes ids stable per call.
pub fn stub_from_schema(schema: &Value, seed: &str) -> Value {
    stub(schema, "", seed, 0)
}

fn short_id(seed: &str, field: &str) -> String {
    let h = Sha256::digest(format!("{seed}/{field}").as_bytes());
    h.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

fn stub(schema: &Value, field: &str, seed: &str, depth: usize) -> Value {
    if depth > 8 {
        return Value::Null;
    }
    if let Some(c) = schema.get("const") {
        return c.clone();
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    if let Some(first) = ["anyOf", "oneOf"].iter().find_map(|k| {
        schema
            .get(*k)
            .and_then(Value::as_array)
            .and_then(|a| a.first())
    }) {
        return stub(first, field, seed, depth + 1);
    }
    let ty = match schema.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if schema.get("properties").is_some() => "object",
        _ => "object",
    };
    match ty {
        "object" => {
            let mut m = Map::new();
            let props = schema.get("properties").and_then(Value::as_object);
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for name in required {
                let sub = props
                    .and_then(|p| p.get(name))
                    .cloned()
                    .unwrap_or(json!({"type": "string"}));
                m.insert(name.to_string(), stub(&sub, name, seed, depth + 1));
            }
            Value::Object(m)
        }
        "array" => {
            let item = schema
                .get("items")
                .cloned()
                .unwrap_or(json!({"type": "string"}));
            let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            Value::Array(
                (0..min.min(3))
                    .map(|_| stub(&item, field, seed, depth + 1))
                    .collect(),
            )
        }
        "integer" => json!(schema.get("minimum").and_then(Value::as_i64).unwrap_or(1)),
        "number" => json!(schema.get("minimum").and_then(Value::as_f64).unwrap_or(1.0)),
        "boolean" => json!(true),
        "null" => Value::Null,
        _ => Value::String(plausible_string(schema, field, seed)),
    }
}

fn plausible_string(schema: &Value, field: &str, seed: &str) -> String {
    let f = field.to_lowercase();
    match schema.get("format").and_then(Value::as_str) {
        Some("email") => return "user@example.com".into(),
        Some("date-time") => return "2025-01-01T00:00:00Z".into(),
        Some("date") => return "2025-01-01".into(),
        Some("uri") | Some("url") => {
            return format!("https://example.invalid/{}", short_id(seed, field));
        }
        _ => {}
    }
    if f == "status" || f == "state" {
        "ok".into()
    } else if f == "id" || f.ends_with("_id") || f.ends_with("id") {
        format!("surrogate-{}", short_id(seed, field))
    } else if f.contains("email") {
        "user@example.com".into()
    } else if f.contains("url") || f.contains("link") {
        format!("https://example.invalid/{}", short_id(seed, field))
    } else if f.contains("time") || f.contains("date") || f.ends_with("_at") {
        "2025-01-01T00:00:00Z".into()
    } else {
        "simulated".into()
    }
}

fn text_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().filter_map(|x| text_of(Some(x))).collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn first_field(args: &Value, fields: &[&str]) -> Option<String> {
    fields.iter().find_map(|f| text_of(args.get(*f)))
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

/// The side effect a call would have had, in words ("email to a@b.c, subject 'Q3 report'").
pub fn describe_side_effect(name: &str, args: &Value) -> String {
    let lname = name.to_lowercase();
    let to = first_field(
        args,
        &["to", "recipients", "recipient", "attendees", "emails"],
    );
    let subject = first_field(args, &["subject", "title", "summary", "name"]);
    let when = first_field(args, &["start", "start_time", "when", "date", "time"]);
    let target = first_field(
        args,
        &[
            "channel",
            "repo",
            "repository",
            "project",
            "connector",
            "service",
            "to",
        ],
    );
    let body = first_field(args, &["text", "body", "message", "content", "comment"]);
    if lname.contains("email")
        || lname.contains("mail")
        || name.contains("邮件")
        || name.contains("郵件")
    {
        let mut s = format!(
            "email to {}",
            to.unwrap_or_else(|| "an unspecified recipient".into())
        );
        if let Some(sub) = subject {
            s.push_str(&format!(", subject '{}'", clip(&sub, 80)));
        }
        return s;
    }
    if lname.contains("calendar")
        || lname.contains("invite")
        || lname.contains("event")
        || lname.contains("meeting")
    {
        let mut s = format!(
            "calendar invite '{}'",
            clip(&subject.unwrap_or_else(|| "untitled".into()), 80)
        );
        if let Some(to) = to {
            s.push_str(&format!(" to {to}"));
        }
        if let Some(w) = when {
            s.push_str(&format!(" on {w}"));
        }
        return s;
    }
    if [
        "post", "reply", "publish", "comment", "message", "slack", "tweet",
    ]
    .iter()
    .any(|v| lname.contains(v))
    {
        let verb = if lname.contains("reply") {
            "reply"
        } else if lname.contains("publish") {
            "publish"
        } else {
            "post"
        };
        let action = args.get("action").and_then(Value::as_str).unwrap_or(verb);
        return format!(
            "{action} to {}: {}",
            target.unwrap_or_else(|| "an unspecified destination".into()),
            clip(&body.unwrap_or_default(), 120)
        );
    }
    let compact = canonical_arguments(args);
    format!("call {name} with {}", clip(&compact, 200))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_ignores_key_order_whitespace_and_email_case() {
        let a = json!({"to": " Alice@Example.COM ", "subject": "Q3 ", "cc": null});
        let b = json!({"subject": "Q3", "to": "alice@example.com"});
        assert_eq!(canonical_arguments(&a), canonical_arguments(&b));
        assert_ne!(
            canonical_arguments(&json!({"subject": "q3"})),
            canonical_arguments(&json!({"subject": "Q3"}))
        );
    }

    #[test]
    fn recorded_lookup_replays_results_in_order() {
        let rec = |r: i64| RecordedToolCall {
            name: "get_time".into(),
            toolset: None,
            arguments: json!({"tz": "UTC"}),
            result: json!(r),
            started_at: None,
        };
        let r = RecordedResults::new(&[rec(1), rec(2)]);
        assert_eq!(r.lookup("get_time", &json!({"tz": " UTC"})), Some(json!(1)));
        assert_eq!(r.lookup("get_time", &json!({"tz": "UTC"})), Some(json!(2)));
        assert_eq!(r.lookup("get_time", &json!({"tz": "UTC"})), Some(json!(2)));
        assert_eq!(r.lookup("get_time", &json!({"tz": "CET"})), None);
    }

    #[test]
    fn stub_fills_required_fields_plausibly() {
        let schema = json!({"type": "object", "required": ["message_id", "status", "sent_at", "count"],
            "properties": {"message_id": {"type": "string"}, "status": {"type": "string"},
            "sent_at": {"type": "string", "format": "date-time"}, "count": {"type": "integer", "minimum": 0}}});
        let v = stub_from_schema(&schema, "seed");
        assert_eq!(v["status"], "ok");
        assert!(v["message_id"].as_str().unwrap().starts_with("surrogate-"));
        assert_eq!(v["count"], 0);
        assert_eq!(v["sent_at"], "2025-01-01T00:00:00Z");
    }

    #[test]
    fn side_effects_are_described_in_words() {
        assert_eq!(
            describe_side_effect(
                "send_email",
                &json!({"to": ["a@b.c"], "subject": "Q3 report"})
            ),
            "email to a@b.c, subject 'Q3 report'"
        );
        assert_eq!(
            describe_side_effect(
                "calendar_invite",
                &json!({"title": "Sync", "attendees": ["x@y.z"], "start": "2025-03-01T10:00"})
            ),
            "calendar invite 'Sync' to x@y.z on 2025-03-01T10:00"
        );
        assert_eq!(
            describe_side_effect(
                "connector_post",
                &json!({"channel": "#general", "text": "hi"})
            ),
            "post to #general: hi"
        );
    }
}
