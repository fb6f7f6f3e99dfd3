-- Officers' console sessions: the cookie carries a random token; only its SHA-256 is stored. A session ends when signed
-- out (revoked_at), when idle too long (last_seen_at) or at its absolute expiry (expires_at), whichever comes first.
CREATE TABLE console_sessions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash    text        NOT NULL UNIQUE,
    funder_id     bigint      NOT NULL REFERENCES funders (id),
    key_id        text        NOT NULL,
    person        text        NOT NULL,
    created_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz NULL
);

CREATE INDEX ix_console_sessions_person ON console_sessions (funder_id, person);
