-- API keys are machine credentials owned by a person (issue 16 item 5): owner_person_id names the staff person whose
-- roles bound the key's (checked at issue and at every use: a seized or removed owner kills the key), expires_at
-- ends it (NULL only for keys made before this migration: they end 90 days after created_at, checked in code), and
-- last_used_at shows when it was last used (written at most once a minute). Existing keys belong to their funder's
-- first admin person (lowest id holding the admin role, invited or active); a key of a funder without one keeps no
-- owner and is refused until an admin issues a new one. funders.keys_may_decide is the funder's switch that lets
-- keys approve, decline, record payment details, disburse and reveal sensitive fields (off by default).
ALTER TABLE api_keys ADD COLUMN owner_person_id bigint NULL REFERENCES staff_people (id);
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz NULL;
ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz NULL;
ALTER TABLE funders ADD COLUMN keys_may_decide boolean NOT NULL DEFAULT false;

UPDATE api_keys SET owner_person_id = (
    SELECT MIN(p.id) FROM staff_people p
    WHERE p.funder_id = api_keys.funder_id AND p.status IN ('invited', 'active')
        AND (',' || p.roles || ',') LIKE '%,admin,%'
);

CREATE INDEX ix_api_keys_owner ON api_keys (funder_id, owner_person_id);

-- Four-eyes on grants (issue 16 item 6): granting admin, officer or finance to a person, when the funder has two or more
-- active admins, is a pending grant until a second admin confirms it (status pending → applied, or cancelled);
-- requested_by and confirmed_by are staff person ids. Other roles, and funders with one admin, apply at once (the
-- row is written applied, confirmed by the requester).
CREATE TABLE role_grants (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    funder_id     bigint      NOT NULL REFERENCES funders (id),
    person_id     bigint      NOT NULL REFERENCES staff_people (id),
    role          text        NOT NULL CHECK (role IN ('admin', 'analyst', 'officer', 'finance')),
    status        text        NOT NULL CHECK (status IN ('pending', 'applied', 'cancelled')),
    requested_by  bigint      NOT NULL,
    requested_at  timestamptz NOT NULL,
    confirmed_by  bigint      NULL,
    confirmed_at  timestamptz NULL
);

CREATE INDEX ix_role_grants_funder ON role_grants (funder_id, status);

-- Need-to-know (issue 15 item 4; on SQLite in migrations/sqlite-rapid-response/0005): officers and finance people are
-- members of funds (set by an admin) and see only their funds' requests; a request can be assigned to an officer who
-- is a member of its fund; each reveal of a case's sensitive fields is logged with its purpose (decide,
-- verify_identity, pay, safety_follow_up). person_id names a staff person (no foreign key, as on SQLite).
CREATE TABLE fund_members (
    funder_id   bigint      NOT NULL,
    fund_id     bigint      NOT NULL REFERENCES funds (id),
    person_id   bigint      NOT NULL,
    added_by    text        NOT NULL,
    added_at    timestamptz NOT NULL,
    CONSTRAINT pk_fund_members PRIMARY KEY (fund_id, person_id)
);

CREATE INDEX ix_fund_members_person ON fund_members (funder_id, person_id);

ALTER TABLE emergency_requests ADD COLUMN assigned_person_id bigint NULL;
ALTER TABLE request_access_log ADD COLUMN purpose text NULL;
