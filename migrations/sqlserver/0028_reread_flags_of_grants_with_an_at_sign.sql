-- Data quality: looks_like_email (bit 10 of quality_flags, 360Giving's LooksLikeEmail) is new in this release, so no
-- grant stored before it has the bit. A grant can fail it only if an @ is somewhere in its published JSON: in the
-- stored JSON (extra_json, or the remainder of a CSV row, which keeps its additional columns) or in a column it is
-- rebuilt from. The flags of those grants (few in a funder's data) are cleared to NULL: the report then tests them one
-- by one with every check as it is now, the next write of each stores its new flags, and the quality totals triggers
-- of 0019 move them to the group of grants stored without flags.
UPDATE grants SET quality_flags = NULL
WHERE quality_flags IS NOT NULL
  AND (extra_json LIKE '%@%' OR identifier LIKE '%@%' OR title LIKE '%@%' OR description LIKE '%@%'
    OR recipient_org_id LIKE '%@%' OR recipient_org_name LIKE '%@%' OR recipient_country LIKE '%@%'
    OR recipient_location_countries LIKE '%@%' OR beneficiary_locations LIKE '%@%' OR funding_org_id LIKE '%@%'
    OR funding_org_name LIKE '%@%' OR programme_title LIKE '%@%' OR funding_types LIKE '%@%'
    OR location_scope LIKE '%@%' OR regrant_type LIKE '%@%');
