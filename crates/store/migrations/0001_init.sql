-- skillgate schema v1. Portable SQL: TEXT ids, TEXT timestamps (RFC 3339 UTC),
-- JSON documents as TEXT, no AUTOINCREMENT, no SQLite-only types, so the same
-- statements map onto PostgreSQL (TEXT/JSONB/TIMESTAMPTZ) without redesign.

-- Content-addressed file bodies shared by skill versions and drafts.
CREATE TABLE blobs (
    hash        TEXT PRIMARY KEY,          -- sha256 hex of content
    size        BIGINT NOT NULL,
    content     BLOB NOT NULL
);

CREATE TABLE skills (
    name        TEXT PRIMARY KEY,
    created_at  TEXT NOT NULL
);

CREATE TABLE skill_versions (
    id              TEXT PRIMARY KEY,
    skill_name      TEXT NOT NULL REFERENCES skills(name),
    version         INTEGER NOT NULL,
    description     TEXT NOT NULL,
    content_hash    TEXT NOT NULL,         -- hash over (path, file hash) pairs
    source_draft_id TEXT,                  -- the draft it was published from, if any
    created_at      TEXT NOT NULL,
    UNIQUE (skill_name, version)
);

CREATE TABLE skill_version_files (
    version_id  TEXT NOT NULL REFERENCES skill_versions(id),
    path        TEXT NOT NULL,
    blob_hash   TEXT NOT NULL REFERENCES blobs(hash),
    PRIMARY KEY (version_id, path)
);

CREATE TABLE drafts (
    id                  TEXT PRIMARY KEY,
    skill_name          TEXT NOT NULL,
    description         TEXT NOT NULL,
    revises_version_id  TEXT REFERENCES skill_versions(id),
    content_hash        TEXT NOT NULL,
    status              TEXT NOT NULL,     -- submitted | evaluated | approved | rejected | published
    lint_report         TEXT,              -- JSON
    safety_report       TEXT,              -- JSON SafetyReport
    preservation_report TEXT,              -- JSON PreservationReport (revisions only)
    created_at          TEXT NOT NULL
);

CREATE TABLE draft_files (
    draft_id    TEXT NOT NULL REFERENCES drafts(id),
    path        TEXT NOT NULL,
    blob_hash   TEXT NOT NULL REFERENCES blobs(hash),
    PRIMARY KEY (draft_id, path)
);

-- Historical agent runs (SPEC §2.2). Imported, never edited.
CREATE TABLE runs (
    id           TEXT PRIMARY KEY,
    tenant       TEXT NOT NULL,
    locale       TEXT NOT NULL,
    task         TEXT NOT NULL,
    tool_names   TEXT NOT NULL,            -- space-separated, for case selection
    skill_hint   TEXT,
    accepted     BOOLEAN NOT NULL,
    accepted_at  TEXT,
    created_at   TEXT,
    content_hash TEXT NOT NULL,            -- sha256 of the canonical JSON body
    body         TEXT NOT NULL,            -- canonical JSON of the Run
    imported_at  TEXT NOT NULL
);
CREATE INDEX runs_tenant_accepted ON runs (tenant, accepted, accepted_at);

-- Cases pinned to a skill by hand (e.g. after a false pass): always selected.
CREATE TABLE pinned_cases (
    skill_name  TEXT NOT NULL,
    run_id      TEXT NOT NULL REFERENCES runs(id),
    reason      TEXT NOT NULL,
    added_by    TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    PRIMARY KEY (skill_name, run_id)
);

CREATE TABLE evals (
    id          TEXT PRIMARY KEY,
    draft_id    TEXT NOT NULL REFERENCES drafts(id),
    status      TEXT NOT NULL,             -- queued | running | passed | failed | partial | replay_error | skipped_provider_unavailable
    mode        TEXT NOT NULL,             -- replay | heuristic
    config      TEXT NOT NULL,             -- JSON: cases, trials, locale, provider, model, seed
    created_at  TEXT NOT NULL,
    finished_at TEXT
);

CREATE TABLE replay_cases (
    id          TEXT PRIMARY KEY,
    eval_id     TEXT NOT NULL REFERENCES evals(id),
    run_id      TEXT NOT NULL REFERENCES runs(id),
    position    INTEGER NOT NULL,
    reason      TEXT NOT NULL,             -- why the case was chosen
    UNIQUE (eval_id, run_id)
);

CREATE TABLE trials (
    id          TEXT PRIMARY KEY,
    eval_id     TEXT NOT NULL REFERENCES evals(id),
    case_id     TEXT NOT NULL REFERENCES replay_cases(id),
    arm         TEXT NOT NULL,             -- baseline | candidate
    trial_index INTEGER NOT NULL,
    seed        BIGINT NOT NULL,
    status      TEXT NOT NULL,             -- finished | errored
    score       DOUBLE PRECISION,
    passed      BOOLEAN,
    transcript  TEXT,                      -- JSON TrialTranscript (raw; purged after retention)
    grades      TEXT,                      -- JSON grader results
    input_tokens  BIGINT NOT NULL DEFAULT 0,
    output_tokens BIGINT NOT NULL DEFAULT 0,
    finished_at TEXT NOT NULL,
    UNIQUE (eval_id, case_id, arm, trial_index)
);

CREATE TABLE tool_calls (
    id          TEXT PRIMARY KEY,
    trial_id    TEXT NOT NULL REFERENCES trials(id),
    seq         INTEGER NOT NULL,
    name        TEXT NOT NULL,
    mode        TEXT NOT NULL,             -- executed | surrogate | blocked
    rule        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    arguments   TEXT NOT NULL,
    result      TEXT NOT NULL,
    side_effect TEXT,
    UNIQUE (trial_id, seq)
);

CREATE TABLE reports (
    id          TEXT PRIMARY KEY,
    eval_id     TEXT NOT NULL REFERENCES evals(id),
    kind        TEXT NOT NULL,             -- eval | case
    body        TEXT NOT NULL,             -- JSON
    created_at  TEXT NOT NULL
);

CREATE TABLE reviews (
    id               TEXT PRIMARY KEY,
    draft_id         TEXT NOT NULL REFERENCES drafts(id),
    decision         TEXT NOT NULL,        -- approve | reject
    rationale        TEXT,
    reviewer         TEXT NOT NULL,
    decision_seconds BIGINT,               -- report ready -> decision
    superseded_by    TEXT,
    created_at       TEXT NOT NULL
);

CREATE TABLE publish_decisions (
    id          TEXT PRIMARY KEY,
    draft_id    TEXT NOT NULL REFERENCES drafts(id),
    outcome     TEXT NOT NULL,             -- published | refused | recorded (shadow)
    failures    TEXT NOT NULL,             -- JSON list of gate failures
    rationale   TEXT,
    actor       TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE incidents (
    id          TEXT PRIMARY KEY,
    severity    TEXT NOT NULL,             -- P0 | P1 | P2
    title       TEXT NOT NULL,
    detail      TEXT NOT NULL,
    status      TEXT NOT NULL,             -- open | closed
    root_cause  TEXT,
    opened_at   TEXT NOT NULL,
    closed_at   TEXT
);

CREATE TABLE audit_log (
    id       TEXT PRIMARY KEY,
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    subject  TEXT NOT NULL,
    detail   TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);

-- Small key/value settings: kill switch, rollout phase overrides.
CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
