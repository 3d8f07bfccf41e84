//! Tool-layer behaviours beyond the golden cases: web reads under an allow-list, MCP tools that
//! classify as executed, and the tool list offered to the model.

mod common;

use common::{Setup, recorded, tool, trial};
use serde_json::json;
use skillgate_core::ToolMode::Surrogate;
use skillgate_tools::Policy;

#[tokio::test]
async fn allow_listed_host_without_recording_says_live_fetch_is_not_supported() {
    let policy = Policy::from_toml("allowed_hosts = [\"api.example.com\"]\n").unwrap();
    let t = trial(Setup {
        policy,
        ..Setup::default()
    })
    .await;
    let o = t
        .call("web_fetch", json!({"url": "https://API.example.com/v1/x"}))
        .await;
    assert_eq!(
        (o.mode, o.rule.as_str(), o.is_error),
        (Surrogate, "live_fetch_not_supported", true),
        "{o:#?}"
    );
    assert!(o.result.as_str().unwrap().contains("not supported yet"));
    let o = t
        .call("web_fetch", json!({"url": "https://other.example.com/"}))
        .await;
    assert_eq!(o.rule, "host_not_allowed");
}

#[tokio::test]
async fn read_only_mcp_tool_is_served_from_the_recording_not_executed() {
    let t = trial(Setup {
        extra_tools: vec![tool("get_issue", Some(json!({"readOnlyHint": true})))],
        recorded: vec![recorded(
            "get_issue",
            json!({"number": 7}),
            json!({"title": "Bug"}),
        )],
        ..Setup::default()
    })
    .await;
    let o = t.call("get_issue", json!({"number": 7})).await;
    assert_eq!(
        (o.mode, o.rule.as_str()),
        (Surrogate, "mcp_execution_not_supported"),
        "{o:#?}"
    );
    assert_eq!(o.result, json!({"title": "Bug"}));
    assert!(o.reason.contains("not supported yet"));
    // Without a recording: a schema-valid stub, and the reason says the LLM surrogate is missing.
    let o = t.call("get_issue", json!({"number": 8})).await;
    assert_eq!(o.result["status"], "ok");
    assert!(
        o.reason.contains("LLM surrogate not supported yet"),
        "{}",
        o.reason
    );
}

#[tokio::test]
async fn offered_tools_are_builtins_plus_non_colliding_extras() {
    let t = trial(Setup {
        extra_tools: vec![tool("read_file", None), tool("发送邮件", None)],
        ..Setup::default()
    })
    .await;
    let names: Vec<String> = t.tools.specs().into_iter().map(|s| s.name).collect();
    assert_eq!(names.iter().filter(|n| *n == "read_file").count(), 1);
    assert!(names.contains(&"发送邮件".to_string()));
    assert_eq!(names.len(), 15);
    let read = t
        .tools
        .specs()
        .into_iter()
        .find(|s| s.name == "read_file")
        .unwrap();
    assert_eq!(
        read.toolset.as_deref(),
        Some(skillgate_tools::WORKSPACE_TOOLSET)
    );
}

#[tokio::test]
async fn malformed_arguments_are_error_outcomes() {
    let t = trial(Setup::default()).await;
    for (name, args) in [
        ("run_command", json!({"command": "echo a\u{0}b"})),
        ("run_command", json!({})),
        ("read_file", json!("report.md")),
        ("write_file", json!({"path": "x"})),
        (
            "edit_file",
            json!({"path": "report.md", "old_text": "", "new_text": "x"}),
        ),
        ("web_fetch", json!({"url": "not a url"})),
    ] {
        let o = t.call(name, args).await;
        assert!(o.is_error, "{name}: {o:#?}");
        assert!(o.result.is_string(), "{name}: {o:#?}");
    }
}
