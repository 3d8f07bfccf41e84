//! Locale-free reason records: the structured form of every sentence that
//! explains a decision in an EvalReport (confidence reasons, the status
//! reason, the summary, the heuristic summary).
//!
//! A [`Reason`] is a stable id from [`CATALOGUE`] plus named arguments. The
//! English sentence stored in the report (and printed by the CLI) is rendered
//! from the record by [`Reason::english`], so the two can never disagree; the
//! web UI renders the same record with the Fluent message `reason-<id>` in the
//! reviewer's locale.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One explanation: a catalogue id and its arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// Stable id, a key of [`CATALOGUE`] (e.g. `confidence-few-cases`).
    pub id: String,
    /// Named arguments of the sentence.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, ReasonArg>,
}

/// An argument of a [`Reason`]; the kind tells a renderer how to format it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonArg {
    /// A whole number (plural rules apply).
    Count(u64),
    /// A share in [0, 1], shown as a whole percentage (`42%`).
    Share(f64),
    /// A number shown with two decimals (`0.35`).
    Decimal(f64),
    /// A signed number shown with two decimals (`+0.12`).
    Delta(f64),
    /// A number shown as written (`0.05`).
    Number(f64),
    /// Text shown verbatim (an error message, a status word from elsewhere).
    Text(String),
    /// A nested reason (e.g. why replay was blocked).
    Reason(Box<Reason>),
    /// Nested reasons joined as a list (`a, b, c`).
    List(Vec<Reason>),
    /// Nested reasons that all hold (`a and b`).
    All(Vec<Reason>),
}

/// Every reason id with its English template; `{name}` is replaced by the
/// argument `name`. The web UI has a message `reason-<id>` for each id in
/// every locale.
pub const CATALOGUE: &[(&str, &str)] = &[
    // Confidence (crate::confidence).
    (
        "confidence-heuristic-mode",
        "heuristic mode: no case was replayed, only static checks ran \
         (lint, safety, preservation, description match), so confidence is always low",
    ),
    (
        "confidence-invalid-execution-coverage",
        "execution coverage is {value}, not a number; the report is malformed",
    ),
    (
        "confidence-invalid-blocked-coverage",
        "blocked coverage is {value}, not a number; the report is malformed",
    ),
    (
        "confidence-invalid-interval-width",
        "delta interval width is {value}, not a number; the report is malformed",
    ),
    (
        "confidence-few-cases",
        "only {completed} case(s) completed; fewer than {min} is too few to compare the arms",
    ),
    (
        "confidence-low-execution-coverage",
        "execution coverage is {coverage}, below {min}: most tool results were simulated or blocked",
    ),
    (
        "confidence-high-blocked-coverage",
        "blocked coverage is {coverage}, above {max}: the agent was refused too many tool calls",
    ),
    (
        "confidence-many-errored-trials",
        "{errored} of {total} trials errored ({rate}), more than {max}",
    ),
    (
        "confidence-no-interval",
        "no delta interval could be computed (no case completed in both arms)",
    ),
    (
        "confidence-wide-interval",
        "the bootstrap interval of the score delta is {width} wide, wider than {max}: \
         the data cannot tell whether the draft helps or hurts",
    ),
    (
        "confidence-unmet-cases",
        "{completed} cases completed; high confidence needs at least {min}",
    ),
    (
        "confidence-unmet-execution-coverage",
        "execution coverage is {coverage}; high confidence needs at least {min}",
    ),
    (
        "confidence-unmet-blocked-calls",
        "{blocked} tool call(s) were blocked; high confidence needs none",
    ),
    (
        "confidence-unmet-interval",
        "the delta interval is {width} wide; high confidence needs at most {max}",
    ),
    (
        "confidence-all-criteria",
        "{completed} cases completed, execution coverage {coverage}, no blocked call, \
         delta interval {width} wide",
    ),
    // Confidence levels, as a word inside other sentences.
    ("level-high", "high"),
    ("level-medium", "medium"),
    ("level-low", "low"),
    // Eval status (skillgate-eval engine).
    (
        "status-replay-skipped",
        "replay was skipped: {cause}; only static checks ran",
    ),
    (
        "status-heuristic-failed",
        "{cause}; static checks only, and {failures}",
    ),
    (
        "status-heuristic-passed",
        "{cause}; static checks only, and they passed — no replay evidence",
    ),
    (
        "status-tripwire",
        "the replay was not side-effect free: {detail}",
    ),
    (
        "status-provider-lost",
        "the provider stopped answering before any trial finished: {error}; only static checks count",
    ),
    (
        "status-all-errored",
        "all {errored} trials errored; see the case reports for the errors",
    ),
    (
        "status-no-cases",
        "no replay case was selected: no accepted run of the tenant matches the skill; \
         import runs or pin cases with `skillgate cases add`",
    ),
    ("status-partial", "{causes}; finished trials are kept"),
    ("status-static-failed", "{failures}"),
    (
        "status-mean-regressed",
        "the candidate scores {drop} lower than the baseline on average (more than ε = {epsilon})",
    ),
    (
        "status-more-regressed",
        "the candidate regressed {regressed} cases and improved only {improved}",
    ),
    (
        "status-passed",
        "the candidate is not worse on average (delta {delta} ≥ −ε) and regressed {regressed} \
         cases while improving {improved}",
    ),
    // Causes inside status reasons.
    (
        "cause-kill-switch",
        "replay is turned off by the kill switch (`skillgate replay enable` turns it back on)",
    ),
    (
        "cause-no-provider",
        "no provider is configured: set [provider] in skillgate.toml or SKILLGATE_BASE_URL \
         and SKILLGATE_MODEL",
    ),
    (
        "cause-budget-spent",
        "the token budget of {budget} was spent",
    ),
    (
        "cause-provider-stopped",
        "the provider stopped answering ({error})",
    ),
    (
        "cause-trials-not-run",
        "{not_run} of {planned} trials did not run",
    ),
    (
        "cause-cases-incomplete",
        "{missing} of {cases} cases have no finished trial in an arm",
    ),
    ("cause-safety-failed", "the SafetyReport failed"),
    ("cause-preservation-failed", "the PreservationReport failed"),
    ("cause-lint-errors", "the draft has lint errors"),
    // Summary (skillgate-eval engine).
    (
        "summary-provider-unavailable",
        "No replay ran because the provider is unavailable; this report holds static checks \
         only and its confidence is low. A reviewer may approve only with a written rationale.",
    ),
    (
        "summary-replay-off",
        "No replay ran (replay is turned off); this report holds static checks only, so its \
         confidence is low whatever they say.",
    ),
    (
        "summary-replay-failed",
        "The replay failed, so there is no evidence about the draft yet.",
    ),
    (
        "summary-better",
        "The candidate does better than the baseline: average score {candidate} vs {baseline} \
         over {cases} cases ({improved} improved, {regressed} regressed, {unchanged} unchanged); \
         confidence {confidence}.",
    ),
    (
        "summary-worse",
        "The candidate does worse than the baseline: average score {candidate} vs {baseline} \
         over {cases} cases ({improved} improved, {regressed} regressed, {unchanged} unchanged); \
         confidence {confidence}.",
    ),
    (
        "summary-same",
        "The candidate does about as well as the baseline: average score {candidate} vs \
         {baseline} over {cases} cases ({improved} improved, {regressed} regressed, \
         {unchanged} unchanged); confidence {confidence}.",
    ),
    (
        "summary-incomparable",
        "The candidate could not be compared with the baseline: average score {candidate} vs \
         {baseline} over {cases} cases ({improved} improved, {regressed} regressed, \
         {unchanged} unchanged); confidence {confidence}.",
    ),
    // Heuristic checks summary (skillgate-eval report).
    (
        "heuristic-summary",
        "lint errors {lint_errors}, safety {safety}, preservation {preservation}; the draft's \
         description shares a keyword with {matching} of {cases} selected cases ({share})",
    ),
    (
        "heuristic-summary-no-cases",
        "lint errors {lint_errors}, safety {safety}, preservation {preservation}; the draft's \
         description shares a keyword with {matching} of {cases} selected cases",
    ),
    ("check-passed", "passed"),
    ("check-failed", "failed"),
    ("check-missing", "missing"),
    ("check-new-skill", "n/a (new skill)"),
];

/// The English template of a reason id, `None` when the id is not in [`CATALOGUE`].
pub fn english_template(id: &str) -> Option<&'static str> {
    CATALOGUE.iter().find(|(k, _)| *k == id).map(|(_, t)| *t)
}

/// Every reason id of [`CATALOGUE`], in order.
pub fn reason_ids() -> impl Iterator<Item = &'static str> {
    CATALOGUE.iter().map(|(id, _)| *id)
}

impl Reason {
    /// A reason without arguments. `id` must be in [`CATALOGUE`] (checked in
    /// debug builds, so every path a test takes is checked).
    pub fn new(id: &str) -> Reason {
        debug_assert!(
            english_template(id).is_some(),
            "reason id {id} is not in skillgate_core::reason::CATALOGUE"
        );
        Reason {
            id: id.to_string(),
            args: BTreeMap::new(),
        }
    }

    /// Adds an argument.
    pub fn arg(mut self, name: &str, value: ReasonArg) -> Reason {
        self.args.insert(name.to_string(), value);
        self
    }

    /// Adds a whole-number argument.
    pub fn count(self, name: &str, n: usize) -> Reason {
        self.arg(name, ReasonArg::Count(n as u64))
    }

    /// Adds a share argument (shown as a percentage).
    pub fn share(self, name: &str, x: f64) -> Reason {
        self.arg(name, ReasonArg::finite(x, ReasonArg::Share))
    }

    /// Adds a two-decimal argument.
    pub fn decimal(self, name: &str, x: f64) -> Reason {
        self.arg(name, ReasonArg::finite(x, ReasonArg::Decimal))
    }

    /// Adds a signed two-decimal argument.
    pub fn delta(self, name: &str, x: f64) -> Reason {
        self.arg(name, ReasonArg::finite(x, ReasonArg::Delta))
    }

    /// Adds a number shown as written.
    pub fn number(self, name: &str, x: f64) -> Reason {
        self.arg(name, ReasonArg::finite(x, ReasonArg::Number))
    }

    /// Adds a verbatim text argument.
    pub fn text(self, name: &str, s: impl Into<String>) -> Reason {
        self.arg(name, ReasonArg::Text(s.into()))
    }

    /// Adds a nested reason.
    pub fn nested(self, name: &str, r: Reason) -> Reason {
        self.arg(name, ReasonArg::Reason(Box::new(r)))
    }

    /// The English sentence: the template of the id with the arguments
    /// formatted in. An id outside the catalogue renders as the id itself.
    pub fn english(&self) -> String {
        let Some(template) = english_template(&self.id) else {
            return self.id.clone();
        };
        let mut out = String::with_capacity(template.len() + 16);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}') {
                Some(close) => {
                    let name = &after[..close];
                    match self.args.get(name) {
                        Some(arg) => out.push_str(&arg.english()),
                        None => {
                            out.push('{');
                            out.push_str(name);
                            out.push('}');
                        }
                    }
                    rest = &after[close + 1..];
                }
                None => {
                    out.push_str(&rest[open..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// Every id in this reason and its nested reasons, this one first.
    pub fn ids(&self) -> Vec<&str> {
        let mut ids = vec![self.id.as_str()];
        for arg in self.args.values() {
            match arg {
                ReasonArg::Reason(r) => ids.extend(r.ids()),
                ReasonArg::List(rs) | ReasonArg::All(rs) => {
                    ids.extend(rs.iter().flat_map(Reason::ids))
                }
                _ => {}
            }
        }
        ids
    }
}

impl ReasonArg {
    /// `kind(x)` for a finite `x`; a NaN or infinity becomes [`ReasonArg::Text`]
    /// (JSON has no such numbers, and a report must stay loadable).
    pub fn finite(x: f64, kind: fn(f64) -> ReasonArg) -> ReasonArg {
        if x.is_finite() {
            kind(x)
        } else {
            ReasonArg::Text(x.to_string())
        }
    }

    /// The argument as English text.
    pub fn english(&self) -> String {
        match self {
            ReasonArg::Count(n) => n.to_string(),
            ReasonArg::Share(x) => format!("{:.0}%", x * 100.0),
            ReasonArg::Decimal(x) => format!("{x:.2}"),
            ReasonArg::Delta(x) => format!("{x:+.2}"),
            ReasonArg::Number(x) => x.to_string(),
            ReasonArg::Text(s) => s.clone(),
            ReasonArg::Reason(r) => r.english(),
            ReasonArg::List(rs) => rs
                .iter()
                .map(Reason::english)
                .collect::<Vec<_>>()
                .join(", "),
            ReasonArg::All(rs) => rs
                .iter()
                .map(Reason::english)
                .collect::<Vec<_>>()
                .join(" and "),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_ids_are_unique_and_fluent_safe() {
        let mut seen = std::collections::HashSet::new();
        for id in reason_ids() {
            assert!(seen.insert(id), "duplicate reason id {id}");
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "reason id {id} must be lowercase kebab-case"
            );
        }
    }

    #[test]
    fn english_formats_each_kind_of_argument() {
        let r = Reason::new("confidence-many-errored-trials")
            .count("errored", 3)
            .count("total", 10)
            .share("rate", 0.3)
            .share("max", 0.2);
        assert_eq!(r.english(), "3 of 10 trials errored (30%), more than 20%");
        let p = Reason::new("status-passed")
            .delta("delta", 0.1234)
            .count("regressed", 0)
            .count("improved", 2);
        assert!(
            p.english().contains("(delta +0.12 ≥ −ε)"),
            "{}",
            p.english()
        );
    }

    #[test]
    fn nested_lists_join_with_commas_and_all_with_and() {
        let r = Reason::new("status-heuristic-failed")
            .nested("cause", Reason::new("cause-kill-switch"))
            .arg(
                "failures",
                ReasonArg::All(vec![
                    Reason::new("cause-safety-failed"),
                    Reason::new("cause-lint-errors"),
                ]),
            );
        assert!(r.english().ends_with(
            "static checks only, and the SafetyReport failed and the draft has lint errors"
        ));
        assert_eq!(
            r.ids(),
            vec![
                "status-heuristic-failed",
                "cause-kill-switch",
                "cause-safety-failed",
                "cause-lint-errors"
            ]
        );
    }

    #[test]
    fn non_finite_numbers_become_text_and_serialize() {
        let r = Reason::new("confidence-wide-interval")
            .decimal("width", f64::NAN)
            .decimal("max", 0.4);
        let json = serde_json::to_string(&r).unwrap();
        let back: Reason = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
        assert!(r.english().contains("is NaN wide"));
    }

    #[test]
    fn missing_argument_stays_visible() {
        let r = Reason::new("cause-budget-spent");
        assert_eq!(r.english(), "the token budget of {budget} was spent");
    }
}
