//! The engine's reasons on the report page: every reason id the core / eval
//! code can produce has a Fluent message in every locale, and the page shows
//! the report's reason records in the viewer's language, falling back to the
//! stored English sentence.

mod common;

use common::*;
use serde_json::{Value, json};
use skillgate_core::confidence::{ConfidenceInput, ConfidenceThresholds, decide_confidence};
use skillgate_core::reason::{CATALOGUE, Reason, ReasonArg, reason_ids};
use skillgate_core::{EvalMode, Locale};
use skillgate_web::i18n::{EN_FTL, Tr, ZH_CN_FTL, ZH_TW_FTL, message_ids};
use std::collections::BTreeSet;

const LOCALES: [(&str, &str); 3] = [("en", EN_FTL), ("zh-CN", ZH_CN_FTL), ("zh-TW", ZH_TW_FTL)];

/// The text of message `id` in a Fluent file: its first line after `=` and
/// the indented lines that continue it.
fn message_body(ftl: &str, id: &str) -> Option<String> {
    let mut lines = ftl.lines();
    let first = lines.find(|l| l.split_once('=').is_some_and(|(k, _)| k.trim() == id))?;
    let mut body = first.split_once('=')?.1.to_string();
    for l in lines {
        if l.starts_with(' ') || l.starts_with('}') {
            body.push('\n');
            body.push_str(l);
        } else {
            break;
        }
    }
    Some(body)
}

/// `$name` variables a Fluent message uses.
fn variables(body: &str) -> BTreeSet<String> {
    body.split('$')
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect()
        })
        .collect()
}

/// `{name}` placeholders of a catalogue template.
fn placeholders(template: &str) -> BTreeSet<String> {
    template
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

#[test]
fn every_reason_id_has_a_message_in_every_locale() {
    assert!(CATALOGUE.len() > 40, "only {} reason ids", CATALOGUE.len());
    for (name, ftl) in LOCALES {
        let ids: BTreeSet<&str> = message_ids(ftl).into_iter().collect();
        let missing: Vec<String> = reason_ids()
            .map(|id| format!("reason-{id}"))
            .filter(|m| !ids.contains(m.as_str()))
            .collect();
        assert!(missing.is_empty(), "{name} lacks {missing:?}");
        for sep in ["reason-list-separator", "reason-and-separator"] {
            assert!(ids.contains(sep), "{name} lacks {sep}");
        }
    }
}

#[test]
fn no_reason_message_is_left_over_from_a_removed_id() {
    let known: BTreeSet<String> = reason_ids().map(|id| format!("reason-{id}")).collect();
    let stale: Vec<&str> = message_ids(EN_FTL)
        .into_iter()
        .filter(|id| id.starts_with("reason-") && !id.ends_with("-separator"))
        .filter(|id| !known.contains(*id))
        .collect();
    assert!(stale.is_empty(), "messages without a reason id: {stale:?}");
}

#[test]
fn every_reason_message_uses_exactly_the_arguments_of_its_record() {
    for (id, template) in CATALOGUE {
        let want = placeholders(template);
        for (name, ftl) in LOCALES {
            let body = message_body(ftl, &format!("reason-{id}")).unwrap();
            assert_eq!(variables(&body), want, "{name} reason-{id}: {body}");
        }
    }
}

#[test]
fn chinese_reason_messages_are_translated() {
    for (id, _) in CATALOGUE {
        let key = format!("reason-{id}");
        let en = message_body(EN_FTL, &key).unwrap();
        // Words outside the variables (`{ $failures }` alone has none to translate).
        let words = variables(&en)
            .iter()
            .fold(en.clone(), |text, v| text.replace(&format!("${v}"), ""));
        if !words.chars().any(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        for (name, ftl) in [("zh-CN", ZH_CN_FTL), ("zh-TW", ZH_TW_FTL)] {
            let zh = message_body(ftl, &key).unwrap();
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{name} {key} is not translated: {zh}"
            );
        }
    }
}

#[test]
fn english_messages_use_plurals_where_the_engine_writes_case_s() {
    let en = Tr::new(Locale::En);
    let r = Reason::new("confidence-few-cases")
        .count("completed", 1)
        .count("min", 5);
    assert_eq!(
        skillgate_web::localized_reason(&en, &r).unwrap(),
        "only one case completed; fewer than 5 is too few to compare the arms"
    );
    let r = Reason::new("confidence-few-cases")
        .count("completed", 3)
        .count("min", 5);
    assert_eq!(
        skillgate_web::localized_reason(&en, &r).unwrap(),
        "only 3 cases completed; fewer than 5 is too few to compare the arms"
    );
}

#[test]
fn unknown_nested_id_makes_the_whole_reason_fall_back() {
    let tw = Tr::new(Locale::ZhTw);
    let unknown = Reason {
        id: "cause-from-a-newer-engine".into(),
        args: Default::default(),
    };
    let r = Reason::new("status-partial").arg("causes", ReasonArg::List(vec![unknown]));
    assert_eq!(skillgate_web::localized_reason(&tw, &r), None);
}

/// Confidence records made by core's rules for 3 completed cases (low).
fn few_cases_decision() -> skillgate_core::confidence::ConfidenceDecision {
    decide_confidence(
        &ConfidenceInput {
            cases_completed: 3,
            execution_coverage: 0.9,
            blocked_coverage: 0.0,
            blocked_calls: 0,
            trials_total: 18,
            trials_errored: 0,
            interval_width: Some(0.1),
            mode: EvalMode::Replay,
        },
        &ConfidenceThresholds::default(),
    )
}

/// A sample report whose confidence, status reason and summary carry reason
/// records the way the eval engine writes them.
fn report_with_records() -> Value {
    let d = few_cases_decision();
    let status = Reason::new("status-partial").arg(
        "causes",
        ReasonArg::List(vec![
            Reason::new("cause-budget-spent").arg("budget", ReasonArg::Count(5000)),
            Reason::new("cause-trials-not-run")
                .count("not_run", 4)
                .count("planned", 22),
        ]),
    );
    let summary = Reason::new("summary-better")
        .decimal("candidate", 0.74)
        .decimal("baseline", 0.61)
        .count("cases", 3)
        .count("improved", 1)
        .count("regressed", 1)
        .count("unchanged", 1)
        .nested(
            "confidence",
            skillgate_core::confidence::level_reason(d.level),
        );
    let mut r = sample::sample_report("partial", 3);
    r["confidence"] = json!("low");
    r["confidence_rule"] = json!(d.rule);
    r["confidence_reasons"] = json!(d.reasons);
    r["confidence_details"] = serde_json::to_value(&d.details).unwrap();
    r["status_reason"] = json!(status.english());
    r["status_reason_detail"] = serde_json::to_value(&status).unwrap();
    r["summary"] = json!(summary.english());
    r["summary_detail"] = serde_json::to_value(&summary).unwrap();
    r
}

async fn report_page(report: Value, lang: &str) -> String {
    let f = fixture(Some(report)).await;
    let uri = format!("/evals/{}", f.eval_id.unwrap());
    let cookie = format!("sg_lang={lang}");
    let (status, _, html) = send(&app(&f.store), get_with(&uri, &[("cookie", &cookie)])).await;
    assert_eq!(status, 200, "{html}");
    html
}

#[tokio::test]
async fn zh_tw_report_page_shows_the_reasons_in_traditional_chinese() {
    let english = few_cases_decision().reasons[0].clone();
    assert!(english.starts_with("only 3 case(s) completed"));
    let html = report_page(report_with_records(), "zh-TW").await;
    for needle in [
        "只完成了 3 個案例；少於 5 個案例不足以比較兩組",
        "5000 個權杖的預算已用完；22 次試驗中有 4 次未執行；已完成的試驗會保留",
        "候選版本優於基準：在 3 個案例上平均分數為 0.74 比 0.61",
        "信賴度低。",
        "lang=\"zh-TW\">候選版本",
    ] {
        assert!(html.contains(needle), "page lacks {needle:?}");
    }
    for english in [
        english.as_str(),
        "finished trials are kept",
        "The candidate does better than the baseline",
    ] {
        assert!(!html.contains(english), "page still shows {english:?}");
    }
}

#[tokio::test]
async fn zh_cn_report_page_uses_simplified_terms() {
    let html = report_page(report_with_records(), "zh-CN").await;
    assert!(html.contains("只完成了 3 个用例；少于 5 个用例不足以比较两组"));
    assert!(html.contains("5000 个令牌的预算已用完"));
}

#[tokio::test]
async fn report_without_records_shows_the_stored_english_marked_as_english() {
    // The sample report is shaped like one written before reason records existed.
    let html = report_page(sample::sample_report("passed", 3), "zh-TW").await;
    assert!(
        html.contains("<li class=\"confidence-reason\" lang=\"en\">execution coverage 0.72 is below 0.8 needed for high</li>"),
        "stored English reason missing"
    );
    assert!(html.contains("lang=\"en\">The candidate improved 1 in 3 cases"));
}

#[tokio::test]
async fn record_with_an_unknown_id_falls_back_to_its_own_sentence() {
    let mut r = report_with_records();
    r["confidence_details"][0]["id"] = json!("confidence-from-a-newer-engine");
    let html = report_page(r, "zh-TW").await;
    let english = few_cases_decision().reasons[0].clone();
    assert!(html.contains(&english), "fallback sentence missing");
    // The status and summary records are still translated.
    assert!(html.contains("已完成的試驗會保留"));
}
