-- Issue 18, goal 1: on SQLite this migration appends programme_title to the mix's covering index, ix_grants_funder_mix
-- (migrations/sqlite/0031_add_programme_to_grants_mix_index.sql): without it SQLite looked every grant of the period
-- up in the table, which made the programme reports the slowest there. PostgreSQL's programme reports are already
-- near their floors (README, "Every report beside its floor"), and a wider index would grow every grant's stored
-- bytes for no measured gain, so nothing changes here. This script keeps the three engines' main migration sets
-- numbered alike.
SELECT 1;
