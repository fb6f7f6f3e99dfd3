-- Data quality: unknown_recipient_country (bit 12 of quality_flags, 4096) fails when the grant's recipient country is
-- given but names no country the audit knows, so its grants stand as a country of their own text, in no region
-- ("United Kingdon", "COMMONWEALTH"). The audit's place reports (and the region and country filters) find a grant's
-- country by country_key = upper(recipient_country). SQL Server compares keys without case, so 0032's keys find every
-- case form of a name and none is added (it also compares without trailing spaces: "UK " finds GB here, and only here;
-- CountryKeys, as SQLite and PostgreSQL, finds none, so a grant stored with such a text gets the bit at its next
-- write). Then the bit is set on every stored grant whose recipient country holds a letter or digit a-z, A-Z, 0-9 (so
-- that it is given, not only white space) and is no key, as the engine's own upper() finds it; a grant whose recipient
-- country is no key and holds none of them ("中国", a tab) has its flags cleared to NULL instead: the report then tests
-- it one by one with the check as it is (QualityFlags, CountryKeys), and its next write stores its flags. The quality
-- totals triggers of 0019 move the grants between groups. Written by tools/geo/country_keys.py; nothing else changes.
UPDATE grants SET quality_flags = quality_flags | 4096
WHERE quality_flags IS NOT NULL AND (quality_flags & 4096) = 0 AND recipient_country IS NOT NULL
  AND recipient_country COLLATE Latin1_General_BIN2 LIKE '%[A-Za-z0-9]%'
  AND NOT EXISTS (SELECT 1 FROM country_regions r WHERE r.country_key = upper(grants.recipient_country));

UPDATE grants SET quality_flags = NULL
WHERE quality_flags IS NOT NULL AND recipient_country IS NOT NULL
  AND NOT (recipient_country COLLATE Latin1_General_BIN2 LIKE '%[A-Za-z0-9]%')
  AND NOT EXISTS (SELECT 1 FROM country_regions r WHERE r.country_key = upper(grants.recipient_country));
