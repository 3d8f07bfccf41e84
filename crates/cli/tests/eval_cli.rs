//! `skillgate eval`, `report show`, `cases add|list` through the binary,
//! without a provider (heuristic mode).

mod eval_common;
mod support;

use eval_common::*;

#[tokio::test]
async fn eval_without_provider_reports_skipped_provider_unavailable_heuristic_low() {
    let tmp = tempfile::tempdir().unwrap();
    let draft = fixture(tmp.path()).await;
    let out = skillgate(tmp.path())
        .args(["--json", "eval", &draft])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["status"], "skipped_provider_unavailable");
    assert_eq!(report["mode"], "heuristic");
    assert_eq!(report["confidence"], "low");
    assert_eq!(report["confidence_rule"], "low:heuristic-mode");
    assert!(
        report["status_reason"]
            .as_str()
            .unwrap()
            .contains("no provider is configured")
    );
    assert_eq!(report["replay_cases"].as_array().unwrap().len(), 3);

    let shown = skillgate(tmp.path())
        .args(["--json", "report", "show", "latest"])
        .output()
        .unwrap();
    let stored: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(stored["eval_id"], report["eval_id"]);
    let text = skillgate(tmp.path())
        .args(["report", "show", report["eval_id"].as_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("SKIPPED_PROVIDER_UNAVAILABLE"), "{text}");
    assert!(text.contains("Confidence: LOW"), "{text}");
}

#[tokio::test]
async fn report_show_of_an_unknown_id_names_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    fixture(tmp.path()).await;
    let out = skillgate(tmp.path())
        .args(["report", "show", "evl_nope"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("`latest`"));
}

#[tokio::test]
async fn pinned_case_is_listed_and_selected_first() {
    let tmp = tempfile::tempdir().unwrap();
    let draft = fixture(tmp.path()).await;
    skillgate(tmp.path())
        .args([
            "cases",
            "add",
            "run-gamma",
            "--skill",
            SKILL,
            "--reason",
            "false pass",
        ])
        .assert()
        .success();
    let list = skillgate(tmp.path())
        .args(["--json", "cases", "list", "--skill", SKILL])
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(rows[0]["run_id"], "run-gamma");
    let out = skillgate(tmp.path())
        .args(["--json", "eval", &draft])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["replay_cases"][0]["run_id"], "run-gamma");
    assert!(
        report["replay_cases"][0]["why_selected"]
            .as_str()
            .unwrap()
            .contains("pinned by hand to report-writer (false pass)")
    );
    let bad = skillgate(tmp.path())
        .args(["cases", "add", "run-nope", "--skill", SKILL])
        .output()
        .unwrap();
    assert!(!bad.status.success());
}
