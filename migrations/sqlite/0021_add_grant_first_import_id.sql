-- The quality check same_id_in_two_imports (issue 14, item 3: "the same grant id in two imports"): each grant names
-- the import that created it. Set only when an import inserts the grant and never changed by an update (the upserts'
-- SET lists leave it out), so a grant whose import_id (the import that last wrote it, migration 0017) differs from it
-- was created by one import and rewritten with different content by a later one (an unchanged row is not rewritten).
-- Null for grants created through the JSON API (POST /api/grants) and for grants stored before this migration.
-- The index keeps the check a narrow read: only the grants that fail it.
ALTER TABLE grants ADD COLUMN first_import_id INTEGER;
CREATE INDEX ix_grants_funder_reimported ON grants (funder_id, first_import_id)
    WHERE first_import_id IS NOT NULL AND import_id <> first_import_id;
