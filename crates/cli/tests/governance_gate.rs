//! The publish gate as seen through `skillgate publish`: each rule failing
//! alone, every rule passing, the two exceptions with and without a rationale,
//! and each rollout phase. The database state is set up through the store (and
//! the kill switch and incidents through the CLI); the verdict is read from the
//! real binary, so these tests prove each gate input is read from the store.

mod support;
use assert_cmd::Command;
use serde_json::{Value, json};
use skillgate_store::{NewDraft, NewReview, ReviewDecision, SkillFile, Store};
use std::path::{Path, PathBuf};

fn skillgate(dir: &Path) -> Command {
    let mut cmd = support::skillgate_in(dir);
    cmd.env("USER", "tester")
        .args(["--db", "g.db", "--config", "skillgate.toml"]);
    cmd
}

/// Runs the binary; returns (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = skillgate(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let (code, stdout, stderr) = run(dir, args);
    assert_eq!(code, 0, "{args:?}\n{stdout}\n{stderr}");
    stdout
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Where the draft's review goes relative to its eval.
#[derive(Clone, Copy)]
enum Review {
    None,
    /// Recorded before the eval exists (so the review command's own
    /// rationale check does not apply: an approval that predates the eval).
    Before(ReviewDecision, Option<&'static str>),
    /// Recorded through `skillgate review` after the eval.
    After(ReviewDecision, Option<&'static str>),
}

#[derive(Clone)]
struct State {
    safety: Option<&'static str>,
    preservation: Option<&'static str>,
    eval: Option<Value>,
    review: Review,
    publish_off: bool,
    open_p0: bool,
    gate: &'static str,
}

fn passing() -> State {
    State {
        safety: Some("passed"),
        preservation: Some("passed"),
        eval: Some(json!({ "status": "passed", "confidence": "high", "blocked_coverage": 0.0 })),
        review: Review::After(ReviewDecision::Approve, Some("reads well")),
        publish_off: false,
        open_p0: false,
        gate: "",
    }
}

fn eval(status: &str, confidence: &str) -> Option<Value> {
    Some(json!({ "status": status, "confidence": confidence, "blocked_coverage": 0.2 }))
}

/// Builds `state` in a fresh database; returns the folder and the draft id.
fn setup(state: &State) -> (tempfile::TempDir, String) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    std::fs::write(
        dir.join("skillgate.toml"),
        format!("[gate]\n{}\n", state.gate),
    )
    .unwrap();
    let draft_id = rt().block_on(async {
        let store = Store::open(&dir.join("g.db")).await.unwrap();
        let report =
            |s: Option<&str>| s.map(|s| json!({ "status": s, "findings": [] }).to_string());
        let draft = store
            .create_draft(&NewDraft {
                skill_name: "notes".into(),
                description: "Summarise notes".into(),
                revises_version_id: None,
                files: vec![SkillFile {
                    path: "SKILL.md".into(),
                    bytes: b"---\nname: notes\ndescription: Summarise notes\n---\nBody\n".to_vec(),
                }],
                lint_report: None,
                safety_report: report(state.safety),
                preservation_report: report(state.preservation),
            })
            .await
            .unwrap();
        if let Review::Before(decision, rationale) = state.review {
            store
                .record_review(&NewReview {
                    draft_id: draft.id.clone(),
                    decision,
                    rationale: rationale.map(str::to_string),
                    reviewer: "rita".into(),
                })
                .await
                .unwrap();
        }
        if let Some(body) = &state.eval {
            store
                .test_support_insert_eval_report(&draft.id, body)
                .await
                .unwrap();
        }
        store.close().await;
        draft.id
    });
    if let Review::After(decision, rationale) = state.review {
        let mut args = vec![
            "review",
            &draft_id,
            match decision {
                ReviewDecision::Approve => "--approve",
                ReviewDecision::Reject => "--reject",
            },
        ];
        if let Some(r) = rationale {
            args.extend(["--rationale", r]);
        }
        ok(&dir, &args);
    }
    if state.open_p0 {
        ok(
            &dir,
            &[
                "incident",
                "open",
                "--severity",
                "P0",
                "--title",
                "replay hit prod",
            ],
        );
        // Isolate the incident rule from the kill switch it turns on.
        ok(
            &dir,
            &["replay", "enable", "--force", "--reason", "isolate test"],
        );
    }
    if state.publish_off {
        ok(
            &dir,
            &["replay", "disable", "--publish-too", "--reason", "test"],
        );
    }
    (tmp, draft_id)
}

struct Published {
    code: i32,
    json: Value,
    dir: PathBuf,
    _tmp: tempfile::TempDir,
}

impl Published {
    fn rules(&self) -> Vec<String> {
        self.json["verdict"]["failures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    }
    fn published(&self) -> bool {
        !self.json["version"].is_null()
    }
}

fn publish(state: &State) -> Published {
    let (tmp, draft) = setup(state);
    let dir = tmp.path().to_path_buf();
    let (code, stdout, stderr) = run(&dir, &["--json", "publish", &draft]);
    let json: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    Published {
        code,
        json,
        dir,
        _tmp: tmp,
    }
}

#[test]
fn each_gate_rule_failing_alone_refuses_publish_with_only_that_rule() {
    let cases: Vec<(&str, State)> = vec![
        (
            "review-missing",
            State {
                review: Review::None,
                ..passing()
            },
        ),
        (
            "review-rejected",
            State {
                review: Review::After(ReviewDecision::Reject, Some("vague")),
                ..passing()
            },
        ),
        (
            "safety-missing",
            State {
                safety: None,
                ..passing()
            },
        ),
        (
            "safety-failed",
            State {
                safety: Some("failed"),
                ..passing()
            },
        ),
        (
            "eval-missing",
            State {
                eval: None,
                ..passing()
            },
        ),
        (
            "eval-failed",
            State {
                eval: eval("failed", "high"),
                ..passing()
            },
        ),
        (
            "eval-replay-error",
            State {
                eval: eval("replay_error", "high"),
                ..passing()
            },
        ),
        (
            "eval-skipped-needs-rationale",
            State {
                eval: eval("skipped_provider_unavailable", "high"),
                review: Review::Before(ReviewDecision::Approve, None),
                ..passing()
            },
        ),
        (
            "eval-partial-not-allowed",
            State {
                eval: eval("partial", "high"),
                ..passing()
            },
        ),
        (
            "eval-partial-needs-rationale",
            State {
                eval: eval("partial", "high"),
                review: Review::Before(ReviewDecision::Approve, None),
                gate: "allow_partial_evidence = true",
                ..passing()
            },
        ),
        (
            "confidence-missing",
            State {
                eval: Some(json!({ "status": "passed", "blocked_coverage": 0.0 })),
                ..passing()
            },
        ),
        (
            "confidence-low",
            State {
                eval: eval("passed", "low"),
                ..passing()
            },
        ),
        (
            "blocked-coverage-full",
            State {
                eval: Some(
                    json!({ "status": "passed", "confidence": "high", "blocked_coverage": 1.0 }),
                ),
                ..passing()
            },
        ),
        (
            "preservation-failed",
            State {
                preservation: Some("failed"),
                ..passing()
            },
        ),
        (
            "publish-disabled",
            State {
                publish_off: true,
                ..passing()
            },
        ),
        (
            "incident-open-p0",
            State {
                open_p0: true,
                ..passing()
            },
        ),
    ];
    assert_eq!(cases.len(), skillgate_core::gate::GateRule::ALL.len());
    for (rule, state) in cases {
        let p = publish(&state);
        assert_eq!(p.code, 1, "{rule}: {}", p.json);
        assert_eq!(p.rules(), [rule], "{rule}: {}", p.json);
        assert!(!p.published(), "{rule}");
        assert_eq!(p.json["decision"]["outcome"], "refused", "{rule}");
        let f = &p.json["verdict"]["failures"][0];
        assert!(f["meaning"].as_str().unwrap().len() > 10 && f["fix"].as_str().unwrap().len() > 10);
    }
}

#[test]
fn every_rule_passing_publishes_the_draft_as_the_next_version() {
    let p = publish(&passing());
    assert_eq!(p.code, 0, "{}", p.json);
    assert!(p.rules().is_empty());
    assert_eq!(p.json["version"]["skill_name"], "notes");
    assert_eq!(p.json["version"]["version"], 1);
    assert_eq!(p.json["decision"]["outcome"], "published");
    assert_eq!(p.json["decision"]["rationale"], "reads well");
    let versions: Value =
        serde_json::from_str(&ok(&p.dir, &["--json", "skills", "show", "notes"])).unwrap();
    assert_eq!(versions.as_array().unwrap().len(), 1);
    let drafts: Value = serde_json::from_str(&ok(&p.dir, &["--json", "draft", "list"])).unwrap();
    assert_eq!(drafts[0]["status"], "published");
}

#[test]
fn a_refusal_in_text_lists_every_failing_rule_with_meaning_and_fix() {
    let state = State {
        safety: Some("failed"),
        eval: eval("failed", "low"),
        review: Review::None,
        ..passing()
    };
    let (tmp, draft) = setup(&state);
    let (code, stdout, _) = run(tmp.path(), &["publish", &draft]);
    assert_eq!(code, 1, "{stdout}");
    for rule in [
        "review-missing",
        "safety-failed",
        "eval-failed",
        "confidence-low",
    ] {
        let line = stdout
            .lines()
            .find(|l| l.contains(&format!("✗ {rule}:")))
            .unwrap_or_else(|| panic!("{rule} missing:\n{stdout}"));
        assert!(line.len() > rule.len() + 10, "{line}");
    }
    assert_eq!(stdout.matches("fix: ").count(), 4, "{stdout}");
    assert!(stdout.contains("4 rule(s) block"), "{stdout}");
}

#[test]
fn skipped_provider_exception_publishes_with_the_approving_rationale() {
    let state = State {
        eval: eval("skipped_provider_unavailable", "low"),
        review: Review::After(
            ReviewDecision::Approve,
            Some("provider outage; read the heuristic report"),
        ),
        ..passing()
    };
    let p = publish(&state);
    assert_eq!(p.code, 0, "{}", p.json);
    let ex = &p.json["verdict"]["exceptions_used"];
    assert_eq!(ex[0]["exception"], "skipped_provider_unavailable");
    assert_eq!(
        ex[0]["rationale"],
        "provider outage; read the heuristic report"
    );
    let waives: Vec<&str> = ex[0]["waives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert_eq!(waives, ["eval-skipped-needs-rationale", "confidence-low"]);
    let stored: Value =
        serde_json::from_str(p.json["decision"]["exceptions"].as_str().unwrap()).unwrap();
    assert_eq!(stored, *ex);
}

#[test]
fn partial_evidence_exception_needs_the_setting_and_a_rationale() {
    let with = State {
        eval: eval("partial", "medium"),
        review: Review::After(
            ReviewDecision::Approve,
            Some("budget ran out; 18 of 20 cases"),
        ),
        gate: "allow_partial_evidence = true",
        ..passing()
    };
    let p = publish(&with);
    assert_eq!(p.code, 0, "{}", p.json);
    assert_eq!(
        p.json["verdict"]["exceptions_used"][0]["exception"],
        "partial_evidence"
    );

    let not_allowed = State {
        gate: "",
        ..with.clone()
    };
    assert_eq!(publish(&not_allowed).rules(), ["eval-partial-not-allowed"]);
}

#[test]
fn approving_a_skipped_eval_without_rationale_is_refused_at_review() {
    let state = State {
        eval: eval("skipped_provider_unavailable", "low"),
        review: Review::None,
        ..passing()
    };
    let (tmp, draft) = setup(&state);
    let (code, _, stderr) = run(tmp.path(), &["review", &draft, "--approve"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("skipped_provider_unavailable") && stderr.contains("--rationale"),
        "{stderr}"
    );
    let (code, _, stderr) = run(tmp.path(), &["review", &draft, "--reject"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("--rationale"), "{stderr}");
}

#[test]
fn every_phase_publishes_a_passing_draft() {
    for phase in ["shadow", "strict", "pilot", "ga"] {
        let p = publish(&State {
            gate: Box::leak(format!("phase = \"{phase}\"").into_boxed_str()),
            ..passing()
        });
        assert_eq!(p.code, 0, "{phase}: {}", p.json);
        assert_eq!(p.json["verdict"]["phase"], phase);
        assert_eq!(p.json["decision"]["phase"], phase);
        assert_eq!(p.json["decision"]["human_agreed"], true, "{phase}");
    }
}

#[test]
fn strict_pilot_and_ga_refuse_low_confidence_and_shadow_records_it() {
    for phase in ["strict", "pilot", "ga"] {
        let p = publish(&State {
            eval: eval("passed", "low"),
            gate: Box::leak(format!("phase = \"{phase}\"").into_boxed_str()),
            ..passing()
        });
        assert_eq!((p.code, p.published()), (1, false), "{phase}: {}", p.json);
        assert_eq!(p.json["verdict"]["failures"][0]["enforced"], true);
    }
    let p = publish(&State {
        eval: eval("passed", "low"),
        gate: "phase = \"shadow\"",
        ..passing()
    });
    assert_eq!((p.code, p.published()), (0, true), "{}", p.json);
    assert_eq!(p.rules(), ["confidence-low"]);
    assert_eq!(p.json["verdict"]["failures"][0]["enforced"], false);
    assert_eq!(p.json["decision"]["recommendation"], "refuse");
    assert_eq!(p.json["decision"]["human_agreed"], false);
}

#[test]
fn shadow_still_blocks_on_safety_incidents_and_the_kill_switch() {
    for (rule, state) in [
        (
            "safety-failed",
            State {
                safety: Some("failed"),
                ..passing()
            },
        ),
        (
            "incident-open-p0",
            State {
                open_p0: true,
                ..passing()
            },
        ),
        (
            "publish-disabled",
            State {
                publish_off: true,
                ..passing()
            },
        ),
    ] {
        let p = publish(&State {
            gate: "phase = \"shadow\"",
            ..state
        });
        assert_eq!((p.code, p.published()), (1, false), "{rule}: {}", p.json);
        assert_eq!(p.rules(), [rule]);
    }
}

#[test]
fn a_changed_phase_is_audited_by_the_next_command() {
    let (tmp, draft) = setup(&State {
        gate: "phase = \"shadow\"",
        ..passing()
    });
    std::fs::write(
        tmp.path().join("skillgate.toml"),
        "[gate]\nphase = \"pilot\"\n",
    )
    .unwrap();
    let (code, _, stderr) = run(tmp.path(), &["publish", &draft]);
    assert_eq!(code, 0);
    assert!(
        stderr.contains("rollout phase changed from shadow to pilot"),
        "{stderr}"
    );
    let audit: Value = serde_json::from_str(&ok(tmp.path(), &["--json", "audit"])).unwrap();
    let phase: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] == "gate.phase")
        .map(|a| a["detail"].as_str().unwrap())
        .collect();
    assert!(
        phase.iter().any(|d| d.contains("shadow -> pilot")),
        "{phase:?}"
    );
    assert!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["actor"] == "tester" || a["action"] != "gate.phase")
    );
}

#[test]
fn an_unknown_phase_in_the_configuration_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("skillgate.toml"),
        "[gate]\nphase = \"beta\"\n",
    )
    .unwrap();
    let (code, _, stderr) = run(tmp.path(), &["replay", "status"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("beta") && stderr.contains("shadow"),
        "{stderr}"
    );
}

#[test]
fn incident_flow_keeps_replay_off_until_enabled() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("skillgate.toml"), "").unwrap();
    let opened: Value = serde_json::from_str(&ok(
        tmp.path(),
        &[
            "--json",
            "incident",
            "open",
            "--severity",
            "p0",
            "--title",
            "wrote to prod",
        ],
    ))
    .unwrap();
    let id = opened["incident"]["id"].as_str().unwrap().to_string();
    assert_eq!(opened["kill_switch_engaged"], true);
    let status: Value =
        serde_json::from_str(&ok(tmp.path(), &["--json", "replay", "status"])).unwrap();
    assert_eq!(status["replay_disabled"], true);
    assert_eq!(status["publish_disabled"], true);
    assert_eq!(status["open_p0_incidents"][0], id.as_str());

    let (code, _, stderr) = run(tmp.path(), &["replay", "enable", "--reason", "done"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains(&id) && stderr.contains("--force"),
        "{stderr}"
    );

    let (code, _, stderr) = run(tmp.path(), &["incident", "close", &id, "--root-cause", " "]);
    assert_eq!(code, 1);
    assert!(stderr.contains("root cause"), "{stderr}");
    let (code, _, stderr) = run(
        tmp.path(),
        &[
            "incident",
            "close",
            &id,
            "--root-cause",
            "surrogate missing for deploy",
        ],
    );
    assert_eq!(code, 1, "a P0 closes only with its regression case");
    assert!(stderr.contains("--regression-case RUN_ID"), "{stderr}");
    std::fs::write(
        tmp.path().join("runs.jsonl"),
        r#"{"id":"run-deploy","tenant":"t","locale":"en","task":"Deploy the notes service","final_answer":"done","accepted":true}"#,
    )
    .unwrap();
    ok(tmp.path(), &["runs", "import", "runs.jsonl"]);
    let out = ok(
        tmp.path(),
        &[
            "incident",
            "close",
            &id,
            "--root-cause",
            "surrogate missing for deploy",
            "--regression-case",
            "run-deploy",
            "--skill",
            "deploy-notes",
        ],
    );
    assert!(out.contains("does not turn them back on"), "{out}");
    let pinned = ok(
        tmp.path(),
        &["--json", "cases", "list", "--skill", "deploy-notes"],
    );
    assert!(
        pinned.contains("run-deploy"),
        "regression case pinned: {pinned}"
    );
    let status: Value =
        serde_json::from_str(&ok(tmp.path(), &["--json", "replay", "status"])).unwrap();
    assert_eq!(status["replay_disabled"], true);

    ok(
        tmp.path(),
        &["replay", "enable", "--reason", "root cause fixed"],
    );
    let status: Value =
        serde_json::from_str(&ok(tmp.path(), &["--json", "replay", "status"])).unwrap();
    assert_eq!(
        (
            status["replay_disabled"].clone(),
            status["publish_disabled"].clone()
        ),
        (json!(false), json!(false))
    );
    let list: Value =
        serde_json::from_str(&ok(tmp.path(), &["--json", "incident", "list"])).unwrap();
    assert_eq!(list[0]["status"], "closed");
    assert_eq!(list[0]["root_cause"], "surrogate missing for deploy");
    let (code, _, stderr) = run(
        tmp.path(),
        &["incident", "open", "--severity", "P5", "--title", "x"],
    );
    assert_eq!(code, 1);
    assert!(stderr.contains("P0, P1 or P2"), "{stderr}");
}

#[test]
fn a_review_records_whether_it_agrees_with_the_gate_on_the_evidence() {
    let (tmp, draft) = setup(&State {
        review: Review::None,
        gate: "phase = \"shadow\"",
        ..passing()
    });
    let out: Value = serde_json::from_str(&ok(
        tmp.path(),
        &[
            "--json",
            "review",
            &draft,
            "--reject",
            "--rationale",
            "tone is off",
        ],
    ))
    .unwrap();
    assert_eq!(out["review"]["gate_recommendation"], "publish");
    assert_eq!(out["review"]["gate_agreed"], false);
    let audit: Value = serde_json::from_str(&ok(tmp.path(), &["--json", "audit"])).unwrap();
    let reject = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "review.reject")
        .unwrap();
    assert!(
        reject["detail"]
            .as_str()
            .unwrap()
            .contains("recommends publish (reviewer disagrees)"),
        "{reject}"
    );
}

#[test]
fn a_dry_run_shows_the_verdict_and_records_nothing() {
    let (tmp, draft) = setup(&State {
        eval: eval("passed", "low"),
        ..passing()
    });
    let (code, stdout, _) = run(tmp.path(), &["publish", &draft, "--dry-run"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("publish would be refused"), "{stdout}");
    assert!(stdout.contains("✗ confidence-low:"), "{stdout}");
    std::fs::write(
        tmp.path().join("skillgate.toml"),
        "[gate]\nphase = \"shadow\"\n",
    )
    .unwrap();
    let reading: Value =
        serde_json::from_str(&ok(tmp.path(), &["--json", "publish", &draft, "--dry-run"])).unwrap();
    assert_eq!(reading["verdict"]["allowed"], true);
    assert_eq!(reading["verdict"]["recommendation_allowed"], false);
    assert_eq!(reading["input"]["confidence"], "low");
    let audit: Value = serde_json::from_str(&ok(tmp.path(), &["--json", "audit"])).unwrap();
    assert!(
        !audit
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"].as_str().unwrap().starts_with("publish.")),
        "{audit}"
    );
    let drafts: Value =
        serde_json::from_str(&ok(tmp.path(), &["--json", "draft", "list"])).unwrap();
    assert_eq!(drafts[0]["status"], "approved");
}
