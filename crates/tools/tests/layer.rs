//! Tool-layer behaviours beyond the golden cases: web reads under an allow-list, MCP tools that
//! classify as executed, and the tool list offered to the model.

mod common;

use common::{Setup, recorded, tool, trial};
use serde_json::json;
use skillgate_core::ToolMode::Surrogate;
use skillgate_tools::Policy;

/// A one-shot HTTP server on loopback answering every request with `response`;
/// returns its port and a counter of requests served.
async fn http_once(
    response: &'static str,
) -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let served = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = served.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = sock.read(&mut buf).await;
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let _ = sock.write_all(response.as_bytes()).await;
            let _ = sock.shutdown().await;
        }
    });
    (port, served)
}

#[tokio::test]
async fn allow_listed_host_without_recording_is_fetched_live_and_others_are_not() {
    let (port, served) =
        http_once("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello").await;
    let policy = Policy::from_toml("allowed_hosts = [\"127.0.0.1\"]\n").unwrap();
    let t = trial(Setup {
        policy,
        ..Setup::default()
    })
    .await;
    let o = t
        .call(
            "web_fetch",
            json!({"url": format!("http://127.0.0.1:{port}/status")}),
        )
        .await;
    assert_eq!(
        (o.mode, o.rule.as_str(), o.is_error),
        (skillgate_core::ToolMode::Executed, "live_fetch", false),
        "{o:#?}"
    );
    assert_eq!(o.result["body"], "hello");
    assert!(o.reason.contains("allow-listed"), "{}", o.reason);
    assert_eq!(served.load(std::sync::atomic::Ordering::SeqCst), 1);

    let o = t
        .call("web_fetch", json!({"url": "https://other.example.com/"}))
        .await;
    assert_eq!((o.mode, o.rule.as_str()), (Surrogate, "host_not_allowed"));
}

#[tokio::test]
async fn live_fetch_does_not_follow_a_redirect_to_another_host() {
    let (port, served) = http_once(
        "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.2:9/steal\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    )
    .await;
    let policy = Policy::from_toml("allowed_hosts = [\"127.0.0.1\"]\n").unwrap();
    let t = trial(Setup {
        policy,
        ..Setup::default()
    })
    .await;
    let o = t
        .call(
            "web_fetch",
            json!({"url": format!("http://127.0.0.1:{port}/")}),
        )
        .await;
    assert_eq!(o.rule, "live_fetch", "{o:#?}");
    assert_eq!(
        o.result["status"], 302,
        "the redirect is returned, not followed"
    );
    assert_eq!(served.load(std::sync::atomic::Ordering::SeqCst), 1);
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
