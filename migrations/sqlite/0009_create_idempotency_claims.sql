-- On SQLite the Idempotency-Key claims live with the rest of the rapid-response data in its own file:
-- migrations/sqlite-rapid-response/0002_create_idempotency_claims.sql. This script keeps the three engines' main
-- migration sets numbered alike.
SELECT 1;
