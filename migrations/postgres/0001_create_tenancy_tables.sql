-- Funders are the tenants; API keys are bound to one funder and one role and stored only as a hash.
CREATE TABLE funders (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text        NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE api_keys (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key_id      text        NOT NULL UNIQUE,
    funder_id   bigint      NOT NULL REFERENCES funders (id),
    role        text        NOT NULL CHECK (role IN ('admin', 'analyst', 'officer', 'finance')),
    key_hash    text        NOT NULL,
    label       text        NULL,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz NULL
);

CREATE INDEX ix_api_keys_funder ON api_keys (funder_id);
