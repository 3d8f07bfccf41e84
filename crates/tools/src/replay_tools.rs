//! [`ReplayTools`]: the one interface the agent loop uses to offer and call tools in a Trial.
//!
//! Every call is classified by the replay policy (SPEC §4), then: `blocked` → the agent is told
//! so and nothing runs; `surrogate` → a recorded result, else an LLM-simulated result (when a
//! surrogate provider is set), else a schema-valid stub, and the would-be side effect in words; `executed` → a workspace file tool on the per-trial workspace, a command in the
//! bubblewrap sandbox, or a cached web read. Side-effect tools are never executed whatever the
//! policy says, and when the sandbox cannot start, commands are surrogated, never run outside it.

use crate::builtin::{
    Builtin, FileResult, WORKSPACE_TOOLSET, generic_result_schema, run_file_tool, str_arg, url_host,
};
use crate::error::ToolError;
use crate::llm_surrogate::LlmSurrogate;
use crate::sandbox::{CommandOutput, Sandbox, SandboxConfig, SandboxLimits, SandboxStatus};
use crate::surrogate::{RecordedResults, describe_side_effect, stub_from_schema};
use crate::workspace::Workspace;
use serde::Serialize;
use serde_json::{Value, json};
use skillgate_core::policy::{Classification, Policy, classify};
use skillgate_core::{RecordedToolCall, ToolMode, ToolSpec};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// How the tool layer of one Trial is set up.
#[derive(Debug, Clone)]
pub struct ToolLayerConfig {
    /// The replay tool policy (classification rules, allow-listed hosts).
    pub policy: Policy,
    /// Host paths that must never be visible to or changed by a replay (production workspace,
    /// user files, home, credentials). Also what the tripwire should fingerprint.
    pub protected_paths: Vec<PathBuf>,
    /// Limits for each sandboxed command.
    pub limits: SandboxLimits,
    /// Tools beyond the built-ins, e.g. MCP tools seen in the Run. A name that collides with a
    /// built-in is dropped (the built-in wins).
    pub extra_tools: Vec<ToolSpec>,
    /// The `bwrap` binary; `None` searches `PATH`. Pointing it at a missing file simulates a
    /// machine without the sandbox.
    pub bwrap_path: Option<PathBuf>,
}

impl ToolLayerConfig {
    /// A configuration with `policy`, [`default_protected_paths`], default limits, no extra
    /// tools and `bwrap` from `PATH`.
    pub fn new(policy: Policy) -> ToolLayerConfig {
        ToolLayerConfig {
            policy,
            protected_paths: default_protected_paths(),
            limits: SandboxLimits::default(),
            extra_tools: Vec::new(),
            bwrap_path: None,
        }
    }
}

/// The user's home directory (`$HOME`), which holds user files and the usual credentials
/// (`~/.ssh`, `~/.aws`, `~/.config/gcloud`, `~/.netrc`, `~/.docker`, `~/.kube`). The
/// production workspace is deployment-specific: add it to the list.
pub fn default_protected_paths() -> Vec<PathBuf> {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .filter(|h| h.is_absolute() && h != Path::new("/"))
        .into_iter()
        .collect()
}

/// What one tool call did, for the transcript, the CaseReport and coverage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToolCallOutcome {
    /// Tool name as called.
    pub name: String,
    /// How the call was handled.
    pub mode: ToolMode,
    /// Which rule decided the mode.
    pub rule: String,
    /// The classification reason, in words, plus how the result was obtained.
    pub reason: String,
    /// What the agent receives.
    pub result: Value,
    /// The agent should read `result` as an error.
    pub is_error: bool,
    /// For surrogate calls: the side effect that would have happened, in words.
    pub side_effect: Option<String>,
    /// Wall time of the call.
    pub duration_ms: u64,
}

/// The tools of one Trial: a fresh replay workspace, its sandbox, the policy and the recorded
/// results of the Run. The workspace is deleted when this is dropped.
#[derive(Debug)]
pub struct ReplayTools {
    policy: Policy,
    workspace: Workspace,
    sandbox: Sandbox,
    specs: Vec<ToolSpec>,
    recorded: RecordedResults,
    llm: Option<LlmSurrogate>,
    limits: SandboxLimits,
    lock: tokio::sync::Mutex<()>,
    seq: AtomicU64,
}

impl ReplayTools {
    /// Makes a fresh workspace holding `case_files` (relative path, content), starts and
    /// probes the sandbox on it, and indexes the Run's `recorded` calls for surrogates.
    /// An unavailable sandbox is not an error: see [`ReplayTools::sandbox_status`].
    pub async fn new(
        cfg: ToolLayerConfig,
        case_files: &[(String, Vec<u8>)],
        recorded: &[RecordedToolCall],
    ) -> Result<ReplayTools, ToolError> {
        let policy = with_workspace_toolset(cfg.policy)?;
        let workspace = Workspace::create(case_files)?;
        for p in &cfg.protected_paths {
            let p = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
            if workspace.root().starts_with(&p) {
                return Err(ToolError::WorkspaceInsideProtectedPath {
                    workspace: workspace.root().to_path_buf(),
                    protected: p,
                });
            }
        }
        let sandbox_cfg = SandboxConfig {
            bwrap_path: cfg.bwrap_path.clone(),
            limits: cfg.limits.clone(),
            protected_paths: cfg.protected_paths.clone(),
        };
        let sandbox = Sandbox::start(&sandbox_cfg, workspace.root()).await;
        if !sandbox.status().available {
            tracing::warn!(target: "skillgate::tools", event = "tools.sandbox_unavailable", reason = %sandbox.status().reason,
                "sandbox unavailable: commands will be surrogated, never run unsandboxed");
        }
        let mut specs = crate::builtin::builtin_specs();
        for t in cfg.extra_tools {
            if Builtin::from_name(&t.name).is_some() {
                tracing::warn!(target: "skillgate::tools", event = "tools.extra_tool_shadowed", tool = %t.name, "extra tool shadows a built-in; the built-in is offered");
            } else if !specs.iter().any(|s| s.name == t.name) {
                specs.push(t);
            }
        }
        Ok(ReplayTools {
            policy,
            workspace,
            sandbox,
            specs,
            recorded: RecordedResults::new(recorded),
            llm: None,
            limits: cfg.limits,
            lock: tokio::sync::Mutex::new(()),
            seq: AtomicU64::new(0),
        })
    }

    /// The same tools with an LLM surrogate: surrogated calls without a recorded result are
    /// simulated by `provider` (one chat request per call) before falling back to a
    /// schema-valid stub. Without this, such calls get the stub directly.
    pub fn with_surrogate_provider(self, provider: skillgate_providers::Provider) -> ReplayTools {
        self.with_llm_surrogate(LlmSurrogate::new(provider))
    }

    /// The same tools with `surrogate` (e.g. with another timeout) as the LLM surrogate.
    pub fn with_llm_surrogate(mut self, surrogate: LlmSurrogate) -> ReplayTools {
        self.llm = Some(surrogate);
        self
    }

    /// The tools offered to the model.
    pub fn specs(&self) -> Vec<ToolSpec> {
        self.specs.clone()
    }

    /// The host directory of the replay workspace (for file graders).
    pub fn workspace_dir(&self) -> &Path {
        self.workspace.root()
    }

    /// Whether commands can run in the sandbox, and why not.
    pub fn sandbox_status(&self) -> &SandboxStatus {
        self.sandbox.status()
    }

    /// Runs `command` in the sandbox on the workspace (for the "command exits 0" grader).
    pub async fn run_in_sandbox(&self, command: &str) -> Result<CommandOutput, ToolError> {
        let _guard = self.lock.lock().await;
        self.sandbox.run(command).await
    }

    /// Calls a tool. Never panics and never errors out: unknown tools, bad arguments, blocked
    /// calls and failures are outcomes the model can read. Calls are serialised per Trial, so
    /// a workspace path checked by one call cannot be swapped by a concurrent command.
    pub async fn call(&self, name: &str, arguments: &Value) -> ToolCallOutcome {
        let started = Instant::now();
        let mut out = {
            let _guard = self.lock.lock().await;
            self.dispatch(name, arguments).await
        };
        out.duration_ms = started.elapsed().as_millis() as u64;
        log_call(name, arguments, &out);
        out
    }

    async fn dispatch(&self, name: &str, args: &Value) -> ToolCallOutcome {
        let Some(spec) = self.specs.iter().find(|s| s.name == name) else {
            let names: Vec<&str> = self.specs.iter().map(|s| s.name.as_str()).collect();
            return outcome(
                name,
                ToolMode::Blocked,
                "unknown_tool",
                format!("no tool named '{name}' is offered in this replay"),
                Value::String(format!(
                    "unknown tool '{name}'; available tools: {}",
                    names.join(", ")
                )),
                true,
            );
        };
        let class = classify(spec, &self.policy);
        match class.mode {
            ToolMode::Blocked => blocked(name, &class.rule, &class.reason),
            ToolMode::Surrogate => {
                self.surrogate(spec, args, &class.rule, class.reason.clone())
                    .await
            }
            ToolMode::Executed => self.execute(spec, args, class).await,
        }
    }

    async fn execute(
        &self,
        spec: &ToolSpec,
        args: &Value,
        class: Classification,
    ) -> ToolCallOutcome {
        let name = spec.name.as_str();
        let Some(b) = Builtin::from_name(name) else {
            let reason = format!(
                "{}; but executing MCP or connector tools during replay is not supported yet, so the call is surrogated",
                class.reason
            );
            return self
                .surrogate(spec, args, "mcp_execution_not_supported", reason)
                .await;
        };
        if b.is_side_effect() {
            let reason = format!(
                "{}; but {name} has a real-world side effect and replay never performs it",
                class.reason
            );
            return self
                .surrogate(spec, args, "side_effect_never_executed", reason)
                .await;
        }
        match b {
            Builtin::RunCommand => self.run_command(spec, args, class).await,
            Builtin::WebFetch | Builtin::WebSearch => self.web(b, args, class).await,
            _ => {
                let r = run_file_tool(b, self.workspace.root(), args, self.limits.file_size_bytes)
                    .await;
                match r {
                    FileResult::Done { result, is_error } => outcome(
                        name,
                        ToolMode::Executed,
                        &class.rule,
                        class.reason,
                        result,
                        is_error,
                    ),
                    FileResult::Escape(e) => blocked(
                        name,
                        "workspace_escape",
                        &format!("path '{}' is refused: {}", e.path, e.why),
                    ),
                }
            }
        }
    }

    async fn run_command(
        &self,
        spec: &ToolSpec,
        args: &Value,
        class: Classification,
    ) -> ToolCallOutcome {
        let name = spec.name.as_str();
        let command = match str_arg(args, name, "command") {
            Ok(c) => c,
            Err(msg) => {
                return outcome(
                    name,
                    ToolMode::Executed,
                    &class.rule,
                    class.reason,
                    Value::String(msg),
                    true,
                );
            }
        };
        if command.contains('\0') {
            let msg =
                "invalid arguments for run_command: the command contains a NUL byte".to_string();
            return outcome(
                name,
                ToolMode::Executed,
                &class.rule,
                class.reason,
                Value::String(msg),
                true,
            );
        }
        if !self.sandbox.status().available {
            let reason = format!(
                "{}; but the sandbox is unavailable ({}), and nothing runs unsandboxed",
                class.reason,
                self.sandbox.status().reason
            );
            let mut o = outcome(
                name,
                ToolMode::Surrogate,
                "sandbox_unavailable",
                reason,
                Value::String(format!(
                    "command not run: the replay sandbox is unavailable ({})",
                    self.sandbox.status().reason
                )),
                true,
            );
            o.side_effect = Some(format!("run shell command: {command}"));
            return o;
        }
        match self.sandbox.run(command).await {
            Ok(out) => {
                let is_error = !out.success();
                let result = json!({"exit_code": out.exit_code, "signal": out.signal, "stdout": out.stdout,
                    "stderr": out.stderr, "timed_out": out.timed_out, "truncated": out.truncated});
                outcome(
                    name,
                    ToolMode::Executed,
                    &class.rule,
                    class.reason,
                    result,
                    is_error,
                )
            }
            Err(e) => {
                let reason = format!("{}; but the sandbox failed to start: {e}", class.reason);
                outcome(
                    name,
                    ToolMode::Surrogate,
                    "sandbox_unavailable",
                    reason,
                    Value::String(format!("command not run: {e}")),
                    true,
                )
            }
        }
    }

    async fn web(&self, b: Builtin, args: &Value, class: Classification) -> ToolCallOutcome {
        let name = b.name();
        let (field, fields, hints): (&str, &[&str], &[&str]) = match b {
            Builtin::WebFetch => (
                "url",
                &["url", "uri", "link"],
                &[
                    "fetch", "get", "browse", "http", "scrape", "web", "url", "read",
                ],
            ),
            _ => (
                "query",
                &["query", "q", "search_query", "search"],
                &["search"],
            ),
        };
        let target = match str_arg(args, name, field) {
            Ok(t) => t,
            Err(msg) => {
                return outcome(
                    name,
                    ToolMode::Executed,
                    &class.rule,
                    class.reason,
                    Value::String(msg),
                    true,
                );
            }
        };
        let recorded = self
            .recorded
            .lookup(name, args)
            .map(|r| (name.to_string(), r))
            .or_else(|| {
                self.recorded
                    .lookup_by_field(fields, &Value::String(target.to_string()), hints)
            });
        if let Some((from, result)) = recorded {
            let reason = format!(
                "{}; served from the recorded Run's {from} result (cached read), nothing was fetched",
                class.reason
            );
            return outcome(
                name,
                ToolMode::Surrogate,
                "cached_read",
                reason,
                result,
                false,
            );
        }
        let (rule, msg) = match b {
            Builtin::WebFetch => match url_host(target) {
                None => (
                    "invalid_url",
                    format!("web_fetch: '{target}' is not an absolute URL"),
                ),
                Some(host) if self.policy.host_allowed(&host) => {
                    return match crate::web_fetch::fetch(target).await {
                        Ok(f) => {
                            let reason = format!(
                                "{}; the Run recorded no result and host {host} is allow-listed by the replay policy, so it was fetched live (HTTP {}, {} bytes{}, redirects not followed)",
                                class.reason,
                                f.status,
                                f.body.len(),
                                if f.truncated { ", cut" } else { "" }
                            );
                            let mut body = f.body;
                            if f.truncated {
                                body.push_str("\n[truncated by skillgate]");
                            }
                            outcome(
                                name,
                                ToolMode::Executed,
                                "live_fetch",
                                reason,
                                serde_json::json!({"status": f.status, "body": body}),
                                f.status >= 400,
                            )
                        }
                        Err(msg) => outcome(
                            name,
                            ToolMode::Executed,
                            "live_fetch",
                            format!("{}; {msg}", class.reason),
                            Value::String(msg),
                            true,
                        ),
                    };
                }
                Some(host) => (
                    "host_not_allowed",
                    format!(
                        "web_fetch of {target}: the Run recorded no result for this URL and host {host} is not allow-listed by the replay policy; nothing was fetched"
                    ),
                ),
            },
            _ => (
                "no_recorded_result",
                format!(
                    "web_search for '{target}': the Run recorded no result for this query, and live search during replay is not supported yet"
                ),
            ),
        };
        let reason = format!("{}; {msg}", class.reason);
        outcome(
            name,
            ToolMode::Surrogate,
            rule,
            reason,
            Value::String(msg),
            true,
        )
    }

    async fn surrogate(
        &self,
        spec: &ToolSpec,
        args: &Value,
        rule: &str,
        reason: String,
    ) -> ToolCallOutcome {
        let name = spec.name.as_str();
        let side_effect = Some(describe_side_effect(name, args));
        if let Some(result) = self.recorded.lookup(name, args) {
            let mut o = outcome(
                name,
                ToolMode::Surrogate,
                rule,
                format!("{reason}; result from the recorded Run"),
                result,
                false,
            );
            o.side_effect = side_effect;
            return o;
        }
        let builtin_schema = Builtin::from_name(name).map(Builtin::result_schema);
        let why_stub = match &self.llm {
            None => "LLM surrogate not supported yet".to_string(),
            Some(llm) => match llm.simulate(spec, args, builtin_schema.as_ref()).await {
                Ok(result) => {
                    let mut o = outcome(
                        name,
                        ToolMode::Surrogate,
                        rule,
                        format!(
                            "{reason}; no recorded result, result simulated by the LLM surrogate ({})",
                            llm.describe()
                        ),
                        result,
                        false,
                    );
                    o.side_effect = side_effect;
                    return o;
                }
                Err(e) => {
                    tracing::warn!(target: "skillgate::tools", event = "tools.llm_surrogate_failed", tool = %name, error = %log_redactor().redact_str(&e.to_string()),
                        "LLM surrogate failed; a schema-valid stub is used");
                    format!("LLM surrogate failed: {e}")
                }
            },
        };
        let schema = builtin_schema.unwrap_or_else(generic_result_schema);
        let seed = format!("{name}/{}", self.seq.fetch_add(1, Ordering::Relaxed));
        let result = stub_from_schema(&schema, &seed);
        let reason = format!("{reason}; no recorded result, {why_stub}, so a schema-valid stub");
        let mut o = outcome(name, ToolMode::Surrogate, rule, reason, result, false);
        o.side_effect = side_effect;
        o
    }
}

/// The redactor applied to everything a tool-call event derives from the model's arguments or
/// the tool's result (the classification reason may quote them, the side effect does).
fn log_redactor() -> &'static skillgate_redact::Redactor {
    static REDACTOR: std::sync::LazyLock<skillgate_redact::Redactor> =
        std::sync::LazyLock::new(skillgate_redact::Redactor::standard);
    &REDACTOR
}

/// `text` with every secret and personal identifier replaced by `[REDACTED:kind]` (standard
/// rules): for log fields derived from a model's tool call or a tool's result.
pub fn redact_for_log(text: &str) -> String {
    log_redactor().redact_str(text).into_owned()
}

/// The argument names of a call, comma-separated: the only summary of the arguments a log may
/// carry (their values may hold secrets).
fn argument_keys(arguments: &Value) -> String {
    match arguments {
        Value::Object(map) => {
            let keys: Vec<&str> = map.keys().map(String::as_str).collect();
            log_redactor().redact_str(&keys.join(",")).into_owned()
        }
        Value::Null => String::new(),
        other => format!("({})", json_type(other)),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The `tool.call` event (docs/logging.md): one per call, inside the caller's `trial` span.
/// Never the raw arguments or result; reason and side effect pass the standard redactor.
fn log_call(name: &str, arguments: &Value, out: &ToolCallOutcome) {
    let r = log_redactor();
    let side_effect = out.side_effect.as_deref().map(|s| r.redact_str(s));
    tracing::info!(target: "skillgate::tools", event = "tool.call",
        tool = %r.redact_str(name), mode = %out.mode, rule = %out.rule,
        reason = %r.redact_str(&out.reason), arg_keys = %argument_keys(arguments),
        is_error = out.is_error, side_effect = side_effect.as_deref().unwrap_or(""),
        duration_ms = out.duration_ms, "tool call");
}

fn outcome(
    name: &str,
    mode: ToolMode,
    rule: &str,
    reason: String,
    result: Value,
    is_error: bool,
) -> ToolCallOutcome {
    ToolCallOutcome {
        name: name.to_string(),
        mode,
        rule: rule.to_string(),
        reason,
        result,
        is_error,
        side_effect: None,
        duration_ms: 0,
    }
}

fn blocked(name: &str, rule: &str, reason: &str) -> ToolCallOutcome {
    outcome(
        name,
        ToolMode::Blocked,
        rule,
        reason.to_string(),
        Value::String(format!("blocked by replay policy: {reason}")),
        true,
    )
}

/// The operator's policy plus the built-in workspace toolset among `workspace_toolsets`.
fn with_workspace_toolset(policy: Policy) -> Result<Policy, ToolError> {
    if policy.is_workspace_toolset(Some(WORKSPACE_TOOLSET)) {
        return Ok(policy);
    }
    let mut toolsets = policy.workspace_toolsets().to_vec();
    toolsets.push(WORKSPACE_TOOLSET.to_string());
    Policy::new(
        policy.rules().to_vec(),
        policy.allowed_hosts().to_vec(),
        toolsets,
    )
    .map_err(|e| ToolError::InvalidPolicy {
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>(_: &T) {}

    #[test]
    fn replay_tools_and_call_futures_can_cross_tasks() {
        fn check(t: &ReplayTools) {
            assert_send_sync(t);
            let fut = t.call("read_file", &Value::Null);
            fn is_send<F: Send>(_: &F) {}
            is_send(&fut);
        }
        let _ = check;
    }
}
