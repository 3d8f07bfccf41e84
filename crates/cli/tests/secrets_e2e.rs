//! Issue #9 / SPEC §7: planted secrets of 18 kinds reach skillgate from every
//! direction — imported runs (task, messages, tool arguments and results,
//! final answers), the replay model's tool-call arguments and answers, tool
//! results of executed tools and of the LLM surrogate — through the real
//! binary (`runs import`, `skills add`, `draft submit`, `eval` in replay mode
//! against the scripted LLM server). Afterwards no planted value survives in
//! the database files (with their `-wal`/`-shm` siblings), in `report show`
//! (JSON and table), in the other CLI output, or in the pages and API answers
//! of `skillgate serve`; the `[REDACTED:kind]` markers show the data went
//! through.

mod serve_common;
mod support;

use assert_cmd::Command;
use serde_json::{Value, json};
use skillgate_redact::{Redactor, marker};
use skillgate_scripted_llm::{Mode, Rule, Script, ScriptedToolCall, Step};
use std::path::{Path, PathBuf};

const OPENAI: &str = "sk-proj-Pl4ntedOpenAIkey7Qx2Vb9Lm3Nz8Kw5Rt1Yh6";
const ANTHROPIC: &str = "sk-ant-api03-Pl4ntedAnthropicKey9Xv2Bq7Lm4Nz8Kw5Rt1Yh6Uj3-AAAA";
const AWS_ID: &str = "AKIAPL4NTEDAWSKEY7QX";
const AWS_SECRET: &str = "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";
const GITHUB: &str = "ghp_Pl4ntedGitHubToken9Xv2Bq7Lm4Nz8Kw5Rt1Y";
const SLACK: &str = "xoxb-5550001112223-Pl4ntedSlackBotToken9Xv2";
const STRIPE: &str = "sk_live_Pl4ntedStripeKey9Xv2Bq7L";
const GOOGLE: &str = "AIzaPl4ntedGoogleKey9Xv2Bq7Lm4Nz8Kw5Rt1";
const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJwbGFudGVkLXVzZXItNDIiLCJyb2xlIjoiYWRtaW4ifQ.Pl4ntedJwtSignature9Xv2Bq7Lm4Nz8Kw5Rt1Yh6";
const PEM_LINE_1: &str = "MIIEpAIBAAKCAQEAPl4ntedPemLineOne9Xv2Bq7Lm4Nz8Kw5Rt1Yh6Uj3Ab";
const PEM_LINE_2: &str = "Pl4ntedPemLineTwo7Qx2Vb9Lm3Nz8Kw5Rt1Yh6Uj3AbCdEfGhIjKlMnOp";
const PEM: &str = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAPl4ntedPemLineOne9Xv2Bq7Lm4Nz8Kw5Rt1Yh6Uj3Ab\nPl4ntedPemLineTwo7Qx2Vb9Lm3Nz8Kw5Rt1Yh6Uj3AbCdEfGhIjKlMnOp\n-----END RSA PRIVATE KEY-----";
const DB_PASSWORD: &str = "Pl4nted-DbPass-77";
const URL: &str = "postgres://svc_app:Pl4nted-DbPass-77@db.internal.example:5432/app";
const PASSWORD_VALUE: &str = "Pl4ntedPassw0rdValue";
const PASSWORD: &str = "password=Pl4ntedPassw0rdValue";
const BEARER_TOKEN: &str = "Pl4ntedBearerToken0123456789abcdef";
const BEARER: &str = "Authorization: Bearer Pl4ntedBearerToken0123456789abcdef";
const EMAIL: &str = "dana.planted@example.com";
const PHONE: &str = "+1 415 555 0199";
const CARD: &str = "4539 1488 0343 6467";
const IPV4: &str = "10.24.7.19";
const IPV6: &str = "2001:db8:85a3::8a2e:370:7334";

/// Text every planted key, token and password carries (case-sensitive), so a
/// fragment left behind by a partial match is found too.
const CANARY: &str = "Pl4nted";

/// One planted secret: its kind, the text planted, and the parts of it that
/// must never be stored or shown (for `url_password`, `secret` and `bearer`
/// the key or scheme around the value may stay).
struct Planted {
    kind: &'static str,
    planted: &'static str,
    never: &'static [&'static str],
}

const PLANTED: &[Planted] = &[
    Planted {
        kind: "openai_key",
        planted: OPENAI,
        never: &[OPENAI],
    },
    Planted {
        kind: "anthropic_key",
        planted: ANTHROPIC,
        never: &[ANTHROPIC],
    },
    Planted {
        kind: "aws_access_key",
        planted: AWS_ID,
        never: &[AWS_ID],
    },
    Planted {
        kind: "aws_secret_key",
        planted: AWS_SECRET,
        never: &[AWS_SECRET],
    },
    Planted {
        kind: "github_token",
        planted: GITHUB,
        never: &[GITHUB],
    },
    Planted {
        kind: "slack_token",
        planted: SLACK,
        never: &[SLACK],
    },
    Planted {
        kind: "stripe_key",
        planted: STRIPE,
        never: &[STRIPE],
    },
    Planted {
        kind: "google_api_key",
        planted: GOOGLE,
        never: &[GOOGLE],
    },
    Planted {
        kind: "jwt",
        planted: JWT,
        never: &[JWT],
    },
    Planted {
        kind: "private_key",
        planted: PEM,
        never: &[PEM, PEM_LINE_1, PEM_LINE_2],
    },
    Planted {
        kind: "url_password",
        planted: URL,
        never: &[DB_PASSWORD],
    },
    Planted {
        kind: "secret",
        planted: PASSWORD,
        never: &[PASSWORD_VALUE],
    },
    Planted {
        kind: "bearer",
        planted: BEARER,
        never: &[BEARER_TOKEN],
    },
    Planted {
        kind: "email",
        planted: EMAIL,
        never: &[EMAIL],
    },
    Planted {
        kind: "phone",
        planted: PHONE,
        never: &[PHONE],
    },
    Planted {
        kind: "card_number",
        planted: CARD,
        never: &[CARD],
    },
    Planted {
        kind: "ipv4",
        planted: IPV4,
        never: &[IPV4],
    },
    Planted {
        kind: "ipv6",
        planted: IPV6,
        never: &[IPV6],
    },
];

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/secrets")
}

/// `s` as it reads inside a JSON string, escaped `depth` times (a JSON
/// document stored as a string inside another one).
fn json_escaped(s: &str, depth: usize) -> String {
    let mut out = s.to_string();
    for _ in 0..depth {
        let quoted = serde_json::to_string(&out).unwrap();
        out = quoted[1..quoted.len() - 1].to_string();
    }
    out
}

/// Decodes the character references an HTML template writes (`&amp;`,
/// `&#x2f;`, `&#43;`…), so an escaped secret cannot hide from the search.
fn html_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every planted value (in every escape form) found in `haystack`, as
/// `kind: needle`; the canary too.
fn leaks(haystack: &str) -> Vec<String> {
    let mut found = Vec::new();
    for p in PLANTED {
        for needle in p.never {
            if (0..=3).any(|d| haystack.contains(&json_escaped(needle, d))) {
                found.push(format!("{}: {needle:?}", p.kind));
            }
        }
    }
    if haystack.contains(CANARY) || haystack.contains("PL4NTED") {
        found.push(format!("canary {CANARY:?}"));
    }
    found
}

fn assert_no_leak(surface: &str, haystack: &str) {
    let found = leaks(haystack);
    assert!(
        found.is_empty(),
        "{surface} shows planted secrets: {found:?}\n--- {surface} ---\n{}",
        excerpt_around(haystack, &found)
    );
}

/// A few hundred characters around the first leak, for the failure message.
fn excerpt_around(haystack: &str, found: &[String]) -> String {
    let first = PLANTED
        .iter()
        .flat_map(|p| p.never.iter())
        .chain([&CANARY])
        .filter_map(|n| haystack.find(n))
        .min()
        .unwrap_or(0);
    let start = haystack.floor_char_boundary(first.saturating_sub(300));
    let end = haystack.ceil_char_boundary((first + 300).min(haystack.len()));
    format!("{found:?}\n…{}…", &haystack[start..end])
}

fn assert_markers(surface: &str, haystack: &str, kinds: &[&str]) {
    let missing: Vec<&&str> = kinds
        .iter()
        .filter(|k| !haystack.contains(&marker(k)))
        .collect();
    assert!(
        missing.is_empty(),
        "{surface} lacks the markers of {missing:?}: the planted data did not go through it"
    );
}

fn all_kinds() -> Vec<&'static str> {
    PLANTED.iter().map(|p| p.kind).collect()
}

const DB: &str = "secrets.db";

fn skillgate(dir: &Path) -> Command {
    let mut cmd = support::skillgate_in(dir);
    cmd.args(["--db", DB, "--config", "skillgate.toml"]);
    cmd
}

/// Runs a command that must succeed; returns (stdout, stderr).
fn ok(cmd: &mut Command) -> (String, String) {
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{cmd:?}\n{stdout}\n{stderr}");
    (stdout, stderr)
}

fn call(name: &str, arguments: Value) -> ScriptedToolCall {
    ScriptedToolCall {
        id: None,
        name: name.into(),
        arguments,
    }
}

fn tool_step(name: &str, arguments: Value) -> Step {
    Step {
        tool_calls: vec![call(name, arguments)],
        ..Step::default()
    }
}

/// The replay model: every tool-call argument and every answer carries
/// planted secrets; the LLM surrogate's simulated results do too.
fn script() -> Script {
    let surrogate = json!({
        "id": format!("sim {SLACK}"),
        "status": format!("sent; connected as {URL}"),
        "message_id": format!("msg for {EMAIL}"),
        "post_id": format!("post {JWT}"),
        "url": format!("https://hooks.example/{GOOGLE}?{PASSWORD}"),
        "stdout": format!("{BEARER}\n{AWS_ID} {AWS_SECRET}\n{PEM}"),
        "card": CARD,
        "peer": IPV4,
    })
    .to_string();
    let handover = vec![
        tool_step("read_file", json!({"path": "config/payments.env"})),
        tool_step(
            "write_file",
            json!({
                "path": "notes/handover.md",
                "content": format!(
                    "# Handover\nOpenAI {OPENAI}\nAnthropic {ANTHROPIC}\nJWT {JWT}\nStripe {STRIPE}\nKey:\n{PEM}\n"
                ),
            }),
        ),
        tool_step("read_file", json!({"path": "notes/handover.md"})),
        tool_step(
            "run_command",
            json!({"command": format!("psql '{URL}' -c 'select 1' && curl -H '{BEARER}' https://{IPV4}/ --resolve {IPV6}")}),
        ),
        tool_step(
            "send_email",
            json!({
                "to": [EMAIL],
                "subject": format!("Handover, call {PHONE}"),
                "body": format!("{PASSWORD}; card {CARD}; github {GITHUB}; google {GOOGLE}"),
            }),
        ),
        Step::text(format!(
            "HANDOVER-OK. Sent to {EMAIL} ({PHONE}). Keys: {OPENAI} {ANTHROPIC} {AWS_ID} {AWS_SECRET} \
             {GITHUB} {SLACK} {STRIPE} {GOOGLE}; token {JWT}; {PASSWORD}; {BEARER}; db {URL}; \
             card {CARD}; hosts {IPV4} {IPV6}\n{PEM}"
        )),
    ];
    let rotate = vec![
        tool_step("read_file", json!({"path": "ci/tokens.txt"})),
        tool_step(
            "connector_post",
            json!({
                "service": "slack",
                "channel": "#ops",
                "action": "post",
                "text": format!("rotated: {GITHUB} replaces {SLACK}; ask {EMAIL}"),
            }),
        ),
        tool_step(
            "vault_write",
            json!({"path": "ci/github", "api_key": GITHUB, "note": format!("{AWS_ID} {AWS_SECRET} {JWT}")}),
        ),
        Step::text(format!(
            "ROTATE-OK. New token {GITHUB}, bot {SLACK}, pair {AWS_ID} {AWS_SECRET}, {PASSWORD}, \
             {BEARER}, db {URL}, owner {EMAIL} {PHONE}, card {CARD}, {IPV4}, {IPV6}, {JWT}\n{PEM}"
        )),
    ];
    let by_turn = |marker: &str, steps: Vec<Step>| Rule {
        when_any_message_contains: Some(marker.into()),
        mode: Mode::ByTurn,
        steps,
        ..Default::default()
    };
    Script {
        rules: vec![
            Rule {
                when_system_contains: Some("You simulate the result of a tool call".into()),
                steps: vec![Step::text(surrogate)],
                ..Default::default()
            },
            by_turn("case-handover", handover),
            by_turn("case-rotate", rotate),
        ],
        steps: vec![Step::text("OK")],
        ..Default::default()
    }
}

/// The database file and its `-wal` / `-shm` / `-journal` siblings, as text.
fn database_bytes(dir: &Path) -> String {
    let mut all = String::new();
    let mut files = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with(DB) {
            all.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap()));
            files += 1;
        }
    }
    assert!(files >= 1, "no database file in {}", dir.display());
    all
}

#[test]
fn the_fixture_and_the_script_plant_every_kind() {
    let runs = std::fs::read_to_string(fixture().join("runs.jsonl")).unwrap();
    let script = serde_json::to_string(&script()).unwrap();
    for p in PLANTED {
        let escaped = json_escaped(p.planted, 1);
        assert!(runs.contains(&escaped), "runs.jsonl lacks {}", p.kind);
        assert!(script.contains(&escaped), "the script lacks {}", p.kind);
    }
    assert!(PLANTED.len() >= 8);
    assert!(skillgate_redact::luhn_valid(CARD));
}

/// The table check: each planted kind, alone or among the others, in plain
/// text, `key=value` text, a JSON string, a JSON document stored as a string
/// and a JSON key, comes out as its own marker with nothing of it left.
#[test]
fn each_planted_kind_is_redacted_in_every_context() {
    let red = Redactor::standard();
    let together = PLANTED
        .iter()
        .map(|p| p.planted)
        .collect::<Vec<_>>()
        .join(" | ");
    for p in PLANTED {
        // An AWS secret key is recognised beside its key id (or under its name).
        let paired;
        let s = if p.kind == "aws_secret_key" {
            paired = format!("{AWS_ID} {}", p.planted);
            paired.as_str()
        } else {
            p.planted
        };
        let texts = [
            s.to_string(),
            format!("before {s} after."),
            format!("note: {s}\nnext line"),
            format!("({s})"),
            together.clone(),
        ];
        for text in &texts {
            let out = red.redact_str(text);
            assert!(leaks(&out).is_empty(), "{}: {text:?} -> {out:?}", p.kind);
            assert!(
                out.contains(&marker(p.kind)),
                "{}: {text:?} -> {out:?}",
                p.kind
            );
        }
        let mut doc = json!({
            "note": format!("x {s} y"),
            "nested": {"list": [s]},
            "as_text": json!({"inner": s}).to_string(),
            s: "key",
        });
        red.redact_json(&mut doc);
        let out = doc.to_string();
        assert!(leaks(&out).is_empty(), "{}: {out}", p.kind);
        assert!(out.contains(&marker(p.kind)), "{}: {out}", p.kind);
        let body = json!({"final_answer": s}).to_string();
        let report = red.redact_report(&body);
        assert!(leaks(&report).is_empty(), "{}: {report}", p.kind);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_planted_secret_survives_any_store_or_report_path() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("skillgate.toml"),
        "[eval]\nconcurrency = 2\ntrials = 2\nllm_surrogate = true\n\
         bwrap_path = \"/nonexistent/bwrap\"\nprotected_paths = []\n",
    )
    .unwrap();
    let fx = fixture();
    let mut cli_output = String::new();

    // Intake: runs, the published skill, the draft.
    let (out, err) = ok(skillgate(dir)
        .args(["--json", "runs", "import"])
        .arg(fx.join("runs.jsonl")));
    let import: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(import["inserted"], 2, "{out}\n{err}");
    cli_output.push_str(&out);
    cli_output.push_str(&err);
    let (out, err) = ok(skillgate(dir)
        .args(["--json", "skills", "add"])
        .arg(fx.join("skills/ops-handover")));
    cli_output.push_str(&out);
    cli_output.push_str(&err);
    let (out, err) = ok(skillgate(dir)
        .args(["--json", "draft", "submit"])
        .arg(fx.join("drafts/ops-handover")));
    let draft = serde_json::from_str::<Value>(&out).unwrap()["draft_id"]
        .as_str()
        .unwrap()
        .to_string();
    cli_output.push_str(&out);
    cli_output.push_str(&err);

    // Replay against the scripted model.
    let server = skillgate_scripted_llm::start(script()).await.unwrap();
    let (out, err) = ok(skillgate(dir)
        .env("SKILLGATE_BASE_URL", server.openai_base_url())
        .env("SKILLGATE_MODEL", "scripted")
        .args(["--json", "--log-format", "json", "eval", &draft]));
    // Structured logs (tool traces, provider events) are shown too.
    assert!(
        err.contains("\"event\""),
        "no JSON log events on stderr:\n{err}"
    );
    // Every surrogated call took the model's simulated result (no stub).
    assert!(!err.contains("llm_surrogate_failed"), "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["mode"], "replay", "{out}\n{err}");
    assert_eq!(report["replay_cases"].as_array().unwrap().len(), 2);
    assert_eq!(report["trials"]["finished"], 8, "{}", report["trials"]);
    let eval_id = report["eval_id"].as_str().unwrap().to_string();
    cli_output.push_str(&out);
    cli_output.push_str(&err);
    // The model really was asked, and the surrogate too: secrets came from there.
    let requests = server.requests_seen();
    assert!(
        requests
            .iter()
            .any(|r| r.body.to_string().contains("You simulate the result")),
        "no LLM surrogate request reached the model"
    );
    // The debugging replay prints a transcript straight from the model.
    let skill = fx.join("drafts/ops-handover");
    for json in [true, false] {
        let mut cmd = skillgate(dir);
        cmd.env("SKILLGATE_BASE_URL", server.openai_base_url())
            .env("SKILLGATE_MODEL", "scripted");
        if json {
            cmd.arg("--json");
        }
        let (out, err) = ok(cmd
            .args(["replay-case", "run-secret-handover", "--skill"])
            .arg(&skill));
        assert!(out.contains("HANDOVER-OK"), "{out}\n{err}");
        assert_no_leak(&format!("replay-case (json: {json})"), &out);
        assert_markers("replay-case", &out, &["openai_key", "email", "private_key"]);
        cli_output.push_str(&err);
    }
    drop(server);

    // CLI report paths.
    let (json_report, err) = ok(skillgate(dir).args(["--json", "report", "show", "latest"]));
    cli_output.push_str(&err);
    assert_eq!(
        serde_json::from_str::<Value>(&json_report).unwrap()["eval_id"],
        eval_id.as_str()
    );
    let (table, err) = ok(skillgate(dir).args(["report", "show", &eval_id]));
    cli_output.push_str(&err);
    for id in ["run-secret-handover", "run-secret-rotate"] {
        let (out, err) = ok(skillgate(dir).args(["--json", "runs", "show", id]));
        cli_output.push_str(&out);
        cli_output.push_str(&err);
        let (out, err) = ok(skillgate(dir).args(["runs", "show", id]));
        cli_output.push_str(&out);
        cli_output.push_str(&err);
    }
    let (out, err) = ok(skillgate(dir).args(["runs", "list"]));
    cli_output.push_str(&out);
    cli_output.push_str(&err);

    assert_no_leak("report show --json", &json_report);
    assert_no_leak("report show", &table);
    assert_no_leak("CLI output", &cli_output);
    assert_markers(
        "report show --json",
        &json_report,
        &["email", "private_key", "openai_key", "github_token"],
    );

    // Web UI and API.
    let served = serve_common::serve(dir, DB);
    let addr = served.addr.clone();
    let mut pages = vec![
        "/skills".to_string(),
        format!("/drafts/{draft}"),
        format!("/drafts/{draft}/preservation"),
        format!("/evals/{eval_id}"),
        format!("/evals/{eval_id}/raw"),
        "/admin".to_string(),
        "/audit".to_string(),
        format!("/api/drafts/{draft}"),
        format!("/api/drafts/{draft}/evals"),
        format!("/api/evals/{eval_id}"),
        format!("/api/evals/{eval_id}/report"),
        format!("/api/evals/{eval_id}/cases"),
        "/api/audit".to_string(),
        "/api/dashboard".to_string(),
    ];
    let cases = report["case_reports"].as_array().unwrap().len();
    assert_eq!(cases, 2);
    for n in 0..cases {
        pages.push(format!("/evals/{eval_id}/cases/{n}"));
        pages.push(format!("/api/evals/{eval_id}/cases/{n}"));
    }
    let mut case_pages = String::new();
    for page in &pages {
        let body = serve_common::get_ok(&addr, page);
        let shown = html_unescape(&body);
        assert_no_leak(&format!("GET {page}"), &shown);
        if page.starts_with(&format!("/evals/{eval_id}/cases/")) {
            case_pages.push_str(&shown);
        }
    }
    // The case pages show transcripts and tool calls: their markers prove it.
    assert_markers(
        "the case pages",
        &case_pages,
        &[
            "openai_key",
            "anthropic_key",
            "jwt",
            "private_key",
            "email",
            "url_password",
            "bearer",
            "card_number",
        ],
    );
    drop(served);

    // Last, the database files as bytes (after every process closed them).
    let bytes = database_bytes(dir);
    assert_no_leak("the database files", &bytes);
    assert_markers("the database files", &bytes, &all_kinds());
}
