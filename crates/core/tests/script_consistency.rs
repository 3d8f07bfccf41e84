//! Script-consistency check (SPEC §3.3) for each locale.

use skillgate_core::Locale;
use skillgate_core::script::{
    ScriptCheckOptions, VARIANT_PAIRS, script_consistency, script_consistency_with, script_of,
};

fn scripts(text: &str, locale: Locale) -> Vec<&'static str> {
    script_consistency(text, locale)
        .unexpected
        .iter()
        .map(|s| s.script)
        .collect()
}

#[test]
fn plain_english_with_digits_punctuation_and_emoji_is_consistent() {
    let c = script_consistency(
        "Done! Moved 3 files to /tmp (café, naïve) 🎉 — see `ls -la`.",
        Locale::En,
    );
    assert!(c.consistent, "{c:?}");
}

#[test]
fn english_answer_drifting_into_chinese_is_flagged_with_a_sample() {
    let c = script_consistency("The report is ready. 报告已经生成，请查看。", Locale::En);
    assert!(!c.consistent);
    assert_eq!(c.unexpected.len(), 1);
    assert_eq!(c.unexpected[0].script, "Han");
    assert_eq!(c.unexpected[0].count, 9);
    assert_eq!(c.unexpected[0].sample, "报告已经生成");
}

#[test]
fn english_answer_with_thai_is_flagged() {
    assert_eq!(
        scripts(
            "I have sent the invoice สวัสดีครับ to the client today.",
            Locale::En
        ),
        vec!["Thai"]
    );
}

#[test]
fn english_flags_cyrillic_arabic_hangul_kana_and_devanagari() {
    let table = [
        ("Cyrillic", "Result: привет мир"),
        ("Arabic", "Result: مرحبا بالعالم"),
        ("Hangul", "Result: 안녕하세요"),
        ("Kana", "Result: こんにちは"),
        ("Devanagari", "Result: नमस्ते दुनिया"),
    ];
    for (script, text) in table {
        assert_eq!(scripts(text, Locale::En), vec![script], "{text}");
    }
}

#[test]
fn english_tolerates_one_or_two_foreign_letters_in_a_long_answer() {
    let text = "The capital of China is Beijing (北京), a city of more than twenty million people, \
                and the seat of the national government.";
    assert!(script_consistency(text, Locale::En).consistent);
}

#[test]
fn english_flags_two_foreign_letters_in_a_short_answer_by_share() {
    let c = script_consistency("Yes 好的", Locale::En);
    assert!(!c.consistent, "2 of 5 letters is over 5%");
}

#[test]
fn greek_math_symbols_are_allowed() {
    assert!(
        script_consistency(
            "Use α = 0.05 and β = 0.2; the mean is μ and Δ is small.",
            Locale::En
        )
        .consistent
    );
}

#[test]
fn simplified_chinese_with_code_and_names_is_consistent_in_zh_cn() {
    let c = script_consistency(
        "这个函数 `parse_config()` 会读取 config.toml，然后返回配置。",
        Locale::ZhCn,
    );
    assert!(c.consistent, "{c:?}");
}

#[test]
fn traditional_chinese_is_consistent_in_zh_tw() {
    let c = script_consistency(
        "這個函數會讀取設定檔，然後返回結果。請確認們的說明。",
        Locale::ZhTw,
    );
    assert!(c.consistent, "{c:?}");
}

#[test]
fn chinese_answer_with_japanese_kana_is_flagged() {
    let c = script_consistency("这是结果：ありがとうございます", Locale::ZhCn);
    assert_eq!(c.unexpected[0].script, "Kana");
    assert_eq!(c.unexpected[0].sample, "ありがとうございます");
}

#[test]
fn chinese_answer_with_thai_is_flagged_in_both_variants() {
    for locale in [Locale::ZhCn, Locale::ZhTw] {
        assert_eq!(scripts("结果是 สวัสดี", locale), vec!["Thai"], "{locale}");
    }
}

#[test]
fn traditional_text_in_zh_cn_is_flagged_as_wrong_variant() {
    let c = script_consistency("這個問題的說明已經發給你們了。", Locale::ZhCn);
    assert!(!c.consistent);
    assert!(
        c.unexpected.is_empty(),
        "still Han: only the variant is wrong"
    );
    let v = c.wrong_variant.expect("wrong variant");
    assert_eq!((v.expected, v.found), ("simplified", "traditional"));
    assert_eq!(v.wrong_count, 8);
    assert_eq!(v.sample, "這個問題說經發們");
}

#[test]
fn simplified_text_in_zh_tw_is_flagged_as_wrong_variant() {
    let v = script_consistency("这个问题的说明已经发给你们了。", Locale::ZhTw)
        .wrong_variant
        .expect("wrong variant");
    assert_eq!((v.expected, v.found), ("traditional", "simplified"));
}

#[test]
fn one_variant_character_in_expected_text_is_tolerated() {
    // One traditional-only character among several simplified markers.
    let c = script_consistency("这个问题的说明已经发给你們了。", Locale::ZhCn);
    assert!(c.wrong_variant.is_none(), "{c:?}");
}

#[test]
fn english_does_not_check_chinese_variants() {
    assert!(
        script_consistency("Hello 這", Locale::En)
            .wrong_variant
            .is_none()
    );
}

#[test]
fn tolerances_are_configurable() {
    let strict = ScriptCheckOptions {
        min_chars: 1,
        max_share: 0.0,
        ..Default::default()
    };
    let text = "The capital of China is Beijing (北京), a city of more than twenty million people.";
    assert!(!script_consistency_with(text, Locale::En, &strict).consistent);
}

#[test]
fn script_of_ignores_non_letters() {
    for ch in ['1', '.', '，', '。', '🎉', ' ', '×', '\u{0301}'] {
        assert_eq!(script_of(ch), None, "{ch:?}");
    }
    assert_eq!(script_of('é'), Some("Latin"));
    assert_eq!(script_of('Ａ'), Some("Latin"));
    assert_eq!(script_of('中'), Some("Han"));
    assert_eq!(script_of('ー'), Some("Kana"));
}

#[test]
fn variant_table_has_distinct_han_characters() {
    let mut all: Vec<char> = VARIANT_PAIRS.iter().flat_map(|(s, t)| [*s, *t]).collect();
    assert!(all.iter().all(|c| script_of(*c) == Some("Han")));
    all.sort();
    all.dedup();
    assert_eq!(
        all.len(),
        VARIANT_PAIRS.len() * 2,
        "no character appears twice"
    );
    assert!(VARIANT_PAIRS.len() >= 50);
}

#[test]
fn tolerances_read_from_configuration_with_defaults() {
    let o: ScriptCheckOptions = toml::from_str("min_chars = 10").unwrap();
    assert_eq!(o.min_chars, 10);
    assert_eq!(o.max_share, ScriptCheckOptions::default().max_share);
    let text = "Answer: the file was saved in the project folder, 文件已保存 as requested by the user today.";
    assert!(!script_consistency(text, Locale::En).consistent);
    let lenient = ScriptCheckOptions {
        max_share: 0.2,
        ..o
    };
    assert!(script_consistency_with(text, Locale::En, &lenient).consistent);
}
