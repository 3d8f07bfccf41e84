//! Property: no planted secret of any kind survives redaction, in plain text
//! or inside JSON, whatever random text surrounds it.

use proptest::prelude::*;
use skillgate_redact::Redactor;

/// A strategy producing (kind, secret text) for every default kind.
fn secret() -> impl Strategy<Value = (&'static str, String)> {
    prop_oneof![
        "[A-Za-z0-9]{24,40}".prop_map(|s| ("openai_key", format!("sk-proj-{s}"))),
        "[A-Za-z0-9]{24,40}".prop_map(|s| ("openai_key", format!("sk-{s}"))),
        "[A-Za-z0-9]{24,60}".prop_map(|s| ("anthropic_key", format!("sk-ant-api03-{s}"))),
        "[A-Z0-9]{16}".prop_map(|s| ("aws_access_key", format!("AKIA{s}"))),
        (
            "[A-Z0-9]{16}",
            "[a-z]{10}[A-Z]{10}[0-9]{10}[A-Za-z0-9/+]{10}"
        )
            .prop_map(|(id, sec)| ("aws_secret_key", format!("AKIA{id} {sec}"))),
        "[a-z]{10}[A-Z]{10}[0-9]{10}[A-Za-z0-9/+]{10}"
            .prop_map(|s| ("aws_secret_key", format!("aws_secret_access_key={s}"))),
        "[A-Za-z0-9]{36}".prop_map(|s| ("github_token", format!("ghp_{s}"))),
        "[A-Za-z0-9]{36}".prop_map(|s| ("github_token", format!("gho_{s}"))),
        "[A-Za-z0-9_]{60}".prop_map(|s| ("github_token", format!("github_pat_{s}"))),
        ("[abpr]", "[0-9]{12}-[A-Za-z0-9]{24}")
            .prop_map(|(c, s)| ("slack_token", format!("xox{c}-{s}"))),
        "[A-Za-z0-9_-]{35}".prop_map(|s| ("google_api_key", format!("AIza{s}"))),
        (prop::sample::select(vec!["sk", "rk"]), "[A-Za-z0-9]{24}")
            .prop_map(|(p, s)| ("stripe_key", format!("{p}_live_{s}"))),
        (
            "[A-Za-z0-9_-]{20,40}",
            "[A-Za-z0-9_-]{20,60}",
            "[A-Za-z0-9_-]{30,43}"
        )
            .prop_map(|(a, b, c)| ("jwt", format!("eyJ{a}.eyJ{b}.{c}"))),
        "[A-Za-z0-9+/]{64}".prop_map(|s| (
            "private_key",
            format!("-----BEGIN PRIVATE KEY-----\n{s}\n{s}\n-----END PRIVATE KEY-----")
        )),
        ("[a-z]{3,8}", "[A-Za-z0-9!*_]{6,20}", "[a-z]{3,10}")
            .prop_map(|(u, p, h)| ("url_password", format!("https://{u}:{p}@{h}.example.com/x"))),
        (
            prop::sample::select(vec![
                "password",
                "passwd",
                "secret",
                "token",
                "api_key",
                "apikey",
                "access_key",
                "client_secret",
                "DB_PASSWORD"
            ]),
            "[A-Za-z0-9!*_]{6,24}",
            prop::sample::select(vec!["=", ": ", "=\"", "\": \""]),
        )
            .prop_map(|(k, v, sep)| {
                let close = if sep.ends_with('"') { "\"" } else { "" };
                let open = if sep.starts_with('"') { "\"" } else { "" };
                ("secret", format!("{open}{k}{sep}{v}{close}"))
            }),
        "[A-Za-z0-9._-]{20,60}".prop_map(|s| ("bearer", format!("Authorization: Bearer {s}9"))),
        (
            "[a-z]{1,10}",
            "[a-z0-9]{1,10}",
            prop::sample::select(vec!["com", "org", "io", "co.uk"])
        )
            .prop_map(|(u, d, t)| ("email", format!("{u}.x@{d}.{t}"))),
        phone(),
        card(),
        // Loopback (127/8) and 0.0.0.0 are left alone on purpose.
        (
            (1u8..=254).prop_filter("not loopback", |a| *a != 127),
            0u8..=255,
            0u8..=255,
            1u8..=254
        )
            .prop_map(|(a, b, c, d)| ("ipv4", format!("{a}.{b}.{c}.{d}"))),
        prop::collection::vec(1u16..=0xffff, 8).prop_map(|g| (
            "ipv6",
            g.iter()
                .map(|x| format!("{x:x}"))
                .collect::<Vec<_>>()
                .join(":")
        )),
        (1u16..=0xffff, 1u16..=0xffff, 1u16..=0xffff)
            .prop_map(|(a, b, c)| ("ipv6", format!("2001:db8:{a:x}::{b:x}:{c:x}"))),
    ]
}

fn phone() -> impl Strategy<Value = (&'static str, String)> {
    prop_oneof![
        ("[2-9][0-9]{2}", "[0-9]{3}", "[0-9]{4}")
            .prop_map(|(a, b, c)| ("phone", format!("+1 {a} {b} {c}"))),
        ("[2-9][0-9]{2}", "[0-9]{3}", "[0-9]{4}")
            .prop_map(|(a, b, c)| ("phone", format!("({a}) {b}-{c}"))),
        ("1[3-9][0-9]", "[0-9]{8}").prop_map(|(a, b)| ("phone", format!("{a}{b}"))),
        ("[0-9]{4}", "[0-9]{4}").prop_map(|(a, b)| ("phone", format!("+86 138 {a} {b}"))),
        ("[0-9]{3}", "[0-9]{3}").prop_map(|(a, b)| ("phone", format!("0912-{a}-{b}"))),
        ("[0-9]{4}", "[0-9]{4}").prop_map(|(a, b)| ("phone", format!("+44 20 {a} {b}"))),
    ]
}

/// A Luhn-valid card number of 13-19 digits starting 3-6, with or without separators.
fn card() -> impl Strategy<Value = (&'static str, String)> {
    (
        3u32..=6,
        prop::collection::vec(0u32..=9, 11..=17),
        prop::sample::select(vec!["", " ", "-"]),
    )
        .prop_map(|(first, rest, sep)| {
            let mut ds = vec![first];
            ds.extend(rest);
            // check digit
            let sum: u32 = ds
                .iter()
                .rev()
                .enumerate()
                .map(|(i, &d)| {
                    if i % 2 == 0 {
                        let x = d * 2;
                        if x > 9 { x - 9 } else { x }
                    } else {
                        d
                    }
                })
                .sum();
            ds.push((10 - sum % 10) % 10);
            let s: String = ds
                .chunks(4)
                .map(|c| {
                    c.iter()
                        .map(|d| char::from(b'0' + *d as u8))
                        .collect::<String>()
                })
                .collect::<Vec<_>>()
                .join(sep);
            ("card_number", s)
        })
}

/// Random filler: words (ASCII and CJK), numbers, punctuation.
fn filler() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[a-zA-Z]{1,12}",
            "[0-9]{1,4}",
            prop::sample::select(vec![
                "the",
                "客户",
                "邮件",
                "請",
                ",",
                ".",
                "(",
                ")",
                "-",
                "and",
                "2026-11-25",
                "v1.2.3",
                "12:30"
            ])
            .prop_map(str::to_string),
        ],
        0..12,
    )
    .prop_map(|w| w.join(" "))
}

/// The distinctive core of a planted secret that must not appear in the output.
fn core(kind: &str, secret: &str) -> String {
    match kind {
        "url_password" => {
            let after_scheme = &secret["https://".len()..];
            let (_, rest) = after_scheme.split_once(':').unwrap();
            rest.split_once('@').unwrap().0.to_string()
        }
        "secret" => {
            let v = secret.rsplit(['=', ' ']).next().unwrap();
            v.trim_matches('"').to_string()
        }
        "aws_secret_key" => secret.rsplit([' ', '=']).next().unwrap().to_string(),
        "bearer" => secret.rsplit(' ').next().unwrap().to_string(),
        _ => secret.to_string(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn planted_secret_never_survives_in_text((kind, secret) in secret(), pre in filler(), post in filler()) {
        let text = format!("{pre} {secret} {post}");
        let out = Redactor::standard().redact_str(&text).into_owned();
        let c = core(kind, &secret);
        prop_assert!(!out.contains(&c), "{kind} survived: {c:?} in {out:?}");
        prop_assert!(out.contains("[REDACTED:"), "no marker in {out:?}");
    }

    #[test]
    fn planted_secret_never_survives_in_json((kind, secret) in secret(), pre in filler(), post in filler(), key in "[a-z]{1,8}") {
        let mut doc = serde_json::json!({
            "task": "t",
            "tool_calls": [{"name": "x", "arguments": {key.clone(): format!("{pre} {secret} {post}")}}],
            "final_answer": format!("{post} {secret}"),
        });
        let text = doc.to_string();
        Redactor::standard().redact_json(&mut doc);
        let out = doc.to_string();
        let c = core(kind, &secret);
        prop_assert!(!out.contains(&c), "{kind} survived in json: {c:?} in {out}");
        // The stored-text path (JSON text in, JSON text out) gives the same protection.
        let out2 = Redactor::standard().redact_report(&text).into_owned();
        prop_assert!(!out2.contains(&c), "{kind} survived in report text: {c:?} in {out2}");
    }

    #[test]
    fn planted_secret_never_survives_in_json_text_held_in_a_string(
        (kind, secret) in secret(),
        pre in filler(),
        post in filler(),
        sep in prop::sample::select(vec!["\n", "\t", "\r\n", " "]),
    ) {
        // A tool message or a fetched body: a JSON document kept as a string,
        // so its line breaks reach the redactor as `\n` escapes.
        let inner = serde_json::json!({"stdout": format!("{pre}{sep}{secret}{sep}{post}")}).to_string();
        let mut doc = serde_json::json!({"role": "tool", "content": inner});
        Redactor::standard().redact_json(&mut doc);
        let out = doc["content"].as_str().unwrap().to_string();
        let c = core(kind, &secret);
        let escaped = serde_json::to_string(&c).unwrap();
        let escaped = &escaped[1..escaped.len() - 1];
        prop_assert!(!out.contains(&c) && !out.contains(escaped), "{kind} survived: {c:?} in {out}");
        prop_assert!(out.contains("[REDACTED:"), "no marker in {out}");
        prop_assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok(), "no longer JSON: {out}");
    }

    #[test]
    fn redaction_is_idempotent((_kind, secret) in secret(), pre in filler(), post in filler()) {
        let red = Redactor::standard();
        let once = red.redact_str(&format!("{pre} {secret} {post}")).into_owned();
        let twice = red.redact_str(&once).into_owned();
        prop_assert_eq!(twice, once);
    }
}
