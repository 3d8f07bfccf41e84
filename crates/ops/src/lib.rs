//! Operations (SPEC §7, runbook §5): product and operational metrics computed
//! from the store, the runbook's alert rules evaluated on stored data, and the
//! Prometheus text exposition for `/metrics`.
//!
//! Loading ([`load`]) is the only async, store-reading step; everything else
//! is pure computation over [`OpsData`], so every metric and alert is tested
//! with rows built in memory.
//!
//! Why no `metrics` crate: every figure is a fact already stored (evals,
//! reports, reviews, publish decisions, incidents), so `/metrics` renders them
//! straight from the database. The figures then survive restarts, agree
//! across `skillgate serve` and `skillgate worker` processes, and equal what
//! `skillgate metrics` prints.

use serde::Serialize;
use skillgate_store::jobs_stats::JobQueueStats;
use skillgate_store::{
    IncidentRow, JobState, OpsEvalRow, OpsPreservationRow, OpsPublishRow, OpsReviewRow,
    OpsTokenRow, OpsTrialDuration, Store, StoreError, format_rfc3339_millis,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

pub use skillgate_store::RetentionPolicy as RetentionConfig;

/// Errors of the operations layer.
#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// A `--since` window that does not parse.
    #[error("invalid window '{0}': use a whole number and a unit, e.g. 14d, 36h, 2w or 90m")]
    Window(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Reading incidents failed.
    #[error(transparent)]
    Governance(#[from] skillgate_store::GovernanceError),
}

/// Parses a window such as `14d`, `36h`, `2w`, `90m` (minutes).
pub fn parse_window(text: &str) -> Result<Duration, OpsError> {
    let t = text.trim();
    let err = || OpsError::Window(text.to_string());
    let unit = t.chars().last().ok_or_else(err)?;
    let n: i64 = t[..t.len() - unit.len_utf8()].parse().map_err(|_| err())?;
    if n <= 0 {
        return Err(err());
    }
    match unit {
        'm' => Ok(Duration::minutes(n)),
        'h' => Ok(Duration::hours(n)),
        'd' => Ok(Duration::days(n)),
        'w' => Ok(Duration::weeks(n)),
        _ => Err(err()),
    }
}

/// Stored rows the metrics are computed from.
#[derive(Debug, Clone, Default)]
pub struct OpsData {
    /// Evals with their report facts.
    pub evals: Vec<OpsEvalRow>,
    /// Review decisions.
    pub reviews: Vec<OpsReviewRow>,
    /// Publish attempts.
    pub publish: Vec<OpsPublishRow>,
    /// All incidents (open and closed).
    pub incidents: Vec<IncidentRow>,
    /// Preservation report statuses.
    pub preservation: Vec<OpsPreservationRow>,
    /// Trial wall times (trials whose transcript is still stored).
    pub trial_durations: Vec<OpsTrialDuration>,
    /// Token totals per arm (all time).
    pub tokens: Vec<OpsTokenRow>,
    /// The eval job queue when loaded (not windowed: its state now).
    pub jobs: JobQueueStats,
}

/// Reads the rows created at or after `since` (`None`: everything).
pub async fn load(store: &Store, since: Option<OffsetDateTime>) -> Result<OpsData, OpsError> {
    let since = since.map(format_rfc3339_millis);
    let s = since.as_deref();
    Ok(OpsData {
        evals: store.ops_evals(s).await?,
        reviews: store.ops_reviews(s).await?,
        publish: store.ops_publish_decisions(s).await?,
        incidents: store.list_incidents(false).await?,
        preservation: store.ops_preservation(s).await?,
        trial_durations: store.ops_trial_durations(s).await?,
        tokens: store.ops_token_totals().await?,
        jobs: store
            .job_queue_stats(&format_rfc3339_millis(OffsetDateTime::now_utc()))
            .await?,
    })
}

/// The eval job queue as `/metrics` and the dashboard show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobQueueSummary {
    /// Jobs per state (`queued`, `running`, `done`, `failed`; all present).
    pub counts: BTreeMap<String, u64>,
    /// Seconds the longest-waiting queued job has waited since it was last
    /// queued (enqueue, retry or lease re-queue); 0 when nothing is queued.
    pub oldest_queued_seconds: f64,
    /// Running jobs whose lease expired (their worker stopped) and that no
    /// claim has re-queued yet.
    pub running_lease_expired: u64,
}

/// Seconds the longest-waiting queued job has waited at `now` (0 when none,
/// or when its timestamp does not parse).
pub fn oldest_queued_seconds(jobs: &JobQueueStats, now: OffsetDateTime) -> f64 {
    jobs.oldest_queued_since
        .as_deref()
        .and_then(ts)
        .map_or(0.0, |t| (now - t).as_seconds_f64().max(0.0))
}

/// The queue summary of `jobs` at `now`.
pub fn job_queue_summary(jobs: &JobQueueStats, now: OffsetDateTime) -> JobQueueSummary {
    let mut counts: BTreeMap<String, u64> = [
        JobState::Queued,
        JobState::Running,
        JobState::Done,
        JobState::Failed,
    ]
    .into_iter()
    .map(|s| (s.as_str().to_string(), 0))
    .collect();
    counts.extend(jobs.counts.iter().map(|(k, v)| (k.clone(), *v)));
    JobQueueSummary {
        counts,
        oldest_queued_seconds: oldest_queued_seconds(jobs, now),
        running_lease_expired: jobs.running_lease_expired,
    }
}

/// The eval job queue read from `store` now (the dashboard).
pub async fn job_queue_report(store: &Store) -> Result<JobQueueSummary, OpsError> {
    let now = OffsetDateTime::now_utc();
    let jobs = store.job_queue_stats(&format_rfc3339_millis(now)).await?;
    Ok(job_queue_summary(&jobs, now))
}

fn ts(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

fn within(s: &str, from: OffsetDateTime, to: OffsetDateTime) -> bool {
    ts(s).is_some_and(|t| t >= from && t < to)
}

/// Nearest-rank percentile (`p` in 0..=1) of unsorted values.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v.get(rank - 1).copied()
}

fn ratio(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// Eval statuses that are not final.
const UNFINISHED: [&str; 2] = ["queued", "running"];
/// The status of an eval skipped because the provider was unavailable.
pub const STATUS_SKIPPED: &str = "skipped_provider_unavailable";
/// Incident severity of a production side effect (runbook §6: P0).
pub const SIDE_EFFECT_SEVERITY: &str = "P0";

/// Eval wall time in seconds: the report's `timings.wall_ms`, else
/// `finished_at − created_at`.
pub fn eval_seconds(e: &OpsEvalRow) -> Option<f64> {
    if let Some(ms) = e.report.as_ref().and_then(|r| r.wall_ms) {
        return Some(ms as f64 / 1000.0);
    }
    let (c, f) = (ts(&e.created_at)?, ts(e.finished_at.as_deref()?)?);
    Some((f - c).as_seconds_f64().max(0.0))
}

fn blocked_full(e: &OpsEvalRow) -> bool {
    e.report
        .as_ref()
        .and_then(|r| r.blocked_coverage)
        .is_some_and(|b| b >= 1.0 - 1e-9)
}

/// Product and operational metrics over a window (runbook §5).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProductMetrics {
    /// Window start (inclusive).
    pub from: String,
    /// Window end (exclusive).
    pub to: String,
    /// Evals created in the window, per status.
    pub replay_status_counts: BTreeMap<String, u64>,
    /// Drafts that reached a decision in the window: any publish attempt, or a
    /// current review rejecting it.
    pub drafts_decided: u64,
    /// Of those, drafts published in the window.
    pub drafts_published: u64,
    /// Trusted skill publish rate = drafts_published / drafts_decided.
    pub trusted_publish_rate: Option<f64>,
    /// Reviews with a decision time.
    pub reviews_timed: u64,
    /// Reviewer decision time p50 (seconds).
    pub review_decision_p50_seconds: Option<f64>,
    /// Reviewer decision time p95 (seconds).
    pub review_decision_p95_seconds: Option<f64>,
    /// Finished replay-mode evals with a report.
    pub replay_reports: u64,
    /// Of those, reports with at least one regressed case.
    pub regressed_reports: u64,
    /// Replay regression rate = regressed_reports / replay_reports.
    pub replay_regression_rate: Option<f64>,
    /// Finished evals in the window.
    pub finished_evals: u64,
    /// Of those, skipped because the provider was unavailable.
    pub provider_unavailable_skips: u64,
    /// Skip rate = skips / finished evals.
    pub provider_skip_rate: Option<f64>,
    /// Eval wall time p50 (seconds).
    pub replay_latency_p50_seconds: Option<f64>,
    /// Eval wall time p95 (seconds).
    pub replay_latency_p95_seconds: Option<f64>,
    /// Reports with blocked_coverage = 1.0.
    pub blocked_coverage_full_reports: u64,
    /// Incidents open now.
    pub open_incidents: u64,
    /// P0 (side-effect) incidents open now.
    pub open_side_effect_incidents: u64,
    /// P0 incidents opened in the window.
    pub side_effect_incidents: u64,
    /// Preservation reports of drafts created in the window.
    pub preservation_reports: u64,
    /// Of those, failed.
    pub preservation_failed: u64,
}

/// Drafts decided and published in `[from, to)`.
fn publish_counts(data: &OpsData, from: OffsetDateTime, to: OffsetDateTime) -> (u64, u64) {
    let mut decided = BTreeSet::new();
    let mut published = BTreeSet::new();
    for p in data
        .publish
        .iter()
        .filter(|p| within(&p.created_at, from, to))
    {
        decided.insert(p.draft_id.as_str());
        if p.outcome == skillgate_store::OUTCOME_PUBLISHED {
            published.insert(p.draft_id.as_str());
        }
    }
    for r in data
        .reviews
        .iter()
        .filter(|r| r.decision == "reject" && !r.superseded && within(&r.created_at, from, to))
    {
        decided.insert(r.draft_id.as_str());
    }
    (decided.len() as u64, published.len() as u64)
}

/// Computes the metrics over `[from, to)`.
pub fn compute_metrics(data: &OpsData, from: OffsetDateTime, to: OffsetDateTime) -> ProductMetrics {
    let evals: Vec<&OpsEvalRow> = data
        .evals
        .iter()
        .filter(|e| within(&e.created_at, from, to))
        .collect();
    let mut replay_status_counts = BTreeMap::new();
    for e in &evals {
        *replay_status_counts.entry(e.status.clone()).or_insert(0) += 1;
    }
    let finished: Vec<&&OpsEvalRow> = evals
        .iter()
        .filter(|e| !UNFINISHED.contains(&e.status.as_str()))
        .collect();
    let replay: Vec<&&&OpsEvalRow> = finished
        .iter()
        .filter(|e| e.mode == "replay" && e.status != STATUS_SKIPPED)
        .filter(|e| e.report.as_ref().is_some_and(|r| r.regressed.is_some()))
        .collect();
    let regressed = replay
        .iter()
        .filter(|e| e.report.as_ref().and_then(|r| r.regressed).unwrap_or(0) > 0)
        .count() as u64;
    let skips = finished
        .iter()
        .filter(|e| e.status == STATUS_SKIPPED)
        .count() as u64;
    let latencies: Vec<f64> = finished
        .iter()
        .filter(|e| e.status != STATUS_SKIPPED)
        .filter_map(|e| eval_seconds(e))
        .collect();
    let decisions: Vec<f64> = data
        .reviews
        .iter()
        .filter(|r| within(&r.created_at, from, to))
        .filter_map(|r| r.decision_seconds)
        .map(|s| s as f64)
        .collect();
    let (decided, published) = publish_counts(data, from, to);
    let preservation: Vec<&OpsPreservationRow> = data
        .preservation
        .iter()
        .filter(|p| within(&p.created_at, from, to))
        .collect();
    let open = data.incidents.iter().filter(|i| i.status == "open");
    ProductMetrics {
        from: format_rfc3339_millis(from),
        to: format_rfc3339_millis(to),
        replay_status_counts,
        drafts_decided: decided,
        drafts_published: published,
        trusted_publish_rate: ratio(published, decided),
        reviews_timed: decisions.len() as u64,
        review_decision_p50_seconds: percentile(&decisions, 0.5),
        review_decision_p95_seconds: percentile(&decisions, 0.95),
        replay_reports: replay.len() as u64,
        regressed_reports: regressed,
        replay_regression_rate: ratio(regressed, replay.len() as u64),
        finished_evals: finished.len() as u64,
        provider_unavailable_skips: skips,
        provider_skip_rate: ratio(skips, finished.len() as u64),
        replay_latency_p50_seconds: percentile(&latencies, 0.5),
        replay_latency_p95_seconds: percentile(&latencies, 0.95),
        blocked_coverage_full_reports: finished.iter().filter(|e| blocked_full(e)).count() as u64,
        open_incidents: open.clone().count() as u64,
        open_side_effect_incidents: open.filter(|i| i.severity == SIDE_EFFECT_SEVERITY).count()
            as u64,
        side_effect_incidents: data
            .incidents
            .iter()
            .filter(|i| i.severity == SIDE_EFFECT_SEVERITY && within(&i.opened_at, from, to))
            .count() as u64,
        preservation_reports: preservation.len() as u64,
        preservation_failed: preservation.iter().filter(|p| p.status == "failed").count() as u64,
    }
}

/// Alert thresholds (runbook §5 defaults).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertThresholds {
    /// Trusted publish rate below this in each of the last two weeks.
    pub publish_rate_min: f64,
    /// Reviewer decision time p95 above this (seconds).
    pub decision_p95_max_seconds: f64,
    /// Replay regression rate above this.
    pub regression_rate_max: f64,
    /// Provider-unavailable skip rate above this.
    pub skip_rate_max: f64,
    /// Replay latency p95 above this (seconds).
    pub replay_p95_max_seconds: f64,
    /// A spike needs at least this many events in its recent window…
    pub spike_min_events: u64,
    /// …and more than this many times the baseline rate.
    pub spike_factor: f64,
    /// The oldest queued eval job waiting longer than this (seconds).
    pub queue_wait_max_seconds: f64,
}

impl Default for AlertThresholds {
    fn default() -> Self {
        AlertThresholds {
            publish_rate_min: 0.6,
            decision_p95_max_seconds: 1800.0,
            regression_rate_max: 0.2,
            skip_rate_max: 0.25,
            replay_p95_max_seconds: 900.0,
            spike_min_events: 3,
            spike_factor: 2.0,
            queue_wait_max_seconds: 900.0,
        }
    }
}

/// Names of the alerts, as in `ops/prometheus/alerts.yml`.
pub const ALERT_NAMES: [&str; 10] = [
    "TrustedPublishRateLow",
    "ReviewerDecisionTimeHigh",
    "ReplayRegressionRateHigh",
    "ProviderUnavailableSkipRateHigh",
    "ReplayLatencyP95High",
    "BlockedCoverageFull",
    "SideEffectIncident",
    "PreservationFailureSpike",
    "ReplayErrorSpike",
    "EvalQueueStuck",
];

/// One alert's state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertState {
    /// Alert name (one of [`ALERT_NAMES`]).
    pub name: &'static str,
    /// Whether it fires.
    pub firing: bool,
    /// `critical` (side effects, full blocked coverage) or `warning`.
    pub severity: &'static str,
    /// Owner from the runbook.
    pub owner: &'static str,
    /// The measured value (`None`: no data).
    pub value: Option<f64>,
    /// The threshold it is compared with.
    pub threshold: f64,
    /// What the alert means, in words.
    pub summary: String,
}

/// Evaluates every alert at `now`; `window` is the span of the rate and
/// percentile alerts (the publish rate always uses the last two weeks, the
/// spikes their own windows: 1 day vs the 7 before for replay errors, 7 days
/// vs the 28 before for preservation failures; the queue alert reads the
/// queue as loaded, with no window).
pub fn evaluate_alerts(
    data: &OpsData,
    now: OffsetDateTime,
    window: Duration,
    t: &AlertThresholds,
) -> Vec<AlertState> {
    let m = compute_metrics(data, now - window, now);
    let week = Duration::days(7);
    let (d1, p1) = publish_counts(data, now - week, now);
    let (d2, p2) = publish_counts(data, now - 2 * week, now - week);
    let (w1, w2) = (ratio(p1, d1), ratio(p2, d2));
    let publish_value = match (w1, w2) {
        (Some(a), Some(b)) => Some(a.max(b)),
        _ => None,
    };
    let above = |v: Option<f64>, max: f64| v.is_some_and(|v| v > max);
    let count_evals = |from: OffsetDateTime, to: OffsetDateTime| {
        data.evals
            .iter()
            .filter(|e| matches!(e.status.as_str(), "replay_error" | "partial"))
            .filter(|e| within(&e.created_at, from, to))
            .count() as u64
    };
    let day = Duration::days(1);
    let err_recent = count_evals(now - day, now);
    let err_base = count_evals(now - 8 * day, now - day) as f64 / 7.0;
    let failed_pres = |from, to| {
        data.preservation
            .iter()
            .filter(|p| p.status == "failed" && within(&p.created_at, from, to))
            .count() as u64
    };
    let pres_recent = failed_pres(now - week, now);
    let pres_base = failed_pres(now - 5 * week, now - week) as f64 / 4.0;
    let spike = |recent: u64, base: f64| {
        recent >= t.spike_min_events && recent as f64 > t.spike_factor * base
    };
    let side_effects = (m.open_side_effect_incidents + m.side_effect_incidents) as f64;
    // The queue is not windowed: how long the oldest queued job has waited now.
    let queue_wait = oldest_queued_seconds(&data.jobs, now);
    vec![
        AlertState {
            name: ALERT_NAMES[0],
            firing: publish_value.is_some_and(|v| v < t.publish_rate_min),
            severity: "warning",
            owner: "product",
            value: publish_value,
            threshold: t.publish_rate_min,
            summary: format!(
                "trusted skill publish rate below {:.0}% in each of the last 2 weeks (this week {}, last week {})",
                t.publish_rate_min * 100.0,
                pct(w1),
                pct(w2)
            ),
        },
        AlertState {
            name: ALERT_NAMES[1],
            firing: above(m.review_decision_p95_seconds, t.decision_p95_max_seconds),
            severity: "warning",
            owner: "product/design",
            value: m.review_decision_p95_seconds,
            threshold: t.decision_p95_max_seconds,
            summary: "reviewer decision time p95 above 30 minutes".into(),
        },
        AlertState {
            name: ALERT_NAMES[2],
            firing: above(m.replay_regression_rate, t.regression_rate_max),
            severity: "warning",
            owner: "product/engineering",
            value: m.replay_regression_rate,
            threshold: t.regression_rate_max,
            summary: format!(
                "{} of {} replay reports regressed at least one case",
                m.regressed_reports, m.replay_reports
            ),
        },
        AlertState {
            name: ALERT_NAMES[3],
            firing: above(m.provider_skip_rate, t.skip_rate_max),
            severity: "warning",
            owner: "operations",
            value: m.provider_skip_rate,
            threshold: t.skip_rate_max,
            summary: format!(
                "{} of {} finished evals skipped: provider unavailable",
                m.provider_unavailable_skips, m.finished_evals
            ),
        },
        AlertState {
            name: ALERT_NAMES[4],
            firing: above(m.replay_latency_p95_seconds, t.replay_p95_max_seconds),
            severity: "warning",
            owner: "engineering",
            value: m.replay_latency_p95_seconds,
            threshold: t.replay_p95_max_seconds,
            summary: "replay latency p95 above 15 minutes".into(),
        },
        AlertState {
            name: ALERT_NAMES[5],
            firing: m.blocked_coverage_full_reports > 0,
            severity: "critical",
            owner: "security/engineering",
            value: Some(m.blocked_coverage_full_reports as f64),
            threshold: 0.0,
            summary: format!(
                "{} eval reports with blocked_coverage = 1.0 (replay exercised no tool)",
                m.blocked_coverage_full_reports
            ),
        },
        AlertState {
            name: ALERT_NAMES[6],
            firing: side_effects > 0.0,
            severity: "critical",
            owner: "security/operations",
            value: Some(side_effects),
            threshold: 0.0,
            summary: format!(
                "{} P0 side-effect incidents open, {} opened in the window: follow runbook §6",
                m.open_side_effect_incidents, m.side_effect_incidents
            ),
        },
        AlertState {
            name: ALERT_NAMES[7],
            firing: spike(pres_recent, pres_base),
            severity: "warning",
            owner: "product/engineering",
            value: Some(pres_recent as f64),
            threshold: (t.spike_factor * pres_base).max(t.spike_min_events as f64),
            summary: format!(
                "{pres_recent} failed preservation reports in 7 days vs {pres_base:.1}/week over the 4 weeks before"
            ),
        },
        AlertState {
            name: ALERT_NAMES[8],
            firing: spike(err_recent, err_base),
            severity: "warning",
            owner: "engineering",
            value: Some(err_recent as f64),
            threshold: (t.spike_factor * err_base).max(t.spike_min_events as f64),
            summary: format!(
                "{err_recent} replay_error/partial evals in 24 h vs {err_base:.1}/day over the 7 days before"
            ),
        },
        AlertState {
            name: ALERT_NAMES[9],
            firing: queue_wait > t.queue_wait_max_seconds,
            severity: "warning",
            owner: "operations",
            value: Some(queue_wait),
            threshold: t.queue_wait_max_seconds,
            summary: format!(
                "the oldest queued eval job has waited {queue_wait:.0} s ({} queued, {} running, {} running with an expired lease): start a worker (skillgate worker) or check the running ones (skillgate jobs)",
                data.jobs.count(JobState::Queued),
                data.jobs.count(JobState::Running),
                data.jobs.running_lease_expired
            ),
        },
    ]
}

fn pct(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |v| format!("{:.0}%", v * 100.0))
}

/// Buckets of `skillgate_replay_duration_seconds`.
pub const DURATION_BUCKETS: [f64; 11] = [
    1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0,
];
/// Buckets of `skillgate_blocked_coverage`.
pub const COVERAGE_BUCKETS: [f64; 8] = [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0];
/// Buckets of `skillgate_review_decision_seconds`.
pub const DECISION_BUCKETS: [f64; 10] = [
    60.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0, 28800.0, 86400.0,
];

/// A Prometheus sample value: `NaN`, `+Inf`, or a plain number.
fn num(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        }
    } else {
        format!("{v}")
    }
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

fn histogram(out: &mut String, name: &str, labels: &str, buckets: &[f64], values: &[f64]) {
    let sep = if labels.is_empty() { "" } else { "," };
    for b in buckets {
        let n = values.iter().filter(|v| **v <= *b).count();
        let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{}\"}} {n}", num(*b));
    }
    let _ = writeln!(
        out,
        "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}",
        values.len()
    );
    let braces = if labels.is_empty() {
        String::new()
    } else {
        format!("{{{labels}}}")
    };
    // Folded from +0.0: `Iterator::sum` of no f64 is -0.0, rendered "-0".
    let sum = values.iter().fold(0.0, |acc, v| acc + v);
    let _ = writeln!(out, "{name}_sum{braces} {}", num(sum));
    let _ = writeln!(out, "{name}_count{braces} {}", values.len());
}

/// Renders the metrics in Prometheus text format 0.0.4 from rows loaded
/// over all time. Counters are totals over all stored data; the two rate
/// gauges cover the last 7 days; `skillgate_alert_firing` evaluates the alerts
/// over the last 14 days.
pub fn render(data: &OpsData, now: OffsetDateTime) -> String {
    let mut out = String::new();
    let mut status: BTreeMap<&str, u64> = [
        "queued",
        "running",
        "passed",
        "failed",
        "partial",
        "replay_error",
        STATUS_SKIPPED,
    ]
    .into_iter()
    .map(|s| (s, 0))
    .collect();
    for e in &data.evals {
        *status.entry(e.status.as_str()).or_insert(0) += 1;
    }
    header(
        &mut out,
        "skillgate_replay_status_total",
        "counter",
        "Evals by status.",
    );
    for (s, n) in &status {
        let _ = writeln!(
            out,
            "skillgate_replay_status_total{{status=\"{}\"}} {n}",
            esc(s)
        );
    }
    header(
        &mut out,
        "skillgate_provider_unavailable_skips_total",
        "counter",
        "Evals skipped because the replay provider was unavailable.",
    );
    let _ = writeln!(
        out,
        "skillgate_provider_unavailable_skips_total {}",
        status.get(STATUS_SKIPPED).copied().unwrap_or(0)
    );
    header(
        &mut out,
        "skillgate_replay_duration_seconds",
        "histogram",
        "Wall time of finished evals (scope=eval) and of stored trials (scope=trial).",
    );
    let eval_secs: Vec<f64> = data
        .evals
        .iter()
        .filter(|e| !UNFINISHED.contains(&e.status.as_str()) && e.status != STATUS_SKIPPED)
        .filter_map(eval_seconds)
        .collect();
    histogram(
        &mut out,
        "skillgate_replay_duration_seconds",
        "scope=\"eval\"",
        &DURATION_BUCKETS,
        &eval_secs,
    );
    let trial_secs: Vec<f64> = data
        .trial_durations
        .iter()
        .map(|t| t.wall_ms as f64 / 1000.0)
        .collect();
    histogram(
        &mut out,
        "skillgate_replay_duration_seconds",
        "scope=\"trial\"",
        &DURATION_BUCKETS,
        &trial_secs,
    );
    header(
        &mut out,
        "skillgate_blocked_coverage",
        "histogram",
        "Blocked coverage of eval reports (share of tool calls blocked).",
    );
    let coverage: Vec<f64> = data
        .evals
        .iter()
        .filter_map(|e| e.report.as_ref().and_then(|r| r.blocked_coverage))
        .collect();
    histogram(
        &mut out,
        "skillgate_blocked_coverage",
        "",
        &COVERAGE_BUCKETS,
        &coverage,
    );
    header(
        &mut out,
        "skillgate_blocked_coverage_full_total",
        "counter",
        "Eval reports with blocked_coverage = 1.0.",
    );
    let _ = writeln!(
        out,
        "skillgate_blocked_coverage_full_total {}",
        data.evals.iter().filter(|e| blocked_full(e)).count()
    );
    header(
        &mut out,
        "skillgate_side_effect_incidents_total",
        "counter",
        "P0 (production side effect) incidents ever opened.",
    );
    let _ = writeln!(
        out,
        "skillgate_side_effect_incidents_total {}",
        data.incidents
            .iter()
            .filter(|i| i.severity == SIDE_EFFECT_SEVERITY)
            .count()
    );
    header(
        &mut out,
        "skillgate_incidents_open",
        "gauge",
        "Open incidents by severity.",
    );
    for sev in ["P0", "P1", "P2"] {
        let n = data
            .incidents
            .iter()
            .filter(|i| i.status == "open" && i.severity == sev)
            .count();
        let _ = writeln!(out, "skillgate_incidents_open{{severity=\"{sev}\"}} {n}");
    }
    header(
        &mut out,
        "skillgate_preservation_failed_total",
        "counter",
        "Drafts whose preservation report failed.",
    );
    let _ = writeln!(
        out,
        "skillgate_preservation_failed_total {}",
        data.preservation
            .iter()
            .filter(|p| p.status == "failed")
            .count()
    );
    header(
        &mut out,
        "skillgate_preservation_reports_total",
        "counter",
        "Drafts with a preservation report (revisions).",
    );
    let _ = writeln!(
        out,
        "skillgate_preservation_reports_total {}",
        data.preservation.len()
    );
    header(
        &mut out,
        "skillgate_publish_decisions_total",
        "counter",
        "Publish attempts by outcome.",
    );
    let mut outcomes: BTreeMap<&str, u64> = ["published", "refused", "recorded"]
        .into_iter()
        .map(|s| (s, 0))
        .collect();
    for p in &data.publish {
        *outcomes.entry(p.outcome.as_str()).or_insert(0) += 1;
    }
    for (o, n) in &outcomes {
        let _ = writeln!(
            out,
            "skillgate_publish_decisions_total{{outcome=\"{}\"}} {n}",
            esc(o)
        );
    }
    header(
        &mut out,
        "skillgate_review_decision_seconds",
        "histogram",
        "Reviewer decision time: report ready to decision.",
    );
    let decisions: Vec<f64> = data
        .reviews
        .iter()
        .filter_map(|r| r.decision_seconds)
        .map(|s| s as f64)
        .collect();
    histogram(
        &mut out,
        "skillgate_review_decision_seconds",
        "",
        &DECISION_BUCKETS,
        &decisions,
    );
    let week = compute_metrics(data, now - Duration::days(7), now);
    header(
        &mut out,
        "skillgate_replay_regression_rate",
        "gauge",
        "Share of replay reports of the last 7 days with a regressed case (NaN: no report).",
    );
    let _ = writeln!(
        out,
        "skillgate_replay_regression_rate{{window=\"7d\"}} {}",
        num(week.replay_regression_rate.unwrap_or(f64::NAN))
    );
    header(
        &mut out,
        "skillgate_trusted_publish_rate",
        "gauge",
        "Drafts published / drafts decided over the last 7 days (NaN: no decision).",
    );
    let _ = writeln!(
        out,
        "skillgate_trusted_publish_rate{{window=\"7d\"}} {}",
        num(week.trusted_publish_rate.unwrap_or(f64::NAN))
    );
    header(
        &mut out,
        "skillgate_tokens_total",
        "counter",
        "Tokens used by direction: replay trials by arm (baseline, candidate), LLM-judge calls as arm=\"judge\".",
    );
    for t in &data.tokens {
        for (dir, n) in [("input", t.input_tokens), ("output", t.output_tokens)] {
            let _ = writeln!(
                out,
                "skillgate_tokens_total{{arm=\"{}\",direction=\"{dir}\"}} {n}",
                esc(&t.arm)
            );
        }
    }
    let judge = data
        .evals
        .iter()
        .filter_map(|e| e.report.as_ref()?.judge_tokens)
        .fold((0u64, 0u64), |(i, o), (di, dout)| {
            (i.saturating_add(di), o.saturating_add(dout))
        });
    for (dir, n) in [("input", judge.0), ("output", judge.1)] {
        let _ = writeln!(
            out,
            "skillgate_tokens_total{{arm=\"judge\",direction=\"{dir}\"}} {n}"
        );
    }
    let queue = job_queue_summary(&data.jobs, now);
    header(
        &mut out,
        "skillgate_jobs",
        "gauge",
        "Eval jobs by state (queued, running, done, failed).",
    );
    for (s, n) in &queue.counts {
        let _ = writeln!(out, "skillgate_jobs{{state=\"{}\"}} {n}", esc(s));
    }
    header(
        &mut out,
        "skillgate_job_oldest_queued_seconds",
        "gauge",
        "Seconds the longest-waiting queued eval job has waited since it was last queued (0: none queued).",
    );
    let _ = writeln!(
        out,
        "skillgate_job_oldest_queued_seconds {}",
        num(queue.oldest_queued_seconds)
    );
    header(
        &mut out,
        "skillgate_jobs_failed_total",
        "counter",
        "Eval jobs that failed for good (attempts used up or an error not worth retrying).",
    );
    let _ = writeln!(
        out,
        "skillgate_jobs_failed_total {}",
        queue
            .counts
            .get(JobState::Failed.as_str())
            .copied()
            .unwrap_or(0)
    );
    header(
        &mut out,
        "skillgate_jobs_lease_expired",
        "gauge",
        "Running eval jobs whose lease expired (worker stopped) and that no claim has re-queued yet.",
    );
    let _ = writeln!(
        out,
        "skillgate_jobs_lease_expired {}",
        queue.running_lease_expired
    );
    header(
        &mut out,
        "skillgate_alert_firing",
        "gauge",
        "1 when skillgate's own evaluation of the runbook alert fires (14-day window).",
    );
    for a in evaluate_alerts(data, now, Duration::days(14), &AlertThresholds::default()) {
        let _ = writeln!(
            out,
            "skillgate_alert_firing{{alert=\"{}\"}} {}",
            a.name,
            u8::from(a.firing)
        );
    }
    out
}

/// Metrics over the last `window`, read from `store` now (`skillgate metrics`).
pub async fn metrics_report(store: &Store, window: Duration) -> Result<ProductMetrics, OpsError> {
    let now = OffsetDateTime::now_utc();
    let data = load(store, Some(now - window)).await?;
    Ok(compute_metrics(&data, now - window, now))
}

/// Baseline span the spike alerts need beyond the newest week (5 weeks).
pub const ALERT_LOOKBACK: Duration = Duration::days(35);

/// Every alert evaluated now over `window` (`skillgate alerts`). Reads at
/// least [`ALERT_LOOKBACK`] of rows so the spike baselines are complete.
pub async fn alerts_report(store: &Store, window: Duration) -> Result<Vec<AlertState>, OpsError> {
    let now = OffsetDateTime::now_utc();
    let data = load(store, Some(now - window.max(ALERT_LOOKBACK))).await?;
    Ok(evaluate_alerts(
        &data,
        now,
        window,
        &AlertThresholds::default(),
    ))
}

/// Purges raw replay data past `policy` now (`skillgate purge`); see
/// [`Store::purge_raw`].
pub async fn purge(
    store: &Store,
    policy: &RetentionConfig,
    dry_run: bool,
    actor: &str,
) -> Result<skillgate_store::PurgeCounts, OpsError> {
    Ok(store
        .purge_raw(policy, OffsetDateTime::now_utc(), dry_run, actor)
        .await?)
}

/// Escapes a label value (backslash, quote, newline).
fn esc(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Content type of [`render_prometheus`]'s output.
pub const PROMETHEUS_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The `/metrics` body: every metric computed from `store` now.
pub async fn render_prometheus(store: &Store) -> Result<String, OpsError> {
    let data = load(store, None).await?;
    Ok(render(&data, OffsetDateTime::now_utc()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_parse_and_bad_ones_name_the_input() {
        assert_eq!(parse_window("14d").unwrap(), Duration::days(14));
        assert_eq!(parse_window("2w").unwrap(), Duration::days(14));
        assert_eq!(parse_window("36h").unwrap(), Duration::hours(36));
        assert_eq!(parse_window("90m").unwrap(), Duration::minutes(90));
        for bad in ["", "d", "14", "-1d", "0d", "3y", "1.5d"] {
            let err = parse_window(bad).unwrap_err();
            assert!(err.to_string().contains(&format!("'{bad}'")), "{err}");
        }
    }

    #[test]
    fn percentile_is_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.5), Some(50.0));
        assert_eq!(percentile(&v, 0.95), Some(95.0));
        assert_eq!(percentile(&[7.0], 0.95), Some(7.0));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn an_empty_histogram_sums_to_zero_not_minus_zero() {
        let mut out = String::new();
        histogram(&mut out, "h", "", &[1.0], &[]);
        assert!(out.contains("h_sum 0\n"), "{out}");
    }

    #[test]
    fn numbers_render_as_prometheus_expects() {
        assert_eq!(num(f64::NAN), "NaN");
        assert_eq!(num(f64::INFINITY), "+Inf");
        assert_eq!(num(0.25), "0.25");
        assert_eq!(num(3.0), "3");
    }
}
