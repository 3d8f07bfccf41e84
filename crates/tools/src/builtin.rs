//! The built-in tools a replay agent is offered, with their JSON Schemas, and the workspace
//! file tools' implementations.
//!
//! Workspace tools (`read_file`, `list_files`, `write_file`, `edit_file`) are plain Rust on
//! the canonicalised replay workspace: they spawn nothing and every path goes through
//! [`crate::workspace::resolve`]. `run_command` runs in the bubblewrap sandbox. `web_fetch` /
//! `web_search` answer from the recorded Run. The side-effect tools (`send_email`,
//! `calendar_invite`, `connector_post`, `delete_file`, `grant_permission`, `read_credential`,
//! `make_payment`) have no implementation at all: they are classified and then surrogated or
//! blocked.

use crate::workspace::{PathEscape, display_path, resolve};
use serde_json::{Value, json};
use skillgate_core::{ToolAnnotations, ToolSpec};
use std::path::Path;

/// The toolset of the built-in tools that are not confined to the workspace (web reads and
/// side-effect tools).
pub const BUILTIN_TOOLSET: &str = "skillgate";
/// The toolset of the workspace tools (`read_file`, `list_files`, `write_file`, `edit_file`,
/// `run_command`); [`crate::ReplayTools`] adds it to the policy's `workspace_toolsets`,
/// because their effects stay in the replay workspace and the sandbox.
pub const WORKSPACE_TOOLSET: &str = "skillgate-workspace";

/// Most bytes `read_file` returns.
const MAX_READ_BYTES: usize = 256 << 10;
/// Most entries `list_files` returns.
const MAX_LIST_ENTRIES: usize = 2000;

/// The built-in tools, by what the tool layer does with them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Builtin {
    ReadFile,
    ListFiles,
    WriteFile,
    EditFile,
    RunCommand,
    WebFetch,
    WebSearch,
    SendEmail,
    CalendarInvite,
    ConnectorPost,
    DeleteFile,
    GrantPermission,
    ReadCredential,
    MakePayment,
}

impl Builtin {
    pub(crate) const ALL: [Builtin; 14] = [
        Builtin::ReadFile,
        Builtin::ListFiles,
        Builtin::WriteFile,
        Builtin::EditFile,
        Builtin::RunCommand,
        Builtin::WebFetch,
        Builtin::WebSearch,
        Builtin::SendEmail,
        Builtin::CalendarInvite,
        Builtin::ConnectorPost,
        Builtin::DeleteFile,
        Builtin::GrantPermission,
        Builtin::ReadCredential,
        Builtin::MakePayment,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Builtin::ReadFile => "read_file",
            Builtin::ListFiles => "list_files",
            Builtin::WriteFile => "write_file",
            Builtin::EditFile => "edit_file",
            Builtin::RunCommand => "run_command",
            Builtin::WebFetch => "web_fetch",
            Builtin::WebSearch => "web_search",
            Builtin::SendEmail => "send_email",
            Builtin::CalendarInvite => "calendar_invite",
            Builtin::ConnectorPost => "connector_post",
            Builtin::DeleteFile => "delete_file",
            Builtin::GrantPermission => "grant_permission",
            Builtin::ReadCredential => "read_credential",
            Builtin::MakePayment => "make_payment",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Builtin> {
        Builtin::ALL.into_iter().find(|b| b.name() == name)
    }

    /// Tools with a real side effect outside the workspace: never executed.
    pub(crate) fn is_side_effect(self) -> bool {
        matches!(
            self,
            Builtin::SendEmail
                | Builtin::CalendarInvite
                | Builtin::ConnectorPost
                | Builtin::DeleteFile
                | Builtin::GrantPermission
                | Builtin::ReadCredential
                | Builtin::MakePayment
        )
    }

    fn description(self) -> &'static str {
        match self {
            Builtin::ReadFile => {
                "Read a text file from the workspace (/workspace). Paths are relative to the workspace."
            }
            Builtin::ListFiles => "List files and directories in the workspace (/workspace).",
            Builtin::WriteFile => {
                "Create or overwrite a file in the workspace (/workspace) with the given content."
            }
            Builtin::EditFile => {
                "Replace exact text in a workspace file: old_text must occur exactly once unless replace_all is true."
            }
            Builtin::RunCommand => {
                "Run a shell command in the workspace (/workspace) and return its exit code and output."
            }
            Builtin::WebFetch => "Fetch a web page by URL and return its content.",
            Builtin::WebSearch => "Search the web and return result titles, URLs and snippets.",
            Builtin::SendEmail => "Send an email.",
            Builtin::CalendarInvite => {
                "Create a calendar event and send invitations to the attendees."
            }
            Builtin::ConnectorPost => {
                "Post, reply or publish a message on a connected service (chat, forum, social, issue tracker)."
            }
            Builtin::DeleteFile => "Delete a file.",
            Builtin::GrantPermission => "Grant a principal a role or permission on a resource.",
            Builtin::ReadCredential => "Read a stored credential, secret or API token by name.",
            Builtin::MakePayment => "Make a payment or transfer money to a recipient.",
        }
    }

    fn input_schema(self) -> Value {
        let s = |d: &str| json!({"type": "string", "description": d});
        let obj = |props: Value, req: &[&str]| json!({"type": "object", "properties": props, "required": req});
        match self {
            Builtin::ReadFile => obj(
                json!({"path": s("File path, relative to /workspace")}),
                &["path"],
            ),
            Builtin::ListFiles => obj(
                json!({"path": s("Directory, relative to /workspace (default: the workspace)"),
                       "recursive": {"type": "boolean", "description": "List subdirectories too"}}),
                &[],
            ),
            Builtin::WriteFile => obj(
                json!({"path": s("File path, relative to /workspace"), "content": s("The full new content")}),
                &["path", "content"],
            ),
            Builtin::EditFile => obj(
                json!({"path": s("File path, relative to /workspace"), "old_text": s("Exact text to replace"),
                       "new_text": s("Replacement text"), "replace_all": {"type": "boolean"}}),
                &["path", "old_text", "new_text"],
            ),
            Builtin::RunCommand => obj(json!({"command": s("Shell command line")}), &["command"]),
            Builtin::WebFetch => obj(
                json!({"url": {"type": "string", "format": "uri"}}),
                &["url"],
            ),
            Builtin::WebSearch => obj(json!({"query": s("Search query")}), &["query"]),
            Builtin::SendEmail => obj(
                json!({"to": {"type": "array", "items": {"type": "string", "format": "email"}}, "cc": {"type": "array", "items": {"type": "string", "format": "email"}},
                       "subject": s("Subject line"), "body": s("Message body")}),
                &["to", "subject", "body"],
            ),
            Builtin::CalendarInvite => obj(
                json!({"title": s("Event title"), "attendees": {"type": "array", "items": {"type": "string", "format": "email"}},
                       "start": {"type": "string", "format": "date-time"}, "end": {"type": "string", "format": "date-time"}, "description": s("Details")}),
                &["title", "attendees", "start"],
            ),
            Builtin::ConnectorPost => obj(
                json!({"service": s("Connected service, e.g. slack, github, x"), "channel": s("Channel, thread, repository or page"),
                       "action": {"type": "string", "enum": ["post", "reply", "publish"]}, "text": s("Message text"),
                       "thread_id": s("Thread or message to reply to")}),
                &["service", "channel", "action", "text"],
            ),
            Builtin::DeleteFile => obj(json!({"path": s("File path")}), &["path"]),
            Builtin::GrantPermission => obj(
                json!({"principal": s("User or group"), "resource": s("Resource"), "role": s("Role or permission")}),
                &["principal", "resource", "role"],
            ),
            Builtin::ReadCredential => obj(json!({"name": s("Credential name")}), &["name"]),
            Builtin::MakePayment => obj(
                json!({"amount": {"type": "number", "minimum": 0}, "currency": s("ISO 4217 code"), "recipient": s("Payee"), "memo": s("Memo")}),
                &["amount", "currency", "recipient"],
            ),
        }
    }

    /// JSON Schema of the result, used to build a schema-valid stub when surrogated.
    pub(crate) fn result_schema(self) -> Value {
        let req = |fields: &[&str]| {
            let props: serde_json::Map<String, Value> = fields
                .iter()
                .map(|f| (f.to_string(), json!({"type": "string"})))
                .collect();
            json!({"type": "object", "properties": props, "required": fields})
        };
        match self {
            Builtin::SendEmail => req(&["message_id", "status"]),
            Builtin::CalendarInvite => {
                json!({"type": "object", "required": ["event_id", "status", "html_link"],
                "properties": {"event_id": {"type": "string"}, "status": {"type": "string"}, "html_link": {"type": "string", "format": "uri"}}})
            }
            Builtin::ConnectorPost => {
                json!({"type": "object", "required": ["post_id", "status", "url"],
                "properties": {"post_id": {"type": "string"}, "status": {"type": "string"}, "url": {"type": "string", "format": "uri"}}})
            }
            Builtin::WriteFile | Builtin::EditFile => req(&["path", "status"]),
            _ => generic_result_schema(),
        }
    }

    fn annotations(self) -> ToolAnnotations {
        let a = |ro: bool, destructive: Option<bool>, open: bool| ToolAnnotations {
            title: None,
            read_only_hint: Some(ro),
            destructive_hint: destructive,
            idempotent_hint: None,
            open_world_hint: Some(open),
        };
        match self {
            Builtin::ReadFile | Builtin::ListFiles => a(true, Some(false), false),
            Builtin::WriteFile | Builtin::EditFile | Builtin::RunCommand => {
                a(false, Some(false), false)
            }
            Builtin::WebFetch | Builtin::WebSearch => a(true, Some(false), true),
            Builtin::SendEmail | Builtin::CalendarInvite | Builtin::ConnectorPost => {
                a(false, Some(false), true)
            }
            Builtin::DeleteFile | Builtin::GrantPermission | Builtin::MakePayment => {
                a(false, Some(true), true)
            }
            Builtin::ReadCredential => ToolAnnotations {
                open_world_hint: Some(true),
                ..Default::default()
            },
        }
    }

    pub(crate) fn spec(self) -> ToolSpec {
        let workspace_tool = matches!(
            self,
            Builtin::ReadFile
                | Builtin::ListFiles
                | Builtin::WriteFile
                | Builtin::EditFile
                | Builtin::RunCommand
        );
        ToolSpec {
            name: self.name().to_string(),
            toolset: Some(
                if workspace_tool {
                    WORKSPACE_TOOLSET
                } else {
                    BUILTIN_TOOLSET
                }
                .to_string(),
            ),
            description: Some(self.description().to_string()),
            input_schema: Some(self.input_schema()),
            annotations: Some(self.annotations()),
            // Classified by the policy like any tool: no mode is forced here.
            policy: None,
        }
    }
}

/// The result schema used for stubs of tools that declare none.
pub(crate) fn generic_result_schema() -> Value {
    json!({"type": "object", "required": ["id", "status"], "properties": {"id": {"type": "string"}, "status": {"type": "string"}}})
}

/// The built-in tools offered to a replay agent, with schemas and annotations.
pub fn builtin_specs() -> Vec<ToolSpec> {
    Builtin::ALL.into_iter().map(Builtin::spec).collect()
}

/// What a workspace file tool produced.
pub(crate) enum FileResult {
    /// The tool ran; `is_error` when it failed in a way the model should read.
    Done { result: Value, is_error: bool },
    /// The path leaves the workspace: blocked.
    Escape(PathEscape),
}

fn done(result: Value) -> FileResult {
    FileResult::Done {
        result,
        is_error: false,
    }
}

fn failed(msg: String) -> FileResult {
    FileResult::Done {
        result: Value::String(msg),
        is_error: true,
    }
}

pub(crate) fn str_arg<'a>(args: &'a Value, tool: &str, field: &str) -> Result<&'a str, String> {
    args.get(field).and_then(Value::as_str).ok_or_else(|| {
        format!("invalid arguments for {tool}: missing string field '{field}' (got {args})")
    })
}

fn resolve_or(root: &Path, path: &str) -> Result<std::path::PathBuf, FileResult> {
    resolve(root, path).map_err(FileResult::Escape)
}

/// Runs a workspace file tool on the workspace `root`.
pub(crate) async fn run_file_tool(
    b: Builtin,
    root: &Path,
    args: &Value,
    max_file_bytes: u64,
) -> FileResult {
    match file_tool(b, root, args, max_file_bytes).await {
        Ok(r) | Err(r) => r,
    }
}

async fn file_tool(
    b: Builtin,
    root: &Path,
    args: &Value,
    max_file_bytes: u64,
) -> Result<FileResult, FileResult> {
    let name = b.name();
    let arg = |f: &str| str_arg(args, name, f).map_err(failed);
    match b {
        Builtin::ReadFile => {
            let given = arg("path")?;
            let p = resolve_or(root, given)?;
            if p.is_dir() {
                return Ok(failed(format!("{given} is a directory; use list_files")));
            }
            regular_or_absent(&p, given)?;
            let bytes = tokio::fs::read(&p)
                .await
                .map_err(|e| failed(format!("cannot read {given}: {e}")))?;
            let shown = &bytes[..bytes.len().min(MAX_READ_BYTES)];
            let mut content = String::from_utf8_lossy(shown).into_owned();
            if bytes.len() > MAX_READ_BYTES {
                content.push_str(&format!(
                    "\n[skillgate: file truncated, {} more bytes]",
                    bytes.len() - MAX_READ_BYTES
                ));
            }
            Ok(done(
                json!({"path": display_path(root, &p), "content": content}),
            ))
        }
        Builtin::ListFiles => {
            let given = args.get("path").and_then(Value::as_str).unwrap_or(".");
            let recursive = args
                .get("recursive")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let dir = resolve_or(root, given)?;
            if !dir.is_dir() {
                return Ok(failed(format!(
                    "{given} is not a directory in the workspace"
                )));
            }
            let (entries, truncated) = list(root, &dir, recursive);
            Ok(done(
                json!({"path": display_path(root, &dir), "entries": entries, "truncated": truncated}),
            ))
        }
        Builtin::WriteFile => {
            let given = arg("path")?;
            let content = arg("content")?;
            if content.len() as u64 > max_file_bytes {
                return Ok(failed(format!(
                    "content of {} bytes exceeds the replay file size limit of {max_file_bytes} bytes",
                    content.len()
                )));
            }
            let p = resolve_or(root, given)?;
            if p.is_dir() {
                return Ok(failed(format!("{given} is a directory")));
            }
            regular_or_absent(&p, given)?;
            if let Some(parent) = p.parent() {
                tokio::fs::create_dir_all(parent).await.map_err(|e| {
                    failed(format!("cannot create {}: {e}", display_path(root, parent)))
                })?;
            }
            tokio::fs::write(&p, content)
                .await
                .map_err(|e| failed(format!("cannot write {given}: {e}")))?;
            Ok(done(
                json!({"path": display_path(root, &p), "bytes_written": content.len(), "status": "ok"}),
            ))
        }
        Builtin::EditFile => {
            let given = arg("path")?;
            let old = arg("old_text")?;
            let new = arg("new_text")?;
            let all = args
                .get("replace_all")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if old.is_empty() {
                return Ok(failed("old_text must not be empty".into()));
            }
            let p = resolve_or(root, given)?;
            regular_or_absent(&p, given)?;
            let text = tokio::fs::read_to_string(&p)
                .await
                .map_err(|e| failed(format!("cannot read {given}: {e}")))?;
            let n = text.matches(old).count();
            if n == 0 {
                return Ok(failed(format!("old_text not found in {given}")));
            }
            if n > 1 && !all {
                return Ok(failed(format!(
                    "old_text occurs {n} times in {given}; add context or set replace_all"
                )));
            }
            let edited = if all {
                text.replace(old, new)
            } else {
                text.replacen(old, new, 1)
            };
            tokio::fs::write(&p, &edited)
                .await
                .map_err(|e| failed(format!("cannot write {given}: {e}")))?;
            Ok(done(
                json!({"path": display_path(root, &p), "replacements": if all { n } else { 1 }, "status": "ok"}),
            ))
        }
        other => Ok(failed(format!(
            "{} is not a workspace file tool",
            other.name()
        ))),
    }
}

/// Refuses FIFOs, sockets and devices a command may have left in the workspace: opening one
/// could block the tool layer forever.
fn regular_or_absent(p: &Path, given: &str) -> Result<(), FileResult> {
    match std::fs::metadata(p) {
        Ok(m) if !m.is_file() => Err(failed(format!("{given} is not a regular file"))),
        _ => Ok(()),
    }
}

fn list(root: &Path, dir: &Path, recursive: bool) -> (Vec<Value>, bool) {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut children: Vec<_> = rd.filter_map(Result::ok).collect();
        children.sort_by_key(|c| c.file_name());
        for c in children {
            if out.len() >= MAX_LIST_ENTRIES {
                return (out, true);
            }
            let Ok(meta) = std::fs::symlink_metadata(c.path()) else {
                continue;
            };
            let kind = if meta.file_type().is_symlink() {
                "symlink"
            } else if meta.is_dir() {
                "dir"
            } else {
                "file"
            };
            if recursive && kind == "dir" {
                stack.push(c.path());
            }
            out.push(
                json!({"path": display_path(root, &c.path()), "type": kind, "size": meta.len()}),
            );
        }
    }
    (out, false)
}

/// The host of a URL (`https://user@Example.com:8080/x` → `example.com`), if it has one.
pub(crate) fn url_host(url: &str) -> Option<String> {
    let rest = url.trim().split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        host_port.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_names_round_trip_and_schemas_are_objects() {
        for b in Builtin::ALL {
            assert_eq!(Builtin::from_name(b.name()), Some(b));
            assert_eq!(b.spec().input_schema.unwrap()["type"], "object");
        }
        assert_eq!(builtin_specs().len(), 14);
    }

    #[test]
    fn url_host_strips_userinfo_port_and_case() {
        assert_eq!(
            url_host("https://user@Example.com:8080/x?y"),
            Some("example.com".into())
        );
        assert_eq!(url_host("http://[::1]:80/"), Some("::1".into()));
        assert_eq!(url_host("not a url"), None);
    }
}
