//! Running an eval end to end: choose the mode, select cases, run cases ×
//! arms × k trials concurrently (each stored as it finishes), grade, compute
//! the statistics and confidence, persist the EvalReport and CaseReports.
//! Resuming runs only the trials that are not stored yet.

use crate::grade::{DEFAULT_PASS_THRESHOLD, GradeInput, grade_trial};
use crate::judge::Judge;
use crate::judge::Winner;
use crate::report::{
    CaseData, EvalReport, HeuristicChecks, ReplayCaseEntry, ReplayStats, ScriptFlag, Timings,
    ToolCallEntry, TrialCounts, TrialData, TrialReport, confidence_of, replay_stats,
};
use crate::report::{PairJudgement, PairwiseCase, StatusInput};
use crate::selection::{Candidate, SelectionConfig, SkippedRun, select_cases, skill_keywords};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use skillgate_core::confidence::ConfidenceThresholds;
use skillgate_core::policy::Policy;
use skillgate_core::reason::Reason;
use skillgate_core::script::script_consistency;
use skillgate_core::{Arm, EvalMode, Locale, RecordedToolCall, Run, ToolMode, ToolSpec};
use skillgate_providers::{Availability, Provider, ProviderConfig};
use skillgate_replay::{
    SkillContext, SkillLoading, StopReason, ToolCallKind, TrialLimits, TrialSettings,
    TrialTranscript, run_trial, trial_input_from_run,
};
use skillgate_store::{
    CandidateQuery, NewReplayCase, NewToolCall, NewTrial, Store, StoreError, TrialRow,
};
use skillgate_tools::{ReplayTools, ToolLayerConfig};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tracing::Instrument;

/// Settings key of the replay kill switch (written by governance).
pub const SETTING_REPLAY_DISABLED: &str = "replay_disabled";

/// Why an eval could not run at all. Each message names the object and the fix.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A database error.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The draft does not exist.
    #[error("draft '{0}' not found; `skillgate draft list` shows the drafts")]
    DraftNotFound(String),
    /// The eval does not exist.
    #[error("eval '{0}' not found; `skillgate report show latest` shows the newest eval")]
    EvalNotFound(String),
    /// The eval already finished (and is not `partial`).
    #[error(
        "eval {0} already finished and is not partial; start a new one with `skillgate eval DRAFT_ID`"
    )]
    AlreadyFinished(String),
    /// A stored document could not be read.
    #[error("{what} is unreadable: {reason}")]
    Corrupt {
        /// What.
        what: String,
        /// Why.
        reason: String,
    },
    /// Options out of range.
    #[error("{0}")]
    Invalid(String),
}

/// What the eval was asked to do; stored in `evals.config` so a resume
/// continues with the same settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalSettings {
    /// Cap on cases.
    pub max_cases: usize,
    /// Trials per case and arm (k).
    pub trials: u32,
    /// Prompt locale; `None` = each case's own.
    pub locale: Option<Locale>,
    /// Tenant whose runs are used; `None` = the most common tenant.
    pub tenant: Option<String>,
    /// Base seed.
    pub seed: u64,
    /// Token budget of the whole eval (replay + judge); `None` = unlimited.
    pub token_budget: Option<u64>,
    /// ε of the case verdict.
    pub epsilon: f64,
    /// Skill loading.
    pub loading: SkillLoading,
    /// Per-trial step limit.
    pub max_steps: u32,
    /// Per-trial wall-time limit, seconds.
    pub trial_timeout_secs: u64,
    /// Similarity at which two tasks are near-duplicates.
    pub duplicate_similarity: f64,
    /// Concurrent trials; `None` = the provider's concurrency limit.
    pub concurrency: Option<usize>,
    /// Let the replay provider simulate results of surrogate calls that have no
    /// recorded result (else a schema-valid stub). Off by default: each such
    /// call costs one provider request, not counted in the token budget.
    pub llm_surrogate: bool,
}

impl Default for EvalSettings {
    fn default() -> Self {
        EvalSettings {
            max_cases: crate::selection::DEFAULT_MAX_CASES,
            trials: 3,
            locale: None,
            tenant: None,
            seed: 0x5eed,
            token_budget: None,
            epsilon: skillgate_core::stats::DEFAULT_EPSILON,
            loading: SkillLoading::Progressive,
            max_steps: 20,
            trial_timeout_secs: 300,
            duplicate_similarity: crate::selection::DEFAULT_DUPLICATE_SIMILARITY,
            concurrency: None,
            llm_surrogate: false,
        }
    }
}

/// A progress callback, called whenever a trial starts or is stored.
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// The environment of an eval that is not stored with it.
#[derive(Clone)]
pub struct EvalEnv {
    /// The replay provider: `Ok(None)` when none is configured, `Err` when the
    /// configuration is invalid (both mean heuristic mode, with the reason).
    pub agent: Result<Option<ProviderConfig>, String>,
    /// A separate judge provider, if configured.
    pub judge: Option<ProviderConfig>,
    /// Confidence thresholds.
    pub thresholds: ConfidenceThresholds,
    /// The replay tool policy.
    pub policy: Policy,
    /// Protected paths the replay workspace must stay out of.
    pub protected_paths: Vec<PathBuf>,
    /// The `bwrap` binary (`None`: from PATH).
    pub bwrap_path: Option<PathBuf>,
    /// Progress callback.
    pub progress: Option<ProgressFn>,
    /// A new token budget for a resumed eval (e.g. to finish a `partial` one);
    /// `None` keeps the stored budget.
    pub resume_budget: Option<u64>,
    /// Fingerprint `protected_paths` before and after the trials; a change
    /// opens a P0 incident (which turns the kill switch on) and the eval ends
    /// `replay_error`.
    pub tripwire: bool,
    /// Paths under `protected_paths` that skillgate itself writes (the
    /// database and its WAL files), left out of the fingerprint.
    pub tripwire_exclude: Vec<PathBuf>,
}

impl EvalEnv {
    /// An environment with the given agent provider and defaults elsewhere.
    pub fn new(agent: Result<Option<ProviderConfig>, String>) -> EvalEnv {
        EvalEnv {
            agent,
            judge: None,
            thresholds: ConfidenceThresholds::default(),
            policy: Policy::default(),
            protected_paths: skillgate_tools::default_protected_paths(),
            bwrap_path: None,
            progress: None,
            resume_budget: None,
            tripwire: false,
            tripwire_exclude: Vec::new(),
        }
    }
}

/// Progress of the trials of an eval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Cases in the eval.
    pub cases: usize,
    /// Cases whose trials are all stored.
    pub cases_done: usize,
    /// Trials planned (cases × 2 × k).
    pub planned: usize,
    /// Trials stored (this run and before).
    pub done: usize,
    /// Trials in flight.
    pub running: usize,
    /// Errored trials stored.
    pub errors: usize,
}

/// The result of [`run_eval`] / [`resume_eval`].
#[derive(Debug, Clone)]
pub struct EvalOutcome {
    /// Eval id.
    pub eval_id: String,
    /// Stored eval report id.
    pub report_id: String,
    /// The report.
    pub report: EvalReport,
}

/// A skill as an arm sees it.
#[derive(Debug, Clone)]
struct ArmSkills {
    baseline: Option<SkillContext>,
    candidate: SkillContext,
}

/// Reads name, description and body from SKILL.md bytes.
pub fn skill_context(fallback_name: &str, skill_md: &[u8]) -> SkillContext {
    let text = String::from_utf8_lossy(skill_md);
    let doc = skillgate_skill::SkillDocument::parse(&text);
    let fm = doc.frontmatter();
    SkillContext {
        name: fm
            .and_then(|f| f.str("name"))
            .unwrap_or(fallback_name)
            .to_string(),
        description: fm
            .and_then(|f| f.str("description"))
            .unwrap_or_default()
            .to_string(),
        body: doc.body().to_string(),
    }
}

fn skill_md(files: &[skillgate_store::SkillFile]) -> Option<&[u8]> {
    files
        .iter()
        .find(|f| f.path == "SKILL.md")
        .map(|f| f.bytes.as_slice())
}

async fn arm_skills(
    store: &Store,
    draft: &skillgate_store::DraftRow,
) -> Result<ArmSkills, EvalError> {
    let files = store.draft_files(&draft.id).await?;
    let md = skill_md(&files).ok_or_else(|| EvalError::Corrupt {
        what: format!("draft {}", draft.id),
        reason: "it has no SKILL.md; submit the folder again".into(),
    })?;
    let candidate = skill_context(&draft.skill_name, md);
    let baseline = match &draft.revises_version_id {
        Some(v) => {
            let files = store.skill_version_files(v).await?;
            skill_md(&files).map(|md| skill_context(&draft.skill_name, md))
        }
        None => None,
    };
    Ok(ArmSkills {
        baseline,
        candidate,
    })
}

/// Files of a case's replay workspace: what the run's `read_file` calls read
/// (path argument → recorded content), so the replay sees the same files.
pub fn case_files(run: &Run) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    for call in &run.tool_calls {
        if call.name != "read_file" {
            continue;
        }
        let Some(path) = call.arguments.get("path").and_then(Value::as_str) else {
            continue;
        };
        let content = match &call.result {
            Value::String(s) => Some(s.clone()),
            Value::Object(m) => m.get("content").and_then(Value::as_str).map(str::to_string),
            _ => None,
        };
        let path = path
            .trim_start_matches("/workspace/")
            .trim_start_matches("./");
        if let Some(c) = content
            && !path.is_empty()
            && !path.starts_with('/')
            && !path.split('/').any(|p| p == "..")
            && !out.iter().any(|(p, _)| p == path)
        {
            out.push((path.to_string(), c.into_bytes()));
        }
    }
    out
}

/// The run's own tools beyond the built-ins, offered in the replay (name and
/// toolset as recorded; the policy classifies them).
pub fn recorded_tools(run: &Run) -> Vec<ToolSpec> {
    let builtins: HashSet<String> = skillgate_tools::builtin_specs()
        .into_iter()
        .map(|s| s.name)
        .collect();
    let mut seen = HashSet::new();
    run.tool_calls
        .iter()
        .filter(|c| !builtins.contains(&c.name) && seen.insert(c.name.clone()))
        .map(|c: &RecordedToolCall| ToolSpec {
            name: c.name.clone(),
            toolset: c.toolset.clone(),
            description: Some(format!(
                "{} (as used in the recorded run)",
                c.name.replace('_', " ")
            )),
            input_schema: Some(json!({"type": "object"})),
            annotations: None,
            policy: None,
        })
        .collect()
}

/// Why replay cannot run, if it cannot: `(reason, provider_is_the_cause)`.
async fn replay_blocker(store: &Store, env: &EvalEnv) -> Result<Option<(String, bool)>, EvalError> {
    if store.setting(SETTING_REPLAY_DISABLED).await?.as_deref() == Some("true") {
        return Ok(Some((Reason::new("cause-kill-switch").english(), false)));
    }
    match &env.agent {
        Err(e) => Ok(Some((
            format!("the provider configuration is invalid: {e}"),
            true,
        ))),
        Ok(None) => Ok(Some((Reason::new("cause-no-provider").english(), true))),
        Ok(Some(cfg)) => match Provider::new(cfg.clone()) {
            Err(e) => Ok(Some((format!("the provider cannot be built: {e}"), true))),
            Ok(p) => match p.check_available().await {
                Availability::Available => Ok(None),
                Availability::Unavailable { reason } => Ok(Some((
                    format!("the provider {} does not answer: {reason}", p.describe()),
                    true,
                ))),
            },
        },
    }
}

/// Draft plus the eval row's stored settings.
struct Loaded {
    draft: skillgate_store::DraftRow,
    settings: EvalSettings,
    meta: EvalMeta,
}

/// Bookkeeping stored in `evals.config` next to the settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct EvalMeta {
    #[serde(default)]
    skipped_runs: Vec<SkippedRun>,
    /// The tenant whose runs were selected (resolved when the eval started; logs carry it).
    #[serde(default)]
    tenant: Option<String>,
    #[serde(default)]
    resumed: u32,
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    model: Option<String>,
    /// Why replay did not run, and whether the provider was the cause (set when reported).
    #[serde(default)]
    blocker: Option<(String, bool)>,
    /// The provider became unavailable mid-eval.
    #[serde(default)]
    unavailable: Option<String>,
    /// The token budget ran out.
    #[serde(default)]
    budget_exhausted: bool,
    /// The judge used.
    #[serde(default)]
    judge: Option<String>,
    /// What the tripwire found, if anything.
    #[serde(default)]
    tripwire: Option<String>,
    /// Pairwise judgements by case id.
    #[serde(default)]
    pairwise: std::collections::BTreeMap<String, PairwiseCase>,
    /// Judge tokens (input, output) of pairwise judging.
    #[serde(default)]
    pairwise_tokens: (u64, u64),
    /// Pairwise judgements answered from the cache.
    #[serde(default)]
    pairwise_cache_hits: u64,
}

#[derive(Serialize, Deserialize)]
struct StoredConfig {
    settings: EvalSettings,
    meta: EvalMeta,
}

fn config_json(settings: &EvalSettings, meta: &EvalMeta) -> String {
    serde_json::to_string(&StoredConfig {
        settings: settings.clone(),
        meta: meta.clone(),
    })
    .unwrap_or_else(|_| "{}".into())
}

/// Starts (or, when an unfinished eval of the draft exists, resumes) an eval
/// of `draft_id`.
pub async fn run_eval(
    store: &Store,
    draft_id: &str,
    settings: EvalSettings,
    env: &EvalEnv,
) -> Result<EvalOutcome, EvalError> {
    if settings.trials == 0 || settings.max_cases == 0 {
        return Err(EvalError::Invalid(
            "--trials and --cases must be at least 1".into(),
        ));
    }
    let draft = match store.get_draft(draft_id).await {
        Ok(d) => d,
        Err(StoreError::NotFound { .. }) => return Err(EvalError::DraftNotFound(draft_id.into())),
        Err(e) => return Err(e.into()),
    };
    if let Some(unfinished) = store.unfinished_eval(draft_id).await? {
        tracing::info!(target: "skillgate::eval", event = "eval.resume_requested", eval_id = %unfinished.id,
            draft_id = %draft.id, skill = %draft.skill_name, "resuming the unfinished eval of the draft");
        return resume_eval(store, &unfinished.id, env).await;
    }
    let started = Instant::now();
    let skills = arm_skills(store, &draft).await?;
    let blocker = replay_blocker(store, env).await?;
    let mode = if blocker.is_some() {
        EvalMode::Heuristic
    } else {
        EvalMode::Replay
    };
    let mut meta = EvalMeta::default();
    if let Ok(Some(cfg)) = &env.agent {
        meta.provider = Some(cfg.kind.as_str().into());
        meta.model = Some(cfg.model.clone());
    }

    // Case selection.
    let tenant = match &settings.tenant {
        Some(t) => t.clone(),
        None => store.most_common_tenant().await?.unwrap_or_default(),
    };
    let keywords = skill_keywords(
        &skills.candidate.name,
        &skills.candidate.description,
        &skills.candidate.body,
    );
    let rows = store
        .case_candidates(&CandidateQuery {
            tenant: tenant.clone(),
            skill_name: draft.skill_name.clone(),
            terms: keywords.iter().map(|k| k.term.clone()).collect(),
            limit: (settings.max_cases as i64).saturating_mul(10).max(50),
        })
        .await?;
    let mut candidates = Vec::with_capacity(rows.len());
    for r in rows {
        match serde_json::from_str::<Run>(&r.body) {
            Ok(run) => candidates.push(Candidate {
                run,
                fts_rank: r.fts_rank,
                pinned: r.pinned,
                pin_reason: r.pin_reason,
            }),
            Err(e) => {
                tracing::warn!(target: "skillgate::selection", event = "selection.run_unreadable",
                    tenant = %tenant, skill = %draft.skill_name, draft_id = %draft.id, run_id = %r.id,
                    error = %e, "stored run unreadable; left out of case selection")
            }
        }
    }
    let selection = select_cases(
        &candidates,
        &draft.skill_name,
        &keywords,
        &env.policy,
        &SelectionConfig {
            max_cases: settings.max_cases,
            duplicate_similarity: settings.duplicate_similarity,
            ..SelectionConfig::default()
        },
    );
    meta.skipped_runs = selection.skipped.clone();
    meta.tenant = Some(tenant.clone());
    let eval = store
        .create_eval(&draft.id, mode_str(mode), &config_json(&settings, &meta))
        .await?;
    let cases: Vec<NewReplayCase> = selection
        .cases
        .iter()
        .map(|c| NewReplayCase {
            run_id: c.run_id.clone(),
            reason: c.reason.clone(),
        })
        .collect();
    let stored_cases = store.insert_replay_cases(&eval.id, &cases).await?;
    let span = eval_span(&eval.id, &draft, &tenant, mode_str(mode));
    async {
        log_selection(&stored_cases, &selection.skipped);
        tracing::info!(target: "skillgate::eval", event = "eval.started", eval_id = %eval.id,
            draft_id = %draft.id, skill = %draft.skill_name, tenant = %tenant,
            cases = cases.len(), skipped = selection.skipped.len(), mode = mode_str(mode), "eval started");
        let loaded = Loaded {
            draft,
            settings,
            meta,
        };
        continue_eval(store, &eval.id, loaded, skills, blocker, env, started).await
    }
    .instrument(span)
    .await
}

/// The `eval` span (docs/logging.md): every event of an eval, in whichever crate, runs inside
/// it, so JSON logs list its ids under `spans`.
fn eval_span(
    eval_id: &str,
    draft: &skillgate_store::DraftRow,
    tenant: &str,
    mode: &str,
) -> tracing::Span {
    tracing::info_span!(target: "skillgate::eval", "eval", eval_id = %eval_id,
        draft_id = %draft.id, skill = %draft.skill_name, tenant = %tenant, mode = %mode)
}

/// The candidate events of case selection (inside the `eval` span): one per selected case, one
/// per skipped run, each with its reason.
fn log_selection(cases: &[skillgate_store::ReplayCaseRow], skipped: &[SkippedRun]) {
    for c in cases {
        tracing::info!(target: "skillgate::selection", event = "selection.case_selected",
            eval_id = %c.eval_id, case = %c.id, run_id = %c.run_id, position = c.position,
            reason = %c.reason, "case selected");
    }
    for r in skipped {
        tracing::info!(target: "skillgate::selection", event = "selection.run_skipped",
            run_id = %r.run_id, reason = %r.reason, "run skipped");
    }
}

/// The tenant an eval ran for, as logged (empty when an eval stored before tenants were
/// recorded did not name one).
fn logged_tenant(settings: &EvalSettings, meta: &EvalMeta) -> String {
    meta.tenant
        .clone()
        .or_else(|| settings.tenant.clone())
        .unwrap_or_default()
}

/// Continues an interrupted or `partial` eval: runs only the trials not
/// stored yet, then reports again.
pub async fn resume_eval(
    store: &Store,
    eval_id: &str,
    env: &EvalEnv,
) -> Result<EvalOutcome, EvalError> {
    let started = Instant::now();
    let eval = match store.get_eval(eval_id).await {
        Ok(e) => e,
        Err(StoreError::NotFound { .. }) => return Err(EvalError::EvalNotFound(eval_id.into())),
        Err(e) => return Err(e.into()),
    };
    // A `partial` eval (budget spent, provider lost) may be continued; any
    // other finished eval is final.
    if eval.finished_at.is_some() && eval.status != "partial" {
        return Err(EvalError::AlreadyFinished(eval_id.into()));
    }
    let cfg: StoredConfig = serde_json::from_str(&eval.config).map_err(|e| EvalError::Corrupt {
        what: format!("configuration of eval {eval_id}"),
        reason: e.to_string(),
    })?;
    let draft = store.get_draft(&eval.draft_id).await?;
    let skills = arm_skills(store, &draft).await?;
    let mut meta = cfg.meta;
    meta.resumed += 1;
    let mut settings = cfg.settings;
    if let Some(b) = env.resume_budget {
        settings.token_budget = Some(b);
    }
    let blocker = if eval.mode == "heuristic" {
        // A heuristic eval interrupted before its report: finish it as it started.
        replay_blocker(store, env)
            .await?
            .or(Some(("the eval started in heuristic mode".into(), false)))
    } else {
        replay_blocker(store, env).await?
    };
    let span = eval_span(
        eval_id,
        &draft,
        &logged_tenant(&settings, &meta),
        &eval.mode,
    );
    async {
        tracing::info!(target: "skillgate::eval", event = "eval.resumed", eval_id = %eval_id,
            draft_id = %draft.id, skill = %draft.skill_name, resumed = meta.resumed, "eval resumed");
        let loaded = Loaded {
            draft,
            settings,
            meta,
        };
        continue_eval(store, eval_id, loaded, skills, blocker, env, started).await
    }
    .instrument(span)
    .await
}

/// Makes a new report of a finished eval from its stored trials, e.g. after a
/// human grade override (`skillgate report grade`). Runs no trial.
pub async fn rebuild_report(
    store: &Store,
    eval_id: &str,
    env: &EvalEnv,
) -> Result<EvalOutcome, EvalError> {
    let started = Instant::now();
    let eval = match store.get_eval(eval_id).await {
        Ok(e) => e,
        Err(StoreError::NotFound { .. }) => return Err(EvalError::EvalNotFound(eval_id.into())),
        Err(e) => return Err(e.into()),
    };
    let cfg: StoredConfig = serde_json::from_str(&eval.config).map_err(|e| EvalError::Corrupt {
        what: format!("configuration of eval {eval_id}"),
        reason: e.to_string(),
    })?;
    let draft = store.get_draft(&eval.draft_id).await?;
    let skills = arm_skills(store, &draft).await?;
    let meta = cfg.meta;
    let span = eval_span(
        eval_id,
        &draft,
        &logged_tenant(&cfg.settings, &meta),
        &eval.mode,
    );
    let loaded = Loaded {
        draft,
        settings: cfg.settings,
        meta: meta.clone(),
    };
    finish(
        store,
        eval_id,
        &loaded,
        &skills,
        meta.blocker,
        meta.unavailable,
        meta.budget_exhausted,
        meta.judge,
        started,
        &env.thresholds,
    )
    .instrument(span)
    .await
}

fn mode_str(mode: EvalMode) -> &'static str {
    match mode {
        EvalMode::Replay => "replay",
        EvalMode::Heuristic => "heuristic",
    }
}

/// One planned trial.
#[derive(Debug, Clone)]
struct TrialKey {
    case_id: String,
    case_pos: usize,
    arm: Arm,
    index: u32,
}

/// Shared state of the trial workers.
struct Shared {
    store: Store,
    eval_id: String,
    provider: Provider,
    judge: Judge,
    skills: ArmSkills,
    settings: EvalSettings,
    tool_cfg: ToolLayerConfig,
    runs: Vec<Run>,
    tokens_used: AtomicU64,
    budget_exhausted: AtomicBool,
    unavailable: Mutex<Option<String>>,
    progress: Mutex<Progress>,
    per_case_left: Vec<AtomicUsize>,
    callback: Option<ProgressFn>,
    store_errors: Mutex<Vec<String>>,
}

impl Shared {
    fn report_progress(&self, f: impl FnOnce(&mut Progress)) {
        let snapshot = match self.progress.lock() {
            Ok(mut p) => {
                f(&mut p);
                *p
            }
            Err(_) => return,
        };
        if let Some(cb) = &self.callback {
            cb(&snapshot);
        }
    }

    fn unavailable(&self) -> Option<String> {
        self.unavailable.lock().ok().and_then(|u| u.clone())
    }
}

async fn continue_eval(
    store: &Store,
    eval_id: &str,
    mut loaded: Loaded,
    skills: ArmSkills,
    blocker: Option<(String, bool)>,
    env: &EvalEnv,
    started: Instant,
) -> Result<EvalOutcome, EvalError> {
    let cases = store.replay_cases(eval_id).await?;
    let mut runs = Vec::with_capacity(cases.len());
    for c in &cases {
        runs.push(store.get_run(&c.run_id).await?);
    }
    store
        .set_eval_status(
            eval_id,
            "running",
            if blocker.is_some() {
                "heuristic"
            } else {
                "replay"
            },
            false,
        )
        .await?;
    store
        .set_eval_config(eval_id, &config_json(&loaded.settings, &loaded.meta))
        .await?;

    let mut budget_exhausted = false;
    let mut unavailable: Option<String> = None;
    let mut tripwire: Option<String> = None;
    let mut judge_desc = None;
    let mut store_errors = Vec::new();
    // Resuming a replay eval whose provider is now unavailable: the trials
    // already stored still count, so it ends partial rather than heuristic.
    let mut blocker = blocker;
    if let Some((reason, true)) = &blocker {
        log_provider_unavailable(
            env.agent.as_ref().ok().and_then(Option::as_ref),
            "before_replay",
            reason,
        );
    }
    if let Some((reason, true)) = &blocker
        && store.count_trials(eval_id).await? > 0
    {
        unavailable = Some(reason.clone());
        blocker = None;
    }
    if blocker.is_none()
        && unavailable.is_none()
        && let Ok(Some(agent_cfg)) = &env.agent
    {
        let provider =
            Provider::new(agent_cfg.clone()).map_err(|e| EvalError::Invalid(e.to_string()))?;
        let judge_provider = match &env.judge {
            Some(j) => {
                Provider::new(j.clone()).map_err(|e| EvalError::Invalid(format!("judge: {e}")))?
            }
            None => provider.clone(),
        };
        let judge = Judge::new(judge_provider);
        judge_desc = Some(judge.describe());
        let k = loaded.settings.trials;
        let done: HashSet<(String, String, i64)> = store
            .trials(eval_id)
            .await?
            .into_iter()
            .map(|t| (t.case_id, t.arm, t.trial_index))
            .collect();
        let mut plan = Vec::new();
        let mut per_case_left = Vec::new();
        for (pos, c) in cases.iter().enumerate() {
            let mut left = 0;
            for index in 0..k {
                for arm in [Arm::Baseline, Arm::Candidate] {
                    if !done.contains(&(c.id.clone(), arm.as_str().to_string(), i64::from(index))) {
                        left += 1;
                        plan.push(TrialKey {
                            case_id: c.id.clone(),
                            case_pos: pos,
                            arm,
                            index,
                        });
                    }
                }
            }
            per_case_left.push(AtomicUsize::new(left));
        }
        let planned = cases.len() * 2 * k as usize;
        let concurrency = loaded
            .settings
            .concurrency
            .unwrap_or(agent_cfg.concurrency)
            .max(1);
        let mut tool_cfg = ToolLayerConfig::new(env.policy.clone());
        tool_cfg.protected_paths = env.protected_paths.clone();
        tool_cfg.bwrap_path = env.bwrap_path.clone();
        let cases_done = per_case_left
            .iter()
            .filter(|l| l.load(Ordering::Relaxed) == 0)
            .count();
        let shared = Arc::new(Shared {
            store: store.clone(),
            eval_id: eval_id.to_string(),
            provider,
            judge,
            skills: skills.clone(),
            settings: loaded.settings.clone(),
            tool_cfg,
            runs,
            tokens_used: AtomicU64::new(prior_tokens(store, eval_id).await?),
            budget_exhausted: AtomicBool::new(false),
            unavailable: Mutex::new(None),
            progress: Mutex::new(Progress {
                cases: cases.len(),
                cases_done,
                planned,
                done: done.len(),
                running: 0,
                errors: 0,
            }),
            per_case_left,
            callback: env.progress.clone(),
            store_errors: Mutex::new(Vec::new()),
        });
        shared.report_progress(|_| {});
        let before = if env.tripwire {
            Some(fingerprint(env).await)
        } else {
            None
        };
        run_trials(shared.clone(), plan, concurrency).await;
        if let Some(before) = before {
            let after = fingerprint(env).await;
            let changes = skillgate_tools::diff(&before, &after);
            if !changes.is_empty() {
                let list: Vec<String> = changes
                    .iter()
                    .take(20)
                    .map(|c| format!("{} ({:?})", c.path.display(), c.change))
                    .collect();
                let detail = format!(
                    "eval {eval_id} of draft {}: {} protected path(s) changed during replay: {}",
                    loaded.draft.id,
                    changes.len(),
                    list.join(", ")
                );
                let opened = store
                    .open_incident(
                        skillgate_store::Severity::P0,
                        &format!("replay changed protected paths (eval {eval_id})"),
                        &detail,
                        "skillgate-eval",
                    )
                    .await
                    .map_err(|e| {
                        EvalError::Invalid(format!("could not open the P0 incident: {e}"))
                    })?;
                tracing::error!(target: "skillgate::eval", event = "eval.tripwire", eval_id = %eval_id, incident = %opened.incident.id, "{detail}");
                tripwire = Some(format!(
                    "{detail}; P0 incident {} opened and the kill switch turned on",
                    opened.incident.id
                ));
            }
        }
        budget_exhausted = shared.budget_exhausted.load(Ordering::Relaxed);
        unavailable = shared.unavailable();
        if let Ok(e) = shared.store_errors.lock() {
            store_errors = e.clone();
        }
        if let Some(err) = store_errors.first() {
            // A trial that cannot be stored would be lost: stop here, the eval
            // stays unfinished and can be resumed.
            return Err(EvalError::Invalid(format!(
                "eval {eval_id} stopped: a trial could not be stored ({err}); fix the database and run `skillgate eval --resume {eval_id}`"
            )));
        }
        if tripwire.is_none() && unavailable.is_none() {
            pairwise_phase(&shared, &cases, concurrency, &mut loaded.meta).await?;
            budget_exhausted = shared.budget_exhausted.load(Ordering::Relaxed);
        }
    }
    if tripwire.is_some() {
        loaded.meta.tripwire = tripwire;
    }
    finish(
        store,
        eval_id,
        &loaded,
        &skills,
        blocker,
        unavailable,
        budget_exhausted,
        judge_desc,
        started,
        &env.thresholds,
    )
    .await
}

/// The snake_case name of a confidence level, as the report serializes it.
fn confidence_str(c: skillgate_core::Confidence) -> &'static str {
    match c {
        skillgate_core::Confidence::Low => "low",
        skillgate_core::Confidence::Medium => "medium",
        skillgate_core::Confidence::High => "high",
    }
}

/// The `provider.unavailable` event: which provider (none when not configured), where, and why.
/// A configured provider that fails is a warning; no provider at all is the documented
/// heuristic mode (the demo's default), so it is info and the report says why.
fn log_provider_unavailable(cfg: Option<&ProviderConfig>, phase: &str, reason: &str) {
    match cfg {
        Some(c) => tracing::warn!(target: "skillgate::provider", event = "provider.unavailable",
            provider = c.kind.as_str(), base_url = %without_userinfo(&c.base_url),
            model = c.model.as_str(), configured = true, phase, reason = %reason,
            "provider unavailable"),
        None => tracing::info!(target: "skillgate::provider", event = "provider.unavailable",
            provider = "", base_url = "", model = "", configured = false, phase,
            reason = %reason, "no provider configured"),
    }
}

/// `base_url` without any `user:password@` part, so a URL with credentials is never logged.
fn without_userinfo(base_url: &str) -> String {
    let Some((scheme, rest)) = base_url.split_once("://") else {
        return base_url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://[REDACTED:userinfo]@{}", &rest[at + 1..]),
        None => base_url.to_string(),
    }
}

async fn fingerprint(env: &EvalEnv) -> skillgate_tools::Fingerprint {
    let paths = env.protected_paths.clone();
    let exclude = env.tripwire_exclude.clone();
    tokio::task::spawn_blocking(move || skillgate_tools::fingerprint_excluding(&paths, &exclude))
        .await
        .unwrap_or_default()
}

async fn prior_tokens(store: &Store, eval_id: &str) -> Result<u64, EvalError> {
    let mut total = 0u64;
    for t in store.trials(eval_id).await? {
        total += (t.input_tokens.max(0) + t.output_tokens.max(0)) as u64;
        if let Some(g) = t.grades.as_deref()
            && let Ok(v) = serde_json::from_str::<Value>(g)
            && let Some(j) = v.get("judge_tokens").and_then(Value::as_array)
        {
            total += j.iter().filter_map(Value::as_u64).sum::<u64>();
        }
    }
    Ok(total)
}

async fn run_trials(shared: Arc<Shared>, plan: Vec<TrialKey>, concurrency: usize) {
    let sem = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let mut set = tokio::task::JoinSet::new();
    for key in plan {
        // The permit is taken before the task is spawned, so at most
        // `concurrency` trial futures exist at a time (a spawned task holds
        // its whole future, so 1,200 waiting tasks cost megabytes).
        let Ok(permit) = sem.clone().acquire_owned().await else {
            break;
        };
        while set.try_join_next().is_some() {}
        let shared = shared.clone();
        let run_id = shared
            .runs
            .get(key.case_pos)
            .map(|r| r.id.clone())
            .unwrap_or_default();
        // The `trial` span (docs/logging.md): the agent loop's and the tools' events inherit
        // the eval, case, run, arm and trial index from it.
        let span = tracing::info_span!(target: "skillgate::replay", "trial",
            source = "skill_replay_eval", case = %key.case_id, run_id = %run_id,
            arm = key.arm.as_str(), trial = key.index);
        set.spawn(
            async move {
                let _permit = permit;
                if shared.unavailable().is_some() || shared.budget_exhausted.load(Ordering::Relaxed)
                {
                    return;
                }
                if !shared
                    .store_errors
                    .lock()
                    .map(|e| e.is_empty())
                    .unwrap_or(false)
                {
                    return;
                }
                if let Some(budget) = shared.settings.token_budget
                    && shared.tokens_used.load(Ordering::Relaxed) >= budget
                {
                    shared.budget_exhausted.store(true, Ordering::Relaxed);
                    return;
                }
                shared.report_progress(|p| p.running += 1);
                let outcome = one_trial(&shared, &key).await;
                shared.report_progress(|p| {
                    p.running -= 1;
                    match outcome {
                        TrialEnd::Stored { errored } => {
                            p.done += 1;

                            if errored {
                                p.errors += 1;
                            }
                            if let Some(left) = shared.per_case_left.get(key.case_pos)
                                && left.fetch_sub(1, Ordering::Relaxed) == 1
                            {
                                p.cases_done += 1;
                            }
                        }
                        TrialEnd::NotStored => {}
                    }
                });
            }
            .instrument(span),
        );
    }
    while set.join_next().await.is_some() {}
}

enum TrialEnd {
    Stored { errored: bool },
    NotStored,
}

/// Pairwise baseline-vs-candidate judging (SPEC §3.3) for the cases with a
/// model grader: trial i of each arm compared in both orders, so a judge that
/// prefers a position cancels out (a pair whose winner flips with the order
/// counts as a tie). Cases already judged (resume) are skipped.
async fn pairwise_phase(
    shared: &Arc<Shared>,
    cases: &[skillgate_store::ReplayCaseRow],
    concurrency: usize,
    meta: &mut EvalMeta,
) -> Result<(), EvalError> {
    let answer = |t: &TrialRow| -> Option<String> {
        let lt: LightTranscript = serde_json::from_str(t.transcript.as_deref()?).ok()?;
        Some(lt.final_answer.unwrap_or_default())
    };
    let mut jobs = Vec::new();
    for (pos, c) in cases.iter().enumerate() {
        if meta.pairwise.contains_key(&c.id) {
            continue;
        }
        let Some(run) = shared.runs.get(pos) else {
            continue;
        };
        let has_model = crate::grade::graders_of(run.criteria.as_ref())
            .iter()
            .any(|g| matches!(g.check, skillgate_core::GraderCheck::Model { .. }));
        if !has_model {
            continue;
        }
        // One case's trials at a time, and only for cases with a model grader.
        let rows = shared.store.case_trials(&shared.eval_id, &c.id).await?;
        let finished = |arm: &str| -> Vec<(i64, String)> {
            rows.iter()
                .filter(|t| t.arm == arm && t.status == "finished")
                .filter_map(|t| answer(t).map(|a| (t.trial_index, a)))
                .collect()
        };
        let (base, cand) = (finished("baseline"), finished("candidate"));
        for ((index, b), (_, k)) in base.into_iter().zip(cand) {
            jobs.push((pos, c.id.clone(), index, b, k));
        }
    }
    if jobs.is_empty() {
        return Ok(());
    }
    let sem = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    let mut set = tokio::task::JoinSet::new();
    for (pos, case_id, index, base, cand) in jobs {
        let shared = shared.clone();
        let sem = sem.clone();
        set.spawn(
            async move {
                let _permit = sem.acquire_owned().await.ok()?;
                if let Some(budget) = shared.settings.token_budget
                    && shared.tokens_used.load(Ordering::Relaxed) >= budget
                {
                    shared.budget_exhausted.store(true, Ordering::Relaxed);
                    return None;
                }
                let run = shared.runs.get(pos)?;
                let rubric = run.criteria.as_ref().and_then(|c| c.rubric.as_deref());
                let mut tokens = (0u64, 0u64);
                let mut hits = 0u64;
                let mut errors = Vec::new();
                let mut explanations = Vec::new();
                let mut outcome =
                    |r: Result<crate::judge::PairVerdict, crate::judge::JudgeError>| match r {
                        Ok(v) => {
                            tokens.0 += v.input_tokens;
                            tokens.1 += v.output_tokens;
                            hits += u64::from(v.cached);
                            explanations.push(v.explanation);
                            Some(v.winner)
                        }
                        Err(e) => {
                            tokens.0 += e.input_tokens;
                            tokens.1 += e.output_tokens;
                            errors.push(e.message);
                            None
                        }
                    };
                let ab = outcome(
                    shared
                        .judge
                        .compare(&run.task, rubric, &run.final_answer, &base, &cand)
                        .await,
                );
                let ba = outcome(
                    shared
                        .judge
                        .compare(&run.task, rubric, &run.final_answer, &cand, &base)
                        .await,
                );
                shared
                    .tokens_used
                    .fetch_add(tokens.0 + tokens.1, Ordering::Relaxed);
                // Candidate preference: 1 = candidate better, 0 = baseline better.
                let p1 = ab.map(|w| match w {
                    Winner::A => 0.0,
                    Winner::B => 1.0,
                    Winner::Tie => 0.5,
                });
                let p2 = ba.map(|w| match w {
                    Winner::A => 1.0,
                    Winner::B => 0.0,
                    Winner::Tie => 0.5,
                });
                let prefs: Vec<f64> = [p1, p2].into_iter().flatten().collect();
                let judgement = PairJudgement {
                    index,
                    baseline_first: ab,
                    candidate_first: ba,
                    preference: skillgate_core::stats::mean(&prefs),
                    consistent: match (p1, p2) {
                        (Some(a), Some(b)) => Some((a - b).abs() < 1e-9),
                        _ => None,
                    },
                    explanation: explanations.join(" / "),
                    error: (!errors.is_empty()).then(|| errors.join("; ")),
                };
                Some((case_id, judgement, tokens, hits))
            }
            .in_current_span(),
        );
    }
    while let Some(done) = set.join_next().await {
        let Ok(Some((case_id, judgement, tokens, hits))) = done else {
            continue;
        };
        meta.pairwise_tokens.0 += tokens.0;
        meta.pairwise_tokens.1 += tokens.1;
        meta.pairwise_cache_hits += hits;
        let entry = meta
            .pairwise
            .entry(case_id.clone())
            .or_insert_with(|| PairwiseCase {
                case_id,
                pairs: Vec::new(),
                candidate_preference: None,
            });
        entry.pairs.push(judgement);
        entry.pairs.sort_by_key(|p| p.index);
        let prefs: Vec<f64> = entry.pairs.iter().filter_map(|p| p.preference).collect();
        entry.candidate_preference = skillgate_core::stats::mean(&prefs);
    }
    Ok(())
}

fn script_flag(answer: &str, locale: Locale) -> ScriptFlag {
    let check = script_consistency(answer, locale);
    let mut detail = Vec::new();
    for u in &check.unexpected {
        detail.push(format!(
            "{} {} letters (\"{}\") in a {} answer",
            u.count,
            u.script,
            u.sample,
            locale.tag()
        ));
    }
    if let Some(v) = &check.wrong_variant {
        detail.push(format!(
            "{} {} characters (\"{}\") where {} is expected",
            v.wrong_count, v.found, v.sample, v.expected
        ));
    }
    ScriptFlag {
        consistent: check.consistent,
        detail: detail.join("; "),
    }
}

async fn one_trial(shared: &Shared, key: &TrialKey) -> TrialEnd {
    let Some(run) = shared.runs.get(key.case_pos) else {
        return TrialEnd::NotStored;
    };
    let skill = match key.arm {
        Arm::Baseline => shared.skills.baseline.clone(),
        Arm::Candidate => Some(shared.skills.candidate.clone()),
    };
    let settings = TrialSettings {
        prompt_locale: shared.settings.locale,
        loading: shared.settings.loading,
        base_seed: shared.settings.seed,
        temperature: shared.provider.config().temperature,
    };
    let input = trial_input_from_run(run, key.arm, key.index, skill, &settings);
    let remaining = shared
        .settings
        .token_budget
        .map(|b| b.saturating_sub(shared.tokens_used.load(Ordering::Relaxed)));
    let limits = TrialLimits {
        max_steps: shared.settings.max_steps,
        wall_time: Duration::from_secs(shared.settings.trial_timeout_secs.max(1)),
        token_budget: remaining,
        max_output_tokens: None,
    };
    let mut cfg = shared.tool_cfg.clone();
    cfg.extra_tools = recorded_tools(run);
    let tools = match ReplayTools::new(cfg, &case_files(run), &run.tool_calls).await {
        Ok(t) if shared.settings.llm_surrogate => {
            Some(t.with_surrogate_provider(shared.provider.clone()))
        }
        Ok(t) => Some(t),
        Err(e) => {
            let trial = NewTrial {
                eval_id: shared.eval_id.clone(),
                case_id: key.case_id.clone(),
                arm: key.arm.as_str().into(),
                trial_index: i64::from(key.index),
                seed: input.seed as i64,
                status: "errored".into(),
                score: None,
                passed: None,
                transcript: None,
                grades: None,
                input_tokens: 0,
                output_tokens: 0,
                error: Some(format!("the replay workspace could not be set up: {e}")),
                skill_loaded: false,
                cache_hits: 0,
            };
            return store_trial(shared, key, &trial, &[], 0).await;
        }
    };
    let Some(tools) = tools else {
        return TrialEnd::NotStored;
    };
    let transcript: TrialTranscript = run_trial(&shared.provider, &tools, &input, &limits).await;
    let tokens = transcript.totals.input_tokens + transcript.totals.output_tokens;
    shared.tokens_used.fetch_add(tokens, Ordering::Relaxed);
    match &transcript.stop {
        StopReason::ProviderError {
            unavailable: true,
            message,
        } => {
            let first = match shared.unavailable.lock() {
                Ok(mut u) if u.is_none() => {
                    *u = Some(message.clone());
                    true
                }
                _ => false,
            };
            if first {
                log_provider_unavailable(Some(shared.provider.config()), "during_replay", message);
            }
            return TrialEnd::NotStored;
        }
        StopReason::TokenBudget => {
            shared.budget_exhausted.store(true, Ordering::Relaxed);
            return TrialEnd::NotStored;
        }
        _ => {}
    }
    let errored = transcript.stop.is_error();
    let answer = transcript.final_answer.clone().unwrap_or_default();
    let grade = if errored {
        None
    } else {
        Some(
            grade_trial(
                run.criteria.as_ref(),
                &GradeInput {
                    task: &run.task,
                    final_answer: &answer,
                    reference: &run.final_answer,
                    tools: Some(&tools),
                    judge: Some(&shared.judge),
                },
            )
            .await,
        )
    };
    drop(tools);
    if let Some(g) = &grade {
        shared
            .tokens_used
            .fetch_add(g.judge_tokens.0 + g.judge_tokens.1, Ordering::Relaxed);
    }
    let (status, error) = match (&transcript.stop, &grade) {
        (StopReason::ProviderError { message, .. }, _) => ("errored", Some(message.clone())),
        (StopReason::HarnessError { message }, _) => ("errored", Some(message.clone())),
        (_, Some(g)) if g.score.is_none() => (
            "errored",
            Some("no grader could score this trial (every grader was excluded)".to_string()),
        ),
        _ => ("finished", None),
    };
    let calls: Vec<NewToolCall> = transcript
        .tool_calls
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let mode = c.mode?;
            if c.kind != ToolCallKind::Dispatched {
                return None;
            }
            Some(NewToolCall {
                seq: i as i64,
                name: c.name.clone(),
                mode: mode.as_str().into(),
                rule: c.rule.clone().unwrap_or_default(),
                reason: c.reason.clone(),
                arguments: c.arguments.to_string(),
                result: c.result.to_string(),
                side_effect: c.side_effect.clone(),
            })
        })
        .collect();
    let script = (!errored).then(|| script_flag(&answer, transcript.locale));
    let grades_json = grade.as_ref().map(|g| {
        json!({
            "graders": g.graders,
            "threshold": g.threshold,
            "judge_tokens": [g.judge_tokens.0, g.judge_tokens.1],
            "script_check": script,
        })
        .to_string()
    });
    let trial = NewTrial {
        eval_id: shared.eval_id.clone(),
        case_id: key.case_id.clone(),
        arm: key.arm.as_str().into(),
        trial_index: i64::from(key.index),
        seed: transcript.seed as i64,
        status: status.into(),
        score: if status == "finished" {
            grade.as_ref().and_then(|g| g.score)
        } else {
            None
        },
        passed: if status == "finished" {
            grade.as_ref().and_then(|g| g.passed)
        } else {
            None
        },
        transcript: serde_json::to_string(&transcript).ok(),
        grades: grades_json,
        input_tokens: transcript.totals.input_tokens as i64,
        output_tokens: transcript.totals.output_tokens as i64,
        error,
        skill_loaded: transcript.skill_loaded,
        cache_hits: grade.as_ref().map_or(0, |g| g.cache_hits as i64),
    };
    store_trial(shared, key, &trial, &calls, transcript.totals.wall_ms).await
}

async fn store_trial(
    shared: &Shared,
    key: &TrialKey,
    trial: &NewTrial,
    calls: &[NewToolCall],
    duration_ms: u64,
) -> TrialEnd {
    match shared.store.record_trial(trial, calls).await {
        Ok(id) => {
            let run_id = shared.runs.get(key.case_pos).map_or("", |r| r.id.as_str());
            tracing::info!(target: "skillgate::replay", event = "replay.trial_stored",
                source = "skill_replay_eval", eval_id = %trial.eval_id, case = %trial.case_id,
                run_id = %run_id, arm = %trial.arm, trial = trial.trial_index,
                trial_id = id.as_deref(), status = %trial.status, score = trial.score, duration_ms,
                input_tokens = trial.input_tokens, output_tokens = trial.output_tokens,
                tool_calls = calls.len(), error = trial.error.as_deref(), "trial stored");
            TrialEnd::Stored {
                errored: trial.status == "errored",
            }
        }
        Err(e) => {
            if let Ok(mut errs) = shared.store_errors.lock() {
                errs.push(e.to_string());
            }
            TrialEnd::NotStored
        }
    }
}

/// Decodes a stored trial for the report builder.
/// The parts of a stored transcript the report needs (the messages are skipped
/// without being decoded).
#[derive(Deserialize)]
struct LightTranscript {
    #[serde(default)]
    final_answer: Option<String>,
    stop: LightStop,
    totals: LightTotals,
    #[serde(default)]
    tool_calls: Vec<LightCall>,
}

#[derive(Deserialize)]
struct LightStop {
    kind: String,
}

#[derive(Deserialize)]
struct LightTotals {
    #[serde(default)]
    wall_ms: u64,
}

#[derive(Deserialize)]
struct LightCall {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    mode: Option<String>,
    #[serde(default)]
    rule: Option<String>,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    arguments: Value,
    #[serde(default)]
    side_effect: Option<String>,
}

fn trial_data(mut row: TrialRow) -> (TrialData, Option<String>) {
    let raw_transcript = row.transcript.take();
    let arm = if row.arm == "baseline" {
        Arm::Baseline
    } else {
        Arm::Candidate
    };
    let transcript: Option<LightTranscript> = raw_transcript
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok());
    let grades: Option<Value> = row
        .grades
        .as_deref()
        .and_then(|g| serde_json::from_str(g).ok());
    let graders = grades
        .as_ref()
        .and_then(|g| g.get("graders"))
        .and_then(|g| serde_json::from_value(g.clone()).ok())
        .unwrap_or_default();
    let threshold = grades
        .as_ref()
        .and_then(|g| g.get("threshold"))
        .and_then(Value::as_f64)
        .unwrap_or(DEFAULT_PASS_THRESHOLD);
    let judge_tokens = grades
        .as_ref()
        .and_then(|g| g.get("judge_tokens"))
        .and_then(Value::as_array)
        .map(|a| {
            (
                a.first().and_then(Value::as_u64).unwrap_or(0),
                a.get(1).and_then(Value::as_u64).unwrap_or(0),
            )
        })
        .unwrap_or((0, 0));
    let script_check: Option<ScriptFlag> = grades
        .as_ref()
        .and_then(|g| g.get("script_check"))
        .and_then(|s| serde_json::from_value(s.clone()).ok());
    let (mut tool_calls, mut side_effects, mut modes) = (Vec::new(), Vec::new(), Vec::new());
    let (mut final_answer, mut stop, mut wall_ms) = (None, "not run".to_string(), None);
    if let Some(t) = transcript {
        final_answer = t.final_answer;
        stop = t.stop.kind;
        wall_ms = Some(t.totals.wall_ms);
        for c in t.tool_calls {
            if c.kind == "dispatched"
                && let Some(m) = c
                    .mode
                    .as_deref()
                    .and_then(|m| serde_json::from_value::<ToolMode>(json!(m)).ok())
            {
                modes.push(m);
            }
            if let Some(s) = &c.side_effect {
                side_effects.push(s.clone());
            }
            tool_calls.push(ToolCallEntry {
                name: c.name,
                mode: c.mode.unwrap_or(c.kind),
                rule: c.rule,
                reason: c.reason,
                arguments: c.arguments,
                side_effect: c.side_effect,
            });
        }
    }
    let (score, passed, graded_score) = match row.override_score {
        Some(h) if row.status == "finished" || row.score.is_some() || row.status == "errored" => (
            Some(h),
            Some(h >= threshold - skillgate_core::stats::FLOAT_SLACK),
            row.score,
        ),
        _ => (row.score, row.passed, None),
    };
    // A human grade turns an errored trial into a scored one.
    let status = if row.override_score.is_some() {
        "finished".to_string()
    } else {
        row.status.clone()
    };
    let report = TrialReport {
        trial_id: row.id.clone(),
        index: row.trial_index,
        seed: row.seed,
        status,
        score,
        passed,
        graded_score,
        human_note: row.override_note.clone(),
        graders,
        final_answer,
        stop,
        error: row.error.clone(),
        tool_calls,
        side_effects,
        script_check,
        skill_loaded: row.skill_loaded,
        tokens: (row.input_tokens, row.output_tokens),
        transcript: None,
    };
    (
        TrialData {
            report,
            case_id: row.case_id,
            arm,
            judge_tokens,
            cache_hits: row.cache_hits.max(0) as u64,
            wall_ms,
            modes,
        },
        raw_transcript,
    )
}

fn status_of_static(draft: &skillgate_store::DraftRow) -> (usize, Option<String>, Option<String>) {
    let field = |json: Option<&str>| -> Option<String> {
        let v: Value = serde_json::from_str(json?).ok()?;
        v.get("status")?.as_str().map(str::to_string)
    };
    let lint_errors = draft
        .lint_report
        .as_deref()
        .and_then(|l| serde_json::from_str::<Value>(l).ok())
        .and_then(|v| v.get("findings").and_then(Value::as_array).cloned())
        .map(|f| {
            f.iter()
                .filter(|x| x.get("severity").and_then(Value::as_str) == Some("error"))
                .count()
        })
        .unwrap_or(0);
    (
        lint_errors,
        field(draft.safety_report.as_deref()),
        field(draft.preservation_report.as_deref()),
    )
}

fn heuristic_checks(
    draft: &skillgate_store::DraftRow,
    skills: &ArmSkills,
    cases: &[ReplayCaseEntry],
) -> HeuristicChecks {
    let (lint_errors, safety, preservation) = status_of_static(draft);
    let keywords = skill_keywords("", &skills.candidate.description, "");
    let keywords: Vec<String> = keywords.into_iter().take(24).map(|k| k.term).collect();
    let mut per_case = Vec::new();
    let mut matching = 0;
    for c in cases {
        let task = c.task.to_lowercase();
        let hits: Vec<String> = keywords
            .iter()
            .filter(|k| task.contains(k.as_str()))
            .cloned()
            .collect();
        if !hits.is_empty() {
            matching += 1;
        }
        per_case.push((c.run_id.clone(), hits));
    }
    let share = (!cases.is_empty()).then(|| matching as f64 / cases.len() as f64);
    let summary_detail = crate::report::heuristic_summary_reason(
        lint_errors,
        safety.as_deref(),
        preservation.as_deref(),
        matching,
        cases.len(),
        share,
    );
    let summary = summary_detail.english();
    HeuristicChecks {
        lint_errors,
        safety,
        preservation,
        description_matching_cases: matching,
        cases: cases.len(),
        description_match: share,
        per_case,
        summary,
        summary_detail: Some(summary_detail),
    }
}

#[allow(clippy::too_many_arguments)]
async fn finish(
    store: &Store,
    eval_id: &str,
    loaded: &Loaded,
    skills: &ArmSkills,
    blocker: Option<(String, bool)>,
    unavailable: Option<String>,
    budget_exhausted: bool,
    judge: Option<String>,
    started: Instant,
    thresholds: &ConfidenceThresholds,
) -> Result<EvalOutcome, EvalError> {
    let eval = store.get_eval(eval_id).await?;
    let case_rows = store.replay_cases(eval_id).await?;
    let mut cases = Vec::with_capacity(case_rows.len());
    for c in &case_rows {
        let run = store.get_run(&c.run_id).await?;
        cases.push(CaseData {
            entry: ReplayCaseEntry {
                case_id: c.id.clone(),
                run_id: c.run_id.clone(),
                task: run.task.clone(),
                locale: run.locale.clone(),
                why_selected: c.reason.clone(),
            },
            pass_threshold: run
                .criteria
                .as_ref()
                .and_then(|c| c.pass_threshold)
                .unwrap_or(DEFAULT_PASS_THRESHOLD),
        });
    }
    let entries: Vec<ReplayCaseEntry> = cases.iter().map(|c| c.entry.clone()).collect();
    let heuristic = heuristic_checks(&loaded.draft, skills, &entries);
    let settings = &loaded.settings;
    let k = settings.trials as usize;
    // One case's trials at a time: each raw transcript is decoded (the parts
    // the report needs) and dropped; the case reports re-read them below.
    let mut trials = Vec::new();
    for c in &case_rows {
        for row in store.case_trials(eval_id, &c.id).await? {
            trials.push(trial_data(row).0);
        }
    }
    let raw_report = json!(trials.iter().map(|t| json!({
        "trial_id": t.report.trial_id, "case_id": t.case_id, "arm": t.arm.as_str(),
        "index": t.report.index, "seed": t.report.seed, "status": t.report.status,
        "score": t.report.score, "graded_score": t.report.graded_score, "stop": t.report.stop,
        "input_tokens": t.report.tokens.0, "output_tokens": t.report.tokens.1,
        "judge_tokens": [t.judge_tokens.0, t.judge_tokens.1], "cache_hits": t.cache_hits,
    })).collect::<Vec<_>>());
    let any_trial = !trials.is_empty();
    let stats: ReplayStats = replay_stats(
        &cases,
        trials,
        k,
        settings.epsilon,
        settings.seed,
        true,
        skills.baseline.is_some(),
    );
    let planned = cases.len() * 2 * k;
    let not_run = planned.saturating_sub(stats.finished + stats.errored);

    // Mode and status.
    let (mode, status, status_detail) = crate::report::decide_status(&StatusInput {
        blocker: blocker.as_ref().map(|(r, p)| (r.as_str(), *p)),
        tripwire: loaded.meta.tripwire.as_deref(),
        unavailable: unavailable.as_deref(),
        budget_exhausted,
        token_budget: settings.token_budget.unwrap_or(0),
        finished: stats.finished,
        errored: stats.errored,
        planned,
        not_run,
        cases: cases.len(),
        cases_completed: stats.cases_completed,
        static_failures: crate::report::static_failures(&heuristic),
        score_delta: stats.score_delta,
        epsilon: settings.epsilon,
        improved: stats.improved,
        regressed: stats.regressed,
    });
    let status_reason = status_detail.english();
    let use_stats = mode == EvalMode::Replay || any_trial;
    let decision = confidence_of(use_stats.then_some(&stats), mode, thresholds);
    let cov = stats.counts.coverage();
    let summary_detail =
        crate::report::summary_reason(mode, status, &stats, settings.epsilon, decision.level);
    let summary = summary_detail.english();
    let mut usage = stats.usage;
    usage.token_budget = settings.token_budget;
    usage.budget_exhausted = budget_exhausted;
    usage.judge_tokens.0 += loaded.meta.pairwise_tokens.0;
    usage.judge_tokens.1 += loaded.meta.pairwise_tokens.1;
    usage.total_tokens += loaded.meta.pairwise_tokens.0 + loaded.meta.pairwise_tokens.1;
    usage.cache_hits += loaded.meta.pairwise_cache_hits;
    usage.cache_scope = "judge requests (graders and pairwise) at temperature 0, in memory for one run of the eval (not persisted; replay requests carry per-trial seeds and are never identical)".into();
    let pairwise: Vec<PairwiseCase> = cases
        .iter()
        .filter_map(|c| loaded.meta.pairwise.get(&c.entry.case_id).cloned())
        .collect();
    let all_prefs: Vec<f64> = pairwise
        .iter()
        .flat_map(|c| c.pairs.iter().filter_map(|p| p.preference))
        .collect();
    let pairs = pairwise.iter().map(|c| c.pairs.len()).sum::<usize>();
    let flipped = pairwise
        .iter()
        .flat_map(|c| &c.pairs)
        .filter(|p| p.consistent == Some(false))
        .count();
    let mut grader_analysis = stats.analysis;
    grader_analysis.pairwise_judging = if pairs == 0 {
        "not run: no case with a model grader has finished trials in both arms".into()
    } else {
        format!(
            "{pairs} pairs of {} cases judged in both orders; {flipped} changed winner with the order (position bias, counted as ties); mean candidate preference {:.2} (0.5 = none)",
            pairwise.len(),
            skillgate_core::stats::mean(&all_prefs).unwrap_or(0.5)
        )
    };
    let parse = |s: Option<&str>| s.and_then(|s| serde_json::from_str::<Value>(s).ok());
    let now = skillgate_store::now_rfc3339();
    let mut report = EvalReport {
        eval_id: eval_id.to_string(),
        draft_id: loaded.draft.id.clone(),
        skill: loaded.draft.skill_name.clone(),
        status,
        status_reason,
        status_reason_detail: Some(status_detail),
        mode,
        summary,
        summary_detail: Some(summary_detail),
        baseline_average: stats.baseline_average,
        candidate_average: stats.candidate_average,
        score_delta: stats.score_delta,
        delta_interval: stats.delta_interval,
        improved: stats.improved,
        regressed: stats.regressed,
        unchanged: stats.unchanged,
        execution_coverage: cov.execution,
        surrogate_coverage: cov.surrogate,
        blocked_coverage: cov.blocked,
        tool_call_counts: stats.counts,
        confidence: decision.level,
        confidence_rule: decision.rule,
        confidence_reasons: decision.reasons,
        confidence_details: decision.details,
        replay_cases: entries,
        skipped_runs: loaded.meta.skipped_runs.clone(),
        case_reports: stats.case_reports,
        preservation_report: parse(loaded.draft.preservation_report.as_deref()),
        safety_report: parse(loaded.draft.safety_report.as_deref()),
        lint_report: parse(loaded.draft.lint_report.as_deref()),
        heuristic,
        raw_report,
        provider: loaded.meta.provider.clone(),
        model: loaded.meta.model.clone(),
        judge,
        locale: settings.locale,
        timings: Timings {
            started_at: eval.created_at.clone(),
            finished_at: now,
            wall_ms: started.elapsed().as_millis() as u64,
            trial_p50_ms: stats.trial_ms.0,
            trial_p95_ms: stats.trial_ms.1,
            resumed: loaded.meta.resumed,
        },
        usage,
        trigger_rate: stats.trigger,
        grader_analysis,
        trials: TrialCounts {
            planned,
            finished: stats.finished,
            errored: stats.errored,
            not_run,
        },
        epsilon: settings.epsilon,
        seed: settings.seed,
        k,
        pairwise_preference: skillgate_core::stats::mean(&all_prefs),
        pairwise,
    };
    if mode == EvalMode::Heuristic && !any_trial {
        report.case_reports.clear();
    }
    // Case reports with transcripts, one case at a time (the transcripts are
    // decoded for the case, serialized, and dropped again).
    #[derive(Serialize)]
    struct CaseBody<'a> {
        eval_id: &'a str,
        #[serde(flatten)]
        report: &'a crate::report::CaseReport,
    }
    let mut meta = loaded.meta.clone();
    meta.blocker = blocker;
    meta.unavailable = unavailable;
    meta.budget_exhausted = budget_exhausted;
    meta.judge = report.judge.clone();
    store
        .set_eval_config(eval_id, &config_json(settings, &meta))
        .await?;
    // Written to the store as they are built (one transaction, committed
    // with the eval report below).
    let mut writer = store.begin_reports(eval_id).await?;
    for c in report.case_reports.iter_mut() {
        let mut transcripts: HashMap<String, String> = writer
            .case_transcripts(&c.case_id)
            .await?
            .into_iter()
            .filter_map(|(id, t)| Some((id, t?)))
            .collect();
        for arm in [&mut c.baseline, &mut c.candidate] {
            for t in arm.trials.iter_mut() {
                t.transcript = transcripts
                    .remove(&t.trial_id)
                    .and_then(|raw| serde_json::from_str(&raw).ok());
            }
        }
        let body = serde_json::to_string(&CaseBody { eval_id, report: c }).map_err(|e| {
            EvalError::Corrupt {
                what: "case report".into(),
                reason: e.to_string(),
            }
        })?;
        for arm in [&mut c.baseline, &mut c.candidate] {
            for t in arm.trials.iter_mut() {
                t.transcript = None;
            }
        }
        writer.add_case(&body).await?;
    }
    let body = serde_json::to_string(&report).map_err(|e| EvalError::Corrupt {
        what: "eval report".into(),
        reason: e.to_string(),
    })?;
    let report_id = writer
        .finish(status.as_str(), mode_str(mode), &body)
        .await?;
    tracing::info!(target: "skillgate::eval", event = "eval.report_stored",
        eval_id = %eval_id, report_id = %report_id, draft_id = %report.draft_id,
        skill = %report.skill, tenant = %logged_tenant(settings, &loaded.meta),
        status = status.as_str(), mode = mode_str(mode), confidence = confidence_str(report.confidence),
        confidence_rule = %report.confidence_rule, delta = report.score_delta,
        improved = report.improved, regressed = report.regressed, unchanged = report.unchanged,
        execution_coverage = report.execution_coverage,
        surrogate_coverage = report.surrogate_coverage,
        blocked_coverage = report.blocked_coverage,
        cases = report.replay_cases.len(), skipped_runs = report.skipped_runs.len(),
        trials_finished = report.trials.finished, trials_errored = report.trials.errored,
        source = "skill_replay_eval", "eval report stored");
    Ok(EvalOutcome {
        eval_id: eval_id.to_string(),
        report_id,
        report,
    })
}
