using System.Runtime.InteropServices;

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// The scan's read of the grants, grant by grant, summed by group; a funder's in two award-date ranges read side by
/// side on two connections (as <see cref="MixMedianRead"/> reads the day-totals groupings' grants), each range into
/// its own texts, groups, sums and grants (kept for the medians), then the later range's put into the earlier's: its
/// texts numbered again, its groups found or added, its sums added, its grants filed under the groups they became.
/// Read in one range, a report with medians on SQLite (which sends no array of amounts) read every grant of the
/// period on one connection, one core's work (1.4 s of CPU at 1M grants); so did, on SQLite, every report of grants
/// in other currencies than the report's, whose groups (by award day) number nearly as many as the grants.
/// </summary>
internal sealed partial class MixGrantScan
{
    /// <summary>
    /// The day the read was split at: the grants awarded before it read on one connection, those on or after it on
    /// another (<see cref="MixMedianRead.SplitDayAsync"/>, <see cref="MixMedianRead.Range"/>), by the scan or the
    /// report-currency statement (<see cref="ReadReportCurrencyAsync"/>); null when the grants were read in one range.
    /// </summary>
    public DateOnly? SplitDay { get; private set; }

    /// <summary>Reads the grants <paramref name="where"/> keeps that the report-currency statement left.</summary>
    private async Task ScanAsync(
        DbConnection connection,
        string where,
        IReadOnlyDictionary<string, object> p,
        CancellationToken ct
    )
    {
        var (sql, ordinals) = ScanSql(where);
        // Without medians, only on an engine that reads a statement on one thread: PostgreSQL's backends read the
        // rows as fast in one range (level × country in three currencies 2.6-3.2 s either way), and with a programme
        // filter, whose title PostgreSQL reads from the table, each range read the whole table (0.60 → 0.75 s).
        if (!twoRanges || (!keepGrants && db.Dialect.ParallelQuery))
        {
            await db.Engine.ReadRowsAsync(connection, sql, p, row => Add(row, ordinals), ct);
            return;
        }

        await InTwoRangesAsync(
            connection,
            p,
            (scan, other, range) => db.Engine.ReadRowsAsync(other, sql, range, row => scan.Add(row, ordinals), ct),
            ct
        );
    }

    /// <summary>
    /// <paramref name="read"/> (a scan, its connection, its range's parameters) of the period in two award-date ranges
    /// side by side: the earlier into this scan on <paramref name="connection"/>, the later into a <see cref="Fork"/>
    /// on a connection of its own, then put into this one (<see cref="AddAll"/>).
    /// </summary>
    private async Task InTwoRangesAsync(
        DbConnection connection,
        IReadOnlyDictionary<string, object> p,
        Func<MixGrantScan, DbConnection, Dictionary<string, object>, Task> read,
        CancellationToken ct
    )
    {
        var split = SplitDay ??= await MixMedianRead.SplitDayAsync(db, connection, q, p, ct);
        var later = Fork();
        var low = Task.Run(() => read(this, connection, MixMedianRead.Range(p, split, false)), ct);
        var high = Task.Run(
            async () =>
            {
                await using var other = await db.OpenAsync(ct);
                await read(later, other, MixMedianRead.Range(p, split, true));
            },
            ct
        );
        await Task.WhenAll(low, high);
        AddAll(later);
    }

    /// <summary>
    /// A scan of the same report for the later range: the texts numbered as here (so that the corrections' and the
    /// report currency's numbers mean the same), the corrections copied, no group yet.
    /// </summary>
    private MixGrantScan Fork()
    {
        var later = new MixGrantScan(db, funderId, q, keepGrants, twoRanges: false)
        {
            _reportCurrency = _reportCurrency,
        };
        foreach (var text in Texts.Values)
        {
            later.Texts.IdOf(text);
        }

        later._corrections.AddAll(_corrections);

        return later;
    }

    /// <summary>
    /// The groups, sums and kept grants of <paramref name="later"/> put into this scan's: each text numbered here,
    /// each group found or added (in the order the later range first read it, after this range's: the order one read
    /// of both would have), its sums added, each grant filed under the group its own became; its headline rows (of
    /// its range's daily totals, which the headline sums by class) added to this scan's, and whether its range has a
    /// daily total in another currency.
    /// </summary>
    private void AddAll(MixGrantScan later)
    {
        _headline.AddRange(later._headline);
        _others |= later._others;
        var texts = later.Texts.Values.Select(Texts.IdOf).ToArray();
        int Text(int id) => id >= 0 ? texts[id] : -1;
        var groups = new int[later._keys.Count];
        for (var i = 0; i < groups.Length; i++)
        {
            var key = later._keys[i];
            var (grants, amount) = later._sums[i];
            groups[i] = AddSum(
                key with
                {
                    Currency = Text(key.Currency),
                    Level = Text(key.Level),
                    Purpose = Text(key.Purpose),
                    Region = Text(key.Region),
                    Country = Text(key.Country),
                    Programme = Text(key.Programme),
                },
                grants,
                amount
            );
        }

        _grants.EnsureCapacity(_grants.Count + later._grants.Count);
        foreach (var (group, amount) in CollectionsMarshal.AsSpan(later._grants))
        {
            _grants.Add((groups[group], amount));
        }
    }

    /// <summary>The SELECT over the grants and the ordinals of its optional columns (−1 when not selected).</summary>
    private (string Sql, (int Country, int Programme, int Id) Ordinals) ScanSql(string where)
    {
        var columns = new List<string>
        {
            "g.award_date",
            "g.currency",
            "g.level",
            "g.purpose",
            "g.flexible",
            "g.amount_awarded",
        };
        int Optional(bool wanted, string column)
        {
            if (!wanted)
            {
                return -1;
            }

            columns.Add(column);
            return columns.Count - 1;
        }

        var ordinals = (
            Optional(ReadsCountry, "g.recipient_country"),
            Optional(ReadsProgramme, "g.programme_title"),
            Optional(_corrections.Count > 0, "g.id")
        );
        return ($"SELECT {string.Join(", ", columns)} FROM grants g WHERE {where}", ordinals);
    }

    private void Add(IRowCursor row, (int Country, int Programme, int Id) o)
    {
        var (level, purpose, flexible) = (TextId(row, 2, 1), TextId(row, 3, 2), MixFlexible.Of(row, 4));
        if (o.Id >= 0)
        {
            (level, purpose, flexible) = _corrections.Over(row.Int64(o.Id), level, purpose, flexible);
        }

        var currency = TextId(row, 1, 0);
        var key = new Key(
            currency == _reportCurrency ? q.Period.From.DayNumber : row.Date(0).DayNumber,
            currency,
            level,
            purpose,
            flexible,
            -1,
            o.Country >= 0 ? TextId(row, o.Country, 3) : -1,
            o.Programme >= 0 ? TextId(row, o.Programme, 4) : -1
        );
        var amount = row.Int64(5);
        var index = AddSum(key, 1, amount);
        if (keepGrants)
        {
            _grants.Add((index, amount));
        }
    }
}
