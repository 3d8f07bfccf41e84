//! Store API of evals: case candidates (FTS5 trigram, hints, pins), idempotent
//! trial writes, reports, grade overrides.

#[macro_use]
mod common;

use common::TestDb;
use skillgate_core::{RecordedToolCall, Run};
use skillgate_store::{
    CandidateQuery, NewDraft, NewReplayCase, NewToolCall, NewTrial, SkillFile, Store,
};

fn run(
    id: &str,
    tenant: &str,
    task: &str,
    tools: &[&str],
    hint: Option<&str>,
    accepted: bool,
) -> Run {
    Run {
        id: id.into(),
        tenant: tenant.into(),
        locale: "en".into(),
        task: task.into(),
        messages: vec![],
        tool_calls: tools
            .iter()
            .map(|n| RecordedToolCall {
                name: (*n).into(),
                toolset: None,
                arguments: serde_json::Value::Null,
                result: serde_json::Value::Null,
                started_at: None,
            })
            .collect(),
        final_answer: "done".into(),
        accepted,
        accepted_at: accepted.then(|| "2026-01-01T00:00:00Z".to_string()),
        created_at: None,
        criteria: None,
        skill: hint.map(str::to_string),
    }
}

async fn store_with_runs(db: &TestDb) -> Store {
    let store = db.store().await;
    store
        .insert_runs(&[
            run(
                "r1",
                "acme",
                "Write the weekly status report",
                &["read_file"],
                None,
                true,
            ),
            run(
                "r2",
                "acme",
                "撰写本周的状态报告并发送邮件",
                &["send_email"],
                None,
                true,
            ),
            run(
                "r3",
                "acme",
                "Book a meeting room",
                &["calendar_invite"],
                Some("wsr"),
                true,
            ),
            run("r4", "acme", "Weekly status report again", &[], None, false),
            run(
                "r5",
                "other",
                "Weekly status report for other tenant",
                &[],
                None,
                true,
            ),
            run("r6", "acme", "Plan the offsite", &[], None, true),
        ])
        .await
        .unwrap();
    store
}

fn ids(rows: &[skillgate_store::CandidateRow]) -> Vec<&str> {
    let mut v: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    v.sort();
    v
}

async fn candidates_match_full_text_hints_and_chinese_within_tenant_and_accepted(db: TestDb) {
    let store = store_with_runs(&db).await;
    let q = CandidateQuery {
        tenant: "acme".into(),
        skill_name: "wsr".into(),
        terms: vec!["status".into(), "状态报告".into(), "ab".into()],
        limit: 50,
    };
    let rows = store.case_candidates(&q).await.unwrap();
    assert_eq!(ids(&rows), ["r1", "r2", "r3"]);
    let r1 = rows.iter().find(|r| r.id == "r1").unwrap();
    assert!(r1.fts_rank.is_some());
    let r3 = rows.iter().find(|r| r.id == "r3").unwrap();
    assert!(r3.fts_rank.is_none() && !r3.pinned);
}

async fn pinned_runs_are_candidates_even_when_rejected_or_unmatched(db: TestDb) {
    let store = store_with_runs(&db).await;
    store
        .pin_case("wsr", "r4", "false pass last week", "me")
        .await
        .unwrap();
    let rows = store
        .case_candidates(&CandidateQuery {
            tenant: "acme".into(),
            skill_name: "wsr".into(),
            terms: vec![],
            limit: 10,
        })
        .await
        .unwrap();
    assert_eq!(ids(&rows), ["r3", "r4"]);
    let r4 = rows.iter().find(|r| r.id == "r4").unwrap();
    assert!(r4.pinned);
    assert_eq!(r4.pin_reason.as_deref(), Some("false pass last week"));
    assert!(store.pin_case("wsr", "nope", "x", "me").await.is_err());
}

async fn most_common_tenant_counts_runs(db: TestDb) {
    let store = store_with_runs(&db).await;
    assert_eq!(
        store.most_common_tenant().await.unwrap().as_deref(),
        Some("acme")
    );
}

async fn trial_writes_are_idempotent_and_carry_tool_calls_and_overrides(db: TestDb) {
    let store = store_with_runs(&db).await;
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
    let eval = store.create_eval(&draft.id, "replay", "{}").await.unwrap();
    assert_eq!(
        store.unfinished_eval(&draft.id).await.unwrap().unwrap().id,
        eval.id
    );
    let cases = store
        .insert_replay_cases(
            &eval.id,
            &[NewReplayCase {
                run_id: "r1".into(),
                reason: "why".into(),
            }],
        )
        .await
        .unwrap();
    let trial = NewTrial {
        eval_id: eval.id.clone(),
        case_id: cases[0].id.clone(),
        arm: "candidate".into(),
        trial_index: 0,
        seed: 7,
        status: "finished".into(),
        score: Some(0.5),
        passed: Some(true),
        transcript: Some("{}".into()),
        grades: None,
        input_tokens: 10,
        output_tokens: 5,
        error: None,
        skill_loaded: true,
        cache_hits: 1,
    };
    let call = NewToolCall {
        seq: 0,
        name: "read_file".into(),
        mode: "executed".into(),
        rule: "verb:read".into(),
        reason: "reads".into(),
        arguments: "{}".into(),
        result: "\"x\"".into(),
        side_effect: None,
    };
    let first = store
        .record_trial(&trial, std::slice::from_ref(&call))
        .await
        .unwrap();
    let second = store.record_trial(&trial, &[call]).await.unwrap();
    assert!(first.is_some());
    assert!(second.is_none());
    assert_eq!(store.count_trials(&eval.id).await.unwrap(), 1);
    assert_eq!(store.tool_calls_of_eval(&eval.id).await.unwrap().len(), 1);
    let id = first.unwrap();
    store
        .set_grade_override(&id, 0.9, "looks right", "rev")
        .await
        .unwrap();
    let rows = store.trials(&eval.id).await.unwrap();
    assert_eq!(rows[0].override_score, Some(0.9));
    assert_eq!(rows[0].score, Some(0.5));
    let rid = store
        .finish_eval(
            &eval.id,
            "passed",
            "replay",
            "{\"status\":\"passed\"}",
            &["{}".into()],
        )
        .await
        .unwrap();
    assert_eq!(store.eval_report(&eval.id).await.unwrap().unwrap().id, rid);
    assert_eq!(store.latest_eval_report().await.unwrap().unwrap().id, rid);
    assert_eq!(store.case_reports(&eval.id).await.unwrap().len(), 1);
    assert!(store.unfinished_eval(&draft.id).await.unwrap().is_none());
    assert_eq!(store.get_eval(&eval.id).await.unwrap().status, "passed");
}

backend_tests!(
    candidates_match_full_text_hints_and_chinese_within_tenant_and_accepted,
    pinned_runs_are_candidates_even_when_rejected_or_unmatched,
    most_common_tenant_counts_runs,
    trial_writes_are_idempotent_and_carry_tool_calls_and_overrides,
);
