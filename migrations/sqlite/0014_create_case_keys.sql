-- On SQLite the case keys live with the rest of the rapid-response data in its own file:
-- migrations/sqlite-rapid-response/0004_create_case_keys.sql. This script keeps the three engines' main migration sets
-- numbered alike.
SELECT 1;
