//! The per-trial replay workspace: a fresh temporary copy of the case's files, and the path
//! resolution every file tool goes through.
//!
//! A tool path is resolved against the workspace root: `/workspace/...` and `~/...` name the
//! workspace (it is `$HOME` inside the sandbox), any other absolute path and any `..` component
//! are refused, and the result is canonicalised on the host so a symlink that leaves the
//! workspace (for instance one a sandboxed command created) is refused too.

use crate::error::ToolError;
use crate::sandbox::SANDBOX_WORKSPACE;
use std::path::{Component, Path, PathBuf};

/// A fresh workspace directory, deleted when dropped.
#[derive(Debug)]
pub(crate) struct Workspace {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Workspace {
    /// Creates a temporary workspace and copies `files` (relative path, content) into it.
    pub(crate) fn create(files: &[(String, Vec<u8>)]) -> Result<Workspace, ToolError> {
        let tmp = std::env::temp_dir();
        let dir = tempfile::Builder::new()
            .prefix("skillgate-replay-")
            .tempdir_in(&tmp)
            .map_err(|source| ToolError::Workspace {
                dir: tmp.clone(),
                source,
            })?;
        let root = dir.path().join("workspace");
        let io = |dir: &Path| {
            let dir = dir.to_path_buf();
            move |source| ToolError::Workspace { dir, source }
        };
        std::fs::create_dir(&root).map_err(io(&root))?;
        let root = std::fs::canonicalize(&root).map_err(io(&root))?;
        for (path, content) in files {
            let rel = relative_case_path(path)?;
            let dest = root.join(rel);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent).map_err(io(parent))?;
            }
            std::fs::write(&dest, content).map_err(io(&dest))?;
        }
        Ok(Workspace { _dir: dir, root })
    }

    /// The canonical host path of the workspace root.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }
}

impl Drop for Workspace {
    /// A command may have left directories without write or search permission; restore them
    /// (never through symlinks) so the temporary directory can be removed.
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        let mut stack = vec![self.root.clone()];
        while let Some(dir) = stack.pop() {
            let Ok(meta) = std::fs::symlink_metadata(&dir) else {
                continue;
            };
            if !meta.is_dir() {
                continue;
            }
            let mode = meta.permissions().mode();
            if mode & 0o700 != 0o700 {
                let _ =
                    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode | 0o700));
            }
            if let Ok(rd) = std::fs::read_dir(&dir) {
                stack.extend(rd.filter_map(Result::ok).map(|e| e.path()));
            }
        }
    }
}

fn relative_case_path(path: &str) -> Result<PathBuf, ToolError> {
    let bad = |why: &str| ToolError::InvalidCaseFile {
        path: path.to_string(),
        why: why.to_string(),
    };
    let p = Path::new(path);
    if path.trim().is_empty() {
        return Err(bad("the path is empty"));
    }
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::CurDir => {}
            Component::ParentDir => return Err(bad("it contains '..'")),
            Component::RootDir | Component::Prefix(_) => return Err(bad("it is absolute")),
        }
    }
    if out.as_os_str().is_empty() {
        return Err(bad("it names no file"));
    }
    Ok(out)
}

/// Why a tool path was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathEscape {
    /// The path as the agent gave it.
    pub path: String,
    /// Why it was refused.
    pub why: String,
}

/// Resolves a tool path against the workspace `root` (canonical). Returns the host path, which
/// may not exist yet; refuses anything that is, or through a symlink leads, outside the root.
pub fn resolve(root: &Path, path: &str) -> Result<PathBuf, PathEscape> {
    let escape = |why: String| PathEscape {
        path: path.to_string(),
        why,
    };
    let trimmed = path.trim();
    let rel: &str =
        if trimmed.is_empty() || trimmed == "." || trimmed == "~" || trimmed == SANDBOX_WORKSPACE {
            ""
        } else if let Some(r) = trimmed.strip_prefix("~/") {
            r
        } else if let Some(r) = trimmed
            .strip_prefix(SANDBOX_WORKSPACE)
            .and_then(|r| r.strip_prefix('/'))
        {
            r
        } else {
            trimmed
        };
    let mut lexical = root.to_path_buf();
    for c in Path::new(rel).components() {
        match c {
            Component::Normal(n) => lexical.push(n),
            Component::CurDir => {}
            Component::ParentDir => return Err(escape("it contains '..'".into())),
            Component::RootDir | Component::Prefix(_) => {
                return Err(escape(format!(
                    "absolute paths outside {SANDBOX_WORKSPACE} are not part of the replay workspace"
                )));
            }
        }
    }
    // Canonicalise the longest existing prefix; the rest does not exist yet, so holds no link.
    let mut existing = lexical.clone();
    let mut rest = Vec::new();
    loop {
        match std::fs::canonicalize(&existing) {
            Ok(real) => {
                if !real.starts_with(root) {
                    return Err(escape(format!(
                        "it resolves through a symlink to {}, outside the replay workspace",
                        real.display()
                    )));
                }
                let mut full = real;
                full.extend(rest.iter().rev());
                return Ok(full);
            }
            Err(_) => {
                // A dangling symlink is refused: its target is unknown territory.
                if std::fs::symlink_metadata(&existing).is_ok_and(|m| m.file_type().is_symlink()) {
                    return Err(escape("it is a symlink whose target does not exist".into()));
                }
                match (
                    existing.file_name().map(|n| n.to_owned()),
                    existing.parent(),
                ) {
                    (Some(name), Some(parent)) if existing != root => {
                        rest.push(name);
                        existing = parent.to_path_buf();
                    }
                    _ => return Err(escape("the replay workspace is gone".into())),
                }
            }
        }
    }
}

/// The path as the agent should see it (`/workspace/...`).
pub fn display_path(root: &Path, host: &Path) -> String {
    match host.strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => SANDBOX_WORKSPACE.to_string(),
        Ok(rel) => format!("{SANDBOX_WORKSPACE}/{}", rel.display()),
        Err(_) => host.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ws() -> (tempfile::TempDir, PathBuf) {
        let d = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(d.path()).unwrap();
        std::fs::create_dir(root.join("sub")).unwrap();
        (d, root)
    }

    #[test]
    fn resolve_maps_workspace_and_home_prefixes_into_root() {
        let (_d, root) = ws();
        assert_eq!(
            resolve(&root, "/workspace/a.txt").unwrap(),
            root.join("a.txt")
        );
        assert_eq!(resolve(&root, "~/sub/b").unwrap(), root.join("sub/b"));
        assert_eq!(resolve(&root, "new/dir/c").unwrap(), root.join("new/dir/c"));
        assert_eq!(resolve(&root, ".").unwrap(), root);
    }

    #[test]
    fn resolve_refuses_parent_and_foreign_absolute_paths() {
        let (_d, root) = ws();
        assert!(resolve(&root, "../x").is_err());
        assert!(resolve(&root, "sub/../../x").is_err());
        assert!(resolve(&root, "/etc/passwd").is_err());
        assert!(resolve(&root, "/workspacex/a").is_err());
    }

    #[test]
    fn resolve_refuses_symlink_leaving_root() {
        let (_d, root) = ws();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("out")).unwrap();
        std::os::unix::fs::symlink("/nonexistent/x", root.join("dangling")).unwrap();
        assert!(resolve(&root, "out/secret").is_err());
        assert!(resolve(&root, "dangling").is_err());
    }

    #[test]
    fn workspace_is_removed_even_with_locked_directories() {
        use std::os::unix::fs::PermissionsExt;
        let ws = Workspace::create(&[("a/b.txt".into(), b"x".to_vec())]).unwrap();
        let root = ws.root().to_path_buf();
        std::fs::set_permissions(root.join("a"), std::fs::Permissions::from_mode(0o000)).unwrap();
        drop(ws);
        assert!(!root.exists());
    }

    #[test]
    fn case_paths_must_be_relative() {
        assert!(relative_case_path("/etc/x").is_err());
        assert!(relative_case_path("a/../../b").is_err());
        assert!(relative_case_path("").is_err());
        assert_eq!(
            relative_case_path("./a/b.txt").unwrap(),
            PathBuf::from("a/b.txt")
        );
    }
}
