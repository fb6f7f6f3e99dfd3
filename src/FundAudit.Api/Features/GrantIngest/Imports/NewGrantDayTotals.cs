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
    /// <summary>
    /// grant_day_totals as the import adds to it: one JSON row per group, summed into a stored group.
    /// </summary>
    internal static JsonTotalsTarget Target { get; } =
        new(
            "grant_day_totals",
            [
                ("funder_id", ColumnType.Integer),
                ("award_date", ColumnType.Date),
                ("currency", ColumnType.Text),
                ("level", ColumnType.Text),
                ("purpose", ColumnType.Text),
                ("flexible", ColumnType.Integer),
                ("source", ColumnType.Text),
                ("grant_count", ColumnType.Integer),
                ("amount", ColumnType.Integer),
            ],
            ["funder_id", "award_date", "currency", "level", "purpose", "flexible", "source"],
            ["grant_count", "amount"]
        );

    private static readonly int AwardDate = Column("award_date");
    private static readonly int Currency = Column("currency");
    private static readonly int Level = Column("level");
    private static readonly int Purpose = Column("purpose");
    private static readonly int Flexible = Column("flexible");
    private static readonly int PurposeSource = Column("purpose_source");
    private static readonly int Amount = Column("amount_awarded");

    private readonly Dictionary<Key, Sum> _groups = [];

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

    private record struct Sum(long Grants, long Amount);

    /// <summary>The groups held: of the day totals or of the quality totals, whichever has more.</summary>
    public int Groups => Math.Max(_groups.Count, _quality.Groups);

    /// <summary>
    /// Adds one grant, given as the row values the bulk path writes (<see cref="GrantStore.WriteColumns"/>).
    /// </summary>
    public void Add(object?[] row)
    {
        var key = new Key(
            (DateOnly)row[AwardDate]!,
            (string)row[Currency]!,
            (string)row[Level]!,
            (string)row[Purpose]!,
            row[Flexible] switch
            {
                true => 1,
                false => 0,
                _ => -1,
            },
            (string?)row[PurposeSource] ?? ""
        );
        ref var sum = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(
            _groups,
            key,
            out _
        );
        sum = new Sum(sum.Grants + 1, sum.Amount + (long)row[Amount]!);
        _quality.Add(row);
    }

    public void Add(NewGrantDayTotals other)
    {
        _quality.Add(other._quality);
        foreach (var (key, value) in other._groups)
        {
            ref var sum = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(
                _groups,
                key,
                out _
            );
            sum = new Sum(sum.Grants + value.Grants, sum.Amount + value.Amount);
        }
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
        await JsonTotalsRows.AddAsync(
            _groups,
            (json, key, sum) =>
            {
                json.WriteNumberValue(funderId);
                json.WriteStringValue(
                    key.AwardDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
                );
                json.WriteStringValue(key.Currency);
                json.WriteStringValue(key.Level);
                json.WriteStringValue(key.Purpose);
                json.WriteNumberValue(key.Flexible);
                json.WriteStringValue(key.Source);
                json.WriteNumberValue(sum.Grants);
                json.WriteNumberValue(sum.Amount);
            },
            Target,
            transaction,
            engine,
            ct
        );
        _groups.Clear();
    }

    private static int Column(string name) => GrantStore.WriteColumnIndex(name);
}
