-- Staff are people (issue 16): a person of a funder with an email (unique per funder, compared in lower case through
-- email_key), roles (comma-separated, e.g. "admin,officer"), a status (invited until the invitation is used, active,
-- seized: every session, key and factor revoked, to be re-invited) and a password hash (ASP.NET Core Identity's
-- PasswordHasher). Invitations, TOTP factors and recovery codes are stored only as hashes or Data Protection
-- ciphertext; last_time_step makes a TOTP code usable once. Sign-in throttles hold the backoff per account and per
-- address (both as SHA-256, never the email or the address itself) so that several instances share it. Console
-- sessions now belong to a person and remember when the second factor was last given (step-up).
CREATE TABLE staff_people (
    id              bigint IDENTITY(1,1) PRIMARY KEY,
    funder_id       bigint         NOT NULL REFERENCES funders (id),
    email           nvarchar(320)  NOT NULL,
    email_key       nvarchar(320)  NOT NULL,
    display_name    nvarchar(200)  NOT NULL,
    roles           nvarchar(100)  NOT NULL,
    status          nvarchar(16)   NOT NULL CHECK (status IN ('invited', 'active', 'seized', 'disabled')),
    password_hash   nvarchar(400)  NULL,
    created_at      datetimeoffset NOT NULL,
    updated_at      datetimeoffset NOT NULL,
    seized_at       datetimeoffset NULL,
    CONSTRAINT ux_staff_people_email UNIQUE (funder_id, email_key)
);

CREATE TABLE staff_invitations (
    id                bigint IDENTITY(1,1) PRIMARY KEY,
    funder_id         bigint         NOT NULL REFERENCES funders (id),
    person_id         bigint         NOT NULL REFERENCES staff_people (id),
    token_hash        nvarchar(64)   NOT NULL UNIQUE,
    created_by        nvarchar(260)  NOT NULL,
    created_at        datetimeoffset NOT NULL,
    expires_at        datetimeoffset NOT NULL,
    used_at           datetimeoffset NULL,
    revoked_at        datetimeoffset NULL
);

CREATE INDEX ix_staff_invitations_person ON staff_invitations (funder_id, person_id);

CREATE TABLE staff_totp_factors (
    id                bigint IDENTITY(1,1) PRIMARY KEY,
    funder_id         bigint         NOT NULL REFERENCES funders (id),
    person_id         bigint         NOT NULL REFERENCES staff_people (id),
    secret_protected  nvarchar(max)  NOT NULL,
    created_at        datetimeoffset NOT NULL,
    confirmed_at      datetimeoffset NULL,
    last_time_step    bigint         NULL,
    revoked_at        datetimeoffset NULL
);

CREATE INDEX ix_staff_totp_factors_person ON staff_totp_factors (funder_id, person_id);

CREATE TABLE staff_recovery_codes (
    id                bigint IDENTITY(1,1) PRIMARY KEY,
    funder_id         bigint         NOT NULL REFERENCES funders (id),
    person_id         bigint         NOT NULL REFERENCES staff_people (id),
    code_hash         nvarchar(64)   NOT NULL UNIQUE,
    created_at        datetimeoffset NOT NULL,
    used_at           datetimeoffset NULL,
    revoked_at        datetimeoffset NULL
);

CREATE INDEX ix_staff_recovery_codes_person ON staff_recovery_codes (funder_id, person_id);

CREATE TABLE staff_sign_in_throttles (
    scope             nvarchar(16)   NOT NULL,
    subject_hash      nvarchar(64)   NOT NULL,
    failures          int            NOT NULL,
    last_failure_at   datetimeoffset NOT NULL,
    next_allowed_at   datetimeoffset NOT NULL,
    CONSTRAINT pk_staff_sign_in_throttles PRIMARY KEY (scope, subject_hash)
);

ALTER TABLE console_sessions ALTER COLUMN key_id nvarchar(64) NULL;
GO
ALTER TABLE console_sessions ADD person_id bigint NULL REFERENCES staff_people (id);
ALTER TABLE console_sessions ADD second_factor_at datetimeoffset NULL;
GO
CREATE INDEX ix_console_sessions_person_id ON console_sessions (funder_id, person_id);
