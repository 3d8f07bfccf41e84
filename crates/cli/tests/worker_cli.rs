//! `skillgate worker` with the real binary on one SQLite file (and on one
//! PostgreSQL queue when `SKILLGATE_TEST_POSTGRES_URL` is set): concurrent
//! workers run each queued eval once; a SIGKILLed worker's job is taken over
//! after its lease and finished without repeating stored trials; Ctrl-C gives
//! the lease back; `--metrics-addr` serves `/metrics`.

mod eval_common;
mod support;

use eval_common::*;
use skillgate_scripted_llm::ScriptedServer;
use skillgate_store::{NewDraft, SkillFile, Store};
use std::collections::HashSet;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// A `skillgate` process in `dir` talking to `server`, not waited for.
fn spawn(dir: &Path, server: &ScriptedServer, args: &[&str]) -> Child {
    spawn_on(dir, "eval.db", server, args)
}

/// [`spawn`] on the database `db` (a SQLite path or a PostgreSQL URL).
fn spawn_on(dir: &Path, db: &str, server: &ScriptedServer, args: &[&str]) -> Child {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("skillgate"));
    cmd.current_dir(dir)
        .env("SKILLGATE_BASE_URL", server.openai_base_url())
        .env("SKILLGATE_MODEL", "scripted")
        .env_remove("SKILLGATE_DB")
        .env_remove("SKILLGATE_CONFIG")
        .env_remove("SKILLGATE_PROVIDER")
        .env_remove("SKILLGATE_API_KEY")
        .env_remove("SKILLGATE_JUDGE_PROVIDER")
        .env_remove("SKILLGATE_JUDGE_BASE_URL")
        .env_remove("SKILLGATE_JUDGE_MODEL")
        .args(["--db", db, "--config", "skillgate.toml"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.spawn().unwrap()
}

/// Waits at most `limit` for `child` to exit; kills it and panics otherwise.
fn wait_exit(child: &mut Child, limit: Duration) -> (std::process::ExitStatus, String, String) {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut out = String::new();
            let mut err = String::new();
            child
                .stdout
                .take()
                .unwrap()
                .read_to_string(&mut out)
                .unwrap();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return (status, out, err);
        }
        if started.elapsed() > limit {
            child.kill().unwrap();
            let _ = child.wait();
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            panic!("process still running after {limit:?}; stderr:\n{err}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `skillgate eval DRAFT --queue`; returns the printed job id.
fn queue(dir: &Path, draft: &str) -> String {
    queue_on(dir, "eval.db", draft)
}

/// [`queue`] on the database `db`.
fn queue_on(dir: &Path, db: &str, draft: &str) -> String {
    let out = skillgate_on(dir, db)
        .args(["eval", draft, "--queue"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(id.starts_with("job_"), "{id}");
    id
}

/// A second draft of the fixture's skill.
async fn second_draft(store: &Store) -> String {
    let md = format!(
        "---\nname: {SKILL}\ndescription: Writes weekly status reports SECONDMARK. Use when asked for a status report.\n---\n\n## Steps\n\nWrite the report.\n"
    );
    store
        .create_draft(&NewDraft {
            skill_name: SKILL.into(),
            description: "Writes reports SECONDMARK.".into(),
            revises_version_id: None,
            files: vec![SkillFile {
                path: "SKILL.md".into(),
                bytes: md.into_bytes(),
            }],
            lint_report: Some(r#"{"findings":[]}"#.into()),
            safety_report: Some(r#"{"status":"passed","findings":[]}"#.into()),
            preservation_report: None,
        })
        .await
        .unwrap()
        .id
}

/// The one eval of `draft`, with its trials stored once each.
async fn single_eval_with_unique_trials(store: &Store, draft: &str) -> String {
    let evals = store.evals_of_draft(draft).await.unwrap();
    assert_eq!(evals.len(), 1, "one eval of {draft}");
    let eval = &evals[0];
    assert!(eval.finished_at.is_some(), "eval {} finished", eval.id);
    let trials = store.trials(&eval.id).await.unwrap();
    let keys: HashSet<_> = trials
        .iter()
        .map(|t| (t.case_id.clone(), t.arm.clone(), t.trial_index))
        .collect();
    assert_eq!(trials.len(), 18, "3 cases x 2 arms x 3 trials");
    assert_eq!(keys.len(), 18, "each (case, arm, trial) stored once");
    eval.id.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_at_once_run_each_queued_eval_exactly_once() {
    let tmp = tempfile::tempdir().unwrap();
    let d1 = fixture(tmp.path()).await;
    let store = Store::open(&db(tmp.path())).await.unwrap();
    let d2 = second_draft(&store).await;
    let j1 = queue(tmp.path(), &d1);
    let j2 = queue(tmp.path(), &d2);

    let server = skillgate_scripted_llm::start(script(30)).await.unwrap();
    let mut a = spawn(
        tmp.path(),
        &server,
        &["--json", "worker", "--once", "--id", "wa"],
    );
    let mut b = spawn(
        tmp.path(),
        &server,
        &["--json", "worker", "--once", "--id", "wb"],
    );
    let mut done = 0;
    for child in [&mut a, &mut b] {
        let (status, out, err) = wait_exit(child, Duration::from_secs(120));
        assert!(status.success(), "{err}");
        let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(summary["failed"], 0, "{err}");
        done += summary["done"].as_u64().unwrap();
    }
    assert_eq!(done, 2, "two jobs done between the two workers");

    for (job_id, draft) in [(&j1, &d1), (&j2, &d2)] {
        let eval_id = single_eval_with_unique_trials(&store, draft).await;
        let job = store.get_job(job_id).await.unwrap();
        assert_eq!((job.state.as_str(), job.attempts), ("done", 1));
        let result: serde_json::Value =
            serde_json::from_str(job.result.as_deref().unwrap()).unwrap();
        assert_eq!(result["eval_id"], eval_id.as_str());
    }
    // Every trial request was sent once: 2 evals x 18 trials.
    assert_eq!(trial_seeds(&server).len(), 36);

    let out = skillgate(tmp.path())
        .args(["--json", "jobs", "--state", "done"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkilled_workers_job_is_taken_over_after_its_lease_without_repeating_trials() {
    let tmp = tempfile::tempdir().unwrap();
    let draft = fixture(tmp.path()).await;
    let job_id = queue(tmp.path(), &draft);
    let slow = skillgate_scripted_llm::start(script(250)).await.unwrap();
    let mut first = spawn(
        tmp.path(),
        &slow,
        &["worker", "--once", "--id", "w1", "--lease", "5s"],
    );

    let store = Store::open(&db(tmp.path())).await.unwrap();
    let started = Instant::now();
    let eval_id = loop {
        if let Some(e) = store.unfinished_eval(&draft).await.unwrap()
            && store.count_trials(&e.id).await.unwrap() >= 4
        {
            break e.id;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no trial stored in 60 s"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    first.kill().unwrap(); // SIGKILL: no chance to give the lease back
    first.wait().unwrap();
    let before: Vec<i64> = store
        .trials(&eval_id)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.seed)
        .collect();
    assert!(
        before.len() < 18,
        "killed too late: {} trials",
        before.len()
    );
    let job = store.get_job(&job_id).await.unwrap();
    assert_eq!(job.state, "running");
    assert_eq!(job.lease_owner.as_deref(), Some("w1/1"));

    // While the dead worker's lease lasts, nobody else takes the job.
    let fast = skillgate_scripted_llm::start(script(0)).await.unwrap();
    let (status, out, err) = wait_exit(
        &mut spawn(
            tmp.path(),
            &fast,
            &["--json", "worker", "--once", "--id", "w2"],
        ),
        Duration::from_secs(60),
    );
    assert!(status.success(), "{err}");
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["done"], 0, "{err}");
    assert_eq!(
        store.get_job(&job_id).await.unwrap().lease_owner.as_deref(),
        Some("w1/1")
    );

    // Once it expires, the next worker re-queues, claims and finishes it.
    let expires = job.lease_expires_at.unwrap();
    while skillgate_store::now_rfc3339() <= expires {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (status, out, err) = wait_exit(
        &mut spawn(
            tmp.path(),
            &fast,
            &["--json", "worker", "--once", "--id", "w3"],
        ),
        Duration::from_secs(120),
    );
    assert!(status.success(), "{err}");
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["done"], 1, "{err}");

    let job = store.get_job(&job_id).await.unwrap();
    assert_eq!((job.state.as_str(), job.attempts), ("done", 2));
    assert!(
        job.last_error.is_none(),
        "a finished job keeps no error: {:?}",
        job.last_error
    );
    assert_eq!(
        single_eval_with_unique_trials(&store, &draft).await,
        eval_id
    );
    let report = store.eval_report(&eval_id).await.unwrap().unwrap();
    let report: serde_json::Value = serde_json::from_str(&report.body).unwrap();
    assert_eq!(report["timings"]["resumed"], 1);
    // The taking-over worker sent exactly the missing trials, none stored before.
    let resumed = trial_seeds(&fast);
    assert_eq!(resumed.len(), 18 - before.len());
    for seed in &before {
        assert!(
            !resumed.contains(&(*seed as u64)),
            "trial with seed {seed} was repeated"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_gives_the_running_job_back_to_the_queue() {
    let tmp = tempfile::tempdir().unwrap();
    let draft = fixture(tmp.path()).await;
    let job_id = queue(tmp.path(), &draft);
    let slow = skillgate_scripted_llm::start(script(250)).await.unwrap();
    let mut worker = spawn(tmp.path(), &slow, &["worker", "--id", "w1"]);
    let store = Store::open(&db(tmp.path())).await.unwrap();
    let started = Instant::now();
    let eval_id = loop {
        if let Some(e) = store.unfinished_eval(&draft).await.unwrap()
            && store.count_trials(&e.id).await.unwrap() >= 2
        {
            break e.id;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no trial stored in 60 s"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    // SAFETY: sending SIGINT to our own child process.
    let rc = unsafe { libc::kill(worker.id() as libc::pid_t, libc::SIGINT) };
    assert_eq!(rc, 0);
    let (status, _, err) = wait_exit(&mut worker, Duration::from_secs(30));
    assert!(status.success(), "{err}");
    assert!(err.contains("given back"), "{err}");
    let job = store.get_job(&job_id).await.unwrap();
    assert_eq!(job.state, "queued");
    assert_eq!(job.attempts, 0, "a job given back does not use an attempt");
    assert_eq!(job.lease_owner, None);
    assert!(
        store.count_trials(&eval_id).await.unwrap() >= 2,
        "stored trials are kept"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_addr_serves_the_prometheus_text() {
    let tmp = tempfile::tempdir().unwrap();
    fixture(tmp.path()).await;
    let server = skillgate_scripted_llm::start(script(0)).await.unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut worker = spawn(
        tmp.path(),
        &server,
        &["worker", "--id", "wm", "--metrics-addr", &addr],
    );
    let started = Instant::now();
    let body = loop {
        if let Ok(mut s) = std::net::TcpStream::connect(&addr) {
            s.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut text = String::new();
            s.read_to_string(&mut text).unwrap();
            break text;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "/metrics not up in 30 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(body.starts_with("HTTP/1.1 200"), "{body}");
    assert!(body.contains("text/plain; version=0.0.4"), "{body}");
    assert!(body.contains("# TYPE skillgate_"), "{body}");
    // SAFETY: sending SIGINT to our own child process.
    unsafe { libc::kill(worker.id() as libc::pid_t, libc::SIGINT) };
    let (status, out, err) = wait_exit(&mut worker, Duration::from_secs(30));
    assert!(status.success(), "{err}");
    assert!(out.contains("0 jobs done"), "{out}");
}

#[test]
fn an_unreachable_postgres_url_fails_at_once_naming_it_without_its_password() {
    let tmp = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = assert_cmd::Command::cargo_bin("skillgate")
        .unwrap()
        .current_dir(tmp.path())
        .env_remove("SKILLGATE_DB")
        .env_remove("SKILLGATE_CONFIG")
        .args([
            "--db",
            "postgres://sg:Pl4ntedPgPass@127.0.0.1:1/skillgate",
            "worker",
            "--once",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "a refused connection is reported at once, not after a pool timeout"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("postgres://sg:***@127.0.0.1:1/skillgate") && err.contains("refused"),
        "{err}"
    );
    assert!(!err.contains("Pl4ntedPgPass"), "{err}");
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "no file was created"
    );
}

/// Two `skillgate worker` processes sharing one PostgreSQL queue run each
/// queued eval once (skipped without `SKILLGATE_TEST_POSTGRES_URL`, fails
/// without it under CI).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_on_postgres_run_each_queued_eval_exactly_once() {
    let Some(server_url) = skillgate_store::testing::postgres_test_server().unwrap() else {
        eprintln!("skipping: SKILLGATE_TEST_POSTGRES_URL is not set");
        return;
    };
    let schema = skillgate_store::testing::PgTestSchema::create(&server_url)
        .await
        .unwrap();
    let url = schema.url();
    let tmp = tempfile::tempdir().unwrap();
    let d1 = fixture_on(tmp.path(), url).await;
    let store = Store::open_url(url).await.unwrap();
    assert_eq!(store.backend(), skillgate_store::Backend::Postgres);
    let d2 = second_draft(&store).await;
    let j1 = queue_on(tmp.path(), url, &d1);
    let j2 = queue_on(tmp.path(), url, &d2);

    let server = skillgate_scripted_llm::start(script(30)).await.unwrap();
    let mut a = spawn_on(
        tmp.path(),
        url,
        &server,
        &["--json", "worker", "--once", "--id", "wa"],
    );
    let mut b = spawn_on(
        tmp.path(),
        url,
        &server,
        &["--json", "worker", "--once", "--id", "wb"],
    );
    let mut done = 0;
    for child in [&mut a, &mut b] {
        let (status, out, err) = wait_exit(child, Duration::from_secs(120));
        assert!(status.success(), "{err}");
        assert!(
            err.contains("postgres://"),
            "the worker names its queue: {err}"
        );
        let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(summary["failed"], 0, "{err}");
        done += summary["done"].as_u64().unwrap();
    }
    assert_eq!(done, 2, "two jobs done between the two workers");
    for (job_id, draft) in [(&j1, &d1), (&j2, &d2)] {
        let eval_id = single_eval_with_unique_trials(&store, draft).await;
        let job = store.get_job(job_id).await.unwrap();
        assert_eq!((job.state.as_str(), job.attempts), ("done", 1));
        let result: serde_json::Value =
            serde_json::from_str(job.result.as_deref().unwrap()).unwrap();
        assert_eq!(result["eval_id"], eval_id.as_str());
    }
    assert_eq!(trial_seeds(&server).len(), 36);
    assert!(
        !tmp.path().join("eval.db").exists(),
        "nothing was written to a SQLite file"
    );

    let out = skillgate_on(tmp.path(), url)
        .args(["--json", "doctor"])
        .output()
        .unwrap();
    let doctor = String::from_utf8_lossy(&out.stdout);
    assert!(
        doctor.contains("(postgres; 3 runs, 3 accepted)"),
        "{doctor}"
    );
}

#[tokio::test]
async fn queueing_an_unknown_draft_names_it() {
    let tmp = tempfile::tempdir().unwrap();
    fixture(tmp.path()).await;
    let out = skillgate(tmp.path())
        .args(["eval", "drf_nope", "--queue"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("drf_nope") && err.contains("draft list"),
        "{err}"
    );
}

/// A running `skillgate serve` on a free loopback port; killed on drop.
struct Served {
    child: Child,
    addr: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &Path, server: &ScriptedServer, extra: &[&str]) -> Served {
    use std::io::BufRead;
    let mut args = vec!["serve", "--addr", "127.0.0.1:0"];
    args.extend_from_slice(extra);
    let mut child = spawn(dir, server, &args);
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let addr = loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "skillgate serve ended before it listened"
        );
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    std::thread::spawn(move || {
        let mut sink = Vec::new();
        let _ = stderr.read_to_end(&mut sink);
    });
    Served { child, addr }
}

/// POSTs a JSON body over plain HTTP/1.1; returns the whole response.
fn post_json(addr: &str, path: &str, body: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_queues_a_web_started_eval_and_its_in_process_worker_runs_it() {
    let tmp = tempfile::tempdir().unwrap();
    let draft = fixture(tmp.path()).await;
    let llm = skillgate_scripted_llm::start(script(0)).await.unwrap();
    let served = serve(tmp.path(), &llm, &[]);
    let resp = post_json(
        &served.addr,
        &format!("/api/drafts/{draft}/evals"),
        r#"{"cases": 2, "trials": 1}"#,
    );
    assert!(resp.starts_with("HTTP/1.1 202"), "{resp}");
    assert!(resp.contains("queued as job"), "{resp}");

    let store = Store::open(&db(tmp.path())).await.unwrap();
    let started = Instant::now();
    let job = loop {
        let jobs = store.list_jobs(None, 10).await.unwrap();
        assert_eq!(jobs.len(), 1);
        if jobs[0].state == "done" {
            break jobs[0].clone();
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "job not done in 60 s: {:?}",
            jobs[0]
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let payload = job.eval_payload().unwrap();
    assert_eq!((payload.cases, payload.trials), (Some(2), Some(1)));
    let evals = store.evals_of_draft(&draft).await.unwrap();
    assert_eq!(evals.len(), 1);
    // 2 cases x 2 arms x 1 trial, as the request asked.
    assert_eq!(store.count_trials(&evals[0].id).await.unwrap(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_no_worker_only_queues() {
    let tmp = tempfile::tempdir().unwrap();
    let draft = fixture(tmp.path()).await;
    let llm = skillgate_scripted_llm::start(script(0)).await.unwrap();
    let served = serve(tmp.path(), &llm, &["--no-worker"]);
    let resp = post_json(&served.addr, &format!("/api/drafts/{draft}/evals"), "{}");
    assert!(resp.starts_with("HTTP/1.1 202"), "{resp}");
    assert!(resp.contains("a `skillgate worker` runs it"), "{resp}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let store = Store::open(&db(tmp.path())).await.unwrap();
    let jobs = store.list_jobs(None, 10).await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!((jobs[0].state.as_str(), jobs[0].attempts), ("queued", 0));
    assert!(store.evals_of_draft(&draft).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_that_cannot_run_fails_at_once_with_its_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let draft = fixture(tmp.path()).await;
    let store = Store::open(&db(tmp.path())).await.unwrap();
    // A payload no flag can produce (an older or foreign writer): unknown locale.
    let job = store
        .enqueue_eval_job(
            &skillgate_store::EvalJobPayload {
                draft_id: draft.clone(),
                cases: None,
                trials: None,
                prompt_locale: Some("xx-YY".into()),
                requested_by: "test".into(),
            },
            3,
        )
        .await
        .unwrap();
    let llm = skillgate_scripted_llm::start(script(0)).await.unwrap();
    let (status, out, err) = wait_exit(
        &mut spawn(tmp.path(), &llm, &["--json", "worker", "--once"]),
        Duration::from_secs(60),
    );
    assert_eq!(status.code(), Some(1), "a failed job is a finding: {err}");
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (summary["done"].as_u64(), summary["failed"].as_u64()),
        (Some(0), Some(1))
    );
    let job = store.get_job(&job.id).await.unwrap();
    assert_eq!((job.state.as_str(), job.attempts), ("failed", 1));
    assert!(
        job.last_error.as_deref().unwrap_or("").contains("'xx-YY'"),
        "{:?}",
        job.last_error
    );
    assert!(store.evals_of_draft(&draft).await.unwrap().is_empty());
}

#[test]
fn a_lease_under_a_second_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = assert_cmd::Command::cargo_bin("skillgate")
        .unwrap()
        .current_dir(tmp.path())
        .env_remove("SKILLGATE_DB")
        .env_remove("SKILLGATE_CONFIG")
        .args(["--db", "q.db", "worker", "--once", "--lease", "500ms"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--lease 500 ms is too short"), "{err}");
}
