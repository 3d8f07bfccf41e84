//! The scripted server over real loopback HTTP (raw HTTP/1.1, no client library).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use skillgate_scripted_llm::{AfterEnd, Api, Mode, Script, Step};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// POSTs `body` to `addr` + `path`; returns (status, headers text, body).
async fn post(addr: &str, path: &str, headers: &str, body: &Value) -> (u16, String, Value) {
    let body = body.to_string();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.unwrap();
    let (head, rest) = raw.split_once("\r\n\r\n").unwrap();
    let status = head[9..12].parse().unwrap();
    let parsed = serde_json::from_str(rest).unwrap_or(Value::String(rest.to_owned()));
    (status, head.to_ascii_lowercase(), parsed)
}

fn chat(text: &str) -> Value {
    json!({"model": "m", "messages": [{"role": "user", "content": text}]})
}

#[tokio::test]
async fn yaml_script_parses_every_field() {
    let script = Script::from_yaml_str(
        r#"
mode: by_turn
after_end: cycle
models: [m1]
api_key: k
steps:
  - tool_calls:
      - name: read_file
        arguments: {path: a.txt}
    delay_ms: 5
  - text: done
    usage: {input_tokens: 3, output_tokens: 4}
  - status: 429
    retry_after: "2"
  - raw_body: "{oops"
rules:
  - when_last_message_contains: case-1
    steps: [{text: one}]
"#,
    )
    .unwrap();
    assert_eq!(script.mode, Mode::ByTurn);
    assert_eq!(script.after_end, AfterEnd::Cycle);
    assert_eq!(script.steps.len(), 4);
    assert_eq!(
        script.steps[0].tool_calls[0].arguments,
        json!({"path": "a.txt"})
    );
    assert_eq!(script.steps[2].retry_after.as_deref(), Some("2"));
    assert_eq!(script.rules[0].steps[0].text.as_deref(), Some("one"));
}

#[tokio::test]
async fn yaml_script_with_unknown_field_is_rejected() {
    assert!(Script::from_yaml_str("stepz: []").is_err());
}

#[tokio::test]
async fn sequence_cycle_and_error_after_end() {
    let cycle = skillgate_scripted_llm::start(Script {
        after_end: AfterEnd::Cycle,
        steps: vec![Step::text("a"), Step::text("b")],
        ..Script::default()
    })
    .await
    .unwrap();
    let addr = cycle.addr.to_string();
    let mut got = Vec::new();
    for _ in 0..3 {
        let (_, _, body) = post(&addr, "/v1/chat/completions", "", &chat("x")).await;
        got.push(
            body["choices"][0]["message"]["content"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(got, ["a", "b", "a"]);

    let strict = skillgate_scripted_llm::start(Script {
        after_end: AfterEnd::Error,
        steps: vec![Step::text("only")],
        ..Script::default()
    })
    .await
    .unwrap();
    let addr = strict.addr.to_string();
    assert_eq!(post(&addr, "/v1/messages", "", &chat("x")).await.0, 200);
    let (status, _, body) = post(&addr, "/v1/messages", "", &chat("x")).await;
    assert_eq!(status, 500);
    assert_eq!(body["type"], "error");
}

#[tokio::test]
async fn anthropic_answer_has_tool_use_blocks_and_usage() {
    let srv = skillgate_scripted_llm::start(Script::sequence(vec![
        Step::tool_call("grep", json!({"q": "x"})).with_usage(7, 8),
    ]))
    .await
    .unwrap();
    let (status, _, body) = post(&srv.addr.to_string(), "/v1/messages", "", &chat("x")).await;
    assert_eq!(status, 200);
    assert_eq!(body["content"][0]["type"], "tool_use");
    assert_eq!(body["content"][0]["input"], json!({"q": "x"}));
    assert_eq!(body["stop_reason"], "tool_use");
    assert_eq!(body["usage"]["input_tokens"], 7);
    assert_eq!(srv.requests_seen()[0].api, Api::Anthropic);
}

#[tokio::test]
async fn error_step_sends_status_and_retry_after() {
    let srv = skillgate_scripted_llm::start(Script::sequence(vec![
        Step::status(429).with_retry_after("3"),
    ]))
    .await
    .unwrap();
    let (status, head, body) = post(
        &srv.addr.to_string(),
        "/v1/chat/completions",
        "",
        &chat("x"),
    )
    .await;
    assert_eq!(status, 429);
    assert!(head.contains("retry-after: 3"), "{head}");
    assert_eq!(body["error"]["type"], "rate_limit_error");
}

#[tokio::test]
async fn system_rule_matches_the_anthropic_system_field() {
    let srv = skillgate_scripted_llm::start(Script {
        rules: vec![skillgate_scripted_llm::Rule {
            when_system_contains: Some("pirate".to_owned()),
            steps: vec![Step::text("arr")],
            ..Default::default()
        }],
        steps: vec![Step::text("hello")],
        ..Script::default()
    })
    .await
    .unwrap();
    let addr = srv.addr.to_string();
    let mut req = chat("x");
    req["system"] = json!("You are a pirate.");
    let (_, _, body) = post(&addr, "/v1/messages", "", &req).await;
    assert_eq!(body["content"][0]["text"], "arr");
    let (_, _, body) = post(&addr, "/v1/messages", "", &chat("x")).await;
    assert_eq!(body["content"][0]["text"], "hello");
}

#[test]
fn binary_serves_a_json_script_and_prints_base_urls() {
    let dir = std::env::temp_dir().join(format!("scripted-llm-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("script.json");
    std::fs::write(&path, r#"{"steps": [{"text": "from file"}]}"#).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_scripted-llm"))
        .arg("--script")
        .arg(&path)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let mut second = String::new();
    stdout.read_line(&mut second).unwrap();
    assert!(second.starts_with("anthropic_base_url=http://"), "{second}");
    let base = line
        .trim()
        .strip_prefix("openai_base_url=http://")
        .unwrap()
        .to_owned();
    let addr = base.strip_suffix("/v1").unwrap().to_owned();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (status, _, body) = rt.block_on(post(&addr, "/v1/chat/completions", "", &chat("x")));
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(status, 200);
    assert_eq!(body["choices"][0]["message"]["content"], "from file");
}

#[test]
fn binary_reports_a_bad_script_with_its_path() {
    let out = Command::new(env!("CARGO_BIN_EXE_scripted-llm"))
        .args(["--script", "/nonexistent/script.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/script.yaml"));
}
