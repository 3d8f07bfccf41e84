//! The bubblewrap sandbox (SPEC §4): every process a replay starts runs here, or not at all.
//!
//! Each command gets a fresh `bwrap` invocation: new user, pid, ipc, uts, cgroup and network
//! namespaces (no network at all), all capabilities dropped, an empty environment except
//! `PATH`, `HOME=/workspace`, `LANG` and `TMPDIR`, `/usr` (and the `/bin`, `/lib*` links) read-only,
//! a handful of `/etc` files read-only, a fresh tmpfs on `/tmp`, and the per-trial replay
//! workspace bound read-write on `/workspace`. Nothing else of the host is visible: home
//! directories, credentials and the production workspace are simply not mounted, and a
//! protected path that falls under a read-only mount is masked. CPU time, address space and
//! file size are capped with `ulimit` inside the sandbox, wall time with a timeout that kills
//! the sandbox, and output is truncated with a marker. See `docs/sandbox.md`.

use crate::error::ToolError;
use serde::{Deserialize, Serialize};
use std::ffi::OsString;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::Command;

/// Where the replay workspace appears inside the sandbox (also `$HOME` there).
pub const SANDBOX_WORKSPACE: &str = "/workspace";

/// The uid/gid the sandboxed command runs as (`nobody`).
const SANDBOX_UID: &str = "65534";

/// `/etc` entries a command needs to link and run; everything else in `/etc` is absent.
const ETC_ENTRIES: [&str; 6] = [
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/alternatives",
    "/etc/localtime",
    "/etc/nsswitch.conf",
];

/// Top-level directories that are either links into `/usr` (merged-usr) or library dirs.
const ROOT_LINKS: [&str; 6] = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

/// How long the start-up probe may take before the sandbox is declared unavailable.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// Resource limits for one sandboxed command. Reads from configuration with every field
/// optional (`wall_time_ms`, `cpu_seconds`, `memory_bytes`, `file_size_bytes`, `tmp_bytes`,
/// `max_output_bytes`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SandboxLimits {
    /// Wall-clock limit; the whole sandbox is killed when it passes.
    #[serde(rename = "wall_time_ms", with = "millis")]
    pub wall_time: Duration,
    /// CPU seconds (`ulimit -t`).
    pub cpu_seconds: u64,
    /// Address-space limit in bytes (`ulimit -v`).
    pub memory_bytes: u64,
    /// Largest file a command may write, in bytes (`ulimit -f`).
    pub file_size_bytes: u64,
    /// Size of the fresh `/tmp` tmpfs in bytes.
    pub tmp_bytes: u64,
    /// Bytes kept of stdout and of stderr each; the rest is dropped and a marker added.
    pub max_output_bytes: usize,
}

mod millis {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

impl Default for SandboxLimits {
    fn default() -> Self {
        SandboxLimits {
            wall_time: Duration::from_secs(30),
            cpu_seconds: 20,
            memory_bytes: 2 << 30,
            file_size_bytes: 64 << 20,
            tmp_bytes: 64 << 20,
            max_output_bytes: 64 << 10,
        }
    }
}

/// How to build the sandbox.
#[derive(Debug, Clone, Default)]
pub struct SandboxConfig {
    /// The `bwrap` binary; `None` searches `PATH`, then `/usr/bin/bwrap`.
    pub bwrap_path: Option<PathBuf>,
    /// Limits for each command.
    pub limits: SandboxLimits,
    /// Host paths that must never be visible; masked if they fall under a read-only mount.
    pub protected_paths: Vec<PathBuf>,
}

/// Whether the sandbox can run commands here, and why not (for `skillgate doctor`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SandboxStatus {
    /// A trivial sandboxed command ran successfully.
    pub available: bool,
    /// What was found, in words, with the fix when unavailable.
    pub reason: String,
}

impl SandboxStatus {
    fn unavailable(reason: impl Into<String>) -> Self {
        SandboxStatus {
            available: false,
            reason: reason.into(),
        }
    }
}

/// The outcome of one sandboxed command.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommandOutput {
    /// Exit code, `None` when killed by a signal.
    pub exit_code: Option<i32>,
    /// The signal that ended the sandbox, if any.
    pub signal: Option<i32>,
    /// Standard output (lossy UTF-8), truncated with a marker past the limit.
    pub stdout: String,
    /// Standard error (lossy UTF-8), truncated with a marker past the limit.
    pub stderr: String,
    /// Whether any output was dropped.
    pub truncated: bool,
    /// Whether the wall-time limit killed the command.
    pub timed_out: bool,
    /// Wall time including sandbox start.
    pub duration_ms: u64,
}

impl CommandOutput {
    /// Exited with status 0 within the limits.
    pub fn success(&self) -> bool {
        self.exit_code == Some(0) && !self.timed_out
    }
}

/// Finds the `bwrap` binary: the configured path, else `PATH`, else `/usr/bin/bwrap`.
pub fn find_bwrap(explicit: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(p) = explicit {
        return if p.is_file() {
            Ok(p.to_path_buf())
        } else {
            Err(format!(
                "bwrap not found at the configured path {}; install bubblewrap (Debian/Ubuntu: apt-get install -y bubblewrap) or fix bwrap_path",
                p.display()
            ))
        };
    }
    let from_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        // A relative PATH entry would pick a `bwrap` from wherever skillgate happens to run.
        .filter(|d| d.is_absolute())
        .map(|d| d.join("bwrap"))
        .find(|c| c.is_file());
    match from_path {
        Some(p) => Ok(p),
        None if Path::new("/usr/bin/bwrap").is_file() => Ok(PathBuf::from("/usr/bin/bwrap")),
        None => Err(
            "bwrap not found on PATH; install bubblewrap (Debian/Ubuntu: apt-get install -y bubblewrap)"
                .to_string(),
        ),
    }
}

/// Probes the default sandbox: finds `bwrap` and runs a trivial command with the exact flags
/// replays use. For `skillgate doctor`.
pub async fn probe() -> SandboxStatus {
    probe_with(None).await
}

/// Like [`probe`], with an explicit `bwrap` binary.
pub async fn probe_with(bwrap_path: Option<&Path>) -> SandboxStatus {
    let dir = match tempfile::Builder::new()
        .prefix("skillgate-probe-")
        .tempdir()
    {
        Ok(d) => d,
        Err(e) => {
            return SandboxStatus::unavailable(format!(
                "could not create a temporary directory for the probe: {e}; check TMPDIR"
            ));
        }
    };
    let cfg = SandboxConfig {
        bwrap_path: bwrap_path.map(Path::to_path_buf),
        ..Default::default()
    };
    Sandbox::start(&cfg, dir.path()).await.status().clone()
}

/// A sandbox bound to one replay workspace. Cheap to keep; each [`Sandbox::run`] is a fresh
/// `bwrap` process.
#[derive(Debug, Clone)]
pub struct Sandbox {
    bwrap: PathBuf,
    args: Vec<OsString>,
    shell: PathBuf,
    wrapper: String,
    limits: SandboxLimits,
    status: SandboxStatus,
}

impl Sandbox {
    /// Builds the sandbox for `workspace` and probes it with a trivial command. Never fails:
    /// [`Sandbox::status`] says whether it can run anything.
    pub async fn start(cfg: &SandboxConfig, workspace: &Path) -> Sandbox {
        // One shell applies the limits and then evaluates the command: bash when present.
        let shell = if Path::new("/bin/bash").is_file() {
            PathBuf::from("/bin/bash")
        } else {
            PathBuf::from("/bin/sh")
        };
        let wrapper = limits_wrapper(&cfg.limits, &shell);
        let mut sandbox = Sandbox {
            bwrap: PathBuf::new(),
            args: Vec::new(),
            shell,
            wrapper,
            limits: cfg.limits.clone(),
            status: SandboxStatus::unavailable("not probed"),
        };
        let bwrap = match find_bwrap(cfg.bwrap_path.as_deref()) {
            Ok(p) => p,
            Err(reason) => {
                sandbox.status = SandboxStatus::unavailable(reason);
                return sandbox;
            }
        };
        let version = bwrap_version(&bwrap).await;
        let disable_userns = version.is_some_and(|v| v >= (0, 8, 0));
        sandbox.args = build_args(workspace, &cfg.limits, &cfg.protected_paths, disable_userns);
        sandbox.bwrap = bwrap;
        sandbox.status = sandbox.self_test(version).await;
        sandbox
    }

    /// Whether this sandbox can run commands, and why not.
    pub fn status(&self) -> &SandboxStatus {
        &self.status
    }

    /// The full `bwrap` argument list used for `command` (for docs, logs and tests).
    pub fn command_line(&self, command: &str) -> Vec<OsString> {
        let mut v = vec![self.bwrap.clone().into_os_string()];
        v.extend(self.args.iter().cloned());
        v.push("--".into());
        v.push(self.shell.clone().into_os_string());
        v.push("-c".into());
        v.push(self.wrapper.clone().into());
        v.push("skillgate-sandbox".into());
        v.push(command.into());
        v
    }

    async fn self_test(&self, version: Option<(u32, u32, u32)>) -> SandboxStatus {
        let mut cmd = Command::new(&self.bwrap);
        cmd.args(&self.args)
            .arg("--")
            .arg(&self.shell)
            .arg("-c")
            .arg(":")
            .env_clear()
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let out = match tokio::time::timeout(PROBE_TIMEOUT, cmd.output()).await {
            Err(_) => {
                return SandboxStatus::unavailable(format!(
                    "{} did not finish a trivial sandboxed command within {}s",
                    self.bwrap.display(),
                    PROBE_TIMEOUT.as_secs()
                ));
            }
            Ok(Err(e)) => {
                return SandboxStatus::unavailable(format!(
                    "cannot execute {}: {e}; check the file is an executable bwrap",
                    self.bwrap.display()
                ));
            }
            Ok(Ok(out)) => out,
        };
        let vtext = version
            .map(|(a, b, c)| format!("bubblewrap {a}.{b}.{c}"))
            .unwrap_or_else(|| "bubblewrap (unknown version)".into());
        if out.status.success() {
            return SandboxStatus {
                available: true,
                reason: format!(
                    "{vtext} at {} runs sandboxed commands (user, pid, network namespaces; no network)",
                    self.bwrap.display()
                ),
            };
        }
        let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
        SandboxStatus::unavailable(interpret_failure(
            &vtext,
            &self.bwrap,
            out.status.code(),
            &stderr,
        ))
    }

    /// Runs `command` with the shell inside a fresh sandbox on the workspace. Fails only when
    /// the sandbox is unavailable or `bwrap` cannot be spawned; a failing command is an
    /// `Ok` output with its exit code.
    pub async fn run(&self, command: &str) -> Result<CommandOutput, ToolError> {
        if !self.status.available {
            return Err(ToolError::SandboxUnavailable {
                reason: self.status.reason.clone(),
            });
        }
        let started = Instant::now();
        let mut cmd = Command::new(&self.bwrap);
        cmd.args(&self.args)
            .arg("--")
            .arg(&self.shell)
            .arg("-c")
            .arg(&self.wrapper)
            .arg("skillgate-sandbox")
            .arg(command)
            .env_clear()
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let spawn_err = |source| ToolError::Spawn {
            bwrap: self.bwrap.clone(),
            source,
        };
        let mut child = cmd.spawn().map_err(spawn_err)?;
        let cap = self.limits.max_output_bytes;
        let out_task = child
            .stdout
            .take()
            .map(|r| tokio::spawn(read_capped(r, cap)));
        let err_task = child
            .stderr
            .take()
            .map(|r| tokio::spawn(read_capped(r, cap)));
        let (status, timed_out) =
            match tokio::time::timeout(self.limits.wall_time, child.wait()).await {
                Ok(r) => (r.map_err(spawn_err)?, false),
                Err(_) => {
                    // SIGKILL to bwrap; --die-with-parent and the pid namespace take the rest down.
                    let _ = child.start_kill();
                    (child.wait().await.map_err(spawn_err)?, true)
                }
            };
        let (stdout, t1) = collect(out_task).await;
        let (stderr, t2) = collect(err_task).await;
        Ok(CommandOutput {
            exit_code: status.code(),
            signal: status.signal(),
            stdout,
            stderr,
            truncated: t1 || t2,
            timed_out,
            duration_ms: started.elapsed().as_millis() as u64,
        })
    }
}

type Reader = tokio::task::JoinHandle<std::io::Result<(Vec<u8>, u64)>>;

/// Joins a capped reader (bounded wait: a leaked descriptor must not hang the replay).
async fn collect(task: Option<Reader>) -> (String, bool) {
    let Some(task) = task else {
        return (String::new(), false);
    };
    let abort = task.abort_handle();
    match tokio::time::timeout(Duration::from_secs(2), task).await {
        Ok(Ok(Ok((kept, dropped)))) => {
            let mut s = String::from_utf8_lossy(&kept).into_owned();
            if dropped > 0 {
                s.push_str(&format!(
                    "\n[skillgate: output truncated, {dropped} more bytes dropped]"
                ));
            }
            (s, dropped > 0)
        }
        Ok(Ok(Err(e))) => (format!("[skillgate: could not read output: {e}]"), true),
        Ok(Err(_)) => ("[skillgate: output reader failed]".into(), true),
        Err(_) => {
            abort.abort();
            (
                "[skillgate: output still open after the sandbox ended; dropped]".into(),
                true,
            )
        }
    }
}

async fn read_capped<R: AsyncRead + Unpin>(
    mut r: R,
    cap: usize,
) -> std::io::Result<(Vec<u8>, u64)> {
    let mut kept = Vec::new();
    let mut dropped = 0u64;
    let mut buf = [0u8; 8192];
    loop {
        let n = r.read(&mut buf).await?;
        if n == 0 {
            return Ok((kept, dropped));
        }
        let take = cap.saturating_sub(kept.len()).min(n);
        kept.extend_from_slice(&buf[..take]);
        dropped += (n - take) as u64;
    }
}

/// The script `shell -c` runs: apply the limits to itself (inherited by everything it
/// starts), then evaluate the command (`$1`) in the same process, saving one exec.
fn limits_wrapper(limits: &SandboxLimits, shell: &Path) -> String {
    // bash counts `ulimit -f` in KiB; dash, and bash invoked as `sh` (POSIX mode), in
    // 512-byte blocks. `-v` is KiB in all of them.
    let fsize_unit = if shell.ends_with("bash") { 1024 } else { 512 };
    format!(
        "ulimit -c 0 && ulimit -t {cpu} && ulimit -v {mem} && ulimit -f {fsize} || \
         {{ echo 'skillgate: could not apply sandbox resource limits' >&2; exit 125; }}; eval \"$1\"",
        cpu = limits.cpu_seconds.max(1),
        mem = (limits.memory_bytes / 1024).max(1),
        fsize = (limits.file_size_bytes / fsize_unit).max(1),
    )
}

fn push(args: &mut Vec<OsString>, items: &[&str]) {
    args.extend(items.iter().map(OsString::from));
}

fn push_path(args: &mut Vec<OsString>, flag: &str, src: &Path, dest: &Path) {
    args.push(flag.into());
    args.push(src.as_os_str().to_owned());
    args.push(dest.as_os_str().to_owned());
}

/// The bwrap flags, in mount order (see `docs/sandbox.md` for why each is there).
fn build_args(
    workspace: &Path,
    limits: &SandboxLimits,
    protected: &[PathBuf],
    disable_userns: bool,
) -> Vec<OsString> {
    let mut a = Vec::new();
    push(
        &mut a,
        &[
            "--unshare-all",
            "--unshare-user",
            "--die-with-parent",
            "--new-session",
            "--cap-drop",
            "ALL",
            "--clearenv",
            "--setenv",
            "PATH",
            "/usr/local/bin:/usr/bin:/bin",
            "--setenv",
            "HOME",
            SANDBOX_WORKSPACE,
            "--setenv",
            "LANG",
            "C.UTF-8",
            "--setenv",
            "TMPDIR",
            "/tmp",
            "--uid",
            SANDBOX_UID,
            "--gid",
            SANDBOX_UID,
            "--hostname",
            "skillgate-replay",
        ],
    );
    if disable_userns {
        push(&mut a, &["--disable-userns"]);
    }
    let mut ro_roots: Vec<PathBuf> = vec![PathBuf::from("/usr")];
    push(&mut a, &["--ro-bind", "/usr", "/usr"]);
    for link in ROOT_LINKS {
        let p = Path::new(link);
        match std::fs::symlink_metadata(p) {
            Ok(m) if m.file_type().is_symlink() => {
                if let Ok(target) = std::fs::read_link(p) {
                    push_path(&mut a, "--symlink", &target, p);
                }
            }
            Ok(m) if m.is_dir() => {
                push_path(&mut a, "--ro-bind", p, p);
                ro_roots.push(p.to_path_buf());
            }
            _ => {}
        }
    }
    for etc in ETC_ENTRIES {
        let p = Path::new(etc);
        if p.exists() {
            push_path(&mut a, "--ro-bind-try", p, p);
            ro_roots.push(p.to_path_buf());
        }
    }
    push(&mut a, &["--proc", "/proc", "--dev", "/dev"]);
    a.push("--size".into());
    a.push(limits.tmp_bytes.max(1 << 20).to_string().into());
    push(&mut a, &["--tmpfs", "/tmp"]);
    push_path(&mut a, "--bind", workspace, Path::new(SANDBOX_WORKSPACE));
    // A protected path under a read-only mount is hidden behind an empty tmpfs or /dev/null.
    for p in protected {
        let p = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
        if !ro_roots.iter().any(|r| p.starts_with(r)) {
            continue;
        }
        if p.is_dir() {
            a.push("--tmpfs".into());
            a.push(p.into_os_string());
        } else if p.exists() {
            push_path(&mut a, "--ro-bind", Path::new("/dev/null"), &p);
        }
    }
    push(&mut a, &["--chdir", SANDBOX_WORKSPACE]);
    a
}

async fn bwrap_version(bwrap: &Path) -> Option<(u32, u32, u32)> {
    let out = tokio::time::timeout(
        PROBE_TIMEOUT,
        Command::new(bwrap)
            .arg("--version")
            .env_clear()
            .kill_on_drop(true)
            .output(),
    )
    .await
    .ok()?
    .ok()?;
    parse_version(&String::from_utf8_lossy(&out.stdout))
}

fn parse_version(text: &str) -> Option<(u32, u32, u32)> {
    let v = text
        .split_whitespace()
        .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))?;
    let mut it = v.split('.').map(|n| n.parse::<u32>().ok());
    Some((
        it.next()??,
        it.next().flatten().unwrap_or(0),
        it.next().flatten().unwrap_or(0),
    ))
}

/// Turns a failed trivial run into a reason a person can act on.
fn interpret_failure(vtext: &str, bwrap: &Path, code: Option<i32>, stderr: &str) -> String {
    let lower = stderr.to_lowercase();
    let code = code
        .map(|c| c.to_string())
        .unwrap_or_else(|| "signal".into());
    if lower.contains("unknown option") || lower.contains("unrecognized option") {
        format!(
            "{vtext} at {} does not understand a flag skillgate needs ({stderr}); install bubblewrap 0.6 or newer",
            bwrap.display()
        )
    } else if lower.contains("namespace")
        || lower.contains("operation not permitted")
        || lower.contains("uid map")
        || lower.contains("permission denied")
    {
        format!(
            "{vtext} could not create its namespaces ({stderr}): user namespaces are refused here. \
             Enable them (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04+ allow bwrap in AppArmor or set \
             kernel.apparmor_restrict_unprivileged_userns=0), or in a container allow unshare/clone \
             in the seccomp profile (e.g. --security-opt seccomp=unconfined)"
        )
    } else {
        format!(
            "{vtext} at {} failed a trivial sandboxed command (exit {code}): {stderr}",
            bwrap.display()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_from_partial_config() {
        let l: SandboxLimits =
            serde_json::from_str(r#"{"wall_time_ms": 1500, "cpu_seconds": 3}"#).unwrap();
        assert_eq!(l.wall_time, Duration::from_millis(1500));
        assert_eq!(l.cpu_seconds, 3);
        assert_eq!(l.memory_bytes, SandboxLimits::default().memory_bytes);
        assert!(serde_json::from_str::<SandboxLimits>(r#"{"wall_time": 1}"#).is_err());
    }

    #[test]
    fn parse_version_reads_bubblewrap_banner() {
        assert_eq!(parse_version("bubblewrap 0.8.0\n"), Some((0, 8, 0)));
        assert_eq!(parse_version("bubblewrap 0.11\n"), Some((0, 11, 0)));
        assert_eq!(parse_version("garbage"), None);
    }

    #[test]
    fn build_args_never_mounts_home_or_root_and_has_no_network() {
        let args = build_args(Path::new("/tmp/ws"), &SandboxLimits::default(), &[], true);
        let text: Vec<String> = args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert!(text.contains(&"--unshare-all".to_string()));
        assert!(!text.contains(&"--share-net".to_string()));
        assert!(text.contains(&"--clearenv".to_string()));
        for (i, t) in text.iter().enumerate() {
            if t.contains("bind") {
                let src = &text[i + 1];
                assert!(
                    src == "/usr"
                        || src == "/tmp/ws"
                        || src.starts_with("/etc/")
                        || ROOT_LINKS.contains(&src.as_str()),
                    "unexpected mount source {src}"
                );
            }
        }
    }

    #[test]
    fn interpret_failure_names_user_namespaces() {
        let r = interpret_failure(
            "bubblewrap 0.8.0",
            Path::new("/usr/bin/bwrap"),
            Some(1),
            "bwrap: No permissions to creating new namespace",
        );
        assert!(r.contains("user namespaces are refused"), "{r}");
    }

    #[test]
    fn limits_wrapper_uses_shell_units() {
        let l = SandboxLimits {
            file_size_bytes: 1 << 20,
            ..Default::default()
        };
        assert!(limits_wrapper(&l, Path::new("/bin/bash")).contains("ulimit -f 1024 "));
        assert!(limits_wrapper(&l, Path::new("/bin/sh")).contains("ulimit -f 2048 "));
    }
}
