//! Operations queries (SPEC §7): the rows product metrics and alerts are
//! computed from, and the retention purge of raw replay data.
//!
//! Everything here is portable SQL; stored JSON (report bodies, transcripts,
//! preservation reports) is decoded in Rust, reading only the fields needed.
//! Report and transcript facts are decoded once and kept in
//! `ops_report_facts` / `ops_trial_facts` (migration 0005), so repeated
//! `/metrics` scrapes decode only new rows.
//!
//! Tenant attribution for retention: an eval belongs to the tenants of the
//! runs its replay cases replay. When those runs span several tenants the
//! shortest retention among them applies (the most restrictive wins); an eval
//! without replay cases (heuristic mode) uses the default.

use crate::db::{Executed, on_conn, on_pool};
use crate::{Store, StoreError, format_rfc3339_millis};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Audit action of a purge (`skillgate purge`).
pub const AUDIT_RETENTION_PURGE: &str = "retention.purge";

/// Placeholder written over purged tool-call arguments and results (valid JSON).
pub const PURGED_JSON: &str = "\"[purged]\"";

/// One eval with the facts of its newest `eval` report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpsEvalRow {
    /// Eval id.
    pub id: String,
    /// Draft evaluated.
    pub draft_id: String,
    /// Eval status (`running`, `passed`, `failed`, `partial`, `replay_error`,
    /// `skipped_provider_unavailable`…).
    pub status: String,
    /// `replay` or `heuristic`.
    pub mode: String,
    /// When it was created.
    pub created_at: String,
    /// When it finished.
    pub finished_at: Option<String>,
    /// Facts read from the eval report (`None`: no report, or one that does not decode).
    pub report: Option<OpsReportFacts>,
}

/// The few fields of an EvalReport body the metrics read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct OpsReportFacts {
    /// Report status.
    #[serde(default)]
    pub status: Option<String>,
    /// Share of tool calls blocked.
    #[serde(default)]
    pub blocked_coverage: Option<f64>,
    /// Cases regressed.
    #[serde(default)]
    pub regressed: Option<u64>,
    /// Cases improved.
    #[serde(default)]
    pub improved: Option<u64>,
    /// Cases unchanged.
    #[serde(default)]
    pub unchanged: Option<u64>,
    /// Wall time of the eval run, from `timings.wall_ms`.
    #[serde(default, rename = "timings", deserialize_with = "wall_ms_of_timings")]
    pub wall_ms: Option<u64>,
    /// Tokens (input, output) of the eval's LLM-judge calls, from
    /// `usage.judge_tokens`; replay tokens are per trial instead.
    #[serde(default, rename = "usage", deserialize_with = "judge_tokens_of_usage")]
    pub judge_tokens: Option<(u64, u64)>,
}

fn judge_tokens_of_usage<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<(u64, u64)>, D::Error> {
    #[derive(Deserialize)]
    struct Usage {
        #[serde(default)]
        judge_tokens: Option<(u64, u64)>,
    }
    Ok(Option::<Usage>::deserialize(d)?.and_then(|u| u.judge_tokens))
}

fn wall_ms_of_timings<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    struct Timings {
        #[serde(default)]
        wall_ms: Option<u64>,
    }
    Ok(Option::<Timings>::deserialize(d)?.and_then(|t| t.wall_ms))
}

#[derive(sqlx::FromRow)]
struct EvalJoin {
    id: String,
    draft_id: String,
    status: String,
    mode: String,
    created_at: String,
    finished_at: Option<String>,
    report_id: Option<String>,
}

#[derive(sqlx::FromRow)]
struct FactsRow {
    report_id: String,
    decoded: bool,
    report_status: Option<String>,
    blocked_coverage: Option<f64>,
    regressed: Option<i64>,
    improved: Option<i64>,
    unchanged: Option<i64>,
    wall_ms: Option<i64>,
    judge_input_tokens: Option<i64>,
    judge_output_tokens: Option<i64>,
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// One review decision.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct OpsReviewRow {
    /// The draft.
    pub draft_id: String,
    /// `approve` or `reject`.
    pub decision: String,
    /// Seconds from report ready to decision (`None`: no report yet).
    pub decision_seconds: Option<i64>,
    /// Whether a later review replaced it.
    pub superseded: bool,
    /// When.
    pub created_at: String,
}

/// One publish attempt.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct OpsPublishRow {
    /// The draft.
    pub draft_id: String,
    /// `published`, `refused` or `recorded`.
    pub outcome: String,
    /// When.
    pub created_at: String,
}

/// A draft's preservation report status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpsPreservationRow {
    /// The draft.
    pub draft_id: String,
    /// `passed`, `failed`, or `unreadable` when the stored JSON does not decode.
    pub status: String,
    /// When the draft was created.
    pub created_at: String,
}

/// Wall time of one trial, from its transcript's `totals.wall_ms`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpsTrialDuration {
    /// `baseline` or `candidate`.
    pub arm: String,
    /// Milliseconds.
    pub wall_ms: u64,
}

/// Token totals of one arm over all trials.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct OpsTokenRow {
    /// `baseline` or `candidate`.
    pub arm: String,
    /// Input tokens.
    pub input_tokens: i64,
    /// Output tokens.
    pub output_tokens: i64,
}

/// `[retention]` of `skillgate.toml`: how long raw replay data is kept.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionPolicy {
    /// Days raw transcripts, tool-call payloads and case reports are kept after
    /// an eval finished (default 30).
    #[serde(default = "default_raw_days")]
    pub raw_days: u32,
    /// Per-tenant overrides: `[retention.tenants] acme = 7`.
    #[serde(default)]
    pub tenants: BTreeMap<String, u32>,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        RetentionPolicy {
            raw_days: default_raw_days(),
            tenants: BTreeMap::new(),
        }
    }
}

fn default_raw_days() -> u32 {
    30
}

impl RetentionPolicy {
    /// Retention of an eval whose cases replay runs of `tenants`: the shortest
    /// among them, the default when there is none.
    pub fn days_for<'a>(&self, tenants: impl IntoIterator<Item = &'a str>) -> u32 {
        tenants
            .into_iter()
            .map(|t| self.tenants.get(t).copied().unwrap_or(self.raw_days))
            .min()
            .unwrap_or(self.raw_days)
    }
}

/// What a purge removed (or, dry run, would remove).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct PurgeCounts {
    /// Evals past their retention that still had raw data.
    pub evals: u64,
    /// Trial transcripts set to NULL.
    pub transcripts: u64,
    /// Tool calls whose arguments, result and side effect were overwritten.
    pub tool_calls: u64,
    /// Case reports deleted.
    pub case_reports: u64,
    /// Nothing was changed.
    pub dry_run: bool,
}

#[derive(sqlx::FromRow)]
struct ExpiryRow {
    id: String,
    finished_at: String,
    tenant: Option<String>,
}

#[derive(sqlx::FromRow)]
struct TranscriptRow {
    id: String,
    arm: String,
    finished_at: String,
    transcript: String,
}

impl Store {
    /// Evals created at or after `since` (RFC 3339; `None`: all), oldest
    /// first, each with the facts of its newest `eval` report.
    ///
    /// Facts are decoded from a report body once and kept in
    /// `ops_report_facts`; later calls read only that table.
    pub async fn ops_evals(&self, since: Option<&str>) -> Result<Vec<OpsEvalRow>, StoreError> {
        let since = since.unwrap_or("");
        let rows = on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, EvalJoin>(
                "SELECT e.id, e.draft_id, e.status, e.mode, e.created_at, e.finished_at,
                        (SELECT r.id FROM reports r WHERE r.eval_id = e.id AND r.kind = 'eval'
                         ORDER BY r.created_at DESC, r.id DESC LIMIT 1) AS report_id
                 FROM evals e WHERE e.created_at >= $1 ORDER BY e.created_at, e.id",
            )
            .bind(since)
            .fetch_all(e)
            .await
        })?;
        let mut facts: HashMap<String, FactsRow> =
            on_pool!(&self.pool, |e| {
                sqlx::query_as::<_, FactsRow>(
                    "SELECT f.report_id, f.decoded, f.report_status, f.blocked_coverage, f.regressed,
                        f.improved, f.unchanged, f.wall_ms, f.judge_input_tokens, f.judge_output_tokens
                 FROM ops_report_facts f JOIN evals e ON e.id = f.eval_id WHERE e.created_at >= $1",
                )
                .bind(since)
                .fetch_all(e)
                .await
            })?
            .into_iter()
            .map(|f| (f.report_id.clone(), f))
            .collect();
        for row in &rows {
            let Some(report_id) = row.report_id.as_deref() else {
                continue;
            };
            if facts.contains_key(report_id) {
                continue;
            }
            let body: Option<String> = on_pool!(&self.pool, |e| {
                sqlx::query_scalar("SELECT body FROM reports WHERE id = $1")
                    .bind(report_id)
                    .fetch_optional(e)
                    .await
            })?;
            let decoded = body
                .as_deref()
                .and_then(|b| serde_json::from_str::<OpsReportFacts>(b).ok());
            let f = FactsRow {
                report_id: report_id.to_string(),
                decoded: decoded.is_some(),
                report_status: decoded.as_ref().and_then(|d| d.status.clone()),
                blocked_coverage: decoded.as_ref().and_then(|d| d.blocked_coverage),
                regressed: decoded.as_ref().and_then(|d| d.regressed).map(to_i64),
                improved: decoded.as_ref().and_then(|d| d.improved).map(to_i64),
                unchanged: decoded.as_ref().and_then(|d| d.unchanged).map(to_i64),
                wall_ms: decoded.as_ref().and_then(|d| d.wall_ms).map(to_i64),
                judge_input_tokens: decoded
                    .as_ref()
                    .and_then(|d| d.judge_tokens)
                    .map(|t| to_i64(t.0)),
                judge_output_tokens: decoded
                    .as_ref()
                    .and_then(|d| d.judge_tokens)
                    .map(|t| to_i64(t.1)),
            };
            on_pool!(&self.pool, |e| {
                sqlx::query(
                    "INSERT INTO ops_report_facts (report_id, eval_id, decoded, report_status,
                         blocked_coverage, regressed, improved, unchanged, wall_ms,
                         judge_input_tokens, judge_output_tokens)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                     ON CONFLICT (report_id) DO NOTHING",
                )
                .bind(&f.report_id)
                .bind(&row.id)
                .bind(f.decoded)
                .bind(&f.report_status)
                .bind(f.blocked_coverage)
                .bind(f.regressed)
                .bind(f.improved)
                .bind(f.unchanged)
                .bind(f.wall_ms)
                .bind(f.judge_input_tokens)
                .bind(f.judge_output_tokens)
                .execute(e)
                .await
                .map(Executed::from)
            })?;
            facts.insert(f.report_id.clone(), f);
        }
        Ok(rows
            .into_iter()
            .map(|r| OpsEvalRow {
                report: r
                    .report_id
                    .as_deref()
                    .and_then(|id| facts.get(id))
                    .filter(|f| f.decoded)
                    .map(|f| OpsReportFacts {
                        status: f.report_status.clone(),
                        blocked_coverage: f.blocked_coverage,
                        regressed: f.regressed.map(i64::unsigned_abs),
                        improved: f.improved.map(i64::unsigned_abs),
                        unchanged: f.unchanged.map(i64::unsigned_abs),
                        wall_ms: f.wall_ms.map(i64::unsigned_abs),
                        judge_tokens: f
                            .judge_input_tokens
                            .zip(f.judge_output_tokens)
                            .map(|(i, o)| (i.unsigned_abs(), o.unsigned_abs())),
                    }),
                id: r.id,
                draft_id: r.draft_id,
                status: r.status,
                mode: r.mode,
                created_at: r.created_at,
                finished_at: r.finished_at,
            })
            .collect())
    }

    /// Review decisions made at or after `since` (all, superseded ones included).
    pub async fn ops_reviews(&self, since: Option<&str>) -> Result<Vec<OpsReviewRow>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, OpsReviewRow>(
                "SELECT draft_id, decision, decision_seconds, (superseded_by IS NOT NULL) AS superseded, created_at
                 FROM reviews WHERE created_at >= $1 ORDER BY created_at, id",
            )
            .bind(since.unwrap_or(""))
            .fetch_all(e)
            .await
        })?)
    }

    /// Publish attempts made at or after `since`.
    pub async fn ops_publish_decisions(
        &self,
        since: Option<&str>,
    ) -> Result<Vec<OpsPublishRow>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, OpsPublishRow>(
                "SELECT draft_id, outcome, created_at FROM publish_decisions
             WHERE created_at >= $1 ORDER BY created_at, id",
            )
            .bind(since.unwrap_or(""))
            .fetch_all(e)
            .await
        })?)
    }

    /// Preservation report statuses of drafts created at or after `since`
    /// (drafts without a preservation report — new skills — are left out).
    pub async fn ops_preservation(
        &self,
        since: Option<&str>,
    ) -> Result<Vec<OpsPreservationRow>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: String,
            preservation_report: String,
            created_at: String,
        }
        #[derive(Deserialize)]
        struct Status {
            status: String,
        }
        let rows = on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, Row>(
                "SELECT id, preservation_report, created_at FROM drafts
                 WHERE preservation_report IS NOT NULL AND created_at >= $1 ORDER BY created_at, id",
            )
            .bind(since.unwrap_or(""))
            .fetch_all(e)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(|r| OpsPreservationRow {
                status: serde_json::from_str::<Status>(&r.preservation_report)
                    .map(|s| s.status)
                    .unwrap_or_else(|_| "unreadable".into()),
                draft_id: r.id,
                created_at: r.created_at,
            })
            .collect())
    }

    /// Trial wall times (`totals.wall_ms` of each transcript) of trials
    /// finished at or after `since`. Each transcript is decoded once, in pages
    /// of 500, into `ops_trial_facts`; the durations then outlive the
    /// retention purge.
    pub async fn ops_trial_durations(
        &self,
        since: Option<&str>,
    ) -> Result<Vec<OpsTrialDuration>, StoreError> {
        #[derive(Deserialize)]
        struct Totals {
            #[serde(default)]
            wall_ms: Option<u64>,
        }
        #[derive(Deserialize)]
        struct Transcript {
            #[serde(default)]
            totals: Option<Totals>,
        }
        let since = since.unwrap_or("");
        let mut after = String::new();
        loop {
            let page = on_pool!(&self.pool, |e| {
                sqlx::query_as::<_, TranscriptRow>(
                    "SELECT t.id, t.arm, t.finished_at, t.transcript FROM trials t
                     LEFT JOIN ops_trial_facts f ON f.trial_id = t.id
                     WHERE f.trial_id IS NULL AND t.transcript IS NOT NULL
                       AND t.finished_at >= $1 AND t.id > $2
                     ORDER BY t.id LIMIT 500",
                )
                .bind(since)
                .bind(&after)
                .fetch_all(e)
                .await
            })?;
            let Some(last) = page.last() else {
                break;
            };
            after = last.id.clone();
            let mut tx = self.pool.begin_write().await?;
            for row in page {
                let wall = serde_json::from_str::<Transcript>(&row.transcript)
                    .ok()
                    .and_then(|t| t.totals)
                    .and_then(|t| t.wall_ms)
                    .map(to_i64);
                on_conn!(&mut tx, |e| {
                    sqlx::query(
                        "INSERT INTO ops_trial_facts (trial_id, arm, finished_at, wall_ms)
                         VALUES ($1, $2, $3, $4) ON CONFLICT (trial_id) DO NOTHING",
                    )
                    .bind(&row.id)
                    .bind(&row.arm)
                    .bind(&row.finished_at)
                    .bind(wall)
                    .execute(e)
                    .await
                    .map(Executed::from)
                })?;
            }
            tx.commit().await?;
        }
        #[derive(sqlx::FromRow)]
        struct Row {
            arm: String,
            wall_ms: i64,
        }
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, Row>(
                "SELECT arm, wall_ms FROM ops_trial_facts
                 WHERE wall_ms IS NOT NULL AND finished_at >= $1 ORDER BY trial_id",
            )
            .bind(since)
            .fetch_all(e)
            .await
        })?
        .into_iter()
        .map(|r| OpsTrialDuration {
            arm: r.arm,
            wall_ms: r.wall_ms.unsigned_abs(),
        })
        .collect())
    }

    /// Tokens per arm over all stored trials.
    pub async fn ops_token_totals(&self) -> Result<Vec<OpsTokenRow>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, OpsTokenRow>(
                "SELECT arm, CAST(COALESCE(SUM(input_tokens), 0) AS BIGINT) AS input_tokens,
                        CAST(COALESCE(SUM(output_tokens), 0) AS BIGINT) AS output_tokens
                 FROM trials GROUP BY arm ORDER BY arm",
            )
            .fetch_all(e)
            .await
        })?)
    }

    /// Removes raw replay data of evals past their retention at `now`:
    /// trial transcripts become NULL, tool-call arguments, results and side
    /// effects become `"[purged]"`, case reports (`reports.kind = 'case'`) are
    /// deleted. Eval rows, eval reports, trial scores and tool-call names and
    /// modes are kept, and trial wall times are saved to `ops_trial_facts`
    /// first. Idempotent: already purged data is not counted again.
    ///
    /// With `dry_run` nothing changes and the counts say what would go. A real
    /// purge is one transaction and leaves an audit entry by `actor`.
    pub async fn purge_raw(
        &self,
        policy: &RetentionPolicy,
        now: time::OffsetDateTime,
        dry_run: bool,
        actor: &str,
    ) -> Result<PurgeCounts, StoreError> {
        if !dry_run {
            // Keep the trial durations the latency histogram needs.
            self.ops_trial_durations(None).await?;
        }
        let shortest = policy
            .tenants
            .values()
            .copied()
            .chain([policy.raw_days])
            .min()
            .unwrap_or(policy.raw_days);
        let latest_cutoff = format_rfc3339_millis(now - time::Duration::days(i64::from(shortest)));
        let rows = on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, ExpiryRow>(
                "SELECT DISTINCT e.id, e.finished_at, r.tenant
                 FROM evals e
                 LEFT JOIN replay_cases c ON c.eval_id = e.id
                 LEFT JOIN runs r ON r.id = c.run_id
                 WHERE e.finished_at IS NOT NULL AND e.finished_at < $1
                 ORDER BY e.id",
            )
            .bind(&latest_cutoff)
            .fetch_all(e)
            .await
        })?;
        let mut evals: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
        for row in rows {
            let entry = evals
                .entry(row.id)
                .or_insert_with(|| (row.finished_at, Vec::new()));
            entry.1.extend(row.tenant);
        }
        let mut cutoffs: HashMap<u32, String> = HashMap::new();
        let expired: Vec<String> = evals
            .into_iter()
            .filter(|(_, (finished_at, tenants))| {
                let days = policy.days_for(tenants.iter().map(String::as_str));
                let cutoff = cutoffs.entry(days).or_insert_with(|| {
                    format_rfc3339_millis(now - time::Duration::days(i64::from(days)))
                });
                finished_at.as_str() < cutoff.as_str()
            })
            .map(|(id, _)| id)
            .collect();

        let mut counts = PurgeCounts {
            dry_run,
            ..PurgeCounts::default()
        };
        let mut tx = self.pool.begin_write().await?;
        for eval_id in &expired {
            let transcripts: i64 = on_conn!(&mut tx, |e| {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM trials WHERE eval_id = $1 AND transcript IS NOT NULL",
                )
                .bind(eval_id)
                .fetch_one(e)
                .await
            })?;
            let tool_calls: i64 = on_conn!(&mut tx, |e| {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM tool_calls WHERE trial_id IN (SELECT id FROM trials WHERE eval_id = $1)
                     AND NOT (arguments = $2 AND result = $2 AND (side_effect IS NULL OR side_effect = $2))",
                )
                .bind(eval_id)
                .bind(PURGED_JSON)
                .fetch_one(e)
                .await
            })?;
            let case_reports: i64 = on_conn!(&mut tx, |e| {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM reports WHERE eval_id = $1 AND kind = 'case'",
                )
                .bind(eval_id)
                .fetch_one(e)
                .await
            })?;
            if transcripts + tool_calls + case_reports == 0 {
                continue;
            }
            counts.evals += 1;
            counts.transcripts += transcripts.unsigned_abs();
            counts.tool_calls += tool_calls.unsigned_abs();
            counts.case_reports += case_reports.unsigned_abs();
            if dry_run {
                continue;
            }
            on_conn!(&mut tx, |e| {
                sqlx::query(
                    "UPDATE trials SET transcript = NULL WHERE eval_id = $1 AND transcript IS NOT NULL",
                )
                .bind(eval_id)
                .execute(e)
                .await
                .map(Executed::from)
            })?;
            on_conn!(&mut tx, |e| {
                sqlx::query(
                    "UPDATE tool_calls SET arguments = $2, result = $2,
                            side_effect = CASE WHEN side_effect IS NULL THEN NULL ELSE $2 END
                     WHERE trial_id IN (SELECT id FROM trials WHERE eval_id = $1)",
                )
                .bind(eval_id)
                .bind(PURGED_JSON)
                .execute(e)
                .await
                .map(Executed::from)
            })?;
            on_conn!(&mut tx, |e| {
                sqlx::query("DELETE FROM reports WHERE eval_id = $1 AND kind = 'case'")
                    .bind(eval_id)
                    .execute(e)
                    .await
                    .map(Executed::from)
            })?;
        }
        if dry_run {
            tx.rollback().await?;
            return Ok(counts);
        }
        let detail = format!(
            "raw_days={} tenants={:?}: {} evals, {} transcripts, {} tool calls, {} case reports purged",
            policy.raw_days,
            policy.tenants,
            counts.evals,
            counts.transcripts,
            counts.tool_calls,
            counts.case_reports
        );
        on_conn!(&mut tx, |e| {
            sqlx::query(
                "INSERT INTO audit_log (id, at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(crate::new_id("aud"))
            .bind(crate::now_rfc3339())
            .bind(actor)
            .bind(AUDIT_RETENTION_PURGE)
            .bind("store")
            .bind(detail)
            .execute(e)
            .await
            .map(Executed::from)
        })?;
        tx.commit().await?;
        Ok(counts)
    }
}
