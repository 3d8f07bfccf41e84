//! Agent-loop benchmark (no criterion): `cargo bench -p skillgate-replay --bench agent_step`.
//!
//! The zero-delay scripted LLM server runs in a child process (this binary re-executed
//! with `AGENT_STEP_ROLE=server`), so the figures below are the client's alone:
//!
//! 1. Sequential N-step tool loops (N = 2, 5, 10) through the real provider over
//!    loopback HTTP: median and p10..p90 of wall time per step, of harness overhead per
//!    step (wall time outside `provider.chat` and tool calls, from the transcript's
//!    `harness_us`), and client CPU per step (harness + provider encode / decode + HTTP
//!    client, all on one current-thread runtime, from /proc/thread-self/schedstat).
//! 2. 1,000 concurrent 2-step trials (another child, `AGENT_STEP_ROLE=rss`): peak RSS
//!    (VmHWM) with all 1,000 transcripts kept in memory.
//!
//! Environment: `AGENT_STEP_TRIALS` (sequential trials per N, default 1000),
//! `AGENT_STEP_CONCURRENT` (default 1000).

use serde_json::json;
use skillgate_core::Locale;
use skillgate_providers::{Provider, ProviderConfig, ProviderKind};
use skillgate_replay::{
    InMemoryTools, SkillContext, SkillLoading, StopReason, TrialInput, TrialLimits, run_trial,
};
use skillgate_scripted_llm::{AfterEnd, Mode, Rule, Script, Step};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ROLE: &str = "AGENT_STEP_ROLE";
const STEP_COUNTS: [usize; 3] = [2, 5, 10];

/// A by-turn script per step count: a task "steps=N" makes N-1 tool calls, then answers.
fn script() -> Script {
    let rules = STEP_COUNTS
        .iter()
        .map(|&n| {
            let mut steps: Vec<Step> = (1..n)
                .map(|i| {
                    Step::tool_call("read_file", json!({"path": format!("file{}.txt", i % 3)}))
                })
                .collect();
            steps.push(Step::text("All files read; the total is 42."));
            Rule {
                when_any_message_contains: Some(format!("[steps={n}]")),
                mode: Mode::ByTurn,
                after_end: AfterEnd::RepeatLast,
                steps,
                ..Rule::default()
            }
        })
        .collect();
    Script {
        rules,
        steps: vec![Step::text("unknown task")],
        ..Script::default()
    }
}

fn tools() -> InMemoryTools {
    InMemoryTools::new((0..3).map(|i| (format!("file{i}.txt"), "line of text\n".repeat(40))))
}

fn input(steps: usize) -> TrialInput {
    TrialInput {
        task: format!("Read the files and add up the totals. [steps={steps}]"),
        locale: Locale::En,
        skill: Some(SkillContext {
            name: "totals".into(),
            description: "Adds up totals across files. Use when asked for a total.".into(),
            body: "# Totals\n1. Read every file.\n2. Add the numbers.\n".repeat(10),
        }),
        loading: SkillLoading::Always,
        seed: 1,
        temperature: 0.0,
    }
}

fn provider(base_url: &str, concurrency: usize) -> Provider {
    let mut cfg = ProviderConfig::new(ProviderKind::OpenAi, base_url, "scripted");
    cfg.concurrency = concurrency;
    cfg.timeout = Duration::from_secs(60);
    match Provider::new(cfg) {
        Ok(p) => p,
        Err(e) => panic!("provider: {e}"),
    }
}

/// CPU time of the calling thread so far (ns resolution), from /proc/thread-self/schedstat.
/// The sequential phase runs everything on one current-thread runtime, so this is the
/// client's CPU: harness, provider encode/decode and the HTTP client.
fn thread_cpu_time() -> Duration {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let ns = text
        .split_whitespace()
        .next()
        .and_then(|f| f.parse::<u64>().ok())
        .unwrap_or(0);
    Duration::from_nanos(ns)
}

fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn summary(mut v: Vec<f64>) -> String {
    v.sort_by(f64::total_cmp);
    format!(
        "median {:.1} µs (p10 {:.1}, p90 {:.1}, n = {})",
        percentile(&v, 0.5),
        percentile(&v, 0.1),
        percentile(&v, 0.9),
        v.len()
    )
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn runtime(multi: bool) -> tokio::runtime::Runtime {
    let built = if multi {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    };
    match built {
        Ok(rt) => rt,
        Err(e) => panic!("tokio runtime: {e}"),
    }
}

/// Child role: serve the script, print the address, exit when stdin closes.
fn serve() {
    let rt = runtime(true);
    rt.block_on(async {
        let server = match skillgate_scripted_llm::start(script()).await {
            Ok(s) => s,
            Err(e) => panic!("scripted server: {e}"),
        };
        println!("{}", server.openai_base_url());
        let _ = std::io::stdout().flush();
        let _ = tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        })
        .await;
        drop(server);
    });
}

fn spawn_self(role: &str, extra: &[(&str, String)]) -> std::process::Child {
    let exe = match std::env::current_exe() {
        Ok(p) => p,
        Err(e) => panic!("current exe: {e}"),
    };
    let mut cmd = Command::new(exe);
    cmd.env(ROLE, role)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    for (k, v) in extra {
        cmd.env(k, v);
    }
    match cmd.spawn() {
        Ok(c) => c,
        Err(e) => panic!("spawn {role}: {e}"),
    }
}

/// Child role: 1,000 concurrent trials against `AGENT_STEP_URL`, print VmHWM.
fn rss(base_url: &str) {
    let n = env_usize("AGENT_STEP_CONCURRENT", 1000);
    let before = vm_hwm_kib();
    let rt = runtime(true);
    let started = Instant::now();
    let transcripts = rt.block_on(async {
        let p = provider(base_url, 256);
        let tools = std::sync::Arc::new(tools());
        let input = std::sync::Arc::new(input(2));
        let limits = TrialLimits::default();
        let handles: Vec<_> = (0..n)
            .map(|_| {
                let (p, tools, input) = (p.clone(), tools.clone(), input.clone());
                tokio::spawn(async move { run_trial(&p, tools.as_ref(), &input, &limits).await })
            })
            .collect();
        let mut out = Vec::with_capacity(n);
        for h in handles {
            if let Ok(t) = h.await {
                out.push(t);
            }
        }
        out
    });
    let ok = transcripts
        .iter()
        .filter(|t| t.stop == StopReason::FinalAnswer)
        .count();
    println!(
        "concurrent: {n} trials (2 steps each, provider concurrency 256): {ok} final answers in {:.0} ms; VmHWM before {} KiB, peak {} KiB ({:.1} MiB)",
        started.elapsed().as_secs_f64() * 1e3,
        before,
        vm_hwm_kib(),
        vm_hwm_kib() as f64 / 1024.0
    );
    drop(transcripts);
}

fn sequential(base_url: &str, trials: usize) {
    let rt = runtime(false);
    let p = provider(base_url, 4);
    let tools = tools();
    let limits = TrialLimits::default();
    for &n in &STEP_COUNTS {
        let input = input(n);
        // Warm up connections and caches.
        for _ in 0..20 {
            rt.block_on(run_trial(&p, &tools, &input, &limits));
        }
        let mut per_step_wall = Vec::with_capacity(trials);
        let mut per_step_harness = Vec::with_capacity(trials);
        let mut steps_total = 0u64;
        let cpu0 = thread_cpu_time();
        let wall0 = Instant::now();
        for _ in 0..trials {
            let t0 = Instant::now();
            let t = rt.block_on(run_trial(&p, &tools, &input, &limits));
            let wall = t0.elapsed();
            assert_eq!(t.stop, StopReason::FinalAnswer, "{:?}", t.errors);
            assert_eq!(t.totals.steps as usize, n);
            let steps = f64::from(t.totals.steps);
            steps_total += u64::from(t.totals.steps);
            per_step_wall.push(wall.as_secs_f64() * 1e6 / steps);
            per_step_harness.push(t.totals.harness_us as f64 / steps);
        }
        let cpu = thread_cpu_time().saturating_sub(cpu0);
        let elapsed = wall0.elapsed();
        println!("{n}-step tool loop, {trials} trials, one at a time:");
        println!("  wall time per step:        {}", summary(per_step_wall));
        println!("  harness overhead per step: {}", summary(per_step_harness));
        println!(
            "  client thread CPU per step:  {:.1} µs; per trial: {:.1} µs ({:.0} trials/s)",
            cpu.as_secs_f64() * 1e6 / steps_total as f64,
            cpu.as_secs_f64() * 1e6 / trials as f64,
            trials as f64 / elapsed.as_secs_f64()
        );
    }
}

fn main() {
    match std::env::var(ROLE).as_deref() {
        Ok("server") => return serve(),
        Ok("rss") => {
            let url = std::env::var("AGENT_STEP_URL").unwrap_or_default();
            return rss(&url);
        }
        _ => {}
    }
    // `cargo bench` passes `--bench`; `cargo test --benches` does not: then only smoke-run.
    let benching = std::env::args().any(|a| a == "--bench");
    let mut server = spawn_self("server", &[]);
    let mut line = String::new();
    if let Some(out) = server.stdout.take() {
        let _ = BufReader::new(out).read_line(&mut line);
    }
    let url = line.trim().to_string();
    assert!(url.starts_with("http://"), "server did not start: {line:?}");
    if benching {
        sequential(&url, env_usize("AGENT_STEP_TRIALS", 1000));
        let mut child = spawn_self("rss", &[("AGENT_STEP_URL", url.clone())]);
        drop(child.stdin.take());
        let mut text = String::new();
        if let Some(mut out) = child.stdout.take() {
            let _ = out.read_to_string(&mut text);
        }
        let _ = child.wait();
        print!("{text}");
    } else {
        // Smoke run: a few trials so `cargo test --benches` checks the bench works.
        sequential(&url, 3);
    }
    drop(server.stdin.take());
    let _ = server.wait();
}
