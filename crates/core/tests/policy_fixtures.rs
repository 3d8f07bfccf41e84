//! Classifies every real MCP tool list under `shared/fixtures/mcp-tools`
//! (servers' own names, descriptions and annotations) and checks the choices
//! documented in `docs/tool-policy.md`.

use skillgate_core::policy::{Classification, Policy, classify, parse_tool_list_in};
use skillgate_core::{ToolMode, ToolSpec};
use std::path::PathBuf;

const E: ToolMode = ToolMode::Executed;
const S: ToolMode = ToolMode::Surrogate;
const B: ToolMode = ToolMode::Blocked;

/// The fixture files the documented table covers, in table order.
const FILES: &[&str] = &[
    "brave-search.json",
    "fetch.json",
    "filesystem.json",
    "git.json",
    "github-mcp-server.part-a.json",
    "gitlab.json",
    "gmail.json",
    "memory.json",
    "postgres.json",
    "puppeteer.json",
    "sequential-thinking.json",
    "time.json",
];

/// Expected modes under the default policy (no rules, no workspace toolsets).
/// Toolset = the file name up to the first dot.
const EXPECTED: &[(&str, &str, ToolMode)] = &[
    ("brave-search", "brave_web_search", E),
    ("brave-search", "brave_local_search", E),
    ("fetch", "fetch", E),
    ("filesystem", "read_file", E),
    ("filesystem", "read_text_file", E),
    ("filesystem", "read_media_file", E),
    ("filesystem", "read_multiple_files", E),
    ("filesystem", "write_file", S),
    ("filesystem", "edit_file", S),
    ("filesystem", "create_directory", S),
    ("filesystem", "list_directory", E),
    ("filesystem", "list_directory_with_sizes", E),
    ("filesystem", "directory_tree", E),
    ("filesystem", "move_file", S),
    ("filesystem", "search_files", E),
    ("filesystem", "get_file_info", E),
    ("filesystem", "list_allowed_directories", E),
    ("git", "git_status", E),
    ("git", "git_diff_unstaged", E),
    ("git", "git_diff_staged", E),
    ("git", "git_diff", E),
    ("git", "git_commit", S),
    ("git", "git_add", S),
    ("git", "git_reset", S),
    ("git", "git_log", E),
    ("git", "git_create_branch", S),
    ("git", "git_checkout", S),
    ("git", "git_show", E),
    ("git", "git_branch", E),
    ("github-mcp-server", "add_comment_to_pending_review", S),
    ("github-mcp-server", "add_issue_comment", S),
    ("github-mcp-server", "add_issue_comment_reaction", S),
    ("github-mcp-server", "add_issue_reaction", S),
    ("github-mcp-server", "add_pull_request_review_comment", S),
    (
        "github-mcp-server",
        "add_pull_request_review_comment_reaction",
        S,
    ),
    ("github-mcp-server", "add_reply_to_pull_request_comment", S),
    ("github-mcp-server", "create_branch", S),
    ("github-mcp-server", "create_gist", S),
    ("github-mcp-server", "create_issue", S),
    ("github-mcp-server", "create_or_update_file", S),
    ("github-mcp-server", "create_pull_request", S),
    ("github-mcp-server", "create_pull_request_review", S),
    ("github-mcp-server", "create_repository", S),
    ("github-mcp-server", "fork_repository", S),
    ("github-mcp-server", "get_commit", E),
    ("github-mcp-server", "get_file_blame", E),
    ("github-mcp-server", "get_file_contents", E),
    ("github-mcp-server", "get_gist", E),
    ("github-mcp-server", "get_label", E),
    ("github-mcp-server", "get_latest_release", E),
    ("github-mcp-server", "get_me", E),
    ("github-mcp-server", "get_release_by_tag", E),
    ("github-mcp-server", "get_repository_tree", E),
    ("github-mcp-server", "get_tag", E),
    ("github-mcp-server", "get_team_members", E),
    ("github-mcp-server", "get_teams", E),
    ("github-mcp-server", "issue_read", E),
    ("github-mcp-server", "issue_write", S),
    ("github-mcp-server", "label_write", B),
    ("github-mcp-server", "list_branches", E),
    ("github-mcp-server", "list_commits", E),
    ("github-mcp-server", "list_gists", E),
    ("github-mcp-server", "list_issue_fields", E),
    ("github-mcp-server", "list_issue_types", E),
    ("github-mcp-server", "list_issues", E),
    ("github-mcp-server", "list_label", E),
    ("github-mcp-server", "list_pull_requests", E),
    ("github-mcp-server", "list_releases", E),
    ("github-mcp-server", "list_repository_collaborators", E),
    ("github-mcp-server", "list_starred_repositories", E),
    ("github-mcp-server", "list_tags", E),
    ("github-mcp-server", "merge_pull_request", S),
    ("github-mcp-server", "pull_request_read", E),
    ("github-mcp-server", "pull_request_review_write", B),
    ("github-mcp-server", "push_files", S),
    ("github-mcp-server", "request_pull_request_reviewers", S),
    ("github-mcp-server", "resolve_review_thread", S),
    ("github-mcp-server", "search_code", E),
    ("github-mcp-server", "search_commits", E),
    ("github-mcp-server", "search_issues", E),
    ("github-mcp-server", "search_orgs", E),
    ("github-mcp-server", "search_pull_requests", E),
    ("github-mcp-server", "search_repositories", E),
    ("github-mcp-server", "search_users", E),
    ("github-mcp-server", "set_issue_fields", S),
    ("github-mcp-server", "star_repository", S),
    ("github-mcp-server", "submit_pending_pull_request_review", S),
    ("github-mcp-server", "unresolve_review_thread", S),
    ("github-mcp-server", "unstar_repository", S),
    ("github-mcp-server", "update_gist", S),
    ("github-mcp-server", "update_issue_assignees", S),
    ("github-mcp-server", "update_issue_body", S),
    ("github-mcp-server", "update_issue_labels", S),
    ("github-mcp-server", "update_issue_milestone", S),
    ("github-mcp-server", "update_issue_state", S),
    ("github-mcp-server", "update_issue_title", S),
    ("github-mcp-server", "update_issue_type", B),
    ("github-mcp-server", "update_pull_request", S),
    ("github-mcp-server", "update_pull_request_body", S),
    ("github-mcp-server", "update_pull_request_branch", S),
    ("github-mcp-server", "update_pull_request_draft_state", S),
    ("github-mcp-server", "update_pull_request_state", S),
    ("github-mcp-server", "update_pull_request_title", S),
    ("gitlab", "create_or_update_file", S),
    ("gitlab", "search_repositories", E),
    ("gitlab", "create_repository", S),
    ("gitlab", "get_file_contents", E),
    ("gitlab", "push_files", S),
    ("gitlab", "create_issue", S),
    ("gitlab", "create_merge_request", S),
    ("gitlab", "fork_repository", S),
    ("gitlab", "create_branch", S),
    ("gmail", "send_email", S),
    ("gmail", "draft_email", S),
    ("gmail", "read_email", E),
    ("gmail", "search_emails", E),
    ("gmail", "modify_email", S),
    ("gmail", "delete_email", B),
    ("gmail", "list_email_labels", E),
    ("gmail", "batch_modify_emails", S),
    ("gmail", "batch_delete_emails", B),
    ("gmail", "create_label", S),
    ("gmail", "update_label", S),
    ("gmail", "delete_label", B),
    ("gmail", "get_or_create_label", S),
    ("gmail", "create_filter", S),
    ("gmail", "list_filters", E),
    ("gmail", "get_filter", E),
    ("gmail", "delete_filter", B),
    ("gmail", "create_filter_from_template", S),
    ("gmail", "download_attachment", S),
    ("memory", "create_entities", S),
    ("memory", "create_relations", S),
    ("memory", "add_observations", S),
    ("memory", "delete_entities", B),
    ("memory", "delete_observations", B),
    ("memory", "delete_relations", B),
    ("memory", "read_graph", E),
    ("memory", "search_nodes", E),
    ("memory", "open_nodes", E),
    ("postgres", "query", S),
    ("puppeteer", "puppeteer_navigate", E),
    ("puppeteer", "puppeteer_screenshot", E),
    ("puppeteer", "puppeteer_click", S),
    ("puppeteer", "puppeteer_fill", S),
    ("puppeteer", "puppeteer_select", S),
    ("puppeteer", "puppeteer_hover", E),
    ("puppeteer", "puppeteer_evaluate", S),
    ("sequential-thinking", "sequentialthinking", E),
    ("time", "get_current_time", E),
    ("time", "convert_time", E),
];

/// Local writes that are simulated by default and executed when their
/// toolset is a workspace toolset.
const WORKSPACE_WRITES: &[(&str, &str)] = &[
    ("filesystem", "write_file"),
    ("filesystem", "edit_file"),
    ("filesystem", "create_directory"),
    ("filesystem", "move_file"),
    ("git", "git_commit"),
    ("git", "git_add"),
    ("git", "git_reset"),
    ("git", "git_create_branch"),
    ("git", "git_checkout"),
    ("memory", "create_entities"),
    ("memory", "create_relations"),
    ("memory", "add_observations"),
];

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/mcp-tools")
}

fn toolset_of(file: &str) -> &str {
    file.split('.').next().unwrap_or(file)
}

fn load(file: &str) -> Vec<ToolSpec> {
    let path = fixture_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read MCP fixture {} ({e}): the shared fixtures must sit at ../shared/fixtures beside the repository checkout",
            path.display()
        )
    });
    parse_tool_list_in(&text, toolset_of(file))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn all_fixture_files() -> Vec<String> {
    let dir = fixture_dir();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "cannot list MCP fixtures in {} ({e}): check out the shared fixtures",
            dir.display()
        )
    });
    let mut files: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|f| f.ends_with(".json"))
        .collect();
    files.sort();
    files
}

fn expected(toolset: &str, name: &str) -> Option<ToolMode> {
    EXPECTED
        .iter()
        .find(|(s, n, _)| *s == toolset && *n == name)
        .map(|e| e.2)
}

#[test]
fn every_documented_fixture_tool_has_its_expected_mode() {
    let policy = Policy::default();
    let mut seen = 0;
    let mut wrong = Vec::new();
    for file in FILES {
        let toolset = toolset_of(file);
        for t in load(file) {
            let Some(expected) = expected(toolset, &t.name) else {
                wrong.push(format!("{toolset}/{}: no expectation; add one", t.name));
                continue;
            };
            seen += 1;
            let c = classify(&t, &policy);
            if c.mode != expected {
                wrong.push(format!(
                    "{toolset}/{}: expected {expected}, got {} by {} ({})",
                    t.name, c.mode, c.rule, c.reason
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(
        seen,
        EXPECTED.len(),
        "every expectation names a fixture tool"
    );
}

#[test]
fn workspace_toolsets_run_local_writes_but_never_deletes() {
    let policy =
        Policy::from_toml(r#"workspace_toolsets = ["filesystem", "git", "memory"]"#).unwrap();
    for file in ["filesystem.json", "git.json", "memory.json"] {
        let toolset = toolset_of(file);
        for t in load(file) {
            let c = classify(&t, &policy);
            let want = if t.name.starts_with("delete_") { B } else { E };
            assert_eq!(
                c.mode, want,
                "{toolset}/{}: {} ({})",
                t.name, c.rule, c.reason
            );
            let is_write = WORKSPACE_WRITES.contains(&(toolset, t.name.as_str()));
            let by_default = expected(toolset, &t.name);
            assert_eq!(
                by_default == Some(S),
                is_write,
                "{toolset}/{}: simulated by default exactly when it is a local write",
                t.name
            );
        }
    }
}

#[test]
fn every_fixture_tool_gets_a_known_rule_and_a_one_sentence_reason() {
    let known = [
        "annotation:read-only",
        "annotation:destructive",
        "annotation:open-world",
        "annotation:closed-world",
        "verb:read",
        "verb:compute",
        "verb:write",
        "verb:execute",
        "verb:send",
        "verb:delete",
        "verb:permission",
        "verb:credential",
        "verb:payment",
        "schema:execute",
        "default",
    ];
    let policy = Policy::default();
    let mut count = 0;
    for file in all_fixture_files() {
        for t in load(&file) {
            count += 1;
            let c = classify(&t, &policy);
            assert!(
                known.contains(&c.rule.as_str()),
                "{}: unknown rule {}",
                t.name,
                c.rule
            );
            assert!(
                c.reason.len() > 20 && !c.reason.contains('\n'),
                "{}: {}",
                t.name,
                c.reason
            );
            assert_eq!(classify(&t, &policy), c, "classification is deterministic");
        }
    }
    assert!(count >= EXPECTED.len(), "found {count} fixture tools");
}

#[test]
fn no_fixture_tool_that_declares_or_names_a_write_is_executed_without_isolation() {
    let policy = Policy::default();
    for file in all_fixture_files() {
        for t in load(&file) {
            let c = classify(&t, &policy);
            let hints = t.annotations.clone().unwrap_or_default();
            let destructive = hints.destructive_hint == Some(true);
            if destructive || hints.read_only_hint == Some(false) {
                assert_ne!(
                    c.mode, E,
                    "{}: declared write executed ({})",
                    t.name, c.reason
                );
            }
            let first = t.name.split('_').next().unwrap_or("");
            if ["delete", "remove", "destroy", "drop", "purge", "wipe"].contains(&first) {
                assert_eq!(c.mode, B, "{}: {}", t.name, c.reason);
            }
            if ["send", "post", "publish", "reply", "invite", "share"].contains(&first) {
                assert_eq!(c.mode, S, "{}: {}", t.name, c.reason);
            }
            if hints.read_only_hint == Some(true)
                && !destructive
                && ["get", "list", "read", "search"].contains(&first)
            {
                assert!(
                    c.mode == E || c.rule == "verb:credential",
                    "{}: {c:?}",
                    t.name
                );
            }
        }
    }
}

/// The markdown table of `docs/tool-policy.md`.
fn render_table() -> String {
    let default = Policy::default();
    let ws = Policy::from_toml(r#"workspace_toolsets = ["filesystem", "git"]"#).unwrap();
    let mut out = String::from(
        "| toolset | tool | mode | rule | with `workspace_toolsets = [\"filesystem\", \"git\"]` |\n|---|---|---|---|---|\n",
    );
    for file in FILES {
        for t in load(file) {
            let c: Classification = classify(&t, &default);
            let w = classify(&t, &ws);
            let changed = if w.mode == c.mode {
                String::new()
            } else {
                format!("{} (`{}`)", w.mode, w.rule)
            };
            out.push_str(&format!(
                "| {} | `{}` | {} | `{}` | {} |\n",
                toolset_of(file),
                t.name,
                c.mode,
                c.rule,
                changed
            ));
        }
    }
    out
}

#[test]
fn documented_fixture_table_matches_the_classifier() {
    let doc_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/tool-policy.md");
    let doc = std::fs::read_to_string(&doc_path)
        .unwrap_or_else(|e| panic!("cannot read {} ({e})", doc_path.display()));
    let begin = "<!-- fixture-table:begin -->\n";
    let end = "<!-- fixture-table:end -->";
    let (Some(b), Some(e)) = (doc.find(begin), doc.find(end)) else {
        panic!(
            "{} lacks the {begin:?} / {end:?} markers",
            doc_path.display()
        );
    };
    let documented = &doc[b + begin.len()..e];
    let actual = render_table();
    assert!(
        documented == actual,
        "docs/tool-policy.md is out of date; replace the table between the markers with:\n{actual}"
    );
}
