//! Case selection over the bundled demo data (`demo/`): tenant isolation,
//! accepted runs only, near-duplicate removal, the all-blocked skip, pins.

use skillgate_core::Run;
use skillgate_core::policy::Policy;
use skillgate_eval::selection::{Candidate, SelectionConfig, select_cases, skill_keywords};
use skillgate_eval::skill_context;
use skillgate_store::{CandidateQuery, Store};
use std::path::Path;

fn demo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo"))
}

async fn select(store: &Store, skill_dir: &str) -> skillgate_eval::Selection {
    let md = std::fs::read(demo().join(skill_dir).join("SKILL.md")).unwrap();
    let ctx = skill_context("x", &md);
    let keywords = skill_keywords(&ctx.name, &ctx.description, &ctx.body);
    let rows = store
        .case_candidates(&CandidateQuery {
            tenant: "northwind".into(),
            skill_name: ctx.name.clone(),
            terms: keywords.iter().map(|k| k.term.clone()).collect(),
            limit: 200,
        })
        .await
        .unwrap();
    let candidates: Vec<Candidate> = rows
        .into_iter()
        .map(|r| Candidate {
            run: serde_json::from_str(&r.body).unwrap(),
            fts_rank: r.fts_rank,
            pinned: r.pinned,
            pin_reason: r.pin_reason,
        })
        .collect();
    select_cases(
        &candidates,
        &ctx.name,
        &keywords,
        &Policy::default(),
        &SelectionConfig::default(),
    )
}

async fn demo_store(dir: &Path) -> Store {
    let store = Store::open(&dir.join("demo.db")).await.unwrap();
    let text = std::fs::read_to_string(demo().join("runs.jsonl")).unwrap();
    let runs: Vec<Run> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    store.insert_runs(&runs).await.unwrap();
    store
}

#[tokio::test]
async fn weekly_report_cases_are_accepted_northwind_runs_without_near_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path()).await;
    let sel = select(&store, "drafts/weekly-status-report").await;
    let ids: Vec<&str> = sel.cases.iter().map(|c| c.run_id.as_str()).collect();
    // Weekly-report runs of northwind with the skill hint, accepted: 0005 0009 0013 0017 0021 0025 0033.
    for id in [
        "run-0005", "run-0009", "run-0013", "run-0017", "run-0021", "run-0025", "run-0033",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    assert!(!ids.contains(&"run-0029"), "not accepted");
    assert!(!ids.contains(&"run-0037"), "contoso tenant");
    // run-0001 and run-0005 are near-duplicates: only one is chosen.
    assert!(!(ids.contains(&"run-0001") && ids.contains(&"run-0005")));
    assert!(sel.skipped.iter().any(|s| s.run_id == "run-0001" && s.reason.contains("near-duplicate of case run-0005")));
}

#[tokio::test]
async fn postmortem_cases_include_chinese_runs_found_by_the_trigram_index() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path()).await;
    let sel = select(&store, "drafts/incident-postmortem").await;
    let ids: Vec<&str> = sel.cases.iter().map(|c| c.run_id.as_str()).collect();
    for id in [
        "run-0004", "run-0008", "run-0012", "run-0016", "run-0020", "run-0053",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    assert!(
        !ids.contains(&"run-0024") && !ids.contains(&"run-0028"),
        "rejected runs are not cases"
    );
}

#[tokio::test]
async fn pinned_all_blocked_run_is_kept_with_the_reason_and_unpinned_it_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path()).await;
    let md = std::fs::read(demo().join("drafts/incident-postmortem/SKILL.md")).unwrap();
    let name = skill_context("x", &md).name;
    store
        .pin_case(&name, "run-0042", "dropped tables", "test")
        .await
        .unwrap();
    let sel = select(&store, "drafts/incident-postmortem").await;
    assert_eq!(sel.cases[0].run_id, "run-0042");
    assert!(
        sel.cases[0]
            .reason
            .contains("kept although every tool call of the run is blocked"),
        "{}",
        sel.cases[0].reason
    );

    // The same run as a plain candidate is skipped because every call is blocked.
    let run: Run = store.get_run("run-0042").await.unwrap();
    let cand = Candidate {
        run,
        fts_rank: Some(-1.0),
        pinned: false,
        pin_reason: None,
    };
    let kw = skill_keywords("drop-table", "", "");
    let sel = select_cases(
        &[cand],
        "drop-table",
        &kw,
        &Policy::default(),
        &SelectionConfig::default(),
    );
    assert!(sel.cases.is_empty());
    assert!(
        sel.skipped[0].reason.contains("drop_table"),
        "{}",
        sel.skipped[0].reason
    );
}
