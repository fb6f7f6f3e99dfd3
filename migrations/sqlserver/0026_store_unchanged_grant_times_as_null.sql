-- Bytes per grant (issue 18, goal 3): a grant's updated_at and classified_at are stored NULL when they equal its
-- created_at ("not changed since it was created", "classified when it was created"), as every grant an import or a
-- post creates has them. The service reads them back through one expression (GrantTimes: COALESCE(updated_at,
-- created_at); classified_at likewise, but only for a grant with a level_source, since a NULL classified_at without one
-- still means "not classified"), so nothing it returns changes. updated_at becomes nullable, then the rows that equal
-- created_at are rewritten, with the totals triggers of 0008 and 0019 off for that statement (they do not read these
-- columns; the script's transaction keeps every other write from seeing them off).
ALTER TABLE grants ALTER COLUMN updated_at datetimeoffset NULL;
ALTER TABLE grants DISABLE TRIGGER tr_grants_day_totals;
ALTER TABLE grants DISABLE TRIGGER tr_grants_quality_totals;
UPDATE grants SET
    updated_at = NULLIF(updated_at, created_at),
    classified_at = CASE WHEN classified_at = created_at AND level_source IS NOT NULL THEN NULL ELSE classified_at END
WHERE updated_at = created_at OR (classified_at = created_at AND level_source IS NOT NULL);
ALTER TABLE grants ENABLE TRIGGER tr_grants_day_totals;
ALTER TABLE grants ENABLE TRIGGER tr_grants_quality_totals;
