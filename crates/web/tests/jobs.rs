//! The eval job queue on the web: counts per state and the oldest wait on the
//! dashboard (and `/api/dashboard`), and a draft's pending job on its page.

mod common;

use common::*;
use serde_json::Value;
use skillgate_store::{EvalJobPayload, JobState, Store};
use std::time::Duration;

fn lang(tag: &str) -> String {
    format!("sg_lang={tag}")
}

async fn enqueue(store: &Store, draft: &str, max_attempts: u32) -> String {
    store
        .enqueue_eval_job(
            &EvalJobPayload {
                draft_id: draft.into(),
                cases: None,
                trials: None,
                prompt_locale: None,
                requested_by: "rita".into(),
            },
            max_attempts,
        )
        .await
        .unwrap()
        .id
}

/// The text inside the element whose start tag holds `attr`.
fn inner<'a>(html: &'a str, attr: &str) -> &'a str {
    let at = html.find(attr).unwrap_or_else(|| panic!("{attr} missing"));
    let rest = &html[at..];
    let rest = &rest[rest.find('>').unwrap() + 1..];
    &rest[..rest.find('<').unwrap()]
}

/// The `id="…"` element's block up to the end of its `</section>` or `</div>`.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("#{id} missing"));
    let rest = &html[at..];
    let end = rest
        .find("</section>")
        .into_iter()
        .chain(rest.find("</dl>\n  </div>"))
        .min()
        .unwrap();
    &rest[..end]
}

#[tokio::test]
async fn dashboard_counts_jobs_per_state_and_shows_the_oldest_wait_in_each_locale() {
    let f = fixture(None).await;
    enqueue(&f.store, &f.draft_id, 3).await;
    f.store
        .claim_job("w-1", Duration::from_secs(600))
        .await
        .unwrap()
        .unwrap();
    enqueue(&f.store, &f.draft_id, 3).await;
    let app = app(&f.store);
    for (tag, heading, queued, seconds) in [
        ("en", "Eval queue", "queued", " s"),
        ("zh-CN", "评估队列", "排队中", " 秒"),
        ("zh-TW", "評估佇列", "排隊中", " 秒"),
    ] {
        let (status, _, html) = send(&app, get_with("/dashboard", &[("cookie", &lang(tag))])).await;
        assert_eq!(status, 200, "{tag}: {html}");
        let card = section(&html, "job-queue");
        assert!(card.contains(heading), "{tag}: {card}");
        assert!(
            card.contains(&format!("<dt>{queued}</dt>")),
            "{tag}: {card}"
        );
        assert_eq!(inner(card, "data-job-state=\"queued\""), "1", "{tag}");
        assert_eq!(inner(card, "data-job-state=\"running\""), "1", "{tag}");
        assert_eq!(inner(card, "data-job-state=\"done\""), "0", "{tag}");
        assert_eq!(inner(card, "data-job-state=\"failed\""), "0", "{tag}");
        let oldest = inner(card, "id=\"oldest-queued\"");
        assert!(oldest.ends_with(seconds), "{tag}: {oldest:?}");
        assert!(!card.contains("id=\"lease-expired\""), "{tag}");
    }
}

#[tokio::test]
async fn dashboard_says_nothing_is_queued_when_the_queue_is_empty() {
    let f = fixture(None).await;
    let (status, _, html) = send(&app(&f.store), get("/dashboard")).await;
    assert_eq!(status, 200, "{html}");
    let card = section(&html, "job-queue");
    assert_eq!(inner(card, "id=\"oldest-queued\""), "nothing queued");
    assert_eq!(inner(card, "data-job-state=\"queued\""), "0");
}

#[tokio::test]
async fn dashboard_warns_about_running_jobs_whose_lease_expired() {
    let f = fixture(None).await;
    enqueue(&f.store, &f.draft_id, 3).await;
    f.store
        .claim_job("w-dead", Duration::ZERO)
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(5)).await;
    let (_, _, html) = send(&app(&f.store), get("/dashboard")).await;
    let card = section(&html, "job-queue");
    assert!(card.contains("id=\"lease-expired\""), "{card}");
    assert!(
        card.contains("One running job has an expired lease"),
        "{card}"
    );
}

#[tokio::test]
async fn api_dashboard_reports_the_queue() {
    let f = fixture(None).await;
    enqueue(&f.store, &f.draft_id, 3).await;
    let (status, _, body) = send(&app(&f.store), get("/api/dashboard")).await;
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["jobs"]["counts"]["queued"], 1);
    assert_eq!(v["jobs"]["counts"]["running"], 0);
    assert_eq!(v["jobs"]["running_lease_expired"], 0);
    let age = v["jobs"]["oldest_queued_seconds"].as_f64().unwrap();
    assert!((0.0..60.0).contains(&age), "{age}");
    let stuck = v["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "EvalQueueStuck")
        .unwrap();
    assert_eq!(stuck["firing"], false);
    assert_eq!(stuck["threshold"], 900.0);
}

#[tokio::test]
async fn draft_page_shows_a_queued_job_waiting_for_a_worker() {
    let f = fixture(None).await;
    let job = enqueue(&f.store, &f.draft_id, 3).await;
    let (status, _, html) = send(&app(&f.store), get(&format!("/drafts/{}", f.draft_id))).await;
    assert_eq!(status, 200, "{html}");
    let block = section(&html, "draft-job");
    assert!(block.contains(&format!("data-job=\"{job}\"")), "{block}");
    assert_eq!(inner(block, "id=\"job-state\""), "queued");
    assert!(
        block.contains("Waiting for a worker to take it."),
        "{block}"
    );
    assert!(block.contains("none yet"), "{block}");
    assert_eq!(inner(block, "id=\"job-attempts\""), "0 of 3");
}

#[tokio::test]
async fn draft_page_shows_the_running_job_with_its_worker_attempts_and_last_error() {
    let f = fixture(None).await;
    enqueue(&f.store, &f.draft_id, 3).await;
    let first = f
        .store
        .claim_job("w-1", Duration::from_secs(600))
        .await
        .unwrap()
        .unwrap();
    let state = f
        .store
        .fail_job(&first.id, "w-1", "provider returned 503", true)
        .await
        .unwrap();
    assert_eq!(state, Some(JobState::Queued));
    f.store
        .claim_job("worker-b", Duration::from_secs(600))
        .await
        .unwrap()
        .unwrap();
    for (tag, running, attempts) in [
        ("en", "running", "2 of 3"),
        ("zh-CN", "运行中", "第 2 次，共 3 次"),
        ("zh-TW", "執行中", "第 2 次，共 3 次"),
    ] {
        let (status, _, html) = send(
            &app(&f.store),
            get_with(
                &format!("/drafts/{}", f.draft_id),
                &[("cookie", &lang(tag))],
            ),
        )
        .await;
        assert_eq!(status, 200, "{tag}: {html}");
        let block = section(&html, "draft-job");
        assert!(block.contains("data-job-state=\"running\""), "{tag}");
        assert_eq!(inner(block, "id=\"job-state\""), running, "{tag}");
        assert!(block.contains(">worker-b</code>"), "{tag}: {block}");
        assert_eq!(inner(block, "id=\"job-attempts\""), attempts, "{tag}");
        assert!(
            block.contains("<q>provider returned 503</q>"),
            "{tag}: {block}"
        );
    }
}

#[tokio::test]
async fn draft_page_shows_a_failed_last_job_and_nothing_once_a_job_is_done() {
    let f = fixture(None).await;
    enqueue(&f.store, &f.draft_id, 1).await;
    let job = f
        .store
        .claim_job("w-1", Duration::from_secs(600))
        .await
        .unwrap()
        .unwrap();
    f.store
        .fail_job(&job.id, "w-1", "draft has no replay cases", false)
        .await
        .unwrap();
    let uri = format!("/drafts/{}", f.draft_id);
    let (_, _, html) = send(&app(&f.store), get(&uri)).await;
    let block = section(&html, "draft-job");
    assert_eq!(inner(block, "id=\"job-state\""), "failed");
    assert!(block.contains("draft has no replay cases"), "{block}");
    assert!(block.contains("The last eval job failed"), "{block}");

    enqueue(&f.store, &f.draft_id, 1).await;
    let again = f
        .store
        .claim_job("w-2", Duration::from_secs(600))
        .await
        .unwrap()
        .unwrap();
    assert!(f.store.finish_job(&again.id, "w-2", "{}").await.unwrap());
    let (_, _, html) = send(&app(&f.store), get(&uri)).await;
    assert!(
        !html.contains("id=\"draft-job\""),
        "a done job stays hidden"
    );
}

#[tokio::test]
async fn draft_page_without_a_job_shows_no_job_block() {
    let f = fixture(None).await;
    let (status, _, html) = send(&app(&f.store), get(&format!("/drafts/{}", f.draft_id))).await;
    assert_eq!(status, 200, "{html}");
    assert!(!html.contains("id=\"draft-job\""));
}
