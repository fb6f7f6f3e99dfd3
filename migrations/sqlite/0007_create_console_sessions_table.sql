-- Officers' console sessions: the cookie carries a random token; only its SHA-256 is stored. A session ends when signed
-- out (revoked_at), when idle too long (last_seen_at) or at its absolute expiry (expires_at), whichever comes first.
CREATE TABLE console_sessions (
    id            INTEGER PRIMARY KEY,
    token_hash    TEXT    NOT NULL UNIQUE,
    funder_id     INTEGER NOT NULL REFERENCES funders (id),
    key_id        TEXT    NOT NULL,
    person        TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    last_seen_at  TEXT    NOT NULL,
    expires_at    TEXT    NOT NULL,
    revoked_at    TEXT    NULL
);

CREATE INDEX ix_console_sessions_person ON console_sessions (funder_id, person);
