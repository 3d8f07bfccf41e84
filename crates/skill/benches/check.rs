//! Benchmark of the static checks on a ~1 MB SKILL.md (SPEC §11: "1 MB SKILL.md checked
//! < 50 ms"). Run: `cargo bench -p skillgate-skill`. Set `BENCH_ITERS` to change N (default 30).
//!
//! Prints median and p95 in ms for
//! - `check`: lint + safety + preservation of loaded folders (`check_draft`);
//! - `parse`: building the draft folder from bytes (frontmatter, markdown);
//! - `parse+check`: building both folders from bytes and `check_draft`.

use skillgate_skill::{CheckConfig, SkillFolder, check_draft};
use std::time::Instant;

/// CPU time of this thread in ms: stable on a shared, loaded machine where wall time is not.
fn thread_cpu_ms() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_THREAD_CPUTIME_ID is always supported
    // on Linux.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return 0.0;
    }
    ts.tv_sec as f64 * 1000.0 + ts.tv_nsec as f64 / 1e6
}

/// Runs `f` `n` times; returns (wall ms, thread CPU ms) per run.
fn measure<T>(n: usize, mut f: impl FnMut() -> T) -> (Vec<f64>, Vec<f64>) {
    let (mut wall, mut cpu) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        let c = thread_cpu_ms();
        let t = Instant::now();
        std::hint::black_box(f());
        wall.push(t.elapsed().as_secs_f64() * 1000.0);
        cpu.push(thread_cpu_ms() - c);
    }
    (wall, cpu)
}

const WORDS: &[&str] = &[
    "agent",
    "review",
    "plan",
    "test",
    "commit",
    "branch",
    "output",
    "verify",
    "file",
    "build",
    "deploy",
    "release",
    "check",
    "the",
    "a",
    "every",
    "before",
    "after",
    "with",
    "without",
    "command",
    "result",
    "error",
    "report",
    "user",
    "change",
    "section",
    "draft",
    "skill",
    "always",
    "never",
    "carefully",
    "quickly",
    "data",
    "schema",
    "query",
    "index",
    "cache",
];

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }

    fn sentence(&mut self, words: usize) -> String {
        let mut s = String::new();
        for i in 0..words {
            let w = WORDS[self.next() % WORDS.len()];
            if i == 0 {
                let mut c = w.chars();
                if let Some(f) = c.next() {
                    s.extend(f.to_uppercase());
                    s.push_str(c.as_str());
                }
            } else {
                s.push(' ');
                s.push_str(w);
            }
        }
        s.push('.');
        s
    }
}

/// Published and draft SKILL.md of about `target` bytes each. The draft rewords one sentence
/// in ten, moves one section, drops one section and one list item in five.
fn documents(target: usize) -> (String, String) {
    let mut rng = Lcg(42);
    let mut sections: Vec<String> = Vec::new();
    let mut size = 0;
    let mut i = 0;
    while size < target {
        let mut s = format!("## Section {i}\n\n");
        for _ in 0..5 {
            let n = 8 + rng.next() % 10;
            s.push_str(&rng.sentence(n));
            s.push(' ');
        }
        s.push_str("\n\n");
        for _ in 0..6 {
            let n = 5 + rng.next() % 8;
            s.push_str(&format!("- {}\n", rng.sentence(n)));
        }
        if i % 7 == 0 {
            s.push_str("\n```bash\ncargo test --workspace\nrm -rf ./target\n```\n");
        }
        s.push_str(&format!("\n### Details {i}\n\n"));
        let n = 10 + rng.next() % 10;
        s.push_str(&rng.sentence(n));
        s.push_str("\n\n");
        size += s.len();
        sections.push(s);
        i += 1;
    }
    let head = "---\nname: big-skill\ndescription: Use when benchmarking the checks.\n---\n# Big skill\n\n";
    let published = format!("{head}{}", sections.concat());

    let mut draft_sections: Vec<String> = sections
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let mut out = String::new();
            for (j, line) in s.lines().enumerate() {
                if k % 5 == 0 && line.starts_with("- ") && j % 11 == 0 {
                    continue; // drop a list item
                }
                if k % 10 == 3 && !line.starts_with('#') && !line.is_empty() {
                    out.push_str(&line.replace(" the ", " this ").replace(" a ", " one "));
                } else {
                    out.push_str(line);
                }
                out.push('\n');
            }
            out
        })
        .collect();
    if draft_sections.len() > 10 {
        draft_sections.remove(7);
        let moved = draft_sections.remove(3);
        draft_sections.push(moved);
    }
    let draft = format!("{head}{}", draft_sections.concat());
    (published, draft)
}

fn folder(md: &str) -> SkillFolder {
    match SkillFolder::from_files(
        "big-skill",
        vec![("SKILL.md".into(), md.as_bytes().to_vec())],
    ) {
        Ok(f) => f,
        Err(e) => panic!("bench input does not load: {e}"),
    }
}

fn stats(name: &str, mut ms: Vec<f64>) {
    ms.sort_by(|a, b| a.total_cmp(b));
    let median = ms[ms.len() / 2];
    let p95 = ms[((ms.len() as f64 * 0.95).ceil() as usize).min(ms.len()) - 1];
    let (min, max) = (ms[0], ms[ms.len() - 1]);
    println!(
        "{name:<18} n={:<4} median {median:>7.2} ms  p95 {p95:>7.2} ms  min {min:>7.2} ms  max {max:>7.2} ms",
        ms.len()
    );
}

fn main() {
    let iters: usize = std::env::var("BENCH_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let (published, draft) = documents(1024 * 1024);
    let cfg = CheckConfig::default();
    let pf = folder(&published);
    let df = folder(&draft);
    let warm = check_draft(&df, Some(&pf), &cfg);
    let pres = warm.preservation.as_ref();
    println!(
        "SKILL.md: published {} bytes, draft {} bytes; {} important sections, {} dropped instructions, safety {} findings",
        published.len(),
        draft.len(),
        pres.map(|p| p.sections.len()).unwrap_or(0),
        pres.map(|p| p.dropped_instructions.len()).unwrap_or(0),
        warm.safety.findings.len()
    );

    let report = |name: &str, (wall, cpu): (Vec<f64>, Vec<f64>)| {
        stats(&format!("{name} wall"), wall);
        stats(&format!("{name} cpu"), cpu);
    };
    let lint = skillgate_skill::lint(&df);
    report("lint", measure(iters, || skillgate_skill::lint(&df)));
    report(
        "safety",
        measure(iters, || skillgate_skill::scan(&df, &lint)),
    );
    report(
        "preservation",
        measure(iters, || {
            skillgate_skill::compare(&pf.document, &df.document, &cfg.preservation)
        }),
    );
    report("parse", measure(iters, || folder(&draft)));
    report(
        "check",
        measure(iters, || check_draft(&df, Some(&pf), &cfg)),
    );
    report(
        "parse+check",
        measure(iters, || {
            let p = folder(&published);
            let d = folder(&draft);
            check_draft(&d, Some(&p), &cfg)
        }),
    );
}
