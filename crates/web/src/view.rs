//! View models read from stored report documents (EvalReport, CaseReport,
//! PreservationReport, SafetyReport JSON).
//!
//! Reading is lenient on purpose: a missing or differently shaped field shows
//! as "—" on the page instead of failing it, so a report written by an older
//! or newer eval engine still renders. Each reader accepts the field names of
//! SPEC §5 and a few common spellings.

use serde::Deserialize;
use serde_json::Value;
use skillgate_core::reason::Reason;

/// First present value among `keys` (top level of `v`).
fn field<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().filter_map(|k| v.get(*k)).find(|x| !x.is_null())
}

fn text(v: &Value, keys: &[&str]) -> Option<String> {
    field(v, keys).and_then(|x| match x {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

fn num(v: &Value, keys: &[&str]) -> Option<f64> {
    field(v, keys).and_then(|x| {
        x.as_f64()
            .or_else(|| x.as_str().and_then(|s| s.parse().ok()))
    })
}

fn count(v: &Value, keys: &[&str]) -> Option<i64> {
    field(v, keys).and_then(|x| match x {
        Value::Array(a) => Some(a.len() as i64),
        _ => x.as_i64().or_else(|| x.as_f64().map(|f| f as i64)),
    })
}

fn list<'a>(v: &'a Value, keys: &[&str]) -> &'a [Value] {
    field(v, keys)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn strings(v: &Value, keys: &[&str]) -> Vec<String> {
    list(v, keys)
        .iter()
        .filter_map(|x| match x {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => {
                text(other, &["message", "reason", "text"]).or_else(|| Some(other.to_string()))
            }
        })
        .collect()
}

/// `0.123` → `"0.12"`; `None` → `"—"`.
pub fn fmt_score(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_string(), |x| format!("{x:.2}"))
}

/// `0.123` → `"+0.12"`; `None` → `"—"`.
pub fn fmt_delta(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_string(), |x| format!("{x:+.2}"))
}

/// `0.123` → `"12%"`; `None` → `"—"`.
pub fn fmt_share(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_string(), |x| format!("{:.0}%", x * 100.0))
}

/// Pretty JSON of a value, or its compact form if that fails.
pub fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}

/// A reason record, `None` when absent or not a record (the page then shows
/// the stored English sentence).
fn reason(v: Option<&Value>) -> Option<Reason> {
    v.and_then(|v| Reason::deserialize(v).ok())
}

/// A list of reason records, `None` when absent or any entry is not a record.
fn reason_list(v: Option<&Value>) -> Option<Vec<Reason>> {
    v.and_then(|v| Vec::<Reason>::deserialize(v).ok())
}

/// The summary of an EvalReport.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportView {
    /// `passed`, `failed`, `partial`, `replay_error`, `skipped_provider_unavailable` (or the eval's row status).
    pub status: String,
    /// `replay` or `heuristic`.
    pub mode: String,
    /// Mean baseline score.
    pub baseline_average: Option<f64>,
    /// Mean candidate score.
    pub candidate_average: Option<f64>,
    /// Candidate − baseline.
    pub score_delta: Option<f64>,
    /// 95% paired-bootstrap interval of the delta.
    pub delta_interval: Option<(f64, f64)>,
    /// Cases the candidate improved.
    pub improved: Option<i64>,
    /// Cases the candidate regressed.
    pub regressed: Option<i64>,
    /// Cases unchanged.
    pub unchanged: Option<i64>,
    /// Share of tool calls executed.
    pub execution_coverage: Option<f64>,
    /// Share of tool calls surrogated.
    pub surrogate_coverage: Option<f64>,
    /// Share of tool calls blocked.
    pub blocked_coverage: Option<f64>,
    /// `high`, `medium` or `low`.
    pub confidence: Option<String>,
    /// Id of the rule that set the confidence (e.g. `low:few-cases`).
    pub confidence_rule: Option<String>,
    /// Every confidence rule that fired, in words.
    pub confidence_reasons: Vec<String>,
    /// The same reasons as locale-free records (`confidence_details`; empty in
    /// older reports, or when a record does not parse).
    pub confidence_details: Vec<Reason>,
    /// Provider kind.
    pub provider: Option<String>,
    /// Model.
    pub model: Option<String>,
    /// prompt_locale.
    pub locale: Option<String>,
    /// Number of replay cases.
    pub replay_cases: Option<i64>,
    /// Token usage, as `input / output`.
    pub usage: Option<String>,
    /// Wall time, in words.
    pub timings: Option<String>,
    /// Whether the report carries a preservation report.
    pub has_preservation: bool,
    /// The eval engine's one-sentence summary (English, from the report).
    pub summary: Option<String>,
    /// Why the status, in the engine's words.
    pub status_reason: Option<String>,
    /// The heuristic checks' summary (heuristic mode).
    pub heuristic_summary: Option<String>,
    /// `summary` as a reason record (`summary_detail`), when the report has one.
    pub summary_detail: Option<Reason>,
    /// `status_reason` as a reason record (`status_reason_detail`), when the report has one.
    pub status_reason_detail: Option<Reason>,
    /// `heuristic_summary` as a reason record, when the report has one.
    pub heuristic_summary_detail: Option<Reason>,
    /// Share of trials that loaded the skill: (baseline, candidate).
    pub trigger_rates: Option<(Option<f64>, Option<f64>)>,
    /// Trials: (finished, errored, not run).
    pub trial_counts: Option<(i64, i64, i64)>,
    /// Graders that could not tell the arms apart.
    pub non_discriminating: i64,
    /// Cases whose trials disagree widely.
    pub flaky_cases: i64,
    /// Graders that could not run.
    pub excluded_graders: i64,
    /// The cases.
    pub cases: Vec<CaseRow>,
}

/// One row of the cases table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseRow {
    /// Position in the report (the case detail URL uses it).
    pub index: usize,
    /// Case or run id.
    pub id: String,
    /// The task.
    pub task: String,
    /// `improved`, `regressed`, `unchanged` (or another word from the report).
    pub verdict: String,
    /// Mean baseline score.
    pub baseline: Option<f64>,
    /// Mean candidate score.
    pub candidate: Option<f64>,
    /// Candidate − baseline.
    pub delta: Option<f64>,
    /// Why the case was selected.
    pub why: String,
}

impl ReportView {
    /// Reads an EvalReport document; `row_status` is used when the document has no status.
    pub fn from_json(report: &Value, row_status: &str) -> ReportView {
        let interval = field(
            report,
            &["delta_interval", "score_delta_interval", "interval"],
        )
        .and_then(|i| match i {
            Value::Array(a) if a.len() == 2 => Some((a[0].as_f64()?, a[1].as_f64()?)),
            Value::Object(_) => Some((
                num(i, &["low", "lower", "lo"])?,
                num(i, &["high", "upper", "hi"])?,
            )),
            _ => None,
        });
        let coverage = report.get("coverage").unwrap_or(&Value::Null);
        let cov =
            |flat: &str, nested: &str| num(report, &[flat]).or_else(|| num(coverage, &[nested]));
        let (confidence, confidence_rule, mut reasons) = match report.get("confidence") {
            Some(Value::String(s)) => (Some(s.clone()), None, Vec::new()),
            Some(c @ Value::Object(_)) => (
                text(c, &["level"]),
                text(c, &["rule"]),
                strings(c, &["reasons"]),
            ),
            _ => (None, None, Vec::new()),
        };
        let extra = report.get("confidence_reasons");
        if let Some(Value::Array(_)) = extra {
            reasons.extend(strings(report, &["confidence_reasons"]));
        } else if let Some(c @ Value::Object(_)) = extra {
            reasons.extend(strings(c, &["reasons"]));
        }
        let confidence_details = report
            .get("confidence")
            .and_then(|c| reason_list(c.get("details")))
            .or_else(|| reason_list(report.get("confidence_details")))
            .unwrap_or_default();
        let confidence_rule = confidence_rule
            .or_else(|| text(report, &["confidence_rule"]))
            .or_else(|| extra.and_then(|e| text(e, &["rule"])));
        let cases: Vec<CaseRow> = case_list(report)
            .iter()
            .enumerate()
            .map(|(index, c)| CaseRow::from_json(index, c))
            .collect();
        let usage = report.get("usage").and_then(|u| {
            let i = num(u, &["input_tokens", "prompt_tokens", "input"]);
            let o = num(u, &["output_tokens", "completion_tokens", "output"]);
            match (i, o) {
                (None, None) => num(u, &["total_tokens", "tokens"]).map(|t| format!("{t:.0}")),
                (i, o) => Some(format!("{:.0} / {:.0}", i.unwrap_or(0.0), o.unwrap_or(0.0))),
            }
        });
        let timings = report.get("timings").and_then(|t| {
            num(t, &["wall_ms", "total_ms", "elapsed_ms"])
                .map(|ms| format!("{:.1} s", ms / 1000.0))
                .or_else(|| {
                    num(t, &["wall_s", "total_s", "elapsed_s"]).map(|s| format!("{s:.1} s"))
                })
        });
        ReportView {
            status: text(report, &["status"]).unwrap_or_else(|| row_status.to_string()),
            mode: text(report, &["mode"]).unwrap_or_default(),
            baseline_average: num(report, &["baseline_average", "baseline_mean"]),
            candidate_average: num(report, &["candidate_average", "candidate_mean"]),
            score_delta: num(report, &["score_delta", "delta"]),
            delta_interval: interval,
            improved: count(report, &["improved"]),
            regressed: count(report, &["regressed"]),
            unchanged: count(report, &["unchanged"]),
            execution_coverage: cov("execution_coverage", "executed"),
            surrogate_coverage: cov("surrogate_coverage", "surrogate"),
            blocked_coverage: cov("blocked_coverage", "blocked"),
            confidence,
            confidence_rule,
            confidence_reasons: reasons,
            provider: text(report, &["provider"]),
            model: text(report, &["model"]),
            locale: text(report, &["locale", "prompt_locale"]),
            replay_cases: count(report, &["replay_cases"]).or(Some(cases.len() as i64)),
            usage,
            timings,
            has_preservation: field(report, &["preservation_report", "preservation"]).is_some(),
            trigger_rates: report
                .get("trigger_rate")
                .filter(|t| t.is_object())
                .map(|t| (num(t, &["baseline"]), num(t, &["candidate"]))),
            trial_counts: report.get("trials").filter(|t| t.is_object()).map(|t| {
                (
                    count(t, &["finished"]).unwrap_or(0),
                    count(t, &["errored"]).unwrap_or(0),
                    count(t, &["not_run"]).unwrap_or(0),
                )
            }),
            summary: text(report, &["summary"]),
            status_reason: text(report, &["status_reason"]),
            heuristic_summary: report.get("heuristic").and_then(|h| text(h, &["summary"])),
            summary_detail: reason(report.get("summary_detail")),
            status_reason_detail: reason(report.get("status_reason_detail")),
            heuristic_summary_detail: report
                .get("heuristic")
                .and_then(|h| reason(h.get("summary_detail"))),
            confidence_details,
            non_discriminating: report
                .get("grader_analysis")
                .and_then(|g| count(g, &["non_discriminating"]))
                .unwrap_or(0),
            flaky_cases: report
                .get("grader_analysis")
                .and_then(|g| count(g, &["flaky_cases"]))
                .unwrap_or(0),
            excluded_graders: report
                .get("grader_analysis")
                .and_then(|g| count(g, &["excluded_graders"]))
                .unwrap_or(0),
            cases,
        }
    }

    /// Total cases with a verdict.
    pub fn total_cases(&self) -> i64 {
        match (self.improved, self.regressed, self.unchanged) {
            (None, None, None) => self.cases.len() as i64,
            (i, r, u) => i.unwrap_or(0) + r.unwrap_or(0) + u.unwrap_or(0),
        }
    }

    /// Sorts the cases: by `delta` (missing last) or by position.
    pub fn sort_cases(&mut self, by_delta: bool, descending: bool) {
        if by_delta {
            self.cases.sort_by(|a, b| {
                let key = |c: &CaseRow| c.delta.filter(|d| d.is_finite());
                match (key(a), key(b)) {
                    (Some(x), Some(y)) => {
                        let o = x.total_cmp(&y);
                        if descending { o.reverse() } else { o }
                    }
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => a.index.cmp(&b.index),
                }
            });
        } else if descending {
            self.cases.sort_by_key(|c| std::cmp::Reverse(c.index));
        } else {
            self.cases.sort_by_key(|c| c.index);
        }
    }
}

/// Reads an EvalReport from its stored text for the report page.
///
/// Faster than parsing the whole document into a [`Value`]: case reports are
/// read into small typed rows (trials skipped except their scores) and the
/// bulky `raw_report` is skipped. Falls back to the full [`Value`] reader when
/// the document has an unexpected shape.
pub fn report_from_text(text: &str, row_status: &str) -> Result<ReportView, serde_json::Error> {
    match serde_json::from_str::<Skim>(text) {
        Ok(skim) => {
            let mut view = ReportView::from_json(&Value::Object(skim.top), row_status);
            view.cases = skim
                .cases
                .into_iter()
                .enumerate()
                .map(|(index, c)| c.into_row(index))
                .collect();
            if !view.cases.is_empty() && view.replay_cases == Some(0) {
                view.replay_cases = Some(view.cases.len() as i64);
            }
            Ok(view)
        }
        Err(_) => Ok(ReportView::from_json(
            &serde_json::from_str::<Value>(text)?,
            row_status,
        )),
    }
}

/// Top-level fields as [`Value`]s, case reports as typed rows.
struct Skim {
    top: serde_json::Map<String, Value>,
    cases: Vec<SkimCase>,
}

impl<'de> serde::Deserialize<'de> for Skim {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Skim, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Skim;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an EvalReport object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Skim, A::Error> {
                let mut top = serde_json::Map::new();
                let mut cases = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "case_reports" | "cases" if cases.is_empty() => {
                            cases = map
                                .next_value::<Option<Vec<SkimCase>>>()?
                                .unwrap_or_default();
                        }
                        "raw_report" => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                        _ => {
                            let value = map.next_value::<Value>()?;
                            top.insert(key, value);
                        }
                    }
                }
                Ok(Skim { top, cases })
            }
        }
        d.deserialize_map(V)
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SkimCase {
    case_id: Option<String>,
    run_id: Option<String>,
    task: Option<String>,
    verdict: Option<String>,
    delta: Option<f64>,
    why_selected: Option<String>,
    baseline: Option<SkimArm>,
    candidate: Option<SkimArm>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SkimArm {
    mean_score: Option<f64>,
    trials: Vec<SkimTrial>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SkimTrial {
    score: Option<f64>,
}

impl SkimArm {
    fn mean(&self) -> Option<f64> {
        self.mean_score.or_else(|| {
            let scores: Vec<f64> = self.trials.iter().filter_map(|t| t.score).collect();
            (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64)
        })
    }
}

impl SkimCase {
    fn into_row(self, index: usize) -> CaseRow {
        let baseline = self.baseline.as_ref().and_then(SkimArm::mean);
        let candidate = self.candidate.as_ref().and_then(SkimArm::mean);
        CaseRow {
            index,
            id: self
                .case_id
                .or(self.run_id)
                .unwrap_or_else(|| format!("#{}", index + 1)),
            task: self.task.unwrap_or_default(),
            verdict: self.verdict.unwrap_or_default(),
            delta: self.delta.or(match (baseline, candidate) {
                (Some(b), Some(c)) => Some(c - b),
                _ => None,
            }),
            baseline,
            candidate,
            why: self.why_selected.unwrap_or_default(),
        }
    }
}

/// The case reports inside an EvalReport document.
pub fn case_list(report: &Value) -> &[Value] {
    list(report, &["case_reports", "cases"])
}

impl CaseRow {
    /// Reads one CaseReport document.
    pub fn from_json(index: usize, c: &Value) -> CaseRow {
        let baseline = arm_value(c, "baseline").and_then(arm_mean);
        let candidate = arm_value(c, "candidate").and_then(arm_mean);
        let delta = num(c, &["delta", "score_delta"]).or(match (baseline, candidate) {
            (Some(b), Some(c)) => Some(c - b),
            _ => None,
        });
        CaseRow {
            index,
            id: text(c, &["case_id", "id", "run_id"]).unwrap_or_else(|| format!("#{}", index + 1)),
            task: text(c, &["task", "title"]).unwrap_or_default(),
            verdict: text(c, &["verdict", "outcome"]).unwrap_or_default(),
            baseline,
            candidate,
            delta,
            why: text(c, &["why_selected", "selection_reason", "reason"]).unwrap_or_default(),
        }
    }
}

/// The JSON of one arm of a case: `arms.baseline`, `baseline`, or an entry of
/// an `arms` array with `arm: "baseline"`.
fn arm_value<'a>(c: &'a Value, arm: &str) -> Option<&'a Value> {
    if let Some(arms) = c.get("arms") {
        if let Some(a) = arms.get(arm) {
            return Some(a);
        }
        if let Some(list) = arms.as_array() {
            return list
                .iter()
                .find(|a| a.get("arm").and_then(Value::as_str) == Some(arm));
        }
    }
    c.get(arm).filter(|a| a.is_object())
}

fn arm_mean(a: &Value) -> Option<f64> {
    num(a, &["mean_score", "mean", "average", "score"]).or_else(|| {
        let scores: Vec<f64> = list(a, &["trials"])
            .iter()
            .filter_map(|t| num(t, &["score"]))
            .collect();
        (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64)
    })
}

/// A case report, both arms side by side.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseDetail {
    /// The table row of this case.
    pub row: CaseRow,
    /// Warnings for the reviewer (script consistency, excluded graders, errors).
    pub flags: Vec<String>,
    /// Baseline then candidate.
    pub arms: Vec<ArmView>,
}

/// One arm of a case.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArmView {
    /// `baseline` or `candidate`.
    pub arm: String,
    /// Mean score over trials.
    pub mean: Option<f64>,
    /// pass@k.
    pub pass_at_k: Option<f64>,
    /// pass^k.
    pub pass_pow_k: Option<f64>,
    /// Share of trials that loaded the skill.
    pub trigger_rate: Option<f64>,
    /// The trials.
    pub trials: Vec<TrialView>,
}

/// One trial.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrialView {
    /// 1-based trial number.
    pub number: usize,
    /// Score in [0, 1].
    pub score: Option<f64>,
    /// Whether it passed.
    pub passed: Option<bool>,
    /// Error, if the trial errored.
    pub error: Option<String>,
    /// Grader results.
    pub grades: Vec<GradeView>,
    /// Transcript messages.
    pub messages: Vec<MessageView>,
    /// Tool calls with their mode and reason.
    pub tool_calls: Vec<ToolCallView>,
    /// The final answer.
    pub final_answer: Option<String>,
}

/// One grader result.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GradeView {
    /// Grader kind or name.
    pub grader: String,
    /// Its score.
    pub score: Option<f64>,
    /// Its explanation.
    pub explanation: String,
}

/// One transcript message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessageView {
    /// `system`, `user`, `assistant`, `tool`.
    pub role: String,
    /// Its text.
    pub content: String,
}

/// One tool call of a trial.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolCallView {
    /// Tool name.
    pub name: String,
    /// `executed`, `surrogate`, `blocked` (or empty when unknown).
    pub mode: String,
    /// Rule id that decided the mode.
    pub rule: String,
    /// Classification reason, in words.
    pub reason: String,
    /// Arguments, JSON.
    pub arguments: String,
    /// Result, JSON or text.
    pub result: String,
    /// The side effect a surrogate call would have had.
    pub side_effect: Option<String>,
}

fn json_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => pretty(other),
    }
}

impl CaseDetail {
    /// Reads one CaseReport document.
    pub fn from_json(index: usize, c: &Value) -> CaseDetail {
        let arms = ["baseline", "candidate"]
            .into_iter()
            .map(|arm| {
                let a = arm_value(c, arm);
                let trials_json: Vec<&Value> = match a {
                    Some(a) => list(a, &["trials"]).iter().collect(),
                    // Trials listed on the case with an `arm` field.
                    None => list(c, &["trials"])
                        .iter()
                        .filter(|t| t.get("arm").and_then(Value::as_str) == Some(arm))
                        .collect(),
                };
                ArmView {
                    arm: arm.to_string(),
                    mean: a.and_then(arm_mean),
                    pass_at_k: a.and_then(|a| num(a, &["pass_at_k", "pass@k"])),
                    pass_pow_k: a.and_then(|a| num(a, &["pass_pow_k", "pass_hat_k", "pass^k"])),
                    trigger_rate: a.and_then(|a| num(a, &["trigger_rate"])).or_else(|| {
                        let loaded: Vec<bool> = trials_json
                            .iter()
                            .filter_map(|t| t.get("skill_loaded").and_then(Value::as_bool))
                            .collect();
                        (!loaded.is_empty()).then(|| {
                            loaded.iter().filter(|l| **l).count() as f64 / loaded.len() as f64
                        })
                    }),
                    trials: trials_json
                        .into_iter()
                        .enumerate()
                        .map(|(i, t)| TrialView::from_json(i, t))
                        .collect(),
                }
            })
            .collect();
        CaseDetail {
            row: CaseRow::from_json(index, c),
            flags: strings(c, &["flags"]),
            arms,
        }
    }
}

impl TrialView {
    fn from_json(i: usize, t: &Value) -> TrialView {
        let transcript = t.get("transcript").unwrap_or(&Value::Null);
        let message_list: &[Value] = match transcript {
            Value::Array(a) => a,
            Value::Object(_) => list(transcript, &["messages"]),
            _ => list(t, &["messages"]),
        };
        let messages = message_list
            .iter()
            .map(|m| {
                let mut content = json_text(field(m, &["content", "text"]));
                for call in list(m, &["tool_calls"]) {
                    if !content.is_empty() {
                        content.push('\n');
                    }
                    content.push_str(&format!(
                        "→ {}({})",
                        text(call, &["name"]).unwrap_or_default(),
                        call.get("arguments")
                            .map(Value::to_string)
                            .unwrap_or_default()
                    ));
                }
                let role = text(m, &["role"]).unwrap_or_default();
                let role = match text(m, &["name"]) {
                    Some(name) if role == "tool" => format!("tool · {name}"),
                    _ => role,
                };
                MessageView { role, content }
            })
            .collect();
        let calls: &[Value] = {
            let own = list(t, &["tool_calls", "tools"]);
            if own.is_empty() {
                list(transcript, &["tool_calls"])
            } else {
                own
            }
        };
        let tool_calls = calls
            .iter()
            .map(|tc| {
                let decision = field(tc, &["decision", "classification", "policy"]).unwrap_or(tc);
                ToolCallView {
                    name: text(tc, &["name", "tool"]).unwrap_or_default(),
                    mode: text(tc, &["mode"])
                        .or_else(|| text(decision, &["mode"]))
                        .unwrap_or_default(),
                    rule: text(tc, &["rule"])
                        .or_else(|| text(decision, &["rule"]))
                        .unwrap_or_default(),
                    reason: text(tc, &["reason", "classification_reason"])
                        .or_else(|| text(decision, &["reason"]))
                        .unwrap_or_default(),
                    arguments: json_text(field(tc, &["arguments", "args", "input"])),
                    result: json_text(field(tc, &["result", "output"])),
                    side_effect: text(tc, &["side_effect", "would_have"]),
                }
            })
            .collect();
        let grades = list(t, &["grades", "grader_results", "graders"])
            .iter()
            .map(|g| GradeView {
                grader: text(g, &["grader", "kind", "name"]).unwrap_or_default(),
                score: num(g, &["score"]),
                explanation: text(g, &["explanation", "reason", "detail"]).unwrap_or_default(),
            })
            .collect();
        TrialView {
            number: text(t, &["trial_index", "index"])
                .and_then(|s| s.parse::<usize>().ok())
                .map_or(i + 1, |n| n + 1),
            score: num(t, &["score"]),
            passed: field(t, &["passed", "pass"]).and_then(Value::as_bool),
            error: text(t, &["error"]),
            grades,
            messages,
            tool_calls,
            final_answer: text(t, &["final_answer", "answer"])
                .or_else(|| text(transcript, &["final_answer"])),
        }
    }
}

/// One important section of a PreservationReport.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SectionView {
    /// Heading.
    pub title: String,
    /// `kept`, `changed`, `dropped`.
    pub outcome: String,
    /// Similarity in [0, 1].
    pub similarity: Option<f64>,
    /// Heading it matched in the draft, if renamed.
    pub matched_title: Option<String>,
    /// Instructions lost of the section's total, e.g. `2 / 5`.
    pub lost: String,
}

/// A PreservationReport.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PreservationView {
    /// `passed` or `failed`.
    pub status: String,
    /// Sections.
    pub sections: Vec<SectionView>,
    /// Dropped instructions (`section: text`).
    pub dropped: Vec<String>,
    /// Why it failed.
    pub reasons: Vec<String>,
}

impl PreservationView {
    /// Reads a PreservationReport document.
    pub fn from_json(v: &Value) -> PreservationView {
        PreservationView {
            status: text(v, &["status"]).unwrap_or_default(),
            sections: list(v, &["sections"])
                .iter()
                .map(|s| SectionView {
                    title: text(s, &["title"]).unwrap_or_default(),
                    outcome: text(s, &["outcome"]).unwrap_or_default(),
                    similarity: num(s, &["similarity"]),
                    matched_title: text(s, &["matched_title"]),
                    lost: format!(
                        "{} / {}",
                        count(s, &["lost_instructions"]).unwrap_or(0),
                        count(s, &["instructions"]).unwrap_or(0)
                    ),
                })
                .collect(),
            dropped: list(v, &["dropped_instructions"])
                .iter()
                .map(|d| match (text(d, &["section"]), text(d, &["text"])) {
                    (Some(s), Some(t)) => format!("{s}: {t}"),
                    (None, Some(t)) => t,
                    _ => json_text(Some(d)),
                })
                .collect(),
            reasons: strings(v, &["reasons"]),
        }
    }
}

/// One SafetyReport finding.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FindingView {
    /// `file:line`.
    pub location: String,
    /// Rule id.
    pub rule: String,
    /// `error` or `warning`.
    pub severity: String,
    /// What was found.
    pub message: String,
}

/// A SafetyReport: status and findings.
pub fn safety_findings(v: &Value) -> (String, Vec<FindingView>) {
    let findings = list(v, &["findings"])
        .iter()
        .map(|f| FindingView {
            location: format!(
                "{}:{}",
                text(f, &["file"]).unwrap_or_default(),
                text(f, &["line"]).unwrap_or_default()
            ),
            rule: text(f, &["rule"]).unwrap_or_default(),
            severity: text(f, &["severity"]).unwrap_or_default(),
            message: text(f, &["message"]).unwrap_or_default(),
        })
        .collect();
    (text(v, &["status"]).unwrap_or_default(), findings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn report_reads_flat_fields_and_confidence_object() {
        let r = json!({
            "status": "passed", "mode": "replay",
            "baseline_average": 0.5, "candidate_average": 0.75, "score_delta": 0.25,
            "delta_interval": [0.1, 0.4], "improved": 3, "regressed": 1, "unchanged": 2,
            "execution_coverage": 0.8, "surrogate_coverage": 0.2, "blocked_coverage": 0.0,
            "confidence": {"level": "medium", "rule": "medium:default", "reasons": ["only 6 cases"]},
            "case_reports": [{"case_id": "c1", "task": "t", "delta": 0.5, "verdict": "improved"}]
        });
        let v = ReportView::from_json(&r, "queued");
        assert_eq!(v.status, "passed");
        assert_eq!(v.delta_interval, Some((0.1, 0.4)));
        assert_eq!(v.confidence.as_deref(), Some("medium"));
        assert_eq!(v.confidence_rule.as_deref(), Some("medium:default"));
        assert_eq!(v.confidence_reasons, vec!["only 6 cases".to_string()]);
        assert_eq!(v.total_cases(), 6);
        assert_eq!(v.cases[0].id, "c1");
    }

    #[test]
    fn text_reader_matches_the_value_reader() {
        let r = json!({
            "status": "failed", "mode": "replay", "score_delta": -0.2, "raw_report": {"big": [1, 2, 3]},
            "confidence": "low", "confidence_rule": "low:few-cases", "confidence_reasons": ["3 cases"],
            "case_reports": [
                {"case_id": "c1", "run_id": "r1", "task": "t1", "why_selected": "match", "delta": -0.5,
                 "verdict": "regressed", "baseline": {"mean_score": 1.0, "trials": [{"score": 1.0, "graders": []}]},
                 "candidate": {"mean_score": null, "trials": [{"score": 0.5}, {"score": 0.5}]}, "flags": []}
            ]
        });
        let fast = report_from_text(&r.to_string(), "").unwrap();
        let slow = ReportView::from_json(&r, "");
        assert_eq!(fast, slow);
        assert_eq!(fast.cases[0].candidate, Some(0.5));
    }

    #[test]
    fn text_reader_falls_back_on_unexpected_shapes() {
        let r = json!({"status": "passed", "cases": [{"task": {"nested": true}}]});
        let v = report_from_text(&r.to_string(), "").unwrap();
        assert_eq!(v.status, "passed");
        assert_eq!(v.cases.len(), 1);
    }

    #[test]
    fn missing_fields_read_as_none_not_errors() {
        let v = ReportView::from_json(&json!({}), "running");
        assert_eq!(v.status, "running");
        assert_eq!(v.baseline_average, None);
        assert!(v.cases.is_empty());
        assert_eq!(fmt_score(v.baseline_average), "—");
    }

    #[test]
    fn case_delta_is_computed_from_arms_when_absent() {
        let c = json!({"arms": {"baseline": {"trials": [{"score": 0.0}, {"score": 1.0}]},
                                "candidate": {"mean_score": 1.0}}});
        let row = CaseRow::from_json(0, &c);
        assert_eq!(row.baseline, Some(0.5));
        assert_eq!(row.delta, Some(0.5));
    }

    #[test]
    fn sorting_by_delta_puts_missing_last() {
        let mut v = ReportView {
            cases: vec![
                CaseRow {
                    index: 0,
                    delta: None,
                    ..Default::default()
                },
                CaseRow {
                    index: 1,
                    delta: Some(0.3),
                    ..Default::default()
                },
                CaseRow {
                    index: 2,
                    delta: Some(-0.2),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        v.sort_cases(true, false);
        let order: Vec<usize> = v.cases.iter().map(|c| c.index).collect();
        assert_eq!(order, vec![2, 1, 0]);
        v.sort_cases(true, true);
        let order: Vec<usize> = v.cases.iter().map(|c| c.index).collect();
        assert_eq!(order, vec![1, 2, 0]);
    }

    #[test]
    fn tool_call_mode_and_reason_are_read_from_a_nested_decision() {
        let c = json!({"arms": {"candidate": {"trials": [{"score": 1.0, "tool_calls": [
            {"name": "send_email", "decision": {"mode": "surrogate", "rule": "verb:send", "reason": "sends mail"},
             "side_effect": "would email bob"}]}]}}});
        let d = CaseDetail::from_json(0, &c);
        let call = &d.arms[1].trials[0].tool_calls[0];
        assert_eq!(call.mode, "surrogate");
        assert_eq!(call.reason, "sends mail");
        assert_eq!(call.side_effect.as_deref(), Some("would email bob"));
        assert!(d.arms[0].trials.is_empty());
    }
}
