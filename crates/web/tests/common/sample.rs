//! Synthetic EvalReport documents for tests and the benchmark.

use serde_json::{Value, json};

/// An EvalReport JSON with `cases` case reports, each with 3 trials per arm,
/// tool calls in all three modes, grader results and a short transcript.
pub fn sample_report(status: &str, cases: usize) -> Value {
    let case_reports: Vec<Value> = (0..cases).map(sample_case).collect();
    let improved = (0..cases).filter(|i| i % 3 == 0).count();
    let regressed = (0..cases).filter(|i| i % 3 == 1).count();
    json!({
        "status": status,
        "mode": "replay",
        "baseline_average": 0.61,
        "candidate_average": 0.74,
        "score_delta": 0.13,
        "improved": improved,
        "regressed": regressed,
        "unchanged": cases - improved - regressed,
        "execution_coverage": 0.72,
        "surrogate_coverage": 0.2,
        "blocked_coverage": 0.08,
        "summary": "The candidate improved 1 in 3 cases; confidence medium.",
        "status_reason": "no regression beyond the tolerance",
        "delta_interval": {"low": 0.04, "high": 0.22},
        "confidence": "medium",
        "confidence_rule": "medium:not-all-high-criteria",
        "confidence_reasons": ["execution coverage 0.72 is below 0.8 needed for high"],
        "trigger_rate": {"baseline": 0.0, "candidate": 1.0},
        "trials": {"planned": cases * 6, "finished": cases * 6, "errored": 0, "not_run": 0},
        "replay_cases": (0..cases).map(|i| json!({"case_id": format!("case_{i:04}"), "run_id": format!("run_{i:04}"),
            "task": format!("task {i}"), "locale": "en", "why_selected": "match"})).collect::<Vec<_>>(),
        "raw_report": {"trials": (0..cases).map(|i| json!({"case": i, "scores": [0.5, 0.9]})).collect::<Vec<_>>()},
        "case_reports": case_reports,
        "preservation_report": {"status": "passed", "sections": []},
        "safety_report": {"status": "passed", "findings": []},
        "provider": "openai",
        "model": "gpt-test",
        "locale": "en",
        "timings": {"started_at": "2026-11-25T20:00:00.000Z", "finished_at": "2026-11-25T20:05:00.000Z", "wall_ms": 5400},
        "usage": {"baseline_tokens": [6000, 1700], "candidate_tokens": [6000, 1700], "judge_tokens": [0, 0],
                  "total_tokens": 15400, "budget_exhausted": false, "cache_hits": 0, "cache_scope": "none"},
        "grader_analysis": {"non_discriminating": [], "flaky_cases": [], "excluded_graders": [],
                             "script_inconsistent_trials": [], "pairwise_judging": "off"}
    })
}

fn trial(i: usize, arm: &str, t: usize, score: f64) -> Value {
    json!({
        "trial_id": format!("trl_{arm}_{i}_{t}"), "index": t, "status": "finished",
        "score": score, "passed": score >= 0.5, "stop": "final_answer", "skill_loaded": arm == "candidate",
        "graders": [
            {"id": "0:contains", "kind": "contains", "weight": 1.0, "score": score, "passed": score >= 0.5,
             "explanation": format!("answer mentions invoice {i}"), "excluded": false},
            {"id": "1:model", "kind": "model", "weight": 1.0, "score": score, "passed": score >= 0.5,
             "explanation": "judge: matches the accepted answer's totals", "excluded": false}
        ],
        "tool_calls": [
            {"name": "read_file", "mode": "executed", "rule": "annotation:readOnlyHint",
             "reason": "the tool declares readOnlyHint", "arguments": {"path": "invoices.csv"}, "result": "id,total\n1,20"},
            {"name": "send_email", "mode": "surrogate", "rule": "verb:send",
             "reason": "the name says it sends", "arguments": {"to": "ap@example.com"}, "result": {"ok": true},
             "side_effect": "email to ap@example.com, subject 'Batch summary'"},
            {"name": "delete_invoice", "mode": "blocked", "rule": "verb:delete",
             "reason": "deleting is blocked by replay policy", "arguments": {"id": 1}, "result": "blocked by replay policy"}
        ],
        "side_effects": ["email to ap@example.com, subject 'Batch summary'"],
        "tokens": [800, 120],
        "transcript": {"messages": [
            {"role": "user", "content": format!("Summarise the invoices of batch {i} and email accounts payable.")},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "name": "read_file", "arguments": {"path": "invoices.csv"}}]},
            {"role": "tool", "tool_call_id": "c1", "name": "read_file", "content": "id,total\n1,20", "is_error": false},
            {"role": "assistant", "content": "I read the file and drafted the email."}
        ]},
        "final_answer": format!("Batch {i}: 2 invoices, total 20.")
    })
}

fn sample_case(i: usize) -> Value {
    let base = [0.5, 0.75, 0.6][i % 3];
    let cand = [0.9, 0.4, 0.6][i % 3];
    let verdict = ["improved", "regressed", "unchanged"][i % 3];
    json!({
        "case_id": format!("case_{i:04}"),
        "run_id": format!("run_{i:04}"),
        "task": format!("Summarise the invoices of batch {i} for accounts payable and send the summary by email to the finance team"),
        "why_selected": "full-text match on 'invoice' and used the published version",
        "verdict": verdict,
        "delta": cand - base,
        "pass_threshold": 0.5,
        "flags": [],
        "baseline": {"mean_score": base, "finished": 3, "errored": 0, "passed": 3, "k": 3,
                      "pass_at_k": 0.9, "pass_hat_k": 0.5,
                      "trials": (0..3).map(|t| trial(i, "baseline", t, base)).collect::<Vec<_>>()},
        "candidate": {"mean_score": cand, "finished": 3, "errored": 0, "passed": 3, "k": 3,
                       "pass_at_k": 0.95, "pass_hat_k": 0.6,
                       "trials": (0..3).map(|t| trial(i, "candidate", t, cand)).collect::<Vec<_>>()}
    })
}
