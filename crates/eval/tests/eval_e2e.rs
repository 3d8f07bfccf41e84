//! End to end: a revision draft evaluated against a scripted provider over
//! loopback HTTP; the candidate improves one case, regresses one and leaves
//! one unchanged. Every report field is checked against hand-computed values.

mod common;

use common::*;
use skillgate_core::stats::{CaseVerdict, paired_bootstrap_interval};
use skillgate_core::{Confidence, EvalMode, EvalStatus};
use skillgate_eval::report::BOOTSTRAP_RESAMPLES;
use skillgate_eval::{EvalReport, run_eval};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[tokio::test]
async fn replay_eval_reports_improved_regressed_and_unchanged_cases_with_hand_computed_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let (store, draft_id) = store_with_draft(dir.path()).await;
    let server = skillgate_scripted_llm::start(script(0)).await.unwrap();
    let env = env(Some(provider(&server.openai_base_url(), 4)));
    let out = run_eval(&store, &draft_id, settings(), &env).await.unwrap();
    let r: &EvalReport = &out.report;

    assert_eq!(r.status, EvalStatus::Passed, "{}", r.status_reason);
    assert_eq!(r.mode, EvalMode::Replay);
    assert_eq!(r.replay_cases.len(), 3);
    assert!(r.replay_cases.iter().all(|c| {
        c.why_selected
            .contains("used the published report-writer skill")
    }));
    // Per case means: alpha 0 → 1, beta 1 → 0, gamma 1 → 1.
    assert!(close(r.baseline_average.unwrap(), 2.0 / 3.0));
    assert!(close(r.candidate_average.unwrap(), 2.0 / 3.0));
    assert!(close(r.score_delta.unwrap(), 0.0));
    assert_eq!((r.improved, r.regressed, r.unchanged), (1, 1, 1));
    let by_run = |id: &str| r.case_reports.iter().find(|c| c.run_id == id).unwrap();
    assert_eq!(by_run("run-alpha").verdict, Some(CaseVerdict::Improved));
    assert_eq!(by_run("run-beta").verdict, Some(CaseVerdict::Regressed));
    assert_eq!(by_run("run-gamma").verdict, Some(CaseVerdict::Unchanged));
    let alpha = by_run("run-alpha");
    assert_eq!(
        (alpha.baseline.pass_at_k, alpha.candidate.pass_hat_k),
        (Some(0.0), Some(1.0))
    );
    assert_eq!(alpha.candidate.k, 3);
    // Deltas in case order [+1, -1, 0]; the interval is the seeded bootstrap of those.
    let expected = paired_bootstrap_interval(&[1.0, -1.0, 0.0], BOOTSTRAP_RESAMPLES, r.seed, 0.95)
        .unwrap()
        .unwrap();
    assert_eq!(r.delta_interval, Some(expected));
    // Tool calls: alpha candidate read_file ×3 (executed), beta baseline send_email ×3 (surrogate).
    assert_eq!(r.tool_call_counts.executed, 3);
    assert_eq!(r.tool_call_counts.surrogate, 3);
    assert_eq!(r.tool_call_counts.blocked, 0);
    assert!(
        close(r.execution_coverage, 0.5)
            && close(r.surrogate_coverage, 0.5)
            && close(r.blocked_coverage, 0.0)
    );
    let beta_base = &by_run("run-beta").baseline.trials[0];
    assert_eq!(beta_base.tool_calls[0].mode, "surrogate");
    assert!(
        !beta_base.side_effects.is_empty(),
        "surrogate side effect recorded"
    );
    // Few cases → low, by the few-cases rule.
    assert_eq!(r.confidence, Confidence::Low);
    assert_eq!(r.confidence_rule, "low:few-cases");
    assert!(r.confidence_reasons[0].contains('3'));
    // Trigger rate: the candidate loads the skill in alpha only (3 of 9 trials); the baseline never.
    assert!(close(r.trigger_rate.candidate.unwrap(), 3.0 / 9.0));
    assert_eq!(r.trigger_rate.baseline, Some(0.0));
    // Tokens: 10 in / 5 out per answer. Baseline 12 requests, candidate 15, judge 1 grader
    // request (5 cache hits) and 1 pairwise request: gamma's answers are the same in both arms,
    // so both orders of all 3 pairs are the same request (5 cache hits).
    assert_eq!(r.usage.baseline_tokens, (120, 60));
    assert_eq!(r.usage.candidate_tokens, (150, 75));
    assert_eq!(r.usage.judge_tokens, (20, 10));
    assert_eq!(r.usage.cache_hits, 10);
    assert_eq!(r.usage.total_tokens, 435);
    // 27 trial requests + 2 judge requests + 1 availability probe.
    assert_eq!(server.request_count(), 30);
    assert_eq!(
        (
            r.trials.planned,
            r.trials.finished,
            r.trials.errored,
            r.trials.not_run
        ),
        (18, 18, 0, 0)
    );
    // Grader analysis: gamma's graders pass in both arms on every trial.
    let nd: Vec<&str> = r
        .grader_analysis
        .non_discriminating
        .iter()
        .map(|g| g.grader.as_str())
        .collect();
    assert_eq!(nd, ["run-gamma/0:contains", "run-gamma/1:model"]);
    assert!(r.grader_analysis.flaky_cases.is_empty());
    // Pairwise judging (gamma only: the case with a model grader), both orders: the
    // scripted judge always picks the second answer, so every pair flips with the
    // order and counts as a tie.
    assert_eq!(r.pairwise.len(), 1);
    assert_eq!(r.pairwise[0].pairs.len(), 3);
    assert!(
        r.pairwise[0]
            .pairs
            .iter()
            .all(|p| p.consistent == Some(false))
    );
    assert_eq!(r.pairwise_preference, Some(0.5));
    assert!(
        r.grader_analysis
            .pairwise_judging
            .starts_with("3 pairs of 1 cases judged in both orders; 3 changed winner"),
        "{}",
        r.grader_analysis.pairwise_judging
    );
    assert_eq!(r.provider.as_deref(), Some("openai"));
    assert_eq!(r.model.as_deref(), Some("scripted-model"));
    assert_eq!(r.preservation_report.as_ref().unwrap()["status"], "passed");
    assert_eq!(r.safety_report.as_ref().unwrap()["status"], "passed");
    assert_eq!(r.raw_report.as_array().unwrap().len(), 18);
    assert!(
        r.summary
            .starts_with("The candidate does about as well as the baseline")
    );

    // Persisted: the eval row, the report (with the gate's field names) and case reports.
    let eval = store.get_eval(&out.eval_id).await.unwrap();
    assert_eq!(
        (eval.status.as_str(), eval.mode.as_str()),
        ("passed", "replay")
    );
    assert!(eval.finished_at.is_some());
    let stored = store.eval_report(&out.eval_id).await.unwrap().unwrap();
    let body: serde_json::Value = serde_json::from_str(&stored.body).unwrap();
    for field in [
        "status",
        "mode",
        "baseline_average",
        "candidate_average",
        "score_delta",
        "delta_interval",
        "improved",
        "regressed",
        "unchanged",
        "execution_coverage",
        "surrogate_coverage",
        "blocked_coverage",
        "confidence",
        "confidence_reasons",
        "replay_cases",
        "case_reports",
        "preservation_report",
        "safety_report",
        "raw_report",
        "provider",
        "model",
        "locale",
        "timings",
        "usage",
    ] {
        assert!(body.get(field).is_some(), "missing field {field}");
    }
    assert_eq!(body["confidence"], "low");
    let cases = store.case_reports(&out.eval_id).await.unwrap();
    assert_eq!(cases.len(), 3);
    let case: serde_json::Value = serde_json::from_str(&cases[0].body).unwrap();
    assert!(case["baseline"]["trials"][0]["transcript"]["messages"].is_array());
    assert_eq!(store.count_trials(&out.eval_id).await.unwrap(), 18);
    assert!(
        r.render_text()
            .starts_with(&format!("Eval {} of draft", out.eval_id))
    );
}

#[tokio::test]
async fn no_provider_gives_a_heuristic_report_skipped_with_low_confidence() {
    let dir = tempfile::tempdir().unwrap();
    let (store, draft_id) = store_with_draft(dir.path()).await;
    let out = run_eval(&store, &draft_id, settings(), &env(None))
        .await
        .unwrap();
    let r = &out.report;
    assert_eq!(r.status, EvalStatus::SkippedProviderUnavailable);
    assert_eq!(r.mode, EvalMode::Heuristic);
    assert_eq!(r.confidence, Confidence::Low);
    assert_eq!(r.confidence_rule, "low:heuristic-mode");
    assert!(r.status_reason.contains("no provider is configured"));
    assert_eq!(r.heuristic.cases, 3);
    assert_eq!(r.heuristic.safety.as_deref(), Some("passed"));
    assert_eq!(store.count_trials(&out.eval_id).await.unwrap(), 0);
    assert_eq!(
        store.get_eval(&out.eval_id).await.unwrap().status,
        "skipped_provider_unavailable"
    );
}

#[tokio::test]
async fn unreachable_provider_gives_skipped_provider_unavailable_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (store, draft_id) = store_with_draft(dir.path()).await;
    // A port nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    drop(listener);
    let out = run_eval(&store, &draft_id, settings(), &env(Some(provider(&url, 2))))
        .await
        .unwrap();
    assert_eq!(out.report.status, EvalStatus::SkippedProviderUnavailable);
    assert_eq!(out.report.mode, EvalMode::Heuristic);
    assert!(
        out.report.status_reason.contains("does not answer"),
        "{}",
        out.report.status_reason
    );
}

#[tokio::test]
async fn kill_switch_runs_heuristic_only_with_low_confidence() {
    let dir = tempfile::tempdir().unwrap();
    let (store, draft_id) = store_with_draft(dir.path()).await;
    store.set_setting("replay_disabled", "true").await.unwrap();
    let server = skillgate_scripted_llm::start(script(0)).await.unwrap();
    let out = run_eval(
        &store,
        &draft_id,
        settings(),
        &env(Some(provider(&server.openai_base_url(), 2))),
    )
    .await
    .unwrap();
    assert_eq!(out.report.mode, EvalMode::Heuristic);
    assert_eq!(out.report.confidence, Confidence::Low);
    assert!(out.report.status_reason.contains("kill switch"));
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn token_budget_stops_cleanly_with_status_partial_and_keeps_finished_trials() {
    let dir = tempfile::tempdir().unwrap();
    let (store, draft_id) = store_with_draft(dir.path()).await;
    let server = skillgate_scripted_llm::start(script(0)).await.unwrap();
    let mut s = settings();
    s.token_budget = Some(100);
    let out = run_eval(
        &store,
        &draft_id,
        s,
        &env(Some(provider(&server.openai_base_url(), 1))),
    )
    .await
    .unwrap();
    let r = &out.report;
    assert_eq!(r.status, EvalStatus::Partial, "{}", r.status_reason);
    assert!(r.usage.budget_exhausted);
    assert!(r.status_reason.contains("token budget of 100 was spent"));
    let stored = store.count_trials(&out.eval_id).await.unwrap() as usize;
    assert!(stored > 0 && stored < 18, "{stored}");
    assert_eq!(r.trials.finished + r.trials.errored, stored);

    // Resuming with a larger budget finishes the missing trials only.
    let mut env2 = env(Some(provider(&server.openai_base_url(), 1)));
    env2.resume_budget = Some(1_000_000);
    let done = skillgate_eval::resume_eval(&store, &out.eval_id, &env2)
        .await
        .unwrap();
    assert_eq!(done.report.trials.finished, 18);
    assert!(!done.report.usage.budget_exhausted);
    assert_eq!(done.report.usage.token_budget, Some(1_000_000));
}

#[tokio::test]
async fn provider_lost_mid_eval_gives_partial_and_resume_completes_it() {
    use skillgate_scripted_llm::{Script, Step};
    let dir = tempfile::tempdir().unwrap();
    let (store, draft_id) = store_with_draft(dir.path()).await;
    // Probe + 6 answers, then 503 for ever (no retries): the provider is gone.
    let mut steps = vec![Step::text("OK")];
    steps.extend((0..6).map(|_| Step::text("GAMMA-OK ALPHA-OK")));
    steps.push(Step::status(503));
    let failing = skillgate_scripted_llm::start(Script {
        steps,
        ..Default::default()
    })
    .await
    .unwrap();
    let mut s = settings();
    s.concurrency = Some(1);
    let out = run_eval(
        &store,
        &draft_id,
        s,
        &env(Some(provider(&failing.openai_base_url(), 1))),
    )
    .await
    .unwrap();
    let r = &out.report;
    assert_eq!(r.status, EvalStatus::Partial, "{}", r.status_reason);
    assert!(
        r.status_reason.contains("the provider stopped answering"),
        "{}",
        r.status_reason
    );
    assert_eq!((r.trials.finished, r.trials.not_run), (6, 12));
    assert_eq!(store.count_trials(&out.eval_id).await.unwrap(), 6);

    // Resuming without a provider keeps the stored trials: still partial, not heuristic.
    let still = skillgate_eval::resume_eval(&store, &out.eval_id, &env(None))
        .await
        .unwrap();
    assert_eq!(
        still.report.status,
        EvalStatus::Partial,
        "{}",
        still.report.status_reason
    );
    assert_eq!(still.report.mode, EvalMode::Replay);
    assert!(
        still
            .report
            .status_reason
            .contains("no provider is configured"),
        "{}",
        still.report.status_reason
    );
    assert_eq!(still.report.trials.finished, 6);

    // Resuming the partial eval with a provider runs only the 12 missing trials.
    let good = skillgate_scripted_llm::start(script(0)).await.unwrap();
    let again = skillgate_eval::resume_eval(
        &store,
        &out.eval_id,
        &env(Some(provider(&good.openai_base_url(), 2))),
    )
    .await
    .unwrap();
    assert_eq!(again.eval_id, out.eval_id);
    assert_eq!(again.report.trials.finished, 18);
    assert_eq!(again.report.timings.resumed, 2);
    assert_eq!(store.count_trials(&out.eval_id).await.unwrap(), 18);
    // The good server saw exactly the requests of the 12 new trials (plus its
    // availability probe and judge requests).
    let trial_requests = good
        .requests_seen()
        .iter()
        .filter(|r| {
            let body = r.body.to_string();
            body.contains("case-")
                && !body.contains("strict, fair grader")
                && !body.contains("compare two answers")
        })
        .count();
    let mut expected = 0;
    for t in store.trials(&out.eval_id).await.unwrap() {
        let v: serde_json::Value = serde_json::from_str(t.transcript.as_deref().unwrap()).unwrap();
        if v["final_answer"] != "GAMMA-OK ALPHA-OK" {
            expected += v["totals"]["steps"].as_u64().unwrap() as usize;
        }
    }
    assert_eq!(trial_requests, expected);
}

#[tokio::test]
async fn judge_reply_without_verdict_excludes_the_grader_but_counts_its_tokens() {
    use skillgate_core::{Criteria, GraderCheck, GraderSpec};
    use skillgate_eval::{GradeInput, Judge, grade_trial};
    use skillgate_scripted_llm::{Script, Step};
    let server = skillgate_scripted_llm::start(Script {
        steps: vec![Step::text("I think it is fine").with_usage(7, 3)],
        ..Default::default()
    })
    .await
    .unwrap();
    let judge = Judge::new(
        skillgate_providers::Provider::new(provider(&server.openai_base_url(), 1)).unwrap(),
    );
    let criteria = Criteria {
        graders: vec![
            GraderSpec {
                check: GraderCheck::Contains { value: "ok".into() },
                weight: 1.0,
            },
            GraderSpec {
                check: GraderCheck::Model { rubric: None },
                weight: 3.0,
            },
        ],
        pass_threshold: None,
        rubric: None,
    };
    let input = GradeInput {
        task: "t",
        final_answer: "ok",
        reference: "ok",
        tools: None,
        judge: Some(&judge),
    };
    let g = grade_trial(Some(&criteria), &input).await;
    assert_eq!(g.score, Some(1.0));
    assert!(g.graders[1].excluded);
    assert!(
        g.graders[1]
            .explanation
            .contains("replied without the JSON verdict"),
        "{}",
        g.graders[1].explanation
    );
    assert_eq!(g.judge_tokens, (7, 3));
    // The same request again is not cached (no verdict was cached).
    let g2 = grade_trial(Some(&criteria), &input).await;
    assert_eq!(g2.cache_hits, 0);
    assert_eq!(judge.requests(), 2);
}

#[tokio::test]
async fn tripwire_change_in_a_protected_path_opens_a_p0_incident_and_ends_replay_error() {
    let dir = tempfile::tempdir().unwrap();
    let (store, draft_id) = store_with_draft(dir.path()).await;
    let prod = tempfile::tempdir().unwrap();
    std::fs::write(prod.path().join("ledger.csv"), "a,b\n").unwrap();
    let server = std::sync::Arc::new(skillgate_scripted_llm::start(script(100)).await.unwrap());
    let mut env = env(Some(provider(&server.openai_base_url(), 2)));
    env.protected_paths = vec![prod.path().to_path_buf()];
    env.tripwire = true;
    // Something writes to the protected path while trials run: once the model
    // has seen a trial's first request (request 1 is the availability probe),
    // so the write lands between the tripwire's before and after fingerprints
    // however slow the machine is.
    let target = prod.path().join("ledger.csv");
    let seen = server.clone();
    let writer = tokio::spawn(async move {
        for _ in 0..6000 {
            if seen.request_count() >= 2 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        std::fs::write(target, "a,b\n1,2\n").unwrap();
    });
    let out = run_eval(&store, &draft_id, settings(), &env).await.unwrap();
    writer.await.unwrap();
    assert_eq!(out.report.status, EvalStatus::ReplayError);
    assert!(
        out.report.status_reason.contains("ledger.csv"),
        "{}",
        out.report.status_reason
    );
    let incidents = store.list_incidents(true).await.unwrap();
    assert_eq!(incidents.len(), 1);
    assert_eq!(incidents[0].severity, "P0");
    assert!(store.kill_switch().await.unwrap().replay_disabled);
}

#[tokio::test]
async fn tripwire_without_changes_leaves_the_eval_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (store, draft_id) = store_with_draft(dir.path()).await;
    let prod = tempfile::tempdir().unwrap();
    std::fs::write(prod.path().join("ledger.csv"), "a,b\n").unwrap();
    let server = skillgate_scripted_llm::start(script(0)).await.unwrap();
    let mut env = env(Some(provider(&server.openai_base_url(), 2)));
    env.protected_paths = vec![prod.path().to_path_buf()];
    env.tripwire = true;
    let out = run_eval(&store, &draft_id, settings(), &env).await.unwrap();
    assert_eq!(out.report.status, EvalStatus::Passed);
    assert!(store.list_incidents(true).await.unwrap().is_empty());
}

#[tokio::test]
async fn answers_in_an_unexpected_script_are_flagged_in_the_case_report() {
    use skillgate_scripted_llm::{Script, Step};
    let dir = tempfile::tempdir().unwrap();
    let (store, draft_id) = store_with_draft(dir.path()).await;
    let server = skillgate_scripted_llm::start(Script {
        steps: vec![Step::text("ALPHA-OK 这是一个用中文写的回答，不是英文。")],
        ..Default::default()
    })
    .await
    .unwrap();
    let mut s = settings();
    s.trials = 1;
    let out = run_eval(
        &store,
        &draft_id,
        s,
        &env(Some(provider(&server.openai_base_url(), 2))),
    )
    .await
    .unwrap();
    let r = &out.report;
    // 3 cases × 2 arms × 1 trial, every answer mixes Han into an English case.
    assert_eq!(r.grader_analysis.script_inconsistent_trials.len(), 6);
    assert!(r.grader_analysis.script_inconsistent_trials[0].contains("Han"));
    for c in &r.case_reports {
        assert!(
            c.flags.iter().any(|f| f.contains("unexpected script")),
            "{:?}",
            c.flags
        );
        let t = &c.candidate.trials[0];
        assert!(!t.script_check.as_ref().unwrap().consistent);
    }
}

#[tokio::test]
async fn pairwise_judging_in_both_orders_finds_a_consistent_candidate_preference() {
    use skillgate_scripted_llm::{Mode, Rule, Script, Step};
    let dir = tempfile::tempdir().unwrap();
    let (store, draft_id) = store_with_draft(dir.path()).await;
    let text = |t: &str| vec![Step::text(t)];
    let rule = |system: Option<&str>, last: Option<&str>, any: Option<&str>, steps| Rule {
        when_system_contains: system.map(str::to_string),
        when_last_message_contains: last.map(str::to_string),
        when_any_message_contains: any.map(str::to_string),
        mode: Mode::ByTurn,
        steps,
        ..Default::default()
    };
    let script = Script {
        rules: vec![
            // The judge prefers the candidate's answer wherever it is shown.
            rule(
                Some("compare two answers"),
                Some("Answer A:\nGAMMA-OK with risks"),
                None,
                text(r#"{"winner": "A"}"#),
            ),
            rule(
                Some("compare two answers"),
                Some("Answer B:\nGAMMA-OK with risks"),
                None,
                text(r#"{"winner": "B"}"#),
            ),
            rule(
                Some("strict, fair grader"),
                None,
                None,
                text(r#"{"score": 1, "explanation": "ok"}"#),
            ),
            rule(
                Some(CAND_MARK),
                None,
                Some("case-gamma"),
                text("GAMMA-OK with risks"),
            ),
            rule(
                Some(BASE_MARK),
                None,
                Some("case-gamma"),
                text("GAMMA-OK plain"),
            ),
        ],
        steps: text("OK"),
        ..Default::default()
    };
    let server = skillgate_scripted_llm::start(script).await.unwrap();
    let out = run_eval(
        &store,
        &draft_id,
        settings(),
        &env(Some(provider(&server.openai_base_url(), 2))),
    )
    .await
    .unwrap();
    let r = &out.report;
    assert_eq!(r.pairwise.len(), 1);
    let gamma = &r.pairwise[0];
    assert_eq!(gamma.pairs.len(), 3);
    assert!(
        gamma
            .pairs
            .iter()
            .all(|p| p.consistent == Some(true) && p.preference == Some(1.0))
    );
    assert_eq!(gamma.candidate_preference, Some(1.0));
    assert_eq!(r.pairwise_preference, Some(1.0));
    assert!(
        r.grader_analysis
            .pairwise_judging
            .contains("0 changed winner"),
        "{}",
        r.grader_analysis.pairwise_judging
    );
}
