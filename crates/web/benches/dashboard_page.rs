//! Benchmark: the dashboard over a busy window. `EVALS` eval reports (with
//! regressions, blocked coverage, skips and errors mixed in), a review per
//! draft, and incidents; then the median of `SAMPLES` full requests of
//! `GET /dashboard?since=30d` (HTML) and `GET /api/dashboard?since=30d`
//! (JSON) after a warm-up (the warm-up also fills the store's report-facts
//! cache, as the first scrape after an eval does).
//!
//! Run: `cargo bench -p skillgate-web --bench dashboard_page`.

#[path = "../tests/common/sample.rs"]
mod sample;

use axum::body::Body;
use axum::http::Request;
use serde_json::json;
use skillgate_core::gate::GateConfig;
use skillgate_store::{NewDraft, Severity, SkillFile, Store};
use skillgate_web::{AppState, router};
use std::time::{Duration, Instant};
use tower::ServiceExt;

const EVALS: usize = 2000;
const DRAFTS: usize = 50;
const SAMPLES: usize = 30;

fn report(name: &str, mut xs: Vec<Duration>) {
    xs.sort();
    println!(
        "{name:<34} evals={EVALS} samples={SAMPLES} median={:.2} ms min={:.2} ms max={:.2} ms",
        xs[xs.len() / 2].as_secs_f64() * 1e3,
        xs[0].as_secs_f64() * 1e3,
        xs[xs.len() - 1].as_secs_f64() * 1e3
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("bench.db"))
            .await
            .expect("store");
        let mut drafts = Vec::new();
        for d in 0..DRAFTS {
            let draft = store
                .create_draft(&NewDraft {
                    skill_name: format!("skill-{d}"),
                    description: "bench".into(),
                    revises_version_id: None,
                    files: vec![SkillFile {
                        path: "SKILL.md".into(),
                        bytes: format!("---\nname: skill-{d}\ndescription: bench\n---\n")
                            .into_bytes(),
                    }],
                    lint_report: None,
                    safety_report: None,
                    preservation_report: None,
                })
                .await
                .expect("draft");
            drafts.push(draft.id);
        }
        let statuses = [
            "passed",
            "failed",
            "partial",
            "replay_error",
            "skipped_provider_unavailable",
        ];
        let seed = Instant::now();
        for i in 0..EVALS {
            let mut doc = sample::sample_report(statuses[i % statuses.len()], 3);
            doc["blocked_coverage"] = json!(if i % 97 == 0 { 1.0 } else { 0.1 });
            doc["case_reports"] = json!([]);
            store
                .test_support_insert_eval_report(&drafts[i % DRAFTS], &doc)
                .await
                .expect("report");
        }
        for sev in [Severity::P0, Severity::P1, Severity::P2] {
            store
                .open_incident(sev, "bench incident", "", "bench")
                .await
                .expect("incident");
        }
        println!(
            "seeded {EVALS} evals in {:.1} s",
            seed.elapsed().as_secs_f64()
        );
        let app = router(AppState::new(store, GateConfig::default(), true));
        for (name, uri) in [
            ("GET /dashboard?since=30d (HTML)", "/dashboard?since=30d"),
            (
                "GET /api/dashboard?since=30d (JSON)",
                "/api/dashboard?since=30d",
            ),
        ] {
            let mut times = Vec::new();
            for i in 0..SAMPLES + 3 {
                let req = Request::get(uri).body(Body::empty()).expect("request");
                let start = Instant::now();
                let resp = app.clone().oneshot(req).await.expect("response");
                assert_eq!(resp.status(), 200);
                let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
                    .await
                    .expect("body");
                let took = start.elapsed();
                assert!(body.len() > 1000);
                if i >= 3 {
                    times.push(took);
                }
            }
            report(name, times);
        }
    });
}
