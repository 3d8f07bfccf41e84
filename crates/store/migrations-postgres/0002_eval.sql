-- skillgate schema: evals (SPEC §3.1, §3.3, §5.1), PostgreSQL version.
--
-- Full-text search over runs (SQLite: FTS5 with the trigram tokenizer) is
-- pg_trgm here: a GIN `gin_trgm_ops` index on `task || ' ' || tool_names`
-- serves `ILIKE '%term%'`, the same case-insensitive substring match the
-- FTS5 trigram tokenizer gives, so Chinese tasks (no word boundaries) match
-- too; `word_similarity()` ranks the matches. Only `Store::case_candidates`
-- queries it. pg_trgm is a trusted extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX runs_search_trgm ON runs USING gin ((task || ' ' || tool_names) gin_trgm_ops);

-- Per-trial facts the report needs without decoding the transcript.
ALTER TABLE trials ADD COLUMN error TEXT COLLATE "C";                                   -- why an errored trial errored
ALTER TABLE trials ADD COLUMN skill_loaded BOOLEAN NOT NULL DEFAULT FALSE;  -- for the trigger rate
ALTER TABLE trials ADD COLUMN cache_hits BIGINT NOT NULL DEFAULT 0;         -- judge answers from the response cache

CREATE INDEX trials_eval ON trials (eval_id, case_id, arm, trial_index);
CREATE INDEX tool_calls_trial ON tool_calls (trial_id, seq);
CREATE INDEX replay_cases_eval ON replay_cases (eval_id, position);
CREATE INDEX reports_eval ON reports (eval_id, kind, created_at);
CREATE INDEX evals_draft ON evals (draft_id, created_at);
CREATE INDEX runs_skill_hint ON runs (tenant, skill_hint);

-- A human's grade of a trial: overrides the graders' score in every report.
CREATE TABLE grade_overrides (
    trial_id    TEXT COLLATE "C" PRIMARY KEY REFERENCES trials(id),
    score       DOUBLE PRECISION NOT NULL,
    note        TEXT COLLATE "C" NOT NULL,
    grader      TEXT COLLATE "C" NOT NULL,             -- who graded
    created_at  TEXT COLLATE "C" NOT NULL
);
