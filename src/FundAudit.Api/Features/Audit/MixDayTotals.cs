using System.Runtime.InteropServices;

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// The sums of a report the stored daily totals answer (<see cref="MixFilter.ReadsDayTotals"/>): the rows of
/// grant_day_totals for the period in key order, the rows that differ only by source (when not filtered on) merged as
/// they are read, which makes the same groups as the GROUP BY over the grants without the sort. Unless the report
/// groups by year (whose bucket is each row's award day: <see cref="MixReportCurrency.Applies"/>), the days of the
/// report's own currency are summed as they are read into one row per class, filed under the period's
/// first day: converting them is the identity on any day, so the cells and totals are the same to the cent, and the
/// service prices and converts a few rows instead of one per day, currency and class (91,278 at the benchmark's 1M
/// grants). The other currencies keep their days, each converted at its own day's rate.
/// </summary>
internal sealed class MixDayTotals
{
    private readonly long _funderId;
    private readonly string? _atPar;
    private readonly DateOnly _firstDay;
    private readonly List<MixRow> _rows = [];
    private readonly Dictionary<(string Level, string Purpose, bool? Flexible), MixRow> _summed = [];
    private MixRow? _last;
    private string _currency = "";
    private bool _currencyAtPar;
    private string _level = "";
    private string _purpose = "";

    private MixDayTotals(long funderId, string? atPar, DateOnly firstDay) =>
        (_funderId, _atPar, _firstDay) = (funderId, atPar, firstDay);

    /// <summary>The sums of <paramref name="q"/> for the funder.</summary>
    public static async Task<List<MixRow>> ReadAsync(
        Db db,
        DbConnection connection,
        long funderId,
        MixQuery q,
        CancellationToken ct
    )
    {
        var (where, p) = MixFilter.OverDayTotals(funderId, q);
        var sql = $"""
            SELECT t.award_date, t.currency, t.level, t.purpose, t.flexible, t.grant_count, t.amount
            FROM grant_day_totals t
            WHERE {where}
            ORDER BY t.funder_id, t.award_date, t.currency, t.level, t.purpose, t.flexible
            """;
        var atPar = MixReportCurrency.Applies(q, keepGrants: false, db.Dialect) ? q.Currency : null;
        var totals = new MixDayTotals(funderId, atPar, q.Period.From);
        await db.Engine.ReadRowsAsync(connection, sql, p, totals.Add, ct);
        return totals._rows;
    }

    private void Add(IRowCursor row)
    {
        if (!row.TextIs(1, _currency))
        {
            _currency = row.Text(1);
            _currencyAtPar = string.Equals(_currency, _atPar, StringComparison.Ordinal);
        }

        _level = Known(row, 2, _level, MixCalculator.Levels);
        _purpose = Known(row, 3, _purpose, MixCalculator.Purposes);
        var flexible = MixFlexible.Flag(MixFlexible.OfTotal(row.Int64(4)));
        var (grants, amount) = (row.Int64(5), row.Int64(6));
        if (_currencyAtPar)
        {
            ref var sum = ref CollectionsMarshal.GetValueRefOrAddDefault(
                _summed,
                (_level, _purpose, flexible),
                out var found
            );
            if (!found)
            {
                sum = New(_firstDay, flexible);
                _rows.Add(sum);
            }

            (sum!.Grants, sum.Amount) = (sum.Grants + grants, sum.Amount + amount);
            return;
        }

        var date = row.Date(0);
        if (
            _last is { } last
            && last.AwardDate == date
            && ReferenceEquals(last.Currency, _currency)
            && ReferenceEquals(last.Level, _level)
            && ReferenceEquals(last.Purpose, _purpose)
            && last.Flexible == flexible
        )
        {
            // The same group under another source: merged as the GROUP BY would.
            (last.Grants, last.Amount) = (last.Grants + grants, last.Amount + amount);
            return;
        }

        _last = New(date, flexible);
        (_last.Grants, _last.Amount) = (grants, amount);
        _rows.Add(_last);
    }

    private MixRow New(DateOnly date, bool? flexible) =>
        new()
        {
            FunderId = _funderId,
            AwardDate = date,
            Currency = _currency,
            Level = _level,
            Purpose = _purpose,
            Flexible = flexible,
        };

    /// <summary>The column's text as one shared string: the previous row's, a taxonomy name, or read anew.</summary>
    private static string Known(IRowCursor row, int ordinal, string previous, string[] names)
    {
        if (row.TextIs(ordinal, previous))
        {
            return previous;
        }

        foreach (var name in names)
        {
            if (row.TextIs(ordinal, name))
            {
                return name;
            }
        }

        return row.Text(ordinal);
    }
}
