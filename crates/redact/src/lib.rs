//! Redaction of secrets and personal identifiers before anything is stored or
//! shown (SPEC §7, runbook §8).
//!
//! A [`Redactor`] holds an ordered list of rules. Each rule is a regex plus an
//! optional context check (Luhn for card numbers, boundaries for phone numbers
//! and IP addresses); a match is replaced by `[REDACTED:kind]`. Rules whose
//! regex has a named group starting with `secret` replace only that group, so
//! `postgres://app:hunter2@db` becomes `postgres://app:[REDACTED:url_password]@db`.
//!
//! Fast path: one `RegexSet::is_match` over all rules; text without any
//! candidate is returned borrowed, untouched. Only the rules the set reports
//! are then run, in priority order (specific provider keys before generic
//! patterns, personal identifiers last).
//!
//! Pure: no IO, no global state beyond the compiled default rules.

use regex::{Regex, RegexSet};
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;
use std::sync::LazyLock;

/// The marker that replaces a secret of `kind`: `[REDACTED:kind]`.
pub fn marker(kind: &str) -> String {
    format!("[REDACTED:{kind}]")
}

/// Prefix of every replacement; text starting with it is never redacted again.
pub const MARKER_PREFIX: &str = "[REDACTED:";

/// Kind used for values under secret-ish JSON keys and `key=value` pairs.
pub const KIND_SECRET: &str = "secret";

/// `[redaction]` of `skillgate.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedactionConfig {
    /// Redact at all (default true). Turning it off stores raw text.
    #[serde(default = "default_enabled")]
    pub enabled: bool,
    /// Deployment-specific rules, applied before the default rules.
    #[serde(default)]
    pub extra: Vec<ExtraRule>,
}

impl Default for RedactionConfig {
    fn default() -> Self {
        RedactionConfig {
            enabled: true,
            extra: Vec::new(),
        }
    }
}

fn default_enabled() -> bool {
    true
}

/// One `[[redaction.extra]]` rule: `{ kind = "employee_id", pattern = "EMP-[0-9]{6}" }`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraRule {
    /// Kind shown in the marker (`[REDACTED:employee_id]`): letters, digits, `_`, `-`.
    pub kind: String,
    /// Regex (Rust `regex` syntax). A named group `secret` limits the replacement to it.
    pub pattern: String,
}

/// Why a [`Redactor`] could not be built.
#[derive(Debug, thiserror::Error)]
pub enum RedactError {
    /// An extra rule's regex does not compile.
    #[error(
        "redaction.extra[{index}] (kind '{kind}'): invalid pattern: {reason}; fix the regex in [redaction] extra of skillgate.toml"
    )]
    InvalidPattern {
        /// Position in `extra`.
        index: usize,
        /// The rule's kind.
        kind: String,
        /// Regex compiler message.
        reason: String,
    },
    /// An extra rule's kind is empty or has characters other than letters, digits, `_`, `-`.
    #[error(
        "redaction.extra[{index}]: kind '{kind}' must be 1-40 letters, digits, '_' or '-' (it is shown as [REDACTED:kind])"
    )]
    InvalidKind {
        /// Position in `extra`.
        index: usize,
        /// The offending kind.
        kind: String,
    },
}

/// A context check on a candidate span `(haystack, start, end)`: the end of
/// the accepted span (`end` or shorter), or `None` to keep the text.
type Check = fn(&str, usize, usize) -> Option<usize>;

/// Adapts a yes/no check to [`Check`].
fn whole(ok: bool, end: usize) -> Option<usize> {
    ok.then_some(end)
}

#[derive(Debug, Clone)]
struct Rule {
    kind: String,
    regex: Regex,
    /// Indices of capture groups named `secret*`, in order; empty: whole match.
    secret_groups: Vec<usize>,
    check: Option<Check>,
}

impl Rule {
    fn new(kind: &str, pattern: &str, check: Option<Check>) -> Result<Rule, regex::Error> {
        let regex = Regex::new(pattern)?;
        let secret_groups = regex
            .capture_names()
            .enumerate()
            .filter(|(_, n)| n.is_some_and(|n| n.starts_with("secret")))
            .map(|(i, _)| i)
            .collect();
        Ok(Rule {
            kind: kind.to_string(),
            regex,
            secret_groups,
            check,
        })
    }

    /// Replaces every accepted match; `None` when nothing was replaced. A
    /// match the context check rejects is retried one character later, so a
    /// rejected candidate never hides an overlapping real one.
    fn apply(&self, text: &str) -> Option<String> {
        let mut out = String::new();
        let mut last = 0;
        let mut pos = 0;
        let mut changed = false;
        while pos <= text.len() {
            let Some(caps) = self.regex.captures_at(text, pos) else {
                break;
            };
            let Some(whole) = caps.get(0) else {
                break;
            };
            let span = if self.secret_groups.is_empty() {
                Some(whole)
            } else {
                self.secret_groups.iter().find_map(|&i| caps.get(i))
            };
            let accepted = span
                .filter(|m| {
                    !m.is_empty() && m.start() >= last && !m.as_str().starts_with(MARKER_PREFIX)
                })
                .and_then(|m| match self.check {
                    None => Some((m.start(), m.end())),
                    Some(check) => check(text, m.start(), m.end()).map(|e| (m.start(), e)),
                });
            match accepted {
                Some((start, end)) => {
                    out.push_str(&text[last..start]);
                    out.push_str(&marker(&self.kind));
                    last = end;
                    changed = true;
                    pos = if end > whole.start() {
                        end
                    } else {
                        next_boundary(text, whole.end())
                    };
                }
                None => pos = next_boundary(text, whole.start()),
            }
        }
        if !changed {
            return None;
        }
        out.push_str(&text[last..]);
        Some(out)
    }
}

/// The byte index of the character after the one at `i` (or past the end).
fn next_boundary(text: &str, i: usize) -> usize {
    text[i..].chars().next().map_or(i + 1, |c| i + c.len_utf8())
}

/// Applies redaction rules to text, JSON values and stored reports.
#[derive(Debug, Clone)]
pub struct Redactor {
    enabled: bool,
    set: RegexSet,
    rules: Vec<Rule>,
}

/// The key words that make a JSON key or `key=value` key secret-ish: the
/// (normalised) key ends with one of them.
pub const SECRET_KEY_SUFFIXES: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "access_key",
    "accesskey",
    "private_key",
    "client_secret",
    "authorization",
    "cookie",
    "credential",
    "credentials",
];

/// Whether a JSON key names a secret (`password`, `db_password`, `apiKey`,
/// `client-secret`, `access_token`…): the key, lower-cased with `-` and
/// camelCase humps turned into `_`, ends with one of [`SECRET_KEY_SUFFIXES`].
/// `input_tokens` or `token_budget` are not secret-ish.
pub fn is_secret_key(key: &str) -> bool {
    let mut norm = String::with_capacity(key.len() + 4);
    let mut prev_lower = false;
    for c in key.trim().chars() {
        if c.is_ascii_uppercase() && prev_lower {
            norm.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        norm.push(if c == '-' || c == '.' || c == ' ' {
            '_'
        } else {
            c.to_ascii_lowercase()
        });
    }
    SECRET_KEY_SUFFIXES.iter().any(|s| norm.ends_with(s))
}

fn char_before(text: &str, start: usize) -> Option<char> {
    text[..start].chars().next_back()
}

fn char_after(text: &str, end: usize) -> Option<char> {
    text[end..].chars().next()
}

fn digits(s: &str) -> impl Iterator<Item = u32> + '_ {
    s.chars().filter_map(|c| c.to_digit(10))
}

/// Luhn checksum over the digits of `s`.
pub fn luhn_valid(s: &str) -> bool {
    let ds: Vec<u32> = digits(s).collect();
    if ds.is_empty() {
        return false;
    }
    let sum: u32 = ds
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Ends of digit groups inside `start..end`, longest first: a greedy match
/// may have swallowed a following number, so checks try each shorter span.
fn group_ends(text: &str, start: usize, end: usize) -> Vec<usize> {
    let span = &text[start..end];
    let mut ends: Vec<usize> = span
        .char_indices()
        .filter(|&(i, c)| {
            c.is_ascii_digit() && !span[i + 1..].starts_with(|n: char| n.is_ascii_digit())
        })
        .map(|(i, _)| start + i + 1)
        .collect();
    ends.reverse();
    ends
}

fn check_card(text: &str, start: usize, end: usize) -> Option<usize> {
    if matches!(char_before(text, start), Some('.' | '-' | '+' | '/' | ':')) {
        return None;
    }
    group_ends(text, start, end).into_iter().find(|&e| {
        let cand = &text[start..e];
        let n = digits(cand).count();
        let first = digits(cand).next();
        // Separators must be one kind; cards start with 2-6.
        (13..=19).contains(&n)
            && matches!(first, Some(2..=6))
            && !(cand.contains(' ') && cand.contains('-'))
            && (e < end || !matches!(char_after(text, e), Some('.' | '-' | '/' | ':')))
            && luhn_valid(cand)
    })
}

fn check_phone(text: &str, start: usize, end: usize) -> Option<usize> {
    let before_ok = !char_before(text, start)
        .is_some_and(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '/' | '+' | ':' | '_'));
    if !before_ok {
        return None;
    }
    group_ends(text, start, end).into_iter().find(|&e| {
        let n = digits(&text[start..e]).count();
        let rest = &text[e..];
        let after_ok = (e < end && !rest.starts_with(['-', '/', ':', '.']))
            || (!char_after(text, e)
                .is_some_and(|c| c.is_alphanumeric() || matches!(c, '-' | '/' | ':' | '_'))
                && !rest
                    .strip_prefix('.')
                    .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit())));
        (7..=15).contains(&n) && after_ok
    })
}

fn check_ipv4(text: &str, start: usize, end: usize) -> Option<usize> {
    let ip = &text[start..end];
    if ip.starts_with("127.") || ip == "0.0.0.0" || ip == "255.255.255.255" {
        return None;
    }
    let before_ok =
        !char_before(text, start).is_some_and(|c| c.is_alphanumeric() || c == '.' || c == '_');
    let after = &text[end..];
    let after_ok = !after.starts_with(|c: char| c.is_alphanumeric() || c == '_')
        && !after
            .strip_prefix('.')
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()));
    whole(before_ok && after_ok, end)
}

fn check_ipv6(text: &str, start: usize, end: usize) -> Option<usize> {
    let span = &text[start..end];
    let groups: Vec<&str> = span.split(':').filter(|g| !g.is_empty()).collect();
    let boundary =
        |c: Option<char>| !c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
    let shape_ok = groups.len() >= 3
        || (span.contains("::") && groups.len() >= 2 && span.chars().any(|c| c.is_ascii_digit()));
    whole(
        shape_ok && boundary(char_before(text, start)) && boundary(char_after(text, end)),
        end,
    )
}

fn looks_random(text: &str, start: usize, end: usize) -> bool {
    let span = &text[start..end];
    let has = |f: fn(&char) -> bool| span.chars().any(|c| f(&c));
    has(char::is_ascii_uppercase) && has(char::is_ascii_lowercase) && has(char::is_ascii_digit)
}

/// A 40-character secret standing next to an AWS access key id (the pair).
fn check_aws_pair(text: &str, start: usize, end: usize) -> Option<usize> {
    let paired = ["AKIA", "ASIA", "[REDACTED:aws_access_key]"]
        .iter()
        .any(|p| text.contains(p));
    whole(looks_random(text, start, end) && paired, end)
}

fn check_pair_value(text: &str, start: usize, end: usize) -> Option<usize> {
    let v = &text[start..end];
    let lower = v.to_ascii_lowercase();
    let keyword = matches!(
        lower.as_str(),
        "true"
            | "false"
            | "null"
            | "none"
            | "nil"
            | "undefined"
            | "\"\""
            | "await"
            | "new"
            | "self"
            | "this"
            | "function"
            | "lambda"
            | "str"
            | "string"
            | "int"
            | "bool"
            | "optional"
            | "required"
    );
    // Code and structure, not a value: `api_key = get_key(`, `token: {`, `key == x`.
    let call = v.find('(').is_some_and(|p| {
        p > 0
            && v[..p]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    });
    let structural = v.starts_with(['{', '[', '(', '=', '<', '$'])
        || call
        || char_after(text, end).is_some_and(|c| c == '(');
    let ok = !(keyword
        || structural
        || (v.len() < 6 && v.chars().all(|c| c.is_ascii_digit()))
        || v.starts_with(MARKER_PREFIX));
    whole(ok, end)
}

/// The value of an `Authorization:` header is never the scheme word itself:
/// `Authorization: Bearer [REDACTED:bearer]` is already redacted, and
/// redacting it again must not eat `Bearer`.
fn check_authorization(text: &str, start: usize, end: usize) -> Option<usize> {
    let v = text[start..end].to_ascii_lowercase();
    whole(
        !matches!(v.as_str(), "basic" | "bearer" | "token" | "digest"),
        end,
    )
}

fn check_bearer(text: &str, start: usize, end: usize) -> Option<usize> {
    let v = &text[start..end];
    whole(v.len() >= 20 || v.chars().any(|c| c.is_ascii_digit()), end)
}

/// The default rules in priority order: (kind, pattern, check).
fn default_rules() -> Vec<(&'static str, &'static str, Option<Check>)> {
    vec![
        (
            "private_key",
            r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----(?s:.*?)(?:-----END[A-Z0-9 ]*PRIVATE KEY-----|\z)",
            None,
        ),
        (
            "jwt",
            r"(?-u:\b)eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
            None,
        ),
        ("anthropic_key", r"(?-u:\b)sk-ant-[A-Za-z0-9_-]{20,}", None),
        (
            "openai_key",
            r"(?-u:\b)sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}",
            None,
        ),
        (
            "stripe_key",
            r"(?-u:\b)(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}",
            None,
        ),
        (
            "github_token",
            r"(?-u:\b)(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})",
            None,
        ),
        ("slack_token", r"(?-u:\b)xox[abprs]-[A-Za-z0-9-]{10,}", None),
        ("google_api_key", r"(?-u:\b)AIza[0-9A-Za-z_-]{35}", None),
        (
            "aws_secret_key",
            r#"(?i)aws_?secret_?(?:access_?)?key\\?["']?\s*[:=]\s*\\?["']?(?P<secret>[A-Za-z0-9/+=]{40})"#,
            None,
        ),
        (
            "aws_secret_key",
            r"(?:^|[^A-Za-z0-9/+=])(?P<secret>[A-Za-z0-9/+]{40})(?:$|[^A-Za-z0-9/+=])",
            Some(check_aws_pair),
        ),
        (
            "aws_access_key",
            r"(?-u:\b)(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?-u:\b)",
            None,
        ),
        (
            "url_password",
            r"(?-u:\b)[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]+:(?P<secret>[^\s@/]+)@",
            None,
        ),
        (
            "bearer",
            r#"(?i)(?-u:\b)authorization\\?["']?\s*[:=]\s*\\?["']?(?:(?:basic|bearer|token|digest)\s+)?(?P<secret>[A-Za-z0-9._~+/-]{6,}=*)"#,
            Some(check_authorization),
        ),
        (
            "bearer",
            r"(?i)(?-u:\b)bearer\s+(?P<secret>[A-Za-z0-9._~+/-]{8,}=*)",
            Some(check_bearer),
        ),
        (
            KIND_SECRET,
            r#"(?i)(?:^|[^A-Za-z0-9_])[a-z0-9_.-]*(?:password|passwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?)\\?["']?\s*[:=]\s*(?:\\?"(?P<secret_dq>[^"\\\n]{1,256})\\?"|'(?P<secret_sq>[^'\n]{1,256})'|(?P<secret_bare>[^\s"',;&}\\]+))"#,
            Some(check_pair_value),
        ),
        (
            "email",
            r"(?-u:\b)[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?-u:\b)",
            None,
        ),
        (
            "card_number",
            r"(?-u:\b)[0-9](?:[ -]?[0-9]){12,18}(?-u:\b)",
            Some(check_card),
        ),
        (
            "ipv6",
            r"(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?",
            Some(check_ipv6),
        ),
        (
            "ipv4",
            r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])",
            Some(check_ipv4),
        ),
        (
            "phone",
            concat!(
                // international: +CC then 2-5 groups
                r"\+[0-9]{1,3}(?:[ .-]?\(?[0-9]{1,4}\)?){2,5}",
                // North American (555) 123-4567, 555-123-4567, 555.123.4567
                r"|\(?[2-9][0-9]{2}\)?[ .-][0-9]{3}[ .-][0-9]{4}",
                // mainland China mobile 13812345678 / 138 1234 5678
                r"|1[3-9][0-9](?:[ -]?[0-9]{4}){2}",
                // Taiwan mobile 0912-345-678, UK / EU trunk-prefixed 020 7946 0958
                r"|0[0-9]{2,4}[ -][0-9]{3,4}[ -]?[0-9]{3,4}",
            ),
            Some(check_phone),
        ),
    ]
}

static STANDARD: LazyLock<Redactor> = LazyLock::new(|| {
    // The default patterns are constants covered by tests; failing here is a bug.
    Redactor::new(&RedactionConfig::default()).expect("default redaction rules compile")
});

impl Default for Redactor {
    fn default() -> Self {
        Redactor::standard()
    }
}

impl Redactor {
    /// The default rules only (cheap: clones a compiled instance).
    pub fn standard() -> Redactor {
        STANDARD.clone()
    }

    /// Builds a redactor: the config's extra rules first, then the defaults.
    pub fn new(config: &RedactionConfig) -> Result<Redactor, RedactError> {
        let mut rules = Vec::new();
        for (index, extra) in config.extra.iter().enumerate() {
            let kind_ok = !extra.kind.is_empty()
                && extra.kind.len() <= 40
                && extra
                    .kind
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !kind_ok {
                return Err(RedactError::InvalidKind {
                    index,
                    kind: extra.kind.clone(),
                });
            }
            let rule = Rule::new(&extra.kind, &extra.pattern, None).map_err(|e| {
                RedactError::InvalidPattern {
                    index,
                    kind: extra.kind.clone(),
                    reason: e.to_string(),
                }
            })?;
            rules.push(rule);
        }
        for (kind, pattern, check) in default_rules() {
            let rule =
                Rule::new(kind, pattern, check).map_err(|e| RedactError::InvalidPattern {
                    index: usize::MAX,
                    kind: kind.to_string(),
                    reason: e.to_string(),
                })?;
            rules.push(rule);
        }
        let set = RegexSet::new(rules.iter().map(|r| r.regex.as_str())).map_err(|e| {
            RedactError::InvalidPattern {
                index: 0,
                kind: "(set)".into(),
                reason: e.to_string(),
            }
        })?;
        Ok(Redactor {
            enabled: config.enabled,
            set,
            rules,
        })
    }

    /// Whether redaction is on (`[redaction] enabled`).
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The kinds of the rules, in the order they are applied (kinds repeat
    /// when a kind has several rules).
    pub fn kinds(&self) -> Vec<&str> {
        self.rules.iter().map(|r| r.kind.as_str()).collect()
    }

    /// Replaces every secret and personal identifier in `text` with
    /// `[REDACTED:kind]`. Borrowed (no copy) when nothing matched.
    ///
    /// Escape sequences (`\n`, `\t`, `\r`, `\b`, `\f`) of JSON or code
    /// text held in a string count as the boundary they stand for, so a key
    /// right after an escaped newline (`…\nAKIA…` in a tool message that
    /// holds a JSON document) is found like one after a real newline.
    pub fn redact_str<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if !self.enabled {
            return Cow::Borrowed(text);
        }
        match mask_escapes(text) {
            None => self.redact_unescaped(text),
            Some(masked) => match self.redact_unescaped(&masked) {
                Cow::Borrowed(_) => Cow::Borrowed(text),
                Cow::Owned(out) => Cow::Owned(unmask_escapes(&out)),
            },
        }
    }

    /// [`Redactor::redact_str`] without the escape handling.
    fn redact_unescaped<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if !self.set.is_match(text) {
            return Cow::Borrowed(text);
        }
        let mut current: Cow<'a, str> = Cow::Borrowed(text);
        for i in self.set.matches(text).iter() {
            let Some(rule) = self.rules.get(i) else {
                continue;
            };
            if let Some(next) = rule.apply(&current) {
                current = Cow::Owned(next);
            }
        }
        current
    }

    /// Redacts a JSON value in place; returns whether anything changed.
    ///
    /// - every string value goes through [`Redactor::redact_str`];
    /// - string and number values under a secret-ish key ([`is_secret_key`]),
    ///   at any depth below it, are replaced wholesale by `[REDACTED:secret]`;
    /// - object keys are redacted too (an e-mail address used as a key);
    ///   two keys that redact to the same text get `#2`, `#3`… suffixes.
    pub fn redact_json(&self, value: &mut Value) -> bool {
        if !self.enabled {
            return false;
        }
        match value {
            Value::String(s) => match self.redact_str(s) {
                Cow::Owned(n) => {
                    *s = n;
                    true
                }
                Cow::Borrowed(_) => false,
            },
            Value::Array(items) => {
                let mut changed = false;
                for item in items {
                    changed |= self.redact_json(item);
                }
                changed
            }
            Value::Object(map) => {
                let mut changed = false;
                for (key, item) in map.iter_mut() {
                    changed |= if is_secret_key(key) && !item.is_object() {
                        redact_wholesale(item)
                    } else {
                        self.redact_json(item)
                    };
                }
                if map.keys().any(|k| self.set.is_match(k)) {
                    let old = std::mem::take(map);
                    for (key, item) in old {
                        let mut new_key = self.redact_str(&key).into_owned();
                        if new_key != key {
                            changed = true;
                            let base = new_key.clone();
                            let mut n = 2;
                            while map.contains_key(&new_key) {
                                new_key = format!("{base}#{n}");
                                n += 1;
                            }
                        }
                        map.insert(new_key, item);
                    }
                }
                changed
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => false,
        }
    }

    /// Redacts a stored document: JSON text (a report body, a transcript,
    /// tool-call arguments or results) is parsed, redacted with
    /// [`Redactor::redact_json`] and serialised again; anything that is not
    /// JSON is redacted as plain text. Borrowed when nothing changed.
    pub fn redact_report<'a>(&self, body: &'a str) -> Cow<'a, str> {
        if !self.enabled {
            return Cow::Borrowed(body);
        }
        match serde_json::from_str::<Value>(body) {
            Ok(mut value) => {
                if self.redact_json(&mut value) {
                    Cow::Owned(value.to_string())
                } else {
                    Cow::Borrowed(body)
                }
            }
            Err(_) => self.redact_str(body),
        }
    }
}

/// Letters that end a backslash escape standing for a control character, and
/// the placeholder each is masked with while the rules run (ASCII control
/// characters: one byte, not a word character, not whitespace).
const ESCAPES: [(char, char); 5] = [
    ('n', '\u{1}'),
    ('t', '\u{2}'),
    ('r', '\u{3}'),
    ('b', '\u{4}'),
    ('f', '\u{5}'),
];

/// `text` with the letter of every `\n`, `\t`, `\r`, `\b`, `\f` escape
/// replaced by its placeholder (same byte length); `None` when there is no
/// such escape, or when `text` already holds a placeholder character (then
/// the masking could not be undone exactly).
fn mask_escapes(text: &str) -> Option<String> {
    // `match_indices` with a char pattern searches with memchr: clean text costs little.
    let bytes = text.as_bytes();
    let has_escape = text.match_indices('\\').any(|(i, _)| {
        bytes
            .get(i + 1)
            .is_some_and(|b| ESCAPES.iter().any(|(l, _)| *b == *l as u8))
    });
    if !has_escape || text.chars().any(|c| ESCAPES.iter().any(|(_, p)| c == *p)) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut after_backslash = false;
    for c in text.chars() {
        let masked = if after_backslash {
            ESCAPES.iter().find(|(l, _)| *l == c).map(|(_, p)| *p)
        } else {
            None
        };
        out.push(masked.unwrap_or(c));
        after_backslash = c == '\\';
    }
    Some(out)
}

/// Undoes [`mask_escapes`] on redacted text (markers hold no placeholder).
fn unmask_escapes(text: &str) -> String {
    text.chars()
        .map(|c| ESCAPES.iter().find(|(_, p)| *p == c).map_or(c, |(l, _)| *l))
        .collect()
}

/// Replaces every non-empty string and every number in `value` (a scalar or
/// an array, nested arrays included) with `[REDACTED:secret]`; objects inside
/// arrays are replaced the same way.
fn redact_wholesale(value: &mut Value) -> bool {
    match value {
        Value::String(s) if s.is_empty() || s.starts_with(MARKER_PREFIX) => false,
        Value::String(_) | Value::Number(_) => {
            *value = Value::String(marker(KIND_SECRET));
            true
        }
        Value::Array(items) => items.iter_mut().fold(false, |c, v| redact_wholesale(v) | c),
        Value::Object(map) => map.values_mut().fold(false, |c, v| redact_wholesale(v) | c),
        Value::Null | Value::Bool(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> String {
        Redactor::standard().redact_str(s).into_owned()
    }

    #[test]
    fn default_rules_compile() {
        assert!(Redactor::new(&RedactionConfig::default()).is_ok());
    }

    #[test]
    fn provider_keys_are_redacted_with_their_kind() {
        let cases = [
            ("sk-proj-abcdefghijklmnopqrstuvwxyz012345", "openai_key"),
            (
                "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123",
                "anthropic_key",
            ),
            ("AKIAIOSFODNN7EXAMPLE", "aws_access_key"),
            ("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "github_token"),
            (
                "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEF",
                "github_token",
            ),
            ("xoxb-123456789012-abcdefghijkl", "slack_token"),
            ("AIzaSyA1234567890abcdefghijklmnopqrstuv", "google_api_key"),
            ("sk_live_abcdefghijklmnop1234", "stripe_key"),
            ("rk_live_abcdefghijklmnop1234", "stripe_key"),
        ];
        for (secret, kind) in cases {
            let out = r(&format!("key {secret} here"));
            assert_eq!(out, format!("key [REDACTED:{kind}] here"), "{secret}");
        }
    }

    #[test]
    fn url_password_keeps_user_and_host() {
        assert_eq!(
            r("DATABASE_URL=postgres://app:hunter2@db.internal:5432/x"),
            "DATABASE_URL=postgres://app:[REDACTED:url_password]@db.internal:5432/x"
        );
    }

    #[test]
    fn secret_pairs_keep_the_key_and_quotes() {
        assert_eq!(
            r(r#"{"password": "correct horse", "user": "bob"}"#),
            r#"{"password": "[REDACTED:secret]", "user": "bob"}"#
        );
        assert_eq!(
            r("client_secret=abc123xyz&x=1"),
            "client_secret=[REDACTED:secret]&x=1"
        );
        assert_eq!(r("input_tokens: 123456"), "input_tokens: 123456");
        assert_eq!(r("max_token=5"), "max_token=5");
        for code in [
            "api_key = await ctx.elicit(",
            "token = get_token()",
            "if api_key == other:",
            r#""password": {"type": "string"}"#,
            "API_KEY=$API_KEY",
        ] {
            assert_eq!(r(code), code);
        }
    }

    #[test]
    fn bearer_and_authorization_headers_are_redacted() {
        assert_eq!(
            r("Authorization: Bearer abc.def-1234567890"),
            "Authorization: Bearer [REDACTED:bearer]"
        );
        assert_eq!(r("the bearer of news"), "the bearer of news");
    }

    #[test]
    fn emails_phones_cards_and_ips_are_redacted() {
        assert_eq!(
            r("mail bob.smith@example.co.uk now"),
            "mail [REDACTED:email] now"
        );
        assert_eq!(r("call +1 415 555 0132."), "call [REDACTED:phone].");
        assert_eq!(r("call (415) 555-0132"), "call [REDACTED:phone]");
        assert_eq!(r("致电 13812345678 谢谢"), "致电 [REDACTED:phone] 谢谢");
        assert_eq!(r("手機 0912-345-678"), "手機 [REDACTED:phone]");
        assert_eq!(
            r("card 4111 1111 1111 1111 ok"),
            "card [REDACTED:card_number] ok"
        );
        assert_eq!(r("host 10.0.12.7:8080"), "host [REDACTED:ipv4]:8080");
        assert_eq!(r("v6 2001:db8::8a2e:370:7334 up"), "v6 [REDACTED:ipv6] up");
        assert_eq!(r("fe80::1"), "[REDACTED:ipv6]");
    }

    #[test]
    fn ordinary_numbers_dates_versions_and_paths_survive() {
        for s in [
            "released 2026-11-25 at 21:05:10",
            "version 1.2.3 and v10.0.0.1",
            "4111 1111 1111 1112 fails luhn",
            "order 1234567 of 2026",
            "epoch 1732567200000 ms",
            "use std::fmt::Display; Vec::new()",
            "score 0.8125 delta -0.25",
            "sha 3f786850e387550fdab836ed7e6dc881de23001b",
            "call at 12:30, room 404",
            "ratio 3/4 and 12-15 items",
            "bind to 127.0.0.1 rather than 0.0.0.0",
        ] {
            assert_eq!(r(s), s);
        }
    }

    #[test]
    fn private_key_block_is_redacted_whole() {
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----";
        assert_eq!(r(&format!("x {pem} y")), "x [REDACTED:private_key] y");
    }

    #[test]
    fn jwt_is_redacted() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assert_eq!(r(&format!("t={jwt}")), "t=[REDACTED:jwt]");
    }

    #[test]
    fn aws_secret_next_to_access_key_is_redacted() {
        let out = r("AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        assert_eq!(out, "[REDACTED:aws_access_key] [REDACTED:aws_secret_key]");
    }

    #[test]
    fn secrets_after_escaped_newlines_in_json_text_are_redacted() {
        // A tool message holding a JSON document: its newlines are `\n` escapes.
        let inner = serde_json::json!({
            "stdout": "ok\nAKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n10.0.12.7\n+1 415 555 0132\tghp_abcdefghijklmnopqrstuvwxyz0123456789"
        })
        .to_string();
        assert_eq!(
            r(&inner),
            r#"{"stdout":"ok\n[REDACTED:aws_access_key] [REDACTED:aws_secret_key]\n[REDACTED:ipv4]\n[REDACTED:phone]\t[REDACTED:github_token]"}"#
        );
        // Escapes elsewhere are kept byte for byte.
        let code = r"C:\new\table \b\f\r";
        assert_eq!(r(code), code);
        assert!(matches!(
            Redactor::standard().redact_str(code),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn redacting_twice_changes_nothing_more() {
        for s in [
            "Authorization: Bearer abc.def-1234567890",
            "authorization=Basic dXNlcjpwYXNzd29yZA==",
            "postgres://app:hunter2@db.internal:5432/x and password=hunter22",
        ] {
            let once = r(s);
            assert_eq!(r(&once), once, "{s}");
        }
    }

    #[test]
    fn clean_text_is_borrowed() {
        let red = Redactor::standard();
        assert!(matches!(red.redact_str("nothing to see"), Cow::Borrowed(_)));
    }

    #[test]
    fn disabled_redactor_changes_nothing() {
        let red = Redactor::new(&RedactionConfig {
            enabled: false,
            extra: vec![],
        })
        .unwrap();
        assert_eq!(red.redact_str("bob@example.com"), "bob@example.com");
    }

    #[test]
    fn extra_rules_apply_first_and_bad_patterns_name_the_rule() {
        let red = Redactor::new(&RedactionConfig {
            enabled: true,
            extra: vec![ExtraRule {
                kind: "employee_id".into(),
                pattern: "EMP-[0-9]{6}".into(),
            }],
        })
        .unwrap();
        assert_eq!(red.redact_str("id EMP-123456"), "id [REDACTED:employee_id]");
        let err = Redactor::new(&RedactionConfig {
            enabled: true,
            extra: vec![ExtraRule {
                kind: "x".into(),
                pattern: "(".into(),
            }],
        })
        .unwrap_err();
        assert!(err.to_string().contains("redaction.extra[0]"), "{err}");
        let err = Redactor::new(&RedactionConfig {
            enabled: true,
            extra: vec![ExtraRule {
                kind: "bad kind".into(),
                pattern: "x".into(),
            }],
        })
        .unwrap_err();
        assert!(matches!(err, RedactError::InvalidKind { .. }));
    }

    #[test]
    fn json_values_under_secret_keys_are_redacted_wholesale() {
        let mut v = serde_json::json!({
            "apiKey": "plain-looking",
            "db": {"password": 123456789, "host": "db"},
            "credentials": ["a1", "b2"],
            "input_tokens": 42,
            "schema": {"password": {"type": "string", "default": "hunter22"}},
            "note": "mail bob@example.com",
            "alice@example.com": 1
        });
        assert!(Redactor::standard().redact_json(&mut v));
        assert_eq!(v["apiKey"], "[REDACTED:secret]");
        assert_eq!(v["db"]["password"], "[REDACTED:secret]");
        assert_eq!(v["db"]["host"], "db");
        assert_eq!(v["credentials"][1], "[REDACTED:secret]");
        assert_eq!(v["input_tokens"], 42);
        assert_eq!(v["schema"]["password"]["type"], "string");
        assert_eq!(v["note"], "mail [REDACTED:email]");
        assert_eq!(v["[REDACTED:email]"], 1);
    }

    #[test]
    fn redact_report_handles_json_and_plain_text() {
        let red = Redactor::standard();
        let out = red.redact_report(r#"{"final_answer":"ok, sent to bob@example.com"}"#);
        assert_eq!(out, r#"{"final_answer":"ok, sent to [REDACTED:email]"}"#);
        assert_eq!(
            red.redact_report("not json bob@example.com"),
            "not json [REDACTED:email]"
        );
        assert!(matches!(red.redact_report(r#"{"a":1}"#), Cow::Borrowed(_)));
    }

    #[test]
    fn secret_key_detection() {
        for k in [
            "password",
            "DB_PASSWORD",
            "apiKey",
            "client-secret",
            "access_token",
            "X-Api-Key",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in [
            "input_tokens",
            "token_budget",
            "user",
            "tokenizer",
            "passed",
        ] {
            assert!(!is_secret_key(k), "{k}");
        }
    }

    #[test]
    fn luhn() {
        assert!(luhn_valid("4111111111111111"));
        assert!(!luhn_valid("4111111111111112"));
    }
}
