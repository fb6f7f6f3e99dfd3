-- Funders are the tenants; API keys are bound to one funder and one role and stored only as a hash.
CREATE TABLE funders (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
);

CREATE TABLE api_keys (
    id          INTEGER PRIMARY KEY,
    key_id      TEXT    NOT NULL UNIQUE,
    funder_id   INTEGER NOT NULL REFERENCES funders (id),
    role        TEXT    NOT NULL CHECK (role IN ('admin', 'analyst', 'officer', 'finance')),
    key_hash    TEXT    NOT NULL,
    label       TEXT    NULL,
    created_at  TEXT    NOT NULL,
    revoked_at  TEXT    NULL
);

CREATE INDEX ix_api_keys_funder ON api_keys (funder_id);
