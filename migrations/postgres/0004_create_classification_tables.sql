-- A funder's own copies of the classification rule set (immutable rows; the newest is current), and manual
-- corrections by a person, kept apart from the engine's answer so that they survive every re-classification.
CREATE TABLE classification_rule_sets (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    funder_id   bigint NOT NULL REFERENCES funders (id),
    version     text NOT NULL,
    rules_json  text NOT NULL,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL,
    applied_at  timestamptz NULL
);

CREATE INDEX ix_classification_rule_sets_funder ON classification_rule_sets (funder_id, id);

CREATE TABLE grant_corrections (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    funder_id     bigint NOT NULL,
    grant_id      bigint NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
    level         text NULL,
    purpose       text NULL,
    flexible      boolean NULL,
    reason        text NOT NULL,
    corrected_by  text NOT NULL,
    corrected_at  timestamptz NOT NULL,
    CONSTRAINT uq_grant_corrections_grant UNIQUE (grant_id)
);

CREATE INDEX ix_grant_corrections_funder ON grant_corrections (funder_id);
