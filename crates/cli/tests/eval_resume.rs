//! Kill the real `skillgate eval` process with SIGKILL while trials are in
//! flight, then re-run it: every trial ends up stored exactly once and no
//! trial stored before the kill is sent to the provider again.

mod eval_common;
mod support;

use eval_common::*;
use skillgate_store::Store;
use std::collections::HashSet;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkilled_eval_resumes_without_repeating_finished_trials() {
    let tmp = tempfile::tempdir().unwrap();
    let draft = fixture(tmp.path()).await;
    let first = skillgate_scripted_llm::start(script(250)).await.unwrap();

    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("skillgate"));
    child
        .current_dir(tmp.path())
        .env("SKILLGATE_BASE_URL", first.openai_base_url())
        .env("SKILLGATE_MODEL", "scripted")
        .env_remove("SKILLGATE_DB")
        .env_remove("SKILLGATE_CONFIG")
        .args([
            "--db",
            "eval.db",
            "--config",
            "skillgate.toml",
            "eval",
            &draft,
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = child.spawn().unwrap();

    let store = Store::open(&db(tmp.path())).await.unwrap();
    let eval_id = loop {
        if let Some(e) = store.unfinished_eval(&draft).await.unwrap() {
            break e.id;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let started = Instant::now();
    while store.count_trials(&eval_id).await.unwrap() < 4 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no trial stored in 30 s"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let before: Vec<(String, String, i64, i64)> = store
        .trials(&eval_id)
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.case_id, t.arm, t.trial_index, t.seed))
        .collect();
    assert!(
        before.len() >= 4 && before.len() < 18,
        "killed too late: {} trials stored",
        before.len()
    );
    assert!(
        store
            .get_eval(&eval_id)
            .await
            .unwrap()
            .finished_at
            .is_none()
    );

    // A plain re-run of `eval DRAFT` continues the unfinished eval.
    let second = skillgate_scripted_llm::start(script(0)).await.unwrap();
    let out = skillgate(tmp.path())
        .env("SKILLGATE_BASE_URL", second.openai_base_url())
        .env("SKILLGATE_MODEL", "scripted")
        .args(["--json", "eval", &draft])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["eval_id"], eval_id.as_str());
    assert_eq!(report["timings"]["resumed"], 1);
    assert_eq!(report["trials"]["finished"], 18);

    let after = store.trials(&eval_id).await.unwrap();
    assert_eq!(after.len(), 18);
    let keys: HashSet<(String, String, i64)> = after
        .iter()
        .map(|t| (t.case_id.clone(), t.arm.clone(), t.trial_index))
        .collect();
    assert_eq!(keys.len(), 18, "each (case, arm, trial) stored once");
    // The resumed run sent exactly the missing trials, each once, and none stored before.
    let resumed = trial_seeds(&second);
    assert_eq!(resumed.len(), 18 - before.len());
    assert_eq!(resumed.iter().collect::<HashSet<_>>().len(), resumed.len());
    for (_, _, _, seed) in &before {
        assert!(
            !resumed.contains(&(*seed as u64)),
            "trial with seed {seed} was repeated"
        );
    }
    // Verdicts: alpha passes both arms, beta fails both, gamma passes both.
    assert_eq!(report["status"], "passed");
    assert_eq!(report["unchanged"], 3);
}
