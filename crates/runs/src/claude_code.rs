//! Claude Code session logs (`--format claude-code`, `~/.claude/projects/*/*.jsonl`):
//! one JSON object per line, `type` user / assistant / summary / …, grouped
//! into one run per `sessionId`. `message` holds an Anthropic Messages
//! message, so tool_use / tool_result pairing is the Anthropic importer's.
//!
//! Lines stream one at a time; the sessions of a file are held until the end
//! of the file (a session may continue anywhere in it), then emitted in the
//! order they first appeared.

use crate::anthropic::apply_message;
use crate::import::{
    Conversation, ImportError, ImportOptions, Location, id_from_source, timestamp,
};
use crate::lines::{Lines, kind_of};
use serde_json::Value;
use skillgate_core::Run;
use std::collections::{HashMap, HashSet, VecDeque};
use std::io::BufRead;

struct Session {
    id: String,
    first_line: usize,
    /// `None` once the session failed (its error was already reported).
    conv: Option<Conversation>,
    uuids: HashSet<String>,
}

/// Streams runs out of a Claude Code session log.
pub struct ClaudeCodeReader<R> {
    lines: Lines<R>,
    opts: ImportOptions,
    sessions: Vec<Session>,
    index: HashMap<String, usize>,
    out: VecDeque<Result<Run, ImportError>>,
    done: bool,
}

impl<R: BufRead> ClaudeCodeReader<R> {
    /// Wraps a buffered reader.
    pub fn new(input: R, opts: ImportOptions) -> Self {
        ClaudeCodeReader {
            lines: Lines::new(input, opts.limits),
            opts,
            sessions: Vec::new(),
            index: HashMap::new(),
            out: VecDeque::new(),
            done: false,
        }
    }

    fn handle(&mut self, line: usize, text: &str) -> Result<(), String> {
        let v: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
        let Some(obj) = v.as_object() else {
            return Err(format!(
                "expected a JSON object (one Claude Code log entry), found {}",
                kind_of(&v)
            ));
        };
        let Some(kind) = obj.get("type").and_then(Value::as_str) else {
            return Err("no `type`; Claude Code session lines have type user, assistant, summary, …; is this the right --format?".into());
        };
        if !matches!(kind, "user" | "assistant") {
            return Ok(()); // summary, system, file-history-snapshot, …
        }
        let flag = |k: &str| obj.get(k).and_then(Value::as_bool) == Some(true);
        if flag("isSidechain") || flag("isMeta") {
            return Ok(()); // subagent turns and injected meta messages
        }
        let Some(session_id) = obj.get("sessionId").and_then(Value::as_str) else {
            return Err(format!("`{kind}` line has no `sessionId`"));
        };
        let Some(message) = obj.get("message").and_then(Value::as_object) else {
            return Err(format!("`{kind}` line has no `message` object"));
        };
        let i = match self.index.get(session_id) {
            Some(&i) => i,
            None => {
                self.sessions.push(Session {
                    id: session_id.to_string(),
                    first_line: line,
                    conv: Some(Conversation::default()),
                    uuids: HashSet::new(),
                });
                self.index
                    .insert(session_id.to_string(), self.sessions.len() - 1);
                self.sessions.len() - 1
            }
        };
        let Some(session) = self.sessions.get_mut(i) else {
            return Ok(());
        };
        if let Some(uuid) = obj.get("uuid").and_then(Value::as_str)
            && !session.uuids.insert(uuid.to_string())
        {
            return Ok(()); // the same entry logged again (resumed session)
        }
        let Some(conv) = session.conv.as_mut() else {
            return Ok(());
        };
        let at = timestamp(obj.get("timestamp"));
        conv.saw_time(at.clone());
        let role = message.get("role").and_then(Value::as_str).unwrap_or(kind);
        if let Err(e) = apply_message(conv, role, message.get("content"), at) {
            session.conv = None;
            return Err(format!("{e}; the run of session {} is skipped", session.id));
        }
        Ok(())
    }

    fn finish_all(&mut self) {
        for s in self.sessions.drain(..) {
            let Some(conv) = s.conv else { continue };
            let id = id_from_source("claude-code", &s.id).ok_or_else(|| {
                "session id is longer than 160 characters or has control characters".to_string()
            });
            let item = id
                .and_then(|id| conv.finish(id, self.opts.accept_unlabelled, None, &self.opts))
                .map_err(|reason| ImportError {
                    location: Location::Line(s.first_line),
                    reason: format!("session {}: {reason}", s.id),
                });
            self.out.push_back(item);
        }
        self.index.clear();
    }
}

impl<R: BufRead> Iterator for ClaudeCodeReader<R> {
    type Item = Result<Run, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.out.pop_front() {
                return Some(item);
            }
            if self.done {
                return None;
            }
            match self.lines.next() {
                None => {
                    self.done = true;
                    self.finish_all();
                }
                Some(Err(e)) => return Some(Err(e.into())),
                Some(Ok((line, text))) => {
                    if let Err(reason) = self.handle(line, &text) {
                        return Some(Err(ImportError {
                            location: Location::Line(line),
                            reason,
                        }));
                    }
                }
            }
        }
    }
}
