-- Data quality (360Giving's checks of a recipient organisation): a grant to a person (360Giving recipientIndividual,
-- CSV Recipient Ind:*) has no recipient organisation, so it no longer fails recipient_without_country (bit 2) or
-- recipient_without_identifier (bit 3); before this release its stored quality_flags had them set. The flags of every
-- grant that may be one (either bit set, no recipient organisation id or name, and its stored JSON naming an
-- individual) are cleared to NULL: the report then tests those grants one by one with the checks as they are now
-- (QualityRow.IsIndividual reads the published JSON exactly), the next write of each stores its new flags, and the
-- quality totals triggers of 0019 move them to the group of grants stored without flags. Nothing else changes.
UPDATE grants SET quality_flags = NULL
WHERE quality_flags IS NOT NULL AND (quality_flags & 12) <> 0
  AND recipient_org_id IS NULL AND recipient_org_name IS NULL
  AND (extra_json LIKE '%recipientIndividual%' OR extra_json LIKE '%Recipient Ind:%');
