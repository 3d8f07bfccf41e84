//! skillgate's eval (SPEC §3.1, §3.3, §5.1–§5.3): choose replay cases for a
//! draft, replay each case in both arms k times through a provider and the
//! replay tool layer, grade every trial, and report the difference with its
//! uncertainty — or, when replay cannot run, a heuristic report of static
//! checks whose confidence is always low.
//!
//! Entry points: [`run_eval`] (start, or resume the draft's unfinished eval)
//! and [`resume_eval`]. Every trial is stored as it finishes, so a killed eval
//! resumes without repeating finished trials. Statistics and confidence come
//! from `skillgate_core`; persistence from `skillgate_store`.

pub mod engine;
pub mod grade;
pub mod judge;
pub mod report;
pub mod selection;

pub use engine::{
    EvalEnv, EvalError, EvalOutcome, EvalSettings, Progress, ProgressFn, SETTING_REPLAY_DISABLED,
    case_files, rebuild_report, recorded_tools, resume_eval, run_eval, skill_context,
};
pub use grade::{DEFAULT_PASS_THRESHOLD, GradeInput, GraderResult, TrialGrade, grade_trial};
pub use judge::{Judge, JudgeError, JudgeVerdict};
pub use report::{CaseReport, EvalReport};
pub use selection::{Selection, SelectionConfig, select_cases, skill_keywords};

/// Shortens `text` to `max` characters on one line, with an ellipsis.
pub fn truncate(text: &str, max: usize) -> String {
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() <= max {
        one
    } else {
        format!(
            "{}…",
            one.chars().take(max.saturating_sub(1)).collect::<String>()
        )
    }
}
