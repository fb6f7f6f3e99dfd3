-- Nothing changes in SQL Server's schema (the file keeps the migration numbers equal across engines): its bulk path
-- stages new grants and MERGEs them, so tr_grants_day_totals runs for them as for any other write.
SELECT 1;
