//! A light JSON Schema check of tool-call arguments: `type` (one or a list),
//! `enum`, `required` and nested `properties` / `items`. Everything else in the
//! schema (formats, patterns, bounds, combinators) is not checked — the tool layer
//! sees those arguments as sent.

use serde_json::Value;

/// Deepest nesting the check walks into; deeper values are accepted unchecked.
const MAX_DEPTH: usize = 16;

/// Checks `arguments` against `schema`; returns one line per problem, each naming the
/// argument path (`arguments.path`, `arguments.items[2]`) and what was expected.
/// An empty list means the arguments pass the light check.
pub fn check_arguments(schema: &Value, arguments: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let mut path = String::from("arguments");
    check(schema, arguments, &mut path, &mut problems, 0);
    problems
}

fn check(schema: &Value, value: &Value, path: &mut String, out: &mut Vec<String>, depth: usize) {
    let Some(schema) = schema.as_object() else {
        return;
    };
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(ty) = schema.get("type") {
        let allowed: Vec<&str> = match ty {
            Value::String(s) => vec![s.as_str()],
            Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !allowed.is_empty() && !allowed.iter().any(|t| type_matches(t, value)) {
            out.push(format!(
                "{path}: expected {}, got {}",
                allowed.join(" or "),
                type_name(value)
            ));
            return;
        }
    }
    if let Some(Value::Array(options)) = schema.get("enum")
        && !options.contains(value)
    {
        let shown: Vec<String> = options.iter().map(Value::to_string).collect();
        out.push(format!(
            "{path}: must be one of {}, got {value}",
            shown.join(", ")
        ));
    }
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(required)) = schema.get("required") {
                for key in required.iter().filter_map(Value::as_str) {
                    if !map.contains_key(key) {
                        out.push(format!("{path}: missing required key \"{key}\""));
                    }
                }
            }
            if let Some(Value::Object(props)) = schema.get("properties") {
                for (key, sub) in props {
                    if let Some(v) = map.get(key) {
                        let len = path.len();
                        path.push('.');
                        path.push_str(key);
                        check(sub, v, path, out, depth + 1);
                        path.truncate(len);
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema @ Value::Object(_)) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    check(item_schema, v, path, out, depth + 1);
                    path.truncate(len);
                }
            }
        }
        _ => {}
    }
}

fn type_matches(ty: &str, value: &Value) -> bool {
    match ty {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "number" => value.is_number(),
        "integer" => {
            value.is_i64()
                || value.is_u64()
                || value
                    .as_f64()
                    .is_some_and(|f| f.fract() == 0.0 && f.is_finite())
        }
        // An unknown type name is not ours to reject.
        _ => true,
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "required": ["path"],
            "properties": {
                "path": {"type": "string"},
                "limit": {"type": "integer"},
                "mode": {"enum": ["text", "binary"]},
                "tags": {"type": "array", "items": {"type": "string"}},
                "opts": {"type": "object", "required": ["x"], "properties": {"x": {"type": ["number", "null"]}}}
            }
        })
    }

    #[test]
    fn valid_arguments_pass() {
        let args = json!({"path": "a.txt", "limit": 3.0, "mode": "text", "tags": ["x"], "opts": {"x": null}});
        assert_eq!(check_arguments(&schema(), &args), Vec::<String>::new());
    }

    #[test]
    fn missing_required_key_is_named() {
        let p = check_arguments(&schema(), &json!({"limit": 1}));
        assert_eq!(
            p,
            vec!["arguments: missing required key \"path\"".to_string()]
        );
    }

    #[test]
    fn wrong_types_are_reported_with_paths() {
        let args = json!({"path": 7, "limit": 1.5, "tags": ["ok", 2], "opts": {"x": "s"}});
        let p = check_arguments(&schema(), &args);
        assert!(
            p.contains(&"arguments.path: expected string, got integer".to_string()),
            "{p:?}"
        );
        assert!(
            p.contains(&"arguments.limit: expected integer, got number".to_string()),
            "{p:?}"
        );
        assert!(
            p.contains(&"arguments.tags[1]: expected string, got integer".to_string()),
            "{p:?}"
        );
        assert!(
            p.contains(&"arguments.opts.x: expected number or null, got string".to_string()),
            "{p:?}"
        );
        assert_eq!(p.len(), 4, "{p:?}");
    }

    #[test]
    fn enum_mismatch_is_reported() {
        let p = check_arguments(&schema(), &json!({"path": "a", "mode": "hex"}));
        assert_eq!(
            p,
            vec![r#"arguments.mode: must be one of "text", "binary", got "hex""#.to_string()]
        );
    }

    #[test]
    fn non_object_arguments_fail_the_top_level_type() {
        let p = check_arguments(&schema(), &json!([1, 2]));
        assert_eq!(p, vec!["arguments: expected object, got array".to_string()]);
    }

    #[test]
    fn schema_without_constraints_accepts_anything() {
        assert!(check_arguments(&json!({}), &json!({"a": 1})).is_empty());
        assert!(check_arguments(&Value::Null, &json!(3)).is_empty());
    }
}
