//! HTTP JSON API: OpenAPI matches the routes, stable error codes, roles.

mod common;

use axum::body::Body;
use axum::http::Request;
use common::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;

fn documented() -> BTreeSet<(String, String)> {
    let doc: Value = serde_json::from_str(skillgate_web::OPENAPI_JSON).unwrap();
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            out.insert((method.to_uppercase(), path.clone()));
        }
    }
    out
}

#[test]
fn openapi_documents_exactly_the_registered_api_routes() {
    let routes: BTreeSet<(String, String)> = skillgate_web::api_routes()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    let docs = documented();
    let undocumented: Vec<_> = routes.difference(&docs).collect();
    let phantom: Vec<_> = docs.difference(&routes).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from openapi.json: {undocumented:?}"
    );
    assert!(phantom.is_empty(), "documented but not routed: {phantom:?}");
}

#[tokio::test]
async fn every_documented_route_is_answered_by_a_handler() {
    let f = fixture(Some(passing_report())).await;
    let app = app(&f.store);
    let eval = f.eval_id.clone().unwrap();
    for (method, path) in documented() {
        let uri = path
            .replace(
                "{id}",
                if path.starts_with("/api/evals") {
                    &eval
                } else {
                    &f.draft_id
                },
            )
            .replace("{name}", SKILL)
            .replace("{n}", "0");
        let req = Request::builder()
            .method(method.as_str())
            .uri(&uri)
            .header("content-type", "application/json")
            .body(Body::from("{}"))
            .unwrap();
        let (status, _, body) = send(&app, req).await;
        let c = code(&body);
        assert!(
            status != 405 && c != "route_not_found" && c != "method_not_allowed",
            "{method} {uri} was not routed: {status} {body}"
        );
    }
}

#[tokio::test]
async fn unknown_draft_answers_draft_not_found_json() {
    let f = fixture(None).await;
    let (status, _, body) = send(&app(&f.store), get("/api/drafts/drf_nope")).await;
    assert_eq!(status, 404);
    assert_eq!(code(&body), "draft_not_found");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(v["error"]["message"].as_str().unwrap().contains("drf_nope"));
}

#[tokio::test]
async fn unknown_api_path_answers_route_not_found() {
    let f = fixture(None).await;
    let (status, _, body) = send(&app(&f.store), get("/api/nothing-here")).await;
    assert_eq!((status, code(&body).as_str()), (404, "route_not_found"));
}

#[tokio::test]
async fn drafts_list_carries_latest_eval_status_confidence_and_delta() {
    let f = fixture(Some(sample::sample_report("partial", 4))).await;
    let (status, _, body) = send(&app(&f.store), get("/api/drafts")).await;
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    let eval = &v[0]["latest_eval"];
    assert_eq!(eval["status"], "partial");
    assert_eq!(eval["confidence"], "medium");
    assert!((eval["score_delta"].as_f64().unwrap() - 0.13).abs() < 1e-9);
}

#[tokio::test]
async fn cases_sort_by_delta_descending() {
    let f = fixture(Some(sample::sample_report("passed", 6))).await;
    let uri = format!(
        "/api/evals/{}/cases?sort=delta&order=desc",
        f.eval_id.unwrap()
    );
    let (status, _, body) = send(&app(&f.store), get(&uri)).await;
    assert_eq!(status, 200, "{body}");
    let v: Vec<Value> = serde_json::from_str(&body).unwrap();
    let deltas: Vec<f64> = v.iter().map(|c| c["delta"].as_f64().unwrap()).collect();
    assert_eq!(deltas.len(), 6);
    assert!(deltas.windows(2).all(|w| w[0] >= w[1]), "{deltas:?}");
}

#[tokio::test]
async fn anonymous_request_is_refused_once_a_token_exists() {
    let f = fixture(None).await;
    token(&f.store, "viewer", "vera").await;
    let (status, _, body) = send(&app(&f.store), get("/api/skills")).await;
    assert_eq!((status, code(&body).as_str()), (401, "unauthenticated"));
}

#[tokio::test]
async fn unknown_token_is_unauthenticated() {
    let f = fixture(None).await;
    token(&f.store, "viewer", "vera").await;
    let req = get_with("/api/skills", &[("authorization", "Bearer sgt_wrong")]);
    let (status, _, body) = send(&app(&f.store), req).await;
    assert_eq!((status, code(&body).as_str()), (401, "unauthenticated"));
}

#[tokio::test]
async fn no_dev_mode_when_not_allowed_even_without_tokens() {
    let f = fixture(None).await;
    let app = skillgate_web::router(skillgate_web::AppState::new(
        f.store.clone(),
        Default::default(),
        false,
    ));
    let (status, _, _) = send(&app, get("/api/skills")).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn viewer_cannot_review_but_reviewer_can() {
    let f = fixture(Some(passing_report())).await;
    let viewer = token(&f.store, "viewer", "vera").await;
    let reviewer = token(&f.store, "reviewer", "rita").await;
    let app = app(&f.store);
    let uri = format!("/api/drafts/{}/reviews", f.draft_id);
    let body = json!({"decision": "approve", "rationale": "improves totals"});
    let (status, _, resp) = send(&app, post_json(&uri, &body, Some(&viewer))).await;
    assert_eq!((status, code(&resp).as_str()), (403, "forbidden"));
    let (status, _, resp) = send(&app, post_json(&uri, &body, Some(&reviewer))).await;
    assert_eq!(status, 201, "{resp}");
    let v: Value = serde_json::from_str(&resp).unwrap();
    assert_eq!(v["reviewer"], "rita");
    assert_eq!(v["decision"], "approve");
}

#[tokio::test]
async fn reject_without_rationale_is_rationale_required() {
    let f = fixture(Some(passing_report())).await;
    let uri = format!("/api/drafts/{}/reviews", f.draft_id);
    let (status, _, body) = send(
        &app(&f.store),
        post_json(&uri, &json!({"decision": "reject"}), None),
    )
    .await;
    assert_eq!((status, code(&body).as_str()), (422, "rationale_required"));
}

#[tokio::test]
async fn malformed_json_body_is_invalid_request() {
    let f = fixture(None).await;
    let uri = format!("/api/drafts/{}/reviews", f.draft_id);
    let req = Request::post(&uri)
        .header("content-type", "application/json")
        .body(Body::from("{not json"))
        .unwrap();
    let (status, _, body) = send(&app(&f.store), req).await;
    assert_eq!((status, code(&body).as_str()), (400, "invalid_request"));
}

#[tokio::test]
async fn publish_without_review_is_refused_with_every_gate_failure() {
    let f = fixture(None).await;
    let uri = format!("/api/drafts/{}/publish", f.draft_id);
    let (status, _, body) = send(&app(&f.store), post_json(&uri, &json!({}), None)).await;
    assert_eq!(
        (status, code(&body).as_str()),
        (409, "gate_refused"),
        "{body}"
    );
    let v: Value = serde_json::from_str(&body).unwrap();
    let rules: Vec<&str> = v["error"]["details"]["verdict"]["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.len() >= 2, "{rules:?}");
    assert!(rules.iter().any(|r| r.contains("review")), "{rules:?}");
    assert!(rules.iter().any(|r| r.contains("eval")), "{rules:?}");
}

#[tokio::test]
async fn publisher_publishes_an_approved_draft_with_passing_evidence() {
    let f = fixture(Some(passing_report())).await;
    let reviewer = token(&f.store, "reviewer", "rita").await;
    let publisher = token(&f.store, "publisher", "paul").await;
    let app = app(&f.store);
    let review = json!({"decision": "approve", "rationale": "clear improvement"});
    let uri = format!("/api/drafts/{}/reviews", f.draft_id);
    assert_eq!(
        send(&app, post_json(&uri, &review, Some(&reviewer)))
            .await
            .0,
        201
    );
    let uri = format!("/api/drafts/{}/publish", f.draft_id);
    let (status, _, body) = send(&app, post_json(&uri, &json!({}), Some(&reviewer))).await;
    assert_eq!((status, code(&body).as_str()), (403, "forbidden"));
    let (status, _, body) = send(&app, post_json(&uri, &json!({}), Some(&publisher))).await;
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["version"]["version"], 2);
    let (status, _, body) = send(&app, post_json(&uri, &json!({}), Some(&publisher))).await;
    assert_eq!((status, code(&body).as_str()), (409, "already_published"));
}

#[tokio::test]
async fn kill_switch_and_incidents_need_admin() {
    let f = fixture(None).await;
    let publisher = token(&f.store, "publisher", "paul").await;
    let admin = token(&f.store, "admin", "ada").await;
    let app = app(&f.store);
    let off = json!({"action": "disable", "reason": "drill", "publish_too": true});
    let (status, _, body) = send(&app, post_json("/api/kill-switch", &off, Some(&publisher))).await;
    assert_eq!((status, code(&body).as_str()), (403, "forbidden"));
    let (status, _, body) = send(&app, post_json("/api/kill-switch", &off, Some(&admin))).await;
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (
            v["replay_disabled"].as_bool(),
            v["publish_disabled"].as_bool()
        ),
        (Some(true), Some(true))
    );
    let inc = json!({"severity": "P1", "title": "false pass on batch 7"});
    let (status, _, _) = send(&app, post_json("/api/incidents", &inc, Some(&publisher))).await;
    assert_eq!(status, 403);
    let (status, _, body) = send(&app, post_json("/api/incidents", &inc, Some(&admin))).await;
    assert_eq!(status, 201, "{body}");
    let bad = json!({"severity": "P9", "title": "x"});
    let (status, _, body) = send(&app, post_json("/api/incidents", &bad, Some(&admin))).await;
    assert_eq!((status, code(&body).as_str()), (422, "invalid_severity"));
}

#[tokio::test]
async fn security_headers_are_set() {
    let f = fixture(None).await;
    let (_, headers, _) = send(&app(&f.store), get("/skills")).await;
    assert_eq!(headers["x-frame-options"], "DENY");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
}

#[tokio::test]
async fn non_loopback_address_without_tokens_is_refused() {
    let f = fixture(None).await;
    let cfg = skillgate_web::WebConfig {
        addr: "0.0.0.0:0".parse().unwrap(),
        gate: Default::default(),
        redaction: Default::default(),
        evals: None,
    };
    let err = skillgate_web::bind(cfg, f.store.clone()).await.unwrap_err();
    assert!(
        matches!(err, skillgate_web::ServeError::NoAuthOnPublicAddress { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("skillgate token create"));
}

#[tokio::test]
async fn loopback_without_tokens_starts_in_dev_mode() {
    let f = fixture(None).await;
    let cfg = skillgate_web::WebConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        gate: Default::default(),
        redaction: Default::default(),
        evals: None,
    };
    let server = skillgate_web::bind(cfg, f.store.clone()).await.unwrap();
    assert!(server.dev_mode());
    assert_ne!(server.local_addr().port(), 0);
}

#[tokio::test]
async fn a_cross_site_form_post_cannot_use_the_api() {
    let f = fixture(Some(passing_report())).await;
    let uri = format!("/api/drafts/{}/publish", f.draft_id);
    let req = Request::post(&uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(""))
        .unwrap();
    let (status, _, body) = send(&app(&f.store), req).await;
    assert_eq!((status, code(&body).as_str()), (415, "json_required"));
    assert!(
        f.store
            .publish_decisions(&f.draft_id)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn dev_mode_needs_a_loopback_host_name() {
    let f = fixture(None).await;
    let app = app(&f.store);
    let local = get_with("/api/me", &[("host", "127.0.0.1:8080")]);
    assert_eq!(send(&app, local).await.0, 200);
    let rebound = get_with("/api/me", &[("host", "attacker.example:8080")]);
    let (status, _, body) = send(&app, rebound).await;
    assert_eq!((status, code(&body).as_str()), (401, "unauthenticated"));
}

#[tokio::test]
async fn starting_an_eval_without_an_engine_is_not_supported() {
    let f = fixture(None).await;
    let uri = format!("/api/drafts/{}/evals", f.draft_id);
    let (status, _, body) = send(&app(&f.store), post_json(&uri, &json!({}), None)).await;
    assert_eq!((status, code(&body).as_str()), (501, "not_supported"));
}

#[tokio::test]
async fn start_eval_checks_its_numbers() {
    let f = fixture(None).await;
    let starter = std::sync::Arc::new(RecordingStarter::default());
    let app = app_with_starter(&f.store, starter.clone());
    let uri = format!("/api/drafts/{}/evals", f.draft_id);
    let (status, _, body) = send(&app, post_json(&uri, &json!({"trials": 99}), None)).await;
    assert_eq!((status, code(&body).as_str()), (400, "invalid_request"));
    let (status, _, body) = send(
        &app,
        post_json(&uri, &json!({"cases": 3, "prompt_locale": "zh-CN"}), None),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    let asked = starter.0.lock().unwrap().clone();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].prompt_locale, Some(skillgate_core::Locale::ZhCn));
}
