//! Server-rendered pages (askama templates under `templates/`), the language
//! switcher, sign-in, and the embedded assets.

// Handlers answer early with a ready page (`Result<_, Response>`), as axum does.
#![allow(clippy::result_large_err)]

use crate::AppState;
use crate::auth::{self, CSRF_COOKIE, Identity, LANG_COOKIE, Role, TOKEN_COOKIE, Who};
use crate::error::ApiError;
use crate::i18n::{Arg, Tr, negotiate};
use crate::view::{
    self, CaseDetail, FindingView, PreservationView, ReportView, fmt_delta, fmt_score, fmt_share,
};
use askama::Template;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use serde_json::Value;
use skillgate_core::Locale;
use skillgate_core::reason::{Reason, ReasonArg};
use skillgate_store::{NewReview, ReviewDecision, Severity, StoreError};
use std::collections::HashSet;
use std::sync::OnceLock;

const CSS: &str = include_str!("../assets/app.css");
const HTMX: &str = include_str!("../assets/htmx.min.js");

/// Most diff lines shown on the preservation page.
const MAX_DIFF_LINES: usize = 4000;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/skills") }))
        .route("/skills", get(skills_page))
        .route("/drafts/{id}", get(draft_page))
        .route("/drafts/{id}/review", post(review_form))
        .route("/drafts/{id}/publish", post(publish_form))
        .route("/drafts/{id}/evals", post(start_eval_form))
        .route("/drafts/{id}/preservation", get(preservation_page))
        .route("/evals/{id}", get(report_page))
        .route("/evals/{id}/cases/{n}", get(case_page))
        .route("/evals/{id}/raw", get(raw_page))
        .route("/dashboard", get(dashboard_page))
        .route("/incidents/{id}", get(incident_page))
        .route("/admin", get(admin_page))
        .route("/admin/incidents", post(incident_open_form))
        .route("/admin/incidents/{id}/close", post(incident_close_form))
        .route("/admin/killswitch", post(killswitch_form))
        .route("/audit", get(audit_page))
        .route("/login", get(login_page).post(login_form))
        .route("/logout", post(logout_form))
        .route("/lang/{tag}", get(switch_language))
        .route("/metrics", get(metrics))
        .route("/assets/app.css", get(css))
        .route("/assets/htmx.min.js", get(htmx))
}

/// Prometheus text exposition of skillgate's metrics, computed from the store
/// (names in docs/operations.md). Aggregates only, no run content: open like a
/// usual scrape target; bind to loopback or put it behind the proxy's auth.
async fn metrics(State(state): State<AppState>) -> Response {
    match skillgate_ops::render_prometheus(state.store()).await {
        Ok(text) => (
            [(header::CONTENT_TYPE, skillgate_ops::PROMETHEUS_CONTENT_TYPE)],
            text,
        )
            .into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("# metrics unavailable: {e}\n"),
        )
            .into_response(),
    }
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
        .into_response()
}

async fn htmx() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        HTMX,
    )
        .into_response()
}

/// Percent-encodes everything but unreserved characters and `/`.
fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A local path to return to: must start with one `/` (no other host).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/skills".to_string(),
    }
}

/// A language link of the switcher.
pub(crate) struct LangLink {
    tag: &'static str,
    label: &'static str,
    current: bool,
}

/// Everything the page chrome needs: locale, who is asking, the CSRF token
/// and the current URL (for the language switcher).
pub(crate) struct Page {
    tr: Tr,
    identity: Option<Identity>,
    csrf: String,
    new_csrf: bool,
    here_enc: String,
}

impl FromRequestParts<AppState> for Page {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Page, Response> {
        let headers = &parts.headers;
        let locale = negotiate(
            auth::cookie(headers, LANG_COOKIE),
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        );
        let tr = Tr::new(locale);
        let (csrf, new_csrf) = match auth::cookie(headers, CSRF_COOKIE) {
            Some(c) if c.len() >= 32 && c.bytes().all(|b| b.is_ascii_hexdigit()) => {
                (c.to_string(), false)
            }
            _ => (
                auth::random_hex::<16>().map_err(|e| error_page(tr, ApiError::internal(e)))?,
                true,
            ),
        };
        let here = parts
            .uri
            .path_and_query()
            .map_or("/skills".to_string(), |pq| pq.as_str().to_string());
        let identity = match auth::identify(state, headers).await {
            Ok(Who::Known(id)) => Some(id),
            Ok(Who::Anonymous) => None,
            Err(e) if e.code == "unauthenticated" => None,
            Err(e) => return Err(error_page(tr, e)),
        };
        Ok(Page {
            tr,
            identity,
            csrf,
            new_csrf,
            here_enc: url_encode(&here),
        })
    }
}

impl Page {
    /// A translated message without arguments.
    pub(crate) fn t<'a>(&self, id: &'a str) -> &'a str {
        self.tr.t(id)
    }

    fn lang(&self) -> &'static str {
        self.tr.locale().tag()
    }

    fn languages(&self) -> Vec<LangLink> {
        Locale::ALL
            .into_iter()
            .map(|l| LangLink {
                tag: l.tag(),
                label: match l {
                    Locale::En => "English",
                    Locale::ZhCn => "简体中文",
                    Locale::ZhTw => "繁體中文",
                },
                current: l == self.tr.locale(),
            })
            .collect()
    }

    fn dev_mode(&self) -> bool {
        self.identity.as_ref().is_some_and(|i| i.dev_mode)
    }

    fn signed_in(&self) -> bool {
        self.identity.as_ref().is_some_and(|i| !i.dev_mode)
    }

    fn user_name(&self) -> &str {
        self.identity.as_ref().map_or("", |i| i.name.as_str())
    }

    fn role_label(&self) -> &'static str {
        match self.identity.as_ref().map(|i| i.role) {
            Some(Role::Viewer) => self.tr.t("role-viewer"),
            Some(Role::Reviewer) => self.tr.t("role-reviewer"),
            Some(Role::Publisher) => self.tr.t("role-publisher"),
            Some(Role::Admin) => self.tr.t("role-admin"),
            None => "",
        }
    }

    fn has(&self, role: Role) -> bool {
        self.identity.as_ref().is_some_and(|i| i.role >= role)
    }

    fn is_reviewer(&self) -> bool {
        self.has(Role::Reviewer)
    }

    fn is_publisher(&self) -> bool {
        self.has(Role::Publisher)
    }

    fn is_admin(&self) -> bool {
        self.has(Role::Admin)
    }

    /// The identity, or the sign-in redirect / a 403 page when it lacks `role`.
    fn user(&self, role: Role) -> Result<&Identity, Response> {
        let Some(id) = &self.identity else {
            return Err(Redirect::to(&format!("/login?next={}", self.here_enc)).into_response());
        };
        id.require(role).map_err(|e| self.error(e))?;
        Ok(id)
    }

    /// Renders a template, setting the CSRF cookie when it is new.
    fn render(&self, status: StatusCode, tpl: &impl Template) -> Response {
        match tpl.render() {
            Ok(html) => {
                let mut resp = (status, Html(html)).into_response();
                self.add_cookie(&mut resp);
                resp
            }
            Err(e) => error_page(self.tr, ApiError::internal(e)),
        }
    }

    fn add_cookie(&self, resp: &mut Response) {
        if self.new_csrf
            && let Ok(v) = HeaderValue::from_str(&format!(
                "{CSRF_COOKIE}={}; Path=/; SameSite=Strict; HttpOnly",
                self.csrf
            ))
        {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }

    /// An error page for `e`.
    fn error(&self, e: ApiError) -> Response {
        let mut resp = error_page(self.tr, e);
        self.add_cookie(&mut resp);
        resp
    }

    fn check_csrf(&self, headers: &HeaderMap, form_value: &str) -> Result<(), Response> {
        auth::check_csrf(headers, form_value).map_err(|e| self.error(e))
    }

    /// The signed-in identity behind a form post: the role is checked first,
    /// then the CSRF token, as every form handler needs.
    fn form_user(
        &self,
        role: Role,
        headers: &HeaderMap,
        form_csrf: &str,
    ) -> Result<Identity, Response> {
        let who = self.user(role)?.clone();
        self.check_csrf(headers, form_csrf)?;
        Ok(who)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTpl<'a> {
    p: &'a Page,
    title: &'a str,
    code: &'a str,
    message: &'a str,
}

fn error_page(tr: Tr, e: ApiError) -> Response {
    let page = Page {
        tr,
        identity: None,
        csrf: String::new(),
        new_csrf: false,
        here_enc: String::new(),
    };
    let title = match e.status {
        StatusCode::NOT_FOUND => tr.t("error-not-found"),
        StatusCode::FORBIDDEN => tr.t("error-forbidden"),
        StatusCode::UNAUTHORIZED => tr.t("error-unauthenticated"),
        s if s.is_client_error() => tr.t("error-request"),
        _ => tr.t("error-internal"),
    };
    let tpl = ErrorTpl {
        p: &page,
        title,
        code: e.code,
        message: &e.message,
    };
    match tpl.render() {
        Ok(html) => (e.status, Html(html)).into_response(),
        Err(_) => e.into_response(),
    }
}

// ---------------------------------------------------------------- Skills page

struct VersionItem {
    version: i64,
    created_at: String,
    from_draft: String,
}

struct SkillItem {
    name: String,
    description: String,
    latest_version: i64,
    open_drafts: i64,
    versions: Vec<VersionItem>,
}

struct DraftItem {
    id: String,
    skill: String,
    description: String,
    status: String,
    status_label: &'static str,
    eval_status: String,
    eval_label: &'static str,
    confidence: String,
    confidence_label: &'static str,
    delta: String,
    delta_class: &'static str,
    created_at: String,
}

#[derive(Template)]
#[template(path = "skills.html")]
struct SkillsTpl<'a> {
    p: &'a Page,
    skills: Vec<SkillItem>,
    drafts: Vec<DraftItem>,
    show_all: bool,
}

#[derive(Deserialize)]
struct SkillsQuery {
    all: Option<String>,
}

fn status_label(tr: &Tr, status: &str) -> &'static str {
    match status {
        "submitted" => tr.t("draft-status-submitted"),
        "evaluated" => tr.t("draft-status-evaluated"),
        "approved" => tr.t("draft-status-approved"),
        "rejected" => tr.t("draft-status-rejected"),
        "published" => tr.t("draft-status-published"),
        _ => tr.t("unknown"),
    }
}

fn eval_label(tr: &Tr, status: &str) -> &'static str {
    match status {
        "passed" => tr.t("eval-status-passed"),
        "failed" => tr.t("eval-status-failed"),
        "partial" => tr.t("eval-status-partial"),
        "replay_error" => tr.t("eval-status-replay_error"),
        "skipped_provider_unavailable" => tr.t("eval-status-skipped_provider_unavailable"),
        "queued" => tr.t("eval-status-queued"),
        "running" => tr.t("eval-status-running"),
        "" => tr.t("eval-status-none"),
        _ => tr.t("unknown"),
    }
}

fn confidence_label(tr: &Tr, level: &str) -> &'static str {
    match level {
        "high" => tr.t("confidence-high"),
        "medium" => tr.t("confidence-medium"),
        "low" => tr.t("confidence-low"),
        _ => "—",
    }
}

fn verdict_label(tr: &Tr, verdict: &str) -> &'static str {
    match verdict {
        "improved" => tr.t("case-improved"),
        "regressed" => tr.t("case-regressed"),
        "unchanged" => tr.t("case-unchanged"),
        "" => "—",
        _ => tr.t("unknown"),
    }
}

fn mode_label(tr: &Tr, mode: &str) -> &'static str {
    match mode {
        "executed" => tr.t("mode-executed"),
        "surrogate" => tr.t("mode-surrogate"),
        "blocked" => tr.t("mode-blocked"),
        _ => tr.t("unknown"),
    }
}

fn eval_mode_label(tr: &Tr, mode: &str) -> String {
    match mode {
        "replay" => tr.t("eval-mode-replay").to_string(),
        "heuristic" => tr.t("eval-mode-heuristic").to_string(),
        other => other.to_string(),
    }
}

fn delta_class(delta: Option<f64>) -> &'static str {
    match delta {
        Some(d) if d > 0.05 => "pos",
        Some(d) if d < -0.05 => "neg",
        Some(_) => "flat",
        None => "",
    }
}

fn parse_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

async fn skills_page(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<SkillsQuery>,
) -> Response {
    if let Err(r) = page.user(Role::Viewer) {
        return r;
    }
    let show_all = q.all.is_some();
    match skills_data(&state, &page.tr, show_all).await {
        Ok((skills, drafts)) => page.render(
            StatusCode::OK,
            &SkillsTpl {
                p: &page,
                skills,
                drafts,
                show_all,
            },
        ),
        Err(e) => page.error(e),
    }
}

async fn skills_data(
    state: &AppState,
    tr: &Tr,
    show_all: bool,
) -> Result<(Vec<SkillItem>, Vec<DraftItem>), ApiError> {
    let store = state.store();
    let mut skills = Vec::new();
    for s in store.list_skills().await? {
        let mut versions: Vec<VersionItem> = store
            .skill_versions(&s.name)
            .await?
            .into_iter()
            .map(|v| VersionItem {
                version: v.version,
                created_at: v.created_at,
                from_draft: v.source_draft_id.unwrap_or_default(),
            })
            .collect();
        versions.reverse();
        skills.push(SkillItem {
            name: s.name,
            description: s.description,
            latest_version: s.latest_version,
            open_drafts: s.open_drafts,
            versions,
        });
    }
    let latest = store.web_latest_evals().await?;
    let drafts = store
        .list_drafts()
        .await?
        .into_iter()
        .filter(|d| show_all || !matches!(d.status.as_str(), "published" | "rejected"))
        .map(|d| {
            let eval = latest.iter().find(|e| e.draft_id == d.id);
            let summary = eval.and_then(|e| {
                e.report
                    .as_deref()
                    .and_then(|t| view::report_from_text(t, &e.status).ok())
            });
            let eval_status = summary
                .as_ref()
                .map(|s| s.status.clone())
                .or_else(|| eval.map(|e| e.status.clone()))
                .unwrap_or_default();
            let confidence = summary
                .as_ref()
                .and_then(|s| s.confidence.clone())
                .unwrap_or_default();
            let delta = summary.as_ref().and_then(|s| s.score_delta);
            DraftItem {
                status_label: status_label(tr, &d.status),
                eval_label: eval_label(tr, &eval_status),
                confidence_label: confidence_label(tr, &confidence),
                delta: fmt_delta(delta),
                delta_class: delta_class(delta),
                id: d.id,
                skill: d.skill_name,
                description: d.description,
                status: d.status,
                eval_status,
                confidence,
                created_at: d.created_at,
            }
        })
        .collect();
    Ok((skills, drafts))
}

// ---------------------------------------------------------------- Draft page

struct GateErrorItem {
    rule: String,
    meaning: String,
    fix: String,
    enforced: bool,
}

struct ReviewItem {
    decision: String,
    decision_label: &'static str,
    reviewer: String,
    rationale: String,
    created_at: String,
    current: bool,
}

struct EvalItem {
    id: String,
    status: String,
    status_label: &'static str,
    mode: String,
    created_at: String,
    has_report: bool,
}

struct DecisionItem {
    outcome: String,
    actor: String,
    created_at: String,
    failures: usize,
}

/// The draft's pending (or last failed) eval job.
struct JobItem {
    id: String,
    state: String,
    state_label: &'static str,
    explanation: &'static str,
    worker: String,
    attempts: String,
    last_error: String,
    queued_at: String,
    updated_at: String,
}

/// A job state in the page's language.
fn job_state_label(tr: &Tr, state: &str) -> &'static str {
    match state {
        "queued" => tr.t("job-state-queued"),
        "running" => tr.t("job-state-running"),
        "done" => tr.t("job-state-done"),
        "failed" => tr.t("job-state-failed"),
        _ => tr.t("job-state-unknown"),
    }
}

/// The job row as the draft page shows it.
fn job_item(tr: &Tr, j: skillgate_store::JobRow) -> JobItem {
    JobItem {
        state_label: job_state_label(tr, &j.state),
        explanation: match j.state.as_str() {
            "queued" => tr.t("draft-job-queued"),
            "running" => tr.t("draft-job-running"),
            _ => tr.t("draft-job-failed"),
        },
        worker: j.lease_owner.unwrap_or_default(),
        attempts: tr.args(
            "draft-job-attempts-value",
            &[
                ("attempts", Arg::Num(j.attempts as f64)),
                ("max", Arg::Num(j.max_attempts as f64)),
            ],
        ),
        last_error: j.last_error.unwrap_or_default(),
        queued_at: minutes(&j.created_at),
        updated_at: minutes(&j.updated_at),
        id: j.id,
        state: j.state,
    }
}

/// What the last form post on the draft page did.
struct Notice {
    class: &'static str,
    text: String,
    errors: Vec<GateErrorItem>,
}

#[derive(Template)]
#[template(path = "draft.html")]
struct DraftTpl<'a> {
    p: &'a Page,
    id: String,
    skill: String,
    description: String,
    status: String,
    status_label: &'static str,
    revises: bool,
    created_at: String,
    latest_eval: Option<String>,
    summary_status: String,
    summary_label: &'static str,
    summary_confidence: &'static str,
    summary_delta: String,
    summary_delta_class: &'static str,
    evals: Vec<EvalItem>,
    safety_status: String,
    safety_findings: Vec<FindingView>,
    preservation_status: String,
    gate_allowed: bool,
    gate_phase: String,
    gate_errors: Vec<GateErrorItem>,
    gate_unavailable: String,
    reviews: Vec<ReviewItem>,
    decisions: Vec<DecisionItem>,
    notice: Option<Notice>,
    rationale: String,
    published: bool,
    can_start_eval: bool,
    job: Option<JobItem>,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

/// Gate failures in the page's language (by rule id; the core's English
/// text when a rule has no translation).
fn gate_items(tr: &Tr, failures: &[skillgate_core::gate::GateFailure]) -> Vec<GateErrorItem> {
    failures
        .iter()
        .map(|f| GateErrorItem {
            rule: f.rule.clone(),
            meaning: tr
                .lookup(&format!("gate-{}-meaning", f.rule))
                .map_or_else(|| f.meaning.clone(), str::to_string),
            fix: tr
                .lookup(&format!("gate-{}-fix", f.rule))
                .map_or_else(|| f.fix.clone(), str::to_string),
            enforced: f.enforced,
        })
        .collect()
}

async fn draft_tpl<'a>(
    state: &AppState,
    p: &'a Page,
    id: &str,
    notice: Option<Notice>,
    rationale: String,
) -> Result<DraftTpl<'a>, ApiError> {
    let store = state.store();
    let tr = &p.tr;
    let draft = store.get_draft(id).await?;
    let evals = store.web_evals_of_draft(id).await?;
    let latest = evals.iter().find(|e| e.report.is_some());
    let summary = latest
        .and_then(|e| view::report_from_text(e.report.as_deref().unwrap_or("{}"), &e.status).ok());
    let (safety_status, safety_findings) = draft
        .safety_report
        .as_deref()
        .map(|s| view::safety_findings(&parse_json(s)))
        .unwrap_or_default();
    let preservation_status = draft
        .preservation_report
        .as_deref()
        .map(|s| PreservationView::from_json(&parse_json(s)).status)
        .unwrap_or_default();
    let (gate_allowed, gate_phase, gate_errors, gate_unavailable) =
        match store.gate_reading(id, state.gate()).await {
            Ok(g) => (
                g.verdict.allowed,
                g.verdict.phase.as_str().to_string(),
                gate_items(tr, &g.verdict.failures),
                String::new(),
            ),
            Err(e) => (false, String::new(), Vec::new(), ApiError::from(e).message),
        };
    let reviews = store
        .reviews(id)
        .await?
        .into_iter()
        .rev()
        .map(|r| ReviewItem {
            decision_label: if r.decision == "approve" {
                tr.t("review-approved")
            } else {
                tr.t("review-rejected")
            },
            current: r.superseded_by.is_none(),
            decision: r.decision,
            reviewer: r.reviewer,
            rationale: r.rationale.unwrap_or_default(),
            created_at: r.created_at,
        })
        .collect();
    let decisions = store
        .publish_decisions(id)
        .await?
        .into_iter()
        .rev()
        .map(|d| DecisionItem {
            failures: serde_json::from_str::<Vec<Value>>(&d.failures).map_or(0, |v| v.len()),
            outcome: d.outcome,
            actor: d.actor,
            created_at: d.created_at,
        })
        .collect();
    let summary_status = summary
        .as_ref()
        .map(|s| s.status.clone())
        .unwrap_or_default();
    let summary_delta = summary.as_ref().and_then(|s| s.score_delta);
    let job = store
        .pending_job_of_draft(id)
        .await?
        .map(|j| job_item(tr, j));
    Ok(DraftTpl {
        p,
        status_label: status_label(tr, &draft.status),
        published: draft.status == "published",
        revises: draft.revises_version_id.is_some(),
        id: draft.id,
        skill: draft.skill_name,
        description: draft.description,
        status: draft.status,
        created_at: draft.created_at,
        latest_eval: latest.map(|e| e.eval_id.clone()),
        summary_label: eval_label(tr, &summary_status),
        summary_status,
        summary_confidence: confidence_label(
            tr,
            summary
                .as_ref()
                .and_then(|s| s.confidence.as_deref())
                .unwrap_or(""),
        ),
        summary_delta: fmt_delta(summary_delta),
        summary_delta_class: delta_class(summary_delta),
        evals: evals
            .iter()
            .map(|e| EvalItem {
                id: e.eval_id.clone(),
                status_label: eval_label(tr, &e.status),
                status: e.status.clone(),
                mode: eval_mode_label(tr, &e.mode),
                created_at: e.created_at.clone(),
                has_report: e.report.is_some(),
            })
            .collect(),
        safety_status,
        safety_findings,
        preservation_status,
        gate_allowed,
        gate_phase,
        gate_errors,
        gate_unavailable,
        reviews,
        decisions,
        notice,
        rationale,
        can_start_eval: state.eval_starter().is_some(),
        job,
    })
}

async fn draft_page(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Response {
    if let Err(r) = page.user(Role::Viewer) {
        return r;
    }
    let notice = match q.done.as_deref() {
        Some("reviewed") => Some(Notice {
            class: "ok",
            text: page.t("notice-reviewed").to_string(),
            errors: Vec::new(),
        }),
        Some("published") => Some(Notice {
            class: "ok",
            text: page.t("notice-published").to_string(),
            errors: Vec::new(),
        }),
        Some("eval-started") => Some(Notice {
            class: "ok",
            text: page.t("notice-eval-started").to_string(),
            errors: Vec::new(),
        }),
        _ => None,
    };
    match draft_tpl(&state, &page, &id, notice, String::new()).await {
        Ok(tpl) => page.render(StatusCode::OK, &tpl),
        Err(e) => page.error(e),
    }
}

#[derive(Deserialize)]
struct ReviewFormData {
    csrf: String,
    decision: String,
    #[serde(default)]
    rationale: String,
}

async fn review_form(
    State(state): State<AppState>,
    page: Page,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<ReviewFormData>,
) -> Response {
    let who = match page.form_user(Role::Reviewer, &headers, &form.csrf) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let decision = match form.decision.as_str() {
        "approve" => ReviewDecision::Approve,
        "reject" => ReviewDecision::Reject,
        other => {
            return page.error(ApiError::bad_request(format!(
                "decision must be approve or reject, not '{other}'"
            )));
        }
    };
    let rationale = Some(form.rationale.trim().to_string()).filter(|r| !r.is_empty());
    let review = NewReview {
        draft_id: id.clone(),
        decision,
        rationale,
        reviewer: who.name.clone(),
    };
    match state.store().record_review(&review).await {
        Ok(_) => {
            Redirect::to(&format!("/drafts/{}?done=reviewed", url_encode(&id))).into_response()
        }
        Err(e) => {
            let e = ApiError::from(e);
            if e.status == StatusCode::NOT_FOUND {
                return page.error(e);
            }
            let notice = Notice {
                class: "bad",
                text: e.message,
                errors: Vec::new(),
            };
            match draft_tpl(&state, &page, &id, Some(notice), form.rationale).await {
                Ok(tpl) => page.render(StatusCode::UNPROCESSABLE_ENTITY, &tpl),
                Err(e) => page.error(e),
            }
        }
    }
}

#[derive(Deserialize)]
struct CsrfOnly {
    csrf: String,
}

async fn publish_form(
    State(state): State<AppState>,
    page: Page,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    let who = match page.form_user(Role::Publisher, &headers, &form.csrf) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let notice = match state
        .store()
        .publish_draft(&id, state.gate(), &who.name)
        .await
    {
        Ok(outcome) if outcome.version.is_some() => {
            return Redirect::to(&format!("/drafts/{}?done=published", url_encode(&id)))
                .into_response();
        }
        Ok(outcome) => Notice {
            class: "bad",
            text: page.tr.args(
                "notice-publish-refused",
                &[("count", outcome.verdict.blocking().count().into())],
            ),
            errors: gate_items(&page.tr, &outcome.verdict.failures),
        },
        Err(e) => {
            let e = ApiError::from(e);
            if e.status == StatusCode::NOT_FOUND {
                return page.error(e);
            }
            Notice {
                class: "bad",
                text: e.message,
                errors: Vec::new(),
            }
        }
    };
    match draft_tpl(&state, &page, &id, Some(notice), String::new()).await {
        Ok(tpl) => page.render(StatusCode::CONFLICT, &tpl),
        Err(e) => page.error(e),
    }
}

#[derive(Deserialize)]
struct StartEvalData {
    csrf: String,
    #[serde(default)]
    cases: String,
    #[serde(default)]
    trials: String,
    #[serde(default)]
    prompt_locale: String,
}

async fn start_eval_form(
    State(state): State<AppState>,
    page: Page,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<StartEvalData>,
) -> Response {
    let who = match page.form_user(Role::Reviewer, &headers, &form.csrf) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let result = crate::start_eval(
        &state,
        &id,
        opt(&form.cases).as_deref(),
        opt(&form.trials).as_deref(),
        opt(&form.prompt_locale).as_deref(),
        &who.name,
    )
    .await;
    match result {
        Ok(_) => {
            Redirect::to(&format!("/drafts/{}?done=eval-started", url_encode(&id))).into_response()
        }
        Err(e) if e.status == StatusCode::NOT_FOUND => page.error(e),
        Err(e) => {
            let status = e.status;
            let notice = Notice {
                class: "bad",
                text: e.message,
                errors: Vec::new(),
            };
            match draft_tpl(&state, &page, &id, Some(notice), String::new()).await {
                Ok(tpl) => page.render(status, &tpl),
                Err(e) => page.error(e),
            }
        }
    }
}

// ---------------------------------------------------------------- Report page

struct CaseRowView {
    index: usize,
    number: usize,
    id: String,
    task: String,
    verdict: String,
    verdict_label: &'static str,
    baseline: String,
    candidate: String,
    delta: String,
    delta_class: &'static str,
    why: String,
}

struct CoverageRow {
    key: &'static str,
    label: &'static str,
    value: f64,
    percent: String,
    explanation: &'static str,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportTpl<'a> {
    p: &'a Page,
    eval_id: &'a str,
    draft_id: &'a str,
    skill: &'a str,
    status: String,
    status_label: &'static str,
    verdict: &'static str,
    counts: String,
    confidence_sentence: String,
    heuristic: bool,
    baseline: String,
    candidate: String,
    delta: String,
    delta_class: &'static str,
    interval: String,
    improved: String,
    regressed: String,
    unchanged: String,
    coverage: Vec<CoverageRow>,
    confidence: String,
    confidence_label: &'static str,
    confidence_rule: String,
    /// Each reason in the viewer's language, and whether it is (else the stored English).
    confidence_reasons: Vec<(String, bool)>,
    meta: Vec<(&'static str, String)>,
    cases: Vec<CaseRowView>,
    cases_title: String,
    sort_delta: bool,
    descending: bool,
    has_preservation: bool,
    engine_summary: String,
    /// `lang` of `engine_summary`: the page's, or `en` when a part is the stored English.
    engine_summary_lang: &'static str,
    heuristic_summary: String,
    heuristic_summary_lang: &'static str,
    weak: Vec<String>,
}

/// Message ids of the reason messages (`reason-<id>`), from the English file;
/// the locale test keeps the other locales' key sets equal to it.
fn reason_messages() -> &'static HashSet<&'static str> {
    static IDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    IDS.get_or_init(|| {
        crate::i18n::message_ids(crate::i18n::EN_FTL)
            .into_iter()
            .filter(|id| id.starts_with("reason-"))
            .collect()
    })
}

/// A reason record in the viewer's language with the Fluent message
/// `reason-<id>`: counts as numbers (CLDR plurals), shares as percentages,
/// nested reasons rendered the same way. `None` when the record or a nested
/// one has an id without a message (a newer engine), so the caller shows the
/// stored English sentence instead.
pub fn localized_reason(tr: &Tr, r: &Reason) -> Option<String> {
    let id = format!("reason-{}", r.id);
    if !reason_messages().contains(id.as_str()) {
        return None;
    }
    let join = |rs: &[Reason], sep: &str| -> Option<String> {
        let parts = rs
            .iter()
            .map(|r| localized_reason(tr, r))
            .collect::<Option<Vec<_>>>()?;
        Some(parts.join(tr.t(sep)))
    };
    let mut args = Vec::with_capacity(r.args.len());
    for (name, arg) in &r.args {
        let value = match arg {
            ReasonArg::Count(n) => Arg::Num(*n as f64),
            ReasonArg::Number(x) => Arg::Num(*x),
            ReasonArg::Share(x) => Arg::Text(fmt_share(Some(*x))),
            ReasonArg::Decimal(x) => Arg::Text(fmt_score(Some(*x))),
            ReasonArg::Delta(x) => Arg::Text(fmt_delta(Some(*x))),
            ReasonArg::Text(t) => Arg::Text(t.clone()),
            ReasonArg::Reason(nested) => Arg::Text(localized_reason(tr, nested)?),
            ReasonArg::List(rs) => Arg::Text(join(rs, "reason-list-separator")?),
            ReasonArg::All(rs) => Arg::Text(join(rs, "reason-and-separator")?),
        };
        args.push((name.clone(), value));
    }
    Some(tr.args_named(&id, &args))
}

/// A sentence in the viewer's language from its record, else the stored
/// English; with whether it was localized. `None` when there is neither.
fn localized_or(tr: &Tr, record: Option<&Reason>, english: Option<&str>) -> Option<(String, bool)> {
    match record.and_then(|r| localized_reason(tr, r)) {
        Some(text) => Some((text, true)),
        None => english.map(|e| (e.to_string(), false)),
    }
}

/// Localized reasons when there is one record per English sentence (each
/// record that cannot be rendered falls back to its own sentence); else the
/// English sentences as stored.
fn localized_list(tr: &Tr, records: &[Reason], english: &[String]) -> Vec<(String, bool)> {
    if records.len() != english.len() {
        return english.iter().map(|e| (e.clone(), false)).collect();
    }
    records
        .iter()
        .zip(english)
        .map(|(r, e)| localized_or(tr, Some(r), Some(e)).unwrap_or_else(|| (e.clone(), false)))
        .collect()
}

fn verdict_sentence(tr: &Tr, status: &str) -> &'static str {
    match status {
        "passed" => tr.t("verdict-passed"),
        "failed" => tr.t("verdict-failed"),
        "partial" => tr.t("verdict-partial"),
        "replay_error" => tr.t("verdict-replay_error"),
        "skipped_provider_unavailable" => tr.t("verdict-skipped_provider_unavailable"),
        "queued" | "running" => tr.t("verdict-pending"),
        _ => tr.t("verdict-unknown"),
    }
}

/// How the report page sorts its cases table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CaseSort {
    /// Sort by delta (else by position).
    pub by_delta: bool,
    /// Largest first.
    pub descending: bool,
}

#[derive(Deserialize)]
struct SortQuery {
    sort: Option<String>,
    order: Option<String>,
}

impl SortQuery {
    fn sort(&self) -> CaseSort {
        CaseSort {
            by_delta: self.sort.as_deref() == Some("delta"),
            descending: self.order.as_deref() == Some("desc"),
        }
    }
}

fn report_tpl<'a>(
    p: &'a Page,
    mut v: ReportView,
    ids: (&'a str, &'a str, &'a str),
    sort: CaseSort,
) -> ReportTpl<'a> {
    let (eval_id, draft_id, skill) = ids;
    let tr = &p.tr;
    v.sort_cases(sort.by_delta, sort.descending);
    let count_text = |n: Option<i64>| n.map_or("—".to_string(), |n| n.to_string());
    let counts = tr.args(
        "verdict-counts",
        &[
            ("improved", v.improved.unwrap_or(0).into()),
            ("regressed", v.regressed.unwrap_or(0).into()),
            ("unchanged", v.unchanged.unwrap_or(0).into()),
            ("total", v.total_cases().into()),
        ],
    );
    let confidence = v.confidence.clone().unwrap_or_default();
    let confidence_sentence = match confidence.as_str() {
        "high" => tr.t("confidence-sentence-high").to_string(),
        "medium" => tr.t("confidence-sentence-medium").to_string(),
        "low" => tr.t("confidence-sentence-low").to_string(),
        _ => tr.t("confidence-sentence-none").to_string(),
    };
    let coverage = [
        (
            "executed",
            tr.t("coverage-executed"),
            v.execution_coverage,
            tr.t("coverage-executed-help"),
        ),
        (
            "surrogate",
            tr.t("coverage-surrogate"),
            v.surrogate_coverage,
            tr.t("coverage-surrogate-help"),
        ),
        (
            "blocked",
            tr.t("coverage-blocked"),
            v.blocked_coverage,
            tr.t("coverage-blocked-help"),
        ),
    ]
    .into_iter()
    .map(|(key, label, value, explanation)| CoverageRow {
        key,
        label,
        value: value.unwrap_or(0.0).clamp(0.0, 1.0),
        percent: fmt_share(value),
        explanation,
    })
    .collect();
    let interval = v.delta_interval.map_or(String::new(), |(lo, hi)| {
        tr.args(
            "delta-interval",
            &[
                ("low", fmt_delta(Some(lo)).into()),
                ("high", fmt_delta(Some(hi)).into()),
            ],
        )
    });
    let mut meta = Vec::new();
    for (key, value) in [
        (
            "meta-mode",
            Some(eval_mode_label(tr, &v.mode)).filter(|m| !m.is_empty()),
        ),
        ("meta-provider", v.provider.clone()),
        ("meta-model", v.model.clone()),
        ("meta-locale", v.locale.clone()),
        ("meta-replay-cases", v.replay_cases.map(|n| n.to_string())),
        (
            "meta-trigger-rate",
            v.trigger_rates
                .map(|(b, c)| format!("{} / {}", fmt_share(b), fmt_share(c))),
        ),
        (
            "meta-trials",
            v.trial_counts.map(|(finished, errored, not_run)| {
                tr.args(
                    "trial-counts",
                    &[
                        ("finished", finished.into()),
                        ("errored", errored.into()),
                        ("not_run", not_run.into()),
                    ],
                )
            }),
        ),
        ("meta-usage", v.usage.clone()),
        ("meta-timings", v.timings.clone()),
    ] {
        if let Some(value) = value {
            meta.push((tr.t(key), value));
        }
    }
    let cases_title = tr.args("cases-count", &[("count", v.cases.len().into())]);
    let mut weak = Vec::new();
    for (key, n) in [
        ("weak-nondiscriminating", v.non_discriminating),
        ("weak-flaky", v.flaky_cases),
        ("weak-excluded", v.excluded_graders),
    ] {
        if n > 0 {
            weak.push(tr.args(key, &[("count", n.into())]));
        }
    }
    let summary = localized_or(tr, v.summary_detail.as_ref(), v.summary.as_deref());
    let status_reason = localized_or(
        tr,
        v.status_reason_detail.as_ref(),
        v.status_reason.as_deref(),
    );
    let engine_summary_lang = if [&summary, &status_reason]
        .into_iter()
        .flatten()
        .all(|(_, localized)| *localized)
    {
        tr.locale().tag()
    } else {
        "en"
    };
    let engine_summary = [summary, status_reason]
        .into_iter()
        .flatten()
        .map(|(text, _)| text)
        .collect::<Vec<_>>()
        .join(" — ");
    let heuristic_summary = localized_or(
        tr,
        v.heuristic_summary_detail.as_ref(),
        v.heuristic_summary.as_deref(),
    );
    let confidence_reasons = localized_list(tr, &v.confidence_details, &v.confidence_reasons);
    let cases = v
        .cases
        .iter()
        .map(|c| CaseRowView {
            index: c.index,
            number: c.index + 1,
            id: c.id.clone(),
            task: c.task.clone(),
            verdict: c.verdict.clone(),
            verdict_label: verdict_label(tr, &c.verdict),
            baseline: fmt_score(c.baseline),
            candidate: fmt_score(c.candidate),
            delta: fmt_delta(c.delta),
            delta_class: delta_class(c.delta),
            why: c.why.clone(),
        })
        .collect();
    ReportTpl {
        p,
        eval_id,
        draft_id,
        skill,
        status_label: eval_label(tr, &v.status),
        verdict: verdict_sentence(tr, &v.status),
        heuristic: v.mode == "heuristic",
        counts,
        confidence_sentence,
        baseline: fmt_score(v.baseline_average),
        candidate: fmt_score(v.candidate_average),
        delta: fmt_delta(v.score_delta),
        delta_class: delta_class(v.score_delta),
        interval,
        improved: count_text(v.improved),
        regressed: count_text(v.regressed),
        unchanged: count_text(v.unchanged),
        coverage,
        confidence_label: confidence_label(tr, &confidence),
        confidence,
        confidence_rule: v.confidence_rule.clone().unwrap_or_default(),
        confidence_reasons,
        meta,
        cases,
        cases_title,
        sort_delta: sort.by_delta,
        descending: sort.descending,
        has_preservation: v.has_preservation,
        engine_summary,
        engine_summary_lang,
        heuristic_summary_lang: match &heuristic_summary {
            Some((_, false)) => "en",
            _ => tr.locale().tag(),
        },
        heuristic_summary: heuristic_summary.map(|(t, _)| t).unwrap_or_default(),
        weak,
        status: v.status,
    }
}

/// Renders the report page for a stored EvalReport document (its JSON text),
/// as the server does, without a request (used by the benchmark).
pub fn render_report_page(
    report: &str,
    eval_id: &str,
    draft_id: &str,
    skill: &str,
    locale: Locale,
    sort: CaseSort,
) -> Result<String, askama::Error> {
    let page = Page {
        tr: Tr::new(locale),
        identity: Some(Identity {
            name: "bench".into(),
            role: Role::Viewer,
            dev_mode: false,
        }),
        csrf: String::new(),
        new_csrf: false,
        here_enc: url_encode(&format!("/evals/{eval_id}")),
    };
    let view =
        view::report_from_text(report, "").map_err(|e| askama::Error::Custom(Box::new(e)))?;
    report_tpl(&page, view, (eval_id, draft_id, skill), sort).render()
}

fn corrupt(eval_id: &str, e: serde_json::Error) -> ApiError {
    ApiError::internal(StoreError::Corrupt {
        what: format!("eval report of {eval_id}"),
        reason: e.to_string(),
    })
}

/// The report page's view of an eval: its report summary with the case rows
/// (from the separate `case` documents when the report has none inline), and
/// the draft's skill.
async fn load_report_view(
    state: &AppState,
    eval_id: &str,
) -> Result<(skillgate_store::EvalWithReport, ReportView, String), ApiError> {
    let store = state.store();
    let mut eval = store.web_eval(eval_id).await?;
    let text = eval.report.take().unwrap_or_else(|| "{}".to_string());
    let mut view = view::report_from_text(&text, &eval.status).map_err(|e| corrupt(eval_id, e))?;
    drop(text);
    if view.cases.is_empty() {
        view.cases = store
            .case_reports(eval_id)
            .await?
            .iter()
            .enumerate()
            .map(|(i, d)| view::CaseRow::from_json(i, &parse_json(&d.body)))
            .collect();
    }
    let r = state.redactor();
    for c in &mut view.cases {
        if let std::borrow::Cow::Owned(t) = r.redact_str(&c.task) {
            c.task = t;
        }
        if let std::borrow::Cow::Owned(t) = r.redact_str(&c.why) {
            c.why = t;
        }
    }
    let skill = store.get_draft(&eval.draft_id).await?.skill_name;
    Ok((eval, view, skill))
}

/// The whole report document (case reports filled in from the `case`
/// documents when the report has none inline).
async fn load_report_doc(state: &AppState, eval_id: &str) -> Result<Value, ApiError> {
    let store = state.store();
    let eval = store.web_eval(eval_id).await?;
    let mut report = match eval.report.as_deref() {
        Some(body) => serde_json::from_str::<Value>(body).map_err(|e| corrupt(eval_id, e))?,
        None => Value::Object(Default::default()),
    };
    if view::case_list(&report).is_empty() {
        let docs = store.case_reports(eval_id).await?;
        if !docs.is_empty()
            && let Some(obj) = report.as_object_mut()
        {
            let cases: Vec<Value> = docs.iter().map(|d| parse_json(&d.body)).collect();
            obj.insert("case_reports".into(), Value::Array(cases));
        }
    }
    state.redactor().redact_json(&mut report);
    Ok(report)
}

/// Case `n` of an eval: the stored `case` document for it when there is one
/// (it carries the transcripts), else the report's inline case report.
async fn load_case(state: &AppState, eval_id: &str, n: usize) -> Result<Option<Value>, ApiError> {
    let report = load_report_doc(state, eval_id).await?;
    let Some(inline) = view::case_list(&report).get(n).cloned() else {
        return Ok(None);
    };
    let case_id = inline
        .get("case_id")
        .and_then(Value::as_str)
        .map(str::to_string);
    if let Some(case_id) = case_id {
        for doc in state.store().case_reports(eval_id).await? {
            if !doc.body.contains(&case_id) {
                continue;
            }
            let mut v = parse_json(&doc.body);
            if v.get("case_id").and_then(Value::as_str) == Some(case_id.as_str()) {
                state.redactor().redact_json(&mut v);
                return Ok(Some(v));
            }
        }
    }
    Ok(Some(inline))
}

async fn report_page(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<SortQuery>,
) -> Response {
    if let Err(r) = page.user(Role::Viewer) {
        return r;
    }
    match load_report_view(&state, &id).await {
        Ok((eval, view, skill)) => {
            let tpl = report_tpl(
                &page,
                view,
                (&eval.eval_id, &eval.draft_id, &skill),
                q.sort(),
            );
            page.render(StatusCode::OK, &tpl)
        }
        Err(e) => page.error(e),
    }
}

// ---------------------------------------------------------------- Case detail

struct TrialItem {
    number: usize,
    score: String,
    passed: Option<bool>,
    error: String,
    grades: Vec<(String, String, String)>,
    messages: Vec<(String, String)>,
    tool_calls: Vec<ToolItem>,
    final_answer: String,
}

struct ToolItem {
    name: String,
    mode: String,
    mode_label: &'static str,
    rule: String,
    reason: String,
    arguments: String,
    result: String,
    side_effect: String,
}

struct ArmItem {
    arm: String,
    label: &'static str,
    mean: String,
    pass_at_k: String,
    pass_pow_k: String,
    trigger_rate: String,
    trials: Vec<TrialItem>,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CaseTpl<'a> {
    p: &'a Page,
    eval_id: &'a str,
    number: usize,
    id: String,
    task: String,
    why: String,
    verdict: String,
    verdict_label: &'static str,
    delta: String,
    delta_class: &'static str,
    flags: Vec<String>,
    arms: Vec<ArmItem>,
}

async fn case_page(
    State(state): State<AppState>,
    page: Page,
    Path((id, n)): Path<(String, String)>,
) -> Response {
    if let Err(r) = page.user(Role::Viewer) {
        return r;
    }
    let index = n.parse::<usize>().ok();
    let found = match index {
        Some(i) => load_case(&state, &id, i).await,
        None => Ok(None),
    };
    let (index, case) = match (index, found) {
        (Some(i), Ok(Some(case))) => (i, case),
        (_, Err(e)) => return page.error(e),
        _ => {
            return page.error(ApiError::not_found(
                "case_not_found",
                format!("eval {id} has no case {n}; cases are numbered from 0 in report order"),
            ));
        }
    };
    let case = &case;
    let tr = &page.tr;
    let d = CaseDetail::from_json(index, case);
    let arms = d
        .arms
        .iter()
        .map(|a| ArmItem {
            label: if a.arm == "baseline" {
                tr.t("arm-baseline")
            } else {
                tr.t("arm-candidate")
            },
            arm: a.arm.clone(),
            mean: fmt_score(a.mean),
            pass_at_k: fmt_score(a.pass_at_k),
            pass_pow_k: fmt_score(a.pass_pow_k),
            trigger_rate: fmt_share(a.trigger_rate),
            trials: a
                .trials
                .iter()
                .map(|t| TrialItem {
                    number: t.number,
                    score: fmt_score(t.score),
                    passed: t.passed,
                    error: t.error.clone().unwrap_or_default(),
                    grades: t
                        .grades
                        .iter()
                        .map(|g| (g.grader.clone(), fmt_score(g.score), g.explanation.clone()))
                        .collect(),
                    messages: t
                        .messages
                        .iter()
                        .map(|m| (m.role.clone(), m.content.clone()))
                        .collect(),
                    tool_calls: t
                        .tool_calls
                        .iter()
                        .map(|c| ToolItem {
                            name: c.name.clone(),
                            mode_label: mode_label(tr, &c.mode),
                            mode: c.mode.clone(),
                            rule: c.rule.clone(),
                            reason: c.reason.clone(),
                            arguments: c.arguments.clone(),
                            result: c.result.clone(),
                            side_effect: c.side_effect.clone().unwrap_or_default(),
                        })
                        .collect(),
                    final_answer: t.final_answer.clone().unwrap_or_default(),
                })
                .collect(),
        })
        .collect();
    let tpl = CaseTpl {
        p: &page,
        eval_id: &id,
        number: index + 1,
        id: d.row.id.clone(),
        task: d.row.task.clone(),
        why: d.row.why.clone(),
        verdict_label: verdict_label(tr, &d.row.verdict),
        verdict: d.row.verdict.clone(),
        delta: fmt_delta(d.row.delta),
        delta_class: delta_class(d.row.delta),
        flags: d.flags.clone(),
        arms,
    };
    page.render(StatusCode::OK, &tpl)
}

// ---------------------------------------------------------------- Raw JSON

#[derive(Template)]
#[template(path = "raw.html")]
struct RawTpl<'a> {
    p: &'a Page,
    eval_id: &'a str,
    json: String,
}

async fn raw_page(State(state): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    // The runbook restricts raw case reports; viewers see the summary pages only.
    if let Err(r) = page.user(Role::Reviewer) {
        return r;
    }
    match load_report_doc(&state, &id).await {
        Ok(report) => page.render(
            StatusCode::OK,
            &RawTpl {
                p: &page,
                eval_id: &id,
                json: view::pretty(&report),
            },
        ),
        Err(e) => page.error(e),
    }
}

// ---------------------------------------------------------------- Preservation

struct DiffLine {
    class: &'static str,
    sign: &'static str,
    text: String,
}

#[derive(Template)]
#[template(path = "preservation.html")]
struct PreservationTpl<'a> {
    p: &'a Page,
    draft_id: &'a str,
    skill: String,
    report: Option<PreservationView>,
    status_label: &'static str,
    diff: Vec<DiffLine>,
    diff_truncated: bool,
    has_published: bool,
}

fn skill_md(files: &[skillgate_store::SkillFile]) -> String {
    files
        .iter()
        .find(|f| f.path == "SKILL.md")
        .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
        .unwrap_or_default()
}

async fn preservation_page(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = page.user(Role::Viewer) {
        return r;
    }
    let store = state.store();
    let result: Result<PreservationTpl<'_>, ApiError> = async {
        let draft = store.get_draft(&id).await?;
        let report = draft
            .preservation_report
            .as_deref()
            .map(|s| PreservationView::from_json(&parse_json(s)));
        let new_text = skill_md(&store.draft_files(&id).await?);
        let old_text = match &draft.revises_version_id {
            Some(v) => Some(skill_md(&store.skill_version_files(v).await?)),
            None => None,
        };
        let mut diff = Vec::new();
        let mut truncated = false;
        if let Some(old) = &old_text {
            let d = similar::TextDiff::from_lines(old.as_str(), new_text.as_str());
            for change in d.iter_all_changes() {
                if diff.len() >= MAX_DIFF_LINES {
                    truncated = true;
                    break;
                }
                let (class, sign) = match change.tag() {
                    similar::ChangeTag::Delete => ("del", "-"),
                    similar::ChangeTag::Insert => ("add", "+"),
                    similar::ChangeTag::Equal => ("ctx", " "),
                };
                diff.push(DiffLine {
                    class,
                    sign,
                    text: change.value().trim_end_matches('\n').to_string(),
                });
            }
        }
        let status_label = match report.as_ref().map(|r| r.status.as_str()) {
            Some("passed") => page.t("report-passed"),
            Some("failed") => page.t("report-failed"),
            _ => "—",
        };
        Ok(PreservationTpl {
            p: &page,
            draft_id: &id,
            skill: draft.skill_name,
            report,
            status_label,
            diff,
            diff_truncated: truncated,
            has_published: old_text.is_some(),
        })
    }
    .await;
    match result {
        Ok(tpl) => page.render(StatusCode::OK, &tpl),
        Err(e) => page.error(e),
    }
}

// ---------------------------------------------------------------- Admin

struct IncidentItem {
    id: String,
    severity: String,
    title: String,
    detail: String,
    status: String,
    root_cause: String,
    opened_at: String,
    open: bool,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminTpl<'a> {
    p: &'a Page,
    replay_disabled: bool,
    publish_disabled: bool,
    switch_reason: String,
    switch_actor: String,
    switch_at: String,
    incidents: Vec<IncidentItem>,
    notice: Option<Notice>,
}

async fn admin_tpl<'a>(
    state: &AppState,
    p: &'a Page,
    notice: Option<Notice>,
) -> Result<AdminTpl<'a>, ApiError> {
    let store = state.store();
    let ks = store.kill_switch().await?;
    let incidents = store
        .list_incidents(false)
        .await?
        .into_iter()
        .map(|i| IncidentItem {
            open: i.status == "open",
            id: i.id,
            severity: i.severity,
            title: i.title,
            detail: i.detail,
            status: i.status,
            root_cause: i.root_cause.unwrap_or_default(),
            opened_at: i.opened_at,
        })
        .collect();
    Ok(AdminTpl {
        p,
        replay_disabled: ks.replay_disabled,
        publish_disabled: ks.publish_disabled,
        switch_reason: ks.reason.unwrap_or_default(),
        switch_actor: ks.actor.unwrap_or_default(),
        switch_at: ks.changed_at.unwrap_or_default(),
        incidents,
        notice,
    })
}

async fn admin_page(State(state): State<AppState>, page: Page) -> Response {
    if let Err(r) = page.user(Role::Admin) {
        return r;
    }
    match admin_tpl(&state, &page, None).await {
        Ok(tpl) => page.render(StatusCode::OK, &tpl),
        Err(e) => page.error(e),
    }
}

async fn admin_result(state: &AppState, page: &Page, result: Result<String, ApiError>) -> Response {
    let (status, notice) = match result {
        Ok(text) => (
            StatusCode::OK,
            Notice {
                class: "ok",
                text,
                errors: Vec::new(),
            },
        ),
        Err(e) => (
            e.status,
            Notice {
                class: "bad",
                text: e.message,
                errors: Vec::new(),
            },
        ),
    };
    match admin_tpl(state, page, Some(notice)).await {
        Ok(tpl) => page.render(status, &tpl),
        Err(e) => page.error(e),
    }
}

#[derive(Deserialize)]
struct IncidentOpenData {
    csrf: String,
    severity: String,
    title: String,
    #[serde(default)]
    detail: String,
}

async fn incident_open_form(
    State(state): State<AppState>,
    page: Page,
    headers: HeaderMap,
    Form(form): Form<IncidentOpenData>,
) -> Response {
    let who = match page.form_user(Role::Admin, &headers, &form.csrf) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let result = async {
        let severity = Severity::parse(&form.severity)?;
        let opened = state
            .store()
            .open_incident(severity, &form.title, &form.detail, &who.name)
            .await?;
        Ok::<_, skillgate_store::GovernanceError>(opened)
    }
    .await
    .map(|o| {
        let mut text = page
            .tr
            .args("notice-incident-opened", &[("id", o.incident.id.into())]);
        if o.kill_switch_engaged {
            text.push(' ');
            text.push_str(page.t("notice-kill-switch-engaged"));
        }
        text
    })
    .map_err(ApiError::from);
    admin_result(&state, &page, result).await
}

#[derive(Deserialize)]
struct IncidentCloseData {
    csrf: String,
    #[serde(default)]
    root_cause: String,
    #[serde(default)]
    regression_case: String,
    #[serde(default)]
    skill: String,
}

/// The close form's error in the page language, naming the missing field.
fn close_error_text(tr: &Tr, id: &str, form: &IncidentCloseData, e: &ApiError) -> String {
    let run = form.regression_case.trim();
    let skill = form.skill.trim();
    match e.code {
        "root_cause_required" => tr.args("error-root-cause-required", &[("id", id.into())]),
        "regression_case_required" => {
            tr.args("error-regression-case-required", &[("id", id.into())])
        }
        "regression_case_incomplete" if skill.is_empty() => {
            tr.args("error-regression-skill-missing", &[("run", run.into())])
        }
        "regression_case_incomplete" => {
            tr.args("error-regression-run-missing", &[("skill", skill.into())])
        }
        "run_not_found" => tr.args("error-regression-run-unknown", &[("run", run.into())]),
        "skill_not_found" => tr.args("error-regression-skill-unknown", &[("skill", skill.into())]),
        _ => e.message.clone(),
    }
}

async fn incident_close_form(
    State(state): State<AppState>,
    page: Page,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<IncidentCloseData>,
) -> Response {
    let who = match page.form_user(Role::Admin, &headers, &form.csrf) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let req = crate::dashboard::CloseRequest {
        id: &id,
        root_cause: &form.root_cause,
        regression_case: Some(form.regression_case.as_str()),
        skill: Some(form.skill.as_str()),
    };
    let (status, notice, typed) =
        match crate::dashboard::close_incident(&state, req, &who.name).await {
            Ok(outcome) => {
                let mut text = match &outcome.regression_case {
                    Some(c) => page.tr.args(
                        "notice-incident-closed-pinned",
                        &[
                            ("id", id.as_str().into()),
                            ("run", c.run_id.as_str().into()),
                            ("skill", c.skill_name.as_str().into()),
                        ],
                    ),
                    None => page
                        .tr
                        .args("notice-incident-closed", &[("id", id.as_str().into())]),
                };
                let ks = &outcome.closed.kill_switch;
                if ks.replay_disabled || ks.publish_disabled {
                    text.push(' ');
                    text.push_str(page.t("notice-kill-switch-still-off"));
                }
                (
                    StatusCode::OK,
                    Notice {
                        class: "ok",
                        text,
                        errors: Vec::new(),
                    },
                    None,
                )
            }
            Err(e) => (
                e.status,
                Notice {
                    class: "bad",
                    text: close_error_text(&page.tr, &id, &form, &e),
                    errors: Vec::new(),
                },
                Some(form),
            ),
        };
    match incident_tpl(&state, &page, &id, Some(notice), typed).await {
        Ok(tpl) => page.render(status, &tpl),
        Err(e) => page.error(e),
    }
}

#[derive(Deserialize)]
struct KillSwitchData {
    csrf: String,
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    publish_too: Option<String>,
    #[serde(default)]
    force: Option<String>,
}

async fn killswitch_form(
    State(state): State<AppState>,
    page: Page,
    headers: HeaderMap,
    Form(form): Form<KillSwitchData>,
) -> Response {
    let who = match page.form_user(Role::Admin, &headers, &form.csrf) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let store = state.store();
    let result = match form.action.as_str() {
        "disable" => store
            .disable_replay(form.publish_too.is_some(), &form.reason, &who.name)
            .await
            .map(|_| page.t("notice-replay-disabled").to_string())
            .map_err(ApiError::from),
        "enable" => store
            .enable_replay(&form.reason, &who.name, form.force.is_some())
            .await
            .map(|_| page.t("notice-replay-enabled").to_string())
            .map_err(ApiError::from),
        other => Err(ApiError::bad_request(format!(
            "action must be enable or disable, not '{other}'"
        ))),
    };
    admin_result(&state, &page, result).await
}

// ---------------------------------------------------------------- Incident page

#[derive(Template)]
#[template(path = "incident.html")]
struct IncidentTpl<'a> {
    p: &'a Page,
    incident: IncidentItem,
    closed_at: String,
    p0: bool,
    notice: Option<Notice>,
    root_cause_value: String,
    run_value: String,
    skill_value: String,
    skills: Vec<String>,
}

async fn incident_tpl<'a>(
    state: &AppState,
    p: &'a Page,
    id: &str,
    notice: Option<Notice>,
    typed: Option<IncidentCloseData>,
) -> Result<IncidentTpl<'a>, ApiError> {
    let store = state.store();
    let Some(i) = store
        .list_incidents(false)
        .await?
        .into_iter()
        .find(|i| i.id == id)
    else {
        return Err(skillgate_store::GovernanceError::IncidentNotFound(id.to_string()).into());
    };
    let open = i.status == "open";
    let skills = if open && p.is_admin() {
        store
            .list_skills()
            .await?
            .into_iter()
            .map(|s| s.name)
            .collect()
    } else {
        Vec::new()
    };
    let typed = typed.unwrap_or(IncidentCloseData {
        csrf: String::new(),
        root_cause: String::new(),
        regression_case: String::new(),
        skill: String::new(),
    });
    Ok(IncidentTpl {
        p,
        p0: i.severity == skillgate_ops::SIDE_EFFECT_SEVERITY,
        closed_at: i.closed_at.unwrap_or_default(),
        incident: IncidentItem {
            open,
            id: i.id,
            severity: i.severity,
            title: i.title,
            detail: i.detail,
            status: i.status,
            root_cause: i.root_cause.unwrap_or_default(),
            opened_at: i.opened_at,
        },
        notice,
        root_cause_value: typed.root_cause,
        run_value: typed.regression_case,
        skill_value: typed.skill,
        skills,
    })
}

async fn incident_page(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = page.user(Role::Viewer) {
        return r;
    }
    match incident_tpl(&state, &page, &id, None, None).await {
        Ok(tpl) => page.render(StatusCode::OK, &tpl),
        Err(e) => page.error(e),
    }
}

// ---------------------------------------------------------------- Dashboard

struct WindowLink {
    name: &'static str,
    label: &'static str,
    current: bool,
}

struct MetricItem {
    key: &'static str,
    label: &'static str,
    value: String,
    no_data: bool,
    detail: String,
}

struct AlertItem {
    name: &'static str,
    title: &'static str,
    firing: bool,
    severity: &'static str,
    severity_label: &'static str,
    owner: String,
    value: String,
    no_data: bool,
    threshold: String,
    meaning: &'static str,
    action: &'static str,
}

struct JobCountItem {
    state: &'static str,
    label: &'static str,
    count: u64,
}

struct OpenIncidentItem {
    id: String,
    severity: String,
    title: String,
    opened_at: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardTpl<'a> {
    p: &'a Page,
    windows: Vec<WindowLink>,
    period: String,
    firing_text: String,
    firing: usize,
    alerts: Vec<AlertItem>,
    metrics: Vec<MetricItem>,
    incidents: Vec<OpenIncidentItem>,
    replay_disabled: bool,
    publish_disabled: bool,
    switch_reason: String,
    job_counts: Vec<JobCountItem>,
    oldest_queued: String,
    queue_waiting: bool,
    lease_expired_text: String,
}

#[derive(Deserialize)]
struct SinceQuery {
    since: Option<String>,
}

/// An RFC 3339 UTC time to the minute: `2026-11-26T01:08:04.056Z` → `2026-11-26 01:08`.
fn minutes(ts: &str) -> String {
    ts.get(..16)
        .map_or_else(|| ts.to_string(), |t| t.replacen('T', " ", 1))
}

fn dashboard_tpl<'a>(p: &'a Page, d: crate::dashboard::Dashboard) -> DashboardTpl<'a> {
    use crate::dashboard::{alert_unit, fmt_alert_value, fmt_count, fmt_rate, fmt_seconds_pair};
    let tr = &p.tr;
    let m = &d.metrics;
    let count = |n: u64| Arg::Num(n as f64);
    let metric = |key, label, value: String, no_data, detail: String| MetricItem {
        key,
        label: tr.t(label),
        value,
        no_data,
        detail,
    };
    let statuses = m
        .replay_status_counts
        .iter()
        .map(|(s, n)| format!("{} {n}", eval_label(tr, s)))
        .collect::<Vec<_>>()
        .join(", ");
    let metrics = vec![
        metric(
            "trusted-publish-rate",
            "metric-publish-rate",
            fmt_rate(tr, m.trusted_publish_rate),
            m.trusted_publish_rate.is_none(),
            tr.args(
                "metric-publish-rate-detail",
                &[
                    ("published", count(m.drafts_published)),
                    ("decided", count(m.drafts_decided)),
                ],
            ),
        ),
        metric(
            "review-decision-time",
            "metric-decision-time",
            fmt_seconds_pair(
                tr,
                m.review_decision_p50_seconds,
                m.review_decision_p95_seconds,
            ),
            m.review_decision_p95_seconds.is_none(),
            tr.args(
                "metric-decision-time-detail",
                &[("count", count(m.reviews_timed))],
            ),
        ),
        metric(
            "replay-regression-rate",
            "metric-regression-rate",
            fmt_rate(tr, m.replay_regression_rate),
            m.replay_regression_rate.is_none(),
            tr.args(
                "metric-regression-rate-detail",
                &[
                    ("count", count(m.regressed_reports)),
                    ("total", count(m.replay_reports)),
                ],
            ),
        ),
        metric(
            "provider-skip-rate",
            "metric-skip-rate",
            fmt_rate(tr, m.provider_skip_rate),
            m.provider_skip_rate.is_none(),
            tr.args(
                "metric-skip-rate-detail",
                &[
                    ("count", count(m.provider_unavailable_skips)),
                    ("total", count(m.finished_evals)),
                ],
            ),
        ),
        metric(
            "replay-latency",
            "metric-latency",
            fmt_seconds_pair(
                tr,
                m.replay_latency_p50_seconds,
                m.replay_latency_p95_seconds,
            ),
            m.replay_latency_p95_seconds.is_none(),
            tr.t("metric-latency-detail").to_string(),
        ),
        metric(
            "eval-status-counts",
            "metric-status-counts",
            if statuses.is_empty() {
                tr.t("no-data").to_string()
            } else {
                statuses
            },
            m.replay_status_counts.is_empty(),
            String::new(),
        ),
        metric(
            "blocked-coverage-full",
            "metric-blocked-full",
            fmt_count(tr, Some(m.blocked_coverage_full_reports as f64)),
            false,
            tr.t("metric-blocked-full-detail").to_string(),
        ),
        metric(
            "open-incidents",
            "metric-open-incidents",
            fmt_count(tr, Some(m.open_incidents as f64)),
            false,
            tr.args(
                "metric-open-incidents-detail",
                &[
                    ("open", count(m.open_side_effect_incidents)),
                    ("opened", count(m.side_effect_incidents)),
                ],
            ),
        ),
        metric(
            "preservation-failed",
            "metric-preservation-failed",
            fmt_count(tr, Some(m.preservation_failed as f64)),
            false,
            tr.args(
                "metric-preservation-failed-detail",
                &[("total", count(m.preservation_reports))],
            ),
        ),
    ];
    let alerts = d
        .alerts
        .iter()
        .map(|a| {
            let unit = alert_unit(a.name);
            let key = |part: &str| format!("alert-{}-{part}", a.name);
            AlertItem {
                name: a.name,
                title: tr.lookup(&key("title")).unwrap_or(a.name),
                firing: a.firing,
                severity: a.severity,
                severity_label: if a.severity == "critical" {
                    tr.t("alert-severity-critical")
                } else {
                    tr.t("alert-severity-warning")
                },
                owner: crate::dashboard::owner_label(tr, a.owner),
                value: fmt_alert_value(tr, unit, a.value),
                no_data: a.value.is_none(),
                threshold: fmt_alert_value(tr, unit, Some(a.threshold)),
                meaning: tr.lookup(&key("meaning")).unwrap_or(""),
                action: tr.lookup(&key("action")).unwrap_or(""),
            }
        })
        .collect();
    let incidents = d
        .open_incidents
        .into_iter()
        .map(|i| OpenIncidentItem {
            opened_at: minutes(&i.opened_at),
            id: i.id,
            severity: i.severity,
            title: i.title,
        })
        .collect();
    let windows = crate::dashboard::WINDOWS
        .into_iter()
        .map(|w| WindowLink {
            name: w,
            label: match w {
                "7d" => tr.t("dashboard-window-7d"),
                "30d" => tr.t("dashboard-window-30d"),
                _ => tr.t("dashboard-window-14d"),
            },
            current: w == d.window,
        })
        .collect();
    let q = &d.jobs;
    let job_counts = ["queued", "running", "done", "failed"]
        .into_iter()
        .map(|state| JobCountItem {
            state,
            label: job_state_label(tr, state),
            count: q.counts.get(state).copied().unwrap_or(0),
        })
        .collect();
    let queue_waiting = q.counts.get("queued").copied().unwrap_or(0) > 0;
    DashboardTpl {
        p,
        job_counts,
        oldest_queued: if queue_waiting {
            crate::dashboard::fmt_seconds(tr, Some(q.oldest_queued_seconds))
        } else {
            tr.t("jobs-none-queued").to_string()
        },
        queue_waiting,
        lease_expired_text: if q.running_lease_expired > 0 {
            tr.args(
                "jobs-lease-expired",
                &[("count", count(q.running_lease_expired))],
            )
        } else {
            String::new()
        },
        windows,
        period: tr.args(
            "dashboard-period",
            &[
                ("from", minutes(&m.from).into()),
                ("to", minutes(&m.to).into()),
            ],
        ),
        firing_text: tr.args("dashboard-alerts-firing", &[("count", d.firing.into())]),
        firing: d.firing,
        alerts,
        metrics,
        incidents,
        replay_disabled: d.kill_switch.replay_disabled,
        publish_disabled: d.kill_switch.publish_disabled,
        switch_reason: d.kill_switch.reason.unwrap_or_default(),
    }
}

async fn dashboard_page(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<SinceQuery>,
) -> Response {
    if let Err(r) = page.user(Role::Viewer) {
        return r;
    }
    let loaded = async {
        let window = crate::dashboard::window(q.since.as_deref())?;
        crate::dashboard::load(&state, window).await
    }
    .await;
    match loaded {
        Ok(d) => page.render(StatusCode::OK, &dashboard_tpl(&page, d)),
        Err(e) => page.error(e),
    }
}

// ---------------------------------------------------------------- Audit

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditTpl<'a> {
    p: &'a Page,
    entries: Vec<skillgate_store::AuditEntry>,
}

async fn audit_page(State(state): State<AppState>, page: Page) -> Response {
    if let Err(r) = page.user(Role::Viewer) {
        return r;
    }
    match state.store().list_audit(200).await {
        Ok(entries) => page.render(StatusCode::OK, &AuditTpl { p: &page, entries }),
        Err(e) => page.error(e.into()),
    }
}

// ---------------------------------------------------------------- Sign-in, language

#[derive(Template)]
#[template(path = "login.html")]
struct LoginTpl<'a> {
    p: &'a Page,
    next: String,
    failed: bool,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_page(page: Page, Query(q): Query<NextQuery>) -> Response {
    let tpl = LoginTpl {
        p: &page,
        next: safe_next(q.next.as_deref()),
        failed: false,
    };
    page.render(StatusCode::OK, &tpl)
}

#[derive(Deserialize)]
struct LoginData {
    csrf: String,
    token: String,
    #[serde(default)]
    next: String,
}

async fn login_form(
    State(state): State<AppState>,
    page: Page,
    headers: HeaderMap,
    Form(form): Form<LoginData>,
) -> Response {
    if let Err(r) = page.check_csrf(&headers, &form.csrf) {
        return r;
    }
    let token = form.token.trim();
    let known = match state
        .store()
        .api_token_by_hash(&auth::hash_token(token))
        .await
    {
        Ok(k) => k.is_some(),
        Err(e) => return page.error(e.into()),
    };
    let next = safe_next(Some(&form.next));
    if !known {
        let tpl = LoginTpl {
            p: &page,
            next,
            failed: true,
        };
        return page.render(StatusCode::UNAUTHORIZED, &tpl);
    }
    let mut resp = Redirect::to(&next).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{TOKEN_COOKIE}={token}; Path=/; SameSite=Strict; HttpOnly; Max-Age=2592000"
    )) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

async fn logout_form(page: Page, headers: HeaderMap, Form(form): Form<CsrfOnly>) -> Response {
    if let Err(r) = page.check_csrf(&headers, &form.csrf) {
        return r;
    }
    let mut resp = Redirect::to("/login").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static("sg_token=; Path=/; SameSite=Strict; HttpOnly; Max-Age=0"),
    );
    resp
}

async fn switch_language(Path(tag): Path<String>, Query(q): Query<NextQuery>) -> Response {
    let next = safe_next(q.next.as_deref());
    let Some(locale) = Locale::parse(&tag) else {
        return ApiError::not_found(
            "locale_not_found",
            format!("unknown language '{tag}': use en, zh-CN or zh-TW"),
        )
        .into_response();
    };
    let mut resp = Redirect::to(&next).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
        locale.tag()
    )) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_must_be_a_local_path() {
        assert_eq!(
            safe_next(Some("/evals/x?sort=delta")),
            "/evals/x?sort=delta"
        );
        assert_eq!(safe_next(Some("//evil.example/")), "/skills");
        assert_eq!(safe_next(Some("https://evil.example/")), "/skills");
        assert_eq!(safe_next(None), "/skills");
    }

    #[test]
    fn url_encode_keeps_slashes_and_escapes_query() {
        assert_eq!(
            url_encode("/evals/a?sort=delta&x=1"),
            "/evals/a%3Fsort%3Ddelta%26x%3D1"
        );
    }
}
