//! pass@k and pass^k: closed form against brute-force enumeration, edge cases,
//! errors.

use proptest::prelude::*;
use skillgate_core::stats::{StatsError, pass_at_k, pass_hat_k};

/// Enumerates every k-subset of n trials (the first c passed) and returns
/// (share with at least one pass, share where all pass).
fn brute_force(n: usize, c: usize, k: usize) -> (f64, f64) {
    let mut subsets = 0u64;
    let mut any = 0u64;
    let mut all = 0u64;
    for mask in 0u32..(1u32 << n) {
        if mask.count_ones() as usize != k {
            continue;
        }
        subsets += 1;
        let passes = (0..c).filter(|i| mask & (1 << i) != 0).count();
        if passes > 0 {
            any += 1;
        }
        if passes == k {
            all += 1;
        }
    }
    (any as f64 / subsets as f64, all as f64 / subsets as f64)
}

fn nck() -> impl Strategy<Value = (usize, usize, usize)> {
    (1usize..=12).prop_flat_map(|n| (Just(n), 0..=n, 1..=n))
}

proptest! {
    #[test]
    fn pass_at_k_equals_brute_force_enumeration((n, c, k) in nck()) {
        let (expected, _) = brute_force(n, c, k);
        let got = pass_at_k(n, c, k).unwrap();
        prop_assert!((got - expected).abs() < 1e-9, "pass@{k}(n={n}, c={c}) = {got}, brute force {expected}");
    }

    #[test]
    fn pass_hat_k_equals_brute_force_enumeration((n, c, k) in nck()) {
        let (_, expected) = brute_force(n, c, k);
        let got = pass_hat_k(n, c, k).unwrap();
        prop_assert!((got - expected).abs() < 1e-9, "pass^{k}(n={n}, c={c}) = {got}, brute force {expected}");
    }

    #[test]
    fn pass_at_k_is_monotone_in_passed_trials((n, c, k) in nck()) {
        prop_assume!(c < n);
        prop_assert!(pass_at_k(n, c + 1, k).unwrap() >= pass_at_k(n, c, k).unwrap() - 1e-12);
    }

    #[test]
    fn pass_hat_k_is_monotone_in_passed_trials((n, c, k) in nck()) {
        prop_assume!(c < n);
        prop_assert!(pass_hat_k(n, c + 1, k).unwrap() >= pass_hat_k(n, c, k).unwrap() - 1e-12);
    }

    #[test]
    fn pass_at_k_is_zero_without_passes_and_one_with_all((n, _c, k) in nck()) {
        prop_assert_eq!(pass_at_k(n, 0, k).unwrap(), 0.0);
        prop_assert_eq!(pass_at_k(n, n, k).unwrap(), 1.0);
    }

    #[test]
    fn pass_hat_k_is_zero_without_passes_and_one_with_all((n, _c, k) in nck()) {
        prop_assert_eq!(pass_hat_k(n, 0, k).unwrap(), 0.0);
        prop_assert!((pass_hat_k(n, n, k).unwrap() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn pass_at_k_never_below_pass_hat_k((n, c, k) in nck()) {
        prop_assert!(pass_at_k(n, c, k).unwrap() >= pass_hat_k(n, c, k).unwrap() - 1e-12);
    }
}

#[test]
fn pass_at_one_is_the_pass_share() {
    assert!((pass_at_k(10, 3, 1).unwrap() - 0.3).abs() < 1e-12);
    assert!((pass_hat_k(10, 3, 1).unwrap() - 0.3).abs() < 1e-12);
}

#[test]
fn pass_at_k_matches_the_binomial_formula_for_large_n() {
    // 1 − C(150, 10)/C(200, 10), computed here in log space.
    let ln_choose =
        |n: u64, k: u64| -> f64 { (0..k).map(|i| ((n - i) as f64 / (k - i) as f64).ln()).sum() };
    let expected = 1.0 - (ln_choose(150, 10) - ln_choose(200, 10)).exp();
    let got = pass_at_k(200, 50, 10).unwrap();
    assert!((got - expected).abs() < 1e-12, "{got} vs {expected}");
}

#[test]
fn pass_at_k_is_one_when_failures_are_fewer_than_k() {
    assert_eq!(pass_at_k(5, 3, 3).unwrap(), 1.0);
}

#[test]
fn pass_hat_k_is_zero_when_passes_are_fewer_than_k() {
    assert_eq!(pass_hat_k(5, 2, 3).unwrap(), 0.0);
}

#[test]
fn k_above_n_is_an_error_that_names_both() {
    let err = pass_at_k(2, 1, 3).unwrap_err();
    assert_eq!(
        err,
        StatsError::KExceedsTrials {
            statistic: "pass@k",
            trials: 2,
            k: 3
        }
    );
    assert!(err.to_string().contains("lower k to 2"), "{err}");
    assert!(matches!(
        pass_hat_k(2, 1, 3),
        Err(StatsError::KExceedsTrials { .. })
    ));
}

#[test]
fn zero_trials_zero_k_and_too_many_passes_are_errors() {
    assert!(matches!(
        pass_at_k(0, 0, 1),
        Err(StatsError::NoTrials { .. })
    ));
    assert!(matches!(pass_at_k(3, 1, 0), Err(StatsError::ZeroK { .. })));
    assert!(matches!(
        pass_hat_k(3, 4, 1),
        Err(StatsError::PassedExceedsTrials { .. })
    ));
}
