//! The agent loop against the scripted LLM server over real HTTP, through the real
//! `skillgate_providers::Provider`.

use serde_json::{Value, json};
use skillgate_core::{Locale, ToolMode};
use skillgate_providers::{Provider, ProviderConfig, ProviderKind};
use skillgate_replay::{
    InMemoryTools, SkillContext, SkillLoading, StopReason, ToolCallKind, ToolExecutor, ToolOutcome,
    TranscriptMessage, TrialInput, TrialLimits, TrialTranscript, run_trial,
};
use skillgate_scripted_llm::{AfterEnd, Script, ScriptedServer, ScriptedToolCall, Step, start};
use std::time::Duration;

const BODY_MARKER: &str = "ALWAYS-CITE-THE-ROW-COUNT";

fn skill() -> SkillContext {
    SkillContext {
        name: "csv-summary".into(),
        description: "Summarises CSV files. Use when asked about a CSV.".into(),
        body: format!("# Steps\n1. Read the file.\n2. {BODY_MARKER}."),
    }
}

fn input(skill: Option<SkillContext>, loading: SkillLoading) -> TrialInput {
    TrialInput {
        task: "How many rows does data.csv have?".into(),
        locale: Locale::En,
        skill,
        loading,
        seed: 7,
        temperature: 0.0,
    }
}

fn tools() -> InMemoryTools {
    InMemoryTools::new([("data.csv", "a,b\n1,2\n3,4\n"), ("notes.txt", "hello")])
}

fn config(server: &ScriptedServer, kind: ProviderKind) -> ProviderConfig {
    let base = match kind {
        ProviderKind::OpenAi => server.openai_base_url(),
        ProviderKind::Anthropic => server.anthropic_base_url(),
    };
    let mut cfg = ProviderConfig::new(kind, base, "scripted-model");
    cfg.max_retries = 2;
    cfg.retry_base_delay = Duration::from_millis(1);
    cfg.retry_max_delay = Duration::from_millis(5);
    cfg.timeout = Duration::from_secs(10);
    cfg
}

fn provider(server: &ScriptedServer, kind: ProviderKind) -> Provider {
    Provider::new(config(server, kind)).unwrap()
}

async fn serve(steps: Vec<Step>) -> ScriptedServer {
    start(Script::sequence(steps)).await.unwrap()
}

/// The JSON text of every request body the server saw.
fn bodies(server: &ScriptedServer) -> Vec<String> {
    server
        .requests_seen()
        .iter()
        .map(|r| r.body.to_string())
        .collect()
}

fn tool_results(t: &TrialTranscript) -> Vec<(&str, &str, bool)> {
    t.messages
        .iter()
        .filter_map(|m| match m {
            TranscriptMessage::Tool {
                name,
                content,
                is_error,
                ..
            } => Some((name.as_str(), content.as_str(), *is_error)),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn multi_step_tool_loop_reaches_final_answer() {
    for kind in [ProviderKind::OpenAi, ProviderKind::Anthropic] {
        let server = serve(vec![
            Step::tool_call("list_files", json!({})).with_usage(100, 10),
            Step::tool_call("read_file", json!({"path": "data.csv"})).with_usage(120, 12),
            Step::text("data.csv has 2 rows.").with_usage(150, 8),
        ])
        .await;
        let t = run_trial(
            &provider(&server, kind),
            &tools(),
            &input(None, SkillLoading::Progressive),
            &TrialLimits::default(),
        )
        .await;

        assert_eq!(t.stop, StopReason::FinalAnswer, "{kind:?}: {:?}", t.errors);
        assert_eq!(t.final_answer.as_deref(), Some("data.csv has 2 rows."));
        assert_eq!(t.totals.steps, 3);
        assert_eq!(t.totals.input_tokens, 370);
        assert_eq!(t.totals.output_tokens, 30);
        assert_eq!(
            t.steps.iter().map(|s| s.input_tokens).collect::<Vec<_>>(),
            vec![100, 120, 150]
        );
        assert_eq!(t.tool_calls.len(), 2);
        for call in &t.tool_calls {
            assert_eq!(call.kind, ToolCallKind::Dispatched);
            assert_eq!(call.mode, Some(ToolMode::Executed));
            assert!(!call.is_error);
        }
        assert_eq!(t.tool_calls[1].arguments, json!({"path": "data.csv"}));
        assert_eq!(
            t.tool_calls[1].result,
            Value::String("a,b\n1,2\n3,4\n".into())
        );
        // The file's content went back to the model in the third request.
        let sent = bodies(&server);
        assert_eq!(sent.len(), 3);
        assert!(sent[2].contains("1,2"), "{kind:?}: {}", sent[2]);
        assert!(!sent[1].contains("1,2"));
        // Transcript: system, user, (assistant, tool) x2, assistant.
        assert!(matches!(t.messages[0], TranscriptMessage::System { .. }));
        assert!(matches!(t.messages[1], TranscriptMessage::User { .. }));
        assert_eq!(t.messages.len(), 7);
        assert!(!t.skill_loaded);
    }
}

#[tokio::test]
async fn text_only_answer_stops_after_one_step() {
    let server = serve(vec![Step::text("It has 2 rows.")]).await;
    let t = run_trial(
        &provider(&server, ProviderKind::OpenAi),
        &tools(),
        &input(None, SkillLoading::Progressive),
        &TrialLimits::default(),
    )
    .await;
    assert_eq!(t.stop, StopReason::FinalAnswer);
    assert_eq!(t.final_answer.as_deref(), Some("It has 2 rows."));
    assert_eq!(t.totals.steps, 1);
    assert!(t.tool_calls.is_empty());
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn progressive_loading_returns_body_when_model_calls_load_skill() {
    let server = serve(vec![
        Step::tool_call("load_skill", json!({"name": "csv-summary"})),
        Step::text("2 rows."),
    ])
    .await;
    let t = run_trial(
        &provider(&server, ProviderKind::Anthropic),
        &tools(),
        &input(Some(skill()), SkillLoading::Progressive),
        &TrialLimits::default(),
    )
    .await;
    assert_eq!(t.stop, StopReason::FinalAnswer, "{:?}", t.errors);
    assert!(t.skill_loaded);
    assert_eq!(t.tool_calls[0].kind, ToolCallKind::Builtin);
    let sent = bodies(&server);
    // The first request lists the skill and the load_skill tool but not the body.
    assert!(sent[0].contains("csv-summary") && sent[0].contains("load_skill"));
    assert!(!sent[0].contains(BODY_MARKER));
    // The body reached the model as the load_skill result.
    assert!(sent[1].contains(BODY_MARKER), "{}", sent[1]);
    assert_eq!(tool_results(&t)[0].0, "load_skill");
    assert!(tool_results(&t)[0].1.contains(BODY_MARKER));
}

#[tokio::test]
async fn progressive_loading_without_load_skill_call_leaves_skill_unloaded() {
    let server = serve(vec![Step::text("2 rows.")]).await;
    let t = run_trial(
        &provider(&server, ProviderKind::OpenAi),
        &tools(),
        &input(Some(skill()), SkillLoading::Progressive),
        &TrialLimits::default(),
    )
    .await;
    assert_eq!(t.stop, StopReason::FinalAnswer);
    assert!(!t.skill_loaded);
    assert_eq!(t.skill_name.as_deref(), Some("csv-summary"));
}

#[tokio::test]
async fn always_loading_injects_body_up_front_and_offers_no_load_skill() {
    let server = serve(vec![Step::text("2 rows.")]).await;
    let t = run_trial(
        &provider(&server, ProviderKind::OpenAi),
        &tools(),
        &input(Some(skill()), SkillLoading::Always),
        &TrialLimits::default(),
    )
    .await;
    assert_eq!(t.stop, StopReason::FinalAnswer);
    assert!(t.skill_loaded);
    let req = &server.requests_seen()[0].body;
    assert!(req.to_string().contains(BODY_MARKER));
    let tool_names: Vec<&str> = req["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["function"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(tool_names, vec!["read_file", "list_files"]);
}

#[tokio::test]
async fn load_skill_with_wrong_name_is_a_tool_error() {
    let server = serve(vec![
        Step::tool_call("load_skill", json!({"name": "other"})),
        Step::text("ok"),
    ])
    .await;
    let t = run_trial(
        &provider(&server, ProviderKind::OpenAi),
        &tools(),
        &input(Some(skill()), SkillLoading::Progressive),
        &TrialLimits::default(),
    )
    .await;
    assert!(!t.skill_loaded);
    assert_eq!(t.tool_calls[0].kind, ToolCallKind::Rejected);
    assert!(tool_results(&t)[0].1.contains("no skill named \"other\""));
    assert_eq!(t.stop, StopReason::FinalAnswer);
}

#[tokio::test]
async fn unknown_tool_goes_back_as_tool_error_and_loop_continues() {
    let server = serve(vec![
        Step::tool_call("delete_everything", json!({})),
        Step::tool_call("read_file", json!({"path": "notes.txt"})),
        Step::text("done"),
    ])
    .await;
    let t = run_trial(
        &provider(&server, ProviderKind::Anthropic),
        &tools(),
        &input(None, SkillLoading::Progressive),
        &TrialLimits::default(),
    )
    .await;
    assert_eq!(t.stop, StopReason::FinalAnswer);
    assert_eq!(t.totals.steps, 3);
    assert_eq!(t.tool_calls[0].kind, ToolCallKind::Rejected);
    assert!(t.tool_calls[0].is_error);
    assert_eq!(t.tool_calls[0].mode, None);
    let (_, content, is_error) = tool_results(&t)[0];
    assert!(is_error);
    assert!(
        content.contains("\"delete_everything\" does not exist"),
        "{content}"
    );
    assert!(content.contains("list_files, read_file"), "{content}");
    // The model saw the error.
    assert!(bodies(&server)[1].contains("does not exist"));
    assert_eq!(t.tool_calls[1].kind, ToolCallKind::Dispatched);
    assert_eq!(t.errors.len(), 1);
}

#[tokio::test]
async fn bad_json_arguments_go_back_as_tool_error() {
    let mut bad = Step::default();
    bad.tool_calls.push(ScriptedToolCall {
        id: Some("call_bad".into()),
        name: "read_file".into(),
        arguments: Value::String("{\"path\": ".into()),
    });
    let server = serve(vec![bad, Step::text("sorry")]).await;
    let t = run_trial(
        &provider(&server, ProviderKind::OpenAi),
        &tools(),
        &input(None, SkillLoading::Progressive),
        &TrialLimits::default(),
    )
    .await;
    assert_eq!(t.stop, StopReason::FinalAnswer);
    let call = &t.tool_calls[0];
    assert_eq!(call.kind, ToolCallKind::Rejected);
    assert_eq!(call.arguments, Value::String("{\"path\": ".into()));
    assert!(call.reason.contains("not valid JSON"), "{}", call.reason);
    assert!(bodies(&server)[1].contains("not valid JSON"));
}

#[tokio::test]
async fn arguments_not_matching_schema_go_back_as_tool_error() {
    let server = serve(vec![
        Step::tool_call("read_file", json!({"path": 42})),
        Step::text("sorry"),
    ])
    .await;
    let t = run_trial(
        &provider(&server, ProviderKind::OpenAi),
        &tools(),
        &input(None, SkillLoading::Progressive),
        &TrialLimits::default(),
    )
    .await;
    let call = &t.tool_calls[0];
    assert_eq!(call.kind, ToolCallKind::Rejected);
    assert!(
        call.reason
            .contains("arguments.path: expected string, got integer"),
        "{}",
        call.reason
    );
    assert_eq!(t.stop, StopReason::FinalAnswer);
}

#[tokio::test]
async fn step_limit_stops_a_model_that_never_answers() {
    let server = serve(vec![Step::tool_call("list_files", json!({}))]).await;
    let limits = TrialLimits {
        max_steps: 4,
        ..TrialLimits::default()
    };
    let t = run_trial(
        &provider(&server, ProviderKind::OpenAi),
        &tools(),
        &input(None, SkillLoading::Progressive),
        &limits,
    )
    .await;
    assert_eq!(t.stop, StopReason::StepLimit);
    assert_eq!(t.totals.steps, 4);
    assert_eq!(server.request_count(), 4);
    assert_eq!(t.tool_calls.len(), 4);
    assert_eq!(t.final_answer, None);
}

#[tokio::test]
async fn token_budget_stops_before_the_next_request() {
    let server = serve(vec![
        Step::tool_call("list_files", json!({})).with_usage(100, 50),
    ])
    .await;
    let limits = TrialLimits {
        token_budget: Some(250),
        ..TrialLimits::default()
    };
    let t = run_trial(
        &provider(&server, ProviderKind::OpenAi),
        &tools(),
        &input(None, SkillLoading::Progressive),
        &limits,
    )
    .await;
    assert_eq!(t.stop, StopReason::TokenBudget);
    assert_eq!(t.totals.steps, 2);
    assert_eq!(t.totals.input_tokens + t.totals.output_tokens, 300);
}

#[tokio::test]
async fn wall_time_limit_cuts_off_a_slow_provider() {
    let server = serve(vec![Step::text("late").with_delay_ms(3_000)]).await;
    let limits = TrialLimits {
        wall_time: Duration::from_millis(200),
        ..TrialLimits::default()
    };
    let started = std::time::Instant::now();
    let t = run_trial(
        &provider(&server, ProviderKind::OpenAi),
        &tools(),
        &input(None, SkillLoading::Progressive),
        &limits,
    )
    .await;
    assert_eq!(t.stop, StopReason::TimeLimit);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(t.final_answer, None);
}

#[tokio::test]
async fn provider_500_storm_stops_with_provider_error() {
    let mut script = Script::sequence(vec![Step::status(500)]);
    script.after_end = AfterEnd::RepeatLast;
    let server = start(script).await.unwrap();
    let t = run_trial(
        &provider(&server, ProviderKind::OpenAi),
        &tools(),
        &input(None, SkillLoading::Progressive),
        &TrialLimits::default(),
    )
    .await;
    let StopReason::ProviderError { message, .. } = &t.stop else {
        panic!("expected a provider error, got {:?}", t.stop);
    };
    assert!(message.contains("500"), "{message}");
    // One initial attempt plus two retries, then the trial stopped.
    assert_eq!(server.request_count(), 3);
    assert_eq!(t.totals.steps, 1);
    assert!(t.stop.is_error());
}

#[tokio::test]
async fn unreachable_provider_is_reported_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let mut cfg = ProviderConfig::new(
        ProviderKind::OpenAi,
        format!("http://127.0.0.1:{port}/v1"),
        "m",
    );
    cfg.max_retries = 1;
    cfg.retry_base_delay = Duration::from_millis(1);
    cfg.retry_max_delay = Duration::from_millis(2);
    let p = Provider::new(cfg).unwrap();
    let t = run_trial(
        &p,
        &tools(),
        &input(None, SkillLoading::Progressive),
        &TrialLimits::default(),
    )
    .await;
    assert!(t.stop.is_provider_unavailable(), "{:?}", t.stop);
    let StopReason::ProviderError {
        message,
        unavailable,
    } = &t.stop
    else {
        panic!("expected a provider error, got {:?}", t.stop);
    };
    assert!(*unavailable);
    assert!(message.contains(&port.to_string()), "{message}");
}

#[tokio::test]
async fn locale_prompt_reaches_the_provider() {
    let server = serve(vec![Step::text("2 行。")]).await;
    let mut i = input(None, SkillLoading::Progressive);
    i.locale = Locale::ZhCn;
    let t = run_trial(
        &provider(&server, ProviderKind::Anthropic),
        &tools(),
        &i,
        &TrialLimits::default(),
    )
    .await;
    assert_eq!(t.locale, Locale::ZhCn);
    assert!(bodies(&server)[0].contains("请用简体中文回答。"));
}

#[tokio::test]
async fn transcript_round_trips_through_json() {
    let server = serve(vec![
        Step::tool_call("read_file", json!({"path": "notes.txt"})),
        Step::text("hello"),
    ])
    .await;
    let t = run_trial(
        &provider(&server, ProviderKind::OpenAi),
        &tools(),
        &input(Some(skill()), SkillLoading::Progressive),
        &TrialLimits::default(),
    )
    .await;
    let text = serde_json::to_string(&t).unwrap();
    let back: TrialTranscript = serde_json::from_str(&text).unwrap();
    assert_eq!(back, t);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["stop"]["kind"], "final_answer");
    assert_eq!(v["tool_calls"][0]["mode"], "executed");
    assert_eq!(v["messages"][0]["role"], "system");
}

#[tokio::test]
async fn huge_wall_time_means_no_limit_not_a_panic() {
    let server = serve(vec![Step::text("fine")]).await;
    let limits = TrialLimits {
        wall_time: Duration::MAX,
        ..TrialLimits::default()
    };
    let t = run_trial(
        &provider(&server, ProviderKind::OpenAi),
        &tools(),
        &input(None, SkillLoading::Progressive),
        &limits,
    )
    .await;
    assert_eq!(t.stop, StopReason::FinalAnswer);
    assert_eq!(t.final_answer.as_deref(), Some("fine"));
}

#[tokio::test]
async fn parallel_tool_calls_in_one_response_all_get_results_in_order() {
    let mut both = Step::default();
    for (id, path) in [("c1", "data.csv"), ("c2", "notes.txt")] {
        both.tool_calls.push(ScriptedToolCall {
            id: Some(id.into()),
            name: "read_file".into(),
            arguments: json!({"path": path}),
        });
    }
    let server = serve(vec![both, Step::text("read both")]).await;
    let t = run_trial(
        &provider(&server, ProviderKind::OpenAi),
        &tools(),
        &input(None, SkillLoading::Progressive),
        &TrialLimits::default(),
    )
    .await;
    assert_eq!(t.stop, StopReason::FinalAnswer);
    assert_eq!(t.totals.steps, 2);
    assert_eq!(t.totals.tool_calls, 2);
    assert_eq!(t.steps[0].tool_calls, 2);
    let ids: Vec<&str> = t
        .messages
        .iter()
        .filter_map(|m| match m {
            TranscriptMessage::Tool { tool_call_id, .. } => Some(tool_call_id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(ids, vec!["c1", "c2"]);
    let second = &bodies(&server)[1];
    assert!(
        second.contains("1,2") && second.contains("hello"),
        "{second}"
    );
}

/// A tool layer whose every call takes `delay`: for the wall-time limit during a tool call.
struct SlowTools {
    inner: InMemoryTools,
    delay: Duration,
}

impl ToolExecutor for SlowTools {
    fn specs(&self) -> Vec<skillgate_core::ToolSpec> {
        self.inner.specs()
    }

    fn call(
        &self,
        name: &str,
        arguments: &Value,
    ) -> impl std::future::Future<Output = ToolOutcome> + Send {
        let call = self.inner.call(name, arguments);
        let delay = self.delay;
        async move {
            tokio::time::sleep(delay).await;
            call.await
        }
    }
}

#[tokio::test]
async fn wall_time_limit_cuts_off_a_slow_tool_call() {
    let server = serve(vec![
        Step::tool_call("read_file", json!({"path": "data.csv"})),
        Step::text("never reached"),
    ])
    .await;
    let slow = SlowTools {
        inner: tools(),
        delay: Duration::from_secs(5),
    };
    let limits = TrialLimits {
        wall_time: Duration::from_millis(300),
        ..TrialLimits::default()
    };
    let started = std::time::Instant::now();
    let t = run_trial(
        &provider(&server, ProviderKind::OpenAi),
        &slow,
        &input(None, SkillLoading::Progressive),
        &limits,
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(t.stop, StopReason::TimeLimit);
    assert_eq!(server.request_count(), 1);
    let call = &t.tool_calls[0];
    assert!(call.is_error);
    assert!(
        call.error
            .as_deref()
            .unwrap_or("")
            .contains("wall-time limit"),
        "{call:?}"
    );
}
