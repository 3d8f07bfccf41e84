-- skillgate schema: evals (SPEC §3.1, §3.3, §5.1). Portable SQL except the
-- full-text index, which is SQLite FTS5 here.
--
-- PostgreSQL mapping of `runs_fts` (when that backend lands): a generated
-- column `search tsvector GENERATED ALWAYS AS (to_tsvector('simple', task || ' ' || tool_names)) STORED`
-- with a GIN index for word matches, plus `CREATE EXTENSION pg_trgm` and a GIN
-- `gin_trgm_ops` index on `task || ' ' || tool_names` for Chinese (no word
-- boundaries); ranking by `ts_rank` / `similarity()` instead of `bm25()`.
-- Only `Store::case_candidates` queries it.

-- Full-text index over the task and tool names of every run. The trigram
-- tokenizer matches any 3-character substring, so Chinese tasks (no spaces)
-- match too. External content: the text lives in `runs` only.
CREATE VIRTUAL TABLE runs_fts USING fts5(
    task,
    tool_names,
    content = 'runs',
    content_rowid = 'rowid',
    tokenize = 'trigram'
);
INSERT INTO runs_fts (runs_fts) VALUES ('rebuild');

CREATE TRIGGER runs_fts_insert AFTER INSERT ON runs BEGIN
    INSERT INTO runs_fts (rowid, task, tool_names) VALUES (new.rowid, new.task, new.tool_names);
END;
CREATE TRIGGER runs_fts_delete AFTER DELETE ON runs BEGIN
    INSERT INTO runs_fts (runs_fts, rowid, task, tool_names) VALUES ('delete', old.rowid, old.task, old.tool_names);
END;
CREATE TRIGGER runs_fts_update AFTER UPDATE ON runs BEGIN
    INSERT INTO runs_fts (runs_fts, rowid, task, tool_names) VALUES ('delete', old.rowid, old.task, old.tool_names);
    INSERT INTO runs_fts (rowid, task, tool_names) VALUES (new.rowid, new.task, new.tool_names);
END;

-- Per-trial facts the report needs without decoding the transcript.
ALTER TABLE trials ADD COLUMN error TEXT;                                   -- why an errored trial errored
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
    trial_id    TEXT PRIMARY KEY REFERENCES trials(id),
    score       DOUBLE PRECISION NOT NULL,
    note        TEXT NOT NULL,
    grader      TEXT NOT NULL,             -- who graded
    created_at  TEXT NOT NULL
);
