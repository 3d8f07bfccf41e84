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
        "delta_interval": [0.04, 0.22],
        "improved": improved,
        "regressed": regressed,
        "unchanged": cases - improved - regressed,
        "execution_coverage": 0.72,
        "surrogate_coverage": 0.2,
        "blocked_coverage": 0.08,
        "confidence": {"level": "medium", "rule": "medium:not-all-high-criteria",
                        "reasons": ["execution coverage 0.72 is below 0.8 needed for high"]},
        "confidence_reasons": [],
        "replay_cases": cases,
        "case_reports": case_reports,
        "preservation_report": {"status": "passed", "sections": []},
        "safety_report": {"status": "passed", "findings": []},
        "provider": "openai",
        "model": "gpt-test",
        "locale": "en",
        "timings": {"wall_ms": 5400},
        "usage": {"input_tokens": 12000, "output_tokens": 3400}
    })
}

fn trial(i: usize, arm: &str, t: usize, score: f64) -> Value {
    json!({
        "arm": arm, "trial_index": t, "score": score, "passed": score >= 0.5,
        "grades": [
            {"grader": "contains", "score": score, "explanation": format!("answer mentions invoice {i}")},
            {"grader": "model", "score": score, "explanation": "judge: matches the accepted answer's totals"}
        ],
        "tool_calls": [
            {"name": "read_file", "mode": "executed", "rule": "annotation:readOnlyHint",
             "reason": "the tool declares readOnlyHint", "arguments": {"path": "invoices.csv"}, "result": "id,total\n1,20"},
            {"name": "send_email", "mode": "surrogate", "rule": "verb:send",
             "reason": "the name says it sends", "arguments": {"to": "ap@example.com"}, "result": {"ok": true},
             "side_effect": "would have emailed ap@example.com the summary"},
            {"name": "delete_invoice", "mode": "blocked", "rule": "verb:delete",
             "reason": "deleting is blocked by replay policy", "arguments": {"id": 1}, "result": "blocked by replay policy"}
        ],
        "transcript": [
            {"role": "user", "content": format!("Summarise the invoices of batch {i} and email accounts payable.")},
            {"role": "assistant", "content": "I read the file and drafted the email."}
        ],
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
        "arms": {
            "baseline": {"mean_score": base, "pass_at_k": 0.9, "pass_pow_k": 0.5, "trigger_rate": 0.0,
                          "trials": (0..3).map(|t| trial(i, "baseline", t, base)).collect::<Vec<_>>()},
            "candidate": {"mean_score": cand, "pass_at_k": 0.95, "pass_pow_k": 0.6, "trigger_rate": 1.0,
                           "trials": (0..3).map(|t| trial(i, "candidate", t, cand)).collect::<Vec<_>>()}
        }
    })
}
