//! PreservationReport behaviour on small hand-written revisions.

use skillgate_core::ReportStatus;
use skillgate_skill::{
    ImportantBy, PreservationConfig, PreservationReport, SectionOutcome, SkillDocument, compare,
};

const PUBLISHED: &str = "---
name: release-notes
description: Use when writing release notes.
---
# Release notes

Write release notes for a tagged version.

## Gather changes <!-- keep -->

- Read the merged pull requests since the last tag.
- Group the changes into features, fixes and breaking changes.
- Link every entry to its pull request.

## Tone

Keep the tone neutral. Avoid marketing language.

## Safety
<!-- keep -->

- Never publish notes that mention unreleased features.
- Ask the release manager to approve the notes before posting.
- Remove internal ticket numbers from public notes.
";

fn report(published: &str, draft: &str) -> PreservationReport {
    compare(
        &SkillDocument::parse(published),
        &SkillDocument::parse(draft),
        &PreservationConfig::default(),
    )
}

fn section<'a>(r: &'a PreservationReport, title: &str) -> &'a skillgate_skill::SectionPreservation {
    r.sections
        .iter()
        .find(|s| s.title == title)
        .unwrap_or_else(|| panic!("no section {title}: {}", r.render_text()))
}

#[test]
fn keep_markers_choose_the_important_sections() {
    let r = report(PUBLISHED, PUBLISHED);
    assert_eq!(r.important_by, ImportantBy::KeepMarkers);
    let titles: Vec<_> = r.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, vec!["Gather changes", "Safety"]);
    assert_eq!(r.status, ReportStatus::Passed);
}

#[test]
fn dropping_a_keep_section_fails() {
    let draft = PUBLISHED.split("## Safety").next().unwrap().to_string();
    let r = report(PUBLISHED, &draft);
    assert_eq!(r.status, ReportStatus::Failed, "{}", r.render_text());
    assert_eq!(section(&r, "Safety").outcome, SectionOutcome::Dropped);
    assert_eq!(section(&r, "Gather changes").outcome, SectionOutcome::Kept);
    assert_eq!(r.dropped_instructions.len(), 3);
    assert_eq!(r.dropped_instructions[0].line, 22);
    assert!(r.reasons[0].contains("Safety"), "{:?}", r.reasons);
}

#[test]
fn dropping_an_unmarked_section_passes_when_markers_exist() {
    let draft = PUBLISHED.replace(
        "## Tone\n\nKeep the tone neutral. Avoid marketing language.\n",
        "",
    );
    let r = report(PUBLISHED, &draft);
    assert_eq!(r.status, ReportStatus::Passed, "{}", r.render_text());
}

#[test]
fn rewording_passes_as_changed_or_kept() {
    let draft = PUBLISHED
        .replace(
            "Read the merged pull requests since the last tag.",
            "Read all merged pull requests since the previous tag.",
        )
        .replace(
            "Ask the release manager to approve the notes before posting.",
            "Ask the release manager to approve these notes before you post them.",
        );
    let r = report(PUBLISHED, &draft);
    assert_eq!(r.status, ReportStatus::Passed, "{}", r.render_text());
    assert!(r.dropped_instructions.is_empty(), "{}", r.render_text());
    assert!(section(&r, "Safety").similarity < 1.0);
    assert_ne!(section(&r, "Safety").outcome, SectionOutcome::Dropped);
}

#[test]
fn moving_a_section_passes_and_is_marked_moved() {
    let safety = PUBLISHED.split("## Safety").nth(1).unwrap();
    let without = PUBLISHED.split("## Safety").next().unwrap();
    let draft = without.replacen(
        "## Gather changes",
        &format!("## Safety{safety}\n## Gather changes"),
        1,
    );
    let r = report(PUBLISHED, &draft);
    assert_eq!(r.status, ReportStatus::Passed, "{}", r.render_text());
    let s = section(&r, "Safety");
    assert_eq!(s.outcome, SectionOutcome::Kept);
    let moved: Vec<_> = r
        .sections
        .iter()
        .filter(|s| s.moved)
        .map(|s| s.title.as_str())
        .collect();
    assert_eq!(moved, vec!["Safety"], "{}", r.render_text());
}

#[test]
fn renamed_section_is_matched_by_content() {
    let draft = PUBLISHED.replace("## Safety", "## Before publishing");
    let r = report(PUBLISHED, &draft);
    assert_eq!(r.status, ReportStatus::Passed, "{}", r.render_text());
    let s = section(&r, "Safety");
    assert_eq!(s.matched_title.as_deref(), Some("Before publishing"));
    assert_ne!(s.outcome, SectionOutcome::Dropped);
}

#[test]
fn gutting_a_section_under_its_old_title_fails_on_lost_instructions() {
    let draft = PUBLISHED
        .replace(
            "- Never publish notes that mention unreleased features.\n",
            "",
        )
        .replace(
            "- Ask the release manager to approve the notes before posting.\n",
            "",
        )
        .replace(
            "- Remove internal ticket numbers from public notes.\n",
            "- Be careful.\n",
        );
    let r = report(PUBLISHED, &draft);
    assert_eq!(r.status, ReportStatus::Failed, "{}", r.render_text());
    let s = section(&r, "Safety");
    assert_ne!(s.outcome, SectionOutcome::Dropped);
    assert_eq!((s.lost_instructions, s.instructions), (3, 3));
}

#[test]
fn without_markers_the_sections_under_a_single_title_are_top_level() {
    let published = PUBLISHED
        .replace(" <!-- keep -->", "")
        .replace("<!-- keep -->\n", "");
    let r = report(&published, &published);
    assert_eq!(r.important_by, ImportantBy::TopLevel);
    let titles: Vec<_> = r.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, vec!["Gather changes", "Tone", "Safety"]);
    let draft = published.replace(
        "## Tone\n\nKeep the tone neutral. Avoid marketing language.\n",
        "",
    );
    let r = report(&published, &draft);
    assert_eq!(r.status, ReportStatus::Failed);
    assert_eq!(section(&r, "Tone").outcome, SectionOutcome::Dropped);
}

#[test]
fn several_top_level_headings_are_each_important() {
    let published = "# A\n\n- Do one thing.\n\n# B\n\n- Do another thing.\n";
    let r = report(published, "# A\n\n- Do one thing.\n");
    assert_eq!(r.sections.len(), 2);
    assert_eq!(section(&r, "B").outcome, SectionOutcome::Dropped);
}

#[test]
fn chinese_revision_keeps_reworded_instructions() {
    let published = "# 发布 <!-- keep -->\n\n- 发布前必须运行全部测试。\n- 不要在周五发布。\n";
    let draft = "# 发布 <!-- keep -->\n\n- 发布之前必须运行全部测试。\n- 不要在周五发布。\n";
    let r = report(published, draft);
    assert_eq!(r.status, ReportStatus::Passed, "{}", r.render_text());
    assert!(r.dropped_instructions.is_empty());
}

#[test]
fn report_round_trips_through_json() {
    let r = report(PUBLISHED, PUBLISHED);
    let json = serde_json::to_string(&r).unwrap();
    let back: PreservationReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r);
}
