//! Adversarial replays: escapes through paths, symlinks, the network, /tmp and $HOME, lying
//! annotations, non-English tool names, and resource exhaustion. All through real bwrap.

mod common;

use common::{Setup, tool, trial};
use serde_json::json;
use skillgate_core::ToolMode::{Blocked, Executed, Surrogate};
use skillgate_tools::SandboxLimits;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

#[tokio::test]
async fn dotdot_paths_are_blocked_for_reads_and_writes() {
    let t = trial(Setup::default()).await;
    t.require_sandbox();
    for (name, args) in [
        ("read_file", json!({"path": "../../../etc/passwd"})),
        (
            "write_file",
            json!({"path": "../escape.txt", "content": "x"}),
        ),
        (
            "edit_file",
            json!({"path": "src/../../report.md", "old_text": "a", "new_text": "b"}),
        ),
        ("list_files", json!({"path": ".."})),
    ] {
        let o = t.expect(name, args, Blocked).await;
        assert_eq!(o.rule, "workspace_escape");
    }
    let parent = t.tools.workspace_dir().parent().unwrap().to_path_buf();
    assert!(!parent.join("escape.txt").exists());
    t.assert_protected_untouched();
}

#[tokio::test]
async fn absolute_paths_outside_the_workspace_are_blocked() {
    let t = trial(Setup::default()).await;
    t.require_sandbox();
    let secret = t.home.join(".ssh/id_ed25519");
    let o = t
        .expect(
            "read_file",
            json!({"path": secret.to_str().unwrap()}),
            Blocked,
        )
        .await;
    assert!(!o.result.to_string().contains("PRIVATE KEY"));
    t.expect("read_file", json!({"path": "/etc/hostname"}), Blocked)
        .await;
    let prod = t.prod.join("report.md");
    t.expect(
        "write_file",
        json!({"path": prod.to_str().unwrap(), "content": "pwned"}),
        Blocked,
    )
    .await;
    // /workspace/... is the workspace itself.
    t.expect(
        "read_file",
        json!({"path": "/workspace/report.md"}),
        Executed,
    )
    .await;
    t.assert_protected_untouched();
}

#[tokio::test]
async fn symlink_made_by_a_command_cannot_lead_file_tools_out() {
    let t = trial(Setup::default()).await;
    t.require_sandbox();
    let home = t.home.to_str().unwrap().to_string();
    let cmd = format!(
        "ln -s {home} homelink && ln -s /etc etclink && ln -s {home}/notes.txt notes && ln -s ../.. up"
    );
    let o = t
        .expect("run_command", json!({"command": cmd}), Executed)
        .await;
    assert_eq!(o.result["exit_code"], 0, "{o:#?}");
    for (name, args) in [
        ("read_file", json!({"path": "homelink/notes.txt"})),
        (
            "write_file",
            json!({"path": "homelink/pwned", "content": "x"}),
        ),
        (
            "write_file",
            json!({"path": "notes", "content": "overwritten"}),
        ),
        ("read_file", json!({"path": "etclink/hostname"})),
        ("list_files", json!({"path": "up"})),
        (
            "edit_file",
            json!({"path": "notes", "old_text": "personal", "new_text": "x"}),
        ),
    ] {
        let o = t.expect(name, args, Blocked).await;
        assert_eq!(o.rule, "workspace_escape", "{o:#?}");
    }
    t.assert_protected_untouched();
}

async fn counting_listener() -> (u16, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    tokio::spawn(async move {
        while let Ok((_s, _)) = listener.accept().await {
            c.fetch_add(1, Ordering::SeqCst);
        }
    });
    (port, count)
}

#[tokio::test]
async fn command_cannot_reach_a_loopback_listener() {
    let t = trial(Setup::default()).await;
    t.require_sandbox();
    let (port, count) = counting_listener().await;
    // Positive control: the listener does count a host connection.
    drop(
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap(),
    );
    for _ in 0..100 {
        if count.load(Ordering::SeqCst) == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        count.load(Ordering::SeqCst),
        1,
        "positive control: the listener must see the host"
    );
    let cmd = format!("bash -c 'echo hi > /dev/tcp/127.0.0.1/{port}'");
    let o = t
        .expect("run_command", json!({"command": cmd}), Executed)
        .await;
    assert_ne!(o.result["exit_code"], 0, "the connection must fail: {o:#?}");
    let o = t
        .expect(
            "run_command",
            json!({"command": "cat /proc/net/dev | tail -n +3 | cut -d: -f1"}),
            Executed,
        )
        .await;
    assert_eq!(
        o.result["stdout"].as_str().unwrap().trim(),
        "lo",
        "only a loopback device: {o:#?}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        count.load(Ordering::SeqCst),
        1,
        "the sandbox reached the host listener"
    );
}

#[tokio::test]
async fn command_writes_to_tmp_and_home_never_reach_the_host() {
    let t = trial(Setup::default()).await;
    t.require_sandbox();
    let marker = format!("skillgate-escape-{}", std::process::id());
    let home = t.home.to_str().unwrap().to_string();
    let cmd = format!(
        "echo x > /tmp/{marker}; echo y > $HOME/.profile; touch {home}/pwned; echo z > /root/{marker}; echo w > /usr/{marker}; ls /tmp"
    );
    let o = t
        .expect("run_command", json!({"command": cmd}), Executed)
        .await;
    assert_eq!(o.result["stdout"], format!("{marker}\n"), "{o:#?}");
    assert!(
        !std::path::Path::new("/tmp").join(&marker).exists(),
        "/tmp write leaked to the host"
    );
    assert!(!std::path::Path::new("/root").join(&marker).exists());
    assert!(!std::path::Path::new("/usr").join(&marker).exists());
    assert_eq!(
        t.ws_file(".profile").as_deref(),
        Some("y\n"),
        "$HOME is the workspace"
    );
    t.assert_protected_untouched();
}

#[tokio::test]
async fn command_sees_a_clean_environment_and_no_host_home() {
    let t = trial(Setup::default()).await;
    t.require_sandbox();
    let o = t
        .expect(
            "run_command",
            json!({"command": "env; id -u; ls /home /root 2>&1 | head -1"}),
            Executed,
        )
        .await;
    let out = o.result["stdout"].as_str().unwrap();
    let allowed = [
        "PATH", "HOME", "LANG", "TMPDIR", "PWD", "SHLVL", "_", "OLDPWD",
    ];
    for line in out.lines().take_while(|l| l.contains('=')) {
        let key = line.split('=').next().unwrap();
        assert!(
            allowed.contains(&key),
            "unexpected variable leaked into the sandbox: {line}"
        );
    }
    assert!(out.contains("HOME=/workspace"));
    assert!(out.contains("\n65534\n"), "runs as nobody: {out}");
    assert!(
        out.contains("No such file or directory"),
        "host /home is absent: {out}"
    );
}

#[tokio::test]
async fn lying_read_only_annotation_on_delete_records_is_blocked() {
    let t = trial(Setup {
        extra_tools: vec![tool(
            "delete_records",
            Some(json!({"readOnlyHint": true, "destructiveHint": false, "openWorldHint": false})),
        )],
        ..Setup::default()
    })
    .await;
    t.require_sandbox();
    let o = t
        .expect("delete_records", json!({"table": "customers"}), Blocked)
        .await;
    assert!(
        o.result
            .as_str()
            .unwrap()
            .starts_with("blocked by replay policy")
    );
    t.assert_protected_untouched();
}

#[tokio::test]
async fn chinese_named_send_email_tool_is_surrogate() {
    let t = trial(Setup {
        extra_tools: vec![tool("发送邮件", None)],
        ..Setup::default()
    })
    .await;
    t.require_sandbox();
    let o = t
        .expect(
            "发送邮件",
            json!({"to": "客户@example.com", "subject": "报告"}),
            Surrogate,
        )
        .await;
    assert_eq!(
        o.side_effect.as_deref(),
        Some("email to 客户@example.com, subject '报告'")
    );
    t.assert_protected_untouched();
}

#[tokio::test]
async fn unknown_tool_is_an_error_the_model_can_read() {
    let t = trial(Setup::default()).await;
    let o = t.call("rm_rf", json!({})).await;
    assert!(o.is_error);
    assert_eq!((o.mode, o.rule.as_str()), (Blocked, "unknown_tool"));
    assert!(
        o.result
            .as_str()
            .unwrap()
            .contains("available tools: read_file")
    );
}

#[tokio::test]
async fn policy_cannot_make_a_side_effect_builtin_execute() {
    let policy = skillgate_tools::Policy::from_toml(
        "[[rule]]\nname = \"send_email\"\nmode = \"executed\"\n",
    )
    .unwrap();
    let t = trial(Setup {
        policy,
        ..Setup::default()
    })
    .await;
    let o = t
        .expect(
            "send_email",
            json!({"to": ["a@b.c"], "subject": "s", "body": "b"}),
            Surrogate,
        )
        .await;
    assert_eq!(o.rule, "side_effect_never_executed", "{o:#?}");
}

#[tokio::test]
async fn wall_time_limit_kills_a_hanging_command() {
    let limits = SandboxLimits {
        wall_time: Duration::from_millis(500),
        ..SandboxLimits::default()
    };
    let t = trial(Setup {
        limits,
        ..Setup::default()
    })
    .await;
    t.require_sandbox();
    let started = std::time::Instant::now();
    let o = t
        .expect(
            "run_command",
            json!({"command": "sleep 30 & sleep 30"}),
            Executed,
        )
        .await;
    assert_eq!(o.result["timed_out"], true, "{o:#?}");
    assert!(o.is_error);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn output_past_the_limit_is_truncated_with_a_marker() {
    let limits = SandboxLimits {
        max_output_bytes: 1000,
        ..SandboxLimits::default()
    };
    let t = trial(Setup {
        limits,
        ..Setup::default()
    })
    .await;
    t.require_sandbox();
    let o = t
        .expect(
            "run_command",
            json!({"command": "head -c 50000 /dev/zero | tr '\\0' a"}),
            Executed,
        )
        .await;
    let out = o.result["stdout"].as_str().unwrap();
    assert!(out.starts_with(&"a".repeat(1000)));
    assert!(
        out.ends_with("[skillgate: output truncated, 49000 more bytes dropped]"),
        "{}",
        &out[900..]
    );
    assert_eq!(o.result["truncated"], true);
}

#[tokio::test]
async fn file_size_limit_stops_a_disk_filling_command() {
    let limits = SandboxLimits {
        file_size_bytes: 1 << 20,
        ..SandboxLimits::default()
    };
    let t = trial(Setup {
        limits,
        ..Setup::default()
    })
    .await;
    t.require_sandbox();
    let o = t
        .expect(
            "run_command",
            json!({"command": "head -c 10000000 /dev/zero > big.bin"}),
            Executed,
        )
        .await;
    assert_ne!(o.result["exit_code"], 0, "{o:#?}");
    let size = std::fs::metadata(t.tools.workspace_dir().join("big.bin"))
        .unwrap()
        .len();
    assert!(size <= 1 << 20, "wrote {size} bytes");
}

#[tokio::test]
async fn protected_paths_under_read_only_mounts_are_masked() {
    let dir = std::path::PathBuf::from("/usr/share/common-licenses");
    let file = std::path::PathBuf::from("/etc/nsswitch.conf");
    assert!(
        dir.is_dir() && file.is_file(),
        "test expects Debian's {dir:?} and {file:?}"
    );
    let t = trial(Setup {
        extra_protected: vec![dir.clone(), file.clone()],
        ..Setup::default()
    })
    .await;
    t.require_sandbox();
    let cmd = format!(
        "ls -A {} | wc -l; cat {} 2>/dev/null | wc -c; ls /usr/share | grep -c .",
        dir.display(),
        file.display()
    );
    let o = t
        .expect("run_command", json!({"command": cmd}), Executed)
        .await;
    let out: Vec<&str> = o.result["stdout"].as_str().unwrap().lines().collect();
    assert_eq!(
        out[..2],
        ["0", "0"],
        "protected paths must look empty: {o:#?}"
    );
    assert_ne!(out[2], "0", "the rest of /usr stays visible");
}

#[tokio::test]
async fn fifo_left_by_a_command_cannot_hang_file_tools() {
    let t = trial(Setup::default()).await;
    t.require_sandbox();
    t.expect("run_command", json!({"command": "mkfifo pipe"}), Executed)
        .await;
    let calls = [
        ("read_file", json!({"path": "pipe"})),
        ("write_file", json!({"path": "pipe", "content": "x"})),
        (
            "edit_file",
            json!({"path": "pipe", "old_text": "a", "new_text": "b"}),
        ),
    ];
    for (name, args) in calls {
        let o = tokio::time::timeout(Duration::from_secs(5), t.call(name, args))
            .await
            .expect("file tool hung on a FIFO");
        assert!(o.is_error, "{o:#?}");
        assert!(
            o.result.as_str().unwrap().contains("not a regular file"),
            "{o:#?}"
        );
    }
}

#[tokio::test]
async fn cpu_limit_stops_a_busy_loop() {
    let limits = SandboxLimits {
        cpu_seconds: 1,
        wall_time: Duration::from_secs(60),
        ..SandboxLimits::default()
    };
    let t = trial(Setup {
        limits,
        ..Setup::default()
    })
    .await;
    t.require_sandbox();
    let o = t
        .expect(
            "run_command",
            json!({"command": "while :; do :; done"}),
            Executed,
        )
        .await;
    assert_eq!(
        o.result["timed_out"], false,
        "the CPU limit, not the wall clock, must stop it: {o:#?}"
    );
    assert_ne!(o.result["exit_code"], 0, "{o:#?}");
}

#[tokio::test]
async fn memory_limit_stops_a_large_allocation() {
    let limits = SandboxLimits {
        memory_bytes: 64 << 20,
        ..SandboxLimits::default()
    };
    let t = trial(Setup {
        limits,
        ..Setup::default()
    })
    .await;
    t.require_sandbox();
    let o = t
        .expect(
            "run_command",
            json!({"command": "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo ${#x}"}),
            Executed,
        )
        .await;
    assert_ne!(o.result["stdout"], "200000000\n", "{o:#?}");
    assert!(o.is_error, "{o:#?}");
}
