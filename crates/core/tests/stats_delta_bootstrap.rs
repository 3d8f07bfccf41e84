//! Case deltas and verdicts, the paired bootstrap, coverage, trigger rate.

use proptest::prelude::*;
use skillgate_core::ToolMode;
use skillgate_core::stats::{
    CaseVerdict, Coverage, DEFAULT_EPSILON, Interval, StatsError, ToolModeCounts, case_delta, mean,
    paired_bootstrap_interval, trigger_rate,
};

#[test]
fn mean_of_empty_is_none() {
    assert_eq!(mean(&[]), None);
    assert_eq!(mean(&[1.0, 0.0, 0.5]), Some(0.5));
}

#[test]
fn case_delta_verdicts_follow_epsilon() {
    let cases: &[(&[f64], &[f64], CaseVerdict)] = &[
        (&[0.0, 0.0], &[1.0, 1.0], CaseVerdict::Improved),
        (&[1.0, 1.0], &[0.0, 0.5], CaseVerdict::Regressed),
        (&[0.5], &[0.52], CaseVerdict::Unchanged),
        (&[0.5], &[0.48], CaseVerdict::Unchanged),
        (&[0.5], &[0.56], CaseVerdict::Improved),
        (&[0.5], &[0.44], CaseVerdict::Regressed),
    ];
    for (base, cand, verdict) in cases {
        let (_, got) = case_delta(base, cand, DEFAULT_EPSILON).unwrap();
        assert_eq!(got, *verdict, "baseline {base:?} candidate {cand:?}");
    }
}

#[test]
fn case_delta_exactly_epsilon_is_unchanged_despite_rounding() {
    // 0.55 − 0.5 is 0.050000000000000044 in f64.
    let (delta, verdict) = case_delta(&[0.5], &[0.55], 0.05).unwrap();
    assert!((delta - 0.05).abs() < 1e-12);
    assert_eq!(verdict, CaseVerdict::Unchanged);
    assert_eq!(
        case_delta(&[0.55], &[0.5], 0.05).unwrap().1,
        CaseVerdict::Unchanged
    );
}

#[test]
fn case_delta_is_candidate_mean_minus_baseline_mean() {
    let (delta, _) = case_delta(&[0.0, 1.0], &[1.0, 1.0, 0.7], 0.05).unwrap();
    assert!((delta - (0.9 - 0.5)).abs() < 1e-12);
}

#[test]
fn case_delta_errors_on_empty_arm_nan_and_bad_epsilon() {
    assert_eq!(
        case_delta(&[], &[1.0], 0.05),
        Err(StatsError::EmptyArm { arm: "baseline" })
    );
    assert_eq!(
        case_delta(&[1.0], &[], 0.05),
        Err(StatsError::EmptyArm { arm: "candidate" })
    );
    assert!(matches!(
        case_delta(&[1.0], &[0.2, f64::NAN], 0.05),
        Err(StatsError::NonFinite { index: 1, .. })
    ));
    assert_eq!(
        case_delta(&[1.0], &[1.0], -0.1),
        Err(StatsError::InvalidEpsilon(-0.1))
    );
}

#[test]
fn bootstrap_of_no_case_is_none_and_of_one_case_is_degenerate() {
    assert_eq!(paired_bootstrap_interval(&[], 100, 1, 0.95).unwrap(), None);
    assert_eq!(
        paired_bootstrap_interval(&[0.25], 100, 1, 0.95).unwrap(),
        Some(Interval {
            low: 0.25,
            high: 0.25
        })
    );
}

#[test]
fn bootstrap_of_constant_deltas_is_degenerate() {
    let i = paired_bootstrap_interval(&[0.1; 8], 500, 3, 0.95)
        .unwrap()
        .unwrap();
    assert!(
        (i.low - 0.1).abs() < 1e-12 && (i.high - 0.1).abs() < 1e-12,
        "{i:?}"
    );
}

#[test]
fn bootstrap_rejects_bad_level_resamples_and_nan() {
    assert_eq!(
        paired_bootstrap_interval(&[0.1, 0.2], 10, 0, 1.0),
        Err(StatsError::InvalidLevel(1.0))
    );
    assert_eq!(
        paired_bootstrap_interval(&[0.1, 0.2], 0, 0, 0.95),
        Err(StatsError::ZeroResamples)
    );
    assert!(matches!(
        paired_bootstrap_interval(&[0.1, f64::INFINITY], 10, 0, 0.95),
        Err(StatsError::NonFinite { .. })
    ));
}

#[test]
fn bootstrap_interval_narrows_with_more_cases() {
    let few: Vec<f64> = (0..6)
        .map(|i| if i % 2 == 0 { 0.5 } else { -0.3 })
        .collect();
    let many: Vec<f64> = (0..120)
        .map(|i| if i % 2 == 0 { 0.5 } else { -0.3 })
        .collect();
    let w_few = paired_bootstrap_interval(&few, 2000, 7, 0.95)
        .unwrap()
        .unwrap()
        .width();
    let w_many = paired_bootstrap_interval(&many, 2000, 7, 0.95)
        .unwrap()
        .unwrap()
        .width();
    assert!(w_many < w_few / 2.0, "few {w_few}, many {w_many}");
}

#[test]
fn bootstrap_interval_depends_on_the_seed() {
    let d: Vec<f64> = (0..15).map(|i| (i as f64 * 0.37).sin()).collect();
    let a = paired_bootstrap_interval(&d, 200, 1, 0.95).unwrap();
    let b = paired_bootstrap_interval(&d, 200, 2, 0.95).unwrap();
    assert_ne!(a, b);
}

fn nonconstant_deltas() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(-1.0f64..=1.0, 2..30)
        .prop_filter("nonconstant", |v| v.iter().any(|x| (x - v[0]).abs() > 1e-6))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn bootstrap_interval_contains_the_mean(deltas in nonconstant_deltas(), seed in any::<u64>()) {
        let m = mean(&deltas).unwrap();
        let i = paired_bootstrap_interval(&deltas, 1000, seed, 0.95).unwrap().unwrap();
        prop_assert!(i.low <= i.high);
        prop_assert!(i.contains(m), "mean {m} outside {i:?}");
    }

    #[test]
    fn bootstrap_interval_is_reproducible_with_the_same_seed(deltas in nonconstant_deltas(), seed in any::<u64>()) {
        let a = paired_bootstrap_interval(&deltas, 300, seed, 0.9).unwrap();
        let b = paired_bootstrap_interval(&deltas, 300, seed, 0.9).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn bootstrap_interval_lies_within_the_data_range(deltas in nonconstant_deltas(), seed in any::<u64>()) {
        let i = paired_bootstrap_interval(&deltas, 300, seed, 0.95).unwrap().unwrap();
        let lo = deltas.iter().cloned().fold(f64::INFINITY, f64::min);
        let hi = deltas.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        prop_assert!(i.low >= lo - 1e-12 && i.high <= hi + 1e-12);
    }
}

#[test]
fn coverage_is_full_execution_when_no_tool_was_called() {
    assert_eq!(
        ToolModeCounts::default().coverage(),
        Coverage {
            execution: 1.0,
            surrogate: 0.0,
            blocked: 0.0
        }
    );
}

#[test]
fn coverage_is_the_share_of_calls_in_each_mode() {
    let counts = ToolModeCounts::from_modes([
        ToolMode::Executed,
        ToolMode::Executed,
        ToolMode::Surrogate,
        ToolMode::Blocked,
    ]);
    assert_eq!(
        counts,
        ToolModeCounts {
            executed: 2,
            surrogate: 1,
            blocked: 1
        }
    );
    assert_eq!(
        counts.coverage(),
        Coverage {
            execution: 0.5,
            surrogate: 0.25,
            blocked: 0.25
        }
    );
}

#[test]
fn trigger_rate_is_share_of_trials_that_loaded_the_skill() {
    assert_eq!(trigger_rate(&[]), None);
    assert_eq!(trigger_rate(&[true, false, true, true]), Some(0.75));
}
