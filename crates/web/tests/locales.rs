//! Every UI string exists in en, zh-CN and zh-TW, and every key the
//! templates and handlers use is defined.

use skillgate_web::i18n::{EN_FTL, ZH_CN_FTL, ZH_TW_FTL, message_ids};
use std::collections::BTreeSet;

fn keys(ftl: &str) -> BTreeSet<String> {
    message_ids(ftl).into_iter().map(str::to_string).collect()
}

#[test]
fn all_three_locales_define_the_same_keys() {
    let en = keys(EN_FTL);
    assert!(en.len() > 100, "only {} keys parsed from en", en.len());
    for (name, ftl) in [("zh-CN", ZH_CN_FTL), ("zh-TW", ZH_TW_FTL)] {
        let other = keys(ftl);
        let missing: Vec<_> = en.difference(&other).collect();
        let extra: Vec<_> = other.difference(&en).collect();
        assert!(missing.is_empty(), "{name} lacks {missing:?}");
        assert!(extra.is_empty(), "{name} has keys en lacks: {extra:?}");
    }
}

fn is_key(s: &str) -> bool {
    s.contains('-')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// The string literal starting right after `at` in `text`.
fn literal_after(text: &str, at: usize) -> &str {
    let rest = &text[at..];
    &rest[..rest.find('"').unwrap_or(0)]
}

/// Keys used as `t("…")` / `args("…"` in templates and handlers, and the
/// `("key", …)` tuples of the handlers.
fn used_keys() -> BTreeSet<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut used = BTreeSet::new();
    for dir in ["templates", "src"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if !path.extension().is_some_and(|e| e == "html" || e == "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for marker in ["t(\"", "args(\"", "(\""] {
                for (i, _) in text.match_indices(marker) {
                    let key = literal_after(&text, i + marker.len());
                    let tuple =
                        marker == "(\"" && text[i + marker.len() + key.len()..].starts_with("\",");
                    if is_key(key) && (marker != "(\"" || tuple) {
                        used.insert(key.to_string());
                    }
                }
            }
        }
    }
    used
}

#[test]
fn every_key_used_by_the_ui_is_defined() {
    let en = keys(EN_FTL);
    let used = used_keys();
    assert!(
        used.len() > 100,
        "only {} keys found in sources",
        used.len()
    );
    let missing: Vec<_> = used.difference(&en).collect();
    assert!(
        missing.is_empty(),
        "used but not in en/main.ftl: {missing:?}"
    );
}

#[test]
fn chinese_locales_are_translated_not_copied() {
    let en = EN_FTL;
    for (name, ftl) in [("zh-CN", ZH_CN_FTL), ("zh-TW", ZH_TW_FTL)] {
        let han = ftl
            .chars()
            .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
            .count();
        assert!(han > 1000, "{name} has only {han} Han characters");
    }
    assert_eq!(
        en.chars()
            .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
            .count(),
        0
    );
    // Traditional, not Simplified: a few characters that differ.
    for simplified in ['发', '这', '报', '评', '开', '关', '审'] {
        assert!(
            !ZH_TW_FTL.contains(simplified),
            "zh-TW contains simplified {simplified}"
        );
    }
}

#[test]
fn english_gate_messages_match_the_core_gate_text() {
    use skillgate_core::Locale;
    use skillgate_core::gate::GateRule;
    use skillgate_web::i18n::Tr;
    let en = Tr::new(Locale::En);
    for rule in GateRule::ALL {
        let id = rule.id();
        assert_eq!(
            en.lookup(&format!("gate-{id}-meaning")),
            Some(rule.meaning()),
            "{id}"
        );
        assert_eq!(
            en.lookup(&format!("gate-{id}-fix")),
            Some(rule.fix()),
            "{id}"
        );
        for locale in [Locale::ZhCn, Locale::ZhTw] {
            let text = Tr::new(locale).lookup(&format!("gate-{id}-fix")).unwrap();
            assert_ne!(text, rule.fix(), "{id} is not translated for {locale}");
        }
    }
}

#[test]
fn every_runbook_alert_is_explained_in_every_locale() {
    use skillgate_core::Locale;
    use skillgate_web::i18n::Tr;
    for name in skillgate_ops::ALERT_NAMES {
        for part in ["title", "meaning", "action"] {
            let id = format!("alert-{name}-{part}");
            let en = Tr::new(Locale::En).lookup(&id);
            assert!(en.is_some_and(|t| !t.is_empty()), "en lacks {id}");
            for locale in [Locale::ZhCn, Locale::ZhTw] {
                let text = Tr::new(locale).lookup(&id);
                assert!(text.is_some(), "{locale} lacks {id}");
                assert_ne!(text, en, "{id} is not translated for {locale}");
            }
        }
    }
}
