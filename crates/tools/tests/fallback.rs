//! Without a working sandbox, executed commands fall back to surrogate with the reason, and
//! nothing runs unsandboxed. Simulated through `bwrap_path`.

mod common;

use common::{Setup, trial};
use serde_json::json;
use skillgate_core::ToolMode::{Executed, Surrogate};
use skillgate_tools::ToolError;
use skillgate_tools::sandbox::probe_with;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

fn missing() -> PathBuf {
    PathBuf::from("/nonexistent/skillgate-test/bwrap")
}

#[tokio::test]
async fn missing_bwrap_turns_commands_into_surrogates_with_the_reason() {
    let t = trial(Setup {
        bwrap_path: Some(missing()),
        ..Setup::default()
    })
    .await;
    let status = t.tools.sandbox_status().clone();
    assert!(!status.available);
    assert!(
        status.reason.contains("/nonexistent/skillgate-test/bwrap"),
        "{}",
        status.reason
    );
    let o = t
        .call(
            "run_command",
            json!({"command": "touch ran && echo x > ~/.bashrc"}),
        )
        .await;
    assert_eq!(
        (o.mode, o.rule.as_str(), o.is_error),
        (Surrogate, "sandbox_unavailable", true),
        "{o:#?}"
    );
    assert!(o.reason.contains("bwrap not found"), "{}", o.reason);
    assert_eq!(
        o.side_effect.as_deref(),
        Some("run shell command: touch ran && echo x > ~/.bashrc")
    );
    assert!(
        t.ws_file("ran").is_none(),
        "the command ran without a sandbox"
    );
    assert!(t.ws_file(".bashrc").is_none());
    let err = t.tools.run_in_sandbox("true").await.unwrap_err();
    assert!(matches!(err, ToolError::SandboxUnavailable { .. }), "{err}");
    t.assert_protected_untouched();
}

#[tokio::test]
async fn workspace_file_tools_still_execute_without_the_sandbox() {
    // They spawn nothing; their confinement is path resolution, not bwrap.
    let t = trial(Setup {
        bwrap_path: Some(missing()),
        ..Setup::default()
    })
    .await;
    t.expect(
        "write_file",
        json!({"path": "~/notes.md", "content": "x"}),
        Executed,
    )
    .await;
    assert_eq!(t.ws_file("notes.md").as_deref(), Some("x"));
    t.assert_protected_untouched();
}

#[tokio::test]
async fn probe_reports_a_missing_binary_with_the_fix() {
    let s = probe_with(Some(&missing())).await;
    assert!(!s.available);
    assert!(
        s.reason.contains("apt-get install -y bubblewrap"),
        "{}",
        s.reason
    );
}

fn fake_bwrap(dir: &Path, stderr: &str) -> PathBuf {
    let p = dir.join("bwrap");
    let script = format!(
        "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'bubblewrap 0.8.0'; exit 0; fi\necho '{stderr}' >&2\nexit 1\n"
    );
    std::fs::write(&p, script).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}

#[tokio::test]
async fn probe_explains_refused_user_namespaces() {
    let dir = tempfile::tempdir().unwrap();
    let bwrap = fake_bwrap(
        dir.path(),
        "bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces",
    );
    let s = probe_with(Some(&bwrap)).await;
    assert!(!s.available);
    assert!(
        s.reason.contains("user namespaces are refused"),
        "{}",
        s.reason
    );
    let t = trial(Setup {
        bwrap_path: Some(bwrap),
        ..Setup::default()
    })
    .await;
    let o = t.call("run_command", json!({"command": "touch ran"})).await;
    assert_eq!(o.mode, Surrogate);
    assert!(t.ws_file("ran").is_none());
}

#[tokio::test]
async fn probe_finds_the_installed_sandbox() {
    let s = skillgate_tools::probe().await;
    assert!(
        s.available,
        "bubblewrap must work on this machine (CI installs it): {}",
        s.reason
    );
}
