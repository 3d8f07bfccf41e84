//! How much a reviewer may trust an eval (SPEC §5.1, §5.3).
//!
//! [`decide_confidence`] applies configurable [`ConfidenceThresholds`] to a
//! plain [`ConfidenceInput`] and returns the level, the stable id of the rule
//! that set it, and every rule that fired, in words with the numbers. Rule ids
//! and their meaning are listed in `docs/scoring-and-gate.md`.

use crate::reason::Reason;
use crate::stats::FLOAT_SLACK;
use crate::types::{Confidence, EvalMode};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Thresholds of the confidence rules (configuration `[confidence]`).
/// `Default` is SPEC §5.1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConfidenceThresholds {
    /// Low when fewer cases than this completed (5).
    pub low_min_cases: usize,
    /// Low when execution coverage is below this (0.5).
    pub low_min_execution_coverage: f64,
    /// Low when blocked coverage is above this (0.3).
    pub low_max_blocked_coverage: f64,
    /// Low when the share of errored trials is above this (0.2).
    pub low_max_error_rate: f64,
    /// Low when the delta interval is wider than this (0.4).
    pub low_max_interval_width: f64,
    /// High needs at least this many completed cases (20).
    pub high_min_cases: usize,
    /// High needs execution coverage of at least this (0.8).
    pub high_min_execution_coverage: f64,
    /// High needs a delta interval no wider than this (0.15).
    pub high_max_interval_width: f64,
}

impl Default for ConfidenceThresholds {
    fn default() -> Self {
        ConfidenceThresholds {
            low_min_cases: 5,
            low_min_execution_coverage: 0.5,
            low_max_blocked_coverage: 0.3,
            low_max_error_rate: 0.2,
            low_max_interval_width: 0.4,
            high_min_cases: 20,
            high_min_execution_coverage: 0.8,
            high_max_interval_width: 0.15,
        }
    }
}

/// A threshold value that cannot be used.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ConfidenceConfigError {
    /// A share outside [0, 1] or not finite.
    #[error("confidence.{key} = {value} is invalid; use a number between 0 and 1")]
    ShareOutOfRange {
        /// The configuration key.
        key: &'static str,
        /// The value given.
        value: f64,
    },
    /// A width negative or not finite.
    #[error("confidence.{key} = {value} is invalid; use a finite interval width >= 0")]
    InvalidWidth {
        /// The configuration key.
        key: &'static str,
        /// The value given.
        value: f64,
    },
}

impl ConfidenceThresholds {
    /// Checks that shares lie in [0, 1] and widths are finite and ≥ 0.
    pub fn validate(&self) -> Result<(), ConfidenceConfigError> {
        let shares = [
            (
                "low_min_execution_coverage",
                self.low_min_execution_coverage,
            ),
            ("low_max_blocked_coverage", self.low_max_blocked_coverage),
            ("low_max_error_rate", self.low_max_error_rate),
            (
                "high_min_execution_coverage",
                self.high_min_execution_coverage,
            ),
        ];
        for (key, value) in shares {
            if !(0.0..=1.0).contains(&value) {
                return Err(ConfidenceConfigError::ShareOutOfRange { key, value });
            }
        }
        let widths = [
            ("low_max_interval_width", self.low_max_interval_width),
            ("high_max_interval_width", self.high_max_interval_width),
        ];
        for (key, value) in widths {
            if !value.is_finite() || value < 0.0 {
                return Err(ConfidenceConfigError::InvalidWidth { key, value });
            }
        }
        Ok(())
    }
}

/// What the confidence rules look at, taken from an EvalReport.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfidenceInput {
    /// Cases with at least one finished trial in each arm.
    pub cases_completed: usize,
    /// Share of tool calls executed (1.0 when no tool was called).
    pub execution_coverage: f64,
    /// Share of tool calls blocked.
    pub blocked_coverage: f64,
    /// Number of blocked tool calls.
    pub blocked_calls: usize,
    /// Trials attempted, both arms.
    pub trials_total: usize,
    /// Trials that ended in an error (provider, replay, time limit).
    pub trials_errored: usize,
    /// Width of the delta's bootstrap interval; `None` when there is none.
    pub interval_width: Option<f64>,
    /// Replay or heuristic.
    pub mode: EvalMode,
}

/// The confidence level with the rule that set it and every rule that fired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfidenceDecision {
    /// The level.
    pub level: Confidence,
    /// Stable id of the deciding rule, e.g. `low:few-cases`, `high:all-criteria`.
    pub rule: String,
    /// Every rule that fired, in words with the numbers (for `medium`: each
    /// high-confidence criterion that was not met). Rendered from `details`.
    pub reasons: Vec<String>,
    /// The same reasons as locale-free records, one per entry of `reasons`,
    /// for front ends that show them in another language.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<Reason>,
}

/// Rule id: heuristic mode (SPEC §5.3).
pub const RULE_LOW_HEURISTIC: &str = "low:heuristic-mode";
/// Rule id: an input is NaN or infinite.
pub const RULE_LOW_INVALID_INPUT: &str = "low:invalid-input";
/// Rule id: fewer than `low_min_cases` cases completed.
pub const RULE_LOW_FEW_CASES: &str = "low:few-cases";
/// Rule id: execution coverage below `low_min_execution_coverage`.
pub const RULE_LOW_EXECUTION_COVERAGE: &str = "low:low-execution-coverage";
/// Rule id: blocked coverage above `low_max_blocked_coverage`.
pub const RULE_LOW_BLOCKED_COVERAGE: &str = "low:high-blocked-coverage";
/// Rule id: errored-trial share above `low_max_error_rate`.
pub const RULE_LOW_ERRORED_TRIALS: &str = "low:many-errored-trials";
/// Rule id: no delta interval although cases completed.
pub const RULE_LOW_NO_INTERVAL: &str = "low:no-interval";
/// Rule id: interval wider than `low_max_interval_width`.
pub const RULE_LOW_WIDE_INTERVAL: &str = "low:wide-interval";
/// Rule id: every high criterion met.
pub const RULE_HIGH: &str = "high:all-criteria";
/// Rule id: not low, not every high criterion met.
pub const RULE_MEDIUM: &str = "medium:not-high";

/// Decides the confidence of an eval (SPEC §5.1).
///
/// Heuristic mode is always low. Otherwise the low rules are checked in the
/// order few cases, execution coverage, blocked coverage, errored trials,
/// interval; the first that fires is the `rule`, all that fire are
/// `reasons`. With no low rule, high needs every high criterion; else medium,
/// with the unmet high criteria as reasons. Comparisons allow
/// [`FLOAT_SLACK`], so a value on a threshold counts as on it.
///
/// Each reason is built once as a [`Reason`] record (`details`) and its
/// English sentence (`reasons`) is rendered from that record.
pub fn decide_confidence(
    input: &ConfidenceInput,
    thresholds: &ConfidenceThresholds,
) -> ConfidenceDecision {
    let t = thresholds;
    if input.mode == EvalMode::Heuristic {
        return decision(
            Confidence::Low,
            RULE_LOW_HEURISTIC,
            vec![Reason::new("confidence-heuristic-mode")],
        );
    }

    let mut invalid = Vec::new();
    for (id, value) in [
        (
            "confidence-invalid-execution-coverage",
            Some(input.execution_coverage),
        ),
        (
            "confidence-invalid-blocked-coverage",
            Some(input.blocked_coverage),
        ),
        ("confidence-invalid-interval-width", input.interval_width),
    ] {
        if let Some(v) = value
            && !v.is_finite()
        {
            invalid.push(Reason::new(id).text("value", v.to_string()));
        }
    }
    if !invalid.is_empty() {
        return decision(Confidence::Low, RULE_LOW_INVALID_INPUT, invalid);
    }

    let mut low: Vec<(&str, Reason)> = Vec::new();
    if input.cases_completed < t.low_min_cases {
        low.push((
            RULE_LOW_FEW_CASES,
            Reason::new("confidence-few-cases")
                .count("completed", input.cases_completed)
                .count("min", t.low_min_cases),
        ));
    }
    if input.execution_coverage < t.low_min_execution_coverage - FLOAT_SLACK {
        low.push((
            RULE_LOW_EXECUTION_COVERAGE,
            Reason::new("confidence-low-execution-coverage")
                .share("coverage", input.execution_coverage)
                .share("min", t.low_min_execution_coverage),
        ));
    }
    if input.blocked_coverage > t.low_max_blocked_coverage + FLOAT_SLACK {
        low.push((
            RULE_LOW_BLOCKED_COVERAGE,
            Reason::new("confidence-high-blocked-coverage")
                .share("coverage", input.blocked_coverage)
                .share("max", t.low_max_blocked_coverage),
        ));
    }
    if input.trials_total > 0 {
        let rate = input.trials_errored as f64 / input.trials_total as f64;
        if rate > t.low_max_error_rate + FLOAT_SLACK {
            low.push((
                RULE_LOW_ERRORED_TRIALS,
                Reason::new("confidence-many-errored-trials")
                    .count("errored", input.trials_errored)
                    .count("total", input.trials_total)
                    .share("rate", rate)
                    .share("max", t.low_max_error_rate),
            ));
        }
    }
    match input.interval_width {
        None => low.push((RULE_LOW_NO_INTERVAL, Reason::new("confidence-no-interval"))),
        Some(w) if w > t.low_max_interval_width + FLOAT_SLACK => low.push((
            RULE_LOW_WIDE_INTERVAL,
            Reason::new("confidence-wide-interval")
                .decimal("width", w)
                .decimal("max", t.low_max_interval_width),
        )),
        Some(_) => {}
    }
    if let Some((rule, _)) = low.first() {
        let rule = *rule;
        return decision(
            Confidence::Low,
            rule,
            low.into_iter().map(|(_, r)| r).collect(),
        );
    }

    let mut unmet = Vec::new();
    if input.cases_completed < t.high_min_cases {
        unmet.push(
            Reason::new("confidence-unmet-cases")
                .count("completed", input.cases_completed)
                .count("min", t.high_min_cases),
        );
    }
    if input.execution_coverage < t.high_min_execution_coverage - FLOAT_SLACK {
        unmet.push(
            Reason::new("confidence-unmet-execution-coverage")
                .share("coverage", input.execution_coverage)
                .share("min", t.high_min_execution_coverage),
        );
    }
    if input.blocked_calls > 0 {
        unmet.push(
            Reason::new("confidence-unmet-blocked-calls").count("blocked", input.blocked_calls),
        );
    }
    // `interval_width` is Some here: None fired `low:no-interval` above.
    let width = input.interval_width.unwrap_or(f64::INFINITY);
    if width > t.high_max_interval_width + FLOAT_SLACK {
        unmet.push(
            Reason::new("confidence-unmet-interval")
                .decimal("width", width)
                .decimal("max", t.high_max_interval_width),
        );
    }
    if unmet.is_empty() {
        decision(
            Confidence::High,
            RULE_HIGH,
            vec![
                Reason::new("confidence-all-criteria")
                    .count("completed", input.cases_completed)
                    .share("coverage", input.execution_coverage)
                    .decimal("width", width),
            ],
        )
    } else {
        decision(Confidence::Medium, RULE_MEDIUM, unmet)
    }
}

/// A decision whose English reasons are rendered from its records.
fn decision(level: Confidence, rule: &str, details: Vec<Reason>) -> ConfidenceDecision {
    ConfidenceDecision {
        level,
        rule: rule.to_string(),
        reasons: details.iter().map(Reason::english).collect(),
        details,
    }
}

/// The reason id naming a confidence level as a word (`level-high`, …),
/// for sentences that mention the level.
pub fn level_reason(level: Confidence) -> Reason {
    Reason::new(match level {
        Confidence::High => "level-high",
        Confidence::Medium => "level-medium",
        Confidence::Low => "level-low",
    })
}
