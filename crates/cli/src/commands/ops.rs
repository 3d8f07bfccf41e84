//! `skillgate metrics`, `skillgate alerts`, `skillgate purge` (SPEC §7,
//! runbook §5 and §8). Logic lives in `skillgate-ops`; this file parses,
//! wires and prints.

use super::Ctx;
use crate::{Outcome, output};
use anyhow::Result;
use clap::Args;

/// `skillgate metrics [--since 14d]`
#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// Window ending now: a whole number and a unit (m, h, d, w), e.g. 14d.
    #[arg(long, default_value = "14d")]
    pub since: String,
}

/// `skillgate alerts [--since 14d]`
#[derive(Debug, Args)]
pub struct AlertsArgs {
    /// Window of the rate and percentile alerts, e.g. 14d (the publish rate
    /// always looks at the last two weeks, spikes at their own baselines).
    #[arg(long, default_value = "14d")]
    pub since: String,
}

/// `skillgate purge [--dry-run]`
#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// Count what would be removed, change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Who purges, for the audit log (default: $USER).
    #[arg(long)]
    pub actor: Option<String>,
}

fn opt(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    v.map_or_else(|| "n/a".to_string(), f)
}

fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

fn secs(v: f64) -> String {
    if v >= 120.0 {
        format!("{:.1} min", v / 60.0)
    } else {
        format!("{v:.1} s")
    }
}

/// Prints the product and operational metrics of the window.
pub async fn metrics(ctx: &Ctx, a: MetricsArgs) -> Result<Outcome> {
    let window = skillgate_ops::parse_window(&a.since)?;
    let store = ctx.store().await?;
    let m = skillgate_ops::metrics_report(&store, window).await?;
    if ctx.json {
        output::print_json(&m)?;
        return Ok(Outcome::Ok);
    }
    let statuses = m
        .replay_status_counts
        .iter()
        .map(|(s, n)| format!("{s} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut t = output::table(&["metric", "value", "detail"]);
    let rows = [
        (
            "trusted skill publish rate",
            opt(m.trusted_publish_rate, pct),
            format!(
                "{} of {} decided drafts published",
                m.drafts_published, m.drafts_decided
            ),
        ),
        (
            "reviewer decision time p50 / p95",
            format!(
                "{} / {}",
                opt(m.review_decision_p50_seconds, secs),
                opt(m.review_decision_p95_seconds, secs)
            ),
            format!("{} timed reviews", m.reviews_timed),
        ),
        (
            "replay regression rate",
            opt(m.replay_regression_rate, pct),
            format!(
                "{} of {} replay reports regressed a case",
                m.regressed_reports, m.replay_reports
            ),
        ),
        (
            "provider-unavailable skip rate",
            opt(m.provider_skip_rate, pct),
            format!(
                "{} of {} finished evals",
                m.provider_unavailable_skips, m.finished_evals
            ),
        ),
        (
            "replay latency p50 / p95",
            format!(
                "{} / {}",
                opt(m.replay_latency_p50_seconds, secs),
                opt(m.replay_latency_p95_seconds, secs)
            ),
            "eval wall time".to_string(),
        ),
        ("replay status counts", statuses, String::new()),
        (
            "reports with blocked coverage 1.0",
            m.blocked_coverage_full_reports.to_string(),
            String::new(),
        ),
        (
            "open incidents",
            m.open_incidents.to_string(),
            format!(
                "{} P0 open, {} P0 opened in window",
                m.open_side_effect_incidents, m.side_effect_incidents
            ),
        ),
        (
            "failed preservation reports",
            m.preservation_failed.to_string(),
            format!("of {}", m.preservation_reports),
        ),
    ];
    for (name, value, detail) in rows {
        t.add_row(vec![name.to_string(), value, detail]);
    }
    println!("metrics from {} to {}", m.from, m.to);
    println!("{t}");
    Ok(Outcome::Ok)
}

/// Evaluates the runbook alerts on stored data; `Findings` (exit 1) when any fires.
pub async fn alerts(ctx: &Ctx, a: AlertsArgs) -> Result<Outcome> {
    let window = skillgate_ops::parse_window(&a.since)?;
    let store = ctx.store().await?;
    let alerts = skillgate_ops::alerts_report(&store, window).await?;
    let any = alerts.iter().any(|a| a.firing);
    if ctx.json {
        output::print_json(&alerts)?;
    } else {
        let mut t = output::table(&["alert", "state", "severity", "owner", "value", "summary"]);
        for a in &alerts {
            t.add_row(vec![
                a.name.to_string(),
                if a.firing { "FIRING" } else { "ok" }.to_string(),
                a.severity.to_string(),
                a.owner.to_string(),
                a.value.map_or_else(|| "n/a".into(), |v| format!("{v:.3}")),
                output::truncate(&a.summary, 80),
            ]);
        }
        println!("{t}");
    }
    Ok(if any { Outcome::Findings } else { Outcome::Ok })
}

/// Removes raw replay data past `[retention]` (or counts it with `--dry-run`).
pub async fn purge(ctx: &Ctx, a: PurgeArgs) -> Result<Outcome> {
    let store = ctx.store().await?;
    let actor = super::governance::actor_name(a.actor);
    let counts = skillgate_ops::purge(&store, &ctx.config.retention, a.dry_run, &actor).await?;
    if ctx.json {
        output::print_json(&counts)?;
    } else {
        let verb = if counts.dry_run {
            "would purge"
        } else {
            "purged"
        };
        println!(
            "{verb} raw data of {} evals: {} transcripts, {} tool calls, {} case reports (raw_days = {}, {} tenant overrides)",
            counts.evals,
            counts.transcripts,
            counts.tool_calls,
            counts.case_reports,
            ctx.config.retention.raw_days,
            ctx.config.retention.tenants.len()
        );
    }
    Ok(Outcome::Ok)
}
