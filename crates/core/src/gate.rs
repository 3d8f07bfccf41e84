//! The publish gate and rollout phases (SPEC §6).
//!
//! [`evaluate_gate`] checks every rule and lists every one that fails, each
//! with a stable id, what it means and what would fix it. The two allowed
//! exceptions (a skipped provider, partial evidence) are recorded on the
//! verdict with the approving review's rationale. In the `shadow` phase the
//! verdict still carries the full recommendation but only safety, incident and
//! kill-switch rules block. Rule ids are listed in `docs/scoring-and-gate.md`.

use crate::stats::FLOAT_SLACK;
use crate::types::{Confidence, EvalStatus, ReportStatus};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Rollout phase of a deployment (configuration `gate.phase`).
///
/// `Default` is `strict`: a deployment that configures nothing gets a gate
/// that enforces every rule; `shadow` must be chosen on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RolloutPhase {
    /// Reports are made; the gate records its recommendation and blocks only
    /// on safety, an open P0 incident or the publish kill switch.
    Shadow,
    /// Internal strict gate: every rule enforced.
    #[default]
    Strict,
    /// Pilot customers: every rule enforced.
    Pilot,
    /// General availability: every rule enforced.
    Ga,
}

impl RolloutPhase {
    /// `shadow`, `strict`, `pilot` or `ga`.
    pub fn as_str(self) -> &'static str {
        match self {
            RolloutPhase::Shadow => "shadow",
            RolloutPhase::Strict => "strict",
            RolloutPhase::Pilot => "pilot",
            RolloutPhase::Ga => "ga",
        }
    }

    /// Parses `shadow`, `strict`, `pilot` or `ga` (case-insensitive).
    pub fn parse(s: &str) -> Option<RolloutPhase> {
        match s.trim().to_ascii_lowercase().as_str() {
            "shadow" => Some(RolloutPhase::Shadow),
            "strict" => Some(RolloutPhase::Strict),
            "pilot" => Some(RolloutPhase::Pilot),
            "ga" => Some(RolloutPhase::Ga),
            _ => None,
        }
    }

    /// Whether every gate rule blocks in this phase (all but `shadow`).
    pub fn enforces_all(self) -> bool {
        self != RolloutPhase::Shadow
    }
}

impl fmt::Display for RolloutPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Deployment settings of the gate (configuration `[gate]`, plus the publish
/// kill switch state).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct GateConfig {
    /// Rollout phase.
    pub phase: RolloutPhase,
    /// Whether a `partial` eval may be published with a rationale.
    pub allow_partial_evidence: bool,
    /// Kill switch: publishing turned off.
    pub publish_disabled: bool,
}

/// The part of a Review the gate needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewSummary {
    /// Whether the reviewer approved.
    pub approved: bool,
    /// The reviewer's rationale.
    #[serde(default)]
    pub rationale: Option<String>,
}

impl ReviewSummary {
    /// The rationale of an approving review, if it has non-blank text.
    pub fn approving_rationale(&self) -> Option<&str> {
        if !self.approved {
            return None;
        }
        self.rationale
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
    }
}

/// Everything the gate looks at for one draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct GateInput {
    /// The latest review, if any.
    pub review: Option<ReviewSummary>,
    /// SafetyReport status; `None` when there is none.
    pub safety: Option<ReportStatus>,
    /// PreservationReport status; `None` for a new skill (nothing to preserve).
    pub preservation: Option<ReportStatus>,
    /// EvalReport status; `None` when there is none.
    pub eval_status: Option<EvalStatus>,
    /// EvalReport confidence.
    pub confidence: Option<Confidence>,
    /// EvalReport blocked coverage.
    pub blocked_coverage: Option<f64>,
    /// Whether a P0 Incident is open.
    pub open_p0_incident: bool,
}

/// Every gate rule. Its id is stable: storage, API, metrics and UI strings key
/// on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GateRule {
    /// No review at all.
    ReviewMissing,
    /// The review rejected the draft.
    ReviewRejected,
    /// No SafetyReport.
    SafetyMissing,
    /// SafetyReport failed.
    SafetyFailed,
    /// No EvalReport.
    EvalMissing,
    /// EvalReport failed.
    EvalFailed,
    /// EvalReport replay_error.
    EvalReplayError,
    /// skipped_provider_unavailable without an approving rationale.
    EvalSkippedNeedsRationale,
    /// partial, and the deployment does not allow partial evidence.
    EvalPartialNotAllowed,
    /// partial, allowed, but no approving rationale.
    EvalPartialNeedsRationale,
    /// An EvalReport without confidence.
    ConfidenceMissing,
    /// Confidence low.
    ConfidenceLow,
    /// Blocked coverage 1.0.
    BlockedCoverageFull,
    /// PreservationReport failed.
    PreservationFailed,
    /// Kill switch: publishing off.
    PublishDisabled,
    /// An open P0 incident.
    IncidentOpenP0,
}

impl GateRule {
    /// Every rule, in the order the gate reports them.
    pub const ALL: [GateRule; 16] = [
        GateRule::ReviewMissing,
        GateRule::ReviewRejected,
        GateRule::SafetyMissing,
        GateRule::SafetyFailed,
        GateRule::EvalMissing,
        GateRule::EvalFailed,
        GateRule::EvalReplayError,
        GateRule::EvalSkippedNeedsRationale,
        GateRule::EvalPartialNotAllowed,
        GateRule::EvalPartialNeedsRationale,
        GateRule::ConfidenceMissing,
        GateRule::ConfidenceLow,
        GateRule::BlockedCoverageFull,
        GateRule::PreservationFailed,
        GateRule::PublishDisabled,
        GateRule::IncidentOpenP0,
    ];

    /// The stable id, e.g. `review-missing`.
    pub fn id(self) -> &'static str {
        match self {
            GateRule::ReviewMissing => "review-missing",
            GateRule::ReviewRejected => "review-rejected",
            GateRule::SafetyMissing => "safety-missing",
            GateRule::SafetyFailed => "safety-failed",
            GateRule::EvalMissing => "eval-missing",
            GateRule::EvalFailed => "eval-failed",
            GateRule::EvalReplayError => "eval-replay-error",
            GateRule::EvalSkippedNeedsRationale => "eval-skipped-needs-rationale",
            GateRule::EvalPartialNotAllowed => "eval-partial-not-allowed",
            GateRule::EvalPartialNeedsRationale => "eval-partial-needs-rationale",
            GateRule::ConfidenceMissing => "confidence-missing",
            GateRule::ConfidenceLow => "confidence-low",
            GateRule::BlockedCoverageFull => "blocked-coverage-full",
            GateRule::PreservationFailed => "preservation-failed",
            GateRule::PublishDisabled => "publish-disabled",
            GateRule::IncidentOpenP0 => "incident-open-p0",
        }
    }

    /// What the failure means, in one sentence (English; UIs key on the id).
    pub fn meaning(self) -> &'static str {
        match self {
            GateRule::ReviewMissing => "No reviewer has approved this draft yet.",
            GateRule::ReviewRejected => "The latest review rejected this draft.",
            GateRule::SafetyMissing => {
                "No SafetyReport exists for this draft, so nobody checked it for destructive \
                 commands, secrets or hidden instructions."
            }
            GateRule::SafetyFailed => {
                "The SafetyReport has at least one blocking finding (destructive command, \
                 credential access, hidden instructions, secret or lint error)."
            }
            GateRule::EvalMissing => "No EvalReport exists for this draft.",
            GateRule::EvalFailed => {
                "The EvalReport failed: the candidate regressed on replayed cases or a static \
                 check failed."
            }
            GateRule::EvalReplayError => {
                "Replay itself failed, so the EvalReport holds no usable evidence."
            }
            GateRule::EvalSkippedNeedsRationale => {
                "No provider answered, so the eval made only a heuristic report \
                 (skipped_provider_unavailable); publishing on it needs an approving review \
                 with a rationale."
            }
            GateRule::EvalPartialNotAllowed => {
                "The eval is partial (budget spent or cases errored) and this deployment does \
                 not accept partial evidence."
            }
            GateRule::EvalPartialNeedsRationale => {
                "The eval is partial; this deployment accepts partial evidence only with an \
                 approving review that gives a rationale."
            }
            GateRule::ConfidenceMissing => "The EvalReport carries no confidence level.",
            GateRule::ConfidenceLow => {
                "The EvalReport's confidence is low: too few cases, too little execution \
                 coverage, too many blocked calls or errored trials, or too wide a delta \
                 interval."
            }
            GateRule::BlockedCoverageFull => {
                "Every tool call in the replay was blocked, so no tool behaviour was observed."
            }
            GateRule::PreservationFailed => {
                "The PreservationReport failed: an important section of the published version \
                 was dropped or its instructions were mostly lost."
            }
            GateRule::PublishDisabled => "Publishing is turned off by the kill switch.",
            GateRule::IncidentOpenP0 => {
                "A P0 incident is open (a replay touched production, user files, credentials, \
                 accounts, permissions or payments)."
            }
        }
    }

    /// What would fix it, in one sentence.
    pub fn fix(self) -> &'static str {
        match self {
            GateRule::ReviewMissing => {
                "Ask a reviewer to read the EvalReport and approve the draft."
            }
            GateRule::ReviewRejected => {
                "Address the reviewer's rationale, revise the draft and get a new review that \
                 approves it."
            }
            GateRule::SafetyMissing => {
                "Run the safety scan on the draft (it runs when the draft is submitted; \
                 resubmit it if it did not)."
            }
            GateRule::SafetyFailed => {
                "Fix each finding listed in the SafetyReport (file, line, rule) and resubmit \
                 the draft."
            }
            GateRule::EvalMissing => {
                "Run an eval of the draft; without a provider it ends as \
                 skipped_provider_unavailable, which a reviewer may approve with a rationale."
            }
            GateRule::EvalFailed => {
                "Read the regressed cases in the report, revise the draft and run the eval again."
            }
            GateRule::EvalReplayError => {
                "Fix the replay error shown in the report (provider, sandbox or tool \
                 configuration) and run the eval again."
            }
            GateRule::EvalSkippedNeedsRationale => {
                "Run the eval again once the provider answers, or have the reviewer approve \
                 with a written rationale."
            }
            GateRule::EvalPartialNotAllowed => {
                "Raise the eval budget or fix the errored cases and run the eval again, or set \
                 gate.allow_partial_evidence = true in the configuration."
            }
            GateRule::EvalPartialNeedsRationale => {
                "Have the reviewer approve with a written rationale, or complete the eval."
            }
            GateRule::ConfidenceMissing => {
                "Run the eval again; a replay eval always computes confidence."
            }
            GateRule::ConfidenceLow => {
                "Read the confidence reasons in the report, then add replay cases, let more \
                 tools execute in the policy or run more trials, and run the eval again."
            }
            GateRule::BlockedCoverageFull => {
                "Review the tool policy so read-only tools run as executed and side-effecting \
                 ones as surrogate, or pick cases that need fewer blocked tools, and run the \
                 eval again."
            }
            GateRule::PreservationFailed => {
                "Restore the dropped sections and instructions listed in the PreservationReport \
                 (or remove their <!-- keep --> marker if dropping them is intended) and \
                 resubmit."
            }
            GateRule::PublishDisabled => {
                "An admin turns publishing back on once the reason for the kill switch is \
                 resolved."
            }
            GateRule::IncidentOpenP0 => "Resolve and close the P0 incident, then publish again.",
        }
    }

    /// Whether the rule blocks in the `shadow` phase (safety, incidents and the
    /// publish kill switch).
    pub fn blocks_in_shadow(self) -> bool {
        matches!(
            self,
            GateRule::SafetyMissing
                | GateRule::SafetyFailed
                | GateRule::PublishDisabled
                | GateRule::IncidentOpenP0
        )
    }

    /// Whether the rule blocks in `phase`.
    pub fn enforced_in(self, phase: RolloutPhase) -> bool {
        phase.enforces_all() || self.blocks_in_shadow()
    }
}

impl fmt::Display for GateRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One failing rule on a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateFailure {
    /// Stable rule id (see [`GateRule::id`]).
    pub rule: String,
    /// What it means.
    pub meaning: String,
    /// What would fix it.
    pub fix: String,
    /// Whether it blocks in this phase (false: recorded only, in `shadow`).
    pub enforced: bool,
}

/// An allowed exception the gate used, with the rationale that allowed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateException {
    /// `skipped_provider_unavailable` or `partial_evidence`.
    pub exception: String,
    /// The approving review's rationale, recorded on the decision.
    pub rationale: String,
    /// Ids of rules that would otherwise have failed (e.g. `confidence-low`).
    pub waives: Vec<String>,
}

/// Exception id: publish on a skipped_provider_unavailable eval.
pub const EXCEPTION_SKIPPED_PROVIDER: &str = "skipped_provider_unavailable";
/// Exception id: publish on partial evidence.
pub const EXCEPTION_PARTIAL_EVIDENCE: &str = "partial_evidence";

/// The gate's answer for one draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateVerdict {
    /// The phase it was evaluated in.
    pub phase: RolloutPhase,
    /// Whether publishing may proceed now.
    pub allowed: bool,
    /// What the full (strict) rules say; in `shadow` this is the recommendation
    /// to compare with the human decision.
    pub recommendation_allowed: bool,
    /// Every failing rule, enforced or not, in [`GateRule::ALL`] order.
    pub failures: Vec<GateFailure>,
    /// Exceptions used, with their rationale.
    pub exceptions_used: Vec<GateException>,
}

impl GateVerdict {
    /// Whether a human publish decision agreed with the gate's recommendation.
    pub fn human_agreed(&self, human_published: bool) -> bool {
        self.recommendation_allowed == human_published
    }

    /// The failures that block in this phase.
    pub fn blocking(&self) -> impl Iterator<Item = &GateFailure> {
        self.failures.iter().filter(|f| f.enforced)
    }
}

/// Whether approving a review of an eval with this status needs a rationale
/// (skipped_provider_unavailable and partial do).
pub fn review_requires_rationale(eval_status: EvalStatus) -> bool {
    matches!(
        eval_status,
        EvalStatus::SkippedProviderUnavailable | EvalStatus::Partial
    )
}

/// Evaluates the publish gate (SPEC §6), listing every failing rule.
///
/// Exceptions: a `skipped_provider_unavailable` eval passes when the approving
/// review has a non-blank rationale, and then confidence is not checked (a
/// heuristic report is always low: the exception would be void otherwise); a
/// `partial` eval passes when `allow_partial_evidence` is set and the
/// approving review has a rationale, but its confidence is still checked (the
/// evidence that exists must hold). Blocked coverage, preservation and safety
/// are checked in every case.
pub fn evaluate_gate(input: &GateInput, config: &GateConfig) -> GateVerdict {
    let mut failed: Vec<GateRule> = Vec::new();
    let mut exceptions = Vec::new();
    let rationale = input
        .review
        .as_ref()
        .and_then(ReviewSummary::approving_rationale);

    match &input.review {
        None => failed.push(GateRule::ReviewMissing),
        Some(r) if !r.approved => failed.push(GateRule::ReviewRejected),
        Some(_) => {}
    }
    match input.safety {
        None => failed.push(GateRule::SafetyMissing),
        Some(ReportStatus::Failed) => failed.push(GateRule::SafetyFailed),
        Some(ReportStatus::Passed) => {}
    }

    let mut check_confidence = true;
    match input.eval_status {
        None => {
            failed.push(GateRule::EvalMissing);
            check_confidence = false;
        }
        Some(EvalStatus::Passed) => {}
        Some(EvalStatus::Failed) => failed.push(GateRule::EvalFailed),
        Some(EvalStatus::ReplayError) => failed.push(GateRule::EvalReplayError),
        Some(EvalStatus::SkippedProviderUnavailable) => {
            check_confidence = false;
            match rationale {
                Some(text) => {
                    let mut waives = vec![GateRule::EvalSkippedNeedsRationale.id().to_string()];
                    match input.confidence {
                        None => waives.push(GateRule::ConfidenceMissing.id().to_string()),
                        Some(Confidence::Low) => {
                            waives.push(GateRule::ConfidenceLow.id().to_string())
                        }
                        Some(_) => {}
                    }
                    exceptions.push(GateException {
                        exception: EXCEPTION_SKIPPED_PROVIDER.to_string(),
                        rationale: text.to_string(),
                        waives,
                    });
                }
                None => failed.push(GateRule::EvalSkippedNeedsRationale),
            }
        }
        Some(EvalStatus::Partial) => match (config.allow_partial_evidence, rationale) {
            (false, _) => failed.push(GateRule::EvalPartialNotAllowed),
            (true, None) => failed.push(GateRule::EvalPartialNeedsRationale),
            (true, Some(text)) => exceptions.push(GateException {
                exception: EXCEPTION_PARTIAL_EVIDENCE.to_string(),
                rationale: text.to_string(),
                waives: vec![GateRule::EvalPartialNotAllowed.id().to_string()],
            }),
        },
    }
    if check_confidence {
        match input.confidence {
            None => failed.push(GateRule::ConfidenceMissing),
            Some(Confidence::Low) => failed.push(GateRule::ConfidenceLow),
            Some(_) => {}
        }
    }
    if input
        .blocked_coverage
        .is_some_and(|b| b >= 1.0 - FLOAT_SLACK)
    {
        failed.push(GateRule::BlockedCoverageFull);
    }
    if input.preservation == Some(ReportStatus::Failed) {
        failed.push(GateRule::PreservationFailed);
    }
    if config.publish_disabled {
        failed.push(GateRule::PublishDisabled);
    }
    if input.open_p0_incident {
        failed.push(GateRule::IncidentOpenP0);
    }

    failed.sort_by_key(|r| GateRule::ALL.iter().position(|a| a == r));
    let failures: Vec<GateFailure> = failed
        .iter()
        .map(|r| GateFailure {
            rule: r.id().to_string(),
            meaning: r.meaning().to_string(),
            fix: r.fix().to_string(),
            enforced: r.enforced_in(config.phase),
        })
        .collect();
    GateVerdict {
        phase: config.phase,
        allowed: failures.iter().all(|f| !f.enforced),
        recommendation_allowed: failures.is_empty(),
        failures,
        exceptions_used: exceptions,
    }
}
