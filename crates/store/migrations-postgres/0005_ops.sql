-- skillgate schema: operations (SPEC §7). Portable SQL.
--
-- Facts the metrics read, decoded once from the stored JSON (eval report
-- bodies, trial transcripts) by `Store::ops_evals` / `Store::ops_trial_durations`
-- the first time they see a report or trial, so a `/metrics` scrape decodes
-- only what is new. Derived data: safe to delete, it is rebuilt on the next
-- read. Trial wall times outlive the retention purge (a duration is not raw
-- data), so the latency histogram keeps purged trials.

CREATE TABLE ops_report_facts (
    report_id        TEXT COLLATE "C" PRIMARY KEY,     -- reports.id of an `eval` report
    eval_id          TEXT COLLATE "C" NOT NULL,
    decoded          BOOLEAN NOT NULL,     -- false: the body did not decode
    report_status    TEXT COLLATE "C",
    blocked_coverage DOUBLE PRECISION,
    regressed        BIGINT,
    improved         BIGINT,
    unchanged        BIGINT,
    wall_ms          BIGINT
);
CREATE INDEX ops_report_facts_eval ON ops_report_facts (eval_id);

CREATE TABLE ops_trial_facts (
    trial_id    TEXT COLLATE "C" PRIMARY KEY,          -- trials.id
    arm         TEXT COLLATE "C" NOT NULL,
    finished_at TEXT COLLATE "C" NOT NULL,
    wall_ms     BIGINT                     -- NULL: the transcript has no totals.wall_ms
);
CREATE INDEX ops_trial_facts_finished ON ops_trial_facts (finished_at);
