using FundAudit.Api.Infrastructure.Data;

namespace FundAudit.Api.Features.Audit.Snapshots;

/// <summary>
/// One funder's grants as its reports read them, held in this instance's memory in award-date order, one array a
/// column: the award day, the currency, the effective level, purpose and flexibility (a person's correction applied,
/// as the reports apply it), the amount awarded in minor units, and the recipient country and programme title as
/// stored (texts as their number in <see cref="Texts"/>; −1 for NULL). It is the state of the funder's grants at
/// <see cref="Version"/> (grant_data_versions, migration 0034): <see cref="GrantSnapshots"/> hands it to a report only
/// while the stored version is still that one. No recipient name, identifier or description is kept.
/// </summary>
internal sealed class GrantSnapshot
{
    private readonly Dictionary<string, int> _textIds;

    private GrantSnapshot(long funderId, long version, GrantColumns columns, Interned<string> texts)
    {
        (FunderId, Version) = (funderId, version);
        (Count, Day, Currency, Level, Purpose, Flexible, Amount, Country, Programme) = (
            columns.Count,
            columns.Day,
            columns.Currency,
            columns.Level,
            columns.Purpose,
            columns.Flexible,
            columns.Amount,
            columns.Country,
            columns.Programme
        );
        Texts = [.. texts.Values];
        _textIds = Texts.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal);
    }

    /// <summary>The funder.</summary>
    public long FunderId { get; }

    /// <summary>The funder's grant data version the grants were read at.</summary>
    public long Version { get; }

    /// <summary>How many grants.</summary>
    public int Count { get; }

    /// <summary>Each grant's award day (<see cref="DateOnly.DayNumber"/>), ascending.</summary>
    public int[] Day { get; }

    /// <summary>Each grant's currency (a text number).</summary>
    public int[] Currency { get; }

    /// <summary>Each grant's effective level (a text number; −1 unclassified).</summary>
    public int[] Level { get; }

    /// <summary>Each grant's effective purpose (a text number; −1 unclassified).</summary>
    public int[] Purpose { get; }

    /// <summary>Each grant's effective flexibility: 1, 0, or −1 unclassified (<see cref="MixFlexible"/>).</summary>
    public sbyte[] Flexible { get; }

    /// <summary>Each grant's amount awarded, in minor units.</summary>
    public long[] Amount { get; }

    /// <summary>Each grant's recipient country as stored (a text number; −1 for none).</summary>
    public int[] Country { get; }

    /// <summary>Each grant's programme title (a text number; −1 for none).</summary>
    public int[] Programme { get; }

    /// <summary>The distinct texts of the text columns, by number.</summary>
    public IReadOnlyList<string> Texts { get; }

    /// <summary>About how many bytes the columns take (texts aside).</summary>
    public long Bytes => Count * (6L * sizeof(int) + sizeof(sbyte) + sizeof(long));

    /// <summary>The number of <paramref name="text"/> (ordinal), or −1 when no grant holds it.</summary>
    public int Find(string text) => _textIds.TryGetValue(text, out var id) ? id : -1;

    /// <summary>The grants awarded from <paramref name="from"/> to <paramref name="to"/> (both included): positions
    /// [Start, End).</summary>
    public (int Start, int End) Range(DateOnly from, DateOnly to) =>
        (LowerBound(from.DayNumber), LowerBound(to.DayNumber + 1));

    /// <summary>The position of the first grant awarded on or after <paramref name="day"/> (<see cref="Count"/> when
    /// none is): the framework's binary search with a comparison that never answers "equal" ends there and returns
    /// its complement.</summary>
    private int LowerBound(int day) => ~Day.AsSpan(0, Count).BinarySearch(new OnOrAfter(day));

    /// <summary>Compares a day number with <paramref name="day"/>: before it is less, every other day more.</summary>
    private readonly struct OnOrAfter(int day) : IComparable<int>
    {
        public int CompareTo(int other) => other < day ? 1 : -1;
    }

    /// <summary>
    /// Reads the funder's grants at <paramref name="version"/>, which the caller read before (so that what is read is
    /// that state or a later one: a later one is never handed out, its version being newer than the label). Its
    /// corrections first (few), then the grants in award-date order through the engine's row reader.
    /// </summary>
    public static async Task<GrantSnapshot> ReadAsync(
        Db db,
        long funderId,
        long version,
        long expected,
        CancellationToken ct
    )
    {
        await using var connection = await db.OpenAsync(ct);
        var p = new Dictionary<string, object>(StringComparer.Ordinal) { ["FunderId"] = funderId };
        var reader = new Reader(expected);
        await db.Engine.ReadRowsAsync(
            connection,
            MixGrantScan.CorrectionsSql("g.funder_id = @FunderId"),
            p,
            reader.AddCorrection,
            ct
        );
        await db.Engine.ReadRowsAsync(connection, GrantsSql, p, reader.AddGrant, ct);
        return new GrantSnapshot(funderId, version, reader.Columns(), reader.Texts);
    }

    /// <summary>
    /// The funder's grants in award-date order: on SQLite all from the covering index ix_grants_funder_mix, in its
    /// order (no sort).
    /// </summary>
    internal const string GrantsSql = """
        SELECT g.id, g.award_date, g.currency, g.level, g.purpose, g.flexible, g.amount_awarded,
               g.recipient_country, g.programme_title
        FROM grants g
        WHERE g.funder_id = @FunderId
        ORDER BY g.award_date
        """;

    /// <summary>The columns as read, trimmed to the grants read.</summary>
    private sealed record GrantColumns(
        int Count,
        int[] Day,
        int[] Currency,
        int[] Level,
        int[] Purpose,
        sbyte[] Flexible,
        long[] Amount,
        int[] Country,
        int[] Programme
    );

    /// <summary>Fills the columns row by row, a text looked up only when it differs from the column's last.</summary>
    private sealed class Reader(long expected)
    {
        private readonly GrantCorrections _corrections = new();
        private int _count;
        private int[] _day = new int[Math.Max(16, expected)];
        private int[] _currency = new int[Math.Max(16, expected)];
        private int[] _level = new int[Math.Max(16, expected)];
        private int[] _purpose = new int[Math.Max(16, expected)];
        private sbyte[] _flexible = new sbyte[Math.Max(16, expected)];
        private long[] _amount = new long[Math.Max(16, expected)];
        private int[] _country = new int[Math.Max(16, expected)];
        private int[] _programme = new int[Math.Max(16, expected)];

        private readonly RowTexts _texts = new(5);

        public Interned<string> Texts => _texts.Texts;

        public void AddCorrection(IRowCursor row)
        {
            _corrections.Add(row, _texts, 1, 2);
            _texts.Forget();
        }

        public void AddGrant(IRowCursor row)
        {
            if (_count == _day.Length)
            {
                Grow();
            }

            var i = _count++;
            var day = row.Date(1).DayNumber;
            if (i > 0 && day < _day[i - 1])
            {
                throw new InvalidOperationException("The grants were not read in award-date order.");
            }

            (_day[i], _currency[i], _amount[i]) = (day, TextId(row, 2, 0), row.Int64(6));
            (_level[i], _purpose[i], var flexible) = _corrections.Over(
                row.Int64(0),
                TextId(row, 3, 1),
                TextId(row, 4, 2),
                MixFlexible.Of(row, 5)
            );
            _flexible[i] = (sbyte)flexible;
            (_country[i], _programme[i]) = (TextId(row, 7, 3), TextId(row, 8, 4));
        }

        private int TextId(IRowCursor row, int ordinal, int slot) => _texts.IdOf(row, ordinal, slot);

        public GrantColumns Columns() =>
            new(
                _count,
                Trim(_day),
                Trim(_currency),
                Trim(_level),
                Trim(_purpose),
                Trim(_flexible),
                Trim(_amount),
                Trim(_country),
                Trim(_programme)
            );

        private T[] Trim<T>(T[] column) => column.Length == _count ? column : column[.._count];

        private void Grow()
        {
            var size = _day.Length * 2;
            Array.Resize(ref _day, size);
            Array.Resize(ref _currency, size);
            Array.Resize(ref _level, size);
            Array.Resize(ref _purpose, size);
            Array.Resize(ref _flexible, size);
            Array.Resize(ref _amount, size);
            Array.Resize(ref _country, size);
            Array.Resize(ref _programme, size);
        }
    }
}
