//! Evals, replay cases, trials, tool calls, reports, pinned cases, human grade
//! overrides and the case-selection queries (SPEC §3.1, §3.3, §5).
//!
//! Trial writes are idempotent: `trials` is unique on (eval, case, arm,
//! trial_index) and a trial is written with its tool calls in one transaction,
//! so a killed eval resumes without repeating or half-writing a trial.
//!
//! Case selection's full-text search is the one backend-specific query here
//! ([`Store::case_candidates`]): the SQLite FTS5 table `runs_fts` (trigram
//! tokenizer) on SQLite, a pg_trgm GIN index with `ILIKE` on PostgreSQL
//! (`migrations-postgres/0002_eval.sql`); both match case-insensitive
//! substrings of 3+ characters, so Chinese tasks match too.

use crate::db::{Executed, Pool, on_conn, on_pool};
use crate::{Store, StoreError, new_id, now_rfc3339};
use serde::Serialize;
use std::borrow::Cow;

/// A stored eval.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct EvalRow {
    /// Eval id.
    pub id: String,
    /// The draft evaluated.
    pub draft_id: String,
    /// `running`, then the final EvalStatus (`passed`, `failed`, `partial`, …).
    pub status: String,
    /// `replay` or `heuristic`.
    pub mode: String,
    /// JSON: cases, trials, locale, provider, model, seed, budget.
    pub config: String,
    /// When it started.
    pub created_at: String,
    /// When it finished (`None` while running or interrupted).
    pub finished_at: Option<String>,
}

/// A replay case of an eval: a run and why it was chosen.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ReplayCaseRow {
    /// Case id.
    pub id: String,
    /// The eval.
    pub eval_id: String,
    /// The run replayed.
    pub run_id: String,
    /// Order of selection (0 = first).
    pub position: i64,
    /// Why it was chosen, in words.
    pub reason: String,
}

/// A case to store with [`Store::insert_replay_cases`].
#[derive(Debug, Clone, PartialEq)]
pub struct NewReplayCase {
    /// The run.
    pub run_id: String,
    /// Why it was chosen.
    pub reason: String,
}

/// A finished or errored trial to store with [`Store::record_trial`].
#[derive(Debug, Clone, PartialEq)]
pub struct NewTrial {
    /// The eval.
    pub eval_id: String,
    /// The replay case.
    pub case_id: String,
    /// `baseline` or `candidate`.
    pub arm: String,
    /// 0-based trial number within the case and arm.
    pub trial_index: i64,
    /// Seed sent to the provider.
    pub seed: i64,
    /// `finished` or `errored`.
    pub status: String,
    /// Graded score in [0, 1] (`None` when errored).
    pub score: Option<f64>,
    /// Whether the score reached the case's pass threshold.
    pub passed: Option<bool>,
    /// JSON TrialTranscript.
    pub transcript: Option<String>,
    /// JSON grader results.
    pub grades: Option<String>,
    /// Tokens sent.
    pub input_tokens: i64,
    /// Tokens received.
    pub output_tokens: i64,
    /// Why an errored trial errored.
    pub error: Option<String>,
    /// Whether the arm's skill was loaded (trigger rate).
    pub skill_loaded: bool,
    /// Grader requests answered from the response cache.
    pub cache_hits: i64,
}

/// A tool call of a trial, stored with it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewToolCall {
    /// Order within the trial.
    pub seq: i64,
    /// Tool name.
    pub name: String,
    /// `executed`, `surrogate` or `blocked` (`rejected` calls never reached the policy).
    pub mode: String,
    /// Deciding rule.
    pub rule: String,
    /// Classification reason in words.
    pub reason: String,
    /// Arguments, JSON.
    pub arguments: String,
    /// Result, JSON.
    pub result: String,
    /// The side effect a surrogate would have had.
    pub side_effect: Option<String>,
}

/// A stored trial.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct TrialRow {
    /// Trial id.
    pub id: String,
    /// The eval.
    pub eval_id: String,
    /// The replay case.
    pub case_id: String,
    /// `baseline` or `candidate`.
    pub arm: String,
    /// 0-based trial number.
    pub trial_index: i64,
    /// Seed sent.
    pub seed: i64,
    /// `finished` or `errored`.
    pub status: String,
    /// Score (the human override when there is one).
    pub score: Option<f64>,
    /// Passed (recomputed by the caller when overridden).
    pub passed: Option<bool>,
    /// JSON TrialTranscript.
    pub transcript: Option<String>,
    /// JSON grader results.
    pub grades: Option<String>,
    /// Tokens sent.
    pub input_tokens: i64,
    /// Tokens received.
    pub output_tokens: i64,
    /// When it was stored.
    pub finished_at: String,
    /// Why it errored.
    pub error: Option<String>,
    /// Skill loaded.
    pub skill_loaded: bool,
    /// Cache hits of its graders.
    pub cache_hits: i64,
    /// A human's score that overrides `score`, if any.
    pub override_score: Option<f64>,
    /// The human's note.
    pub override_note: Option<String>,
}

/// A stored tool call.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ToolCallRow {
    /// The trial.
    pub trial_id: String,
    /// Order within the trial.
    pub seq: i64,
    /// Tool name.
    pub name: String,
    /// Mode.
    pub mode: String,
    /// Rule.
    pub rule: String,
    /// Reason.
    pub reason: String,
    /// Arguments, JSON.
    pub arguments: String,
    /// Result, JSON.
    pub result: String,
    /// Would-be side effect.
    pub side_effect: Option<String>,
}

/// A stored report (kind `eval` or `case`).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ReportRow {
    /// Report id.
    pub id: String,
    /// The eval.
    pub eval_id: String,
    /// `eval` or `case`.
    pub kind: String,
    /// JSON body.
    pub body: String,
    /// When it was stored.
    pub created_at: String,
}

/// A run pinned to a skill by hand.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct PinnedCaseRow {
    /// Skill name.
    pub skill_name: String,
    /// Run id.
    pub run_id: String,
    /// Why it was pinned.
    pub reason: String,
    /// Who pinned it.
    pub added_by: String,
    /// When.
    pub added_at: String,
}

/// What [`Store::case_candidates`] searches for.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateQuery {
    /// Tenant whose accepted runs are searched.
    pub tenant: String,
    /// Skill name: runs with this `skill` hint and runs pinned to it are included.
    pub skill_name: String,
    /// Full-text terms (matched as substrings by the trigram index; terms shorter
    /// than 3 characters cannot match and are dropped).
    pub terms: Vec<String>,
    /// Most full-text matches and most hinted runs to return (each).
    pub limit: i64,
}

/// A run that may become a replay case.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct CandidateRow {
    /// Run id.
    pub id: String,
    /// Tenant.
    pub tenant: String,
    /// Locale.
    pub locale: String,
    /// Task.
    pub task: String,
    /// Tool names, space-separated.
    pub tool_names: String,
    /// Skill hint.
    pub skill_hint: Option<String>,
    /// Accepted by a human.
    pub accepted: bool,
    /// When accepted.
    pub accepted_at: Option<String>,
    /// When the run started.
    pub created_at: Option<String>,
    /// Canonical JSON of the Run.
    pub body: String,
    /// Full-text rank, lower = more relevant (negative): FTS5 bm25 on SQLite,
    /// minus the summed pg_trgm word similarity on PostgreSQL; `None` when the
    /// run did not match the terms.
    pub fts_rank: Option<f64>,
    /// Pinned by hand to the skill.
    pub pinned: bool,
    /// Why it was pinned.
    pub pin_reason: Option<String>,
}

const EVAL_COLUMNS: &str = "id, draft_id, status, mode, config, created_at, finished_at";
const RUN_COLUMNS: &str = "r.id AS id, r.tenant AS tenant, r.locale AS locale, r.task AS task, r.tool_names AS tool_names, r.skill_hint AS skill_hint, r.accepted AS accepted, r.accepted_at AS accepted_at, r.created_at AS created_at, r.body AS body";
const TRIAL_COLUMNS: &str = "t.id AS id, t.eval_id AS eval_id, t.case_id AS case_id, t.arm AS arm, t.trial_index AS trial_index, t.seed AS seed, t.status AS status, t.score AS score, t.passed AS passed, t.transcript AS transcript, t.grades AS grades, t.input_tokens AS input_tokens, t.output_tokens AS output_tokens, t.finished_at AS finished_at, t.error AS error, t.skill_loaded AS skill_loaded, t.cache_hits AS cache_hits, g.score AS override_score, g.note AS override_note";

/// `%term%` for `ILIKE`, with `\\`, `%` and `_` in the term escaped.
fn like_pattern(term: &str) -> String {
    let mut out = String::with_capacity(term.len() + 2);
    out.push('%');
    for c in term.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Quotes a term for an FTS5 MATCH expression (a string literal: `"` doubled).
fn fts_phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

impl Store {
    /// Starts an eval of `draft_id` with status `running`.
    pub async fn create_eval(
        &self,
        draft_id: &str,
        mode: &str,
        config: &str,
    ) -> Result<EvalRow, StoreError> {
        let row = EvalRow {
            id: new_id("evl"),
            draft_id: draft_id.into(),
            status: "running".into(),
            mode: mode.into(),
            config: config.into(),
            created_at: now_rfc3339(),
            finished_at: None,
        };
        on_pool!(&self.pool, |e| {
            sqlx::query(
                "INSERT INTO evals (id, draft_id, status, mode, config, created_at, finished_at) VALUES ($1, $2, $3, $4, $5, $6, NULL)",
            )
            .bind(&row.id)
            .bind(&row.draft_id)
            .bind(&row.status)
            .bind(&row.mode)
            .bind(&row.config)
            .bind(&row.created_at)
            .execute(e)
            .await
            .map(Executed::from)
        })?;
        Ok(row)
    }

    /// One eval.
    pub async fn get_eval(&self, id: &str) -> Result<EvalRow, StoreError> {
        on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, EvalRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {EVAL_COLUMNS} FROM evals WHERE id = $1"
            )))
            .bind(id)
            .fetch_optional(e)
            .await
        })?
        .ok_or_else(|| StoreError::NotFound {
            kind: "eval",
            id: id.into(),
        })
    }

    /// Evals of a draft, newest first.
    pub async fn evals_of_draft(&self, draft_id: &str) -> Result<Vec<EvalRow>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, EvalRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {EVAL_COLUMNS} FROM evals WHERE draft_id = $1 ORDER BY created_at DESC, id DESC"
            )))
            .bind(draft_id)
            .fetch_all(e)
            .await
        })?)
    }

    /// The newest eval of `draft_id` that never finished (killed or still
    /// running), if any.
    pub async fn unfinished_eval(&self, draft_id: &str) -> Result<Option<EvalRow>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, EvalRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {EVAL_COLUMNS} FROM evals WHERE draft_id = $1 AND finished_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1"
            )))
            .bind(draft_id)
            .fetch_optional(e)
            .await
        })?)
    }

    /// Sets an eval's status and mode; `finished` also stamps `finished_at`.
    pub async fn set_eval_status(
        &self,
        id: &str,
        status: &str,
        mode: &str,
        finished: bool,
    ) -> Result<(), StoreError> {
        let finished_at = finished.then(now_rfc3339);
        let done = on_pool!(&self.pool, |e| {
            sqlx::query("UPDATE evals SET status = $1, mode = $2, finished_at = $3 WHERE id = $4")
                .bind(status)
                .bind(mode)
                .bind(finished_at)
                .bind(id)
                .execute(e)
                .await
                .map(Executed::from)
        })?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                kind: "eval",
                id: id.into(),
            });
        }
        Ok(())
    }

    /// Replaces an eval's stored configuration JSON.
    pub async fn set_eval_config(&self, id: &str, config: &str) -> Result<(), StoreError> {
        on_pool!(&self.pool, |e| {
            sqlx::query("UPDATE evals SET config = $1 WHERE id = $2")
                .bind(config)
                .bind(id)
                .execute(e)
                .await
                .map(Executed::from)
        })?;
        Ok(())
    }

    /// Stores the selected cases of an eval in one transaction, in order.
    pub async fn insert_replay_cases(
        &self,
        eval_id: &str,
        cases: &[NewReplayCase],
    ) -> Result<Vec<ReplayCaseRow>, StoreError> {
        let mut tx = self.pool.begin_write().await?;
        let mut rows = Vec::with_capacity(cases.len());
        for (i, c) in cases.iter().enumerate() {
            let row = ReplayCaseRow {
                id: new_id("cas"),
                eval_id: eval_id.into(),
                run_id: c.run_id.clone(),
                position: i as i64,
                reason: c.reason.clone(),
            };
            on_conn!(&mut tx, |e| {
                sqlx::query(
                    "INSERT INTO replay_cases (id, eval_id, run_id, position, reason) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&row.id)
                .bind(&row.eval_id)
                .bind(&row.run_id)
                .bind(row.position)
                .bind(&row.reason)
                .execute(e)
                .await
                .map(Executed::from)
            })?;
            rows.push(row);
        }
        tx.commit().await?;
        Ok(rows)
    }

    /// The replay cases of an eval, in selection order.
    pub async fn replay_cases(&self, eval_id: &str) -> Result<Vec<ReplayCaseRow>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, ReplayCaseRow>(
                "SELECT id, eval_id, run_id, position, reason FROM replay_cases WHERE eval_id = $1 ORDER BY position",
            )
            .bind(eval_id)
            .fetch_all(e)
            .await
        })?)
    }

    /// Stores a trial and its tool calls in one transaction. Idempotent: when
    /// the (eval, case, arm, trial_index) trial already exists nothing is
    /// written and `Ok(None)` is returned; otherwise the new trial id.
    pub async fn record_trial(
        &self,
        trial: &NewTrial,
        calls: &[NewToolCall],
    ) -> Result<Option<String>, StoreError> {
        let id = new_id("trl");
        let mut tx = self.pool.begin_write().await?;
        let inserted = on_conn!(&mut tx, |e| {
            sqlx::query(
                "INSERT INTO trials (id, eval_id, case_id, arm, trial_index, seed, status, score, passed, transcript, grades, input_tokens, output_tokens, finished_at, error, skill_loaded, cache_hits)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
                 ON CONFLICT (eval_id, case_id, arm, trial_index) DO NOTHING",
            )
            .bind(&id)
            .bind(&trial.eval_id)
            .bind(&trial.case_id)
            .bind(&trial.arm)
            .bind(trial.trial_index)
            .bind(trial.seed)
            .bind(&trial.status)
            .bind(trial.score)
            .bind(trial.passed)
            .bind(self.scrub_opt(trial.transcript.as_deref()))
            .bind(self.scrub_opt(trial.grades.as_deref()))
            .bind(trial.input_tokens)
            .bind(trial.output_tokens)
            .bind(now_rfc3339())
            .bind(self.scrub_opt(trial.error.as_deref()))
            .bind(trial.skill_loaded)
            .bind(trial.cache_hits)
            .execute(e)
            .await
            .map(Executed::from)
        })?;
        if inserted.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        for c in calls {
            on_conn!(&mut tx, |e| {
                sqlx::query(
                    "INSERT INTO tool_calls (id, trial_id, seq, name, mode, rule, reason, arguments, result, side_effect)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(new_id("tc"))
                .bind(&id)
                .bind(c.seq)
                .bind(&c.name)
                .bind(&c.mode)
                .bind(&c.rule)
                .bind(&c.reason)
                .bind(self.scrub(&c.arguments))
                .bind(self.scrub(&c.result))
                .bind(self.scrub_opt(c.side_effect.as_deref()))
                .execute(e)
                .await
                .map(Executed::from)
            })?;
        }
        tx.commit().await?;
        Ok(Some(id))
    }

    /// Every trial of an eval with its human override, ordered by case
    /// position, arm and trial index.
    pub async fn trials(&self, eval_id: &str) -> Result<Vec<TrialRow>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, TrialRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {TRIAL_COLUMNS} FROM trials t
                 JOIN replay_cases c ON c.id = t.case_id
                 LEFT JOIN grade_overrides g ON g.trial_id = t.id
                 WHERE t.eval_id = $1 ORDER BY c.position, t.arm, t.trial_index"
            )))
            .bind(eval_id)
            .fetch_all(e)
            .await
        })?)
    }

    /// The trials of one case of an eval, in the order of [`Store::trials`]
    /// (arm, then trial index): lets a reader hold one case's transcripts at
    /// a time instead of the whole eval's.
    pub async fn case_trials(
        &self,
        eval_id: &str,
        case_id: &str,
    ) -> Result<Vec<TrialRow>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, TrialRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {TRIAL_COLUMNS} FROM trials t
                 LEFT JOIN grade_overrides g ON g.trial_id = t.id
                 WHERE t.eval_id = $1 AND t.case_id = $2 ORDER BY t.arm, t.trial_index"
            )))
            .bind(eval_id)
            .bind(case_id)
            .fetch_all(e)
            .await
        })?)
    }

    /// One trial.
    pub async fn get_trial(&self, trial_id: &str) -> Result<TrialRow, StoreError> {
        on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, TrialRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {TRIAL_COLUMNS} FROM trials t LEFT JOIN grade_overrides g ON g.trial_id = t.id WHERE t.id = $1"
            )))
            .bind(trial_id)
            .fetch_optional(e)
            .await
        })?
        .ok_or_else(|| StoreError::NotFound {
            kind: "trial",
            id: trial_id.into(),
        })
    }

    /// Number of stored trials of an eval.
    pub async fn count_trials(&self, eval_id: &str) -> Result<i64, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM trials WHERE eval_id = $1")
                .bind(eval_id)
                .fetch_one(e)
                .await
        })?)
    }

    /// Every tool call of an eval's trials, by trial and order.
    pub async fn tool_calls_of_eval(&self, eval_id: &str) -> Result<Vec<ToolCallRow>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, ToolCallRow>(
                "SELECT c.trial_id AS trial_id, c.seq AS seq, c.name AS name, c.mode AS mode, c.rule AS rule, c.reason AS reason, c.arguments AS arguments, c.result AS result, c.side_effect AS side_effect
                 FROM tool_calls c JOIN trials t ON t.id = c.trial_id
                 WHERE t.eval_id = $1 ORDER BY c.trial_id, c.seq",
            )
            .bind(eval_id)
            .fetch_all(e)
            .await
        })?)
    }

    /// A human's grade of a trial; replaces an earlier one.
    pub async fn set_grade_override(
        &self,
        trial_id: &str,
        score: f64,
        note: &str,
        grader: &str,
    ) -> Result<(), StoreError> {
        self.get_trial(trial_id).await?;
        on_pool!(&self.pool, |e| {
            sqlx::query(
                "INSERT INTO grade_overrides (trial_id, score, note, grader, created_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (trial_id) DO UPDATE SET score = excluded.score, note = excluded.note, grader = excluded.grader, created_at = excluded.created_at",
            )
            .bind(trial_id)
            .bind(score)
            .bind(note)
            .bind(grader)
            .bind(now_rfc3339())
            .execute(e)
            .await
            .map(Executed::from)
        })?;
        Ok(())
    }

    /// Stores a report of an eval (`kind` = `eval` or `case`); returns its id.
    pub async fn insert_report(
        &self,
        eval_id: &str,
        kind: &str,
        body: &str,
    ) -> Result<String, StoreError> {
        let id = new_id("rpt");
        on_pool!(&self.pool, |e| {
            sqlx::query(
                "INSERT INTO reports (id, eval_id, kind, body, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&id)
            .bind(eval_id)
            .bind(kind)
            .bind(self.scrub(body))
            .bind(now_rfc3339())
            .execute(e)
            .await
            .map(Executed::from)
        })?;
        Ok(id)
    }

    /// Stores an eval report and its case reports, and sets the eval's final
    /// status, in one transaction. Returns the eval report's id.
    pub async fn finish_eval(
        &self,
        eval_id: &str,
        status: &str,
        mode: &str,
        eval_report: &str,
        case_reports: &[String],
    ) -> Result<String, StoreError> {
        let mut writer = self.begin_reports(eval_id).await?;
        for body in case_reports {
            writer.add_case(body).await?;
        }
        writer.finish(status, mode, eval_report).await
    }

    /// Starts writing an eval's report set in one transaction: add the case
    /// reports one at a time with [`ReportWriter::add_case`] (so they need
    /// not all be held in memory), then [`ReportWriter::finish`]. Nothing is
    /// visible until `finish` commits; dropping the writer rolls back.
    ///
    /// The transaction takes the write lock at once (`BEGIN IMMEDIATE` on
    /// SQLite): the writer reads transcripts before it writes, and a deferred
    /// SQLite transaction that reads first fails with "database is locked"
    /// when another process (a second worker) commits in between.
    pub async fn begin_reports(&self, eval_id: &str) -> Result<ReportWriter, StoreError> {
        Ok(ReportWriter {
            tx: self.pool.begin_write().await?,
            redactor: self.redactor.clone(),
            eval_id: eval_id.to_string(),
            now: now_rfc3339(),
        })
    }

    /// The newest eval report of an eval.
    pub async fn eval_report(&self, eval_id: &str) -> Result<Option<ReportRow>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, ReportRow>(
                "SELECT id, eval_id, kind, body, created_at FROM reports WHERE eval_id = $1 AND kind = 'eval' ORDER BY created_at DESC, id DESC LIMIT 1",
            )
            .bind(eval_id)
            .fetch_optional(e)
            .await
        })?)
    }

    /// The newest eval report of any eval.
    pub async fn latest_eval_report(&self) -> Result<Option<ReportRow>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, ReportRow>(
                "SELECT id, eval_id, kind, body, created_at FROM reports WHERE kind = 'eval' ORDER BY created_at DESC, id DESC LIMIT 1",
            )
            .fetch_optional(e)
            .await
        })?)
    }

    /// A report by its id.
    pub async fn get_report(&self, report_id: &str) -> Result<Option<ReportRow>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, ReportRow>(
                "SELECT id, eval_id, kind, body, created_at FROM reports WHERE id = $1",
            )
            .bind(report_id)
            .fetch_optional(e)
            .await
        })?)
    }

    /// The case reports of an eval's newest report set.
    pub async fn case_reports(&self, eval_id: &str) -> Result<Vec<ReportRow>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, ReportRow>(
                "SELECT id, eval_id, kind, body, created_at FROM reports
                 WHERE eval_id = $1 AND kind = 'case'
                   AND created_at = (SELECT MAX(created_at) FROM reports WHERE eval_id = $1 AND kind = 'case')
                 ORDER BY id",
            )
            .bind(eval_id)
            .fetch_all(e)
            .await
        })?)
    }

    /// Pins a run to a skill: it is a replay case of every later eval of the
    /// skill. Pinning again replaces the reason.
    pub async fn pin_case(
        &self,
        skill_name: &str,
        run_id: &str,
        reason: &str,
        added_by: &str,
    ) -> Result<PinnedCaseRow, StoreError> {
        let exists: Option<String> = on_pool!(&self.pool, |e| {
            sqlx::query_scalar("SELECT id FROM runs WHERE id = $1")
                .bind(run_id)
                .fetch_optional(e)
                .await
        })?;
        if exists.is_none() {
            return Err(StoreError::NotFound {
                kind: "run",
                id: run_id.into(),
            });
        }
        let row = PinnedCaseRow {
            skill_name: skill_name.into(),
            run_id: run_id.into(),
            reason: reason.into(),
            added_by: added_by.into(),
            added_at: now_rfc3339(),
        };
        on_pool!(&self.pool, |e| {
            sqlx::query(
                "INSERT INTO pinned_cases (skill_name, run_id, reason, added_by, added_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (skill_name, run_id) DO UPDATE SET reason = excluded.reason, added_by = excluded.added_by, added_at = excluded.added_at",
            )
            .bind(&row.skill_name)
            .bind(&row.run_id)
            .bind(&row.reason)
            .bind(&row.added_by)
            .bind(&row.added_at)
            .execute(e)
            .await
            .map(Executed::from)
        })?;
        Ok(row)
    }

    /// Runs pinned to a skill.
    pub async fn pinned_cases(&self, skill_name: &str) -> Result<Vec<PinnedCaseRow>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, PinnedCaseRow>(
                "SELECT skill_name, run_id, reason, added_by, added_at FROM pinned_cases WHERE skill_name = $1 ORDER BY added_at, run_id",
            )
            .bind(skill_name)
            .fetch_all(e)
            .await
        })?)
    }

    /// The tenant with the most runs (ties: smallest name); `None` without runs.
    pub async fn most_common_tenant(&self) -> Result<Option<String>, StoreError> {
        Ok(on_pool!(&self.pool, |e| {
            sqlx::query_scalar::<_, String>(
                "SELECT tenant FROM runs GROUP BY tenant ORDER BY COUNT(*) DESC, tenant LIMIT 1",
            )
            .fetch_optional(e)
            .await
        })?)
    }

    /// Candidate replay cases for a skill (SPEC §3.1): accepted runs of the
    /// tenant that match any of `terms` in task or tool names (full text, with
    /// their bm25 rank), accepted runs of the tenant whose skill hint is the
    /// skill, and every run pinned to the skill (any tenant, accepted or not).
    /// Each run appears once. Ranking and diversity are the caller's job.
    pub async fn case_candidates(
        &self,
        q: &CandidateQuery,
    ) -> Result<Vec<CandidateRow>, StoreError> {
        let mut out: Vec<CandidateRow> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut push = |row: CandidateRow, out: &mut Vec<CandidateRow>| {
            if let Some(&i) = index.get(&row.id) {
                let existing = &mut out[i];
                existing.fts_rank = existing.fts_rank.or(row.fts_rank);
                existing.pinned |= row.pinned;
                if existing.pin_reason.is_none() {
                    existing.pin_reason = row.pin_reason;
                }
            } else {
                index.insert(row.id.clone(), out.len());
                out.push(row);
            }
        };

        let pinned = on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, CandidateRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {RUN_COLUMNS}, NULL AS fts_rank, TRUE AS pinned, p.reason AS pin_reason
                 FROM pinned_cases p JOIN runs r ON r.id = p.run_id
                 WHERE p.skill_name = $1 ORDER BY p.added_at, r.id"
            )))
            .bind(&q.skill_name)
            .fetch_all(e)
            .await
        })?;
        for row in pinned {
            push(row, &mut out);
        }

        let hinted = on_pool!(&self.pool, |e| {
            sqlx::query_as::<_, CandidateRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {RUN_COLUMNS}, NULL AS fts_rank, FALSE AS pinned, NULL AS pin_reason
                 FROM runs r WHERE r.tenant = $1 AND r.accepted AND r.skill_hint = $2
                 ORDER BY r.accepted_at DESC NULLS LAST, r.id LIMIT $3"
            )))
            .bind(&q.tenant)
            .bind(&q.skill_name)
            .bind(q.limit)
            .fetch_all(e)
            .await
        })?;
        for row in hinted {
            push(row, &mut out);
        }

        let terms: Vec<&str> = q
            .terms
            .iter()
            .map(|t| t.trim())
            .filter(|t| t.chars().count() >= 3)
            .collect();
        if !terms.is_empty() {
            let matched = match &self.pool {
                Pool::Sqlite(e) => {
                    let expr = terms
                        .iter()
                        .map(|t| fts_phrase(t))
                        .collect::<Vec<_>>()
                        .join(" OR ");
                    // CROSS JOIN keeps `runs_fts` the outer loop. With a plain JOIN the
                    // bundled SQLite may drive from `runs` (index on tenant) and
                    // re-run the whole MATCH once per run of the tenant: minutes on
                    // 20 000 runs instead of 0.1 s (benches/selection.rs in skillgate-eval).
                    sqlx::query_as::<_, CandidateRow>(sqlx::AssertSqlSafe(format!(
                        "SELECT {RUN_COLUMNS}, bm25(runs_fts) AS fts_rank, FALSE AS pinned, NULL AS pin_reason
                         FROM runs_fts CROSS JOIN runs r ON r.rowid = runs_fts.rowid
                         WHERE runs_fts MATCH $1 AND r.tenant = $2 AND r.accepted
                         ORDER BY bm25(runs_fts), r.accepted_at DESC NULLS LAST LIMIT $3"
                    )))
                    .bind(&expr)
                    .bind(&q.tenant)
                    .bind(q.limit)
                    .fetch_all(e)
                    .await?
                }
                Pool::Postgres(e) => {
                    // pg_trgm: case-insensitive substring match (as FTS5's
                    // trigram tokenizer), ranked by word similarity, negated so
                    // lower = more relevant as with bm25.
                    let patterns: Vec<String> = terms.iter().map(|t| like_pattern(t)).collect();
                    let words: Vec<String> = terms.iter().map(|t| t.to_string()).collect();
                    sqlx::query_as::<_, CandidateRow>(sqlx::AssertSqlSafe(format!(
                        "SELECT {RUN_COLUMNS}, fts_rank, FALSE AS pinned, NULL AS pin_reason
                         FROM (SELECT r.*, -(SELECT SUM(word_similarity(w, r.task || ' ' || r.tool_names))
                                             FROM unnest($4::text[]) AS w)::DOUBLE PRECISION AS fts_rank
                               FROM runs r
                               WHERE (r.task || ' ' || r.tool_names) ILIKE ANY ($1::text[])
                                 AND r.tenant = $2 AND r.accepted) r
                         ORDER BY fts_rank, r.accepted_at DESC NULLS LAST LIMIT $3"
                    )))
                    .bind(&patterns)
                    .bind(&q.tenant)
                    .bind(q.limit)
                    .bind(&words)
                    .fetch_all(e)
                    .await?
                }
            };
            for row in matched {
                push(row, &mut out);
            }
        }
        Ok(out)
    }
}

/// An eval's report set being written (see [`Store::begin_reports`]).
pub struct ReportWriter {
    tx: crate::db::Tx,
    redactor: std::sync::Arc<skillgate_redact::Redactor>,
    eval_id: String,
    now: String,
}

impl ReportWriter {
    /// The stored transcripts of one case's trials, as (trial id,
    /// transcript), read inside the writer's transaction.
    pub async fn case_transcripts(
        &mut self,
        case_id: &str,
    ) -> Result<Vec<(String, Option<String>)>, StoreError> {
        let eval_id = &self.eval_id;
        Ok(on_conn!(&mut self.tx, |e| {
            sqlx::query_as::<_, (String, Option<String>)>(
                "SELECT id, transcript FROM trials WHERE eval_id = $1 AND case_id = $2",
            )
            .bind(eval_id)
            .bind(case_id)
            .fetch_all(e)
            .await
        })?)
    }

    /// Stores one case report (redacted like every stored report).
    pub async fn add_case(&mut self, body: &str) -> Result<(), StoreError> {
        let body = self.redactor.redact_report(body).into_owned();
        let (eval_id, now) = (&self.eval_id, &self.now);
        on_conn!(&mut self.tx, |e| {
            sqlx::query(
                "INSERT INTO reports (id, eval_id, kind, body, created_at) VALUES ($1, $2, 'case', $3, $4)",
            )
            .bind(new_id("rpt"))
            .bind(eval_id)
            .bind(&body)
            .bind(now)
            .execute(e)
            .await
            .map(Executed::from)
        })?;
        Ok(())
    }

    /// Stores the eval report, sets the eval's final status and commits.
    /// Returns the eval report's id.
    pub async fn finish(
        mut self,
        status: &str,
        mode: &str,
        eval_report: &str,
    ) -> Result<String, StoreError> {
        let report_id = new_id("rpt");
        let body = scrub_large_report(&self.redactor, eval_report);
        let (eval_id, now) = (&self.eval_id, &self.now);
        on_conn!(&mut self.tx, |e| {
            sqlx::query(
                "INSERT INTO reports (id, eval_id, kind, body, created_at) VALUES ($1, $2, 'eval', $3, $4)",
            )
            .bind(&report_id)
            .bind(eval_id)
            .bind(&*body)
            .bind(now)
            .execute(e)
            .await
            .map(Executed::from)
        })?;
        let done = on_conn!(&mut self.tx, |e| {
            sqlx::query("UPDATE evals SET status = $1, mode = $2, finished_at = $3 WHERE id = $4")
                .bind(status)
                .bind(mode)
                .bind(now)
                .bind(eval_id)
                .execute(e)
                .await
                .map(Executed::from)
        })?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                kind: "eval",
                id: self.eval_id,
            });
        }
        self.tx.commit().await?;
        Ok(report_id)
    }
}

/// [`skillgate_redact::Redactor::redact_report`] for a large JSON object (the
/// eval report), without holding the whole document as a `serde_json::Value`:
/// each top-level value, and each element of a top-level array, is checked on
/// its own (the redaction rules look only at a value and its own key, so this
/// is the same check). When nothing would change, the text is stored as it
/// is, exactly as `redact_report` does; otherwise, or when the text is not
/// such an object, the whole document goes through `redact_report`.
fn scrub_large_report<'a>(redactor: &skillgate_redact::Redactor, text: &'a str) -> Cow<'a, str> {
    use serde_json::value::RawValue;
    let unchanged = |piece: &str| matches!(redactor.redact_report(piece), Cow::Borrowed(_));
    let piecewise_unchanged = || -> Option<bool> {
        let top: std::collections::BTreeMap<String, Box<RawValue>> =
            serde_json::from_str(text).ok()?;
        for (key, raw) in &top {
            if skillgate_redact::is_secret_key(key) || redactor.redact_str(key) != key.as_str() {
                return Some(false);
            }
            let piece = raw.get();
            let ok = if piece.starts_with('[') {
                let items: Vec<Box<RawValue>> = serde_json::from_str(piece).ok()?;
                items.iter().all(|item| unchanged(item.get()))
            } else {
                unchanged(piece)
            };
            if !ok {
                return Some(false);
            }
        }
        Some(true)
    };
    if !redactor.enabled() || piecewise_unchanged() == Some(true) {
        return Cow::Borrowed(text);
    }
    redactor.redact_report(text)
}
