namespace FundAudit.Api.Features.Audit;

/// <summary>
/// Where a grant's recipient country falls in a report grouped or filtered by place: the stored text resolved by the
/// engine through country_regions (the same <c>upper()</c> join the reports' statements use), once per distinct text,
/// then kept or left out by the report's region and country filters and filed under the region and country it groups
/// by. Used by the scan over the database (<see cref="MixGrantScan"/>) and the sums over a snapshot
/// (<see cref="Snapshots.SnapshotSums"/>), so that both place a grant alike.
/// </summary>
internal static class CountryPlaces
{
    /// <summary>
    /// How many recipient countries one resolving statement carries (SQL Server allows 2,100 parameters).
    /// </summary>
    public const int CountriesPerStatement = 500;

    /// <summary>
    /// Where the grants of a recipient country <paramref name="text"/> (null for none), resolved by the engine to
    /// <paramref name="resolved"/>, fall in report <paramref name="q"/>: whether its region and country filters keep
    /// them, and the region and country it groups them under (null where it does not group by them, or knows none; an
    /// unresolved text is its own country).
    /// </summary>
    public static (bool Kept, string? Region, string? Country) Place(
        MixQuery q,
        string? text,
        (string? Alpha2, string? Region) resolved
    )
    {
        var (alpha2, region) = resolved;
        var kept = (q.Region is null || region == q.Region) && (q.Country is null || alpha2 == q.Country);
        return (
            kept,
            q.GroupBy.Contains("region") ? region : null,
            q.GroupBy.Contains("country") ? alpha2 ?? text : null
        );
    }

    /// <summary>
    /// Each of <paramref name="countries"/> (recipient country texts) resolved by the engine as the join did
    /// (<c>country_regions.country_key = upper(recipient_country)</c>): its ISO code and region, or none.
    /// </summary>
    public static async Task<(string? Alpha2, string? Region)[]> ResolveAsync(
        Db db,
        DbConnection connection,
        IReadOnlyList<string> countries,
        CancellationToken ct
    )
    {
        var places = new (string? Alpha2, string? Region)[countries.Count];
        for (var start = 0; start < countries.Count; start += CountriesPerStatement)
        {
            var count = Math.Min(CountriesPerStatement, countries.Count - start);
            var p = new Dictionary<string, object>(StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                p["C" + i.ToString(CultureInfo.InvariantCulture)] = countries[start + i];
            }

            var offset = start;
            await db.Engine.ReadRowsAsync(
                connection,
                ResolveSql(count),
                p,
                row =>
                    places[offset + (int)row.Int64(0)] = (
                        row.IsNull(1) ? null : row.Text(1),
                        row.IsNull(2) ? null : row.Text(2)
                    ),
                ct
            );
        }

        return places;
    }

    /// <summary>
    /// The statement resolving <paramref name="count"/> countries (parameters @C0 …): position, code, region.
    /// </summary>
    public static string ResolveSql(int count)
    {
        var texts = string.Join(" UNION ALL ", Enumerable.Range(0, count).Select(i => $"SELECT {i} AS k, @C{i} AS c"));
        return $"""
            SELECT x.k, r.alpha2, r.region
            FROM ({texts}) x
            LEFT JOIN country_regions r ON r.country_key = upper(x.c)
            """;
    }
}
