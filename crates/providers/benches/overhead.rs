//! Provider overhead benchmark (no criterion; `cargo bench -p skillgate-providers --bench overhead`).
//!
//! 1. Loopback round trip per chat call against the zero-delay scripted server (in-process),
//!    running the two-request tool loop (tool call, then answer), one call at a time.
//!    Also process CPU per call (client and server together, from /proc/self/stat).
//! 2. Client-side CPU per call without HTTP: encode the request + decode the response.
//!
//! Prints median and spread (p10..p90) of per-call times.

use std::time::{Duration, Instant};

use serde_json::json;
use skillgate_providers::wire::{decode_response, encode_request};
use skillgate_providers::{
    ChatMessage, ChatRequest, Provider, ProviderConfig, ProviderKind, ToolCall, ToolDef,
};
use skillgate_scripted_llm::Script;

fn tools() -> Vec<ToolDef> {
    ["read_file", "list_dir", "grep", "write_file"]
        .iter()
        .map(|name| ToolDef {
            name: (*name).to_owned(),
            description: format!("The {name} tool: does what its name says, with care."),
            parameters: json!({
                "type": "object",
                "properties": {"path": {"type": "string", "description": "a path"},
                               "pattern": {"type": "string"}},
                "required": ["path"]
            }),
        })
        .collect()
}

fn first_request() -> ChatRequest {
    ChatRequest {
        system: "You are an agent. ".repeat(40),
        messages: vec![ChatMessage::User {
            text: "Summarise the README and list the open TODO items in src/.".to_owned(),
        }],
        tools: tools(),
        ..ChatRequest::default()
    }
}

fn second_request() -> ChatRequest {
    let mut req = first_request();
    req.messages.push(ChatMessage::Assistant {
        text: None,
        tool_calls: vec![ToolCall {
            id: "call_0_0".to_owned(),
            name: "read_file".to_owned(),
            arguments: r#"{"path":"README.md"}"#.to_owned(),
        }],
    });
    req.messages.push(ChatMessage::Tool {
        tool_call_id: "call_0_0".to_owned(),
        name: "read_file".to_owned(),
        content: "# Project\nSome text. ".repeat(50),
        is_error: false,
    });
    req
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[idx]
}

fn report(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{label}: median {:.1} µs, p10 {:.1} µs, p90 {:.1} µs (n = {})",
        percentile(&samples, 0.5).as_secs_f64() * 1e6,
        percentile(&samples, 0.1).as_secs_f64() * 1e6,
        percentile(&samples, 0.9).as_secs_f64() * 1e6,
        samples.len()
    );
}

/// utime + stime of this process, from /proc/self/stat (Linux); None elsewhere.
fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    // Clock ticks are 100 Hz on Linux.
    Some(Duration::from_millis((utime + stime) * 10))
}

fn canned_response(kind: ProviderKind, tool: bool) -> Vec<u8> {
    let v = match (kind, tool) {
        (ProviderKind::OpenAi, true) => {
            json!({"id": "x", "object": "chat.completion", "created": 0, "model": "m",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": null,
              "tool_calls": [{"id": "call_0_0", "type": "function", "function": {"name": "read_file", "arguments": "{\"path\":\"README.md\"}"}}]},
              "finish_reason": "tool_calls"}],
            "usage": {"prompt_tokens": 900, "completion_tokens": 20, "total_tokens": 920}})
        }
        (ProviderKind::OpenAi, false) => {
            json!({"id": "x", "object": "chat.completion", "created": 0, "model": "m",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "The README describes the project. ".repeat(10)},
              "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1500, "completion_tokens": 120, "total_tokens": 1620}})
        }
        (ProviderKind::Anthropic, true) => {
            json!({"id": "x", "type": "message", "role": "assistant", "model": "m",
            "content": [{"type": "tool_use", "id": "call_0_0", "name": "read_file", "input": {"path": "README.md"}}],
            "stop_reason": "tool_use", "usage": {"input_tokens": 900, "output_tokens": 20}})
        }
        (ProviderKind::Anthropic, false) => {
            json!({"id": "x", "type": "message", "role": "assistant", "model": "m",
            "content": [{"type": "text", "text": "The README describes the project. ".repeat(10)}],
            "stop_reason": "end_turn", "usage": {"input_tokens": 1500, "output_tokens": 120}})
        }
    };
    v.to_string().into_bytes()
}

fn cpu_overhead(kind: ProviderKind) {
    let cfg = ProviderConfig::new(kind, "http://127.0.0.1:1/v1", "bench-model");
    let reqs = [first_request(), second_request()];
    let resps = [canned_response(kind, true), canned_response(kind, false)];
    let batch = 1000;
    let mut samples = Vec::new();
    for round in 0..60 {
        let started = Instant::now();
        for i in 0..batch {
            let which = i % 2;
            let body = encode_request(&cfg, &reqs[which]).unwrap_or_default();
            std::hint::black_box(&body);
            let decoded = decode_response(kind, &resps[which]);
            std::hint::black_box(&decoded);
        }
        if round >= 10 {
            samples.push(started.elapsed() / batch as u32);
        }
    }
    report(
        &format!("{kind}: client CPU per call, encode request + decode response (no HTTP)"),
        samples,
    );
}

async fn loopback(kind: ProviderKind) {
    let server = skillgate_scripted_llm::start(Script::tool_loop(
        "read_file",
        json!({"path": "README.md"}),
        "The README describes the project.",
    ))
    .await
    .unwrap_or_else(|e| panic!("cannot start the scripted server: {e}"));
    let base = match kind {
        ProviderKind::OpenAi => server.openai_base_url(),
        ProviderKind::Anthropic => server.anthropic_base_url(),
    };
    let mut cfg = ProviderConfig::new(kind, base, "bench-model");
    cfg.concurrency = 1;
    let provider = Provider::new(cfg).unwrap_or_else(|e| panic!("{e}"));
    let reqs = [first_request(), second_request()];
    for i in 0..400 {
        if let Err(e) = provider.chat(&reqs[i % 2]).await {
            panic!("warm-up call failed: {e}");
        }
    }
    let calls = 4000;
    let mut samples = Vec::with_capacity(calls);
    let cpu_before = process_cpu();
    let wall = Instant::now();
    for i in 0..calls {
        let started = Instant::now();
        let resp = provider.chat(&reqs[i % 2]).await;
        samples.push(started.elapsed());
        if let Err(e) = resp {
            panic!("call failed: {e}");
        }
    }
    let wall = wall.elapsed();
    let cpu = process_cpu()
        .zip(cpu_before)
        .map(|(a, b)| a.saturating_sub(b));
    report(
        &format!("{kind}: loopback round trip per chat call (tool loop, sequential)"),
        samples,
    );
    if let Some(cpu) = cpu {
        println!(
            "{kind}: process CPU per call, client + in-process server: {:.1} µs ({} calls in {:.2} s wall)",
            cpu.as_secs_f64() * 1e6 / calls as f64,
            calls,
            wall.as_secs_f64()
        );
    }
}

fn main() {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => panic!("cannot start tokio: {e}"),
    };
    for kind in [ProviderKind::OpenAi, ProviderKind::Anthropic] {
        rt.block_on(loopback(kind));
        cpu_overhead(kind);
    }
}
