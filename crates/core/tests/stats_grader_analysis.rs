//! Grader analysis: non-discriminating graders and flaky cases.

use skillgate_core::Arm;
use skillgate_core::stats::{
    DEFAULT_FLAKY_RANGE, GraderOutcome, NonDiscriminatingKind, TrialScore, flaky_cases,
    non_discriminating_graders,
};

fn outcome(case: &str, arm: Arm, grader: &str, passed: bool) -> GraderOutcome {
    GraderOutcome {
        case_id: case.into(),
        arm,
        grader: grader.into(),
        passed,
    }
}

fn score(case: &str, arm: Arm, score: f64) -> TrialScore {
    TrialScore {
        case_id: case.into(),
        arm,
        score,
    }
}

#[test]
fn grader_passing_everywhere_in_both_arms_is_flagged() {
    let mut outcomes = Vec::new();
    for case in ["c1", "c2"] {
        for arm in [Arm::Baseline, Arm::Candidate] {
            outcomes.push(outcome(case, arm, "contains:ok", true));
            outcomes.push(outcome(case, arm, "regex:^\\d+$", arm == Arm::Candidate));
        }
    }
    let flagged = non_discriminating_graders(&outcomes);
    assert_eq!(flagged.len(), 1, "{flagged:?}");
    assert_eq!(flagged[0].grader, "contains:ok");
    assert_eq!(flagged[0].kind, NonDiscriminatingKind::AlwaysPasses);
    assert_eq!(flagged[0].cases, 2);
    assert_eq!(flagged[0].trials, 4);
}

#[test]
fn grader_failing_everywhere_is_flagged_as_always_fails() {
    let outcomes = vec![
        outcome("c1", Arm::Baseline, "exact", false),
        outcome("c1", Arm::Candidate, "exact", false),
    ];
    let flagged = non_discriminating_graders(&outcomes);
    assert_eq!(flagged[0].kind, NonDiscriminatingKind::AlwaysFails);
}

#[test]
fn grader_seen_in_one_arm_only_is_not_judged() {
    let outcomes = vec![
        outcome("c1", Arm::Candidate, "exact", true),
        outcome("c2", Arm::Baseline, "exact", true),
    ];
    assert!(non_discriminating_graders(&outcomes).is_empty());
}

#[test]
fn grader_with_one_failing_trial_is_not_flagged() {
    let outcomes = vec![
        outcome("c1", Arm::Baseline, "exact", true),
        outcome("c1", Arm::Baseline, "exact", false),
        outcome("c1", Arm::Candidate, "exact", true),
    ];
    assert!(non_discriminating_graders(&outcomes).is_empty());
}

#[test]
fn case_with_wide_score_range_in_one_arm_is_flaky() {
    let scores = vec![
        score("c1", Arm::Candidate, 0.0),
        score("c1", Arm::Candidate, 1.0),
        score("c1", Arm::Candidate, 0.5),
        score("c1", Arm::Baseline, 0.4),
        score("c1", Arm::Baseline, 0.6),
        score("c2", Arm::Baseline, 0.2),
        score("c2", Arm::Baseline, 0.7),
    ];
    let flaky = flaky_cases(&scores, DEFAULT_FLAKY_RANGE);
    let got: Vec<(&str, Arm)> = flaky.iter().map(|f| (f.case_id.as_str(), f.arm)).collect();
    assert_eq!(got, vec![("c1", Arm::Candidate), ("c2", Arm::Baseline)]);
    assert_eq!(flaky[0].range(), 1.0);
    assert_eq!(flaky[0].trials, 3);
}

#[test]
fn flaky_threshold_is_configurable() {
    let scores = vec![
        score("c1", Arm::Baseline, 0.4),
        score("c1", Arm::Baseline, 0.7),
    ];
    assert!(flaky_cases(&scores, 0.5).is_empty());
    assert_eq!(flaky_cases(&scores, 0.3).len(), 1);
}

#[test]
fn single_trial_is_never_flaky() {
    assert!(flaky_cases(&[score("c1", Arm::Baseline, 1.0)], 0.0).is_empty());
}
