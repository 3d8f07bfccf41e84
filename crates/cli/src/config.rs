//! `skillgate.toml`: deployment configuration. Unknown keys are errors so typos surface.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The whole configuration file. Every section is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Run import settings.
    #[serde(default)]
    pub import: ImportConfig,
    /// Tool policy settings.
    #[serde(default)]
    pub policy: PolicyConfig,
    /// Eval settings (cases, trials, budget…).
    #[allow(dead_code)]
    #[serde(default)]
    pub eval: crate::commands::eval::EvalConfig,
    /// Publish gate settings (rollout phase…).
    #[serde(default)]
    pub gate: crate::commands::governance::GateSettings,
    /// Raw data retention (`skillgate purge`).
    #[serde(default)]
    pub retention: skillgate_ops::RetentionConfig,
    /// Redaction of secrets and personal identifiers before storage.
    #[allow(dead_code)]
    #[serde(default)]
    pub redaction: skillgate_redact::RedactionConfig,
    /// LLM provider for replay (read by the provider layer).
    #[allow(dead_code)]
    #[serde(default)]
    pub provider: Option<toml::Table>,
    /// Separate judge model (read by the provider layer).
    #[allow(dead_code)]
    #[serde(default)]
    pub judge: Option<toml::Table>,
}

/// `[import]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportConfig {
    /// Longest accepted JSON line, in bytes.
    #[serde(default = "default_max_line_bytes")]
    pub max_line_bytes: usize,
    /// Runs written per transaction.
    #[serde(default = "default_batch_size")]
    pub batch_size: usize,
}

impl Default for ImportConfig {
    fn default() -> Self {
        ImportConfig {
            max_line_bytes: default_max_line_bytes(),
            batch_size: default_batch_size(),
        }
    }
}

fn default_max_line_bytes() -> usize {
    16 * 1024 * 1024
}
fn default_batch_size() -> usize {
    500
}

/// `[policy]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    /// Policy rules file (TOML), relative to the config file.
    #[serde(default)]
    pub file: Option<PathBuf>,
}

impl Config {
    /// Loads `path` if given (it must exist), else `./skillgate.toml` if present, else defaults.
    pub fn load(path: Option<&Path>) -> Result<Config> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from("skillgate.toml"), false),
        };
        if !path.exists() {
            if required {
                anyhow::bail!(
                    "config file {} does not exist; run `skillgate init` to write one or drop --config",
                    path.display()
                );
            }
            return Ok(Config::default());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        let mut config: Config = toml::from_str(&text)
            .with_context(|| format!("invalid config file {}", path.display()))?;
        if let (Some(file), Some(dir)) = (&config.policy.file, path.parent())
            && file.is_relative()
        {
            config.policy.file = Some(dir.join(file));
        }
        Ok(config)
    }
}

/// The commented template `skillgate init` writes.
pub const TEMPLATE: &str = r#"# skillgate configuration. Every key is optional; environment variables
# (SKILLGATE_PROVIDER, SKILLGATE_BASE_URL, SKILLGATE_MODEL, SKILLGATE_API_KEY)
# override the [provider] table.

[import]
# max_line_bytes = 16777216   # longest accepted JSON line
# batch_size = 500            # runs per transaction

[policy]
# file = "policy.toml"        # tool policy rules, see docs/tool-policy.md

[gate]
# phase = "strict"            # shadow | strict | pilot | ga (docs/governance.md)
# allow_partial_evidence = false

# [provider]
# kind = "openai"             # or "anthropic"
# base_url = "http://127.0.0.1:8080/v1"
# model = "my-model"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_parses_and_unknown_keys_are_rejected() {
        let c: Config = toml::from_str(TEMPLATE).unwrap();
        assert_eq!(c.import.batch_size, 500);
        let err = toml::from_str::<Config>("[import]\nbatch = 3\n").unwrap_err();
        assert!(err.to_string().contains("unknown field `batch`"), "{err}");
    }
}
