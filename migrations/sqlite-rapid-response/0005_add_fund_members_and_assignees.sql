-- Need-to-know (issue 15 item 4): officers and finance people are members of funds (set by an admin) and see only
-- their funds' requests; a request can be assigned to an officer who is a member of its fund; each reveal of a case's
-- sensitive fields is logged with its purpose (decide, verify_identity, pay, safety_follow_up). person_id names a
-- staff person (staff_people, in the main file on SQLite, so no foreign key here).
CREATE TABLE fund_members (
    funder_id   INTEGER NOT NULL,
    fund_id     INTEGER NOT NULL REFERENCES funds (id),
    person_id   INTEGER NOT NULL,
    added_by    TEXT    NOT NULL,
    added_at    TEXT    NOT NULL,
    CONSTRAINT pk_fund_members PRIMARY KEY (fund_id, person_id)
);

CREATE INDEX ix_fund_members_person ON fund_members (funder_id, person_id);

ALTER TABLE emergency_requests ADD COLUMN assigned_person_id INTEGER NULL;
ALTER TABLE request_access_log ADD COLUMN purpose TEXT NULL;
