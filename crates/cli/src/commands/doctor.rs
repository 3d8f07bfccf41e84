//! `skillgate doctor`: is this machine ready to replay safely?

use super::Ctx;
use crate::{Outcome, output};
use anyhow::Result;
use serde::{Deserialize, Serialize};
use skillgate_providers::{Availability, Provider, ProviderConfig, ProviderSettings};

/// One line of the doctor's report.
#[derive(Debug, Serialize)]
pub struct Check {
    /// What was checked.
    pub name: &'static str,
    /// `ok`, `warn` or `fail`.
    pub status: &'static str,
    /// What was found and, when not ok, what to do.
    pub detail: String,
}

/// Reads `[provider]` / `[judge]` tables into the provider layer's settings.
pub fn provider_settings(table: Option<&toml::Table>) -> Result<Option<ProviderSettings>> {
    table
        .map(|t| ProviderSettings::deserialize(toml::Value::Table(t.clone())))
        .transpose()
        .map_err(|e| anyhow::anyhow!("invalid [provider] section in skillgate.toml: {e}"))
}

pub async fn run(ctx: &Ctx) -> Result<Outcome> {
    let mut checks = Vec::new();
    match ctx.store().await {
        Ok(store) => {
            let (total, accepted) = store.count_runs().await?;
            checks.push(Check {
                name: "database",
                status: "ok",
                detail: format!(
                    "{} ({}; {total} runs, {accepted} accepted)",
                    ctx.db_label(),
                    store.backend()
                ),
            });
        }
        Err(e) => checks.push(Check {
            name: "database",
            status: "fail",
            detail: format!("{e:#}"),
        }),
    }
    let sandbox = skillgate_tools::sandbox::probe().await;
    checks.push(Check {
        name: "sandbox",
        status: if sandbox.available { "ok" } else { "warn" },
        detail: if sandbox.available {
            sandbox.reason
        } else {
            format!(
                "{}; executed tools will be simulated (surrogate) and confidence drops",
                sandbox.reason
            )
        },
    });
    let settings = provider_settings(ctx.config.provider.as_ref())?;
    let env = |k: &str| std::env::var(k).ok();
    match ProviderConfig::resolve(settings.as_ref(), &env) {
        Ok(None) => checks.push(Check {
            name: "provider",
            status: "warn",
            detail: "no provider configured: evals run in heuristic mode; set SKILLGATE_PROVIDER, SKILLGATE_BASE_URL and SKILLGATE_MODEL or a [provider] table".into(),
        }),
        Ok(Some(cfg)) => {
            let label = format!("{} at {}", cfg.model, cfg.base_url);
            let status = match Provider::new(cfg) {
                Ok(p) => p.check_available().await,
                Err(e) => Availability::Unavailable { reason: e.to_string() },
            };
            checks.push(match status {
                Availability::Available => Check { name: "provider", status: "ok", detail: format!("{label} answers") },
                Availability::Unavailable { reason } => Check { name: "provider", status: "fail", detail: reason },
            });
        }
        Err(e) => checks.push(Check { name: "provider", status: "fail", detail: e.to_string() }),
    }
    let failed = checks.iter().any(|c| c.status == "fail");
    if ctx.json {
        output::print_json(&checks)?;
    } else {
        for c in &checks {
            println!("{:<9} {:<5} {}", c.name, c.status, c.detail);
        }
    }
    Ok(if failed {
        Outcome::Findings
    } else {
        Outcome::Ok
    })
}
