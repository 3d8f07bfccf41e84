//! Text helpers: line lookup, sentence splitting, the instruction heuristic, similarity.

/// Maps byte offsets of a text to 1-based line numbers.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
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

fn memchr_newlines(b: &[u8]) -> impl Iterator<Item = usize> + '_ {
    b.iter()
        .enumerate()
        .filter(|&(_, &c)| c == b'\n')
        .map(|(i, _)| i)
}

/// Splits a paragraph into sentences: after `.`, `!`, `?` followed by whitespace, and after
/// `。`, `！`, `？`. Returns (byte position, sentence) pairs with the sentences trimmed.
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
            push_trimmed(text, start, end, &mut out);
            start = end;
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
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
        .to_lowercase();
    if IMPERATIVE_VERBS.contains(&first.as_str()) {
        return true;
    }
    let padded = format!(" {} ", sentence.to_lowercase());
    if MODAL_MARKERS.iter().any(|m| padded.contains(m)) {
        return true;
    }
    ZH_MARKERS.iter().any(|m| sentence.contains(m))
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xAC00..=0xD7AF)
}

/// Tokens for similarity: lowercase words, each CJK character its own token, punctuation
/// dropped. Tokens are hashed for a cheap diff.
pub fn tokens(text: &str) -> Vec<u64> {
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<u64>| {
        if !word.is_empty() {
            out.push(fnv1a(stem(word).as_bytes()));
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
        if is_cjk(c) {
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
fn stem(word: &str) -> &str {
    if word.len() < 5 || !word.is_ascii() {
        return word;
    }
    for suffix in ["ing", "ed", "es", "s"] {
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
    // The deadline bounds the worst case (two long, unrelated texts); past it `similar`
    // returns a coarser diff, which can only lower the ratio.
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(100);
    let ops =
        similar::capture_diff_slices_deadline(similar::Algorithm::Myers, a, b, Some(deadline));
    let matched: usize = ops
        .iter()
        .map(|op| match op {
            similar::DiffOp::Equal { len, .. } => *len,
            _ => 0,
        })
        .sum();
    2.0 * matched as f64 / total
}

/// Upper bound of [`similarity`] from lengths alone.
pub fn similarity_upper_bound(a: usize, b: usize) -> f64 {
    if a + b == 0 {
        return 1.0;
    }
    2.0 * a.min(b) as f64 / (a + b) as f64
}

fn multiset_overlap(a: &[u64], b: &[u64]) -> usize {
    let mut x = a.to_vec();
    let mut y = b.to_vec();
    x.sort_unstable();
    y.sort_unstable();
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
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
}
