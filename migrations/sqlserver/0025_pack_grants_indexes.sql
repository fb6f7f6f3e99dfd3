-- Bytes per grant (issue 18, goal 3): on PostgreSQL this migration packs grants' indexes (migrations/postgres/
-- 0025_pack_grants_indexes.sql). SQL Server's rows and index rows keep fixed-width columns together ahead of the
-- variable-length ones, so the INCLUDE order costs no padding; its indexes keep their fill factor (0: full leaf
-- pages already). This script keeps the three engines' main migration sets numbered alike.
SELECT 1;
