//! The dashboard page and its JSON twin (metrics, alerts, open incidents, kill
//! switch) in each locale, and closing incidents with their regression case
//! from the incident page and the API.

mod common;

use common::*;
use serde_json::{Value, json};
use skillgate_core::Run;
use skillgate_store::{Severity, Store};

const CSRF: &str = "0123456789abcdef0123456789abcdef";

fn csrf_cookie() -> String {
    format!("sg_csrf={CSRF}")
}

fn lang(tag: &str) -> String {
    format!("sg_lang={tag}")
}

/// A replay report that makes alerts fire: a regressed case (regression rate
/// 100% > 20%) and blocked coverage 1.0.
fn alarming_report() -> Value {
    let mut r = sample::sample_report("failed", 3);
    r["blocked_coverage"] = json!(1.0);
    r
}

/// A replay report no alert objects to: nothing regressed, nothing blocked.
fn healthy_report() -> Value {
    let mut r = passing_report();
    r["regressed"] = json!(0);
    r["improved"] = json!(1);
    r["unchanged"] = json!(2);
    r
}

/// The text of the first element carrying `attr` (e.g. `data-metric="x"`),
/// up to the element's end tag `</tr>` or `</li>`.
fn block<'a>(html: &'a str, attr: &str) -> &'a str {
    let start = html.find(attr).unwrap_or_else(|| panic!("{attr} missing"));
    let rest = &html[start..];
    let end = rest
        .find("</tr>")
        .into_iter()
        .chain(rest.find("</li>"))
        .min()
        .unwrap();
    &rest[..end]
}

/// The whole start tag holding `attr`.
fn start_tag<'a>(html: &'a str, attr: &str) -> &'a str {
    let at = html.find(attr).unwrap_or_else(|| panic!("{attr} missing"));
    let start = html[..at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    &html[start..=end]
}

/// `data-alert` names in page order with their state.
fn alert_states(html: &str) -> Vec<(String, String)> {
    html.match_indices("data-alert=\"")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            let name = rest[..rest.find('"').unwrap()].to_string();
            let s = &rest[rest.find("data-state=\"").unwrap() + 12..];
            (name, s[..s.find('"').unwrap()].to_string())
        })
        .collect()
}

fn run(id: &str) -> Run {
    Run {
        id: id.into(),
        tenant: "acme".into(),
        locale: "en".into(),
        task: "Summarise the invoices and email accounts payable".into(),
        messages: vec![],
        tool_calls: vec![],
        final_answer: "sent".into(),
        accepted: true,
        accepted_at: Some("2026-11-20T00:00:00Z".into()),
        created_at: None,
        criteria: None,
        skill: None,
    }
}

async fn open_p0(store: &Store) -> String {
    store
        .open_incident(
            Severity::P0,
            "Replay sent a real email",
            "send_email ran for real",
            "ada",
        )
        .await
        .unwrap()
        .incident
        .id
}

// ---------------------------------------------------------------- dashboard page

#[tokio::test]
async fn dashboard_marks_firing_alerts_first_in_each_locale() {
    let f = fixture(Some(alarming_report())).await;
    let p0 = open_p0(&f.store).await;
    let app = app(&f.store);
    for (tag, title, fires) in [
        ("en", "Report with blocked coverage 1.0", "3 alerts fire."),
        ("zh-CN", "出现阻止覆盖率为 1.0 的报告", "3 个告警正在触发。"),
        ("zh-TW", "出現阻擋覆蓋率為 1.0 的報告", "3 個警示正在觸發。"),
    ] {
        let (status, _, html) = send(&app, get_with("/dashboard", &[("cookie", &lang(tag))])).await;
        assert_eq!(status, 200, "{tag}: {html}");
        assert!(html.contains(&format!("<html lang=\"{tag}\"")), "{tag}");
        assert!(
            html.contains(title),
            "{tag} lacks the translated alert title"
        );
        assert!(html.contains(fires), "{tag} lacks {fires:?}");
        let states = alert_states(&html);
        assert_eq!(states.len(), skillgate_ops::ALERT_NAMES.len(), "{tag}");
        let firing: Vec<&str> = states
            .iter()
            .filter(|(_, s)| s == "firing")
            .map(|(n, _)| n.as_str())
            .collect();
        let mut expected = vec![
            "BlockedCoverageFull",
            "ReplayRegressionRateHigh",
            "SideEffectIncident",
        ];
        let mut got = firing.clone();
        got.sort_unstable();
        expected.sort_unstable();
        assert_eq!(got, expected, "{tag}");
        assert!(
            states[..3].iter().all(|(_, s)| s == "firing"),
            "{tag}: firing alerts come first: {states:?}"
        );
        assert!(
            html.contains("alert-firing sev-critical\" data-alert=\"BlockedCoverageFull\""),
            "{tag}: a critical firing alert is marked"
        );
        let blocked = block(&html, "data-alert=\"BlockedCoverageFull\"");
        assert!(blocked.contains("class=\"alert-value\">1<"), "{blocked}");
        // The open P0 links to its page; the kill switch it engaged shows off.
        assert!(html.contains(&format!("href=\"/incidents/{p0}\"")), "{tag}");
        let replay = start_tag(&html, "id=\"replay-state\"");
        assert!(replay.contains("fail"), "{tag}: {replay}");
        // Every string is translated: no message id leaks into the page.
        for id in ["alert-", "metric-", "dashboard-", "duration-", "owner-"] {
            assert!(
                !html.contains(&format!(">{id}")) && !html.contains(&format!("· {id}")),
                "{tag}: an untranslated {id}… id shows"
            );
        }
    }
}

#[tokio::test]
async fn dashboard_with_healthy_data_fires_no_alert_and_shows_real_zeros() {
    let f = fixture(Some(healthy_report())).await;
    let (status, _, html) = send(&app(&f.store), get("/dashboard")).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("No alert fires."), "{html}");
    assert!(alert_states(&html).iter().all(|(_, s)| s == "ok"));
    let regression = block(&html, "data-metric=\"replay-regression-rate\"");
    assert!(
        regression.contains("0.0%") && regression.contains("0 of one replay report"),
        "{regression}"
    );
    let latency = block(&html, "data-metric=\"replay-latency\"");
    assert!(latency.contains("5.4 s / 5.4 s"), "{latency}");
    assert!(html.contains("No open incidents."));
}

#[tokio::test]
async fn dashboard_without_data_says_no_data_not_zero_or_nan() {
    let f = fixture(None).await;
    for (tag, no_data) in [("en", "no data"), ("zh-CN", "无数据"), ("zh-TW", "無資料")] {
        let (status, _, html) = send(
            &app(&f.store),
            get_with("/dashboard", &[("cookie", &lang(tag))]),
        )
        .await;
        assert_eq!(status, 200, "{tag}: {html}");
        assert!(!html.contains("NaN"), "{tag}");
        for key in [
            "trusted-publish-rate",
            "review-decision-time",
            "replay-regression-rate",
            "provider-skip-rate",
            "replay-latency",
        ] {
            let row = block(&html, &format!("data-metric=\"{key}\""));
            assert!(
                row.contains(&format!("no-data\">{no_data}<")),
                "{tag} {key}: {row}"
            );
            assert!(!row.contains("0.0%"), "{tag} {key}: {row}");
        }
        let rate_alert = block(&html, "data-alert=\"ReplayRegressionRateHigh\"");
        assert!(
            rate_alert.contains(&format!("no-data\">{no_data}<")),
            "{tag}: {rate_alert}"
        );
    }
}

#[tokio::test]
async fn dashboard_window_selector_marks_the_chosen_window_and_refuses_others() {
    let f = fixture(None).await;
    let app = app(&f.store);
    let (status, _, html) = send(&app, get("/dashboard?since=30d")).await;
    assert_eq!(status, 200);
    assert!(start_tag(&html, "data-window=\"30d\"").contains("aria-current"));
    assert!(!start_tag(&html, "data-window=\"14d\"").contains("aria-current"));
    let (status, _, html) = send(&app, get("/dashboard?since=400d")).await;
    assert_eq!(status, 400);
    assert!(
        html.contains("since must be 7d, 14d or 30d") && html.contains("400d"),
        "{html}"
    );
}

#[tokio::test]
async fn dashboard_needs_a_signed_in_viewer_once_a_token_exists() {
    let f = fixture(None).await;
    let t = token(&f.store, "viewer", "vic").await;
    let app = app(&f.store);
    let (status, headers, _) = send(&app, get("/dashboard")).await;
    assert_eq!(status, 303);
    assert!(
        headers["location"]
            .to_str()
            .unwrap()
            .starts_with("/login?next=/dashboard")
    );
    let session = format!("sg_token={t}");
    let (status, _, html) = send(&app, get_with("/dashboard", &[("cookie", &session)])).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("href=\"/dashboard\""),
        "the nav links the dashboard"
    );
}

// ---------------------------------------------------------------- dashboard API

#[tokio::test]
async fn api_dashboard_returns_metrics_alerts_firing_first_and_open_incidents() {
    let f = fixture(Some(alarming_report())).await;
    let p0 = open_p0(&f.store).await;
    let (status, _, body) = send(&app(&f.store), get("/api/dashboard?since=7d")).await;
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["window"], "7d");
    assert_eq!(v["firing"], 3);
    assert_eq!(v["metrics"]["blocked_coverage_full_reports"], 1);
    assert_eq!(v["metrics"]["replay_regression_rate"], 1.0);
    assert_eq!(v["metrics"]["trusted_publish_rate"], Value::Null);
    let alerts = v["alerts"].as_array().unwrap();
    assert_eq!(alerts.len(), skillgate_ops::ALERT_NAMES.len());
    assert!(alerts[..3].iter().all(|a| a["firing"] == true));
    assert!(alerts[3..].iter().all(|a| a["firing"] == false));
    assert_eq!(v["open_incidents"][0]["id"], p0.as_str());
    assert_eq!(v["kill_switch"]["replay_disabled"], true);
}

#[tokio::test]
async fn api_dashboard_without_data_gives_null_not_zero() {
    let f = fixture(None).await;
    let (status, _, body) = send(&app(&f.store), get("/api/dashboard")).await;
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["window"], "14d");
    for key in [
        "trusted_publish_rate",
        "review_decision_p95_seconds",
        "replay_regression_rate",
        "provider_skip_rate",
        "replay_latency_p50_seconds",
    ] {
        assert_eq!(v["metrics"][key], Value::Null, "{key}");
    }
    assert_eq!(v["firing"], 0);
}

#[tokio::test]
async fn api_dashboard_refuses_an_unoffered_window() {
    let f = fixture(None).await;
    let (status, _, body) = send(&app(&f.store), get("/api/dashboard?since=90d")).await;
    assert_eq!(status, 400);
    assert_eq!(code(&body), "invalid_request");
    assert!(body.contains("'90d'"), "{body}");
}

// ---------------------------------------------------------------- closing incidents

#[tokio::test]
async fn close_form_refuses_a_p0_without_regression_case_and_keeps_it_open() {
    let f = fixture(None).await;
    let id = open_p0(&f.store).await;
    let form = format!("csrf={CSRF}&root_cause=surrogate+rule+missing&regression_case=&skill=");
    let uri = format!("/admin/incidents/{id}/close");
    let (status, _, html) = send(&app(&f.store), post_form(&uri, &form, &csrf_cookie())).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("the regression case is missing"), "{html}");
    assert!(
        html.contains("surrogate rule missing"),
        "the typed root cause is kept"
    );
    assert_eq!(f.store.list_incidents(true).await.unwrap().len(), 1);
    assert!(f.store.pinned_cases(SKILL).await.unwrap().is_empty());
}

#[tokio::test]
async fn close_form_refusal_names_the_missing_field_in_the_page_language() {
    let f = fixture(None).await;
    f.store.insert_runs(&[run("run_email")]).await.unwrap();
    let id = open_p0(&f.store).await;
    let uri = format!("/admin/incidents/{id}/close");
    let cookie = format!("{}; {}", csrf_cookie(), lang("zh-CN"));
    for (form, needle) in [
        (
            format!("csrf={CSRF}&root_cause=&regression_case=run_email&skill={SKILL}"),
            "缺少根本原因",
        ),
        (
            format!("csrf={CSRF}&root_cause=x&regression_case=run_email&skill="),
            "还需要填写要固定到的技能",
        ),
        (
            format!("csrf={CSRF}&root_cause=x&regression_case=&skill={SKILL}"),
            "还需要填写能复现故障的运行记录编号",
        ),
    ] {
        let (status, _, html) = send(&app(&f.store), post_form(&uri, &form, &cookie)).await;
        assert_eq!(status, 422, "{form}: {html}");
        assert!(html.contains(needle), "{form}: {html}");
    }
    assert_eq!(f.store.list_incidents(true).await.unwrap().len(), 1);
    assert!(f.store.pinned_cases(SKILL).await.unwrap().is_empty());
}

#[tokio::test]
async fn close_form_with_regression_case_pins_it_and_closes_the_p0() {
    let f = fixture(None).await;
    f.store.insert_runs(&[run("run_email")]).await.unwrap();
    let id = open_p0(&f.store).await;
    let form = format!(
        "csrf={CSRF}&root_cause=send_email+lacked+a+surrogate+rule&regression_case=run_email&skill={SKILL}"
    );
    let uri = format!("/admin/incidents/{id}/close");
    let (status, _, html) = send(&app(&f.store), post_form(&uri, &form, &csrf_cookie())).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains(&format!(
            "run run_email is pinned as a regression case of {SKILL}"
        )),
        "{html}"
    );
    assert!(f.store.list_incidents(true).await.unwrap().is_empty());
    let pins = f.store.pinned_cases(SKILL).await.unwrap();
    assert_eq!(pins.len(), 1);
    assert_eq!(pins[0].run_id, "run_email");
    assert_eq!(pins[0].reason, format!("regression case of incident {id}"));
    // Closing never turns replay back on, and the page says so.
    assert!(f.store.kill_switch().await.unwrap().replay_disabled);
    assert!(
        html.contains("closing an incident does not turn them back on"),
        "{html}"
    );
}

#[tokio::test]
async fn close_form_with_unknown_run_is_refused_and_stores_nothing() {
    let f = fixture(None).await;
    let id = open_p0(&f.store).await;
    let form = format!("csrf={CSRF}&root_cause=x&regression_case=run_nope&skill={SKILL}");
    let uri = format!("/admin/incidents/{id}/close");
    let (status, _, html) = send(&app(&f.store), post_form(&uri, &form, &csrf_cookie())).await;
    assert_eq!(status, 404, "{html}");
    assert!(html.contains("run run_nope does not exist"), "{html}");
    assert_eq!(f.store.list_incidents(true).await.unwrap().len(), 1);
    assert!(f.store.pinned_cases(SKILL).await.unwrap().is_empty());
}

#[tokio::test]
async fn close_form_without_csrf_token_is_refused() {
    let f = fixture(None).await;
    let id = open_p0(&f.store).await;
    let uri = format!("/admin/incidents/{id}/close");
    let form = "csrf=wrong&root_cause=x&regression_case=&skill=";
    let (status, _, _) = send(&app(&f.store), post_form(&uri, form, &csrf_cookie())).await;
    assert_eq!(status, 403);
    assert_eq!(f.store.list_incidents(true).await.unwrap().len(), 1);
}

#[tokio::test]
async fn api_close_of_a_p0_needs_root_cause_and_regression_case() {
    let f = fixture(None).await;
    f.store.insert_runs(&[run("run_email")]).await.unwrap();
    let id = open_p0(&f.store).await;
    let app = app(&f.store);
    let uri = format!("/api/incidents/{id}/close");
    for (body, expected, names) in [
        (json!({}), "root_cause_required", "root_cause"),
        (
            json!({"root_cause": "x"}),
            "regression_case_required",
            "regression_case",
        ),
        (
            json!({"root_cause": "x", "regression_case": "run_email"}),
            "regression_case_incomplete",
            "(skill)",
        ),
        (
            json!({"root_cause": "x", "skill": SKILL}),
            "regression_case_incomplete",
            "(regression_case)",
        ),
        (
            json!({"root_cause": "x", "regression_case": "run_nope", "skill": SKILL}),
            "run_not_found",
            "run_nope",
        ),
        (
            json!({"root_cause": "x", "regression_case": "run_email", "skill": "no-such-skill"}),
            "skill_not_found",
            "no-such-skill",
        ),
    ] {
        let (status, _, text) = send(&app, post_json(&uri, &body, None)).await;
        assert!(status == 422 || status == 404, "{body}: {status} {text}");
        assert_eq!(code(&text), expected, "{body}: {text}");
        assert!(
            text.contains(names),
            "{body}: the error names {names}: {text}"
        );
    }
    assert_eq!(f.store.list_incidents(true).await.unwrap().len(), 1);
    assert!(f.store.pinned_cases(SKILL).await.unwrap().is_empty());
    assert!(
        f.store
            .pinned_cases("no-such-skill")
            .await
            .unwrap()
            .is_empty()
    );

    let body = json!({"root_cause": "send_email lacked a surrogate rule",
                      "regression_case": "run_email", "skill": SKILL});
    let (status, _, text) = send(&app, post_json(&uri, &body, None)).await;
    assert_eq!(status, 200, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["incident"]["status"], "closed");
    assert_eq!(v["regression_case"]["run_id"], "run_email");
    assert_eq!(v["regression_case"]["skill_name"], SKILL);
    assert_eq!(f.store.pinned_cases(SKILL).await.unwrap().len(), 1);
}

#[tokio::test]
async fn api_close_of_a_p2_needs_no_regression_case_as_in_the_cli() {
    let f = fixture(None).await;
    let id = f
        .store
        .open_incident(Severity::P2, "Provider skips", "", "ada")
        .await
        .unwrap()
        .incident
        .id;
    let uri = format!("/api/incidents/{id}/close");
    let body = json!({"root_cause": "provider quota"});
    let (status, _, text) = send(&app(&f.store), post_json(&uri, &body, None)).await;
    assert_eq!(status, 200, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["regression_case"], Value::Null);
    assert!(f.store.list_incidents(true).await.unwrap().is_empty());
}

#[tokio::test]
async fn incident_page_shows_the_incident_and_the_close_form_to_admins_only() {
    let f = fixture(None).await;
    let id = open_p0(&f.store).await;
    let (status, _, html) = send(&app(&f.store), get(&format!("/incidents/{id}"))).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Replay sent a real email") && html.contains("send_email ran for real"));
    assert!(html.contains("id=\"close-form\""));
    assert!(html.contains("name=\"regression_case\"") && html.contains(" required>"));
    let viewer = token(&f.store, "viewer", "vic").await;
    let session = format!("sg_token={viewer}");
    let (status, _, html) = send(
        &app(&f.store),
        get_with(&format!("/incidents/{id}"), &[("cookie", &session)]),
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("Replay sent a real email"));
    assert!(
        !html.contains("id=\"close-form\""),
        "viewers see no close form"
    );
    let (status, _, _) = send(
        &app(&f.store),
        get_with("/incidents/inc_nope", &[("cookie", &session)]),
    )
    .await;
    assert_eq!(status, 404);
}
