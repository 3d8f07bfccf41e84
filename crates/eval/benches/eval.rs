//! Eval benchmark (SPEC §11): whole evals against the scripted provider over
//! loopback, through the real store (SQLite file), replay loop, tool layer
//! (per-trial workspace; no bwrap so no sandbox process) and graders.
//!
//! 1. 200 cases × 2 arms × 3 trials × 5 steps (4 `read_file` calls + answer),
//!    zero provider delay: wall time, CPU time, peak RSS (VmHWM; the scripted
//!    server runs in the same process and is included).
//! 2. 200 ms per provider answer, 32 trials in flight (provider concurrency
//!    32): wall time against the ideal (total provider time / 32).
//!
//! `cargo bench -p skillgate-eval --bench eval [-- CASES_1 CASES_2]`
//! (defaults 200 and 40). When the `scripted-llm` binary is built
//! (`cargo build --release -p skillgate-scripted-llm`, or `SCRIPTED_LLM_BIN`),
//! the server runs as a separate process so the peak RSS is the eval's own;
//! otherwise in-process (its recorded requests then count towards the RSS).

use serde_json::json;
use skillgate_core::{Criteria, GraderCheck, GraderSpec, RecordedToolCall, Run};
use skillgate_eval::{EvalEnv, EvalSettings, run_eval};
use skillgate_providers::{ProviderConfig, ProviderKind};
use skillgate_scripted_llm::{Mode, Script, ScriptedToolCall, Step};
use skillgate_store::{NewDraft, SkillFile, Store};
use std::path::PathBuf;
use std::time::Instant;

const STEPS: usize = 5;
const K: u32 = 3;

fn skill_md(mark: &str) -> Vec<u8> {
    format!("---\nname: bench-skill\ndescription: Summarises case notes {mark}. Use when asked for a summary.\n---\n\n## Steps\n\nRead the notes and summarise them.\n").into_bytes()
}

fn runs(n: usize) -> Vec<Run> {
    (0..n)
        .map(|i| Run {
            id: format!("run-{i:05}"),
            tenant: "bench".into(),
            locale: "en".into(),
            task: format!("case-{i:05}: summarise notes-{i}.md"),
            messages: vec![],
            tool_calls: vec![RecordedToolCall {
                name: "read_file".into(),
                toolset: Some("workspace".into()),
                arguments: json!({"path": "notes.md"}),
                result: json!({"content": format!("notes of case {i}")}),
                started_at: None,
            }],
            final_answer: "ANSWER-OK".into(),
            accepted: true,
            accepted_at: Some(format!("2026-01-01T00:{:02}:{:02}Z", (i / 60) % 60, i % 60)),
            created_at: None,
            criteria: Some(Criteria {
                graders: vec![GraderSpec {
                    check: GraderCheck::Contains {
                        value: "ANSWER-OK".into(),
                    },
                    weight: 1.0,
                }],
                pass_threshold: None,
                rubric: None,
            }),
            skill: Some("bench-skill".into()),
        })
        .collect()
}

fn script(delay_ms: u64) -> Script {
    let read = Step {
        tool_calls: vec![ScriptedToolCall {
            id: None,
            name: "read_file".into(),
            arguments: json!({"path": "notes.md"}),
        }],
        delay_ms,
        ..Default::default()
    };
    let mut steps = vec![read; STEPS - 1];
    steps.push(Step::text("ANSWER-OK summary").with_delay_ms(delay_ms));
    Script {
        mode: Mode::ByTurn,
        steps,
        ..Default::default()
    }
}

enum Server {
    InProcess(skillgate_scripted_llm::ScriptedServer),
    Child(std::process::Child, String),
}

impl Server {
    async fn start(script: Script, dir: &std::path::Path) -> Server {
        let bin = std::env::var_os("SCRIPTED_LLM_BIN")
            .map(PathBuf::from)
            .or_else(|| {
                let exe = std::env::current_exe().ok()?;
                Some(exe.parent()?.parent()?.join("scripted-llm"))
            });
        if let Some(bin) = bin.filter(|b| b.is_file()) {
            use std::io::BufRead;
            let path = dir.join("script.json");
            std::fs::write(&path, serde_json::to_string(&script).unwrap()).unwrap();
            let mut child = std::process::Command::new(bin)
                .arg("--script")
                .arg(&path)
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let mut line = String::new();
            std::io::BufReader::new(child.stdout.take().unwrap())
                .read_line(&mut line)
                .unwrap();
            let url = line
                .trim()
                .trim_start_matches("openai_base_url=")
                .to_string();
            return Server::Child(child, url);
        }
        Server::InProcess(skillgate_scripted_llm::start(script).await.unwrap())
    }

    fn base_url(&self) -> String {
        match self {
            Server::InProcess(s) => s.openai_base_url(),
            Server::Child(_, url) => url.clone(),
        }
    }

    fn describe(&self) -> String {
        match self {
            Server::InProcess(s) => format!(
                "in-process server (its CPU and recorded requests are included): {} requests, max {} in flight",
                s.request_count(),
                s.max_in_flight()
            ),
            Server::Child(..) => {
                "server in a separate process: CPU and RSS are the eval's own".into()
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Server::Child(child, _) = self {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn proc_status(key: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// user + system CPU seconds of this process.
fn cpu_secs() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

async fn one(cases: usize, delay_ms: u64, concurrency: usize) -> (f64, f64, usize, String) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("bench.db")).await.unwrap();
    store.insert_runs(&runs(cases)).await.unwrap();
    let v1 = store
        .publish_skill_version(
            "bench-skill",
            "v1",
            &[SkillFile {
                path: "SKILL.md".into(),
                bytes: skill_md("BASE"),
            }],
            None,
        )
        .await
        .unwrap();
    let draft = store
        .create_draft(&NewDraft {
            skill_name: "bench-skill".into(),
            description: "draft".into(),
            revises_version_id: Some(v1.id),
            files: vec![SkillFile {
                path: "SKILL.md".into(),
                bytes: skill_md("CAND"),
            }],
            lint_report: None,
            safety_report: Some(r#"{"status":"passed"}"#.into()),
            preservation_report: Some(r#"{"status":"passed"}"#.into()),
        })
        .await
        .unwrap();
    let server = Server::start(script(delay_ms), dir.path()).await;
    let mut cfg = ProviderConfig::new(ProviderKind::OpenAi, server.base_url(), "bench");
    cfg.concurrency = concurrency;
    cfg.max_retries = 0;
    let mut env = EvalEnv::new(Ok(Some(cfg)));
    env.protected_paths = Vec::new();
    env.bwrap_path = Some(PathBuf::from("/nonexistent/bwrap"));
    let settings = EvalSettings {
        max_cases: cases,
        trials: K,
        // Distinct cases by construction; the bench measures replay, not dedup.
        duplicate_similarity: 1.01,
        ..Default::default()
    };
    let rss_before = proc_status("VmRSS:").unwrap_or(0);
    let cpu0 = cpu_secs();
    let t0 = Instant::now();
    let out = run_eval(&store, &draft.id, settings, &env).await.unwrap();
    let wall = t0.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu0;
    let trials = out.report.trials.finished;
    let status = format!(
        "RSS before the eval {rss_before} KiB; {} ({} finished, {} errored; {})",
        out.report.status.as_str(),
        trials,
        out.report.trials.errored,
        server.describe()
    );
    (wall, cpu, trials, status)
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n1 = args.first().copied().unwrap_or(200);
    let n2 = args.get(1).copied().unwrap_or(40);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();

    let (wall, cpu, trials, status) = rt.block_on(one(n1, 0, 4));
    let steps = trials * STEPS;
    println!(
        "eval/zero-delay: {n1} cases x 2 arms x {K} trials x {STEPS} steps: wall {wall:.2} s, CPU {cpu:.2} s ({:.3} ms CPU per step, {:.2} ms CPU per trial), peak RSS {} KiB; {status}",
        cpu * 1000.0 / steps as f64,
        cpu * 1000.0 / trials.max(1) as f64,
        proc_status("VmHWM:").unwrap_or(0)
    );

    let delay = 200u64;
    let (wall, _cpu, trials, status) = rt.block_on(one(n2, delay, 32));
    let ideal = (trials * STEPS) as f64 * delay as f64 / 1000.0 / 32.0;
    println!(
        "eval/200ms-delay: {n2} cases x 2 arms x {K} trials x {STEPS} steps at concurrency 32: wall {wall:.2} s vs ideal {ideal:.2} s (ratio {:.2}); {status}",
        wall / ideal
    );
}
