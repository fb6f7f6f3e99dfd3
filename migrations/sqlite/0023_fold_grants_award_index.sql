-- Bytes per grant (issue 18, goal 3): the keyset index of 0002, ix_grants_funder_award (funder_id, award_date, id),
-- folded into the mix's covering index of 0005. The mix index takes id right after award_date, so it serves the
-- grants list's (award date, id) order and its keyset pages as the award index did, and the reports read it as before
-- (their scans select a funder's award-date range; the columns after it are read, never searched). One index entry
-- per grant instead of two: the award index was 26 bytes per grant at 100k generated rows, the id adds about 4 to the
-- mix index's entry.
DROP INDEX ix_grants_funder_mix;
CREATE INDEX ix_grants_funder_mix
    ON grants (funder_id, award_date, id, currency, level, purpose, flexible, amount_awarded, recipient_country);
DROP INDEX ix_grants_funder_award;
