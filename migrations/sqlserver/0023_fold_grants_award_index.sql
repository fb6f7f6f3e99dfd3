-- Bytes per grant (issue 18, goal 3): the keyset index of 0002, ix_grants_funder_award (funder_id, award_date, id),
-- folded into the mix's covering index of 0005, as on PostgreSQL and SQLite. On SQL Server a nonclustered index on a
-- table clustered by its primary key (grants.id) already carries id after its own key columns, so the mix index was
-- ordered by (funder_id, award_date, id) and the award index repeated it; naming id in the key changes no order.
DROP INDEX ix_grants_funder_mix ON grants;
GO

CREATE INDEX ix_grants_funder_mix ON grants (funder_id, award_date, id)
    INCLUDE (currency, level, purpose, flexible, amount_awarded);
GO

DROP INDEX ix_grants_funder_award ON grants;
