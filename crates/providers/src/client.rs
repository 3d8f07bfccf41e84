//! The HTTP client: timeouts, retries with jittered exponential backoff, `Retry-After`, a
//! concurrency limit shared by clones, usage and latency per call.

use std::fmt;
use std::sync::{Arc, Once};
use std::time::{Duration, Instant, SystemTime};

use backon::{BackoffBuilder, ExponentialBuilder};
use reqwest::header::{self, HeaderMap, HeaderValue};
use tokio::sync::Semaphore;

use crate::anthropic::ANTHROPIC_VERSION;
use crate::config::{ConfigError, ProviderConfig, ProviderKind};
use crate::error::ProviderError;
use crate::types::{Availability, ChatMessage, ChatRequest, ChatResponse, Exchange};
use crate::wire;

/// Longest error-body excerpt kept in [`ProviderError::Status`].
const EXCERPT_CHARS: usize = 300;

static TLS_PROVIDER: Once = Once::new();

/// Installs rustls' `ring` crypto provider as the process default, once. If another provider
/// was installed first, that one stays (there is one TLS stack in the tree).
fn install_tls_provider() {
    TLS_PROVIDER.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// A configured LLM provider. Cheap to clone: clones share the HTTP connection pool and the
/// concurrency limit.
#[derive(Clone)]
pub struct Provider {
    inner: Arc<Inner>,
}

struct Inner {
    cfg: ProviderConfig,
    client: reqwest::Client,
    url: String,
    describe: String,
    semaphore: Semaphore,
    /// Header values carrying the key, marked sensitive.
    auth_headers: HeaderMap,
}

impl fmt::Debug for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `cfg` redacts the key; the headers holding it are left out.
        f.debug_struct("Provider")
            .field("cfg", &self.inner.cfg)
            .field("url", &self.inner.url)
            .finish_non_exhaustive()
    }
}

/// How one attempt ended, when it did not succeed.
enum Failure {
    /// Worth retrying (429, 5xx, connection error); `error` is reported if no retry is left.
    Retry {
        error: ProviderError,
        retry_after: Option<Duration>,
    },
    /// Not worth retrying.
    Fatal(ProviderError),
}

impl Provider {
    /// Builds the HTTP client for `cfg`. Fails when `cfg` is invalid (concurrency 0, base URL
    /// not http(s)) or the TLS client cannot be built.
    pub fn new(cfg: ProviderConfig) -> Result<Provider, ProviderError> {
        let invalid = |key: &str, value: String, fix: &str| {
            ProviderError::Config(ConfigError::Invalid {
                key: key.to_owned(),
                value,
                source_name: "the provider configuration".to_owned(),
                fix: fix.to_owned(),
            })
        };
        if cfg.concurrency == 0 {
            return Err(invalid("concurrency", "0".to_owned(), "use 1 or more"));
        }
        if reqwest::Url::parse(&cfg.base_url).is_err()
            || !(cfg.base_url.starts_with("http://") || cfg.base_url.starts_with("https://"))
        {
            return Err(invalid(
                "base_url",
                cfg.base_url.clone(),
                "use an http:// or https:// URL such as http://127.0.0.1:8080/v1",
            ));
        }
        install_tls_provider();
        let client = reqwest::Client::builder()
            .timeout(cfg.timeout)
            .connect_timeout(cfg.connect_timeout)
            .pool_max_idle_per_host(cfg.concurrency)
            .tcp_nodelay(true)
            .user_agent(concat!("skillgate/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                invalid(
                    "http client",
                    e.to_string(),
                    "the TLS or HTTP client could not be set up; report this as a bug",
                )
            })?;
        let mut auth_headers = HeaderMap::new();
        if let Some(key) = &cfg.api_key {
            let (name, text) = match cfg.kind {
                ProviderKind::OpenAi => (header::AUTHORIZATION, format!("Bearer {}", key.expose())),
                ProviderKind::Anthropic => (
                    header::HeaderName::from_static("x-api-key"),
                    key.expose().to_owned(),
                ),
            };
            let mut value = HeaderValue::from_str(&text).map_err(|_| {
                invalid(
                    "api_key",
                    "[REDACTED]".to_owned(),
                    "the key contains characters not allowed in an HTTP header; check for a stray newline",
                )
            })?;
            value.set_sensitive(true);
            auth_headers.insert(name, value);
        }
        if cfg.kind == ProviderKind::Anthropic {
            auth_headers.insert(
                header::HeaderName::from_static("anthropic-version"),
                HeaderValue::from_static(ANTHROPIC_VERSION),
            );
        }
        auth_headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let url = wire::chat_url(cfg.kind, &cfg.base_url);
        let describe = cfg.describe();
        let semaphore = Semaphore::new(cfg.concurrency);
        Ok(Provider {
            inner: Arc::new(Inner {
                cfg,
                client,
                url,
                describe,
                semaphore,
                auth_headers,
            }),
        })
    }

    /// The model name.
    pub fn model(&self) -> &str {
        &self.inner.cfg.model
    }

    /// The wire API.
    pub fn kind(&self) -> ProviderKind {
        self.inner.cfg.kind
    }

    /// The configuration (the key stays redacted in its `Debug`).
    pub fn config(&self) -> &ProviderConfig {
        &self.inner.cfg
    }

    /// `kind provider at URL (model M)`.
    pub fn describe(&self) -> &str {
        &self.inner.describe
    }

    /// One chat call, retried on 429 / 5xx / connection errors up to `max_retries` times.
    pub async fn chat(&self, req: &ChatRequest) -> Result<ChatResponse, ProviderError> {
        self.chat_with(req, self.inner.cfg.max_retries, false).await
    }

    /// Like [`Provider::chat`], and keeps the exact request and response bodies in
    /// [`ChatResponse::exchange`].
    pub async fn chat_recorded(&self, req: &ChatRequest) -> Result<ChatResponse, ProviderError> {
        self.chat_with(req, self.inner.cfg.max_retries, true).await
    }

    /// Sends a 1-token request (at most one retry) and says whether the provider answers.
    /// Connection refused, DNS failure, timeout, 401/403, unknown model (404 or an error body
    /// naming the model), persistent 5xx and non-API answers are `Unavailable`; a 400/422
    /// about the tiny request itself still proves the server and model are there.
    pub async fn check_available(&self) -> Availability {
        let req = ChatRequest {
            system: String::new(),
            messages: vec![ChatMessage::User {
                text: "Reply with OK.".to_owned(),
            }],
            tools: Vec::new(),
            temperature: None,
            max_tokens: Some(1),
            seed: None,
        };
        match self
            .chat_with(&req, self.inner.cfg.max_retries.min(1), false)
            .await
        {
            Ok(_) => Availability::Available,
            Err(ProviderError::Status {
                status: 400 | 422, ..
            }) => Availability::Available,
            Err(e) => Availability::Unavailable {
                reason: e.to_string(),
            },
        }
    }

    async fn chat_with(
        &self,
        req: &ChatRequest,
        max_retries: u32,
        record: bool,
    ) -> Result<ChatResponse, ProviderError> {
        let inner = &*self.inner;
        let body = wire::encode_request(&inner.cfg, req).map_err(|e| ProviderError::Malformed {
            provider: inner.describe.clone(),
            detail: format!("the request could not be encoded as JSON: {e}"),
        })?;
        let body = bytes::Bytes::from(body);
        let mut delays = ExponentialBuilder::default()
            .with_min_delay(inner.cfg.retry_base_delay)
            .with_max_delay(inner.cfg.retry_max_delay)
            .with_factor(2.0)
            .with_jitter()
            .with_max_times(max_retries as usize)
            .build();
        let started = Instant::now();
        let mut queued = Duration::ZERO;
        let mut attempts: u32 = 0;
        loop {
            attempts += 1;
            let wait = Instant::now();
            let permit =
                inner
                    .semaphore
                    .acquire()
                    .await
                    .map_err(|_| ProviderError::Unavailable {
                        provider: inner.describe.clone(),
                        reason: "the provider was shut down".to_owned(),
                    })?;
            queued += wait.elapsed();
            let outcome = self.attempt(body.clone(), attempts).await;
            drop(permit);
            let failure = match outcome {
                Ok(resp_body) => {
                    let decoded =
                        wire::decode_response(inner.cfg.kind, &resp_body).map_err(|detail| {
                            ProviderError::Malformed {
                                provider: inner.describe.clone(),
                                detail: format!(
                                    "{detail}; body starts: {}",
                                    self.excerpt(&resp_body)
                                ),
                            }
                        })?;
                    let latency = started.elapsed().saturating_sub(queued);
                    let exchange = record.then(|| Exchange {
                        url: inner.url.clone(),
                        request: String::from_utf8_lossy(&body).into_owned(),
                        response: String::from_utf8_lossy(&resp_body).into_owned(),
                    });
                    tracing::debug!(
                        provider = %inner.describe,
                        attempts,
                        latency_ms = latency.as_millis() as u64,
                        input_tokens = decoded.usage.input_tokens,
                        output_tokens = decoded.usage.output_tokens,
                        "provider call done"
                    );
                    return Ok(ChatResponse {
                        text: decoded.text,
                        tool_calls: decoded.tool_calls,
                        usage: decoded.usage,
                        stop_reason: decoded.stop_reason,
                        latency_ms: latency.as_millis() as u64,
                        attempts,
                        queued_ms: queued.as_millis() as u64,
                        exchange,
                    });
                }
                Err(f) => f,
            };
            match failure {
                Failure::Fatal(e) => return Err(self.log_failure(e, attempts)),
                Failure::Retry { error, retry_after } => match delays.next() {
                    None => return Err(self.log_failure(error, attempts)),
                    Some(backoff) => {
                        let delay = retry_after
                            .map(|d| d.min(inner.cfg.retry_max_delay))
                            .unwrap_or(backoff);
                        tracing::warn!(
                            provider = %inner.describe,
                            attempt = attempts,
                            delay_ms = delay.as_millis() as u64,
                            error = %error,
                            "provider call failed, retrying"
                        );
                        tokio::time::sleep(delay).await;
                    }
                },
            }
        }
    }

    /// One HTTP attempt: the response body on 2xx, otherwise how it failed.
    async fn attempt(&self, body: bytes::Bytes, attempt: u32) -> Result<bytes::Bytes, Failure> {
        let inner = &*self.inner;
        let sent = inner
            .client
            .post(&inner.url)
            .headers(inner.auth_headers.clone())
            .body(body)
            .send()
            .await;
        let resp = match sent {
            Ok(r) => r,
            Err(e) => return Err(self.transport_failure(&e)),
        };
        let status = resp.status().as_u16();
        let retry_after = retry_after(resp.headers());
        let bytes = match resp.bytes().await {
            Ok(b) => b,
            Err(e) => return Err(self.transport_failure(&e)),
        };
        if (200..300).contains(&status) {
            return Ok(bytes);
        }
        let message = self.scrub(&wire::error_message(&bytes));
        let status_error = ProviderError::Status {
            provider: inner.describe.clone(),
            status,
            body_excerpt: truncate(&message),
            gave_up_after: attempt,
        };
        Err(match status {
            401 | 403 => Failure::Fatal(self.unavailable(format!(
                "HTTP {status}, the API key was rejected ({}): set SKILLGATE_API_KEY (or api_key_env in [provider] of skillgate.toml) to a valid key",
                truncate(&message)
            ))),
            404 => Failure::Fatal(self.unavailable(format!(
                "HTTP 404 from {} ({}): the model `{}` is unknown there or base_url is wrong; check model and base_url (OpenAI-compatible base URLs end in /v1)",
                inner.url,
                truncate(&message),
                inner.cfg.model
            ))),
            400 | 422 if names_unknown_model(&message) => Failure::Fatal(self.unavailable(format!(
                "HTTP {status}, the model `{}` is unknown ({}): set model to one the server serves",
                inner.cfg.model,
                truncate(&message)
            ))),
            408 | 409 | 425 | 429 | 500..=599 => Failure::Retry {
                error: status_error,
                retry_after,
            },
            _ => Failure::Fatal(status_error),
        })
    }

    fn transport_failure(&self, e: &reqwest::Error) -> Failure {
        let inner = &*self.inner;
        if e.is_connect() {
            return Failure::Retry {
                error: self.unavailable(format!(
                    "cannot connect to {}: {}; is the server running and is base_url right?",
                    inner.url,
                    error_chain(e)
                )),
                retry_after: None,
            };
        }
        if e.is_timeout() {
            return Failure::Fatal(ProviderError::Timeout {
                provider: inner.describe.clone(),
                after_ms: inner.cfg.timeout.as_millis() as u64,
            });
        }
        Failure::Retry {
            error: self.unavailable(format!(
                "the connection to {} failed: {}",
                inner.url,
                error_chain(e)
            )),
            retry_after: None,
        }
    }

    /// Logs a call that failed for good (the error text never holds the key).
    fn log_failure(&self, error: ProviderError, attempts: u32) -> ProviderError {
        tracing::warn!(
            provider = %self.inner.describe,
            attempts,
            unavailable = error.is_unavailable(),
            error = %error,
            "provider call failed"
        );
        error
    }

    fn unavailable(&self, reason: String) -> ProviderError {
        ProviderError::Unavailable {
            provider: self.inner.describe.clone(),
            reason,
        }
    }

    /// Removes the key from text a server sent back (some echo it in error messages).
    fn scrub(&self, text: &str) -> String {
        match &self.inner.cfg.api_key {
            Some(key) if key.expose().len() >= 4 => text.replace(key.expose(), "[REDACTED]"),
            _ => text.to_owned(),
        }
    }

    fn excerpt(&self, body: &[u8]) -> String {
        truncate(&self.scrub(&String::from_utf8_lossy(body)))
    }
}

/// Whether an error message says the model does not exist.
fn names_unknown_model(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("model")
        && (m.contains("not found")
            || m.contains("does not exist")
            || m.contains("unknown")
            || m.contains("not exist")
            || m.contains("invalid model"))
}

fn truncate(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(EXCERPT_CHARS) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// `Retry-After` (seconds or HTTP date) or `retry-after-ms`.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    if let Some(ms) = headers
        .get("retry-after-ms")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|ms| ms.is_finite() && *ms >= 0.0)
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    parse_retry_after(value, SystemTime::now())
}

/// Parses a `Retry-After` value: delta seconds, or an HTTP date relative to `now`.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_delta_seconds() {
        assert_eq!(
            parse_retry_after("7", SystemTime::now()),
            Some(Duration::from_secs(7))
        );
    }

    #[test]
    fn retry_after_reads_http_date_relative_to_now() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:03 GMT", now),
            Some(Duration::from_secs(3))
        );
    }

    #[test]
    fn retry_after_in_the_past_is_zero() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn retry_after_rejects_garbage() {
        assert_eq!(parse_retry_after("soon", SystemTime::now()), None);
    }

    #[test]
    fn unknown_model_messages_are_recognised() {
        assert!(names_unknown_model("The model `gpt-9` does not exist"));
        assert!(names_unknown_model(
            "model 'llama9' not found, try pulling it first"
        ));
        assert!(!names_unknown_model("max_tokens is too large"));
    }

    #[test]
    fn truncate_keeps_short_text_and_cuts_long_text_on_a_char_boundary() {
        assert_eq!(truncate("short"), "short");
        let long = "é".repeat(EXCERPT_CHARS + 10);
        let cut = truncate(&long);
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
    }
}
