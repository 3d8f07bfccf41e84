//! Script-consistency check (SPEC §3.3): flags an answer whose letters come
//! from writing systems unexpected for its locale (Thai or Chinese in an
//! English answer, Japanese kana in a Chinese one), and, for Chinese, an
//! answer written in the other variant (traditional in zh-CN, simplified in
//! zh-TW).
//!
//! Only letters count: digits, punctuation, symbols, emoji and whitespace are
//! ignored. Latin is allowed in every locale (code, names, units) and Greek
//! too (math symbols). A script is flagged when it has at least
//! [`ScriptCheckOptions::min_chars`] letters (3) or more than
//! [`ScriptCheckOptions::max_share`] of all letters (5%), so one stray
//! character in a long answer is tolerated but a short drift is not.

use crate::types::Locale;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Tolerances of the check (configuration `[script_check]`, if exposed).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScriptCheckOptions {
    /// Flag a script with at least this many letters.
    pub min_chars: usize,
    /// Flag a script with more than this share of all letters.
    pub max_share: f64,
    /// Longest sample kept per finding, in characters.
    pub sample_chars: usize,
}

impl Default for ScriptCheckOptions {
    fn default() -> Self {
        ScriptCheckOptions {
            min_chars: 3,
            max_share: 0.05,
            sample_chars: 24,
        }
    }
}

/// Letters of one unexpected script.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScriptCount {
    /// Script name: `Latin`, `Han`, `Kana`, `Hangul`, `Thai`, `Cyrillic`,
    /// `Arabic`, `Hebrew`, `Devanagari`, `Bopomofo`, `Greek` or `Other`.
    pub script: &'static str,
    /// Letters of that script.
    pub count: usize,
    /// The first run of text in that script, to show the reviewer.
    pub sample: String,
}

/// The answer is in the other Chinese variant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariantFinding {
    /// `simplified` (zh-CN) or `traditional` (zh-TW).
    pub expected: &'static str,
    /// The variant found.
    pub found: &'static str,
    /// Characters only used in the found (wrong) variant.
    pub wrong_count: usize,
    /// Characters only used in the expected variant.
    pub expected_count: usize,
    /// Up to ten distinct wrong-variant characters, in order of appearance.
    pub sample: String,
}

/// Result of [`script_consistency`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScriptCheck {
    /// No finding.
    pub consistent: bool,
    /// Letters counted.
    pub letters: usize,
    /// Unexpected scripts over the tolerance, most letters first.
    pub unexpected: Vec<ScriptCount>,
    /// zh-CN / zh-TW only: the text is written in the other variant.
    pub wrong_variant: Option<VariantFinding>,
}

/// The script of a letter; `None` for anything that is not a letter.
pub fn script_of(ch: char) -> Option<&'static str> {
    let c = ch as u32;
    let script = match c {
        0x41..=0x5A | 0x61..=0x7A => "Latin",
        0xC0..=0x24F if ch.is_alphabetic() => "Latin",
        0x1E00..=0x1EFF | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A => "Latin",
        0x370..=0x3FF | 0x1F00..=0x1FFF if ch.is_alphabetic() => "Greek",
        0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => "Cyrillic",
        0x590..=0x5FF | 0xFB1D..=0xFB4F => "Hebrew",
        0x600..=0x6FF | 0x750..=0x77F | 0x8A0..=0x8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF
            if ch.is_alphabetic() =>
        {
            "Arabic"
        }
        0x900..=0x97F | 0xA8E0..=0xA8FF => "Devanagari",
        0xE00..=0xE7F => "Thai",
        0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xAC00..=0xD7AF | 0xD7B0..=0xD7FF => {
            "Hangul"
        }
        0x3040..=0x309F | 0x30A0..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9D
            if ch.is_alphabetic() =>
        {
            "Kana"
        }
        0x3100..=0x312F | 0x31A0..=0x31BF => "Bopomofo",
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x323AF => "Han",
        0x3005 | 0x3007 => "Han",
        _ if ch.is_alphabetic() => "Other",
        _ => return None,
    };
    Some(script)
}

fn expected_scripts(locale: Locale) -> &'static [&'static str] {
    match locale {
        Locale::En => &["Latin", "Greek"],
        Locale::ZhCn | Locale::ZhTw => &["Han", "Latin", "Greek", "Bopomofo"],
    }
}

/// Pairs (simplified-only, traditional-only) of common characters: each
/// character of a pair is used in only one variant.
pub const VARIANT_PAIRS: &[(char, char)] = &[
    ('这', '這'),
    ('说', '說'),
    ('们', '們'),
    ('发', '發'),
    ('门', '門'),
    ('时', '時'),
    ('会', '會'),
    ('来', '來'),
    ('个', '個'),
    ('为', '為'),
    ('对', '對'),
    ('国', '國'),
    ('学', '學'),
    ('过', '過'),
    ('还', '還'),
    ('没', '沒'),
    ('让', '讓'),
    ('间', '間'),
    ('问', '問'),
    ('题', '題'),
    ('点', '點'),
    ('开', '開'),
    ('关', '關'),
    ('见', '見'),
    ('现', '現'),
    ('长', '長'),
    ('东', '東'),
    ('书', '書'),
    ('车', '車'),
    ('马', '馬'),
    ('语', '語'),
    ('话', '話'),
    ('请', '請'),
    ('谢', '謝'),
    ('认', '認'),
    ('识', '識'),
    ('进', '進'),
    ('运', '運'),
    ('动', '動'),
    ('电', '電'),
    ('网', '網'),
    ('数', '數'),
    ('据', '據'),
    ('库', '庫'),
    ('码', '碼'),
    ('务', '務'),
    ('实', '實'),
    ('经', '經'),
    ('验', '驗'),
    ('选', '選'),
    ('写', '寫'),
    ('读', '讀'),
    ('应', '應'),
    ('该', '該'),
    ('业', '業'),
    ('样', '樣'),
    ('边', '邊'),
    ('条', '條'),
    ('钱', '錢'),
    ('试', '試'),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    Simplified,
    Traditional,
}

fn variant_of(ch: char) -> Option<Variant> {
    VARIANT_PAIRS.iter().find_map(|(s, t)| {
        if ch == *s {
            Some(Variant::Simplified)
        } else if ch == *t {
            Some(Variant::Traditional)
        } else {
            None
        }
    })
}

/// Checks `text` against the scripts expected for `locale`, with the default
/// [`ScriptCheckOptions`].
pub fn script_consistency(text: &str, locale: Locale) -> ScriptCheck {
    script_consistency_with(text, locale, &ScriptCheckOptions::default())
}

/// [`script_consistency`] with explicit tolerances.
pub fn script_consistency_with(
    text: &str,
    locale: Locale,
    options: &ScriptCheckOptions,
) -> ScriptCheck {
    let expected = expected_scripts(locale);
    let mut letters = 0usize;
    // script -> (count, sample, sample still open)
    let mut found: BTreeMap<&'static str, (usize, String, bool)> = BTreeMap::new();
    let mut last_script: Option<&'static str> = None;
    let mut simplified = 0usize;
    let mut traditional = 0usize;
    let mut simplified_sample = String::new();
    let mut traditional_sample = String::new();

    for ch in text.chars() {
        let Some(script) = script_of(ch) else {
            // Spaces and marks inside a run of an unexpected script stay in
            // its sample; anything else ends the run.
            if let Some(last) = last_script
                && let Some(entry) = found.get_mut(last)
                && entry.2
            {
                if (ch == ' ' || is_mark(ch)) && entry.1.chars().count() < options.sample_chars {
                    entry.1.push(ch);
                } else {
                    entry.2 = false;
                    last_script = None;
                }
            }
            continue;
        };
        letters += 1;
        if script == "Han" {
            match variant_of(ch) {
                Some(Variant::Simplified) => {
                    simplified += 1;
                    push_distinct(&mut simplified_sample, ch);
                }
                Some(Variant::Traditional) => {
                    traditional += 1;
                    push_distinct(&mut traditional_sample, ch);
                }
                None => {}
            }
        }
        if let Some(last) = last_script
            && last != script
            && let Some(entry) = found.get_mut(last)
        {
            entry.2 = false;
        }
        last_script = Some(script);
        if expected.contains(&script) {
            continue;
        }
        let entry = found
            .entry(script)
            .or_insert_with(|| (0, String::new(), true));
        entry.0 += 1;
        if entry.2 && entry.1.chars().count() < options.sample_chars {
            entry.1.push(ch);
        }
    }

    let mut unexpected: Vec<ScriptCount> = found
        .into_iter()
        .filter(|(_, (count, _, _))| over_tolerance(*count, letters, options))
        .map(|(script, (count, sample, _))| ScriptCount {
            script,
            count,
            sample: sample.trim().to_string(),
        })
        .collect();
    unexpected.sort_by(|a, b| b.count.cmp(&a.count).then(a.script.cmp(b.script)));

    let wrong_variant = match locale {
        Locale::En => None,
        Locale::ZhCn => variant_finding(
            ("simplified", simplified),
            ("traditional", traditional, traditional_sample),
            options,
        ),
        Locale::ZhTw => variant_finding(
            ("traditional", traditional),
            ("simplified", simplified, simplified_sample),
            options,
        ),
    };

    ScriptCheck {
        consistent: unexpected.is_empty() && wrong_variant.is_none(),
        letters,
        unexpected,
        wrong_variant,
    }
}

fn is_mark(ch: char) -> bool {
    // Combining diacritics and the Thai / Devanagari / Arabic vowel signs not
    // classified as letters.
    matches!(ch as u32, 0x300..=0x36F | 0x64B..=0x65F | 0x93A..=0x94F | 0xE31..=0xE3A | 0xE47..=0xE4E)
}

fn push_distinct(sample: &mut String, ch: char) {
    if sample.chars().count() < 10 && !sample.contains(ch) {
        sample.push(ch);
    }
}

fn over_tolerance(count: usize, letters: usize, options: &ScriptCheckOptions) -> bool {
    count > 0 && (count >= options.min_chars || count as f64 > options.max_share * letters as f64)
}

/// The other variant is flagged when it has at least `min_chars` marker
/// characters, or outnumbers the expected variant's markers.
fn variant_finding(
    (expected, expected_count): (&'static str, usize),
    (found, wrong_count, sample): (&'static str, usize, String),
    options: &ScriptCheckOptions,
) -> Option<VariantFinding> {
    if wrong_count > 0 && (wrong_count >= options.min_chars || wrong_count > expected_count) {
        Some(VariantFinding {
            expected,
            found,
            wrong_count,
            expected_count,
            sample,
        })
    } else {
        None
    }
}
