//! Skills, their published versions, and drafts — files stored by content hash.

use crate::db::{AsConn, Executed, on_conn, on_pool};
use crate::{Store, StoreError, content_hash, new_id, now_rfc3339};

/// A file of a skill folder, path relative to the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkillFile {
    /// Relative path with `/` separators (`SKILL.md`, `scripts/run.py`).
    pub path: String,
    /// File content.
    pub bytes: Vec<u8>,
}

/// Hash identifying a whole folder: SHA-256 over sorted `(path, file hash)` pairs.
pub fn folder_hash(files: &[SkillFile]) -> String {
    let mut entries: Vec<(String, String)> = files
        .iter()
        .map(|f| (f.path.clone(), content_hash(&f.bytes)))
        .collect();
    entries.sort();
    let mut manifest = String::new();
    for (path, hash) in entries {
        manifest.push_str(&path);
        manifest.push('\0');
        manifest.push_str(&hash);
        manifest.push('\n');
    }
    content_hash(manifest.as_bytes())
}

/// A published version of a skill.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct SkillVersionRow {
    /// Version id.
    pub id: String,
    /// Skill name.
    pub skill_name: String,
    /// 1, 2, 3…
    pub version: i64,
    /// Frontmatter description at that version.
    pub description: String,
    /// [`folder_hash`] of its files.
    pub content_hash: String,
    /// Draft it was published from, if any.
    pub source_draft_id: Option<String>,
    /// When it was published.
    pub created_at: String,
}

/// One line of `skills list`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct SkillSummary {
    /// Skill name.
    pub name: String,
    /// Latest published version number.
    pub latest_version: i64,
    /// Latest description.
    pub description: String,
    /// Drafts not yet published or rejected.
    pub open_drafts: i64,
}

/// A draft to store.
#[derive(Debug, Clone)]
pub struct NewDraft {
    /// Skill the draft is for (new or existing).
    pub skill_name: String,
    /// Frontmatter description.
    pub description: String,
    /// Published version it revises (`None` for a new skill).
    pub revises_version_id: Option<String>,
    /// The draft's files.
    pub files: Vec<SkillFile>,
    /// Lint findings, JSON.
    pub lint_report: Option<String>,
    /// SafetyReport, JSON.
    pub safety_report: Option<String>,
    /// PreservationReport, JSON (revisions only).
    pub preservation_report: Option<String>,
}

/// A stored draft.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct DraftRow {
    /// Draft id.
    pub id: String,
    /// Skill name.
    pub skill_name: String,
    /// Frontmatter description.
    pub description: String,
    /// Published version it revises.
    pub revises_version_id: Option<String>,
    /// [`folder_hash`] of its files.
    pub content_hash: String,
    /// `submitted`, `evaluated`, `approved`, `rejected`, `published`.
    pub status: String,
    /// Lint findings, JSON.
    pub lint_report: Option<String>,
    /// SafetyReport, JSON.
    pub safety_report: Option<String>,
    /// PreservationReport, JSON.
    pub preservation_report: Option<String>,
    /// When it was submitted.
    pub created_at: String,
}

const DRAFT_COLUMNS: &str = "id, skill_name, description, revises_version_id, content_hash, status, lint_report, safety_report, preservation_report, created_at";
const VERSION_COLUMNS: &str =
    "id, skill_name, version, description, content_hash, source_draft_id, created_at";

async fn put_blobs(tx: &mut impl AsConn, files: &[SkillFile]) -> Result<(), StoreError> {
    for f in files {
        on_conn!(tx, |e| {
            sqlx::query(
                "INSERT INTO blobs (hash, size, content) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING",
            )
            .bind(content_hash(&f.bytes))
            .bind(f.bytes.len() as i64)
            .bind(&f.bytes)
            .execute(e)
            .await
            .map(Executed::from)
        })?;
    }
    Ok(())
}

impl Store {
    /// Publishes `files` as the next version of skill `name` (creating the
    /// skill if new). Earlier versions are kept.
    pub async fn publish_skill_version(
        &self,
        name: &str,
        description: &str,
        files: &[SkillFile],
        source_draft_id: Option<&str>,
    ) -> Result<SkillVersionRow, StoreError> {
        let now = now_rfc3339();
        let mut tx = self.pool.begin_write().await?;
        on_conn!(&mut tx, |e| {
            sqlx::query(
                "INSERT INTO skills (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .bind(&now)
            .execute(e)
            .await
            .map(Executed::from)
        })?;
        let latest: Option<i64> = on_conn!(&mut tx, |e| {
            sqlx::query_scalar("SELECT MAX(version) FROM skill_versions WHERE skill_name = $1")
                .bind(name)
                .fetch_one(e)
                .await
        })?;
        put_blobs(&mut tx, files).await?;
        let row = SkillVersionRow {
            id: new_id("ver"),
            skill_name: name.to_string(),
            version: latest.unwrap_or(0) + 1,
            description: description.to_string(),
            content_hash: folder_hash(files),
            source_draft_id: source_draft_id.map(str::to_string),
            created_at: now,
        };
        on_conn!(&mut tx, |e| {
            sqlx::query(
                "INSERT INTO skill_versions (id, skill_name, version, description, content_hash, source_draft_id, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&row.id)
            .bind(&row.skill_name)
            .bind(row.version)
            .bind(&row.description)
            .bind(&row.content_hash)
            .bind(&row.source_draft_id)
            .bind(&row.created_at)
            .execute(e)
            .await
            .map(Executed::from)
        })?;
        for f in files {
            on_conn!(&mut tx, |e| {
                sqlx::query(
                    "INSERT INTO skill_version_files (version_id, path, blob_hash) VALUES ($1, $2, $3)",
                )
                .bind(&row.id)
                .bind(&f.path)
                .bind(content_hash(&f.bytes))
                .execute(e)
                .await
                .map(Executed::from)
            })?;
        }
        tx.commit().await?;
        Ok(row)
    }

    /// The newest published version of a skill, if any.
    pub async fn latest_skill_version(
        &self,
        name: &str,
    ) -> Result<Option<SkillVersionRow>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, SkillVersionRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {VERSION_COLUMNS} FROM skill_versions WHERE skill_name = $1 ORDER BY version DESC LIMIT 1"
            )))
            .bind(name)
            .fetch_optional(e)
            .await
        })?)
    }

    /// Every published version of a skill, oldest first.
    pub async fn skill_versions(&self, name: &str) -> Result<Vec<SkillVersionRow>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, SkillVersionRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {VERSION_COLUMNS} FROM skill_versions WHERE skill_name = $1 ORDER BY version"
            )))
            .bind(name)
            .fetch_all(e)
            .await
        })?)
    }

    /// The files of a published version.
    pub async fn skill_version_files(
        &self,
        version_id: &str,
    ) -> Result<Vec<SkillFile>, StoreError> {
        self.files_of("skill_version_files", "version_id", version_id)
            .await
    }

    /// All skills with their latest version and open-draft count.
    pub async fn list_skills(&self) -> Result<Vec<SkillSummary>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, SkillSummary>(
                "SELECT s.name AS name, v.version AS latest_version, v.description AS description,
                    (SELECT COUNT(*) FROM drafts d WHERE d.skill_name = s.name
                       AND d.status NOT IN ('published', 'rejected')) AS open_drafts
             FROM skills s
             JOIN skill_versions v ON v.skill_name = s.name
             WHERE v.version = (SELECT MAX(version) FROM skill_versions WHERE skill_name = s.name)
             ORDER BY s.name",
            )
            .fetch_all(e)
            .await
        })?)
    }

    /// Stores a draft with its files and static reports.
    pub async fn create_draft(&self, draft: &NewDraft) -> Result<DraftRow, StoreError> {
        let row = DraftRow {
            id: new_id("drf"),
            skill_name: draft.skill_name.clone(),
            description: draft.description.clone(),
            revises_version_id: draft.revises_version_id.clone(),
            content_hash: folder_hash(&draft.files),
            status: "submitted".into(),
            lint_report: draft.lint_report.clone(),
            safety_report: draft.safety_report.clone(),
            preservation_report: draft.preservation_report.clone(),
            created_at: now_rfc3339(),
        };
        let mut tx = self.pool.begin_write().await?;
        put_blobs(&mut tx, &draft.files).await?;
        on_conn!(&mut tx, |e| {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO drafts ({DRAFT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            )))
            .bind(&row.id)
            .bind(&row.skill_name)
            .bind(&row.description)
            .bind(&row.revises_version_id)
            .bind(&row.content_hash)
            .bind(&row.status)
            .bind(&row.lint_report)
            .bind(&row.safety_report)
            .bind(&row.preservation_report)
            .bind(&row.created_at)
            .execute(e)
            .await
            .map(Executed::from)
        })?;
        for f in &draft.files {
            on_conn!(&mut tx, |e| {
                sqlx::query(
                    "INSERT INTO draft_files (draft_id, path, blob_hash) VALUES ($1, $2, $3)",
                )
                .bind(&row.id)
                .bind(&f.path)
                .bind(content_hash(&f.bytes))
                .execute(e)
                .await
                .map(Executed::from)
            })?;
        }
        tx.commit().await?;
        Ok(row)
    }

    /// One draft.
    pub async fn get_draft(&self, id: &str) -> Result<DraftRow, StoreError> {
        on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, DraftRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {DRAFT_COLUMNS} FROM drafts WHERE id = $1"
            )))
            .bind(id)
            .fetch_optional(e)
            .await
        })?
        .ok_or_else(|| StoreError::NotFound {
            kind: "draft",
            id: id.into(),
        })
    }

    /// All drafts, newest first.
    pub async fn list_drafts(&self) -> Result<Vec<DraftRow>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, DraftRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {DRAFT_COLUMNS} FROM drafts ORDER BY created_at DESC, id"
            )))
            .fetch_all(e)
            .await
        })?)
    }

    /// The files of a draft.
    pub async fn draft_files(&self, draft_id: &str) -> Result<Vec<SkillFile>, StoreError> {
        self.files_of("draft_files", "draft_id", draft_id).await
    }

    async fn files_of(
        &self,
        table: &str,
        key: &str,
        id: &str,
    ) -> Result<Vec<SkillFile>, StoreError> {
        let rows: Vec<(String, Vec<u8>)> = on_pool!(&self.pool, |e| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT f.path, b.content FROM {table} f JOIN blobs b ON b.hash = f.blob_hash WHERE f.{key} = $1 ORDER BY f.path"
            )))
            .bind(id)
            .fetch_all(e)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(|(path, bytes)| SkillFile { path, bytes })
            .collect())
    }
}
