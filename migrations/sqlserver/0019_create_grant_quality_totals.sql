-- Data quality at a million grants (issue 18, goal 1): the quality report's stored aggregate, kept by the database as
-- grant_day_totals (migration 0008) is. Per funder, award day, currency, stored quality flags (grants.quality_flags,
-- migration 0018; -1 for a grant stored without them, which the report checks one by one), far date, whether the
-- effective (corrected) level and purpose are unclassified, and the classification source (the report's source
-- filter): the number of grants and the exact sum of their minor units. The report reads these rows instead of the
-- grants unless a filter needs place, programme or one import (QualityStore).
--   far_date: the later planned date when it is more than 1825 days (never more than 5 years) after the award date,
--             else the award date. A grant awarded by today is far-future (a date more than 5 years after today) only
--             if far_date is; grants awarded in the next 5 years are read from the grants themselves.
--   source:   'manual' when a correction exists, else the purpose's source ('' when none), as in grant_day_totals.
-- Triggers keep it equal to the grants under every write; on SQL Server each statement recomputes the (funder, day)
-- pairs it touched. GrantQualityTotalsTests compares it with the grants.
CREATE TABLE grant_quality_totals (
    funder_id        bigint NOT NULL,
    award_date       date NOT NULL,
    currency         nvarchar(64) NOT NULL,
    flags            int NOT NULL,
    far_date         date NOT NULL,
    level_unplaced   int NOT NULL,
    purpose_unplaced int NOT NULL,
    source           nvarchar(64) NOT NULL,
    grant_count      bigint NOT NULL,
    amount           bigint NOT NULL,
    CONSTRAINT pk_grant_quality_totals PRIMARY KEY (funder_id, award_date, currency, flags, far_date, level_unplaced, purpose_unplaced, source)
);

INSERT INTO grant_quality_totals (funder_id, award_date, currency, flags, far_date, level_unplaced, purpose_unplaced, source, grant_count, amount)
SELECT g.funder_id,
       g.award_date,
       g.currency,
       COALESCE(g.quality_flags, -1),
       CASE WHEN CASE WHEN g.planned_start_date IS NULL OR g.planned_end_date > g.planned_start_date THEN g.planned_end_date ELSE g.planned_start_date END > DATEADD(day, 1825, g.award_date) THEN CASE WHEN g.planned_start_date IS NULL OR g.planned_end_date > g.planned_start_date THEN g.planned_end_date ELSE g.planned_start_date END ELSE g.award_date END,
       CASE WHEN COALESCE(c.level, g.level) = 'unclassified' THEN 1 ELSE 0 END,
       CASE WHEN COALESCE(c.purpose, g.purpose) = 'unclassified' THEN 1 ELSE 0 END,
       CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END,
       COUNT(*), SUM(g.amount_awarded)
FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
GROUP BY g.funder_id,
             g.award_date,
             g.currency,
             COALESCE(g.quality_flags, -1),
             CASE WHEN CASE WHEN g.planned_start_date IS NULL OR g.planned_end_date > g.planned_start_date THEN g.planned_end_date ELSE g.planned_start_date END > DATEADD(day, 1825, g.award_date) THEN CASE WHEN g.planned_start_date IS NULL OR g.planned_end_date > g.planned_start_date THEN g.planned_end_date ELSE g.planned_start_date END ELSE g.award_date END,
             CASE WHEN COALESCE(c.level, g.level) = 'unclassified' THEN 1 ELSE 0 END,
             CASE WHEN COALESCE(c.purpose, g.purpose) = 'unclassified' THEN 1 ELSE 0 END,
             CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END;
GO

CREATE TRIGGER tr_grants_quality_totals ON grants AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @days TABLE (funder_id bigint NOT NULL, award_date date NOT NULL, PRIMARY KEY (funder_id, award_date));
    INSERT INTO @days (funder_id, award_date)
    SELECT funder_id, award_date FROM inserted UNION SELECT funder_id, award_date FROM deleted;
    DELETE t FROM grant_quality_totals t JOIN @days d ON t.funder_id = d.funder_id AND t.award_date = d.award_date;
    INSERT INTO grant_quality_totals (funder_id, award_date, currency, flags, far_date, level_unplaced, purpose_unplaced, source, grant_count, amount)
    SELECT g.funder_id,
           g.award_date,
           g.currency,
           COALESCE(g.quality_flags, -1),
           CASE WHEN CASE WHEN g.planned_start_date IS NULL OR g.planned_end_date > g.planned_start_date THEN g.planned_end_date ELSE g.planned_start_date END > DATEADD(day, 1825, g.award_date) THEN CASE WHEN g.planned_start_date IS NULL OR g.planned_end_date > g.planned_start_date THEN g.planned_end_date ELSE g.planned_start_date END ELSE g.award_date END,
           CASE WHEN COALESCE(c.level, g.level) = 'unclassified' THEN 1 ELSE 0 END,
           CASE WHEN COALESCE(c.purpose, g.purpose) = 'unclassified' THEN 1 ELSE 0 END,
           CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END,
           COUNT(*), SUM(g.amount_awarded)
    FROM @days d JOIN grants g ON g.funder_id = d.funder_id AND g.award_date = d.award_date
    LEFT JOIN grant_corrections c ON c.grant_id = g.id
    GROUP BY g.funder_id,
             g.award_date,
             g.currency,
             COALESCE(g.quality_flags, -1),
             CASE WHEN CASE WHEN g.planned_start_date IS NULL OR g.planned_end_date > g.planned_start_date THEN g.planned_end_date ELSE g.planned_start_date END > DATEADD(day, 1825, g.award_date) THEN CASE WHEN g.planned_start_date IS NULL OR g.planned_end_date > g.planned_start_date THEN g.planned_end_date ELSE g.planned_start_date END ELSE g.award_date END,
             CASE WHEN COALESCE(c.level, g.level) = 'unclassified' THEN 1 ELSE 0 END,
             CASE WHEN COALESCE(c.purpose, g.purpose) = 'unclassified' THEN 1 ELSE 0 END,
             CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END;
END;
GO

CREATE TRIGGER tr_grant_corrections_quality_totals ON grant_corrections AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @days TABLE (funder_id bigint NOT NULL, award_date date NOT NULL, PRIMARY KEY (funder_id, award_date));
    INSERT INTO @days (funder_id, award_date)
    SELECT g.funder_id, g.award_date FROM grants g
    WHERE g.id IN (SELECT grant_id FROM inserted UNION SELECT grant_id FROM deleted)
    GROUP BY g.funder_id, g.award_date;
    DELETE t FROM grant_quality_totals t JOIN @days d ON t.funder_id = d.funder_id AND t.award_date = d.award_date;
    INSERT INTO grant_quality_totals (funder_id, award_date, currency, flags, far_date, level_unplaced, purpose_unplaced, source, grant_count, amount)
    SELECT g.funder_id,
           g.award_date,
           g.currency,
           COALESCE(g.quality_flags, -1),
           CASE WHEN CASE WHEN g.planned_start_date IS NULL OR g.planned_end_date > g.planned_start_date THEN g.planned_end_date ELSE g.planned_start_date END > DATEADD(day, 1825, g.award_date) THEN CASE WHEN g.planned_start_date IS NULL OR g.planned_end_date > g.planned_start_date THEN g.planned_end_date ELSE g.planned_start_date END ELSE g.award_date END,
           CASE WHEN COALESCE(c.level, g.level) = 'unclassified' THEN 1 ELSE 0 END,
           CASE WHEN COALESCE(c.purpose, g.purpose) = 'unclassified' THEN 1 ELSE 0 END,
           CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END,
           COUNT(*), SUM(g.amount_awarded)
    FROM @days d JOIN grants g ON g.funder_id = d.funder_id AND g.award_date = d.award_date
    LEFT JOIN grant_corrections c ON c.grant_id = g.id
    GROUP BY g.funder_id,
             g.award_date,
             g.currency,
             COALESCE(g.quality_flags, -1),
             CASE WHEN CASE WHEN g.planned_start_date IS NULL OR g.planned_end_date > g.planned_start_date THEN g.planned_end_date ELSE g.planned_start_date END > DATEADD(day, 1825, g.award_date) THEN CASE WHEN g.planned_start_date IS NULL OR g.planned_end_date > g.planned_start_date THEN g.planned_end_date ELSE g.planned_start_date END ELSE g.award_date END,
             CASE WHEN COALESCE(c.level, g.level) = 'unclassified' THEN 1 ELSE 0 END,
             CASE WHEN COALESCE(c.purpose, g.purpose) = 'unclassified' THEN 1 ELSE 0 END,
             CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END;
END;
GO
