//! The eval job queue in `/metrics` and in skillgate's own alert evaluation,
//! read from a real store.

use skillgate_ops::{AlertThresholds, OpsData, evaluate_alerts, render};
use skillgate_store::jobs_stats::JobQueueStats;
use skillgate_store::{EvalJobPayload, JobState, NewDraft, SkillFile, Store};
use std::collections::BTreeMap;
use std::time::Duration as StdDuration;
use time::{Duration, OffsetDateTime};

async fn store_with_draft() -> (tempfile::TempDir, Store, String) {
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
            preservation_report: None,
        })
        .await
        .unwrap();
    (dir, store, draft.id)
}

async fn enqueue(store: &Store, draft: &str, max_attempts: u32) -> String {
    store
        .enqueue_eval_job(
            &EvalJobPayload {
                draft_id: draft.into(),
                cases: None,
                trials: None,
                prompt_locale: None,
                requested_by: "alice".into(),
            },
            max_attempts,
        )
        .await
        .unwrap()
        .id
}

/// `name{labels}` → value of every sample line.
fn samples(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let (series, value) = l.rsplit_once(' ').unwrap();
            (series.to_string(), value.parse().unwrap_or(f64::NAN))
        })
        .collect()
}

fn queue_alert(data: &OpsData, now: OffsetDateTime) -> skillgate_ops::AlertState {
    evaluate_alerts(data, now, Duration::days(14), &AlertThresholds::default())
        .into_iter()
        .find(|a| a.name == "EvalQueueStuck")
        .unwrap()
}

#[tokio::test]
async fn job_counts_per_state_and_failures_are_rendered_from_the_store() {
    let (_d, store, draft) = store_with_draft().await;
    // One job fails for good, one is running, one waits behind it.
    let failing = enqueue(&store, &draft, 1).await;
    let claimed = store
        .claim_job("w1", StdDuration::from_secs(60))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, failing);
    let state = store
        .fail_job(&failing, "w1", "provider refused", true)
        .await
        .unwrap();
    assert_eq!(state, Some(JobState::Failed));
    enqueue(&store, &draft, 3).await;
    store
        .claim_job("w1", StdDuration::from_secs(60))
        .await
        .unwrap()
        .unwrap();
    enqueue(&store, &draft, 3).await;
    let text = skillgate_ops::render_prometheus(&store).await.unwrap();
    assert!(text.contains("# TYPE skillgate_jobs gauge\n"), "{text}");
    assert!(
        text.contains("# TYPE skillgate_jobs_failed_total counter\n"),
        "{text}"
    );
    let s = samples(&text);
    assert_eq!(s[r#"skillgate_jobs{state="queued"}"#], 1.0);
    assert_eq!(s[r#"skillgate_jobs{state="running"}"#], 1.0);
    assert_eq!(s[r#"skillgate_jobs{state="done"}"#], 0.0);
    assert_eq!(s[r#"skillgate_jobs{state="failed"}"#], 1.0);
    assert_eq!(s["skillgate_jobs_failed_total"], 1.0);
    assert_eq!(s["skillgate_jobs_lease_expired"], 0.0);
    let age = s["skillgate_job_oldest_queued_seconds"];
    assert!((0.0..60.0).contains(&age), "{age}");
    assert_eq!(s[r#"skillgate_alert_firing{alert="EvalQueueStuck"}"#], 0.0);
}

#[tokio::test]
async fn an_empty_queue_renders_zero_counts_and_zero_age() {
    let (_d, store, _draft) = store_with_draft().await;
    let s = samples(&skillgate_ops::render_prometheus(&store).await.unwrap());
    for state in ["queued", "running", "done", "failed"] {
        assert_eq!(s[&format!("skillgate_jobs{{state=\"{state}\"}}")], 0.0);
    }
    assert_eq!(s["skillgate_job_oldest_queued_seconds"], 0.0);
    assert_eq!(s["skillgate_jobs_failed_total"], 0.0);
}

#[test]
fn oldest_queued_age_is_measured_from_when_the_job_was_last_queued() {
    let now = time::macros::datetime!(2026-11-25 12:00 UTC);
    let data = OpsData {
        jobs: JobQueueStats {
            counts: [("queued".to_string(), 2)].into_iter().collect(),
            oldest_queued_since: Some("2026-11-25T11:40:00.000Z".into()),
            running_lease_expired: 1,
        },
        ..OpsData::default()
    };
    let s = samples(&render(&data, now));
    assert_eq!(s["skillgate_job_oldest_queued_seconds"], 1200.0);
    assert_eq!(s["skillgate_jobs_lease_expired"], 1.0);
    assert_eq!(s[r#"skillgate_jobs{state="running"}"#], 0.0);
    assert_eq!(s[r#"skillgate_alert_firing{alert="EvalQueueStuck"}"#], 1.0);
}

#[tokio::test]
async fn a_stored_job_queued_over_15_minutes_fires_queue_stuck() {
    let (_d, store, draft) = store_with_draft().await;
    enqueue(&store, &draft, 3).await;
    let data = skillgate_ops::load(&store, None).await.unwrap();
    let now = OffsetDateTime::now_utc();
    let fresh = queue_alert(&data, now);
    assert!(!fresh.firing, "{fresh:?}");
    let late = queue_alert(&data, now + Duration::minutes(16));
    assert!(late.firing, "{late:?}");
    assert!(late.value.unwrap() > 900.0, "{late:?}");
    assert_eq!(late.threshold, 900.0);
    assert_eq!(late.owner, "operations");
    assert!(late.summary.contains("1 queued"), "{}", late.summary);
}

#[tokio::test]
async fn a_claimed_job_no_longer_counts_as_waiting() {
    let (_d, store, draft) = store_with_draft().await;
    enqueue(&store, &draft, 3).await;
    store
        .claim_job("w1", StdDuration::from_secs(600))
        .await
        .unwrap()
        .unwrap();
    let data = skillgate_ops::load(&store, None).await.unwrap();
    let later = queue_alert(&data, OffsetDateTime::now_utc() + Duration::hours(1));
    assert!(!later.firing, "{later:?}");
    assert_eq!(later.value, Some(0.0));
}

#[tokio::test]
async fn alerts_report_reads_the_queue_from_the_store() {
    let (_d, store, draft) = store_with_draft().await;
    enqueue(&store, &draft, 3).await;
    let alerts = skillgate_ops::alerts_report(&store, Duration::days(14))
        .await
        .unwrap();
    let a = alerts.iter().find(|a| a.name == "EvalQueueStuck").unwrap();
    assert!(!a.firing);
    assert!(a.summary.contains("1 queued, 0 running"), "{}", a.summary);
}

#[tokio::test]
async fn job_queue_report_summarises_every_state() {
    let (_d, store, draft) = store_with_draft().await;
    enqueue(&store, &draft, 3).await;
    let q = skillgate_ops::job_queue_report(&store).await.unwrap();
    assert_eq!(q.counts.len(), 4);
    assert_eq!(q.counts["queued"], 1);
    assert_eq!(q.counts["failed"], 0);
    assert!(q.oldest_queued_seconds < 60.0);
}
