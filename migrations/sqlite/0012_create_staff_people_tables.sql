-- Staff are people (issue 16): a person of a funder with an email (unique per funder, compared in lower case through
-- email_key), roles (comma-separated, e.g. "admin,officer"), a status (invited until the invitation is used, active,
-- seized: every session, key and factor revoked, to be re-invited) and a password hash (ASP.NET Core Identity's
-- PasswordHasher). Invitations, TOTP factors and recovery codes are stored only as hashes or Data Protection
-- ciphertext; last_time_step makes a TOTP code usable once. Sign-in throttles hold the backoff per account and per
-- address (both as SHA-256, never the email or the address itself) so that several instances share it. Console
-- sessions now belong to a person and remember when the second factor was last given (step-up).
CREATE TABLE staff_people (
    id              INTEGER PRIMARY KEY,
    funder_id       INTEGER NOT NULL REFERENCES funders (id),
    email           TEXT    NOT NULL,
    email_key       TEXT    NOT NULL,
    display_name    TEXT    NOT NULL,
    roles           TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('invited', 'active', 'seized', 'disabled')),
    password_hash   TEXT    NULL,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    seized_at       TEXT    NULL,
    CONSTRAINT ux_staff_people_email UNIQUE (funder_id, email_key)
);

CREATE TABLE staff_invitations (
    id                INTEGER PRIMARY KEY,
    funder_id         INTEGER NOT NULL REFERENCES funders (id),
    person_id         INTEGER NOT NULL REFERENCES staff_people (id),
    token_hash        TEXT    NOT NULL UNIQUE,
    created_by        TEXT    NOT NULL,
    created_at        TEXT    NOT NULL,
    expires_at        TEXT    NOT NULL,
    used_at           TEXT    NULL,
    revoked_at        TEXT    NULL
);

CREATE INDEX ix_staff_invitations_person ON staff_invitations (funder_id, person_id);

CREATE TABLE staff_totp_factors (
    id                INTEGER PRIMARY KEY,
    funder_id         INTEGER NOT NULL REFERENCES funders (id),
    person_id         INTEGER NOT NULL REFERENCES staff_people (id),
    secret_protected  TEXT    NOT NULL,
    created_at        TEXT    NOT NULL,
    confirmed_at      TEXT    NULL,
    last_time_step    INTEGER NULL,
    revoked_at        TEXT    NULL
);

CREATE INDEX ix_staff_totp_factors_person ON staff_totp_factors (funder_id, person_id);

CREATE TABLE staff_recovery_codes (
    id                INTEGER PRIMARY KEY,
    funder_id         INTEGER NOT NULL REFERENCES funders (id),
    person_id         INTEGER NOT NULL REFERENCES staff_people (id),
    code_hash         TEXT    NOT NULL UNIQUE,
    created_at        TEXT    NOT NULL,
    used_at           TEXT    NULL,
    revoked_at        TEXT    NULL
);

CREATE INDEX ix_staff_recovery_codes_person ON staff_recovery_codes (funder_id, person_id);

CREATE TABLE staff_sign_in_throttles (
    scope             TEXT    NOT NULL,
    subject_hash      TEXT    NOT NULL,
    failures          INTEGER NOT NULL,
    last_failure_at   TEXT    NOT NULL,
    next_allowed_at   TEXT    NOT NULL,
    CONSTRAINT pk_staff_sign_in_throttles PRIMARY KEY (scope, subject_hash)
);

-- SQLite cannot drop a NOT NULL: the sessions table is rebuilt (nothing references it) with key_id nullable.
CREATE TABLE console_sessions_0012 (
    id                INTEGER PRIMARY KEY,
    token_hash        TEXT    NOT NULL UNIQUE,
    funder_id         INTEGER NOT NULL REFERENCES funders (id),
    key_id            TEXT    NULL,
    person            TEXT    NOT NULL,
    created_at        TEXT    NOT NULL,
    last_seen_at      TEXT    NOT NULL,
    expires_at        TEXT    NOT NULL,
    revoked_at        TEXT    NULL,
    person_id         INTEGER NULL REFERENCES staff_people (id),
    second_factor_at  TEXT    NULL
);

INSERT INTO console_sessions_0012 (id, token_hash, funder_id, key_id, person, created_at, last_seen_at, expires_at,
    revoked_at)
SELECT id, token_hash, funder_id, key_id, person, created_at, last_seen_at, expires_at, revoked_at
FROM console_sessions;

DROP TABLE console_sessions;
ALTER TABLE console_sessions_0012 RENAME TO console_sessions;
CREATE INDEX ix_console_sessions_person ON console_sessions (funder_id, person);
CREATE INDEX ix_console_sessions_person_id ON console_sessions (funder_id, person_id);
