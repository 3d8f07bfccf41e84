//! `/metrics`: Prometheus text exposition computed from the store.

mod common;

use common::*;

#[tokio::test]
async fn metrics_endpoint_exposes_every_metric_family_with_values_from_the_store() {
    let f = fixture(Some(sample::sample_report("passed", 3))).await;
    let (status, headers, text) = send(&app(&f.store), get("/metrics")).await;
    assert_eq!(status, 200, "{text}");
    assert!(
        headers[axum::http::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    for family in [
        "skillgate_replay_status_total",
        "skillgate_provider_unavailable_skips_total",
        "skillgate_replay_duration_seconds",
        "skillgate_blocked_coverage",
        "skillgate_side_effect_incidents_total",
        "skillgate_preservation_failed_total",
        "skillgate_publish_decisions_total",
        "skillgate_review_decision_seconds",
        "skillgate_replay_regression_rate",
        "skillgate_tokens_total",
    ] {
        assert!(
            text.contains(&format!("# TYPE {family}")),
            "{family} missing:\n{text}"
        );
    }
    let passed = text
        .lines()
        .find(|l| {
            l.starts_with("skillgate_replay_status_total{") && l.contains("status=\"passed\"")
        })
        .unwrap_or_else(|| panic!("no passed status count:\n{text}"));
    assert!(
        passed.ends_with(" 1"),
        "one passed eval in the fixture: {passed}"
    );
}
