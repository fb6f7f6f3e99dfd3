-- Officers' console sessions: the cookie carries a random token; only its SHA-256 is stored. A session ends when signed
-- out (revoked_at), when idle too long (last_seen_at) or at its absolute expiry (expires_at), whichever comes first.
CREATE TABLE console_sessions (
    id            bigint IDENTITY(1,1) PRIMARY KEY,
    token_hash    nvarchar(64)   NOT NULL UNIQUE,
    funder_id     bigint         NOT NULL REFERENCES funders (id),
    key_id        nvarchar(64)   NOT NULL,
    person        nvarchar(260)  NOT NULL,
    created_at    datetimeoffset NOT NULL,
    last_seen_at  datetimeoffset NOT NULL,
    expires_at    datetimeoffset NOT NULL,
    revoked_at    datetimeoffset NULL
);

CREATE INDEX ix_console_sessions_person ON console_sessions (funder_id, person);
