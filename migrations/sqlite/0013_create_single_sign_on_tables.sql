-- Single sign-on (issue 16 item 3): a funder may sign its staff in through its own OpenID Connect provider. One
-- provider per funder, reached at /app/sign-in/sso/{slug}; the client secret is Data Protection ciphertext
-- (purpose FundAudit.SingleSignOn.ClientSecret.v1, re-protected by key rotation). accepted_amr and accepted_acr are
-- space-separated values of which the ID token must carry one when require_second_factor is set; version grows on
-- every change, so every instance picks up the new settings. A person is matched by (issuer, subject) in
-- staff_external_logins; the first sign-in links an invited person of the funder by verified email.
CREATE TABLE funder_sso_providers (
    funder_id                INTEGER NOT NULL PRIMARY KEY REFERENCES funders (id),
    slug                     TEXT NOT NULL UNIQUE,
    issuer                   TEXT NOT NULL,
    client_id                TEXT NOT NULL,
    client_secret_protected  TEXT NOT NULL,
    accepted_amr             TEXT NOT NULL,
    accepted_acr             TEXT NOT NULL,
    require_second_factor    INTEGER NOT NULL,
    enabled                  INTEGER NOT NULL,
    version                  INTEGER NOT NULL,
    created_at               TEXT NOT NULL,
    updated_at               TEXT NOT NULL
);

CREATE TABLE staff_external_logins (
    id               INTEGER PRIMARY KEY,
    funder_id        INTEGER NOT NULL REFERENCES funders (id),
    person_id        INTEGER NOT NULL REFERENCES staff_people (id),
    issuer           TEXT NOT NULL,
    subject          TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    last_sign_in_at  TEXT NOT NULL,
    CONSTRAINT ux_staff_external_logins_subject UNIQUE (funder_id, issuer, subject)
);

CREATE INDEX ix_staff_external_logins_person ON staff_external_logins (funder_id, person_id);
