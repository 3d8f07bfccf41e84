//! Store-level governance: reviews, publish decisions, rollback, incidents,
//! kill switch and phase records, each with its audit entry.

#[macro_use]
mod common;

use common::TestDb;
use serde_json::json;
use skillgate_core::gate::{GateConfig, RolloutPhase};
use skillgate_store::{
    GovernanceError, NewDraft, NewReview, ReviewDecision, Severity, SkillFile, Store,
};

fn files(body: &str) -> Vec<SkillFile> {
    vec![
        SkillFile {
            path: "SKILL.md".into(),
            bytes: format!("---\nname: s\ndescription: d\n---\n{body}\n").into_bytes(),
        },
        SkillFile {
            path: "scripts/a.sh".into(),
            bytes: format!("echo {body}\n").into_bytes(),
        },
    ]
}

async fn draft(store: &Store, body: &str, safety: Option<&str>) -> String {
    store
        .create_draft(&NewDraft {
            skill_name: "s".into(),
            description: format!("d {body}"),
            revises_version_id: None,
            files: files(body),
            lint_report: None,
            safety_report: safety.map(|s| json!({ "status": s, "findings": [] }).to_string()),
            preservation_report: None,
        })
        .await
        .unwrap()
        .id
}

async fn eval(store: &Store, draft_id: &str, status: &str, confidence: &str) -> String {
    store
        .test_support_insert_eval_report(
            draft_id,
            &json!({ "status": status, "confidence": confidence, "blocked_coverage": 0.1 }),
        )
        .await
        .unwrap()
}

fn review(draft_id: &str, decision: ReviewDecision, rationale: Option<&str>) -> NewReview {
    NewReview {
        draft_id: draft_id.into(),
        decision,
        rationale: rationale.map(str::to_string),
        reviewer: "alice".into(),
    }
}

/// The one audit entry with `action` (the audit log's text timestamps do not
/// sort reliably within a second, so tests look entries up by action).
async fn audit_entry(store: &Store, action: &str) -> skillgate_store::AuditEntry {
    let found: Vec<_> = store
        .list_audit(1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.action == action)
        .collect();
    assert_eq!(found.len(), 1, "{action}: {found:?}");
    found.into_iter().next().unwrap()
}

fn strict() -> GateConfig {
    GateConfig::default()
}

async fn a_new_review_supersedes_the_previous_one_and_keeps_history(db: TestDb) {
    let s = db.store().await;
    let d = draft(&s, "a", Some("passed")).await;
    let e = eval(&s, &d, "passed", "high").await;
    let first = s
        .record_review(&review(&d, ReviewDecision::Reject, Some("too vague")))
        .await
        .unwrap();
    assert_eq!(s.get_draft(&d).await.unwrap().status, "rejected");
    let second = s
        .record_review(&review(&d, ReviewDecision::Approve, None))
        .await
        .unwrap();
    assert_eq!(s.get_draft(&d).await.unwrap().status, "approved");
    let all = s.reviews(&d).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].id, first.id);
    assert_eq!(all[0].superseded_by.as_deref(), Some(second.id.as_str()));
    assert_eq!(all[1].superseded_by, None);
    assert_eq!(s.current_review(&d).await.unwrap().unwrap().id, second.id);
    assert_eq!(second.eval_id.as_deref(), Some(e.as_str()));
    let secs = second.decision_seconds.unwrap();
    assert!((0..5).contains(&secs), "{secs}");
    let audit = s.list_audit(10).await.unwrap();
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert!(actions.contains(&"review.reject") && actions.contains(&"review.approve"));
    assert!(audit.iter().all(|a| a.actor == "alice"));
}

async fn a_review_without_an_eval_has_no_decision_time(db: TestDb) {
    let s = db.store().await;
    let d = draft(&s, "a", Some("passed")).await;
    let r = s
        .record_review(&review(&d, ReviewDecision::Approve, None))
        .await
        .unwrap();
    assert_eq!(r.decision_seconds, None);
    assert_eq!(r.eval_id, None);
}

async fn approving_a_skipped_or_partial_eval_needs_a_rationale(db: TestDb) {
    let s = db.store().await;
    for status in ["skipped_provider_unavailable", "partial"] {
        let d = draft(&s, status, Some("passed")).await;
        eval(&s, &d, status, "low").await;
        let err = s
            .record_review(&review(&d, ReviewDecision::Approve, Some("  ")))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, GovernanceError::RationaleRequired { status: st, .. } if st == status),
            "{err}"
        );
        assert!(s.reviews(&d).await.unwrap().is_empty());
        s.record_review(&review(
            &d,
            ReviewDecision::Approve,
            Some("provider outage"),
        ))
        .await
        .unwrap();
    }
}

async fn rejecting_needs_a_rationale(db: TestDb) {
    let s = db.store().await;
    let d = draft(&s, "a", Some("passed")).await;
    let err = s
        .record_review(&review(&d, ReviewDecision::Reject, None))
        .await
        .unwrap_err();
    assert!(
        matches!(err, GovernanceError::RejectNeedsRationale(_)),
        "{err}"
    );
}

async fn an_allowed_publish_copies_the_draft_files_into_a_new_version(db: TestDb) {
    let s = db.store().await;
    let d = draft(&s, "a", Some("passed")).await;
    let e = eval(&s, &d, "passed", "high").await;
    let r = s
        .record_review(&review(&d, ReviewDecision::Approve, Some("good")))
        .await
        .unwrap();
    let out = s.publish_draft(&d, &strict(), "bob").await.unwrap();
    let v = out.version.unwrap();
    assert_eq!((v.skill_name.as_str(), v.version), ("s", 1));
    assert_eq!(v.source_draft_id.as_deref(), Some(d.as_str()));
    assert_eq!(s.skill_version_files(&v.id).await.unwrap(), files("a"));
    assert_eq!(s.get_draft(&d).await.unwrap().status, "published");
    let decisions = s.publish_decisions(&d).await.unwrap();
    assert_eq!(decisions.len(), 1);
    let dec = &decisions[0];
    assert_eq!(dec.outcome, "published");
    assert_eq!(dec.rationale.as_deref(), Some("good"));
    assert_eq!(dec.review_id.as_deref(), Some(r.id.as_str()));
    assert_eq!(dec.eval_id.as_deref(), Some(e.as_str()));
    assert_eq!(dec.skill_version_id.as_deref(), Some(v.id.as_str()));
    assert_eq!(dec.human_agreed, Some(true));
    assert_eq!(dec.failures, "[]");
    assert_eq!(audit_entry(&s, "publish.publish").await.actor, "bob");

    let again = s.publish_draft(&d, &strict(), "bob").await.unwrap_err();
    assert!(
        again.to_string().contains("already published (s v1)"),
        "{again}"
    );
}

async fn a_refused_publish_is_recorded_and_audited_and_publishes_nothing(db: TestDb) {
    let s = db.store().await;
    let d = draft(&s, "a", Some("failed")).await;
    let out = s.publish_draft(&d, &strict(), "bob").await.unwrap();
    assert!(out.version.is_none());
    let rules: Vec<&str> = out
        .verdict
        .failures
        .iter()
        .map(|f| f.rule.as_str())
        .collect();
    assert_eq!(rules, ["review-missing", "safety-failed", "eval-missing"]);
    assert!(s.latest_skill_version("s").await.unwrap().is_none());
    assert_eq!(s.get_draft(&d).await.unwrap().status, "submitted");
    let dec = &s.publish_decisions(&d).await.unwrap()[0];
    assert_eq!(dec.outcome, "refused");
    assert_eq!(dec.recommendation.as_deref(), Some("refuse"));
    let failures: serde_json::Value = serde_json::from_str(&dec.failures).unwrap();
    assert_eq!(failures.as_array().unwrap().len(), 3);
    let audit = audit_entry(&s, "publish.refuse").await;
    assert!(audit.detail.contains("safety-failed"), "{}", audit.detail);
}

async fn shadow_publishes_past_a_non_safety_failure_and_records_the_disagreement(db: TestDb) {
    let s = db.store().await;
    let d = draft(&s, "a", Some("passed")).await;
    eval(&s, &d, "passed", "low").await;
    let cfg = GateConfig {
        phase: RolloutPhase::Shadow,
        ..GateConfig::default()
    };
    let out = s.publish_draft(&d, &cfg, "bob").await.unwrap();
    assert!(out.version.is_some());
    let dec = &out.decision;
    assert_eq!(dec.phase.as_deref(), Some("shadow"));
    assert_eq!(dec.recommendation.as_deref(), Some("refuse"));
    assert_eq!(dec.human_agreed, Some(false));
}

async fn the_latest_eval_report_is_the_one_the_gate_reads(db: TestDb) {
    let s = db.store().await;
    let d = draft(&s, "a", Some("passed")).await;
    eval(&s, &d, "failed", "high").await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let e2 = eval(&s, &d, "passed", "medium").await;
    let sum = s.latest_eval_summary(&d).await.unwrap().unwrap();
    assert_eq!(sum.eval_id, e2);
    assert_eq!(sum.status.as_str(), "passed");
    assert_eq!(sum.blocked_coverage, Some(0.1));
}

async fn an_unreadable_eval_report_is_an_error_naming_the_report(db: TestDb) {
    let s = db.store().await;
    let d = draft(&s, "a", Some("passed")).await;
    s.test_support_insert_eval_report(&d, &json!({ "status": "exploded" }))
        .await
        .unwrap();
    let err = s.gate_reading(&d, &strict()).await.unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("eval report rpt_") && msg.contains(&d) && msg.contains("exploded"),
        "{msg}"
    );
}

async fn rollback_publishes_the_earlier_files_as_a_new_version(db: TestDb) {
    let s = db.store().await;
    for body in ["one", "two", "three"] {
        s.publish_skill_version("s", body, &files(body), None)
            .await
            .unwrap();
    }
    let out = s
        .rollback_skill("s", Some(1), "v3 broke triage", "carol")
        .await
        .unwrap();
    assert_eq!(
        (out.from.version, out.to.version, out.new_version.version),
        (3, 1, 4)
    );
    let latest = s.latest_skill_version("s").await.unwrap().unwrap();
    assert_eq!(latest.id, out.new_version.id);
    assert_eq!(
        s.skill_version_files(&latest.id).await.unwrap(),
        files("one")
    );
    assert_eq!(s.skill_versions("s").await.unwrap().len(), 4);
    assert_eq!(s.rollback_target(&latest.id).await.unwrap(), Some(1));
    let audit = audit_entry(&s, "skill.rollback").await;
    assert_eq!(audit.detail, "v4 = rollback of v3 to v1: v3 broke triage");

    // Default target: the newest earlier version with different files (v3).
    let back = s.rollback_skill("s", None, "undo", "carol").await.unwrap();
    assert_eq!((back.to.version, back.new_version.version), (3, 5));
}

async fn rollback_refuses_a_missing_version_the_current_one_and_a_single_version(db: TestDb) {
    let s = db.store().await;
    let err = s.rollback_skill("s", None, "r", "c").await.unwrap_err();
    assert!(matches!(err, GovernanceError::SkillNotFound(_)), "{err}");
    s.publish_skill_version("s", "d", &files("one"), None)
        .await
        .unwrap();
    let err = s.rollback_skill("s", None, "r", "c").await.unwrap_err();
    assert!(
        matches!(err, GovernanceError::NothingToRollBack { .. }),
        "{err}"
    );
    let err = s.rollback_skill("s", Some(1), "r", "c").await.unwrap_err();
    assert!(err.to_string().contains("already the current"), "{err}");
    let err = s.rollback_skill("s", Some(7), "r", "c").await.unwrap_err();
    assert!(
        matches!(err, GovernanceError::VersionNotFound { version: 7, .. }),
        "{err}"
    );
    let err = s.rollback_skill("s", Some(1), " ", "c").await.unwrap_err();
    assert!(
        matches!(
            err,
            GovernanceError::Blank {
                field: "reason",
                ..
            }
        ),
        "{err}"
    );
}

async fn a_p0_incident_turns_the_kill_switch_on_and_closing_it_does_not_turn_it_off(db: TestDb) {
    let s = db.store().await;
    let opened = s
        .open_incident(Severity::P0, "replay wrote to prod", "", "ops")
        .await
        .unwrap();
    assert!(opened.kill_switch_engaged);
    let k = s.kill_switch().await.unwrap();
    assert!(k.replay_disabled && k.publish_disabled);
    assert_eq!(
        k.reason.unwrap(),
        format!("P0 incident {}: replay wrote to prod", opened.incident.id)
    );
    assert_eq!(
        s.setting("replay_disabled").await.unwrap().as_deref(),
        Some("true")
    );

    let err = s.enable_replay("fixed", "ops", false).await.unwrap_err();
    assert!(matches!(err, GovernanceError::OpenP0Incident(_)), "{err}");

    let err = s
        .close_incident(&opened.incident.id, "", "ops")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            GovernanceError::Blank {
                field: "root cause",
                ..
            }
        ),
        "{err}"
    );
    let closed = s
        .close_incident(&opened.incident.id, "surrogate missing", "ops")
        .await
        .unwrap();
    assert!(closed.open_p0.is_empty());
    assert!(closed.kill_switch.replay_disabled && closed.kill_switch.publish_disabled);
    assert!(s.kill_switch().await.unwrap().replay_disabled);
    let err = s
        .close_incident(&opened.incident.id, "again", "ops")
        .await
        .unwrap_err();
    assert!(
        matches!(err, GovernanceError::IncidentAlreadyClosed(_)),
        "{err}"
    );

    let k = s.enable_replay("fixed", "ops", false).await.unwrap();
    assert!(!k.replay_disabled && !k.publish_disabled);
    let actions: Vec<String> = s
        .list_audit(10)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    for a in [
        "incident.open",
        "killswitch.disable",
        "incident.close",
        "killswitch.enable",
    ] {
        assert!(
            actions.iter().any(|x| x == a),
            "{a} missing from {actions:?}"
        );
    }
}

async fn a_p1_incident_leaves_the_kill_switch_alone(db: TestDb) {
    let s = db.store().await;
    let opened = s
        .open_incident(Severity::P1, "flaky grader", "", "ops")
        .await
        .unwrap();
    assert!(!opened.kill_switch_engaged);
    assert!(!s.kill_switch().await.unwrap().replay_disabled);
    assert_eq!(s.list_incidents(true).await.unwrap().len(), 1);
}

async fn disabling_replay_keeps_publishing_unless_asked(db: TestDb) {
    let s = db.store().await;
    let k = s
        .disable_replay(false, "provider bill", "ops")
        .await
        .unwrap();
    assert!(k.replay_disabled && !k.publish_disabled);
    let k = s.disable_replay(true, "worse", "ops").await.unwrap();
    assert!(k.replay_disabled && k.publish_disabled);
    let k = s.disable_replay(false, "still", "ops").await.unwrap();
    assert!(k.publish_disabled, "publishing already off stays off");
    let err = s.disable_replay(false, "", "ops").await.unwrap_err();
    assert!(
        matches!(
            err,
            GovernanceError::Blank {
                field: "reason",
                ..
            }
        ),
        "{err}"
    );
}

async fn a_phase_change_is_audited_once(db: TestDb) {
    let s = db.store().await;
    let first = s.observe_phase(RolloutPhase::Shadow, "ops").await.unwrap();
    assert_eq!(first.unwrap().previous, None);
    assert_eq!(
        s.observe_phase(RolloutPhase::Shadow, "ops").await.unwrap(),
        None
    );
    let change = s
        .observe_phase(RolloutPhase::Strict, "ops")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(change.previous, Some(RolloutPhase::Shadow));
    let phases: Vec<String> = s
        .list_audit(10)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.action == "gate.phase")
        .map(|a| a.detail)
        .collect();
    assert_eq!(phases.len(), 2);
    assert!(
        phases.iter().any(|p| p.contains("shadow -> strict")),
        "{phases:?}"
    );
}

#[test]
fn severity_parses_case_insensitively_and_rejects_others() {
    assert_eq!(Severity::parse("p0").unwrap(), Severity::P0);
    assert_eq!(Severity::parse(" P2 ").unwrap(), Severity::P2);
    assert!(
        Severity::parse("P3")
            .unwrap_err()
            .to_string()
            .contains("P0, P1 or P2")
    );
}

async fn concurrent_publishes_of_one_draft_publish_it_once(db: TestDb) {
    let s = db.store().await;
    let d = draft(&s, "a", Some("passed")).await;
    eval(&s, &d, "passed", "high").await;
    s.record_review(&review(&d, ReviewDecision::Approve, None))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..6 {
        let store = db.store().await;
        let d = d.clone();
        tasks.push(tokio::spawn(async move {
            store.publish_draft(&d, &strict(), &format!("p{i}")).await
        }));
    }
    let mut published = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(o) if o.version.is_some() => published += 1,
            Ok(o) => panic!("refused: {:?}", o.verdict),
            Err(GovernanceError::AlreadyPublished { .. }) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(published, 1);
    assert_eq!(s.skill_versions("s").await.unwrap().len(), 1);
}

async fn a_draft_that_does_not_revise_the_current_version_is_refused_as_stale(db: TestDb) {
    let s = db.store().await;
    let first = draft(&s, "a", Some("passed")).await;
    let second = draft(&s, "b", Some("passed")).await;
    for d in [&first, &second] {
        eval(&s, d, "passed", "high").await;
        s.record_review(&review(d, ReviewDecision::Approve, None))
            .await
            .unwrap();
    }
    s.publish_draft(&first, &strict(), "bob").await.unwrap();
    let err = s
        .publish_draft(&second, &strict(), "bob")
        .await
        .unwrap_err();
    assert!(
        matches!(err, GovernanceError::StaleDraft { current: 1, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("resubmit"), "{err}");
    assert!(s.publish_decisions(&second).await.unwrap().is_empty());
    assert_eq!(s.get_draft(&second).await.unwrap().status, "approved");
}

async fn a_review_records_the_evidence_recommendation_and_whether_it_agreed(db: TestDb) {
    let s = db.store().await;
    let good = draft(&s, "a", Some("passed")).await;
    eval(&s, &good, "passed", "high").await;
    let r = s
        .record_review(&review(&good, ReviewDecision::Reject, Some("tone")))
        .await
        .unwrap();
    assert_eq!(
        (r.gate_recommendation.as_deref(), r.gate_agreed),
        (Some("publish"), Some(false))
    );
    let r = s
        .record_review(&review(&good, ReviewDecision::Approve, None))
        .await
        .unwrap();
    assert_eq!(
        (r.gate_recommendation.as_deref(), r.gate_agreed),
        (Some("publish"), Some(true))
    );
    // A P0 incident is not about the draft: the evidence still says publish.
    s.open_incident(Severity::P0, "x", "", "ops").await.unwrap();
    let r = s
        .record_review(&review(&good, ReviewDecision::Approve, None))
        .await
        .unwrap();
    assert_eq!(r.gate_recommendation.as_deref(), Some("publish"));

    let skipped = draft(&s, "b", Some("passed")).await;
    eval(&s, &skipped, "skipped_provider_unavailable", "low").await;
    let r = s
        .record_review(&review(&skipped, ReviewDecision::Approve, Some("outage")))
        .await
        .unwrap();
    assert_eq!(
        (r.gate_recommendation.as_deref(), r.gate_agreed),
        (Some("refuse"), Some(false))
    );

    let partial = draft(&s, "c", Some("passed")).await;
    eval(&s, &partial, "partial", "high").await;
    let allow = GateConfig {
        allow_partial_evidence: true,
        ..GateConfig::default()
    };
    let r = s
        .record_review_with(
            &review(&partial, ReviewDecision::Reject, Some("no")),
            &allow,
        )
        .await
        .unwrap();
    assert_eq!(
        (r.gate_recommendation.as_deref(), r.gate_agreed),
        (Some("refuse"), Some(true))
    );
    let stored = s.current_review(&partial).await.unwrap().unwrap();
    assert_eq!(stored, r);
}

backend_tests!(
    a_new_review_supersedes_the_previous_one_and_keeps_history,
    a_review_without_an_eval_has_no_decision_time,
    approving_a_skipped_or_partial_eval_needs_a_rationale,
    rejecting_needs_a_rationale,
    an_allowed_publish_copies_the_draft_files_into_a_new_version,
    a_refused_publish_is_recorded_and_audited_and_publishes_nothing,
    shadow_publishes_past_a_non_safety_failure_and_records_the_disagreement,
    the_latest_eval_report_is_the_one_the_gate_reads,
    an_unreadable_eval_report_is_an_error_naming_the_report,
    rollback_publishes_the_earlier_files_as_a_new_version,
    rollback_refuses_a_missing_version_the_current_one_and_a_single_version,
    a_p0_incident_turns_the_kill_switch_on_and_closing_it_does_not_turn_it_off,
    a_p1_incident_leaves_the_kill_switch_alone,
    disabling_replay_keeps_publishing_unless_asked,
    a_phase_change_is_audited_once,
    concurrent_publishes_of_one_draft_publish_it_once,
    a_draft_that_does_not_revise_the_current_version_is_refused_as_stale,
    a_review_records_the_evidence_recommendation_and_whether_it_agreed,
);
