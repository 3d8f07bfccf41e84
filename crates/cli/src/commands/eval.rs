//! `skillgate eval`, `report show|grade`, `cases add|list` and `replay-case`:
//! wiring of `skillgate-eval` and `skillgate-replay`.

use super::Ctx;
use crate::config::Config;
use crate::{Outcome, output};
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use serde::Deserialize;
use skillgate_core::Locale;
use skillgate_core::confidence::ConfidenceThresholds;
use skillgate_eval::{EvalEnv, EvalOutcome, EvalReport, EvalSettings, Progress};
use skillgate_providers::{Provider, ProviderConfig, ProviderSettings};
use skillgate_replay::{SkillLoading, TrialLimits, TrialSettings, run_trial, trial_input_from_run};
use skillgate_store::Store;
use skillgate_tools::{ReplayTools, ToolLayerConfig};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// `[eval]` section of skillgate.toml. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvalConfig {
    /// Most replay cases (default 20).
    #[serde(default)]
    pub cases: Option<usize>,
    /// Trials per case and arm (default 3).
    #[serde(default)]
    pub trials: Option<u32>,
    /// Token budget of one eval, replay and judge together (default: none).
    #[serde(default)]
    pub token_budget: Option<u64>,
    /// ε of the case verdict (default 0.05).
    #[serde(default)]
    pub epsilon: Option<f64>,
    /// Base seed (default 24301).
    #[serde(default)]
    pub seed: Option<u64>,
    /// `progressive` (default) or `always`.
    #[serde(default)]
    pub loading: Option<SkillLoading>,
    /// Provider requests per trial (default 20).
    #[serde(default)]
    pub max_steps: Option<u32>,
    /// Wall-time limit of one trial in seconds (default 300).
    #[serde(default)]
    pub trial_timeout_secs: Option<u64>,
    /// Trials in flight (default: the provider's `concurrency`).
    #[serde(default)]
    pub concurrency: Option<usize>,
    /// Simulate unrecorded surrogate results with the replay provider (default false: stub).
    #[serde(default)]
    pub llm_surrogate: bool,
    /// Tenant whose runs are used (default: the most common tenant).
    #[serde(default)]
    pub tenant: Option<String>,
    /// Task similarity at which two runs are near-duplicates (default 0.8).
    #[serde(default)]
    pub duplicate_similarity: Option<f64>,
    /// Prompt locale of every case (default: each case's own).
    #[serde(default)]
    pub locale: Option<String>,
    /// `bwrap` binary (default: from PATH).
    #[serde(default)]
    pub bwrap_path: Option<PathBuf>,
    /// Paths a replay must never see or change (default: `$HOME`).
    #[serde(default)]
    pub protected_paths: Option<Vec<PathBuf>>,
    /// Fingerprint `protected_paths` before and after each eval's trials; a
    /// change opens a P0 incident and turns the kill switch on. Default: on
    /// when `protected_paths` is configured (the production workspace, user
    /// files); off for the implicit `$HOME`, which other programs write to.
    #[serde(default)]
    pub tripwire: Option<bool>,
    /// Confidence thresholds (SPEC §5.1), `[eval.confidence]`.
    #[serde(default)]
    pub confidence: Option<ConfidenceThresholds>,
}

/// `skillgate eval …`
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Draft to evaluate (an unfinished eval of the draft is resumed).
    pub draft_id: Option<String>,
    /// At most this many replay cases.
    #[arg(long)]
    pub cases: Option<usize>,
    /// Trials per case and arm.
    #[arg(long)]
    pub trials: Option<u32>,
    /// Prompt locale (en, zh-CN, zh-TW); default: each case's own.
    #[arg(long)]
    pub locale: Option<String>,
    /// Tenant whose runs are used; default: the most common tenant.
    #[arg(long)]
    pub tenant: Option<String>,
    /// Token budget of this eval (replay and judge); with --resume, replaces the stored budget.
    #[arg(long)]
    pub budget: Option<u64>,
    /// Continue an interrupted eval without repeating finished trials.
    #[arg(long, conflicts_with = "draft_id")]
    pub resume: Option<String>,
}

/// `skillgate report …`
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Print an eval report by eval id, report id, or `latest`.
    Show {
        /// Eval id, report id or `latest`.
        id: String,
    },
    /// Grade a trial by hand: the score overrides the graders' in a new report.
    Grade {
        /// Trial id (in the case reports).
        trial_id: String,
        /// Score in [0, 1].
        #[arg(long)]
        score: f64,
        /// Why.
        #[arg(long)]
        note: String,
        /// Who grades.
        #[arg(long, default_value = "cli")]
        by: String,
    },
}

/// `skillgate cases …`
#[derive(Debug, Subcommand)]
pub enum CasesCommand {
    /// Pin a run as a replay case of a skill: always selected from now on.
    Add {
        /// Run id.
        run_id: String,
        /// Skill name.
        #[arg(long)]
        skill: String,
        /// Why (e.g. "false pass in review 12").
        #[arg(long, default_value = "added by hand")]
        reason: String,
    },
    /// List the runs pinned to a skill.
    List {
        /// Skill name.
        #[arg(long)]
        skill: String,
    },
}

/// `skillgate replay-case …`
#[derive(Debug, Args)]
pub struct ReplayCaseArgs {
    /// Run to replay.
    pub run_id: String,
    /// Skill folder to load in the replay.
    #[arg(long, conflicts_with = "no_skill")]
    pub skill: Option<PathBuf>,
    /// Replay without any skill.
    #[arg(long)]
    pub no_skill: bool,
    /// Prompt locale.
    #[arg(long)]
    pub locale: Option<String>,
}

fn parse_locale(tag: &str) -> Result<Locale> {
    Locale::parse(tag).with_context(|| format!("unknown locale '{tag}': use en, zh-CN or zh-TW"))
}

fn provider_settings(table: Option<&toml::Table>, name: &str) -> Result<Option<ProviderSettings>> {
    table
        .map(|t| {
            toml::Value::Table(t.clone())
                .try_into::<ProviderSettings>()
                .with_context(|| format!("invalid [{name}] table in skillgate.toml"))
        })
        .transpose()
}

/// The eval environment from configuration and the process environment:
/// providers (`[provider]`, `[judge]`, `SKILLGATE_*`), policy, sandbox,
/// confidence thresholds.
pub fn eval_env(config: &Config) -> Result<EvalEnv> {
    let env_lookup = |k: &str| std::env::var(k).ok();
    let agent = provider_settings(config.provider.as_ref(), "provider")?;
    let agent = ProviderConfig::resolve(agent.as_ref(), &env_lookup).map_err(|e| e.to_string());
    let judge = provider_settings(config.judge.as_ref(), "judge")?;
    let judge = ProviderConfig::resolve_judge(judge.as_ref(), &env_lookup)
        .context("invalid judge provider configuration")?;
    let mut env = EvalEnv::new(agent);
    env.judge = judge;
    env.policy = super::policy::load_policy(config.policy.file.as_deref())?;
    let e = &config.eval;
    if let Some(t) = &e.confidence {
        t.validate()
            .context("invalid [eval.confidence] in skillgate.toml")?;
        env.thresholds = t.clone();
    }
    if let Some(p) = &e.protected_paths {
        env.protected_paths = p.clone();
    }
    env.bwrap_path = e.bwrap_path.clone();
    env.tripwire = e
        .tripwire
        .unwrap_or(e.protected_paths.as_ref().is_some_and(|p| !p.is_empty()));
    Ok(env)
}

/// Eval settings from `[eval]`, overridden by command-line flags.
pub fn eval_settings(config: &Config, args: Option<&EvalArgs>) -> Result<EvalSettings> {
    let e = &config.eval;
    let mut s = EvalSettings::default();
    s.max_cases = e.cases.unwrap_or(s.max_cases);
    s.trials = e.trials.unwrap_or(s.trials);
    s.token_budget = e.token_budget;
    s.epsilon = e.epsilon.unwrap_or(s.epsilon);
    s.seed = e.seed.unwrap_or(s.seed);
    s.loading = e.loading.unwrap_or(s.loading);
    s.max_steps = e.max_steps.unwrap_or(s.max_steps);
    s.trial_timeout_secs = e.trial_timeout_secs.unwrap_or(s.trial_timeout_secs);
    s.concurrency = e.concurrency;
    s.llm_surrogate = e.llm_surrogate;
    s.tenant = e.tenant.clone();
    s.duplicate_similarity = e.duplicate_similarity.unwrap_or(s.duplicate_similarity);
    s.locale = e.locale.as_deref().map(parse_locale).transpose()?;
    if let Some(a) = args {
        s.max_cases = a.cases.unwrap_or(s.max_cases);
        s.trials = a.trials.unwrap_or(s.trials);
        if let Some(l) = &a.locale {
            s.locale = Some(parse_locale(l)?);
        }
        if a.tenant.is_some() {
            s.tenant = a.tenant.clone();
        }
        if a.budget.is_some() {
            s.token_budget = a.budget;
        }
    }
    if !(0.0..=1.0).contains(&s.epsilon) {
        bail!(
            "[eval] epsilon = {} is invalid; use a value in 0..=1 (default 0.05)",
            s.epsilon
        );
    }
    if s.trials == 0 || s.max_cases == 0 {
        bail!("cases and trials must be at least 1 (--cases, --trials or [eval])");
    }
    Ok(s)
}

/// The database file `db` and its `-wal`, `-shm` and `-journal` companions,
/// as absolute paths: skillgate writes them during an eval, so the tripwire
/// leaves them out (`skillgate eval`, `skillgate worker`). None for a
/// PostgreSQL URL: that database lives on its server, not in a local file.
pub fn database_files(db: &std::path::Path) -> Vec<PathBuf> {
    if skillgate_store::is_postgres_url(&db.to_string_lossy()) {
        return Vec::new();
    }
    let db = std::path::absolute(db).unwrap_or_else(|_| db.to_path_buf());
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| {
            let mut p = db.clone().into_os_string();
            p.push(suffix);
            PathBuf::from(p)
        })
        .collect()
}

fn progress_printer() -> Option<skillgate_eval::ProgressFn> {
    // With `--log-format json` every stderr line is a JSON object: progress becomes the
    // `eval.progress` event (docs/logging.md), at the pace of the non-terminal lines.
    let json = crate::json_logs();
    let terminal = !json && std::io::stderr().is_terminal();
    let last = std::sync::Mutex::new(std::time::Instant::now() - Duration::from_secs(10));
    Some(Arc::new(move |p: &Progress| {
        let line = format!(
            "eval: {}/{} cases done, {}/{} trials stored, {} running, {} errors",
            p.cases_done, p.cases, p.done, p.planned, p.running, p.errors
        );
        if terminal {
            eprint!("\r{line}   ");
        } else if let Ok(mut l) = last.lock()
            && (l.elapsed() >= Duration::from_secs(2) || p.done == p.planned)
        {
            *l = std::time::Instant::now();
            if json {
                tracing::info!(target: "skillgate::eval", event = "eval.progress",
                    cases = p.cases, cases_done = p.cases_done, trials_planned = p.planned,
                    trials_stored = p.done, running = p.running, errors = p.errors, "{line}");
            } else {
                eprintln!("{line}");
            }
        }
    }))
}

/// Runs (or resumes) an eval of `draft_id` with the configuration's settings
/// and providers, for `skillgate demo`. Without a provider the report is
/// heuristic (status `skipped_provider_unavailable`).
pub async fn run_eval_for_demo(
    store: &Store,
    draft_id: &str,
    config: &Config,
) -> Result<EvalOutcome> {
    let env = eval_env(config)?;
    let settings = eval_settings(config, None)?;
    Ok(skillgate_eval::run_eval(store, draft_id, settings, &env).await?)
}

/// Runs `skillgate eval`.
pub async fn eval(ctx: &Ctx, args: EvalArgs) -> Result<Outcome> {
    let store = ctx.store().await?;
    let mut env = eval_env(&ctx.config)?;
    env.progress = progress_printer();
    env.resume_budget = args.budget;
    // The database is written during the eval: never a tripwire hit.
    env.tripwire_exclude = database_files(&ctx.db);
    let outcome = match (&args.resume, &args.draft_id) {
        (Some(id), _) => skillgate_eval::resume_eval(&store, id, &env).await?,
        (None, Some(draft)) => {
            let settings = eval_settings(&ctx.config, Some(&args))?;
            if let Some(unfinished) = store.unfinished_eval(draft).await? {
                crate::note(&format!(
                    "eval: resuming the unfinished eval {} of draft {draft} with its stored settings (--cases, --trials, --locale and --tenant apply to new evals only)",
                    unfinished.id
                ));
            }
            skillgate_eval::run_eval(&store, draft, settings, &env).await?
        }
        (None, None) => {
            bail!("name the draft to evaluate (`skillgate eval DRAFT_ID`) or --resume EVAL_ID")
        }
    };
    if !crate::json_logs() && std::io::stderr().is_terminal() {
        eprintln!();
    }
    store.close().await;
    print_report(ctx, &outcome.report)?;
    if !ctx.json {
        println!(
            "\nreport {} (eval {}); `skillgate report show {}` prints it again",
            outcome.report_id, outcome.eval_id, outcome.eval_id
        );
    }
    Ok(Outcome::Ok)
}

fn print_report(ctx: &Ctx, report: &EvalReport) -> Result<()> {
    if ctx.json {
        output::print_json(report)
    } else {
        print!("{}", report.render_text());
        Ok(())
    }
}

/// Runs `skillgate report …`.
pub async fn report(ctx: &Ctx, cmd: ReportCommand) -> Result<Outcome> {
    let store = ctx.store().await?;
    match cmd {
        ReportCommand::Show { id } => {
            let row = if id == "latest" {
                store.latest_eval_report().await?
            } else if let Some(r) = store.get_report(&id).await? {
                Some(r)
            } else {
                store.eval_report(&id).await?
            };
            let Some(row) = row else {
                bail!(
                    "no eval report '{id}': pass an eval id, a report id or `latest` (run `skillgate eval DRAFT_ID` first)"
                );
            };
            if ctx.json {
                println!("{}", row.body);
            } else if row.kind == "case" {
                let v: serde_json::Value = serde_json::from_str(&row.body)?;
                output::print_json(&v)?;
            } else {
                let report: EvalReport = serde_json::from_str(&row.body)
                    .with_context(|| format!("stored report {} is unreadable", row.id))?;
                print!("{}", report.render_text());
                println!(
                    "\nreport {} of eval {}, stored {}",
                    row.id, row.eval_id, row.created_at
                );
            }
        }
        ReportCommand::Grade {
            trial_id,
            score,
            note,
            by,
        } => {
            if !(0.0..=1.0).contains(&score) {
                bail!("--score {score} is outside 0..1");
            }
            if note.trim().is_empty() {
                bail!("--note must say why the trial deserves this score");
            }
            let trial = store.get_trial(&trial_id).await.with_context(|| {
                format!("trial '{trial_id}' (trial ids are in the case reports: `skillgate report show EVAL_ID --json`)")
            })?;
            store
                .set_grade_override(&trial_id, score, &note, &by)
                .await?;
            store
                .audit(
                    &by,
                    "trial.grade",
                    &trial_id,
                    &format!("score {score}: {note}"),
                )
                .await?;
            let env = eval_env(&ctx.config)?;
            let outcome = skillgate_eval::rebuild_report(&store, &trial.eval_id, &env).await?;
            if ctx.json {
                output::print_json(&outcome.report)?;
            } else {
                println!(
                    "trial {trial_id} graded {score}; new report {} of eval {}: {} (confidence {:?})",
                    outcome.report_id,
                    outcome.eval_id,
                    outcome.report.status.as_str(),
                    outcome.report.confidence
                );
            }
        }
    }
    store.close().await;
    Ok(Outcome::Ok)
}

/// Runs `skillgate cases …`.
pub async fn cases(ctx: &Ctx, cmd: CasesCommand) -> Result<Outcome> {
    let store = ctx.store().await?;
    match cmd {
        CasesCommand::Add {
            run_id,
            skill,
            reason,
        } => {
            let row = store
                .pin_case(&skill, &run_id, &reason, "cli")
                .await
                .with_context(|| {
                    format!("cannot pin run '{run_id}' (`skillgate runs list` shows the runs)")
                })?;
            store
                .audit(
                    "cli",
                    "case.pin",
                    &run_id,
                    &format!("pinned to {skill}: {reason}"),
                )
                .await?;
            if ctx.json {
                output::print_json(&row)?;
            } else {
                println!(
                    "run {run_id} pinned to {skill}: it is a replay case of every later eval of {skill}"
                );
            }
        }
        CasesCommand::List { skill } => {
            let rows = store.pinned_cases(&skill).await?;
            if ctx.json {
                output::print_json(&rows)?;
            } else {
                let mut t = output::table(&["run", "reason", "by", "at"]);
                for r in &rows {
                    t.add_row(vec![
                        r.run_id.clone(),
                        r.reason.clone(),
                        r.added_by.clone(),
                        r.added_at.clone(),
                    ]);
                }
                println!("{t}");
            }
        }
    }
    store.close().await;
    Ok(Outcome::Ok)
}

/// Runs `skillgate replay-case`: one trial of one run, transcript printed.
pub async fn replay_case(ctx: &Ctx, args: ReplayCaseArgs) -> Result<Outcome> {
    let store = ctx.store().await?;
    let run = store.get_run(&args.run_id).await.with_context(|| {
        format!(
            "run '{}' (`skillgate runs list` shows the runs)",
            args.run_id
        )
    })?;
    store.close().await;
    let env = eval_env(&ctx.config)?;
    let cfg = match env.agent {
        Ok(Some(c)) => c,
        Ok(None) => bail!(
            "replay-case needs a provider: set [provider] in skillgate.toml or SKILLGATE_BASE_URL and SKILLGATE_MODEL"
        ),
        Err(e) => bail!("invalid provider configuration: {e}"),
    };
    let skill = match (&args.skill, args.no_skill) {
        (Some(dir), _) => {
            let md = std::fs::read(dir.join("SKILL.md"))
                .with_context(|| format!("cannot read {}/SKILL.md", dir.display()))?;
            let fallback = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Some(skillgate_eval::skill_context(&fallback, &md))
        }
        (None, true) => None,
        (None, false) => bail!("say which skill to load: --skill DIR, or --no-skill"),
    };
    let settings = eval_settings(&ctx.config, None)?;
    let locale = args
        .locale
        .as_deref()
        .map(parse_locale)
        .transpose()?
        .or(settings.locale);
    let provider = Provider::new(cfg).context("cannot build the provider")?;
    let trial_settings = TrialSettings {
        prompt_locale: locale,
        loading: settings.loading,
        base_seed: settings.seed,
        temperature: provider.config().temperature,
    };
    let arm = if skill.is_some() {
        skillgate_core::Arm::Candidate
    } else {
        skillgate_core::Arm::Baseline
    };
    let input = trial_input_from_run(&run, arm, 0, skill, &trial_settings);
    let mut tool_cfg = ToolLayerConfig::new(env.policy.clone());
    tool_cfg.protected_paths = env.protected_paths.clone();
    tool_cfg.bwrap_path = env.bwrap_path.clone();
    tool_cfg.extra_tools = skillgate_eval::recorded_tools(&run);
    let tools = ReplayTools::new(tool_cfg, &skillgate_eval::case_files(&run), &run.tool_calls)
        .await
        .context("cannot set up the replay workspace")?;
    let tools = if settings.llm_surrogate {
        tools.with_surrogate_provider(provider.clone())
    } else {
        tools
    };
    let limits = TrialLimits {
        max_steps: settings.max_steps,
        wall_time: Duration::from_secs(settings.trial_timeout_secs.max(1)),
        ..TrialLimits::default()
    };
    let transcript = run_trial(&provider, &tools, &input, &limits).await;
    // Shown, so redacted (SPEC §7): the transcript comes straight from the model and tools.
    let redactor = skillgate_redact::Redactor::new(&ctx.config.redaction)
        .context("invalid [redaction] in skillgate.toml")?;
    let say = |text: String| println!("{}", redactor.redact_str(&text));
    if ctx.json {
        let mut value = serde_json::to_value(&transcript)?;
        redactor.redact_json(&mut value);
        output::print_json(&value)?;
    } else {
        say(format!(
            "run {} replayed ({}, locale {}, seed {})",
            run.id,
            if input.skill.is_some() {
                "with skill"
            } else {
                "no skill"
            },
            transcript.locale,
            transcript.seed
        ));
        for c in &transcript.tool_calls {
            say(format!(
                "  tool {} → {} ({}){}",
                c.name,
                c.mode.map_or_else(
                    || format!("{:?}", c.kind).to_lowercase(),
                    |m| m.as_str().to_string()
                ),
                c.reason,
                c.side_effect
                    .as_ref()
                    .map(|s| format!("; would have: {s}"))
                    .unwrap_or_default()
            ));
        }
        for e in &transcript.errors {
            say(format!("  error: {e}"));
        }
        say(format!(
            "stop: {}; skill loaded: {}; tokens {} in / {} out",
            transcript.stop.as_str(),
            transcript.skill_loaded,
            transcript.totals.input_tokens,
            transcript.totals.output_tokens
        ));
        say(format!(
            "final answer:\n{}",
            transcript.final_answer.as_deref().unwrap_or("(none)")
        ));
    }
    Ok(if transcript.stop.is_error() {
        Outcome::Findings
    } else {
        Outcome::Ok
    })
}
