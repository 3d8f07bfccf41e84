//! The LLM surrogate against the scripted provider server (real loopback HTTP, real
//! `Provider`): recorded results win, an LLM answer is used when it is JSON of the right shape,
//! anything else falls back to a schema-valid stub with a reason naming why.

use serde_json::{Value, json};
use skillgate_core::{RecordedToolCall, ToolMode};
use skillgate_providers::{Provider, ProviderConfig, ProviderKind};
use skillgate_scripted_llm::{Script, ScriptedServer, Step};
use skillgate_tools::{LlmSurrogate, Policy, ReplayTools, ToolLayerConfig};
use std::path::PathBuf;
use std::time::Duration;

fn email_args() -> Value {
    json!({"to": ["boss@example.com"], "subject": "Q3 report", "body": "Attached."})
}

async fn tools(recorded: &[RecordedToolCall], server: Option<&ScriptedServer>) -> ReplayTools {
    let mut cfg = ToolLayerConfig::new(Policy::default());
    cfg.protected_paths = Vec::new();
    cfg.bwrap_path = Some(PathBuf::from("/nonexistent/bwrap"));
    let t = ReplayTools::new(cfg, &[], recorded).await.unwrap();
    match server {
        None => t,
        Some(s) => {
            let p = Provider::new(ProviderConfig::new(
                ProviderKind::OpenAi,
                s.openai_base_url(),
                "m",
            ))
            .unwrap();
            t.with_surrogate_provider(p)
        }
    }
}

async fn server(answer: &str) -> ScriptedServer {
    skillgate_scripted_llm::start(Script::sequence(vec![Step::text(answer)]))
        .await
        .unwrap()
}

#[tokio::test]
async fn unrecorded_call_with_provider_answering_json_returns_the_llm_result() {
    let s = server("```json\n{\"message_id\": \"msg-42\", \"status\": \"queued\"}\n```").await;
    let t = tools(&[], Some(&s)).await;
    let o = t.call("send_email", &email_args()).await;
    assert_eq!(o.mode, ToolMode::Surrogate, "{o:#?}");
    assert_eq!(
        o.result,
        json!({"message_id": "msg-42", "status": "queued"})
    );
    assert!(!o.is_error);
    assert!(
        o.reason.contains("simulated by the LLM surrogate"),
        "{}",
        o.reason
    );
    assert_eq!(
        o.side_effect.as_deref(),
        Some("email to boss@example.com, subject 'Q3 report'")
    );
    let reqs = s.requests_seen();
    assert_eq!(reqs.len(), 1);
    let body = &reqs[0].body;
    assert_eq!(body["temperature"], json!(0.0));
    let sys = body["messages"][0]["content"].as_str().unwrap();
    assert!(
        sys.starts_with("You simulate the result of a tool call"),
        "{sys}"
    );
    assert!(sys.contains("send_email"), "{sys}");
    let user = body["messages"][1]["content"].as_str().unwrap();
    assert!(user.contains("boss@example.com"), "{user}");
}

#[tokio::test]
async fn provider_answering_prose_falls_back_to_stub_naming_the_failure() {
    let s = server("Sure! The email has been sent to your boss.").await;
    let t = tools(&[], Some(&s)).await;
    let o = t.call("send_email", &email_args()).await;
    assert_eq!(o.result["status"], "ok", "{o:#?}");
    assert!(
        o.result["message_id"]
            .as_str()
            .unwrap()
            .starts_with("surrogate-")
    );
    assert!(o.reason.contains("LLM surrogate failed"), "{}", o.reason);
    assert!(o.reason.contains("holds no JSON value"), "{}", o.reason);
    assert!(o.reason.contains("schema-valid stub"), "{}", o.reason);
    assert!(o.side_effect.is_some());
    assert_eq!(s.request_count(), 1);
}

#[tokio::test]
async fn json_missing_required_result_members_falls_back_to_stub() {
    let s = server("{\"ok\": true}").await;
    let t = tools(&[], Some(&s)).await;
    let o = t.call("send_email", &email_args()).await;
    assert_eq!(o.result["status"], "ok", "{o:#?}");
    assert!(o.reason.contains("message_id"), "{}", o.reason);
    assert!(o.reason.contains("schema-valid stub"), "{}", o.reason);
}

#[tokio::test]
async fn provider_error_falls_back_to_stub_naming_the_provider_failure() {
    let s = skillgate_scripted_llm::start(Script::sequence(vec![Step::status(400)]))
        .await
        .unwrap();
    let t = tools(&[], Some(&s)).await;
    let o = t.call("send_email", &email_args()).await;
    assert_eq!(o.result["status"], "ok", "{o:#?}");
    assert!(
        o.reason.contains("LLM surrogate failed: provider"),
        "{}",
        o.reason
    );
}

#[tokio::test]
async fn recorded_match_wins_and_the_provider_gets_no_request() {
    let s = server("{\"message_id\": \"from-llm\", \"status\": \"sent\"}").await;
    let rec = RecordedToolCall {
        name: "send_email".into(),
        toolset: None,
        arguments: email_args(),
        result: json!({"message_id": "recorded-1", "status": "sent"}),
        started_at: None,
    };
    let t = tools(&[rec], Some(&s)).await;
    let o = t.call("send_email", &email_args()).await;
    assert_eq!(
        o.result,
        json!({"message_id": "recorded-1", "status": "sent"})
    );
    assert!(
        o.reason.contains("result from the recorded Run"),
        "{}",
        o.reason
    );
    assert!(o.side_effect.is_some());
    assert_eq!(s.request_count(), 0);
}

#[tokio::test]
async fn without_provider_the_stub_reason_is_unchanged() {
    let t = tools(&[], None).await;
    let o = t.call("send_email", &email_args()).await;
    assert_eq!(o.result["status"], "ok", "{o:#?}");
    assert!(
        o.reason.ends_with(
            "; no recorded result, LLM surrogate not supported yet, so a schema-valid stub"
        ),
        "{}",
        o.reason
    );
    assert!(o.side_effect.is_some());
}

#[tokio::test]
async fn slow_provider_times_out_and_falls_back_to_stub() {
    let s = skillgate_scripted_llm::start(Script::sequence(vec![
        Step::text("{\"message_id\": \"late\", \"status\": \"sent\"}").with_delay_ms(5_000),
    ]))
    .await
    .unwrap();
    let mut cfg = ToolLayerConfig::new(Policy::default());
    cfg.protected_paths = Vec::new();
    cfg.bwrap_path = Some(PathBuf::from("/nonexistent/bwrap"));
    let p = Provider::new(ProviderConfig::new(
        ProviderKind::OpenAi,
        s.openai_base_url(),
        "m",
    ))
    .unwrap();
    let t = ReplayTools::new(cfg, &[], &[])
        .await
        .unwrap()
        .with_llm_surrogate(LlmSurrogate::new(p).with_timeout(Duration::from_millis(200)));
    let o = t.call("send_email", &email_args()).await;
    assert_eq!(o.result["status"], "ok", "{o:#?}");
    assert!(
        o.reason.contains("did not answer within 200 ms"),
        "{}",
        o.reason
    );
    assert!(o.duration_ms < 4_000, "{}", o.duration_ms);
}
