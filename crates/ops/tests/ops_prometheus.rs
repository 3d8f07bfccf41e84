//! `/metrics` rendering from a real store: every metric family is present
//! with plausible values, in Prometheus text format 0.0.4.

use skillgate_store::{NewDraft, NewReplayCase, NewTrial, Severity, SkillFile, Store};
use std::collections::BTreeMap;

async fn seeded_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("t.db")).await.unwrap();
    let draft = store
        .create_draft(&NewDraft {
            skill_name: "wsr".into(),
            description: "d".into(),
            revises_version_id: None,
            files: vec![SkillFile {
                path: "SKILL.md".into(),
                bytes: b"---\nname: wsr\n---\n".to_vec(),
            }],
            lint_report: None,
            safety_report: None,
            preservation_report: Some(r#"{"status":"failed"}"#.into()),
        })
        .await
        .unwrap();
    // Two finished evals with reports, one skipped.
    for (blocked, regressed, wall) in [(1.0, 0, 30_000), (0.2, 2, 90_000)] {
        store
            .test_support_insert_eval_report(
                &draft.id,
                &serde_json::json!({
                    "status": "passed", "mode": "replay", "blocked_coverage": blocked,
                    "regressed": regressed, "timings": {"wall_ms": wall},
                    "usage": {"judge_tokens": [40, 8]}
                }),
            )
            .await
            .unwrap();
    }
    store
        .test_support_insert_eval_report(
            &draft.id,
            &serde_json::json!({"status": "skipped_provider_unavailable"}),
        )
        .await
        .unwrap();
    // A trial with a transcript and tokens.
    let mut run: skillgate_core::Run = serde_json::from_value(serde_json::json!({
        "id": "r1", "tenant": "acme", "locale": "en", "task": "t", "messages": [],
        "tool_calls": [], "final_answer": "a", "accepted": true
    }))
    .unwrap();
    run.accepted_at = Some("2026-01-01T00:00:00Z".into());
    store.insert_runs(&[run]).await.unwrap();
    let eval = store.create_eval(&draft.id, "replay", "{}").await.unwrap();
    let cases = store
        .insert_replay_cases(
            &eval.id,
            &[NewReplayCase {
                run_id: "r1".into(),
                reason: "r".into(),
            }],
        )
        .await
        .unwrap();
    store
        .record_trial(
            &NewTrial {
                eval_id: eval.id.clone(),
                case_id: cases[0].id.clone(),
                arm: "candidate".into(),
                trial_index: 0,
                seed: 1,
                status: "finished".into(),
                score: Some(1.0),
                passed: Some(true),
                transcript: Some(r#"{"totals":{"wall_ms":2500}}"#.into()),
                grades: None,
                input_tokens: 120,
                output_tokens: 30,
                error: None,
                skill_loaded: true,
                cache_hits: 0,
            },
            &[],
        )
        .await
        .unwrap();
    store
        .open_incident(Severity::P0, "email sent", "during replay", "ops")
        .await
        .unwrap();
    (dir, store)
}

/// Parses sample lines into `name{labels}` → value, checking every line is a
/// comment or `series value`.
fn samples(text: &str) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        if line.starts_with("# HELP ") || line.starts_with("# TYPE ") {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap();
        let v = match value {
            "NaN" => f64::NAN,
            "+Inf" => f64::INFINITY,
            v => v
                .parse()
                .unwrap_or_else(|_| panic!("bad value in {line:?}")),
        };
        out.insert(series.to_string(), v);
    }
    out
}

#[tokio::test]
async fn every_metric_family_is_rendered_with_plausible_values() {
    let (_d, store) = seeded_store().await;
    let text = skillgate_ops::render_prometheus(&store).await.unwrap();
    for (family, kind) in [
        ("skillgate_replay_status_total", "counter"),
        ("skillgate_provider_unavailable_skips_total", "counter"),
        ("skillgate_replay_duration_seconds", "histogram"),
        ("skillgate_blocked_coverage", "histogram"),
        ("skillgate_blocked_coverage_full_total", "counter"),
        ("skillgate_side_effect_incidents_total", "counter"),
        ("skillgate_incidents_open", "gauge"),
        ("skillgate_preservation_failed_total", "counter"),
        ("skillgate_preservation_reports_total", "counter"),
        ("skillgate_publish_decisions_total", "counter"),
        ("skillgate_review_decision_seconds", "histogram"),
        ("skillgate_replay_regression_rate", "gauge"),
        ("skillgate_trusted_publish_rate", "gauge"),
        ("skillgate_tokens_total", "counter"),
        ("skillgate_jobs", "gauge"),
        ("skillgate_job_oldest_queued_seconds", "gauge"),
        ("skillgate_jobs_failed_total", "counter"),
        ("skillgate_jobs_lease_expired", "gauge"),
        ("skillgate_alert_firing", "gauge"),
    ] {
        assert!(
            text.contains(&format!("# TYPE {family} {kind}\n")),
            "{family} missing:\n{text}"
        );
    }
    let s = samples(&text);
    let get = |k: &str| *s.get(k).unwrap_or_else(|| panic!("{k} missing:\n{text}"));
    assert_eq!(
        get(r#"skillgate_replay_status_total{status="passed"}"#),
        2.0
    );
    assert_eq!(
        get(r#"skillgate_replay_status_total{status="running"}"#),
        1.0
    );
    assert_eq!(get("skillgate_provider_unavailable_skips_total"), 1.0);
    assert_eq!(
        get(r#"skillgate_replay_duration_seconds_bucket{scope="eval",le="60"}"#),
        1.0
    );
    assert_eq!(
        get(r#"skillgate_replay_duration_seconds_bucket{scope="eval",le="+Inf"}"#),
        2.0
    );
    assert_eq!(
        get(r#"skillgate_replay_duration_seconds_sum{scope="eval"}"#),
        120.0
    );
    assert_eq!(
        get(r#"skillgate_replay_duration_seconds_count{scope="trial"}"#),
        1.0
    );
    assert_eq!(
        get(r#"skillgate_replay_duration_seconds_sum{scope="trial"}"#),
        2.5
    );
    assert_eq!(get(r#"skillgate_blocked_coverage_bucket{le="0.25"}"#), 1.0);
    assert_eq!(get("skillgate_blocked_coverage_count"), 2.0);
    assert_eq!(get("skillgate_blocked_coverage_full_total"), 1.0);
    assert_eq!(get("skillgate_side_effect_incidents_total"), 1.0);
    assert_eq!(get(r#"skillgate_incidents_open{severity="P0"}"#), 1.0);
    assert_eq!(get("skillgate_preservation_failed_total"), 1.0);
    assert_eq!(
        get(r#"skillgate_publish_decisions_total{outcome="published"}"#),
        0.0
    );
    assert_eq!(get("skillgate_review_decision_seconds_count"), 0.0);
    assert_eq!(get(r#"skillgate_replay_regression_rate{window="7d"}"#), 0.5);
    assert!(get(r#"skillgate_trusted_publish_rate{window="7d"}"#).is_nan());
    assert_eq!(
        get(r#"skillgate_tokens_total{arm="candidate",direction="input"}"#),
        120.0
    );
    // Judge tokens of both replay reports (the skipped one has none).
    assert_eq!(
        get(r#"skillgate_tokens_total{arm="judge",direction="input"}"#),
        80.0
    );
    assert_eq!(
        get(r#"skillgate_tokens_total{arm="judge",direction="output"}"#),
        16.0
    );
    assert_eq!(
        get(r#"skillgate_alert_firing{alert="SideEffectIncident"}"#),
        1.0
    );
    assert_eq!(
        get(r#"skillgate_alert_firing{alert="BlockedCoverageFull"}"#),
        1.0
    );
    assert_eq!(
        get(r#"skillgate_alert_firing{alert="ReviewerDecisionTimeHigh"}"#),
        0.0
    );
}

#[tokio::test]
async fn histogram_buckets_are_cumulative() {
    let (_d, store) = seeded_store().await;
    let text = skillgate_ops::render_prometheus(&store).await.unwrap();
    let mut last = -1.0;
    for line in text
        .lines()
        .filter(|l| l.starts_with("skillgate_blocked_coverage_bucket"))
    {
        let v: f64 = line.rsplit_once(' ').unwrap().1.parse().unwrap();
        assert!(v >= last, "not cumulative at {line}");
        last = v;
    }
    assert_eq!(last, 2.0);
}
