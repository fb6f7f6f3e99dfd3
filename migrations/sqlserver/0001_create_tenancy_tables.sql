-- Funders are the tenants; API keys are bound to one funder and one role and stored only as a hash.
CREATE TABLE funders (
    id          bigint IDENTITY(1,1) PRIMARY KEY,
    name        nvarchar(400)  NOT NULL,
    created_at  datetimeoffset NOT NULL
);

CREATE TABLE api_keys (
    id          bigint IDENTITY(1,1) PRIMARY KEY,
    key_id      nvarchar(64)   NOT NULL UNIQUE,
    funder_id   bigint         NOT NULL REFERENCES funders (id),
    role        nvarchar(16)   NOT NULL CHECK (role IN ('admin', 'analyst', 'officer', 'finance')),
    key_hash    nvarchar(128)  NOT NULL,
    label       nvarchar(200)  NULL,
    created_at  datetimeoffset NOT NULL,
    revoked_at  datetimeoffset NULL
);

CREATE INDEX ix_api_keys_funder ON api_keys (funder_id);
