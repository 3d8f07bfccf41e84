//! Lint of a skill folder against SPEC §2.1: frontmatter, name, description, body, references,
//! file sizes. Every finding names file, line and a stable rule id.

use crate::folder::{FileContent, SKILL_MD, SkillFolder};
use crate::parse::{FrontmatterState, ReferenceKind};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Benign in context, or for the record.
    Info,
    /// Worth a look; does not fail a report.
    Warning,
    /// Blocks: fails the safety report.
    Error,
}

impl Severity {
    /// `info`, `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One lint finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LintFinding {
    /// File relative to the skill folder.
    pub file: String,
    /// 1-based line (1 when the finding concerns the whole file).
    pub line: usize,
    /// Stable rule id, e.g. `name-folder-mismatch`.
    pub rule: String,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// The lint findings of a skill folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LintReport {
    /// Findings sorted by file, line, rule.
    pub findings: Vec<LintFinding>,
}

impl LintReport {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// The error findings.
    pub fn errors(&self) -> impl Iterator<Item = &LintFinding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }

    /// Findings with a given rule id.
    pub fn with_rule<'a>(&'a self, rule: &'a str) -> impl Iterator<Item = &'a LintFinding> {
        self.findings.iter().filter(move |f| f.rule == rule)
    }

    /// One line per finding (`file:line: severity [rule] message`) and a count line.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        for f in &self.findings {
            let _ = writeln!(
                out,
                "{}:{}: {} [{}] {}",
                f.file,
                f.line,
                f.severity.as_str(),
                f.rule,
                f.message
            );
        }
        let count = |s| self.findings.iter().filter(|f| f.severity == s).count();
        let _ = writeln!(
            out,
            "lint: {} errors, {} warnings, {} notes",
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info)
        );
        out
    }
}

/// Top-level frontmatter keys of the Agent Skills format.
pub const KNOWN_KEYS: [&str; 5] = [
    "name",
    "description",
    "license",
    "allowed-tools",
    "metadata",
];
/// Longest allowed `name`.
pub const MAX_NAME_CHARS: usize = 64;
/// Longest allowed `description`.
pub const MAX_DESCRIPTION_CHARS: usize = 1024;

const WHEN_WORDS: [&str; 8] = [
    "when", "whenever", "use", "used", "using", "if", "before", "after",
];
const WHEN_WORDS_ZH: [&str; 7] = ["使用", "当", "當", "用于", "用於", "适用", "適用"];

/// Whether a description says when to use the skill (heuristic on words like "when", "use",
/// "使用", "当").
pub fn says_when(description: &str) -> bool {
    let lower = description.to_lowercase();
    lower
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| WHEN_WORDS.contains(&w))
        || WHEN_WORDS_ZH.iter().any(|w| description.contains(w))
}

/// Lints a skill folder.
pub fn lint(folder: &SkillFolder) -> LintReport {
    let mut findings = Vec::new();
    let mut add = |file: &str, line: usize, rule: &str, severity: Severity, message: String| {
        findings.push(LintFinding {
            file: file.to_string(),
            line,
            rule: rule.to_string(),
            severity,
            message,
        });
    };
    let doc = &folder.document;
    match &doc.frontmatter {
        FrontmatterState::Missing => add(
            SKILL_MD,
            1,
            "frontmatter-missing",
            Severity::Error,
            "SKILL.md must start with YAML frontmatter: a `---` line, `name:` and `description:`, then `---`".into(),
        ),
        FrontmatterState::Unterminated => add(
            SKILL_MD,
            1,
            "frontmatter-unterminated",
            Severity::Error,
            "the frontmatter opened by `---` on line 1 is never closed: add a `---` line after the last key".into(),
        ),
        FrontmatterState::Invalid { line, message } => add(
            SKILL_MD,
            *line,
            "frontmatter-invalid-yaml",
            Severity::Error,
            format!("frontmatter is not a valid YAML mapping: {message}"),
        ),
        FrontmatterState::Parsed(fm) => {
            for key in &fm.keys {
                if !KNOWN_KEYS.contains(&key.name.as_str()) {
                    add(
                        SKILL_MD,
                        key.line,
                        "frontmatter-unknown-key",
                        Severity::Warning,
                        format!(
                            "unknown frontmatter key `{}`: known keys are {}; put custom data under `metadata:`",
                            key.name,
                            KNOWN_KEYS.join(", ")
                        ),
                    );
                }
            }
            match fm.value.get("name") {
                None => add(
                    SKILL_MD,
                    1,
                    "name-missing",
                    Severity::Error,
                    format!(
                        "frontmatter has no `name`: add `name: {}`",
                        folder.folder_name
                    ),
                ),
                Some(v) => match v.as_str() {
                    None => add(
                        SKILL_MD,
                        fm.line_of("name"),
                        "name-invalid",
                        Severity::Error,
                        "`name` must be a string of lowercase letters, digits and hyphens".into(),
                    ),
                    Some(name) => {
                        let line = fm.line_of("name");
                        if name.chars().count() > MAX_NAME_CHARS {
                            add(
                                SKILL_MD,
                                line,
                                "name-too-long",
                                Severity::Error,
                                format!(
                                    "`name` has {} characters; the limit is {MAX_NAME_CHARS}",
                                    name.chars().count()
                                ),
                            );
                        }
                        if !valid_name(name) {
                            add(
                                SKILL_MD,
                                line,
                                "name-invalid",
                                Severity::Error,
                                format!(
                                    "`name: {name}` must use only lowercase letters, digits and single hyphens (e.g. `{}`)",
                                    suggest_name(name)
                                ),
                            );
                        }
                        if name != folder.folder_name {
                            add(
                                SKILL_MD,
                                line,
                                "name-folder-mismatch",
                                Severity::Error,
                                format!(
                                    "`name: {name}` does not match the folder name `{}`: rename one of them",
                                    folder.folder_name
                                ),
                            );
                        }
                    }
                },
            }
            match fm.value.get("description") {
                None => add(
                    SKILL_MD,
                    1,
                    "description-missing",
                    Severity::Error,
                    "frontmatter has no `description`: say what the skill does and when to use it".into(),
                ),
                Some(v) => match v.as_str() {
                    None => add(
                        SKILL_MD,
                        fm.line_of("description"),
                        "description-invalid",
                        Severity::Error,
                        "`description` must be a string".into(),
                    ),
                    Some(d) => {
                        let line = fm.line_of("description");
                        let n = d.chars().count();
                        if d.trim().is_empty() {
                            add(
                                SKILL_MD,
                                line,
                                "description-missing",
                                Severity::Error,
                                "`description` is empty: say what the skill does and when to use it".into(),
                            );
                        } else {
                            if n > MAX_DESCRIPTION_CHARS {
                                add(
                                    SKILL_MD,
                                    line,
                                    "description-too-long",
                                    Severity::Error,
                                    format!(
                                        "`description` has {n} characters; the limit is {MAX_DESCRIPTION_CHARS}: move details into the body"
                                    ),
                                );
                            }
                            if !says_when(d) {
                                add(
                                    SKILL_MD,
                                    line,
                                    "description-no-when",
                                    Severity::Warning,
                                    "`description` does not say when to use the skill: add e.g. \"Use when …\"".into(),
                                );
                            }
                        }
                    }
                },
            }
            if let Some(v) = fm.value.get("license")
                && !v.is_string()
            {
                add(
                    SKILL_MD,
                    fm.line_of("license"),
                    "field-invalid",
                    Severity::Warning,
                    "`license` should be a string (an SPDX id or a file name)".into(),
                );
            }
            if let Some(v) = fm.value.get("allowed-tools") {
                let ok = v.is_string()
                    || v.as_array()
                        .is_some_and(|a| a.iter().all(|x| x.is_string()));
                if !ok {
                    add(
                        SKILL_MD,
                        fm.line_of("allowed-tools"),
                        "field-invalid",
                        Severity::Warning,
                        "`allowed-tools` should be a string or a list of tool names".into(),
                    );
                }
            }
            if let Some(v) = fm.value.get("metadata")
                && !v.is_object()
            {
                add(
                    SKILL_MD,
                    fm.line_of("metadata"),
                    "field-invalid",
                    Severity::Warning,
                    "`metadata` should be a mapping of keys to values".into(),
                );
            }
        }
    }

    if doc.body().trim().is_empty() {
        add(
            SKILL_MD,
            doc.body_start_line,
            "body-empty",
            Severity::Error,
            "SKILL.md has no body after the frontmatter: write the instructions the agent should follow".into(),
        );
    }

    for r in &doc.references {
        let exists = folder.file(&r.target).is_some() || {
            let prefix = format!("{}/", r.target.trim_end_matches('/'));
            folder.files.iter().any(|f| f.path.starts_with(&prefix))
        };
        if !exists {
            let (severity, how) = match r.kind {
                ReferenceKind::Link => (Severity::Error, "link"),
                ReferenceKind::CodeSpan => (Severity::Warning, "path"),
            };
            add(
                SKILL_MD,
                r.line,
                "reference-missing",
                severity,
                format!(
                    "{how} to `{}` but the skill folder has no such file: bundle it or fix the path",
                    r.target
                ),
            );
        }
    }

    for f in &folder.files {
        if f.content == FileContent::Oversized {
            add(
                &f.path,
                1,
                "file-too-large",
                Severity::Error,
                format!(
                    "{} is {} bytes, over the limit of {} bytes: remove it or shrink it",
                    f.path, f.size, folder.limits.max_file_bytes
                ),
            );
        } else if f.is_binary() {
            add(
                &f.path,
                1,
                "file-binary",
                Severity::Info,
                format!("{} is binary: listed, not scanned", f.path),
            );
        }
    }

    findings.sort_by(|a, b| {
        (a.file != SKILL_MD, &a.file, a.line, &a.rule).cmp(&(
            b.file != SKILL_MD,
            &b.file,
            b.line,
            &b.rule,
        ))
    });
    LintReport { findings }
}

/// Whether `name` is lowercase letters, digits and single inner hyphens.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
}

fn suggest_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "my-skill".into()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str, md: &str, extra: &[(&str, &[u8])]) -> SkillFolder {
        let mut files = vec![("SKILL.md".to_string(), md.as_bytes().to_vec())];
        for (p, b) in extra {
            files.push((p.to_string(), b.to_vec()));
        }
        SkillFolder::from_files(name, files).unwrap()
    }

    fn rules(r: &LintReport) -> Vec<&str> {
        r.findings.iter().map(|f| f.rule.as_str()).collect()
    }

    const GOOD: &str = "---\nname: good-skill\ndescription: Formats reports. Use when the user asks for a report.\n---\n# Good\n\nRead [the guide](references/guide.md).\n";

    #[test]
    fn good_skill_has_no_findings() {
        let f = folder("good-skill", GOOD, &[("references/guide.md", b"guide")]);
        let r = lint(&f);
        assert!(r.findings.is_empty(), "{}", r.render_text());
    }

    #[test]
    fn missing_frontmatter_is_an_error() {
        let r = lint(&folder("s", "# Title\n\nbody\n", &[]));
        assert_eq!(rules(&r), vec!["frontmatter-missing"]);
        assert!(r.has_errors());
    }

    #[test]
    fn invalid_yaml_is_an_error_with_line() {
        let r = lint(&folder(
            "s",
            "---\nname: s\ndescription: \"open\n---\nbody\n",
            &[],
        ));
        let f = r.with_rule("frontmatter-invalid-yaml").next().unwrap();
        assert!(f.line >= 2, "{f:?}");
    }

    #[test]
    fn unterminated_frontmatter_is_an_error() {
        let r = lint(&folder("s", "---\nname: s\n", &[]));
        assert!(r.with_rule("frontmatter-unterminated").next().is_some());
    }

    #[test]
    fn bad_name_format_is_an_error_with_suggestion() {
        let md =
            "---\nname: Verification-Before-Completion\ndescription: Use when done.\n---\nbody\n";
        let r = lint(&folder("verification-before-completion", md, &[]));
        let f = r.with_rule("name-invalid").next().unwrap();
        assert_eq!(f.line, 2);
        assert!(
            f.message.contains("verification-before-completion"),
            "{}",
            f.message
        );
        assert!(r.with_rule("name-folder-mismatch").next().is_some());
    }

    #[test]
    fn long_name_is_an_error() {
        let name = "a".repeat(65);
        let md = format!("---\nname: {name}\ndescription: Use when x.\n---\nbody\n");
        let r = lint(&folder(&name, &md, &[]));
        assert_eq!(rules(&r), vec!["name-too-long"]);
    }

    #[test]
    fn name_must_match_folder() {
        let r = lint(&folder("other", GOOD, &[("references/guide.md", b"g")]));
        assert_eq!(rules(&r), vec!["name-folder-mismatch"]);
    }

    #[test]
    fn missing_description_is_an_error() {
        let r = lint(&folder("s", "---\nname: s\n---\nbody\n", &[]));
        assert_eq!(rules(&r), vec!["description-missing"]);
    }

    #[test]
    fn long_description_is_an_error() {
        let d = format!("Use when {}", "x".repeat(1100));
        let md = format!("---\nname: s\ndescription: {d}\n---\nbody\n");
        let r = lint(&folder("s", &md, &[]));
        assert_eq!(rules(&r), vec!["description-too-long"]);
    }

    #[test]
    fn description_without_when_is_a_warning() {
        let md = "---\nname: s\ndescription: Formats reports nicely.\n---\nbody\n";
        let r = lint(&folder("s", md, &[]));
        assert_eq!(rules(&r), vec!["description-no-when"]);
        assert!(!r.has_errors());
        let zh = "---\nname: s\ndescription: 当用户需要报告时使用。\n---\nbody\n";
        assert!(lint(&folder("s", zh, &[])).findings.is_empty());
    }

    #[test]
    fn unknown_key_is_a_warning_known_keys_are_not() {
        let md = "---\nname: s\ndescription: Use when x.\nlicense: MIT\nallowed-tools: [Read]\nmetadata:\n  a: 1\nversion: 2\n---\nbody\n";
        let r = lint(&folder("s", md, &[]));
        assert_eq!(rules(&r), vec!["frontmatter-unknown-key"]);
        assert_eq!(r.findings[0].line, 8);
    }

    #[test]
    fn mistyped_optional_fields_are_warnings() {
        let md = "---\nname: s\ndescription: Use when x.\nlicense: 3\nallowed-tools: {a: 1}\nmetadata: text\n---\nbody\n";
        let r = lint(&folder("s", md, &[]));
        let lines: Vec<_> = r.with_rule("field-invalid").map(|f| f.line).collect();
        assert_eq!(lines, vec![4, 5, 6]);
        assert!(!r.has_errors());
    }

    #[test]
    fn empty_body_is_an_error() {
        let r = lint(&folder(
            "s",
            "---\nname: s\ndescription: Use when x.\n---\n\n  \n",
            &[],
        ));
        assert_eq!(rules(&r), vec!["body-empty"]);
    }

    #[test]
    fn missing_referenced_files_are_reported() {
        let md = "---\nname: s\ndescription: Use when x.\n---\nSee [a](references/a.md) and run `scripts/b.py`. Also `scripts/ok.sh` and [web](https://e.com).\n";
        let r = lint(&folder("s", md, &[("scripts/ok.sh", b"echo")]));
        let got: Vec<_> = r
            .with_rule("reference-missing")
            .map(|f| (f.severity, f.line))
            .collect();
        assert_eq!(got, vec![(Severity::Error, 5), (Severity::Warning, 5)]);
    }

    #[test]
    fn oversized_files_are_errors() {
        let limits = crate::folder::LoadLimits {
            max_file_bytes: 100,
            ..Default::default()
        };
        let f = SkillFolder::from_files_with_limits(
            "s",
            vec![
                (
                    "SKILL.md".into(),
                    b"---\nname: s\ndescription: Use when x.\n---\nb\n".to_vec(),
                ),
                ("assets/big.bin".into(), vec![1; 200]),
            ],
            limits,
        )
        .unwrap();
        let r = lint(&f);
        assert_eq!(rules(&r), vec!["file-too-large"]);
    }
}
