//! Issue #9 / SPEC §7: with `--log-format json` the real binary writes one JSON object per
//! stderr line, and each pipeline step (docs/logging.md) is one event with a stable `event`
//! name, a `skillgate::<stage>` target and its ids — on the event itself or in the `spans`
//! list (`eval` span: eval, draft, skill, tenant; `trial` span: case, run, arm, trial index).
//! Tool-call events never carry a tool argument raw.

mod eval_common;
mod support;

use assert_cmd::Command;
use eval_common::*;
use serde_json::{Value, json};
use skillgate_scripted_llm::{Mode, Rule, Script, ScriptedToolCall, Step};
use std::path::Path;

/// An OpenAI-style key the replay model puts into tool arguments.
const KEY: &str = "sk-proj-L0gPlantedKey7Qx2Vb9Lm3Nz8Kw5Rt1Yh6";
/// A fragment of [`KEY`] that no redaction marker contains.
const KEY_FRAGMENT: &str = "L0gPlanted";

/// What one command run printed: exit code, stdout and the parsed stderr lines.
struct Logged {
    code: Option<i32>,
    stdout: String,
    events: Vec<Value>,
}

/// Runs `cmd` with `--log-format json` and the default log level; every stderr line must be
/// a JSON object.
fn logged(mut cmd: Command, args: &[&str]) -> Logged {
    let out = cmd
        .env_remove("SKILLGATE_LOG")
        .env_remove("RUST_LOG")
        .arg("--log-format")
        .arg("json")
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let events = stderr
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("stderr line is not JSON ({e}): {line}\n{stderr}"));
            assert!(v.is_object(), "stderr line is not a JSON object: {line}");
            v
        })
        .collect();
    Logged {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        events,
    }
}

/// A field of an event: on the event itself, else in the innermost span that has it.
fn field<'a>(event: &'a Value, name: &str) -> Option<&'a Value> {
    if let Some(v) = event.get(name) {
        return Some(v);
    }
    event
        .get("spans")?
        .as_array()?
        .iter()
        .rev()
        .find_map(|span| span.get(name))
}

/// A field that must be present and, as text, non-empty.
fn id(event: &Value, name: &str) -> String {
    let v = field(event, name).unwrap_or_else(|| panic!("no `{name}` in {event}"));
    let text = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    assert!(!text.is_empty(), "`{name}` is empty in {event}");
    text
}

/// The events named `name`.
fn named<'a>(events: &'a [Value], name: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["event"] == name).collect()
}

/// Every named event has a level, a timestamp, a message and a `skillgate::<stage>` target.
fn assert_well_formed(events: &[Value]) {
    for e in events.iter().filter(|e| e.get("event").is_some()) {
        assert!(e["level"].is_string(), "{e}");
        assert!(e["timestamp"].is_string(), "{e}");
        assert!(e["message"].is_string(), "{e}");
        let target = e["target"].as_str().unwrap();
        assert!(target.starts_with("skillgate::"), "{e}");
    }
}

fn write_draft(dir: &Path) -> std::path::PathBuf {
    let folder = dir.join(SKILL);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("SKILL.md"),
        format!(
            "---\nname: {SKILL}\ndescription: Writes weekly status reports LOGMARK. Use when asked for a status report.\n---\n\n## Steps\n\nWrite the report and list the risks.\n"
        ),
    )
    .unwrap();
    folder
}

#[tokio::test]
async fn draft_eval_and_refused_publish_log_one_json_event_per_step_with_their_ids() {
    let tmp = tempfile::tempdir().unwrap();
    fixture(tmp.path()).await;
    let folder = write_draft(tmp.path());

    // Draft + safety report.
    let submit = logged(
        skillgate(tmp.path()),
        &["--json", "draft", "submit", folder.to_str().unwrap()],
    );
    assert_eq!(submit.code, Some(0), "{}", submit.stdout);
    let summary: Value = serde_json::from_str(&submit.stdout).unwrap();
    let draft = summary["draft_id"].as_str().unwrap().to_string();
    assert_well_formed(&submit.events);
    let submitted = named(&submit.events, "draft.submitted");
    assert_eq!(submitted.len(), 1, "{:?}", submit.events);
    let s = submitted[0];
    assert_eq!(s["target"], "skillgate::draft");
    assert_eq!(id(s, "draft_id"), draft);
    assert_eq!(id(s, "skill"), SKILL);
    assert_eq!(s["lint_errors"], 0);
    assert!(s["lint_warnings"].is_u64(), "{s}");
    assert_eq!(id(s, "safety"), "passed");
    assert_eq!(
        id(s, "preservation"),
        summary["check"]["preservation"]["status"]
    );

    // Eval without a provider: provider unavailability, case selection, report.
    let eval = logged(
        skillgate(tmp.path()),
        &["--json", "eval", &draft, "--cases", "2"],
    );
    assert_eq!(eval.code, Some(0), "{:?}", eval.events);
    let report: Value = serde_json::from_str(&eval.stdout).unwrap();
    let eval_id = report["eval_id"].as_str().unwrap().to_string();
    assert_well_formed(&eval.events);

    let unavailable = named(&eval.events, "provider.unavailable");
    assert_eq!(unavailable.len(), 1, "{:?}", eval.events);
    let u = unavailable[0];
    assert_eq!(u["target"], "skillgate::provider");
    assert_eq!(u["configured"], false);
    assert!(id(u, "reason").contains("no provider is configured"), "{u}");
    for name in ["provider", "base_url", "model"] {
        assert!(u.get(name).is_some(), "no `{name}` in {u}");
    }

    let selected = named(&eval.events, "selection.case_selected");
    assert_eq!(selected.len(), 2, "{:?}", eval.events);
    let case_ids: Vec<&str> = report["replay_cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["case_id"].as_str().unwrap())
        .collect();
    for e in &selected {
        assert_eq!(e["target"], "skillgate::selection");
        assert_eq!(id(e, "eval_id"), eval_id);
        assert_eq!(id(e, "draft_id"), draft);
        assert_eq!(id(e, "skill"), SKILL);
        assert_eq!(id(e, "tenant"), "acme");
        assert!(case_ids.contains(&id(e, "case").as_str()), "{e}");
        assert!(id(e, "run_id").starts_with("run-"), "{e}");
        id(e, "reason");
    }
    let skipped = named(&eval.events, "selection.run_skipped");
    assert_eq!(skipped.len(), 1, "{:?}", eval.events);
    assert_eq!(id(skipped[0], "eval_id"), eval_id);
    assert_eq!(id(skipped[0], "tenant"), "acme");
    assert!(id(skipped[0], "run_id").starts_with("run-"));
    assert!(
        id(skipped[0], "reason").contains("over the cap"),
        "{}",
        skipped[0]
    );

    let started = named(&eval.events, "eval.started");
    assert_eq!(started.len(), 1);
    assert_eq!(id(started[0], "mode"), "heuristic");

    let stored = named(&eval.events, "eval.report_stored");
    assert_eq!(stored.len(), 1, "{:?}", eval.events);
    let r = stored[0];
    assert_eq!(r["target"], "skillgate::eval");
    assert_eq!(id(r, "eval_id"), eval_id);
    assert_eq!(id(r, "draft_id"), draft);
    assert_eq!(id(r, "skill"), SKILL);
    assert_eq!(id(r, "tenant"), "acme");
    assert_eq!(id(r, "status"), report["status"].as_str().unwrap());
    assert_eq!(id(r, "mode"), "heuristic");
    assert_eq!(id(r, "confidence"), report["confidence"].as_str().unwrap());
    id(r, "report_id");
    // No scores in heuristic mode: no delta in the report, none in the event.
    assert!(report["score_delta"].is_null());
    assert!(r.get("delta").is_none(), "{r}");
    for name in [
        "execution_coverage",
        "surrogate_coverage",
        "blocked_coverage",
    ] {
        assert_eq!(r[name], report[name], "{name} in {r}");
    }
    assert_eq!(r["cases"], 2);

    // Publish refused by the gate (no review yet).
    let publish = logged(
        skillgate(tmp.path()),
        &["publish", &draft, "--actor", "log-tester"],
    );
    assert_eq!(publish.code, Some(1), "{}", publish.stdout);
    assert_well_formed(&publish.events);
    let failed = named(&publish.events, "gate.rule_failed");
    assert!(!failed.is_empty(), "{:?}", publish.events);
    for f in &failed {
        assert_eq!(f["target"], "skillgate::gate");
        assert_eq!(id(f, "draft_id"), draft);
        assert_eq!(id(f, "skill"), SKILL);
        assert_eq!(id(f, "actor"), "log-tester");
        id(f, "rule");
        id(f, "fix");
    }
    let refused = named(&publish.events, "gate.publish_refused");
    assert_eq!(refused.len(), 1, "{:?}", publish.events);
    let rules = id(refused[0], "rules");
    assert!(rules.split(',').any(|r| r == "review-missing"), "{rules}");
    for f in failed.iter().filter(|f| f["enforced"] == true) {
        assert!(rules.split(',').any(|r| r == id(f, "rule")), "{rules}");
    }
    assert_eq!(id(refused[0], "draft_id"), draft);
    assert_eq!(id(refused[0], "skill"), SKILL);
    assert_eq!(id(refused[0], "actor"), "log-tester");
}

#[tokio::test]
async fn json_log_format_turns_the_final_error_into_a_json_event() {
    let tmp = tempfile::tempdir().unwrap();
    fixture(tmp.path()).await;
    let out = logged(skillgate(tmp.path()), &["eval", "drf_missing"]);
    assert_eq!(out.code, Some(1));
    let errors = named(&out.events, "cli.error");
    assert_eq!(errors.len(), 1, "{:?}", out.events);
    assert_eq!(errors[0]["level"], "ERROR");
    assert!(
        id(errors[0], "message").contains("drf_missing"),
        "{}",
        errors[0]
    );
}

fn tool_step(name: &str, arguments: Value) -> Step {
    Step {
        tool_calls: vec![ScriptedToolCall {
            id: None,
            name: name.into(),
            arguments,
        }],
        ..Step::default()
    }
}

/// Every case: write a file (executed), run a command (surrogate: no sandbox), send an email
/// (surrogate), make a payment (blocked), call a tool nobody offered (rejected by the loop) —
/// each with [`KEY`] in its arguments — then answer.
fn script() -> Script {
    Script {
        rules: vec![
            Rule {
                when_system_contains: Some("You simulate the result of a tool call".into()),
                steps: vec![Step::text(r#"{"status": "sent"}"#)],
                ..Default::default()
            },
            Rule {
                when_any_message_contains: Some("case-".into()),
                mode: Mode::ByTurn,
                steps: vec![
                    tool_step(
                        "write_file",
                        json!({"path": "notes/keys.md", "content": format!("key {KEY}\n")}),
                    ),
                    tool_step(
                        "run_command",
                        json!({"command": format!("curl -H 'Authorization: Bearer {KEY}' https://api.example.com/")}),
                    ),
                    tool_step(
                        "send_email",
                        json!({"to": ["ops@example.com"], "subject": format!("key {KEY}"), "body": KEY}),
                    ),
                    tool_step(
                        "make_payment",
                        json!({"amount": 1, "currency": "EUR", "recipient": "ops", "memo": KEY}),
                    ),
                    tool_step("drop_database", json!({"confirm": KEY})),
                    Step::text("ALPHA-OK BETA-OK GAMMA-OK"),
                ],
                ..Default::default()
            },
        ],
        steps: vec![Step::text("OK")],
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_logs_each_trial_with_source_and_each_tool_call_without_raw_arguments() {
    let tmp = tempfile::tempdir().unwrap();
    let draft = fixture(tmp.path()).await;
    let server = skillgate_scripted_llm::start(script()).await.unwrap();
    let mut cmd = skillgate(tmp.path());
    cmd.env("SKILLGATE_BASE_URL", server.openai_base_url())
        .env("SKILLGATE_MODEL", "scripted");
    let eval = logged(
        cmd,
        &["--json", "eval", &draft, "--cases", "1", "--trials", "1"],
    );
    assert_eq!(eval.code, Some(0), "{:?}", eval.events);
    let report: Value = serde_json::from_str(&eval.stdout).unwrap();
    assert_eq!(report["mode"], "replay", "{}", eval.stdout);
    let eval_id = report["eval_id"].as_str().unwrap().to_string();
    assert_well_formed(&eval.events);

    // One event per trial, with the replay source and every id.
    let trials = named(&eval.events, "replay.trial_stored");
    assert_eq!(trials.len(), 2, "{:?}", eval.events);
    let mut arms: Vec<String> = Vec::new();
    for t in &trials {
        assert_eq!(t["target"], "skillgate::replay");
        assert_eq!(id(t, "source"), "skill_replay_eval");
        assert_eq!(id(t, "eval_id"), eval_id);
        assert_eq!(id(t, "draft_id"), draft);
        assert_eq!(id(t, "skill"), SKILL);
        assert_eq!(id(t, "tenant"), "acme");
        id(t, "case");
        assert!(id(t, "run_id").starts_with("run-"), "{t}");
        assert_eq!(id(t, "trial"), "0");
        assert_eq!(id(t, "status"), "finished");
        id(t, "duration_ms");
        assert!(t["input_tokens"].as_u64().unwrap() > 0, "{t}");
        id(t, "output_tokens");
        arms.push(id(t, "arm"));
    }
    arms.sort();
    assert_eq!(arms, ["baseline", "candidate"]);

    // One event per tool call, inside the eval and trial spans.
    let calls = named(&eval.events, "tool.call");
    assert_eq!(calls.len(), 8, "{:?}", eval.events);
    let mut modes: Vec<String> = Vec::new();
    for c in &calls {
        assert_eq!(c["target"], "skillgate::tools");
        let spans: Vec<&str> = c["spans"]
            .as_array()
            .unwrap_or_else(|| panic!("no spans in {c}"))
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert_eq!(spans, ["eval", "trial"], "{c}");
        assert_eq!(id(c, "eval_id"), eval_id);
        assert_eq!(id(c, "draft_id"), draft);
        assert_eq!(id(c, "skill"), SKILL);
        assert_eq!(id(c, "tenant"), "acme");
        assert_eq!(id(c, "source"), "skill_replay_eval");
        id(c, "case");
        id(c, "run_id");
        id(c, "arm");
        id(c, "trial");
        id(c, "tool");
        id(c, "rule");
        id(c, "reason");
        assert!(c.get("arguments").is_none(), "{c}");
        modes.push(id(c, "mode"));
    }
    modes.sort();
    modes.dedup();
    assert_eq!(modes, ["blocked", "executed", "surrogate"], "{calls:?}");
    let stored = named(&eval.events, "eval.report_stored");
    assert_eq!(stored.len(), 1, "{:?}", eval.events);
    assert_eq!(id(stored[0], "eval_id"), eval_id);
    assert_eq!(stored[0]["delta"], report["score_delta"]);
    assert_eq!(stored[0]["blocked_coverage"], report["blocked_coverage"]);
    assert!(report["blocked_coverage"].as_f64().unwrap() > 0.0);

    let rejected = named(&eval.events, "replay.tool_call_rejected");
    assert_eq!(rejected.len(), 2, "{:?}", eval.events);
    for r in &rejected {
        assert_eq!(id(r, "tool"), "drop_database");
        assert_eq!(id(r, "eval_id"), eval_id);
        id(r, "arm");
        id(r, "reason");
    }
    let command = calls.iter().find(|c| c["tool"] == "run_command").unwrap();
    assert_eq!(id(command, "arg_keys"), "command");

    // The key in the arguments never reaches the log raw; what the events derive from the
    // arguments went through the redactor.
    let all = eval
        .events
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(!all.contains(KEY_FRAGMENT), "{all}");
    assert!(all.contains("[REDACTED:"), "{all}");
    server.shutdown();
}
