//! Finding the verbs of a tool name, toolset or description.
//!
//! A name is split into tokens (`batch_delete_emails`, `deleteEmail`,
//! `delete-email`, `删除邮件`), phrases and words are looked up in the
//! [`lexicon`](super::lexicon), and the *main verb* — the first action word —
//! decides what the other words mean:
//!
//! * after a read verb (`list_deleted_items`, `get_team_members`) later words
//!   are what is read, so they count only when joined by `and`/`or`
//!   (`search_and_delete`) or when they name a credential (`get_api_key`);
//! * after any other verb, or with no verb at all, every destructive,
//!   permission, credential or payment word counts (`message_delete`,
//!   `update_payment_method`, `mark_deleted`).

use super::lexicon::{self, Class, Entry, Kind};

/// Where a word was found; names weigh more than descriptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// The tool name.
    Name,
    /// The toolset (MCP server, connector) name.
    Toolset,
    /// The first sentence of the description.
    Description,
    /// The first sentence of the annotation title.
    Title,
}

impl Source {
    /// Lowercase English label used in reasons.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Source::Name => "name",
            Source::Toolset => "toolset",
            Source::Description => "description",
            Source::Title => "title",
        }
    }

    fn is_prose(self) -> bool {
        matches!(self, Source::Description | Source::Title)
    }
}

/// The grammatical form a word was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// Dictionary form, or a noun.
    Base,
    /// `-s` / `-es` / `-ies`: a plural noun in a name, a third-person verb in prose.
    S,
    /// `-ing`.
    Ing,
    /// `-ed` or an irregular past participle: a state (`deleted`), not an action.
    Ed,
}

/// One lexicon word found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit {
    /// What the word says.
    pub class: Class,
    /// Action or thing.
    pub kind: Kind,
    /// The form it was found in.
    pub form: Form,
    /// The word as written (lowercased for English).
    pub word: String,
    /// Dictionary form or English gloss, when it differs from `word`.
    pub gloss: Option<String>,
    /// Whether `and`/`or`/`,`/`/` joined it to the previous action.
    pub coordinated: bool,
}

impl Hit {
    /// `'delete'`, `'deletes' (delete)` or `'删除' (delete)`.
    pub(crate) fn quoted(&self) -> String {
        match &self.gloss {
            Some(g) => format!("'{}' ({g})", self.word),
            None => format!("'{}'", self.word),
        }
    }

    fn dictionary_form(&self) -> &str {
        match &self.gloss {
            Some(g) if self.word.is_ascii() => g,
            _ => &self.word,
        }
    }
}

/// A piece of text after tokenizing.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// A lowercase ASCII (or other non-Han) word.
    Word(String),
    /// A run of Han characters.
    Han(String),
    /// A joining word or mark (`and`, `or`, `,`, `/`, `&`, `、`).
    Join,
}

/// Splits snake_case, kebab-case, camelCase, PascalCase, dotted and spaced
/// text into lowercase words, runs of Han characters and joining marks.
fn tokenize(text: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut word = String::new();
    let mut han = String::new();
    let flush_word = |word: &mut String, pieces: &mut Vec<Piece>| {
        if !word.is_empty() {
            let w = std::mem::take(word).to_lowercase();
            if lexicon::is_coordinator(&w) {
                pieces.push(Piece::Join);
            } else {
                pieces.push(Piece::Word(w));
            }
        }
    };
    let flush_han = |han: &mut String, pieces: &mut Vec<Piece>| {
        if !han.is_empty() {
            pieces.push(Piece::Han(std::mem::take(han)));
        }
    };
    for (i, &c) in chars.iter().enumerate() {
        if lexicon::is_han(c) {
            flush_word(&mut word, &mut pieces);
            han.push(c);
            continue;
        }
        flush_han(&mut han, &mut pieces);
        if c.is_alphanumeric() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                Some(p) if !word.is_empty() => {
                    (p.is_lowercase() && c.is_uppercase())
                        || (p.is_uppercase()
                            && c.is_uppercase()
                            && next.is_some_and(|n| n.is_lowercase()))
                        || (p.is_ascii_digit() != c.is_ascii_digit())
                }
                _ => false,
            };
            if boundary {
                flush_word(&mut word, &mut pieces);
            }
            word.push(c);
        } else {
            flush_word(&mut word, &mut pieces);
            if matches!(c, ',' | '/' | '&' | '、' | '，' | '+') {
                pieces.push(Piece::Join);
            }
        }
    }
    flush_word(&mut word, &mut pieces);
    flush_han(&mut han, &mut pieces);
    pieces
}

/// Irregular past participles of lexicon verbs.
fn irregular(word: &str) -> Option<&'static str> {
    Some(match word {
        "sent" => "send",
        "paid" => "pay",
        "written" | "wrote" => "write",
        "shown" => "show",
        "found" => "find",
        "sold" => "sell",
        "bought" => "buy",
        "made" => "make",
        "ran" => "run",
        "built" => "build",
        "got" | "gotten" => "get",
        "withdrawn" => "withdraw",
        "undone" => "undo",
        _ => return None,
    })
}

/// Looks a word up, undoing `-s`, `-es`, `-ies`, `-ing`, `-ed` and doubled
/// consonants for verbs. Nouns are listed with their plurals.
fn analyze_word(word: &str) -> Option<(Entry, Form, String)> {
    if let Some(entry) = lexicon::lookup(word) {
        return Some((entry, Form::Base, word.to_string()));
    }
    if let Some(base) = irregular(word) {
        return verb_entry(base).map(|e| (e, Form::Ed, base.to_string()));
    }
    let mut candidates: Vec<(String, Form)> = Vec::new();
    if let Some(stem) = word.strip_suffix("ies") {
        candidates.push((format!("{stem}y"), Form::S));
    }
    if let Some(stem) = word.strip_suffix("es") {
        candidates.push((stem.to_string(), Form::S));
    }
    if let Some(stem) = word.strip_suffix('s')
        && !word.ends_with("ss")
    {
        candidates.push((stem.to_string(), Form::S));
    }
    if let Some(stem) = word.strip_suffix("ing") {
        candidates.push((stem.to_string(), Form::Ing));
        candidates.push((format!("{stem}e"), Form::Ing));
        if let Some(s) = undouble(stem) {
            candidates.push((s.to_string(), Form::Ing));
        }
    }
    if let Some(stem) = word.strip_suffix("ied") {
        candidates.push((format!("{stem}y"), Form::Ed));
    }
    if let Some(stem) = word.strip_suffix("ed") {
        candidates.push((stem.to_string(), Form::Ed));
        candidates.push((format!("{stem}e"), Form::Ed));
        if let Some(s) = undouble(stem) {
            candidates.push((s.to_string(), Form::Ed));
        }
    }
    candidates
        .into_iter()
        .filter(|(c, _)| c.len() >= 2)
        .find_map(|(c, form)| verb_entry(&c).map(|e| (e, form, c)))
}

/// The lexicon entry of a dictionary form, if it is a verb.
fn verb_entry(base: &str) -> Option<Entry> {
    lexicon::lookup(base).filter(|e| e.kind == Kind::Verb)
}

/// `dropp` → `drop`, `runn` → `run`.
fn undouble(stem: &str) -> Option<&str> {
    let mut chars = stem.chars().rev();
    let (last, before) = (chars.next()?, chars.next()?);
    let doubled = last == before && last.is_ascii_alphabetic() && !"aeiou".contains(last);
    (doubled && stem.len() >= 3).then(|| &stem[..stem.len() - 1])
}

/// Tracks whether the next word is joined to a preceding action
/// (`get_or_create`, `Create and/or submit, delete`). A join after a thing
/// (`branches or commits`) joins nothing.
#[derive(Debug, Default)]
struct JoinState {
    after_verb: bool,
    joined: bool,
}

impl JoinState {
    /// A joining word or mark.
    fn join(&mut self) {
        self.joined = self.after_verb;
    }

    /// A lexicon word: returns whether it is joined to a preceding action.
    fn word(&mut self, kind: Kind) -> bool {
        let coordinated = self.joined;
        self.after_verb = kind == Kind::Verb;
        self.joined = false;
        coordinated
    }

    /// Any other word.
    fn other(&mut self) {
        self.after_verb = false;
        self.joined = false;
    }
}

/// Finds every lexicon word of `text`, in order.
pub(crate) fn scan(text: &str, source: Source) -> Vec<Hit> {
    let pieces = tokenize(text);
    let mut hits = Vec::new();
    let mut state = JoinState::default();
    let mut i = 0;
    while i < pieces.len() {
        match &pieces[i] {
            Piece::Join => {
                state.join();
                i += 1;
            }
            Piece::Han(run) => {
                scan_han(run, &mut hits, &mut state);
                i += 1;
            }
            Piece::Word(w) => {
                if let Some((len, entry, words)) = match_phrase(&pieces[i..]) {
                    let coordinated = state.word(entry.kind);
                    if entry.kind != Kind::Neutral {
                        hits.push(Hit {
                            class: entry.class,
                            kind: entry.kind,
                            form: Form::Base,
                            word: words,
                            gloss: None,
                            coordinated,
                        });
                    }
                    i += len;
                    continue;
                }
                if let Some((entry, form, base)) = analyze_word(w) {
                    let coordinated = state.word(entry.kind);
                    hits.push(Hit {
                        class: entry.class,
                        kind: entry.kind,
                        form,
                        word: w.clone(),
                        gloss: (form != Form::Base).then_some(base),
                        coordinated,
                    });
                } else if !(source.is_prose() && w.ends_with("ly")) {
                    // Adverbs ("deletes or permanently removes") are transparent.
                    state.other();
                }
                i += 1;
            }
        }
    }
    hits
}

/// Matches the longest phrase of the lexicon at the start of `pieces`.
fn match_phrase(pieces: &[Piece]) -> Option<(usize, Entry, String)> {
    let mut best: Option<(usize, Entry, String)> = None;
    for (phrase, entry) in lexicon::PHRASES {
        if phrase.len() > pieces.len() || best.as_ref().is_some_and(|b| b.0 >= phrase.len()) {
            continue;
        }
        let matches = phrase
            .iter()
            .zip(pieces)
            .all(|(p, piece)| matches!(piece, Piece::Word(w) if w == p));
        if matches {
            best = Some((phrase.len(), *entry, phrase.join(" ")));
        }
    }
    best
}

/// Finds Chinese lexicon words in a run of Han characters, longest first.
fn scan_han(run: &str, hits: &mut Vec<Hit>, state: &mut JoinState) {
    let mut rest = run;
    let mut prev: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        let found = lexicon::CJK
            .iter()
            .filter(|e| rest.starts_with(e.word))
            .max_by_key(|e| e.word.len());
        if let Some(e) = found {
            let form = if prev.is_some_and(lexicon::is_cjk_participle_marker) {
                Form::Ed
            } else {
                Form::Base
            };
            let coordinated = state.word(e.kind);
            hits.push(Hit {
                class: e.class,
                kind: e.kind,
                form,
                word: e.word.to_string(),
                gloss: Some(e.gloss.to_string()),
                coordinated,
            });
            rest = &rest[e.word.len()..];
            prev = e.word.chars().last();
            continue;
        }
        if lexicon::is_cjk_coordinator(c) {
            state.join();
        } else if !lexicon::is_cjk_participle_marker(c) {
            state.other();
        }
        prev = Some(c);
        rest = &rest[c.len_utf8()..];
    }
}

/// Whether a hit in this form can be an action in this kind of text.
fn is_action(hit: &Hit, source: Source) -> bool {
    hit.kind == Kind::Verb
        && match hit.form {
            Form::Base | Form::Ing => true,
            // In a name `comments` is a thing; in prose `deletes` is an action.
            Form::S => source.is_prose(),
            Form::Ed => false,
        }
}

/// The words of one text that decide a tool's mode, main verb first.
#[derive(Debug, Clone, Default)]
pub(crate) struct Counted {
    /// The first action word, if any.
    pub main: Option<Hit>,
    /// The main verb (if any) and every other word that counts, in order.
    pub hits: Vec<Hit>,
}

/// Picks the words that count in a name, description or title.
pub(crate) fn count(hits: &[Hit], source: Source) -> Counted {
    let main_index = hits.iter().position(|h| is_action(h, source));
    let main = main_index.map(|i| hits[i].clone());
    let mut counted = Counted {
        main: main.clone(),
        hits: main.iter().cloned().collect(),
    };
    for (i, h) in hits.iter().enumerate() {
        if Some(i) == main_index {
            continue;
        }
        let joined_action = is_action(h, source)
            && h.coordinated
            && main_index.is_some_and(|m| m < i)
            && (!source.is_prose() || main.as_ref().is_some_and(|m| m.form == h.form));
        // A first sentence that says "deletes" or "delete" describes what
        // the tool does, wherever the word stands.
        let prose_blocked_action = source.is_prose()
            && h.kind == Kind::Verb
            && h.class.is_blocked()
            && matches!(h.form, Form::Base | Form::S);
        if joined_action || prose_blocked_action || counts_as_object(h, main.as_ref()) {
            counted.hits.push(h.clone());
        }
    }
    counted
}

/// Picks the words of a toolset that count, given the tool name's main verb.
/// A toolset only ever adds blocked words (`secrets`, `payments`).
pub(crate) fn count_context(hits: &[Hit], main: Option<&Hit>) -> Vec<Hit> {
    hits.iter()
        .filter(|h| h.class.is_blocked() && counts_as_object(h, main))
        .cloned()
        .collect()
}

/// Whether a word that is not the main action still decides the mode.
fn counts_as_object(hit: &Hit, main: Option<&Hit>) -> bool {
    let main_class = main.map(|m| m.class);
    let reads = main_class.is_some_and(Class::is_read);
    match hit.class {
        // Reading a credential exposes it; counting tokens does not.
        Class::Credential => {
            let counting_tokens = main_class == Some(Class::Compute)
                && matches!(hit.word.as_str(), "token" | "tokens");
            hit.kind == Kind::Noun && !counting_tokens || (hit.kind == Kind::Verb && !reads)
        }
        Class::Delete => {
            let undoes = main.is_some_and(|m| lexicon::undoes_deletion(m.dictionary_form()));
            !reads && (hit.form != Form::Ed || !undoes)
        }
        Class::Permission | Class::Payment => !reads,
        _ => false,
    }
}

/// The first sentence of a description, capped at 300 characters.
pub(crate) fn first_sentence(text: &str) -> &str {
    let text = text.trim_start();
    let mut end = text.len();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let stop = match c {
            '\n' | '。' | '！' | '？' | '!' | '?' | ';' | '；' => true,
            '.' => chars.peek().is_none_or(|(_, n)| n.is_whitespace()),
            _ => false,
        };
        if stop || i >= 300 {
            end = i;
            break;
        }
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokenize(text)
            .into_iter()
            .map(|p| match p {
                Piece::Word(w) | Piece::Han(w) => w,
                Piece::Join => "+".to_string(),
            })
            .collect()
    }

    #[test]
    fn tokenize_splits_snake_camel_kebab_acronyms_and_han() {
        assert_eq!(words("batch_delete_emails"), ["batch", "delete", "emails"]);
        assert_eq!(words("deleteEmail"), ["delete", "email"]);
        assert_eq!(words("HTTPServerGet"), ["http", "server", "get"]);
        assert_eq!(words("send-email.v2"), ["send", "email", "v", "2"]);
        assert_eq!(words("发送email"), ["发送", "email"]);
        assert_eq!(words("get_or_create"), ["get", "+", "create"]);
    }

    #[test]
    fn analyze_word_undoes_inflections() {
        let f = |w: &str| analyze_word(w).map(|(e, form, _)| (e.class, form));
        assert_eq!(f("deletes"), Some((Class::Delete, Form::S)));
        assert_eq!(f("deleting"), Some((Class::Delete, Form::Ing)));
        assert_eq!(f("deleted"), Some((Class::Delete, Form::Ed)));
        assert_eq!(f("dropped"), Some((Class::Delete, Form::Ed)));
        assert_eq!(f("modifies"), Some((Class::Write, Form::S)));
        assert_eq!(f("fetches"), Some((Class::Read, Form::S)));
        assert_eq!(f("sent"), Some((Class::Send, Form::Ed)));
        assert_eq!(f("settings"), None);
        assert_eq!(f("status"), None);
        assert_eq!(f("string"), None);
        // Multi-byte characters whose UTF-8 bytes repeat are not doubled consonants.
        assert_eq!(f("\u{800}ing"), None);
        assert_eq!(f("x\u{800}ed"), None);
    }

    #[test]
    fn first_sentence_stops_at_period_newline_and_chinese_stop() {
        assert_eq!(first_sentence("Sends mail. Then more."), "Sends mail");
        assert_eq!(first_sentence("Read v1.2 files\nmore"), "Read v1.2 files");
        assert_eq!(first_sentence("删除文件。其他"), "删除文件");
    }

    #[test]
    fn read_main_verb_ignores_deleted_state_but_not_joined_delete() {
        let c = count(&scan("list_deleted_items", Source::Name), Source::Name);
        assert_eq!(c.hits.len(), 1);
        let c = count(&scan("search_and_delete", Source::Name), Source::Name);
        assert_eq!(c.hits.len(), 2);
        assert_eq!(c.hits[1].class, Class::Delete);
    }

    #[test]
    fn chinese_participle_after_read_verb_is_a_state() {
        let c = count(&scan("查看已删除邮件", Source::Name), Source::Name);
        assert_eq!(c.hits.len(), 1);
        assert_eq!(c.hits[0].class, Class::Read);
        let c = count(&scan("获取或删除邮件", Source::Name), Source::Name);
        assert_eq!(
            c.hits.iter().map(|h| h.class).collect::<Vec<_>>(),
            [Class::Read, Class::Delete]
        );
    }
}
