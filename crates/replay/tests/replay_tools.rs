//! The agent loop with the product tool layer (`skillgate_tools::ReplayTools`) and the real
//! provider over HTTP to the scripted server: modes, reasons and side effects reach the
//! transcript, and the replay workspace holds what the agent wrote.

use serde_json::json;
use skillgate_core::{Locale, ToolMode};
use skillgate_providers::{Provider, ProviderConfig, ProviderKind};
use skillgate_replay::{
    SkillLoading, StopReason, ToolCallKind, TrialInput, TrialLimits, run_trial,
};
use skillgate_scripted_llm::{Script, Step, start};
use skillgate_tools::{Policy, ReplayTools, SandboxLimits, ToolLayerConfig};

#[tokio::test]
async fn replay_tools_modes_and_side_effects_reach_the_transcript() {
    let server = start(Script::sequence(vec![
        Step::tool_call("read_file", json!({"path": "data.csv"})),
        Step::tool_call(
            "write_file",
            json!({"path": "summary.txt", "content": "2 rows"}),
        ),
        Step::tool_call(
            "send_email",
            json!({"to": ["boss@example.com"], "subject": "Rows", "body": "2 rows"}),
        ),
        Step::tool_call("delete_file", json!({"path": "data.csv"})),
        Step::text("Done: 2 rows, emailed."),
    ]))
    .await
    .unwrap();
    let provider = Provider::new(ProviderConfig::new(
        ProviderKind::OpenAi,
        server.openai_base_url(),
        "m",
    ))
    .unwrap();
    let cfg = ToolLayerConfig {
        policy: Policy::default(),
        protected_paths: Vec::new(),
        limits: SandboxLimits::default(),
        extra_tools: Vec::new(),
        bwrap_path: None,
    };
    let files = vec![("data.csv".to_string(), b"a,b\n1,2\n3,4\n".to_vec())];
    let tools = ReplayTools::new(cfg, &files, &[]).await.unwrap();
    let input = TrialInput {
        task: "Count the rows of data.csv, save a summary and email it to my boss.".into(),
        locale: Locale::En,
        skill: None,
        loading: SkillLoading::Progressive,
        seed: 1,
        temperature: 0.0,
    };
    let t = run_trial(&provider, &tools, &input, &TrialLimits::default()).await;

    assert_eq!(t.stop, StopReason::FinalAnswer, "{:?}", t.errors);
    let modes: Vec<Option<ToolMode>> = t.tool_calls.iter().map(|c| c.mode).collect();
    assert_eq!(
        modes,
        vec![
            Some(ToolMode::Executed),
            Some(ToolMode::Executed),
            Some(ToolMode::Surrogate),
            Some(ToolMode::Blocked)
        ]
    );
    assert!(
        t.tool_calls
            .iter()
            .all(|c| c.kind == ToolCallKind::Dispatched)
    );
    assert!(
        t.tool_calls
            .iter()
            .all(|c| c.rule.is_some() && !c.reason.is_empty())
    );
    assert!(
        t.tool_calls[0].result.to_string().contains("1,2"),
        "{}",
        t.tool_calls[0].result
    );
    assert!(
        t.tool_calls[2].side_effect.is_some(),
        "{:?}",
        t.tool_calls[2]
    );
    assert!(t.tool_calls[3].is_error);
    // The write landed in the replay workspace; the blocked delete did not run.
    let ws = tools.workspace_dir();
    assert_eq!(
        std::fs::read_to_string(ws.join("summary.txt")).unwrap(),
        "2 rows"
    );
    assert!(ws.join("data.csv").exists());
}

#[tokio::test]
async fn case_trial_replays_a_run_with_recorded_surrogate_results() {
    let email = json!({"to": ["ops@example.com"], "subject": "Daily", "body": "All green"});
    let run: skillgate_core::Run = serde_json::from_value(json!({
        "id": "run-42", "tenant": "acme", "locale": "zh-TW",
        "task": "Email the daily status to ops.",
        "tool_calls": [{"name": "send_email", "arguments": email, "result": {"id": "msg-RECORDED-7", "status": "sent"}}],
        "final_answer": "Sent.", "accepted": true
    }))
    .unwrap();
    let server = start(Script::sequence(vec![
        Step::tool_call("load_skill", json!({"name": "daily-status"})),
        Step::tool_call("send_email", email.clone()),
        Step::text("已寄出。"),
    ]))
    .await
    .unwrap();
    let provider = Provider::new(ProviderConfig::new(
        ProviderKind::Anthropic,
        server.anthropic_base_url(),
        "m",
    ))
    .unwrap();
    let cfg = ToolLayerConfig {
        policy: Policy::default(),
        protected_paths: Vec::new(),
        limits: SandboxLimits::default(),
        extra_tools: Vec::new(),
        bwrap_path: None,
    };
    let skill = skillgate_replay::SkillContext::from_skill_md(
        "---\nname: daily-status\ndescription: Sends the daily status email.\n---\n# How\nSend it to ops.\n",
        "daily-status/SKILL.md",
    )
    .unwrap();
    let settings = skillgate_replay::TrialSettings::default();
    let case = skillgate_replay::run_case_trial(
        &provider,
        cfg,
        &[],
        &run,
        skillgate_core::Arm::Candidate,
        0,
        Some(skill),
        &settings,
        &TrialLimits::default(),
    )
    .await
    .unwrap();
    let t = &case.transcript;
    assert_eq!(t.stop, StopReason::FinalAnswer, "{:?}", t.errors);
    assert_eq!(t.locale, Locale::ZhTw);
    assert!(t.skill_loaded);
    let email_call = &t.tool_calls[1];
    assert_eq!(email_call.mode, Some(ToolMode::Surrogate));
    assert!(
        email_call.result.to_string().contains("msg-RECORDED-7"),
        "{:?}",
        email_call
    );
    assert!(email_call.side_effect.is_some());
    assert!(
        server.requests_seen()[0]
            .body
            .to_string()
            .contains("請用繁體中文回答。")
    );
}
