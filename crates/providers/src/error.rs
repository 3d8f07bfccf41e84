//! Errors of a provider call.

use serde::{Deserialize, Serialize};

use crate::config::ConfigError;

/// A chat call failed. Every message names the provider (kind, base URL, model) and the fix;
/// none contains the API key.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum ProviderError {
    /// The provider cannot be used: not reachable, key rejected, model unknown.
    #[error("{provider} is unavailable: {reason}")]
    Unavailable {
        /// `kind provider at URL (model M)`.
        provider: String,
        /// Why, and how to fix it.
        reason: String,
    },
    /// An attempt took longer than the request timeout (timeouts are not retried).
    #[error(
        "{provider} did not answer within {after_ms} ms: raise timeout_secs in [provider] of skillgate.toml, or use a faster model or server"
    )]
    Timeout {
        /// `kind provider at URL (model M)`.
        provider: String,
        /// The timeout that fired.
        after_ms: u64,
    },
    /// The provider answered an HTTP error that retrying did not fix (or that is not retried).
    #[error(
        "{provider} answered HTTP {status} after {gave_up_after} attempt(s): {body_excerpt} ({hint})",
        hint = status_hint(*status)
    )]
    Status {
        /// `kind provider at URL (model M)`.
        provider: String,
        /// The last HTTP status.
        status: u16,
        /// The start of the last error body (the key scrubbed out).
        body_excerpt: String,
        /// Attempts made.
        gave_up_after: u32,
    },
    /// The response is not the API's JSON.
    #[error(
        "{provider} sent a response that is not a valid chat answer: {detail} (check that base_url points at the API of this kind: OpenAI-compatible base URLs end in /v1, Anthropic's has no /v1)"
    )]
    Malformed {
        /// `kind provider at URL (model M)`.
        provider: String,
        /// What was wrong.
        detail: String,
    },
    /// The configuration is invalid.
    #[error("provider configuration: {0}")]
    Config(#[from] ConfigError),
}

fn status_hint(status: u16) -> &'static str {
    match status {
        429 => {
            "rate limited: lower concurrency or raise max_retries in [provider] of skillgate.toml"
        }
        400 | 422 => {
            "the server rejected the request: check the model supports tool calling and the settings (max_tokens, temperature)"
        }
        500..=599 => {
            "the server failed: check its logs or retry later; raise max_retries to retry more"
        }
        _ => "see the body for the reason",
    }
}

impl ProviderError {
    /// Whether the eval should be skipped as `skipped_provider_unavailable` rather than
    /// failed: the provider is unreachable, rejects the key, does not know the model, or kept
    /// answering 429 / 502 / 503 / 504 / 529 through every retry.
    pub fn is_unavailable(&self) -> bool {
        match self {
            ProviderError::Unavailable { .. } => true,
            ProviderError::Status { status, .. } => matches!(status, 429 | 502 | 503 | 504 | 529),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_round_trip_through_json() {
        let errors = [
            ProviderError::Timeout {
                provider: "p".to_owned(),
                after_ms: 5,
            },
            ProviderError::Config(ConfigError::MissingModel {
                table: "provider".to_owned(),
                env_var: "SKILLGATE_MODEL".to_owned(),
            }),
        ];
        for e in errors {
            let json = serde_json::to_string(&e).unwrap();
            let back: ProviderError = serde_json::from_str(&json).unwrap();
            assert_eq!(back, e, "{json}");
        }
    }

    #[test]
    fn only_unreachable_or_overloaded_providers_are_unavailable() {
        let status = |status| ProviderError::Status {
            provider: "p".to_owned(),
            status,
            body_excerpt: String::new(),
            gave_up_after: 4,
        };
        assert!(status(503).is_unavailable());
        assert!(status(429).is_unavailable());
        assert!(!status(500).is_unavailable());
        assert!(!status(400).is_unavailable());
        assert!(
            !ProviderError::Timeout {
                provider: "p".to_owned(),
                after_ms: 1
            }
            .is_unavailable()
        );
    }
}
