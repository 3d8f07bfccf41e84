//! `skillgate runs import --format openai|anthropic|claude-code` with the real
//! binary on the shared agent-log fixtures (`../shared/fixtures/trajectories`).

mod support;
use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture(rel: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/trajectories")
        .join(rel);
    assert!(
        p.exists(),
        "shared fixture missing at {} (CI lays shared/ beside the repo)",
        p.display()
    );
    p
}

fn skillgate(dir: &Path) -> Command {
    support::skillgate_in(dir)
}

/// Runs `runs import` with `--json` and returns (exit code, summary).
fn import(dir: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let out = skillgate(dir)
        .args(["--json", "runs", "import"])
        .args(args)
        .output()
        .unwrap();
    let summary = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), summary)
}

fn list(dir: &Path) -> Vec<Value> {
    let out = skillgate(dir)
        .args(["--json", "runs", "list"])
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn show(dir: &Path, id: &str) -> Value {
    let out = skillgate(dir).args(["runs", "show", id]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn tau_bench_file_imports_twelve_runs_then_reimport_adds_none() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("tau-bench/gpt-4o-airline.subset.json");
    let file = file.to_str().unwrap();
    let (code, s) = import(dir.path(), &[file, "--format", "openai"]);
    assert_eq!(code, Some(0), "{s}");
    assert_eq!(s["inserted"], 12, "{s}");
    assert_eq!(s["rejected"].as_array().unwrap().len(), 0);

    let (code, again) = import(dir.path(), &[file, "--format", "openai"]);
    assert_eq!(code, Some(0));
    assert_eq!(again["inserted"], 0, "{again}");
    assert_eq!(again["duplicates"], 12, "{again}");

    let runs = list(dir.path());
    assert_eq!(runs.len(), 12);
    assert_eq!(runs.iter().filter(|r| r["accepted"] == true).count(), 7);
    let id = runs
        .iter()
        .filter_map(|r| r["id"].as_str())
        .find(|id| id.starts_with("openai-task6-trial0-"))
        .unwrap()
        .to_string();
    let run = show(dir.path(), &id);
    assert_eq!(run["accepted"], true);
    let names: Vec<&str> = run["tool_calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "get_user_details",
            "get_reservation_details",
            "search_onestop_flight",
            "think",
            "calculate",
            "update_reservation_flights"
        ]
    );
}

#[test]
fn claude_code_sessions_import_with_tenant_and_accept_flags() {
    let dir = tempfile::tempdir().unwrap();
    for (name, id) in [
        ("representative_messages.jsonl", "claude-code-test_session"),
        ("todowrite_examples.jsonl", "claude-code-todowrite_session"),
    ] {
        let file = fixture(&format!("claude-code-jsonl/{name}"));
        let args = [
            file.to_str().unwrap(),
            "--format",
            "claude-code",
            "--tenant",
            "acme",
            "--accept",
        ];
        let (code, s) = import(dir.path(), &args);
        assert_eq!(code, Some(0), "{s}");
        assert_eq!(s["inserted"], 1, "{s}");
        let (_, again) = import(dir.path(), &args);
        assert_eq!(again["inserted"], 0, "{again}");
        assert_eq!(again["duplicates"], 1, "{again}");
        let run = show(dir.path(), id);
        assert_eq!(run["tenant"], "acme");
        assert_eq!(run["accepted"], true);
    }
    let run = show(dir.path(), "claude-code-test_session");
    assert_eq!(run["tool_calls"][1]["name"], "Bash");
    assert_eq!(run["accepted_at"], "2025-06-14T10:04:00Z");
    let table = skillgate(dir.path())
        .args(["runs", "list"])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("claude-code-todowrite_session"), "{table}");
    assert!(table.contains("acme"), "{table}");
}

#[test]
fn anthropic_log_imports_and_bad_entries_are_reported_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let good = r#"{"id":"msg_1","system":"Be brief.","messages":[{"role":"user","content":"Read notes.md"},{"role":"assistant","content":[{"type":"tool_use","id":"tu1","name":"read_file","input":{"path":"notes.md"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"tu1","content":"hello"}]},{"role":"assistant","content":[{"type":"text","text":"It says hello."}]}]}"#;
    let orphan = r#"{"id":"msg_2","messages":[{"role":"user","content":[{"type":"text","text":"x"},{"type":"tool_result","tool_use_id":"zz","content":"?"}]}]}"#;
    std::fs::write(
        dir.path().join("log.jsonl"),
        format!("{good}\n{orphan}\n{{oops\n"),
    )
    .unwrap();
    let out = skillgate(dir.path())
        .args(["runs", "import", "log.jsonl", "--format", "anthropic"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "log.jsonl:2: messages[0]: content[1]: tool result for call id 'zz' has no matching tool call"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("log.jsonl:3: not valid JSON"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 imported"));
    let run = show(dir.path(), "anthropic-msg_1");
    assert_eq!(run["final_answer"], "It says hello.");
    assert_eq!(run["tool_calls"][0]["result"], "hello");
    assert_eq!(run["accepted"], false);
}

#[test]
fn json_array_entry_errors_name_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("chats.json"),
        r#"[{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]},
            {"messages":[{"role":"robot","content":"beep"}]}]"#,
    )
    .unwrap();
    let out = skillgate(dir.path())
        .args(["runs", "import", "chats.json", "--format", "openai"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("chats.json: entry 2: messages[0]: unknown role 'robot'"),
        "{stderr}"
    );
    let (_, s) = import(dir.path(), &["chats.json", "--format", "openai"]);
    assert_eq!(s["rejected"][0]["entry"], 2, "{s}");
    assert_eq!(s["duplicates"], 1, "{s}");
}

#[test]
fn swe_agent_trajectories_import_one_run_each_with_the_submission() {
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "6e44b9__sweagenttestrepo-1c2844.traj",
        "ctf-networking_1.traj",
        "function_calling_simple.traj",
        "marshmallow-code__marshmallow-1867.function_calling.traj",
    ];
    for name in names {
        let file = fixture(&format!("swe-agent/{name}"));
        let args = [file.to_str().unwrap(), "--format", "swe-agent"];
        let (code, s) = import(dir.path(), &args);
        assert_eq!(code, Some(0), "{name}: {s}");
        assert_eq!(s["inserted"], 1, "{name}: {s}");
        let (_, again) = import(dir.path(), &args);
        assert_eq!(again["duplicates"], 1, "{name}: {again}");
    }
    let runs = list(dir.path());
    assert_eq!(runs.len(), 4);
    let answers: Vec<Value> = runs
        .iter()
        .map(|r| show(dir.path(), r["id"].as_str().unwrap())["final_answer"].clone())
        .collect();
    assert!(
        answers.contains(&Value::from("flag{d316759c281bf925d600be698a4973d5}")),
        "{answers:?}"
    );
}

#[test]
fn log_flags_are_refused_for_canonical_runs_and_bad_locales() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.jsonl"), "").unwrap();
    let out = skillgate(dir.path())
        .args(["runs", "import", "r.jsonl", "--tenant", "x"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("canonical runs carry their own tenant"));
    let out = skillgate(dir.path())
        .args([
            "runs", "import", "r.jsonl", "--format", "openai", "--locale", "fr",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--locale 'fr' is not supported"));
}
