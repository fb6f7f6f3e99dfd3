-- Bytes per grant (issue 18, goal 3): a grant's updated_at and classified_at are stored NULL when they equal its
-- created_at ("not changed since it was created", "classified when it was created"), as every grant an import or a
-- post creates has them: 8 bytes of the row each. The service reads them back through one expression
-- (GrantTimes: COALESCE(updated_at, created_at); classified_at likewise, but only for a grant with a level_source,
-- since a NULL classified_at without one still means "not classified"), so nothing it returns changes.
-- updated_at loses NOT NULL (a catalog change only), then the rows that equal created_at are rewritten. The statement
-- triggers of 0008 and 0019 on UPDATE would compare every rewritten row's totals groups, and none of them reads these
-- columns, so they are off for this one statement (in this script's transaction: no other write sees them off).
-- On a large table the UPDATE writes a new version of every grant and the old ones stay until VACUUM: the table and its
-- indexes about double in size; a plain VACUUM (autovacuum) lets later writes reuse the space, VACUUM FULL grants gives
-- it back to the file system (README, the `0026` paragraph).
ALTER TABLE grants ALTER COLUMN updated_at DROP NOT NULL;
ALTER TABLE grants DISABLE TRIGGER tr_grants_day_totals_update;
ALTER TABLE grants DISABLE TRIGGER tr_grants_quality_totals_update;
UPDATE grants SET
    updated_at = NULLIF(updated_at, created_at),
    classified_at = CASE WHEN classified_at = created_at AND level_source IS NOT NULL THEN NULL ELSE classified_at END
WHERE updated_at = created_at OR (classified_at = created_at AND level_source IS NOT NULL);
ALTER TABLE grants ENABLE TRIGGER tr_grants_day_totals_update;
ALTER TABLE grants ENABLE TRIGGER tr_grants_quality_totals_update;
