-- skillgate schema: API tokens for the web UI and HTTP API (SPEC §7, issue 8).
-- Only the SHA-256 hex of a token is stored; the token itself is printed once
-- by `skillgate token create` and never kept.
CREATE TABLE api_tokens (
    id          TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT COLLATE "C" NOT NULL,
    role        TEXT COLLATE "C" NOT NULL,             -- viewer | reviewer | publisher | admin
    token_hash  TEXT COLLATE "C" NOT NULL UNIQUE,      -- sha256 hex of the token
    created_at  TEXT COLLATE "C" NOT NULL,
    revoked_at  TEXT COLLATE "C"
);
