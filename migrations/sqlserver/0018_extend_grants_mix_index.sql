-- The audit mix (issue 18): the covering index the mix and its medians read the grants through also carries the
-- programme title (and, on SQL Server, the recipient country as PostgreSQL and SQLite already had it), so that a
-- mix grouped or filtered by region, country or programme reads the index alone instead of every grant row
-- (MixGrantScan: one narrow read of the period, summed in the service).
DROP INDEX ix_grants_funder_mix ON grants;
GO

CREATE INDEX ix_grants_funder_mix ON grants (funder_id, award_date) INCLUDE (currency, level, purpose, flexible, amount_awarded, recipient_country, programme_title);
