//! `skillgate report grade`: a human score overrides the graders' in a new report.

mod eval_common;
mod support;

use eval_common::*;
use skillgate_scripted_llm::{Mode, Rule, Script, Step};

fn script() -> Script {
    let rule = |case: &str, answer: &str| Rule {
        when_any_message_contains: Some(case.into()),
        mode: Mode::ByTurn,
        steps: vec![Step::text(answer)],
        ..Default::default()
    };
    Script {
        rules: vec![
            rule("case-alpha", "ALPHA-OK"),
            rule("case-beta", "beta without the marker"),
            rule("case-gamma", "GAMMA-OK"),
        ],
        steps: vec![Step::text("OK")],
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn human_grade_overrides_the_score_and_changes_the_verdict() {
    let tmp = tempfile::tempdir().unwrap();
    let draft = fixture(tmp.path()).await;
    let server = skillgate_scripted_llm::start(script()).await.unwrap();
    let out = skillgate(tmp.path())
        .env("SKILLGATE_BASE_URL", server.openai_base_url())
        .env("SKILLGATE_MODEL", "scripted")
        .args(["--json", "eval", &draft])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["unchanged"], 3);
    let beta = report["case_reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["run_id"] == "run-beta")
        .unwrap();
    let trial = beta["candidate"]["trials"][0]["trial_id"].as_str().unwrap();
    assert_eq!(beta["candidate"]["trials"][0]["score"], 0.0);

    let graded = skillgate(tmp.path())
        .args([
            "--json",
            "report",
            "grade",
            trial,
            "--score",
            "1",
            "--note",
            "the email was right",
        ])
        .output()
        .unwrap();
    assert!(
        graded.status.success(),
        "{}",
        String::from_utf8_lossy(&graded.stderr)
    );
    let new: serde_json::Value = serde_json::from_slice(&graded.stdout).unwrap();
    // Beta candidate: (1 + 0 + 0) / 3 vs baseline 0 → improved.
    assert_eq!(new["improved"], 1);
    assert_eq!(new["unchanged"], 2);
    let beta = new["case_reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["run_id"] == "run-beta")
        .unwrap();
    let t = &beta["candidate"]["trials"][0];
    assert_eq!(t["score"], 1.0);
    assert_eq!(t["graded_score"], 0.0);
    assert_eq!(t["human_note"], "the email was right");
    let latest = skillgate(tmp.path())
        .args(["--json", "report", "show", "latest"])
        .output()
        .unwrap();
    let latest: serde_json::Value = serde_json::from_slice(&latest.stdout).unwrap();
    assert_eq!(latest["improved"], 1);

    let bad = skillgate(tmp.path())
        .args(["report", "grade", trial, "--score", "2", "--note", "x"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
}
