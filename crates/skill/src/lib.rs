//! Skill documents (SPEC §2.1): everything skillgate can judge about a draft without running a
//! model — SKILL.md parsing, lint, the SafetyReport (§5.5) and the PreservationReport (§5.4).
//!
//! No IO except [`load_dir`]; the store rebuilds folders with [`SkillFolder::from_files`].

pub mod folder;
pub mod lint;
pub mod parse;
pub mod preserve;
pub mod safety;
pub mod text;

pub use folder::{
    FileContent, LoadError, LoadLimits, SKILL_MD, SkillFile, SkillFolder, load_dir,
    load_dir_with_limits,
};
pub use lint::{LintFinding, LintReport, Severity, lint};
pub use parse::{
    FileReference, Frontmatter, FrontmatterState, ReferenceKind, Section, SkillDocument, TextUnit,
    UnitKind,
};
pub use preserve::{
    ImportantBy, Instruction, PreservationConfig, PreservationReport, SectionOutcome,
    SectionPreservation, compare,
};
pub use safety::{SafetyFinding, SafetyReport, scan};

use serde::{Deserialize, Serialize};

/// Configuration of [`check_draft`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct CheckConfig {
    /// Thresholds of the preservation check.
    pub preservation: PreservationConfig,
}

/// The static checks of a draft: lint, SafetyReport and, for a revision, PreservationReport.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftCheck {
    /// Lint findings.
    pub lint: LintReport,
    /// The SafetyReport (includes every lint error).
    pub safety: SafetyReport,
    /// The PreservationReport, when the draft revises a published version.
    pub preservation: Option<PreservationReport>,
}

impl DraftCheck {
    /// Whether safety and (if present) preservation passed.
    pub fn passed(&self) -> bool {
        self.safety.status == skillgate_core::ReportStatus::Passed
            && self
                .preservation
                .as_ref()
                .is_none_or(|p| p.status == skillgate_core::ReportStatus::Passed)
    }

    /// Lint, safety and preservation as text for a terminal.
    pub fn render_text(&self) -> String {
        let mut out = self.lint.render_text();
        out.push_str(&self.safety.render_text());
        match &self.preservation {
            Some(p) => out.push_str(&p.render_text()),
            None => out.push_str("preservation: not applicable (new skill)\n"),
        }
        out
    }
}

/// Runs every static check of a draft; `published` is the version it revises, if any.
pub fn check_draft(
    draft: &SkillFolder,
    published: Option<&SkillFolder>,
    cfg: &CheckConfig,
) -> DraftCheck {
    let lint = lint::lint(draft);
    let safety = safety::scan(draft, &lint);
    let preservation =
        published.map(|p| preserve::compare(&p.document, &draft.document, &cfg.preservation));
    DraftCheck {
        lint,
        safety,
        preservation,
    }
}
