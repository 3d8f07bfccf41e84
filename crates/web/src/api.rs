//! The JSON API under `/api/`. Every route is listed in [`table`], which
//! both builds the router and is checked against the OpenAPI document.

use crate::AppState;
use crate::auth::{self, Identity, Role, Who};
use crate::error::ApiError;
use crate::view::{self, CaseRow, ReportView};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use skillgate_store::{NewReview, ReviewDecision, Severity};

type ApiResult = Result<Response, ApiError>;

/// Every API route: method, path, handler.
pub(crate) fn table() -> Vec<(&'static str, &'static str, MethodRouter<AppState>)> {
    vec![
        ("GET", "/api/openapi.json", get(openapi)),
        ("GET", "/api/me", get(me)),
        ("GET", "/api/skills", get(list_skills)),
        ("GET", "/api/skills/{name}", get(get_skill)),
        ("GET", "/api/drafts", get(list_drafts)),
        ("GET", "/api/drafts/{id}", get(get_draft)),
        ("GET", "/api/drafts/{id}/evals", get(draft_evals)),
        ("POST", "/api/drafts/{id}/evals", post(start_eval)),
        ("GET", "/api/drafts/{id}/gate", get(draft_gate)),
        ("GET", "/api/drafts/{id}/reviews", get(draft_reviews)),
        ("POST", "/api/drafts/{id}/reviews", post(create_review)),
        ("POST", "/api/drafts/{id}/publish", post(publish)),
        (
            "GET",
            "/api/drafts/{id}/publish-decisions",
            get(publish_decisions),
        ),
        ("GET", "/api/evals/{id}", get(get_eval)),
        ("GET", "/api/evals/{id}/report", get(eval_report)),
        ("GET", "/api/evals/{id}/cases", get(eval_cases)),
        ("GET", "/api/evals/{id}/cases/{n}", get(eval_case)),
        ("GET", "/api/audit", get(audit)),
        ("GET", "/api/dashboard", get(dashboard)),
        ("GET", "/api/incidents", get(list_incidents)),
        ("POST", "/api/incidents", post(open_incident)),
        ("POST", "/api/incidents/{id}/close", post(close_incident)),
        ("GET", "/api/kill-switch", get(kill_switch)),
        ("POST", "/api/kill-switch", post(set_kill_switch)),
    ]
}

/// The caller of an API request, authenticated (401 otherwise).
pub(crate) struct ApiUser(pub Identity);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<ApiUser, ApiError> {
        // A cross-site HTML form can POST, but not with a JSON content type
        // (that needs a CORS preflight, which this server never grants).
        if parts.method != axum::http::Method::GET && parts.method != axum::http::Method::HEAD {
            let json = parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.trim_start().starts_with("application/json"));
            if !json {
                return Err(ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "json_required",
                    "API requests that change something must send Content-Type: application/json \
                     (a JSON body, `{}` when there is nothing to say)",
                ));
            }
        }
        match auth::identify(state, &parts.headers).await? {
            Who::Known(id) => Ok(ApiUser(id)),
            Who::Anonymous => Err(auth::unauthenticated(
                "send `Authorization: Bearer TOKEN` (create one with `skillgate token create --role viewer --name NAME`)",
            )),
        }
    }
}

impl ApiUser {
    fn need(&self, role: Role) -> Result<&Identity, ApiError> {
        self.0.require(role)?;
        Ok(&self.0)
    }
}

/// A JSON body whose parse errors are answered as `invalid_request`.
fn body<T>(payload: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    payload.map(|Json(v)| v).map_err(|e| {
        ApiError::bad_request(format!(
            "the JSON body is not valid: {}; send Content-Type: application/json",
            e.body_text()
        ))
    })
}

fn ok<T: Serialize>(value: T) -> ApiResult {
    Ok(Json(value).into_response())
}

pub(crate) async fn route_not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(
        "route_not_found",
        format!("no API route {}; /api/openapi.json lists them", uri.path()),
    )
}

pub(crate) async fn method_not_allowed(
    method: axum::http::Method,
    uri: axum::http::Uri,
) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!(
            "{method} is not allowed on {}; /api/openapi.json lists the methods",
            uri.path()
        ),
    )
}

async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::OPENAPI_JSON,
    )
        .into_response()
}

async fn me(user: ApiUser) -> ApiResult {
    ok(user.0)
}

async fn list_skills(State(s): State<AppState>, user: ApiUser) -> ApiResult {
    user.need(Role::Viewer)?;
    ok(s.store().list_skills().await?)
}

async fn get_skill(
    State(s): State<AppState>,
    user: ApiUser,
    Path(name): Path<String>,
) -> ApiResult {
    user.need(Role::Viewer)?;
    let versions = s.store().skill_versions(&name).await?;
    if versions.is_empty() {
        return Err(ApiError::not_found(
            "skill_not_found",
            format!("skill '{name}' has no published version; GET /api/skills lists them"),
        ));
    }
    ok(json!({ "name": name, "versions": versions }))
}

/// The summary of a draft's latest eval report.
#[derive(Serialize)]
struct EvalBrief {
    eval_id: String,
    status: String,
    mode: String,
    confidence: Option<String>,
    score_delta: Option<f64>,
    created_at: String,
    has_report: bool,
}

fn brief(e: &skillgate_store::EvalWithReport) -> EvalBrief {
    let report = e
        .report
        .as_deref()
        .and_then(|b| view::report_from_text(b, &e.status).ok());
    EvalBrief {
        eval_id: e.eval_id.clone(),
        status: report
            .as_ref()
            .map_or_else(|| e.status.clone(), |r| r.status.clone()),
        mode: report
            .as_ref()
            .map(|r| r.mode.clone())
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| e.mode.clone()),
        confidence: report.as_ref().and_then(|r| r.confidence.clone()),
        score_delta: report.as_ref().and_then(|r| r.score_delta),
        created_at: e.created_at.clone(),
        has_report: e.report.is_some(),
    }
}

async fn list_drafts(State(s): State<AppState>, user: ApiUser) -> ApiResult {
    user.need(Role::Viewer)?;
    let latest = s.store().web_latest_evals().await?;
    let drafts: Vec<Value> = s
        .store()
        .list_drafts()
        .await?
        .into_iter()
        .map(|d| {
            let eval = latest.iter().find(|e| e.draft_id == d.id).map(brief);
            json!({
                "id": d.id, "skill_name": d.skill_name, "description": d.description,
                "status": d.status, "revises_version_id": d.revises_version_id,
                "created_at": d.created_at, "latest_eval": eval,
            })
        })
        .collect();
    ok(drafts)
}

fn doc(text: Option<&str>) -> Value {
    text.map_or(Value::Null, |t| {
        serde_json::from_str(t).unwrap_or_else(|_| Value::String(t.to_string()))
    })
}

async fn get_draft(State(s): State<AppState>, user: ApiUser, Path(id): Path<String>) -> ApiResult {
    user.need(Role::Viewer)?;
    let d = s.store().get_draft(&id).await?;
    let review = s.store().current_review(&id).await?;
    ok(json!({
        "id": d.id, "skill_name": d.skill_name, "description": d.description,
        "status": d.status, "revises_version_id": d.revises_version_id,
        "content_hash": d.content_hash, "created_at": d.created_at,
        "lint_report": doc(d.lint_report.as_deref()),
        "safety_report": doc(d.safety_report.as_deref()),
        "preservation_report": doc(d.preservation_report.as_deref()),
        "current_review": review,
    }))
}

async fn draft_evals(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult {
    user.need(Role::Viewer)?;
    s.store().get_draft(&id).await?;
    let evals: Vec<EvalBrief> = s
        .store()
        .web_evals_of_draft(&id)
        .await?
        .iter()
        .map(brief)
        .collect();
    ok(evals)
}

#[derive(Deserialize)]
struct StartEvalBody {
    #[serde(default)]
    cases: Option<usize>,
    #[serde(default)]
    trials: Option<u32>,
    #[serde(default)]
    prompt_locale: Option<String>,
}

async fn start_eval(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    payload: Result<Json<StartEvalBody>, JsonRejection>,
) -> ApiResult {
    let who = user.need(Role::Reviewer)?;
    let b = body(payload)?;
    let started = crate::start_eval(
        &s,
        &id,
        b.cases.map(|c| c.to_string()).as_deref(),
        b.trials.map(|t| t.to_string()).as_deref(),
        b.prompt_locale.as_deref(),
        &who.name,
    )
    .await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "started": started }))).into_response())
}

async fn draft_gate(State(s): State<AppState>, user: ApiUser, Path(id): Path<String>) -> ApiResult {
    user.need(Role::Viewer)?;
    ok(s.store().gate_reading(&id, s.gate()).await?)
}

async fn draft_reviews(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult {
    user.need(Role::Viewer)?;
    s.store().get_draft(&id).await?;
    ok(s.store().reviews(&id).await?)
}

#[derive(Deserialize)]
struct ReviewBody {
    decision: String,
    #[serde(default)]
    rationale: Option<String>,
}

async fn create_review(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    payload: Result<Json<ReviewBody>, JsonRejection>,
) -> ApiResult {
    let who = user.need(Role::Reviewer)?;
    let b = body(payload)?;
    let decision = match b.decision.as_str() {
        "approve" => ReviewDecision::Approve,
        "reject" => ReviewDecision::Reject,
        other => {
            return Err(ApiError::bad_request(format!(
                "decision must be \"approve\" or \"reject\", not \"{other}\""
            )));
        }
    };
    let row = s
        .store()
        .record_review(&NewReview {
            draft_id: id,
            decision,
            rationale: b.rationale.filter(|r| !r.trim().is_empty()),
            reviewer: who.name.clone(),
        })
        .await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

async fn publish(State(s): State<AppState>, user: ApiUser, Path(id): Path<String>) -> ApiResult {
    let who = user.need(Role::Publisher)?;
    let outcome = s.store().publish_draft(&id, s.gate(), &who.name).await?;
    if outcome.version.is_some() {
        return ok(outcome);
    }
    let blocking = outcome.verdict.blocking().count();
    Err(ApiError::new(
        StatusCode::CONFLICT,
        "gate_refused",
        format!(
            "the publish gate refused draft {id}: {blocking} rule(s) block; each failure names its fix"
        ),
    )
    .with_details(serde_json::to_value(&outcome).map_err(ApiError::internal)?))
}

async fn publish_decisions(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult {
    user.need(Role::Viewer)?;
    s.store().get_draft(&id).await?;
    ok(s.store().publish_decisions(&id).await?)
}

async fn get_eval(State(s): State<AppState>, user: ApiUser, Path(id): Path<String>) -> ApiResult {
    user.need(Role::Viewer)?;
    let e = s.store().web_eval(&id).await?;
    let mut v = serde_json::to_value(brief(&e)).map_err(ApiError::internal)?;
    if let Some(obj) = v.as_object_mut() {
        obj.insert("draft_id".into(), Value::String(e.draft_id.clone()));
        obj.insert("finished_at".into(), json!(e.finished_at));
    }
    ok(v)
}

async fn report_doc(s: &AppState, id: &str) -> Result<Value, ApiError> {
    let e = s.store().web_eval(id).await?;
    let Some(body) = e.report else {
        return Err(ApiError::not_found(
            "report_not_found",
            format!(
                "eval {id} has no report yet (status {}); try again when it finishes",
                e.status
            ),
        ));
    };
    let mut report: Value = serde_json::from_str(&body).map_err(ApiError::internal)?;
    if view::case_list(&report).is_empty() {
        let docs = s.store().case_reports(id).await?;
        if !docs.is_empty()
            && let Some(obj) = report.as_object_mut()
        {
            let cases = docs
                .iter()
                .map(|d| serde_json::from_str(&d.body).unwrap_or(Value::Null))
                .collect();
            obj.insert("case_reports".into(), Value::Array(cases));
        }
    }
    s.redactor().redact_json(&mut report);
    Ok(report)
}

async fn eval_report(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult {
    user.need(Role::Viewer)?;
    ok(report_doc(&s, &id).await?)
}

#[derive(Serialize)]
struct CaseSummary {
    index: usize,
    id: String,
    task: String,
    verdict: String,
    baseline: Option<f64>,
    candidate: Option<f64>,
    delta: Option<f64>,
    why_selected: String,
}

#[derive(Deserialize)]
struct CasesQuery {
    sort: Option<String>,
    order: Option<String>,
}

async fn eval_cases(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    Query(q): Query<CasesQuery>,
) -> ApiResult {
    user.need(Role::Viewer)?;
    let report = report_doc(&s, &id).await?;
    let mut v = ReportView {
        cases: view::case_list(&report)
            .iter()
            .enumerate()
            .map(|(i, c)| CaseRow::from_json(i, c))
            .collect(),
        ..Default::default()
    };
    v.sort_cases(
        q.sort.as_deref() == Some("delta"),
        q.order.as_deref() == Some("desc"),
    );
    let cases: Vec<CaseSummary> = v
        .cases
        .into_iter()
        .map(|c| CaseSummary {
            index: c.index,
            id: c.id,
            task: c.task,
            verdict: c.verdict,
            baseline: c.baseline,
            candidate: c.candidate,
            delta: c.delta,
            why_selected: c.why,
        })
        .collect();
    ok(cases)
}

async fn eval_case(
    State(s): State<AppState>,
    user: ApiUser,
    Path((id, n)): Path<(String, String)>,
) -> ApiResult {
    user.need(Role::Viewer)?;
    let report = report_doc(&s, &id).await?;
    let cases = view::case_list(&report);
    n.parse::<usize>()
        .ok()
        .and_then(|i| cases.get(i))
        .map_or_else(
            || {
                Err(ApiError::not_found(
                    "case_not_found",
                    format!(
                        "eval {id} has no case {n}; it has {} cases, numbered from 0",
                        cases.len()
                    ),
                ))
            },
            ok,
        )
}

#[derive(Deserialize)]
struct LimitQuery {
    limit: Option<i64>,
}

async fn audit(State(s): State<AppState>, user: ApiUser, Query(q): Query<LimitQuery>) -> ApiResult {
    user.need(Role::Viewer)?;
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    ok(s.store().list_audit(limit).await?)
}

#[derive(Deserialize)]
struct IncidentsQuery {
    open: Option<bool>,
}

async fn list_incidents(
    State(s): State<AppState>,
    user: ApiUser,
    Query(q): Query<IncidentsQuery>,
) -> ApiResult {
    user.need(Role::Viewer)?;
    ok(s.store().list_incidents(q.open.unwrap_or(false)).await?)
}

#[derive(Deserialize)]
struct IncidentBody {
    severity: String,
    title: String,
    #[serde(default)]
    detail: String,
}

async fn open_incident(
    State(s): State<AppState>,
    user: ApiUser,
    payload: Result<Json<IncidentBody>, JsonRejection>,
) -> ApiResult {
    let who = user.need(Role::Admin)?;
    let b = body(payload)?;
    let severity = Severity::parse(&b.severity)?;
    let opened = s
        .store()
        .open_incident(severity, &b.title, &b.detail, &who.name)
        .await?;
    Ok((StatusCode::CREATED, Json(opened)).into_response())
}

#[derive(Deserialize)]
struct CloseBody {
    #[serde(default)]
    root_cause: String,
    /// Run that reproduces the failure (required to close a P0).
    #[serde(default)]
    regression_case: Option<String>,
    /// Skill the regression case is pinned to.
    #[serde(default)]
    skill: Option<String>,
}

async fn close_incident(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    payload: Result<Json<CloseBody>, JsonRejection>,
) -> ApiResult {
    let who = user.need(Role::Admin)?;
    let b = body(payload)?;
    let req = crate::dashboard::CloseRequest {
        id: &id,
        root_cause: &b.root_cause,
        regression_case: b.regression_case.as_deref(),
        skill: b.skill.as_deref(),
    };
    ok(crate::dashboard::close_incident(&s, req, &who.name).await?)
}

#[derive(Deserialize)]
struct DashboardQuery {
    since: Option<String>,
}

/// Metrics over the window, every runbook alert (firing first), open
/// incidents and the kill switch, as the dashboard page shows them.
async fn dashboard(
    State(s): State<AppState>,
    user: ApiUser,
    Query(q): Query<DashboardQuery>,
) -> ApiResult {
    user.need(Role::Viewer)?;
    let window = crate::dashboard::window(q.since.as_deref())?;
    ok(crate::dashboard::load(&s, window).await?)
}

async fn kill_switch(State(s): State<AppState>, user: ApiUser) -> ApiResult {
    user.need(Role::Viewer)?;
    ok(s.store().kill_switch().await?)
}

#[derive(Deserialize)]
struct KillSwitchBody {
    /// `disable` (replay off) or `enable` (replay and publishing on).
    action: String,
    reason: String,
    #[serde(default)]
    publish_too: bool,
    #[serde(default)]
    force: bool,
}

async fn set_kill_switch(
    State(s): State<AppState>,
    user: ApiUser,
    payload: Result<Json<KillSwitchBody>, JsonRejection>,
) -> ApiResult {
    let who = user.need(Role::Admin)?;
    let b = body(payload)?;
    let state = match b.action.as_str() {
        "disable" => {
            s.store()
                .disable_replay(b.publish_too, &b.reason, &who.name)
                .await?
        }
        "enable" => {
            s.store()
                .enable_replay(&b.reason, &who.name, b.force)
                .await?
        }
        other => {
            return Err(ApiError::bad_request(format!(
                "action must be \"disable\" or \"enable\", not \"{other}\""
            )));
        }
    };
    ok(state)
}
