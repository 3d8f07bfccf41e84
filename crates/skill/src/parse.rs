//! SKILL.md parsing: YAML frontmatter (serde-saphyr, with a budget) and the markdown body
//! (pulldown-cmark) as a tree of sections holding list items and sentences with line numbers.
//!
//! Parsing never fails and never panics: problems are kept in [`FrontmatterState`] for lint.

use crate::text::{LineIndex, is_instruction, split_sentences};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};

/// Frontmatter larger than this is not parsed (lint error `frontmatter-invalid-yaml`).
pub const MAX_FRONTMATTER_BYTES: usize = 64 * 1024;

/// A parsed `SKILL.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkillDocument {
    /// The full source text.
    pub source: String,
    /// What was found at the top of the file.
    pub frontmatter: FrontmatterState,
    /// 1-based line of the first body line (after the frontmatter).
    pub body_start_line: usize,
    /// Byte offset of the body in `source`.
    pub body_offset: usize,
    /// Sections in document order. A body that starts with text before any heading gets a
    /// preamble section of level 0 with an empty title first.
    pub sections: Vec<Section>,
    /// Relative file references found in the body (links, images, code-span paths).
    pub references: Vec<FileReference>,
}

/// The frontmatter block of a `SKILL.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum FrontmatterState {
    /// The file does not start with a `---` line.
    Missing,
    /// A `---` line opens a block that is never closed.
    Unterminated,
    /// The block is not valid YAML, breaks the parse budget, or is not a mapping.
    Invalid {
        /// 1-based line in `SKILL.md` where the problem is (best effort).
        line: usize,
        /// What the YAML parser said.
        message: String,
    },
    /// A YAML mapping.
    Parsed(Frontmatter),
}

/// A parsed frontmatter mapping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frontmatter {
    /// The mapping as JSON (`{}` for an empty block).
    pub value: serde_json::Map<String, serde_json::Value>,
    /// Top-level keys with their 1-based lines in `SKILL.md`, in source order.
    pub keys: Vec<FrontmatterKey>,
    /// Line of the closing `---`.
    pub end_line: usize,
}

impl Frontmatter {
    /// The line of a top-level key, or the frontmatter's first line when not found.
    pub fn line_of(&self, key: &str) -> usize {
        self.keys
            .iter()
            .find(|k| k.name == key)
            .map(|k| k.line)
            .unwrap_or(1)
    }

    /// A top-level string value.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.value.get(key).and_then(|v| v.as_str())
    }
}

/// A top-level frontmatter key and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontmatterKey {
    /// The key.
    pub name: String,
    /// 1-based line in `SKILL.md`.
    pub line: usize,
}

/// A section of the body: a heading and the text up to the next heading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// Heading text without markup and without the keep marker.
    pub title: String,
    /// Heading level 1–6; 0 for the preamble before the first heading.
    pub level: u8,
    /// 1-based line of the heading (first body line for the preamble).
    pub line: usize,
    /// Whether the heading carries `<!-- keep -->`.
    pub keep: bool,
    /// Index of the enclosing section in [`SkillDocument::sections`].
    pub parent: Option<usize>,
    /// The section's own text (paragraphs, list items, code, tables), excluding subsections.
    pub content: String,
    /// List items, sentences and table rows of the section's own text.
    pub units: Vec<TextUnit>,
}

/// What kind of text a [`TextUnit`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// A list item (its own text, without nested lists).
    ListItem,
    /// A sentence of a paragraph.
    Sentence,
    /// A table row, cells joined by ` | `.
    TableRow,
}

/// A list item, sentence or table row with its line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextUnit {
    /// What it is.
    pub kind: UnitKind,
    /// 1-based line in `SKILL.md`.
    pub line: usize,
    /// The text, whitespace collapsed.
    pub text: String,
    /// Whether it reads as an instruction (list items always; imperative sentences).
    pub instruction: bool,
}

/// How a file was referenced from the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceKind {
    /// A markdown link or image with a relative target.
    Link,
    /// A code span that looks like a bundled path (`scripts/x.py`).
    CodeSpan,
}

/// A relative file reference in the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReference {
    /// How it was written.
    pub kind: ReferenceKind,
    /// The target path relative to the skill folder (fragment and query removed).
    pub target: String,
    /// 1-based line in `SKILL.md`.
    pub line: usize,
}

impl SkillDocument {
    /// Parses a `SKILL.md` text. Never fails; see [`FrontmatterState`].
    pub fn parse(source: &str) -> SkillDocument {
        let index = LineIndex::new(source);
        let (frontmatter, body_offset) = parse_frontmatter(source, &index);
        let body_start_line = index.line_of(body_offset);
        let body = source.get(body_offset..).unwrap_or("");
        let (sections, references) = parse_body(source, body, body_offset, &index);
        SkillDocument {
            source: source.to_string(),
            frontmatter,
            body_start_line,
            body_offset,
            sections,
            references,
        }
    }

    /// The body text after the frontmatter.
    pub fn body(&self) -> &str {
        self.source.get(self.body_offset..).unwrap_or("")
    }

    /// The parsed frontmatter, if any.
    pub fn frontmatter(&self) -> Option<&Frontmatter> {
        match &self.frontmatter {
            FrontmatterState::Parsed(f) => Some(f),
            _ => None,
        }
    }

    /// Indices of the sections nested under `idx` (not including it), in order.
    pub fn descendants(&self, idx: usize) -> std::ops::Range<usize> {
        let Some(sec) = self.sections.get(idx) else {
            return idx..idx;
        };
        let level = sec.level;
        let mut end = idx + 1;
        while let Some(s) = self.sections.get(end) {
            if s.level <= level {
                break;
            }
            end += 1;
        }
        idx + 1..end
    }

    /// Titles from the outermost enclosing section down to `idx`.
    pub fn path(&self, idx: usize) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = Some(idx);
        while let Some(i) = cur {
            let Some(s) = self.sections.get(i) else { break };
            out.push(s.title.clone());
            cur = s.parent;
        }
        out.reverse();
        out
    }

    /// The full text of a section including its subsections (their titles included).
    pub fn full_content(&self, idx: usize) -> String {
        let mut out = String::new();
        if let Some(s) = self.sections.get(idx) {
            out.push_str(&s.content);
        }
        for i in self.descendants(idx) {
            if let Some(s) = self.sections.get(i) {
                out.push('\n');
                out.push_str(&s.title);
                out.push('\n');
                out.push_str(&s.content);
            }
        }
        out
    }

    /// The units of a section including its subsections.
    pub fn full_units(&self, idx: usize) -> Vec<&TextUnit> {
        let mut out: Vec<&TextUnit> = Vec::new();
        if let Some(s) = self.sections.get(idx) {
            out.extend(s.units.iter());
        }
        for i in self.descendants(idx) {
            if let Some(s) = self.sections.get(i) {
                out.extend(s.units.iter());
            }
        }
        out
    }
}

fn yaml_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 32;
    budget.max_aliases = 64;
    budget.max_anchors = 64;
    budget.max_nodes = 10_000;
    budget.max_events = 50_000;
    budget.max_documents = 1;
    budget.max_merge_keys = 64;
    budget.max_total_scalar_bytes = MAX_FRONTMATTER_BYTES;
    budget.max_recorded_anchor_events = 10_000;
    budget.max_recorded_anchor_bytes = MAX_FRONTMATTER_BYTES;
    budget.flow_nesting_limit = 32;
    let mut opts = serde_saphyr::Options::default();
    opts.budget = Some(budget);
    opts.with_snippet = false;
    opts
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Finds and parses the frontmatter; returns it and the byte offset where the body starts.
fn parse_frontmatter(source: &str, index: &LineIndex) -> (FrontmatterState, usize) {
    let start = if source.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = source.get(start..).unwrap_or("");
    let first_end = rest.find('\n').map(|i| i + 1).unwrap_or(rest.len());
    let first = rest.get(..first_end).unwrap_or("");
    if !is_fence(first.trim_end_matches(['\n', '\r'])) {
        return (FrontmatterState::Missing, 0);
    }
    let yaml_start = start + first_end;
    let mut pos = yaml_start;
    let mut close: Option<(usize, usize)> = None; // (yaml_end, body_start)
    while pos < source.len() {
        let line_end = source[pos..]
            .find('\n')
            .map(|i| pos + i + 1)
            .unwrap_or(source.len());
        let line = source[pos..line_end].trim_end_matches(['\n', '\r']);
        if is_fence(line) || line.trim_end() == "..." {
            close = Some((pos, line_end));
            break;
        }
        pos = line_end;
    }
    let Some((yaml_end, body_start)) = close else {
        return (FrontmatterState::Unterminated, source.len());
    };
    let yaml = &source[yaml_start..yaml_end];
    let first_yaml_line = index.line_of(yaml_start);
    let end_line = index.line_of(yaml_end);
    if yaml.len() > MAX_FRONTMATTER_BYTES {
        return (
            FrontmatterState::Invalid {
                line: first_yaml_line,
                message: format!(
                    "frontmatter is {} bytes, over the limit of {MAX_FRONTMATTER_BYTES}",
                    yaml.len()
                ),
            },
            body_start,
        );
    }
    let state = if yaml.trim().is_empty() {
        FrontmatterState::Parsed(Frontmatter {
            value: serde_json::Map::new(),
            keys: Vec::new(),
            end_line,
        })
    } else {
        match serde_saphyr::from_str_with_options::<serde_json::Value>(yaml, yaml_options()) {
            Ok(serde_json::Value::Object(value)) => FrontmatterState::Parsed(Frontmatter {
                keys: top_level_keys(yaml, first_yaml_line),
                value,
                end_line,
            }),
            Ok(serde_json::Value::Null) => FrontmatterState::Parsed(Frontmatter {
                value: serde_json::Map::new(),
                keys: Vec::new(),
                end_line,
            }),
            Ok(other) => FrontmatterState::Invalid {
                line: first_yaml_line,
                message: format!(
                    "frontmatter is a YAML {}, not a mapping of keys to values",
                    json_kind(&other)
                ),
            },
            Err(e) => {
                let line = e
                    .location()
                    .map(|l| l.line() as usize)
                    .filter(|&l| l > 0)
                    .map(|l| first_yaml_line + l - 1)
                    .unwrap_or(first_yaml_line);
                let message = e.to_string().lines().next().unwrap_or("").to_string();
                FrontmatterState::Invalid { line, message }
            }
        }
    };
    (state, body_start)
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "sequence",
        serde_json::Value::Object(_) => "mapping",
    }
}

/// Top-level keys by a line scan: unindented `key:` lines outside block scalars.
fn top_level_keys(yaml: &str, first_line: usize) -> Vec<FrontmatterKey> {
    let mut keys = Vec::new();
    for (i, line) in yaml.lines().enumerate() {
        if line.starts_with([' ', '\t', '#', '-']) || line.trim().is_empty() {
            continue;
        }
        let Some(colon) = line.find(':') else {
            continue;
        };
        let key = line[..colon].trim().trim_matches(['"', '\'']);
        if !key.is_empty() {
            keys.push(FrontmatterKey {
                name: key.to_string(),
                line: first_line + i,
            });
        }
    }
    keys
}

fn keep_marker(line: &str) -> Option<std::ops::Range<usize>> {
    let lower = line.to_ascii_lowercase();
    let mut from = 0;
    while let Some(p) = lower.get(from..).and_then(|s| s.find("<!--")) {
        let start = from + p;
        let inner_start = start + 4;
        let q = lower.get(inner_start..).and_then(|s| s.find("-->"))?;
        let inner = lower.get(inner_start..inner_start + q).unwrap_or("");
        if inner.trim() == "keep" {
            return Some(start..inner_start + q + 3);
        }
        from = inner_start + q + 3;
    }
    None
}

/// Whether a line is, or holds, a `<!-- keep -->` marker.
pub fn has_keep_marker(line: &str) -> bool {
    keep_marker(line).is_some()
}

/// A buffer that maps its text positions back to source offsets.
#[derive(Default)]
struct Buf {
    text: String,
    marks: Vec<(usize, usize)>,
    start: usize,
}

impl Buf {
    fn new(start: usize) -> Buf {
        Buf {
            text: String::new(),
            marks: Vec::new(),
            start,
        }
    }

    fn push(&mut self, s: &str, src: usize) {
        self.marks.push((self.text.len(), src));
        self.text.push_str(s);
    }

    fn source_offset(&self, pos: usize) -> usize {
        let i = self.marks.partition_point(|&(p, _)| p <= pos);
        match i.checked_sub(1).and_then(|j| self.marks.get(j)) {
            Some(&(p, src)) => src + (pos - p),
            None => self.start,
        }
    }
}

const CONVENTIONAL_DIRS: [&str; 7] = [
    "scripts",
    "references",
    "reference",
    "assets",
    "examples",
    "templates",
    "resources",
];

fn relative_link_target(dest: &str) -> Option<String> {
    let dest = dest.trim();
    if dest.is_empty() || dest.starts_with('#') || dest.starts_with('/') || dest.starts_with('<') {
        return None;
    }
    if let Some(colon) = dest.find(':') {
        let scheme = &dest[..colon];
        if scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.')
        {
            return None;
        }
    }
    let end = dest.find(['#', '?']).unwrap_or(dest.len());
    let path = dest[..end].replace("%20", " ");
    let path = path.strip_prefix("./").unwrap_or(&path).to_string();
    if path.is_empty() || path.contains('{') {
        return None;
    }
    Some(path)
}

fn code_span_path(code: &str) -> Option<String> {
    let code = code.trim();
    let code = code.strip_prefix("./").unwrap_or(code);
    let (first, rest) = code.split_once('/')?;
    if !CONVENTIONAL_DIRS.contains(&first) || rest.is_empty() {
        return None;
    }
    let ok = code
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '/' | '.' | '_' | '-'));
    if !ok || code.contains("..") || code.contains("//") {
        return None;
    }
    Some(code.trim_end_matches('/').to_string())
}

fn collapse_ws(s: &str) -> String {
    if is_collapsed(s) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Whether `collapse_ws` would return `s` unchanged: no whitespace at either end and none
/// between words but single ASCII spaces (the common case, checked without decoding ASCII).
fn is_collapsed(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.is_ascii() {
        // ASCII whitespace is U+0009–U+000D and the space. Branch-free folds (vectorized).
        let control = bytes
            .iter()
            .fold(false, |acc, b| acc | (0x09..=0x0d).contains(b));
        let double = bytes
            .iter()
            .zip(bytes.iter().skip(1))
            .fold(false, |acc, (a, b)| acc | (*a == b' ' && *b == b' '));
        return !control && !double && bytes.first() != Some(&b' ') && bytes.last() != Some(&b' ');
    }
    let mut prev_space = true; // a space at the start is not collapsed
    for (i, &b) in bytes.iter().enumerate() {
        if b == b' ' {
            if prev_space {
                return false;
            }
            prev_space = true;
        } else if b < 0x80 {
            if char::from(b).is_whitespace() {
                return false;
            }
            prev_space = false;
        } else {
            // A lead byte starts a character that may be whitespace (U+0085, U+00A0,
            // U+2000…); continuation bytes belong to a character already checked.
            if b >= 0xC0
                && s.get(i..)
                    .and_then(|r| r.chars().next())
                    .is_some_and(char::is_whitespace)
            {
                return false;
            }
            prev_space = false;
        }
    }
    bytes.is_empty() || !prev_space
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

struct BodyBuilder<'a> {
    source: &'a str,
    index: &'a LineIndex,
    /// Line of the last unit: units come mostly in source order.
    line_hint: usize,
    sections: Vec<Section>,
    stack: Vec<usize>,
    references: Vec<FileReference>,
}

impl BodyBuilder<'_> {
    fn current(&mut self, at: usize) -> &mut Section {
        if self.sections.is_empty() {
            self.sections.push(Section {
                title: String::new(),
                level: 0,
                line: self.index.line_of(at),
                keep: false,
                parent: None,
                content: String::new(),
                units: Vec::new(),
            });
        }
        let last = self.sections.len() - 1;
        &mut self.sections[last]
    }

    fn add_content(&mut self, at: usize, text: &str) {
        let sec = self.current(at);
        if !sec.content.is_empty() {
            sec.content.push('\n');
        }
        sec.content.push_str(text);
    }

    fn add_unit(&mut self, kind: UnitKind, src_offset: usize, text: &str) {
        let text = collapse_ws(text);
        if text.is_empty() {
            return;
        }
        let line = self.index.line_of_from(src_offset, self.line_hint);
        self.line_hint = line;
        let instruction = match kind {
            UnitKind::ListItem => true,
            UnitKind::Sentence => is_instruction(&text),
            UnitKind::TableRow => false,
        };
        self.current(src_offset).units.push(TextUnit {
            kind,
            line,
            text,
            instruction,
        });
    }

    fn add_paragraph(&mut self, buf: &Buf) {
        self.add_content(buf.start, &buf.text);
        for (pos, sentence) in split_sentences(&buf.text) {
            let off = buf.source_offset(pos);
            self.add_unit(UnitKind::Sentence, off, sentence);
        }
    }

    fn add_heading(&mut self, level: u8, start: usize, end: usize, title: &str) {
        let line = self.index.line_of(start);
        let end_line = self.index.line_of(end.saturating_sub(1).max(start));
        let mut keep = false;
        for l in line..=end_line {
            if self
                .index
                .line_text(self.source, l)
                .is_some_and(has_keep_marker)
            {
                keep = true;
            }
        }
        if let Some(next) = self.index.line_text(self.source, end_line + 1)
            && keep_marker(next.trim()).is_some_and(|r| r.start == 0)
        {
            keep = true;
        }
        while let Some(&top) = self.stack.last() {
            if self.sections.get(top).is_some_and(|s| s.level >= level) {
                self.stack.pop();
            } else {
                break;
            }
        }
        let parent = self.stack.last().copied();
        self.sections.push(Section {
            title: collapse_ws(title),
            level,
            line,
            keep,
            parent,
            content: String::new(),
            units: Vec::new(),
        });
        self.stack.push(self.sections.len() - 1);
    }
}

fn parse_body(
    source: &str,
    body: &str,
    body_offset: usize,
    index: &LineIndex,
) -> (Vec<Section>, Vec<FileReference>) {
    let mut b = BodyBuilder {
        source,
        index,
        line_hint: 1,
        sections: Vec::new(),
        stack: Vec::new(),
        references: Vec::new(),
    };
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let parser = Parser::new_ext(body, opts).into_offset_iter();
    let mut heading: Option<(u8, usize, usize, String)> = None;
    let mut items: Vec<Buf> = Vec::new();
    let mut para: Option<Buf> = None;
    let mut code: Option<Buf> = None;
    let mut row: Option<(Buf, Vec<String>)> = None;
    let mut cell: Option<String> = None;

    for (event, range) in parser {
        let at = body_offset + range.start;
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((
                    heading_level(level),
                    at,
                    body_offset + range.end,
                    String::new(),
                ));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, start, end, title)) = heading.take() {
                    b.add_heading(level, start, end, &title);
                }
            }
            Event::Start(Tag::Item) => items.push(Buf::new(at)),
            Event::End(TagEnd::Item) => {
                if let Some(buf) = items.pop() {
                    b.add_content(buf.start, &buf.text);
                    b.add_unit(UnitKind::ListItem, buf.start, &buf.text);
                }
            }
            Event::Start(Tag::Paragraph) if items.is_empty() && heading.is_none() => {
                para = Some(Buf::new(at));
            }
            Event::End(TagEnd::Paragraph) => {
                if items.is_empty()
                    && let Some(buf) = para.take()
                {
                    b.add_paragraph(&buf);
                } else if let Some(buf) = items.last_mut() {
                    buf.push(" ", at);
                }
            }
            Event::Start(Tag::CodeBlock(_)) => code = Some(Buf::new(at)),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(buf) = code.take() {
                    b.add_content(buf.start, &buf.text);
                }
            }
            Event::Start(Tag::TableRow) | Event::Start(Tag::TableHead) => {
                row = Some((Buf::new(at), Vec::new()));
            }
            Event::End(TagEnd::TableRow) | Event::End(TagEnd::TableHead) => {
                if let Some((buf, cells)) = row.take() {
                    let text = cells.join(" | ");
                    b.add_content(buf.start, &text);
                    b.add_unit(UnitKind::TableRow, buf.start, &text);
                }
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                if let (Some(c), Some((_, cells))) = (cell.take(), row.as_mut()) {
                    cells.push(collapse_ws(&c));
                }
            }
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => {
                if let Some(target) = relative_link_target(&dest_url) {
                    b.references.push(FileReference {
                        kind: ReferenceKind::Link,
                        target,
                        line: index.line_of(at),
                    });
                }
            }
            Event::Text(ref t)
            | Event::Code(ref t)
            | Event::InlineMath(ref t)
            | Event::DisplayMath(ref t) => {
                if let Event::Code(c) = &event
                    && let Some(target) = code_span_path(c)
                {
                    b.references.push(FileReference {
                        kind: ReferenceKind::CodeSpan,
                        target,
                        line: index.line_of(at),
                    });
                }
                if let Some(h) = heading.as_mut() {
                    h.3.push_str(t);
                } else if let Some(c) = cell.as_mut() {
                    c.push_str(t);
                } else if let Some(buf) = code.as_mut() {
                    buf.push(t, at);
                } else if let Some(buf) = items.last_mut() {
                    buf.push(t, at);
                } else if let Some(buf) = para.as_mut() {
                    buf.push(t, at);
                } else {
                    b.add_content(at, t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(h) = heading.as_mut() {
                    h.3.push(' ');
                } else if let Some(c) = cell.as_mut() {
                    c.push(' ');
                } else if let Some(buf) = items.last_mut() {
                    buf.push(" ", at);
                } else if let Some(buf) = para.as_mut() {
                    buf.push(" ", at);
                }
            }
            Event::Start(Tag::List(_)) => {
                // A nested list ends the parent item's own sentence.
                if let Some(buf) = items.last_mut() {
                    buf.push(" ", at);
                }
            }
            _ => {}
        }
    }
    (b.sections, b.references)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "---\nname: demo\ndescription: Use when testing.\n---\n# Demo\n\nIntro text. Run the tests first.\n\n## Rules <!-- keep -->\n\n- Never skip tests\n- Always read `scripts/check.py`\n  - nested item\n\n## Setup\n<!-- keep -->\nSee [ref](references/setup.md#top) and [web](https://x.io).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";

    #[test]
    fn frontmatter_keys_have_skill_md_lines() {
        let d = SkillDocument::parse(DOC);
        let fm = d.frontmatter().unwrap();
        assert_eq!(fm.str("name"), Some("demo"));
        assert_eq!(fm.line_of("description"), 3);
        assert_eq!(d.body_start_line, 5);
    }

    #[test]
    fn sections_form_a_tree_with_keep_markers() {
        let d = SkillDocument::parse(DOC);
        let titles: Vec<_> = d.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, vec!["Demo", "Rules", "Setup"]);
        assert_eq!(d.sections[1].parent, Some(0));
        assert!(d.sections[1].keep, "marker on the heading line");
        assert!(d.sections[2].keep, "marker on the line after");
        assert!(!d.sections[0].keep);
        assert_eq!(d.sections[1].line, 9);
        assert_eq!(d.path(2), vec!["Demo".to_string(), "Setup".to_string()]);
    }

    #[test]
    fn list_items_and_sentences_keep_their_lines() {
        let d = SkillDocument::parse(DOC);
        let intro = &d.sections[0].units;
        assert_eq!(intro.len(), 2);
        assert_eq!(intro[1].text, "Run the tests first.");
        assert_eq!(intro[1].line, 7);
        assert!(intro[1].instruction);
        let rules = &d.sections[1].units;
        let texts: Vec<_> = rules.iter().map(|u| (u.line, u.text.as_str())).collect();
        assert!(texts.contains(&(11, "Never skip tests")), "{texts:?}");
        assert!(texts.contains(&(13, "nested item")), "{texts:?}");
        assert!(
            texts.contains(&(12, "Always read scripts/check.py")),
            "{texts:?}"
        );
    }

    #[test]
    fn references_are_relative_links_and_code_span_paths() {
        let d = SkillDocument::parse(DOC);
        let refs: Vec<_> = d
            .references
            .iter()
            .map(|r| (r.kind, r.target.as_str(), r.line))
            .collect();
        assert_eq!(
            refs,
            vec![
                (ReferenceKind::CodeSpan, "scripts/check.py", 12),
                (ReferenceKind::Link, "references/setup.md", 17)
            ]
        );
    }

    #[test]
    fn table_rows_become_units() {
        let d = SkillDocument::parse(DOC);
        let rows: Vec<_> = d.sections[2]
            .units
            .iter()
            .filter(|u| u.kind == UnitKind::TableRow)
            .map(|u| u.text.as_str())
            .collect();
        assert_eq!(rows, vec!["a | b", "1 | 2"]);
    }

    #[test]
    fn missing_and_unterminated_frontmatter_are_told_apart() {
        assert_eq!(
            SkillDocument::parse("# Hi\n").frontmatter,
            FrontmatterState::Missing
        );
        assert_eq!(
            SkillDocument::parse("---\nname: x\n").frontmatter,
            FrontmatterState::Unterminated
        );
    }

    #[test]
    fn invalid_yaml_reports_a_skill_md_line() {
        let d = SkillDocument::parse("---\nname: x\ndescription: [a, b\n---\nbody\n");
        match d.frontmatter {
            FrontmatterState::Invalid { line, .. } => assert!((2..=4).contains(&line), "{line}"),
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn alias_bomb_is_refused_by_the_budget() {
        let mut yaml = String::from("---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = i - 1;
            yaml.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        yaml.push_str("---\nbody\n");
        let d = SkillDocument::parse(&yaml);
        assert!(
            matches!(d.frontmatter, FrontmatterState::Invalid { .. }),
            "{:?}",
            d.frontmatter
        );
    }

    #[test]
    fn deep_nesting_is_refused_by_the_budget() {
        let yaml = format!(
            "---\nk: {}{}\n---\nbody\n",
            "[".repeat(200),
            "]".repeat(200)
        );
        let d = SkillDocument::parse(&yaml);
        assert!(matches!(d.frontmatter, FrontmatterState::Invalid { .. }));
    }

    #[test]
    fn chinese_sentences_are_split() {
        let d = SkillDocument::parse("# 规则\n\n先阅读计划。不要跳过测试！\n");
        let texts: Vec<_> = d.sections[0]
            .units
            .iter()
            .map(|u| u.text.as_str())
            .collect();
        assert_eq!(texts, vec!["先阅读计划。", "不要跳过测试！"]);
    }

    /// `collapse_ws` before its fast path.
    fn collapse_ws_reference(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    proptest::proptest! {
        #[test]
        fn collapse_ws_agrees_with_the_reference(
            s in "[a ]{0,4}([ \t\n\u{a0}\u{85}\u{2003}\u{3000}é中x.]{0,6}[a ]{0,3}){0,6}"
        ) {
            proptest::prop_assert_eq!(collapse_ws(&s), collapse_ws_reference(&s));
        }
    }
}
