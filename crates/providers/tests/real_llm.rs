//! Optional: the OpenAI provider against a real OpenAI-compatible server (e.g. the tiny model of
//! `shared/tools/llm-server`, started with its `serve.sh`). Runs only when
//! `SKILLGATE_TEST_LLM_BASE_URL` is set (`SKILLGATE_TEST_LLM_MODEL`, `SKILLGATE_TEST_LLM_API_KEY`
//! optional); otherwise it prints why it skipped and returns.

use std::time::Duration;

use serde_json::json;
use skillgate_providers::{
    ApiKey, Availability, ChatMessage, ChatRequest, Provider, ProviderConfig, ProviderKind, ToolDef,
};

#[tokio::test]
async fn real_openai_compatible_server_answers_text_and_tool_calls() {
    let Ok(base_url) = std::env::var("SKILLGATE_TEST_LLM_BASE_URL") else {
        println!("skipped: SKILLGATE_TEST_LLM_BASE_URL not set");
        return;
    };
    let model = std::env::var("SKILLGATE_TEST_LLM_MODEL").unwrap_or_else(|_| "smollm2".to_owned());
    let mut cfg = ProviderConfig::new(ProviderKind::OpenAi, base_url, model);
    cfg.api_key = std::env::var("SKILLGATE_TEST_LLM_API_KEY")
        .ok()
        .map(ApiKey::new);
    cfg.timeout = Duration::from_secs(120);
    cfg.max_tokens = 64;
    cfg.concurrency = 1;
    let p = Provider::new(cfg).unwrap();
    assert_eq!(p.check_available().await, Availability::Available);

    let text = p
        .chat(&ChatRequest {
            system: "Answer briefly.".to_owned(),
            messages: vec![ChatMessage::User {
                text: "Say hello.".to_owned(),
            }],
            ..ChatRequest::default()
        })
        .await
        .unwrap();
    assert!(text.text.is_some_and(|t| !t.trim().is_empty()));
    assert!(text.usage.output_tokens > 0);

    let tool = ToolDef {
        name: "get_weather".to_owned(),
        description: "Get the weather for a city".to_owned(),
        parameters: json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
    };
    let mut req = ChatRequest {
        system: "Use the get_weather tool to answer weather questions.".to_owned(),
        messages: vec![ChatMessage::User {
            text: "What is the weather in Paris?".to_owned(),
        }],
        tools: vec![tool],
        ..ChatRequest::default()
    };
    let first = p.chat(&req).await.unwrap();
    // A tiny model may answer in text; when it calls the tool, the round trip must work.
    if let Some(call) = first.tool_calls.first().cloned() {
        assert_eq!(call.name, "get_weather");
        req.messages.push(ChatMessage::Assistant {
            text: first.text.clone(),
            tool_calls: first.tool_calls.clone(),
        });
        req.messages.push(ChatMessage::Tool {
            tool_call_id: call.id,
            name: call.name,
            content: "Sunny, 21 C".to_owned(),
            is_error: false,
        });
        let second = p.chat(&req).await.unwrap();
        assert!(second.text.is_some() || !second.tool_calls.is_empty());
    }
}
