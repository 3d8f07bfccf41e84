//! The PreservationReport (SPEC §5.4): which important sections of the published version a
//! draft keeps, changes or drops, and which of their instructions disappeared.

use crate::parse::SkillDocument;
use crate::text::{normalize, similarity, similarity_upper_bound, tokens};
use serde::{Deserialize, Serialize};
use skillgate_core::ReportStatus;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

/// Thresholds of the preservation check. Defaults are documented in `docs/skill-checks.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PreservationConfig {
    /// A matched section with similarity at or above this is `kept`, below it `changed`.
    pub kept_similarity: f64,
    /// A draft section with another title matches (renamed or moved) when its content
    /// similarity is at or above this.
    pub rename_similarity: f64,
    /// An instruction counts as kept when some draft list item or sentence is at least this
    /// similar to it.
    pub instruction_similarity: f64,
    /// The report fails when an important section loses more than this share of its
    /// instructions …
    pub max_lost_share: f64,
    /// … and at least this many of them.
    pub min_lost_instructions: usize,
    /// Sections longer than this many tokens are compared by token multisets instead of a diff.
    pub max_diff_tokens: usize,
    /// Most fuzzy instruction comparisons per report; past it, unmatched instructions count
    /// as dropped (bounds the cost on a complete rewrite).
    pub max_fuzzy_comparisons: usize,
}

impl Default for PreservationConfig {
    fn default() -> Self {
        PreservationConfig {
            kept_similarity: 0.9,
            rename_similarity: 0.6,
            instruction_similarity: 0.75,
            max_lost_share: 0.5,
            min_lost_instructions: 2,
            max_diff_tokens: 5_000,
            max_fuzzy_comparisons: 2_000_000,
        }
    }
}

/// What happened to an important section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionOutcome {
    /// Present and (nearly) unchanged.
    Kept,
    /// Present, with changes.
    Changed,
    /// No section of the draft matches it by title or content.
    Dropped,
}

impl SectionOutcome {
    /// `kept`, `changed` or `dropped`.
    pub fn as_str(self) -> &'static str {
        match self {
            SectionOutcome::Kept => "kept",
            SectionOutcome::Changed => "changed",
            SectionOutcome::Dropped => "dropped",
        }
    }
}

/// One important section of the published version and its fate in the draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionPreservation {
    /// Heading of the published section.
    pub title: String,
    /// Heading path in the published version (`Parent > Title`).
    pub path: String,
    /// Line of the heading in the published SKILL.md.
    pub line: usize,
    /// Kept, changed or dropped.
    pub outcome: SectionOutcome,
    /// Content similarity with the matched draft section in [0, 1] (0 when dropped).
    pub similarity: f64,
    /// Title of the matched draft section.
    pub matched_title: Option<String>,
    /// Heading path of the matched draft section.
    pub matched_path: Option<String>,
    /// Line of the matched draft heading.
    pub matched_line: Option<usize>,
    /// The matched section sits under another parent or out of order.
    pub moved: bool,
    /// Instructions in the published section (with subsections).
    pub instructions: usize,
    /// How many of them the draft no longer has.
    pub lost_instructions: usize,
}

/// An instruction of an important section that the draft no longer has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instruction {
    /// Path of the important section it belonged to.
    pub section: String,
    /// Line in the published SKILL.md.
    pub line: usize,
    /// The instruction text.
    pub text: String,
}

/// How the important sections were chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportantBy {
    /// Headings marked `<!-- keep -->`.
    KeepMarkers,
    /// No markers: every top-level section (the highest heading level used).
    TopLevel,
    /// No headings at all: the whole body.
    WholeBody,
}

/// The PreservationReport of a draft against the published version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreservationReport {
    /// `failed` when an important section is dropped or mostly lost its instructions.
    pub status: ReportStatus,
    /// How the important sections were chosen.
    pub important_by: ImportantBy,
    /// Each important section of the published version.
    pub sections: Vec<SectionPreservation>,
    /// Instructions of important sections that the draft no longer has.
    pub dropped_instructions: Vec<Instruction>,
    /// Why the report failed, one sentence each (empty when passed).
    pub reasons: Vec<String>,
    /// The thresholds used.
    pub thresholds: PreservationConfig,
}

impl PreservationReport {
    /// A status line, one line per section and the dropped instructions.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let by = match self.important_by {
            ImportantBy::KeepMarkers => "sections marked <!-- keep -->",
            ImportantBy::TopLevel => "top-level sections",
            ImportantBy::WholeBody => "the whole body",
        };
        let _ = writeln!(
            out,
            "preservation: {} ({} important {by})",
            self.status.as_str(),
            self.sections.len()
        );
        for r in &self.reasons {
            let _ = writeln!(out, "  ! {r}");
        }
        for s in &self.sections {
            let mut extra = String::new();
            if let Some(t) = &s.matched_title
                && t != &s.title
            {
                let _ = write!(extra, " → \"{t}\"");
            }
            if s.moved {
                extra.push_str(" (moved)");
            }
            let _ = writeln!(
                out,
                "  {:<8} {:>4.0}%  {}{}  [{} of {} instructions lost]",
                s.outcome.as_str(),
                s.similarity * 100.0,
                s.path,
                extra,
                s.lost_instructions,
                s.instructions
            );
        }
        if !self.dropped_instructions.is_empty() {
            let _ = writeln!(out, "  dropped instructions:");
            for i in &self.dropped_instructions {
                let _ = writeln!(out, "    line {} ({}): {}", i.line, i.section, i.text);
            }
        }
        out
    }
}

/// A hasher for keys that are already hashes (token hashes).
#[derive(Default, Clone, Copy)]
struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type IdHash = std::hash::BuildHasherDefault<IdHasher>;

struct Side<'a> {
    doc: &'a SkillDocument,
    own_tokens: Vec<Vec<u64>>,
    title_tokens: Vec<Vec<u64>>,
    norm_titles: Vec<String>,
}

impl<'a> Side<'a> {
    fn new(doc: &'a SkillDocument) -> Side<'a> {
        Side {
            doc,
            own_tokens: doc.sections.iter().map(|s| tokens(&s.content)).collect(),
            title_tokens: doc.sections.iter().map(|s| tokens(&s.title)).collect(),
            norm_titles: doc.sections.iter().map(|s| normalize(&s.title)).collect(),
        }
    }

    /// Tokens of a section with its subsections (their titles included).
    fn full_tokens(&self, idx: usize) -> Vec<u64> {
        let mut out = self.own_tokens.get(idx).cloned().unwrap_or_default();
        for i in self.doc.descendants(idx) {
            if let (Some(t), Some(o)) = (self.title_tokens.get(i), self.own_tokens.get(i)) {
                out.extend_from_slice(t);
                out.extend_from_slice(o);
            }
        }
        out
    }

    fn path(&self, idx: usize) -> String {
        self.doc
            .path(idx)
            .into_iter()
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" > ")
    }
}

/// Chooses the important sections of a published document (SPEC §2.1).
pub fn important_sections(doc: &SkillDocument) -> (ImportantBy, Vec<usize>) {
    let marked: Vec<usize> = (0..doc.sections.len())
        .filter(|&i| doc.sections[i].keep)
        .collect();
    if !marked.is_empty() {
        return (ImportantBy::KeepMarkers, marked);
    }
    let levels: Vec<u8> = doc
        .sections
        .iter()
        .map(|s| s.level)
        .filter(|&l| l > 0)
        .collect();
    let Some(&top) = levels.iter().min() else {
        let all: Vec<usize> = (0..doc.sections.len()).collect();
        return (ImportantBy::WholeBody, all);
    };
    // A single heading at the top level followed by deeper ones is the document's title:
    // its subsections are the top-level sections.
    let mut level = top;
    if levels.iter().filter(|&&l| l == top).count() == 1
        && let Some(&next) = levels.iter().filter(|&&l| l > top).min()
    {
        level = next;
    }
    let idx = (0..doc.sections.len())
        .filter(|&i| doc.sections[i].level == level)
        .collect();
    (ImportantBy::TopLevel, idx)
}

/// Compares a draft against the published version it revises.
pub fn compare(
    published: &SkillDocument,
    draft: &SkillDocument,
    cfg: &PreservationConfig,
) -> PreservationReport {
    let pub_side = Side::new(published);
    let draft_side = Side::new(draft);
    let (important_by, important) = important_sections(published);

    let draft_full: Vec<Vec<u64>> = (0..draft.sections.len())
        .map(|i| draft_side.full_tokens(i))
        .collect();

    // Instruction lookup structures of the draft: every unit, the units of each section
    // (a contiguous range), exact normalized texts, and an inverted index token → units.
    let mut draft_units: Vec<&crate::parse::TextUnit> = Vec::new();
    let mut section_units: Vec<std::ops::Range<usize>> = Vec::with_capacity(draft.sections.len());
    for s in &draft.sections {
        let start = draft_units.len();
        draft_units.extend(s.units.iter());
        section_units.push(start..draft_units.len());
    }
    let draft_unit_tokens: Vec<Vec<u64>> = draft_units.iter().map(|u| tokens(&u.text)).collect();
    let draft_exact: HashSet<&[u64]> = draft_unit_tokens.iter().map(|v| v.as_slice()).collect();
    let mut postings: HashMap<u64, Vec<(u32, u16)>, IdHash> = HashMap::default();
    for (k, toks) in draft_unit_tokens.iter().enumerate() {
        let mut sorted = toks.clone();
        sorted.sort_unstable();
        for run in sorted.chunk_by(|a, b| a == b) {
            postings
                .entry(run[0])
                .or_default()
                .push((k as u32, run.len().min(u16::MAX as usize) as u16));
        }
    }
    let mut overlap: Vec<u32> = vec![0; draft_units.len()];
    let mut fuzzy_budget = cfg.max_fuzzy_comparisons;
    // Draft sections that keep the title of some published section belong to that section:
    // content matching (renames) only considers the others.
    let published_titles: HashSet<&str> = pub_side.norm_titles.iter().map(|t| t.as_str()).collect();

    let mut draft_by_title: HashMap<&str, Vec<usize>> = HashMap::new();
    for (di, t) in draft_side.norm_titles.iter().enumerate() {
        draft_by_title.entry(t.as_str()).or_default().push(di);
    }

    let mut sections = Vec::new();
    let mut dropped_instructions = Vec::new();
    let mut reasons = Vec::new();
    let mut last_matched: Option<usize> = None;

    for &pi in &important {
        let Some(psec) = published.sections.get(pi) else {
            continue;
        };
        let p_tokens = pub_side.full_tokens(pi);
        let p_title = pub_side.norm_titles.get(pi).cloned().unwrap_or_default();

        // Best match: same title first, content search when the title is gone or gutted.
        let mut best: Option<(usize, f64, f64)> = None; // (draft idx, sim, score)
        for &di in draft_by_title
            .get(p_title.as_str())
            .map(|v| v.as_slice())
            .unwrap_or(&[])
        {
            if draft
                .sections
                .get(di)
                .is_some_and(|d| d.level > 0 || psec.level == 0)
            {
                let sim = similarity(&p_tokens, &draft_full[di], cfg.max_diff_tokens);
                let score = sim + 0.25;
                if best.is_none_or(|b| score > b.2) {
                    best = Some((di, sim, score));
                }
            }
        }
        if best.is_none_or(|b| b.1 < cfg.rename_similarity) {
            for (di, dt) in draft_full.iter().enumerate() {
                if draft_side
                    .norm_titles
                    .get(di)
                    .is_some_and(|t| *t != p_title && published_titles.contains(t.as_str()))
                {
                    continue;
                }
                if similarity_upper_bound(p_tokens.len(), dt.len()) < cfg.rename_similarity {
                    continue;
                }
                let sim = similarity(&p_tokens, dt, cfg.max_diff_tokens);
                if sim >= cfg.rename_similarity && best.is_none_or(|b| sim > b.2) {
                    best = Some((di, sim, sim));
                }
            }
        }

        let (outcome, similarity_v, matched) = match best {
            Some((di, sim, _)) => (
                if sim >= cfg.kept_similarity {
                    SectionOutcome::Kept
                } else {
                    SectionOutcome::Changed
                },
                sim,
                Some(di),
            ),
            None => (SectionOutcome::Dropped, 0.0, None),
        };

        let moved = matched.is_some_and(|di| {
            let out_of_order = last_matched.is_some_and(|l| di < l);
            let pp = psec.parent;
            let dp = draft.sections.get(di).and_then(|d| d.parent);
            let parent_changed = match (pp, dp) {
                (None, None) => false,
                (Some(a), Some(b)) => {
                    pub_side.norm_titles.get(a) != draft_side.norm_titles.get(b)
                        && similarity(
                            pub_side
                                .own_tokens
                                .get(a)
                                .map(|v| v.as_slice())
                                .unwrap_or(&[]),
                            draft_side
                                .own_tokens
                                .get(b)
                                .map(|v| v.as_slice())
                                .unwrap_or(&[]),
                            cfg.max_diff_tokens,
                        ) < cfg.rename_similarity
                }
                _ => true,
            };
            out_of_order || parent_changed
        });
        if let Some(di) = matched {
            last_matched = Some(di);
        }

        // Instructions of the section that the draft no longer has.
        let path = pub_side.path(pi);
        let path = if path.is_empty() {
            "(body)".to_string()
        } else {
            path
        };
        let matched_units: Vec<usize> = matched
            .map(|di| {
                std::iter::once(di)
                    .chain(draft.descendants(di))
                    .filter_map(|d| section_units.get(d).cloned())
                    .flatten()
                    .collect()
            })
            .unwrap_or_default();
        let instr: Vec<_> = published
            .full_units(pi)
            .into_iter()
            .filter(|u| u.instruction)
            .collect();
        let mut lost = 0;
        for u in &instr {
            let ut = tokens(&u.text);
            if draft_exact.contains(ut.as_slice()) {
                continue;
            }
            let threshold = cfg.instruction_similarity;
            let try_unit = |k: usize, budget: &mut usize| -> bool {
                let Some(dt) = draft_unit_tokens.get(k) else {
                    return false;
                };
                if similarity_upper_bound(ut.len(), dt.len()) < threshold || *budget == 0 {
                    return false;
                }
                *budget -= 1;
                similarity(&ut, dt, cfg.max_diff_tokens) >= threshold
            };
            // The matched section first, then every draft unit sharing enough tokens.
            let mut found = matched_units
                .iter()
                .any(|&k| try_unit(k, &mut fuzzy_budget));
            if !found {
                let mut sorted = ut.clone();
                sorted.sort_unstable();
                let mut touched: Vec<u32> = Vec::new();
                for run in sorted.chunk_by(|a, b| a == b) {
                    let ca = run.len().min(u16::MAX as usize) as u16;
                    for &(k, cb) in postings.get(&run[0]).map(|v| v.as_slice()).unwrap_or(&[]) {
                        let slot = &mut overlap[k as usize];
                        if *slot == 0 {
                            touched.push(k);
                        }
                        *slot += u32::from(ca.min(cb));
                    }
                }
                for &k in &touched {
                    let k = k as usize;
                    let shared = overlap[k] as f64;
                    let len =
                        (ut.len() + draft_unit_tokens.get(k).map(|v| v.len()).unwrap_or(0)) as f64;
                    if !found && 2.0 * shared / len >= threshold {
                        found = try_unit(k, &mut fuzzy_budget);
                    }
                    overlap[k] = 0;
                }
            }
            if !found {
                lost += 1;
                dropped_instructions.push(Instruction {
                    section: path.clone(),
                    line: u.line,
                    text: u.text.clone(),
                });
            }
        }

        if outcome == SectionOutcome::Dropped {
            reasons.push(format!(
                "important section \"{path}\" (line {}) is dropped: no draft section matches it by title or content; restore it or mark the removal in review",
                psec.line
            ));
        } else if lost >= cfg.min_lost_instructions
            && (lost as f64) > cfg.max_lost_share * instr.len() as f64
        {
            reasons.push(format!(
                "important section \"{path}\" (line {}) lost {lost} of {} instructions (more than {:.0}%)",
                psec.line,
                instr.len(),
                cfg.max_lost_share * 100.0
            ));
        }

        sections.push(SectionPreservation {
            title: if psec.title.is_empty() {
                "(body)".into()
            } else {
                psec.title.clone()
            },
            path,
            line: psec.line,
            outcome,
            similarity: (similarity_v * 1000.0).round() / 1000.0,
            matched_title: matched
                .and_then(|d| draft.sections.get(d))
                .map(|d| d.title.clone()),
            matched_path: matched.map(|d| draft_side.path(d)),
            matched_line: matched.and_then(|d| draft.sections.get(d)).map(|d| d.line),
            moved,
            instructions: instr.len(),
            lost_instructions: lost,
        });
    }

    PreservationReport {
        status: if reasons.is_empty() {
            ReportStatus::Passed
        } else {
            ReportStatus::Failed
        },
        important_by,
        sections,
        dropped_instructions,
        reasons,
        thresholds: cfg.clone(),
    }
}
