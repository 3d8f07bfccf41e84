//! `skillgate metrics`, `alerts`, `purge` with the real binary.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("skillgate")
        .unwrap()
        .current_dir(dir)
        .env_remove("SKILLGATE_DB")
        .env_remove("SKILLGATE_CONFIG")
        .env("USER", "ops-test")
        .args(["--db", "t.db"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn metrics_json_on_an_empty_store_has_no_rates() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run(dir.path(), &["--json", "metrics", "--since", "7d"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(v["trusted_publish_rate"].is_null());
    assert_eq!(v["open_incidents"], 0);
}

#[test]
fn metrics_refuses_a_bad_window_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(dir.path(), &["metrics", "--since", "3y"]);
    assert_ne!(code, 0);
    assert!(err.contains("'3y'"), "{err}");
}

#[test]
fn alerts_exit_1_when_a_p0_incident_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run(dir.path(), &["alerts"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = run(
        dir.path(),
        &[
            "incident",
            "open",
            "--severity",
            "P0",
            "--title",
            "email sent",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run(dir.path(), &["--json", "alerts"]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    let fired: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["firing"] == true)
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(fired, ["SideEffectIncident"]);
}

#[test]
fn purge_dry_run_reads_retention_config_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("skillgate.toml"),
        "[retention]\nraw_days = 10\n[retention.tenants]\nacme = 3\n",
    )
    .unwrap();
    let (code, out, err) = run(dir.path(), &["purge", "--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("would purge raw data of 0 evals"), "{out}");
    assert!(out.contains("raw_days = 10, 1 tenant overrides"), "{out}");
    let (code, out, _) = run(dir.path(), &["--json", "purge"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["dry_run"], false);
    let (_, audit, _) = run(dir.path(), &["audit"]);
    assert!(audit.contains("retention.purge"), "{audit}");
}
