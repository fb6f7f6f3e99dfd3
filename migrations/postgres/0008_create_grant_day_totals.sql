-- The audit mix's stored aggregate (issue 5, "Speed"): per funder, award day, currency and effective
-- classification (a person's correction wins), the number of grants and the exact sum of their minor units.
-- The mix reads these rows instead of every grant. Triggers keep it equal to the grants under every write:
-- inserts and updates of grants (JSON upsert, CSV import merge, re-classification) add and subtract their
-- contribution, once per statement; deletes of grants and every change to a correction recompute the days
-- they touch from the grants.
--   flexible: 1 flexible, 0 not flexible, -1 unclassified (NULL in grants)
--   source:   'manual' when a correction exists, else the purpose's source ('' when none)
CREATE TABLE grant_day_totals (
    funder_id    bigint NOT NULL,
    award_date   date NOT NULL,
    currency     text NOT NULL,
    level        text NOT NULL,
    purpose      text NOT NULL,
    flexible     integer NOT NULL,
    source       text NOT NULL,
    grant_count  bigint NOT NULL,
    amount       bigint NOT NULL,
    CONSTRAINT pk_grant_day_totals PRIMARY KEY (funder_id, award_date, currency, level, purpose, flexible, source)
);

-- Recomputes one funder's days from the grants (the truth), whatever ran before.
CREATE FUNCTION grant_day_totals_recompute(p_funder_ids bigint[], p_days date[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM grant_day_totals t
    USING unnest(p_funder_ids, p_days) AS d(funder_id, award_date)
    WHERE t.funder_id = d.funder_id AND t.award_date = d.award_date;
    INSERT INTO grant_day_totals (funder_id, award_date, currency, level, purpose, flexible, source, grant_count, amount)
    SELECT g.funder_id, g.award_date, g.currency, COALESCE(c.level, g.level), COALESCE(c.purpose, g.purpose),
           CASE COALESCE(c.flexible, g.flexible) WHEN true THEN 1 WHEN false THEN 0 ELSE -1 END,
           CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END,
           COUNT(*), SUM(g.amount_awarded)
    FROM (SELECT DISTINCT funder_id, award_date FROM unnest(p_funder_ids, p_days) AS u(funder_id, award_date)) d
    JOIN grants g ON g.funder_id = d.funder_id AND g.award_date = d.award_date
    LEFT JOIN grant_corrections c ON c.grant_id = g.id
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    ORDER BY 1, 2, 3, 4, 5, 6, 7;
END $$;

SELECT grant_day_totals_recompute(array_agg(funder_id), array_agg(award_date))
FROM (SELECT DISTINCT funder_id, award_date FROM grants) d;

CREATE FUNCTION grant_day_totals_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO grant_day_totals AS t (funder_id, award_date, currency, level, purpose, flexible, source, grant_count, amount)
    SELECT n.funder_id, n.award_date, n.currency, COALESCE(c.level, n.level), COALESCE(c.purpose, n.purpose),
           CASE COALESCE(c.flexible, n.flexible) WHEN true THEN 1 WHEN false THEN 0 ELSE -1 END,
           CASE WHEN c.id IS NULL THEN COALESCE(n.purpose_source, '') ELSE 'manual' END,
           COUNT(*), SUM(n.amount_awarded)
    FROM new_rows n LEFT JOIN grant_corrections c ON c.grant_id = n.id
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (funder_id, award_date, currency, level, purpose, flexible, source)
    DO UPDATE SET grant_count = t.grant_count + excluded.grant_count, amount = t.amount + excluded.amount;
    RETURN NULL;
END $$;

-- Only rows whose day, currency, amount or classification changed move: -old, +new, in one upsert.
CREATE FUNCTION grant_day_totals_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH moved AS (
        SELECT o.funder_id AS o_funder_id, o.award_date AS o_award_date, o.currency AS o_currency, o.amount_awarded AS o_amount,
               o.level AS o_level, o.purpose AS o_purpose, o.flexible AS o_flexible, o.purpose_source AS o_source,
               n.funder_id, n.award_date, n.currency, n.amount_awarded, n.level, n.purpose, n.flexible, n.purpose_source,
               c.id AS c_id, c.level AS c_level, c.purpose AS c_purpose, c.flexible AS c_flexible
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        LEFT JOIN grant_corrections c ON c.grant_id = n.id
        WHERE (o.funder_id, o.award_date, o.currency, o.amount_awarded, o.level, o.purpose, o.flexible, o.purpose_source)
              IS DISTINCT FROM (n.funder_id, n.award_date, n.currency, n.amount_awarded, n.level, n.purpose, n.flexible, n.purpose_source)),
    deltas AS (
        SELECT o_funder_id AS funder_id, o_award_date AS award_date, o_currency AS currency, COALESCE(c_level, o_level) AS level,
               COALESCE(c_purpose, o_purpose) AS purpose,
               CASE COALESCE(c_flexible, o_flexible) WHEN true THEN 1 WHEN false THEN 0 ELSE -1 END AS flexible,
               CASE WHEN c_id IS NULL THEN COALESCE(o_source, '') ELSE 'manual' END AS source,
               -1 AS grants, -o_amount AS amount
        FROM moved
        UNION ALL
        SELECT funder_id, award_date, currency, COALESCE(c_level, level), COALESCE(c_purpose, purpose),
               CASE COALESCE(c_flexible, flexible) WHEN true THEN 1 WHEN false THEN 0 ELSE -1 END,
               CASE WHEN c_id IS NULL THEN COALESCE(purpose_source, '') ELSE 'manual' END,
               1, amount_awarded
        FROM moved)
    INSERT INTO grant_day_totals AS t (funder_id, award_date, currency, level, purpose, flexible, source, grant_count, amount)
    SELECT funder_id, award_date, currency, level, purpose, flexible, source, SUM(grants), SUM(amount)
    FROM deltas
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (funder_id, award_date, currency, level, purpose, flexible, source)
    DO UPDATE SET grant_count = t.grant_count + excluded.grant_count, amount = t.amount + excluded.amount;

    DELETE FROM grant_day_totals t
    USING (SELECT DISTINCT funder_id, award_date FROM old_rows) d
    WHERE t.funder_id = d.funder_id AND t.award_date = d.award_date AND t.grant_count = 0;
    RETURN NULL;
END $$;

-- After a delete the grants' corrections may already be gone (ON DELETE CASCADE): recompute the days instead.
CREATE FUNCTION grant_day_totals_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM grant_day_totals_recompute(array_agg(funder_id), array_agg(award_date))
    FROM (SELECT DISTINCT funder_id, award_date FROM old_rows) d;
    RETURN NULL;
END $$;

CREATE FUNCTION grant_day_totals_on_correction() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM grant_day_totals_recompute(array_agg(g.funder_id), array_agg(g.award_date))
    FROM grants g
    WHERE g.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.grant_id ELSE NEW.grant_id END
       OR g.id = CASE WHEN TG_OP = 'UPDATE' THEN OLD.grant_id END;
    RETURN NULL;
END $$;

CREATE TRIGGER tr_grants_day_totals_insert AFTER INSERT ON grants
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION grant_day_totals_on_insert();
CREATE TRIGGER tr_grants_day_totals_update AFTER UPDATE ON grants
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION grant_day_totals_on_update();
CREATE TRIGGER tr_grants_day_totals_delete AFTER DELETE ON grants
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION grant_day_totals_on_delete();
CREATE TRIGGER tr_grant_corrections_day_totals AFTER INSERT OR UPDATE OR DELETE ON grant_corrections
    FOR EACH ROW EXECUTE FUNCTION grant_day_totals_on_correction();
