//! Publish gate (SPEC §6): each rule failing alone, all passing, the two
//! exceptions with and without rationale, each rollout phase.

use skillgate_core::gate::{
    GateConfig, GateInput, GateRule, GateVerdict, ReviewSummary, RolloutPhase, evaluate_gate,
    review_requires_rationale,
};
use skillgate_core::{Confidence, EvalStatus, ReportStatus};

fn approved(rationale: Option<&str>) -> Option<ReviewSummary> {
    Some(ReviewSummary {
        approved: true,
        rationale: rationale.map(str::to_string),
    })
}

/// A revision with every rule passing.
fn good() -> GateInput {
    GateInput {
        review: approved(None),
        safety: Some(ReportStatus::Passed),
        preservation: Some(ReportStatus::Passed),
        eval_status: Some(EvalStatus::Passed),
        confidence: Some(Confidence::Medium),
        blocked_coverage: Some(0.1),
        open_p0_incident: false,
    }
}

fn strict() -> GateConfig {
    GateConfig::default()
}

fn rules(v: &GateVerdict) -> Vec<&str> {
    v.failures.iter().map(|f| f.rule.as_str()).collect()
}

#[test]
fn all_rules_passing_allows_publish() {
    let v = evaluate_gate(&good(), &strict());
    assert!(v.allowed && v.recommendation_allowed);
    assert!(v.failures.is_empty() && v.exceptions_used.is_empty());
}

#[test]
fn new_skill_without_preservation_report_is_allowed() {
    let v = evaluate_gate(
        &GateInput {
            preservation: None,
            ..good()
        },
        &strict(),
    );
    assert!(v.allowed, "{:?}", rules(&v));
}

#[test]
fn each_rule_failing_alone_refuses_with_only_its_id() {
    let table: Vec<(GateInput, GateConfig, &str)> = vec![
        (
            GateInput {
                review: None,
                ..good()
            },
            strict(),
            "review-missing",
        ),
        (
            GateInput {
                review: Some(ReviewSummary {
                    approved: false,
                    rationale: Some("no".into()),
                }),
                ..good()
            },
            strict(),
            "review-rejected",
        ),
        (
            GateInput {
                safety: None,
                ..good()
            },
            strict(),
            "safety-missing",
        ),
        (
            GateInput {
                safety: Some(ReportStatus::Failed),
                ..good()
            },
            strict(),
            "safety-failed",
        ),
        (
            GateInput {
                eval_status: None,
                confidence: None,
                ..good()
            },
            strict(),
            "eval-missing",
        ),
        (
            GateInput {
                eval_status: Some(EvalStatus::Failed),
                ..good()
            },
            strict(),
            "eval-failed",
        ),
        (
            GateInput {
                eval_status: Some(EvalStatus::ReplayError),
                ..good()
            },
            strict(),
            "eval-replay-error",
        ),
        (
            GateInput {
                eval_status: Some(EvalStatus::SkippedProviderUnavailable),
                confidence: Some(Confidence::Low),
                ..good()
            },
            strict(),
            "eval-skipped-needs-rationale",
        ),
        (
            GateInput {
                eval_status: Some(EvalStatus::Partial),
                ..good()
            },
            strict(),
            "eval-partial-not-allowed",
        ),
        (
            GateInput {
                eval_status: Some(EvalStatus::Partial),
                ..good()
            },
            GateConfig {
                allow_partial_evidence: true,
                ..strict()
            },
            "eval-partial-needs-rationale",
        ),
        (
            GateInput {
                confidence: None,
                ..good()
            },
            strict(),
            "confidence-missing",
        ),
        (
            GateInput {
                confidence: Some(Confidence::Low),
                ..good()
            },
            strict(),
            "confidence-low",
        ),
        (
            GateInput {
                blocked_coverage: Some(1.0),
                ..good()
            },
            strict(),
            "blocked-coverage-full",
        ),
        (
            GateInput {
                preservation: Some(ReportStatus::Failed),
                ..good()
            },
            strict(),
            "preservation-failed",
        ),
        (
            good(),
            GateConfig {
                publish_disabled: true,
                ..strict()
            },
            "publish-disabled",
        ),
        (
            GateInput {
                open_p0_incident: true,
                ..good()
            },
            strict(),
            "incident-open-p0",
        ),
    ];
    assert_eq!(table.len(), GateRule::ALL.len(), "every rule has a row");
    for (input, config, rule) in table {
        let v = evaluate_gate(&input, &config);
        assert!(!v.allowed, "{rule} should refuse");
        assert!(!v.recommendation_allowed, "{rule}");
        assert_eq!(rules(&v), vec![rule]);
        let f = &v.failures[0];
        assert!(
            !f.meaning.is_empty() && !f.fix.is_empty() && f.enforced,
            "{rule}"
        );
    }
}

#[test]
fn every_failing_rule_is_listed_not_just_the_first() {
    let input = GateInput {
        review: None,
        safety: Some(ReportStatus::Failed),
        preservation: Some(ReportStatus::Failed),
        eval_status: Some(EvalStatus::ReplayError),
        confidence: Some(Confidence::Low),
        blocked_coverage: Some(1.0),
        open_p0_incident: true,
    };
    let v = evaluate_gate(
        &input,
        &GateConfig {
            publish_disabled: true,
            ..strict()
        },
    );
    assert_eq!(
        rules(&v),
        vec![
            "review-missing",
            "safety-failed",
            "eval-replay-error",
            "confidence-low",
            "blocked-coverage-full",
            "preservation-failed",
            "publish-disabled",
            "incident-open-p0",
        ]
    );
}

#[test]
fn skipped_provider_with_rationale_is_allowed_and_recorded() {
    let input = GateInput {
        review: approved(Some(
            "  provider outage; static checks and preservation reviewed by hand ",
        )),
        eval_status: Some(EvalStatus::SkippedProviderUnavailable),
        confidence: Some(Confidence::Low),
        blocked_coverage: None,
        ..good()
    };
    let v = evaluate_gate(&input, &strict());
    assert!(v.allowed, "{:?}", rules(&v));
    assert_eq!(v.exceptions_used.len(), 1);
    let e = &v.exceptions_used[0];
    assert_eq!(e.exception, "skipped_provider_unavailable");
    assert_eq!(
        e.rationale,
        "provider outage; static checks and preservation reviewed by hand"
    );
    assert_eq!(
        e.waives,
        vec!["eval-skipped-needs-rationale", "confidence-low"]
    );
}

#[test]
fn skipped_provider_with_blank_rationale_is_refused() {
    let input = GateInput {
        review: approved(Some("   ")),
        eval_status: Some(EvalStatus::SkippedProviderUnavailable),
        confidence: Some(Confidence::Low),
        ..good()
    };
    let v = evaluate_gate(&input, &strict());
    assert!(!v.allowed);
    assert_eq!(rules(&v), vec!["eval-skipped-needs-rationale"]);
    assert!(v.exceptions_used.is_empty());
}

#[test]
fn skipped_provider_exception_still_enforces_safety_and_preservation() {
    let input = GateInput {
        review: approved(Some("outage")),
        safety: Some(ReportStatus::Failed),
        preservation: Some(ReportStatus::Failed),
        eval_status: Some(EvalStatus::SkippedProviderUnavailable),
        confidence: Some(Confidence::Low),
        ..good()
    };
    let v = evaluate_gate(&input, &strict());
    assert_eq!(rules(&v), vec!["safety-failed", "preservation-failed"]);
}

#[test]
fn rejecting_review_rationale_does_not_unlock_the_exception() {
    let input = GateInput {
        review: Some(ReviewSummary {
            approved: false,
            rationale: Some("provider down".into()),
        }),
        eval_status: Some(EvalStatus::SkippedProviderUnavailable),
        ..good()
    };
    let v = evaluate_gate(&input, &strict());
    assert_eq!(
        rules(&v),
        vec!["review-rejected", "eval-skipped-needs-rationale"]
    );
}

#[test]
fn partial_evidence_with_rationale_is_allowed_when_deployment_allows_it() {
    let input = GateInput {
        review: approved(Some("budget ran out on 2 of 20 cases; the rest agree")),
        eval_status: Some(EvalStatus::Partial),
        ..good()
    };
    let config = GateConfig {
        allow_partial_evidence: true,
        ..strict()
    };
    let v = evaluate_gate(&input, &config);
    assert!(v.allowed, "{:?}", rules(&v));
    assert_eq!(v.exceptions_used[0].exception, "partial_evidence");
    assert_eq!(
        v.exceptions_used[0].rationale,
        "budget ran out on 2 of 20 cases; the rest agree"
    );
}

#[test]
fn partial_evidence_with_rationale_is_refused_when_deployment_forbids_it() {
    let input = GateInput {
        review: approved(Some("good enough")),
        eval_status: Some(EvalStatus::Partial),
        ..good()
    };
    let v = evaluate_gate(&input, &strict());
    assert_eq!(rules(&v), vec!["eval-partial-not-allowed"]);
    assert!(v.failures[0].fix.contains("allow_partial_evidence"));
}

#[test]
fn partial_evidence_exception_still_checks_confidence() {
    let input = GateInput {
        review: approved(Some("ok")),
        eval_status: Some(EvalStatus::Partial),
        confidence: Some(Confidence::Low),
        ..good()
    };
    let v = evaluate_gate(
        &input,
        &GateConfig {
            allow_partial_evidence: true,
            ..strict()
        },
    );
    assert_eq!(rules(&v), vec!["confidence-low"]);
}

#[test]
fn shadow_records_recommendation_but_does_not_block_on_eval_rules() {
    let input = GateInput {
        confidence: Some(Confidence::Low),
        review: None,
        ..good()
    };
    let v = evaluate_gate(
        &input,
        &GateConfig {
            phase: RolloutPhase::Shadow,
            ..strict()
        },
    );
    assert!(v.allowed, "shadow does not enforce review or confidence");
    assert!(!v.recommendation_allowed);
    assert_eq!(rules(&v), vec!["review-missing", "confidence-low"]);
    assert!(v.failures.iter().all(|f| !f.enforced));
    assert!(v.human_agreed(false) && !v.human_agreed(true));
}

#[test]
fn shadow_blocks_on_safety_incident_and_kill_switch() {
    let shadow = GateConfig {
        phase: RolloutPhase::Shadow,
        ..strict()
    };
    let cases: Vec<(GateInput, GateConfig, &str)> = vec![
        (
            GateInput {
                safety: None,
                ..good()
            },
            shadow.clone(),
            "safety-missing",
        ),
        (
            GateInput {
                safety: Some(ReportStatus::Failed),
                ..good()
            },
            shadow.clone(),
            "safety-failed",
        ),
        (
            GateInput {
                open_p0_incident: true,
                ..good()
            },
            shadow.clone(),
            "incident-open-p0",
        ),
        (
            good(),
            GateConfig {
                publish_disabled: true,
                ..shadow.clone()
            },
            "publish-disabled",
        ),
    ];
    for (input, config, rule) in cases {
        let v = evaluate_gate(&input, &config);
        assert!(!v.allowed, "{rule} blocks in shadow");
        assert_eq!(
            v.blocking().map(|f| f.rule.as_str()).collect::<Vec<_>>(),
            vec![rule]
        );
    }
}

#[test]
fn strict_pilot_and_ga_enforce_every_rule() {
    let input = GateInput {
        eval_status: Some(EvalStatus::Failed),
        blocked_coverage: Some(1.0),
        ..good()
    };
    for phase in [RolloutPhase::Strict, RolloutPhase::Pilot, RolloutPhase::Ga] {
        let v = evaluate_gate(&input, &GateConfig { phase, ..strict() });
        assert!(!v.allowed, "{phase}");
        assert_eq!(v.phase, phase);
        assert_eq!(v.blocking().count(), 2, "{phase}");
    }
}

#[test]
fn default_phase_is_strict_and_phases_read_from_configuration() {
    assert_eq!(GateConfig::default().phase, RolloutPhase::Strict);
    let c: GateConfig =
        toml::from_str("phase = \"shadow\"\nallow_partial_evidence = true").unwrap();
    assert_eq!(c.phase, RolloutPhase::Shadow);
    assert!(c.allow_partial_evidence && !c.publish_disabled);
    assert!(toml::from_str::<GateConfig>("phase = \"beta\"").is_err());
    assert_eq!(RolloutPhase::parse(" GA "), Some(RolloutPhase::Ga));
}

#[test]
fn rule_ids_are_unique_and_kebab_case() {
    let mut ids: Vec<&str> = GateRule::ALL.iter().map(|r| r.id()).collect();
    assert!(ids.iter().all(|id| {
        id.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    }));
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), GateRule::ALL.len());
}

#[test]
fn rationale_is_required_for_skipped_and_partial_only() {
    assert!(review_requires_rationale(
        EvalStatus::SkippedProviderUnavailable
    ));
    assert!(review_requires_rationale(EvalStatus::Partial));
    assert!(!review_requires_rationale(EvalStatus::Passed));
    assert!(!review_requires_rationale(EvalStatus::Failed));
    assert!(!review_requires_rationale(EvalStatus::ReplayError));
}
