//! Import throughput of the agent-log importers on inputs built from the shared real
//! fixtures. Run: `cargo bench -p skillgate-runs --bench import`; `BENCH_ITERS` sets N
//! (default 10).
//!
//! - `openai-jsonl`: the 12 tau-bench gpt-4o entries, one per line, repeated 50 times (600 runs);
//! - `openai-array`: the same 600 entries as one JSON array document;
//! - `claude-code`: the representative Claude Code session copied under 2,000 session ids
//!   (2,000 runs; all sessions are held until the end of the file).
//!
//! Prints median, min and max wall ms per whole file, and MB/s and runs/s at the median.

use skillgate_runs::{ImportOptions, RunFormat, import_runs};
use std::io::Cursor;
use std::path::PathBuf;
use std::time::Instant;

fn fixture(rel: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/trajectories")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("fixture {}: {e}", p.display()))
}

fn bench(name: &str, input: &[u8], format: RunFormat, iters: usize) {
    let mut times = Vec::with_capacity(iters);
    let mut runs = 0;
    for _ in 0..iters {
        let t = Instant::now();
        let items = import_runs(Cursor::new(input), format, ImportOptions::default());
        let (ok, bad) = items.fold((0, 0), |(ok, bad), r| match r {
            Ok(run) => {
                std::hint::black_box(run);
                (ok + 1, bad)
            }
            Err(_) => (ok, bad + 1),
        });
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(bad, 0, "{name}: the bench input must import cleanly");
        runs = ok;
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let mb = input.len() as f64 / 1e6;
    println!(
        "{name:>13}: {runs} runs, {mb:.1} MB: median {median:.1} ms (min {:.1}, max {:.1}) = {:.0} MB/s, {:.0} runs/s",
        times[0],
        times[times.len() - 1],
        mb / (median / 1000.0),
        runs as f64 / (median / 1000.0)
    );
}

fn main() {
    let iters: usize = std::env::var("BENCH_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10)
        .max(1);
    let tau: Vec<serde_json::Value> =
        serde_json::from_slice(&fixture("tau-bench/gpt-4o-airline.subset.json")).unwrap();
    let mut jsonl = String::new();
    let mut all = Vec::new();
    for k in 0..50 {
        for e in &tau {
            let mut e = e.clone();
            e["trial"] = serde_json::json!(k);
            jsonl.push_str(&e.to_string());
            jsonl.push('\n');
            all.push(e);
        }
    }
    let array = serde_json::Value::Array(all).to_string();

    let session =
        String::from_utf8(fixture("claude-code-jsonl/representative_messages.jsonl")).unwrap();
    let mut cc = String::new();
    for k in 0..2000 {
        cc.push_str(&session.replace("\"test_session\"", &format!("\"session-{k}\"")));
        cc.push('\n');
    }

    bench("openai-jsonl", jsonl.as_bytes(), RunFormat::OpenAi, iters);
    bench("openai-array", array.as_bytes(), RunFormat::OpenAi, iters);
    bench("claude-code", cc.as_bytes(), RunFormat::ClaudeCode, iters);
}
