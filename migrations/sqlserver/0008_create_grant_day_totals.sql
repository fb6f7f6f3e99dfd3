-- The audit mix's stored aggregate (issue 5, "Speed"): per funder, award day, currency and effective
-- classification (a person's correction wins), the number of grants and the exact sum of their minor units.
-- The mix reads these rows instead of every grant. Triggers keep it equal to the grants under every write: each
-- statement on grants or grant_corrections recomputes the (funder, award day) pairs it touched from the grants.
-- (SqlBulkCopy does not fire triggers: grants are only ever bulk-copied into a #staging table, then MERGEd.)
--   flexible: 1 flexible, 0 not flexible, -1 unclassified (NULL in grants)
--   source:   'manual' when a correction exists, else the purpose's source ('' when none)
CREATE TABLE grant_day_totals (
    funder_id    bigint NOT NULL,
    award_date   date NOT NULL,
    currency     nvarchar(64) NOT NULL,
    level        nvarchar(64) NOT NULL,
    purpose      nvarchar(64) NOT NULL,
    flexible     int NOT NULL,
    source       nvarchar(64) NOT NULL,
    grant_count  bigint NOT NULL,
    amount       bigint NOT NULL,
    CONSTRAINT pk_grant_day_totals PRIMARY KEY (funder_id, award_date, currency, level, purpose, flexible, source)
);

INSERT INTO grant_day_totals (funder_id, award_date, currency, level, purpose, flexible, source, grant_count, amount)
SELECT g.funder_id, g.award_date, g.currency, COALESCE(c.level, g.level), COALESCE(c.purpose, g.purpose),
           CASE COALESCE(c.flexible, g.flexible) WHEN 1 THEN 1 WHEN 0 THEN 0 ELSE -1 END,
           CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END,
       COUNT(*), SUM(g.amount_awarded)
FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
GROUP BY g.funder_id, g.award_date, g.currency, COALESCE(c.level, g.level), COALESCE(c.purpose, g.purpose),
           CASE COALESCE(c.flexible, g.flexible) WHEN 1 THEN 1 WHEN 0 THEN 0 ELSE -1 END,
           CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END;
GO

CREATE TRIGGER tr_grants_day_totals ON grants AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @days TABLE (funder_id bigint NOT NULL, award_date date NOT NULL, PRIMARY KEY (funder_id, award_date));
    INSERT INTO @days (funder_id, award_date)
    SELECT funder_id, award_date FROM inserted UNION SELECT funder_id, award_date FROM deleted;
    DELETE t FROM grant_day_totals t JOIN @days d ON t.funder_id = d.funder_id AND t.award_date = d.award_date;
    INSERT INTO grant_day_totals (funder_id, award_date, currency, level, purpose, flexible, source, grant_count, amount)
    SELECT g.funder_id, g.award_date, g.currency, COALESCE(c.level, g.level), COALESCE(c.purpose, g.purpose),
           CASE COALESCE(c.flexible, g.flexible) WHEN 1 THEN 1 WHEN 0 THEN 0 ELSE -1 END,
           CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END,
           COUNT(*), SUM(g.amount_awarded)
    FROM @days d JOIN grants g ON g.funder_id = d.funder_id AND g.award_date = d.award_date
    LEFT JOIN grant_corrections c ON c.grant_id = g.id
    GROUP BY g.funder_id, g.award_date, g.currency, COALESCE(c.level, g.level), COALESCE(c.purpose, g.purpose),
           CASE COALESCE(c.flexible, g.flexible) WHEN 1 THEN 1 WHEN 0 THEN 0 ELSE -1 END,
           CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END;
END;
GO

CREATE TRIGGER tr_grant_corrections_day_totals ON grant_corrections AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @days TABLE (funder_id bigint NOT NULL, award_date date NOT NULL, PRIMARY KEY (funder_id, award_date));
    INSERT INTO @days (funder_id, award_date)
    SELECT g.funder_id, g.award_date FROM grants g
    WHERE g.id IN (SELECT grant_id FROM inserted UNION SELECT grant_id FROM deleted)
    GROUP BY g.funder_id, g.award_date;
    DELETE t FROM grant_day_totals t JOIN @days d ON t.funder_id = d.funder_id AND t.award_date = d.award_date;
    INSERT INTO grant_day_totals (funder_id, award_date, currency, level, purpose, flexible, source, grant_count, amount)
    SELECT g.funder_id, g.award_date, g.currency, COALESCE(c.level, g.level), COALESCE(c.purpose, g.purpose),
           CASE COALESCE(c.flexible, g.flexible) WHEN 1 THEN 1 WHEN 0 THEN 0 ELSE -1 END,
           CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END,
           COUNT(*), SUM(g.amount_awarded)
    FROM @days d JOIN grants g ON g.funder_id = d.funder_id AND g.award_date = d.award_date
    LEFT JOIN grant_corrections c ON c.grant_id = g.id
    GROUP BY g.funder_id, g.award_date, g.currency, COALESCE(c.level, g.level), COALESCE(c.purpose, g.purpose),
           CASE COALESCE(c.flexible, g.flexible) WHEN 1 THEN 1 WHEN 0 THEN 0 ELSE -1 END,
           CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END;
END;
GO
