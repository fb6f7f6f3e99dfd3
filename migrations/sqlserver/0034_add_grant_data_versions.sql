-- Issue 18, goal 1: a per-funder version of the grants the audit reads, kept by triggers as on SQLite and
-- PostgreSQL (see those migrations for why). SQL Server's instances do not keep grants in memory for their reports
-- (the audit's snapshots are off on SQL Server, which this machine cannot test); the table is here so that the three
-- schemas stay alike and so that the switch can be turned on once SQL Server is verified.
CREATE TABLE grant_data_versions (
    funder_id bigint NOT NULL PRIMARY KEY,
    version   bigint NOT NULL,
    grants    bigint NOT NULL
);
GO

INSERT INTO grant_data_versions (funder_id, version, grants)
SELECT funder_id, 1, COUNT(*) FROM grants GROUP BY funder_id;
GO

CREATE TRIGGER tr_grants_data_version ON grants AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    MERGE grant_data_versions AS v
    USING (SELECT funder_id, SUM(n) AS n
           FROM (SELECT funder_id, 1 AS n FROM inserted UNION ALL SELECT funder_id, -1 FROM deleted) x
           GROUP BY funder_id) AS d
    ON v.funder_id = d.funder_id
    WHEN MATCHED THEN UPDATE SET version = v.version + 1, grants = v.grants + d.n
    WHEN NOT MATCHED THEN INSERT (funder_id, version, grants) VALUES (d.funder_id, 1, d.n);
END;
GO

CREATE TRIGGER tr_grant_corrections_data_version ON grant_corrections AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    UPDATE grant_data_versions SET version = version + 1
    WHERE funder_id IN (SELECT funder_id FROM inserted UNION SELECT funder_id FROM deleted);
END;
GO
