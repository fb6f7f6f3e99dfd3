-- Bytes per grant (issue 18, goal 3): the keyset index of 0002, ix_grants_funder_award (funder_id, award_date, id),
-- dropped, as on PostgreSQL and SQLite. On SQL Server a nonclustered index on a table clustered by its primary key
-- (grants.id) carries id after its own key columns, so the mix index of 0005 (funder_id, award_date) INCLUDE (…) is
-- already ordered by (funder_id, award_date, id): it serves the grants list's keyset pages exactly as the award index did.
DROP INDEX ix_grants_funder_award ON grants;
