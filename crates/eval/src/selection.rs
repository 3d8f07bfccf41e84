//! Case selection (SPEC §3.1), the pure part: keywords of a skill for the
//! full-text query, ranking, near-duplicate removal, the all-blocked skip and
//! the reason each case was chosen. The store finds the candidates
//! (`Store::case_candidates`); this module decides.

use serde::{Deserialize, Serialize};
use skillgate_core::policy::{Policy, classify};
use skillgate_core::{Run, ToolMode, ToolSpec};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Default cap on the number of cases (SPEC §3.1).
pub const DEFAULT_MAX_CASES: usize = 20;
/// Default similarity at or above which two tasks are near-duplicates.
pub const DEFAULT_DUPLICATE_SIMILARITY: f64 = 0.8;
/// Most keywords taken from a skill for the full-text query (Latin words and
/// Chinese trigrams each).
pub const MAX_KEYWORDS: usize = 48;

/// A run that may become a case, as the store found it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The run.
    pub run: Run,
    /// bm25 rank of the full-text match (lower = better); `None`: no match.
    pub fts_rank: Option<f64>,
    /// Pinned by hand to the skill.
    pub pinned: bool,
    /// Why it was pinned.
    pub pin_reason: Option<String>,
}

/// A chosen case and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectedCase {
    /// Run id.
    pub run_id: String,
    /// Why it was chosen, in words.
    pub reason: String,
}

/// A candidate that was not chosen, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkippedRun {
    /// Run id.
    pub run_id: String,
    /// Why it was left out, in words.
    pub reason: String,
}

/// The outcome of [`select_cases`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Selection {
    /// Chosen cases, in order.
    pub cases: Vec<SelectedCase>,
    /// Candidates left out: near-duplicates, all tools blocked, over the cap.
    pub skipped: Vec<SkippedRun>,
}

/// Knobs of [`select_cases`].
#[derive(Debug, Clone)]
pub struct SelectionConfig {
    /// Cap on cases (pinned cases are always in, even past the cap).
    pub max_cases: usize,
    /// Task similarity (Sørensen–Dice over character bigrams of the
    /// normalised task) at or above which two runs are near-duplicates.
    pub duplicate_similarity: f64,
    /// Least [`relevance`] of a run chosen only by full-text match.
    pub min_relevance: f64,
    /// Least share of the best candidate's relevance for such a run.
    pub relative_relevance: f64,
}

impl Default for SelectionConfig {
    fn default() -> Self {
        SelectionConfig {
            max_cases: DEFAULT_MAX_CASES,
            duplicate_similarity: DEFAULT_DUPLICATE_SIMILARITY,
            min_relevance: 4.0,
            relative_relevance: 0.35,
        }
    }
}

const STOPWORDS: &[&str] = &[
    "the",
    "and",
    "for",
    "with",
    "that",
    "this",
    "when",
    "what",
    "from",
    "into",
    "your",
    "you",
    "are",
    "not",
    "use",
    "all",
    "any",
    "each",
    "its",
    "it's",
    "then",
    "than",
    "them",
    "they",
    "their",
    "there",
    "which",
    "who",
    "will",
    "would",
    "should",
    "must",
    "can",
    "may",
    "only",
    "one",
    "two",
    "also",
    "but",
    "have",
    "has",
    "was",
    "were",
    "been",
    "being",
    "does",
    "did",
    "out",
    "per",
    "via",
    "how",
    "why",
    "where",
    "same",
    "other",
    "more",
    "most",
    "less",
    "such",
    "skill",
    "name",
    "description",
    "these",
    "those",
    "about",
    "after",
    "before",
    "over",
    "under",
    "every",
    "never",
    "always",
    "just",
    "like",
    "make",
    "sure",
    "ask",
    "user",
    "answer",
    "step",
    "steps",
    "section",
    "rules",
    "language",
    "english",
];

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x3040..=0x30FF | 0xAC00..=0xD7AF)
}

/// A keyword of a skill with its weight in the relevance score: name parts
/// weigh 4, description words 2, body words 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Keyword {
    /// Lower-case word, or 3 characters of Chinese text.
    pub term: String,
    /// Weight in [`relevance`].
    pub weight: f64,
}

/// Keywords of a skill: its name parts first, then the most frequent words
/// (≥ 3 letters, not stop words) of the description and body, and
/// 3-character runs of Chinese text (the trigram index matches substrings of
/// 3 characters or more). At most [`MAX_KEYWORDS`].
pub fn skill_keywords(name: &str, description: &str, body: &str) -> Vec<Keyword> {
    let mut out: Vec<Keyword> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for part in name.split(['-', '_', ' ']) {
        let p = part.to_lowercase();
        if p.chars().count() >= 3 && !STOPWORDS.contains(&p.as_str()) && seen.insert(p.clone()) {
            out.push(Keyword {
                term: p,
                weight: 4.0,
            });
        }
    }
    // term -> (rank score, weight)
    let mut freq: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    for (text, weight) in [(description, 2.0f64), (body, 1.0f64)] {
        let mut word = String::new();
        let mut cjk = String::new();
        let bump = |freq: &mut BTreeMap<String, (usize, f64)>, term: String| {
            let e = freq.entry(term).or_insert((0, weight));
            e.0 += weight as usize * 2;
            e.1 = e.1.max(weight);
        };
        let flush_word = |word: &mut String, freq: &mut BTreeMap<String, (usize, f64)>| {
            let w = word.to_lowercase();
            if w.chars().count() >= 3
                && !STOPWORDS.contains(&w.as_str())
                && !w.chars().all(|c| c.is_ascii_digit())
            {
                bump(freq, w);
            }
            word.clear();
        };
        let flush_cjk = |cjk: &mut String, freq: &mut BTreeMap<String, (usize, f64)>| {
            let chars: Vec<char> = cjk.chars().collect();
            for w in chars.windows(3) {
                bump(freq, w.iter().collect());
            }
            cjk.clear();
        };
        for c in text.chars() {
            if is_cjk(c) {
                flush_word(&mut word, &mut freq);
                cjk.push(c);
            } else if c.is_alphanumeric() {
                flush_cjk(&mut cjk, &mut freq);
                word.push(c);
            } else {
                flush_word(&mut word, &mut freq);
                flush_cjk(&mut cjk, &mut freq);
            }
        }
        flush_word(&mut word, &mut freq);
        flush_cjk(&mut cjk, &mut freq);
    }
    let mut ranked: Vec<(String, (usize, f64))> = freq.into_iter().collect();
    ranked.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(&b.0)));
    // Latin words and Chinese trigrams have separate budgets: Chinese text
    // yields many trigrams, each seen rarely.
    let (mut latin, mut cjk) = (0, 0);
    for (term, (_, weight)) in ranked {
        let is_cjk_term = term.chars().any(is_cjk);
        let budget = if is_cjk_term { &mut cjk } else { &mut latin };
        if *budget >= MAX_KEYWORDS {
            continue;
        }
        if seen.insert(term.clone()) {
            *budget += 1;
            out.push(Keyword { term, weight });
        }
    }
    out
}

/// Relevance of a run to a skill: the summed weight of the distinct keywords
/// found in its task and tool names (Latin keywords as whole words, allowing
/// a plural `s`; Chinese keywords as substrings), with the terms found.
pub fn relevance(run: &Run, keywords: &[Keyword]) -> (f64, Vec<String>) {
    let task = run.task.to_lowercase();
    let mut words: BTreeSet<String> = BTreeSet::new();
    let mut add_words = |text: &str| {
        for w in text
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric() || is_cjk(c))
            .filter(|w| !w.is_empty())
        {
            words.insert(w.to_string());
        }
    };
    add_words(&run.task);
    for c in &run.tool_calls {
        add_words(&c.name);
    }
    let mut score = 0.0;
    let mut found = Vec::new();
    for k in keywords {
        let hit = if k.term.chars().any(is_cjk) {
            task.contains(&k.term)
        } else {
            words.contains(&k.term)
                || words.contains(&format!("{}s", k.term))
                || k.term.strip_suffix('s').is_some_and(|t| words.contains(t))
        };
        if hit {
            score += k.weight;
            found.push(k.term.clone());
        }
    }
    (score, found)
}

/// The task normalised for duplicate detection: lower case, every run of
/// non-alphanumeric characters one space, digits kept.
pub fn normalize_task(task: &str) -> String {
    let mut out = String::with_capacity(task.len());
    let mut space = false;
    for c in task.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
            space = false;
        } else if !space && !out.is_empty() {
            out.push(' ');
            space = true;
        }
    }
    out.trim_end().to_string()
}

/// Similarity of two tasks in [0, 1]: Sørensen–Dice over character bigrams of
/// the normalised tasks (works for Chinese, which has no spaces).
pub fn task_similarity(a: &str, b: &str) -> f64 {
    strsim::sorensen_dice(&normalize_task(a), &normalize_task(b))
}

/// The tool spec case selection classifies a recorded tool by: name and
/// toolset only (the run records nothing else).
fn recorded_spec(name: &str, toolset: Option<&str>) -> ToolSpec {
    ToolSpec {
        name: name.into(),
        toolset: toolset.map(str::to_string),
        description: None,
        input_schema: None,
        annotations: None,
        policy: None,
    }
}

/// `Some(reason)` when every tool call of the run classifies as `blocked`.
pub fn all_tools_blocked(run: &Run, policy: &Policy) -> Option<String> {
    if run.tool_calls.is_empty() {
        return None;
    }
    let mut reasons: BTreeMap<String, String> = BTreeMap::new();
    for call in &run.tool_calls {
        let c = classify(&recorded_spec(&call.name, call.toolset.as_deref()), policy);
        if c.mode != ToolMode::Blocked {
            return None;
        }
        reasons.entry(call.name.clone()).or_insert(c.reason);
    }
    let detail: Vec<String> = reasons
        .into_iter()
        .map(|(name, reason)| format!("{name}: {reason}"))
        .collect();
    Some(format!(
        "every tool call of the run is blocked by the replay policy, so a replay could show nothing ({})",
        detail.join("; ")
    ))
}

fn recency_key(run: &Run) -> &str {
    run.accepted_at
        .as_deref()
        .or(run.created_at.as_deref())
        .unwrap_or("")
}

/// Chooses the replay cases of a skill from `candidates` (SPEC §3.1).
///
/// Order: pinned runs first, then runs whose skill hint is the skill, then
/// other runs by [`relevance`] (only those scoring at least
/// `min_relevance` and `relative_relevance` × the best score); within each,
/// by relevance, bm25 rank and then most recent first. A candidate whose task is a near-duplicate of an already chosen
/// case is skipped (pinned runs never are), as is one whose tool calls are
/// all `blocked` (pinned runs are kept but the reason says so). At most
/// `max_cases` cases, plus any pinned runs beyond that.
pub fn select_cases(
    candidates: &[Candidate],
    skill_name: &str,
    keywords: &[Keyword],
    policy: &Policy,
    cfg: &SelectionConfig,
) -> Selection {
    // Keywords found in most candidates tell little (e.g. `file` when every
    // run reads files): each keyword's weight is scaled by an inverse
    // document frequency over the candidates, min(1, ln((N + 1) / df) / ln 3)
    // (with at least 5 candidates).
    let matched: Vec<(f64, Vec<String>)> = candidates
        .iter()
        .map(|c| relevance(&c.run, keywords))
        .collect();
    let mut df: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, terms) in &matched {
        for t in terms {
            *df.entry(t.as_str()).or_default() += 1;
        }
    }
    let n = candidates.len() as f64;
    let weight_of: BTreeMap<&str, f64> = keywords
        .iter()
        .map(|k| (k.term.as_str(), k.weight))
        .collect();
    let idf = |t: &str| -> f64 {
        if n < 5.0 {
            return 1.0; // too few candidates to tell common words from rare ones
        }
        let d = df.get(t).copied().unwrap_or(1).max(1) as f64;
        (((n + 1.0) / d).ln() / 3f64.ln()).clamp(0.0, 1.0)
    };
    let scores: BTreeMap<&str, (f64, Vec<String>)> = candidates
        .iter()
        .zip(&matched)
        .map(|(c, (_, terms))| {
            let mut weighted: Vec<(f64, &String)> = terms
                .iter()
                .map(|t| {
                    (
                        weight_of.get(t.as_str()).copied().unwrap_or(0.0) * idf(t),
                        t,
                    )
                })
                .collect();
            let score: f64 = weighted.iter().map(|(w, _)| w).sum();
            // Most telling terms first, for the reason.
            weighted.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(Ordering::Equal));
            let terms = weighted.into_iter().map(|(_, t)| t.clone()).collect();
            (c.run.id.as_str(), (score, terms))
        })
        .collect();
    let score = |c: &Candidate| scores.get(c.run.id.as_str()).map_or(0.0, |s| s.0);
    let best = candidates.iter().map(score).fold(0.0f64, f64::max);
    let floor = cfg.min_relevance.max(cfg.relative_relevance * best);
    let tier = |c: &Candidate| -> u8 {
        if c.pinned {
            0
        } else if c.run.skill.as_deref() == Some(skill_name) {
            1
        } else {
            2
        }
    };
    let mut order: Vec<&Candidate> = candidates.iter().collect();
    order.sort_by(|a, b| {
        tier(a)
            .cmp(&tier(b))
            .then_with(|| score(b).partial_cmp(&score(a)).unwrap_or(Ordering::Equal))
            .then_with(|| match (a.fts_rank, b.fts_rank) {
                (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            })
            .then_with(|| recency_key(&b.run).cmp(recency_key(&a.run)))
            .then_with(|| a.run.id.cmp(&b.run.id))
    });

    let mut sel = Selection::default();
    let mut chosen_tasks: Vec<(String, String)> = Vec::new();
    for c in order {
        let run = &c.run;
        let blocked = all_tools_blocked(run, policy);
        let (rel, terms) = scores.get(run.id.as_str()).cloned().unwrap_or_default();
        if tier(c) == 2 && rel < floor {
            sel.skipped.push(SkippedRun {
                run_id: run.id.clone(),
                reason: format!(
                    "not relevant enough: relevance {rel:.1} below {floor:.1}{}",
                    if terms.is_empty() {
                        String::new()
                    } else {
                        format!(" (matched only {})", terms.join(", "))
                    }
                ),
            });
            continue;
        }
        if !c.pinned {
            if let Some(reason) = blocked {
                sel.skipped.push(SkippedRun {
                    run_id: run.id.clone(),
                    reason,
                });
                continue;
            }
            if let Some((dup_id, sim)) = chosen_tasks
                .iter()
                .map(|(id, task)| (id, task_similarity(task, &run.task)))
                .find(|(_, sim)| *sim >= cfg.duplicate_similarity)
            {
                sel.skipped.push(SkippedRun {
                    run_id: run.id.clone(),
                    reason: format!(
                        "near-duplicate of case {dup_id} (task similarity {sim:.2} ≥ {:.2}); kept the higher-ranked one for diversity",
                        cfg.duplicate_similarity
                    ),
                });
                continue;
            }
            if sel.cases.len() >= cfg.max_cases {
                sel.skipped.push(SkippedRun {
                    run_id: run.id.clone(),
                    reason: format!("over the cap of {} cases", cfg.max_cases),
                });
                continue;
            }
        }
        let mut why: Vec<String> = Vec::new();
        if c.pinned {
            why.push(format!(
                "pinned by hand to {skill_name}{}",
                c.pin_reason
                    .as_deref()
                    .filter(|r| !r.trim().is_empty())
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ));
            if !run.accepted {
                why.push("not accepted by a human, kept because it is pinned".into());
            }
            if let Some(b) = blocked {
                why.push(format!("kept although {b}"));
            }
        }
        if run.skill.as_deref() == Some(skill_name) {
            why.push(format!("the run used the published {skill_name} skill"));
        }
        if !terms.is_empty() {
            why.push(format!(
                "task or tools match the skill on {} (relevance {rel:.1})",
                terms.iter().take(6).cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        if let Some(at) = run.accepted_at.as_deref() {
            why.push(format!("accepted {}", at.get(..10).unwrap_or(at)));
        }
        chosen_tasks.push((run.id.clone(), run.task.clone()));
        sel.cases.push(SelectedCase {
            run_id: run.id.clone(),
            reason: why.join("; "),
        });
    }
    sel
}

#[cfg(test)]
mod tests {
    use super::*;
    use skillgate_core::RecordedToolCall;

    fn run(id: &str, task: &str, tools: &[(&str, &str)], skill: Option<&str>, at: &str) -> Run {
        Run {
            id: id.into(),
            tenant: "t".into(),
            locale: "en".into(),
            task: task.into(),
            messages: vec![],
            tool_calls: tools
                .iter()
                .map(|(n, ts)| RecordedToolCall {
                    name: (*n).into(),
                    toolset: Some((*ts).into()),
                    arguments: serde_json::Value::Null,
                    result: serde_json::Value::Null,
                    started_at: None,
                })
                .collect(),
            final_answer: "ok".into(),
            accepted: true,
            accepted_at: Some(at.into()),
            created_at: None,
            criteria: None,
            skill: skill.map(str::to_string),
        }
    }

    fn kw(terms: &[(&str, f64)]) -> Vec<Keyword> {
        terms
            .iter()
            .map(|(t, w)| Keyword {
                term: (*t).into(),
                weight: *w,
            })
            .collect()
    }

    #[test]
    fn weakly_relevant_runs_are_left_out_with_their_score() {
        let cands = vec![
            cand(
                run(
                    "strong",
                    "write the weekly status report",
                    &[],
                    None,
                    "2026-01-01",
                ),
                Some(-3.0),
                false,
            ),
            cand(
                run(
                    "weak",
                    "post the offsite photos",
                    &[("slack_post_message", "slack")],
                    None,
                    "2026-01-01",
                ),
                Some(-1.0),
                false,
            ),
        ];
        let keywords = kw(&[
            ("weekly", 4.0),
            ("status", 4.0),
            ("report", 4.0),
            ("post", 2.0),
            ("reports", 2.0),
        ]);
        let sel = select_cases(
            &cands,
            "s",
            &keywords,
            &Policy::default(),
            &SelectionConfig::default(),
        );
        assert_eq!(sel.cases.len(), 1);
        assert!(
            sel.cases[0]
                .reason
                .contains("weekly, status, report, reports (relevance 14.0)"),
            "{}",
            sel.cases[0].reason
        );
        assert!(
            sel.skipped[0]
                .reason
                .contains("relevance 2.0 below 4.9 (matched only post)"),
            "{}",
            sel.skipped[0].reason
        );
    }

    fn cand(r: Run, rank: Option<f64>, pinned: bool) -> Candidate {
        Candidate {
            run: r,
            fts_rank: rank,
            pinned,
            pin_reason: pinned.then(|| "false pass".to_string()),
        }
    }

    #[test]
    fn demo_near_duplicate_pairs_are_similar_and_other_tasks_are_not() {
        assert!(
            task_similarity(
                "Write the weekly status report for the Platform team and email it to the list.",
                "Write this week's status report for the Platform team and email it to the list."
            ) >= 0.8
        );
        assert!(
            task_similarity(
                "Find 30 minutes next week for Ana, Ben and Priya to review the Q2 roadmap.",
                "Find a 30-minute slot next week for Ana, Ben and Priya to go over the Q2 roadmap."
            ) >= 0.8
        );
        assert!(
            task_similarity(
                "Write the weekly status report for the Platform team and email it to the list.",
                "Triage the receipts in expenses/2026-01/ and tell me what breaks policy."
            ) < 0.5
        );
    }

    #[test]
    fn keywords_take_name_parts_then_frequent_words_and_chinese_trigrams() {
        let k = skill_keywords(
            "weekly-status-report",
            "Compile the weekly status report and email it",
            "Read status files. 编写每周状态报告",
        );
        let terms: Vec<&str> = k.iter().map(|k| k.term.as_str()).collect();
        assert_eq!(&terms[..3], &["weekly", "status", "report"]);
        assert_eq!(k[0].weight, 4.0);
        let email = k.iter().find(|k| k.term == "email").unwrap();
        assert_eq!(email.weight, 2.0);
        let cjk = k.iter().find(|k| k.term == "编写每").unwrap();
        assert_eq!(cjk.weight, 1.0);
        assert!(!terms.contains(&"the"));
    }

    #[test]
    fn pinned_first_then_hinted_then_ranked_with_reasons() {
        let cands = vec![
            cand(
                run("r-fts", "compile report", &[], None, "2026-01-03"),
                Some(-2.0),
                false,
            ),
            cand(
                run("r-hint", "weekly thing", &[], Some("wsr"), "2026-01-01"),
                None,
                false,
            ),
            cand(
                run("r-pin", "unrelated task", &[], None, "2026-01-02"),
                None,
                true,
            ),
        ];
        let sel = select_cases(
            &cands,
            "wsr",
            &kw(&[("report", 4.0)]),
            &Policy::default(),
            &SelectionConfig::default(),
        );
        let ids: Vec<&str> = sel.cases.iter().map(|c| c.run_id.as_str()).collect();
        assert_eq!(ids, ["r-pin", "r-hint", "r-fts"]);
        assert!(
            sel.cases[0]
                .reason
                .contains("pinned by hand to wsr (false pass)")
        );
        assert!(sel.cases[1].reason.contains("used the published wsr skill"));
        assert!(
            sel.cases[2]
                .reason
                .contains("match the skill on report (relevance 4.0)")
        );
    }

    #[test]
    fn all_blocked_runs_are_skipped_with_the_policy_reason() {
        let cands = vec![cand(
            run(
                "r-drop",
                "drop the old tables",
                &[("drop_table", "warehouse")],
                None,
                "2026-01-01",
            ),
            Some(-1.0),
            false,
        )];
        let sel = select_cases(
            &cands,
            "s",
            &kw(&[("drop", 4.0)]),
            &Policy::default(),
            &SelectionConfig::default(),
        );
        assert!(sel.cases.is_empty());
        assert_eq!(sel.skipped[0].run_id, "r-drop");
        assert!(
            sel.skipped[0]
                .reason
                .contains("every tool call of the run is blocked")
        );
    }

    #[test]
    fn near_duplicates_keep_the_higher_ranked_and_cap_applies() {
        let cands = vec![
            cand(
                run(
                    "a",
                    "Write the weekly status report for the Platform team.",
                    &[],
                    None,
                    "2026-01-01",
                ),
                Some(-3.0),
                false,
            ),
            cand(
                run(
                    "b",
                    "Write this week's status report for the Platform team.",
                    &[],
                    None,
                    "2026-01-02",
                ),
                Some(-2.0),
                false,
            ),
            cand(
                run(
                    "c",
                    "Triage the receipts of January",
                    &[],
                    None,
                    "2026-01-02",
                ),
                Some(-1.0),
                false,
            ),
            cand(
                run("d", "Plan the offsite agenda", &[], None, "2026-01-02"),
                Some(-0.5),
                false,
            ),
        ];
        let cfg = SelectionConfig {
            max_cases: 2,
            ..Default::default()
        };
        let keywords = kw(&[
            ("status", 4.0),
            ("report", 4.0),
            ("receipts", 4.0),
            ("offsite", 4.0),
        ]);
        let sel = select_cases(&cands, "s", &keywords, &Policy::default(), &cfg);
        let ids: Vec<&str> = sel.cases.iter().map(|c| c.run_id.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
        assert!(
            sel.skipped
                .iter()
                .any(|s| s.run_id == "b" && s.reason.contains("near-duplicate of case a"))
        );
        assert!(
            sel.skipped
                .iter()
                .any(|s| s.run_id == "d" && s.reason.contains("over the cap of 2"))
        );
    }

    #[test]
    fn recency_breaks_ties_between_equal_ranks() {
        let cands = vec![
            cand(
                run("old", "alpha task one", &[], Some("s"), "2026-01-01"),
                None,
                false,
            ),
            cand(
                run("new", "beta job two", &[], Some("s"), "2026-02-01"),
                None,
                false,
            ),
        ];
        let sel = select_cases(
            &cands,
            "s",
            &[],
            &Policy::default(),
            &SelectionConfig::default(),
        );
        assert_eq!(sel.cases[0].run_id, "new");
    }
}
