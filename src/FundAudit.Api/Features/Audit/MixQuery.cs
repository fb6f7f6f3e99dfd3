using FundAudit.Core.Audit;

namespace FundAudit.Api.Features.Audit;

/// <summary>The filters and grouping of one mix query, already validated.</summary>
internal sealed record MixQuery(
    AuditPeriod Period,
    string Currency,
    IReadOnlyList<string> GroupBy,
    string? Programme,
    string? Region,
    string? Country,
    string? Source,
    int FiscalYearStartMonth
)
{
    /// <summary>The level × purpose mix of a period in one currency, unfiltered.</summary>
    public static MixQuery LevelByPurpose(AuditPeriod period, string currency, int fiscalYearStartMonth) =>
        new(period, currency, ["level", "purpose"], null, null, null, null, fiscalYearStartMonth);
}

/// <summary>
/// The WHERE of a funder's mix query and its parameters, over the grants or over the stored daily totals.
/// </summary>
internal static class MixFilter
{
    /// <summary>
    /// Whether the stored daily aggregate (grant_day_totals, kept by triggers) can answer <paramref name="q"/>
    /// instead of the grants: it holds funder, day, currency, effective level, purpose, flexible and source, so every
    /// query that neither filters nor groups by region, country or programme.
    /// </summary>
    public static bool ReadsDayTotals(MixQuery q) =>
        q.Region is null
        && q.Country is null
        && q.Programme is null
        && MixDimensions.Grouped(q).All(d => d.InDayTotals);

    /// <summary>Whether the query over the grants joins country_regions r, to filter or group by place.</summary>
    public static bool NeedsRegion(MixQuery q) =>
        q.Region is not null || q.Country is not null || MixDimensions.Grouped(q).Any(d => d.NeedsRegion);

    /// <summary>Whether <paramref name="q"/> groups by region or country (not only filters by them).</summary>
    public static bool GroupsByPlace(MixQuery q) => MixDimensions.Grouped(q).Any(d => d.NeedsRegion);

    /// <summary>The join of country_regions r on the grant's recipient country when <see cref="NeedsRegion"/>, else
    /// nothing: what follows <c>FROM grants g …</c> in every query over the grants.</summary>
    public static string RegionJoin(MixQuery q) =>
        NeedsRegion(q) ? " LEFT JOIN country_regions r ON r.country_key = upper(g.recipient_country)" : "";

    /// <summary>The conditions over the grants g (with the correction c, and the region r when needed).</summary>
    public static (string Where, Dictionary<string, object> Parameters) OverGrants(long funderId, MixQuery q)
    {
        var (where, p) = FunderAndPeriod("g", funderId, q);
        if (q.Programme is not null)
        {
            where.Add("g.programme_title = @Programme");
            p["Programme"] = q.Programme;
        }

        if (q.Region is not null)
        {
            where.Add("r.region = @Region");
            p["Region"] = q.Region;
        }

        if (q.Country is not null)
        {
            where.Add("r.alpha2 = @Country");
            p["Country"] = q.Country;
        }

        if (q.Source is "manual")
        {
            where.Add("c.id IS NOT NULL");
        }
        else if (q.Source is not null)
        {
            where.Add("c.id IS NULL AND g.purpose_source = @Source");
            p["Source"] = q.Source;
        }

        return (string.Join(" AND ", where), p);
    }

    /// <summary>The country keys that are their own upper case (every one, as the migrations store them).</summary>
    private const string UpperKeys =
        "SELECT u.country_key FROM country_regions u WHERE u.country_key = upper(u.country_key)";

    /// <summary>
    /// The region or country filter of <paramref name="q"/> as a condition on the grant's own column (to append to
    /// <see cref="OverGrants"/> of the query without them), so that a read skips the other grants without the join:
    /// the recipient country's upper-case text is one of the keys country_regions gives that region or ISO code, which
    /// is what the join's <c>r.region = @Region</c> / <c>r.alpha2 = @Country</c> kept (country_key is unique).
    /// <see cref="MixGrantScan"/> checks the same again on the resolved country when it groups by place. Where
    /// <c>upper()</c> costs more than a lookup (<see cref="IDbDialect.UpperCostsMoreThanALookup"/>), without
    /// <c>upper()</c> of every grant's text: a text that is a key equal to its own upper case is its own upper case,
    /// so it is kept when it is such a key of the filter; only a text that is no such key (a name, lower case) is put
    /// in upper case and looked up. Elsewhere (SQLite, whose <c>upper()</c> and NOCASE collation both fold ASCII
    /// letters only) the text is compared with the filter's keys that are their own upper case under NOCASE: equal to
    /// one exactly when its <c>upper()</c> is, without the copy <c>upper()</c> allocates for every grant (allocations
    /// that SQLite counts under one process-wide lock, so two ranges read side by side took as long as one: country=HN
    /// 412 ms wall for 411 ms of CPU, measured; 0.32 s of CPU against 0.23 s in the sqlite3 shell, same rows).
    /// </summary>
    public static string PlaceKeys(MixQuery q, Dictionary<string, object> p, IDbDialect dialect)
    {
        var filter = "";
        if (q.Region is not null)
        {
            filter += KeysOf("region = @Region", dialect);
            p["Region"] = q.Region;
        }

        if (q.Country is not null)
        {
            filter += KeysOf("alpha2 = @Country", dialect);
            p["Country"] = q.Country;
        }

        return filter;
    }

    private static string KeysOf(string condition, IDbDialect dialect)
    {
        var keys = $"SELECT k.country_key FROM country_regions k WHERE k.{condition}";
        return dialect.UpperCostsMoreThanALookup
            ? $" AND (g.recipient_country IN ({keys} AND k.country_key = upper(k.country_key))"
                + $" OR (g.recipient_country NOT IN ({UpperKeys}) AND upper(g.recipient_country) IN ({keys})))"
            : $" AND g.recipient_country COLLATE NOCASE IN ({keys} AND k.country_key = upper(k.country_key))";
    }

    /// <summary>
    /// The conditions over grant_day_totals t: funder, period and source (its rows keep the effective source,
    /// 'manual' for a corrected grant); only for a query that <see cref="ReadsDayTotals"/>.
    /// </summary>
    public static (string Where, Dictionary<string, object> Parameters) OverDayTotals(long funderId, MixQuery q)
    {
        var (where, p) = FunderAndPeriod("t", funderId, q);
        if (q.Source is not null)
        {
            where.Add("t.source = @Source");
            p["Source"] = q.Source;
        }

        return (string.Join(" AND ", where), p);
    }

    private static (List<string> Where, Dictionary<string, object> Parameters) FunderAndPeriod(
        string alias,
        long funderId,
        MixQuery q
    )
    {
        var p = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["FunderId"] = funderId,
            ["From"] = q.Period.From,
            ["To"] = q.Period.To,
        };
        var where = new List<string>
        {
            $"{alias}.funder_id = @FunderId",
            $"{alias}.award_date >= @From",
            $"{alias}.award_date <= @To",
        };
        return (where, p);
    }
}
