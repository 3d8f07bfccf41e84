//! Classifies every real MCP tool list under `shared/fixtures/mcp-tools`.

use skillgate_core::policy::{Classification, Policy, classify, parse_tool_list_in};
use std::path::PathBuf;

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/mcp-tools")
}

fn load(file: &str) -> Vec<skillgate_core::ToolSpec> {
    let path = fixture_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("cannot read MCP fixture {} ({e}); the shared fixtures must be checked out beside the repository", path.display())
    });
    let toolset = file.split('.').next().unwrap();
    parse_tool_list_in(&text, toolset).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
#[ignore]
fn print_table() {
    let policy = Policy::default();
    let mut files: Vec<_> = std::fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|f| f.ends_with(".json"))
        .collect();
    files.sort();
    for f in files {
        for t in load(&f) {
            let c: Classification = classify(&t, &policy);
            println!(
                "{:<20} {:<42} {:<9} {:<24} {}",
                t.toolset.clone().unwrap(),
                t.name,
                c.mode.as_str(),
                c.rule,
                c.reason
            );
        }
    }
}
