-- Rapid response: funds with their SLA policy, emergency requests (sensitive fields only as Data Protection
-- ciphertext, the case code only as an HMAC), per-goal SLA timers, an append-only event log and access log,
-- payment details and disbursements in their own tables, a webhook outbox, and the Data Protection key ring.
CREATE TABLE funds (
    id                          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    funder_id                   bigint NOT NULL REFERENCES funders (id),
    slug                        text NOT NULL,
    name                        text NOT NULL,
    currency                    text NOT NULL,
    max_amount                  bigint NOT NULL,
    second_approval_threshold   bigint NULL,
    languages                   text NOT NULL,
    sla_policy                  text NOT NULL,
    webhook_url                 text NULL,
    webhook_secret_protected    text NULL,
    created_by                  text NOT NULL,
    created_at                  timestamptz NOT NULL,
    CONSTRAINT uq_funds_slug UNIQUE (slug)
);

CREATE INDEX ix_funds_funder ON funds (funder_id);

CREATE TABLE emergency_requests (
    id                          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    funder_id                   bigint NOT NULL REFERENCES funders (id),
    fund_id                     bigint NOT NULL REFERENCES funds (id),
    reference                   text NOT NULL,
    case_code_hash              text NULL,
    state                       text NOT NULL,
    tier                        text NOT NULL,
    need                        text NOT NULL,
    country                     text NOT NULL,
    language                    text NOT NULL,
    amount_requested            bigint NOT NULL,
    currency                    text NOT NULL,
    approved_amount             bigint NULL,
    approver_ids                text NOT NULL,
    has_payment_details         boolean NOT NULL,
    version                     integer NOT NULL,
    alias_protected             text NULL,
    contact_protected           text NULL,
    situation_protected         text NULL,
    endorser_protected          text NULL,
    decline_reason_protected    text NULL,
    submitted_at                timestamptz NOT NULL,
    acknowledged_at             timestamptz NULL,
    decided_at                  timestamptz NULL,
    disbursed_at                timestamptz NULL,
    closed_at                   timestamptz NULL,
    purged_at                   timestamptz NULL,
    CONSTRAINT uq_emergency_requests_reference UNIQUE (reference)
);

CREATE UNIQUE INDEX uq_emergency_requests_case_code ON emergency_requests (case_code_hash);
CREATE INDEX ix_emergency_requests_funder ON emergency_requests (funder_id, fund_id, id);
CREATE INDEX ix_emergency_requests_closed ON emergency_requests (closed_at);

-- Idempotency-Key answers (e.g. the anonymous form's first 201, whose case code is kept only as ciphertext, and only
-- until the purge job removes the row a day later).
CREATE TABLE idempotent_responses (
    scope               text NOT NULL,
    key_hash            text NOT NULL,
    request_hash        text NOT NULL,
    status_code         integer NOT NULL,
    response_protected  text NOT NULL,
    created_at          timestamptz NOT NULL,
    CONSTRAINT pk_idempotent_responses PRIMARY KEY (scope, key_hash)
);

CREATE TABLE request_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    funder_id   bigint NOT NULL,
    request_id  bigint NOT NULL REFERENCES emergency_requests (id),
    command     text NOT NULL,
    from_state  text NOT NULL,
    to_state    text NOT NULL,
    actor       text NOT NULL,
    actor_role  text NOT NULL,
    amount      bigint NULL,
    occurred_at timestamptz NOT NULL
);

CREATE INDEX ix_request_events_request ON request_events (request_id, id);

CREATE TABLE request_sla_goals (
    request_id          bigint NOT NULL REFERENCES emergency_requests (id),
    goal                text NOT NULL,
    funder_id           bigint NOT NULL,
    target_ticks        bigint NOT NULL,
    warn_after_ticks    bigint NOT NULL,
    started_at          timestamptz NULL,
    elapsed_ticks       bigint NOT NULL,
    running_since       timestamptz NULL,
    paused_since        timestamptz NULL,
    paused_ticks        bigint NOT NULL,
    warn_at             timestamptz NULL,
    due_at              timestamptz NULL,
    stopped_at          timestamptz NULL,
    cancelled           boolean NOT NULL,
    warned_at           timestamptz NULL,
    breached_at         timestamptz NULL,
    CONSTRAINT pk_request_sla_goals PRIMARY KEY (request_id, goal)
);

CREATE INDEX ix_request_sla_goals_due ON request_sla_goals (due_at);
CREATE INDEX ix_request_sla_goals_warn ON request_sla_goals (warn_at);

CREATE TABLE request_messages (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    funder_id       bigint NOT NULL,
    request_id      bigint NOT NULL REFERENCES emergency_requests (id),
    kind            text NOT NULL,
    body_protected  text NULL,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL
);

CREATE INDEX ix_request_messages_request ON request_messages (request_id, id);

CREATE TABLE request_payment_details (
    request_id          bigint NOT NULL PRIMARY KEY REFERENCES emergency_requests (id),
    funder_id           bigint NOT NULL,
    details_protected   text NULL,
    recorded_by         text NOT NULL,
    recorded_at         timestamptz NOT NULL
);

CREATE TABLE disbursements (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    funder_id           bigint NOT NULL,
    request_id          bigint NOT NULL REFERENCES emergency_requests (id),
    idempotency_key     text NOT NULL,
    method              text NOT NULL,
    reference_protected text NULL,
    amount              bigint NOT NULL,
    currency            text NOT NULL,
    recorded_by         text NOT NULL,
    recorded_at         timestamptz NOT NULL,
    CONSTRAINT uq_disbursements_request UNIQUE (request_id)
);

-- Append-only: who read a request's sensitive fields, when, and which ones (never the content).
CREATE TABLE request_access_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    funder_id   bigint NOT NULL,
    request_id  bigint NOT NULL REFERENCES emergency_requests (id),
    actor       text NOT NULL,
    fields      text NOT NULL,
    read_at     timestamptz NOT NULL
);

CREATE INDEX ix_request_access_log_request ON request_access_log (request_id, id);

-- Notifications to send, written in the same transaction as the SLA mark that caused them. No personal data.
CREATE TABLE webhook_outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    funder_id       bigint NOT NULL,
    fund_id         bigint NOT NULL REFERENCES funds (id),
    request_id      bigint NOT NULL REFERENCES emergency_requests (id),
    event_type      text NOT NULL,
    goal            text NOT NULL,
    payload         text NOT NULL,
    created_at      timestamptz NOT NULL,
    attempts        integer NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    locked_until    timestamptz NULL,
    delivered_at    timestamptz NULL,
    last_status     integer NULL,
    CONSTRAINT uq_webhook_outbox_mark UNIQUE (request_id, goal, event_type)
);

CREATE INDEX ix_webhook_outbox_due ON webhook_outbox (delivered_at, next_attempt_at);

-- ASP.NET Core Data Protection key ring (each key's XML, itself encrypted when a protection certificate is configured).
CREATE TABLE data_protection_keys (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    friendly_name   text NOT NULL,
    key_xml         text NOT NULL,
    created_at      timestamptz NOT NULL,
    CONSTRAINT uq_data_protection_keys_name UNIQUE (friendly_name)
);

-- Server-held secrets (e.g. the case-code HMAC key), stored only as Data Protection ciphertext.
CREATE TABLE service_secrets (
    name                text NOT NULL PRIMARY KEY,
    value_protected     text NOT NULL,
    created_at          timestamptz NOT NULL
);
