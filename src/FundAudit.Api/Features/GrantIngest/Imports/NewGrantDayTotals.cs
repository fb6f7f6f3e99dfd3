namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// What the rows an import writes as new grants add to grant_day_totals (migration 0008), summed in memory while they
/// are mapped and written every <see cref="GrantImportOptions.DayTotalsPerFlush"/> groups and at the end of the load,
/// inside its transaction, where the bulk path skips the row-by-row insert trigger (SQLite, see
/// <see cref="Loaders.SqliteGrantLoader"/>): at 1M rows sqlite3 alone inserts the same rows in 55 s with that trigger
/// and 36 s without it.
/// </summary>
/// <remarks>
/// The contribution is the insert trigger's, for a grant without a correction (a new grant cannot have one: corrections
/// name a stored grant): its own level and purpose, flexible as 1 / 0 / -1 (unclassified), and its purpose's source
/// ('' when none). <c>GrantDayTotalsTests</c> compares the result with a GROUP BY over the grants on every engine.
/// The same rows' quality totals (<see cref="NewGrantQualityTotals"/>, migration 0019) are summed and flushed with
/// them.
/// </remarks>
internal sealed class NewGrantDayTotals
{
    /// <summary>grant_day_totals as the import adds to it.</summary>
    internal static JsonTotalsTarget Target { get; } =
        JsonTotalsRows.GroupsTarget(
            "grant_day_totals",
            ("award_date", ColumnType.Date),
            ("currency", ColumnType.Text),
            ("level", ColumnType.Text),
            ("purpose", ColumnType.Text),
            ("flexible", ColumnType.Integer),
            ("source", ColumnType.Text)
        );

    private static readonly int Flexible = GrantStore.WriteColumnIndex("flexible");

    private readonly JsonTotalsGroups<Key> _groups = new();

    /// <summary>What the same grants add to grant_quality_totals (migration 0019), flushed with these.</summary>
    private readonly NewGrantQualityTotals _quality = new();

    private readonly record struct Key(
        DateOnly AwardDate,
        string Currency,
        string Level,
        string Purpose,
        int Flexible,
        string Source
    );

    /// <summary>The groups held: of the day totals or of the quality totals, whichever has more.</summary>
    public int Groups => Math.Max(_groups.Count, _quality.Groups);

    /// <summary>
    /// Adds one grant, given as the row values the bulk path writes (<see cref="GrantStore.WriteColumns"/>).
    /// </summary>
    public void Add(object?[] row)
    {
        var key = new Key(
            (DateOnly)row[NewGrantColumns.AwardDate]!,
            (string)row[NewGrantColumns.Currency]!,
            (string)row[NewGrantColumns.Level]!,
            (string)row[NewGrantColumns.Purpose]!,
            row[Flexible] switch
            {
                true => 1,
                false => 0,
                _ => -1,
            },
            (string?)row[NewGrantColumns.PurposeSource] ?? ""
        );
        _groups.Add(key, (long)row[NewGrantColumns.Amount]!);
        _quality.Add(row);
    }

    public void Add(NewGrantDayTotals other)
    {
        _quality.Add(other._quality);
        _groups.Add(other._groups);
    }

    /// <summary>
    /// Adds every group to the funder's stored totals, inside the load transaction, and starts again from none.
    /// </summary>
    public async Task FlushAsync(DbTransaction transaction, IDbEngine engine, long funderId, CancellationToken ct)
    {
        if (Groups == 0)
        {
            return;
        }

        await _quality.FlushAsync(transaction, engine, funderId, ct);
        await _groups.FlushAsync(
            (json, key) =>
            {
                json.WriteNumberValue(funderId);
                JsonTotalsRows.WriteDate(json, key.AwardDate);
                json.WriteStringValue(key.Currency);
                json.WriteStringValue(key.Level);
                json.WriteStringValue(key.Purpose);
                json.WriteNumberValue(key.Flexible);
                json.WriteStringValue(key.Source);
            },
            Target,
            transaction,
            engine,
            ct
        );
    }
}
