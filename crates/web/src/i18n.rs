//! UI strings: Fluent files `locales/{en,zh-CN,zh-TW}/main.ftl` compiled into
//! the binary (fluent-templates), looked up per request [`Locale`].
//!
//! Plain messages are resolved once per locale into a map, so a page with a
//! thousand rows costs a hash lookup per string; messages with arguments go
//! through Fluent each time (CLDR plurals).

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};
use skillgate_core::Locale;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The English source file; its message ids are the key set every locale must have.
pub const EN_FTL: &str = include_str!("../locales/en/main.ftl");
/// The Simplified Chinese file.
pub const ZH_CN_FTL: &str = include_str!("../locales/zh-CN/main.ftl");
/// The Traditional Chinese file.
pub const ZH_TW_FTL: &str = include_str!("../locales/zh-TW/main.ftl");

static EN: LanguageIdentifier = langid!("en");
static ZH_CN: LanguageIdentifier = langid!("zh-CN");
static ZH_TW: LanguageIdentifier = langid!("zh-TW");

/// Message ids defined in a Fluent source (top-level `id = …` lines).
pub fn message_ids(ftl: &str) -> Vec<&str> {
    ftl.lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .filter_map(|l| l.split_once('='))
        .map(|(id, _)| id.trim())
        .filter(|id| {
            id.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .collect()
}

fn langid(locale: Locale) -> &'static LanguageIdentifier {
    match locale {
        Locale::En => &EN,
        Locale::ZhCn => &ZH_CN,
        Locale::ZhTw => &ZH_TW,
    }
}

fn plain_messages(locale: Locale) -> &'static HashMap<String, String> {
    static CACHE: [OnceLock<HashMap<String, String>>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let slot = match locale {
        Locale::En => &CACHE[0],
        Locale::ZhCn => &CACHE[1],
        Locale::ZhTw => &CACHE[2],
    };
    slot.get_or_init(|| {
        let lang = langid(locale);
        message_ids(EN_FTL)
            .into_iter()
            .filter_map(|id| {
                LOCALES
                    .try_lookup(lang, id)
                    .map(|text| (id.to_string(), text))
            })
            .collect()
    })
}

/// A Fluent argument value.
#[derive(Debug, Clone)]
pub enum Arg {
    /// A number (plural rules apply).
    Num(f64),
    /// Text.
    Text(String),
}

impl From<usize> for Arg {
    fn from(n: usize) -> Arg {
        Arg::Num(n as f64)
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Arg {
        Arg::Num(n as f64)
    }
}
impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

/// The translator for one request's locale.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    locale: Locale,
    plain: &'static HashMap<String, String>,
}

impl Tr {
    /// The translator for `locale`.
    pub fn new(locale: Locale) -> Tr {
        Tr {
            locale,
            plain: plain_messages(locale),
        }
    }

    /// The locale.
    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// A message without arguments; a missing id shows as the id itself.
    pub fn t<'a>(&self, id: &'a str) -> &'a str {
        self.plain.get(id).map(String::as_str).unwrap_or(id)
    }

    /// A message without arguments, `None` when the id is not defined.
    pub fn lookup(&self, id: &str) -> Option<&'static str> {
        self.plain.get(id).map(String::as_str)
    }

    /// A message with arguments (CLDR plurals apply to numbers).
    pub fn args(&self, id: &str, args: &[(&'static str, Arg)]) -> String {
        self.format(
            id,
            args.iter()
                .map(|(k, v)| (Cow::Borrowed(*k), fluent_value(v))),
        )
    }

    /// Like [`Tr::args`], with argument names known only at run time (e.g.
    /// the names inside a stored reason record).
    pub fn args_named(&self, id: &str, args: &[(String, Arg)]) -> String {
        self.format(
            id,
            args.iter()
                .map(|(k, v)| (Cow::Owned(k.clone()), fluent_value(v))),
        )
    }

    fn format<'a>(
        &self,
        id: &str,
        args: impl Iterator<Item = (Cow<'static, str>, FluentValue<'a>)>,
    ) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args.collect();
        LOCALES
            .try_lookup_with_args(langid(self.locale), id, &map)
            .unwrap_or_else(|| id.to_string())
    }
}

fn fluent_value(v: &Arg) -> FluentValue<'static> {
    match v {
        Arg::Num(n) => FluentValue::from(*n),
        Arg::Text(s) => FluentValue::from(s.clone()),
    }
}

/// The locale for a request: the `sg_lang` cookie if valid, else the best
/// `Accept-Language` match, else English.
pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Locale {
    if let Some(l) = cookie.and_then(Locale::parse) {
        return l;
    }
    let Some(header) = accept_language else {
        return Locale::En;
    };
    let mut best: Option<(f64, usize, Locale)> = None;
    for (pos, part) in header.split(',').enumerate() {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or("").trim();
        let q = pieces
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f64>().ok())
            .unwrap_or(1.0);
        let Some(locale) = parse_tag(tag) else {
            continue;
        };
        if q <= 0.0 {
            continue;
        }
        let better = match best {
            None => true,
            Some((bq, bpos, _)) => q > bq || (q == bq && pos < bpos),
        };
        if better {
            best = Some((q, pos, locale));
        }
    }
    best.map_or(Locale::En, |(_, _, l)| l)
}

/// Like [`Locale::parse`], also accepting script/region forms such as
/// `zh-Hant-TW` and `zh-Hans-CN`.
fn parse_tag(tag: &str) -> Option<Locale> {
    if let Some(l) = Locale::parse(tag) {
        return Some(l);
    }
    let t = tag.to_ascii_lowercase().replace('_', "-");
    if t == "zh" || t.starts_with("zh-") {
        let traditional = ["hant", "tw", "hk", "mo"];
        if t.split('-').any(|p| traditional.contains(&p)) {
            return Some(Locale::ZhTw);
        }
        return Some(Locale::ZhCn);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_wins_over_accept_language() {
        assert_eq!(negotiate(Some("zh-TW"), Some("en")), Locale::ZhTw);
        assert_eq!(negotiate(Some("klingon"), Some("zh-CN")), Locale::ZhCn);
    }

    #[test]
    fn accept_language_uses_quality_and_scripts() {
        assert_eq!(
            negotiate(None, Some("fr;q=1, zh-Hant-TW;q=0.8, en;q=0.5")),
            Locale::ZhTw
        );
        assert_eq!(negotiate(None, Some("de, zh-Hans-CN;q=0.9")), Locale::ZhCn);
        assert_eq!(negotiate(None, Some("fr, de")), Locale::En);
        assert_eq!(negotiate(None, None), Locale::En);
    }

    #[test]
    fn plain_message_is_translated_per_locale() {
        assert_eq!(Tr::new(Locale::En).t("nav-skills"), "Skills");
        assert_ne!(Tr::new(Locale::ZhTw).t("nav-skills"), "Skills");
        let missing = ["no", "such", "key"].join("-");
        assert_eq!(Tr::new(Locale::En).t(&missing), "no-such-key");
    }

    #[test]
    fn plural_message_uses_the_count() {
        let tr = Tr::new(Locale::En);
        assert_eq!(
            tr.args("cases-count", &[("count", 1usize.into())]),
            "One case"
        );
        assert_eq!(
            tr.args("cases-count", &[("count", 3usize.into())]),
            "3 cases"
        );
    }
}
