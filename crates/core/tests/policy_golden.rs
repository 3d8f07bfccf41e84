//! The nine golden safety cases of SPEC §4, at the classifier level. Release
//! blockers: one test each, each over a small table of realistic tools.

use skillgate_core::policy::{Policy, classify};
use skillgate_core::{ToolAnnotations, ToolMode, ToolSpec};

fn tool(toolset: &str, name: &str, description: &str) -> ToolSpec {
    ToolSpec {
        name: name.to_string(),
        toolset: Some(toolset.to_string()),
        description: Some(description.to_string()),
        input_schema: None,
        annotations: None,
        policy: None,
    }
}

fn annotated(mut t: ToolSpec, read_only: bool, destructive: bool, open_world: bool) -> ToolSpec {
    t.annotations = Some(ToolAnnotations {
        title: None,
        read_only_hint: Some(read_only),
        destructive_hint: Some(destructive),
        idempotent_hint: None,
        open_world_hint: Some(open_world),
    });
    t
}

/// The policy of a deployment whose tools layer runs the filesystem and git
/// servers inside the sandbox against the replay workspace copy.
fn workspace_policy() -> Policy {
    Policy::from_toml(r#"workspace_toolsets = ["filesystem", "git"]"#).unwrap()
}

fn assert_modes(cases: &[(ToolSpec, ToolMode)], policy: &Policy) {
    for (t, expected) in cases {
        let c = classify(t, policy);
        assert_eq!(
            c.mode,
            *expected,
            "{} / {}: got {} by {} ({})",
            t.toolset.as_deref().unwrap_or("-"),
            t.name,
            c.mode,
            c.rule,
            c.reason
        );
        assert!(!c.reason.is_empty() && !c.rule.is_empty());
    }
}

#[test]
fn golden_1_safe_filesystem_read_is_executed() {
    let cases = [
        (
            annotated(
                tool(
                    "filesystem",
                    "read_file",
                    "Read the complete contents of a file as text.",
                ),
                true,
                false,
                false,
            ),
            ToolMode::Executed,
        ),
        (
            tool("filesystem", "read_text_file", "Read a file."),
            ToolMode::Executed,
        ),
        (
            tool(
                "filesystem",
                "list_directory",
                "Get a detailed listing of all files.",
            ),
            ToolMode::Executed,
        ),
        (
            tool("workspace", "search_files", "Recursively search for files."),
            ToolMode::Executed,
        ),
        (
            tool(
                "claude-code",
                "Read",
                "Reads a file from the local filesystem.",
            ),
            ToolMode::Executed,
        ),
        (
            tool("claude-code", "Grep", "A powerful search tool."),
            ToolMode::Executed,
        ),
    ];
    // Reads need no isolation: with and without workspace toolsets.
    assert_modes(&cases, &Policy::default());
    assert_modes(&cases, &workspace_policy());
}

#[test]
fn golden_2_safe_filesystem_write_to_replay_workspace_is_executed() {
    let cases = [
        (
            annotated(
                tool(
                    "filesystem",
                    "write_file",
                    "Create a new file or completely overwrite an existing file with new content.",
                ),
                false,
                true,
                false,
            ),
            ToolMode::Executed,
        ),
        (
            annotated(
                tool(
                    "filesystem",
                    "edit_file",
                    "Make line-based edits to a text file.",
                ),
                false,
                true,
                false,
            ),
            ToolMode::Executed,
        ),
        (
            annotated(
                tool("filesystem", "create_directory", "Create a new directory."),
                false,
                false,
                false,
            ),
            ToolMode::Executed,
        ),
        (
            annotated(
                tool("git", "git_commit", "Records changes to the repository"),
                false,
                false,
                false,
            ),
            ToolMode::Executed,
        ),
        (
            tool("filesystem", "writeFile", "Write a file."),
            ToolMode::Executed,
        ),
    ];
    let policy = workspace_policy();
    assert_modes(&cases, &policy);
    let c = classify(&cases[0].0, &policy);
    assert!(c.reason.contains("workspace"), "{}", c.reason);
}

#[test]
fn golden_3_user_file_write_is_executed_only_if_isolated_otherwise_surrogate() {
    let write = annotated(
        tool(
            "filesystem",
            "write_file",
            "Create a new file or completely overwrite an existing file.",
        ),
        false,
        true,
        false,
    );
    let plain = tool(
        "notes",
        "save_note",
        "Save a note to the user's notes folder.",
    );
    // Isolated: the toolset is confined to the replay workspace.
    let isolated = Policy::from_toml(r#"workspace_toolsets = ["filesystem", "notes"]"#).unwrap();
    assert_modes(
        &[
            (write.clone(), ToolMode::Executed),
            (plain.clone(), ToolMode::Executed),
        ],
        &isolated,
    );
    // Not isolated: nothing may touch the user's real files.
    assert_modes(
        &[
            (write.clone(), ToolMode::Surrogate),
            (plain.clone(), ToolMode::Surrogate),
        ],
        &Policy::default(),
    );
    let c = classify(&write, &Policy::default());
    assert!(
        c.reason.contains("workspace_toolsets"),
        "reason says how to isolate: {}",
        c.reason
    );
}

#[test]
fn golden_4_web_and_search_reads_are_executed() {
    let cases = [
        (
            annotated(
                tool(
                    "fetch",
                    "fetch",
                    "Fetches a URL from the internet and optionally extracts its contents as markdown.",
                ),
                true,
                false,
                true,
            ),
            ToolMode::Executed,
        ),
        (
            tool(
                "brave-search",
                "brave_web_search",
                "Performs a web search using the Brave Search API.",
            ),
            ToolMode::Executed,
        ),
        (
            tool(
                "claude-code",
                "WebFetch",
                "Fetches content from a specified URL.",
            ),
            ToolMode::Executed,
        ),
        (
            tool("claude-code", "WebSearch", "Search the web."),
            ToolMode::Executed,
        ),
        (
            tool("puppeteer", "puppeteer_navigate", "Navigate to a URL"),
            ToolMode::Executed,
        ),
        (tool("search", "网页搜索", "搜索网页"), ToolMode::Executed),
    ];
    assert_modes(&cases, &Policy::default());
}

#[test]
fn golden_5_email_send_is_surrogate() {
    let cases = [
        (
            tool("gmail", "send_email", "Sends a new email"),
            ToolMode::Surrogate,
        ),
        (
            tool("outlook", "sendMail", "Send a message."),
            ToolMode::Surrogate,
        ),
        (
            tool("gmail", "reply_to_email", "Reply to a thread."),
            ToolMode::Surrogate,
        ),
        (
            tool("gmail", "forward_email", "Forward an email."),
            ToolMode::Surrogate,
        ),
        (
            tool("邮件", "发送邮件", "发送一封新邮件"),
            ToolMode::Surrogate,
        ),
        (
            tool("郵件", "發送郵件", "發送一封新郵件"),
            ToolMode::Surrogate,
        ),
        // Even if the server claims the send is read-only.
        (
            annotated(
                tool("gmail", "send_email", "Sends a new email"),
                true,
                false,
                true,
            ),
            ToolMode::Surrogate,
        ),
    ];
    assert_modes(&cases, &Policy::default());
    // Even inside a workspace toolset: a send leaves the workspace.
    assert_modes(
        &cases,
        &Policy::from_toml(r#"workspace_toolsets = ["*mail*"]"#).unwrap(),
    );
}

#[test]
fn golden_6_calendar_invite_is_surrogate() {
    let cases = [
        (
            tool(
                "google-calendar",
                "create_event",
                "Create a calendar event and invite attendees.",
            ),
            ToolMode::Surrogate,
        ),
        (
            tool(
                "google-calendar",
                "invite_attendees",
                "Invite people to an event.",
            ),
            ToolMode::Surrogate,
        ),
        (
            tool("calendar", "schedule_meeting", "Schedule a meeting."),
            ToolMode::Surrogate,
        ),
        (
            tool(
                "calendar",
                "respond_to_invitation",
                "Accept or decline an invitation.",
            ),
            ToolMode::Surrogate,
        ),
        (
            tool("日历", "邀请参会者", "发送会议邀请"),
            ToolMode::Surrogate,
        ),
        (
            tool("行事曆", "邀請參加者", "發送會議邀請"),
            ToolMode::Surrogate,
        ),
    ];
    assert_modes(&cases, &Policy::default());
}

#[test]
fn golden_7_connector_publish_post_reply_is_surrogate() {
    let cases = [
        (
            tool("slack", "post_message", "Post a message to a channel."),
            ToolMode::Surrogate,
        ),
        (
            tool("slack", "reply_to_thread", "Reply to a thread."),
            ToolMode::Surrogate,
        ),
        (
            tool("wordpress", "publish_post", "Publish a blog post."),
            ToolMode::Surrogate,
        ),
        (
            tool("github", "add_issue_comment", "Add a comment to an issue."),
            ToolMode::Surrogate,
        ),
        (
            tool(
                "github",
                "create_pull_request",
                "Create a new pull request.",
            ),
            ToolMode::Surrogate,
        ),
        (
            tool("x", "shareLink", "Share a link with followers."),
            ToolMode::Surrogate,
        ),
        (
            tool("微博", "发布微博", "发布一条微博"),
            ToolMode::Surrogate,
        ),
        (
            tool("論壇", "回覆貼文", "回覆一則貼文"),
            ToolMode::Surrogate,
        ),
    ];
    assert_modes(&cases, &Policy::default());
}

#[test]
fn golden_8_delete_remove_destroy_is_blocked() {
    let cases = [
        (
            tool("gmail", "delete_email", "Permanently deletes an email"),
            ToolMode::Blocked,
        ),
        (
            tool(
                "gmail",
                "batch_delete_emails",
                "Permanently deletes multiple emails",
            ),
            ToolMode::Blocked,
        ),
        (
            tool("slack", "remove_reaction", "Remove a reaction."),
            ToolMode::Blocked,
        ),
        (
            tool("aws", "destroyInstance", "Destroy an instance."),
            ToolMode::Blocked,
        ),
        (
            tool("postgres", "drop-table", "Drop a table."),
            ToolMode::Blocked,
        ),
        (
            tool("s3", "purge_bucket", "Purge a bucket."),
            ToolMode::Blocked,
        ),
        (
            tool("disk", "wipe_volume", "Wipe a volume."),
            ToolMode::Blocked,
        ),
        (tool("文件", "删除文件", "删除一个文件"), ToolMode::Blocked),
        (tool("檔案", "刪除檔案", "刪除一個檔案"), ToolMode::Blocked),
        // Even with a read-only annotation, and even in a workspace toolset.
        (
            annotated(
                tool("filesystem", "delete_file", "Delete a file."),
                true,
                false,
                false,
            ),
            ToolMode::Blocked,
        ),
    ];
    assert_modes(&cases, &Policy::default());
    assert_modes(
        &cases,
        &Policy::from_toml(r#"workspace_toolsets = ["filesystem", "文件", "檔案"]"#).unwrap(),
    );
}

#[test]
fn golden_9_permission_credential_payment_action_is_blocked() {
    let cases = [
        (
            tool(
                "github",
                "add_collaborator",
                "Add a collaborator to a repository.",
            ),
            ToolMode::Blocked,
        ),
        (
            tool(
                "drive",
                "share_permission",
                "Share a file with edit permission.",
            ),
            ToolMode::Blocked,
        ),
        (
            tool(
                "drive",
                "updatePermissions",
                "Change who can access a file.",
            ),
            ToolMode::Blocked,
        ),
        (
            tool("iam", "grant_role", "Grant a role."),
            ToolMode::Blocked,
        ),
        (
            tool("shell", "chmod", "Change file mode bits."),
            ToolMode::Blocked,
        ),
        (
            tool("vault", "get_secret", "Read a secret."),
            ToolMode::Blocked,
        ),
        (
            tool("github", "create_api_key", "Create an API key."),
            ToolMode::Blocked,
        ),
        (
            tool("auth", "reset_password", "Reset a user's password."),
            ToolMode::Blocked,
        ),
        (
            tool("stripe", "create_refund", "Refund a charge."),
            ToolMode::Blocked,
        ),
        (
            tool("bank", "transfer_funds", "Transfer money between accounts."),
            ToolMode::Blocked,
        ),
        (
            tool("shop", "purchase_item", "Buy an item."),
            ToolMode::Blocked,
        ),
        (
            tool(
                "retail",
                "modify_pending_order_payment",
                "Modify the payment method of a pending order.",
            ),
            ToolMode::Blocked,
        ),
        (tool("支付", "支付订单", "支付一个订单"), ToolMode::Blocked),
        (tool("銀行", "轉帳", "轉帳到另一個帳戶"), ToolMode::Blocked),
        (tool("账户", "修改密码", "修改用户密码"), ToolMode::Blocked),
        (
            tool("帳戶", "設定權限", "設定使用者權限"),
            ToolMode::Blocked,
        ),
    ];
    assert_modes(&cases, &Policy::default());
}
