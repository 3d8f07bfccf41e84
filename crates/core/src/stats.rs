//! Statistics of an eval (SPEC §3.3, §5.1): pass@k and pass^k, case deltas and
//! verdicts, the paired-bootstrap interval of the score delta, tool-mode
//! coverage, trigger rate, and grader analysis (non-discriminating graders,
//! flaky cases).
//!
//! Every function is pure and deterministic; the bootstrap takes its seed as an
//! argument. The formulas are written out in `docs/scoring-and-gate.md`.

use crate::types::{Arm, ToolMode};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use thiserror::Error;

/// Default ε of the case verdict: |delta| ≤ 0.05 is `unchanged` (SPEC §3.3).
pub const DEFAULT_EPSILON: f64 = 0.05;
/// Default number of bootstrap resamples.
pub const DEFAULT_RESAMPLES: usize = 2000;
/// Default confidence level of the delta interval (95%, SPEC §5.1).
pub const DEFAULT_LEVEL: f64 = 0.95;
/// Default score range at which the trials of one case and arm count as flaky.
pub const DEFAULT_FLAKY_RANGE: f64 = 0.5;

/// Slack used by every threshold comparison on computed floats, so that a
/// value that is a threshold up to rounding (`0.55 - 0.5`) sits *on* it.
pub const FLOAT_SLACK: f64 = 1e-9;

/// Why a statistic could not be computed. Each message says what to change.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StatsError {
    /// n = 0.
    #[error(
        "{statistic} needs at least one finished trial (n = 0); replay the case before scoring it"
    )]
    NoTrials {
        /// `pass@k` or `pass^k`.
        statistic: &'static str,
    },
    /// c > n.
    #[error(
        "{statistic}: {passed} passed trials out of {trials} is impossible; count passes among finished trials only"
    )]
    PassedExceedsTrials {
        /// `pass@k` or `pass^k`.
        statistic: &'static str,
        /// n.
        trials: usize,
        /// c.
        passed: usize,
    },
    /// k = 0.
    #[error("{statistic}: k must be at least 1")]
    ZeroK {
        /// `pass@k` or `pass^k`.
        statistic: &'static str,
    },
    /// k > n.
    #[error(
        "{statistic}: k = {k} exceeds the {trials} finished trials; lower k to {trials} or run more trials"
    )]
    KExceedsTrials {
        /// `pass@k` or `pass^k`.
        statistic: &'static str,
        /// n.
        trials: usize,
        /// k.
        k: usize,
    },
    /// An arm had no scores.
    #[error(
        "the {arm} arm has no scored trial for this case; a case delta needs at least one trial per arm"
    )]
    EmptyArm {
        /// The arm without scores.
        arm: &'static str,
    },
    /// A NaN or infinite input value.
    #[error("{what}[{index}] is {value}, not a finite number; check the grader that produced it")]
    NonFinite {
        /// Which input.
        what: &'static str,
        /// Position in the input.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// ε negative or not finite.
    #[error("epsilon = {0} is invalid; use a finite value >= 0 (default 0.05)")]
    InvalidEpsilon(f64),
    /// Level outside (0, 1).
    #[error(
        "bootstrap level = {0} is invalid; use a value strictly between 0 and 1 (default 0.95)"
    )]
    InvalidLevel(f64),
    /// Zero resamples.
    #[error("bootstrap needs at least one resample (default 2000)")]
    ZeroResamples,
}

fn check_nck(statistic: &'static str, n: usize, c: usize, k: usize) -> Result<(), StatsError> {
    if n == 0 {
        return Err(StatsError::NoTrials { statistic });
    }
    if c > n {
        return Err(StatsError::PassedExceedsTrials {
            statistic,
            trials: n,
            passed: c,
        });
    }
    if k == 0 {
        return Err(StatsError::ZeroK { statistic });
    }
    if k > n {
        return Err(StatsError::KExceedsTrials {
            statistic,
            trials: n,
            k,
        });
    }
    Ok(())
}

/// pass@k = 1 − C(n−c, k)/C(n, k): the chance that at least one of k trials
/// drawn without replacement from n trials (c of them passed) passes.
///
/// Computed by the stable product 1 − ∏_{i=n−c+1}^{n} (1 − k/i); exactly 1.0
/// when n − c < k. Errors (never clamps) when n = 0, k = 0, c > n or k > n;
/// a caller with fewer finished trials than k should pass `k = n`.
pub fn pass_at_k(n: usize, c: usize, k: usize) -> Result<f64, StatsError> {
    check_nck("pass@k", n, c, k)?;
    if n - c < k {
        return Ok(1.0);
    }
    let kf = k as f64;
    let product: f64 = ((n - c + 1)..=n).map(|i| 1.0 - kf / i as f64).product();
    Ok(1.0 - product)
}

/// pass^k = C(c, k)/C(n, k): the chance that all k trials drawn without
/// replacement from n trials (c of them passed) pass.
///
/// Computed by the stable product ∏_{i=0}^{k−1} (c − i)/(n − i); exactly 0.0
/// when c < k. Same errors as [`pass_at_k`].
pub fn pass_hat_k(n: usize, c: usize, k: usize) -> Result<f64, StatsError> {
    check_nck("pass^k", n, c, k)?;
    if c < k {
        return Ok(0.0);
    }
    Ok((0..k).map(|i| (c - i) as f64 / (n - i) as f64).product())
}

/// Arithmetic mean; `None` for an empty slice.
pub fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        None
    } else {
        Some(values.iter().sum::<f64>() / values.len() as f64)
    }
}

fn check_finite(what: &'static str, values: &[f64]) -> Result<(), StatsError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(StatsError::NonFinite {
            what,
            index,
            value: values[index],
        }),
        None => Ok(()),
    }
}

/// How a case moved from baseline to candidate (SPEC §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseVerdict {
    /// delta > ε.
    Improved,
    /// delta < −ε.
    Regressed,
    /// |delta| ≤ ε.
    Unchanged,
}

impl CaseVerdict {
    /// `improved`, `regressed` or `unchanged`.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseVerdict::Improved => "improved",
            CaseVerdict::Regressed => "regressed",
            CaseVerdict::Unchanged => "unchanged",
        }
    }
}

impl fmt::Display for CaseVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Case delta = mean candidate score − mean baseline score, and its verdict:
/// improved if delta > ε, regressed if delta < −ε, else unchanged. A delta
/// within [`FLOAT_SLACK`] of ±ε counts as unchanged (so 0.55 vs 0.50 with
/// ε = 0.05 is unchanged, as written, despite rounding).
///
/// Errors when an arm has no score, a score is not finite, or ε is invalid.
pub fn case_delta(
    baseline: &[f64],
    candidate: &[f64],
    epsilon: f64,
) -> Result<(f64, CaseVerdict), StatsError> {
    if !epsilon.is_finite() || epsilon < 0.0 {
        return Err(StatsError::InvalidEpsilon(epsilon));
    }
    check_finite("baseline scores", baseline)?;
    check_finite("candidate scores", candidate)?;
    let base = mean(baseline).ok_or(StatsError::EmptyArm {
        arm: Arm::Baseline.as_str(),
    })?;
    let cand = mean(candidate).ok_or(StatsError::EmptyArm {
        arm: Arm::Candidate.as_str(),
    })?;
    let delta = cand - base;
    let verdict = if delta > epsilon + FLOAT_SLACK {
        CaseVerdict::Improved
    } else if delta < -epsilon - FLOAT_SLACK {
        CaseVerdict::Regressed
    } else {
        CaseVerdict::Unchanged
    };
    Ok((delta, verdict))
}

/// A closed interval `[low, high]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

impl Interval {
    /// `high − low`.
    pub fn width(&self) -> f64 {
        self.high - self.low
    }

    /// Whether `x` lies in the interval (bounds included, with [`FLOAT_SLACK`]).
    pub fn contains(&self, x: f64) -> bool {
        x >= self.low - FLOAT_SLACK && x <= self.high + FLOAT_SLACK
    }
}

/// Percentile of sorted data by linear interpolation between order statistics
/// (Hyndman–Fan type 7, the default of R and NumPy).
fn percentile_sorted(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Paired-bootstrap interval of the mean of per-case deltas (SPEC §5.1).
///
/// Draws `resamples` resamples of the cases with replacement from a ChaCha8
/// generator seeded with `seed`, takes each resample's mean delta, and returns
/// the `(1 − level)/2` and `(1 + level)/2` percentiles (percentile method).
/// Same inputs and seed → same interval. One case → the degenerate interval
/// `[d, d]`; no case → `Ok(None)`.
pub fn paired_bootstrap_interval(
    deltas: &[f64],
    resamples: usize,
    seed: u64,
    level: f64,
) -> Result<Option<Interval>, StatsError> {
    if !(level > 0.0 && level < 1.0) {
        return Err(StatsError::InvalidLevel(level));
    }
    if resamples == 0 {
        return Err(StatsError::ZeroResamples);
    }
    check_finite("deltas", deltas)?;
    let n = deltas.len();
    match n {
        0 => return Ok(None),
        1 => {
            return Ok(Some(Interval {
                low: deltas[0],
                high: deltas[0],
            }));
        }
        _ => {}
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut means: Vec<f64> = (0..resamples)
        .map(|_| {
            let sum: f64 = (0..n).map(|_| deltas[rng.random_range(0..n)]).sum();
            sum / n as f64
        })
        .collect();
    means.sort_by(f64::total_cmp);
    let alpha = 1.0 - level;
    Ok(Some(Interval {
        low: percentile_sorted(&means, alpha / 2.0),
        high: percentile_sorted(&means, 1.0 - alpha / 2.0),
    }))
}

/// How many tool calls of an eval went through each [`ToolMode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ToolModeCounts {
    /// Calls run for real in the sandbox.
    pub executed: usize,
    /// Calls answered by a surrogate.
    pub surrogate: usize,
    /// Calls refused by replay policy.
    pub blocked: usize,
}

impl ToolModeCounts {
    /// Counts a sequence of modes.
    pub fn from_modes<I: IntoIterator<Item = ToolMode>>(modes: I) -> Self {
        let mut counts = ToolModeCounts::default();
        for mode in modes {
            counts.record(mode);
        }
        counts
    }

    /// Adds one call in `mode`.
    pub fn record(&mut self, mode: ToolMode) {
        match mode {
            ToolMode::Executed => self.executed += 1,
            ToolMode::Surrogate => self.surrogate += 1,
            ToolMode::Blocked => self.blocked += 1,
        }
    }

    /// All calls.
    pub fn total(&self) -> usize {
        self.executed + self.surrogate + self.blocked
    }

    /// Share of calls in each mode (SPEC §5.1).
    pub fn coverage(&self) -> Coverage {
        Coverage::from_counts(self)
    }
}

/// Share of tool calls in each mode; the three shares sum to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// Share of executed calls.
    pub execution: f64,
    /// Share of surrogate calls.
    pub surrogate: f64,
    /// Share of blocked calls.
    pub blocked: f64,
}

impl Coverage {
    /// Shares from counts; 1.0 execution when no tool was called (SPEC §5.1).
    pub fn from_counts(counts: &ToolModeCounts) -> Coverage {
        let total = counts.total();
        if total == 0 {
            return Coverage {
                execution: 1.0,
                surrogate: 0.0,
                blocked: 0.0,
            };
        }
        let t = total as f64;
        Coverage {
            execution: counts.executed as f64 / t,
            surrogate: counts.surrogate as f64 / t,
            blocked: counts.blocked as f64 / t,
        }
    }
}

/// Trigger rate of an arm: the share of its trials that loaded the skill
/// (`true` = the trial called `load_skill` or had it injected). `None` when the
/// arm has no trial.
pub fn trigger_rate(loaded: &[bool]) -> Option<f64> {
    if loaded.is_empty() {
        None
    } else {
        Some(loaded.iter().filter(|l| **l).count() as f64 / loaded.len() as f64)
    }
}

/// One grader's pass/fail on one trial, the input of
/// [`non_discriminating_graders`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraderOutcome {
    /// The ReplayCase id.
    pub case_id: String,
    /// The arm of the trial.
    pub arm: Arm,
    /// Stable id of the grader within the eval (e.g. `contains:42` or its index).
    pub grader: String,
    /// Whether the grader passed the trial.
    pub passed: bool,
}

/// Why a grader cannot tell the arms apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NonDiscriminatingKind {
    /// Passed every trial of both arms on every case (SPEC §3.3).
    AlwaysPasses,
    /// Failed every trial of both arms on every case.
    AlwaysFails,
}

/// A grader flagged by [`non_discriminating_graders`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NonDiscriminatingGrader {
    /// The grader id.
    pub grader: String,
    /// Always passes or always fails.
    pub kind: NonDiscriminatingKind,
    /// Cases in which it was seen in both arms.
    pub cases: usize,
    /// Trials it graded.
    pub trials: usize,
}

/// Graders that gave the same answer in every trial of both arms on every case
/// they graded, so they cannot tell the arms apart (SPEC §3.3 grader
/// analysis). A grader is only judged once it was seen in both arms of at
/// least one case. Sorted by grader id.
pub fn non_discriminating_graders(outcomes: &[GraderOutcome]) -> Vec<NonDiscriminatingGrader> {
    #[derive(Default)]
    struct Seen<'a> {
        passes: usize,
        fails: usize,
        arms_by_case: BTreeMap<&'a str, (bool, bool)>,
    }
    let mut by_grader: BTreeMap<&str, Seen> = BTreeMap::new();
    for o in outcomes {
        let seen = by_grader.entry(o.grader.as_str()).or_default();
        if o.passed {
            seen.passes += 1;
        } else {
            seen.fails += 1;
        }
        let arms = seen.arms_by_case.entry(o.case_id.as_str()).or_default();
        match o.arm {
            Arm::Baseline => arms.0 = true,
            Arm::Candidate => arms.1 = true,
        }
    }
    by_grader
        .into_iter()
        .filter_map(|(grader, seen)| {
            let cases = seen.arms_by_case.values().filter(|(b, c)| *b && *c).count();
            if cases == 0 {
                return None;
            }
            let kind = if seen.fails == 0 {
                NonDiscriminatingKind::AlwaysPasses
            } else if seen.passes == 0 {
                NonDiscriminatingKind::AlwaysFails
            } else {
                return None;
            };
            Some(NonDiscriminatingGrader {
                grader: grader.to_string(),
                kind,
                cases,
                trials: seen.passes + seen.fails,
            })
        })
        .collect()
}

/// One trial's score, the input of [`flaky_cases`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrialScore {
    /// The ReplayCase id.
    pub case_id: String,
    /// The arm of the trial.
    pub arm: Arm,
    /// The trial's score in [0, 1].
    pub score: f64,
}

/// A case whose trials in one arm disagree widely.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlakyCase {
    /// The ReplayCase id.
    pub case_id: String,
    /// The arm whose trials disagree.
    pub arm: Arm,
    /// Lowest trial score.
    pub min: f64,
    /// Highest trial score.
    pub max: f64,
    /// Trials compared.
    pub trials: usize,
}

impl FlakyCase {
    /// `max − min`.
    pub fn range(&self) -> f64 {
        self.max - self.min
    }
}

/// Cases whose trials in one arm have a score range (max − min) of at least
/// `min_range` (default [`DEFAULT_FLAKY_RANGE`] = 0.5), so their verdict rests
/// on luck (SPEC §3.3). Needs ≥ 2 trials; non-finite scores are ignored.
/// Sorted by case id, then arm.
pub fn flaky_cases(scores: &[TrialScore], min_range: f64) -> Vec<FlakyCase> {
    let mut by_case: BTreeMap<(&str, Arm), (f64, f64, usize)> = BTreeMap::new();
    for s in scores.iter().filter(|s| s.score.is_finite()) {
        let entry = by_case.entry((s.case_id.as_str(), s.arm)).or_insert((
            f64::INFINITY,
            f64::NEG_INFINITY,
            0,
        ));
        entry.0 = entry.0.min(s.score);
        entry.1 = entry.1.max(s.score);
        entry.2 += 1;
    }
    by_case
        .into_iter()
        .filter(|(_, (min, max, trials))| *trials >= 2 && max - min >= min_range - FLOAT_SLACK)
        .map(|((case_id, arm), (min, max, trials))| FlakyCase {
            case_id: case_id.to_string(),
            arm,
            min,
            max,
            trials,
        })
        .collect()
}
