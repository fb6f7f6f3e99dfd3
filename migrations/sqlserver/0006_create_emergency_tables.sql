-- Rapid response: funds with their SLA policy, emergency requests (sensitive fields only as Data Protection
-- ciphertext, the case code only as an HMAC), per-goal SLA timers, an append-only event log and access log,
-- payment details and disbursements in their own tables, a webhook outbox, and the Data Protection key ring.
CREATE TABLE funds (
    id                          bigint IDENTITY(1,1) PRIMARY KEY,
    funder_id                   bigint NOT NULL REFERENCES funders (id),
    slug                        nvarchar(200) NOT NULL,
    name                        nvarchar(max) NOT NULL,
    currency                    nvarchar(200) NOT NULL,
    max_amount                  bigint NOT NULL,
    second_approval_threshold   bigint NULL,
    languages                   nvarchar(max) NOT NULL,
    sla_policy                  nvarchar(max) NOT NULL,
    webhook_url                 nvarchar(max) NULL,
    webhook_secret_protected    nvarchar(max) NULL,
    created_by                  nvarchar(200) NOT NULL,
    created_at                  datetimeoffset NOT NULL,
    CONSTRAINT uq_funds_slug UNIQUE (slug)
);

CREATE INDEX ix_funds_funder ON funds (funder_id);

CREATE TABLE emergency_requests (
    id                          bigint IDENTITY(1,1) PRIMARY KEY,
    funder_id                   bigint NOT NULL REFERENCES funders (id),
    fund_id                     bigint NOT NULL REFERENCES funds (id),
    reference                   nvarchar(200) NOT NULL,
    case_code_hash              nvarchar(200) NULL,
    state                       nvarchar(200) NOT NULL,
    tier                        nvarchar(200) NOT NULL,
    need                        nvarchar(200) NOT NULL,
    country                     nvarchar(200) NOT NULL,
    language                    nvarchar(200) NOT NULL,
    amount_requested            bigint NOT NULL,
    currency                    nvarchar(200) NOT NULL,
    approved_amount             bigint NULL,
    approver_ids                nvarchar(max) NOT NULL,
    has_payment_details         bit NOT NULL,
    version                     int NOT NULL,
    alias_protected             nvarchar(max) NULL,
    contact_protected           nvarchar(max) NULL,
    situation_protected         nvarchar(max) NULL,
    endorser_protected          nvarchar(max) NULL,
    decline_reason_protected    nvarchar(max) NULL,
    submitted_at                datetimeoffset NOT NULL,
    acknowledged_at             datetimeoffset NULL,
    decided_at                  datetimeoffset NULL,
    disbursed_at                datetimeoffset NULL,
    closed_at                   datetimeoffset NULL,
    purged_at                   datetimeoffset NULL,
    CONSTRAINT uq_emergency_requests_reference UNIQUE (reference)
);

CREATE UNIQUE INDEX uq_emergency_requests_case_code ON emergency_requests (case_code_hash) WHERE case_code_hash IS NOT NULL;
CREATE INDEX ix_emergency_requests_funder ON emergency_requests (funder_id, fund_id, id);
CREATE INDEX ix_emergency_requests_closed ON emergency_requests (closed_at);

-- Idempotency-Key answers (e.g. the anonymous form's first 201, whose case code is kept only as ciphertext, and only
-- until the purge job removes the row a day later).
CREATE TABLE idempotent_responses (
    scope               nvarchar(200) NOT NULL,
    key_hash            nvarchar(200) NOT NULL,
    request_hash        nvarchar(200) NOT NULL,
    status_code         int NOT NULL,
    response_protected  nvarchar(max) NOT NULL,
    created_at          datetimeoffset NOT NULL,
    CONSTRAINT pk_idempotent_responses PRIMARY KEY (scope, key_hash)
);

CREATE TABLE request_events (
    id          bigint IDENTITY(1,1) PRIMARY KEY,
    funder_id   bigint NOT NULL,
    request_id  bigint NOT NULL REFERENCES emergency_requests (id),
    command     nvarchar(200) NOT NULL,
    from_state  nvarchar(200) NOT NULL,
    to_state    nvarchar(200) NOT NULL,
    actor       nvarchar(200) NOT NULL,
    actor_role  nvarchar(200) NOT NULL,
    amount      bigint NULL,
    occurred_at datetimeoffset NOT NULL
);

CREATE INDEX ix_request_events_request ON request_events (request_id, id);

CREATE TABLE request_sla_goals (
    request_id          bigint NOT NULL REFERENCES emergency_requests (id),
    goal                nvarchar(200) NOT NULL,
    funder_id           bigint NOT NULL,
    target_ticks        bigint NOT NULL,
    warn_after_ticks    bigint NOT NULL,
    started_at          datetimeoffset NULL,
    elapsed_ticks       bigint NOT NULL,
    running_since       datetimeoffset NULL,
    paused_since        datetimeoffset NULL,
    paused_ticks        bigint NOT NULL,
    warn_at             datetimeoffset NULL,
    due_at              datetimeoffset NULL,
    stopped_at          datetimeoffset NULL,
    cancelled           bit NOT NULL,
    warned_at           datetimeoffset NULL,
    breached_at         datetimeoffset NULL,
    CONSTRAINT pk_request_sla_goals PRIMARY KEY (request_id, goal)
);

CREATE INDEX ix_request_sla_goals_due ON request_sla_goals (due_at);
CREATE INDEX ix_request_sla_goals_warn ON request_sla_goals (warn_at);

CREATE TABLE request_messages (
    id              bigint IDENTITY(1,1) PRIMARY KEY,
    funder_id       bigint NOT NULL,
    request_id      bigint NOT NULL REFERENCES emergency_requests (id),
    kind            nvarchar(200) NOT NULL,
    body_protected  nvarchar(max) NULL,
    created_by      nvarchar(200) NOT NULL,
    created_at      datetimeoffset NOT NULL
);

CREATE INDEX ix_request_messages_request ON request_messages (request_id, id);

CREATE TABLE request_payment_details (
    request_id          bigint NOT NULL PRIMARY KEY REFERENCES emergency_requests (id),
    funder_id           bigint NOT NULL,
    details_protected   nvarchar(max) NULL,
    recorded_by         nvarchar(200) NOT NULL,
    recorded_at         datetimeoffset NOT NULL
);

CREATE TABLE disbursements (
    id                  bigint IDENTITY(1,1) PRIMARY KEY,
    funder_id           bigint NOT NULL,
    request_id          bigint NOT NULL REFERENCES emergency_requests (id),
    idempotency_key     nvarchar(200) NOT NULL,
    method              nvarchar(200) NOT NULL,
    reference_protected nvarchar(max) NULL,
    amount              bigint NOT NULL,
    currency            nvarchar(200) NOT NULL,
    recorded_by         nvarchar(200) NOT NULL,
    recorded_at         datetimeoffset NOT NULL,
    CONSTRAINT uq_disbursements_request UNIQUE (request_id)
);

-- Append-only: who read a request's sensitive fields, when, and which ones (never the content).
CREATE TABLE request_access_log (
    id          bigint IDENTITY(1,1) PRIMARY KEY,
    funder_id   bigint NOT NULL,
    request_id  bigint NOT NULL REFERENCES emergency_requests (id),
    actor       nvarchar(200) NOT NULL,
    fields      nvarchar(200) NOT NULL,
    read_at     datetimeoffset NOT NULL
);

CREATE INDEX ix_request_access_log_request ON request_access_log (request_id, id);

-- Notifications to send, written in the same transaction as the SLA mark that caused them. No personal data.
CREATE TABLE webhook_outbox (
    id              bigint IDENTITY(1,1) PRIMARY KEY,
    funder_id       bigint NOT NULL,
    fund_id         bigint NOT NULL REFERENCES funds (id),
    request_id      bigint NOT NULL REFERENCES emergency_requests (id),
    event_type      nvarchar(200) NOT NULL,
    goal            nvarchar(200) NOT NULL,
    payload         nvarchar(max) NOT NULL,
    created_at      datetimeoffset NOT NULL,
    attempts        int NOT NULL,
    next_attempt_at datetimeoffset NOT NULL,
    locked_until    datetimeoffset NULL,
    delivered_at    datetimeoffset NULL,
    last_status     int NULL,
    CONSTRAINT uq_webhook_outbox_mark UNIQUE (request_id, goal, event_type)
);

CREATE INDEX ix_webhook_outbox_due ON webhook_outbox (delivered_at, next_attempt_at);

-- ASP.NET Core Data Protection key ring (each key's XML, itself encrypted when a protection certificate is configured).
CREATE TABLE data_protection_keys (
    id              bigint IDENTITY(1,1) PRIMARY KEY,
    friendly_name   nvarchar(200) NOT NULL,
    key_xml         nvarchar(max) NOT NULL,
    created_at      datetimeoffset NOT NULL,
    CONSTRAINT uq_data_protection_keys_name UNIQUE (friendly_name)
);

-- Server-held secrets (e.g. the case-code HMAC key), stored only as Data Protection ciphertext.
CREATE TABLE service_secrets (
    name                nvarchar(200) NOT NULL PRIMARY KEY,
    value_protected     nvarchar(max) NOT NULL,
    created_at          datetimeoffset NOT NULL
);
