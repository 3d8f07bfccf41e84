//! `skillgate runs import` against a real SQLite file, as a user runs it.

mod support;
use assert_cmd::Command;
use std::path::Path;

const GOOD: &str = r#"{"id":"ID","tenant":"t","locale":"en","task":"Summarise notes.md","tool_calls":[{"name":"read_file","arguments":{"path":"notes.md"},"result":"x"}],"final_answer":"done","accepted":true,"accepted_at":"2026-03-01T10:00:00Z"}"#;

fn run(id: &str) -> String {
    GOOD.replace("\"ID\"", &format!("\"{id}\""))
}

fn skillgate(dir: &Path) -> Command {
    support::skillgate_in(dir)
}

fn stored_ids(dir: &Path) -> Vec<String> {
    let out = skillgate(dir)
        .args(["--json", "runs", "list"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn import_keeps_good_lines_reports_bad_ones_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = Vec::new();
    body.extend_from_slice(run("a").as_bytes());
    body.extend_from_slice(b"\n{\"id\":\"b\",\"tenant\":\"t\"}\n");
    body.extend_from_slice(b"\xff\xfe not utf8\n");
    body.extend_from_slice(
        run("c")
            .replace("true,\"accepted_at\"", "\"yes\",\"accepted_at\"")
            .as_bytes(),
    );
    body.extend_from_slice(b"\n");
    body.extend_from_slice(run("d").as_bytes());
    std::fs::write(dir.path().join("runs.jsonl"), &body).unwrap();

    let out = skillgate(dir.path())
        .args(["runs", "import", "runs.jsonl"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(
        stderr.contains("runs.jsonl:2: not a valid run: missing field `locale`"),
        "{stderr}"
    );
    assert!(stderr.contains("runs.jsonl:3: not valid UTF-8"), "{stderr}");
    assert!(
        stderr.contains(
            "runs.jsonl:4: not a valid run: invalid type: string \"yes\", expected a boolean"
        ),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 imported"));
    assert_eq!(stored_ids(dir.path()), vec!["a", "d"]);
    assert!(dir.path().join("skillgate.db").exists());
}

#[test]
fn reimport_adds_no_duplicates_and_flags_changed_content() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("runs.jsonl"),
        format!("{}\n{}\n", run("a"), run("b")),
    )
    .unwrap();
    skillgate(dir.path())
        .args(["runs", "import", "runs.jsonl"])
        .assert()
        .success();
    let out = skillgate(dir.path())
        .args(["--json", "runs", "import", "runs.jsonl"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["inserted"].as_u64(), v["duplicates"].as_u64()),
        (Some(0), Some(2))
    );
    assert_eq!(stored_ids(dir.path()), vec!["a", "b"]);

    std::fs::write(
        dir.path().join("changed.jsonl"),
        run("a").replace("done", "different"),
    )
    .unwrap();
    let out = skillgate(dir.path())
        .args(["runs", "import", "changed.jsonl"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("run a is already stored with different content")
    );
    let shown = skillgate(dir.path())
        .args(["runs", "show", "a"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&shown.stdout).contains("\"final_answer\": \"done\""));
}

#[test]
fn oversized_line_is_rejected_by_configured_limit() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("skillgate.toml"),
        "[import]\nmax_line_bytes = 4096\n",
    )
    .unwrap();
    let huge = run("big").replace("done", &"z".repeat(3 * 1024 * 1024));
    std::fs::write(
        dir.path().join("runs.jsonl"),
        format!("{huge}\n{}\n", run("ok")),
    )
    .unwrap();
    let out = skillgate(dir.path())
        .args(["runs", "import", "runs.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("runs.jsonl:1: line is 3145"));
    assert_eq!(stored_ids(dir.path()), vec!["ok"]);
}

#[test]
fn unknown_format_says_so_and_missing_file_names_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.jsonl"), "").unwrap();
    let out = skillgate(dir.path())
        .args(["runs", "import", "x.jsonl", "--format", "langchain"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown run format 'langchain'"));

    let out = skillgate(dir.path())
        .args(["runs", "import", "nope.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open runs file nope.jsonl"));
}

#[test]
fn killed_import_leaves_whole_batches_and_reimport_completes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("skillgate.toml"),
        "[import]\nbatch_size = 500\n",
    )
    .unwrap();
    let lines: Vec<String> = (0..20_000).map(|i| run(&format!("r{i:05}"))).collect();
    std::fs::write(dir.path().join("runs.jsonl"), lines.join("\n")).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("skillgate");
    let mut child = std::process::Command::new(bin)
        .current_dir(dir.path())
        .args(["runs", "import", "runs.jsonl"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(400));
    let _ = child.kill(); // SIGKILL, wherever it is
    let _ = child.wait();
    let stored = stored_ids(dir.path()).len();
    // `runs list` caps at 100 by default; count through --limit.
    let out = skillgate(dir.path())
        .args(["--json", "runs", "list", "--limit", "100000"])
        .output()
        .unwrap();
    let all: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let count = all.as_array().unwrap().len();
    assert!(stored <= 100);
    assert!(
        count.is_multiple_of(500),
        "a killed import left a partial batch: {count} runs stored"
    );
    let out = skillgate(dir.path())
        .args(["--json", "runs", "import", "runs.jsonl"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["inserted"].as_u64().unwrap() as usize + count, 20_000);
    assert_eq!(v["duplicates"].as_u64().unwrap() as usize, count);
}
