-- skillgate schema: the job queue (SPEC §8, §9). Portable SQL.
--
-- A lease table: a worker claims the oldest queued job in one write
-- transaction (SQLite: `BEGIN IMMEDIATE`; PostgreSQL, when added:
-- `SELECT … FOR UPDATE SKIP LOCKED`), sets `state = 'running'`, its name in
-- `lease_owner` and `lease_expires_at = now + lease`, and heartbeats to push
-- the expiry forward while it works. A lease that expires (the worker died)
-- puts the job back to `queued`, or to `failed` once `attempts` reached
-- `max_attempts`. Trials are written once (UNIQUE in `trials`), so a job taken
-- over by another worker resumes its eval without repeating a stored trial.
-- Timestamps are RFC 3339 UTC with three fraction digits: they compare as text.

CREATE TABLE jobs (
    id               TEXT COLLATE "C" PRIMARY KEY,
    kind             TEXT COLLATE "C" NOT NULL,            -- 'eval'
    draft_id         TEXT COLLATE "C",                     -- eval jobs: at most one running job per draft
    payload          TEXT COLLATE "C" NOT NULL,            -- JSON: draft_id, cases, trials, prompt_locale, requested_by
    state            TEXT COLLATE "C" NOT NULL,            -- queued | running | done | failed
    attempts         BIGINT NOT NULL DEFAULT 0, -- claims so far
    max_attempts     BIGINT NOT NULL,
    lease_owner      TEXT COLLATE "C",                     -- worker id while running
    lease_expires_at TEXT COLLATE "C",
    heartbeat_at     TEXT COLLATE "C",
    last_error       TEXT COLLATE "C",
    result           TEXT COLLATE "C",                     -- JSON once done: eval_id, report_id, status
    created_at       TEXT COLLATE "C" NOT NULL,
    updated_at       TEXT COLLATE "C" NOT NULL
);
CREATE INDEX jobs_state_created ON jobs (state, created_at);
CREATE INDEX jobs_draft_state ON jobs (draft_id, state);
