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
-- Triggers keep it equal to the grants under every write; SQLite's import adds its new grants' rows itself while
-- the insert trigger is dropped (NewGrantQualityTotals). GrantQualityTotalsTests compares it with the grants.

CREATE TABLE grant_quality_totals (
    funder_id        INTEGER NOT NULL,
    award_date       TEXT NOT NULL,
    currency         TEXT NOT NULL,
    flags            INTEGER NOT NULL,
    far_date         TEXT NOT NULL,
    level_reason     TEXT NOT NULL,
    purpose_reason   TEXT NOT NULL,
    source           TEXT NOT NULL,
    grant_count      INTEGER NOT NULL,
    amount           INTEGER NOT NULL,
    CONSTRAINT pk_grant_quality_totals PRIMARY KEY (funder_id, award_date, currency, flags, far_date, level_reason, purpose_reason, source)
) WITHOUT ROWID;

INSERT INTO grant_quality_totals (funder_id, award_date, currency, flags, far_date, level_reason, purpose_reason, source, grant_count, amount)
SELECT g.funder_id,
       g.award_date,
       g.currency,
       COALESCE(g.quality_flags, -1),
       CASE WHEN max(COALESCE(g.planned_start_date, ''), COALESCE(g.planned_end_date, '')) > date(g.award_date, '+1825 days') THEN max(COALESCE(g.planned_start_date, ''), COALESCE(g.planned_end_date, '')) ELSE g.award_date END,
       CASE WHEN COALESCE(c.level, g.level) = 'unclassified' THEN CASE WHEN substr(g.level_evidence, 1, 16) = '["unclassified: ' THEN trim(substr(substr(g.level_evidence, 17), 1, min(CASE instr(substr(g.level_evidence, 17), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, 17), ':') END, CASE instr(substr(g.level_evidence, 17), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, 17), '(') END, CASE instr(substr(g.level_evidence, 17), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, 17), '"') END) - 1)) WHEN instr(g.level_evidence, ',"unclassified: ') > 0 THEN trim(substr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), 1, min(CASE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), ':') END, CASE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '(') END, CASE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '"') END) - 1)) ELSE 'low confidence' END ELSE '' END,
       CASE WHEN COALESCE(c.purpose, g.purpose) = 'unclassified' THEN CASE WHEN substr(g.purpose_evidence, 1, 16) = '["unclassified: ' THEN trim(substr(substr(g.purpose_evidence, 17), 1, min(CASE instr(substr(g.purpose_evidence, 17), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, 17), ':') END, CASE instr(substr(g.purpose_evidence, 17), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, 17), '(') END, CASE instr(substr(g.purpose_evidence, 17), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, 17), '"') END) - 1)) WHEN instr(g.purpose_evidence, ',"unclassified: ') > 0 THEN trim(substr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), 1, min(CASE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), ':') END, CASE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '(') END, CASE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '"') END) - 1)) ELSE 'low confidence' END ELSE '' END,
       CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END,
       COUNT(*), SUM(g.amount_awarded)
FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

CREATE TRIGGER tr_grants_quality_totals_insert AFTER INSERT ON grants
BEGIN
    INSERT INTO grant_quality_totals (funder_id, award_date, currency, flags, far_date, level_reason, purpose_reason, source, grant_count, amount)
    SELECT g.funder_id,
           g.award_date,
           g.currency,
           COALESCE(g.quality_flags, -1),
           CASE WHEN max(COALESCE(g.planned_start_date, ''), COALESCE(g.planned_end_date, '')) > date(g.award_date, '+1825 days') THEN max(COALESCE(g.planned_start_date, ''), COALESCE(g.planned_end_date, '')) ELSE g.award_date END,
           CASE WHEN COALESCE(c.level, g.level) = 'unclassified' THEN CASE WHEN substr(g.level_evidence, 1, 16) = '["unclassified: ' THEN trim(substr(substr(g.level_evidence, 17), 1, min(CASE instr(substr(g.level_evidence, 17), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, 17), ':') END, CASE instr(substr(g.level_evidence, 17), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, 17), '(') END, CASE instr(substr(g.level_evidence, 17), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, 17), '"') END) - 1)) WHEN instr(g.level_evidence, ',"unclassified: ') > 0 THEN trim(substr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), 1, min(CASE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), ':') END, CASE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '(') END, CASE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '"') END) - 1)) ELSE 'low confidence' END ELSE '' END,
           CASE WHEN COALESCE(c.purpose, g.purpose) = 'unclassified' THEN CASE WHEN substr(g.purpose_evidence, 1, 16) = '["unclassified: ' THEN trim(substr(substr(g.purpose_evidence, 17), 1, min(CASE instr(substr(g.purpose_evidence, 17), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, 17), ':') END, CASE instr(substr(g.purpose_evidence, 17), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, 17), '(') END, CASE instr(substr(g.purpose_evidence, 17), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, 17), '"') END) - 1)) WHEN instr(g.purpose_evidence, ',"unclassified: ') > 0 THEN trim(substr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), 1, min(CASE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), ':') END, CASE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '(') END, CASE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '"') END) - 1)) ELSE 'low confidence' END ELSE '' END,
           CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END,
           1, g.amount_awarded
    FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
    WHERE g.id = NEW.id
    ON CONFLICT (funder_id, award_date, currency, flags, far_date, level_reason, purpose_reason, source)
    DO UPDATE SET grant_count = grant_count + excluded.grant_count, amount = amount + excluded.amount;
END;

CREATE TRIGGER tr_grants_quality_totals_update AFTER UPDATE ON grants
WHEN OLD.funder_id IS NOT NEW.funder_id
  OR OLD.award_date IS NOT NEW.award_date
  OR OLD.currency IS NOT NEW.currency
  OR OLD.amount_awarded IS NOT NEW.amount_awarded
  OR OLD.quality_flags IS NOT NEW.quality_flags
  OR OLD.planned_start_date IS NOT NEW.planned_start_date
  OR OLD.planned_end_date IS NOT NEW.planned_end_date
  OR OLD.level IS NOT NEW.level
  OR OLD.purpose IS NOT NEW.purpose
  OR OLD.purpose_source IS NOT NEW.purpose_source
  OR OLD.level_evidence IS NOT NEW.level_evidence
  OR OLD.purpose_evidence IS NOT NEW.purpose_evidence
BEGIN
    INSERT INTO grant_quality_totals (funder_id, award_date, currency, flags, far_date, level_reason, purpose_reason, source, grant_count, amount)
    SELECT OLD.funder_id,
           OLD.award_date,
           OLD.currency,
           COALESCE(OLD.quality_flags, -1),
           CASE WHEN max(COALESCE(OLD.planned_start_date, ''), COALESCE(OLD.planned_end_date, '')) > date(OLD.award_date, '+1825 days') THEN max(COALESCE(OLD.planned_start_date, ''), COALESCE(OLD.planned_end_date, '')) ELSE OLD.award_date END,
           CASE WHEN COALESCE(c.level, OLD.level) = 'unclassified' THEN CASE WHEN substr(OLD.level_evidence, 1, 16) = '["unclassified: ' THEN trim(substr(substr(OLD.level_evidence, 17), 1, min(CASE instr(substr(OLD.level_evidence, 17), ':') WHEN 0 THEN 100000 ELSE instr(substr(OLD.level_evidence, 17), ':') END, CASE instr(substr(OLD.level_evidence, 17), '(') WHEN 0 THEN 100000 ELSE instr(substr(OLD.level_evidence, 17), '(') END, CASE instr(substr(OLD.level_evidence, 17), '"') WHEN 0 THEN 100000 ELSE instr(substr(OLD.level_evidence, 17), '"') END) - 1)) WHEN instr(OLD.level_evidence, ',"unclassified: ') > 0 THEN trim(substr(substr(OLD.level_evidence, instr(OLD.level_evidence, ',"unclassified: ') + 16), 1, min(CASE instr(substr(OLD.level_evidence, instr(OLD.level_evidence, ',"unclassified: ') + 16), ':') WHEN 0 THEN 100000 ELSE instr(substr(OLD.level_evidence, instr(OLD.level_evidence, ',"unclassified: ') + 16), ':') END, CASE instr(substr(OLD.level_evidence, instr(OLD.level_evidence, ',"unclassified: ') + 16), '(') WHEN 0 THEN 100000 ELSE instr(substr(OLD.level_evidence, instr(OLD.level_evidence, ',"unclassified: ') + 16), '(') END, CASE instr(substr(OLD.level_evidence, instr(OLD.level_evidence, ',"unclassified: ') + 16), '"') WHEN 0 THEN 100000 ELSE instr(substr(OLD.level_evidence, instr(OLD.level_evidence, ',"unclassified: ') + 16), '"') END) - 1)) ELSE 'low confidence' END ELSE '' END,
           CASE WHEN COALESCE(c.purpose, OLD.purpose) = 'unclassified' THEN CASE WHEN substr(OLD.purpose_evidence, 1, 16) = '["unclassified: ' THEN trim(substr(substr(OLD.purpose_evidence, 17), 1, min(CASE instr(substr(OLD.purpose_evidence, 17), ':') WHEN 0 THEN 100000 ELSE instr(substr(OLD.purpose_evidence, 17), ':') END, CASE instr(substr(OLD.purpose_evidence, 17), '(') WHEN 0 THEN 100000 ELSE instr(substr(OLD.purpose_evidence, 17), '(') END, CASE instr(substr(OLD.purpose_evidence, 17), '"') WHEN 0 THEN 100000 ELSE instr(substr(OLD.purpose_evidence, 17), '"') END) - 1)) WHEN instr(OLD.purpose_evidence, ',"unclassified: ') > 0 THEN trim(substr(substr(OLD.purpose_evidence, instr(OLD.purpose_evidence, ',"unclassified: ') + 16), 1, min(CASE instr(substr(OLD.purpose_evidence, instr(OLD.purpose_evidence, ',"unclassified: ') + 16), ':') WHEN 0 THEN 100000 ELSE instr(substr(OLD.purpose_evidence, instr(OLD.purpose_evidence, ',"unclassified: ') + 16), ':') END, CASE instr(substr(OLD.purpose_evidence, instr(OLD.purpose_evidence, ',"unclassified: ') + 16), '(') WHEN 0 THEN 100000 ELSE instr(substr(OLD.purpose_evidence, instr(OLD.purpose_evidence, ',"unclassified: ') + 16), '(') END, CASE instr(substr(OLD.purpose_evidence, instr(OLD.purpose_evidence, ',"unclassified: ') + 16), '"') WHEN 0 THEN 100000 ELSE instr(substr(OLD.purpose_evidence, instr(OLD.purpose_evidence, ',"unclassified: ') + 16), '"') END) - 1)) ELSE 'low confidence' END ELSE '' END,
           CASE WHEN c.id IS NULL THEN COALESCE(OLD.purpose_source, '') ELSE 'manual' END,
           -1, -OLD.amount_awarded
    FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
    WHERE g.id = NEW.id
    ON CONFLICT (funder_id, award_date, currency, flags, far_date, level_reason, purpose_reason, source)
    DO UPDATE SET grant_count = grant_count + excluded.grant_count, amount = amount + excluded.amount;
    DELETE FROM grant_quality_totals WHERE funder_id = OLD.funder_id AND award_date = OLD.award_date AND grant_count = 0;
    INSERT INTO grant_quality_totals (funder_id, award_date, currency, flags, far_date, level_reason, purpose_reason, source, grant_count, amount)
    SELECT g.funder_id,
           g.award_date,
           g.currency,
           COALESCE(g.quality_flags, -1),
           CASE WHEN max(COALESCE(g.planned_start_date, ''), COALESCE(g.planned_end_date, '')) > date(g.award_date, '+1825 days') THEN max(COALESCE(g.planned_start_date, ''), COALESCE(g.planned_end_date, '')) ELSE g.award_date END,
           CASE WHEN COALESCE(c.level, g.level) = 'unclassified' THEN CASE WHEN substr(g.level_evidence, 1, 16) = '["unclassified: ' THEN trim(substr(substr(g.level_evidence, 17), 1, min(CASE instr(substr(g.level_evidence, 17), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, 17), ':') END, CASE instr(substr(g.level_evidence, 17), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, 17), '(') END, CASE instr(substr(g.level_evidence, 17), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, 17), '"') END) - 1)) WHEN instr(g.level_evidence, ',"unclassified: ') > 0 THEN trim(substr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), 1, min(CASE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), ':') END, CASE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '(') END, CASE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '"') END) - 1)) ELSE 'low confidence' END ELSE '' END,
           CASE WHEN COALESCE(c.purpose, g.purpose) = 'unclassified' THEN CASE WHEN substr(g.purpose_evidence, 1, 16) = '["unclassified: ' THEN trim(substr(substr(g.purpose_evidence, 17), 1, min(CASE instr(substr(g.purpose_evidence, 17), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, 17), ':') END, CASE instr(substr(g.purpose_evidence, 17), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, 17), '(') END, CASE instr(substr(g.purpose_evidence, 17), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, 17), '"') END) - 1)) WHEN instr(g.purpose_evidence, ',"unclassified: ') > 0 THEN trim(substr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), 1, min(CASE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), ':') END, CASE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '(') END, CASE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '"') END) - 1)) ELSE 'low confidence' END ELSE '' END,
           CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END,
           1, g.amount_awarded
    FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
    WHERE g.id = NEW.id
    ON CONFLICT (funder_id, award_date, currency, flags, far_date, level_reason, purpose_reason, source)
    DO UPDATE SET grant_count = grant_count + excluded.grant_count, amount = amount + excluded.amount;
END;

CREATE TRIGGER tr_grants_quality_totals_delete AFTER DELETE ON grants
BEGIN
    DELETE FROM grant_quality_totals WHERE funder_id = OLD.funder_id AND award_date = OLD.award_date;
    INSERT INTO grant_quality_totals (funder_id, award_date, currency, flags, far_date, level_reason, purpose_reason, source, grant_count, amount)
    SELECT g.funder_id,
           g.award_date,
           g.currency,
           COALESCE(g.quality_flags, -1),
           CASE WHEN max(COALESCE(g.planned_start_date, ''), COALESCE(g.planned_end_date, '')) > date(g.award_date, '+1825 days') THEN max(COALESCE(g.planned_start_date, ''), COALESCE(g.planned_end_date, '')) ELSE g.award_date END,
           CASE WHEN COALESCE(c.level, g.level) = 'unclassified' THEN CASE WHEN substr(g.level_evidence, 1, 16) = '["unclassified: ' THEN trim(substr(substr(g.level_evidence, 17), 1, min(CASE instr(substr(g.level_evidence, 17), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, 17), ':') END, CASE instr(substr(g.level_evidence, 17), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, 17), '(') END, CASE instr(substr(g.level_evidence, 17), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, 17), '"') END) - 1)) WHEN instr(g.level_evidence, ',"unclassified: ') > 0 THEN trim(substr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), 1, min(CASE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), ':') END, CASE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '(') END, CASE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '"') END) - 1)) ELSE 'low confidence' END ELSE '' END,
           CASE WHEN COALESCE(c.purpose, g.purpose) = 'unclassified' THEN CASE WHEN substr(g.purpose_evidence, 1, 16) = '["unclassified: ' THEN trim(substr(substr(g.purpose_evidence, 17), 1, min(CASE instr(substr(g.purpose_evidence, 17), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, 17), ':') END, CASE instr(substr(g.purpose_evidence, 17), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, 17), '(') END, CASE instr(substr(g.purpose_evidence, 17), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, 17), '"') END) - 1)) WHEN instr(g.purpose_evidence, ',"unclassified: ') > 0 THEN trim(substr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), 1, min(CASE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), ':') END, CASE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '(') END, CASE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '"') END) - 1)) ELSE 'low confidence' END ELSE '' END,
           CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END,
           COUNT(*), SUM(g.amount_awarded)
    FROM grants g
    LEFT JOIN grant_corrections c ON c.grant_id = g.id
    WHERE g.funder_id = OLD.funder_id AND g.award_date = OLD.award_date
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
END;

CREATE TRIGGER tr_grant_corrections_quality_totals_insert AFTER INSERT ON grant_corrections
BEGIN
    DELETE FROM grant_quality_totals
    WHERE (funder_id, award_date) IN (SELECT funder_id, award_date FROM grants WHERE id = NEW.grant_id);
    INSERT INTO grant_quality_totals (funder_id, award_date, currency, flags, far_date, level_reason, purpose_reason, source, grant_count, amount)
    SELECT g.funder_id,
           g.award_date,
           g.currency,
           COALESCE(g.quality_flags, -1),
           CASE WHEN max(COALESCE(g.planned_start_date, ''), COALESCE(g.planned_end_date, '')) > date(g.award_date, '+1825 days') THEN max(COALESCE(g.planned_start_date, ''), COALESCE(g.planned_end_date, '')) ELSE g.award_date END,
           CASE WHEN COALESCE(c.level, g.level) = 'unclassified' THEN CASE WHEN substr(g.level_evidence, 1, 16) = '["unclassified: ' THEN trim(substr(substr(g.level_evidence, 17), 1, min(CASE instr(substr(g.level_evidence, 17), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, 17), ':') END, CASE instr(substr(g.level_evidence, 17), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, 17), '(') END, CASE instr(substr(g.level_evidence, 17), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, 17), '"') END) - 1)) WHEN instr(g.level_evidence, ',"unclassified: ') > 0 THEN trim(substr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), 1, min(CASE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), ':') END, CASE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '(') END, CASE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '"') END) - 1)) ELSE 'low confidence' END ELSE '' END,
           CASE WHEN COALESCE(c.purpose, g.purpose) = 'unclassified' THEN CASE WHEN substr(g.purpose_evidence, 1, 16) = '["unclassified: ' THEN trim(substr(substr(g.purpose_evidence, 17), 1, min(CASE instr(substr(g.purpose_evidence, 17), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, 17), ':') END, CASE instr(substr(g.purpose_evidence, 17), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, 17), '(') END, CASE instr(substr(g.purpose_evidence, 17), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, 17), '"') END) - 1)) WHEN instr(g.purpose_evidence, ',"unclassified: ') > 0 THEN trim(substr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), 1, min(CASE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), ':') END, CASE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '(') END, CASE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '"') END) - 1)) ELSE 'low confidence' END ELSE '' END,
           CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END,
           COUNT(*), SUM(g.amount_awarded)
    FROM grants d JOIN grants g ON g.funder_id = d.funder_id AND g.award_date = d.award_date
    LEFT JOIN grant_corrections c ON c.grant_id = g.id
    WHERE d.id = NEW.grant_id
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
END;

CREATE TRIGGER tr_grant_corrections_quality_totals_update AFTER UPDATE ON grant_corrections
BEGIN
    DELETE FROM grant_quality_totals
    WHERE (funder_id, award_date) IN (SELECT funder_id, award_date FROM grants WHERE id = NEW.grant_id);
    INSERT INTO grant_quality_totals (funder_id, award_date, currency, flags, far_date, level_reason, purpose_reason, source, grant_count, amount)
    SELECT g.funder_id,
           g.award_date,
           g.currency,
           COALESCE(g.quality_flags, -1),
           CASE WHEN max(COALESCE(g.planned_start_date, ''), COALESCE(g.planned_end_date, '')) > date(g.award_date, '+1825 days') THEN max(COALESCE(g.planned_start_date, ''), COALESCE(g.planned_end_date, '')) ELSE g.award_date END,
           CASE WHEN COALESCE(c.level, g.level) = 'unclassified' THEN CASE WHEN substr(g.level_evidence, 1, 16) = '["unclassified: ' THEN trim(substr(substr(g.level_evidence, 17), 1, min(CASE instr(substr(g.level_evidence, 17), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, 17), ':') END, CASE instr(substr(g.level_evidence, 17), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, 17), '(') END, CASE instr(substr(g.level_evidence, 17), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, 17), '"') END) - 1)) WHEN instr(g.level_evidence, ',"unclassified: ') > 0 THEN trim(substr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), 1, min(CASE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), ':') END, CASE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '(') END, CASE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '"') END) - 1)) ELSE 'low confidence' END ELSE '' END,
           CASE WHEN COALESCE(c.purpose, g.purpose) = 'unclassified' THEN CASE WHEN substr(g.purpose_evidence, 1, 16) = '["unclassified: ' THEN trim(substr(substr(g.purpose_evidence, 17), 1, min(CASE instr(substr(g.purpose_evidence, 17), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, 17), ':') END, CASE instr(substr(g.purpose_evidence, 17), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, 17), '(') END, CASE instr(substr(g.purpose_evidence, 17), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, 17), '"') END) - 1)) WHEN instr(g.purpose_evidence, ',"unclassified: ') > 0 THEN trim(substr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), 1, min(CASE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), ':') END, CASE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '(') END, CASE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '"') END) - 1)) ELSE 'low confidence' END ELSE '' END,
           CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END,
           COUNT(*), SUM(g.amount_awarded)
    FROM grants d JOIN grants g ON g.funder_id = d.funder_id AND g.award_date = d.award_date
    LEFT JOIN grant_corrections c ON c.grant_id = g.id
    WHERE d.id = NEW.grant_id
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
END;

CREATE TRIGGER tr_grant_corrections_quality_totals_delete AFTER DELETE ON grant_corrections
BEGIN
    DELETE FROM grant_quality_totals
    WHERE (funder_id, award_date) IN (SELECT funder_id, award_date FROM grants WHERE id = OLD.grant_id);
    INSERT INTO grant_quality_totals (funder_id, award_date, currency, flags, far_date, level_reason, purpose_reason, source, grant_count, amount)
    SELECT g.funder_id,
           g.award_date,
           g.currency,
           COALESCE(g.quality_flags, -1),
           CASE WHEN max(COALESCE(g.planned_start_date, ''), COALESCE(g.planned_end_date, '')) > date(g.award_date, '+1825 days') THEN max(COALESCE(g.planned_start_date, ''), COALESCE(g.planned_end_date, '')) ELSE g.award_date END,
           CASE WHEN COALESCE(c.level, g.level) = 'unclassified' THEN CASE WHEN substr(g.level_evidence, 1, 16) = '["unclassified: ' THEN trim(substr(substr(g.level_evidence, 17), 1, min(CASE instr(substr(g.level_evidence, 17), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, 17), ':') END, CASE instr(substr(g.level_evidence, 17), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, 17), '(') END, CASE instr(substr(g.level_evidence, 17), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, 17), '"') END) - 1)) WHEN instr(g.level_evidence, ',"unclassified: ') > 0 THEN trim(substr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), 1, min(CASE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), ':') END, CASE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '(') END, CASE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.level_evidence, instr(g.level_evidence, ',"unclassified: ') + 16), '"') END) - 1)) ELSE 'low confidence' END ELSE '' END,
           CASE WHEN COALESCE(c.purpose, g.purpose) = 'unclassified' THEN CASE WHEN substr(g.purpose_evidence, 1, 16) = '["unclassified: ' THEN trim(substr(substr(g.purpose_evidence, 17), 1, min(CASE instr(substr(g.purpose_evidence, 17), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, 17), ':') END, CASE instr(substr(g.purpose_evidence, 17), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, 17), '(') END, CASE instr(substr(g.purpose_evidence, 17), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, 17), '"') END) - 1)) WHEN instr(g.purpose_evidence, ',"unclassified: ') > 0 THEN trim(substr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), 1, min(CASE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), ':') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), ':') END, CASE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '(') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '(') END, CASE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '"') WHEN 0 THEN 100000 ELSE instr(substr(g.purpose_evidence, instr(g.purpose_evidence, ',"unclassified: ') + 16), '"') END) - 1)) ELSE 'low confidence' END ELSE '' END,
           CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END,
           COUNT(*), SUM(g.amount_awarded)
    FROM grants d JOIN grants g ON g.funder_id = d.funder_id AND g.award_date = d.award_date
    LEFT JOIN grant_corrections c ON c.grant_id = g.id
    WHERE d.id = OLD.grant_id
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
END;
