//! Case-selection benchmark (SPEC §11: "case selection over 1 M stored runs
//! < 50 ms"): the store query [`Store::case_candidates`] (FTS5 trigram search
//! plus the skill-hint and pin look-ups) and the pure part (decoding the
//! candidate bodies and [`select_cases`]), as `run_eval` calls them in its
//! "Case selection" block, for the three demo skills.
//!
//! The store holds N synthetic runs (default 1 000 000) shaped like
//! `demo/runs.jsonl`: tasks in en / zh-CN / zh-TW from a dozen task families,
//! 8 tenants (skewed), ~85 % accepted, ~40 % with a skill hint, 0–7 tool
//! calls. It is built once through [`Store::insert_runs`] (the import path, so
//! redaction, hashing and the FTS triggers run as in production) and cached at
//! `$CARGO_TARGET_DIR/selection-bench/runs-<VERSION>-<N>.db`; delete it to
//! rebuild. The build time and the file size are printed.
//!
//! `cargo bench -p skillgate-eval --bench selection [-- RUNS SAMPLES]`
//! (defaults 1000000 and 25). `SELECTION_BENCH_DB=PATH` overrides the cache
//! path; `SELECTION_BENCH_TENANT` the tenant searched (default `northwind`,
//! the most common one); `SELECTION_BENCH_VERBOSE=1` prints the terms and
//! every sample.

use skillgate_core::policy::Policy;
use skillgate_core::{Message, RecordedToolCall, Run};
use skillgate_eval::selection::{Candidate, select_cases, skill_keywords};
use skillgate_eval::{SelectionConfig, skill_context};
use skillgate_store::{CandidateQuery, Store};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Bump when the generated data changes shape, so a stale cache is not reused.
const VERSION: &str = "v1";
const BATCH: usize = 10_000;
const SKILLS: [&str; 3] = [
    "weekly-status-report",
    "meeting-scheduler",
    "expense-triage",
];
/// `run_eval`'s limit for the default 20 cases: max(20 × 10, 50).
const LIMIT: i64 = 200;

/// splitmix64: deterministic, dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const TENANTS: [(&str, usize); 8] = [
    ("northwind", 30),
    ("contoso", 20),
    ("fabrikam", 12),
    ("tailspin", 10),
    ("adatum", 10),
    ("litware", 8),
    ("wingtip", 6),
    ("woodgrove", 4),
];
const TEAMS_EN: [&str; 8] = [
    "Platform",
    "Payments",
    "Growth",
    "Store Ops",
    "Mobile App",
    "Data",
    "Support",
    "Billing",
];
const TEAMS_ZH: [&str; 6] = [
    "数据平台组",
    "增长组",
    "平台组",
    "支付组",
    "客服工程组",
    "移动端组",
];
const TEAMS_TW: [&str; 5] = ["行動 App 組", "設計組", "客服工程組", "平台組", "資料組"];
const PEOPLE_EN: [&str; 8] = [
    "Ana", "Ben", "Priya", "Marta", "Dana", "Leo", "Kofi", "Lena",
];
const PEOPLE_ZH: [&str; 5] = ["王磊", "陈静", "孙浩", "李娜", "张伟"];
const PEOPLE_TW: [&str; 5] = ["怡君", "家銘", "志豪", "佩珊", "明哲"];

/// A task family: its skill, its tools, and a task text per locale.
struct Family {
    skill: Option<&'static str>,
    tools: &'static [&'static str],
}

const FAMILIES: [Family; 12] = [
    Family {
        skill: Some("weekly-status-report"),
        tools: &[
            "list_files",
            "read_file",
            "read_file",
            "read_file",
            "write_file",
            "send_email",
        ],
    },
    Family {
        skill: Some("meeting-scheduler"),
        tools: &[
            "read_file",
            "calendar_invite",
            "calendar_invite",
            "slack_post_message",
        ],
    },
    Family {
        skill: Some("expense-triage"),
        tools: &["list_files", "read_file", "read_file", "write_file"],
    },
    Family {
        skill: None,
        tools: &[
            "list_files",
            "read_file",
            "read_file",
            "read_file",
            "write_file",
        ],
    },
    Family {
        skill: None,
        tools: &["web_search", "web_fetch", "web_fetch", "write_file"],
    },
    Family {
        skill: None,
        tools: &["read_file", "write_file"],
    },
    Family {
        skill: None,
        tools: &["list_files", "delete_file", "delete_file"],
    },
    Family {
        skill: None,
        tools: &["read_file", "publish_page", "slack_post_message"],
    },
    Family {
        skill: None,
        tools: &["read_file", "send_email"],
    },
    Family {
        skill: None,
        tools: &[],
    },
    Family {
        skill: None,
        tools: &["web_fetch", "slack_reply"],
    },
    Family {
        skill: None,
        tools: &["grant_permission", "read_credential"],
    },
];

/// Family weights (sum 100): the three demo skills are ~12 % each.
const FAMILY_WEIGHTS: [usize; 12] = [12, 12, 12, 14, 9, 9, 6, 6, 6, 6, 5, 3];

fn task(rng: &mut Rng, family: usize, locale: &str, n: usize) -> String {
    let week = 1 + n % 52;
    let month = 1 + n % 12;
    let inc = 400 + n % 9000;
    match (family, locale) {
        (0, "en") => {
            let t = rng.pick(&TEAMS_EN);
            match rng.below(4) {
                0 => format!(
                    "Write the weekly status report for the {t} team and email it to the list."
                ),
                1 => format!(
                    "Put together the {t} team weekly report for 2026-W{week:02} and send it out."
                ),
                2 => format!("Send this week's status report for {t}, and cc the leads."),
                _ => format!("Can you re-send last week's {t} update with the corrected metrics?"),
            }
        }
        (0, "zh-CN") => format!(
            "帮我整理{}本周的周报，并发给团队邮件列表（第 {week} 周）。",
            rng.pick(&TEAMS_ZH)
        ),
        (0, _) => format!(
            "幫我整理{}本週的週報並寄給團隊（第 {week} 週）。",
            rng.pick(&TEAMS_TW)
        ),
        (1, "en") => {
            let (a, b) = (rng.pick(&PEOPLE_EN), rng.pick(&PEOPLE_EN));
            match rng.below(3) {
                0 => format!(
                    "Find 30 minutes next week for {a} and {b} to review the Q{} roadmap.",
                    1 + n % 4
                ),
                1 => {
                    format!("Book an hour with {a} and {b} on Wednesday to plan the rollout #{n}.")
                }
                _ => {
                    format!("Set up a recurring weekly 1:1 with {a}, Thursdays 10:00 Berlin time.")
                }
            }
        }
        (1, "zh-CN") => format!(
            "下周帮我和{}、{}约一个 1 小时的评审会，上海时间（议题 {n}）。",
            rng.pick(&PEOPLE_ZH),
            rng.pick(&PEOPLE_ZH)
        ),
        (1, _) => format!(
            "幫我跟{}和{}約個 45 分鐘討論新版首頁，這週內台北時間都可以（{n}）。",
            rng.pick(&PEOPLE_TW),
            rng.pick(&PEOPLE_TW)
        ),
        (2, "en") => match rng.below(3) {
            0 => format!(
                "Triage the receipts in expenses/2026-{month:02}/ and tell me what breaks policy."
            ),
            1 => format!(
                "Can you review {}'s expense claim #{n} before I approve it?",
                rng.pick(&PEOPLE_EN)
            ),
            _ => format!(
                "Go through the February mileage claims of batch {n} and flag anything odd."
            ),
        },
        (2, "zh-CN") => format!(
            "帮我检查一下{}这个月的报销单有没有超标（单号 {n}）。",
            rng.pick(&PEOPLE_ZH)
        ),
        (2, _) => format!(
            "請幫我把這批出差的收據分類，並標出不符合規定的項目（{}，{n}）。",
            rng.pick(&PEOPLE_TW)
        ),
        (3, "en") => {
            format!("Write the postmortem for INC-{inc} from the notes in incidents/INC-{inc}/.")
        }
        (3, "zh-CN") => format!("根据 incidents/INC-{inc} 里的事故记录，帮我写一份复盘报告。"),
        (3, _) => format!("請根據 INC-{inc} 的事故紀錄寫一份不究責的事後檢討。"),
        (4, "en") => format!(
            "Research how competitor {} prices its team plans and save a one-page summary.",
            n % 500
        ),
        (4, "zh-CN") => {
            format!("查一下 2026 年第 {month} 月的法定节假日安排，写到 team/holidays-{n}.md。")
        }
        (4, _) => format!("請查一下供應商 {} 的公告，整理成一頁摘要。", n % 500),
        (5, "en") => format!(
            "Translate docs/release-notes-v{}.{}.md into German.",
            n % 9,
            n % 50
        ),
        (5, "zh-CN") => format!(
            "把 docs/release-notes-v{}.{}.md 翻译成英文。",
            n % 9,
            n % 50
        ),
        (5, _) => format!("幫我摘要 docs/design/doc-{n}.md，五點以內。"),
        (6, "en") => format!(
            "Clean up: delete the build logs older than {month:02}/2026 from logs/ci-{}/.",
            n % 40
        ),
        (6, "zh-CN") => format!("二月的文件夹 archive-{} 里有重复的文件，帮我删掉。", n % 40),
        (6, _) => format!("把 tmp-{} 目錄下的舊檔案清掉。", n % 40),
        (7, "en") => format!(
            "Publish docs/release-notes-v4.{}.md to the Product updates page and tell #product.",
            n % 50
        ),
        (7, "zh-CN") => format!(
            "把 docs/release-notes-v4.{}.md 发布到产品更新页面，并通知大家。",
            n % 50
        ),
        (7, _) => format!(
            "把 docs/release-notes-v4.{}.md 發佈到產品更新頁面，並在頻道通知大家。",
            n % 50
        ),
        (8, "en") => format!(
            "Summarise feedback/2026-{month:02}.csv into the top three issues and email product."
        ),
        (8, "zh-CN") => {
            format!("整理 feedback/2026-{month:02}.csv 的客户反馈，归纳前三大问题，发给产品组。")
        }
        (8, _) => {
            format!("整理 feedback/2026-{month:02}.csv 的客戶回饋，歸納前三大問題，寄給產品組。")
        }
        (9, "en") => format!(
            "Which ISO week is 2026-{month:02}-{:02} in? Answer with the week only.",
            1 + n % 28
        ),
        (9, "zh-CN") => format!("用三句话向新同事解释什么是接口的幂等性（第 {n} 问）。"),
        (9, _) => format!("用三句話說明什麼是快取失效（第 {n} 題）。"),
        (10, "en") => format!(
            "A customer asked in #support-{} what our API rate limit is; answer in the thread.",
            n % 100
        ),
        (10, "zh-CN") => format!(
            "客户在 #support-{} 问我们的 API 限流是多少，请在讨论串里回答。",
            n % 100
        ),
        (10, _) => format!(
            "客戶在 #support-{} 問我們的 API 限流，請在討論串回覆。",
            n % 100
        ),
        (_, "en") => format!(
            "Give {} edit access to the Finance shared drive #{n}.",
            rng.pick(&PEOPLE_EN)
        ),
        (_, "zh-CN") => format!(
            "给{}开通财务共享盘的编辑权限（{n}）。",
            rng.pick(&PEOPLE_ZH)
        ),
        (_, _) => format!(
            "幫{}開通財務共用雲端硬碟的編輯權限（{n}）。",
            rng.pick(&PEOPLE_TW)
        ),
    }
}

fn make_run(rng: &mut Rng, n: usize) -> Run {
    let mut roll = rng.below(100);
    let mut tenant = TENANTS[0].0;
    for (t, w) in TENANTS {
        if roll < w {
            tenant = t;
            break;
        }
        roll -= w;
    }
    let locale = match rng.below(10) {
        0..=5 => "en",
        6..=7 => "zh-CN",
        _ => "zh-TW",
    };
    let mut roll = rng.below(100);
    let mut family = 0;
    for (i, w) in FAMILY_WEIGHTS.iter().enumerate() {
        if roll < *w {
            family = i;
            break;
        }
        roll -= w;
    }
    let f = &FAMILIES[family];
    let task = task(rng, family, locale, n);
    let tools: Vec<&str> = f
        .tools
        .iter()
        .copied()
        .filter(|_| !rng.chance(10))
        .collect();
    let tool_calls: Vec<RecordedToolCall> = tools
        .iter()
        .enumerate()
        .map(|(i, name)| RecordedToolCall {
            name: (*name).into(),
            toolset: Some("workspace".into()),
            arguments: serde_json::json!({"path": format!("work/{n}/file-{i}.md")}),
            result: serde_json::json!({"content": format!("- item {i} of run {n}: done\n- next: follow up")}),
            started_at: Some(format!("2026-{:02}-{:02}T10:{:02}:00Z", 1 + n % 12, 1 + n % 28, i)),
        })
        .collect();
    let accepted = rng.chance(85);
    let day = format!("2026-{:02}-{:02}", 1 + (n / 28) % 12, 1 + n % 28);
    let time = format!("{:02}:{:02}:{:02}", n % 24, (n / 24) % 60, (n / 1440) % 60);
    Run {
        id: format!("run-{n:07}"),
        tenant: tenant.into(),
        locale: locale.into(),
        task: task.clone(),
        messages: vec![
            Message {
                role: "system".into(),
                content: Some(
                    "You are the workspace assistant. Use the tools you are given.".into(),
                ),
            },
            Message {
                role: "user".into(),
                content: Some(task),
            },
            Message {
                role: "assistant".into(),
                content: Some(format!(
                    "Done: {} steps, saved under work/{n}/.",
                    tools.len()
                )),
            },
        ],
        tool_calls,
        final_answer: format!("Done: {} steps, saved under work/{n}/.", tools.len()),
        accepted,
        accepted_at: accepted.then(|| format!("{day}T{time}Z")),
        created_at: Some(format!("{day}T{time}Z")),
        criteria: None,
        skill: f.skill.filter(|_| rng.chance(40)).map(Into::into),
    }
}

fn cache_path(runs: usize) -> PathBuf {
    if let Ok(p) = std::env::var("SELECTION_BENCH_DB") {
        return PathBuf::from(p);
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            // …/target/release/deps/selection-HASH → …/target
            std::env::current_exe()
                .ok()
                .and_then(|p| p.ancestors().nth(3).map(Path::to_path_buf))
                .unwrap_or_else(|| PathBuf::from("target"))
        });
    target
        .join("selection-bench")
        .join(format!("runs-{VERSION}-{runs}.db"))
}

async fn build_store(path: &Path, runs: usize) {
    let partial = path.with_extension("db.partial");
    for p in [
        &partial,
        &partial.with_extension("partial-wal"),
        &partial.with_extension("partial-shm"),
    ] {
        let _ = std::fs::remove_file(p);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    let started = Instant::now();
    let store = Store::open(&partial).await.unwrap();
    let mut rng = Rng(0x5EED);
    let mut n = 0;
    while n < runs {
        let batch: Vec<Run> = (n..(n + BATCH).min(runs))
            .map(|i| make_run(&mut rng, i))
            .collect();
        let out = store.insert_runs(&batch).await.unwrap();
        assert_eq!(out.inserted, batch.len());
        n += batch.len();
        if n % 100_000 == 0 || n == runs {
            eprintln!(
                "  {n} runs stored, {:.0} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    store.close().await;
    std::fs::rename(&partial, path).unwrap();
    println!(
        "generated {runs} runs in {:.1} s ({:.0} runs/s) via Store::insert_runs, batches of {BATCH}",
        started.elapsed().as_secs_f64(),
        runs as f64 / started.elapsed().as_secs_f64()
    );
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn summary(label: &str, mut xs: Vec<Duration>) -> f64 {
    xs.sort();
    let med = percentile(&xs, 0.5);
    println!(
        "  {label:<22} median {med:8.2} ms   p10 {:8.2}   p90 {:8.2}   min {:8.2}   max {:8.2}",
        percentile(&xs, 0.1),
        percentile(&xs, 0.9),
        percentile(&xs, 0.0),
        percentile(&xs, 1.0)
    );
    med
}

fn demo_skill(name: &str) -> skillgate_replay::SkillContext {
    // From the repository root (where `cargo bench` runs the bench), else
    // relative to this crate at build time.
    let local = Path::new("demo/skills").join(name).join("SKILL.md");
    let path = if local.exists() {
        local
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../demo/skills")
            .join(name)
            .join("SKILL.md")
    };
    let md = std::fs::read(&path).unwrap();
    skill_context(name, &md)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let runs: usize = args
        .first()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let samples: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(25);
    let tenant = std::env::var("SELECTION_BENCH_TENANT").unwrap_or_else(|_| "northwind".into());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let path = cache_path(runs);
        if path.exists() {
            println!("using cached store {}", path.display());
        } else {
            println!("building {} ({runs} runs) …", path.display());
            build_store(&path, runs).await;
        }
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        println!("store size {:.0} MiB", size as f64 / (1024.0 * 1024.0));
        let store = Store::open(&path).await.unwrap();
        let (total, accepted) = store.count_runs().await.unwrap();
        println!("{total} runs ({accepted} accepted); tenant {tenant}; limit {LIMIT}; {samples} samples per skill");

        // `run_eval` without --tenant first asks for the most common tenant.
        let mut tenant_times = Vec::new();
        for _ in 0..samples.min(10) {
            let t = Instant::now();
            let _ = store.most_common_tenant().await.unwrap();
            tenant_times.push(t.elapsed());
        }
        println!("most_common_tenant (run_eval without --tenant):");
        summary("GROUP BY tenant", tenant_times);

        let policy = Policy::default();
        let cfg = SelectionConfig::default();
        let mut worst = 0.0f64;
        for skill in SKILLS {
            let ctx = demo_skill(skill);
            let keywords = skill_keywords(&ctx.name, &ctx.description, &ctx.body);
            let q = CandidateQuery {
                tenant: tenant.clone(),
                skill_name: ctx.name.clone(),
                terms: keywords.iter().map(|k| k.term.clone()).collect(),
                limit: LIMIT,
            };
            if std::env::var_os("SELECTION_BENCH_VERBOSE").is_some() {
                let terms: Vec<&str> = keywords.iter().map(|k| k.term.as_str()).collect();
                println!("{skill} terms: {terms:?}");
            }
            let (mut sql, mut pure, mut whole) = (Vec::new(), Vec::new(), Vec::new());
            let mut shape = (0, 0);
            for i in 0..samples + 2 {
                let t0 = Instant::now();
                let rows = store.case_candidates(&q).await.unwrap();
                let t1 = Instant::now();
                let candidates: Vec<Candidate> = rows
                    .iter()
                    .filter_map(|r| {
                        serde_json::from_str::<Run>(&r.body).ok().map(|run| Candidate {
                            run,
                            fts_rank: r.fts_rank,
                            pinned: r.pinned,
                            pin_reason: r.pin_reason.clone(),
                        })
                    })
                    .collect();
                let selection = select_cases(&candidates, &ctx.name, &keywords, &policy, &cfg);
                let t2 = Instant::now();
                if std::env::var_os("SELECTION_BENCH_VERBOSE").is_some() {
                    println!("  sample {i}: sql {:?}, pure {:?}", t1 - t0, t2 - t1);
                }
                shape = (rows.len(), selection.cases.len());
                if i >= 2 {
                    // The first two are warm-up (page cache, statement cache).
                    sql.push(t1 - t0);
                    pure.push(t2 - t1);
                    whole.push(t2 - t0);
                }
            }
            println!(
                "{skill}: {} keywords, {} candidates, {} cases",
                keywords.len(),
                shape.0,
                shape.1
            );
            summary("case_candidates (SQL)", sql);
            summary("decode + select_cases", pure);
            let med = summary("whole selection", whole);
            worst = worst.max(med);
        }
        println!(
            "target < 50 ms (SPEC §11): worst median {worst:.2} ms → {}",
            if worst < 50.0 { "PASS" } else { "MISS" }
        );
        store.close().await;
    });
}
