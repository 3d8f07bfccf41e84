//! Operations queries: facts for product metrics, and the retention purge.

#[macro_use]
mod common;

use common::TestDb;
use skillgate_core::Run;
use skillgate_store::{
    NewDraft, NewReplayCase, NewToolCall, NewTrial, PURGED_JSON, RetentionPolicy, SkillFile, Store,
};
use std::collections::BTreeMap;

fn run(id: &str, tenant: &str) -> Run {
    Run {
        id: id.into(),
        tenant: tenant.into(),
        locale: "en".into(),
        task: format!("task {id}"),
        messages: vec![],
        tool_calls: vec![],
        final_answer: "done".into(),
        accepted: true,
        accepted_at: Some("2026-01-01T00:00:00Z".into()),
        created_at: None,
        criteria: None,
        skill: None,
    }
}

async fn store(db: &TestDb) -> Store {
    let store = db.store().await;
    store
        .insert_runs(&[run("ra", "acme"), run("rb", "other")])
        .await
        .unwrap();
    store
}

async fn draft(store: &Store, preservation: Option<&str>) -> String {
    store
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
            preservation_report: preservation.map(str::to_string),
        })
        .await
        .unwrap()
        .id
}

/// A finished eval replaying `run_id` with one trial per arm, each with a
/// transcript and one tool call, plus one case report.
async fn eval_with_raw_data(store: &Store, run_id: &str, report: serde_json::Value) -> String {
    let draft_id = draft(store, None).await;
    let eval = store.create_eval(&draft_id, "replay", "{}").await.unwrap();
    let cases = store
        .insert_replay_cases(
            &eval.id,
            &[NewReplayCase {
                run_id: run_id.into(),
                reason: "why".into(),
            }],
        )
        .await
        .unwrap();
    for (arm, wall) in [("baseline", 1200), ("candidate", 3400)] {
        let trial = NewTrial {
            eval_id: eval.id.clone(),
            case_id: cases[0].id.clone(),
            arm: arm.into(),
            trial_index: 0,
            seed: 1,
            status: "finished".into(),
            score: Some(0.75),
            passed: Some(true),
            transcript: Some(
                serde_json::json!({"final_answer": "mail bob", "totals": {"wall_ms": wall}})
                    .to_string(),
            ),
            grades: None,
            input_tokens: 100,
            output_tokens: 10,
            error: None,
            skill_loaded: true,
            cache_hits: 0,
        };
        let call = NewToolCall {
            seq: 0,
            name: "send_email".into(),
            mode: "surrogate".into(),
            rule: "verb:send".into(),
            reason: "sends".into(),
            arguments: r#"{"to":"bob@example.com"}"#.into(),
            result: r#"{"ok":true}"#.into(),
            side_effect: Some("would send an email to bob".into()),
        };
        store.record_trial(&trial, &[call]).await.unwrap();
    }
    let status = report["status"].as_str().unwrap_or("passed").to_string();
    store
        .finish_eval(
            &eval.id,
            &status,
            "replay",
            &report.to_string(),
            &[r#"{"case":"raw"}"#.to_string()],
        )
        .await
        .unwrap();
    eval.id
}

fn report() -> serde_json::Value {
    serde_json::json!({
        "status": "passed", "blocked_coverage": 0.25, "regressed": 2, "improved": 1,
        "unchanged": 3, "timings": {"wall_ms": 61000, "started_at": "x"}, "other": [1, 2]
    })
}

async fn purge_removes_raw_data_of_evals_past_their_tenants_retention_only(db: TestDb) {
    let store = store(&db).await;
    let acme = eval_with_raw_data(&store, "ra", report()).await;
    let other = eval_with_raw_data(&store, "rb", report()).await;
    let policy = RetentionPolicy {
        raw_days: 30,
        tenants: BTreeMap::from([("acme".to_string(), 7)]),
    };
    // Ten days later: acme's 7 days are over, the default 30 are not.
    let later = time::OffsetDateTime::now_utc() + time::Duration::days(10);

    let dry = store.purge_raw(&policy, later, true, "ops").await.unwrap();
    assert_eq!(
        (dry.evals, dry.transcripts, dry.tool_calls, dry.case_reports),
        (1, 2, 2, 1)
    );
    assert!(dry.dry_run);
    assert!(store.trials(&acme).await.unwrap()[0].transcript.is_some());
    assert_eq!(store.case_reports(&acme).await.unwrap().len(), 1);

    let done = store.purge_raw(&policy, later, false, "ops").await.unwrap();
    assert_eq!(
        (
            done.evals,
            done.transcripts,
            done.tool_calls,
            done.case_reports
        ),
        (1, 2, 2, 1)
    );
    let trials = store.trials(&acme).await.unwrap();
    assert!(trials.iter().all(|t| t.transcript.is_none()));
    assert!(trials.iter().all(|t| t.score == Some(0.75)), "scores kept");
    let calls = store.tool_calls_of_eval(&acme).await.unwrap();
    assert!(
        calls.iter().all(|c| c.arguments == PURGED_JSON
            && c.result == PURGED_JSON
            && c.name == "send_email")
    );
    assert!(store.case_reports(&acme).await.unwrap().is_empty());
    assert!(
        store.eval_report(&acme).await.unwrap().is_some(),
        "summary kept"
    );

    // The other tenant's eval is untouched.
    assert!(store.trials(&other).await.unwrap()[0].transcript.is_some());
    assert_eq!(store.case_reports(&other).await.unwrap().len(), 1);
    assert_ne!(
        store.tool_calls_of_eval(&other).await.unwrap()[0].arguments,
        PURGED_JSON
    );

    // Idempotent, and audited once.
    let again = store.purge_raw(&policy, later, false, "ops").await.unwrap();
    assert_eq!(
        again.evals + again.transcripts + again.tool_calls + again.case_reports,
        0
    );
    let audit = store.list_audit(10).await.unwrap();
    let purges: Vec<_> = audit
        .iter()
        .filter(|a| a.action == skillgate_store::AUDIT_RETENTION_PURGE)
        .collect();
    assert_eq!(purges.len(), 2);
    assert!(purges.iter().any(|a| a.detail.contains("2 transcripts")));

    // Forty days later the default retention is over too.
    let much_later = time::OffsetDateTime::now_utc() + time::Duration::days(40);
    let rest = store
        .purge_raw(&policy, much_later, false, "ops")
        .await
        .unwrap();
    assert_eq!((rest.evals, rest.transcripts), (1, 2));
}

async fn unfinished_evals_are_never_purged(db: TestDb) {
    let store = store(&db).await;
    let draft_id = draft(&store, None).await;
    store.create_eval(&draft_id, "replay", "{}").await.unwrap();
    let later = time::OffsetDateTime::now_utc() + time::Duration::days(400);
    let counts = store
        .purge_raw(&RetentionPolicy::default(), later, false, "ops")
        .await
        .unwrap();
    assert_eq!(counts.evals, 0);
}

async fn ops_evals_read_the_report_facts(db: TestDb) {
    let store = store(&db).await;
    let id = eval_with_raw_data(&store, "ra", report()).await;
    let rows = store.ops_evals(None).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].id, id);
    let facts = rows[0].report.as_ref().unwrap();
    assert_eq!(facts.blocked_coverage, Some(0.25));
    assert_eq!(facts.regressed, Some(2));
    assert_eq!(facts.wall_ms, Some(61000));
    assert!(rows[0].finished_at.is_some());
    assert!(store.ops_evals(Some("9999")).await.unwrap().is_empty());
}

async fn trial_durations_and_tokens_come_from_trials(db: TestDb) {
    let store = store(&db).await;
    eval_with_raw_data(&store, "ra", report()).await;
    let mut walls: Vec<(String, u64)> = store
        .ops_trial_durations(None)
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.arm, d.wall_ms))
        .collect();
    walls.sort();
    assert_eq!(
        walls,
        [
            ("baseline".to_string(), 1200),
            ("candidate".to_string(), 3400)
        ]
    );
    let tokens = store.ops_token_totals().await.unwrap();
    assert_eq!(tokens.len(), 2);
    assert!(
        tokens
            .iter()
            .all(|t| t.input_tokens == 100 && t.output_tokens == 10)
    );
}

async fn preservation_statuses_are_read_from_drafts(db: TestDb) {
    let store = store(&db).await;
    draft(&store, Some(r#"{"status":"failed","sections":[]}"#)).await;
    draft(&store, Some(r#"{"status":"passed"}"#)).await;
    draft(&store, None).await;
    let mut statuses: Vec<String> = store
        .ops_preservation(None)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.status)
        .collect();
    statuses.sort();
    assert_eq!(statuses, ["failed", "passed"]);
}

async fn trial_durations_outlive_the_purge(db: TestDb) {
    let store = store(&db).await;
    eval_with_raw_data(&store, "ra", report()).await;
    let later = time::OffsetDateTime::now_utc() + time::Duration::days(40);
    store
        .purge_raw(&RetentionPolicy::default(), later, false, "ops")
        .await
        .unwrap();
    let walls: Vec<u64> = store
        .ops_trial_durations(None)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.wall_ms)
        .collect();
    assert_eq!(walls.iter().sum::<u64>(), 4600);
}

async fn report_facts_are_the_same_on_repeated_reads(db: TestDb) {
    let store = store(&db).await;
    eval_with_raw_data(&store, "ra", report()).await;
    let first = store.ops_evals(None).await.unwrap();
    let second = store.ops_evals(None).await.unwrap();
    assert_eq!(first, second);
    assert_eq!(
        second[0].report.as_ref().unwrap().blocked_coverage,
        Some(0.25)
    );
}

backend_tests!(
    purge_removes_raw_data_of_evals_past_their_tenants_retention_only,
    unfinished_evals_are_never_purged,
    ops_evals_read_the_report_facts,
    trial_durations_and_tokens_come_from_trials,
    preservation_statuses_are_read_from_drafts,
    trial_durations_outlive_the_purge,
    report_facts_are_the_same_on_repeated_reads,
);
