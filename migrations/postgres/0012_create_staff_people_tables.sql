-- Staff are people (issue 16): a person of a funder with an email (unique per funder, compared in lower case through
-- email_key), roles (comma-separated, e.g. "admin,officer"), a status (invited until the invitation is used, active,
-- seized: every session, key and factor revoked, to be re-invited) and a password hash (ASP.NET Core Identity's
-- PasswordHasher). Invitations, TOTP factors and recovery codes are stored only as hashes or Data Protection
-- ciphertext; last_time_step makes a TOTP code usable once. Sign-in throttles hold the backoff per account and per
-- address (both as SHA-256, never the email or the address itself) so that several instances share it. Console
-- sessions now belong to a person and remember when the second factor was last given (step-up).
CREATE TABLE staff_people (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    funder_id       bigint      NOT NULL REFERENCES funders (id),
    email           text        NOT NULL,
    email_key       text        NOT NULL,
    display_name    text        NOT NULL,
    roles           text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('invited', 'active', 'seized', 'disabled')),
    password_hash   text        NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    seized_at       timestamptz NULL,
    CONSTRAINT ux_staff_people_email UNIQUE (funder_id, email_key)
);

CREATE TABLE staff_invitations (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    funder_id         bigint      NOT NULL REFERENCES funders (id),
    person_id         bigint      NOT NULL REFERENCES staff_people (id),
    token_hash        text        NOT NULL UNIQUE,
    created_by        text        NOT NULL,
    created_at        timestamptz NOT NULL,
    expires_at        timestamptz NOT NULL,
    used_at           timestamptz NULL,
    revoked_at        timestamptz NULL
);

CREATE INDEX ix_staff_invitations_person ON staff_invitations (funder_id, person_id);

CREATE TABLE staff_totp_factors (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    funder_id         bigint      NOT NULL REFERENCES funders (id),
    person_id         bigint      NOT NULL REFERENCES staff_people (id),
    secret_protected  text        NOT NULL,
    created_at        timestamptz NOT NULL,
    confirmed_at      timestamptz NULL,
    last_time_step    bigint      NULL,
    revoked_at        timestamptz NULL
);

CREATE INDEX ix_staff_totp_factors_person ON staff_totp_factors (funder_id, person_id);

CREATE TABLE staff_recovery_codes (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    funder_id         bigint      NOT NULL REFERENCES funders (id),
    person_id         bigint      NOT NULL REFERENCES staff_people (id),
    code_hash         text        NOT NULL UNIQUE,
    created_at        timestamptz NOT NULL,
    used_at           timestamptz NULL,
    revoked_at        timestamptz NULL
);

CREATE INDEX ix_staff_recovery_codes_person ON staff_recovery_codes (funder_id, person_id);

CREATE TABLE staff_sign_in_throttles (
    scope             text        NOT NULL,
    subject_hash      text        NOT NULL,
    failures          integer     NOT NULL,
    last_failure_at   timestamptz NOT NULL,
    next_allowed_at   timestamptz NOT NULL,
    CONSTRAINT pk_staff_sign_in_throttles PRIMARY KEY (scope, subject_hash)
);

ALTER TABLE console_sessions ALTER COLUMN key_id DROP NOT NULL;
ALTER TABLE console_sessions ADD COLUMN person_id bigint NULL REFERENCES staff_people (id);
ALTER TABLE console_sessions ADD COLUMN second_factor_at timestamptz NULL;
CREATE INDEX ix_console_sessions_person_id ON console_sessions (funder_id, person_id);
