-- Quality per import (issue 14, item 3): each grant names the import that last wrote it (created it or changed its
-- content; an unchanged row leaves the grant and this column alone), so the quality checks and the grants list can
-- be restricted to one import's grants. Null for grants written by the JSON API (POST /api/grants) and for grants
-- stored before this migration. No foreign key: a grant outlives the record of the import that wrote it.
ALTER TABLE grants ADD COLUMN import_id INTEGER;
CREATE INDEX ix_grants_funder_import ON grants (funder_id, import_id);
