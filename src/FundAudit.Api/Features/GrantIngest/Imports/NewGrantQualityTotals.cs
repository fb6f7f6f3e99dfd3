namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// What the rows an import writes as new grants add to grant_quality_totals (migration 0019), summed in memory beside
/// <see cref="NewGrantDayTotals"/> (which holds one and flushes it with its own rows) where the bulk path skips the
/// row-by-row insert triggers (SQLite, see <see cref="Loaders.SqliteGrantLoader"/>).
/// </summary>
/// <remarks>
/// The contribution is the insert trigger's, for a grant without a correction (a new grant cannot have one): its
/// stored flags (-1 when none), its far date, the kind of reason for its own level and purpose when unclassified (''
/// when placed), and its purpose's source ('' when none). <c>GrantQualityTotalsTests</c> compares the result with the
/// grants on every engine.
/// </remarks>
internal sealed class NewGrantQualityTotals
{
    /// <summary>A planned date more than this many days after the award date is kept as the grant's far date (never
    /// more than <see cref="Audit.Quality.QualityChecks.FarFutureYears"/> years: 5 years have at least 1825 days).
    /// </summary>
    public const int FarDays = 1825;

    /// <summary>grant_quality_totals as the import adds to it.</summary>
    internal static JsonTotalsTarget Target { get; } =
        JsonTotalsRows.GroupsTarget(
            "grant_quality_totals",
            ("award_date", ColumnType.Date),
            ("currency", ColumnType.Text),
            ("flags", ColumnType.Integer),
            ("far_date", ColumnType.Date),
            ("level_reason", ColumnType.Text),
            ("purpose_reason", ColumnType.Text),
            ("source", ColumnType.Text)
        );

    private static readonly int Flags = Column("quality_flags");
    private static readonly int PlannedStart = Column("planned_start_date");
    private static readonly int PlannedEnd = Column("planned_end_date");
    private static readonly int LevelEvidence = Column("level_evidence");
    private static readonly int PurposeEvidence = Column("purpose_evidence");

    private readonly JsonTotalsGroups<Key> _groups = new();

    private readonly record struct Key(
        DateOnly AwardDate,
        string Currency,
        int Flags,
        DateOnly FarDate,
        string LevelReason,
        string PurposeReason,
        string Source
    );

    public int Groups => _groups.Count;

    /// <summary>The far date the migration's triggers store: the later planned date when more than
    /// <see cref="FarDays"/> days after the award date, else the award date.</summary>
    public static DateOnly FarDate(DateOnly awardDate, DateOnly? plannedStart, DateOnly? plannedEnd)
    {
        var later = plannedStart > plannedEnd || plannedEnd is null ? plannedStart : plannedEnd;
        return later is { } d && d > awardDate.AddDays(FarDays) ? d : awardDate;
    }

    /// <summary>Adds one grant, given as the row values the bulk path writes (<see cref="GrantStore.WriteColumns"/>).
    /// </summary>
    public void Add(object?[] row)
    {
        var award = (DateOnly)row[NewGrantColumns.AwardDate]!;
        var key = new Key(
            award,
            (string)row[NewGrantColumns.Currency]!,
            row[Flags] is int flags ? flags : -1,
            FarDate(award, (DateOnly?)row[PlannedStart], (DateOnly?)row[PlannedEnd]),
            Reason(row, NewGrantColumns.Level, LevelEvidence),
            Reason(row, NewGrantColumns.Purpose, PurposeEvidence),
            (string?)row[NewGrantColumns.PurposeSource] ?? ""
        );
        _groups.Add(key, (long)row[NewGrantColumns.Amount]!);
    }

    public void Add(NewGrantQualityTotals other) => _groups.Add(other._groups);

    /// <summary>Adds every group to the funder's stored totals, inside the load transaction, and starts again from
    /// none.</summary>
    public async Task FlushAsync(DbTransaction transaction, IDbEngine engine, long funderId, CancellationToken ct)
    {
        await _groups.FlushAsync(
            (json, key) =>
            {
                json.WriteNumberValue(funderId);
                JsonTotalsRows.WriteDate(json, key.AwardDate);
                json.WriteStringValue(key.Currency);
                json.WriteNumberValue(key.Flags);
                JsonTotalsRows.WriteDate(json, key.FarDate);
                json.WriteStringValue(key.LevelReason);
                json.WriteStringValue(key.PurposeReason);
                json.WriteStringValue(key.Source);
            },
            Target,
            transaction,
            engine,
            ct
        );
    }

    /// <summary>'' for a placed dimension; else the kind of reason its evidence gives.</summary>
    private static string Reason(object?[] row, int value, int evidence) =>
        (string)row[value]! == "unclassified" ? Audit.Quality.QualityFlags.ReasonKind((string?)row[evidence]) : "";

    private static int Column(string name) => GrantStore.WriteColumnIndex(name);
}
