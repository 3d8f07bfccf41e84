//! Skill intake through the CLI: versions kept, drafts stored with reports, lint exit codes.

mod support;
use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/skills");
    assert!(
        p.is_dir(),
        "shared fixtures missing at {} (CI copies shared/ beside the repo)",
        p.display()
    );
    p
}

fn skillgate(dir: &Path) -> Command {
    support::skillgate_in(dir)
}

fn write_skill(dir: &Path, name: &str, body: &str) -> PathBuf {
    let folder = dir.join(name);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("SKILL.md"),
        format!("---\nname: {name}\ndescription: Summarises notes. Use when asked for a summary.\n---\n{body}"),
    )
    .unwrap();
    folder
}

#[test]
fn a_second_version_keeps_the_first_and_identical_content_adds_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let v1 = write_skill(
        tmp.path(),
        "notes",
        "# When to use\n\nAsk for notes.\n\n# Steps\n\n- Read notes.md\n",
    );
    skillgate(tmp.path())
        .args(["skills", "add"])
        .arg(&v1)
        .assert()
        .success();
    let out = skillgate(tmp.path())
        .args(["skills", "add"])
        .arg(&v1)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("notes v1 is unchanged"));

    write_skill(
        tmp.path(),
        "notes",
        "# When to use\n\nAsk for notes.\n\n# Steps\n\n- Read notes.md\n- Then summarise it\n",
    );
    skillgate(tmp.path())
        .args(["skills", "add"])
        .arg(&v1)
        .assert()
        .success();
    let out = skillgate(tmp.path())
        .args(["--json", "skills", "show", "notes"])
        .output()
        .unwrap();
    let versions: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let versions = versions.as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_ne!(versions[0]["content_hash"], versions[1]["content_hash"]);
}

#[test]
fn draft_dropping_a_keep_section_is_stored_with_a_failed_preservation_report() {
    let tmp = tempfile::tempdir().unwrap();
    let pub_dir = tmp.path().join("published");
    write_skill(
        &pub_dir,
        "notes",
        "## When to use <!-- keep -->\n\nAsk for notes.\n\n## Rules <!-- keep -->\n\n- Never email anyone.\n- Always cite the file.\n",
    );
    skillgate(tmp.path())
        .args(["skills", "add"])
        .arg(pub_dir.join("notes"))
        .assert()
        .success();
    let draft_dir = tmp.path().join("draft");
    write_skill(
        &draft_dir,
        "notes",
        "## When to use <!-- keep -->\n\nAsk for notes.\n",
    );
    let out = skillgate(tmp.path())
        .args(["--json", "draft", "submit"])
        .arg(draft_dir.join("notes"))
        .args(["--revises", "notes"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["revises"], 1);
    assert_eq!(v["check"]["preservation"]["status"], "failed");

    let list = skillgate(tmp.path())
        .args(["--json", "draft", "list"])
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(list[0]["preservation"], "failed");
}

#[test]
fn draft_check_against_a_folder_compares_fixture_revisions() {
    let tmp = tempfile::tempdir().unwrap();
    let f = fixtures().join("executing-plans");
    let out = skillgate(tmp.path())
        .args(["--json", "draft", "check"])
        .arg(f.join("v2"))
        .arg("--against")
        .arg(f.join("v1"))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["preservation"]["sections"]
            .as_array()
            .is_some_and(|s| !s.is_empty())
    );
    assert!(
        !tmp.path().join("skillgate.db").exists(),
        "draft check must not store anything without --revises"
    );
}

#[test]
fn lint_exits_1_on_errors_and_names_the_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("Bad_Name");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("SKILL.md"), "no frontmatter here\n").unwrap();
    let out = skillgate(tmp.path())
        .args(["skills", "lint"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("frontmatter"));
    let good = write_skill(tmp.path(), "good-skill", "# Steps\n\n- Do it.\n");
    skillgate(tmp.path())
        .args(["skills", "lint"])
        .arg(&good)
        .assert()
        .success();
}

#[test]
fn skills_add_refuses_a_broken_skill_and_names_the_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = skillgate(tmp.path())
        .args(["skills", "add", "missing-folder"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing-folder"));
}
