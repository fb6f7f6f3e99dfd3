namespace FundAudit.Api.Features.Audit;

/// <summary>
/// One group of the mix as the database sums it: grants of one currency awarded on one day in one cell.
/// </summary>
internal sealed class MixRow
{
    public long FunderId { get; init; }

    public string Currency { get; init; } = "";

    public DateOnly AwardDate { get; init; }

    public string Level { get; init; } = "unclassified";

    public string Purpose { get; init; } = "unclassified";

    public bool? Flexible { get; init; }

    public string? Region { get; init; }

    public string? Country { get; init; }

    public string? Programme { get; init; }

    public long Grants { get; set; }

    /// <summary>
    /// Whether the row counts in the cells only, not in the headline's figures by level, purpose and flexibility: its
    /// grants were grouped by the report's dimensions alone, and the headline took their classification from the
    /// stored daily totals (<see cref="MixGrantScan.Headline"/>).
    /// </summary>
    public bool CellsOnly { get; init; }

    public long Amount { get; set; }
}

/// <summary>
/// Flexibility as the scan's groups number it: 1 flexible, 0 not, −1 unclassified (as the stored daily totals hold
/// it), and as a <see cref="MixRow"/> holds it.
/// </summary>
internal static class MixFlexible
{
    /// <summary>A stored daily total's flag (1, 0, anything else unclassified) as 1, 0 or −1.</summary>
    public static int OfTotal(long stored) =>
        stored switch
        {
            1 => 1,
            0 => 0,
            _ => -1,
        };

    /// <summary>A grant's flexible column (NULL, 0 or not) as −1, 0 or 1.</summary>
    public static int Of(IRowCursor row, int ordinal) =>
        row.IsNull(ordinal) ? -1
        : row.Int64(ordinal) != 0 ? 1
        : 0;

    /// <summary>1, 0 or −1 as a row's flag: true, false or null (unclassified).</summary>
    public static bool? Flag(int flexible) =>
        flexible switch
        {
            1 => true,
            0 => false,
            _ => null,
        };
}

/// <summary>One of the (one or two) middle grants of a cell, converted: the cell's median is their mean.</summary>
internal sealed class MedianRow
{
    public string? Level { get; init; }

    public string? Purpose { get; init; }

    public bool? Flexible { get; init; }

    public int? Year { get; init; }

    public string? Region { get; init; }

    public string? Country { get; init; }

    public string? Programme { get; init; }

    public decimal X { get; init; }
}

/// <summary>
/// The mix's SQL: the grouped sums and the medians. Sums are done by the database, grouped by currency and award date
/// so that the service can convert each group exactly: read from the stored daily totals (grant_day_totals) when the
/// query allows (<see cref="MixFilter.ReadsDayTotals"/>), else grouped from the grants. What is selected and grouped
/// comes from <see cref="MixDimensions"/>, what is filtered from <see cref="MixFilter"/>.
/// </summary>
internal sealed class MixStore(Db db)
{
    private const string FromGrants = "grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id";

    /// <summary>
    /// The funder's sums of the period, one row per rounding group (currency; award date; level, purpose, flexible;
    /// region, country, programme when grouped by them):
    /// from the stored daily totals when they hold the query, else summed from one narrow read of the grants
    /// (<see cref="MixGrantScan"/>), else (a source filter with place or programme) grouped by the database. A scan's
    /// rows that count in the cells only (<see cref="MixRow.CellsOnly"/>) leave the headline's classification to its
    /// <see cref="MixGrantScan.Headline"/>, which the overload for a report returns.
    /// </summary>
    public async Task<IReadOnlyList<MixRow>> SumsAsync(long funderId, MixQuery q, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        if (MixFilter.ReadsDayTotals(q))
        {
            return await MixDayTotals.ReadAsync(db, connection, funderId, q, ct);
        }

        return MixGrantScan.Serves(q)
            ? await new MixGrantScan(db, funderId, q).ReadAsync(connection, ct)
            : await GroupedGrantsAsync(connection, funderId, q, ct);
    }

    /// <summary>
    /// The sums, and for a report that <see cref="MixGrantScan"/> answers (not from the daily totals) the scan: its
    /// headline rows (<see cref="MixGrantScan.Headline"/>) and, with <paramref name="medians"/>, every grant's amount
    /// it kept, so that the medians need no second read.
    /// </summary>
    public async Task<(IReadOnlyList<MixRow> Rows, MixGrantScan? Scan)> SumsAsync(
        long funderId,
        MixQuery q,
        bool medians,
        CancellationToken ct
    )
    {
        if (MixMedianRead.ReadsGrants(q))
        {
            return (await SumsAsync(funderId, q, ct), null);
        }

        await using var connection = await db.OpenAsync(ct);
        var scan = new MixGrantScan(db, funderId, q, keepGrants: medians);
        return (await scan.ReadAsync(connection, ct), scan);
    }

    /// <summary>
    /// Each of <paramref name="countries"/> (recipient country texts) resolved as the reports' join does
    /// (<see cref="CountryPlaces.ResolveAsync(Db, DbConnection, IReadOnlyList{string}, CancellationToken)"/>).
    /// </summary>
    public async Task<(string? Alpha2, string? Region)[]> ResolveCountriesAsync(
        IReadOnlyList<string> countries,
        CancellationToken ct
    )
    {
        if (countries.Count == 0)
        {
            return [];
        }

        await using var connection = await db.OpenAsync(ct);
        return await CountryPlaces.ResolveAsync(db, connection, countries, ct);
    }

    /// <summary>The grants of the funder's report <paramref name="q"/> kept for their medians, before any factor is
    /// known (<see cref="MixMedianRead"/>): converted later by
    /// <see cref="MixMedians.Rows(IReadOnlyDictionary{ValueTuple{string, DateOnly}, decimal}, string)"/>.</summary>
    public Task<MixMedians> ReadMediansAsync(long funderId, MixQuery q, CancellationToken ct) =>
        MixMedianRead.ReadAsync(db, funderId, q, ct);

    private static string From(MixQuery q) => FromGrants + MixFilter.RegionJoin(q);

    /// <summary>
    /// The sums grouped from the grants: for queries the daily totals cannot answer. The groups are read through the
    /// engine's row reader (no Dapper mapping): grouped by day and currency they number nearly as many as the grants.
    /// </summary>
    private async Task<List<MixRow>> GroupedGrantsAsync(
        DbConnection connection,
        long funderId,
        MixQuery q,
        CancellationToken ct
    )
    {
        var (where, p) = MixFilter.OverGrants(funderId, q);
        var dims = MixDimensions.Summed(q).Select(d => (d.Name, Column: d.Column(db.Dialect))).ToList();
        var select = string.Concat(dims.Select(d => $", {d.Column} AS {d.Name}"));
        var group = string.Concat(dims.Select(d => ", " + d.Column));
        var sql = $"""
            SELECT COUNT(*) AS grants, SUM(g.amount_awarded) AS amount, g.currency AS currency,
                   g.award_date AS award_date{select}
            FROM {From(q)}
            WHERE {where}
            GROUP BY g.currency, g.award_date{group}
            """;
        var rows = new List<MixRow>();
        var reader = new GroupReader(funderId, [.. dims.Select(d => d.Name)]);
        await db.Engine.ReadRowsAsync(connection, sql, p, row => rows.Add(reader.Read(row)), ct);
        return rows;
    }
}
