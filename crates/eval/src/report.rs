//! The EvalReport (SPEC §5.1), CaseReport (§5.2) and heuristic report (§5.3):
//! their JSON shape, how they are computed from stored trials, and the
//! one-page text a reviewer reads.

use crate::grade::GraderResult;
use crate::selection::SkippedRun;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use skillgate_core::confidence::{
    ConfidenceDecision, ConfidenceInput, ConfidenceThresholds, decide_confidence,
};
use skillgate_core::reason::{Reason, ReasonArg, english_template};
use skillgate_core::stats::{
    CaseVerdict, FlakyCase, GraderOutcome, Interval, NonDiscriminatingGrader,
    NonDiscriminatingKind, ToolModeCounts, TrialScore, case_delta, flaky_cases, mean,
    non_discriminating_graders, paired_bootstrap_interval, pass_at_k, pass_hat_k, trigger_rate,
};
use skillgate_core::{Arm, Confidence, EvalMode, EvalStatus, Locale, ToolMode};
use std::collections::BTreeMap;

/// Bootstrap resamples of the delta interval.
pub const BOOTSTRAP_RESAMPLES: usize = 2000;

/// A replay case as listed in the EvalReport.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplayCaseEntry {
    /// Case id.
    pub case_id: String,
    /// Run replayed.
    pub run_id: String,
    /// The run's task.
    pub task: String,
    /// The run's locale.
    pub locale: String,
    /// Why it was chosen.
    pub why_selected: String,
}

/// A tool call as shown in a case report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCallEntry {
    /// Tool name.
    pub name: String,
    /// `executed`, `surrogate`, `blocked`; `rejected` / `builtin` for calls the loop handled.
    pub mode: String,
    /// Deciding rule.
    pub rule: Option<String>,
    /// Reason in words.
    pub reason: String,
    /// Arguments.
    pub arguments: Value,
    /// The would-be side effect of a surrogate call.
    pub side_effect: Option<String>,
}

/// Script-consistency finding of a final answer (core `script_consistency`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScriptFlag {
    /// No unexpected script.
    pub consistent: bool,
    /// What was found, in words (empty when consistent).
    pub detail: String,
}

/// One trial in a case report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrialReport {
    /// Trial id (for `skillgate grade`).
    pub trial_id: String,
    /// 0-based index.
    pub index: i64,
    /// Seed sent.
    pub seed: i64,
    /// `finished` or `errored`.
    pub status: String,
    /// Score used (a human override wins).
    pub score: Option<f64>,
    /// Score ≥ threshold.
    pub passed: Option<bool>,
    /// The graders' score when a human overrode it.
    pub graded_score: Option<f64>,
    /// The human's note, when overridden.
    pub human_note: Option<String>,
    /// Grader results.
    pub graders: Vec<GraderResult>,
    /// Final answer.
    pub final_answer: Option<String>,
    /// Why the trial stopped.
    pub stop: String,
    /// Error of an errored trial.
    pub error: Option<String>,
    /// Tool calls with mode and reason.
    pub tool_calls: Vec<ToolCallEntry>,
    /// Side effects surrogate calls would have had.
    pub side_effects: Vec<String>,
    /// Script-consistency check of the final answer.
    pub script_check: Option<ScriptFlag>,
    /// Whether the skill was loaded.
    pub skill_loaded: bool,
    /// Tokens (input, output).
    pub tokens: (i64, i64),
    /// Full transcript (case reports only; left out of the EvalReport).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript: Option<Value>,
}

/// One arm of a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArmReport {
    /// Mean score of the finished trials.
    pub mean_score: Option<f64>,
    /// Finished trials.
    pub finished: usize,
    /// Errored trials.
    pub errored: usize,
    /// Passed trials.
    pub passed: usize,
    /// k used for pass@k / pass^k (the configured trials, or fewer when fewer finished).
    pub k: usize,
    /// pass@k.
    pub pass_at_k: Option<f64>,
    /// pass^k.
    pub pass_hat_k: Option<f64>,
    /// The trials.
    pub trials: Vec<TrialReport>,
}

/// CaseReport (SPEC §5.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseReport {
    /// Case id.
    pub case_id: String,
    /// Run id.
    pub run_id: String,
    /// Task.
    pub task: String,
    /// Why selected.
    pub why_selected: String,
    /// Pass threshold of the case.
    pub pass_threshold: f64,
    /// Candidate mean − baseline mean.
    pub delta: Option<f64>,
    /// improved / regressed / unchanged; `None` when an arm has no finished trial.
    pub verdict: Option<CaseVerdict>,
    /// Baseline arm.
    pub baseline: ArmReport,
    /// Candidate arm.
    pub candidate: ArmReport,
    /// Warnings a reviewer should see (script consistency, excluded graders, errors).
    pub flags: Vec<String>,
}

/// Tokens and cache use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Usage {
    /// Baseline arm (input, output) tokens.
    pub baseline_tokens: (u64, u64),
    /// Candidate arm (input, output) tokens.
    pub candidate_tokens: (u64, u64),
    /// Judge tokens (input, output), both arms.
    pub judge_tokens: (u64, u64),
    /// All tokens.
    pub total_tokens: u64,
    /// Budget of the eval, if any.
    pub token_budget: Option<u64>,
    /// The budget ran out before every trial ran.
    pub budget_exhausted: bool,
    /// Judge answers taken from the response cache.
    pub cache_hits: u64,
    /// What the cache covers.
    pub cache_scope: String,
}

/// Trigger rate of each arm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TriggerRates {
    /// Baseline (None: no trial or no skill in the arm).
    pub baseline: Option<f64>,
    /// Candidate.
    pub candidate: Option<f64>,
}

/// Weak evidence flagged for the reviewer (SPEC §3.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct GraderAnalysis {
    /// Graders that gave the same answer in both arms on every trial.
    pub non_discriminating: Vec<NonDiscriminatingGrader>,
    /// Cases whose trials disagree widely.
    pub flaky_cases: Vec<FlakyCase>,
    /// Graders that could not run, by grader id (`case_id/index:kind`) and why.
    pub excluded_graders: Vec<String>,
    /// Trials whose final answer mixes unexpected scripts.
    pub script_inconsistent_trials: Vec<String>,
    /// Pairwise baseline-vs-candidate judging.
    pub pairwise_judging: String,
}

/// One pair of trials (same index) judged in both orders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairJudgement {
    /// Trial index of both arms.
    pub index: i64,
    /// Winner with the baseline shown first (A = baseline).
    pub baseline_first: Option<crate::judge::Winner>,
    /// Winner with the candidate shown first (A = candidate).
    pub candidate_first: Option<crate::judge::Winner>,
    /// Candidate preference in [0, 1] (1 = candidate better), mean of both orders.
    pub preference: Option<f64>,
    /// Both orders agree; `false` means position bias (counted as a tie).
    pub consistent: Option<bool>,
    /// The judge's reasons.
    pub explanation: String,
    /// Judge errors, if any.
    pub error: Option<String>,
}

/// Pairwise judging of one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairwiseCase {
    /// Case id.
    pub case_id: String,
    /// The pairs.
    pub pairs: Vec<PairJudgement>,
    /// Mean candidate preference over the pairs.
    pub candidate_preference: Option<f64>,
}

/// Trial counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TrialCounts {
    /// Cases × arms × k.
    pub planned: usize,
    /// Stored finished trials.
    pub finished: usize,
    /// Stored errored trials.
    pub errored: usize,
    /// Not run (budget, provider lost).
    pub not_run: usize,
}

/// Timings of the eval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Timings {
    /// When the eval was created.
    pub started_at: String,
    /// When the report was made.
    pub finished_at: String,
    /// Wall time of the last run of `skillgate eval` on it (ms).
    pub wall_ms: u64,
    /// Median trial wall time (ms).
    pub trial_p50_ms: Option<u64>,
    /// 95th percentile trial wall time (ms).
    pub trial_p95_ms: Option<u64>,
    /// Times the eval was resumed.
    pub resumed: u32,
}

/// Static checks and the description match of heuristic mode (SPEC §5.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct HeuristicChecks {
    /// Lint errors of the draft.
    pub lint_errors: usize,
    /// SafetyReport status.
    pub safety: Option<String>,
    /// PreservationReport status (`None` for a new skill).
    pub preservation: Option<String>,
    /// Selected cases whose task shares a keyword with the draft's description.
    pub description_matching_cases: usize,
    /// Selected cases.
    pub cases: usize,
    /// Share of matching cases.
    pub description_match: Option<f64>,
    /// Per case: run id and the description keywords its task contains.
    pub per_case: Vec<(String, Vec<String>)>,
    /// Summary in words (rendered from `summary_detail`).
    pub summary: String,
    /// The summary as a locale-free record (absent in reports made before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary_detail: Option<Reason>,
}

/// EvalReport (SPEC §5.1). Field names are the stored JSON names; the
/// governance gate reads `status`, `confidence` and `blocked_coverage`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    /// Eval id.
    pub eval_id: String,
    /// Draft id.
    pub draft_id: String,
    /// Skill name.
    pub skill: String,
    /// Final status.
    pub status: EvalStatus,
    /// Why this status, in words (rendered from `status_reason_detail`).
    pub status_reason: String,
    /// `status_reason` as a locale-free record, for front ends in other
    /// languages (absent in reports made before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reason_detail: Option<Reason>,
    /// replay or heuristic.
    pub mode: EvalMode,
    /// The one-sentence verdict a reviewer reads first (rendered from `summary_detail`).
    pub summary: String,
    /// `summary` as a locale-free record (absent in reports made before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary_detail: Option<Reason>,
    /// Mean baseline score over completed cases.
    pub baseline_average: Option<f64>,
    /// Mean candidate score over completed cases.
    pub candidate_average: Option<f64>,
    /// candidate_average − baseline_average (= mean case delta).
    pub score_delta: Option<f64>,
    /// 95% paired-bootstrap interval of the delta.
    pub delta_interval: Option<Interval>,
    /// Cases improved.
    pub improved: usize,
    /// Cases regressed.
    pub regressed: usize,
    /// Cases unchanged.
    pub unchanged: usize,
    /// Share of tool calls executed (1.0 with no call).
    pub execution_coverage: f64,
    /// Share surrogate.
    pub surrogate_coverage: f64,
    /// Share blocked.
    pub blocked_coverage: f64,
    /// Tool calls per mode.
    pub tool_call_counts: ToolModeCounts,
    /// high / medium / low.
    pub confidence: Confidence,
    /// The rule that set the level.
    pub confidence_rule: String,
    /// Every rule that fired, in words.
    pub confidence_reasons: Vec<String>,
    /// `confidence_reasons` as locale-free records, one per sentence (empty
    /// in reports made before they existed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub confidence_details: Vec<Reason>,
    /// The cases.
    pub replay_cases: Vec<ReplayCaseEntry>,
    /// Candidates left out, and why.
    pub skipped_runs: Vec<SkippedRun>,
    /// Case reports (transcripts only in the stored `case` reports).
    pub case_reports: Vec<CaseReport>,
    /// PreservationReport of the draft (revisions).
    pub preservation_report: Option<Value>,
    /// SafetyReport of the draft.
    pub safety_report: Option<Value>,
    /// Lint report of the draft.
    pub lint_report: Option<Value>,
    /// Heuristic checks (always computed; the whole evidence in heuristic mode).
    pub heuristic: HeuristicChecks,
    /// Raw per-trial data.
    pub raw_report: Value,
    /// Replay provider kind, if any.
    pub provider: Option<String>,
    /// Replay model, if any.
    pub model: Option<String>,
    /// Judge `kind:model`, if any.
    pub judge: Option<String>,
    /// The eval's prompt locale (`None`: each case's own).
    pub locale: Option<Locale>,
    /// Timings.
    pub timings: Timings,
    /// Tokens and cache.
    pub usage: Usage,
    /// Trigger rate per arm.
    pub trigger_rate: TriggerRates,
    /// Grader analysis.
    pub grader_analysis: GraderAnalysis,
    /// Trial counts.
    pub trials: TrialCounts,
    /// ε of the verdicts.
    pub epsilon: f64,
    /// Seed of the eval (trial seeds and bootstrap derive from it).
    pub seed: u64,
    /// Trials per case and arm.
    pub k: usize,
    /// Pairwise baseline-vs-candidate judging, per case with a model grader.
    pub pairwise: Vec<PairwiseCase>,
    /// Mean candidate preference over every judged pair (0.5 = no preference).
    pub pairwise_preference: Option<f64>,
}

/// A trial as the report builder sees it (decoded from the store).
#[derive(Debug, Clone)]
pub struct TrialData {
    /// The report entry.
    pub report: TrialReport,
    /// Case id.
    pub case_id: String,
    /// Arm.
    pub arm: Arm,
    /// Input/output tokens, judge tokens.
    pub judge_tokens: (u64, u64),
    /// Judge cache hits.
    pub cache_hits: u64,
    /// Wall ms.
    pub wall_ms: Option<u64>,
    /// Tool modes of dispatched calls.
    pub modes: Vec<ToolMode>,
}

/// A case with its threshold, for the builder.
#[derive(Debug, Clone)]
pub struct CaseData {
    /// The list entry.
    pub entry: ReplayCaseEntry,
    /// Pass threshold.
    pub pass_threshold: f64,
}

/// Everything the statistics need.
#[derive(Debug, Clone)]
pub struct ReplayStats {
    /// Case reports.
    pub case_reports: Vec<CaseReport>,
    /// Baseline average.
    pub baseline_average: Option<f64>,
    /// Candidate average.
    pub candidate_average: Option<f64>,
    /// Delta.
    pub score_delta: Option<f64>,
    /// Interval.
    pub delta_interval: Option<Interval>,
    /// Counts.
    pub improved: usize,
    /// Counts.
    pub regressed: usize,
    /// Counts.
    pub unchanged: usize,
    /// Tool call counts.
    pub counts: ToolModeCounts,
    /// Cases with a finished trial in both arms.
    pub cases_completed: usize,
    /// Finished trials.
    pub finished: usize,
    /// Errored trials.
    pub errored: usize,
    /// Grader analysis.
    pub analysis: GraderAnalysis,
    /// Trigger rates.
    pub trigger: TriggerRates,
    /// Usage (without budget fields).
    pub usage: Usage,
    /// Trial p50/p95 ms.
    pub trial_ms: (Option<u64>, Option<u64>),
}

fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let idx = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted.get(idx).copied()
}

fn arm_report(trials: Vec<TrialReport>, k_cfg: usize) -> ArmReport {
    let scores: Vec<f64> = trials
        .iter()
        .filter(|t| t.status == "finished")
        .filter_map(|t| t.score)
        .collect();
    let finished = scores.len();
    let errored = trials.len() - finished;
    let passed = trials
        .iter()
        .filter(|t| t.status == "finished" && t.passed == Some(true))
        .count();
    let k = k_cfg.min(finished);
    let (at, hat) = if k == 0 {
        (None, None)
    } else {
        (
            pass_at_k(finished, passed, k).ok(),
            pass_hat_k(finished, passed, k).ok(),
        )
    };
    ArmReport {
        mean_score: mean(&scores),
        finished,
        errored,
        passed,
        k,
        pass_at_k: at,
        pass_hat_k: hat,
        trials,
    }
}

/// Computes every statistic of a replay eval from its cases and trials.
pub fn replay_stats(
    cases: &[CaseData],
    trials: Vec<TrialData>,
    k: usize,
    epsilon: f64,
    seed: u64,
    candidate_has_skill: bool,
    baseline_has_skill: bool,
) -> ReplayStats {
    let mut counts = ToolModeCounts::default();
    let mut usage = Usage::default();
    let mut outcomes: Vec<GraderOutcome> = Vec::new();
    let mut scores: Vec<TrialScore> = Vec::new();
    let mut loaded: BTreeMap<Arm, Vec<bool>> = BTreeMap::new();
    let mut wall: Vec<u64> = Vec::new();
    let mut analysis = GraderAnalysis {
        ..Default::default()
    };
    let mut by_case: BTreeMap<String, (Vec<TrialReport>, Vec<TrialReport>)> = BTreeMap::new();
    let (mut finished, mut errored) = (0, 0);
    // Grader analysis names cases by their run id (unique within an eval, and readable).
    let run_of: BTreeMap<&str, &str> = cases
        .iter()
        .map(|c| (c.entry.case_id.as_str(), c.entry.run_id.as_str()))
        .collect();
    for t in trials {
        let label = run_of
            .get(t.case_id.as_str())
            .map_or_else(|| t.case_id.clone(), |r| (*r).to_string());
        for m in &t.modes {
            counts.record(*m);
        }
        let tokens = (
            t.report.tokens.0.max(0) as u64,
            t.report.tokens.1.max(0) as u64,
        );
        let slot = match t.arm {
            Arm::Baseline => &mut usage.baseline_tokens,
            Arm::Candidate => &mut usage.candidate_tokens,
        };
        slot.0 += tokens.0;
        slot.1 += tokens.1;
        usage.judge_tokens.0 += t.judge_tokens.0;
        usage.judge_tokens.1 += t.judge_tokens.1;
        usage.cache_hits += t.cache_hits;
        if let Some(w) = t.wall_ms {
            wall.push(w);
        }
        if t.report.status == "finished" {
            finished += 1;
            loaded.entry(t.arm).or_default().push(t.report.skill_loaded);
            if let Some(s) = t.report.score {
                scores.push(TrialScore {
                    case_id: label.clone(),
                    arm: t.arm,
                    score: s,
                });
            }
            for g in &t.report.graders {
                if let Some(p) = g.passed {
                    outcomes.push(GraderOutcome {
                        case_id: t.case_id.clone(),
                        arm: t.arm,
                        grader: format!("{label}/{}", g.id),
                        passed: p,
                    });
                } else if g.excluded {
                    let id = format!("{label}/{}: {}", g.id, g.explanation);
                    if !analysis.excluded_graders.contains(&id) {
                        analysis.excluded_graders.push(id);
                    }
                }
            }
            if let Some(sc) = &t.report.script_check
                && !sc.consistent
            {
                analysis.script_inconsistent_trials.push(format!(
                    "{} {} #{}: {}",
                    label,
                    t.arm.as_str(),
                    t.report.index,
                    sc.detail
                ));
            }
        } else {
            errored += 1;
        }
        let entry = by_case.entry(t.case_id.clone()).or_default();
        match t.arm {
            Arm::Baseline => entry.0.push(t.report),
            Arm::Candidate => entry.1.push(t.report),
        }
    }
    usage.total_tokens = usage.baseline_tokens.0
        + usage.baseline_tokens.1
        + usage.candidate_tokens.0
        + usage.candidate_tokens.1
        + usage.judge_tokens.0
        + usage.judge_tokens.1;
    usage.cache_scope = "judge requests at temperature 0, in memory for one run of the eval (not persisted; replay requests carry per-trial seeds and are never identical)".into();

    let mut case_reports = Vec::new();
    let mut deltas = Vec::new();
    let (mut b_means, mut c_means) = (Vec::new(), Vec::new());
    let (mut improved, mut regressed, mut unchanged) = (0, 0, 0);
    for case in cases {
        let (b, c) = by_case.remove(&case.entry.case_id).unwrap_or_default();
        let baseline = arm_report(b, k);
        let candidate = arm_report(c, k);
        let mut flags = Vec::new();
        let (delta, verdict) = match (baseline.mean_score, candidate.mean_score) {
            (Some(bm), Some(cm)) => {
                let bs: Vec<f64> = baseline
                    .trials
                    .iter()
                    .filter(|t| t.status == "finished")
                    .filter_map(|t| t.score)
                    .collect();
                let cs: Vec<f64> = candidate
                    .trials
                    .iter()
                    .filter(|t| t.status == "finished")
                    .filter_map(|t| t.score)
                    .collect();
                match case_delta(&bs, &cs, epsilon) {
                    Ok((d, v)) => {
                        b_means.push(bm);
                        c_means.push(cm);
                        deltas.push(d);
                        match v {
                            CaseVerdict::Improved => improved += 1,
                            CaseVerdict::Regressed => regressed += 1,
                            CaseVerdict::Unchanged => unchanged += 1,
                        }
                        (Some(d), Some(v))
                    }
                    Err(e) => {
                        flags.push(format!("no verdict: {e}"));
                        (None, None)
                    }
                }
            }
            _ => {
                flags.push("no verdict: an arm has no finished trial".into());
                (None, None)
            }
        };
        for arm in [&baseline, &candidate] {
            for t in &arm.trials {
                if let Some(sc) = &t.script_check
                    && !sc.consistent
                {
                    flags.push(format!(
                        "trial {} answered in an unexpected script: {}",
                        t.trial_id, sc.detail
                    ));
                }
                if let Some(e) = &t.error {
                    flags.push(format!("trial {} errored: {e}", t.trial_id));
                }
                for g in t.graders.iter().filter(|g| g.excluded) {
                    let f = format!("grader {} not scored: {}", g.id, g.explanation);
                    if !flags.contains(&f) {
                        flags.push(f);
                    }
                }
            }
        }
        case_reports.push(CaseReport {
            case_id: case.entry.case_id.clone(),
            run_id: case.entry.run_id.clone(),
            task: case.entry.task.clone(),
            why_selected: case.entry.why_selected.clone(),
            pass_threshold: case.pass_threshold,
            delta,
            verdict,
            baseline,
            candidate,
            flags,
        });
    }
    let interval = paired_bootstrap_interval(&deltas, BOOTSTRAP_RESAMPLES, seed, 0.95)
        .ok()
        .flatten();
    analysis.non_discriminating = non_discriminating_graders(&outcomes);
    analysis.flaky_cases = flaky_cases(&scores, skillgate_core::stats::DEFAULT_FLAKY_RANGE);
    wall.sort_unstable();
    let trigger = TriggerRates {
        baseline: if baseline_has_skill {
            loaded.get(&Arm::Baseline).and_then(|l| trigger_rate(l))
        } else {
            None
        },
        candidate: if candidate_has_skill {
            loaded.get(&Arm::Candidate).and_then(|l| trigger_rate(l))
        } else {
            None
        },
    };
    let baseline_average = mean(&b_means);
    let candidate_average = mean(&c_means);
    ReplayStats {
        cases_completed: deltas.len(),
        score_delta: mean(&deltas),
        delta_interval: interval,
        baseline_average,
        candidate_average,
        improved,
        regressed,
        unchanged,
        counts,
        finished,
        errored,
        analysis,
        trigger,
        usage,
        trial_ms: (percentile(&wall, 0.5), percentile(&wall, 0.95)),
        case_reports,
    }
}

/// Confidence of an eval.
pub fn confidence_of(
    stats: Option<&ReplayStats>,
    mode: EvalMode,
    thresholds: &ConfidenceThresholds,
) -> ConfidenceDecision {
    let input = match stats {
        Some(s) => {
            let cov = s.counts.coverage();
            ConfidenceInput {
                cases_completed: s.cases_completed,
                execution_coverage: cov.execution,
                blocked_coverage: cov.blocked,
                blocked_calls: s.counts.blocked,
                trials_total: s.finished + s.errored,
                trials_errored: s.errored,
                interval_width: s.delta_interval.map(|i| i.width()),
                mode,
            }
        }
        None => ConfidenceInput {
            cases_completed: 0,
            execution_coverage: 1.0,
            blocked_coverage: 0.0,
            blocked_calls: 0,
            trials_total: 0,
            trials_errored: 0,
            interval_width: None,
            mode,
        },
    };
    decide_confidence(&input, thresholds)
}

/// A static-check status (`passed` / `failed`) as a reason argument; an
/// unknown word stays text, a missing report says `missing_id`.
fn check_arg(status: Option<&str>, missing_id: &str) -> ReasonArg {
    match status {
        None => ReasonArg::Reason(Box::new(Reason::new(missing_id))),
        Some("passed") => ReasonArg::Reason(Box::new(Reason::new("check-passed"))),
        Some("failed") => ReasonArg::Reason(Box::new(Reason::new("check-failed"))),
        Some(other) => ReasonArg::Text(other.to_string()),
    }
}

/// The heuristic checks' summary (SPEC §5.3) as a record; its English is the
/// stored `HeuristicChecks::summary`.
pub fn heuristic_summary_reason(
    lint_errors: usize,
    safety: Option<&str>,
    preservation: Option<&str>,
    matching: usize,
    cases: usize,
    share: Option<f64>,
) -> Reason {
    let r = match share {
        Some(s) => Reason::new("heuristic-summary").share("share", s),
        None => Reason::new("heuristic-summary-no-cases"),
    };
    r.count("lint_errors", lint_errors)
        .arg("safety", check_arg(safety, "check-missing"))
        .arg("preservation", check_arg(preservation, "check-new-skill"))
        .count("matching", matching)
        .count("cases", cases)
}

/// Why the static checks fail, one record each (empty when they pass).
pub fn static_failures(h: &HeuristicChecks) -> Vec<Reason> {
    let mut why = Vec::new();
    if h.safety.as_deref() == Some("failed") {
        why.push(Reason::new("cause-safety-failed"));
    }
    if h.preservation.as_deref() == Some("failed") {
        why.push(Reason::new("cause-preservation-failed"));
    }
    if h.lint_errors > 0 {
        why.push(Reason::new("cause-lint-errors"));
    }
    why
}

/// Why replay was blocked, as an argument: a catalogue cause when the text is
/// one of the fixed sentences (`cause-kill-switch`, `cause-no-provider`), else
/// the text itself (provider errors carry details only the provider words).
pub fn blocker_cause(text: &str) -> ReasonArg {
    ["cause-kill-switch", "cause-no-provider"]
        .into_iter()
        .find(|id| english_template(id) == Some(text))
        .map_or_else(
            || ReasonArg::Text(text.to_string()),
            |id| ReasonArg::Reason(Box::new(Reason::new(id))),
        )
}

/// What decides an eval's mode and status (see [`decide_status`]).
#[derive(Debug, Clone, Default)]
pub struct StatusInput<'a> {
    /// Why replay could not run, and whether the provider was the cause.
    pub blocker: Option<(&'a str, bool)>,
    /// The protected-path tripwire fired, with what it saw.
    pub tripwire: Option<&'a str>,
    /// The provider stopped answering mid-eval, with its error.
    pub unavailable: Option<&'a str>,
    /// The token budget ran out.
    pub budget_exhausted: bool,
    /// The token budget (0 when none).
    pub token_budget: u64,
    /// Finished trials.
    pub finished: usize,
    /// Errored trials.
    pub errored: usize,
    /// Planned trials (cases × 2 × k).
    pub planned: usize,
    /// Planned trials that did not run.
    pub not_run: usize,
    /// Selected cases.
    pub cases: usize,
    /// Cases with a finished trial in both arms.
    pub cases_completed: usize,
    /// Why the static checks fail ([`static_failures`]).
    pub static_failures: Vec<Reason>,
    /// Candidate − baseline mean score.
    pub score_delta: Option<f64>,
    /// ε of the verdicts.
    pub epsilon: f64,
    /// Cases improved.
    pub improved: usize,
    /// Cases regressed.
    pub regressed: usize,
}

/// The mode, status and status reason of an eval (SPEC §5.1): a blocker makes
/// it heuristic, a tripwire or all-errored replay a `replay_error`, missing
/// trials `partial`, failed static checks or a regression `failed`, else
/// `passed`. The reason is a record; `status_reason` is its English.
pub fn decide_status(i: &StatusInput) -> (EvalMode, EvalStatus, Reason) {
    let failures = || ReasonArg::All(i.static_failures.clone());
    if let Some((cause, provider_cause)) = i.blocker {
        let cause = blocker_cause(cause);
        return if provider_cause {
            (
                EvalMode::Heuristic,
                EvalStatus::SkippedProviderUnavailable,
                Reason::new("status-replay-skipped").arg("cause", cause),
            )
        } else if !i.static_failures.is_empty() {
            (
                EvalMode::Heuristic,
                EvalStatus::Failed,
                Reason::new("status-heuristic-failed")
                    .arg("cause", cause)
                    .arg("failures", failures()),
            )
        } else {
            (
                EvalMode::Heuristic,
                EvalStatus::Passed,
                Reason::new("status-heuristic-passed").arg("cause", cause),
            )
        };
    }
    if let Some(t) = i.tripwire {
        return (
            EvalMode::Replay,
            EvalStatus::ReplayError,
            Reason::new("status-tripwire").text("detail", t),
        );
    }
    if let Some(u) = i.unavailable.filter(|_| i.finished == 0) {
        return (
            EvalMode::Heuristic,
            EvalStatus::SkippedProviderUnavailable,
            Reason::new("status-provider-lost").text("error", u),
        );
    }
    if i.finished == 0 && i.errored > 0 {
        return (
            EvalMode::Replay,
            EvalStatus::ReplayError,
            Reason::new("status-all-errored").count("errored", i.errored),
        );
    }
    if i.finished == 0 && i.cases == 0 {
        return (
            EvalMode::Replay,
            EvalStatus::ReplayError,
            Reason::new("status-no-cases"),
        );
    }
    if i.budget_exhausted || i.unavailable.is_some() || i.not_run > 0 || i.cases_completed < i.cases
    {
        let mut causes = Vec::new();
        if i.budget_exhausted {
            causes.push(
                Reason::new("cause-budget-spent").arg("budget", ReasonArg::Count(i.token_budget)),
            );
        }
        if let Some(u) = i.unavailable {
            causes.push(Reason::new("cause-provider-stopped").text("error", u));
        }
        if i.not_run > 0 {
            causes.push(
                Reason::new("cause-trials-not-run")
                    .count("not_run", i.not_run)
                    .count("planned", i.planned),
            );
        }
        if i.cases_completed < i.cases {
            causes.push(
                Reason::new("cause-cases-incomplete")
                    .count("missing", i.cases - i.cases_completed)
                    .count("cases", i.cases),
            );
        }
        return (
            EvalMode::Replay,
            EvalStatus::Partial,
            Reason::new("status-partial").arg("causes", ReasonArg::List(causes)),
        );
    }
    if !i.static_failures.is_empty() {
        return (
            EvalMode::Replay,
            EvalStatus::Failed,
            Reason::new("status-static-failed").arg("failures", failures()),
        );
    }
    if i.score_delta
        .is_some_and(|d| d < -i.epsilon - skillgate_core::stats::FLOAT_SLACK)
    {
        return (
            EvalMode::Replay,
            EvalStatus::Failed,
            Reason::new("status-mean-regressed")
                .decimal("drop", -i.score_delta.unwrap_or(0.0))
                .number("epsilon", i.epsilon),
        );
    }
    if i.regressed > i.improved {
        return (
            EvalMode::Replay,
            EvalStatus::Failed,
            Reason::new("status-more-regressed")
                .count("regressed", i.regressed)
                .count("improved", i.improved),
        );
    }
    (
        EvalMode::Replay,
        EvalStatus::Passed,
        Reason::new("status-passed")
            .delta("delta", i.score_delta.unwrap_or(0.0))
            .count("regressed", i.regressed)
            .count("improved", i.improved),
    )
}

/// The one-sentence summary of an eval as a record; `summary` is its English.
pub fn summary_reason(
    mode: EvalMode,
    status: EvalStatus,
    stats: &ReplayStats,
    epsilon: f64,
    confidence: Confidence,
) -> Reason {
    match (mode, status) {
        (EvalMode::Heuristic, EvalStatus::SkippedProviderUnavailable) => {
            return Reason::new("summary-provider-unavailable");
        }
        (EvalMode::Heuristic, _) => return Reason::new("summary-replay-off"),
        (_, EvalStatus::ReplayError) => return Reason::new("summary-replay-failed"),
        _ => {}
    }
    let id = match stats.score_delta {
        Some(d) if d > epsilon => "summary-better",
        Some(d) if d < -epsilon => "summary-worse",
        Some(_) => "summary-same",
        None => "summary-incomparable",
    };
    let average = |v: Option<f64>| match v {
        Some(v) => ReasonArg::finite(v, ReasonArg::Decimal),
        None => ReasonArg::Text("—".into()),
    };
    Reason::new(id)
        .arg("candidate", average(stats.candidate_average))
        .arg("baseline", average(stats.baseline_average))
        .count("cases", stats.cases_completed)
        .count("improved", stats.improved)
        .count("regressed", stats.regressed)
        .count("unchanged", stats.unchanged)
        .nested(
            "confidence",
            skillgate_core::confidence::level_reason(confidence),
        )
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn num(x: Option<f64>) -> String {
    x.map_or("—".into(), |v| format!("{v:.2}"))
}

impl EvalReport {
    /// The one-page text summary: verdict first, then the numbers and why.
    pub fn render_text(&self) -> String {
        let mut o = String::new();
        o.push_str(&format!(
            "Eval {} of draft {} ({}): {}\n",
            self.eval_id,
            self.draft_id,
            self.skill,
            self.status.as_str().to_uppercase()
        ));
        o.push_str(&format!("{}\n", self.summary));
        o.push_str(&format!("Why this status: {}\n\n", self.status_reason));
        o.push_str(&format!(
            "Confidence: {} (rule {})\n",
            match self.confidence {
                Confidence::High => "HIGH",
                Confidence::Medium => "MEDIUM",
                Confidence::Low => "LOW",
            },
            self.confidence_rule
        ));
        for r in &self.confidence_reasons {
            o.push_str(&format!("  - {r}\n"));
        }
        o.push('\n');
        match self.mode {
            EvalMode::Replay => {
                o.push_str(&format!(
                    "Scores: baseline {} → candidate {} (delta {}{})\n",
                    num(self.baseline_average),
                    num(self.candidate_average),
                    self.score_delta.map_or("—".into(), |d| format!("{d:+.2}")),
                    self.delta_interval
                        .map(|i| format!(", 95% interval [{:+.2}, {:+.2}]", i.low, i.high))
                        .unwrap_or_default()
                ));
                o.push_str(&format!(
                    "Cases: {} improved, {} regressed, {} unchanged of {} ({} trials per arm; {} finished, {} errored, {} not run)\n",
                    self.improved,
                    self.regressed,
                    self.unchanged,
                    self.replay_cases.len(),
                    self.k,
                    self.trials.finished,
                    self.trials.errored,
                    self.trials.not_run
                ));
                o.push_str(&format!(
                    "Tool calls: {} executed, {} surrogate, {} blocked ({} / {} / {})\n",
                    self.tool_call_counts.executed,
                    self.tool_call_counts.surrogate,
                    self.tool_call_counts.blocked,
                    pct(self.execution_coverage),
                    pct(self.surrogate_coverage),
                    pct(self.blocked_coverage)
                ));
                o.push_str(&format!(
                    "Pairwise judging: {}\n",
                    self.grader_analysis.pairwise_judging
                ));
                o.push_str(&format!(
                    "Trigger rate: baseline {}, candidate {}\n",
                    self.trigger_rate
                        .baseline
                        .map_or("n/a (no skill)".into(), pct),
                    self.trigger_rate.candidate.map_or("n/a".into(), pct)
                ));
            }
            EvalMode::Heuristic => {
                o.push_str(&format!("Heuristic checks: {}\n", self.heuristic.summary));
            }
        }
        o.push_str(&format!(
            "Static checks: safety {}, preservation {}, lint errors {}\n",
            self.heuristic.safety.as_deref().unwrap_or("missing"),
            self.heuristic
                .preservation
                .as_deref()
                .unwrap_or("n/a (new skill)"),
            self.heuristic.lint_errors
        ));
        let u = &self.usage;
        o.push_str(&format!(
            "Usage: baseline {} tokens, candidate {} tokens, judge {} tokens, total {}{}; cache hits {}\n",
            u.baseline_tokens.0 + u.baseline_tokens.1,
            u.candidate_tokens.0 + u.candidate_tokens.1,
            u.judge_tokens.0 + u.judge_tokens.1,
            u.total_tokens,
            u.token_budget.map(|b| format!(" of a {b} budget")).unwrap_or_default(),
            u.cache_hits
        ));
        o.push_str(&format!(
            "Provider: {}{}\n",
            match (&self.provider, &self.model) {
                (Some(p), Some(m)) => format!("{p} {m}"),
                _ => "none".into(),
            },
            self.judge
                .as_ref()
                .map(|j| format!(", judge {j}"))
                .unwrap_or_default()
        ));
        if self.mode == EvalMode::Replay && !self.case_reports.is_empty() {
            o.push_str("\nCases:\n");
            for c in &self.case_reports {
                o.push_str(&format!(
                    "  {:<10} {:<10} base {} cand {}  {}\n",
                    c.run_id,
                    c.verdict.map_or("no verdict", |v| v.as_str()),
                    num(c.baseline.mean_score),
                    num(c.candidate.mean_score),
                    crate::truncate(&c.task, 60)
                ));
            }
        }
        let a = &self.grader_analysis;
        if !a.non_discriminating.is_empty()
            || !a.flaky_cases.is_empty()
            || !a.excluded_graders.is_empty()
            || !a.script_inconsistent_trials.is_empty()
        {
            o.push_str("\nWeak evidence:\n");
            for g in &a.non_discriminating {
                o.push_str(&format!(
                    "  - grader {} {} in both arms on every trial: it cannot tell them apart\n",
                    g.grader,
                    match g.kind {
                        NonDiscriminatingKind::AlwaysPasses => "passes",
                        NonDiscriminatingKind::AlwaysFails => "fails",
                    }
                ));
            }
            for f in &a.flaky_cases {
                o.push_str(&format!(
                    "  - case {} ({}) is flaky: scores {:.2}..{:.2}\n",
                    f.case_id,
                    f.arm.as_str(),
                    f.min,
                    f.max
                ));
            }
            for g in &a.excluded_graders {
                o.push_str(&format!("  - grader not scored: {g}\n"));
            }
            for s in &a.script_inconsistent_trials {
                o.push_str(&format!("  - unexpected script: {s}\n"));
            }
        }
        if !self.skipped_runs.is_empty() {
            o.push_str("\nRuns left out:\n");
            for s in &self.skipped_runs {
                o.push_str(&format!("  - {}: {}\n", s.run_id, s.reason));
            }
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replay(i: StatusInput) -> (EvalMode, EvalStatus, Reason) {
        decide_status(&StatusInput { epsilon: 0.05, ..i })
    }

    fn assert_catalogued(r: &Reason) {
        for id in r.ids() {
            assert!(english_template(id).is_some(), "{id} not in the catalogue");
        }
    }

    #[test]
    fn partial_reason_lists_every_cause_in_the_stored_english() {
        let (mode, status, r) = replay(StatusInput {
            budget_exhausted: true,
            token_budget: 1000,
            unavailable: Some("HTTP 503"),
            finished: 8,
            planned: 12,
            not_run: 4,
            cases: 2,
            cases_completed: 1,
            ..Default::default()
        });
        assert_eq!((mode, status), (EvalMode::Replay, EvalStatus::Partial));
        assert_eq!(r.id, "status-partial");
        assert_eq!(
            r.english(),
            "the token budget of 1000 was spent, the provider stopped answering (HTTP 503), \
             4 of 12 trials did not run, 1 of 2 cases have no finished trial in an arm; \
             finished trials are kept"
        );
        assert_catalogued(&r);
    }

    #[test]
    fn kill_switch_blocker_is_a_catalogued_cause() {
        let kill = Reason::new("cause-kill-switch").english();
        let failing = vec![
            Reason::new("cause-safety-failed"),
            Reason::new("cause-lint-errors"),
        ];
        let (mode, status, r) = replay(StatusInput {
            blocker: Some((&kill, false)),
            static_failures: failing,
            ..Default::default()
        });
        assert_eq!((mode, status), (EvalMode::Heuristic, EvalStatus::Failed));
        assert_eq!(
            r.ids(),
            vec![
                "status-heuristic-failed",
                "cause-kill-switch",
                "cause-safety-failed",
                "cause-lint-errors"
            ]
        );
        assert_eq!(
            r.english(),
            format!(
                "{kill}; static checks only, and the SafetyReport failed and the draft has lint errors"
            )
        );
    }

    #[test]
    fn provider_error_blocker_stays_text() {
        let (_, status, r) = replay(StatusInput {
            blocker: Some(("the provider x does not answer: timeout", true)),
            ..Default::default()
        });
        assert_eq!(status, EvalStatus::SkippedProviderUnavailable);
        assert_eq!(
            r.args["cause"],
            ReasonArg::Text("the provider x does not answer: timeout".into())
        );
        assert_eq!(
            r.english(),
            "replay was skipped: the provider x does not answer: timeout; only static checks ran"
        );
    }

    #[test]
    fn passed_and_failed_replays_keep_their_numbers() {
        let done = StatusInput {
            finished: 12,
            planned: 12,
            cases: 2,
            cases_completed: 2,
            ..Default::default()
        };
        let (_, status, r) = replay(StatusInput {
            score_delta: Some(0.1),
            improved: 1,
            ..done.clone()
        });
        assert_eq!(status, EvalStatus::Passed);
        assert_eq!(
            r.english(),
            "the candidate is not worse on average (delta +0.10 ≥ −ε) and regressed 0 cases while improving 1"
        );
        let (_, status, r) = replay(StatusInput {
            score_delta: Some(-0.2),
            regressed: 2,
            ..done.clone()
        });
        assert_eq!(status, EvalStatus::Failed);
        assert_eq!(
            r.english(),
            "the candidate scores 0.20 lower than the baseline on average (more than ε = 0.05)"
        );
        assert_eq!(r.args["drop"], ReasonArg::Decimal(0.2));
        let (_, status, r) = replay(StatusInput {
            regressed: 2,
            improved: 1,
            ..done
        });
        assert_eq!(status, EvalStatus::Failed);
        assert_eq!(r.id, "status-more-regressed");
    }

    #[test]
    fn summary_names_the_comparison_and_confidence_level() {
        let mut stats = replay_stats(&[], Vec::new(), 1, 0.05, 7, true, true);
        stats.score_delta = Some(0.3);
        stats.candidate_average = Some(0.9);
        stats.baseline_average = Some(0.6);
        stats.cases_completed = 3;
        stats.improved = 2;
        stats.unchanged = 1;
        let r = summary_reason(
            EvalMode::Replay,
            EvalStatus::Passed,
            &stats,
            0.05,
            Confidence::Medium,
        );
        assert_eq!(r.ids(), vec!["summary-better", "level-medium"]);
        assert_eq!(
            r.english(),
            "The candidate does better than the baseline: average score 0.90 vs 0.60 over 3 cases \
             (2 improved, 0 regressed, 1 unchanged); confidence medium."
        );
        stats.score_delta = None;
        stats.candidate_average = None;
        let r = summary_reason(
            EvalMode::Replay,
            EvalStatus::Partial,
            &stats,
            0.05,
            Confidence::Low,
        );
        assert!(r.english().starts_with(
            "The candidate could not be compared with the baseline: average score — vs 0.60"
        ));
    }

    #[test]
    fn heuristic_summary_translates_check_words_but_keeps_unknown_ones() {
        let r = heuristic_summary_reason(2, Some("passed"), None, 3, 4, Some(0.75));
        assert_eq!(
            r.english(),
            "lint errors 2, safety passed, preservation n/a (new skill); the draft's description \
             shares a keyword with 3 of 4 selected cases (75%)"
        );
        assert_catalogued(&r);
        let r = heuristic_summary_reason(0, None, Some("weird"), 0, 0, None);
        assert_eq!(r.args["preservation"], ReasonArg::Text("weird".into()));
        assert!(r.english().ends_with("with 0 of 0 selected cases"));
        assert!(r.english().contains("safety missing"));
    }
}
