-- A funder's own copies of the classification rule set (immutable rows; the newest is current), and manual
-- corrections by a person, kept apart from the engine's answer so that they survive every re-classification.
CREATE TABLE classification_rule_sets (
    id          INTEGER PRIMARY KEY,
    funder_id   INTEGER NOT NULL REFERENCES funders (id),
    version     TEXT NOT NULL,
    rules_json  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    applied_at  TEXT NULL
);

CREATE INDEX ix_classification_rule_sets_funder ON classification_rule_sets (funder_id, id);

CREATE TABLE grant_corrections (
    id            INTEGER PRIMARY KEY,
    funder_id     INTEGER NOT NULL,
    grant_id      INTEGER NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
    level         TEXT NULL,
    purpose       TEXT NULL,
    flexible      INTEGER NULL,
    reason        TEXT NOT NULL,
    corrected_by  TEXT NOT NULL,
    corrected_at  TEXT NOT NULL,
    CONSTRAINT uq_grant_corrections_grant UNIQUE (grant_id)
);

CREATE INDEX ix_grant_corrections_funder ON grant_corrections (funder_id);
