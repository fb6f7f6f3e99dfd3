-- Bytes per grant (issue 18, goal 3): a grant's updated_at and classified_at are stored NULL when they equal its
-- created_at ("not changed since it was created", "classified when it was created"), as every grant an import or a
-- post creates has them: about 33 bytes of text each here. The service reads them back through one expression
-- (GrantTimes: COALESCE(updated_at, created_at); classified_at likewise, but only for a grant with a level_source,
-- since a NULL classified_at without one still means "not classified"), so nothing it returns changes.
-- SQLite cannot drop a column's NOT NULL, and rebuilding grants would delete every grant_corrections row by its cascade
-- (as in 0024), so updated_at is copied into a new nullable column that then takes its name (the table's last column;
-- every statement names its columns). The update triggers of 0008 and 0019 fire only when a column they read changes,
-- and they read neither of these.
ALTER TABLE grants ADD COLUMN updated_at_0026 TEXT NULL;
UPDATE grants SET
    updated_at_0026 = NULLIF(updated_at, created_at),
    classified_at = CASE WHEN classified_at = created_at AND level_source IS NOT NULL THEN NULL ELSE classified_at END;
ALTER TABLE grants DROP COLUMN updated_at;
ALTER TABLE grants RENAME COLUMN updated_at_0026 TO updated_at;
