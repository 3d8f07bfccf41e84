//! Confidence rules (SPEC §5.1, §5.3): each rule alone, the boundaries, the
//! high and medium levels, heuristic mode, configuration.

use skillgate_core::confidence::{
    ConfidenceConfigError, ConfidenceInput, ConfidenceThresholds, decide_confidence,
};
use skillgate_core::reason::ReasonArg;
use skillgate_core::{Confidence, EvalMode};

/// An input that meets every high criterion.
fn strong() -> ConfidenceInput {
    ConfidenceInput {
        cases_completed: 25,
        execution_coverage: 0.9,
        blocked_coverage: 0.0,
        blocked_calls: 0,
        trials_total: 150,
        trials_errored: 0,
        interval_width: Some(0.1),
        mode: EvalMode::Replay,
    }
}

/// An input that is neither low nor high (12 cases).
fn middling() -> ConfidenceInput {
    ConfidenceInput {
        cases_completed: 12,
        ..strong()
    }
}

fn decide(input: &ConfidenceInput) -> (Confidence, String, Vec<String>) {
    let d = decide_confidence(input, &ConfidenceThresholds::default());
    (d.level, d.rule, d.reasons)
}

#[test]
fn each_low_rule_alone_sets_low_with_its_id() {
    let table: Vec<(&str, ConfidenceInput, &str)> = vec![
        (
            "few cases",
            ConfidenceInput {
                cases_completed: 4,
                ..strong()
            },
            "low:few-cases",
        ),
        (
            "execution coverage",
            ConfidenceInput {
                execution_coverage: 0.49,
                ..strong()
            },
            "low:low-execution-coverage",
        ),
        (
            "blocked coverage",
            ConfidenceInput {
                blocked_coverage: 0.31,
                blocked_calls: 40,
                ..strong()
            },
            "low:high-blocked-coverage",
        ),
        (
            "errored trials",
            ConfidenceInput {
                trials_errored: 31,
                ..strong()
            },
            "low:many-errored-trials",
        ),
        (
            "wide interval",
            ConfidenceInput {
                interval_width: Some(0.41),
                ..strong()
            },
            "low:wide-interval",
        ),
        (
            "no interval",
            ConfidenceInput {
                interval_width: None,
                ..strong()
            },
            "low:no-interval",
        ),
        (
            "nan coverage",
            ConfidenceInput {
                execution_coverage: f64::NAN,
                ..strong()
            },
            "low:invalid-input",
        ),
    ];
    for (name, input, rule) in table {
        let (level, got_rule, reasons) = decide(&input);
        assert_eq!(level, Confidence::Low, "{name}");
        assert_eq!(got_rule, rule, "{name}");
        assert_eq!(
            reasons.len(),
            1,
            "{name}: only one rule should fire: {reasons:?}"
        );
    }
}

#[test]
fn values_on_the_low_thresholds_are_not_low() {
    let table: Vec<(&str, ConfidenceInput)> = vec![
        (
            "5 cases",
            ConfidenceInput {
                cases_completed: 5,
                ..middling()
            },
        ),
        (
            "execution 0.5",
            ConfidenceInput {
                execution_coverage: 0.5,
                ..middling()
            },
        ),
        (
            "blocked 0.3",
            ConfidenceInput {
                blocked_coverage: 0.3,
                blocked_calls: 9,
                ..middling()
            },
        ),
        (
            "20% errored",
            ConfidenceInput {
                trials_total: 100,
                trials_errored: 20,
                ..middling()
            },
        ),
        // 0.55 − 0.15 rounds to 0.4000000000000001 in f64.
        (
            "width 0.4",
            ConfidenceInput {
                interval_width: Some(0.55 - 0.15),
                ..middling()
            },
        ),
    ];
    for (name, input) in table {
        let (level, rule, reasons) = decide(&input);
        assert_eq!(level, Confidence::Medium, "{name}: {rule} {reasons:?}");
    }
}

#[test]
fn every_low_rule_that_fires_is_listed_with_its_numbers() {
    let input = ConfidenceInput {
        cases_completed: 3,
        execution_coverage: 0.2,
        blocked_coverage: 0.5,
        blocked_calls: 10,
        trials_total: 18,
        trials_errored: 6,
        interval_width: Some(0.8),
        mode: EvalMode::Replay,
    };
    let (level, rule, reasons) = decide(&input);
    assert_eq!(level, Confidence::Low);
    assert_eq!(rule, "low:few-cases", "the first rule in order decides");
    assert_eq!(reasons.len(), 5, "{reasons:?}");
    assert!(
        reasons[0].contains('3') && reasons[0].contains('5'),
        "{}",
        reasons[0]
    );
    assert!(reasons[1].contains("20%"), "{}", reasons[1]);
    assert!(reasons[2].contains("50%"), "{}", reasons[2]);
    assert!(reasons[3].contains("6 of 18"), "{}", reasons[3]);
    assert!(reasons[4].contains("0.80"), "{}", reasons[4]);
}

#[test]
fn all_high_criteria_give_high() {
    let (level, rule, _) = decide(&strong());
    assert_eq!(level, Confidence::High);
    assert_eq!(rule, "high:all-criteria");
}

#[test]
fn values_on_the_high_thresholds_are_high() {
    let input = ConfidenceInput {
        cases_completed: 20,
        execution_coverage: 0.8,
        interval_width: Some(0.15),
        ..strong()
    };
    assert_eq!(decide(&input).0, Confidence::High);
}

#[test]
fn each_missing_high_criterion_alone_gives_medium_and_says_which() {
    let table: Vec<(ConfidenceInput, &str)> = vec![
        (
            ConfidenceInput {
                cases_completed: 19,
                ..strong()
            },
            "at least 20",
        ),
        (
            ConfidenceInput {
                execution_coverage: 0.79,
                ..strong()
            },
            "at least 80%",
        ),
        (
            ConfidenceInput {
                blocked_calls: 1,
                blocked_coverage: 0.01,
                ..strong()
            },
            "1 tool call(s) were blocked",
        ),
        (
            ConfidenceInput {
                interval_width: Some(0.16),
                ..strong()
            },
            "at most 0.15",
        ),
    ];
    for (input, words) in table {
        let (level, rule, reasons) = decide(&input);
        assert_eq!(level, Confidence::Medium, "{words}");
        assert_eq!(rule, "medium:not-high");
        assert_eq!(reasons.len(), 1, "{reasons:?}");
        assert!(
            reasons[0].contains(words),
            "{:?} lacks {words:?}",
            reasons[0]
        );
    }
}

#[test]
fn heuristic_mode_is_always_low_and_says_why() {
    let (level, rule, reasons) = decide(&ConfidenceInput {
        mode: EvalMode::Heuristic,
        ..strong()
    });
    assert_eq!(level, Confidence::Low);
    assert_eq!(rule, "low:heuristic-mode");
    assert!(reasons[0].contains("heuristic mode") && reasons[0].contains("always low"));
}

#[test]
fn no_trials_does_not_count_as_errored() {
    let input = ConfidenceInput {
        trials_total: 0,
        trials_errored: 0,
        ..middling()
    };
    assert_eq!(decide(&input).0, Confidence::Medium);
}

#[test]
fn thresholds_come_from_configuration() {
    let t: ConfidenceThresholds =
        toml::from_str("low_min_cases = 15\nhigh_min_cases = 30").unwrap();
    assert_eq!(
        t.low_min_execution_coverage, 0.5,
        "unset keys keep their default"
    );
    let d = decide_confidence(&middling(), &t);
    assert_eq!(d.rule, "low:few-cases");
    assert!(d.reasons[0].contains("fewer than 15"));
}

#[test]
fn unknown_threshold_key_is_rejected() {
    assert!(toml::from_str::<ConfidenceThresholds>("low_min_case = 3").is_err());
}

#[test]
fn share_threshold_outside_unit_interval_is_invalid() {
    let t = ConfidenceThresholds {
        low_max_error_rate: 1.5,
        ..Default::default()
    };
    assert_eq!(
        t.validate(),
        Err(ConfidenceConfigError::ShareOutOfRange {
            key: "low_max_error_rate",
            value: 1.5
        })
    );
    assert_eq!(ConfidenceThresholds::default().validate(), Ok(()));
}

/// Every path of the rules: heuristic, invalid, each low rule, medium, high.
fn every_path() -> Vec<ConfidenceInput> {
    vec![
        ConfidenceInput {
            mode: EvalMode::Heuristic,
            ..strong()
        },
        ConfidenceInput {
            execution_coverage: f64::NAN,
            blocked_coverage: f64::INFINITY,
            interval_width: Some(f64::NAN),
            ..strong()
        },
        ConfidenceInput {
            cases_completed: 2,
            execution_coverage: 0.1,
            blocked_coverage: 0.6,
            blocked_calls: 9,
            trials_errored: 100,
            interval_width: Some(0.9),
            ..strong()
        },
        ConfidenceInput {
            interval_width: None,
            ..strong()
        },
        ConfidenceInput {
            cases_completed: 12,
            execution_coverage: 0.6,
            blocked_calls: 1,
            interval_width: Some(0.3),
            ..strong()
        },
        strong(),
    ]
}

#[test]
fn english_reasons_are_rendered_from_the_detail_records() {
    for input in every_path() {
        let d = decide_confidence(&input, &ConfidenceThresholds::default());
        assert_eq!(d.details.len(), d.reasons.len(), "{input:?}");
        let rendered: Vec<String> = d.details.iter().map(|r| r.english()).collect();
        assert_eq!(rendered, d.reasons);
        for r in &d.details {
            for id in r.ids() {
                assert!(
                    skillgate_core::reason::english_template(id).is_some(),
                    "{id} not in the catalogue"
                );
            }
        }
    }
}

#[test]
fn detail_records_carry_the_numbers_unformatted() {
    let d = decide_confidence(
        &ConfidenceInput {
            cases_completed: 3,
            ..strong()
        },
        &ConfidenceThresholds::default(),
    );
    let r = &d.details[0];
    assert_eq!(r.id, "confidence-few-cases");
    assert_eq!(r.args["completed"], ReasonArg::Count(3));
    assert_eq!(r.args["min"], ReasonArg::Count(5));
    assert_eq!(
        d.reasons[0],
        "only 3 case(s) completed; fewer than 5 is too few to compare the arms"
    );
    let invalid = decide_confidence(&every_path()[1], &ConfidenceThresholds::default());
    assert_eq!(
        invalid.reasons,
        vec![
            "execution coverage is NaN, not a number; the report is malformed",
            "blocked coverage is inf, not a number; the report is malformed",
            "delta interval width is NaN, not a number; the report is malformed",
        ]
    );
}

#[test]
fn decision_without_details_still_loads() {
    let old = r#"{"level":"low","rule":"low:few-cases","reasons":["only 1 case(s) completed"]}"#;
    let d: skillgate_core::confidence::ConfidenceDecision = serde_json::from_str(old).unwrap();
    assert!(d.details.is_empty());
    assert_eq!(d.reasons.len(), 1);
}
