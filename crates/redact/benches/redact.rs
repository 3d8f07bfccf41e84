//! Redaction throughput (MB/s) on realistic transcript text: mostly clean
//! prose and JSON with a few secrets, plus a secret-dense worst case.
//! Run: `cargo bench -p skillgate-redact`.

use skillgate_redact::Redactor;
use std::hint::black_box;
use std::time::Instant;

fn corpus(dense: bool) -> String {
    let mut s = String::new();
    let mut i = 0u64;
    while s.len() < 4 * 1024 * 1024 {
        i += 1;
        s.push_str(r#"{"role":"assistant","content":"I searched the calendar and found 3 meetings on 2026-11-25 at 12:30; version 1.2.3 of the tool returned ok. 我已经查看了客户的邮件并总结了要点。"}"#);
        s.push('\n');
        if dense || i.is_multiple_of(50) {
            s.push_str(&format!(
                r#"{{"tool":"send","arguments":{{"to":"user{i}@example.com","phone":"+1 415 555 {:04}","auth":"Bearer abcdef{i}ghijklmnop","ip":"10.0.{}.{}"}}}}"#,
                i % 10000,
                i % 250,
                i % 200 + 1
            ));
            s.push('\n');
        }
    }
    s
}

fn run(label: &str, text: &str) {
    let red = Redactor::standard();
    let mut times = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let out = red.redact_str(black_box(text));
        black_box(out.len());
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let mb = text.len() as f64 / (1024.0 * 1024.0);
    println!(
        "{label}: {:.1} MB, median {:.1} MB/s (min {:.1}, max {:.1}), n=7",
        mb,
        mb / times[3],
        mb / times[6],
        mb / times[0]
    );
}

fn main() {
    run("transcripts, 1 secret line per 50", &corpus(false));
    run("secret-dense (every other line)", &corpus(true));
    let clean: String = "plain words without anything sensitive at all. ".repeat(90_000);
    run("clean ASCII prose (fast path)", &clean);
}
