-- Data quality at a million grants (issue 18, goal 1): the quality report's stored aggregate, kept by the database as
-- grant_day_totals (migration 0008) is. Per funder, award day, currency, stored quality flags (grants.quality_flags,
-- migration 0018; -1 for a grant stored without them, which the report checks one by one), far date, the kind of
-- reason the classifier gave for an effective (corrected) level and purpose still unclassified, and the
-- classification source (the report's source filter): the number of grants and the exact sum of their minor units.
-- The report reads these rows instead of the grants unless a filter needs place, programme or one import
-- (QualityTotalsStore).
--   far_date: the later planned date when it is more than 1825 days (never more than 5 years) after the award date,
--             else the award date. A grant awarded by today is far-future (a date more than 5 years after today) only
--             if far_date is; grants awarded in the next 5 years are read from the grants themselves.
--   level_reason, purpose_reason: '' when placed; else the kind of the classifier's reason (QualityCalculator.Kind of
--             Corrections.ReasonOf): the text of the evidence's first "unclassified: " line up to ':', '(' or its
--             end, trimmed ('no place known', 'conflicting evidence', 'no activity words'), or 'low confidence'.
--   source:   'manual' when a correction exists, else the purpose's source ('' when none), as in grant_day_totals.
-- Triggers keep it equal to the grants under every write; on PostgreSQL once per statement (COPY included). GrantQualityTotalsTests compares it with the grants.

CREATE TABLE grant_quality_totals (
    funder_id        bigint NOT NULL,
    award_date       date NOT NULL,
    currency         text NOT NULL,
    flags            integer NOT NULL,
    far_date         date NOT NULL,
    level_reason     text NOT NULL,
    purpose_reason   text NOT NULL,
    source           text NOT NULL,
    grant_count      bigint NOT NULL,
    amount           bigint NOT NULL,
    CONSTRAINT pk_grant_quality_totals PRIMARY KEY (funder_id, award_date, currency, flags, far_date, level_reason, purpose_reason, source)
);

-- Recomputes the given (funder, day) pairs from the grants (the truth), whatever ran before.
CREATE FUNCTION grant_quality_totals_recompute(p_funder_ids bigint[], p_days date[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM grant_quality_totals t
    USING unnest(p_funder_ids, p_days) AS d(funder_id, award_date)
    WHERE t.funder_id = d.funder_id AND t.award_date = d.award_date;
    INSERT INTO grant_quality_totals (funder_id, award_date, currency, flags, far_date, level_reason, purpose_reason, source, grant_count, amount)
    SELECT g.funder_id,
           g.award_date,
           g.currency,
           COALESCE(g.quality_flags, -1),
           CASE WHEN GREATEST(g.planned_start_date, g.planned_end_date) > g.award_date + 1825 THEN GREATEST(g.planned_start_date, g.planned_end_date) ELSE g.award_date END,
           CASE WHEN COALESCE(c.level, g.level) = 'unclassified' THEN CASE WHEN left(g.level_evidence, 16) = '["unclassified: ' THEN btrim(substr(substr(g.level_evidence, 17), 1, COALESCE(LEAST(NULLIF(strpos(substr(g.level_evidence, 17), ':'), 0), NULLIF(strpos(substr(g.level_evidence, 17), '('), 0), NULLIF(strpos(substr(g.level_evidence, 17), '"'), 0)), 100000) - 1), ' ') WHEN strpos(g.level_evidence, ',"unclassified: ') > 0 THEN btrim(substr(substr(g.level_evidence, strpos(g.level_evidence, ',"unclassified: ') + 16), 1, COALESCE(LEAST(NULLIF(strpos(substr(g.level_evidence, strpos(g.level_evidence, ',"unclassified: ') + 16), ':'), 0), NULLIF(strpos(substr(g.level_evidence, strpos(g.level_evidence, ',"unclassified: ') + 16), '('), 0), NULLIF(strpos(substr(g.level_evidence, strpos(g.level_evidence, ',"unclassified: ') + 16), '"'), 0)), 100000) - 1), ' ') ELSE 'low confidence' END ELSE '' END,
           CASE WHEN COALESCE(c.purpose, g.purpose) = 'unclassified' THEN CASE WHEN left(g.purpose_evidence, 16) = '["unclassified: ' THEN btrim(substr(substr(g.purpose_evidence, 17), 1, COALESCE(LEAST(NULLIF(strpos(substr(g.purpose_evidence, 17), ':'), 0), NULLIF(strpos(substr(g.purpose_evidence, 17), '('), 0), NULLIF(strpos(substr(g.purpose_evidence, 17), '"'), 0)), 100000) - 1), ' ') WHEN strpos(g.purpose_evidence, ',"unclassified: ') > 0 THEN btrim(substr(substr(g.purpose_evidence, strpos(g.purpose_evidence, ',"unclassified: ') + 16), 1, COALESCE(LEAST(NULLIF(strpos(substr(g.purpose_evidence, strpos(g.purpose_evidence, ',"unclassified: ') + 16), ':'), 0), NULLIF(strpos(substr(g.purpose_evidence, strpos(g.purpose_evidence, ',"unclassified: ') + 16), '('), 0), NULLIF(strpos(substr(g.purpose_evidence, strpos(g.purpose_evidence, ',"unclassified: ') + 16), '"'), 0)), 100000) - 1), ' ') ELSE 'low confidence' END ELSE '' END,
           CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END,
           COUNT(*), SUM(g.amount_awarded)
    FROM (SELECT DISTINCT funder_id, award_date FROM unnest(p_funder_ids, p_days) AS u(funder_id, award_date)) d
    JOIN grants g ON g.funder_id = d.funder_id AND g.award_date = d.award_date
    LEFT JOIN grant_corrections c ON c.grant_id = g.id
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8;
END $$;

INSERT INTO grant_quality_totals (funder_id, award_date, currency, flags, far_date, level_reason, purpose_reason, source, grant_count, amount)
SELECT g.funder_id,
       g.award_date,
       g.currency,
       COALESCE(g.quality_flags, -1),
       CASE WHEN GREATEST(g.planned_start_date, g.planned_end_date) > g.award_date + 1825 THEN GREATEST(g.planned_start_date, g.planned_end_date) ELSE g.award_date END,
       CASE WHEN COALESCE(c.level, g.level) = 'unclassified' THEN CASE WHEN left(g.level_evidence, 16) = '["unclassified: ' THEN btrim(substr(substr(g.level_evidence, 17), 1, COALESCE(LEAST(NULLIF(strpos(substr(g.level_evidence, 17), ':'), 0), NULLIF(strpos(substr(g.level_evidence, 17), '('), 0), NULLIF(strpos(substr(g.level_evidence, 17), '"'), 0)), 100000) - 1), ' ') WHEN strpos(g.level_evidence, ',"unclassified: ') > 0 THEN btrim(substr(substr(g.level_evidence, strpos(g.level_evidence, ',"unclassified: ') + 16), 1, COALESCE(LEAST(NULLIF(strpos(substr(g.level_evidence, strpos(g.level_evidence, ',"unclassified: ') + 16), ':'), 0), NULLIF(strpos(substr(g.level_evidence, strpos(g.level_evidence, ',"unclassified: ') + 16), '('), 0), NULLIF(strpos(substr(g.level_evidence, strpos(g.level_evidence, ',"unclassified: ') + 16), '"'), 0)), 100000) - 1), ' ') ELSE 'low confidence' END ELSE '' END,
       CASE WHEN COALESCE(c.purpose, g.purpose) = 'unclassified' THEN CASE WHEN left(g.purpose_evidence, 16) = '["unclassified: ' THEN btrim(substr(substr(g.purpose_evidence, 17), 1, COALESCE(LEAST(NULLIF(strpos(substr(g.purpose_evidence, 17), ':'), 0), NULLIF(strpos(substr(g.purpose_evidence, 17), '('), 0), NULLIF(strpos(substr(g.purpose_evidence, 17), '"'), 0)), 100000) - 1), ' ') WHEN strpos(g.purpose_evidence, ',"unclassified: ') > 0 THEN btrim(substr(substr(g.purpose_evidence, strpos(g.purpose_evidence, ',"unclassified: ') + 16), 1, COALESCE(LEAST(NULLIF(strpos(substr(g.purpose_evidence, strpos(g.purpose_evidence, ',"unclassified: ') + 16), ':'), 0), NULLIF(strpos(substr(g.purpose_evidence, strpos(g.purpose_evidence, ',"unclassified: ') + 16), '('), 0), NULLIF(strpos(substr(g.purpose_evidence, strpos(g.purpose_evidence, ',"unclassified: ') + 16), '"'), 0)), 100000) - 1), ' ') ELSE 'low confidence' END ELSE '' END,
       CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END,
       COUNT(*), SUM(g.amount_awarded)
FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

CREATE FUNCTION grant_quality_totals_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO grant_quality_totals AS t (funder_id, award_date, currency, flags, far_date, level_reason, purpose_reason, source, grant_count, amount)
    SELECT n.funder_id,
           n.award_date,
           n.currency,
           COALESCE(n.quality_flags, -1),
           CASE WHEN GREATEST(n.planned_start_date, n.planned_end_date) > n.award_date + 1825 THEN GREATEST(n.planned_start_date, n.planned_end_date) ELSE n.award_date END,
           CASE WHEN COALESCE(c.level, n.level) = 'unclassified' THEN CASE WHEN left(n.level_evidence, 16) = '["unclassified: ' THEN btrim(substr(substr(n.level_evidence, 17), 1, COALESCE(LEAST(NULLIF(strpos(substr(n.level_evidence, 17), ':'), 0), NULLIF(strpos(substr(n.level_evidence, 17), '('), 0), NULLIF(strpos(substr(n.level_evidence, 17), '"'), 0)), 100000) - 1), ' ') WHEN strpos(n.level_evidence, ',"unclassified: ') > 0 THEN btrim(substr(substr(n.level_evidence, strpos(n.level_evidence, ',"unclassified: ') + 16), 1, COALESCE(LEAST(NULLIF(strpos(substr(n.level_evidence, strpos(n.level_evidence, ',"unclassified: ') + 16), ':'), 0), NULLIF(strpos(substr(n.level_evidence, strpos(n.level_evidence, ',"unclassified: ') + 16), '('), 0), NULLIF(strpos(substr(n.level_evidence, strpos(n.level_evidence, ',"unclassified: ') + 16), '"'), 0)), 100000) - 1), ' ') ELSE 'low confidence' END ELSE '' END,
           CASE WHEN COALESCE(c.purpose, n.purpose) = 'unclassified' THEN CASE WHEN left(n.purpose_evidence, 16) = '["unclassified: ' THEN btrim(substr(substr(n.purpose_evidence, 17), 1, COALESCE(LEAST(NULLIF(strpos(substr(n.purpose_evidence, 17), ':'), 0), NULLIF(strpos(substr(n.purpose_evidence, 17), '('), 0), NULLIF(strpos(substr(n.purpose_evidence, 17), '"'), 0)), 100000) - 1), ' ') WHEN strpos(n.purpose_evidence, ',"unclassified: ') > 0 THEN btrim(substr(substr(n.purpose_evidence, strpos(n.purpose_evidence, ',"unclassified: ') + 16), 1, COALESCE(LEAST(NULLIF(strpos(substr(n.purpose_evidence, strpos(n.purpose_evidence, ',"unclassified: ') + 16), ':'), 0), NULLIF(strpos(substr(n.purpose_evidence, strpos(n.purpose_evidence, ',"unclassified: ') + 16), '('), 0), NULLIF(strpos(substr(n.purpose_evidence, strpos(n.purpose_evidence, ',"unclassified: ') + 16), '"'), 0)), 100000) - 1), ' ') ELSE 'low confidence' END ELSE '' END,
           CASE WHEN c.id IS NULL THEN COALESCE(n.purpose_source, '') ELSE 'manual' END,
           COUNT(*), SUM(n.amount_awarded)
    FROM new_rows n LEFT JOIN grant_corrections c ON c.grant_id = n.id
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT (funder_id, award_date, currency, flags, far_date, level_reason, purpose_reason, source)
    DO UPDATE SET grant_count = t.grant_count + excluded.grant_count, amount = t.amount + excluded.amount;
    RETURN NULL;
END $$;

-- Only rows whose day, currency, amount, flags, planned dates, classification or evidence changed move: -old, +new, in one
-- upsert.
CREATE FUNCTION grant_quality_totals_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH moved AS (
        SELECT o.id, c.id AS c_id
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        LEFT JOIN grant_corrections c ON c.grant_id = n.id
        WHERE (o.funder_id, o.award_date, o.currency, o.amount_awarded, o.quality_flags, o.planned_start_date, o.planned_end_date, o.level, o.purpose, o.purpose_source, o.level_evidence, o.purpose_evidence)
              IS DISTINCT FROM (n.funder_id, n.award_date, n.currency, n.amount_awarded, n.quality_flags, n.planned_start_date, n.planned_end_date, n.level, n.purpose, n.purpose_source, n.level_evidence, n.purpose_evidence)),
    deltas AS (
        SELECT o.funder_id,
               o.award_date,
               o.currency,
               COALESCE(o.quality_flags, -1),
               CASE WHEN GREATEST(o.planned_start_date, o.planned_end_date) > o.award_date + 1825 THEN GREATEST(o.planned_start_date, o.planned_end_date) ELSE o.award_date END,
               CASE WHEN COALESCE(c.level, o.level) = 'unclassified' THEN CASE WHEN left(o.level_evidence, 16) = '["unclassified: ' THEN btrim(substr(substr(o.level_evidence, 17), 1, COALESCE(LEAST(NULLIF(strpos(substr(o.level_evidence, 17), ':'), 0), NULLIF(strpos(substr(o.level_evidence, 17), '('), 0), NULLIF(strpos(substr(o.level_evidence, 17), '"'), 0)), 100000) - 1), ' ') WHEN strpos(o.level_evidence, ',"unclassified: ') > 0 THEN btrim(substr(substr(o.level_evidence, strpos(o.level_evidence, ',"unclassified: ') + 16), 1, COALESCE(LEAST(NULLIF(strpos(substr(o.level_evidence, strpos(o.level_evidence, ',"unclassified: ') + 16), ':'), 0), NULLIF(strpos(substr(o.level_evidence, strpos(o.level_evidence, ',"unclassified: ') + 16), '('), 0), NULLIF(strpos(substr(o.level_evidence, strpos(o.level_evidence, ',"unclassified: ') + 16), '"'), 0)), 100000) - 1), ' ') ELSE 'low confidence' END ELSE '' END,
               CASE WHEN COALESCE(c.purpose, o.purpose) = 'unclassified' THEN CASE WHEN left(o.purpose_evidence, 16) = '["unclassified: ' THEN btrim(substr(substr(o.purpose_evidence, 17), 1, COALESCE(LEAST(NULLIF(strpos(substr(o.purpose_evidence, 17), ':'), 0), NULLIF(strpos(substr(o.purpose_evidence, 17), '('), 0), NULLIF(strpos(substr(o.purpose_evidence, 17), '"'), 0)), 100000) - 1), ' ') WHEN strpos(o.purpose_evidence, ',"unclassified: ') > 0 THEN btrim(substr(substr(o.purpose_evidence, strpos(o.purpose_evidence, ',"unclassified: ') + 16), 1, COALESCE(LEAST(NULLIF(strpos(substr(o.purpose_evidence, strpos(o.purpose_evidence, ',"unclassified: ') + 16), ':'), 0), NULLIF(strpos(substr(o.purpose_evidence, strpos(o.purpose_evidence, ',"unclassified: ') + 16), '('), 0), NULLIF(strpos(substr(o.purpose_evidence, strpos(o.purpose_evidence, ',"unclassified: ') + 16), '"'), 0)), 100000) - 1), ' ') ELSE 'low confidence' END ELSE '' END,
               CASE WHEN c.id IS NULL THEN COALESCE(o.purpose_source, '') ELSE 'manual' END,
               -1, -o.amount_awarded
        FROM moved m JOIN old_rows o ON o.id = m.id LEFT JOIN grant_corrections c ON c.id = m.c_id
        UNION ALL
        SELECT n.funder_id,
               n.award_date,
               n.currency,
               COALESCE(n.quality_flags, -1),
               CASE WHEN GREATEST(n.planned_start_date, n.planned_end_date) > n.award_date + 1825 THEN GREATEST(n.planned_start_date, n.planned_end_date) ELSE n.award_date END,
               CASE WHEN COALESCE(c.level, n.level) = 'unclassified' THEN CASE WHEN left(n.level_evidence, 16) = '["unclassified: ' THEN btrim(substr(substr(n.level_evidence, 17), 1, COALESCE(LEAST(NULLIF(strpos(substr(n.level_evidence, 17), ':'), 0), NULLIF(strpos(substr(n.level_evidence, 17), '('), 0), NULLIF(strpos(substr(n.level_evidence, 17), '"'), 0)), 100000) - 1), ' ') WHEN strpos(n.level_evidence, ',"unclassified: ') > 0 THEN btrim(substr(substr(n.level_evidence, strpos(n.level_evidence, ',"unclassified: ') + 16), 1, COALESCE(LEAST(NULLIF(strpos(substr(n.level_evidence, strpos(n.level_evidence, ',"unclassified: ') + 16), ':'), 0), NULLIF(strpos(substr(n.level_evidence, strpos(n.level_evidence, ',"unclassified: ') + 16), '('), 0), NULLIF(strpos(substr(n.level_evidence, strpos(n.level_evidence, ',"unclassified: ') + 16), '"'), 0)), 100000) - 1), ' ') ELSE 'low confidence' END ELSE '' END,
               CASE WHEN COALESCE(c.purpose, n.purpose) = 'unclassified' THEN CASE WHEN left(n.purpose_evidence, 16) = '["unclassified: ' THEN btrim(substr(substr(n.purpose_evidence, 17), 1, COALESCE(LEAST(NULLIF(strpos(substr(n.purpose_evidence, 17), ':'), 0), NULLIF(strpos(substr(n.purpose_evidence, 17), '('), 0), NULLIF(strpos(substr(n.purpose_evidence, 17), '"'), 0)), 100000) - 1), ' ') WHEN strpos(n.purpose_evidence, ',"unclassified: ') > 0 THEN btrim(substr(substr(n.purpose_evidence, strpos(n.purpose_evidence, ',"unclassified: ') + 16), 1, COALESCE(LEAST(NULLIF(strpos(substr(n.purpose_evidence, strpos(n.purpose_evidence, ',"unclassified: ') + 16), ':'), 0), NULLIF(strpos(substr(n.purpose_evidence, strpos(n.purpose_evidence, ',"unclassified: ') + 16), '('), 0), NULLIF(strpos(substr(n.purpose_evidence, strpos(n.purpose_evidence, ',"unclassified: ') + 16), '"'), 0)), 100000) - 1), ' ') ELSE 'low confidence' END ELSE '' END,
               CASE WHEN c.id IS NULL THEN COALESCE(n.purpose_source, '') ELSE 'manual' END,
               1, n.amount_awarded
        FROM moved m JOIN new_rows n ON n.id = m.id LEFT JOIN grant_corrections c ON c.id = m.c_id)
    INSERT INTO grant_quality_totals AS t (funder_id, award_date, currency, flags, far_date, level_reason, purpose_reason, source, grant_count, amount)
    SELECT funder_id, award_date, currency, flags, far_date, level_reason, purpose_reason, source, SUM(n), SUM(a)
    FROM deltas AS x(funder_id, award_date, currency, flags, far_date, level_reason, purpose_reason, source, n, a)
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT (funder_id, award_date, currency, flags, far_date, level_reason, purpose_reason, source)
    DO UPDATE SET grant_count = t.grant_count + excluded.grant_count, amount = t.amount + excluded.amount;

    DELETE FROM grant_quality_totals t
    USING (SELECT DISTINCT funder_id, award_date FROM old_rows) d
    WHERE t.funder_id = d.funder_id AND t.award_date = d.award_date AND t.grant_count = 0;
    RETURN NULL;
END $$;

-- After a delete the grants' corrections may already be gone (ON DELETE CASCADE): recompute the days instead.
CREATE FUNCTION grant_quality_totals_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM grant_quality_totals_recompute(array_agg(funder_id), array_agg(award_date))
    FROM (SELECT DISTINCT funder_id, award_date FROM old_rows) d;
    RETURN NULL;
END $$;

CREATE FUNCTION grant_quality_totals_on_correction() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM grant_quality_totals_recompute(array_agg(g.funder_id), array_agg(g.award_date))
    FROM grants g
    WHERE g.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.grant_id ELSE NEW.grant_id END
       OR g.id = CASE WHEN TG_OP = 'UPDATE' THEN OLD.grant_id END;
    RETURN NULL;
END $$;

CREATE TRIGGER tr_grants_quality_totals_insert AFTER INSERT ON grants
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION grant_quality_totals_on_insert();
CREATE TRIGGER tr_grants_quality_totals_update AFTER UPDATE ON grants
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION grant_quality_totals_on_update();
CREATE TRIGGER tr_grants_quality_totals_delete AFTER DELETE ON grants
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION grant_quality_totals_on_delete();
CREATE TRIGGER tr_grant_corrections_quality_totals AFTER INSERT OR UPDATE OR DELETE ON grant_corrections
    FOR EACH ROW EXECUTE FUNCTION grant_quality_totals_on_correction();
