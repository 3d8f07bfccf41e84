-- skillgate schema v1, PostgreSQL version of migrations/0001_init.sql:
-- BIGINT for every integer, BYTEA for blobs, TEXT COLLATE "C" so ids and
-- RFC 3339 timestamps compare byte by byte as in SQLite.
-- Portable SQL: TEXT ids, TEXT timestamps (RFC 3339 UTC),
-- JSON documents as TEXT, no AUTOINCREMENT, no SQLite-only types, so the same
-- statements map onto PostgreSQL (TEXT/JSONB/TIMESTAMPTZ) without redesign.

-- Content-addressed file bodies shared by skill versions and drafts.
CREATE TABLE blobs (
    hash        TEXT COLLATE "C" PRIMARY KEY,          -- sha256 hex of content
    size        BIGINT NOT NULL,
    content     BYTEA NOT NULL
);

CREATE TABLE skills (
    name        TEXT COLLATE "C" PRIMARY KEY,
    created_at  TEXT COLLATE "C" NOT NULL
);

CREATE TABLE skill_versions (
    id              TEXT COLLATE "C" PRIMARY KEY,
    skill_name      TEXT COLLATE "C" NOT NULL REFERENCES skills(name),
    version         BIGINT NOT NULL,
    description     TEXT COLLATE "C" NOT NULL,
    content_hash    TEXT COLLATE "C" NOT NULL,         -- hash over (path, file hash) pairs
    source_draft_id TEXT COLLATE "C",                  -- the draft it was published from, if any
    created_at      TEXT COLLATE "C" NOT NULL,
    UNIQUE (skill_name, version)
);

CREATE TABLE skill_version_files (
    version_id  TEXT COLLATE "C" NOT NULL REFERENCES skill_versions(id),
    path        TEXT COLLATE "C" NOT NULL,
    blob_hash   TEXT COLLATE "C" NOT NULL REFERENCES blobs(hash),
    PRIMARY KEY (version_id, path)
);

CREATE TABLE drafts (
    id                  TEXT COLLATE "C" PRIMARY KEY,
    skill_name          TEXT COLLATE "C" NOT NULL,
    description         TEXT COLLATE "C" NOT NULL,
    revises_version_id  TEXT COLLATE "C" REFERENCES skill_versions(id),
    content_hash        TEXT COLLATE "C" NOT NULL,
    status              TEXT COLLATE "C" NOT NULL,     -- submitted | evaluated | approved | rejected | published
    lint_report         TEXT COLLATE "C",              -- JSON
    safety_report       TEXT COLLATE "C",              -- JSON SafetyReport
    preservation_report TEXT COLLATE "C",              -- JSON PreservationReport (revisions only)
    created_at          TEXT COLLATE "C" NOT NULL
);

CREATE TABLE draft_files (
    draft_id    TEXT COLLATE "C" NOT NULL REFERENCES drafts(id),
    path        TEXT COLLATE "C" NOT NULL,
    blob_hash   TEXT COLLATE "C" NOT NULL REFERENCES blobs(hash),
    PRIMARY KEY (draft_id, path)
);

-- Historical agent runs (SPEC §2.2). Imported, never edited.
CREATE TABLE runs (
    id           TEXT COLLATE "C" PRIMARY KEY,
    tenant       TEXT COLLATE "C" NOT NULL,
    locale       TEXT COLLATE "C" NOT NULL,
    task         TEXT COLLATE "C" NOT NULL,
    tool_names   TEXT COLLATE "C" NOT NULL,            -- space-separated, for case selection
    skill_hint   TEXT COLLATE "C",
    accepted     BOOLEAN NOT NULL,
    accepted_at  TEXT COLLATE "C",
    created_at   TEXT COLLATE "C",
    content_hash TEXT COLLATE "C" NOT NULL,            -- sha256 of the canonical JSON body
    body         TEXT COLLATE "C" NOT NULL,            -- canonical JSON of the Run
    imported_at  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX runs_tenant_accepted ON runs (tenant, accepted, accepted_at);

-- Cases pinned to a skill by hand (e.g. after a false pass): always selected.
CREATE TABLE pinned_cases (
    skill_name  TEXT COLLATE "C" NOT NULL,
    run_id      TEXT COLLATE "C" NOT NULL REFERENCES runs(id),
    reason      TEXT COLLATE "C" NOT NULL,
    added_by    TEXT COLLATE "C" NOT NULL,
    added_at    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (skill_name, run_id)
);

CREATE TABLE evals (
    id          TEXT COLLATE "C" PRIMARY KEY,
    draft_id    TEXT COLLATE "C" NOT NULL REFERENCES drafts(id),
    status      TEXT COLLATE "C" NOT NULL,             -- queued | running | passed | failed | partial | replay_error | skipped_provider_unavailable
    mode        TEXT COLLATE "C" NOT NULL,             -- replay | heuristic
    config      TEXT COLLATE "C" NOT NULL,             -- JSON: cases, trials, locale, provider, model, seed
    created_at  TEXT COLLATE "C" NOT NULL,
    finished_at TEXT COLLATE "C"
);

CREATE TABLE replay_cases (
    id          TEXT COLLATE "C" PRIMARY KEY,
    eval_id     TEXT COLLATE "C" NOT NULL REFERENCES evals(id),
    run_id      TEXT COLLATE "C" NOT NULL REFERENCES runs(id),
    position    BIGINT NOT NULL,
    reason      TEXT COLLATE "C" NOT NULL,             -- why the case was chosen
    UNIQUE (eval_id, run_id)
);

CREATE TABLE trials (
    id          TEXT COLLATE "C" PRIMARY KEY,
    eval_id     TEXT COLLATE "C" NOT NULL REFERENCES evals(id),
    case_id     TEXT COLLATE "C" NOT NULL REFERENCES replay_cases(id),
    arm         TEXT COLLATE "C" NOT NULL,             -- baseline | candidate
    trial_index BIGINT NOT NULL,
    seed        BIGINT NOT NULL,
    status      TEXT COLLATE "C" NOT NULL,             -- finished | errored
    score       DOUBLE PRECISION,
    passed      BOOLEAN,
    transcript  TEXT COLLATE "C",                      -- JSON TrialTranscript (raw; purged after retention)
    grades      TEXT COLLATE "C",                      -- JSON grader results
    input_tokens  BIGINT NOT NULL DEFAULT 0,
    output_tokens BIGINT NOT NULL DEFAULT 0,
    finished_at TEXT COLLATE "C" NOT NULL,
    UNIQUE (eval_id, case_id, arm, trial_index)
);

CREATE TABLE tool_calls (
    id          TEXT COLLATE "C" PRIMARY KEY,
    trial_id    TEXT COLLATE "C" NOT NULL REFERENCES trials(id),
    seq         BIGINT NOT NULL,
    name        TEXT COLLATE "C" NOT NULL,
    mode        TEXT COLLATE "C" NOT NULL,             -- executed | surrogate | blocked
    rule        TEXT COLLATE "C" NOT NULL,
    reason      TEXT COLLATE "C" NOT NULL,
    arguments   TEXT COLLATE "C" NOT NULL,
    result      TEXT COLLATE "C" NOT NULL,
    side_effect TEXT COLLATE "C",
    UNIQUE (trial_id, seq)
);

CREATE TABLE reports (
    id          TEXT COLLATE "C" PRIMARY KEY,
    eval_id     TEXT COLLATE "C" NOT NULL REFERENCES evals(id),
    kind        TEXT COLLATE "C" NOT NULL,             -- eval | case
    body        TEXT COLLATE "C" NOT NULL,             -- JSON
    created_at  TEXT COLLATE "C" NOT NULL
);

CREATE TABLE reviews (
    id               TEXT COLLATE "C" PRIMARY KEY,
    draft_id         TEXT COLLATE "C" NOT NULL REFERENCES drafts(id),
    decision         TEXT COLLATE "C" NOT NULL,        -- approve | reject
    rationale        TEXT COLLATE "C",
    reviewer         TEXT COLLATE "C" NOT NULL,
    decision_seconds BIGINT,               -- report ready -> decision
    superseded_by    TEXT COLLATE "C",
    created_at       TEXT COLLATE "C" NOT NULL
);

CREATE TABLE publish_decisions (
    id          TEXT COLLATE "C" PRIMARY KEY,
    draft_id    TEXT COLLATE "C" NOT NULL REFERENCES drafts(id),
    outcome     TEXT COLLATE "C" NOT NULL,             -- published | refused | recorded (shadow)
    failures    TEXT COLLATE "C" NOT NULL,             -- JSON list of gate failures
    rationale   TEXT COLLATE "C",
    actor       TEXT COLLATE "C" NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL
);

CREATE TABLE incidents (
    id          TEXT COLLATE "C" PRIMARY KEY,
    severity    TEXT COLLATE "C" NOT NULL,             -- P0 | P1 | P2
    title       TEXT COLLATE "C" NOT NULL,
    detail      TEXT COLLATE "C" NOT NULL,
    status      TEXT COLLATE "C" NOT NULL,             -- open | closed
    root_cause  TEXT COLLATE "C",
    opened_at   TEXT COLLATE "C" NOT NULL,
    closed_at   TEXT COLLATE "C"
);

CREATE TABLE audit_log (
    id       TEXT COLLATE "C" PRIMARY KEY,
    at       TEXT COLLATE "C" NOT NULL,
    actor    TEXT COLLATE "C" NOT NULL,
    action   TEXT COLLATE "C" NOT NULL,
    subject  TEXT COLLATE "C" NOT NULL,
    detail   TEXT COLLATE "C" NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);

-- Small key/value settings: kill switch, rollout phase overrides.
CREATE TABLE settings (
    key    TEXT COLLATE "C" PRIMARY KEY,
    value  TEXT COLLATE "C" NOT NULL
);
