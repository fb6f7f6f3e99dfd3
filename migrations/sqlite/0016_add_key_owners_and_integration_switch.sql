-- API keys are machine credentials owned by a person (issue 16 item 5): owner_person_id names the staff person whose
-- roles bound the key's (checked at issue and at every use: a seized or removed owner kills the key), expires_at
-- ends it (NULL only for keys made before this migration: they end 90 days after created_at, checked in code), and
-- last_used_at shows when it was last used (written at most once a minute). Existing keys belong to their funder's
-- first admin person (lowest id holding the admin role, invited or active); a key of a funder without one keeps no
-- owner and is refused until an admin issues a new one. funders.keys_may_decide is the funder's switch that lets
-- keys approve, decline, record payment details, disburse and reveal sensitive fields (off by default).
ALTER TABLE api_keys ADD COLUMN owner_person_id INTEGER NULL REFERENCES staff_people (id);
ALTER TABLE api_keys ADD COLUMN expires_at TEXT NULL;
ALTER TABLE api_keys ADD COLUMN last_used_at TEXT NULL;
ALTER TABLE funders ADD COLUMN keys_may_decide INTEGER NOT NULL DEFAULT 0;

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
    id            INTEGER PRIMARY KEY,
    funder_id     INTEGER NOT NULL REFERENCES funders (id),
    person_id     INTEGER NOT NULL REFERENCES staff_people (id),
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'analyst', 'officer', 'finance')),
    status        TEXT    NOT NULL CHECK (status IN ('pending', 'applied', 'cancelled')),
    requested_by  INTEGER NOT NULL,
    requested_at  TEXT    NOT NULL,
    confirmed_by  INTEGER NULL,
    confirmed_at  TEXT    NULL
);

CREATE INDEX ix_role_grants_funder ON role_grants (funder_id, status);
