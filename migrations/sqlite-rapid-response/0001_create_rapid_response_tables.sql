-- The rapid-response file (SQLite only; PostgreSQL and SQL Server keep these tables in the one database, created by
-- migrations/<engine>/0006). The tables of migrations/sqlite/0006 that the defenders' and officers' paths write:
-- funds with their SLA policy, emergency requests (sensitive fields only as Data Protection ciphertext, the case code
-- only as an HMAC), per-goal SLA timers, the event and access logs, messages, payment details, disbursements, the
-- webhook outbox and the Idempotency-Key answers. The same columns as there, in the same order; funder_id cannot
-- reference funders in another file, so the service checks the funder in code. The Data Protection key ring and the
-- service secrets stay in the main file.
CREATE TABLE funds (
    id                          INTEGER PRIMARY KEY,
    funder_id                   INTEGER NOT NULL,
    slug                        TEXT NOT NULL,
    name                        TEXT NOT NULL,
    currency                    TEXT NOT NULL,
    max_amount                  INTEGER NOT NULL,
    second_approval_threshold   INTEGER NULL,
    languages                   TEXT NOT NULL,
    sla_policy                  TEXT NOT NULL,
    webhook_url                 TEXT NULL,
    webhook_secret_protected    TEXT NULL,
    created_by                  TEXT NOT NULL,
    created_at                  TEXT NOT NULL,
    CONSTRAINT uq_funds_slug UNIQUE (slug)
);

CREATE INDEX ix_funds_funder ON funds (funder_id);

CREATE TABLE emergency_requests (
    id                          INTEGER PRIMARY KEY,
    funder_id                   INTEGER NOT NULL,
    fund_id                     INTEGER NOT NULL REFERENCES funds (id),
    reference                   TEXT NOT NULL,
    case_code_hash              TEXT NULL,
    state                       TEXT NOT NULL,
    tier                        TEXT NOT NULL,
    need                        TEXT NOT NULL,
    country                     TEXT NOT NULL,
    language                    TEXT NOT NULL,
    amount_requested            INTEGER NOT NULL,
    currency                    TEXT NOT NULL,
    approved_amount             INTEGER NULL,
    approver_ids                TEXT NOT NULL,
    has_payment_details         INTEGER NOT NULL,
    version                     INTEGER NOT NULL,
    alias_protected             TEXT NULL,
    contact_protected           TEXT NULL,
    situation_protected         TEXT NULL,
    endorser_protected          TEXT NULL,
    decline_reason_protected    TEXT NULL,
    submitted_at                TEXT NOT NULL,
    acknowledged_at             TEXT NULL,
    decided_at                  TEXT NULL,
    disbursed_at                TEXT NULL,
    closed_at                   TEXT NULL,
    purged_at                   TEXT NULL,
    CONSTRAINT uq_emergency_requests_reference UNIQUE (reference)
);

CREATE UNIQUE INDEX uq_emergency_requests_case_code ON emergency_requests (case_code_hash);
CREATE INDEX ix_emergency_requests_funder ON emergency_requests (funder_id, fund_id, id);
CREATE INDEX ix_emergency_requests_closed ON emergency_requests (closed_at);

-- Idempotency-Key answers (e.g. the anonymous form's first 201, whose case code is kept only as ciphertext, and only
-- until the purge job removes the row a day later).
CREATE TABLE idempotent_responses (
    scope               TEXT NOT NULL,
    key_hash            TEXT NOT NULL,
    request_hash        TEXT NOT NULL,
    status_code         INTEGER NOT NULL,
    response_protected  TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    CONSTRAINT pk_idempotent_responses PRIMARY KEY (scope, key_hash)
);

CREATE TABLE request_events (
    id          INTEGER PRIMARY KEY,
    funder_id   INTEGER NOT NULL,
    request_id  INTEGER NOT NULL REFERENCES emergency_requests (id),
    command     TEXT NOT NULL,
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    actor       TEXT NOT NULL,
    actor_role  TEXT NOT NULL,
    amount      INTEGER NULL,
    occurred_at TEXT NOT NULL
);

CREATE INDEX ix_request_events_request ON request_events (request_id, id);

CREATE TABLE request_sla_goals (
    request_id          INTEGER NOT NULL REFERENCES emergency_requests (id),
    goal                TEXT NOT NULL,
    funder_id           INTEGER NOT NULL,
    target_ticks        INTEGER NOT NULL,
    warn_after_ticks    INTEGER NOT NULL,
    started_at          TEXT NULL,
    elapsed_ticks       INTEGER NOT NULL,
    running_since       TEXT NULL,
    paused_since        TEXT NULL,
    paused_ticks        INTEGER NOT NULL,
    warn_at             TEXT NULL,
    due_at              TEXT NULL,
    stopped_at          TEXT NULL,
    cancelled           INTEGER NOT NULL,
    warned_at           TEXT NULL,
    breached_at         TEXT NULL,
    CONSTRAINT pk_request_sla_goals PRIMARY KEY (request_id, goal)
);

CREATE INDEX ix_request_sla_goals_due ON request_sla_goals (due_at);
CREATE INDEX ix_request_sla_goals_warn ON request_sla_goals (warn_at);

CREATE TABLE request_messages (
    id              INTEGER PRIMARY KEY,
    funder_id       INTEGER NOT NULL,
    request_id      INTEGER NOT NULL REFERENCES emergency_requests (id),
    kind            TEXT NOT NULL,
    body_protected  TEXT NULL,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL
);

CREATE INDEX ix_request_messages_request ON request_messages (request_id, id);

CREATE TABLE request_payment_details (
    request_id          INTEGER NOT NULL PRIMARY KEY REFERENCES emergency_requests (id),
    funder_id           INTEGER NOT NULL,
    details_protected   TEXT NULL,
    recorded_by         TEXT NOT NULL,
    recorded_at         TEXT NOT NULL
);

CREATE TABLE disbursements (
    id                  INTEGER PRIMARY KEY,
    funder_id           INTEGER NOT NULL,
    request_id          INTEGER NOT NULL REFERENCES emergency_requests (id),
    idempotency_key     TEXT NOT NULL,
    method              TEXT NOT NULL,
    reference_protected TEXT NULL,
    amount              INTEGER NOT NULL,
    currency            TEXT NOT NULL,
    recorded_by         TEXT NOT NULL,
    recorded_at         TEXT NOT NULL,
    CONSTRAINT uq_disbursements_request UNIQUE (request_id)
);

-- Append-only: who read a request's sensitive fields, when, and which ones (never the content).
CREATE TABLE request_access_log (
    id          INTEGER PRIMARY KEY,
    funder_id   INTEGER NOT NULL,
    request_id  INTEGER NOT NULL REFERENCES emergency_requests (id),
    actor       TEXT NOT NULL,
    fields      TEXT NOT NULL,
    read_at     TEXT NOT NULL
);

CREATE INDEX ix_request_access_log_request ON request_access_log (request_id, id);

-- Notifications to send, written in the same transaction as the SLA mark that caused them. No personal data.
CREATE TABLE webhook_outbox (
    id              INTEGER PRIMARY KEY,
    funder_id       INTEGER NOT NULL,
    fund_id         INTEGER NOT NULL REFERENCES funds (id),
    request_id      INTEGER NOT NULL REFERENCES emergency_requests (id),
    event_type      TEXT NOT NULL,
    goal            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at TEXT NOT NULL,
    locked_until    TEXT NULL,
    delivered_at    TEXT NULL,
    last_status     INTEGER NULL,
    CONSTRAINT uq_webhook_outbox_mark UNIQUE (request_id, goal, event_type)
);

CREATE INDEX ix_webhook_outbox_due ON webhook_outbox (delivered_at, next_attempt_at);
