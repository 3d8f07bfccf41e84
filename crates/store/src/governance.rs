//! Reviews, publish decisions, rollbacks, incidents, the kill switch and the
//! rollout-phase record (SPEC §6).
//!
//! The gate's rules live in `skillgate_core::gate`; this module only reads the
//! gate's inputs from the database and writes each decision together with its
//! audit-log entry in one transaction, so a decision never exists without its
//! audit entry (and vice versa).
//!
//! Kill-switch state lives in `settings`: [`SETTING_REPLAY_DISABLED`] and
//! [`SETTING_PUBLISH_DISABLED`] hold `"true"` or `"false"`, with the reason,
//! actor and time of the last change beside them.

use crate::db::{AsConn, Executed, Tx, on_conn, on_pool};
use crate::{SkillVersionRow, Store, StoreError, new_id, now_rfc3339};
use serde::{Deserialize, Serialize};
use skillgate_core::gate::{
    GateConfig, GateInput, GateVerdict, ReviewSummary, RolloutPhase, evaluate_gate,
    review_requires_rationale,
};
use skillgate_core::{Confidence, EvalStatus, ReportStatus};
use std::fmt;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Settings key: `"true"` when replay is turned off (evals run heuristic only).
pub const SETTING_REPLAY_DISABLED: &str = "replay_disabled";
/// Settings key: `"true"` when publishing is turned off.
pub const SETTING_PUBLISH_DISABLED: &str = "publish_disabled";
/// Settings key: why the kill switch last changed.
pub const SETTING_KILL_SWITCH_REASON: &str = "kill_switch_reason";
/// Settings key: who last changed the kill switch.
pub const SETTING_KILL_SWITCH_ACTOR: &str = "kill_switch_actor";
/// Settings key: when the kill switch last changed (RFC 3339).
pub const SETTING_KILL_SWITCH_AT: &str = "kill_switch_at";
/// Settings key: the rollout phase a command last saw configured.
pub const SETTING_GATE_PHASE: &str = "gate_phase";

/// Audit action: a review approved a draft.
pub const AUDIT_REVIEW_APPROVE: &str = "review.approve";
/// Audit action: a review rejected a draft.
pub const AUDIT_REVIEW_REJECT: &str = "review.reject";
/// Audit action: the gate let a draft through and it was published.
pub const AUDIT_PUBLISH: &str = "publish.publish";
/// Audit action: the gate refused a draft.
pub const AUDIT_PUBLISH_REFUSE: &str = "publish.refuse";
/// Audit action: a skill was rolled back to an earlier version.
pub const AUDIT_ROLLBACK: &str = "skill.rollback";
/// Audit action: the configured rollout phase changed.
pub const AUDIT_PHASE: &str = "gate.phase";
/// Audit action: replay (and maybe publishing) turned off.
pub const AUDIT_KILL_SWITCH_ON: &str = "killswitch.disable";
/// Audit action: replay and publishing turned back on.
pub const AUDIT_KILL_SWITCH_OFF: &str = "killswitch.enable";
/// Audit action: an incident was opened.
pub const AUDIT_INCIDENT_OPEN: &str = "incident.open";
/// Audit action: an incident was closed with its root cause.
pub const AUDIT_INCIDENT_CLOSE: &str = "incident.close";

/// What can go wrong in a governance action. Each message names the object
/// and what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum GovernanceError {
    /// A database error.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No such draft.
    #[error("draft '{0}' not found; `skillgate draft list` shows the drafts")]
    DraftNotFound(String),
    /// Approving needs a rationale for this eval status.
    #[error(
        "approving draft {draft_id} needs a rationale: its latest eval ended {status}, which the \
         gate accepts only with the reviewer's written reason; pass --rationale TEXT (or run the \
         eval again once it can complete)"
    )]
    RationaleRequired {
        /// The draft.
        draft_id: String,
        /// The eval status that needs it.
        status: String,
    },
    /// A rejection without a rationale.
    #[error(
        "rejecting draft {0} needs a rationale so its author knows what to change; pass --rationale TEXT"
    )]
    RejectNeedsRationale(String),
    /// The draft is already published.
    #[error(
        "draft {draft_id} is already published ({detail}); submit a new draft to change the skill"
    )]
    AlreadyPublished {
        /// The draft.
        draft_id: String,
        /// Which version it became.
        detail: String,
    },
    /// The skill moved on since the draft was submitted.
    #[error(
        "draft {draft_id} revises {revised} but {skill} v{current} is current now: its \
         PreservationReport and eval compare against an older version; resubmit the draft \
         (`skillgate draft submit DIR`) so it revises v{current}"
    )]
    StaleDraft {
        /// The draft.
        draft_id: String,
        /// Skill name.
        skill: String,
        /// What the draft revises (`v1`, or `nothing (new skill)`).
        revised: String,
        /// The current version number.
        current: i64,
    },
    /// No published version of the skill.
    #[error(
        "skill '{0}' has no published version; `skillgate skills list` shows the published skills"
    )]
    SkillNotFound(String),
    /// No such version of the skill.
    #[error("skill {skill} has no version {version}; `skillgate skills show {skill}` lists them")]
    VersionNotFound {
        /// Skill name.
        skill: String,
        /// Requested version.
        version: i64,
    },
    /// A rollback that would change nothing.
    #[error("cannot roll back {skill}: {reason}")]
    NothingToRollBack {
        /// Skill name.
        skill: String,
        /// Why.
        reason: String,
    },
    /// No such incident.
    #[error("incident '{0}' not found; `skillgate incident list` shows the incidents")]
    IncidentNotFound(String),
    /// The incident is already closed.
    #[error("incident {0} is already closed")]
    IncidentAlreadyClosed(String),
    /// An unknown severity.
    #[error("unknown incident severity '{0}': use P0, P1 or P2")]
    InvalidSeverity(String),
    /// A required free-text field is blank.
    #[error("{field} must not be blank: {fix}")]
    Blank {
        /// Which field.
        field: &'static str,
        /// How to give it.
        fix: &'static str,
    },
    /// Turning replay on while a P0 incident is open.
    #[error(
        "P0 incident(s) {0} still open: replay and publishing stay off until they are closed \
         (`skillgate incident close ID --root-cause TEXT`); pass --force to turn them on anyway"
    )]
    OpenP0Incident(String),
}

impl From<sqlx::Error> for GovernanceError {
    fn from(e: sqlx::Error) -> Self {
        GovernanceError::Store(StoreError::Sql(e))
    }
}

type Result<T> = std::result::Result<T, GovernanceError>;

/// A reviewer's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    /// The draft may be published (subject to the gate).
    Approve,
    /// The draft must not be published.
    Reject,
}

impl ReviewDecision {
    /// `approve` or `reject`, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewDecision::Approve => "approve",
            ReviewDecision::Reject => "reject",
        }
    }
}

/// A review to record.
#[derive(Debug, Clone)]
pub struct NewReview {
    /// The draft decided on.
    pub draft_id: String,
    /// Approve or reject.
    pub decision: ReviewDecision,
    /// Why (required to reject, and to approve a partial or skipped eval).
    pub rationale: Option<String>,
    /// Who decided.
    pub reviewer: String,
}

/// A stored review.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ReviewRow {
    /// Review id.
    pub id: String,
    /// The draft.
    pub draft_id: String,
    /// `approve` or `reject`.
    pub decision: String,
    /// Why.
    pub rationale: Option<String>,
    /// Who.
    pub reviewer: String,
    /// Seconds from the eval report being ready to this decision (`None`
    /// without an eval report).
    pub decision_seconds: Option<i64>,
    /// The review that replaced this one; `None` for the current decision.
    pub superseded_by: Option<String>,
    /// The eval whose report was current when deciding.
    pub eval_id: Option<String>,
    /// When (RFC 3339 UTC).
    pub created_at: String,
    /// What the gate recommended on the evidence alone when the review was
    /// made (`publish` or `refuse`; see [`Store::record_review_with`]).
    pub gate_recommendation: Option<String>,
    /// Whether the reviewer's decision agreed with that recommendation.
    pub gate_agreed: Option<bool>,
}

impl ReviewRow {
    /// Whether this review approves.
    pub fn approved(&self) -> bool {
        self.decision == ReviewDecision::Approve.as_str()
    }

    /// The part the gate reads.
    pub fn summary(&self) -> ReviewSummary {
        ReviewSummary {
            approved: self.approved(),
            rationale: self.rationale.clone(),
        }
    }
}

const REVIEW_COLUMNS: &str = "id, draft_id, decision, rationale, reviewer, decision_seconds, superseded_by, eval_id, created_at, gate_recommendation, gate_agreed";

/// What the gate needs from a draft's latest EvalReport.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalSummary {
    /// Eval id.
    pub eval_id: String,
    /// Report id.
    pub report_id: String,
    /// Final status.
    pub status: EvalStatus,
    /// Confidence, if the report carries one.
    pub confidence: Option<Confidence>,
    /// Share of tool calls blocked, if the report carries it.
    pub blocked_coverage: Option<f64>,
    /// `replay` or `heuristic`, if the report says.
    pub mode: Option<String>,
    /// When the report was stored (the "report ready" time).
    pub report_created_at: String,
}

/// One publish attempt as stored: what the gate said and what happened.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct PublishDecisionRow {
    /// Decision id.
    pub id: String,
    /// The draft.
    pub draft_id: String,
    /// `published` or `refused`.
    pub outcome: String,
    /// JSON list of every failing gate rule (enforced or not).
    pub failures: String,
    /// The current review's rationale.
    pub rationale: Option<String>,
    /// Who asked to publish.
    pub actor: String,
    /// When.
    pub created_at: String,
    /// Rollout phase in force.
    pub phase: Option<String>,
    /// What the strict rules recommend: `publish` or `refuse`.
    pub recommendation: Option<String>,
    /// Whether the human's decision to publish agreed with the recommendation.
    pub human_agreed: Option<bool>,
    /// JSON list of the gate exceptions used, with their rationale.
    pub exceptions: Option<String>,
    /// The review current at the time.
    pub review_id: Option<String>,
    /// The eval whose report was used.
    pub eval_id: Option<String>,
    /// The version published, if any.
    pub skill_version_id: Option<String>,
}

const DECISION_COLUMNS: &str = "id, draft_id, outcome, failures, rationale, actor, created_at, phase, recommendation, human_agreed, exceptions, review_id, eval_id, skill_version_id";

/// Outcome value of a publish decision that published.
pub const OUTCOME_PUBLISHED: &str = "published";
/// Outcome value of a publish decision the gate refused.
pub const OUTCOME_REFUSED: &str = "refused";

/// What `publish` did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublishOutcome {
    /// The stored decision.
    pub decision: PublishDecisionRow,
    /// The gate's verdict.
    pub verdict: GateVerdict,
    /// The new version, when published.
    pub version: Option<SkillVersionRow>,
}

/// Severity of an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Severity {
    /// A replay touched production, user files, credentials, accounts,
    /// permissions or payments: replay and publishing are turned off.
    P0,
    /// Serious, no automatic action.
    P1,
    /// Minor.
    P2,
}

impl Severity {
    /// `P0`, `P1` or `P2`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::P0 => "P0",
            Severity::P1 => "P1",
            Severity::P2 => "P2",
        }
    }

    /// Parses `P0`, `P1`, `P2` (case-insensitive).
    pub fn parse(s: &str) -> std::result::Result<Severity, GovernanceError> {
        match s.trim().to_ascii_uppercase().as_str() {
            "P0" => Ok(Severity::P0),
            "P1" => Ok(Severity::P1),
            "P2" => Ok(Severity::P2),
            _ => Err(GovernanceError::InvalidSeverity(s.to_string())),
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored incident.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct IncidentRow {
    /// Incident id (`inc_…`).
    pub id: String,
    /// `P0`, `P1` or `P2`.
    pub severity: String,
    /// Short title.
    pub title: String,
    /// Details.
    pub detail: String,
    /// `open` or `closed`.
    pub status: String,
    /// Root cause, set when closed.
    pub root_cause: Option<String>,
    /// When opened.
    pub opened_at: String,
    /// When closed.
    pub closed_at: Option<String>,
}

const INCIDENT_COLUMNS: &str =
    "id, severity, title, detail, status, root_cause, opened_at, closed_at";

/// What opening an incident did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentOpened {
    /// The incident.
    pub incident: IncidentRow,
    /// Whether it turned the kill switch on (P0).
    pub kill_switch_engaged: bool,
}

/// What closing an incident did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentClosed {
    /// The incident.
    pub incident: IncidentRow,
    /// Ids of P0 incidents still open.
    pub open_p0: Vec<String>,
    /// The kill switch after closing (closing never turns it off).
    pub kill_switch: KillSwitch,
}

/// Kill-switch state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct KillSwitch {
    /// Replay off: evals run in heuristic mode.
    pub replay_disabled: bool,
    /// Publishing off.
    pub publish_disabled: bool,
    /// Why it last changed.
    pub reason: Option<String>,
    /// Who last changed it.
    pub actor: Option<String>,
    /// When it last changed.
    pub changed_at: Option<String>,
}

/// A rollback: which versions, and the version it created.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RollbackOutcome {
    /// Rollback id.
    pub id: String,
    /// The version current before the rollback.
    pub from: SkillVersionRow,
    /// The version whose files were restored.
    pub to: SkillVersionRow,
    /// The new version holding the restored files.
    pub new_version: SkillVersionRow,
}

/// A change of the configured rollout phase, as seen by a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PhaseChange {
    /// The phase seen before (`None` the first time).
    pub previous: Option<RolloutPhase>,
    /// The phase configured now.
    pub current: RolloutPhase,
}

/// Everything the gate read for one draft, and its verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateReading {
    /// Inputs read from the database.
    pub input: GateInput,
    /// The configuration used (with the stored kill switch applied).
    pub config: GateConfig,
    /// The verdict.
    pub verdict: GateVerdict,
    /// The current review.
    pub review: Option<ReviewRow>,
    /// The latest eval report.
    pub eval: Option<EvalSummary>,
}

#[derive(sqlx::FromRow)]
struct DraftFacts {
    id: String,
    skill_name: String,
    description: String,
    content_hash: String,
    status: String,
    revises_version_id: Option<String>,
    safety_report: Option<String>,
    preservation_report: Option<String>,
}

const VERSION_COLUMNS: &str =
    "id, skill_name, version, description, content_hash, source_draft_id, created_at";

async fn draft_on(conn: &mut impl AsConn, draft_id: &str) -> Result<DraftFacts> {
    on_conn!(conn, |e| {
        sqlx::query_as::<_, DraftFacts>(
            "SELECT id, skill_name, description, content_hash, status, revises_version_id, safety_report,
                    preservation_report
             FROM drafts WHERE id = $1",
        )
        .bind(draft_id)
        .fetch_optional(e)
        .await
    })?
    .ok_or_else(|| GovernanceError::DraftNotFound(draft_id.to_string()))
}

fn report_status(json: Option<&str>, what: &str, draft_id: &str) -> Result<Option<ReportStatus>> {
    let Some(json) = json else { return Ok(None) };
    let corrupt = |reason: String| {
        GovernanceError::Store(StoreError::Corrupt {
            what: format!("{what} of draft {draft_id}"),
            reason,
        })
    };
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| corrupt(e.to_string()))?;
    let status = value
        .get("status")
        .cloned()
        .ok_or_else(|| corrupt("no `status` field".into()))?;
    serde_json::from_value(status)
        .map(Some)
        .map_err(|e| corrupt(format!("`status`: {e}")))
}

fn parse_eval_report(
    draft_id: &str,
    eval_id: String,
    report_id: String,
    body: &str,
    created_at: String,
) -> Result<EvalSummary> {
    let corrupt = |reason: String| {
        GovernanceError::Store(StoreError::Corrupt {
            what: format!("eval report {report_id} of draft {draft_id}"),
            reason,
        })
    };
    let v: serde_json::Value = serde_json::from_str(body).map_err(|e| corrupt(e.to_string()))?;
    let status: EvalStatus = v
        .get("status")
        .cloned()
        .ok_or_else(|| corrupt("no `status` field".into()))
        .and_then(|s| serde_json::from_value(s).map_err(|e| corrupt(format!("`status`: {e}"))))?;
    let confidence = match v.get("confidence") {
        None | Some(serde_json::Value::Null) => None,
        // Accept both `"low"` and `{ "level": "low", ... }`.
        Some(c) => {
            let level = c.get("level").unwrap_or(c).clone();
            Some(
                serde_json::from_value::<Confidence>(level)
                    .map_err(|e| corrupt(format!("`confidence`: {e}")))?,
            )
        }
    };
    let blocked_coverage = v
        .get("blocked_coverage")
        .and_then(serde_json::Value::as_f64)
        .or_else(|| {
            v.get("coverage")
                .and_then(|c| c.get("blocked"))
                .and_then(serde_json::Value::as_f64)
        });
    let mode = v.get("mode").and_then(|m| m.as_str()).map(str::to_string);
    Ok(EvalSummary {
        eval_id,
        report_id,
        status,
        confidence,
        blocked_coverage,
        mode,
        report_created_at: created_at,
    })
}

async fn latest_eval_on(conn: &mut impl AsConn, draft_id: &str) -> Result<Option<EvalSummary>> {
    // Newest by parsed time, not by text: stored timestamps drop trailing
    // zeros of the fraction (".86Z" vs ".863Z"), so text order can lie.
    let rows: Vec<(String, String, String, String)> = on_conn!(conn, |e| {
        sqlx::query_as(
            "SELECT r.eval_id, r.id, r.body, r.created_at
             FROM reports r JOIN evals e ON e.id = r.eval_id
             WHERE e.draft_id = $1 AND r.kind = 'eval'",
        )
        .bind(draft_id)
        .fetch_all(e)
        .await
    })?;
    rows.into_iter()
        .max_by_key(|(_, id, _, at)| (OffsetDateTime::parse(at, &Rfc3339).ok(), id.clone()))
        .map(|(eval_id, report_id, body, at)| {
            parse_eval_report(draft_id, eval_id, report_id, &body, at)
        })
        .transpose()
}

async fn current_review_on(conn: &mut impl AsConn, draft_id: &str) -> Result<Option<ReviewRow>> {
    Ok(on_conn!(conn, |e| {
        sqlx::query_as::<_, ReviewRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {REVIEW_COLUMNS} FROM reviews WHERE draft_id = $1 AND superseded_by IS NULL
             ORDER BY created_at DESC, id DESC LIMIT 1"
        )))
        .bind(draft_id)
        .fetch_optional(e)
        .await
    })?)
}

async fn open_p0_on(conn: &mut impl AsConn) -> Result<Vec<String>> {
    Ok(on_conn!(conn, |e| {
        sqlx::query_scalar(
            "SELECT id FROM incidents WHERE severity = 'P0' AND status = 'open' ORDER BY opened_at, id",
        )
        .fetch_all(e)
        .await
    })?)
}

async fn setting_on(conn: &mut impl AsConn, key: &str) -> Result<Option<String>> {
    Ok(on_conn!(conn, |e| {
        sqlx::query_scalar::<_, String>("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(e)
            .await
    })?)
}

async fn set_setting_on(conn: &mut impl AsConn, key: &str, value: &str) -> Result<()> {
    on_conn!(conn, |e| {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(e)
        .await
        .map(Executed::from)
    })?;
    Ok(())
}

async fn kill_switch_on(conn: &mut impl AsConn) -> Result<KillSwitch> {
    let flag = |v: Option<String>| v.is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    Ok(KillSwitch {
        replay_disabled: flag(setting_on(conn, SETTING_REPLAY_DISABLED).await?),
        publish_disabled: flag(setting_on(conn, SETTING_PUBLISH_DISABLED).await?),
        reason: setting_on(conn, SETTING_KILL_SWITCH_REASON).await?,
        actor: setting_on(conn, SETTING_KILL_SWITCH_ACTOR).await?,
        changed_at: setting_on(conn, SETTING_KILL_SWITCH_AT).await?,
    })
}

async fn write_kill_switch_on(
    conn: &mut impl AsConn,
    replay_disabled: bool,
    publish_disabled: bool,
    reason: &str,
    actor: &str,
) -> Result<KillSwitch> {
    let now = now_rfc3339();
    set_setting_on(conn, SETTING_REPLAY_DISABLED, bool_str(replay_disabled)).await?;
    set_setting_on(conn, SETTING_PUBLISH_DISABLED, bool_str(publish_disabled)).await?;
    set_setting_on(conn, SETTING_KILL_SWITCH_REASON, reason).await?;
    set_setting_on(conn, SETTING_KILL_SWITCH_ACTOR, actor).await?;
    set_setting_on(conn, SETTING_KILL_SWITCH_AT, &now).await?;
    let action = if replay_disabled || publish_disabled {
        AUDIT_KILL_SWITCH_ON
    } else {
        AUDIT_KILL_SWITCH_OFF
    };
    audit_on(
        conn,
        actor,
        action,
        "kill-switch",
        &format!(
            "replay {}, publishing {}: {reason}",
            on_off(!replay_disabled),
            on_off(!publish_disabled)
        ),
    )
    .await?;
    Ok(KillSwitch {
        replay_disabled,
        publish_disabled,
        reason: Some(reason.to_string()),
        actor: Some(actor.to_string()),
        changed_at: Some(now),
    })
}

fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| {
        GovernanceError::Store(StoreError::Corrupt {
            what: "publish decision".into(),
            reason: e.to_string(),
        })
    })
}

fn recommendation(publish: bool) -> &'static str {
    if publish { "publish" } else { "refuse" }
}

fn bool_str(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

async fn audit_on(
    conn: &mut impl AsConn,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<()> {
    crate::insert_audit(conn, actor, action, subject, detail).await?;
    Ok(())
}

fn non_blank(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

fn require(text: &str, field: &'static str, fix: &'static str) -> Result<String> {
    non_blank(Some(text))
        .map(str::to_string)
        .ok_or(GovernanceError::Blank { field, fix })
}

/// Whole seconds from `from` to `to` (RFC 3339), never negative; `None` when
/// either does not parse.
fn seconds_between(from: &str, to: &str) -> Option<i64> {
    let a = OffsetDateTime::parse(from, &Rfc3339).ok()?;
    let b = OffsetDateTime::parse(to, &Rfc3339).ok()?;
    Some((b - a).whole_seconds().max(0))
}

/// Where a new version's files come from.
enum FilesFrom<'a> {
    Draft(&'a str),
    Version(&'a str),
}

/// Inserts the next version of `skill` in the caller's transaction. The
/// blobs already exist (they belong to the draft or the earlier version), so
/// only the file rows are copied.
async fn insert_version_on(
    conn: &mut impl AsConn,
    skill: &str,
    description: &str,
    content_hash: &str,
    files: FilesFrom<'_>,
    source_draft_id: Option<&str>,
) -> Result<SkillVersionRow> {
    let now = now_rfc3339();
    on_conn!(conn, |e| {
        sqlx::query(
            "INSERT INTO skills (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(skill)
        .bind(&now)
        .execute(e)
        .await
        .map(Executed::from)
    })?;
    let latest: Option<i64> = on_conn!(conn, |e| {
        sqlx::query_scalar("SELECT MAX(version) FROM skill_versions WHERE skill_name = $1")
            .bind(skill)
            .fetch_one(e)
            .await
    })?;
    let row = SkillVersionRow {
        id: new_id("ver"),
        skill_name: skill.to_string(),
        version: latest.unwrap_or(0) + 1,
        description: description.to_string(),
        content_hash: content_hash.to_string(),
        source_draft_id: source_draft_id.map(str::to_string),
        created_at: now,
    };
    on_conn!(conn, |e| {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO skill_versions ({VERSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        )))
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
    let (sql, from_id) = match files {
        FilesFrom::Draft(id) => (
            "INSERT INTO skill_version_files (version_id, path, blob_hash)
             SELECT $1, path, blob_hash FROM draft_files WHERE draft_id = $2",
            id,
        ),
        FilesFrom::Version(id) => (
            "INSERT INTO skill_version_files (version_id, path, blob_hash)
             SELECT $1, path, blob_hash FROM skill_version_files WHERE version_id = $2",
            id,
        ),
    };
    let copied = on_conn!(conn, |e| {
        sqlx::query(sql)
            .bind(&row.id)
            .bind(from_id)
            .execute(e)
            .await
            .map(Executed::from)
    })?
    .rows_affected();
    if copied == 0 {
        return Err(GovernanceError::Store(StoreError::Corrupt {
            what: format!("files of {from_id}"),
            reason: "no file stored; resubmit the skill folder".into(),
        }));
    }
    Ok(row)
}

async fn read_gate(
    conn: &mut impl AsConn,
    draft: &DraftFacts,
    config: &GateConfig,
) -> Result<GateReading> {
    let review = current_review_on(conn, &draft.id).await?;
    let eval = latest_eval_on(conn, &draft.id).await?;
    let kill = kill_switch_on(conn).await?;
    let input = GateInput {
        review: review.as_ref().map(ReviewRow::summary),
        safety: report_status(draft.safety_report.as_deref(), "SafetyReport", &draft.id)?,
        preservation: report_status(
            draft.preservation_report.as_deref(),
            "PreservationReport",
            &draft.id,
        )?,
        eval_status: eval.as_ref().map(|e| e.status),
        confidence: eval.as_ref().and_then(|e| e.confidence),
        blocked_coverage: eval.as_ref().and_then(|e| e.blocked_coverage),
        open_p0_incident: !open_p0_on(conn).await?.is_empty(),
    };
    let config = GateConfig {
        publish_disabled: config.publish_disabled || kill.publish_disabled,
        ..config.clone()
    };
    let verdict = evaluate_gate(&input, &config);
    Ok(GateReading {
        input,
        config,
        verdict,
        review,
        eval,
    })
}

async fn version_of_draft_on(
    conn: &mut impl AsConn,
    draft_id: &str,
) -> Result<Option<SkillVersionRow>> {
    Ok(on_conn!(conn, |e| {
        sqlx::query_as::<_, SkillVersionRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {VERSION_COLUMNS} FROM skill_versions WHERE source_draft_id = $1 ORDER BY version LIMIT 1"
        )))
        .bind(draft_id)
        .fetch_optional(e)
        .await
    })?)
}

async fn already_published(conn: &mut impl AsConn, draft_id: &str) -> GovernanceError {
    let detail = match version_of_draft_on(conn, draft_id).await {
        Ok(Some(v)) => format!("{} v{}", v.skill_name, v.version),
        _ => "status published".to_string(),
    };
    GovernanceError::AlreadyPublished {
        draft_id: draft_id.to_string(),
        detail,
    }
}

impl Store {
    /// Begins a transaction that holds the write lock from its first
    /// statement. A deferred SQLite transaction that reads first and writes
    /// later fails with "database is locked" (no busy wait) when another
    /// writer committed in between; writing first makes it wait its turn
    /// instead, and every read after it sees the latest state.
    ///
    /// On PostgreSQL the same serialisation comes from a transaction-level
    /// advisory lock, so concurrent governance writes (two publishes of one
    /// draft) run one after the other there too.
    async fn begin_write(&self) -> Result<Tx> {
        let mut tx = self.pool.begin().await?;
        match tx.as_conn() {
            crate::db::Conn::Sqlite(e) => {
                sqlx::query("UPDATE settings SET value = value WHERE key = $1")
                    .bind(SETTING_GATE_PHASE)
                    .execute(e)
                    .await?;
            }
            crate::db::Conn::Postgres(e) => {
                sqlx::query("SELECT pg_advisory_xact_lock(hashtext('skillgate.governance'))")
                    .execute(e)
                    .await?;
            }
        }
        Ok(tx)
    }

    /// Records a review of a draft: it becomes the draft's current decision,
    /// the previous one is kept and marked superseded, the draft's status
    /// becomes `approved` or `rejected`, and the decision is audited.
    ///
    /// Refuses a rejection without a rationale, an approval without one when
    /// the latest eval is `partial` or `skipped_provider_unavailable`, and a
    /// review of an already published draft.
    ///
    /// The gate recommendation stored with the review assumes the default
    /// gate settings; use [`Store::record_review_with`] to pass the
    /// deployment's.
    pub async fn record_review(&self, review: &NewReview) -> Result<ReviewRow> {
        self.record_review_with(review, &GateConfig::default())
            .await
    }

    /// [`Store::record_review`] with the deployment's gate settings, used to
    /// store what the gate recommends on the evidence alone and whether the
    /// reviewer agreed — the comparison the `shadow` phase exists for.
    ///
    /// "On the evidence alone" means: the draft's reports evaluated as if
    /// approved without a rationale, ignoring the kill switch and incidents
    /// (they are not about the draft). So a `skipped_provider_unavailable` or
    /// `partial` eval is a `refuse` recommendation: only a human's rationale
    /// can let it through.
    pub async fn record_review_with(
        &self,
        review: &NewReview,
        config: &GateConfig,
    ) -> Result<ReviewRow> {
        let mut tx = self.begin_write().await?;
        let draft = draft_on(&mut tx, &review.draft_id).await?;
        if draft.status == "published" {
            return Err(already_published(&mut tx, &draft.id).await);
        }
        let eval = latest_eval_on(&mut tx, &draft.id).await?;
        let rationale = non_blank(review.rationale.as_deref()).map(str::to_string);
        match review.decision {
            ReviewDecision::Reject if rationale.is_none() => {
                return Err(GovernanceError::RejectNeedsRationale(draft.id));
            }
            ReviewDecision::Approve
                if rationale.is_none()
                    && eval
                        .as_ref()
                        .is_some_and(|e| review_requires_rationale(e.status)) =>
            {
                return Err(GovernanceError::RationaleRequired {
                    draft_id: draft.id,
                    status: eval.map(|e| e.status.as_str()).unwrap_or_default().into(),
                });
            }
            _ => {}
        }
        let reviewer = require(
            &review.reviewer,
            "reviewer",
            "pass --reviewer NAME or set $USER",
        )?;
        let evidence = {
            let mut reading = read_gate(&mut tx, &draft, config).await?;
            reading.input.review = Some(ReviewSummary {
                approved: true,
                rationale: None,
            });
            reading.input.open_p0_incident = false;
            let config = GateConfig {
                publish_disabled: false,
                ..config.clone()
            };
            evaluate_gate(&reading.input, &config)
        };
        let recommends_publish = evidence.recommendation_allowed;
        let agreed = (review.decision == ReviewDecision::Approve) == recommends_publish;
        let now = now_rfc3339();
        let row = ReviewRow {
            id: new_id("rev"),
            draft_id: draft.id.clone(),
            decision: review.decision.as_str().to_string(),
            rationale,
            reviewer,
            decision_seconds: eval
                .as_ref()
                .and_then(|e| seconds_between(&e.report_created_at, &now)),
            superseded_by: None,
            eval_id: eval.as_ref().map(|e| e.eval_id.clone()),
            created_at: now,
            gate_recommendation: Some(recommendation(recommends_publish).to_string()),
            gate_agreed: Some(agreed),
        };
        let superseded: Vec<String> = on_conn!(&mut tx, |e| {
            sqlx::query_scalar(
                "SELECT id FROM reviews WHERE draft_id = $1 AND superseded_by IS NULL",
            )
            .bind(&draft.id)
            .fetch_all(e)
            .await
        })?;
        on_conn!(&mut tx, |e| {
            sqlx::query(
                "UPDATE reviews SET superseded_by = $1 WHERE draft_id = $2 AND superseded_by IS NULL",
            )
            .bind(&row.id)
            .bind(&draft.id)
            .execute(e)
            .await
            .map(Executed::from)
        })?;
        on_conn!(&mut tx, |e| {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO reviews ({REVIEW_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
            )))
            .bind(&row.id)
            .bind(&row.draft_id)
            .bind(&row.decision)
            .bind(&row.rationale)
            .bind(&row.reviewer)
            .bind(row.decision_seconds)
            .bind(&row.superseded_by)
            .bind(&row.eval_id)
            .bind(&row.created_at)
            .bind(&row.gate_recommendation)
            .bind(row.gate_agreed)
            .execute(e)
            .await
            .map(Executed::from)
        })?;
        let status = match review.decision {
            ReviewDecision::Approve => "approved",
            ReviewDecision::Reject => "rejected",
        };
        on_conn!(&mut tx, |e| {
            sqlx::query("UPDATE drafts SET status = $1 WHERE id = $2")
                .bind(status)
                .bind(&draft.id)
                .execute(e)
                .await
                .map(Executed::from)
        })?;
        let mut detail = format!(
            "{status} {} draft; eval {}",
            draft.skill_name,
            eval.as_ref().map_or("none".to_string(), |e| format!(
                "{} {}",
                e.eval_id,
                e.status.as_str()
            )),
        );
        if let Some(s) = row.decision_seconds {
            detail.push_str(&format!(", decided {s} s after the report"));
        }
        detail.push_str(&format!(
            ", gate on the evidence recommends {}{} (reviewer {})",
            recommendation(recommends_publish),
            if evidence.failures.is_empty() {
                String::new()
            } else {
                format!(
                    ": {}",
                    evidence
                        .failures
                        .iter()
                        .map(|f| f.rule.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
            if agreed { "agrees" } else { "disagrees" }
        ));
        if !superseded.is_empty() {
            detail.push_str(&format!(", supersedes {}", superseded.join(", ")));
        }
        if let Some(r) = &row.rationale {
            detail.push_str(&format!("; rationale: {r}"));
        }
        let action = match review.decision {
            ReviewDecision::Approve => AUDIT_REVIEW_APPROVE,
            ReviewDecision::Reject => AUDIT_REVIEW_REJECT,
        };
        audit_on(&mut tx, &row.reviewer, action, &draft.id, &detail).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// The draft's current review (the one not superseded), if any.
    pub async fn current_review(&self, draft_id: &str) -> Result<Option<ReviewRow>> {
        let mut conn = self.pool.acquire().await?;
        current_review_on(&mut conn, draft_id).await
    }

    /// Every review of a draft, oldest first (superseded ones included).
    pub async fn reviews(&self, draft_id: &str) -> Result<Vec<ReviewRow>> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, ReviewRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {REVIEW_COLUMNS} FROM reviews WHERE draft_id = $1 ORDER BY created_at, id"
            )))
            .bind(draft_id)
            .fetch_all(e)
            .await
        })?)
    }

    /// The draft's latest eval report (by report time), read for the gate.
    pub async fn latest_eval_summary(&self, draft_id: &str) -> Result<Option<EvalSummary>> {
        let mut conn = self.pool.acquire().await?;
        latest_eval_on(&mut conn, draft_id).await
    }

    /// Reads the gate's inputs for a draft and evaluates the gate; the stored
    /// publish kill switch is applied on top of `config`. Writes nothing.
    pub async fn gate_reading(&self, draft_id: &str, config: &GateConfig) -> Result<GateReading> {
        let mut conn = self.pool.acquire().await?;
        let draft = draft_on(&mut conn, draft_id).await?;
        read_gate(&mut conn, &draft, config).await
    }

    /// Runs the publish gate on a draft and acts on the verdict, in one
    /// transaction: when allowed, the draft's files become the skill's next
    /// version and the draft is marked `published`; either way a publish
    /// decision (failures, recommendation, whether the human's publish agreed
    /// with it, exceptions and rationale) and an audit entry are written.
    /// Refuses (as an error, before the gate) a draft that is already
    /// published, and a stale draft: one that does not revise the skill's
    /// current version (another version was published or rolled back since it
    /// was submitted), whose reports compare against the wrong version.
    pub async fn publish_draft(
        &self,
        draft_id: &str,
        config: &GateConfig,
        actor: &str,
    ) -> Result<PublishOutcome> {
        let actor = require(actor, "actor", "pass --actor NAME or set $USER")?;
        let mut tx = self.begin_write().await?;
        let draft = draft_on(&mut tx, draft_id).await?;
        if draft.status == "published" {
            return Err(already_published(&mut tx, &draft.id).await);
        }
        let current = on_conn!(&mut tx, |e| {
            sqlx::query_as::<_, SkillVersionRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {VERSION_COLUMNS} FROM skill_versions WHERE skill_name = $1 ORDER BY version DESC LIMIT 1"
            )))
            .bind(&draft.skill_name)
            .fetch_optional(e)
            .await
        })?;
        if let Some(current) = current
            && draft.revises_version_id.as_deref() != Some(current.id.as_str())
        {
            let revised = match &draft.revises_version_id {
                Some(id) => on_conn!(&mut tx, |e| {
                    sqlx::query_scalar::<_, i64>("SELECT version FROM skill_versions WHERE id = $1")
                        .bind(id)
                        .fetch_optional(e)
                        .await
                })?
                .map_or_else(|| id.clone(), |v| format!("v{v}")),
                None => "nothing (it was submitted as a new skill)".to_string(),
            };
            return Err(GovernanceError::StaleDraft {
                draft_id: draft.id,
                skill: draft.skill_name,
                revised,
                current: current.version,
            });
        }
        let reading = read_gate(&mut tx, &draft, config).await?;
        let verdict = reading.verdict;
        let version = if verdict.allowed {
            let claimed = on_conn!(&mut tx, |e| {
                sqlx::query(
                    "UPDATE drafts SET status = 'published' WHERE id = $1 AND status <> 'published'",
                )
                .bind(&draft.id)
                .execute(e)
                .await
                .map(Executed::from)
            })?
            .rows_affected();
            if claimed == 0 {
                return Err(already_published(&mut tx, &draft.id).await);
            }
            Some(
                insert_version_on(
                    &mut tx,
                    &draft.skill_name,
                    &draft.description,
                    &draft.content_hash,
                    FilesFrom::Draft(&draft.id),
                    Some(&draft.id),
                )
                .await?,
            )
        } else {
            None
        };
        let decision = PublishDecisionRow {
            id: new_id("pub"),
            draft_id: draft.id.clone(),
            outcome: if version.is_some() {
                OUTCOME_PUBLISHED
            } else {
                OUTCOME_REFUSED
            }
            .to_string(),
            failures: to_json(&verdict.failures)?,
            rationale: reading.review.as_ref().and_then(|r| r.rationale.clone()),
            actor: actor.clone(),
            created_at: now_rfc3339(),
            phase: Some(verdict.phase.as_str().to_string()),
            recommendation: Some(recommendation(verdict.recommendation_allowed).to_string()),
            human_agreed: Some(verdict.human_agreed(true)),
            exceptions: Some(to_json(&verdict.exceptions_used)?),
            review_id: reading.review.as_ref().map(|r| r.id.clone()),
            eval_id: reading.eval.as_ref().map(|e| e.eval_id.clone()),
            skill_version_id: version.as_ref().map(|v| v.id.clone()),
        };
        on_conn!(&mut tx, |e| {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO publish_decisions ({DECISION_COLUMNS})
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
            )))
            .bind(&decision.id)
            .bind(&decision.draft_id)
            .bind(&decision.outcome)
            .bind(&decision.failures)
            .bind(&decision.rationale)
            .bind(&decision.actor)
            .bind(&decision.created_at)
            .bind(&decision.phase)
            .bind(&decision.recommendation)
            .bind(decision.human_agreed)
            .bind(&decision.exceptions)
            .bind(&decision.review_id)
            .bind(&decision.eval_id)
            .bind(&decision.skill_version_id)
            .execute(e)
            .await
            .map(Executed::from)
        })?;
        let failing: Vec<&str> = verdict.failures.iter().map(|f| f.rule.as_str()).collect();
        let exceptions: Vec<&str> = verdict
            .exceptions_used
            .iter()
            .map(|e| e.exception.as_str())
            .collect();
        let mut detail = match &version {
            Some(v) => format!("{} v{} published", v.skill_name, v.version),
            None => format!("{} draft refused", draft.skill_name),
        };
        detail.push_str(&format!(
            "; phase {}, gate recommends {}",
            verdict.phase,
            decision.recommendation.as_deref().unwrap_or("-")
        ));
        if !failing.is_empty() {
            detail.push_str(&format!("; failing rules: {}", failing.join(", ")));
        }
        if !exceptions.is_empty() {
            detail.push_str(&format!("; exceptions: {}", exceptions.join(", ")));
        }
        if let Some(r) = &decision.rationale {
            detail.push_str(&format!("; review rationale: {r}"));
        }
        let action = if version.is_some() {
            AUDIT_PUBLISH
        } else {
            AUDIT_PUBLISH_REFUSE
        };
        audit_on(&mut tx, &actor, action, &draft.id, &detail).await?;
        tx.commit().await?;
        let outcome = PublishOutcome {
            decision,
            verdict,
            version,
        };
        log_publish(&outcome, &draft.skill_name, &actor);
        Ok(outcome)
    }

    /// Every publish attempt of a draft, oldest first.
    pub async fn publish_decisions(&self, draft_id: &str) -> Result<Vec<PublishDecisionRow>> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, PublishDecisionRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {DECISION_COLUMNS} FROM publish_decisions WHERE draft_id = $1 ORDER BY created_at, id"
            )))
            .bind(draft_id)
            .fetch_all(e)
            .await
        })?)
    }

    /// Rolls `skill` back by publishing the files of an earlier version as a
    /// NEW version (history is kept: "v4 = rollback to v2"). `to` defaults to
    /// the newest earlier version whose files differ from the current one.
    /// Not subject to the publish gate or kill switch: returning to a version
    /// that was already published is the safe direction.
    pub async fn rollback_skill(
        &self,
        skill: &str,
        to: Option<i64>,
        reason: &str,
        actor: &str,
    ) -> Result<RollbackOutcome> {
        let reason = require(reason, "reason", "pass --reason TEXT")?;
        let actor = require(actor, "actor", "pass --actor NAME or set $USER")?;
        let mut tx = self.begin_write().await?;
        let versions = on_conn!(&mut tx, |e| {
            sqlx::query_as::<_, SkillVersionRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {VERSION_COLUMNS} FROM skill_versions WHERE skill_name = $1 ORDER BY version"
            )))
            .bind(skill)
            .fetch_all(e)
            .await
        })?;
        let Some(current) = versions.last().cloned() else {
            return Err(GovernanceError::SkillNotFound(skill.to_string()));
        };
        let nothing = |reason: String| GovernanceError::NothingToRollBack {
            skill: skill.to_string(),
            reason,
        };
        let target = match to {
            Some(v) => {
                let t = versions.iter().find(|r| r.version == v).cloned().ok_or(
                    GovernanceError::VersionNotFound {
                        skill: skill.to_string(),
                        version: v,
                    },
                )?;
                if t.version == current.version {
                    return Err(nothing(format!("v{v} is already the current version")));
                }
                if t.content_hash == current.content_hash {
                    return Err(nothing(format!(
                        "v{v} has the same files as the current v{}",
                        current.version
                    )));
                }
                t
            }
            None => versions
                .iter()
                .rev()
                .skip(1)
                .find(|r| r.content_hash != current.content_hash)
                .cloned()
                .ok_or_else(|| {
                    nothing(format!(
                        "no earlier version differs from the current v{}",
                        current.version
                    ))
                })?,
        };
        let new_version = insert_version_on(
            &mut tx,
            skill,
            &target.description,
            &target.content_hash,
            FilesFrom::Version(&target.id),
            None,
        )
        .await?;
        let id = new_id("rbk");
        on_conn!(&mut tx, |e| {
            sqlx::query(
                "INSERT INTO rollbacks (id, skill_name, from_version, to_version, new_version_id, reason, actor, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&id)
            .bind(skill)
            .bind(current.version)
            .bind(target.version)
            .bind(&new_version.id)
            .bind(&reason)
            .bind(&actor)
            .bind(&new_version.created_at)
            .execute(e)
            .await
            .map(Executed::from)
        })?;
        audit_on(
            &mut tx,
            &actor,
            AUDIT_ROLLBACK,
            skill,
            &format!(
                "v{} = rollback of v{} to v{}: {reason}",
                new_version.version, current.version, target.version
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(RollbackOutcome {
            id,
            from: current,
            to: target,
            new_version,
        })
    }

    /// For a version created by a rollback, the version whose files it
    /// restored.
    pub async fn rollback_target(&self, version_id: &str) -> Result<Option<i64>> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_scalar("SELECT to_version FROM rollbacks WHERE new_version_id = $1")
                .bind(version_id)
                .fetch_optional(e)
                .await
        })?)
    }

    /// Records the rollout phase a command sees configured. Returns the change
    /// (and writes a `gate.phase` audit entry) when it differs from the phase
    /// seen last, including the first time; `None` when unchanged.
    pub async fn observe_phase(
        &self,
        phase: RolloutPhase,
        actor: &str,
    ) -> Result<Option<PhaseChange>> {
        let mut tx = self.begin_write().await?;
        let previous = setting_on(&mut tx, SETTING_GATE_PHASE).await?;
        if previous.as_deref() == Some(phase.as_str()) {
            return Ok(None);
        }
        set_setting_on(&mut tx, SETTING_GATE_PHASE, phase.as_str()).await?;
        audit_on(
            &mut tx,
            actor,
            AUDIT_PHASE,
            "gate",
            &format!(
                "rollout phase {} -> {phase} (configuration [gate] phase)",
                previous.as_deref().unwrap_or("(none)")
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(PhaseChange {
            previous: previous.as_deref().and_then(RolloutPhase::parse),
            current: phase,
        }))
    }

    /// The kill switch as stored.
    pub async fn kill_switch(&self) -> Result<KillSwitch> {
        let mut conn = self.pool.acquire().await?;
        kill_switch_on(&mut conn).await
    }

    /// Turns replay off (evals run in heuristic mode) and, with
    /// `publish_too`, publishing as well; publishing already off stays off.
    /// Audited with the reason.
    pub async fn disable_replay(
        &self,
        publish_too: bool,
        reason: &str,
        actor: &str,
    ) -> Result<KillSwitch> {
        let reason = require(reason, "reason", "pass --reason TEXT")?;
        let actor = require(actor, "actor", "pass --actor NAME or set $USER")?;
        let mut tx = self.begin_write().await?;
        let now = kill_switch_on(&mut tx).await?;
        let state = write_kill_switch_on(
            &mut tx,
            true,
            publish_too || now.publish_disabled,
            &reason,
            &actor,
        )
        .await?;
        tx.commit().await?;
        Ok(state)
    }

    /// Turns replay and publishing back on. Refuses while a P0 incident is
    /// open unless `force` (which is audited as such).
    pub async fn enable_replay(
        &self,
        reason: &str,
        actor: &str,
        force: bool,
    ) -> Result<KillSwitch> {
        let reason = require(reason, "reason", "pass --reason TEXT")?;
        let actor = require(actor, "actor", "pass --actor NAME or set $USER")?;
        let mut tx = self.begin_write().await?;
        let open = open_p0_on(&mut tx).await?;
        let reason = if open.is_empty() {
            reason
        } else if force {
            format!("{reason} (forced while P0 {} open)", open.join(", "))
        } else {
            return Err(GovernanceError::OpenP0Incident(open.join(", ")));
        };
        let state = write_kill_switch_on(&mut tx, false, false, &reason, &actor).await?;
        tx.commit().await?;
        Ok(state)
    }

    /// Opens an incident. A P0 turns the kill switch on (replay and
    /// publishing off) in the same transaction, with reason
    /// "P0 incident ID: TITLE".
    pub async fn open_incident(
        &self,
        severity: Severity,
        title: &str,
        detail: &str,
        actor: &str,
    ) -> Result<IncidentOpened> {
        let title = require(title, "title", "pass --title TEXT")?;
        let actor = require(actor, "actor", "pass --actor NAME or set $USER")?;
        let incident = IncidentRow {
            id: new_id("inc"),
            severity: severity.as_str().to_string(),
            title,
            detail: detail.trim().to_string(),
            status: "open".into(),
            root_cause: None,
            opened_at: now_rfc3339(),
            closed_at: None,
        };
        let mut tx = self.begin_write().await?;
        on_conn!(&mut tx, |e| {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO incidents ({INCIDENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            )))
            .bind(&incident.id)
            .bind(&incident.severity)
            .bind(&incident.title)
            .bind(&incident.detail)
            .bind(&incident.status)
            .bind(&incident.root_cause)
            .bind(&incident.opened_at)
            .bind(&incident.closed_at)
            .execute(e)
            .await
            .map(Executed::from)
        })?;
        audit_on(
            &mut tx,
            &actor,
            AUDIT_INCIDENT_OPEN,
            &incident.id,
            &format!("{} {}", incident.severity, incident.title),
        )
        .await?;
        let engaged = severity == Severity::P0;
        if engaged {
            write_kill_switch_on(
                &mut tx,
                true,
                true,
                &format!("P0 incident {}: {}", incident.id, incident.title),
                &actor,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(IncidentOpened {
            incident,
            kill_switch_engaged: engaged,
        })
    }

    /// Closes an incident with its root cause. Never turns the kill switch
    /// off: the result says which P0 incidents remain open and the switch's
    /// state, and `enable_replay` turns it off explicitly.
    pub async fn close_incident(
        &self,
        id: &str,
        root_cause: &str,
        actor: &str,
    ) -> Result<IncidentClosed> {
        let root_cause = require(root_cause, "root cause", "pass --root-cause TEXT")?;
        let actor = require(actor, "actor", "pass --actor NAME or set $USER")?;
        let mut tx = self.begin_write().await?;
        let mut incident = on_conn!(&mut tx, |e| {
            sqlx::query_as::<_, IncidentRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE id = $1"
            )))
            .bind(id)
            .fetch_optional(e)
            .await
        })?
        .ok_or_else(|| GovernanceError::IncidentNotFound(id.to_string()))?;
        if incident.status != "open" {
            return Err(GovernanceError::IncidentAlreadyClosed(id.to_string()));
        }
        let now = now_rfc3339();
        on_conn!(&mut tx, |e| {
            sqlx::query(
                "UPDATE incidents SET status = 'closed', root_cause = $1, closed_at = $2 WHERE id = $3",
            )
            .bind(&root_cause)
            .bind(&now)
            .bind(id)
            .execute(e)
            .await
            .map(Executed::from)
        })?;
        incident.status = "closed".into();
        incident.root_cause = Some(root_cause.clone());
        incident.closed_at = Some(now);
        let open_p0 = open_p0_on(&mut tx).await?;
        let kill_switch = kill_switch_on(&mut tx).await?;
        audit_on(
            &mut tx,
            &actor,
            AUDIT_INCIDENT_CLOSE,
            id,
            &format!(
                "{} {} closed; root cause: {root_cause}; replay {}, publishing {}",
                incident.severity,
                incident.title,
                on_off(!kill_switch.replay_disabled),
                on_off(!kill_switch.publish_disabled)
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(IncidentClosed {
            incident,
            open_p0,
            kill_switch,
        })
    }

    /// Incidents, newest first; only open ones with `open_only`.
    pub async fn list_incidents(&self, open_only: bool) -> Result<Vec<IncidentRow>> {
        let filter = if open_only {
            "WHERE status = 'open'"
        } else {
            ""
        };
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, IncidentRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {INCIDENT_COLUMNS} FROM incidents {filter} ORDER BY opened_at DESC, id DESC"
            )))
            .fetch_all(e)
            .await
        })?)
    }

    /// TEST SUPPORT ONLY — not part of the product. Stores an eval of
    /// `draft_id` with one `eval` report whose body is `report` (an EvalReport
    /// JSON with at least `status`), as the eval engine would, so governance
    /// can be tested before and independently of it. Returns the eval id.
    #[doc(hidden)]
    pub async fn test_support_insert_eval_report(
        &self,
        draft_id: &str,
        report: &serde_json::Value,
    ) -> Result<String> {
        let status = report
            .get("status")
            .and_then(|s| s.as_str())
            .unwrap_or("passed")
            .to_string();
        let mode = report
            .get("mode")
            .and_then(|s| s.as_str())
            .unwrap_or("replay")
            .to_string();
        let eval_id = new_id("evl");
        let now = now_rfc3339();
        let mut tx = self.begin_write().await?;
        on_conn!(&mut tx, |e| {
            sqlx::query(
                "INSERT INTO evals (id, draft_id, status, mode, config, created_at, finished_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&eval_id)
            .bind(draft_id)
            .bind(&status)
            .bind(&mode)
            .bind("{}")
            .bind(&now)
            .bind(&now)
            .execute(e)
            .await
            .map(Executed::from)
        })?;
        on_conn!(&mut tx, |e| {
            sqlx::query(
                "INSERT INTO reports (id, eval_id, kind, body, created_at) VALUES ($1, $2, 'eval', $3, $4)",
            )
            .bind(new_id("rpt"))
            .bind(&eval_id)
            .bind(report.to_string())
            .bind(&now)
            .execute(e)
            .await
            .map(Executed::from)
        })?;
        tx.commit().await?;
        Ok(eval_id)
    }
}

/// Logs a publish attempt (`docs/logging.md`): one `gate.rule_failed` event per
/// failing rule, then `gate.published` or `gate.publish_refused`. Lives here so
/// every caller (CLI, web form, HTTP API) logs the same events.
fn log_publish(outcome: &PublishOutcome, skill: &str, actor: &str) {
    let v = &outcome.verdict;
    let draft_id = outcome.decision.draft_id.as_str();
    let phase = v.phase.to_string();
    for f in &v.failures {
        tracing::warn!(target: "skillgate::gate", event = "gate.rule_failed", draft_id = %draft_id,
            skill = %skill, actor = %actor, phase = %phase, rule = %f.rule, enforced = f.enforced,
            meaning = %f.meaning, fix = %f.fix, "gate rule failed");
    }
    let rules: Vec<&str> = v.failures.iter().map(|f| f.rule.as_str()).collect();
    match &outcome.version {
        Some(version) => tracing::info!(target: "skillgate::gate", event = "gate.published",
            draft_id = %draft_id, skill = %skill, actor = %actor, phase = %phase,
            version = version.version, decision_id = %outcome.decision.id,
            recorded_failures = %rules.join(","), "draft published"),
        None => {
            let blocking: Vec<&str> = v.blocking().map(|f| f.rule.as_str()).collect();
            tracing::warn!(target: "skillgate::gate", event = "gate.publish_refused",
                draft_id = %draft_id, skill = %skill, actor = %actor, phase = %phase,
                rules = %blocking.join(","), decision_id = %outcome.decision.id,
                "publish refused by the gate")
        }
    }
}
