//! Benchmark of the static checks on a ~1 MB SKILL.md (SPEC §11: "1 MB SKILL.md checked
//! < 50 ms"). Run: `cargo bench -p skillgate-skill`. Set `BENCH_ITERS` to change N (default 30).
//!
//! Two revisions of the same generated ~1 MB published version:
//! - `light`: one sentence in ten reworded, one section moved, one dropped, a list item dropped
//!   in one section in five (small vocabulary; the original case);
//! - `heavy`: a Zipf-distributed vocabulary of ~2,000 words; a third of the sections edited word
//!   by word, one in twenty renamed, one in twenty-five rewritten from scratch, one in fifty
//!   dropped, a run of sections moved to the end and new sections added.
//!
//! For each, prints median, p10, p90, min and max in ms (wall and thread CPU) of
//! - `lint`, `safety`, `preservation` alone on loaded folders;
//! - `check`: lint + safety + preservation of loaded folders (`check_draft`);
//! - `parse`: building the draft folder from bytes (frontmatter, markdown);
//! - `parse+check`: building both folders from bytes and `check_draft` (the figure for §11).
//!
//! `BENCH_CASES=light` (or `heavy`) runs one case only. `BENCH_DUMP=DIR` also writes each case's `DraftCheck` as JSON to `DIR/<case>.json`, to show
//! that an optimisation leaves the reports unchanged.

use skillgate_skill::{CheckConfig, SectionOutcome, SkillFolder, check_draft};
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

/// A vocabulary of `n` pronounceable words; `zipf` picks one with a Zipf-like skew (a few
/// words are very common, most are rare), as in real prose.
struct Vocab(Vec<String>);

impl Vocab {
    fn new(rng: &mut Lcg, n: usize) -> Vocab {
        const SYL: &[&str] = &[
            "ba", "ker", "to", "ni", "ra", "mo", "sel", "tu", "pa", "ven", "di", "lo", "gra",
            "chi", "ne", "sta", "ru", "fi", "om", "tek",
        ];
        let mut words: Vec<String> = WORDS.iter().map(|w| w.to_string()).collect();
        while words.len() < n {
            let k = 1 + rng.next() % 3;
            let w: String = (0..k).map(|_| SYL[rng.next() % SYL.len()]).collect();
            words.push(w);
        }
        Vocab(words)
    }

    fn zipf(&self, rng: &mut Lcg) -> &str {
        let u = (rng.next() % 1_000_000) as f64 / 1_000_000.0;
        let i = ((self.0.len() as f64) * u * u * u) as usize;
        &self.0[i.min(self.0.len() - 1)]
    }

    fn sentence(&self, rng: &mut Lcg, words: usize) -> String {
        let mut s = String::new();
        for i in 0..words {
            let w = self.zipf(rng);
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

    fn section(&self, rng: &mut Lcg, title: &str) -> String {
        let mut s = format!("## {title}\n\n");
        for _ in 0..2 {
            for _ in 0..(2 + rng.next() % 4) {
                let n = 6 + rng.next() % 14;
                s.push_str(&self.sentence(rng, n));
                s.push(' ');
            }
            s.push_str("\n\n");
        }
        for _ in 0..(3 + rng.next() % 6) {
            let n = 4 + rng.next() % 10;
            s.push_str(&format!("- {}\n", self.sentence(rng, n)));
        }
        if rng.next().is_multiple_of(7) {
            s.push_str("\n```bash\ncargo test --workspace\nrm -rf ./target\n```\n");
        }
        s.push_str(&format!("\n### {title} details\n\n"));
        for _ in 0..(1 + rng.next() % 4) {
            let n = 5 + rng.next() % 10;
            s.push_str(&format!("- {}\n", self.sentence(rng, n)));
        }
        let n = 10 + rng.next() % 10;
        s.push_str(&self.sentence(rng, n));
        s.push_str("\n\n");
        s
    }
}

/// Rewords a line word by word: about one word in six replaced, one in twelve gets a new
/// word after it, one in twenty dropped.
fn edit_words(rng: &mut Lcg, vocab: &Vocab, line: &str) -> String {
    let (prefix, text) = match line.strip_prefix("- ") {
        Some(rest) => ("- ", rest),
        None => ("", line),
    };
    let mut out: Vec<String> = Vec::new();
    for w in text.split(' ') {
        match rng.next() % 60 {
            0..=9 => out.push(vocab.zipf(rng).to_string()),
            10..=14 => {
                out.push(w.to_string());
                out.push(vocab.zipf(rng).to_string());
            }
            15..=17 => {}
            _ => out.push(w.to_string()),
        }
    }
    format!("{prefix}{}", out.join(" "))
}

/// Published and heavily revised draft SKILL.md of about `target` bytes each (see the module
/// doc for what the revision does).
fn heavy_documents(target: usize) -> (String, String) {
    let mut rng = Lcg(7);
    let vocab = Vocab::new(&mut rng, 2_000);
    let mut sections: Vec<String> = Vec::new();
    let mut size = 0;
    while size < target {
        let s = vocab.section(&mut rng, &format!("Topic {}", sections.len()));
        size += s.len();
        sections.push(s);
    }
    let head = "---\nname: big-skill\ndescription: Use when benchmarking the checks.\n---\n# Big skill\n\n";
    let published = format!("{head}{}", sections.concat());

    let mut draft: Vec<String> = Vec::new();
    for (k, s) in sections.iter().enumerate() {
        if k % 50 == 49 {
            continue; // dropped
        }
        if k % 25 == 11 {
            draft.push(vocab.section(&mut rng, &format!("Topic {k}"))); // rewritten
            continue;
        }
        let mut out = String::new();
        for line in s.lines() {
            if k % 20 == 5 && line.starts_with("## ") {
                out.push_str(&format!("## Renamed topic {k}")); // renamed
            } else if k % 3 == 1
                && !line.starts_with('#')
                && !line.is_empty()
                && !line.starts_with('`')
            {
                out.push_str(&edit_words(&mut rng, &vocab, line)); // edited word by word
            } else {
                out.push_str(line);
            }
            out.push('\n');
        }
        draft.push(out);
        if k % 30 == 17 {
            draft.push(vocab.section(&mut rng, &format!("New topic {k}"))); // added
        }
    }
    // A run of sections near the start moves to the end.
    if draft.len() > 40 {
        let moved: Vec<String> = draft.drain(10..10 + draft.len() / 20).collect();
        draft.extend(moved);
    }
    (published, format!("{head}{}", draft.concat()))
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
    let at = |q: f64| ms[((ms.len() as f64 * q).ceil() as usize).clamp(1, ms.len()) - 1];
    let median = ms[ms.len() / 2];
    let (min, max) = (ms[0], ms[ms.len() - 1]);
    println!(
        "{name:<24} n={:<4} median {median:>7.2} ms  p10 {:>7.2}  p90 {:>7.2}  min {min:>7.2}  max {max:>7.2}",
        ms.len(),
        at(0.10),
        at(0.90),
    );
}

fn run_case(case: &str, published: &str, draft: &str, iters: usize) {
    let cfg = CheckConfig::default();
    let pf = folder(published);
    let df = folder(draft);
    let warm = check_draft(&df, Some(&pf), &cfg);
    let pres = warm.preservation.as_ref();
    let count = |o: SectionOutcome| {
        pres.map(|p| p.sections.iter().filter(|s| s.outcome == o).count())
            .unwrap_or(0)
    };
    println!(
        "[{case}] published {} bytes ({} sections), draft {} bytes ({} sections); {} important sections: {} kept, {} changed, {} dropped, {} moved; {} dropped instructions; safety {} findings",
        published.len(),
        pf.document.sections.len(),
        draft.len(),
        df.document.sections.len(),
        pres.map(|p| p.sections.len()).unwrap_or(0),
        count(SectionOutcome::Kept),
        count(SectionOutcome::Changed),
        count(SectionOutcome::Dropped),
        pres.map(|p| p.sections.iter().filter(|s| s.moved).count())
            .unwrap_or(0),
        pres.map(|p| p.dropped_instructions.len()).unwrap_or(0),
        warm.safety.findings.len()
    );
    if let Ok(dir) = std::env::var("BENCH_DUMP") {
        let path = std::path::Path::new(&dir).join(format!("{case}.json"));
        let json = match serde_json::to_string_pretty(&warm) {
            Ok(j) => j,
            Err(e) => panic!("report does not serialize: {e}"),
        };
        if let Err(e) = std::fs::write(&path, json) {
            panic!("cannot write {}: {e}", path.display());
        }
    }

    let report = |name: &str, (wall, cpu): (Vec<f64>, Vec<f64>)| {
        stats(&format!("[{case}] {name} wall"), wall);
        stats(&format!("[{case}] {name} cpu"), cpu);
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
    report("parse", measure(iters, || folder(draft)));
    report(
        "check",
        measure(iters, || check_draft(&df, Some(&pf), &cfg)),
    );
    report(
        "parse+check",
        measure(iters, || {
            let p = folder(published);
            let d = folder(draft);
            check_draft(&d, Some(&p), &cfg)
        }),
    );
}

fn main() {
    let iters: usize = std::env::var("BENCH_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let cases = std::env::var("BENCH_CASES").unwrap_or_else(|_| "light,heavy".into());
    if cases.split(',').any(|c| c == "light") {
        let (published, draft) = documents(1024 * 1024);
        run_case("light", &published, &draft, iters);
    }
    if cases.split(',').any(|c| c == "heavy") {
        let (published, draft) = heavy_documents(1024 * 1024);
        run_case("heavy", &published, &draft, iters);
    }
}
