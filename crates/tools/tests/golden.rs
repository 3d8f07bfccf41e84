//! The nine golden safety cases of SPEC §4, each a real sandboxed trial through `ReplayTools`,
//! asserting the mode and that the fake production workspace and fake $HOME are untouched.

mod common;

use common::{Setup, recorded, tool, trial};
use serde_json::json;
use skillgate_core::ToolMode::{Blocked, Executed, Surrogate};

#[tokio::test]
async fn golden_safe_filesystem_read_is_executed() {
    let t = trial(Setup::default()).await;
    t.require_sandbox();
    let o = t
        .expect("read_file", json!({"path": "report.md"}), Executed)
        .await;
    assert_eq!(o.result["content"], "# Q3 report\nrevenue: 10\n");
    let o = t
        .expect("list_files", json!({"recursive": true}), Executed)
        .await;
    let listed = o.result["entries"].to_string();
    assert!(listed.contains("/workspace/src/main.py"), "{listed}");
    let o = t
        .expect(
            "run_command",
            json!({"command": "cat data.csv && wc -l < report.md"}),
            Executed,
        )
        .await;
    assert_eq!(o.result["exit_code"], 0, "{o:#?}");
    assert_eq!(o.result["stdout"], "id,amount\n1,10\n2\n");
    t.assert_protected_untouched();
}

#[tokio::test]
async fn golden_workspace_write_is_executed_without_production_write() {
    let t = trial(Setup::default()).await;
    t.require_sandbox();
    t.expect(
        "write_file",
        json!({"path": "out/summary.md", "content": "done"}),
        Executed,
    )
    .await;
    let o = t
        .expect(
            "edit_file",
            json!({"path": "report.md", "old_text": "revenue: 10", "new_text": "revenue: 12"}),
            Executed,
        )
        .await;
    assert!(!o.is_error, "{o:#?}");
    let o = t
        .expect(
            "run_command",
            json!({"command": "echo 2,20 >> data.csv && rm src/main.py"}),
            Executed,
        )
        .await;
    assert_eq!(o.result["exit_code"], 0, "{o:#?}");
    assert_eq!(t.ws_file("out/summary.md").as_deref(), Some("done"));
    assert_eq!(
        t.ws_file("report.md").as_deref(),
        Some("# Q3 report\nrevenue: 12\n")
    );
    assert_eq!(
        t.ws_file("data.csv").as_deref(),
        Some("id,amount\n1,10\n2,20\n")
    );
    assert_eq!(t.ws_file("src/main.py"), None);
    // The production copy is exactly as it was.
    assert_eq!(
        std::fs::read_to_string(t.prod.join("report.md")).unwrap(),
        "# Q3 report\nrevenue: 10\n"
    );
    t.assert_protected_untouched();
}

#[tokio::test]
async fn golden_user_file_write_is_executed_only_inside_the_isolated_workspace() {
    let t = trial(Setup::default()).await;
    t.require_sandbox();
    // `~` is the replay workspace: the write is isolated, so it is executed.
    t.expect(
        "write_file",
        json!({"path": "~/Documents/notes.md", "content": "mine"}),
        Executed,
    )
    .await;
    assert_eq!(t.ws_file("Documents/notes.md").as_deref(), Some("mine"));
    let o = t
        .expect("run_command", json!({"command": "echo alias >> ~/.bashrc && mkdir -p ~/.ssh && echo k > ~/.ssh/id_ed25519 && echo $HOME"}), Executed)
        .await;
    assert_eq!(o.result["stdout"], "/workspace\n", "{o:#?}");
    assert_eq!(t.ws_file(".ssh/id_ed25519").as_deref(), Some("k\n"));
    // The real user's files cannot be named at all.
    let target = t.home.join("notes.txt");
    let o = t
        .expect(
            "write_file",
            json!({"path": target.to_str().unwrap(), "content": "x"}),
            Blocked,
        )
        .await;
    assert_eq!(o.rule, "workspace_escape");
    t.assert_protected_untouched();
}

#[tokio::test]
async fn golden_web_read_is_served_as_a_cached_read() {
    let url = "https://docs.example.com/q3";
    let t = trial(Setup {
        recorded: vec![
            recorded(
                "fetch",
                json!({"url": url}),
                json!({"content": "Q3 guidance"}),
            ),
            recorded(
                "web_search",
                json!({"query": "q3 revenue"}),
                json!([{"title": "Q3", "url": url}]),
            ),
        ],
        ..Setup::default()
    })
    .await;
    t.require_sandbox();
    let o = t
        .call("web_fetch", json!({"url": format!(" {url} ")}))
        .await;
    assert_eq!(
        (o.mode, o.rule.as_str()),
        (Surrogate, "cached_read"),
        "{o:#?}"
    );
    assert_eq!(o.result, json!({"content": "Q3 guidance"}));
    assert_eq!(o.side_effect, None);
    let o = t.call("web_search", json!({"query": "q3 revenue"})).await;
    assert_eq!(o.rule, "cached_read", "{o:#?}");
    // Not recorded and not allow-listed: nothing is fetched, and the agent is told so.
    let o = t
        .call("web_fetch", json!({"url": "https://evil.example.net/x"}))
        .await;
    assert_eq!(
        (o.mode, o.rule.as_str(), o.is_error),
        (Surrogate, "host_not_allowed", true),
        "{o:#?}"
    );
    let o = t
        .expect(
            "run_command",
            json!({"command": "cat report.md > /dev/null"}),
            Executed,
        )
        .await;
    assert_eq!(o.result["exit_code"], 0);
    t.assert_protected_untouched();
}

#[tokio::test]
async fn golden_email_send_is_surrogate() {
    let t = trial(Setup::default()).await;
    t.require_sandbox();
    let o = t
        .expect(
            "send_email",
            json!({"to": ["cfo@example.com"], "subject": "Q3 report", "body": "attached"}),
            Surrogate,
        )
        .await;
    assert_eq!(
        o.side_effect.as_deref(),
        Some("email to cfo@example.com, subject 'Q3 report'")
    );
    assert_eq!(o.result["status"], "ok");
    assert!(
        o.result["message_id"]
            .as_str()
            .unwrap()
            .starts_with("surrogate-")
    );
    assert!(!o.is_error);
    t.expect("run_command", json!({"command": "ls"}), Executed)
        .await;
    t.assert_protected_untouched();
}

#[tokio::test]
async fn golden_calendar_invite_is_surrogate() {
    let t = trial(Setup::default()).await;
    t.require_sandbox();
    let o = t
        .expect(
            "calendar_invite",
            json!({"title": "Sync", "attendees": ["x@y.z"], "start": "2025-03-01T10:00:00Z"}),
            Surrogate,
        )
        .await;
    assert_eq!(
        o.side_effect.as_deref(),
        Some("calendar invite 'Sync' to x@y.z on 2025-03-01T10:00:00Z")
    );
    assert!(o.result["event_id"].is_string());
    t.expect("run_command", json!({"command": "true"}), Executed)
        .await;
    t.assert_protected_untouched();
}

#[tokio::test]
async fn golden_connector_post_reply_publish_are_surrogate() {
    let t = trial(Setup {
        extra_tools: vec![tool(
            "slack_post_message",
            Some(json!({"readOnlyHint": false, "openWorldHint": true})),
        )],
        recorded: vec![recorded(
            "slack_post_message",
            json!({"channel": "#general", "text": "Report ready"}),
            json!({"ok": true, "ts": "1700000000.000100"}),
        )],
        ..Setup::default()
    })
    .await;
    t.require_sandbox();
    for action in ["post", "reply", "publish"] {
        let o = t
            .expect(
                "connector_post",
                json!({"service": "slack", "channel": "#general", "action": action, "text": "Report ready"}),
                Surrogate,
            )
            .await;
        assert_eq!(
            o.side_effect.as_deref(),
            Some(format!("{action} to #general: Report ready").as_str())
        );
    }
    // An MCP tool from the Run gets the recorded result, still not executed.
    let o = t
        .expect(
            "slack_post_message",
            json!({"text": "Report ready ", "channel": "#general"}),
            Surrogate,
        )
        .await;
    assert_eq!(o.result, json!({"ok": true, "ts": "1700000000.000100"}));
    t.expect("run_command", json!({"command": "true"}), Executed)
        .await;
    t.assert_protected_untouched();
}

#[tokio::test]
async fn golden_delete_remove_destroy_is_blocked() {
    let t = trial(Setup {
        extra_tools: vec![tool("remove_user", None), tool("destroy_bucket", None)],
        ..Setup::default()
    })
    .await;
    t.require_sandbox();
    let o = t
        .expect("delete_file", json!({"path": "report.md"}), Blocked)
        .await;
    assert!(
        o.result
            .as_str()
            .unwrap()
            .starts_with("blocked by replay policy: "),
        "{o:#?}"
    );
    assert!(o.is_error);
    t.expect("remove_user", json!({"id": "u1"}), Blocked).await;
    t.expect("destroy_bucket", json!({"bucket": "prod"}), Blocked)
        .await;
    assert!(
        t.ws_file("report.md").is_some(),
        "a blocked delete must not delete"
    );
    t.expect(
        "run_command",
        json!({"command": "test -f report.md"}),
        Executed,
    )
    .await;
    t.assert_protected_untouched();
}

#[tokio::test]
async fn golden_permission_credential_payment_actions_are_blocked() {
    let t = trial(Setup::default()).await;
    t.require_sandbox();
    let calls = [
        (
            "grant_permission",
            json!({"principal": "eve", "resource": "repo", "role": "admin"}),
        ),
        ("read_credential", json!({"name": "AWS_SECRET_ACCESS_KEY"})),
        (
            "make_payment",
            json!({"amount": 100, "currency": "EUR", "recipient": "eve"}),
        ),
    ];
    for (name, args) in calls {
        let o = t.expect(name, args, Blocked).await;
        assert!(
            o.result
                .as_str()
                .unwrap()
                .starts_with("blocked by replay policy: ")
        );
        assert_eq!(o.side_effect, None);
    }
    t.expect("run_command", json!({"command": "true"}), Executed)
        .await;
    t.assert_protected_untouched();
}
