-- Bytes per grant (issue 18, goal 3): grants' indexes packed tighter on PostgreSQL.
-- 1. The keys that grow at their right end as grants are added (the id of grants_pkey; a funder's identifiers and
--    import ids, usually written in order) leave their full pages 100% full instead of B-tree's default 90%: an append
--    never comes back to a full page. A later update of a grant adds its index entries to pages that are now full,
--    so a page a rewrite touches splits at its first new entry instead of after a tenth of a page (each half then
--    has room).
-- 2. ix_grants_funder_mix (0005) made again with the same key and the same INCLUDE columns in another order: the 8-byte
--    amount after the short fixed texts and the flag, so it needs 4 bytes of alignment instead of up to 7 after the
--    level and purpose texts, and an entry whose level and purpose texts are short enough ends 8 bytes sooner. The
--    reports read the same columns from it (INCLUDE order is not part of what a plan can use).
-- The indexes are built again here, in the script's transaction.
ALTER INDEX grants_pkey SET (fillfactor = 100);
ALTER INDEX uq_grants_funder_identifier SET (fillfactor = 100);
ALTER INDEX ix_grants_funder_import SET (fillfactor = 100);
REINDEX INDEX grants_pkey;
REINDEX INDEX uq_grants_funder_identifier;
REINDEX INDEX ix_grants_funder_import;
DROP INDEX ix_grants_funder_mix;
CREATE INDEX ix_grants_funder_mix ON grants (funder_id, award_date)
    INCLUDE (currency, recipient_country, flexible, amount_awarded, level, purpose);
