-- Issue 18, goal 1: on SQLite this migration appends programme_title to the mix's covering index, ix_grants_funder_mix
-- (migrations/sqlite/0031_add_programme_to_grants_mix_index.sql): without it SQLite looked every grant of the period
-- up in the table, which made the programme reports the slowest there. Nothing here was measured to need it, and a
-- wider index would grow every grant's stored bytes, so nothing changes. This script keeps the three engines' main
-- migration sets numbered alike.
SELECT 1;
