//! The OpenAI, Anthropic and Claude Code importers on the shared real
//! fixtures (`../shared/fixtures/trajectories`) and on broken input.

use proptest::prelude::*;
use serde_json::{Value, json};
use skillgate_core::Run;
use skillgate_runs::{ImportError, ImportOptions, Location, ReaderLimits, RunFormat, import_runs};
use std::io::Cursor;
use std::path::PathBuf;

fn fixture(rel: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/trajectories")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| {
        panic!(
            "shared fixture missing at {} ({e}; CI lays shared/ beside the repo)",
            p.display()
        )
    })
}

fn import(bytes: &[u8], format: RunFormat, opts: ImportOptions) -> Vec<Result<Run, ImportError>> {
    import_runs(Cursor::new(bytes.to_vec()), format, opts).collect()
}

fn ok_runs(items: &[Result<Run, ImportError>]) -> Vec<&Run> {
    items.iter().filter_map(|r| r.as_ref().ok()).collect()
}

fn errors(items: &[Result<Run, ImportError>]) -> Vec<String> {
    items
        .iter()
        .filter_map(|r| r.as_ref().err().map(ToString::to_string))
        .collect()
}

fn names(run: &Run) -> Vec<&str> {
    run.tool_calls.iter().map(|c| c.name.as_str()).collect()
}

// ---- OpenAI: tau-bench gpt-4o airline -------------------------------------

fn tau() -> Vec<Result<Run, ImportError>> {
    import(
        &fixture("tau-bench/gpt-4o-airline.subset.json"),
        RunFormat::OpenAi,
        ImportOptions::default(),
    )
}

#[test]
fn every_tau_bench_entry_imports_with_a_unique_stable_id() {
    let items = tau();
    assert_eq!(errors(&items), Vec::<String>::new());
    let runs = ok_runs(&items);
    assert_eq!(runs.len(), 12);
    let mut ids: Vec<&str> = runs.iter().map(|r| r.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 12, "ids must be unique: {ids:?}");
    let again = tau();
    let again_ids: Vec<&str> = ok_runs(&again).iter().map(|r| r.id.as_str()).collect();
    let first_ids: Vec<&str> = runs.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(first_ids, again_ids);
    assert_eq!(runs, ok_runs(&again), "re-import maps to identical runs");
}

#[test]
fn tau_bench_reward_one_is_accepted_and_zero_is_not() {
    let items = tau();
    let runs = ok_runs(&items);
    let accepted: Vec<&str> = runs
        .iter()
        .filter(|r| r.accepted)
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(accepted.len(), 7, "{accepted:?}");
    let task4 = runs
        .iter()
        .find(|r| r.id.starts_with("openai-task4-trial0-"))
        .unwrap();
    assert!(!task4.accepted);
}

#[test]
fn tau_bench_task_6_maps_task_calls_results_and_answer() {
    let items = tau();
    let runs = ok_runs(&items);
    let run = runs
        .iter()
        .find(|r| r.id.starts_with("openai-task6-trial0-"))
        .unwrap();
    assert!(run.accepted);
    assert_eq!(run.tenant, "default");
    assert_eq!(run.locale, "en");
    assert_eq!(
        run.task,
        "Hi there! I'd like to change my flight reservation."
    );
    assert_eq!(
        names(run),
        vec![
            "get_user_details",
            "get_reservation_details",
            "search_onestop_flight",
            "think",
            "calculate",
            "update_reservation_flights"
        ]
    );
    assert_eq!(
        run.tool_calls[0].arguments,
        json!({"user_id": "aarav_garcia_1177"})
    );
    assert_eq!(
        run.tool_calls[4].arguments,
        json!({"expression": "105 + 102"})
    );
    assert_eq!(run.tool_calls[4].result, json!("207.0"));
    assert_eq!(run.tool_calls[0].toolset, None);
    assert!(
        run.final_answer
            .starts_with("Your reservation has been successfully updated"),
        "{}",
        run.final_answer
    );
    assert_eq!(run.messages[0].role, "system");
    assert_eq!(run.messages.iter().filter(|m| m.role == "tool").count(), 6);
    assert_eq!(run.created_at, None, "tau-bench logs carry no timestamps");
    assert_eq!(run.accepted_at, None);
}

#[test]
fn tau_bench_reused_call_ids_pair_each_result_with_the_latest_call() {
    let items = tau();
    let runs = ok_runs(&items);
    let run = runs
        .iter()
        .find(|r| r.id.starts_with("openai-task17-trial3-"))
        .unwrap();
    let last = run.tool_calls.last().unwrap();
    assert_eq!(
        last.arguments,
        json!({"expression": "(404 + 202 + 148 + 114) * 3"})
    );
    assert_eq!(last.result, json!("2604.0"));
    let first_reuse = run
        .tool_calls
        .iter()
        .find(|c| c.arguments == json!({"reservation_id": "4NQLHD"}))
        .unwrap();
    assert!(
        first_reuse
            .result
            .as_str()
            .unwrap()
            .contains("\"origin\": \"IAH\"")
    );
}

#[test]
fn a_call_id_reused_while_still_open_rejects_the_run() {
    let mut bad = chat(Some("open"));
    bad["messages"][1]["tool_calls"] = json!([
        {"id": "c1", "type": "function", "function": {"name": "a", "arguments": "{}"}},
        {"id": "c1", "type": "function", "function": {"name": "b", "arguments": ""}}
    ]);
    let items = import(
        bad.to_string().as_bytes(),
        RunFormat::OpenAi,
        ImportOptions::default(),
    );
    let e = errors(&items).remove(0);
    assert!(
        e.contains(
            "tool_calls[1]: tool call id 'c1' is used again before its first call got a result"
        ),
        "{e}"
    );
}

#[test]
fn tau_bench_few_shot_display_text_is_rejected_with_the_reason() {
    let items = import(
        &fixture("tau-bench/MockAirlineDomainEnv-few_shot.jsonl"),
        RunFormat::OpenAi,
        ImportOptions::default(),
    );
    assert!(!items.is_empty());
    assert!(ok_runs(&items).is_empty());
    for (i, e) in errors(&items).iter().enumerate() {
        assert!(e.starts_with(&format!("line {}:", i + 1)), "{e}");
        assert!(e.contains("no `messages` array"), "{e}");
    }
}

// ---- OpenAI: other shapes and bad input -----------------------------------

fn chat(id: Option<&str>) -> Value {
    let mut v = json!({
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "What is 2+2?"}]},
            {"role": "assistant", "content": null, "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "calculate", "arguments": "{\"expression\":\"2+2\"}"}}
            ]},
            {"role": "tool", "tool_call_id": "c1", "content": "4"},
            {"role": "assistant", "content": "4"}
        ]
    });
    if let Some(id) = id {
        v["id"] = json!(id);
    }
    v
}

#[test]
fn openai_jsonl_chat_lines_import_with_explicit_or_content_ids() {
    let input = format!("{}\n\n{}\n", chat(Some("conv-1")), chat(None));
    let items = import(
        input.as_bytes(),
        RunFormat::OpenAi,
        ImportOptions::default(),
    );
    let runs = ok_runs(&items);
    assert_eq!(runs.len(), 2, "{:?}", errors(&items));
    assert_eq!(runs[0].id, "openai-conv-1");
    assert!(runs[1].id.starts_with("openai-") && runs[1].id.len() == "openai-".len() + 16);
    assert_eq!(runs[1].tool_calls[0].result, json!("4"));
    assert_eq!(runs[1].final_answer, "4");
    assert!(
        !runs[1].accepted,
        "no outcome in the log: not accepted by default"
    );
}

#[test]
fn accept_flag_marks_unlabelled_runs_accepted_but_not_failed_ones() {
    let mut failed = chat(Some("f"));
    failed["reward"] = json!(0.0);
    let input = format!("{}\n{}\n", chat(Some("u")), failed);
    let opts = ImportOptions {
        accept_unlabelled: true,
        tenant: "acme".into(),
        locale: "zh-CN".into(),
        ..ImportOptions::default()
    };
    let items = import(input.as_bytes(), RunFormat::OpenAi, opts);
    let runs = ok_runs(&items);
    assert!(runs[0].accepted);
    assert!(!runs[1].accepted);
    assert_eq!(runs[0].tenant, "acme");
    assert_eq!(runs[0].locale, "zh-CN");
}

#[test]
fn openai_single_pretty_printed_object_is_one_entry() {
    let input = serde_json::to_string_pretty(&chat(Some("solo"))).unwrap();
    let items = import(
        input.as_bytes(),
        RunFormat::OpenAi,
        ImportOptions::default(),
    );
    assert_eq!(ok_runs(&items).len(), 1, "{:?}", errors(&items));
    assert_eq!(ok_runs(&items)[0].id, "openai-solo");
}

#[test]
fn openai_request_response_pair_appends_the_reply() {
    let entry = json!({
        "request": {"messages": [{"role": "user", "content": "Say hi"}]},
        "response": {"id": "chatcmpl-9", "created": 1767225600,
            "choices": [{"message": {"role": "assistant", "content": "hi"}}]}
    });
    let items = import(
        entry.to_string().as_bytes(),
        RunFormat::OpenAi,
        ImportOptions::default(),
    );
    let run = ok_runs(&items)[0].clone();
    assert_eq!(run.id, "openai-chatcmpl-9");
    assert_eq!(run.final_answer, "hi");
    assert_eq!(run.created_at.as_deref(), Some("2026-01-01T00:00:00Z"));
}

#[test]
fn openai_tool_result_without_call_skips_that_run_only() {
    let mut bad = chat(Some("bad"));
    bad["messages"][2]["tool_call_id"] = json!("nope");
    let input = format!("{}\n{}\n{}\n", chat(Some("a")), bad, chat(Some("c")));
    let items = import(
        input.as_bytes(),
        RunFormat::OpenAi,
        ImportOptions::default(),
    );
    let ids: Vec<&str> = ok_runs(&items).iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, vec!["openai-a", "openai-c"]);
    let errs = errors(&items);
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0].starts_with(
            "line 2: messages[2]: tool result for call id 'nope' has no matching tool call"
        ),
        "{}",
        errs[0]
    );
}

#[test]
fn openai_array_entries_are_located_by_entry_number() {
    let mut bad = chat(None);
    bad["messages"] = json!("not a list");
    let input = json!([chat(Some("a")), bad, 7]).to_string();
    let items = import(
        input.as_bytes(),
        RunFormat::OpenAi,
        ImportOptions::default(),
    );
    assert_eq!(ok_runs(&items).len(), 1);
    let errs: Vec<&ImportError> = items.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(errs[0].location, Location::Entry(2));
    assert!(errs[0].reason.contains("expected an array of messages"));
    assert_eq!(errs[1].location, Location::Entry(3));
    assert!(errs[1].reason.contains("found a number"));
    assert_eq!(errs[1].location.in_file("x.json"), "x.json: entry 3");
}

#[test]
fn openai_array_over_the_size_cap_is_refused_with_the_fix() {
    let input = json!([chat(Some("a")), chat(Some("b"))]).to_string();
    let opts = ImportOptions {
        limits: ReaderLimits {
            max_line_bytes: 100,
        },
        ..ImportOptions::default()
    };
    let pretty = input.replace("[{", "[\n{");
    let items = import(pretty.as_bytes(), RunFormat::OpenAi, opts);
    assert_eq!(items.len(), 1);
    let e = items[0].as_ref().unwrap_err().to_string();
    assert!(e.contains("over the 100 byte limit"), "{e}");
    assert!(e.contains("JSON Lines"), "{e}");
}

#[test]
fn openai_malformed_non_utf8_and_huge_lines_are_reported_and_neighbours_kept() {
    let mut input = format!("{}\n", chat(Some("a"))).into_bytes();
    input.extend_from_slice(b"{\"messages\": [\n");
    input.extend_from_slice(b"{\"messages\": \"\xff\"}\n");
    input.extend_from_slice(
        format!("{{\"messages\":[],\"pad\":\"{}\"}}\n", "x".repeat(5000)).as_bytes(),
    );
    input.extend_from_slice(format!("{}\n", chat(Some("e"))).as_bytes());
    let opts = ImportOptions {
        limits: ReaderLimits {
            max_line_bytes: 4096,
        },
        ..ImportOptions::default()
    };
    let items = import(&input, RunFormat::OpenAi, opts);
    let ids: Vec<&str> = ok_runs(&items).iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, vec!["openai-a", "openai-e"]);
    let errs = errors(&items);
    assert!(errs[0].starts_with("line 2: not valid JSON"), "{errs:?}");
    assert!(errs[1].starts_with("line 3: not valid UTF-8"), "{errs:?}");
    assert!(
        errs[2].starts_with("line 4: line is 5025 bytes, over the 4096 byte limit"),
        "{errs:?}"
    );
}

#[test]
fn jsonl_with_a_cut_off_first_line_keeps_the_lines_after_it() {
    let input = format!(
        "{{\"messages\": [{{\"role\"\n{}\n{}\n",
        chat(Some("b")),
        chat(Some("c"))
    );
    let items = import(
        input.as_bytes(),
        RunFormat::OpenAi,
        ImportOptions::default(),
    );
    let ids: Vec<&str> = ok_runs(&items).iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, vec!["openai-b", "openai-c"]);
    let errs = errors(&items);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].starts_with("line 1: not valid JSON"), "{errs:?}");
}

#[test]
fn multi_line_document_errors_point_at_the_file_line() {
    let input =
        "{\n  \"messages\": [\n    {\"role\": \"user\", \"content\": \"hi\"},\n    oops\n  ]\n}\n";
    let items = import(
        input.as_bytes(),
        RunFormat::OpenAi,
        ImportOptions::default(),
    );
    let errs = errors(&items);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with("line 4: not valid JSON: expected value"),
        "{errs:?}"
    );
}

#[test]
fn openai_importer_points_anthropic_logs_to_the_right_format() {
    let entry = json!({"messages": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "t", "name": "x", "input": {}}]}
    ]});
    let items = import(
        entry.to_string().as_bytes(),
        RunFormat::OpenAi,
        ImportOptions::default(),
    );
    let e = errors(&items).remove(0);
    assert!(
        e.contains("use --format anthropic") || e.contains("with --format anthropic"),
        "{e}"
    );
}

// ---- Claude Code -----------------------------------------------------------

#[test]
fn claude_code_representative_session_maps_to_one_run() {
    let items = import(
        &fixture("claude-code-jsonl/representative_messages.jsonl"),
        RunFormat::ClaudeCode,
        ImportOptions::default(),
    );
    assert_eq!(errors(&items), Vec::<String>::new());
    let runs = ok_runs(&items);
    assert_eq!(runs.len(), 1);
    let run = runs[0];
    assert_eq!(run.id, "claude-code-test_session");
    assert_eq!(
        run.task,
        "Hello Claude! Can you help me understand how Python decorators work?"
    );
    assert_eq!(names(run), vec!["Edit", "Bash"]);
    assert_eq!(
        run.tool_calls[1].arguments["command"],
        json!("python /tmp/decorator_example.py")
    );
    assert_eq!(
        run.tool_calls[1].result,
        json!("Hello, Alice!\nHello, Alice!\nHello, Alice!")
    );
    assert_eq!(
        run.tool_calls[1].started_at.as_deref(),
        Some("2025-06-14T10:03:00Z")
    );
    assert_eq!(run.created_at.as_deref(), Some("2025-06-14T10:00:00Z"));
    assert!(
        run.final_answer.starts_with("Perfect! As you can see"),
        "{}",
        run.final_answer
    );
    assert!(!run.accepted, "Claude Code logs record no outcome");
    assert_eq!(run.accepted_at, None);
}

#[test]
fn claude_code_accept_flag_sets_accepted_at_to_the_last_timestamp() {
    let opts = ImportOptions {
        accept_unlabelled: true,
        ..ImportOptions::default()
    };
    let items = import(
        &fixture("claude-code-jsonl/representative_messages.jsonl"),
        RunFormat::ClaudeCode,
        opts,
    );
    let run = ok_runs(&items)[0];
    assert!(run.accepted);
    assert_eq!(run.accepted_at.as_deref(), Some("2025-06-14T10:04:00Z"));
}

#[test]
fn claude_code_todowrite_session_keeps_every_call_in_order() {
    let items = import(
        &fixture("claude-code-jsonl/todowrite_examples.jsonl"),
        RunFormat::ClaudeCode,
        ImportOptions::default(),
    );
    assert_eq!(errors(&items), Vec::<String>::new());
    let runs = ok_runs(&items);
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].id, "claude-code-todowrite_session");
    assert_eq!(names(runs[0]), vec!["TodoWrite"; 3]);
    assert!(
        runs[0].tool_calls[2]
            .result
            .as_str()
            .unwrap()
            .starts_with("Todos have been modified")
    );
    assert_eq!(
        runs[0].task,
        "Can you help me implement a new feature with proper task management?"
    );
}

fn cc_line(session: &str, uuid: &str, kind: &str, content: Value) -> String {
    json!({"type": kind, "sessionId": session, "uuid": uuid, "timestamp": "2026-01-02T03:04:05Z",
           "message": {"role": kind, "content": content}})
    .to_string()
}

#[test]
fn claude_code_groups_interleaved_sessions_and_skips_a_broken_one() {
    let lines = [
        cc_line("s1", "1", "user", json!("Fix the bug in main.rs")),
        cc_line("s2", "2", "user", json!("List files")),
        cc_line(
            "s1",
            "3",
            "assistant",
            json!([{"type": "tool_use", "id": "t1", "name": "mcp__fs__read", "input": {"path": "main.rs"}}]),
        ),
        cc_line(
            "s2",
            "4",
            "user",
            json!([{"type": "tool_result", "tool_use_id": "ghost", "content": "x"}]),
        ),
        "not json".to_string(),
        cc_line(
            "s1",
            "5",
            "user",
            json!([{"type": "tool_result", "tool_use_id": "t1", "content": [{"type": "text", "text": "fn main(){}"}], "is_error": false}]),
        ),
        cc_line(
            "s1",
            "5",
            "user",
            json!([{"type": "tool_result", "tool_use_id": "t1", "content": "dup"}]),
        ),
        cc_line(
            "s1",
            "6",
            "assistant",
            json!([{"type": "text", "text": "Fixed."}]),
        ),
        json!({"type": "summary", "summary": "x", "leafUuid": "6"}).to_string(),
    ];
    let items = import(
        lines.join("\n").as_bytes(),
        RunFormat::ClaudeCode,
        ImportOptions::default(),
    );
    let errs = errors(&items);
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(
        errs[0].starts_with(
            "line 4: content[0]: tool result for call id 'ghost' has no matching tool call"
        ),
        "{}",
        errs[0]
    );
    assert!(errs[0].contains("session s2 is skipped"), "{}", errs[0]);
    assert!(errs[1].starts_with("line 5: not valid JSON"), "{}", errs[1]);
    let runs = ok_runs(&items);
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].id, "claude-code-s1");
    assert_eq!(runs[0].tool_calls[0].toolset.as_deref(), Some("fs"));
    assert_eq!(
        runs[0].tool_calls[0].result,
        json!("fn main(){}"),
        "the repeated uuid is ignored"
    );
    assert_eq!(runs[0].final_answer, "Fixed.");
}

#[test]
fn claude_code_huge_and_non_utf8_lines_are_reported_and_the_session_kept() {
    let mut input = cc_line("s", "1", "user", json!("Summarise the log")).into_bytes();
    input.push(b'\n');
    input.extend_from_slice(
        cc_line(
            "s",
            "2",
            "assistant",
            json!([{"type": "text", "text": "x".repeat(3000)}]),
        )
        .as_bytes(),
    );
    input.extend_from_slice(b"\n{\"type\":\"user\",\"sessionId\":\"s\xff\"}\n");
    input.extend_from_slice(
        cc_line(
            "s",
            "3",
            "assistant",
            json!([{"type": "text", "text": "Done."}]),
        )
        .as_bytes(),
    );
    let opts = ImportOptions {
        limits: ReaderLimits {
            max_line_bytes: 1024,
        },
        ..ImportOptions::default()
    };
    let items = import(&input, RunFormat::ClaudeCode, opts);
    let errs = errors(&items);
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(errs[0].starts_with("line 2: line is"), "{errs:?}");
    assert!(errs[1].starts_with("line 3: not valid UTF-8"), "{errs:?}");
    let runs = ok_runs(&items);
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].final_answer, "Done.");
}

#[test]
fn claude_code_detects_the_skill_tool_and_ignores_injected_commands_as_task() {
    let lines = [
        cc_line(
            "s",
            "1",
            "user",
            json!("<command-name>/clear</command-name>"),
        ),
        cc_line("s", "2", "user", json!("Make a PDF of the report")),
        cc_line(
            "s",
            "3",
            "assistant",
            json!([{"type": "tool_use", "id": "t", "name": "Skill", "input": {"command": "pdf"}}]),
        ),
        cc_line(
            "s",
            "4",
            "user",
            json!([{"type": "tool_result", "tool_use_id": "t", "content": "loaded", "is_error": true}]),
        ),
    ];
    let items = import(
        lines.join("\n").as_bytes(),
        RunFormat::ClaudeCode,
        ImportOptions::default(),
    );
    let run = ok_runs(&items)[0];
    assert_eq!(run.task, "Make a PDF of the report");
    assert_eq!(run.skill.as_deref(), Some("pdf"));
    assert_eq!(
        run.tool_calls[0].result,
        json!({"is_error": true, "content": "loaded"})
    );
    assert_eq!(run.final_answer, "");
}

#[test]
fn claude_code_session_without_user_text_is_rejected_at_its_first_line() {
    let lines = [
        json!({"type": "summary", "summary": "x"}).to_string(),
        cc_line(
            "s",
            "1",
            "assistant",
            json!([{"type": "text", "text": "hello"}]),
        ),
    ];
    let items = import(
        lines.join("\n").as_bytes(),
        RunFormat::ClaudeCode,
        ImportOptions::default(),
    );
    let e = errors(&items).remove(0);
    assert!(
        e.starts_with("line 2: session s: no user message with text"),
        "{e}"
    );
}

#[test]
fn claude_code_reader_rejects_lines_of_another_format() {
    let items = import(
        chat(None).to_string().as_bytes(),
        RunFormat::ClaudeCode,
        ImportOptions::default(),
    );
    let e = errors(&items).remove(0);
    assert!(
        e.contains("no `type`") && e.contains("right --format"),
        "{e}"
    );
}

// ---- Anthropic --------------------------------------------------------------

/// The Claude Code fixture's messages, laid out as one Anthropic Messages request.
fn anthropic_from_fixture() -> Value {
    let text =
        String::from_utf8(fixture("claude-code-jsonl/representative_messages.jsonl")).unwrap();
    let messages: Vec<Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| v.get("message").cloned())
        .map(|m| json!({"role": m["role"], "content": m["content"]}))
        .collect();
    json!({"system": [{"type": "text", "text": "You are a helpful assistant."}], "messages": messages})
}

#[test]
fn anthropic_request_log_maps_blocks_to_calls_and_results() {
    let entry = anthropic_from_fixture();
    let items = import(
        entry.to_string().as_bytes(),
        RunFormat::Anthropic,
        ImportOptions::default(),
    );
    assert_eq!(errors(&items), Vec::<String>::new());
    let run = ok_runs(&items)[0];
    assert!(run.id.starts_with("anthropic-"));
    assert_eq!(names(run), vec!["Edit", "Bash"]);
    assert_eq!(run.messages[0].role, "system");
    assert_eq!(
        run.task,
        "Hello Claude! Can you help me understand how Python decorators work?"
    );
    assert_eq!(
        run.tool_calls[0].result,
        json!("File created successfully at: /tmp/decorator_example.py")
    );
}

#[test]
fn anthropic_request_response_pair_uses_the_response_as_final_turn() {
    let entry = json!({
        "request": {"system": "Be brief.", "messages": [
            {"role": "user", "content": "Read /skills/pdf/SKILL.md then say ok"},
            {"role": "assistant", "content": [{"type": "thinking", "thinking": "hm"}, {"type": "tool_use", "id": "tu1", "name": "read_file", "input": {"path": "/skills/pdf/SKILL.md"}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "tu1", "content": "---\nname: pdf"}]}
        ]},
        "response": {"id": "msg_01", "type": "message", "content": [{"type": "text", "text": "ok"}]},
        "accepted": true,
        "timestamp": "2026-02-03T04:05:06Z"
    });
    let input = format!("{entry}\n{entry}\n");
    let items = import(
        input.as_bytes(),
        RunFormat::Anthropic,
        ImportOptions::default(),
    );
    let runs = ok_runs(&items);
    assert_eq!(runs.len(), 2);
    assert_eq!(
        runs[0], runs[1],
        "the same line maps to the same run (duplicate on store)"
    );
    assert_eq!(runs[0].id, "anthropic-msg_01");
    assert_eq!(runs[0].final_answer, "ok");
    assert!(runs[0].accepted);
    assert_eq!(runs[0].created_at.as_deref(), Some("2026-02-03T04:05:06Z"));
    assert_eq!(runs[0].skill.as_deref(), Some("pdf"));
}

#[test]
fn anthropic_importer_points_openai_logs_to_the_right_format_and_keeps_others() {
    let good = anthropic_from_fixture();
    let input = format!("{}\n{}\n", chat(Some("x")), good);
    let items = import(
        input.as_bytes(),
        RunFormat::Anthropic,
        ImportOptions::default(),
    );
    let errs = errors(&items);
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0].starts_with("line 1: messages[1]:") && errs[0].contains("--format openai"),
        "{}",
        errs[0]
    );
    assert_eq!(ok_runs(&items).len(), 1);
}

// ---- SWE-agent ---------------------------------------------------------------

fn swe(name: &str) -> Vec<Result<Run, ImportError>> {
    import(
        &fixture(&format!("swe-agent/{name}")),
        RunFormat::SweAgent,
        ImportOptions::default(),
    )
}

#[test]
fn every_swe_agent_trajectory_imports_as_one_run() {
    for name in [
        "6e44b9__sweagenttestrepo-1c2844.traj",
        "ctf-networking_1.traj",
        "function_calling_simple.traj",
        "marshmallow-code__marshmallow-1867.function_calling.traj",
    ] {
        let items = swe(name);
        assert_eq!(errors(&items), Vec::<String>::new(), "{name}");
        let runs = ok_runs(&items);
        assert_eq!(runs.len(), 1, "{name}");
        assert!(runs[0].id.starts_with("swe-agent-"), "{name}");
        assert!(
            runs[0]
                .task
                .starts_with("We're currently solving the following"),
            "{name}: {}",
            runs[0].task
        );
        assert!(!runs[0].accepted, "{name}: SWE-agent records no verdict");
    }
}

#[test]
fn swe_agent_function_calling_trajectory_keeps_calls_and_submission() {
    let items = swe("marshmallow-code__marshmallow-1867.function_calling.traj");
    let run = ok_runs(&items)[0];
    assert_eq!(
        names(run),
        vec![
            "create",
            "edit",
            "bash",
            "bash",
            "find_file",
            "open",
            "edit",
            "edit",
            "bash",
            "bash",
            "submit"
        ]
    );
    assert_eq!(
        run.tool_calls[0].arguments,
        json!({"filename": "reproduce.py"})
    );
    assert!(
        run.tool_calls[0]
            .result
            .as_str()
            .unwrap()
            .starts_with("[File: reproduce.py (1 lines total)]")
    );
    assert!(
        run.final_answer
            .starts_with("diff --git a/src/marshmallow/fields.py"),
        "{}",
        run.final_answer
    );
}

#[test]
fn swe_agent_text_actions_become_bash_calls_answered_by_the_next_observation() {
    let items = swe("ctf-networking_1.traj");
    let run = ok_runs(&items)[0];
    assert_eq!(names(run), vec!["bash"; 4]);
    assert_eq!(
        run.tool_calls[0].arguments,
        json!({"command": "tshark -n -r networking.pcap -q -z io,phs"})
    );
    assert!(
        run.tool_calls[0]
            .result
            .as_str()
            .unwrap()
            .contains("Protocol Hierar")
    );
    assert_eq!(run.final_answer, "flag{d316759c281bf925d600be698a4973d5}");
    assert_eq!(
        run.messages.iter().filter(|m| m.role == "user").count(),
        1,
        "observations are tool results, not user turns"
    );
}

#[test]
fn swe_agent_trajectory_without_history_is_rejected_with_the_reason() {
    let entry = json!({"trajectory": [{"action": "ls", "observation": "a"}]});
    let items = import(
        entry.to_string().as_bytes(),
        RunFormat::SweAgent,
        ImportOptions::default(),
    );
    let e = errors(&items).remove(0);
    assert!(
        e.starts_with("line 1: has `trajectory` but no `history`"),
        "{e}"
    );
}

// ---- never panic -------------------------------------------------------------

fn json_value() -> impl Strategy<Value = Value> {
    let key = prop::sample::select(vec![
        "messages",
        "role",
        "content",
        "tool_calls",
        "tool_call_id",
        "id",
        "type",
        "text",
        "tool_use",
        "tool_result",
        "tool_use_id",
        "input",
        "function",
        "name",
        "arguments",
        "traj",
        "task_id",
        "reward",
        "sessionId",
        "message",
        "timestamp",
        "request",
        "response",
        "choices",
        "user",
        "assistant",
        "system",
        "tool",
        "uuid",
        "is_error",
        "accepted",
        "history",
        "action",
        "tool_call_ids",
        "info",
        "submission",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        prop::sample::select(vec![
            "user",
            "assistant",
            "tool",
            "tool_use",
            "tool_result",
            "text",
            "c1",
            "2026-01-01T00:00:00Z",
            "",
            "{}",
            "{\"a\":1}"
        ])
        .prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6).prop_map(|kv| {
                Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}

/// An error points at a real line or entry and says something.
fn located(e: &ImportError) -> bool {
    let n = match e.location {
        Location::Line(n) | Location::Entry(n) => n,
    };
    n >= 1 && !e.reason.trim().is_empty()
}

const FORMATS: [RunFormat; 5] = [
    RunFormat::OpenAi,
    RunFormat::SweAgent,
    RunFormat::Anthropic,
    RunFormat::ClaudeCode,
    RunFormat::Skillgate,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic_in_any_importer(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        for format in FORMATS {
            let opts = ImportOptions { limits: ReaderLimits { max_line_bytes: 512 }, ..ImportOptions::default() };
            for item in import_runs(Cursor::new(bytes.clone()), format, opts) {
                match item {
                    Ok(run) => prop_assert!(skillgate_runs::validate_run(&run).is_ok()),
                    Err(e) => prop_assert!(located(&e)),
                }
            }
        }
    }

    #[test]
    fn arbitrary_json_lines_never_panic_and_runs_are_valid(values in prop::collection::vec(json_value(), 1..6)) {
        let input: String = values.iter().map(|v| format!("{v}\n")).collect();
        let array = Value::Array(values).to_string();
        for format in FORMATS {
            for bytes in [input.as_bytes(), array.as_bytes()] {
                for item in import_runs(Cursor::new(bytes.to_vec()), format, ImportOptions::default()) {
                    match item {
                        Ok(run) => {
                            prop_assert!(skillgate_runs::validate_run(&run).is_ok());
                            prop_assert!(!run.task.trim().is_empty());
                        }
                        Err(e) => prop_assert!(located(&e)),
                    }
                }
            }
        }
    }
}
