//! Planted secrets never reach the database file: runs, trials, tool calls and
//! reports are redacted on the way in (SPEC §7).

#[macro_use]
mod common;

use common::TestDb;
use skillgate_store::{NewDraft, NewReplayCase, NewToolCall, NewTrial, SkillFile, Store};

/// One planted value per kind, all fake.
const SECRETS: &[&str] = &[
    "sk-proj-FAKEfakeFAKEfake1234567890abcdEFGH",
    "sk-ant-api03-FAKEfakeFAKEfake1234567890abcdEFGH",
    "AKIAIOSFODNN7EXAMPLE",
    "ghp_FAKEfakeFAKEfake1234567890abcdEFGHij",
    "xoxb-1234567890-FAKEfakeFAKE",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlIn0.c2lnbmF0dXJlZmFrZQ",
    "alice.planted@example.com",
    "4111 1111 1111 1111",
    "+1 415 555 0134",
    "hunter2planted",
];

fn planted_text() -> String {
    format!(
        "key {} and {} aws {} gh {} slack {} jwt {} mail {} card {} phone {} url https://bob:{}@db.example.com/x",
        SECRETS[0],
        SECRETS[1],
        SECRETS[2],
        SECRETS[3],
        SECRETS[4],
        SECRETS[5],
        SECRETS[6],
        SECRETS[7],
        SECRETS[8],
        SECRETS[9]
    )
}

async fn planted_secrets_of_every_kind_are_not_in_the_database_file(db: TestDb) {
    let store = db.store().await;
    let text = planted_text();
    let run: skillgate_core::Run = serde_json::from_value(serde_json::json!({
        "id": "run-secret", "tenant": "t", "locale": "en",
        "task": format!("send the report to {}", SECRETS[6]),
        "messages": [{"role": "user", "content": text}],
        "tool_calls": [{"name": "send_email", "arguments": {"to": SECRETS[6], "body": text, "password": "hunter2planted"}, "result": {"echo": text}}],
        "final_answer": text, "accepted": true
    }))
    .unwrap();
    let first = store.insert_runs(std::slice::from_ref(&run)).await.unwrap();
    assert_eq!(first.inserted, 1);
    let again = store.insert_runs(std::slice::from_ref(&run)).await.unwrap();
    assert_eq!(
        again.duplicates, 1,
        "redaction must be deterministic so re-import is idempotent"
    );

    let draft = store
        .create_draft(&NewDraft {
            skill_name: "s".into(),
            description: "d".into(),
            revises_version_id: None,
            files: vec![SkillFile {
                path: "SKILL.md".into(),
                bytes: b"---\nname: s\n---\n".to_vec(),
            }],
            lint_report: None,
            safety_report: None,
            preservation_report: None,
        })
        .await
        .unwrap();
    let eval = store.create_eval(&draft.id, "replay", "{}").await.unwrap();
    let cases = store
        .insert_replay_cases(
            &eval.id,
            &[NewReplayCase {
                run_id: run.id.clone(),
                reason: "test".into(),
            }],
        )
        .await
        .unwrap();
    let transcript =
        serde_json::json!({"final_answer": text, "messages": [{"role": "tool", "content": text}]})
            .to_string();
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
                transcript: Some(transcript),
                grades: Some(serde_json::json!([{"explanation": text}]).to_string()),
                input_tokens: 1,
                output_tokens: 1,
                error: Some(text.clone()),
                skill_loaded: true,
                cache_hits: 0,
            },
            &[NewToolCall {
                seq: 0,
                name: "send_email".into(),
                mode: "surrogate".into(),
                rule: "verb:send".into(),
                reason: "r".into(),
                arguments: serde_json::json!({"to": SECRETS[6], "token": SECRETS[0]}).to_string(),
                result: serde_json::json!({"body": text}).to_string(),
                side_effect: Some(format!("email to {}", SECRETS[6])),
            }],
        )
        .await
        .unwrap();
    let report =
        serde_json::json!({"status": "passed", "case_reports": [{"answer": text}]}).to_string();
    store
        .finish_eval(
            &eval.id,
            "passed",
            "replay",
            &report,
            std::slice::from_ref(&report),
        )
        .await
        .unwrap();
    store.close().await;

    let haystack = db.raw_contents().await;
    for secret in SECRETS {
        assert!(
            !haystack.contains(secret),
            "planted secret {secret} survived in the database file"
        );
    }
    assert!(
        haystack.contains("[REDACTED:"),
        "redaction markers are stored"
    );
}

/// A draft and an eval to store reports against.
async fn eval_for_reports(store: &Store) -> String {
    let draft = store
        .create_draft(&NewDraft {
            skill_name: "s".into(),
            description: "d".into(),
            revises_version_id: None,
            files: vec![SkillFile {
                path: "SKILL.md".into(),
                bytes: b"---\nname: s\n---\n".to_vec(),
            }],
            lint_report: None,
            safety_report: None,
            preservation_report: None,
        })
        .await
        .unwrap();
    store
        .create_eval(&draft.id, "replay", "{}")
        .await
        .unwrap()
        .id
}

async fn stored_eval_report_is_what_redact_report_makes_of_it(db: TestDb) {
    let store = db.store().await;
    let bodies = [
        // Nothing to redact: stored byte for byte (field order kept).
        r#"{"status":"passed","case_reports":[{"answer":"fine","n":1}],"raw_report":[1,2],"k":3}"#
            .to_string(),
        // A secret inside one element of a top-level array.
        serde_json::json!({"status": "passed", "case_reports": [{"answer": "ok"}, {"answer": SECRETS[6]}]})
            .to_string(),
        // A secret-ish top-level key, and a secret in a top-level string.
        serde_json::json!({"token": "abc", "summary": SECRETS[0]}).to_string(),
        // Not a JSON object.
        format!("plain text with {}", SECRETS[6]),
    ];
    for body in &bodies {
        let eval_id = eval_for_reports(&store).await;
        let mut writer = store.begin_reports(&eval_id).await.unwrap();
        writer.add_case(body).await.unwrap();
        let report_id = writer.finish("passed", "replay", body).await.unwrap();
        let stored = store.get_report(&report_id).await.unwrap().unwrap().body;
        assert_eq!(stored, store.redactor().redact_report(body), "{body}");
        let cases = store.case_reports(&eval_id).await.unwrap();
        assert_eq!(cases.len(), 1);
        assert_eq!(cases[0].body, store.redactor().redact_report(body));
    }
}

async fn dropped_report_writer_stores_nothing(db: TestDb) {
    let store = db.store().await;
    let eval_id = eval_for_reports(&store).await;
    let mut writer = store.begin_reports(&eval_id).await.unwrap();
    writer.add_case(r#"{"case_id":"c1"}"#).await.unwrap();
    drop(writer);
    assert!(store.case_reports(&eval_id).await.unwrap().is_empty());
    assert!(store.eval_report(&eval_id).await.unwrap().is_none());
}

backend_tests!(
    planted_secrets_of_every_kind_are_not_in_the_database_file,
    stored_eval_report_is_what_redact_report_makes_of_it,
    dropped_report_writer_stores_nothing,
);
