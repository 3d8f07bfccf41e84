//! Shared test fixtures: a seeded store and request helpers.
#![allow(dead_code)]

pub mod sample;

use axum::body::Body;
use axum::http::{Request, Response, header};
use serde_json::{Value, json};
use skillgate_core::gate::GateConfig;
use skillgate_store::{NewDraft, SkillFile, Store};
use skillgate_web::{AppState, router};
use tower::ServiceExt;

/// A store in a temp dir with one published skill, one draft revising it
/// (safety and preservation passed) and, with `report`, an eval report.
pub struct Fixture {
    pub _dir: tempfile::TempDir,
    pub store: Store,
    pub draft_id: String,
    pub eval_id: Option<String>,
}

pub const SKILL: &str = "invoice-summary";

pub async fn fixture(report: Option<Value>) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("web.db")).await.unwrap();
    let v1 = store
        .publish_skill_version(
            SKILL,
            "Summarise invoices for accounts payable.",
            &[SkillFile {
                path: "SKILL.md".into(),
                bytes: b"---\nname: invoice-summary\ndescription: Summarise invoices.\n---\n# Steps\n- Read the invoices.\n- Total them.\n".to_vec(),
            }],
            None,
        )
        .await
        .unwrap();
    let draft = store
        .create_draft(&NewDraft {
            skill_name: SKILL.into(),
            description: "Summarise invoices and email accounts payable.".into(),
            revises_version_id: Some(v1.id.clone()),
            files: vec![SkillFile {
                path: "SKILL.md".into(),
                bytes: b"---\nname: invoice-summary\ndescription: Summarise invoices and email AP.\n---\n# Steps\n- Read the invoices.\n- Total them.\n- Email the summary.\n".to_vec(),
            }],
            lint_report: Some("[]".into()),
            safety_report: Some(json!({"status": "passed", "findings": []}).to_string()),
            preservation_report: Some(
                json!({"status": "passed", "important_by": "top_level",
                       "sections": [{"title": "Steps", "outcome": "changed", "similarity": 0.86,
                                     "instructions": 2, "lost_instructions": 0}],
                       "dropped_instructions": [], "reasons": []})
                .to_string(),
            ),
        })
        .await
        .unwrap();
    let eval_id = match report {
        Some(r) => Some(
            store
                .test_support_insert_eval_report(&draft.id, &r)
                .await
                .unwrap(),
        ),
        None => None,
    };
    Fixture {
        _dir: dir,
        store,
        draft_id: draft.id,
        eval_id,
    }
}

/// The app in local dev mode (loopback, dev mode allowed).
pub fn app(store: &Store) -> axum::Router {
    router(AppState::new(store.clone(), GateConfig::default(), true))
}

/// Sends a request, returns status, headers and body text.
pub async fn send(app: &axum::Router, req: Request<Body>) -> (u16, axum::http::HeaderMap, String) {
    let resp: Response<Body> = app.clone().oneshot(req).await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), 64 * 1024 * 1024)
        .await
        .unwrap();
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

pub fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

pub fn get_with(uri: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut b = Request::get(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Body::empty()).unwrap()
}

pub fn post_json(uri: &str, body: &Value, bearer: Option<&str>) -> Request<Body> {
    let mut b = Request::post(uri).header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = bearer {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    b.body(Body::from(body.to_string())).unwrap()
}

pub fn post_form(uri: &str, form: &str, cookie: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookie)
        .body(Body::from(form.to_string()))
        .unwrap()
}

/// The error code of a JSON error body.
pub fn code(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    v["error"]["code"].as_str().unwrap_or("").to_string()
}

/// A report that passes the gate: passed, high confidence, nothing blocked.
pub fn passing_report() -> Value {
    let mut r = sample::sample_report("passed", 3);
    r["confidence"] = json!({"level": "high", "rule": "high:all-criteria", "reasons": []});
    r["blocked_coverage"] = json!(0.0);
    r
}

/// Creates a token with `role`, returning the token.
pub async fn token(store: &Store, role: &str, name: &str) -> String {
    let t = skillgate_web::generate_token().unwrap();
    store
        .create_api_token(name, role, &skillgate_web::hash_token(&t))
        .await
        .unwrap();
    t
}

/// An eval starter that records what it was asked to start.
#[derive(Debug, Default)]
pub struct RecordingStarter(pub std::sync::Mutex<Vec<skillgate_web::EvalRequest>>);

impl skillgate_web::EvalStarter for RecordingStarter {
    fn start(&self, request: &skillgate_web::EvalRequest) -> Result<String, String> {
        self.0.lock().unwrap().push(request.clone());
        Ok(format!("eval of {} started", request.draft_id))
    }
}

/// The app in local dev mode with `starter` wired.
pub fn app_with_starter(store: &Store, starter: std::sync::Arc<RecordingStarter>) -> axum::Router {
    router(AppState::new(store.clone(), GateConfig::default(), true).with_eval_starter(starter))
}
