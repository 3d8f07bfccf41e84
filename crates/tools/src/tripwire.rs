//! The protected-path tripwire (SPEC §4): fingerprint protected paths before and after an eval;
//! any difference is a P0 Incident (opened by the eval crate, which also turns the kill switch on).
//!
//! A fingerprint records, for every entry under each path (symlinks not followed): kind, size,
//! mtime, permission bits, and the SHA-256 of file content (files up to
//! [`MAX_HASHED_FILE_BYTES`], [`MAX_HASHED_TOTAL_BYTES`] in all; other files by size and
//! mtime only). Walks are bounded by
//! [`MAX_ENTRIES`]; a truncated fingerprint says so, and the lead must treat it as weaker.

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Files larger than this are fingerprinted by size and mtime only.
pub const MAX_HASHED_FILE_BYTES: u64 = 16 << 20;
/// Entries recorded across all paths before the walk stops (`truncated`).
pub const MAX_ENTRIES: usize = 200_000;
/// Content bytes hashed per fingerprint; past this, files are compared by size, mtime and
/// permissions only (a large `$HOME` must not take minutes).
pub const MAX_HASHED_TOTAL_BYTES: u64 = 1 << 30;

/// What is at a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// Nothing (a protected root that does not exist).
    Missing,
    /// A directory.
    Dir,
    /// A regular file.
    File,
    /// A symlink, with its target.
    Symlink(PathBuf),
    /// A socket, device or fifo.
    Other,
    /// Present but unreadable (the error, in words).
    Unreadable(String),
}

/// One fingerprinted entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Kind of entry.
    pub kind: EntryKind,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub mtime_ns: i128,
    /// Permission bits (`st_mode & 0o7777`).
    pub mode: u32,
    /// SHA-256 of the content (hex), for files within the size bound.
    pub sha256: Option<String>,
}

/// The state of a set of protected paths at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Fingerprint {
    /// Every entry, by absolute path.
    pub entries: BTreeMap<PathBuf, Entry>,
    /// The walk stopped at [`MAX_ENTRIES`]; changes past that point are not seen.
    pub truncated: bool,
}

/// How a protected path changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// It appeared.
    Added,
    /// It disappeared.
    Removed,
    /// It changed (what changed, in words).
    Modified(String),
}

/// One change between two fingerprints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathChange {
    /// The path.
    pub path: PathBuf,
    /// What happened.
    pub change: ChangeKind,
}

fn entry_of(path: &Path, meta: &std::fs::Metadata, hash_budget: &mut u64) -> Entry {
    let ft = meta.file_type();
    let mut e = Entry {
        kind: EntryKind::Other,
        size: meta.len(),
        mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
        mode: meta.mode() & 0o7777,
        sha256: None,
    };
    if ft.is_symlink() {
        e.kind = EntryKind::Symlink(std::fs::read_link(path).unwrap_or_default());
    } else if ft.is_dir() {
        e.kind = EntryKind::Dir;
        e.size = 0; // directory sizes vary by filesystem; children are compared instead
    } else if ft.is_file() {
        e.kind = EntryKind::File;
        if meta.len() <= MAX_HASHED_FILE_BYTES && meta.len() <= *hash_budget {
            *hash_budget -= meta.len();
            match hash_file(path) {
                Ok(h) => e.sha256 = Some(h),
                Err(err) => e.kind = EntryKind::Unreadable(err.to_string()),
            }
        }
    }
    e
}

fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Fingerprints `paths` (each walked recursively, symlinks not followed, bounded).
pub fn fingerprint(paths: &[PathBuf]) -> Fingerprint {
    fingerprint_excluding(paths, &[])
}

/// Like [`fingerprint`], skipping everything at or under `exclude` (e.g. skillgate's own data
/// directory inside a protected `$HOME`, which the eval itself writes).
pub fn fingerprint_excluding(paths: &[PathBuf], exclude: &[PathBuf]) -> Fingerprint {
    let mut fp = Fingerprint::default();
    let mut hash_budget = MAX_HASHED_TOTAL_BYTES;
    let mut stack: Vec<PathBuf> = paths.iter().rev().cloned().collect();
    while let Some(p) = stack.pop() {
        if fp.entries.len() >= MAX_ENTRIES {
            fp.truncated = true;
            break;
        }
        if fp.entries.contains_key(&p) || exclude.iter().any(|x| p.starts_with(x)) {
            continue;
        }
        let meta = match std::fs::symlink_metadata(&p) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                fp.entries.insert(
                    p,
                    Entry {
                        kind: EntryKind::Missing,
                        size: 0,
                        mtime_ns: 0,
                        mode: 0,
                        sha256: None,
                    },
                );
                continue;
            }
            Err(e) => {
                let kind = EntryKind::Unreadable(e.to_string());
                fp.entries.insert(
                    p,
                    Entry {
                        kind,
                        size: 0,
                        mtime_ns: 0,
                        mode: 0,
                        sha256: None,
                    },
                );
                continue;
            }
        };
        let entry = entry_of(&p, &meta, &mut hash_budget);
        if entry.kind == EntryKind::Dir {
            match std::fs::read_dir(&p) {
                Ok(rd) => {
                    let mut children: Vec<PathBuf> =
                        rd.filter_map(|d| d.ok().map(|d| d.path())).collect();
                    children.sort();
                    stack.extend(children.into_iter().rev());
                }
                Err(e) => {
                    let kind = EntryKind::Unreadable(e.to_string());
                    fp.entries.insert(p, Entry { kind, ..entry });
                    continue;
                }
            }
        }
        fp.entries.insert(p, entry);
    }
    fp
}

/// Every change from `before` to `after`; empty means the protected paths are untouched.
/// A root that was missing and still is produces nothing.
pub fn diff(before: &Fingerprint, after: &Fingerprint) -> Vec<PathChange> {
    let mut changes = Vec::new();
    for (path, b) in &before.entries {
        match after.entries.get(path) {
            None => changes.push(PathChange {
                path: path.clone(),
                change: ChangeKind::Removed,
            }),
            Some(a) if a == b => {}
            Some(a) => {
                let what = if b.kind == EntryKind::Missing {
                    changes.push(PathChange {
                        path: path.clone(),
                        change: ChangeKind::Added,
                    });
                    continue;
                } else if a.kind == EntryKind::Missing {
                    changes.push(PathChange {
                        path: path.clone(),
                        change: ChangeKind::Removed,
                    });
                    continue;
                } else if a.kind != b.kind {
                    format!("kind {:?} -> {:?}", b.kind, a.kind)
                } else if a.sha256 != b.sha256 || a.size != b.size {
                    "content".to_string()
                } else if a.mode != b.mode {
                    format!("permissions {:o} -> {:o}", b.mode, a.mode)
                } else {
                    "modification time".to_string()
                };
                changes.push(PathChange {
                    path: path.clone(),
                    change: ChangeKind::Modified(what),
                });
            }
        }
    }
    for path in after.entries.keys() {
        if !before.entries.contains_key(path) {
            changes.push(PathChange {
                path: path.clone(),
                change: ChangeKind::Added,
            });
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_sees_added_removed_modified_and_chmod() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().to_path_buf();
        std::fs::write(root.join("a"), "1").unwrap();
        std::fs::write(root.join("b"), "2").unwrap();
        std::fs::write(root.join("c"), "3").unwrap();
        let before = fingerprint(std::slice::from_ref(&root));
        assert!(diff(&before, &fingerprint(std::slice::from_ref(&root))).is_empty());
        std::fs::write(root.join("a"), "changed").unwrap();
        std::fs::remove_file(root.join("b")).unwrap();
        std::fs::write(root.join("new"), "x").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(root.join("c"), std::fs::Permissions::from_mode(0o600)).unwrap();
        let changes = diff(&before, &fingerprint(std::slice::from_ref(&root)));
        let find = |n: &str| {
            changes
                .iter()
                .find(|c| c.path == root.join(n))
                .map(|c| c.change.clone())
        };
        assert_eq!(find("a"), Some(ChangeKind::Modified("content".into())));
        assert_eq!(find("b"), Some(ChangeKind::Removed));
        assert_eq!(find("new"), Some(ChangeKind::Added));
        assert!(matches!(find("c"), Some(ChangeKind::Modified(w)) if w.starts_with("permissions")));
    }

    #[test]
    fn excluded_subtree_is_not_watched() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().to_path_buf();
        let own = root.join(".local/share/skillgate");
        std::fs::create_dir_all(&own).unwrap();
        let before = fingerprint_excluding(std::slice::from_ref(&root), std::slice::from_ref(&own));
        std::fs::write(own.join("store.db"), "x").unwrap();
        let after = fingerprint_excluding(std::slice::from_ref(&root), std::slice::from_ref(&own));
        assert!(diff(&before, &after).is_empty());
        std::fs::write(root.join("notes"), "x").unwrap();
        let after = fingerprint_excluding(std::slice::from_ref(&root), std::slice::from_ref(&own));
        assert_eq!(
            diff(&before, &after).len(),
            2,
            "the new file and its directory's mtime"
        );
    }

    #[test]
    fn missing_root_that_appears_is_added() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("later");
        let before = fingerprint(std::slice::from_ref(&p));
        assert!(diff(&before, &fingerprint(std::slice::from_ref(&p))).is_empty());
        std::fs::write(&p, "x").unwrap();
        let changes = diff(&before, &fingerprint(std::slice::from_ref(&p)));
        assert_eq!(
            changes,
            vec![PathChange {
                path: p,
                change: ChangeKind::Added
            }]
        );
    }
}
