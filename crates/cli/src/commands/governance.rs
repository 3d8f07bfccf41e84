//! `skillgate review`, `publish`, `rollback`, `replay disable|enable|status`
//! and `incident open|close|list` (SPEC §6). The gate's rules are in
//! `skillgate_core::gate`; reading their inputs and writing decisions with
//! their audit entries is `skillgate_store`'s. This module wires and prints.

use super::Ctx;
use crate::{Outcome, output};
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use serde::{Deserialize, Serialize};
use skillgate_core::gate::{GateConfig, GateVerdict, RolloutPhase};
use skillgate_store::{KillSwitch, NewReview, PublishOutcome, ReviewDecision, Severity, Store};

/// `[gate]` section of skillgate.toml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateSettings {
    /// Rollout phase: `shadow`, `strict` (default), `pilot` or `ga`.
    #[serde(default)]
    pub phase: RolloutPhase,
    /// Whether a `partial` eval may be published with an approving rationale.
    #[serde(default)]
    pub allow_partial_evidence: bool,
}

impl GateSettings {
    /// The gate configuration these settings give (the stored publish kill
    /// switch is added by the store when it evaluates).
    pub fn gate_config(&self) -> GateConfig {
        GateConfig {
            phase: self.phase,
            allow_partial_evidence: self.allow_partial_evidence,
            publish_disabled: false,
        }
    }
}

/// The gate's verdict for a draft right now, read from the store (current
/// review, static reports, latest eval report, open P0 incidents, kill
/// switch). Writes nothing. For `draft list` and the demo.
pub async fn gate_verdict_for(
    store: &Store,
    draft_id: &str,
    settings: &GateSettings,
) -> Result<GateVerdict> {
    Ok(store
        .gate_reading(draft_id, &settings.gate_config())
        .await?
        .verdict)
}

/// A short one-line label for a verdict, e.g. `pass`, `refuse: review-missing,
/// eval-missing` or, in shadow, `pass (shadow; strict would refuse: …)`.
pub fn verdict_label(verdict: &GateVerdict) -> String {
    let rules = |enforced: Option<bool>| {
        verdict
            .failures
            .iter()
            .filter(|f| enforced.is_none_or(|e| f.enforced == e))
            .map(|f| f.rule.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !verdict.allowed {
        format!("refuse: {}", rules(Some(true)))
    } else if verdict.recommendation_allowed {
        "pass".to_string()
    } else {
        format!(
            "pass ({}; strict would refuse: {})",
            verdict.phase,
            rules(None)
        )
    }
}

/// `skillgate review …`
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Draft to decide on.
    pub draft_id: String,
    /// Approve the draft.
    #[arg(long, conflicts_with = "reject", required_unless_present = "reject")]
    pub approve: bool,
    /// Reject the draft.
    #[arg(long)]
    pub reject: bool,
    /// Why (required to reject, and to approve a partial or skipped eval).
    #[arg(long)]
    pub rationale: Option<String>,
    /// Who decides (default: $USER).
    #[arg(long)]
    pub reviewer: Option<String>,
}

/// `skillgate publish …`
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// Draft to publish.
    pub draft_id: String,
    /// Who publishes (default: $USER).
    #[arg(long)]
    pub actor: Option<String>,
    /// Only show the gate's verdict; publish and record nothing (exit 1 when
    /// it would refuse).
    #[arg(long)]
    pub dry_run: bool,
}

/// `skillgate rollback …`
#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// Skill name.
    pub skill: String,
    /// Version to return to (default: the newest earlier version whose files
    /// differ from the current one).
    #[arg(long)]
    pub to: Option<i64>,
    /// Why (recorded in the audit log).
    #[arg(long)]
    pub reason: String,
    /// Who (default: $USER).
    #[arg(long)]
    pub actor: Option<String>,
}

/// `skillgate replay …` (kill switch)
#[derive(Debug, Subcommand)]
pub enum ReplayCommand {
    /// Turn replay off: evals run in heuristic mode.
    Disable {
        /// Turn publishing off too.
        #[arg(long)]
        publish_too: bool,
        /// Why.
        #[arg(long)]
        reason: String,
        /// Who (default: $USER).
        #[arg(long)]
        actor: Option<String>,
    },
    /// Turn replay and publishing back on.
    Enable {
        /// Why.
        #[arg(long)]
        reason: String,
        /// Turn them on even while a P0 incident is open.
        #[arg(long)]
        force: bool,
        /// Who (default: $USER).
        #[arg(long)]
        actor: Option<String>,
    },
    /// Show the kill switch and open P0 incidents.
    Status,
}

/// `skillgate incident …`
#[derive(Debug, Subcommand)]
pub enum IncidentCommand {
    /// Open an incident; a P0 turns replay and publishing off.
    Open {
        /// P0, P1 or P2.
        #[arg(long)]
        severity: String,
        /// Short title.
        #[arg(long)]
        title: String,
        /// What happened.
        #[arg(long, default_value = "")]
        detail: String,
        /// Who (default: $USER).
        #[arg(long)]
        actor: Option<String>,
    },
    /// Close an incident with its root cause (does not turn replay back on).
    Close {
        /// Incident id.
        id: String,
        /// Root cause (required).
        #[arg(long)]
        root_cause: String,
        /// Run that reproduces the failure: pinned as a replay case of `--skill`, so every
        /// future eval of that skill replays it. Required to close a P0.
        #[arg(long, requires = "skill")]
        regression_case: Option<String>,
        /// Skill the regression case is pinned to.
        #[arg(long, requires = "regression_case")]
        skill: Option<String>,
        /// Who (default: $USER).
        #[arg(long)]
        actor: Option<String>,
    },
    /// List incidents, newest first.
    List {
        /// Only open incidents.
        #[arg(long)]
        open: bool,
    },
}

/// The acting person: the explicit name, else `$USER`, else `$USERNAME`,
/// else `unknown`.
pub fn actor_name(explicit: Option<String>) -> String {
    explicit
        .filter(|a| !a.trim().is_empty())
        .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
        .or_else(|| std::env::var("USERNAME").ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "unknown".to_string())
}

/// Opens the store and records the configured rollout phase (audited when it
/// changed since the last command saw it).
async fn open(ctx: &Ctx, actor: &str) -> Result<Store> {
    let store = ctx.store().await?;
    if let Some(change) = store.observe_phase(ctx.config.gate.phase, actor).await?
        && let Some(previous) = change.previous
    {
        crate::note(&format!(
            "note: rollout phase changed from {previous} to {} ([gate] phase); recorded in the audit log",
            change.current
        ));
    }
    Ok(store)
}

/// Runs `skillgate review`.
pub async fn review(ctx: &Ctx, args: ReviewArgs) -> Result<Outcome> {
    let reviewer = actor_name(args.reviewer);
    let store = open(ctx, &reviewer).await?;
    let decision = if args.approve {
        ReviewDecision::Approve
    } else {
        ReviewDecision::Reject
    };
    let row = store
        .record_review_with(
            &NewReview {
                draft_id: args.draft_id.clone(),
                decision,
                rationale: args.rationale,
                reviewer,
            },
            &ctx.config.gate.gate_config(),
        )
        .await?;
    let verdict = gate_verdict_for(&store, &row.draft_id, &ctx.config.gate).await?;
    store.close().await;
    if ctx.json {
        #[derive(Serialize)]
        struct Reviewed<'a> {
            review: &'a skillgate_store::ReviewRow,
            gate: &'a GateVerdict,
        }
        output::print_json(&Reviewed {
            review: &row,
            gate: &verdict,
        })?;
    } else {
        println!(
            "draft {} {} by {} (review {}){}",
            row.draft_id,
            if row.approved() {
                "approved"
            } else {
                "rejected"
            },
            row.reviewer,
            row.id,
            row.decision_seconds
                .map(|s| format!(", {s} s after the eval report"))
                .unwrap_or_default()
        );
        println!("gate now: {}", verdict_label(&verdict));
        if let (Some(rec), Some(agreed)) = (&row.gate_recommendation, row.gate_agreed) {
            println!(
                "on the evidence alone the gate recommends {rec}; recorded that the reviewer {}",
                if agreed { "agrees" } else { "disagrees" }
            );
        }
    }
    Ok(Outcome::Ok)
}

/// Runs `skillgate publish`.
pub async fn publish(ctx: &Ctx, args: PublishArgs) -> Result<Outcome> {
    let actor = actor_name(args.actor);
    if args.dry_run {
        let store = ctx.store().await?;
        let reading = store
            .gate_reading(&args.draft_id, &ctx.config.gate.gate_config())
            .await?;
        store.close().await;
        let v = &reading.verdict;
        if ctx.json {
            output::print_json(&reading)?;
        } else {
            println!(
                "dry run for draft {} (phase {}): publish would be {}",
                args.draft_id,
                v.phase,
                if v.allowed { "allowed" } else { "refused" }
            );
            print_verdict(v, v.allowed);
        }
        return Ok(if v.allowed {
            Outcome::Ok
        } else {
            Outcome::Findings
        });
    }
    let store = open(ctx, &actor).await?;
    let outcome = store
        .publish_draft(&args.draft_id, &ctx.config.gate.gate_config(), &actor)
        .await?;
    store.close().await;
    if ctx.json {
        output::print_json(&outcome)?;
    } else {
        print_publish(&outcome);
    }
    Ok(if outcome.version.is_some() {
        Outcome::Ok
    } else {
        Outcome::Findings
    })
}

fn print_publish(outcome: &PublishOutcome) {
    let v = &outcome.verdict;
    match &outcome.version {
        Some(version) => println!(
            "published {} v{} from draft {} (phase {})",
            version.skill_name, version.version, outcome.decision.draft_id, v.phase
        ),
        None => println!(
            "publish refused for draft {} (phase {}): {} rule(s) block",
            outcome.decision.draft_id,
            v.phase,
            v.blocking().count()
        ),
    }
    print_verdict(v, outcome.version.is_some());
}

/// Prints the exceptions used and every failure (`✗` blocks, `·` is recorded
/// only, in shadow).
fn print_verdict(v: &GateVerdict, publishes: bool) {
    for e in &v.exceptions_used {
        println!(
            "exception {} used (waives {}); rationale: {}",
            e.exception,
            e.waives.join(", "),
            e.rationale
        );
    }
    if publishes && !v.recommendation_allowed {
        println!(
            "{} phase: the strict gate would refuse; a publish is recorded as a disagreement:",
            v.phase
        );
    }
    for f in &v.failures {
        let mark = if f.enforced { "✗" } else { "·" };
        println!("  {mark} {}: {}", f.rule, f.meaning);
        println!("      fix: {}", f.fix);
    }
}

/// Runs `skillgate rollback`.
pub async fn rollback(ctx: &Ctx, args: RollbackArgs) -> Result<Outcome> {
    let actor = actor_name(args.actor);
    let store = open(ctx, &actor).await?;
    let outcome = store
        .rollback_skill(&args.skill, args.to, &args.reason, &actor)
        .await?;
    store.close().await;
    if ctx.json {
        output::print_json(&outcome)?;
    } else {
        println!(
            "{} v{} = rollback of v{} to v{} (v{} and every earlier version stay available)",
            outcome.new_version.skill_name,
            outcome.new_version.version,
            outcome.from.version,
            outcome.to.version,
            outcome.from.version
        );
    }
    Ok(Outcome::Ok)
}

fn print_kill_switch(k: &KillSwitch) {
    println!(
        "replay {}, publishing {}",
        if k.replay_disabled {
            "OFF (evals run in heuristic mode)"
        } else {
            "on"
        },
        if k.publish_disabled { "OFF" } else { "on" }
    );
    if let Some(reason) = &k.reason {
        println!(
            "last change: {} by {}: {reason}",
            k.changed_at.as_deref().unwrap_or("?"),
            k.actor.as_deref().unwrap_or("?")
        );
    }
}

/// Runs `skillgate replay …`.
pub async fn replay(ctx: &Ctx, cmd: ReplayCommand) -> Result<Outcome> {
    let (state, open_p0) = match cmd {
        ReplayCommand::Disable {
            publish_too,
            reason,
            actor,
        } => {
            let actor = actor_name(actor);
            let store = open(ctx, &actor).await?;
            let state = store.disable_replay(publish_too, &reason, &actor).await?;
            store.close().await;
            (state, None)
        }
        ReplayCommand::Enable {
            reason,
            force,
            actor,
        } => {
            let actor = actor_name(actor);
            let store = open(ctx, &actor).await?;
            let state = store.enable_replay(&reason, &actor, force).await?;
            store.close().await;
            (state, None)
        }
        ReplayCommand::Status => {
            let store = ctx.store().await?;
            let state = store.kill_switch().await?;
            let open_p0: Vec<String> = store
                .list_incidents(true)
                .await?
                .into_iter()
                .filter(|i| i.severity == Severity::P0.as_str())
                .map(|i| i.id)
                .collect();
            store.close().await;
            (state, Some(open_p0))
        }
    };
    if ctx.json {
        #[derive(Serialize)]
        struct Status<'a> {
            #[serde(flatten)]
            kill_switch: &'a KillSwitch,
            #[serde(skip_serializing_if = "Option::is_none")]
            open_p0_incidents: Option<&'a Vec<String>>,
        }
        output::print_json(&Status {
            kill_switch: &state,
            open_p0_incidents: open_p0.as_ref(),
        })?;
    } else {
        print_kill_switch(&state);
        if let Some(ids) = open_p0.filter(|ids| !ids.is_empty()) {
            println!("open P0 incidents: {}", ids.join(", "));
        }
    }
    Ok(Outcome::Ok)
}

/// Runs `skillgate incident …`.
pub async fn incident(ctx: &Ctx, cmd: IncidentCommand) -> Result<Outcome> {
    match cmd {
        IncidentCommand::Open {
            severity,
            title,
            detail,
            actor,
        } => {
            let severity = Severity::parse(&severity)?;
            let actor = actor_name(actor);
            let store = open(ctx, &actor).await?;
            let opened = store
                .open_incident(severity, &title, &detail, &actor)
                .await?;
            store.close().await;
            if ctx.json {
                output::print_json(&opened)?;
            } else {
                println!(
                    "opened {} incident {}: {}",
                    opened.incident.severity, opened.incident.id, opened.incident.title
                );
                if opened.kill_switch_engaged {
                    println!(
                        "kill switch ON: replay and publishing are off until the incident is closed and \
                         `skillgate replay enable --reason TEXT` is run"
                    );
                }
            }
        }
        IncidentCommand::Close {
            id,
            root_cause,
            regression_case,
            skill,
            actor,
        } => {
            let actor = actor_name(actor);
            let store = open(ctx, &actor).await?;
            let incident = store
                .list_incidents(false)
                .await?
                .into_iter()
                .find(|i| i.id == id);
            match (&regression_case, &skill) {
                (Some(run_id), Some(skill)) => {
                    store
                        .pin_case(
                            skill,
                            run_id,
                            &format!("regression case of incident {id}"),
                            &actor,
                        )
                        .await
                        .with_context(|| {
                            format!("pinning regression case {run_id} to skill {skill}")
                        })?;
                }
                _ if !root_cause.trim().is_empty()
                    && incident.as_ref().is_some_and(|i| i.severity == "P0") =>
                {
                    anyhow::bail!(
                        "closing P0 incident {id} needs its regression case: add --regression-case RUN_ID \
                         --skill NAME (the run is pinned as a replay case, so every future eval of the \
                         skill replays the failure)"
                    );
                }
                _ => {}
            }
            let closed = store.close_incident(&id, &root_cause, &actor).await?;
            store.close().await;
            if ctx.json {
                output::print_json(&closed)?;
            } else {
                println!(
                    "closed {} incident {}; root cause: {}",
                    closed.incident.severity,
                    closed.incident.id,
                    closed.incident.root_cause.as_deref().unwrap_or("")
                );
                if !closed.open_p0.is_empty() {
                    println!("P0 incidents still open: {}", closed.open_p0.join(", "));
                }
                let k = &closed.kill_switch;
                if k.replay_disabled || k.publish_disabled {
                    println!(
                        "replay {} and publishing {}: closing an incident does not turn them back on; \
                         run `skillgate replay enable --reason TEXT` when it is safe",
                        if k.replay_disabled { "is off" } else { "is on" },
                        if k.publish_disabled {
                            "is off"
                        } else {
                            "is on"
                        },
                    );
                }
            }
        }
        IncidentCommand::List { open } => {
            let store = ctx.store().await?;
            let incidents = store.list_incidents(open).await?;
            store.close().await;
            if ctx.json {
                output::print_json(&incidents)?;
            } else {
                let mut t = output::table(&[
                    "incident",
                    "severity",
                    "status",
                    "opened",
                    "title",
                    "root cause",
                ]);
                for i in &incidents {
                    t.add_row(vec![
                        i.id.clone(),
                        i.severity.clone(),
                        i.status.clone(),
                        i.opened_at.clone(),
                        output::truncate(&i.title, 40),
                        output::truncate(i.root_cause.as_deref().unwrap_or("-"), 40),
                    ]);
                }
                println!("{t}");
            }
        }
    }
    Ok(Outcome::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use skillgate_core::gate::{GateInput, ReviewSummary, evaluate_gate};
    use skillgate_core::{Confidence, EvalStatus, ReportStatus};

    fn input(confidence: Confidence, safety: ReportStatus) -> GateInput {
        GateInput {
            review: Some(ReviewSummary {
                approved: true,
                rationale: None,
            }),
            safety: Some(safety),
            preservation: None,
            eval_status: Some(EvalStatus::Passed),
            confidence: Some(confidence),
            blocked_coverage: Some(0.0),
            open_p0_incident: false,
        }
    }

    fn settings(toml_text: &str) -> GateSettings {
        toml::from_str(toml_text).unwrap()
    }

    #[test]
    fn verdict_label_names_blocking_rules_or_the_shadow_recommendation() {
        let strict = GateSettings::default().gate_config();
        let pass = evaluate_gate(&input(Confidence::High, ReportStatus::Passed), &strict);
        assert_eq!(verdict_label(&pass), "pass");
        let low = input(Confidence::Low, ReportStatus::Failed);
        assert_eq!(
            verdict_label(&evaluate_gate(&low, &strict)),
            "refuse: safety-failed, confidence-low"
        );
        let shadow = settings("phase = \"shadow\"").gate_config();
        let low = input(Confidence::Low, ReportStatus::Passed);
        assert_eq!(
            verdict_label(&evaluate_gate(&low, &shadow)),
            "pass (shadow; strict would refuse: confidence-low)"
        );
    }

    #[test]
    fn gate_settings_default_to_strict_and_reject_unknown_keys() {
        let s = GateSettings::default();
        assert_eq!(s.phase, RolloutPhase::Strict);
        assert!(!s.allow_partial_evidence);
        let s = settings("phase = \"ga\"\nallow_partial_evidence = true");
        assert_eq!(s.phase, RolloutPhase::Ga);
        assert!(s.gate_config().allow_partial_evidence);
        let err = toml::from_str::<GateSettings>("phases = \"ga\"").unwrap_err();
        assert!(err.to_string().contains("unknown field `phases`"), "{err}");
    }
}
