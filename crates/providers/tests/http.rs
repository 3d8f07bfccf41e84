//! The real client against the scripted server over loopback HTTP, for both APIs.

use std::time::{Duration, Instant};

use serde_json::json;
use skillgate_providers::{
    ApiKey, Availability, ChatMessage, ChatRequest, Provider, ProviderConfig, ProviderError,
    ProviderKind, ToolCall, ToolDef,
};
use skillgate_scripted_llm::{AfterEnd, Mode, Rule, Script, ScriptedServer, Step};

const KEY: &str = "sk-test-SECRET-0123456789";
const BOTH: [ProviderKind; 2] = [ProviderKind::OpenAi, ProviderKind::Anthropic];

fn base_url(server: &ScriptedServer, kind: ProviderKind) -> String {
    match kind {
        ProviderKind::OpenAi => server.openai_base_url(),
        ProviderKind::Anthropic => server.anthropic_base_url(),
    }
}

fn config(kind: ProviderKind, base_url: String, model: &str) -> ProviderConfig {
    let mut cfg = ProviderConfig::new(kind, base_url, model);
    cfg.api_key = Some(ApiKey::new(KEY));
    cfg.timeout = Duration::from_secs(10);
    cfg.connect_timeout = Duration::from_secs(2);
    cfg.max_retries = 2;
    cfg.retry_base_delay = Duration::from_millis(10);
    cfg.retry_max_delay = Duration::from_secs(5);
    cfg
}

fn provider(server: &ScriptedServer, kind: ProviderKind) -> Provider {
    Provider::new(config(kind, base_url(server, kind), "test-model")).unwrap()
}

fn read_file_tool() -> ToolDef {
    ToolDef {
        name: "read_file".to_owned(),
        description: "Reads a file".to_owned(),
        parameters: json!({"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]}),
    }
}

fn ask(text: &str) -> ChatRequest {
    ChatRequest {
        system: "You are a test agent.".to_owned(),
        messages: vec![ChatMessage::User {
            text: text.to_owned(),
        }],
        tools: vec![read_file_tool()],
        ..ChatRequest::default()
    }
}

async fn server(script: Script) -> ScriptedServer {
    skillgate_scripted_llm::start(script).await.unwrap()
}

#[tokio::test]
async fn openai_tool_call_round_trip_sends_history_tools_and_key() {
    let srv = server(Script {
        mode: Mode::ByTurn,
        steps: vec![
            Step::tool_call("read_file", json!({"path": "a.txt"})),
            Step::text("The file says hi."),
        ],
        ..Script::default()
    })
    .await;
    let p = provider(&srv, ProviderKind::OpenAi);
    let mut req = ask("What is in a.txt?");
    let first = p.chat(&req).await.unwrap();
    assert_eq!(first.tool_calls.len(), 1);
    assert_eq!(first.tool_calls[0].name, "read_file");
    assert_eq!(first.tool_calls[0].arguments, r#"{"path":"a.txt"}"#);
    assert_eq!(first.stop_reason.as_deref(), Some("tool_calls"));
    req.messages.push(ChatMessage::Assistant {
        text: None,
        tool_calls: first.tool_calls.clone(),
    });
    req.messages.push(ChatMessage::Tool {
        tool_call_id: first.tool_calls[0].id.clone(),
        name: "read_file".to_owned(),
        content: "hi".to_owned(),
        is_error: false,
    });
    let second = p.chat(&req).await.unwrap();
    assert_eq!(second.text.as_deref(), Some("The file says hi."));
    assert!(second.tool_calls.is_empty());

    let seen = srv.requests_seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].path, "/v1/chat/completions");
    assert_eq!(
        seen[1].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    let body = &seen[1].body;
    assert_eq!(body["model"], "test-model");
    assert_eq!(body["tools"][0]["type"], "function");
    assert_eq!(body["tools"][0]["function"]["name"], "read_file");
    assert_eq!(
        body["tools"][0]["function"]["parameters"]["required"][0],
        "path"
    );
    let msgs = body["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 4);
    assert_eq!(msgs[0]["role"], "system");
    assert_eq!(msgs[0]["content"], "You are a test agent.");
    assert_eq!(msgs[1]["role"], "user");
    assert_eq!(msgs[2]["role"], "assistant");
    assert!(msgs[2]["content"].is_null());
    assert_eq!(
        msgs[2]["tool_calls"][0]["id"],
        first.tool_calls[0].id.as_str()
    );
    assert_eq!(
        msgs[2]["tool_calls"][0]["function"]["arguments"],
        r#"{"path":"a.txt"}"#
    );
    assert_eq!(msgs[3]["role"], "tool");
    assert_eq!(msgs[3]["tool_call_id"], first.tool_calls[0].id.as_str());
    assert_eq!(msgs[3]["content"], "hi");
}

#[tokio::test]
async fn anthropic_tool_call_round_trip_sends_blocks_version_and_key() {
    let srv = server(Script {
        mode: Mode::ByTurn,
        steps: vec![
            Step::tool_call("read_file", json!({"path": "a.txt"})),
            Step::text("Could not read it."),
        ],
        ..Script::default()
    })
    .await;
    let p = provider(&srv, ProviderKind::Anthropic);
    let mut req = ask("What is in a.txt?");
    let first = p.chat(&req).await.unwrap();
    assert_eq!(first.tool_calls.len(), 1);
    assert_eq!(first.tool_calls[0].name, "read_file");
    assert_eq!(first.tool_calls[0].arguments, r#"{"path":"a.txt"}"#);
    assert_eq!(first.stop_reason.as_deref(), Some("tool_use"));
    req.messages.push(ChatMessage::Assistant {
        text: Some("Let me look.".to_owned()),
        tool_calls: first.tool_calls.clone(),
    });
    req.messages.push(ChatMessage::Tool {
        tool_call_id: first.tool_calls[0].id.clone(),
        name: "read_file".to_owned(),
        content: "permission denied".to_owned(),
        is_error: true,
    });
    let second = p.chat(&req).await.unwrap();
    assert_eq!(second.text.as_deref(), Some("Could not read it."));

    let seen = srv.requests_seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].path, "/v1/messages");
    assert_eq!(seen[1].header("x-api-key"), Some(KEY));
    assert_eq!(seen[1].header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(seen[1].header("authorization"), None);
    let body = &seen[1].body;
    assert_eq!(body["model"], "test-model");
    assert_eq!(body["system"], "You are a test agent.");
    assert_eq!(body["max_tokens"], 1024);
    assert_eq!(body["tools"][0]["name"], "read_file");
    assert_eq!(body["tools"][0]["input_schema"]["type"], "object");
    let msgs = body["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 3);
    assert_eq!(msgs[0]["role"], "user");
    assert_eq!(msgs[0]["content"][0]["text"], "What is in a.txt?");
    assert_eq!(msgs[1]["role"], "assistant");
    assert_eq!(msgs[1]["content"][0]["type"], "text");
    assert_eq!(msgs[1]["content"][1]["type"], "tool_use");
    assert_eq!(msgs[1]["content"][1]["input"], json!({"path": "a.txt"}));
    assert_eq!(msgs[2]["role"], "user");
    assert_eq!(msgs[2]["content"][0]["type"], "tool_result");
    assert_eq!(
        msgs[2]["content"][0]["tool_use_id"],
        first.tool_calls[0].id.as_str()
    );
    assert_eq!(msgs[2]["content"][0]["is_error"], true);
}

#[tokio::test]
async fn anthropic_merges_consecutive_tool_results_into_one_user_message() {
    let srv = server(Script::sequence(vec![Step::text("ok")])).await;
    let p = provider(&srv, ProviderKind::Anthropic);
    let mut req = ask("Read two files");
    let calls = vec![
        ToolCall {
            id: "c1".to_owned(),
            name: "read_file".to_owned(),
            arguments: r#"{"path":"a"}"#.to_owned(),
        },
        ToolCall {
            id: "c2".to_owned(),
            name: "read_file".to_owned(),
            arguments: "{not json".to_owned(),
        },
    ];
    req.messages.push(ChatMessage::Assistant {
        text: None,
        tool_calls: calls,
    });
    for id in ["c1", "c2"] {
        req.messages.push(ChatMessage::Tool {
            tool_call_id: id.to_owned(),
            name: "read_file".to_owned(),
            content: "x".to_owned(),
            is_error: false,
        });
    }
    p.chat(&req).await.unwrap();
    let body = &srv.requests_seen()[0].body;
    let msgs = body["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 3);
    assert_eq!(msgs[2]["content"].as_array().unwrap().len(), 2);
    assert!(msgs[2]["content"][0].get("is_error").is_none());
    assert_eq!(
        msgs[1]["content"][1]["input"],
        json!({"_invalid_arguments": "{not json"})
    );
}

#[tokio::test]
async fn text_only_answer_has_text_and_no_tool_calls_on_both_apis() {
    for kind in BOTH {
        let srv = server(Script::sequence(vec![Step::text("Paris.")])).await;
        let p = provider(&srv, kind);
        let mut req = ask("Capital of France?");
        req.tools.clear();
        let resp = p.chat(&req).await.unwrap();
        assert_eq!(resp.text.as_deref(), Some("Paris."), "{kind}");
        assert!(resp.tool_calls.is_empty(), "{kind}");
        assert_eq!(resp.attempts, 1, "{kind}");
        let body = &srv.requests_seen()[0].body;
        assert!(
            body.get("tools").is_none(),
            "{kind}: empty tools are not sent"
        );
    }
}

#[tokio::test]
async fn usage_is_parsed_on_both_apis() {
    for kind in BOTH {
        let srv = server(Script::sequence(vec![Step::text("x").with_usage(123, 45)])).await;
        let resp = provider(&srv, kind).chat(&ask("hi")).await.unwrap();
        assert_eq!(resp.usage.input_tokens, 123, "{kind}");
        assert_eq!(resp.usage.output_tokens, 45, "{kind}");
    }
}

#[tokio::test]
async fn openai_invalid_tool_arguments_reach_the_caller_verbatim() {
    let srv = server(Script::sequence(vec![Step {
        tool_calls: vec![skillgate_scripted_llm::ScriptedToolCall {
            id: Some("c9".to_owned()),
            name: "read_file".to_owned(),
            arguments: json!("{\"path\": "),
        }],
        ..Step::default()
    }]))
    .await;
    let resp = provider(&srv, ProviderKind::OpenAi)
        .chat(&ask("hi"))
        .await
        .unwrap();
    assert_eq!(resp.tool_calls[0].id, "c9");
    assert_eq!(resp.tool_calls[0].arguments, "{\"path\": ");
}

#[tokio::test]
async fn rate_limit_429_with_retry_after_seconds_is_retried_after_that_delay() {
    let srv = server(Script::sequence(vec![
        Step::status(429).with_retry_after("1"),
        Step::text("finally"),
    ]))
    .await;
    let p = provider(&srv, ProviderKind::OpenAi);
    let started = Instant::now();
    let resp = p.chat(&ask("hi")).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(resp.text.as_deref(), Some("finally"));
    assert_eq!(resp.attempts, 2);
    assert!(elapsed >= Duration::from_millis(950), "waited {elapsed:?}");
    assert!(resp.latency_ms >= 950, "latency {}", resp.latency_ms);
    assert_eq!(srv.request_count(), 2);
}

#[tokio::test]
async fn anthropic_429_with_retry_after_http_date_is_retried_after_that_date() {
    let at = std::time::SystemTime::now() + Duration::from_secs(2);
    let srv = server(Script::sequence(vec![
        Step::status(429).with_retry_after(httpdate::fmt_http_date(at)),
        Step::text("finally"),
    ]))
    .await;
    let p = provider(&srv, ProviderKind::Anthropic);
    let started = Instant::now();
    let resp = p.chat(&ask("hi")).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(resp.attempts, 2);
    // The date has one-second resolution, so the wait is between 1 and 2 seconds.
    assert!(elapsed >= Duration::from_millis(950), "waited {elapsed:?}");
}

#[tokio::test]
async fn server_error_storm_gives_up_after_max_retries_with_a_clear_error() {
    for kind in BOTH {
        let srv = server(Script::sequence(vec![Step::status(500)])).await;
        let p = provider(&srv, kind);
        let err = p.chat(&ask("hi")).await.unwrap_err();
        match &err {
            ProviderError::Status {
                status,
                gave_up_after,
                body_excerpt,
                ..
            } => {
                assert_eq!(*status, 500);
                assert_eq!(*gave_up_after, 3, "1 attempt + max_retries 2");
                assert!(body_excerpt.contains("scripted error"), "{body_excerpt}");
            }
            other => panic!("{kind}: expected Status, got {other:?}"),
        }
        assert_eq!(srv.request_count(), 3, "{kind}");
        let msg = err.to_string();
        assert!(msg.contains(&base_url(&srv, kind)), "{msg}");
        assert!(msg.contains("test-model"), "{msg}");
        assert!(msg.contains("HTTP 500 after 3 attempt"), "{msg}");
        assert!(
            !err.is_unavailable(),
            "a 500 is a server failure, not unavailability"
        );
    }
}

#[tokio::test]
async fn service_unavailable_storm_counts_as_provider_unavailable() {
    let srv = server(Script::sequence(vec![Step::status(503)])).await;
    let err = provider(&srv, ProviderKind::OpenAi)
        .chat(&ask("hi"))
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::Status { status: 503, .. }));
    assert!(err.is_unavailable());
}

#[tokio::test]
async fn bad_request_is_not_retried() {
    let srv = server(Script::sequence(vec![Step::status(400)])).await;
    let err = provider(&srv, ProviderKind::OpenAi)
        .chat(&ask("hi"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ProviderError::Status {
                status: 400,
                gave_up_after: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(srv.request_count(), 1);
}

#[tokio::test]
async fn slow_answer_times_out_without_retry() {
    for kind in BOTH {
        let srv = server(Script::sequence(vec![
            Step::text("late").with_delay_ms(3000),
        ]))
        .await;
        let mut cfg = config(kind, base_url(&srv, kind), "test-model");
        cfg.timeout = Duration::from_millis(200);
        let p = Provider::new(cfg).unwrap();
        let started = Instant::now();
        let err = p.chat(&ask("hi")).await.unwrap_err();
        assert!(
            matches!(err, ProviderError::Timeout { after_ms: 200, .. }),
            "{kind}: {err:?}"
        );
        assert!(started.elapsed() < Duration::from_millis(2000));
        assert_eq!(srv.request_count(), 1, "{kind}");
        assert!(err.to_string().contains("timeout_secs"), "{err}");
    }
}

#[tokio::test]
async fn malformed_json_body_is_a_malformed_error_on_both_apis() {
    for kind in BOTH {
        let srv = server(Script::sequence(vec![Step {
            raw_body: Some("{\"choices\": [".to_owned()),
            ..Step::default()
        }]))
        .await;
        let err = provider(&srv, kind).chat(&ask("hi")).await.unwrap_err();
        match &err {
            ProviderError::Malformed { detail, .. } => {
                assert!(detail.contains("{\"choices\": ["), "{kind}: {detail}")
            }
            other => panic!("{kind}: expected Malformed, got {other:?}"),
        }
        assert_eq!(
            srv.request_count(),
            1,
            "{kind}: malformed answers are not retried"
        );
    }
}

#[tokio::test]
async fn wrong_shape_json_is_malformed() {
    let srv = server(Script::sequence(vec![Step {
        raw_body: Some(r#"{"choices": []}"#.to_owned()),
        ..Step::default()
    }]))
    .await;
    let err = provider(&srv, ProviderKind::OpenAi)
        .chat(&ask("hi"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ProviderError::Malformed { detail, .. } if detail.contains("no choices")),
        "{err:?}"
    );
}

fn refused_base_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/v1")
}

#[tokio::test]
async fn connection_refused_is_unavailable_after_retries() {
    for kind in BOTH {
        let url = refused_base_url();
        let p = Provider::new(config(kind, url.clone(), "test-model")).unwrap();
        let err = p.chat(&ask("hi")).await.unwrap_err();
        assert!(
            matches!(&err, ProviderError::Unavailable { reason, .. } if reason.contains("cannot connect")),
            "{kind}: {err:?}"
        );
        assert!(err.is_unavailable());
        assert!(err.to_string().contains(&url), "{err}");
        let avail = p.check_available().await;
        assert!(
            matches!(&avail, Availability::Unavailable { reason } if reason.contains("cannot connect")),
            "{avail:?}"
        );
    }
}

#[tokio::test]
async fn rejected_key_401_is_unavailable_without_retry_on_both_apis() {
    for kind in BOTH {
        let srv = server(Script {
            api_key: Some("the-right-key".to_owned()),
            steps: vec![Step::text("never")],
            ..Script::default()
        })
        .await;
        let p = provider(&srv, kind);
        let err = p.chat(&ask("hi")).await.unwrap_err();
        assert!(
            matches!(&err, ProviderError::Unavailable { reason, .. } if reason.contains("401") && reason.contains("SKILLGATE_API_KEY")),
            "{kind}: {err:?}"
        );
        assert_eq!(srv.request_count(), 1, "{kind}");
        assert!(!err.to_string().contains(KEY));
        assert!(!p.check_available().await.is_available(), "{kind}");
    }
}

#[tokio::test]
async fn right_key_is_accepted_on_both_apis() {
    for kind in BOTH {
        let srv = server(Script {
            api_key: Some(KEY.to_owned()),
            steps: vec![Step::text("welcome")],
            ..Script::default()
        })
        .await;
        let resp = provider(&srv, kind).chat(&ask("hi")).await.unwrap();
        assert_eq!(resp.text.as_deref(), Some("welcome"), "{kind}");
    }
}

#[tokio::test]
async fn unknown_model_is_unavailable_and_known_model_is_available_on_both_apis() {
    for kind in BOTH {
        let srv = server(Script {
            models: vec!["known-model".to_owned()],
            steps: vec![Step::text("ok")],
            ..Script::default()
        })
        .await;
        let missing = Provider::new(config(kind, base_url(&srv, kind), "missing-model")).unwrap();
        let err = missing.chat(&ask("hi")).await.unwrap_err();
        assert!(
            matches!(&err, ProviderError::Unavailable { reason, .. } if reason.contains("missing-model") && reason.contains("404")),
            "{kind}: {err:?}"
        );
        let avail = missing.check_available().await;
        assert!(!avail.is_available(), "{kind}: {avail:?}");

        let known = Provider::new(config(kind, base_url(&srv, kind), "known-model")).unwrap();
        assert_eq!(
            known.check_available().await,
            Availability::Available,
            "{kind}"
        );
        let probe = srv.requests_seen().pop().unwrap();
        match kind {
            ProviderKind::OpenAi => assert_eq!(probe.body["max_tokens"], 1),
            ProviderKind::Anthropic => assert_eq!(probe.body["max_tokens"], 1),
        }
    }
}

#[tokio::test]
async fn unknown_model_in_a_400_error_body_is_unavailable() {
    let srv = server(Script::sequence(vec![Step {
        status: Some(400),
        raw_body: Some(
            r#"{"error":{"message":"model 'llama9' not found, try pulling it first"}}"#.to_owned(),
        ),
        ..Step::default()
    }]))
    .await;
    let err = provider(&srv, ProviderKind::OpenAi)
        .chat(&ask("hi"))
        .await
        .unwrap_err();
    assert!(err.is_unavailable(), "{err:?}");
}

#[tokio::test]
async fn concurrency_limit_is_honoured_across_clones() {
    let srv = server(Script::sequence(vec![Step::text("ok").with_delay_ms(100)])).await;
    let mut cfg = config(ProviderKind::OpenAi, srv.openai_base_url(), "test-model");
    cfg.concurrency = 2;
    let p = Provider::new(cfg).unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let p = p.clone();
        tasks.spawn(async move { p.chat(&ask("hi")).await });
    }
    let mut queued_total = 0;
    while let Some(done) = tasks.join_next().await {
        queued_total += done.unwrap().unwrap().queued_ms;
    }
    assert_eq!(srv.request_count(), 6);
    assert_eq!(srv.max_in_flight(), 2);
    assert!(
        queued_total >= 100,
        "some calls waited for a slot: {queued_total}"
    );
}

#[tokio::test]
async fn rules_give_each_concurrent_case_its_own_answers() {
    let rule = |case: &str| Rule {
        when_any_message_contains: Some(format!("case-{case}")),
        mode: Mode::ByTurn,
        after_end: AfterEnd::RepeatLast,
        steps: vec![
            Step::tool_call("read_file", json!({"path": format!("{case}.txt")})),
            Step::text(format!("answer {case}")),
        ],
        ..Rule::default()
    };
    let srv = server(Script {
        rules: vec![rule("a"), rule("b")],
        steps: vec![Step::text("no rule matched")],
        ..Script::default()
    })
    .await;
    let p = provider(&srv, ProviderKind::OpenAi);
    let mut tasks = tokio::task::JoinSet::new();
    for case in ["a", "b", "a", "b"] {
        let p = p.clone();
        tasks.spawn(async move {
            let mut req = ask(&format!("task case-{case}"));
            let first = p.chat(&req).await.unwrap();
            req.messages.push(ChatMessage::Assistant {
                text: None,
                tool_calls: first.tool_calls.clone(),
            });
            req.messages.push(ChatMessage::Tool {
                tool_call_id: first.tool_calls[0].id.clone(),
                name: "read_file".to_owned(),
                content: "data".to_owned(),
                is_error: false,
            });
            let second = p.chat(&req).await.unwrap();
            (case, first.tool_calls[0].arguments.clone(), second.text)
        });
    }
    while let Some(done) = tasks.join_next().await {
        let (case, args, text) = done.unwrap();
        assert_eq!(args, format!(r#"{{"path":"{case}.txt"}}"#));
        assert_eq!(text, Some(format!("answer {case}")));
    }
    let other = p.chat(&ask("unrelated")).await.unwrap();
    assert_eq!(other.text.as_deref(), Some("no rule matched"));
}

#[tokio::test]
async fn key_never_appears_in_debug_serialization_or_errors() {
    let srv = server(Script::sequence(vec![Step {
        status: Some(403),
        raw_body: Some(format!(
            r#"{{"error":{{"message":"Incorrect API key provided: {KEY}"}}}}"#
        )),
        ..Step::default()
    }]))
    .await;
    let cfg = config(ProviderKind::OpenAi, srv.openai_base_url(), "test-model");
    assert!(!format!("{cfg:?}").contains(KEY));
    assert!(!serde_json::to_string(&cfg).unwrap().contains(KEY));
    let p = Provider::new(cfg).unwrap();
    assert!(!format!("{p:?}").contains(KEY));
    let err = p.chat(&ask("hi")).await.unwrap_err();
    assert!(err.is_unavailable());
    assert!(!err.to_string().contains(KEY), "{err}");
    assert!(!format!("{err:?}").contains(KEY));
    assert!(err.to_string().contains("[REDACTED]"), "{err}");
    let avail = p.check_available().await;
    assert!(!format!("{avail:?}").contains(KEY));
}

#[tokio::test]
async fn recorded_exchange_holds_exact_bodies() {
    let srv = server(Script::sequence(vec![Step::text("ok")])).await;
    let resp = provider(&srv, ProviderKind::OpenAi)
        .chat_recorded(&ask("hi"))
        .await
        .unwrap();
    let exchange = resp.exchange.unwrap();
    let seen = srv.requests_seen();
    let sent: serde_json::Value = serde_json::from_str(&exchange.request).unwrap();
    assert_eq!(sent, seen[0].body);
    assert!(exchange.response.contains("\"ok\""));
    assert!(!exchange.request.contains(KEY));
}
