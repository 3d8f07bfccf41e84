//! A scripted LLM server for tests and benchmarks: it speaks the OpenAI chat-completions API
//! (`/v1/chat/completions`, `/v1/models`) and the Anthropic Messages API (`/v1/messages`) on
//! loopback and answers from a [`Script`]. It records every request it sees and the highest
//! number of requests it served at once.
//!
//! This is a test tool only: the product never falls back to it.

mod script;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::task::JoinHandle;

pub use script::{AfterEnd, Mode, Rule, Script, ScriptError, ScriptUsage, ScriptedToolCall, Step};

/// Which API a request came in on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Api {
    /// OpenAI chat completions (or `/v1/models`).
    OpenAi,
    /// Anthropic Messages.
    Anthropic,
}

/// One request the server received, as it arrived.
#[derive(Debug, Clone, Serialize)]
pub struct RecordedRequest {
    /// The API.
    pub api: Api,
    /// The HTTP method.
    pub method: String,
    /// The request path.
    pub path: String,
    /// Request headers (lower-case names; values that are not UTF-8 are dropped).
    pub headers: Vec<(String, String)>,
    /// The body parsed as JSON, or `Value::String` with the raw text when it is not JSON.
    pub body: Value,
}

impl RecordedRequest {
    /// The first value of a header (name in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

struct RawRequest {
    api: Api,
    method: &'static str,
    path: String,
    headers: HeaderMap,
    body: Bytes,
}

struct ServerState {
    script: Script,
    /// Cursor of `script.steps` at 0, of `script.rules[i]` at i + 1.
    cursors: Vec<AtomicUsize>,
    requests: Mutex<Vec<RawRequest>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    served: AtomicU64,
}

/// A running scripted server. Dropping it stops the server.
pub struct ScriptedServer {
    /// The loopback address it listens on.
    pub addr: SocketAddr,
    /// The server task.
    pub handle: JoinHandle<()>,
    state: Arc<ServerState>,
}

impl std::fmt::Debug for ScriptedServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScriptedServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

impl ScriptedServer {
    /// Base URL for an OpenAI-compatible client (`http://127.0.0.1:PORT/v1`).
    pub fn openai_base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Base URL for an Anthropic client (`http://127.0.0.1:PORT`).
    pub fn anthropic_base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request seen so far, in arrival order.
    pub fn requests_seen(&self) -> Vec<RecordedRequest> {
        let requests = match self.state.requests.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        requests.iter().map(RawRequest::to_recorded).collect()
    }

    /// The number of requests seen so far.
    pub fn request_count(&self) -> usize {
        match self.state.requests.lock() {
            Ok(guard) => guard.len(),
            Err(poisoned) => poisoned.into_inner().len(),
        }
    }

    /// The highest number of requests being answered at the same time so far.
    pub fn max_in_flight(&self) -> usize {
        self.state.max_in_flight.load(Ordering::SeqCst)
    }

    /// Stops the server.
    pub fn shutdown(self) {
        drop(self);
    }
}

impl RawRequest {
    fn to_recorded(&self) -> RecordedRequest {
        let body = serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&self.body).into_owned()));
        let headers = self
            .headers
            .iter()
            .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
            .collect();
        RecordedRequest {
            api: self.api,
            method: self.method.to_owned(),
            path: self.path.clone(),
            headers,
            body,
        }
    }
}

/// Starts `script` on 127.0.0.1 with a free port.
pub async fn start(script: Script) -> std::io::Result<ScriptedServer> {
    start_on(script, 0).await
}

/// Starts `script` on 127.0.0.1:`port` (0: a free port; the actual one is in `addr`).
pub async fn start_on(script: Script, port: u16) -> std::io::Result<ScriptedServer> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    let cursors = (0..=script.rules.len())
        .map(|_| AtomicUsize::new(0))
        .collect();
    let state = Arc::new(ServerState {
        script,
        cursors,
        requests: Mutex::new(Vec::new()),
        in_flight: AtomicUsize::new(0),
        max_in_flight: AtomicUsize::new(0),
        served: AtomicU64::new(0),
    });
    let app = Router::new()
        .route("/v1/chat/completions", post(openai_chat))
        .route("/chat/completions", post(openai_chat))
        .route("/v1/models", get(openai_models))
        .route("/models", get(openai_models))
        .route("/v1/messages", post(anthropic_messages))
        .with_state(Arc::clone(&state));
    let handle = tokio::spawn(async move {
        // The server runs until the task is aborted; an accept error ends it.
        let _ = axum::serve(listener, app).await;
    });
    Ok(ScriptedServer {
        addr,
        handle,
        state,
    })
}

struct InFlight<'a>(&'a ServerState);

impl<'a> InFlight<'a> {
    fn enter(state: &'a ServerState) -> InFlight<'a> {
        let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        state.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(state)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

fn record(
    state: &ServerState,
    api: Api,
    method: &'static str,
    path: &str,
    headers: &HeaderMap,
    body: &Bytes,
) {
    let raw = RawRequest {
        api,
        method,
        path: path.to_owned(),
        headers: headers.clone(),
        body: body.clone(),
    };
    match state.requests.lock() {
        Ok(mut guard) => guard.push(raw),
        Err(poisoned) => poisoned.into_inner().push(raw),
    }
}

async fn openai_models(
    State(state): State<Arc<ServerState>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    record(
        &state,
        Api::OpenAi,
        "GET",
        uri.path(),
        &headers,
        &Bytes::new(),
    );
    if !key_ok(&state.script, Api::OpenAi, &headers) {
        return error_response(Api::OpenAi, 401, "invalid api key", None);
    }
    let names: Vec<String> = if state.script.models.is_empty() {
        vec!["scripted".to_owned()]
    } else {
        state.script.models.clone()
    };
    let data: Vec<Value> = names
        .iter()
        .map(|m| json!({"id": m, "object": "model", "created": 0, "owned_by": "scripted-llm"}))
        .collect();
    json_response(
        StatusCode::OK,
        &json!({"object": "list", "data": data}),
        None,
    )
}

async fn openai_chat(
    State(state): State<Arc<ServerState>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer(&state, Api::OpenAi, uri.path(), &headers, body).await
}

async fn anthropic_messages(
    State(state): State<Arc<ServerState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer(&state, Api::Anthropic, "/v1/messages", &headers, body).await
}

fn key_ok(script: &Script, api: Api, headers: &HeaderMap) -> bool {
    let Some(expected) = script.api_key.as_deref() else {
        return true;
    };
    let sent = match api {
        Api::OpenAi => headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ")),
        Api::Anthropic => headers.get("x-api-key").and_then(|v| v.to_str().ok()),
    };
    sent == Some(expected)
}

async fn answer(
    state: &ServerState,
    api: Api,
    path: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> Response {
    let _in_flight = InFlight::enter(state);
    record(state, api, "POST", path, headers, &body);
    let n = state.served.fetch_add(1, Ordering::SeqCst);
    if !key_ok(&state.script, api, headers) {
        return error_response(api, 401, "invalid api key", None);
    }
    let request: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return error_response(api, 400, &format!("request body is not JSON: {e}"), None),
    };
    let model = request
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !state.script.models.is_empty() && !state.script.models.iter().any(|m| m == model) {
        return error_response(
            api,
            404,
            &format!("The model `{model}` does not exist"),
            None,
        );
    }
    let Some(step) = pick_step(state, api, &request) else {
        return error_response(api, 500, "script exhausted", None);
    };
    if step.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(step.delay_ms)).await;
    }
    let status = step.status.unwrap_or(200);
    let retry_after = step.retry_after.as_deref();
    if let Some(raw) = &step.raw_body {
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = (code, raw.clone()).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        add_retry_after(&mut resp, retry_after);
        return resp;
    }
    if !(200..300).contains(&status) {
        return error_response(api, status, "scripted error", retry_after);
    }
    let body = match api {
        Api::OpenAi => openai_body(step, model, n),
        Api::Anthropic => anthropic_body(step, model, n),
    };
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    json_response(code, &body, retry_after)
}

fn pick_step<'a>(state: &'a ServerState, api: Api, request: &Value) -> Option<&'a Step> {
    let script = &state.script;
    for (i, rule) in script.rules.iter().enumerate() {
        if rule_matches(rule, api, request) {
            return walk(
                &state.cursors[i + 1],
                rule.mode,
                rule.after_end,
                &rule.steps,
                request,
            );
        }
    }
    walk(
        &state.cursors[0],
        script.mode,
        script.after_end,
        &script.steps,
        request,
    )
}

fn walk<'a>(
    cursor: &AtomicUsize,
    mode: Mode,
    after_end: AfterEnd,
    steps: &'a [Step],
    request: &Value,
) -> Option<&'a Step> {
    let n = match mode {
        Mode::Sequence => cursor.fetch_add(1, Ordering::SeqCst),
        Mode::ByTurn => messages(request)
            .iter()
            .filter(|m| m.get("role").and_then(Value::as_str) == Some("assistant"))
            .count(),
    };
    let last = steps.len().checked_sub(1)?;
    if n <= last {
        return steps.get(n);
    }
    match after_end {
        AfterEnd::RepeatLast => steps.get(last),
        AfterEnd::Cycle => steps.get(n % steps.len()),
        AfterEnd::Error => None,
    }
}

fn messages(request: &Value) -> &[Value] {
    request
        .get("messages")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn rule_matches(rule: &Rule, api: Api, request: &Value) -> bool {
    let msgs = messages(request);
    if let Some(needle) = &rule.when_last_message_contains {
        let Some(last) = msgs.last() else {
            return false;
        };
        if !contains_text(last, needle) {
            return false;
        }
    }
    if let Some(needle) = &rule.when_any_message_contains
        && !msgs.iter().any(|m| contains_text(m, needle))
    {
        return false;
    }
    if let Some(needle) = &rule.when_system_contains {
        let found = match api {
            Api::OpenAi => msgs
                .iter()
                .filter(|m| m.get("role").and_then(Value::as_str) == Some("system"))
                .any(|m| contains_text(m, needle)),
            Api::Anthropic => request
                .get("system")
                .is_some_and(|s| contains_text(s, needle)),
        };
        if !found {
            return false;
        }
    }
    true
}

/// Whether any string inside `value` contains `needle`.
fn contains_text(value: &Value, needle: &str) -> bool {
    match value {
        Value::String(s) => s.contains(needle),
        Value::Array(items) => items.iter().any(|v| contains_text(v, needle)),
        Value::Object(map) => map.values().any(|v| contains_text(v, needle)),
        _ => false,
    }
}

fn usage_of(step: &Step) -> ScriptUsage {
    step.usage.unwrap_or(ScriptUsage {
        input_tokens: 10,
        output_tokens: 5,
    })
}

fn call_id(call: &ScriptedToolCall, n: u64, i: usize) -> String {
    call.id.clone().unwrap_or_else(|| format!("call_{n}_{i}"))
}

fn openai_body(step: &Step, model: &str, n: u64) -> Value {
    let mut message = json!({"role": "assistant", "content": step.text});
    if !step.tool_calls.is_empty() {
        let calls: Vec<Value> = step
            .tool_calls
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let arguments = match &c.arguments {
                    Value::String(raw) => raw.clone(),
                    other => other.to_string(),
                };
                json!({"id": call_id(c, n, i), "type": "function",
                       "function": {"name": c.name, "arguments": arguments}})
            })
            .collect();
        message["tool_calls"] = Value::Array(calls);
    }
    let finish = step.stop_reason.clone().unwrap_or_else(|| {
        if step.tool_calls.is_empty() {
            "stop"
        } else {
            "tool_calls"
        }
        .to_owned()
    });
    let usage = usage_of(step);
    json!({
        "id": format!("chatcmpl-scripted-{n}"),
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {
            "prompt_tokens": usage.input_tokens,
            "completion_tokens": usage.output_tokens,
            "total_tokens": usage.input_tokens + usage.output_tokens
        }
    })
}

fn anthropic_body(step: &Step, model: &str, n: u64) -> Value {
    let mut content = Vec::new();
    if let Some(text) = &step.text {
        content.push(json!({"type": "text", "text": text}));
    }
    for (i, c) in step.tool_calls.iter().enumerate() {
        let input = match &c.arguments {
            Value::String(raw) => {
                serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.clone()))
            }
            other => other.clone(),
        };
        content.push(
            json!({"type": "tool_use", "id": call_id(c, n, i), "name": c.name, "input": input}),
        );
    }
    let stop = step.stop_reason.clone().unwrap_or_else(|| {
        if step.tool_calls.is_empty() {
            "end_turn"
        } else {
            "tool_use"
        }
        .to_owned()
    });
    let usage = usage_of(step);
    json!({
        "id": format!("msg_scripted_{n}"),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": stop,
        "stop_sequence": null,
        "usage": {"input_tokens": usage.input_tokens, "output_tokens": usage.output_tokens}
    })
}

fn error_response(api: Api, status: u16, message: &str, retry_after: Option<&str>) -> Response {
    let kind = match status {
        400 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        _ => "api_error",
    };
    let body = match api {
        Api::OpenAi => json!({"error": {"message": message, "type": kind, "code": status}}),
        Api::Anthropic => json!({"type": "error", "error": {"type": kind, "message": message}}),
    };
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    json_response(code, &body, retry_after)
}

fn json_response(code: StatusCode, body: &Value, retry_after: Option<&str>) -> Response {
    let mut resp = (code, body.to_string()).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    add_retry_after(&mut resp, retry_after);
    resp
}

fn add_retry_after(resp: &mut Response, retry_after: Option<&str>) {
    if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(v).ok()) {
        resp.headers_mut().insert(header::RETRY_AFTER, value);
    }
}
