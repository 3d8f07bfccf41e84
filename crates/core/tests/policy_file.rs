//! The operator's policy file: parsing, errors, rule matching, overrides,
//! allowed hosts and workspace toolsets.

use skillgate_core::policy::{Policy, PolicyError, classify};
use skillgate_core::{ToolAnnotations, ToolMode, ToolSpec};

fn tool(toolset: Option<&str>, name: &str) -> ToolSpec {
    ToolSpec {
        name: name.to_string(),
        toolset: toolset.map(str::to_string),
        description: None,
        input_schema: None,
        annotations: None,
        policy: None,
    }
}

fn err(text: &str) -> PolicyError {
    match Policy::from_toml(text) {
        Ok(p) => panic!("expected an error, parsed {p:?}"),
        Err(e) => e,
    }
}

const EXAMPLE: &str = r#"
allowed_hosts = ["api.github.com", "*.wikipedia.org"]
workspace_toolsets = ["filesystem", "git"]

[[rule]]
name = "send_*"
mode = "surrogate"
note = "mail is always simulated"

[[rule]]
toolset = "stripe"
mode = "blocked"

[[rule]]
name = "purge_cache"
toolset = "staging-cdn"
mode = "executed"
note = "the staging CDN is disposable"
"#;

#[test]
fn documented_example_parses() {
    let p = Policy::from_toml(EXAMPLE).unwrap();
    assert_eq!(p.rules().len(), 3);
    assert_eq!(p.allowed_hosts(), ["api.github.com", "*.wikipedia.org"]);
    assert_eq!(p.workspace_toolsets(), ["filesystem", "git"]);
    assert_eq!(p.rules()[0].mode, ToolMode::Surrogate);
    assert_eq!(
        p.rules()[2].note.as_deref(),
        Some("the staging CDN is disposable")
    );
}

#[test]
fn empty_file_is_the_default_policy() {
    assert_eq!(Policy::from_toml("").unwrap(), Policy::default());
}

#[test]
fn invalid_toml_names_line_and_column() {
    let e = err("allowed_hosts = [\"a.com\"\n[[rule]]\nname = ");
    let PolicyError::Toml { line, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(*line >= 2, "{e}");
    assert!(e.to_string().contains("not valid TOML"));
}

#[test]
fn unknown_top_level_key_is_named_with_a_hint() {
    let e = err("[[rules]]\nname = \"x\"\nmode = \"blocked\"\n");
    assert_eq!(
        e,
        PolicyError::UnknownKey {
            key: "rules".into(),
            hint: "; write each rule as a [[rule]] table".into()
        }
    );
    let e = err("hosts = []");
    assert!(
        e.to_string().contains("did you mean `allowed_hosts`"),
        "{e}"
    );
}

#[test]
fn rule_errors_name_the_rule_index_and_key() {
    let cases: &[(&str, usize, &str, &str)] = &[
        (
            "[[rule]]\nname = \"a\"\nmode = \"blocked\"\n[[rule]]\nname = \"b\"\nmode = \"allow\"\n",
            2,
            "mode",
            "is not a mode",
        ),
        ("[[rule]]\nname = \"a\"\n", 1, "mode", "missing"),
        ("[[rule]]\nmode = \"blocked\"\n", 1, "name", "needs `name`"),
        (
            "[[rule]]\nname = \"a\"\nmode = \"blocked\"\ntool = \"x\"\n",
            1,
            "tool",
            "unknown key",
        ),
        (
            "[[rule]]\nname = 3\nmode = \"blocked\"\n",
            1,
            "name",
            "must be a string",
        ),
        (
            "[[rule]]\nname = \"\"\nmode = \"blocked\"\n",
            1,
            "name",
            "is empty",
        ),
        (
            "[[rule]]\nname = \" a\"\nmode = \"blocked\"\n",
            1,
            "name",
            "spaces",
        ),
        (
            "[[rule]]\nname = \"a\"\nmode = \"blocked\"\n[[rule]]\nname = \"a\"\nmode = \"executed\"\n",
            2,
            "name",
            "same tools as rule 1",
        ),
    ];
    for (text, index, key, fragment) in cases {
        let e = err(text);
        match &e {
            PolicyError::Rule {
                index: i,
                key: k,
                message,
            } => {
                assert_eq!((i, k.as_str()), (index, *key), "{e}");
                assert!(message.contains(fragment), "{e}");
            }
            other => panic!("{text}: expected a rule error, got {other:?}"),
        }
        assert!(e.to_string().contains(&format!("rule {index}")), "{e}");
    }
}

#[test]
fn wrong_types_of_top_level_keys_are_reported() {
    let e = err("allowed_hosts = \"a.com\"");
    assert_eq!(
        e,
        PolicyError::KeyType {
            key: "allowed_hosts".into(),
            expected: "an array of strings",
            found: "a string"
        }
    );
    let e = err("rule = 1");
    assert!(
        matches!(e, PolicyError::KeyType { ref key, .. } if key == "rule"),
        "{e}"
    );
    let e = err("workspace_toolsets = [1]");
    assert!(
        matches!(
            e,
            PolicyError::ListEntry {
                key: "workspace_toolsets",
                index: 1,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn bad_allowed_hosts_are_rejected_with_the_entry() {
    for (host, fragment) in [
        ("https://api.github.com/", "without scheme"),
        ("api.github.com/v3", "without a path"),
        ("api.github.com:443", "without a port"),
        ("*", "every host"),
        ("api.*.com", "leading"),
        ("*.com", "top-level domain"),
        ("", "is empty"),
        ("exa mple.com", "not a host name"),
        ("a..com", "not a host name"),
    ] {
        let text = format!("allowed_hosts = [\"ok.example.com\", \"{host}\"]");
        let e = err(&text);
        match &e {
            PolicyError::ListEntry {
                key: "allowed_hosts",
                index: 2,
                value,
                message,
            } => {
                assert_eq!(value, host);
                assert!(message.contains(fragment), "{host}: {e}");
            }
            other => panic!("{host}: {other:?}"),
        }
    }
}

#[test]
fn host_allowed_matches_exact_and_subdomain_wildcards() {
    let p =
        Policy::from_toml(r#"allowed_hosts = ["API.GitHub.com", "*.wikipedia.org", "10.0.0.1"]"#)
            .unwrap();
    assert_eq!(
        p.allowed_hosts(),
        ["api.github.com", "*.wikipedia.org", "10.0.0.1"]
    );
    assert!(p.host_allowed("api.github.com"));
    assert!(p.host_allowed("API.GITHUB.COM."));
    assert!(p.host_allowed("en.wikipedia.org"));
    assert!(p.host_allowed("a.b.wikipedia.org"));
    assert!(p.host_allowed("10.0.0.1"));
    assert!(
        !p.host_allowed("wikipedia.org"),
        "*.x does not match x itself"
    );
    assert!(!p.host_allowed("evilwikipedia.org"));
    assert!(!p.host_allowed("github.com"));
    assert!(!p.host_allowed("api.github.com.evil.com"));
    assert!(!p.host_allowed(""));
    assert!(!Policy::default().host_allowed("api.github.com"));
}

#[test]
fn glob_rule_sets_mode_for_matching_names_only() {
    let p = Policy::from_toml("[[rule]]\nname = \"*_report\"\nmode = \"executed\"\n").unwrap();
    let c = classify(&tool(None, "weekly_report"), &p);
    assert_eq!(
        (c.mode, c.rule.as_str()),
        (ToolMode::Executed, "policy:glob")
    );
    assert!(
        c.reason.contains("policy rule 1 (name = \"*_report\")"),
        "{}",
        c.reason
    );
    assert_eq!(classify(&tool(None, "weekly_reports"), &p).rule, "default");
}

#[test]
fn toolset_rule_applies_to_every_tool_of_the_toolset() {
    let p = Policy::from_toml("[[rule]]\ntoolset = \"stripe\"\nmode = \"blocked\"\n").unwrap();
    let c = classify(&tool(Some("stripe"), "list_customers"), &p);
    assert_eq!(
        (c.mode, c.rule.as_str()),
        (ToolMode::Blocked, "policy:toolset")
    );
    assert_eq!(
        classify(&tool(None, "list_customers"), &p).mode,
        ToolMode::Executed
    );
    assert_eq!(
        classify(&tool(Some("github"), "list_customers"), &p).mode,
        ToolMode::Executed
    );
}

#[test]
fn toolset_glob_rule_matches_toolset_patterns() {
    let p = Policy::from_toml("[[rule]]\ntoolset = \"prod-*\"\nmode = \"blocked\"\n").unwrap();
    assert_eq!(
        classify(&tool(Some("prod-db"), "query"), &p).mode,
        ToolMode::Blocked
    );
    assert_eq!(
        classify(&tool(Some("staging-db"), "query"), &p).mode,
        ToolMode::Executed
    );
}

#[test]
fn any_rule_may_tighten() {
    let p = Policy::from_toml("[[rule]]\nname = \"get_*\"\nmode = \"blocked\"\n").unwrap();
    let c = classify(&tool(None, "get_user"), &p);
    assert_eq!(
        (c.mode, c.rule.as_str()),
        (ToolMode::Blocked, "policy:glob")
    );
}

#[test]
fn exact_name_rule_may_run_a_blocked_verb_tool() {
    let p = Policy::from_toml(
        "[[rule]]\nname = \"purge_cache\"\ntoolset = \"staging-cdn\"\nmode = \"executed\"\nnote = \"disposable\"\n",
    )
    .unwrap();
    let c = classify(&tool(Some("staging-cdn"), "purge_cache"), &p);
    assert_eq!(
        (c.mode, c.rule.as_str()),
        (ToolMode::Executed, "policy:name")
    );
    assert!(
        c.reason.contains("overriding `verb:delete` (blocked)"),
        "{}",
        c.reason
    );
    assert!(c.reason.contains("disposable"), "{}", c.reason);
    // The toolset narrows it: the same name elsewhere stays blocked.
    assert_eq!(
        classify(&tool(Some("prod-cdn"), "purge_cache"), &p).mode,
        ToolMode::Blocked
    );
}

#[test]
fn glob_or_toolset_rule_cannot_run_a_blocked_verb_tool() {
    let p = Policy::from_toml("[[rule]]\nname = \"purge_*\"\nmode = \"executed\"\n[[rule]]\ntoolset = \"cdn\"\nmode = \"executed\"\n")
        .unwrap();
    for t in [
        tool(None, "purge_cache"),
        tool(Some("cdn"), "delete_object"),
    ] {
        let c = classify(&t, &p);
        assert_eq!(
            (c.mode, c.rule.as_str()),
            (ToolMode::Blocked, "verb:delete"),
            "{}",
            t.name
        );
        assert!(
            c.reason.contains("only a rule naming the tool exactly"),
            "{}",
            c.reason
        );
    }
}

#[test]
fn glob_or_toolset_rule_cannot_run_a_send_or_remote_write() {
    let p = Policy::from_toml("[[rule]]\ntoolset = \"gmail\"\nmode = \"executed\"\n").unwrap();
    assert_eq!(
        classify(&tool(Some("gmail"), "send_email"), &p).mode,
        ToolMode::Surrogate
    );
    assert_eq!(
        classify(&tool(Some("gmail"), "create_label"), &p).mode,
        ToolMode::Surrogate
    );
    // Reads stay executed, and a tool nothing speaks against may be run.
    assert_eq!(
        classify(&tool(Some("gmail"), "read_email"), &p).rule,
        "policy:toolset"
    );
    let c = classify(&tool(Some("gmail"), "frobnicate"), &p);
    assert_eq!(
        (c.mode, c.rule.as_str()),
        (ToolMode::Executed, "policy:toolset")
    );
}

#[test]
fn glob_rule_may_loosen_blocked_to_surrogate() {
    let p = Policy::from_toml("[[rule]]\nname = \"delete_*\"\nmode = \"surrogate\"\n").unwrap();
    let c = classify(&tool(None, "delete_email"), &p);
    assert_eq!(
        (c.mode, c.rule.as_str()),
        (ToolMode::Surrogate, "policy:glob")
    );
    assert!(
        c.reason.contains("overriding `verb:delete`"),
        "{}",
        c.reason
    );
}

#[test]
fn policy_file_rule_wins_over_the_entry_policy() {
    let p = Policy::from_toml("[[rule]]\nname = \"read_file\"\nmode = \"blocked\"\n").unwrap();
    let mut t = tool(None, "read_file");
    t.policy = Some(ToolMode::Executed);
    assert_eq!(classify(&t, &p).rule, "policy:name");
}

#[test]
fn entry_policy_may_tighten_but_cannot_run_a_blocked_tool() {
    let mut t = tool(None, "read_file");
    t.policy = Some(ToolMode::Blocked);
    let c = classify(&t, &Policy::default());
    assert_eq!(
        (c.mode, c.rule.as_str()),
        (ToolMode::Blocked, "entry:policy")
    );
    let mut t = tool(None, "delete_file");
    t.policy = Some(ToolMode::Executed);
    assert_eq!(classify(&t, &Policy::default()).mode, ToolMode::Blocked);
    let mut t = tool(None, "frobnicate");
    t.policy = Some(ToolMode::Executed);
    assert_eq!(classify(&t, &Policy::default()).mode, ToolMode::Executed);
}

#[test]
fn entry_policy_beats_annotations() {
    let mut t = tool(None, "lookup");
    t.annotations = Some(ToolAnnotations {
        read_only_hint: Some(true),
        ..Default::default()
    });
    t.policy = Some(ToolMode::Surrogate);
    assert_eq!(classify(&t, &Policy::default()).rule, "entry:policy");
}

#[test]
fn workspace_toolsets_accept_globs_but_not_a_bare_star() {
    let p = Policy::from_toml(r#"workspace_toolsets = ["fs-*"]"#).unwrap();
    assert!(p.is_workspace_toolset(Some("fs-local")));
    assert!(!p.is_workspace_toolset(Some("github")));
    assert!(!p.is_workspace_toolset(None));
    let e = err(r#"workspace_toolsets = ["*"]"#);
    assert!(
        matches!(
            e,
            PolicyError::ListEntry {
                key: "workspace_toolsets",
                index: 1,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn from_table_reads_an_embedded_policy_section() {
    let outer: toml::Table = "[policy]\nallowed_hosts = [\"a.example.com\"]\n"
        .parse()
        .unwrap();
    let Some(toml::Value::Table(section)) = outer.get("policy") else {
        panic!()
    };
    assert!(
        Policy::from_table(section)
            .unwrap()
            .host_allowed("a.example.com")
    );
}

#[test]
fn classification_round_trips_through_json() {
    let c = classify(&tool(None, "send_email"), &Policy::default());
    let json = serde_json::to_string(&c).unwrap();
    assert!(json.contains("\"mode\":\"surrogate\""), "{json}");
    assert_eq!(
        serde_json::from_str::<skillgate_core::policy::Classification>(&json).unwrap(),
        c
    );
}

#[test]
fn policy_example_in_the_docs_parses_and_behaves_as_documented() {
    let path =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/tool-policy.md");
    let doc = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {} ({e})", path.display()));
    let start = doc
        .find("```toml\n")
        .expect("docs/tool-policy.md has a ```toml example")
        + "```toml\n".len();
    let len = doc[start..]
        .find("```")
        .expect("the toml example is closed");
    let p = Policy::from_toml(&doc[start..start + len])
        .unwrap_or_else(|e| panic!("documented example: {e}"));
    assert!(p.host_allowed("en.wikipedia.org"));
    assert!(p.is_workspace_toolset(Some("git")));
    let c = classify(&tool(Some("staging-cdn"), "purge_cache"), &p);
    assert_eq!(
        (c.mode, c.rule.as_str()),
        (ToolMode::Executed, "policy:name")
    );
    assert_eq!(
        classify(&tool(Some("stripe"), "list_charges"), &p).mode,
        ToolMode::Blocked
    );
    assert_eq!(
        classify(&tool(Some("gmail"), "send_email"), &p).rule,
        "policy:glob"
    );
}

#[test]
fn refused_loosening_points_to_workspace_toolsets_only_for_local_writes() {
    let p = Policy::from_toml("[[rule]]\ntoolset = \"fs\"\nmode = \"executed\"\n").unwrap();
    let write = classify(&tool(Some("fs"), "write_file"), &p);
    assert_eq!(write.mode, ToolMode::Surrogate);
    assert!(
        write
            .reason
            .contains("workspace_toolsets if its effects stay"),
        "{}",
        write.reason
    );
    let delete = classify(&tool(Some("fs"), "delete_file"), &p);
    assert_eq!(delete.mode, ToolMode::Blocked);
    assert!(
        !delete.reason.contains("if its effects stay"),
        "{}",
        delete.reason
    );
}
