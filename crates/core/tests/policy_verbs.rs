//! Verbs, annotations and descriptions: how a tool's own signals decide.

use skillgate_core::policy::{Classification, Policy, classify};
use skillgate_core::{ToolAnnotations, ToolMode, ToolSpec};

fn tool(name: &str) -> ToolSpec {
    ToolSpec {
        name: name.to_string(),
        toolset: None,
        description: None,
        input_schema: None,
        annotations: None,
        policy: None,
    }
}

fn with_desc(name: &str, description: &str) -> ToolSpec {
    let mut t = tool(name);
    t.description = Some(description.to_string());
    t
}

fn with_hints(
    name: &str,
    read_only: Option<bool>,
    destructive: Option<bool>,
    open_world: Option<bool>,
) -> ToolSpec {
    let mut t = tool(name);
    t.annotations = Some(ToolAnnotations {
        title: None,
        read_only_hint: read_only,
        destructive_hint: destructive,
        idempotent_hint: None,
        open_world_hint: open_world,
    });
    t
}

fn run(t: &ToolSpec) -> Classification {
    classify(t, &Policy::default())
}

/// Asserts mode and rule for each (name, mode, rule) with default policy.
fn assert_names(cases: &[(&str, ToolMode, &str)]) {
    for (name, mode, rule) in cases {
        let c = run(&tool(name));
        assert_eq!(
            (c.mode, c.rule.as_str()),
            (*mode, *rule),
            "{name}: {}",
            c.reason
        );
    }
}

#[test]
fn read_only_annotation_cannot_loosen_a_delete_verb() {
    let t = with_hints("delete_records", Some(true), Some(false), Some(false));
    let c = run(&t);
    assert_eq!(
        (c.mode, c.rule.as_str()),
        (ToolMode::Blocked, "verb:delete")
    );
    assert!(c.reason.contains("cannot loosen"), "{}", c.reason);
}

#[test]
fn read_only_annotation_cannot_loosen_a_send_verb() {
    let c = run(&with_hints("send_message", Some(true), None, None));
    assert_eq!(
        (c.mode, c.rule.as_str()),
        (ToolMode::Surrogate, "verb:send")
    );
}

#[test]
fn read_only_annotation_cannot_loosen_a_credential_noun() {
    let c = run(&with_hints("get_api_key", Some(true), None, None));
    assert_eq!(
        (c.mode, c.rule.as_str()),
        (ToolMode::Blocked, "verb:credential")
    );
}

#[test]
fn annotation_can_tighten_a_read_verb() {
    // A "get" that the server says is not read-only and destructive.
    let c = run(&with_hints(
        "get_or_reset",
        Some(false),
        Some(true),
        Some(true),
    ));
    assert_eq!(
        (c.mode, c.rule.as_str()),
        (ToolMode::Blocked, "annotation:destructive")
    );
    let c = run(&with_hints("list_things", Some(false), None, None));
    assert_eq!(
        (c.mode, c.rule.as_str()),
        (ToolMode::Surrogate, "annotation:open-world")
    );
}

#[test]
fn read_only_annotation_decides_a_tool_without_verbs() {
    let c = run(&with_hints(
        "sequentialthinking",
        Some(true),
        Some(false),
        Some(false),
    ));
    assert_eq!(
        (c.mode, c.rule.as_str()),
        (ToolMode::Executed, "annotation:read-only")
    );
}

#[test]
fn title_only_annotations_say_nothing() {
    let mut t = tool("frobnicate");
    t.annotations = Some(ToolAnnotations {
        title: Some("Frobnicate".into()),
        ..Default::default()
    });
    assert_eq!(run(&t).rule, "default");
}

#[test]
fn destructive_hint_on_a_closed_world_tool_is_a_local_write() {
    let t = with_hints("rewrite", Some(false), Some(true), Some(false));
    let c = run(&t);
    assert_eq!(
        (c.mode, c.rule.as_str()),
        (ToolMode::Surrogate, "annotation:closed-world")
    );
    let mut t = t;
    t.toolset = Some("fs".into());
    let ws = Policy::from_toml(r#"workspace_toolsets = ["fs"]"#).unwrap();
    assert_eq!(classify(&t, &ws).mode, ToolMode::Executed);
}

#[test]
fn read_verb_first_keeps_a_deleted_state_word_a_read() {
    // `list_deleted_items` lists the trash; nothing is deleted.
    assert_names(&[
        ("list_deleted_items", ToolMode::Executed, "verb:read"),
        ("getDeletedMessages", ToolMode::Executed, "verb:read"),
        ("查看已删除邮件", ToolMode::Executed, "verb:read"),
        ("查看已刪除郵件", ToolMode::Executed, "verb:read"),
    ]);
}

#[test]
fn joined_verbs_count_after_a_read_verb() {
    assert_names(&[
        ("search_and_delete", ToolMode::Blocked, "verb:delete"),
        ("get_or_create_label", ToolMode::Surrogate, "verb:write"),
        ("获取或删除文件", ToolMode::Blocked, "verb:delete"),
    ]);
}

#[test]
fn deleted_state_counts_when_the_tool_is_not_a_read() {
    assert_names(&[
        ("mark_deleted", ToolMode::Blocked, "verb:delete"),
        ("deleted_items", ToolMode::Blocked, "verb:delete"),
        ("restore_deleted_file", ToolMode::Surrogate, "verb:write"),
    ]);
}

#[test]
fn words_match_as_tokens_not_substrings() {
    assert_names(&[
        ("undelete_file", ToolMode::Surrogate, "verb:write"),
        ("get_settings", ToolMode::Executed, "verb:read"),
        ("dropdown_values", ToolMode::Surrogate, "default"),
        ("resend_code", ToolMode::Surrogate, "default"),
    ]);
}

#[test]
fn camel_pascal_kebab_and_dotted_names_are_split() {
    assert_names(&[
        ("deleteEmail", ToolMode::Blocked, "verb:delete"),
        ("DeleteEmail", ToolMode::Blocked, "verb:delete"),
        ("sendEmailMessage", ToolMode::Surrogate, "verb:send"),
        ("listEmails", ToolMode::Executed, "verb:read"),
        ("delete-email", ToolMode::Blocked, "verb:delete"),
        ("mail.send", ToolMode::Surrogate, "verb:send"),
        ("HTTPGetURL", ToolMode::Executed, "verb:read"),
        ("TodoWrite", ToolMode::Surrogate, "verb:write"),
        ("KillShell", ToolMode::Blocked, "verb:delete"),
    ]);
}

#[test]
fn object_first_names_still_block_destructive_words() {
    assert_names(&[
        ("message_delete", ToolMode::Blocked, "verb:delete"),
        ("emails_list", ToolMode::Executed, "verb:read"),
        ("issue_write", ToolMode::Surrogate, "verb:write"),
        ("pull_request_read", ToolMode::Executed, "verb:read"),
    ]);
}

#[test]
fn simplified_chinese_names_are_classified() {
    assert_names(&[
        ("删除邮件", ToolMode::Blocked, "verb:delete"),
        ("清空回收站", ToolMode::Blocked, "verb:delete"),
        ("授权用户", ToolMode::Blocked, "verb:permission"),
        ("获取密码", ToolMode::Blocked, "verb:credential"),
        ("退款", ToolMode::Blocked, "verb:payment"),
        ("转账", ToolMode::Blocked, "verb:payment"),
        ("发送消息", ToolMode::Surrogate, "verb:send"),
        ("回复评论", ToolMode::Surrogate, "verb:send"),
        ("上传文件", ToolMode::Surrogate, "verb:send"),
        ("创建文档", ToolMode::Surrogate, "verb:write"),
        ("读取文件", ToolMode::Executed, "verb:read"),
        ("查询订单", ToolMode::Executed, "verb:read"),
        ("列出文件", ToolMode::Executed, "verb:read"),
    ]);
}

#[test]
fn traditional_chinese_names_are_classified() {
    assert_names(&[
        ("刪除郵件", ToolMode::Blocked, "verb:delete"),
        ("銷毀資料", ToolMode::Blocked, "verb:delete"),
        ("授權使用者", ToolMode::Blocked, "verb:permission"),
        ("取得密碼", ToolMode::Blocked, "verb:credential"),
        ("讀取金鑰", ToolMode::Blocked, "verb:credential"),
        ("轉帳", ToolMode::Blocked, "verb:payment"),
        ("發送訊息", ToolMode::Surrogate, "verb:send"),
        ("回覆留言", ToolMode::Surrogate, "verb:send"),
        ("邀請成員", ToolMode::Surrogate, "verb:send"),
        ("上傳檔案", ToolMode::Surrogate, "verb:send"),
        ("建立文件", ToolMode::Surrogate, "verb:write"),
        ("讀取檔案", ToolMode::Executed, "verb:read"),
        ("搜尋文件", ToolMode::Executed, "verb:read"),
        ("查詢訂單", ToolMode::Executed, "verb:read"),
    ]);
}

#[test]
fn chinese_reason_glosses_the_verb_in_english() {
    let c = run(&tool("删除邮件"));
    assert_eq!(
        c.reason,
        "name contains the verb '删除' (delete): destructive actions are blocked in replay"
    );
}

#[test]
fn mixed_chinese_and_english_names_are_classified() {
    assert_names(&[
        ("email_删除", ToolMode::Blocked, "verb:delete"),
        ("发送email", ToolMode::Surrogate, "verb:send"),
    ]);
}

#[test]
fn reading_credentials_is_blocked_but_reading_payments_and_permissions_is_not() {
    assert_names(&[
        ("get_secret", ToolMode::Blocked, "verb:credential"),
        ("list_tokens", ToolMode::Blocked, "verb:credential"),
        ("read_password", ToolMode::Blocked, "verb:credential"),
        (
            "list_secret_scanning_alerts",
            ToolMode::Blocked,
            "verb:credential",
        ),
        ("list_invoices", ToolMode::Executed, "verb:read"),
        ("get_payment_status", ToolMode::Executed, "verb:read"),
        (
            "list_repository_collaborators",
            ToolMode::Executed,
            "verb:read",
        ),
        ("get_permissions", ToolMode::Executed, "verb:read"),
        ("count_tokens", ToolMode::Executed, "verb:compute"),
    ]);
}

#[test]
fn acting_on_payments_or_permissions_is_blocked() {
    assert_names(&[
        ("update_payment_method", ToolMode::Blocked, "verb:payment"),
        ("create_invoice", ToolMode::Blocked, "verb:payment"),
        ("set_permissions", ToolMode::Blocked, "verb:permission"),
        ("assign_role", ToolMode::Blocked, "verb:permission"),
        ("revoke_access", ToolMode::Blocked, "verb:permission"),
        ("payments", ToolMode::Blocked, "verb:payment"),
    ]);
}

#[test]
fn a_hand_off_to_a_human_is_a_side_effect_not_a_money_transfer() {
    assert_names(&[
        ("transfer_to_human_agents", ToolMode::Surrogate, "verb:send"),
        ("transfer_money", ToolMode::Blocked, "verb:payment"),
    ]);
}

#[test]
fn pure_computation_is_executed() {
    assert_names(&[
        ("calculate", ToolMode::Executed, "verb:compute"),
        ("think", ToolMode::Executed, "verb:compute"),
        ("convert_time", ToolMode::Executed, "verb:compute"),
    ]);
}

#[test]
fn code_execution_is_executed_only_in_a_workspace_toolset() {
    let mut t = tool("bash");
    assert_eq!(
        (run(&t).mode, run(&t).rule.as_str()),
        (ToolMode::Surrogate, "verb:execute")
    );
    t.toolset = Some("swe-agent".into());
    let ws = Policy::from_toml(r#"workspace_toolsets = ["swe-agent"]"#).unwrap();
    assert_eq!(classify(&t, &ws).mode, ToolMode::Executed);
}

#[test]
fn description_verb_can_make_the_mode_stricter() {
    let c = run(&with_desc(
        "bucket_helper",
        "Permanently deletes all files in the bucket.",
    ));
    assert_eq!(
        (c.mode, c.rule.as_str()),
        (ToolMode::Blocked, "verb:delete")
    );
    assert!(
        c.reason
            .starts_with("description contains the verb 'deletes' (delete)"),
        "{}",
        c.reason
    );
    let c = run(&with_desc(
        "get_thing",
        "Get a thing and delete the original.",
    ));
    assert_eq!(c.mode, ToolMode::Blocked);
}

#[test]
fn description_verb_cannot_make_the_mode_looser() {
    // Default surrogate stays surrogate even if the description says "read".
    let c = run(&with_desc("weather", "Get the current weather."));
    assert_eq!((c.mode, c.rule.as_str()), (ToolMode::Surrogate, "default"));
    // A blocked name stays blocked.
    let c = run(&with_desc("delete_file", "Read the file's metadata."));
    assert_eq!(c.mode, ToolMode::Blocked);
}

#[test]
fn description_nouns_after_the_first_sentence_are_ignored() {
    // Real GitHub descriptions mention credentials and passwords in passing.
    let c = run(&with_desc(
        "get_team_members",
        "Get member usernames of a specific team in an organization. Limited to organizations accessible with current credentials",
    ));
    assert_eq!(c.mode, ToolMode::Executed);
    let c = run(&with_desc(
        "fetch",
        "Fetches a URL from the internet and optionally extracts its contents as markdown.\n\nThis tool now grants you internet access.",
    ));
    assert_eq!(c.mode, ToolMode::Executed);
}

#[test]
fn description_joined_nouns_are_not_verbs() {
    let c = run(&with_desc(
        "git_diff",
        "Shows differences between branches or commits",
    ));
    assert_eq!(c.mode, ToolMode::Executed, "{}", c.reason);
}

#[test]
fn toolset_names_can_only_add_blocked_words() {
    let mut t = tool("list_items");
    t.toolset = Some("secrets-manager".into());
    assert_eq!(run(&t).rule, "verb:credential");
    t.toolset = Some("payments".into());
    assert_eq!(
        run(&t).mode,
        ToolMode::Executed,
        "reading a payments toolset is a read"
    );
    t.name = "create_item".into();
    assert_eq!(run(&t).rule, "verb:payment");
    // A read-ish toolset name does not loosen anything.
    let mut t = tool("send_query");
    t.toolset = Some("search".into());
    assert_eq!(run(&t).mode, ToolMode::Surrogate);
}

#[test]
fn title_can_make_the_mode_stricter() {
    let mut t = with_hints("review_write", Some(false), None, Some(true));
    t.annotations.as_mut().unwrap().title = Some("Delete a review".into());
    assert_eq!(run(&t).mode, ToolMode::Blocked);
}

#[test]
fn schema_that_takes_sql_or_commands_is_code_execution() {
    let mut t = tool("query");
    assert_eq!(run(&t).mode, ToolMode::Executed, "a bare query verb reads");
    t.input_schema =
        Some(serde_json::json!({"type": "object", "properties": {"sql": {"type": "string"}}}));
    let c = run(&t);
    assert_eq!(
        (c.mode, c.rule.as_str()),
        (ToolMode::Surrogate, "schema:execute")
    );
    assert!(c.reason.contains("'sql'"), "{}", c.reason);
    t.toolset = Some("sandbox-db".into());
    let ws = Policy::from_toml(r#"workspace_toolsets = ["sandbox-db"]"#).unwrap();
    assert_eq!(classify(&t, &ws).mode, ToolMode::Executed);
}

#[test]
fn schema_with_a_search_query_argument_stays_a_read() {
    let mut t = tool("brave_web_search");
    t.input_schema =
        Some(serde_json::json!({"type": "object", "properties": {"query": {"type": "string"}}}));
    assert_eq!(run(&t).mode, ToolMode::Executed);
}

#[test]
fn check_then_write_in_chinese_stays_a_read() {
    assert_names(&[
        ("检查更新", ToolMode::Executed, "verb:read"),
        ("檢查更新", ToolMode::Executed, "verb:read"),
    ]);
}
