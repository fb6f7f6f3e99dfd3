namespace FundAudit.Api.Features.Audit;

/// <summary>
/// The grants already in the report's currency, summed by the database by the report's own groups instead of by day:
/// converting a sum of the report's currency to itself is the identity (<c>CurrencyConversion.Convert</c> returns the
/// amount unchanged, no rate and no rounding, for any rate pair), so these grants need no rate and no day, and their
/// sums add up to the same cells and totals, to the cent, as their daily groups did. Only for a report without
/// medians (which need every grant) and not grouped by year (whose bucket is read from each row's award day).
/// </summary>
internal static class MixReportCurrency
{
    /// <summary>The parameter holding the report's currency.</summary>
    public const string Parameter = "ReportCurrency";

    /// <summary>The condition keeping the report's currency; its negation goes to the scan.</summary>
    public const string Condition = "g.currency = @" + Parameter;

    /// <summary>Whether the report-currency grants of <paramref name="q"/> may be summed by the database.</summary>
    public static bool Applies(MixQuery q, bool keepGrants) => !keepGrants && !q.GroupBy.Contains("year");

    /// <summary>
    /// The statement summing the report-currency grants that <paramref name="where"/> keeps: grants, amount, level,
    /// purpose, flexible (the correction winning when <paramref name="corrections"/>, as the scan does), then what
    /// <see cref="MixGrantScan"/> reads for <paramref name="q"/> (the recipient country as stored, the programme) and
    /// the funder when asked, grouped by all but the first two; and the ordinals of those three (−1 when not selected).
    /// </summary>
    public static (string Sql, (int Country, int Programme, int Funder) Ordinals) Sql(
        string where,
        MixQuery q,
        bool corrections,
        bool funder
    )
    {
        var (country, programme) = (MixFilter.NeedsRegion(q), q.GroupBy.Contains("programme"));
        List<string> keys = corrections
            ? ["COALESCE(c.level, g.level)", "COALESCE(c.purpose, g.purpose)", "COALESCE(c.flexible, g.flexible)"]
            : ["g.level", "g.purpose", "g.flexible"];
        if (country)
        {
            keys.Add("g.recipient_country");
        }

        if (programme)
        {
            keys.Add("g.programme_title");
        }

        if (funder)
        {
            keys.Add("g.funder_id");
        }

        var join = corrections ? " LEFT JOIN grant_corrections c ON c.grant_id = g.id" : "";
        var columns = string.Join(", ", keys);
        var next = 5;
        var ordinals = (country ? next++ : -1, programme ? next++ : -1, funder ? next : -1);
        return (
            $"""
            SELECT COUNT(*), SUM(g.amount_awarded), {columns}
            FROM grants g{join}
            WHERE {where} AND {Condition}
            GROUP BY {columns}
            """,
            ordinals
        );
    }
}
