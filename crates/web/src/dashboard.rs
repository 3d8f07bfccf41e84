//! The dashboard (SPEC §7, §8): product metrics over a window, the runbook
//! alerts, open incidents, the kill switch and the eval job queue. Every figure comes from
//! `skillgate-ops` (the same functions as `skillgate metrics` and
//! `skillgate alerts`: [`skillgate_ops::metrics_report`] and
//! [`skillgate_ops::alerts_report`]), so the page reads only the window (and
//! [`skillgate_ops::ALERT_LOOKBACK`] for the alerts' spike baselines) and
//! agrees with the CLI and `/metrics`.
//!
//! Also here: closing an incident with its regression case, shared by the
//! close form and `POST /api/incidents/{id}/close`.

use crate::AppState;
use crate::error::ApiError;
use crate::i18n::{Arg, Tr};
use axum::http::StatusCode;
use serde::Serialize;
use skillgate_ops::{AlertState, JobQueueSummary, OpsError, ProductMetrics};
use skillgate_store::{
    GovernanceError, IncidentClosed, IncidentRow, KillSwitch, PinnedCaseRow, StoreError,
};

/// The windows the dashboard offers (`?since=`).
pub(crate) const WINDOWS: [&str; 3] = ["7d", "14d", "30d"];
/// The window shown without `?since=`.
pub(crate) const DEFAULT_WINDOW: &str = "14d";

/// Everything the dashboard shows; also the body of `GET /api/dashboard`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Dashboard {
    /// The window, e.g. `14d`.
    pub window: &'static str,
    /// Product and operational metrics over the window.
    pub metrics: ProductMetrics,
    /// Every runbook alert, firing ones first (then in the rules file's order).
    pub alerts: Vec<AlertState>,
    /// How many alerts fire.
    pub firing: usize,
    /// Open incidents, newest first.
    pub open_incidents: Vec<IncidentRow>,
    /// The kill switch now.
    pub kill_switch: KillSwitch,
    /// The eval job queue now (not windowed).
    pub jobs: JobQueueSummary,
}

/// The window named by `?since=` (default [`DEFAULT_WINDOW`]); only the
/// [`WINDOWS`] are offered, so the page's cost stays bounded.
pub(crate) fn window(since: Option<&str>) -> Result<&'static str, ApiError> {
    let text = since.map(str::trim).filter(|s| !s.is_empty());
    WINDOWS
        .into_iter()
        .find(|w| *w == text.unwrap_or(DEFAULT_WINDOW))
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "since must be 7d, 14d or 30d, not '{}'",
                text.unwrap_or_default()
            ))
        })
}

/// An ops error as an API error.
fn ops_error(e: OpsError) -> ApiError {
    match e {
        OpsError::Window(w) => {
            ApiError::bad_request(format!("invalid window '{w}': use 7d, 14d or 30d"))
        }
        OpsError::Store(s) => s.into(),
        OpsError::Governance(g) => g.into(),
    }
}

/// Computes the dashboard over the window `name` (one of [`WINDOWS`]) ending now.
pub(crate) async fn load(state: &AppState, name: &'static str) -> Result<Dashboard, ApiError> {
    let store = state.store();
    let span = skillgate_ops::parse_window(name).map_err(ops_error)?;
    let metrics = skillgate_ops::metrics_report(store, span)
        .await
        .map_err(ops_error)?;
    let mut alerts = skillgate_ops::alerts_report(store, span)
        .await
        .map_err(ops_error)?;
    alerts.sort_by_key(|a| !a.firing);
    let firing = alerts.iter().filter(|a| a.firing).count();
    Ok(Dashboard {
        window: name,
        metrics,
        alerts,
        firing,
        open_incidents: store.list_incidents(true).await?,
        kill_switch: store.kill_switch().await?,
        jobs: skillgate_ops::job_queue_report(store)
            .await
            .map_err(ops_error)?,
    })
}

/// How an alert's value and threshold read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// A share, shown as a percentage.
    Rate,
    /// Seconds, shown as a duration.
    Seconds,
    /// A count.
    Count,
}

/// The unit of the alert named `name` (one of `skillgate_ops::ALERT_NAMES`).
pub(crate) fn alert_unit(name: &str) -> Unit {
    match name {
        "TrustedPublishRateLow"
        | "ReplayRegressionRateHigh"
        | "ProviderUnavailableSkipRateHigh" => Unit::Rate,
        "ReviewerDecisionTimeHigh" | "ReplayLatencyP95High" | "EvalQueueStuck" => Unit::Seconds,
        _ => Unit::Count,
    }
}

/// A share as a percentage with one decimal (`0.125` → `12.5%`), or the
/// locale's "no data".
pub(crate) fn fmt_rate(tr: &Tr, v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{:.1}%", v * 100.0),
        _ => tr.t("no-data").to_string(),
    }
}

/// Seconds as a duration in the locale's units (s below 2 min, min below
/// 2 h, else h), or "no data".
pub(crate) fn fmt_seconds(tr: &Tr, v: Option<f64>) -> String {
    let Some(v) = v.filter(|v| v.is_finite()) else {
        return tr.t("no-data").to_string();
    };
    let (id, n) = if v < 120.0 {
        ("duration-seconds", v)
    } else if v < 7200.0 {
        ("duration-minutes", v / 60.0)
    } else {
        ("duration-hours", v / 3600.0)
    };
    tr.args(id, &[("value", Arg::Text(format!("{n:.1}")))])
}

/// A count (one decimal when it is not whole, as a spike threshold can be),
/// or "no data".
pub(crate) fn fmt_count(tr: &Tr, v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() && v.fract() == 0.0 => format!("{v:.0}"),
        Some(v) if v.is_finite() => format!("{v:.1}"),
        _ => tr.t("no-data").to_string(),
    }
}

/// An alert value or threshold in its unit.
pub(crate) fn fmt_alert_value(tr: &Tr, unit: Unit, v: Option<f64>) -> String {
    match unit {
        Unit::Rate => fmt_rate(tr, v),
        Unit::Seconds => fmt_seconds(tr, v),
        Unit::Count => fmt_count(tr, v),
    }
}

/// A p50 / p95 pair of seconds; "no data" once when both are missing.
pub(crate) fn fmt_seconds_pair(tr: &Tr, p50: Option<f64>, p95: Option<f64>) -> String {
    if p50.is_none() && p95.is_none() {
        return tr.t("no-data").to_string();
    }
    format!("{} / {}", fmt_seconds(tr, p50), fmt_seconds(tr, p95))
}

/// An owner from the runbook (`security/engineering`) in the locale's words.
pub(crate) fn owner_label(tr: &Tr, owner: &str) -> String {
    owner
        .split('/')
        .map(|part| match part {
            "product" => tr.t("owner-product"),
            "design" => tr.t("owner-design"),
            "engineering" => tr.t("owner-engineering"),
            "operations" => tr.t("owner-operations"),
            "security" => tr.t("owner-security"),
            other => other,
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

// ---------------------------------------------------------------- closing incidents

/// What closing an incident did: the close, and the regression case pinned.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CloseOutcome {
    /// The closed incident, P0s still open and the kill switch.
    #[serde(flatten)]
    pub closed: IncidentClosed,
    /// The run pinned as a replay case of the skill, when one was given.
    pub regression_case: Option<PinnedCaseRow>,
}

/// A close request: the root cause and, for a P0 required, the regression
/// case (the run that reproduces the failure and the skill to pin it to).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CloseRequest<'a> {
    /// Incident id.
    pub id: &'a str,
    /// Root cause (required).
    pub root_cause: &'a str,
    /// Run id of the regression case.
    pub regression_case: Option<&'a str>,
    /// Skill the case is pinned to.
    pub skill: Option<&'a str>,
}

fn unprocessable(code: &'static str, message: String) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

/// Closes an incident as `skillgate incident close` does: a non-blank root
/// cause always; for a P0 also its regression case, pinned as a replay case
/// of the skill first, so every later eval of the skill replays the failure.
/// Everything is checked before anything is written: an unknown incident,
/// run or skill, or a missing field stores nothing.
pub(crate) async fn close_incident(
    state: &AppState,
    req: CloseRequest<'_>,
    actor: &str,
) -> Result<CloseOutcome, ApiError> {
    let store = state.store();
    let id = req.id;
    let incident = store
        .list_incidents(false)
        .await?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or_else(|| GovernanceError::IncidentNotFound(id.to_string()))?;
    if incident.status != "open" {
        return Err(GovernanceError::IncidentAlreadyClosed(id.to_string()).into());
    }
    if req.root_cause.trim().is_empty() {
        return Err(unprocessable(
            "root_cause_required",
            format!("closing incident {id} needs its root cause (root_cause): say what caused it"),
        ));
    }
    let run = req.regression_case.map(str::trim).filter(|s| !s.is_empty());
    let skill = req.skill.map(str::trim).filter(|s| !s.is_empty());
    let case = match (run, skill) {
        (Some(run), Some(skill)) => Some((run, skill)),
        (Some(run), None) => {
            return Err(unprocessable(
                "regression_case_incomplete",
                format!(
                    "the regression case {run} needs the skill to pin it to (skill): the skill \
                     whose evals must replay the failure"
                ),
            ));
        }
        (None, Some(skill)) => {
            return Err(unprocessable(
                "regression_case_incomplete",
                format!(
                    "the regression case for skill {skill} needs the run id that reproduces the \
                     failure (regression_case)"
                ),
            ));
        }
        (None, None) if incident.severity == skillgate_ops::SIDE_EFFECT_SEVERITY => {
            return Err(unprocessable(
                "regression_case_required",
                format!(
                    "closing P0 incident {id} needs its regression case: the run id that \
                     reproduces the failure (regression_case) and the skill to pin it to (skill); \
                     every later eval of the skill replays it"
                ),
            ));
        }
        (None, None) => None,
    };
    let mut pinned = None;
    if let Some((run, skill)) = case {
        if let Err(e) = store.get_run(run).await {
            return Err(match e {
                StoreError::NotFound { .. } => ApiError::not_found(
                    "run_not_found",
                    format!(
                        "regression case run '{run}' does not exist: give the id of an imported \
                         run (skillgate runs import) that reproduces the failure"
                    ),
                ),
                other => other.into(),
            });
        }
        if !skill_known(state, skill).await? {
            return Err(ApiError::not_found(
                "skill_not_found",
                format!(
                    "skill '{skill}' has no published version and no draft: give the name of the \
                     skill whose evals must replay regression case {run}"
                ),
            ));
        }
        pinned = Some(
            store
                .pin_case(
                    skill,
                    run,
                    &format!("regression case of incident {id}"),
                    actor,
                )
                .await?,
        );
    }
    let closed = store.close_incident(id, req.root_cause, actor).await?;
    Ok(CloseOutcome {
        closed,
        regression_case: pinned,
    })
}

/// Whether `skill` has a published version or a draft.
async fn skill_known(state: &AppState, skill: &str) -> Result<bool, ApiError> {
    let store = state.store();
    if !store.skill_versions(skill).await?.is_empty() {
        return Ok(true);
    }
    Ok(store
        .list_drafts()
        .await?
        .iter()
        .any(|d| d.skill_name == skill))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_defaults_to_14_days_and_offers_three() {
        assert_eq!(window(None).unwrap(), "14d");
        assert_eq!(window(Some("")).unwrap(), "14d");
        assert_eq!(window(Some("7d")).unwrap(), "7d");
        assert_eq!(window(Some("30d")).unwrap(), "30d");
        let err = window(Some("365d")).unwrap_err();
        assert_eq!(err.status, StatusCode::BAD_REQUEST);
        assert!(err.message.contains("'365d'"), "{}", err.message);
    }

    #[test]
    fn missing_numbers_read_no_data_not_zero() {
        let tr = Tr::new(skillgate_core::Locale::En);
        assert_eq!(fmt_rate(&tr, None), "no data");
        assert_eq!(fmt_rate(&tr, Some(f64::NAN)), "no data");
        assert_eq!(fmt_rate(&tr, Some(0.125)), "12.5%");
        assert_eq!(fmt_seconds(&tr, None), "no data");
        assert_eq!(fmt_seconds(&tr, Some(5.4)), "5.4 s");
        assert_eq!(fmt_seconds(&tr, Some(1800.0)), "30.0 min");
        assert_eq!(fmt_seconds(&tr, Some(9000.0)), "2.5 h");
        assert_eq!(fmt_count(&tr, Some(3.0)), "3");
        assert_eq!(fmt_count(&tr, Some(2.5)), "2.5");
        assert_eq!(fmt_seconds_pair(&tr, None, None), "no data");
        let zh = Tr::new(skillgate_core::Locale::ZhCn);
        assert_ne!(fmt_rate(&zh, None), "no data");
        assert_eq!(
            owner_label(&tr, "security/engineering"),
            "security / engineering"
        );
    }
}
