//! `skillgate demo` on a fresh folder, checked through the CLI as a user would.

mod support;
use assert_cmd::Command;
use std::path::Path;

fn skillgate(dir: &Path) -> Command {
    support::skillgate_in(dir)
}

fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = skillgate(dir)
        .args(["--db", "demo/skillgate.db", "--json"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn demo_leaves_a_database_with_runs_skills_and_drafts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = skillgate(tmp.path())
        .args(["demo", "--dir", "demo"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("imported 54 runs (0 rejected)"), "{stdout}");

    let runs = json(tmp.path(), &["runs", "list", "--limit", "1000"]);
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 54);
    for locale in ["en", "zh-CN", "zh-TW"] {
        assert!(
            runs.iter().any(|r| r["locale"] == locale),
            "no {locale} run"
        );
    }
    assert!(runs.iter().any(|r| r["accepted"] == false));

    let skills = json(tmp.path(), &["skills", "list"]);
    let names: Vec<&str> = skills
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "expense-triage",
            "meeting-scheduler",
            "weekly-status-report"
        ]
    );

    let drafts = json(tmp.path(), &["draft", "list"]);
    let drafts = drafts.as_array().unwrap();
    assert_eq!(drafts.len(), 2);
    let revision = drafts
        .iter()
        .find(|d| d["skill"] == "weekly-status-report")
        .unwrap();
    assert!(revision["revises"].is_string());
    assert_eq!(revision["safety"], "passed");
    assert_eq!(revision["preservation"], "passed");
    let new_skill = drafts
        .iter()
        .find(|d| d["skill"] == "incident-postmortem")
        .unwrap();
    assert!(new_skill["revises"].is_null());
}

#[test]
fn demo_refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("demo")).unwrap();
    std::fs::write(tmp.path().join("demo/keep.txt"), "mine").unwrap();
    let out = skillgate(tmp.path())
        .args(["demo", "--dir", "demo"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists and is not empty"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("demo/keep.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn every_demo_run_tool_appears_in_the_demo_tool_catalog_and_all_modes_occur() {
    let tmp = tempfile::tempdir().unwrap();
    skillgate(tmp.path())
        .args(["demo", "--dir", "demo"])
        .assert()
        .success();
    let tools = json(
        tmp.path(),
        &[
            "policy",
            "check",
            "demo/tools.json",
            "--policy",
            "demo/policy.toml",
        ],
    );
    let tools = tools.as_array().unwrap();
    for mode in ["executed", "surrogate", "blocked"] {
        assert!(
            tools.iter().any(|t| t["mode"] == mode),
            "no {mode} tool in the demo catalog"
        );
    }
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    let runs = std::fs::read_to_string(tmp.path().join("demo/runs.jsonl")).unwrap();
    for line in runs.lines() {
        let run: skillgate_core::Run = serde_json::from_str(line).unwrap();
        for call in &run.tool_calls {
            assert!(
                names.contains(&call.name.as_str()),
                "{} uses {} which tools.json lacks",
                run.id,
                call.name
            );
        }
    }
}
