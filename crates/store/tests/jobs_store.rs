//! The job queue on a real SQLite file and a real PostgreSQL server: atomic
//! claims across handles, lease expiry and heartbeats, the attempts cap, one
//! running job per draft; on PostgreSQL, claims skip locked rows.

#[macro_use]
mod common;

use common::TestDb;
use skillgate_store::{EvalJobPayload, JobState, NewDraft, SkillFile, Store, StoreError};
use std::collections::HashSet;
use std::time::Duration;

async fn draft(store: &Store, n: usize) -> String {
    store
        .create_draft(&NewDraft {
            skill_name: "s".into(),
            description: format!("d {n}"),
            revises_version_id: None,
            files: vec![SkillFile {
                path: "SKILL.md".into(),
                bytes: format!("---\nname: s\ndescription: d {n}\n---\nbody {n}\n").into_bytes(),
            }],
            lint_report: None,
            safety_report: None,
            preservation_report: None,
        })
        .await
        .unwrap()
        .id
}

fn payload(draft_id: &str) -> EvalJobPayload {
    EvalJobPayload {
        draft_id: draft_id.into(),
        cases: Some(2),
        trials: None,
        prompt_locale: Some("zh-CN".into()),
        requested_by: "tester".into(),
    }
}

async fn enqueue(store: &Store, n: usize, max_attempts: u32) -> String {
    let d = draft(store, n).await;
    store
        .enqueue_eval_job(&payload(&d), max_attempts)
        .await
        .unwrap()
        .id
}

const LONG: Duration = Duration::from_secs(600);

async fn enqueued_job_is_queued_with_its_payload(db: TestDb) {
    let s = db.store().await;
    let d = draft(&s, 0).await;
    let job = s.enqueue_eval_job(&payload(&d), 3).await.unwrap();
    assert_eq!(job.state, "queued");
    assert_eq!(job.kind, "eval");
    assert_eq!(job.draft_id.as_deref(), Some(d.as_str()));
    assert_eq!((job.attempts, job.max_attempts), (0, 3));
    assert_eq!(job.eval_payload().unwrap(), payload(&d));
    let listed = s.list_jobs(Some(JobState::Queued), 10).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(
        s.list_jobs(Some(JobState::Done), 10)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn enqueue_refuses_an_unknown_draft(db: TestDb) {
    let s = db.store().await;
    let err = s
        .enqueue_eval_job(&payload("drf_missing"), 3)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound { kind: "draft", .. }),
        "{err}"
    );
}

async fn concurrent_claimers_on_two_handles_never_get_the_same_job(db: TestDb) {
    let a = db.store().await;
    let mut all = HashSet::new();
    for n in 0..40 {
        all.insert(enqueue(&a, n, 3).await);
    }
    // A second pool on the same file stands in for a second process.
    let b = db.store().await;
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..8 {
        let s = if w % 2 == 0 { a.clone() } else { b.clone() };
        tasks.spawn(async move {
            let me = format!("w{w}");
            let mut got = Vec::new();
            while let Some(job) = s.claim_job(&me, LONG).await.unwrap() {
                assert_eq!(job.lease_owner.as_deref(), Some(me.as_str()));
                got.push(job.id);
                tokio::task::yield_now().await;
            }
            got
        });
    }
    let mut claimed = Vec::new();
    let mut claimers_with_jobs = 0;
    while let Some(got) = tasks.join_next().await {
        let got = got.unwrap();
        claimers_with_jobs += usize::from(!got.is_empty());
        claimed.extend(got);
    }
    let unique: HashSet<_> = claimed.iter().cloned().collect();
    assert_eq!(claimed.len(), 40, "every job claimed once");
    assert_eq!(unique, all);
    assert!(claimers_with_jobs >= 2, "claims were spread over claimers");
    for job in a.list_jobs(None, 100).await.unwrap() {
        assert_eq!((job.state.as_str(), job.attempts), ("running", 1));
    }
}

async fn expired_lease_is_requeued_and_taken_over(db: TestDb) {
    let s = db.store().await;
    let id = enqueue(&s, 0, 3).await;
    let first = s
        .claim_job("w1", Duration::from_millis(50))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.id, id);
    assert!(s.claim_job("w2", LONG).await.unwrap().is_none());
    tokio::time::sleep(Duration::from_millis(120)).await;
    let second = s.claim_job("w2", LONG).await.unwrap().unwrap();
    assert_eq!(second.id, id);
    assert_eq!(second.attempts, 2);
    assert_eq!(second.lease_owner.as_deref(), Some("w2"));
    assert!(
        second.last_error.as_deref().unwrap_or("").contains("w1"),
        "{:?}",
        second.last_error
    );
    // The first worker lost the job: it can neither heartbeat nor finish it.
    assert!(!s.heartbeat(&id, "w1", LONG).await.unwrap());
    assert!(!s.finish_job(&id, "w1", "{}").await.unwrap());
    assert_eq!(s.fail_job(&id, "w1", "late", true).await.unwrap(), None);
    assert!(s.finish_job(&id, "w2", r#"{"eval_id":"e"}"#).await.unwrap());
    let done = s.get_job(&id).await.unwrap();
    assert_eq!(done.state, "done");
    assert_eq!(done.result.as_deref(), Some(r#"{"eval_id":"e"}"#));
    assert_eq!(done.lease_owner, None);
}

async fn requeue_expired_puts_a_dead_workers_job_back(db: TestDb) {
    let s = db.store().await;
    let id = enqueue(&s, 0, 3).await;
    s.claim_job("w1", Duration::from_millis(30)).await.unwrap();
    assert_eq!(s.requeue_expired().await.unwrap(), 0);
    tokio::time::sleep(Duration::from_millis(80)).await;
    assert_eq!(s.requeue_expired().await.unwrap(), 1);
    let job = s.get_job(&id).await.unwrap();
    assert_eq!((job.state.as_str(), job.lease_owner), ("queued", None));
}

async fn heartbeat_extends_the_lease(db: TestDb) {
    let s = db.store().await;
    let id = enqueue(&s, 0, 3).await;
    let job = s
        .claim_job("w1", Duration::from_millis(150))
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(s.heartbeat(&id, "w1", LONG).await.unwrap());
    tokio::time::sleep(Duration::from_millis(200)).await;
    // Past the first lease, but the heartbeat moved the expiry forward.
    assert!(s.claim_job("w2", LONG).await.unwrap().is_none());
    let after = s.get_job(&id).await.unwrap();
    assert_eq!(after.lease_owner.as_deref(), Some("w1"));
    assert!(after.lease_expires_at > job.lease_expires_at);
    assert!(after.heartbeat_at > job.heartbeat_at);
    assert!(!s.heartbeat(&id, "someone-else", LONG).await.unwrap());
}

async fn failed_attempts_retry_until_the_cap_then_fail_with_the_reason(db: TestDb) {
    let s = db.store().await;
    let id = enqueue(&s, 0, 2).await;
    s.claim_job("w1", LONG).await.unwrap().unwrap();
    assert_eq!(
        s.fail_job(&id, "w1", "provider down", true).await.unwrap(),
        Some(JobState::Queued)
    );
    let job = s.claim_job("w2", LONG).await.unwrap().unwrap();
    assert_eq!(job.attempts, 2);
    assert_eq!(
        s.fail_job(&id, "w2", "provider still down", true)
            .await
            .unwrap(),
        Some(JobState::Failed)
    );
    assert!(s.claim_job("w3", LONG).await.unwrap().is_none());
    let job = s.get_job(&id).await.unwrap();
    assert_eq!(job.state, "failed");
    assert_eq!(job.last_error.as_deref(), Some("provider still down"));
}

async fn a_permanent_error_fails_at_once(db: TestDb) {
    let s = db.store().await;
    let id = enqueue(&s, 0, 3).await;
    s.claim_job("w1", LONG).await.unwrap().unwrap();
    assert_eq!(
        s.fail_job(&id, "w1", "draft gone", false).await.unwrap(),
        Some(JobState::Failed)
    );
    assert_eq!(s.get_job(&id).await.unwrap().attempts, 1);
}

async fn a_lease_expiring_on_the_last_attempt_fails_the_job(db: TestDb) {
    let s = db.store().await;
    let id = enqueue(&s, 0, 1).await;
    s.claim_job("w1", Duration::from_millis(30)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(80)).await;
    assert!(s.claim_job("w2", LONG).await.unwrap().is_none());
    let job = s.get_job(&id).await.unwrap();
    assert_eq!(job.state, "failed");
    let reason = job.last_error.unwrap_or_default();
    assert!(
        reason.contains("w1") && reason.contains("last allowed attempt"),
        "{reason}"
    );
}

async fn release_requeues_without_counting_the_attempt(db: TestDb) {
    let s = db.store().await;
    let id = enqueue(&s, 0, 1).await;
    s.claim_job("w1", LONG).await.unwrap().unwrap();
    assert!(s.release_job(&id, "w1").await.unwrap());
    assert!(!s.release_job(&id, "w1").await.unwrap());
    let job = s.get_job(&id).await.unwrap();
    assert_eq!((job.state.as_str(), job.attempts), ("queued", 0));
    // Its single attempt is still there for the next worker.
    assert_eq!(s.claim_job("w2", LONG).await.unwrap().unwrap().attempts, 1);
}

async fn one_draft_never_has_two_running_jobs(db: TestDb) {
    let s = db.store().await;
    let d = draft(&s, 0).await;
    let j1 = s.enqueue_eval_job(&payload(&d), 3).await.unwrap().id;
    let j2 = s.enqueue_eval_job(&payload(&d), 3).await.unwrap().id;
    let other = enqueue(&s, 1, 3).await;
    let first = s.claim_job("w1", LONG).await.unwrap().unwrap().id;
    let second = s.claim_job("w2", LONG).await.unwrap().unwrap().id;
    // The draft's other job waits for the running one; the other draft's job
    // is handed out meanwhile.
    assert!(first == j1 || first == j2, "{first}");
    assert_eq!(second, other);
    assert!(s.claim_job("w3", LONG).await.unwrap().is_none());
    assert!(s.finish_job(&first, "w1", "{}").await.unwrap());
    let third = s.claim_job("w3", LONG).await.unwrap().unwrap().id;
    assert!(third != first && (third == j1 || third == j2), "{third}");
}

async fn concurrent_claimers_never_run_two_jobs_of_one_draft(db: TestDb) {
    let a = db.store().await;
    let b = db.store().await;
    let mut drafts = HashSet::new();
    for n in 0..12 {
        let d = draft(&a, n).await;
        for _ in 0..3 {
            a.enqueue_eval_job(&payload(&d), 3).await.unwrap();
        }
        drafts.insert(d);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..8 {
        let s = if w % 2 == 0 { a.clone() } else { b.clone() };
        tasks.spawn(async move {
            let me = format!("w{w}");
            let mut got = Vec::new();
            while let Some(job) = s.claim_job(&me, LONG).await.unwrap() {
                got.push(job.draft_id.unwrap());
                tokio::task::yield_now().await;
            }
            got
        });
    }
    let mut claimed = Vec::new();
    while let Some(got) = tasks.join_next().await {
        claimed.extend(got.unwrap());
    }
    claimed.sort();
    let unique: HashSet<_> = claimed.iter().cloned().collect();
    assert_eq!(claimed.len(), 12, "one job per draft claimed: {claimed:?}");
    assert_eq!(unique, drafts);
    let running = a.list_jobs(Some(JobState::Running), 100).await.unwrap();
    assert_eq!(running.len(), 12);
}

async fn a_claim_skips_a_job_another_transaction_holds_instead_of_waiting(db: TestDb) {
    use sqlx::Connection;
    let s = db.store().await;
    let first = enqueue(&s, 0, 3).await;
    let second = enqueue(&s, 1, 3).await;
    // Another worker's claim transaction, still open, holds the oldest job.
    let mut other = sqlx::PgConnection::connect(db.url()).await.unwrap();
    let mut tx = other.begin().await.unwrap();
    sqlx::query("SELECT id FROM jobs WHERE id = $1 FOR UPDATE")
        .bind(&first)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let got = tokio::time::timeout(Duration::from_secs(5), s.claim_job("w1", LONG))
        .await
        .expect("claim_job waited for the locked row instead of skipping it")
        .unwrap()
        .unwrap();
    assert_eq!(got.id, second);
    tx.rollback().await.unwrap();
    let next = s.claim_job("w2", LONG).await.unwrap().unwrap();
    assert_eq!(next.id, first);
}

async fn queue_stats_count_states_and_expired_leases_and_find_a_drafts_pending_job(db: TestDb) {
    let s = db.store().await;
    let d = draft(&s, 0).await;
    let first = s.enqueue_eval_job(&payload(&d), 1).await.unwrap().id;
    let other = enqueue(&s, 1, 3).await;
    let claimed = s.claim_job("w1", LONG).await.unwrap().unwrap();
    assert_eq!(claimed.id, first);
    let later = "9999-01-01T00:00:00.000Z";
    let stats = s.job_queue_stats(later).await.unwrap();
    assert_eq!(stats.count(JobState::Queued), 1);
    assert_eq!(stats.count(JobState::Running), 1);
    assert_eq!(stats.count(JobState::Done), 0);
    assert_eq!(
        stats.running_lease_expired, 1,
        "the lease ends before {later}"
    );
    let queued = s.get_job(&other).await.unwrap();
    assert_eq!(stats.oldest_queued_since, Some(queued.updated_at));
    let now = s.job_queue_stats(&claimed.created_at).await.unwrap();
    assert_eq!(now.running_lease_expired, 0);
    assert_eq!(s.pending_job_of_draft(&d).await.unwrap().unwrap().id, first);
    assert_eq!(
        s.fail_job(&first, "w1", "boom", false).await.unwrap(),
        Some(JobState::Failed)
    );
    let failed = s.pending_job_of_draft(&d).await.unwrap().unwrap();
    assert_eq!(
        (failed.id.as_str(), failed.state.as_str()),
        (first.as_str(), "failed")
    );
    assert!(s.pending_job_of_draft("drf_none").await.unwrap().is_none());
}

backend_tests!(
    enqueued_job_is_queued_with_its_payload,
    enqueue_refuses_an_unknown_draft,
    concurrent_claimers_on_two_handles_never_get_the_same_job,
    expired_lease_is_requeued_and_taken_over,
    requeue_expired_puts_a_dead_workers_job_back,
    heartbeat_extends_the_lease,
    failed_attempts_retry_until_the_cap_then_fail_with_the_reason,
    a_permanent_error_fails_at_once,
    a_lease_expiring_on_the_last_attempt_fails_the_job,
    release_requeues_without_counting_the_attempt,
    one_draft_never_has_two_running_jobs,
    concurrent_claimers_never_run_two_jobs_of_one_draft,
    queue_stats_count_states_and_expired_leases_and_find_a_drafts_pending_job,
);

postgres_tests!(a_claim_skips_a_job_another_transaction_holds_instead_of_waiting);
