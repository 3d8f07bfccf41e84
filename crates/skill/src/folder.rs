//! A skill folder in memory: `SKILL.md` plus every bundled file, with size limits.
//!
//! [`load_dir`] is the only function of this crate that touches the file system;
//! [`SkillFolder::from_files`] builds the same value from bytes (e.g. blobs from the store).

use crate::parse::SkillDocument;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The name of the skill document inside a skill folder.
pub const SKILL_MD: &str = "SKILL.md";

/// Size limits applied while loading a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoadLimits {
    /// A bundled file larger than this is kept as [`FileContent::Oversized`] (lint error
    /// `file-too-large`); a `SKILL.md` larger than this is refused. Default 8 MiB.
    pub max_file_bytes: u64,
    /// Total bytes of all files; a folder over this is refused. Default 64 MiB.
    pub max_total_bytes: u64,
    /// Number of files; a folder with more is refused. Default 10,000.
    pub max_files: usize,
}

impl Default for LoadLimits {
    fn default() -> Self {
        LoadLimits {
            max_file_bytes: 8 * 1024 * 1024,
            max_total_bytes: 64 * 1024 * 1024,
            max_files: 10_000,
        }
    }
}

/// Why a skill folder could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// Reading the file system failed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file or folder that failed.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The path is not a folder.
    #[error("{path} is not a folder: pass the skill folder that contains SKILL.md")]
    NotADirectory {
        /// The path given.
        path: PathBuf,
    },
    /// The folder has no `SKILL.md` at its top.
    #[error("{folder} has no SKILL.md: a skill folder needs SKILL.md at its top level")]
    MissingSkillMd {
        /// The folder (or folder name) that lacks it.
        folder: String,
    },
    /// `SKILL.md` is not valid UTF-8.
    #[error(
        "{file} is not valid UTF-8 at byte offset {offset}: save it as UTF-8 (SKILL.md must be text)"
    )]
    NotUtf8 {
        /// The file (`SKILL.md` inside the folder).
        file: String,
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// `SKILL.md` is larger than the per-file limit.
    #[error(
        "{file} is {size} bytes, over the limit of {limit} bytes: shorten it or move material into references/"
    )]
    SkillMdTooLarge {
        /// The file.
        file: String,
        /// Its size in bytes.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The folder's files add up to more than the total limit.
    #[error("{folder} holds more than {limit} bytes in all: remove large bundled files")]
    TotalTooLarge {
        /// The folder.
        folder: String,
        /// The limit.
        limit: u64,
    },
    /// The folder holds more files than allowed.
    #[error("{folder} holds more than {limit} files: remove files that the skill does not need")]
    TooManyFiles {
        /// The folder.
        folder: String,
        /// The limit.
        limit: usize,
    },
    /// A path given to [`SkillFolder::from_files`] is not a safe relative path.
    #[error("bad file path {path:?} in skill folder {folder}: use a relative path without `..`")]
    BadPath {
        /// The folder name.
        folder: String,
        /// The offending path.
        path: String,
    },
}

/// What skillgate kept of a bundled file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "content", rename_all = "snake_case")]
pub enum FileContent {
    /// UTF-8 text without NUL bytes: scanned.
    Text(String),
    /// Binary (NUL byte or invalid UTF-8): listed, never parsed.
    Binary(Vec<u8>),
    /// Over [`LoadLimits::max_file_bytes`]: not read.
    Oversized,
}

/// One file of a skill folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillFile {
    /// Path relative to the folder, `/`-separated (e.g. `scripts/run.py`).
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// The content, or why it is not held.
    pub content: FileContent,
}

impl SkillFile {
    /// The file's text, if it is a text file.
    pub fn text(&self) -> Option<&str> {
        match &self.content {
            FileContent::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The file's bytes, unless it was too large to read.
    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.content {
            FileContent::Text(t) => Some(t.as_bytes()),
            FileContent::Binary(b) => Some(b),
            FileContent::Oversized => None,
        }
    }

    /// Whether the file was detected as binary.
    pub fn is_binary(&self) -> bool {
        matches!(self.content, FileContent::Binary(_))
    }
}

/// A loaded skill folder: the parsed `SKILL.md` and all bundled files.
#[derive(Debug, Clone, PartialEq)]
pub struct SkillFolder {
    /// The folder's name, which the frontmatter `name` must match.
    pub folder_name: String,
    /// The parsed `SKILL.md`.
    pub document: SkillDocument,
    /// Every file including `SKILL.md`, sorted by path.
    pub files: Vec<SkillFile>,
    /// The limits the folder was loaded with.
    pub limits: LoadLimits,
}

impl SkillFolder {
    /// Builds a folder from in-memory files (path relative to the folder, bytes), with the
    /// default [`LoadLimits`]. Pure: no IO.
    pub fn from_files(
        folder_name: impl Into<String>,
        files: Vec<(String, Vec<u8>)>,
    ) -> Result<SkillFolder, LoadError> {
        SkillFolder::from_files_with_limits(folder_name, files, LoadLimits::default())
    }

    /// Like [`SkillFolder::from_files`] with explicit limits.
    pub fn from_files_with_limits(
        folder_name: impl Into<String>,
        files: Vec<(String, Vec<u8>)>,
        limits: LoadLimits,
    ) -> Result<SkillFolder, LoadError> {
        let folder_name = folder_name.into();
        if files.len() > limits.max_files {
            return Err(LoadError::TooManyFiles {
                folder: folder_name,
                limit: limits.max_files,
            });
        }
        let mut total: u64 = 0;
        let mut out = Vec::with_capacity(files.len());
        for (path, bytes) in files {
            let path = normalize_rel_path(&path).ok_or_else(|| LoadError::BadPath {
                folder: folder_name.clone(),
                path: path.clone(),
            })?;
            let size = bytes.len() as u64;
            total = total.saturating_add(size);
            if total > limits.max_total_bytes {
                return Err(LoadError::TotalTooLarge {
                    folder: folder_name,
                    limit: limits.max_total_bytes,
                });
            }
            out.push(classify(path, bytes, &limits));
        }
        finish(folder_name, out, limits)
    }

    /// The `SKILL.md` source text.
    pub fn skill_md(&self) -> &str {
        &self.document.source
    }

    /// Looks a file up by its relative path.
    pub fn file(&self, path: &str) -> Option<&SkillFile> {
        self.files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .and_then(|i| self.files.get(i))
    }

    /// Paths of the files detected as binary.
    pub fn binary_files(&self) -> Vec<String> {
        self.files
            .iter()
            .filter(|f| f.is_binary())
            .map(|f| f.path.clone())
            .collect()
    }
}

fn classify(path: String, bytes: Vec<u8>, limits: &LoadLimits) -> SkillFile {
    let size = bytes.len() as u64;
    let content = if size > limits.max_file_bytes {
        FileContent::Oversized
    } else if bytes.contains(&0) {
        FileContent::Binary(bytes)
    } else {
        match String::from_utf8(bytes) {
            Ok(s) => FileContent::Text(s),
            Err(e) => FileContent::Binary(e.into_bytes()),
        }
    };
    SkillFile {
        path,
        size,
        content,
    }
}

fn finish(
    folder_name: String,
    mut files: Vec<SkillFile>,
    limits: LoadLimits,
) -> Result<SkillFolder, LoadError> {
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    let Some(md) = files.iter().find(|f| f.path == SKILL_MD) else {
        return Err(LoadError::MissingSkillMd {
            folder: folder_name,
        });
    };
    let file = format!("{folder_name}/{SKILL_MD}");
    let text = match &md.content {
        FileContent::Text(t) => t.as_str(),
        FileContent::Oversized => {
            return Err(LoadError::SkillMdTooLarge {
                file,
                size: md.size,
                limit: limits.max_file_bytes,
            });
        }
        FileContent::Binary(b) => {
            let offset = match std::str::from_utf8(b) {
                Ok(_) => b.iter().position(|&c| c == 0).unwrap_or(0),
                Err(e) => e.valid_up_to(),
            };
            return Err(LoadError::NotUtf8 { file, offset });
        }
    };
    let document = SkillDocument::parse(text);
    Ok(SkillFolder {
        folder_name,
        document,
        files,
        limits,
    })
}

/// Normalizes a relative path to `/`-separated form; `None` for absolute paths or `..`.
fn normalize_rel_path(path: &str) -> Option<String> {
    let p = path.replace('\\', "/");
    if p.starts_with('/') || p.contains(':') && p.len() > 1 && p.as_bytes().get(1) == Some(&b':') {
        return None;
    }
    let mut parts = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(parts.join("/"))
}

/// The folder name used for name matching: the directory's own name, or its parent's when the
/// directory is only a version label (`v1`, `v2`, `1.0.0`), as in `frontend-design/v2/`.
fn folder_name_of(path: &Path) -> String {
    let own = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if is_version_label(&own)
        && let Some(parent) = path.parent().and_then(|p| p.file_name())
    {
        return parent.to_string_lossy().into_owned();
    }
    own
}

fn is_version_label(s: &str) -> bool {
    let rest = s.strip_prefix('v').unwrap_or(s);
    !rest.is_empty()
        && rest
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Reads a skill folder from disk with the default [`LoadLimits`]: `SKILL.md` and every bundled
/// file (symbolic links are not followed, `.git/` is skipped). The only IO in this crate.
pub fn load_dir(path: &Path) -> Result<SkillFolder, LoadError> {
    load_dir_with_limits(path, LoadLimits::default())
}

/// Like [`load_dir`] with explicit limits.
pub fn load_dir_with_limits(path: &Path, limits: LoadLimits) -> Result<SkillFolder, LoadError> {
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    let canonical = std::fs::canonicalize(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if !canonical.is_dir() {
        return Err(LoadError::NotADirectory {
            path: path.to_path_buf(),
        });
    }
    let folder_name = folder_name_of(&canonical);
    let mut files = Vec::new();
    let mut total: u64 = 0;
    let mut stack = vec![(canonical.clone(), String::new())];
    while let Some((dir, rel)) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|source| LoadError::Io {
            path: dir.clone(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| LoadError::Io {
                path: dir.clone(),
                source,
            })?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel_path = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            let ft = entry.file_type().map_err(|source| LoadError::Io {
                path: entry.path(),
                source,
            })?;
            if ft.is_symlink() {
                continue;
            }
            if ft.is_dir() {
                if name != ".git" {
                    stack.push((entry.path(), rel_path));
                }
                continue;
            }
            if !ft.is_file() {
                continue;
            }
            if files.len() >= limits.max_files {
                return Err(LoadError::TooManyFiles {
                    folder: path.display().to_string(),
                    limit: limits.max_files,
                });
            }
            let meta = entry.metadata().map_err(|source| LoadError::Io {
                path: entry.path(),
                source,
            })?;
            let size = meta.len();
            if size > limits.max_file_bytes {
                files.push(SkillFile {
                    path: rel_path,
                    size,
                    content: FileContent::Oversized,
                });
                continue;
            }
            total = total.saturating_add(size);
            if total > limits.max_total_bytes {
                return Err(LoadError::TotalTooLarge {
                    folder: path.display().to_string(),
                    limit: limits.max_total_bytes,
                });
            }
            let bytes = std::fs::read(entry.path()).map_err(|source| LoadError::Io {
                path: entry.path(),
                source,
            })?;
            files.push(classify(rel_path, bytes, &limits));
        }
    }
    finish(folder_name, files, limits).map_err(|e| match e {
        LoadError::MissingSkillMd { .. } => LoadError::MissingSkillMd {
            folder: path.display().to_string(),
        },
        LoadError::NotUtf8 { offset, .. } => LoadError::NotUtf8 {
            file: path.join(SKILL_MD).display().to_string(),
            offset,
        },
        LoadError::SkillMdTooLarge { size, limit, .. } => LoadError::SkillMdTooLarge {
            file: path.join(SKILL_MD).display().to_string(),
            size,
            limit,
        },
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_label_folders_take_the_parent_name() {
        assert_eq!(
            folder_name_of(Path::new("/x/frontend-design/v2")),
            "frontend-design"
        );
        assert_eq!(folder_name_of(Path::new("/x/my-skill")), "my-skill");
        assert_eq!(folder_name_of(Path::new("/x/skill/1.2.0")), "skill");
    }

    #[test]
    fn from_files_rejects_parent_paths() {
        let err = SkillFolder::from_files(
            "s",
            vec![
                ("SKILL.md".into(), b"x".to_vec()),
                ("../etc/passwd".into(), b"x".to_vec()),
            ],
        )
        .unwrap_err();
        assert!(matches!(err, LoadError::BadPath { .. }), "{err}");
    }

    #[test]
    fn from_files_requires_skill_md() {
        let err =
            SkillFolder::from_files("s", vec![("README.md".into(), b"x".to_vec())]).unwrap_err();
        assert!(err.to_string().contains("has no SKILL.md"), "{err}");
    }

    #[test]
    fn non_utf8_skill_md_names_file_and_offset() {
        let err = SkillFolder::from_files(
            "s",
            vec![("SKILL.md".into(), b"---\nname: s\n\xff\xfe".to_vec())],
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("s/SKILL.md") && msg.contains("offset 12"),
            "{msg}"
        );
    }

    #[test]
    fn binary_and_oversized_files_are_classified() {
        let limits = LoadLimits {
            max_file_bytes: 10,
            ..LoadLimits::default()
        };
        let f = SkillFolder::from_files_with_limits(
            "s",
            vec![
                ("SKILL.md".into(), b"hi".to_vec()),
                ("assets/logo.png".into(), vec![0x89, 0x50, 0, 1]),
                ("big.txt".into(), vec![b'a'; 11]),
            ],
            limits,
        )
        .unwrap();
        assert_eq!(f.binary_files(), vec!["assets/logo.png".to_string()]);
        assert_eq!(f.file("big.txt").unwrap().content, FileContent::Oversized);
    }

    #[test]
    fn total_limit_refuses_the_folder() {
        let limits = LoadLimits {
            max_total_bytes: 5,
            ..LoadLimits::default()
        };
        let err = SkillFolder::from_files_with_limits(
            "s",
            vec![("SKILL.md".into(), b"0123456789".to_vec())],
            limits,
        )
        .unwrap_err();
        assert!(matches!(err, LoadError::TotalTooLarge { .. }));
    }

    #[test]
    fn load_dir_reads_nested_files_and_skips_git() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("my-skill");
        std::fs::create_dir_all(root.join("scripts")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join("SKILL.md"), "---\nname: my-skill\n---\nBody\n").unwrap();
        std::fs::write(root.join("scripts/run.py"), "print(1)\n").unwrap();
        std::fs::write(root.join(".git/HEAD"), "ref").unwrap();
        let f = load_dir(&root).unwrap();
        assert_eq!(f.folder_name, "my-skill");
        let paths: Vec<_> = f.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, vec!["SKILL.md", "scripts/run.py"]);
    }

    #[test]
    fn load_dir_without_skill_md_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = load_dir(dir.path()).unwrap_err();
        assert!(matches!(err, LoadError::MissingSkillMd { .. }));
    }
}
