//! `/metrics` cost: `render_prometheus` over a store with 1,000 evals whose
//! eval reports are ~60 KB each, first scrape (decodes every body once) and
//! later scrapes (read the facts tables). Run: `cargo bench -p skillgate-ops`.

use skillgate_store::{NewDraft, SkillFile, Store};
use std::time::Instant;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("bench.db")).await.unwrap();
        let draft = store
            .create_draft(&NewDraft {
                skill_name: "wsr".into(),
                description: "d".into(),
                revises_version_id: None,
                files: vec![SkillFile {
                    path: "SKILL.md".into(),
                    bytes: b"---\nname: wsr\n---\n".to_vec(),
                }],
                lint_report: None,
                safety_report: None,
                preservation_report: None,
            })
            .await
            .unwrap();
        let filler: Vec<serde_json::Value> = (0..120)
            .map(|i| serde_json::json!({"trial_id": format!("trl_{i}"), "final_answer": "x".repeat(400), "tool_calls": [{"name": "read", "arguments": {"path": "/a/b"}}]}))
            .collect();
        let n = 1000;
        for i in 0..n {
            let body = serde_json::json!({
                "status": "passed", "mode": "replay", "blocked_coverage": (i % 10) as f64 / 10.0,
                "regressed": i % 3, "timings": {"wall_ms": 1000 * (i % 900)},
                "case_reports": filler, "raw_report": filler,
            });
            store
                .test_support_insert_eval_report(&draft.id, &body)
                .await
                .unwrap();
        }
        let mut times = Vec::new();
        for _ in 0..8 {
            let t = Instant::now();
            let text = skillgate_ops::render_prometheus(&store).await.unwrap();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            assert!(text.contains("skillgate_replay_status_total{status=\"passed\"} 1000"));
        }
        let first = times[0];
        let mut rest = times[1..].to_vec();
        rest.sort_by(f64::total_cmp);
        println!(
            "render_prometheus, {n} evals (~{} KB reports): first scrape {first:.1} ms; later scrapes median {:.1} ms (min {:.1}, max {:.1}, n={})",
            serde_json::json!({"case_reports": filler, "raw_report": filler}).to_string().len() / 1024,
            rest[rest.len() / 2],
            rest[0],
            rest[rest.len() - 1],
            rest.len()
        );
    });
}
