-- A funder's own copies of the classification rule set (immutable rows; the newest is current), and manual
-- corrections by a person, kept apart from the engine's answer so that they survive every re-classification.
CREATE TABLE classification_rule_sets (
    id          bigint IDENTITY(1,1) PRIMARY KEY,
    funder_id   bigint NOT NULL REFERENCES funders (id),
    version     nvarchar(64) NOT NULL,
    rules_json  nvarchar(max) NOT NULL,
    created_by  nvarchar(64) NOT NULL,
    created_at  datetimeoffset NOT NULL,
    applied_at  datetimeoffset NULL
);

CREATE INDEX ix_classification_rule_sets_funder ON classification_rule_sets (funder_id, id);

CREATE TABLE grant_corrections (
    id            bigint IDENTITY(1,1) PRIMARY KEY,
    funder_id     bigint NOT NULL,
    grant_id      bigint NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
    level         nvarchar(64) NULL,
    purpose       nvarchar(64) NULL,
    flexible      bit NULL,
    reason        nvarchar(max) NOT NULL,
    corrected_by  nvarchar(64) NOT NULL,
    corrected_at  datetimeoffset NOT NULL,
    CONSTRAINT uq_grant_corrections_grant UNIQUE (grant_id)
);

CREATE INDEX ix_grant_corrections_funder ON grant_corrections (funder_id);
