//! Text helpers: line lookup, sentence splitting, the instruction heuristic, similarity.

/// Maps byte offsets of a text to 1-based line numbers.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> LineIndex {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }

    /// [`line_of`](Self::line_of), looking a few lines forward from `hint` first: cheap for
    /// offsets met in order (any `hint` gives the same answer).
    pub fn line_of_from(&self, offset: usize, hint: usize) -> usize {
        let mut line = hint.max(1);
        if self
            .starts
            .get(line - 1)
            .is_some_and(|&start| start <= offset)
        {
            for _ in 0..16 {
                match self.starts.get(line) {
                    Some(&next) if next <= offset => line += 1,
                    _ => return line,
                }
            }
        }
        self.line_of(offset)
    }

    /// Byte offset where a 1-based line starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text<'a>(&self, text: &'a str, line: usize) -> Option<&'a str> {
        let start = self.line_start(line)?;
        if start > text.len() || (start == text.len() && line > 1) {
            return None;
        }
        let end = self.line_start(line + 1).unwrap_or(text.len());
        text.get(start..end)
            .map(|s| s.trim_end_matches(['\n', '\r']))
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Whether the text is empty of lines (never: an empty text has one empty line).
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }
}

/// Splits a paragraph into sentences: after `.`, `!`, `?` followed by whitespace, and after
/// `。`, `！`, `？`. Returns (byte position, sentence) pairs with the sentences trimmed.
pub fn split_sentences(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    if bytes.is_ascii() {
        // Only `.`, `!`, `?` can end a sentence: jump between them.
        for i in memchr::memchr3_iter(b'.', b'!', b'?', bytes) {
            if i < start {
                continue;
            }
            if bytes
                .get(i + 1)
                .is_none_or(|&n| char::from(n).is_whitespace())
            {
                push_trimmed(text, start, i + 1, &mut out);
                start = i + 1;
            }
        }
        push_trimmed(text, start, text.len(), &mut out);
        return out;
    }
    let mut i = 0;
    // Byte scan: the ASCII marks and the lead bytes of `。` (E3 80 82), `！` (EF BC 81) and
    // `？` (EF BC 9F) never occur inside another character's UTF-8 encoding.
    while let Some(&b) = bytes.get(i) {
        let end = match b {
            b'.' | b'!' | b'?' => match bytes.get(i + 1) {
                None => Some(i + 1),
                Some(&n) if n < 0x80 => char::from(n).is_whitespace().then_some(i + 1),
                Some(_) => text
                    .get(i + 1..)
                    .and_then(|r| r.chars().next())
                    .is_some_and(char::is_whitespace)
                    .then_some(i + 1),
            },
            0xE3 if bytes.get(i + 1..i + 3) == Some(&[0x80, 0x82]) => Some(i + 3),
            0xEF if matches!(bytes.get(i + 1..i + 3), Some(&[0xBC, 0x81] | &[0xBC, 0x9F])) => {
                Some(i + 3)
            }
            _ => None,
        };
        match end {
            Some(end) => {
                push_trimmed(text, start, end, &mut out);
                start = end;
                i = end;
            }
            None => i += 1,
        }
    }
    push_trimmed(text, start, text.len(), &mut out);
    out
}

fn push_trimmed<'a>(text: &'a str, start: usize, end: usize, out: &mut Vec<(usize, &'a str)>) {
    let Some(s) = text.get(start..end) else {
        return;
    };
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    if !t.is_empty() {
        out.push((start + lead, t));
    }
}

const IMPERATIVE_VERBS: &[&str] = &[
    "add",
    "always",
    "apply",
    "ask",
    "avoid",
    "build",
    "call",
    "check",
    "choose",
    "commit",
    "confirm",
    "consider",
    "copy",
    "create",
    "define",
    "delete",
    "describe",
    "document",
    "do",
    "don't",
    "ensure",
    "execute",
    "explain",
    "fix",
    "focus",
    "follow",
    "generate",
    "give",
    "identify",
    "implement",
    "include",
    "install",
    "keep",
    "let",
    "list",
    "load",
    "look",
    "make",
    "mark",
    "never",
    "note",
    "open",
    "pick",
    "place",
    "prefer",
    "provide",
    "put",
    "read",
    "record",
    "remember",
    "remove",
    "replace",
    "report",
    "return",
    "review",
    "run",
    "save",
    "say",
    "see",
    "select",
    "set",
    "show",
    "skip",
    "start",
    "state",
    "stop",
    "structure",
    "take",
    "tell",
    "test",
    "think",
    "try",
    "update",
    "use",
    "validate",
    "verify",
    "wait",
    "write",
];

const MODAL_MARKERS: &[&str] = &[
    " must ",
    " should ",
    " never ",
    " always ",
    " do not ",
    " don't ",
    " shall ",
    " need to ",
    " required",
    " make sure ",
];

const ZH_MARKERS: &[&str] = &[
    "必须",
    "必須",
    "务必",
    "務必",
    "不要",
    "切勿",
    "禁止",
    "应该",
    "應該",
    "请",
    "請",
    "一定要",
    "不得",
    "不可",
    "先",
];

/// Whether a sentence reads as an instruction: starts with an imperative verb, or holds a
/// modal marker (`must`, `never`, `do not`, `必须`, `不要` …).
pub fn is_instruction(sentence: &str) -> bool {
    let first = sentence
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'');
    let starts_imperative = if first.is_ascii() {
        // The verbs are ASCII lowercase: an ASCII word matches one exactly when its ASCII
        // lowercase does.
        let mut buf = [0u8; 16];
        match buf.get_mut(..first.len()) {
            Some(lower) => {
                lower.copy_from_slice(first.as_bytes());
                lower.make_ascii_lowercase();
                let lower: &[u8] = lower;
                lower
                    .first()
                    .and_then(|f| verbs_by_letter().get(usize::from(f.wrapping_sub(b'a'))))
                    .is_some_and(|vs| vs.iter().any(|v| v.as_bytes() == lower))
            }
            None => false, // longer than any verb
        }
    } else {
        IMPERATIVE_VERBS.contains(&first.to_lowercase().as_str())
    };
    if starts_imperative {
        return true;
    }
    if sentence.is_ascii() {
        // No Chinese marker is ASCII.
        return has_modal_marker_ascii(sentence.as_bytes());
    }
    let padded = format!(" {} ", sentence.to_lowercase());
    MODAL_MARKERS.iter().any(|m| padded.contains(m))
        || ZH_MARKERS.iter().any(|m| sentence.contains(m))
}

/// [`IMPERATIVE_VERBS`] by first letter (`a`…`z`).
fn verbs_by_letter() -> &'static [Vec<&'static str>] {
    static BY_LETTER: std::sync::OnceLock<Vec<Vec<&'static str>>> = std::sync::OnceLock::new();
    BY_LETTER.get_or_init(|| {
        let mut v: Vec<Vec<&'static str>> = vec![Vec::new(); 26];
        for verb in IMPERATIVE_VERBS {
            if let Some(slot) = verb
                .bytes()
                .next()
                .and_then(|f| v.get_mut(usize::from(f.wrapping_sub(b'a'))))
            {
                slot.push(verb);
            }
        }
        v
    })
}

/// Whether `" " + lowercase(s) + " "` contains one of [`MODAL_MARKERS`], for ASCII `s`,
/// without building that string. Every marker starts with a space, so a match starts at the
/// leading pad or at a space of `s`; the rest of the marker is compared with `s` from there
/// (case-insensitively), the end of `s` standing for the trailing pad.
fn has_modal_marker_ascii(s: &[u8]) -> bool {
    let starts = std::iter::once(0).chain(memchr::memchr_iter(b' ', s).map(|j| j + 1));
    for q in starts {
        // Every marker goes on with one of these letters after its leading space.
        if !s.get(q).is_some_and(|c| {
            matches!(
                c.to_ascii_lowercase(),
                b'm' | b's' | b'n' | b'a' | b'd' | b'r'
            )
        }) {
            continue;
        }
        for m in MODAL_MARKERS {
            let rest = m.as_bytes().get(1..).unwrap_or(&[]);
            let hit = rest.iter().enumerate().all(|(i, &r)| match s.get(q + i) {
                Some(&c) => c.to_ascii_lowercase() == r,
                None => q + i == s.len() && r == b' ',
            });
            if hit {
                return true;
            }
        }
    }
    false
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xAC00..=0xD7AF)
}

/// Tokens for similarity: lowercase words, each CJK character its own token, punctuation
/// dropped. Tokens are hashed for a cheap diff.
pub fn tokens(text: &str) -> Vec<u64> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 5);
    // A word that needs lowercasing or holds non-ASCII letters, lowercased, as UTF-8 bytes.
    let mut word: Vec<u8> = Vec::with_capacity(32);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 && !is_word_byte(b) {
            i += 1;
            continue;
        }
        // A run of ASCII word bytes, hashed in place when it is already lowercase.
        let start = i;
        let mut upper = false;
        while let Some(&c) = bytes.get(i)
            && is_word_byte(c)
        {
            upper |= c.is_ascii_uppercase();
            i += 1;
        }
        let ascii_word = bytes.get(start..i).unwrap_or(&[]);
        if bytes.get(i).is_none_or(|&c| c < 0x80) {
            if upper {
                word.clear();
                word.extend(ascii_word.iter().map(u8::to_ascii_lowercase));
                out.push(word_hash(&word));
            } else {
                out.push(word_hash(ascii_word));
            }
            continue;
        }
        // The word goes on past ASCII (or is a non-ASCII character): character by character.
        word.clear();
        word.extend(ascii_word.iter().map(u8::to_ascii_lowercase));
        while let Some(&c) = bytes.get(i) {
            if c < 0x80 {
                if !is_word_byte(c) {
                    break;
                }
                word.push(c.to_ascii_lowercase());
                i += 1;
                continue;
            }
            let Some(ch) = text.get(i..).and_then(|s| s.chars().next()) else {
                i = bytes.len();
                break;
            };
            i += ch.len_utf8();
            if is_cjk(ch) {
                if !word.is_empty() {
                    out.push(word_hash(&word));
                    word.clear();
                }
                let mut buf = [0u8; 4];
                out.push(fnv1a(ch.encode_utf8(&mut buf).as_bytes()));
                break;
            } else if ch.is_alphanumeric() {
                let mut buf = [0u8; 4];
                for l in ch.to_lowercase() {
                    word.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
                }
            } else {
                break;
            }
        }
        if !word.is_empty() {
            out.push(word_hash(&word));
            word.clear();
        }
    }
    out
}

/// ASCII letters, digits and `_`: the ASCII bytes words are made of.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The token of a lowercased word: the hash of its stem.
fn word_hash(word: &[u8]) -> u64 {
    fnv1a(stem(word))
}

/// FNV-1a, 64 bit: a fast, stable hash for tokens.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A light English stemmer: strips `ing`, `ed`, `es`, `s` from words of five letters or more,
/// so "posting" and "post" compare equal.
fn stem(word: &[u8]) -> &[u8] {
    if word.len() < 5 || !word.is_ascii() {
        return word;
    }
    for suffix in [&b"ing"[..], b"ed", b"es", b"s"] {
        if let Some(stripped) = word.strip_suffix(suffix)
            && stripped.len() >= 3
        {
            return stripped;
        }
    }
    word
}

/// Normalized form used for exact matching: tokens joined (case, punctuation and
/// whitespace ignored).
pub fn normalize(text: &str) -> String {
    if text.is_ascii() {
        let mut out = String::with_capacity(text.len());
        for b in text.bytes() {
            if b.is_ascii_alphanumeric() {
                out.push(char::from(b.to_ascii_lowercase()));
            } else if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        }
        while out.ends_with(' ') {
            out.pop();
        }
        return out;
    }
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() || is_cjk(c) {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    out.trim_end().to_string()
}

/// Similarity in [0, 1] of two token sequences: 2·matched / (len a + len b), with matched
/// tokens from a Myers diff (`similar`, at most 100 ms per comparison). Sequences longer than
/// `max_tokens` are compared by their token multisets instead, which bounds the cost.
///
/// Short sequences (both at most [`EXACT_LCS_MAX`] tokens, the shorter at most 64) take a
/// bit-parallel longest-common-subsequence count instead of the diff: the same number (for
/// inputs this short `similar`'s Myers runs none of its size heuristics, so its diff is a
/// minimal one, and a minimal diff matches exactly an LCS), without allocating.
pub fn similarity(a: &[u64], b: &[u64], max_tokens: usize) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    let total = (a.len() + b.len()) as f64;
    if a.len() > max_tokens || b.len() > max_tokens {
        return 2.0 * multiset_overlap(a, b) as f64 / total;
    }
    if let Some(n) = lcs_len_short(a, b) {
        return 2.0 * n as f64 / total;
    }
    2.0 * myers_matched(a, b) as f64 / total
}

/// Longest sequences [`similarity`] counts with the bit-parallel LCS. `similar`'s Myers turns
/// to heuristics (front anchors, reductions, cost caps) only past 96 tokens on both sides, 512
/// on one, or 256 edit steps.
pub const EXACT_LCS_MAX: usize = 96;

/// Length of a longest common subsequence when both sides are at most [`EXACT_LCS_MAX`] long
/// and the shorter fits a 64-bit word (Hyyrö's bit-vector algorithm); `None` otherwise.
fn lcs_len_short(a: &[u64], b: &[u64]) -> Option<usize> {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.len() > 64 || long.len() > EXACT_LCS_MAX {
        return None;
    }
    let n = short.len();
    let mut v: u64 = !0;
    for &t in long {
        let mut m: u64 = 0;
        for (i, &s) in short.iter().enumerate() {
            m |= u64::from(s == t) << i;
        }
        let u = v & m;
        v = v.wrapping_add(u) | v.wrapping_sub(u);
    }
    let low = if n == 64 { !0 } else { (1u64 << n) - 1 };
    Some(n - (v & low).count_ones() as usize)
}

/// Matched tokens of `similar`'s Myers diff (at most 100 ms, then a coarser diff).
fn myers_matched(a: &[u64], b: &[u64]) -> usize {
    // The deadline bounds the worst case (two long, unrelated texts); past it `similar`
    // returns a coarser diff, which can only lower the ratio.
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(100);
    let ops =
        similar::capture_diff_slices_deadline(similar::Algorithm::Myers, a, b, Some(deadline));
    ops.iter()
        .map(|op| match op {
            similar::DiffOp::Equal { len, .. } => *len,
            _ => 0,
        })
        .sum()
}

/// Upper bound of [`similarity`] from lengths alone.
pub fn similarity_upper_bound(a: usize, b: usize) -> f64 {
    if a + b == 0 {
        return 1.0;
    }
    2.0 * a.min(b) as f64 / (a + b) as f64
}

/// Upper bound of [`similarity`] from token multisets: 2·(shared tokens) / (len a + len b).
/// A diff can only match tokens both sides hold, so this is never below the similarity.
pub fn multiset_upper_bound(shared: usize, a: usize, b: usize) -> f64 {
    if a + b == 0 {
        return 1.0;
    }
    2.0 * shared as f64 / (a + b) as f64
}

fn multiset_overlap(a: &[u64], b: &[u64]) -> usize {
    let mut x = a.to_vec();
    let mut y = b.to_vec();
    x.sort_unstable();
    y.sort_unstable();
    sorted_overlap(&x, &y)
}

/// Shared tokens (with multiplicity) of two sorted token sequences.
pub fn sorted_overlap(x: &[u64], y: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while let (Some(a), Some(b)) = (x.get(i), y.get(j)) {
        match a.cmp(b) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_maps_offsets_to_lines() {
        let t = "a\nbc\n\nd";
        let ix = LineIndex::new(t);
        assert_eq!(ix.line_of(0), 1);
        assert_eq!(ix.line_of(2), 2);
        assert_eq!(ix.line_of(5), 3);
        assert_eq!(ix.line_of(6), 4);
        assert_eq!(ix.line_text(t, 2), Some("bc"));
        assert_eq!(ix.line_text(t, 9), None);
    }

    #[test]
    fn sentences_split_on_terminal_punctuation() {
        let s: Vec<_> = split_sentences("Read it. Then run v1.2 now! Done")
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        assert_eq!(s, vec!["Read it.", "Then run v1.2 now!", "Done"]);
    }

    #[test]
    fn every_imperative_verb_starts_an_instruction() {
        for v in IMPERATIVE_VERBS {
            assert!(v.len() <= 16, "{v} is longer than the lookup buffer");
            assert!(v.starts_with(|c: char| c.is_ascii_lowercase()), "{v}");
            let mut cap = v.to_string();
            cap[..1].make_ascii_uppercase();
            assert!(is_instruction(&format!("{cap} it all")), "{v}");
        }
    }

    #[test]
    fn imperatives_and_modals_are_instructions() {
        assert!(is_instruction("Run the tests before committing."));
        assert!(is_instruction("You must verify the output."));
        assert!(is_instruction("不要跳过测试。"));
        assert!(!is_instruction("This skill helps with design."));
    }

    #[test]
    fn similarity_is_one_for_equal_and_lower_for_rewording() {
        let a = tokens("Always run the full test suite before you claim success.");
        let b = tokens("Always run the whole test suite before claiming success.");
        let c = tokens("Bananas are yellow.");
        assert_eq!(similarity(&a, &a, 1000), 1.0);
        let ab = similarity(&a, &b, 1000);
        assert!(ab > 0.6 && ab < 1.0, "{ab}");
        assert!(similarity(&a, &c, 1000) < 0.2);
    }

    #[test]
    fn inflections_share_a_token() {
        assert_eq!(tokens("posting checks"), tokens("post check"));
        assert_ne!(tokens("post"), tokens("pose"));
    }

    #[test]
    fn cjk_characters_are_separate_tokens() {
        assert_eq!(tokens("先阅读计划").len(), 5);
        assert_eq!(tokens("read the plan").len(), 3);
    }

    /// The implementations before the speed-up (2026-11): the fast ones must agree with them.
    mod reference {
        pub fn tokens(text: &str) -> Vec<u64> {
            let mut out = Vec::new();
            let mut word = String::new();
            let flush = |word: &mut String, out: &mut Vec<u64>| {
                if !word.is_empty() {
                    out.push(super::fnv1a(super::stem(word.as_bytes())));
                    word.clear();
                }
            };
            let bytes = text.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                let b = bytes[i];
                if b < 0x80 {
                    if b.is_ascii_alphanumeric() || b == b'_' {
                        word.push(char::from(b.to_ascii_lowercase()));
                    } else {
                        flush(&mut word, &mut out);
                    }
                    i += 1;
                    continue;
                }
                let Some(c) = text.get(i..).and_then(|s| s.chars().next()) else {
                    break;
                };
                i += c.len_utf8();
                if super::is_cjk(c) {
                    flush(&mut word, &mut out);
                    word.push(c);
                    flush(&mut word, &mut out);
                } else if c.is_alphanumeric() {
                    word.extend(c.to_lowercase());
                } else {
                    flush(&mut word, &mut out);
                }
            }
            flush(&mut word, &mut out);
            out
        }

        pub fn split_sentences(text: &str) -> Vec<(usize, &str)> {
            let mut out = Vec::new();
            let mut start = 0;
            let mut chars = text.char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                let end = match c {
                    '。' | '！' | '？' => Some(i + c.len_utf8()),
                    '.' | '!' | '?' => match chars.peek() {
                        Some(&(_, n)) if n.is_whitespace() => Some(i + 1),
                        None => Some(i + 1),
                        _ => None,
                    },
                    _ => None,
                };
                if let Some(end) = end {
                    super::push_trimmed(text, start, end, &mut out);
                    start = end;
                }
            }
            super::push_trimmed(text, start, text.len(), &mut out);
            out
        }

        pub fn normalize(text: &str) -> String {
            let mut out = String::new();
            for c in text.chars() {
                if c.is_alphanumeric() || super::is_cjk(c) {
                    out.extend(c.to_lowercase());
                } else if !out.ends_with(' ') && !out.is_empty() {
                    out.push(' ');
                }
            }
            out.trim_end().to_string()
        }

        pub fn is_instruction(sentence: &str) -> bool {
            let first = sentence
                .split_whitespace()
                .next()
                .unwrap_or("")
                .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
                .to_lowercase();
            if super::IMPERATIVE_VERBS.contains(&first.as_str()) {
                return true;
            }
            let padded = format!(" {} ", sentence.to_lowercase());
            if super::MODAL_MARKERS.iter().any(|m| padded.contains(m)) {
                return true;
            }
            super::ZH_MARKERS.iter().any(|m| sentence.contains(m))
        }

        /// Matched tokens of `similar`'s Myers diff, as `similarity` computed them for every
        /// length — without the deadline, which a loaded test machine can hit.
        pub fn myers_matched(a: &[u64], b: &[u64]) -> usize {
            similar::capture_diff_slices(similar::Algorithm::Myers, a, b)
                .iter()
                .map(|op| match op {
                    similar::DiffOp::Equal { len, .. } => *len,
                    _ => 0,
                })
                .sum()
        }

        /// Textbook dynamic-programming LCS.
        pub fn lcs(a: &[u64], b: &[u64]) -> usize {
            let mut row = vec![0usize; b.len() + 1];
            for x in a {
                let mut diag = 0;
                for (j, y) in b.iter().enumerate() {
                    let up = row[j + 1];
                    row[j + 1] = if x == y { diag + 1 } else { up.max(row[j]) };
                    diag = up;
                }
            }
            row[b.len()]
        }
    }

    mod agreement {
        use super::reference;
        use proptest::prelude::*;

        /// Text that hits the tokenizer's and splitter's corners: mixed case, stems, CJK,
        /// Unicode whitespace and letters whose lowercase changes length.
        fn text() -> impl Strategy<Value = String> {
            let piece = prop_oneof![
                Just("Run".to_string()),
                Just("posting".to_string()),
                Just("Checks".to_string()),
                Just("must".to_string()),
                Just("do not".to_string()),
                Just("DON'T".to_string()),
                Just("Should".to_string()),
                Just("need to".to_string()),
                Just("REQUIRED".to_string()),
                Just("make sure".to_string()),
                Just("shall".to_string()),
                Just("不要".to_string()),
                Just("先阅读计划".to_string()),
                Just("。".to_string()),
                Just("！".to_string()),
                Just("？".to_string()),
                Just(". ".to_string()),
                Just("!\n".to_string()),
                Just("?".to_string()),
                Just(".\u{a0}".to_string()),
                Just(".\u{3000}".to_string()),
                Just(".é".to_string()),
                Just("\u{212a}eep".to_string()),
                Just("İstanbul".to_string()),
                Just("ΣΊΣΥΦΟΣ".to_string()),
                Just("Straße".to_string()),
                Just("x_y".to_string()),
                Just(" ".to_string()),
                Just("\t".to_string()),
                "[a-zA-Z .!?,']{0,12}",
                any::<String>().prop_map(|s| s.chars().take(6).collect()),
            ];
            prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
        }

        proptest! {
            #[test]
            fn line_of_from_agrees_with_line_of(s in text(), offset in 0usize..200, hint in 0usize..40) {
                let ix = super::super::LineIndex::new(&s);
                prop_assert_eq!(ix.line_of_from(offset, hint), ix.line_of(offset));
            }

            #[test]
            fn tokens_agree_with_the_reference(s in text()) {
                prop_assert_eq!(super::super::tokens(&s), reference::tokens(&s));
            }

            #[test]
            fn sentences_agree_with_the_reference(s in text()) {
                prop_assert_eq!(super::super::split_sentences(&s), reference::split_sentences(&s));
            }

            #[test]
            fn normalize_agrees_with_the_reference(s in text()) {
                prop_assert_eq!(super::super::normalize(&s), reference::normalize(&s));
            }

            #[test]
            fn instruction_heuristic_agrees_with_the_reference(s in text()) {
                prop_assert_eq!(super::super::is_instruction(&s), reference::is_instruction(&s));
            }

            #[test]
            fn short_lcs_equals_similar_and_textbook_lcs(
                a in prop::collection::vec(0u64..4, 0..97),
                b in prop::collection::vec(0u64..4, 0..97),
            ) {
                let dp = reference::lcs(&a, &b);
                prop_assert_eq!(reference::myers_matched(&a, &b), dp);
                if let Some(n) = super::super::lcs_len_short(&a, &b) {
                    prop_assert_eq!(n, dp);
                }
            }

            #[test]
            fn similarity_agrees_with_the_diff_on_short_sequences(
                a in prop::collection::vec(0u64..12, 0..97),
                b in prop::collection::vec(0u64..12, 0..97),
            ) {
                let total = (a.len() + b.len()) as f64;
                let expected = if a.is_empty() && b.is_empty() {
                    1.0
                } else if a.is_empty() || b.is_empty() {
                    0.0
                } else {
                    2.0 * reference::myers_matched(&a, &b) as f64 / total
                };
                prop_assert_eq!(super::super::similarity(&a, &b, 5_000), expected);
            }
        }
    }
}
