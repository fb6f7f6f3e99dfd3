-- Nothing changes in SQLite's schema (the file keeps the migration numbers equal across engines). Bulk loads of new
-- grants (the CSV import) drop tr_grants_day_totals_insert inside their own transaction, create it again from its
-- stored SQL before they commit, and add their day totals themselves (SqliteBulkUpsert, NewGrantDayTotals): the
-- trigger, run once per row, cost more than inserting the row. Every other write still goes through the triggers.
SELECT 1;
