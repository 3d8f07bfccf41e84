//! Server-rendered pages: content, locales, CSRF, sign-in.

mod common;

use common::*;

const CSRF: &str = "0123456789abcdef0123456789abcdef";

fn csrf_cookie() -> String {
    format!("sg_csrf={CSRF}")
}

#[tokio::test]
async fn skills_page_lists_the_skill_and_the_open_draft_with_its_eval() {
    let f = fixture(Some(sample::sample_report("partial", 3))).await;
    let (status, _, html) = send(&app(&f.store), get("/skills")).await;
    assert_eq!(status, 200);
    assert!(html.contains(SKILL));
    assert!(html.contains(&f.draft_id));
    assert!(html.contains("partial"), "eval status missing");
    assert!(html.contains("+0.13"), "delta missing");
    assert!(html.contains("Local dev mode"), "dev mode banner missing");
}

#[tokio::test]
async fn report_page_leads_with_the_verdict_and_shows_the_evidence() {
    let f = fixture(Some(sample::sample_report("passed", 6))).await;
    let uri = format!("/evals/{}", f.eval_id.unwrap());
    let (status, _, html) = send(&app(&f.store), get(&uri)).await;
    assert_eq!(status, 200, "{html}");
    let verdict = html
        .find("Passed: the draft did no worse")
        .expect("verdict sentence");
    let scores = html.find("Baseline average").expect("averages");
    assert!(verdict < scores, "the verdict must come first");
    for needle in [
        "0.61",
        "0.74",
        "+0.13",
        "(95% interval +0.04 to +0.22)",
        "2 improved, 2 regressed, 2 unchanged, of 6 cases",
        "<meter",
        "72%",
        "Ran for real inside the sandbox",
        "medium:not-all-high-criteria",
        "Surrogate evaluation is not the same as real execution.",
        "0% / 100%",
        "36 finished, 0 errored, 0 not run",
        "Human approval is still required.",
    ] {
        assert!(html.contains(needle), "report page lacks {needle:?}");
    }
}

#[tokio::test]
async fn cases_table_sorts_by_delta() {
    let f = fixture(Some(sample::sample_report("passed", 9))).await;
    let uri = format!("/evals/{}?sort=delta&order=asc", f.eval_id.unwrap());
    let (_, _, html) = send(&app(&f.store), get(&uri)).await;
    let deltas: Vec<f64> = html
        .match_indices("data-delta=\"")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            rest[..rest.find('"').unwrap()].parse::<f64>().unwrap()
        })
        .collect();
    assert_eq!(deltas.len(), 9);
    assert!(deltas.windows(2).all(|w| w[0] <= w[1]), "{deltas:?}");
    assert!(
        html.contains("order=desc"),
        "the header link should offer the other order"
    );
}

#[tokio::test]
async fn case_detail_shows_both_arms_tool_modes_and_grader_explanations() {
    let f = fixture(Some(sample::sample_report("passed", 2))).await;
    let uri = format!("/evals/{}/cases/1", f.eval_id.unwrap());
    let (status, _, html) = send(&app(&f.store), get(&uri)).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("arm-baseline") && html.contains("arm-candidate"));
    assert!(html.contains("mode-blocked") && html.contains("deleting is blocked by replay policy"));
    assert!(
        html.contains("email to [REDACTED:email], subject &#39;Batch summary&#39;"),
        "side effect missing or not redacted"
    );
    assert!(html.contains("judge: matches the accepted answer"));
    assert!(
        html.contains("→ read_file"),
        "assistant tool calls shown in the transcript"
    );
}

#[tokio::test]
async fn missing_case_is_a_not_found_page() {
    let f = fixture(Some(sample::sample_report("passed", 2))).await;
    let uri = format!("/evals/{}/cases/7", f.eval_id.unwrap());
    let (status, _, html) = send(&app(&f.store), get(&uri)).await;
    assert_eq!(status, 404);
    assert!(html.contains("case_not_found"));
}

#[tokio::test]
async fn accept_language_picks_traditional_chinese() {
    let f = fixture(None).await;
    let req = get_with("/skills", &[("accept-language", "zh-TW,zh;q=0.9,en;q=0.5")]);
    let (_, _, html) = send(&app(&f.store), req).await;
    assert!(html.contains("<html lang=\"zh-TW\">"));
    assert!(html.contains("已發布的技能"));
}

#[tokio::test]
async fn language_cookie_overrides_accept_language() {
    let f = fixture(None).await;
    let req = get_with(
        "/skills",
        &[("accept-language", "zh-TW"), ("cookie", "sg_lang=zh-CN")],
    );
    let (_, _, html) = send(&app(&f.store), req).await;
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(html.contains("已发布的技能"));
}

#[tokio::test]
async fn language_switch_sets_the_cookie_and_returns_to_the_same_page() {
    let f = fixture(None).await;
    let (status, headers, _) = send(
        &app(&f.store),
        get("/lang/zh-TW?next=/evals/x%3Fsort%3Ddelta"),
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(headers["location"], "/evals/x?sort=delta");
    assert!(
        headers["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("sg_lang=zh-TW")
    );
    let (_, headers, _) = send(&app(&f.store), get("/lang/zh-TW?next=//evil.example")).await;
    assert_eq!(headers["location"], "/skills");
}

#[tokio::test]
async fn switcher_links_carry_the_current_page() {
    let f = fixture(Some(sample::sample_report("passed", 1))).await;
    let eval = f.eval_id.clone().unwrap();
    let (_, _, html) = send(&app(&f.store), get(&format!("/evals/{eval}?sort=delta"))).await;
    assert!(html.contains(&format!("/lang/zh-TW?next=/evals/{eval}%3Fsort%3Ddelta")));
}

#[tokio::test]
async fn long_names_are_truncated_with_the_full_text_in_a_tooltip() {
    let f = fixture(Some(sample::sample_report("passed", 1))).await;
    let uri = format!("/evals/{}", f.eval_id.unwrap());
    let (_, _, html) = send(&app(&f.store), get(&uri)).await;
    assert!(html.contains("class=\"trunc wide\""));
    assert!(html.contains("title=\"Summarise the invoices of batch 0 for accounts payable"));
}

#[tokio::test]
async fn review_form_without_csrf_token_is_refused() {
    let f = fixture(Some(passing_report())).await;
    let uri = format!("/drafts/{}/review", f.draft_id);
    let req = post_form(
        &uri,
        "csrf=forged&decision=approve&rationale=x",
        &csrf_cookie(),
    );
    let (status, _, html) = send(&app(&f.store), req).await;
    assert_eq!(status, 403);
    assert!(html.contains("csrf_failed"));
    assert!(f.store.reviews(&f.draft_id).await.unwrap().is_empty());
}

#[tokio::test]
async fn review_form_records_the_review_and_redirects() {
    let f = fixture(Some(passing_report())).await;
    let uri = format!("/drafts/{}/review", f.draft_id);
    let form = format!("csrf={CSRF}&decision=approve&rationale=better+totals");
    let (status, headers, _) = send(&app(&f.store), post_form(&uri, &form, &csrf_cookie())).await;
    assert_eq!(status, 303);
    assert!(
        headers["location"]
            .to_str()
            .unwrap()
            .ends_with("?done=reviewed")
    );
    let reviews = f.store.reviews(&f.draft_id).await.unwrap();
    assert_eq!(reviews.len(), 1);
    assert_eq!(reviews[0].reviewer, "local-dev");
    assert_eq!(reviews[0].rationale.as_deref(), Some("better totals"));
}

#[tokio::test]
async fn publish_button_shows_every_gate_error_when_refused() {
    let f = fixture(None).await;
    let uri = format!("/drafts/{}/publish", f.draft_id);
    let form = format!("csrf={CSRF}");
    let (status, _, html) = send(&app(&f.store), post_form(&uri, &form, &csrf_cookie())).await;
    assert_eq!(status, 409);
    assert!(html.contains("Publishing refused"), "{html}");
    let reading = f
        .store
        .gate_reading(&f.draft_id, &Default::default())
        .await
        .unwrap();
    assert!(!reading.verdict.failures.is_empty());
    for failure in &reading.verdict.failures {
        assert!(
            html.contains(&format!("data-rule=\"{}\"", failure.rule)),
            "missing {}",
            failure.rule
        );
        assert!(
            html.contains(&failure.fix.replace('\'', "&#39;")) || html.contains(&failure.fix),
            "missing fix of {}",
            failure.rule
        );
    }
}

#[tokio::test]
async fn sign_in_is_required_once_a_token_exists() {
    let f = fixture(None).await;
    let t = token(&f.store, "reviewer", "rita").await;
    let app = app(&f.store);
    let (status, headers, _) = send(&app, get("/skills")).await;
    assert_eq!(status, 303);
    assert!(
        headers["location"]
            .to_str()
            .unwrap()
            .starts_with("/login?next=/skills")
    );
    let form = format!("csrf={CSRF}&token={t}&next=/skills");
    let (status, headers, _) = send(&app, post_form("/login", &form, &csrf_cookie())).await;
    assert_eq!(status, 303);
    let cookie = headers["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("sg_token=") && cookie.contains("HttpOnly"));
    let session = format!("sg_token={t}");
    let (status, _, html) = send(&app, get_with("/skills", &[("cookie", &session)])).await;
    assert_eq!(status, 200);
    assert!(html.contains("rita") && !html.contains("Local dev mode"));
    // A reviewer sees no admin link and cannot open the admin page.
    assert!(!html.contains("href=\"/admin\""));
    let (status, _, _) = send(&app, get_with("/admin", &[("cookie", &session)])).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn wrong_token_at_sign_in_is_refused() {
    let f = fixture(None).await;
    token(&f.store, "viewer", "vera").await;
    let form = format!("csrf={CSRF}&token=sgt_wrong&next=/skills");
    let (status, headers, html) =
        send(&app(&f.store), post_form("/login", &form, &csrf_cookie())).await;
    assert_eq!(status, 401);
    assert!(
        headers
            .get("set-cookie")
            .is_none_or(|c| !c.to_str().unwrap().starts_with("sg_token"))
    );
    assert!(html.contains("not recognised"));
}

#[tokio::test]
async fn admin_page_turns_replay_off_and_opens_incidents() {
    let f = fixture(None).await;
    let app = app(&f.store);
    let form = format!("csrf={CSRF}&action=disable&reason=drill&publish_too=1");
    let (status, _, html) = send(&app, post_form("/admin/killswitch", &form, &csrf_cookie())).await;
    assert_eq!(status, 200, "{html}");
    let ks = f.store.kill_switch().await.unwrap();
    assert!(ks.replay_disabled && ks.publish_disabled);
    let form = format!("csrf={CSRF}&severity=P1&title=false+pass&detail=batch+7");
    let (status, _, html) = send(&app, post_form("/admin/incidents", &form, &csrf_cookie())).await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(f.store.list_incidents(true).await.unwrap().len(), 1);
    assert!(html.contains("false pass"));
}

#[tokio::test]
async fn preservation_page_shows_sections_and_the_skill_md_diff() {
    let f = fixture(None).await;
    let uri = format!("/drafts/{}/preservation", f.draft_id);
    let (status, _, html) = send(&app(&f.store), get(&uri)).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Steps") && html.contains("0.86"));
    assert!(
        html.contains("<span class=\"add\">+ - Email the summary.</span>"),
        "{html}"
    );
}

#[tokio::test]
async fn raw_json_page_pretty_prints_the_report() {
    let f = fixture(Some(sample::sample_report("passed", 1))).await;
    let uri = format!("/evals/{}/raw", f.eval_id.unwrap());
    let (status, _, html) = send(&app(&f.store), get(&uri)).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("&#34;confidence_rule&#34;: &#34;medium:not-all-high-criteria&#34;")
            || html.contains("&quot;confidence_rule&quot;"),
        "{}",
        &html[..2000.min(html.len())]
    );
}

#[tokio::test]
async fn gate_errors_are_shown_in_the_page_language() {
    let f = fixture(None).await;
    let uri = format!("/drafts/{}/publish", f.draft_id);
    let form = format!("csrf={CSRF}");
    let cookie = format!("{}; sg_lang=zh-TW", csrf_cookie());
    let (status, _, html) = send(&app(&f.store), post_form(&uri, &form, &cookie)).await;
    assert_eq!(status, 409);
    assert!(
        html.contains("請審查者閱讀評估報告並核准草稿。"),
        "review-missing fix not translated"
    );
    assert!(html.contains("data-rule=\"review-missing\""));
}

#[tokio::test]
async fn secrets_in_reports_are_redacted_before_display() {
    let mut report = sample::sample_report("passed", 1);
    let secret = "sk-proj-abcdefghijklmnopqrstuvwxyz012345";
    report["case_reports"][0]["task"] =
        serde_json::json!(format!("Rotate key {secret} for bob@example.com"));
    report["case_reports"][0]["candidate"]["trials"][0]["tool_calls"][0]["arguments"] =
        serde_json::json!({"api_key": secret});
    let f = fixture(Some(report)).await;
    let eval = f.eval_id.clone().unwrap();
    let app = app(&f.store);
    for uri in [
        format!("/evals/{eval}"),
        format!("/evals/{eval}/cases/0"),
        format!("/evals/{eval}/raw"),
        format!("/api/evals/{eval}/report"),
        format!("/api/evals/{eval}/cases/0"),
    ] {
        let (status, _, body) = send(&app, get(&uri)).await;
        assert_eq!(status, 200, "{uri}");
        assert!(!body.contains(secret), "{uri} shows the secret");
        assert!(
            !body.contains("bob@example.com"),
            "{uri} shows the email address"
        );
        assert!(body.contains("REDACTED"), "{uri} has no redaction marker");
    }
}

#[tokio::test]
async fn start_eval_form_hands_the_request_to_the_eval_starter() {
    let f = fixture(None).await;
    let starter = std::sync::Arc::new(RecordingStarter::default());
    let app = app_with_starter(&f.store, starter.clone());
    let (_, _, html) = send(&app, get(&format!("/drafts/{}", f.draft_id))).await;
    assert!(html.contains("id=\"start-eval-form\""));
    let uri = format!("/drafts/{}/evals", f.draft_id);
    let form = format!("csrf={CSRF}&cases=5&trials=2&prompt_locale=zh-TW");
    let (status, headers, _) = send(&app, post_form(&uri, &form, &csrf_cookie())).await;
    assert_eq!(status, 303);
    assert!(
        headers["location"]
            .to_str()
            .unwrap()
            .ends_with("?done=eval-started")
    );
    let asked = starter.0.lock().unwrap().clone();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].draft_id, f.draft_id);
    assert_eq!((asked[0].cases, asked[0].trials), (Some(5), Some(2)));
    assert_eq!(asked[0].prompt_locale, Some(skillgate_core::Locale::ZhTw));
    assert_eq!(asked[0].requested_by, "local-dev");
    let audit = f.store.list_audit(10).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.action == "eval.request" && a.subject == f.draft_id)
    );
}

#[tokio::test]
async fn start_eval_form_is_absent_without_an_eval_starter() {
    let f = fixture(None).await;
    let (_, _, html) = send(&app(&f.store), get(&format!("/drafts/{}", f.draft_id))).await;
    assert!(!html.contains("id=\"start-eval-form\""));
}
