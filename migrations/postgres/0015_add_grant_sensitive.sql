-- Sensitive grants (issue 14, item 6): a grant marked sensitive is published back anonymised (the 360Giving
-- exports replace its recipient, identifiers, sub-national places and description). The mark is the funder's, set
-- through PUT /api/grants/by-id/{id}/sensitive or the console, and no import or upsert writes it.
ALTER TABLE grants ADD COLUMN sensitive boolean NOT NULL DEFAULT FALSE;
