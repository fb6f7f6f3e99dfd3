-- Data quality: nonexistent_planned_dates (bit 11 of quality_flags, 360Giving's ImpossibleDates for planned dates) is
-- new in this release, so no grant stored before it has the bit. A grant can fail it only if its stored JSON has
-- plannedDates and a planned date column is empty (a date that is no date is stored as none). The flags of those
-- grants are cleared to NULL: the report then tests them one by one with every check as it is now, the next write of
-- each stores its new flags, and the quality totals triggers of 0019 move them to the group of grants stored without
-- flags.
-- Only a start or end date that the JSON gives and the column does not hold can fail: a plannedDates item with only a
-- duration (Andrew Lloyd Webber's 468 of 475 grants) cannot, so those keep their flags and the summed report.
UPDATE grants SET quality_flags = NULL
WHERE quality_flags IS NOT NULL
  AND ((planned_start_date IS NULL AND extra_json LIKE '%"startDate"%')
    OR (planned_end_date IS NULL AND extra_json LIKE '%"endDate"%'));
