-- Issue 18, goal 1: a per-funder version of the grants the audit reads, so that an instance may keep a funder's
-- grants in memory for its reports (Features/Audit/Snapshots) and know, with one lookup, whether they are still what
-- is stored. Every write that can change a report bumps the funder's version in the same transaction (statement
-- triggers over the transition tables, so a COPY of a million grants bumps it once): a grant inserted, updated or
-- deleted, a correction inserted, updated or deleted. grants counts the funder's grants, so that an instance knows a
-- funder's size before it reads them. The counter is only ever compared for equality; it is never shown.
CREATE TABLE grant_data_versions (
    funder_id bigint NOT NULL PRIMARY KEY,
    version   bigint NOT NULL,
    grants    bigint NOT NULL
);

INSERT INTO grant_data_versions (funder_id, version, grants)
SELECT funder_id, 1, COUNT(*) FROM grants GROUP BY funder_id;

-- deltas: (funder, change in its number of grants); every funder named is bumped once.
CREATE FUNCTION grant_data_versions_bump(funders bigint[], deltas bigint[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO grant_data_versions AS v (funder_id, version, grants)
    SELECT f, 1, SUM(d)::bigint FROM unnest(funders, deltas) AS x (f, d) GROUP BY f ORDER BY f
    ON CONFLICT (funder_id) DO UPDATE SET version = v.version + 1, grants = v.grants + excluded.grants;
$$;

CREATE FUNCTION grant_data_versions_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM grant_data_versions_bump(array_agg(funder_id), array_agg(n)) FROM
        (SELECT funder_id, COUNT(*) AS n FROM new_rows GROUP BY funder_id) x;
    RETURN NULL;
END $$;

CREATE FUNCTION grant_data_versions_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM grant_data_versions_bump(array_agg(funder_id), array_agg(n)) FROM
        (SELECT funder_id, SUM(n)::bigint AS n FROM
            (SELECT funder_id, 1::bigint AS n FROM new_rows UNION ALL SELECT funder_id, -1 FROM old_rows) y
         GROUP BY funder_id) x;
    RETURN NULL;
END $$;

CREATE FUNCTION grant_data_versions_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM grant_data_versions_bump(array_agg(funder_id), array_agg(-n)) FROM
        (SELECT funder_id, COUNT(*) AS n FROM old_rows GROUP BY funder_id) x;
    RETURN NULL;
END $$;

CREATE FUNCTION grant_data_versions_on_correction() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM grant_data_versions_bump(ARRAY[f], ARRAY[0::bigint]) FROM
        (SELECT DISTINCT f FROM unnest(ARRAY[
            CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.funder_id END,
            CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.funder_id END]) AS f WHERE f IS NOT NULL) x;
    RETURN NULL;
END $$;

CREATE TRIGGER tr_grants_data_version_insert AFTER INSERT ON grants
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION grant_data_versions_on_insert();
CREATE TRIGGER tr_grants_data_version_update AFTER UPDATE ON grants
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION grant_data_versions_on_update();
CREATE TRIGGER tr_grants_data_version_delete AFTER DELETE ON grants
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION grant_data_versions_on_delete();
CREATE TRIGGER tr_grant_corrections_data_version AFTER INSERT OR UPDATE OR DELETE ON grant_corrections
    FOR EACH ROW EXECUTE FUNCTION grant_data_versions_on_correction();
