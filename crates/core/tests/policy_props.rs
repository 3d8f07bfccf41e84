//! Properties of the classifier over generated tools: it never panics, and
//! the safety rules hold for any name, description and annotations.

use proptest::prelude::*;
use skillgate_core::policy::{Policy, classify, parse_tool_list};
use skillgate_core::{ToolAnnotations, ToolMode, ToolSpec};

fn tool(
    name: String,
    description: Option<String>,
    annotations: Option<ToolAnnotations>,
) -> ToolSpec {
    ToolSpec {
        name,
        toolset: None,
        description,
        input_schema: None,
        annotations,
        policy: None,
    }
}

/// Names built from real tool-name words, in snake_case or camelCase.
fn name_strategy() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "get",
        "list",
        "read",
        "search",
        "delete",
        "remove",
        "send",
        "post",
        "create",
        "update",
        "email",
        "file",
        "issue",
        "deleted",
        "items",
        "and",
        "or",
        "token",
        "payment",
        "role",
        "comments",
        "messages",
        "user",
        "删除",
        "查看",
        "已删除",
        "发送",
        "密码",
    ]);
    (prop::collection::vec(words, 1..5), any::<bool>()).prop_map(|(ws, camel)| {
        if camel {
            ws.iter()
                .enumerate()
                .map(|(i, w)| {
                    let mut c = w.chars();
                    match (i, c.next()) {
                        (0, _) | (_, None) => w.to_string(),
                        (_, Some(f)) => f.to_uppercase().chain(c).collect(),
                    }
                })
                .collect()
        } else {
            ws.join("_")
        }
    })
}

fn hints_strategy() -> impl Strategy<Value = Option<ToolAnnotations>> {
    let hint = prop::option::of(any::<bool>());
    prop::option::of(
        (hint.clone(), hint.clone(), hint).prop_map(|(r, d, o)| ToolAnnotations {
            title: None,
            read_only_hint: r,
            destructive_hint: d,
            idempotent_hint: None,
            open_world_hint: o,
        }),
    )
}

proptest! {
    #[test]
    fn classify_never_panics_and_always_gives_a_reason(
        name in "\\PC{0,40}", desc in prop::option::of("\\PC{0,200}"), toolset in prop::option::of("\\PC{0,20}"),
    ) {
        let mut t = tool(name, desc, None);
        t.toolset = toolset;
        let c = classify(&t, &Policy::default());
        prop_assert!(!c.rule.is_empty());
        prop_assert!(!c.reason.is_empty());
    }

    #[test]
    fn classify_never_panics_on_inflected_unicode_words(
        stem in "\\PC{0,6}", suffix in prop::sample::select(vec!["ing", "ed", "s", "es", "ies", "ied"]),
    ) {
        let word = format!("{stem}{suffix}");
        let t = tool(word.clone(), Some(format!("{word} and {word}.")), None);
        let c = classify(&t, &Policy::default());
        prop_assert!(!c.reason.is_empty());
    }

    #[test]
    fn a_name_starting_with_delete_is_always_blocked(rest in name_strategy(), hints in hints_strategy()) {
        let c = classify(&tool(format!("delete_{rest}"), None, hints), &Policy::default());
        prop_assert_eq!(c.mode, ToolMode::Blocked, "{}", c.reason);
    }

    #[test]
    fn annotations_never_loosen_a_verb_rule(name in name_strategy(), hints in hints_strategy()) {
        let plain = classify(&tool(name.clone(), None, None), &Policy::default());
        prop_assume!(plain.rule.starts_with("verb:"));
        let annotated = classify(&tool(name, None, hints), &Policy::default());
        prop_assert!(annotated.mode >= plain.mode, "{:?} vs {:?}", annotated, plain);
    }

    #[test]
    fn a_description_never_loosens(name in name_strategy(), desc in "\\PC{0,120}", hints in hints_strategy()) {
        let without = classify(&tool(name.clone(), None, hints.clone()), &Policy::default());
        let with = classify(&tool(name, Some(desc), hints), &Policy::default());
        prop_assert!(with.mode >= without.mode, "{:?} vs {:?}", with, without);
    }

    #[test]
    fn a_glob_rule_never_executes_a_blocked_tool(name in name_strategy(), hints in hints_strategy()) {
        let t = tool(name, None, hints);
        let own = classify(&t, &Policy::default());
        prop_assume!(own.mode == ToolMode::Blocked);
        let p = Policy::from_toml("[[rule]]\nname = \"*\"\nmode = \"executed\"\n").unwrap();
        prop_assert_eq!(classify(&t, &p).mode, ToolMode::Blocked);
    }

    #[test]
    fn an_exact_rule_always_decides(name in "[a-z_]{1,20}", mode in prop::sample::select(vec!["executed", "surrogate", "blocked"])) {
        let p = Policy::from_toml(&format!("[[rule]]\nname = \"{name}\"\nmode = \"{mode}\"\n")).unwrap();
        let c = classify(&tool(name, None, None), &p);
        prop_assert_eq!(c.mode.as_str(), mode);
        prop_assert_eq!(c.rule.as_str(), "policy:name");
    }

    #[test]
    fn parse_tool_list_never_panics(json in "\\PC{0,200}") {
        let _ = parse_tool_list(&json);
    }

    #[test]
    fn policy_parsing_and_host_checks_never_panic(text in "\\PC{0,200}", host in "\\PC{0,40}") {
        if let Ok(p) = Policy::from_toml(&text) {
            let _ = p.host_allowed(&host);
        }
        let _ = Policy::from_toml(&format!("allowed_hosts = [\"{}\"]", host.replace(['"', '\\'], "")));
    }
}
