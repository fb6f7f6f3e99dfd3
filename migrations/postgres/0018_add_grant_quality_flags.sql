-- Data quality at a million grants (issue 18, goal 1): each grant stores, as a bit set, the quality checks that depend
-- only on its own content (QualityChecks.Flags: bit n = the n-th stored check fails), computed by the service from the
-- finished grant wherever grants are written (GrantStore.ColumnValues: the JSON API and every import loader). The
-- report then sums the grants grouped by these flags instead of loading every grant. The checks that depend on other
-- data at read time (rates, today, the effective classification) are not stored. Null: written before this migration
-- (or by a path that does not set it); the report checks those grants one by one, as before.
ALTER TABLE grants ADD COLUMN quality_flags integer;
