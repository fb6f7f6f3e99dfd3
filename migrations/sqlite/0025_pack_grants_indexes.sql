-- Bytes per grant (issue 18, goal 3): on PostgreSQL this migration packs grants' indexes (fillfactor 100 on the keys
-- that grow at their right end, the mix index's INCLUDE columns in an order that needs less alignment padding;
-- migrations/postgres/0025_pack_grants_indexes.sql). SQLite's index records are not aligned and its B-trees have no
-- fillfactor, so there is nothing to change here. This script keeps the three engines' main migration sets numbered
-- alike.
SELECT 1;
