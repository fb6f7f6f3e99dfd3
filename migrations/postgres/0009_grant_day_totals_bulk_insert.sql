-- Bulk loads of new grants (the CSV import) add their own day totals, once per import, inside their transaction
-- (NewGrantDayTotals); every other insert still goes through this trigger.
-- The insert trigger was FOR EACH STATEMENT with a transition table: PostgreSQL then copies every inserted row into a
-- tuplestore even when the trigger does nothing with it, which cost about a third of the import's server time. It is
-- now FOR EACH ROW with a WHEN clause: while the transaction's setting fundaudit.bulk_insert is 'on' (set with
-- set_config(…, true) by the bulk path only, so it cannot outlive the transaction), no trigger event is even queued.
-- Its contribution is the statement trigger's: a person's correction wins, flexible 1 / 0 / -1, source 'manual' or
-- the purpose's source.
DROP TRIGGER tr_grants_day_totals_insert ON grants;
DROP FUNCTION grant_day_totals_on_insert();

CREATE FUNCTION grant_day_totals_on_insert_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO grant_day_totals AS t (funder_id, award_date, currency, level, purpose, flexible, source, grant_count, amount)
    SELECT NEW.funder_id, NEW.award_date, NEW.currency, COALESCE(c.level, NEW.level), COALESCE(c.purpose, NEW.purpose),
           CASE COALESCE(c.flexible, NEW.flexible) WHEN true THEN 1 WHEN false THEN 0 ELSE -1 END,
           CASE WHEN c.id IS NULL THEN COALESCE(NEW.purpose_source, '') ELSE 'manual' END,
           1, NEW.amount_awarded
    FROM (SELECT NEW.id AS grant_id) n LEFT JOIN grant_corrections c ON c.grant_id = n.grant_id
    ON CONFLICT (funder_id, award_date, currency, level, purpose, flexible, source)
    DO UPDATE SET grant_count = t.grant_count + excluded.grant_count, amount = t.amount + excluded.amount;
    RETURN NULL;
END $$;

CREATE TRIGGER tr_grants_day_totals_insert AFTER INSERT ON grants FOR EACH ROW
    WHEN (current_setting('fundaudit.bulk_insert', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION grant_day_totals_on_insert_row();
