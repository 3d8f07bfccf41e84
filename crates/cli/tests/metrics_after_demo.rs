//! Issue #9 / SPEC §7: `/metrics` of `skillgate serve` after a demo.
//!
//! `skillgate demo` runs two heuristic evals (no provider: both skipped).
//! The test then replays one draft against the scripted LLM server (so
//! trials, tokens and a replay report exist), rejects that draft and has the
//! gate refuse it, approves and publishes the other, and scrapes `/metrics`
//! of the real server. Every family of the issue is checked for its TYPE and
//! for the value that what was done implies, read back from the CLI's own
//! JSON (reports, reviews, publish decisions, incidents, drafts).

mod serve_common;
mod support;

use assert_cmd::Command;
use serde_json::Value;
use skillgate_scripted_llm::{Script, Step};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

const DB: &str = "D/skillgate.db";

fn skillgate(dir: &Path) -> Command {
    let mut cmd = support::skillgate_in(dir);
    cmd.env("USER", "metrics-e2e");
    cmd
}

/// Runs `skillgate --db DB --json ARGS`; returns (exit code, parsed stdout).
fn json_exit(cmd: &mut Command, args: &[&str]) -> (i32, Value) {
    let out = cmd
        .args(["--db", DB, "--json"])
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stdout is not JSON ({e})\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), value)
}

fn json_ok(dir: &Path, args: &[&str]) -> Value {
    let (code, value) = json_exit(&mut skillgate(dir), args);
    assert_eq!(code, 0, "{args:?}\n{value}");
    value
}

/// One sample of the exposition: metric name, labels, value.
#[derive(Debug, Clone)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// The Prometheus text exposition parsed: `# TYPE` per family, samples.
struct Exposition {
    types: HashMap<String, String>,
    samples: Vec<Sample>,
}

fn parse_labels(text: &str) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (key, after) = rest.split_once("=\"").unwrap();
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            let (i, c) = chars.next().unwrap();
            match c {
                '\\' => value.push(chars.next().unwrap().1),
                '"' => break i,
                c => value.push(c),
            }
        };
        labels.insert(key.trim_start_matches(',').to_string(), value);
        rest = after[end + 1..].trim_start_matches(',');
    }
    labels
}

fn parse_value(text: &str) -> f64 {
    match text {
        "NaN" => f64::NAN,
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        v => v
            .parse()
            .unwrap_or_else(|e| panic!("bad sample value {v:?}: {e}")),
    }
}

fn parse(text: &str) -> Exposition {
    let mut types = HashMap::new();
    let mut samples = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap();
            assert!(
                types.insert(name.to_string(), kind.to_string()).is_none(),
                "TYPE of {name} given twice"
            );
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap();
        let (name, labels) = match series.split_once('{') {
            Some((name, labels)) => (name, parse_labels(labels.strip_suffix('}').unwrap())),
            None => (series, BTreeMap::new()),
        };
        samples.push(Sample {
            name: name.to_string(),
            labels,
            value: parse_value(value),
        });
    }
    Exposition { types, samples }
}

impl Exposition {
    fn assert_type(&self, family: &str, kind: &str) {
        assert_eq!(
            self.types.get(family).map(String::as_str),
            Some(kind),
            "TYPE of {family}"
        );
    }

    /// Samples named `name` whose labels include every `(key, value)` of `with`.
    fn find(&self, name: &str, with: &[(&str, &str)]) -> Vec<&Sample> {
        self.samples
            .iter()
            .filter(|s| s.name == name)
            .filter(|s| {
                with.iter()
                    .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
            })
            .collect()
    }

    /// The one sample named `name` with these labels.
    fn one(&self, name: &str, with: &[(&str, &str)]) -> f64 {
        let found = self.find(name, with);
        assert_eq!(found.len(), 1, "{name} {with:?}: {found:?}");
        found[0].value
    }

    /// A histogram's buckets (upper bound, cumulative count), `_sum`, `_count`,
    /// after checking that the buckets are cumulative and `+Inf` equals `_count`.
    fn histogram(&self, family: &str, with: &[(&str, &str)]) -> (Vec<(f64, f64)>, f64, f64) {
        let mut buckets: Vec<(f64, f64)> = self
            .find(&format!("{family}_bucket"), with)
            .iter()
            .map(|s| (parse_value(&s.labels["le"]), s.value))
            .collect();
        buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(buckets.len() >= 2, "{family} {with:?}: too few buckets");
        assert!(
            buckets.windows(2).all(|w| w[0].1 <= w[1].1),
            "{family} {with:?}: buckets are not cumulative: {buckets:?}"
        );
        let sum = self.one(&format!("{family}_sum"), with);
        let count = self.one(&format!("{family}_count"), with);
        let inf = buckets.last().unwrap();
        assert!(inf.0.is_infinite(), "{family} {with:?}: no +Inf bucket");
        assert_eq!(inf.1, count, "{family} {with:?}: +Inf bucket != _count");
        assert!(sum >= 0.0, "{family} {with:?}: negative _sum {sum}");
        (buckets, sum, count)
    }
}

/// Cumulative bucket counts the observations `values` must give.
fn expected_buckets(buckets: &[(f64, f64)], values: &[f64]) -> Vec<(f64, f64)> {
    buckets
        .iter()
        .map(|(le, _)| (*le, values.iter().filter(|v| **v <= *le).count() as f64))
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_after_a_demo_eval_have_the_right_types_and_values() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = skillgate(dir)
        .args(["demo", "--dir", "D"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let drafts = json_ok(dir, &["draft", "list"]);
    let draft_of = |skill: &str| {
        drafts
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["skill"] == skill)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let weekly = draft_of("weekly-status-report");
    let postmortem = draft_of("incident-postmortem");

    // A replay eval of the new-skill draft against the scripted model.
    let server = skillgate_scripted_llm::start(Script {
        steps: vec![Step::text("Postmortem written.")],
        ..Default::default()
    })
    .await
    .unwrap();
    let (code, replay) = json_exit(
        skillgate(dir)
            .env("SKILLGATE_BASE_URL", server.openai_base_url())
            .env("SKILLGATE_MODEL", "scripted"),
        &["eval", &postmortem, "--cases", "2", "--trials", "1"],
    );
    assert!(code == 0 || code == 1, "eval exit {code}\n{replay}");
    assert_eq!(replay["mode"], "replay", "{replay}");
    let chat_requests = server
        .requests_seen()
        .iter()
        .filter(|r| r.path.ends_with("/chat/completions"))
        .count() as f64;
    assert!(chat_requests > 0.0);
    drop(server);

    // Governance: reject + refused publish; approve + publish.
    let rejected = json_ok(
        dir,
        &[
            "review",
            &postmortem,
            "--reject",
            "--rationale",
            "no timeline section",
            "--reviewer",
            "rita",
        ],
    );
    let (code, refused) = json_exit(&mut skillgate(dir), &["publish", &postmortem]);
    assert_eq!(code, 1, "{refused}");
    assert_eq!(refused["decision"]["outcome"], "refused");
    let approved = json_ok(
        dir,
        &[
            "review",
            &weekly,
            "--approve",
            "--rationale",
            "provider down; heuristic report and diff read by hand",
            "--reviewer",
            "bob",
        ],
    );
    let published = json_ok(dir, &["publish", &weekly]);
    assert_eq!(published["decision"]["outcome"], "published", "{published}");
    let decision_seconds: Vec<f64> = [&rejected, &approved]
        .iter()
        .map(|r| r["review"]["decision_seconds"].as_f64().unwrap())
        .collect();
    let incidents = json_ok(dir, &["incident", "list"]);
    let drafts = json_ok(dir, &["draft", "list"]);

    let served = serve_common::serve(dir, DB);
    let body = serve_common::get_ok(&served.addr, "/metrics");
    // Every eval of both drafts, with its stored report.
    let mut reports = Vec::new();
    for d in [&weekly, &postmortem] {
        let evals: Value = serde_json::from_str(&serve_common::get_ok(
            &served.addr,
            &format!("/api/drafts/{d}/evals"),
        ))
        .unwrap();
        for e in evals.as_array().unwrap() {
            reports.push(json_ok(
                dir,
                &["report", "show", e["eval_id"].as_str().unwrap()],
            ));
        }
    }
    drop(served);
    assert_eq!(
        reports.len(),
        3,
        "demo: 2 heuristic evals; then 1 replay eval"
    );
    let m = parse(&body);
    let status_of = |r: &Value| r["status"].as_str().unwrap().to_string();
    let skipped: Vec<&Value> = reports
        .iter()
        .filter(|r| status_of(r) == "skipped_provider_unavailable")
        .collect();
    let replayed: Vec<&Value> = reports.iter().filter(|r| r["mode"] == "replay").collect();
    assert_eq!(skipped.len(), 2);
    assert_eq!(replayed.len(), 1);
    // The skipped (heuristic) evals called no provider: no trial, no token.
    for r in &skipped {
        assert_eq!(r["mode"], "heuristic");
        assert_eq!(r["trials"]["finished"], 0);
        assert_eq!(r["usage"]["total_tokens"], 0);
    }

    // Replay status counts by status: each matches the reports, sum = evals.
    m.assert_type("skillgate_replay_status_total", "counter");
    let statuses = m.find("skillgate_replay_status_total", &[]);
    for s in &statuses {
        let want = reports
            .iter()
            .filter(|r| status_of(r) == s.labels["status"])
            .count() as f64;
        assert_eq!(s.value, want, "status {:?}", s.labels);
    }
    assert_eq!(statuses.iter().map(|s| s.value).sum::<f64>(), 3.0);
    for r in &reports {
        assert!(
            statuses.iter().any(|s| s.labels["status"] == status_of(r)),
            "no sample for status {}",
            status_of(r)
        );
    }

    // Provider-unavailable skips.
    m.assert_type("skillgate_provider_unavailable_skips_total", "counter");
    assert_eq!(
        m.one("skillgate_provider_unavailable_skips_total", &[]),
        2.0
    );

    // Replay latency per eval: the replay eval only (skipped evals replayed nothing).
    m.assert_type("skillgate_replay_duration_seconds", "histogram");
    let wall = replayed[0]["timings"]["wall_ms"].as_f64().unwrap() / 1000.0;
    let (buckets, sum, count) =
        m.histogram("skillgate_replay_duration_seconds", &[("scope", "eval")]);
    assert_eq!(count, 1.0);
    assert!(
        close(sum, wall),
        "eval latency sum {sum} vs report wall {wall}"
    );
    assert_eq!(buckets, expected_buckets(&buckets, &[wall]));
    // Per trial: every stored trial of the replay eval, each within the eval's wall time.
    let trials = replayed[0]["trials"]["finished"].as_f64().unwrap()
        + replayed[0]["trials"]["errored"].as_f64().unwrap();
    assert_eq!(trials, 4.0, "2 cases x 2 arms x 1 trial");
    let (_, sum, count) = m.histogram("skillgate_replay_duration_seconds", &[("scope", "trial")]);
    assert_eq!(count, trials);
    assert!(
        sum <= count * wall + 1e-9,
        "trial time {sum} s > {count} x eval {wall} s"
    );

    // Blocked coverage: one observation per eval report.
    m.assert_type("skillgate_blocked_coverage", "histogram");
    let coverage: Vec<f64> = reports
        .iter()
        .map(|r| r["blocked_coverage"].as_f64().unwrap())
        .collect();
    let (buckets, sum, count) = m.histogram("skillgate_blocked_coverage", &[]);
    assert_eq!(count, coverage.len() as f64);
    assert!(close(sum, coverage.iter().sum()));
    assert_eq!(buckets, expected_buckets(&buckets, &coverage));
    m.assert_type("skillgate_blocked_coverage_full_total", "counter");
    assert_eq!(
        m.one("skillgate_blocked_coverage_full_total", &[]),
        coverage.iter().filter(|c| **c >= 1.0).count() as f64
    );

    // Side-effect incidents: none was opened.
    assert_eq!(incidents.as_array().unwrap().len(), 0, "{incidents}");
    m.assert_type("skillgate_side_effect_incidents_total", "counter");
    assert_eq!(m.one("skillgate_side_effect_incidents_total", &[]), 0.0);
    m.assert_type("skillgate_incidents_open", "gauge");
    for sev in ["P0", "P1", "P2"] {
        assert_eq!(m.one("skillgate_incidents_open", &[("severity", sev)]), 0.0);
    }

    // Preservation: the revision draft has one report, passed.
    let preservation: Vec<&str> = drafts
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["preservation"].as_str())
        .collect();
    assert_eq!(preservation, ["passed"]);
    m.assert_type("skillgate_preservation_failed_total", "counter");
    assert_eq!(m.one("skillgate_preservation_failed_total", &[]), 0.0);
    m.assert_type("skillgate_preservation_reports_total", "counter");
    assert_eq!(m.one("skillgate_preservation_reports_total", &[]), 1.0);

    // Publish decisions by outcome: one published, one refused.
    m.assert_type("skillgate_publish_decisions_total", "counter");
    for (outcome, n) in [("published", 1.0), ("refused", 1.0), ("recorded", 0.0)] {
        assert_eq!(
            m.one("skillgate_publish_decisions_total", &[("outcome", outcome)]),
            n,
            "{outcome}"
        );
    }
    m.assert_type("skillgate_trusted_publish_rate", "gauge");
    assert_eq!(
        m.one("skillgate_trusted_publish_rate", &[("window", "7d")]),
        0.5
    );

    // Reviewer decision time: the two reviews.
    m.assert_type("skillgate_review_decision_seconds", "histogram");
    let (buckets, sum, count) = m.histogram("skillgate_review_decision_seconds", &[]);
    assert_eq!(count, 2.0);
    assert!(close(sum, decision_seconds.iter().sum()));
    assert_eq!(buckets, expected_buckets(&buckets, &decision_seconds));

    // Replay regression rate: the one replay report, regressed or not.
    m.assert_type("skillgate_replay_regression_rate", "gauge");
    let rate = m.one("skillgate_replay_regression_rate", &[("window", "7d")]);
    let regressed = replayed[0]["regressed"].as_u64().unwrap();
    assert!((0.0..=1.0).contains(&rate), "{rate}");
    assert_eq!(rate, if regressed > 0 { 1.0 } else { 0.0 });

    // Tokens used: per arm exactly what the replay report counted, the judge
    // calls as arm="judge"; all together every token the scripted model
    // reported (10 in, 5 out per request) but the availability probe's.
    // The heuristic evals add none.
    m.assert_type("skillgate_tokens_total", "counter");
    let usage = &replayed[0]["usage"];
    let mut used = 0.0;
    for (arm, field) in [
        ("baseline", "baseline_tokens"),
        ("candidate", "candidate_tokens"),
        ("judge", "judge_tokens"),
    ] {
        for (i, direction) in ["input", "output"].into_iter().enumerate() {
            let v = m.one(
                "skillgate_tokens_total",
                &[("arm", arm), ("direction", direction)],
            );
            assert_eq!(v, usage[field][i].as_f64().unwrap(), "{arm} {direction}");
            assert!(v > 0.0, "{arm} {direction}");
            used += v;
        }
    }
    assert_eq!(m.find("skillgate_tokens_total", &[]).len(), 6);
    assert_eq!(used, usage["total_tokens"].as_f64().unwrap());
    assert_eq!(used, 15.0 * (chat_requests - 1.0));

    // Alerts: 2 of 3 finished evals skipped > 25 % fires; no side effect.
    m.assert_type("skillgate_alert_firing", "gauge");
    assert_eq!(
        m.find("skillgate_alert_firing", &[]).len(),
        skillgate_ops::ALERT_NAMES.len()
    );
    assert_eq!(
        m.one(
            "skillgate_alert_firing",
            &[("alert", "ProviderUnavailableSkipRateHigh")]
        ),
        1.0
    );
    assert_eq!(
        m.one("skillgate_alert_firing", &[("alert", "SideEffectIncident")]),
        0.0
    );
    for s in &m.samples {
        assert!(
            !s.value.is_sign_negative() || s.value.is_nan(),
            "negative sample {s:?}"
        );
    }
}
