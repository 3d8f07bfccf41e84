-- skillgate schema: API tokens for the web UI and HTTP API (SPEC §7, issue 8).
-- Only the SHA-256 hex of a token is stored; the token itself is printed once
-- by `skillgate token create` and never kept.
CREATE TABLE api_tokens (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,             -- viewer | reviewer | publisher | admin
    token_hash  TEXT NOT NULL UNIQUE,      -- sha256 hex of the token
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
