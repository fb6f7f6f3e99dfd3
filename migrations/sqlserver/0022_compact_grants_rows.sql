-- Bytes per grant (issue 18, goal 3): on PostgreSQL this migration rebuilds grants with its columns in alignment order
-- (migrations/postgres/0022_compact_grants_rows.sql). SQL Server stores a row's fixed-length columns together ahead of
-- its variable-length ones whatever the declared order, so the column order costs no padding here. This script keeps
-- the three engines' main migration sets numbered alike.
SELECT 1;
