-- The audit mix's stored aggregate (issue 5, "Speed"): per funder, award day, currency and effective
-- classification (a person's correction wins), the number of grants and the exact sum of their minor units.
-- The mix reads these rows instead of every grant. Triggers keep it equal to the grants under every write:
-- inserts and updates of grants (JSON upsert, CSV import merge, re-classification) add and subtract their
-- contribution; deletes of grants and every change to a correction recompute the grant's day from the grants.
--   flexible: 1 flexible, 0 not flexible, -1 unclassified (NULL in grants)
--   source:   'manual' when a correction exists, else the purpose's source ('' when none)
CREATE TABLE grant_day_totals (
    funder_id    INTEGER NOT NULL,
    award_date   TEXT NOT NULL,
    currency     TEXT NOT NULL,
    level        TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    flexible     INTEGER NOT NULL,
    source       TEXT NOT NULL,
    grant_count  INTEGER NOT NULL,
    amount       INTEGER NOT NULL,
    CONSTRAINT pk_grant_day_totals PRIMARY KEY (funder_id, award_date, currency, level, purpose, flexible, source)
) WITHOUT ROWID;

INSERT INTO grant_day_totals (funder_id, award_date, currency, level, purpose, flexible, source, grant_count, amount)
SELECT g.funder_id, g.award_date, g.currency, COALESCE(c.level, g.level), COALESCE(c.purpose, g.purpose),
       CASE COALESCE(c.flexible, g.flexible) WHEN 1 THEN 1 WHEN 0 THEN 0 ELSE -1 END,
       CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END,
       COUNT(*), SUM(g.amount_awarded)
FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
GROUP BY 1, 2, 3, 4, 5, 6, 7;

CREATE TRIGGER tr_grants_day_totals_insert AFTER INSERT ON grants
BEGIN
    INSERT INTO grant_day_totals (funder_id, award_date, currency, level, purpose, flexible, source, grant_count, amount)
    SELECT g.funder_id, g.award_date, g.currency, COALESCE(c.level, g.level), COALESCE(c.purpose, g.purpose),
           CASE COALESCE(c.flexible, g.flexible) WHEN 1 THEN 1 WHEN 0 THEN 0 ELSE -1 END,
           CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END,
           1, g.amount_awarded
    FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
    WHERE g.id = NEW.id
    ON CONFLICT (funder_id, award_date, currency, level, purpose, flexible, source)
    DO UPDATE SET grant_count = grant_count + excluded.grant_count, amount = amount + excluded.amount;
END;

CREATE TRIGGER tr_grants_day_totals_update AFTER UPDATE ON grants
WHEN OLD.funder_id IS NOT NEW.funder_id OR OLD.award_date IS NOT NEW.award_date OR OLD.currency IS NOT NEW.currency
  OR OLD.amount_awarded IS NOT NEW.amount_awarded OR OLD.level IS NOT NEW.level OR OLD.purpose IS NOT NEW.purpose
  OR OLD.flexible IS NOT NEW.flexible OR OLD.purpose_source IS NOT NEW.purpose_source
BEGIN
    INSERT INTO grant_day_totals (funder_id, award_date, currency, level, purpose, flexible, source, grant_count, amount)
    SELECT OLD.funder_id, OLD.award_date, OLD.currency, COALESCE(c.level, OLD.level), COALESCE(c.purpose, OLD.purpose),
           CASE COALESCE(c.flexible, OLD.flexible) WHEN 1 THEN 1 WHEN 0 THEN 0 ELSE -1 END,
           CASE WHEN c.id IS NULL THEN COALESCE(OLD.purpose_source, '') ELSE 'manual' END,
           -1, -OLD.amount_awarded
    FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
    WHERE g.id = NEW.id
    ON CONFLICT (funder_id, award_date, currency, level, purpose, flexible, source)
    DO UPDATE SET grant_count = grant_count + excluded.grant_count, amount = amount + excluded.amount;
    DELETE FROM grant_day_totals WHERE funder_id = OLD.funder_id AND award_date = OLD.award_date AND grant_count = 0;
    INSERT INTO grant_day_totals (funder_id, award_date, currency, level, purpose, flexible, source, grant_count, amount)
    SELECT g.funder_id, g.award_date, g.currency, COALESCE(c.level, g.level), COALESCE(c.purpose, g.purpose),
           CASE COALESCE(c.flexible, g.flexible) WHEN 1 THEN 1 WHEN 0 THEN 0 ELSE -1 END,
           CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END,
           1, g.amount_awarded
    FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
    WHERE g.id = NEW.id
    ON CONFLICT (funder_id, award_date, currency, level, purpose, flexible, source)
    DO UPDATE SET grant_count = grant_count + excluded.grant_count, amount = amount + excluded.amount;
END;

CREATE TRIGGER tr_grants_day_totals_delete AFTER DELETE ON grants
BEGIN
    DELETE FROM grant_day_totals WHERE funder_id = OLD.funder_id AND award_date = OLD.award_date;
    INSERT INTO grant_day_totals (funder_id, award_date, currency, level, purpose, flexible, source, grant_count, amount)
    SELECT g.funder_id, g.award_date, g.currency, COALESCE(c.level, g.level), COALESCE(c.purpose, g.purpose),
           CASE COALESCE(c.flexible, g.flexible) WHEN 1 THEN 1 WHEN 0 THEN 0 ELSE -1 END,
           CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END,
           COUNT(*), SUM(g.amount_awarded)
    FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
    WHERE g.funder_id = OLD.funder_id AND g.award_date = OLD.award_date
    GROUP BY 1, 2, 3, 4, 5, 6, 7;
END;

CREATE TRIGGER tr_grant_corrections_day_totals_insert AFTER INSERT ON grant_corrections
BEGIN
    DELETE FROM grant_day_totals
    WHERE funder_id = (SELECT funder_id FROM grants WHERE id = NEW.grant_id) AND award_date = (SELECT award_date FROM grants WHERE id = NEW.grant_id);
    INSERT INTO grant_day_totals (funder_id, award_date, currency, level, purpose, flexible, source, grant_count, amount)
    SELECT g.funder_id, g.award_date, g.currency, COALESCE(c.level, g.level), COALESCE(c.purpose, g.purpose),
           CASE COALESCE(c.flexible, g.flexible) WHEN 1 THEN 1 WHEN 0 THEN 0 ELSE -1 END,
           CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END,
           COUNT(*), SUM(g.amount_awarded)
    FROM grants d JOIN grants g ON g.funder_id = d.funder_id AND g.award_date = d.award_date
    LEFT JOIN grant_corrections c ON c.grant_id = g.id
    WHERE d.id = NEW.grant_id
    GROUP BY 1, 2, 3, 4, 5, 6, 7;
END;

CREATE TRIGGER tr_grant_corrections_day_totals_update AFTER UPDATE ON grant_corrections
BEGIN
    DELETE FROM grant_day_totals
    WHERE funder_id = (SELECT funder_id FROM grants WHERE id = NEW.grant_id) AND award_date = (SELECT award_date FROM grants WHERE id = NEW.grant_id);
    INSERT INTO grant_day_totals (funder_id, award_date, currency, level, purpose, flexible, source, grant_count, amount)
    SELECT g.funder_id, g.award_date, g.currency, COALESCE(c.level, g.level), COALESCE(c.purpose, g.purpose),
           CASE COALESCE(c.flexible, g.flexible) WHEN 1 THEN 1 WHEN 0 THEN 0 ELSE -1 END,
           CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END,
           COUNT(*), SUM(g.amount_awarded)
    FROM grants d JOIN grants g ON g.funder_id = d.funder_id AND g.award_date = d.award_date
    LEFT JOIN grant_corrections c ON c.grant_id = g.id
    WHERE d.id = NEW.grant_id
    GROUP BY 1, 2, 3, 4, 5, 6, 7;
END;

CREATE TRIGGER tr_grant_corrections_day_totals_delete AFTER DELETE ON grant_corrections
BEGIN
    DELETE FROM grant_day_totals
    WHERE funder_id = (SELECT funder_id FROM grants WHERE id = OLD.grant_id) AND award_date = (SELECT award_date FROM grants WHERE id = OLD.grant_id);
    INSERT INTO grant_day_totals (funder_id, award_date, currency, level, purpose, flexible, source, grant_count, amount)
    SELECT g.funder_id, g.award_date, g.currency, COALESCE(c.level, g.level), COALESCE(c.purpose, g.purpose),
           CASE COALESCE(c.flexible, g.flexible) WHEN 1 THEN 1 WHEN 0 THEN 0 ELSE -1 END,
           CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END,
           COUNT(*), SUM(g.amount_awarded)
    FROM grants d JOIN grants g ON g.funder_id = d.funder_id AND g.award_date = d.award_date
    LEFT JOIN grant_corrections c ON c.grant_id = g.id
    WHERE d.id = OLD.grant_id
    GROUP BY 1, 2, 3, 4, 5, 6, 7;
END;
