-- skillgate schema: governance (SPEC §6). Portable SQL, one column per
-- ALTER TABLE so the same statements run on PostgreSQL.

-- The eval whose report the reviewer decided on (NULL: no eval yet).
ALTER TABLE reviews ADD COLUMN eval_id TEXT COLLATE "C";
-- What the gate recommended on the draft's evidence alone, and whether the
-- reviewer's decision agreed (the comparison of the shadow phase).
ALTER TABLE reviews ADD COLUMN gate_recommendation TEXT COLLATE "C";      -- publish | refuse
ALTER TABLE reviews ADD COLUMN gate_agreed BOOLEAN;
CREATE INDEX reviews_draft_current ON reviews (draft_id, superseded_by);

-- What the gate saw and said for each publish attempt.
ALTER TABLE publish_decisions ADD COLUMN phase TEXT COLLATE "C";             -- shadow | strict | pilot | ga
ALTER TABLE publish_decisions ADD COLUMN recommendation TEXT COLLATE "C";    -- publish | refuse (strict rules)
ALTER TABLE publish_decisions ADD COLUMN human_agreed BOOLEAN;   -- recommendation == the human's publish
ALTER TABLE publish_decisions ADD COLUMN exceptions TEXT COLLATE "C";        -- JSON list of gate exceptions used
ALTER TABLE publish_decisions ADD COLUMN review_id TEXT COLLATE "C";         -- the current review at the time
ALTER TABLE publish_decisions ADD COLUMN eval_id TEXT COLLATE "C";           -- the eval whose report was used
ALTER TABLE publish_decisions ADD COLUMN skill_version_id TEXT COLLATE "C";  -- the version published, if any
CREATE INDEX publish_decisions_draft ON publish_decisions (draft_id, created_at);

-- A rollback publishes an earlier version's files as a new version; this
-- records which version it restored.
CREATE TABLE rollbacks (
    id              TEXT COLLATE "C" PRIMARY KEY,
    skill_name      TEXT COLLATE "C" NOT NULL REFERENCES skills(name),
    from_version    BIGINT NOT NULL,      -- the version current before the rollback
    to_version      BIGINT NOT NULL,      -- the version whose files were restored
    new_version_id  TEXT COLLATE "C" NOT NULL REFERENCES skill_versions(id),
    reason          TEXT COLLATE "C" NOT NULL,
    actor           TEXT COLLATE "C" NOT NULL,
    created_at      TEXT COLLATE "C" NOT NULL
);

CREATE INDEX incidents_status ON incidents (status, severity);
