//! Provider configuration: the `[provider]` / `[judge]` tables of `skillgate.toml` overlaid by
//! environment variables.

use std::fmt;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize};

/// Which wire API a provider speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// OpenAI-compatible chat completions (OpenAI, vLLM, llama.cpp server, Ollama, ...).
    #[serde(rename = "openai")]
    OpenAi,
    /// Anthropic Messages.
    Anthropic,
}

impl ProviderKind {
    /// The serde / config name: `openai` or `anthropic`.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::OpenAi => "openai",
            ProviderKind::Anthropic => "anthropic",
        }
    }

    /// The base URL used when none is configured.
    pub fn default_base_url(self) -> &'static str {
        match self {
            ProviderKind::OpenAi => "https://api.openai.com/v1",
            ProviderKind::Anthropic => "https://api.anthropic.com",
        }
    }

    /// Parses `openai` / `anthropic` (case-insensitive; `openai-compatible`, `vllm`,
    /// `ollama`, `llamacpp` / `llama.cpp` are accepted as `openai`).
    pub fn parse(text: &str) -> Option<ProviderKind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "openai" | "openai-compatible" | "openai_compatible" | "vllm" | "ollama"
            | "llamacpp" | "llama.cpp" | "llama-cpp" => Some(ProviderKind::OpenAi),
            "anthropic" => Some(ProviderKind::Anthropic),
            _ => None,
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An API key held in memory only: its `Debug` and `Display` print `[REDACTED]`, it does not
/// implement `Serialize`, and it is never logged.
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> ApiKey {
        ApiKey(SecretString::from(key.into()))
    }

    /// The key text, for building the request header only.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([REDACTED])")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl<'de> Deserialize<'de> for ApiKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ApiKey, D::Error> {
        String::deserialize(deserializer).map(ApiKey::new)
    }
}

/// The `[provider]` (or `[judge]`) table of `skillgate.toml`; every field optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderSettings {
    /// `openai` or `anthropic` (also accepted as `provider`).
    #[serde(default, alias = "provider")]
    pub kind: Option<String>,
    /// API base URL, e.g. `http://127.0.0.1:8080/v1` (OpenAI) or `https://api.anthropic.com`.
    #[serde(default)]
    pub base_url: Option<String>,
    /// Model name sent with every request.
    #[serde(default)]
    pub model: Option<String>,
    /// The key itself (prefer `api_key_env` or the env var so keys stay out of files).
    #[serde(default)]
    pub api_key: Option<ApiKey>,
    /// Name of an environment variable holding the key, e.g. `OPENAI_API_KEY`.
    #[serde(default)]
    pub api_key_env: Option<String>,
    /// Whole-request timeout in seconds (default 120).
    #[serde(default)]
    pub timeout_secs: Option<f64>,
    /// Connect timeout in seconds (default 10).
    #[serde(default)]
    pub connect_timeout_secs: Option<f64>,
    /// Retries after the first attempt on 429 / 5xx / connection errors (default 3).
    #[serde(default)]
    pub max_retries: Option<u32>,
    /// Most requests in flight at once across all clones of the provider (default 4).
    #[serde(default)]
    pub concurrency: Option<usize>,
    /// Sampling temperature (default 0.0).
    #[serde(default)]
    pub temperature: Option<f32>,
    /// Most output tokens per call (default 1024).
    #[serde(default)]
    pub max_tokens: Option<u32>,
    /// First retry delay in milliseconds before jitter (default 500).
    #[serde(default)]
    pub retry_base_delay_ms: Option<u64>,
    /// Longest delay between retries in milliseconds, `Retry-After` included (default 30000).
    #[serde(default)]
    pub retry_max_delay_ms: Option<u64>,
}

/// A complete provider configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProviderConfig {
    /// Wire API.
    pub kind: ProviderKind,
    /// Base URL: OpenAI posts to `{base_url}/chat/completions`, Anthropic to `{base_url}/v1/messages`.
    pub base_url: String,
    /// Model name.
    pub model: String,
    /// API key; never serialized.
    #[serde(skip_serializing, default)]
    pub api_key: Option<ApiKey>,
    /// Whole-request timeout (one attempt).
    pub timeout: Duration,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Retries after the first attempt on 429 / 5xx / connection errors.
    pub max_retries: u32,
    /// Most requests in flight at once across all clones of the provider.
    pub concurrency: usize,
    /// Default sampling temperature (a request may override it).
    pub temperature: f32,
    /// Default output token limit (a request may override it).
    pub max_tokens: u32,
    /// First retry delay before jitter; doubles per retry.
    pub retry_base_delay: Duration,
    /// Longest delay between retries, `Retry-After` included.
    pub retry_max_delay: Duration,
}

/// Defaults used by [`ProviderConfig::new`] and [`ProviderConfig::resolve`].
pub mod defaults {
    use std::time::Duration;
    /// Whole-request timeout.
    pub const TIMEOUT: Duration = Duration::from_secs(120);
    /// Connect timeout.
    pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    /// Retries after the first attempt.
    pub const MAX_RETRIES: u32 = 3;
    /// Requests in flight.
    pub const CONCURRENCY: usize = 4;
    /// Temperature.
    pub const TEMPERATURE: f32 = 0.0;
    /// Output tokens.
    pub const MAX_TOKENS: u32 = 1024;
    /// First retry delay.
    pub const RETRY_BASE_DELAY: Duration = Duration::from_millis(500);
    /// Longest retry delay.
    pub const RETRY_MAX_DELAY: Duration = Duration::from_secs(30);
}

/// A provider configuration is incomplete or invalid.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum ConfigError {
    /// Unknown provider kind.
    #[error(
        "unknown provider `{value}` in {source_name}: use `openai` (any OpenAI-compatible server) or `anthropic`"
    )]
    UnknownKind {
        /// What was given.
        value: String,
        /// Where it came from (env var or config key).
        source_name: String,
    },
    /// Something is configured but no model.
    #[error(
        "a {table} provider is configured but no model is set: set `model` in [{table}] of skillgate.toml or {env_var}"
    )]
    MissingModel {
        /// `provider` or `judge`.
        table: String,
        /// The env var that sets the model.
        env_var: String,
    },
    /// A value is out of range or malformed.
    #[error("invalid {key} `{value}` in {source_name}: {fix}")]
    Invalid {
        /// The config key.
        key: String,
        /// What was given.
        value: String,
        /// Where it came from.
        source_name: String,
        /// How to fix it.
        fix: String,
    },
    /// `api_key_env` names a variable that is not set.
    #[error(
        "api_key_env = `{var}` in [{table}] of skillgate.toml, but that environment variable is not set: export it or remove api_key_env"
    )]
    MissingKeyEnv {
        /// The variable.
        var: String,
        /// `provider` or `judge`.
        table: String,
    },
}

/// Which table and env var prefix [`ProviderConfig::resolve_role`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderRole {
    /// `[provider]`, `SKILLGATE_PROVIDER`, `SKILLGATE_BASE_URL`, `SKILLGATE_MODEL`, `SKILLGATE_API_KEY`.
    Agent,
    /// `[judge]`, `SKILLGATE_JUDGE_PROVIDER`, `SKILLGATE_JUDGE_BASE_URL`, `SKILLGATE_JUDGE_MODEL`, `SKILLGATE_JUDGE_API_KEY`.
    Judge,
}

impl ProviderRole {
    fn table(self) -> &'static str {
        match self {
            ProviderRole::Agent => "provider",
            ProviderRole::Judge => "judge",
        }
    }

    fn env(self, what: &str) -> String {
        match self {
            ProviderRole::Agent => format!("SKILLGATE_{what}"),
            ProviderRole::Judge => format!("SKILLGATE_JUDGE_{what}"),
        }
    }
}

fn secs(
    value: Option<f64>,
    default: Duration,
    key: &str,
    table: &str,
) -> Result<Duration, ConfigError> {
    match value {
        None => Ok(default),
        Some(s) if s.is_finite() && s > 0.0 && s < 86_400.0 => Ok(Duration::from_secs_f64(s)),
        Some(s) => Err(ConfigError::Invalid {
            key: key.to_owned(),
            value: s.to_string(),
            source_name: format!("[{table}] of skillgate.toml"),
            fix: "use a number of seconds greater than 0 and less than 86400".to_owned(),
        }),
    }
}

impl ProviderConfig {
    /// A configuration with the defaults from [`defaults`] and no key.
    pub fn new(
        kind: ProviderKind,
        base_url: impl Into<String>,
        model: impl Into<String>,
    ) -> ProviderConfig {
        ProviderConfig {
            kind,
            base_url: base_url.into(),
            model: model.into(),
            api_key: None,
            timeout: defaults::TIMEOUT,
            connect_timeout: defaults::CONNECT_TIMEOUT,
            max_retries: defaults::MAX_RETRIES,
            concurrency: defaults::CONCURRENCY,
            temperature: defaults::TEMPERATURE,
            max_tokens: defaults::MAX_TOKENS,
            retry_base_delay: defaults::RETRY_BASE_DELAY,
            retry_max_delay: defaults::RETRY_MAX_DELAY,
        }
    }

    /// The agent provider from an optional `[provider]` table overlaid by `SKILLGATE_PROVIDER`,
    /// `SKILLGATE_BASE_URL`, `SKILLGATE_MODEL` and `SKILLGATE_API_KEY` (env wins). `Ok(None)`
    /// when none of kind, base URL and model is configured anywhere.
    pub fn resolve(
        settings: Option<&ProviderSettings>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<ProviderConfig>, ConfigError> {
        ProviderConfig::resolve_role(ProviderRole::Agent, settings, env)
    }

    /// The judge provider: like [`ProviderConfig::resolve`] with `[judge]` and the
    /// `SKILLGATE_JUDGE_*` variables.
    pub fn resolve_judge(
        settings: Option<&ProviderSettings>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<ProviderConfig>, ConfigError> {
        ProviderConfig::resolve_role(ProviderRole::Judge, settings, env)
    }

    /// Resolves the table and env vars of `role`; see [`ProviderConfig::resolve`].
    pub fn resolve_role(
        role: ProviderRole,
        settings: Option<&ProviderSettings>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<ProviderConfig>, ConfigError> {
        let empty = ProviderSettings::default();
        let s = settings.unwrap_or(&empty);
        let table = role.table();
        let nonempty = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
        let kind_env = role.env("PROVIDER");
        let url_env = role.env("BASE_URL");
        let model_env = role.env("MODEL");
        let key_env = role.env("API_KEY");

        let (kind_text, kind_source) = match nonempty(env(&kind_env)) {
            Some(v) => (Some(v), kind_env.clone()),
            None => (s.kind.clone(), format!("[{table}] kind of skillgate.toml")),
        };
        let base_url = nonempty(env(&url_env)).or_else(|| s.base_url.clone());
        let model = nonempty(env(&model_env)).or_else(|| s.model.clone());
        let key_from_env = nonempty(env(&key_env)).map(ApiKey::new);

        if kind_text.is_none() && base_url.is_none() && model.is_none() {
            if key_from_env.is_some() || s.api_key.is_some() {
                return Err(ConfigError::MissingModel {
                    table: table.to_owned(),
                    env_var: model_env,
                });
            }
            return Ok(None);
        }
        let kind = match kind_text {
            None => ProviderKind::OpenAi,
            Some(text) => ProviderKind::parse(&text).ok_or(ConfigError::UnknownKind {
                value: text,
                source_name: kind_source,
            })?,
        };
        let model =
            model
                .filter(|m| !m.trim().is_empty())
                .ok_or_else(|| ConfigError::MissingModel {
                    table: table.to_owned(),
                    env_var: model_env.clone(),
                })?;
        let base_url = base_url.unwrap_or_else(|| kind.default_base_url().to_owned());
        let base_url = base_url.trim().trim_end_matches('/').to_owned();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(ConfigError::Invalid {
                key: "base_url".to_owned(),
                value: base_url,
                source_name: format!("{url_env} or [{table}] base_url of skillgate.toml"),
                fix: "use an http:// or https:// URL such as http://127.0.0.1:8080/v1".to_owned(),
            });
        }
        let api_key = match (key_from_env, &s.api_key_env, &s.api_key) {
            (Some(k), _, _) => Some(k),
            (None, Some(var), _) => match nonempty(env(var)) {
                Some(v) => Some(ApiKey::new(v)),
                None => {
                    return Err(ConfigError::MissingKeyEnv {
                        var: var.clone(),
                        table: table.to_owned(),
                    });
                }
            },
            (None, None, key) => key.clone(),
        };
        let concurrency = s.concurrency.unwrap_or(defaults::CONCURRENCY);
        if concurrency == 0 {
            return Err(ConfigError::Invalid {
                key: "concurrency".to_owned(),
                value: "0".to_owned(),
                source_name: format!("[{table}] of skillgate.toml"),
                fix: "use 1 or more".to_owned(),
            });
        }
        let temperature = s.temperature.unwrap_or(defaults::TEMPERATURE);
        if !(0.0..=2.0).contains(&temperature) {
            return Err(ConfigError::Invalid {
                key: "temperature".to_owned(),
                value: temperature.to_string(),
                source_name: format!("[{table}] of skillgate.toml"),
                fix: "use a value from 0.0 to 2.0".to_owned(),
            });
        }
        let max_tokens = s.max_tokens.unwrap_or(defaults::MAX_TOKENS);
        if max_tokens == 0 {
            return Err(ConfigError::Invalid {
                key: "max_tokens".to_owned(),
                value: "0".to_owned(),
                source_name: format!("[{table}] of skillgate.toml"),
                fix: "use 1 or more".to_owned(),
            });
        }
        Ok(Some(ProviderConfig {
            kind,
            base_url,
            model,
            api_key,
            timeout: secs(s.timeout_secs, defaults::TIMEOUT, "timeout_secs", table)?,
            connect_timeout: secs(
                s.connect_timeout_secs,
                defaults::CONNECT_TIMEOUT,
                "connect_timeout_secs",
                table,
            )?,
            max_retries: s.max_retries.unwrap_or(defaults::MAX_RETRIES),
            concurrency,
            temperature,
            max_tokens,
            retry_base_delay: s
                .retry_base_delay_ms
                .map(Duration::from_millis)
                .unwrap_or(defaults::RETRY_BASE_DELAY),
            retry_max_delay: s
                .retry_max_delay_ms
                .map(Duration::from_millis)
                .unwrap_or(defaults::RETRY_MAX_DELAY),
        }))
    }

    /// `kind base_url (model)`, for messages and logs; never includes the key.
    pub fn describe(&self) -> String {
        format!(
            "{} provider at {} (model {})",
            self.kind, self.base_url, self.model
        )
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name: &str| map.get(name).cloned()
    }

    #[test]
    fn nothing_configured_resolves_to_none() {
        let got = ProviderConfig::resolve(None, &env_of(&[])).unwrap();
        assert!(got.is_none());
    }

    #[test]
    fn table_values_are_used_with_defaults_for_the_rest() {
        let settings: ProviderSettings = toml::from_str(
            "kind = \"anthropic\"\nmodel = \"claude-x\"\nmax_retries = 5\ntimeout_secs = 2.5",
        )
        .unwrap();
        let cfg = ProviderConfig::resolve(Some(&settings), &env_of(&[]))
            .unwrap()
            .unwrap();
        assert_eq!(cfg.kind, ProviderKind::Anthropic);
        assert_eq!(cfg.base_url, "https://api.anthropic.com");
        assert_eq!(cfg.model, "claude-x");
        assert_eq!(cfg.max_retries, 5);
        assert_eq!(cfg.timeout, Duration::from_millis(2500));
        assert_eq!(cfg.concurrency, defaults::CONCURRENCY);
        assert!(cfg.api_key.is_none());
    }

    #[test]
    fn env_vars_override_the_table() {
        let settings: ProviderSettings =
            toml::from_str("kind = \"anthropic\"\nmodel = \"a\"\nbase_url = \"http://x\"").unwrap();
        let env = env_of(&[
            ("SKILLGATE_PROVIDER", "openai"),
            ("SKILLGATE_BASE_URL", "http://127.0.0.1:8080/v1/"),
            ("SKILLGATE_MODEL", "qwen"),
            ("SKILLGATE_API_KEY", "k-123"),
        ]);
        let cfg = ProviderConfig::resolve(Some(&settings), &env)
            .unwrap()
            .unwrap();
        assert_eq!(cfg.kind, ProviderKind::OpenAi);
        assert_eq!(cfg.base_url, "http://127.0.0.1:8080/v1");
        assert_eq!(cfg.model, "qwen");
        assert_eq!(cfg.api_key.as_ref().map(ApiKey::expose), Some("k-123"));
    }

    #[test]
    fn judge_reads_only_judge_env_vars() {
        let env = env_of(&[
            ("SKILLGATE_MODEL", "agent"),
            ("SKILLGATE_JUDGE_MODEL", "judge"),
        ]);
        let judge = ProviderConfig::resolve_judge(None, &env).unwrap().unwrap();
        assert_eq!(judge.model, "judge");
        assert_eq!(judge.kind, ProviderKind::OpenAi);
        let none =
            ProviderConfig::resolve_judge(None, &env_of(&[("SKILLGATE_MODEL", "a")])).unwrap();
        assert!(none.is_none());
    }

    #[test]
    fn key_without_model_is_an_error_naming_the_model_variable() {
        let err =
            ProviderConfig::resolve(None, &env_of(&[("SKILLGATE_API_KEY", "k")])).unwrap_err();
        assert!(err.to_string().contains("SKILLGATE_MODEL"), "{err}");
    }

    #[test]
    fn unknown_kind_is_an_error_naming_the_source() {
        let err = ProviderConfig::resolve(
            None,
            &env_of(&[("SKILLGATE_PROVIDER", "gemini"), ("SKILLGATE_MODEL", "m")]),
        )
        .unwrap_err();
        assert!(matches!(err, ConfigError::UnknownKind { .. }));
        assert!(err.to_string().contains("SKILLGATE_PROVIDER"), "{err}");
    }

    #[test]
    fn api_key_env_reads_the_named_variable_and_fails_when_unset() {
        let settings: ProviderSettings =
            toml::from_str("model = \"m\"\napi_key_env = \"MY_KEY\"").unwrap();
        let cfg = ProviderConfig::resolve(Some(&settings), &env_of(&[("MY_KEY", "secret")]))
            .unwrap()
            .unwrap();
        assert_eq!(cfg.api_key.as_ref().map(ApiKey::expose), Some("secret"));
        let err = ProviderConfig::resolve(Some(&settings), &env_of(&[])).unwrap_err();
        assert!(err.to_string().contains("MY_KEY"), "{err}");
    }

    #[test]
    fn invalid_values_are_rejected() {
        for text in [
            "model = \"m\"\nconcurrency = 0",
            "model = \"m\"\ntemperature = 3.0",
            "model = \"m\"\ntimeout_secs = -1",
            "model = \"m\"\nbase_url = \"ftp://x\"",
        ] {
            let settings: ProviderSettings = toml::from_str(text).unwrap();
            assert!(
                ProviderConfig::resolve(Some(&settings), &env_of(&[])).is_err(),
                "{text}"
            );
        }
    }

    #[test]
    fn unknown_table_keys_are_rejected() {
        assert!(toml::from_str::<ProviderSettings>("modle = \"m\"").is_err());
    }

    #[test]
    fn key_is_redacted_in_debug_and_skipped_in_serialization() {
        let mut cfg = ProviderConfig::new(ProviderKind::OpenAi, "http://x/v1", "m");
        cfg.api_key = Some(ApiKey::new("sk-very-secret"));
        assert!(!format!("{cfg:?}").contains("sk-very-secret"));
        let json = serde_json::to_string(&cfg).unwrap();
        assert!(!json.contains("sk-very-secret"));
        assert!(!json.contains("api_key"));
    }

    #[test]
    fn kind_serializes_as_openai_and_anthropic() {
        assert_eq!(
            serde_json::to_string(&ProviderKind::OpenAi).unwrap(),
            "\"openai\""
        );
        assert_eq!(
            serde_json::from_str::<ProviderKind>("\"anthropic\"").unwrap(),
            ProviderKind::Anthropic
        );
    }
}
