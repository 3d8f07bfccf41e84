//! Helpers shared by every CLI test file (`mod support;`).

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::Path;

/// The real `skillgate` binary, run in `dir`, with every `SKILLGATE_*`
/// variable of the developer's shell removed: a test sees only the database,
/// configuration and provider it sets itself.
pub fn skillgate_in(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("skillgate").unwrap();
    cmd.current_dir(dir);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("SKILLGATE_") {
            cmd.env_remove(key);
        }
    }
    cmd
}
