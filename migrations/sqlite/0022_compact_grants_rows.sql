-- Bytes per grant (issue 18, goal 3): on PostgreSQL this migration rebuilds grants with its columns in alignment order
-- (migrations/postgres/0022_compact_grants_rows.sql). SQLite's record format does not align values, so the column order
-- costs nothing here. This script keeps the three engines' main migration sets numbered alike.
SELECT 1;
