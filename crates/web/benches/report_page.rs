//! Benchmark (SPEC §11): the report page of an eval with 1,000 cases renders
//! server-side in < 100 ms.
//!
//! Two measurements, each the median of `SAMPLES` runs after a warm-up:
//! - `render`: JSON text → parsed report → HTML (`render_report_page`);
//! - `request`: a full `GET /evals/{id}` through the router: SQLite read,
//!   parse, render, response body.
//!
//! Run: `cargo bench -p skillgate-web --bench report_page`.

#[path = "../tests/common/sample.rs"]
mod sample;

use axum::body::Body;
use axum::http::Request;
use skillgate_core::Locale;
use skillgate_core::gate::GateConfig;
use skillgate_store::{NewDraft, SkillFile, Store};
use skillgate_web::{AppState, CaseSort, render_report_page, router};
use std::time::{Duration, Instant};
use tower::ServiceExt;

const CASES: usize = 1000;
const SAMPLES: usize = 30;

fn stats(mut xs: Vec<Duration>) -> (Duration, Duration, Duration) {
    xs.sort();
    (xs[0], xs[xs.len() / 2], xs[xs.len() - 1])
}

fn report(name: &str, xs: Vec<Duration>) {
    let (min, median, max) = stats(xs);
    println!(
        "{name:<28} cases={CASES} samples={SAMPLES} median={:.2} ms min={:.2} ms max={:.2} ms",
        median.as_secs_f64() * 1e3,
        min.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3
    );
}

fn main() {
    let doc = sample::sample_report("passed", CASES);
    let text = doc.to_string();
    println!("report document: {} KiB", text.len() / 1024);

    let mut render = Vec::new();
    let mut bytes = 0;
    for i in 0..SAMPLES + 3 {
        let start = Instant::now();
        let html = render_report_page(
            &text,
            "evl_bench",
            "drf_bench",
            "invoice-summary",
            Locale::ZhTw,
            CaseSort {
                by_delta: true,
                descending: true,
            },
        )
        .expect("report page renders");
        let took = start.elapsed();
        bytes = html.len();
        if i >= 3 {
            render.push(took);
        }
    }
    println!("report page HTML: {} KiB", bytes / 1024);
    report("render (read + HTML)", render);

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("bench.db"))
            .await
            .expect("store");
        let draft = store
            .create_draft(&NewDraft {
                skill_name: "invoice-summary".into(),
                description: "bench".into(),
                revises_version_id: None,
                files: vec![SkillFile {
                    path: "SKILL.md".into(),
                    bytes: b"---\nname: invoice-summary\ndescription: bench\n---\n".to_vec(),
                }],
                lint_report: None,
                safety_report: None,
                preservation_report: None,
            })
            .await
            .expect("draft");
        let eval = store
            .test_support_insert_eval_report(&draft.id, &doc)
            .await
            .expect("report");
        let mut sql = Vec::new();
        for i in 0..SAMPLES + 3 {
            let start = Instant::now();
            let row = store.web_eval(&eval).await.expect("eval row");
            let took = start.elapsed();
            assert!(row.report.is_some());
            if i >= 3 {
                sql.push(took);
            }
        }
        report("  SQLite read of the report", sql);
        let app = router(AppState::new(store, GateConfig::default(), true));
        let mut times = Vec::new();
        for i in 0..SAMPLES + 3 {
            let req = Request::get(format!("/evals/{eval}?sort=delta&order=desc"))
                .body(Body::empty())
                .expect("request");
            let start = Instant::now();
            let resp = app.clone().oneshot(req).await.expect("response");
            assert_eq!(resp.status(), 200);
            let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
                .await
                .expect("body");
            let took = start.elapsed();
            assert!(body.len() > 100_000);
            if i >= 3 {
                times.push(took);
            }
        }
        report("request (SQLite + render)", times);
    });
}
