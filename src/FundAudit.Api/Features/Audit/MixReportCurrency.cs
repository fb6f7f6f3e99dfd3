namespace FundAudit.Api.Features.Audit;

/// <summary>
/// The grants already in the report's currency, summed by the database by the report's own groups instead of by day:
/// converting a sum of the report's currency to itself is the identity (<c>CurrencyConversion.Convert</c> returns the
/// amount unchanged, no rate and no rounding, for any rate pair), so these grants need no rate and no day, and their
/// sums add up to the same cells and totals, to the cent, as their daily groups did. Not for a report grouped by year
/// (whose bucket is read from each row's award day); for a report with medians (which need every grant) only where
/// the engine sends each group's amounts as one array (<see cref="IDbDialect.EveryValue"/>, PostgreSQL): its
/// grants' values are their amounts (converted at 1), so the group's array is all its medians need.
/// </summary>
internal static class MixReportCurrency
{
    /// <summary>The parameter holding the report's currency.</summary>
    public const string Parameter = "ReportCurrency";

    /// <summary>The condition keeping the report's currency; its negation goes to the scan.</summary>
    public const string Condition = "g.currency = @" + Parameter;

    /// <summary>What a row of the statement is (its first column).</summary>
    public enum Part
    {
        /// <summary>A group of the grants: the report's cell and (unless split) the headline's classes.</summary>
        Grants = 0,

        /// <summary>The headline's classification (level, purpose, flexible) from the stored daily totals.</summary>
        Headline = 1,

        /// <summary>A stored daily total of the period is in another currency: the others must be scanned.</summary>
        OtherCurrency = 2,
    }

    /// <summary>The columns every row has: part, grants, amount, level, purpose, the grants' flexible and the daily
    /// totals' flexible (1, 0 or −1); the optional ones follow.</summary>
    public const int FixedColumns = 7;

    /// <summary>
    /// Whether the report-currency grants of <paramref name="q"/> may be summed by the database: with
    /// <paramref name="keepGrants"/> (medians), only where <paramref name="dialect"/> sends each group's amounts.
    /// </summary>
    public static bool Applies(MixQuery q, bool keepGrants, IDbDialect dialect) =>
        (!keepGrants || dialect.EveryValue(Amount) is not null) && !q.GroupBy.Contains("year");

    /// <summary>
    /// Whether a stored daily total of the funder's period (@FunderId, @From, @To) is in another currency than the
    /// report's.
    /// </summary>
    public const string OtherCurrencyStored = $"""
        EXISTS (
            SELECT 1 FROM grant_day_totals o
            WHERE o.funder_id = @FunderId AND o.award_date >= @From AND o.award_date <= @To
              AND o.currency <> @{Parameter})
        """;

    /// <summary>The grant's amount, as the statement sums it.</summary>
    private const string Amount = "g.amount_awarded";

    /// <summary>
    /// Whether the funder's report <paramref name="q"/> (not filtered, so its headline covers every grant of the
    /// period) takes its headline's level, purpose and flexibility from the stored daily totals, which hold them by
    /// day for every grant with its correction (kept by triggers), so that the grants are grouped by the report's own
    /// dimensions alone: a GROUP BY over one text instead of four cost the programme report a third of its read.
    /// </summary>
    public static bool Splits(MixQuery q) => q.Region is null && q.Country is null && q.Programme is null;

    /// <summary>
    /// The statement summing the report-currency grants that <paramref name="where"/> keeps (<see cref="Part"/>
    /// Grants): grants, amount, level, purpose, flexible (the correction winning when <paramref name="corrections"/>,
    /// as the scan does), then what <see cref="MixGrantScan"/> reads for <paramref name="q"/> (the recipient country as
    /// stored, the programme), grouped by all but the first two; and the ordinals of those (−1 when not selected).
    /// With <paramref name="headline"/> (the daily totals' conditions, <see cref="Splits"/>) the grants are grouped by
    /// the report's dimensions only (level, purpose and flexible NULL unless grouped by) and the headline's rows
    /// follow, from the daily totals, in the same statement (one snapshot, so they sum to the same grants), with a row
    /// for each class of the other currencies' totals if any.
    /// Else, with <paramref name="probe"/>, one more row when a daily total of the funder's period is in another
    /// currency (instead of a statement of its own before). With <paramref name="amounts"/> (the dialect's
    /// <see cref="IDbDialect.EveryValue"/>), each group's amounts follow as the last column (NULL on other rows). With
    /// <paramref name="headlineByDay"/> the headline's rows are the report currency's daily totals as stored, one row
    /// each for the scan to sum, and the other currencies' are the probe's one row (<see cref="HeadlinePart"/>).
    /// </summary>
    public static (string Sql, (int Country, int Programme, int Amounts) Ordinals) Sql(
        string where,
        MixQuery q,
        bool corrections,
        string? headline = null,
        bool probe = false,
        IDbDialect? amounts = null,
        bool headlineByDay = false
    )
    {
        var every = amounts?.EveryValue(Amount);
        var (country, programme) = (MixFilter.GroupsByPlace(q), q.GroupBy.Contains("programme"));
        string Classified(string name) =>
            headline is not null && !q.GroupBy.Contains(name) ? "NULL"
            : corrections ? $"COALESCE(c.{name}, g.{name})"
            : "g." + name;
        var keys = new[] { Classified("level"), Classified("purpose"), Classified("flexible") }
            .Where(k => k != "NULL")
            .ToList();
        var optional = new List<string>();
        if (country)
        {
            optional.Add("g.recipient_country");
        }

        if (programme)
        {
            optional.Add("g.programme_title");
        }

        keys.AddRange(optional);
        var join =
            corrections && keys.Any(k => k.StartsWith("COALESCE", StringComparison.Ordinal))
                ? " LEFT JOIN grant_corrections c ON c.grant_id = g.id"
                : "";
        var next = FixedColumns;
        var ordinals = (country ? next++ : -1, programme ? next++ : -1, every is not null ? next : -1);
        var nulls = string.Concat(optional.Select(_ => ", NULL")) + (every is not null ? ", NULL" : "");
        var selected = string.Concat(optional.Select(o => ", " + o)) + (every is not null ? ", " + every : "");
        var classified = $"{Classified("level")}, {Classified("purpose")}, {Classified("flexible")}";
        var sql = $"""
            SELECT {(int)Part.Grants}, COUNT(*), SUM({Amount}), {classified}, NULL{selected}
            FROM grants g{join}
            WHERE {where} AND {Condition}
            GROUP BY {string.Join(", ", keys)}
            """;
        if (headline is not null)
        {
            sql += HeadlinePart(headline, nulls, headlineByDay);
        }
        else if (probe)
        {
            sql += ProbeRow(nulls);
        }

        return (sql, ordinals);
    }

    /// <summary>The probe's row of <see cref="Sql"/>: there when a daily total of the funder's period (@FunderId,
    /// @From, @To) is in another currency than the report's.</summary>
    private static string ProbeRow(string nulls) =>
        $"""

            UNION ALL
            SELECT {(int)Part.OtherCurrency}, 0, 0, NULL, NULL, NULL, NULL{nulls}
            WHERE {OtherCurrencyStored}
            """;

    /// <summary>
    /// The headline's rows of <see cref="Sql"/> from the daily totals that <paramref name="headline"/> keeps: grouped
    /// by class, every currency's (the report currency's are the headline's rows, any other's says the others must be
    /// scanned: the probe's answer, without a statement of its own); or, <paramref name="byDay"/>, the report
    /// currency's as stored and the probe's row. An engine whose GROUP BY sorts (SQLite: a sort of the period's 91,278
    /// daily totals at 1M grants, 0.10 s of CPU in the sqlite3 shell against 0.01 s to read them) sends them by day.
    /// </summary>
    private static string HeadlinePart(string headline, string nulls, bool byDay)
    {
        if (byDay)
        {
            return $"""

                    UNION ALL
                    SELECT {(int)Part.Headline}, t.grant_count, t.amount, t.level, t.purpose, NULL, t.flexible{nulls}
                    FROM grant_day_totals t
                    WHERE {headline} AND t.currency = @{Parameter}
                    """ + ProbeRow(nulls);
        }

        var part = $"CASE WHEN t.currency = @{Parameter} THEN {(int)Part.Headline} ELSE {(int)Part.OtherCurrency} END";
        return $"""

            UNION ALL
            SELECT {part}, SUM(t.grant_count), SUM(t.amount), t.level, t.purpose, NULL, t.flexible{nulls}
            FROM grant_day_totals t
            WHERE {headline}
            GROUP BY {part}, t.level, t.purpose, t.flexible
            """;
    }
}
