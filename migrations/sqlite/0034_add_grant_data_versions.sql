-- Issue 18, goal 1: a per-funder version of the grants the audit reads, so that an instance may keep a funder's
-- grants in memory for its reports (Features/Audit/Snapshots) and know, with one lookup, whether they are still what
-- is stored. Every write that can change a report bumps the funder's version in the same transaction: a grant
-- inserted, updated or deleted, and a correction inserted, updated or deleted. The CSV import drops the insert
-- trigger for its load, as it does the day totals' (GrantStore.BulkTarget), and bumps the version once for its new
-- grants (GrantDataVersions) before it commits. grants counts the funder's grants, so that an instance knows a funder's
-- size before it reads them. The counter is only ever compared for equality; it is never shown.
CREATE TABLE grant_data_versions (
    funder_id INTEGER NOT NULL PRIMARY KEY,
    version   INTEGER NOT NULL,
    grants    INTEGER NOT NULL
);

INSERT INTO grant_data_versions (funder_id, version, grants)
SELECT funder_id, 1, COUNT(*) FROM grants GROUP BY funder_id;

CREATE TRIGGER tr_grants_data_version_insert AFTER INSERT ON grants
BEGIN
    INSERT INTO grant_data_versions (funder_id, version, grants) VALUES (NEW.funder_id, 1, 1)
    ON CONFLICT (funder_id) DO UPDATE SET version = version + 1, grants = grants + 1;
END;

CREATE TRIGGER tr_grants_data_version_update AFTER UPDATE ON grants
BEGIN
    INSERT INTO grant_data_versions (funder_id, version, grants) VALUES (OLD.funder_id, 1, 0)
    ON CONFLICT (funder_id) DO UPDATE SET version = version + 1,
        grants = grants - (OLD.funder_id IS NOT NEW.funder_id);
    INSERT INTO grant_data_versions (funder_id, version, grants)
    SELECT NEW.funder_id, 1, 1 WHERE OLD.funder_id IS NOT NEW.funder_id
    ON CONFLICT (funder_id) DO UPDATE SET version = version + 1, grants = grants + 1;
END;

CREATE TRIGGER tr_grants_data_version_delete AFTER DELETE ON grants
BEGIN
    UPDATE grant_data_versions SET version = version + 1, grants = grants - 1 WHERE funder_id = OLD.funder_id;
END;

CREATE TRIGGER tr_grant_corrections_data_version_insert AFTER INSERT ON grant_corrections
BEGIN
    UPDATE grant_data_versions SET version = version + 1 WHERE funder_id = NEW.funder_id;
END;

CREATE TRIGGER tr_grant_corrections_data_version_update AFTER UPDATE ON grant_corrections
BEGIN
    UPDATE grant_data_versions SET version = version + 1 WHERE funder_id IN (OLD.funder_id, NEW.funder_id);
END;

CREATE TRIGGER tr_grant_corrections_data_version_delete AFTER DELETE ON grant_corrections
BEGIN
    UPDATE grant_data_versions SET version = version + 1 WHERE funder_id = OLD.funder_id;
END;
