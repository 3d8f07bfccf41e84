//! Each runbook alert fires from rows that should make it fire, and stays
//! quiet on healthy rows.

use skillgate_ops::{AlertThresholds, OpsData, compute_metrics, evaluate_alerts};
use skillgate_store::{
    IncidentRow, OpsEvalRow, OpsPreservationRow, OpsPublishRow, OpsReportFacts, OpsReviewRow,
    format_rfc3339_millis,
};
use time::{Duration, OffsetDateTime};

fn now() -> OffsetDateTime {
    time::macros::datetime!(2026-11-25 12:00 UTC)
}

fn at(ago: Duration) -> String {
    format_rfc3339_millis(now() - ago)
}

fn eval(status: &str, ago: Duration, facts: OpsReportFacts) -> OpsEvalRow {
    OpsEvalRow {
        id: format!("evl_{status}_{}", ago.whole_minutes()),
        draft_id: "drf".into(),
        status: status.into(),
        mode: "replay".into(),
        created_at: at(ago),
        finished_at: Some(at(ago - Duration::minutes(2))),
        report: Some(facts),
    }
}

fn facts(regressed: u64, blocked: f64, wall_s: u64) -> OpsReportFacts {
    OpsReportFacts {
        status: Some("passed".into()),
        blocked_coverage: Some(blocked),
        regressed: Some(regressed),
        improved: Some(0),
        unchanged: Some(1),
        wall_ms: Some(wall_s * 1000),
        judge_tokens: None,
    }
}

/// Healthy data: every alert quiet.
fn healthy() -> OpsData {
    let mut d = OpsData::default();
    for i in 0..10 {
        d.evals.push(eval(
            "passed",
            Duration::days(i % 13 + 1),
            facts(0, 0.1, 120),
        ));
    }
    for (i, week) in [(0, 1), (1, 1), (2, 8), (3, 8)] {
        d.publish.push(OpsPublishRow {
            draft_id: format!("d{i}"),
            outcome: "published".into(),
            created_at: at(Duration::days(week)),
        });
        d.reviews.push(OpsReviewRow {
            draft_id: format!("d{i}"),
            decision: "approve".into(),
            decision_seconds: Some(600),
            superseded: false,
            created_at: at(Duration::days(week)),
        });
    }
    d
}

fn firing(d: &OpsData) -> Vec<&'static str> {
    evaluate_alerts(d, now(), Duration::days(14), &AlertThresholds::default())
        .into_iter()
        .filter(|a| a.firing)
        .map(|a| a.name)
        .collect()
}

#[test]
fn healthy_data_fires_nothing() {
    assert_eq!(firing(&healthy()), Vec::<&str>::new());
}

#[test]
fn publish_rate_below_60_percent_in_both_weeks_fires() {
    let mut d = healthy();
    for (i, week) in [(10, 1), (11, 1), (12, 8), (13, 8), (14, 8)] {
        d.publish.push(OpsPublishRow {
            draft_id: format!("d{i}"),
            outcome: "refused".into(),
            created_at: at(Duration::days(week)),
        });
    }
    // week 1: 2 of 4 published, week 2: 2 of 5.
    assert_eq!(firing(&d), ["TrustedPublishRateLow"]);
    // Only one bad week: quiet.
    d.publish
        .retain(|p| !(p.outcome == "refused" && p.created_at == at(Duration::days(1))));
    assert_eq!(firing(&d), Vec::<&str>::new());
}

#[test]
fn a_rejected_draft_counts_as_decided_but_not_published() {
    let mut d = OpsData::default();
    d.reviews.push(OpsReviewRow {
        draft_id: "x".into(),
        decision: "reject".into(),
        decision_seconds: None,
        superseded: false,
        created_at: at(Duration::days(1)),
    });
    d.publish.push(OpsPublishRow {
        draft_id: "y".into(),
        outcome: "published".into(),
        created_at: at(Duration::days(1)),
    });
    let m = compute_metrics(&d, now() - Duration::days(7), now());
    assert_eq!((m.drafts_decided, m.drafts_published), (2, 1));
    assert_eq!(m.trusted_publish_rate, Some(0.5));
}

#[test]
fn slow_reviews_fire_decision_time() {
    let mut d = healthy();
    for i in 0..3 {
        d.reviews.push(OpsReviewRow {
            draft_id: format!("s{i}"),
            decision: "approve".into(),
            decision_seconds: Some(3 * 3600),
            superseded: false,
            created_at: at(Duration::days(2)),
        });
    }
    assert_eq!(firing(&d), ["ReviewerDecisionTimeHigh"]);
}

#[test]
fn regressions_in_over_20_percent_of_reports_fire() {
    let mut d = healthy();
    for i in 0..3 {
        d.evals
            .push(eval("failed", Duration::days(i + 1), facts(1, 0.1, 120)));
    }
    // 3 of 13 reports regressed = 23%.
    assert_eq!(firing(&d), ["ReplayRegressionRateHigh"]);
}

#[test]
fn provider_skips_over_25_percent_fire() {
    let mut d = healthy();
    for i in 0..4 {
        let mut e = eval(
            "skipped_provider_unavailable",
            Duration::days(i + 1),
            facts(0, 0.0, 1),
        );
        e.report = None;
        d.evals.push(e);
    }
    // 4 of 14 finished evals = 29%.
    assert_eq!(firing(&d), ["ProviderUnavailableSkipRateHigh"]);
}

#[test]
fn slow_replays_fire_latency_p95() {
    let mut d = healthy();
    d.evals
        .push(eval("passed", Duration::days(2), facts(0, 0.1, 20 * 60)));
    // p95 of 11 evals is the slowest one: 20 min > 15 min.
    assert_eq!(firing(&d), ["ReplayLatencyP95High"]);
}

#[test]
fn latency_falls_back_to_finished_minus_created() {
    let mut e = eval("passed", Duration::days(1), facts(0, 0.1, 0));
    e.report = None;
    assert_eq!(skillgate_ops::eval_seconds(&e), Some(120.0));
}

#[test]
fn one_report_with_full_blocked_coverage_fires() {
    let mut d = healthy();
    d.evals
        .push(eval("passed", Duration::days(3), facts(0, 1.0, 60)));
    assert_eq!(firing(&d), ["BlockedCoverageFull"]);
}

fn incident(severity: &str, status: &str, ago: Duration) -> IncidentRow {
    IncidentRow {
        id: "inc_1".into(),
        severity: severity.into(),
        title: "email sent during replay".into(),
        detail: "d".into(),
        status: status.into(),
        root_cause: None,
        opened_at: at(ago),
        closed_at: None,
    }
}

#[test]
fn any_p0_incident_fires_side_effect_alert() {
    let mut d = healthy();
    d.incidents.push(incident("P1", "open", Duration::days(1)));
    assert_eq!(firing(&d), Vec::<&str>::new());
    d.incidents
        .push(incident("P0", "closed", Duration::days(2)));
    assert_eq!(firing(&d), ["SideEffectIncident"]);
    // An old closed P0 no longer fires, an old open one does.
    d.incidents[1] = incident("P0", "closed", Duration::days(60));
    assert_eq!(firing(&d), Vec::<&str>::new());
    d.incidents[1] = incident("P0", "open", Duration::days(60));
    assert_eq!(firing(&d), ["SideEffectIncident"]);
}

fn preservation(status: &str, ago: Duration) -> OpsPreservationRow {
    OpsPreservationRow {
        draft_id: "d".into(),
        status: status.into(),
        created_at: at(ago),
    }
}

#[test]
fn preservation_failures_spiking_over_the_4_week_baseline_fire() {
    let mut d = healthy();
    // Baseline: 4 failures over the 4 weeks before = 1/week.
    for w in 2..=5 {
        d.preservation
            .push(preservation("failed", Duration::days(7 * w - 3)));
    }
    for i in 0..2 {
        d.preservation
            .push(preservation("failed", Duration::days(i + 1)));
    }
    // 2 this week: under the minimum of 3.
    assert_eq!(firing(&d), Vec::<&str>::new());
    d.preservation
        .push(preservation("failed", Duration::days(3)));
    assert_eq!(firing(&d), ["PreservationFailureSpike"]);
    d.preservation
        .push(preservation("passed", Duration::days(3)));
    assert_eq!(firing(&d), ["PreservationFailureSpike"]);
}

#[test]
fn replay_errors_spiking_over_the_daily_baseline_fire() {
    let mut d = healthy();
    for h in [1, 2, 3] {
        let mut e = eval("replay_error", Duration::hours(h), facts(0, 0.0, 1));
        e.report = None;
        d.evals.push(e);
    }
    assert!(firing(&d).contains(&"ReplayErrorSpike"));
    // A steady baseline of 3/day over the week before: no spike.
    for day in 2..=8 {
        for k in 0..3 {
            let mut e = eval(
                "partial",
                Duration::days(day) - Duration::hours(k),
                facts(0, 0.0, 1),
            );
            e.report = None;
            d.evals.push(e);
        }
    }
    assert!(!firing(&d).contains(&"ReplayErrorSpike"));
}

#[test]
fn shipped_rules_file_defines_every_alert() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../ops/prometheus/alerts.yml"
    );
    let text = std::fs::read_to_string(path).unwrap();
    for name in skillgate_ops::ALERT_NAMES {
        assert!(
            text.contains(&format!("alert: {name}\n")),
            "{name} missing from {path}"
        );
    }
}

#[test]
fn a_job_waiting_over_15_minutes_fires_queue_stuck_and_14_does_not() {
    let mut d = healthy();
    d.jobs.counts.insert("queued".into(), 1);
    d.jobs.oldest_queued_since = Some(at(Duration::minutes(14)));
    assert!(!firing(&d).contains(&"EvalQueueStuck"));
    d.jobs.oldest_queued_since = Some(at(Duration::minutes(16)));
    assert_eq!(firing(&d), vec!["EvalQueueStuck"]);
}
