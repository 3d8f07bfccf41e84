//! The PreservationReport (SPEC §5.4): which important sections of the published version a
//! draft keeps, changes or drops, and which of their instructions disappeared.

use crate::parse::SkillDocument;
use crate::text::{
    multiset_upper_bound, normalize, similarity, similarity_upper_bound, sorted_overlap, tokens,
};
use serde::{Deserialize, Serialize};
use skillgate_core::ReportStatus;
use std::cell::OnceCell;
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

/// A hasher for keys that are already hashes (token hashes). Texts and token sequences,
/// which a draft's author chooses, keep std's seeded SipHash.
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

/// Draft units by token: for each token, the index of every unit holding it, once per
/// occurrence (so the entries of one unit are adjacent and their count is how often the unit
/// holds the token). Built on the first instruction that is not found in its matched section.
struct UnitIndex {
    postings: HashMap<u64, Vec<u32>, IdHash>,
}

impl UnitIndex {
    fn new(unit_tokens: &[Vec<u64>]) -> UnitIndex {
        let mut postings: HashMap<u64, Vec<u32>, IdHash> = HashMap::default();
        for (k, toks) in unit_tokens.iter().enumerate() {
            for &t in toks {
                postings.entry(t).or_default().push(k as u32);
            }
        }
        UnitIndex { postings }
    }

    fn occurrences(&self, token: u64) -> &[u32] {
        self.postings
            .get(&token)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }
}

/// Scratch space of [`fuzzy_candidates`], one slot per draft unit (all zero between calls).
struct FuzzyScratch {
    shared: Vec<u32>,
    touched: Vec<u32>,
}

/// Draft units whose token overlap with an instruction reaches `threshold`, in the order a
/// scan of every shared token's units would meet them — the units the instruction is
/// compared with when it is not found in its matched section.
///
/// A unit k passes when 2·shared / (len u + len k) ≥ `threshold` (shared: tokens in common
/// with multiplicity, each count capped at `u16::MAX`). As shared ≤ len k, a passing unit
/// shares at least t·len u / (2 − t) tokens, so it holds one of the instruction's rarest
/// tokens (prefix filtering): only units found through those are considered, and the long
/// lists of common words are not read to find units. Shared counts are then added up token
/// by token, rarest first, for the units found; a token whose list is much longer than the
/// units found is left to a direct count on each unit that could still pass. A unit is
/// dropped when even sharing every token not yet counted would not pass, or when its length
/// alone rules it out (the comparison refuses it then without counting it).
///
/// Ordered by (smallest shared token, unit index): the order of the full scan, so the
/// comparisons that follow, and what they take from `max_fuzzy_comparisons`, are the same.
fn fuzzy_candidates(
    ut: &[u64],
    unit_tokens: &[Vec<u64>],
    index: &UnitIndex,
    threshold: f64,
    scratch: &mut FuzzyScratch,
) -> Vec<usize> {
    // (token, capped count, occurrences in the draft) runs of the instruction, by token.
    let mut sorted = ut.to_vec();
    sorted.sort_unstable();
    let runs: Vec<(u64, u16, &[u32])> = sorted
        .chunk_by(|a, b| a == b)
        .map(|r| {
            (
                r[0],
                r.len().min(u16::MAX as usize) as u16,
                index.occurrences(r[0]),
            )
        })
        .collect();
    let total: usize = runs.iter().map(|r| usize::from(r.1)).sum();

    // The prefix: rarest runs first, until the tokens left are fewer than a passing unit
    // must share (that bound lowered a little against rounding: reading more lists is safe).
    let mut by_rarity: Vec<usize> = (0..runs.len()).collect();
    by_rarity.sort_unstable_by_key(|&i| (runs[i].2.len(), runs[i].0));
    let mut left = total;
    let mut prefix_len = runs.len();
    if threshold > 0.0 && threshold < 2.0 {
        let need = threshold * ut.len() as f64 / (2.0 - threshold) * (1.0 - 1e-9);
        prefix_len = 0;
        while prefix_len < by_rarity.len() && left as f64 >= need {
            left -= usize::from(runs[by_rarity[prefix_len]].1);
            prefix_len += 1;
        }
    }

    // Count the prefix runs, finding the units; then the next runs, for those units only,
    // while their lists are not much longer than the units found.
    let mut counted = 0;
    for &ri in &by_rarity {
        let (_, ca, occ) = runs[ri];
        let finding = counted < prefix_len;
        if !finding && occ.len() > 2 * scratch.touched.len() {
            break;
        }
        for unit in occ.chunk_by(|a, b| a == b) {
            let k = unit[0] as usize;
            let cb = unit.len().min(u16::MAX as usize) as u16;
            if let Some(slot) = scratch.shared.get_mut(k) {
                if *slot == 0 {
                    if !finding {
                        continue;
                    }
                    scratch.touched.push(unit[0]);
                }
                *slot += u32::from(ca.min(cb));
            }
        }
        if !finding {
            left -= usize::from(ca);
        }
        counted += 1;
    }
    let all_counted = counted == runs.len();

    let mut counts: Vec<u32> = vec![0; runs.len()];
    let mut passing: Vec<(u64, usize)> = Vec::new();
    let touched = std::mem::take(&mut scratch.touched);
    for &k in &touched {
        let k = k as usize;
        let so_far = scratch.shared.get(k).copied().unwrap_or(0) as usize;
        if let Some(slot) = scratch.shared.get_mut(k) {
            *slot = 0;
        }
        let Some(dt) = unit_tokens.get(k) else {
            continue;
        };
        let len = (ut.len() + dt.len()) as f64;
        if 2.0 * (so_far + left) as f64 / len < threshold
            || similarity_upper_bound(ut.len(), dt.len()) < threshold
            || (all_counted && 2.0 * so_far as f64 / len < threshold)
        {
            continue;
        }
        // Direct count: the exact overlap and the smallest shared token.
        for &t in dt {
            if let Ok(ri) = runs.binary_search_by_key(&t, |r| r.0) {
                counts[ri] += 1;
            }
        }
        let mut shared = 0usize;
        let mut first: Option<u64> = None;
        for (run, c) in runs.iter().zip(counts.iter_mut()) {
            if *c > 0 {
                let cb = (*c).min(u32::from(u16::MAX)) as u16;
                shared += usize::from(run.1.min(cb));
                first.get_or_insert(run.0);
                *c = 0;
            }
        }
        if let Some(first) = first
            && 2.0 * shared as f64 / len >= threshold
        {
            passing.push((first, k));
        }
    }
    scratch.touched = touched;
    scratch.touched.clear();
    passing.sort_unstable();
    passing.into_iter().map(|(_, k)| k).collect()
}

/// Title and content of a section.
fn text_of(doc: &SkillDocument, idx: usize) -> Option<(&str, &str)> {
    doc.sections
        .get(idx)
        .map(|s| (s.title.as_str(), s.content.as_str()))
}

/// One document's sections as tokens, each tokenized on first use (most sections of a
/// revision are compared with an identical text, which needs no tokens).
struct Side<'a> {
    doc: &'a SkillDocument,
    own_tokens: Vec<OnceCell<Vec<u64>>>,
    title_tokens: Vec<OnceCell<Vec<u64>>>,
    norm_titles: Vec<String>,
}

impl<'a> Side<'a> {
    fn new(doc: &'a SkillDocument) -> Side<'a> {
        Side {
            doc,
            own_tokens: doc.sections.iter().map(|_| OnceCell::new()).collect(),
            title_tokens: doc.sections.iter().map(|_| OnceCell::new()).collect(),
            norm_titles: doc.sections.iter().map(|s| normalize(&s.title)).collect(),
        }
    }

    /// Tokens of a section's own content.
    fn own(&self, idx: usize) -> &[u64] {
        let Some(cell) = self.own_tokens.get(idx) else {
            return &[];
        };
        cell.get_or_init(|| {
            self.doc
                .sections
                .get(idx)
                .map(|s| tokens(&s.content))
                .unwrap_or_default()
        })
    }

    /// Tokens of a section's title.
    fn title(&self, idx: usize) -> &[u64] {
        let Some(cell) = self.title_tokens.get(idx) else {
            return &[];
        };
        cell.get_or_init(|| {
            self.doc
                .sections
                .get(idx)
                .map(|s| tokens(&s.title))
                .unwrap_or_default()
        })
    }

    /// Tokens of a section with its subsections (their titles included).
    fn full_tokens(&self, idx: usize) -> Vec<u64> {
        let mut out = self.own(idx).to_vec();
        for i in self.doc.descendants(idx) {
            out.extend_from_slice(self.title(i));
            out.extend_from_slice(self.own(i));
        }
        out
    }

    /// Whether section `idx` here and `odx` of `other`, subsections included, are the same
    /// text (then their full tokens are equal, and their similarity is 1).
    fn same_full_text(&self, idx: usize, other: &Side<'_>, odx: usize) -> bool {
        let (a, b) = (self.doc.descendants(idx), other.doc.descendants(odx));
        a.len() == b.len()
            && text_of(self.doc, idx).map(|c| c.1) == text_of(other.doc, odx).map(|c| c.1)
            && a.zip(b)
                .all(|(i, j)| text_of(self.doc, i) == text_of(other.doc, j))
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
    let draft_side = Side::new(draft);
    let pub_side = Side::new(published);
    let (important_by, important) = important_sections(published);

    let draft_full: Vec<OnceCell<Vec<u64>>> =
        draft.sections.iter().map(|_| OnceCell::new()).collect();
    let draft_full_of = |di: usize| -> &[u64] {
        draft_full
            .get(di)
            .map(|c| c.get_or_init(|| draft_side.full_tokens(di)).as_slice())
            .unwrap_or(&[])
    };

    // Instruction lookup structures of the draft: every unit, the units of each section
    // (a contiguous range), exact normalized texts, and an inverted index token → units.
    let mut draft_units: Vec<&crate::parse::TextUnit> = Vec::new();
    let mut section_units: Vec<std::ops::Range<usize>> = Vec::with_capacity(draft.sections.len());
    for s in &draft.sections {
        let start = draft_units.len();
        draft_units.extend(s.units.iter());
        section_units.push(start..draft_units.len());
    }
    // Built on first use: an instruction with the very text of a draft unit is kept without
    // being tokenized; one with the same tokens as a draft unit is kept too.
    let draft_texts: OnceCell<HashSet<&str>> = OnceCell::new();
    let draft_unit_tokens: OnceCell<Vec<Vec<u64>>> = OnceCell::new();
    let unit_tokens =
        || draft_unit_tokens.get_or_init(|| draft_units.iter().map(|u| tokens(&u.text)).collect());
    let draft_exact: OnceCell<HashSet<&[u64]>> = OnceCell::new();
    let mut unit_index: Option<UnitIndex> = None;
    let mut scratch = FuzzyScratch {
        shared: vec![0; draft_units.len()],
        touched: Vec::new(),
    };
    // Sorted full tokens of draft sections, for the multiset bound of the content search.
    let mut draft_sorted: Vec<Option<Vec<u64>>> = vec![None; draft.sections.len()];
    let mut fuzzy_budget = cfg.max_fuzzy_comparisons;
    // Draft sections that keep the title of some published section belong to that section:
    // content matching (renames) only considers the others.
    let published_titles: HashSet<&str> = pub_side.norm_titles.iter().map(|t| t.as_str()).collect();
    let title_is_published: Vec<bool> = draft_side
        .norm_titles
        .iter()
        .map(|t| published_titles.contains(t.as_str()))
        .collect();

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
        let p_full: OnceCell<Vec<u64>> = OnceCell::new();
        let p_tokens = || p_full.get_or_init(|| pub_side.full_tokens(pi)).as_slice();
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
                let sim = if pub_side.same_full_text(pi, &draft_side, di) {
                    1.0
                } else {
                    similarity(p_tokens(), draft_full_of(di), cfg.max_diff_tokens)
                };
                let score = sim + 0.25;
                if best.is_none_or(|b| score > b.2) {
                    best = Some((di, sim, score));
                }
            }
        }
        if best.is_none_or(|b| b.1 < cfg.rename_similarity) {
            let mut p_sorted: Option<Vec<u64>> = None;
            for di in 0..draft.sections.len() {
                if title_is_published.get(di).copied().unwrap_or(false)
                    && draft_side
                        .norm_titles
                        .get(di)
                        .is_some_and(|t| *t != p_title)
                {
                    continue;
                }
                let dt = draft_full_of(di);
                if similarity_upper_bound(p_tokens().len(), dt.len()) < cfg.rename_similarity {
                    continue;
                }
                // Shared tokens bound the diff's matches: skip a section that cannot reach
                // the threshold or beat the best so far (the loop keeps only sim > best).
                let ps = p_sorted.get_or_insert_with(|| {
                    let mut v = p_tokens().to_vec();
                    v.sort_unstable();
                    v
                });
                let Some(ds) = draft_sorted.get_mut(di) else {
                    continue;
                };
                let ds = ds.get_or_insert_with(|| {
                    let mut v = dt.to_vec();
                    v.sort_unstable();
                    v
                });
                let bound = multiset_upper_bound(sorted_overlap(ps, ds), ps.len(), ds.len());
                if bound < cfg.rename_similarity || best.is_some_and(|b| bound <= b.2) {
                    continue;
                }
                let sim = similarity(p_tokens(), dt, cfg.max_diff_tokens);
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
                        && similarity(pub_side.own(a), draft_side.own(b), cfg.max_diff_tokens)
                            < cfg.rename_similarity
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
        // When the matched section's units (subsections included) have the published
        // section's texts in order, every instruction is there verbatim.
        let units = published.full_units(pi);
        let same_units = units.len() == matched_units.len()
            && units
                .iter()
                .zip(&matched_units)
                .all(|(u, &k)| draft_units.get(k).is_some_and(|d| d.text == u.text));
        let instr: Vec<_> = units.into_iter().filter(|u| u.instruction).collect();
        let mut lost = 0;
        for u in instr.iter().filter(|_| !same_units) {
            let texts =
                draft_texts.get_or_init(|| draft_units.iter().map(|u| u.text.as_str()).collect());
            if texts.contains(u.text.as_str()) {
                continue;
            }
            let ut = tokens(&u.text);
            let draft_unit_tokens = unit_tokens();
            let exact = draft_exact
                .get_or_init(|| draft_unit_tokens.iter().map(|v| v.as_slice()).collect());
            if exact.contains(ut.as_slice()) {
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
                let index = unit_index.get_or_insert_with(|| UnitIndex::new(draft_unit_tokens));
                for k in fuzzy_candidates(&ut, draft_unit_tokens, index, threshold, &mut scratch) {
                    found = try_unit(k, &mut fuzzy_budget);
                    if found {
                        break;
                    }
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
